// SPDX-License-Identifier: GPL-2.0-only
/* Route and rule requests over a NETLINK_ROUTE socket, one at a time. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/fib_rules.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "rtnl.h"

struct req {
	struct nlmsghdr nh;
	union {
		struct rtmsg rt;
		struct fib_rule_hdr frh;
		struct ndmsg nd;
	};
	char attrs[128];
};

static void put_attr(struct req *r, unsigned short type, const void *data,
		     unsigned short len)
{
	struct rtattr *a = (void *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static void put_u32(struct req *r, unsigned short type, uint32_t v)
{
	put_attr(r, type, &v, sizeof(v));
}

/* Send one request and wait for its acknowledgement: 0 or -errno. */
static int talk(struct req *r)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[4096];
	struct nlmsghdr *nh = (void *)buf;
	ssize_t n;
	int fd, ret;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	r->nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r->nh.nlmsg_seq = 1;
	if (sendto(fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		ret = -errno;
		goto out;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0) {
		ret = -errno;
		goto out;
	}
	ret = -EPROTO;
	if (NLMSG_OK(nh, (size_t)n) && nh->nlmsg_type == NLMSG_ERROR)
		ret = ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
out:
	close(fd);
	return ret;
}

int rtnl_route(bool add, uint32_t table, uint32_t dst, uint8_t len,
	       int ifindex)
{
	struct req r = {};

	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	r.nh.nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
	if (add)
		r.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	r.rt.rtm_family = AF_INET;
	r.rt.rtm_dst_len = len;
	r.rt.rtm_table = RT_TABLE_UNSPEC;
	r.rt.rtm_protocol = RTPROT_STATIC;
	r.rt.rtm_scope = ifindex ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	r.rt.rtm_type = ifindex ? RTN_UNICAST : RTN_THROW;
	put_u32(&r, RTA_TABLE, table);
	if (len)
		put_attr(&r, RTA_DST, &dst, 4);
	if (ifindex)
		put_u32(&r, RTA_OIF, ifindex);
	return talk(&r);
}

int rtnl_neigh_resolve(int ifindex, uint32_t addr)
{
	struct req r = {};

	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));
	r.nh.nlmsg_type = RTM_NEWNEIGH;
	/* Create if absent; never replace what is there (a static entry). */
	r.nh.nlmsg_flags = NLM_F_CREATE;
	r.nd.ndm_family = AF_INET;
	r.nd.ndm_ifindex = ifindex;
	r.nd.ndm_state = NUD_NONE;
	r.nd.ndm_flags = NTF_USE;
	put_attr(&r, NDA_DST, &addr, 4);
	return talk(&r);
}

int rtnl_rule_not_mark(bool add, uint32_t table, uint32_t prio,
		       uint32_t mark)
{
	struct req r = {};

	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct fib_rule_hdr));
	r.nh.nlmsg_type = add ? RTM_NEWRULE : RTM_DELRULE;
	if (add)
		r.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	r.frh.family = AF_INET;
	r.frh.action = FR_ACT_TO_TBL;
	r.frh.table = RT_TABLE_UNSPEC;
	r.frh.flags = FIB_RULE_INVERT;
	put_u32(&r, FRA_TABLE, table);
	put_u32(&r, FRA_PRIORITY, prio);
	put_u32(&r, FRA_FWMARK, mark);
	put_u32(&r, FRA_FWMASK, 0xffffffff);
	return talk(&r);
}
