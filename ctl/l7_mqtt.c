// SPDX-License-Identifier: GPL-2.0-only
/*
 * The L7 firewall's MQTT parser (3.1, 3.1.1 and 5): control packets are
 * framed and checked against the spec, and what a client sends to the
 * broker is judged: packet types, and the topics it publishes to or
 * subscribes to, with MQTT's wildcard semantics.
 */
#include <string.h>

#include "l7.h"

enum {
	T_CONNECT = 1, T_CONNACK, T_PUBLISH, T_PUBACK, T_PUBREC, T_PUBREL,
	T_PUBCOMP, T_SUBSCRIBE, T_SUBACK, T_UNSUBSCRIBE, T_UNSUBACK,
	T_PINGREQ, T_PINGRESP, T_DISCONNECT, T_AUTH,
};

#define SRV (1u << L7_TO_SERVER)
#define CLI (1u << L7_TO_CLIENT)
#define ANY_FLAGS 0xff

static const struct {
	uint8_t flags;		/* the fixed header's low nibble */
	uint8_t dirs;		/* who may send it */
	const char *deny;	/* the policy's reason */
} types[16] = {
	[T_CONNECT] = { 0, SRV, "mqtt: CONNECT not allowed" },
	[T_CONNACK] = { 0, CLI, "mqtt: CONNACK not allowed" },
	[T_PUBLISH] = { ANY_FLAGS, SRV | CLI, "mqtt: PUBLISH not allowed" },
	[T_PUBACK] = { 0, SRV | CLI, "mqtt: PUBACK not allowed" },
	[T_PUBREC] = { 0, SRV | CLI, "mqtt: PUBREC not allowed" },
	[T_PUBREL] = { 2, SRV | CLI, "mqtt: PUBREL not allowed" },
	[T_PUBCOMP] = { 0, SRV | CLI, "mqtt: PUBCOMP not allowed" },
	[T_SUBSCRIBE] = { 2, SRV, "mqtt: SUBSCRIBE not allowed" },
	[T_SUBACK] = { 0, CLI, "mqtt: SUBACK not allowed" },
	[T_UNSUBSCRIBE] = { 2, SRV, "mqtt: UNSUBSCRIBE not allowed" },
	[T_UNSUBACK] = { 0, CLI, "mqtt: UNSUBACK not allowed" },
	[T_PINGREQ] = { 0, SRV, "mqtt: PINGREQ not allowed" },
	[T_PINGRESP] = { 0, CLI, "mqtt: PINGRESP not allowed" },
	/* Only 5 lets the broker send DISCONNECT: checked below. */
	[T_DISCONNECT] = { 0, SRV | CLI, "mqtt: DISCONNECT not allowed" },
	[T_AUTH] = { 0, SRV | CLI, "mqtt: AUTH not allowed" },
};

/* A bounds-checked cursor over one packet's bytes. */
struct rd {
	const uint8_t *p;
	size_t n;
};

static bool rd_u8(struct rd *r, uint8_t *v)
{
	if (r->n < 1)
		return false;
	*v = *r->p++;
	r->n--;
	return true;
}

static bool rd_u16(struct rd *r, uint16_t *v)
{
	if (r->n < 2)
		return false;
	*v = (uint16_t)(r->p[0] << 8 | r->p[1]);
	r->p += 2;
	r->n -= 2;
	return true;
}

static bool rd_skip(struct rd *r, size_t n)
{
	if (r->n < n)
		return false;
	r->p += n;
	r->n -= n;
	return true;
}

/* A string or binary field: two bytes of length, then the bytes. */
static bool rd_str(struct rd *r, const uint8_t **s, size_t *len)
{
	uint16_t n;

	if (!rd_u16(r, &n) || r->n < n)
		return false;
	*s = r->p;
	*len = n;
	return rd_skip(r, n);
}

/* A Variable Byte Integer: at most four bytes. */
static bool rd_varint(struct rd *r, uint32_t *v)
{
	uint8_t b;
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		if (!rd_u8(r, &b))
			return false;
		*v |= (uint32_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			return true;
	}
	return false;
}

