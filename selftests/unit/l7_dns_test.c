// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DNS parser of the L7 firewall: a table of messages judged as
 * datagrams and, with their length in front, as a TCP stream split at
 * every offset; then names at the length limits, every truncation of a
 * query, and TCP framing of several messages.
 */
#include <stdlib.h>
#include <string.h>

#include "l7.h"
#include "l7_sim.h"
#include "suites.h"

static char *zone_names[] = { "example.com" };
static const struct l7_policy zone = {
	.proto = L7_DNS,
	.names = { zone_names, 1, true },
};
static char *dot_name[] = { "." };
static const struct l7_policy dot = {
	.proto = L7_DNS,
	.names = { dot_name, 1, true },
};

#define OPCODE_NOTIFY (4 << 11)
#define RESPONSE 0x8180		/* QR, RD, RA */
/* EDNS OPT: root owner, type 41, 4096 bytes, no options. */
#define OPT "\0\0\x29\x10\0\0\0\0\0\0\0"

static const struct dns_case {
	const char *name;
	enum l7_dir dir;
	uint16_t flags;
	uint16_t qd, ar;
	const char *qname;	/* dotted; NULL: wire is the name */
	const char *wire;	/* the name as sent, without its end */
	size_t wlen;
	uint16_t qtype;
	const char *extra;	/* records after the question */
	size_t elen;
	const struct l7_policy *pol;
	enum l7_result res;
	const char *why;	/* in the reason */
	const char *want;	/* the name judged */
} cases[] = {
	{ "allowed below the suffix", L7_TO_SERVER, 0x0100, 1, 0,
	  "www.example.com", NULL, 0, 1, NULL, 0, &zone, L7_OK, NULL,
	  "www.example.com" },
	{ "the suffix itself", L7_TO_SERVER, 0, 1, 0, "example.com", NULL, 0,
	  28, NULL, 0, &zone, L7_OK, NULL, "example.com" },
	{ "not on a label bound", L7_TO_SERVER, 0, 1, 0, "badexample.com",
	  NULL, 0, 1, NULL, 0, &zone, L7_DENIED,
	  "dns: name badexample.com not allowed", "badexample.com" },
	{ "suffix as a label", L7_TO_SERVER, 0, 1, 0, "example.com.evil.net",
	  NULL, 0, 1, NULL, 0, &zone, L7_DENIED,
	  "dns: name example.com.evil.net not allowed",
	  "example.com.evil.net" },
	{ "case kept, matched without", L7_TO_SERVER, 0, 1, 0,
	  "WwW.ExAmPlE.CoM", NULL, 0, 1, NULL, 0, &zone, L7_OK, NULL,
	  "WwW.ExAmPlE.CoM" },
	{ "service labels", L7_TO_SERVER, 0, 1, 0, "_sip._tcp.example.com",
	  NULL, 0, 33, NULL, 0, &zone, L7_OK, NULL, "_sip._tcp.example.com" },
	{ "digits and hyphens", L7_TO_SERVER, 0, 1, 0, "a-1.9.example.com",
	  NULL, 0, 1, NULL, 0, &zone, L7_OK, NULL, "a-1.9.example.com" },
	{ "root denied", L7_TO_SERVER, 0, 1, 0, "", NULL, 0, 2, NULL, 0,
	  &zone, L7_DENIED, "dns: name . not allowed", "" },
	{ "root allowed by dot", L7_TO_SERVER, 0, 1, 0, "", NULL, 0, 2, NULL,
	  0, &dot, L7_OK, NULL, "" },
	{ "no policy", L7_TO_SERVER, 0, 1, 0, "evil.net", NULL, 0, 1, NULL, 0,
	  NULL, L7_OK, NULL, "evil.net" },
	{ "EDNS OPT record", L7_TO_SERVER, 0x0120, 1, 1, "www.example.com",
	  NULL, 0, 1, OPT, 11, &zone, L7_OK, NULL, "www.example.com" },
	{ "record name pointing back", L7_TO_SERVER, 0, 1, 1, "example.com",
	  NULL, 0, 1, "\xc0\x0c\0\x29\x10\0\0\0\0\0\0\0", 12, &zone, L7_OK,
	  NULL, "example.com" },
	{ "record name pointing forward", L7_TO_SERVER, 0, 1, 1,
	  "example.com", NULL, 0, 1, "\xc0\x30\0\x29\x10\0\0\0\0\0\0\0", 12,
	  &zone, L7_MALFORMED, "compression pointer forwards", NULL },
	{ "record data past the end", L7_TO_SERVER, 0, 1, 1, "example.com",
	  NULL, 0, 1, "\0\0\x29\x10\0\0\0\0\0\0\x04\0\x0a", 13, &zone,
	  L7_MALFORMED, "record data past the end", NULL },
	{ "record counted, absent", L7_TO_SERVER, 0, 1, 1, "example.com",
	  NULL, 0, 1, NULL, 0, &zone, L7_MALFORMED, "truncated record",
	  NULL },
	{ "trailing bytes", L7_TO_SERVER, 0, 1, 0, "example.com", NULL, 0, 1,
	  OPT, 11, &zone, L7_MALFORMED, "trailing bytes", NULL },
	{ "compression pointer in the question", L7_TO_SERVER, 0, 1, 0, NULL,
	  "\3www\xc0\x0c", 6, 1, NULL, 0, &zone, L7_MALFORMED,
	  "compression pointer in the question", NULL },
	{ "extended label type", L7_TO_SERVER, 0, 1, 0, NULL, "\x41" "a", 2,
	  1, NULL, 0, &zone, L7_MALFORMED, "unknown label type", NULL },
	{ "dot inside a label", L7_TO_SERVER, 0, 1, 0, NULL,
	  "\7bad.com\7example\3com", 20, 1, NULL, 0, &zone, L7_MALFORMED,
	  "bad byte in a label", NULL },
	{ "blank in a label", L7_TO_SERVER, 0, 1, 0, NULL, "\3a b\3com", 8,
	  1, NULL, 0, &zone, L7_MALFORMED, "bad byte in a label", NULL },
	{ "NUL in a label", L7_TO_SERVER, 0, 1, 0, NULL, "\3a\0b\3com", 8, 1,
	  NULL, 0, &zone, L7_MALFORMED, "bad byte in a label", NULL },
	{ "label past the end", L7_TO_SERVER, 0, 1, 0, NULL, "\x3f" "abc",
	  4, 1, NULL, 0, &zone, L7_MALFORMED, "truncated question", NULL },
	{ "no question", L7_TO_SERVER, 0, 0, 0, "example.com", NULL, 0, 1,
	  NULL, 0, &zone, L7_MALFORMED, "one question", NULL },
	{ "two questions", L7_TO_SERVER, 0, 2, 0, "example.com", NULL, 0, 1,
	  NULL, 0, &zone, L7_MALFORMED, "one question", NULL },
	{ "response to the server", L7_TO_SERVER, RESPONSE, 1, 0,
	  "example.com", NULL, 0, 1, NULL, 0, &zone, L7_MALFORMED,
	  "response sent to the server", NULL },
	{ "notify denied", L7_TO_SERVER, OPCODE_NOTIFY, 1, 0, "example.com",
	  NULL, 0, 6, NULL, 0, &zone, L7_DENIED, "dns: opcode 4 not allowed",
	  "example.com" },
	{ "notify, no policy", L7_TO_SERVER, OPCODE_NOTIFY, 1, 0,
	  "example.com", NULL, 0, 6, NULL, 0, NULL, L7_OK, NULL,
	  "example.com" },
	{ "response to the client", L7_TO_CLIENT, RESPONSE, 1, 0,
	  "evil.net", NULL, 0, 1, NULL, 0, &zone, L7_OK, NULL, NULL },
	{ "query to the client", L7_TO_CLIENT, 0, 1, 0, "example.com", NULL,
	  0, 1, NULL, 0, &zone, L7_MALFORMED, "query sent to the client",
	  NULL },
};

