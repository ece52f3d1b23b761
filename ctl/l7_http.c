// SPDX-License-Identifier: GPL-2.0-only
/*
 * The L7 firewall's HTTP/1.x parser: request heads are parsed strictly
 * and judged on method and normalised path; bodies are framed (length or
 * chunked) and skipped uninspected. Responses are passed unparsed.
 *
 * Strictness is the point: whatever two HTTP implementations could read
 * differently (bare LF, obs-fold, Content-Length with Transfer-Encoding,
 * "..;" segments) is malformed here, so the request we judge is the one
 * the server sees.
 */
#include <string.h>
#include <strings.h>

#include "l7.h"

#define METHOD_MAX 16

/* st->http.phase: what the next bytes to server are. */
enum {
	PH_HEAD = 0,		/* a request line and its headers */
	PH_CHUNK_SIZE,		/* a chunk-size line */
	PH_CHUNK_END,		/* the CRLF after a chunk's data */
	PH_TRAILER,		/* a trailer line, or the empty line */
};

#define BAD(msg) do { *why = (msg); return L7_MALFORMED; } while (0)


static bool is_tchar(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c);
}

/* A field value's bytes: visible, blanks and obs-text; no controls. */
static bool is_vchar(uint8_t c)
{
	return c == '\t' || (c >= ' ' && c != 0x7f);
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The line starting at off: L7_OK with *eol at its CR, L7_MORE if its
 * end has not come yet. Only CRLF ends a line: a bare LF or CR is where
 * parsers disagree, so it is malformed.
 */
static enum l7_result line_end(const uint8_t *buf, size_t off, size_t len,
			       size_t *eol, const char **why)
{
	size_t i;

	for (i = off; i < len; i++) {
		if (buf[i] == '\n')
			BAD("http: bare LF");
		if (buf[i] != '\r')
			continue;
		if (i + 1 == len)
			return L7_MORE;
		if (buf[i + 1] != '\n')
			BAD("http: bare CR");
		*eol = i;
		return L7_OK;
	}
	return L7_MORE;
}

/* What a request head says about its body. */
struct framing {
	bool cl_seen;
	uint64_t cl;
	bool te_seen;
};

static bool name_is(const uint8_t *p, size_t n, const char *name)
{
	return n == strlen(name) && !strncasecmp((const char *)p, name, n);
}

static enum l7_result content_length(struct framing *f, const uint8_t *v,
				     size_t n, const char **why)
{
	uint64_t cl = 0;
	size_t i;

	if (!n)
		BAD("http: empty Content-Length");
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			BAD("http: Content-Length is not a number");
		if (cl > (UINT64_MAX - 9) / 10)
			BAD("http: Content-Length too large");
		cl = cl * 10 + (v[i] - '0');
	}
	/* Two lengths: which one frames the body is a smuggling game. */
	if (f->cl_seen && f->cl != cl)
		BAD("http: two differing Content-Length headers");
	f->cl_seen = true;
	f->cl = cl;
	return L7_OK;
}

/*
 * One header (or trailer) line [p, p + n): a token name, a colon, a
 * value. Framing headers go to f; in trailers (f NULL) they are refused.
 */
static enum l7_result header_line(const uint8_t *p, size_t n,
				  struct framing *f, const char **why)
{
	size_t colon, i, vs, ve;

	if (p[0] == ' ' || p[0] == '\t')
		BAD("http: obs-fold or indented header line");
	for (colon = 0; colon < n && is_tchar(p[colon]); colon++)
		;
	if (!colon || colon == n || p[colon] != ':')
		BAD("http: bad header name");
	for (i = colon + 1; i < n; i++)
		if (!is_vchar(p[i]))
			BAD("http: control byte in a header value");
	for (vs = colon + 1; vs < n && (p[vs] == ' ' || p[vs] == '\t'); vs++)
		;
	for (ve = n; ve > vs && (p[ve - 1] == ' ' || p[ve - 1] == '\t'); ve--)
		;
	if (name_is(p, colon, "content-length")) {
		if (!f)
			BAD("http: Content-Length in a trailer");
		return content_length(f, p + vs, ve - vs, why);
	}
	if (name_is(p, colon, "transfer-encoding")) {
		if (!f)
			BAD("http: Transfer-Encoding in a trailer");
		if (f->te_seen)
			BAD("http: two Transfer-Encoding headers");
		if (!name_is(p + vs, ve - vs, "chunked"))
			BAD("http: Transfer-Encoding other than chunked");
		f->te_seen = true;
	}
	return L7_OK;
}

