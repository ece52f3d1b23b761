// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tunnel engine: packets from the overlay are matched to a tunnel by
 * (peer, protocol, port), checked against its policy, encrypted and sent;
 * packets from the underlay are found by session index, decrypted,
 * checked and written to the overlay. The client side initiates
 * handshakes (on start and when a session ages), the server answers.
 * Every session we can receive on is mirrored into dp_sessions so that
 * XDP admits its packets and nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <endian.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <bpf/bpf.h>
#include <sodium.h>

#include "datapath.h"
#include "forward.h"
#include "node.h"
#include "node_utm.h"
#include "offload.h"
#include "pins.h"
#include "relay.h"
#include "rtnl.h"
#include "tun.h"
#include "udp_batch.h"
#include "utm.h"
#include "util.h"
#include "wire.h"

#define PKT_MAX 65536
#define SOCKET_BUF_BYTES (16 << 20)

const char *const tdrop_names[TDROP_MAX] = {
	[TDROP_NOT_AUTHENTIC] = "not-authentic",
	[TDROP_REPLAY] = "replay",
	[TDROP_POLICY] = "policy",
	[TDROP_UTM] = "utm",
	[TDROP_NO_SESSION] = "no-session",
	[TDROP_DISABLED] = "disabled",
	[TDROP_HS_REJECTED] = "handshake-rejected",
	[TDROP_HS_REPLAY] = "handshake-replay",
};

/* --- session index -> tunnel -------------------------------------------- */

/* A fresh random index; at most 4 live per tunnel, so the table has room. */
static uint32_t index_new(struct node *nd, struct tunnel *t)
{
	uint32_t index;

	do
		index = randombytes_random();
	while (!index || index_table_get(&nd->index, index));
	if (index_table_put(&nd->index, index, t))
		return 0;
	return index;
}

static void index_drop(struct node *nd, uint32_t index)
{
	index_table_del(&nd->index, index);
}

/* --- routes: which tunnel a packet from the overlay belongs to ----------- */

struct route {
	uint32_t peer;		/* destination, network order */
	uint32_t src;		/* source: our overlay address or a target */
	uint8_t proto;
	bool server;
	uint16_t port;
	struct tunnel *t;
};

static int route_cmp(const void *a, const void *b)
{
	const struct route *x = a, *y = b;

	if (x->peer != y->peer)
		return x->peer < y->peer ? -1 : 1;
	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto - y->proto;
	if (x->server != y->server)
		return x->server - y->server;
	return (int)x->port - (int)y->port;
}

/* Our internet tunnel's gateway side for this client, if any. */
static struct tunnel *inet_server_for(struct node *nd, uint32_t client)
{
	size_t i;

	for (i = 0; i < nd->n; i++) {
		struct tunnel *t = &nd->tunnels[i];

		if (t->rule.internet && t->rule.server &&
		    t->rule.peer_addr == client)
			return t;
	}
	return NULL;
}

static bool is_service_addr(struct node *nd, uint32_t addr)
{
	size_t i;

	for (i = 0; i < nd->n; i++)
		if (!nd->tunnels[i].conf.server &&
		    nd->tunnels[i].rule.peer_addr == addr)
			return true;
	return false;
}

static struct tunnel *route_lookup(struct node *nd, const struct inner_pkt *p)
{
	struct route key = {
		.peer = p->daddr, .src = p->saddr, .proto = p->proto,
	}, *r;
	int server;

	for (server = 0; server < 2; server++) {
		key.server = server;
		key.port = policy_out_port(server, p);
		r = bsearch(&key, nd->routes, nd->n_routes, sizeof(key),
			    route_cmp);
		if (r && r->t)
			return r->t;
	}
	/*
	 * Not a service of the overlay: the Internet, either way. A service
	 * address (an external target) with another port is no Internet
	 * destination: it stays dropped.
	 */
	if (nd->inet_client && policy_internet_addr(&nd->inet_client->rule,
						    p->daddr) &&
	    !is_service_addr(nd, p->daddr))
		return nd->inet_client;
	return inet_server_for(nd, p->daddr);
}

/* --- a gateway's own addresses -------------------------------------------- */