/* Well-formed UTF-8 without U+0000, as MQTT requires of its strings. */
static bool utf8_ok(const uint8_t *s, size_t n)
{
	size_t i = 0, k, need;
	uint32_t c, min;

	while (i < n) {
		c = s[i];
		if (!c)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			need = 1, min = 0x80, c &= 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			need = 2, min = 0x800, c &= 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			need = 3, min = 0x10000, c &= 0x07;
		} else {
			return false;
		}
		if (n - i - 1 < need)
			return false;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates and beyond Unicode. */
		if (c < min || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
			return false;
		i += need + 1;
	}
	return true;
}

/* Why a topic name (what PUBLISH names) is invalid, or NULL. */
static const char *topic_name_bad(const uint8_t *s, size_t n)
{
	if (!utf8_ok(s, n))
		return "mqtt: topic is not UTF-8 (or holds NUL)";
	if (memchr(s, '+', n) || memchr(s, '#', n))
		return "mqtt: wildcard in a published topic";
	return NULL;
}

/* Why a topic filter (what SUBSCRIBE asks for) is invalid, or NULL. */
static const char *filter_bad(const uint8_t *s, size_t n)
{
	size_t i;

	if (!n)
		return "mqtt: empty topic filter";
	if (!utf8_ok(s, n))
		return "mqtt: topic filter is not UTF-8 (or holds NUL)";
	for (i = 0; i < n; i++) {
		if (s[i] != '+' && s[i] != '#')
			continue;
		/* A wildcard is a whole level; '#' only the last one. */
		if ((i && s[i - 1] != '/') ||
		    (i + 1 < n && (s[i] == '#' || s[i + 1] != '/')))
			return "mqtt: misplaced wildcard in a topic filter";
	}
	return NULL;
}

/* The levels of a topic or filter, one at a time: "a//b" has three. */
struct levels {
	const char *s;
	size_t n, pos;
	bool done;
};

static bool level_next(struct levels *l, const char **p, size_t *len)
{
	const char *slash;

	if (l->done)
		return false;
	*p = l->s + l->pos;
	slash = memchr(*p, '/', l->n - l->pos);
	if (!slash) {
		*len = l->n - l->pos;
		l->done = true;
	} else {
		*len = (size_t)(slash - *p);
		l->pos += *len + 1;
	}
	return true;
}

static bool is_wild(const char *p, size_t len, char w)
{
	return len == 1 && *p == w;
}

/*
 * Whether every topic req can match, allowed matches too. A topic name
 * is a filter without wildcards, so this also decides matching.
 */
static bool covers_n(const char *a, size_t an, const char *r, size_t rn)
{
	struct levels la = { a, an, 0, false }, lr = { r, rn, 0, false };
	const char *ap, *rp;
	bool ha, hr, first = true;
	size_t al, rl;

	/* A leading wildcard never matches a topic starting with '$'. */
	if (an && (a[0] == '+' || a[0] == '#') && rn && r[0] == '$')
		return false;
	for (;;) {
		ha = level_next(&la, &ap, &al);
		hr = level_next(&lr, &rp, &rl);
		/* '#' takes this level, any below, or none: "a/#" has "a". */
		if (ha && is_wild(ap, al, '#'))
			return true;
		if (!ha || !hr)
			return !ha && !hr;
		if (is_wild(rp, rl, '#')) {
			/*
			 * Below the top, req's '#' also takes its parent,
			 * which "+/#" lacks; at the top a topic has a level.
			 */
			return first && is_wild(ap, al, '+') &&
			       level_next(&la, &ap, &al) &&
			       is_wild(ap, al, '#');
		}
		first = false;
		if (is_wild(ap, al, '+'))
			continue;
		if (is_wild(rp, rl, '+') || al != rl || memcmp(ap, rp, al))
			return false;
	}
}

bool l7_mqtt_filter_covers(const char *allowed, const char *req)
{
	return covers_n(allowed, strlen(allowed), req, strlen(req));
}

