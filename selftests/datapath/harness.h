/* SPDX-License-Identifier: GPL-2.0-only */
/* The datapath test harness, shared by the test files of this binary. */
#ifndef TUNCTL_DP_HARNESS_H
#define TUNCTL_DP_HARNESS_H

#include <check.h>
#include <stdbool.h>
#include <linux/types.h>

#include "maps.h"
#include "pkt_build.h"

struct datapath_bpf;
extern struct datapath_bpf *skel;
extern int ncpus;
/*
 * Ingress through tunctl_ingress_tc (--xdp-mode tc) instead of XDP: set
 * by the fixtures of the "-tc" cases, which run the same tables.
 */
extern int ingress_tc;

enum verdict { PASS, DROP };

const char *dir_name(unsigned int dir);
const char *reason_name(unsigned int reason);
/* Load the skeleton once per case group, pinning nothing. */
void datapath_setup(void);
void datapath_teardown(void);
void datapath_setup_tc(void);
void datapath_teardown_tc(void);
void require_skel(void);
void zero_percpu(struct bpf_map *map, size_t value_size);
void read_counters(struct tunctl_counter sum[TUNCTL_COUNTERS_MAX]);
/* The reason of the one packet counted since the last zeroing. */
unsigned int counted_reason(void);
int run_prog(enum tunctl_dir dir, const struct pkt *p, __u32 *retval);
int want_retval(enum tunctl_dir dir, enum verdict v);
/* Can bpf_prog_test_run hand this frame to a tc program at all? */
bool tc_can_run(const struct pkt *p);
/* tc ingress with the skb's gso_size/gso_segs set: a coalesced batch. */
int run_tc_batch(const struct pkt_big *p, __u32 gso_size, __u32 gso_segs,
		 __u32 *retval);
void pin_to_this_cpu(void);

Suite *tunnel_suite(void);
Suite *flow_suite(void);
Suite *relay_suite(void);

#endif
