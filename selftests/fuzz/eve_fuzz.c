// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the event log's string handling: rule messages,
 * reasons and protocol names are any bytes (from rule files and packets);
 * every event must still make one line that parses back as JSON with the
 * same number of fields, never a crash or a dropped line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "eve.h"

static char path[64];

static void remove_log(void)
{
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct eve_log log;
	struct eve_event ev = { .tunnel_id = 7 };
	char *s[3], *line = NULL;
	size_t cap = 0;
	size_t a = size / 3, b = 2 * size / 3;
	json_t *o;
	FILE *f;
	int i;

	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/eve-fuzz.%d", getpid());
		if (eve_open(&log, path, 1 << 20, 0))
			abort();
		atexit(remove_log);
	}
	s[0] = strndup((const char *)data, a);
	s[1] = strndup((const char *)data + a, b - a);
	s[2] = strndup((const char *)data + b, size - b);
	ev.event_type = size & 1 ? "alert" : "drop";
	ev.proto = size ? data[0] : 0;
	ev.msg = s[0];
	ev.reason = s[0];
	ev.app_proto = s[1];
	ev.action = s[2];
	ev.l7_action = s[2];
	/* One event per run, alone in the file: it must read back whole. */
	if (ftruncate(log.fd, 0))
		abort();
	log.size = 0;
	eve_write(&log, &ev);
	if (log.write_errors)
		__builtin_trap();
	f = fopen(path, "r");
	if (!f || getline(&line, &cap, f) <= 0 || !strchr(line, '\n'))
		__builtin_trap();
	fclose(f);
	o = json_loads(line, 0, NULL);
	free(line);
	if (!json_is_object(o) || !json_object_get(o, "timestamp") ||
	    !json_object_get(o, ev.event_type))
		__builtin_trap();
	json_decref(o);
	for (i = 0; i < 3; i++)
		free(s[i]);
	return 0;
}
