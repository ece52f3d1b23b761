// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the CoAP parser: the first byte picks the
 * direction, the rest is one datagram, judged under a fixed policy and
 * under none; a request's URI buffer must be the NUL-terminated path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "l7.h"

static char *methods[] = { "GET", "PUT" };
static char *paths[] = { "/sensors", "/config/" };

static const struct l7_policy pol = {
	.proto = L7_COAP,
	.methods = { methods, 2, true },
	.paths = { paths, 2, true },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum l7_result r, open;
	const struct l7_buf *u;
	struct l7_msg m;
	const char *why;
	enum l7_dir dir;
	uint8_t *copy;

	if (size < 1)
		return 0;
	dir = data[0] & 1 ? L7_TO_CLIENT : L7_TO_SERVER;
	/* An exact-size copy: ASan sees any read past the datagram. */
	copy = malloc(size - 1 ? size - 1 : 1);
	memcpy(copy, data + 1, size - 1);
	memset(&m, 0, sizeof(m));
	m.unit = -1;
	open = l7_coap_dgram(NULL, dir, copy, size - 1, &m, &why);
	if (open != L7_OK && open != L7_MALFORMED)
		__builtin_trap();	/* no policy denies nothing */
	memset(&m, 0, sizeof(m));
	m.unit = -1;
	r = l7_coap_dgram(&pol, dir, copy, size - 1, &m, &why);
	/* The policy only narrows: what is malformed stays malformed. */
	if ((open == L7_MALFORMED) != (r == L7_MALFORMED))
		__builtin_trap();
	u = &m.buf[L7B_COAP_URI];
	if (r == L7_OK && u->p &&
	    (u->p != (const uint8_t *)m.name || strlen(m.name) != u->len ||
	     m.name[0] != '/'))
		__builtin_trap();
	free(copy);
	return 0;
}
