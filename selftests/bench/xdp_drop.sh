#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# How fast tunctl's ingress program drops a 64-byte UDP flood, next to a bare
# XDP_DROP program and an nftables netdev-ingress drop rule, in one run.
#
#   netns tbench-tx-PID                        netns tbench-rx-PID
#   +-------------------------------+          +--------------------------------+
#   | tbtxPID 198.18.0.1/24         |   veth   | tbrxPID 198.18.0.2/24          |
#   | udpflood on CPU 1:            |=========>| GRO on, so veth runs NAPI:     |
#   |   XDP_TX of live frames       | 60-byte  |   split: a NAPI kthread on CPU0|
#   |   (ndo_xdp_xmit into the      | frames   |   shared: softirq on CPU 1     |
#   |   peer's ring), or AF_PACKET  |          | receivers, one after another:  |
#   |   sendmmsg (BENCH_ENGINE)     |          |   1 tunctl attach (XDP native) |
#   +-------------------------------+          |   2 bare XDP_DROP (xdpdrv)     |
#                                              |   3 nft netdev ingress drop    |
#                                              +--------------------------------+
#
# The frame: Ethernet + IPv4 + UDP + 18 bytes of payload = 60 bytes, 64 on a
# wire with the FCS, to UDP port 9 of the rx address, which tunctl drops as
# "no-tunnel". Nothing leaves the two namespaces.
#
# The generator. The kernel has no pktgen (CONFIG_NET_PKTGEN), so udpflood.c
# next to this script is built into a temp dir. Its default engine runs a
# two-instruction XDP_TX program with BPF_PROG_RUN in live-frames mode on the
# tx veth: the kernel transmits each frame with ndo_xdp_xmit, which for a
# veth puts an xdp_frame straight into the rx veth's ring, as a NIC's DMA
# would: no skb, no copy, no qdisc. That needs NAPI on the rx veth (an XDP
# program or GRO on it; without either the frames vanish uncounted at the tx
# veth), so GRO is on for all three receivers. BENCH_ENGINE=packet uses
# AF_PACKET sendmmsg with PACKET_QDISC_BYPASS instead: skbs, about a third
# of the rate, and the rx veth's XDP then copies each skb into a page.
#
# Where the receiving runs (BENCH_LAYOUT):
#   split   the rx NAPI is a kthread (threaded NAPI) pinned to CPU 0, the
#           generator has CPU 1. "ns/pkt" is the NAPI kthread's CPU time per
#           drop and "rx CPU" its share of CPU 0. On a VM the two vCPUs are
#           descheduled independently and each xdp_frame goes back to the
#           sender's page pool across CPUs, so the receiver may sit idle
#           while the 256-slot veth ring overflows: Mpps then tells more
#           about the hypervisor than about the receiver.
#   shared  (default) the rx NAPI runs in softirq on the generator's CPU,
#           right after each batch of 64 frames: one core does everything,
#           no ring overflows, no cross-CPU traffic. "ns/pkt" is that core's
#           time per drop, sender included, so ratios are compressed toward
#           1 by the sender's share; the differences in ns/pkt are the
#           receivers' own.
#
# The counting. Each receiver counts its own drops, read before and after a
# BENCH_SECONDS window that starts 1 s into the flood:
#   tunctl     tunctl status -j: counters.ingress.drop."no-tunnel".packets
#   bare XDP   the veth's count of XDP_DROP verdicts (ethtool -S
#              rx_queue_0_xdp_drops): the program has no counter of its own
#   nftables   a counter in the drop rule (nft -j list chain)
# Read in the same window: the frames the rx NAPI took off the ring
# (rx_queue_0_xdp_packets; each receiver's count must match it) and those
# the full ring refused (rx dropped). Benchmarks are measured, not asserted:
# exit 0 when the measurement ran, 1 when setup failed.
#
# Environment: BENCH_SECONDS (1..20, default 5), BENCH_LAYOUT (shared|split),
# BENCH_ENGINE (xdp|packet; default xdp, or packet if xdp delivers nothing),
# TUNCTL (default ctl/tunctl of this tree).

