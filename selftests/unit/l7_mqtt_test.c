// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MQTT parser: tables of control packets (3.1, 3.1.1, 5) with their
 * verdicts, every truncation of each, sessions fed in every chunk size,
 * long PUBLISHes, and the topic wildcard helpers against a naive
 * reference that enumerates topics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l7.h"
#include "suites.h"

/*
 * Packets are written as space-separated tokens: "3c" a byte, "*" the
 * remaining length of what follows, "s:abc" a two-byte length and abc,
 * "r:abc" raw abc, "A:N" N bytes of 'A'.
 */
static size_t build(const char *spec, uint8_t *out, size_t cap)
{
	size_t n = 0, star = (size_t)-1, k, rl, vl;
	const char *p = spec, *e;
	uint8_t var[4];

	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		e = strchr(p, ' ');
		if (!e)
			e = p + strlen(p);
		k = (size_t)(e - p);
		if (k == 1 && *p == '*') {
			star = n;
		} else if (k > 2 && (p[0] == 's' || p[0] == 'r') &&
			   p[1] == ':') {
			ck_assert(n + k + 2 <= cap);
			if (p[0] == 's') {
				out[n++] = (uint8_t)((k - 2) >> 8);
				out[n++] = (uint8_t)(k - 2);
			}
			memcpy(out + n, p + 2, k - 2);
			n += k - 2;
		} else if (k > 2 && p[0] == 'A' && p[1] == ':') {
			size_t cnt = strtoul(p + 2, NULL, 10);

			ck_assert(n + cnt <= cap);
			memset(out + n, 'A', cnt);
			n += cnt;
		} else {
			ck_assert_msg(k == 2, "bad token in \"%s\"", spec);
			ck_assert(n < cap);
			out[n++] = (uint8_t)strtoul((char[3]){ p[0], p[1], 0 },
						    NULL, 16);
		}
		p = e;
	}
	if (star == (size_t)-1)
		return n;
	rl = n - star;
	vl = 0;
	do {
		var[vl] = (uint8_t)(rl & 0x7f);
		rl >>= 7;
		if (rl)
			var[vl] |= 0x80;
		vl++;
	} while (rl);
	ck_assert(n + vl <= cap);
	memmove(out + star + vl, out + star, n - star);
	memcpy(out + star, var, vl);
	return n + vl;
}

enum pol_id { P_NULL, P_OPEN, P_SITE, P_NOSUB, P_NOPUB };

static char *site_topics[] = { "site/+/temp", "dev/#" };

static void make_policy(enum pol_id id, struct l7_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	pol->proto = L7_MQTT;
	switch (id) {
	case P_SITE:
		pol->topics.s = site_topics;
		pol->topics.n = 2;
		pol->topics.set = true;
		break;
	case P_NOSUB:	/* publish only */
		pol->mqtt_types = 1u << 1 | 1u << 3 | 1u << 4 | 1u << 12 |
				  1u << 14;
		pol->mqtt_types_set = true;
		break;
	case P_NOPUB:
		pol->mqtt_types = 0xffff & ~(1u << 3);
		pol->mqtt_types_set = true;
		break;
	default:
		break;
	}
}

struct mcase {
	const char *name;
	int level;		/* 0: no CONNECT seen yet */
	enum l7_dir dir;
	const char *pkt;
	enum pol_id pol;
	enum l7_result want;
	const char *why;	/* a substring of the reason */
	const char *topic;	/* PUBLISH: the topic buffer */
	const char *msg;	/* PUBLISH: the message buffer */
	int want_level;		/* CONNECT: the level learned */
};

#define S L7_TO_SERVER
#define C L7_TO_CLIENT
#define OK L7_OK
#define BADM L7_MALFORMED
#define DEN L7_DENIED

/* The table's four shapes of case. */
#define OKP(n, l, d, p, po) { n, l, d, p, po, L7_OK, NULL, NULL, NULL, 0 }
#define PUB(n, l, d, p, po, t, m) { n, l, d, p, po, L7_OK, NULL, t, m, 0 }
#define CON(n, l, d, p, po, lv) { n, l, d, p, po, L7_OK, NULL, NULL, NULL, lv }
#define NOK(n, l, d, p, po, r, w) { n, l, d, p, po, r, w, NULL, NULL, 0 }

