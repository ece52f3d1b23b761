/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TUN offloads in userspace. With a virtio-net header on the overlay
 * device, the kernel hands the daemon TCP super-packets (up to 64 KB,
 * one header for all) and takes them back the same way. Before
 * encryption a super-packet is cut into MSS-sized packets (TSO done
 * here), so every tunnel datagram still fits the wire; after decryption
 * consecutive segments of one TCP flow are joined again (GRO done here),
 * so the kernel's TCP stack sees one packet per 64 KB instead of 45.
 * Each inner packet is still encrypted, authenticated and vetted alone:
 * the offloads only change how many syscalls carry them.
 *
 * Pure logic on buffers: unit-tested without a device.
 */
#ifndef TUNCTL_OFFLOAD_H
#define TUNCTL_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/virtio_net.h>

#define OFFLOAD_VNET_LEN	sizeof(struct virtio_net_hdr)
#define OFFLOAD_PKT_MAX		65535	/* an IPv4 packet's limit */
#define OFFLOAD_GRO_SEGS	64	/* as the kernel's GRO */
#define OFFLOAD_HDR_MAX		120	/* IPv4 and TCP headers with options */

/*
 * A packet that may cross the tunnel with its checksum partial (wire.h
 * TUNCTL_DATA_F_CSUM_PARTIAL): unfragmented IPv4 TCP or UDP with the
 * field inside it. Then true, and vh says where the checksum goes
 * (NEEDS_CSUM), to write it to the overlay with.
 */
bool offload_partial_hdr(const uint8_t *pkt, size_t len,
			 struct virtio_net_hdr *vh);

/*
 * A packet read from the overlay, as vh says: 1 when it may go as it is,
 * partial (partial_ok); 0 when it needs no checksum or has had it
 * finished here, in place; -EINVAL when vh asks for a checksum anywhere
 * but where offload_partial_hdr puts it (the caller drops the packet).
 */
/*
 * Whole checksums, for a packet of our own: the IPv4 header's (ihl
 * bytes), and a TCP segment's over its pseudo-header (tot: IP length).
 */
void offload_ip_csum_set(uint8_t *ip, size_t ihl);
void offload_tcp4_csum_set(uint8_t *ip, size_t ihl, size_t tot);

int offload_csum_prepare(const struct virtio_net_hdr *vh, uint8_t *pkt,
			 size_t len, bool partial_ok);

/*
 * Cutting one TCP/IPv4 super-packet into wire-sized packets, in place:
 * each segment is built over the tail of the one before it.
 */
struct offload_split {
	uint8_t *pkt;
	size_t len;
	size_t ihl;
	size_t hdr_len;		/* IPv4 + TCP headers */
	size_t mss;
	size_t off;		/* payload offset of the next segment */
	unsigned int i, n;	/* next segment, segments in all */
	bool partial;		/* checksums left to the peer's kernel */
	uint8_t hdr[OFFLOAD_HDR_MAX];	/* the super-packet's headers */
};

/*
 * Prepare to split pkt (len bytes) as vh says, with partial checksums
 * or finished ones, into segments of max_seg bytes at most. 0; -EINVAL
 * for anything but a sane TCPV4 super-packet whose segments fit (the
 * caller drops it and counts it). pkt is overwritten as the segments
 * are built.
 */
int offload_split_init(struct offload_split *s,
		       const struct virtio_net_hdr *vh, uint8_t *pkt,
		       size_t len, size_t max_seg, bool partial);
/*
 * The next segment, inside pkt, and its length in *len: headers fixed
 * up (length, id, checksums, sequence, flags). Valid until the next
 * call; NULL when all have been built.
 */
uint8_t *offload_split_next(struct offload_split *s, size_t *len);

/* Joining decrypted TCP segments of one flow into a super-packet. */
struct offload_gro {
	size_t len;		/* packet bytes in buf after the header */
	size_t hdr_len;
	size_t mss;		/* payload of the first segment */
	uint32_t next_seq;
	unsigned int segs;
	bool closed;		/* a short or PSH segment ends it */
	bool partial;		/* the first one came with its checksum partial */
	uint8_t buf[OFFLOAD_VNET_LEN + OFFLOAD_PKT_MAX];
};

/*
 * Add pkt to g (partial: it came with TUNCTL_DATA_F_CSUM_PARTIAL): true
 * if it joined (or started) g; false if it cannot
 * (another flow, a gap, flags, full): finish g first, then add again; a
 * packet that can never join anything is refused on an empty g too, and
 * is written on its own.
 */
bool offload_gro_add(struct offload_gro *g, const uint8_t *pkt, size_t len,
		     bool partial);
/*
 * Fix g's headers up and return the bytes to write to the TUN device
 * (virtio-net header included; 0 if g is empty). g is empty afterwards;
 * the bytes stay valid until the next add.
 */
size_t offload_gro_finish(struct offload_gro *g);

#endif /* TUNCTL_OFFLOAD_H */
