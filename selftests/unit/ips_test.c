// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IPS: a table of rules and inputs with the verdict and hits each
 * must give, a table of rule files the loader must refuse (and where),
 * and random rule sets matched both through the Aho-Corasick prefilter
 * and by a naive loop over every rule written here, which must agree.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ips.h"
#include "ips_ac.h"
#include "ips_internal.h"
#include "suites.h"

/* A rule on TCP any -> any with these options, sid 1. */
#define R(opts) "alert tcp any any -> any any (msg:\"t\"; " opts " sid:1;)\n"

struct in_spec {
	int proto;		/* 0: TCP */
	const char *src, *dst;	/* NULL: 10.0.0.1 -> 10.0.0.2 */
	int sport, dport;	/* 0: 40000 -> 80; -1: port 0 */
	int dir;		/* enum l7_dir */
	int app;		/* enum l7_proto */
	const char *payload;	/* NULL: none */
	size_t plen;		/* 0: strlen(payload) */
	bool msg;		/* judge as a message */
	int kind, unit;
	const char *buf[L7B_MAX];	/* NULL: the message lacks it */
};

static void mkin(const struct in_spec *s, struct ips_input *in,
		 struct l7_msg *m)
{
	int b;

	memset(in, 0, sizeof(*in));
	memset(m, 0, sizeof(*m));
	in->proto = s->proto ? s->proto : IPPROTO_TCP;
	inet_pton(AF_INET, s->src ? s->src : "10.0.0.1", &in->saddr);
	inet_pton(AF_INET, s->dst ? s->dst : "10.0.0.2", &in->daddr);
	in->sport = s->sport < 0 ? 0 : s->sport ? s->sport : 40000;
	in->dport = s->dport < 0 ? 0 : s->dport ? s->dport : 80;
	in->dir = s->dir;
	in->app = s->app;
	in->payload = (const uint8_t *)s->payload;
	in->payload_len = s->payload ?
			  (s->plen ? s->plen : strlen(s->payload)) : 0;
	if (!s->msg)
		return;
	m->present = true;
	m->kind = s->kind;
	m->unit = s->unit;
	for (b = 0; b < L7B_MAX; b++)
		if (s->buf[b]) {
			m->buf[b].p = (const uint8_t *)s->buf[b];
			m->buf[b].len = strlen(s->buf[b]);
		}
	in->msg = m;
}

