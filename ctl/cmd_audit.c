// SPDX-License-Identifier: GPL-2.0-only
/*
 * tunctl audit [DEV] [-j]: this namespace's listening sockets and, for
 * each, the tunnel that exposes it (audit.h); one without any is running
 * for nothing. The tunnels come from each attached device's daemon (its
 * "list" answer); the view is one JSON tree, -j prints it as is.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "audit.h"
#include "cmds.h"
#include "ctlsock.h"
#include "daemon.h"
#include "datapath.h"
#include "pins.h"
#include "util.h"

struct nodes {
	struct audit_node *v;
	struct audit_tunnel **tunnels;	/* v[i].tunnels, ours to free */
	json_t *answers;		/* keep the type strings alive */
	size_t n, cap;
	size_t n_tunnels;
	unsigned int unanswered;
};

static uint8_t proto_num(const char *name)
{
	if (!name)
		return 0;
	return !strcmp(name, "tcp") ? IPPROTO_TCP : !strcmp(name, "udp") ?
	       IPPROTO_UDP : !strcmp(name, "icmp") ? IPPROTO_ICMP : 0;
}

/* node_overlay and node_listen_port, from o (an answer or a tunnel). */
static void node_keys(struct audit_node *nd, json_t *o)
{
	json_t *ov = json_object_get(o, "node_overlay");
	json_int_t port = json_integer_value(json_object_get(o, "node_listen_port"));

	if (json_is_string(ov) &&
	    inet_pton(AF_INET, json_string_value(ov), &nd->overlay) == 1)
		nd->has_overlay = true;
	if (port > 0 && port <= 65535)
		nd->listen_port = port;
}

/*
 * The node's tunnels from its daemon's list answer; 0 or -1. The node's
 * own keys come with every tunnel (any one will do), or once at the top.
 */
static int node_from_list(struct audit_node *nd, struct audit_tunnel **out,
			  json_t *ans, json_t *tunnels)
{
	struct audit_tunnel *tv = NULL;
	size_t i, n = json_array_size(tunnels);
	json_t *t;

	if (n && !(tv = calloc(n, sizeof(*tv))))
		return -1;
	json_array_foreach(tunnels, i, t) {
		struct audit_tunnel *a = &tv[i];
		const char *state = json_string_value(json_object_get(t, "state"));
		const char *side = json_string_value(json_object_get(t, "side"));

		a->id = json_integer_value(json_object_get(t, "id"));
		a->type = json_string_value(json_object_get(t, "type"));
		a->server = side && !strcmp(side, "server");
		a->protocol = proto_num(json_string_value(json_object_get(t, "protocol")));
		a->port = json_integer_value(json_object_get(t, "port"));
		a->enabled = !state || strcmp(state, "disabled");
		node_keys(nd, t);
	}
	node_keys(nd, ans);
	nd->tunnels = tv;
	nd->n_tunnels = n;
	*out = tv;
	return 0;
}

static int collect(const char *dev, void *arg)
{
	struct nodes *ns = arg;
	struct tunctl_config cfg = {};
	struct audit_node *nd;
	json_t *ans, *tunnels;

	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? 2 * ns->cap : 4;
		struct audit_node *v = realloc(ns->v, cap * sizeof(*v));
		struct audit_tunnel **t = realloc(ns->tunnels, cap * sizeof(*t));

		if (v)
			ns->v = v;
		if (t)
			ns->tunnels = t;
		if (!v || !t)
			return -1;
		ns->cap = cap;
	}
	nd = &ns->v[ns->n];
	memset(nd, 0, sizeof(*nd));
	ns->tunnels[ns->n] = NULL;
	/* The datapath knows the port even when no daemon runs. */
	if (!dp_config_read(dev, &cfg))
		nd->listen_port = ntohs(cfg.listen_port);
	nd->daemon_pid = daemon_pid(dev);
	ns->n++;
	if (!nd->daemon_pid)
		return 0;
	ans = ctlsock_request(dev, "list");
	tunnels = json_object_get(ans, "tunnels");
	if (!json_is_array(tunnels)) {
		err("audit: %s: the daemon did not answer", dev);
		ns->unanswered++;
		json_decref(ans);
		return 0;
	}
	if (node_from_list(nd, &ns->tunnels[ns->n - 1], ans, tunnels)) {
		json_decref(ans);
		return -1;
	}
	ns->n_tunnels += nd->n_tunnels;
	json_array_append_new(ns->answers, ans);
	return 0;
}

static void nodes_free(struct nodes *ns)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		free(ns->tunnels[i]);
	free(ns->tunnels);
	free(ns->v);
	json_decref(ns->answers);
}

static int sock_cmp(const void *a, const void *b)
{
	const struct audit_sock *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto - y->proto;
	if (x->port != y->port)
		return x->port - y->port;
	if (x->family != y->family)
		return x->family - y->family;
	return memcmp(&x->addr, &y->addr, sizeof(x->addr));
}

static const char *status_name(enum audit_status st)
{
	return st == AUDIT_TUNNEL ? "tunnel" : st == AUDIT_UNDERLAY ?
	       "underlay" : st == AUDIT_LOCAL ? "local" : "none";
}

