/* SPDX-License-Identifier: GPL-2.0-only */
/* Feeding the L7 parsers: TCP bytes in order, or one datagram. */
#ifndef TUNCTL_L7_STREAM_H
#define TUNCTL_L7_STREAM_H

#include "l7.h"

/* One direction of a session: an unfinished message, a body to skip. */
struct l7_stream {
	uint8_t *buf;		/* L7_MSG_MAX bytes once needed, else NULL */
	uint32_t len;
	uint64_t skip;
};

/*
 * Called for each message judged allowed, for the IPS: return false to
 * block it (and set *why).
 */
typedef bool (*l7_msg_cb)(void *ctx, const struct l7_msg *m,
			  const char **why);

bool l7_is_stream(enum l7_proto p);
bool l7_is_dgram(enum l7_proto p);

/*
 * The next in-order bytes of one direction: L7_OK, or the violation
 * (L7_MALFORMED, L7_DENIED) and *why. After a violation the session is
 * blocked: the stream's state is not meant to be fed again.
 */
enum l7_result l7_feed(const struct l7_policy *pol, struct l7_state *st,
		       struct l7_stream *s, enum l7_dir dir,
		       const uint8_t *data, size_t len, l7_msg_cb cb, void *ctx,
		       const char **why);
/* One whole datagram: L7_OK with m, or the violation. */
enum l7_result l7_datagram(const struct l7_policy *pol, enum l7_dir dir,
			   const uint8_t *data, size_t len, struct l7_msg *m,
			   const char **why);
void l7_stream_free(struct l7_stream *s);

#endif
