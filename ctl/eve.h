/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The UTM's event log: JSON lines in the style of Suricata's EVE, one
 * object per IPS alert or drop and per L7 policy violation. Each line is
 * written with one write() on an O_APPEND descriptor, so a reader never
 * sees half a line; past max_bytes the file is rotated (FILE -> FILE.1 ->
 * ... FILE.keep, the oldest removed) and a new one opened.
 */
#ifndef TUNCTL_EVE_H
#define TUNCTL_EVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct eve_log {
	char path[256];
	int fd;			/* -1: closed */
	uint64_t size;		/* bytes in the current file */
	uint64_t max_bytes;	/* rotate past this; 0: never */
	unsigned int keep;	/* rotated files kept */
	uint64_t write_errors;
};

/* One event. Strings may be NULL where the field does not apply. */
struct eve_event {
	const char *event_type;	/* "alert" (IPS) or "drop" (L7 policy) */
	uint32_t tunnel_id;
	uint8_t proto;		/* IPPROTO_* */
	uint32_t saddr, daddr;	/* network order */
	uint16_t sport, dport;	/* host order */
	const char *app_proto;	/* "http", .. or NULL */
	const char *action;	/* "allowed" or "blocked" */
	/* alert: the rule */
	uint32_t sid, rev;
	const char *msg;
	/* drop: the L7 reason, and how the session ended ("reset", "drop") */
	const char *reason;
	const char *l7_action;
};

int eve_open(struct eve_log *log, const char *path, uint64_t max_bytes,
	     unsigned int keep);
/* Append one line (time stamped now, CLOCK_REALTIME). */
void eve_write(struct eve_log *log, const struct eve_event *ev);
/* Reopen after an outside rotation (SIGHUP, logrotate's "create"). */
int eve_reopen(struct eve_log *log);
void eve_close(struct eve_log *log);

#endif
