/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The config walker: it carries the JSON pointer of the value it looks
 * at, so every error names its place (FILE:LINE:COL: dotted.path: what).
 * Shared by the parts of the config that live in files of their own.
 */
#ifndef TUNCTL_CONFIG_WALK_H
#define TUNCTL_CONFIG_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "config.h"
#include "json_pos.h"

struct walker {
	const char *name;
	const struct json_pos_index *pos;
	struct conf_diag *diag;
	char ptr[512];
};

void walk_err(struct walker *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Step into member key; walk_pop with what it returned steps out. */
size_t walk_push(struct walker *w, const char *key);
void walk_pop(struct walker *w, size_t old);
/* Report every key of obj not in allowed[] (NULL-terminated). */
void walk_keys(struct walker *w, json_t *obj, const char *const *allowed);
bool walk_want(struct walker *w, json_t *v, json_type t, const char *what);
void walk_bool(struct walker *w, json_t *obj, const char *key, bool *out);
/* A string member, or NULL (with an error if present but not a string). */
const char *walk_string(struct walker *w, json_t *obj, const char *key);
/* An integer member within [min, max]; -1 when absent or wrong. */
long walk_int(struct walker *w, json_t *obj, const char *key, long min,
	      long max, const char *what);
void walk_require(struct walker *w, json_t *obj, const char *key);
void walk_forbid(struct walker *w, json_t *obj, const char *key,
		 const char *why);
/* A string member that must be one of names[]; its index or -1. */
int walk_enum(struct walker *w, json_t *obj, const char *key,
	      const char *const *names, size_t n, const char *expected);

/* config_utm.c: a tunnel's "l7", the node's "utm". */
void conf_parse_l7(struct walker *w, json_t *t, struct tunctl_conf *conf,
		   struct conf_tunnel *out);
void conf_parse_utm(struct walker *w, json_t *utm, struct tunctl_conf *conf);
void conf_free_l7(struct tunctl_conf *conf);

#endif
