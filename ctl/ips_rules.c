// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading a rule file: lines into rules (the header here, the options in
 * ips_options.c), then the automata and working memory matching needs.
 * All or nothing: the first error frees everything and names its line.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ips_internal.h"

#define CHUNK 65536

struct ips_chunk {
	struct ips_chunk *next;
	size_t used, size;
	max_align_t data[];
};

void *ips_alloc(struct ips_arena *a, size_t n)
{
	struct ips_chunk *c = a->head;
	void *p;

	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!c || c->size - c->used < n) {
		size_t size = n > CHUNK ? n : CHUNK;

		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
		a->bytes += size;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

void ips_arena_free(struct ips_arena *a)
{
	while (a->head) {
		struct ips_chunk *c = a->head;

		a->head = c->next;
		free(c);
	}
	a->bytes = 0;
}

int ips_perr(struct ips_parse *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed || !p->err || !p->errlen) {
		p->failed = true;
		return -1;
	}
	p->failed = true;
	n = snprintf(p->err, p->errlen, "%s:%u: ", p->name, p->line);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Sids seen so far, for "duplicate sid" with both lines. */
struct sid_table {
	uint32_t *sid, *line;
	size_t cap, n;
};

static int sid_add(struct ips_parse *p, struct sid_table *t, uint32_t sid)
{
	size_t i;

	if (2 * (t->n + 1) > t->cap) {
		struct sid_table nt = { .cap = t->cap ? 2 * t->cap : 256 };

		nt.sid = calloc(nt.cap, sizeof(uint32_t));
		nt.line = calloc(nt.cap, sizeof(uint32_t));
		if (!nt.sid || !nt.line) {
			free(nt.sid);
			free(nt.line);
			return ips_perr(p, "out of memory");
		}
		for (i = 0; i < t->cap; i++) {
			size_t j;

			if (!t->sid[i])
				continue;
			for (j = t->sid[i] * 2654435761u & (nt.cap - 1);
			     nt.sid[j]; j = (j + 1) & (nt.cap - 1))
				;
			nt.sid[j] = t->sid[i];
			nt.line[j] = t->line[i];
		}
		nt.n = t->n;
		free(t->sid);
		free(t->line);
		*t = nt;
	}
	for (i = sid * 2654435761u & (t->cap - 1); t->sid[i];
	     i = (i + 1) & (t->cap - 1))
		if (t->sid[i] == sid)
			return ips_perr(p, "duplicate sid %u (first at line %u)",
					sid, t->line[i]);
	t->sid[i] = sid;
	t->line[i] = p->line;
	t->n++;
	return 0;
}

static const struct {
	const char *name;
	uint8_t protos;
	enum l7_proto app;
} protos[] = {
	{ "ip", IPS_P_ALL, L7_NONE },
	{ "tcp", IPS_P_TCP, L7_NONE },
	{ "udp", IPS_P_UDP, L7_NONE },
	{ "icmp", IPS_P_ICMP, L7_NONE },
	{ "http", IPS_P_TCP, L7_HTTP },
	{ "mqtt", IPS_P_TCP, L7_MQTT },
	{ "modbus", IPS_P_TCP, L7_MODBUS },
	{ "dns", IPS_P_TCP | IPS_P_UDP, L7_DNS },
	{ "coap", IPS_P_UDP, L7_COAP },
};

/* The next header field; [lists] may hold spaces. NULL at '(' or end. */
static char *next_field(char **sp, char **out)
{
	char *s = *sp, *start;
	int depth = 0;
	size_t len;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s || *s == '(') {
		*sp = s;
		return NULL;
	}
	for (start = s; *s; s++) {
		if (*s == '[')
			depth++;
		else if (*s == ']')
			depth--;
		else if (depth <= 0 && (isspace((unsigned char)*s) || *s == '('))
			break;
	}
	/* Copy out: the terminator may be the '(' the caller still needs. */
	len = s - start;
	memcpy(*out, start, len);
	(*out)[len] = 0;
	start = *out;
	*out += len + 1;
	*sp = s;
	return start;
}

