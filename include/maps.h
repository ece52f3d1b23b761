/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Keys and values of the pinned maps, shared by the BPF programs and the
 * control plane. Fixed-width types, explicit padding, sizes asserted; the
 * selftest btf_layout compares them with the built object's BTF.
 */
#ifndef TUNCTL_MAPS_H
#define TUNCTL_MAPS_H

#ifdef __bpf__
/* vmlinux.h already provides the __u* types. */
#else
#include <linux/types.h>
#endif

#include "reasons.h"

/* Map names (at most 15 chars): libbpf pins each under PIN_ROOT/DEV/<name>. */
#define TUNCTL_MAP_CONFIG	"dp_config"
#define TUNCTL_MAP_COUNTERS	"dp_counters"
#define TUNCTL_MAP_EVENTS	"dp_events"
#define TUNCTL_MAP_MONITOR_RL	"dp_monitor_rl"
#define TUNCTL_MAP_STATE	"dp_state"
#define TUNCTL_MAP_TUNNELS	"dp_tunnels"
#define TUNCTL_MAP_SESSIONS	"dp_sessions"
#define TUNCTL_MAP_PEERS	"dp_peers"
#define TUNCTL_MAP_HS_RL	"dp_hs_rl"
#define TUNCTL_MAP_FLOWS	"dp_flows"
#define TUNCTL_MAP_RELAY	"dp_relay"
#define TUNCTL_MAP_NEIGH_MISS	"dp_neigh_miss"

#define TUNCTL_MAX_TUNNELS	16384
#define TUNCTL_MAX_SESSIONS	(4 * TUNCTL_MAX_TUNNELS)
#define TUNCTL_MAX_FLOWS	65536

/*
 * skb->mark of packets that came out of a tunnel into the overlay device
 * (set there by tunctl_overlay_in). Leaving an attached device with it,
 * a packet is forwarded tunnel traffic (internet or external tunnel):
 * egress notes its flow and lets it out; ingress admits the replies.
 */
#define TUNCTL_MARK_FWD		0x7475f000U
/* SO_MARK of the tunnel socket: its packets skip the internet route. */
#define TUNCTL_MARK_SOCK	0x7475f001U
/* A forwarded flow not seen for this long admits no more replies. */
#define TUNCTL_FLOW_IDLE_NS	(180ULL * 1000000000ULL)

/* tunctl_config.flags */
#define TUNCTL_CFG_ALLOW_ARP	(1U << 0)
#define TUNCTL_CFG_ALLOW_NDP	(1U << 1)
#define TUNCTL_CFG_ALLOW_DHCP	(1U << 2)
/* This node relays tunnel packets named in dp_relay (XDP, no keys). */
#define TUNCTL_CFG_RELAY	(1U << 3)

#define TUNCTL_CFG_DEFAULT_FLAGS \
	(TUNCTL_CFG_ALLOW_ARP | TUNCTL_CFG_ALLOW_NDP | TUNCTL_CFG_ALLOW_DHCP)
#define TUNCTL_MONITOR_DEFAULT_RATE 64	/* events per second per CPU */
#define TUNCTL_HS_DEFAULT_RATE 256	/* handshakes per second per CPU */

/*
 * "dp_config" (ARRAY, one entry): written only by the control plane, read by
 * the datapath on every packet.
 */
struct tunctl_config {
	__u32 flags;
	/* Drop events each CPU may emit per second; 0 turns events off. */
	__u32 monitor_rate;
	/*
	 * CLOCK_MONOTONIC (bpf_ktime_get_ns) deadline of an unconfirmed
	 * attach; 0 when confirmed. Past it the datapath passes everything,
	 * so a lock-out ends even if the daemon that should detach is dead.
	 */
	__u64 rollback_deadline_ns;
	/* The node's tunnel port (network order); 0: no tunnels. */
	__be16 listen_port;
	__u16 pad;
	/* Handshake messages each CPU lets through per second. */
	__u32 hs_rate;
};
_Static_assert(sizeof(struct tunctl_config) == 24, "tunctl_config ABI");

/*
 * "dp_counters" (PERCPU_ARRAY): index dir * TUNCTL_R_MAX + reason. Written only
 * by the datapath; the CLI sums the CPUs.
 */
struct tunctl_counter {
	__u64 packets;
	__u64 bytes;
};
_Static_assert(sizeof(struct tunctl_counter) == 16, "tunctl_counter ABI");

#define TUNCTL_COUNTERS_MAX (TUNCTL_DIR_MAX * TUNCTL_R_MAX)

/* "dp_monitor_rl" (PERCPU_ARRAY, one entry): event rate limiter state. */
struct tunctl_monitor_rl {
	__u64 window_start_ns;
	__u32 emitted;		/* events in this one-second window */
	__u32 suppressed;	/* not emitted since the last event */
	__u64 suppressed_total;
};
_Static_assert(sizeof(struct tunctl_monitor_rl) == 24, "tunctl_monitor_rl ABI");

/* "dp_events" (RINGBUF): one record per sampled drop. */
struct tunctl_event {
	__u64 ts_ns;		/* bpf_ktime_get_ns() */
	__u32 ifindex;
	__u32 pkt_len;
	__u32 suppressed;	/* events this CPU dropped before this one */
	__u8 dir;		/* enum tunctl_dir */
	__u8 reason;		/* enum tunctl_reason */
	__u8 l3;		/* 4, 6 or 0 when not IP */
	__u8 l4proto;		/* IPPROTO_*, when l3 != 0 */
	__be16 ethertype;	/* outermost */
	__be16 sport;		/* TCP/UDP ports, ICMP type/code */
	__be16 dport;
	__u16 pad;
	__u8 saddr[16];		/* IPv4 in the first four bytes */
	__u8 daddr[16];
};
_Static_assert(sizeof(struct tunctl_event) == 64, "tunctl_event ABI");

