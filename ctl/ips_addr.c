// SPDX-License-Identifier: GPL-2.0-only
/*
 * A rule's address and port fields as sets of ranges: "any", a value, a
 * prefix or range, a [list] and !negation nest freely, and the result is
 * one sorted list of ranges, so matching is a binary search.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ips_internal.h"

#define NEST_MAX 8

/* A set being built (malloc'd; copied into the rule set's arena). */
struct tset {
	struct ips_range *r;
	size_t n, cap;
};

struct lex {
	struct ips_parse *p;
	const char *s, *field;
	size_t i;
	uint32_t max;		/* the space: 0xffffffff or 65535 */
	bool ports;
};

static int tset_add(struct lex *lx, struct tset *t, uint32_t lo, uint32_t hi)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		struct ips_range *r = realloc(t->r, cap * sizeof(*r));

		if (!r)
			return ips_perr(lx->p, "out of memory");
		t->r = r;
		t->cap = cap;
	}
	t->r[t->n++] = (struct ips_range){ lo, hi };
	return 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct ips_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sort, and merge what overlaps or touches. */
static void tset_norm(struct tset *t)
{
	size_t i, o = 0;

	if (!t->n)
		return;
	qsort(t->r, t->n, sizeof(*t->r), range_cmp);
	for (i = 1; i < t->n; i++) {
		if ((uint64_t)t->r[o].hi + 1 >= t->r[i].lo) {
			if (t->r[i].hi > t->r[o].hi)
				t->r[o].hi = t->r[i].hi;
		} else {
			t->r[++o] = t->r[i];
		}
	}
	t->n = o + 1;
}

/* *a minus b, both normalised. */
static int tset_sub(struct lex *lx, struct tset *a, const struct tset *b)
{
	struct tset out = { 0 };
	size_t i, j = 0, k;

	for (i = 0; i < a->n; i++) {
		uint64_t cur = a->r[i].lo, hi = a->r[i].hi;

		while (j < b->n && b->r[j].hi < cur)
			j++;
		for (k = j; k < b->n && b->r[k].lo <= hi && cur <= hi; k++) {
			if (b->r[k].lo > cur &&
			    tset_add(lx, &out, cur, b->r[k].lo - 1))
				goto fail;
			if (b->r[k].hi + (uint64_t)1 > cur)
				cur = b->r[k].hi + (uint64_t)1;
		}
		if (cur <= hi && tset_add(lx, &out, cur, hi))
			goto fail;
	}
	free(a->r);
	*a = out;
	return 0;
fail:
	free(out.r);
	return -1;
}

static int tset_complement(struct lex *lx, struct tset *t)
{
	struct tset all = { 0 };
	int ret;

	if (tset_add(lx, &all, 0, lx->max))
		return -1;
	ret = tset_sub(lx, &all, t);
	free(t->r);
	*t = all;
	return ret;
}

static int tset_union(struct lex *lx, struct tset *a, const struct tset *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (tset_add(lx, a, b->r[i].lo, b->r[i].hi))
			return -1;
	tset_norm(a);
	return 0;
}

static int atom_addr(struct lex *lx, const char *a, struct tset *t)
{
	char ip[16];
	const char *slash = strchr(a, '/');
	size_t n = slash ? (size_t)(slash - a) : strlen(a);
	struct in_addr in;
	long plen = 32;
	uint32_t v, mask;

	if (strchr(a, ':'))
		return ips_perr(lx->p, "IPv6 addresses are not supported: '%s'",
				a);
	if (n >= sizeof(ip))
		goto bad;
	memcpy(ip, a, n);
	ip[n] = 0;
	if (inet_pton(AF_INET, ip, &in) != 1)
		goto bad;
	if (slash && ips_parse_uint(slash + 1, 0, 32, &plen))
		goto bad;
	v = ntohl(in.s_addr);
	mask = plen ? ~0u << (32 - plen) : 0;
	return tset_add(lx, t, v & mask, (v & mask) | ~mask);
bad:
	return ips_perr(lx->p, "bad address '%s' in '%s'", a, lx->field);
}

static int atom_port(struct lex *lx, const char *a, struct tset *t)
{
	const char *colon = strchr(a, ':');
	long lo = 0, hi = 65535;
	char num[8];

	if (!colon) {
		if (ips_parse_uint(a, 0, 65535, &lo))
			goto bad;
		return tset_add(lx, t, lo, lo);
	}
	if (colon != a) {
		if ((size_t)(colon - a) >= sizeof(num))
			goto bad;
		memcpy(num, a, colon - a);
		num[colon - a] = 0;
		if (ips_parse_uint(num, 0, 65535, &lo))
			goto bad;
	}
	if (colon[1] && ips_parse_uint(colon + 1, 0, 65535, &hi))
		goto bad;
	if ((colon == a && !colon[1]) || lo > hi)
		goto bad;
	return tset_add(lx, t, lo, hi);
bad:
	return ips_perr(lx->p, "bad port '%s' in '%s'", a, lx->field);
}

