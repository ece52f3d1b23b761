/* SPDX-License-Identifier: GPL-2.0-only */
/* The unit-test suites; main.c runs them all. */
#ifndef TUNCTL_UNIT_SUITES_H
#define TUNCTL_UNIT_SUITES_H

#include <check.h>

Suite *config_suite(void);
Suite *json_pos_suite(void);
Suite *btf_layout_suite(void);
Suite *util_suite(void);
Suite *replay_suite(void);
Suite *keys_suite(void);
Suite *noise_suite(void);
Suite *policy_suite(void);
Suite *handshake_suite(void);
Suite *index_table_suite(void);
Suite *offload_suite(void);
Suite *cipher_suite(void);
Suite *udp_batch_suite(void);
Suite *config_utm_suite(void);
Suite *utm_suite(void);
Suite *l7_mqtt_suite(void);
Suite *l7_modbus_suite(void);
Suite *l7_coap_suite(void);
Suite *l7_http_suite(void);
Suite *l7_dns_suite(void);
Suite *l7_util_suite(void);
Suite *eve_suite(void);
Suite *audit_suite(void);
Suite *ips_suite(void);

#endif
