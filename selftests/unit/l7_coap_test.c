// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CoAP parser: a table of datagrams (requests, responses, Empty
 * messages, option encodings) with their verdicts under a policy of
 * methods and path prefixes, and every truncation of each.
 */
#include <stdlib.h>
#include <string.h>

#include "l7.h"
#include "suites.h"

/* Tokens: "4a" a byte, "r:abc" raw abc, "A:N" N bytes of 'A'. */
static size_t build(const char *spec, uint8_t *out, size_t cap)
{
	const char *p = spec, *e;
	size_t n = 0, k, cnt;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		e = strchr(p, ' ');
		if (!e)
			e = p + strlen(p);
		k = (size_t)(e - p);
		if (k > 2 && p[0] == 'r' && p[1] == ':') {
			ck_assert(n + k - 2 <= cap);
			memcpy(out + n, p + 2, k - 2);
			n += k - 2;
		} else if (k > 2 && p[0] == 'A' && p[1] == ':') {
			cnt = strtoul(p + 2, NULL, 10);
			ck_assert(n + cnt <= cap);
			memset(out + n, 'A', cnt);
			n += cnt;
		} else {
			ck_assert_msg(k == 2, "bad token in \"%s\"", spec);
			ck_assert(n < cap);
			out[n++] = (uint8_t)strtoul((char[3]){ p[0], p[1], 0 },
						    NULL, 16);
		}
		p = e;
	}
	return n;
}

enum pol_id { P_NULL, P_OPEN, P_API };

static char *api_methods[] = { "GET", "PUT", "IPATCH" };
static char *api_paths[] = { "/sensors", "/config/" };

static void make_policy(enum pol_id id, struct l7_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	pol->proto = L7_COAP;
	if (id != P_API)
		return;
	pol->methods.s = api_methods;
	pol->methods.n = 3;
	pol->methods.set = true;
	pol->paths.s = api_paths;
	pol->paths.n = 2;
	pol->paths.set = true;
}

struct ccase {
	const char *name;
	enum l7_dir dir;
	const char *dgram;
	enum pol_id pol;
	enum l7_result want;
	const char *why;	/* failing: a substring of the reason */
	const char *uri;	/* passing: the URI buffer, NULL none */
};

#define S L7_TO_SERVER
#define C L7_TO_CLIENT
#define OKD(n, d, g, p, u) { n, d, g, p, L7_OK, NULL, u }
#define NOK(n, d, g, p, r, w) { n, d, g, p, r, w, NULL }
#define BADD(n, g, w) { n, S, g, P_NULL, L7_MALFORMED, w, NULL }

#define SEG250 "A:250"

