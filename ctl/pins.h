/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where a device's pinned maps and links live: PIN_ROOT/DEV/NAME on bpffs,
 * and its daemon's files: RUN_DIR/DEV.{pid,log}.
 */
#ifndef TUNCTL_PINS_H
#define TUNCTL_PINS_H

#include <stdbool.h>
#include <stddef.h>

#define PIN_LINK_INGRESS "link_ingress"
#define PIN_LINK_EGRESS "link_egress"
/* The overlay program, pinned by attach for the daemon to put on its TUN. */
#define PIN_PROG_OVERLAY "prog_overlay_in"
#define MAX_ATTACHED 64

/* An interface name we can put in a path: 1..15 chars, no '/', not "..". */
bool dev_name_valid(const char *dev);
int pin_dir(const char *dev, char *buf, size_t sz);
int pin_path(const char *dev, const char *name, char *buf, size_t sz);
int run_path(const char *dev, const char *suffix, char *buf, size_t sz);
/*
 * Make sure the pin root is on bpffs, mounting bpffs at /sys/fs/bpf when
 * that is where it belongs and nothing is mounted there yet.
 */
int bpffs_ensure(void);
/* Does DEV have a datapath pinned under the pin root? */
bool dev_attached(const char *dev);
/* bpf_obj_get() of PIN_ROOT/DEV/NAME; -errno on failure. */
int pin_open(const char *dev, const char *name);
/*
 * Serialise the commands that change DEV (attach, detach, confirm, the
 * daemon's rollback): an exclusive flock on RUN_DIR/DEV.lock, waited for
 * up to wait_ms. Returns 0 or -errno; dev_unlock() releases it (and must
 * run in a forked child, which would otherwise keep it held).
 */
int dev_lock(const char *dev, int wait_ms);
void dev_unlock(void);
/* Call fn for every attached device, in name order; stops on nonzero. */
int for_each_attached(int (*fn)(const char *dev, void *arg), void *arg);

#endif /* TUNCTL_PINS_H */
