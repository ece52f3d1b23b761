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

#include <stddef.h>

/*
 * Fork a daemon for dev running config_path (may be NULL); returns once
 * it is up, tunnels included (0), or failed.
 */
int daemon_spawn(const char *dev, const char *config_path);
/*
 * Run the daemon in this process until told to stop; writes a byte to
 * ready_fd (if >= 0) once it is up.
 */
int daemon_run(const char *dev, const char *config_path, int ready_fd);
/* Remember (NULL: forget) the config dev's daemon runs. */
int daemon_remember_config(const char *dev, const char *config_path);
/* The config the running (or last) daemon of dev was started with. */
int daemon_config_path(const char *dev, char *out, size_t sz);
/* The running daemon's pid for dev, or 0. */
pid_t daemon_pid(const char *dev);
/* Stop dev's daemon, if any, and wait for it to go. */
int daemon_stop(const char *dev);
/* Nudge the daemon to re-read its config map (after confirm). */
void daemon_kick(const char *dev);

#endif /* TUNCTL_DAEMON_H */