/* "www.example.com" to "\3www\7example\3com". */
static size_t wire_name(uint8_t *out, const char *dotted)
{
	size_t n = 0, l;
	const char *dot;

	while (*dotted) {
		dot = strchr(dotted, '.');
		l = dot ? (size_t)(dot - dotted) : strlen(dotted);
		out[n++] = (uint8_t)l;
		memcpy(out + n, dotted, l);
		n += l;
		dotted += l + (dot != NULL);
	}
	return n;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* The case's message into out (room for 2048): its length. */
static size_t build(uint8_t *out, const struct dns_case *c)
{
	size_t n = 12;

	memset(out, 0, 12);
	put16(out, 0x1234);
	put16(out + 2, c->flags);
	put16(out + 4, c->qd);
	put16(out + 10, c->ar);
	if (c->qname) {
		n += wire_name(out + n, c->qname);
	} else {
		memcpy(out + n, c->wire, c->wlen);
		n += c->wlen;
	}
	out[n++] = 0;
	put16(out + n, c->qtype);
	put16(out + n + 2, 1);		/* IN */
	n += 4;
	if (c->extra)
		memcpy(out + n, c->extra, c->elen);
	return n + c->elen;
}

static void dns_fmt(const struct l7_msg *m, char *out, size_t n)
{
	snprintf(out, n, "%.*s %d", (int)m->buf[L7B_DNS_QUERY].len,
		 (const char *)m->buf[L7B_DNS_QUERY].p, m->kind);
}

/* With its 2-byte length in front, as DNS over TCP sends it. */
static size_t framed(uint8_t *out, const uint8_t *msg, size_t n)
{
	put16(out, (uint16_t)n);
	memcpy(out + 2, msg, n);
	return n + 2;
}

START_TEST(test_case)
{
	const struct dns_case *c = &cases[_i];
	uint8_t msg[2048], tcp[2050];
	static struct l7_sim whole;
	const char *why = NULL;
	struct l7_msg m;
	size_t n = build(msg, c);
	enum l7_result res;
	char line[512];

	memset(&m, 0, sizeof(m));
	res = l7_dns_dgram(c->pol, c->dir, msg, n, &m, &why);
	ck_assert_msg(res == c->res, "%s: %s (%s), want %s", c->name,
		      l7_res_name(res), why ? why : "", l7_res_name(c->res));
	if (c->why)
		ck_assert_msg(why && strstr(why, c->why), "%s: reason \"%s\"",
			      c->name, why ? why : "");
	ck_assert_int_eq(m.present, c->want != NULL);
	if (c->want) {
		ck_assert_str_eq(m.name, c->want);
		ck_assert_int_eq(m.kind, c->qtype);
		ck_assert_ptr_eq(m.buf[L7B_DNS_QUERY].p, (uint8_t *)m.name);
		ck_assert_uint_eq(m.buf[L7B_DNS_QUERY].len, strlen(c->want));
	}
	l7_sim_check_bufs(&m, msg, n);

	/* Over TCP the verdict is the same, however the bytes come. */
	l7_sim_splits(&whole, l7_dns_stream, c->pol, c->dir, dns_fmt, tcp,
		      framed(tcp, msg, n), c->name);
	ck_assert_int_eq(l7_sim_outcome(&whole), c->res);
	if (c->why)
		ck_assert_str_eq(whole.why, why);
	if (c->res == L7_OK && c->want) {
		snprintf(line, sizeof(line), "%s %d\n", c->want, c->qtype);
		ck_assert_str_eq(whole.log, line);
	} else {
		ck_assert_str_eq(whole.log, "");
	}
}
END_TEST

/* A name of labels of the given lengths, under "example.com". */
static enum l7_result long_name(const size_t *labels, size_t n, char *dotted)
{
	struct dns_case c = {
		.name = "long", .dir = L7_TO_SERVER, .qd = 1,
		.qname = dotted, .qtype = 1, .pol = &zone,
	};
	const char *why = NULL;
	uint8_t msg[2048];
	struct l7_msg m;
	size_t i, off = 0;
	enum l7_result res;

	for (i = 0; i < n; i++) {
		memset(dotted + off, 'a' + i, labels[i]);
		off += labels[i];
		dotted[off++] = '.';
	}
	strcpy(dotted + off, "example.com");
	memset(&m, 0, sizeof(m));
	res = l7_dns_dgram(c.pol, c.dir, msg, build(msg, &c), &m, &why);
	if (res == L7_OK)
		ck_assert_str_eq(m.name, dotted);
	return res;
}

START_TEST(test_lengths)
{
	/* Wire lengths: 1 per label + label + 1 root; example.com is 13. */
	static const size_t fits[] = { 63, 63, 63, 49 };	/* 255 */
	static const size_t over[] = { 63, 63, 63, 50 };	/* 256 */
	static const size_t label63[] = { 63 };
	static const size_t label64[] = { 64 };
	char dotted[512];

	ck_assert_int_eq(long_name(fits, 4, dotted), L7_OK);
	ck_assert_uint_eq(strlen(dotted), 253);
	ck_assert_int_eq(long_name(over, 4, dotted), L7_MALFORMED);
	ck_assert_int_eq(long_name(label63, 1, dotted), L7_OK);
	/* 64 is 0x40: a label type, not a length. */
	ck_assert_int_eq(long_name(label64, 1, dotted), L7_MALFORMED);
}
END_TEST

static const struct dns_case *case_named(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!strcmp(cases[i].name, name))
			return &cases[i];
	ck_abort_msg("no case %s", name);
	return NULL;
}

