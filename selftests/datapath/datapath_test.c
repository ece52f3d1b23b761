// SPDX-License-Identifier: GPL-2.0-only
/*
 * The datapath as the kernel runs it: the built XDP and tc programs go
 * through BPF_PROG_TEST_RUN on crafted frames. Each case in the table names
 * the verdict and the one counter the frame must bump; a second group
 * checks the rate-limited monitor events. Nothing is attached or pinned.
 */
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <check.h>

#include "maps.h"
#include "datapath.skel.h"
#include "pkt_build.h"
#include "ref_classify.h"
#include "harness.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define DIR_IN		TUNCTL_DIR_INGRESS
#define DIR_OUT		TUNCTL_DIR_EGRESS

#define ALL		TUNCTL_CFG_DEFAULT_FLAGS
#define NO_ARP		(ALL & ~TUNCTL_CFG_ALLOW_ARP)
#define NO_NDP		(ALL & ~TUNCTL_CFG_ALLOW_NDP)
#define NO_DHCP		(ALL & ~TUNCTL_CFG_ALLOW_DHCP)

/* rollback_deadline_ns: long past (monotonic time is well beyond 1 ns). */
#define DEADLINE_PASSED	1ULL
#define DEADLINE_AHEAD	UINT64_MAX



struct dp_case {
	const char *name;
	enum tunctl_dir dir;
	__u32 flags;			/* tunctl_config.flags */
	__u64 deadline;			/* tunctl_config.rollback_deadline_ns */
	struct pkt pkt;
	enum verdict verdict;
	enum tunctl_reason reason;
};

/*
 * Some cut frames are ingress only, because BPF_PROG_TEST_RUN refuses them
 * for tc with EINVAL (see tc_can_run()): anything under ETH_HLEN, and, on
 * recent kernels (6.18 here), an IPv4 or IPv6 ethertype with less than the
 * fixed IP header behind it. The stack never hands tc such frames either.
 * XDP can still be shown a frame under ETH_HLEN; see run_prog().
 */
