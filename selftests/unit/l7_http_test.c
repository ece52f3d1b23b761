// SPDX-License-Identifier: GPL-2.0-only
/*
 * The HTTP/1.x parser of the L7 firewall: a table of request streams,
 * each fed whole, split at every offset and byte by byte, with the
 * verdict, reason and the requests judged; then the message's buffers.
 */
#include <stdlib.h>
#include <string.h>

#include "l7.h"
#include "l7_sim.h"
#include "suites.h"

static char *web_methods[] = { "GET", "HEAD", "POST", "OPTIONS" };
static char *web_paths[] = { "/public", "/api/", "/index.html" };
static const struct l7_policy web = {
	.proto = L7_HTTP,
	.methods = { web_methods, 4, true },
	.paths = { web_paths, 3, true },
};

static char *any_methods[] = { "GET", "OPTIONS", "CONNECT" };
static const struct l7_policy methods_only = {
	.proto = L7_HTTP,
	.methods = { any_methods, 3, true },
};

static char *connect_methods[] = { "CONNECT" };
static char *root_path[] = { "/" };
static const struct l7_policy connect_paths = {
	.proto = L7_HTTP,
	.methods = { connect_methods, 1, true },
	.paths = { root_path, 1, true },
};

static void http_fmt(const struct l7_msg *m, char *out, size_t n)
{
	snprintf(out, n, "%.*s %s", (int)m->buf[L7B_HTTP_METHOD].len,
		 (const char *)m->buf[L7B_HTTP_METHOD].p, m->name);
}

#define REQ(line) line " HTTP/1.1\r\nHost: example.com\r\n\r\n"
#define CHUNKED "POST /api/up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
#define AFTER "GET /public/after HTTP/1.1\r\n\r\n"