static const struct match_case {
	const char *name;
	const char *rules;
	struct in_spec in;
	enum ips_action want;
	const char *sids;	/* the hits, in order */
} mcases[] = {
	/* contents */
	{ "content found", R("content:\"evil\";"), { .payload = "an evil one" }, IPS_ALERT, "1" },
	{ "content absent", R("content:\"evil\";"), { .payload = "an evi l one" }, IPS_PASS, "" },
	{ "content is case sensitive", R("content:\"Evil\";"), { .payload = "evil" }, IPS_PASS, "" },
	{ "nocase", R("content:\"Evil\"; nocase;"), { .payload = "EVIL" }, IPS_ALERT, "1" },
	{ "no payload at all", R("content:\"x\";"), { 0 }, IPS_PASS, "" },
	{ "hex block", R("content:\"|41 42|C|00 ff|\";"), { .payload = "xABC\0\xff", .plen = 6 }, IPS_ALERT, "1" },
	{ "hex block mismatch", R("content:\"|41 42|C|00 ff|\";"), { .payload = "xABC\0\xfe", .plen = 6 }, IPS_PASS, "" },
	{ "hex with nocase", R("content:\"|41|b\"; nocase;"), { .payload = "aB" }, IPS_ALERT, "1" },
	{ "escaped quote and semicolon", R("content:\"a\\\"b\\;c\\\\\";"), { .payload = "a\"b;c\\" }, IPS_ALERT, "1" },
	{ "negated content absent", R("content:\"GET\"; content:!\"admin\";"), { .payload = "GET /index" }, IPS_ALERT, "1" },
	{ "negated content present", R("content:\"GET\"; content:!\"admin\";"), { .payload = "GET /admin" }, IPS_PASS, "" },
	{ "only a negated content", R("content:!\"x\";"), { .payload = "abc" }, IPS_ALERT, "1" },
	{ "only a negated content, present", R("content:!\"x\";"), { .payload = "axc" }, IPS_PASS, "" },
	{ "offset skips an early match", R("content:\"abc\"; offset:2;"), { .payload = "abcxxabc" }, IPS_ALERT, "1" },
	{ "offset leaves no match", R("content:\"abc\"; offset:1;"), { .payload = "abcxx" }, IPS_PASS, "" },
	{ "depth holds the match", R("content:\"abc\"; depth:3;"), { .payload = "abcxx" }, IPS_ALERT, "1" },
	{ "depth cuts the match", R("content:\"abc\"; depth:3;"), { .payload = "xabc" }, IPS_PASS, "" },
	{ "depth counts from offset", R("content:\"abc\"; offset:1; depth:3;"), { .payload = "xabc" }, IPS_ALERT, "1" },
	{ "depth from offset, too far", R("content:\"abc\"; offset:1; depth:3;"), { .payload = "xxabc" }, IPS_PASS, "" },
	{ "distance met", R("content:\"a\"; content:\"b\"; distance:2;"), { .payload = "a..b" }, IPS_ALERT, "1" },
	{ "distance not met", R("content:\"a\"; content:\"b\"; distance:2;"), { .payload = "a.b" }, IPS_PASS, "" },
	{ "within met", R("content:\"a\"; content:\"b\"; within:2;"), { .payload = "a.b" }, IPS_ALERT, "1" },
	{ "within not met", R("content:\"a\"; content:\"b\"; within:2;"), { .payload = "a..b" }, IPS_PASS, "" },
	{ "within counts from distance", R("content:\"a\"; content:\"b\"; distance:1; within:1;"), { .payload = "a.b" }, IPS_ALERT, "1" },
	{ "distance and within, too close", R("content:\"a\"; content:\"b\"; distance:1; within:1;"), { .payload = "ab" }, IPS_PASS, "" },
	{ "negative distance", R("content:\"bc\"; content:\"a\"; distance:-3; within:1;"), { .payload = "abc" }, IPS_ALERT, "1" },
	{ "relative content before a relative content", R("content:\"a\"; content:\"b\"; distance:0; within:1; content:\"c\"; distance:0; within:1;"), { .payload = "xabc" }, IPS_ALERT, "1" },
	{ "backtracking to a later first match", R("content:\"a\"; content:\"b\"; distance:0; within:1;"), { .payload = "ac ab" }, IPS_ALERT, "1" },
	{ "backtracking over three contents", R("content:\"a\"; content:\"b\"; within:3; content:\"c\"; distance:0; within:1;"), { .payload = "a.b. a.bc" }, IPS_ALERT, "1" },
	{ "backtracking finds nothing", R("content:\"a\"; content:\"b\"; distance:0; within:1;"), { .payload = "ac ac ba" }, IPS_PASS, "" },
	{ "negated relative content present", R("content:\"user\"; content:!\"root\"; distance:1; within:4;"), { .payload = "user root" }, IPS_PASS, "" },
	{ "negated relative content absent", R("content:\"user\"; content:!\"root\"; distance:1; within:4;"), { .payload = "user bob root" }, IPS_ALERT, "1" },
	{ "fast_pattern on the short content", R("content:\"abcdef\"; content:\"x\"; fast_pattern;"), { .payload = "x abcdef" }, IPS_ALERT, "1" },
	{ "fast_pattern alone is not enough", R("content:\"abcdef\"; content:\"x\"; fast_pattern;"), { .payload = "x abcde" }, IPS_PASS, "" },
	{ "overlapping patterns", "alert tcp any any -> any any (msg:\"1\"; content:\"abcd\"; sid:1;)\n"
				  "alert tcp any any -> any any (msg:\"2\"; content:\"bc\"; sid:2;)\n"
				  "alert tcp any any -> any any (msg:\"3\"; content:\"c\"; sid:3;)\n"
				  "alert tcp any any -> any any (msg:\"4\"; content:\"BCE\"; sid:4;)\n",
	  { .payload = "xabce" }, IPS_ALERT, "2,3" },
	{ "nocase on the verifier too", "alert tcp any any -> any any (msg:\"4\"; content:\"BCE\"; nocase; sid:4;)\n",
	  { .payload = "xabce" }, IPS_ALERT, "4" },
	/* header */
	{ "header only rule", "alert udp any any -> any 53 (msg:\"dns\"; sid:7;)", { .proto = IPPROTO_UDP, .dport = 53 }, IPS_ALERT, "7" },
	{ "udp rule, tcp packet", "alert udp any any -> any 53 (msg:\"dns\"; sid:7;)", { .dport = 53 }, IPS_PASS, "" },
	{ "ip rule, udp packet", "alert ip any any -> any any (msg:\"x\"; sid:7;)", { .proto = IPPROTO_UDP }, IPS_ALERT, "7" },
	{ "icmp rule", "alert icmp any any -> any any (msg:\"x\"; content:\"ping\"; sid:7;)", { .proto = IPPROTO_ICMP, .sport = -1, .dport = -1, .payload = "ping" }, IPS_ALERT, "7" },
	{ "icmp rule, tcp packet", "alert icmp any any -> any any (msg:\"x\"; sid:7;)", { 0 }, IPS_PASS, "" },
	{ "source prefix", "alert tcp 10.0.0.0/24 any -> any any (msg:\"x\"; sid:2;)", { 0 }, IPS_ALERT, "2" },
	{ "source prefix, outside", "alert tcp 10.0.1.0/24 any -> any any (msg:\"x\"; sid:2;)", { 0 }, IPS_PASS, "" },
	{ "prefix with host bits", "alert tcp 10.0.0.77/8 any -> any any (msg:\"x\"; sid:2;)", { .src = "10.200.1.1" }, IPS_ALERT, "2" },
	{ "list minus an address", "alert tcp [10.0.0.0/24, !10.0.0.5] any -> any any (msg:\"x\"; sid:2;)", { .src = "10.0.0.9" }, IPS_ALERT, "2" },
	{ "list minus an address, that one", "alert tcp [10.0.0.0/24, !10.0.0.5] any -> any any (msg:\"x\"; sid:2;)", { .src = "10.0.0.5" }, IPS_PASS, "" },
	{ "negated address", "alert tcp !10.0.0.1 any -> any any (msg:\"x\"; sid:2;)", { 0 }, IPS_PASS, "" },
	{ "negated address, another", "alert tcp !10.0.0.1 any -> any any (msg:\"x\"; sid:2;)", { .src = "10.0.0.3" }, IPS_ALERT, "2" },
	{ "negated list", "alert tcp any any -> ![10.0.0.2, 10.0.0.3] any (msg:\"x\"; sid:2;)", { .dst = "10.0.0.3" }, IPS_PASS, "" },
	{ "negated list, outside it", "alert tcp any any -> ![10.0.0.2, 10.0.0.3] any (msg:\"x\"; sid:2;)", { .dst = "10.0.0.4" }, IPS_ALERT, "2" },
	{ "nested list", "alert tcp any any -> [192.168.0.0/16, [10.0.0.0/8, !10.0.0.0/24]] any (msg:\"x\"; sid:2;)", { .dst = "10.0.0.2" }, IPS_PASS, "" },
	{ "nested list, inside", "alert tcp any any -> [192.168.0.0/16, [10.0.0.0/8, !10.0.0.0/24]] any (msg:\"x\"; sid:2;)", { .dst = "10.0.1.2" }, IPS_ALERT, "2" },
	{ "port range", "alert tcp any any -> any 80:90 (msg:\"x\"; sid:2;)", { .dport = 90 }, IPS_ALERT, "2" },
	{ "port range, above", "alert tcp any any -> any 80:90 (msg:\"x\"; sid:2;)", { .dport = 91 }, IPS_PASS, "" },
	{ "open port range up", "alert tcp any 1024: -> any any (msg:\"x\"; sid:2;)", { .sport = 1024 }, IPS_ALERT, "2" },
	{ "open port range down", "alert tcp any :1023 -> any any (msg:\"x\"; sid:2;)", { .sport = 1024 }, IPS_PASS, "" },
	{ "port list", "alert tcp any any -> any [443, 8000:8100] (msg:\"x\"; sid:2;)", { .dport = 8080 }, IPS_ALERT, "2" },
	{ "port list minus one", "alert tcp any any -> any [1:1000, !80] (msg:\"x\"; sid:2;)", { .dport = 80 }, IPS_PASS, "" },
	{ "negated port", "alert tcp any any -> any !80 (msg:\"x\"; sid:2;)", { .dport = 81 }, IPS_ALERT, "2" },
	{ "one way only", "alert tcp 10.0.0.2 80 -> 10.0.0.1 any (msg:\"x\"; sid:2;)", { 0 }, IPS_PASS, "" },
	{ "both ways", "alert tcp 10.0.0.2 80 <> 10.0.0.1 any (msg:\"x\"; sid:2;)", { 0 }, IPS_ALERT, "2" },
	{ "both ways, forward", "alert tcp 10.0.0.1 any <> 10.0.0.2 80 (msg:\"x\"; sid:2;)", { 0 }, IPS_ALERT, "2" },
	{ "both ways, ports must pair", "alert tcp 10.0.0.2 81 <> 10.0.0.1 any (msg:\"x\"; sid:2;)", { 0 }, IPS_PASS, "" },
	{ "flow to_server", R("flow:established,to_server;"), { .dir = L7_TO_SERVER }, IPS_ALERT, "1" },
	{ "flow to_server, reply", R("flow:established,to_server;"), { .dir = L7_TO_CLIENT }, IPS_PASS, "" },
	{ "flow to_client", R("flow:to_client;"), { .dir = L7_TO_CLIENT }, IPS_ALERT, "1" },
	{ "flow from_server", R("flow:from_server, established;"), { .dir = L7_TO_SERVER }, IPS_PASS, "" },
	{ "flow from_client", R("flow:from_client;"), { .dir = L7_TO_SERVER }, IPS_ALERT, "1" },
	/* levels and sticky buffers */
	{ "packet rule, message input", R("content:\"evil\";"), { .payload = "evil", .msg = true }, IPS_PASS, "" },
	{ "http.uri", "alert http any any -> any any (msg:\"x\"; http.uri; content:\"/admin\"; sid:3;)",
	  { .app = L7_HTTP, .msg = true, .buf[L7B_HTTP_URI] = "/admin/x" }, IPS_ALERT, "3" },
	{ "http.uri, packet input", "alert http any any -> any any (msg:\"x\"; http.uri; content:\"/admin\"; sid:3;)",
	  { .app = L7_HTTP, .payload = "GET /admin/x" }, IPS_PASS, "" },
	{ "http.uri, message without a uri", "alert http any any -> any any (msg:\"x\"; http.uri; content:\"/admin\"; sid:3;)",
	  { .app = L7_HTTP, .msg = true, .payload = "/admin", .buf[L7B_HTTP_METHOD] = "GET" }, IPS_PASS, "" },
	{ "http.uri, tunnel speaks mqtt", "alert http any any -> any any (msg:\"x\"; http.uri; content:\"/admin\"; sid:3;)",
	  { .app = L7_MQTT, .msg = true, .buf[L7B_HTTP_URI] = "/admin/x" }, IPS_PASS, "" },
	{ "http.uri on a tcp rule", "alert tcp any any -> any any (msg:\"x\"; http.uri; content:\"/admin\"; sid:3;)",
	  { .app = L7_HTTP, .msg = true, .buf[L7B_HTTP_URI] = "/admin/x" }, IPS_ALERT, "3" },
	{ "app rule without content", "alert http any any -> any any (msg:\"x\"; sid:3;)", { .app = L7_HTTP, .msg = true }, IPS_ALERT, "3" },
	{ "app rule, udp packet", "alert http any any -> any any (msg:\"x\"; sid:3;)", { .proto = IPPROTO_UDP, .app = L7_HTTP, .msg = true }, IPS_PASS, "" },
	{ "sticky buffer without content needs the buffer", "alert http any any -> any any (msg:\"x\"; http.header; sid:3;)",
	  { .app = L7_HTTP, .msg = true, .buf[L7B_HTTP_URI] = "/" }, IPS_PASS, "" },
	{ "method and header", "alert http any any -> any any (msg:\"x\"; http.method; content:\"POST\"; http.header; content:\"x-debug: 1\"; nocase; sid:3;)",
	  { .app = L7_HTTP, .msg = true, .buf[L7B_HTTP_METHOD] = "POST", .buf[L7B_HTTP_HEADER] = "Host: a\r\nX-Debug: 1\r\n" }, IPS_ALERT, "3" },
	{ "method mismatch", "alert http any any -> any any (msg:\"x\"; http.method; content:\"POST\"; http.header; content:\"x-debug: 1\"; nocase; sid:3;)",
	  { .app = L7_HTTP, .msg = true, .buf[L7B_HTTP_METHOD] = "GET", .buf[L7B_HTTP_HEADER] = "X-Debug: 1\r\n" }, IPS_PASS, "" },
	{ "legacy http_uri", "alert http any any -> any any (msg:\"x\"; content:\"/admin\"; http_uri; sid:3;)",
	  { .app = L7_HTTP, .msg = true, .buf[L7B_HTTP_URI] = "/admin" }, IPS_ALERT, "3" },
	{ "legacy http_uri ignores the payload", "alert http any any -> any any (msg:\"x\"; content:\"/admin\"; http_uri; sid:3;)",
	  { .app = L7_HTTP, .msg = true, .payload = "/admin", .buf[L7B_HTTP_URI] = "/" }, IPS_PASS, "" },
	{ "legacy http_method", "alert http any any -> any any (msg:\"x\"; content:\"DELETE\"; http_method; sid:3;)",
	  { .app = L7_HTTP, .msg = true, .buf[L7B_HTTP_METHOD] = "DELETE" }, IPS_ALERT, "3" },
	{ "pkt_data in a message rule", "alert http any any -> any any (msg:\"x\"; http.uri; content:\"/a\"; pkt_data; content:\"body\"; sid:3;)",
	  { .app = L7_HTTP, .msg = true, .payload = "the body", .buf[L7B_HTTP_URI] = "/a" }, IPS_ALERT, "3" },
	{ "pkt_data in a message rule, absent", "alert http any any -> any any (msg:\"x\"; http.uri; content:\"/a\"; pkt_data; content:\"body\"; sid:3;)",
	  { .app = L7_HTTP, .msg = true, .payload = "the bod", .buf[L7B_HTTP_URI] = "/a" }, IPS_PASS, "" },
	{ "relative within a sticky buffer", "alert http any any -> any any (msg:\"x\"; http.uri; content:\"/cgi\"; content:\".sh\"; distance:0; sid:3;)",
	  { .app = L7_HTTP, .msg = true, .payload = "/cgi", .buf[L7B_HTTP_URI] = "/x.sh/cgi" }, IPS_PASS, "" },
	{ "dns.query", "alert dns any any -> any any (msg:\"x\"; dns.query; content:\"bad.example\"; nocase; sid:4;)",
	  { .proto = IPPROTO_UDP, .dport = 53, .app = L7_DNS, .msg = true, .kind = 1, .buf[L7B_DNS_QUERY] = "www.BAD.example.com" }, IPS_ALERT, "4" },
	{ "dns_query alias, over tcp", "alert dns any any -> any any (msg:\"x\"; dns_query; content:\"bad\"; sid:4;)",
	  { .dport = 53, .app = L7_DNS, .msg = true, .buf[L7B_DNS_QUERY] = "bad.example" }, IPS_ALERT, "4" },
	{ "mqtt topic and message", "alert mqtt any any -> any any (msg:\"x\"; mqtt.type:PUBLISH; mqtt.publish.topic; content:\"/cmd\"; mqtt.publish.message; content:\"rm -rf\"; sid:5;)",
	  { .app = L7_MQTT, .msg = true, .kind = 3, .buf[L7B_MQTT_TOPIC] = "dev/1/cmd", .buf[L7B_MQTT_MESSAGE] = "sh -c 'rm -rf /'" }, IPS_ALERT, "5" },
	{ "mqtt type mismatch", "alert mqtt any any -> any any (msg:\"x\"; mqtt.type:PUBLISH; mqtt.publish.topic; content:\"/cmd\"; mqtt.publish.message; content:\"rm -rf\"; sid:5;)",
	  { .app = L7_MQTT, .msg = true, .kind = 8, .buf[L7B_MQTT_TOPIC] = "dev/1/cmd", .buf[L7B_MQTT_MESSAGE] = "rm -rf /" }, IPS_PASS, "" },
	{ "mqtt type by number", "alert mqtt any any -> any any (msg:\"x\"; mqtt.type:8; sid:5;)", { .app = L7_MQTT, .msg = true, .kind = 8 }, IPS_ALERT, "5" },
	{ "modbus function", "alert modbus any any -> any 502 (msg:\"x\"; modbus: function 6; sid:6;)",
	  { .dport = 502, .app = L7_MODBUS, .msg = true, .kind = 6, .unit = 1 }, IPS_ALERT, "6" },
	{ "modbus function mismatch", "alert modbus any any -> any 502 (msg:\"x\"; modbus: function 6; sid:6;)",
	  { .dport = 502, .app = L7_MODBUS, .msg = true, .kind = 3, .unit = 1 }, IPS_PASS, "" },
	{ "modbus unit and function", "alert modbus any any -> any any (msg:\"x\"; modbus: unit 7, function 16; sid:6;)",
	  { .app = L7_MODBUS, .msg = true, .kind = 16, .unit = 7 }, IPS_ALERT, "6" },
	{ "modbus unit mismatch", "alert modbus any any -> any any (msg:\"x\"; modbus: unit 7, function 16; sid:6;)",
	  { .app = L7_MODBUS, .msg = true, .kind = 16, .unit = 1 }, IPS_PASS, "" },
	{ "coap.uri_path", "alert coap any any -> any any (msg:\"x\"; coap.uri_path; content:\"/fw/update\"; sid:8;)",
	  { .proto = IPPROTO_UDP, .app = L7_COAP, .msg = true, .buf[L7B_COAP_URI] = "/fw/update" }, IPS_ALERT, "8" },
	/* actions and order */
	{ "drop", "drop tcp any any -> any any (msg:\"x\"; content:\"x\"; sid:1;)", { .payload = "x" }, IPS_DROP, "1" },
	{ "reject drops", "reject tcp any any -> any any (msg:\"x\"; content:\"x\"; sid:1;)", { .payload = "x" }, IPS_DROP, "1" },
	{ "pass after drop in the file still wins",
	  "drop tcp any any -> any any (msg:\"d\"; content:\"x\"; sid:1;)\n"
	  "pass tcp 10.0.0.1 any -> any any (msg:\"p\"; content:\"x\"; sid:2;)\n",
	  { .payload = "x" }, IPS_PASS, "" },
	{ "pass that does not match",
	  "drop tcp any any -> any any (msg:\"d\"; content:\"x\"; sid:1;)\n"
	  "pass tcp 10.0.0.9 any -> any any (msg:\"p\"; content:\"x\"; sid:2;)\n",
	  { .payload = "x" }, IPS_DROP, "1" },
	{ "hits in file order",
	  "alert tcp any any -> any any (msg:\"b\"; content:\"b\"; sid:50;)\n"
	  "alert tcp any any -> any any (msg:\"a\"; content:\"a\"; sid:30;)\n"
	  "# a comment\n\n"
	  "drop tcp any any -> any any (msg:\"none\"; sid:90;)\n"
	  "alert tcp any any -> any any (msg:\"ab\"; content:\"ab\"; sid:10;)\n"
	  "alert tcp any any -> any any (msg:\"c\"; content:\"c\"; sid:20;)\n",
	  { .payload = "ab" }, IPS_DROP, "50,30,90,10" },
	{ "same pattern twice",
	  "alert tcp any any -> any any (msg:\"1\"; content:\"dup\"; sid:1;)\n"
	  "alert tcp any any -> any any (msg:\"2\"; content:\"DUP\"; nocase; sid:2;)\n",
	  { .payload = "dup" }, IPS_ALERT, "1,2" },
	{ "continued line", "alert tcp any any -> any any \\\n  (msg:\"x\"; content:\"q\"; \\\n sid:4;)\n", { .payload = "q" }, IPS_ALERT, "4" },
};

