/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The node's JSON config (PRODUCT.md): parsed with jansson into one data
 * model, every error collected with its FILE:LINE:COL so the operator
 * sees them all at once. Nothing is applied unless the whole file is good.
 */
#ifndef TUNCTL_CONFIG_H
#define TUNCTL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define CONF_MAX_ERRORS 64

struct conf_local {
	bool arp;
	bool ndp;
	bool dhcp;
};

struct tunctl_conf {
	struct conf_local local;
};

struct conf_diag {
	char *msg[CONF_MAX_ERRORS];
	size_t n;
	size_t more;	/* errors beyond CONF_MAX_ERRORS, counted only */
};

/* What a node runs with when no config is given. */
void conf_defaults(struct tunctl_conf *conf);
/* 0 when valid; -EINVAL with diag filled; other -errno for I/O (in diag). */
int conf_load_file(const char *path, struct tunctl_conf *conf,
		   struct conf_diag *diag);
int conf_load_text(const char *name, const char *text, size_t len,
		   struct tunctl_conf *conf, struct conf_diag *diag);
void conf_diag_print(const struct conf_diag *diag);
void conf_diag_free(struct conf_diag *diag);
/* Datapath flags (TUNCTL_CFG_*) for this config. */
unsigned int conf_dp_flags(const struct tunctl_conf *conf);

#endif /* TUNCTL_CONFIG_H */
