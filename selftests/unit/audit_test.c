// SPDX-License-Identifier: GPL-2.0-only
/*
 * The listener audit: /proc/net text as an x86 kernel prints it (v4, v6,
 * LISTEN against ESTABLISHED, bound against connected UDP, malformed and
 * truncated lines), owners from a fake /proc tree and from the real one,
 * and the table of which tunnel exposes which listener.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "audit.h"
#include "suites.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The kernel prints each 32-bit word of an address as a host-order
 * number: these texts are what a little-endian machine shows.
 */
static const char tcp4_text[] =
	"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	"   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 21401 1 0000000000000000 100 0 0 10 0\n"
	"   1: 0100007F:270F 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 21402 1 0000000000000000 100 0 0 10 0\n"
	"   2: 020012C6:0016 010012C6:D431 01 00000000:00000000 02:00097B6F 00000000     0        0 21403 4 0000000000000000 20 4 29 10 -1\n"
	"   3: 02004064:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 21404 1 0000000000000000 100 0 0 10 0\n"
	"   4: 020012C6:1F90 010012C6:A000 06 00000000:00000000 03:00001234 00000000     0        0 0 3 0000000000000000\n";

static const char tcp6_text[] =
	"  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	"   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 22001 1 0000000000000000 100 0 0 10 0\n"
	"   1: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 22002 1 0000000000000000 100 0 0 10 0\n"
	"   2: 0000000000000000FFFF000002004064:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 22003 1 0000000000000000 100 0 0 10 0\n"
	"   3: 000080FE00000000FF0000FE01000000:0016 000080FE00000000FF0000FE02000000:C350 01 00000000:00000000 00:00000000 00000000     0        0 22004 1 0000000000000000 20 4 30 10 -1\n";

static const char udp4_text[] =
	"   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
	"  123: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 31001 2 0000000000000000 0\n"
	"  124: 020012C6:CA6C 010012C6:0035 01 00000000:00000000 00:00000000 00000000     0        0 31002 2 0000000000000000 0\n"
	"  125: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 31003 2 0000000000000000 0\n"
	"  126: 020012C6:CA6D 010012C6:0035 07 00000000:00000000 00:00000000 00000000     0        0 31004 2 0000000000000000 0\n";

static const char udp6_text[] =
	"  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
	"  200: 00000000000000000000000000000000:14E9 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 32001 2 0000000000000000 0\n";

struct want_sock {
	const char *addr;
	uint16_t port;
	uint64_t inode;
};

static const struct {
	const char *name;
	const char *text;
	uint8_t proto;
	int family;
	struct want_sock want[4];
	size_t n;
} parse_cases[] = {
	{ "tcp4: LISTEN kept, ESTABLISHED and TIME_WAIT not", tcp4_text,
	  IPPROTO_TCP, AF_INET,
	  { { "0.0.0.0", 22, 21401 }, { "127.0.0.1", 9999, 21402 },
	    { "100.64.0.2", 8080, 21404 } }, 3 },
	{ "tcp6: wildcard, loopback, v4-mapped; not ESTABLISHED", tcp6_text,
	  IPPROTO_TCP, AF_INET6,
	  { { "::", 8080, 22001 }, { "::1", 631, 22002 },
	    { "::ffff:100.64.0.2", 443, 22003 } }, 3 },
	{ "udp4: bound kept, connected not (whatever its state)", udp4_text,
	  IPPROTO_UDP, AF_INET,
	  { { "0.0.0.0", 5353, 31001 }, { "127.0.0.53", 53, 31003 } }, 2 },
	{ "udp6: bound", udp6_text, IPPROTO_UDP, AF_INET6,
	  { { "::", 5353, 32001 } }, 1 },
	{ "empty", "", IPPROTO_TCP, AF_INET, {}, 0 },
	{ "header only", "  sl  local_address rem_address   st tx_queue\n",
	  IPPROTO_TCP, AF_INET, {}, 0 },
	{ "no newline at the end",
	  "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 7",
	  IPPROTO_TCP, AF_INET, { { "0.0.0.0", 22, 7 } }, 1 },
	{ "malformed lines skipped, good one kept",
	  "   0: ZZ000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1\n"
	  "   1: 000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2\n"
	  "   2: 00000000:00016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3\n"
	  "   3: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 x4\n"
	  "   4: 00000000:0016 00000000:0000 A 00000000:00000000 00:00000000 00000000     0        0 5\n"
	  "   5: 00000000:0016 00000000:0000 0A\n"
	  "   6 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6\n"
	  "   7: 00000000:0017 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 8\n",
	  IPPROTO_TCP, AF_INET, { { "0.0.0.0", 23, 8 } }, 1 },
	{ "a v4 line read as v6 is skipped", tcp4_text, IPPROTO_TCP, AF_INET6,
	  {}, 0 },
};

