// SPDX-License-Identifier: GPL-2.0-only
/*
 * The UTM's verdict on one decrypted packet (utm.h): the IPS on the
 * packet, then the tunnel's L7 policy on its session, TCP followed in
 * order. Every block is logged once, with the rule or reason behind it.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/random.h>

#include "bytes.h"
#include "offload.h"
#include "utm.h"

#define MAX_HITS 8

struct view {
	uint8_t proto;
	bool frag, later;	/* a fragment; one without the L4 header */
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	const uint8_t *payload;
	size_t plen;
};

/* The node parsed and vetted the packet already; this finds its parts. */
static int view_parse(const uint8_t *pkt, size_t len, struct view *v)
{
	size_t ihl, tot, l4;

	memset(v, 0, sizeof(*v));
	if (len < 20 || pkt[0] >> 4 != 4)
		return -EINVAL;
	ihl = (size_t)(pkt[0] & 15) * 4;
	tot = get_be16(pkt + 2);
	if (ihl < 20 || tot < ihl || tot > len)
		return -EINVAL;
	v->proto = pkt[9];
	memcpy(&v->saddr, pkt + 12, 4);
	memcpy(&v->daddr, pkt + 16, 4);
	v->frag = get_be16(pkt + 6) & 0x3fff;
	v->later = get_be16(pkt + 6) & 0x1fff;
	if (v->later)
		return 0;
	l4 = tot - ihl;
	pkt += ihl;
	if (v->proto == IPPROTO_TCP) {
		size_t doff;

		if (l4 < 20 || (doff = (size_t)(pkt[12] >> 4) * 4) < 20 ||
		    doff > l4)
			return -EINVAL;
		v->sport = get_be16(pkt);
		v->dport = get_be16(pkt + 2);
		v->seq = get_be32(pkt + 4);
		v->ack = get_be32(pkt + 8);
		v->flags = pkt[13];
		v->payload = pkt + doff;
		v->plen = l4 - doff;
	} else if (v->proto == IPPROTO_UDP) {
		if (l4 < 8)
			return -EINVAL;
		v->sport = get_be16(pkt);
		v->dport = get_be16(pkt + 2);
		v->payload = pkt + 8;
		v->plen = l4 - 8;
	} else {
		v->payload = pkt;
		v->plen = l4;
	}
	return 0;
}

int utm_init(struct utm *u, const char *log_path, uint64_t max_bytes,
	     unsigned int keep)
{
	int ret;

	memset(u, 0, sizeof(*u));
	u->log.fd = -1;
	u->flows = calloc(UTM_FLOWS, sizeof(*u->flows));
	u->tunnel_flows = calloc(65536, sizeof(*u->tunnel_flows));
	if (!u->flows || !u->tunnel_flows ||
	    getrandom(&u->seed, sizeof(u->seed), 0) != sizeof(u->seed)) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = eve_open(&u->log, log_path, max_bytes, keep);
	if (!ret)
		return 0;
fail:
	free(u->flows);
	free(u->tunnel_flows);
	u->flows = NULL;
	u->tunnel_flows = NULL;
	return ret;
}

void utm_fini(struct utm *u)
{
	size_t i;

	if (u->flows && u->tunnel_flows)
		for (i = 0; i < UTM_FLOWS; i++)
			utm_flow_free(u, &u->flows[i]);
	free(u->flows);
	free(u->tunnel_flows);
	ips_free(u->ips);
	eve_close(&u->log);
	memset(u, 0, sizeof(*u));
	u->log.fd = -1;
}

void utm_set_rules(struct utm *u, struct ips_ruleset *rs)
{
	struct ips_ruleset *old = u->ips;

	u->ips = rs;
	ips_free(old);
}

/* The context of one packet's inspection, for the log and the IPS. */
struct inspect {
	struct utm *u;
	const struct utm_pkt *p;
	const struct view *v;
	struct ips_input in;
	const char *ips_why;
};

static void log_event(struct inspect *x, const char *type, const char *action,
		      const struct ips_hit *hit, const char *reason,
		      const char *l7_action)
{
	struct eve_event ev = {
		.event_type = type,
		.tunnel_id = x->p->tunnel,
		.proto = x->v->proto,
		.saddr = x->v->saddr,
		.daddr = x->v->daddr,
		.sport = x->v->sport,
		.dport = x->v->dport,
		.app_proto = x->p->pol ? l7_proto_name(x->p->pol->proto) : NULL,
		.action = action,
		.reason = reason,
		.l7_action = l7_action,
	};

	if (hit) {
		ev.sid = hit->sid;
		ev.rev = hit->rev;
		ev.msg = hit->msg;
	}
	eve_write(&x->u->log, &ev);
}

