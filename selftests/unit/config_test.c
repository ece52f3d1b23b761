// SPDX-License-Identifier: GPL-2.0-only
/*
 * Config parsing: a table of bad inputs, each with the exact message the
 * operator must see (place included), and the good inputs' data model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/stat.h>
#include <arpa/inet.h>

#include "config.h"
#include "maps.h"
#include "suites.h"

static int load(const char *text, struct tunctl_conf *conf,
		struct conf_diag *d)
{
	return conf_load_text("t.json", text, strlen(text), conf, d);
}

#define KEY "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo="
/* A node with one peer; T, on line 4, is the tunnels array's content. */
#define NODE(T) \
	"{ \"node\": { \"name\": \"hub\", \"listen_port\": 51820,\n" \
	"    \"overlay\": { \"interface\": \"tunctl0\", \"address\": \"100.64.0.1/10\" } },\n" \
	"  \"peers\": { \"cloud\": { \"endpoint\": \"198.18.0.2:51820\", \"overlay\": \"100.64.0.2\" } },\n" \
	"  \"tunnels\": [ " T " ] }"
#define TUN(extra) "{ \"id\": 10, \"type\": \"regular\", \"peer\": \"cloud\", " \
	"\"side\": \"client\", \"private_key\": \"" KEY "\", \"peer_public_key\": \"" KEY "\"" extra " }"
