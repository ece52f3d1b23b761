/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The L7 firewall's parsers: one per application protocol, each judging
 * the decrypted bytes of one tunnel's sessions against that tunnel's
 * policy (config "l7"). The UTM layer (utm.c) reassembles TCP in order
 * and feeds each direction's bytes here; UDP datagrams come one by one.
 *
 * A parser never trusts a length it reads: every message is bounded by
 * L7_MSG_MAX buffered bytes, and what it cannot parse is a violation
 * (L7_MALFORMED), never a crash or a pass.
 */
#ifndef TUNCTL_L7_H
#define TUNCTL_L7_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum l7_proto {
	L7_NONE = 0,
	L7_HTTP,	/* HTTP/1.0 and 1.1 over TCP */
	L7_MQTT,	/* MQTT 3.1, 3.1.1 and 5 over TCP */
	L7_MODBUS,	/* Modbus/TCP */
	L7_DNS,		/* DNS over UDP, or TCP with its length prefix */
	L7_COAP,	/* CoAP (RFC 7252) over UDP */
	L7_PROTO_MAX,
};

/* Relative to the tunnel: its client side talks "to server". */
enum l7_dir {
	L7_TO_SERVER = 0,
	L7_TO_CLIENT = 1,
};

enum l7_result {
	L7_MORE = 0,	/* a message is incomplete: feed more bytes */
	L7_OK,		/* *used bytes were consumed (and m filled, if present) */
	L7_MALFORMED,	/* not this protocol: *why says where */
	L7_DENIED,	/* well formed, but the policy forbids it: *why says what */
};

/* The largest message header block a stream parser buffers. */
#define L7_MSG_MAX 8192
/* A normalised path or query name, NUL-terminated. */
#define L7_NAME_MAX 1024

/* Allowed strings; set false: the dimension is not restricted. */
struct l7_strlist {
	char **s;
	size_t n;
	bool set;
};

/* A tunnel's policy (config "l7"); each set list restricts. */
struct l7_policy {
	enum l7_proto proto;
	bool reset;			/* TCP: reset the session, else drop */
	/* http, coap: methods upper case ("GET"); path prefixes ("/api/") */
	struct l7_strlist methods;
	struct l7_strlist paths;
	/* mqtt: bit n allows control packet type n (1 CONNECT .. 15 AUTH) */
	uint16_t mqtt_types;
	bool mqtt_types_set;
	struct l7_strlist topics;	/* mqtt: topic filters ("site/+/temp") */
	/* modbus: bitmaps of allowed function codes and unit ids */
	uint8_t modbus_funcs[32];
	bool modbus_funcs_set;
	uint8_t modbus_units[32];
	bool modbus_units_set;
	struct l7_strlist names;	/* dns: allowed query name suffixes */
};

/* Sticky buffers a message offers the IPS (ips.h). */
enum l7_buf_id {
	L7B_HTTP_METHOD = 0,
	L7B_HTTP_URI,		/* the request target as sent */
	L7B_HTTP_HEADER,	/* the header lines, CRLF separated */
	L7B_DNS_QUERY,		/* the first question's name, dotted */
	L7B_MQTT_TOPIC,		/* PUBLISH topic */
	L7B_MQTT_MESSAGE,	/* PUBLISH payload, what of it is buffered */
	L7B_COAP_URI,		/* Uri-Path options joined: "/a/b" */
	L7B_MAX,
};

struct l7_buf {
	const uint8_t *p;	/* NULL: the message has no such buffer */
	size_t len;
};

/* One message a parser found; buffers point into the bytes it was fed. */
struct l7_msg {
	bool present;
	int kind;		/* MQTT type, Modbus function, CoAP code, DNS qtype; HTTP 0 */
	int unit;		/* Modbus unit id; else -1 */
	struct l7_buf buf[L7B_MAX];
	char name[L7_NAME_MAX];	/* a decoded name or path (dns query, http and coap path), NUL-terminated */
};

/* Stream state of one direction of one TCP session. */
struct l7_http_state {
	uint8_t phase;		/* the parser's own */
	uint64_t left;		/* body bytes, or chunk bytes, still to come */
};