static json_t *listener_json(const struct audit_sock *s,
			     const struct audit_match *m)
{
	json_t *o, *by = json_array(), *off = json_array();
	const char *note = audit_note(m);
	char addr[INET6_ADDRSTRLEN];
	size_t i;

	audit_addr_str(s, addr, sizeof(addr));
	for (i = 0; i < m->n_ids; i++) {
		json_array_append_new(by, json_integer(m->ids[i]));
		if (m->disabled[i])
			json_array_append_new(off, json_integer(m->ids[i]));
	}
	o = json_pack("{sssssi}", "proto", s->proto == IPPROTO_TCP ? "tcp" : "udp",
		      "address", addr, "port", s->port);
	json_object_set_new(o, "pid", s->pid ? json_integer(s->pid) : json_null());
	json_object_set_new(o, "process", s->pid ? json_string(s->process) :
						   json_null());
	json_object_set_new(o, "status", json_string(status_name(m->status)));
	json_object_set_new(o, "exposed_by", by);
	json_object_set_new(o, "disabled_tunnels", off);
	json_object_set_new(o, "note", note ? json_string(note) : json_null());
	return o;
}

/* Whether any node runs a tunnel, for the text view's opening line. */
static bool no_tunnels;

static void print_text(json_t *list)
{
	json_t *l, *id;
	size_t i, k;

	if (no_tunnels)
		printf("no tunnels configured: no listener is exposed by a tunnel\n");
	if (!json_array_size(list)) {
		printf("no listening sockets\n");
		return;
	}
	printf("%-5s %-39s %5s  %-22s %s\n", "PROTO", "ADDR", "PORT",
	       "PROCESS", "EXPOSED-BY");
	json_array_foreach(list, i, l) {
		const char *status = json_string_value(json_object_get(l, "status"));
		json_t *pid = json_object_get(l, "pid");
		char proc[40] = "?", by[256] = "";
		size_t off = 0;

		if (json_is_integer(pid))
			snprintf(proc, sizeof(proc), "%.16s (%" JSON_INTEGER_FORMAT ")",
				 json_string_value(json_object_get(l, "process")),
				 json_integer_value(pid));
		if (!strcmp(status, "tunnel")) {
			json_array_foreach(json_object_get(l, "exposed_by"), k, id) {
				json_t *d, *dis = json_object_get(l, "disabled_tunnels");
				bool is_off = false;
				size_t j;

				json_array_foreach(dis, j, d)
					is_off |= json_integer_value(d) ==
						  json_integer_value(id);
				if (off >= sizeof(by) - 1)
					break;
				off += snprintf(by + off, sizeof(by) - off,
						"%stunnel %" JSON_INTEGER_FORMAT "%s",
						k ? ", " : "", json_integer_value(id),
						is_off ? " (disabled)" : "");
			}
		} else if (!strcmp(status, "underlay")) {
			snprintf(by, sizeof(by), "tunctl (underlay)");
		} else if (!strcmp(status, "local")) {
			snprintf(by, sizeof(by), "local only");
		} else {
			snprintf(by, sizeof(by), "none (candidate to switch off)");
		}
		printf("%-5s %-39s %5" JSON_INTEGER_FORMAT "  %-22s %s\n",
		       json_string_value(json_object_get(l, "proto")),
		       json_string_value(json_object_get(l, "address")),
		       json_integer_value(json_object_get(l, "port")), proc, by);
	}
}

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = { {} };
	struct nodes ns = { .answers = json_array() };
	struct audit_list socks = {};
	const char *dev = NULL;
	json_t *out;
	size_t i;
	int c, ret;

	while ((c = getopt_long(argc, argv, ":j", opts, NULL)) != -1) {
		if (c != 'j')
			return opt_error("audit", c, argv);
		g.json = true;
	}
	if (argc - optind > 1)
		return usage_error("audit", "expects at most one device");
	if (argc - optind == 1) {
		dev = argv[optind];
		if (!dev_attached(dev)) {
			err("audit %s: not attached", dev);
			return EXIT_RUNTIME;
		}
	}
	ret = dev ? collect(dev, &ns) : for_each_attached(collect, &ns);
	if (ret < 0) {
		err("audit: out of memory");
		nodes_free(&ns);
		return EXIT_RUNTIME;
	}
	ret = audit_read_sockets(&socks);
	if (ret) {
		err("audit: /proc/net: %s", strerror(-ret));
		audit_list_free(&socks);
		nodes_free(&ns);
		return EXIT_RUNTIME;
	}
	audit_find_owners(&socks, "/proc");
	qsort(socks.v, socks.n, sizeof(*socks.v), sock_cmp);
	out = json_array();
	for (i = 0; i < socks.n; i++) {
		struct audit_match m;

		audit_classify(ns.v, ns.n, &socks.v[i], &m);
		json_array_append_new(out, listener_json(&socks.v[i], &m));
	}
	no_tunnels = !ns.n_tunnels;
	ret = print_result("listeners", out, print_text);
	if (ns.unanswered)
		ret = EXIT_RUNTIME;
	audit_list_free(&socks);
	nodes_free(&ns);
	return ret;
}
