// SPDX-License-Identifier: GPL-2.0-only
/*
 * tunctl ips reload DEV: the daemon loads its rule file again and swaps
 * the set whole between two packets; a file with an error is refused
 * with its line and reason, and the old set stays.
 * tunctl ips status [DEV] [-j]: the UTM's rules and counters.
 */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "cmds.h"
#include "ctlsock.h"
#include "daemon.h"
#include "pins.h"
#include "util.h"

static int ips_reload(const char *dev)
{
	json_t *ans;
	int ret = EXIT_OK;

	if (!dev_name_valid(dev))
		return usage_error("ips", "invalid interface name %s", dev);
	if (!dev_attached(dev) || !daemon_pid(dev)) {
		err("ips reload %s: not attached, or no daemon runs", dev);
		return EXIT_RUNTIME;
	}
	ans = ctlsock_request(dev, "ips-reload");
	if (!ans) {
		err("ips reload %s: the daemon did not answer", dev);
		return EXIT_RUNTIME;
	}
	if (json_is_true(json_object_get(ans, "ok"))) {
		notice("%s: ips rules reloaded: %s", dev,
		       json_string_value(json_object_get(ans, "summary")));
	} else {
		/* The rule file is config: its errors are the operator's. */
		err("ips reload %s: %s; the old rules stay", dev,
		    json_string_value(json_object_get(ans, "error")));
		ret = EXIT_USAGE;
	}
	json_decref(ans);
	return ret;
}

static int collect(const char *dev, void *arg)
{
	json_t *ans, *list = arg, *u;

	if (!daemon_pid(dev))
		return 0;
	ans = ctlsock_request(dev, "utm");
	u = json_object_get(ans, "utm");
	if (json_is_object(u)) {
		json_object_set_new(u, "device", json_string(dev));
		json_array_append(list, u);
	} else {
		err("ips status: %s: the daemon did not answer", dev);
	}
	json_decref(ans);
	return 0;
}

static void print_text(json_t *list)
{
	static const char *const counters[] = {
		"packets", "violations", "ips_alerts", "ips_drops",
		"out_of_order", "no_session", "table_full", "log_write_errors",
	};
	json_t *u;
	size_t i, c;

	if (!json_array_size(list))
		printf("no daemon runs\n");
	json_array_foreach(list, i, u) {
		const char *dev = json_string_value(json_object_get(u, "device"));

		if (!json_is_true(json_object_get(u, "enabled"))) {
			printf("%s: no L7 firewall or IPS configured\n", dev);
			continue;
		}
		printf("%s: %lld rules, log %s\n", dev,
		       (long long)json_integer_value(json_object_get(u, "rules")),
		       json_string_value(json_object_get(u, "log")));
		for (c = 0; c < sizeof(counters) / sizeof(counters[0]); c++)
			printf("  %-18s %lld\n", counters[c],
			       (long long)json_integer_value(
				       json_object_get(u, counters[c])));
	}
}

static int ips_status(const char *dev)
{
	json_t *list = json_array();

	if (dev)
		collect(dev, list);
	else
		for_each_attached(collect, list);
	return print_result("utm", list, print_text);
}

int cmd_ips(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "reload"))
		return ips_reload(argv[2]);
	if ((argc == 2 || argc == 3) && !strcmp(argv[1], "status"))
		return ips_status(argc == 3 ? argv[2] : NULL);
	return usage_error("ips", "expects reload DEV or status [DEV]");
}
