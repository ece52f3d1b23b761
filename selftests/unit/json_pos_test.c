// SPDX-License-Identifier: GPL-2.0-only
/* The position index: every value found under its JSON pointer. */
#include <string.h>

#include "json_pos.h"
#include "suites.h"

static const char doc[] =
	"{\n"
	"  \"a\": { \"b\": [ 1, {\"c\": true} ] },\n"
	"  \"x/y\": \"s\\\"q\",\n"
	"  \"t~\": null\n"
	"}\n";

static const struct {
	const char *ptr;
	int line, col;
} where[] = {
	{ "", 1, 1 },
	{ "/a", 2, 3 },
	{ "/a/b", 2, 10 },
	{ "/a/b/0", 2, 17 },
	{ "/a/b/1", 2, 20 },
	{ "/a/b/1/c", 2, 21 },
	{ "/x~1y", 3, 3 },
	{ "/t~0", 4, 3 },
	/* Not present: the nearest ancestor's place. */
	{ "/a/b/7", 2, 10 },
	{ "/nope", 1, 1 },
};

START_TEST(test_positions)
{
	struct json_pos_index *idx = json_pos_index_build(doc, strlen(doc));
	int line, col;

	ck_assert_ptr_nonnull(idx);
	json_pos_find(idx, where[_i].ptr, &line, &col);
	ck_assert_msg(line == where[_i].line && col == where[_i].col,
		      "%s: %d:%d, want %d:%d", where[_i].ptr, line, col,
		      where[_i].line, where[_i].col);
	json_pos_index_free(idx);
}
END_TEST

START_TEST(test_garbage_does_not_crash)
{
	static const char *const junk[] = {
		"", "{", "[", "{\"a\"", "{\"a\":", "\"unterminated", "[[[[[[",
		"{\"a\":[1,2,", "}", "{\"\\", "{\"a\" 1}",
	};
	size_t i;

	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		struct json_pos_index *idx =
			json_pos_index_build(junk[i], strlen(junk[i]));
		int line, col;

		json_pos_find(idx, "/a/0", &line, &col);
		ck_assert_int_ge(line, 1);
		json_pos_index_free(idx);
	}
}
END_TEST

START_TEST(test_deep_nesting_bounded)
{
	static char deep[20001];

	memset(deep, '[', 10000);
	memset(deep + 10000, ']', 10000);
	json_pos_index_free(json_pos_index_build(deep, 20000));
}
END_TEST

Suite *json_pos_suite(void)
{
	Suite *s = suite_create("json_pos");
	TCase *tc = tcase_create("index");

	tcase_add_loop_test(tc, test_positions, 0, sizeof(where) / sizeof(where[0]));
	tcase_add_test(tc, test_garbage_does_not_crash);
	tcase_add_test(tc, test_deep_nesting_bounded);
	suite_add_tcase(s, tc);
	return s;
}
