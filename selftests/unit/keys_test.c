// SPDX-License-Identifier: GPL-2.0-only
/* Keys: the RFC 7748 known answer, base64 errors, key file permissions. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keys.h"
#include "suites.h"

/* RFC 7748 section 6.1: Alice's private and public key. */
static const char alice_priv[] = "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=";
static const char alice_pub[] = "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=";

START_TEST(test_rfc7748_public_key)
{
	uint8_t priv[KEY_LEN], pub[KEY_LEN];
	char b64[KEY_B64_LEN + 1];

	ck_assert_int_eq(keys_init(), 0);
	ck_assert_int_eq(key_from_base64(alice_priv, strlen(alice_priv), priv), 0);
	ck_assert_int_eq(key_public(priv, pub), 0);
	key_to_base64(pub, b64);
	ck_assert_str_eq(b64, alice_pub);
}
END_TEST

START_TEST(test_generate)
{
	uint8_t a[KEY_LEN], b[KEY_LEN], pa[KEY_LEN];

	ck_assert_int_eq(keys_init(), 0);
	key_generate(a);
	key_generate(b);
	ck_assert(!key_equal(a, b));
	ck_assert(key_equal(a, a));
	ck_assert_uint_eq(a[0] & 7, 0);			/* clamped */
	ck_assert_uint_eq(a[31] & 0xc0, 0x40);
	ck_assert_int_eq(key_public(a, pa), 0);
}
END_TEST

static const struct {
	const char *in;
	int want;
} b64_cases[] = {
	{ "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=", 0 },
	{ "  dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=\n", 0 },
	{ "", -ERANGE },
	{ "QUJD", -ERANGE },				/* 3 bytes */
	{ "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCpBQQ==", -ERANGE },
	{ "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LC!=", -EINVAL },
	{ "dwdt CnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=", -EINVAL },
	{ "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo", -EINVAL },
};

START_TEST(test_base64)
{
	uint8_t key[KEY_LEN];

	ck_assert_msg(key_from_base64(b64_cases[_i].in,
				      strlen(b64_cases[_i].in), key) ==
		      b64_cases[_i].want, "\"%s\"", b64_cases[_i].in);
}
END_TEST

static void write_key(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
}

START_TEST(test_key_file)
{
	char dir[] = "/tmp/tunctl-keys-XXXXXX", path[64];
	uint8_t key[KEY_LEN], want[KEY_LEN];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/k", dir);
	ck_assert_int_eq(key_from_base64(alice_priv, strlen(alice_priv), want), 0);

	write_key(path, "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=\n", 0600);
	ck_assert_int_eq(key_read_file(path, key), 0);
	ck_assert(key_equal(key, want));
	write_key(path, alice_priv, 0640);
	ck_assert_int_eq(key_read_file(path, key), -EPERM);
	write_key(path, alice_priv, 0604);
	ck_assert_int_eq(key_read_file(path, key), -EPERM);
	write_key(path, "not a key", 0600);
	ck_assert_int_eq(key_read_file(path, key), -EINVAL);
	ck_assert_int_eq(key_read_file("/nonexistent/k", key), -ENOENT);
	unlink(path);
	rmdir(dir);
}
END_TEST

Suite *keys_suite(void)
{
	Suite *s = suite_create("keys");
	TCase *tc = tcase_create("x25519");

	tcase_add_test(tc, test_rfc7748_public_key);
	tcase_add_test(tc, test_generate);
	tcase_add_loop_test(tc, test_base64, 0,
			    sizeof(b64_cases) / sizeof(b64_cases[0]));
	tcase_add_test(tc, test_key_file);
	suite_add_tcase(s, tc);
	return s;
}
