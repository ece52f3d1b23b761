#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# How fast tunctl's ingress program drops a 64-byte UDP flood, next to a bare
# XDP_DROP program and an nftables netdev-ingress drop rule, in one run.
#
#   netns tbench-tx-PID                     netns tbench-rx-PID
#   +-----------------------------+         +-------------------------------+
#   | tbtxPID 198.18.0.1/24       |  veth   | tbrxPID 198.18.0.2/24         |
#   | udpflood, pinned to CPU 1:  |========>| GRO on, so the veth runs NAPI |
#   |   XDP_TX of live frames     | 60-byte |   shared: softirq on CPU 1    |
#   |   (ndo_xdp_xmit into the    | frames  |   split: a kthread on CPU 0   |
#   |   peer's ring), or AF_PACKET|         | receivers, one after another: |
#   |   sendmmsg (BENCH_ENGINE)   |         |   1 tunctl attach (XDP native)|
#   +-----------------------------+         |   2 bare XDP_DROP (xdpdrv)    |
#                                           |   3 nft netdev ingress drop   |
#                                           +-------------------------------+
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
# program or GRO on it; the tx veth needs nothing), or the frames vanish
# uncounted at the tx veth; GRO is on, so all three receivers get it.
# BENCH_ENGINE=packet uses AF_PACKET sendmmsg with PACKET_QDISC_BYPASS: skbs
# at about a third of the rate, which the rx veth's XDP must first copy into
# pages of its own. It is only a fallback: bare XDP_DROP pays most for that
# copy and comes out slowest of the three.
#
# Where the receiving runs (BENCH_LAYOUT):
#   shared  (default) the rx NAPI runs in softirq on the generator's CPU,
#           right after each batch of 64 frames: one core does everything,
#           no ring overflows, no traffic between CPUs. "ns/pkt" is that
#           core's time per drop, the sender's share included: the ratios
#           are compressed toward 1 by it, the differences in ns/pkt are the
#           receivers' own. Here absolute rates drifted by up to a third
#           over an hour (load elsewhere on the host), the ratios far less.
#   split   the rx NAPI is a kthread (threaded NAPI) pinned to CPU 0, the
#           generator keeps CPU 1. "ns/pkt" is the kthread's CPU time per
#           drop, "rx CPU" its share of CPU 0. On this VM it does not
#           measure the receivers: every xdp_frame goes back to the sender's
#           page pool across CPUs, the vCPUs are descheduled independently,
#           and the receiver idles half the time or more while the 256-slot
#           veth ring overflows; Mpps varied 2x between runs.
#
# The counting. Each receiver counts its own drops, read before and after a
# BENCH_SECONDS window that starts 1 s into the flood, summed over the
# rounds:
#   tunctl     tunctl status -j: counters.ingress.drop."no-tunnel".packets
#   bare XDP   the veth's count of XDP_DROP verdicts (ethtool -S
#              rx_queue_0_xdp_drops): the program has no counter of its own
#   nftables   a counter in the drop rule (nft -j list chain)
# Read in the same window: the frames the rx NAPI took off the ring
# (rx_queue_0_xdp_packets, which each receiver's count must match within 2%)
# and those the full ring refused (rx dropped). Benchmarks are measured, not
# asserted: exit 0 when the measurement ran, 1 when setup failed.
#
# Environment: BENCH_SECONDS (default 5) per measurement, BENCH_ROUNDS
# (default 2) of the three receivers taking turns, BENCH_LAYOUT (shared or
# split), BENCH_ENGINE (xdp or packet; default xdp, or packet if xdp
# delivers nothing), TUNCTL (default ctl/tunctl of this tree).

set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TUNCTL=${TUNCTL:-$TOP/ctl/tunctl}
SECS=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-2}
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
declare -A RES

die() {
	echo "xdp_drop.sh: $*" >&2
	exit 1
}

# shellcheck disable=SC2317 # reached through the trap
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

# flood SECS: udpflood in the tx namespace. nsenter and taskset exec, so
# the PID of "flood ... &" is udpflood's own.
flood() {
	exec nsenter --net=/run/netns/"$TX" taskset -c "$TXCPU" \
		"$WORK/udpflood" -e "$ENGINE" -i "$TXDEV" -d "$RXMAC" \
		-s "$TXADDR" -t "$RXADDR" -T "$1"
}

