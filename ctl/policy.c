// SPDX-License-Identifier: GPL-2.0-only
/* The inner-packet policy of a regular tunnel. */
#include <netinet/in.h>
#include <string.h>

#include "policy.h"

#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO 8

enum inner_verdict inner_parse(const uint8_t *pkt, size_t len,
			       struct inner_pkt *out)
{
	size_t ihl, tot;

	if (len < 20 || pkt[0] >> 4 != 4)
		return INNER_MALFORMED;
	ihl = (pkt[0] & 0xf) * 4;
	tot = (size_t)pkt[2] << 8 | pkt[3];
	if (ihl < 20 || tot < ihl || tot > len)
		return INNER_MALFORMED;
	/* Fragments cannot be judged by ports: none cross a tunnel. */
	if (((pkt[6] << 8 | pkt[7]) & 0x3fff))
		return INNER_MALFORMED;
	memset(out, 0, sizeof(*out));
	memcpy(&out->saddr, pkt + 12, 4);
	memcpy(&out->daddr, pkt + 16, 4);
	out->proto = pkt[9];
	switch (out->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		if (tot < ihl + (out->proto == IPPROTO_TCP ? 20 : 8))
			return INNER_MALFORMED;
		out->sport = pkt[ihl] << 8 | pkt[ihl + 1];
		out->dport = pkt[ihl + 2] << 8 | pkt[ihl + 3];
		break;
	case IPPROTO_ICMP:
		if (tot < ihl + 8)
			return INNER_MALFORMED;
		out->sport = pkt[ihl];
		break;
	default:
		break;
	}
	return INNER_OK;
}

uint16_t policy_out_port(bool server, const struct inner_pkt *p)
{
	if (p->proto == IPPROTO_ICMP)
		return 0;
	return server ? p->sport : p->dport;
}

enum inner_verdict policy_check(const struct tunnel_rule *r,
				const struct inner_pkt *p, bool outbound)
{
	/* Requests go client -> server; replies come back. */
	bool request = outbound != r->server;
	uint32_t src = outbound ? r->own_addr : r->peer_addr;
	uint32_t dst = outbound ? r->peer_addr : r->own_addr;

	if (p->saddr != src || p->daddr != dst || p->proto != r->proto)
		return INNER_NOT_ALLOWED;
	if (p->proto == IPPROTO_ICMP)
		return p->sport == (request ? ICMP_ECHO : ICMP_ECHO_REPLY) ?
		       INNER_OK : INNER_NOT_ALLOWED;
	if ((request ? p->dport : p->sport) != r->port)
		return INNER_NOT_ALLOWED;
	return INNER_OK;
}