static int parse_header(struct ips_parse *p, char **sp, struct ips_rule *r)
{
	static const char *const what[7] = {
		"action", "protocol", "source", "source port", "direction",
		"destination", "destination port",
	};
	char *f[7], *buf = malloc(strlen(*sp) + 8), *out = buf;
	size_t i;
	int ret = -1;

	if (!buf)
		return ips_perr(p, "out of memory");
	for (i = 0; i < 7; i++)
		if (!(f[i] = next_field(sp, &out))) {
			ips_perr(p, "no %s: a rule is ACTION PROTO SRC SPORT DIR DST DPORT (OPTIONS)",
				 what[i]);
			goto out;
		}
	if (!strcmp(f[0], "alert")) {
		r->action = IPS_ALERT;
	} else if (!strcmp(f[0], "drop") || !strcmp(f[0], "reject")) {
		r->action = IPS_DROP;	/* reject: the UTM's drop may reset */
	} else if (!strcmp(f[0], "pass")) {
		r->action = IPS_PASS;
	} else {
		ips_perr(p, "unknown action '%s'", f[0]);
		goto out;
	}
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (!strcmp(f[1], protos[i].name))
			break;
	if (i == sizeof(protos) / sizeof(protos[0])) {
		ips_perr(p, "unknown protocol '%s'", f[1]);
		goto out;
	}
	r->protos = protos[i].protos;
	r->app = protos[i].app;
	if (strcmp(f[4], "->") && strcmp(f[4], "<>")) {
		ips_perr(p, "bad direction '%s': '->' or '<>'", f[4]);
		goto out;
	}
	r->bidir = f[4][0] == '<';
	if (ips_parse_addrs(p, f[2], &r->src) ||
	    ips_parse_ports(p, f[3], &r->sport) ||
	    ips_parse_addrs(p, f[5], &r->dst) ||
	    ips_parse_ports(p, f[6], &r->dport))
		goto out;
	ret = 0;
out:
	free(buf);
	return ret;
}

static int parse_rule(struct ips_parse *p, char *s, struct ips_rule *r)
{
	char *end;

	*r = (struct ips_rule){
		.rev = 1, .flow = -1, .modbus_func = -1, .modbus_unit = -1,
		.mqtt_type = -1, .fast = -1, .line = p->line,
	};
	if (parse_header(p, &s, r))
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	if (*s != '(')
		return ips_perr(p, "expected '(' after the destination port");
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	if (end == s + 1 || end[-1] != ')')
		return ips_perr(p, "rule options must end with ')'");
	end[-1] = 0;
	return ips_parse_options(p, s + 1, r);
}

static int add_rule(struct ips_parse *p, struct ips_ruleset *rs, size_t *cap,
		    const struct ips_rule *r)
{
	if (rs->n == IPS_RULES_MAX)
		return ips_perr(p, "more than %d rules", IPS_RULES_MAX);
	if (rs->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct ips_rule *nr = realloc(rs->rules, ncap * sizeof(*nr));

		if (!nr)
			return ips_perr(p, "out of memory");
		rs->rules = nr;
		*cap = ncap;
	}
	rs->rules[rs->n++] = *r;
	return 0;
}

/* Each rule goes to its fast pattern's automaton, or to "always". */
static int build(struct ips_ruleset *rs)
{
	struct ips_scratch *sc;
	size_t i, l, b;

	for (l = 0; l < IPS_NLVL; l++) {
		rs->always[l] = malloc((rs->n + 1) * sizeof(uint32_t));
		if (!rs->always[l])
			return -ENOMEM;
	}
	for (i = 0; i < rs->n; i++) {
		const struct ips_rule *r = &rs->rules[i];
		const struct ips_content *c;
		struct ips_ac **ac;

		if (r->fast < 0) {
			rs->always[r->level][rs->nalways[r->level]++] = i;
			continue;
		}
		c = &r->c[r->fast];
		ac = &rs->ac[r->level][c->buf];
		if (!*ac && !(*ac = ips_ac_new()))
			return -ENOMEM;
		if (ips_ac_add(*ac, c->pat, c->len, i))
			return -ENOMEM;
	}
	for (l = 0; l < IPS_NLVL; l++)
		for (b = 0; b < IPS_NBUF; b++)
			if (rs->ac[l][b] && ips_ac_build(rs->ac[l][b]))
				return -ENOMEM;
	sc = rs->sc = calloc(1, sizeof(*sc));
	if (!sc)
		return -ENOMEM;
	sc->gen = calloc(rs->n + 1, sizeof(uint32_t));
	sc->cand = malloc((rs->n + 1) * sizeof(uint32_t));
	sc->memo = calloc(IPS_CONTENTS_MAX * IPS_MEMO_POS / 64,
			  sizeof(uint64_t));
	sc->undo = malloc((IPS_BUDGET + 1) * sizeof(uint32_t));
	if (!sc->gen || !sc->cand || !sc->memo || !sc->undo)
		return -ENOMEM;
	return 0;
}

