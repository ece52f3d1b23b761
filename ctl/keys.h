/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tunnel keys: X25519, 32 bytes, base64 on the outside like wg(8). Private
 * keys come from files or the config, never argv; every buffer that held
 * one is wiped with sodium_memzero.
 */
#ifndef TUNCTL_KEYS_H
#define TUNCTL_KEYS_H

#include <stddef.h>
#include <stdint.h>

#define KEY_LEN 32
#define KEY_B64_LEN 44		/* without the NUL */

/* libsodium must be initialised once before any of these. */
int keys_init(void);
void key_generate(uint8_t priv[KEY_LEN]);
/* 0, or -EINVAL for a private key whose public key would be all zeros. */
int key_public(const uint8_t priv[KEY_LEN], uint8_t pub[KEY_LEN]);
void key_to_base64(const uint8_t key[KEY_LEN], char out[KEY_B64_LEN + 1]);
/*
 * Decode base64 (surrounding whitespace allowed). -EINVAL: not base64,
 * -ERANGE: not 32 bytes. Never echoes the input anywhere.
 */
int key_from_base64(const char *s, size_t len, uint8_t key[KEY_LEN]);
/*
 * A private key from a file that only its owner can read. -EPERM when
 * group or others may read it; -errno for I/O; decode errors as above.
 */
int key_read_file(const char *path, uint8_t key[KEY_LEN]);
/* Constant-time comparison: 1 when equal. */
int key_equal(const uint8_t a[KEY_LEN], const uint8_t b[KEY_LEN]);

#endif /* TUNCTL_KEYS_H */
