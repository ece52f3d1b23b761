// SPDX-License-Identifier: GPL-2.0-only
/*
 * The L7 firewall's Modbus/TCP parser: MBAP frames, the data length of
 * the common functions, and which function codes and unit ids a client
 * may send requests for.
 */
#include "bytes.h"
#include "l7.h"

#define MBAP_LEN 7	/* transaction, protocol, length, unit id */

#define BAD(msg) do { *why = (msg); return L7_MALFORMED; } while (0)

static bool bit_set(const uint8_t map[32], uint8_t v)
{
	return map[v / 8] & (1u << (v % 8));
}

/* A request's data (after the function code): is its length right? */
static bool request_ok(uint8_t fc, const uint8_t *d, size_t n)
{
	switch (fc) {
	case 1: case 2: case 3: case 4:	/* address, quantity */
	case 5: case 6:			/* address, value */
		return n == 4;
	case 7: case 11: case 12: case 17:	/* nothing */
		return n == 0;
	case 8:				/* sub-function, data */
		return n >= 2;
	case 15:			/* address, quantity, count, bits */
		return n >= 5 && n == 5u + d[4] &&
		       d[4] == (get_be16(d + 2) + 7) / 8;
	case 16:			/* address, quantity, count, words */
		return n >= 5 && n == 5u + d[4] && d[4] == 2 * get_be16(d + 2);
	case 20: case 21:		/* count, sub-requests */
		return n >= 1 && n == 1u + d[0];
	case 22:			/* address, and mask, or mask */
		return n == 6;
	case 23:			/* read, write address+quantity... */
		return n >= 9 && n == 9u + d[8] && d[8] == 2 * get_be16(d + 6);
	case 24:			/* FIFO address */
		return n == 2;
	case 43:			/* MEI type, its data */
		return n >= 1;
	default:			/* bounded by the frame only */
		return true;
	}
}

/* A response's data: the same for the common functions. */
static bool response_ok(uint8_t fc, const uint8_t *d, size_t n)
{
	if (fc & 0x80)			/* exception: its code */
		return n == 1;
	switch (fc) {
	case 1: case 2: case 3: case 4: case 23:	/* count, data */
		return n >= 1 && n == 1u + d[0];
	case 5: case 6: case 15: case 16:	/* echo, or address+quantity */
		return n == 4;
	default:
		return true;
	}
}

enum l7_result l7_modbus_stream(const struct l7_policy *pol,
				struct l7_state *st, enum l7_dir dir,
				const uint8_t *buf, size_t len, size_t *used,
				uint64_t *skip, struct l7_msg *m,
				const char **why)
{
	struct l7_msg scratch;
	const char *scratch_why;
	uint16_t flen;
	uint8_t unit, fc;

	(void)st;
	if (!m)
		m = &scratch;
	if (!why)
		why = &scratch_why;
	*used = 0;
	*skip = 0;
	/* The header's fields are checked as soon as they are in. */
	if (len >= 4 && get_be16(buf + 2))
		BAD("modbus: protocol id is not 0");
	if (len < 6)
		return L7_MORE;
	flen = get_be16(buf + 4);
	if (flen < 2 || flen > 254)
		BAD("modbus: bad MBAP length");
	if (len < 6u + flen)
		return L7_MORE;
	unit = buf[6];
	fc = buf[7];
	m->present = true;
	m->kind = fc;
	m->unit = unit;
	if (dir == L7_TO_SERVER) {
		if (!fc || (fc & 0x80))
			BAD("modbus: bad function code in a request");
		if (!request_ok(fc, buf + 8, flen - 2u))
			BAD("modbus: bad request length");
		if (pol && pol->modbus_funcs_set &&
		    !bit_set(pol->modbus_funcs, fc)) {
			*why = l7_reason("modbus: function %u not allowed", fc);
			return L7_DENIED;
		}
		if (pol && pol->modbus_units_set &&
		    !bit_set(pol->modbus_units, unit)) {
			*why = l7_reason("modbus: unit id %u not allowed", unit);
			return L7_DENIED;
		}
	} else {
		if (!(fc & 0x7f))
			BAD("modbus: bad function code in a response");
		if (!response_ok(fc, buf + 8, flen - 2u))
			BAD("modbus: bad response length");
	}
	*used = 6u + flen;
	return L7_OK;
}