#define TCP8883 ", \"protocol\": \"tcp\", \"port\": 8883"

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
	{ "unknown overlay key",
	  "{ \"node\": { \"overlay\": { \"interface\": \"t0\", \"address\": \"100.64.0.1/10\", \"mtu\": 1 } } }",
	  "t.json:1:73: node.overlay.mtu: unknown key", 1 },
	{ "overlay without prefix",
	  "{ \"node\": { \"overlay\": { \"interface\": \"t0\", \"address\": \"100.64.0.1\" } } }",
	  "t.json:1:45: node.overlay.address: expected an IPv4 address with a prefix length of 1 to 30, like 100.64.0.1/10", 1 },
	{ "overlay interface too long",
	  "{ \"node\": { \"overlay\": { \"interface\": \"a-very-long-name0\", \"address\": \"100.64.0.1/10\" } } }",
	  "t.json:1:26: node.overlay.interface: expected an interface name of 1 to 15 characters", 1 },
	{ "peer not object", "{ \"peers\": { \"cloud-1\": 5 } }",
	  "t.json:1:14: peers.cloud-1: expected an object", 1 },
	{ "peer endpoint type", "{ \"peers\": { \"c\": { \"endpoint\": 5, \"overlay\": \"100.64.0.2\" } } }",
	  "t.json:1:21: peers.c.endpoint: expected a string", 1 },
	{ "peer endpoint without port", "{ \"peers\": { \"c\": { \"endpoint\": \"198.18.0.2\", \"overlay\": \"100.64.0.2\" } } }",
	  "t.json:1:21: peers.c.endpoint: expected an IPv4 address and port, like 198.18.0.2:51820", 1 },
	{ "peer without overlay", "{ \"peers\": { \"c\": { \"endpoint\": \"198.18.0.2:1\" } } }",
	  "t.json:1:14: peers.c: \"overlay\" is missing", 1 },
	{ "tunnels not array", "{ \"tunnels\": {} }",
	  "t.json:1:3: tunnels: expected an array", 1 },
	{ "tunnel without node", "{ \"tunnels\": [ {} ] }",
	  "t.json:1:16: tunnels.0: \"id\" is missing", 8 },
	{ "valid but no node section",
	  "{ \"peers\": { \"cloud\": { \"endpoint\": \"198.18.0.2:51820\", \"overlay\": \"100.64.0.2\" } },\n"
	  "  \"tunnels\": [ " TUN(TCP8883) " ] }",
	  "t.json:1:1: (top level): a config with tunnels needs \"node\" with \"listen_port\" and \"overlay\"", 1 },
	{ "tunnel id zero", NODE(TUN(TCP8883) ", " "{ \"id\": 0 }"),
	  "t.json:4:249: tunnels.1.id: expected a tunnel id from 1 to 65535", 7 },
	{ "duplicate tunnel id", NODE(TUN(TCP8883) ", " TUN(", \"protocol\": \"udp\", \"port\": 53")),
	  "t.json:4:249: tunnels.1.id: duplicate tunnel id 10 (also tunnels[0])", 1 },
	{ "unknown type", NODE("{ \"id\": 10, \"type\": \"vpn\", \"peer\": \"cloud\", \"side\": \"client\", \"protocol\": \"tcp\", \"port\": 1, \"private_key\": \"" KEY "\", \"peer_public_key\": \"" KEY "\" }"),
	  "t.json:4:28: tunnels.0.type: expected \"regular\", \"internet\" or \"external\"", 1 },
	{ "unknown protocol", NODE(TUN(", \"protocol\": \"sctp\", \"port\": 1")),
	  "t.json:4:212: tunnels.0.protocol: expected \"tcp\", \"udp\" or \"icmp\"", 1 },
	{ "port out of range", NODE(TUN(", \"protocol\": \"udp\", \"port\": 70000")),
	  "t.json:4:231: tunnels.0.port: expected a port number from 1 to 65535", 1 },
	{ "tcp without port", NODE(TUN(", \"protocol\": \"tcp\"")),
	  "t.json:4:16: tunnels.0: \"port\" is missing", 1 },
	{ "icmp with a port", NODE(TUN(", \"protocol\": \"icmp\", \"port\": 7")),
	  "t.json:4:232: tunnels.0.port: not allowed with protocol icmp", 1 },
	{ "internet with a port", NODE("{ \"id\": 11, \"type\": \"internet\", \"peer\": \"cloud\", \"side\": \"client\", \"port\": 1, \"private_key\": \"" KEY "\", \"peer_public_key\": \"" KEY "\" }"),
	  "t.json:4:83: tunnels.0.port: not allowed for an internet tunnel (it carries everything)", 1 },
	{ "external without target", NODE("{ \"id\": 12, \"type\": \"external\", \"peer\": \"cloud\", \"side\": \"client\", \"protocol\": \"tcp\", \"port\": 554, \"private_key\": \"" KEY "\", \"peer_public_key\": \"" KEY "\" }"),
	  "t.json:4:16: tunnels.0: \"target\" is missing", 1 },
	{ "target on a regular tunnel", NODE(TUN(TCP8883 ", \"target\": \"192.168.50.10\"")),
	  "t.json:4:245: tunnels.0.target: not allowed except for an external tunnel", 1 },
	{ "bad base64 key", NODE("{ \"id\": 10, \"type\": \"regular\", \"peer\": \"cloud\", \"side\": \"client\", \"protocol\": \"tcp\", \"port\": 1, \"private_key\": \"not*base64\", \"peer_public_key\": \"" KEY "\" }"),
	  "t.json:4:112: tunnels.0.private_key: expected a base64 X25519 key of 32 bytes", 1 },
	{ "short key", NODE("{ \"id\": 10, \"type\": \"regular\", \"peer\": \"cloud\", \"side\": \"client\", \"protocol\": \"tcp\", \"port\": 1, \"private_key\": \"" KEY "\", \"peer_public_key\": \"QUJD\" }"),
	  "t.json:4:175: tunnels.0.peer_public_key: expected a base64 X25519 key of 32 bytes", 1 },
	{ "key and key file", NODE(TUN(TCP8883 ", \"private_key_file\": \"/nonexistent\"")),
	  "t.json:4:16: tunnels.0: give \"private_key\" or \"private_key_file\", not both", 2 },
	{ "missing key file", NODE("{ \"id\": 10, \"type\": \"regular\", \"peer\": \"cloud\", \"side\": \"client\", \"protocol\": \"tcp\", \"port\": 1, \"private_key_file\": \"/nonexistent/k\", \"peer_public_key\": \"" KEY "\" }"),
	  "t.json:4:112: tunnels.0.private_key_file: /nonexistent/k: No such file or directory", 1 },
	{ "no private key at all", NODE("{ \"id\": 10, \"type\": \"regular\", \"peer\": \"cloud\", \"side\": \"server\", \"protocol\": \"tcp\", \"port\": 1, \"peer_public_key\": \"" KEY "\" }"),
	  "t.json:4:16: tunnels.0: \"private_key\" or \"private_key_file\" is missing", 1 },
	{ "unknown peer", NODE("{ \"id\": 10, \"type\": \"regular\", \"peer\": \"edge\", \"side\": \"client\", \"protocol\": \"tcp\", \"port\": 1, \"private_key\": \"" KEY "\", \"peer_public_key\": \"" KEY "\" }"),
	  "t.json:4:47: tunnels.0.peer: no peer named \"edge\" in \"peers\"", 1 },
	{ "bad side", NODE("{ \"id\": 10, \"type\": \"regular\", \"peer\": \"cloud\", \"side\": \"both\", \"protocol\": \"tcp\", \"port\": 1, \"private_key\": \"" KEY "\", \"peer_public_key\": \"" KEY "\" }"),
	  "t.json:4:64: tunnels.0.side: expected \"client\" or \"server\"", 1 },
	{ "peer outside the overlay prefix",
	  "{ \"node\": { \"listen_port\": 51820,\n"
	  "    \"overlay\": { \"interface\": \"tunctl0\", \"address\": \"100.64.0.1/10\" } },\n"
	  "  \"peers\": { \"cloud\": { \"endpoint\": \"198.18.0.2:51820\", \"overlay\": \"10.0.0.2\" } },\n"
	  "  \"tunnels\": [ " TUN(TCP8883) " ] }",
	  "t.json:3:57: peers.cloud.overlay: outside the node's overlay prefix", 1 },
	{ "client tunnel to a peer without endpoint",
	  "{ \"node\": { \"listen_port\": 51820,\n"
	  "    \"overlay\": { \"interface\": \"tunctl0\", \"address\": \"100.64.0.1/10\" } },\n"
	  "  \"peers\": { \"cloud\": { \"overlay\": \"100.64.0.2\" } },\n"
	  "  \"tunnels\": [ " TUN(TCP8883) " ] }",
	  "t.json:4:47: tunnels.0.peer: the client side needs the peer's \"endpoint\" or \"via\"", 1 },
	{ "two tunnels for one flow",
	  NODE(TUN(TCP8883) ", " "{ \"id\": 11, \"type\": \"regular\", \"peer\": \"cloud\", \"side\": \"client\", \"private_key\": \"" KEY "\", \"peer_public_key\": \"" KEY "\"" TCP8883 " }"),
	  "t.json:4:247: tunnels.1: carries the same traffic as tunnel 10", 1 },
	{ "two peers, one overlay address",
	  "{ \"node\": { \"listen_port\": 51820,\n"
	  "    \"overlay\": { \"interface\": \"tunctl0\", \"address\": \"100.64.0.1/10\" } },\n"
	  "  \"peers\": { \"cloud\": { \"endpoint\": \"198.18.0.2:1\", \"overlay\": \"100.64.0.2\" },\n"
	  "             \"b\": { \"endpoint\": \"198.18.0.3:1\", \"overlay\": \"100.64.0.2\" } },\n"
	  "  \"tunnels\": [ " TUN(TCP8883) " ] }",
	  "t.json:4:49: peers.b.overlay: the same overlay address as peer \"cloud\"", 1 },
	{ "local network with host bits", "{ \"local\": { \"networks\": [ \"192.168.1.1/24\" ] } }",
	  "t.json:1:28: local.networks.0: expected a network like \"192.168.1.0/24\" (no host bits)", 1 },
	{ "local networks not a list", "{ \"local\": { \"networks\": \"192.168.1.0/24\" } }",
	  "t.json:1:14: local.networks: expected an array of \"A.B.C.D/N\"", 1 },
	{ "local network prefix too long", "{ \"local\": { \"networks\": [ \"10.0.0.0/33\" ] } }",
	  "t.json:1:28: local.networks.0: expected a network like \"192.168.1.0/24\" (no host bits)", 1 },
	{ "two internet tunnels",
	  NODE("{ \"id\": 11, \"type\": \"internet\", \"peer\": \"cloud\", \"side\": \"client\", \"private_key\": \"" KEY "\", \"peer_public_key\": \"" KEY "\" }, "
	       "{ \"id\": 12, \"type\": \"internet\", \"peer\": \"cloud\", \"side\": \"client\", \"private_key\": \"" KEY "\", \"peer_public_key\": \"" KEY "\" }"),
	  "t.json:4:215: tunnels.1: carries the same traffic as tunnel 11", 1 },
	{ "external target inside the overlay",
	  NODE("{ \"id\": 12, \"type\": \"external\", \"peer\": \"cloud\", \"side\": \"client\", \"target\": \"100.64.0.7\", \"protocol\": \"tcp\", \"port\": 554, \"private_key\": \"" KEY "\", \"peer_public_key\": \"" KEY "\" }"),
	  "t.json:4:83: tunnels.0.target: inside the overlay prefix: an external target is a device on the server's LAN", 1 },
	{ "two external tunnels to one target and port",
	  NODE("{ \"id\": 12, \"type\": \"external\", \"peer\": \"cloud\", \"side\": \"client\", \"target\": \"192.168.50.10\", \"protocol\": \"tcp\", \"port\": 554, \"private_key\": \"" KEY "\", \"peer_public_key\": \"" KEY "\" }, "
	       "{ \"id\": 13, \"type\": \"external\", \"peer\": \"cloud\", \"side\": \"client\", \"target\": \"192.168.50.10\", \"protocol\": \"tcp\", \"port\": 554, \"private_key\": \"" KEY "\", \"peer_public_key\": \"" KEY "\" }"),
	  "t.json:4:274: tunnels.1: carries the same traffic as tunnel 12", 1 },
	{ "internet tunnels to two gateways",
	  "{ \"node\": { \"listen_port\": 51820,\n"
	  "    \"overlay\": { \"interface\": \"tunctl0\", \"address\": \"100.64.0.1/10\" } },\n"
	  "  \"peers\": { \"a\": { \"endpoint\": \"198.18.0.2:1\", \"overlay\": \"100.64.0.2\" },\n"
	  "             \"b\": { \"endpoint\": \"198.18.0.3:1\", \"overlay\": \"100.64.0.3\" } },\n"
	  "  \"tunnels\": [ { \"id\": 11, \"type\": \"internet\", \"peer\": \"a\", \"side\": \"client\", \"private_key\": \"" KEY "\", \"peer_public_key\": \"" KEY "\" },\n"
	  "    { \"id\": 12, \"type\": \"internet\", \"peer\": \"b\", \"side\": \"client\", \"private_key\": \"" KEY "\", \"peer_public_key\": \"" KEY "\" } ] }",
	  "t.json:6:5: tunnels.1: a second internet tunnel (tunnel 11 is one); a node has one gateway", 1 },
	{ "relay without a listen port",
	  "{ \"relay\": [ { \"tunnel\": 10, \"between\": [ \"198.18.1.1:51820\", \"198.18.2.2:51820\" ] } ] }",
	  "t.json:1:1: (top level): a relay needs \"node\" with \"listen_port\" (the port it relays on)", 1 },
	{ "relay with one side",
	  "{ \"node\": { \"listen_port\": 51820 }, \"relay\": [ { \"tunnel\": 10, \"between\": [ \"198.18.1.1:51820\" ] } ] }",
	  "t.json:1:64: relay.0.between: expected exactly 2 endpoints", 1 },
	{ "relay between an endpoint and itself",
	  "{ \"node\": { \"listen_port\": 51820 }, \"relay\": [ { \"tunnel\": 10, \"between\": [ \"198.18.1.1:1\", \"198.18.1.1:1\" ] } ] }",
	  "t.json:1:48: relay.0: relays between an endpoint and itself", 1 },
	{ "relay rule twice",
	  "{ \"node\": { \"listen_port\": 51820 }, \"relay\": [ { \"tunnel\": 10, \"between\": [ \"198.18.1.1:1\", \"198.18.2.2:1\" ] },\n"
	  "  { \"tunnel\": 10, \"between\": [ \"198.18.2.2:1\", \"198.18.3.3:1\" ] } ] }",
	  "t.json:2:3: relay.1: tunnel 10 from one of these endpoints is relayed already", 1 },
	{ "via that is no endpoint",
	  NODE(TUN(TCP8883 ", \"via\": [ \"relay-1\" ]")),
	  "t.json:4:254: tunnels.0.via.0: expected an IPv4 address and port, like 198.18.0.2:51820", 1 },
	{ "via on the server side",
	  NODE("{ \"id\": 10, \"type\": \"regular\", \"peer\": \"cloud\", \"side\": \"server\", \"protocol\": \"tcp\", \"port\": 1, \"private_key\": \"" KEY "\", \"peer_public_key\": \"" KEY "\", \"via\": [ \"198.18.1.10:51820\" ] }"),
	  "t.json:4:16: tunnels.0: \"via\" is for the client side (the server answers the way it was reached)", 1 },
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
	/* No error message ever carries a key. */
	for (size_t k = 0; k < d.n; k++)
		ck_assert_msg(!strstr(d.msg[k], KEY), "%s: a key in \"%s\"",
			      bad[_i].name, d.msg[k]);
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

