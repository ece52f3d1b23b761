/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What may cross a tunnel, judged on the inner (decrypted) IPv4 packet.
 * A regular tunnel carries one protocol and port from its client to its
 * server and only replies back: the client's requests go to the server's
 * overlay address and the tunnel's port, the server's answers come from
 * that port. For ICMP: echo requests one way, echo replies the other.
 */
#ifndef TUNCTL_POLICY_H
#define TUNCTL_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whole, or which part of a fragmented datagram (inner_pkt.frag). */
enum inner_frag {
	INNER_WHOLE = 0,
	INNER_FRAG_FIRST,	/* offset 0, more to come: has the L4 header */
	INNER_FRAG_LATER,	/* no L4 header: judged by its first (frag_trail) */
};

/* The parts of an inner packet the policy looks at (network order). */
struct inner_pkt {
	uint32_t saddr, daddr;
	uint8_t proto;
	uint8_t tcp_flags;
	uint16_t sport, dport;	/* host order; ICMP: type in sport; 0 in LATER */
	uint8_t frag;		/* enum inner_frag */
	uint16_t frag_id;	/* the IP id, host order, for fragments */
};

/*
 * The client ports of a tunnel's live flows: a reply is let through only
 * to a port the client itself has sent from (and TCP never as a new
 * connection), so the server side cannot open flows to the client.
 */
#define FLOW_PORTS 64
#define FLOW_IDLE_NS (180ULL * 1000000000ULL)

struct flow_ports {
	uint16_t port[FLOW_PORTS];
	uint64_t seen[FLOW_PORTS];	/* CLOCK_MONOTONIC ns; 0: free */
};

enum inner_verdict {
	INNER_OK = 0,
	INNER_MALFORMED,	/* not a sane IPv4 packet or fragment */
	INNER_NOT_ALLOWED,	/* well formed, but not this tunnel's */
};

/*
 * One side's view of a tunnel's traffic. An external tunnel is a regular
 * one whose service address is its target: the client's peer_addr, the
 * server's own_addr. An internet tunnel carries TCP, UDP and ICMP echo
 * between the client's overlay address (own_addr on the client, peer_addr
 * on the gateway) and any Internet address (see policy_internet_addr).
 */
struct tunnel_rule {
	bool server;		/* our side of the tunnel */
	bool internet;
	uint32_t own_addr;	/* network order */
	uint32_t peer_addr;
	uint8_t proto;		/* 0 for internet */
	uint16_t port;		/* host order; 0 for ICMP and internet */
	/* Internet: what is not the Internet (network order). */
	uint32_t overlay_net, overlay_mask;
	const uint32_t *local_net, *local_mask;	/* the node's local.networks */
	size_t n_local;
};

/*
 * May an internet tunnel carry traffic to (or from) this address? Not the
 * overlay, the node's local networks, this network (0/8), loopback,
 * link-local, multicast, reserved (240/4) or broadcast.
 */
bool policy_internet_addr(const struct tunnel_rule *r, uint32_t addr);

/*
 * Parse the headers the policy needs; INNER_OK or INNER_MALFORMED. A
 * first fragment must hold the whole L4 header; a later TCP fragment may
 * not start inside the 20-byte TCP header (RFC 1858's tiny and
 * overlapping fragments), a later one of anything else not at offset 0.
 */
enum inner_verdict inner_parse(const uint8_t *pkt, size_t len,
			       struct inner_pkt *out);
/* May this packet leave us into the tunnel (outbound) or come out of it? */
enum inner_verdict policy_check(const struct tunnel_rule *r,
				const struct inner_pkt *p, bool outbound);
/*
 * The key a packet leaving us is looked up by: the peer's address, the
 * protocol and the tunnel's port as this packet carries it (dport on the
 * client side, sport on the server side; 0 for ICMP).
 */
uint16_t policy_out_port(bool server, const struct inner_pkt *p);

/*
 * policy_check, and for TCP/UDP the flow rule: requests note the client's
 * port, replies need a noted port (and no bare SYN).
 */
enum inner_verdict policy_flow(struct flow_ports *f,
			       const struct tunnel_rule *r,
			       const struct inner_pkt *p, bool outbound,
			       uint64_t now_ns);

/*
 * Fragments of a datagram whose first fragment the policy let through:
 * its later fragments carry no ports, so they pass on its word, for the
 * same tunnel, direction, addresses, protocol and IP id, for
 * FRAG_TRAIL_NS. Anything else without a first fragment that passed
 * finds nothing here and is dropped. A fixed table for the node: the
 * oldest trail makes room for a new one, but a tunnel holding
 * FRAG_TRAIL_PER_TUNNEL live trails gives up its own oldest, so that the
 * peer of one tunnel cannot push the others' out.
 */
#define FRAG_TRAIL 256
#define FRAG_TRAIL_PER_TUNNEL 32
#define FRAG_TRAIL_NS (5ULL * 1000000000ULL)

struct frag_trail_entry {
	uint32_t saddr, daddr;
	uint16_t id;
	uint8_t proto;
	bool outbound;
	uint32_t tunnel;	/* the caller's index of the tunnel */
	uint64_t seen;		/* CLOCK_MONOTONIC ns; 0: free */
};

struct frag_trail {
	struct frag_trail_entry e[FRAG_TRAIL];
};

/* A first fragment (p->frag == INNER_FRAG_FIRST) the policy let through. */
void frag_trail_note(struct frag_trail *ft, const struct inner_pkt *p,
		     bool outbound, uint32_t tunnel, uint64_t now_ns);
/* The tunnel a later fragment belongs to, or -1 when none let its first through. */
long frag_trail_find(const struct frag_trail *ft, const struct inner_pkt *p,
		     bool outbound, uint64_t now_ns);

#endif /* TUNCTL_POLICY_H */
