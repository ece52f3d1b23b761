// SPDX-License-Identifier: GPL-2.0-only
/* Batched UDP sends with UDP GSO (udp_batch.h). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/udp.h>

#include "udp_batch.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

void udp_batch_init(struct udp_batch *b, int fd)
{
	memset(b, 0, offsetof(struct udp_batch, buf));
	b->fd = fd;
}

uint8_t *udp_batch_reserve(struct udp_batch *b, const struct sockaddr_in *dst,
			   size_t len)
{
	if (len > sizeof(b->buf))
		return NULL;
	if (b->n && (b->closed || len > b->seg || b->n == UDP_BATCH_SEGS ||
		     b->len + len > sizeof(b->buf) ||
		     b->dst.sin_addr.s_addr != dst->sin_addr.s_addr ||
		     b->dst.sin_port != dst->sin_port))
		udp_batch_flush(b);
	if (!b->n) {
		b->dst = *dst;
		b->seg = len;
	}
	return b->buf + b->len;
}

void udp_batch_commit(struct udp_batch *b, size_t len)
{
	b->len += len;
	b->n++;
	if (len < b->seg)
		b->closed = true;
}

static int send_gso(struct udp_batch *b)
{
	union {
		char buf[CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr align;
	} ctl = {};
	struct iovec iov = { .iov_base = b->buf, .iov_len = b->len };
	struct msghdr msg = {
		.msg_name = &b->dst, .msg_namelen = sizeof(b->dst),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	uint16_t seg = (uint16_t)b->seg;

	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(seg));
	memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
	return sendmsg(b->fd, &msg, 0) < 0 ? -errno : 0;
}

void udp_batch_flush(struct udp_batch *b)
{
	size_t off, len;
	int ret = -EIO;

	if (!b->n)
		return;
	if (b->n > 1 && !b->gso_off) {
		ret = send_gso(b);
		/*
		 * The socket or device cannot segment (no UDP_SEGMENT, no
		 * checksum offload): never again. This batch cannot (EINVAL:
		 * say a path with a smaller MTU): this one by one.
		 */
		if (ret == -EIO || ret == -ENOPROTOOPT)
			b->gso_off = true;
		else if (ret != -EINVAL)
			b->sends++;
	}
	if (b->n == 1 || b->gso_off || ret == -EINVAL) {
		for (off = 0; off < b->len; off += len) {
			len = b->len - off < b->seg ? b->len - off : b->seg;
			sendto(b->fd, b->buf + off, len, 0,
			       (const struct sockaddr *)&b->dst, sizeof(b->dst));
			b->sends++;
		}
	}
	/* A full socket buffer drops the batch, as it would a packet. */
	b->datagrams += b->n;
	b->len = 0;
	b->n = 0;
	b->closed = false;
}
