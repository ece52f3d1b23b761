/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where each value of a JSON text sits (line, column), keyed by its JSON
 * pointer ("/tunnels/0/port"). jansson parses but forgets positions; the
 * config checker needs them to say FILE:LINE:COL for semantic errors.
 */
#ifndef TUNCTL_JSON_POS_H
#define TUNCTL_JSON_POS_H

struct json_pos_index;

/* NULL on allocation failure; a syntax error just ends the index early. */
struct json_pos_index *json_pos_index_build(const char *text, size_t len);
void json_pos_index_free(struct json_pos_index *idx);
/*
 * Position of the member key (for object members) or the value (for array
 * elements and the root). Falls back to the nearest indexed ancestor.
 */
void json_pos_find(const struct json_pos_index *idx, const char *pointer,
		   int *line, int *col);

#endif /* TUNCTL_JSON_POS_H */