/* tunctl_state.xdp_mode */
#define TUNCTL_XDP_NATIVE	1
#define TUNCTL_XDP_GENERIC	2
#define TUNCTL_XDP_TC		3	/* no XDP: the ingress program on tcx */
/* tunctl_state.egress_hook */
#define TUNCTL_EGRESS_TCX	1
#define TUNCTL_EGRESS_CLSACT	2

/*
 * "dp_state" (ARRAY, one entry): how the device was attached. Written by the
 * control plane only; the datapath never reads it. Lives in bpffs so that
 * it is exactly as persistent as the attachment it describes.
 */
struct tunctl_state {
	__u32 ifindex;
	__u32 xdp_mode;
	__u32 egress_hook;
	__u32 tc_handle;	/* clsact filter handle/priority */
	__u32 tc_priority;
	__u32 pad;
	__u64 attached_at;	/* CLOCK_REALTIME seconds */
};
_Static_assert(sizeof(struct tunctl_state) == 32, "tunctl_state ABI");

/* tunctl_tunnel.flags */
#define TUNCTL_TUN_ENABLED	(1U << 0)
#define TUNCTL_TUN_SERVER	(1U << 1)	/* we answer its handshakes */

/*
 * "dp_tunnels" (HASH, key: tunnel id, host order): written by the control
 * plane. A handshake initiation names its tunnel; only enabled tunnels
 * whose server side we are admit one.
 */
struct tunctl_tunnel {
	__u32 flags;
	__u32 pad;
};
_Static_assert(sizeof(struct tunctl_tunnel) == 8, "tunctl_tunnel ABI");

/*
 * "dp_sessions" (HASH, key: our session index as it is on the wire, a
 * __le32 read as __u32): one entry per session we can receive on, also
 * one per handshake we initiated (its response comes to that index).
 */
struct tunctl_session {
	__u32 tunnel_id;
	__be32 peer_addr;	/* where its packets must come from, */
	__be16 peer_port;
	__u8 roam;		/* ... unless the peer may roam (server side) */
	__u8 pad;
};
_Static_assert(sizeof(struct tunctl_session) == 12, "tunctl_session ABI");

/*
 * "dp_peers" (HASH): the underlay endpoints tunnel packets may be sent to.
 * The value counts the tunnels and sessions that use the endpoint.
 */
struct tunctl_peer_key {
	__be32 addr;
	__be16 port;
	__u16 pad;
};
_Static_assert(sizeof(struct tunctl_peer_key) == 8, "tunctl_peer_key ABI");

/* "dp_hs_rl" (PERCPU_ARRAY, one entry): handshake rate limiter. */
struct tunctl_hs_rl {
	__u64 window_start_ns;
	__u32 count;
	__u32 pad;
};
_Static_assert(sizeof(struct tunctl_hs_rl) == 16, "tunctl_hs_rl ABI");

/*
 * "dp_flows" (LRU_HASH): forwarded flows as they left this device, after
 * any source NAT. Filled only by egress of packets with TUNCTL_MARK_FWD,
 * so nothing arriving from outside can create an entry. ICMP echo: the
 * identifier in both ports.
 */
struct tunctl_flow_key {
	__be32 local;		/* our side (the source as it left) */
	__be32 remote;
	__be16 lport;
	__be16 rport;
	__u8 proto;
	__u8 pad[3];
};
_Static_assert(sizeof(struct tunctl_flow_key) == 16, "tunctl_flow_key ABI");

struct tunctl_flow {
	__u64 last_ns;		/* bpf_ktime_get_coarse_ns of the last packet */
	__u64 packets;		/* both ways */
};
_Static_assert(sizeof(struct tunctl_flow) == 16, "tunctl_flow ABI");

/*
 * "dp_relay" (HASH): what a relay forwards. A tunnel packet to our
 * listen_port from (addr, port) naming tunnel_id goes on to next_addr:
 * next_port, from src_addr (our address toward it) and our listen_port.
 * Two entries per relayed tunnel, one per direction; written by the
 * control plane from the relay's config, counted by the datapath.
 */
struct tunctl_relay_key {
	__be32 addr;
	__be16 port;
	__u16 tunnel_id;	/* host order */
};
_Static_assert(sizeof(struct tunctl_relay_key) == 8, "tunctl_relay_key ABI");

struct tunctl_relay_hop {
	__be32 next_addr;
	__be32 src_addr;
	__be16 next_port;
	__u16 pad;
	__u32 pad2;
	__u64 packets;
	__u64 bytes;
};
_Static_assert(sizeof(struct tunctl_relay_hop) == 32, "tunctl_relay_hop ABI");

/*
 * "dp_neigh_miss" (LRU_HASH): next hops whose MAC the FIB did not have
 * when a packet was to be relayed to them; the daemon asks the kernel to
 * resolve them (the packet itself is dropped and counted).
 */
struct tunctl_neigh_key {
	__u32 ifindex;
	__be32 addr;
};
_Static_assert(sizeof(struct tunctl_neigh_key) == 8, "tunctl_neigh_key ABI");

#endif /* TUNCTL_MAPS_H */
