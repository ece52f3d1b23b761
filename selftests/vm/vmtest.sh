#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make vmtest: the same datapath and end-to-end tests as on the host, on
# Debian's 6.1 LTS kernel, in a VM.
#
#   host                                  qemu -accel tcg (no KVM needed)
#   +---------------------------------+   +--------------------------------+
#   | apt-get download linux-image-*  |   | Debian 6.1 kernel              |
#   | initramfs: busybox + the 9p,    |-->| /init: host / over virtio-9p,  |
#   |   virtio and overlay modules    |   |   read-only, under a tmpfs     |
#   | host / exported read-only (9p)  |   |   overlay; switch_root; then   |
#   +---------------------------------+   |   selftests/vm/guest-run.sh    |
#                                         +--------------------------------+
#
# The guest sees the host's own files (this tree, bash, iproute2, python3,
# nc, curl, tcpdump...) but writes only to its tmpfs, and it has no network
# card: nothing it does reaches the host or its interfaces. The kernel's
# modules are bound at /lib/modules and loaded on demand by busybox's
# modprobe. Nothing is installed on the host: the kernel package is only
# unpacked under build/vm.
#
# The guest prints one line per check and one summary per test, then
# "vmtest: N passed, M failed, K skipped", and powers off. The target fails
# when a test fails or the guest does not finish within VM_TIMEOUT s.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
# Absolute: the guest is told where the build is, and we cd below.
BUILD=$(mkdir -p "${OUT:-$TOP/build}" && cd "${OUT:-$TOP/build}" && pwd)
OUT=$BUILD/vm
VM_TIMEOUT=${VM_TIMEOUT:-1800}
VM_CPUS=${VM_CPUS:-2}
# VM_TESTS=daemon.sh,relay.sh: only these e2e scripts (a developer's
# rerun; the others print as skipped). make check never sets it.
VM_TESTS=${VM_TESTS:-}
case $VM_TESTS in *[!a-z_.,]*) echo "vmtest: bad VM_TESTS '$VM_TESTS'" >&2; exit 1 ;; esac
mkdir -p "$OUT"
cd "$OUT"

# The kernel: what linux-image-amd64 points at, downloaded once.
pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
[ -n "$pkg" ] || { echo "vmtest: cannot resolve linux-image-amd64 (apt-get update?)" >&2; exit 1; }
KVER=${pkg#linux-image-}
if [ ! -f "kernel-$pkg/lib/modules/$KVER/modules.dep" ]; then
	rm -rf ./*.deb "kernel-$pkg" "kernel-$pkg.tmp"
	apt-get download "$pkg" >/dev/null 2>&1 || { echo "vmtest: apt-get download $pkg failed" >&2; exit 1; }
	dpkg-deb -x ./"$pkg"_*.deb "kernel-$pkg.tmp"
	busybox depmod -b "kernel-$pkg.tmp" "$KVER"
	mv "kernel-$pkg.tmp" "kernel-$pkg"
	rm -f ./*.deb
fi
KDIR=$OUT/kernel-$pkg
VMLINUZ=$KDIR/boot/vmlinuz-$KVER

# The initramfs: just enough to mount the host's root and step into it.
ROOT=$OUT/root
rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,proc,sys,dev,host,rw,newroot} "$ROOT/lib/modules"
cp /bin/busybox "$ROOT/bin/"
for a in sh mount umount mkdir cat echo sed uname modprobe switch_root poweroff; do
	ln -sf busybox "$ROOT/bin/$a"
done
MODS=$KDIR/lib/modules/$KVER
mkdir -p "$ROOT/lib/modules/$KVER"
cp "$MODS"/modules.* "$ROOT/lib/modules/$KVER/"
for m in virtio_pci 9pnet_virtio 9p overlay; do
	for f in $(awk -v m="$m" -F': *' '{ n = $1; sub(".*/", "", n) }
		n == m ".ko" { print $1; gsub(" ", "\n", $2); print $2 }' \
		"$MODS/modules.dep"); do
		mkdir -p "$ROOT/lib/modules/$KVER/$(dirname "$f")"
		cp "$MODS/$f" "$ROOT/lib/modules/$KVER/$f"
	done
done
cat >"$ROOT/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t devtmpfs dev /dev
for m in virtio_pci 9pnet_virtio 9p overlay; do
	modprobe $m || echo "vmtest: modprobe $m failed"
done
top=$(sed -n 's/.*tunctl.top=\([^ ]*\).*/\1/p' /proc/cmdline)
out=$(sed -n 's/.*tunctl.out=\([^ ]*\).*/\1/p' /proc/cmdline)
mount -t 9p -o ro,trans=virtio,version=9p2000.L,cache=loose,msize=262144 hostroot /host ||
	{ echo "vmtest: cannot mount the host root"; poweroff -f; }
mount -t tmpfs -o size=1g rw /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work overlay /newroot ||
	{ echo "vmtest: cannot mount the overlay"; poweroff -f; }
for d in proc sys dev tmp run; do mkdir -p /newroot/$d; done
mount --move /dev /newroot/dev
umount /proc
exec switch_root /newroot /bin/bash "$top/selftests/vm/guest-run.sh" "$top" "$(uname -r)" "$out"
INIT
chmod +x "$ROOT/init"
(cd "$ROOT" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$OUT/initramfs.gz"

# Boot; the guest's console is our stdout, kept for the verdict.
LOG=$OUT/console.log
echo "vmtest: booting $pkg under qemu (tcg, $VM_CPUS cpus), at most ${VM_TIMEOUT}s"
set +e
timeout "$VM_TIMEOUT" qemu-system-x86_64 -accel tcg,thread=multi -cpu max \
	-m 2048 -smp "$VM_CPUS" -nographic -no-reboot -nic none \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-kernel "$VMLINUZ" -initrd "$OUT/initramfs.gz" \
	-append "console=ttyS0 panic=-1 quiet tunctl.top=$TOP tunctl.out=$BUILD${VM_TESTS:+ tunctl.only=$VM_TESTS}" </dev/null |
	sed -u 's/\r$//' | tee "$LOG" |
	grep --line-buffered -E '^(vmtest|ok|FAIL|skip|==|[0-9]+%: Checks|[a-z_]+\.sh: [0-9]+ passed)'
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" = 124 ]; then
	echo "vmtest: the guest did not finish within ${VM_TIMEOUT}s"
	exit 1
fi
line=$(grep -E '^vmtest: [0-9]+ passed, [0-9]+ failed' "$LOG" | tail -1)
[ -n "$line" ] || { echo "vmtest: no result from the guest (see $LOG)"; exit 1; }
echo "$line"
case $line in *" 0 failed"*) exit 0 ;; *) exit 1 ;; esac
