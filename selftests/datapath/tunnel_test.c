// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tunnel packets through the real programs: with a listen port, tunnels
 * and sessions in the maps, each crafted message must get its verdict and
 * its reason (admitted handshakes and data; unknown, disabled, wrong-peer,
 * malformed and over-rate ones dropped), both directions.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "datapath.skel.h"
#include "harness.h"
#include "wire.h"

#define PORT		51820
#define PEER_ADDR	"192.0.2.1"	/* IP4_A: the source of ingress frames */
#define PEER_PORT	40000
#define OUT_ADDR	"198.51.100.2"	/* IP4_B: the destination of egress ones */

enum {
	T_SERVER = 10,		/* enabled, we are its server */
	T_DISABLED = 11,	/* server, disabled */
	T_CLIENT = 12,		/* enabled, we are its client */
	S_FIXED = 0x1111,	/* session of T_SERVER, peer PEER_ADDR:PEER_PORT */
	S_DISABLED = 0x2222,	/* session of T_DISABLED */
	S_ROAM = 0x3333,	/* session of T_SERVER whose peer may roam */
	S_NONE = 0x9999,
	S_WRONG_TUNNEL = 0x4444, /* session of T_SERVER; its packets name T_CLIENT */
};

/* A UDP frame: ingress from PEER_ADDR:sport, egress to OUT_ADDR:dport. */
static void udp_frame(struct pkt *p, __u16 sport, __u16 dport,
		      const __u8 *payload, size_t len)
{
	static const __u8 head[] = {
		MAC_A, MAC_B, 0x08, 0x00,
		0x45, 0, 0, 0, 0x12, 0x34, 0, 0, 64, 17, 0, 0, IP4_A, IP4_B,
	};
	__u16 tot = 20 + 8 + len;

	ck_assert_uint_le(sizeof(head) + 8 + len, PKT_MAX);
	memcpy(p->data, head, sizeof(head));
	p->data[16] = tot >> 8;
	p->data[17] = tot;
	p->data[34] = sport >> 8;
	p->data[35] = sport;
	p->data[36] = dport >> 8;
	p->data[37] = dport;
	p->data[38] = (8 + len) >> 8;
	p->data[39] = 8 + len;
	p->data[40] = p->data[41] = 0;
	memcpy(p->data + 42, payload, len);
	p->len = 42 + len;
}

/* The tunnel a session index belongs to, as responses and data name it. */
static __u16 tunnel_of(__u32 index)
{
	switch (index) {
	case S_FIXED:
	case S_ROAM:
		return T_SERVER;
	case S_DISABLED:
		return T_DISABLED;
	case S_WRONG_TUNNEL:
		return T_CLIENT;	/* a session of T_SERVER, naming T_CLIENT */
	default:
		return 0;
	}
}

/*
 * A message: type, the tunnel id (for RESP and DATA: that of the session
 * it names), then two 32-bit fields (raw bytes as on the wire).
 */
static size_t msg(__u8 *buf, __u8 type, __u32 f1_wire, __u32 f2_wire,
		  size_t len)
{
	__u16 tid = tunnel_of(type == TUNCTL_MSG_RESP ? f2_wire : f1_wire);

	memset(buf, 0xa5, len);
	buf[0] = type;
	buf[1] = 0;
	buf[2] = type == TUNCTL_MSG_INIT ? 0 : tid >> 8;
	buf[3] = type == TUNCTL_MSG_INIT ? 0 : tid;
	if (len >= 8)
		memcpy(buf + 4, &f1_wire, 4);
	if (len >= 12)
		memcpy(buf + 8, &f2_wire, 4);
	return len;
}

static void map_put(struct bpf_map *map, const void *k, size_t ks,
		    const void *v, size_t vs)
{
	ck_assert_int_eq(bpf_map__update_elem(map, k, ks, v, vs, BPF_ANY), 0);
}

