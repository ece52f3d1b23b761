#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# PID 1 of the 6.1 guest (see vmtest.sh): the root is the host's, read-only
# under a tmpfs overlay. Mounts what a booted system has, makes the
# kernel's modules loadable, runs the datapath table tests and the e2e
# scripts exactly as on the host, prints the totals and powers off.
TOP=$1 KVER=$2
OUT=${3:-$TOP/build}

mount -t proc proc /proc
mount -t sysfs sys /sys
# /tmp stays the overlay's (writable, in memory): the tree under test
# may itself live in the host's /tmp, as a CI clone does.
mount -t tmpfs run /run
mount -t bpf bpf /sys/fs/bpf
mount -t debugfs debug /sys/kernel/debug 2>/dev/null
mkdir -p /run/netns
hostname vmtest
ip link set lo up

# The kernel's own modules, loaded on demand (tun, veth, 8021q...) by
# busybox's modprobe: the host has no kmod and needs none.
mkdir -p /lib/modules/"$KVER"
mount --bind "$OUT/vm/kernel-linux-image-$KVER/lib/modules/$KVER" /lib/modules/"$KVER"
ln -sf /bin/busybox /run/modprobe
echo /run/modprobe >/proc/sys/kernel/modprobe
for m in veth tun sch_ingress cls_bpf 8021q; do
	/run/modprobe "$m" || echo "vmtest: modprobe $m failed"
done

poweroff() {
	sync
	busybox poweroff -f
}
trap poweroff EXIT

cd "$TOP" || exit 1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export TUNCTL_BPF_OBJ=$OUT/bpf/datapath.bpf.o
. selftests/tally.sh
echo; echo "vmtest: kernel $(uname -r), $(nproc) cpus"
# VM_TESTS (vmtest.sh) arrives on the kernel's command line.
ONLY=$(sed -n 's/.*tunctl\.only=\([^ ]*\).*/\1/p' /proc/cmdline)
run_check datapath "$OUT/selftests/datapath_tests"
for t in $(e2e_scripts); do
	if [ -n "$ONLY" ] && ! [[ ",$ONLY," == *",$(basename "$t"),"* ]]; then
		echo "skip $(basename "$t"): not in VM_TESTS"
		skipped=$((skipped + 1))
		continue
	fi
	# The UTM is the daemon's userspace alone: this kernel adds nothing
	# to it, and under emulation its time-bound checks would measure
	# the emulator. Counted as skipped, never as passed.
	if [ "$(basename "$t")" = utm.sh ]; then
		echo "skip utm.sh: userspace only (L7 firewall, IPS); runs on the host"
		skipped=$((skipped + 1))
		continue
	fi
	run_script "$t"
done
[ ${#broken[@]} -eq 0 ] || echo "vmtest: failing: ${broken[*]}"
echo "vmtest: $passed passed, $failed failed, $skipped skipped"
