#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# How fast tunctl's ingress program drops a 64-byte UDP flood, next to a bare
# XDP_DROP program and an nftables netdev-ingress drop rule, in one run.
#
#   netns tbench-tx-PID                         netns tbench-rx-PID
#   +-------------------------------+           +--------------------------------+
#   | tbtxPID 198.18.0.1/24         |   veth    | tbrxPID 198.18.0.2/24          |
#   | udpflood on CPU 1:            |==========>| GRO on, so veth runs NAPI; the |
#   |   XDP_TX of live frames       | 60-byte   | NAPI kthread is pinned, CPU 0  |
#   |   (ndo_xdp_xmit into the      | frames    | receivers, one after another:  |
#   |   peer's ring), or AF_PACKET  |           |   1 tunctl attach (XDP native) |
#   |   sendmmsg (BENCH_ENGINE)     |           |   2 bare XDP_DROP (xdpdrv)     |
#   +-------------------------------+           |   3 nft netdev ingress drop    |
#                                               +--------------------------------+
#
# The frame: Ethernet + IPv4 + UDP + 18 bytes of payload = 60 bytes, 64 on a
# wire with the FCS; port 9 to the rx address, which tunctl drops as
# "no-tunnel". Nothing leaves the two namespaces.
#
# The generator. There is no pktgen (CONFIG_NET_PKTGEN) on this kernel, so
# udpflood.c next to this script is built into a temp dir. Its default engine
# runs a two-instruction XDP_TX program with BPF_PROG_RUN in live-frames mode
# on the tx veth: the kernel sends each frame with ndo_xdp_xmit, which for a
# veth puts an xdp_frame straight into the rx veth's ring, as a NIC's DMA
# would (no skb, no copy, no qdisc). That needs NAPI on the rx veth, an XDP
# program or GRO there: without either the frames vanish at the tx veth,
# uncounted, so GRO is switched on for all three receivers. BENCH_ENGINE=packet
# uses AF_PACKET sendmmsg with PACKET_QDISC_BYPASS instead (skbs, slower; the
# rx veth's XDP then copies each skb into a page). Either way the generator is
# pinned to CPU 1 and the rx NAPI runs as a kthread (threaded NAPI) pinned to
# CPU 0; without threaded NAPI it would run in softirq on the sender's CPU.
#
# The counting. Each receiver counts its own drops and is read before and
# after a BENCH_SECONDS window that starts 1 s into the flood:
#   tunctl     tunctl status -j: counters.ingress.drop."no-tunnel".packets
#   bare XDP   the veth's count of XDP_DROP verdicts (ethtool -S
#              rx_queue_0_xdp_drops): the program has no counter of its own
#   nftables   a counter in the drop rule (nft -j list chain)
# Also read in the same window: the frames the rx NAPI took off the ring
# (rx_queue_0_xdp_packets; each receiver's count must match it), the frames
# the full ring refused (rx dropped), and the NAPI kthread's CPU time, which
# gives "rx CPU" (busy share of its core) and "ns/pkt" (core time per drop).
# When rx CPU is well below 100% the receiver was waiting for frames: its
# Mpps is then the sender's (or the ring's) limit, and ns/pkt is the fairer
# comparison. Benchmarks are measured, not asserted: exit 0 when the
# measurement ran, 1 when setup failed.
#
# Environment: BENCH_SECONDS (1..20, default 5), BENCH_ENGINE (xdp|packet,
# default xdp, falling back to packet if xdp cannot deliver), TUNCTL.

set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TUNCTL=${TUNCTL:-$TOP/ctl/tunctl}
SECS=${BENCH_SECONDS:-5}
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
THREADED=
NOTES=()

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
	pid=$(napi_thread)
	[ -n "$THREADED" ] && [ -n "$pid" ] &&
		run=$(awk '{ print $1 }' "/proc/$pid/schedstat")
	echo "$t ${cnt:-x} ${seen:-x} ${refused:-x} $run"
}

flood() {
	nsenter --net=/run/netns/"$TX" taskset -c "$TXCPU" "$WORK/udpflood" \
		-e "$ENGINE" -i "$TXDEV" -d "$RXMAC" -s "$TXADDR" -t "$RXADDR" \
		-T "$1"
}

declare -A RES GEN

# measure KIND: flood for SECS + 2 s; count over SECS s from 1 s in.
measure() {
	local kind=$1 a b pid

	pid=$(napi_thread)
	[ -n "$THREADED" ] && [ -n "$pid" ] &&
		taskset -pc "$RXCPU" "$pid" >/dev/null
	flood $((SECS + 2)) >"$WORK/gen.$kind" 2>&1 &
	GEN_PID=$!
	sleep 1
	a=$(snap "$kind")
	sleep "$SECS"
	b=$(snap "$kind")
	wait "$GEN_PID" || die "$kind: the generator failed: $(cat "$WORK/gen.$kind")"
	GEN_PID=
	case "$a $b" in
	*x*) die "$kind: a counter could not be read ($a / $b)" ;;
	esac
	RES[$kind]="$a $b"
	GEN[$kind]=$(sed -n 's/.*packets=\([0-9]*\) seconds=\([0-9.]*\).*/\1 \2/p' \
		"$WORK/gen.$kind")
}

# --- setup ----------------------------------------------------------------

