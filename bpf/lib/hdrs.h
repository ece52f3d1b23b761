/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Wire headers as the datapath reads them. Our own definitions, not the
 * vmlinux.h ones: those carry preserve_access_index, which would turn
 * fixed on-the-wire offsets into CO-RE relocations (and bitfields).
 */
#ifndef TUNCTL_BPF_HDRS_H
#define TUNCTL_BPF_HDRS_H

/* vmlinux.h has no #defines. */
#define ETH_P_IP	0x0800
#define ETH_P_ARP	0x0806
#define ETH_P_8021Q	0x8100
#define ETH_P_8021AD	0x88A8
#define ETH_P_IPV6	0x86DD

#define IPPROTO_HOPOPTS	0
#define IPPROTO_ICMP	1
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#define IPPROTO_ROUTING	43
#define IPPROTO_FRAGMENT 44
#define IPPROTO_AH	51
#define IPPROTO_ICMPV6	58
#define IPPROTO_DSTOPTS	60

#define IP4_MF		0x2000
#define IP4_OFFSET	0x1fff

#define TC_ACT_UNSPEC	(-1)
#define TC_ACT_SHOT	2

struct pkt_eth {
	__u8 dst[6];
	__u8 src[6];
	__be16 proto;
} __attribute__((packed));

struct pkt_arp {
	__be16 htype;
	__be16 ptype;
	__u8 hlen;
	__u8 plen;
	__be16 op;
	__u8 sha[6];
	__u8 spa[4];
	__u8 tha[6];
	__u8 tpa[4];
} __attribute__((packed));

struct pkt_ip4 {
	__u8 ver_ihl;
	__u8 tos;
	__be16 tot_len;
	__be16 id;
	__be16 frag_off;
	__u8 ttl;
	__u8 proto;
	__u16 check;
	__u8 saddr[4];
	__u8 daddr[4];
};

struct pkt_ip6 {
	__be32 ver_tc_flow;
	__be16 payload_len;
	__u8 nexthdr;
	__u8 hop_limit;
	__u8 saddr[16];
	__u8 daddr[16];
};

/* Common start of hop-by-hop, routing, destination options and AH. */
struct pkt_ip6_ext {
	__u8 nexthdr;
	__u8 len;
};

/* First four bytes of TCP, UDP, ICMP and ICMPv6 alike. */
struct pkt_l4 {
	__be16 sport;	/* ICMP: type, code */
	__be16 dport;
};

#endif /* TUNCTL_BPF_HDRS_H */