static void skip_space(struct lex *lx)
{
	while (isspace((unsigned char)lx->s[lx->i]))
		lx->i++;
}

static int parse_list(struct lex *lx, struct tset *out, int depth);

/* One element: an optional '!', then a [list] or a value; *neg says '!'. */
static int parse_elem(struct lex *lx, struct tset *t, bool *neg, int depth)
{
	char atom[64];
	size_t start, n;

	skip_space(lx);
	*neg = lx->s[lx->i] == '!';
	if (*neg) {
		lx->i++;
		skip_space(lx);
	}
	if (lx->s[lx->i] == '[') {
		lx->i++;
		return parse_list(lx, t, depth + 1);
	}
	start = lx->i;
	while (lx->s[lx->i] && !strchr(",[]! \t", lx->s[lx->i]))
		lx->i++;
	n = lx->i - start;
	if (!n)
		return ips_perr(lx->p, "empty item in '%s'", lx->field);
	if (n >= sizeof(atom))
		return ips_perr(lx->p, "item too long in '%s'", lx->field);
	memcpy(atom, lx->s + start, n);
	atom[n] = 0;
	if (atom[0] == '$')
		return ips_perr(lx->p, "variables are not supported: '%s'",
				atom);
	if (!strcmp(atom, "any"))
		return tset_add(lx, t, 0, lx->max);
	return lx->ports ? atom_port(lx, atom, t) : atom_addr(lx, atom, t);
}

/*
 * After '[': the union of the plain items, minus the union of the
 * negated ones ("[10.0.0.0/8, !10.1.2.3]"); only negated items: the
 * whole space minus them.
 */
static int parse_list(struct lex *lx, struct tset *out, int depth)
{
	struct tset pos = { 0 }, neg = { 0 }, item = { 0 };
	bool any_pos = false, isneg;

	if (depth > NEST_MAX) {
		ips_perr(lx->p, "lists nested too deep in '%s'", lx->field);
		goto fail;
	}
	for (;;) {
		item.n = 0;
		if (parse_elem(lx, &item, &isneg, depth))
			goto fail;
		tset_norm(&item);
		if (tset_union(lx, isneg ? &neg : &pos, &item))
			goto fail;
		any_pos |= !isneg;
		skip_space(lx);
		if (lx->s[lx->i] == ']') {
			lx->i++;
			break;
		}
		if (lx->s[lx->i] != ',') {
			ips_perr(lx->p, "expected ',' or ']' in '%s'",
				 lx->field);
			goto fail;
		}
		lx->i++;
	}
	if (!any_pos && tset_add(lx, &pos, 0, lx->max))
		goto fail;
	if (tset_sub(lx, &pos, &neg))
		goto fail;
	if (tset_union(lx, out, &pos))
		goto fail;
	free(pos.r);
	free(neg.r);
	free(item.r);
	return 0;
fail:
	free(pos.r);
	free(neg.r);
	free(item.r);
	return -1;
}

static int parse_set(struct ips_parse *p, const char *tok, bool ports,
		     struct ips_set *out)
{
	struct lex lx = {
		.p = p, .s = tok, .field = tok, .ports = ports,
		.max = ports ? 65535 : UINT32_MAX,
	};
	struct tset t = { 0 };
	struct ips_range *r;
	bool neg;

	if (parse_elem(&lx, &t, &neg, 0))
		goto fail;
	tset_norm(&t);
	if (neg && tset_complement(&lx, &t))
		goto fail;
	skip_space(&lx);
	if (lx.s[lx.i]) {
		ips_perr(p, "junk after '%.*s' in '%s'", (int)lx.i, tok, tok);
		goto fail;
	}
	if (!t.n) {
		ips_perr(p, "'%s' matches no %s", tok,
			 ports ? "port" : "address");
		goto fail;
	}
	r = ips_alloc(p->arena, t.n * sizeof(*r));
	if (!r) {
		ips_perr(p, "out of memory");
		goto fail;
	}
	memcpy(r, t.r, t.n * sizeof(*r));
	out->r = r;
	out->n = t.n;
	out->any = t.n == 1 && r[0].lo == 0 && r[0].hi == lx.max;
	free(t.r);
	return 0;
fail:
	free(t.r);
	return -1;
}

int ips_parse_addrs(struct ips_parse *p, const char *tok, struct ips_set *out)
{
	return parse_set(p, tok, false, out);
}

int ips_parse_ports(struct ips_parse *p, const char *tok, struct ips_set *out)
{
	return parse_set(p, tok, true, out);
}

bool ips_set_has(const struct ips_set *s, uint32_t v)
{
	uint32_t lo = 0, hi = s->n;

	if (s->any)
		return true;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (v < s->r[mid].lo)
			hi = mid;
		else if (v > s->r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}
