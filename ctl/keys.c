// SPDX-License-Identifier: GPL-2.0-only
/* X25519 keys and their base64 form, with libsodium. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "keys.h"

int keys_init(void)
{
	return sodium_init() < 0 ? -EIO : 0;
}

void key_generate(uint8_t priv[KEY_LEN])
{
	randombytes_buf(priv, KEY_LEN);
	/* RFC 7748 clamping, stored clamped as wg(8) does. */
	priv[0] &= 248;
	priv[31] = (priv[31] & 127) | 64;
}

int key_public(const uint8_t priv[KEY_LEN], uint8_t pub[KEY_LEN])
{
	return crypto_scalarmult_base(pub, priv) ? -EINVAL : 0;
}

void key_to_base64(const uint8_t key[KEY_LEN], char out[KEY_B64_LEN + 1])
{
	sodium_bin2base64(out, KEY_B64_LEN + 1, key, KEY_LEN,
			  sodium_base64_VARIANT_ORIGINAL);
}

int key_from_base64(const char *s, size_t len, uint8_t key[KEY_LEN])
{
	uint8_t buf[KEY_LEN + 8];
	size_t got = 0;
	int ret = 0;

	while (len && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
		       s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	if (sodium_base642bin(buf, sizeof(buf), s, len, NULL, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL))
		ret = len > KEY_B64_LEN + 4 ? -ERANGE : -EINVAL;
	else if (got != KEY_LEN)
		ret = -ERANGE;
	else
		memcpy(key, buf, KEY_LEN);
	sodium_memzero(buf, sizeof(buf));
	return ret;
}

int key_read_file(const char *path, uint8_t key[KEY_LEN])
{
	char buf[128];
	struct stat st;
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	/* Only its owner may read it, and the owner must be us (or root). */
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) ||
	    (st.st_uid != geteuid() && st.st_uid != 0)) {
		close(fd);
		return -EPERM;
	}
	n = read(fd, buf, sizeof(buf));
	ret = n < 0 ? -errno : 0;
	close(fd);
	if (!ret)
		ret = n == sizeof(buf) ? -ERANGE :
		      key_from_base64(buf, n, key);
	sodium_memzero(buf, sizeof(buf));
	return ret;
}

int key_equal(const uint8_t a[KEY_LEN], const uint8_t b[KEY_LEN])
{
	return sodium_memcmp(a, b, KEY_LEN) == 0;
}
