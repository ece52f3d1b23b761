// SPDX-License-Identifier: GPL-2.0-only
/*
 * The L7 firewall's CoAP parser (RFC 7252, over UDP): one datagram is
 * one message; a request's method and Uri-Path are judged.
 */
#include <string.h>

#include "l7.h"

#define OPT_URI_PATH 11
#define OPT_PROXY_URI 35
#define OPT_PROXY_SCHEME 39

#define T_NON 1
#define T_ACK 2
#define T_RST 3

#define BAD(msg) do { *why = (msg); return L7_MALFORMED; } while (0)
#define DENY(msg) do { *why = (msg); return L7_DENIED; } while (0)

/* Request codes 0.01 .. 0.07; the policy names them upper case. */
static const char *const methods[8] = {
	NULL, "GET", "POST", "PUT", "DELETE", "FETCH", "PATCH", "IPATCH",
};

/*
 * An option's delta or length: the nibble, extended by one byte (13) or
 * two (14); 15 is reserved (the 0xff marker is handled before). -1: bad.
 */
static long opt_ext(uint8_t nib, const uint8_t *buf, size_t len, size_t *off)
{
	long v;

	switch (nib) {
	case 13:
		if (*off + 1 > len)
			return -1;
		v = 13 + buf[*off];
		*off += 1;
		return v;
	case 14:
		if (*off + 2 > len)
			return -1;
		v = 269 + (buf[*off] << 8 | buf[*off + 1]);
		*off += 2;
		return v;
	case 15:
		return -1;
	default:
		return nib;
	}
}

/* One Uri-Path segment onto the joined path in m->name. */
static enum l7_result path_add(struct l7_msg *m, size_t *plen,
			       const uint8_t *seg, size_t n, const char **why)
{
	if ((n == 1 && seg[0] == '.') ||
	    (n == 2 && seg[0] == '.' && seg[1] == '.'))
		BAD("coap: dot segment in Uri-Path");
	/*
	 * Bytes are raw in CoAP: a '/' or NUL would split or cut the joined
	 * path, and a '?' would end it for the path prefix test.
	 */
	if (memchr(seg, '/', n) || memchr(seg, 0, n) || memchr(seg, '?', n))
		BAD("coap: '/', '?' or NUL in a Uri-Path segment");
	if (*plen + 1 + n >= sizeof(m->name))
		BAD("coap: Uri-Path longer than the L7 firewall buffers");
	m->name[(*plen)++] = '/';
	memcpy(m->name + *plen, seg, n);
	*plen += n;
	m->name[*plen] = 0;
	return L7_OK;
}

enum l7_result l7_coap_dgram(const struct l7_policy *pol, enum l7_dir dir,
			     const uint8_t *buf, size_t len, struct l7_msg *m,
			     const char **why)
{
	uint8_t type, tkl, code, cls, detail;
	bool proxy = false;
	size_t off, plen = 0, olen;
	struct l7_msg scratch;
	const char *scratch_why;
	enum l7_result res;
	long delta, n;
	unsigned long num = 0;

	if (!m)
		m = &scratch;
	if (!why)
		why = &scratch_why;
	if (len < 4)
		BAD("coap: shorter than its header");
	if (buf[0] >> 6 != 1)
		BAD("coap: version is not 1");
	type = (buf[0] >> 4) & 3;
	tkl = buf[0] & 0x0f;
	code = buf[1];
	cls = code >> 5;
	detail = code & 0x1f;
	if (tkl > 8)
		BAD("coap: token longer than 8 bytes");
	if (4u + tkl > len)
		BAD("coap: token truncated");
	m->present = true;
	m->kind = code;
	m->unit = -1;
	m->name[0] = 0;
	if (!code) {
		/* Empty: a ping, an ACK or a reset; nothing after it. */
		if (tkl || len != 4)
			BAD("coap: Empty message with a token or options");
		if (type == T_NON)
			BAD("coap: Empty non-confirmable message");
		return L7_OK;
	}
	if (type == T_RST)
		BAD("coap: reset that is not Empty");
	if (cls == 0 && (detail > 7 || type == T_ACK))
		BAD("coap: unknown method or a request in an ACK");
	if (cls != 0 && cls != 2 && cls != 4 && cls != 5)
		BAD("coap: reserved code class");
	for (off = 4u + tkl; off < len;) {
		uint8_t b = buf[off++];

		if (b == 0xff) {
			if (off == len)
				BAD("coap: payload marker without payload");
			break;
		}
		delta = opt_ext(b >> 4, buf, len, &off);
		n = opt_ext(b & 0x0f, buf, len, &off);
		if (delta < 0 || n < 0)
			BAD("coap: bad option header");
		olen = (size_t)n;
		num += (unsigned long)delta;
		if (num > 0xffff || olen > len - off)
			BAD("coap: option out of bounds");
		if (num == OPT_URI_PATH) {
			res = path_add(m, &plen, buf + off, olen, why);
			if (res != L7_OK)
				return res;
		}
		if (num == OPT_PROXY_URI || num == OPT_PROXY_SCHEME)
			proxy = true;
		off += olen;
	}
	if (cls != 0)
		return L7_OK;	/* a response, either way */
	if (!plen) {
		m->name[0] = '/';
		m->name[1] = 0;
		plen = 1;
	}
	m->buf[L7B_COAP_URI].p = (const uint8_t *)m->name;
	m->buf[L7B_COAP_URI].len = plen;
	/*
	 * A request to the client (CoAP endpoints are peers) is only framed:
	 * the policy is about what the tunnel's client may ask of servers.
	 */
	if (!pol || dir != L7_TO_SERVER)
		return L7_OK;
	if (!l7_strlist_has(&pol->methods, methods[detail]) &&
	    !(detail == 7 && l7_strlist_has(&pol->methods, "iPATCH")))
		DENY(l7_reason("coap: method %s not allowed", methods[detail]));
	/* A proxy request's target is in Proxy-Uri, not Uri-Path. */
	if (proxy && pol->paths.set)
		DENY("coap: proxy request cannot be judged by path");
	if (!l7_path_allowed(&pol->paths, m->name))
		DENY(l7_reason("coap: path %s not allowed", m->name));
	return L7_OK;
}
