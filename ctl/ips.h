/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The IPS: signatures in a subset of Suricata's rule language (README,
 * "IPS rules"), matched on decrypted tunnel traffic. Contents go into one
 * Aho-Corasick automaton per buffer, so a packet costs one pass over each
 * buffer whatever the number of rules; only rules whose fast pattern was
 * seen are then verified in full.
 *
 * A rule set is built whole or not at all: ips_load refuses a file with
 * any error and says where. The daemon swaps sets by pointer.
 */
#ifndef TUNCTL_IPS_H
#define TUNCTL_IPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "l7.h"

enum ips_action {
	IPS_ALERT = 0,
	IPS_DROP,
	IPS_PASS,
};

struct ips_ruleset;

/* What one inspection sees: an inner IPv4 packet, or one L7 message of it. */
struct ips_input {
	uint8_t proto;			/* IPPROTO_TCP, UDP, ICMP */
	uint32_t saddr, daddr;		/* network order */
	uint16_t sport, dport;		/* host order; 0 for ICMP */
	enum l7_dir dir;		/* to server: from the tunnel's client side */
	enum l7_proto app;		/* the tunnel's L7 protocol, or L7_NONE */
	const uint8_t *payload;		/* L4 payload of this packet */
	size_t payload_len;
	/*
	 * NULL: judge the packet-level rules (no sticky buffer, no app
	 * protocol). Else judge the rules on this message's buffers.
	 */
	const struct l7_msg *msg;
};

struct ips_hit {
	uint32_t sid, rev;
	enum ips_action action;
	const char *msg;		/* the rule's msg; lives with the set */
};

/*
 * Load a rule file (or text). On error: NULL, and err holds
 * "FILE:LINE: reason" for the first error; nothing is kept.
 */
struct ips_ruleset *ips_load_file(const char *path, char *err, size_t errlen);
struct ips_ruleset *ips_load_text(const char *name, const char *text,
				  size_t len, char *err, size_t errlen);
void ips_free(struct ips_ruleset *rs);
size_t ips_rule_count(const struct ips_ruleset *rs);

/*
 * Match one input. Suricata's action order: a matching pass rule ends
 * the inspection (IPS_PASS, no hits); else every matching drop and alert
 * rule is a hit (up to max, in file order), and the verdict is IPS_DROP
 * if any hit drops, else IPS_ALERT. With no match: IPS_PASS and *n = 0.
 */
enum ips_action ips_match(const struct ips_ruleset *rs,
			  const struct ips_input *in, struct ips_hit *hits,
			  size_t max, size_t *n);

#endif