/* Append c to the path being built, keeping room for the NUL. */
static bool put(char *out, size_t *olen, char c)
{
	if (*olen + 1 >= L7_NAME_MAX)
		return false;
	out[(*olen)++] = c;
	return true;
}

/*
 * The segment out[seg, *olen) just ended (at a '/' if slash). Dot and
 * empty segments are refused, not resolved: servers and frameworks
 * resolve "..", "." and "//" differently (or route on the raw path),
 * so no one reading of them can be the server's. A client has no need
 * of them (curl and browsers resolve them before they send).
 */
static enum l7_result end_segment(char *out, size_t *olen, size_t seg,
				  bool slash, const char **why)
{
	size_t n = *olen - seg, p;
	const char *s = out + seg;

	/*
	 * Servers that drop ";params" (Tomcat) see "..;" as "..", and ";"
	 * as an empty segment to collapse: refuse what they would resolve.
	 */
	for (p = 0; p < n && s[p] != ';'; p++)
		;
	if (p < n && (!p || (p == 1 && s[0] == '.') ||
		      (p == 2 && s[0] == '.' && s[1] == '.')))
		BAD("http: empty or dot segment with parameters");
	if (n == 0 && !slash)
		return L7_OK;		/* a trailing "/" */
	if (n == 0)
		BAD("http: empty segment (//) in the path");
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		BAD("http: dot segment in the path");
	if (slash && !put(out, olen, '/'))
		BAD("http: path too long");
	return L7_OK;
}

/*
 * The path a server would serve for [p, p + n) (origin-form, no query):
 * percent-decoded once; dot and empty segments refused. Into out.
 */
static enum l7_result normalise(const uint8_t *p, size_t n, char *out,
				const char **why)
{
	size_t i, olen = 1, seg = 1;
	enum l7_result res;
	int hi, lo;
	uint8_t c;

	out[0] = '/';
	for (i = 1; i < n; i++) {
		c = p[i];
		if (c == '%') {
			if (i + 2 >= n)
				BAD("http: truncated percent escape");
			hi = hexval(p[i + 1]);
			lo = hexval(p[i + 2]);
			if (hi < 0 || lo < 0)
				BAD("http: bad percent escape");
			c = (uint8_t)(hi << 4 | lo);
			i += 2;
			if (!c)
				BAD("http: %00 in the path");
			if (c < ' ' || c == 0x7f)
				BAD("http: encoded control byte in the path");
			if (c == '?' || c == '#')
				BAD("http: encoded ? or # in the path");
		}
		if (c == '\\')
			BAD("http: backslash in the path");
		if (c == '/') {
			res = end_segment(out, &olen, seg, true, why);
			if (res != L7_OK)
				return res;
			seg = olen;
			continue;
		}
		if (!put(out, &olen, (char)c))
			BAD("http: path too long");
	}
	res = end_segment(out, &olen, seg, false, why);
	if (res != L7_OK)
		return res;
	out[olen] = '\0';
	return L7_OK;
}

/*
 * The path of request-target t (n bytes) for method meth, into out:
 * origin-form "/p?q", absolute-form "http://host/p", "*" for OPTIONS,
 * and CONNECT's authority as "" (the path list decides on it like any).
 */
static enum l7_result target_path(const char *meth, const uint8_t *t, size_t n,
				  char *out, const char **why)
{
	size_t i, start, end;

	if (memchr(t, '#', n))
		BAD("http: fragment in the request target");
	if (!strcmp(meth, "CONNECT")) {
		if (memchr(t, '/', n) || memchr(t, '?', n))
			BAD("http: CONNECT needs host:port");
		out[0] = '\0';
		return L7_OK;
	}
	if (n == 1 && t[0] == '*') {
		if (strcmp(meth, "OPTIONS"))
			BAD("http: * target outside OPTIONS");
		strcpy(out, "*");
		return L7_OK;
	}
	if (t[0] == '/') {
		start = 0;
	} else {
		if (n > 7 && !strncasecmp((const char *)t, "http://", 7))
			i = 7;
		else if (n > 8 && !strncasecmp((const char *)t, "https://", 8))
			i = 8;
		else
			BAD("http: bad request target");
		start = i;
		while (start < n && t[start] != '/' && t[start] != '?')
			start++;
		if (start == i)
			BAD("http: absolute target without a host");
		if (start == n || t[start] == '?') {
			strcpy(out, "/");
			return L7_OK;
		}
	}
	for (end = start; end < n && t[end] != '?'; end++)
		;
	return normalise(t + start, end - start, out, why);
}

