// SPDX-License-Identifier: GPL-2.0-only
/*
 * The UTM's verdicts on crafted sessions: TCP followed in order (a gap
 * dropped, a retransmission passed unjudged, no pick-up mid-stream), a
 * violation resetting both ends with packets a kernel would accept, the
 * IPS on packets and on messages, and what the EVE log then holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <jansson.h>

#include "utm.h"
#include "suites.h"

#define CLIENT "100.64.0.1"
#define SERVER "100.64.0.2"

struct env {
	char dir[64], log[96];
	struct utm u;
	struct l7_policy pol;
	char *methods[2], *paths[1];
};

static struct env E;

static void setup(void)
{
	memset(&E, 0, sizeof(E));
	snprintf(E.dir, sizeof(E.dir), "/tmp/tunctl-utm-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(E.dir));
	snprintf(E.log, sizeof(E.log), "%s/eve.json", E.dir);
	ck_assert_int_eq(utm_init(&E.u, E.log, 0, 0), 0);
	E.methods[0] = "GET";
	E.methods[1] = "HEAD";
	E.paths[0] = "/public";
	E.pol.proto = L7_HTTP;
	E.pol.reset = true;
	E.pol.methods = (struct l7_strlist){ E.methods, 2, true };
	E.pol.paths = (struct l7_strlist){ E.paths, 1, true };
}

static void teardown(void)
{
	utm_fini(&E.u);
	unlink(E.log);
	rmdir(E.dir);
}

static uint16_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* An IPv4 TCP segment; from the client when to_server. */
static size_t tcp_pkt(uint8_t *b, bool to_server, uint8_t flags, uint32_t seq,
		      uint32_t ack, const char *data)
{
	size_t n = data ? strlen(data) : 0;
	uint32_t c = inet_addr(CLIENT), s = inet_addr(SERVER);

	memset(b, 0, 40);
	b[0] = 0x45;
	b[2] = (40 + n) >> 8;
	b[3] = (40 + n) & 0xff;
	b[8] = 64;
	b[9] = IPPROTO_TCP;
	memcpy(b + 12, to_server ? &c : &s, 4);
	memcpy(b + 16, to_server ? &s : &c, 4);
	b[20] = to_server ? 0xc3 : 0x1f;	/* 50000 <-> 8080 */
	b[21] = to_server ? 0x50 : 0x90;
	b[22] = to_server ? 0x1f : 0xc3;
	b[23] = to_server ? 0x90 : 0x50;
	b[24] = seq >> 24; b[25] = seq >> 16; b[26] = seq >> 8; b[27] = seq;
	b[28] = ack >> 24; b[29] = ack >> 16; b[30] = ack >> 8; b[31] = ack;
	b[32] = 5 << 4;
	b[33] = flags;
	if (n)
		memcpy(b + 40, data, n);
	return 40 + n;
}

static enum utm_verdict judge(const struct l7_policy *pol, bool to_server,
			      const uint8_t *pkt, size_t len,
			      struct utm_reset *rst)
{
	struct utm_pkt p = {
		.tunnel = 7, .pol = pol,
		.dir = to_server ? L7_TO_SERVER : L7_TO_CLIENT,
		.pkt = pkt, .len = len,
	};
	struct utm_reset scratch;

	return utm_inspect(&E.u, &p, 1000000000ULL, rst ? rst : &scratch);
}

static enum utm_verdict seg(bool to_server, uint8_t flags, uint32_t seq,
			    uint32_t ack, const char *data)
{
	uint8_t b[2048];

	return judge(&E.pol, to_server, b,
		     tcp_pkt(b, to_server, flags, seq, ack, data), NULL);
}

/* The three-way handshake: client ISN 1000, server ISN 5000. */
static void open_session(void)
{
	ck_assert_int_eq(seg(true, TH_SYN, 1000, 0, NULL), UTM_PASS);
	ck_assert_int_eq(seg(false, TH_SYN | TH_ACK, 5000, 1001, NULL), UTM_PASS);
	ck_assert_int_eq(seg(true, TH_ACK, 1001, 5001, NULL), UTM_PASS);
}

static size_t log_lines(const char *needle)
{
	char line[4096];
	size_t n = 0;
	FILE *f = fopen(E.log, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!needle || strstr(line, needle))
			n++;
	fclose(f);
	return n;
}

