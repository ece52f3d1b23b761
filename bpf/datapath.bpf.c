// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The per-device datapath: XDP on ingress and tc on egress, both default
 * deny. Both programs share the classifier and the pinned maps; each
 * verdict leaves through one place that counts it.
 */
/*
 * The datapath reads only UAPI context fields and wire headers, whose
 * layouts never move: no CO-RE relocations wanted. With them, clang 14
 * folds relocated __sk_buff offsets into pointer arithmetic on ctx, which
 * the verifier rejects ("dereference of modified ctx ptr").
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "maps.h"		/* include/: the ABI */
#include "lib/map_defs.h"
#include "lib/account.h"
#include "lib/relay.h"

/* tc may see a non-linear skb; this much must be in the linear part. */
#define TC_LINEAR_HDRS 256

/*
 * Classify: the config, the rollback grace, then the frame. seg is the
 * datagram size of a coalesced UDP batch (tc ingress), else 0. *cfgp is
 * the config looked up once for the packet's whole way (NULL: none).
 */
static __always_inline __u32 judge(void *data, void *data_end, __u32 dir,
				   __u32 len, int vlan_offloaded, __u32 mark,
				   __u32 seg, struct tunctl_config **cfgp,
				   struct pkt_meta *m)
{
	struct cursor c = {
		.pos = data, .end = data_end, .start = data, .len = len,
		.seg = seg,
	};
	struct tunctl_config *cfg;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&dp_config, &zero);
	*cfgp = cfg;
	if (!cfg)
		return TUNCTL_R_DROP_NO_CONFIG;
	if (cfg->rollback_deadline_ns &&
	    bpf_ktime_get_ns() > cfg->rollback_deadline_ns)
		return TUNCTL_R_PASS_ROLLBACK;
	/* A tag kept out of the frame (skb metadata) is still a tag. */
	if (vlan_offloaded)
		return TUNCTL_R_DROP_VLAN;
	return classify(&c, dir, cfg, m, mark);
}

/* Count a verdict, and tell a monitor about a drop. */
static __always_inline void account(const struct tunctl_config *cfg,
				    __u32 dir, __u32 ifindex, __u32 reason,
				    __u32 len, const struct pkt_meta *m)
{
	if (cfg && tunctl_reason_is_drop(reason))
		emit_event(cfg, ifindex, dir, reason, len, m);
	count(dir, reason, len);
}

/*
 * Classify and count. A packet to relay is the exception: it is counted
 * by the caller once relay_forward has said what became of it.
 */
static __always_inline __u32 decide(void *data, void *data_end, __u32 dir,
				    __u32 ifindex, __u32 len, int vlan_offloaded,
				    __u32 mark, struct pkt_meta *mp)
{
	struct tunctl_config *cfg;
	struct pkt_meta m = {};
	__u32 reason;

	reason = judge(data, data_end, dir, len, vlan_offloaded, mark, 0,
		       &cfg, &m);
	if (reason == TUNCTL_R_PASS_RELAY) {
		*mp = m;
		return reason;
	}
	account(cfg, dir, ifindex, reason, len, &m);
	return reason;
}

SEC("xdp")
int tunctl_ingress(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct tunctl_config *cfg;
	struct pkt_meta m = {};
	__u32 reason, len = data_end - data, zero = 0;
	int act;

	/* No xdp.frags: the frame is all in [data, data_end). */
	reason = decide(data, data_end, TUNCTL_DIR_INGRESS,
			ctx->ingress_ifindex, len, 0, 0, &m);
	if (reason != TUNCTL_R_PASS_RELAY || !m.hop)
		return tunctl_reason_is_drop(reason) ? XDP_DROP : XDP_PASS;
	act = relay_forward(ctx, m.hop, &reason);
	cfg = bpf_map_lookup_elem(&dp_config, &zero);
	if (cfg && tunctl_reason_is_drop(reason))
		emit_event(cfg, ctx->ingress_ifindex, TUNCTL_DIR_INGRESS, reason,
			   len, &m);
	count(TUNCTL_DIR_INGRESS, reason, len);
	return act;
}

