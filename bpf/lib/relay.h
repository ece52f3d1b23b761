/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Relaying in XDP: a tunnel packet that relay_match() sent here leaves
 * again at once, toward the hop its dp_relay entry names: new outer
 * addresses and ports, TTL one less, the IP checksum updated, the next
 * hop's MAC from the kernel's FIB. The payload is never read: a relay
 * holds no keys. When the FIB has no neighbour entry yet, the packet is
 * dropped and the next hop noted for the daemon to resolve.
 */
#ifndef TUNCTL_BPF_RELAY_H
#define TUNCTL_BPF_RELAY_H

#define AF_INET 2
#define ETH_ALEN 6

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* The IPv4 header checksum over 20 bytes, from scratch. */
static __always_inline __u16 ip4_csum(const struct pkt_ip4 *ip)
{
	const __u16 *w = (const __u16 *)ip;
	__u32 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < 10; i++)
		sum += w[i];
	return csum_fold(sum);
}

/* Rewrite and send; the reason says what became of the packet. */
static __always_inline int relay_forward(struct xdp_md *ctx,
					 const struct tunctl_relay_hop *hop,
					 __u32 *reason)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct pkt_eth *eth = data;
	struct pkt_ip4 *ip = data + sizeof(*eth);
	struct pkt_l4 *udp = (void *)(ip + 1);
	struct bpf_fib_lookup fib = {};
	struct tunctl_neigh_key miss = {};
	__u32 one = 1;
	int rc;

	/* relay_match saw all this; the verifier wants to see it here. */
	if ((void *)(udp + 1) + 4 > data_end) {
		*reason = TUNCTL_R_DROP_RELAY_HDR;
		return XDP_DROP;
	}
	if (ip->ttl <= 1) {
		*reason = TUNCTL_R_DROP_RELAY_TTL;
		return XDP_DROP;
	}
	fib.family = AF_INET;
	fib.l4_protocol = IPPROTO_UDP;
	fib.tot_len = bpf_ntohs(ip->tot_len);
	fib.ipv4_src = hop->src_addr;
	fib.ipv4_dst = hop->next_addr;
	fib.ifindex = ctx->ingress_ifindex;
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH) {
		miss.ifindex = fib.ifindex;
		miss.addr = fib.ipv4_dst;	/* the next hop's gateway, or it */
		bpf_map_update_elem(&dp_neigh_miss, &miss, &one, BPF_ANY);
		*reason = TUNCTL_R_DROP_RELAY_NO_NEIGH;
		return XDP_DROP;
	}
	if (rc != BPF_FIB_LKUP_RET_SUCCESS) {
		*reason = TUNCTL_R_DROP_RELAY_NO_ROUTE;
		return XDP_DROP;
	}

	__builtin_memcpy(ip->saddr, &hop->src_addr, 4);
	__builtin_memcpy(ip->daddr, &hop->next_addr, 4);
	udp->sport = udp->dport;		/* our listen_port */
	udp->dport = hop->next_port;
	/*
	 * No UDP checksum (0, which IPv4 allows): the payload is the AEAD's,
	 * authenticated end to end, so a checksum adds nothing; and a
	 * sender's checksum may be a partial one (offload on virtual links)
	 * that no incremental update would make whole.
	 */
	*(__u16 *)((void *)udp + 6) = 0;
	ip->ttl--;
	ip->check = 0;
	ip->check = ip4_csum(ip);
	__builtin_memcpy(eth->dst, fib.dmac, ETH_ALEN);
	__builtin_memcpy(eth->src, fib.smac, ETH_ALEN);

	__sync_fetch_and_add((__u64 *)&hop->packets, 1);
	__sync_fetch_and_add((__u64 *)&hop->bytes, data_end - data);
	*reason = TUNCTL_R_PASS_RELAY;
	if (fib.ifindex == ctx->ingress_ifindex)
		return XDP_TX;
	return bpf_redirect(fib.ifindex, 0);
}

#endif /* TUNCTL_BPF_RELAY_H */
