// SPDX-License-Identifier: GPL-2.0-only
/*
 * The event log in a scratch directory: every line parses back with every
 * field, rotation keeps whole lines and exactly the newest ones, strings
 * that are not UTF-8 still make a line, and write errors are counted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <jansson.h>

#include "eve.h"
#include "suites.h"

static char dir[64];
static char path[128];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/eve-test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/eve.json", dir);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Each line of file, parsed; NULL if the file is missing. Fails on any
 * line that is not one whole JSON object. */
static json_t *read_lines(const char *file)
{
	FILE *f = fopen(file, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	json_t *lines;

	if (!f)
		return NULL;
	lines = json_array();
	while ((n = getline(&line, &cap, f)) > 0) {
		json_error_t e;
		json_t *o;

		ck_assert_msg(line[n - 1] == '\n', "%s: a line without its newline: %s",
			      file, line);
		o = json_loads(line, 0, &e);
		ck_assert_msg(json_is_object(o), "%s: not an object (%s): %s",
			      file, e.text, line);
		json_array_append_new(lines, o);
	}
	free(line);
	fclose(f);
	return lines;
}

static const char *str_at(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static json_int_t int_at(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	ck_assert_msg(json_is_integer(v), "%s is not an integer", k);
	return json_integer_value(v);
}

static struct eve_event alert_event(const char *msg)
{
	struct eve_event ev = {
		.event_type = "alert", .tunnel_id = 10, .proto = IPPROTO_TCP,
		.saddr = htonl(0x64400001), .daddr = htonl(0x64400002),
		.sport = 40000, .dport = 80, .app_proto = "http",
		.action = "blocked", .sid = 1000001, .rev = 3, .msg = msg,
	};
	return ev;
}

START_TEST(test_alert_fields)
{
	struct eve_log log;
	struct eve_event ev = alert_event("ET WEB admin probe \"x\"\n");
	json_t *lines, *o, *a;
	const char *ts;

	ck_assert_int_eq(eve_open(&log, path, 0, 0), 0);
	eve_write(&log, &ev);
	eve_close(&log);
	ck_assert_int_eq(log.write_errors, 0);
	lines = read_lines(path);
	ck_assert_int_eq(json_array_size(lines), 1);
	o = json_array_get(lines, 0);
	ts = str_at(o, "timestamp");
	/* 2026-12-02T01:23:45.123456+0000 */
	ck_assert_msg(ts && strlen(ts) == 31 && ts[10] == 'T' && ts[19] == '.' &&
		      (ts[26] == '+' || ts[26] == '-'), "timestamp %s", ts);
	ck_assert_str_eq(str_at(o, "event_type"), "alert");
	ck_assert_int_eq(int_at(o, "tunnel_id"), 10);
	ck_assert_str_eq(str_at(o, "src_ip"), "100.64.0.1");
	ck_assert_int_eq(int_at(o, "src_port"), 40000);
	ck_assert_str_eq(str_at(o, "dest_ip"), "100.64.0.2");
	ck_assert_int_eq(int_at(o, "dest_port"), 80);
	ck_assert_str_eq(str_at(o, "proto"), "TCP");
	ck_assert_str_eq(str_at(o, "app_proto"), "http");
	a = json_object_get(o, "alert");
	ck_assert(json_is_object(a));
	ck_assert_str_eq(str_at(a, "action"), "blocked");
	ck_assert_int_eq(int_at(a, "signature_id"), 1000001);
	ck_assert_int_eq(int_at(a, "rev"), 3);
	ck_assert_str_eq(str_at(a, "signature"), "ET WEB admin probe \"x\"\n");
	ck_assert_ptr_null(json_object_get(o, "drop"));
	json_decref(lines);
}
END_TEST

static const struct {
	const char *name;
	uint8_t proto;
	const char *want_proto;
	bool ports;
	const char *app_proto;
} drop_cases[] = {
	{ "tcp with app_proto", IPPROTO_TCP, "TCP", true, "mqtt" },
	{ "udp without app_proto", IPPROTO_UDP, "UDP", true, NULL },
	{ "icmp: no ports", IPPROTO_ICMP, "ICMP", false, NULL },
	{ "gre: the number", 47, "47", false, NULL },
};

START_TEST(test_drop_fields)
{
	struct eve_log log;
	struct eve_event ev = {
		.event_type = "drop", .tunnel_id = 65535,
		.proto = drop_cases[_i].proto,
		.saddr = htonl(0x0a000001), .daddr = htonl(0xc0a80101),
		.sport = 1, .dport = 65535,
		.app_proto = drop_cases[_i].app_proto,
		.action = "blocked", .reason = "http: method not allowed",
		.l7_action = "reset",
	};
	json_t *lines, *o, *d;

	ck_assert_int_eq(eve_open(&log, path, 0, 0), 0);
	eve_write(&log, &ev);
	eve_close(&log);
	lines = read_lines(path);
	ck_assert_int_eq(json_array_size(lines), 1);
	o = json_array_get(lines, 0);
	ck_assert_str_eq(str_at(o, "event_type"), "drop");
	ck_assert_int_eq(int_at(o, "tunnel_id"), 65535);
	ck_assert_str_eq(str_at(o, "src_ip"), "10.0.0.1");
	ck_assert_str_eq(str_at(o, "dest_ip"), "192.168.1.1");
	ck_assert_str_eq(str_at(o, "proto"), drop_cases[_i].want_proto);
	if (drop_cases[_i].ports) {
		ck_assert_int_eq(int_at(o, "src_port"), 1);
		ck_assert_int_eq(int_at(o, "dest_port"), 65535);
	} else {
		ck_assert_ptr_null(json_object_get(o, "src_port"));
		ck_assert_ptr_null(json_object_get(o, "dest_port"));
	}
	if (drop_cases[_i].app_proto)
		ck_assert_str_eq(str_at(o, "app_proto"), drop_cases[_i].app_proto);
	else
		ck_assert_ptr_null(json_object_get(o, "app_proto"));
	d = json_object_get(o, "drop");
	ck_assert_msg(json_is_object(d), "%s: no drop object", drop_cases[_i].name);
	ck_assert_str_eq(str_at(d, "reason"), "http: method not allowed");
	ck_assert_str_eq(str_at(d, "action"), "reset");
	ck_assert_ptr_null(json_object_get(o, "alert"));
	json_decref(lines);
}
END_TEST

static const struct {
	const char *name;
	const char *in;
	const char *want;
} utf8_cases[] = {
	{ "plain", "plain ascii", "plain ascii" },
	{ "valid two, three, four bytes", "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	  "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
	{ "stray continuation and 0xff", "a\x80\xff" "b", "a??b" },
	{ "truncated sequence at the end", "ab\xe2\x82", "ab??" },
	{ "bad continuation", "\xc3\x28", "?(" },
	{ "overlong slash", "\xc0\xaf", "??" },
	{ "overlong three bytes", "\xe0\x80\xaf", "???" },
	{ "surrogate", "\xed\xa0\x80", "???" },
	{ "beyond U+10FFFF", "\xf4\x90\x80\x80", "????" },
	{ "control bytes escaped, kept", "\x01\x1b[0m\t", "\x01\x1b[0m\t" },
};

START_TEST(test_not_utf8)
{
	struct eve_log log;
	struct eve_event ev = alert_event(utf8_cases[_i].in);
	json_t *lines, *o;

	ev.app_proto = utf8_cases[_i].in;
	ck_assert_int_eq(eve_open(&log, path, 0, 0), 0);
	eve_write(&log, &ev);
	eve_close(&log);
	ck_assert_int_eq(log.write_errors, 0);
	lines = read_lines(path);
	ck_assert_msg(json_array_size(lines) == 1, "%s: no line", utf8_cases[_i].name);
	o = json_array_get(lines, 0);
	ck_assert_str_eq(str_at(json_object_get(o, "alert"), "signature"),
			 utf8_cases[_i].want);
	ck_assert_str_eq(str_at(o, "app_proto"), utf8_cases[_i].want);
	json_decref(lines);
}
END_TEST

/* Sequence numbers of every line of FILE, appended to seq; line count. */
static size_t collect_seq(const char *file, int *seq, size_t *n, size_t *len)
{
	json_t *lines = read_lines(file), *o;
	struct stat st;
	size_t i;

	if (!lines)
		return 0;
	ck_assert_int_eq(stat(file, &st), 0);
	json_array_foreach(lines, i, o) {
		const char *sig = str_at(json_object_get(o, "alert"), "signature");

		ck_assert_ptr_nonnull(sig);
		seq[(*n)++] = atoi(sig + 4);
	}
	*len = st.st_size;
	i = json_array_size(lines);
	json_decref(lines);
	return i;
}

static const struct {
	const char *name;
	uint64_t max_bytes;
	unsigned int keep;
} rot_cases[] = {
	{ "keep 3, a few lines a file", 2000, 3 },
	{ "keep 1", 1500, 1 },
	{ "keep 0: start again", 2000, 0 },
	{ "keep 5, one line a file (max below a line)", 100, 5 },
	{ "keep 2, everything fits", 1 << 20, 2 },
};

START_TEST(test_rotation)
{
	enum { WRITES = 1000 };
	uint64_t max = rot_cases[_i].max_bytes;
	unsigned int keep = rot_cases[_i].keep, f;
	size_t n = 0, line_len, per_file, files, present, want, flen, got;
	static int seq[WRITES];
	struct eve_log log;
	char name[160], seqmsg[16];
	json_t *first;
	int i;

	ck_assert_int_eq(eve_open(&log, path, max, keep), 0);
	for (i = 0; i < WRITES; i++) {
		struct eve_event ev;

		snprintf(seqmsg, sizeof(seqmsg), "seq %04d", i);
		ev = alert_event(seqmsg);
		eve_write(&log, &ev);
	}
	eve_close(&log);
	ck_assert_int_eq(log.write_errors, 0);

	/* Every line is as long as the first: count what must be left. */
	first = read_lines(path);
	ck_assert_int_gt(json_array_size(first), 0);
	json_decref(first);
	{
		FILE *fp = fopen(path, "r");
		char *l = NULL;
		size_t cap = 0;

		line_len = getline(&l, &cap, fp);
		free(l);
		fclose(fp);
	}
	per_file = max / line_len ? max / line_len : 1;
	files = (WRITES + per_file - 1) / per_file;
	present = files < keep + 1 ? files : keep + 1;
	want = (present - 1) * per_file + (WRITES - (files - 1) * per_file);

	/* Oldest first: FILE.keep .. FILE.1, then FILE. */
	for (f = keep; f >= 1; f--) {
		snprintf(name, sizeof(name), "%s.%u", path, f);
		got = collect_seq(name, seq, &n, &flen);
		if (f < present) {
			ck_assert_msg(got == per_file, "%s: %s: %zu lines, want %zu",
				      rot_cases[_i].name, name, got, per_file);
			ck_assert_msg(flen <= max || per_file == 1,
				      "%s: %zu bytes", name, flen);
		} else {
			ck_assert_msg(got == 0, "%s: %s exists", rot_cases[_i].name,
				      name);
		}
	}
	snprintf(name, sizeof(name), "%s.%u", path, keep + 1);
	ck_assert_int_eq(access(name, F_OK), -1);
	collect_seq(path, seq, &n, &flen);
	ck_assert_msg(n == want, "%s: %zu lines in all, want %zu (%zu a file)",
		      rot_cases[_i].name, n, want, per_file);
	/* Exactly the newest ones, in order, none lost or repeated. */
	for (i = 0; i < (int)n; i++)
		ck_assert_int_eq(seq[i], WRITES - (int)n + i);
}
END_TEST

START_TEST(test_reopen_after_outside_rename)
{
	struct eve_log log;
	struct eve_event ev = alert_event("seq 0000");
	char old[160];
	json_t *a, *b;

	snprintf(old, sizeof(old), "%s.old", path);
	ck_assert_int_eq(eve_open(&log, path, 0, 0), 0);
	eve_write(&log, &ev);
	ck_assert_int_eq(rename(path, old), 0);
	eve_write(&log, &ev);	/* still the renamed file */
	ck_assert_int_eq(eve_reopen(&log), 0);
	ck_assert_uint_eq(log.size, 0);
	eve_write(&log, &ev);
	eve_write(&log, &ev);
	eve_close(&log);
	a = read_lines(old);
	b = read_lines(path);
	ck_assert_int_eq(json_array_size(a), 2);
	ck_assert_int_eq(json_array_size(b), 2);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(test_size_from_existing_file)
{
	struct eve_log log;
	struct eve_event ev = alert_event("seq 0000");
	uint64_t one;

	ck_assert_int_eq(eve_open(&log, path, 0, 0), 0);
	eve_write(&log, &ev);
	one = log.size;
	eve_close(&log);
	ck_assert_int_gt(one, 0);
	/* A restart counts what is there: the next write rotates. */
	ck_assert_int_eq(eve_open(&log, path, one + 1, 1), 0);
	ck_assert_uint_eq(log.size, one);
	eve_write(&log, &ev);
	eve_close(&log);
	ck_assert_uint_eq(log.size, one);
	{
		char r[160];
		json_t *l;

		snprintf(r, sizeof(r), "%s.1", path);
		l = read_lines(r);
		ck_assert_int_eq(json_array_size(l), 1);
		json_decref(l);
	}
}
END_TEST

START_TEST(test_write_errors)
{
	struct eve_log log;
	struct eve_event ev = alert_event("seq 0000");
	json_t *l;

	/* A full disk. */
	ck_assert_int_eq(eve_open(&log, "/dev/full", 0, 0), 0);
	eve_write(&log, &ev);
	eve_write(&log, &ev);
	ck_assert_uint_eq(log.write_errors, 2);
	eve_close(&log);

	/* Closed under it: counted, and the next event opens it again. */
	ck_assert_int_eq(eve_open(&log, path, 0, 0), 0);
	close(log.fd);
	eve_write(&log, &ev);
	ck_assert_uint_eq(log.write_errors, 1);
	eve_write(&log, &ev);
	ck_assert_uint_eq(log.write_errors, 1);
	eve_close(&log);
	l = read_lines(path);
	ck_assert_int_eq(json_array_size(l), 1);
	json_decref(l);

	/* Its directory gone: every event is counted, none crashes. */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(eve_open(&log, path, 10, 2), 0);
	eve_write(&log, &ev);
	unlink(path);
	ck_assert_int_eq(rmdir(dir), 0);
	eve_write(&log, &ev);	/* rotation cannot open a new file */
	eve_write(&log, &ev);
	ck_assert_uint_eq(log.write_errors, 2);
	ck_assert_int_eq(log.fd, -1);
	eve_close(&log);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
}
END_TEST

static const struct {
	const char *name;
	const char *path;
	int want;
} open_cases[] = {
	{ "empty path", "", -EINVAL },
	{ "no such directory", "/nonexistent-eve-dir/x.json", -ENOENT },
	{ "a directory", "/tmp", -EISDIR },
	{ "too long", NULL, -ENAMETOOLONG },
};

START_TEST(test_open_errors)
{
	const char *p = open_cases[_i].path;
	struct eve_log log;
	char long_path[300];

	if (!p) {
		memset(long_path, 'x', sizeof(long_path) - 1);
		long_path[0] = '/';
		long_path[sizeof(long_path) - 1] = '\0';
		p = long_path;
	}
	ck_assert_msg(eve_open(&log, p, 0, 0) == open_cases[_i].want,
		      "%s", open_cases[_i].name);
	ck_assert_int_eq(log.fd, -1);
	eve_close(&log);
}
END_TEST

START_TEST(test_new_file_mode)
{
	struct eve_log log;
	struct stat st;
	mode_t old = umask(0);

	ck_assert_int_eq(eve_open(&log, path, 0, 0), 0);
	umask(old);
	ck_assert_int_eq(fstat(log.fd, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0640);
	ck_assert_int_ne(fcntl(log.fd, F_GETFD) & FD_CLOEXEC, 0);
	ck_assert_int_ne(fcntl(log.fd, F_GETFL) & O_APPEND, 0);
	eve_close(&log);
}
END_TEST

Suite *eve_suite(void)
{
	Suite *s = suite_create("eve");
	TCase *tc = tcase_create("log");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_alert_fields);
	tcase_add_loop_test(tc, test_drop_fields, 0,
			    sizeof(drop_cases) / sizeof(drop_cases[0]));
	tcase_add_loop_test(tc, test_not_utf8, 0,
			    sizeof(utf8_cases) / sizeof(utf8_cases[0]));
	tcase_add_loop_test(tc, test_rotation, 0,
			    sizeof(rot_cases) / sizeof(rot_cases[0]));
	tcase_add_test(tc, test_reopen_after_outside_rename);
	tcase_add_test(tc, test_size_from_existing_file);
	tcase_add_test(tc, test_write_errors);
	tcase_add_loop_test(tc, test_open_errors, 0,
			    sizeof(open_cases) / sizeof(open_cases[0]));
	tcase_add_test(tc, test_new_file_mode);
	suite_add_tcase(s, tc);
	return s;
}
