// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the L7 firewall's DNS parser: the input is one
 * message, judged as a datagram both ways, and as DNS over TCP (with and
 * without a length put in front), fed whole and in pieces the input
 * sizes; no crash, no out-of-bounds buffer, the same verdict either way.
 * Input: a byte (low 4 bits: how many cut sizes follow), the cut sizes,
 * then the message.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "l7.h"
#include "l7_fuzz_drive.h"

static char *names[] = { "example.com", "_tcp.corp.internal" };
static const struct l7_policy pol = {
	.proto = L7_DNS,
	.names = { names, 2, true },
};

static void dgram(enum l7_dir dir, const uint8_t *p, size_t n)
{
	const char *why = NULL;
	struct l7_msg m;
	enum l7_result r;

	memset(&m, 0, sizeof(m));
	r = l7_dns_dgram(&pol, dir, p, n, &m, &why);
	fuzz_check(r == L7_OK || r == L7_MALFORMED || r == L7_DENIED);
	fuzz_check(r == L7_OK || why);
	fuzz_msg_check(&m, p, n);
	if (m.present)
		fuzz_check(m.buf[L7B_DNS_QUERY].p == (uint8_t *)m.name &&
			   m.buf[L7B_DNS_QUERY].len == strlen(m.name));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t framed[L7_MSG_MAX];
	const uint8_t *cut = data + 1, *p;
	size_t ncut, n;

	if (!size)
		return 0;
	ncut = data[0] & 0xf;
	if (size < 1 + ncut)
		return 0;
	p = data + 1 + ncut;
	n = size - 1 - ncut;
	dgram(L7_TO_SERVER, p, n);
	dgram(L7_TO_CLIENT, p, n);
	fuzz_stream(l7_dns_stream, &pol, L7_TO_SERVER, p, n, cut, ncut);
	fuzz_stream(l7_dns_stream, &pol, L7_TO_CLIENT, p, n, cut, ncut);
	if (n <= L7_MSG_MAX - 2) {
		framed[0] = n >> 8;
		framed[1] = n & 0xff;
		memcpy(framed + 2, p, n);
		fuzz_stream(l7_dns_stream, &pol, L7_TO_SERVER, framed, n + 2,
			    cut, ncut);
	}
	return 0;
}
