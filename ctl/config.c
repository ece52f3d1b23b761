// SPDX-License-Identifier: GPL-2.0-only
/*
 * Config parsing and validation. The walker carries the JSON pointer of
 * the value it is looking at, so each error names its place in the file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <malloc.h>
#include <string.h>
#include <arpa/inet.h>
#include <jansson.h>
#include <sodium.h>

#include "config.h"
#include "config_walk.h"
#include "json_pos.h"
#include "maps.h"
#include "util.h"

#define MAX_FILE_SIZE (4 << 20)

static void diag_add(struct conf_diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void diag_add(struct conf_diag *d, const char *fmt, ...)
{
	va_list ap;
	char *m;

	if (d->n >= CONF_MAX_ERRORS) {
		d->more++;
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	if (m)
		d->msg[d->n++] = m;
}

/* "/local/arp" -> "local.arp", for messages. */
static void ptr_to_dotted(const char *ptr, char *out, size_t outsz)
{
	size_t n = 0;

	if (*ptr == '/')
		ptr++;
	for (; *ptr && n + 1 < outsz; ptr++)
		out[n++] = *ptr == '/' ? '.' : *ptr;
	out[n] = '\0';
	if (!n)
		snprintf(out, outsz, "(top level)");
}

void walk_err(struct walker *w, const char *fmt, ...)
{
	char what[256], dotted[512];
	int line, col;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	json_pos_find(w->pos, w->ptr, &line, &col);
	ptr_to_dotted(w->ptr, dotted, sizeof(dotted));
	diag_add(w->diag, "%s:%d:%d: %s: %s", w->name, line, col, dotted, what);
}

size_t walk_push(struct walker *w, const char *key)
{
	size_t old = strlen(w->ptr);

	snprintf(w->ptr + old, sizeof(w->ptr) - old, "/%s", key);
	return old;
}

void walk_pop(struct walker *w, size_t old)
{
	w->ptr[old] = '\0';
}

/* Report every key of obj not in allowed[]. */
void walk_keys(struct walker *w, json_t *obj,
		       const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		const char *const *a;
		size_t old;

		for (a = allowed; *a; a++)
			if (!strcmp(*a, key))
				break;
		if (*a)
			continue;
		old = walk_push(w, key);
		walk_err(w, "unknown key");
		walk_pop(w, old);
	}
}

bool walk_want(struct walker *w, json_t *v, json_type t,
		      const char *what)
{
	if (json_typeof(v) == t)
		return true;
	walk_err(w, "expected %s", what);
	return false;
}

void walk_bool(struct walker *w, json_t *obj, const char *key, bool *out)
{
	json_t *v = json_object_get(obj, key);
	size_t old;

	if (!v)
		return;
	old = walk_push(w, key);
	if (json_is_boolean(v))
		*out = json_is_true(v);
	else
		walk_err(w, "expected true or false");
	walk_pop(w, old);
}

/* A string member, or NULL (with an error if present but not a string). */
const char *walk_string(struct walker *w, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	const char *str = NULL;
	size_t old;

	if (!v)
		return NULL;
	old = walk_push(w, key);
	if (walk_want(w, v, JSON_STRING, "a string"))
		str = json_string_value(v);
	walk_pop(w, old);
	return str;
}

/* An integer member within [min, max]; -1 when absent or wrong. */
long walk_int(struct walker *w, json_t *obj, const char *key, long min,
		    long max, const char *what)
{
	json_t *v = json_object_get(obj, key);
	long ret = -1;
	size_t old;

	if (!v)
		return -1;
	old = walk_push(w, key);
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		walk_err(w, "expected %s from %ld to %ld", what, min, max);
	else
		ret = (long)json_integer_value(v);
	walk_pop(w, old);
	return ret;
}

/* Report a required member that is missing, at its object. */
void walk_require(struct walker *w, json_t *obj, const char *key)
{
	if (!json_object_get(obj, key))
		walk_err(w, "\"%s\" is missing", key);
}

/* Report a member that this kind of object must not have. */
void walk_forbid(struct walker *w, json_t *obj, const char *key,
		   const char *why)
{
	size_t old;

	if (!json_object_get(obj, key))
		return;
	old = walk_push(w, key);
	walk_err(w, "not allowed %s", why);
	walk_pop(w, old);
}

static bool parse_ip4(const char *s, struct in_addr *out)
{
	return s && inet_pton(AF_INET, s, out) == 1;
}

