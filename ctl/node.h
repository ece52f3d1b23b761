/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tunnel engine the daemon runs: the overlay TUN device, the UDP
 * socket on listen_port, one runtime tunnel per configured tunnel with its
 * handshake and sessions, and the datapath maps that admit their packets.
 */
#ifndef TUNCTL_NODE_H
#define TUNCTL_NODE_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <jansson.h>

#include "config.h"
#include "handshake.h"
#include "index_table.h"
#include "policy.h"
#include "session.h"

/* Per-tunnel drop reasons, counted by the daemon (tunnel list shows them). */
enum tdrop {
	TDROP_NOT_AUTHENTIC,	/* data that fails its tag */
	TDROP_REPLAY,		/* a counter seen before, or too old */
	TDROP_POLICY,		/* inner packet not this tunnel's */
	TDROP_NO_SESSION,	/* nothing to send on, queue full */
	TDROP_DISABLED,
	TDROP_HS_REJECTED,	/* initiation or response not genuine */
	TDROP_HS_REPLAY,	/* an initiation not newer than the last */
	TDROP_UTM,		/* the L7 firewall or the IPS blocked it */
	TDROP_MAX,
};

extern const char *const tdrop_names[TDROP_MAX];

#define TUNNEL_QUEUE 16

struct tunnel {
	struct conf_tunnel conf;
	struct hs_keys keys;
	struct tunnel_rule rule;
	struct flow_ports flows;	/* the client's ports in use */
	bool enabled;
	bool has_endpoint;
	struct sockaddr_in endpoint;	/* where the peer is (learned or set) */
	bool endpoint_in_map;

	/* The client's handshake in flight, or waiting for its turn. */
	bool hs_pending;
	bool hs_queued, hs_queued_retry;	/* node.c hs_start: paced */
	struct noise_hs hs;
	uint32_t hs_index;
	uint64_t hs_sent_ns, hs_started_ns;
	uint8_t last_ts[TUNCTL_TIMESTAMP_LEN];	/* server: newest init seen */
	int64_t last_handshake;			/* CLOCK_REALTIME seconds */

	/*
	 * cur: what we send on. prev: still accepted while the peer moves
	 * over. next (server): a new session the client has not used yet.
	 */
	struct session cur, prev, next;

	uint8_t *queue[TUNNEL_QUEUE];
	uint16_t queue_len[TUNNEL_QUEUE];
	unsigned int queued;

	/* Relays (peer "via"): the path in use and when it went quiet. */
	size_t via_cur;
	uint64_t unanswered_since_ns;	/* first send since the last receipt */
	uint64_t last_rx_ns, last_tx_ns;
	/*
	 * The last receipt that wants an answer: data, or the response that
	 * made a session (the server waits for the client's first packet
	 * on it). Never a keepalive: two sides answering each other's
	 * keepalives would do so for as long as the session lives.
	 */
	uint64_t last_answerable_rx_ns;
	uint64_t failovers;

	uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes;
	uint64_t handshakes;
	uint64_t drops[TDROP_MAX];
};

struct route;
struct utm;
struct udp_batch;
struct offload_gro;

#define NODE_MAX_OWN_ADDRS 64

struct node {
	const char *dev;
	struct tunctl_conf conf;
	struct tunnel *tunnels;
	size_t n;
	int tun_fd, udp_fd;
	struct udp_batch *tx;		/* datagrams on their way out */
	struct offload_gro *gro;	/* segments on their way in */
	uint64_t tun_write_errors;
	/* Initiations left in the pacing bucket, and when it was filled. */
	unsigned int hs_tokens;
	uint64_t hs_refill_ns;
	/* Datagrams whose first fragment passed (policy.h), by tunnel index. */
	struct frag_trail frags;
	int map_tunnels, map_sessions, map_peers;
	struct index_table index;	/* local session index -> tunnel */
	struct route *routes;		/* outbound: (peer, proto, port) */
	size_t n_routes;
	uint64_t drops_no_tunnel;	/* overlay packets of no tunnel */
	struct utm *utm;		/* L7 firewall and IPS; NULL: none */

	int overlay_link;		/* tcx link of the overlay program */
	bool forwarding;		/* NAT table set up (gateway, external) */
	bool internet_route;		/* our rule and table are in place */
	struct tunnel *inet_client;	/* our internet tunnel, if any */
	/* local.networks as the policy reads them. */
	uint32_t local_net[CONF_MAX_NETWORKS], local_mask[CONF_MAX_NETWORKS];
	/* A gateway never forwards to itself: its addresses, refreshed. */
	uint32_t own_addrs[NODE_MAX_OWN_ADDRS];
	size_t n_own_addrs;
	uint64_t own_addrs_ns;
};

/*
 * Everything up (TUN, socket, maps, first handshakes) or -errno. Takes
 * *conf over (the caller's copy is emptied); node_stop frees it.
 */
int node_start(struct node *nd, const char *dev, struct tunctl_conf *conf);
void node_stop(struct node *nd);
void node_on_tun(struct node *nd);
void node_on_udp(struct node *nd);
/*
 * Timers: handshake retries, session expiry, paced initiations; call
 * every NODE_TICK_MS.
 */
#define NODE_TICK_MS 250
void node_tick(struct node *nd);
/*
 * Apply a changed config: unchanged tunnels keep their sessions, removed
 * ones are torn down, new ones start. The node section must not change.
 * why gets a one-line summary or the reason for refusing (nothing
 * changed then).
 */
int node_reload(struct node *nd, const char *config_path, char *why,
		size_t why_len);
/* Enable or disable one tunnel, effective for the next packet. */
int node_set_enabled(struct node *nd, uint32_t id, bool enabled);
/*
 * Undo what a daemon for dev may have left in the kernel outside the
 * device (the internet rule, the NAT table) when it died unclean.
 */
void node_forget_kernel_state(const char *dev);
/*
 * Load the IPS rules again from the config's "utm.rules": swapped whole
 * between two packets, or refused (why: FILE:LINE: reason) keeping the
 * old set.
 */
int node_ips_reload(struct node *nd, char *why, size_t why_len);
/* The UTM's rules and counters, for "ips status". */
json_t *node_utm_json(struct node *nd);
/* The tunnels as "tunnel list" shows them. */
json_t *node_tunnels_json(struct node *nd);

#endif /* TUNCTL_NODE_H */
