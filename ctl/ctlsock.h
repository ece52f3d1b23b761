/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's control socket, RUN_DIR/DEV.sock: one request line in
 * ("list", "disable ID", "enable ID"), one JSON line out. Only root may
 * talk to it (the socket is 0600 and the peer's uid is checked).
 */
#ifndef TUNCTL_CTLSOCK_H
#define TUNCTL_CTLSOCK_H

#include <jansson.h>

struct node;

/* Listen on dev's socket; fd or -errno. */
int ctlsock_listen(const char *dev);
/* Serve one connection that is waiting on the listening fd. */
void ctlsock_serve(int listen_fd, struct node *nd);
/* Ask dev's daemon; the parsed answer or NULL (errno set). */
json_t *ctlsock_request(const char *dev, const char *line);

#endif /* TUNCTL_CTLSOCK_H */
