/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The per-device daemon. The datapath does not need it to enforce (it is
 * pinned); the daemon carries out what needs time: the rollback of an
 * unconfirmed attach (and, later, the tunnels).
 */
#ifndef TUNCTL_DAEMON_H
#define TUNCTL_DAEMON_H

#include <stdbool.h>
#include <sys/types.h>

/* Fork a daemon for dev; returns once it is running (0) or failed. */
int daemon_spawn(const char *dev);
/* Run the daemon loop in this process until told to stop. */
int daemon_run(const char *dev);
/* The running daemon's pid for dev, or 0. */
pid_t daemon_pid(const char *dev);
/* Stop dev's daemon, if any, and wait for it to go. */
int daemon_stop(const char *dev);
/* Nudge the daemon to re-read its config map (after confirm). */
void daemon_kick(const char *dev);

#endif /* TUNCTL_DAEMON_H */