/* The IPS on what x->in holds: false if a drop rule matched. */
static bool ips_run(struct inspect *x)
{
	struct ips_hit hits[MAX_HITS];
	enum ips_action verdict;
	size_t n = 0, i;

	if (!x->u->ips)
		return true;
	verdict = ips_match(x->u->ips, &x->in, hits, MAX_HITS, &n);
	for (i = 0; i < n; i++) {
		log_event(x, "alert", hits[i].action == IPS_DROP ? "blocked" :
			  "allowed", &hits[i], NULL, NULL);
		x->u->stats.ips_alerts++;
	}
	if (verdict != IPS_DROP)
		return true;
	x->u->stats.ips_drops++;
	for (i = 0; i < n; i++)
		if (hits[i].action == IPS_DROP) {
			x->ips_why = hits[i].msg;
			break;
		}
	return false;
}

static bool on_msg(void *ctx, const struct l7_msg *m, const char **why)
{
	struct inspect *x = ctx;
	bool ok;

	x->in.msg = m;
	ok = ips_run(x);
	x->in.msg = NULL;
	if (!ok)
		*why = "ips";
	return ok;
}

/* An RST+ACK from (saddr, sport) to (daddr, dport). */
static void build_rst(uint8_t out[40], uint32_t saddr, uint16_t sport,
		      uint32_t daddr, uint16_t dport, uint32_t seq, uint32_t ack)
{
	memset(out, 0, 40);
	out[0] = 0x45;
	put_be16(out + 2, 40);
	put_be16(out + 6, 0x4000);		/* DF */
	out[8] = 64;
	out[9] = IPPROTO_TCP;
	memcpy(out + 12, &saddr, 4);
	memcpy(out + 16, &daddr, 4);
	offload_ip_csum_set(out, 20);
	put_be16(out + 20, sport);
	put_be16(out + 22, dport);
	put_be32(out + 24, seq);
	put_be32(out + 28, ack);
	out[32] = 5 << 4;
	out[33] = TH_RST | TH_ACK;
	offload_tcp4_csum_set(out, 20, 40);
}

/* A session ends here: blocked for what is left of it, logged once. */
static enum utm_verdict violation(struct inspect *x, struct utm_flow *f,
				  enum l7_result res, const char *why,
				  struct utm_reset *rst)
{
	bool reset = f && x->p->pol && x->p->pol->reset;
	char reason[160];

	x->u->stats.violations++;
	if (f)
		f->blocked = true;
	/* An IPS drop has logged its alert; a policy one logs its reason. */
	if (res != L7_DENIED || strcmp(why, "ips")) {
		snprintf(reason, sizeof(reason), "%s%s",
			 res == L7_MALFORMED ? "malformed: " : "", why);
		log_event(x, "drop", "blocked", NULL, reason,
			  reset ? "reset" : "drop");
	}
	if (!reset)
		return UTM_DROP;
	build_rst(rst->to_server, f->caddr, f->cport, f->saddr, f->sport,
		  f->next_seq[L7_TO_SERVER], f->next_seq[L7_TO_CLIENT]);
	build_rst(rst->to_client, f->saddr, f->sport, f->caddr, f->cport,
		  f->next_seq[L7_TO_CLIENT], f->next_seq[L7_TO_SERVER]);
	return UTM_RESET;
}

static void flow_key(const struct utm_pkt *p, const struct view *v,
		     struct utm_flow *k)
{
	memset(k, 0, sizeof(*k));
	k->tunnel = p->tunnel;
	k->proto = v->proto;
	if (p->dir == L7_TO_SERVER) {
		k->caddr = v->saddr;
		k->cport = v->sport;
		k->saddr = v->daddr;
		k->sport = v->dport;
	} else {
		k->caddr = v->daddr;
		k->cport = v->dport;
		k->saddr = v->saddr;
		k->sport = v->sport;
	}
}

static enum utm_verdict refuse(struct inspect *x)
{
	x->u->stats.bad_tcp++;
	return UTM_DROP;
}

/*
 * A client's SYN: a new session, never a second life for a live one
 * (its server's session would go on, RFC 5961, while the judging
 * started over). The same SYN again, its answer lost, changes nothing.
 */
