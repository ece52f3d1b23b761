/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The listener audit (tunctl audit): the listening sockets of this network
 * namespace, from /proc/net/{tcp,udp}{,6}, and for each the tunnels that
 * expose it. With default deny an unexposed listener is unreachable from
 * the wire anyway; the audit says what is running for nothing.
 */
#ifndef TUNCTL_AUDIT_H
#define TUNCTL_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>

struct audit_sock {
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	int family;		/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
	uint16_t port;		/* host order */
	uint64_t inode;
	pid_t pid;		/* 0: owner not found */
	char process[16];	/* /proc/PID/comm; "?" if not found */
};

struct audit_list {
	struct audit_sock *v;
	size_t n, cap;
};

/*
 * The listening sockets in text, the contents of one /proc/net file of
 * proto and family: TCP in LISTEN, UDP bound and unconnected. Appends to
 * list; the number appended or -ENOMEM. Lines that do not parse (the
 * header, a truncated line) are skipped.
 */
int audit_parse_proc_net(const char *text, uint8_t proto, int family,
			 struct audit_list *list);
/* All four files of the current namespace (a missing tcp6/udp6 is fine). */
int audit_read_sockets(struct audit_list *list);
/*
 * Fill pid and process from the socket:[INODE] links under
 * PROC_ROOT/PID/fd/ (proc_root "/proc" on a live system).
 */
void audit_find_owners(struct audit_list *list, const char *proc_root);
void audit_list_free(struct audit_list *list);

/* One of the node's tunnels, as the daemon's list answer gives it. */
struct audit_tunnel {
	uint32_t id;
	const char *type;	/* "regular", "internet", "external" */
	bool server;
	uint8_t protocol;	/* IPPROTO_TCP/UDP/ICMP; 0 none */
	uint16_t port;		/* host order */
	bool enabled;
};

struct audit_node {
	bool has_overlay;
	struct in_addr overlay;
	uint16_t listen_port;	/* host order; 0 unknown */
	pid_t daemon_pid;	/* 0 unknown */
	const struct audit_tunnel *tunnels;
	size_t n_tunnels;
};

/* In order of precedence: the highest any node finds wins. */
enum audit_status {
	AUDIT_NONE,		/* no tunnel: a candidate to switch off */
	AUDIT_LOCAL,		/* loopback only */
	AUDIT_TUNNEL,		/* reachable through the tunnels in ids */
	AUDIT_UNDERLAY,		/* tunctl's own UDP socket */
};

#define AUDIT_MAX_IDS 64

struct audit_match {
	enum audit_status status;
	/*
	 * The server-side regular tunnels that deliver to it; disabled ones
	 * too (they would again once enabled), flagged in disabled[].
	 */
	uint32_t ids[AUDIT_MAX_IDS];
	bool disabled[AUDIT_MAX_IDS];
	size_t n_ids;		/* stored; more beyond AUDIT_MAX_IDS dropped */
	/* Why not exposed, when a tunnel's protocol and port match. */
	bool port_elsewhere;	/* a regular tunnel's, on another address */
	bool external;		/* an external tunnel's: another host */
};

/*
 * What exposes s on these nodes (one per attached device; none is fine).
 * Only a server-side regular tunnel delivers to a local listener: an
 * internet gateway refuses its own addresses, an external tunnel goes on
 * to another host, a client side carries the node's own connections out.
 */
void audit_classify(const struct audit_node *nodes, size_t n_nodes,
		    const struct audit_sock *s, struct audit_match *m);
/* "none (candidate to switch off)", "tunctl underlay", ... */
const char *audit_status_text(enum audit_status st);
/* A note for the operator, or NULL. */
const char *audit_note(const struct audit_match *m);
/* The socket's address, as inet_ntop writes it. */
void audit_addr_str(const struct audit_sock *s, char *out, size_t len);

#endif /* TUNCTL_AUDIT_H */