bool l7_mqtt_topic_match(const char *filter, const char *topic)
{
	if (strpbrk(topic, "+#"))
		return false;
	return covers_n(filter, strlen(filter), topic, strlen(topic));
}

/* Whether some allowed filter covers s (a topic or a filter). */
static bool topic_allowed(const struct l7_strlist *l, const uint8_t *s,
			  size_t n)
{
	size_t i;

	if (!l->set)
		return true;
	for (i = 0; i < l->n; i++)
		if (covers_n(l->s[i], strlen(l->s[i]), (const char *)s, n))
			return true;
	return false;
}

/* The properties of MQTT 5, by identifier: how each is encoded. */
enum { P_NONE, P_BYTE, P_U16, P_U32, P_VARINT, P_STR, P_PAIR };

static const uint8_t prop_kind[0x2b] = {
	[0x01] = P_BYTE, [0x02] = P_U32, [0x03] = P_STR, [0x08] = P_STR,
	[0x09] = P_STR, [0x0b] = P_VARINT, [0x11] = P_U32, [0x12] = P_STR,
	[0x13] = P_U16, [0x15] = P_STR, [0x16] = P_STR, [0x17] = P_BYTE,
	[0x18] = P_U32, [0x19] = P_BYTE, [0x1a] = P_STR, [0x1c] = P_STR,
	[0x1f] = P_STR, [0x21] = P_U16, [0x22] = P_U16, [0x23] = P_U16,
	[0x24] = P_BYTE, [0x25] = P_BYTE, [0x26] = P_PAIR, [0x27] = P_U32,
	[0x28] = P_BYTE, [0x29] = P_BYTE, [0x2a] = P_BYTE,
};

#define PROP_TOPIC_ALIAS 0x23

/*
 * A property block (level 5 only): each property is skipped by its
 * encoding, never past the block. *alias: a Topic Alias was present.
 */
static bool props_skip(struct rd *r, int level, bool *alias)
{
	const uint8_t *s;
	uint32_t len, id, v;
	uint16_t u16;
	struct rd p;
	size_t sn;

	if (alias)
		*alias = false;
	if (level != 5)
		return true;
	if (!rd_varint(r, &len) || len > r->n)
		return false;
	p.p = r->p;
	p.n = len;
	rd_skip(r, len);
	while (p.n) {
		if (!rd_varint(&p, &id) || id >= sizeof(prop_kind))
			return false;
		switch (prop_kind[id]) {
		case P_BYTE:
			if (!rd_skip(&p, 1))
				return false;
			break;
		case P_U16:
			if (!rd_u16(&p, &u16))
				return false;
			/* Topic alias 0 is invalid. */
			if (id == PROP_TOPIC_ALIAS && !u16)
				return false;
			if (id == PROP_TOPIC_ALIAS && alias)
				*alias = true;
			break;
		case P_U32:
			if (!rd_skip(&p, 4))
				return false;
			break;
		case P_VARINT:
			if (!rd_varint(&p, &v))
				return false;
			break;
		case P_PAIR:	/* a name and a value */
			if (!rd_str(&p, &s, &sn) || !rd_str(&p, &s, &sn))
				return false;
			break;
		case P_STR:	/* also binary data: the same encoding */
			if (!rd_str(&p, &s, &sn))
				return false;
			break;
		default:
			return false;
		}
	}
	return true;
}

#define BAD(msg) do { *why = (msg); return L7_MALFORMED; } while (0)
#define DENY(msg) do { *why = (msg); return L7_DENIED; } while (0)

static bool type_allowed(const struct l7_policy *pol, int type)
{
	return !pol->mqtt_types_set || (pol->mqtt_types & (1u << type));
}

