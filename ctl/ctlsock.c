// SPDX-License-Identifier: GPL-2.0-only
/* The daemon's control socket: a tiny line protocol with JSON answers. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "ctlsock.h"
#include "node.h"
#include "pins.h"
#include "util.h"

#define IO_TIMEOUT_MS 2000
/*
 * How long the CLI waits for each part of an answer. Longer than the
 * daemon's own bound: the daemon serves one client at a time, so a
 * request may wait out another client's IO_TIMEOUT_MS and then the
 * building of its own answer, seconds for thousands of tunnels on a
 * slow board. A daemon that is stopped outright is still reported.
 */
#define ANSWER_WAIT_MS 10000
#define ANSWER_MAX (256u << 20)	/* bytes; far beyond 65,535 tunnels */

static int sock_path(const char *dev, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	return run_path(dev, "sock", sun->sun_path, sizeof(sun->sun_path));
}

int ctlsock_listen(const char *dev)
{
	struct sockaddr_un sun;
	int fd, ret;

	ret = sock_path(dev, &sun);
	if (ret)
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(sun.sun_path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    chmod(sun.sun_path, 0600) || listen(fd, 8)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

/* "list": the tunnels, and where they deliver (for tunctl audit). */
static json_t *list_json(struct node *nd)
{
	char ov[INET_ADDRSTRLEN];
	json_t *o;

	if (!nd)
		return json_pack("{so}", "tunnels", json_array());
	o = json_pack("{so}", "tunnels", node_tunnels_json(nd));
	inet_ntop(AF_INET, &nd->conf.overlay_addr, ov, sizeof(ov));
	json_object_set_new(o, "node_overlay", nd->conf.has_overlay ?
			    json_string(ov) : json_null());
	json_object_set_new(o, "node_listen_port",
			    json_integer(nd->conf.listen_port));
	return o;
}

static json_t *answer(struct node *nd, char *req)
{
	unsigned long id;
	char verb[16], arg[16], why[512];
	size_t len = strlen(req);
	int n, ret;

	while (len && (req[len - 1] == '\n' || req[len - 1] == ' '))
		req[--len] = '\0';
	if (!strncmp(req, "reload /", 8)) {
		if (!nd)
			return json_pack("{ss}", "error",
					 "this daemon runs no tunnels: detach, then attach with the config");
		ret = node_reload(nd, req + 7, why, sizeof(why));
		return ret ? json_pack("{ss}", "error", why) :
			     json_pack("{sbss}", "ok", 1, "summary", why);
	}
	n = sscanf(req, "%15s %15s", verb, arg);
	if (n == 1 && !strcmp(verb, "list"))
		return list_json(nd);
	if (n == 1 && !strcmp(verb, "ips-reload")) {
		if (!nd)
			return json_pack("{ss}", "error", "this daemon runs no tunnels");
		ret = node_ips_reload(nd, why, sizeof(why));
		return ret ? json_pack("{ss}", "error", why) :
			     json_pack("{sbss}", "ok", 1, "summary", why);
	}
	if (n == 1 && !strcmp(verb, "utm"))
		return json_pack("{so}", "utm", nd ? node_utm_json(nd) :
				 json_pack("{sb}", "enabled", 0));
	if (n == 1 && !strcmp(verb, "stats"))
		return json_pack("{sI}", "overlay_no_tunnel",
				 (json_int_t)(nd ? nd->drops_no_tunnel : 0));
	if (n == 2 && (!strcmp(verb, "disable") || !strcmp(verb, "enable")) &&
	    !parse_uint(arg, 1, 65535, &id)) {
		ret = nd ? node_set_enabled(nd, id, !strcmp(verb, "enable")) :
			   -ENOENT;
		if (ret)
			return json_pack("{ss}", "error", "no such tunnel");
		return json_pack("{sb}", "ok", 1);
	}
	return json_pack("{ss}", "error", "unknown request");
}

/*
 * The answer and its newline, within IO_TIMEOUT_MS in all. The daemon
 * forwards packets in the same loop, so a client that stops reading may
 * not stall it for longer, and one that goes away (EPIPE, never a
 * SIGPIPE that would end the daemon) costs nothing.
 */
static void send_all(int fd, const char *buf, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	uint64_t end = mono_ns() + IO_TIMEOUT_MS * 1000000ULL, now;
	bool newline = false;
	ssize_t n;

	while (!newline) {
		if (!len) {
			buf = "\n";
			len = 1;
			newline = true;
		}
		while (len) {
			n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0) {
				buf += n;
				len -= (size_t)n;
				continue;
			}
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				return;
			now = mono_ns();
			if (now >= end ||
			    poll(&pfd, 1, (int)((end - now) / 1000000) + 1) < 0)
				return;
		}
	}
}

void ctlsock_serve(int listen_fd, struct node *nd)
{
	struct pollfd pfd = { .events = POLLIN };
	struct ucred cred;
	socklen_t cl = sizeof(cred);
	char req[4200] = "";
	json_t *ans;
	ssize_t n;
	char *out;
	int fd;

	fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) || cred.uid) {
		close(fd);
		return;
	}
	pfd.fd = fd;
	if (poll(&pfd, 1, IO_TIMEOUT_MS) == 1) {
		n = read(fd, req, sizeof(req) - 1);
		req[n > 0 ? n : 0] = '\0';
	}
	ans = answer(nd, req);
	out = json_dumps(ans, JSON_COMPACT);
	if (out) {
		send_all(fd, out, strlen(out));
		free(out);
	}
	json_decref(ans);
	close(fd);
}

json_t *ctlsock_request(const char *dev, const char *line)
{
	struct pollfd pfd = { .events = POLLIN };
	struct sockaddr_un sun;
	size_t len = 0, size = 0;
	json_error_t jerr;
	char *buf = NULL, *more;
	json_t *ans;
	ssize_t n;
	int fd;

	if (sock_path(dev, &sun))
		return NULL;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    write(fd, line, strlen(line)) < 0) {
		close(fd);
		return NULL;
	}
	shutdown(fd, SHUT_WR);
	pfd.fd = fd;
	/* As long as the answer is: 10,000 tunnels list in about 2 MB. */
	for (;;) {
		if (size - len < 65536) {
			if (size >= ANSWER_MAX ||
			    !(more = realloc(buf, size ? size * 2 : 65536))) {
				len = 0;
				errno = EMSGSIZE;
				break;
			}
			buf = more;
			size = size ? size * 2 : 65536;
		}
		if (poll(&pfd, 1, ANSWER_WAIT_MS) != 1)
			break;
		n = read(fd, buf + len, size - 1 - len);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	if (!len) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	ans = json_loads(buf, 0, &jerr);
	free(buf);
	return ans;
}
