// SPDX-License-Identifier: GPL-2.0-only
/* The inner-packet policy: a table of packets, sides and directions. */
#include <arpa/inet.h>
#include <string.h>

#include "policy.h"
#include "suites.h"

#define CLIENT "100.64.0.1"
#define SERVER "100.64.0.2"
#define OTHER "100.64.0.9"

static size_t build(uint8_t *b, const char *src, const char *dst, uint8_t proto,
		    uint16_t sport, uint16_t dport)
{
	size_t l4 = proto == IPPROTO_TCP ? 20 : 8;

	memset(b, 0, 64);
	b[0] = 0x45;
	b[2] = 0;
	b[3] = 20 + l4;
	b[8] = 64;
	b[9] = proto;
	inet_pton(AF_INET, src, b + 12);
	inet_pton(AF_INET, dst, b + 16);
	if (proto == IPPROTO_ICMP) {
		b[20] = sport;	/* type */
	} else {
		b[20] = sport >> 8;
		b[21] = sport;
		b[22] = dport >> 8;
		b[23] = dport;
	}
	return 20 + l4;
}

static const struct {
	const char *name;
	bool server;		/* whose rule */
	bool outbound;
	const char *src, *dst;
	uint8_t proto;
	uint16_t sport, dport;
	enum inner_verdict want;
} cases[] = {
	{ "client request", false, true, CLIENT, SERVER, IPPROTO_TCP, 40000, 8883, INNER_OK },
	{ "client request to another port", false, true, CLIENT, SERVER, IPPROTO_TCP, 40000, 8884, INNER_NOT_ALLOWED },
	{ "client request, other protocol", false, true, CLIENT, SERVER, IPPROTO_UDP, 40000, 8883, INNER_NOT_ALLOWED },
	{ "client request to another host", false, true, CLIENT, OTHER, IPPROTO_TCP, 40000, 8883, INNER_NOT_ALLOWED },
	{ "client request from a spoofed source", false, true, OTHER, SERVER, IPPROTO_TCP, 40000, 8883, INNER_NOT_ALLOWED },
	{ "server reply reaching the client", false, false, SERVER, CLIENT, IPPROTO_TCP, 8883, 40000, INNER_OK },
	{ "server-initiated packet reaching the client", false, false, SERVER, CLIENT, IPPROTO_TCP, 5555, 8883, INNER_NOT_ALLOWED },
	{ "request arriving at the server", true, false, CLIENT, SERVER, IPPROTO_TCP, 40000, 8883, INNER_OK },
	{ "request to another port arriving at the server", true, false, CLIENT, SERVER, IPPROTO_TCP, 40000, 22, INNER_NOT_ALLOWED },
	{ "server reply leaving", true, true, SERVER, CLIENT, IPPROTO_TCP, 8883, 40000, INNER_OK },
	{ "server connecting out to the client", true, true, SERVER, CLIENT, IPPROTO_TCP, 40001, 22, INNER_NOT_ALLOWED },
	{ "icmp echo request out (client)", false, true, CLIENT, SERVER, IPPROTO_ICMP, 8, 0, INNER_OK },
	{ "icmp echo reply in (client)", false, false, SERVER, CLIENT, IPPROTO_ICMP, 0, 0, INNER_OK },
	{ "icmp echo request in (client)", false, false, SERVER, CLIENT, IPPROTO_ICMP, 8, 0, INNER_NOT_ALLOWED },
	{ "icmp unreachable in (client)", false, false, SERVER, CLIENT, IPPROTO_ICMP, 3, 0, INNER_NOT_ALLOWED },
	{ "icmp echo reply out (server)", true, true, SERVER, CLIENT, IPPROTO_ICMP, 0, 0, INNER_OK },
};

START_TEST(test_policy_table)
{
	struct tunnel_rule r = { .server = cases[_i].server };
	uint8_t buf[64];
	struct inner_pkt p;
	size_t len;
	uint32_t c, s;

	inet_pton(AF_INET, CLIENT, &c);
	inet_pton(AF_INET, SERVER, &s);
	r.own_addr = r.server ? s : c;
	r.peer_addr = r.server ? c : s;
	r.proto = cases[_i].proto == IPPROTO_ICMP ? IPPROTO_ICMP : IPPROTO_TCP;
	r.port = cases[_i].proto == IPPROTO_ICMP ? 0 : 8883;
	len = build(buf, cases[_i].src, cases[_i].dst, cases[_i].proto,
		    cases[_i].sport, cases[_i].dport);
	ck_assert_int_eq(inner_parse(buf, len, &p), INNER_OK);
	ck_assert_msg(policy_check(&r, &p, cases[_i].outbound) == cases[_i].want,
		      "%s", cases[_i].name);
}
END_TEST