static const struct http_case {
	const char *name;
	const char *in;
	size_t len;			/* 0: strlen(in) */
	const struct l7_policy *pol;
	enum l7_result res;		/* the stream's outcome */
	const char *why;		/* in the reason; NULL: no violation */
	const char *log;		/* the requests judged allowed */
} cases[] = {
	/* Methods and paths against the policy. */
	{ "get allowed", REQ("GET /public/index.html"), 0, &web, L7_OK, NULL,
	  "GET /public/index.html\n" },
	{ "prefix itself", "GET /public HTTP/1.0\r\n\r\n", 0, &web, L7_OK,
	  NULL, "GET /public\n" },
	{ "exact file", REQ("HEAD /index.html"), 0, &web, L7_OK, NULL,
	  "HEAD /index.html\n" },
	{ "method denied", REQ("DELETE /public/x"), 0, &web, L7_DENIED,
	  "http: method DELETE not allowed", "" },
	{ "methods are case-sensitive", REQ("get /public"), 0, &web,
	  L7_DENIED, "http: method get not allowed", "" },
	{ "16-char method", REQ("ABCDEFGHIJKLMNOP /public"), 0, &web,
	  L7_DENIED, "method ABCDEFGHIJKLMNOP not allowed", "" },
	{ "path denied", REQ("GET /admin"), 0, &web, L7_DENIED,
	  "http: path /admin not allowed", "" },
	{ "prefix on segment bounds", REQ("GET /publicity"), 0, &web,
	  L7_DENIED, "http: path /publicity not allowed", "" },
	{ "slash prefix needs the slash", REQ("GET /api"), 0, &web,
	  L7_DENIED, "http: path /api not allowed", "" },
	{ "slash prefix", REQ("POST /api/v1/x"), 0, &web, L7_OK, NULL,
	  "POST /api/v1/x\n" },
	{ "query stripped", REQ("GET /public?next=/admin/../x"), 0, &web,
	  L7_OK, NULL, "GET /public\n" },
	{ "query is no path", REQ("GET /admin?/public"), 0, &web, L7_DENIED,
	  "http: path /admin not allowed", "" },
	{ "no policy judges nothing", REQ("DELETE /admin/x"), 0, NULL,
	  L7_OK, NULL, "DELETE /admin/x\n" },

	/*
	 * Evasions: dot and empty segments are refused outright (servers
	 * resolve them differently); escapes are judged decoded.
	 */
	{ "dot-dot", REQ("GET /public/../admin"), 0, &web, L7_MALFORMED,
	  "http: dot segment in the path", "" },
	{ "percent-encoded letter", REQ("GET /%61dmin"), 0, &web, L7_DENIED,
	  "http: path /admin not allowed", "" },
	{ "encoded dot-dot", REQ("GET /public/%2e%2E/admin"), 0, &web,
	  L7_MALFORMED, "http: dot segment in the path", "" },
	{ "encoded slashes", REQ("GET /public%2F..%2Fadmin"), 0, &web,
	  L7_MALFORMED, "http: dot segment in the path", "" },
	{ "double slash", REQ("GET //admin"), 0, &web, L7_MALFORMED,
	  "http: empty segment (//) in the path", "" },
	{ "double slash inside", REQ("GET /public//x"), 0, &web,
	  L7_MALFORMED, "http: empty segment (//) in the path", "" },
	{ "dot", REQ("GET /public/./y"), 0, &web, L7_MALFORMED,
	  "http: dot segment in the path", "" },
	{ "dot-dot at the end", REQ("GET /public/x/.."), 0, &web,
	  L7_MALFORMED, "http: dot segment in the path", "" },
	{ "a trailing slash is kept", REQ("GET /public/x/"), 0, &web, L7_OK,
	  NULL, "GET /public/x/\n" },
	{ "dots inside a name are a name", REQ("GET /public/a..b/.c"), 0, &web,
	  L7_OK, NULL, "GET /public/a..b/.c\n" },
	{ "above the root", REQ("GET /public/../../x"), 0, &web,
	  L7_MALFORMED, "http: dot segment in the path", "" },
	{ "a body on GET", "GET /public/a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
	  0, &web, L7_MALFORMED, "http: a body on GET or HEAD", "" },
	{ "an empty body on GET is none", "GET /public/a HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
	  0, &web, L7_OK, NULL, "GET /public/a\n" },
	{ "backslash", REQ("GET /public\\..\\admin"), 0, &web, L7_MALFORMED,
	  "backslash", "" },
	{ "encoded backslash", REQ("GET /public/%5c..%5cadmin"), 0, &web,
	  L7_MALFORMED, "backslash", "" },
	{ "encoded NUL", REQ("GET /public/%00x"), 0, &web, L7_MALFORMED,
	  "%00", "" },
	{ "bad escape", REQ("GET /public/%zz"), 0, &web, L7_MALFORMED,
	  "bad percent escape", "" },
	{ "truncated escape", REQ("GET /public/%4"), 0, &web, L7_MALFORMED,
	  "truncated percent escape", "" },
	{ "encoded control byte", REQ("GET /public/%0a"), 0, &web,
	  L7_MALFORMED, "control byte", "" },
	{ "encoded question mark", REQ("GET /public%3f/../admin"), 0, &web,
	  L7_MALFORMED, "encoded ?", "" },
	{ "dot-dot with parameters", REQ("GET /public/..;/admin"), 0, &web,
	  L7_MALFORMED, "dot segment with parameters", "" },
	{ "encoded dot with parameters", REQ("GET /public/.%3bx/admin"), 0,
	  &web, L7_MALFORMED, "dot segment with parameters", "" },
	{ "empty segment with parameters", REQ("GET /public/;/../admin"), 0,
	  &web, L7_MALFORMED, "empty or dot segment with parameters", "" },
	{ "parameters on a name", REQ("GET /public;v=1/../admin"), 0, &web,
	  L7_MALFORMED, "http: dot segment in the path", "" },
	{ "parameters kept in the path", REQ("GET /public/a;v=1"), 0, &web,
	  L7_OK, NULL, "GET /public/a;v=1\n" },
	{ "utf-8 path", REQ("GET /public/%C3%A9"), 0, &web, L7_OK, NULL,
	  "GET /public/\xc3\xa9\n" },
	{ "fragment", REQ("GET /public#x"), 0, &web, L7_MALFORMED, "fragment",
	  "" },

	/* Target forms. */
	{ "absolute form", REQ("GET http://example.com/public/x"), 0, &web,
	  L7_OK, NULL, "GET /public/x\n" },
	{ "absolute form denied", REQ("GET HTTP://example.com:8080/admin"), 0,
	  &web, L7_DENIED, "http: path /admin not allowed", "" },
	{ "absolute form, no path", REQ("GET https://example.com?x"), 0, &web,
	  L7_DENIED, "http: path / not allowed", "" },
	{ "absolute form, no host", REQ("GET http:///public"), 0, &web,
	  L7_MALFORMED, "without a host", "" },
	{ "other scheme", REQ("GET ftp://example.com/public"), 0, &web,
	  L7_MALFORMED, "bad request target", "" },
	{ "asterisk, paths set", REQ("OPTIONS *"), 0, &web, L7_DENIED,
	  "http: path * not allowed", "" },
	{ "asterisk", REQ("OPTIONS *"), 0, &methods_only, L7_OK, NULL,
	  "OPTIONS *\n" },
	{ "asterisk outside OPTIONS", REQ("GET *"), 0, &methods_only,
	  L7_MALFORMED, "* target outside OPTIONS", "" },
	{ "connect, method denied", REQ("CONNECT example.com:443"), 0, &web,
	  L7_DENIED, "http: method CONNECT not allowed", "" },
	{ "connect allowed", REQ("CONNECT example.com:443"), 0,
	  &methods_only, L7_OK, NULL, "CONNECT \n" },
	{ "connect, paths set", REQ("CONNECT example.com:443"), 0,
	  &connect_paths, L7_DENIED, "CONNECT not allowed by the path list",
	  "" },
	{ "connect to a path", REQ("CONNECT /public"), 0, &methods_only,
	  L7_MALFORMED, "host:port", "" },

	/* Pipelining and bodies. */
	{ "pipelined", "GET /public/a HTTP/1.1\r\n\r\n"
	  "HEAD /api/b HTTP/1.1\r\n\r\n", 0, &web, L7_OK, NULL,
	  "GET /public/a\nHEAD /api/b\n" },
	{ "pipelined, second denied", "GET /public/a HTTP/1.1\r\n\r\n"
	  "GET /admin HTTP/1.1\r\n\r\n", 0, &web, L7_DENIED,
	  "http: path /admin not allowed", "GET /public/a\n" },
	{ "content-length body skipped",
	  "POST /api/x HTTP/1.1\r\nContent-Length: 23\r\n\r\n"
	  "GET /admin HTTP/1.1\r\n\r\n" AFTER, 0, &web, L7_OK, NULL,
	  "POST /api/x\nGET /public/after\n" },
	{ "body shorter than its length",
	  "POST /api/x HTTP/1.1\r\nContent-Length: 22\r\n\r\n"
	  "GET /admin HTTP/1.1\r\n\r\n" AFTER, 0, &web, L7_MALFORMED,
	  "bare LF", "POST /api/x\n" },
	{ "zero content-length", "POST /api/x HTTP/1.1\r\n"
	  "Content-Length: 0\r\n\r\n" AFTER, 0, &web, L7_OK, NULL,
	  "POST /api/x\nGET /public/after\n" },
	{ "body still coming", "POST /api/x HTTP/1.1\r\n"
	  "Content-Length: 10\r\n\r\nabc", 0, &web, L7_MORE, NULL,
	  "POST /api/x\n" },
	{ "equal content-lengths", "POST /api/x HTTP/1.1\r\n"
	  "Content-Length: 2\r\nContent-Length: 2\r\n\r\nhi" AFTER, 0, &web,
	  L7_OK, NULL, "POST /api/x\nGET /public/after\n" },
	{ "chunked body skipped", CHUNKED "5\r\nhello\r\n"
	  "17;name=v\r\nGET /admin HTTP/1.1\r\n\r\n\r\n0\r\n\r\n" AFTER, 0,
	  &web, L7_OK, NULL, "POST /api/up\nGET /public/after\n" },
	{ "chunk data holding a last chunk", CHUNKED
	  "7\r\n\r\n0\r\n\r\n\r\n0\r\n\r\n" AFTER, 0, &web, L7_OK, NULL,
	  "POST /api/up\nGET /public/after\n" },
	{ "chunked with trailers", CHUNKED "A\r\n0123456789\r\n"
	  "0\r\nX-Sum: 1\r\nX-More: 2\r\n\r\n" AFTER, 0, &web, L7_OK, NULL,
	  "POST /api/up\nGET /public/after\n" },
	{ "chunked, any case", "POST /api/up HTTP/1.1\r\n"
	  "Transfer-Encoding:\tChunked \r\n\r\n0\r\n\r\n" AFTER, 0, &web,
	  L7_OK, NULL, "POST /api/up\nGET /public/after\n" },
	{ "chunk without its CRLF", CHUNKED "5\r\nhelloX\r\n", 0, &web,
	  L7_MALFORMED, "not followed by CRLF", "POST /api/up\n" },
	{ "bad chunk size", CHUNKED "zz\r\n", 0, &web, L7_MALFORMED,
	  "bad chunk size", "POST /api/up\n" },
	{ "blank after chunk size", CHUNKED "5 \r\nhello\r\n", 0, &web,
	  L7_MALFORMED, "bad chunk size line", "POST /api/up\n" },
	{ "chunk size overflow", CHUNKED "11111111111111111\r\n", 0, &web,
	  L7_MALFORMED, "chunk size too large", "POST /api/up\n" },
	{ "chunk size LF", CHUNKED "5\nhello\r\n", 0, &web, L7_MALFORMED,
	  "bad chunk size line", "POST /api/up\n" },
	{ "length in a trailer", CHUNKED "0\r\nContent-Length: 5\r\n\r\n",
	  0, &web, L7_MALFORMED, "Content-Length in a trailer",
	  "POST /api/up\n" },
	{ "chunked, unfinished", CHUNKED "5\r\nhel", 0, &web, L7_MORE, NULL,
	  "POST /api/up\n" },

	/* Request smuggling: framing two parsers could read differently. */
	{ "content-length and chunked", "POST /api/x HTTP/1.1\r\n"
	  "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n", 0, &web,
	  L7_MALFORMED, "Content-Length with Transfer-Encoding", "" },
	{ "chunked and content-length", "POST /api/x HTTP/1.1\r\n"
	  "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n", 0, &web,
	  L7_MALFORMED, "Content-Length with Transfer-Encoding", "" },
	{ "two content-lengths", "POST /api/x HTTP/1.1\r\n"
	  "Content-Length: 4\r\nContent-Length: 40\r\n\r\n", 0, &web,
	  L7_MALFORMED, "two differing Content-Length", "" },
	{ "content-length list", "POST /api/x HTTP/1.1\r\n"
	  "Content-Length: 4, 4\r\n\r\n", 0, &web, L7_MALFORMED,
	  "Content-Length is not a number", "" },
	{ "content-length sign", "POST /api/x HTTP/1.1\r\n"
	  "Content-Length: +4\r\n\r\n", 0, &web, L7_MALFORMED,
	  "Content-Length is not a number", "" },
	{ "content-length overflow", "POST /api/x HTTP/1.1\r\n"
	  "Content-Length: 99999999999999999999\r\n\r\n", 0, &web,
	  L7_MALFORMED, "Content-Length too large", "" },
	{ "empty content-length", "POST /api/x HTTP/1.1\r\n"
	  "Content-Length: \r\n\r\n", 0, &web, L7_MALFORMED,
	  "empty Content-Length", "" },
	{ "other transfer-encoding", "POST /api/x HTTP/1.1\r\n"
	  "Transfer-Encoding: gzip, chunked\r\n\r\n", 0, &web, L7_MALFORMED,
	  "other than chunked", "" },
	{ "two transfer-encodings", "POST /api/x HTTP/1.1\r\n"
	  "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
	  0, &web, L7_MALFORMED, "two Transfer-Encoding", "" },
	{ "chunked in HTTP/1.0", "POST /api/x HTTP/1.0\r\n"
	  "Transfer-Encoding: chunked\r\n\r\n", 0, &web, L7_MALFORMED,
	  "HTTP/1.0", "" },
	{ "blank before colon", "POST /api/x HTTP/1.1\r\n"
	  "Transfer-Encoding : chunked\r\n\r\n", 0, &web, L7_MALFORMED,
	  "bad header name", "" },
	{ "obs-fold", "GET /public HTTP/1.1\r\nX-A: b\r\n c\r\n\r\n", 0,
	  &web, L7_MALFORMED, "obs-fold", "" },
	{ "indented first header", "GET /public HTTP/1.1\r\n\tX: 1\r\n\r\n",
	  0, &web, L7_MALFORMED, "obs-fold", "" },

	/* Syntax. */
	{ "bare LF", "GET /public HTTP/1.1\n\n", 0, &web, L7_MALFORMED,
	  "bare LF", "" },
	{ "bare LF in headers", "GET /public HTTP/1.1\r\nA: b\n\r\n", 0,
	  &web, L7_MALFORMED, "bare LF", "" },
	{ "bare CR", "GET /public HTTP/1.1\r\rX", 0, &web, L7_MALFORMED,
	  "bare CR", "" },
	{ "HTTP/2.0", "GET /public HTTP/2.0\r\n\r\n", 0, &web, L7_MALFORMED,
	  "not HTTP/1.0 or HTTP/1.1", "" },
	{ "lower-case version", "GET /public http/1.1\r\n\r\n", 0, &web,
	  L7_MALFORMED, "not HTTP/1.0 or HTTP/1.1", "" },
	{ "no version", "GET /public\r\n\r\n", 0, &web, L7_MALFORMED,
	  "bad request target", "" },
	{ "two blanks", "GET  /public HTTP/1.1\r\n\r\n", 0, &web,
	  L7_MALFORMED, "bad request target", "" },
	{ "blank after version", "GET /public HTTP/1.1 \r\n\r\n", 0, &web,
	  L7_MALFORMED, "not HTTP/1.0 or HTTP/1.1", "" },
	{ "17-char method", REQ("ABCDEFGHIJKLMNOPQ /public"), 0, &web,
	  L7_MALFORMED, "bad method", "" },
	{ "empty line first", "\r\n" REQ("GET /public"), 0, &web,
	  L7_MALFORMED, "bad method", "" },
	{ "NUL in the target", "GET /pub\0lic HTTP/1.1\r\n\r\n", 25, &web,
	  L7_MALFORMED, "bad request target", "" },
	{ "control byte in a value", "GET /public HTTP/1.1\r\nX: a\x01"
	  "b\r\n\r\n", 0, &web, L7_MALFORMED, "control byte", "" },
	{ "empty header name", "GET /public HTTP/1.1\r\n: x\r\n\r\n", 0,
	  &web, L7_MALFORMED, "bad header name", "" },
	{ "header without colon", "GET /public HTTP/1.1\r\nHost\r\n\r\n", 0,
	  &web, L7_MALFORMED, "bad header name", "" },
	{ "tls hello", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11,
	  &web, L7_MALFORMED, "bad method", "" },
	{ "binary garbage", "\x00\xff\r\n\r\n", 6, &web, L7_MALFORMED,
	  "bad method", "" },
	{ "unfinished head", "GET /public HTTP/1.1\r\nHost: a\r\n", 0, &web,
	  L7_MORE, NULL, "" },
};