static const struct dp_case cases[] = {
	/* ARP */
	{ .name = "arp request", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_ARP), ARP(1)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_ARP },
	{ .name = "arp request", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_ARP), ARP(1)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_ARP },
	{ .name = "arp reply", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_ARP), ARP(2)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_ARP },
	{ .name = "arp reply", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_ARP), ARP(2)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_ARP },
	{ .name = "arp request padded to 60 bytes", .dir = DIR_IN,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_ARP), ARP(1), ZERO16, 0, 0),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_ARP },
	{ .name = "arp request, only local.arp on", .dir = DIR_IN,
	  .flags = TUNCTL_CFG_ALLOW_ARP,
	  .pkt = PKT(ETH(ETH_P_ARP), ARP(1)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_ARP },
	{ .name = "arp request, local.arp off", .dir = DIR_IN, .flags = NO_ARP,
	  .pkt = PKT(ETH(ETH_P_ARP), ARP(1)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_ARP_OFF },
	{ .name = "arp reply, local.arp off", .dir = DIR_OUT, .flags = NO_ARP,
	  .pkt = PKT(ETH(ETH_P_ARP), ARP(2)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_ARP_OFF },
	{ .name = "arp request, everything off", .dir = DIR_OUT, .flags = 0,
	  .pkt = PKT(ETH(ETH_P_ARP), ARP(1)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_ARP_OFF },
	{ .name = "arp with no arp header", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_ARP)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_ARP },
	{ .name = "arp cut at 27 bytes", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT_CUT(ETH_HLEN + 27, ETH(ETH_P_ARP), ARP(1)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_ARP },
	{ .name = "arp cut at 27 bytes", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT_CUT(ETH_HLEN + 27, ETH(ETH_P_ARP), ARP(1)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_ARP },
	{ .name = "arp htype 6 (ieee 802)", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_ARP), ARP_RAW(6, ETH_P_IP, 6, 4, 1)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_ARP },
	{ .name = "arp ptype ipv6", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_ARP), ARP_RAW(1, ETH_P_IPV6, 6, 4, 1)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_ARP },
	{ .name = "arp hlen 8", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_ARP), ARP_RAW(1, ETH_P_IP, 8, 4, 1)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_ARP },
	{ .name = "arp plen 16", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_ARP), ARP_RAW(1, ETH_P_IP, 6, 16, 1)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_ARP },
	{ .name = "arp op 3 (rarp request)", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_ARP), ARP_RAW(1, ETH_P_IP, 6, 4, 3)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_ARP },
	{ .name = "arp op 3 (rarp request)", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_ARP), ARP_RAW(1, ETH_P_IP, 6, 4, 3)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_ARP },
	{ .name = "arp op 0", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_ARP), ARP_RAW(1, ETH_P_IP, 6, 4, 0)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_ARP },
	/* Malformed is reported as such even when ARP is off. */
	{ .name = "arp op 3, local.arp off", .dir = DIR_IN, .flags = NO_ARP,
	  .pkt = PKT(ETH(ETH_P_ARP), ARP_RAW(1, ETH_P_IP, 6, 4, 3)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_ARP },

	/* Ethernet cut short: XDP only, see above. */
	{ .name = "empty frame", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT_CUT(0, ETH(ETH_P_IP)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_ETH },
	{ .name = "ethernet cut at 13 bytes", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT_CUT(13, ETH(ETH_P_IP)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_ETH },
	{ .name = "ethernet cut at 13 bytes (arp)", .dir = DIR_IN,
	  .flags = ALL,
	  .pkt = PKT_CUT(13, ETH(ETH_P_ARP), ARP(1)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_ETH },

	/* IPv4: nothing but DHCP has a way through yet. */
	{ .name = "ipv4 tcp", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_TCP, TCP_LEN),
		     TCP(40000, 443)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "ipv4 tcp", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_TCP, TCP_LEN),
		     TCP(40000, 443)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "ipv4 udp", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_UDP, UDP_LEN),
		     UDP(40000, 53)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "ipv4 udp", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_UDP, UDP_LEN),
		     UDP(40000, 53)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "ipv4 icmp echo request", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_ICMP, ICMP_LEN),
		     ICMP(8, 0)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "ipv4 icmp echo request", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_ICMP, ICMP_LEN),
		     ICMP(8, 0)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "ipv4 gre", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_GRE, 4),
		     0, 0, BE16(ETH_P_IP)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	/* An unknown transport has no minimum length to fall short of. */
	{ .name = "ipv4 gre, no payload", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_GRE, 0)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "ipv4 udp, everything off", .dir = DIR_IN, .flags = 0,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_UDP, UDP_LEN),
		     UDP(40000, 53)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },

	/* DHCPv4: in is server (67) to client (68), out the reverse. */
	{ .name = "dhcpv4 server to client", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_UDP, UDP_LEN), UDP(67, 68)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_DHCP4 },
	{ .name = "dhcpv4 client to server", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_UDP, UDP_LEN), UDP(68, 67)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_DHCP4 },
	{ .name = "dhcpv4 client to server, only local.dhcp on",
	  .dir = DIR_OUT, .flags = TUNCTL_CFG_ALLOW_DHCP,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_UDP, UDP_LEN), UDP(68, 67)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_DHCP4 },
	{ .name = "dhcpv4 client to server, coming in", .dir = DIR_IN,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_UDP, UDP_LEN), UDP(68, 67)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "dhcpv4 server to client, going out", .dir = DIR_OUT,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_UDP, UDP_LEN), UDP(67, 68)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "dhcpv4 server port only", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_UDP, UDP_LEN),
		     UDP(67, 40000)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "dhcpv4 ports over tcp", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_TCP, TCP_LEN), TCP(67, 68)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "dhcpv4, local.dhcp off", .dir = DIR_IN, .flags = NO_DHCP,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_UDP, UDP_LEN), UDP(67, 68)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_DHCP_OFF },
	{ .name = "dhcpv4, local.dhcp off", .dir = DIR_OUT, .flags = NO_DHCP,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_UDP, UDP_LEN), UDP(68, 67)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_DHCP_OFF },
	{ .name = "dhcpv4 with ip options (ihl 6)", .dir = DIR_IN,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP),
		     IP4_RAW(0x46, 24 + UDP_LEN, 0, IPPROTO_UDP), 1, 1, 1, 0,
		     UDP(67, 68)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_DHCP4 },
	{ .name = "dhcpv4 with ip options (ihl 6)", .dir = DIR_OUT,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP),
		     IP4_RAW(0x46, 24 + UDP_LEN, 0, IPPROTO_UDP), 1, 1, 1, 0,
		     UDP(68, 67)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_DHCP4 },
	{ .name = "dhcpv4 with df set", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP),
		     IP4_RAW(0x45, 20 + UDP_LEN, IP4_DF, IPPROTO_UDP),
		     UDP(67, 68)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_DHCP4 },

	/* IPv4 fragments: never, not even of DHCP. */
	{ .name = "ipv4 first fragment (mf)", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP),
		     IP4_RAW(0x45, 20 + UDP_LEN, IP4_MF, IPPROTO_UDP),
		     UDP(67, 68)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_FRAGMENT },
	{ .name = "ipv4 first fragment (mf)", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP),
		     IP4_RAW(0x45, 20 + UDP_LEN, IP4_MF, IPPROTO_UDP),
		     UDP(68, 67)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_FRAGMENT },
	{ .name = "ipv4 last fragment (offset 185)", .dir = DIR_IN,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4_RAW(0x45, 28, 185, IPPROTO_UDP),
		     ZERO8),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_FRAGMENT },
	{ .name = "ipv4 middle fragment (mf, offset 185)", .dir = DIR_OUT,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP),
		     IP4_RAW(0x45, 28, IP4_MF | 185, IPPROTO_UDP), ZERO8),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_FRAGMENT },

	/* Malformed IPv4. */
	{ .name = "ipv4 version 6", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP),
		     IP4_RAW(0x65, 20 + UDP_LEN, 0, IPPROTO_UDP), UDP(67, 68)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_IP4 },
	{ .name = "ipv4 ihl 4", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP),
		     IP4_RAW(0x44, 20 + UDP_LEN, 0, IPPROTO_UDP), UDP(67, 68)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_IP4 },
	{ .name = "ipv4 ihl 4", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP),
		     IP4_RAW(0x44, 20 + UDP_LEN, 0, IPPROTO_UDP), UDP(68, 67)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_IP4 },
	{ .name = "ipv4 ihl 0", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP),
		     IP4_RAW(0x40, 20 + UDP_LEN, 0, IPPROTO_UDP), UDP(67, 68)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_IP4 },
	{ .name = "ipv4 tot_len 19, below ihl", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4_RAW(0x45, 19, 0, IPPROTO_UDP),
		     UDP(67, 68)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_IP4 },
	{ .name = "ipv4 ihl 15, tot_len 40", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4_RAW(0x4f, 40, 0, IPPROTO_UDP),
		     ZERO16, ZERO4),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_IP4 },

	/* IPv4 cut short, at each header boundary. */
	{ .name = "ipv4 with no ipv4 header", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_IP4 },
	{ .name = "ipv4 header cut at 19 bytes", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT_CUT(ETH_HLEN + 19, ETH(ETH_P_IP),
			 IP4(IPPROTO_UDP, UDP_LEN), UDP(67, 68)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_IP4 },
	{ .name = "ipv4 tot_len one beyond the frame", .dir = DIR_IN,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_UDP, UDP_LEN + 1),
		     UDP(67, 68)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_IP4 },
	{ .name = "ipv4 tot_len one beyond the frame", .dir = DIR_OUT,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_UDP, UDP_LEN + 1),
		     UDP(68, 67)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_IP4 },
	{ .name = "ipv4 options cut off (ihl 6)", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4_RAW(0x46, 24, 0, IPPROTO_UDP)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_IP4 },
	{ .name = "ipv4 tcp cut at 19 bytes", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT_CUT(ETH_HLEN + 20 + 19, ETH(ETH_P_IP),
			 IP4(IPPROTO_TCP, 19), TCP(40000, 443)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_L4 },
	{ .name = "ipv4 tcp cut at 19 bytes", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT_CUT(ETH_HLEN + 20 + 19, ETH(ETH_P_IP),
			 IP4(IPPROTO_TCP, 19), TCP(40000, 443)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_L4 },
	{ .name = "ipv4 tcp with no tcp header", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_TCP, 0)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_L4 },
	/* Cut DHCP is not DHCP. */
	{ .name = "dhcpv4 udp cut at 7 bytes", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT_CUT(ETH_HLEN + 20 + 7, ETH(ETH_P_IP),
			 IP4(IPPROTO_UDP, 7), UDP(67, 68)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_L4 },
	{ .name = "dhcpv4 udp cut at 7 bytes", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT_CUT(ETH_HLEN + 20 + 7, ETH(ETH_P_IP),
			 IP4(IPPROTO_UDP, 7), UDP(68, 67)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_L4 },
	{ .name = "ipv4 icmp cut at 7 bytes", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT_CUT(ETH_HLEN + 20 + 7, ETH(ETH_P_IP),
			 IP4(IPPROTO_ICMP, 7), ICMP(8, 0)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_L4 },
	/*
	 * Ethernet pads short frames to 60 bytes: the transport ends where
	 * the IP length says, not where the frame does. Here tot_len covers
	 * four bytes of UDP, the ports; the rest is padding.
	 */
	{ .name = "dhcpv4 udp cut at 4 bytes by tot_len, frame padded",
	  .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_UDP, 4), UDP(67, 68),
		     ZERO16, 0, 0),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_L4 },

	/* NDP: RFC 4861 hop limit 255, code 0. */
	{ .name = "ndp router solicitation", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ND_RS_LEN, 255),
		     ND_RS),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_NDP },
	{ .name = "ndp router solicitation", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ND_RS_LEN, 255),
		     ND_RS),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_NDP },
	{ .name = "ndp router advertisement", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ND_RA_LEN, 255),
		     ND_RA),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_NDP },
	{ .name = "ndp neighbour solicitation", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ND_NS_LEN, 255),
		     ND_NS),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_NDP },
	{ .name = "ndp neighbour solicitation", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ND_NS_LEN, 255),
		     ND_NS),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_NDP },
	{ .name = "ndp neighbour advertisement", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ND_NA_LEN, 255),
		     ND_NA),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_NDP },
	{ .name = "ndp neighbour advertisement", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ND_NA_LEN, 255),
		     ND_NA),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_NDP },
	{ .name = "ndp redirect", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6(IPPROTO_ICMPV6, ND_REDIRECT_LEN, 255), ND_REDIRECT),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_NDP },
	{ .name = "ndp neighbour solicitation, only local.ndp on",
	  .dir = DIR_IN, .flags = TUNCTL_CFG_ALLOW_NDP,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ND_NS_LEN, 255),
		     ND_NS),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_NDP },
	{ .name = "ndp router solicitation, hop limit 64", .dir = DIR_IN,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ND_RS_LEN, 64),
		     ND_RS),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NDP_HOPLIMIT },
	{ .name = "ndp router advertisement, hop limit 64", .dir = DIR_IN,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ND_RA_LEN, 64),
		     ND_RA),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NDP_HOPLIMIT },
	{ .name = "ndp neighbour solicitation, hop limit 64", .dir = DIR_IN,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ND_NS_LEN, 64),
		     ND_NS),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NDP_HOPLIMIT },
	{ .name = "ndp neighbour solicitation, hop limit 64", .dir = DIR_OUT,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ND_NS_LEN, 64),
		     ND_NS),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NDP_HOPLIMIT },
	{ .name = "ndp neighbour advertisement, hop limit 64", .dir = DIR_IN,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ND_NA_LEN, 64),
		     ND_NA),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NDP_HOPLIMIT },
	{ .name = "ndp redirect, hop limit 254", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6(IPPROTO_ICMPV6, ND_REDIRECT_LEN, 254), ND_REDIRECT),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NDP_HOPLIMIT },
	{ .name = "ndp neighbour solicitation, local.ndp off", .dir = DIR_IN,
	  .flags = NO_NDP,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ND_NS_LEN, 255),
		     ND_NS),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NDP_OFF },
	{ .name = "ndp neighbour solicitation, local.ndp off", .dir = DIR_OUT,
	  .flags = NO_NDP,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ND_NS_LEN, 255),
		     ND_NS),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NDP_OFF },
	{ .name = "ndp router advertisement, everything off", .dir = DIR_IN,
	  .flags = 0,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ND_RA_LEN, 255),
		     ND_RA),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NDP_OFF },
	/* A forged hop limit is reported as such, whatever the config. */
	{ .name = "ndp neighbour solicitation, hop limit 64, local.ndp off",
	  .dir = DIR_IN, .flags = NO_NDP,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ND_NS_LEN, 64),
		     ND_NS),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NDP_HOPLIMIT },
	{ .name = "ndp neighbour solicitation, code 1", .dir = DIR_IN,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ICMP6_LEN, 255),
		     ICMP6(135, 1)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },

	/* Other ICMPv6, including the types either side of NDP's. */
	{ .name = "icmpv6 echo request", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ICMP6_LEN, 64),
		     ICMP6(128, 0)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "icmpv6 echo request", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ICMP6_LEN, 64),
		     ICMP6(128, 0)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "icmpv6 mld done (132), hop limit 255", .dir = DIR_IN,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ICMP6_LEN, 255),
		     ICMP6(132, 0)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "icmpv6 router renumbering (138), hop limit 255",
	  .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ICMP6_LEN, 255),
		     ICMP6(138, 0)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "mldv2 report after hop-by-hop router alert", .dir = DIR_IN,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6(IPPROTO_HOPOPTS, EXT_LEN + ICMP6_LEN, 1),
		     EXT_HBH_RA(IPPROTO_ICMPV6), ICMP6(143, 0)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "mldv2 report after hop-by-hop router alert",
	  .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6(IPPROTO_HOPOPTS, EXT_LEN + ICMP6_LEN, 1),
		     EXT_HBH_RA(IPPROTO_ICMPV6), ICMP6(143, 0)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },

	/* DHCPv6: in is server (547) to client (546), out the reverse. */
	{ .name = "dhcpv6 server to client", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_UDP, UDP_LEN, 64),
		     UDP(547, 546)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_DHCP6 },
	{ .name = "dhcpv6 client to server", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_UDP, UDP_LEN, 1),
		     UDP(546, 547)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_DHCP6 },
	{ .name = "dhcpv6 client to server, coming in", .dir = DIR_IN,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_UDP, UDP_LEN, 64),
		     UDP(546, 547)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "dhcpv6 server to client, going out", .dir = DIR_OUT,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_UDP, UDP_LEN, 64),
		     UDP(547, 546)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	/* DHCPv6 is link-local: global peers get no exception. */
	{ .name = "dhcpv6 from a global address", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6_SD(IPPROTO_UDP, UDP_LEN, 64, IP6_DOC, IP6_A),
		     UDP(547, 546)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "dhcpv6 to all servers and relays (ff02::1:2)", .dir = DIR_OUT,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6_SD(IPPROTO_UDP, UDP_LEN, 1, IP6_A, IP6_DHCP_ALL),
		     UDP(546, 547)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_DHCP6 },
	{ .name = "dhcpv6 to a global address", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6_SD(IPPROTO_UDP, UDP_LEN, 64, IP6_A, IP6_DOC),
		     UDP(546, 547)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "dhcpv6 to site-scope servers (ff05::1:3)", .dir = DIR_OUT,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6_SD(IPPROTO_UDP, UDP_LEN, 64, IP6_A, IP6_DHCP_SITE),
		     UDP(546, 547)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "dhcpv6, local.dhcp off", .dir = DIR_IN, .flags = NO_DHCP,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_UDP, UDP_LEN, 64),
		     UDP(547, 546)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_DHCP_OFF },
	{ .name = "dhcpv6, local.dhcp off", .dir = DIR_OUT, .flags = NO_DHCP,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_UDP, UDP_LEN, 1),
		     UDP(546, 547)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_DHCP_OFF },

	/* Other IPv6 transports. */
	{ .name = "ipv6 tcp", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_TCP, TCP_LEN, 64),
		     TCP(40000, 443)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "ipv6 tcp", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_TCP, TCP_LEN, 64),
		     TCP(40000, 443)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "ipv6 udp", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_UDP, UDP_LEN, 64),
		     UDP(40000, 53)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "ipv6 udp", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_UDP, UDP_LEN, 64),
		     UDP(40000, 53)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "ipv6 no next header", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_NONE, 8, 64), ZERO8),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "ipv6 esp", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ESP, 16, 64), ZERO16),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },

	/* IPv6 extension header chains. */
	{ .name = "dhcpv6 after hop-by-hop, dstopts, routing", .dir = DIR_IN,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6(IPPROTO_HOPOPTS, 3 * EXT_LEN + UDP_LEN, 64),
		     EXT_HBH(IPPROTO_DSTOPTS), EXT_DST(IPPROTO_ROUTING),
		     EXT_RT(IPPROTO_UDP), UDP(547, 546)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_DHCP6 },
	{ .name = "dhcpv6 after hop-by-hop, dstopts, routing", .dir = DIR_OUT,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6(IPPROTO_HOPOPTS, 3 * EXT_LEN + UDP_LEN, 64),
		     EXT_HBH(IPPROTO_DSTOPTS), EXT_DST(IPPROTO_ROUTING),
		     EXT_RT(IPPROTO_UDP), UDP(546, 547)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_DHCP6 },
	{ .name = "ndp neighbour solicitation after dstopts", .dir = DIR_IN,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6(IPPROTO_DSTOPTS, EXT_LEN + ND_NS_LEN, 255),
		     EXT_DST(IPPROTO_ICMPV6), ND_NS),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_NDP },
	{ .name = "hop-by-hop after dstopts", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6(IPPROTO_DSTOPTS, 2 * EXT_LEN + UDP_LEN, 64),
		     EXT_DST(IPPROTO_HOPOPTS), EXT_HBH(IPPROTO_UDP),
		     UDP(547, 546)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_IP6 },
	{ .name = "hop-by-hop after hop-by-hop", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6(IPPROTO_HOPOPTS, 2 * EXT_LEN + UDP_LEN, 64),
		     EXT_HBH(IPPROTO_HOPOPTS), EXT_HBH(IPPROTO_UDP),
		     UDP(546, 547)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_IP6 },
	{ .name = "ipv6 first fragment", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6(IPPROTO_FRAGMENT, EXT_LEN + UDP_LEN, 64),
		     EXT_FRAG(IPPROTO_UDP, 0x0001), UDP(547, 546)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_FRAGMENT },
	{ .name = "ipv6 first fragment", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6(IPPROTO_FRAGMENT, EXT_LEN + UDP_LEN, 64),
		     EXT_FRAG(IPPROTO_UDP, 0x0001), UDP(546, 547)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_FRAGMENT },
	{ .name = "ipv6 last fragment after hop-by-hop", .dir = DIR_IN,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6(IPPROTO_HOPOPTS, 2 * EXT_LEN + 8, 64),
		     EXT_HBH(IPPROTO_FRAGMENT), EXT_FRAG(IPPROTO_UDP, 185 << 3),
		     ZERO8),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_FRAGMENT },
	{ .name = "ipv6 udp after ah", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6(IPPROTO_AH, EXT_AH_LEN + UDP_LEN, 64),
		     EXT_AH(IPPROTO_UDP), UDP(40000, 53)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "ipv6 udp after ah", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6(IPPROTO_AH, EXT_AH_LEN + UDP_LEN, 64),
		     EXT_AH(IPPROTO_UDP), UDP(40000, 53)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	/*
	 * The classifier walks IP6_MAX_EXT_HDRS (8) extension headers and
	 * drops a chain of more: seven and eight reach the transport.
	 */
	{ .name = "dhcpv6 after 7 dstopts", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6(IPPROTO_DSTOPTS, 7 * EXT_LEN + UDP_LEN, 64),
		     EXT_DST(IPPROTO_DSTOPTS), EXT_DST(IPPROTO_DSTOPTS),
		     EXT_DST(IPPROTO_DSTOPTS), EXT_DST(IPPROTO_DSTOPTS),
		     EXT_DST(IPPROTO_DSTOPTS), EXT_DST(IPPROTO_DSTOPTS),
		     EXT_DST(IPPROTO_UDP), UDP(547, 546)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_DHCP6 },
	{ .name = "dhcpv6 after 8 dstopts", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6(IPPROTO_DSTOPTS, 8 * EXT_LEN + UDP_LEN, 64),
		     EXT_DST(IPPROTO_DSTOPTS), EXT_DST(IPPROTO_DSTOPTS),
		     EXT_DST(IPPROTO_DSTOPTS), EXT_DST(IPPROTO_DSTOPTS),
		     EXT_DST(IPPROTO_DSTOPTS), EXT_DST(IPPROTO_DSTOPTS),
		     EXT_DST(IPPROTO_DSTOPTS), EXT_DST(IPPROTO_UDP),
		     UDP(547, 546)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_DHCP6 },
	{ .name = "dhcpv6 after 9 dstopts", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6(IPPROTO_DSTOPTS, 9 * EXT_LEN + UDP_LEN, 64),
		     EXT_DST(IPPROTO_DSTOPTS), EXT_DST(IPPROTO_DSTOPTS),
		     EXT_DST(IPPROTO_DSTOPTS), EXT_DST(IPPROTO_DSTOPTS),
		     EXT_DST(IPPROTO_DSTOPTS), EXT_DST(IPPROTO_DSTOPTS),
		     EXT_DST(IPPROTO_DSTOPTS), EXT_DST(IPPROTO_DSTOPTS),
		     EXT_DST(IPPROTO_UDP), UDP(547, 546)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_EXTHDR_CHAIN },
	{ .name = "dhcpv6 after 9 dstopts", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6(IPPROTO_DSTOPTS, 9 * EXT_LEN + UDP_LEN, 64),
		     EXT_DST(IPPROTO_DSTOPTS), EXT_DST(IPPROTO_DSTOPTS),
		     EXT_DST(IPPROTO_DSTOPTS), EXT_DST(IPPROTO_DSTOPTS),
		     EXT_DST(IPPROTO_DSTOPTS), EXT_DST(IPPROTO_DSTOPTS),
		     EXT_DST(IPPROTO_DSTOPTS), EXT_DST(IPPROTO_DSTOPTS),
		     EXT_DST(IPPROTO_UDP), UDP(546, 547)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_EXTHDR_CHAIN },
	/* payload_len agrees with the frame: the header itself is short. */
	{ .name = "dstopts cut at 5 bytes", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT_CUT(ETH_HLEN + 40 + 5, ETH(ETH_P_IPV6),
			 IP6(IPPROTO_DSTOPTS, 5, 64), EXT_DST(IPPROTO_UDP)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_EXTHDR },
	{ .name = "dstopts cut at 5 bytes", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT_CUT(ETH_HLEN + 40 + 5, ETH(ETH_P_IPV6),
			 IP6(IPPROTO_DSTOPTS, 5, 64), EXT_DST(IPPROTO_UDP)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_EXTHDR },
	{ .name = "dstopts of 16 bytes cut at 8", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_DSTOPTS, 8, 64),
		     IPPROTO_UDP, 1, 1, 4, ZERO4),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_EXTHDR },
	{ .name = "ah cut at 16 bytes", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT_CUT(ETH_HLEN + 40 + 16, ETH(ETH_P_IPV6),
			 IP6(IPPROTO_AH, 16, 64), EXT_AH(IPPROTO_UDP)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_EXTHDR },

	/* Malformed or cut IPv6. */
	{ .name = "ipv6 with no ipv6 header", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_IP6 },
	{ .name = "ipv6 header cut at 39 bytes", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT_CUT(ETH_HLEN + 39, ETH(ETH_P_IPV6),
			 IP6(IPPROTO_UDP, UDP_LEN, 64), UDP(547, 546)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_IP6 },
	{ .name = "ipv6 payload_len one beyond the frame", .dir = DIR_IN,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_UDP, UDP_LEN + 1, 64),
		     UDP(547, 546)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_IP6 },
	{ .name = "ipv6 payload_len one beyond the frame", .dir = DIR_OUT,
	  .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_UDP, UDP_LEN + 1, 64),
		     UDP(546, 547)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_IP6 },
	{ .name = "ipv6 version 4", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6_RAW(0x40, UDP_LEN, IPPROTO_UDP, 64), UDP(547, 546)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_IP6 },
	{ .name = "ipv6 version 4", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6),
		     IP6_RAW(0x40, UDP_LEN, IPPROTO_UDP, 64), UDP(546, 547)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_IP6 },
	{ .name = "ipv6 payload_len 0", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_UDP, 0, 64),
		     UDP(547, 546)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_IP6 },
	{ .name = "ipv6 payload_len 0", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_UDP, 0, 64),
		     UDP(546, 547)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_BAD_IP6 },
	{ .name = "icmpv6 cut at 7 bytes", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT_CUT(ETH_HLEN + 40 + 7, ETH(ETH_P_IPV6),
			 IP6(IPPROTO_ICMPV6, 7, 255), ND_NS),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_L4 },
	{ .name = "icmpv6 cut at 7 bytes", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT_CUT(ETH_HLEN + 40 + 7, ETH(ETH_P_IPV6),
			 IP6(IPPROTO_ICMPV6, 7, 255), ND_NS),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_L4 },
	{ .name = "dhcpv6 udp cut at 7 bytes", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT_CUT(ETH_HLEN + 40 + 7, ETH(ETH_P_IPV6),
			 IP6(IPPROTO_UDP, 7, 64), UDP(547, 546)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_L4 },
	{ .name = "ipv6 tcp cut at 19 bytes", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT_CUT(ETH_HLEN + 40 + 19, ETH(ETH_P_IPV6),
			 IP6(IPPROTO_TCP, 19, 64), TCP(40000, 443)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_L4 },
	/* payload_len covers the ports only; the frame has trailing bytes. */
	{ .name = "dhcpv6 udp cut at 4 bytes by payload_len, frame padded",
	  .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_UDP, 4, 64),
		     UDP(547, 546)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_TRUNC_L4 },

	/* Tagged frames: a tag could hide anything, even ARP. */
	{ .name = "802.1q tagged arp", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_8021Q), VLAN_TAG(ETH_P_ARP), ARP(1)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_VLAN },
	{ .name = "802.1q tagged arp", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_8021Q), VLAN_TAG(ETH_P_ARP), ARP(1)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_VLAN },
	{ .name = "802.1q tagged dhcpv4", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_8021Q), VLAN_TAG(ETH_P_IP),
		     IP4(IPPROTO_UDP, UDP_LEN), UDP(67, 68)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_VLAN },
	{ .name = "802.1ad qinq ipv4", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_8021AD), VLAN_TAG(ETH_P_8021Q),
		     VLAN_TAG(ETH_P_IP), IP4(IPPROTO_TCP, TCP_LEN),
		     TCP(40000, 443)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_VLAN },
	{ .name = "802.1ad qinq arp", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_8021AD), VLAN_TAG(ETH_P_8021Q),
		     VLAN_TAG(ETH_P_ARP), ARP(1)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_VLAN },
	{ .name = "802.1q with the tag cut off", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_8021Q)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_VLAN },

	/* Ethertypes that are neither ARP nor IP. */
	{ .name = "lldp", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_LLDP), 0x02, 0x07, 0x04, MAC_B, ZERO8),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_ETHERTYPE },
	{ .name = "lldp", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_LLDP), 0x02, 0x07, 0x04, MAC_B, ZERO8),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_ETHERTYPE },
	{ .name = "pppoe discovery", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_PPP_DISC), 0x11, 0x09, 0, 0, 0, 0),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_ETHERTYPE },
	{ .name = "pppoe discovery", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(ETH_P_PPP_DISC), 0x11, 0x09, 0, 0, 0, 0),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_ETHERTYPE },
	{ .name = "ethertype 0x0000", .dir = DIR_IN, .flags = ALL,
	  .pkt = PKT(ETH(0x0000), ZERO8),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_ETHERTYPE },
	{ .name = "ethertype 0x0000", .dir = DIR_OUT, .flags = ALL,
	  .pkt = PKT(ETH(0x0000), ZERO8),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_ETHERTYPE },

	/* Rollback grace: past an unconfirmed deadline, everything passes. */
	{ .name = "ipv4 tcp, rollback deadline passed", .dir = DIR_IN,
	  .flags = ALL, .deadline = DEADLINE_PASSED,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_TCP, TCP_LEN),
		     TCP(40000, 22)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_ROLLBACK },
	{ .name = "ipv4 tcp, rollback deadline passed", .dir = DIR_OUT,
	  .flags = ALL, .deadline = DEADLINE_PASSED,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_TCP, TCP_LEN),
		     TCP(22, 40000)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_ROLLBACK },
	{ .name = "arp, everything off, rollback deadline passed",
	  .dir = DIR_IN, .flags = 0, .deadline = DEADLINE_PASSED,
	  .pkt = PKT(ETH(ETH_P_ARP), ARP(1)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_ROLLBACK },
	{ .name = "802.1q tagged arp, rollback deadline passed",
	  .dir = DIR_OUT, .flags = ALL, .deadline = DEADLINE_PASSED,
	  .pkt = PKT(ETH(ETH_P_8021Q), VLAN_TAG(ETH_P_ARP), ARP(1)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_ROLLBACK },
	{ .name = "ethernet cut at 13 bytes, rollback deadline passed",
	  .dir = DIR_IN, .flags = ALL, .deadline = DEADLINE_PASSED,
	  .pkt = PKT_CUT(13, ETH(ETH_P_IP)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_ROLLBACK },
	{ .name = "ipv4 tcp, rollback deadline ahead", .dir = DIR_IN,
	  .flags = ALL, .deadline = DEADLINE_AHEAD,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_TCP, TCP_LEN),
		     TCP(40000, 22)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "ipv4 tcp, rollback deadline ahead", .dir = DIR_OUT,
	  .flags = ALL, .deadline = DEADLINE_AHEAD,
	  .pkt = PKT(ETH(ETH_P_IP), IP4(IPPROTO_TCP, TCP_LEN),
		     TCP(22, 40000)),
	  .verdict = DROP, .reason = TUNCTL_R_DROP_NO_TUNNEL },
	{ .name = "arp, rollback deadline ahead", .dir = DIR_IN,
	  .flags = ALL, .deadline = DEADLINE_AHEAD,
	  .pkt = PKT(ETH(ETH_P_ARP), ARP(2)),
	  .verdict = PASS, .reason = TUNCTL_R_PASS_ARP },
};

struct datapath_bpf *skel;
static int load_err;
int ncpus;

const char *dir_name(unsigned int dir)
{
	return dir < TUNCTL_DIR_MAX ? tunctl_dir_names[dir] : "?";
}

const char *reason_name(unsigned int reason)
{
	const char *name = NULL;

	if (reason < TUNCTL_R_MAX)
		name = tunctl_reason_names[reason];
	return name ? name : "?";
}

/* Open and load the skeleton once per test case group, pinning nothing. */
void datapath_setup(void)
{
	struct bpf_map *map;
	int err;

	ncpus = libbpf_num_possible_cpus();
	if (ncpus < 0) {
		load_err = ncpus;
		return;
	}
	skel = datapath_bpf__open();
	if (!skel) {
		load_err = -errno;
		return;
	}
	/*
	 * The maps say LIBBPF_PIN_BY_NAME, which would reuse or create pins
	 * under /sys/fs/bpf: a test must neither see a live datapath's maps
	 * nor leave any behind.
	 */
	bpf_object__for_each_map(map, skel->obj) {
		err = bpf_map__set_pin_path(map, NULL);
		if (err)
			goto fail;
	}
	err = datapath_bpf__load(skel);
	if (err)
		goto fail;
	return;
fail:
	load_err = err;
	datapath_bpf__destroy(skel);
	skel = NULL;
}

void datapath_teardown(void)
{
	datapath_bpf__destroy(skel);
	skel = NULL;
}

void require_skel(void)
{
	ck_assert_msg(skel, "datapath skeleton not loaded: %s",
		      strerror(-load_err));
}

static void set_config(__u32 flags, __u32 monitor_rate, __u64 deadline)
{
	struct tunctl_config cfg = {
		.flags = flags,
		.monitor_rate = monitor_rate,
		.rollback_deadline_ns = deadline,
	};
	__u32 key = 0;
	int err;

	err = bpf_map__update_elem(skel->maps.dp_config, &key, sizeof(key),
				   &cfg, sizeof(cfg), BPF_ANY);
	ck_assert_msg(!err, "writing dp_config: %s", strerror(-err));
}

/* Write zeros for every CPU of every entry of a per-CPU array. */
void zero_percpu(struct bpf_map *map, size_t value_size)
{
	size_t size = value_size * ncpus;
	void *zero = calloc(1, size);
	__u32 key;
	int err = 0;

	ck_assert_msg(zero, "out of memory");
	for (key = 0; key < bpf_map__max_entries(map) && !err; key++)
		err = bpf_map__update_elem(map, &key, sizeof(key), zero, size,
					   BPF_ANY);
	free(zero);
	ck_assert_msg(!err, "zeroing %s: %s", bpf_map__name(map),
		      strerror(-err));
}

/* dp_counters, summed over the CPUs. */
void read_counters(struct tunctl_counter sum[TUNCTL_COUNTERS_MAX])
{
	size_t size = sizeof(struct tunctl_counter) * ncpus;
	struct tunctl_counter *pcpu = malloc(size);
	__u32 key;
	int cpu, err = 0;

	ck_assert_msg(pcpu, "out of memory");
	for (key = 0; key < TUNCTL_COUNTERS_MAX && !err; key++) {
		err = bpf_map__lookup_elem(skel->maps.dp_counters, &key,
					   sizeof(key), pcpu, size, 0);
		sum[key] = (struct tunctl_counter){ 0 };
		for (cpu = 0; cpu < ncpus && !err; cpu++) {
			sum[key].packets += pcpu[cpu].packets;
			sum[key].bytes += pcpu[cpu].bytes;
		}
	}
	free(pcpu);
	ck_assert_msg(!err, "reading dp_counters: %s", strerror(-err));
}

unsigned int counted_reason(void)
{
	struct tunctl_counter sum[TUNCTL_COUNTERS_MAX];
	unsigned int r, found = 0, n = 0;

	read_counters(sum);
	for (r = 0; r < TUNCTL_COUNTERS_MAX; r++) {
		n += sum[r].packets;
		if (sum[r].packets)
			found = r % TUNCTL_R_MAX;
	}
	ck_assert_uint_eq(n, 1);
	return found;
}

/* "ingress/no-tunnel=1 egress/arp=2" for the failure messages. */
static void describe_counters(const struct tunctl_counter *sum, char *buf,
			      size_t size)
{
	size_t off = 0;
	__u32 i;

	buf[0] = '\0';
	for (i = 0; i < TUNCTL_COUNTERS_MAX && off < size; i++) {
		if (!sum[i].packets)
			continue;
		off += snprintf(buf + off, size - off, " %s/%s=%llu",
				dir_name(i / TUNCTL_R_MAX),
				reason_name(i % TUNCTL_R_MAX),
				(unsigned long long)sum[i].packets);
	}
	if (!buf[0])
		snprintf(buf, size, " nothing");
}

int ingress_tc;

void datapath_setup_tc(void)
{
	datapath_setup();
	ingress_tc = 1;
}

void datapath_teardown_tc(void)
{
	ingress_tc = 0;
	datapath_teardown();
}

int run_tc_batch(const struct pkt_big *p, __u32 gso_size, __u32 gso_segs,
		 __u32 *retval)
{
	struct __sk_buff ctx = { .gso_size = gso_size, .gso_segs = gso_segs };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = p->data,
		.data_size_in = p->len,
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = 1,
	);

	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.tunctl_ingress_tc),
				   &opts))
		return -errno;
	*retval = opts.retval;
	return 0;
}

