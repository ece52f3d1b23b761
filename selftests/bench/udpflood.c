// SPDX-License-Identifier: GPL-2.0-only
/*
 * udpflood: send one prebuilt 64-byte Ethernet/IPv4/UDP frame out of a
 * device as fast as one CPU can, for a fixed time, and say how many went.
 *
 * Two engines, because the kernel here has no pktgen:
 *
 *  xdp     BPF_PROG_RUN of a two-instruction XDP program returning XDP_TX,
 *          in live-frames mode (BPF_F_TEST_XDP_LIVE_FRAMES, 5.18+), with
 *          the device as the context's ingress device: the kernel sends
 *          each frame out of that device with ndo_xdp_xmit, in batches of
 *          64. On a veth that puts an xdp_frame straight into the peer's
 *          ring, as a NIC's DMA would: no skb, no copy, no qdisc (the way
 *          xdp-trafficgen works). The peer must run NAPI, i.e. have an XDP
 *          program or GRO on: otherwise every frame is refused, silently.
 *  packet  AF_PACKET with PACKET_QDISC_BYPASS and sendmmsg(): an skb per
 *          frame through ndo_start_xmit. Slower; on a veth the receiver's
 *          XDP then copies each skb into a page of its own first.
 *
 * Prints "engine=E packets=N seconds=S" at the end: N frames handed to the
 * device, including any the peer's full ring refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

/* 60 bytes + 4 of FCS on a real wire: the 64-byte minimum. */
#define FRAME_LEN	60
#define UDP_PAYLOAD	(FRAME_LEN - 14 - 20 - 8)
#define MMSG_BATCH	256

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int parse_mac(const char *s, unsigned char *mac)
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -EINVAL;
		mac[i] = b[i];
	}
	return 0;
}

static unsigned short ip_csum(const unsigned char *hdr, int len)
{
	unsigned int sum = 0;
	int i;

	for (i = 0; i < len; i += 2)
		sum += (hdr[i] << 8) | hdr[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* Ethernet, IPv4 (no options, DF), UDP with a zero (absent) checksum. */
static void build_frame(unsigned char *f, const unsigned char *dst,
			const unsigned char *src, struct in_addr saddr,
			struct in_addr daddr, unsigned short port,
			unsigned short tunnel)
{
	unsigned char *ip = f + 14, *udp = ip + 20;
	unsigned short csum;

	memset(f, 0, FRAME_LEN);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = ETH_P_IP >> 8;
	f[13] = ETH_P_IP & 0xff;

	ip[0] = 0x45;
	ip[2] = (20 + 8 + UDP_PAYLOAD) >> 8;
	ip[3] = (20 + 8 + UDP_PAYLOAD) & 0xff;
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, &daddr, 4);
	csum = ip_csum(ip, 20);
	ip[10] = csum >> 8;
	ip[11] = csum & 0xff;

	udp[0] = port >> 8;
	udp[1] = port & 0xff;
	udp[2] = port >> 8;
	udp[3] = port & 0xff;
	udp[4] = (8 + UDP_PAYLOAD) >> 8;
	udp[5] = (8 + UDP_PAYLOAD) & 0xff;
	memset(udp + 8, 'x', UDP_PAYLOAD);
	/* -m: a tunctl data message naming that tunnel (for relays). */
	if (tunnel) {
		udp[8] = 4;
		udp[9] = 0;
		udp[10] = tunnel >> 8;
		udp[11] = tunnel & 0xff;
	}
}

/* The device's own address, as the frame's source. */
static int dev_mac(const char *dev, unsigned char *mac)
{
	struct ifreq ifr = {};
	int fd, ret = 0;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		ret = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return ret;
}

static int xdp_tx_prog_load(void)
{
	/* r0 = XDP_TX; exit */
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = XDP_TX },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = (unsigned long)"GPL";
	fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

static int run_xdp(int ifindex, const unsigned char *frame, double secs,
		   unsigned int batch, unsigned long long *sent)
{
	struct xdp_md ctx = {
		.data_end = FRAME_LEN,
		.ingress_ifindex = ifindex,
	};
	union bpf_attr attr;
	/* 20 ms a call at 3 Mpps: the deadline is kept closely enough. */
	unsigned int repeat = 1 << 16;
	double end = now_s() + secs;
	int fd, ret = 0;

	fd = xdp_tx_prog_load();
	if (fd < 0) {
		fprintf(stderr, "udpflood: load XDP program: %s\n",
			strerror(-fd));
		return fd;
	}
	while (!stop && now_s() < end) {
		memset(&attr, 0, sizeof(attr));
		attr.test.prog_fd = fd;
		attr.test.data_in = (unsigned long)frame;
		attr.test.data_size_in = FRAME_LEN;
		attr.test.ctx_in = (unsigned long)&ctx;
		attr.test.ctx_size_in = sizeof(ctx);
		attr.test.repeat = repeat;
		attr.test.flags = BPF_F_TEST_XDP_LIVE_FRAMES;
		attr.test.batch_size = batch;
		if (syscall(__NR_bpf, BPF_PROG_TEST_RUN, &attr, sizeof(attr))) {
			if (errno == EINTR)
				break;
			ret = -errno;
			fprintf(stderr, "udpflood: BPF_PROG_TEST_RUN (live frames) on ifindex %d: %s\n",
				ifindex, strerror(errno));
			break;
		}
		*sent += repeat;
	}
	close(fd);
	return ret;
}

static int run_packet(int ifindex, const unsigned char *frame, double secs,
		      unsigned long long *sent)
{
	static struct mmsghdr msgs[MMSG_BATCH];
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = ifindex,
	};
	struct iovec iov = { .iov_base = (void *)frame, .iov_len = FRAME_LEN };
	double end = now_s() + secs;
	int fd, one = 1, i, n, ret = 0;

	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		ret = -errno;
		fprintf(stderr, "udpflood: AF_PACKET socket: %s\n",
			strerror(-ret));
		return ret;
	}
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		ret = -errno;
		fprintf(stderr, "udpflood: bind to ifindex %d: %s\n", ifindex,
			strerror(-ret));
		goto out;
	}
	/* Straight to the driver: no qdisc, and no copy back to taps. */
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)))
		fprintf(stderr, "udpflood: PACKET_QDISC_BYPASS: %s (going through the qdisc)\n",
			strerror(errno));
	for (i = 0; i < MMSG_BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	for (i = 0; !stop; i++) {
		/* The clock is read once per 16 calls: it is not free. */
		if (!(i & 15) && now_s() >= end)
			break;
		n = sendmmsg(fd, msgs, MMSG_BATCH, 0);
		if (n < 0) {
			if (errno == EINTR)
				break;
			if (errno == ENOBUFS || errno == EAGAIN)
				continue;
			ret = -errno;
			fprintf(stderr, "udpflood: sendmmsg: %s\n",
				strerror(-ret));
			break;
		}
		*sent += n;
	}
out:
	close(fd);
	return ret;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: udpflood -i DEV -d DST_MAC -s SRC_IP -t DST_IP [-p PORT] [-T SECS]\n"
		"                [-e xdp|packet] [-b BATCH (xdp: 1..256)] [-m TUNNEL_ID]\n");
}

