/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The overlay interface: a TUN device owned by the daemon. It is not
 * persistent, so it disappears with the daemon, and with it the only way
 * plaintext could enter or leave the tunnels.
 */
#ifndef TUNCTL_TUN_H
#define TUNCTL_TUN_H

#include <netinet/in.h>

#define OVERLAY_MTU 1420	/* 1500 - IPv4 - UDP - data header - tag */

/*
 * Create, address and bring up; a non-blocking fd, or -errno. Reads and
 * writes carry a virtio-net header before each packet (offload.h).
 */
int tun_open(const char *name, struct in_addr addr, unsigned int prefix,
	     int mtu);

#endif /* TUNCTL_TUN_H */