/*
 * Run one frame through the program of its direction; 0 and the program's
 * return value, or -errno from BPF_PROG_TEST_RUN.
 */
int run_prog(enum tunctl_dir dir, const struct pkt *p, __u32 *retval)
{
	struct xdp_md md = { .data = 0, .data_end = p->len };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = p->data,
		.data_size_in = p->len,
		.repeat = 1,
	);
	int fd, err;

	if (dir == TUNCTL_DIR_INGRESS && ingress_tc) {
		fd = bpf_program__fd(skel->progs.tunctl_ingress_tc);
	} else if (dir == TUNCTL_DIR_INGRESS) {
		fd = bpf_program__fd(skel->progs.tunctl_ingress);
		/*
		 * Test runs refuse data_size_in < ETH_HLEN, so a frame of
		 * 0..13 bytes cannot be handed over as it is. XDP takes a
		 * linear part shorter than the data (ctx data_end below
		 * data_size_in), the rest going to a fragment the program
		 * cannot read: it sees exactly p->len bytes. Older kernels
		 * insist on data_end == data_size_in and answer EINVAL.
		 */
		if (p->len < ETH_HLEN) {
			opts.data_size_in = ETH_HLEN;
			opts.ctx_in = &md;
			opts.ctx_size_in = sizeof(md);
		}
	} else {
		fd = bpf_program__fd(skel->progs.tunctl_egress);
	}
	err = bpf_prog_test_run_opts(fd, &opts);
	if (err)
		return -errno;
	*retval = opts.retval;
	return 0;
}