static enum l7_result parse_connect(const struct l7_policy *pol,
				    struct l7_state *st, struct rd *r,
				    const char **why)
{
	const uint8_t *name, *s, *wtopic = NULL;
	size_t nlen, sn, wlen = 0;
	uint8_t level, fl, wqos;
	uint16_t keepalive;

	if (!rd_str(r, &name, &nlen) || !rd_u8(r, &level) ||
	    !rd_u8(r, &fl) || !rd_u16(r, &keepalive))
		BAD("mqtt: CONNECT truncated");
	if (nlen == 4 && !memcmp(name, "MQTT", 4)) {
		if (level != 4 && level != 5)
			BAD("mqtt: unknown protocol level");
	} else if (nlen == 6 && !memcmp(name, "MQIsdp", 6)) {
		if (level != 3)
			BAD("mqtt: unknown protocol level");
	} else {
		BAD("mqtt: unknown protocol name");
	}
	wqos = (fl >> 3) & 3;
	if ((fl & 0x01) || wqos == 3 ||
	    (!(fl & 0x04) && (wqos || (fl & 0x20))))
		BAD("mqtt: bad CONNECT flags");
	/* Before 5 a password needs a user name. */
	if (level != 5 && (fl & 0x40) && !(fl & 0x80))
		BAD("mqtt: bad CONNECT flags");
	if (!props_skip(r, level, NULL))
		BAD("mqtt: bad CONNECT properties");
	if (!rd_str(r, &s, &sn) || !utf8_ok(s, sn))
		BAD("mqtt: bad client identifier");
	if (fl & 0x04) {
		if (!props_skip(r, level, NULL))
			BAD("mqtt: bad will properties");
		if (!rd_str(r, &wtopic, &wlen) || !wlen ||
		    topic_name_bad(wtopic, wlen))
			BAD("mqtt: bad will topic");
		if (!rd_str(r, &s, &sn))
			BAD("mqtt: bad will payload");
	}
	if ((fl & 0x80) && (!rd_str(r, &s, &sn) || !utf8_ok(s, sn)))
		BAD("mqtt: bad user name");
	if ((fl & 0x40) && !rd_str(r, &s, &sn))
		BAD("mqtt: bad password");
	if (r->n)
		BAD("mqtt: trailing bytes after CONNECT");
	st->mqtt_level = level;
	if (!pol)
		return L7_OK;
	/* A will is a PUBLISH the broker makes for the client later. */
	if (wtopic && !type_allowed(pol, T_PUBLISH))
		DENY("mqtt: will message needs PUBLISH");
	if (wtopic && !topic_allowed(&pol->topics, wtopic, wlen))
		DENY("mqtt: will topic not allowed");
	return L7_OK;
}

/*
 * A PUBLISH, of which r may hold only the head (a long payload): the
 * topic and properties must be in it.
 */
static enum l7_result parse_publish(const struct l7_policy *pol,
				    enum l7_dir dir, int level, uint8_t flags,
				    struct rd *r, struct l7_msg *m,
				    const char **why)
{
	const uint8_t *topic;
	uint8_t qos = (flags >> 1) & 3;
	const char *bad;
	uint16_t id;
	size_t tlen;
	bool alias;

	if (qos == 3)
		BAD("mqtt: PUBLISH with QoS 3");
	if (!qos && (flags & 0x08))
		BAD("mqtt: DUP set on a QoS 0 PUBLISH");
	if (!rd_str(r, &topic, &tlen))
		BAD("mqtt: PUBLISH topic truncated");
	if (qos && (!rd_u16(r, &id) || !id))
		BAD("mqtt: bad PUBLISH packet identifier");
	if (!props_skip(r, level, &alias))
		BAD("mqtt: bad PUBLISH properties");
	if ((bad = topic_name_bad(topic, tlen)))
		BAD(bad);
	/* Only 5 has an empty topic, standing for an alias set earlier. */
	if (!tlen && !alias)
		BAD("mqtt: empty PUBLISH topic");
	m->buf[L7B_MQTT_TOPIC].p = topic;
	m->buf[L7B_MQTT_TOPIC].len = tlen;
	m->buf[L7B_MQTT_MESSAGE].p = r->p;
	m->buf[L7B_MQTT_MESSAGE].len = r->n;
	/*
	 * What the broker delivers to the client is not judged by topic:
	 * it is what the client's subscriptions (judged) asked for, and
	 * retained messages or overlapping subscriptions would make a
	 * delivery look like a breach it is not.
	 */
	if (!pol || dir != L7_TO_SERVER || !pol->topics.set)
		return L7_OK;
	/* The alias's topic was judged when set, but we keep no map. */
	if (!tlen)
		DENY("mqtt: PUBLISH by topic alias cannot be judged");
	if (!topic_allowed(&pol->topics, topic, tlen))
		DENY(l7_reason("mqtt: topic %.*s not allowed", (int)tlen,
			       (const char *)topic));
	return L7_OK;
}

