// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TUN offloads done in userspace (ctl/offload.h): checksums finished
 * or left partial, TCP super-packets cut into segments in place, and
 * decrypted segments joined again. Every checksum is checked against a
 * naive RFC 1071 sum over byte pairs, not against the code under test.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "offload.h"
#include "suites.h"

#define SADDR 0x64400101	/* 100.64.1.1 */
#define DADDR 0x64400102

/* RFC 1071, one 16-bit big-endian word at a time, then folded. */
static uint32_t ref_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t ref_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint32_t ref_pseudo(const uint8_t *ip, uint8_t proto, size_t l4len)
{
	return ref_sum(ip + 12, 8, 0) + proto + (uint32_t)l4len;
}

/* A finished L4 checksum sums, with its pseudo-header, to 0xffff. */
static bool l4_csum_ok(const uint8_t *ip, size_t len)
{
	size_t ihl = (ip[0] & 0xf) * 4;

	return ref_fold(ref_sum(ip + ihl, len - ihl,
				ref_pseudo(ip, ip[9], len - ihl))) == 0xffff;
}

static bool ip_csum_ok(const uint8_t *ip)
{
	return ref_fold(ref_sum(ip, (ip[0] & 0xf) * 4, 0)) == 0xffff;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/*
 * An IPv4 packet as the kernel hands it to a TUN with offloads: L4
 * checksum field holding the pseudo-header's sum only (NEEDS_CSUM).
 */
static size_t make_pkt(uint8_t *p, uint8_t proto, size_t payload,
		       uint8_t tcp_flags, uint32_t seq)
{
	size_t l4 = proto == IPPROTO_TCP ? 20 : 8, len = 20 + l4 + payload;
	uint32_t s = htonl(SADDR), d = htonl(DADDR);
	size_t i;
	uint16_t v;

	memset(p, 0, len);
	p[0] = 0x45;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[4] = 0x12;
	p[5] = 0x34;
	p[6] = 0x40;	/* DF */
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, &s, 4);
	memcpy(p + 16, &d, 4);
	v = (uint16_t)~ref_fold(ref_sum(p, 20, 0));
	p[10] = (uint8_t)(v >> 8);
	p[11] = (uint8_t)v;
	p[20] = 0x9c;	/* ports 40000 -> 5201 */
	p[21] = 0x40;
	p[22] = 0x14;
	p[23] = 0x51;
	if (proto == IPPROTO_TCP) {
		p[24] = (uint8_t)(seq >> 24);
		p[25] = (uint8_t)(seq >> 16);
		p[26] = (uint8_t)(seq >> 8);
		p[27] = (uint8_t)seq;
		p[28] = 0xaa;	/* ack */
		p[32] = 0x50;	/* 20-byte header */
		p[33] = tcp_flags;
		p[34] = 0x01;	/* window */
	} else {
		p[24] = (uint8_t)((8 + payload) >> 8);
		p[25] = (uint8_t)(8 + payload);
	}
	for (i = 0; i < payload; i++)
		p[20 + l4 + i] = (uint8_t)(i * 7 + seq);
	v = ref_fold(ref_pseudo(p, proto, len - 20));
	p[20 + (proto == IPPROTO_TCP ? 16 : 6)] = (uint8_t)(v >> 8);
	p[20 + (proto == IPPROTO_TCP ? 17 : 7)] = (uint8_t)v;
	return len;
}

static struct virtio_net_hdr needs_csum(uint16_t start, uint16_t off)
{
	struct virtio_net_hdr vh = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.csum_start = start,
		.csum_offset = off,
	};

	return vh;
}