/*
 * What bpf_prog_test_run_skb() takes: an Ethernet header and, when the
 * ethertype says IPv4 or IPv6, the fixed IP header behind it.
 */
bool tc_can_run(const struct pkt *p)
{
	__u16 proto;

	if (p->len < ETH_HLEN)
		return false;
	proto = p->data[12] << 8 | p->data[13];
	if (proto == ETH_P_IP)
		return p->len >= ETH_HLEN + 20;
	if (proto == ETH_P_IPV6)
		return p->len >= ETH_HLEN + 40;
	return true;
}

int want_retval(enum tunctl_dir dir, enum verdict v)
{
	if (dir == TUNCTL_DIR_INGRESS && !ingress_tc)
		return v == PASS ? XDP_PASS : XDP_DROP;
	/* The egress program passes with UNSPEC, leaving room for others. */
	return v == PASS ? TC_ACT_UNSPEC : TC_ACT_SHOT;
}

START_TEST(test_classify)
{
	const struct dp_case *c = &cases[_i];
	struct tunctl_counter sum[TUNCTL_COUNTERS_MAX];
	__u32 idx = c->dir * TUNCTL_R_MAX + c->reason;
	__u64 total = 0;
	char seen[512];
	__u32 retval, i;
	int err;

	/* The table itself: a pass reason goes with a pass verdict. */
	ck_assert_msg((c->reason >= TUNCTL_R_FIRST_DROP) ==
		      (c->verdict == DROP),
		      "%s [%s]: table pairs verdict %s with reason %s",
		      c->name, dir_name(c->dir),
		      c->verdict == PASS ? "pass" : "drop",
		      reason_name(c->reason));
	ck_assert_msg(c->pkt.len <= PKT_MAX, "%s: frame of %u bytes",
		      c->name, c->pkt.len);
	ck_assert_msg(c->dir == TUNCTL_DIR_INGRESS || tc_can_run(&c->pkt),
		      "%s [%s]: a tc test run refuses this frame; make the "
		      "case ingress only", c->name, dir_name(c->dir));
	require_skel();

	set_config(c->flags, 0, c->deadline);
	zero_percpu(skel->maps.dp_counters, sizeof(struct tunctl_counter));

	if (ingress_tc && !tc_can_run(&c->pkt)) {
		/*
		 * Too short for the kernel to build an skb of (it would
		 * never reach a tc hook either): the run is refused.
		 */
		err = run_prog(c->dir, &c->pkt, &retval);
		ck_assert_msg(err == -EINVAL, "%s [tc]: a %u-byte frame ran: %s",
			      c->name, c->pkt.len, strerror(-err));
		return;
	}
	err = run_prog(c->dir, &c->pkt, &retval);
	ck_assert_msg(!err, "%s [%s]: test run of %u bytes: %s", c->name,
		      dir_name(c->dir), c->pkt.len, strerror(-err));

	read_counters(sum);
	for (i = 0; i < TUNCTL_COUNTERS_MAX; i++)
		total += sum[i].packets;
	describe_counters(sum, seen, sizeof(seen));

	ck_assert_msg((int)retval == want_retval(c->dir, c->verdict),
		      "%s [%s]: returned %d, want %d (counted:%s)", c->name,
		      dir_name(c->dir), (int)retval,
		      want_retval(c->dir, c->verdict), seen);
	ck_assert_msg(sum[idx].packets == 1 && total == 1,
		      "%s [%s]: want one packet counted as %s, counted:%s",
		      c->name, dir_name(c->dir), reason_name(c->reason), seen);
	ck_assert_msg(sum[idx].bytes == c->pkt.len,
		      "%s [%s]: counted %llu bytes, frame has %u", c->name,
		      dir_name(c->dir), (unsigned long long)sum[idx].bytes,
		      c->pkt.len);
}
END_TEST