/* A string member that must parse as an IPv4 address. */
static void get_ip4(struct walker *w, json_t *obj, const char *key,
		    struct in_addr *out)
{
	const char *str = walk_string(w, obj, key);
	size_t old;

	if (!str)
		return;
	old = walk_push(w, key);
	if (!parse_ip4(str, out))
		walk_err(w, "expected an IPv4 address");
	walk_pop(w, old);
}

/* A string member that must be one of names[]; its index or -1. */
int walk_enum(struct walker *w, json_t *obj, const char *key,
		    const char *const *names, size_t n, const char *expected)
{
	const char *str = walk_string(w, obj, key);
	size_t i, old;

	if (!str)
		return -1;
	for (i = 0; i < n; i++)
		if (!strcmp(str, names[i]))
			return i;
	old = walk_push(w, key);
	walk_err(w, "expected %s", expected);
	walk_pop(w, old);
	return -1;
}

/* "A.B.C.D/N" with no host bits set. */
static bool parse_cidr(const char *s, struct conf_prefix *out)
{
	char buf[32], *slash;
	unsigned long len;

	if (!s || strlen(s) >= sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (!slash)
		return false;
	*slash++ = '\0';
	if (!parse_ip4(buf, &out->net) || parse_uint(slash, 0, 32, &len))
		return false;
	out->len = len;
	return len == 32 || !(ntohl(out->net.s_addr) & (~0U >> len));
}

bool conf_prefix_has(const struct conf_prefix *p, struct in_addr a)
{
	uint32_t mask = p->len ? htonl(~0U << (32 - p->len)) : 0;

	return (a.s_addr & mask) == p->net.s_addr;
}

static void parse_networks(struct walker *w, json_t *local,
			   struct conf_local *out)
{
	json_t *list = json_object_get(local, "networks"), *v;
	char idx[24];
	size_t i, old, old2;

	if (!list)
		return;
	old = walk_push(w, "networks");
	if (!walk_want(w, list, JSON_ARRAY, "an array of \"A.B.C.D/N\"")) {
		walk_pop(w, old);
		return;
	}
	if (json_array_size(list) > CONF_MAX_NETWORKS)
		walk_err(w, "more than %d networks", CONF_MAX_NETWORKS);
	json_array_foreach(list, i, v) {
		struct conf_prefix p;

		if (i >= CONF_MAX_NETWORKS)
			break;
		snprintf(idx, sizeof(idx), "%zu", i);
		old2 = walk_push(w, idx);
		if (!json_is_string(v) || !parse_cidr(json_string_value(v), &p))
			walk_err(w, "expected a network like \"192.168.1.0/24\" (no host bits)");
		else
			out->networks[out->n_networks++] = p;
		walk_pop(w, old2);
	}
	walk_pop(w, old);
}

static void parse_local(struct walker *w, json_t *local,
			struct tunctl_conf *conf)
{
	static const char *const keys[] = {
		"arp", "ndp", "dhcp", "networks", NULL
	};

	if (!walk_want(w, local, JSON_OBJECT, "an object"))
		return;
	walk_keys(w, local, keys);
	walk_bool(w, local, "arp", &conf->local.arp);
	walk_bool(w, local, "ndp", &conf->local.ndp);
	walk_bool(w, local, "dhcp", &conf->local.dhcp);
	parse_networks(w, local, &conf->local);
}

static void parse_overlay(struct walker *w, json_t *ov,
			  struct tunctl_conf *conf)
{
	static const char *const keys[] = { "interface", "address", NULL };
	const char *ifname, *addr;
	char buf[32], *slash;
	unsigned long plen;
	bool addr_ok = false;
	size_t old;

	if (!walk_want(w, ov, JSON_OBJECT, "an object"))
		return;
	walk_keys(w, ov, keys);
	walk_require(w, ov, "interface");
	walk_require(w, ov, "address");
	ifname = walk_string(w, ov, "interface");
	if (ifname) {
		old = walk_push(w, "interface");
		if (!*ifname || strlen(ifname) >= sizeof(conf->overlay_ifname) ||
		    strchr(ifname, '/') || strchr(ifname, ' '))
			walk_err(w, "expected an interface name of 1 to 15 characters");
		else
			snprintf(conf->overlay_ifname,
				 sizeof(conf->overlay_ifname), "%s", ifname);
		walk_pop(w, old);
	}
	addr = walk_string(w, ov, "address");
	if (addr) {
		old = walk_push(w, "address");
		snprintf(buf, sizeof(buf), "%s", addr);
		slash = strchr(buf, '/');
		if (slash)
			*slash++ = '\0';
		addr_ok = slash && parse_ip4(buf, &conf->overlay_addr) &&
			  !parse_uint(slash, 1, 30, &plen);
		if (!addr_ok)
			walk_err(w, "expected an IPv4 address with a prefix length of 1 to 30, like 100.64.0.1/10");
		else
			conf->overlay_prefix = plen;
		walk_pop(w, old);
	}
	conf->has_overlay = addr_ok && *conf->overlay_ifname;
}

static void parse_node(struct walker *w, json_t *node,
		       struct tunctl_conf *conf)
{
	static const char *const keys[] = {
		"name", "listen_port", "overlay", NULL
	};
	const char *name;
	json_t *ov;
	long port;
	size_t old;

	if (!walk_want(w, node, JSON_OBJECT, "an object"))
		return;
	walk_keys(w, node, keys);
	name = walk_string(w, node, "name");
	if (name)
		snprintf(conf->node_name, sizeof(conf->node_name), "%s", name);
	port = walk_int(w, node, "listen_port", 1, 65535, "a port number");
	if (port > 0)
		conf->listen_port = port;
	ov = json_object_get(node, "overlay");
	if (ov) {
		old = walk_push(w, "overlay");
		parse_overlay(w, ov, conf);
		walk_pop(w, old);
	}
}

/* "198.18.0.2:51820" */
static bool parse_endpoint(const char *s, struct sockaddr_in *out)
{
	char buf[32], *colon;
	unsigned long port;

	if (!s || strlen(s) >= sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "%s", s);
	colon = strrchr(buf, ':');
	if (!colon)
		return false;
	*colon++ = '\0';
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	if (!parse_ip4(buf, &out->sin_addr) ||
	    parse_uint(colon, 1, 65535, &port))
		return false;
	out->sin_port = htons(port);
	return true;
}

/* A member that is a list of "IP:port" strings, at most max of them. */
static size_t get_endpoints(struct walker *w, json_t *obj, const char *key,
			    struct sockaddr_in *out, size_t min, size_t max)
{
	json_t *list = json_object_get(obj, key), *v;
	size_t i, n = 0, old, old2;
	char idx[24];

	if (!list)
		return 0;
	old = walk_push(w, key);
	if (!walk_want(w, list, JSON_ARRAY, "an array of \"IP:port\"")) {
		walk_pop(w, old);
		return 0;
	}
	if (json_array_size(list) < min || json_array_size(list) > max) {
		if (min == max)
			walk_err(w, "expected exactly %zu endpoints", min);
		else
			walk_err(w, "expected %zu to %zu endpoints", min, max);
	}
	json_array_foreach(list, i, v) {
		if (i >= max)
			break;
		snprintf(idx, sizeof(idx), "%zu", i);
		old2 = walk_push(w, idx);
		if (!json_is_string(v) || !parse_endpoint(json_string_value(v), &out[n]))
			walk_err(w, "expected an IPv4 address and port, like 198.18.0.2:51820");
		else
			n++;
		walk_pop(w, old2);
	}
	walk_pop(w, old);
	return n;
}

static void parse_peer(struct walker *w, json_t *peer, struct conf_peer *p)
{
	static const char *const keys[] = { "endpoint", "overlay", "via", NULL };
	const char *str;
	size_t old;

	walk_keys(w, peer, keys);
	str = walk_string(w, peer, "endpoint");
	if (str) {
		old = walk_push(w, "endpoint");
		p->has_endpoint = parse_endpoint(str, &p->endpoint);
		if (!p->has_endpoint)
			walk_err(w, "expected an IPv4 address and port, like 198.18.0.2:51820");
		walk_pop(w, old);
	}
	walk_require(w, peer, "overlay");
	get_ip4(w, peer, "overlay", &p->overlay);
	p->n_via = get_endpoints(w, peer, "via", p->via, 1, CONF_MAX_VIA);
}

static void parse_relays(struct walker *w, json_t *relays,
			 struct tunctl_conf *conf)
{
	static const char *const keys[] = { "tunnel", "between", NULL };
	size_t i, j, old;
	char idx[24];
	json_t *r;

	if (!walk_want(w, relays, JSON_ARRAY, "an array"))
		return;
	if (json_array_size(relays) > CONF_MAX_RELAYS) {
		walk_err(w, "more than %d relays", CONF_MAX_RELAYS);
		return;
	}
	conf->relays = calloc(json_array_size(relays) + 1, sizeof(*conf->relays));
	if (!conf->relays) {
		walk_err(w, "out of memory");
		return;
	}
	json_array_foreach(relays, i, r) {
		struct conf_relay *out = &conf->relays[conf->n_relays];
		long id;

		snprintf(idx, sizeof(idx), "%zu", i);
		old = walk_push(w, idx);
		if (!walk_want(w, r, JSON_OBJECT, "an object")) {
			walk_pop(w, old);
			continue;
		}
		walk_keys(w, r, keys);
		walk_require(w, r, "tunnel");
		walk_require(w, r, "between");
		id = walk_int(w, r, "tunnel", 1, 65535, "a tunnel id");
		out->tunnel = id > 0 ? id : 0;
		if (get_endpoints(w, r, "between", out->side, 2, 2) == 2 &&
		    out->tunnel) {
			if (out->side[0].sin_addr.s_addr == out->side[1].sin_addr.s_addr &&
			    out->side[0].sin_port == out->side[1].sin_port)
				walk_err(w, "relays between an endpoint and itself");
			for (j = 0; j < conf->n_relays; j++) {
				const struct conf_relay *o = &conf->relays[j];
				int a, b;

				for (a = 0; a < 2; a++)
					for (b = 0; b < 2; b++)
						if (o->tunnel == out->tunnel &&
						    o->side[a].sin_addr.s_addr == out->side[b].sin_addr.s_addr &&
						    o->side[a].sin_port == out->side[b].sin_port)
							goto dup;
			}
			conf->n_relays++;
		}
		walk_pop(w, old);
		continue;
dup:
		walk_err(w, "tunnel %u from one of these endpoints is relayed already", out->tunnel);
		walk_pop(w, old);
	}
}

static void parse_peers(struct walker *w, json_t *peers,
			struct tunctl_conf *conf)
{
	const char *name;
	json_t *peer;

	if (!walk_want(w, peers, JSON_OBJECT, "an object"))
		return;
	if (json_object_size(peers) > CONF_MAX_PEERS) {
		walk_err(w, "more than %d peers", CONF_MAX_PEERS);
		return;
	}
	conf->peers = calloc(json_object_size(peers) + 1, sizeof(*conf->peers));
	if (!conf->peers) {
		walk_err(w, "out of memory");
		return;
	}
	json_object_foreach(peers, name, peer) {
		struct conf_peer *p = &conf->peers[conf->n_peers];
		size_t old = walk_push(w, name);

		if (!*name || strlen(name) >= sizeof(p->name))
			walk_err(w, "expected a peer name of 1 to %d characters",
			     CONF_NAME_MAX - 1);
		else if (walk_want(w, peer, JSON_OBJECT, "an object")) {
			snprintf(p->name, sizeof(p->name), "%s", name);
			parse_peer(w, peer, p);
			conf->n_peers++;
		}
		walk_pop(w, old);
	}
}

static void parse_key(struct walker *w, json_t *t, const char *key,
		      uint8_t out[KEY_LEN])
{
	const char *str = walk_string(w, t, key);
	size_t old;

	if (!str)
		return;
	old = walk_push(w, key);
	/* Never the value in the message: it may be a private key. */
	if (key_from_base64(str, strlen(str), out))
		walk_err(w, "expected a base64 X25519 key of 32 bytes");
	walk_pop(w, old);
}

static void parse_key_file(struct walker *w, json_t *t, uint8_t out[KEY_LEN])
{
	const char *path = walk_string(w, t, "private_key_file");
	size_t old;
	int ret;

	if (!path)
		return;
	old = walk_push(w, "private_key_file");
	ret = key_read_file(path, out);
	if (ret == -EPERM)
		walk_err(w, "%s: readable by group or others (chmod 600 it)", path);
	else if (ret == -EINVAL || ret == -ERANGE)
		walk_err(w, "%s: not a base64 X25519 key of 32 bytes", path);
	else if (ret)
		walk_err(w, "%s: %s", path, strerror(-ret));
	walk_pop(w, old);
}

static void parse_tunnel_traffic(struct walker *w, json_t *t,
				 struct conf_tunnel *out)
{
	static const char *const protos[] = { "tcp", "udp", "icmp" };
	static const uint8_t proto_nums[] = {
		IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP
	};
	long port;
	int i;

	if (out->type == TUNNEL_INTERNET) {
		walk_forbid(w, t, "protocol", "for an internet tunnel (it carries everything)");
		walk_forbid(w, t, "port", "for an internet tunnel (it carries everything)");
	} else {
		walk_require(w, t, "protocol");
		i = walk_enum(w, t, "protocol", protos, 3,
			     "\"tcp\", \"udp\" or \"icmp\"");
		out->protocol = i < 0 ? 0 : proto_nums[i];
		if (out->protocol == IPPROTO_ICMP) {
			walk_forbid(w, t, "port", "with protocol icmp");
		} else if (out->protocol) {
			walk_require(w, t, "port");
			port = walk_int(w, t, "port", 1, 65535, "a port number");
			out->port = port > 0 ? port : 0;
		}
	}
	if (out->type == TUNNEL_EXTERNAL) {
		walk_require(w, t, "target");
		get_ip4(w, t, "target", &out->target);
	} else {
		walk_forbid(w, t, "target", "except for an external tunnel");
	}
}

static void parse_tunnel(struct walker *w, json_t *t, struct conf_tunnel *out,
			 const char **peer_name)
{
	static const char *const keys[] = {
		"id", "type", "peer", "side", "protocol", "port", "target",
		"private_key", "private_key_file", "peer_public_key", "enabled",
		"via", "l7", NULL
	};
	static const char *const types[] = { "regular", "internet", "external" };
	static const char *const sides[] = { "client", "server" };
	bool has_key, has_file;
	long id;
	int i;

	if (!walk_want(w, t, JSON_OBJECT, "an object"))
		return;
	walk_keys(w, t, keys);
	out->enabled = true;
	walk_require(w, t, "id");
	id = walk_int(w, t, "id", 1, 65535, "a tunnel id");
	out->id = id > 0 ? id : 0;
	walk_require(w, t, "type");
	i = walk_enum(w, t, "type", types, 3,
		     "\"regular\", \"internet\" or \"external\"");
	out->type = i < 0 ? TUNNEL_REGULAR : i;
	walk_require(w, t, "peer");
	*peer_name = walk_string(w, t, "peer");
	walk_require(w, t, "side");
	out->server = walk_enum(w, t, "side", sides, 2,
			       "\"client\" or \"server\"") == 1;
	parse_tunnel_traffic(w, t, out);

	has_key = json_object_get(t, "private_key");
	has_file = json_object_get(t, "private_key_file");
	if (has_key && has_file)
		walk_err(w, "give \"private_key\" or \"private_key_file\", not both");
	else if (!has_key && !has_file)
		walk_err(w, "\"private_key\" or \"private_key_file\" is missing");
	parse_key(w, t, "private_key", out->private_key);
	parse_key_file(w, t, out->private_key);
	walk_require(w, t, "peer_public_key");
	parse_key(w, t, "peer_public_key", out->peer_public_key);
	walk_bool(w, t, "enabled", &out->enabled);
	out->n_via = get_endpoints(w, t, "via", out->via, 1, CONF_MAX_VIA);
	if (out->n_via && out->server)
		walk_err(w, "\"via\" is for the client side (the server answers the way it was reached)");
}

/*
 * What the tunnels before tunnel i are, for check_tunnel to look up in
 * constant time: at 10,000 tunnels, comparing each with all before it
 * took a quarter of attach's time.
 */
struct tunnel_seen {
	int32_t *by_id;		/* [id]: the first tunnel with it, or -1 */
	int32_t *by_flow;	/* open addressing on flow_hash, -1 empty */
	size_t mask;
	int32_t internet_client; /* the first internet client tunnel, or -1 */
};

/*
 * Two tunnels carry the same traffic when a packet could belong to both:
 * same side, kind, protocol, port, target and peer; for the client side
 * of external tunnels any peer (the target alone decides).
 */
static bool same_flow(const struct conf_tunnel *a, const struct conf_tunnel *b)
{
	return a->server == b->server && a->protocol == b->protocol &&
	       a->port == b->port && a->type == b->type &&
	       a->target.s_addr == b->target.s_addr &&
	       (a->peer == b->peer ||
		(a->type == TUNNEL_EXTERNAL && !a->server));
}

static size_t flow_hash(const struct conf_tunnel *t)
{
	uint64_t h = (uint64_t)t->server << 56 ^ (uint64_t)t->type << 48 ^
		     (uint64_t)t->protocol << 40 ^ (uint64_t)t->port << 24 ^
		     t->target.s_addr;

	if (!(t->type == TUNNEL_EXTERNAL && !t->server))
		h ^= (uint64_t)t->peer * 0x9e3779b97f4a7c15ULL;
	h *= 0xff51afd7ed558ccdULL;
	return (size_t)(h ^ h >> 32);
}

static int seen_init(struct tunnel_seen *s, size_t n)
{
	size_t size = 16;

	while (size < 2 * n)
		size *= 2;
	s->by_id = malloc(65536 * sizeof(*s->by_id));
	s->by_flow = malloc(size * sizeof(*s->by_flow));
	if (!s->by_id || !s->by_flow) {
		free(s->by_id);
		free(s->by_flow);
		return -ENOMEM;
	}
	memset(s->by_id, 0xff, 65536 * sizeof(*s->by_id));
	memset(s->by_flow, 0xff, size * sizeof(*s->by_flow));
	s->mask = size - 1;
	s->internet_client = -1;
	return 0;
}

static void seen_free(struct tunnel_seen *s)
{
	free(s->by_id);
	free(s->by_flow);
}

/* The slot of the first tunnel with t's flow, or the empty one for it. */
static int32_t *flow_slot(struct tunnel_seen *s, const struct tunctl_conf *conf,
			  const struct conf_tunnel *t)
{
	size_t h = flow_hash(t) & s->mask;

	while (s->by_flow[h] >= 0 &&
	       !same_flow(&conf->tunnels[s->by_flow[h]], t))
		h = (h + 1) & s->mask;
	return &s->by_flow[h];
}

/* What only the whole file can tell about tunnel i. */
static void check_tunnel(struct walker *w, struct tunctl_conf *conf,
			 struct tunnel_seen *seen, size_t i,
			 const char *peer_name)
{
	struct conf_tunnel *t = &conf->tunnels[i];
	bool found = false;
	int32_t *slot = NULL, o;
	size_t j, old;

	if (t->id && seen->by_id[t->id] >= 0) {
		old = walk_push(w, "id");
		walk_err(w, "duplicate tunnel id %u (also tunnels[%d])", t->id,
		     seen->by_id[t->id]);
		walk_pop(w, old);
	}
	for (j = 0; peer_name && j < conf->n_peers; j++) {
		if (!strcmp(conf->peers[j].name, peer_name)) {
			t->peer = j;
			found = true;
		}
	}
	/* Only tunnels with an id count as "before" (0: already an error). */
	if (t->id) {
		if (seen->by_id[t->id] < 0)
			seen->by_id[t->id] = (int32_t)i;
		slot = flow_slot(seen, conf, t);
	}
	if (found && slot && *slot >= 0) {
		/* Two tunnels for one flow: which one would carry it? */
		walk_err(w, "carries the same traffic as tunnel %u",
		     conf->tunnels[*slot].id);
	} else if (found && t->id && t->type == TUNNEL_INTERNET && !t->server &&
		   (o = seen->internet_client) >= 0) {
		/* One way to the Internet: which gateway would it take? */
		walk_err(w, "a second internet tunnel (tunnel %u is one); a node has one gateway",
		     conf->tunnels[o].id);
	}
	if (slot && *slot < 0)
		*slot = (int32_t)i;
	if (t->id && t->type == TUNNEL_INTERNET && !t->server &&
	    seen->internet_client < 0)
		seen->internet_client = (int32_t)i;
	if (!peer_name)
		return;
	old = walk_push(w, "peer");
	if (!found)
		walk_err(w, "no peer named \"%s\" in \"peers\"", peer_name);
	else if (!t->server && !conf->peers[t->peer].has_endpoint &&
		 !conf->peers[t->peer].n_via && !t->n_via)
		walk_err(w, "the client side needs the peer's \"endpoint\" or \"via\"");
	walk_pop(w, old);
}

static void parse_tunnels(struct walker *w, json_t *tunnels,
			  struct tunctl_conf *conf)
{
	struct tunnel_seen seen;
	const char **peer_names;
	char idx[24];
	size_t i, n, old;
	json_t *t;

	if (!walk_want(w, tunnels, JSON_ARRAY, "an array"))
		return;
	n = json_array_size(tunnels);
	if (n > CONF_MAX_TUNNELS) {
		walk_err(w, "more than %d tunnels", CONF_MAX_TUNNELS);
		return;
	}
	conf->tunnels = calloc(n + 1, sizeof(*conf->tunnels));
	peer_names = calloc(n + 1, sizeof(*peer_names));
	if (!conf->tunnels || !peer_names) {
		free(peer_names);
		walk_err(w, "out of memory");
		return;
	}
	if (seen_init(&seen, n)) {
		free(peer_names);
		walk_err(w, "out of memory");
		return;
	}
	conf->n_tunnels = n;
	json_array_foreach(tunnels, i, t) {
		snprintf(idx, sizeof(idx), "%zu", i);
		old = walk_push(w, idx);
		parse_tunnel(w, t, &conf->tunnels[i], &peer_names[i]);
		conf_parse_l7(w, t, conf, &conf->tunnels[i]);
		check_tunnel(w, conf, &seen, i, peer_names[i]);
		walk_pop(w, old);
	}
	seen_free(&seen);
	free(peer_names);
}

static bool in_prefix(struct in_addr a, struct in_addr net, unsigned int plen)
{
	uint32_t mask = htonl(~0U << (32 - plen));

	return (a.s_addr & mask) == (net.s_addr & mask);
}

/* A node with tunnels needs its own section, and peers inside its prefix. */
static void check_node(struct walker *w, struct tunctl_conf *conf)
{
	size_t i, old;

	if (conf->n_relays && !conf->listen_port)
		walk_err(w, "a relay needs \"node\" with \"listen_port\" (the port it relays on)");
	if (!conf->n_tunnels)
		return;
	if (!conf->listen_port || !conf->has_overlay) {
		walk_err(w, "a config with tunnels needs \"node\" with \"listen_port\" and \"overlay\"");
		return;
	}
	for (i = 0; i < conf->n_tunnels; i++) {
		const struct conf_tunnel *t = &conf->tunnels[i];
		char idx[24];

		if (t->type != TUNNEL_EXTERNAL ||
		    !in_prefix(t->target, conf->overlay_addr,
			       conf->overlay_prefix))
			continue;
		snprintf(idx, sizeof(idx), "%zu", i);
		old = walk_push(w, "tunnels");
		walk_push(w, idx);
		walk_push(w, "target");
		walk_err(w, "inside the overlay prefix: an external target is a device on the server's LAN");
		walk_pop(w, old);
	}
	for (i = 0; i < conf->n_peers; i++) {
		struct conf_peer *p = &conf->peers[i];
		size_t j;

		for (j = 0; j < i; j++) {
			if (conf->peers[j].overlay.s_addr != p->overlay.s_addr)
				continue;
			old = walk_push(w, "peers");
			walk_push(w, p->name);
			walk_push(w, "overlay");
			walk_err(w, "the same overlay address as peer \"%s\"",
			     conf->peers[j].name);
			walk_pop(w, old);
		}
		old = walk_push(w, "peers");
		walk_push(w, p->name);
		walk_push(w, "overlay");
		if (!in_prefix(p->overlay, conf->overlay_addr,
			       conf->overlay_prefix))
			walk_err(w, "outside the node's overlay prefix");
		else if (p->overlay.s_addr == conf->overlay_addr.s_addr)
			walk_err(w, "the node's own overlay address");
		walk_pop(w, old);
	}
}

static void parse_root(struct walker *w, json_t *root,
		       struct tunctl_conf *conf)
{
	static const char *const keys[] = {
		"node", "local", "peers", "tunnels", "relay", "utm", NULL
	};
	/* In this order: tunnels refer to peers. */
	static const struct {
		const char *key;
		void (*parse)(struct walker *, json_t *, struct tunctl_conf *);
	} sections[] = {
		{ "local", parse_local },
		{ "node", parse_node },
		{ "peers", parse_peers },
		{ "tunnels", parse_tunnels },
		{ "relay", parse_relays },
		{ "utm", conf_parse_utm },
	};
	json_t *v;
	size_t i, old;

	if (!walk_want(w, root, JSON_OBJECT, "an object"))
		return;
	walk_keys(w, root, keys);
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		v = json_object_get(root, sections[i].key);
		if (!v)
			continue;
		old = walk_push(w, sections[i].key);
		sections[i].parse(w, v, conf);
		walk_pop(w, old);
	}
	check_node(w, conf);
}

