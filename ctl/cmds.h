/* SPDX-License-Identifier: GPL-2.0-only */
/* The subcommands; each returns a documented exit code. */
#ifndef TUNCTL_CMDS_H
#define TUNCTL_CMDS_H

#include <jansson.h>

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
};

int cmd_attach(int argc, char **argv);
int cmd_detach(int argc, char **argv);
int cmd_confirm(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_check_config(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_genkey(int argc, char **argv);
int cmd_tunnel(int argc, char **argv);
int cmd_reload(int argc, char **argv);
int cmd_pubkey(int argc, char **argv);
int cmd_ips(int argc, char **argv);
int cmd_audit(int argc, char **argv);

/* Print "usage: tunctl NAME ..." for one command to stderr. */
void cmd_usage(const char *name);
/* Report an unknown option or a missing/extra argument; returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Print a command's result: {"KEY": value} with -j, else text(value).
 * Both views come from the same tree, so they cannot drift. Takes value.
 */
int print_result(const char *key, json_t *value, void (*text)(json_t *));

/* After getopt_long (optstring starting with ':') returned c = '?' or ':'. */
int opt_error(const char *cmd, int c, char **argv);

#endif /* TUNCTL_CMDS_H */