struct l7_state {
	struct l7_http_state http;
	uint8_t mqtt_level;	/* 3, 4 or 5 from CONNECT (shared by both directions) */
};

/*
 * Stream parsers. Given the buffered bytes of one direction (len <=
 * L7_MSG_MAX), parse at most one message at their head:
 *   L7_MORE	nothing consumed; call again with more bytes. With len ==
 *		L7_MSG_MAX the caller treats it as a violation (too long).
 *   L7_OK	*used (> 0) bytes consumed; *skip more bytes that follow
 *		them belong to this message and are passed uninspected (a
 *		body); m->present if a message was judged.
 * st is both directions' state (mqtt_level is learned to server and
 * used both ways); pol may be NULL: parse and fill m, judge nothing.
 */
typedef enum l7_result (*l7_stream_fn)(const struct l7_policy *pol,
				       struct l7_state *st, enum l7_dir dir,
				       const uint8_t *buf, size_t len,
				       size_t *used, uint64_t *skip,
				       struct l7_msg *m, const char **why);

/* A datagram parser judges one whole datagram: L7_OK, MALFORMED, DENIED. */
typedef enum l7_result (*l7_dgram_fn)(const struct l7_policy *pol,
				      enum l7_dir dir, const uint8_t *buf,
				      size_t len, struct l7_msg *m,
				      const char **why);

enum l7_result l7_http_stream(const struct l7_policy *pol, struct l7_state *st,
			      enum l7_dir dir, const uint8_t *buf, size_t len,
			      size_t *used, uint64_t *skip, struct l7_msg *m,
			      const char **why);
enum l7_result l7_mqtt_stream(const struct l7_policy *pol, struct l7_state *st,
			      enum l7_dir dir, const uint8_t *buf, size_t len,
			      size_t *used, uint64_t *skip, struct l7_msg *m,
			      const char **why);
enum l7_result l7_modbus_stream(const struct l7_policy *pol, struct l7_state *st,
				enum l7_dir dir, const uint8_t *buf, size_t len,
				size_t *used, uint64_t *skip, struct l7_msg *m,
				const char **why);
enum l7_result l7_dns_stream(const struct l7_policy *pol, struct l7_state *st,
			     enum l7_dir dir, const uint8_t *buf, size_t len,
			     size_t *used, uint64_t *skip, struct l7_msg *m,
			     const char **why);
enum l7_result l7_dns_dgram(const struct l7_policy *pol, enum l7_dir dir,
			    const uint8_t *buf, size_t len, struct l7_msg *m,
			    const char **why);
enum l7_result l7_coap_dgram(const struct l7_policy *pol, enum l7_dir dir,
			     const uint8_t *buf, size_t len, struct l7_msg *m,
			     const char **why);

/* Helpers shared by the parsers (l7_util.c). */
/* A reason naming what was refused; valid until the next call. */
const char *l7_reason(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool l7_strlist_has(const struct l7_strlist *l, const char *s);
/* Path prefix on segment bounds: "/api" allows "/api" and "/api/x", not "/apix";
 * a prefix ending in "/" allows what starts with it. */
bool l7_path_allowed(const struct l7_strlist *prefixes, const char *path);
/* Query name suffix on label bounds, case-insensitive: "example.com"
 * allows "example.com" and "a.example.com", not "badexample.com". */
bool l7_name_allowed(const struct l7_strlist *suffixes, const char *name);
/* MQTT (l7_mqtt.c): a topic filter matches a topic name, with '+', '#'
 * and the rule that a leading wildcard never matches a "$" topic; every
 * topic the filter req matches is matched by the filter allowed. */
bool l7_mqtt_topic_match(const char *filter, const char *topic);
bool l7_mqtt_filter_covers(const char *allowed, const char *req);
void l7_strlist_free(struct l7_strlist *l);
void l7_policy_free(struct l7_policy *p);

/* Names for config and logs: "http" .. "coap"; NULL / L7_NONE if unknown. */
const char *l7_proto_name(enum l7_proto p);
enum l7_proto l7_proto_by_name(const char *name);

#endif