static const struct mcase mcases[] = {
	/* CONNECT, each version */
	CON("connect 3.1.1", 0, S, "10 * s:MQTT 04 02 00 3c s:dev1", P_SITE, 4),
	CON("connect 3.1", 0, S, "10 * s:MQIsdp 03 02 00 3c s:dev1", P_SITE, 3),
	CON("connect 5 with properties", 0, S,
	    "10 * s:MQTT 05 02 00 3c 05 11 00 00 00 78 s:dev1", P_SITE, 5),
	CON("connect 5 user property", 0, S,
	    "10 * s:MQTT 05 02 00 3c 07 26 s:k s:v s:dev1", P_NULL, 5),
	CON("connect user and password", 0, S,
	    "10 * s:MQTT 04 c2 00 3c s:dev1 s:user s:pw", P_SITE, 4),
	CON("connect will allowed", 0, S,
	    "10 * s:MQTT 04 06 00 3c s:dev1 s:site/a/temp s:bye", P_SITE, 4),
	NOK("connect will topic denied", 0, S,
	    "10 * s:MQTT 04 06 00 3c s:dev1 s:other s:bye", P_SITE, DEN,
	    "will topic"),
	NOK("connect will without PUBLISH", 0, S,
	    "10 * s:MQTT 04 06 00 3c s:dev1 s:site/a/temp s:bye", P_NOPUB, DEN,
	    "will message"),
	CON("connect 5 will properties", 0, S,
	    "10 * s:MQTT 05 06 00 3c 00 s:dev1 02 01 01 s:dev/x s:bye", P_SITE,
	    5),
	NOK("connect bad name", 0, S, "10 * s:MQTX 04 02 00 3c s:dev1",
	    P_NULL, BADM, "protocol name"),
	NOK("connect MQTT with level 3", 0, S, "10 * s:MQTT 03 02 00 3c s:d",
	    P_NULL, BADM, "level"),
	NOK("connect MQIsdp with level 4", 0, S,
	    "10 * s:MQIsdp 04 02 00 3c s:d", P_NULL, BADM, "level"),
	NOK("connect reserved flag", 0, S, "10 * s:MQTT 04 03 00 3c s:d",
	    P_NULL, BADM, "CONNECT flags"),
	NOK("connect will qos 3", 0, S, "10 * s:MQTT 04 1e 00 3c s:d s:t s:m",
	    P_NULL, BADM, "flags"),
	NOK("connect will qos without will", 0, S,
	    "10 * s:MQTT 04 0a 00 3c s:d", P_NULL, BADM, "flags"),
	NOK("connect 3.1.1 password only", 0, S,
	    "10 * s:MQTT 04 42 00 3c s:d s:pw", P_NULL, BADM, "flags"),
	CON("connect 5 password only", 0, S,
	    "10 * s:MQTT 05 42 00 3c 00 s:d s:pw", P_NULL, 5),
	NOK("connect trailing bytes", 0, S, "10 * s:MQTT 04 02 00 3c s:d 00",
	    P_NULL, BADM, "trailing"),
	NOK("connect flags nibble", 0, S, "11 * s:MQTT 04 02 00 3c s:d",
	    P_NULL, BADM, "flags"),
	NOK("connect truncated fields", 0, S, "10 * s:MQTT 04",
	    P_NULL, BADM, "truncated"),
	NOK("connect bad properties length", 0, S,
	    "10 * s:MQTT 05 02 00 3c 09 11 00 s:d", P_NULL, BADM, "propert"),
	NOK("connect unknown property", 0, S,
	    "10 * s:MQTT 05 02 00 3c 02 05 00 s:d", P_NULL, BADM, "propert"),
	CON("connect allowed without PUBLISH", 0, S,
	    "10 * s:MQTT 04 02 00 3c s:d", P_NOPUB, 4),
	NOK("second connect", 4, S, "10 * s:MQTT 04 02 00 3c s:d",
	    P_NULL, BADM, "second CONNECT"),
	NOK("first packet publish", 0, S, "30 * s:site/a/temp r:x",
	    P_NULL, BADM, "first packet"),
	NOK("connect to the client", 0, C, "10 * s:MQTT 04 02 00 3c s:d",
	    P_NULL, BADM, "wrong way"),

	/* PUBLISH 3.1.1 */
	PUB("publish allowed +", 4, S, "30 * s:site/a/temp r:21.5",
	    P_SITE, "site/a/temp", "21.5"),
	PUB("publish allowed #", 4, S, "30 * s:dev/x/y/z r:on",
	    P_SITE, "dev/x/y/z", "on"),
	PUB("publish # parent level", 4, S, "30 * s:dev r:on",
	    P_SITE, "dev", "on"),
	NOK("publish denied topic", 4, S, "30 * s:site/a/hum r:40",
	    P_SITE, DEN, "mqtt: topic site/a/hum not allowed"),
	NOK("publish denied deeper", 4, S, "30 * s:site/a/temp/x r:1",
	    P_SITE, DEN, "mqtt: topic site/a/temp/x not allowed"),
	NOK("publish $SYS not matched by wildcard", 4, S, "30 * s:$SYS/x r:1",
	    P_SITE, DEN, "topic"),
	PUB("publish qos1", 4, S, "32 * s:site/b/temp 00 07 r:hi",
	    P_SITE, "site/b/temp", "hi"),
	PUB("publish qos2 dup retain", 4, S, "3d * s:site/b/temp 00 07 r:hi",
	    P_SITE, "site/b/temp", "hi"),
	PUB("publish empty payload", 4, S, "31 * s:dev/a", P_SITE, "dev/a", ""),
	NOK("publish qos3", 4, S, "36 * s:dev/a 00 01", P_NULL, BADM, "QoS 3"),
	NOK("publish dup on qos0", 4, S, "38 * s:dev/a", P_NULL, BADM, "DUP"),
	NOK("publish packet id 0", 4, S, "32 * s:dev/a 00 00",
	    P_NULL, BADM, "identifier"),
	NOK("publish wildcard +", 4, S, "30 * s:site/+/temp r:1",
	    P_NULL, BADM, "wildcard"),
	NOK("publish wildcard #", 4, S, "30 * s:dev/# r:1",
	    P_NULL, BADM, "wildcard"),
	NOK("publish NUL in topic", 4, S, "30 * 00 03 61 00 62 r:1",
	    P_NULL, BADM, "UTF-8"),
	NOK("publish bad UTF-8", 4, S, "30 * 00 03 61 c0 af r:1",
	    P_NULL, BADM, "UTF-8"),
	NOK("publish surrogate", 4, S, "30 * 00 04 61 ed a0 80",
	    P_NULL, BADM, "UTF-8"),
	PUB("publish UTF-8 topic", 4, S, "30 * 00 06 64 65 76 2f c3 a9 r:1",
	    P_SITE, "dev/\xc3\xa9", "1"),
	NOK("publish empty topic 3.1.1", 4, S, "30 * 00 00 r:1",
	    P_NULL, BADM, "empty"),
	NOK("publish topic past packet", 4, S, "30 05 00 09 61 62 63",
	    P_NULL, BADM, "truncated"),
	NOK("publish type denied", 4, S, "30 * s:dev/a r:1",
	    P_NOPUB, DEN, "PUBLISH not allowed"),
	PUB("publish to client not judged", 4, C, "30 * s:secret r:1",
	    P_SITE, "secret", "1"),
	PUB("publish 3.1", 3, S, "32 * s:site/z/temp 00 01 r:x",
	    P_SITE, "site/z/temp", "x"),

	/* PUBLISH 5 */
	PUB("publish 5 properties", 5, S,
	    "30 * s:site/a/temp 07 01 01 02 00 00 00 3c r:v5", P_SITE,
	    "site/a/temp", "v5"),
	PUB("publish 5 no properties", 5, S, "32 * s:dev/q 00 02 00 r:v5",
	    P_SITE, "dev/q", "v5"),
	PUB("publish 5 response topic", 5, S,
	    "30 * s:dev/q 0d 08 s:resp/x 09 00 01 61 r:p", P_SITE, "dev/q",
	    "p"),
	PUB("publish 5 alias sets topic", 5, S, "30 * s:dev/q 03 23 00 01 r:p",
	    P_SITE, "dev/q", "p"),
	NOK("publish 5 alias only judged", 5, S, "30 * 00 00 03 23 00 01 r:p",
	    P_SITE, DEN, "alias"),
	PUB("publish 5 alias only open", 5, S, "30 * 00 00 03 23 00 01 r:p",
	    P_OPEN, "", "p"),
	NOK("publish 5 empty topic no alias", 5, S, "30 * 00 00 00 r:p",
	    P_NULL, BADM, "empty"),
	NOK("publish 5 alias 0", 5, S, "30 * s:dev/q 03 23 00 00 r:p",
	    P_NULL, BADM, "propert"),
	NOK("publish 5 property past block", 5, S, "30 * s:dev/q 02 02 00 r:p",
	    P_NULL, BADM, "propert"),
	NOK("publish 5 properties past packet", 5, S, "30 * s:dev/q 7f 01",
	    P_NULL, BADM, "propert"),
	NOK("publish 5 topic denied", 5, S, "30 * s:site/a/b/temp 00 r:v",
	    P_SITE, DEN, "mqtt: topic site/a/b/temp not allowed"),

	/* SUBSCRIBE and UNSUBSCRIBE */
	OKP("subscribe same filter", 4, S, "82 * 00 01 s:site/+/temp 00",
	    P_SITE),
	OKP("subscribe covered by #", 4, S, "82 * 00 01 s:dev/a/+ 01", P_SITE),
	OKP("subscribe # covered by #", 4, S, "82 * 00 01 s:dev/# 02", P_SITE),
	OKP("subscribe several", 4, S,
	    "82 * 00 01 s:site/x/temp 00 s:dev 01 s:dev/+/+ 02", P_SITE),
	NOK("subscribe wider denied", 4, S, "82 * 00 01 s:site/# 00",
	    P_SITE, DEN, "mqtt: topic filter site/# not allowed"),
	NOK("subscribe + wider than literal", 4, S, "82 * 00 01 s:site/+/+ 00",
	    P_SITE, DEN, "mqtt: topic filter site/+/+ not allowed"),
	NOK("subscribe one of two denied", 4, S,
	    "82 * 00 01 s:dev/a 00 s:other 00", P_SITE, DEN, "not allowed"),
	NOK("subscribe # alone", 4, S, "82 * 00 01 s:# 00",
	    P_SITE, DEN, "not allowed"),
	OKP("subscribe open policy", 4, S, "82 * 00 01 s:# 00", P_OPEN),
	OKP("subscribe shared covered", 4, S, "82 * 00 01 s:$share/g/dev/x 00",
	    P_SITE),
	NOK("subscribe shared denied", 4, S, "82 * 00 01 s:$share/g/x 00",
	    P_SITE, DEN, "not allowed"),
	NOK("subscribe shared no filter", 4, S, "82 * 00 01 s:$share/g 00",
	    P_NULL, BADM, "shared"),
	NOK("subscribe type denied", 4, S, "82 * 00 01 s:dev/a 00",
	    P_NOSUB, DEN, "mqtt: SUBSCRIBE not allowed"),
	NOK("subscribe flags 0", 4, S, "80 * 00 01 s:dev/a 00",
	    P_NULL, BADM, "flags"),
	NOK("subscribe no filter", 4, S, "82 * 00 01",
	    P_NULL, BADM, "no topic filter"),
	NOK("subscribe no options", 4, S, "82 * 00 01 s:dev/a",
	    P_NULL, BADM, "options"),
	NOK("subscribe qos 3", 4, S, "82 * 00 01 s:dev/a 03",
	    P_NULL, BADM, "options"),
	NOK("subscribe 3.1.1 reserved bits", 4, S, "82 * 00 01 s:dev/a 04",
	    P_NULL, BADM, "options"),
	NOK("subscribe # not last", 4, S, "82 * 00 01 s:dev/#/a 00",
	    P_NULL, BADM, "wildcard"),
	NOK("subscribe # in a level", 4, S, "82 * 00 01 s:dev# 00",
	    P_NULL, BADM, "wildcard"),
	NOK("subscribe + in a level", 4, S, "82 * 00 01 s:dev/a+ 00",
	    P_NULL, BADM, "wildcard"),
	NOK("subscribe empty filter", 4, S, "82 * 00 01 00 00 00",
	    P_NULL, BADM, "empty"),
	OKP("subscribe 3.1 dup", 3, S, "8a * 00 01 s:dev/a 00", P_SITE),
	NOK("subscribe 3.1.1 dup", 4, S, "8a * 00 01 s:dev/a 00",
	    P_NULL, BADM, "flags"),
	OKP("subscribe 5 properties", 5, S,
	    "82 * 00 01 02 0b 05 s:site/a/temp 2e", P_SITE),
	NOK("subscribe 5 retain handling 3", 5, S, "82 * 00 01 00 s:dev/a 30",
	    P_NULL, BADM, "options"),
	NOK("subscribe 5 denied", 5, S, "82 * 00 01 00 s:site/# 00",
	    P_SITE, DEN, "not allowed"),
	OKP("unsubscribe not judged", 4, S, "a2 * 00 02 s:# s:other", P_SITE),
	NOK("unsubscribe bad filter", 4, S, "a2 * 00 02 s:a/#/b",
	    P_NULL, BADM, "wildcard"),
	OKP("unsubscribe 5", 5, S, "a2 * 00 02 00 s:dev/a", P_SITE),
	NOK("unsubscribe type denied", 4, S, "a2 * 00 02 s:dev/a",
	    P_NOSUB, DEN, "UNSUBSCRIBE not allowed"),
	NOK("subscribe to the client", 4, C, "82 * 00 01 s:dev/a 00",
	    P_NULL, BADM, "wrong way"),

	/* The rest: framing */
	OKP("connack", 4, C, "20 02 00 00", P_SITE),
	OKP("connack before connect", 0, C, "20 02 00 00", P_SITE),
	OKP("connack 5", 5, C, "20 * 00 00 03 22 00 0a", P_SITE),
	NOK("connack long", 4, C, "20 03 00 00 00", P_NULL, BADM, "trailing"),
	NOK("connack bad flags", 4, C, "20 02 02 00", P_NULL, BADM, "CONNACK"),
	NOK("connack to the server", 4, S, "20 02 00 00",
	    P_NULL, BADM, "wrong way"),
	OKP("puback", 4, S, "40 02 00 07", P_SITE),
	OKP("puback 5 reason", 5, S, "40 03 00 07 10", P_SITE),
	OKP("puback 5 reason props", 5, S, "40 * 00 07 10 05 1f s:no", P_SITE),
	NOK("puback 3.1.1 long", 4, S, "40 03 00 07 10",
	    P_NULL, BADM, "trailing"),
	OKP("pubrel flags", 4, S, "62 02 00 07", P_SITE),
	NOK("pubrel flags 0", 4, S, "60 02 00 07", P_NULL, BADM, "flags"),
	OKP("pubcomp", 4, C, "70 02 00 07", P_SITE),
	OKP("suback", 4, C, "90 03 00 01 00", P_SITE),
	NOK("suback no codes", 4, C, "90 02 00 01", P_NULL, BADM, "codes"),
	OKP("unsuback", 4, C, "b0 02 00 01", P_SITE),
	OKP("unsuback 5", 5, C, "b0 04 00 01 00 00", P_SITE),
	OKP("pingreq", 4, S, "c0 00", P_SITE),
	NOK("pingreq with body", 4, S, "c0 01 00", P_NULL, BADM, "trailing"),
	OKP("pingreq allowed without PUBLISH", 4, S, "c0 00", P_NOPUB),
	OKP("pingresp", 4, C, "d0 00", P_SITE),
	OKP("disconnect", 4, S, "e0 00", P_SITE),
	OKP("disconnect 5 from broker", 5, C, "e0 01 8e", P_SITE),
	NOK("disconnect 3.1.1 from broker", 4, C, "e0 00",
	    P_NULL, BADM, "wrong way"),
	OKP("auth 5", 5, S, "f0 * 18 05 15 s:ab", P_SITE),
	NOK("auth 3.1.1", 4, S, "f0 00", P_NULL, BADM, "AUTH"),
	NOK("type 0", 4, S, "00 00", P_NULL, BADM, "type 0"),
	NOK("remaining length 5 bytes", 4, S, "30 ff ff ff ff 01",
	    P_NULL, BADM, "4 bytes"),
	OKP("remaining length in 4 bytes", 4, S, "c0 80 80 80 00", P_SITE),
	NOK("subscribe longer than buffers", 4, S, "82 ff ff 03",
	    P_NULL, BADM, "longer"),
};

