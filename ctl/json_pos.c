// SPDX-License-Identifier: GPL-2.0-only
/*
 * A small JSON scanner that records the position of every value under its
 * JSON pointer. It validates nothing beyond what it needs to walk: jansson
 * has already parsed the text (or reported the syntax error) by then.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_pos.h"

#define MAX_DEPTH 64
#define MAX_PTR 512

struct json_pos_entry {
	char *pointer;
	int line, col;
};

struct json_pos_index {
	struct json_pos_entry *v;
	size_t n, cap;
};

struct scanner {
	const char *s, *end;
	int line, col;
	struct json_pos_index *idx;
	char ptr[MAX_PTR];
	int depth;
	int failed;
};

static void adv(struct scanner *sc)
{
	if (sc->s >= sc->end)
		return;
	if (*sc->s == '\n') {
		sc->line++;
		sc->col = 1;
	} else {
		sc->col++;
	}
	sc->s++;
}

static void skip_ws(struct scanner *sc)
{
	while (sc->s < sc->end &&
	       (*sc->s == ' ' || *sc->s == '\t' || *sc->s == '\n' ||
		*sc->s == '\r'))
		adv(sc);
}

static void record(struct scanner *sc, int line, int col)
{
	struct json_pos_index *idx = sc->idx;
	struct json_pos_entry *e;

	if (idx->n == idx->cap) {
		size_t cap = idx->cap ? idx->cap * 2 : 64;
		void *v = realloc(idx->v, cap * sizeof(*idx->v));

		if (!v) {
			sc->failed = 1;
			return;
		}
		idx->v = v;
		idx->cap = cap;
	}
	e = &idx->v[idx->n];
	e->pointer = strdup(sc->ptr);
	if (!e->pointer) {
		sc->failed = 1;
		return;
	}
	e->line = line;
	e->col = col;
	idx->n++;
}

/* Append "/token" (RFC 6901 escaping) to the pointer; return old length. */
static size_t ptr_push(struct scanner *sc, const char *tok, size_t toklen)
{
	size_t old = strlen(sc->ptr), n = old;
	size_t i;

	if (n + 1 < MAX_PTR)
		sc->ptr[n++] = '/';
	for (i = 0; i < toklen && n + 2 < MAX_PTR; i++) {
		if (tok[i] == '~' || tok[i] == '/') {
			sc->ptr[n++] = '~';
			sc->ptr[n++] = tok[i] == '~' ? '0' : '1';
		} else {
			sc->ptr[n++] = tok[i];
		}
	}
	sc->ptr[n] = '\0';
	return old;
}

/* Scan a string; copy its (simply unescaped) contents into buf. */
static int scan_string(struct scanner *sc, char *buf, size_t bufsz,
		       size_t *outlen)
{
	size_t n = 0;

	if (sc->s >= sc->end || *sc->s != '"')
		return -1;
	adv(sc);
	while (sc->s < sc->end && *sc->s != '"') {
		char c = *sc->s;

		if (c == '\\') {
			adv(sc);
			if (sc->s >= sc->end)
				return -1;
			c = *sc->s;
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
		}
		if (buf && n + 1 < bufsz)
			buf[n++] = c;
		adv(sc);
	}
	if (sc->s >= sc->end)
		return -1;
	adv(sc);
	if (buf)
		buf[n] = '\0';
	if (outlen)
		*outlen = n;
	return 0;
}

static int scan_value(struct scanner *sc);

static int scan_object(struct scanner *sc)
{
	char key[MAX_PTR];

	adv(sc);	/* { */
	skip_ws(sc);
	if (sc->s < sc->end && *sc->s == '}') {
		adv(sc);
		return 0;
	}
	for (;;) {
		int line, col;
		size_t klen, old;

		skip_ws(sc);
		line = sc->line;
		col = sc->col;
		if (scan_string(sc, key, sizeof(key), &klen))
			return -1;
		old = ptr_push(sc, key, klen);
		record(sc, line, col);
		skip_ws(sc);
		if (sc->s >= sc->end || *sc->s != ':')
			return -1;
		adv(sc);
		if (scan_value(sc))
			return -1;
		sc->ptr[old] = '\0';
		skip_ws(sc);
		if (sc->s < sc->end && *sc->s == ',') {
			adv(sc);
			continue;
		}
		if (sc->s < sc->end && *sc->s == '}') {
			adv(sc);
			return 0;
		}
		return -1;
	}
}

static int scan_array(struct scanner *sc)
{
	unsigned int i = 0;

	adv(sc);	/* [ */
	skip_ws(sc);
	if (sc->s < sc->end && *sc->s == ']') {
		adv(sc);
		return 0;
	}
	for (;; i++) {
		char tok[16];
		size_t old;
		int len;

		skip_ws(sc);
		len = snprintf(tok, sizeof(tok), "%u", i);
		old = ptr_push(sc, tok, len);
		record(sc, sc->line, sc->col);
		if (scan_value(sc))
			return -1;
		sc->ptr[old] = '\0';
		skip_ws(sc);
		if (sc->s < sc->end && *sc->s == ',') {
			adv(sc);
			continue;
		}
		if (sc->s < sc->end && *sc->s == ']') {
			adv(sc);
			return 0;
		}
		return -1;
	}
}

static int scan_value(struct scanner *sc)
{
	int ret;

	skip_ws(sc);
	if (sc->s >= sc->end || sc->failed)
		return -1;
	if (++sc->depth > MAX_DEPTH)
		return -1;
	switch (*sc->s) {
	case '{':
		ret = scan_object(sc);
		break;
	case '[':
		ret = scan_array(sc);
		break;
	case '"':
		ret = scan_string(sc, NULL, 0, NULL);
		break;
	default:
		/* number, true, false, null: up to the next delimiter */
		while (sc->s < sc->end && !strchr(",]} \t\r\n", *sc->s))
			adv(sc);
		ret = 0;
	}
	sc->depth--;
	return ret;
}

struct json_pos_index *json_pos_index_build(const char *text, size_t len)
{
	struct json_pos_index *idx = calloc(1, sizeof(*idx));
	struct scanner sc = {
		.s = text, .end = text + len, .line = 1, .col = 1, .idx = idx,
	};

	if (!idx)
		return NULL;
	skip_ws(&sc);
	record(&sc, sc.line, sc.col);	/* the root, pointer "" */
	scan_value(&sc);
	if (sc.failed) {
		json_pos_index_free(idx);
		return NULL;
	}
	return idx;
}

void json_pos_index_free(struct json_pos_index *idx)
{
	size_t i;

	if (!idx)
		return;
	for (i = 0; i < idx->n; i++)
		free(idx->v[i].pointer);
	free(idx->v);
	free(idx);
}

void json_pos_find(const struct json_pos_index *idx, const char *pointer,
		   int *line, int *col)
{
	char buf[MAX_PTR];
	size_t i;

	*line = 1;
	*col = 1;
	if (!idx)
		return;
	snprintf(buf, sizeof(buf), "%s", pointer);
	for (;;) {
		char *slash;

		for (i = 0; i < idx->n; i++) {
			if (!strcmp(idx->v[i].pointer, buf)) {
				*line = idx->v[i].line;
				*col = idx->v[i].col;
				return;
			}
		}
		slash = strrchr(buf, '/');
		if (!slash)
			return;
		*slash = '\0';
	}
}
