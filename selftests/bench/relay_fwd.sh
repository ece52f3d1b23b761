#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# How fast a relay forwards small tunnel packets, tunctl's XDP relay next
# to the kernel's own IP forwarding, on the same veth, in one run.
#
#   netns rbench-g-PID                      netns rbench-r-PID
#   +------------------------------+        +-----------------------------+
#   | rbgPID 198.18.0.1 and .3     |  veth  | rbrPID 198.18.0.2           |
#   | udpflood -> .2 (60 B frames, |=======>| 1 tunctl relay: tunnel 7    |
#   |   tunctl data, tunnel 7)     |<=======|   from .1:51820 to .3:51820 |
#   | XDP_DROP counts what comes   |        | 2 ip_forward: .1 -> 198.18. |
#   |   back (rx_queue_0_xdp_drops)|        |   9.9 routed via .3 (and an |
#   +------------------------------+        |   XDP_PASS program, so both |
#                                           |   take frames the same way) |
#                                           +-----------------------------+
#
# Both forward back out of the device they came in on (a one-armed
# relay, as on a host with one NIC): the relay by XDP_TX, the kernel by a
# route. The generator is udpflood with AF_PACKET (see xdp_drop.sh): its
# XDP live-frames engine recycles each page with whatever the receiver
# wrote into it, and both receivers here rewrite the frame in place (the
# relay its headers, the kernel the TTL), so a recycled frame would no
# longer be the one offered. Generator and relay share CPU 1, so each
# figure is that core's rate at doing both; compare the two within a
# run. Benchmarks are measured, not asserted: exit 0 when the
# measurement ran.

set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TUNCTL=${TUNCTL:-$TOP/ctl/tunctl}
SECS=${BENCH_SECONDS:-5}
G=rbench-g-$$ R=rbench-r-$$ GDEV=rbg$$ RDEV=rbr$$
GMAC=02:72:62:00:00:01 RMAC=02:72:62:00:00:02
export TUNCTL_PIN_ROOT=/sys/fs/bpf/rbench-$$
export TUNCTL_RUN_DIR=/tmp/rbench-$$
WORK=$(mktemp -d /tmp/rbench-XXXXXX)

die() { echo "relay_fwd.sh: $*" >&2; exit 1; }

cleanup() {
	nsenter --net=/run/netns/"$R" "$TUNCTL" detach "$RDEV" >/dev/null 2>&1
	for ns in "$G" "$R"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TUNCTL_PIN_ROOT" "$TUNCTL_RUN_DIR" "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || die "needs root"
[ -x "$TUNCTL" ] || die "$TUNCTL: not built"
case $SECS in ''|*[!0-9]*) die "BENCH_SECONDS=$SECS: not a number" ;; esac
[ "$SECS" -ge 1 ] && [ "$SECS" -le 30 ] || die "BENCH_SECONDS: 1 to 30"

cc -O2 -o "$WORK/udpflood" "$TOP/selftests/bench/udpflood.c" ||
	die "cannot build udpflood"
cat >"$WORK/xdp.bpf.c" <<'EOF'
#include <linux/bpf.h>
__attribute__((section("xdp"), used)) int drop(struct xdp_md *c) { return XDP_DROP; }
__attribute__((section("xdp.pass"), used)) int pass(struct xdp_md *c) { return XDP_PASS; }
char _l[] __attribute__((section("license"), used)) = "GPL";
EOF
clang -O2 -target bpf -I/usr/include/x86_64-linux-gnu -c "$WORK/xdp.bpf.c" \
	-o "$WORK/xdp.o" || die "cannot build the XDP programs"

ip netns add "$G" && ip netns add "$R" || die "cannot create namespaces"
ip link add "$GDEV" netns "$G" address "$GMAC" type veth \
	peer name "$RDEV" netns "$R" address "$RMAC" || die "cannot create the veth"
ip -n "$G" addr add 198.18.0.1/24 dev "$GDEV"
ip -n "$G" addr add 198.18.0.3/24 dev "$GDEV"
ip -n "$R" addr add 198.18.0.2/24 dev "$RDEV"
ip -n "$G" link set "$GDEV" up
ip -n "$R" link set "$RDEV" up
ip -n "$G" link set dev "$GDEV" xdpdrv obj "$WORK/xdp.o" sec xdp ||
	die "cannot attach the counting XDP_DROP program"

# The generator's side drops everything, ARP included: static neighbours.
neighbours() {
	ip -n "$R" neigh replace 198.18.0.3 lladdr "$GMAC" dev "$RDEV" nud permanent
	ip -n "$R" neigh replace 198.18.0.1 lladdr "$GMAC" dev "$RDEV" nud permanent
}

