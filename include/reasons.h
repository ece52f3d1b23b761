/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Why the datapath passed or dropped a packet. One enum shared by the BPF
 * programs (which count per reason) and the CLI (which prints the names).
 * Numbers are frozen: never renumber or reuse one, only append.
 */
#ifndef TUNCTL_REASONS_H
#define TUNCTL_REASONS_H

enum tunctl_reason {
	TUNCTL_R_NONE = 0,

	/* Passed: link-level necessities, each switchable in the config. */
	TUNCTL_R_PASS_ARP = 1,
	TUNCTL_R_PASS_NDP = 2,
	TUNCTL_R_PASS_DHCP4 = 3,
	TUNCTL_R_PASS_DHCP6 = 4,
	/* Passed because the datapath is in its rollback grace period. */
	TUNCTL_R_PASS_ROLLBACK = 5,
	/* Tunnel traffic on the underlay. */
	TUNCTL_R_PASS_TUNNEL_DATA = 6,	/* data for a known, enabled session */
	TUNCTL_R_PASS_TUNNEL_HS = 7,	/* handshake for a known, enabled tunnel */
	/* Forwarded tunnel traffic (internet/external tunnels). */
	TUNCTL_R_PASS_FWD_OUT = 8,	/* leaving with the forward mark */
	TUNCTL_R_PASS_FWD_REPLY = 9,	/* a reply to such a flow */
	TUNCTL_R_PASS_RELAY = 10,	/* forwarded on to the next hop (XDP_TX) */
	/* 11..31: reserved for further pass reasons. */

	/* Dropped. */
	TUNCTL_R_DROP_NO_TUNNEL = 32,	/* IP packet that is not a tunnel's */
	TUNCTL_R_DROP_ETHERTYPE = 33,	/* neither ARP, IPv4 nor IPv6 */
	TUNCTL_R_DROP_VLAN = 34,	/* 802.1Q / 802.1ad tagged frame */
	TUNCTL_R_DROP_FRAGMENT = 35,	/* IPv4 or IPv6 fragment */
	TUNCTL_R_DROP_TRUNC_ETH = 36,
	TUNCTL_R_DROP_TRUNC_ARP = 37,
	TUNCTL_R_DROP_BAD_ARP = 38,	/* not Ethernet/IPv4 ARP */
	TUNCTL_R_DROP_TRUNC_IP4 = 39,
	TUNCTL_R_DROP_BAD_IP4 = 40,	/* version, IHL or total length */
	TUNCTL_R_DROP_TRUNC_IP6 = 41,
	TUNCTL_R_DROP_BAD_IP6 = 42,	/* version, payload length, HBH order */
	TUNCTL_R_DROP_TRUNC_EXTHDR = 43,
	TUNCTL_R_DROP_EXTHDR_CHAIN = 44, /* more extension headers than we walk */
	TUNCTL_R_DROP_TRUNC_L4 = 45,
	TUNCTL_R_DROP_ARP_OFF = 46,	/* ARP, but "local.arp" is false */
	TUNCTL_R_DROP_NDP_OFF = 47,	/* ND, but "local.ndp" is false */
	TUNCTL_R_DROP_DHCP_OFF = 48,	/* DHCP, but "local.dhcp" is false */
	TUNCTL_R_DROP_NDP_HOPLIMIT = 49, /* ND type with hop limit != 255 */
	TUNCTL_R_DROP_NO_CONFIG = 50,	/* config map unreadable: fail closed */
	TUNCTL_R_DROP_TUN_MALFORMED = 51, /* to/from listen_port, not ours */
	TUNCTL_R_DROP_TUN_UNKNOWN = 52,	/* no such tunnel or session */
	TUNCTL_R_DROP_TUN_DISABLED = 53, /* its tunnel is disabled */
	TUNCTL_R_DROP_TUN_PEER = 54,	/* not from/to the tunnel's peer */
	TUNCTL_R_DROP_TUN_HS_RATE = 55,	/* handshakes over the rate limit */
	TUNCTL_R_DROP_RELAY_NO_ROUTE = 56, /* no FIB route to the next hop */
	TUNCTL_R_DROP_RELAY_NO_NEIGH = 57, /* next hop's MAC not known yet */
	TUNCTL_R_DROP_RELAY_TTL = 58,	/* would leave with TTL 0 */
	TUNCTL_R_DROP_RELAY_HDR = 59,	/* IP options or tags: not relayed */
	/* tc ingress (--xdp-mode tc) only: */
	TUNCTL_R_DROP_TUN_BATCH = 60,	/* a coalesced batch of over 64 datagrams */
	TUNCTL_R_DROP_RELAY_MODE = 61,	/* relaying is XDP's: not on tc */