struct ips_ruleset *ips_load_text(const char *name, const char *text,
				  size_t len, char *err, size_t errlen)
{
	struct ips_ruleset *rs = calloc(1, sizeof(*rs));
	struct ips_parse p = { .name = name, .err = err, .errlen = errlen };
	const char *t = text, *end = text + len;
	struct sid_table sids = { 0 };
	char *line = malloc(IPS_LINE_MAX + 1);
	unsigned int phys = 0;
	size_t cap = 0;

	if (err && errlen)
		err[0] = 0;
	if (!rs || !line) {
		ips_perr(&p, "out of memory");
		goto fail;
	}
	p.arena = &rs->arena;
	while (t < end) {
		size_t n = 0;
		bool more, comment = false;
		struct ips_rule r;
		char *s;

		p.line = phys + 1;	/* errors name a rule's first line */
		do {	/* a trailing '\' continues a rule on the next line */
			const char *nl = memchr(t, '\n', end - t);
			size_t l = (nl ? nl : end) - t;
			const char *q;

			phys++;
			if (!n) {
				for (q = t; q < t + l && isspace((unsigned char)*q); q++)
					;
				comment = q < t + l && *q == '#';
			}
			if (memchr(t, 0, l)) {
				ips_perr(&p, "NUL byte in the rule");
				goto fail;
			}
			if (l && t[l - 1] == '\r')
				l--;
			more = !comment && l && t[l - 1] == '\\' && nl;
			l -= more;
			if (n + l > IPS_LINE_MAX && !comment) {
				ips_perr(&p, "rule longer than %d bytes",
					 IPS_LINE_MAX);
				goto fail;
			}
			if (!comment)
				memcpy(line + n, t, l);
			n += comment ? 0 : l;
			t = nl ? nl + 1 : end;
		} while (more);
		line[n] = 0;
		for (s = line; isspace((unsigned char)*s); s++)
			;
		if (comment || !*s)
			continue;
		if (parse_rule(&p, s, &r) || sid_add(&p, &sids, r.sid) ||
		    add_rule(&p, rs, &cap, &r))
			goto fail;
	}
	if (build(rs)) {
		ips_perr(&p, "out of memory");
		goto fail;
	}
	free(sids.sid);
	free(sids.line);
	free(line);
	return rs;
fail:
	free(sids.sid);
	free(sids.line);
	free(line);
	ips_free(rs);
	return NULL;
}

#define IPS_FILE_MAX ((size_t)128 << 20)

struct ips_ruleset *ips_load_file(const char *path, char *err, size_t errlen)
{
	struct ips_ruleset *rs = NULL;
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t len = 0, cap = 0, got;
	struct stat st;

	if (!f)
		goto ioerr;
	/* A device or a FIFO would never end, or never start. */
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		if (err && errlen)
			snprintf(err, errlen, "%s: not a regular file", path);
		fclose(f);
		return NULL;
	}
	for (;;) {
		if (cap - len < 65536) {
			char *nt;

			/* Far beyond a real rule set (the largest are ~40 MB). */
			if (cap >= IPS_FILE_MAX) {
				errno = EFBIG;
				goto ioerr;
			}
			nt = realloc(text, cap ? 2 * cap : 65536);
			if (!nt)
				goto ioerr;
			text = nt;
			cap = cap ? 2 * cap : 65536;
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		goto ioerr;
	rs = ips_load_text(path, text, len, err, errlen);
	fclose(f);
	free(text);
	return rs;
ioerr:
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	if (f)
		fclose(f);
	free(text);
	return NULL;
}

void ips_free(struct ips_ruleset *rs)
{
	size_t l, b;

	if (!rs)
		return;
	for (l = 0; l < IPS_NLVL; l++) {
		for (b = 0; b < IPS_NBUF; b++)
			ips_ac_free(rs->ac[l][b]);
		free(rs->always[l]);
	}
	if (rs->sc) {
		free(rs->sc->gen);
		free(rs->sc->cand);
		free(rs->sc->memo);
		free(rs->sc->undo);
		free(rs->sc);
	}
	free(rs->rules);
	ips_arena_free(&rs->arena);
	free(rs);
}

size_t ips_rule_count(const struct ips_ruleset *rs)
{
	return rs ? rs->n : 0;
}

size_t ips_ac_bytes_total(const struct ips_ruleset *rs)
{
	size_t l, b, n = 0;

	for (l = 0; l < IPS_NLVL; l++)
		for (b = 0; b < IPS_NBUF; b++)
			if (rs->ac[l][b])
				n += ips_ac_bytes(rs->ac[l][b]);
	return n;
}
