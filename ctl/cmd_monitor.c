// SPDX-License-Identifier: GPL-2.0-only
/*
 * tunctl monitor: drop events from each attached device's ring buffer, one
 * line each. The BPF side rate-limits them; each event says how many were
 * held back before it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <jansson.h>

#include "cmds.h"
#include "datapath.h"
#include "maps.h"
#include "pins.h"
#include "util.h"

#define MAX_DEVS MAX_ATTACHED

struct mon {
	struct ring_buffer *rb;
	char devs[MAX_DEVS][16];
	int ndevs;
	unsigned long seen, limit;
	int64_t mono_to_real_ns;
	uint64_t start_ns;	/* older events were queued before we looked */
};

/* Ring-buffer callback context: which device a ring belongs to. */
struct mon_dev {
	struct mon *m;
	const char *dev;
	int fd;
	__u32 prev_rate;	/* monitor_rate before we switched it on */
};

/*
 * Turn the datapath's drop events on for dev (remembering the rate it
 * had), or back to what it was. Read-modify-write of the config map: only
 * the control plane writes it.
 */
static void monitor_switch(const char *dev, bool on, __u32 *prev)
{
	struct tunctl_config cfg;

	if (dp_config_read(dev, &cfg))
		return;
	if (on) {
		*prev = cfg.monitor_rate;
		if (!cfg.monitor_rate)
			cfg.monitor_rate = TUNCTL_MONITOR_DEFAULT_RATE;
	} else {
		cfg.monitor_rate = *prev;
	}
	dp_config_write(dev, &cfg);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char *proto_name(unsigned int p)
{
	switch (p) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 58:
		return "icmpv6";
	default:
		return NULL;
	}
}

static bool is_icmp(unsigned int p)
{
	return p == 1 || p == 58;
}

static void fmt_time(int64_t real_ns, char *buf, size_t sz)
{
	time_t secs = real_ns / 1000000000LL;
	struct tm tm;
	size_t n;

	gmtime_r(&secs, &tm);
	n = strftime(buf, sz, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, sz - n, ".%06lldZ",
		 (long long)(real_ns % 1000000000LL) / 1000);
}

