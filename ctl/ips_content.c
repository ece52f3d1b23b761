// SPDX-License-Identifier: GPL-2.0-only
/*
 * Rule options about contents: quoted strings with hex blocks, their
 * modifiers (nocase, offset, depth, distance, within, fast_pattern) and
 * the buffers they look at (sticky buffers and the legacy modifiers).
 */
#include <ctype.h>
#include <string.h>

#include "ips_internal.h"

/* What each sticky buffer is, and which L7 protocol offers it. */
static const struct {
	const char *name;
	enum l7_proto app;
} bufinfo[L7B_MAX] = {
	[L7B_HTTP_METHOD] = { "http.method", L7_HTTP },
	[L7B_HTTP_URI] = { "http.uri", L7_HTTP },
	[L7B_HTTP_HEADER] = { "http.header", L7_HTTP },
	[L7B_DNS_QUERY] = { "dns.query", L7_DNS },
	[L7B_MQTT_TOPIC] = { "mqtt.publish.topic", L7_MQTT },
	[L7B_MQTT_MESSAGE] = { "mqtt.publish.message", L7_MQTT },
	[L7B_COAP_URI] = { "coap.uri_path", L7_COAP },
};

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/*
 * A quoted value, with \" \; \\ escapes and, in contents, |41 42| hex
 * blocks. *len gets the bytes; the value must end at its closing quote.
 */
int ips_unquote(struct ips_opt *o, const char *kw, const char *v,
		   uint8_t *out, size_t cap, size_t *len, bool hex)
{
	bool inhex = false;
	int nib = -1;
	size_t n = 0;
	int c;

	if (*v != '"')
		return ips_perr(o->p, "%s: expected a quoted string", kw);
	for (v++;; v++) {
		c = (unsigned char)*v;
		if (!c)
			return ips_perr(o->p, "%s: unterminated quoted string",
					kw);
		if (inhex) {
			if (c == '"')
				return ips_perr(o->p, "%s: unterminated hex block",
						kw);
			if (c == '|' || isspace(c)) {
				if (nib >= 0)
					return ips_perr(o->p, "%s: odd number of hex digits",
							kw);
				inhex = c != '|';
				continue;
			}
			if (!isxdigit(c))
				return ips_perr(o->p, "%s: bad hex digit '%c'",
						kw, c);
			if (nib < 0) {
				nib = hexval(c);
				continue;
			}
			c = nib << 4 | hexval(c);
			nib = -1;
		} else if (c == '"') {
			break;
		} else if (c == '|' && hex) {
			inhex = true;
			continue;
		} else if (c == '\\') {
			c = (unsigned char)*++v;
			if (c != '"' && c != ';' && c != '\\')
				return ips_perr(o->p, "%s: bad escape '\\%c'",
						kw, c ? c : ' ');
		}
		if (n == cap)
			return ips_perr(o->p, "%s: longer than %zu bytes", kw,
					cap);
		out[n++] = c;
	}
	while (isspace((unsigned char)*++v))
		;
	if (*v)
		return ips_perr(o->p, "%s: junk after the closing quote", kw);
	*len = n;
	return 0;
}

int ips_kw_content(struct ips_opt *o, const struct ips_kw *kw, char *val)
{
	struct ips_content *c;
	bool neg = *val == '!';
	size_t len;

	if (o->nc == IPS_CONTENTS_MAX)
		return ips_perr(o->p, "more than %d contents", IPS_CONTENTS_MAX);
	if (neg)
		while (isspace((unsigned char)*++val))
			;
	if (ips_unquote(o, kw->name, val, o->pat[o->nc], IPS_CONTENT_LEN, &len,
		    true))
		return -1;
	if (!len)
		return ips_perr(o->p, "content: empty");
	c = &o->c[o->nc];
	*c = (struct ips_content){
		.pat = o->pat[o->nc], .len = len, .buf = o->sticky,
		.flags = neg ? IPS_C_NEGATED : 0,
	};
	o->last = o->nc++;
	return 0;
}