void conf_defaults(struct tunctl_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	/* Link-level necessities are on unless the operator turns them off. */
	conf->local.arp = true;
	conf->local.ndp = true;
	conf->local.dhcp = true;
	conf->utm.eve_max_bytes = CONF_EVE_MAX_BYTES;
	conf->utm.eve_keep = CONF_EVE_KEEP;
}

/* jansson's copies of the text may hold private keys: wipe on free. */
static void wiping_free(void *p)
{
	if (p)
		sodium_memzero(p, malloc_usable_size(p));
	free(p);
}

int conf_load_text(const char *name, const char *text, size_t len,
		   struct tunctl_conf *conf, struct conf_diag *diag)
{
	struct tunctl_conf tmp;
	struct walker w = { .name = name, .diag = diag };
	struct json_pos_index *pos;
	json_error_t jerr;
	json_t *root;

	memset(diag, 0, sizeof(*diag));
	json_set_alloc_funcs(malloc, wiping_free);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		diag_add(diag, "%s:%d:%d: %s", name, jerr.line, jerr.column,
			 jerr.text);
		return -EINVAL;
	}
	pos = json_pos_index_build(text, len);
	w.pos = pos;
	conf_defaults(&tmp);
	parse_root(&w, root, &tmp);
	json_pos_index_free(pos);
	json_decref(root);
	if (diag->n || diag->more) {
		conf_free(&tmp);
		return -EINVAL;
	}
	*conf = tmp;
	return 0;
}

