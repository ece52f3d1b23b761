// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the L7 firewall's HTTP parser: the input is one
 * direction of a TCP session, fed whole and in pieces the input sizes;
 * no crash, no out-of-bounds buffer, and the same verdict either way.
 * Input: a byte (low 4 bits: how many cut sizes follow; bit 7: to the
 * client), the cut sizes, then the stream.
 */
#include <stdint.h>
#include <stddef.h>

#include "l7.h"
#include "l7_fuzz_drive.h"

static char *methods[] = { "GET", "HEAD", "POST", "OPTIONS", "CONNECT" };
static char *paths[] = { "/public", "/api/", "/index.html" };
static const struct l7_policy pol = {
	.proto = L7_HTTP,
	.methods = { methods, 5, true },
	.paths = { paths, 3, true },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum l7_dir dir;
	size_t ncut;

	if (!size)
		return 0;
	ncut = data[0] & 0xf;
	dir = data[0] & 0x80 ? L7_TO_CLIENT : L7_TO_SERVER;
	if (size < 1 + ncut)
		return 0;
	fuzz_stream(l7_http_stream, &pol, dir, data + 1 + ncut,
		    size - 1 - ncut, data + 1, ncut);
	fuzz_stream(l7_http_stream, NULL, dir, data + 1 + ncut,
		    size - 1 - ncut, data + 1, ncut);
	return 0;
}
