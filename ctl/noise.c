// SPDX-License-Identifier: GPL-2.0-only
/*
 * Noise_IK_25519_ChaChaPoly_BLAKE2b, following the Noise specification
 * (revision 34) section by section: 4 (crypto functions), 5.1-5.3
 * (CipherState, SymmetricState, HandshakeState), 7.5 (IK). Temporaries
 * that held key material are wiped where they go out of use.
 */
#include <errno.h>
#include <string.h>
#include <sodium.h>

#include "noise.h"

#define BLAKE2B_BLOCKLEN 128

/* --- 4. Crypto functions ------------------------------------------------ */

static void hash2(uint8_t out[NOISE_HASHLEN], const uint8_t *a, size_t alen,
		  const uint8_t *b, size_t blen)
{
	crypto_generichash_blake2b_state st;

	crypto_generichash_blake2b_init(&st, NULL, 0, NOISE_HASHLEN);
	crypto_generichash_blake2b_update(&st, a, alen);
	crypto_generichash_blake2b_update(&st, b, blen);
	crypto_generichash_blake2b_final(&st, out, NOISE_HASHLEN);
	sodium_memzero(&st, sizeof(st));
}

/* HMAC (RFC 2104) over BLAKE2b, as section 4.3 defines it; keylen <= 64. */
static void hmac(uint8_t out[NOISE_HASHLEN], const uint8_t *key,
		 size_t keylen, const uint8_t *data, size_t datalen)
{
	uint8_t pad[BLAKE2B_BLOCKLEN], inner[NOISE_HASHLEN];
	size_t i;

	memset(pad, 0x36, sizeof(pad));
	for (i = 0; i < keylen; i++)
		pad[i] ^= key[i];
	hash2(inner, pad, sizeof(pad), data, datalen);
	memset(pad, 0x5c, sizeof(pad));
	for (i = 0; i < keylen; i++)
		pad[i] ^= key[i];
	hash2(out, pad, sizeof(pad), inner, sizeof(inner));
	sodium_memzero(pad, sizeof(pad));
	sodium_memzero(inner, sizeof(inner));
}

/* HKDF with two outputs (section 4.3); ikm may be empty. */
static void hkdf2(const uint8_t ck[NOISE_HASHLEN], const uint8_t *ikm,
		  size_t ikmlen, uint8_t out1[NOISE_HASHLEN],
		  uint8_t out2[NOISE_HASHLEN])
{
	uint8_t temp[NOISE_HASHLEN], buf[NOISE_HASHLEN + 1];
	uint8_t one = 1;

	hmac(temp, ck, NOISE_HASHLEN, ikm, ikmlen);
	hmac(out1, temp, sizeof(temp), &one, 1);
	memcpy(buf, out1, NOISE_HASHLEN);
	buf[NOISE_HASHLEN] = 2;
	hmac(out2, temp, sizeof(temp), buf, sizeof(buf));
	sodium_memzero(temp, sizeof(temp));
	sodium_memzero(buf, sizeof(buf));
}

/* DH; a low-order public key (all-zero result) is an error, not a key. */
static int dh(uint8_t out[NOISE_DHLEN], const uint8_t priv[NOISE_DHLEN],
	      const uint8_t pub[NOISE_DHLEN])
{
	return crypto_scalarmult(out, priv, pub) ? -EBADMSG : 0;
}

static void nonce_of(uint8_t nonce[12], uint64_t n)
{
	int i;

	memset(nonce, 0, 4);
	for (i = 0; i < 8; i++)
		nonce[4 + i] = (uint8_t)(n >> (8 * i));
}

void noise_aead_encrypt(const uint8_t key[NOISE_KEYLEN], uint64_t n,
			const uint8_t *ad, size_t adlen, const uint8_t *pt,
			size_t ptlen, uint8_t *ct)
{
	uint8_t nonce[12];

	nonce_of(nonce, n);
	crypto_aead_chacha20poly1305_ietf_encrypt(ct, NULL, pt, ptlen, ad,
						  adlen, NULL, nonce, key);
}

int noise_aead_decrypt(const uint8_t key[NOISE_KEYLEN], uint64_t n,
		       const uint8_t *ad, size_t adlen, const uint8_t *ct,
		       size_t ctlen, uint8_t *pt)
{
	uint8_t nonce[12];

	if (ctlen < NOISE_TAGLEN)
		return -EBADMSG;
	nonce_of(nonce, n);
	return crypto_aead_chacha20poly1305_ietf_decrypt(pt, NULL, NULL, ct,
							 ctlen, ad, adlen,
							 nonce, key) ?
	       -EBADMSG : 0;
}

/* --- 5.2 SymmetricState ------------------------------------------------- */

static void mix_hash(struct noise_hs *hs, const uint8_t *data, size_t len)
{
	hash2(hs->h, hs->h, sizeof(hs->h), data, len);
}

