// SPDX-License-Identifier: GPL-2.0-only
/*
 * The listener audit (audit.h): /proc/net parsing, socket owners from
 * /proc/PID/fd, and which tunnel delivers to which listener.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "audit.h"

#define TCP_LISTEN 0x0a
#define TCP_CLOSE 0x07		/* what an unconnected UDP socket shows */

/* Bounds on the owner scan: a machine with more gives up, never hangs. */
#define SCAN_MAX_PIDS 65536
#define SCAN_MAX_FDS (1u << 22)

/* /proc/net lines are about 150 bytes; only the first ten fields count. */
#define LINE_MAX_LEN 512
#define FIELDS 10

/* Exactly len hex digits at s into *out (len <= 16); -1 otherwise. */
static int hex_n(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (!isxdigit(c))
			return -1;
		v = v << 4 | (uint64_t)(isdigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	*out = v;
	return 0;
}

/*
 * "0100007F:0016" (v4) or 32 hex digits and a port (v6): the kernel prints
 * each 32-bit word of the address as a number in host order, so reading
 * it back the same way gives the address bytes in network order.
 */
static int parse_endpoint(const char *f, int family, struct audit_sock *s)
{
	size_t alen = family == AF_INET ? 8 : 32, i;
	uint64_t w, port;
	const char *colon = strchr(f, ':');

	if (!colon || (size_t)(colon - f) != alen || strlen(colon + 1) != 4)
		return -1;
	for (i = 0; i < alen / 8; i++) {
		if (hex_n(f + 8 * i, 8, &w))
			return -1;
		if (family == AF_INET)
			s->addr.v4.s_addr = (uint32_t)w;
		else
			s->addr.v6.s6_addr32[i] = (uint32_t)w;
	}
	if (hex_n(colon + 1, 4, &port))
		return -1;
	s->port = (uint16_t)port;
	return 0;
}

static bool remote_unset(const char *f)
{
	for (; *f; f++)
		if (*f != '0' && *f != ':')
			return false;
	return true;
}

static int list_add(struct audit_list *l, const struct audit_sock *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		struct audit_sock *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *s;
	return 0;
}

/* One line: 1 if a listener (in *s), 0 if not, -1 if it does not parse. */
static int parse_line(char *line, uint8_t proto, int family,
		      struct audit_sock *s)
{
	char *field[FIELDS], *save = NULL, *tok, *end;
	unsigned long long inode;
	uint64_t st;
	size_t n = 0;

	for (tok = strtok_r(line, " \t", &save); tok && n < FIELDS;
	     tok = strtok_r(NULL, " \t", &save))
		field[n++] = tok;
	/* sl: local remote st tx:rx tr:when retrnsmt uid timeout inode */
	if (n < FIELDS || field[0][strlen(field[0]) - 1] != ':')
		return -1;
	memset(s, 0, sizeof(*s));
	s->proto = proto;
	s->family = family;
	strcpy(s->process, "?");
	if (parse_endpoint(field[1], family, s) || strlen(field[3]) != 2 ||
	    hex_n(field[3], 2, &st) || !isdigit((unsigned char)field[9][0]))
		return -1;
	errno = 0;
	inode = strtoull(field[9], &end, 10);
	if (*end || errno)
		return -1;
	s->inode = inode;
	if (proto == IPPROTO_TCP)
		return st == TCP_LISTEN;
	return st == TCP_CLOSE && remote_unset(field[2]);
}

int audit_parse_proc_net(const char *text, uint8_t proto, int family,
			 struct audit_list *list)
{
	char line[LINE_MAX_LEN];
	struct audit_sock s;
	int added = 0;

	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		if (len < sizeof(line)) {
			memcpy(line, text, len);
			line[len] = '\0';
			if (parse_line(line, proto, family, &s) == 1) {
				if (list_add(list, &s))
					return -ENOMEM;
				added++;
			}
		}
		text += len + (nl != NULL);
	}
	return added;
}

