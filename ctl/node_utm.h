/* SPDX-License-Identifier: GPL-2.0-only */
/* The node's UTM (utm.h): made, changed and ended with its config. */
#ifndef TUNCTL_NODE_UTM_H
#define TUNCTL_NODE_UTM_H

#include "eve.h"
#include "node.h"

/* Does this config ask for the UTM: an "l7" policy, or IPS rules? */
bool node_utm_wanted(const struct tunctl_conf *c);
/* At start: the UTM for nd->conf, if it asks for one. */
int node_utm_start(struct node *nd);
/*
 * At reload, before anything changes: what conf needs, prepared (the
 * rules loaded, the log opened). node_utm_commit then swaps it in;
 * node_utm_abort throws it away.
 */
struct utm_prep {
	struct utm *fresh;		/* a new UTM, when there was none */
	struct ips_ruleset *rules;	/* the new set, or NULL */
	bool rules_set;			/* swap rules (NULL: none) */
	struct eve_log log;		/* the log moved or resized */
	bool log_set;
};
int node_utm_prepare(struct node *nd, const struct tunctl_conf *conf,
		     struct utm_prep *prep, char *why, size_t why_len);
void node_utm_commit(struct node *nd, struct utm_prep *prep);
void node_utm_abort(struct utm_prep *prep);
void node_utm_stop(struct node *nd);

#endif