static void tunnel_setup(void)
{
	struct tunctl_tunnel t;
	struct tunctl_session s = { .peer_port = htons(PEER_PORT) };
	struct tunctl_peer_key pk = { .port = htons(PORT) };
	struct tunctl_config cfg = {
		.flags = TUNCTL_CFG_DEFAULT_FLAGS, .listen_port = htons(PORT),
		.hs_rate = 1000,
	};
	__u32 k, zero = 0, one = 1;

	datapath_setup();
	if (!skel)
		return;
	map_put(skel->maps.dp_config, &zero, 4, &cfg, sizeof(cfg));
	k = T_SERVER;
	t = (struct tunctl_tunnel){ .flags = TUNCTL_TUN_ENABLED | TUNCTL_TUN_SERVER };
	map_put(skel->maps.dp_tunnels, &k, 4, &t, sizeof(t));
	k = T_DISABLED;
	t = (struct tunctl_tunnel){ .flags = TUNCTL_TUN_SERVER };
	map_put(skel->maps.dp_tunnels, &k, 4, &t, sizeof(t));
	k = T_CLIENT;
	t = (struct tunctl_tunnel){ .flags = TUNCTL_TUN_ENABLED };
	map_put(skel->maps.dp_tunnels, &k, 4, &t, sizeof(t));

	inet_pton(AF_INET, PEER_ADDR, &s.peer_addr);
	k = S_FIXED;
	s.tunnel_id = T_SERVER;
	map_put(skel->maps.dp_sessions, &k, 4, &s, sizeof(s));
	k = S_WRONG_TUNNEL;
	map_put(skel->maps.dp_sessions, &k, 4, &s, sizeof(s));
	k = S_DISABLED;
	s.tunnel_id = T_DISABLED;
	map_put(skel->maps.dp_sessions, &k, 4, &s, sizeof(s));
	k = S_ROAM;
	s.tunnel_id = T_SERVER;
	s.roam = 1;
	s.peer_addr = 0;
	map_put(skel->maps.dp_sessions, &k, 4, &s, sizeof(s));

	inet_pton(AF_INET, OUT_ADDR, &pk.addr);
	map_put(skel->maps.dp_peers, &pk, sizeof(pk), &one, 4);
}

struct tcase_def {
	const char *name;
	enum tunctl_dir dir;
	__u16 sport, dport;
	__u8 type;
	__u32 f1, f2;		/* in wire byte order */
	size_t len;
	enum verdict verdict;
	enum tunctl_reason reason;
};

#define IN	TUNCTL_DIR_INGRESS
#define OUT	TUNCTL_DIR_EGRESS
#define INIT_LEN sizeof(struct tunctl_msg_init)
#define RESP_LEN sizeof(struct tunctl_msg_resp)
#define DATA_LEN (TUNCTL_DATA_OVERHEAD + 20)
/* Tunnel ids are big-endian on the wire, indices little-endian (x86). */
#define TID(x)	__builtin_bswap32(x)

