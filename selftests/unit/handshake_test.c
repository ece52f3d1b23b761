// SPDX-License-Identifier: GPL-2.0-only
/*
 * tunctl's handshake messages and sessions, both sides and every failure
 * path: bad mac1, wrong tunnel, a stranger's key, replayed initiations,
 * forged responses, tampered, replayed and expired data.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <sodium.h>

#include "handshake.h"
#include "session.h"
#include "suites.h"

struct pair {
	struct hs_keys client, server;
	uint8_t last_ts[TUNCTL_TIMESTAMP_LEN];
};

static void make_pair(struct pair *p, uint32_t tunnel)
{
	uint8_t a[KEY_LEN], b[KEY_LEN], ap[KEY_LEN], bp[KEY_LEN];

	ck_assert_int_ge(sodium_init(), 0);
	key_generate(a);
	key_generate(b);
	key_public(a, ap);
	key_public(b, bp);
	ck_assert_int_eq(hs_keys_init(&p->client, tunnel, a, bp), 0);
	ck_assert_int_eq(hs_keys_init(&p->server, tunnel, b, ap), 0);
	memset(p->last_ts, 0, sizeof(p->last_ts));
}

/* A whole handshake; sessions for both sides. */
static void handshake(struct pair *p, struct session *cs, struct session *ss)
{
	struct noise_hs chs, shs;
	struct tunctl_msg_init init;
	struct tunctl_msg_resp resp;

	ck_assert_int_eq(hs_create_init(&chs, &p->client, 0x11, &init), 0);
	ck_assert_int_eq(hs_consume_init(&shs, &p->server, &init, p->last_ts), 0);
	ck_assert_int_eq(hs_create_resp(&shs, &p->server, 0x22, 0x11, &resp), 0);
	ck_assert_int_eq(hs_consume_resp(&chs, &p->client, &resp), 0);
	ck_assert_int_eq(session_init(cs, &chs, true, 0x11, 0x22, 1000), 0);
	ck_assert_int_eq(session_init(ss, &shs, false, 0x22, 0x11, 1000), 0);
	noise_hs_wipe(&chs);
	noise_hs_wipe(&shs);
}

START_TEST(test_data_both_ways)
{
	uint8_t msg[256], pt[256], data[100], flags;
	struct session cs, ss;
	struct pair p;
	long n, m;

	make_pair(&p, 10);
	handshake(&p, &cs, &ss);
	randombytes_buf(data, sizeof(data));
	n = session_encrypt(&cs, data, sizeof(data), 0, msg, 2000);
	ck_assert_int_eq(n, sizeof(data) + TUNCTL_DATA_OVERHEAD);
	ck_assert(!memmem(msg, n, data, 16));	/* no plaintext on the wire */
	m = session_decrypt(&ss, msg, n, pt, &flags, 2000);
	ck_assert_int_eq(m, sizeof(data));
	ck_assert(!memcmp(pt, data, sizeof(data)));
	ck_assert_int_eq(session_decrypt(&ss, msg, n, pt, &flags, 2000), -ESTALE);
	n = session_encrypt(&ss, data, 10, 0, msg, 2000);
	ck_assert_int_eq(session_decrypt(&cs, msg, n, pt, &flags, 2000), 10);
	/* The client cannot read its own direction's messages. */
	n = session_encrypt(&cs, data, 10, 0, msg, 2000);
	ck_assert_int_eq(session_decrypt(&cs, msg, n, pt, &flags, 2000), -EBADMSG);
}
END_TEST