static void sid_list(const struct ips_hit *h, size_t n, char *out, size_t len)
{
	size_t i, o = 0;

	out[0] = 0;
	for (i = 0; i < n && o < len; i++)
		o += snprintf(out + o, len - o, "%s%u", i ? "," : "", h[i].sid);
}

START_TEST(test_match_table)
{
	const struct match_case *c = &mcases[_i];
	struct ips_ruleset *rs;
	struct ips_input in;
	struct l7_msg m;
	struct ips_hit hits[8];
	char err[256], got[128];
	enum ips_action v;
	size_t n = 99;

	rs = ips_load_text("t.rules", c->rules, strlen(c->rules), err,
			   sizeof(err));
	ck_assert_msg(rs, "%s: %s", c->name, err);
	mkin(&c->in, &in, &m);
	v = ips_match(rs, &in, hits, 8, &n);
	sid_list(hits, n, got, sizeof(got));
	ck_assert_msg(v == c->want && !strcmp(got, c->sids),
		      "%s: verdict %d hits '%s', want %d '%s'", c->name, v,
		      got, c->want, c->sids);
	if (n)	/* the hit carries the rule's text */
		ck_assert_ptr_nonnull(hits[0].msg);
	ips_free(rs);
}
END_TEST

#define LONG_CONTENT "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const struct err_case {
	const char *name;
	const char *rules;
	const char *want;	/* a substring of the error */
} ecases[] = {
	{ "duplicate sid", R("") R(""), "t.rules:2: duplicate sid 1 (first at line 1)" },
	{ "no msg", "alert tcp any any -> any any (sid:1;)", "t.rules:1: rule has no msg" },
	{ "no sid", "alert tcp any any -> any any (msg:\"x\";)", "t.rules:1: rule has no sid" },
	{ "sid zero", R("sid:0;"), "sid: bad value '0'" },
	{ "sid twice", R("sid:2;"), "sid given twice" },
	{ "unknown keyword", R("pcre:\"/x/\";"), "t.rules:1: unknown keyword 'pcre'" },
	{ "unknown action", "log tcp any any -> any any (msg:\"x\"; sid:1;)", "unknown action 'log'" },
	{ "unknown protocol", "alert sctp any any -> any any (msg:\"x\"; sid:1;)", "unknown protocol 'sctp'" },
	{ "bad direction", "alert tcp any any <- any any (msg:\"x\"; sid:1;)", "bad direction '<-'" },
	{ "missing fields", "alert tcp any any -> (msg:\"x\"; sid:1;)", "no destination:" },
	{ "bad address", "alert tcp 10.0.0.300 any -> any any (msg:\"x\"; sid:1;)", "bad address '10.0.0.300'" },
	{ "bad prefix", "alert tcp 10.0.0.0/33 any -> any any (msg:\"x\"; sid:1;)", "bad address '10.0.0.0/33'" },
	{ "variable", "alert tcp $HOME_NET any -> any any (msg:\"x\"; sid:1;)", "variables are not supported: '$HOME_NET'" },
	{ "variable port", "alert tcp any $HTTP_PORTS -> any any (msg:\"x\"; sid:1;)", "variables are not supported" },
	{ "ipv6", "alert tcp any any -> fe80::1 any (msg:\"x\"; sid:1;)", "IPv6 addresses are not supported" },
	{ "empty address set", "alert tcp !any any -> any any (msg:\"x\"; sid:1;)", "'!any' matches no address" },
	{ "unbalanced bracket", "alert tcp [10.0.0.1, 10.0.0.2 any -> any any (msg:\"x\"; sid:1;)", "t.rules:1:" },
	{ "bad port", "alert tcp any 70000 -> any any (msg:\"x\"; sid:1;)", "bad port '70000'" },
	{ "reversed port range", "alert tcp any 90:80 -> any any (msg:\"x\"; sid:1;)", "bad port '90:80'" },
	{ "empty port list", "alert tcp any [] -> any any (msg:\"x\"; sid:1;)", "empty item" },
	{ "unbalanced quote", "alert tcp any any -> any any (msg:\"x; sid:1;)", "msg: unterminated quoted string" },
	{ "no closing paren", "alert tcp any any -> any any (msg:\"x\"; sid:1;", "t.rules:1: rule options must end with ')'" },
	{ "no options", "alert tcp any any -> any any", "expected '(' after the destination port" },
	{ "junk after quote", R("content:\"a\"b;"), "content: junk after the closing quote" },
	{ "unquoted content", R("content:abc;"), "content: expected a quoted string" },
	{ "bad escape", R("content:\"a\\nb\";"), "bad escape '\\n'" },
	{ "empty content", R("content:\"\";"), "content: empty" },
	{ "content too long", R("content:\"" LONG_CONTENT LONG_CONTENT LONG_CONTENT LONG_CONTENT "\";"), "content: longer than 255 bytes" },
	{ "bad hex", R("content:\"|4G|\";"), "bad hex digit 'G'" },
	{ "odd hex", R("content:\"|414|\";"), "odd number of hex digits" },
	{ "open hex", R("content:\"|41\";"), "unterminated hex block" },
	{ "too many contents", R("content:\"1\"; content:\"2\"; content:\"3\"; content:\"4\"; content:\"5\"; content:\"6\"; content:\"7\"; content:\"8\"; content:\"9\"; content:\"10\"; content:\"11\"; content:\"12\"; content:\"13\"; content:\"14\"; content:\"15\"; content:\"16\"; content:\"17\";"), "more than 16 contents" },
	{ "modifier without content", R("nocase;"), "nocase needs a preceding content" },
	{ "depth shorter than content", R("content:\"abcd\"; depth:3;"), "depth 3 is shorter than the content" },
	{ "within shorter than content", R("content:\"a\"; content:\"abcd\"; within:2;"), "within 2 is shorter than the content" },
	{ "offset twice", R("content:\"a\"; offset:1; offset:2;"), "offset given twice" },
	{ "absolute and relative", R("content:\"a\"; content:\"b\"; offset:1; distance:2;"), "do not mix" },
	{ "distance first", R("content:\"a\"; distance:1;"), "content 1: distance/within needs an earlier content in the same buffer" },
	{ "distance across buffers", "alert http any any -> any any (msg:\"x\"; content:\"a\"; http.uri; content:\"b\"; distance:0; sid:1;)", "needs an earlier content in the same buffer" },
	{ "negative offset", R("content:\"a\"; offset:-1;"), "offset: bad value '-1'" },
	{ "huge distance", R("content:\"a\"; content:\"b\"; distance:70000;"), "distance: bad value" },
	{ "flag with a value", R("content:\"a\"; nocase:1;"), "nocase takes no value" },
	{ "option without value", R("content;"), "content needs a value" },
	{ "fast_pattern on negation", R("content:!\"a\"; fast_pattern;"), "fast_pattern on a negated content" },
	{ "fast_pattern twice", R("content:\"a\"; fast_pattern; content:\"b\"; fast_pattern;"), "fast_pattern given twice" },
	{ "bad flow", R("flow:to_server,only_stream;"), "flow: unsupported 'only_stream'" },
	{ "conflicting flow", R("flow:to_server,to_client;"), "flow: conflicting directions" },
	{ "sticky buffer of another protocol", "alert mqtt any any -> any any (msg:\"x\"; http.uri; content:\"a\"; sid:1;)", "http.uri needs a http rule, not mqtt" },
	{ "legacy modifier twice", "alert http any any -> any any (msg:\"x\"; content:\"a\"; http_uri; http_header; sid:1;)", "already in http.uri" },
	{ "modbus on tcp", R("modbus: function 6;"), "modbus needs a modbus rule" },
	{ "modbus access", "alert modbus any any -> any any (msg:\"x\"; modbus: access read; sid:1;)", "only 'function N' and 'unit N'" },
	{ "mqtt.type unknown", "alert mqtt any any -> any any (msg:\"x\"; mqtt.type:FOO; sid:1;)", "mqtt.type: unknown type 'FOO'" },
	{ "bad option", R("content:\"a\" nocase;"), "t.rules:1:" },
	{ "garbage option", R("?;"), "bad option at '?;" },
	{ "line three is bad",
	  "# header comment\n"
	  "alert tcp any any -> any any (msg:\"ok\"; sid:1;)\n"
	  "alert tcp any any -> any any (msg:\"bad\"; sid:2; bogus;)\n"
	  "alert tcp any any -> any any (msg:\"fine\"; sid:3;)\n",
	  "t.rules:3: unknown keyword 'bogus'" },
	{ "line after a continued rule",
	  "alert tcp any any -> any any \\\n(msg:\"ok\"; sid:1;)\n"
	  "alert tcp any any -> any any (msg:\"bad\"; sid:1;)\n",
	  "t.rules:3: duplicate sid 1 (first at line 1)" },
	{ "first error wins", R("nocase;") R("bogus;"), "t.rules:1: nocase" },
	{ "NUL byte", "alert tcp any any -> any any (msg:\"x\0\"; sid:1;)", "t.rules:1: NUL byte" },
};