/* Monitor events */

/* A drop with every event field set: IPv4 UDP, not DHCP. */
static const struct pkt udp4_drop =
	PKT(ETH(ETH_P_IP), IP4(IPPROTO_UDP, UDP_LEN), UDP(40000, 53));
/* The same in IPv6, as TCP. */
static const struct pkt tcp6_drop =
	PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_TCP, TCP_LEN, 64), TCP(40000, 443));
/* A drop before any IP header: l3 stays 0. */
static const struct pkt vlan_drop =
	PKT(ETH(ETH_P_8021Q), VLAN_TAG(ETH_P_IP), IP4(IPPROTO_UDP, UDP_LEN),
	    UDP(40000, 53));
static const struct pkt arp_pass = PKT(ETH(ETH_P_ARP), ARP(1));
static const struct pkt ns_pass =
	PKT(ETH(ETH_P_IPV6), IP6(IPPROTO_ICMPV6, ND_NS_LEN, 255), ND_NS);

#define MAX_EVENTS 32

struct events {
	struct tunctl_event ev[MAX_EVENTS];
	int n;
	int bad_size;
};

/* What an event must say; ports and ethertype in host order. */
struct event_want {
	__u8 dir;
	__u8 reason;
	__u8 l3;
	__u8 l4proto;
	__u16 ethertype;
	__u16 sport;
	__u16 dport;
	__u8 saddr[16];
	__u8 daddr[16];
	__u32 pkt_len;
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct events *e = ctx;

