// SPDX-License-Identifier: GPL-2.0-only
/* IPv4 forwarding and the masquerade rule for forwarded tunnel traffic. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <nftables/libnftables.h>

#include "forward.h"
#include "maps.h"

/* One table per attached device: "tunctl-DEV" in this namespace. */
static int nft_run(const char *cmd, char *why, size_t why_len)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	const char *e;
	int ret;

	if (!ctx)
		return -ENOMEM;
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	ret = nft_run_cmd_from_buffer(ctx, cmd);
	if (ret && why) {
		e = nft_ctx_get_error_buffer(ctx);
		snprintf(why, why_len, "nftables: %.*s", (int)strcspn(e, "\n"),
			 e && *e ? e : "failed");
	}
	nft_ctx_free(ctx);
	return ret ? -EINVAL : 0;
}

int forward_start(const char *dev, char *why, size_t why_len)
{
	char cmd[512];
	int fd, ret;

	fd = open("/proc/sys/net/ipv4/ip_forward", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1\n", 2) != 2) {
		ret = -errno;
		snprintf(why, why_len, "net.ipv4.ip_forward: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	close(fd);
	/* "add" then "delete": clears what a crashed daemon may have left. */
	snprintf(cmd, sizeof(cmd),
		 "add table ip tunctl-%s\n"
		 "delete table ip tunctl-%s\n"
		 "table ip tunctl-%s {\n"
		 " chain postrouting {\n"
		 "  type nat hook postrouting priority srcnat; policy accept;\n"
		 "  meta mark 0x%08x masquerade\n"
		 " }\n"
		 "}\n", dev, dev, dev, TUNCTL_MARK_FWD);
	return nft_run(cmd, why, why_len);
}

void forward_stop(const char *dev)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "delete table ip tunctl-%s\n", dev);
	nft_run(cmd, NULL, 0);
}
