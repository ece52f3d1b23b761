// SPDX-License-Identifier: GPL-2.0-only
/*
 * The UTM parts of the config: a tunnel's "l7" policy and the node's
 * "utm" section (IPS rules, event log). Checked as strictly as the rest:
 * an unknown key, a protocol the tunnel cannot carry or a bad list entry
 * is an error with its place.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "config.h"
#include "config_walk.h"
#include "ips.h"

static const char *const mqtt_type_names[16] = {
	[1] = "CONNECT", [2] = "CONNACK", [3] = "PUBLISH", [4] = "PUBACK",
	[5] = "PUBREC", [6] = "PUBREL", [7] = "PUBCOMP", [8] = "SUBSCRIBE",
	[9] = "SUBACK", [10] = "UNSUBSCRIBE", [11] = "UNSUBACK",
	[12] = "PINGREQ", [13] = "PINGRESP", [14] = "DISCONNECT", [15] = "AUTH",
};

/*
 * What keeps an MQTT session alive is always allowed: an operator who
 * lists ["PUBLISH"] means "publish, never subscribe", not "no CONNECT".
 */
#define MQTT_HOUSEKEEPING \
	((1u << 1) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | \
	 (1u << 12) | (1u << 14) | (1u << 15))

static const char *const coap_methods[] = {
	"GET", "POST", "PUT", "DELETE", "FETCH", "PATCH", "IPATCH",
};

