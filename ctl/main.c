// SPDX-License-Identifier: GPL-2.0-only
/*
 * tunctl: object-verb command line in the style of ip(8) and bpftool.
 * Global options come before the command; each command parses its own.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <bpf/libbpf.h>
#include <sodium.h>
#include <jansson.h>

#include "cmds.h"
#include "config.h"
#include "keys.h"
#include "util.h"

#define TUNCTL_VERSION "0.1.0"

static const struct cmd cmds[] = {
	{ "attach", cmd_attach,
	  "attach DEV [--config FILE] [--xdp-mode native|generic|tc] [--foreground] [--rollback SECS] [--force]" },
	{ "detach", cmd_detach, "detach DEV" },
	{ "confirm", cmd_confirm, "confirm DEV" },
	{ "reload", cmd_reload, "reload DEV [--config FILE]" },
	{ "status", cmd_status, "status [DEV] [-j]" },
	{ "monitor", cmd_monitor, "monitor [DEV] [-j] [--count N]" },
	{ "tunnel", cmd_tunnel, "tunnel { list [-j] | disable ID | enable ID }" },
	{ "ips", cmd_ips, "ips { reload DEV | status [DEV] [-j] }" },
	{ "audit", cmd_audit, "audit [DEV] [-j]" },
	{ "check-config", cmd_check_config, "check-config FILE" },
	{ "genkey", cmd_genkey, "genkey > PRIVATE-KEY-FILE" },
	{ "pubkey", cmd_pubkey, "pubkey < PRIVATE-KEY-FILE > PUBLIC-KEY-FILE" },
	{ "version", cmd_version, "version [-j]" },
};

static void usage_all(FILE *f)
{
	size_t i;

	fprintf(f, "usage: tunctl [--pin-root DIR] [--run-dir DIR] [-j] COMMAND ...\n");
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "       tunctl %s\n", cmds[i].usage);
}

void cmd_usage(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(cmds[i].name, name))
			fprintf(stderr, "usage: tunctl %s\n", cmds[i].usage);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	err("%s: %s", cmd, buf);
	cmd_usage(cmd);
	return EXIT_USAGE;
}

int opt_error(const char *cmd, int c, char **argv)
{
	if (c == ':')
		return usage_error(cmd, "option %s needs a value",
				   argv[optind - 1]);
	if (optopt)
		return usage_error(cmd, "unknown option -%c", optopt);
	return usage_error(cmd, "unknown option %s", argv[optind - 1]);
}

int print_result(const char *key, json_t *value, void (*text)(json_t *))
{
	if (g.json) {
		json_t *root = json_pack("{so}", key, value);

		json_dumpf(root, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(root);
	} else {
		text(value);
		json_decref(value);
	}
	return EXIT_OK;
}

int cmd_check_config(int argc, char **argv)
{
	struct tunctl_conf conf;
	struct conf_diag diag;
	int ret;

	if (argc != 2)
		return usage_error("check-config", "expects one file");
	ret = conf_load_file(argv[1], &conf, &diag);
	if (ret) {
		conf_diag_print(&diag);
		conf_diag_free(&diag);
		return EXIT_USAGE;
	}
	printf("%s: ok (%zu peers, %zu tunnels)\n", argv[1], conf.n_peers,
	       conf.n_tunnels);
	conf_free(&conf);
	return EXIT_OK;
}

int cmd_version(int argc, char **argv)
{
	struct utsname u;

	(void)argv;
	if (argc > 2)
		return usage_error("version", "takes no arguments");
	uname(&u);
	if (g.json || (argc == 2 && !strcmp(argv[1], "-j")))
		printf("{\"tunctl\":\"%s\",\"libbpf\":\"%u.%u\",\"libsodium\":\"%s\",\"kernel\":\"%s\"}\n",
		       TUNCTL_VERSION, libbpf_major_version(),
		       libbpf_minor_version(), sodium_version_string(),
		       u.release);
	else
		printf("tunctl %s (libbpf %u.%u, libsodium %s, kernel %s)\n",
		       TUNCTL_VERSION, libbpf_major_version(),
		       libbpf_minor_version(), sodium_version_string(),
		       u.release);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pin-root", required_argument, NULL, 'p' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *env;
	size_t i;
	int c;

	if ((env = getenv("TUNCTL_PIN_ROOT")) && *env)
		g.pin_root = env;
	if ((env = getenv("TUNCTL_RUN_DIR")) && *env)
		g.run_dir = env;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			g.pin_root = optarg;
			break;
		case 'r':
			g.run_dir = optarg;
			break;
		case 'j':
			g.json = true;
			break;
		case 'h':
			usage_all(stdout);
			return EXIT_OK;
		default:
			err("unknown option %s", argv[optind - 1]);
			usage_all(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage_all(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[optind], "help")) {
		usage_all(stdout);
		return EXIT_OK;
	}
	/*
	 * Before any other libsodium call: it picks the SIMD ChaCha20,
	 * Poly1305 and AES-GCM code for this CPU here. Without it every
	 * cipher runs its portable reference code and AES-GCM reports itself
	 * unavailable.
	 */
	if (keys_init()) {
		err("libsodium: cannot initialise");
		return EXIT_RUNTIME;
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		if (strcmp(cmds[i].name, argv[optind]))
			continue;
		argv += optind;
		argc -= optind;
		/* 0, not 1: glibc re-reads the new optstring (no '+'). */
		optind = 0;
		return cmds[i].fn(argc, argv);
	}
	err("unknown command \"%s\"", argv[optind]);
	usage_all(stderr);
	return EXIT_USAGE;
}
