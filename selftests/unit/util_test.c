// SPDX-License-Identifier: GPL-2.0-only
/* Small helpers: number parsing, device names, the reason table. */
#include <errno.h>

#include "maps.h"
#include "pins.h"
#include "suites.h"
#include "util.h"

START_TEST(test_parse_uint)
{
	unsigned long v;

	ck_assert_int_eq(parse_uint("30", 1, 60, &v), 0);
	ck_assert_uint_eq(v, 30);
	ck_assert_int_eq(parse_uint("0", 1, 60, &v), -EINVAL);
	ck_assert_int_eq(parse_uint("61", 1, 60, &v), -EINVAL);
	ck_assert_int_eq(parse_uint("-1", 0, 60, &v), -EINVAL);
	ck_assert_int_eq(parse_uint("+1", 0, 60, &v), -EINVAL);
	ck_assert_int_eq(parse_uint("1x", 0, 60, &v), -EINVAL);
	ck_assert_int_eq(parse_uint("", 0, 60, &v), -EINVAL);
	ck_assert_int_eq(parse_uint("99999999999999999999999", 0, ~0UL, &v),
			 -EINVAL);
}
END_TEST

START_TEST(test_dev_names)
{
	ck_assert(dev_name_valid("eth0"));
	ck_assert(dev_name_valid("a-very-long-nm1"));	/* 15 chars */
	ck_assert(!dev_name_valid("a-very-long-nam1"));	/* 16 chars */
	ck_assert(!dev_name_valid(""));
	ck_assert(!dev_name_valid(".."));
	ck_assert(!dev_name_valid("a/b"));
	ck_assert(!dev_name_valid(NULL));
}
END_TEST

/* Every reason the datapath can return has a unique name for the CLI. */
START_TEST(test_reason_names)
{
	static const unsigned int used[] = {
		TUNCTL_R_PASS_ARP, TUNCTL_R_PASS_NDP, TUNCTL_R_PASS_DHCP4,
		TUNCTL_R_PASS_DHCP6, TUNCTL_R_PASS_ROLLBACK,
		TUNCTL_R_DROP_NO_TUNNEL, TUNCTL_R_DROP_ETHERTYPE,
		TUNCTL_R_DROP_VLAN, TUNCTL_R_DROP_FRAGMENT,
		TUNCTL_R_DROP_TRUNC_ETH, TUNCTL_R_DROP_TRUNC_ARP,
		TUNCTL_R_DROP_BAD_ARP, TUNCTL_R_DROP_TRUNC_IP4,
		TUNCTL_R_DROP_BAD_IP4, TUNCTL_R_DROP_TRUNC_IP6,
		TUNCTL_R_DROP_BAD_IP6, TUNCTL_R_DROP_TRUNC_EXTHDR,
		TUNCTL_R_DROP_EXTHDR_CHAIN, TUNCTL_R_DROP_TRUNC_L4,
		TUNCTL_R_DROP_ARP_OFF, TUNCTL_R_DROP_NDP_OFF,
		TUNCTL_R_DROP_DHCP_OFF, TUNCTL_R_DROP_NDP_HOPLIMIT,
		TUNCTL_R_DROP_NO_CONFIG, TUNCTL_R_PASS_TUNNEL_DATA,
		TUNCTL_R_PASS_TUNNEL_HS, TUNCTL_R_DROP_TUN_MALFORMED,
		TUNCTL_R_DROP_TUN_UNKNOWN, TUNCTL_R_DROP_TUN_DISABLED,
		TUNCTL_R_DROP_TUN_PEER, TUNCTL_R_DROP_TUN_HS_RATE,
	};
	size_t i, j;

	for (i = 0; i < sizeof(used) / sizeof(used[0]); i++) {
		ck_assert_uint_lt(used[i], TUNCTL_R_MAX);
		ck_assert_ptr_nonnull(tunctl_reason_names[used[i]]);
		ck_assert_int_eq(tunctl_reason_is_drop(used[i]),
				 used[i] >= TUNCTL_R_DROP_NO_TUNNEL);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(tunctl_reason_names[used[i]],
					 tunctl_reason_names[used[j]]);
	}
}
END_TEST

Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("helpers");

	tcase_add_test(tc, test_parse_uint);
	tcase_add_test(tc, test_dev_names);
	tcase_add_test(tc, test_reason_names);
	suite_add_tcase(s, tc);
	return s;
}