START_TEST(test_error_table)
{
	const struct err_case *c = &ecases[_i];
	/* sizeof, not strlen: the NUL case has one inside */
	size_t len = strlen(c->rules);
	char err[256];

	if (!strcmp(c->name, "NUL byte"))
		len = sizeof("alert tcp any any -> any any (msg:\"x\0\"; sid:1;)") - 1;
	err[0] = 0;
	ck_assert_msg(!ips_load_text("t.rules", c->rules, len, err, sizeof(err)),
		      "%s: loaded", c->name);
	ck_assert_msg(strstr(err, c->want), "%s: error '%s', want '%s'",
		      c->name, err, c->want);
}
END_TEST

START_TEST(test_limits)
{
	char *text, err[256], *line = malloc(IPS_LINE_MAX + 64);
	struct ips_ruleset *rs;
	size_t i, o = 0, cap = (IPS_RULES_MAX + 1) * 64;

	/* An 8 KB rule is fine; one byte more is not. */
	ck_assert_ptr_nonnull(line);
	strcpy(line, "alert tcp any any -> any any (msg:\"");
	o = strlen(line);
	memset(line + o, 'm', IPS_LINE_MAX);
	strcpy(line + IPS_LINE_MAX - strlen("\"; sid:1;)"), "\"; sid:1;)");
	rs = ips_load_text("t.rules", line, strlen(line), err, sizeof(err));
	ck_assert_msg(rs, "%s", err);
	ips_free(rs);
	strcpy(line + IPS_LINE_MAX - strlen("\"; sid:1;)"), "m\"; sid:1;)");
	ck_assert(!ips_load_text("t.rules", line, strlen(line), err, sizeof(err)));
	ck_assert_msg(strstr(err, "t.rules:1: rule longer than 8192 bytes"), "%s", err);
	free(line);

	text = malloc(cap);
	ck_assert_ptr_nonnull(text);
	for (i = o = 0; i < IPS_RULES_MAX; i++)
		o += snprintf(text + o, cap - o,
			      "alert tcp any any -> any %zu (msg:\"r\"; sid:%zu;)\n",
			      i % 65536, i + 1);
	rs = ips_load_text("t.rules", text, o, err, sizeof(err));
	ck_assert_msg(rs, "%s", err);
	ck_assert_uint_eq(ips_rule_count(rs), IPS_RULES_MAX);
	ips_free(rs);
	o += snprintf(text + o, cap - o,
		      "alert tcp any any -> any any (msg:\"r\"; sid:%d;)\n",
		      IPS_RULES_MAX + 1);
	ck_assert(!ips_load_text("t.rules", text, o, err, sizeof(err)));
	ck_assert_msg(strstr(err, "t.rules:100001: more than 100000 rules"), "%s", err);
	free(text);
}
END_TEST