/* The partial request line buf[0, len): could it still be one? */
static enum l7_result early_method(const uint8_t *buf, size_t len,
				   const char **why)
{
	size_t i;

	for (i = 0; i < len && i <= METHOD_MAX && buf[i] != ' '; i++)
		if (!is_tchar(buf[i]))
			BAD("http: bad method");
	if (i > METHOD_MAX || (i < len && !i))
		BAD("http: bad method");
	return L7_MORE;
}

static enum l7_result request_line(const uint8_t *buf, size_t eol,
				   struct l7_msg *m, bool *http10,
				   const char **why)
{
	size_t sp1, sp2, i;
	const uint8_t *v;

	for (sp1 = 0; sp1 < eol && is_tchar(buf[sp1]); sp1++)
		;
	if (!sp1 || sp1 > METHOD_MAX || sp1 == eol || buf[sp1] != ' ')
		BAD("http: bad method");
	for (sp2 = sp1 + 1; sp2 < eol && buf[sp2] > ' ' && buf[sp2] < 0x7f;
	     sp2++)
		;
	if (sp2 == sp1 + 1 || sp2 == eol || buf[sp2] != ' ')
		BAD("http: bad request target");
	v = buf + sp2 + 1;
	i = eol - sp2 - 1;
	if (i != 8 || (memcmp(v, "HTTP/1.1", 8) && memcmp(v, "HTTP/1.0", 8)))
		BAD("http: not HTTP/1.0 or HTTP/1.1");
	*http10 = v[7] == '0';
	m->buf[L7B_HTTP_METHOD].p = buf;
	m->buf[L7B_HTTP_METHOD].len = sp1;
	m->buf[L7B_HTTP_URI].p = buf + sp1 + 1;
	m->buf[L7B_HTTP_URI].len = sp2 - sp1 - 1;
	return L7_OK;
}

static enum l7_result judge(const struct l7_policy *pol, const char *meth,
			    const char *path, const char **why)
{
	if (!l7_strlist_has(&pol->methods, meth)) {
		*why = l7_reason("http: method %s not allowed", meth);
		return L7_DENIED;
	}
	if (!l7_path_allowed(&pol->paths, path)) {
		*why = *path ? l7_reason("http: path %s not allowed", path) :
			       l7_reason("http: %s not allowed by the path list",
					 meth);
		return L7_DENIED;
	}
	return L7_OK;
}

static enum l7_result request_head(const struct l7_policy *pol,
				   struct l7_state *st, const uint8_t *buf,
				   size_t len, size_t *used, uint64_t *skip,
				   struct l7_msg *m, const char **why)
{
	char meth[METHOD_MAX + 1];
	struct framing f = { 0 };
	size_t eol, off, hdrs;
	enum l7_result res;
	bool http10;

	res = line_end(buf, 0, len, &eol, why);
	if (res == L7_MORE)
		return early_method(buf, len, why);
	if (res != L7_OK)
		return res;
	res = request_line(buf, eol, m, &http10, why);
	if (res != L7_OK)
		return res;
	hdrs = off = eol + 2;
	for (;;) {
		res = line_end(buf, off, len, &eol, why);
		if (res != L7_OK)
			return res;
		if (eol == off)
			break;
		res = header_line(buf + off, eol - off, &f, why);
		if (res != L7_OK)
			return res;
		off = eol + 2;
	}
	if (f.cl_seen && f.te_seen)
		BAD("http: Content-Length with Transfer-Encoding");
	if (f.te_seen && http10)
		BAD("http: Transfer-Encoding in an HTTP/1.0 request");