static enum l7_result run_one(const struct mcase *c, const uint8_t *b,
			      size_t n, struct l7_state *st, size_t *used,
			      uint64_t *skip, struct l7_msg *m,
			      const char **why)
{
	struct l7_policy pol;

	make_policy(c->pol, &pol);
	memset(st, 0, sizeof(*st));
	st->mqtt_level = (uint8_t)c->level;
	memset(m, 0, sizeof(*m));
	m->unit = -1;
	*why = NULL;
	return l7_mqtt_stream(c->pol == P_NULL ? NULL : &pol, st, c->dir, b,
			      n, used, skip, m, why);
}

static void check_buf(const struct l7_buf *b, const char *want,
		      const char *name, const char *what)
{
	if (!want) {
		ck_assert_msg(!b->p, "%s: unexpected %s buffer", name, what);
		return;
	}
	ck_assert_msg(b->p && b->len == strlen(want) &&
		      !memcmp(b->p, want, b->len),
		      "%s: %s buffer is \"%.*s\", want \"%s\"", name, what,
		      (int)b->len, b->p ? (const char *)b->p : "", want);
}

START_TEST(test_table)
{
	const struct mcase *c = &mcases[_i];
	static uint8_t b[L7_MSG_MAX];
	struct l7_state st;
	struct l7_msg m;
	const char *why;
	uint64_t skip;
	size_t n, used;
	enum l7_result r;

	n = build(c->pkt, b, sizeof(b));
	r = run_one(c, b, n, &st, &used, &skip, &m, &why);
	ck_assert_msg(r == c->want, "%s: result %d, want %d (%s)", c->name,
		      r, c->want, why ? why : "");
	if (c->want != L7_OK) {
		ck_assert_msg(why && strstr(why, c->why),
			      "%s: reason \"%s\", want \"%s\"", c->name,
			      why ? why : "(none)", c->why);
		return;
	}
	ck_assert_msg(used == n && !skip, "%s: used %zu of %zu, skip %llu",
		      c->name, used, n, (unsigned long long)skip);
	ck_assert_msg(m.present && m.kind == b[0] >> 4 && m.unit == -1,
		      "%s: kind %d", c->name, m.kind);
	check_buf(&m.buf[L7B_MQTT_TOPIC], c->topic, c->name, "topic");
	check_buf(&m.buf[L7B_MQTT_MESSAGE], c->msg, c->name, "message");
	if (c->want_level)
		ck_assert_msg(st.mqtt_level == c->want_level,
			      "%s: level %d", c->name, st.mqtt_level);
}
END_TEST

