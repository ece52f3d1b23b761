/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Frames for the datapath tests, written out as byte initializers so that
 * each case in the table reads like a hex dump, one header per macro.
 * Checksums stay zero: the datapath never looks at them.
 */
#ifndef TUNCTL_PKT_BUILD_H
#define TUNCTL_PKT_BUILD_H

#include <linux/types.h>

#define PKT_MAX 192

struct pkt {
	__u8 data[PKT_MAX];
	__u32 len;
};

/* A coalesced batch of datagrams in one frame (tc ingress tests). */
#define PKT_BIG_MAX 3072
struct pkt_big {
	__u8 data[PKT_BIG_MAX];
	__u32 len;
};

/* The whole frame. */
#define PKT(...) \
	{ .data = { __VA_ARGS__ }, \
	  .len = sizeof((const __u8[]){ __VA_ARGS__ }) }
/* Only the first n bytes of the frame: cut short on the wire. */
#define PKT_CUT(n, ...) { .data = { __VA_ARGS__ }, .len = (n) }

#define BE16(x)		(__u8)((x) >> 8), (__u8)(x)
#define ZERO4		0, 0, 0, 0
#define ZERO8		ZERO4, ZERO4
#define ZERO16		ZERO8, ZERO8

/* Ethernet: locally administered unicast addresses. */
#define MAC_A		0x02, 0x00, 0x00, 0x00, 0x00, 0x0a
#define MAC_B		0x02, 0x00, 0x00, 0x00, 0x00, 0x0b
#define ETH(type)	MAC_A, MAC_B, BE16(type)
/* What follows ETH(0x8100 or 0x88a8): VLAN id 100, then the inner type. */
#define VLAN_TAG(inner)	BE16(100), BE16(inner)

/* ARP, Ethernet/IPv4 unless the fields say otherwise. */
#define IP4_A		192, 0, 2, 1		/* TEST-NET-1 */
#define IP4_B		198, 51, 100, 2		/* TEST-NET-2 */
#define ARP_RAW(htype, ptype, hlen, plen, op) \
	BE16(htype), BE16(ptype), (hlen), (plen), BE16(op), \
	MAC_B, IP4_A, 0, 0, 0, 0, 0, 0, IP4_B
#define ARP(op)		ARP_RAW(1, 0x0800, 6, 4, op)

/*
 * IPv4: version/IHL byte, total length, flags + fragment offset and
 * protocol as given; IP4() is the plain 20-byte header before l4len bytes.
 */
#define IP4_RAW(vihl, tot, frag, proto) \
	(vihl), 0x00, BE16(tot), 0x12, 0x34, BE16(frag), 64, (proto), \
	0x00, 0x00, IP4_A, IP4_B
#define IP4(proto, l4len)	IP4_RAW(0x45, 20 + (l4len), 0, proto)
#define IP4_DF		0x4000
#define IP4_MF		0x2000

/* Transports: fixed headers only, no payload. */
#define TCP(sport, dport) \
	BE16(sport), BE16(dport), 0, 0, 0, 1, ZERO4, 0x50, 0x02, BE16(64240), \
	0, 0, 0, 0
#define TCP_LEN		20
#define UDP(sport, dport)	BE16(sport), BE16(dport), BE16(8), 0, 0
#define UDP_LEN		8
#define ICMP(type, code)	(type), (code), 0, 0, 0, 1, 0, 1
#define ICMP_LEN	8

/* IPv6: link-local addresses, as NDP and DHCPv6 use them. */
#define IP6_A		0xfe, 0x80, 0, 0, 0, 0, 0, 0, \
			0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x0a
#define IP6_B		0xfe, 0x80, 0, 0, 0, 0, 0, 0, \
			0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x0b
#define IP6_RAW(vtc, plen, nexthdr, hlim) \
	(vtc), 0, 0, 0, BE16(plen), (nexthdr), (hlim), IP6_A, IP6_B
#define IP6(nexthdr, plen, hlim)	IP6_RAW(0x60, plen, nexthdr, hlim)
/* IPv6 with given addresses, each an address macro below. */
#define IP6_SD(nexthdr, plen, hlim, src, dst) \
	0x60, 0, 0, 0, BE16(plen), (nexthdr), (hlim), src, dst
#define IP6_DOC		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
#define IP6_DHCP_ALL	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2
#define IP6_DHCP_SITE	0xff, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 3

/*
 * Extension headers, eight bytes each but AH: hop-by-hop and destination
 * options carry one PadN; a type 0 routing header with nothing left to do;
 * AH with a 96-bit ICV (payload length 4: (4 + 2) * 4 = 24 bytes).
 */
#define EXT_HBH(nh)	(nh), 0, 1, 4, ZERO4
#define EXT_DST(nh)	(nh), 0, 1, 4, ZERO4
#define EXT_RT(nh)	(nh), 0, 0, 0, ZERO4
#define EXT_FRAG(nh, off_mf)	(nh), 0, BE16(off_mf), 0, 0, 0, 1
#define EXT_AH(nh)	(nh), 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, ZERO4, ZERO8
#define EXT_LEN		8
#define EXT_AH_LEN	24
/* Hop-by-hop with a router alert (MLD), and PadN. */
#define EXT_HBH_RA(nh)	(nh), 0, 5, 2, 0, 0, 1, 0

/* ICMPv6: type and code, then the body the message type needs. */
#define ICMP6(type, code)	(type), (code), 0, 0, ZERO4
#define ICMP6_LEN	8
#define ND_RS		ICMP6(133, 0)
#define ND_RS_LEN	8
#define ND_RA		ICMP6(134, 0), ZERO8
#define ND_RA_LEN	16
#define ND_NS		ICMP6(135, 0), IP6_B
#define ND_NS_LEN	24
#define ND_NA		ICMP6(136, 0), IP6_B
#define ND_NA_LEN	24
#define ND_REDIRECT	ICMP6(137, 0), IP6_B, IP6_B
#define ND_REDIRECT_LEN	40

#endif /* TUNCTL_PKT_BUILD_H */