/* The whole of a /proc file, NUL-terminated; NULL with errno set. */
static char *slurp(const char *path)
{
	size_t len = 0, cap = 16384;
	char *buf = malloc(cap), *nb;
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			nb = realloc(buf, cap * 2);
			if (!nb)
				goto fail;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (!n)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
fail:
	n = errno;
	close(fd);
	free(buf);
	errno = n;
	return NULL;
}

int audit_read_sockets(struct audit_list *list)
{
	static const struct {
		const char *path;
		uint8_t proto;
		int family;
	} files[] = {
		{ "/proc/net/tcp", IPPROTO_TCP, AF_INET },
		{ "/proc/net/tcp6", IPPROTO_TCP, AF_INET6 },
		{ "/proc/net/udp", IPPROTO_UDP, AF_INET },
		{ "/proc/net/udp6", IPPROTO_UDP, AF_INET6 },
	};
	size_t i;
	int ret;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *text = slurp(files[i].path);

		if (!text) {
			/* No IPv6 in this kernel or namespace: nothing there. */
			if (errno == ENOENT && files[i].family == AF_INET6)
				continue;
			return -errno;
		}
		ret = audit_parse_proc_net(text, files[i].proto,
					   files[i].family, list);
		free(text);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static void read_comm(const char *proc_root, const char *pid, char *out,
		      size_t len)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s/comm", proc_root, pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, out, len - 1);
	close(fd);
	if (n <= 0) {
		strcpy(out, "?");
		return;
	}
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

/* Give every socket of list with this inode its owner; any left? */
static void claim(struct audit_list *l, uint64_t inode, const char *proc_root,
		  const char *pid, size_t *left)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct audit_sock *s = &l->v[i];

		if (s->inode != inode || s->pid)
			continue;
		s->pid = atoi(pid);
		read_comm(proc_root, pid, s->process, sizeof(s->process));
		--*left;
	}
}

