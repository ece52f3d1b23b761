/* SPDX-License-Identifier: GPL-2.0-only */
/* The datapath test harness, shared by the test files of this binary. */
#ifndef TUNCTL_DP_HARNESS_H
#define TUNCTL_DP_HARNESS_H

#include <check.h>
#include <linux/types.h>

#include "maps.h"
#include "pkt_build.h"

struct datapath_bpf;
extern struct datapath_bpf *skel;
extern int ncpus;

enum verdict { PASS, DROP };

const char *dir_name(unsigned int dir);
const char *reason_name(unsigned int reason);
/* Load the skeleton once per case group, pinning nothing. */
void datapath_setup(void);
void datapath_teardown(void);
void require_skel(void);
void zero_percpu(struct bpf_map *map, size_t value_size);
void read_counters(struct tunctl_counter sum[TUNCTL_COUNTERS_MAX]);
/* The reason of the one packet counted since the last zeroing. */
unsigned int counted_reason(void);
int run_prog(enum tunctl_dir dir, const struct pkt *p, __u32 *retval);
int want_retval(enum tunctl_dir dir, enum verdict v);
void pin_to_this_cpu(void);

Suite *tunnel_suite(void);
Suite *flow_suite(void);
Suite *relay_suite(void);

#endif
