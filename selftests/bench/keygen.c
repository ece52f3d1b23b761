// SPDX-License-Identifier: GPL-2.0-only
/*
 * keygen N: N X25519 key pairs for benchmarks, one "PRIVATE PUBLIC" line
 * each, base64 as tunctl genkey and tunctl pubkey print them (private key
 * clamped, as stored by tunctl and wg). One process for all of them:
 * 20,000 runs of genkey and pubkey would cost minutes of process starts
 * where the keys themselves take a second.
 *
 * Benchmark keys only: they go to stdout, and from there into throwaway
 * config files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>

int main(int argc, char **argv)
{
	char priv64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
	char pub64[sizeof(priv64)];
	unsigned char priv[32], pub[32];
	char *end;
	long n, i;

	if (argc != 2 || (n = strtol(argv[1], &end, 10)) < 1 || *end ||
	    n > 1000000) {
		fprintf(stderr, "usage: keygen N (1 to 1000000)\n");
		return 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "keygen: libsodium did not initialise\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		randombytes_buf(priv, sizeof(priv));
		priv[0] &= 248;
		priv[31] = (priv[31] & 127) | 64;
		if (crypto_scalarmult_base(pub, priv)) {
			fprintf(stderr, "keygen: a key without a public key\n");
			return 1;
		}
		sodium_bin2base64(priv64, sizeof(priv64), priv, sizeof(priv),
				  sodium_base64_VARIANT_ORIGINAL);
		sodium_bin2base64(pub64, sizeof(pub64), pub, sizeof(pub),
				  sodium_base64_VARIANT_ORIGINAL);
		printf("%s %s\n", priv64, pub64);
	}
	sodium_memzero(priv, sizeof(priv));
	return fflush(stdout) ? 1 : 0;
}
