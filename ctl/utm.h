/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The UTM role: every decrypted packet of a tunnel, both ways, passes
 * here before it goes on: the tunnel's L7 firewall (l7.h) on its
 * sessions and the node's IPS (ips.h) on its packets and messages. What
 * either forbids is dropped, its session blocked (a TCP one reset where
 * the policy says so) and logged to the EVE log (eve.h).
 *
 * TCP is followed in order, inline: a segment ahead of what was seen is
 * dropped (its sender sends it again, after the gap), so what the
 * service receives is exactly what was judged. A session whose start
 * was not seen is not picked up on a tunnel with an L7 policy: dropped.
 */
#ifndef TUNCTL_UTM_H
#define TUNCTL_UTM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eve.h"
#include "ips.h"
#include "l7.h"
#include "l7_stream.h"

#define UTM_FLOWS 4096		/* sessions followed at once, per node */
#define UTM_PROBE 16		/* slots a session may sit in */
#define UTM_TUNNEL_FLOWS 512	/* of them one tunnel may hold */
#define UTM_IDLE_NS (600ULL * 1000000000ULL)
#define UTM_CLOSED_NS (10ULL * 1000000000ULL)
#define UTM_HALF_OPEN_NS (10ULL * 1000000000ULL)
/*
 * Judged bytes the server has not acknowledged yet are kept, so that a
 * segment sent again must carry the same bytes: else a client could get
 * a judged segment discarded (a bad checksum, a stale timestamp) and
 * send other bytes in its place as a "retransmission". Per session and
 * in all; past either, new data waits (is dropped) for the ACKs.
 */
#define UTM_KEEP (128u << 10)
#define UTM_KEEP_TOTAL (64u << 20)

/* Judged bytes [seq, seq + len) to server, in a ring of UTM_KEEP. */
struct utm_keep {
	uint8_t *buf;
	uint32_t seq, len, head;
};

struct utm_flow {
	uint32_t tunnel;		/* id; 0: free slot */
	uint32_t caddr, saddr;		/* client, server (network order) */
	uint16_t cport, sport;		/* host order */
	uint8_t proto;
	uint8_t app;			/* enum l7_proto it was opened under */
	bool blocked;
	uint8_t fin;			/* bit per direction (l7_dir) */
	bool seq_known[2];
	bool data_seen;			/* to server, past the SYN */
	uint32_t next_seq[2];		/* per direction */
	uint64_t seen_ns, closed_ns;
	struct l7_state st;
	struct l7_stream s[2];
	struct utm_keep keep;
};

struct utm_stats {
	uint64_t packets, violations, ips_alerts, ips_drops;
	uint64_t out_of_order, no_session, table_full;
	uint64_t keep_full;	/* data held back for want of room to keep it */
	uint64_t bad_tcp;	/* SYN, RST, URG or ACK-less data refused */
};

struct utm {
	struct ips_ruleset *ips;	/* NULL: no IPS */
	struct eve_log log;
	struct utm_flow *flows;		/* UTM_FLOWS slots */
	uint16_t *tunnel_flows;		/* [tunnel id]: slots it holds */
	uint32_t seed;			/* of the slot hash: not guessable */
	uint64_t kept_bytes;		/* keep buffers allocated */
	struct utm_stats stats;
};

enum utm_verdict {
	UTM_PASS = 0,
	UTM_DROP,
	UTM_RESET,	/* drop, and reset the session both ways */
};

/* What the caller knows of the packet. */
struct utm_pkt {
	uint32_t tunnel;
	const struct l7_policy *pol;	/* the tunnel's, or NULL */
	enum l7_dir dir;
	const uint8_t *pkt;		/* the inner IPv4 packet */
	size_t len;
};

/* A reset for each side, to send where they are (40-byte packets). */
struct utm_reset {
	uint8_t to_server[40];
	uint8_t to_client[40];
};

int utm_init(struct utm *u, const char *log_path, uint64_t max_bytes,
	     unsigned int keep);
void utm_fini(struct utm *u);
/* Swap the IPS rules (NULL: none); the old set is freed. */
void utm_set_rules(struct utm *u, struct ips_ruleset *rs);
/* Is there anything to inspect on a tunnel with this policy? */
static inline bool utm_wants(const struct utm *u, const struct l7_policy *pol)
{
	return u && (pol || u->ips);
}
enum utm_verdict utm_inspect(struct utm *u, const struct utm_pkt *p,
			     uint64_t now, struct utm_reset *rst);

/* Flow table (utm_flow.c). */
struct utm_flow *utm_flow_find(struct utm *u, const struct utm_flow *key,
			       uint64_t now);
struct utm_flow *utm_flow_add(struct utm *u, const struct utm_flow *key,
			      uint64_t now);
void utm_flow_free(struct utm *u, struct utm_flow *f);
/* Judged bytes awaiting their ACK (utm_keep.c). */
void utm_keep_ack(struct utm_keep *k, uint32_t ack);
bool utm_keep_room(const struct utm_keep *k, size_t n);
void utm_keep_add(struct utm_keep *k, const uint8_t *p, size_t n);
bool utm_keep_differs(const struct utm_keep *k, uint32_t seq,
		      const uint8_t *p, size_t n);
/* Does a slot hold a live session (not free, idle, closed or half-open)? */
bool utm_flow_live(const struct utm_flow *f, uint64_t now);

#endif
