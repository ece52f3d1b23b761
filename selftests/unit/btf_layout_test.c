// SPDX-License-Identifier: GPL-2.0-only
/*
 * The structs in include/ must have the same size and field offsets in the
 * built BPF object's BTF as in userspace: the two sides share memory
 * through the maps and the ring buffer, and a silent mismatch would
 * misread every value. TUNCTL_BPF_OBJ names the object.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "maps.h"
#include "suites.h"

struct field {
	const char *name;
	size_t off;
};

struct layout {
	const char *name;
	size_t size;
	struct field fields[16];
};

#define F(type, member) { #member, offsetof(struct type, member) }

static const struct layout layouts[] = {
	{ "tunctl_config", sizeof(struct tunctl_config), {
		F(tunctl_config, flags), F(tunctl_config, monitor_rate),
		F(tunctl_config, rollback_deadline_ns),
		F(tunctl_config, listen_port), F(tunctl_config, pad),
		F(tunctl_config, hs_rate) } },
	{ "tunctl_tunnel", sizeof(struct tunctl_tunnel), {
		F(tunctl_tunnel, flags), F(tunctl_tunnel, pad) } },
	{ "tunctl_session", sizeof(struct tunctl_session), {
		F(tunctl_session, tunnel_id), F(tunctl_session, peer_addr),
		F(tunctl_session, peer_port), F(tunctl_session, roam),
		F(tunctl_session, pad) } },
	{ "tunctl_peer_key", sizeof(struct tunctl_peer_key), {
		F(tunctl_peer_key, addr), F(tunctl_peer_key, port),
		F(tunctl_peer_key, pad) } },
	{ "tunctl_hs_rl", sizeof(struct tunctl_hs_rl), {
		F(tunctl_hs_rl, window_start_ns), F(tunctl_hs_rl, count),
		F(tunctl_hs_rl, pad) } },
	{ "tunctl_flow_key", sizeof(struct tunctl_flow_key), {
		F(tunctl_flow_key, local), F(tunctl_flow_key, remote),
		F(tunctl_flow_key, lport), F(tunctl_flow_key, rport),
		F(tunctl_flow_key, proto), F(tunctl_flow_key, pad) } },
	{ "tunctl_flow", sizeof(struct tunctl_flow), {
		F(tunctl_flow, last_ns), F(tunctl_flow, packets) } },
	{ "tunctl_counter", sizeof(struct tunctl_counter), {
		F(tunctl_counter, packets), F(tunctl_counter, bytes) } },
	{ "tunctl_monitor_rl", sizeof(struct tunctl_monitor_rl), {
		F(tunctl_monitor_rl, window_start_ns),
		F(tunctl_monitor_rl, emitted),
		F(tunctl_monitor_rl, suppressed),
		F(tunctl_monitor_rl, suppressed_total) } },
	{ "tunctl_event", sizeof(struct tunctl_event), {
		F(tunctl_event, ts_ns), F(tunctl_event, ifindex),
		F(tunctl_event, pkt_len), F(tunctl_event, suppressed),
		F(tunctl_event, dir), F(tunctl_event, reason),
		F(tunctl_event, l3), F(tunctl_event, l4proto),
		F(tunctl_event, ethertype), F(tunctl_event, sport),
		F(tunctl_event, dport), F(tunctl_event, pad),
		F(tunctl_event, saddr), F(tunctl_event, daddr) } },
	{ "tunctl_state", sizeof(struct tunctl_state), {
		F(tunctl_state, ifindex), F(tunctl_state, xdp_mode),
		F(tunctl_state, egress_hook), F(tunctl_state, tc_handle),
		F(tunctl_state, tc_priority), F(tunctl_state, pad),
		F(tunctl_state, attached_at) } },
};

static struct btf *btf;

static void load_btf(void)
{
	const char *obj = getenv("TUNCTL_BPF_OBJ");

	ck_assert_msg(obj, "TUNCTL_BPF_OBJ not set");
	btf = btf__parse_elf(obj, NULL);
	ck_assert_msg(btf, "no BTF in %s", obj);
}

static void free_btf(void)
{
	btf__free(btf);
	btf = NULL;
}

START_TEST(test_layout)
{
	const struct layout *l = &layouts[_i];
	const struct btf_member *m;
	const struct btf_type *t;
	size_t nfields = 0, i;
	int id;

	id = btf__find_by_name_kind(btf, l->name, BTF_KIND_STRUCT);
	ck_assert_msg(id > 0, "struct %s not in the object's BTF", l->name);
	t = btf__type_by_id(btf, id);
	ck_assert_msg(t->size == l->size, "%s: BTF size %u, userspace %zu",
		      l->name, t->size, l->size);
	while (nfields < 16 && l->fields[nfields].name)
		nfields++;
	ck_assert_msg(btf_vlen(t) == nfields, "%s: %u fields in BTF, %zu here",
		      l->name, btf_vlen(t), nfields);
	m = btf_members(t);
	for (i = 0; i < nfields; i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);

		ck_assert_msg(!strcmp(name, l->fields[i].name),
			      "%s: field %zu is %s in BTF, %s here", l->name, i,
			      name, l->fields[i].name);
		ck_assert_msg(btf_member_bit_offset(t, i) ==
			      l->fields[i].off * 8,
			      "%s.%s: BTF offset %u bits, userspace %zu bytes",
			      l->name, name, btf_member_bit_offset(t, i),
			      l->fields[i].off);
	}
}
END_TEST

Suite *btf_layout_suite(void)
{
	Suite *s = suite_create("btf_layout");
	TCase *tc = tcase_create("include_structs");

	tcase_add_unchecked_fixture(tc, load_btf, free_btf);
	tcase_add_loop_test(tc, test_layout, 0,
			    sizeof(layouts) / sizeof(layouts[0]));
	suite_add_tcase(s, tc);
	return s;
}