void audit_find_owners(struct audit_list *list, const char *proc_root)
{
	size_t left = 0, pids = 0, fds = 0, i;
	struct dirent *p, *f;
	DIR *pd, *fd_dir;

	for (i = 0; i < list->n; i++)
		left += !list->v[i].pid && list->v[i].inode;
	pd = left ? opendir(proc_root) : NULL;
	if (!pd)
		return;
	while (left && pids < SCAN_MAX_PIDS && fds < SCAN_MAX_FDS &&
	       (p = readdir(pd))) {
		char path[512];

		if (!isdigit((unsigned char)p->d_name[0]))
			continue;
		pids++;
		snprintf(path, sizeof(path), "%s/%s/fd", proc_root, p->d_name);
		fd_dir = opendir(path);
		if (!fd_dir)
			continue;	/* gone, or not ours to read */
		while (left && fds < SCAN_MAX_FDS && (f = readdir(fd_dir))) {
			unsigned long long inode;
			char target[64];
			ssize_t n;

			if (f->d_name[0] == '.')
				continue;
			fds++;
			n = readlinkat(dirfd(fd_dir), f->d_name, target,
				       sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			if (sscanf(target, "socket:[%llu]", &inode) == 1 && inode)
				claim(list, inode, proc_root, p->d_name, &left);
		}
		closedir(fd_dir);
	}
	closedir(pd);
}

void audit_list_free(struct audit_list *list)
{
	free(list->v);
	memset(list, 0, sizeof(*list));
}

/* --- matching ---------------------------------------------------------------- */

/* The IPv4 address a v4 or v4-mapped v6 socket is bound to. */
static bool sock_v4(const struct audit_sock *s, struct in_addr *out)
{
	if (s->family == AF_INET) {
		*out = s->addr.v4;
		return true;
	}
	if (IN6_IS_ADDR_V4MAPPED(&s->addr.v6)) {
		out->s_addr = s->addr.v6.s6_addr32[3];
		return true;
	}
	return false;
}

static bool sock_wildcard(const struct audit_sock *s)
{
	return s->family == AF_INET ? s->addr.v4.s_addr == INADDR_ANY :
	       IN6_IS_ADDR_UNSPECIFIED(&s->addr.v6);
}

static bool sock_loopback(const struct audit_sock *s)
{
	struct in_addr a;

	if (sock_v4(s, &a))
		return (ntohl(a.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&s->addr.v6);
}

static bool sock_is_overlay(const struct audit_sock *s,
			    const struct audit_node *nd)
{
	struct in_addr a;

	return nd->has_overlay && sock_v4(s, &a) &&
	       a.s_addr == nd->overlay.s_addr;
}

static bool sock_is_underlay(const struct audit_sock *s,
			     const struct audit_node *nd)
{
	return s->proto == IPPROTO_UDP && nd->listen_port &&
	       s->port == nd->listen_port && s->pid &&
	       (s->pid == nd->daemon_pid || !strcmp(s->process, "tunctl"));
}

static void raise_status(struct audit_match *m, enum audit_status st)
{
	if (st > m->status)
		m->status = st;
}

static void match_node(const struct audit_node *nd, const struct audit_sock *s,
		       bool loopback, struct audit_match *m)
{
	size_t i;

	if (sock_is_underlay(s, nd))
		raise_status(m, AUDIT_UNDERLAY);
	for (i = 0; i < nd->n_tunnels; i++) {
		const struct audit_tunnel *t = &nd->tunnels[i];

		if (!t->server || !t->type || t->protocol != s->proto ||
		    t->port != s->port)
			continue;
		if (!strcmp(t->type, "external")) {
			m->external = true;
			continue;
		}
		if (strcmp(t->type, "regular"))
			continue;
		if (!sock_wildcard(s) && !sock_is_overlay(s, nd)) {
			m->port_elsewhere |= !loopback;
			continue;
		}
		raise_status(m, AUDIT_TUNNEL);
		if (m->n_ids < AUDIT_MAX_IDS) {
			m->disabled[m->n_ids] = !t->enabled;
			m->ids[m->n_ids++] = t->id;
		}
	}
}

void audit_classify(const struct audit_node *nodes, size_t n_nodes,
		    const struct audit_sock *s, struct audit_match *m)
{
	bool loopback = sock_loopback(s);
	size_t i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < n_nodes; i++)
		match_node(&nodes[i], s, loopback, m);
	if (loopback)
		raise_status(m, AUDIT_LOCAL);
}

const char *audit_status_text(enum audit_status st)
{
	switch (st) {
	case AUDIT_TUNNEL:
		return "tunnel";
	case AUDIT_UNDERLAY:
		return "tunctl underlay";
	case AUDIT_LOCAL:
		return "local only";
	default:
		return "none (candidate to switch off)";
	}
}

const char *audit_note(const struct audit_match *m)
{
	size_t i, off = 0;

	switch (m->status) {
	case AUDIT_UNDERLAY:
		return "the node's tunnel port (node.listen_port)";
	case AUDIT_LOCAL:
		return "loopback only: no tunnel reaches it";
	case AUDIT_TUNNEL:
		for (i = 0; i < m->n_ids; i++)
			off += m->disabled[i];
		if (off == m->n_ids)
			return "exposed only by disabled tunnels: unreachable until one is enabled";
		if (off)
			return "some of the tunnels exposing it are disabled";
		return NULL;
	default:
		if (m->external)
			return "an external tunnel carries this port to another host, not here: a candidate to switch off";
		if (m->port_elsewhere)
			return "a tunnel carries this port to the overlay address, but this listens on another: a candidate to switch off";
		return "no tunnel exposes it: a candidate to switch off";
	}
}

void audit_addr_str(const struct audit_sock *s, char *out, size_t len)
{
	if (!inet_ntop(s->family, &s->addr, out, len) && len)
		snprintf(out, len, "?");
}
