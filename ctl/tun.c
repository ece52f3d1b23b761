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

/*
 * The overlay carries IPv4 alone. With IPv6 on, the kernel would give
 * the device a link-local address and send router solicitations and MLD
 * reports into it, each only dropped by us and counted as a packet of
 * no tunnel. Before the device is up, so that none is ever sent. A
 * kernel without IPv6 has no such file: nothing to do.
 */
static void no_ipv6(const char *name)
{
	char path[80];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
		 name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) != 1)
		err("overlay %s: IPv6 stays on: %s", name, strerror(errno));
	close(fd);
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
	no_ipv6(ifr.ifr_name);
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