START_TEST(test_truncated)
{
	const struct dns_case *c = case_named(_i ? "EDNS OPT record" :
					      "allowed below the suffix");
	uint8_t msg[2048], tcp[2050];
	static struct l7_sim s;
	const char *why;
	struct l7_msg m;
	size_t n = build(msg, c), i;

	ck_assert_int_eq(c->res, L7_OK);
	for (i = 0; i < n; i++) {
		memset(&m, 0, sizeof(m));
		why = NULL;
		ck_assert_msg(l7_dns_dgram(c->pol, c->dir, msg, i, &m, &why) ==
			      L7_MALFORMED, "%s: %zu of %zu bytes", c->name, i,
			      n);
		ck_assert_ptr_nonnull(why);
		/* Cut short over TCP: the length says more is coming. */
		l7_sim_init(&s, l7_dns_stream, c->pol, c->dir, dns_fmt);
		framed(tcp, msg, n);
		l7_sim_feed(&s, tcp, i + 2);
		ck_assert_int_eq(l7_sim_outcome(&s), L7_MORE);
	}
}
END_TEST

START_TEST(test_tcp_framing)
{
	uint8_t msg[2048], tcp[8192 + 64];
	static struct l7_sim s;
	size_t n = 0;

	/* Two queries in a row, one call each. */
	n += framed(tcp + n, msg,
		    build(msg, case_named("allowed below the suffix")));
	n += framed(tcp + n, msg, build(msg, case_named("the suffix itself")));
	l7_sim_splits(&s, l7_dns_stream, &zone, L7_TO_SERVER, dns_fmt, tcp, n,
		      "two queries");
	ck_assert_int_eq(l7_sim_outcome(&s), L7_OK);
	ck_assert_str_eq(s.log, "www.example.com 1\nexample.com 28\n");

	/* The second one denied. */
	n = framed(tcp, msg, build(msg, case_named("allowed below the suffix")));
	n += framed(tcp + n, msg,
		    build(msg, case_named("not on a label bound")));
	l7_sim_splits(&s, l7_dns_stream, &zone, L7_TO_SERVER, dns_fmt, tcp, n,
		      "second denied");
	ck_assert_int_eq(l7_sim_outcome(&s), L7_DENIED);
	ck_assert_str_eq(s.log, "www.example.com 1\n");

	/* A length no query needs, and one too short for a header. */
	put16(tcp, L7_MSG_MAX - 1);
	l7_sim_init(&s, l7_dns_stream, &zone, L7_TO_SERVER, dns_fmt);
	l7_sim_feed(&s, tcp, 2);
	ck_assert_int_eq(l7_sim_outcome(&s), L7_MALFORMED);
	ck_assert_str_eq(s.why, "dns: query longer than the L7 firewall buffers");
	put16(tcp, 11);
	l7_sim_init(&s, l7_dns_stream, &zone, L7_TO_SERVER, dns_fmt);
	l7_sim_feed(&s, tcp, 13);
	ck_assert_int_eq(l7_sim_outcome(&s), L7_MALFORMED);
	ck_assert_str_eq(s.why, "dns: shorter than its header");
}
END_TEST

