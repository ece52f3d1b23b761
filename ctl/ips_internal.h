/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The IPS's insides, shared by its loader (ips_rules.c, ips_addr.c,
 * ips_options.c) and its matcher (ips_match.c); also read by the tests.
 */
#ifndef TUNCTL_IPS_INTERNAL_H
#define TUNCTL_IPS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ips.h"
#include "ips_ac.h"
#include "l7.h"

#define IPS_LINE_MAX	  8192	/* one rule, continuation lines joined */
#define IPS_CONTENT_LEN	  255	/* bytes of one content */
#define IPS_CONTENTS_MAX  16	/* contents of one rule */
#define IPS_RULES_MAX	  100000
#define IPS_NUM_MAX	  65535	/* offset, depth, distance, within */

/*
 * Buffers a content can look at: a message's sticky buffers by their
 * l7_buf_id, then the L4 payload.
 */
#define IPS_BUF_PAYLOAD	L7B_MAX
#define IPS_NBUF	(L7B_MAX + 1)

/* Packet-level rules see in->msg == NULL, message-level ones a message. */
enum ips_level {
	IPS_LVL_PACKET = 0,
	IPS_LVL_MSG,
	IPS_NLVL,
};

#define IPS_C_NOCASE	0x01	/* pat is stored folded to lower case */
#define IPS_C_NEGATED	0x02
#define IPS_C_OFFSET	0x04
#define IPS_C_DEPTH	0x08
#define IPS_C_DISTANCE	0x10
#define IPS_C_WITHIN	0x20
#define IPS_C_FAST	0x40	/* fast_pattern given */
#define IPS_C_ABSOLUTE	(IPS_C_OFFSET | IPS_C_DEPTH)
#define IPS_C_RELATIVE	(IPS_C_DISTANCE | IPS_C_WITHIN)

struct ips_content {
	const uint8_t *pat;
	uint16_t len;
	uint8_t buf;		/* IPS_BUF_* */
	uint8_t flags;		/* IPS_C_* */
	int32_t offset, depth, distance, within;
};

/* A set of addresses or ports: sorted, disjoint, closed ranges. */
struct ips_range {
	uint32_t lo, hi;
};

struct ips_set {
	const struct ips_range *r;
	uint32_t n;
	bool any;		/* the whole space: no lookup needed */
};

/* Protocols a rule accepts (in->proto) */
#define IPS_P_TCP	0x01
#define IPS_P_UDP	0x02
#define IPS_P_ICMP	0x04
#define IPS_P_OTHER	0x08
#define IPS_P_ALL	0x0f

struct ips_rule {
	uint32_t sid, rev;
	enum ips_action action;
	const char *msg;
	uint32_t line;
	uint8_t level;		/* enum ips_level */
	uint8_t protos;		/* IPS_P_* */
	uint8_t app;		/* enum l7_proto; L7_NONE: any */
	bool bidir;		/* "<>" */
	int8_t flow;		/* enum l7_dir, or -1: either */
	int16_t modbus_func, modbus_unit, mqtt_type;	/* -1: any */
	uint16_t bufs;		/* bit per sticky buffer the message must have */
	uint8_t ncontent;
	int8_t fast;		/* index of the fast pattern, or -1: none */
	struct ips_set src, dst, sport, dport;
	const struct ips_content *c;
};

/* Bump allocator: a rule set's strings, contents and sets die together. */
struct ips_chunk;
struct ips_arena {
	struct ips_chunk *head;
	size_t bytes;
};

void *ips_alloc(struct ips_arena *a, size_t n);
void ips_arena_free(struct ips_arena *a);

/*
 * Per-set working memory of ips_match, sized at load so that matching
 * never allocates. Because it lives in the set, one set is matched by
 * one thread at a time.
 */
#define IPS_MEMO_POS	65536	/* buffer positions the memo covers */
/*
 * Verification work per rule and buffer, both in proportion to it: at
 * most 4096 + 4 steps a byte (never past IPS_BUDGET, the memo's undo
 * list), and bytes scanned of IPS_BUDGET_PASSES passes over the buffer.
 * Past either the rule counts as not matching, as in Suricata.
 */
