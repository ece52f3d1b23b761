// SPDX-License-Identifier: GPL-2.0-only
/*
 * Batched UDP sends (ctl/udp_batch.h) over real sockets: what goes into a
 * batch arrives as the datagrams it was, in order, in as few sendmsg
 * calls as GSO allows, and a batch is cut where it must be. Each test
 * runs in a network namespace of its own (Check forks every test), on
 * that namespace's loopback: nothing outside it is touched.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "udp_batch.h"
#include "suites.h"

struct rig {
	int rx, tx;
	struct sockaddr_in dst;
	struct udp_batch *b;
};

static int udp_socket(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), sz = 4 << 20;

	ck_assert_int_ge(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

static void rig_up(struct rig *r)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	socklen_t l = sizeof(r->dst);
	int s;

	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_eq(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	ck_assert_int_eq(ioctl(s, SIOCSIFFLAGS, &ifr), 0);
	close(s);
	r->rx = udp_socket();
	r->tx = udp_socket();
	ck_assert_int_eq(getsockname(r->rx, (struct sockaddr *)&r->dst, &l), 0);
	r->b = malloc(sizeof(*r->b));
	ck_assert_ptr_nonnull(r->b);
	udp_batch_init(r->b, r->tx);
}

/* Datagram i of len bytes: its number in every byte. */
static void put(struct rig *r, const struct sockaddr_in *dst, size_t len,
		uint8_t i)
{
	memset(udp_batch_reserve(r->b, dst, len), i, len);
	udp_batch_commit(r->b, len);
}

/* The datagrams that arrived must be these, in this order. */
static void expect(struct rig *r, const size_t *lens, unsigned int n,
		   uint8_t first)
{
	uint8_t buf[UDP_BATCH_BYTES];
	unsigned int i;
	ssize_t got;
	size_t j;

	for (i = 0; i < n; i++) {
		got = recv(r->rx, buf, sizeof(buf), MSG_DONTWAIT);
		ck_assert_msg(got == (ssize_t)lens[i],
			      "datagram %u: %zd bytes, want %zu", i, got, lens[i]);
		for (j = 0; j < lens[i]; j++)
			ck_assert_uint_eq(buf[j], (uint8_t)(first + i));
	}
	ck_assert_int_lt(recv(r->rx, buf, sizeof(buf), MSG_DONTWAIT), 0);
}

START_TEST(test_one_send_per_batch)
{
	size_t lens[11];
	struct rig r;
	unsigned int i;

	rig_up(&r);
	for (i = 0; i < 10; i++)
		put(&r, &r.dst, lens[i] = 1000, (uint8_t)i);
	put(&r, &r.dst, lens[10] = 300, 10);	/* a shorter last one */
	ck_assert_uint_eq(r.b->sends, 0);	/* nothing before the flush */
	udp_batch_flush(r.b);
	ck_assert(!r.b->gso_off);
	ck_assert_uint_eq(r.b->sends, 1);
	ck_assert_uint_eq(r.b->datagrams, 11);
	expect(&r, lens, 11, 0);
	udp_batch_flush(r.b);	/* empty: sends nothing */
	ck_assert_uint_eq(r.b->sends, 1);
}
END_TEST

START_TEST(test_batch_cut)
{
	size_t lens[8] = { 500, 500, 800, 200, 600, 100, 100, 100 };
	struct sockaddr_in other;
	struct rig r;
	socklen_t l = sizeof(other);
	int rx2;

	rig_up(&r);
	/* A longer one cannot share the segment size: a new batch. */
	put(&r, &r.dst, 500, 0);
	put(&r, &r.dst, 500, 1);
	put(&r, &r.dst, 800, 2);
	ck_assert_uint_eq(r.b->sends, 1);
	/* After a short one nothing more joins. */
	put(&r, &r.dst, 200, 3);
	put(&r, &r.dst, 600, 4);
	ck_assert_uint_eq(r.b->sends, 2);
	udp_batch_flush(r.b);
	ck_assert_uint_eq(r.b->sends, 3);
	/* Another endpoint: a new batch. */
	rx2 = udp_socket();
	ck_assert_int_eq(getsockname(rx2, (struct sockaddr *)&other, &l), 0);
	put(&r, &r.dst, 100, 5);
	put(&r, &other, 100, 99);
	put(&r, &r.dst, 100, 6);
	udp_batch_flush(r.b);
	ck_assert_uint_eq(r.b->sends, 6);
	expect(&r, lens, 7, 0);
	{
		uint8_t buf[200];

		ck_assert_int_eq(recv(rx2, buf, sizeof(buf), MSG_DONTWAIT), 100);
		ck_assert_uint_eq(buf[0], 99);
	}
}
END_TEST

START_TEST(test_batch_limits)
{
	size_t lens[UDP_BATCH_SEGS + 1];
	struct rig r;
	unsigned int i;

	rig_up(&r);
	/* At most UDP_BATCH_SEGS datagrams in one send. */
	for (i = 0; i <= UDP_BATCH_SEGS; i++)
		put(&r, &r.dst, lens[i] = 100, (uint8_t)i);
	ck_assert_uint_eq(r.b->sends, 1);
	udp_batch_flush(r.b);
	ck_assert_uint_eq(r.b->sends, 2);
	expect(&r, lens, UDP_BATCH_SEGS + 1, 0);
	/* At most UDP_BATCH_BYTES in one: 44 of 1452 fit, the 45th does not. */
	for (i = 0; i < 44; i++)
		put(&r, &r.dst, lens[i] = 1452, (uint8_t)i);
	ck_assert_uint_eq(r.b->sends, 2);
	put(&r, &r.dst, lens[44] = 1452, 44);
	ck_assert_uint_eq(r.b->sends, 3);
	udp_batch_flush(r.b);
	ck_assert_uint_eq(r.b->sends, 4);
	expect(&r, lens, 45, 0);
}
END_TEST

/* Nothing larger than a batch is ever taken (it would not fit). */
START_TEST(test_too_large)
{
	struct rig r;

	rig_up(&r);
	ck_assert_ptr_null(udp_batch_reserve(r.b, &r.dst, UDP_BATCH_BYTES + 1));
	ck_assert_ptr_nonnull(udp_batch_reserve(r.b, &r.dst, UDP_BATCH_BYTES));
	ck_assert_uint_eq(r.b->n, 0);
	udp_batch_flush(r.b);
	ck_assert_uint_eq(r.b->sends, 0);
}
END_TEST

/* Where GSO is off (a device that cannot segment), one by one. */
START_TEST(test_without_gso)
{
	size_t lens[5] = { 700, 700, 700, 700, 10 };
	struct rig r;
	unsigned int i;

	rig_up(&r);
	r.b->gso_off = true;
	for (i = 0; i < 5; i++)
		put(&r, &r.dst, lens[i], (uint8_t)i);
	udp_batch_flush(r.b);
	ck_assert_uint_eq(r.b->sends, 5);
	expect(&r, lens, 5, 0);
}
END_TEST

Suite *udp_batch_suite(void)
{
	Suite *s = suite_create("udp_batch");
	TCase *tc = tcase_create("sockets");

	tcase_add_test(tc, test_one_send_per_batch);
	tcase_add_test(tc, test_batch_cut);
	tcase_add_test(tc, test_batch_limits);
	tcase_add_test(tc, test_too_large);
	tcase_add_test(tc, test_without_gso);
	suite_add_tcase(s, tc);
	return s;
}