[ "$(id -u)" = 0 ] || die "needs root"
case $SECS in
''|*[!0-9]*) die "BENCH_SECONDS=$SECS: not a number of seconds" ;;
esac
[ "$SECS" -ge 1 ] && [ "$SECS" -le 20 ] ||
	die "BENCH_SECONDS=$SECS: from 1 to 20, to stay well under 2 minutes"
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
	NOTES+=("one CPU only: sender and receiver share it")
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
# Static neighbours: no ARP in the flood, none needed at all.
ip -n "$TX" neigh replace "$RXADDR" lladdr "$RXMAC" dev "$TXDEV"

# GRO gives the rx veth a NAPI instance and ring even with no XDP program:
# ndo_xdp_xmit needs it, and all three receivers then see the same path.
rx_nsenter ethtool -K "$RXDEV" gro on >/dev/null ||
	die "cannot switch GRO on for $RXDEV"
# veth hands an skb to the peer's NAPI only if GRO could merge it, which it
# deems impossible while the sender has TSO on: AF_PACKET's skbs would then
# take the backlog path, where no XDP runs.
nsenter --net=/run/netns/"$TX" ethtool -K "$TXDEV" tso off >/dev/null ||
	die "cannot switch TSO off for $TXDEV"
# Threaded NAPI, so that receiving has its own core. `ip netns exec` here on
# purpose: its private /sys shows the rx namespace's devices.
if ip netns exec "$RX" sh -c "echo 1 > /sys/class/net/$RXDEV/threaded" \
	2>/dev/null && [ -n "$(napi_thread)" ]; then
	THREADED=1
else
	NOTES+=("no threaded NAPI: the rx NAPI ran in softirq on the sender's CPU, rx CPU unknown")
fi

# Can the engine deliver? A short flood that the stack drops (no listener)
# must show up in the rx NAPI's count.
probe() {
	local before after

	before=$(veth_stat rx_queue_0_xdp_packets)
	flood 0.3 >"$WORK/probe" 2>&1 || return 1
	after=$(veth_stat rx_queue_0_xdp_packets)
	[ "$((after - before))" -gt 1000 ]
}
if [ -z "$ENGINE" ]; then
	ENGINE=xdp
	if ! probe; then
		NOTES+=("XDP live-frames engine delivered nothing ($(head -1 "$WORK/probe")); used AF_PACKET")
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

for k in tunctl bare nft; do
	echo "$k ${RES[$k]} ${GEN[$k]:-0 0}"
done | awk -v secs="$SECS" -v engine="$ENGINE" -v cpu="$TXCPU" \
	-v threaded="$THREADED" '
function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
{
	k = $1
	dt[k] = $7 - $2
	cnt[k] = $8 - $3; seen[k] = $9 - $4; refused[k] = $10 - $5
	mpps[k] = cnt[k] / dt[k] / 1e6
	if (threaded && $11 > $6) {
		busy[k] = sprintf("%d%%", ($11 - $6) / dt[k] / 1e7)
		nspp[k] = cnt[k] > 0 ? sprintf("%d", ($11 - $6) / cnt[k]) : "-"
		low[k] = ($11 - $6) / dt[k] / 1e9 < 0.9
	} else {
		busy[k] = "-"; nspp[k] = "-"
	}
	offered[k] = (seen[k] + refused[k]) / dt[k] / 1e6
	refusedr[k] = refused[k] / dt[k] / 1e6
	sent[k] = $13 > 0 ? $12 / $13 / 1e6 : 0
	order[++n] = k
}
END {
	name["bare"] = "bare XDP_DROP"
	name["tunctl"] = "tunctl ingress"
	name["nft"] = "nftables ingress"
	printf "64-byte UDP flood (60-byte frames + FCS), %d s per receiver\n", secs
	printf "%-18s %6s   %-16s   %-9s   %-6s   %s\n", "receiver", "Mpps",
	       "vs bare XDP_DROP", "vs nftables", "rx CPU", "ns/pkt"
	split("bare tunctl nft", rows, " ")
	for (i = 1; i <= 3; i++) {
		k = rows[i]
		printf "%-18s %6.2f   %-16s   %-9s   %-6s   %s\n", name[k],
		       mpps[k], ratio(mpps[k], mpps["bare"]),
		       ratio(mpps[k], mpps["nft"]), busy[k], nspp[k]
	}
	how = engine == "xdp" ? "XDP live-frames" : "AF_PACKET"
	printf "sender: udpflood, %s engine, CPU %d: %.2f / %.2f / %.2f Mpps sent " \
	       "during the bare / tunctl / nft runs;\n", how, cpu, sent["bare"],
	       sent["tunctl"], sent["nft"]
	printf "        at the rx veth %.2f / %.2f / %.2f Mpps, of which the full " \
	       "ring refused %.2f / %.2f / %.2f\n", offered["bare"],
	       offered["tunctl"], offered["nft"],
	       refusedr["bare"], refusedr["tunctl"], refusedr["nft"]
	for (i = 1; i <= 3; i++) {
		k = rows[i]
		if (seen[k] > 0 && (cnt[k] - seen[k] > seen[k] / 100 ||
				    seen[k] - cnt[k] > seen[k] / 100))
			printf "check: %s counted %d drops but its NAPI took %d " \
			       "frames off the ring\n", name[k], cnt[k], seen[k]
		if (low[k])
			printf "note: %s kept its core busy only %s of the time: " \
			       "it waited for frames, so its Mpps is the " \
			       "sender'"'"'s limit; compare ns/pkt\n", name[k], busy[k]
	}
}'
for n in "${NOTES[@]}"; do
	echo "note: $n"
done
exit 0
