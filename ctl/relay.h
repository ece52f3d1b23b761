/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The relay role: what the config's "relay" rules say, written into
 * dp_relay for XDP to forward by (two entries per rule, one per
 * direction), the neighbours XDP found missing resolved, and the
 * counters read back. A relay holds no tunnel keys and its userspace
 * never sees a relayed packet.
 */
#ifndef TUNCTL_RELAY_H
#define TUNCTL_RELAY_H

#include <jansson.h>

#include "config.h"

/* Replace dev's relay entries with conf's; 0 or -errno. */
int relay_apply(const char *dev, const struct tunctl_conf *conf);
/* What a relay_apply error means, for one line of output. */
const char *relay_strerror(int ret);
/* -EOPNOTSUPP if conf relays and xdp_mode (TUNCTL_XDP_*) cannot. */
int relay_mode_check(const struct tunctl_conf *conf, uint32_t xdp_mode);
/* Ask the kernel to resolve the next hops XDP had no MAC for. */
void relay_resolve_missing(const char *dev);
/* The relay entries with their counters, or an empty array. */
json_t *relay_json(const char *dev);

#endif /* TUNCTL_RELAY_H */