static bool http_token(const char *s)
{
	if (!*s || strlen(s) > 16)
		return false;
	for (; *s; s++)
		if (!isupper((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
	return true;
}

static bool coap_method(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(coap_methods) / sizeof(coap_methods[0]); i++)
		if (!strcmp(s, coap_methods[i]))
			return true;
	return false;
}

static bool path_prefix(const char *s)
{
	return s[0] == '/' && strlen(s) < L7_NAME_MAX && !strstr(s, "/../") &&
	       !strchr(s, '?') && !strchr(s, '%') && !strchr(s, '\\');
}

/* A name, or a suffix: labels of letters, digits, '-' and '_'; "." is the root. */
static bool dns_name(const char *s)
{
	size_t label = 0;

	if (!strcmp(s, "."))
		return true;
	if (!*s || strlen(s) > 253)
		return false;
	for (; *s; s++) {
		if (*s == '.') {
			if (!label)
				return false;
			label = 0;
		} else if (isalnum((unsigned char)*s) || *s == '-' || *s == '_') {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return true;
}

static bool mqtt_filter(const char *s)
{
	const char *p;

	if (!*s || strlen(s) >= L7_NAME_MAX)
		return false;
	for (p = s; *p; p++) {
		if (*p == '#' && (p[1] || (p > s && p[-1] != '/')))
			return false;
		if (*p == '+' && ((p > s && p[-1] != '/') ||
				  (p[1] && p[1] != '/')))
			return false;
	}
	return true;
}

/* A list of strings, each vetted by ok(); into out (set, owned). */
static void get_strlist(struct walker *w, json_t *obj, const char *key,
			bool (*ok)(const char *), const char *what,
			struct l7_strlist *out)
{
	json_t *arr = json_object_get(obj, key), *v;
	size_t i, old, old2;
	char idx[24];

	if (!arr)
		return;
	old = walk_push(w, key);
	if (!walk_want(w, arr, JSON_ARRAY, "an array of strings") ||
	    !(out->s = calloc(json_array_size(arr) + 1, sizeof(*out->s)))) {
		walk_pop(w, old);
		return;
	}
	out->set = true;
	json_array_foreach(arr, i, v) {
		snprintf(idx, sizeof(idx), "%zu", i);
		old2 = walk_push(w, idx);
		if (!json_is_string(v) || !ok(json_string_value(v)))
			walk_err(w, "expected %s", what);
		else if (!(out->s[out->n] = strdup(json_string_value(v))))
			walk_err(w, "out of memory");
		else
			out->n++;
		walk_pop(w, old2);
	}
	walk_pop(w, old);
}

/* A list of integers from 0 to 255, into a bitmap. */
static void get_bitmap(struct walker *w, json_t *obj, const char *key,
		       uint8_t map[32], bool *set)
{
	json_t *arr = json_object_get(obj, key), *v;
	size_t i, old, old2;
	char idx[24];
	long n;

	if (!arr)
		return;
	old = walk_push(w, key);
	if (walk_want(w, arr, JSON_ARRAY, "an array of numbers")) {
		*set = true;
		json_array_foreach(arr, i, v) {
			snprintf(idx, sizeof(idx), "%zu", i);
			old2 = walk_push(w, idx);
			n = json_is_integer(v) ? (long)json_integer_value(v) : -1;
			if (n < 0 || n > 255)
				walk_err(w, "expected a number from 0 to 255");
			else
				map[n / 8] |= 1u << (n % 8);
			walk_pop(w, old2);
		}
	}
	walk_pop(w, old);
}

static void get_mqtt_types(struct walker *w, json_t *obj, struct l7_policy *p)
{
	json_t *arr = json_object_get(obj, "packet_types"), *v;
	size_t i, old, old2;
	char idx[24];
	int t;

	if (!arr)
		return;
	old = walk_push(w, "packet_types");
	if (walk_want(w, arr, JSON_ARRAY, "an array of MQTT packet type names")) {
		p->mqtt_types_set = true;
		p->mqtt_types = MQTT_HOUSEKEEPING;
		json_array_foreach(arr, i, v) {
			snprintf(idx, sizeof(idx), "%zu", i);
			old2 = walk_push(w, idx);
			for (t = 1; t < 16; t++)
				if (json_is_string(v) &&
				    !strcmp(json_string_value(v), mqtt_type_names[t]))
					break;
			if (t == 16)
				walk_err(w, "expected an MQTT packet type (\"PUBLISH\", \"SUBSCRIBE\", ...)");
			else
				p->mqtt_types |= 1u << t;
			walk_pop(w, old2);
		}
	}
	walk_pop(w, old);
}

static bool proto_fits(enum l7_proto proto, uint8_t ip_proto)
{
	switch (proto) {
	case L7_HTTP:
	case L7_MQTT:
	case L7_MODBUS:
		return ip_proto == IPPROTO_TCP;
	case L7_DNS:
		return ip_proto == IPPROTO_TCP || ip_proto == IPPROTO_UDP;
	case L7_COAP:
		return ip_proto == IPPROTO_UDP;
	default:
		return false;
	}
}

static void parse_policy(struct walker *w, json_t *l7, uint8_t ip_proto,
			 struct l7_policy *p)
{
	static const char *const keys[L7_PROTO_MAX][8] = {
		[L7_HTTP] = { "protocol", "on_violation", "methods", "paths" },
		[L7_MQTT] = { "protocol", "on_violation", "packet_types", "topics" },
		[L7_MODBUS] = { "protocol", "on_violation", "function_codes",
				"unit_ids" },
		[L7_DNS] = { "protocol", "on_violation", "names" },
		[L7_COAP] = { "protocol", "on_violation", "methods", "paths" },
	};
	static const char *const actions[] = { "reset", "drop" };
	const char *name;
	size_t old;
	int a;

	walk_require(w, l7, "protocol");
	name = walk_string(w, l7, "protocol");
	if (!name)
		return;
	p->proto = l7_proto_by_name(name);
	old = walk_push(w, "protocol");
	if (p->proto == L7_NONE) {
		walk_err(w, "expected \"http\", \"mqtt\", \"modbus\", \"dns\" or \"coap\"");
		walk_pop(w, old);
		return;
	}
	if (!proto_fits(p->proto, ip_proto))
		walk_err(w, "%s cannot run over this tunnel's protocol (%s)", name,
			 conf_protocol_name(ip_proto));
	walk_pop(w, old);
	walk_keys(w, l7, keys[p->proto]);

	a = walk_enum(w, l7, "on_violation", actions, 2, "\"reset\" or \"drop\"");
	p->reset = ip_proto == IPPROTO_TCP && a != 1;
	if (a == 0 && ip_proto != IPPROTO_TCP) {
		old = walk_push(w, "on_violation");
		walk_err(w, "\"reset\" is for TCP; a datagram is dropped");
		walk_pop(w, old);
	}
	switch (p->proto) {
	case L7_HTTP:
		get_strlist(w, l7, "methods", http_token,
			    "an HTTP method in upper case (\"GET\")", &p->methods);
		get_strlist(w, l7, "paths", path_prefix,
			    "a path prefix starting with \"/\" (no \"..\", \"?\" or \"%\")",
			    &p->paths);
		break;
	case L7_COAP:
		get_strlist(w, l7, "methods", coap_method,
			    "a CoAP method (GET, POST, PUT, DELETE, FETCH, PATCH, IPATCH)",
			    &p->methods);
		get_strlist(w, l7, "paths", path_prefix,
			    "a path prefix starting with \"/\"", &p->paths);
		break;
	case L7_MQTT:
		get_mqtt_types(w, l7, p);
		get_strlist(w, l7, "topics", mqtt_filter,
			    "an MQTT topic filter (\"site/+/temp\", \"site/#\")",
			    &p->topics);
		break;
	case L7_MODBUS:
		get_bitmap(w, l7, "function_codes", p->modbus_funcs,
			   &p->modbus_funcs_set);
		get_bitmap(w, l7, "unit_ids", p->modbus_units,
			   &p->modbus_units_set);
		break;
	case L7_DNS:
		get_strlist(w, l7, "names", dns_name,
			    "a DNS name or suffix (\"example.com\")", &p->names);
		break;
	default:
		break;
	}
}

void conf_parse_l7(struct walker *w, json_t *t, struct tunctl_conf *conf,
		   struct conf_tunnel *out)
{
	json_t *l7 = json_object_get(t, "l7");
	struct l7_policy *grown;
	size_t old;

	if (!l7)
		return;
	old = walk_push(w, "l7");
	if (out->type == TUNNEL_INTERNET) {
		walk_err(w, "not for an internet tunnel (it carries every protocol)");
	} else if (out->protocol == IPPROTO_ICMP) {
		walk_err(w, "not for an icmp tunnel");
	} else if (walk_want(w, l7, JSON_OBJECT, "an object")) {
		grown = realloc(conf->l7, (conf->n_l7 + 1) * sizeof(*conf->l7));
		if (!grown) {
			walk_err(w, "out of memory");
		} else {
			conf->l7 = grown;
			memset(&conf->l7[conf->n_l7], 0, sizeof(conf->l7[0]));
			parse_policy(w, l7, out->protocol, &conf->l7[conf->n_l7]);
			out->l7 = ++conf->n_l7;
		}
	}
	walk_pop(w, old);
}

static void get_path(struct walker *w, json_t *obj, const char *key,
		     char out[CONF_PATH_MAX])
{
	const char *s = walk_string(w, obj, key);
	size_t old;

	if (!s)
		return;
	old = walk_push(w, key);
	if (s[0] != '/' || strlen(s) >= CONF_PATH_MAX)
		walk_err(w, "expected an absolute path under %d bytes",
			 CONF_PATH_MAX);
	else
		snprintf(out, CONF_PATH_MAX, "%s", s);
	walk_pop(w, old);
}

void conf_parse_utm(struct walker *w, json_t *utm, struct tunctl_conf *conf)
{
	static const char *const keys[] = {
		"rules", "eve_log", "eve_max_bytes", "eve_keep", NULL
	};
	struct ips_ruleset *rs;
	char why[512];
	long n;

	if (!walk_want(w, utm, JSON_OBJECT, "an object"))
		return;
	walk_keys(w, utm, keys);
	get_path(w, utm, "rules", conf->utm.rules);
	get_path(w, utm, "eve_log", conf->utm.eve_log);
	n = walk_int(w, utm, "eve_max_bytes", 4096, 1L << 40, "a size in bytes");
	if (n > 0)
		conf->utm.eve_max_bytes = (uint64_t)n;
	n = walk_int(w, utm, "eve_keep", 0, 100, "a number of files");
	if (n >= 0)
		conf->utm.eve_keep = (unsigned int)n;
	/* A rule file with an error is a config error, with its own place. */
	if (conf->utm.rules[0]) {
		rs = ips_load_file(conf->utm.rules, why, sizeof(why));
		if (!rs) {
			size_t old = walk_push(w, "rules");

			walk_err(w, "%s", why);
			walk_pop(w, old);
		}
		ips_free(rs);
	}
}

void conf_free_l7(struct tunctl_conf *conf)
{
	size_t i;

	for (i = 0; i < conf->n_l7; i++)
		l7_policy_free(&conf->l7[i]);
	free(conf->l7);
	conf->l7 = NULL;
	conf->n_l7 = 0;
}
