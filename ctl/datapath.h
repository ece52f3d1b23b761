/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The loader: puts the default-deny datapath on a device and takes it off
 * again. Everything it creates is pinned, so the datapath stays when the
 * process that attached it exits (fail closed).
 */
#ifndef TUNCTL_DATAPATH_H
#define TUNCTL_DATAPATH_H

#include <stdbool.h>
#include <stdint.h>

#include "maps.h"

enum xdp_mode_req {
	/* native; where the driver has none, tc (6.6+, no relays), generic */
	XDP_MODE_AUTO = 0,
	XDP_MODE_NATIVE,
	XDP_MODE_GENERIC,
	XDP_MODE_TC,		/* tc ingress (tcx) instead of XDP */
};

struct dp_attach_opts {
	const char *dev;
	enum xdp_mode_req xdp_mode;
	bool force;		/* replace a foreign XDP program */
	bool relays;		/* the config relays: AUTO must stay on XDP */
	struct tunctl_config cfg;
};

/* All or nothing: on failure the device is left as it was. */
int dp_attach(const struct dp_attach_opts *opts);
/* Remove links, filters and pins; tolerant of half-gone state. */
int dp_detach(const char *dev);

int dp_config_read(const char *dev, struct tunctl_config *cfg);
int dp_config_write(const char *dev, const struct tunctl_config *cfg);
int dp_state_read(const char *dev, struct tunctl_state *st);
/* Per-CPU counters summed; out has TUNCTL_COUNTERS_MAX entries. */
int dp_counters_read(const char *dev, struct tunctl_counter *out);
/* ifindex the pinned ingress link is attached to; 0 if none (gone). */
int dp_link_ifindex(const char *dev);
/* Is the pinned ingress link attached to the device named dev? */
bool dp_link_alive(const char *dev);
/*
 * Put the overlay program (it marks what comes out of tunnels) on the
 * TUN device: a tcx link fd to keep, 0 for a clsact filter, or -errno.
 */
int dp_overlay_attach(const char *dev, int tun_ifindex);

const char *dp_xdp_mode_name(uint32_t mode);
const char *dp_egress_hook_name(uint32_t hook);

#endif /* TUNCTL_DATAPATH_H */