static const struct tcase_def cases[] = {
	{ "init for our server tunnel", IN, PEER_PORT, PORT, TUNCTL_MSG_INIT,
	  TID(T_SERVER), 0, INIT_LEN, PASS, TUNCTL_R_PASS_TUNNEL_HS },
	{ "init from any address (the client may roam)", IN, 1234, PORT,
	  TUNCTL_MSG_INIT, TID(T_SERVER), 0, INIT_LEN, PASS,
	  TUNCTL_R_PASS_TUNNEL_HS },
	{ "init for a disabled tunnel", IN, PEER_PORT, PORT, TUNCTL_MSG_INIT,
	  TID(T_DISABLED), 0, INIT_LEN, DROP, TUNCTL_R_DROP_TUN_DISABLED },
	{ "init for a tunnel we are the client of", IN, PEER_PORT, PORT,
	  TUNCTL_MSG_INIT, TID(T_CLIENT), 0, INIT_LEN, DROP,
	  TUNCTL_R_DROP_TUN_UNKNOWN },
	{ "init for an unknown tunnel", IN, PEER_PORT, PORT, TUNCTL_MSG_INIT,
	  TID(99), 0, INIT_LEN, DROP, TUNCTL_R_DROP_TUN_UNKNOWN },
	{ "init a byte short", IN, PEER_PORT, PORT, TUNCTL_MSG_INIT,
	  TID(T_SERVER), 0, INIT_LEN - 1, DROP, TUNCTL_R_DROP_TUN_MALFORMED },
	{ "init a byte long", IN, PEER_PORT, PORT, TUNCTL_MSG_INIT,
	  TID(T_SERVER), 0, INIT_LEN + 1, DROP, TUNCTL_R_DROP_TUN_MALFORMED },
	{ "response to our session, from its peer", IN, PEER_PORT, PORT,
	  TUNCTL_MSG_RESP, 0x77, S_FIXED, RESP_LEN, PASS,
	  TUNCTL_R_PASS_TUNNEL_HS },
	{ "response from another port", IN, PEER_PORT + 1, PORT,
	  TUNCTL_MSG_RESP, 0x77, S_FIXED, RESP_LEN, DROP,
	  TUNCTL_R_DROP_TUN_PEER },
	{ "response to an unknown session", IN, PEER_PORT, PORT,
	  TUNCTL_MSG_RESP, 0x77, S_NONE, RESP_LEN, DROP,
	  TUNCTL_R_DROP_TUN_UNKNOWN },
	{ "response of the wrong size", IN, PEER_PORT, PORT, TUNCTL_MSG_RESP,
	  0x77, S_FIXED, RESP_LEN + 4, DROP, TUNCTL_R_DROP_TUN_MALFORMED },
	{ "data naming another tunnel than its session's", IN, PEER_PORT, PORT,
	  TUNCTL_MSG_DATA, S_WRONG_TUNNEL, 0, DATA_LEN, DROP, TUNCTL_R_DROP_TUN_UNKNOWN },
	{ "data for our session, from its peer", IN, PEER_PORT, PORT,
	  TUNCTL_MSG_DATA, S_FIXED, 0, DATA_LEN, PASS,
	  TUNCTL_R_PASS_TUNNEL_DATA },
	{ "data from the wrong port", IN, PEER_PORT + 1, PORT, TUNCTL_MSG_DATA,
	  S_FIXED, 0, DATA_LEN, DROP, TUNCTL_R_DROP_TUN_PEER },
	{ "data for a roaming session, from anywhere", IN, 999, PORT,
	  TUNCTL_MSG_DATA, S_ROAM, 0, DATA_LEN, PASS,
	  TUNCTL_R_PASS_TUNNEL_DATA },
	{ "data for a disabled tunnel's session", IN, PEER_PORT, PORT,
	  TUNCTL_MSG_DATA, S_DISABLED, 0, DATA_LEN, DROP,
	  TUNCTL_R_DROP_TUN_DISABLED },
	{ "data for an unknown session", IN, PEER_PORT, PORT, TUNCTL_MSG_DATA,
	  S_NONE, 0, DATA_LEN, DROP, TUNCTL_R_DROP_TUN_UNKNOWN },
	{ "data shorter than header and tag", IN, PEER_PORT, PORT,
	  TUNCTL_MSG_DATA, S_FIXED, 0, TUNCTL_DATA_OVERHEAD - 1, DROP,
	  TUNCTL_R_DROP_TUN_MALFORMED },
	{ "data of header and tag only (keepalive)", IN, PEER_PORT, PORT,
	  TUNCTL_MSG_DATA, S_FIXED, 0, TUNCTL_DATA_OVERHEAD, PASS,
	  TUNCTL_R_PASS_TUNNEL_DATA },
	{ "unknown message type", IN, PEER_PORT, PORT, 3, S_FIXED, 0, 64,
	  DROP, TUNCTL_R_DROP_TUN_MALFORMED },
	{ "shorter than any message", IN, PEER_PORT, PORT, TUNCTL_MSG_DATA,
	  S_FIXED, 0, 11, DROP, TUNCTL_R_DROP_TUN_MALFORMED },
	{ "empty payload", IN, PEER_PORT, PORT, TUNCTL_MSG_DATA, 0, 0, 0, DROP,
	  TUNCTL_R_DROP_TUN_MALFORMED },
	{ "udp to another port", IN, PEER_PORT, PORT + 1, TUNCTL_MSG_DATA,
	  S_FIXED, 0, DATA_LEN, DROP, TUNCTL_R_DROP_NO_TUNNEL },
	{ "our data to a known peer", OUT, PORT, PORT, TUNCTL_MSG_DATA, 5, 0,
	  DATA_LEN, PASS, TUNCTL_R_PASS_TUNNEL_DATA },
	{ "our init to a known peer", OUT, PORT, PORT, TUNCTL_MSG_INIT,
	  TID(T_CLIENT), 0, INIT_LEN, PASS, TUNCTL_R_PASS_TUNNEL_HS },
	{ "our data to an unknown port", OUT, PORT, PORT + 1, TUNCTL_MSG_DATA,
	  5, 0, DATA_LEN, DROP, TUNCTL_R_DROP_TUN_PEER },
	{ "garbage from our port", OUT, PORT, PORT, 9, 5, 0, DATA_LEN, DROP,
	  TUNCTL_R_DROP_TUN_MALFORMED },
	{ "udp from another port to the peer", OUT, PORT + 1, PORT,
	  TUNCTL_MSG_DATA, 5, 0, DATA_LEN, DROP, TUNCTL_R_DROP_NO_TUNNEL },
};