#define IPS_BUDGET	65536
#define IPS_BUDGET_PASSES 16

struct ips_scratch {
	uint32_t *gen;		/* per rule: the call that last marked it */
	uint32_t cur;
	uint32_t *cand;		/* rules the automata marked this call */
	size_t ncand;
	uint64_t *memo;		/* failed (content, position) pairs */
	uint32_t *undo;		/* memo bits to clear after a rule */
	size_t nundo;
};

struct ips_ruleset {
	struct ips_rule *rules;
	size_t n;
	struct ips_arena arena;
	/* Packet level uses only the payload automaton. */
	struct ips_ac *ac[IPS_NLVL][IPS_NBUF];
	/* Rules without a positive content: checked on every input. */
	uint32_t *always[IPS_NLVL];
	size_t nalways[IPS_NLVL];
	struct ips_scratch *sc;
};

/* Loader context: where an error points, and the first error. */
struct ips_parse {
	const char *name;
	unsigned int line;
	char *err;
	size_t errlen;
	bool failed;
	struct ips_arena *arena;
};

int ips_perr(struct ips_parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ips_addr.c: SRC/DST and SPORT/DPORT fields. */
int ips_parse_addrs(struct ips_parse *p, const char *tok, struct ips_set *out);
int ips_parse_ports(struct ips_parse *p, const char *tok, struct ips_set *out);
bool ips_set_has(const struct ips_set *s, uint32_t v);

/* ips_options.c: the "(...)" part, opts NUL-terminated and writable. */
int ips_parse_options(struct ips_parse *p, char *opts, struct ips_rule *r);
/* Decimal in [min, max] (a '-' only if min < 0), nothing after it. */
int ips_parse_uint(const char *s, long min, long max, long *out);

/* One rule's options being parsed (ips_options.c, ips_content.c). */
struct ips_opt {
	struct ips_parse *p;
	struct ips_rule *r;
	struct ips_content c[IPS_CONTENTS_MAX];
	uint8_t pat[IPS_CONTENTS_MAX][IPS_CONTENT_LEN];
	int nc;
	int last;		/* the content modifiers apply to, -1: none */
	uint8_t sticky;		/* buffer of the contents that follow */
	bool has_msg, has_sid;
	char msgbuf[IPS_LINE_MAX + 1];
};

enum { IPS_VAL_NONE, IPS_VAL_REQ };

struct ips_kw {
	const char *name;
	int (*fn)(struct ips_opt *o, const struct ips_kw *kw, char *val);
	int arg;		/* the handler's: a flag, a buffer id */
	int value;		/* IPS_VAL_NONE: a flag; IPS_VAL_REQ: "kw:value" */
};

/* ips_content.c */
int ips_unquote(struct ips_opt *o, const char *kw, const char *v,
		uint8_t *out, size_t cap, size_t *len, bool hex);
int ips_kw_content(struct ips_opt *o, const struct ips_kw *kw, char *val);
int ips_kw_nocase(struct ips_opt *o, const struct ips_kw *kw, char *val);
int ips_kw_fast(struct ips_opt *o, const struct ips_kw *kw, char *val);
int ips_kw_number(struct ips_opt *o, const struct ips_kw *kw, char *val);
int ips_kw_sticky(struct ips_opt *o, const struct ips_kw *kw, char *val);
int ips_kw_legacy(struct ips_opt *o, const struct ips_kw *kw, char *val);

/* ips_match.c: does rule r match in (proto, addresses, options)? */
bool ips_rule_matches(struct ips_scratch *sc, const struct ips_rule *r,
		      const struct ips_input *in);

/* Bytes held by the automata (tests check the memory bound). */
size_t ips_ac_bytes_total(const struct ips_ruleset *rs);

static inline uint8_t ips_fold(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

#endif