START_TEST(test_parse)
{
	struct audit_list l = {};
	size_t i, n = parse_cases[_i].n;
	int ret;

	ret = audit_parse_proc_net(parse_cases[_i].text, parse_cases[_i].proto,
				   parse_cases[_i].family, &l);
	ck_assert_msg(ret == (int)n && l.n == n, "%s: %d listeners, want %zu",
		      parse_cases[_i].name, ret, n);
	for (i = 0; i < n; i++) {
		const struct want_sock *w = &parse_cases[_i].want[i];
		char a[INET6_ADDRSTRLEN];

		audit_addr_str(&l.v[i], a, sizeof(a));
		ck_assert_msg(!strcmp(a, w->addr) && l.v[i].port == w->port &&
			      l.v[i].inode == w->inode,
			      "%s: #%zu is %s:%u inode %llu, want %s:%u inode %llu",
			      parse_cases[_i].name, i, a, l.v[i].port,
			      (unsigned long long)l.v[i].inode, w->addr, w->port,
			      (unsigned long long)w->inode);
		ck_assert_int_eq(l.v[i].proto, parse_cases[_i].proto);
		ck_assert_int_eq(l.v[i].family, parse_cases[_i].family);
		ck_assert_int_eq(l.v[i].pid, 0);
		ck_assert_str_eq(l.v[i].process, "?");
	}
	audit_list_free(&l);
}
END_TEST

/* Every prefix of every text: never more listeners than the whole has. */
START_TEST(test_prefixes)
{
	static const struct {
		const char *text;
		uint8_t proto;
		int family;
	} texts[] = {
		{ tcp4_text, IPPROTO_TCP, AF_INET },
		{ tcp6_text, IPPROTO_TCP, AF_INET6 },
		{ udp4_text, IPPROTO_UDP, AF_INET },
		{ udp6_text, IPPROTO_UDP, AF_INET6 },
	};
	const char *t = texts[_i].text;
	size_t len = strlen(t), p;
	struct audit_list l = {};
	int full, got;

	full = audit_parse_proc_net(t, texts[_i].proto, texts[_i].family, &l);
	audit_list_free(&l);
	ck_assert_int_gt(full, 0);
	for (p = 0; p <= len; p++) {
		char *cut = strndup(t, p);

		got = audit_parse_proc_net(cut, texts[_i].proto,
					   texts[_i].family, &l);
		ck_assert_msg(got >= 0 && got <= full, "prefix %zu: %d", p, got);
		ck_assert_int_eq((size_t)got, l.n);
		audit_list_free(&l);
		free(cut);
	}
}
END_TEST

/* A fake /proc: two processes with sockets, one without, a non-pid. */
START_TEST(test_owners_fake_proc)
{
	char root[] = "/tmp/audit-proc.XXXXXX", p[256], cmd[300];
	static const struct {
		const char *pid, *comm, *fd, *target;
	} links[] = {
		{ "100", "sshd\n", "3", "socket:[21401]" },
		{ "100", "sshd\n", "4", "/dev/null" },
		{ "200", "nc\n", "5", "socket:[31001]" },
		{ "200", "nc\n", "6", "pipe:[31002]" },
		{ "300", "idle\n", "0", "/dev/tty1" },
	};
	struct audit_list l = {};
	FILE *f;
	size_t i;

	ck_assert_ptr_nonnull(mkdtemp(root));
	for (i = 0; i < N_OF(links); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, links[i].pid);
		mkdir(p, 0700);
		snprintf(p, sizeof(p), "%s/%s/fd", root, links[i].pid);
		mkdir(p, 0700);
		snprintf(p, sizeof(p), "%s/%s/comm", root, links[i].pid);
		f = fopen(p, "w");
		fputs(links[i].comm, f);
		fclose(f);
		snprintf(p, sizeof(p), "%s/%s/fd/%s", root, links[i].pid, links[i].fd);
		ck_assert_int_eq(symlink(links[i].target, p), 0);
	}
	snprintf(p, sizeof(p), "%s/self", root);
	mkdir(p, 0700);
	ck_assert_int_eq(audit_parse_proc_net(tcp4_text, IPPROTO_TCP, AF_INET, &l), 3);
	ck_assert_int_eq(audit_parse_proc_net(udp4_text, IPPROTO_UDP, AF_INET, &l), 2);
	audit_find_owners(&l, root);
	for (i = 0; i < l.n; i++) {
		switch (l.v[i].inode) {
		case 21401:
			ck_assert_int_eq(l.v[i].pid, 100);
			ck_assert_str_eq(l.v[i].process, "sshd");
			break;
		case 31001:
			ck_assert_int_eq(l.v[i].pid, 200);
			ck_assert_str_eq(l.v[i].process, "nc");
			break;
		default:
			ck_assert_msg(l.v[i].pid == 0 && !strcmp(l.v[i].process, "?"),
				      "inode %llu: owner %d %s",
				      (unsigned long long)l.v[i].inode,
				      l.v[i].pid, l.v[i].process);
		}
	}
	audit_list_free(&l);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* The real /proc: our own listening sockets, found with us as owner. */