/* Every strict prefix waits for more, or already says what the whole does. */
START_TEST(test_truncations)
{
	const struct mcase *c = &mcases[_i];
	static uint8_t b[L7_MSG_MAX];
	enum l7_result whole, r;
	struct l7_state st;
	struct l7_msg m;
	const char *why;
	uint64_t skip;
	size_t n, k, used;

	n = build(c->pkt, b, sizeof(b));
	whole = run_one(c, b, n, &st, &used, &skip, &m, &why);
	for (k = 0; k < n; k++) {
		/* Copy: a parser reading past k would trip ASan here. */
		uint8_t *t = malloc(k ? k : 1);

		memcpy(t, b, k);
		r = run_one(c, t, k, &st, &used, &skip, &m, &why);
		free(t);
		ck_assert_msg(r == L7_MORE || (r == whole && r != L7_OK),
			      "%s: prefix %zu of %zu gives %d (whole %d)",
			      c->name, k, n, r, whole);
		if (r == L7_MORE)
			ck_assert_msg(!used, "%s: MORE consumed", c->name);
	}
}
END_TEST

/* A stream driver: append, parse until MORE, drop *used, honour *skip. */
struct driver {
	uint8_t buf[L7_MSG_MAX];
	size_t len;
	uint64_t skip;
	int kinds[64];
	size_t nkinds;
	size_t msglen[64];
};

