/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The node's JSON config (PRODUCT.md): parsed with jansson into one data
 * model, every error collected with its FILE:LINE:COL so the operator
 * sees them all at once. Nothing is applied unless the whole file is good.
 */
#ifndef TUNCTL_CONFIG_H
#define TUNCTL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "keys.h"
#include "l7.h"

#define CONF_MAX_ERRORS 64
#define CONF_MAX_PEERS 1024
#define CONF_MAX_TUNNELS 16384
#define CONF_NAME_MAX 64

#define CONF_MAX_NETWORKS 32

struct conf_prefix {
	struct in_addr net;	/* host bits zero */
	uint8_t len;
};

struct conf_local {
	bool arp;
	bool ndp;
	bool dhcp;
	/*
	 * The node's local networks: an internet tunnel's client keeps them
	 * off the tunnel (routed as before), its gateway never forwards to
	 * them. Explicit; none by default.
	 */
	struct conf_prefix networks[CONF_MAX_NETWORKS];
	size_t n_networks;
};

enum conf_tunnel_type {
	TUNNEL_REGULAR,
	TUNNEL_INTERNET,
	TUNNEL_EXTERNAL,
};

#define CONF_MAX_VIA 4
#define CONF_MAX_RELAYS 4096

struct conf_peer {
	char name[CONF_NAME_MAX];
	bool has_endpoint;
	struct sockaddr_in endpoint;
	struct in_addr overlay;
	/*
	 * Relays to reach it through, in order of preference: the first hop
	 * of each path (further hops are the relays' own config).
	 */
	struct sockaddr_in via[CONF_MAX_VIA];
	size_t n_via;
};

/* A relay's forwarding rule: tunnel's packets between two neighbours. */
struct conf_relay {
	uint32_t tunnel;
	struct sockaddr_in side[2];
};

struct conf_tunnel {
	uint32_t id;
	enum conf_tunnel_type type;
	bool server;		/* "side": "server" */
	bool enabled;		/* "enabled", default true */
	size_t peer;		/* index into tunctl_conf.peers */
	uint8_t protocol;	/* IPPROTO_TCP/UDP/ICMP; 0 for internet */
	uint16_t port;		/* host order; 0 for icmp and internet */
	struct in_addr target;	/* external only */
	uint8_t private_key[KEY_LEN];
	uint8_t peer_public_key[KEY_LEN];
	/* Client side: relays for this tunnel alone (else the peer's). */
	struct sockaddr_in via[CONF_MAX_VIA];
	size_t n_via;
	/* "l7": 1 + its index in tunctl_conf.l7; 0: no L7 firewall. */
	uint32_t l7;
};

#define CONF_PATH_MAX 256
#define CONF_EVE_MAX_BYTES (16ULL << 20)
#define CONF_EVE_KEEP 5

/* "utm": the IPS rules and the event log (eve.h). */
struct conf_utm {
	char rules[CONF_PATH_MAX];	/* "": no IPS */
	char eve_log[CONF_PATH_MAX];	/* "": /var/log/tunctl/DEV.eve.json */
	uint64_t eve_max_bytes;
	unsigned int eve_keep;
};

struct tunctl_conf {
	struct conf_local local;
	char node_name[CONF_NAME_MAX];
	uint16_t listen_port;		/* host order; 0 when not given */
	char overlay_ifname[16];
	struct in_addr overlay_addr;
	uint8_t overlay_prefix;
	bool has_overlay;
	struct conf_peer *peers;
	size_t n_peers;
	struct conf_tunnel *tunnels;	/* private keys: conf_free wipes */
	size_t n_tunnels;
	struct conf_relay *relays;
	size_t n_relays;
	struct l7_policy *l7;		/* the tunnels' L7 policies */
	size_t n_l7;
	struct conf_utm utm;
};

struct conf_diag {
	char *msg[CONF_MAX_ERRORS];
	size_t n;
	size_t more;	/* errors beyond CONF_MAX_ERRORS, counted only */
};

/* What a node runs with when no config is given. */
void conf_defaults(struct tunctl_conf *conf);
/* Free the peers and tunnels, wiping the keys. */
void conf_free(struct tunctl_conf *conf);
/* 0 when valid; -EINVAL with diag filled; other -errno for I/O (in diag). */
int conf_load_file(const char *path, struct tunctl_conf *conf,
		   struct conf_diag *diag);
int conf_load_text(const char *name, const char *text, size_t len,
		   struct tunctl_conf *conf, struct conf_diag *diag);
void conf_diag_print(const struct conf_diag *diag);
void conf_diag_free(struct conf_diag *diag);
const char *conf_tunnel_type_name(enum conf_tunnel_type t);
/* A tunnel's L7 policy, or NULL. */
static inline const struct l7_policy *
conf_tunnel_l7(const struct tunctl_conf *c, const struct conf_tunnel *t)
{
	return t->l7 ? &c->l7[t->l7 - 1] : NULL;
}
const char *conf_protocol_name(uint8_t protocol);
/* Is a inside prefix p? */
bool conf_prefix_has(const struct conf_prefix *p, struct in_addr a);
/* Datapath flags (TUNCTL_CFG_*) for this config. */
unsigned int conf_dp_flags(const struct tunctl_conf *conf);

#endif /* TUNCTL_CONFIG_H */