	if (size != sizeof(struct tunctl_event))
		e->bad_size++;
	else if (e->n < MAX_EVENTS)
		memcpy(&e->ev[e->n], data, size);
	e->n++;
	return 0;
}

/* Read whatever dp_events holds into e. */
static void consume_events(struct events *e)
{
	struct ring_buffer *rb;
	int n;

	memset(e, 0, sizeof(*e));
	rb = ring_buffer__new(bpf_map__fd(skel->maps.dp_events), on_event, e,
			      NULL);
	ck_assert_msg(rb, "ring_buffer__new: %s", strerror(errno));
	n = ring_buffer__consume(rb);
	ring_buffer__free(rb);
	ck_assert_msg(n >= 0, "consuming dp_events: %s", strerror(-n));
	ck_assert_msg(!e->bad_size, "%d events of the wrong size",
		      e->bad_size);
}

static void read_monitor_rl(struct tunctl_monitor_rl *pcpu)
{
	__u32 key = 0;
	int err;

	err = bpf_map__lookup_elem(skel->maps.dp_monitor_rl, &key, sizeof(key),
				   pcpu, sizeof(*pcpu) * ncpus, 0);
	ck_assert_msg(!err, "reading dp_monitor_rl: %s", strerror(-err));
}

static void sum_monitor_rl(struct tunctl_monitor_rl *sum)
{
	struct tunctl_monitor_rl *pcpu = calloc(ncpus, sizeof(*pcpu));
	int cpu;

	ck_assert_msg(pcpu, "out of memory");
	read_monitor_rl(pcpu);
	memset(sum, 0, sizeof(*sum));
	for (cpu = 0; cpu < ncpus; cpu++) {
		sum->emitted += pcpu[cpu].emitted;
		sum->suppressed += pcpu[cpu].suppressed;
		sum->suppressed_total += pcpu[cpu].suppressed_total;
	}
	free(pcpu);
}

/*
 * The rate limit is per CPU and every packet is its own test run: keep
 * them all on one CPU so that they meet the same limiter.
 */
void pin_to_this_cpu(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	ck_assert_msg(cpu >= 0, "sched_getcpu: %s", strerror(errno));
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	ck_assert_msg(!sched_setaffinity(0, sizeof(set), &set),
		      "pinning to CPU %d: %s", cpu, strerror(errno));
}

