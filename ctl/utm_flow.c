// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sessions the UTM follows: a fixed table, each session in one of
 * UTM_PROBE slots from its hash. A full window refuses the new session
 * (fail closed: its SYN is dropped) unless a slot has gone idle.
 */
#include <stdlib.h>
#include <string.h>

#include "utm.h"

static uint32_t flow_hash(const struct utm_flow *k)
{
	uint32_t h = k->tunnel * 0x9e3779b1u;

	h ^= k->caddr * 0x85ebca6bu;
	h ^= k->saddr * 0xc2b2ae35u;
	h ^= ((uint32_t)k->cport << 16 | k->sport) * 0x27d4eb2fu;
	h ^= k->proto;
	h ^= h >> 15;
	return h * 0x2c1b3c6du;
}

static bool same(const struct utm_flow *a, const struct utm_flow *b)
{
	return a->tunnel == b->tunnel && a->caddr == b->caddr &&
	       a->saddr == b->saddr && a->cport == b->cport &&
	       a->sport == b->sport && a->proto == b->proto;
}

static bool stale(const struct utm_flow *f, uint64_t now)
{
	return !f->tunnel || now - f->seen_ns > UTM_IDLE_NS ||
	       (f->closed_ns && now - f->closed_ns > UTM_CLOSED_NS);
}

struct utm_flow *utm_flow_find(struct utm *u, const struct utm_flow *key,
			       uint64_t now)
{
	uint32_t h = flow_hash(key);
	struct utm_flow *f;
	unsigned int i;

	for (i = 0; i < UTM_PROBE; i++) {
		f = &u->flows[(h + i) % UTM_FLOWS];
		if (f->tunnel && same(f, key) && !stale(f, now))
			return f;
	}
	return NULL;
}

void utm_flow_free(struct utm_flow *f)
{
	l7_stream_free(&f->s[0]);
	l7_stream_free(&f->s[1]);
	memset(f, 0, sizeof(*f));
}

struct utm_flow *utm_flow_add(struct utm *u, const struct utm_flow *key,
			      uint64_t now)
{
	uint32_t h = flow_hash(key);
	struct utm_flow *f, *slot = NULL;
	unsigned int i;

	for (i = 0; i < UTM_PROBE; i++) {
		f = &u->flows[(h + i) % UTM_FLOWS];
		/* A session opened again replaces itself. */
		if ((f->tunnel && same(f, key)) || (!slot && stale(f, now)))
			slot = f;
		if (f->tunnel && same(f, key))
			break;
	}
	if (!slot)
		return NULL;
	utm_flow_free(slot);
	slot->tunnel = key->tunnel;
	slot->caddr = key->caddr;
	slot->saddr = key->saddr;
	slot->cport = key->cport;
	slot->sport = key->sport;
	slot->proto = key->proto;
	slot->seen_ns = now;
	return slot;
}
