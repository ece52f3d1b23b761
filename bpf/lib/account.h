/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Per-reason counters and rate-limited drop events for the monitor. */
#ifndef TUNCTL_BPF_ACCOUNT_H
#define TUNCTL_BPF_ACCOUNT_H

#include "classify.h"


static __always_inline void count(__u32 dir, __u32 reason, __u32 len)
{
	__u32 idx = dir * TUNCTL_R_MAX + (reason & (TUNCTL_R_MAX - 1));
	struct tunctl_counter *ctr = bpf_map_lookup_elem(&dp_counters, &idx);

	/* Per-CPU value: no other writer, no atomics needed. */
	if (ctr) {
		ctr->packets++;
		ctr->bytes += len;
	}
}

/*
 * Not inlined, on purpose: as a real subprogram its signature puts
 * struct tunctl_event into the object's BTF, where the btf_layout selftest
 * checks it against userspace. It runs only for sampled events.
 */
static __noinline void event_fill(struct tunctl_event *ev,
				  const struct pkt_meta *m)
{
	ev->l3 = m->l3;
	ev->l4proto = m->l4proto;
	ev->ethertype = m->ethertype;
	ev->sport = m->sport;
	ev->dport = m->dport;
	ev->pad = 0;
	__builtin_memcpy(ev->saddr, m->saddr, sizeof(ev->saddr));
	__builtin_memcpy(ev->daddr, m->daddr, sizeof(ev->daddr));
}

/*
 * At most cfg->monitor_rate events per CPU per second, so a flood costs a
 * counter increment and cannot swamp the ring or its reader. What is held
 * back is counted and reported with the next event that gets through.
 */
static __always_inline void emit_event(const struct tunctl_config *cfg,
				       __u32 ifindex, __u32 dir, __u32 reason,
				       __u32 len, const struct pkt_meta *m)
{
	struct tunctl_monitor_rl *rl;
	struct tunctl_event *ev;
	__u32 zero = 0;
	__u64 now;

	if (!cfg->monitor_rate)
		return;
	rl = bpf_map_lookup_elem(&dp_monitor_rl, &zero);
	if (!rl)
		return;
	/*
	 * The coarse clock (same base, jiffy resolution) is plenty for a
	 * one-second window and cheaper on a flood, where most packets end
	 * at "suppress". Events themselves get the precise time.
	 */
	now = bpf_ktime_get_coarse_ns();
	if (now - rl->window_start_ns >= NSEC_PER_SEC) {
		rl->window_start_ns = now;
		rl->emitted = 0;
	}
	if (rl->emitted >= cfg->monitor_rate)
		goto suppress;
	ev = bpf_ringbuf_reserve(&dp_events, sizeof(*ev), 0);
	if (!ev)
		goto suppress;
	rl->emitted++;

	ev->ts_ns = bpf_ktime_get_ns();
	ev->ifindex = ifindex;
	ev->pkt_len = len;
	ev->suppressed = rl->suppressed;
	ev->dir = dir;
	ev->reason = reason;
	event_fill(ev, m);
	bpf_ringbuf_submit(ev, 0);
	rl->suppressed = 0;
	return;

suppress:
	rl->suppressed++;
	rl->suppressed_total++;
}

#endif /* TUNCTL_BPF_ACCOUNT_H */
