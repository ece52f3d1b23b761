// SPDX-License-Identifier: GPL-2.0-only
/* Runs every unit-test suite; exit status 1 on any failure. */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_add_suite(sr, json_pos_suite());
	srunner_add_suite(sr, util_suite());
	srunner_add_suite(sr, replay_suite());
	srunner_add_suite(sr, keys_suite());
	srunner_add_suite(sr, noise_suite());
	srunner_add_suite(sr, policy_suite());
	srunner_add_suite(sr, handshake_suite());
	srunner_add_suite(sr, index_table_suite());
	srunner_add_suite(sr, offload_suite());
	srunner_add_suite(sr, cipher_suite());
	srunner_add_suite(sr, udp_batch_suite());
	srunner_add_suite(sr, l7_mqtt_suite());
	srunner_add_suite(sr, l7_modbus_suite());
	srunner_add_suite(sr, l7_coap_suite());
	srunner_add_suite(sr, l7_http_suite());
	srunner_add_suite(sr, l7_dns_suite());
	srunner_add_suite(sr, l7_util_suite());
	srunner_add_suite(sr, eve_suite());
	srunner_add_suite(sr, audit_suite());
	srunner_add_suite(sr, ips_suite());
	srunner_add_suite(sr, config_utm_suite());
	srunner_add_suite(sr, utm_suite());
	srunner_add_suite(sr, btf_layout_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
