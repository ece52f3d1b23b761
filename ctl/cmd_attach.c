// SPDX-License-Identifier: GPL-2.0-only
/* tunctl attach / detach / confirm: the lifecycle of a device's datapath. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <jansson.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "config.h"
#include "ctlsock.h"
#include "daemon.h"
#include "datapath.h"
#include "node.h"
#include "pins.h"
#include "relay.h"
#include "util.h"

#define MAX_ROLLBACK_SECS (7 * 24 * 3600)
#define LOCK_WAIT_MS 10000

/* Checks every command that changes a device makes before touching it. */
static int preflight(const char *cmd, const char *dev)
{
	if (!dev_name_valid(dev)) {
		err("%s %s: invalid interface name", cmd, dev);
		return EXIT_USAGE;
	}
	if (!have_net_bpf_caps()) {
		err("%s %s: permission denied: needs root (CAP_NET_ADMIN and CAP_BPF or CAP_SYS_ADMIN)",
		    cmd, dev);
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

/* Regular tunnels run; internet and external ones are not built yet. */
/* After detach, a later attach starts from its own arguments. */
static void forget_config(const char *dev)
{
	char path[4096];

	if (!run_path(dev, "config", path, sizeof(path)))
		unlink(path);
}

static int lock_dev(const char *cmd, const char *dev)
{
	int ret = dev_lock(dev, LOCK_WAIT_MS);

	if (ret)
		err("%s %s: %s", cmd, dev, ret == -EBUSY ?
		    "another tunctl command is changing this device" :
		    strerror(-ret));
	return ret;
}

static bool rollback_expired(const char *dev)
{
	struct tunctl_config cfg;

	return !dp_config_read(dev, &cfg) && cfg.rollback_deadline_ns &&
	       mono_ns() >= cfg.rollback_deadline_ns;
}

/* CLOCK_MONOTONIC, as bpf_ktime_get_ns reads it in the datapath. */
static uint64_t rollback_deadline(unsigned long rollback)
{
	return mono_ns() + rollback * 1000000000ULL;
}

/*
 * The window counts from when the datapath is in place, not from before
 * its programs were loaded: on a slow board the verifier alone can take
 * seconds of it. The deadline was already in the map as the links went
 * up (the datapath enforces it with no daemon); should this write fail,
 * that earlier one stands: a shorter window, never none. No daemon runs
 * yet to write the map meanwhile.
 */
static void rollback_restart(const char *dev, unsigned long rollback)
{
	struct tunctl_config cfg;

	if (dp_config_read(dev, &cfg))
		return;
	cfg.rollback_deadline_ns = rollback_deadline(rollback);
	dp_config_write(dev, &cfg);
}

/* The tunctl_state.xdp_mode a request means; 0 for auto (any). */
static uint32_t requested_mode(enum xdp_mode_req mode)
{
	switch (mode) {
	case XDP_MODE_NATIVE:
		return TUNCTL_XDP_NATIVE;
	case XDP_MODE_GENERIC:
		return TUNCTL_XDP_GENERIC;
	case XDP_MODE_TC:
		return TUNCTL_XDP_TC;
	default:
		return 0;
	}
}

/*
 * Attaching an attached device is safe: the datapath stays as it is, a
 * given config and rollback are applied, and a dead daemon is restarted.
 */
static int attach_again(const char *dev, const struct tunctl_conf *conf,
			const char *config_path, unsigned long rollback,
			bool foreground, enum xdp_mode_req mode)
{
	char remembered[4096];

	struct tunctl_state st = {};
	struct tunctl_config cfg;
	pid_t pid = daemon_pid(dev);
	int ret;

	/* Nothing is changed by a request the running datapath cannot meet. */
	ret = dp_state_read(dev, &st);
	if (ret) {
		err("attach %s: read state map: %s", dev, strerror(-ret));
		return EXIT_RUNTIME;
	}
	if (requested_mode(mode) && requested_mode(mode) != st.xdp_mode) {
		err("attach %s: attached in %s mode; detach first to change it",
		    dev, dp_xdp_mode_name(st.xdp_mode));
		return EXIT_USAGE;
	}
	ret = conf ? relay_mode_check(conf, st.xdp_mode) : 0;
	if (ret) {
		err("attach %s: %s; nothing changed", dev, relay_strerror(ret));
		return EXIT_USAGE;
	}
	if (foreground && pid) {
		err("attach %s: a daemon is already running (pid %d)", dev,
		    (int)pid);
		return EXIT_RUNTIME;
	}
	ret = dp_config_read(dev, &cfg);
	if (ret) {
		err("attach %s: read config map: %s", dev, strerror(-ret));
		return EXIT_RUNTIME;
	}
	/*
	 * The "local" switches only: relaying is the daemon's to set up
	 * (relay_apply fills dp_relay, then sets the flag), and the running
	 * one keeps its config.
	 */
	if (conf)
		cfg.flags = (conf_dp_flags(conf) & ~TUNCTL_CFG_RELAY) |
			    (cfg.flags & TUNCTL_CFG_RELAY);
	if (rollback)
		cfg.rollback_deadline_ns = rollback_deadline(rollback);
	if (conf || rollback) {
		ret = dp_config_write(dev, &cfg);
		if (ret) {
			err("attach %s: write config map: %s", dev,
			    strerror(-ret));
			return EXIT_RUNTIME;
		}
		daemon_kick(dev);
	}
	notice("%s: already attached%s", dev,
	       conf ? "; its \"local\" section applied" : "");
	if (conf && conf->n_tunnels && pid)
		notice("%s: the running daemon keeps its tunnels; detach and attach to change them",
		       dev);
	/* A dead daemon comes back with the config it had, unless given one. */
	if (!config_path && !daemon_config_path(dev, remembered,
						 sizeof(remembered)))
		config_path = remembered;
	if (foreground) {
		dev_unlock();
		return daemon_run(dev, config_path, -1) ? EXIT_RUNTIME : EXIT_OK;
	}
	if (!pid && daemon_spawn(dev, config_path))
		return EXIT_RUNTIME;
	return EXIT_OK;
}

int cmd_attach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "xdp-mode", required_argument, NULL, 'm' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "rollback", required_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'F' },
		{}
	};
	struct dp_attach_opts o = { .xdp_mode = XDP_MODE_AUTO };
	const char *config_path = NULL;
	unsigned long rollback = 0;
	struct tunctl_conf conf;
	struct conf_diag diag;
	bool foreground = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, ":c:j", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 'm':
			if (!strcmp(optarg, "native"))
				o.xdp_mode = XDP_MODE_NATIVE;
			else if (!strcmp(optarg, "generic"))
				o.xdp_mode = XDP_MODE_GENERIC;
			else if (!strcmp(optarg, "tc"))
				o.xdp_mode = XDP_MODE_TC;
			else
				return usage_error("attach", "--xdp-mode: \"%s\" is none of native, generic, tc",
						   optarg);
			break;
		case 'f':
			foreground = true;
			break;
		case 'r':
			if (parse_uint(optarg, 1, MAX_ROLLBACK_SECS, &rollback))
				return usage_error("attach", "--rollback: \"%s\" is not a number of seconds from 1 to %d",
						   optarg, MAX_ROLLBACK_SECS);
			break;
		case 'F':
			o.force = true;
			break;
		case 'j':
			break;
		default:
			return opt_error("attach", c, argv);
		}
	}
	if (argc - optind != 1)
		return usage_error("attach", "expects one device");
	o.dev = argv[optind];
	ret = preflight("attach", o.dev);
	if (ret)
		return ret;

	/* The config is checked whole before anything is touched. */
	conf_defaults(&conf);
	if (config_path) {
		ret = conf_load_file(config_path, &conf, &diag);
		if (ret) {
			conf_diag_print(&diag);
			conf_diag_free(&diag);
			err("attach %s: config %s rejected; nothing changed",
			    o.dev, config_path);
			return EXIT_USAGE;
		}
	}
	o.relays = conf.n_relays > 0;
	ret = relay_mode_check(&conf, requested_mode(o.xdp_mode));
	if (ret) {
		conf_free(&conf);
		err("attach %s: %s; nothing changed", o.dev, relay_strerror(ret));
		return EXIT_USAGE;
	}
	if (!if_nametoindex(o.dev)) {
		err("attach %s: no such device", o.dev);
		return EXIT_RUNTIME;
	}
	if (bpffs_ensure() || lock_dev("attach", o.dev))
		return EXIT_RUNTIME;

	if (dev_attached(o.dev)) {
		int linked = dp_link_ifindex(o.dev);

		if (linked && linked != (int)if_nametoindex(o.dev)) {
			err("attach %s: %s/%s holds the datapath of another device (ifindex %d, renamed?); detach %s first",
			    o.dev, g.pin_root, o.dev, linked, o.dev);
			return EXIT_RUNTIME;
		}
		if (linked && !rollback_expired(o.dev)) {
			ret = attach_again(o.dev, config_path ? &conf : NULL,
					   config_path, rollback, foreground,
					   o.xdp_mode);
			conf_free(&conf);
			return ret;
		}
		/*
		 * Leftovers: a device that went away, or an attach whose
		 * rollback expired while no daemon was there to detach it.
		 * Cleared, then attached afresh.
		 */
		notice("%s: clearing stale datapath state", o.dev);
		daemon_stop(o.dev);
		dp_detach(o.dev);
	}

	o.cfg.flags = conf_dp_flags(&conf);
	conf_free(&conf);	/* the daemon reads its keys itself */
	/* No drop events until a monitor asks for them: they cost ~20 ns each. */
	o.cfg.monitor_rate = 0;
	if (rollback)
		o.cfg.rollback_deadline_ns = rollback_deadline(rollback);
	if (dp_attach(&o))
		return EXIT_RUNTIME;
	if (rollback) {
		rollback_restart(o.dev, rollback);
		notice("%s: detaches by itself in %lus unless 'tunctl confirm %s' runs",
		       o.dev, rollback, o.dev);
	}
	if (foreground) {
		dev_unlock();
		if (!daemon_run(o.dev, config_path, -1))
			return EXIT_OK;
		dp_detach(o.dev);
		err("attach %s: daemon failed; nothing changed", o.dev);
		return EXIT_RUNTIME;
	}
	if (daemon_spawn(o.dev, config_path)) {
		dp_detach(o.dev);
		err("attach %s: daemon failed to start; nothing changed", o.dev);
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

/* Parse "CMD DEV" with no options but -j. */
static int one_dev_arg(const char *cmd, int argc, char **argv,
		       const char **dev)
{
	static const struct option opts[] = { {} };
	int c;

	while ((c = getopt_long(argc, argv, ":j", opts, NULL)) != -1)
		if (c != 'j')
			return opt_error(cmd, c, argv);
	if (argc - optind != 1)
		return usage_error(cmd, "expects one device");
	*dev = argv[optind];
	return preflight(cmd, *dev);
}

int cmd_detach(int argc, char **argv)
{
	const char *dev;
	int ret;

	ret = one_dev_arg("detach", argc, argv, &dev);
	if (ret)
		return ret;
	if (!dev_attached(dev)) {
		err("detach %s: not attached", dev);
		return EXIT_RUNTIME;
	}
	if (lock_dev("detach", dev))
		return EXIT_RUNTIME;
	daemon_stop(dev);
	node_forget_kernel_state(dev);
	forget_config(dev);
	ret = dp_detach(dev);
	if (ret) {
		err("detach %s: %s", dev, strerror(-ret));
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

int cmd_confirm(int argc, char **argv)
{
	struct tunctl_config cfg;
	const char *dev;
	int ret;

	ret = one_dev_arg("confirm", argc, argv, &dev);
	if (ret)
		return ret;
	/* Under the lock the daemon's rollback takes: one of us wins. */
	if (dev_attached(dev) && lock_dev("confirm", dev))
		return EXIT_RUNTIME;
	if (!dev_attached(dev) || dp_config_read(dev, &cfg)) {
		err("confirm %s: not attached", dev);
		return EXIT_RUNTIME;
	}
	if (!cfg.rollback_deadline_ns) {
		notice("%s: no rollback pending", dev);
		return EXIT_OK;
	}
	if (mono_ns() >= cfg.rollback_deadline_ns) {
		err("confirm %s: too late: the rollback deadline has passed",
		    dev);
		return EXIT_RUNTIME;
	}
	cfg.rollback_deadline_ns = 0;
	ret = dp_config_write(dev, &cfg);
	if (ret) {
		err("confirm %s: %s", dev, strerror(-ret));
		return EXIT_RUNTIME;
	}
	daemon_kick(dev);
	notice("%s: attach confirmed; rollback cancelled", dev);
	return EXIT_OK;
}

/*
 * tunctl reload DEV [--config FILE]: check the config whole, then apply
 * its "local" section to the datapath and its tunnels to the daemon,
 * which keeps the sessions of tunnels that did not change.
 */
int cmd_reload(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{}
	};
	char remembered[4096], real[4096];
	const char *config_path = NULL, *dev;
	struct tunctl_config cfg;
	struct tunctl_conf conf;
	struct conf_diag diag;
	char line[4200];
	json_t *ans;
	int c, ret;

	while ((c = getopt_long(argc, argv, ":c:j", opts, NULL)) != -1) {
		if (c == 'c')
			config_path = optarg;
		else if (c != 'j')
			return opt_error("reload", c, argv);
	}
	if (argc - optind != 1)
		return usage_error("reload", "expects one device");
	dev = argv[optind];
	ret = preflight("reload", dev);
	if (ret)
		return ret;
	if (!dev_attached(dev)) {
		err("reload %s: not attached", dev);
		return EXIT_RUNTIME;
	}
	if (!config_path) {
		if (daemon_config_path(dev, remembered, sizeof(remembered))) {
			err("reload %s: no config to reload (give --config FILE)", dev);
			return EXIT_USAGE;
		}
		config_path = remembered;
	}
	ret = conf_load_file(config_path, &conf, &diag);
	if (ret) {
		conf_diag_print(&diag);
		conf_diag_free(&diag);
		err("reload %s: config %s rejected; nothing changed", dev,
		    config_path);
		return EXIT_USAGE;
	}
	if (!realpath(config_path, real)) {
		conf_free(&conf);
		err("reload %s: %s: %s", dev, config_path, strerror(errno));
		return EXIT_USAGE;
	}
	if (lock_dev("reload", dev)) {
		conf_free(&conf);
		return EXIT_RUNTIME;
	}
	snprintf(line, sizeof(line), "reload %s", real);
	ans = daemon_pid(dev) ? ctlsock_request(dev, line) : NULL;
	if (!ans || !json_is_true(json_object_get(ans, "ok"))) {
		err("reload %s: %s; nothing changed", dev,
		    ans ? json_string_value(json_object_get(ans, "error")) :
			  "the daemon did not answer");
		json_decref(ans);
		conf_free(&conf);
		return EXIT_RUNTIME;
	}
	if (!dp_config_read(dev, &cfg)) {
		cfg.flags = conf_dp_flags(&conf);
		dp_config_write(dev, &cfg);
	}
	daemon_remember_config(dev, real);
	notice("%s: reloaded: %s", dev,
	       json_string_value(json_object_get(ans, "summary")));
	json_decref(ans);
	conf_free(&conf);
	return EXIT_OK;
}