void noise_hs_mix(struct noise_hs *hs, const uint8_t *data, size_t len)
{
	mix_hash(hs, data, len);
}

static void mix_key(struct noise_hs *hs, const uint8_t ikm[NOISE_DHLEN])
{
	uint8_t temp_k[NOISE_HASHLEN];

	hkdf2(hs->ck, ikm, NOISE_DHLEN, hs->ck, temp_k);
	/* HASHLEN 64: the cipher key is the first 32 bytes (5.2). */
	memcpy(hs->k, temp_k, NOISE_KEYLEN);
	hs->has_k = true;
	hs->n = 0;
	sodium_memzero(temp_k, sizeof(temp_k));
}

/* MixKey(DH(priv, pub)); -EBADMSG for a low-order key. */
static int mix_dh(struct noise_hs *hs, const uint8_t priv[NOISE_DHLEN],
		  const uint8_t pub[NOISE_DHLEN])
{
	uint8_t shared[NOISE_DHLEN];
	int ret = dh(shared, priv, pub);

	if (!ret)
		mix_key(hs, shared);
	sodium_memzero(shared, sizeof(shared));
	return ret;
}

/* Only ever called with a key: every IK payload comes after a DH. */
static void encrypt_and_hash(struct noise_hs *hs, const uint8_t *pt,
			     size_t len, uint8_t *ct)
{
	noise_aead_encrypt(hs->k, hs->n++, hs->h, sizeof(hs->h), pt, len, ct);
	mix_hash(hs, ct, len + NOISE_TAGLEN);
}

static int decrypt_and_hash(struct noise_hs *hs, const uint8_t *ct,
			    size_t len, uint8_t *pt)
{
	int ret = noise_aead_decrypt(hs->k, hs->n, hs->h, sizeof(hs->h), ct,
				     len, pt);

	if (ret)
		return ret;
	hs->n++;
	mix_hash(hs, ct, len);
	return 0;
}

/* --- 5.3 HandshakeState ------------------------------------------------- */

int noise_hs_init(struct noise_hs *hs, bool initiator,
		  const uint8_t s_priv[NOISE_DHLEN],
		  const uint8_t rs[NOISE_DHLEN], const uint8_t *prologue,
		  size_t prologue_len)
{
	return noise_hs_init_keyed(hs, initiator, s_priv, NULL, rs, prologue,
				   prologue_len);
}

int noise_hs_init_keyed(struct noise_hs *hs, bool initiator,
			const uint8_t s_priv[NOISE_DHLEN],
			const uint8_t s_pub[NOISE_DHLEN],
			const uint8_t rs[NOISE_DHLEN], const uint8_t *prologue,
			size_t prologue_len)
{
	memset(hs, 0, sizeof(*hs));
	if (initiator != (rs != NULL))
		return -EINVAL;
	/* The name fits in HASHLEN: h is the name, zero-padded; ck = h. */
	memcpy(hs->h, NOISE_PROTOCOL, sizeof(NOISE_PROTOCOL) - 1);
	memcpy(hs->ck, hs->h, sizeof(hs->h));
	mix_hash(hs, prologue, prologue_len);

	memcpy(hs->s_priv, s_priv, NOISE_DHLEN);
	if (s_pub) {
		memcpy(hs->s_pub, s_pub, NOISE_DHLEN);
	} else if (crypto_scalarmult_base(hs->s_pub, hs->s_priv)) {
		noise_hs_wipe(hs);
		return -EINVAL;
	}
	/* Pre-message "<- s": both sides hash the responder's static key. */
	if (initiator) {
		memcpy(hs->rs, rs, NOISE_DHLEN);
		mix_hash(hs, hs->rs, NOISE_DHLEN);
	} else {
		mix_hash(hs, hs->s_pub, NOISE_DHLEN);
	}
	hs->initiator = initiator;
	hs->state = initiator ? NOISE_INITIATOR_START : NOISE_RESPONDER_START;
	return 0;
}

void noise_hs_set_ephemeral(struct noise_hs *hs,
			    const uint8_t e_priv[NOISE_DHLEN])
{
	memcpy(hs->e_priv, e_priv, NOISE_DHLEN);
	hs->e_set = true;
}

static int make_ephemeral(struct noise_hs *hs)
{
	if (!hs->e_set)
		randombytes_buf(hs->e_priv, NOISE_DHLEN);
	return crypto_scalarmult_base(hs->e_pub, hs->e_priv) ? -EINVAL : 0;
}

static int fail(struct noise_hs *hs, int ret)
{
	hs->state = NOISE_FAILED;
	return ret;
}

