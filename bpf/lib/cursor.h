/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* A header cursor: every read of the packet goes through one bounds check. */
#ifndef TUNCTL_BPF_CURSOR_H
#define TUNCTL_BPF_CURSOR_H

/*
 * pos/end bound what can be read (the linear part); start/len describe the
 * whole frame, which on tc may be longer than its linear part (GSO, paged
 * skbs). Length fields in headers are checked against len, reads against
 * end, so a header in a fragment reads as truncated and is dropped.
 * seg: on tc ingress, the datagram size of a coalesced UDP batch (the
 * skb's gso_size), else 0.
 */
struct cursor {
	void *pos;
	void *end;
	void *start;
	__u32 len;
	__u32 seg;
};

/* Offset of p from the start of the frame. */
static __always_inline long cursor_off(const struct cursor *c, const void *p)
{
	return (long)(p - c->start);
}

/* Return the next len bytes and advance past them, or NULL if too short. */
static __always_inline void *cursor_pull(struct cursor *c, __u32 len)
{
	void *p = c->pos;

	if (p + len > c->end)
		return NULL;
	c->pos = p + len;
	return p;
}

#endif /* TUNCTL_BPF_CURSOR_H */