int conf_load_file(const char *path, struct tunctl_conf *conf,
		   struct conf_diag *diag)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	memset(diag, 0, sizeof(*diag));
	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		diag_add(diag, "%s: %s", path, strerror(-ret));
		return ret;
	}
	text = malloc(MAX_FILE_SIZE + 1);
	if (!text) {
		fclose(f);
		diag_add(diag, "%s: out of memory", path);
		return -ENOMEM;
	}
	len = fread(text, 1, MAX_FILE_SIZE + 1, f);
	ret = ferror(f) ? -EIO : 0;
	fclose(f);
	if (!ret && len > MAX_FILE_SIZE) {
		diag_add(diag, "%s: larger than %d bytes", path, MAX_FILE_SIZE);
		ret = -EFBIG;
	} else if (ret) {
		diag_add(diag, "%s: read error", path);
	}
	if (!ret)
		ret = conf_load_text(path, text, len, conf, diag);
	sodium_memzero(text, len);
	free(text);
	return ret;
}

void conf_diag_print(const struct conf_diag *diag)
{
	size_t i;

	for (i = 0; i < diag->n; i++)
		fprintf(stderr, "tunctl: %s\n", diag->msg[i]);
	if (diag->more)
		fprintf(stderr, "tunctl: ... and %zu more errors\n", diag->more);
}

