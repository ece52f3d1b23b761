// SPDX-License-Identifier: GPL-2.0-only
/*
 * Config parsing: a table of bad inputs, each with the exact message the
 * operator must see (place included), and the good inputs' data model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "maps.h"
#include "suites.h"

static int load(const char *text, struct tunctl_conf *conf,
		struct conf_diag *d)
{
	return conf_load_text("t.json", text, strlen(text), conf, d);
}

static const struct {
	const char *name;
	const char *text;
	const char *first_error;
	size_t n_errors;
} bad[] = {
	{ "syntax", "{\n  \"local\": {,}\n}",
	  "t.json:2:13: string or '}' expected near ','", 1 },
	{ "not an object", "[1]", "t.json:1:1: (top level): expected an object", 1 },
	{ "unknown top key", "{\n  \"lokal\": {}\n}",
	  "t.json:2:3: lokal: unknown key", 1 },
	{ "unknown local key", "{ \"local\": {\n    \"arp\": true,\n    \"ntp\": true } }",
	  "t.json:3:5: local.ntp: unknown key", 1 },
	{ "local not object", "{ \"local\": true }",
	  "t.json:1:3: local: expected an object", 1 },
	{ "arp not bool", "{ \"local\": { \"arp\": \"yes\" } }",
	  "t.json:1:14: local.arp: expected true or false", 1 },
	{ "dhcp number", "{ \"local\": { \"dhcp\": 1 } }",
	  "t.json:1:14: local.dhcp: expected true or false", 1 },
	{ "duplicate key", "{ \"local\": {}, \"local\": {} }",
	  "t.json:1:22: duplicate object key near '\"local\"'", 1 },
	{ "port zero", "{ \"node\": { \"listen_port\": 0 } }",
	  "t.json:1:13: node.listen_port: expected a port number from 1 to 65535", 1 },
	{ "port too big", "{ \"node\": { \"listen_port\": 65536 } }",
	  "t.json:1:13: node.listen_port: expected a port number from 1 to 65535", 1 },
	{ "port string", "{ \"node\": { \"listen_port\": \"51820\" } }",
	  "t.json:1:13: node.listen_port: expected a port number from 1 to 65535", 1 },
	{ "unknown overlay key", "{ \"node\": { \"overlay\": { \"mtu\": 1 } } }",
	  "t.json:1:26: node.overlay.mtu: unknown key", 1 },
	{ "peer not object", "{ \"peers\": { \"cloud-1\": 5 } }",
	  "t.json:1:14: peers.cloud-1: expected an object", 1 },
	{ "peer endpoint type", "{ \"peers\": { \"c\": { \"endpoint\": 5 } } }",
	  "t.json:1:21: peers.c.endpoint: expected a string", 1 },
	{ "tunnels not array", "{ \"tunnels\": {} }",
	  "t.json:1:3: tunnels: expected an array", 1 },
	{ "tunnels not yet", "{ \"tunnels\": [ {} ] }",
	  "t.json:1:3: tunnels: tunnels are not supported by this version yet", 1 },
	{ "every error reported", "{ \"x\": 1, \"y\": 2, \"local\": { \"arp\": 1, \"z\": 0 } }",
	  "t.json:1:3: x: unknown key", 4 },
	{ "empty file", "", "t.json:1:0: '[' or '{' expected near end of file", 1 },
};

START_TEST(test_bad_config)
{
	struct tunctl_conf conf;
	struct conf_diag d;
	int ret;

	conf_defaults(&conf);
	conf.local.arp = false;	/* must stay untouched on failure */
	ret = load(bad[_i].text, &conf, &d);
	ck_assert_msg(ret < 0, "%s: accepted", bad[_i].name);
	ck_assert_msg(d.n == bad[_i].n_errors, "%s: %zu errors, want %zu",
		      bad[_i].name, d.n, bad[_i].n_errors);
	ck_assert_msg(!strcmp(d.msg[0], bad[_i].first_error),
		      "%s: got \"%s\", want \"%s\"", bad[_i].name, d.msg[0],
		      bad[_i].first_error);
	ck_assert_msg(!conf.local.arp, "%s: output changed on error",
		      bad[_i].name);
	conf_diag_free(&d);
}
END_TEST

START_TEST(test_defaults_all_on)
{
	struct tunctl_conf conf;
	struct conf_diag d;

	ck_assert_int_eq(load("{}", &conf, &d), 0);
	ck_assert(conf.local.arp && conf.local.ndp && conf.local.dhcp);
	ck_assert_uint_eq(conf_dp_flags(&conf), TUNCTL_CFG_DEFAULT_FLAGS);
}
END_TEST

START_TEST(test_local_switches)
{
	struct tunctl_conf conf;
	struct conf_diag d;

	ck_assert_int_eq(load("{ \"local\": { \"arp\": true, \"ndp\": false, \"dhcp\": false } }",
			      &conf, &d), 0);
	ck_assert(conf.local.arp && !conf.local.ndp && !conf.local.dhcp);
	ck_assert_uint_eq(conf_dp_flags(&conf), TUNCTL_CFG_ALLOW_ARP);
	ck_assert_int_eq(load("{ \"local\": { \"arp\": false } }", &conf, &d), 0);
	ck_assert_uint_eq(conf_dp_flags(&conf),
			  TUNCTL_CFG_ALLOW_NDP | TUNCTL_CFG_ALLOW_DHCP);
}
END_TEST

START_TEST(test_spec_shape_without_tunnels)
{
	static const char text[] =
		"{ \"node\": { \"name\": \"hub-1\", \"listen_port\": 51820,\n"
		"    \"overlay\": { \"interface\": \"tunctl0\", \"address\": \"100.64.0.1/10\" } },\n"
		"  \"local\": { \"arp\": true, \"ndp\": true, \"dhcp\": true },\n"
		"  \"peers\": { \"cloud-1\": { \"endpoint\": \"198.18.0.2:51820\", \"overlay\": \"100.64.0.2\" } },\n"
		"  \"tunnels\": [] }";
	struct tunctl_conf conf;
	struct conf_diag d;

	ck_assert_int_eq(load(text, &conf, &d), 0);
}
END_TEST

START_TEST(test_file_errors)
{
	char path[] = "/tmp/tunctl-conf-XXXXXX";
	struct tunctl_conf conf;
	struct conf_diag d;
	int fd;

	ck_assert_int_lt(conf_load_file("/nonexistent/x.json", &conf, &d), 0);
	ck_assert_str_eq(d.msg[0], "/nonexistent/x.json: No such file or directory");
	conf_diag_free(&d);

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "{\"local\":{\"ndp\":false}}", 23), 23);
	close(fd);
	ck_assert_int_eq(conf_load_file(path, &conf, &d), 0);
	ck_assert(!conf.local.ndp);
	unlink(path);
}
END_TEST

Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_bad_config, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_defaults_all_on);
	tcase_add_test(tc, test_local_switches);
	tcase_add_test(tc, test_spec_shape_without_tunnels);
	tcase_add_test(tc, test_file_errors);
	suite_add_tcase(s, tc);
	return s;
}