START_TEST(test_file)
{
	char path[] = "/tmp/ips_test_XXXXXX", err[256];
	const char *text = "# IoT\n" R("content:\"x\";");
	struct ips_ruleset *rs;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rs = ips_load_file(path, err, sizeof(err));
	ck_assert_msg(rs, "%s", err);
	ck_assert_uint_eq(ips_rule_count(rs), 1);
	ips_free(rs);
	unlink(path);
	ck_assert(!ips_load_file(path, err, sizeof(err)));
	ck_assert_msg(strstr(err, path) && strstr(err, "No such file"), "%s", err);
	/* An empty set loads, and matches nothing. */
	rs = ips_load_text("empty", "", 0, err, sizeof(err));
	ck_assert_ptr_nonnull(rs);
	ck_assert_uint_eq(ips_rule_count(rs), 0);
	ips_free(rs);
}
END_TEST

/* The README's example file loads, and each of its rules fires. */
static const struct match_case example_cases[] = {
	{ "admin probe", NULL, { .app = L7_HTTP, .msg = true, .buf[L7B_HTTP_URI] = "/Admin/login.cgi" }, IPS_ALERT, "1000001" },
	{ "mqtt rm -rf", NULL, { .dport = 1883, .app = L7_MQTT, .msg = true, .kind = 3, .buf[L7B_MQTT_TOPIC] = "site/dev7/cmd", .buf[L7B_MQTT_MESSAGE] = "rm -rf /data" }, IPS_DROP, "1000002" },
	{ "mqtt telemetry", NULL, { .dport = 1883, .app = L7_MQTT, .msg = true, .kind = 3, .buf[L7B_MQTT_TOPIC] = "site/dev7/temp", .buf[L7B_MQTT_MESSAGE] = "21.5" }, IPS_PASS, "" },
	{ "modbus write", NULL, { .dport = 502, .app = L7_MODBUS, .msg = true, .kind = 6, .unit = 1 }, IPS_ALERT, "1000003" },
	{ "modbus read", NULL, { .dport = 502, .app = L7_MODBUS, .msg = true, .kind = 3, .unit = 1 }, IPS_PASS, "" },
	{ "bad domain", NULL, { .proto = IPPROTO_UDP, .dport = 53, .app = L7_DNS, .msg = true, .kind = 1, .buf[L7B_DNS_QUERY] = "x.C2.badactor.example" }, IPS_ALERT, "1000005" },
	{ "shell path", NULL, { .payload = "GET /cgi?c=/bin/sh HTTP/1.1" }, IPS_ALERT, "1000006" },
	{ "coap firmware", NULL, { .proto = IPPROTO_UDP, .dport = 5683, .app = L7_COAP, .msg = true, .buf[L7B_COAP_URI] = "/fw/v2" }, IPS_ALERT, "1000007" },
};

