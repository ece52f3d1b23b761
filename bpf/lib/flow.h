/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Forwarded flows of internet and external tunnels. A packet the daemon
 * decrypted and checked enters the kernel through the overlay device,
 * which marks it (tunctl_overlay_in); the kernel forwards it, with source
 * NAT, out of an attached device. There, egress sees the mark, notes the
 * flow as it leaves (after NAT) and lets it out; ingress lets in what
 * answers a noted flow, and nothing else. Only marked egress creates
 * entries: an outsider cannot open a flow from the wire.
 */
#ifndef TUNCTL_BPF_FLOW_H
#define TUNCTL_BPF_FLOW_H

#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8

/*
 * The flow key of an IPv4 packet, as egress would write it: our side
 * first. 0 when the packet can belong to a flow, else 1 (other
 * transports, ICMP other than echo).
 */
static __always_inline int flow_key(struct cursor *c, __u32 dir,
				    const struct pkt_ip4 *ip,
				    const struct pkt_l4 *l4,
				    struct tunctl_flow_key *k)
{
	__be16 sport, dport;

	if (!l4)
		return 1;
	if (ip->proto == IPPROTO_ICMP) {
		__u8 *icmp = (__u8 *)l4;
		__u8 want = dir == TUNCTL_DIR_EGRESS ? ICMP_ECHO : ICMP_ECHOREPLY;

		/* pull_l4 took the 8 bytes of an ICMP header; say so again. */
		if ((void *)(icmp + 8) > c->end || icmp[0] != want || icmp[1])
			return 1;
		__builtin_memcpy(&sport, icmp + 4, 2);
		dport = sport;
	} else if (ip->proto == IPPROTO_TCP || ip->proto == IPPROTO_UDP) {
		sport = l4->sport;
		dport = l4->dport;
	} else {
		return 1;
	}
	k->proto = ip->proto;
	if (dir == TUNCTL_DIR_EGRESS) {
		__builtin_memcpy(&k->local, ip->saddr, 4);
		__builtin_memcpy(&k->remote, ip->daddr, 4);
		k->lport = sport;
		k->rport = dport;
	} else {
		__builtin_memcpy(&k->local, ip->daddr, 4);
		__builtin_memcpy(&k->remote, ip->saddr, 4);
		k->lport = dport;
		k->rport = sport;
	}
	return 0;
}

/* A forward verdict for this packet, or 0 when it is none of ours. */
static __always_inline __u32 classify_flow(struct cursor *c, __u32 dir,
					   __u32 mark,
					   const struct pkt_ip4 *ip,
					   const struct pkt_l4 *l4)
{
	struct tunctl_flow_key k = {};
	struct tunctl_flow *f;
	__u64 now;

	if (dir == TUNCTL_DIR_EGRESS && mark != TUNCTL_MARK_FWD)
		return 0;
	if (flow_key(c, dir, ip, l4, &k))
		return 0;
	now = bpf_ktime_get_coarse_ns();
	f = bpf_map_lookup_elem(&dp_flows, &k);
	if (dir == TUNCTL_DIR_EGRESS) {
		if (f) {
			f->last_ns = now;
			__sync_fetch_and_add(&f->packets, 1);
		} else {
			struct tunctl_flow nf = { .last_ns = now, .packets = 1 };

			/* LRU: a full table evicts its oldest flow, never fails. */
			bpf_map_update_elem(&dp_flows, &k, &nf, BPF_ANY);
		}
		return TUNCTL_R_PASS_FWD_OUT;
	}
	if (!f || now - f->last_ns > TUNCTL_FLOW_IDLE_NS)
		return 0;
	f->last_ns = now;
	__sync_fetch_and_add(&f->packets, 1);
	return TUNCTL_R_PASS_FWD_REPLY;
}

#endif /* TUNCTL_BPF_FLOW_H */