static void own_addrs_refresh(struct node *nd, uint64_t now)
{
	struct ifaddrs *ifa, *i;

	if (nd->own_addrs_ns && now - nd->own_addrs_ns < 1000000000ULL)
		return;
	nd->own_addrs_ns = now;
	if (getifaddrs(&ifa))
		return;
	nd->n_own_addrs = 0;
	for (i = ifa; i && nd->n_own_addrs < NODE_MAX_OWN_ADDRS; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET)
			nd->own_addrs[nd->n_own_addrs++] =
				((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr;
	freeifaddrs(ifa);
}

/*
 * An internet tunnel reaches the Internet, not the gateway itself: none
 * of its services may be reached through it.
 */
static bool is_own_addr(struct node *nd, uint32_t addr, uint64_t now)
{
	size_t i;

	own_addrs_refresh(nd, now);
	for (i = 0; i < nd->n_own_addrs; i++)
		if (nd->own_addrs[i] == addr)
			return true;
	return false;
}

/* --- the datapath maps --------------------------------------------------- */

static void map_tunnel(struct node *nd, struct tunnel *t)
{
	struct tunctl_tunnel v = {
		.flags = (t->enabled ? TUNCTL_TUN_ENABLED : 0) |
			 (t->conf.server ? TUNCTL_TUN_SERVER : 0),
	};

	bpf_map_update_elem(nd->map_tunnels, &t->conf.id, &v, BPF_ANY);
}

static void map_session(struct node *nd, struct tunnel *t, uint32_t index)
{
	struct tunctl_session v = {
		.tunnel_id = t->conf.id,
		.peer_addr = t->endpoint.sin_addr.s_addr,
		.peer_port = t->endpoint.sin_port,
		/* A client may roam: the server follows its authenticated packets. */
		.roam = t->conf.server,
	};

	bpf_map_update_elem(nd->map_sessions, &index, &v, BPF_ANY);
}

static void unmap_session(struct node *nd, uint32_t index)
{
	if (index)
		bpf_map_delete_elem(nd->map_sessions, &index);
}

/* dp_peers counts the tunnels sending to an endpoint. */
static void peer_ref(struct node *nd, const struct sockaddr_in *ep, int delta)
{
	struct tunctl_peer_key k = {
		.addr = ep->sin_addr.s_addr, .port = ep->sin_port,
	};
	__u32 n = 0;

	bpf_map_lookup_elem(nd->map_peers, &k, &n);
	n += delta;
	if ((int)n > 0)
		bpf_map_update_elem(nd->map_peers, &k, &n, BPF_ANY);
	else
		bpf_map_delete_elem(nd->map_peers, &k);
}

static void set_endpoint(struct node *nd, struct tunnel *t,
			 const struct sockaddr_in *from)
{
	if (t->has_endpoint &&
	    t->endpoint.sin_addr.s_addr == from->sin_addr.s_addr &&
	    t->endpoint.sin_port == from->sin_port)
		return;
	if (t->endpoint_in_map)
		peer_ref(nd, &t->endpoint, -1);
	t->endpoint = *from;
	t->has_endpoint = true;
	peer_ref(nd, &t->endpoint, +1);
	t->endpoint_in_map = true;
	/* Sessions carry the peer address the datapath checks. */
	if (t->cur.valid)
		map_session(nd, t, t->cur.local_index);
	if (t->prev.valid)
		map_session(nd, t, t->prev.local_index);
	if (t->next.valid)
		map_session(nd, t, t->next.local_index);
}

/* Empty what a previous daemon may have left in the maps. */
static void clear_map(int fd, size_t key_size)
{
	uint8_t key[16], next[16];

	while (!bpf_map_get_next_key(fd, NULL, next)) {
		memcpy(key, next, key_size);
		if (bpf_map_delete_elem(fd, key))
			break;
	}
}

/* --- sessions ------------------------------------------------------------ */

static void session_drop(struct node *nd, struct session *s)
{
	if (!s->valid)
		return;
	index_drop(nd, s->local_index);
	unmap_session(nd, s->local_index);
	session_wipe(s);
}

static void hs_abort(struct node *nd, struct tunnel *t)
{
	t->hs_queued = false;
	if (!t->hs_pending)
		return;
	index_drop(nd, t->hs_index);
	unmap_session(nd, t->hs_index);
	noise_hs_wipe(&t->hs);
	t->hs_pending = false;
}

static void queue_clear(struct tunnel *t)
{
	while (t->queued) {
		t->queued--;
		sodium_memzero(t->queue[t->queued], t->queue_len[t->queued]);
		free(t->queue[t->queued]);
	}
}

/* Something went out on t: the relay failover watches for an answer. */
static void note_tx(struct tunnel *t, uint64_t now)
{
	t->last_tx_ns = now;
	if (!t->unanswered_since_ns)
		t->unanswered_since_ns = now;
}

static void send_udp(struct node *nd, struct tunnel *t, const void *buf,
		     size_t len)
{
	note_tx(t, mono_ns());
	sendto(nd->udp_fd, buf, len, 0, (const struct sockaddr *)&t->endpoint,
	       sizeof(t->endpoint));
}

/* Client: send a (new) initiation; a retry gets a fresh index. */
/*
 * Initiations are paced: HS_BURST at once, then HS_PACE_PER_S. A node
 * with thousands of client tunnels would otherwise spend seconds of DH
 * before its attach returns, and send a burst that the server's XDP
 * (TUNCTL_HS_DEFAULT_RATE, 256, per CPU per second) mostly drops, each
 * loss retried only after the 5 s rekey timeout. A bucket sends at most
 * HS_BURST + HS_PACE_PER_S in any second: under what one server CPU
 * admits even when all arrive on one, with room for its coarse clock,
 * so they all get through, and sooner. Queued ones start at the tick,
 * so the bucket must hold a tick's worth, or the rest would be lost
 * and the pace fall to HS_BURST a tick.
 */
#define HS_BURST	48
#define HS_PACE_PER_S	190
_Static_assert(HS_BURST + HS_PACE_PER_S < TUNCTL_HS_DEFAULT_RATE * 95 / 100,
	       "initiations paced under the server's XDP budget");
_Static_assert(HS_BURST >= HS_PACE_PER_S * NODE_TICK_MS / 1000,
	       "the bucket holds what a tick accrues");

static bool hs_token(struct node *nd, uint64_t now)
{
	const uint64_t full_ns = HS_BURST * 1000000000ULL / HS_PACE_PER_S;
	uint64_t add, gap;

	if (now > nd->hs_refill_ns) {
		/* Capped first: a long gap times the rate would overflow. */
		gap = now - nd->hs_refill_ns;
		add = gap >= full_ns ? HS_BURST :
		      gap * HS_PACE_PER_S / 1000000000ULL;
		if (nd->hs_tokens + add >= HS_BURST) {
			nd->hs_tokens = HS_BURST;
			nd->hs_refill_ns = now;
		} else if (add) {
			nd->hs_tokens += (unsigned int)add;
			nd->hs_refill_ns += add * 1000000000ULL / HS_PACE_PER_S;
		}
	}
	if (!nd->hs_tokens)
		return false;
	nd->hs_tokens--;
	return true;
}

static void hs_start(struct node *nd, struct tunnel *t, uint64_t now,
		     bool retry)
{
	struct tunctl_msg_init msg;

	if (!hs_token(nd, now)) {
		/* node_tick starts it when its turn comes. */
		t->hs_queued_retry = t->hs_queued ? t->hs_queued_retry && retry :
						    retry;
		t->hs_queued = true;
		return;
	}
	t->hs_queued = false;
	if (!retry)
		t->hs_started_ns = now;
	hs_abort(nd, t);
	t->hs_index = index_new(nd, t);
	if (!t->hs_index)
		return;
	if (hs_create_init(&t->hs, &t->keys, t->hs_index, &msg)) {
		index_drop(nd, t->hs_index);
		noise_hs_wipe(&t->hs);
		return;
	}
	map_session(nd, t, t->hs_index);
	t->hs_pending = true;
	t->hs_sent_ns = now;
	send_udp(nd, t, &msg, sizeof(msg));
}

/* Encrypted into the send batch: the caller flushes it (udp_batch.h). */
static void send_data(struct node *nd, struct tunnel *t, const uint8_t *pkt,
		      size_t len, uint8_t flags, uint64_t now)
{
	long n = -EKEYEXPIRED;

	if (t->cur.valid) {
		uint8_t *out = udp_batch_reserve(nd->tx, &t->endpoint,
						 len + TUNCTL_DATA_OVERHEAD);

		if (!out) {
			/* Larger than any datagram: from_overlay stops these. */
			t->drops[TDROP_POLICY]++;
			return;
		}
		n = session_encrypt(&t->cur, pkt, len, flags, out, now);
		if (n >= 0)
			udp_batch_commit(nd->tx, n);
	}
	if (!t->conf.server && !t->hs_pending && !t->hs_queued &&
	    (n < 0 || session_wants_rekey(&t->cur, now)))
		hs_start(nd, t, now, false);
	if (n >= 0) {
		note_tx(t, now);
		t->tx_packets++;
		t->tx_bytes += len;
		return;
	}
	/* The client keeps a few packets for the session on its way. */
	if (t->conf.server || t->queued == TUNNEL_QUEUE) {
		t->drops[TDROP_NO_SESSION]++;
		return;
	}
	t->queue[t->queued] = malloc(len);
	if (!t->queue[t->queued]) {
		t->drops[TDROP_NO_SESSION]++;
		return;
	}
	memcpy(t->queue[t->queued], pkt, len);
	t->queue_len[t->queued++] = len;
}

static void queue_flush(struct node *nd, struct tunnel *t, uint64_t now)
{
	uint8_t *q[TUNNEL_QUEUE];
	uint16_t ql[TUNNEL_QUEUE];
	unsigned int i, n = t->queued;

	/* Taken out first: send_data may queue again. */
	memcpy(q, t->queue, sizeof(q));
	memcpy(ql, t->queue_len, sizeof(ql));
	t->queued = 0;
	for (i = 0; i < n; i++) {
		send_data(nd, t, q[i], ql[i], 0, now);
		sodium_memzero(q[i], ql[i]);
		free(q[i]);
	}
}

/* --- packets from the overlay ------------------------------------------- */

/*
 * The tunnel a packet from the overlay goes into: by its peer, protocol
 * and port, or, for a later fragment, the one its first fragment took.
 */
static struct tunnel *overlay_tunnel(struct node *nd, const struct inner_pkt *p,
				     uint64_t now)
{
	long i;

	if (p->frag != INNER_FRAG_LATER)
		return route_lookup(nd, p);
	i = frag_trail_find(&nd->frags, p, true, now);
	return i >= 0 && (size_t)i < nd->n ? &nd->tunnels[i] : NULL;
}

static void to_overlay(struct node *nd, const uint8_t *pkt, size_t len,
		       const struct virtio_net_hdr *partial);
static void gro_flush(struct node *nd);

/*
 * The UTM's word on a decrypted packet of t (utm.h), from the peer or
 * from the overlay: true to let it go on. A reset goes to both ends:
 * into the overlay for the side here, through the tunnel for the peer.
 */
static bool utm_pass(struct node *nd, struct tunnel *t, const uint8_t *pkt,
		     size_t len, bool from_peer, uint64_t now)
{
	const struct l7_policy *pol = conf_tunnel_l7(&nd->conf, &t->conf);
	struct utm_pkt up = {
		.tunnel = t->conf.id, .pol = pol, .pkt = pkt, .len = len,
	};
	struct utm_reset rst;
	enum utm_verdict v;
	bool here_server;

	if (!utm_wants(nd->utm, pol))
		return true;
	/* The server's side of a tunnel is where its service is. */
	here_server = t->conf.server;
	up.dir = from_peer == here_server ? L7_TO_SERVER : L7_TO_CLIENT;
	v = utm_inspect(nd->utm, &up, now, &rst);
	if (v == UTM_PASS)
		return true;
	t->drops[TDROP_UTM]++;
	if (v == UTM_RESET) {
		to_overlay(nd, here_server ? rst.to_server : rst.to_client, 40,
			   NULL);
		send_data(nd, t, here_server ? rst.to_client : rst.to_server,
			  40, 0, now);
	}
	return false;
}

/*
 * One packet or TCP super-packet read from the overlay (offload.h): the
 * tunnel and its policy are judged once on its headers, which every
 * segment shares (segments only lose flags: FIN, PSH, CWR), then each
 * segment is encrypted on its own. Checksums stay partial where the
 * session's peer finishes them (wire.h TUNCTL_DATA_F_CSUM_PARTIAL); a
 * packet queued for a session still on its way is finished here.
 */
static void from_overlay(struct node *nd, const struct virtio_net_hdr *vh,
			 uint8_t *pkt, size_t len, uint64_t now)
{
	struct offload_split split;
	struct inner_pkt p;
	struct tunnel *t;
	uint8_t *seg;
	bool partial;
	size_t n;
	int ret;

	if (inner_parse(pkt, len, &p) != INNER_OK ||
	    !(t = overlay_tunnel(nd, &p, now))) {
		nd->drops_no_tunnel++;
		return;
	}
	if (!t->enabled) {
		t->drops[TDROP_DISABLED]++;
		return;
	}
	/* A later fragment was judged with its first one. */
	if (p.frag != INNER_FRAG_LATER &&
	    policy_flow(&t->flows, &t->rule, &p, true, now) != INNER_OK) {
		t->drops[TDROP_POLICY]++;
		return;
	}
	if (p.frag == INNER_FRAG_FIRST)
		frag_trail_note(&nd->frags, &p, true, (uint32_t)(t - nd->tunnels),
				now);
	/* A session send_data will use: else the packet may be queued. */
	partial = !session_expired(&t->cur, now) &&
		  t->cur.features & TUNCTL_FEAT_CSUM_PARTIAL;
	if (vh->gso_type == VIRTIO_NET_HDR_GSO_NONE) {
		/*
		 * The kernel never hands over more than the overlay MTU (it
		 * fragments); a packet injected larger could not cross the
		 * wire in one datagram anyway.
		 */
		if (len > OVERLAY_MTU) {
			t->drops[TDROP_POLICY]++;
			return;
		}
		if (!utm_pass(nd, t, pkt, len, false, now))
			return;
		ret = offload_csum_prepare(vh, pkt, len, partial);
		if (ret < 0)
			t->drops[TDROP_POLICY]++;
		else
			send_data(nd, t, pkt, len,
				  ret ? TUNCTL_DATA_F_CSUM_PARTIAL : 0, now);
		return;
	}
	if (offload_split_init(&split, vh, pkt, len, OVERLAY_MTU, partial)) {
		t->drops[TDROP_POLICY]++;
		return;
	}
	while ((seg = offload_split_next(&split, &n)))
		if (utm_pass(nd, t, seg, n, false, now))
			send_data(nd, t, seg, n,
				  partial ? TUNCTL_DATA_F_CSUM_PARTIAL : 0, now);
}

void node_on_tun(struct node *nd)
{
	static uint8_t frame[OFFLOAD_VNET_LEN + OFFLOAD_PKT_MAX];
	struct virtio_net_hdr vh;
	uint64_t now = mono_ns();
	ssize_t len;
	int burst;

	for (burst = 0; burst < 64; burst++) {
		len = read(nd->tun_fd, frame, sizeof(frame));
		if (len < (ssize_t)OFFLOAD_VNET_LEN)
			break;
		memcpy(&vh, frame, sizeof(vh));
		from_overlay(nd, &vh, frame + OFFLOAD_VNET_LEN,
			     len - OFFLOAD_VNET_LEN, now);
	}
	gro_flush(nd);		/* the UTM's resets into the overlay, if any */
	udp_batch_flush(nd->tx);
}

/* --- packets from the underlay ------------------------------------------- */

static struct tunnel *tunnel_by_id(struct node *nd, uint32_t id)
{
	size_t i;

	for (i = 0; i < nd->n; i++)
		if (nd->tunnels[i].conf.id == id)
			return &nd->tunnels[i];
	return NULL;
}

static void on_init(struct node *nd, const struct tunctl_msg_init *msg,
		    const struct sockaddr_in *from, uint64_t now)
{
	struct tunnel *t = tunnel_by_id(nd, be32toh(msg->tunnel_id));
	struct tunctl_msg_resp resp;
	struct noise_hs hs;
	int ret;

	if (!t || !t->conf.server || !t->enabled)
		return;
	ret = hs_consume_init(&hs, &t->keys, msg, t->last_ts);
	if (ret) {
		t->drops[ret == -EALREADY ? TDROP_HS_REPLAY : TDROP_HS_REJECTED]++;
		return;
	}
	/* Authentic: the client is where this came from (it may roam). */
	set_endpoint(nd, t, from);
	session_drop(nd, &t->next);
	t->next.local_index = index_new(nd, t);
	if (!t->next.local_index ||
	    hs_create_resp(&hs, &t->keys, t->next.local_index,
			   le32toh(msg->sender), &resp) ||
	    session_init(&t->next, &hs, false, t->next.local_index,
			 le32toh(msg->sender), now)) {
		index_drop(nd, t->next.local_index);
		memset(&t->next, 0, sizeof(t->next));
		noise_hs_wipe(&hs);
		return;
	}
	noise_hs_wipe(&hs);
	t->next.tunnel_id = t->conf.id;
	map_session(nd, t, t->next.local_index);
	t->handshakes++;
	t->last_handshake = time(NULL);
	send_udp(nd, t, &resp, sizeof(resp));
}

/* A client's packets must come from the server's endpoint. */
static bool from_endpoint(const struct tunnel *t, const struct sockaddr_in *from)
{
	return t->conf.server ||
	       (t->endpoint.sin_addr.s_addr == from->sin_addr.s_addr &&
		t->endpoint.sin_port == from->sin_port);
}

static void on_resp(struct node *nd, const struct tunctl_msg_resp *msg,
		    const struct sockaddr_in *from, uint64_t now)
{
	struct tunnel *t = index_table_get(&nd->index, le32toh(msg->receiver));
	struct session fresh;

	struct noise_hs hs;

	if (!t || !t->hs_pending || t->hs_index != le32toh(msg->receiver))
		return;
	/* Only the genuine response may end the handshake: try a copy. */
	if (!from_endpoint(t, from)) {
		t->drops[TDROP_HS_REJECTED]++;
		return;
	}
	hs = t->hs;
	if (hs_consume_resp(&hs, &t->keys, msg) ||
	    session_init(&fresh, &hs, true, t->hs_index,
			 le32toh(msg->sender), now)) {
		noise_hs_wipe(&hs);
		t->drops[TDROP_HS_REJECTED]++;
		return;
	}
	noise_hs_wipe(&hs);
	noise_hs_wipe(&t->hs);
	fresh.tunnel_id = t->conf.id;
	t->hs_pending = false;
	t->last_rx_ns = t->last_answerable_rx_ns = now;
	t->unanswered_since_ns = 0;
	session_drop(nd, &t->prev);
	t->prev = t->cur;
	t->cur = fresh;
	t->handshakes++;
	t->last_handshake = time(NULL);
	queue_flush(nd, t, now);
	session_wipe(&fresh);
}

/* Write what the GRO batch holds to the overlay. */
static void gro_flush(struct node *nd)
{
	size_t n = offload_gro_finish(nd->gro);

	if (n && write(nd->tun_fd, nd->gro->buf, n) < 0)
		nd->tun_write_errors++;
}

/*
 * A decrypted, vetted packet: joined to the batch, or written alone. A
 * partial checksum (wire.h) goes to the kernel as NEEDS_CSUM, as a
 * packet of its own stack would: partial is that header, or NULL.
 */
static void to_overlay(struct node *nd, const uint8_t *pkt, size_t len,
		       const struct virtio_net_hdr *partial)
{
	static const struct virtio_net_hdr plain;
	struct iovec iov[2] = {
		{ .iov_base = (void *)(partial ? partial : &plain),
		  .iov_len = sizeof(plain) },
		{ .iov_base = (void *)pkt, .iov_len = len },
	};

	if (offload_gro_add(nd->gro, pkt, len, partial != NULL))
		return;
	gro_flush(nd);
	if (offload_gro_add(nd->gro, pkt, len, partial != NULL))
		return;
	if (writev(nd->tun_fd, iov, 2) < 0)
		nd->tun_write_errors++;
}

static void on_data(struct node *nd, const uint8_t *msg, size_t len,
		    const struct sockaddr_in *from, uint64_t now)
{
	static uint8_t pt[PKT_MAX];
	struct tunctl_msg_data h;
	uint32_t index;
	struct tunnel *t;
	struct session *s = NULL;
	struct virtio_net_hdr vh;
	struct inner_pkt p;
	uint8_t flags;
	bool partial;
	long n;

	/* Copied out: in a UDP GRO run a message need not be aligned. */
	memcpy(&h, msg, sizeof(h));
	index = le32toh(h.receiver);
	t = index_table_get(&nd->index, index);
	if (!t)
		return;
	if (t->cur.valid && t->cur.local_index == index)
		s = &t->cur;
	else if (t->next.valid && t->next.local_index == index)
		s = &t->next;
	else if (t->prev.valid && t->prev.local_index == index)
		s = &t->prev;
	if (!s)
		return;
	if (!t->enabled) {
		t->drops[TDROP_DISABLED]++;
		return;
	}
	if (!from_endpoint(t, from)) {
		t->drops[TDROP_NOT_AUTHENTIC]++;
		return;
	}
	n = session_decrypt(s, msg, len, pt, &flags, now);
	if (n < 0) {
		t->drops[n == -ESTALE ? TDROP_REPLAY : TDROP_NOT_AUTHENTIC]++;
		return;
	}
	if (s == &t->next) {
		/* The client has moved to the new session: so do we. */
		session_drop(nd, &t->prev);
		t->prev = t->cur;
		t->cur = t->next;
		memset(&t->next, 0, sizeof(t->next));
		s = &t->cur;
	}
	if (t->conf.server)
		set_endpoint(nd, t, from);
	t->last_rx_ns = now;
	t->unanswered_since_ns = 0;
	if (!n)
		return;		/* a keepalive: proof of the path, owed nothing */
	t->last_answerable_rx_ns = now;
	if (inner_parse(pt, n, &p) != INNER_OK ||
	    (p.frag == INNER_FRAG_LATER ?
	     frag_trail_find(&nd->frags, &p, false, now) != t - nd->tunnels :
	     policy_flow(&t->flows, &t->rule, &p, false, now) != INNER_OK) ||
	    (t->rule.internet && t->rule.server &&
	     is_own_addr(nd, p.daddr, now))) {
		t->drops[TDROP_POLICY]++;
		return;
	}
	if (!utm_pass(nd, t, pt, n, true, now))
		return;
	if (p.frag == INNER_FRAG_FIRST)
		frag_trail_note(&nd->frags, &p, false, (uint32_t)(t - nd->tunnels),
				now);
	/* Only where the session agreed to it, and where it can be. */
	partial = flags & TUNCTL_DATA_F_CSUM_PARTIAL &&
		  s->features & TUNCTL_FEAT_CSUM_PARTIAL &&
		  offload_partial_hdr(pt, n, &vh);
	t->rx_packets++;
	t->rx_bytes += n;
	to_overlay(nd, pt, n, partial ? &vh : NULL);
}

static void on_message(struct node *nd, const uint8_t *buf, size_t len,
		       const struct sockaddr_in *from, uint64_t now)
{
	if (len < 4)
		return;
	if (buf[0] == TUNCTL_MSG_INIT && len == sizeof(struct tunctl_msg_init))
		on_init(nd, (const void *)buf, from, now);
	else if (buf[0] == TUNCTL_MSG_RESP &&
		 len == sizeof(struct tunctl_msg_resp))
		on_resp(nd, (const void *)buf, from, now);
	else if (buf[0] == TUNCTL_MSG_DATA && len >= TUNCTL_DATA_OVERHEAD)
		on_data(nd, buf, len, from, now);
}

/* The datagram size of a UDP GRO batch, or the whole length. */
static size_t gro_segment(struct msghdr *msg, size_t len)
{
	struct cmsghdr *cm;
	int seg;

	for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm))
		if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO) {
			memcpy(&seg, CMSG_DATA(cm), sizeof(seg));
			return seg > 0 ? (size_t)seg : len;
		}
	return len;
}