START_TEST(test_example_file)
{
	const char *path = "selftests/e2e/data/ips-example.rules";
	struct ips_ruleset *rs;
	char err[256], got[64];
	size_t i, n;

	rs = ips_load_file(path, err, sizeof(err));
	ck_assert_msg(rs, "%s (run from the repository's top)", err);
	ck_assert_uint_eq(ips_rule_count(rs), 7);
	for (i = 0; i < sizeof(example_cases) / sizeof(example_cases[0]); i++) {
		const struct match_case *c = &example_cases[i];
		struct ips_hit hits[4];
		struct ips_input in;
		struct l7_msg m;
		enum ips_action v;

		mkin(&c->in, &in, &m);
		v = ips_match(rs, &in, hits, 4, &n);
		sid_list(hits, n, got, sizeof(got));
		ck_assert_msg(v == c->want && !strcmp(got, c->sids),
			      "%s: verdict %d hits '%s', want %d '%s'", c->name,
			      v, got, c->want, c->sids);
	}
	ips_free(rs);
}
END_TEST

/* Every prefix of a valid file loads or fails cleanly, naming a line. */
START_TEST(test_prefixes)
{
	static const char text[] =
		"alert http 10.0.0.0/8 any -> [10.1.0.0/16,!10.1.2.3] 80:90 (msg:\"a \\\"q\\\"\"; flow:established,to_server; http.uri; content:\"/adm|69 6e|\"; nocase; offset:0; depth:20; content:\"x\"; distance:0; within:9; sid:1; rev:2;)\n"
		"drop mqtt any any <> any ![1883,8883] (msg:\"m\"; mqtt.publish.topic; content:!\"ok\"; sid:2; classtype:bad; metadata:a b;)\n";
	struct ips_ruleset *rs;
	char err[256];
	size_t i;

	for (i = 0; i <= sizeof(text) - 1; i++) {
		err[0] = 0;
		rs = ips_load_text("p.rules", text, i, err, sizeof(err));
		if (rs) {
			ck_assert_msg(ips_rule_count(rs) <= 2, "prefix %zu", i);
			ips_free(rs);
		} else {
			ck_assert_msg(!strncmp(err, "p.rules:", 8), "prefix %zu: '%s'", i, err);
		}
	}
	rs = ips_load_text("p.rules", text, sizeof(text) - 1, err, sizeof(err));
	ck_assert_msg(rs, "%s", err);
	ck_assert_uint_eq(ips_rule_count(rs), 2);
	ips_free(rs);
}
END_TEST

/* Pathological backtracking ends fast, and a real match is still found. */
START_TEST(test_backtracking_bound)
{
	char rule[2048], err[256];
	static uint8_t pay[20001];
	struct ips_ruleset *rs;
	struct ips_input in = { .proto = IPPROTO_TCP, .payload = pay };
	struct ips_hit h;
	size_t n, o, i;
	clock_t t0 = clock();

	o = snprintf(rule, sizeof(rule), "alert tcp any any -> any any (msg:\"x\"; content:\"a\";");
	for (i = 0; i < 14; i++)
		o += snprintf(rule + o, sizeof(rule) - o, " content:\"a\"; distance:0;");
	snprintf(rule + o, sizeof(rule) - o, " content:\"b\"; distance:0; within:1; sid:1;)");
	rs = ips_load_text("t", rule, strlen(rule), err, sizeof(err));
	ck_assert_msg(rs, "%s", err);
	memset(pay, 'a', sizeof(pay));
	in.payload_len = 20000;
	ck_assert_int_eq(ips_match(rs, &in, &h, 1, &n), IPS_PASS);
	pay[20000] = 'b';
	in.payload_len = 20001;
	ck_assert_int_eq(ips_match(rs, &in, &h, 1, &n), IPS_ALERT);
	ips_free(rs);

	/*
	 * Branching: each 'a' may start within 3 bytes of the last. The
	 * first "x" leads to 3^14 dead ends, which only the memo of failed
	 * (content, position) pairs gets through within the budget.
	 */
	o = snprintf(rule, sizeof(rule), "alert tcp any any -> any any (msg:\"x\"; content:\"x\";");
	for (i = 0; i < 14; i++)
		o += snprintf(rule + o, sizeof(rule) - o, " content:\"a\"; distance:0; within:3;");
	snprintf(rule + o, sizeof(rule) - o, " content:\"b\"; distance:0; within:1; sid:1;)");
	rs = ips_load_text("t", rule, strlen(rule), err, sizeof(err));
	ck_assert_msg(rs, "%s", err);
	o = snprintf((char *)pay, sizeof(pay), "x%.40scccc", LONG_CONTENT);
	in.payload_len = o;
	ck_assert_int_eq(ips_match(rs, &in, &h, 1, &n), IPS_PASS);
	o += snprintf((char *)pay + o, sizeof(pay) - o, "x%.14sb", LONG_CONTENT);
	in.payload_len = o;
	ck_assert_int_eq(ips_match(rs, &in, &h, 1, &n), IPS_ALERT);
	ck_assert_double_lt((double)(clock() - t0) / CLOCKS_PER_SEC, 2.0);
	ips_free(rs);
}
END_TEST

