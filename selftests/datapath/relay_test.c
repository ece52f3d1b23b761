// SPDX-License-Identifier: GPL-2.0-only
/*
 * The relay rewrite through the real XDP program, byte for byte. The test
 * moves itself into a network namespace of its own (nothing of this
 * machine's network is touched) with a veth whose neighbour table knows
 * the next hop, so bpf_fib_lookup answers as on a live relay. Each frame
 * must leave with the expected bytes (addresses, ports, TTL, a valid IP
 * checksum, no UDP checksum, the next hop's MAC) or be dropped with the
 * expected reason.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "datapath.skel.h"
#include "harness.h"

#define PORT 51820
#define A_ADDR "198.18.9.50"	/* the registered neighbour */
#define ME "198.18.9.1"		/* the relay, on rl0 */
#define NEXT "198.18.9.2"	/* next hop, MAC known */
#define NEXT_NONEIGH "198.18.9.3"
#define NEXT_NOROUTE "10.99.0.1"
#define TID 10

static const __u8 next_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static __u8 my_mac[6];
static int ifindex;

static void sh(const char *cmd)
{
	ck_assert_msg(system(cmd) == 0, "%s", cmd);
}

static void relay_setup(void)
{
	struct tunctl_config cfg = {
		.flags = TUNCTL_CFG_DEFAULT_FLAGS | TUNCTL_CFG_RELAY,
		.listen_port = htons(PORT), .hs_rate = 1000,
	};
	struct tunctl_relay_key k = { .port = htons(PORT), .tunnel_id = TID };
	struct tunctl_relay_hop v = { .next_port = htons(PORT + 1) };
	__u32 zero = 0;
	struct ifreq ifr = {};
	int fd;

	datapath_setup();
	if (!skel)
		return;
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	sh("ip link add rl0 type veth peer name rl1");
	sh("ip addr add " ME "/24 dev rl0");
	sh("ip link set rl0 up && ip link set rl1 up && ip link set lo up");
	sh("ip neigh replace " NEXT " lladdr 02:00:00:00:00:02 dev rl0 nud permanent");
	sh("echo 1 > /proc/sys/net/ipv4/conf/rl0/forwarding");
	ifindex = if_nametoindex("rl0");
	/* Not from /sys: that still shows the namespace it was mounted in. */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "rl0");
	ck_assert_int_eq(ioctl(fd, SIOCGIFHWADDR, &ifr), 0);
	memcpy(my_mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);

	ck_assert_int_eq(bpf_map__update_elem(skel->maps.dp_config, &zero, 4,
					      &cfg, sizeof(cfg), BPF_ANY), 0);
	inet_pton(AF_INET, A_ADDR, &k.addr);
	inet_pton(AF_INET, NEXT, &v.next_addr);
	inet_pton(AF_INET, ME, &v.src_addr);
	ck_assert_int_eq(bpf_map__update_elem(skel->maps.dp_relay, &k, sizeof(k),
					      &v, sizeof(v), BPF_ANY), 0);
	k.tunnel_id = TID + 1;		/* to a next hop with no neighbour entry */
	inet_pton(AF_INET, NEXT_NONEIGH, &v.next_addr);
	ck_assert_int_eq(bpf_map__update_elem(skel->maps.dp_relay, &k, sizeof(k),
					      &v, sizeof(v), BPF_ANY), 0);
	k.tunnel_id = TID + 2;		/* to a next hop with no route */
	inet_pton(AF_INET, NEXT_NOROUTE, &v.next_addr);
	ck_assert_int_eq(bpf_map__update_elem(skel->maps.dp_relay, &k, sizeof(k),
					      &v, sizeof(v), BPF_ANY), 0);
}

