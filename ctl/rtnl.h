/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Just enough rtnetlink for the internet tunnel's client: routes in a
 * table of ours and the fwmark rule that sends everything but the tunnel
 * socket's own packets to that table. IPv4 only.
 */
#ifndef TUNCTL_RTNL_H
#define TUNCTL_RTNL_H

#include <stdbool.h>
#include <stdint.h>

/* The routing table and rule priority of the internet route ("tu"). */
#define TUNCTL_RT_TABLE 29813
#define TUNCTL_RT_PRIORITY 29813
#define TUNCTL_RT_MAIN 254	/* RT_TABLE_MAIN */

/*
 * Add (add=true) or delete a route to dst/len (network order) in table:
 * through ifindex, or a "throw" route (back to the next rule) when
 * ifindex is 0. 0 or -errno.
 */
int rtnl_route(bool add, uint32_t table, uint32_t dst, uint8_t len,
	       int ifindex);
/*
 * Have the kernel resolve addr's MAC on ifindex (a neighbour entry with
 * NTF_USE: an ARP request now, the entry kept as the kernel keeps any).
 */
int rtnl_neigh_resolve(int ifindex, uint32_t addr);
/* Add or delete "not fwmark MARK lookup TABLE" at priority prio. */
int rtnl_rule_not_mark(bool add, uint32_t table, uint32_t prio,
		       uint32_t mark);

#endif /* TUNCTL_RTNL_H */