	TUNCTL_R_MAX = 64,
};

#define TUNCTL_R_FIRST_DROP TUNCTL_R_DROP_NO_TUNNEL

static inline int tunctl_reason_is_drop(unsigned int r)
{
	return r >= TUNCTL_R_FIRST_DROP;
}

enum tunctl_dir {
	TUNCTL_DIR_INGRESS = 0,
	TUNCTL_DIR_EGRESS = 1,
	TUNCTL_DIR_MAX = 2,
};

#ifndef __bpf__
/* Names printed by the CLI; a NULL entry is an unused number. */
static const char *const tunctl_reason_names[TUNCTL_R_MAX] = {
	[TUNCTL_R_PASS_ARP] = "arp",
	[TUNCTL_R_PASS_NDP] = "ndp",
	[TUNCTL_R_PASS_DHCP4] = "dhcp4",
	[TUNCTL_R_PASS_DHCP6] = "dhcp6",
	[TUNCTL_R_PASS_ROLLBACK] = "rollback-grace",
	[TUNCTL_R_PASS_TUNNEL_DATA] = "tunnel-data",
	[TUNCTL_R_PASS_TUNNEL_HS] = "tunnel-handshake",
	[TUNCTL_R_PASS_FWD_OUT] = "forward-out",
	[TUNCTL_R_PASS_FWD_REPLY] = "forward-reply",
	[TUNCTL_R_PASS_RELAY] = "relay",
	[TUNCTL_R_DROP_NO_TUNNEL] = "no-tunnel",
	[TUNCTL_R_DROP_ETHERTYPE] = "ethertype",
	[TUNCTL_R_DROP_VLAN] = "vlan",
	[TUNCTL_R_DROP_FRAGMENT] = "fragment",
	[TUNCTL_R_DROP_TRUNC_ETH] = "truncated-eth",
	[TUNCTL_R_DROP_TRUNC_ARP] = "truncated-arp",
	[TUNCTL_R_DROP_BAD_ARP] = "bad-arp",
	[TUNCTL_R_DROP_TRUNC_IP4] = "truncated-ipv4",
	[TUNCTL_R_DROP_BAD_IP4] = "bad-ipv4",
	[TUNCTL_R_DROP_TRUNC_IP6] = "truncated-ipv6",
	[TUNCTL_R_DROP_BAD_IP6] = "bad-ipv6",
	[TUNCTL_R_DROP_TRUNC_EXTHDR] = "truncated-ext-header",
	[TUNCTL_R_DROP_EXTHDR_CHAIN] = "ext-header-chain",
	[TUNCTL_R_DROP_TRUNC_L4] = "truncated-l4",
	[TUNCTL_R_DROP_ARP_OFF] = "arp-disabled",
	[TUNCTL_R_DROP_NDP_OFF] = "ndp-disabled",
	[TUNCTL_R_DROP_DHCP_OFF] = "dhcp-disabled",
	[TUNCTL_R_DROP_NDP_HOPLIMIT] = "ndp-hop-limit",
	[TUNCTL_R_DROP_NO_CONFIG] = "no-config",
	[TUNCTL_R_DROP_TUN_MALFORMED] = "tunnel-malformed",
	[TUNCTL_R_DROP_TUN_UNKNOWN] = "tunnel-unknown",
	[TUNCTL_R_DROP_TUN_DISABLED] = "tunnel-disabled",
	[TUNCTL_R_DROP_TUN_PEER] = "tunnel-wrong-peer",
	[TUNCTL_R_DROP_TUN_HS_RATE] = "tunnel-handshake-rate",
	[TUNCTL_R_DROP_RELAY_NO_ROUTE] = "relay-no-route",
	[TUNCTL_R_DROP_RELAY_NO_NEIGH] = "relay-no-neigh",
	[TUNCTL_R_DROP_RELAY_TTL] = "relay-ttl",
	[TUNCTL_R_DROP_RELAY_HDR] = "relay-header",
	[TUNCTL_R_DROP_TUN_BATCH] = "tunnel-batch-size",
	[TUNCTL_R_DROP_RELAY_MODE] = "relay-needs-xdp",
};

static const char *const tunctl_dir_names[TUNCTL_DIR_MAX] = {
	[TUNCTL_DIR_INGRESS] = "ingress",
	[TUNCTL_DIR_EGRESS] = "egress",
};
#endif

#endif /* TUNCTL_REASONS_H */