static enum utm_verdict tcp_syn(struct inspect *x, const struct utm_flow *key,
				bool ips_ok, uint64_t now)
{
	const struct view *v = x->v;
	struct utm_flow *f;

	/* Data on a SYN (Fast Open) would pass unjudged. */
	if (v->plen || !ips_ok)
		return refuse(x);
	f = utm_flow_find(x->u, key, now);
	if (f && !f->closed_ns) {
		if (!f->blocked && !f->data_seen &&
		    v->seq + 1 == f->next_seq[L7_TO_SERVER])
			return UTM_PASS;
		return refuse(x);
	}
	f = utm_flow_add(x->u, key, now);
	if (!f) {
		x->u->stats.table_full++;
		return UTM_DROP;
	}
	f->next_seq[L7_TO_SERVER] = v->seq + 1;
	f->seq_known[L7_TO_SERVER] = true;
	f->app = x->p->pol->proto;
	return UTM_PASS;
}

/* The server's SYN-ACK: once, or the same one again. */
static enum utm_verdict tcp_synack(struct inspect *x, struct utm_flow *f)
{
	const struct view *v = x->v;

	if (x->p->dir != L7_TO_CLIENT || !(v->flags & TH_ACK) || v->plen)
		return refuse(x);
	if (!f->seq_known[L7_TO_CLIENT]) {
		if (v->ack != f->next_seq[L7_TO_SERVER])
			return refuse(x);
		f->next_seq[L7_TO_CLIENT] = v->seq + 1;
		f->seq_known[L7_TO_CLIENT] = true;
		return UTM_PASS;
	}
	/* Another ISN would make every later byte look old, unjudged. */
	return v->seq + 1 == f->next_seq[L7_TO_CLIENT] ? UTM_PASS : refuse(x);
}

/*
 * An RST ends the session only where its receiver would take it: at
 * the exact next sequence number (RFC 5961), or the server refusing a
 * SYN. Another would leave the server's session open while ours ends.
 */
static enum utm_verdict tcp_rst(struct inspect *x, struct utm_flow *f,
				uint64_t now)
{
	const struct view *v = x->v;
	enum l7_dir dir = x->p->dir;

	if (f->seq_known[dir] ? v->seq == f->next_seq[dir] :
	    dir == L7_TO_CLIENT && v->flags & TH_ACK &&
	    v->ack == f->next_seq[L7_TO_SERVER]) {
		f->closed_ns = now;
		return UTM_PASS;
	}
	return refuse(x);
}

/* Room to keep n more judged bytes to the server, or refuse them. */
static bool keep_room(struct utm *u, struct utm_flow *f, size_t n)
{
	if (!f->keep.buf) {
		if (u->kept_bytes + UTM_KEEP > UTM_KEEP_TOTAL ||
		    !(f->keep.buf = malloc(UTM_KEEP)))
			return false;
		u->kept_bytes += UTM_KEEP;
		f->keep.seq = f->next_seq[L7_TO_SERVER];
		f->keep.len = f->keep.head = 0;
	}
	return utm_keep_room(&f->keep, n);
}

/*
 * Data in order. To the server (what the policy judges), bytes sent
 * again must equal the kept ones they overlap, and new ones wait for
 * room to be kept; to the client (framed, not judged), old bytes pass.
 */
static enum utm_verdict tcp_data(struct inspect *x, struct utm_flow *f,
				 struct utm_reset *rst)
{
	const struct view *v = x->v;
	enum l7_dir dir = x->p->dir;
	const uint8_t *data = v->payload;
	size_t len = v->plen, old;
	const char *why = "";
	enum l7_result res;
	int32_t diff;

	/* Data without ACK is dropped by the receiver: never judge it. */
	if (!(v->flags & TH_ACK))
		return refuse(x);
	if (!f->seq_known[dir]) {
		x->u->stats.no_session++;
		return UTM_DROP;
	}
	diff = (int32_t)(v->seq - f->next_seq[dir]);
	if (diff > 0) {
		/* A gap: what fills it must be judged first. */
		x->u->stats.out_of_order++;
		return UTM_DROP;
	}
	old = (size_t)-(int64_t)diff < len ? (size_t)-(int64_t)diff : len;
	if (dir == L7_TO_SERVER && old &&
	    utm_keep_differs(&f->keep, v->seq, data, old))
		return violation(x, f, L7_MALFORMED,
				 "bytes sent again differ from those judged", rst);
	data += old;
	len -= old;
	if (!len)
		return UTM_PASS;
	if (dir == L7_TO_SERVER && !keep_room(x->u, f, len)) {
		/* The sender sends it again once the server has ACKed. */
		x->u->stats.keep_full++;
		return UTM_DROP;
	}
	res = l7_feed(x->p->pol, &f->st, &f->s[dir], dir, data, len, on_msg, x,
		      &why);
	if (res != L7_OK)
		return violation(x, f, res, why, rst);
	if (dir == L7_TO_SERVER) {
		utm_keep_add(&f->keep, data, len);
		f->data_seen = true;
	}
	f->next_seq[dir] += (uint32_t)len;
	return UTM_PASS;
}

