/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Tunnel packets on the underlay: UDP to (ingress) or from (egress) the
 * node's listen_port. Ingress admits a handshake only for a known, enabled
 * tunnel (and only as fast as hs_rate allows) and data only for a known
 * session of an enabled tunnel, from that session's peer. Egress admits
 * our packets only to endpoints a tunnel or session names. The payload is
 * opaque here: authenticity is checked in userspace, after this filter.
 */
#ifndef TUNCTL_BPF_TUNNEL_H
#define TUNCTL_BPF_TUNNEL_H

#include "wire.h"

#define NSEC_PER_SEC 1000000000ULL

/* The first 12 bytes of every message: type, then two 32-bit fields. */
struct tun_head {
	__u8 type;
	__u8 reserved;
	__be16 tunnel_id;	/* RESP, DATA (INIT: in f1) */
	__u32 f1;	/* INIT: tunnel id (be); RESP: sender; DATA: receiver */
	__u32 f2;	/* RESP: receiver */
};

static __always_inline int hs_allowed(const struct tunctl_config *cfg)
{
	struct tunctl_hs_rl *rl;
	__u32 zero = 0;
	__u64 now;

	rl = bpf_map_lookup_elem(&dp_hs_rl, &zero);
	if (!rl)
		return 0;
	now = bpf_ktime_get_coarse_ns();
	if (now - rl->window_start_ns >= NSEC_PER_SEC) {
		rl->window_start_ns = now;
		rl->count = 0;
	}
	if (rl->count >= cfg->hs_rate)
		return 0;
	rl->count++;
	return 1;
}

static __always_inline int tunnel_enabled(__u32 id)
{
	struct tunctl_tunnel *t = bpf_map_lookup_elem(&dp_tunnels, &id);

	return t && (t->flags & TUNCTL_TUN_ENABLED);
}

/* Data or response for one of our sessions, from where it must come. */
static __always_inline __u32 tunnel_session(__u32 index, __be16 tunnel_id,
					    __be32 saddr, __be16 sport,
					    __u32 pass)
{
	struct tunctl_session *s = bpf_map_lookup_elem(&dp_sessions, &index);

	if (!s || s->tunnel_id != bpf_ntohs(tunnel_id))
		return TUNCTL_R_DROP_TUN_UNKNOWN;
	if (!tunnel_enabled(s->tunnel_id))
		return TUNCTL_R_DROP_TUN_DISABLED;
	if (!s->roam && (s->peer_addr != saddr || s->peer_port != sport))
		return TUNCTL_R_DROP_TUN_PEER;
	return pass;
}

/*
 * A relay's packet: to our port, from a neighbour a relay entry names,
 * for that entry's tunnel. Options-free IPv4 only: the rewrite expects
 * the UDP header right behind a 20-byte IP header.
 */
static __always_inline __u32 relay_match(const struct tunctl_config *cfg,
					 const struct pkt_ip4 *ip,
					 const struct pkt_l4 *udp,
					 const struct tun_head *h,
					 struct pkt_meta *m)
{
	struct tunctl_relay_key k = { .port = udp->sport };

	if (!(cfg->flags & TUNCTL_CFG_RELAY))
		return 0;
	__builtin_memcpy(&k.addr, ip->saddr, 4);
	if (h->type == TUNCTL_MSG_INIT)
		k.tunnel_id = bpf_ntohl(h->f1);
	else if (h->type == TUNCTL_MSG_RESP || h->type == TUNCTL_MSG_DATA)
		k.tunnel_id = bpf_ntohs(h->tunnel_id);
	else
		return 0;
	m->hop = bpf_map_lookup_elem(&dp_relay, &k);
	if (!m->hop)
		return 0;
	if (ip->ver_ihl != 0x45)
		return TUNCTL_R_DROP_RELAY_HDR;
	return TUNCTL_R_PASS_RELAY;
}

/*
 * An ingress message by its first 12 bytes and its length, from saddr and
 * sport: handshakes only for a known, enabled tunnel, within the rate;
 * data only for a session of an enabled tunnel, from its peer. The head
 * may sit in the frame or, for a later datagram of a batch (tc), on the
 * stack.
 */
