// SPDX-License-Identifier: GPL-2.0-only
/*
 * ips_match: the automata name the rules whose fast pattern occurs (a
 * superset: case folded, position ignored), then each candidate, and
 * each rule without a positive content, is verified in full, in file
 * order. Nothing here allocates: the working memory lives in the set.
 */
#include <netinet/in.h>
#include <string.h>

#include "ips_internal.h"

/* One buffer's contents of one rule, being matched. */
struct chain {
	const uint8_t *buf;
	size_t len;
	const struct ips_content *c[IPS_CONTENTS_MAX];
	/* does what follows content i depend on where i matched? */
	bool dep[IPS_CONTENTS_MAX];
	int k;
	struct ips_scratch *sc;
	long budget;		/* steps: bounds the memo's undo list too */
	long bytes;		/* bytes find may still scan */
	bool memo;
};

static bool same(const uint8_t *p, const struct ips_content *c)
{
	uint16_t i;

	if (!(c->flags & IPS_C_NOCASE))
		return !memcmp(p, c->pat, c->len);
	for (i = 0; i < c->len; i++)
		if (ips_fold(p[i]) != c->pat[i])
			return false;
	return true;
}

/* The first match of c starting in [from, end - len], or -1. */
static long find(const uint8_t *buf, size_t from, size_t end,
		 const struct ips_content *c)
{
	const uint8_t *p;
	size_t i;

	if (end < from || end - from < c->len)
		return -1;
	if (!(c->flags & IPS_C_NOCASE)) {
		p = memmem(buf + from, end - from, c->pat, c->len);
		return p ? p - buf : -1;
	}
	for (i = from; i + c->len <= end; i++)
		if (ips_fold(buf[i]) == c->pat[0] && same(buf + i, c))
			return i;
	return -1;
}

/*
 * Where c may match, given the end of the last positive match in the
 * buffer (0 before any). depth counts from offset and within from
 * distance, as in Suricata.
 */
static bool window(const struct ips_content *c, size_t prev, size_t len,
		   size_t *s, size_t *e)
{
	int64_t lo, hi;

	if (c->flags & IPS_C_RELATIVE) {
		lo = (int64_t)prev + c->distance;
		hi = c->flags & IPS_C_WITHIN ? lo + c->within : (int64_t)len;
	} else {
		lo = c->offset;
		hi = c->flags & IPS_C_DEPTH ? lo + c->depth : (int64_t)len;
	}
	if (lo < 0)
		lo = 0;
	if (hi > (int64_t)len)
		hi = len;
	if (hi - lo < c->len)
		return false;
	*s = lo;
	*e = hi;
	return true;
}

/*
 * find, charged to the chain's budget by the bytes it looked at: a
 * step may scan the whole window, so counting steps alone let one rule
 * of relative contents cost a millisecond a packet.
 */
static long find_charged(struct chain *ch, size_t from, size_t end,
			 const struct ips_content *c)
{
	long pos = find(ch->buf, from, end, c);

	ch->bytes -= (long)((pos >= 0 ? (size_t)pos + c->len : end) - from);
	return pos;
}

/*
 * Contents i.. of the chain, prev the end of the last positive match:
 * 1 match, 0 none, -1 out of budget. A positive content tries each of
 * its occurrences in turn while what follows depends on it (Suricata's
 * backtracking); failed (i, prev) pairs are remembered, so the search
 * is polynomial, and the budget bounds it anyway.
 */