static struct ips_content *last_content(struct ips_opt *o, const char *kw)
{
	if (o->last < 0) {
		ips_perr(o->p, "%s needs a preceding content", kw);
		return NULL;
	}
	return &o->c[o->last];
}

int ips_kw_nocase(struct ips_opt *o, const struct ips_kw *kw, char *val)
{
	struct ips_content *c = last_content(o, kw->name);
	uint8_t *pat;
	int i;

	(void)val;
	if (!c)
		return -1;
	pat = o->pat[o->last];
	for (i = 0; i < c->len; i++)
		pat[i] = ips_fold(pat[i]);
	c->flags |= IPS_C_NOCASE;
	return 0;
}

int ips_kw_fast(struct ips_opt *o, const struct ips_kw *kw, char *val)
{
	struct ips_content *c = last_content(o, kw->name);
	int i;

	(void)val;
	if (!c)
		return -1;
	if (c->flags & IPS_C_NEGATED)
		return ips_perr(o->p, "fast_pattern on a negated content");
	for (i = 0; i < o->nc; i++)
		if (o->c[i].flags & IPS_C_FAST)
			return ips_perr(o->p, "fast_pattern given twice");
	c->flags |= IPS_C_FAST;
	return 0;
}

/* offset, depth, distance, within: arg is the IPS_C_ flag. */
int ips_kw_number(struct ips_opt *o, const struct ips_kw *kw, char *val)
{
	struct ips_content *c = last_content(o, kw->name);
	bool relative = kw->arg & IPS_C_RELATIVE;
	long v;

	if (!c)
		return -1;
	if (ips_parse_uint(val, kw->arg == IPS_C_DISTANCE ? -IPS_NUM_MAX : 0,
			   IPS_NUM_MAX, &v))
		return ips_perr(o->p, "%s: bad value '%s'", kw->name, val);
	if (c->flags & kw->arg)
		return ips_perr(o->p, "%s given twice for one content",
				kw->name);
	if (c->flags & (relative ? IPS_C_ABSOLUTE : IPS_C_RELATIVE))
		return ips_perr(o->p, "%s: offset/depth and distance/within do not mix on one content",
				kw->name);
	if ((kw->arg & (IPS_C_DEPTH | IPS_C_WITHIN)) && v < c->len)
		return ips_perr(o->p, "%s %ld is shorter than the content",
				kw->name, v);
	c->flags |= kw->arg;
	switch (kw->arg) {
	case IPS_C_OFFSET:
		c->offset = v;
		break;
	case IPS_C_DEPTH:
		c->depth = v;
		break;
	case IPS_C_DISTANCE:
		c->distance = v;
		break;
	default:
		c->within = v;
	}
	return 0;
}

static int use_buffer(struct ips_opt *o, int b)
{
	enum l7_proto app = bufinfo[b].app;

	if (o->r->app != L7_NONE && o->r->app != app)
		return ips_perr(o->p, "%s needs a %s rule, not %s",
				bufinfo[b].name, l7_proto_name(app),
				l7_proto_name(o->r->app));
	o->r->bufs |= 1u << b;
	return 0;
}

int ips_kw_sticky(struct ips_opt *o, const struct ips_kw *kw, char *val)
{
	(void)val;
	if (kw->arg != IPS_BUF_PAYLOAD && use_buffer(o, kw->arg))
		return -1;
	o->sticky = kw->arg;
	return 0;
}

/* Before sticky buffers: "content:...; http_uri;" moves that content. */
int ips_kw_legacy(struct ips_opt *o, const struct ips_kw *kw, char *val)
{
	struct ips_content *c = last_content(o, kw->name);

	(void)val;
	if (!c)
		return -1;
	if (c->buf != IPS_BUF_PAYLOAD)
		return ips_perr(o->p, "%s: the content is already in %s",
				kw->name, bufinfo[c->buf].name);
	if (use_buffer(o, kw->arg))
		return -1;
	c->buf = kw->arg;
	return 0;
}