static __always_inline __u32 tun_head_verdict(const struct tunctl_config *cfg,
					      const struct tun_head *h,
					      long payload_len, __be32 saddr,
					      __be16 sport)
{
	struct tunctl_tunnel *t;
	__u32 reason;

	if (payload_len < (long)sizeof(*h))
		return TUNCTL_R_DROP_TUN_MALFORMED;
	switch (h->type) {
	case TUNCTL_MSG_INIT:
		if (payload_len != sizeof(struct tunctl_msg_init))
			return TUNCTL_R_DROP_TUN_MALFORMED;
		reason = bpf_ntohl(h->f1);
		t = bpf_map_lookup_elem(&dp_tunnels, &reason);
		if (!t || !(t->flags & TUNCTL_TUN_SERVER))
			return TUNCTL_R_DROP_TUN_UNKNOWN;
		if (!(t->flags & TUNCTL_TUN_ENABLED))
			return TUNCTL_R_DROP_TUN_DISABLED;
		return hs_allowed(cfg) ? TUNCTL_R_PASS_TUNNEL_HS :
					 TUNCTL_R_DROP_TUN_HS_RATE;
	case TUNCTL_MSG_RESP:
		if (payload_len != sizeof(struct tunctl_msg_resp))
			return TUNCTL_R_DROP_TUN_MALFORMED;
		reason = tunnel_session(h->f2, h->tunnel_id, saddr, sport,
					TUNCTL_R_PASS_TUNNEL_HS);
		if (reason == TUNCTL_R_PASS_TUNNEL_HS && !hs_allowed(cfg))
			return TUNCTL_R_DROP_TUN_HS_RATE;
		return reason;
	case TUNCTL_MSG_DATA:
		if (payload_len < (long)TUNCTL_DATA_OVERHEAD)
			return TUNCTL_R_DROP_TUN_MALFORMED;
		return tunnel_session(h->f1, h->tunnel_id, saddr, sport,
				      TUNCTL_R_PASS_TUNNEL_DATA);
	default:
		return TUNCTL_R_DROP_TUN_MALFORMED;
	}
}

/*
 * payload_len is the whole UDP payload. On tc a coalesced batch (GSO or
 * GRO) carries datagrams of c->seg bytes each, the last one shorter: the
 * first is judged here, and m->tun_off/tun_len tell the caller where the
 * rest lie.
 */
static __always_inline __u32 classify_tunnel(struct cursor *c, __u32 dir,
					     const struct tunctl_config *cfg,
					     const struct pkt_ip4 *ip,
					     const struct pkt_l4 *udp,
					     long payload_len,
					     struct pkt_meta *m)
{
	struct tun_head *h;
	__be32 saddr, daddr;
	__u32 reason;

	__builtin_memcpy(&saddr, ip->saddr, 4);
	__builtin_memcpy(&daddr, ip->daddr, 4);
	h = c->pos;
	if (payload_len < (long)sizeof(*h) || !cursor_pull(c, sizeof(*h)))
		return TUNCTL_R_DROP_TUN_MALFORMED;
	m->tun_off = cursor_off(c, h);
	m->tun_len = payload_len;
	if (c->seg && payload_len > c->seg)
		payload_len = c->seg;

	if (dir == TUNCTL_DIR_EGRESS) {
		struct tunctl_peer_key k = { .addr = daddr, .port = udp->dport };

		if (h->type != TUNCTL_MSG_INIT && h->type != TUNCTL_MSG_RESP &&
		    h->type != TUNCTL_MSG_DATA)
			return TUNCTL_R_DROP_TUN_MALFORMED;
		if (!bpf_map_lookup_elem(&dp_peers, &k))
			return TUNCTL_R_DROP_TUN_PEER;
		return h->type == TUNCTL_MSG_DATA ? TUNCTL_R_PASS_TUNNEL_DATA :
						    TUNCTL_R_PASS_TUNNEL_HS;
	}

	reason = relay_match(cfg, ip, udp, h, m);
	if (reason)
		return reason;
	return tun_head_verdict(cfg, h, payload_len, saddr, udp->sport);
}

#endif /* TUNCTL_BPF_TUNNEL_H */