START_TEST(test_allowed_session)
{
	static const char *const req1 = "GET /public/a HTTP/1.1\r\nHost: x\r\n\r\n";
	static const char *const resp = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	static const char *const req2 = "HEAD /public/b HTTP/1.1\r\nHost: x\r\n\r\n";
	uint32_t c = 1001, s = 5001;

	open_session();
	ck_assert_int_eq(seg(true, TH_ACK | TH_PUSH, c, s, req1), UTM_PASS);
	c += strlen(req1);
	ck_assert_int_eq(seg(false, TH_ACK | TH_PUSH, s, c, resp), UTM_PASS);
	s += strlen(resp);
	/* Pipelined: the second request in the same session, judged too. */
	ck_assert_int_eq(seg(true, TH_ACK | TH_PUSH, c, s, req2), UTM_PASS);
	c += strlen(req2);
	ck_assert_int_eq(seg(true, TH_ACK | TH_FIN, c, s, NULL), UTM_PASS);
	ck_assert_uint_eq(E.u.stats.violations, 0);
	ck_assert_uint_eq(log_lines(NULL), 0);
}
END_TEST

/* The resets: checksums right, sequence numbers where each end expects. */
static void check_rst(const uint8_t *r, const char *src, const char *dst,
		      uint32_t seq, uint32_t ack)
{
	uint8_t pseudo[12];
	uint32_t a;

	ck_assert_uint_eq(sum16(r, 20, 0), 0xffff);
	memcpy(&a, r + 12, 4);
	ck_assert_uint_eq(a, inet_addr(src));
	memcpy(&a, r + 16, 4);
	ck_assert_uint_eq(a, inet_addr(dst));
	ck_assert_uint_eq(r[33], TH_RST | TH_ACK);
	ck_assert_uint_eq((uint32_t)r[24] << 24 | r[25] << 16 | r[26] << 8 | r[27], seq);
	ck_assert_uint_eq((uint32_t)r[28] << 24 | r[29] << 16 | r[30] << 8 | r[31], ack);
	memcpy(pseudo, r + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	pseudo[10] = 0;
	pseudo[11] = 20;
	ck_assert_uint_eq(sum16(r + 20, 20, sum16(pseudo, 12, 0)), 0xffff);
}

START_TEST(test_violation_resets_both_ends)
{
	struct utm_reset rst;
	uint8_t b[512];
	size_t n;

	open_session();
	n = tcp_pkt(b, true, TH_ACK | TH_PUSH, 1001, 5001,
		    "DELETE /public/a HTTP/1.1\r\nHost: x\r\n\r\n");
	ck_assert_int_eq(judge(&E.pol, true, b, n, &rst), UTM_RESET);
	/* The server never got the DELETE: its reset sits at seq 1001. */
	check_rst(rst.to_server, CLIENT, SERVER, 1001, 5001);
	check_rst(rst.to_client, SERVER, CLIENT, 5001, 1001);
	ck_assert_uint_eq(rst.to_server[20] << 8 | rst.to_server[21], 50000);
	ck_assert_uint_eq(rst.to_client[20] << 8 | rst.to_client[21], 8080);
	/* Blocked for good: even a harmless retry in the same session. */
	ck_assert_int_eq(seg(true, TH_ACK | TH_PUSH, 1001, 5001,
			     "GET /public/a HTTP/1.1\r\n\r\n"), UTM_DROP);
	ck_assert_int_eq(seg(false, TH_ACK, 5001, 1001, "HTTP/1.1 200 OK\r\n"), UTM_DROP);
	ck_assert_uint_eq(E.u.stats.violations, 1);
	ck_assert_uint_eq(log_lines("\"event_type\":\"drop\""), 1);
	ck_assert_uint_eq(log_lines("DELETE"), 1);
}
END_TEST

START_TEST(test_drop_policy)
{
	open_session();
	E.pol.reset = false;
	ck_assert_int_eq(seg(true, TH_ACK | TH_PUSH, 1001, 5001,
			     "GET /admin HTTP/1.1\r\n\r\n"), UTM_DROP);
	ck_assert_uint_eq(log_lines("\"drop\""), 1);
}
END_TEST

/* A path split over three segments: judged when it is whole. */
START_TEST(test_split_message)
{
	open_session();
	ck_assert_int_eq(seg(true, TH_ACK, 1001, 5001, "GET /ad"), UTM_PASS);
	ck_assert_int_eq(seg(true, TH_ACK, 1008, 5001, "min/x HT"), UTM_PASS);
	ck_assert_int_eq(seg(true, TH_ACK, 1016, 5001, "TP/1.1\r\n\r\n"), UTM_RESET);
}
END_TEST

START_TEST(test_in_order_only)
{
	open_session();
	/* A segment beyond a gap: dropped, for the sender to send again. */
	ck_assert_int_eq(seg(true, TH_ACK, 1011, 5001, "xxxx"), UTM_DROP);
	ck_assert_uint_eq(E.u.stats.out_of_order, 1);
	ck_assert_int_eq(seg(true, TH_ACK, 1001, 5001, "GET /public/ HTTP/1.1\r\n"), UTM_PASS);
	/* All of it again (a retransmission): passed, not judged twice. */
	ck_assert_int_eq(seg(true, TH_ACK, 1001, 5001, "GET /public/ HTTP/1.1\r\n"), UTM_PASS);
	/* Old bytes the same and new ones after them: the new judged. */
	ck_assert_int_eq(seg(true, TH_ACK, 1015, 5001, "TTP/1.1\r\nHost: a\r\n"), UTM_PASS);
	ck_assert_uint_eq(E.u.stats.violations, 0);
	/*
	 * Old bytes that differ from those judged: the judged segment may
	 * never have reached the server (a bad checksum, a stale timestamp),
	 * and these would take its place unjudged.
	 */
	ck_assert_int_eq(seg(true, TH_ACK, 1005, 5001, "admin/ HTTP/1.1\r\n"), UTM_RESET);
	ck_assert_uint_eq(log_lines("differ from those judged"), 1);
}
END_TEST

START_TEST(test_no_pickup)
{
	/* No SYN seen (say, a session older than the daemon): dropped. */
	ck_assert_int_eq(seg(true, TH_ACK, 1001, 5001, "GET /public/ HTTP/1.1\r\n\r\n"),
			 UTM_DROP);
	ck_assert_uint_eq(E.u.stats.no_session, 1);
	/* Data on a SYN (TCP Fast Open) would pass unjudged: dropped. */
	ck_assert_int_eq(seg(true, TH_SYN, 1000, 0, "GET /admin"), UTM_DROP);
	/* A SYN from the server side opens nothing. */
	ck_assert_int_eq(seg(false, TH_SYN, 1000, 0, NULL), UTM_DROP);
}
END_TEST

START_TEST(test_fragment_on_l7_tunnel)
{
	uint8_t b[512];
	size_t n;

	open_session();
	n = tcp_pkt(b, true, TH_ACK, 1001, 5001, "GET / HTTP/1.1\r\n\r\n");
	b[6] = 0x20;	/* more fragments */
	ck_assert_int_eq(judge(&E.pol, true, b, n, NULL), UTM_DROP);
}
END_TEST

static struct ips_ruleset *rules(const char *text)
{
	char err[256] = "";
	struct ips_ruleset *rs = ips_load_text("t.rules", text, strlen(text),
					       err, sizeof(err));

	ck_assert_msg(rs != NULL, "rules: %s", err);
	return rs;
}

START_TEST(test_ips_packet_rules)
{
	uint8_t b[512];
	size_t n;

	utm_set_rules(&E.u, rules(
		"drop tcp any any -> any 8080 (msg:\"shell\"; content:\"/bin/sh\"; sid:10;)\n"
		"alert tcp any any -> any any (msg:\"hello\"; content:\"hello\"; sid:11; rev:3;)\n"));
	/* No L7 policy on this tunnel: only the IPS judges, per packet. */
	n = tcp_pkt(b, true, TH_ACK, 1, 1, "say hello");
	ck_assert_int_eq(judge(NULL, true, b, n, NULL), UTM_PASS);
	n = tcp_pkt(b, true, TH_ACK, 10, 1, "run /bin/sh now");
	ck_assert_int_eq(judge(NULL, true, b, n, NULL), UTM_DROP);
	n = tcp_pkt(b, false, TH_ACK, 10, 1, "nothing here");
	ck_assert_int_eq(judge(NULL, false, b, n, NULL), UTM_PASS);
	ck_assert_uint_eq(E.u.stats.ips_alerts, 2);
	ck_assert_uint_eq(E.u.stats.ips_drops, 1);
	ck_assert_uint_eq(log_lines("\"signature_id\":11"), 1);
	ck_assert_uint_eq(log_lines("\"rev\":3"), 1);
	ck_assert_uint_eq(log_lines("\"action\":\"blocked\""), 1);
	/* Swapped for none: the same packet passes. */
	utm_set_rules(&E.u, NULL);
	n = tcp_pkt(b, true, TH_ACK, 10, 1, "run /bin/sh now");
	ck_assert_int_eq(judge(NULL, true, b, n, NULL), UTM_PASS);
}
END_TEST

START_TEST(test_ips_message_rules)
{
	utm_set_rules(&E.u, rules(
		"drop http any any -> any any (msg:\"secret file\"; http.uri; content:\"secret\"; sid:20;)\n"
		"alert http any any -> any any (msg:\"curl\"; http.header; content:\"curl\"; nocase; sid:21;)\n"));
	open_session();
	ck_assert_int_eq(seg(true, TH_ACK, 1001, 5001,
			     "GET /public/x HTTP/1.1\r\nUser-Agent: CURL/8\r\n\r\n"), UTM_PASS);
	ck_assert_uint_eq(log_lines("\"signature_id\":21"), 1);
	/* An IPS drop in a session with a reset policy resets it, logged as its alert. */
	ck_assert_int_eq(seg(true, TH_ACK, 1047, 5001,
			     "GET /public/secret HTTP/1.1\r\n\r\n"), UTM_RESET);
	ck_assert_uint_eq(log_lines("\"signature_id\":20"), 1);
	ck_assert_uint_eq(log_lines("\"event_type\":\"drop\""), 0);
}
END_TEST

START_TEST(test_dns_datagrams)
{
	static const uint8_t hdr[12] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
	char *names[] = { "example.internal" };
	struct l7_policy dns = {
		.proto = L7_DNS,
		.names = { names, 1, true },
	};
	uint8_t b[512];
	size_t n;

	/* 100.64.0.1:5353 -> 100.64.0.2:53, a query for NAME. */
	struct { const char *qname; enum utm_verdict want; } cases[] = {
		{ "\3www\7example\10internal", UTM_PASS },
		{ "\3www\4evil\4test", UTM_DROP },
	};
	for (size_t i = 0; i < 2; i++) {
		size_t q = strlen(cases[i].qname) + 1;

		memset(b, 0, sizeof(b));
		n = 20 + 8 + 12 + q + 4;
		b[0] = 0x45;
		b[3] = n;
		b[8] = 64;
		b[9] = IPPROTO_UDP;
		inet_pton(AF_INET, CLIENT, b + 12);
		inet_pton(AF_INET, SERVER, b + 16);
		b[20] = 0x14; b[21] = 0xe9; b[23] = 53;
		b[25] = n - 20;
		memcpy(b + 28, hdr, 12);
		memcpy(b + 40, cases[i].qname, q);
		b[40 + q + 1] = 1;	/* A */
		b[40 + q + 3] = 1;	/* IN */
		ck_assert_int_eq(judge(&dns, true, b, n, NULL), cases[i].want);
	}
	ck_assert_uint_eq(log_lines("evil"), 1);
}
END_TEST

/* Once the server has ACKed bytes, what is sent again of them is dropped by it. */
START_TEST(test_acked_bytes)
{
	open_session();
	ck_assert_int_eq(seg(true, TH_ACK, 1001, 5001, "GET /public/ HTTP/1.1\r\n"), UTM_PASS);
	ck_assert_int_eq(seg(false, TH_ACK, 5001, 1024, NULL), UTM_PASS);
	ck_assert_int_eq(seg(true, TH_ACK, 1001, 5001, "GET /admin/ HTTP/1.1\r\n"), UTM_PASS);
	/* An ACK past what was judged is not believed. */
	ck_assert_int_eq(seg(false, TH_ACK, 5001, 9999, NULL), UTM_PASS);
	ck_assert_int_eq(seg(true, TH_ACK, 1024, 5001, "\r\n"), UTM_PASS);
	ck_assert_int_eq(seg(true, TH_ACK, 1024, 5001, "xx"), UTM_RESET);
}
END_TEST

/* The client may not start over on a live session, nor the server. */
START_TEST(test_handshake_rules)
{
	open_session();
	/* The same SYN again, nothing sent yet: harmless. */
	ck_assert_int_eq(seg(true, TH_SYN, 1000, 0, NULL), UTM_PASS);
	ck_assert_int_eq(seg(true, TH_ACK, 1001, 5001, "GET /public/x HT"), UTM_PASS);
	/* Now a SYN would reset the judging while the server's session goes on. */
	ck_assert_int_eq(seg(true, TH_SYN, 1015, 0, NULL), UTM_DROP);
	ck_assert_int_eq(seg(true, TH_SYN, 1000, 0, NULL), UTM_DROP);
	ck_assert_int_eq(seg(true, TH_ACK, 1017, 5001, "TP/1.1\r\n\r\n"), UTM_PASS);
	/* The server's SYN-ACK again: the same passes, another ISN not. */
	ck_assert_int_eq(seg(false, TH_SYN | TH_ACK, 5000, 1001, NULL), UTM_PASS);
	ck_assert_int_eq(seg(false, TH_SYN | TH_ACK, 905000, 1001, NULL), UTM_DROP);
	/* Data without ACK, urgent data: the receiver's stream is not ours. */
	ck_assert_int_eq(seg(true, 0, 1027, 5001, "GET /public/ HTTP/1.1\r\n\r\n"), UTM_DROP);
	ck_assert_int_eq(seg(true, TH_ACK | TH_URG, 1027, 5001, "GET /public/.X./admin HTTP/1.1\r\n\r\n"),
			 UTM_DROP);
	/* An RST off the next sequence number is ignored, as its receiver does. */
	ck_assert_int_eq(seg(true, TH_RST, 1500, 0, NULL), UTM_DROP);
	ck_assert_int_eq(seg(true, TH_ACK, 1027, 5001, "GET /public/ HTTP/1.1\r\n\r\n"), UTM_PASS);
	ck_assert_int_eq(seg(true, TH_RST, 1027 + 25, 0, NULL), UTM_PASS);
	ck_assert_uint_eq(E.u.stats.bad_tcp, 6);
	ck_assert_uint_eq(E.u.stats.violations, 0);
}
END_TEST

/* A server refusing the SYN: its RST ends the half-open session. */
START_TEST(test_refused_syn)
{
	ck_assert_int_eq(seg(true, TH_SYN, 1000, 0, NULL), UTM_PASS);
	ck_assert_int_eq(seg(false, TH_RST | TH_ACK, 0, 999, NULL), UTM_DROP);
	ck_assert_int_eq(seg(false, TH_RST | TH_ACK, 0, 1001, NULL), UTM_PASS);
	/* Closed: a new SYN on the same ports starts afresh. */
	ck_assert_int_eq(seg(true, TH_SYN, 7000, 0, NULL), UTM_PASS);
}
END_TEST

/* No more than UTM_KEEP judged bytes wait for the server's ACK. */
START_TEST(test_keep_bound)
{
	static const char head[] =
		"POST /public/u HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n";
	static char chunk[1401];
	uint32_t c = 1001;
	size_t sent;

	E.methods[1] = "POST";
	open_session();
	ck_assert_int_eq(seg(true, TH_ACK, c, 5001, head), UTM_PASS);
	c += strlen(head);
	sent = strlen(head);
	memset(chunk, 'a', sizeof(chunk) - 1);
	while (sent + 1400 <= UTM_KEEP) {
		ck_assert_int_eq(seg(true, TH_ACK, c, 5001, chunk), UTM_PASS);
		c += 1400;
		sent += 1400;
	}
	/* Full: held back (dropped) until the server acknowledges. */
	ck_assert_int_eq(seg(true, TH_ACK, c, 5001, chunk), UTM_DROP);
	ck_assert_uint_eq(E.u.stats.keep_full, 1);
	ck_assert_int_eq(seg(false, TH_ACK, 5001, c, NULL), UTM_PASS);
	ck_assert_int_eq(seg(true, TH_ACK, c, 5001, chunk), UTM_PASS);
	ck_assert_uint_eq(E.u.stats.violations, 0);
}
END_TEST

/* One tunnel cannot take the whole table; a SYN never answered goes stale. */
START_TEST(test_flow_quota)
{
	struct utm_pkt p = { .tunnel = 9, .pol = &E.pol, .dir = L7_TO_SERVER };
	struct utm_reset rst;
	uint8_t b[64];
	int i, passed = 0;

	for (i = 0; i < UTM_TUNNEL_FLOWS + 10; i++) {
		p.pkt = b;
		p.len = tcp_pkt(b, true, TH_SYN, 1000, 0, NULL);
		b[20] = (uint8_t)(i >> 8);	/* a client port each */
		b[21] = (uint8_t)i;
		passed += utm_inspect(&E.u, &p, 1000000000ULL, &rst) == UTM_PASS;
	}
	ck_assert_int_eq(passed, UTM_TUNNEL_FLOWS);
	/* Another tunnel is not crowded out. */
	ck_assert_int_eq(seg(true, TH_SYN, 1000, 0, NULL), UTM_PASS);
	/* Half-open for longer than UTM_HALF_OPEN_NS: stale, its slots free. */
	p.len = tcp_pkt(b, true, TH_SYN, 1000, 0, NULL);
	b[20] = 0x7f;
	ck_assert_int_eq(utm_inspect(&E.u, &p, 1000000000ULL + UTM_HALF_OPEN_NS + 1, &rst),
			 UTM_PASS);
}
END_TEST

static bool count_msg(void *ctx, const struct l7_msg *m, const char **why)
{
	(void)m;
	(void)why;
	(*(int *)ctx)++;
	return true;
}

/*
 * The real stream driver (l7_stream.c) split at every byte: a body
 * skipped by count across the cut, two allowed requests handed on, and
 * the third refused only when its head is whole, wherever the cut is.
 */
START_TEST(test_feed_every_split)
{
	static const char req[] =
		"PUT /public/a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
		"GET /public/b HTTP/1.1\r\n\r\n"
		"GET /admin HTTP/1.1\r\n\r\n";
	const uint8_t *b = (const uint8_t *)req;
	size_t n = strlen(req), cut;

	E.methods[1] = "PUT";
	for (cut = 0; cut <= n; cut++) {
		struct l7_state st = { 0 };
		struct l7_stream s = { 0 };
		const char *why = "";
		enum l7_result r;
		int msgs = 0;

		r = l7_feed(&E.pol, &st, &s, L7_TO_SERVER, b, cut, count_msg,
			    &msgs, &why);
		ck_assert_int_eq(r, cut == n ? L7_DENIED : L7_OK);
		if (r == L7_OK)
			r = l7_feed(&E.pol, &st, &s, L7_TO_SERVER, b + cut,
				    n - cut, count_msg, &msgs, &why);
		ck_assert_msg(r == L7_DENIED && strstr(why, "/admin"),
			      "cut %zu: %d %s", cut, r, why);
		ck_assert_int_eq(msgs, 2);
		/* Nothing held beyond one unfinished head. */
		ck_assert_uint_le(s.len, L7_MSG_MAX);
		l7_stream_free(&s);
	}
}
END_TEST

/* A head that never ends is refused once it fills the buffer. */
START_TEST(test_feed_head_too_long)
{
	static uint8_t junk[L7_MSG_MAX + 100];
	struct l7_state st = { 0 };
	struct l7_stream s = { 0 };
	const char *why = "";

	memcpy(junk, "GET /public/", 12);
	memset(junk + 12, 'a', sizeof(junk) - 12);
	ck_assert_int_eq(l7_feed(&E.pol, &st, &s, L7_TO_SERVER, junk, 4000,
				 NULL, NULL, &why), L7_OK);
	ck_assert_int_ne(l7_feed(&E.pol, &st, &s, L7_TO_SERVER, junk + 4000,
				 sizeof(junk) - 4000, NULL, NULL, &why), L7_OK);
	l7_stream_free(&s);
}
END_TEST

Suite *utm_suite(void)
{
	Suite *s = suite_create("utm");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_allowed_session);
	tcase_add_test(tc, test_violation_resets_both_ends);
	tcase_add_test(tc, test_drop_policy);
	tcase_add_test(tc, test_split_message);
	tcase_add_test(tc, test_in_order_only);
	tcase_add_test(tc, test_no_pickup);
	tcase_add_test(tc, test_fragment_on_l7_tunnel);
	tcase_add_test(tc, test_ips_packet_rules);
	tcase_add_test(tc, test_ips_message_rules);
	tcase_add_test(tc, test_dns_datagrams);
	tcase_add_test(tc, test_feed_every_split);
	tcase_add_test(tc, test_acked_bytes);
	tcase_add_test(tc, test_handshake_rules);
	tcase_add_test(tc, test_refused_syn);
	tcase_add_test(tc, test_keep_bound);
	tcase_add_test(tc, test_flow_quota);
	tcase_add_test(tc, test_feed_head_too_long);
	suite_add_tcase(s, tc);
	return s;
}
