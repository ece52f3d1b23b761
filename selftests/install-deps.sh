#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make deps: every Debian package the build, tests, demo and benches need.
# Idempotent; silent when everything is there; apt-get update at most once.
set -eu

PKGS=(
	# build
	make gcc clang llvm pkg-config bpftool linux-libc-dev libc6-dev
	libbpf-dev libelf-dev zlib1g-dev libsodium-dev libjansson-dev libnftables-dev check
	libclang-rt-14-dev
	# tests, demo and benches
	iproute2 iputils-ping netcat-openbsd tcpdump python3 util-linux
	procps nftables curl dnsmasq-base bind9-dnsutils
	# the UTM tests: an MQTT broker and clients, a CoAP client and server
	mosquitto mosquitto-clients libcoap3-bin
	# make vmtest
	qemu-system-x86 busybox-static cpio
	# make bench: the tunnels tunctl is measured against, and the load
	ethtool iperf3 wireguard-go wireguard-tools nebula
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing ${missing[*]}; run as root to install them" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	--no-install-recommends "${missing[@]}" >/dev/null
