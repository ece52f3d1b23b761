/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Noise IK handshake, Noise_IK_25519_ChaChaPoly_BLAKE2b (the Noise
 * Protocol Framework, revision 34), on libsodium. One object per
 * handshake; both roles; every secret wiped by noise_hs_wipe().
 *
 *   IK:  <- s
 *        ...
 *        -> e, es, s, ss      (message 1, initiator to responder)
 *        <- e, ee, se         (message 2, responder to initiator)
 *
 * The caller decides what the payloads are and what the responder does
 * with the initiator's static key it learns from message 1 (compare it,
 * in constant time, with the key the tunnel expects).
 */
#ifndef TUNCTL_NOISE_H
#define TUNCTL_NOISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NOISE_DHLEN	32
#define NOISE_HASHLEN	64
#define NOISE_KEYLEN	32
#define NOISE_TAGLEN	16
#define NOISE_PROTOCOL	"Noise_IK_25519_ChaChaPoly_BLAKE2b"

/* Message sizes for a payload of p bytes. */
#define NOISE_MSG1_LEN(p) (NOISE_DHLEN + NOISE_DHLEN + NOISE_TAGLEN + (p) + NOISE_TAGLEN)
#define NOISE_MSG2_LEN(p) (NOISE_DHLEN + (p) + NOISE_TAGLEN)

enum noise_state {
	NOISE_INITIATOR_START,	/* next: noise_write_msg1 */
	NOISE_INITIATOR_SENT,	/* next: noise_read_msg2 */
	NOISE_RESPONDER_START,	/* next: noise_read_msg1 */
	NOISE_RESPONDER_READ,	/* next: noise_write_msg2 */
	NOISE_DONE,		/* next: noise_split */
	NOISE_FAILED,		/* nothing: wipe it */
};

struct noise_hs {
	enum noise_state state;
	bool initiator;
	uint8_t ck[NOISE_HASHLEN];
	uint8_t h[NOISE_HASHLEN];
	uint8_t k[NOISE_KEYLEN];
	bool has_k;
	uint64_t n;
	uint8_t s_priv[NOISE_DHLEN], s_pub[NOISE_DHLEN];
	uint8_t e_priv[NOISE_DHLEN], e_pub[NOISE_DHLEN];
	bool e_set;
	uint8_t rs[NOISE_DHLEN];	/* the peer's static key */
	uint8_t re[NOISE_DHLEN];
	/* tunctl's features (wire.h TUNCTL_FEAT_*), set by handshake.c */
	uint8_t offer, chosen;
};

/*
 * Start a handshake. The initiator must know the responder's static key
 * (rs); the responder passes NULL and learns the initiator's from
 * message 1. 0, or -EINVAL for a bad static key.
 */
int noise_hs_init(struct noise_hs *hs, bool initiator,
		  const uint8_t s_priv[NOISE_DHLEN],
		  const uint8_t rs[NOISE_DHLEN], const uint8_t *prologue,
		  size_t prologue_len);
/*
 * The same with the static key's public half given (s_pub), as the
 * caller that keeps one key for many handshakes has it: one X25519
 * base-point multiplication less per handshake.
 */
int noise_hs_init_keyed(struct noise_hs *hs, bool initiator,
			const uint8_t s_priv[NOISE_DHLEN],
			const uint8_t s_pub[NOISE_DHLEN],
			const uint8_t rs[NOISE_DHLEN], const uint8_t *prologue,
			size_t prologue_len);
/* Use this ephemeral key instead of a random one (known-answer tests). */
void noise_hs_set_ephemeral(struct noise_hs *hs,
			    const uint8_t e_priv[NOISE_DHLEN]);

/*
 * Each returns 0 or a negative errno and moves the state on; any failure
 * leaves the handshake NOISE_FAILED. out must hold NOISE_MSGn_LEN(plen)
 * bytes; a read's payload buffer must hold len - NOISE_MSGn_LEN(0).
 * -EBADMSG: authentication failed; -EINVAL: wrong size or state.
 */
int noise_write_msg1(struct noise_hs *hs, const uint8_t *payload,
		     size_t plen, uint8_t *out);
int noise_read_msg1(struct noise_hs *hs, const uint8_t *msg, size_t len,
		    uint8_t *payload);
int noise_write_msg2(struct noise_hs *hs, const uint8_t *payload,
		     size_t plen, uint8_t *out);
int noise_read_msg2(struct noise_hs *hs, const uint8_t *msg, size_t len,
		    uint8_t *payload);
/* MixHash(data): bind something outside the messages to the handshake. */
void noise_hs_mix(struct noise_hs *hs, const uint8_t *data, size_t len);

/*
 * After both messages: the transport keys, from the caller's point of
 * view (send, receive), and the handshake hash if wanted (may be NULL).
 */
int noise_split(struct noise_hs *hs, uint8_t send[NOISE_KEYLEN],
		uint8_t recv[NOISE_KEYLEN], uint8_t hash[NOISE_HASHLEN]);
void noise_hs_wipe(struct noise_hs *hs);

/* ChaCha20-Poly1305 with Noise's nonce (32 zero bits, 64-bit LE counter). */
void noise_aead_encrypt(const uint8_t key[NOISE_KEYLEN], uint64_t n,
			const uint8_t *ad, size_t adlen, const uint8_t *pt,
			size_t ptlen, uint8_t *ct);
/* 0, or -EBADMSG when the tag does not verify (nothing is written then). */
int noise_aead_decrypt(const uint8_t key[NOISE_KEYLEN], uint64_t n,
		       const uint8_t *ad, size_t adlen, const uint8_t *ct,
		       size_t ctlen, uint8_t *pt);

#endif /* TUNCTL_NOISE_H */
