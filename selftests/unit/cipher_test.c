// SPDX-License-Identifier: GPL-2.0-only
/*
 * The data AEAD (ctl/cipher.h): both suites seal and open, and what they
 * produce is byte for byte what libsodium's one-shot calls make with the
 * same key and Noise nonce, so the key schedule made once per session
 * changes nothing on the wire. Every tampering is refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "cipher.h"
#include "suites.h"

static void noise_nonce(uint8_t nonce[12], uint64_t n)
{
	int i;

	memset(nonce, 0, 12);
	for (i = 0; i < 8; i++)
		nonce[4 + i] = (uint8_t)(n >> (8 * i));
}

/* Seal, compare with the one-shot API, open, and refuse every change. */
static void check_suite(uint8_t suite)
{
	uint8_t key[NOISE_KEYLEN], nonce[12], ad[16] = "header", pt[1400];
	uint8_t ct[sizeof(pt) + NOISE_TAGLEN], ref[sizeof(ct)], got[sizeof(pt)];
	struct cipher_key k;
	uint64_t n = 0x0102030405060708ULL;
	size_t i;

	randombytes_buf(key, sizeof(key));
	randombytes_buf(pt, sizeof(pt));
	ck_assert_int_eq(cipher_key_init(&k, suite, key), 0);
	ck_assert_uint_eq(k.suite, suite);
	cipher_seal(&k, n, ad, sizeof(ad), pt, sizeof(pt), ct);

	noise_nonce(nonce, n);
	if (suite == CIPHER_AES256GCM)
		crypto_aead_aes256gcm_encrypt(ref, NULL, pt, sizeof(pt), ad,
					      sizeof(ad), NULL, nonce, key);
	else
		crypto_aead_chacha20poly1305_ietf_encrypt(ref, NULL, pt,
							  sizeof(pt), ad,
							  sizeof(ad), NULL,
							  nonce, key);
	ck_assert(!memcmp(ct, ref, sizeof(ct)));

	ck_assert_int_eq(cipher_open(&k, n, ad, sizeof(ad), ct, sizeof(ct), got), 0);
	ck_assert(!memcmp(got, pt, sizeof(pt)));
	/* Another counter, other AD, a flipped bit anywhere, cut short. */
	ck_assert_int_eq(cipher_open(&k, n + 1, ad, sizeof(ad), ct, sizeof(ct), got),
			 -EBADMSG);
	ad[0] ^= 1;
	ck_assert_int_eq(cipher_open(&k, n, ad, sizeof(ad), ct, sizeof(ct), got),
			 -EBADMSG);
	ad[0] ^= 1;
	for (i = 0; i < sizeof(ct); i += 97) {
		ct[i] ^= 0x40;
		ck_assert_int_eq(cipher_open(&k, n, ad, sizeof(ad), ct, sizeof(ct),
					     got), -EBADMSG);
		ct[i] ^= 0x40;
	}
	ck_assert_int_eq(cipher_open(&k, n, ad, sizeof(ad), ct, sizeof(ct) - 1, got),
			 -EBADMSG);
	ck_assert_int_eq(cipher_open(&k, n, ad, sizeof(ad), ct, NOISE_TAGLEN - 1,
				     got), -EBADMSG);
	/* The other suite with the same key bytes cannot open it. */
	if (crypto_aead_aes256gcm_is_available()) {
		struct cipher_key other;

		ck_assert_int_eq(cipher_key_init(&other, suite ^ CIPHER_AES256GCM,
						 key), 0);
		ck_assert_int_eq(cipher_open(&other, n, ad, sizeof(ad), ct,
					     sizeof(ct), got), -EBADMSG);
		cipher_key_wipe(&other);
	}
	cipher_key_wipe(&k);
	ck_assert(sodium_is_zero((const uint8_t *)&k, sizeof(k)));
}

START_TEST(test_chachapoly)
{
	ck_assert_int_ge(sodium_init(), 0);
	check_suite(CIPHER_CHACHAPOLY);
}
END_TEST

START_TEST(test_aes256gcm)
{
	uint8_t key[NOISE_KEYLEN] = { 1 };
	struct cipher_key k;

	ck_assert_int_ge(sodium_init(), 0);
	if (crypto_aead_aes256gcm_is_available()) {
		check_suite(CIPHER_AES256GCM);
	} else {
		/* No AES-NI: never offered, and refused if asked for. */
		ck_assert_uint_eq(cipher_suites_local(), 0);
		ck_assert_int_eq(cipher_key_init(&k, CIPHER_AES256GCM, key),
				 -EINVAL);
	}
}
END_TEST

START_TEST(test_suites_local)
{
	uint8_t key[NOISE_KEYLEN] = { 1 };
	struct cipher_key k;

	ck_assert_int_ge(sodium_init(), 0);
	ck_assert_uint_eq(cipher_suites_local(),
			  crypto_aead_aes256gcm_is_available() ?
			  CIPHER_AES256GCM : 0);
	setenv("TUNCTL_NO_AES", "1", 1);
	ck_assert_uint_eq(cipher_suites_local(), 0);
	unsetenv("TUNCTL_NO_AES");
	ck_assert_int_eq(cipher_key_init(&k, 0x80, key), -EINVAL);
	ck_assert_str_eq(cipher_name(CIPHER_AES256GCM), "aes-256-gcm");
	ck_assert_str_eq(cipher_name(CIPHER_CHACHAPOLY), "chacha20-poly1305");
}
END_TEST

Suite *cipher_suite(void)
{
	Suite *s = suite_create("cipher");
	TCase *tc = tcase_create("aead");

	tcase_add_test(tc, test_chachapoly);
	tcase_add_test(tc, test_aes256gcm);
	tcase_add_test(tc, test_suites_local);
	suite_add_tcase(s, tc);
	return s;
}