START_TEST(test_malformed)
{
	uint8_t buf[64];
	struct inner_pkt p;
	size_t len = build(buf, CLIENT, SERVER, IPPROTO_TCP, 1, 8883);

	ck_assert_int_eq(inner_parse(buf, 19, &p), INNER_MALFORMED);
	ck_assert_int_eq(inner_parse(buf, len - 1, &p), INNER_MALFORMED);
	buf[0] = 0x65;
	ck_assert_int_eq(inner_parse(buf, len, &p), INNER_MALFORMED);
	buf[0] = 0x44;
	ck_assert_int_eq(inner_parse(buf, len, &p), INNER_MALFORMED);
	buf[0] = 0x46;	/* IP options */
	ck_assert_int_eq(inner_parse(buf, len, &p), INNER_MALFORMED);
	buf[0] = 0x45;
	buf[3] = 30;	/* TCP header cut */
	ck_assert_int_eq(inner_parse(buf, len, &p), INNER_MALFORMED);
	buf[3] = 40;
	ck_assert_int_eq(inner_parse(buf, len, &p), INNER_OK);
	ck_assert_uint_eq(policy_out_port(false, &p), 8883);
	ck_assert_uint_eq(policy_out_port(true, &p), 1);
}
END_TEST

/* Fragments: which parse, and what the policy then knows of them. */
static const struct {
	const char *name;
	uint8_t proto;
	uint16_t frag;		/* the IP header's flags and offset field */
	uint8_t tot;		/* IP total length */
	enum inner_verdict want;
	enum inner_frag kind;
} frag_cases[] = {
	{ "udp, whole", IPPROTO_UDP, 0x0000, 28, INNER_OK, INNER_WHOLE },
	{ "udp, DF", IPPROTO_UDP, 0x4000, 28, INNER_OK, INNER_WHOLE },
	{ "udp first, header whole", IPPROTO_UDP, 0x2000, 28, INNER_OK, INNER_FRAG_FIRST },
	{ "udp first, header cut", IPPROTO_UDP, 0x2000, 24, INNER_MALFORMED, 0 },
	{ "tcp first, header whole", IPPROTO_TCP, 0x2000, 40, INNER_OK, INNER_FRAG_FIRST },
	{ "tcp first, header cut", IPPROTO_TCP, 0x2000, 36, INNER_MALFORMED, 0 },
	{ "udp later, offset 8", IPPROTO_UDP, 0x2001, 28, INNER_OK, INNER_FRAG_LATER },
	{ "udp last, offset 8", IPPROTO_UDP, 0x0001, 28, INNER_OK, INNER_FRAG_LATER },
	{ "icmp later", IPPROTO_ICMP, 0x0001, 28, INNER_OK, INNER_FRAG_LATER },
	{ "gre later", 47, 0x0001, 28, INNER_OK, INNER_FRAG_LATER },
	{ "tcp later inside the header (8)", IPPROTO_TCP, 0x2001, 40, INNER_MALFORMED, 0 },
	{ "tcp later inside the header (16)", IPPROTO_TCP, 0x0002, 40, INNER_MALFORMED, 0 },
	{ "tcp later past the header (24)", IPPROTO_TCP, 0x0003, 40, INNER_OK, INNER_FRAG_LATER },
	{ "later, nothing in it", IPPROTO_UDP, 0x0001, 20, INNER_MALFORMED, 0 },
};