static __u16 ip_csum(const __u8 *h)
{
	__u32 sum = 0;
	int i;

	for (i = 0; i < 20; i += 2)
		sum += h[i] << 8 | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* A data message of tunnel tid from A_ADDR:PORT to us, 32 bytes. */
static void frame(struct pkt *p, __u16 tid, __u8 ttl)
{
	__u8 *b = p->data;
	__u16 c;

	memset(b, 0, 14 + 20 + 8 + 32);
	memcpy(b, my_mac, 6);
	memcpy(b + 6, (__u8[]){ 0x02, 0, 0, 0, 0, 0x50 }, 6);
	b[12] = 0x08;
	b[14] = 0x45;
	b[16] = 0;
	b[17] = 20 + 8 + 32;
	b[18] = 0x12;
	b[19] = 0x34;
	b[22] = ttl;
	b[23] = IPPROTO_UDP;
	inet_pton(AF_INET, A_ADDR, b + 26);
	inet_pton(AF_INET, ME, b + 30);
	c = ip_csum(b + 14);
	b[24] = c >> 8;
	b[25] = c;
	b[34] = PORT >> 8;
	b[35] = PORT & 0xff;
	b[36] = PORT >> 8;
	b[37] = PORT & 0xff;
	b[39] = 8 + 32;
	b[40] = 0xbe;			/* some checksum, to be zeroed */
	b[41] = 0xef;
	b[42] = 4;			/* DATA */
	b[44] = tid >> 8;
	b[45] = tid;
	memset(b + 46, 0x5a, 28);	/* receiver, counter, "ciphertext" */
	p->len = 14 + 20 + 8 + 32;
}

static unsigned int run(const struct pkt *in, struct pkt *out, __u32 *act)
{
	struct xdp_md ctx = {
		.data = 0, .data_end = in->len, .ingress_ifindex = ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in->data,
		    .data_size_in = in->len, .data_out = out->data,
		    .data_size_out = sizeof(out->data), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);

	zero_percpu(skel->maps.dp_counters, sizeof(struct tunctl_counter));
	ck_assert_int_eq(bpf_prog_test_run_opts(
		bpf_program__fd(skel->progs.tunctl_ingress), &opts), 0);
	out->len = opts.data_size_out;
	*act = opts.retval;
	return counted_reason();
}

START_TEST(test_relay_rewrite)
{
	struct tunctl_relay_key k = { .port = htons(PORT), .tunnel_id = TID };
	struct tunctl_relay_hop v;
	struct pkt in, out, want;
	__u32 act;
	__u16 c;

	require_skel();
	frame(&in, TID, 64);
	ck_assert_uint_eq(run(&in, &out, &act), TUNCTL_R_PASS_RELAY);
	ck_assert_uint_eq(act, XDP_TX);
	/* What must leave: the same frame, rewritten field by field. */
	want = in;
	memcpy(want.data, next_mac, 6);
	memcpy(want.data + 6, my_mac, 6);
	want.data[22] = 63;				/* TTL */
	inet_pton(AF_INET, ME, want.data + 26);
	inet_pton(AF_INET, NEXT, want.data + 30);
	want.data[24] = want.data[25] = 0;
	c = ip_csum(want.data + 14);
	want.data[24] = c >> 8;
	want.data[25] = c;
	want.data[36] = (PORT + 1) >> 8;		/* next hop's port */
	want.data[37] = (PORT + 1) & 0xff;
	want.data[40] = want.data[41] = 0;		/* no UDP checksum */
	ck_assert_uint_eq(out.len, want.len);
	ck_assert_mem_eq(out.data, want.data, want.len);
	ck_assert_uint_eq(ip_csum(out.data + 14), 0);	/* verifies whole */
	/* The entry counted it. */
	inet_pton(AF_INET, A_ADDR, &k.addr);
	ck_assert_int_eq(bpf_map__lookup_elem(skel->maps.dp_relay, &k, sizeof(k),
					      &v, sizeof(v), 0), 0);
	ck_assert_uint_eq(v.packets, 1);
	ck_assert_uint_eq(v.bytes, in.len);
}
END_TEST

START_TEST(test_relay_drops)
{
	struct tunctl_neigh_key miss = { .ifindex = 0 };
	struct pkt in, out;
	__u32 act, one;

	require_skel();
	frame(&in, TID, 1);
	ck_assert_uint_eq(run(&in, &out, &act), TUNCTL_R_DROP_RELAY_TTL);
	ck_assert_uint_eq(act, XDP_DROP);
	frame(&in, TID + 1, 64);
	ck_assert_uint_eq(run(&in, &out, &act), TUNCTL_R_DROP_RELAY_NO_NEIGH);
	ck_assert_uint_eq(act, XDP_DROP);
	/* ...and the hop is noted for the daemon to resolve. */
	miss.ifindex = ifindex;
	inet_pton(AF_INET, NEXT_NONEIGH, &miss.addr);
	ck_assert_int_eq(bpf_map__lookup_elem(skel->maps.dp_neigh_miss, &miss,
					      sizeof(miss), &one, sizeof(one), 0), 0);
	frame(&in, TID + 2, 64);
	ck_assert_uint_eq(run(&in, &out, &act), TUNCTL_R_DROP_RELAY_NO_ROUTE);
	frame(&in, TID, 64);		/* with 4 bytes of IP options (NOPs) */
	memmove(in.data + 38, in.data + 34, in.len - 34);
	memset(in.data + 34, 1, 4);
	in.data[14] = 0x46;
	in.data[17] += 4;
	in.len += 4;
	ck_assert_uint_eq(run(&in, &out, &act), TUNCTL_R_DROP_RELAY_HDR);
	frame(&in, TID + 3, 64);	/* a tunnel relayed for nobody */
	ck_assert_uint_eq(run(&in, &out, &act), TUNCTL_R_DROP_TUN_UNKNOWN);
	frame(&in, TID, 64);
	in.data[29] = 51;		/* from another host */
	in.data[24] = in.data[25] = 0;
	ck_assert_uint_eq(run(&in, &out, &act), TUNCTL_R_DROP_TUN_UNKNOWN);
}
END_TEST

/* Without the relay flag the same frame is a node's: unknown session. */
START_TEST(test_relay_off)
{
	struct tunctl_config cfg = {
		.flags = TUNCTL_CFG_DEFAULT_FLAGS, .listen_port = htons(PORT),
		.hs_rate = 1000,
	};
	struct pkt in, out;
	__u32 zero = 0, act;

	require_skel();
	ck_assert_int_eq(bpf_map__update_elem(skel->maps.dp_config, &zero, 4,
					      &cfg, sizeof(cfg), BPF_ANY), 0);
	frame(&in, TID, 64);
	ck_assert_uint_eq(run(&in, &out, &act), TUNCTL_R_DROP_TUN_UNKNOWN);
	cfg.flags |= TUNCTL_CFG_RELAY;
	ck_assert_int_eq(bpf_map__update_elem(skel->maps.dp_config, &zero, 4,
					      &cfg, sizeof(cfg), BPF_ANY), 0);
}
END_TEST

Suite *relay_suite(void)
{
	Suite *s = suite_create("relay");
	TCase *tc = tcase_create("relay");

	tcase_add_unchecked_fixture(tc, relay_setup, datapath_teardown);
	tcase_add_test(tc, test_relay_rewrite);
	tcase_add_test(tc, test_relay_drops);
	tcase_add_test(tc, test_relay_off);
	suite_add_tcase(s, tc);
	return s;
}
