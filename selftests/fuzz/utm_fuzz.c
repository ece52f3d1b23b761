// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the UTM's verdicts (utm.c): one TCP session per
 * input, opened properly, then segments both ways whose flags, sequence
 * offsets (behind, at, ahead of what was judged), ACKs and bytes come
 * from the input, under each L7 protocol and an IPS rule set; or
 * datagrams for the UDP ones. Nothing may crash, leak or read out of
 * bounds, and the session's kept bytes never exceed their bound.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "utm.h"

static struct utm U;
static char *methods[] = { "GET", "POST" }, *paths[] = { "/public" };
static char *topics[] = { "s/#" }, *names[] = { "example.com" };

static void init_once(void)
{
	static const char rules[] =
		"alert http any any -> any any (msg:\"x\"; http.uri; content:\"evil\"; sid:1;)\n"
		"drop tcp any any -> any any (msg:\"y\"; content:\"ab\"; content:\"cd\"; distance:0; sid:2;)\n"
		"alert udp any any -> any any (msg:\"z\"; content:\"zz\"; sid:3;)\n";
	static int done;
	char err[256];

	if (done)
		return;
	done = 1;
	if (utm_init(&U, "/dev/null", 0, 0))
		abort();
	utm_set_rules(&U, ips_load_text("f", rules, strlen(rules), err,
					sizeof(err)));
}

/* An IPv4 packet of proto with len payload bytes, into b. */
static size_t pkt(uint8_t *b, uint8_t proto, int to_client, uint8_t flags,
		  uint32_t seq, uint32_t ack, const uint8_t *d, size_t len)
{
	uint32_t c = inet_addr("100.64.0.1"), s = inet_addr("100.64.0.2");
	size_t hl = proto == IPPROTO_TCP ? 20 : 8, n = 20 + hl + len;

	memset(b, 0, 20 + hl);
	b[0] = 0x45;
	b[2] = (uint8_t)(n >> 8);
	b[3] = (uint8_t)n;
	b[9] = proto;
	memcpy(b + 12, to_client ? &s : &c, 4);
	memcpy(b + 16, to_client ? &c : &s, 4);
	b[20] = to_client ? 0x1f : 0xc3;
	b[21] = to_client ? 0x90 : 0x50;
	b[22] = to_client ? 0xc3 : 0x1f;
	b[23] = to_client ? 0x50 : 0x90;
	if (proto == IPPROTO_TCP) {
		b[24] = seq >> 24; b[25] = seq >> 16; b[26] = seq >> 8; b[27] = seq;
		b[28] = ack >> 24; b[29] = ack >> 16; b[30] = ack >> 8; b[31] = ack;
		b[32] = 5 << 4;
		b[33] = flags;
	} else {
		b[24] = (uint8_t)((8 + len) >> 8);
		b[25] = (uint8_t)(8 + len);
	}
	if (len)
		memcpy(b + 20 + hl, d, len);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const uint8_t flag_sets[8] = {
		TH_ACK, TH_ACK | TH_PUSH, TH_ACK | TH_FIN, 0, TH_RST,
		TH_ACK | TH_URG, TH_SYN, TH_SYN | TH_ACK,
	};
	static uint8_t b[40 + 4096];
	struct l7_policy pol;
	struct utm_reset rst;
	struct utm_pkt p = { .tunnel = 1, .pol = &pol, .pkt = b };
	uint32_t next[2] = { 1001, 5001 };
	uint64_t now = 1000000000ULL;
	size_t off = 2, len, i;
	int dir;

	init_once();
	if (n < 2)
		return 0;
	memset(&pol, 0, sizeof(pol));
	pol.proto = 1 + d[0] % (L7_PROTO_MAX - 1);
	pol.reset = d[0] & 0x80;
	pol.methods = (struct l7_strlist){ methods, 2, true };
	pol.paths = (struct l7_strlist){ paths, 1, true };
	pol.topics = (struct l7_strlist){ topics, 1, true };
	pol.names = (struct l7_strlist){ names, 1, true };
	if (d[1] & 1)
		p.pol = NULL;	/* the IPS alone */
	if (pol.proto == L7_COAP || (pol.proto == L7_DNS && d[1] & 2)) {
		/* Datagrams: each chunk one, either way. */
		while (off + 2 <= n) {
			dir = d[off] & 1;
			len = d[off + 1] % 600;
			off += 2;
			if (len > n - off)
				len = n - off;
			p.dir = dir;
			p.len = pkt(b, IPPROTO_UDP, dir, 0, 0, 0, d + off, len);
			utm_inspect(&U, &p, now, &rst);
			off += len;
		}
		return 0;
	}
	p.dir = L7_TO_SERVER;
	p.len = pkt(b, IPPROTO_TCP, 0, TH_SYN, 1000, 0, NULL, 0);
	utm_inspect(&U, &p, now, &rst);
	p.dir = L7_TO_CLIENT;
	p.len = pkt(b, IPPROTO_TCP, 1, TH_SYN | TH_ACK, 5000, 1001, NULL, 0);
	utm_inspect(&U, &p, now, &rst);
	/* Each segment: [dir|flags|back] [len lo] [len hi] [ack back] bytes. */
	while (off + 4 <= n) {
		uint32_t seq, ack;

		dir = d[off] & 1;
		seq = next[dir] - ((d[off] >> 4) & 15) * 7;
		ack = next[!dir] - d[off + 3] % 64;
		len = (d[off + 1] | (size_t)d[off + 2] << 8) % 4000;
		off += 4;
		if (len > n - off)
			len = n - off;
		p.dir = dir;
		p.len = pkt(b, IPPROTO_TCP, dir, flag_sets[(d[off - 4] >> 1) & 7],
			    seq, ack, d + off, len);
		if (utm_inspect(&U, &p, now, &rst) == UTM_PASS &&
		    seq + len - next[dir] < (1u << 30))
			next[dir] = seq + (uint32_t)len;
		now += 1000;
		off += len;
	}
	for (i = 0; i < UTM_FLOWS; i++) {
		if (U.flows[i].keep.len > UTM_KEEP)
			abort();
		if (U.flows[i].tunnel)
			utm_flow_free(&U, &U.flows[i]);
	}
	if (U.kept_bytes)
		abort();	/* every keep buffer accounted for */
	return 0;
}