START_TEST(test_case)
{
	const struct http_case *c = &cases[_i];
	size_t len = c->len ? c->len : strlen(c->in);
	static struct l7_sim whole;

	l7_sim_splits(&whole, l7_http_stream, c->pol, L7_TO_SERVER, http_fmt,
		      (const uint8_t *)c->in, len, c->name);
	ck_assert_msg(l7_sim_outcome(&whole) == c->res,
		      "%s: %s (%s), want %s", c->name,
		      l7_res_name(l7_sim_outcome(&whole)), whole.why,
		      l7_res_name(c->res));
	if (c->why)
		ck_assert_msg(strstr(whole.why, c->why), "%s: reason \"%s\"",
			      c->name, whole.why);
	else
		ck_assert_msg(!*whole.why, "%s: reason \"%s\"", c->name,
			      whole.why);
	ck_assert_msg(!strcmp(whole.log, c->log), "%s: judged [%s]", c->name,
		      whole.log);
}
END_TEST

/* A head of exactly n bytes: a request line, then one long header. */
static char *head_of(size_t n)
{
	static const char line[] = "GET /public HTTP/1.1\r\nX: ";
	char *h = malloc(n + 1);
	size_t fixed = strlen(line) + 4;	/* and "\r\n\r\n" */

	ck_assert_ptr_nonnull(h);
	ck_assert(n > fixed);
	strcpy(h, line);
	memset(h + strlen(line), 'a', n - fixed);
	strcpy(h + n - 4, "\r\n\r\n");
	return h;
}

