// SPDX-License-Identifier: GPL-2.0-only
/*
 * A rule's options, "(msg:...; content:...; ...)": each keyword is one
 * handler in a table. Anything outside the documented subset is an
 * error naming it, never silently ignored: a rule that loads means what
 * it says.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ips_internal.h"

int ips_parse_uint(const char *s, long min, long max, long *out)
{
	bool neg = false;
	long v = 0;

	if (*s == '-' && min < 0) {
		neg = true;
		s++;
	}
	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		v = v * 10 + (*s - '0');
		if (v > 4294967295L)
			return -1;
	}
	if (*s)
		return -1;
	if (neg)
		v = -v;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int kw_msg(struct ips_opt *o, const struct ips_kw *kw, char *val)
{
	size_t len;
	char *m;

	if (o->has_msg)
		return ips_perr(o->p, "msg given twice");
	if (ips_unquote(o, kw->name, val, (uint8_t *)o->msgbuf, IPS_LINE_MAX,
		    &len, false))
		return -1;
	m = ips_alloc(o->p->arena, len + 1);
	if (!m)
		return ips_perr(o->p, "out of memory");
	memcpy(m, o->msgbuf, len);
	m[len] = 0;
	o->r->msg = m;
	o->has_msg = true;
	return 0;
}

static int kw_sid_rev(struct ips_opt *o, const struct ips_kw *kw, char *val)
{
	long v;

	if (ips_parse_uint(val, 1, UINT32_MAX, &v))
		return ips_perr(o->p, "%s: bad value '%s'", kw->name, val);
	if (kw->arg) {
		o->r->rev = v;
		return 0;
	}
	if (o->has_sid)
		return ips_perr(o->p, "sid given twice");
	o->r->sid = v;
	o->has_sid = true;
	return 0;
}

static int kw_ignored(struct ips_opt *o, const struct ips_kw *kw, char *val)
{
	(void)o, (void)kw, (void)val;
	return 0;
}

static int kw_flow(struct ips_opt *o, const struct ips_kw *kw, char *val)
{
	char *save, *t;

	(void)kw;
	for (t = strtok_r(val, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int dir = -1;

		while (isspace((unsigned char)*t))
			t++;
		t[strcspn(t, " \t")] = 0;
		if (!strcmp(t, "to_server") || !strcmp(t, "from_client"))
			dir = L7_TO_SERVER;
		else if (!strcmp(t, "to_client") || !strcmp(t, "from_server"))
			dir = L7_TO_CLIENT;
		else if (strcmp(t, "established") &&
			 strcmp(t, "not_established") && strcmp(t, "stateless"))
			return ips_perr(o->p, "flow: unsupported '%s'", t);
		if (dir < 0)
			continue;	/* session state: not checked */
		if (o->r->flow >= 0 && o->r->flow != dir)
			return ips_perr(o->p, "flow: conflicting directions");
		o->r->flow = dir;
	}
	return 0;
}

static int kw_modbus(struct ips_opt *o, const struct ips_kw *kw, char *val)
{
	char *save, *t, what[16];
	long v;
	int n;

	(void)kw;
	if (o->r->app != L7_MODBUS)
		return ips_perr(o->p, "modbus needs a modbus rule");
	for (t = strtok_r(val, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char num[16];

		if (sscanf(t, " %15s %15s %n", what, num, &n) != 2 || t[n] ||
		    ips_parse_uint(num, 0, 255, &v) ||
		    (strcmp(what, "function") && strcmp(what, "unit")))
			return ips_perr(o->p, "modbus: only 'function N' and 'unit N' are supported, not '%s'",
					t);
		if (what[0] == 'f')
			o->r->modbus_func = v;
		else
			o->r->modbus_unit = v;
	}
	return 0;
}

static int kw_mqtt_type(struct ips_opt *o, const struct ips_kw *kw, char *val)
{
	static const char *const names[] = {
		NULL, "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC",
		"PUBREL", "PUBCOMP", "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE",
		"UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH",
	};
	long v;
	int i;

	if (o->r->app != L7_MQTT)
		return ips_perr(o->p, "%s needs a mqtt rule", kw->name);
	for (i = 1; i < 16; i++)
		if (!strcasecmp(val, names[i]))
			break;
	if (i == 16) {
		if (ips_parse_uint(val, 1, 15, &v))
			return ips_perr(o->p, "%s: unknown type '%s'",
					kw->name, val);
		i = v;
	}
	o->r->mqtt_type = i;
	return 0;
}

static const struct ips_kw keywords[] = {
	{ "msg", kw_msg, 0, IPS_VAL_REQ },
	{ "sid", kw_sid_rev, 0, IPS_VAL_REQ },
	{ "rev", kw_sid_rev, 1, IPS_VAL_REQ },
	{ "classtype", kw_ignored, 0, IPS_VAL_REQ },
	{ "reference", kw_ignored, 0, IPS_VAL_REQ },
	{ "metadata", kw_ignored, 0, IPS_VAL_REQ },
	{ "priority", kw_ignored, 0, IPS_VAL_REQ },
	{ "flow", kw_flow, 0, IPS_VAL_REQ },
	{ "content", ips_kw_content, 0, IPS_VAL_REQ },
	{ "nocase", ips_kw_nocase, 0, IPS_VAL_NONE },
	{ "fast_pattern", ips_kw_fast, 0, IPS_VAL_NONE },
	{ "offset", ips_kw_number, IPS_C_OFFSET, IPS_VAL_REQ },
	{ "depth", ips_kw_number, IPS_C_DEPTH, IPS_VAL_REQ },
	{ "distance", ips_kw_number, IPS_C_DISTANCE, IPS_VAL_REQ },
	{ "within", ips_kw_number, IPS_C_WITHIN, IPS_VAL_REQ },
	{ "pkt_data", ips_kw_sticky, IPS_BUF_PAYLOAD, IPS_VAL_NONE },
	{ "http.method", ips_kw_sticky, L7B_HTTP_METHOD, IPS_VAL_NONE },
	{ "http.uri", ips_kw_sticky, L7B_HTTP_URI, IPS_VAL_NONE },
	{ "http.header", ips_kw_sticky, L7B_HTTP_HEADER, IPS_VAL_NONE },
	{ "dns.query", ips_kw_sticky, L7B_DNS_QUERY, IPS_VAL_NONE },
	{ "dns_query", ips_kw_sticky, L7B_DNS_QUERY, IPS_VAL_NONE },
	{ "mqtt.publish.topic", ips_kw_sticky, L7B_MQTT_TOPIC, IPS_VAL_NONE },
	{ "mqtt.publish.message", ips_kw_sticky, L7B_MQTT_MESSAGE, IPS_VAL_NONE },
	{ "coap.uri_path", ips_kw_sticky, L7B_COAP_URI, IPS_VAL_NONE },
	{ "http_method", ips_kw_legacy, L7B_HTTP_METHOD, IPS_VAL_NONE },
	{ "http_uri", ips_kw_legacy, L7B_HTTP_URI, IPS_VAL_NONE },
	{ "http_header", ips_kw_legacy, L7B_HTTP_HEADER, IPS_VAL_NONE },
	{ "modbus", kw_modbus, 0, IPS_VAL_REQ },
	{ "mqtt.type", kw_mqtt_type, 0, IPS_VAL_REQ },
};

static int dispatch(struct ips_opt *o, const char *name, char *val)
{
	size_t i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		const struct ips_kw *kw = &keywords[i];

		if (strcmp(kw->name, name))
			continue;
		if (kw->value == IPS_VAL_NONE && val)
			return ips_perr(o->p, "%s takes no value", name);
		if (kw->value == IPS_VAL_REQ && (!val || !*val))
			return ips_perr(o->p, "%s needs a value", name);
		return kw->fn(o, kw, val);
	}
	return ips_perr(o->p, "unknown keyword '%s'", name);
}