START_TEST(test_tunnel_classes)
{
	const struct tcase_def *c = &cases[_i];
	struct tunctl_counter sum[TUNCTL_COUNTERS_MAX];
	__u8 payload[PKT_MAX];
	struct pkt p;
	__u32 retval, i, total = 0;

	require_skel();
	zero_percpu(skel->maps.dp_counters, sizeof(struct tunctl_counter));
	udp_frame(&p, c->sport, c->dport, payload,
		  msg(payload, c->type, c->f1, c->f2, c->len));
	ck_assert_int_eq(run_prog(c->dir, &p, &retval), 0);
	read_counters(sum);
	for (i = 0; i < TUNCTL_COUNTERS_MAX; i++)
		total += sum[i].packets;
	ck_assert_msg((int)retval == want_retval(c->dir, c->verdict),
		      "%s: returned %d", c->name, (int)retval);
	ck_assert_msg(total == 1 &&
		      sum[c->dir * TUNCTL_R_MAX + c->reason].packets == 1,
		      "%s: not counted once as %s", c->name,
		      reason_name(c->reason));
}
END_TEST

/* Handshakes beyond hs_rate per second per CPU are dropped; data is not. */
START_TEST(test_handshake_rate_limit)
{
	struct tunctl_config cfg = {
		.flags = TUNCTL_CFG_DEFAULT_FLAGS, .listen_port = htons(PORT),
		.hs_rate = 3,
	};
	struct tunctl_counter sum[TUNCTL_COUNTERS_MAX];
	__u8 payload[PKT_MAX];
	struct pkt init, data;
	__u32 retval, zero = 0;
	int i;

	require_skel();
	pin_to_this_cpu();
	map_put(skel->maps.dp_config, &zero, 4, &cfg, sizeof(cfg));
	zero_percpu(skel->maps.dp_hs_rl, sizeof(struct tunctl_hs_rl));
	zero_percpu(skel->maps.dp_counters, sizeof(struct tunctl_counter));
	udp_frame(&init, 1234, PORT, payload,
		  msg(payload, TUNCTL_MSG_INIT, TID(T_SERVER), 0, INIT_LEN));
	udp_frame(&data, PEER_PORT, PORT, payload,
		  msg(payload, TUNCTL_MSG_DATA, S_FIXED, 0, DATA_LEN));
	for (i = 0; i < 10; i++) {
		ck_assert_int_eq(run_prog(IN, &init, &retval), 0);
		ck_assert_int_eq(run_prog(IN, &data, &retval), 0);
		ck_assert_msg((int)retval == want_retval(IN, PASS),
			      "data %d dropped in a flood", i);
	}
	read_counters(sum);
	ck_assert_uint_eq(sum[TUNCTL_R_PASS_TUNNEL_HS].packets, 3);
	ck_assert_uint_eq(sum[TUNCTL_R_DROP_TUN_HS_RATE].packets, 7);
	ck_assert_uint_eq(sum[TUNCTL_R_PASS_TUNNEL_DATA].packets, 10);
	cfg.hs_rate = 1000;
	map_put(skel->maps.dp_config, &zero, 4, &cfg, sizeof(cfg));
}
END_TEST

