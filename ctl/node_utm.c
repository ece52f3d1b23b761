// SPDX-License-Identifier: GPL-2.0-only
/*
 * The node's UTM through its life: made at start when the config asks
 * for it, its rules swapped whole on "ips reload" or a config reload (a
 * rule file with an error changes nothing), ended at stop.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "node_utm.h"
#include "utm.h"
#include "util.h"

#define EVE_DIR "/var/log/tunctl"

bool node_utm_wanted(const struct tunctl_conf *c)
{
	return c->n_l7 || c->utm.rules[0];
}

static void log_path(const char *dev, const struct tunctl_conf *c, char *out,
		     size_t sz)
{
	if (c->utm.eve_log[0]) {
		snprintf(out, sz, "%s", c->utm.eve_log);
		return;
	}
	/* The default place is ours to make; a given one is the operator's. */
	mkdir(EVE_DIR, 0750);
	snprintf(out, sz, EVE_DIR "/%s.eve.json", dev);
}

static int load_rules(const struct tunctl_conf *c, struct ips_ruleset **out,
		      char *why, size_t why_len)
{
	*out = NULL;
	if (!c->utm.rules[0])
		return 0;
	*out = ips_load_file(c->utm.rules, why, why_len);
	return *out ? 0 : -EINVAL;
}

static struct utm *utm_make(const char *dev, const struct tunctl_conf *c,
			    char *why, size_t why_len)
{
	struct utm *u = calloc(1, sizeof(*u));
	char path[CONF_PATH_MAX + 32];
	int ret;

	if (!u) {
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	log_path(dev, c, path, sizeof(path));
	ret = utm_init(u, path, c->utm.eve_max_bytes, c->utm.eve_keep);
	if (ret) {
		snprintf(why, why_len, "event log %s: %s", path, strerror(-ret));
		free(u);
		return NULL;
	}
	return u;
}

int node_utm_start(struct node *nd)
{
	struct ips_ruleset *rs;
	char why[512];

	if (!node_utm_wanted(&nd->conf))
		return 0;
	if (load_rules(&nd->conf, &rs, why, sizeof(why))) {
		err("daemon %s: ips rules: %s", nd->dev, why);
		return -EINVAL;
	}
	nd->utm = utm_make(nd->dev, &nd->conf, why, sizeof(why));
	if (!nd->utm) {
		ips_free(rs);
		err("daemon %s: %s", nd->dev, why);
		return -EIO;
	}
	utm_set_rules(nd->utm, rs);
	return 0;
}

int node_utm_prepare(struct node *nd, const struct tunctl_conf *conf,
		     struct utm_prep *prep, char *why, size_t why_len)
{
	memset(prep, 0, sizeof(*prep));
	if (!node_utm_wanted(conf)) {
		/* Kept (its log, its sessions), with no rules left. */
		prep->rules_set = nd->utm != NULL;
		return 0;
	}
	if (load_rules(conf, &prep->rules, why, why_len))
		return -EINVAL;
	prep->rules_set = true;
	if (nd->utm) {
		char path[CONF_PATH_MAX + 32];
		const struct eve_log *cur = &nd->utm->log;
		int ret;

		log_path(nd->dev, conf, path, sizeof(path));
		if (strcmp(path, cur->path) ||
		    conf->utm.eve_max_bytes != cur->max_bytes ||
		    conf->utm.eve_keep != cur->keep) {
			ret = eve_open(&prep->log, path, conf->utm.eve_max_bytes,
				       conf->utm.eve_keep);
			if (ret) {
				snprintf(why, why_len, "event log %s: %s", path,
					 strerror(-ret));
				ips_free(prep->rules);
				return ret;
			}
			prep->log_set = true;
		}
	} else {
		prep->fresh = utm_make(nd->dev, conf, why, why_len);
		if (!prep->fresh) {
			ips_free(prep->rules);
			return -EIO;
		}
	}
	return 0;
}

void node_utm_commit(struct node *nd, struct utm_prep *prep)
{
	if (prep->fresh)
		nd->utm = prep->fresh;
	if (prep->rules_set && nd->utm)
		utm_set_rules(nd->utm, prep->rules);
	if (prep->log_set) {
		eve_close(&nd->utm->log);
		nd->utm->log = prep->log;
	}
	memset(prep, 0, sizeof(*prep));
}

void node_utm_abort(struct utm_prep *prep)
{
	ips_free(prep->rules);
	if (prep->log_set)
		eve_close(&prep->log);
	if (prep->fresh) {
		utm_fini(prep->fresh);
		free(prep->fresh);
	}
	memset(prep, 0, sizeof(*prep));
}

void node_utm_stop(struct node *nd)
{
	if (!nd->utm)
		return;
	utm_fini(nd->utm);
	free(nd->utm);
	nd->utm = NULL;
}

int node_ips_reload(struct node *nd, char *why, size_t why_len)
{
	struct ips_ruleset *rs;

	if (!nd->conf.utm.rules[0]) {
		snprintf(why, why_len, "the config names no \"utm.rules\" file");
		return -ENOENT;
	}
	if (load_rules(&nd->conf, &rs, why, why_len))
		return -EINVAL;
	if (!nd->utm) {
		nd->utm = utm_make(nd->dev, &nd->conf, why, why_len);
		if (!nd->utm) {
			ips_free(rs);
			return -EIO;
		}
	}
	utm_set_rules(nd->utm, rs);
	snprintf(why, why_len, "%zu rules", ips_rule_count(rs));
	return 0;
}

json_t *node_utm_json(struct node *nd)
{
	const struct utm *u = nd->utm;

	if (!u)
		return json_pack("{sb}", "enabled", 0);
	return json_pack("{sbsssIsIsIsIsIsIsIsIsI}", "enabled", 1,
			 "log", u->log.path,
			 "rules", (json_int_t)(u->ips ? ips_rule_count(u->ips) : 0),
			 "packets", (json_int_t)u->stats.packets,
			 "violations", (json_int_t)u->stats.violations,
			 "ips_alerts", (json_int_t)u->stats.ips_alerts,
			 "ips_drops", (json_int_t)u->stats.ips_drops,
			 "out_of_order", (json_int_t)u->stats.out_of_order,
			 "no_session", (json_int_t)u->stats.no_session,
			 "table_full", (json_int_t)u->stats.table_full,
			 "log_write_errors", (json_int_t)u->log.write_errors);
}
