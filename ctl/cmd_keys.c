// SPDX-License-Identifier: GPL-2.0-only
/* tunctl genkey / pubkey, like wg(8): keys on stdin/stdout, never argv. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "cmds.h"
#include "keys.h"
#include "util.h"

int cmd_genkey(int argc, char **argv)
{
	char b64[KEY_B64_LEN + 1];
	uint8_t priv[KEY_LEN];
	struct stat st;

	(void)argv;
	if (argc != 1)
		return usage_error("genkey", "takes no arguments");
	if (keys_init()) {
		err("genkey: libsodium did not initialise");
		return EXIT_RUNTIME;
	}
	if (!fstat(STDOUT_FILENO, &st) && S_ISREG(st.st_mode) &&
	    (st.st_mode & S_IRWXO))
		notice("genkey: warning: writing a private key to a file others can read (umask 077 first)");
	key_generate(priv);
	key_to_base64(priv, b64);
	printf("%s\n", b64);
	sodium_memzero(priv, sizeof(priv));
	sodium_memzero(b64, sizeof(b64));
	return fflush(stdout) ? EXIT_RUNTIME : EXIT_OK;
}

int cmd_pubkey(int argc, char **argv)
{
	char in[128], b64[KEY_B64_LEN + 1];
	uint8_t priv[KEY_LEN], pub[KEY_LEN];
	size_t n;
	int ret;

	(void)argv;
	if (argc != 1)
		return usage_error("pubkey", "takes no arguments (the private key comes on stdin)");
	if (keys_init()) {
		err("pubkey: libsodium did not initialise");
		return EXIT_RUNTIME;
	}
	n = fread(in, 1, sizeof(in), stdin);
	if (n == sizeof(in))
		ret = -ERANGE;
	else
		ret = key_from_base64(in, n, priv);
	sodium_memzero(in, sizeof(in));
	if (!ret)
		ret = key_public(priv, pub);
	sodium_memzero(priv, sizeof(priv));
	if (ret) {
		err("pubkey: stdin: %s", ret == -ERANGE ?
		    "not a 32-byte key" : "not a base64 X25519 private key");
		return EXIT_USAGE;
	}
	key_to_base64(pub, b64);
	printf("%s\n", b64);
	return fflush(stdout) ? EXIT_RUNTIME : EXIT_OK;
}