/* A clean slate: given config, no counts, no limiter state, empty ring. */
static void monitor_start(__u32 monitor_rate)
{
	struct events stale;

	require_skel();
	pin_to_this_cpu();
	set_config(ALL, monitor_rate, 0);
	zero_percpu(skel->maps.dp_counters, sizeof(struct tunctl_counter));
	zero_percpu(skel->maps.dp_monitor_rl, sizeof(struct tunctl_monitor_rl));
	consume_events(&stale);
}

static void send_n(const char *what, enum tunctl_dir dir, const struct pkt *p,
		   enum verdict v, int n)
{
	__u32 retval;
	int i, err;

	for (i = 0; i < n; i++) {
		err = run_prog(dir, p, &retval);
		ck_assert_msg(!err, "%s: test run %d: %s", what, i,
			      strerror(-err));
		ck_assert_msg((int)retval == want_retval(dir, v),
			      "%s: test run %d returned %d, want %d", what, i,
			      (int)retval, want_retval(dir, v));
	}
}

static void check_event(const char *what, int i, const struct tunctl_event *ev,
			const struct event_want *w, __u32 suppressed)
{
	ck_assert_msg(ev->ts_ns, "%s: event %d: no timestamp", what, i);
	ck_assert_msg(ev->dir == w->dir, "%s: event %d: dir %u, want %u",
		      what, i, ev->dir, w->dir);
	ck_assert_msg(ev->reason == w->reason,
		      "%s: event %d: reason %s, want %s", what, i,
		      reason_name(ev->reason), reason_name(w->reason));
	ck_assert_msg(ev->l3 == w->l3, "%s: event %d: l3 %u, want %u", what,
		      i, ev->l3, w->l3);
	ck_assert_msg(ev->l4proto == w->l4proto,
		      "%s: event %d: l4proto %u, want %u", what, i,
		      ev->l4proto, w->l4proto);
	ck_assert_msg(ntohs(ev->ethertype) == w->ethertype,
		      "%s: event %d: ethertype %#06x, want %#06x", what, i,
		      ntohs(ev->ethertype), w->ethertype);
	ck_assert_msg(ntohs(ev->sport) == w->sport &&
		      ntohs(ev->dport) == w->dport,
		      "%s: event %d: ports %u > %u, want %u > %u", what, i,
		      ntohs(ev->sport), ntohs(ev->dport), w->sport, w->dport);
	ck_assert_msg(!memcmp(ev->saddr, w->saddr, sizeof(ev->saddr)),
		      "%s: event %d: wrong saddr", what, i);
	ck_assert_msg(!memcmp(ev->daddr, w->daddr, sizeof(ev->daddr)),
		      "%s: event %d: wrong daddr", what, i);
	ck_assert_msg(ev->pkt_len == w->pkt_len,
		      "%s: event %d: pkt_len %u, want %u", what, i,
		      ev->pkt_len, w->pkt_len);
	ck_assert_msg(ev->suppressed == suppressed,
		      "%s: event %d: suppressed %u, want %u", what, i,
		      ev->suppressed, suppressed);
	ck_assert_msg(!ev->pad, "%s: event %d: pad %u", what, i, ev->pad);
}

static const struct event_want udp4_want = {
	.dir = TUNCTL_DIR_INGRESS,
	.reason = TUNCTL_R_DROP_NO_TUNNEL,
	.l3 = 4,
	.l4proto = IPPROTO_UDP,
	.ethertype = ETH_P_IP,
	.sport = 40000,
	.dport = 53,
	.saddr = { IP4_A },
	.daddr = { IP4_B },
	.pkt_len = ETH_HLEN + 20 + UDP_LEN,
};

START_TEST(test_monitor_rate_limit)
{
	const char *what = "monitor rate 3, 10 drops";
	struct tunctl_counter sum[TUNCTL_COUNTERS_MAX];
	struct tunctl_monitor_rl rl;
	struct events e;
	int i;

	monitor_start(3);
	send_n(what, TUNCTL_DIR_INGRESS, &udp4_drop, DROP, 10);
	consume_events(&e);

	ck_assert_msg(e.n == 3, "%s: %d events, want 3", what, e.n);
	for (i = 0; i < e.n; i++)
		check_event(what, i, &e.ev[i], &udp4_want, 0);
	ck_assert_msg(e.ev[0].ts_ns <= e.ev[1].ts_ns &&
		      e.ev[1].ts_ns <= e.ev[2].ts_ns,
		      "%s: timestamps out of order", what);

	sum_monitor_rl(&rl);
	ck_assert_msg(rl.suppressed_total == 7,
		      "%s: suppressed_total %llu, want 7", what,
		      (unsigned long long)rl.suppressed_total);
	ck_assert_msg(rl.suppressed == 7, "%s: suppressed %u, want 7", what,
		      rl.suppressed);
	ck_assert_msg(rl.emitted == 3, "%s: emitted %u, want 3", what,
		      rl.emitted);

	/* Held back from the ring, but every drop is still counted. */
	read_counters(sum);
	ck_assert_msg(sum[TUNCTL_R_DROP_NO_TUNNEL].packets == 10,
		      "%s: %llu drops counted, want 10", what,
		      (unsigned long long)sum[TUNCTL_R_DROP_NO_TUNNEL].packets);
}
END_TEST

START_TEST(test_monitor_reports_suppressed)
{
	const char *what = "monitor rate 3, next window";
	struct tunctl_monitor_rl *pcpu, rl;
	struct events e;
	__u32 key = 0;
	int cpu, err;

	monitor_start(3);
	send_n(what, TUNCTL_DIR_INGRESS, &udp4_drop, DROP, 5);
	consume_events(&e);
	ck_assert_msg(e.n == 3, "%s: %d events, want 3", what, e.n);

	/*
	 * Open the next one-second window now rather than sleep for it.
	 * Nothing else runs these programs (they are not attached), so
	 * rewriting the limiter's state races with no one.
	 */
	pcpu = calloc(ncpus, sizeof(*pcpu));
	ck_assert_msg(pcpu, "out of memory");
	read_monitor_rl(pcpu);
	for (cpu = 0; cpu < ncpus; cpu++)
		pcpu[cpu].window_start_ns = 0;
	err = bpf_map__update_elem(skel->maps.dp_monitor_rl, &key, sizeof(key),
				   pcpu, sizeof(*pcpu) * ncpus, BPF_ANY);
	free(pcpu);
	ck_assert_msg(!err, "writing dp_monitor_rl: %s", strerror(-err));

	send_n(what, TUNCTL_DIR_INGRESS, &udp4_drop, DROP, 1);
	consume_events(&e);
	ck_assert_msg(e.n == 1, "%s: %d events, want 1", what, e.n);
	/* The first event of the window tells how many were held back. */
	check_event(what, 0, &e.ev[0], &udp4_want, 2);

	sum_monitor_rl(&rl);
	ck_assert_msg(rl.suppressed == 0 && rl.suppressed_total == 2,
		      "%s: suppressed %u, total %llu, want 0 and 2", what,
		      rl.suppressed, (unsigned long long)rl.suppressed_total);
}
END_TEST

START_TEST(test_monitor_ipv6_egress)
{
	const char *what = "monitor, ipv6 tcp egress";
	const struct event_want want = {
		.dir = TUNCTL_DIR_EGRESS,
		.reason = TUNCTL_R_DROP_NO_TUNNEL,
		.l3 = 6,
		.l4proto = IPPROTO_TCP,
		.ethertype = ETH_P_IPV6,
		.sport = 40000,
		.dport = 443,
		.saddr = { IP6_A },
		.daddr = { IP6_B },
		.pkt_len = ETH_HLEN + 40 + TCP_LEN,
	};
	struct tunctl_monitor_rl rl;
	struct events e;

	monitor_start(1);
	send_n(what, TUNCTL_DIR_EGRESS, &tcp6_drop, DROP, 2);
	consume_events(&e);
	ck_assert_msg(e.n == 1, "%s: %d events, want 1", what, e.n);
	check_event(what, 0, &e.ev[0], &want, 0);

	sum_monitor_rl(&rl);
	ck_assert_msg(rl.suppressed_total == 1,
		      "%s: suppressed_total %llu, want 1", what,
		      (unsigned long long)rl.suppressed_total);
}
END_TEST