START_TEST(test_fragment_parse)
{
	uint8_t buf[64];
	struct inner_pkt p;

	build(buf, CLIENT, SERVER, frag_cases[_i].proto, 40000, 5683);
	buf[3] = frag_cases[_i].tot;
	buf[4] = 0xab;
	buf[5] = 0xcd;
	buf[6] = frag_cases[_i].frag >> 8;
	buf[7] = (uint8_t)frag_cases[_i].frag;
	ck_assert_msg(inner_parse(buf, 64, &p) == frag_cases[_i].want, "%s",
		      frag_cases[_i].name);
	if (frag_cases[_i].want != INNER_OK)
		return;
	ck_assert_msg(p.frag == frag_cases[_i].kind, "%s: kind %u",
		      frag_cases[_i].name, p.frag);
	if (p.frag != INNER_WHOLE)
		ck_assert_uint_eq(p.frag_id, 0xabcd);
	if (p.frag == INNER_FRAG_LATER) {
		/* Bytes at the L4 header's place are payload, not ports. */
		ck_assert_uint_eq(p.sport, 0);
		ck_assert_uint_eq(p.dport, 0);
	} else if (p.proto == IPPROTO_UDP) {
		ck_assert_uint_eq(p.sport, 40000);
		ck_assert_uint_eq(p.dport, 5683);
	}
}
END_TEST

/* Later fragments pass on the word of their first one, and only that. */
START_TEST(test_frag_trail)
{
	static struct frag_trail ft;
	uint8_t buf[64];
	struct inner_pkt first, later, other;
	uint64_t now = 1000;
	unsigned int i;

	build(buf, CLIENT, SERVER, IPPROTO_UDP, 40000, 5683);
	buf[4] = 0x12;
	buf[6] = 0x20;
	ck_assert_int_eq(inner_parse(buf, 28, &first), INNER_OK);
	buf[6] = 0x00;
	buf[7] = 0xb9;	/* offset 1480, the last */
	ck_assert_int_eq(inner_parse(buf, 28, &later), INNER_OK);
	ck_assert_uint_eq(later.frag, INNER_FRAG_LATER);

	/* Nothing noted: nothing found. */
	ck_assert_int_eq(frag_trail_find(&ft, &later, true, now), -1);
	frag_trail_note(&ft, &first, true, 7, now);
	ck_assert_int_eq(frag_trail_find(&ft, &later, true, now + 1), 7);
	/* The other direction, another id, address, protocol: nothing. */
	ck_assert_int_eq(frag_trail_find(&ft, &later, false, now + 1), -1);
	other = later;
	other.frag_id ^= 1;
	ck_assert_int_eq(frag_trail_find(&ft, &other, true, now + 1), -1);
	other = later;
	inet_pton(AF_INET, OTHER, &other.daddr);
	ck_assert_int_eq(frag_trail_find(&ft, &other, true, now + 1), -1);
	other = later;
	other.saddr = later.daddr;
	ck_assert_int_eq(frag_trail_find(&ft, &other, true, now + 1), -1);
	other = later;
	other.proto = IPPROTO_TCP;
	ck_assert_int_eq(frag_trail_find(&ft, &other, true, now + 1), -1);
	/* Gone after FRAG_TRAIL_NS. */
	ck_assert_int_eq(frag_trail_find(&ft, &later, true, now + FRAG_TRAIL_NS), -1);
	/* The same id again: the newest first fragment's tunnel. */
	frag_trail_note(&ft, &first, true, 9, now + 2);
	ck_assert_int_eq(frag_trail_find(&ft, &later, true, now + 3), 9);
	/* A full table gives up its oldest trail, here the first one. */
	other = first;
	for (i = 0; i < FRAG_TRAIL; i++) {
		other.frag_id = (uint16_t)(0x5000 + i);
		frag_trail_note(&ft, &other, true, 100 + i % 16, now + 10 + i);
	}
	ck_assert_int_eq(frag_trail_find(&ft, &later, true, now + 10 + i), -1);
	other.frag_id = 0x5000 + FRAG_TRAIL - 1;
	ck_assert_int_eq(frag_trail_find(&ft, &other, true, now + 10 + i),
			 100 + (FRAG_TRAIL - 1) % 16);
}
END_TEST

