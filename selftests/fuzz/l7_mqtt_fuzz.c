// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the MQTT parser: the input, after a five-byte
 * prelude (chunk sizes, direction, the level already learned), is one
 * direction of a session fed in chunks the way the stream driver does,
 * under a fixed policy; the topic helpers get the input's first line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "l7.h"

static char *topics[] = { "site/+/temp", "dev/#", "$share/x" };

static const struct l7_policy pol = {
	.proto = L7_MQTT,
	.mqtt_types = 0xffff & ~(1u << 10),	/* no UNSUBSCRIBE */
	.mqtt_types_set = true,
	.topics = { topics, 3, true },
};

static uint8_t buf[L7_MSG_MAX];

/* Buffers a parser reports lie inside what it was given. */
static void check_msg(const struct l7_msg *m, size_t len)
{
	int i;

	for (i = 0; i < L7B_MAX; i++) {
		const struct l7_buf *b = &m->buf[i];

		if (b->p && (b->p < buf || b->p + b->len > buf + len))
			__builtin_trap();
	}
}

/* The first three lines of the input, if short, as strings. */
static bool helpers(const uint8_t *d, size_t n, char *a, char *b, char *t)
{
	char *out[3] = { a, b, t };
	const uint8_t *nl;
	size_t k;
	int i;

	for (i = 0; i < 3; i++) {
		nl = memchr(d, '\n', n);
		k = nl ? (size_t)(nl - d) : n;
		if (k >= 64 || memchr(d, 0, k))
			return false;
		memcpy(out[i], d, k);
		out[i][k] = 0;
		if (!nl)
			return i == 2;
		d += k + 1;
		n -= k + 1;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t levels[4] = { 0, 3, 4, 5 };
	size_t len = 0, off, k, used, sizes[4];
	struct l7_state st = { 0 };
	enum l7_result r = L7_OK;
	uint64_t skip = 0, s;
	enum l7_dir dir;
	struct l7_msg m;
	const char *why;
	char a[64], b[64], t[64];
	int i;

	if (size < 5)
		return 0;
	for (i = 0; i < 4; i++)
		sizes[i] = 1 + (size_t)data[i] * 8;
	dir = data[4] & 1 ? L7_TO_CLIENT : L7_TO_SERVER;
	st.mqtt_level = levels[(data[4] >> 1) & 3];
	data += 5;
	size -= 5;

	/*
	 * "a\nb\nt": covering is reflexive, and transitive through a
	 * topic: what b matches, a filter covering b matches too.
	 */
	if (helpers(data, size, a, b, t) &&
	    (!l7_mqtt_filter_covers(a, a) ||
	     (l7_mqtt_filter_covers(a, b) && l7_mqtt_topic_match(b, t) &&
	      !l7_mqtt_topic_match(a, t))))
		__builtin_trap();

	for (off = 0, i = 0; off < size && r == L7_OK; i++) {
		k = sizes[i % 4];
		if (k > size - off)
			k = size - off;
		if (skip) {
			s = k < skip ? k : skip;
			skip -= s;
			off += s;
			continue;
		}
		if (k > sizeof(buf) - len)
			k = sizeof(buf) - len;
		memcpy(buf + len, data + off, k);
		len += k;
		off += k;
		while (len && !skip) {
			memset(&m, 0, sizeof(m));
			m.unit = -1;
			r = l7_mqtt_stream(&pol, &st, dir, buf, len, &used,
					   &skip, &m, &why);
			if (r == L7_MORE) {
				if (used || skip)
					__builtin_trap();
				/* A full buffer: the driver's violation. */
				r = len == sizeof(buf) ? L7_MALFORMED : L7_OK;
				break;
			}
			if (r != L7_OK) {
				if (!why)
					__builtin_trap();
				break;
			}
			if (!used || used > len || !m.present)
				__builtin_trap();
			check_msg(&m, len);
			memmove(buf, buf + used, len - used);
			len -= used;
			s = len < skip ? len : skip;
			memmove(buf, buf + s, len - s);
			len -= s;
			skip -= s;
		}
	}
	return 0;
}
