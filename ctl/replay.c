// SPDX-License-Identifier: GPL-2.0-only
/*
 * Anti-replay window: bit (c mod REPLAY_WINDOW) says whether counter c was
 * seen, valid for the REPLAY_WINDOW counters up to and including w->max.
 * Moving max forward clears the bits of the counters it steps over.
 */
#include <string.h>

#include "replay.h"

#define WORDS (REPLAY_WINDOW / 64)

_Static_assert((REPLAY_WINDOW & (REPLAY_WINDOW - 1)) == 0 &&
	       REPLAY_WINDOW % 64 == 0, "window: power of two, whole words");

void replay_init(struct replay_window *w)
{
	memset(w, 0, sizeof(*w));
}

static void clear_bit(struct replay_window *w, uint64_t c)
{
	uint64_t i = c % REPLAY_WINDOW;

	w->bits[i / 64] &= ~(1ULL << (i % 64));
}

/* Forget what is known of counters max+1 .. to (they become new). */
static void advance(struct replay_window *w, uint64_t to)
{
	uint64_t c, n;

	if (!w->any || to - w->max >= REPLAY_WINDOW) {
		memset(w->bits, 0, sizeof(w->bits));
		return;
	}
	/* Counted, not compared: to may be UINT64_MAX. */
	c = w->max + 1;
	n = to - w->max;
	while (n && c % 64) {	/* bit by bit up to a word boundary, */
		clear_bit(w, c++);
		n--;
	}
	while (n >= 64) {	/* then whole words, */
		w->bits[(c % REPLAY_WINDOW) / 64] = 0;
		c += 64;
		n -= 64;
	}
	while (n--)		/* then the rest. */
		clear_bit(w, c++);
}

bool replay_check(struct replay_window *w, uint64_t counter)
{
	uint64_t i = counter % REPLAY_WINDOW;
	uint64_t *word = &w->bits[i / 64], bit = 1ULL << (i % 64);

	if (!w->any || counter > w->max) {
		advance(w, counter);
		w->max = counter;
		w->any = true;
		*word |= bit;
		return true;
	}
	if (w->max - counter >= REPLAY_WINDOW)
		return false;	/* too old to tell: reject */
	if (*word & bit)
		return false;	/* seen */
	*word |= bit;
	return true;
}
