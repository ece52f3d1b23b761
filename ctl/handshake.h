/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tunctl's handshake messages around Noise IK (README "Tunnel protocol"):
 * the client's initiation carries its session index and a TAI64N
 * timestamp, the server's response its own index; both end in mac1, a
 * keyed BLAKE2b of the message under a key derived from the receiver's
 * public key, checked before any DH so that junk costs a hash only.
 * The initiation offers features (wire.h TUNCTL_FEAT_*), the response
 * says which were chosen; a session takes them from hs->chosen.
 */
#ifndef TUNCTL_HANDSHAKE_H
#define TUNCTL_HANDSHAKE_H

#include <stdint.h>

#include "cipher.h"
#include "keys.h"
#include "noise.h"
#include "wire.h"

/* One side's keys for one tunnel, and what follows from them. */
struct hs_keys {
	uint32_t tunnel_id;
	uint8_t priv[KEY_LEN];
	uint8_t pub[KEY_LEN];
	uint8_t peer_pub[KEY_LEN];
	uint8_t mac1_in[32];	/* checks mac1 of messages to us */
	uint8_t mac1_out[32];	/* makes mac1 of messages to the peer */
	uint8_t features;	/* wire.h TUNCTL_FEAT_*: what we run */
};

/* 0, or -EINVAL when the private key has no usable public key. */
int hs_keys_init(struct hs_keys *k, uint32_t tunnel_id,
		 const uint8_t priv[KEY_LEN], const uint8_t peer_pub[KEY_LEN]);
void hs_keys_wipe(struct hs_keys *k);

/* TAI64N of the wall clock now. */
void hs_timestamp(uint8_t ts[TUNCTL_TIMESTAMP_LEN]);

/* Client: the initiation; hs is kept for the response. */
int hs_create_init(struct noise_hs *hs, const struct hs_keys *k,
		   uint32_t sender, struct tunctl_msg_init *out);
/*
 * Server: check and read an initiation. -EBADMSG: bad mac1 or not
 * authentic; -EACCES: authentic, but from another key than the tunnel's
 * peer; -EALREADY: its timestamp is not newer than *last_ts (a replay).
 * On success *last_ts is updated and hs is ready for hs_create_resp.
 */
int hs_consume_init(struct noise_hs *hs, const struct hs_keys *k,
		    const struct tunctl_msg_init *msg,
		    uint8_t last_ts[TUNCTL_TIMESTAMP_LEN]);
int hs_create_resp(struct noise_hs *hs, const struct hs_keys *k,
		   uint32_t sender, uint32_t receiver,
		   struct tunctl_msg_resp *out);
/* Client: check and read the response to hs. -EBADMSG when not genuine. */
int hs_consume_resp(struct noise_hs *hs, const struct hs_keys *k,
		    const struct tunctl_msg_resp *msg);

#endif /* TUNCTL_HANDSHAKE_H */