set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TUNCTL=${TUNCTL:-$TOP/ctl/tunctl}
SECS=${BENCH_SECONDS:-5}
LAYOUT=${BENCH_LAYOUT:-shared}
ENGINE=${BENCH_ENGINE:-}
TX=tbench-tx-$$
RX=tbench-rx-$$
TXDEV=tbtx$$
RXDEV=tbrx$$
TXMAC=02:74:62:00:00:01
RXMAC=02:74:62:00:00:02
TXADDR=198.18.0.1
RXADDR=198.18.0.2
TXCPU=1
RXCPU=0
export TUNCTL_PIN_ROOT=/sys/fs/bpf/tbench-$$
export TUNCTL_RUN_DIR=/tmp/tbench-$$

WORK=
NETNSES=()
ATTACHED=
GEN_PID=
NOTES=()
declare -A RES GEN

die() {
	echo "xdp_drop.sh: $*" >&2
	exit 1
}

cleanup() {
	local rc=$? ns pidf

	if [ -n "$GEN_PID" ]; then
		kill "$GEN_PID" 2>/dev/null
		wait "$GEN_PID" 2>/dev/null
	fi
	[ -n "$ATTACHED" ] && rx_tunctl detach "$RXDEV" >/dev/null 2>&1
	for pidf in "$TUNCTL_RUN_DIR"/*.pid; do
		[ -f "$pidf" ] && kill "$(cat "$pidf")" 2>/dev/null
	done
	for ns in "${NETNSES[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	# The links went with the devices; what can be left are pinned maps.
	rm -rf "$TUNCTL_PIN_ROOT" "$TUNCTL_RUN_DIR"
	[ -n "$WORK" ] && rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# rx_tunctl ARGS...: tunctl in the rx namespace. nsenter keeps /sys, and with
# it bpffs, as it is; `ip netns exec` would remount it.
rx_tunctl() {
	nsenter --net=/run/netns/"$RX" "$TUNCTL" "$@"
}

rx_nsenter() {
	nsenter --net=/run/netns/"$RX" "$@"
}

# jpath KEY...: one value of the JSON on stdin, by object keys and array
# indices.
jpath() {
	if command -v jq >/dev/null; then
		jq -r 'getpath($ARGS.positional | map(tonumber? // .))' --args "$@"
	else
		python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1:]:
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$@"
	fi
}

# veth_stat NAME: one of the rx veth's ethtool -S counters.
veth_stat() {
	rx_nsenter ethtool -S "$RXDEV" | awk -v k="$1:" '$1 == k { print $2 }'
}

# The rx veth's NAPI kthread, named napi/DEV-ID (split layout only).
napi_thread() {
	ps -eo pid=,comm= | awk -v p="napi/$RXDEV-" \
		'substr($2, 1, length(p)) == p { print $1; exit }'
}

# receiver_count KIND: the drops counted by that receiver so far.
receiver_count() {
	case $1 in
	tunctl)
		rx_tunctl status -j "$RXDEV" |
			jpath devices 0 counters ingress drop no-tunnel packets ;;
	bare)
		veth_stat rx_queue_0_xdp_drops ;;
	nft)
		rx_nsenter nft -j list chain netdev tbench c |
			jpath nftables 2 rule expr 0 counter packets ;;
	esac
}

# snap KIND: "time receiver-count napi-frames ring-refused napi-cpu-ns".
snap() {
	local t cnt seen refused run=0 pid

	t=$EPOCHREALTIME
	cnt=$(receiver_count "$1")
	seen=$(veth_stat rx_queue_0_xdp_packets)
	refused=$(ip -n "$RX" -j -s link show dev "$RXDEV" |
		  jpath 0 stats64 rx dropped)
	if [ "$LAYOUT" = split ]; then
		pid=$(napi_thread)
		[ -n "$pid" ] && run=$(awk '{ print $1 }' "/proc/$pid/schedstat")
	fi
	echo "$t ${cnt:-x} ${seen:-x} ${refused:-x} ${run:-x}"
}

flood() {
	nsenter --net=/run/netns/"$TX" taskset -c "$TXCPU" "$WORK/udpflood" \
		-e "$ENGINE" -i "$TXDEV" -d "$RXMAC" -s "$TXADDR" -t "$RXADDR" \
		-T "$1"
}

# measure KIND: flood for SECS + 2 s; count over SECS s from 1 s in.
measure() {
	local kind=$1 a b pid

	if [ "$LAYOUT" = split ]; then
		# Attaching XDP can re-create the NAPI instance: pin it anew.
		pid=$(napi_thread)
		[ -n "$pid" ] || die "$kind: no NAPI kthread for $RXDEV"
		taskset -pc "$RXCPU" "$pid" >/dev/null
	fi
	flood $((SECS + 2)) >"$WORK/gen.$kind" 2>&1 &
	GEN_PID=$!
	sleep 1
	a=$(snap "$kind")
	sleep "$SECS"
	b=$(snap "$kind")
	wait "$GEN_PID" ||
		die "$kind: the generator failed: $(cat "$WORK/gen.$kind")"
	GEN_PID=
	case "$a $b" in
	*x*) die "$kind: a counter could not be read ($a / $b)" ;;
	esac
	RES[$kind]="$a $b"
	GEN[$kind]=$(sed -n 's/.*packets=\([0-9]*\) seconds=\([0-9.]*\).*/\1 \2/p' \
		"$WORK/gen.$kind")
}

