/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sliding anti-replay window for the per-packet counters of a tunnel
 * session (the RFC 6479 idea: a ring of bits indexed by counter). A
 * counter is accepted once, and only while it is less than
 * REPLAY_WINDOW behind the highest one accepted.
 */
#ifndef TUNCTL_REPLAY_H
#define TUNCTL_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#define REPLAY_WINDOW 2048	/* counters; a power of two, multiple of 64 */

struct replay_window {
	uint64_t max;		/* highest accepted counter */
	bool any;		/* has anything been accepted yet? */
	uint64_t bits[REPLAY_WINDOW / 64];
};

void replay_init(struct replay_window *w);
/*
 * Accept (true) and remember the counter, or reject it (false) as seen
 * before or too old. Call only after the packet has authenticated: a
 * forged counter must never move the window.
 */
bool replay_check(struct replay_window *w, uint64_t counter);

#endif /* TUNCTL_REPLAY_H */