void node_on_udp(struct node *nd)
{
	static uint8_t buf[OFFLOAD_PKT_MAX];
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct sockaddr_in from;
	struct msghdr msg = {
		.msg_name = &from, .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf,
	};
	uint64_t now = mono_ns();
	size_t off, seg, one;
	ssize_t len;
	int burst;

	for (burst = 0; burst < 64; burst++) {
		msg.msg_namelen = sizeof(from);
		msg.msg_controllen = sizeof(ctl.buf);
		len = recvmsg(nd->udp_fd, &msg, 0);
		if (len < 0)
			break;
		if (msg.msg_namelen < sizeof(from) ||
		    from.sin_family != AF_INET)
			continue;
		/* Coalesced by the kernel: datagrams of seg bytes each. */
		seg = gro_segment(&msg, len);
		for (off = 0; off < (size_t)len; off += one) {
			one = (size_t)len - off < seg ? (size_t)len - off : seg;
			on_message(nd, buf + off, one, &from, now);
		}
	}
	gro_flush(nd);
	udp_batch_flush(nd->tx);
}

/* --- timers --------------------------------------------------------------- */

/* The relays a client tunnel goes through: its own, else its peer's. */
static const struct sockaddr_in *tunnel_via(const struct node *nd,
					    const struct tunnel *t, size_t *n)
{
	const struct conf_peer *peer = &nd->conf.peers[t->conf.peer];

	if (t->conf.server) {
		*n = 0;
		return NULL;
	}
	*n = t->conf.n_via ? t->conf.n_via : peer->n_via;
	return t->conf.n_via ? t->conf.via : peer->via;
}