START_TEST(test_monitor_not_ip)
{
	const char *what = "monitor, 802.1q frame";
	const struct event_want want = {
		.dir = TUNCTL_DIR_INGRESS,
		.reason = TUNCTL_R_DROP_VLAN,
		.ethertype = ETH_P_8021Q,
		.pkt_len = ETH_HLEN + 4 + 20 + UDP_LEN,
	};
	struct events e;

	monitor_start(3);
	send_n(what, TUNCTL_DIR_INGRESS, &vlan_drop, DROP, 1);
	consume_events(&e);
	ck_assert_msg(e.n == 1, "%s: %d events, want 1", what, e.n);
	/* Nothing behind the tag is looked at, so nothing is reported. */
	check_event(what, 0, &e.ev[0], &want, 0);
}
END_TEST

START_TEST(test_monitor_passes_are_silent)
{
	const char *what = "monitor rate 3, passed frames";
	struct tunctl_monitor_rl rl;
	struct events e;

	monitor_start(3);
	send_n(what, TUNCTL_DIR_INGRESS, &arp_pass, PASS, 5);
	send_n(what, TUNCTL_DIR_EGRESS, &ns_pass, PASS, 5);
	consume_events(&e);
	ck_assert_msg(e.n == 0, "%s: %d events, want none", what, e.n);

	sum_monitor_rl(&rl);
	ck_assert_msg(!rl.emitted && !rl.suppressed_total,
		      "%s: limiter moved: emitted %u, suppressed_total %llu",
		      what, rl.emitted,
		      (unsigned long long)rl.suppressed_total);
}
END_TEST

START_TEST(test_monitor_off)
{
	const char *what = "monitor rate 0, 10 drops";
	struct tunctl_monitor_rl rl;
	struct events e;

	monitor_start(0);
	send_n(what, TUNCTL_DIR_INGRESS, &udp4_drop, DROP, 10);
	consume_events(&e);
	ck_assert_msg(e.n == 0, "%s: %d events, want none", what, e.n);

	/* Off is off, not everything suppressed. */
	sum_monitor_rl(&rl);
	ck_assert_msg(!rl.suppressed_total,
		      "%s: suppressed_total %llu, want 0", what,
		      (unsigned long long)rl.suppressed_total);
}
END_TEST

/*
 * Mutation test: frames derived from the table's by random byte flips,
 * cuts, extensions and header-field swaps, through the real programs and
 * through ref_classify.h; the reasons must agree and the verdict must
 * follow the reason. A fixed seed keeps runs repeatable.
 */
#define MUTATIONS 3000

static __u64 rng_state = 0x74756e63746cULL;

static __u32 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (__u32)rng_state;
}

static void mutate(struct pkt *p)
{
	static const __u16 ethertypes[] = {
		0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8, 0x88cc,
	};
	static const __u8 protos[] = { 0, 1, 6, 17, 43, 44, 51, 58, 59, 60 };
	int n = 1 + rng() % 4;

	while (n--) {
		switch (rng() % 6) {
		case 0:	/* flip bits in the headers */
			if (p->len)
				p->data[rng() % (p->len < 96 ? p->len : 96)] ^=
					1 << (rng() % 8);
			break;
		case 1:	/* cut short */
			if (p->len)
				p->len = rng() % p->len;
			break;
		case 2:	/* grow with junk (Ethernet padding and worse) */
			while (p->len < PKT_MAX && rng() % 8)
				p->data[p->len++] = rng();
			break;
		case 3:
			if (p->len >= 14) {
				__u16 et = ethertypes[rng() % ARRAY_SIZE(ethertypes)];

				p->data[12] = et >> 8;
				p->data[13] = et;
			}
			break;
		case 4:	/* IPv4 protocol or IPv6 next header */
			if (p->len > 23)
				p->data[rng() % 2 ? 23 : 20] =
					protos[rng() % ARRAY_SIZE(protos)];
			break;
		case 5:	/* a length field: IPv4 total, IPv6 payload */
			if (p->len > 19) {
				__u32 off = rng() % 2 ? 16 : 18;
				__u16 v = rng() % (PKT_MAX + 16);

				p->data[off] = v >> 8;
				p->data[off + 1] = v;
			}
			break;
		}
	}
}

static void hexdump(const struct pkt *p, char *buf, size_t size)
{
	size_t off = 0;
	__u32 i;

	buf[0] = '\0';
	for (i = 0; i < p->len && off + 3 < size; i++)
		off += snprintf(buf + off, size - off, "%02x", p->data[i]);
}

START_TEST(test_mutations_match_reference)
{
	struct tunctl_counter sum[TUNCTL_COUNTERS_MAX];
	static const __u32 flag_sets[] = { ALL, NO_ARP, NO_NDP, NO_DHCP, 0 };
	unsigned int i, ran = 0, passed = 0;

	require_skel();
	for (i = 0; i < MUTATIONS; i++) {
		const struct dp_case *base = &cases[rng() % ARRAY_SIZE(cases)];
		enum tunctl_dir dir = rng() % 2;
		__u32 flags = flag_sets[rng() % ARRAY_SIZE(flag_sets)];
		unsigned int want, got = TUNCTL_R_MAX, k;
		struct pkt p = base->pkt;
		char hex[2 * PKT_MAX + 1];
		__u32 retval;
		__u64 total = 0;
		int err;

		mutate(&p);
		if ((dir == TUNCTL_DIR_EGRESS || ingress_tc) && !tc_can_run(&p))
			continue;
		set_config(flags, 0, 0);
		zero_percpu(skel->maps.dp_counters, sizeof(struct tunctl_counter));
		err = run_prog(dir, &p, &retval);
		ck_assert_msg(!err, "mutation %u: test run: %s", i, strerror(-err));
		read_counters(sum);
		for (k = 0; k < TUNCTL_R_MAX; k++) {
			total += sum[dir * TUNCTL_R_MAX + k].packets;
			if (sum[dir * TUNCTL_R_MAX + k].packets)
				got = k;
		}
		want = ref_classify(p.data, p.len, dir, flags);
		hexdump(&p, hex, sizeof(hex));
		ck_assert_msg(total == 1 && got == want,
			      "mutation %u [%s, flags %#x]: datapath says %s, reference %s; frame %s",
			      i, dir_name(dir), flags, reason_name(got),
			      reason_name(want), hex);
		ck_assert_msg((int)retval == want_retval(dir,
				tunctl_reason_is_drop(got) ? DROP : PASS),
			      "mutation %u: verdict %d disagrees with reason %s",
			      i, (int)retval, reason_name(got));
		ran++;
		passed += !tunctl_reason_is_drop(got);
	}
	/* The mutations must reach both outcomes to mean anything. */
	ck_assert_msg(ran > MUTATIONS / 2 && passed > 50,
		      "only %u frames ran, %u passed", ran, passed);
}
END_TEST

static Suite *datapath_suite(void)
{
	Suite *s = suite_create("datapath");
	TCase *tc;

	tc = tcase_create("classify");
	tcase_add_unchecked_fixture(tc, datapath_setup, datapath_teardown);
	tcase_add_loop_test(tc, test_classify, 0, ARRAY_SIZE(cases));
	suite_add_tcase(s, tc);

	/* The same table through the tc ingress program. */
	tc = tcase_create("classify-tc");
	tcase_add_unchecked_fixture(tc, datapath_setup_tc, datapath_teardown_tc);
	tcase_add_loop_test(tc, test_classify, 0, ARRAY_SIZE(cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("mutations-tc");
	tcase_add_unchecked_fixture(tc, datapath_setup_tc, datapath_teardown_tc);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_mutations_match_reference);
	suite_add_tcase(s, tc);

	tc = tcase_create("mutations");
	tcase_add_unchecked_fixture(tc, datapath_setup, datapath_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_mutations_match_reference);
	suite_add_tcase(s, tc);

	tc = tcase_create("monitor");
	tcase_add_unchecked_fixture(tc, datapath_setup, datapath_teardown);
	tcase_add_test(tc, test_monitor_rate_limit);
	tcase_add_test(tc, test_monitor_reports_suppressed);
	tcase_add_test(tc, test_monitor_ipv6_egress);
	tcase_add_test(tc, test_monitor_not_ip);
	tcase_add_test(tc, test_monitor_passes_are_silent);
	tcase_add_test(tc, test_monitor_off);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(datapath_suite());
	int failed;

	srunner_add_suite(sr, tunnel_suite());
	srunner_add_suite(sr, flow_suite());
	srunner_add_suite(sr, relay_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
