// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Noise IK handshake: the published known-answer vector for
 * Noise_IK_25519_ChaChaPoly_BLAKE2b (noise-c's tests/vector/
 * noise-c-basic.txt, the same values as cacophony), both state machines'
 * failure paths, and round trips with random keys.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "noise.h"
#include "suites.h"

static void unhex(uint8_t *out, const char *hex, size_t len)
{
	size_t bin_len;

	ck_assert_int_eq(sodium_hex2bin(out, len, hex, strlen(hex), NULL,
					&bin_len, NULL), 0);
	ck_assert_uint_eq(bin_len, len);
}

#define KAT_PROLOGUE	"50726f6c6f677565313233"
#define KAT_INIT_S	"e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1"
#define KAT_INIT_E	"893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a"
#define KAT_RESP_S_PUB	"31e0303fd6418d2f8c0e78b91f22e8caed0fbe48656dcf4767e4834f701b8f62"
#define KAT_RESP_S	"4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893"
#define KAT_RESP_E	"bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b"
#define KAT_MSG1_PAYLOAD "4c756477696720766f6e204d69736573"
#define KAT_MSG1 \
	"ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c7944" \
	"ba83a447b38c83e327ad936929812f624884847b7831e95e197b2f797088efdd" \
	"232fe541af156ec6d0657602902a8c3e" \
	"e64e470f4b6fcd9298ce0b56fe20f86e60d9d933ec6e103ffb09e6001d6abb64"
#define KAT_MSG2_PAYLOAD "4d757272617920526f746862617264"
#define KAT_MSG2 \
	"95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f144808843" \
	"9f069b267a06b3de3ecb1043bcb09807c6cd101f3826192a65f11ef3fe4317"
#define KAT_HASH \
	"00e51d2aac81a9b8ebe441d6af3e1c8efc0f030cc608332edcb42588ff6a0ce2" \
	"6415ddc106e95277a5e6d54132f1e5245976b89caf96d262f1fe5a7f0c55c078"
#define KAT_T1_PAYLOAD	"462e20412e20486179656b"
#define KAT_T1		"cd54383060e7a28434cca27fb1cc524cfbabeb18181589df219d07"
#define KAT_T2_PAYLOAD	"4361726c204d656e676572"
#define KAT_T2		"a856d3bf0246bfc476c655009cd1ed677b8dcc5b349ae8ef2a05f2"

struct kat {
	uint8_t prologue[11], init_s[32], init_e[32], resp_s_pub[32];
	uint8_t resp_s[32], resp_e[32];
	uint8_t p1[16], m1[NOISE_MSG1_LEN(16)], p2[15], m2[NOISE_MSG2_LEN(15)];
	uint8_t hash[64], t1p[11], t1[27], t2p[11], t2[27];
};

static void kat_load(struct kat *k)
{
	ck_assert_int_ge(sodium_init(), 0);
	unhex(k->prologue, KAT_PROLOGUE, sizeof(k->prologue));
	unhex(k->init_s, KAT_INIT_S, 32);
	unhex(k->init_e, KAT_INIT_E, 32);
	unhex(k->resp_s_pub, KAT_RESP_S_PUB, 32);
	unhex(k->resp_s, KAT_RESP_S, 32);
	unhex(k->resp_e, KAT_RESP_E, 32);
	unhex(k->p1, KAT_MSG1_PAYLOAD, sizeof(k->p1));
	unhex(k->m1, KAT_MSG1, sizeof(k->m1));
	unhex(k->p2, KAT_MSG2_PAYLOAD, sizeof(k->p2));
	unhex(k->m2, KAT_MSG2, sizeof(k->m2));
	unhex(k->hash, KAT_HASH, sizeof(k->hash));
	unhex(k->t1p, KAT_T1_PAYLOAD, sizeof(k->t1p));
	unhex(k->t1, KAT_T1, sizeof(k->t1));
	unhex(k->t2p, KAT_T2_PAYLOAD, sizeof(k->t2p));
	unhex(k->t2, KAT_T2, sizeof(k->t2));
}

/*
 * Both sides, ephemerals fixed; each byte they produce must match. Run
 * twice: deriving each static public key (noise_hs_init), and given it
 * (noise_hs_init_keyed, as handshake.c calls it).
 */