static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)rng_state;
}

/* Memory: 1000 rules of 10-byte patterns stay well under a few MB. */
START_TEST(test_memory)
{
	size_t cap = 1000 * 128, o = 0, i, j;
	char *text = malloc(cap), err[256];
	struct ips_ruleset *rs;

	ck_assert_ptr_nonnull(text);
	rng_state = 42;
	for (i = 0; i < 1000; i++) {
		char pat[11];

		for (j = 0; j < 10; j++)
			pat[j] = ' ' + 1 + rng() % 90;
		pat[10] = 0;
		for (j = 0; j < 10; j++)	/* quote, pipe, backslash, ';' */
			if (strchr("\"|\\;", pat[j]))
				pat[j] = 'x';
		o += snprintf(text + o, cap - o,
			      "alert tcp any any -> any any (msg:\"m\"; content:\"%s\"; sid:%zu;)\n",
			      pat, i + 1);
	}
	rs = ips_load_text("m", text, o, err, sizeof(err));
	ck_assert_msg(rs, "%s", err);
	/* 64 byte classes: the byte-class DFA, 2.5 MB, and the trie. */
	ck_assert_uint_le(ips_ac_bytes_total(rs), 4u << 20);
	free(text);
	ips_free(rs);
}
END_TEST

/*
 * The reference: random content rules kept as data, rendered to text for
 * the IPS, and matched here by trying every position of every content.
 */
struct nc {
	char pat[4];
	int len;
	bool nocase, neg, fast;
	int flags;		/* IPS_C_OFFSET.. */
	int offset, depth, distance, within;
};

struct nr {
	int action;
	int proto;		/* 0 ip, 6 tcp, 17 udp */
	int dport;		/* -1: any */
	int n;
	struct nc c[4];
};

static bool naive_eq(const uint8_t *p, const struct nc *c)
{
	int i;

	for (i = 0; i < c->len; i++) {
		uint8_t a = p[i], b = c->pat[i];

		if (c->nocase) {
			a = a >= 'A' && a <= 'Z' ? a + 32 : a;
			b = b >= 'A' && b <= 'Z' ? b + 32 : b;
		}
		if (a != b)
			return false;
	}
	return true;
}

static bool naive_from(const struct nr *r, int i, long prev,
		       const uint8_t *p, long len)
{
	const struct nc *c;
	long lo, hi, pos;

	if (i == r->n)
		return true;
	c = &r->c[i];
	if (c->flags & (IPS_C_DISTANCE | IPS_C_WITHIN)) {
		lo = prev + c->distance;
		hi = c->flags & IPS_C_WITHIN ? lo + c->within : len;
	} else {
		lo = c->offset;
		hi = c->flags & IPS_C_DEPTH ? c->offset + c->depth : len;
	}
	if (lo < 0)
		lo = 0;
	if (hi > len)
		hi = len;
	if (c->neg) {
		for (pos = lo; pos + c->len <= hi; pos++)
			if (naive_eq(p + pos, c))
				return false;
		return naive_from(r, i + 1, prev, p, len);
	}
	for (pos = lo; pos + c->len <= hi; pos++)
		if (naive_eq(p + pos, c) &&
		    naive_from(r, i + 1, pos + c->len, p, len))
			return true;
	return false;
}

static enum ips_action naive_match(const struct nr *rules, int nrules,
				   int proto, int dport, const uint8_t *p,
				   long len, char *sids, size_t slen)
{
	bool matched = false, drop = false;
	size_t o = 0;
	int i;

	sids[0] = 0;
	for (i = 0; i < nrules; i++) {
		const struct nr *r = &rules[i];

		if ((r->proto && r->proto != proto) ||
		    (r->dport >= 0 && r->dport != dport) ||
		    !naive_from(r, 0, 0, p, len))
			continue;
		if (r->action == IPS_PASS) {
			sids[0] = 0;
			return IPS_PASS;
		}
		matched = true;
		drop |= r->action == IPS_DROP;
		o += snprintf(sids + o, slen - o, "%s%d", o ? "," : "", i + 1);
	}
	return !matched ? IPS_PASS : drop ? IPS_DROP : IPS_ALERT;
}

static void random_rule(struct nr *r)
{
	static const char alpha[] = "abAB";
	int i, j, fast = -1;

	memset(r, 0, sizeof(*r));
	r->action = rng() % 50 == 0 ? IPS_PASS : rng() % 3 ? IPS_ALERT : IPS_DROP;
	r->proto = (int[]){ 0, 6, 6, 17 }[rng() % 4];
	r->dport = rng() % 4 ? -1 : 80;
	r->n = rng() % 16 ? 1 + rng() % 3 : 0;
	if (r->action == IPS_PASS)	/* rare, or every input passes */
		r->n = 3;
	for (i = 0; i < r->n; i++) {
		struct nc *c = &r->c[i];

		c->len = r->action == IPS_PASS ? 3 : 1 + rng() % 3;
		for (j = 0; j < c->len; j++)
			c->pat[j] = alpha[rng() % 4];
		c->nocase = rng() % 3 == 0;
		c->neg = rng() % 6 == 0;
		if (i && rng() % 2) {
			if (rng() % 2) {
				c->flags |= IPS_C_DISTANCE;
				c->distance = (int)(rng() % 6) - 2;
			}
			if (rng() % 2) {
				c->flags |= IPS_C_WITHIN;
				c->within = c->len + rng() % 4;
			}
		} else if (rng() % 3 == 0) {
			if (rng() % 2) {
				c->flags |= IPS_C_OFFSET;
				c->offset = rng() % 5;
			}
			if (rng() % 2) {
				c->flags |= IPS_C_DEPTH;
				c->depth = c->len + rng() % 6;
			}
		}
		if (!c->neg && rng() % 5 == 0)
			fast = i;
	}
	if (fast >= 0)
		r->c[fast].fast = true;
}

static size_t render(const struct nr *r, int sid, char *out, size_t len)
{
	static const char *const act[] = { "alert", "drop", "pass" };
	size_t o;
	int i;

	o = snprintf(out, len, "%s %s any any -> any ", act[r->action],
		     r->proto == 6 ? "tcp" : r->proto == 17 ? "udp" : "ip");
	o += r->dport < 0 ? snprintf(out + o, len - o, "any") :
			    snprintf(out + o, len - o, "%d", r->dport);
	o += snprintf(out + o, len - o, " (msg:\"r%d\";", sid);
	for (i = 0; i < r->n; i++) {
		const struct nc *c = &r->c[i];

		o += snprintf(out + o, len - o, " content:%s\"%.*s\";",
			      c->neg ? "!" : "", c->len, c->pat);
		if (c->nocase)
			o += snprintf(out + o, len - o, " nocase;");
		if (c->fast)
			o += snprintf(out + o, len - o, " fast_pattern;");
		if (c->flags & IPS_C_OFFSET)
			o += snprintf(out + o, len - o, " offset:%d;", c->offset);
		if (c->flags & IPS_C_DEPTH)
			o += snprintf(out + o, len - o, " depth:%d;", c->depth);
		if (c->flags & IPS_C_DISTANCE)
			o += snprintf(out + o, len - o, " distance:%d;", c->distance);
		if (c->flags & IPS_C_WITHIN)
			o += snprintf(out + o, len - o, " within:%d;", c->within);
	}
	o += snprintf(out + o, len - o, " sid:%d;)\n", sid);
	return o;
}

