// SPDX-License-Identifier: GPL-2.0-only
/*
 * tunctl status: attached devices, how they are attached and the per-reason
 * counters. State is gathered into one JSON tree; -j prints it as is and
 * the text view is rendered from the same tree, so the two cannot drift.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "cmds.h"
#include "config.h"
#include "ctlsock.h"
#include "daemon.h"
#include "relay.h"
#include "datapath.h"
#include "pins.h"
#include "util.h"

static json_t *counters_json(const struct tunctl_counter *ctr, int dir)
{
	json_t *pass = json_object(), *drop = json_object(), *out;
	int r;

	for (r = 1; r < TUNCTL_R_MAX; r++) {
		const struct tunctl_counter *c = &ctr[dir * TUNCTL_R_MAX + r];

		if (!tunctl_reason_names[r])
			continue;
		json_object_set_new(tunctl_reason_is_drop(r) ? drop : pass,
				    tunctl_reason_names[r],
				    json_pack("{sIsI}", "packets",
					      (json_int_t)c->packets, "bytes",
					      (json_int_t)c->bytes));
	}
	out = json_pack("{soso}", "pass", pass, "drop", drop);
	return out;
}

static json_t *device_json(const char *dev)
{
	struct tunctl_counter ctr[TUNCTL_COUNTERS_MAX];
	struct tunctl_config cfg = {};
	struct tunctl_state st = {};
	json_t *d, *counters;
	pid_t pid;

	if (dp_state_read(dev, &st) || dp_config_read(dev, &cfg) ||
	    dp_counters_read(dev, ctr))
		return json_pack("{ssss}", "device", dev, "error",
				 "pinned maps unreadable");
	pid = daemon_pid(dev);
	counters = json_pack("{soso}", "ingress",
			     counters_json(ctr, TUNCTL_DIR_INGRESS), "egress",
			     counters_json(ctr, TUNCTL_DIR_EGRESS));
	d = json_pack("{sssisbsssss{sbsbsb}so}", "device", dev,
		      "ifindex", (int)st.ifindex,
		      "attached", dp_link_alive(dev),
		      "xdp_mode", dp_xdp_mode_name(st.xdp_mode),
		      "egress_hook", dp_egress_hook_name(st.egress_hook),
		      "local",
		      "arp", !!(cfg.flags & TUNCTL_CFG_ALLOW_ARP),
		      "ndp", !!(cfg.flags & TUNCTL_CFG_ALLOW_NDP),
		      "dhcp", !!(cfg.flags & TUNCTL_CFG_ALLOW_DHCP),
		      "counters", counters);
	json_object_set_new(d, "daemon_pid", pid ? json_integer(pid) :
						  json_null());
	json_object_set_new(d, "attached_at", json_integer(st.attached_at));
	json_object_set_new(d, "relay", relay_json(dev));
	/* Packets from the overlay that no tunnel would carry: the daemon's. */
	json_object_set_new(d, "overlay_no_tunnel", json_null());
	if (pid) {
		json_t *ans = ctlsock_request(dev, "stats");
		json_t *v = json_object_get(ans, "overlay_no_tunnel");

		if (json_is_integer(v))
			json_object_set(d, "overlay_no_tunnel", v);
		json_decref(ans);
	}
	if (cfg.rollback_deadline_ns) {
		uint64_t now = mono_ns();
		int64_t left = cfg.rollback_deadline_ns > now ?
			(int64_t)((cfg.rollback_deadline_ns - now) / 1000000000ULL) : 0;

		json_object_set_new(d, "rollback_in_s", json_integer(left));
	} else {
		json_object_set_new(d, "rollback_in_s", json_null());
	}
	return d;
}

static int collect(const char *dev, void *arg)
{
	json_array_append_new(arg, device_json(dev));
	return 0;
}