# probe: a short flood, dropped by the stack (no listener), must show up
# in the rx NAPI's count.
probe() {
	local before after

	before=$(veth_stat rx_queue_0_xdp_packets)
	flood 0.3 >"$WORK/probe" 2>&1 || return 1
	after=$(veth_stat rx_queue_0_xdp_packets)
	[ "$((after - before))" -gt 1000 ]
}

# --- setup ----------------------------------------------------------------

[ "$(id -u)" = 0 ] || die "needs root"
case $SECS in
''|*[!0-9]*) die "BENCH_SECONDS=$SECS: not a number of seconds" ;;
esac
[ "$SECS" -ge 1 ] && [ "$SECS" -le 20 ] ||
	die "BENCH_SECONDS=$SECS: from 1 to 20, to stay well under 2 minutes"
case $LAYOUT in
shared|split) ;;
*) die "BENCH_LAYOUT=$LAYOUT: shared or split" ;;
esac
case $ENGINE in
''|xdp|packet) ;;
*) die "BENCH_ENGINE=$ENGINE: xdp or packet" ;;
esac
[ -x "$TUNCTL" ] || die "$TUNCTL: not built (run make in $TOP)"
for tool in ip nsenter taskset ethtool clang cc nft; do
	command -v $tool >/dev/null ||
		die "$tool not found (Debian: apt-get install iproute2 util-linux ethtool clang gcc nftables)"
done
command -v jq >/dev/null || command -v python3 >/dev/null ||
	die "needs jq or python3 to read JSON"
if [ "$(nproc)" -lt 2 ]; then
	TXCPU=0
	[ "$LAYOUT" = split ] && NOTES+=("one CPU only: shared layout used")
	LAYOUT=shared
fi
[ -e "$TUNCTL_PIN_ROOT" ] && die "$TUNCTL_PIN_ROOT exists already"
[ -e "$TUNCTL_RUN_DIR" ] && die "$TUNCTL_RUN_DIR exists already"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf ||
	die "cannot mount bpffs at /sys/fs/bpf"

WORK=$(mktemp -d /tmp/tbench-build-$$.XXXXXX) || die "mktemp failed"
cc -O2 -Wall -Wextra -o "$WORK/udpflood" "$TOP/selftests/bench/udpflood.c" ||
	die "cannot build udpflood"
