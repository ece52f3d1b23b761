// SPDX-License-Identifier: GPL-2.0-only
/* The inner-packet policy of a regular tunnel. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "policy.h"

#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO 8

enum inner_verdict inner_parse(const uint8_t *pkt, size_t len,
			       struct inner_pkt *out)
{
	size_t ihl, tot, off;
	uint16_t frag;

	if (len < 20 || pkt[0] >> 4 != 4)
		return INNER_MALFORMED;
	ihl = (pkt[0] & 0xf) * 4;
	tot = (size_t)pkt[2] << 8 | pkt[3];
	/* No IP options: nothing in a tunnel needs them (source routes...). */
	if (ihl != 20 || tot < ihl || tot > len)
		return INNER_MALFORMED;
	memset(out, 0, sizeof(*out));
	memcpy(&out->saddr, pkt + 12, 4);
	memcpy(&out->daddr, pkt + 16, 4);
	out->proto = pkt[9];
	frag = (uint16_t)(pkt[6] << 8 | pkt[7]);
	if (frag & 0x3fff) {
		/* Offset in 8-byte units; MF 0x2000. */
		off = frag & 0x1fff;
		out->frag_id = (uint16_t)(pkt[4] << 8 | pkt[5]);
		out->frag = off ? INNER_FRAG_LATER : INNER_FRAG_FIRST;
		if (off && out->proto == IPPROTO_TCP && off * 8 < 20)
			return INNER_MALFORMED;
		if (off)
			return tot > ihl ? INNER_OK : INNER_MALFORMED;
	}
	switch (out->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		if (tot < ihl + (out->proto == IPPROTO_TCP ? 20 : 8))
			return INNER_MALFORMED;
		out->sport = pkt[ihl] << 8 | pkt[ihl + 1];
		out->dport = pkt[ihl + 2] << 8 | pkt[ihl + 3];
		if (out->proto == IPPROTO_TCP)
			out->tcp_flags = pkt[ihl + 13];
		break;
	case IPPROTO_ICMP:
		if (tot < ihl + 8)
			return INNER_MALFORMED;
		out->sport = pkt[ihl];
		break;
	default:
		break;
	}
	return INNER_OK;
}

uint16_t policy_out_port(bool server, const struct inner_pkt *p)
{
	if (p->proto == IPPROTO_ICMP)
		return 0;
	return server ? p->sport : p->dport;
}

bool policy_internet_addr(const struct tunnel_rule *r, uint32_t addr)
{
	uint32_t h = ntohl(addr);
	size_t i;

	if ((addr & r->overlay_mask) == r->overlay_net)
		return false;
	if ((h >> 24) == 0 || (h >> 24) == 127 || (h >> 16) == 0xa9fe ||
	    (h >> 28) >= 0xe)
		return false;
	for (i = 0; i < r->n_local; i++)
		if ((addr & r->local_mask[i]) == r->local_net[i])
			return false;
	return true;
}

/*
 * An internet tunnel's packet: the client's overlay address on its side,
 * an Internet address on the other, a transport we carry.
 */
static enum inner_verdict internet_check(const struct tunnel_rule *r,
					 const struct inner_pkt *p,
					 bool outbound)
{
	bool from_client = outbound != r->server;
	uint32_t client = r->server ? r->peer_addr : r->own_addr;
	uint32_t remote = from_client ? p->daddr : p->saddr;

	if ((from_client ? p->saddr : p->daddr) != client ||
	    !policy_internet_addr(r, remote))
		return INNER_NOT_ALLOWED;
	if (p->proto == IPPROTO_ICMP)
		return p->sport == (from_client ? ICMP_ECHO : ICMP_ECHO_REPLY) ?
		       INNER_OK : INNER_NOT_ALLOWED;
	return p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP ?
	       INNER_OK : INNER_NOT_ALLOWED;
}

