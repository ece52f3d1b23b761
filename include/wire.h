/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The tunnel protocol on the wire: UDP to and from each node's
 * listen_port. Shared by the daemon (which builds and parses these) and
 * the XDP/tc programs (which admit them by type, tunnel and session).
 * Multi-byte fields: tunnel ids big-endian, indices and counters
 * little-endian (they are opaque tokens and a nonce, never compared as
 * numbers on the wire). README "Tunnel protocol" walks through them.
 */
#ifndef TUNCTL_WIRE_H
#define TUNCTL_WIRE_H

#ifndef __bpf__
#include <linux/types.h>
#endif

enum tunctl_msg_type {
	TUNCTL_MSG_INIT = 1,	/* handshake initiation, client -> server */
	TUNCTL_MSG_RESP = 2,	/* handshake response, server -> client */
	TUNCTL_MSG_DATA = 4,	/* an encrypted inner IPv4 packet */
};

#define TUNCTL_MAC_LEN		16
#define TUNCTL_TIMESTAMP_LEN	12	/* TAI64N */
/* Noise IK message sizes for our payloads (see ctl/noise.h). */
#define TUNCTL_NOISE_MSG1_LEN	(32 + 32 + 16 + TUNCTL_TIMESTAMP_LEN + 16)
#define TUNCTL_NOISE_MSG2_LEN	(32 + 16)

/*
 * Features beyond the baseline (ChaCha20-Poly1305 data, every inner
 * checksum finished by the sender). The client offers a set in its
 * initiation, the server answers with what both have. When the answer is
 * not empty both sides mix (offer, answer) into the handshake hash before
 * message 2, so neither byte can be changed on the way without the
 * handshake failing; an offer stripped to nothing leaves the baseline,
 * which is what a node of an older version speaks.
 */
#define TUNCTL_FEAT_AES256GCM	0x01	/* data sealed with AES-256-GCM */
#define TUNCTL_FEAT_CSUM_PARTIAL 0x02	/* TUNCTL_DATA_F_CSUM_PARTIAL understood */

struct tunctl_msg_init {
	__u8 type;
	__u8 offer;		/* TUNCTL_FEAT_*: what the client runs */
	__u8 reserved[2];
	__be32 tunnel_id;	/* which of the server's tunnels (and keys) */
	__le32 sender;		/* the client's index for this session */
	__u8 noise[TUNCTL_NOISE_MSG1_LEN];
	__u8 mac1[TUNCTL_MAC_LEN];
};
_Static_assert(sizeof(struct tunctl_msg_init) == 136, "init ABI");

/*
 * Responses and data name their tunnel in the clear, as initiations do:
 * relays forward by it (they hold no keys). It is authenticated (mac1,
 * AEAD associated data) and checked against the session on receipt.
 */
struct tunctl_msg_resp {
	__u8 type;
	__u8 chosen;		/* TUNCTL_FEAT_*: offer & what the server runs */
	__be16 tunnel_id;
	__le32 sender;		/* the server's index for this session */
	__le32 receiver;	/* the client's index, from the init */
	__u8 noise[TUNCTL_NOISE_MSG2_LEN];
	__u8 mac1[TUNCTL_MAC_LEN];
};
_Static_assert(sizeof(struct tunctl_msg_resp) == 76, "resp ABI");

/*
 * The inner packet's TCP or UDP checksum field holds only the sum of its
 * pseudo-header: the receiver's kernel finishes it where it must (on
 * forwarding) and trusts it otherwise, as it does its own packets. Only
 * sent on a session that chose TUNCTL_FEAT_CSUM_PARTIAL, only on unfragmented
 * IPv4 TCP and UDP. Integrity does not suffer: the AEAD tag covers
 * every byte of the inner packet.
 */
#define TUNCTL_DATA_F_CSUM_PARTIAL 0x01

struct tunctl_msg_data {
	__u8 type;
	__u8 flags;		/* TUNCTL_DATA_F_*, authenticated as AD */
	__be16 tunnel_id;
	__le32 receiver;	/* the receiving side's session index */
	__le64 counter;		/* AEAD nonce; anti-replay */
	/* ciphertext of the inner packet, then a 16-byte tag */
};
_Static_assert(sizeof(struct tunctl_msg_data) == 16, "data ABI");

#define TUNCTL_DATA_OVERHEAD (sizeof(struct tunctl_msg_data) + 16)

#endif /* TUNCTL_WIRE_H */