# No headers: nothing to go missing, and nothing to read in the packet.
cat >"$WORK/xdp_drop.bpf.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0-only
/* The baseline: drop every frame without reading a byte of it. */
struct xdp_md;

__attribute__((section("xdp"), used))
int bare_drop(struct xdp_md *ctx)
{
	return 1;	/* XDP_DROP */
}

char LICENSE[] __attribute__((section("license"), used)) = "GPL";
EOF
clang -O2 -g -target bpf -c "$WORK/xdp_drop.bpf.c" -o "$WORK/xdp_drop.bpf.o" ||
	die "cannot build the bare XDP_DROP program"
cat >"$WORK/drop.nft" <<EOF
table netdev tbench {
	chain c {
		type filter hook ingress device "$RXDEV" priority 0; policy accept;
		counter drop
	}
}
EOF

for ns in "$TX" "$RX"; do
	ip netns add "$ns" || die "cannot create netns $ns"
	NETNSES+=("$ns")
	ip -n "$ns" link set lo up
done
ip link add "$TXDEV" netns "$TX" address "$TXMAC" type veth \
	peer name "$RXDEV" netns "$RX" address "$RXMAC" ||
	die "cannot create the veth pair"
ip -n "$TX" addr add "$TXADDR/24" dev "$TXDEV"
ip -n "$RX" addr add "$RXADDR/24" dev "$RXDEV"
ip -n "$TX" link set "$TXDEV" up
ip -n "$RX" link set "$RXDEV" up || die "cannot bring the veth pair up"

# GRO gives the rx veth a NAPI instance and ring even with no XDP program:
# ndo_xdp_xmit needs it, and all three receivers then see the same path.
rx_nsenter ethtool -K "$RXDEV" gro on >/dev/null ||
	die "cannot switch GRO on for $RXDEV"
# veth hands an skb to the peer's NAPI only if GRO could merge it, which it
# deems impossible while the sender has TSO on: AF_PACKET's skbs would take
# the backlog path instead, where no native XDP runs.
nsenter --net=/run/netns/"$TX" ethtool -K "$TXDEV" tso off >/dev/null ||
	die "cannot switch TSO off for $TXDEV"
if [ "$LAYOUT" = split ]; then
	# `ip netns exec` on purpose here: its private /sys shows the rx
	# namespace's devices.
	ip netns exec "$RX" sh -c "echo 1 > /sys/class/net/$RXDEV/threaded" &&
		[ -n "$(napi_thread)" ] ||
		die "no threaded NAPI for $RXDEV: use BENCH_LAYOUT=shared"
fi

if [ -z "$ENGINE" ]; then
	ENGINE=xdp
	if ! probe; then
		NOTES+=("the XDP live-frames engine delivered nothing ($(head -1 "$WORK/probe")): AF_PACKET used")
		ENGINE=packet
	fi
fi
probe || die "the $ENGINE engine delivers no frames: $(cat "$WORK/probe")"

# --- the three receivers, one after the other on the same rx veth --------

rx_tunctl attach "$RXDEV" >"$WORK/attach" 2>&1 ||
	die "tunctl attach $RXDEV failed: $(cat "$WORK/attach")"
ATTACHED=1
mode=$(rx_tunctl status -j "$RXDEV" | jpath devices 0 xdp_mode)
[ "$mode" = native ] || NOTES+=("tunctl attached in $mode XDP mode, not native")
measure tunctl
rx_tunctl detach "$RXDEV" || die "tunctl detach $RXDEV failed"
ATTACHED=

ip -n "$RX" link set dev "$RXDEV" xdpdrv obj "$WORK/xdp_drop.bpf.o" sec xdp ||
	die "cannot attach the bare XDP_DROP program"
measure bare
ip -n "$RX" link set dev "$RXDEV" xdpdrv off

rx_nsenter nft -f "$WORK/drop.nft" || die "cannot load the nftables rule"
measure nft
rx_nsenter nft delete table netdev tbench