SEC("tc")
int tunctl_egress(struct __sk_buff *skb)
{
	__u32 want = skb->len < TC_LINEAR_HDRS ? skb->len : TC_LINEAR_HDRS;
	struct pkt_meta m = {};
	__u32 reason;

	/*
	 * Headers split into fragments would read as truncated: pull them.
	 * Lengths are judged against skb->len, so a GSO packet or a paged
	 * one longer than this still classifies by its headers.
	 */
	if (skb->data_end - skb->data < want)
		bpf_skb_pull_data(skb, want);

	reason = decide((void *)(long)skb->data, (void *)(long)skb->data_end,
			TUNCTL_DIR_EGRESS, skb->ifindex, skb->len,
			skb->vlan_present, skb->mark, &m);
	/* UNSPEC, not OK: let any later tc program have its say too. */
	return tunctl_reason_is_drop(reason) ? TC_ACT_SHOT : TC_ACT_UNSPEC;
}

/*
 * The ingress program for tc (--xdp-mode tc), for underlays where XDP
 * costs more than it saves: on a veth, native XDP turns off its peer's
 * segmentation offload and copies every frame. tc sees skbs after GRO,
 * and a veth peer's GSO batches whole: datagrams to our port that share
 * one set of headers, each with a tunnel message of its own. Every one
 * of them is judged, and one bad datagram drops the batch.
 */
#define TC_BATCH_MAX 64		/* UDP GRO's limit, and our sender's */

static __always_inline __u32 batch_verdict(struct __sk_buff *skb,
					   const struct tunctl_config *cfg,
					   const struct pkt_meta *m,
					   __u32 seg, __u32 first)
{
	struct tun_head h;
	__u32 off = m->tun_off, end = m->tun_off + m->tun_len, i;
	__u32 reason;
	__be32 saddr;

	if (!cfg)	/* never with a tunnel verdict: for the verifier */
		return TUNCTL_R_DROP_NO_CONFIG;
	/* relay_match judges one frame; a batch could mix hops. */
	if (cfg->flags & TUNCTL_CFG_RELAY)
		return TUNCTL_R_DROP_RELAY_MODE;
	__builtin_memcpy(&saddr, m->saddr, 4);
	for (i = 1; i < TC_BATCH_MAX; i++) {
		off += seg;
		if (off >= end)
			return first;
		if (bpf_skb_load_bytes(skb, off, &h, sizeof(h)))
			return TUNCTL_R_DROP_TUN_MALFORMED;
		reason = tun_head_verdict(cfg, &h,
					  end - off < seg ? end - off : seg,
					  saddr, m->sport);
		if (tunctl_reason_is_drop(reason))
			return reason;
	}
	return off + seg >= end ? first : TUNCTL_R_DROP_TUN_BATCH;
}

SEC("tc")
int tunctl_ingress_tc(struct __sk_buff *skb)
{
	__u32 want = skb->len < TC_LINEAR_HDRS ? skb->len : TC_LINEAR_HDRS;
	struct tunctl_config *cfg;
	struct pkt_meta m = {};
	__u32 reason, seg;

	if (skb->data_end - skb->data < want)
		bpf_skb_pull_data(skb, want);
	/* gso_segs may be left for the stack to count (virtio): not used. */
	seg = skb->gso_size;
	reason = judge((void *)(long)skb->data, (void *)(long)skb->data_end,
		       TUNCTL_DIR_INGRESS, skb->len, skb->vlan_present, 0, seg,
		       &cfg, &m);
	if (reason == TUNCTL_R_PASS_RELAY)
		reason = TUNCTL_R_DROP_RELAY_MODE;
	else if (seg && m.tun_len > seg &&
		 (reason == TUNCTL_R_PASS_TUNNEL_DATA ||
		  reason == TUNCTL_R_PASS_TUNNEL_HS))
		reason = batch_verdict(skb, cfg, &m, seg, reason);
	/* A batch counts once, as GSO packets do on egress. */
	account(cfg, TUNCTL_DIR_INGRESS, skb->ifindex, reason, skb->len, &m);
	return tunctl_reason_is_drop(reason) ? TC_ACT_SHOT : TC_ACT_UNSPEC;
}

/*
 * tc ingress of the overlay (TUN) device: every packet the daemon wrote
 * there came out of a tunnel, authenticated and checked. The mark tells
 * the egress program of the device the kernel forwards it to (internet
 * and external tunnels) that it is tunnel traffic, and the source NAT
 * rule which packets to masquerade. Locally delivered packets ignore it.
 */
SEC("tc")
int tunctl_overlay_in(struct __sk_buff *skb)
{
	skb->mark = TUNCTL_MARK_FWD;
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