START_TEST(test_known_answer)
{
	struct noise_hs ini, rsp;
	uint8_t m1[sizeof(((struct kat *)0)->m1)], m2[NOISE_MSG2_LEN(15)];
	uint8_t p1[16], p2[15], is[32], ir[32], rs[32], rr[32];
	uint8_t ih[64], rh[64], t[27], init_s_pub[32];
	struct kat k;

	kat_load(&k);
	crypto_scalarmult_base(init_s_pub, k.init_s);
	if (_i) {
		ck_assert_int_eq(noise_hs_init_keyed(&ini, true, k.init_s,
						     init_s_pub, k.resp_s_pub,
						     k.prologue,
						     sizeof(k.prologue)), 0);
		ck_assert_int_eq(noise_hs_init_keyed(&rsp, false, k.resp_s,
						     k.resp_s_pub, NULL,
						     k.prologue,
						     sizeof(k.prologue)), 0);
	} else {
		ck_assert_int_eq(noise_hs_init(&ini, true, k.init_s,
					       k.resp_s_pub, k.prologue,
					       sizeof(k.prologue)), 0);
		ck_assert_int_eq(noise_hs_init(&rsp, false, k.resp_s, NULL,
					       k.prologue, sizeof(k.prologue)), 0);
	}
	noise_hs_set_ephemeral(&ini, k.init_e);
	noise_hs_set_ephemeral(&rsp, k.resp_e);

	ck_assert_int_eq(noise_write_msg1(&ini, k.p1, sizeof(k.p1), m1), 0);
	ck_assert_msg(!memcmp(m1, k.m1, sizeof(m1)), "message 1 differs");
	ck_assert_int_eq(noise_read_msg1(&rsp, m1, sizeof(m1), p1), 0);
	ck_assert(!memcmp(p1, k.p1, sizeof(p1)));
	ck_assert_msg(!memcmp(rsp.rs, init_s_pub, 32), "responder learnt a wrong key");

	ck_assert_int_eq(noise_write_msg2(&rsp, k.p2, sizeof(k.p2), m2), 0);
	ck_assert_msg(!memcmp(m2, k.m2, sizeof(m2)), "message 2 differs");
	ck_assert_int_eq(noise_read_msg2(&ini, m2, sizeof(m2), p2), 0);
	ck_assert(!memcmp(p2, k.p2, sizeof(p2)));

	ck_assert_int_eq(noise_split(&ini, is, ir, ih), 0);
	ck_assert_int_eq(noise_split(&rsp, rs, rr, rh), 0);
	ck_assert_msg(!memcmp(ih, k.hash, 64), "initiator's handshake hash differs");
	ck_assert_msg(!memcmp(rh, k.hash, 64), "responder's handshake hash differs");
	ck_assert(!memcmp(is, rr, 32) && !memcmp(ir, rs, 32));

	/* First transport message each way: nonce 0, no associated data. */
	noise_aead_encrypt(is, 0, NULL, 0, k.t1p, sizeof(k.t1p), t);
	ck_assert_msg(!memcmp(t, k.t1, sizeof(k.t1)), "transport 1 differs");
	noise_aead_encrypt(rs, 0, NULL, 0, k.t2p, sizeof(k.t2p), t);
	ck_assert_msg(!memcmp(t, k.t2, sizeof(k.t2)), "transport 2 differs");
	noise_hs_wipe(&ini);
	noise_hs_wipe(&rsp);
}
END_TEST

/* A fresh pair of handshakes on the KAT keys, message 1 written. */
static void start_pair(struct kat *k, struct noise_hs *ini,
		       struct noise_hs *rsp, uint8_t *m1)
{
	kat_load(k);
	ck_assert_int_eq(noise_hs_init(ini, true, k->init_s, k->resp_s_pub,
				       k->prologue, sizeof(k->prologue)), 0);
	ck_assert_int_eq(noise_hs_init(rsp, false, k->resp_s, NULL,
				       k->prologue, sizeof(k->prologue)), 0);
	ck_assert_int_eq(noise_write_msg1(ini, k->p1, sizeof(k->p1), m1), 0);
}

