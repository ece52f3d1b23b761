// SPDX-License-Identifier: GPL-2.0-only
/* Linear probing with backward-shift deletion (no tombstones). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "index_table.h"

static size_t home(const struct index_table *t, uint32_t index)
{
	return (index * 2654435761U) & (t->cap - 1);
}

int index_table_init(struct index_table *t, size_t max)
{
	memset(t, 0, sizeof(*t));
	for (t->cap = 16; t->cap < 2 * max + 2; t->cap *= 2)
		;
	t->slots = calloc(t->cap, sizeof(*t->slots));
	return t->slots ? 0 : -ENOMEM;
}

void index_table_free(struct index_table *t)
{
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

void index_table_clear(struct index_table *t)
{
	memset(t->slots, 0, t->cap * sizeof(*t->slots));
	t->used = 0;
}

/* The slot holding index, or the empty slot where it would go. */
static size_t probe(const struct index_table *t, uint32_t index)
{
	size_t mask = t->cap - 1, i = home(t, index);

	/* Ends: at most half the slots are used. */
	while (t->slots[i].index && t->slots[i].index != index)
		i = (i + 1) & mask;
	return i;
}

void *index_table_get(const struct index_table *t, uint32_t index)
{
	size_t i;

	if (!index || !t->slots)
		return NULL;
	i = probe(t, index);
	return t->slots[i].index ? t->slots[i].value : NULL;
}

int index_table_put(struct index_table *t, uint32_t index, void *value)
{
	size_t i;

	if (!index)
		return -EINVAL;
	i = probe(t, index);
	if (!t->slots[i].index) {
		if (2 * (t->used + 1) > t->cap)
			return -ENOSPC;
		t->used++;
	}
	t->slots[i].index = index;
	t->slots[i].value = value;
	return 0;
}

void index_table_del(struct index_table *t, uint32_t index)
{
	size_t mask = t->cap - 1, i, j, k;

	if (!index || !t->slots)
		return;
	i = probe(t, index);
	if (!t->slots[i].index)
		return;
	/* Pull later entries of the probe run back into the hole. */
	for (j = i;;) {
		j = (j + 1) & mask;
		if (!t->slots[j].index)
			break;
		k = home(t, t->slots[j].index);
		/* Leave it if its home lies cyclically in (i, j]. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		t->slots[i] = t->slots[j];
		i = j;
	}
	t->slots[i].index = 0;
	t->slots[i].value = NULL;
	t->used--;
}