static enum utm_verdict tcp_session(struct inspect *x, bool ips_ok,
				    struct utm_reset *rst, uint64_t now)
{
	const struct view *v = x->v;
	enum l7_dir dir = x->p->dir;
	enum utm_verdict vd = UTM_PASS;
	struct utm_flow key, *f;
	uint32_t end = v->seq + (uint32_t)v->plen;

	flow_key(x->p, v, &key);
	if ((v->flags & (TH_SYN | TH_ACK)) == TH_SYN && dir == L7_TO_SERVER)
		return tcp_syn(x, &key, ips_ok, now);
	f = utm_flow_find(x->u, &key, now);
	if (!f) {
		x->u->stats.no_session++;
		return UTM_DROP;
	}
	f->seen_ns = now;
	if (f->blocked)
		return UTM_DROP;
	/* A reload gave the tunnel another protocol: its parser state is not this one's. */
	if (f->app != x->p->pol->proto)
		return violation(x, f, L7_DENIED, "the tunnel's L7 protocol changed", rst);
	if (!ips_ok)
		return violation(x, f, L7_DENIED, "ips", rst);
	if (v->flags & TH_SYN)
		return tcp_synack(x, f);
	if (v->flags & TH_RST)
		return tcp_rst(x, f, now);
	/* The receiver would take the urgent byte out of the stream judged. */
	if (v->flags & TH_URG)
		return refuse(x);
	if (dir == L7_TO_CLIENT && v->flags & TH_ACK)
		utm_keep_ack(&f->keep, v->ack);
	if (v->plen)
		vd = tcp_data(x, f, rst);
	if (vd == UTM_PASS && v->flags & TH_FIN) {
		if (f->seq_known[dir] && end == f->next_seq[dir])
			f->next_seq[dir]++;
		f->fin |= 1u << dir;
		if (f->fin == 3)
			f->closed_ns = now;
	}
	return vd;
}

enum utm_verdict utm_inspect(struct utm *u, const struct utm_pkt *p,
			     uint64_t now, struct utm_reset *rst)
{
	struct inspect x = { .u = u, .p = p };
	const struct l7_policy *pol = p->pol;
	enum l7_result res;
	const char *why = "";
	struct view v;
	struct l7_msg m;
	bool ips_ok;

	u->stats.packets++;
	if (view_parse(p->pkt, p->len, &v))
		return UTM_DROP;
	x.v = &v;
	/* A fragment's bytes cannot be judged as a message. */
	if (v.frag && pol)
		return UTM_DROP;
	x.in = (struct ips_input){
		.proto = v.proto, .saddr = v.saddr, .daddr = v.daddr,
		.sport = v.sport, .dport = v.dport, .dir = p->dir,
		.app = pol ? pol->proto : L7_NONE,
		.payload = v.payload, .payload_len = v.plen,
	};
	ips_ok = v.later || ips_run(&x);
	if (!pol)
		return ips_ok ? UTM_PASS : UTM_DROP;
	if (v.proto == IPPROTO_TCP && l7_is_stream(pol->proto))
		return tcp_session(&x, ips_ok, rst, now);
	if (!ips_ok)
		return UTM_DROP;
	if (v.proto == IPPROTO_UDP && l7_is_dgram(pol->proto)) {
		res = l7_datagram(pol, p->dir, v.payload, v.plen, &m, &why);
		if (res == L7_OK && m.present && !on_msg(&x, &m, &why))
			res = L7_DENIED;
		if (res != L7_OK)
			return violation(&x, NULL, res, why, rst);
		return UTM_PASS;
	}
	/* ICMP errors about the session, say: not the application's bytes. */
	return v.proto == IPPROTO_ICMP ? UTM_PASS : UTM_DROP;
}