static int on_event(void *ctx, void *data, size_t size)
{
	const struct mon_dev *c = ctx;
	const struct tunctl_event *ev = data;
	char when[40], src[INET6_ADDRSTRLEN] = "", dst[INET6_ADDRSTRLEN] = "";
	char proto_buf[8];
	const char *reason, *proto;
	int af;

	if (size < sizeof(*ev) || ev->ts_ns < c->m->start_ns)
		return 0;
	reason = ev->reason < TUNCTL_R_MAX && tunctl_reason_names[ev->reason] ?
		 tunctl_reason_names[ev->reason] : "unknown";
	fmt_time((int64_t)ev->ts_ns + c->m->mono_to_real_ns, when, sizeof(when));
	af = ev->l3 == 6 ? AF_INET6 : AF_INET;
	if (ev->l3 || ev->ethertype == htons(0x0806)) {
		inet_ntop(af, ev->saddr, src, sizeof(src));
		inet_ntop(af, ev->daddr, dst, sizeof(dst));
	}
	proto = proto_name(ev->l4proto);
	if (!proto) {
		snprintf(proto_buf, sizeof(proto_buf), "%u", ev->l4proto);
		proto = proto_buf;
	}

	if (g.json) {
		json_t *o = json_pack("{sssssssssisI}", "time", when,
				      "device", c->dev,
				      "direction", tunctl_dir_names[ev->dir & 1],
				      "reason", reason,
				      "ethertype", ntohs(ev->ethertype),
				      "length", (json_int_t)ev->pkt_len);

		if (ev->l3) {
			json_object_set_new(o, "l3", json_integer(ev->l3));
			json_object_set_new(o, "protocol", json_string(proto));
			json_object_set_new(o, "src", json_string(src));
			json_object_set_new(o, "dst", json_string(dst));
			if (is_icmp(ev->l4proto)) {
				/* The first two bytes are type and code. */
				const __u8 *tc = (const __u8 *)&ev->sport;

				json_object_set_new(o, "icmp_type", json_integer(tc[0]));
				json_object_set_new(o, "icmp_code", json_integer(tc[1]));
			} else if (ev->l4proto == 6 || ev->l4proto == 17) {
				json_object_set_new(o, "sport", json_integer(ntohs(ev->sport)));
				json_object_set_new(o, "dport", json_integer(ntohs(ev->dport)));
			}
		}
		json_object_set_new(o, "suppressed", json_integer(ev->suppressed));
		json_dumpf(o, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(o);
	} else {
		printf("%s %s %s drop %s", when, c->dev,
		       tunctl_dir_names[ev->dir & 1], reason);
		if (ev->l3 && (ev->l4proto == 6 || ev->l4proto == 17))
			printf(" ipv%u %s %s%s%s:%u -> %s%s%s:%u", ev->l3, proto,
			       ev->l3 == 6 ? "[" : "", src, ev->l3 == 6 ? "]" : "",
			       ntohs(ev->sport), ev->l3 == 6 ? "[" : "", dst,
			       ev->l3 == 6 ? "]" : "", ntohs(ev->dport));
		else if (ev->l3 && is_icmp(ev->l4proto))
			printf(" ipv%u %s %s -> %s type %u code %u", ev->l3, proto,
			       src, dst, ((const __u8 *)&ev->sport)[0],
			       ((const __u8 *)&ev->sport)[1]);
		else if (ev->l3)
			printf(" ipv%u %s %s -> %s", ev->l3, proto, src, dst);
		else if (*src)
			printf(" arp %s -> %s", src, dst);
		else
			printf(" ethertype 0x%04x", ntohs(ev->ethertype));
		printf(" len %u", ev->pkt_len);
		if (ev->suppressed)
			printf(" (%u suppressed before)", ev->suppressed);
		putchar('\n');
	}
	if (c->m->limit && ++c->m->seen >= c->m->limit) {
		stop = 1;
		return -ECANCELED;	/* leave the rest in the ring */
	}
	return 0;
}

static int add_dev(const char *dev, void *arg)
{
	struct mon *m = arg;

	if (m->ndevs < MAX_DEVS)
		snprintf(m->devs[m->ndevs++], sizeof(m->devs[0]), "%s", dev);
	return 0;
}

int cmd_monitor(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{}
	};
	struct mon_dev ctx[MAX_DEVS];
	struct mon m = {};
	struct timespec rt, mt;
	int c, i, nfds = 0, ret = EXIT_OK;

	while ((c = getopt_long(argc, argv, ":jc:", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			g.json = true;
			break;
		case 'c':
			if (parse_uint(optarg, 1, 1UL << 31, &m.limit))
				return usage_error("monitor", "--count: \"%s\" is not a positive number",
						   optarg);
			break;
		default:
			return opt_error("monitor", c, argv);
		}
	}
	if (argc - optind > 1)
		return usage_error("monitor", "expects at most one device");
	if (argc - optind == 1) {
		if (!dev_attached(argv[optind])) {
			err("monitor %s: not attached", argv[optind]);
			return EXIT_RUNTIME;
		}
		add_dev(argv[optind], &m);
	} else {
		for_each_attached(add_dev, &m);
	}
	if (!m.ndevs) {
		err("monitor: no devices attached");
		return EXIT_RUNTIME;
	}

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mt);
	m.mono_to_real_ns = (rt.tv_sec - mt.tv_sec) * 1000000000LL +
			    (rt.tv_nsec - mt.tv_nsec);
	m.start_ns = mono_ns();
	for (i = 0; i < m.ndevs; i++) {
		int fd = pin_open(m.devs[i], TUNCTL_MAP_EVENTS);

		if (fd < 0) {
			err("monitor %s: events map: %s", m.devs[i],
			    strerror(-fd));
			ret = EXIT_RUNTIME;
			goto out;
		}
		ctx[i].m = &m;
		ctx[i].dev = m.devs[i];
		ctx[i].fd = fd;
		nfds = i + 1;
		if (!m.rb)
			m.rb = ring_buffer__new(fd, on_event, &ctx[i], NULL);
		if (!m.rb || (i && ring_buffer__add(m.rb, fd, on_event, &ctx[i]))) {
			err("monitor %s: ring buffer: %s", m.devs[i],
			    strerror(errno));
			ret = EXIT_RUNTIME;
			goto out;
		}
	}
	/* Events are produced only while someone watches (see emit_event). */
	for (i = 0; i < m.ndevs; i++)
		monitor_switch(m.devs[i], true, &ctx[i].prev_rate);
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop) {
		int n = ring_buffer__poll(m.rb, 200);

		if (n < 0 && n != -EINTR && n != -ECANCELED) {
			err("monitor: %s", strerror(-n));
			ret = EXIT_RUNTIME;
			break;
		}
	}
	for (i = 0; i < m.ndevs; i++)
		monitor_switch(m.devs[i], false, &ctx[i].prev_rate);
out:
	ring_buffer__free(m.rb);
	for (i = 0; i < nfds; i++)
		close(ctx[i].fd);
	return ret;
}
