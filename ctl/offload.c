// SPDX-License-Identifier: GPL-2.0-only
/*
 * TSO and GRO for the overlay TUN device, in userspace (offload.h).
 * Checksums are summed as native-endian words and stored as they come
 * out: the one's complement sum does not care about byte order (RFC 1071
 * section 2(B)), so no swapping is needed but for the pseudo-header's
 * small numbers.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "bytes.h"
#include "offload.h"

#define TH_CWR	0x80	/* not in glibc's netinet/tcp.h */

static uint64_t sum_words(uint64_t sum, const uint8_t *p, size_t len)
{
	uint32_t w;
	uint16_t h;

	while (len >= 4) {
		memcpy(&w, p, 4);
		sum += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		sum += h;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint8_t last[2] = { *p, 0 };

		memcpy(&h, last, 2);
		sum += h;
	}
	return sum;
}

static uint16_t fold(uint64_t sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The TCP pseudo-header of an IPv4 packet with l4_len bytes of TCP. */
static uint64_t pseudo_tcp4(const uint8_t *ip, size_t l4_len)
{
	uint32_t s, d;

	memcpy(&s, ip + 12, 4);
	memcpy(&d, ip + 16, 4);
	return (uint64_t)s + d + htons(IPPROTO_TCP) + htons((uint16_t)l4_len);
}

void offload_ip_csum_set(uint8_t *ip, size_t ihl)
{
	uint16_t v;

	ip[10] = ip[11] = 0;
	v = ~fold(sum_words(0, ip, ihl));
	memcpy(ip + 10, &v, 2);
}

void offload_tcp4_csum_set(uint8_t *ip, size_t ihl, size_t tot)
{
	uint8_t *th = ip + ihl;
	uint16_t v;

	th[16] = th[17] = 0;
	v = ~fold(sum_words(pseudo_tcp4(ip, tot - ihl), th, tot - ihl));
	memcpy(th + 16, &v, 2);
}

bool offload_partial_hdr(const uint8_t *pkt, size_t len,
			 struct virtio_net_hdr *vh)
{
	size_t ihl, off;

	if (len < 20 || pkt[0] >> 4 != 4 || (pkt[6] & 0x3f) | pkt[7])
		return false;
	ihl = (pkt[0] & 0xf) * 4;
	if (pkt[9] == IPPROTO_TCP)
		off = 16;
	else if (pkt[9] == IPPROTO_UDP)
		off = 6;
	else
		return false;
	if (ihl < 20 || ihl + off + 2 > len)
		return false;
	memset(vh, 0, sizeof(*vh));
	vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh->csum_start = htole16((uint16_t)ihl);
	vh->csum_offset = htole16((uint16_t)off);
	return true;
}

int offload_csum_prepare(const struct virtio_net_hdr *vh, uint8_t *pkt,
			 size_t len, bool partial_ok)
{
	struct virtio_net_hdr want;
	size_t start, at;
	uint16_t v;

	if (!(vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return 0;
	/*
	 * Only the TCP or UDP checksum field, where the kernel's own stack
	 * puts it. The policy has judged this packet already: a checksum
	 * written anywhere else (the ports, the addresses) would change
	 * what it judged. A packet injected with other offsets is refused.
	 */
	if (!offload_partial_hdr(pkt, len, &want) ||
	    want.csum_start != vh->csum_start ||
	    want.csum_offset != vh->csum_offset)
		return -EINVAL;
	/* The peer finishes it: leave it to its kernel. */
	if (partial_ok)
		return 1;
	start = le16toh(want.csum_start);
	at = start + le16toh(want.csum_offset);
	/* The field holds the pseudo-header's sum already. */
	v = ~fold(sum_words(0, pkt + start, len - start));
	/* UDP's 0 means "no checksum": a sum that comes out 0 is sent as ~0. */
	if (!v && pkt[9] == IPPROTO_UDP)
		v = 0xffff;
	memcpy(pkt + at, &v, 2);
	return 0;
}

int offload_split_init(struct offload_split *s,
		       const struct virtio_net_hdr *vh, uint8_t *pkt,
		       size_t len, size_t max_seg, bool partial)
{
	size_t ihl, thl;

	memset(s, 0, sizeof(*s));
	if ((vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) !=
	    VIRTIO_NET_HDR_GSO_TCPV4)
		return -EINVAL;
	if (len < 40 || len > OFFLOAD_PKT_MAX || pkt[0] >> 4 != 4 ||
	    pkt[9] != IPPROTO_TCP)
		return -EINVAL;
	ihl = (pkt[0] & 0xf) * 4;
	if (ihl < 20 || len < ihl + 20)
		return -EINVAL;
	thl = (pkt[ihl + 12] >> 4) * 4;
	if (thl < 20 || len <= ihl + thl || !le16toh(vh->gso_size) ||
	    ihl + thl + le16toh(vh->gso_size) > max_seg)
		return -EINVAL;
	s->pkt = pkt;
	s->len = len;
	s->ihl = ihl;
	s->hdr_len = ihl + thl;
	s->mss = le16toh(vh->gso_size);
	s->partial = partial;
	s->n = (unsigned int)((len - s->hdr_len + s->mss - 1) / s->mss);
	memcpy(s->hdr, pkt, s->hdr_len);
	return 0;
}

uint8_t *offload_split_next(struct offload_split *s, size_t *len)
{
	size_t ihl = s->ihl, left, pay, tot;
	uint8_t *out, *th;
	uint16_t v;

	if (s->i >= s->n)
		return NULL;
	left = s->len - s->hdr_len - s->off;
	pay = left < s->mss ? left : s->mss;
	tot = s->hdr_len + pay;
	/*
	 * The segment's headers go right before its payload, over the end
	 * of the segment before, which has been sent: no payload is copied.
	 */
	out = s->pkt + s->off;
	th = out + ihl;
	memcpy(out, s->hdr, s->hdr_len);

	put_be16(out + 2, (uint16_t)tot);
	put_be16(out + 4, (uint16_t)((out[4] << 8 | out[5]) + s->i));
	offload_ip_csum_set(out, ihl);

	put_be32(th + 4, get_be32(th + 4) + (uint32_t)s->off);
	/* As the kernel's TSO: FIN and PSH end the burst, CWR starts it. */
	if (s->i != s->n - 1)
		th[13] &= ~(TH_FIN | TH_PUSH);
	if (s->i)
		th[13] &= ~TH_CWR;
	if (s->partial) {
		/* What a NEEDS_CSUM packet carries: the pseudo-header's sum. */
		v = fold(pseudo_tcp4(out, tot - ihl));
		memcpy(th + 16, &v, 2);
	} else {
		offload_tcp4_csum_set(out, ihl, tot);
	}

	s->off += pay;
	s->i++;
	*len = tot;
	return out;
}

/*
 * What may be joined: plain IPv4 (no options, no fragment), TCP carrying
 * data with ACK and at most PSH; anything else (SYN, FIN, RST, URG, ECN
 * signals) goes to the kernel alone, as its own GRO would leave it.
 */
static bool gro_candidate(const uint8_t *pkt, size_t len, size_t *thl)
{
	if (len < 40 || pkt[0] != 0x45 || pkt[9] != IPPROTO_TCP ||
	    (size_t)(pkt[2] << 8 | pkt[3]) != len ||
	    ((pkt[6] & 0x3f) | pkt[7]))
		return false;
	*thl = (pkt[20 + 12] >> 4) * 4;
	if (*thl < 20 || len <= 20 + *thl)
		return false;
	return (pkt[20 + 13] & ~TH_PUSH) == TH_ACK;
}

/* Same flow and same headers but for length, id, checksums, seq, PSH. */
static bool gro_same(const uint8_t *a, const uint8_t *b, size_t thl)
{
	const uint8_t *ta = a + 20, *tb = b + 20;

	return a[1] == b[1] && a[6] == b[6] && a[8] == b[8] &&
	       !memcmp(a + 12, b + 12, 8) &&
	       !memcmp(ta, tb, 4) &&			/* ports */
	       !memcmp(ta + 8, tb + 8, 5) &&		/* ack, offset */
	       !memcmp(ta + 14, tb + 14, 2) &&		/* window */
	       !memcmp(ta + 18, tb + 18, thl - 18);	/* urgent, options */
}

bool offload_gro_add(struct offload_gro *g, const uint8_t *pkt, size_t len,
		     bool partial)
{
	uint8_t *p = g->buf + OFFLOAD_VNET_LEN;
	size_t thl, pay;

	if (!gro_candidate(pkt, len, &thl))
		return false;
	pay = len - 20 - thl;
	if (!g->segs) {
		memcpy(p, pkt, len);
		g->len = len;
		g->hdr_len = 20 + thl;
		g->mss = pay;
		g->next_seq = get_be32(pkt + 24) + (uint32_t)pay;
		g->segs = 1;
		g->partial = partial;
		g->closed = pkt[20 + 13] & TH_PUSH;
		return true;
	}
	if (g->closed || g->segs >= OFFLOAD_GRO_SEGS ||
	    20 + thl != g->hdr_len || pay > g->mss ||
	    g->len + pay > OFFLOAD_PKT_MAX ||
	    get_be32(pkt + 24) != g->next_seq || !gro_same(p, pkt, thl))
		return false;
	memcpy(p + g->len, pkt + g->hdr_len, pay);
	g->len += pay;
	g->next_seq += (uint32_t)pay;
	g->segs++;
	if (pkt[20 + 13] & TH_PUSH) {
		p[20 + 13] |= TH_PUSH;
		g->closed = true;
	}
	if (pay < g->mss)
		g->closed = true;
	return true;
}

size_t offload_gro_finish(struct offload_gro *g)
{
	struct virtio_net_hdr vh = {};
	uint8_t *p = g->buf + OFFLOAD_VNET_LEN;
	size_t n;
	uint16_t v;

	if (!g->segs)
		return 0;
	if (g->segs > 1) {
		put_be16(p + 2, (uint16_t)g->len);
		offload_ip_csum_set(p, 20);
		/* Partial: the pseudo-header only, the kernel trusts the rest. */
		v = fold(pseudo_tcp4(p, g->len - 20));
		memcpy(p + 20 + 16, &v, 2);
		vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
		vh.hdr_len = htole16((uint16_t)g->hdr_len);
		vh.gso_size = htole16((uint16_t)g->mss);
		vh.csum_start = htole16(20);
		vh.csum_offset = htole16(16);
	}
	else if (g->partial)
		offload_partial_hdr(p, g->len, &vh);
	memcpy(g->buf, &vh, sizeof(vh));
	n = OFFLOAD_VNET_LEN + g->len;
	g->segs = 0;
	g->len = 0;
	return n;
}
