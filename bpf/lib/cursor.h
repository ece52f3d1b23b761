/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* A header cursor: every read of the packet goes through one bounds check. */
#ifndef TUNCTL_BPF_CURSOR_H
#define TUNCTL_BPF_CURSOR_H

struct cursor {
	void *pos;
	void *end;
};

/* Return the next len bytes and advance past them, or NULL if too short. */
static __always_inline void *cursor_pull(struct cursor *c, __u32 len)
{
	void *p = c->pos;

	if (p + len > c->end)
		return NULL;
	c->pos = p + len;
	return p;
}

/* Bytes left in the frame from the cursor on. */
static __always_inline long cursor_left(const struct cursor *c)
{
	return (long)(c->end - c->pos);
}

#endif /* TUNCTL_BPF_CURSOR_H */