START_TEST(test_oversize_head)
{
	static struct l7_sim whole;
	char *h = head_of(L7_MSG_MAX);

	/* A head that just fits passes... */
	l7_sim_splits(&whole, l7_http_stream, &web, L7_TO_SERVER, http_fmt,
		      (const uint8_t *)h, L7_MSG_MAX, "max head");
	ck_assert_int_eq(l7_sim_outcome(&whole), L7_OK);
	ck_assert_str_eq(whole.log, "GET /public\n");
	free(h);

	/* ...one byte more never completes within the buffer. */
	h = head_of(L7_MSG_MAX + 1);
	l7_sim_splits(&whole, l7_http_stream, &web, L7_TO_SERVER, http_fmt,
		      (const uint8_t *)h, L7_MSG_MAX + 1, "oversize head");
	ck_assert_int_eq(l7_sim_outcome(&whole), L7_MALFORMED);
	ck_assert_str_eq(whole.why,
			 "message longer than the L7 firewall buffers");
	ck_assert_str_eq(whole.log, "");
	free(h);
}
END_TEST

START_TEST(test_long_path)
{
	char req[2 * L7_NAME_MAX];
	struct l7_state st = { 0 };
	struct l7_msg m = { 0 };
	const char *why = NULL;
	uint64_t skip;
	size_t used, n;

	/* The longest path that fits the name buffer, then one more. */
	for (n = L7_NAME_MAX - 1; n <= L7_NAME_MAX; n++) {
		memcpy(req, "GET /", 5);
		memset(req + 5, 'p', n - 1);
		strcpy(req + 4 + n, " HTTP/1.1\r\n\r\n");
		ck_assert_int_eq(l7_http_stream(NULL, &st, L7_TO_SERVER,
						(const uint8_t *)req,
						strlen(req), &used, &skip, &m,
						&why),
				 n < L7_NAME_MAX ? L7_OK : L7_MALFORMED);
		if (n < L7_NAME_MAX)
			ck_assert_uint_eq(strlen(m.name), n);
		else
			ck_assert_str_eq(why, "http: path too long");
	}
}
END_TEST