START_TEST(test_tampered_and_expired_data)
{
	uint8_t msg[256], pt[256], data[40] = "payload", flags;
	struct session cs, ss;
	struct pair p;
	long n;
	int i;

	make_pair(&p, 10);
	handshake(&p, &cs, &ss);
	n = session_encrypt(&cs, data, sizeof(data), 0, msg, 2000);
	for (i = 1; i < n; i++) {	/* the type byte is not authenticated */
		msg[i] ^= 1;
		ck_assert_msg(session_decrypt(&ss, msg, n, pt, &flags, 2000) == -EBADMSG,
			      "byte %d flipped, accepted", i);
		msg[i] ^= 1;
	}
	ck_assert_int_eq(session_decrypt(&ss, msg, n - 1, pt, &flags, 2000), -EBADMSG);
	ck_assert_int_eq(session_decrypt(&ss, msg, 31, pt, &flags, 2000), -EBADMSG);
	ck_assert_int_eq(session_decrypt(&ss, msg, n, pt, &flags, 1000 + REJECT_AFTER_TIME_NS),
			 -EKEYEXPIRED);
	ck_assert_int_eq(session_encrypt(&cs, data, 1, 0, msg, 1000 + REJECT_AFTER_TIME_NS),
			 -EKEYEXPIRED);
	ck_assert(!session_wants_rekey(&cs, 2000));
	ck_assert(session_wants_rekey(&cs, 1000 + REKEY_AFTER_TIME_NS));
	ck_assert(!session_wants_rekey(&ss, 1000 + REKEY_AFTER_TIME_NS));
	cs.send_counter = REJECT_AFTER_MESSAGES;
	ck_assert_int_eq(session_encrypt(&cs, data, 1, 0, msg, 2000), -EKEYEXPIRED);
}
END_TEST

START_TEST(test_bad_initiations)
{
	struct tunctl_msg_init init, other;
	struct noise_hs chs, shs;
	struct pair p, stranger;

	make_pair(&p, 10);
	ck_assert_int_eq(hs_create_init(&chs, &p.client, 1, &init), 0);
	/* mac1 over a changed byte, a changed mac, another tunnel id. */
	init.sender ^= 1;
	ck_assert_int_eq(hs_consume_init(&shs, &p.server, &init, p.last_ts), -EBADMSG);
	init.sender ^= 1;
	init.mac1[0] ^= 1;
	ck_assert_int_eq(hs_consume_init(&shs, &p.server, &init, p.last_ts), -EBADMSG);
	init.mac1[0] ^= 1;
	init.tunnel_id = htobe32(11);
	ck_assert_int_eq(hs_consume_init(&shs, &p.server, &init, p.last_ts), -EBADMSG);
	init.tunnel_id = htobe32(10);
	/* Genuine: accepted once; the same message again is a replay. */
	ck_assert_int_eq(hs_consume_init(&shs, &p.server, &init, p.last_ts), 0);
	ck_assert_int_eq(hs_consume_init(&shs, &p.server, &init, p.last_ts), -EALREADY);

	/* Someone with its own key, who knows the server's public key. */
	make_pair(&stranger, 10);
	hs_keys_wipe(&stranger.client);
	{
		uint8_t s[KEY_LEN];

		key_generate(s);
		ck_assert_int_eq(hs_keys_init(&stranger.client, 10, s, p.server.pub), 0);
	}
	ck_assert_int_eq(hs_create_init(&chs, &stranger.client, 2, &other), 0);
	ck_assert_int_eq(hs_consume_init(&shs, &p.server, &other, p.last_ts), -EACCES);
}
END_TEST

START_TEST(test_bad_responses)
{
	struct tunctl_msg_init init;
	struct tunctl_msg_resp resp;
	struct noise_hs chs, shs, chs2;
	struct pair p;

	make_pair(&p, 10);
	ck_assert_int_eq(hs_create_init(&chs, &p.client, 1, &init), 0);
	ck_assert_int_eq(hs_consume_init(&shs, &p.server, &init, p.last_ts), 0);
	ck_assert_int_eq(hs_create_resp(&shs, &p.server, 2, 1, &resp), 0);
	/* A flipped bit anywhere before mac1, or in it. */
	resp.noise[5] ^= 1;
	ck_assert_int_eq(hs_consume_resp(&chs, &p.client, &resp), -EBADMSG);
	/* The genuine response, but for another handshake of ours. */
	resp.noise[5] ^= 1;
	ck_assert_int_eq(hs_create_init(&chs2, &p.client, 3, &init), 0);
	ck_assert_int_eq(hs_consume_resp(&chs2, &p.client, &resp), -EBADMSG);
}
END_TEST

/* What an attacker who knows the receiver's public key can recompute. */
static void remac(void *msg, size_t len, uint8_t *mac, const uint8_t key[32])
{
	crypto_generichash_blake2b(mac, TUNCTL_MAC_LEN, msg, len, key, 32);
}