int main(int argc, char **argv)
{
	unsigned char frame[FRAME_LEN], dst[6], src[6];
	const char *dev = NULL, *engine = "xdp";
	struct in_addr saddr = {}, daddr = {};
	unsigned long long sent = 0;
	unsigned long port = 9, batch = 0, tunnel = 0;
	bool have_dst = false;
	double secs = 5, t0;
	char *end;
	int c, ifindex, ret;

	while ((c = getopt(argc, argv, "i:d:s:t:p:T:e:b:m:")) != -1) {
		switch (c) {
		case 'm':
			tunnel = strtoul(optarg, &end, 10);
			if (*end || !tunnel || tunnel > 65535) {
				fprintf(stderr, "udpflood: -m %s: not a tunnel id\n",
					optarg);
				return 2;
			}
			break;
		case 'i':
			dev = optarg;
			break;
		case 'd':
			if (parse_mac(optarg, dst)) {
				fprintf(stderr, "udpflood: -d %s: not a MAC address\n",
					optarg);
				return 2;
			}
			have_dst = true;
			break;
		case 's':
		case 't':
			if (inet_pton(AF_INET, optarg,
				      c == 's' ? &saddr : &daddr) != 1) {
				fprintf(stderr, "udpflood: -%c %s: not an IPv4 address\n",
					c, optarg);
				return 2;
			}
			break;
		case 'p':
			port = strtoul(optarg, &end, 10);
			if (*end || !port || port > 65535) {
				fprintf(stderr, "udpflood: -p %s: not a port\n",
					optarg);
				return 2;
			}
			break;
		case 'T':
			secs = strtod(optarg, &end);
			if (*end || !(secs > 0 && secs < 3600)) {
				fprintf(stderr, "udpflood: -T %s: not a number of seconds below 3600\n",
					optarg);
				return 2;
			}
			break;
		case 'b':
			/* The kernel's limit, TEST_XDP_MAX_BATCH. */
			batch = strtoul(optarg, &end, 10);
			if (*end || !batch || batch > 256) {
				fprintf(stderr, "udpflood: -b %s: not from 1 to 256\n",
					optarg);
				return 2;
			}
			break;
		case 'e':
			engine = optarg;
			break;
		default:
			usage();
			return 2;
		}
	}
	if (!dev || !have_dst || !saddr.s_addr || !daddr.s_addr ||
	    (strcmp(engine, "xdp") && strcmp(engine, "packet"))) {
		usage();
		return 2;
	}
	ifindex = if_nametoindex(dev);
	if (!ifindex) {
		fprintf(stderr, "udpflood: %s: no such device\n", dev);
		return 1;
	}
	if (dev_mac(dev, src)) {
		fprintf(stderr, "udpflood: %s: no hardware address\n", dev);
		return 1;
	}
	build_frame(frame, dst, src, saddr, daddr, port, tunnel);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	t0 = now_s();
	if (!strcmp(engine, "xdp"))
		ret = run_xdp(ifindex, frame, secs, batch, &sent);
	else
		ret = run_packet(ifindex, frame, secs, &sent);
	if (ret)
		return 1;
	printf("engine=%s packets=%llu seconds=%.3f\n", engine, sent,
	       now_s() - t0);
	return 0;
}