START_TEST(test_live)
{
	int types[2] = { SOCK_STREAM, SOCK_DGRAM }, k;

	for (k = 0; k < 2; k++) {
		struct sockaddr_in sin = { .sin_family = AF_INET,
			.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t sl = sizeof(sin);
		struct audit_list l = {};
		int fd = socket(AF_INET, types[k], 0);
		char comm[16] = "";
		size_t i, found = 0;
		FILE *f;

		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
		if (types[k] == SOCK_STREAM)
			ck_assert_int_eq(listen(fd, 1), 0);
		ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
		ck_assert_int_eq(audit_read_sockets(&l), 0);
		audit_find_owners(&l, "/proc");
		f = fopen("/proc/self/comm", "r");
		ck_assert_ptr_nonnull(fgets(comm, sizeof(comm), f));
		fclose(f);
		comm[strcspn(comm, "\n")] = '\0';
		for (i = 0; i < l.n; i++) {
			if (l.v[i].port != ntohs(sin.sin_port) ||
			    l.v[i].proto != (k ? IPPROTO_UDP : IPPROTO_TCP))
				continue;
			found++;
			ck_assert_int_eq(l.v[i].family, AF_INET);
			ck_assert_uint_eq(l.v[i].addr.v4.s_addr, htonl(INADDR_LOOPBACK));
			ck_assert_int_eq(l.v[i].pid, getpid());
			ck_assert_str_eq(l.v[i].process, comm);
		}
		ck_assert_msg(found == 1, "%s port %u: found %zu times",
			      k ? "udp" : "tcp", ntohs(sin.sin_port), found);
		audit_list_free(&l);
		close(fd);
	}
}
END_TEST

/* --- matching ------------------------------------------------------------- */

static const struct audit_tunnel tunnels[] = {
	{ 10, "regular", true, IPPROTO_TCP, 8080, true },
	{ 11, "regular", true, IPPROTO_UDP, 5353, true },
	{ 12, "regular", false, IPPROTO_TCP, 9090, true },
	{ 13, "external", true, IPPROTO_TCP, 3306, true },
	{ 14, "regular", true, IPPROTO_TCP, 8443, false },
	{ 15, "internet", true, 0, 0, true },
	{ 16, "regular", true, IPPROTO_TCP, 8080, true },
	{ 17, "regular", true, IPPROTO_ICMP, 0, true },
	{ 18, "internet", false, 0, 0, true },
};

enum { NODE, NO_NODES, NO_OVERLAY };

static const struct {
	const char *name;
	int nodes;
	uint8_t proto;
	const char *addr;
	uint16_t port;
	pid_t pid;
	const char *comm;
	enum audit_status want;
	uint32_t ids[2];
	bool off;		/* the first id is flagged disabled */
	const char *note;	/* a word the note must hold, or NULL for none */
} match_cases[] = {
	{ "tcp wildcard on a tunnel's port: both tunnels", NODE, IPPROTO_TCP,
	  "0.0.0.0", 8080, 1, "nc", AUDIT_TUNNEL, { 10, 16 }, false, NULL },
	{ "tcp on the overlay address", NODE, IPPROTO_TCP, "100.64.0.2", 8080,
	  1, "nc", AUDIT_TUNNEL, { 10, 16 }, false, NULL },
	{ "tcp on the underlay address: not reached", NODE, IPPROTO_TCP,
	  "198.18.0.2", 8080, 1, "nc", AUDIT_NONE, {}, false, "another" },
	{ "v6 wildcard", NODE, IPPROTO_TCP, "::", 8080, 1, "nc", AUDIT_TUNNEL,
	  { 10, 16 }, false, NULL },
	{ "v4-mapped overlay address", NODE, IPPROTO_TCP, "::ffff:100.64.0.2",
	  8080, 1, "nc", AUDIT_TUNNEL, { 10, 16 }, false, NULL },
	{ "v6 link-local", NODE, IPPROTO_TCP, "fe80::1", 8080, 1, "nc",
	  AUDIT_NONE, {}, false, "another" },
	{ "udp wildcard on the udp tunnel's port", NODE, IPPROTO_UDP,
	  "0.0.0.0", 5353, 1, "avahi", AUDIT_TUNNEL, { 11 }, false, NULL },
	{ "tcp on the udp tunnel's port", NODE, IPPROTO_TCP, "0.0.0.0", 5353,
	  1, "x", AUDIT_NONE, {}, false, "candidate" },
	{ "udp on the tcp tunnel's port", NODE, IPPROTO_UDP, "0.0.0.0", 8080,
	  1, "x", AUDIT_NONE, {}, false, "candidate" },
	{ "a client side exposes nothing", NODE, IPPROTO_TCP, "0.0.0.0", 9090,
	  1, "x", AUDIT_NONE, {}, false, "no tunnel" },
	{ "an external tunnel goes to another host", NODE, IPPROTO_TCP,
	  "0.0.0.0", 3306, 1, "mysqld", AUDIT_NONE, {}, false, "external" },
	{ "a disabled tunnel: listed, flagged", NODE, IPPROTO_TCP, "0.0.0.0",
	  8443, 1, "x", AUDIT_TUNNEL, { 14 }, true, "disabled" },
	{ "an internet gateway exposes nothing (dns)", NODE, IPPROTO_UDP,
	  "0.0.0.0", 53, 1, "dnsmasq", AUDIT_NONE, {}, false, "no tunnel" },
	{ "an internet gateway exposes nothing (port 0)", NODE, IPPROTO_TCP,
	  "0.0.0.0", 0, 1, "x", AUDIT_NONE, {}, false, "no tunnel" },
	{ "loopback v4 on a tunnel's port", NODE, IPPROTO_TCP, "127.0.0.1",
	  8080, 1, "x", AUDIT_LOCAL, {}, false, "loopback" },
	{ "loopback 127.0.0.53", NODE, IPPROTO_UDP, "127.0.0.53", 53, 1,
	  "resolved", AUDIT_LOCAL, {}, false, "loopback" },
	{ "loopback v6", NODE, IPPROTO_TCP, "::1", 8080, 1, "x", AUDIT_LOCAL,
	  {}, false, "loopback" },
	{ "v4-mapped loopback", NODE, IPPROTO_TCP, "::ffff:127.0.0.1", 8080,
	  1, "x", AUDIT_LOCAL, {}, false, "loopback" },
	{ "underlay: the daemon's socket", NODE, IPPROTO_UDP, "0.0.0.0",
	  51820, 4242, "worker", AUDIT_UNDERLAY, {}, false, "listen_port" },
	{ "underlay: a tunctl process", NODE, IPPROTO_UDP, "198.18.0.2",
	  51820, 99, "tunctl", AUDIT_UNDERLAY, {}, false, "listen_port" },
	{ "the listen port, someone else's", NODE, IPPROTO_UDP, "0.0.0.0",
	  51820, 77, "nc", AUDIT_NONE, {}, false, "candidate" },
	{ "the listen port, owner unknown", NODE, IPPROTO_UDP, "0.0.0.0",
	  51820, 0, "?", AUDIT_NONE, {}, false, "candidate" },
	{ "tcp on the listen port", NODE, IPPROTO_TCP, "0.0.0.0", 51820, 4242,
	  "tunctl", AUDIT_NONE, {}, false, "candidate" },
	{ "no nodes: nothing exposed", NO_NODES, IPPROTO_TCP, "0.0.0.0", 8080,
	  1, "nc", AUDIT_NONE, {}, false, "no tunnel" },
	{ "no nodes: loopback still local", NO_NODES, IPPROTO_TCP, "127.0.0.1",
	  8080, 1, "nc", AUDIT_LOCAL, {}, false, "loopback" },
	{ "overlay unknown: only the wildcard", NO_OVERLAY, IPPROTO_TCP,
	  "100.64.0.2", 8080, 1, "nc", AUDIT_NONE, {}, false, "another" },
	{ "overlay unknown: wildcard still", NO_OVERLAY, IPPROTO_TCP,
	  "0.0.0.0", 8080, 1, "nc", AUDIT_TUNNEL, { 10, 16 }, false, NULL },
};

START_TEST(test_match)
{
	struct audit_node nd = {
		.has_overlay = match_cases[_i].nodes != NO_OVERLAY,
		.listen_port = 51820, .daemon_pid = 4242,
		.tunnels = tunnels, .n_tunnels = N_OF(tunnels),
	};
	struct audit_sock s = {
		.proto = match_cases[_i].proto, .port = match_cases[_i].port,
		.pid = match_cases[_i].pid,
	};
	const char *name = match_cases[_i].name, *note;
	struct audit_match m;
	size_t want_n = !!match_cases[_i].ids[0] + !!match_cases[_i].ids[1], i;

	inet_pton(AF_INET, "100.64.0.2", &nd.overlay);
	snprintf(s.process, sizeof(s.process), "%s", match_cases[_i].comm);
	s.family = strchr(match_cases[_i].addr, ':') ? AF_INET6 : AF_INET;
	ck_assert_int_eq(inet_pton(s.family, match_cases[_i].addr, &s.addr), 1);
	audit_classify(&nd, match_cases[_i].nodes == NO_NODES ? 0 : 1, &s, &m);
	ck_assert_msg(m.status == match_cases[_i].want, "%s: %s, want %s", name,
		      audit_status_text(m.status),
		      audit_status_text(match_cases[_i].want));
	ck_assert_msg(m.n_ids == want_n, "%s: %zu tunnels, want %zu", name,
		      m.n_ids, want_n);
	for (i = 0; i < want_n; i++) {
		ck_assert_uint_eq(m.ids[i], match_cases[_i].ids[i]);
		ck_assert_int_eq(m.disabled[i], i == 0 && match_cases[_i].off);
	}
	note = audit_note(&m);
	if (match_cases[_i].note)
		ck_assert_msg(note && strstr(note, match_cases[_i].note),
			      "%s: note \"%s\", want one with \"%s\"", name,
			      note ? note : "(none)", match_cases[_i].note);
	else
		ck_assert_msg(!note, "%s: a note: %s", name, note);
}
END_TEST

/* Two devices: the listener is exposed by a tunnel of either. */
START_TEST(test_two_nodes)
{
	static const struct audit_tunnel a[] = {
		{ 1, "regular", true, IPPROTO_TCP, 80, true } };
	static const struct audit_tunnel b[] = {
		{ 2, "regular", true, IPPROTO_TCP, 80, false },
		{ 3, "regular", true, IPPROTO_UDP, 4000, true } };
	struct audit_node nodes[2] = {
		{ .has_overlay = true, .overlay.s_addr = htonl(0x0a000001),
		  .listen_port = 1000, .tunnels = a, .n_tunnels = 1 },
		{ .has_overlay = true, .overlay.s_addr = htonl(0x0a000002),
		  .listen_port = 2000, .tunnels = b, .n_tunnels = 2 },
	};
	struct audit_sock s = { .proto = IPPROTO_TCP, .family = AF_INET,
				.port = 80 };
	struct audit_match m;

	audit_classify(nodes, 2, &s, &m);
	ck_assert_int_eq(m.status, AUDIT_TUNNEL);
	ck_assert_uint_eq(m.n_ids, 2);
	ck_assert(m.ids[0] == 1 && !m.disabled[0]);
	ck_assert(m.ids[1] == 2 && m.disabled[1]);
	ck_assert_ptr_nonnull(strstr(audit_note(&m), "some"));
	/* On the second node's overlay address: only its tunnel. */
	s.addr.v4.s_addr = htonl(0x0a000002);
	audit_classify(nodes, 2, &s, &m);
	ck_assert_uint_eq(m.n_ids, 1);
	ck_assert_uint_eq(m.ids[0], 2);
	/* The second node's underlay, owned by tunctl. */
	s.proto = IPPROTO_UDP;
	s.port = 2000;
	s.pid = 5;
	strcpy(s.process, "tunctl");
	audit_classify(nodes, 2, &s, &m);
	ck_assert_int_eq(m.status, AUDIT_UNDERLAY);
}
END_TEST

Suite *audit_suite(void)
{
	Suite *s = suite_create("audit");
	TCase *tc = tcase_create("proc");
	TCase *tm = tcase_create("match");

	tcase_add_loop_test(tc, test_parse, 0, N_OF(parse_cases));
	tcase_add_loop_test(tc, test_prefixes, 0, 4);
	tcase_add_test(tc, test_owners_fake_proc);
	tcase_add_test(tc, test_live);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(tm, test_match, 0, N_OF(match_cases));
	tcase_add_test(tm, test_two_nodes);
	suite_add_tcase(s, tm);
	return s;
}
