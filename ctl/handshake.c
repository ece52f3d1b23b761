// SPDX-License-Identifier: GPL-2.0-only
/* tunctl's handshake messages: framing, mac1, timestamps, around noise.c. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <endian.h>
#include <sodium.h>

#include "handshake.h"

#define PROLOGUE "tunctl v1"
#define MAC1_LABEL "mac1----"

/* The prologue binds the handshake to the protocol and to the tunnel. */
static void prologue_of(uint8_t out[sizeof(PROLOGUE) - 1 + 4], uint32_t id)
{
	uint32_t be = htobe32(id);

	memcpy(out, PROLOGUE, sizeof(PROLOGUE) - 1);
	memcpy(out + sizeof(PROLOGUE) - 1, &be, 4);
}

/*
 * wire.h TUNCTL_FEAT_*: with something chosen, the offer and the choice
 * become part of the handshake hash before message 2, so that message
 * only verifies if both sides saw the same two bytes.
 */
static void bind_features(struct noise_hs *hs)
{
	uint8_t both[2] = { hs->offer, hs->chosen };

	if (hs->chosen)
		noise_hs_mix(hs, both, sizeof(both));
}

static void mac1_key(uint8_t out[32], const uint8_t pub[KEY_LEN])
{
	crypto_generichash_blake2b_state st;

	crypto_generichash_blake2b_init(&st, NULL, 0, 32);
	crypto_generichash_blake2b_update(&st, (const uint8_t *)MAC1_LABEL,
					  sizeof(MAC1_LABEL) - 1);
	crypto_generichash_blake2b_update(&st, pub, KEY_LEN);
	crypto_generichash_blake2b_final(&st, out, 32);
}

static void mac1(uint8_t out[TUNCTL_MAC_LEN], const uint8_t key[32],
		 const void *msg, size_t len)
{
	crypto_generichash_blake2b(out, TUNCTL_MAC_LEN, msg, len, key, 32);
}

static int mac1_ok(const uint8_t key[32], const void *msg, size_t len,
		   const uint8_t got[TUNCTL_MAC_LEN])
{
	uint8_t want[TUNCTL_MAC_LEN];

	mac1(want, key, msg, len);
	return sodium_memcmp(want, got, TUNCTL_MAC_LEN) == 0;
}

int hs_keys_init(struct hs_keys *k, uint32_t tunnel_id,
		 const uint8_t priv[KEY_LEN], const uint8_t peer_pub[KEY_LEN])
{
	memset(k, 0, sizeof(*k));
	k->tunnel_id = tunnel_id;
	memcpy(k->priv, priv, KEY_LEN);
	memcpy(k->peer_pub, peer_pub, KEY_LEN);
	k->features = TUNCTL_FEAT_CSUM_PARTIAL | cipher_suites_local();
	if (key_public(k->priv, k->pub)) {
		hs_keys_wipe(k);
		return -EINVAL;
	}
	mac1_key(k->mac1_in, k->pub);
	mac1_key(k->mac1_out, k->peer_pub);
	return 0;
}

void hs_keys_wipe(struct hs_keys *k)
{
	sodium_memzero(k, sizeof(*k));
}

void hs_timestamp(uint8_t ts[TUNCTL_TIMESTAMP_LEN])
{
	struct timespec now;
	uint64_t secs;
	uint32_t nsec;

	clock_gettime(CLOCK_REALTIME, &now);
	secs = htobe64(0x400000000000000aULL + (uint64_t)now.tv_sec);
	nsec = htobe32((uint32_t)now.tv_nsec);
	memcpy(ts, &secs, 8);
	memcpy(ts + 8, &nsec, 4);
}