START_TEST(test_csum_prepare)
{
	static const struct {
		const char *name;
		uint8_t proto;
		size_t payload;
	} cases[] = {
		{ "tcp, even payload", IPPROTO_TCP, 1000 },
		{ "tcp, odd payload", IPPROTO_TCP, 999 },
		{ "udp, odd payload", IPPROTO_UDP, 1371 },
		{ "udp, empty", IPPROTO_UDP, 0 },
	};
	uint8_t pkt[2048], orig[2048];
	struct virtio_net_hdr vh;
	size_t i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint16_t off = cases[i].proto == IPPROTO_TCP ? 16 : 6;

		len = make_pkt(pkt, cases[i].proto, cases[i].payload, 0x18, 7);
		memcpy(orig, pkt, len);
		vh = needs_csum(20, off);
		/* The peer may finish it: left exactly as it is. */
		ck_assert_int_eq(offload_csum_prepare(&vh, pkt, len, true), 1);
		ck_assert_msg(!memcmp(pkt, orig, len), "%s: changed", cases[i].name);
		ck_assert_msg(!l4_csum_ok(pkt, len) || cases[i].payload == 0,
			      "%s: already finished?", cases[i].name);
		/* It may not: finished here, and right. */
		ck_assert_int_eq(offload_csum_prepare(&vh, pkt, len, false), 0);
		ck_assert_msg(l4_csum_ok(pkt, len), "%s: wrong sum", cases[i].name);
		ck_assert(!memcmp(pkt + 20 + off + 2, orig + 20 + off + 2,
				  len - 20 - off - 2));
	}
	/*
	 * Anywhere but the L4 checksum field: refused, finished or not. A
	 * checksum written over the ports or addresses after the policy
	 * judged them would change the packet it judged.
	 */
	len = make_pkt(pkt, IPPROTO_UDP, 100, 0, 1);
	memcpy(orig, pkt, len);
	vh = needs_csum(20, 16);
	ck_assert_int_eq(offload_csum_prepare(&vh, pkt, len, true), -EINVAL);
	ck_assert_int_eq(offload_csum_prepare(&vh, pkt, len, false), -EINVAL);
	vh = needs_csum(20, 2);		/* the destination port */
	ck_assert_int_eq(offload_csum_prepare(&vh, pkt, len, false), -EINVAL);
	vh = needs_csum(0, 16);		/* the destination address */
	ck_assert_int_eq(offload_csum_prepare(&vh, pkt, len, false), -EINVAL);
	ck_assert(!memcmp(pkt, orig, len));
	/* Not TCP or UDP: no checksum of ours to finish. */
	pkt[9] = IPPROTO_ICMP;
	vh = needs_csum(20, 2);
	ck_assert_int_eq(offload_csum_prepare(&vh, pkt, len, true), -EINVAL);
	pkt[9] = IPPROTO_UDP;
	/* Outside the packet, or odd: refused. */
	vh = needs_csum(20, (uint16_t)len);
	ck_assert_int_eq(offload_csum_prepare(&vh, pkt, len, true), -EINVAL);
	vh = needs_csum((uint16_t)len, 0);
	ck_assert_int_eq(offload_csum_prepare(&vh, pkt, len, true), -EINVAL);
	vh = needs_csum(21, 6);
	ck_assert_int_eq(offload_csum_prepare(&vh, pkt, len, true), -EINVAL);
	/* A UDP sum that comes out 0 goes as 0xffff (0 is "no checksum"). */
	{
		uint32_t part;
		uint16_t w;

		len = make_pkt(pkt, IPPROTO_UDP, 100, 0, 1);
		pkt[len - 2] = pkt[len - 1] = 0;
		part = ref_fold(ref_sum(pkt + 20, len - 20, 0));
		w = (uint16_t)~part;
		pkt[len - 2] = (uint8_t)(w >> 8);
		pkt[len - 1] = (uint8_t)w;
		vh = needs_csum(20, 6);
		ck_assert_int_eq(offload_csum_prepare(&vh, pkt, len, false), 0);
		ck_assert_uint_eq(get16(pkt + 26), 0xffff);
		ck_assert(l4_csum_ok(pkt, len));
	}
	/* No NEEDS_CSUM: nothing to do, nothing touched. */
	memset(&vh, 0, sizeof(vh));
	memcpy(orig, pkt, len);
	ck_assert_int_eq(offload_csum_prepare(&vh, pkt, len, true), 0);
	ck_assert(!memcmp(pkt, orig, len));
}
END_TEST