static const struct ccase ccases[] = {
	/* Methods and paths */
	OKD("get allowed path", S, "40 01 12 34 b7 r:sensors 04 r:temp",
	    P_API, "/sensors/temp"),
	OKD("get path prefix itself", S, "40 01 12 34 b7 r:sensors", P_API,
	    "/sensors"),
	OKD("get with token", S, "42 01 12 34 aa bb b7 r:sensors", P_API,
	    "/sensors"),
	OKD("put with payload", S, "40 03 12 34 b6 r:config 01 r:x ff r:22",
	    P_API, "/config/x"),
	OKD("ipatch", S, "40 07 12 34 b7 r:sensors", P_API, "/sensors"),
	OKD("empty last segment", S, "40 01 12 34 b7 r:sensors 00", P_API,
	    "/sensors/"),
	NOK("put prefix with slash", S, "40 03 12 34 b6 r:config", P_API,
	    L7_DENIED, "coap: path /config not allowed"),
	NOK("get beyond a segment", S, "40 01 12 34 b8 r:sensorsx", P_API,
	    L7_DENIED, "coap: path /sensorsx not allowed"),
	NOK("get root denied", S, "40 01 12 34", P_API, L7_DENIED,
	    "coap: path / not allowed"),
	OKD("get root open", S, "40 01 12 34", P_OPEN, "/"),
	NOK("post denied", S, "40 02 12 34 b7 r:sensors", P_API, L7_DENIED,
	    "coap: method POST not allowed"),
	NOK("delete denied", S, "40 04 12 34 b7 r:sensors", P_API, L7_DENIED,
	    "coap: method DELETE not allowed"),
	NOK("fetch denied", S, "40 05 12 34 b7 r:sensors", P_API, L7_DENIED,
	    "coap: method FETCH not allowed"),
	OKD("post no policy", S, "50 02 12 34 b6 r:secret", P_NULL, "/secret"),
	OKD("request to the client not judged", C, "40 02 12 34 b6 r:secret",
	    P_API, "/secret"),
	NOK("proxy-uri cannot be judged", S,
	    "40 01 12 34 dd 16 03 r:coap://h/sensors", P_API, L7_DENIED,
	    "proxy"),
	OKD("proxy-uri open", S, "40 01 12 34 dd 16 03 r:coap://h/sensors",
	    P_OPEN, "/"),

	/* Option encodings */
	OKD("uri-host then path", S, "40 01 12 34 39 r:localhost 87 r:sensors",
	    P_API, "/sensors"),
	OKD("one-byte delta", S, "40 01 12 34 b7 r:sensors d1 24 05", P_API,
	    "/sensors"),
	OKD("two-byte delta", S, "40 01 12 34 b7 r:sensors e1 06 e8 05", P_API,
	    "/sensors"),
	OKD("one-byte length", S, "40 01 12 34 bd 07 r:sensors0123456789abc",
	    P_OPEN, "/sensors0123456789abc"),
	OKD("two-byte length", S, "40 01 12 34 be 00 1f A:300", P_OPEN, NULL),
	OKD("uri-query after path", S, "40 01 12 34 b7 r:sensors 43 r:a=1",
	    P_API, "/sensors"),
	BADD("delta nibble 15", "40 01 12 34 f1 00", "option header"),
	BADD("length nibble 15", "40 01 12 34 bf", "option header"),
	BADD("one-byte delta truncated", "40 01 12 34 d1", "option header"),
	BADD("two-byte length truncated", "40 01 12 34 be 00", "option header"),
	BADD("value past the end", "40 01 12 34 b7 r:sens", "out of bounds"),
	BADD("option number past 65535", "40 01 12 34 e0 ff ff e0 ff ff",
	     "out of bounds"),
	BADD("payload marker, no payload", "40 01 12 34 b7 r:sensors ff",
	     "payload marker"),

	/* Uri-Path segments */
	BADD("dot-dot segment", "40 01 12 34 b7 r:sensors 02 r:..", "dot"),
	BADD("dot segment", "40 01 12 34 b1 r:.", "dot"),
	BADD("slash in a segment", "40 01 12 34 b3 r:a/b", "'/'"),
	BADD("NUL in a segment", "40 01 12 34 b3 61 00 62", "NUL"),
	BADD("question mark in a segment", "40 01 12 34 b9 r:sensors?x",
	     "'?'"),
	BADD("path too long", "40 01 12 34 bd ed " SEG250 " 0d ed " SEG250
	     " 0d ed " SEG250 " 0d ed " SEG250 " 0d ed " SEG250, "longer"),

	/* Empty messages */
	OKD("empty ping", S, "40 00 12 34", P_API, NULL),
	OKD("empty ack", C, "60 00 12 34", P_API, NULL),
	OKD("empty reset", S, "70 00 12 34", P_API, NULL),
	BADD("empty non-confirmable", "50 00 12 34", "non-confirmable"),
	BADD("empty with a token", "41 00 12 34 aa", "Empty"),
	BADD("empty with payload", "40 00 12 34 ff 41", "Empty"),
	BADD("empty with an option", "40 00 12 34 b1 61", "Empty"),

	/* The header */
	BADD("token length 9", "49 01 12 34 01 02 03 04 05 06 07 08 09",
	     "token"),
	BADD("token length 15", "4f 01 12 34", "token"),
	BADD("token truncated", "44 01 12 34 aa", "token"),
	BADD("version 0", "00 01 12 34", "version"),
	BADD("version 2", "80 01 12 34", "version"),
	BADD("three bytes", "40 01 12", "header"),
	BADD("nothing", "", "header"),

	/* Codes */
	OKD("content to the client", C, "60 45 12 34 ff r:22.5", P_API, NULL),
	OKD("notification to the server", S, "50 45 12 34 ff r:1", P_API,
	    NULL),
	OKD("not found", C, "60 84 12 34", P_API, NULL),
	OKD("internal error", C, "60 a0 12 34", P_API, NULL),
	BADD("class 1", "40 20 12 34", "class"),
	BADD("class 3", "40 60 12 34", "class"),
	BADD("class 6", "40 c0 12 34", "class"),
	BADD("class 7", "40 e0 12 34", "class"),
	BADD("unknown method 0.08", "40 08 12 34", "unknown method"),
	BADD("request in an ACK", "60 01 12 34", "ACK"),
	BADD("reset with a response", "70 45 12 34", "reset"),
};