/* Any bit flipped anywhere in message 1 or 2 fails authentication. */
START_TEST(test_tampered_messages)
{
	uint8_t m1[NOISE_MSG1_LEN(16)], m2[NOISE_MSG2_LEN(0)], p[16];
	struct noise_hs ini, rsp, ini2, rsp2;
	struct kat k;
	size_t i;

	for (i = 0; i < sizeof(m1); i++) {
		start_pair(&k, &ini, &rsp, m1);
		m1[i] ^= 1 << (i % 8);
		ck_assert_msg(noise_read_msg1(&rsp, m1, sizeof(m1), p) == -EBADMSG,
			      "message 1 byte %zu flipped, accepted", i);
		ck_assert_int_eq(rsp.state, NOISE_FAILED);
	}
	for (i = 0; i < sizeof(m2); i++) {
		start_pair(&k, &ini2, &rsp2, m1);
		ck_assert_int_eq(noise_read_msg1(&rsp2, m1, sizeof(m1), p), 0);
		ck_assert_int_eq(noise_write_msg2(&rsp2, NULL, 0, m2), 0);
		m2[i] ^= 0x80;
		ck_assert_msg(noise_read_msg2(&ini2, m2, sizeof(m2), p) == -EBADMSG,
			      "message 2 byte %zu flipped, accepted", i);
		ck_assert_int_eq(ini2.state, NOISE_FAILED);
	}
}
END_TEST

/* A responder with another static key, or another prologue, rejects. */
START_TEST(test_wrong_responder)
{
	uint8_t m1[NOISE_MSG1_LEN(16)], p[16], other[32];
	struct noise_hs ini, rsp;
	struct kat k;

	start_pair(&k, &ini, &rsp, m1);
	randombytes_buf(other, sizeof(other));
	ck_assert_int_eq(noise_hs_init(&rsp, false, other, NULL, k.prologue,
				       sizeof(k.prologue)), 0);
	ck_assert_int_eq(noise_read_msg1(&rsp, m1, sizeof(m1), p), -EBADMSG);

	ck_assert_int_eq(noise_hs_init(&rsp, false, k.resp_s, NULL,
				       (const uint8_t *)"other", 5), 0);
	ck_assert_int_eq(noise_read_msg1(&rsp, m1, sizeof(m1), p), -EBADMSG);
}
END_TEST

/* Out-of-order calls, short messages and low-order keys are refused. */
START_TEST(test_state_and_size_errors)
{
	uint8_t m1[NOISE_MSG1_LEN(16)], m2[NOISE_MSG2_LEN(0)], p[16], key[32];
	struct noise_hs ini, rsp;
	struct kat k;

	start_pair(&k, &ini, &rsp, m1);
	/* The initiator cannot write message 1 twice or read message 1. */
	ck_assert_int_eq(noise_write_msg1(&ini, NULL, 0, m1), -EINVAL);
	start_pair(&k, &ini, &rsp, m1);
	ck_assert_int_eq(noise_read_msg1(&ini, m1, sizeof(m1), p), -EINVAL);
	/* The responder cannot answer before it has read. */
	start_pair(&k, &ini, &rsp, m1);
	ck_assert_int_eq(noise_write_msg2(&rsp, NULL, 0, m2), -EINVAL);
	/* Too short to hold e, s and a tag. */
	start_pair(&k, &ini, &rsp, m1);
	ck_assert_int_eq(noise_read_msg1(&rsp, m1, NOISE_MSG1_LEN(0) - 1, p), -EINVAL);
	/* Split before the end. */
	start_pair(&k, &ini, &rsp, m1);
	ck_assert_int_eq(noise_split(&ini, key, key, NULL), -EINVAL);
	/* A replayed message 2 after completion. */
	start_pair(&k, &ini, &rsp, m1);
	ck_assert_int_eq(noise_read_msg1(&rsp, m1, sizeof(m1), p), 0);
	ck_assert_int_eq(noise_write_msg2(&rsp, NULL, 0, m2), 0);
	ck_assert_int_eq(noise_read_msg2(&ini, m2, sizeof(m2), p), 0);
	ck_assert_int_eq(noise_read_msg2(&ini, m2, sizeof(m2), p), -EINVAL);
	/* An all-zero (low-order) ephemeral key gives no shared secret. */
	start_pair(&k, &ini, &rsp, m1);
	memset(m1, 0, NOISE_DHLEN);
	ck_assert_int_eq(noise_read_msg1(&rsp, m1, sizeof(m1), p), -EBADMSG);
	/* Roles must match what is passed. */
	ck_assert_int_eq(noise_hs_init(&ini, true, k.init_s, NULL, NULL, 0), -EINVAL);
	ck_assert_int_eq(noise_hs_init(&rsp, false, k.resp_s, k.resp_s_pub, NULL, 0), -EINVAL);
}
END_TEST

