// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Modbus/TCP parser: a table of frames (requests and responses) with
 * their verdicts under a read-only policy, every truncation of each, and
 * pipelined frames fed in every chunk size.
 */
#include <stdlib.h>
#include <string.h>

#include "l7.h"
#include "suites.h"

static size_t hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		ck_assert(n < cap && s[1]);
		out[n++] = (uint8_t)strtoul((char[3]){ s[0], s[1], 0 }, NULL,
					    16);
		s += 2;
	}
	return n;
}

enum pol_id { P_NULL, P_OPEN, P_RO };

/* Read-only: functions 3 and 4, units 1 and 2. */
static void make_policy(enum pol_id id, struct l7_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	pol->proto = L7_MODBUS;
	if (id != P_RO)
		return;
	pol->modbus_funcs[0] = 1u << 3 | 1u << 4;
	pol->modbus_funcs_set = true;
	pol->modbus_units[0] = 1u << 1 | 1u << 2;
	pol->modbus_units_set = true;
}

struct bcase {
	const char *name;
	enum l7_dir dir;
	const char *frame;
	enum pol_id pol;
	enum l7_result want;
	const char *why;
	int kind, unit;
};

#define S L7_TO_SERVER
#define C L7_TO_CLIENT
#define OKF(n, d, f, p, k, u) { n, d, f, p, L7_OK, NULL, k, u }
#define NOK(n, d, f, p, r, w) { n, d, f, p, r, w, 0, 0 }

