// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loader for the per-device datapath: skeleton open, maps pinned by name
 * under PIN_ROOT/DEV, config written, egress (tcx, or tc clsact where tcx
 * is missing) and ingress (XDP link, or a tcx link in tc mode) attached
 * and pinned. One teardown path serves both detach and a failed attach.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if_arp.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "datapath.h"
#include "datapath.skel.h"
#include "pins.h"
#include "util.h"

/* Our clsact filter, used only on kernels without tcx (before 6.6). */
#define TC_HANDLE	0x7475	/* "tu" */
#define TC_PRIORITY	1

/*
 * Debian 12's UAPI headers (6.1) predate tcx; the number is ABI (6.6's
 * enum bpf_attach_type) and kernels without it answer EINVAL.
 */
#define TUNCTL_BPF_TCX_INGRESS 46
#define TUNCTL_BPF_TCX_EGRESS 47
/* bpf_mprog: with no relative program, BPF_F_BEFORE means "first". */
#define TUNCTL_BPF_F_BEFORE (1U << 3)

const char *dp_xdp_mode_name(uint32_t mode)
{
	switch (mode) {
	case TUNCTL_XDP_NATIVE:
		return "native";
	case TUNCTL_XDP_GENERIC:
		return "generic";
	case TUNCTL_XDP_TC:
		return "tc";
	default:
		return "unknown";
	}
}

const char *dp_egress_hook_name(uint32_t hook)
{
	switch (hook) {
	case TUNCTL_EGRESS_TCX:
		return "tcx";
	case TUNCTL_EGRESS_CLSACT:
		return "tc-clsact";
	default:
		return "unknown";
	}
}

static int map_rw(const char *dev, const char *name, void *val, bool write)
{
	__u32 zero = 0;
	int fd, ret;

	fd = pin_open(dev, name);
	if (fd < 0)
		return fd;
	ret = write ? bpf_map_update_elem(fd, &zero, val, BPF_EXIST)
		    : bpf_map_lookup_elem(fd, &zero, val);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

int dp_config_read(const char *dev, struct tunctl_config *cfg)
{
	return map_rw(dev, TUNCTL_MAP_CONFIG, cfg, false);
}

int dp_config_write(const char *dev, const struct tunctl_config *cfg)
{
	return map_rw(dev, TUNCTL_MAP_CONFIG, (void *)cfg, true);
}

int dp_state_read(const char *dev, struct tunctl_state *st)
{
	return map_rw(dev, TUNCTL_MAP_STATE, st, false);
}

int dp_counters_read(const char *dev, struct tunctl_counter *out)
{
	int ncpu = libbpf_num_possible_cpus();
	struct tunctl_counter *percpu;
	__u32 key;
	int fd, c, ret = 0;

	if (ncpu < 0)
		return ncpu;
	fd = pin_open(dev, TUNCTL_MAP_COUNTERS);
	if (fd < 0)
		return fd;
	percpu = calloc(ncpu, sizeof(*percpu));
	if (!percpu) {
		close(fd);
		return -ENOMEM;
	}
	for (key = 0; key < TUNCTL_COUNTERS_MAX; key++) {
		out[key].packets = out[key].bytes = 0;
		if (bpf_map_lookup_elem(fd, &key, percpu)) {
			ret = -errno;
			break;
		}
		for (c = 0; c < ncpu; c++) {
			out[key].packets += percpu[c].packets;
			out[key].bytes += percpu[c].bytes;
		}
	}
	free(percpu);
	close(fd);
	return ret;
}

int dp_link_ifindex(const char *dev)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	int fd = pin_open(dev, PIN_LINK_INGRESS);
	int ifindex = 0;

	if (fd < 0)
		return 0;
	/*
	 * An XDP link, or a tcx one in tc mode: both unions start with the
	 * ifindex (6.1's headers have no .tcx to name it by).
	 */
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		ifindex = info.xdp.ifindex;
	close(fd);
	return ifindex;
}

bool dp_link_alive(const char *dev)
{
	int ifindex = dp_link_ifindex(dev);

	/* Attached, and to the device that has this name now. */
	return ifindex && ifindex == (int)if_nametoindex(dev);
}

/* Detach a pinned link (even if others hold it) and remove the pin. */
static void unpin_link(const char *dev, const char *name)
{
	char path[4096];
	int fd;

	if (pin_path(dev, name, path, sizeof(path)))
		return;
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		bpf_link_detach(fd);
		close(fd);
	}
	unlink(path);
}

static void clsact_detach(int ifindex)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = BPF_TC_EGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = TC_HANDLE,
			    .priority = TC_PRIORITY);

	/*
	 * The clsact qdisc itself stays: destroying it would take other
	 * tools' filters (ingress and egress) with it.
	 */
	bpf_tc_detach(&hook, &opts);
}

