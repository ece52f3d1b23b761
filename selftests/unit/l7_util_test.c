// SPDX-License-Identifier: GPL-2.0-only
/*
 * The allow lists the L7 parsers share: path prefixes on segment bounds,
 * query name suffixes on label bounds, and the exact string list.
 */
#include <string.h>

#include "l7.h"
#include "suites.h"

static char *api_paths[] = { "/api", "/static/", "/index.html" };
static const struct l7_strlist paths = { api_paths, 3, true };
static char *root_path[] = { "/" };
static const struct l7_strlist root = { root_path, 1, true };
static const struct l7_strlist empty_set = { NULL, 0, true };
static const struct l7_strlist unset = { 0 };

static const struct path_case {
	const char *name;
	const struct l7_strlist *list;
	const char *path;
	bool allowed;
} path_cases[] = {
	{ "prefix itself", &paths, "/api", true },
	{ "below the prefix", &paths, "/api/v1/x", true },
	{ "query after the prefix", &paths, "/api?x=1", true },
	{ "not on a segment bound", &paths, "/apix", false },
	{ "a shorter path", &paths, "/ap", false },
	{ "slash prefix, below", &paths, "/static/app.js", true },
	{ "slash prefix wants its slash", &paths, "/static", false },
	{ "exact file", &paths, "/index.html", true },
	{ "file prefix on bounds", &paths, "/index.htmlx", false },
	{ "elsewhere", &paths, "/admin", false },
	{ "case matters", &paths, "/API", false },
	{ "empty path", &paths, "", false },
	{ "root allows all", &root, "/admin/x", true },
	{ "root, not the asterisk", &root, "*", false },
	{ "empty list allows nothing", &empty_set, "/", false },
	{ "unset allows all", &unset, "/anything", true },
};

START_TEST(test_path)
{
	const struct path_case *c = &path_cases[_i];

	ck_assert_msg(l7_path_allowed(c->list, c->path) == c->allowed,
		      "%s: %s", c->name, c->path);
}
END_TEST

static char *zone_names[] = { "example.com", "corp.internal." };
static const struct l7_strlist zones = { zone_names, 2, true };
static char *dot_name[] = { "." };
static const struct l7_strlist dot = { dot_name, 1, true };

static const struct path_case name_cases[] = {
	{ "the suffix itself", &zones, "example.com", true },
	{ "below the suffix", &zones, "www.example.com", true },
	{ "deep below", &zones, "a.b.c.example.com", true },
	{ "not on a label bound", &zones, "badexample.com", false },
	{ "suffix inside", &zones, "example.com.evil.net", false },
	{ "case-insensitive", &zones, "WWW.Example.COM", true },
	{ "root dot on the name", &zones, "www.example.com.", true },
	{ "root dot on the suffix", &zones, "db.corp.internal", true },
	{ "a shorter name", &zones, "com", false },
	{ "the root", &zones, "", false },
	{ "dot allows the root", &dot, "", true },
	{ "dot allows all", &dot, "anything.net", true },
	{ "empty list allows nothing", &empty_set, "example.com", false },
	{ "unset allows all", &unset, "evil.net", true },
};

START_TEST(test_name)
{
	const struct path_case *c = &name_cases[_i];

	ck_assert_msg(l7_name_allowed(c->list, c->path) == c->allowed,
		      "%s: %s", c->name, c->path);
}
END_TEST

START_TEST(test_strlist)
{
	static char *m[] = { "GET", "POST" };
	static const struct l7_strlist l = { m, 2, true };

	ck_assert(l7_strlist_has(&l, "GET"));
	ck_assert(l7_strlist_has(&l, "POST"));
	ck_assert(!l7_strlist_has(&l, "get"));
	ck_assert(!l7_strlist_has(&l, "GETX"));
	ck_assert(!l7_strlist_has(&empty_set, "GET"));
	ck_assert(l7_strlist_has(&unset, "DELETE"));
	ck_assert_str_eq(l7_proto_name(L7_HTTP), "http");
	ck_assert_int_eq(l7_proto_by_name("dns"), L7_DNS);
	ck_assert_int_eq(l7_proto_by_name("gopher"), L7_NONE);
	ck_assert_ptr_null(l7_proto_name(L7_PROTO_MAX));
}
END_TEST

Suite *l7_util_suite(void)
{
	Suite *s = suite_create("l7_util");
	TCase *tc = tcase_create("lists");

	tcase_add_loop_test(tc, test_path, 0,
			    sizeof(path_cases) / sizeof(path_cases[0]));
	tcase_add_loop_test(tc, test_name, 0,
			    sizeof(name_cases) / sizeof(name_cases[0]));
	tcase_add_test(tc, test_strlist);
	suite_add_tcase(s, tc);
	return s;
}
