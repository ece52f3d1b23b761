// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the Modbus/TCP parser: after a three-byte prelude
 * (chunk sizes, direction) the input is one direction of a session, fed
 * in chunks the way the stream driver does, under a read-only policy.
 */
#include <stdint.h>
#include <string.h>

#include "l7.h"

static struct l7_policy pol = {
	.proto = L7_MODBUS,
	.modbus_funcs = { 1u << 3 | 1u << 4, [2] = 1u << 7 }, /* 3 4 23 */
	.modbus_funcs_set = true,
	.modbus_units = { 1u << 1, [31] = 1u << 7 },		/* 1 255 */
	.modbus_units_set = true,
};

static uint8_t buf[L7_MSG_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = 0, off, k, used, sizes[2];
	struct l7_state st = { 0 };
	enum l7_result r = L7_OK;
	enum l7_dir dir;
	struct l7_msg m;
	const char *why;
	uint64_t skip;
	int i;

	if (size < 3)
		return 0;
	sizes[0] = 1 + data[0];
	sizes[1] = 1 + data[1];
	dir = data[2] & 1 ? L7_TO_CLIENT : L7_TO_SERVER;
	data += 3;
	size -= 3;
	for (off = 0, i = 0; off < size && r == L7_OK; i++) {
		k = sizes[i % 2];
		if (k > size - off)
			k = size - off;
		if (k > sizeof(buf) - len)
			k = sizeof(buf) - len;
		memcpy(buf + len, data + off, k);
		len += k;
		off += k;
		while (len) {
			memset(&m, 0, sizeof(m));
			m.unit = -1;
			r = l7_modbus_stream(&pol, &st, dir, buf, len, &used,
					     &skip, &m, &why);
			if (r == L7_MORE) {
				/* A frame never outgrows the buffer. */
				if (used || len == sizeof(buf))
					__builtin_trap();
				r = L7_OK;
				break;
			}
			if (r != L7_OK) {
				if (!why)
					__builtin_trap();
				break;
			}
			if (!used || used > len || used > 260 || skip ||
			    !m.present || m.unit < 0 || m.unit > 255)
				__builtin_trap();
			memmove(buf, buf + used, len - used);
			len -= used;
		}
	}
	return 0;
}