int dp_detach(const char *dev)
{
	static const char *const maps[] = {
		TUNCTL_MAP_CONFIG, TUNCTL_MAP_COUNTERS, TUNCTL_MAP_EVENTS,
		TUNCTL_MAP_MONITOR_RL, TUNCTL_MAP_STATE, TUNCTL_MAP_TUNNELS,
		TUNCTL_MAP_SESSIONS, TUNCTL_MAP_PEERS, TUNCTL_MAP_HS_RL,
		TUNCTL_MAP_FLOWS, TUNCTL_MAP_RELAY, TUNCTL_MAP_NEIGH_MISS,
	};
	struct tunctl_state st = {};
	char path[4096];
	size_t i;

	/* Ingress first: while tearing down we would rather drop than leak. */
	unpin_link(dev, PIN_LINK_INGRESS);
	if (!dp_state_read(dev, &st) && st.egress_hook == TUNCTL_EGRESS_CLSACT &&
	    st.ifindex && (int)if_nametoindex(dev) == (int)st.ifindex)
		clsact_detach(st.ifindex);
	unpin_link(dev, PIN_LINK_EGRESS);
	if (!pin_path(dev, PIN_PROG_OVERLAY, path, sizeof(path)))
		unlink(path);
	for (i = 0; i < ARRAY_SIZE(maps); i++)
		if (!pin_path(dev, maps[i], path, sizeof(path)))
			unlink(path);
	if (!pin_dir(dev, path, sizeof(path)) && rmdir(path) && errno != ENOENT)
		return -errno;
	return 0;
}

static int pin_link_fd(const char *dev, int link_fd, const char *name)
{
	char path[4096];
	int ret;

	ret = pin_path(dev, name, path, sizeof(path));
	if (ret)
		return ret;
	return bpf_obj_pin(link_fd, path) ? -errno : 0;
}

static int write_state(const char *dev, int state_fd,
		       const struct tunctl_state *st)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(state_fd, &zero, st, BPF_ANY)) {
		err("attach %s: write state: %s", dev, strerror(errno));
		return -errno;
	}
	return 0;
}

static int attach_egress(const char *dev, int ifindex, int prog_fd,
			 int state_fd, struct tunctl_state *st)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = BPF_TC_EGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = prog_fd,
			    .handle = TC_HANDLE, .priority = TC_PRIORITY);
	int fd, ret;

	DECLARE_LIBBPF_OPTS(bpf_link_create_opts, lopts,
			    .flags = TUNCTL_BPF_F_BEFORE);

	/*
	 * tcx (6.6+) gives a link we can pin, like XDP's. First in the chain:
	 * a program before us that returned "pass" would let packets out
	 * that we never saw.
	 */
	/* TUNCTL_EGRESS_HOOK=clsact: the pre-6.6 path, for its tests. */
	if (getenv("TUNCTL_EGRESS_HOOK") &&
	    !strcmp(getenv("TUNCTL_EGRESS_HOOK"), "clsact"))
		fd = -EOPNOTSUPP;
	else
		fd = bpf_link_create(prog_fd, ifindex, TUNCTL_BPF_TCX_EGRESS,
				     &lopts);
	if (fd >= 0) {
		ret = pin_link_fd(dev, fd, PIN_LINK_EGRESS);
		close(fd);
		if (ret)
			err("attach %s: pin egress link: %s", dev,
			    strerror(-ret));
		st->egress_hook = TUNCTL_EGRESS_TCX;
		return ret ? ret : write_state(dev, state_fd, st);
	}
	/* Older kernels: a clsact filter, which outlives us by itself. */
	ret = bpf_tc_hook_create(&hook);
	if (ret && ret != -EEXIST) {
		err("attach %s: create clsact qdisc: %s", dev, strerror(-ret));
		return ret;
	}
	/* Recorded first, so that a failure from here on is undone. */
	st->egress_hook = TUNCTL_EGRESS_CLSACT;
	st->tc_handle = TC_HANDLE;
	st->tc_priority = TC_PRIORITY;
	ret = write_state(dev, state_fd, st);
	if (ret)
		return ret;
	ret = bpf_tc_attach(&hook, &opts);
	if (ret)
		err("attach %s: tc egress filter: %s", dev, strerror(-ret));
	return ret;
}

static int xdp_link(int prog_fd, int ifindex, __u32 flags)
{
	DECLARE_LIBBPF_OPTS(bpf_link_create_opts, lopts, .flags = flags);
	int fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &lopts);

	return fd < 0 ? -errno : fd;
}

/*
 * tc mode: a tcx link, first in the chain like egress's. No clsact
 * fallback: the link is what the pin, dp_link_alive and detach follow.
 */