# measure KIND ROUND: count over SECS s from 1 s into a flood, then stop it.
measure() {
	local kind=$1 round=$2 a b pid

	if [ "$LAYOUT" = split ]; then
		# Attaching XDP can re-create the NAPI instance: pin it anew.
		pid=$(napi_thread)
		[ -n "$pid" ] || die "$kind: no NAPI kthread for $RXDEV"
		taskset -pc "$RXCPU" "$pid" >/dev/null
	fi
	flood $((SECS + 10)) >"$WORK/gen" 2>&1 &
	GEN_PID=$!
	sleep 1
	a=$(snap "$kind")
	sleep "$SECS"
	b=$(snap "$kind")
	kill -TERM "$GEN_PID" 2>/dev/null
	wait "$GEN_PID" || die "$kind: the generator failed: $(cat "$WORK/gen")"
	GEN_PID=
	case "$a $b" in
	*x*) die "$kind: a counter could not be read ($a / $b)" ;;
	esac
	RES[$kind.$round]="$a $b $(sed -n \
		's/.*packets=\([0-9]*\) seconds=\([0-9.]*\).*/\1 \2/p' "$WORK/gen")"
}

# run KIND ROUND: put that receiver on the rx veth, measure, take it off.
run() {
	local mode

	case $1 in
	tunctl)
		rx_tunctl attach "$RXDEV" >"$WORK/attach" 2>&1 ||
			die "tunctl attach $RXDEV failed: $(cat "$WORK/attach")"
		ATTACHED=1
		mode=$(rx_tunctl status -j "$RXDEV" | jpath devices 0 xdp_mode)
		[ "$mode" = native ] ||
			die "tunctl attached in $mode XDP mode, not native"
		measure "$@"
		rx_tunctl detach "$RXDEV" || die "tunctl detach $RXDEV failed"
		ATTACHED= ;;
	bare)
		ip -n "$RX" link set dev "$RXDEV" xdpdrv \
			obj "$WORK/xdp_drop.bpf.o" sec xdp ||
			die "cannot attach the bare XDP_DROP program"
		measure "$@"
		ip -n "$RX" link set dev "$RXDEV" xdpdrv off ;;
	nft)
		rx_nsenter nft -f "$WORK/drop.nft" ||
			die "cannot load the nftables rule"
		measure "$@"
		rx_nsenter nft delete table netdev tbench ;;
	esac
}

# probe: a short flood, dropped by the stack (no listener), must show up
# in the rx NAPI's count.
probe() {
	local before after

	before=$(veth_stat rx_queue_0_xdp_packets)
	(flood 0.3) >"$WORK/probe" 2>&1 || return 1
	after=$(veth_stat rx_queue_0_xdp_packets)
	[ "$((after - before))" -gt 1000 ]
}

# --- setup ----------------------------------------------------------------

