# SPDX-License-Identifier: GPL-2.0-only
# tunctl: BPF objects -> skeletons -> ctl/tunctl; tests under selftests/.
# Build output goes to $(OUT) (git-ignored); V=1 shows the commands.

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

PKGS := libbpf libsodium jansson
CFLAGS ?= -O2 -g
CFLAGS += -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
	  -Iinclude -I$(OUT) -Ictl $(shell pkg-config --cflags $(PKGS))
LDLIBS += $(shell pkg-config --libs $(PKGS)) -lelf -lz
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
.PHONY: all clean vmlinux deps check unit datapath e2e demo bench install

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

$(UNIT_BIN): $(UNIT_SRCS) $(CTL_LIB_OBJS) | $(OUT)/selftests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -Iselftests/unit $(UNIT_SRCS) \
		$(CTL_LIB_OBJS) $(LDLIBS) $(CHECK_LIBS) -o $@

$(DP_BIN): $(DP_SRCS) $(CTL_LIB_OBJS) $(SKELS) | $(OUT)/selftests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -Iselftests/datapath $(DP_SRCS) \
		$(CTL_LIB_OBJS) $(LDLIBS) $(CHECK_LIBS) -o $@

$(OUT)/bpf $(OUT)/ctl $(OUT)/selftests:
	$(Q)mkdir -p $@

# vmlinux.h is committed; this regenerates it from the running kernel.
vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux/vmlinux.h

deps:
	$(Q)selftests/install-deps.sh

unit: $(UNIT_BIN) $(BPF_OBJS)
	TUNCTL_BPF_OBJ=$(OUT)/bpf/datapath.bpf.o $(UNIT_BIN)

datapath: $(DP_BIN) $(BPF_OBJS)
	TUNCTL_BPF_OBJ=$(OUT)/bpf/datapath.bpf.o $(DP_BIN)

e2e: ctl/tunctl
	selftests/e2e/run.sh

check: deps
	$(MAKE) all $(UNIT_BIN) $(DP_BIN)
	selftests/run-all.sh

demo: deps
	$(MAKE) all
	selftests/demo.sh

bench: deps
	$(MAKE) all
	selftests/bench/xdp_drop.sh

install: ctl/tunctl
	install -D -m 0755 ctl/tunctl $(DESTDIR)$(PREFIX)/sbin/tunctl

clean:
	rm -rf $(OUT) ctl/tunctl

-include $(wildcard $(OUT)/bpf/*.d $(OUT)/ctl/*.d $(OUT)/selftests/*.d)