void conf_diag_free(struct conf_diag *diag)
{
	size_t i;

	for (i = 0; i < diag->n; i++)
		free(diag->msg[i]);
	memset(diag, 0, sizeof(*diag));
}

void conf_free(struct tunctl_conf *conf)
{
	if (conf->tunnels)
		sodium_memzero(conf->tunnels,
			       conf->n_tunnels * sizeof(*conf->tunnels));
	free(conf->tunnels);
	free(conf->peers);
	free(conf->relays);
	conf_free_l7(conf);
	conf->tunnels = NULL;
	conf->peers = NULL;
	conf->relays = NULL;
	conf->n_tunnels = conf->n_peers = conf->n_relays = 0;
}

const char *conf_tunnel_type_name(enum conf_tunnel_type t)
{
	return t == TUNNEL_INTERNET ? "internet" :
	       t == TUNNEL_EXTERNAL ? "external" : "regular";
}

const char *conf_protocol_name(uint8_t protocol)
{
	return protocol == IPPROTO_TCP ? "tcp" : protocol == IPPROTO_UDP ?
	       "udp" : protocol == IPPROTO_ICMP ? "icmp" : "any";
}

unsigned int conf_dp_flags(const struct tunctl_conf *conf)
{
	return (conf->local.arp ? TUNCTL_CFG_ALLOW_ARP : 0) |
	       (conf->local.ndp ? TUNCTL_CFG_ALLOW_NDP : 0) |
	       (conf->local.dhcp ? TUNCTL_CFG_ALLOW_DHCP : 0) |
	       (conf->n_relays ? TUNCTL_CFG_RELAY : 0);
}
