/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Default-deny classifier shared by the ingress (XDP) and egress (tc)
 * programs: every frame gets exactly one reason, and only the link-level
 * necessities switched on in the config pass. Anything not understood is
 * dropped; truncation is checked at every header boundary.
 */
#ifndef TUNCTL_BPF_CLASSIFY_H
#define TUNCTL_BPF_CLASSIFY_H

#include "hdrs.h"
#include "cursor.h"

/* How many IPv6 extension headers we walk before giving up (and dropping). */
#define IP6_MAX_EXT_HDRS 8

/* What the classifier learned, for the monitor event. */
struct pkt_meta {
	__be16 ethertype;
	__be16 sport;
	__be16 dport;
	__u8 l3;
	__u8 l4proto;
	__u8 saddr[16];
	__u8 daddr[16];
	struct tunctl_relay_hop *hop;	/* TUNCTL_R_PASS_RELAY: where to */
	__u32 tun_off;	/* tunnel message: its offset in the frame */
	__u32 tun_len;	/* and the UDP payload's length (a whole batch) */
};

/* After pkt_meta, which they fill. */
#include "tunnel.h"
#include "flow.h"

static __always_inline void meta_copy4(__u8 *dst, const __u8 *src)
{
	__builtin_memcpy(dst, src, 4);
}

static __always_inline void meta_copy16(__u8 *dst, const __u8 *src)
{
	__builtin_memcpy(dst, src, 16);
}

static __always_inline __u32 allow_if(const struct tunctl_config *cfg,
				      __u32 flag, __u32 pass, __u32 drop)
{
	return (cfg->flags & flag) ? pass : drop;
}

static __always_inline __u32 classify_arp(struct cursor *c,
					  const struct tunctl_config *cfg,
					  struct pkt_meta *m)
{
	struct pkt_arp *arp = cursor_pull(c, sizeof(*arp));

	if (!arp)
		return TUNCTL_R_DROP_TRUNC_ARP;
	meta_copy4(m->saddr, arp->spa);
	meta_copy4(m->daddr, arp->tpa);
	if (arp->htype != bpf_htons(1) || arp->ptype != bpf_htons(ETH_P_IP) ||
	    arp->hlen != 6 || arp->plen != 4 ||
	    (arp->op != bpf_htons(1) && arp->op != bpf_htons(2)))
		return TUNCTL_R_DROP_BAD_ARP;
	return allow_if(cfg, TUNCTL_CFG_ALLOW_ARP, TUNCTL_R_PASS_ARP,
			TUNCTL_R_DROP_ARP_OFF);
}

/* Minimum header a transport needs before we look at it at all. */
static __always_inline __u32 l4_min_len(__u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return 20;
	case IPPROTO_UDP:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return 8;
	default:
		return 0;
	}
}

/*
 * Read the transport header's first bytes; NULL for transports we do not
 * look into, and NULL with *trunc set when a known one is cut short. The
 * header must fit in what the IP header says it carries (ip_left), not
 * just in the frame: Ethernet pads short frames, and padding is no header.
 */
static __always_inline struct pkt_l4 *pull_l4(struct cursor *c, __u8 proto,
					      long ip_left, struct pkt_meta *m,
					      int *trunc)
{
	__u32 need = l4_min_len(proto);
	struct pkt_l4 *l4;

	*trunc = 0;
	m->l4proto = proto;
	if (!need)
		return NULL;
	l4 = c->pos;
	if ((long)need > ip_left || !cursor_pull(c, need) ||
	    (void *)(l4 + 1) > c->end) {
		*trunc = 1;
		return NULL;
	}
	m->sport = l4->sport;
	m->dport = l4->dport;
	return l4;
}

/* DHCP client traffic: the client's port on our side, the server's beyond. */
static __always_inline int is_dhcp_client(const struct pkt_l4 *udp, __u32 dir,
					  __u16 client, __u16 server)
{
	if (dir == TUNCTL_DIR_EGRESS)
		return udp->sport == bpf_htons(client) &&
		       udp->dport == bpf_htons(server);
	return udp->sport == bpf_htons(server) &&
	       udp->dport == bpf_htons(client);
}

static __always_inline __u32 classify_ip4(struct cursor *c, __u32 dir,
					  const struct tunctl_config *cfg,
					  struct pkt_meta *m, __u32 mark)
{
	struct pkt_ip4 *ip = cursor_pull(c, sizeof(*ip));
	struct pkt_l4 *l4;
	__u32 ihl, tot, reason;
	long ip_left;
	int trunc;