static const struct bcase bcases[] = {
	/* The read-only policy */
	OKF("read holding registers", S, "00 01 00 00 00 06 01 03 00 00 00 0a",
	    P_RO, 3, 1),
	OKF("read input registers", S, "00 02 00 00 00 06 02 04 00 10 00 02",
	    P_RO, 4, 2),
	NOK("write single coil", S, "00 03 00 00 00 06 01 05 00 01 ff 00", P_RO,
	    L7_DENIED, "modbus: function 5 not allowed"),
	NOK("write single register", S, "00 03 00 00 00 06 01 06 00 01 00 2a",
	    P_RO, L7_DENIED, "modbus: function 6 not allowed"),
	NOK("write multiple coils", S,
	    "00 04 00 00 00 09 01 0f 00 00 00 0a 02 ff 03", P_RO, L7_DENIED,
	    "modbus: function 15 not allowed"),
	NOK("write multiple registers", S,
	    "00 05 00 00 00 0b 01 10 00 00 00 02 04 00 01 00 02", P_RO,
	    L7_DENIED, "modbus: function 16 not allowed"),
	NOK("read coils", S, "00 01 00 00 00 06 01 01 00 00 00 08", P_RO,
	    L7_DENIED, "modbus: function 1 not allowed"),
	NOK("unit id not allowed", S, "00 01 00 00 00 06 03 03 00 00 00 0a",
	    P_RO, L7_DENIED, "modbus: unit id 3 not allowed"),
	NOK("broadcast unit", S, "00 01 00 00 00 06 00 04 00 00 00 0a", P_RO,
	    L7_DENIED, "unit id"),
	OKF("unit 255 open policy", S, "00 01 00 00 00 06 ff 03 00 00 00 0a",
	    P_OPEN, 3, 255),

	/* Lengths of the common requests (no policy) */
	OKF("write single coil", S, "00 03 00 00 00 06 01 05 00 01 ff 00",
	    P_NULL, 5, 1),
	OKF("write multiple coils", S,
	    "00 04 00 00 00 09 01 0f 00 00 00 0a 02 ff 03", P_NULL, 15, 1),
	OKF("write multiple registers", S,
	    "00 05 00 00 00 0b 01 10 00 00 00 02 04 00 01 00 02", P_OPEN, 16,
	    1),
	OKF("read/write multiple", S,
	    "00 06 00 00 00 0f 01 17 00 00 00 02 00 10 00 02 04 00 01 00 02",
	    P_NULL, 23, 1),
	OKF("read exception status", S, "00 07 00 00 00 02 01 07", P_NULL, 7,
	    1),
	OKF("unknown function bounded only", S, "00 07 00 00 00 04 01 41 aa bb",
	    P_NULL, 0x41, 1),
	NOK("read short", S, "00 01 00 00 00 05 01 03 00 00 00", P_NULL,
	    L7_MALFORMED, "request length"),
	NOK("read long", S, "00 01 00 00 00 07 01 03 00 00 00 0a 00", P_NULL,
	    L7_MALFORMED, "request length"),
	NOK("write coil short", S, "00 01 00 00 00 04 01 05 00 01", P_NULL,
	    L7_MALFORMED, "request length"),
	NOK("write registers count vs data", S,
	    "00 05 00 00 00 0b 01 10 00 00 00 02 06 00 01 00 02", P_NULL,
	    L7_MALFORMED, "request length"),
	NOK("write registers count vs quantity", S,
	    "00 05 00 00 00 0b 01 10 00 00 00 03 04 00 01 00 02", P_NULL,
	    L7_MALFORMED, "request length"),
	NOK("write coils count vs quantity", S,
	    "00 04 00 00 00 09 01 0f 00 00 00 11 02 ff 03", P_NULL,
	    L7_MALFORMED, "request length"),
	NOK("read/write count", S,
	    "00 06 00 00 00 0f 01 17 00 00 00 02 00 10 00 01 04 00 01 00 02",
	    P_NULL, L7_MALFORMED, "request length"),
	NOK("function 0", S, "00 01 00 00 00 02 01 00", P_NULL, L7_MALFORMED,
	    "function code"),
	NOK("exception in a request", S, "00 01 00 00 00 03 01 83 02", P_NULL,
	    L7_MALFORMED, "function code"),

	/* The MBAP header */
	NOK("protocol id 1", S, "00 01 00 01 00 06 01 03 00 00 00 0a", P_NULL,
	    L7_MALFORMED, "protocol id"),
	NOK("length 1", S, "00 01 00 00 00 01 01", P_NULL, L7_MALFORMED,
	    "MBAP length"),
	NOK("length 0", S, "00 01 00 00 00 00", P_NULL, L7_MALFORMED,
	    "MBAP length"),
	NOK("length 255", S, "00 01 00 00 00 ff", P_NULL, L7_MALFORMED,
	    "MBAP length"),

	/* Responses: framing only, never judged */
	OKF("read response", C, "00 01 00 00 00 07 01 03 04 00 0a 00 0b", P_RO,
	    3, 1),
	OKF("write response", C, "00 03 00 00 00 06 09 05 00 01 ff 00", P_RO,
	    5, 9),
	OKF("exception response", C, "00 03 00 00 00 03 01 85 01", P_RO, 0x85,
	    1),
	NOK("exception response long", C, "00 03 00 00 00 04 01 85 01 00",
	    P_NULL, L7_MALFORMED, "response length"),
	NOK("read response count", C, "00 01 00 00 00 07 01 03 06 00 0a 00 0b",
	    P_NULL, L7_MALFORMED, "response length"),
	NOK("response function 0x80", C, "00 03 00 00 00 03 01 80 01", P_NULL,
	    L7_MALFORMED, "function code"),
};

static enum l7_result run_one(const struct bcase *c, const uint8_t *b,
			      size_t n, size_t *used, uint64_t *skip,
			      struct l7_msg *m, const char **why)
{
	struct l7_policy pol;
	struct l7_state st;

	make_policy(c->pol, &pol);
	memset(&st, 0, sizeof(st));
	memset(m, 0, sizeof(*m));
	m->unit = -1;
	*why = NULL;
	return l7_modbus_stream(c->pol == P_NULL ? NULL : &pol, &st, c->dir,
				b, n, used, skip, m, why);
}