static enum l7_result drive(struct driver *d, const struct l7_policy *pol,
			    struct l7_state *st, enum l7_dir dir,
			    const uint8_t *data, size_t len, const char **why)
{
	enum l7_result r;
	struct l7_msg m;
	uint64_t skip;
	size_t used, k;

	while (len) {
		if (d->skip) {
			k = len < d->skip ? len : (size_t)d->skip;
			d->skip -= k;
			data += k;
			len -= k;
			continue;
		}
		k = sizeof(d->buf) - d->len;
		if (k > len)
			k = len;
		memcpy(d->buf + d->len, data, k);
		d->len += k;
		data += k;
		len -= k;
		while (d->len && !d->skip) {
			memset(&m, 0, sizeof(m));
			m.unit = -1;
			r = l7_mqtt_stream(pol, st, dir, d->buf, d->len, &used,
					   &skip, &m, why);
			if (r == L7_MORE) {
				ck_assert_msg(d->len < L7_MSG_MAX,
					      "MORE with a full buffer");
				break;
			}
			if (r != L7_OK)
				return r;
			ck_assert(used > 0 && used <= d->len);
			ck_assert(d->nkinds < 64);
			d->msglen[d->nkinds] =
				m.buf[L7B_MQTT_MESSAGE].p ?
				m.buf[L7B_MQTT_MESSAGE].len : 0;
			d->kinds[d->nkinds++] = m.kind;
			memmove(d->buf, d->buf + used, d->len - used);
			d->len -= used;
			/* Skipped bytes may already be in the buffer. */
			k = d->len < skip ? d->len : (size_t)skip;
			memmove(d->buf, d->buf + k, d->len - k);
			d->len -= k;
			d->skip = skip - k;
		}
	}
	return L7_OK;
}

