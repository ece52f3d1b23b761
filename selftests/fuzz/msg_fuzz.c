// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for everything that parses bytes from the network in
 * userspace: handshake initiations and responses, data messages and the
 * inner packets they carry. The first byte picks the parser; the input
 * must never crash, read out of bounds or be accepted when it is forged.
 */
#include <stdint.h>
#include <string.h>
#include <sodium.h>

#include "handshake.h"
#include "policy.h"
#include "session.h"

static struct hs_keys client, server;
static struct session sess;
static int ready;

static void setup(void)
{
	uint8_t a[KEY_LEN], b[KEY_LEN], ap[KEY_LEN], bp[KEY_LEN];
	struct tunctl_msg_init init;
	struct tunctl_msg_resp resp;
	struct noise_hs chs, shs;
	uint8_t ts[TUNCTL_TIMESTAMP_LEN] = { 0 };

	if (sodium_init() < 0)
		__builtin_trap();
	/* Fixed keys: runs are repeatable. */
	memset(a, 1, sizeof(a));
	memset(b, 2, sizeof(b));
	key_public(a, ap);
	key_public(b, bp);
	hs_keys_init(&client, 10, a, bp);
	hs_keys_init(&server, 10, b, ap);
	if (hs_create_init(&chs, &client, 1, &init) ||
	    hs_consume_init(&shs, &server, &init, ts) ||
	    hs_create_resp(&shs, &server, 2, 1, &resp) ||
	    session_init(&sess, &shs, false, 2, 1, 0))
		__builtin_trap();
	ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[70000];
	uint8_t ts[TUNCTL_TIMESTAMP_LEN] = { 0 };
	struct inner_pkt p;
	struct noise_hs hs;
	struct session s;
	uint8_t flags;

	if (!ready)
		setup();
	if (!size || size > sizeof(buf) - 64)
		return 0;
	memset(buf, 0, 256);
	memcpy(buf, data + 1, size - 1);
	switch (data[0] % 4) {
	case 0:	/* an initiation to the server: forged, so never accepted */
		if (!hs_consume_init(&hs, &server, (const void *)buf, ts))
			__builtin_trap();
		break;
	case 1:	/* a response to a fresh client handshake */
		{
			struct tunctl_msg_init init;

			if (hs_create_init(&hs, &client, 3, &init))
				__builtin_trap();
			if (!hs_consume_resp(&hs, &client, (const void *)buf))
				__builtin_trap();
			noise_hs_wipe(&hs);
		}
		break;
	case 2:	/* a data message to the session */
		s = sess;
		if (session_decrypt(&s, buf, size - 1, buf + 35000, &flags, 1) >= 0)
			__builtin_trap();
		break;
	default: /* an inner packet */
		if (inner_parse(buf, size - 1, &p) == INNER_OK) {
			static const uint32_t net[] = { 0x0001a8c0 };
			static const uint32_t mask[] = { 0x00ffffff };
			struct tunnel_rule r = { .proto = p.proto, .port = 80 };
			struct tunnel_rule inet = {
				.internet = true, .own_addr = p.saddr,
				.overlay_net = 0x00004064, .overlay_mask = 0x0000c0ff,
				.local_net = net, .local_mask = mask, .n_local = 1,
			};

			static struct frag_trail ft;
			bool pass;

			policy_check(&r, &p, true);
			policy_check(&r, &p, false);
			/*
			 * As the daemon judges: a later fragment by its first
			 * one's trail, everything else by the rule.
			 */
			if (p.frag == INNER_FRAG_LATER) {
				pass = frag_trail_find(&ft, &p, true, 1) == 3;
			} else {
				pass = policy_check(&inet, &p, true) == INNER_OK;
				if (pass && p.frag == INNER_FRAG_FIRST)
					frag_trail_note(&ft, &p, true, 3, 1);
			}
			/* Never to the overlay or a local network. */
			if (pass &&
			    ((p.daddr & 0x0000c0ff) == 0x00004064 ||
			     (p.daddr & 0x00ffffff) == 0x0001a8c0))
				__builtin_trap();
			inet.server = true;
			inet.peer_addr = p.saddr;
			policy_check(&inet, &p, false);
		}
		break;
	}
	return 0;
}
