// SPDX-License-Identifier: GPL-2.0-only
/*
 * Forwarded flows through the real programs, in order: tc egress notes a
 * flow only for packets with the forward mark (which the overlay program
 * sets), XDP admits exactly the replies to noted flows and nothing an
 * outsider makes up; idle flows expire; cut and fragmented replies are
 * dropped like any other.
 */
#include <arpa/inet.h>
#include <string.h>
#include <time.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "datapath.skel.h"
#include "harness.h"

#define GW	"203.0.113.1"	/* our uplink address, after NAT */
#define NET	"203.0.113.10"	/* a server on the Internet */
#define OTHER	"203.0.113.99"

struct frame {
	const char *src, *dst;
	__u8 proto;
	__u16 sport, dport;	/* ICMP: type, identifier */
};

/* An Ethernet/IPv4 frame with a TCP, UDP or ICMP header and 8 bytes. */
static void build(struct pkt *p, const struct frame *f)
{
	__u8 *b = p->data;
	size_t l4 = f->proto == IPPROTO_TCP ? 20 : 8, tot = 20 + l4 + 8;

	memset(b, 0, 14 + tot);
	memcpy(b, (const __u8[]){ MAC_A, MAC_B, 0x08, 0x00 }, 14);
	b += 14;
	b[0] = 0x45;
	b[2] = tot >> 8;
	b[3] = tot;
	b[8] = 64;
	b[9] = f->proto;
	inet_pton(AF_INET, f->src, b + 12);
	inet_pton(AF_INET, f->dst, b + 16);
	b += 20;
	if (f->proto == IPPROTO_ICMP) {
		b[0] = f->sport;
		b[4] = f->dport >> 8;
		b[5] = f->dport;
	} else {
		b[0] = f->sport >> 8;
		b[1] = f->sport;
		b[2] = f->dport >> 8;
		b[3] = f->dport;
		if (f->proto == IPPROTO_TCP)
			b[12] = 5 << 4;
		else
			b[5] = l4 + 8;
	}
	p->len = 14 + tot;
}

/* Run one direction; egress with skb->mark. The verdict's reason back. */
static unsigned int run(enum tunctl_dir dir, const struct pkt *p, __u32 mark)
{
	struct __sk_buff ctx = { .mark = mark };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = p->data,
		    .data_size_in = p->len, .repeat = 1);
	unsigned int found;
	__u32 retval;

	zero_percpu(skel->maps.dp_counters, sizeof(struct tunctl_counter));
	if (dir == TUNCTL_DIR_INGRESS) {
		ck_assert_int_eq(run_prog(dir, p, &retval), 0);
	} else {
		opts.ctx_in = &ctx;
		opts.ctx_size_in = sizeof(ctx);
		ck_assert_int_eq(bpf_prog_test_run_opts(
			bpf_program__fd(skel->progs.tunctl_egress), &opts), 0);
		retval = opts.retval;
	}
	found = counted_reason();
	ck_assert_int_eq((int)retval, want_retval(dir,
			 tunctl_reason_is_drop(found) ? DROP : PASS));
	return found;
}

static const struct frame
	dns_out = { GW, NET, IPPROTO_UDP, 40000, 53 },
	dns_back = { NET, GW, IPPROTO_UDP, 53, 40000 },
	dns_back_other_sport = { NET, GW, IPPROTO_UDP, 54, 40000 },
	dns_back_other_host = { OTHER, GW, IPPROTO_UDP, 53, 40000 },
	dns_back_other_dport = { NET, GW, IPPROTO_UDP, 53, 40001 },
	dns_back_as_tcp = { NET, GW, IPPROTO_TCP, 53, 40000 },
	ping_out = { GW, NET, IPPROTO_ICMP, 8, 0x77 },
	ping_back = { NET, GW, IPPROTO_ICMP, 0, 0x77 },
	ping_in = { NET, GW, IPPROTO_ICMP, 8, 0x77 },
	ping_back_other_id = { NET, GW, IPPROTO_ICMP, 0, 0x78 },
	unreach_out = { GW, NET, IPPROTO_ICMP, 3, 0 };

static void flow_setup(void)
{
	struct tunctl_config cfg = { .flags = TUNCTL_CFG_DEFAULT_FLAGS };
	__u32 zero = 0;

	datapath_setup();
	if (skel)
		ck_assert_int_eq(bpf_map__update_elem(skel->maps.dp_config,
				 &zero, 4, &cfg, sizeof(cfg), BPF_ANY), 0);
}

static void clear_flows(void)
{
	struct tunctl_flow_key k, next;

	while (!bpf_map__get_next_key(skel->maps.dp_flows, NULL, &next,
				      sizeof(next))) {
		k = next;
		bpf_map__delete_elem(skel->maps.dp_flows, &k, sizeof(k), 0);
	}
}