/*
 * Passive keepalive: a side that received data and has had nothing to
 * send for KEEPALIVE_NS answers with an empty data packet, so a peer
 * sending one way still hears that its path works (failover needs it).
 */
#define KEEPALIVE_NS (1000ULL * 1000000ULL)
/* A path that answered nothing this long after we sent is given up. */
#define FAILOVER_NS (3000ULL * 1000000ULL)

static void keepalive(struct node *nd, struct tunnel *t, uint64_t now)
{
	static uint8_t out[TUNCTL_DATA_OVERHEAD];
	long n;

	if (!t->enabled || !t->cur.valid ||
	    t->last_answerable_rx_ns <= t->last_tx_ns ||
	    now - t->last_answerable_rx_ns < KEEPALIVE_NS)
		return;
	n = session_encrypt(&t->cur, NULL, 0, 0, out, now);
	if (n >= 0) {
		send_udp(nd, t, out, n);
		/* An answer, not a question: nothing is owed in return. */
		t->unanswered_since_ns = 0;
	}
}

/* The client moves to its next relay when the one in use goes quiet. */
static void failover(struct node *nd, struct tunnel *t, uint64_t now)
{
	size_t n;
	const struct sockaddr_in *via = tunnel_via(nd, t, &n);

	if (n < 2 || !t->enabled || !t->unanswered_since_ns ||
	    now - t->unanswered_since_ns < FAILOVER_NS)
		return;
	t->via_cur = (t->via_cur + 1) % n;
	set_endpoint(nd, t, &via[t->via_cur]);
	t->unanswered_since_ns = 0;
	t->failovers++;
	/* The session's keys are good on any path; a handshake in flight
	 * starts over on the new one at once. */
	if (t->hs_pending)
		hs_start(nd, t, now, true);
}

