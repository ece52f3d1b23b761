// SPDX-License-Identifier: GPL-2.0-only
/*
 * The session index table under churn against a naive reference: a
 * million random puts and deletes at up to half load must neither lose an
 * entry, invent one, nor ever stall (the old tombstone table did, after a
 * few hundred handshakes).
 */
#include <stdlib.h>

#include "index_table.h"
#include "suites.h"

#define LIVE 40

START_TEST(test_churn_against_reference)
{
	uint32_t live[LIVE] = { 0 };
	struct index_table t;
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	int i, k;

	ck_assert_int_eq(index_table_init(&t, LIVE), 0);
	for (i = 0; i < 1000000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		k = x % LIVE;
		if (live[k]) {
			ck_assert_ptr_eq(index_table_get(&t, live[k]), &live[k]);
			index_table_del(&t, live[k]);
			ck_assert_ptr_null(index_table_get(&t, live[k]));
		}
		/* Small values collide often: the probing is exercised. */
		live[k] = (uint32_t)(x >> 32) % 5000 + 1;
		for (int j = 0; j < LIVE; j++)
			if (j != k && live[j] == live[k])
				live[k] = 0;
		if (live[k])
			ck_assert_int_eq(index_table_put(&t, live[k], &live[k]), 0);
		if (i % 997 == 0)
			for (int j = 0; j < LIVE; j++)
				if (live[j])
					ck_assert_ptr_eq(index_table_get(&t, live[j]),
							 &live[j]);
	}
	index_table_free(&t);
}
END_TEST

START_TEST(test_limits)
{
	struct index_table t;
	size_t n = 0;

	ck_assert_int_eq(index_table_init(&t, 4), 0);
	ck_assert_int_eq(index_table_put(&t, 0, &t), -22);
	while (index_table_put(&t, n + 1, &t) == 0)
		n++;
	ck_assert_uint_eq(n, t.cap / 2);
	ck_assert_ptr_null(index_table_get(&t, 100000));
	index_table_clear(&t);
	ck_assert_ptr_null(index_table_get(&t, 1));
	index_table_free(&t);
}
END_TEST

Suite *index_table_suite(void)
{
	Suite *s = suite_create("index_table");
	TCase *tc = tcase_create("churn");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_churn_against_reference);
	tcase_add_test(tc, test_limits);
	suite_add_tcase(s, tc);
	return s;
}