	if (!ip)
		return TUNCTL_R_DROP_TRUNC_IP4;
	m->l3 = 4;
	meta_copy4(m->saddr, ip->saddr);
	meta_copy4(m->daddr, ip->daddr);
	if ((ip->ver_ihl >> 4) != 4)
		return TUNCTL_R_DROP_BAD_IP4;
	ihl = (ip->ver_ihl & 0xf) * 4;
	tot = bpf_ntohs(ip->tot_len);
	if (ihl < sizeof(*ip) || tot < ihl)
		return TUNCTL_R_DROP_BAD_IP4;
	if (cursor_off(c, ip) + tot > c->len)
		return TUNCTL_R_DROP_TRUNC_IP4;
	/* Options: ihl is at most 60, so this pull is bounded. */
	if (!cursor_pull(c, ihl - sizeof(*ip)))
		return TUNCTL_R_DROP_TRUNC_IP4;
	if (ip->frag_off & bpf_htons(IP4_MF | IP4_OFFSET))
		return TUNCTL_R_DROP_FRAGMENT;

	ip_left = (long)tot - (long)(c->pos - (void *)ip);
	l4 = pull_l4(c, ip->proto, ip_left, m, &trunc);
	if (trunc)
		return TUNCTL_R_DROP_TRUNC_L4;
	reason = classify_flow(c, dir, mark, ip, l4);
	if (reason)
		return reason;
	if (!l4 || ip->proto != IPPROTO_UDP)
		return TUNCTL_R_DROP_NO_TUNNEL;
	if (is_dhcp_client(l4, dir, 68, 67))
		return allow_if(cfg, TUNCTL_CFG_ALLOW_DHCP,
				TUNCTL_R_PASS_DHCP4, TUNCTL_R_DROP_DHCP_OFF);
	if (cfg->listen_port &&
	    (dir == TUNCTL_DIR_INGRESS ? l4->dport : l4->sport) == cfg->listen_port)
		return classify_tunnel(c, dir, cfg, ip, l4, ip_left - 8, m);
	return TUNCTL_R_DROP_NO_TUNNEL;
}

static __always_inline int ip6_is_ext(__u8 nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
	       nh == IPPROTO_DSTOPTS || nh == IPPROTO_AH ||
	       nh == IPPROTO_FRAGMENT;
}

/*
 * Walk up to IP6_MAX_EXT_HDRS extension headers to the transport. Returns
 * 0 with *proto set, or a drop reason.
 */
static __always_inline __u32 ip6_skip_ext(struct cursor *c, __u8 *proto)
{
	__u8 nh = *proto;
	int i;

	for (i = 0; i < IP6_MAX_EXT_HDRS; i++) {
		struct pkt_ip6_ext *ext;
		__u32 len;

		switch (nh) {
		case IPPROTO_HOPOPTS:
			/* RFC 8200 4.1: hop-by-hop only right after the header. */
			if (i != 0)
				return TUNCTL_R_DROP_BAD_IP6;
			/* fallthrough */
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			ext = c->pos;
			if (!cursor_pull(c, 8))
				return TUNCTL_R_DROP_TRUNC_EXTHDR;
			len = (__u32)ext->len * 8;	/* beyond the first 8 */
			break;
		case IPPROTO_AH:
			ext = c->pos;
			if (!cursor_pull(c, 8))
				return TUNCTL_R_DROP_TRUNC_EXTHDR;
			len = ((__u32)ext->len + 2) * 4;
			if (len < 8)
				return TUNCTL_R_DROP_BAD_IP6;
			len -= 8;
			break;
		case IPPROTO_FRAGMENT:
			return TUNCTL_R_DROP_FRAGMENT;
		default:
			*proto = nh;
			return 0;
		}
		/* len <= 255 * 8: the mask tells the verifier so. */
		if (!cursor_pull(c, len & 0x7ff))
			return TUNCTL_R_DROP_TRUNC_EXTHDR;
		nh = ext->nexthdr;
	}
	if (nh == IPPROTO_FRAGMENT)
		return TUNCTL_R_DROP_FRAGMENT;
	if (ip6_is_ext(nh))
		return TUNCTL_R_DROP_EXTHDR_CHAIN;
	*proto = nh;
	return 0;
}

/*
 * DHCPv6 is link-local traffic (RFC 8415 13): servers and relays answer
 * from a link-local address, clients send to ff02::1:2 or to a link-local
 * unicast address. Anything else on these ports is no exception.
 */
