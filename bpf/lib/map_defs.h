/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Map definitions. Every map is pinned by name under the pin root the
 * loader sets (PIN_ROOT/DEV), so the datapath outlives the daemon.
 */
#ifndef TUNCTL_BPF_MAP_DEFS_H
#define TUNCTL_BPF_MAP_DEFS_H

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tunctl_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dp_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TUNCTL_COUNTERS_MAX);
	__type(key, __u32);
	__type(value, struct tunctl_counter);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dp_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tunctl_monitor_rl);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dp_monitor_rl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dp_events SEC(".maps");

/* Control-plane bookkeeping; the datapath never reads it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tunctl_state);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dp_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TUNCTL_MAX_TUNNELS);
	__type(key, __u32);
	__type(value, struct tunctl_tunnel);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dp_tunnels SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TUNCTL_MAX_SESSIONS);
	__type(key, __u32);
	__type(value, struct tunctl_session);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dp_sessions SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TUNCTL_MAX_SESSIONS);
	__type(key, struct tunctl_peer_key);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dp_peers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tunctl_hs_rl);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dp_hs_rl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, TUNCTL_MAX_FLOWS);
	__type(key, struct tunctl_flow_key);
	__type(value, struct tunctl_flow);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dp_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * TUNCTL_MAX_TUNNELS);
	__type(key, struct tunctl_relay_key);
	__type(value, struct tunctl_relay_hop);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dp_relay SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256);
	__type(key, struct tunctl_neigh_key);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dp_neigh_miss SEC(".maps");

#endif /* TUNCTL_BPF_MAP_DEFS_H */