/* After the last option: what needs the whole rule. */
static int finish(struct ips_opt *o)
{
	struct ips_rule *r = o->r;
	struct ips_content *c;
	int i, j, best = -1;

	if (!o->has_msg)
		return ips_perr(o->p, "rule has no msg");
	if (!o->has_sid)
		return ips_perr(o->p, "rule has no sid");
	for (i = 0; i < o->nc; i++) {
		if (!(o->c[i].flags & IPS_C_RELATIVE))
			continue;
		for (j = i - 1; j >= 0 && o->c[j].buf != o->c[i].buf; j--)
			;
		if (j < 0)
			return ips_perr(o->p, "content %d: distance/within needs an earlier content in the same buffer",
					i + 1);
	}
	/* The AC pattern: the one named fast_pattern, else the longest. */
	for (i = 0; i < o->nc; i++) {
		if (o->c[i].flags & IPS_C_NEGATED)
			continue;
		if (o->c[i].flags & IPS_C_FAST) {
			best = i;
			break;
		}
		if (best < 0 || o->c[i].len > o->c[best].len)
			best = i;
	}
	r->fast = best;
	r->level = r->bufs || r->app != L7_NONE ? IPS_LVL_MSG : IPS_LVL_PACKET;
	for (i = 0; i < o->nc; i++)
		if (o->c[i].buf != IPS_BUF_PAYLOAD)
			r->level = IPS_LVL_MSG;
	r->ncontent = o->nc;
	if (!o->nc)
		return 0;
	c = ips_alloc(o->p->arena, o->nc * sizeof(*c));
	if (!c)
		return ips_perr(o->p, "out of memory");
	for (i = 0; i < o->nc; i++) {
		uint8_t *pat = ips_alloc(o->p->arena, o->c[i].len);

		if (!pat)
			return ips_perr(o->p, "out of memory");
		memcpy(pat, o->pat[i], o->c[i].len);
		c[i] = o->c[i];
		c[i].pat = pat;
	}
	r->c = c;
	return 0;
}

static bool kwchar(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-';
}

int ips_parse_options(struct ips_parse *p, char *s, struct ips_rule *r)
{
	struct ips_opt *o = calloc(1, sizeof(*o));
	int ret = -1;

	if (!o)
		return ips_perr(p, "out of memory");
	o->p = p;
	o->r = r;
	o->last = -1;
	o->sticky = IPS_BUF_PAYLOAD;
	for (;;) {
		char *kw, *kwend, *val = NULL, sep;
		bool inq = false;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		for (kw = s; kwchar(*s); s++)
			;
		kwend = s;
		while (isspace((unsigned char)*s))
			s++;
		sep = *s;
		if (kwend == kw || (sep && sep != ':' && sep != ';')) {
			ips_perr(p, "bad option at '%.20s'", kw);
			goto out;
		}
		*kwend = 0;
		if (sep == ':') {
			/* The value ends at the first ';' outside quotes. */
			for (val = ++s; *s && (inq || *s != ';'); s++) {
				if (*s == '\\' && s[1])
					s++;
				else if (*s == '"')
					inq = !inq;
			}
			if (*s)
				*s++ = 0;
			while (isspace((unsigned char)*val))
				val++;
			for (kwend = val + strlen(val);
			     kwend > val && isspace((unsigned char)kwend[-1]);)
				*--kwend = 0;
		} else if (sep == ';') {
			s++;
		}
		if (dispatch(o, kw, val))
			goto out;
	}
	ret = finish(o);
out:
	free(o);
	return ret;
}