/* SUBSCRIBE (judged: every filter covered) and UNSUBSCRIBE (not). */
static enum l7_result parse_subscribe(const struct l7_policy *pol, int level,
				      bool sub, struct rd *r,
				      const char **why)
{
	const uint8_t *f, *inner, *slash, *denied = NULL;
	const char *bad;
	size_t flen, ilen, dlen = 0;
	uint16_t id;
	uint8_t opt;

	if (!rd_u16(r, &id) || !id)
		BAD("mqtt: bad packet identifier");
	if (!props_skip(r, level, NULL))
		BAD("mqtt: bad properties");
	if (!r->n)
		BAD("mqtt: no topic filter");
	while (r->n) {
		if (!rd_str(r, &f, &flen))
			BAD("mqtt: topic filter truncated");
		if (sub && !rd_u8(r, &opt))
			BAD("mqtt: subscription options truncated");
		if (sub && ((opt & 3) == 3 || (level == 5 ?
			    (opt & 0xc0) || (opt & 0x30) == 0x30 : opt & 0xfc)))
			BAD("mqtt: bad subscription options");
		if ((bad = filter_bad(f, flen)))
			BAD(bad);
		/* A shared subscription "$share/group/filter" gets filter. */
		inner = f;
		ilen = flen;
		if (flen > 7 && !memcmp(f, "$share/", 7)) {
			slash = memchr(f + 7, '/', flen - 7);
			if (!slash || slash == f + 7 ||
			    memchr(f + 7, '+', (size_t)(slash - f - 7)) ||
			    memchr(f + 7, '#', (size_t)(slash - f - 7)) ||
			    slash + 1 == f + flen)
				BAD("mqtt: bad shared subscription");
			inner = slash + 1;
			ilen = (size_t)(f + flen - inner);
		}
		if (sub && pol && !denied &&
		    !topic_allowed(&pol->topics, inner, ilen)) {
			denied = inner;
			dlen = ilen;
		}
	}
	/* Judged after the whole packet is known to be well formed. */
	if (denied)
		DENY(l7_reason("mqtt: topic filter %.*s not allowed", (int)dlen,
			       (const char *)denied));
	return L7_OK;
}

/* The acknowledgements and the rest: framing only. */
static enum l7_result parse_other(int type, int level, struct rd *r,
				  const char **why)
{
	uint16_t id;
	uint8_t b;

	switch (type) {
	case T_CONNACK:
		if (!rd_u8(r, &b) || (b & 0xfe) || !rd_skip(r, 1) ||
		    !props_skip(r, level, NULL))
			BAD("mqtt: bad CONNACK");
		break;
	case T_PUBACK: case T_PUBREC: case T_PUBREL: case T_PUBCOMP:
		if (!rd_u16(r, &id) || !id)
			BAD("mqtt: bad packet identifier");
		/* 5: a reason code and properties, each optional. */
		if (level == 5 && r->n && (!rd_skip(r, 1) ||
		    (r->n && !props_skip(r, level, NULL))))
			BAD("mqtt: bad acknowledgement");
		break;
	case T_SUBACK: case T_UNSUBACK:
		if (!rd_u16(r, &id) || !id || !props_skip(r, level, NULL))
			BAD("mqtt: bad acknowledgement");
		/* 3.1.1's UNSUBACK has no return codes; the others do. */
		if (type == T_SUBACK || level == 5) {
			if (!r->n)
				BAD("mqtt: acknowledgement without codes");
			rd_skip(r, r->n);
		}
		break;
	case T_DISCONNECT: case T_AUTH:
		if (level == 5 && r->n && (!rd_skip(r, 1) ||
		    (r->n && !props_skip(r, level, NULL))))
			BAD("mqtt: bad DISCONNECT or AUTH");
		break;
	default:	/* PINGREQ, PINGRESP */
		break;
	}
	if (r->n)
		BAD("mqtt: trailing bytes in a packet");
	return L7_OK;
}

