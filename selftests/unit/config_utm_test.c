// SPDX-License-Identifier: GPL-2.0-only
/*
 * The UTM parts of the config: each tunnel's "l7" policy into its model,
 * the node's "utm" section, and a table of bad ones with their messages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "suites.h"

#define KEY "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo="
#define CONF(T, extra) \
	"{ \"node\": { \"name\": \"cloud\", \"listen_port\": 51820,\n" \
	"    \"overlay\": { \"interface\": \"tunctl0\", \"address\": \"100.64.0.2/10\" } },\n" \
	"  \"peers\": { \"hub\": { \"overlay\": \"100.64.0.1\" } },\n" \
	"  \"tunnels\": [ " T " ]" extra " }"
#define TUN(proto, port, l7) "{ \"id\": 1, \"type\": \"regular\", \"peer\": \"hub\", " \
	"\"side\": \"server\", \"protocol\": \"" proto "\", \"port\": " #port ", " \
	"\"private_key\": \"" KEY "\", \"peer_public_key\": \"" KEY "\", \"l7\": " l7 " }"

static int load(const char *text, struct tunctl_conf *c, struct conf_diag *d)
{
	return conf_load_text("t.json", text, strlen(text), c, d);
}

static const struct l7_policy *policy(const struct tunctl_conf *c)
{
	return conf_tunnel_l7(c, &c->tunnels[0]);
}

START_TEST(test_http_policy)
{
	struct tunctl_conf c;
	struct conf_diag d;
	const struct l7_policy *p;

	ck_assert_int_eq(load(CONF(TUN("tcp", 8080,
		"{ \"protocol\": \"http\", \"methods\": [\"GET\", \"HEAD\"], \"paths\": [\"/public\"] }"), ""),
		&c, &d), 0);
	p = policy(&c);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->proto, L7_HTTP);
	ck_assert(p->reset);		/* TCP: reset by default */
	ck_assert(p->methods.set);
	ck_assert_uint_eq(p->methods.n, 2);
	ck_assert_str_eq(p->methods.s[1], "HEAD");
	ck_assert_uint_eq(p->paths.n, 1);
	ck_assert(!p->topics.set && !p->names.set);
	/* The defaults of the utm section, with none given. */
	ck_assert_str_eq(c.utm.rules, "");
	ck_assert_uint_eq(c.utm.eve_max_bytes, CONF_EVE_MAX_BYTES);
	ck_assert_uint_eq(c.utm.eve_keep, CONF_EVE_KEEP);
	conf_free(&c);
	ck_assert_ptr_null(c.l7);
}
END_TEST

START_TEST(test_mqtt_modbus_dns_coap)
{
	struct tunctl_conf c;
	struct conf_diag d;
	const struct l7_policy *p;

	ck_assert_int_eq(load(CONF(TUN("tcp", 1883,
		"{ \"protocol\": \"mqtt\", \"on_violation\": \"drop\", \"packet_types\": [\"PUBLISH\"], \"topics\": [\"sensors/#\", \"site/+/temp\"] }"), ""),
		&c, &d), 0);
	p = policy(&c);
	ck_assert(!p->reset);
	ck_assert(p->mqtt_types_set);
	ck_assert(p->mqtt_types & (1u << 3));		/* PUBLISH */
	ck_assert(!(p->mqtt_types & (1u << 8)));	/* SUBSCRIBE */
	ck_assert(p->mqtt_types & (1u << 1));		/* CONNECT: housekeeping */
	ck_assert(p->mqtt_types & (1u << 12));		/* PINGREQ */
	ck_assert_str_eq(p->topics.s[1], "site/+/temp");
	conf_free(&c);

	ck_assert_int_eq(load(CONF(TUN("tcp", 502,
		"{ \"protocol\": \"modbus\", \"function_codes\": [3, 4, 255], \"unit_ids\": [1] }"), ""),
		&c, &d), 0);
	p = policy(&c);
	ck_assert(p->modbus_funcs_set && p->modbus_units_set);
	ck_assert_uint_eq(p->modbus_funcs[0], (1u << 3) | (1u << 4));
	ck_assert_uint_eq(p->modbus_funcs[31], 0x80);
	ck_assert_uint_eq(p->modbus_units[0], 1u << 1);
	conf_free(&c);

	ck_assert_int_eq(load(CONF(TUN("udp", 53,
		"{ \"protocol\": \"dns\", \"names\": [\"example.internal\", \".\"] }"), ""),
		&c, &d), 0);
	ck_assert_int_eq(policy(&c)->proto, L7_DNS);
	ck_assert(!policy(&c)->reset);		/* a datagram: dropped */
	conf_free(&c);

	ck_assert_int_eq(load(CONF(TUN("udp", 5683,
		"{ \"protocol\": \"coap\", \"methods\": [\"GET\", \"IPATCH\"], \"paths\": [\"/sensors/\"] }"),
		", \"utm\": { \"eve_log\": \"/tmp/x.json\", \"eve_max_bytes\": 65536, \"eve_keep\": 0 }"),
		&c, &d), 0);
	ck_assert_int_eq(policy(&c)->proto, L7_COAP);
	ck_assert_str_eq(c.utm.eve_log, "/tmp/x.json");
	ck_assert_uint_eq(c.utm.eve_max_bytes, 65536);
	ck_assert_uint_eq(c.utm.eve_keep, 0);
	conf_free(&c);
}
END_TEST

