// SPDX-License-Identifier: GPL-2.0-only
/*
 * The L7 firewall's DNS parser: a query must ask one question, for a
 * name on the tunnel's allowed suffixes; the rest of it must walk as
 * resource records. Responses only need to look like DNS responses.
 * Over TCP each message has its 2-byte length in front.
 */
#include <string.h>

#include "bytes.h"
#include "l7.h"

#define HDR_LEN 12
#define QR 0x8000
#define OPCODE(f) (((f) >> 11) & 0xf)
#define NAME_WIRE_MAX 255	/* RFC 1035 2.3.4, length bytes included */

#define BAD(msg) do { *why = (msg); return L7_MALFORMED; } while (0)

/* Hostname bytes, and '_' for service labels ("_sip._tcp"). */
static bool label_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/*
 * The question's name at *off, dotted into name ("" for the root). No
 * compression: a query has nothing before its question to point at.
 */
static enum l7_result qname(const uint8_t *b, size_t len, size_t *off,
			    char *name, const char **why)
{
	size_t o = *off, wire = 1, n = 0, i;
	uint8_t l;

	for (;;) {
		if (o >= len)
			BAD("dns: truncated question");
		l = b[o++];
		if (!l)
			break;
		if ((l & 0xc0) == 0xc0)
			BAD("dns: compression pointer in the question");
		if (l & 0xc0)
			BAD("dns: unknown label type");
		wire += 1 + l;
		if (wire > NAME_WIRE_MAX)
			BAD("dns: name longer than 255 bytes");
		if (len - o < l)
			BAD("dns: truncated question");
		for (i = 0; i < l; i++)
			if (!label_char(b[o + i]))
				BAD("dns: bad byte in a label");
		if (n)
			name[n++] = '.';
		memcpy(name + n, b + o, l);
		n += l;
		o += l;
	}
	name[n] = '\0';
	*off = o;
	return L7_OK;
}

/* Step over a record's owner name at *off; pointers end it. */
static enum l7_result skip_name(const uint8_t *b, size_t len, size_t *off,
				const char **why)
{
	size_t o = *off, wire = 1;
	uint8_t l;

	for (;;) {
		if (o >= len)
			BAD("dns: truncated record");
		l = b[o];
		if (!l) {
			o++;
			break;
		}
		if ((l & 0xc0) == 0xc0) {
			if (len - o < 2)
				BAD("dns: truncated record");
			/* Only backwards: what was already walked. */
			if ((size_t)(get_be16(b + o) & 0x3fff) >= *off)
				BAD("dns: compression pointer forwards");
			o += 2;
			break;
		}
		if (l & 0xc0)
			BAD("dns: unknown label type");
		wire += 1 + l;
		if (wire > NAME_WIRE_MAX)
			BAD("dns: name longer than 255 bytes");
		if (len - o - 1 < l)
			BAD("dns: truncated record");
		o += 1 + l;
	}
	*off = o;
	return L7_OK;
}

/* count records from *off: name, type, class, ttl, rdlength, rdata. */
static enum l7_result skip_records(const uint8_t *b, size_t len, size_t *off,
				   unsigned int count, const char **why)
{
	enum l7_result res;
	size_t rdlen;

	while (count--) {
		res = skip_name(b, len, off, why);
		if (res != L7_OK)
			return res;
		if (len - *off < 10)
			BAD("dns: truncated record");
		rdlen = get_be16(b + *off + 8);
		*off += 10;
		if (len - *off < rdlen)
			BAD("dns: record data past the end");
		*off += rdlen;
	}
	return L7_OK;
}

static enum l7_result query(const struct l7_policy *pol, const uint8_t *b,
			    size_t len, struct l7_msg *m, const char **why)
{
	uint16_t flags = get_be16(b + 2);
	size_t off = HDR_LEN;
	enum l7_result res;

	if (flags & QR)
		BAD("dns: a response sent to the server");
	if (get_be16(b + 4) != 1)
		BAD("dns: a query must ask one question");
	res = qname(b, len, &off, m->name, why);
	if (res != L7_OK)
		return res;
	if (len - off < 4)
		BAD("dns: truncated question");
	m->kind = get_be16(b + off);
	off += 4;
	/* Answer, authority, additional (EDNS OPT): walked, not judged. */
	res = skip_records(b, len, &off,
			   (unsigned int)get_be16(b + 6) + get_be16(b + 8) +
			   get_be16(b + 10), why);
	if (res != L7_OK)
		return res;
	if (off != len)
		BAD("dns: trailing bytes after the records");
	m->present = true;
	m->unit = -1;
	m->buf[L7B_DNS_QUERY].p = (const uint8_t *)m->name;
	m->buf[L7B_DNS_QUERY].len = strlen(m->name);
	if (!pol)
		return L7_OK;
	/* Only QUERY asks about a name; NOTIFY and UPDATE change zones. */
	if (OPCODE(flags)) {
		*why = l7_reason("dns: opcode %u not allowed", OPCODE(flags));
		return L7_DENIED;
	}
	if (!l7_name_allowed(&pol->names, m->name)) {
		*why = l7_reason("dns: name %s not allowed",
				 *m->name ? m->name : ".");
		return L7_DENIED;
	}
	return L7_OK;
}

enum l7_result l7_dns_dgram(const struct l7_policy *pol, enum l7_dir dir,
			    const uint8_t *buf, size_t len, struct l7_msg *m,
			    const char **why)
{
	const char *scratch_why;

	if (!why)
		why = &scratch_why;
	m->present = false;
	if (len < HDR_LEN)
		BAD("dns: shorter than its header");
	if (dir == L7_TO_CLIENT) {
		if (!(get_be16(buf + 2) & QR))
			BAD("dns: a query sent to the client");
		return L7_OK;
	}
	return query(pol, buf, len, m, why);
}

enum l7_result l7_dns_stream(const struct l7_policy *pol, struct l7_state *st,
			     enum l7_dir dir, const uint8_t *buf, size_t len,
			     size_t *used, uint64_t *skip, struct l7_msg *m,
			     const char **why)
{
	const char *scratch_why;
	enum l7_result res;
	size_t n;

	(void)st;
	if (!why)
		why = &scratch_why;
	*used = 0;
	*skip = 0;
	m->present = false;
	if (len < 2)
		return L7_MORE;
	n = get_be16(buf);
	if (n < HDR_LEN)
		BAD("dns: shorter than its header");
	if (dir == L7_TO_CLIENT) {
		/*
		 * Responses may be 64 KiB (zone transfers, DNSSEC): check
		 * the header, skip the rest rather than buffer it.
		 */
		if (len < 2 + HDR_LEN)
			return L7_MORE;
		res = l7_dns_dgram(pol, dir, buf + 2, HDR_LEN, m, why);
		if (res != L7_OK)
			return res;
		*used = 2 + HDR_LEN;
		*skip = n - HDR_LEN;
		return L7_OK;
	}
	if (n > L7_MSG_MAX - 2)
		BAD("dns: query longer than the L7 firewall buffers");
	if (len < 2 + n)
		return L7_MORE;
	res = query(pol, buf + 2, n, m, why);
	if (res != L7_OK)
		return res;
	*used = 2 + n;
	return L7_OK;
}