static const char *const session[] = {
	"10 * s:MQTT 05 02 00 3c 03 21 00 0a s:dev1",
	"82 * 00 01 00 s:site/+/temp 01 s:dev/#  00",
	"32 * s:site/a/temp 00 02 02 01 01 r:21.5",
	"30 * s:dev/lamp 00 r:on",
	"a2 * 00 03 00 s:dev/#",
	"c0 00",
	"e0 00",
};

static const int session_kinds[] = { 1, 8, 3, 3, 10, 12, 14 };

/* The session in every chunk size, pipelined in one buffer and split. */
START_TEST(test_split_feeds)
{
	static uint8_t all[4096];
	struct l7_policy pol;
	struct driver *d = malloc(sizeof(*d));
	struct l7_state st;
	size_t n = 0, i, chunk, off, k;
	const char *why = NULL;

	make_policy(P_SITE, &pol);
	for (i = 0; i < sizeof(session) / sizeof(session[0]); i++)
		n += build(session[i], all + n, sizeof(all) - n);
	for (chunk = 1; chunk <= n; chunk++) {
		memset(d, 0, sizeof(*d));
		memset(&st, 0, sizeof(st));
		for (off = 0; off < n; off += k) {
			k = n - off < chunk ? n - off : chunk;
			ck_assert_msg(drive(d, &pol, &st, L7_TO_SERVER,
					    all + off, k, &why) == L7_OK,
				      "chunk %zu: %s", chunk, why);
		}
		ck_assert_msg(d->len == 0 && d->nkinds == 7,
			      "chunk %zu: %zu messages, %zu left", chunk,
			      d->nkinds, d->len);
		for (i = 0; i < 7; i++)
			ck_assert_int_eq(d->kinds[i], session_kinds[i]);
		ck_assert_int_eq(st.mqtt_level, 5);
	}
	free(d);
}
END_TEST