/* One handshake with the features each side runs; 0 or the failure. */
static int negotiate(struct pair *p, uint8_t client, uint8_t server,
		     struct session *cs, struct session *ss, uint8_t *chosen)
{
	struct noise_hs chs, shs;
	struct tunctl_msg_init init;
	struct tunctl_msg_resp resp;
	int ret;

	p->client.features = client;
	p->server.features = server;
	ck_assert_int_eq(hs_create_init(&chs, &p->client, 0x11, &init), 0);
	ck_assert_uint_eq(init.offer, client);
	ck_assert_int_eq(hs_consume_init(&shs, &p->server, &init, p->last_ts), 0);
	ck_assert_int_eq(hs_create_resp(&shs, &p->server, 0x22, 0x11, &resp), 0);
	*chosen = resp.chosen;
	ret = hs_consume_resp(&chs, &p->client, &resp);
	if (!ret) {
		ck_assert_int_eq(session_init(cs, &chs, true, 0x11, 0x22, 1000), 0);
		ck_assert_int_eq(session_init(ss, &shs, false, 0x22, 0x11, 1000), 0);
	}
	noise_hs_wipe(&chs);
	noise_hs_wipe(&shs);
	return ret;
}

/* Data passes both ways, sealed with the cipher named. */
static void data_flows(struct session *cs, struct session *ss, uint8_t suite)
{
	uint8_t msg[256], pt[256], data[64] = "inner packet", flags = 0xff;
	long n;

	ck_assert_uint_eq(cs->send_key.suite, suite);
	ck_assert_uint_eq(ss->recv_key.suite, suite);
	n = session_encrypt(cs, data, sizeof(data), TUNCTL_DATA_F_CSUM_PARTIAL,
			    msg, 2000);
	ck_assert_int_eq(session_decrypt(ss, msg, n, pt, &flags, 2000),
			 sizeof(data));
	ck_assert_uint_eq(flags, TUNCTL_DATA_F_CSUM_PARTIAL);
	ck_assert(!memcmp(pt, data, sizeof(data)));
	n = session_encrypt(ss, data, 20, 0, msg, 2000);
	ck_assert_int_eq(session_decrypt(cs, msg, n, pt, &flags, 2000), 20);
	ck_assert_uint_eq(flags, 0);
}

START_TEST(test_features_negotiated)
{
	uint8_t all = TUNCTL_FEAT_AES256GCM | TUNCTL_FEAT_CSUM_PARTIAL;
	struct session cs, ss;
	struct pair p;
	uint8_t chosen, aes;

	make_pair(&p, 10);	/* sodium_init() first: it finds AES-NI */
	aes = crypto_aead_aes256gcm_is_available() ? TUNCTL_FEAT_AES256GCM : 0;
	/* What a node offers by itself: the partial checksums, AES if it can. */
	ck_assert_uint_eq(p.client.features, TUNCTL_FEAT_CSUM_PARTIAL | aes);

	/* Both run everything: everything, and the sessions agree. */
	ck_assert_int_eq(negotiate(&p, all, all, &cs, &ss, &chosen), 0);
	ck_assert_uint_eq(chosen, all);
	ck_assert_uint_eq(cs.features, all);
	ck_assert_uint_eq(ss.features, all);
	if (aes)
		data_flows(&cs, &ss, CIPHER_AES256GCM);

	/* Only what both run: the intersection. */
	ck_assert_int_eq(negotiate(&p, all, TUNCTL_FEAT_CSUM_PARTIAL, &cs, &ss,
				   &chosen), 0);
	ck_assert_uint_eq(chosen, TUNCTL_FEAT_CSUM_PARTIAL);
	data_flows(&cs, &ss, CIPHER_CHACHAPOLY);

	/* An older client offers nothing; an older server answers nothing. */
	ck_assert_int_eq(negotiate(&p, 0, all, &cs, &ss, &chosen), 0);
	ck_assert_uint_eq(chosen, 0);
	ck_assert_uint_eq(cs.features | ss.features, 0);
	data_flows(&cs, &ss, CIPHER_CHACHAPOLY);
	ck_assert_int_eq(negotiate(&p, all, 0, &cs, &ss, &chosen), 0);
	ck_assert_uint_eq(chosen, 0);
	data_flows(&cs, &ss, CIPHER_CHACHAPOLY);

	/* Bits a newer client offers that nobody knows are never chosen. */
	ck_assert_int_eq(negotiate(&p, all | 0x80, all, &cs, &ss, &chosen), 0);
	ck_assert_uint_eq(chosen, all);
}
END_TEST

