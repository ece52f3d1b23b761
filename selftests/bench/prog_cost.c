// SPDX-License-Identifier: GPL-2.0-only
/*
 * What one packet costs tunctl's ingress program, measured by the kernel
 * with BPF_PROG_TEST_RUN (repeat, duration): a bench, not a test. No
 * device, no generator, no other CPU: the program alone, frame by frame.
 * Nothing is attached or pinned.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "datapath.skel.h"
#include "maps.h"

#define REPEAT 2000000

static const unsigned char udp9[60] = {
	0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0a, 0x08, 0x00,
	0x45, 0, 0, 46, 0, 1, 0, 0, 64, 17, 0, 0, 198, 18, 0, 1, 198, 18, 0, 2,
	0x04, 0xd2, 0, 9, 0, 26, 0, 0,
};
static const unsigned char arp[42] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x0a, 0x08, 0x06,
	0, 1, 0x08, 0, 6, 4, 0, 1, 0x02, 0, 0, 0, 0, 0x0a, 198, 18, 0, 1,
	0, 0, 0, 0, 0, 0, 198, 18, 0, 2,
};

static double run(int prog_fd, const void *pkt, size_t len)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len,
		    .repeat = REPEAT);

	if (bpf_prog_test_run_opts(prog_fd, &o))
		return -1;
	return o.duration;	/* ns per run, averaged by the kernel */
}

int main(void)
{
	struct tunctl_config cfg = { .flags = TUNCTL_CFG_DEFAULT_FLAGS };
	struct datapath_bpf *skel = datapath_bpf__open();
	struct bpf_map *map;
	__u32 zero = 0;
	int fd;

	if (!skel)
		return 1;
	bpf_object__for_each_map(map, skel->obj)
		bpf_map__set_pin_path(map, NULL);
	if (datapath_bpf__load(skel))
		return 1;
	fd = bpf_program__fd(skel->progs.tunctl_ingress);
	printf("tunctl ingress program, ns per packet (BPF_PROG_TEST_RUN, %d runs each)\n",
	       REPEAT);
	cfg.monitor_rate = 0;
	bpf_map__update_elem(skel->maps.dp_config, &zero, 4, &cfg, sizeof(cfg), 0);
	printf("  udp drop, monitor off      %6.1f\n", run(fd, udp9, sizeof(udp9)));
	cfg.monitor_rate = TUNCTL_MONITOR_DEFAULT_RATE;
	bpf_map__update_elem(skel->maps.dp_config, &zero, 4, &cfg, sizeof(cfg), 0);
	printf("  udp drop, monitor on       %6.1f\n", run(fd, udp9, sizeof(udp9)));
	printf("  arp pass                   %6.1f\n", run(fd, arp, sizeof(arp)));
	cfg.listen_port = htons(51820);
	bpf_map__update_elem(skel->maps.dp_config, &zero, 4, &cfg, sizeof(cfg), 0);
	printf("  udp drop, tunnels on       %6.1f\n", run(fd, udp9, sizeof(udp9)));
	datapath_bpf__destroy(skel);
	return 0;
}
