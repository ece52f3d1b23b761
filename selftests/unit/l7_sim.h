/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A stream driver for the L7 parsers' tests, as small as the contract in
 * l7.h: append bytes, call until MORE, drop *used, honour *skip, and a
 * MORE with L7_MSG_MAX buffered is a violation. It logs every message
 * judged allowed, one line each, so tests can compare whole runs.
 */
#ifndef TUNCTL_L7_SIM_H
#define TUNCTL_L7_SIM_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "l7.h"

/* One line for an allowed message. */
typedef void (*l7_sim_fmt)(const struct l7_msg *m, char *out, size_t n);

struct l7_sim {
	l7_stream_fn fn;
	const struct l7_policy *pol;
	enum l7_dir dir;
	l7_sim_fmt fmt;
	uint8_t buf[L7_MSG_MAX];
	size_t len;
	uint64_t skip;
	struct l7_state st;
	enum l7_result res;	/* L7_OK until a violation */
	char why[L7_NAME_MAX + 128];
	char log[16384];
	size_t nlog;
};

static inline void l7_sim_init(struct l7_sim *s, l7_stream_fn fn,
			       const struct l7_policy *pol, enum l7_dir dir,
			       l7_sim_fmt fmt)
{
	memset(s, 0, sizeof(*s));
	s->fn = fn;
	s->pol = pol;
	s->dir = dir;
	s->fmt = fmt;
	s->res = L7_OK;
}

/* Every buffer a message offers lies in what was fed, or in m->name. */
static inline void l7_sim_check_bufs(const struct l7_msg *m,
				     const uint8_t *buf, size_t len)
{
	const uint8_t *name = (const uint8_t *)m->name;
	int b;

	for (b = 0; b < L7B_MAX; b++) {
		const struct l7_buf *x = &m->buf[b];

		if (!x->p)
			continue;
		ck_assert_msg((x->p >= buf && x->p + x->len <= buf + len) ||
			      (x->p >= name &&
			       x->p + x->len <= name + L7_NAME_MAX),
			      "buffer %d out of bounds", b);
	}
	ck_assert(memchr(m->name, '\0', L7_NAME_MAX));
}

static inline void l7_sim_feed(struct l7_sim *s, const uint8_t *d, size_t n)
{
	const char *why = NULL;
	enum l7_result r;
	struct l7_msg m;
	uint64_t skip;
	size_t k, used;
	char line[L7_NAME_MAX + 64];

	while (s->res == L7_OK) {
		if (s->skip) {
			k = s->len < s->skip ? s->len : (size_t)s->skip;
			memmove(s->buf, s->buf + k, s->len - k);
			s->len -= k;
			s->skip -= k;
			k = n < s->skip ? n : (size_t)s->skip;
			d += k;
			n -= k;
			s->skip -= k;
			if (s->skip)
				return;
		}
		k = L7_MSG_MAX - s->len < n ? L7_MSG_MAX - s->len : n;
		memcpy(s->buf + s->len, d, k);
		s->len += k;
		d += k;
		n -= k;
		if (!s->len)
			return;
		memset(&m, 0, sizeof(m));
		m.unit = -1;
		used = 0;
		skip = 0;
		r = s->fn(s->pol, &s->st, s->dir, s->buf, s->len, &used, &skip,
			  &m, &why);
		if (r == L7_MORE) {
			if (s->len < L7_MSG_MAX)
				return;
			r = L7_MALFORMED;
			why = "message longer than the L7 firewall buffers";
		}
		l7_sim_check_bufs(&m, s->buf, s->len);
		if (r != L7_OK) {
			s->res = r;
			ck_assert_ptr_nonnull(why);
			snprintf(s->why, sizeof(s->why), "%s", why);
			return;
		}
		ck_assert_msg(used && used <= s->len, "used %zu of %zu", used,
			      s->len);
		if (m.present) {
			s->fmt(&m, line, sizeof(line));
			s->nlog += snprintf(s->log + s->nlog,
					    sizeof(s->log) - s->nlog, "%s\n",
					    line);
			ck_assert(s->nlog < sizeof(s->log));
		}
		memmove(s->buf, s->buf + used, s->len - used);
		s->len -= used;
		s->skip = skip;
	}
}

/* The outcome of a whole run: a violation, MORE if unfinished, or OK. */
static inline enum l7_result l7_sim_outcome(const struct l7_sim *s)
{
	if (s->res != L7_OK)
		return s->res;
	return s->len || s->skip ? L7_MORE : L7_OK;
}

static inline const char *l7_res_name(enum l7_result r)
{
	static const char *const names[] = {
		"MORE", "OK", "MALFORMED", "DENIED",
	};

	return r <= L7_DENIED ? names[r] : "?";
}

/*
 * Feed in one piece, in two at every split, and byte by byte: the
 * outcome, reason and log must not depend on how the bytes arrived.
 * Returns the one-piece run in *whole.
 */
static inline void l7_sim_splits(struct l7_sim *whole, l7_stream_fn fn,
				 const struct l7_policy *pol, enum l7_dir dir,
				 l7_sim_fmt fmt, const uint8_t *in, size_t len,
				 const char *name)
{
	static struct l7_sim s;
	size_t i, j;

	l7_sim_init(whole, fn, pol, dir, fmt);
	l7_sim_feed(whole, in, len);
	for (i = 0; i <= len; i++) {
		l7_sim_init(&s, fn, pol, dir, fmt);
		if (i == len) {
			for (j = 0; j < len; j++)	/* byte by byte */
				l7_sim_feed(&s, in + j, 1);
		} else {
			l7_sim_feed(&s, in, i);
			l7_sim_feed(&s, in + i, len - i);
		}
		ck_assert_msg(l7_sim_outcome(&s) == l7_sim_outcome(whole) &&
			      !strcmp(s.why, whole->why) &&
			      !strcmp(s.log, whole->log),
			      "%s: split at %zu: %s \"%s\" [%s], whole: %s \"%s\" [%s]",
			      name, i, l7_res_name(l7_sim_outcome(&s)), s.why,
			      s.log, l7_res_name(l7_sim_outcome(whole)),
			      whole->why, whole->log);
	}
}

#endif