START_TEST(test_local_networks)
{
	struct tunctl_conf conf;
	struct conf_diag d;
	struct in_addr a;

	ck_assert_int_eq(load("{}", &conf, &d), 0);
	ck_assert_uint_eq(conf.local.n_networks, 0);	/* none by default */
	ck_assert_int_eq(load("{ \"local\": { \"networks\": [ \"192.168.1.0/24\", \"10.0.0.0/8\", \"192.0.2.7/32\" ] } }",
			      &conf, &d), 0);
	ck_assert_uint_eq(conf.local.n_networks, 3);
	inet_pton(AF_INET, "192.168.1.200", &a);
	ck_assert(conf_prefix_has(&conf.local.networks[0], a));
	ck_assert(!conf_prefix_has(&conf.local.networks[1], a));
	inet_pton(AF_INET, "192.168.2.1", &a);
	ck_assert(!conf_prefix_has(&conf.local.networks[0], a));
	inet_pton(AF_INET, "192.0.2.7", &a);
	ck_assert(conf_prefix_has(&conf.local.networks[2], a));
	conf_free(&conf);
}
END_TEST

START_TEST(test_spec_shape)
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

/* The spec's example, key file included, as a data model. */
START_TEST(test_full_model)
{
	char dir[] = "/tmp/tunctl-conf-XXXXXX", keyfile[64], text[4096];
	struct tunctl_conf conf;
	struct conf_diag d;
	FILE *f;
	int n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(keyfile, sizeof(keyfile), "%s/t11.key", dir);
	f = fopen(keyfile, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "%s\n", KEY);
	fclose(f);
	chmod(keyfile, 0600);
	n = snprintf(text, sizeof(text),
		"{ \"node\": { \"name\": \"hub-1\", \"listen_port\": 51820,\n"
		"    \"overlay\": { \"interface\": \"tunctl0\", \"address\": \"100.64.0.1/10\" } },\n"
		"  \"local\": { \"arp\": true, \"ndp\": true, \"dhcp\": true },\n"
		"  \"peers\": { \"cloud-1\": { \"endpoint\": \"198.18.0.2:51820\", \"overlay\": \"100.64.0.2\" } },\n"
		"  \"tunnels\": [\n"
		"    { \"id\": 10, \"type\": \"regular\", \"peer\": \"cloud-1\", \"side\": \"client\",\n"
		"      \"protocol\": \"tcp\", \"port\": 8883, \"private_key\": \"%s\", \"peer_public_key\": \"%s\" },\n"
		"    { \"id\": 11, \"type\": \"internet\", \"peer\": \"cloud-1\", \"side\": \"client\",\n"
		"      \"private_key_file\": \"%s\", \"peer_public_key\": \"%s\" },\n"
		"    { \"id\": 12, \"type\": \"external\", \"peer\": \"cloud-1\", \"side\": \"client\",\n"
		"      \"target\": \"192.168.50.10\", \"protocol\": \"tcp\", \"port\": 554, \"enabled\": false,\n"
		"      \"private_key\": \"%s\", \"peer_public_key\": \"%s\" } ] }",
		KEY, KEY, keyfile, KEY, KEY, KEY);
	ck_assert_int_eq(conf_load_text("spec.json", text, n, &conf, &d), 0);
	ck_assert_str_eq(conf.node_name, "hub-1");
	ck_assert_uint_eq(conf.listen_port, 51820);
	ck_assert_str_eq(conf.overlay_ifname, "tunctl0");
	ck_assert_uint_eq(conf.overlay_prefix, 10);
	ck_assert_uint_eq(conf.n_peers, 1);
	ck_assert(conf.peers[0].has_endpoint);
	ck_assert_uint_eq(ntohs(conf.peers[0].endpoint.sin_port), 51820);
	ck_assert_uint_eq(conf.n_tunnels, 3);
	ck_assert_uint_eq(conf.tunnels[0].id, 10);
	ck_assert_uint_eq(conf.tunnels[0].protocol, IPPROTO_TCP);
	ck_assert_uint_eq(conf.tunnels[0].port, 8883);
	ck_assert(!conf.tunnels[0].server && conf.tunnels[0].enabled);
	ck_assert_int_eq(conf.tunnels[1].type, TUNNEL_INTERNET);
	ck_assert(key_equal(conf.tunnels[1].private_key, conf.tunnels[0].private_key));
	ck_assert_int_eq(conf.tunnels[2].type, TUNNEL_EXTERNAL);
	ck_assert(!conf.tunnels[2].enabled);
	ck_assert_uint_eq(conf.tunnels[2].target.s_addr, inet_addr("192.168.50.10"));
	conf_free(&conf);
	ck_assert_ptr_null(conf.tunnels);

	/* The same key file, readable by others: refused, and said why. */
	chmod(keyfile, 0644);
	ck_assert_int_eq(conf_load_text("spec.json", text, n, &conf, &d), -EINVAL);
	ck_assert_msg(strstr(d.msg[0], "readable by group or others (chmod 600 it)"),
		      "%s", d.msg[0]);
	conf_diag_free(&d);
	unlink(keyfile);
	rmdir(dir);
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
	tcase_add_test(tc, test_local_networks);
	tcase_add_test(tc, test_spec_shape);
	tcase_add_test(tc, test_full_model);
	tcase_add_test(tc, test_file_errors);
	suite_add_tcase(s, tc);
	return s;
}