static int tc_ingress_link(int ifindex, int prog_fd)
{
	DECLARE_LIBBPF_OPTS(bpf_link_create_opts, lopts,
			    .flags = TUNCTL_BPF_F_BEFORE);
	int fd = bpf_link_create(prog_fd, ifindex, TUNCTL_BPF_TCX_INGRESS,
				 &lopts);

	return fd >= 0 ? fd : -errno;
}

static int attach_ingress(const char *dev, int ifindex, int prog_fd,
			  int tc_prog_fd, enum xdp_mode_req mode, bool relays,
			  struct tunctl_state *st)
{
	bool no_native;
	int fd, ret;

	if (mode == XDP_MODE_TC) {
		st->xdp_mode = TUNCTL_XDP_TC;
		fd = tc_ingress_link(ifindex, tc_prog_fd);
		if (fd == -EINVAL) {
			err("attach %s: --xdp-mode tc needs tcx (Linux 6.6 or later)",
			    dev);
			return fd;
		}
	} else if (mode == XDP_MODE_GENERIC) {
		fd = xdp_link(prog_fd, ifindex, XDP_FLAGS_SKB_MODE);
		st->xdp_mode = TUNCTL_XDP_GENERIC;
	} else {
		fd = xdp_link(prog_fd, ifindex, XDP_FLAGS_DRV_MODE);
		st->xdp_mode = TUNCTL_XDP_NATIVE;
		no_native = fd < 0 && mode == XDP_MODE_AUTO &&
			    (fd == -EOPNOTSUPP || fd == -EINVAL);
		/*
		 * No native XDP: tc before generic XDP, which runs after GRO
		 * and sees a batch's first datagram only. Relays need XDP.
		 */
		if (no_native && !relays) {
			fd = tc_ingress_link(ifindex, tc_prog_fd);
			if (fd >= 0) {
				notice("%s: driver has no native XDP; using tc ingress",
				       dev);
				st->xdp_mode = TUNCTL_XDP_TC;
			}
		}
		if (no_native && fd < 0) {
			notice("%s: driver has no native XDP; using generic mode",
			       dev);
			fd = xdp_link(prog_fd, ifindex, XDP_FLAGS_SKB_MODE);
			st->xdp_mode = TUNCTL_XDP_GENERIC;
		}
	}
	if (fd < 0) {
		err("attach %s: %s (%s): %s", dev,
		    st->xdp_mode == TUNCTL_XDP_TC ? "tc ingress" : "XDP",
		    dp_xdp_mode_name(st->xdp_mode), strerror(-fd));
		return fd;
	}
	ret = pin_link_fd(dev, fd, PIN_LINK_INGRESS);
	close(fd);
	if (ret)
		err("attach %s: pin ingress link: %s", dev, strerror(-ret));
	return ret;
}

/* The id of an XDP program on the device that is not ours, or 0. */
static int foreign_xdp(const char *dev, int ifindex, __u32 *prog_id,
		       __u32 *mode_flags)
{
	DECLARE_LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int ret;

	ret = bpf_xdp_query(ifindex, 0, &q);
	if (ret) {
		err("attach %s: query XDP: %s", dev, strerror(-ret));
		return ret;
	}
	*prog_id = q.attach_mode == XDP_ATTACHED_NONE ? 0 : q.prog_id;
	*mode_flags = q.attach_mode == XDP_ATTACHED_SKB ? XDP_FLAGS_SKB_MODE :
		      q.attach_mode == XDP_ATTACHED_HW ? XDP_FLAGS_HW_MODE :
		      XDP_FLAGS_DRV_MODE;
	return 0;
}

/*
 * Remove the foreign program at the last moment, once everything else
 * has worked: a failure before that leaves the device as it was.
 */
static int remove_foreign_xdp(const char *dev, int ifindex, __u32 prog_id,
			      __u32 mode_flags)
{
	int ret = bpf_xdp_detach(ifindex, mode_flags, NULL);

	if (ret) {
		err("attach %s: remove XDP program %u: %s (attached through a bpf_link?)",
		    dev, prog_id, strerror(-ret));
		return ret;
	}
	notice("%s: replaced XDP program %u", dev, prog_id);
	return 0;
}

/* Our classifier reads Ethernet; anything else would be misparsed. */
static int check_ethernet(const char *dev)
{
	struct ifreq ifr = {};
	int fd, ret = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		ret = -errno;
	else if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		ret = -EPROTONOSUPPORT;
	close(fd);
	if (ret == -EPROTONOSUPPORT)
		err("attach %s: not an Ethernet device (link type %u)", dev,
		    ifr.ifr_hwaddr.sa_family);
	else if (ret)
		err("attach %s: %s", dev, strerror(-ret));
	return ret;
}