/* Without a listen port, the same packets are just default-denied. */
START_TEST(test_no_listen_port)
{
	struct tunctl_config cfg = { .flags = TUNCTL_CFG_DEFAULT_FLAGS };
	struct tunctl_counter sum[TUNCTL_COUNTERS_MAX];
	__u8 payload[PKT_MAX];
	__u32 retval, zero = 0;
	struct pkt p;

	require_skel();
	map_put(skel->maps.dp_config, &zero, 4, &cfg, sizeof(cfg));
	zero_percpu(skel->maps.dp_counters, sizeof(struct tunctl_counter));
	udp_frame(&p, PEER_PORT, PORT, payload,
		  msg(payload, TUNCTL_MSG_DATA, S_FIXED, 0, DATA_LEN));
	ck_assert_int_eq(run_prog(IN, &p, &retval), 0);
	ck_assert_int_eq((int)retval, want_retval(IN, DROP));
	read_counters(sum);
	ck_assert_uint_eq(sum[TUNCTL_R_DROP_NO_TUNNEL].packets, 1);
	cfg.listen_port = htons(PORT);
	cfg.hs_rate = 1000;
	map_put(skel->maps.dp_config, &zero, 4, &cfg, sizeof(cfg));
}
END_TEST

/*
 * Batches on tc ingress: one skb to our port holding datagrams of gso_size
 * bytes each (the last may be shorter), as GRO builds them and a veth
 * peer's GSO hands them over. Every datagram is judged on its own.
 */
struct batch_def {
	const char *name;
	__u32 n;		/* datagrams */
	__u32 seg;		/* gso_size */
	__u32 last_len;		/* the last one's length; 0: seg */
	int bad;		/* index of the odd one out, -1: none */
	__u8 bad_type;
	__u32 bad_f1;
	__u32 bad_len;
	enum verdict verdict;
	__u32 reason;
};

#define BAD_NONE -1, 0, 0, 0

