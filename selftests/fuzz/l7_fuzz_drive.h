/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the L7 fuzz targets share: a stream driver as small as l7.h's
 * contract, checking every promise a parser makes (progress, bounds of
 * the buffers it offers) and returning the outcome of a whole stream, so
 * a target can require that how the bytes were cut changes nothing.
 */
#ifndef TUNCTL_L7_FUZZ_DRIVE_H
#define TUNCTL_L7_FUZZ_DRIVE_H

#include <string.h>

#include "l7.h"

#define fuzz_check(x) do { if (!(x)) __builtin_trap(); } while (0)

struct fuzz_drive {
	uint8_t buf[L7_MSG_MAX];
	size_t len;
	uint64_t skip;
	struct l7_state st;
	enum l7_result res;
	unsigned int msgs;	/* judged allowed */
	uint32_t sum;		/* over what they offered, to compare runs */
};

static void fuzz_msg_check(const struct l7_msg *m, const uint8_t *buf,
			   size_t len)
{
	const uint8_t *name = (const uint8_t *)m->name;
	int b;

	for (b = 0; b < L7B_MAX; b++) {
		const struct l7_buf *x = &m->buf[b];

		if (!x->p)
			continue;
		fuzz_check((x->p >= buf && x->p + x->len <= buf + len) ||
			   (x->p >= name && x->p + x->len <= name + L7_NAME_MAX));
	}
	fuzz_check(memchr(m->name, '\0', L7_NAME_MAX));
}

static uint32_t fuzz_sum(uint32_t h, const struct l7_msg *m)
{
	size_t i;
	int b;

	h = h * 31 + (uint32_t)m->kind;
	for (b = 0; b < L7B_MAX; b++)
		for (i = 0; m->buf[b].p && i < m->buf[b].len; i++)
			h = h * 31 + m->buf[b].p[i];
	return h;
}

static void fuzz_feed(struct fuzz_drive *d, l7_stream_fn fn,
		      const struct l7_policy *pol, enum l7_dir dir,
		      const uint8_t *p, size_t n)
{
	const char *why;
	struct l7_msg m;
	enum l7_result r;
	uint64_t skip;
	size_t k, used;

	while (d->res == L7_OK) {
		k = d->len < d->skip ? d->len : (size_t)d->skip;
		memmove(d->buf, d->buf + k, d->len - k);
		d->len -= k;
		d->skip -= k;
		k = n < d->skip ? n : (size_t)d->skip;
		p += k;
		n -= k;
		d->skip -= k;
		if (d->skip)
			return;
		k = L7_MSG_MAX - d->len < n ? L7_MSG_MAX - d->len : n;
		memcpy(d->buf + d->len, p, k);
		d->len += k;
		p += k;
		n -= k;
		if (!d->len)
			return;
		memset(&m, 0, sizeof(m));
		m.unit = -1;
		used = 0;
		skip = 0;
		why = NULL;
		r = fn(pol, &d->st, dir, d->buf, d->len, &used, &skip, &m, &why);
		fuzz_msg_check(&m, d->buf, d->len);
		if (r == L7_MORE) {
			if (d->len == L7_MSG_MAX)
				d->res = L7_MALFORMED;
			return;
		}
		if (r != L7_OK) {
			fuzz_check(r == L7_MALFORMED || r == L7_DENIED);
			fuzz_check(why && strlen(why) < L7_NAME_MAX + 64);
			d->res = r;
			return;
		}
		fuzz_check(used && used <= d->len);
		if (m.present) {
			d->msgs++;
			d->sum = fuzz_sum(d->sum, &m);
		}
		memmove(d->buf, d->buf + used, d->len - used);
		d->len -= used;
		d->skip = skip;
	}
}

/*
 * Feed data whole, then in pieces whose sizes cut[] gives (cycled): the
 * verdict and the messages judged must be the same.
 */
static void fuzz_stream(l7_stream_fn fn, const struct l7_policy *pol,
			enum l7_dir dir, const uint8_t *data, size_t size,
			const uint8_t *cut, size_t ncut)
{
	static struct fuzz_drive whole, parts;
	size_t off = 0, k, i = 0;

	memset(&whole, 0, sizeof(whole));
	whole.res = L7_OK;
	fuzz_feed(&whole, fn, pol, dir, data, size);
	memset(&parts, 0, sizeof(parts));
	parts.res = L7_OK;
	while (off < size) {
		k = ncut ? 1 + cut[i++ % ncut] % 64 : 1;
		if (k > size - off)
			k = size - off;
		fuzz_feed(&parts, fn, pol, dir, data + off, k);
		off += k;
	}
	fuzz_check(whole.res == parts.res && whole.msgs == parts.msgs &&
		   whole.sum == parts.sum);
	if (whole.res == L7_OK)
		fuzz_check(whole.len == parts.len && whole.skip == parts.skip &&
			   !memcmp(whole.buf, parts.buf, whole.len));
}

#endif
