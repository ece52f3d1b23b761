/* SPDX-License-Identifier: GPL-2.0-only */
/* Error reporting, exit codes and small helpers shared by every command. */
#ifndef TUNCTL_UTIL_H
#define TUNCTL_UTIL_H

#include <stdbool.h>
#include <stdint.h>

/* Documented exit codes (PRODUCT.md). */
#define EXIT_OK		0
#define EXIT_RUNTIME	1
#define EXIT_USAGE	2

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* "tunctl: <what>: <why>" on stderr; one line, nothing else. */
void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "tunctl: <what>" notice on stderr, for things the operator should know. */
void notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Global options, set by main() before a command runs. */
struct globals {
	bool json;
	const char *pin_root;	/* bpffs directory holding one dir per device */
	const char *run_dir;	/* pid files, logs (and later the control socket) */
};
extern struct globals g;

uint64_t mono_ns(void);
/* Parse a decimal unsigned integer within [min, max]; -EINVAL otherwise. */
int parse_uint(const char *s, unsigned long min, unsigned long max,
	       unsigned long *out);
/* mkdir -p; returns 0 or -errno. */
int mkdir_p(const char *path, unsigned int mode);
/* Does this process hold what attaching BPF to a device needs? */
bool have_net_bpf_caps(void);

#endif /* TUNCTL_UTIL_H */