enum inner_verdict policy_check(const struct tunnel_rule *r,
				const struct inner_pkt *p, bool outbound)
{
	/* Requests go client -> server; replies come back. */
	bool request = outbound != r->server;
	uint32_t src = outbound ? r->own_addr : r->peer_addr;
	uint32_t dst = outbound ? r->peer_addr : r->own_addr;

	if (r->internet)
		return internet_check(r, p, outbound);
	if (p->saddr != src || p->daddr != dst || p->proto != r->proto)
		return INNER_NOT_ALLOWED;
	if (p->proto == IPPROTO_ICMP)
		return p->sport == (request ? ICMP_ECHO : ICMP_ECHO_REPLY) ?
		       INNER_OK : INNER_NOT_ALLOWED;
	if ((request ? p->dport : p->sport) != r->port)
		return INNER_NOT_ALLOWED;
	return INNER_OK;
}

static void flows_note(struct flow_ports *f, uint16_t port, uint64_t now)
{
	size_t i, oldest = 0;

	for (i = 0; i < FLOW_PORTS; i++) {
		if (f->seen[i] && f->port[i] == port) {
			f->seen[i] = now;
			return;
		}
		if (f->seen[i] < f->seen[oldest])
			oldest = i;
	}
	f->port[oldest] = port;
	f->seen[oldest] = now;
}

static bool flows_has(const struct flow_ports *f, uint16_t port, uint64_t now)
{
	size_t i;

	for (i = 0; i < FLOW_PORTS; i++)
		if (f->seen[i] && f->port[i] == port &&
		    now - f->seen[i] < FLOW_IDLE_NS)
			return true;
	return false;
}

enum inner_verdict policy_flow(struct flow_ports *f,
			       const struct tunnel_rule *r,
			       const struct inner_pkt *p, bool outbound,
			       uint64_t now_ns)
{
	enum inner_verdict v = policy_check(r, p, outbound);
	bool request = outbound != r->server;

	if (v != INNER_OK || p->proto == IPPROTO_ICMP)
		return v;
	if (request) {
		flows_note(f, p->sport, now_ns);
		return INNER_OK;
	}
	if (p->proto == IPPROTO_TCP &&
	    (p->tcp_flags & (TH_SYN | TH_ACK)) == TH_SYN)
		return INNER_NOT_ALLOWED;
	return flows_has(f, p->dport, now_ns) ? INNER_OK : INNER_NOT_ALLOWED;
}

static bool trail_live(const struct frag_trail_entry *e, uint64_t now_ns)
{
	return e->seen && now_ns - e->seen < FRAG_TRAIL_NS;
}

static bool trail_is(const struct frag_trail_entry *e,
		     const struct inner_pkt *p, bool outbound, uint64_t now_ns)
{
	return trail_live(e, now_ns) && e->saddr == p->saddr && e->daddr == p->daddr &&
	       e->id == p->frag_id && e->proto == p->proto &&
	       e->outbound == outbound;
}

void frag_trail_note(struct frag_trail *ft, const struct inner_pkt *p,
		     bool outbound, uint32_t tunnel, uint64_t now_ns)
{
	struct frag_trail_entry *e, *use = &ft->e[0], *own = NULL;
	unsigned int mine = 0;
	size_t i;

	for (i = 0; i < FRAG_TRAIL; i++) {
		e = &ft->e[i];
		if (trail_is(e, p, outbound, now_ns)) {
			use = e;	/* the id again: its newest first wins */
			mine = 0;
			break;
		}
		if (e->seen < use->seen)
			use = e;	/* free (0) or oldest */
		if (trail_live(e, now_ns) && e->tunnel == tunnel) {
			mine++;
			if (!own || e->seen < own->seen)
				own = e;
		}
	}
	/* A tunnel at its share makes room in its own trails, not others'. */
	if (mine >= FRAG_TRAIL_PER_TUNNEL)
		use = own;
	use->saddr = p->saddr;
	use->daddr = p->daddr;
	use->id = p->frag_id;
	use->proto = p->proto;
	use->outbound = outbound;
	use->tunnel = tunnel;
	use->seen = now_ns ? now_ns : 1;
}

long frag_trail_find(const struct frag_trail *ft, const struct inner_pkt *p,
		     bool outbound, uint64_t now_ns)
{
	size_t i;

	for (i = 0; i < FRAG_TRAIL; i++)
		if (trail_is(&ft->e[i], p, outbound, now_ns))
			return ft->e[i].tunnel;
	return -1;
}
