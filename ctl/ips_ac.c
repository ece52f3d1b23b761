// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IPS prefilter's Aho-Corasick automaton. Built once per rule set:
 * sparse edges keep 1000 ten-byte patterns in a few hundred KB (a full
 * DFA would need 256 next states per trie node). The shallow states,
 * where a scan of ordinary text spends most of its time, get full DFA
 * rows instead (failures resolved), at most DENSE_MAX of them.
 *
 * When it fits in ips_ac_full_max bytes, the whole automaton becomes a DFA over
 * byte classes instead (bytes no pattern holds share one class): one
 * load per byte, with "has matches" in the entry's top bit. For 1000
 * ten-letter patterns that is 27 classes and under 1 MB.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ips_ac.h"
#include "ips_internal.h"

#define DENSE_MAX 256	/* full rows, 1 KB each */
size_t ips_ac_full_max = IPS_AC_FULL_MAX;
#define FULL_OUT 0x80000000u	/* entry flag: the state has matches */

struct ac_edge {
	uint32_t src, dst;
	uint8_t c;
	uint32_t next;		/* building: the src's next edge, 0: none */
};

struct ac_out {
	uint32_t state, id;
};

struct ips_ac {
	uint32_t root[256];	/* the root's goto, 0: stay at the root */
	uint32_t nstates, cap;
	/* per state */
	uint32_t *fail, *dict, *out_first, *out_n, *edge_first, *edge_n;
	uint32_t *head;		/* building: the first edge (+1), 0: none */
	uint32_t *dense_of;	/* per state: its row + 1, 0: sparse */
	uint32_t *dense;	/* rows of 256 next states */
	/* edges, sorted by (src, c) once built */
	struct ac_edge *edges;
	uint32_t nedges, ecap;
	uint8_t *ebyte;
	uint32_t *edst;
	/* outputs, sorted by state once built */
	struct ac_out *outs;
	uint32_t nouts, ocap;
	uint32_t *out_ids;
	uint32_t ndense;
	/* The byte-class DFA, or NULL: full[state * ncls + cls[byte]]. */
	uint32_t *full;
	uint32_t ncls;
	uint8_t cls[256];
	bool built;
};

struct ips_ac *ips_ac_new(void)
{
	return calloc(1, sizeof(struct ips_ac));
}

static int grow(void **p, uint32_t *cap, uint32_t need, size_t elem)
{
	uint32_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	if (need > UINT32_MAX / 2)
		return -ENOMEM;
	ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, (size_t)ncap * elem);
	if (!np)
		return -ENOMEM;
	*p = np;
	*cap = ncap;
	return 0;
}

/* Per-state arrays grow together; only head is needed while building. */
static int new_state(struct ips_ac *ac, uint32_t *s)
{
	uint32_t cap = ac->cap;

	if (grow((void **)&ac->head, &cap, ac->nstates + 1, sizeof(uint32_t)))
		return -ENOMEM;
	ac->cap = cap;
	ac->head[ac->nstates] = 0;
	*s = ac->nstates++;
	return 0;
}

static uint32_t child_building(const struct ips_ac *ac, uint32_t s, uint8_t c)
{
	uint32_t e;

	if (s == 0)
		return ac->root[c];
	for (e = ac->head[s]; e; e = ac->edges[e - 1].next)
		if (ac->edges[e - 1].c == c)
			return ac->edges[e - 1].dst;
	return 0;
}

int ips_ac_add(struct ips_ac *ac, const uint8_t *pat, size_t len, uint32_t id)
{
	uint32_t s = 0, t, dummy;
	size_t i;

	if (ac->built || !len)
		return -EINVAL;
	if (!ac->nstates && new_state(ac, &dummy))	/* the root */
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		uint8_t c = ips_fold(pat[i]);

		t = child_building(ac, s, c);
		if (!t) {
			if (new_state(ac, &t) ||
			    grow((void **)&ac->edges, &ac->ecap,
				 ac->nedges + 1, sizeof(*ac->edges)))
				return -ENOMEM;
			ac->edges[ac->nedges] = (struct ac_edge){
				.src = s, .dst = t, .c = c, .next = ac->head[s],
			};
			ac->head[s] = ++ac->nedges;
			if (s == 0)
				ac->root[c] = t;
		}
		s = t;
	}
	if (grow((void **)&ac->outs, &ac->ocap, ac->nouts + 1,
		 sizeof(*ac->outs)))
		return -ENOMEM;
	ac->outs[ac->nouts++] = (struct ac_out){ .state = s, .id = id };
	return 0;
}

static int edge_cmp(const void *a, const void *b)
{
	const struct ac_edge *x = a, *y = b;

	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	return (int)x->c - (int)y->c;
}

