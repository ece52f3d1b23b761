// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the IPS rule loader: any text must load or be
 * refused with a "NAME:LINE: reason" error, and what loads must match a
 * few fixed packets and messages without a crash, leak or bad read.
 */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ips.h"

static const uint8_t payload[] =
	"GET /admin/../bin/sh?x=AB\x00\xff HTTP/1.1\r\nHost: cam\r\n\r\nrm -rf /";

static void match_all(const struct ips_ruleset *rs)
{
	struct l7_msg m = { .present = true, .kind = 3, .unit = 1 };
	struct ips_input in = {
		.proto = IPPROTO_TCP, .saddr = htonl(0x0a000001),
		.daddr = htonl(0x0a000002), .sport = 40000, .dport = 80,
		.payload = payload, .payload_len = sizeof(payload) - 1,
	};
	struct ips_hit hits[4];
	size_t n, b;
	int i;

	for (b = 0; b < L7B_MAX; b++) {
		m.buf[b].p = payload + 4 * b;
		m.buf[b].len = sizeof(payload) - 1 - 4 * b;
	}
	for (i = 0; i < 4; i++) {
		in.proto = i == 2 ? IPPROTO_UDP : IPPROTO_TCP;
		in.dir = i & 1 ? L7_TO_CLIENT : L7_TO_SERVER;
		in.app = i == 3 ? L7_MQTT : L7_HTTP;
		in.msg = NULL;
		if (ips_match(rs, &in, hits, 4, &n) == IPS_PASS && n)
			__builtin_trap();	/* pass comes without hits */
		in.msg = &m;
		ips_match(rs, &in, hits, 4, &n);
		if (n > 4)
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ips_ruleset *rs;
	char err[256];

	err[0] = 0;
	rs = ips_load_text("fuzz.rules", (const char *)data, size, err,
			   sizeof(err));
	if (!rs) {
		if (strncmp(err, "fuzz.rules:", 11))
			__builtin_trap();	/* refusals say where */
		return 0;
	}
	match_all(rs);
	ips_free(rs);
	return 0;
}