/*
 * Someone on the path who can compute mac1 (knows the receiver's public
 * key) changes the offer or the answer: the handshake fails, no session
 * with ciphers that differ between the two ends ever comes up.
 */
START_TEST(test_features_bound_to_handshake)
{
	uint8_t all = TUNCTL_FEAT_AES256GCM | TUNCTL_FEAT_CSUM_PARTIAL;
	struct noise_hs chs, shs;
	struct tunctl_msg_init init;
	struct tunctl_msg_resp resp;
	struct pair p;

	make_pair(&p, 10);
	p.client.features = p.server.features = all;

	/* The offer cut down on its way: the server's answer fails. */
	ck_assert_int_eq(hs_create_init(&chs, &p.client, 1, &init), 0);
	init.offer = TUNCTL_FEAT_CSUM_PARTIAL;
	remac(&init, offsetof(struct tunctl_msg_init, mac1), init.mac1,
	      p.client.mac1_out);
	ck_assert_int_eq(hs_consume_init(&shs, &p.server, &init, p.last_ts), 0);
	ck_assert_int_eq(hs_create_resp(&shs, &p.server, 2, 1, &resp), 0);
	ck_assert_uint_eq(resp.chosen, TUNCTL_FEAT_CSUM_PARTIAL);
	ck_assert_int_eq(hs_consume_resp(&chs, &p.client, &resp), -EBADMSG);
	noise_hs_wipe(&shs);

	/* The answer changed on its way back: fails too. */
	ck_assert_int_eq(hs_create_init(&chs, &p.client, 3, &init), 0);
	ck_assert_int_eq(hs_consume_init(&shs, &p.server, &init, p.last_ts), 0);
	ck_assert_int_eq(hs_create_resp(&shs, &p.server, 4, 3, &resp), 0);
	ck_assert_uint_eq(resp.chosen, all);
	resp.chosen = TUNCTL_FEAT_CSUM_PARTIAL;
	remac(&resp, offsetof(struct tunctl_msg_resp, mac1), resp.mac1,
	      p.server.mac1_out);
	ck_assert_int_eq(hs_consume_resp(&chs, &p.client, &resp), -EBADMSG);

	/* An answer with a bit that was never offered: refused outright. */
	ck_assert_int_eq(hs_create_init(&chs, &p.client, 5, &init), 0);
	resp.chosen = all | 0x80;
	resp.receiver = htole32(5);
	remac(&resp, offsetof(struct tunctl_msg_resp, mac1), resp.mac1,
	      p.server.mac1_out);
	ck_assert_int_eq(hs_consume_resp(&chs, &p.client, &resp), -EBADMSG);
	noise_hs_wipe(&chs);
	noise_hs_wipe(&shs);
}
END_TEST

START_TEST(test_timestamps_increase)
{
	uint8_t a[TUNCTL_TIMESTAMP_LEN], b[TUNCTL_TIMESTAMP_LEN];

	hs_timestamp(a);
	hs_timestamp(b);
	ck_assert_int_le(memcmp(a, b, sizeof(a)), 0);
	ck_assert_uint_eq(a[0], 0x40);	/* TAI64 label */
}
END_TEST

Suite *handshake_suite(void)
{
	Suite *s = suite_create("handshake");
	TCase *tc = tcase_create("messages");

	tcase_add_test(tc, test_data_both_ways);
	tcase_add_test(tc, test_tampered_and_expired_data);
	tcase_add_test(tc, test_bad_initiations);
	tcase_add_test(tc, test_bad_responses);
	tcase_add_test(tc, test_features_negotiated);
	tcase_add_test(tc, test_features_bound_to_handshake);
	tcase_add_test(tc, test_timestamps_increase);
	suite_add_tcase(s, tc);
	return s;
}