static int silent_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	/* libbpf's own chatter would break "one clear line" errors. */
	if (level == LIBBPF_WARN && getenv("TUNCTL_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

int dp_attach(const struct dp_attach_opts *o)
{
	__u32 zero = 0, foreign_id, foreign_mode;
	struct tunctl_state st = {};
	struct datapath_bpf *skel;
	int ifindex, state_fd, ret;
	char dir[4096], prog_pin[4096];

	libbpf_set_print(silent_print);
	ifindex = if_nametoindex(o->dev);
	if (!ifindex) {
		err("attach %s: no such device", o->dev);
		return -ENODEV;
	}
	ret = check_ethernet(o->dev);
	if (ret)
		return ret;
	ret = foreign_xdp(o->dev, ifindex, &foreign_id, &foreign_mode);
	if (ret)
		return ret;
	if (foreign_id && !o->force) {
		err("attach %s: another XDP program (id %u) is attached; --force replaces it",
		    o->dev, foreign_id);
		return -EBUSY;
	}
	ret = pin_dir(o->dev, dir, sizeof(dir));
	if (!ret)
		ret = mkdir_p(dir, 0700);
	if (ret) {
		err("attach %s: pin directory %s: %s", o->dev, dir,
		    strerror(-ret));
		return ret;
	}

	{
		DECLARE_LIBBPF_OPTS(bpf_object_open_opts, oopts,
				    .pin_root_path = dir);

		skel = datapath_bpf__open_opts(&oopts);
	}
	if (!skel) {
		ret = -errno;
		err("attach %s: open BPF object: %s", o->dev, strerror(-ret));
		goto undo;
	}
	ret = datapath_bpf__load(skel);
	if (ret) {
		err("attach %s: load BPF programs: %s (TUNCTL_DEBUG=1 shows the verifier log)",
		    o->dev, strerror(-ret));
		goto undo;
	}
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.dp_config), &zero,
				&o->cfg, BPF_ANY)) {
		ret = -errno;
		err("attach %s: write config: %s", o->dev, strerror(-ret));
		goto undo;
	}
	if (!pin_path(o->dev, PIN_PROG_OVERLAY, prog_pin, sizeof(prog_pin)) &&
	    bpf_obj_pin(bpf_program__fd(skel->progs.tunctl_overlay_in),
			prog_pin)) {
		ret = -errno;
		err("attach %s: pin overlay program: %s", o->dev, strerror(-ret));
		goto undo;
	}
	st.ifindex = ifindex;
	st.attached_at = time(NULL);
	state_fd = bpf_map__fd(skel->maps.dp_state);
	ret = attach_egress(o->dev, ifindex,
			    bpf_program__fd(skel->progs.tunctl_egress),
			    state_fd, &st);
	if (ret)
		goto undo;
	if (foreign_id) {
		ret = remove_foreign_xdp(o->dev, ifindex, foreign_id,
					 foreign_mode);
		if (ret)
			goto undo;
	}
	ret = attach_ingress(o->dev, ifindex,
			     bpf_program__fd(skel->progs.tunctl_ingress),
			     bpf_program__fd(skel->progs.tunctl_ingress_tc),
			     o->xdp_mode, o->relays, &st);
	if (ret) {
		if (foreign_id)
			err("attach %s: XDP program %u was removed and could not be replaced",
			    o->dev, foreign_id);
		goto undo;
	}
	ret = write_state(o->dev, state_fd, &st);
	if (ret)
		goto undo;
	datapath_bpf__destroy(skel);
	return 0;

undo:
	datapath_bpf__destroy(skel);
	dp_detach(o->dev);
	return ret;
}

int dp_overlay_attach(const char *dev, int tun_ifindex)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = tun_ifindex,
			    .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = TC_HANDLE,
			    .priority = TC_PRIORITY);
	int prog_fd, fd, ret;

	prog_fd = pin_open(dev, PIN_PROG_OVERLAY);
	if (prog_fd < 0)
		return prog_fd;
	opts.prog_fd = prog_fd;
	/* The link (or filter) goes away with the TUN device, i.e. with us. */
	if (getenv("TUNCTL_EGRESS_HOOK") &&
	    !strcmp(getenv("TUNCTL_EGRESS_HOOK"), "clsact"))
		fd = -EOPNOTSUPP;
	else
		fd = bpf_link_create(prog_fd, tun_ifindex,
				     TUNCTL_BPF_TCX_INGRESS, NULL);
	if (fd >= 0) {
		close(prog_fd);
		return fd;
	}
	ret = bpf_tc_hook_create(&hook);
	if (!ret || ret == -EEXIST)
		ret = bpf_tc_attach(&hook, &opts);
	close(prog_fd);
	return ret;
}