#define PROP_RULES 200

START_TEST(test_against_naive)
{
	static struct nr rules[PROP_RULES];
	static struct ips_hit hits[PROP_RULES];
	size_t cap = PROP_RULES * 400, o = 0, n;
	char *text = malloc(cap), err[256];
	char want[PROP_RULES * 8], got[PROP_RULES * 8];
	struct ips_ruleset *rs;
	int i, k;
	size_t lo = PROP_RULES, hi = 0;

	ck_assert_ptr_nonnull(text);
	rng_state = 0x9e3779b97f4a7c15ULL * (_i + 1);
	for (i = 0; i < PROP_RULES; i++) {
		random_rule(&rules[i]);
		o += render(&rules[i], i + 1, text + o, cap - o);
	}
	/* Odd seeds: the sparse automaton, as a rule set too big for the DFA gets. */
	ips_ac_full_max = _i % 2 ? 0 : IPS_AC_FULL_MAX;
	rs = ips_load_text("rand", text, o, err, sizeof(err));
	ips_ac_full_max = IPS_AC_FULL_MAX;
	ck_assert_msg(rs, "seed %d: %s", _i, err);
	for (k = 0; k < 400; k++) {
		uint8_t pay[40];
		/* short ones too, where most rules cannot match */
		long len = rng() % 3 ? rng() % sizeof(pay) : rng() % 4;
		struct ips_input in = {
			.proto = rng() % 2 ? IPPROTO_TCP : IPPROTO_UDP,
			.dport = rng() % 2 ? 80 : 81,
			.payload = pay, .payload_len = len,
		};
		enum ips_action v, w;

		for (i = 0; i < len; i++)
			pay[i] = "abABc"[rng() % 5];
		w = naive_match(rules, PROP_RULES, in.proto, in.dport, pay,
				len, want, sizeof(want));
		v = ips_match(rs, &in, hits, PROP_RULES, &n);
		sid_list(hits, n, got, sizeof(got));
		ck_assert_msg(v == w && !strcmp(want, got),
			      "seed %d input %d '%.*s': ips %d [%s], naive %d [%s]",
			      _i, k, (int)len, pay, v, got, w, want);
		lo = n < lo ? n : lo;
		hi = n > hi ? n : hi;
	}
	/* Rules must both match and not, or the comparison proves little. */
	ck_assert_msg(lo < 15 && hi > 40, "hits from %zu to %zu", lo, hi);
	free(text);
	ips_free(rs);
}
END_TEST

/* Packet-level rules with no pass rule, so that hit lists are long. */
START_TEST(test_against_naive_no_pass)
{
	static struct nr rules[PROP_RULES];
	static struct ips_hit hits[PROP_RULES];
	size_t cap = PROP_RULES * 400, o = 0, n, total = 0;
	char *text = malloc(cap), err[256];
	char want[PROP_RULES * 8], got[PROP_RULES * 8];
	struct ips_ruleset *rs;
	int i, k;

	ck_assert_ptr_nonnull(text);
	rng_state = 0x2545f4914f6cdd1dULL * (_i + 7);
	for (i = 0; i < PROP_RULES; i++) {
		random_rule(&rules[i]);
		if (rules[i].action == IPS_PASS)
			rules[i].action = IPS_ALERT;
		o += render(&rules[i], i + 1, text + o, cap - o);
	}
	rs = ips_load_text("rand", text, o, err, sizeof(err));
	ck_assert_msg(rs, "seed %d: %s", _i, err);
	for (k = 0; k < 300; k++) {
		uint8_t pay[64];
		long len = rng() % sizeof(pay);
		struct ips_input in = {
			.proto = IPPROTO_TCP, .dport = 80,
			.payload = pay, .payload_len = len,
		};
		enum ips_action v, w;

		for (i = 0; i < len; i++)
			pay[i] = "abAB"[rng() % 4];
		w = naive_match(rules, PROP_RULES, in.proto, in.dport, pay,
				len, want, sizeof(want));
		v = ips_match(rs, &in, hits, PROP_RULES, &n);
		sid_list(hits, n, got, sizeof(got));
		ck_assert_msg(v == w && !strcmp(want, got),
			      "seed %d input %d '%.*s': ips %d [%s], naive %d [%s]",
			      _i, k, (int)len, pay, v, got, w, want);
		total += n;
	}
	ck_assert_uint_gt(total, 300 * 5);
	free(text);
	ips_free(rs);
}
END_TEST

/* max caps the hits, not the verdict; n = 0 and NULL hits are fine. */
START_TEST(test_hit_cap)
{
	const char *text = "alert tcp any any -> any any (msg:\"a\"; content:\"x\"; sid:1;)\n"
			   "drop tcp any any -> any any (msg:\"d\"; content:\"x\"; sid:2;)\n";
	struct ips_ruleset *rs = ips_load_text("t", text, strlen(text), NULL, 0);
	struct ips_input in = { .proto = IPPROTO_TCP, .payload = (const uint8_t *)"x", .payload_len = 1 };
	struct ips_hit h[1];
	struct l7_msg m = { .present = false };
	size_t n;

	ck_assert_ptr_nonnull(rs);
	ck_assert_int_eq(ips_match(rs, &in, h, 1, &n), IPS_DROP);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(h[0].sid, 1);
	ck_assert_str_eq(h[0].msg, "a");
	ck_assert_uint_eq(h[0].rev, 1);
	ck_assert_int_eq(ips_match(rs, &in, NULL, 0, &n), IPS_DROP);
	ck_assert_uint_eq(n, 0);
	in.msg = &m;	/* a message the parser did not fill */
	ck_assert_int_eq(ips_match(rs, &in, h, 1, &n), IPS_PASS);
	ck_assert_int_eq(ips_match(NULL, &in, h, 1, &n), IPS_PASS);
	ips_free(rs);
}
END_TEST

Suite *ips_suite(void)
{
	Suite *s = suite_create("ips");
	TCase *tc = tcase_create("rules");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_match_table, 0,
			    sizeof(mcases) / sizeof(mcases[0]));
	tcase_add_loop_test(tc, test_error_table, 0,
			    sizeof(ecases) / sizeof(ecases[0]));
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_file);
	tcase_add_test(tc, test_example_file);
	tcase_add_test(tc, test_prefixes);
	tcase_add_test(tc, test_backtracking_bound);
	tcase_add_test(tc, test_memory);
	tcase_add_test(tc, test_hit_cap);
	tcase_add_loop_test(tc, test_against_naive, 0, 12);
	tcase_add_loop_test(tc, test_against_naive_no_pass, 0, 6);
	suite_add_tcase(s, tc);
	return s;
}