static const struct batch_def batches[] = {
	{ "45 data datagrams of one session", 45, DATA_LEN, 0, BAD_NONE,
	  PASS, TUNCTL_R_PASS_TUNNEL_DATA },
	{ "a shorter last datagram", 10, DATA_LEN, TUNCTL_DATA_OVERHEAD,
	  BAD_NONE, PASS, TUNCTL_R_PASS_TUNNEL_DATA },
	{ "64 datagrams: the limit", 64, TUNCTL_DATA_OVERHEAD, 0, BAD_NONE,
	  PASS, TUNCTL_R_PASS_TUNNEL_DATA },
	{ "65 datagrams: one over the limit", 65, TUNCTL_DATA_OVERHEAD, 0,
	  BAD_NONE, DROP, TUNCTL_R_DROP_TUN_BATCH },
	{ "an unknown session at the end", 20, DATA_LEN, 0, 19,
	  TUNCTL_MSG_DATA, S_NONE, DATA_LEN, DROP, TUNCTL_R_DROP_TUN_UNKNOWN },
	{ "a disabled tunnel's datagram inside", 20, DATA_LEN, 0, 7,
	  TUNCTL_MSG_DATA, S_DISABLED, DATA_LEN, DROP,
	  TUNCTL_R_DROP_TUN_DISABLED },
	{ "a session naming another tunnel inside", 5, DATA_LEN, 0, 2,
	  TUNCTL_MSG_DATA, S_WRONG_TUNNEL, DATA_LEN, DROP,
	  TUNCTL_R_DROP_TUN_UNKNOWN },
	{ "garbage second", 3, DATA_LEN, 0, 1, 0x7f, S_FIXED, DATA_LEN, DROP,
	  TUNCTL_R_DROP_TUN_MALFORMED },
	{ "a last datagram too short for data", 4, DATA_LEN,
	  TUNCTL_DATA_OVERHEAD - 1, BAD_NONE, DROP,
	  TUNCTL_R_DROP_TUN_MALFORMED },
	{ "a last datagram too short for a head", 4, DATA_LEN, 5, BAD_NONE,
	  DROP, TUNCTL_R_DROP_TUN_MALFORMED },
	{ "an initiation among data", 3, INIT_LEN, 0, 1, TUNCTL_MSG_INIT,
	  TID(T_SERVER), INIT_LEN, PASS, TUNCTL_R_PASS_TUNNEL_DATA },
	/* The first datagram is judged at its own length, not the batch's. */
	{ "an initiation first", 3, INIT_LEN, 0, 0, TUNCTL_MSG_INIT,
	  TID(T_SERVER), INIT_LEN, PASS, TUNCTL_R_PASS_TUNNEL_HS },
	{ "a disabled tunnel's initiation first", 3, INIT_LEN, 0, 0,
	  TUNCTL_MSG_INIT, TID(T_DISABLED), INIT_LEN, DROP,
	  TUNCTL_R_DROP_TUN_DISABLED },
	{ "a disabled tunnel's initiation among data", 3, INIT_LEN, 0, 2,
	  TUNCTL_MSG_INIT, TID(T_DISABLED), INIT_LEN, DROP,
	  TUNCTL_R_DROP_TUN_DISABLED },
};

/* Datagrams are S_FIXED's data from its peer, bar the odd one out. */
static void batch_frame(struct pkt_big *p, const struct batch_def *b)
{
	static const __u8 head[] = {
		MAC_A, MAC_B, 0x08, 0x00,
		0x45, 0, 0, 0, 0x12, 0x34, 0, 0, 64, 17, 0, 0, IP4_A, IP4_B,
		PEER_PORT >> 8, PEER_PORT & 0xff, PORT >> 8, PORT & 0xff,
		0, 0, 0, 0,
	};
	__u32 i, off = sizeof(head), len, udp;

	memcpy(p->data, head, sizeof(head));
	for (i = 0; i < b->n; i++) {
		len = i + 1 == b->n && b->last_len ? b->last_len : b->seg;
		ck_assert_uint_le(off + len, PKT_BIG_MAX);
		if ((int)i == b->bad)
			msg(p->data + off, b->bad_type, b->bad_f1, 0,
			    b->bad_len);
		else
			msg(p->data + off, TUNCTL_MSG_DATA, S_FIXED, 0, len);
		off += len;
	}
	udp = off - 34;
	p->data[16] = (udp + 20) >> 8;
	p->data[17] = udp + 20;
	p->data[38] = udp >> 8;
	p->data[39] = udp;
	p->len = off;
}

START_TEST(test_tc_batches)
{
	const struct batch_def *b = &batches[_i];
	struct tunctl_counter sum[TUNCTL_COUNTERS_MAX];
	struct pkt_big p;
	__u32 retval, i, total = 0;

	require_skel();
	zero_percpu(skel->maps.dp_counters, sizeof(struct tunctl_counter));
	batch_frame(&p, b);
	ck_assert_int_eq(run_tc_batch(&p, b->seg, b->n, &retval), 0);
	read_counters(sum);
	for (i = 0; i < TUNCTL_COUNTERS_MAX; i++)
		total += sum[i].packets;
	ck_assert_msg((int)retval == (b->verdict == PASS ? TC_ACT_UNSPEC :
				      TC_ACT_SHOT),
		      "%s: returned %d", b->name, (int)retval);
	/* A batch counts once, with all its bytes. */
	ck_assert_msg(total == 1 && sum[b->reason].packets == 1 &&
		      sum[b->reason].bytes == p.len,
		      "%s: not counted once as %s", b->name,
		      reason_name(b->reason));
}
END_TEST