xdp_drops() { ip netns exec "$1" ethtool -S "$2" | awk '/rx_queue_0_xdp_drops:/ { print $2 }'; }
back() { xdp_drops "$G" "$GDEV"; }

# measure LABEL DST [COUNT]: flood DST for SECS; print what came back per
# second (or what COUNT, a command, counted) and the offered rate.
measure() {
	local a b sent count=${3:-back}
	a=$($count)
	nsenter --net=/run/netns/"$G" taskset -c 1 "$WORK/udpflood" -e packet -i "$GDEV" \
		-d "$RMAC" -s 198.18.0.1 -t "$2" -p 51820 -m 7 -T "$SECS" \
		>"$WORK/gen" 2>&1 || die "$1: the generator failed: $(cat "$WORK/gen")"
	sleep 0.2
	b=$($count)
	sent=$(sed -n 's/.*packets=\([0-9]*\).*/\1/p' "$WORK/gen")
	awk -v l="$1" -v n=$((b - a)) -v s="$sent" -v t="$SECS" 'BEGIN {
		printf "  %-26s %6.2f Mpps handled  (%.2f Mpps offered, %.0f ns per packet on the core)\n",
			l, n / t / 1e6, s / t / 1e6, t * 1e9 / s
	}'
	echo $((b - a)) >"$WORK/$1.n"
	echo "$sent" >"$WORK/$1.sent"
}

echo "relay forwarding, 60-byte frames, ${SECS} s each, generator and relay on CPU 1:"

# 0. The floor: the relay's device drops everything at once (XDP_DROP),
# so the core's time per packet is the generator's and little else.
ip -n "$R" link set dev "$RDEV" xdpdrv obj "$WORK/xdp.o" sec xdp ||
	die "cannot attach XDP_DROP on the relay"
rdrops() { xdp_drops "$R" "$RDEV"; }
measure bare-drop 198.18.0.2 rdrops
ip -n "$R" link set dev "$RDEV" xdpdrv off

# 1. tunctl's relay.
cat >"$WORK/relay.json" <<EOF
{ "node": { "listen_port": 51820 },
  "relay": [ { "tunnel": 7, "between": [ "198.18.0.1:51820", "198.18.0.3:51820" ] } ] }
EOF
nsenter --net=/run/netns/"$R" "$TUNCTL" attach "$RDEV" --config "$WORK/relay.json" \
	>"$WORK/attach" 2>&1 || die "tunctl attach: $(cat "$WORK/attach")"
sleep 0.5
neighbours
measure tunctl-relay 198.18.0.2
nsenter --net=/run/netns/"$R" "$TUNCTL" status "$RDEV" | grep -E 'relay|drop'
nsenter --net=/run/netns/"$R" "$TUNCTL" detach "$RDEV" >/dev/null ||
	die "tunctl detach failed"

# 2. The kernel, one-armed: 198.18.9.0/24 lies behind .3.
ip -n "$R" link set dev "$RDEV" xdpdrv obj "$WORK/xdp.o" sec xdp.pass ||
	die "cannot attach the XDP_PASS program"
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1 \
	net.ipv4.conf.all.send_redirects=0 "net.ipv4.conf.$RDEV.send_redirects=0" \
	net.ipv4.conf.all.rp_filter=0 "net.ipv4.conf.$RDEV.rp_filter=0"
ip -n "$R" route add 198.18.9.0/24 via 198.18.0.3
neighbours
measure kernel-forwarding 198.18.9.9

# The core does generator + receiver per packet; less the bare-drop floor,
# what remains is each forwarder's own cost.
awk -v a="$(cat "$WORK/tunctl-relay.n")" -v b="$(cat "$WORK/kernel-forwarding.n")" \
    -v sa="$(cat "$WORK/tunctl-relay.sent")" -v sb="$(cat "$WORK/kernel-forwarding.sent")" \
    -v s0="$(cat "$WORK/bare-drop.sent")" -v t="$SECS" 'BEGIN {
	if (b > 0) printf "  tunctl relay / kernel forwarding: %.2fx the rate (target >= 3x)\n", a / b
	r = t * 1e9 / sa - t * 1e9 / s0; k = t * 1e9 / sb - t * 1e9 / s0
	if (r > 0) printf "  over the bare drop: relay +%.0f ns/pkt, kernel +%.0f ns/pkt: the relay does its work in %.2fx less time\n", r, k, k / r
}'