static void assert_buf(const struct l7_msg *m, int b, const char *want)
{
	if (!want) {
		ck_assert_ptr_null(m->buf[b].p);
		return;
	}
	ck_assert_ptr_nonnull(m->buf[b].p);
	ck_assert_msg(m->buf[b].len == strlen(want) &&
		      !memcmp(m->buf[b].p, want, m->buf[b].len),
		      "buffer %d is \"%.*s\", want \"%s\"", b,
		      (int)m->buf[b].len, (const char *)m->buf[b].p, want);
}

START_TEST(test_buffers)
{
	static const char req[] = "POST /api/x%41?q=1 HTTP/1.1\r\n"
				  "Host: h\r\nContent-Length: 2\r\n\r\nhi";
	static const char bare[] = "GET /public HTTP/1.0\r\n\r\n";
	struct l7_state st = { 0 };
	struct l7_msg m = { 0 };
	const char *why = NULL;
	uint64_t skip = 99;
	size_t used = 0;

	ck_assert_int_eq(l7_http_stream(&web, &st, L7_TO_SERVER,
					(const uint8_t *)req, sizeof(req) - 1,
					&used, &skip, &m, &why), L7_OK);
	ck_assert(m.present);
	ck_assert_int_eq(m.kind, 0);
	ck_assert_uint_eq(used, sizeof(req) - 3);
	ck_assert_uint_eq(skip, 2);
	assert_buf(&m, L7B_HTTP_METHOD, "POST");
	assert_buf(&m, L7B_HTTP_URI, "/api/x%41?q=1");
	assert_buf(&m, L7B_HTTP_HEADER, "Host: h\r\nContent-Length: 2\r\n");
	assert_buf(&m, L7B_DNS_QUERY, NULL);
	ck_assert_str_eq(m.name, "/api/xA");
	ck_assert_ptr_eq(m.buf[L7B_HTTP_METHOD].p, (const uint8_t *)req);

	/* No header lines: no header buffer. */
	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(l7_http_stream(&web, &st, L7_TO_SERVER,
					(const uint8_t *)bare, sizeof(bare) - 1,
					&used, &skip, &m, &why), L7_OK);
	ck_assert_uint_eq(used, sizeof(bare) - 1);
	ck_assert_uint_eq(skip, 0);
	assert_buf(&m, L7B_HTTP_HEADER, NULL);
	assert_buf(&m, L7B_HTTP_URI, "/public");
}
END_TEST

START_TEST(test_responses)
{
	static const char *const in[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		"\x00\x01 not http at all",
		"x",
	};
	struct l7_state st = { 0 };
	const char *why = NULL;
	struct l7_msg m;
	uint64_t skip;
	size_t used, i, n;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		n = i == 1 ? 18 : strlen(in[i]);
		memset(&m, 0, sizeof(m));
		ck_assert_int_eq(l7_http_stream(&web, &st, L7_TO_CLIENT,
						(const uint8_t *)in[i], n,
						&used, &skip, &m, &why), L7_OK);
		ck_assert_uint_eq(used, n);
		ck_assert_uint_eq(skip, 0);
		ck_assert(!m.present);
	}
	/* Responses leave the request side's state alone. */
	ck_assert_int_eq(st.http.phase, 0);
}
END_TEST

Suite *l7_http_suite(void)
{
	Suite *s = suite_create("l7_http");
	TCase *tc = tcase_create("requests");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_case, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_oversize_head);
	tcase_add_test(tc, test_long_path);
	tcase_add_test(tc, test_buffers);
	tcase_add_test(tc, test_responses);
	suite_add_tcase(s, tc);
	return s;
}