START_TEST(test_udp_flow)
{
	struct tunctl_flow_key k = { .proto = IPPROTO_UDP };
	struct tunctl_flow v;
	struct pkt p;

	require_skel();
	clear_flows();
	build(&p, &dns_back);
	ck_assert_uint_eq(run(TUNCTL_DIR_INGRESS, &p, 0), TUNCTL_R_DROP_NO_TUNNEL);
	build(&p, &dns_out);
	ck_assert_uint_eq(run(TUNCTL_DIR_EGRESS, &p, 0), TUNCTL_R_DROP_NO_TUNNEL);
	ck_assert_uint_eq(run(TUNCTL_DIR_EGRESS, &p, TUNCTL_MARK_SOCK),
			  TUNCTL_R_DROP_NO_TUNNEL);
	ck_assert_uint_eq(run(TUNCTL_DIR_EGRESS, &p, TUNCTL_MARK_FWD + 2),
			  TUNCTL_R_DROP_NO_TUNNEL);
	/* A reply before any marked packet left: nothing to answer. */
	build(&p, &dns_back);
	ck_assert_uint_eq(run(TUNCTL_DIR_INGRESS, &p, 0), TUNCTL_R_DROP_NO_TUNNEL);

	build(&p, &dns_out);
	ck_assert_uint_eq(run(TUNCTL_DIR_EGRESS, &p, TUNCTL_MARK_FWD),
			  TUNCTL_R_PASS_FWD_OUT);
	inet_pton(AF_INET, GW, &k.local);
	inet_pton(AF_INET, NET, &k.remote);
	k.lport = htons(40000);
	k.rport = htons(53);
	ck_assert_int_eq(bpf_map__lookup_elem(skel->maps.dp_flows, &k, sizeof(k),
					      &v, sizeof(v), 0), 0);
	ck_assert_uint_eq(v.packets, 1);

	build(&p, &dns_back);
	ck_assert_uint_eq(run(TUNCTL_DIR_INGRESS, &p, 0), TUNCTL_R_PASS_FWD_REPLY);
	build(&p, &dns_back_other_sport);
	ck_assert_uint_eq(run(TUNCTL_DIR_INGRESS, &p, 0), TUNCTL_R_DROP_NO_TUNNEL);
	build(&p, &dns_back_other_host);
	ck_assert_uint_eq(run(TUNCTL_DIR_INGRESS, &p, 0), TUNCTL_R_DROP_NO_TUNNEL);
	build(&p, &dns_back_other_dport);
	ck_assert_uint_eq(run(TUNCTL_DIR_INGRESS, &p, 0), TUNCTL_R_DROP_NO_TUNNEL);
	build(&p, &dns_back_as_tcp);
	ck_assert_uint_eq(run(TUNCTL_DIR_INGRESS, &p, 0), TUNCTL_R_DROP_NO_TUNNEL);
	/* Unmarked, the reverse direction creates nothing either. */
	build(&p, &dns_back);
	ck_assert_uint_eq(run(TUNCTL_DIR_EGRESS, &p, 0), TUNCTL_R_DROP_NO_TUNNEL);
	ck_assert_int_eq(bpf_map__lookup_elem(skel->maps.dp_flows, &k, sizeof(k),
					      &v, sizeof(v), 0), 0);
	ck_assert_uint_eq(v.packets, 2);	/* one out, one reply */
}
END_TEST

START_TEST(test_reply_malformed)
{
	struct pkt p;

	require_skel();
	clear_flows();
	build(&p, &dns_out);
	ck_assert_uint_eq(run(TUNCTL_DIR_EGRESS, &p, TUNCTL_MARK_FWD),
			  TUNCTL_R_PASS_FWD_OUT);
	build(&p, &dns_back);
	p.len = 14 + 20 + 4;		/* UDP header cut */
	p.data[14 + 3] = 24;
	ck_assert_uint_eq(run(TUNCTL_DIR_INGRESS, &p, 0), TUNCTL_R_DROP_TRUNC_L4);
	build(&p, &dns_back);
	p.data[14 + 6] = 0x20;		/* more fragments */
	ck_assert_uint_eq(run(TUNCTL_DIR_INGRESS, &p, 0), TUNCTL_R_DROP_FRAGMENT);
	build(&p, &dns_back);
	p.len -= 9;			/* IP total length beyond the frame */
	ck_assert_uint_eq(run(TUNCTL_DIR_INGRESS, &p, 0), TUNCTL_R_DROP_TRUNC_IP4);
	build(&p, &dns_back);
	ck_assert_uint_eq(run(TUNCTL_DIR_INGRESS, &p, 0), TUNCTL_R_PASS_FWD_REPLY);
}
END_TEST