/* Random keys and payload sizes: both sides agree, transport works. */
START_TEST(test_round_trips)
{
	uint8_t a[32], b[32], b_pub[32], payload[200], got[200];
	uint8_t m1[NOISE_MSG1_LEN(200)], m2[NOISE_MSG2_LEN(200)];
	uint8_t as[32], ar[32], bs[32], br[32], ct[64 + NOISE_TAGLEN];
	struct noise_hs ini, rsp;
	size_t plen;
	int i;

	ck_assert_int_ge(sodium_init(), 0);
	for (i = 0; i < 50; i++) {
		randombytes_buf(a, 32);
		randombytes_buf(b, 32);
		crypto_scalarmult_base(b_pub, b);
		plen = randombytes_uniform(sizeof(payload) + 1);
		randombytes_buf(payload, plen);
		ck_assert_int_eq(noise_hs_init(&ini, true, a, b_pub, (uint8_t *)"tunctl", 6), 0);
		ck_assert_int_eq(noise_hs_init(&rsp, false, b, NULL, (uint8_t *)"tunctl", 6), 0);
		ck_assert_int_eq(noise_write_msg1(&ini, payload, plen, m1), 0);
		ck_assert_int_eq(noise_read_msg1(&rsp, m1, NOISE_MSG1_LEN(plen), got), 0);
		ck_assert(!memcmp(got, payload, plen));
		ck_assert_int_eq(noise_write_msg2(&rsp, payload, plen, m2), 0);
		ck_assert_int_eq(noise_read_msg2(&ini, m2, NOISE_MSG2_LEN(plen), got), 0);
		ck_assert(!memcmp(got, payload, plen));
		ck_assert_int_eq(noise_split(&ini, as, ar, NULL), 0);
		ck_assert_int_eq(noise_split(&rsp, bs, br, NULL), 0);
		ck_assert(!memcmp(as, br, 32) && !memcmp(ar, bs, 32));
		ck_assert(memcmp(as, ar, 32));
		noise_aead_encrypt(as, i, (uint8_t *)"ad", 2, payload, 64, ct);
		ck_assert_int_eq(noise_aead_decrypt(br, i, (uint8_t *)"ad", 2, ct, sizeof(ct), got), 0);
		ck_assert(!memcmp(got, payload, 64));
		/* Wrong counter, wrong AD, or a cut tag: rejected. */
		ck_assert_int_eq(noise_aead_decrypt(br, i + 1, (uint8_t *)"ad", 2, ct, sizeof(ct), got), -EBADMSG);
		ck_assert_int_eq(noise_aead_decrypt(br, i, (uint8_t *)"AD", 2, ct, sizeof(ct), got), -EBADMSG);
		ck_assert_int_eq(noise_aead_decrypt(br, i, NULL, 0, ct, 15, got), -EBADMSG);
		noise_hs_wipe(&ini);
		noise_hs_wipe(&rsp);
	}
}
END_TEST

START_TEST(test_wipe)
{
	struct noise_hs hs;
	struct kat k;
	size_t i;

	kat_load(&k);
	ck_assert_int_eq(noise_hs_init(&hs, true, k.init_s, k.resp_s_pub, NULL, 0), 0);
	noise_hs_wipe(&hs);
	for (i = 0; i < sizeof(hs); i++)
		ck_assert_uint_eq(((uint8_t *)&hs)[i], 0);
}
END_TEST

Suite *noise_suite(void)
{
	Suite *s = suite_create("noise");
	TCase *tc = tcase_create("ik");

	tcase_add_loop_test(tc, test_known_answer, 0, 2);
	tcase_add_test(tc, test_tampered_messages);
	tcase_add_test(tc, test_wrong_responder);
	tcase_add_test(tc, test_state_and_size_errors);
	tcase_add_test(tc, test_round_trips);
	tcase_add_test(tc, test_wipe);
	suite_add_tcase(s, tc);
	return s;
}