static void expire(struct node *nd, struct session *s, uint64_t now)
{
	if (s->valid && now - s->created_ns >= session_timers.reject_after_ns)
		session_drop(nd, s);
}

void node_tick(struct node *nd)
{
	uint64_t now = mono_ns();
	size_t i;

	for (i = 0; i < nd->n; i++) {
		struct tunnel *t = &nd->tunnels[i];

		expire(nd, &t->cur, now);
		expire(nd, &t->prev, now);
		expire(nd, &t->next, now);
		keepalive(nd, t, now);
		failover(nd, t, now);
		if (t->hs_queued) {
			hs_start(nd, t, now, t->hs_queued_retry);
			continue;
		}
		if (!t->hs_pending || now - t->hs_sent_ns < session_timers.rekey_timeout_ns)
			continue;
		if (now - t->hs_started_ns >= session_timers.rekey_attempt_ns ||
		    !t->enabled) {
			/* Give up until there is traffic to carry again. */
			hs_abort(nd, t);
			queue_clear(t);
			continue;
		}
		hs_start(nd, t, now, true);
	}
	udp_batch_flush(nd->tx);
}

/* --- control --------------------------------------------------------------- */

int node_set_enabled(struct node *nd, uint32_t id, bool enabled)
{
	struct tunnel *t = tunnel_by_id(nd, id);

	if (!t)
		return -ENOENT;
	t->enabled = enabled;
	map_tunnel(nd, t);
	if (!enabled) {
		hs_abort(nd, t);
		queue_clear(t);
	} else if (!t->conf.server && !t->cur.valid) {
		hs_start(nd, t, mono_ns(), false);
	}
	return 0;
}

static const char *tunnel_state(const struct tunnel *t, uint64_t now)
{
	if (!t->enabled)
		return "disabled";
	/* A server's fresh session counts: its handshake is complete. */
	if ((t->cur.valid && !session_expired(&t->cur, now)) ||
	    (t->next.valid && !session_expired(&t->next, now)))
		return "active";
	if (t->hs_pending || t->hs_queued)
		return "handshaking";
	return "down";
}

json_t *node_tunnels_json(struct node *nd)
{
	json_t *list = json_array();
	uint64_t now = mono_ns();
	char ep[INET_ADDRSTRLEN + 8] = "";
	size_t i, n_via;
	int d;

	for (i = 0; i < nd->n; i++) {
		struct tunnel *t = &nd->tunnels[i];
		const struct conf_peer *peer = &nd->conf.peers[t->conf.peer];
		json_t *drops = json_object(), *o;

		if (t->has_endpoint) {
			inet_ntop(AF_INET, &t->endpoint.sin_addr, ep, INET_ADDRSTRLEN);
			snprintf(ep + strlen(ep), 8, ":%u", ntohs(t->endpoint.sin_port));
		} else {
			ep[0] = '\0';
		}
		for (d = 0; d < TDROP_MAX; d++)
			json_object_set_new(drops, tdrop_names[d],
					    json_integer(t->drops[d]));
		o = json_pack("{sIsssssssssssI}", "id", (json_int_t)t->conf.id,
			      "type", conf_tunnel_type_name(t->conf.type),
			      "side", t->conf.server ? "server" : "client",
			      "peer", peer->name, "state", tunnel_state(t, now),
			      "protocol", conf_protocol_name(t->conf.protocol),
			      "port", (json_int_t)t->conf.port);
		json_object_set_new(o, "device", json_string(nd->dev));
		if (t->conf.type == TUNNEL_EXTERNAL) {
			char tg[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &t->conf.target, tg, sizeof(tg));
			json_object_set_new(o, "target", json_string(tg));
		}
		json_object_set_new(o, "endpoint", *ep ? json_string(ep) : json_null());
		json_object_set_new(o, "tx_packets", json_integer(t->tx_packets));
		json_object_set_new(o, "tx_bytes", json_integer(t->tx_bytes));
		json_object_set_new(o, "rx_packets", json_integer(t->rx_packets));
		json_object_set_new(o, "rx_bytes", json_integer(t->rx_bytes));
		json_object_set_new(o, "handshakes", json_integer(t->handshakes));
		if (t->cur.valid)
			json_object_set_new(o, "cipher", json_string(
				cipher_name(t->cur.send_key.suite)));
		json_object_set_new(o, "last_handshake",
				    t->last_handshake ? json_integer(t->last_handshake) :
							json_null());
		json_object_set_new(o, "drops", drops);
		if (tunnel_via(nd, t, &n_via) && n_via) {
			const struct sockaddr_in *vs = tunnel_via(nd, t, &n_via);
			json_t *via = json_array();
			char a[INET_ADDRSTRLEN + 8];
			size_t v;

			for (v = 0; v < n_via; v++) {
				inet_ntop(AF_INET, &vs[v].sin_addr, a, INET_ADDRSTRLEN);
				snprintf(a + strlen(a), 8, ":%u", ntohs(vs[v].sin_port));
				json_array_append_new(via, json_string(a));
			}
			json_object_set_new(o, "via", via);
			json_object_set_new(o, "via_active", json_integer(t->via_cur));
			json_object_set_new(o, "failovers", json_integer(t->failovers));
		}
		json_array_append_new(list, o);
	}
	return list;
}