START_TEST(test_icmp_echo_flow)
{
	struct pkt p;

	require_skel();
	clear_flows();
	build(&p, &unreach_out);
	ck_assert_uint_eq(run(TUNCTL_DIR_EGRESS, &p, TUNCTL_MARK_FWD),
			  TUNCTL_R_DROP_NO_TUNNEL);
	build(&p, &ping_out);
	ck_assert_uint_eq(run(TUNCTL_DIR_EGRESS, &p, TUNCTL_MARK_FWD),
			  TUNCTL_R_PASS_FWD_OUT);
	build(&p, &ping_back);
	ck_assert_uint_eq(run(TUNCTL_DIR_INGRESS, &p, 0), TUNCTL_R_PASS_FWD_REPLY);
	build(&p, &ping_in);
	ck_assert_uint_eq(run(TUNCTL_DIR_INGRESS, &p, 0), TUNCTL_R_DROP_NO_TUNNEL);
	build(&p, &ping_back_other_id);
	ck_assert_uint_eq(run(TUNCTL_DIR_INGRESS, &p, 0), TUNCTL_R_DROP_NO_TUNNEL);
}
END_TEST

/* A flow idle for longer than TUNCTL_FLOW_IDLE_NS admits nothing. */
START_TEST(test_flow_expires)
{
	struct tunctl_flow_key k = { .proto = IPPROTO_UDP };
	struct tunctl_flow v;
	struct timespec ts;
	struct pkt p;

	require_skel();
	clear_flows();
	build(&p, &dns_out);
	ck_assert_uint_eq(run(TUNCTL_DIR_EGRESS, &p, TUNCTL_MARK_FWD),
			  TUNCTL_R_PASS_FWD_OUT);
	inet_pton(AF_INET, GW, &k.local);
	inet_pton(AF_INET, NET, &k.remote);
	k.lport = htons(40000);
	k.rport = htons(53);
	ck_assert_int_eq(bpf_map__lookup_elem(skel->maps.dp_flows, &k, sizeof(k),
					      &v, sizeof(v), 0), 0);
	/* bpf_ktime_get_coarse_ns is CLOCK_MONOTONIC_COARSE; unsigned math. */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	v.last_ns = (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec -
		    TUNCTL_FLOW_IDLE_NS - 2000000000ULL;
	ck_assert_int_eq(bpf_map__update_elem(skel->maps.dp_flows, &k, sizeof(k),
					      &v, sizeof(v), BPF_EXIST), 0);
	build(&p, &dns_back);
	ck_assert_uint_eq(run(TUNCTL_DIR_INGRESS, &p, 0), TUNCTL_R_DROP_NO_TUNNEL);
	/* The next packet out renews it. */
	build(&p, &dns_out);
	ck_assert_uint_eq(run(TUNCTL_DIR_EGRESS, &p, TUNCTL_MARK_FWD),
			  TUNCTL_R_PASS_FWD_OUT);
	build(&p, &dns_back);
	ck_assert_uint_eq(run(TUNCTL_DIR_INGRESS, &p, 0), TUNCTL_R_PASS_FWD_REPLY);
}
END_TEST

/* The overlay device's program marks everything and decides nothing. */
START_TEST(test_overlay_marks)
{
	struct __sk_buff in = { .mark = 0x1234 }, out = {};
	struct pkt p;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .repeat = 1);

	require_skel();
	build(&p, &dns_out);
	opts.data_in = p.data;
	opts.data_size_in = p.len;
	opts.ctx_in = &in;
	opts.ctx_size_in = sizeof(in);
	opts.ctx_out = &out;
	opts.ctx_size_out = sizeof(out);
	ck_assert_int_eq(bpf_prog_test_run_opts(
		bpf_program__fd(skel->progs.tunctl_overlay_in), &opts), 0);
	ck_assert_int_eq((int)opts.retval, TC_ACT_UNSPEC);
	ck_assert_uint_eq(out.mark, TUNCTL_MARK_FWD);
}
END_TEST

Suite *flow_suite(void)
{
	Suite *s = suite_create("flow");
	TCase *tc = tcase_create("flow");

	tcase_add_unchecked_fixture(tc, flow_setup, datapath_teardown);
	tcase_add_test(tc, test_udp_flow);
	tcase_add_test(tc, test_reply_malformed);
	tcase_add_test(tc, test_icmp_echo_flow);
	tcase_add_test(tc, test_flow_expires);
	tcase_add_test(tc, test_overlay_marks);
	suite_add_tcase(s, tc);
	return s;
}