/* A PUBLISH longer than the buffers: its head is judged, the rest skipped. */
START_TEST(test_long_publish)
{
	static uint8_t b[40000];
	struct driver *d = malloc(sizeof(*d));
	struct l7_state st = { .mqtt_level = 4 };
	struct l7_policy pol;
	const char *why = NULL;
	size_t n, used, off, k;
	uint64_t skip;
	struct l7_msg m;
	enum l7_result r;

	make_policy(P_SITE, &pol);
	n = build("30 * s:site/a/temp A:30000", b, sizeof(b));
	/* Less than a full buffer: wait. */
	r = l7_mqtt_stream(&pol, &st, L7_TO_SERVER, b, 100, &used, &skip, &m,
			   &why);
	ck_assert_int_eq(r, L7_MORE);
	memset(&m, 0, sizeof(m));
	r = l7_mqtt_stream(&pol, &st, L7_TO_SERVER, b, L7_MSG_MAX, &used,
			   &skip, &m, &why);
	ck_assert_int_eq(r, L7_OK);
	ck_assert_uint_eq(used, L7_MSG_MAX);
	ck_assert_uint_eq(skip, n - L7_MSG_MAX);
	ck_assert_uint_eq(m.buf[L7B_MQTT_MESSAGE].len,
			  L7_MSG_MAX - (size_t)(4 + 2 + 11));
	ck_assert_uint_eq(m.buf[L7B_MQTT_TOPIC].len, 11);
	/* Through the driver, followed by a PINGREQ: both seen. */
	b[n++] = 0xc0;
	b[n++] = 0x00;
	for (k = 1; k <= 4096; k *= 4) {
		memset(d, 0, sizeof(*d));
		for (off = 0; off < n; off += k) {
			size_t c = n - off < k ? n - off : k;

			ck_assert_int_eq(drive(d, &pol, &st, L7_TO_SERVER,
					       b + off, c, &why), L7_OK);
		}
		ck_assert_uint_eq(d->nkinds, 2);
		ck_assert_int_eq(d->kinds[0], 3);
		ck_assert_int_eq(d->kinds[1], 12);
		ck_assert_uint_eq(d->msglen[0], L7_MSG_MAX - 17);
	}
	/* A denied topic is denied from the head alone. */
	n = build("30 * s:site/a/hum A:30000", b, sizeof(b));
	r = l7_mqtt_stream(&pol, &st, L7_TO_SERVER, b, L7_MSG_MAX, &used,
			   &skip, &m, &why);
	ck_assert_int_eq(r, L7_DENIED);
	/* A topic longer than the buffers cannot be judged. */
	n = build("30 * 27 10 A:30000", b, sizeof(b));
	r = l7_mqtt_stream(&pol, &st, L7_TO_SERVER, b, L7_MSG_MAX, &used,
			   &skip, &m, &why);
	ck_assert_int_eq(r, L7_MALFORMED);
	free(d);
}
END_TEST

static const struct {
	const char *filter, *topic;
	bool want;
} matches[] = {
	{ "site/+/temp", "site/a/temp", true },
	{ "site/+/temp", "site//temp", true },
	{ "site/+/temp", "site/a/b/temp", false },
	{ "site/+/temp", "site/a", false },
	{ "site/#", "site", true },
	{ "site/#", "site/", true },
	{ "site/#", "site/a/b/c", true },
	{ "site/#", "sites/a", false },
	{ "#", "a/b", true },
	{ "#", "$SYS/x", false },
	{ "+/x", "$SYS/x", false },
	{ "$SYS/#", "$SYS/x", true },
	{ "+", "a", true },
	{ "+", "a/b", false },
	{ "+", "/a", false },
	{ "+/+", "/a", true },
	{ "a/b", "a/b", true },
	{ "a/b", "a/b/", false },
	{ "a/b", "a/+", false },		/* a topic has no wildcards */
	{ "A", "a", false },
};

static const struct {
	const char *allowed, *req;
	bool want;
} covers[] = {
	{ "site/#", "site/a/+", true },
	{ "site/#", "site/#", true },
	{ "site/#", "site", true },
	{ "site/+/temp", "site/#", false },
	{ "site/+/temp", "site/+/temp", true },
	{ "site/+/temp", "site/x/temp", true },
	{ "site/+/temp", "site/+/+", false },
	{ "site/+/#", "site/#", false },	/* "site" itself */
	{ "site/+/#", "site/a/#", true },
	{ "site/+", "site/+/#", false },
	{ "+/+", "a/+", true },
	{ "#", "#", true },
	{ "#", "$SYS/#", false },
	{ "+/#", "#", true },
	{ "$SYS/#", "$SYS/a/+", true },
	{ "a/b", "a/#", false },
};

