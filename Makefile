# SPDX-License-Identifier: GPL-2.0-only
# tunctl: BPF objects -> skeletons -> ctl/tunctl; tests under selftests/.
# Build output goes to $(OUT) (git-ignored); V=1 shows the commands.

SHELL := /bin/bash
OUT ?= build
CLANG ?= clang
CC ?= cc
BPFTOOL ?= bpftool
PREFIX ?= /usr/local

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

PKGS := libbpf libsodium jansson libnftables
CFLAGS ?= -O2 -g
# override: "make CFLAGS=..." changes optimisation, never our flags.
override CFLAGS += -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
	  -Iinclude -I$(OUT) -Ictl $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lelf -lz
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror \
	      -Ivmlinux -Iinclude -Ibpf

BPF_OBJS := $(OUT)/bpf/datapath.bpf.o
SKELS := $(OUT)/datapath.skel.h

CTL_SRCS := $(wildcard ctl/*.c)
CTL_OBJS := $(patsubst ctl/%.c,$(OUT)/ctl/%.o,$(CTL_SRCS))
# The library part (no main, no commands) is also linked into the tests.
CTL_LIB_OBJS := $(filter-out $(OUT)/ctl/main.o $(OUT)/ctl/cmd_%.o,$(CTL_OBJS))

UNIT_SRCS := $(wildcard selftests/unit/*.c)
UNIT_BIN := $(OUT)/selftests/unit_tests
DP_SRCS := $(wildcard selftests/datapath/*.c)
DP_BIN := $(OUT)/selftests/datapath_tests

.DELETE_ON_ERROR:
.PHONY: all clean vmlinux deps check unit datapath e2e demo bench install fuzz vmtest

# libFuzzer targets, with ASan and UBSan; FUZZ_SECONDS bounds each run.
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined \
	       -fno-sanitize-recover=all -D_GNU_SOURCE -Iinclude -Ictl \
	       $(shell pkg-config --cflags jansson 2>/dev/null)
L7_FUZZ := l7_http l7_dns l7_mqtt l7_modbus l7_coap
FUZZ_BINS := $(OUT)/fuzz/config_fuzz $(OUT)/fuzz/msg_fuzz \
	     $(patsubst %,$(OUT)/fuzz/%_fuzz,$(L7_FUZZ)) \
	     $(OUT)/fuzz/ips_rules_fuzz $(OUT)/fuzz/eve_fuzz $(OUT)/fuzz/audit_fuzz \
	     $(OUT)/fuzz/utm_fuzz
IPS_SRCS := $(wildcard ctl/ips_*.c)

all: ctl/tunctl

$(OUT)/bpf/%.bpf.o: bpf/%.bpf.c | $(OUT)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(OUT)/%.skel.h: $(OUT)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

$(OUT)/ctl/%.o: ctl/%.c $(SKELS) | $(OUT)/ctl
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

ctl/tunctl: $(CTL_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

# Several sources per binary: one .d cannot cover them, so depend on the
# headers they can reach instead.
TEST_HDRS := $(wildcard include/*.h ctl/*.h selftests/unit/*.h selftests/datapath/*.h)

$(UNIT_BIN): $(UNIT_SRCS) $(CTL_LIB_OBJS) $(TEST_HDRS) | $(OUT)/selftests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -Iselftests/unit $(UNIT_SRCS) \
		$(CTL_LIB_OBJS) $(LDLIBS) $(CHECK_LIBS) -o $@

$(DP_BIN): $(DP_SRCS) $(CTL_LIB_OBJS) $(SKELS) $(TEST_HDRS) | $(OUT)/selftests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -Iselftests/datapath $(DP_SRCS) \
		$(CTL_LIB_OBJS) $(LDLIBS) $(CHECK_LIBS) -o $@

$(OUT)/fuzz/config_fuzz: selftests/fuzz/config_fuzz.c ctl/config.c ctl/config_utm.c ctl/json_pos.c ctl/keys.c ctl/util.c ctl/l7_util.c $(IPS_SRCS) | $(OUT)/fuzz
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $^ $(shell pkg-config --libs jansson libsodium 2>/dev/null) -o $@

$(OUT)/fuzz/msg_fuzz: selftests/fuzz/msg_fuzz.c ctl/handshake.c ctl/noise.c ctl/cipher.c ctl/session.c ctl/replay.c ctl/policy.c ctl/keys.c | $(OUT)/fuzz
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $^ $(shell pkg-config --libs libsodium 2>/dev/null) -o $@

# One target per L7 parser: the parser alone, fed whole and in pieces.
$(OUT)/fuzz/l7_%_fuzz: selftests/fuzz/l7_%_fuzz.c ctl/l7_%.c ctl/l7_util.c $(wildcard selftests/fuzz/*.h) ctl/l7.h | $(OUT)/fuzz
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(filter %.c,$^) -o $@

$(OUT)/fuzz/ips_rules_fuzz: selftests/fuzz/ips_rules_fuzz.c $(IPS_SRCS) ctl/l7_util.c | $(OUT)/fuzz
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $^ -o $@

$(OUT)/fuzz/eve_fuzz: selftests/fuzz/eve_fuzz.c ctl/eve.c | $(OUT)/fuzz
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $^ $(shell pkg-config --libs jansson 2>/dev/null) -o $@

# The UTM whole: parsers, driver, IPS, log, flows and kept bytes.
UTM_FUZZ_SRCS := ctl/utm.c ctl/utm_flow.c ctl/utm_keep.c ctl/l7_stream.c ctl/offload.c \
	$(filter-out ctl/l7_stream.c,$(wildcard ctl/l7_*.c)) $(IPS_SRCS) ctl/eve.c
$(OUT)/fuzz/utm_fuzz: selftests/fuzz/utm_fuzz.c $(UTM_FUZZ_SRCS) | $(OUT)/fuzz
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $^ $(shell pkg-config --libs jansson 2>/dev/null) -o $@

$(OUT)/fuzz/audit_fuzz: selftests/fuzz/audit_fuzz.c ctl/audit.c | $(OUT)/fuzz
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $^ -o $@

# Each target runs FUZZ_SECONDS on a scratch copy of its seed corpus.
fuzz: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do \
		name=$$(basename $$f _fuzz); \
		work=$$(mktemp -d); cp selftests/fuzz/corpus/$$name/* $$work/; \
		echo "fuzz: $$name for $(FUZZ_SECONDS)s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
			-print_final_stats=1 $$work 2>&1 | \
			grep -E 'stat::number_of_executed_units|ERROR|SUMMARY|Done' ; \
		rc=$${PIPESTATUS[0]}; rm -rf $$work; \
		[ $$rc -eq 0 ] || { echo "fuzz: $$name FAILED"; exit 1; }; \
	done

$(OUT)/bpf $(OUT)/ctl $(OUT)/selftests $(OUT)/fuzz:
	$(Q)mkdir -p $@

# vmlinux.h is committed; this regenerates it from the running kernel.
vmlinux:
	{ echo '/* SPDX-License-Identifier: GPL-2.0 */'; \
	  echo '/* Generated by "make vmlinux": bpftool btf dump of /sys/kernel/btf/vmlinux ($(shell uname -r)). */'; \
	  $(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c; } > vmlinux/vmlinux.h.tmp
	mv vmlinux/vmlinux.h.tmp vmlinux/vmlinux.h

deps:
	$(Q)selftests/install-deps.sh

unit: $(UNIT_BIN) $(BPF_OBJS)
	TUNCTL_BPF_OBJ=$(OUT)/bpf/datapath.bpf.o $(UNIT_BIN)

datapath: $(DP_BIN) $(BPF_OBJS)
	TUNCTL_BPF_OBJ=$(OUT)/bpf/datapath.bpf.o $(DP_BIN)

e2e: ctl/tunctl
	selftests/e2e/run.sh

check: deps
	$(MAKE) all $(UNIT_BIN) $(DP_BIN) $(BPF_OBJS) $(FUZZ_BINS)
	selftests/run-all.sh

# The datapath on Debian's 6.1 LTS kernel under qemu (selftests/vm/).
vmtest: deps
	$(MAKE) all $(DP_BIN) $(BPF_OBJS)
	selftests/vm/vmtest.sh

demo: deps
	$(MAKE) all
	selftests/demo.sh

$(OUT)/selftests/prog_cost: selftests/bench/prog_cost.c $(SKELS) | $(OUT)/selftests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $< $(LDLIBS) -o $@

# Each script prints its own table; about 7 minutes in all.
bench: deps
	$(MAKE) all $(OUT)/selftests/prog_cost
	$(OUT)/selftests/prog_cost
	selftests/bench/tunnels.sh
	selftests/bench/control.sh
	selftests/bench/xdp_drop.sh
	selftests/bench/relay_fwd.sh
	selftests/bench/utm.sh

install: ctl/tunctl
	install -D -m 0755 ctl/tunctl $(DESTDIR)$(PREFIX)/sbin/tunctl
	install -D -m 0644 ctl/tunctl@.service \
		$(DESTDIR)/etc/systemd/system/tunctl@.service

clean:
	rm -rf $(OUT) ctl/tunctl

-include $(wildcard $(OUT)/bpf/*.d $(OUT)/ctl/*.d $(OUT)/selftests/*.d)
