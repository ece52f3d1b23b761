// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the /proc/net parser of tunctl audit: any text, read
 * as each of the four files, gives a clean list (never a crash), and each
 * listener found classifies against a node without fault.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "audit.h"

static const struct audit_tunnel tunnels[] = {
	{ 1, "regular", true, IPPROTO_TCP, 22, true },
	{ 2, "regular", true, IPPROTO_UDP, 5353, false },
	{ 3, "external", true, IPPROTO_TCP, 80, true },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	static const int families[] = { AF_INET, AF_INET6 };
	struct audit_node nd = {
		.has_overlay = true, .overlay.s_addr = htonl(0x64400002),
		.listen_port = 51820, .daemon_pid = 1,
		.tunnels = tunnels, .n_tunnels = 3,
	};
	char *text = strndup((const char *)data, size);
	size_t p, f, i;

	if (!text)
		return 0;
	for (p = 0; p < 2; p++)
		for (f = 0; f < 2; f++) {
			struct audit_list l = {};
			int n = audit_parse_proc_net(text, protos[p], families[f], &l);

			if (n < 0 || (size_t)n != l.n)
				__builtin_trap();
			for (i = 0; i < l.n; i++) {
				struct audit_match m;
				char a[INET6_ADDRSTRLEN];

				audit_classify(&nd, 1, &l.v[i], &m);
				audit_note(&m);
				audit_addr_str(&l.v[i], a, sizeof(a));
			}
			audit_list_free(&l);
		}
	free(text);
	return 0;
}