static enum l7_result run_one(const struct ccase *c, const uint8_t *b,
			      size_t n, struct l7_msg *m, const char **why)
{
	struct l7_policy pol;

	make_policy(c->pol, &pol);
	memset(m, 0, sizeof(*m));
	m->unit = -1;
	*why = NULL;
	return l7_coap_dgram(c->pol == P_NULL ? NULL : &pol, c->dir, b, n, m,
			     why);
}

START_TEST(test_table)
{
	const struct ccase *c = &ccases[_i];
	static uint8_t b[4096];
	const struct l7_buf *u;
	const char *why;
	struct l7_msg m;
	enum l7_result r;
	size_t n;

	n = build(c->dgram, b, sizeof(b));
	r = run_one(c, b, n, &m, &why);
	ck_assert_msg(r == c->want, "%s: result %d, want %d (%s)", c->name,
		      r, c->want, why ? why : "");
	if (r != L7_OK) {
		ck_assert_msg(why && strstr(why, c->why),
			      "%s: reason \"%s\", want \"%s\"", c->name,
			      why ? why : "(none)", c->why);
		return;
	}
	ck_assert_msg(m.present && m.kind == b[1] && m.unit == -1,
		      "%s: kind %d", c->name, m.kind);
	u = &m.buf[L7B_COAP_URI];
	if (c->uri) {
		ck_assert_msg(u->p == (const uint8_t *)m.name &&
			      u->len == strlen(c->uri) &&
			      !strcmp(m.name, c->uri),
			      "%s: uri \"%s\", want \"%s\"", c->name, m.name,
			      c->uri);
	} else if ((b[1] >> 5) == 0 && b[1]) {
		/* A request whose path the table does not spell. */
		ck_assert(u->p && u->len == strlen(m.name));
	} else {
		ck_assert_msg(!u->p, "%s: a URI on a non-request", c->name);
	}
}
END_TEST

/* Every prefix is a verdict, never a crash or a read past it. */
START_TEST(test_truncations)
{
	const struct ccase *c = &ccases[_i];
	static uint8_t b[4096];
	enum l7_result r;
	const char *why;
	struct l7_msg m;
	size_t n, k;
	uint8_t *t;

	n = build(c->dgram, b, sizeof(b));
	for (k = 0; k < n; k++) {
		t = malloc(k ? k : 1);
		memcpy(t, b, k);
		r = run_one(c, t, k, &m, &why);
		free(t);
		ck_assert_msg(r == L7_OK || r == L7_MALFORMED ||
			      r == L7_DENIED, "%s: prefix %zu gives %d",
			      c->name, k, r);
		if (k < 4)
			ck_assert_int_eq(r, L7_MALFORMED);
		if (r != L7_OK)
			ck_assert_ptr_nonnull(why);
	}
}
END_TEST

Suite *l7_coap_suite(void)
{
	Suite *s = suite_create("l7_coap");
	TCase *tc = tcase_create("coap");

	tcase_add_loop_test(tc, test_table, 0,
			    sizeof(ccases) / sizeof(ccases[0]));
	tcase_add_loop_test(tc, test_truncations, 0,
			    sizeof(ccases) / sizeof(ccases[0]));
	suite_add_tcase(s, tc);
	return s;
}
