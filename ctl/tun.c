// SPDX-License-Identifier: GPL-2.0-only
/* Creating and configuring the overlay TUN device with plain ioctls. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_tun.h>

#include "tun.h"
#include "util.h"

static int set_addr(int s, struct ifreq *ifr, unsigned long req,
		    uint32_t addr)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr->ifr_addr;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = addr;
	return ioctl(s, req, ifr) ? -errno : 0;
}

int tun_open(const char *name, struct in_addr addr, unsigned int prefix,
	     int mtu)
{
	struct ifreq ifr = {};
	int fd, s = -1, ret;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	/* Every packet either way starts with a virtio-net header (offload.h). */
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		ret = -errno;
		goto fail;
	}
	/*
	 * Partial checksums and TCP super-packets from the kernel: we finish
	 * and cut them ourselves. Refused (an old kernel): plain packets.
	 */
	ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		ret = -errno;
		goto fail;
	}
	ret = set_addr(s, &ifr, SIOCSIFADDR, addr.s_addr);
	if (!ret)
		ret = set_addr(s, &ifr, SIOCSIFNETMASK,
			       htonl(~0U << (32 - prefix)));
	if (ret)
		goto fail;
	ifr.ifr_mtu = mtu;
	if (ioctl(s, SIOCSIFMTU, &ifr) || ioctl(s, SIOCGIFFLAGS, &ifr)) {
		ret = -errno;
		goto fail;
	}
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr)) {
		ret = -errno;
		goto fail;
	}
	close(s);
	return fd;
fail:
	if (s >= 0)
		close(s);
	close(fd);
	return ret;
}
