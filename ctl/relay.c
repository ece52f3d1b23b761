// SPDX-License-Identifier: GPL-2.0-only
/* Relay rules into dp_relay, missing neighbours, counters. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <bpf/bpf.h>

#include "datapath.h"
#include "pins.h"
#include "relay.h"
#include "rtnl.h"
#include "util.h"

/* Our address toward to: what the kernel's routes would send from. */
static int source_toward(const struct sockaddr_in *to, uint32_t *src)
{
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return -errno;
	/* connect() on UDP sends nothing: it only picks a route. */
	if (connect(fd, (const struct sockaddr *)to, sizeof(*to)) ||
	    getsockname(fd, (struct sockaddr *)&me, &len))
		ret = -errno;
	else
		*src = me.sin_addr.s_addr;
	close(fd);
	return ret;
}

static void clear(int fd)
{
	struct tunctl_relay_key k, next;

	while (!bpf_map_get_next_key(fd, NULL, &next)) {
		k = next;
		if (bpf_map_delete_elem(fd, &k))
			break;
	}
}

static int put(int fd, int ifindex, const struct sockaddr_in *from,
	       const struct sockaddr_in *to, uint32_t tunnel)
{
	struct tunctl_relay_key k = {
		.addr = from->sin_addr.s_addr, .port = from->sin_port,
		.tunnel_id = tunnel,
	};
	struct tunctl_relay_hop v = {
		.next_addr = to->sin_addr.s_addr, .next_port = to->sin_port,
	};
	int ret = source_toward(to, &v.src_addr);

	if (ret)
		return ret;
	if (bpf_map_update_elem(fd, &k, &v, BPF_ANY))
		return -errno;
	/* Learn its MAC now, so that the first packet need not be lost. */
	if (ifindex)
		rtnl_neigh_resolve(ifindex, to->sin_addr.s_addr);
	return 0;
}

/*
 * The FIB helper answers only for devices that forward: XDP relays what
 * arrives on dev, so dev must. Nothing else is forwarded by it, since
 * the datapath passes nothing to the stack that is not for this node.
 */
static int forwarding_on(const char *dev)
{
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/forwarding", dev);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1\n", 2) != 2)
		ret = -errno;
	if (fd >= 0)
		close(fd);
	return ret;
}

const char *relay_strerror(int ret)
{
	if (ret == -EOPNOTSUPP)
		return "relays forward in XDP, not on a tc datapath (--xdp-mode tc)";
	return strerror(-ret);
}

int relay_mode_check(const struct tunctl_conf *conf, uint32_t xdp_mode)
{
	/* Relaying is XDP's (relay_forward): a tc datapath cannot. */
	return conf->n_relays && xdp_mode == TUNCTL_XDP_TC ? -EOPNOTSUPP : 0;
}

int relay_apply(const char *dev, const struct tunctl_conf *conf)
{
	int ifindex = if_nametoindex(dev), fd, ret = 0;
	struct tunctl_state st;
	struct tunctl_config cfg;
	size_t i;

	if (conf->n_relays && !dp_state_read(dev, &st)) {
		ret = relay_mode_check(conf, st.xdp_mode);
		if (ret)
			return ret;
	}
	fd = pin_open(dev, TUNCTL_MAP_RELAY);
	if (fd < 0)
		return fd;
	clear(fd);
	for (i = 0; !ret && i < conf->n_relays; i++) {
		const struct conf_relay *r = &conf->relays[i];

		ret = put(fd, ifindex, &r->side[0], &r->side[1], r->tunnel);
		if (!ret)
			ret = put(fd, ifindex, &r->side[1], &r->side[0], r->tunnel);
	}
	close(fd);
	if (!ret && conf->n_relays)
		ret = forwarding_on(dev);
	if (ret)
		return ret;
	ret = dp_config_read(dev, &cfg);
	if (ret)
		return ret;
	if (conf->n_relays) {
		cfg.flags |= TUNCTL_CFG_RELAY;
		cfg.listen_port = htons(conf->listen_port);
	} else {
		cfg.flags &= ~TUNCTL_CFG_RELAY;
	}
	return dp_config_write(dev, &cfg);
}

void relay_resolve_missing(const char *dev)
{
	struct tunctl_neigh_key k, next;
	int fd = pin_open(dev, TUNCTL_MAP_NEIGH_MISS);

	if (fd < 0)
		return;
	while (!bpf_map_get_next_key(fd, NULL, &next)) {
		k = next;
		rtnl_neigh_resolve(k.ifindex, k.addr);
		if (bpf_map_delete_elem(fd, &k))
			break;
	}
	close(fd);
}

json_t *relay_json(const char *dev)
{
	struct tunctl_relay_key k, next, *prev = NULL;
	struct tunctl_relay_hop v;
	json_t *list = json_array();
	char from[INET_ADDRSTRLEN], to[INET_ADDRSTRLEN], a[32], b[32];
	int fd = pin_open(dev, TUNCTL_MAP_RELAY);

	if (fd < 0)
		return list;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &v))
			continue;
		inet_ntop(AF_INET, &k.addr, from, sizeof(from));
		inet_ntop(AF_INET, &v.next_addr, to, sizeof(to));
		snprintf(a, sizeof(a), "%s:%u", from, ntohs(k.port));
		snprintf(b, sizeof(b), "%s:%u", to, ntohs(v.next_port));
		json_array_append_new(list, json_pack("{sIsssssIsI}",
			"tunnel", (json_int_t)k.tunnel_id, "from", a, "to", b,
			"packets", (json_int_t)v.packets,
			"bytes", (json_int_t)v.bytes));
	}
	close(fd);
	return list;
}