/* -> e, es, s, ss, payload */
int noise_write_msg1(struct noise_hs *hs, const uint8_t *payload,
		     size_t plen, uint8_t *out)
{
	int ret;

	if (hs->state != NOISE_INITIATOR_START)
		return fail(hs, -EINVAL);
	ret = make_ephemeral(hs);
	if (ret)
		return fail(hs, ret);
	memcpy(out, hs->e_pub, NOISE_DHLEN);			/* e */
	mix_hash(hs, hs->e_pub, NOISE_DHLEN);
	ret = mix_dh(hs, hs->e_priv, hs->rs);			/* es */
	if (ret)
		return fail(hs, ret);
	out += NOISE_DHLEN;
	encrypt_and_hash(hs, hs->s_pub, NOISE_DHLEN, out);	/* s */
	out += NOISE_DHLEN + NOISE_TAGLEN;
	ret = mix_dh(hs, hs->s_priv, hs->rs);			/* ss */
	if (ret)
		return fail(hs, ret);
	encrypt_and_hash(hs, payload, plen, out);		/* payload */
	hs->state = NOISE_INITIATOR_SENT;
	return 0;
}

int noise_read_msg1(struct noise_hs *hs, const uint8_t *msg, size_t len,
		    uint8_t *payload)
{
	int ret;

	if (hs->state != NOISE_RESPONDER_START || len < NOISE_MSG1_LEN(0))
		return fail(hs, -EINVAL);
	memcpy(hs->re, msg, NOISE_DHLEN);			/* e */
	mix_hash(hs, hs->re, NOISE_DHLEN);
	ret = mix_dh(hs, hs->s_priv, hs->re);			/* es */
	if (ret)
		return fail(hs, ret);
	msg += NOISE_DHLEN;
	ret = decrypt_and_hash(hs, msg, NOISE_DHLEN + NOISE_TAGLEN,
			       hs->rs);				/* s */
	if (ret)
		return fail(hs, ret);
	msg += NOISE_DHLEN + NOISE_TAGLEN;
	ret = mix_dh(hs, hs->s_priv, hs->rs);			/* ss */
	if (ret)
		return fail(hs, ret);
	ret = decrypt_and_hash(hs, msg, len - NOISE_MSG1_LEN(0) + NOISE_TAGLEN,
			       payload);			/* payload */
	if (ret)
		return fail(hs, ret);
	hs->state = NOISE_RESPONDER_READ;
	return 0;
}

/* <- e, ee, se, payload */
int noise_write_msg2(struct noise_hs *hs, const uint8_t *payload,
		     size_t plen, uint8_t *out)
{
	int ret;

	if (hs->state != NOISE_RESPONDER_READ)
		return fail(hs, -EINVAL);
	ret = make_ephemeral(hs);
	if (ret)
		return fail(hs, ret);
	memcpy(out, hs->e_pub, NOISE_DHLEN);			/* e */
	mix_hash(hs, hs->e_pub, NOISE_DHLEN);
	ret = mix_dh(hs, hs->e_priv, hs->re);			/* ee */
	if (!ret)
		ret = mix_dh(hs, hs->e_priv, hs->rs);		/* se */
	if (ret)
		return fail(hs, ret);
	encrypt_and_hash(hs, payload, plen, out + NOISE_DHLEN);	/* payload */
	hs->state = NOISE_DONE;
	return 0;
}

int noise_read_msg2(struct noise_hs *hs, const uint8_t *msg, size_t len,
		    uint8_t *payload)
{
	int ret;

	if (hs->state != NOISE_INITIATOR_SENT || len < NOISE_MSG2_LEN(0))
		return fail(hs, -EINVAL);
	memcpy(hs->re, msg, NOISE_DHLEN);			/* e */
	mix_hash(hs, hs->re, NOISE_DHLEN);
	ret = mix_dh(hs, hs->e_priv, hs->re);			/* ee */
	if (!ret)
		ret = mix_dh(hs, hs->s_priv, hs->re);		/* se */
	if (ret)
		return fail(hs, ret);
	ret = decrypt_and_hash(hs, msg + NOISE_DHLEN, len - NOISE_DHLEN,
			       payload);			/* payload */
	if (ret)
		return fail(hs, ret);
	hs->state = NOISE_DONE;
	return 0;
}

int noise_split(struct noise_hs *hs, uint8_t send[NOISE_KEYLEN],
		uint8_t recv[NOISE_KEYLEN], uint8_t hash[NOISE_HASHLEN])
{
	uint8_t k1[NOISE_HASHLEN], k2[NOISE_HASHLEN];

	if (hs->state != NOISE_DONE)
		return -EINVAL;
	hkdf2(hs->ck, NULL, 0, k1, k2);
	/* k1 carries initiator -> responder traffic, k2 the other way. */
	memcpy(send, hs->initiator ? k1 : k2, NOISE_KEYLEN);
	memcpy(recv, hs->initiator ? k2 : k1, NOISE_KEYLEN);
	if (hash)
		memcpy(hash, hs->h, NOISE_HASHLEN);
	sodium_memzero(k1, sizeof(k1));
	sodium_memzero(k2, sizeof(k2));
	return 0;
}

void noise_hs_wipe(struct noise_hs *hs)
{
	sodium_memzero(hs, sizeof(*hs));
}
