/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The AEAD of data messages. The handshake is always ChaChaPoly (noise.h);
 * the data it keys may use AES-256-GCM instead where both ends run it in
 * hardware (handshake.h says how they agree on it). A cipher_key is made
 * once per session from the transport key: for AES-GCM that is the
 * expanded key schedule, so no packet pays for the expansion.
 */
#ifndef TUNCTL_CIPHER_H
#define TUNCTL_CIPHER_H

#include <stddef.h>
#include <stdint.h>
#include <sodium.h>

#include "noise.h"
#include "wire.h"

/* A suite is its feature bit on the wire; ChaCha20-Poly1305 needs none. */
#define CIPHER_CHACHAPOLY	0x00	/* every node has it */
#define CIPHER_AES256GCM	TUNCTL_FEAT_AES256GCM

struct cipher_key {
	uint8_t suite;
	union {
		uint8_t chacha[NOISE_KEYLEN];
		crypto_aead_aes256gcm_state aes;
	};
};

/*
 * The ciphers besides ChaCha20-Poly1305 this machine runs well: AES-GCM
 * needs AES-NI and PCLMUL (libsodium's test; sodium_init() first).
 * TUNCTL_NO_AES in the environment offers none.
 */
uint8_t cipher_suites_local(void);
/* A printable name for a suite. */
const char *cipher_name(uint8_t suite);

/* 0, or -EINVAL for a suite this machine cannot run. Wipe when done. */
int cipher_key_init(struct cipher_key *k, uint8_t suite,
		    const uint8_t key[NOISE_KEYLEN]);
void cipher_key_wipe(struct cipher_key *k);

/*
 * Seal ptlen bytes with counter n (Noise's nonce: 32 zero bits, the
 * counter little-endian) into ct: ptlen + NOISE_TAGLEN bytes. pt and ct
 * may be the same buffer.
 */
void cipher_seal(const struct cipher_key *k, uint64_t n, const uint8_t *ad,
		 size_t adlen, const uint8_t *pt, size_t ptlen, uint8_t *ct);
/* Open; 0, or -EBADMSG when the tag does not match (pt is then junk). */
int cipher_open(const struct cipher_key *k, uint64_t n, const uint8_t *ad,
		size_t adlen, const uint8_t *ct, size_t ctlen, uint8_t *pt);

#endif /* TUNCTL_CIPHER_H */