static void print_counters(json_t *dir_obj, const char *dir)
{
	static const char *const kinds[] = { "pass", "drop" };
	size_t k;

	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		json_t *by_reason = json_object_get(dir_obj, kinds[k]), *c;
		const char *reason;

		json_object_foreach(by_reason, reason, c) {
			json_int_t pk = json_integer_value(json_object_get(c, "packets"));

			if (!pk)
				continue;
			printf("  %-8s %-5s %-22s %12" JSON_INTEGER_FORMAT " pkts %14" JSON_INTEGER_FORMAT " bytes\n",
			       dir, kinds[k], reason, pk,
			       json_integer_value(json_object_get(c, "bytes")));
		}
	}
}

static void print_text(json_t *devs)
{
	size_t i;
	json_t *d;

	if (!json_array_size(devs)) {
		printf("no devices attached\n");
		return;
	}
	json_array_foreach(devs, i, d) {
		json_t *local = json_object_get(d, "local");
		json_t *ctr = json_object_get(d, "counters");
		json_t *pid = json_object_get(d, "daemon_pid");
		json_t *rb = json_object_get(d, "rollback_in_s");
		const char *mode;

		if (json_object_get(d, "error")) {
			printf("%s: %s\n", json_string_value(json_object_get(d, "device")),
			       json_string_value(json_object_get(d, "error")));
			continue;
		}
		mode = json_string_value(json_object_get(d, "xdp_mode"));
		printf("%s: %s, %s %s, egress %s, daemon %s",
		       json_string_value(json_object_get(d, "device")),
		       json_is_true(json_object_get(d, "attached")) ?
			       "attached" : "STALE (device gone?)",
		       mode && !strcmp(mode, "tc") ? "ingress" : "xdp", mode,
		       json_string_value(json_object_get(d, "egress_hook")),
		       json_is_integer(pid) ? "running" : "not running");
		if (json_is_integer(pid))
			printf(" (pid %" JSON_INTEGER_FORMAT ")",
			       json_integer_value(pid));
		printf("\n  local: arp %s, ndp %s, dhcp %s\n",
		       json_is_true(json_object_get(local, "arp")) ? "on" : "off",
		       json_is_true(json_object_get(local, "ndp")) ? "on" : "off",
		       json_is_true(json_object_get(local, "dhcp")) ? "on" : "off");
		if (json_is_integer(rb))
			printf("  rollback in %" JSON_INTEGER_FORMAT "s unless confirmed\n",
			       json_integer_value(rb));
		if (json_integer_value(json_object_get(d, "overlay_no_tunnel")))
			printf("  overlay: %" JSON_INTEGER_FORMAT " packets of no tunnel dropped\n",
			       json_integer_value(json_object_get(d, "overlay_no_tunnel")));
		{
			json_t *r;
			size_t k;

			json_array_foreach(json_object_get(d, "relay"), k, r)
				printf("  relay tunnel %" JSON_INTEGER_FORMAT ": %s -> %s  %" JSON_INTEGER_FORMAT " pkts %" JSON_INTEGER_FORMAT " bytes\n",
				       json_integer_value(json_object_get(r, "tunnel")),
				       json_string_value(json_object_get(r, "from")),
				       json_string_value(json_object_get(r, "to")),
				       json_integer_value(json_object_get(r, "packets")),
				       json_integer_value(json_object_get(r, "bytes")));
		}
		print_counters(json_object_get(ctr, "ingress"), "ingress");
		print_counters(json_object_get(ctr, "egress"), "egress");
	}
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = { {} };
	const char *dev = NULL;
	json_t *devs;
	int c;

	while ((c = getopt_long(argc, argv, ":j", opts, NULL)) != -1) {
		if (c != 'j')
			return opt_error("status", c, argv);
		g.json = true;
	}
	if (argc - optind > 1)
		return usage_error("status", "expects at most one device");
	if (argc - optind == 1) {
		dev = argv[optind];
		if (!dev_attached(dev)) {
			err("status %s: not attached", dev);
			return EXIT_RUNTIME;
		}
	}
	devs = json_array();
	if (dev)
		collect(dev, devs);
	else
		for_each_attached(collect, devs);
	return print_result("devices", devs, print_text);
}