static __always_inline int dhcp6_on_link(const struct pkt_ip6 *ip6, __u32 dir)
{
	const __u8 *peer = dir == TUNCTL_DIR_EGRESS ? ip6->daddr : ip6->saddr;

	if (peer[0] == 0xfe && (peer[1] & 0xc0) == 0x80)
		return 1;	/* fe80::/10 */
	return dir == TUNCTL_DIR_EGRESS && peer[0] == 0xff && peer[1] == 0x02 &&
	       peer[11] == 0 && peer[12] == 0 && peer[13] == 1 &&
	       peer[14] == 0 && peer[15] == 2 && !peer[2] && !peer[3] &&
	       !peer[4] && !peer[5] && !peer[6] && !peer[7] && !peer[8] &&
	       !peer[9] && !peer[10];	/* ff02::1:2 */
}

static __always_inline __u32 classify_ip6(struct cursor *c, __u32 dir,
					  const struct tunctl_config *cfg,
					  struct pkt_meta *m)
{
	struct pkt_ip6 *ip6 = cursor_pull(c, sizeof(*ip6));
	struct pkt_l4 *l4;
	long ip_left;
	__u32 reason;
	__u8 proto;
	int trunc;

	if (!ip6)
		return TUNCTL_R_DROP_TRUNC_IP6;
	m->l3 = 6;
	meta_copy16(m->saddr, ip6->saddr);
	meta_copy16(m->daddr, ip6->daddr);
	if ((*(__u8 *)ip6 >> 4) != 6)
		return TUNCTL_R_DROP_BAD_IP6;
	/* Jumbograms (payload length 0) have no place on our links. */
	if (!ip6->payload_len)
		return TUNCTL_R_DROP_BAD_IP6;
	if (cursor_off(c, ip6 + 1) + bpf_ntohs(ip6->payload_len) > c->len)
		return TUNCTL_R_DROP_TRUNC_IP6;

	proto = ip6->nexthdr;
	reason = ip6_skip_ext(c, &proto);
	if (reason)
		return reason;
	/* What the extension headers took must lie within the payload. */
	ip_left = (long)bpf_ntohs(ip6->payload_len) -
		  (long)(c->pos - (void *)(ip6 + 1));
	if (ip_left < 0)
		return TUNCTL_R_DROP_TRUNC_EXTHDR;

	l4 = pull_l4(c, proto, ip_left, m, &trunc);
	if (trunc)
		return TUNCTL_R_DROP_TRUNC_L4;
	if (!l4)
		return TUNCTL_R_DROP_NO_TUNNEL;
	if (proto == IPPROTO_ICMPV6) {
		__u8 type = *(__u8 *)l4, code = *((__u8 *)l4 + 1);

		/* 133..137: RS, RA, NS, NA, redirect (RFC 4861). */
		if (type >= 133 && type <= 137 && code == 0) {
			if (ip6->hop_limit != 255)
				return TUNCTL_R_DROP_NDP_HOPLIMIT;
			return allow_if(cfg, TUNCTL_CFG_ALLOW_NDP,
					TUNCTL_R_PASS_NDP,
					TUNCTL_R_DROP_NDP_OFF);
		}
	} else if (proto == IPPROTO_UDP && is_dhcp_client(l4, dir, 546, 547) &&
		   dhcp6_on_link(ip6, dir)) {
		return allow_if(cfg, TUNCTL_CFG_ALLOW_DHCP, TUNCTL_R_PASS_DHCP6,
				TUNCTL_R_DROP_DHCP_OFF);
	}
	return TUNCTL_R_DROP_NO_TUNNEL;
}

static __always_inline __u32 classify(struct cursor *c, __u32 dir,
				      const struct tunctl_config *cfg,
				      struct pkt_meta *m, __u32 mark)
{
	struct pkt_eth *eth = cursor_pull(c, sizeof(*eth));

	if (!eth)
		return TUNCTL_R_DROP_TRUNC_ETH;
	m->ethertype = eth->proto;
	switch (eth->proto) {
	case bpf_htons(ETH_P_ARP):
		return classify_arp(c, cfg, m);
	case bpf_htons(ETH_P_IP):
		return classify_ip4(c, dir, cfg, m, mark);
	case bpf_htons(ETH_P_IPV6):
		return classify_ip6(c, dir, cfg, m);
	case bpf_htons(ETH_P_8021Q):
	case bpf_htons(ETH_P_8021AD):
		/* We filter untagged links only; a tag could hide anything. */
		return TUNCTL_R_DROP_VLAN;
	default:
		return TUNCTL_R_DROP_ETHERTYPE;
	}
}

#endif /* TUNCTL_BPF_CLASSIFY_H */