/* One tunnel's peer cannot push another tunnel's trails out. */
START_TEST(test_frag_trail_share)
{
	static struct frag_trail ft;
	struct inner_pkt p = { .saddr = 1, .daddr = 2, .proto = IPPROTO_UDP,
			       .frag = INNER_FRAG_FIRST };
	uint64_t now = 1000;
	unsigned int i, held = 0;

	p.frag_id = 7;
	frag_trail_note(&ft, &p, false, 9, now);
	/* Tunnel 1 notes far more than the table holds. */
	for (i = 0; i < 4 * FRAG_TRAIL; i++) {
		p.frag_id = (uint16_t)(1000 + i);
		frag_trail_note(&ft, &p, false, 1, now + 1 + i);
	}
	p.frag_id = 7;
	ck_assert_int_eq(frag_trail_find(&ft, &p, false, now + 2000), 9);
	/* It keeps its newest FRAG_TRAIL_PER_TUNNEL, no more. */
	for (i = 0; i < 4 * FRAG_TRAIL; i++) {
		p.frag_id = (uint16_t)(1000 + i);
		held += frag_trail_find(&ft, &p, false, now + 2000) == 1;
	}
	ck_assert_uint_eq(held, FRAG_TRAIL_PER_TUNNEL);
	p.frag_id = (uint16_t)(1000 + 4 * FRAG_TRAIL - 1);
	ck_assert_int_eq(frag_trail_find(&ft, &p, false, now + 2000), 1);
}
END_TEST

/* The server side can answer flows, never open them. */
START_TEST(test_flows)
{
	struct tunnel_rule client = { .server = false, .proto = IPPROTO_TCP, .port = 8883 };
	struct tunnel_rule server = { .server = true, .proto = IPPROTO_TCP, .port = 8883 };
	struct flow_ports cf = {}, sf = {};
	uint8_t buf[64];
	struct inner_pkt req, rep, syn, probe;
	uint32_t c, s;

	inet_pton(AF_INET, CLIENT, &c);
	inet_pton(AF_INET, SERVER, &s);
	client.own_addr = server.peer_addr = c;
	client.peer_addr = server.own_addr = s;
	build(buf, CLIENT, SERVER, IPPROTO_TCP, 40000, 8883);
	buf[33] = 0x02;				/* SYN */
	inner_parse(buf, 40, &req);
	build(buf, SERVER, CLIENT, IPPROTO_TCP, 8883, 40000);
	buf[33] = 0x12;				/* SYN ACK */
	inner_parse(buf, 40, &rep);
	build(buf, SERVER, CLIENT, IPPROTO_TCP, 8883, 22);
	buf[33] = 0x02;				/* a new connection to :22 */
	inner_parse(buf, 40, &syn);
	build(buf, SERVER, CLIENT, IPPROTO_TCP, 8883, 22);
	buf[33] = 0x10;				/* a bare ACK to :22 */
	inner_parse(buf, 40, &probe);

	/* Before the client said anything, no reply gets in, either side. */
	ck_assert_int_eq(policy_flow(&sf, &server, &rep, true, 1), INNER_NOT_ALLOWED);
	ck_assert_int_eq(policy_flow(&cf, &client, &rep, false, 1), INNER_NOT_ALLOWED);
	/* The client's request opens the flow on both sides... */
	ck_assert_int_eq(policy_flow(&cf, &client, &req, true, 2), INNER_OK);
	ck_assert_int_eq(policy_flow(&sf, &server, &req, false, 2), INNER_OK);
	ck_assert_int_eq(policy_flow(&sf, &server, &rep, true, 3), INNER_OK);
	ck_assert_int_eq(policy_flow(&cf, &client, &rep, false, 3), INNER_OK);
	/* ...but not to other ports, and never as a new connection. */
	ck_assert_int_eq(policy_flow(&sf, &server, &syn, true, 4), INNER_NOT_ALLOWED);
	ck_assert_int_eq(policy_flow(&cf, &client, &syn, false, 4), INNER_NOT_ALLOWED);
	ck_assert_int_eq(policy_flow(&cf, &client, &probe, false, 4), INNER_NOT_ALLOWED);
	/* A flow idle for longer than FLOW_IDLE_NS is forgotten. */
	ck_assert_int_eq(policy_flow(&cf, &client, &rep, false, 3 + FLOW_IDLE_NS),
			 INNER_NOT_ALLOWED);
}
END_TEST

/* Internet and external tunnels: whose rule, which way, which packet. */
#define NET "203.0.113.10"
#define GATEWAY "100.64.0.3"
#define TARGET "192.168.50.10"

