// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stream driver of the L7 parsers: bytes of one direction of a TCP
 * session arrive in order, a segment at a time; messages may straddle
 * segments. A message that completes within the segment is parsed where
 * it lies; only an unfinished tail is copied, and no more than
 * L7_MSG_MAX of it. Bodies the parser skips are never copied.
 */
#include <stdlib.h>
#include <string.h>

#include "l7_stream.h"

static const l7_stream_fn stream_fns[L7_PROTO_MAX] = {
	[L7_HTTP] = l7_http_stream,
	[L7_MQTT] = l7_mqtt_stream,
	[L7_MODBUS] = l7_modbus_stream,
	[L7_DNS] = l7_dns_stream,
};

static const l7_dgram_fn dgram_fns[L7_PROTO_MAX] = {
	[L7_DNS] = l7_dns_dgram,
	[L7_COAP] = l7_coap_dgram,
};

bool l7_is_stream(enum l7_proto p)
{
	return p > L7_NONE && p < L7_PROTO_MAX && stream_fns[p];
}

bool l7_is_dgram(enum l7_proto p)
{
	return p > L7_NONE && p < L7_PROTO_MAX && dgram_fns[p];
}

/*
 * Parse what buf holds: each whole message is judged and handed to cb.
 * Returns the bytes consumed; *res is the verdict (L7_OK: go on).
 */
static size_t parse_run(const struct l7_policy *pol, struct l7_state *st,
			struct l7_stream *s, enum l7_dir dir, const uint8_t *buf,
			size_t len, l7_msg_cb cb, void *ctx, enum l7_result *res,
			const char **why)
{
	l7_stream_fn fn = stream_fns[pol->proto];
	size_t off = 0, used, k;
	struct l7_msg m;
	uint64_t skip;

	*res = L7_OK;
	while (off < len) {
		if (s->skip) {
			k = len - off < s->skip ? len - off : (size_t)s->skip;
			s->skip -= k;
			off += k;
			continue;
		}
		memset(&m, 0, sizeof(m));
		m.unit = -1;
		used = 0;
		skip = 0;
		k = len - off < L7_MSG_MAX ? len - off : L7_MSG_MAX;
		*res = fn(pol, st, dir, buf + off, k, &used, &skip, &m, why);
		if (*res == L7_MORE) {
			if (k == L7_MSG_MAX) {
				*res = L7_MALFORMED;
				*why = "message longer than the L7 firewall buffers";
			}
			break;
		}
		if (*res != L7_OK)
			break;
		if (!used || used > k) {
			/* A parser that does not move would spin: refuse. */
			*res = L7_MALFORMED;
			*why = "parser made no progress";
			break;
		}
		if (m.present && cb && !cb(ctx, &m, why)) {
			*res = L7_DENIED;
			break;
		}
		off += used;
		s->skip = skip;
	}
	if (*res == L7_MORE)
		*res = L7_OK;
	return off;
}

enum l7_result l7_feed(const struct l7_policy *pol, struct l7_state *st,
		       struct l7_stream *s, enum l7_dir dir,
		       const uint8_t *data, size_t len, l7_msg_cb cb, void *ctx,
		       const char **why)
{
	enum l7_result res = L7_OK;
	size_t used, k;

	if (!l7_is_stream(pol->proto)) {
		*why = "not a stream protocol";
		return L7_MALFORMED;
	}
	while (len) {
		if (!s->len) {
			/* Nothing held back: parse in place. */
			used = parse_run(pol, st, s, dir, data, len, cb, ctx,
					 &res, why);
			if (res != L7_OK)
				return res;
			data += used;
			len -= used;
			if (!len)
				return L7_OK;
			/* An unfinished message: keep it for the next segment. */
			if (!s->buf && !(s->buf = malloc(L7_MSG_MAX))) {
				*why = "out of memory";
				return L7_MALFORMED;
			}
		}
		k = L7_MSG_MAX - s->len < len ? L7_MSG_MAX - s->len : len;
		memcpy(s->buf + s->len, data, k);
		s->len += k;
		data += k;
		len -= k;
		used = parse_run(pol, st, s, dir, s->buf, s->len, cb, ctx, &res,
				 why);
		if (res != L7_OK)
			return res;
		memmove(s->buf, s->buf + used, s->len - used);
		s->len -= used;
	}
	return L7_OK;
}

enum l7_result l7_datagram(const struct l7_policy *pol, enum l7_dir dir,
			   const uint8_t *data, size_t len, struct l7_msg *m,
			   const char **why)
{
	memset(m, 0, sizeof(*m));
	m->unit = -1;
	if (!l7_is_dgram(pol->proto)) {
		*why = "not a datagram protocol";
		return L7_MALFORMED;
	}
	return dgram_fns[pol->proto](pol, dir, data, len, m, why);
}

void l7_stream_free(struct l7_stream *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
}