static int out_cmp(const void *a, const void *b)
{
	const struct ac_out *x = a, *y = b;

	if (x->state != y->state)
		return x->state < y->state ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static inline uint32_t go(const struct ips_ac *ac, uint32_t s, uint8_t c)
{
	uint32_t lo = ac->edge_first[s], n = ac->edge_n[s], hi;

	if (s == 0)
		return ac->root[c];
	if (n <= 8) {
		for (hi = lo + n; lo < hi; lo++)
			if (ac->ebyte[lo] == c)
				return ac->edst[lo];
		return 0;
	}
	hi = lo + n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (ac->ebyte[mid] == c)
			return ac->edst[mid];
		if (ac->ebyte[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The DFA's next state: sparse edges, failing back until one fits. */
static inline uint32_t step(const struct ips_ac *ac, uint32_t s, uint8_t c)
{
	uint32_t t;

	for (;;) {
		if (s == 0)
			return ac->root[c];
		if (ac->dense_of[s])
			return ac->dense[(size_t)(ac->dense_of[s] - 1) * 256 + c];
		t = go(ac, s, c);
		if (t)
			return t;
		s = ac->fail[s];
	}
}

/*
 * The whole DFA over byte classes, rows in breadth-first order (order[]
 * holds every state but the root) so each failure row is done first.
 */
static void build_full(struct ips_ac *ac, const uint32_t *order, uint32_t n)
{
	uint8_t rep[256];
	uint32_t i, x, c, s, t, e;
	size_t bytes;

	memset(ac->cls, 0, sizeof(ac->cls));
	ac->ncls = 1;			/* class 0: bytes in no pattern */
	for (e = 0; e < ac->nedges; e++)
		if (!ac->cls[ac->ebyte[e]]) {
			rep[ac->ncls] = ac->ebyte[e];
			ac->cls[ac->ebyte[e]] = ac->ncls++;
		}
	bytes = (size_t)ac->nstates * ac->ncls * sizeof(uint32_t);
	if (bytes > ips_ac_full_max || !(ac->full = malloc(bytes)))
		return;
	for (i = 0; i <= n; i++) {
		s = i ? order[i - 1] : 0;
		ac->full[(size_t)s * ac->ncls] = 0;
		for (x = 1; x < ac->ncls; x++) {
			t = s ? go(ac, s, rep[x]) : ac->root[rep[x]];
			if (!t && s)
				t = (ac->full[(size_t)ac->fail[s] * ac->ncls + x] &
				     ~FULL_OUT) / ac->ncls;
			/* Premultiplied: the scan's next index, no multiply. */
			ac->full[(size_t)s * ac->ncls + x] = t * ac->ncls |
				(ac->out_n[t] || ac->dict[t] ? FULL_OUT : 0);
		}
	}
	/* Input is folded by the class map itself. */
	for (c = 0; c < 256; c++)
		rep[c] = ac->cls[ips_fold(c)];
	memcpy(ac->cls, rep, sizeof(ac->cls));
}

/* Breadth first, so that a state's failure target is done before it. */
static int link_failures(struct ips_ac *ac)
{
	uint32_t *queue = malloc((size_t)ac->nstates * sizeof(uint32_t));
	uint32_t qh = 0, qt = 0, c, ndense;

	if (!queue)
		return -ENOMEM;
	for (c = 0; c < 256; c++)
		if (ac->root[c])
			queue[qt++] = ac->root[c];
	while (qh < qt) {
		uint32_t s = queue[qh++], e, end;

		end = ac->edge_first[s] + ac->edge_n[s];
		for (e = ac->edge_first[s]; e < end; e++) {
			uint32_t t = ac->edst[e], f = ac->fail[s], g;

			for (;;) {
				g = go(ac, f, ac->ebyte[e]);
				if (g || f == 0)
					break;
				f = ac->fail[f];
			}
			ac->fail[t] = g;
			ac->dict[t] = ac->out_n[g] ? g : ac->dict[g];
			queue[qt++] = t;
		}
	}
	build_full(ac, queue, qt);
	if (ac->full) {
		free(queue);
		return 0;
	}
	/*
	 * Rows in breadth-first order: a state's failure target is
	 * shallower, so its row (or its own failures) is complete first.
	 */
	ndense = qt < DENSE_MAX ? qt : DENSE_MAX;
	ac->dense = malloc((size_t)(ndense ? ndense : 1) * 256 * sizeof(uint32_t));
	if (!ac->dense) {
		free(queue);
		return -ENOMEM;
	}
	for (qh = 0; qh < ndense; qh++) {
		uint32_t s = queue[qh], *row = ac->dense + (size_t)qh * 256;

		for (c = 0; c < 256; c++) {
			uint32_t t = go(ac, s, c);

			row[c] = t ? t : step(ac, ac->fail[s], c);
		}
		ac->dense_of[s] = qh + 1;
		ac->ndense = qh + 1;
	}
	free(queue);
	return 0;
}

int ips_ac_build(struct ips_ac *ac)
{
	size_t n = ac->nstates ? ac->nstates : 1;
	uint32_t i;

	if (ac->built)
		return -EINVAL;
	ac->fail = calloc(n, sizeof(uint32_t));
	ac->dict = calloc(n, sizeof(uint32_t));
	ac->out_first = calloc(n, sizeof(uint32_t));
	ac->out_n = calloc(n, sizeof(uint32_t));
	ac->edge_first = calloc(n, sizeof(uint32_t));
	ac->edge_n = calloc(n, sizeof(uint32_t));
	ac->dense_of = calloc(n, sizeof(uint32_t));
	ac->ebyte = malloc(ac->nedges + 1);
	ac->edst = malloc(((size_t)ac->nedges + 1) * sizeof(uint32_t));
	ac->out_ids = malloc(((size_t)ac->nouts + 1) * sizeof(uint32_t));
	if (!ac->fail || !ac->dict || !ac->out_first || !ac->out_n ||
	    !ac->edge_first || !ac->edge_n || !ac->dense_of || !ac->ebyte ||
	    !ac->edst ||
	    !ac->out_ids)
		return -ENOMEM;

	qsort(ac->edges, ac->nedges, sizeof(*ac->edges), edge_cmp);
	for (i = ac->nedges; i-- > 0;) {
		ac->ebyte[i] = ac->edges[i].c;
		ac->edst[i] = ac->edges[i].dst;
		ac->edge_first[ac->edges[i].src] = i;
		ac->edge_n[ac->edges[i].src]++;
	}
	qsort(ac->outs, ac->nouts, sizeof(*ac->outs), out_cmp);
	for (i = ac->nouts; i-- > 0;) {
		ac->out_ids[i] = ac->outs[i].id;
		ac->out_first[ac->outs[i].state] = i;
		ac->out_n[ac->outs[i].state]++;
	}
	/* What was only needed to build goes now: scans use the arrays. */
	free(ac->edges);
	free(ac->outs);
	free(ac->head);
	ac->edges = NULL;
	ac->outs = NULL;
	ac->head = NULL;
	ac->built = true;
	if (!ac->nstates)
		return 0;
	return link_failures(ac);
}

static void report(const struct ips_ac *ac, uint32_t s, struct ips_ac_mark *m)
{
	uint32_t u = ac->out_n[s] ? s : ac->dict[s], i, end;

	for (; u; u = ac->dict[u]) {
		end = ac->out_first[u] + ac->out_n[u];
		for (i = ac->out_first[u]; i < end; i++) {
			uint32_t id = ac->out_ids[i];

			if (m->gen[id] != m->cur) {
				m->gen[id] = m->cur;
				m->cand[m->n++] = id;
			}
		}
	}
}

void ips_ac_scan(const struct ips_ac *ac, const uint8_t *p, size_t len,
		 struct ips_ac_mark *m)
{
	uint32_t s = 0;
	size_t i;

	if (!ac->built || !ac->nstates)
		return;
	if (ac->full) {
		const uint32_t *full = ac->full;
		const uint8_t *cls = ac->cls;
		uint32_t e;

		for (i = 0; i < len; i++) {
			e = full[s + cls[p[i]]];
			s = e & ~FULL_OUT;
			if (e & FULL_OUT)
				report(ac, s / ac->ncls, m);
		}
		return;
	}
	for (i = 0; i < len; i++) {
		s = step(ac, s, ips_fold(p[i]));
		if (ac->out_n[s] || ac->dict[s])
			report(ac, s, m);
	}
}

size_t ips_ac_states(const struct ips_ac *ac)
{
	return ac->nstates;
}

size_t ips_ac_bytes(const struct ips_ac *ac)
{
	return sizeof(*ac) + (size_t)ac->nstates * 7 * sizeof(uint32_t) +
	       (size_t)ac->ndense * 256 * sizeof(uint32_t) +
	       (ac->full ? (size_t)ac->nstates * ac->ncls * sizeof(uint32_t) : 0) +
	       (size_t)ac->nedges * (1 + sizeof(uint32_t)) +
	       (size_t)ac->nouts * sizeof(uint32_t);
}

void ips_ac_free(struct ips_ac *ac)
{
	if (!ac)
		return;
	free(ac->fail);
	free(ac->dict);
	free(ac->out_first);
	free(ac->out_n);
	free(ac->edge_first);
	free(ac->edge_n);
	free(ac->dense_of);
	free(ac->dense);
	free(ac->full);
	free(ac->head);
	free(ac->edges);
	free(ac->ebyte);
	free(ac->edst);
	free(ac->outs);
	free(ac->out_ids);
	free(ac);
}