int hs_create_init(struct noise_hs *hs, const struct hs_keys *k,
		   uint32_t sender, struct tunctl_msg_init *out)
{
	uint8_t prologue[sizeof(PROLOGUE) - 1 + 4], ts[TUNCTL_TIMESTAMP_LEN];
	int ret;

	memset(out, 0, sizeof(*out));
	out->type = TUNCTL_MSG_INIT;
	out->offer = k->features;
	out->tunnel_id = htobe32(k->tunnel_id);
	out->sender = htole32(sender);
	prologue_of(prologue, k->tunnel_id);
	ret = noise_hs_init_keyed(hs, true, k->priv, k->pub, k->peer_pub,
				  prologue, sizeof(prologue));
	if (ret)
		return ret;
	hs->offer = k->features;
	hs_timestamp(ts);
	ret = noise_write_msg1(hs, ts, sizeof(ts), out->noise);
	if (ret)
		return ret;
	mac1(out->mac1, k->mac1_out, out, offsetof(struct tunctl_msg_init, mac1));
	return 0;
}

int hs_consume_init(struct noise_hs *hs, const struct hs_keys *k,
		    const struct tunctl_msg_init *msg,
		    uint8_t last_ts[TUNCTL_TIMESTAMP_LEN])
{
	uint8_t prologue[sizeof(PROLOGUE) - 1 + 4], ts[TUNCTL_TIMESTAMP_LEN];
	int ret;

	/* Cheap checks first: no DH for a message that fails them. */
	if (msg->type != TUNCTL_MSG_INIT ||
	    be32toh(msg->tunnel_id) != k->tunnel_id ||
	    !mac1_ok(k->mac1_in, msg, offsetof(struct tunctl_msg_init, mac1),
		     msg->mac1))
		return -EBADMSG;
	prologue_of(prologue, k->tunnel_id);
	ret = noise_hs_init_keyed(hs, false, k->priv, k->pub, NULL, prologue,
				  sizeof(prologue));
	if (!ret)
		ret = noise_read_msg1(hs, msg->noise, sizeof(msg->noise), ts);
	if (ret)
		goto fail;
	if (!key_equal(hs->rs, k->peer_pub)) {
		ret = -EACCES;
		goto fail;
	}
	/* Big-endian TAI64N compares as bytes. */
	if (memcmp(ts, last_ts, sizeof(ts)) <= 0) {
		ret = -EALREADY;
		goto fail;
	}
	memcpy(last_ts, ts, sizeof(ts));
	/* What both run; bits neither knows are never chosen. */
	hs->offer = msg->offer;
	hs->chosen = msg->offer & k->features;
	return 0;
fail:
	noise_hs_wipe(hs);
	return ret == -EINVAL ? -EBADMSG : ret;
}

int hs_create_resp(struct noise_hs *hs, const struct hs_keys *k,
		   uint32_t sender, uint32_t receiver,
		   struct tunctl_msg_resp *out)
{
	int ret;

	memset(out, 0, sizeof(*out));
	out->type = TUNCTL_MSG_RESP;
	out->chosen = hs->chosen;
	out->tunnel_id = htobe16(k->tunnel_id);
	out->sender = htole32(sender);
	out->receiver = htole32(receiver);
	bind_features(hs);
	ret = noise_write_msg2(hs, NULL, 0, out->noise);
	if (ret)
		return ret;
	mac1(out->mac1, k->mac1_out, out, offsetof(struct tunctl_msg_resp, mac1));
	return 0;
}

int hs_consume_resp(struct noise_hs *hs, const struct hs_keys *k,
		    const struct tunctl_msg_resp *msg)
{
	uint8_t empty[1];

	if (msg->type != TUNCTL_MSG_RESP ||
	    be16toh(msg->tunnel_id) != k->tunnel_id ||
	    !mac1_ok(k->mac1_in, msg, offsetof(struct tunctl_msg_resp, mac1),
		     msg->mac1))
		return -EBADMSG;
	/* Only what we offered; a changed byte fails msg2's tag. */
	if (msg->chosen & ~hs->offer)
		return -EBADMSG;
	hs->chosen = msg->chosen;
	bind_features(hs);
	return noise_read_msg2(hs, msg->noise, sizeof(msg->noise), empty) ?
	       -EBADMSG : 0;
}
