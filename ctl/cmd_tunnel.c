// SPDX-License-Identifier: GPL-2.0-only
/*
 * tunctl tunnel list | disable ID | enable ID: asks every attached
 * device's daemon. Disabling takes effect for the next packet: the daemon
 * clears the tunnel's flag in the datapath map, so XDP drops its packets
 * from then on, and stops sending on it.
 */
#include <errno.h>
#include <inttypes.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "cmds.h"
#include "ctlsock.h"
#include "daemon.h"
#include "pins.h"
#include "util.h"

/* Devices whose daemon runs but gave no list: the command then fails. */
static unsigned int unanswered;

static int collect(const char *dev, void *arg)
{
	json_t *ans, *list = arg, *t, *tunnels;
	size_t i;

	if (!daemon_pid(dev))
		return 0;
	ans = ctlsock_request(dev, "list");
	tunnels = json_object_get(ans, "tunnels");
	if (!json_is_array(tunnels)) {
		/* Never "no tunnels" for a daemon that did not say so. */
		err("tunnel list: %s: the daemon did not answer", dev);
		unanswered++;
	}
	json_array_foreach(tunnels, i, t)
		json_array_append(list, t);
	json_decref(ans);
	return 0;
}

static void print_text(json_t *list)
{
	json_t *t;
	size_t i;

	if (!json_array_size(list)) {
		printf("no tunnels\n");
		return;
	}
	printf("%-6s %-8s %-6s %-12s %-11s %-24s %-21s %10s %10s %10s %10s  %s\n",
	       "id", "type", "side", "peer", "state", "traffic", "endpoint",
	       "tx pkts", "tx bytes", "rx pkts", "rx bytes", "last handshake");
	json_array_foreach(list, i, t) {
		char traffic[48], when[32] = "never";
		json_t *target = json_object_get(t, "target");
		json_t *ep = json_object_get(t, "endpoint");
		json_t *lh = json_object_get(t, "last_handshake");
		json_t *drops = json_object_get(t, "drops"), *d;
		const char *name;

		if (!strcmp(json_string_value(json_object_get(t, "type")), "internet"))
			snprintf(traffic, sizeof(traffic), "internet");
		else
			snprintf(traffic, sizeof(traffic), "%s/%" JSON_INTEGER_FORMAT "%s%s",
				 json_string_value(json_object_get(t, "protocol")),
				 json_integer_value(json_object_get(t, "port")),
				 json_is_string(target) ? " to " : "",
				 json_is_string(target) ? json_string_value(target) : "");
		if (json_is_integer(lh)) {
			time_t s = json_integer_value(lh);
			struct tm tm;

			gmtime_r(&s, &tm);
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		}
		printf("%-6" JSON_INTEGER_FORMAT " %-8s %-6s %-12s %-11s %-24s %-21s %10" JSON_INTEGER_FORMAT " %10" JSON_INTEGER_FORMAT " %10" JSON_INTEGER_FORMAT " %10" JSON_INTEGER_FORMAT "  %s\n",
		       json_integer_value(json_object_get(t, "id")),
		       json_string_value(json_object_get(t, "type")),
		       json_string_value(json_object_get(t, "side")),
		       json_string_value(json_object_get(t, "peer")),
		       json_string_value(json_object_get(t, "state")), traffic,
		       json_is_string(ep) ? json_string_value(ep) : "-",
		       json_integer_value(json_object_get(t, "tx_packets")),
		       json_integer_value(json_object_get(t, "tx_bytes")),
		       json_integer_value(json_object_get(t, "rx_packets")),
		       json_integer_value(json_object_get(t, "rx_bytes")), when);
		if (json_is_array(json_object_get(t, "via")))
			printf("       path: via relay %s (%" JSON_INTEGER_FORMAT " of %zu), %" JSON_INTEGER_FORMAT " failovers\n",
			       json_string_value(json_array_get(json_object_get(t, "via"),
					json_integer_value(json_object_get(t, "via_active")))),
			       json_integer_value(json_object_get(t, "via_active")) + 1,
			       json_array_size(json_object_get(t, "via")),
			       json_integer_value(json_object_get(t, "failovers")));
		json_object_foreach(drops, name, d)
			if (json_integer_value(d))
				printf("       drop %s: %" JSON_INTEGER_FORMAT "\n",
				       name, json_integer_value(d));
	}
}

static int tunnel_list(int argc, char **argv)
{
	static const struct option opts[] = { {} };
	json_t *list;
	int c, ret;

	while ((c = getopt_long(argc, argv, ":j", opts, NULL)) != -1) {
		if (c != 'j')
			return opt_error("tunnel", c, argv);
		g.json = true;
	}
	if (optind != argc)
		return usage_error("tunnel list", "takes no arguments");
	list = json_array();
	for_each_attached(collect, list);
	ret = print_result("tunnels", list, print_text);
	return unanswered ? EXIT_RUNTIME : ret;
}

struct switch_req {
	char line[32];
	int found;
	int failed;
};

static int ask_switch(const char *dev, void *arg)
{
	struct switch_req *r = arg;
	json_t *ans;

	if (!daemon_pid(dev))
		return 0;
	ans = ctlsock_request(dev, r->line);
	if (!ans)
		r->failed = 1;
	else if (json_is_true(json_object_get(ans, "ok")))
		r->found++;
	json_decref(ans);
	return 0;
}

static int tunnel_switch(const char *verb, int argc, char **argv)
{
	struct switch_req r = {};
	unsigned long id;

	if (argc != 2 || parse_uint(argv[1], 1, 65535, &id))
		return usage_error("tunnel", "%s expects one tunnel id (1 to 65535)",
				   verb);
	if (!have_net_bpf_caps()) {
		err("tunnel %s %lu: permission denied: needs root", verb, id);
		return EXIT_RUNTIME;
	}
	snprintf(r.line, sizeof(r.line), "%s %lu", verb, id);
	for_each_attached(ask_switch, &r);
	if (!r.found) {
		err("tunnel %s %lu: %s", verb, id, r.failed ?
		    "a daemon did not answer" : "no such tunnel");
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

int cmd_tunnel(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("tunnel", "expects list, disable or enable");
	argc--;
	argv++;
	optind = 0;
	if (!strcmp(argv[0], "list"))
		return tunnel_list(argc, argv);
	if (!strcmp(argv[0], "disable") || !strcmp(argv[0], "enable"))
		return tunnel_switch(argv[0], argc, argv);
	return usage_error("tunnel", "unknown verb \"%s\"", argv[0]);
}
