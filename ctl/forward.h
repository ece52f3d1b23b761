/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The server side of internet and external tunnels hands decrypted
 * packets to the kernel to forward: IPv4 forwarding on, and source NAT
 * (masquerade) of exactly the packets that came out of tunnels (those
 * with TUNCTL_MARK_FWD), so replies come back to this node whichever
 * route the far side has.
 */
#ifndef TUNCTL_FORWARD_H
#define TUNCTL_FORWARD_H

/* 0 or -errno with why filled (one line). */
int forward_start(const char *dev, char *why, size_t why_len);
/* Remove our NAT table; forwarding stays as it is (others may use it). */
void forward_stop(const char *dev);

#endif /* TUNCTL_FORWARD_H */