START_TEST(test_table)
{
	const struct bcase *c = &bcases[_i];
	uint8_t b[300];
	const char *why;
	struct l7_msg m;
	uint64_t skip;
	size_t n, used;
	enum l7_result r;

	n = hex(c->frame, b, sizeof(b));
	r = run_one(c, b, n, &used, &skip, &m, &why);
	ck_assert_msg(r == c->want, "%s: result %d, want %d (%s)", c->name,
		      r, c->want, why ? why : "");
	if (r != L7_OK) {
		ck_assert_msg(why && strstr(why, c->why),
			      "%s: reason \"%s\", want \"%s\"", c->name,
			      why ? why : "(none)", c->why);
		return;
	}
	ck_assert_msg(used == n && !skip, "%s: used %zu of %zu", c->name,
		      used, n);
	ck_assert_msg(m.present && m.kind == c->kind && m.unit == c->unit,
		      "%s: kind %d unit %d", c->name, m.kind, m.unit);
}
END_TEST

START_TEST(test_truncations)
{
	const struct bcase *c = &bcases[_i];
	enum l7_result whole, r;
	uint8_t b[300], *t;
	const char *why;
	struct l7_msg m;
	uint64_t skip;
	size_t n, k, used;

	n = hex(c->frame, b, sizeof(b));
	whole = run_one(c, b, n, &used, &skip, &m, &why);
	for (k = 0; k < n; k++) {
		t = malloc(k ? k : 1);
		memcpy(t, b, k);
		r = run_one(c, t, k, &used, &skip, &m, &why);
		free(t);
		ck_assert_msg(r == L7_MORE || (r == whole && r != L7_OK),
			      "%s: prefix %zu gives %d", c->name, k, r);
	}
}
END_TEST

/* Pipelined frames, a request and its response interleaved per direction. */
START_TEST(test_pipelined)
{
	static const char *const frames[] = {
		"00 01 00 00 00 06 01 03 00 00 00 0a",
		"00 02 00 00 00 06 02 04 00 10 00 02",
		"00 03 00 00 00 06 01 03 00 20 00 01",
		"00 04 00 00 00 06 01 06 00 01 00 2a",	/* denied */
	};
	uint8_t all[64], buf[64];
	size_t n = 0, chunk, off, k, len, used, i;
	struct l7_policy pol;
	struct l7_state st;
	const char *why;
	struct l7_msg m;
	uint64_t skip;
	enum l7_result r = L7_OK;
	int seen;

	make_policy(P_RO, &pol);
	for (i = 0; i < 4; i++)
		n += hex(frames[i], all + n, sizeof(all) - n);
	memset(&st, 0, sizeof(st));
	for (chunk = 1; chunk <= n; chunk++) {
		len = 0;
		seen = 0;
		r = L7_OK;
		for (off = 0; off < n && r == L7_OK; off += k) {
			k = n - off < chunk ? n - off : chunk;
			memcpy(buf + len, all + off, k);
			len += k;
			for (;;) {
				r = l7_modbus_stream(&pol, &st, L7_TO_SERVER,
						     buf, len, &used, &skip,
						     &m, &why);
				if (r != L7_OK)
					break;
				ck_assert(used && used <= len && !skip);
				seen++;
				memmove(buf, buf + used, len - used);
				len -= used;
			}
			if (r == L7_MORE)
				r = L7_OK;
		}
		ck_assert_msg(seen == 3 && r == L7_DENIED,
			      "chunk %zu: %d frames, result %d", chunk, seen,
			      r);
	}
}
END_TEST

Suite *l7_modbus_suite(void)
{
	Suite *s = suite_create("l7_modbus");
	TCase *tc = tcase_create("modbus");

	tcase_add_loop_test(tc, test_table, 0,
			    sizeof(bcases) / sizeof(bcases[0]));
	tcase_add_loop_test(tc, test_truncations, 0,
			    sizeof(bcases) / sizeof(bcases[0]));
	tcase_add_test(tc, test_pipelined);
	suite_add_tcase(s, tc);
	return s;
}