START_TEST(test_match_table)
{
	ck_assert_msg(l7_mqtt_topic_match(matches[_i].filter,
					  matches[_i].topic) ==
		      matches[_i].want,
		      "match \"%s\" \"%s\"", matches[_i].filter,
		      matches[_i].topic);
}
END_TEST

START_TEST(test_covers_table)
{
	ck_assert_msg(l7_mqtt_filter_covers(covers[_i].allowed,
					    covers[_i].req) == covers[_i].want,
		      "covers \"%s\" \"%s\"", covers[_i].allowed,
		      covers[_i].req);
}
END_TEST

/* The naive reference: filter and topic split into arrays of levels. */
#define MAXL 6

static bool ref_match(const char *const *f, int fn, const char *const *t,
		      int tn, bool top)
{
	if (top && tn && t[0][0] == '$' && fn &&
	    (!strcmp(f[0], "+") || !strcmp(f[0], "#")))
		return false;
	if (!fn)
		return !tn;
	if (!strcmp(f[0], "#"))
		return true;
	if (!tn)
		return false;
	if (strcmp(f[0], "+") && strcmp(f[0], t[0]))
		return false;
	return ref_match(f + 1, fn - 1, t + 1, tn - 1, false);
}

static void join(const char *const *l, int n, char *out)
{
	int i;

	out[0] = 0;
	for (i = 0; i < n; i++) {
		if (i)
			strcat(out, "/");
		strcat(out, l[i]);
	}
}

/* Every filter of up to 3 levels, every topic of up to 4 (a witness). */
START_TEST(test_against_reference)
{
	static const char *const fl[] = { "a", "b", "$s", "+", "#" };
	static const char *const tl[] = { "a", "b", "$s", "", "c" };
	static const char *filters[200][MAXL];
	static int fnl[200];
	static const char *topics[1000][MAXL];
	static int tnl[1000];
	static unsigned char bits[200][1000];
	char fs[64], ts[64], rs[64];
	int nf = 0, nt = 0, len, i, j, x, code, cov = 0;

	for (len = 1; len <= 3; len++) {
		int total = 1;

		for (i = 0; i < len; i++)
			total *= 5;
		for (code = 0; code < total; code++) {
			bool ok = true;

			for (i = 0, x = code; i < len; i++, x /= 5) {
				filters[nf][i] = fl[x % 5];
				if (x % 5 == 4 && i != len - 1)
					ok = false;
			}
			if (ok)
				fnl[nf++] = len;
		}
	}
	for (len = 1; len <= 4; len++) {
		int total = 1;

		for (i = 0; i < len; i++)
			total *= 5;
		for (code = 0; code < total; code++) {
			for (i = 0, x = code; i < len; i++, x /= 5)
				topics[nt][i] = tl[x % 5];
			if (len == 1 && !topics[nt][0][0])
				continue;	/* "" is no topic */
			tnl[nt++] = len;
		}
	}
	ck_assert(nf <= 200 && nt <= 1000);
	for (i = 0; i < nf; i++) {
		join(filters[i], fnl[i], fs);
		for (j = 0; j < nt; j++) {
			join(topics[j], tnl[j], ts);
			bits[i][j] = ref_match(filters[i], fnl[i], topics[j],
					       tnl[j], true);
			ck_assert_msg(l7_mqtt_topic_match(fs, ts) == bits[i][j],
				      "match \"%s\" \"%s\"", fs, ts);
		}
	}
	for (i = 0; i < nf; i++) {
		join(filters[i], fnl[i], fs);
		for (x = 0; x < nf; x++) {
			bool want = true;

			for (j = 0; j < nt && want; j++)
				if (bits[x][j] && !bits[i][j])
					want = false;
			join(filters[x], fnl[x], rs);
			ck_assert_msg(l7_mqtt_filter_covers(fs, rs) == want,
				      "covers \"%s\" \"%s\": want %d", fs, rs,
				      want);
			cov += want;
		}
	}
	/* Both answers must occur often, or the test proves nothing. */
	ck_assert_int_gt(cov, 500);
	ck_assert_int_lt(cov, nf * nf - 500);
}
END_TEST

Suite *l7_mqtt_suite(void)
{
	Suite *s = suite_create("l7_mqtt");
	TCase *tc = tcase_create("mqtt");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_table, 0,
			    sizeof(mcases) / sizeof(mcases[0]));
	tcase_add_loop_test(tc, test_truncations, 0,
			    sizeof(mcases) / sizeof(mcases[0]));
	tcase_add_test(tc, test_split_feeds);
	tcase_add_test(tc, test_long_publish);
	tcase_add_loop_test(tc, test_match_table, 0,
			    sizeof(matches) / sizeof(matches[0]));
	tcase_add_loop_test(tc, test_covers_table, 0,
			    sizeof(covers) / sizeof(covers[0]));
	tcase_add_test(tc, test_against_reference);
	suite_add_tcase(s, tc);
	return s;
}