START_TEST(test_no_l7)
{
	struct tunctl_conf c;
	struct conf_diag d;

	ck_assert_int_eq(load("{ \"node\": { \"name\": \"n\" } }", &c, &d), 0);
	ck_assert_uint_eq(c.n_l7, 0);
	conf_free(&c);
}
END_TEST

static const struct {
	const char *name;
	const char *text;
	const char *error;	/* a substring of the first error */
} bad[] = {
	{ "mqtt over udp", CONF(TUN("udp", 1883, "{ \"protocol\": \"mqtt\" }"), ""),
	  "t.json:4:250: tunnels.0.l7.protocol: mqtt cannot run over this tunnel's protocol (udp)" },
	{ "coap over tcp", CONF(TUN("tcp", 5683, "{ \"protocol\": \"coap\" }"), ""),
	  "coap cannot run over this tunnel's protocol (tcp)" },
	{ "unknown protocol", CONF(TUN("tcp", 80, "{ \"protocol\": \"gopher\" }"), ""),
	  "tunnels.0.l7.protocol: expected \"http\", \"mqtt\", \"modbus\", \"dns\" or \"coap\"" },
	{ "no protocol", CONF(TUN("tcp", 80, "{ \"methods\": [\"GET\"] }"), ""),
	  "tunnels.0.l7: \"protocol\" is missing" },
	{ "a key of another protocol", CONF(TUN("tcp", 80, "{ \"protocol\": \"http\", \"topics\": [\"a\"] }"), ""),
	  "tunnels.0.l7.topics: unknown key" },
	{ "a lower-case method", CONF(TUN("tcp", 80, "{ \"protocol\": \"http\", \"methods\": [\"get\"] }"), ""),
	  "tunnels.0.l7.methods.0: expected an HTTP method in upper case" },
	{ "a relative path", CONF(TUN("tcp", 80, "{ \"protocol\": \"http\", \"paths\": [\"api\"] }"), ""),
	  "tunnels.0.l7.paths.0: expected a path prefix starting with \"/\"" },
	{ "a traversal in a prefix", CONF(TUN("tcp", 80, "{ \"protocol\": \"http\", \"paths\": [\"/a/../b\"] }"), ""),
	  "tunnels.0.l7.paths.0: expected a path prefix" },
	{ "a CoAP method that is not", CONF(TUN("udp", 5683, "{ \"protocol\": \"coap\", \"methods\": [\"HEAD\"] }"), ""),
	  "tunnels.0.l7.methods.0: expected a CoAP method" },
	{ "an MQTT type that is not", CONF(TUN("tcp", 1883, "{ \"protocol\": \"mqtt\", \"packet_types\": [\"POST\"] }"), ""),
	  "tunnels.0.l7.packet_types.0: expected an MQTT packet type" },
	{ "a bad topic filter", CONF(TUN("tcp", 1883, "{ \"protocol\": \"mqtt\", \"topics\": [\"a/#/b\"] }"), ""),
	  "tunnels.0.l7.topics.0: expected an MQTT topic filter" },
	{ "a function code of 256", CONF(TUN("tcp", 502, "{ \"protocol\": \"modbus\", \"function_codes\": [256] }"), ""),
	  "tunnels.0.l7.function_codes.0: expected a number from 0 to 255" },
	{ "a bad DNS name", CONF(TUN("udp", 53, "{ \"protocol\": \"dns\", \"names\": [\"a..b\"] }"), ""),
	  "tunnels.0.l7.names.0: expected a DNS name or suffix" },
	{ "reset for udp", CONF(TUN("udp", 53, "{ \"protocol\": \"dns\", \"on_violation\": \"reset\" }"), ""),
	  "tunnels.0.l7.on_violation: \"reset\" is for TCP" },
	{ "l7 for icmp", CONF("{ \"id\": 1, \"type\": \"regular\", \"peer\": \"hub\", \"side\": \"server\", "
			     "\"protocol\": \"icmp\", \"private_key\": \"" KEY "\", \"peer_public_key\": \"" KEY "\", "
			     "\"l7\": { \"protocol\": \"dns\" } }", ""),
	  "tunnels.0.l7: not for an icmp tunnel" },
	{ "l7 for internet", CONF("{ \"id\": 1, \"type\": \"internet\", \"peer\": \"hub\", \"side\": \"server\", "
				 "\"private_key\": \"" KEY "\", \"peer_public_key\": \"" KEY "\", "
				 "\"l7\": { \"protocol\": \"dns\" } }", ""),
	  "tunnels.0.l7: not for an internet tunnel" },
	{ "utm unknown key", CONF(TUN("tcp", 80, "{ \"protocol\": \"http\" }"), ", \"utm\": { \"rule\": \"/x\" }"),
	  "utm.rule: unknown key" },
	{ "utm relative rules", CONF(TUN("tcp", 80, "{ \"protocol\": \"http\" }"), ", \"utm\": { \"rules\": \"x.rules\" }"),
	  "utm.rules: expected an absolute path" },
	{ "utm rules missing", CONF(TUN("tcp", 80, "{ \"protocol\": \"http\" }"), ", \"utm\": { \"rules\": \"/nonexistent/x.rules\" }"),
	  "utm.rules: /nonexistent/x.rules" },
	{ "utm tiny log", CONF(TUN("tcp", 80, "{ \"protocol\": \"http\" }"), ", \"utm\": { \"eve_max_bytes\": 10 }"),
	  "utm.eve_max_bytes: expected a size in bytes" },
};