/* The fixed header's first byte, before the rest is waited for. */
static enum l7_result check_fixed(const struct l7_state *st, enum l7_dir dir,
				  int type, uint8_t flags, int level,
				  const char **why)
{
	uint8_t want = types[type].flags;

	if (!type)
		BAD("mqtt: reserved packet type 0");
	if (type == T_AUTH && level != 5)
		BAD("mqtt: AUTH before MQTT 5");
	if (!(types[type].dirs & (1u << dir)) ||
	    (type == T_DISCONNECT && dir == L7_TO_CLIENT && level != 5))
		BAD("mqtt: packet sent the wrong way");
	/* 3.1 marks resent PUBREL, SUBSCRIBE and UNSUBSCRIBE with DUP. */
	if (level == 3 && want == 2)
		flags &= ~0x08;
	if (want != ANY_FLAGS && flags != want)
		BAD("mqtt: bad fixed header flags");
	if (dir == L7_TO_SERVER) {
		if (!st->mqtt_level && type != T_CONNECT)
			BAD("mqtt: first packet is not CONNECT");
		if (st->mqtt_level && type == T_CONNECT)
			BAD("mqtt: second CONNECT");
	}
	return L7_OK;
}

enum l7_result l7_mqtt_stream(const struct l7_policy *pol, struct l7_state *st,
			      enum l7_dir dir, const uint8_t *buf, size_t len,
			      size_t *used, uint64_t *skip, struct l7_msg *m,
			      const char **why)
{
	int type, level = st->mqtt_level ? st->mqtt_level : 4;
	struct l7_msg scratch;
	const char *scratch_why;
	enum l7_result res;
	size_t hl, total;
	uint32_t rl = 0;
	uint8_t flags;
	struct rd r;
	int i;

	if (!m)
		m = &scratch;
	if (!why)
		why = &scratch_why;
	*used = 0;
	*skip = 0;
	if (len < 1)
		return L7_MORE;
	type = buf[0] >> 4;
	flags = buf[0] & 0x0f;
	res = check_fixed(st, dir, type, flags, level, why);
	if (res != L7_OK)
		return res;
	for (i = 1;; i++) {
		if ((size_t)i >= len)
			return L7_MORE;
		rl |= (uint32_t)(buf[i] & 0x7f) << (7 * (i - 1));
		if (!(buf[i] & 0x80))
			break;
		if (i == 4)
			BAD("mqtt: remaining length longer than 4 bytes");
	}
	hl = (size_t)i + 1;
	total = hl + rl;
	if (total > len) {
		if (total <= L7_MSG_MAX)
			return L7_MORE;
		/* Only PUBLISH grows long: its head judged, the rest flows. */
		if (type != T_PUBLISH)
			BAD("mqtt: packet longer than the L7 firewall buffers");
		if (len < L7_MSG_MAX)
			return L7_MORE;
	}
	r.p = buf + hl;
	r.n = (total > len ? len : total) - hl;
	m->present = true;
	m->kind = type;
	m->unit = -1;
	switch (type) {
	case T_CONNECT:
		res = parse_connect(pol, st, &r, why);
		break;
	case T_PUBLISH:
		res = parse_publish(pol, dir, level, flags, &r, m, why);
		break;
	case T_SUBSCRIBE:
	case T_UNSUBSCRIBE:
		res = parse_subscribe(pol, level, type == T_SUBSCRIBE, &r,
				      why);
		break;
	default:
		res = parse_other(type, level, &r, why);
		break;
	}
	if (res != L7_OK)
		return res;
	if (pol && dir == L7_TO_SERVER && !type_allowed(pol, type))
		DENY(types[type].deny);
	if (total > len) {
		*used = len;
		*skip = total - len;
	} else {
		*used = total;
	}
	return L7_OK;
}
