// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the UTM keeps of a session's judged bytes until the receiver
 * acknowledges them (utm.h UTM_KEEP): a ring per session, so that a
 * segment sent again is compared with what was judged, not trusted.
 */
#include <stdlib.h>
#include <string.h>

#include "utm.h"

/* The receiver has all before ack: those bytes need keeping no more. */
void utm_keep_ack(struct utm_keep *k, uint32_t ack)
{
	uint32_t d = ack - k->seq;

	/* Only forward, and never past what was judged (a bogus ACK). */
	if ((int32_t)d <= 0 || d > k->len)
		return;
	k->head = (k->head + d) % UTM_KEEP;
	k->len -= d;
	k->seq = ack;
}

bool utm_keep_room(const struct utm_keep *k, size_t n)
{
	return k->len + n <= UTM_KEEP;
}

/* n judged bytes at seq + len (the caller checked the room). */
void utm_keep_add(struct utm_keep *k, const uint8_t *p, size_t n)
{
	size_t at = (k->head + k->len) % UTM_KEEP, first;

	first = UTM_KEEP - at < n ? UTM_KEEP - at : n;
	memcpy(k->buf + at, p, first);
	memcpy(k->buf, p + first, n - first);
	k->len += n;
}

/*
 * Do the n bytes at seq differ from the kept ones they overlap? Bytes
 * before the kept ones were acknowledged: the receiver drops them.
 */
bool utm_keep_differs(const struct utm_keep *k, uint32_t seq,
		      const uint8_t *p, size_t n)
{
	uint32_t skip = k->seq - seq, off, i;

	if ((int32_t)skip > 0) {
		if (skip >= n)
			return false;
		p += skip;
		n -= skip;
		seq = k->seq;
	}
	off = seq - k->seq;
	if (off >= k->len)
		return false;
	if (n > k->len - off)
		n = k->len - off;
	for (i = 0; i < n; i++)
		if (k->buf[(k->head + off + i) % UTM_KEEP] != p[i])
			return true;
	return false;
}