START_TEST(test_bad)
{
	struct tunctl_conf c;
	struct conf_diag d;

	ck_assert_int_eq(load(bad[_i].text, &c, &d), -EINVAL);
	ck_assert_uint_ge(d.n, 1);
	ck_assert_msg(strstr(d.msg[0], bad[_i].error), "%s: got \"%s\"",
		      bad[_i].name, d.msg[0]);
	conf_diag_free(&d);
}
END_TEST

/* A rule file with an error is the config's error, with the rule's line. */
START_TEST(test_bad_rules_file)
{
	char dir[] = "/tmp/tunctl-cfgutm-XXXXXX", path[64], text[2048];
	struct tunctl_conf c;
	struct conf_diag d;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/r.rules", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("# a comment\nalert tcp any any -> any any (msg:\"a\"; sid:1;)\n"
	      "alert tcp any any -> any any (msg:\"b\"; sid:1;)\n", f);
	fclose(f);
	snprintf(text, sizeof(text),
		 CONF(TUN("tcp", 80, "{ \"protocol\": \"http\" }"), ", \"utm\": { \"rules\": \"%s\" }"),
		 path);
	ck_assert_int_eq(load(text, &c, &d), -EINVAL);
	ck_assert_msg(strstr(d.msg[0], "utm.rules: ") && strstr(d.msg[0], "r.rules:3:"),
		      "got \"%s\"", d.msg[0]);
	conf_diag_free(&d);
	/* Mended, the same config loads. */
	f = fopen(path, "w");
	fputs("alert tcp any any -> any any (msg:\"a\"; sid:1;)\n", f);
	fclose(f);
	ck_assert_int_eq(load(text, &c, &d), 0);
	ck_assert_str_eq(c.utm.rules, path);
	conf_free(&c);
	unlink(path);
	rmdir(dir);
}
END_TEST

Suite *config_utm_suite(void)
{
	Suite *s = suite_create("config_utm");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_http_policy);
	tcase_add_test(tc, test_mqtt_modbus_dns_coap);
	tcase_add_test(tc, test_no_l7);
	tcase_add_loop_test(tc, test_bad, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_bad_rules_file);
	suite_add_tcase(s, tc);
	return s;
}