	memcpy(meth, buf, m->buf[L7B_HTTP_METHOD].len);
	meth[m->buf[L7B_HTTP_METHOD].len] = '\0';
	/*
	 * A server that ignores a GET's body would read it as the next
	 * request, which was skipped here by count ("CL.0" desync).
	 */
	if ((!strcmp(meth, "GET") || !strcmp(meth, "HEAD")) &&
	    ((f.cl_seen && f.cl) || f.te_seen))
		BAD("http: a body on GET or HEAD");
	res = target_path(meth, m->buf[L7B_HTTP_URI].p,
			  m->buf[L7B_HTTP_URI].len, m->name, why);
	if (res != L7_OK)
		return res;
	m->present = true;
	m->kind = 0;
	m->unit = -1;
	if (off > hdrs) {
		m->buf[L7B_HTTP_HEADER].p = buf + hdrs;
		m->buf[L7B_HTTP_HEADER].len = off - hdrs;
	}
	if (pol) {
		res = judge(pol, meth, m->name, why);
		if (res != L7_OK)
			return res;
	}
	*used = eol + 2;
	if (f.te_seen)
		st->http.phase = PH_CHUNK_SIZE;
	else if (f.cl_seen)
		*skip = f.cl;
	return L7_OK;
}

/* "1a;ext=v" CRLF: the next chunk's size; its data is skipped. */
static enum l7_result chunk_size(struct l7_state *st, const uint8_t *buf,
				 size_t len, size_t *used, uint64_t *skip,
				 const char **why)
{
	uint64_t v = 0;
	size_t i;
	int h;

	for (i = 0; i < len && (h = hexval(buf[i])) >= 0; i++) {
		if (v >> 60)
			BAD("http: chunk size too large");
		v = v << 4 | (uint64_t)h;
	}
	if (i == len)
		return L7_MORE;
	if (!i)
		BAD("http: bad chunk size");
	if (buf[i] == ';')
		while (++i < len && buf[i] != '\r' && buf[i] != '\n')
			if (!is_vchar(buf[i]))
				BAD("http: control byte in a chunk extension");
	if (i == len)
		return L7_MORE;
	if (buf[i] != '\r')
		BAD("http: bad chunk size line");
	if (i + 1 == len)
		return L7_MORE;
	if (buf[i + 1] != '\n')
		BAD("http: bare CR");
	*used = i + 2;
	*skip = v;
	st->http.phase = v ? PH_CHUNK_END : PH_TRAILER;
	return L7_OK;
}

static enum l7_result body_part(struct l7_state *st, const uint8_t *buf,
				size_t len, size_t *used, uint64_t *skip,
				const char **why)
{
	enum l7_result res;
	size_t eol;

	switch (st->http.phase) {
	case PH_CHUNK_SIZE:
		return chunk_size(st, buf, len, used, skip, why);
	case PH_CHUNK_END:
		if (buf[0] != '\r' || (len > 1 && buf[1] != '\n'))
			BAD("http: chunk data not followed by CRLF");
		if (len < 2)
			return L7_MORE;
		*used = 2;
		st->http.phase = PH_CHUNK_SIZE;
		return L7_OK;
	case PH_TRAILER:
		res = line_end(buf, 0, len, &eol, why);
		if (res != L7_OK)
			return res;
		if (eol) {
			res = header_line(buf, eol, NULL, why);
			if (res != L7_OK)
				return res;
		} else {
			st->http.phase = PH_HEAD;
		}
		*used = eol + 2;
		return L7_OK;
	default:
		BAD("http: bad parser state");
	}
}

enum l7_result l7_http_stream(const struct l7_policy *pol, struct l7_state *st,
			      enum l7_dir dir, const uint8_t *buf, size_t len,
			      size_t *used, uint64_t *skip, struct l7_msg *m,
			      const char **why)
{
	const char *scratch_why;

	if (!why)
		why = &scratch_why;
	*used = 0;
	*skip = 0;
	m->present = false;
	if (!len)
		return L7_MORE;
	/* Responses are not judged: pass them whole, unparsed. */
	if (dir == L7_TO_CLIENT) {
		*used = len;
		return L7_OK;
	}
	if (st->http.phase != PH_HEAD)
		return body_part(st, buf, len, used, skip, why);
	return request_head(pol, st, buf, len, used, skip, m, why);
}