static const struct {
	const char *name;
	bool server, internet, outbound;
	const char *src, *dst;
	uint8_t proto;
	uint16_t sport, dport;
	enum inner_verdict want;
} kinds[] = {
	{ "internet: client's request out", false, true, true, CLIENT, NET, IPPROTO_TCP, 40000, 443, INNER_OK },
	{ "internet: udp out (DNS)", false, true, true, CLIENT, NET, IPPROTO_UDP, 40000, 53, INNER_OK },
	{ "internet: echo request out", false, true, true, CLIENT, NET, IPPROTO_ICMP, 8, 0, INNER_OK },
	{ "internet: an unreachable out", false, true, true, CLIENT, NET, IPPROTO_ICMP, 3, 0, INNER_NOT_ALLOWED },
	{ "internet: other transport (GRE) out", false, true, true, CLIENT, NET, 47, 0, 0, INNER_NOT_ALLOWED },
	{ "internet: to the overlay", false, true, true, CLIENT, OTHER, IPPROTO_TCP, 40000, 22, INNER_NOT_ALLOWED },
	{ "internet: to a local network", false, true, true, CLIENT, "192.168.1.5", IPPROTO_TCP, 40000, 80, INNER_NOT_ALLOWED },
	{ "internet: just outside the local network", false, true, true, CLIENT, "192.168.2.5", IPPROTO_TCP, 40000, 80, INNER_OK },
	{ "internet: to loopback", false, true, true, CLIENT, "127.0.0.1", IPPROTO_TCP, 40000, 80, INNER_NOT_ALLOWED },
	{ "internet: to 0.0.0.0/8", false, true, true, CLIENT, "0.1.2.3", IPPROTO_UDP, 40000, 80, INNER_NOT_ALLOWED },
	{ "internet: to link-local", false, true, true, CLIENT, "169.254.169.254", IPPROTO_TCP, 40000, 80, INNER_NOT_ALLOWED },
	{ "internet: to multicast", false, true, true, CLIENT, "224.0.0.251", IPPROTO_UDP, 5353, 5353, INNER_NOT_ALLOWED },
	{ "internet: to broadcast", false, true, true, CLIENT, "255.255.255.255", IPPROTO_UDP, 68, 67, INNER_NOT_ALLOWED },
	{ "internet: from a spoofed source", false, true, true, "192.168.2.1", NET, IPPROTO_TCP, 40000, 443, INNER_NOT_ALLOWED },
	{ "internet: a reply in", false, true, false, NET, CLIENT, IPPROTO_TCP, 443, 40000, INNER_OK },
	{ "internet: a reply from the overlay", false, true, false, OTHER, CLIENT, IPPROTO_TCP, 443, 40000, INNER_NOT_ALLOWED },
	{ "internet: echo reply in", false, true, false, NET, CLIENT, IPPROTO_ICMP, 0, 0, INNER_OK },
	{ "internet: echo request in", false, true, false, NET, CLIENT, IPPROTO_ICMP, 8, 0, INNER_NOT_ALLOWED },
	{ "gateway: request from the client", true, true, false, CLIENT, NET, IPPROTO_TCP, 40000, 443, INNER_OK },
	{ "gateway: request from another overlay node", true, true, false, OTHER, NET, IPPROTO_TCP, 40000, 443, INNER_NOT_ALLOWED },
	{ "gateway: request to the overlay", true, true, false, CLIENT, GATEWAY, IPPROTO_TCP, 40000, 22, INNER_NOT_ALLOWED },
	{ "gateway: request to its local network", true, true, false, CLIENT, "192.168.1.1", IPPROTO_TCP, 40000, 22, INNER_NOT_ALLOWED },
	{ "gateway: reply to the client", true, true, true, NET, CLIENT, IPPROTO_TCP, 443, 40000, INNER_OK },
	{ "gateway: reply to another node", true, true, true, NET, OTHER, IPPROTO_TCP, 443, 40000, INNER_NOT_ALLOWED },
	{ "external client: to the target's port", false, false, true, CLIENT, TARGET, IPPROTO_TCP, 40000, 554, INNER_OK },
	{ "external client: the target's other port", false, false, true, CLIENT, TARGET, IPPROTO_TCP, 40000, 80, INNER_NOT_ALLOWED },
	{ "external client: the target's reply", false, false, false, TARGET, CLIENT, IPPROTO_TCP, 554, 40000, INNER_OK },
	{ "external server: request for the target", true, false, false, CLIENT, TARGET, IPPROTO_TCP, 40000, 554, INNER_OK },
	{ "external server: another port", true, false, false, CLIENT, TARGET, IPPROTO_TCP, 40000, 23, INNER_NOT_ALLOWED },
	{ "external server: another LAN host", true, false, false, CLIENT, "192.168.50.11", IPPROTO_TCP, 40000, 554, INNER_NOT_ALLOWED },
	{ "external server: the server itself", true, false, false, CLIENT, SERVER, IPPROTO_TCP, 40000, 554, INNER_NOT_ALLOWED },
	{ "external server: the target's reply", true, false, true, TARGET, CLIENT, IPPROTO_TCP, 554, 40000, INNER_OK },
	{ "external server: the target opening a flow", true, false, true, TARGET, CLIENT, IPPROTO_TCP, 40001, 22, INNER_NOT_ALLOWED },
};