/* --- start and stop ---------------------------------------------------------- */

/* Does this config hand packets to the kernel to forward? */
static bool conf_forwards(const struct tunctl_conf *c)
{
	size_t i;

	for (i = 0; i < c->n_tunnels; i++)
		if (c->tunnels[i].server && c->tunnels[i].type != TUNNEL_REGULAR)
			return true;
	return false;
}

static const struct conf_tunnel *conf_inet_client(const struct tunctl_conf *c)
{
	size_t i;

	for (i = 0; i < c->n_tunnels; i++)
		if (!c->tunnels[i].server && c->tunnels[i].type == TUNNEL_INTERNET)
			return &c->tunnels[i];
	return NULL;
}

/* Remove the internet rule if dev's daemon put one in. */
static void rule_forget(const char *dev)
{
	char path[4096];

	if (run_path(dev, "route", path, sizeof(path)) || access(path, F_OK))
		return;
	while (!rtnl_rule_not_mark(false, TUNCTL_RT_TABLE, TUNCTL_RT_PRIORITY,
				   TUNCTL_MARK_SOCK))
		;
	unlink(path);
}

/*
 * The kernel's routes into the overlay for c's client tunnels: each
 * external target, and for an internet tunnel a table of ours (a default
 * route into the overlay, local.networks thrown back to the main table)
 * that every packet but the tunnel socket's own looks up first. Routes
 * through the TUN device vanish with it; without them, packets take the
 * main table to the attached device, whose datapath drops them.
 */
static int kernel_routes(struct node *nd, const struct tunctl_conf *c,
			 bool add)
{
	int ifindex = if_nametoindex(nd->conf.overlay_ifname), ret = 0, r;
	char path[4096];
	size_t i;

	if (!ifindex)
		return -ENODEV;
	for (i = 0; i < c->n_tunnels; i++) {
		const struct conf_tunnel *t = &c->tunnels[i];

		if (t->server || t->type != TUNNEL_EXTERNAL)
			continue;
		r = rtnl_route(add, TUNCTL_RT_MAIN, t->target.s_addr, 32, ifindex);
		if (add && r && r != -EEXIST)
			ret = r;
	}
	if (!conf_inet_client(c))
		return ret;
	if (!add) {
		rule_forget(nd->dev);
		for (i = 0; i < c->local.n_networks; i++)
			rtnl_route(false, TUNCTL_RT_TABLE,
				   c->local.networks[i].net.s_addr,
				   c->local.networks[i].len, 0);
		rtnl_route(false, TUNCTL_RT_TABLE, 0, 0, ifindex);
		nd->internet_route = false;
		return ret;
	}
	r = rtnl_route(true, TUNCTL_RT_TABLE, 0, 0, ifindex);
	for (i = 0; !r && i < c->local.n_networks; i++)
		r = rtnl_route(true, TUNCTL_RT_TABLE,
			       c->local.networks[i].net.s_addr,
			       c->local.networks[i].len, 0);
	if (!r) {
		r = rtnl_rule_not_mark(true, TUNCTL_RT_TABLE, TUNCTL_RT_PRIORITY,
				       TUNCTL_MARK_SOCK);
		if (r == -EEXIST)
			r = 0;	/* left by a daemon that died */
	}
	nd->internet_route = !r;
	/* Remembered, for a detach after we died to undo. */
	if (!r && !run_path(nd->dev, "route", path, sizeof(path)))
		close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	return r ? r : ret;
}

void node_forget_kernel_state(const char *dev)
{
	rule_forget(dev);
	forward_stop(dev);
}

static int kernel_forwarding(struct node *nd, const struct tunctl_conf *c)
{
	char why[256];
	int ret;

	if (!conf_forwards(c) || nd->forwarding)
		return 0;
	if (nd->overlay_link < 0) {
		err("daemon %s: the overlay program is not attached; cannot forward",
		    nd->dev);
		return -ENOENT;
	}
	ret = forward_start(nd->dev, why, sizeof(why));
	if (ret) {
		err("daemon %s: forwarding: %s", nd->dev, why);
		return ret;
	}
	nd->forwarding = true;
	return 0;
}

static int open_maps(struct node *nd)
{
	nd->map_tunnels = pin_open(nd->dev, TUNCTL_MAP_TUNNELS);
	nd->map_sessions = pin_open(nd->dev, TUNCTL_MAP_SESSIONS);
	nd->map_peers = pin_open(nd->dev, TUNCTL_MAP_PEERS);
	if (nd->map_tunnels < 0 || nd->map_sessions < 0 || nd->map_peers < 0)
		return -ENOENT;
	clear_map(nd->map_sessions, sizeof(__u32));
	clear_map(nd->map_peers, sizeof(struct tunctl_peer_key));
	clear_map(nd->map_tunnels, sizeof(__u32));
	return 0;
}

static int open_udp(const char *dev, uint16_t port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET, .sin_port = htons(port),
	};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	unsigned int mark = TUNCTL_MARK_SOCK;

	/*
	 * Only the attached device, where the datapath vets every packet;
	 * the mark keeps our packets off the internet tunnel's route.
	 */
	int one = 1, bufsz = SOCKET_BUF_BYTES;

	/*
	 * 16 MB each way: a TCP stream through the tunnel arrives faster
	 * than the daemon is scheduled at times, and with 4 MB the receive
	 * queue overflowed (thousands of drops, as many retransmits). GRO
	 * hands us runs of datagrams in one read (node_on_udp splits them).
	 * Both are only speed: without them the daemon works, one packet at
	 * a time.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bufsz, sizeof(bufsz)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz, sizeof(bufsz)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, strlen(dev)) ||
	    setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

/* Runtime state for configured tunnel i of nd->conf, fresh. */
static int tunnel_init(struct node *nd, struct tunnel *t, size_t i)
{
	const struct conf_peer *peer;
	size_t n_via;

	/*
	 * t is fresh from alloc_tables(), zeroed by calloc: no memset of its
	 * 5.9 KB (a page that holds only sessions stays untouched until a
	 * handshake needs it).
	 */
	t->conf = nd->conf.tunnels[i];
	if (hs_keys_init(&t->keys, t->conf.id, t->conf.private_key,
			 t->conf.peer_public_key))
		return -EINVAL;
	t->enabled = t->conf.enabled;
	peer = &nd->conf.peers[t->conf.peer];
	map_tunnel(nd, t);
	/* Through relays: the first path first (node_tick fails over). */
	if (tunnel_via(nd, t, &n_via) && n_via)
		set_endpoint(nd, t, &tunnel_via(nd, t, &n_via)[0]);
	else if (peer->has_endpoint)
		set_endpoint(nd, t, &peer->endpoint);
	return 0;
}