[ "$(id -u)" = 0 ] || die "needs root"
[ -n "${EPOCHREALTIME:-}" ] || die "needs bash 5 or later (EPOCHREALTIME)"
case $SECS in
''|*[!0-9]*) die "BENCH_SECONDS=$SECS: not a number of seconds" ;;
esac
case $ROUNDS in
''|*[!0-9]*) die "BENCH_ROUNDS=$ROUNDS: not a number" ;;
esac
SECS=$((10#$SECS))
ROUNDS=$((10#$ROUNDS))
# 1 s of warm-up per measurement, 3 measurements per round.
if [ "$SECS" -lt 1 ] || [ "$ROUNDS" -lt 1 ] ||
   [ $((ROUNDS * (SECS + 1) * 3)) -gt 90 ]; then
	die "BENCH_SECONDS=$SECS x BENCH_ROUNDS=$ROUNDS: keep 3 x rounds x (seconds + 1) within 90 s"
fi
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
	if ! ip netns exec "$RX" sh -c "echo 1 > /sys/class/net/$RXDEV/threaded" ||
	   [ -z "$(napi_thread)" ]; then
		die "no threaded NAPI for $RXDEV: use BENCH_LAYOUT=shared"
	fi
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

# Rounds take turns, the order reversed every other round, so that a drift
# in the machine's speed spreads over all three alike.
for ((r = 1; r <= ROUNDS; r++)); do
	if ((r % 2)); then
		order="tunctl bare nft"
	else
		order="nft bare tunctl"
	fi
	for k in $order; do
		run "$k" "$r"
	done
done

# --- report ----------------------------------------------------------------

for key in "${!RES[@]}"; do
	echo "${key%.*} ${key#*.} ${RES[$key]}"
done | awk -v secs="$SECS" -v rounds="$ROUNDS" -v engine="$ENGINE" \
	-v layout="$LAYOUT" -v txcpu="$TXCPU" -v rxcpu="$RXCPU" '
function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
# kind, round, then "time count seen refused napi-ns" before and after the
# window, then the packets and seconds udpflood reported
{
	k = $1; r = $2; dt = $8 - $3
	T[k] += dt; C[k] += $9 - $4; S[k] += $10 - $5; R[k] += $11 - $6
	U[k] += $12 - $7; P[k] += $13; PS[k] += $14
	rm[k, r] = ($9 - $4) / dt
}
END {
	split("bare tunctl nft", rows, " ")
	name["bare"] = "bare XDP_DROP"
	name["tunctl"] = "tunctl ingress"
	name["nft"] = "nftables ingress"
	for (i = 1; i <= 3; i++) {
		k = rows[i]
		mpps[k] = C[k] / T[k] / 1e6
		refused[k] = R[k] / T[k] / 1e6
		arrived[k] = (S[k] + R[k]) / T[k] / 1e6
		sent[k] = PS[k] > 0 ? P[k] / PS[k] / 1e6 : 0
		if (layout == "split") {
			busy[k] = U[k] / T[k] / 1e9
			nspp[k] = C[k] > 0 ? U[k] / C[k] : 0
			cpu[k] = sprintf("%d%%", busy[k] * 100 + 0.5)
		} else {
			nspp[k] = C[k] > 0 ? T[k] * 1e9 / C[k] : 0
			cpu[k] = "-"
		}
	}
	printf "64-byte UDP flood (60-byte frames + FCS), %s layout, %d x %d s " \
	       "per receiver\n", layout, rounds, secs
	printf "%-17s %5s   %-16s   %-11s   %6s   %s\n", "receiver", "Mpps",
	       "vs bare XDP_DROP", "vs nftables", "ns/pkt", "rx CPU"
	for (i = 1; i <= 3; i++) {
		k = rows[i]
		printf "%-17s %5.2f   %-16s   %-11s   %6d   %s\n", name[k],
		       mpps[k], ratio(mpps[k], mpps["bare"]),
		       ratio(mpps[k], mpps["nft"]), nspp[k], cpu[k]
	}
	how = engine == "xdp" ? "XDP live frames" : "AF_PACKET sendmmsg"
	printf "sender: udpflood (%s) on CPU %d: %.2f / %.2f / %.2f Mpps " \
	       "sent in the bare / tunctl / nft runs\n", how, txcpu,
	       sent["bare"], sent["tunctl"], sent["nft"]
	printf "rx veth: %.2f / %.2f / %.2f Mpps arrived, %.2f / %.2f / %.2f " \
	       "Mpps of them refused by its full ring\n", arrived["bare"],
	       arrived["tunctl"], arrived["nft"], refused["bare"],
	       refused["tunctl"], refused["nft"]
	if (rounds > 1) {
		line = "per round: tunctl vs bare XDP_DROP"
		for (r = 1; r <= rounds; r++)
			line = line " " ratio(rm["tunctl", r], rm["bare", r])
		line = line ", vs nftables"
		for (r = 1; r <= rounds; r++)
			line = line " " ratio(rm["tunctl", r], rm["nft", r])
		print line
	}
	if (layout == "split")
		print "ns/pkt: CPU " rxcpu " time of the rx NAPI kthread per drop"
	else
		print "ns/pkt: CPU " txcpu " time per drop, sending included " \
		      "(its difference to bare XDP_DROP is the receiver" \
		      "\047s own)"
	for (i = 1; i <= 3; i++) {
		k = rows[i]
		d = C[k] - S[k]
		if (S[k] > 0 && (d > S[k] / 50 || -d > S[k] / 50))
			printf "check: %s counted %d drops, but its NAPI took " \
			       "%d frames off the ring\n", name[k], C[k], S[k]
		if (layout == "split" && busy[k] < 0.9 &&
		    refused[k] > mpps[k] / 100)
			printf "note: %s was busy %s of the time, yet its full " \
			       "ring refused %.2f Mpps: vCPU scheduling, not " \
			       "the receiver, set its Mpps\n", name[k], cpu[k],
			       refused[k]
		else if (layout == "split" && busy[k] < 0.9)
			printf "note: %s was busy %s of the time: it waited " \
			       "for the sender\n", name[k], cpu[k]
		if (layout == "shared" && refused[k] > mpps[k] / 100)
			printf "note: %s: the ring overflowed in the shared " \
			       "layout\n", name[k]
	}
}'
for n in "${NOTES[@]}"; do
	echo "note: $n"
done
exit 0