START_TEST(test_kinds_table)
{
	static const uint32_t local_net[] = { 0x0001a8c0 }, local_mask[] = { 0x00ffffff };
	struct tunnel_rule r = {
		.server = kinds[_i].server, .internet = kinds[_i].internet,
		.local_net = local_net, .local_mask = local_mask, .n_local = 1,
	};
	uint32_t c, other_end;
	uint8_t buf[64];
	struct inner_pkt p;
	size_t len;

	/* 192.168.1.0/24 as local.networks, in network order. */
	ck_assert_uint_eq(htonl(0xc0a80100), local_net[0]);
	inet_pton(AF_INET, CLIENT, &c);
	inet_pton(AF_INET, "100.64.0.0", &r.overlay_net);
	r.overlay_mask = htonl(0xffc00000);
	if (r.internet) {
		inet_pton(AF_INET, GATEWAY, &other_end);
	} else {
		inet_pton(AF_INET, TARGET, &other_end);
		r.proto = IPPROTO_TCP;
		r.port = 554;
	}
	r.own_addr = r.server ? other_end : c;
	r.peer_addr = r.server ? c : other_end;
	len = build(buf, kinds[_i].src, kinds[_i].dst, kinds[_i].proto,
		    kinds[_i].sport, kinds[_i].dport);
	ck_assert_int_eq(inner_parse(buf, len, &p), INNER_OK);
	ck_assert_msg(policy_check(&r, &p, kinds[_i].outbound) == kinds[_i].want,
		      "%s", kinds[_i].name);
}
END_TEST

/* An internet tunnel's replies need a request first, like any flow. */
START_TEST(test_internet_flows)
{
	struct tunnel_rule r = { .internet = true };
	struct flow_ports f = {};
	uint8_t buf[64];
	struct inner_pkt req, rep, other;

	inet_pton(AF_INET, CLIENT, &r.own_addr);
	inet_pton(AF_INET, GATEWAY, &r.peer_addr);
	inet_pton(AF_INET, "100.64.0.0", &r.overlay_net);
	r.overlay_mask = htonl(0xffc00000);
	build(buf, CLIENT, NET, IPPROTO_UDP, 40000, 53);
	inner_parse(buf, 28, &req);
	build(buf, NET, CLIENT, IPPROTO_UDP, 53, 40000);
	inner_parse(buf, 28, &rep);
	build(buf, NET, CLIENT, IPPROTO_UDP, 53, 40001);
	inner_parse(buf, 28, &other);
	ck_assert_int_eq(policy_flow(&f, &r, &rep, false, 1), INNER_NOT_ALLOWED);
	ck_assert_int_eq(policy_flow(&f, &r, &req, true, 2), INNER_OK);
	ck_assert_int_eq(policy_flow(&f, &r, &rep, false, 3), INNER_OK);
	ck_assert_int_eq(policy_flow(&f, &r, &other, false, 3), INNER_NOT_ALLOWED);
}
END_TEST

Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("inner");

	tcase_add_loop_test(tc, test_policy_table, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_malformed);
	tcase_add_loop_test(tc, test_fragment_parse, 0,
			    sizeof(frag_cases) / sizeof(frag_cases[0]));
	tcase_add_test(tc, test_frag_trail);
	tcase_add_test(tc, test_frag_trail_share);
	tcase_add_test(tc, test_flows);
	tcase_add_loop_test(tc, test_kinds_table, 0, sizeof(kinds) / sizeof(kinds[0]));
	tcase_add_test(tc, test_internet_flows);
	suite_add_tcase(s, tc);
	return s;
}
