/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sending tunnel datagrams in batches: consecutive datagrams to the same
 * endpoint, all of one size but the last, leave in one sendmsg with
 * UDP_SEGMENT (UDP GSO), so the kernel's UDP and IP work is done once per
 * 64 KB rather than once per packet. Where the route's device cannot
 * segment (EIO), the batch goes out datagram by datagram and GSO is not
 * tried on that socket again.
 */
#ifndef TUNCTL_UDP_BATCH_H
#define TUNCTL_UDP_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* The kernel's UDP_MAX_SEGMENTS before 6.9; later ones allow 128. */
#define UDP_BATCH_SEGS	64
#define UDP_BATCH_BYTES	65000	/* under the 65,507-byte UDP limit */

struct udp_batch {
	int fd;
	bool gso_off;
	struct sockaddr_in dst;
	size_t seg;		/* every datagram's size but the last */
	size_t len;
	unsigned int n;
	bool closed;		/* the last one was short */
	uint64_t sends, datagrams;	/* sendmsg calls, datagrams sent */
	uint8_t buf[UDP_BATCH_BYTES];
};

void udp_batch_init(struct udp_batch *b, int fd);
/*
 * Room for one datagram of len bytes to dst, sending what is batched
 * first if it cannot join. Write it there, then udp_batch_commit. NULL
 * for a datagram larger than a batch (UDP_BATCH_BYTES).
 */
uint8_t *udp_batch_reserve(struct udp_batch *b, const struct sockaddr_in *dst,
			   size_t len);
void udp_batch_commit(struct udp_batch *b, size_t len);
/* Send what is batched. */
void udp_batch_flush(struct udp_batch *b);

#endif /* TUNCTL_UDP_BATCH_H */