/* What depends on the config and the tunnel's place: rule and route. */
static void tunnel_place(struct node *nd, struct tunnel *t, size_t i)
{
	const struct conf_peer *peer = &nd->conf.peers[t->conf.peer];

	uint32_t mask = htonl(~0U << (32 - nd->conf.overlay_prefix));
	size_t k;

	t->rule = (struct tunnel_rule){
		.server = t->conf.server,
		.internet = t->conf.type == TUNNEL_INTERNET,
		.own_addr = nd->conf.overlay_addr.s_addr,
		.peer_addr = peer->overlay.s_addr,
		.proto = t->conf.protocol,
		.port = t->conf.port,
		.overlay_net = nd->conf.overlay_addr.s_addr & mask,
		.overlay_mask = mask,
		.local_net = nd->local_net,
		.local_mask = nd->local_mask,
		.n_local = nd->conf.local.n_networks,
	};
	/* An external tunnel's service lives at its target. */
	if (t->conf.type == TUNNEL_EXTERNAL) {
		if (t->conf.server)
			t->rule.own_addr = t->conf.target.s_addr;
		else
			t->rule.peer_addr = t->conf.target.s_addr;
	}
	for (k = 0; k < nd->conf.local.n_networks; k++) {
		const struct conf_prefix *np = &nd->conf.local.networks[k];

		nd->local_mask[k] = np->len ? htonl(~0U << (32 - np->len)) : 0;
		nd->local_net[k] = np->net.s_addr;
	}
	if (t->rule.internet && !t->conf.server)
		nd->inet_client = t;
	/* Internet tunnels have no fixed service: never found by route. */
	nd->routes[i] = (struct route){
		.peer = t->rule.peer_addr,
		.src = t->rule.own_addr, .proto = t->conf.protocol,
		.server = t->conf.server, .port = t->conf.port,
		.t = t->rule.internet ? NULL : t,
	};
}

static int alloc_tables(struct node *nd, size_t n)
{
	nd->n = n;
	nd->inet_client = NULL;
	nd->tunnels = calloc(n + 1, sizeof(*nd->tunnels));
	nd->routes = calloc(n + 1, sizeof(*nd->routes));
	if (!nd->tunnels || !nd->routes)
		return -ENOMEM;
	/* cur, prev, next and a handshake in flight: 4 per tunnel at most. */
	return index_table_init(&nd->index, 4 * n + 4);
}

static int setup_tunnels(struct node *nd)
{
	size_t i;
	int ret;

	ret = alloc_tables(nd, nd->conf.n_tunnels);
	if (ret)
		return ret;
	for (i = 0; i < nd->n; i++) {
		ret = tunnel_init(nd, &nd->tunnels[i], i);
		if (ret)
			return ret;
		tunnel_place(nd, &nd->tunnels[i], i);
	}
	nd->n_routes = nd->n;
	qsort(nd->routes, nd->n_routes, sizeof(*nd->routes), route_cmp);
	return 0;
}

int node_start(struct node *nd, const char *dev, struct tunctl_conf *conf)
{
	struct tunctl_config cfg;
	uint64_t now = mono_ns();
	size_t i;
	int ret;

	memset(nd, 0, sizeof(*nd));
	nd->dev = dev;
	nd->tun_fd = nd->udp_fd = -1;
	nd->map_tunnels = nd->map_sessions = nd->map_peers = -1;
	nd->overlay_link = -1;
	nd->conf = *conf;
	memset(conf, 0, sizeof(*conf));
	/* For tests only: watch a rekey in seconds instead of minutes. */
	if (getenv("TUNCTL_TIMER_SCALE")) {
		unsigned long scale;

		if (parse_uint(getenv("TUNCTL_TIMER_SCALE"), 1, 1000, &scale) ||
		    session_timers_scale(scale)) {
			err("daemon %s: TUNCTL_TIMER_SCALE: expected 1 to 1000", dev);
			return -EINVAL;
		}
	}
	ret = open_maps(nd);
	if (ret) {
		err("daemon %s: datapath maps: %s", dev, strerror(-ret));
		return ret;
	}
	nd->tun_fd = tun_open(nd->conf.overlay_ifname, nd->conf.overlay_addr,
			      nd->conf.overlay_prefix, OVERLAY_MTU);
	if (nd->tun_fd < 0) {
		err("daemon %s: overlay interface %s: %s", dev,
		    nd->conf.overlay_ifname, strerror(-nd->tun_fd));
		return nd->tun_fd;
	}
	nd->overlay_link = dp_overlay_attach(dev,
			if_nametoindex(nd->conf.overlay_ifname));
	ret = kernel_forwarding(nd, &nd->conf);
	if (ret)
		return ret;
	nd->udp_fd = open_udp(dev, nd->conf.listen_port);
	if (nd->udp_fd < 0) {
		err("daemon %s: UDP port %u: %s", dev, nd->conf.listen_port,
		    strerror(-nd->udp_fd));
		return nd->udp_fd;
	}
	nd->tx = malloc(sizeof(*nd->tx));
	nd->gro = calloc(1, sizeof(*nd->gro));
	if (!nd->tx || !nd->gro) {
		err("daemon %s: out of memory", dev);
		return -ENOMEM;
	}
	udp_batch_init(nd->tx, nd->udp_fd);
	ret = node_utm_start(nd);
	if (ret)
		return ret;
	ret = setup_tunnels(nd);
	if (ret) {
		err("daemon %s: tunnels: %s", dev, strerror(-ret));
		return ret;
	}
	ret = kernel_routes(nd, &nd->conf, true);
	if (ret) {
		err("daemon %s: routes into %s: %s", dev,
		    nd->conf.overlay_ifname, strerror(-ret));
		return ret;
	}
	/* Open the datapath for our port only once everything is ready. */
	ret = dp_config_read(dev, &cfg);
	if (!ret) {
		cfg.listen_port = htons(nd->conf.listen_port);
		cfg.hs_rate = TUNCTL_HS_DEFAULT_RATE;
		ret = dp_config_write(dev, &cfg);
	}
	if (ret) {
		err("daemon %s: datapath config: %s", dev, strerror(-ret));
		return ret;
	}
	for (i = 0; i < nd->n; i++)
		if (!nd->tunnels[i].conf.server && nd->tunnels[i].enabled)
			hs_start(nd, &nd->tunnels[i], now, false);
	return 0;
}

/* Everything of a tunnel that is going away: sessions, maps, secrets. */
static void tunnel_teardown(struct node *nd, struct tunnel *t)
{
	hs_abort(nd, t);
	session_drop(nd, &t->cur);
	session_drop(nd, &t->prev);
	session_drop(nd, &t->next);
	queue_clear(t);
	if (t->endpoint_in_map)
		peer_ref(nd, &t->endpoint, -1);
	bpf_map_delete_elem(nd->map_tunnels, &t->conf.id);
	hs_keys_wipe(&t->keys);
	sodium_memzero(t, sizeof(*t));
}

/* The same tunnel, to the same peer, with the same keys? */
static bool tunnel_same(const struct tunctl_conf *ca, const struct conf_tunnel *a,
			const struct tunctl_conf *cb, const struct conf_tunnel *b)
{
	const struct conf_peer *pa = &ca->peers[a->peer], *pb = &cb->peers[b->peer];

	return a->id == b->id && a->type == b->type && a->server == b->server &&
	       a->protocol == b->protocol && a->port == b->port &&
	       a->target.s_addr == b->target.s_addr &&
	       a->enabled == b->enabled && a->n_via == b->n_via &&
	       !memcmp(a->via, b->via, sizeof(a->via)) &&
	       pa->n_via == pb->n_via && !memcmp(pa->via, pb->via, sizeof(pa->via)) &&
	       key_equal(a->private_key, b->private_key) &&
	       key_equal(a->peer_public_key, b->peer_public_key) &&
	       pa->overlay.s_addr == pb->overlay.s_addr &&
	       pa->has_endpoint == pb->has_endpoint &&
	       (!pa->has_endpoint ||
		(pa->endpoint.sin_addr.s_addr == pb->endpoint.sin_addr.s_addr &&
		 pa->endpoint.sin_port == pb->endpoint.sin_port));
}

