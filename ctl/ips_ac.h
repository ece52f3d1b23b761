/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Aho-Corasick over case-folded bytes, for the IPS prefilter: a trie
 * with sparse goto edges (a dense table at the root, where most bytes
 * land), failure links and dictionary links. Scanning costs one pass
 * over the buffer plus the matches, whatever the number of patterns.
 */
#ifndef TUNCTL_IPS_AC_H
#define TUNCTL_IPS_AC_H

#include <stddef.h>
#include <stdint.h>

struct ips_ac;

/* Where a scan marks the ids it sees, each once per generation. */
struct ips_ac_mark {
	uint32_t *gen;		/* indexed by id */
	uint32_t cur;
	uint32_t *cand;		/* the ids marked, in the order seen */
	size_t n;
};

/*
 * The largest byte-class DFA an automaton builds (bytes); past it, the
 * sparse trie with dense shallow rows. Tests set 0 to test the latter.
 */
#define IPS_AC_FULL_MAX ((size_t)16 << 20)
extern size_t ips_ac_full_max;

struct ips_ac *ips_ac_new(void);
/* Add a pattern (folded here); ids need not be unique. -ENOMEM, -EINVAL. */
int ips_ac_add(struct ips_ac *ac, const uint8_t *pat, size_t len, uint32_t id);
/* After the last add, before the first scan. */
int ips_ac_build(struct ips_ac *ac);
void ips_ac_scan(const struct ips_ac *ac, const uint8_t *p, size_t len,
		 struct ips_ac_mark *m);
size_t ips_ac_states(const struct ips_ac *ac);
size_t ips_ac_bytes(const struct ips_ac *ac);
void ips_ac_free(struct ips_ac *ac);

#endif
