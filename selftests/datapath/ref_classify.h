/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A naive reference for the datapath classifier: plain byte offsets, no
 * cursor, no verifier to please. The mutation test runs random frames
 * through both and demands the same reason. Keep it obvious, not clever.
 */
#ifndef TUNCTL_REF_CLASSIFY_H
#define TUNCTL_REF_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>

#include "maps.h"

static inline unsigned int be16_at(const __u8 *b, size_t off)
{
	return b[off] << 8 | b[off + 1];
}

static inline size_t ref_l4_min(unsigned int proto)
{
	return proto == 6 ? 20 : (proto == 17 || proto == 1 || proto == 58) ? 8 : 0;
}

static inline bool ref_dhcp(const __u8 *b, size_t off, unsigned int dir,
			    unsigned int client, unsigned int server)
{
	unsigned int sp = be16_at(b, off), dp = be16_at(b, off + 2);

	return dir == TUNCTL_DIR_EGRESS ? sp == client && dp == server
					: sp == server && dp == client;
}

static inline bool ref_dhcp6_on_link(const __u8 *b, unsigned int dir)
{
	static const __u8 all_dhcp[16] = { 0xff, 0x02, [13] = 1, [15] = 2 };
	const __u8 *peer = b + (dir == TUNCTL_DIR_EGRESS ? 38 : 22);

	if (peer[0] == 0xfe && (peer[1] & 0xc0) == 0x80)
		return true;
	return dir == TUNCTL_DIR_EGRESS && !memcmp(peer, all_dhcp, 16);
}

static inline unsigned int ref_classify(const __u8 *b, size_t len,
					unsigned int dir, unsigned int flags)
{
	unsigned int et, ihl, tot, proto, plen, nh, i;
	size_t off, need;
	long left;

	if (len < 14)
		return TUNCTL_R_DROP_TRUNC_ETH;
	et = be16_at(b, 12);
	if (et == 0x8100 || et == 0x88a8)
		return TUNCTL_R_DROP_VLAN;
	if (et == 0x0806) {
		if (len < 14 + 28)
			return TUNCTL_R_DROP_TRUNC_ARP;
		if (be16_at(b, 14) != 1 || be16_at(b, 16) != 0x0800 ||
		    b[18] != 6 || b[19] != 4 ||
		    (be16_at(b, 20) != 1 && be16_at(b, 20) != 2))
			return TUNCTL_R_DROP_BAD_ARP;
		return flags & TUNCTL_CFG_ALLOW_ARP ? TUNCTL_R_PASS_ARP
						    : TUNCTL_R_DROP_ARP_OFF;
	}
	if (et == 0x0800) {
		if (len < 14 + 20)
			return TUNCTL_R_DROP_TRUNC_IP4;
		if (b[14] >> 4 != 4)
			return TUNCTL_R_DROP_BAD_IP4;
		ihl = (b[14] & 0xf) * 4;
		tot = be16_at(b, 16);
		if (ihl < 20 || tot < ihl)
			return TUNCTL_R_DROP_BAD_IP4;
		if (14 + tot > len)
			return TUNCTL_R_DROP_TRUNC_IP4;
		if (be16_at(b, 20) & 0x3fff)
			return TUNCTL_R_DROP_FRAGMENT;
		proto = b[23];
		off = 14 + ihl;
		need = ref_l4_min(proto);
		if (need && (need > tot - ihl || off + need > len))
			return TUNCTL_R_DROP_TRUNC_L4;
		if (proto == 17 && ref_dhcp(b, off, dir, 68, 67))
			return flags & TUNCTL_CFG_ALLOW_DHCP ?
			       TUNCTL_R_PASS_DHCP4 : TUNCTL_R_DROP_DHCP_OFF;
		return TUNCTL_R_DROP_NO_TUNNEL;
	}
	if (et != 0x86dd)
		return TUNCTL_R_DROP_ETHERTYPE;

	if (len < 14 + 40)
		return TUNCTL_R_DROP_TRUNC_IP6;
	if (b[14] >> 4 != 6)
		return TUNCTL_R_DROP_BAD_IP6;
	plen = be16_at(b, 18);
	if (!plen)
		return TUNCTL_R_DROP_BAD_IP6;
	if (54 + plen > len)
		return TUNCTL_R_DROP_TRUNC_IP6;
	nh = b[20];
	off = 54;
	for (i = 0; i < 8; i++) {
		size_t hlen;

		if (nh == 0 && i != 0)
			return TUNCTL_R_DROP_BAD_IP6;
		if (nh == 44)
			return TUNCTL_R_DROP_FRAGMENT;
		if (nh != 0 && nh != 43 && nh != 60 && nh != 51)
			break;
		if (off + 8 > len)
			return TUNCTL_R_DROP_TRUNC_EXTHDR;
		if (nh == 51) {
			hlen = ((size_t)b[off + 1] + 2) * 4;
			if (hlen < 8)
				return TUNCTL_R_DROP_BAD_IP6;
		} else {
			hlen = ((size_t)b[off + 1] + 1) * 8;
		}
		if (off + hlen > len)
			return TUNCTL_R_DROP_TRUNC_EXTHDR;
		nh = b[off];
		off += hlen;
	}
	if (nh == 44)
		return TUNCTL_R_DROP_FRAGMENT;
	if (nh == 0 || nh == 43 || nh == 60 || nh == 51)
		return TUNCTL_R_DROP_EXTHDR_CHAIN;
	left = (long)plen - (long)(off - 54);
	if (left < 0)
		return TUNCTL_R_DROP_TRUNC_EXTHDR;
	need = ref_l4_min(nh);
	if (!need)
		return TUNCTL_R_DROP_NO_TUNNEL;
	if ((long)need > left || off + need > len)
		return TUNCTL_R_DROP_TRUNC_L4;
	if (nh == 58 && b[off] >= 133 && b[off] <= 137 && b[off + 1] == 0) {
		if (b[21] != 255)
			return TUNCTL_R_DROP_NDP_HOPLIMIT;
		return flags & TUNCTL_CFG_ALLOW_NDP ? TUNCTL_R_PASS_NDP
						    : TUNCTL_R_DROP_NDP_OFF;
	}
	if (nh == 17 && ref_dhcp(b, off, dir, 546, 547) &&
	    ref_dhcp6_on_link(b, dir))
		return flags & TUNCTL_CFG_ALLOW_DHCP ? TUNCTL_R_PASS_DHCP6
						     : TUNCTL_R_DROP_DHCP_OFF;
	return TUNCTL_R_DROP_NO_TUNNEL;
}

#endif /* TUNCTL_REF_CLASSIFY_H */
