// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sessions the UTM follows: a fixed table, each session in one of
 * UTM_PROBE slots from a seeded hash (a peer cannot aim at a window it
 * cannot compute). A full window refuses the new session (fail closed:
 * its SYN is dropped) unless a slot has gone stale; one tunnel holds at
 * most UTM_TUNNEL_FLOWS, so it cannot crowd the others out, and a
 * session that never completes its handshake goes stale in seconds.
 */
#include <stdlib.h>
#include <string.h>

#include "utm.h"

static uint32_t flow_hash(const struct utm *u, const struct utm_flow *k)
{
	uint32_t h = (k->tunnel ^ u->seed) * 0x9e3779b1u;

	h ^= (k->caddr ^ u->seed) * 0x85ebca6bu;
	h ^= k->saddr * 0xc2b2ae35u;
	h ^= ((uint32_t)k->cport << 16 | k->sport) * 0x27d4eb2fu;
	h ^= k->proto;
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	return h ^ h >> 13;
}

static bool same(const struct utm_flow *a, const struct utm_flow *b)
{
	return a->tunnel == b->tunnel && a->caddr == b->caddr &&
	       a->saddr == b->saddr && a->cport == b->cport &&
	       a->sport == b->sport && a->proto == b->proto;
}

bool utm_flow_live(const struct utm_flow *f, uint64_t now)
{
	if (!f->tunnel || now - f->seen_ns > UTM_IDLE_NS)
		return false;
	if (f->closed_ns && now - f->closed_ns > UTM_CLOSED_NS)
		return false;
	/* A SYN never answered holds a slot for seconds, not minutes. */
	return f->seq_known[L7_TO_CLIENT] || now - f->seen_ns <= UTM_HALF_OPEN_NS;
}

struct utm_flow *utm_flow_find(struct utm *u, const struct utm_flow *key,
			       uint64_t now)
{
	uint32_t h = flow_hash(u, key);
	struct utm_flow *f;
	unsigned int i;

	for (i = 0; i < UTM_PROBE; i++) {
		f = &u->flows[(h + i) % UTM_FLOWS];
		if (f->tunnel && same(f, key) && utm_flow_live(f, now))
			return f;
	}
	return NULL;
}

void utm_flow_free(struct utm *u, struct utm_flow *f)
{
	if (f->tunnel && u->tunnel_flows[f->tunnel & 0xffff])
		u->tunnel_flows[f->tunnel & 0xffff]--;
	if (f->keep.buf)
		u->kept_bytes -= UTM_KEEP;
	free(f->keep.buf);
	l7_stream_free(&f->s[0]);
	l7_stream_free(&f->s[1]);
	memset(f, 0, sizeof(*f));
}

/* A tunnel at its quota: what it holds may be stale slots, free them. */
static void sweep_tunnel(struct utm *u, uint32_t tunnel, uint64_t now)
{
	size_t i;

	for (i = 0; i < UTM_FLOWS; i++)
		if (u->flows[i].tunnel == tunnel &&
		    !utm_flow_live(&u->flows[i], now))
			utm_flow_free(u, &u->flows[i]);
}

/*
 * A new session in a free or stale slot. The caller has checked that
 * no live session has this key (a SYN on one is refused, never made
 * to replace it).
 */
struct utm_flow *utm_flow_add(struct utm *u, const struct utm_flow *key,
			      uint64_t now)
{
	uint32_t h = flow_hash(u, key);
	struct utm_flow *f, *slot = NULL;
	unsigned int i;

	if (u->tunnel_flows[key->tunnel & 0xffff] >= UTM_TUNNEL_FLOWS) {
		sweep_tunnel(u, key->tunnel, now);
		if (u->tunnel_flows[key->tunnel & 0xffff] >= UTM_TUNNEL_FLOWS)
			return NULL;
	}
	for (i = 0; i < UTM_PROBE; i++) {
		f = &u->flows[(h + i) % UTM_FLOWS];
		if (f->tunnel && same(f, key)) {
			slot = f;	/* its old, dead self */
			break;
		}
		if (!slot && !utm_flow_live(f, now))
			slot = f;
	}
	if (!slot)
		return NULL;
	utm_flow_free(u, slot);
	slot->tunnel = key->tunnel;
	slot->caddr = key->caddr;
	slot->saddr = key->saddr;
	slot->cport = key->cport;
	slot->sport = key->sport;
	slot->proto = key->proto;
	slot->seen_ns = now;
	u->tunnel_flows[key->tunnel & 0xffff]++;
	return slot;
}
