#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make vmtest: the datapath on Debian's 6.1 LTS kernel, in a VM.
#
#   host                                   qemu -accel tcg (no KVM needed)
#   +----------------------------------+   +-------------------------------+
#   | apt-get download linux-image-6.1 |   | Debian 6.1 kernel             |
#   | initramfs: busybox, iproute2's   |-->| /init: modules (veth, tun,    |
#   |   ip, tunctl, the test binaries  |   |   sch_ingress, cls_bpf),      |
#   |   and every library they need    |   |   bpffs, then the tests;      |
#   +----------------------------------+   |   one line per test result    |
#                                          +-------------------------------+
#
# Nothing is installed on the host: the kernel package is only unpacked
# under build/vm. The guest runs the datapath table tests and a default-
# deny test in two namespaces (egress through tc clsact, since 6.1 has no
# tcx), prints "vmtest: N passed, M failed" and powers off; the target
# fails if a test fails or the guest does not finish in VM_TIMEOUT s.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$TOP/build}/vm
VM_TIMEOUT=${VM_TIMEOUT:-600}
mkdir -p "$OUT"
cd "$OUT"

# The kernel: what linux-image-amd64 points at, downloaded once.
pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
[ -n "$pkg" ] || { echo "vmtest: cannot resolve linux-image-amd64 (apt-get update?)" >&2; exit 1; }
if [ ! -d "kernel-$pkg" ]; then
	rm -f ./*.deb
	apt-get download "$pkg" >/dev/null 2>&1 || { echo "vmtest: apt-get download $pkg failed" >&2; exit 1; }
	dpkg-deb -x ./"$pkg"_*.deb "kernel-$pkg.tmp"
	mv "kernel-$pkg.tmp" "kernel-$pkg"
fi
KDIR=$OUT/kernel-$pkg
KVER=${pkg#linux-image-}
VMLINUZ=$KDIR/boot/vmlinuz-$KVER

# The initramfs.
ROOT=$OUT/root
rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,sbin,lib,lib64,proc,sys,dev,tmp,run,mod,tests,etc}
cp /bin/busybox "$ROOT/bin/"
for a in sh ash mount umount mkdir cat echo sleep ping poweroff insmod \
	 grep sed seq kill timeout nc ls rm wc head tail true false test \
	 printf nsenter sync dmesg env; do
	ln -sf busybox "$ROOT/bin/$a"
done
# Binaries and the libraries they load.
add_bin() {
	local src=$1 dst=$ROOT/bin/$(basename "$1")
	cp "$src" "$dst"
	ldd "$src" | awk '/=>/ { print $3 } /ld-linux/ { print $1 }' |
	while read -r lib; do
		[ -f "$lib" ] || continue
		mkdir -p "$ROOT$(dirname "$lib")"
		cp -L "$lib" "$ROOT$lib"
	done
}
# Named netip: busybox's sh prefers its own "ip" applet (no netns), and
# iproute2 reads a name starting with "ip" as a shortcut (ipr = ip route).
add_bin "$(command -v ip)"
mv "$ROOT/bin/ip" "$ROOT/bin/netip"
add_bin "$TOP/ctl/tunctl"
add_bin "$TOP/build/selftests/datapath_tests"
cp "$TOP/build/bpf/datapath.bpf.o" "$ROOT/tests/"
for m in drivers/net/veth.ko drivers/net/tun.ko net/sched/sch_ingress.ko \
	 net/sched/cls_bpf.ko; do
	cp "$KDIR/lib/modules/$KVER/kernel/$m" "$ROOT/mod/"
done
cp "$TOP/selftests/vm/guest-tests.sh" "$ROOT/tests/"
cat >"$ROOT/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
mkdir -p /sys/fs/bpf /run/netns
mount -t bpf bpf /sys/fs/bpf
for m in /mod/*.ko; do insmod "$m" || echo "vmtest: insmod $m failed"; done
echo "vmtest: kernel $(cat /proc/sys/kernel/osrelease)"
sh /tests/guest-tests.sh
sync
poweroff -f
INIT
chmod +x "$ROOT/init"
(cd "$ROOT" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$OUT/initramfs.gz"

# Boot; the guest's console is our stdout, kept for the verdict.
LOG=$OUT/console.log
echo "vmtest: booting $pkg under qemu (tcg), at most ${VM_TIMEOUT}s"
set +e
timeout "$VM_TIMEOUT" qemu-system-x86_64 -accel tcg -m 1024 -smp 1 \
	-nographic -no-reboot -kernel "$VMLINUZ" -initrd "$OUT/initramfs.gz" \
	-append "console=ttyS0 panic=-1 quiet" </dev/null | tee "$LOG" |
	grep --line-buffered -E '^(vmtest|ok|FAIL|skip|[0-9]+%: Checks)'
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" = 124 ]; then
	echo "vmtest: the guest did not finish within ${VM_TIMEOUT}s"
	exit 1
fi
line=$(grep -E '^vmtest: [0-9]+ passed, [0-9]+ failed' "$LOG" | tail -1 | tr -d '\r')
[ -n "$line" ] || { echo "vmtest: no result from the guest (see $LOG)"; exit 1; }
echo "$line"
case $line in *" 0 failed"*) exit 0 ;; *) exit 1 ;; esac