START_TEST(test_partial_hdr)
{
	uint8_t pkt[256];
	struct virtio_net_hdr vh;
	size_t len;

	len = make_pkt(pkt, IPPROTO_TCP, 10, 0x10, 1);
	ck_assert(offload_partial_hdr(pkt, len, &vh));
	ck_assert_uint_eq(vh.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	ck_assert_uint_eq(vh.csum_start, 20);
	ck_assert_uint_eq(vh.csum_offset, 16);
	ck_assert_uint_eq(vh.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	len = make_pkt(pkt, IPPROTO_UDP, 0, 0, 1);
	ck_assert(offload_partial_hdr(pkt, len, &vh));
	ck_assert_uint_eq(vh.csum_offset, 6);
	/* The field must be inside: a UDP header cut before it. */
	ck_assert(!offload_partial_hdr(pkt, 27, &vh));
	ck_assert(offload_partial_hdr(pkt, 28, &vh));
	/* Not TCP or UDP, a fragment, not IPv4, too short, a bad IHL. */
	pkt[9] = IPPROTO_ICMP;
	ck_assert(!offload_partial_hdr(pkt, len, &vh));
	pkt[9] = IPPROTO_UDP;
	pkt[6] = 0x20;	/* more fragments */
	ck_assert(!offload_partial_hdr(pkt, len, &vh));
	pkt[6] = 0x00;
	pkt[7] = 0x08;	/* offset 64 */
	ck_assert(!offload_partial_hdr(pkt, len, &vh));
	pkt[7] = 0;
	pkt[0] = 0x65;
	ck_assert(!offload_partial_hdr(pkt, len, &vh));
	pkt[0] = 0x44;
	ck_assert(!offload_partial_hdr(pkt, len, &vh));
	pkt[0] = 0x45;
	ck_assert(!offload_partial_hdr(pkt, 19, &vh));
}
END_TEST

/* A TCP super-packet of payload bytes and its virtio-net header. */
static size_t make_super(uint8_t *p, size_t payload, uint16_t mss,
			 uint8_t flags, struct virtio_net_hdr *vh)
{
	size_t len = make_pkt(p, IPPROTO_TCP, payload, flags, 1000);

	*vh = needs_csum(20, 16);
	vh->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	vh->gso_size = mss;
	vh->hdr_len = 40;
	return len;
}

/* Split orig both ways and check every segment against it. */
static void check_split(size_t payload, uint16_t mss, bool partial)
{
	static uint8_t pkt[OFFLOAD_PKT_MAX], orig[OFFLOAD_PKT_MAX];
	struct virtio_net_hdr vh;
	struct offload_split s;
	size_t len, n, off = 0;
	unsigned int i = 0, segs = (unsigned int)((payload + mss - 1) / mss);
	uint8_t *seg;

	/* FIN, PSH and CWR: the first keeps CWR, the last FIN and PSH. */
	len = make_super(pkt, payload, mss, 0x80 | 0x10 | 0x08 | 0x01, &vh);
	memcpy(orig, pkt, len);
	ck_assert_int_eq(offload_split_init(&s, &vh, pkt, len, OFFLOAD_PKT_MAX, partial), 0);
	while ((seg = offload_split_next(&s, &n))) {
		size_t pay = n - 40;
		uint8_t fl = seg[33];

		ck_assert_uint_le(pay, mss);
		ck_assert_uint_eq(get16(seg + 2), n);
		ck_assert_uint_eq(get16(seg + 4), 0x1234 + i);
		ck_assert(ip_csum_ok(seg));
		ck_assert(!memcmp(seg + 12, orig + 12, 8));
		ck_assert_uint_eq(get32(seg + 24), 1000 + off);
		ck_assert(!memcmp(seg + 40, orig + 40 + off, pay));
		ck_assert_uint_eq(!!(fl & 0x80), i == 0);
		ck_assert_uint_eq(!!(fl & 0x09), i == segs - 1);
		ck_assert_uint_eq(!!(fl & 0x10), 1);
		if (partial) {
			/* The pseudo-header's sum for this length, and it finishes right. */
			ck_assert_uint_eq(get16(seg + 36),
					  ref_fold(ref_pseudo(seg, IPPROTO_TCP, n - 20)));
			ck_assert(!l4_csum_ok(seg, n));
			vh = needs_csum(20, 16);
			ck_assert_int_eq(offload_csum_prepare(&vh, seg, n, false), 0);
		}
		ck_assert_msg(l4_csum_ok(seg, n), "segment %u: bad TCP checksum", i);
		off += pay;
		i++;
	}
	ck_assert_uint_eq(i, segs);
	ck_assert_uint_eq(off, payload);
}

START_TEST(test_split)
{
	check_split(14480, 1448, false);	/* even */
	check_split(14480, 1448, true);
	check_split(65495 - 40 - 20 + 40, 1380, false);	/* near the limit, short tail */
	check_split(3001, 1000, true);		/* an odd tail */
	check_split(500, 1448, false);		/* one segment */
}
END_TEST

START_TEST(test_split_refuses)
{
	static uint8_t pkt[4096];
	struct virtio_net_hdr vh;
	struct offload_split s;
	size_t len;

	len = make_super(pkt, 3000, 1000, 0x10, &vh);
	vh.gso_type = VIRTIO_NET_HDR_GSO_UDP;
	ck_assert_int_eq(offload_split_init(&s, &vh, pkt, len, OFFLOAD_PKT_MAX, false), -EINVAL);
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	ck_assert_int_eq(offload_split_init(&s, &vh, pkt, len, OFFLOAD_PKT_MAX, false), -EINVAL);
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN;
	ck_assert_int_eq(offload_split_init(&s, &vh, pkt, len, OFFLOAD_PKT_MAX, false), 0);
	vh.gso_size = 0;
	ck_assert_int_eq(offload_split_init(&s, &vh, pkt, len, OFFLOAD_PKT_MAX, false), -EINVAL);
	vh.gso_size = 1000;
	pkt[9] = IPPROTO_UDP;
	ck_assert_int_eq(offload_split_init(&s, &vh, pkt, len, OFFLOAD_PKT_MAX, false), -EINVAL);
	pkt[9] = IPPROTO_TCP;
	pkt[0] = 0x44;
	ck_assert_int_eq(offload_split_init(&s, &vh, pkt, len, OFFLOAD_PKT_MAX, false), -EINVAL);
	pkt[0] = 0x45;
	pkt[32] = 0x40;	/* a 16-byte TCP header */
	ck_assert_int_eq(offload_split_init(&s, &vh, pkt, len, OFFLOAD_PKT_MAX, false), -EINVAL);
	pkt[32] = 0x50;
	/* Segments larger than the caller allows (the overlay MTU). */
	ck_assert_int_eq(offload_split_init(&s, &vh, pkt, len, 1039, false), -EINVAL);
	ck_assert_int_eq(offload_split_init(&s, &vh, pkt, len, 1040, false), 0);
	vh.gso_size = 65000;
	ck_assert_int_eq(offload_split_init(&s, &vh, pkt, len, 1420, false), -EINVAL);
	vh.gso_size = 1000;
	/* Headers and nothing else. */
	ck_assert_int_eq(offload_split_init(&s, &vh, pkt, 40, OFFLOAD_PKT_MAX, false), -EINVAL);
	ck_assert_int_eq(offload_split_init(&s, &vh, pkt, 39, OFFLOAD_PKT_MAX, false), -EINVAL);
}
END_TEST

/* Segments of one flow, joined, come out as the super-packet they were. */
START_TEST(test_gro_joins)
{
	static uint8_t pkt[OFFLOAD_PKT_MAX], orig[OFFLOAD_PKT_MAX];
	static struct offload_gro g;
	struct virtio_net_hdr vh;
	struct offload_split s;
	size_t len, n, out;
	uint8_t *seg, *p;

	len = make_super(pkt, 20 * 1400, 1400, 0x10 | 0x08, &vh);
	memcpy(orig, pkt, len);
	ck_assert_int_eq(offload_split_init(&s, &vh, pkt, len, OFFLOAD_PKT_MAX, true), 0);
	while ((seg = offload_split_next(&s, &n)))
		ck_assert(offload_gro_add(&g, seg, n, true));
	out = offload_gro_finish(&g);
	ck_assert_uint_eq(out, OFFLOAD_VNET_LEN + len);
	memcpy(&vh, g.buf, sizeof(vh));
	ck_assert_uint_eq(vh.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	ck_assert_uint_eq(vh.gso_size, 1400);
	ck_assert_uint_eq(vh.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	ck_assert_uint_eq(vh.csum_start, 20);
	ck_assert_uint_eq(vh.csum_offset, 16);
	ck_assert_uint_eq(vh.hdr_len, 40);
	p = g.buf + OFFLOAD_VNET_LEN;
	ck_assert_uint_eq(get16(p + 2), len);
	ck_assert(ip_csum_ok(p));
	ck_assert_uint_eq(get32(p + 24), 1000);
	ck_assert_uint_eq(p[33], 0x10 | 0x08);	/* PSH of the last one */
	ck_assert(!memcmp(p + 40, orig + 40, len - 40));
	ck_assert_uint_eq(get16(p + 36), ref_fold(ref_pseudo(p, IPPROTO_TCP, len - 20)));
	ck_assert_uint_eq(offload_gro_finish(&g), 0);
}
END_TEST

START_TEST(test_gro_refuses)
{
	static struct offload_gro g;
	uint8_t a[2048], b[2048];
	struct virtio_net_hdr vh;
	size_t la, lb;

	la = make_pkt(a, IPPROTO_TCP, 1000, 0x10, 1000);
	/* A gap, the same segment again, another flow: not joined. */
	ck_assert(offload_gro_add(&g, a, la, false));
	lb = make_pkt(b, IPPROTO_TCP, 1000, 0x10, 3000);
	ck_assert(!offload_gro_add(&g, b, lb, false));
	ck_assert(!offload_gro_add(&g, a, la, false));
	lb = make_pkt(b, IPPROTO_TCP, 1000, 0x10, 2000);
	b[23] ^= 1;
	ck_assert(!offload_gro_add(&g, b, lb, false));
	b[23] ^= 1;
	b[34] ^= 1;	/* another window */
	ck_assert(!offload_gro_add(&g, b, lb, false));
	b[34] ^= 1;
	/* Longer than the first: cannot be one segment size. */
	lb = make_pkt(b, IPPROTO_TCP, 1001, 0x10, 2000);
	ck_assert(!offload_gro_add(&g, b, lb, false));
	/* Shorter is the last one: joined, then nothing more. */
	lb = make_pkt(b, IPPROTO_TCP, 500, 0x10, 2000);
	ck_assert(offload_gro_add(&g, b, lb, false));
	lb = make_pkt(b, IPPROTO_TCP, 500, 0x10, 2500);
	ck_assert(!offload_gro_add(&g, b, lb, false));
	ck_assert_uint_eq(offload_gro_finish(&g), OFFLOAD_VNET_LEN + la + 500);

	/* Never joinable, even on an empty batch: SYN, FIN, RST, UDP, no data. */
	la = make_pkt(a, IPPROTO_TCP, 100, 0x12, 1);
	ck_assert(!offload_gro_add(&g, a, la, false));
	la = make_pkt(a, IPPROTO_TCP, 100, 0x11, 1);
	ck_assert(!offload_gro_add(&g, a, la, false));
	la = make_pkt(a, IPPROTO_TCP, 100, 0x14, 1);
	ck_assert(!offload_gro_add(&g, a, la, false));
	la = make_pkt(a, IPPROTO_TCP, 0, 0x10, 1);
	ck_assert(!offload_gro_add(&g, a, la, false));
	la = make_pkt(a, IPPROTO_UDP, 100, 0, 1);
	ck_assert(!offload_gro_add(&g, a, la, false));
	ck_assert_uint_eq(offload_gro_finish(&g), 0);

	/* One segment alone keeps its checksum state in the header. */
	la = make_pkt(a, IPPROTO_TCP, 100, 0x18, 1);
	ck_assert(offload_gro_add(&g, a, la, true));
	ck_assert_uint_eq(offload_gro_finish(&g), OFFLOAD_VNET_LEN + la);
	memcpy(&vh, g.buf, sizeof(vh));
	ck_assert_uint_eq(vh.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	ck_assert_uint_eq(vh.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	ck_assert_uint_eq(vh.csum_offset, 16);
	ck_assert(offload_gro_add(&g, a, la, false));
	offload_gro_finish(&g);
	memcpy(&vh, g.buf, sizeof(vh));
	ck_assert_uint_eq(vh.flags, 0);
}
END_TEST

START_TEST(test_gro_limit)
{
	static struct offload_gro g;
	uint8_t a[2048];
	unsigned int i;
	size_t la;

	for (i = 0; i < OFFLOAD_GRO_SEGS; i++) {
		la = make_pkt(a, IPPROTO_TCP, 100, 0x10, 1 + 100 * i);
		ck_assert(offload_gro_add(&g, a, la, false));
	}
	la = make_pkt(a, IPPROTO_TCP, 100, 0x10, 1 + 100 * i);
	ck_assert(!offload_gro_add(&g, a, la, false));
	ck_assert_uint_eq(offload_gro_finish(&g),
			  OFFLOAD_VNET_LEN + 40 + 100 * OFFLOAD_GRO_SEGS);
}
END_TEST

Suite *offload_suite(void)
{
	Suite *s = suite_create("offload");
	TCase *tc = tcase_create("tun");

	tcase_add_test(tc, test_csum_prepare);
	tcase_add_test(tc, test_partial_hdr);
	tcase_add_test(tc, test_split);
	tcase_add_test(tc, test_split_refuses);
	tcase_add_test(tc, test_gro_joins);
	tcase_add_test(tc, test_gro_refuses);
	tcase_add_test(tc, test_gro_limit);
	suite_add_tcase(s, tc);
	return s;
}
