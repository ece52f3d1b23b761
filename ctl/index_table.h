/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Session index -> tunnel: an open-addressing hash table with linear
 * probing and backward-shift deletion, so deleting leaves no tombstones
 * and a table that never holds more than half its slots always has an
 * empty one to end a probe.
 */
#ifndef TUNCTL_INDEX_TABLE_H
#define TUNCTL_INDEX_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct index_table {
	struct index_entry {
		uint32_t index;		/* 0: empty */
		void *value;
	} *slots;
	size_t cap;		/* a power of two */
	size_t used;
};

/* Room for at least max live entries at half load; -ENOMEM. */
int index_table_init(struct index_table *t, size_t max);
void index_table_free(struct index_table *t);
void *index_table_get(const struct index_table *t, uint32_t index);
/* Insert or replace; -ENOSPC beyond half load, -EINVAL for index 0. */
int index_table_put(struct index_table *t, uint32_t index, void *value);
void index_table_del(struct index_table *t, uint32_t index);
/* Remove everything. */
void index_table_clear(struct index_table *t);

#endif /* TUNCTL_INDEX_TABLE_H */