static int chain_match(struct chain *ch, int i, size_t prev)
{
	const struct ips_content *c;
	size_t s, e, bit = (size_t)i * IPS_MEMO_POS + prev;
	long pos;
	int ret = 0;

	if (i == ch->k)
		return 1;
	if (--ch->budget < 0)
		return -1;
	if (ch->memo && (ch->sc->memo[bit / 64] >> (bit % 64) & 1))
		return 0;
	c = ch->c[i];
	if (c->flags & IPS_C_NEGATED) {
		if (!window(c, prev, ch->len, &s, &e) ||
		    find_charged(ch, s, e, c) < 0)
			ret = chain_match(ch, i + 1, prev);
	} else if (window(c, prev, ch->len, &s, &e)) {
		for (pos = find_charged(ch, s, e, c); pos >= 0;
		     pos = find_charged(ch, pos + 1, e, c)) {
			ret = chain_match(ch, i + 1, pos + c->len);
			if (ret || !ch->dep[i] || ch->bytes < 0)
				break;
		}
	}
	if (ch->bytes < 0)
		return -1;
	if (!ret && ch->memo) {
		ch->sc->memo[bit / 64] |= 1ull << (bit % 64);
		ch->sc->undo[ch->sc->nundo++] = bit;
	}
	return ret;
}

static bool buffer_matches(struct ips_scratch *sc, const struct ips_rule *r,
			   uint8_t b, const uint8_t *buf, size_t len)
{
	struct chain ch = {
		.buf = buf ? buf : (const uint8_t *)"", .len = buf ? len : 0,
		.sc = sc,
	};
	int i, j, ret;

	ch.memo = ch.len < IPS_MEMO_POS;
	ch.budget = 4096 + 4 * (long)ch.len;
	if (ch.budget > IPS_BUDGET)
		ch.budget = IPS_BUDGET;
	ch.bytes = 4096 + IPS_BUDGET_PASSES * (long)ch.len;
	for (i = 0; i < r->ncontent; i++)
		if (r->c[i].buf == b)
			ch.c[ch.k++] = &r->c[i];
	for (i = 0; i < ch.k; i++)
		for (j = i + 1; j < ch.k; j++) {
			if (ch.c[j]->flags & IPS_C_RELATIVE) {
				ch.dep[i] = true;
				break;
			}
			if (!(ch.c[j]->flags & IPS_C_NEGATED))
				break;
		}
	ret = chain_match(&ch, 0, 0);
	while (sc->nundo) {
		uint32_t bit = sc->undo[--sc->nundo];

		sc->memo[bit / 64] &= ~(1ull << (bit % 64));
	}
	return ret == 1;	/* out of budget: no match, as Suricata */
}

static uint8_t proto_bit(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return IPS_P_TCP;
	case IPPROTO_UDP:
		return IPS_P_UDP;
	case IPPROTO_ICMP:
		return IPS_P_ICMP;
	default:
		return IPS_P_OTHER;
	}
}

static bool header_matches(const struct ips_rule *r, const struct ips_input *in)
{
	uint32_t s = ntohl(in->saddr), d = ntohl(in->daddr);

	if (!(r->protos & proto_bit(in->proto)))
		return false;
	if (r->app != L7_NONE && in->app != r->app)
		return false;
	if (r->flow >= 0 && (int)in->dir != r->flow)
		return false;
	if (ips_set_has(&r->src, s) && ips_set_has(&r->sport, in->sport) &&
	    ips_set_has(&r->dst, d) && ips_set_has(&r->dport, in->dport))
		return true;
	return r->bidir && ips_set_has(&r->src, d) &&
	       ips_set_has(&r->sport, in->dport) &&
	       ips_set_has(&r->dst, s) && ips_set_has(&r->dport, in->sport);
}

bool ips_rule_matches(struct ips_scratch *sc, const struct ips_rule *r,
		      const struct ips_input *in)
{
	const struct l7_msg *m = in->msg;
	unsigned int done = 0;
	int i, b;

	if ((r->level == IPS_LVL_MSG) != (m != NULL))
		return false;
	if (!header_matches(r, in))
		return false;
	if (m) {
		if ((r->modbus_func >= 0 && m->kind != r->modbus_func) ||
		    (r->modbus_unit >= 0 && m->unit != r->modbus_unit) ||
		    (r->mqtt_type >= 0 && m->kind != r->mqtt_type))
			return false;
		for (b = 0; b < L7B_MAX; b++)
			if ((r->bufs >> b & 1) && !m->buf[b].p)
				return false;
	}
	for (i = 0; i < r->ncontent; i++) {
		b = r->c[i].buf;
		if (done >> b & 1)
			continue;
		done |= 1u << b;
		if (b == IPS_BUF_PAYLOAD) {
			if (!buffer_matches(sc, r, b, in->payload,
					    in->payload_len))
				return false;
		} else if (!buffer_matches(sc, r, b, m->buf[b].p,
					   m->buf[b].len)) {
			return false;
		}
	}
	return true;
}

