// SPDX-License-Identifier: GPL-2.0-only
/* Data message AEAD: ChaCha20-Poly1305 or AES-256-GCM (cipher.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cipher.h"

uint8_t cipher_suites_local(void)
{
	/* A test or an operator may insist on ChaCha20-Poly1305. */
	if (getenv("TUNCTL_NO_AES"))
		return 0;
	return crypto_aead_aes256gcm_is_available() ? CIPHER_AES256GCM : 0;
}

const char *cipher_name(uint8_t suite)
{
	return suite == CIPHER_AES256GCM ? "aes-256-gcm" : "chacha20-poly1305";
}

int cipher_key_init(struct cipher_key *k, uint8_t suite,
		    const uint8_t key[NOISE_KEYLEN])
{
	memset(k, 0, sizeof(*k));
	k->suite = suite;
	switch (suite) {
	case CIPHER_CHACHAPOLY:
		memcpy(k->chacha, key, NOISE_KEYLEN);
		return 0;
	case CIPHER_AES256GCM:
		if (!crypto_aead_aes256gcm_is_available())
			return -EINVAL;
		crypto_aead_aes256gcm_beforenm(&k->aes, key);
		return 0;
	}
	return -EINVAL;
}

void cipher_key_wipe(struct cipher_key *k)
{
	sodium_memzero(k, sizeof(*k));
}

static void nonce_of(uint8_t nonce[12], uint64_t n)
{
	int i;

	memset(nonce, 0, 4);
	for (i = 0; i < 8; i++)
		nonce[4 + i] = (uint8_t)(n >> (8 * i));
}

void cipher_seal(const struct cipher_key *k, uint64_t n, const uint8_t *ad,
		 size_t adlen, const uint8_t *pt, size_t ptlen, uint8_t *ct)
{
	uint8_t nonce[12];

	nonce_of(nonce, n);
	if (k->suite == CIPHER_AES256GCM)
		crypto_aead_aes256gcm_encrypt_afternm(ct, NULL, pt, ptlen, ad,
						      adlen, NULL, nonce,
						      &k->aes);
	else
		crypto_aead_chacha20poly1305_ietf_encrypt(ct, NULL, pt, ptlen,
							  ad, adlen, NULL,
							  nonce, k->chacha);
}

int cipher_open(const struct cipher_key *k, uint64_t n, const uint8_t *ad,
		size_t adlen, const uint8_t *ct, size_t ctlen, uint8_t *pt)
{
	uint8_t nonce[12];
	int ret;

	if (ctlen < NOISE_TAGLEN)
		return -EBADMSG;
	nonce_of(nonce, n);
	if (k->suite == CIPHER_AES256GCM)
		ret = crypto_aead_aes256gcm_decrypt_afternm(pt, NULL, NULL, ct,
							    ctlen, ad, adlen,
							    nonce, &k->aes);
	else
		ret = crypto_aead_chacha20poly1305_ietf_decrypt(pt, NULL, NULL,
								ct, ctlen, ad,
								adlen, nonce,
								k->chacha);
	return ret ? -EBADMSG : 0;
}