START_TEST(test_tcp_responses)
{
	static uint8_t tcp[3 * 8192];
	static struct l7_sim s;
	size_t n, big = 2 * 8192;	/* more than a query may be */

	/* A big response is checked by its header and skipped... */
	memset(tcp, 0xaa, sizeof(tcp));
	put16(tcp, (uint16_t)big);
	put16(tcp + 2, 0x1234);
	put16(tcp + 4, RESPONSE);
	n = 2 + big;
	/* ...to the exact byte: the next header is found and read. */
	put16(tcp + n, 12);
	memset(tcp + n + 2, 0, 12);
	put16(tcp + n + 4, RESPONSE);
	l7_sim_splits(&s, l7_dns_stream, &zone, L7_TO_CLIENT, dns_fmt, tcp,
		      n + 14, "responses");
	ck_assert_int_eq(l7_sim_outcome(&s), L7_OK);
	ck_assert_str_eq(s.log, "");
	put16(tcp + n + 4, 0);
	l7_sim_splits(&s, l7_dns_stream, &zone, L7_TO_CLIENT, dns_fmt, tcp,
		      n + 14, "query after a response");
	ck_assert_int_eq(l7_sim_outcome(&s), L7_MALFORMED);
	ck_assert_str_eq(s.why, "dns: a query sent to the client");
}
END_TEST