/* Heapsort: glibc's qsort may allocate, and this runs per packet. */
static void sift(uint32_t *a, size_t i, size_t n)
{
	for (;;) {
		size_t c = 2 * i + 1;
		uint32_t t;

		if (c >= n)
			return;
		if (c + 1 < n && a[c + 1] > a[c])
			c++;
		if (a[i] >= a[c])
			return;
		t = a[i];
		a[i] = a[c];
		a[c] = t;
		i = c;
	}
}

static void sort_ids(uint32_t *a, size_t n)
{
	size_t i;
	uint32_t t;

	for (i = n / 2; i-- > 0;)
		sift(a, i, n);
	for (i = n; i-- > 1;) {
		t = a[0];
		a[0] = a[i];
		a[i] = t;
		sift(a, 0, i);
	}
}

enum ips_action ips_match(const struct ips_ruleset *rs,
			  const struct ips_input *in, struct ips_hit *hits,
			  size_t max, size_t *n)
{
	struct ips_scratch *sc;
	struct ips_ac_mark mark;
	const uint32_t *always;
	size_t na, ia = 0, ic = 0, cnt = 0;
	bool matched = false, drop = false;
	int lvl, b;

	if (n)
		*n = 0;
	if (!rs || !in || (in->msg && !in->msg->present))
		return IPS_PASS;
	sc = rs->sc;
	lvl = in->msg ? IPS_LVL_MSG : IPS_LVL_PACKET;
	if (++sc->cur == 0) {	/* wrapped: old marks could look current */
		memset(sc->gen, 0, (rs->n + 1) * sizeof(uint32_t));
		sc->cur = 1;
	}
	mark = (struct ips_ac_mark){ .gen = sc->gen, .cur = sc->cur,
				     .cand = sc->cand };
	if (rs->ac[lvl][IPS_BUF_PAYLOAD] && in->payload)
		ips_ac_scan(rs->ac[lvl][IPS_BUF_PAYLOAD], in->payload,
			    in->payload_len, &mark);
	for (b = 0; in->msg && b < L7B_MAX; b++)
		if (rs->ac[lvl][b] && in->msg->buf[b].p)
			ips_ac_scan(rs->ac[lvl][b], in->msg->buf[b].p,
				    in->msg->buf[b].len, &mark);
	sort_ids(sc->cand, mark.n);

	/* Candidates and the always-checked rules, merged in file order. */
	always = rs->always[lvl];
	na = rs->nalways[lvl];
	while (ia < na || ic < mark.n) {
		uint32_t id;
		const struct ips_rule *r;

		if (ic == mark.n || (ia < na && always[ia] < sc->cand[ic]))
			id = always[ia++];
		else
			id = sc->cand[ic++];
		r = &rs->rules[id];
		if (!ips_rule_matches(sc, r, in))
			continue;
		if (r->action == IPS_PASS) {
			cnt = 0;
			matched = drop = false;
			break;
		}
		matched = true;
		drop |= r->action == IPS_DROP;
		if (cnt < max)
			hits[cnt++] = (struct ips_hit){
				.sid = r->sid, .rev = r->rev,
				.action = r->action, .msg = r->msg,
			};
	}
	if (n)
		*n = cnt;
	return !matched ? IPS_PASS : drop ? IPS_DROP : IPS_ALERT;
}