static void index_add(struct node *nd, uint32_t index, struct tunnel *t)
{
	if (index)
		index_table_put(&nd->index, index, t);
}

int node_reload(struct node *nd, const char *config_path, char *why,
		size_t why_len)
{
	struct tunctl_conf old_conf, conf;
	struct utm_prep prep;
	struct tunnel *old = nd->tunnels;
	size_t old_n = nd->n, i, j, kept = 0;
	bool *taken;
	struct conf_diag diag;
	int ret;

	ret = conf_load_file(config_path, &conf, &diag);
	if (ret) {
		snprintf(why, why_len, "%s", diag.n ? diag.msg[0] : "unreadable");
		conf_diag_free(&diag);
		return ret;
	}
	if (conf.listen_port != nd->conf.listen_port ||
	    conf.overlay_addr.s_addr != nd->conf.overlay_addr.s_addr ||
	    conf.overlay_prefix != nd->conf.overlay_prefix ||
	    strcmp(conf.overlay_ifname, nd->conf.overlay_ifname)) {
		snprintf(why, why_len, "node.listen_port and node.overlay change only with detach and attach");
		conf_free(&conf);
		return -EXDEV;
	}
	ret = node_utm_prepare(nd, &conf, &prep, why, why_len);
	if (ret) {
		conf_free(&conf);
		return ret;
	}
	ret = relay_apply(nd->dev, &conf);
	if (ret) {
		snprintf(why, why_len, "relay: %s", relay_strerror(ret));
		node_utm_abort(&prep);
		conf_free(&conf);
		return ret;
	}
	taken = calloc(old_n + 1, sizeof(*taken));
	if (!taken) {
		node_utm_abort(&prep);
		conf_free(&conf);
		return -ENOMEM;
	}
	old_conf = nd->conf;
	nd->conf = conf;
	free(nd->routes);
	index_table_free(&nd->index);
	ret = alloc_tables(nd, conf.n_tunnels);
	if (ret) {
		/* Keep running what we had. */
		free(nd->tunnels);
		nd->tunnels = old;
		nd->n = old_n;
		nd->conf = old_conf;
		node_utm_abort(&prep);
		conf_free(&conf);
		free(taken);
		snprintf(why, why_len, "out of memory");
		return ret;
	}
	/* From here the new config is the node's: so are its rules. */
	node_utm_commit(nd, &prep);
	/* Trails name tunnels by index, which moves: fragments in flight are lost. */
	memset(&nd->frags, 0, sizeof(nd->frags));
	for (i = 0; i < nd->n; i++) {
		struct tunnel *t = &nd->tunnels[i];

		for (j = 0; j < old_n; j++) {
			if (taken[j] || !tunnel_same(&old_conf, &old[j].conf,
						     &nd->conf, &nd->conf.tunnels[i]))
				continue;
			/* Unchanged: its sessions carry on as they are. */
			*t = old[j];
			t->conf = nd->conf.tunnels[i];
			taken[j] = true;
			kept++;
			break;
		}
		if (j == old_n && tunnel_init(nd, t, i))
			t->enabled = false;
		tunnel_place(nd, t, i);
	}
	for (j = 0; j < old_n; j++) {
		if (!taken[j])
			tunnel_teardown(nd, &old[j]);
		else
			sodium_memzero(&old[j], sizeof(old[j]));
	}
	free(taken);
	free(old);
	/* Routes follow the tunnels; a gap drops (default deny), never leaks. */
	kernel_routes(nd, &old_conf, false);
	kernel_routes(nd, &nd->conf, true);
	kernel_forwarding(nd, &nd->conf);
	conf_free(&old_conf);
	/* A changed tunnel keeping its id was just unmapped by its old self. */
	for (i = 0; i < nd->n; i++)
		map_tunnel(nd, &nd->tunnels[i]);
	nd->n_routes = nd->n;
	qsort(nd->routes, nd->n_routes, sizeof(*nd->routes), route_cmp);
	/* The index points into the tunnel array, which has moved. */
	for (i = 0; i < nd->n; i++) {
		struct tunnel *t = &nd->tunnels[i];

		index_add(nd, t->cur.valid ? t->cur.local_index : 0, t);
		index_add(nd, t->prev.valid ? t->prev.local_index : 0, t);
		index_add(nd, t->next.valid ? t->next.local_index : 0, t);
		index_add(nd, t->hs_pending ? t->hs_index : 0, t);
		if (!t->conf.server && t->enabled && !t->cur.valid &&
		    !t->hs_pending && !t->hs_queued)
			hs_start(nd, t, mono_ns(), false);
	}
	snprintf(why, why_len, "%zu tunnels kept, %zu started, %zu stopped",
		 kept, nd->n - kept, old_n - kept);
	return 0;
}

void node_stop(struct node *nd)
{
	struct tunctl_config cfg;
	size_t i;

	/* Stopping closes the port: no admitted packets for nobody. */
	if (nd->dev && nd->map_tunnels >= 0 && !dp_config_read(nd->dev, &cfg) &&
	    cfg.listen_port) {
		cfg.listen_port = 0;
		dp_config_write(nd->dev, &cfg);
	}
	if (nd->map_sessions >= 0)
		clear_map(nd->map_sessions, sizeof(__u32));
	if (nd->map_peers >= 0)
		clear_map(nd->map_peers, sizeof(struct tunctl_peer_key));
	if (nd->map_tunnels >= 0)
		clear_map(nd->map_tunnels, sizeof(__u32));

	if (nd->internet_route)
		kernel_routes(nd, &nd->conf, false);
	if (nd->forwarding)
		forward_stop(nd->dev);
	if (nd->overlay_link > 0)
		close(nd->overlay_link);
	for (i = 0; nd->tunnels && i < nd->n; i++) {
		struct tunnel *t = &nd->tunnels[i];

		noise_hs_wipe(&t->hs);
		session_wipe(&t->cur);
		session_wipe(&t->prev);
		session_wipe(&t->next);
		queue_clear(t);
		hs_keys_wipe(&t->keys);
	}
	if (nd->tunnels)
		sodium_memzero(nd->tunnels, nd->n * sizeof(*nd->tunnels));
	free(nd->tunnels);
	free(nd->routes);
	index_table_free(&nd->index);
	node_utm_stop(nd);
	conf_free(&nd->conf);
	if (nd->gro)
		sodium_memzero(nd->gro, sizeof(*nd->gro));
	free(nd->gro);
	free(nd->tx);
	if (nd->tun_fd >= 0)
		close(nd->tun_fd);
	if (nd->udp_fd >= 0)
		close(nd->udp_fd);
	if (nd->map_tunnels >= 0)
		close(nd->map_tunnels);
	if (nd->map_sessions >= 0)
		close(nd->map_sessions);
	if (nd->map_peers >= 0)
		close(nd->map_peers);
	memset(nd, 0, sizeof(*nd));
}