START_TEST(test_short_dgrams)
{
	static const uint8_t resp[12] = { 0x12, 0x34, 0x81, 0x80 };
	const char *why = NULL;
	struct l7_msg m;
	size_t i;

	for (i = 0; i < 12; i++) {
		memset(&m, 0, sizeof(m));
		ck_assert_int_eq(l7_dns_dgram(&zone, L7_TO_CLIENT, resp, i, &m,
					      &why), L7_MALFORMED);
		ck_assert_str_eq(why, "dns: shorter than its header");
		ck_assert_int_eq(l7_dns_dgram(&zone, L7_TO_SERVER, resp, i, &m,
					      &why), L7_MALFORMED);
	}
	ck_assert_int_eq(l7_dns_dgram(&zone, L7_TO_CLIENT, resp, 12, &m, &why),
			 L7_OK);
	ck_assert(!m.present);
}
END_TEST

Suite *l7_dns_suite(void)
{
	Suite *s = suite_create("l7_dns");
	TCase *tc = tcase_create("messages");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_case, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_lengths);
	tcase_add_loop_test(tc, test_truncated, 0, 2);
	tcase_add_test(tc, test_tcp_framing);
	tcase_add_test(tc, test_tcp_responses);
	tcase_add_test(tc, test_short_dgrams);
	suite_add_tcase(s, tc);
	return s;
}