/*
 * gso_segs is not trusted (virtio leaves it for the stack to count): a
 * batch that says "1 segment" is still walked by gso_size; and without a
 * gso_size, the same bytes are one datagram, judged by its head.
 */
START_TEST(test_tc_batch_segs_ignored)
{
	const struct batch_def b = { "disabled inside", 6, DATA_LEN, 0, 3,
		TUNCTL_MSG_DATA, S_DISABLED, DATA_LEN, DROP, 0 };
	struct pkt_big p;
	__u32 retval;

	require_skel();
	batch_frame(&p, &b);
	ck_assert_int_eq(run_tc_batch(&p, DATA_LEN, 1, &retval), 0);
	ck_assert_int_eq((int)retval, TC_ACT_SHOT);
	ck_assert_int_eq(run_tc_batch(&p, DATA_LEN, 0, &retval), 0);
	ck_assert_int_eq((int)retval, TC_ACT_SHOT);
	ck_assert_int_eq(run_tc_batch(&p, 0, 0, &retval), 0);
	ck_assert_int_eq((int)retval, TC_ACT_UNSPEC);
}
END_TEST

/* A relaying node's tc datapath cannot judge hops: it fails closed. */
START_TEST(test_tc_relay_refused)
{
	struct tunctl_config cfg = {
		.flags = TUNCTL_CFG_DEFAULT_FLAGS | TUNCTL_CFG_RELAY,
		.listen_port = htons(PORT), .hs_rate = 1000,
	};
	const struct batch_def b = { "relay", 3, DATA_LEN, 0, BAD_NONE,
				     PASS, 0 };
	struct pkt_big p;
	__u32 retval, zero = 0;

	require_skel();
	map_put(skel->maps.dp_config, &zero, 4, &cfg, sizeof(cfg));
	zero_percpu(skel->maps.dp_counters, sizeof(struct tunctl_counter));
	batch_frame(&p, &b);
	ck_assert_int_eq(run_tc_batch(&p, DATA_LEN, 3, &retval), 0);
	ck_assert_int_eq((int)retval, TC_ACT_SHOT);
	cfg.flags &= ~TUNCTL_CFG_RELAY;
	map_put(skel->maps.dp_config, &zero, 4, &cfg, sizeof(cfg));
	ck_assert_int_eq(run_tc_batch(&p, DATA_LEN, 3, &retval), 0);
	ck_assert_int_eq((int)retval, TC_ACT_UNSPEC);
}
END_TEST

static void tunnel_setup_tc(void)
{
	tunnel_setup();
	ingress_tc = 1;
}

/* The tests both ingress programs (and egress) answer alike. */
static void add_tunnel_tests(TCase *tc)
{
	tcase_add_loop_test(tc, test_tunnel_classes, 0,
			    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_handshake_rate_limit);
	tcase_add_test(tc, test_no_listen_port);
}

Suite *tunnel_suite(void)
{
	Suite *s = suite_create("tunnel");
	TCase *tc = tcase_create("tunnel");

	tcase_add_unchecked_fixture(tc, tunnel_setup, datapath_teardown);
	add_tunnel_tests(tc);
	suite_add_tcase(s, tc);

	/* The same through the tc ingress program, and its batches. */
	tc = tcase_create("tunnel-tc");
	tcase_add_unchecked_fixture(tc, tunnel_setup_tc, datapath_teardown_tc);
	add_tunnel_tests(tc);
	tcase_add_loop_test(tc, test_tc_batches, 0,
			    sizeof(batches) / sizeof(batches[0]));
	tcase_add_test(tc, test_tc_batch_segs_ignored);
	tcase_add_test(tc, test_tc_relay_refused);
	suite_add_tcase(s, tc);
	return s;
}
