// SPDX-License-Identifier: GPL-2.0-only
/*
 * The anti-replay window against a naive reference (a list of every
 * counter seen and the highest one) over random sequences: in order, out
 * of order, duplicated, far behind and far ahead.
 */
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "suites.h"

#define SPACE (1u << 20)	/* counters the random sequences draw from */

struct naive {
	unsigned char *seen;
	uint64_t max;
	bool any;
};

static bool naive_check(struct naive *n, uint64_t c)
{
	if (n->seen[c] || (n->any && c + REPLAY_WINDOW <= n->max))
		return false;
	n->seen[c] = 1;
	if (!n->any || c > n->max)
		n->max = c;
	n->any = true;
	return true;
}

static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)rng_state;
}

/* The next counter of a sequence shaped by the test's style. */
static uint64_t next_counter(int style, uint64_t *base)
{
	uint64_t c;

	switch (style) {
	case 0:		/* in order, a few drops */
		*base += 1 + (rng() % 8 == 0);
		return *base;
	case 1:		/* reordered within about the window */
		*base += 1;
		c = *base + (rng() % (REPLAY_WINDOW + 200));
		return c > 200 ? c - 200 : 0;
	case 2:		/* replays of recent counters mixed in */
		if (rng() % 3 == 0)
			return *base > 50 ? *base - rng() % 50 : *base;
		return ++*base;
	default:	/* wild: jumps forward, old stragglers, edges */
		switch (rng() % 5) {
		case 0:
			*base += rng() % (3 * REPLAY_WINDOW);
			return *base;
		case 1:
			return *base > REPLAY_WINDOW ?
			       *base - REPLAY_WINDOW + rng() % 3 : 0;
		case 2:
			return *base > REPLAY_WINDOW ?
			       *base - REPLAY_WINDOW - 1 + rng() % 3 : 0;
		default:
			return *base + rng() % 70;
		}
	}
}

START_TEST(test_against_naive)
{
	struct naive n = { .seen = calloc(SPACE + 4 * REPLAY_WINDOW, 1) };
	struct replay_window w;
	uint64_t base = 0;
	int style = _i % 4, i, accepted = 0, rejected = 0;

	ck_assert_ptr_nonnull(n.seen);
	rng_state = 0x9e3779b97f4a7c15ULL * (_i + 1);
	replay_init(&w);
	for (i = 0; i < 200000; i++) {
		uint64_t c = next_counter(style, &base);
		bool want, got;

		if (c >= SPACE)
			break;
		want = naive_check(&n, c);
		got = replay_check(&w, c);
		ck_assert_msg(want == got,
			      "seed %d style %d step %d: counter %llu: window says %d, reference %d (max %llu)",
			      _i, style, i, (unsigned long long)c, got, want,
			      (unsigned long long)n.max);
		accepted += got;
		rejected += !got;
	}
	/* Sequences that never reject (or never accept) prove nothing. */
	if (style)
		ck_assert_msg(accepted > 100 && rejected > 100,
			      "style %d: %d accepted, %d rejected", style,
			      accepted, rejected);
	free(n.seen);
}
END_TEST

START_TEST(test_edges)
{
	struct replay_window w;

	replay_init(&w);
	ck_assert(replay_check(&w, 0));
	ck_assert(!replay_check(&w, 0));
	ck_assert(replay_check(&w, REPLAY_WINDOW - 1));
	ck_assert(!replay_check(&w, 0));	/* seen, still in window */
	ck_assert(replay_check(&w, REPLAY_WINDOW));
	ck_assert(!replay_check(&w, 0));	/* now too old */
	ck_assert(replay_check(&w, 1));		/* exactly WINDOW-1 behind */
	ck_assert(replay_check(&w, UINT64_MAX - 1));
	ck_assert(!replay_check(&w, UINT64_MAX - 1));
	ck_assert(!replay_check(&w, 5));
	ck_assert(replay_check(&w, UINT64_MAX));
}
END_TEST

Suite *replay_suite(void)
{
	Suite *s = suite_create("replay");
	TCase *tc = tcase_create("window");

	tcase_add_loop_test(tc, test_against_naive, 0, 16);
	tcase_add_test(tc, test_edges);
	suite_add_tcase(s, tc);
	return s;
}