# --- report ----------------------------------------------------------------

for k in bare tunctl nft; do
	echo "$k ${RES[$k]} ${GEN[$k]:-0 0}"
done | awk -v secs="$SECS" -v engine="$ENGINE" -v layout="$LAYOUT" \
	-v txcpu="$TXCPU" -v rxcpu="$RXCPU" '
function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
{
	# fields: kind, then t cnt seen refused run before and after, then
	# the generator's packets and seconds
	k = $1; order[++n] = k
	dt = $7 - $2
	cnt[k] = $8 - $3; seen[k] = $9 - $4; refused[k] = ($10 - $5) / dt / 1e6
	mpps[k] = cnt[k] / dt / 1e6
	offered[k] = (seen[k] + ($10 - $5)) / dt / 1e6
	sent[k] = $13 > 0 ? $12 / $13 / 1e6 : 0
	if (layout == "split") {
		busy[k] = ($11 - $6) / dt / 1e9
		nspp[k] = cnt[k] > 0 ? ($11 - $6) / cnt[k] : 0
		cpu[k] = sprintf("%d%%", busy[k] * 100 + 0.5)
	} else {
		nspp[k] = cnt[k] > 0 ? dt * 1e9 / cnt[k] : 0
		cpu[k] = "-"
	}
}
END {
	name["bare"] = "bare XDP_DROP"
	name["tunctl"] = "tunctl ingress"
	name["nft"] = "nftables ingress"
	printf "64-byte UDP flood (60-byte frames + FCS), %d s per receiver, " \
	       "%s layout\n", secs, layout
	printf "%-17s %5s   %-16s   %-11s   %6s   %s\n", "receiver", "Mpps",
	       "vs bare XDP_DROP", "vs nftables", "ns/pkt", "rx CPU"
	for (i = 1; i <= n; i++) {
		k = order[i]
		printf "%-17s %5.2f   %-16s   %-11s   %6d   %s\n", name[k],
		       mpps[k], ratio(mpps[k], mpps["bare"]),
		       ratio(mpps[k], mpps["nft"]), nspp[k], cpu[k]
	}
	how = engine == "xdp" ? "XDP live frames" : "AF_PACKET sendmmsg"
	printf "sender: udpflood (%s) on CPU %d: %.2f / %.2f / %.2f Mpps " \
	       "sent in the bare / tunctl / nft runs\n", how, txcpu,
	       sent["bare"], sent["tunctl"], sent["nft"]
	printf "rx veth: %.2f / %.2f / %.2f Mpps arrived, %.2f / %.2f / %.2f " \
	       "Mpps of them refused by its full ring\n", offered["bare"],
	       offered["tunctl"], offered["nft"], refused["bare"],
	       refused["tunctl"], refused["nft"]
	if (layout == "split")
		print "ns/pkt: CPU " rxcpu " time of the rx NAPI kthread per drop"
	else
		print "ns/pkt: CPU " txcpu " time per drop, sending included " \
		      "(its difference to bare XDP_DROP is the receiver'"'"'s own)"
	for (i = 1; i <= n; i++) {
		k = order[i]
		d = cnt[k] - seen[k]
		if (seen[k] > 0 && (d > seen[k] / 100 || -d > seen[k] / 100))
			printf "check: %s counted %d drops, but its NAPI took " \
			       "%d frames off the ring\n", name[k], cnt[k], seen[k]
		if (layout == "split" && busy[k] < 0.9)
			printf "note: %s was busy %s of the time while %.2f " \
			       "Mpps were refused: its Mpps is not its limit\n",
			       name[k], cpu[k], refused[k]
		if (layout == "shared" && refused[k] > mpps[k] / 100)
			printf "note: %s: the ring overflowed in the shared " \
			       "layout\n", name[k]
	}
}'
for n in "${NOTES[@]}"; do
	echo "note: $n"
done
exit 0
