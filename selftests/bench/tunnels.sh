#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tunctl's regular tunnel (on its XDP and its tc datapath) next to the bare
# veth under it, wireguard-go and nebula, on the same two namespaces, in
# one run: TCP throughput (1 and 4 streams), UDP throughput and loss,
# round-trip time, and what the CPU did during the single TCP stream.
#
#   netns tbench-a-PID                      netns tbench-b-PID
#   +----------------------------+   veth   +----------------------------+
#   | tbaPID 198.18.0.1          |==========| tbbPID 198.18.0.2          |
#   |  iperf3 -c, ping           |          |  iperf3 -s                 |
#   |  tunctl0 100.64.1.1  (1)   |          |  tunctl0 100.64.1.2        |
#   |  wgaPID  100.64.2.1  (2)   |          |  wgbPID  100.64.2.2        |
#   |  nbaPID  100.64.3.1  (3)   |          |  nbbPID  100.64.3.2        |
#   +----------------------------+          +----------------------------+
#
# One contender at a time: tunctl's default deny would drop the others'
# packets, and an idle daemon must not share the two cores with the one
# being measured. tunctl goes first, so that the others' overlay MTU can
# be set to its own: the same MTU gives every TCP flow the same MSS.
#
# A tunctl tunnel carries one protocol and port, so the pair has three:
# tcp/5201 (iperf3's control connection and TCP data), udp/5201 (iperf3
# -u data) and icmp (ping), each with its own key pair.
#
# UDP is sent at full speed (-b 0) in 1400-byte datagrams, as the task
# asks, and again in the largest datagrams that fit the overlay MTU: a
# 1400-byte datagram is a 1428-byte IP packet, over the usual 1420, so
# the sender's kernel fragments it before any tunnel sees it, and what a
# tunnel does with fragments is then measured rather than its speed.
# Loss is 1 - received/sent packets, so datagrams lost at the tail (which
# iperf3's own figure misses) and a run where nothing arrives both count.
# At -b 0 the sender outruns every tunnel: received Gb/s is the figure,
# loss only says by how much.
#
# CPU, sampled over the middle of the single TCP stream (after iperf3's
# omitted first second, before its end):
#   - cores busy: the CPUs' elapsed time less what /proc/stat counts as
#     idle, iowait and steal, over the elapsed time. It is the honest
#     total, since much of a tunnel's cost is kernel work (TUN reads and
#     writes, UDP sockets, softirq, XDP and tc) charged to whichever task
#     happened to run, but it also counts anything else on the machine.
#     Busy is what is not idle, over wall-clock time: with a tickless
#     idle, idle time is measured at each entry and exit while the busy
#     fields are only sampled at the tick, and a share taken from those
#     once came out below the tunnel daemons' own time (BENCH_DEBUG=1
#     prints the sampled figure next to it);
#   - tunnel cores: utime + stime of the tunnel processes themselves (the
#     tunctl, wireguard-go or nebula daemons of both ends, all threads);
#   - cores per Gb/s: cores busy over the stream's throughput (CPU
#     seconds per Gbit carried), comparable between a fast and a slow
#     tunnel where the first two are not.
#
# Every client runs under timeout, servers too. Each run lasts
# BENCH_SECONDS (default 5, 2 to 30), a TCP one after a warm-up second
# that iperf3 leaves out (-O 1): about 2 minutes in all at the default.
# wireguard-go or nebula missing is reported in its column, not an error.
# Benchmarks are measured, not asserted: exit 0 when the measurement ran.

# shellcheck disable=SC2034 # lib.sh names its pin root and work dir after it
TAG=tb$$
# shellcheck source=../e2e/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"

SECS=${BENCH_SECONDS:-5}
HZ=$(getconf CLK_TCK)
A=tbench-a-$$ B=tbench-b-$$ ADEV=tba$$ BDEV=tbb$$
UA=198.18.0.1 UB=198.18.0.2
WGA=wga$$ WGB=wgb$$ NBA=nba$$ NBB=nbb$$
UDP_LEN=1400
OVL_MTU=1420		# wg-quick's default; replaced by tunctl0's own
PORT=5201
COLS=(veth tunctl tctc wggo nebula)
declare -A VAL STATE

die() { echo "tunnels.sh: $*" >&2; exit 1; }

# wireguard-go keeps its control socket outside any namespace; kill -9
# (lib.sh's cleanup) leaves it behind, so ours are removed by name.
# shellcheck disable=SC2317 # run by the trap
bench_cleanup() {
	local p
	for p in $(ip netns pids "$A" 2>/dev/null) $(ip netns pids "$B" 2>/dev/null); do
		kill "$p" 2>/dev/null
	done
	sleep 0.2
	cleanup
	rm -f /var/run/wireguard/"$WGA".sock /var/run/wireguard/"$WGB".sock
}
trap bench_cleanup EXIT

[ "$(id -u)" = 0 ] || die "needs root"
case $SECS in ''|*[!0-9]*) die "BENCH_SECONDS=$SECS: not a number" ;; esac
{ [ "$SECS" -lt 2 ] || [ "$SECS" -gt 30 ]; } && die "BENCH_SECONDS: 2 to 30"
command -v iperf3 >/dev/null || die "iperf3 not installed (make deps)"
[ -x "$TUNCTL" ] || die "$TUNCTL: not built (make)"
# The binary is being rebuilt at times: one copy serves the whole run.
cp "$TUNCTL" "$WORK/tunctl" || die "cannot copy $TUNCTL"
TUNCTL=$WORK/tunctl

two_hosts "$A" "$ADEV" "$UA/24" "$B" "$BDEV" "$UB/24" ||
	die "cannot create the namespaces"
umask 077

# --- measuring --------------------------------------------------------------

# Tunnel processes of the column being measured (by command name).
TUNNEL_COMM=

# cpu_now: ticks since boot all CPUs spent idle, waiting for I/O or
# stolen by the hypervisor; and, for comparison, the sampled busy ticks.
cpu_now() {
	awk '/^cpu / { print $5 + $6 + $9, $2 + $3 + $4 + $7 + $8 }' /proc/stat
}

# tunnel_ticks: utime + stime of the tunnel processes of both ends.
tunnel_ticks() {
	local p t=0 f
	[ -n "$TUNNEL_COMM" ] || { echo 0; return; }
	for p in $(ip netns pids "$A") $(ip netns pids "$B"); do
		[ "$(cat /proc/"$p"/comm 2>/dev/null)" = "$TUNNEL_COMM" ] || continue
		# Fields after the ")" of comm: utime and stime are the 12th and 13th.
		f=$(sed 's/.*) //' /proc/"$p"/stat 2>/dev/null) || continue
		# shellcheck disable=SC2086
		set -- $f
		t=$((t + ${12} + ${13}))
	done
	echo $t
}

# jget FILE EXPR: a Python expression on the JSON in FILE ("j").
jget() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null
}

# iperf RUN DST ARGS...: one iperf3 test from A to DST, JSON in
# $WORK/RUN.json. A one-shot server per test: one that a killed client
# left waiting can never make the next test "busy".
iperf() {
	local run=$1 dst=$2 srv rc
	shift 2
	ip netns exec "$B" timeout $((SECS + 30)) iperf3 -s -1 -p "$PORT" \
		>/dev/null 2>&1 &
	srv=$!
	if ! wait_listen "$B" t "$PORT"; then
		kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null
		return 1
	fi
	ip netns exec "$A" timeout $((SECS + 20)) iperf3 -c "$dst" -p "$PORT" \
		-t "$SECS" --connect-timeout 3000 -J "$@" \
		>"$WORK/$run.json" 2>"$WORK/$run.err" &
	CLIENT=$!
	# The single stream's caller samples the CPU meanwhile.
	[ "$run" = "$COL.tcp1" ] && cpu_window
	wait "$CLIENT"
	rc=$?
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	[ $rc -eq 0 ] && ! grep -q '"error"' "$WORK/$run.json"
}

# cpu_window: sample CPU counters from 1.5 s into the test (connection
# set up, warm-up second omitted) for SECS - 1 s, inside what iperf3 counts.
cpu_window() {
	local c0 c1 t0 t1 w0 w1
	sleep 1.5
	c0=$(cpu_now); t0=$(tunnel_ticks); w0=$(date +%s.%N)
	sleep $((SECS - 1))
	c1=$(cpu_now); t1=$(tunnel_ticks); w1=$(date +%s.%N)
	CPU_SAMPLE="$c0 $c1 $t0 $t1 $w0 $w1"
}

# set_val METRIC VALUE|"": VALUE, or "failed" when a figure is missing.
set_val() {
	if [ -n "$2" ]; then
		VAL[$COL,$1]=$2
	else
		VAL[$COL,$1]=failed
		FAILS=$((FAILS + 1))
	fi
}

# reach DST: the path carries pings (a tunnel's handshake may be on its
# way); up to 10 tries of 1 s.
reach() {
	for _ in $(seq 10); do
		ip netns exec "$A" timeout 3 ping -q -c 1 -W 1 "$1" >/dev/null 2>&1 &&
			return 0
	done
	return 1
}

# measure DST: every figure of column $COL, A to DST.
measure() {
	local dst=$1 rtt ncpu
	FAILS=0
	if ! reach "$dst"; then
		echo "  $COL: $dst unreachable" >&2
		STATE[$COL]=failed
		return 1
	fi

	# Round trips first, on an idle path: 200 pings 10 ms apart (root may);
	# then 2,000 at 0.5 ms, a path kept busy. On this VM a quiet path
	# measures mostly how long an idle vCPU takes to wake (each process
	# a packet passes through wakes once), a busy one the path itself.
	rtt=$(ip netns exec "$A" timeout 20 ping -q -c 200 -i 0.01 -W 1 "$dst" 2>/dev/null |
		awk -F/ '/^rtt/ { print $5 }')
	set_val rtt_ms "$rtt"
	rtt=$(ip netns exec "$A" timeout 20 ping -q -c 2000 -i 0.0005 -W 1 "$dst" 2>/dev/null |
		awk -F/ '/^rtt/ { print $5 }')
	set_val rtt_busy_ms "$rtt"

	CPU_SAMPLE=
	iperf "$COL.tcp1" "$dst" -O 1
	set_val tcp1_gbps "$(jget "$WORK/$COL.tcp1.json" \
		'"%.3f" % (j["end"]["sum_received"]["bits_per_second"] / 1e9)')"
	ncpu=$(nproc)
	if [ -n "$CPU_SAMPLE" ]; then
		# shellcheck disable=SC2086
		set -- $CPU_SAMPLE
		set_val tcp1_cpu_cores "$(awk -v i0="$1" -v i1="$3" -v w0="$7" -v w1="$8" \
			-v n="$ncpu" -v hz="$HZ" 'BEGIN { printf "%.2f", n - (i1 - i0) / hz / (w1 - w0) }')"
		set_val tcp1_tunnel_cores "$(awk -v t0="$5" -v t1="$6" -v w0="$7" -v w1="$8" \
			-v hz="$HZ" 'BEGIN { printf "%.2f", (t1 - t0) / hz / (w1 - w0) }')"
		[ -n "${BENCH_DEBUG:-}" ] && awk -v b0="$2" -v b1="$4" -v w0="$7" -v w1="$8" \
			-v hz="$HZ" 'BEGIN { printf "  debug: sampled busy ticks say %.2f cores\n", (b1 - b0) / hz / (w1 - w0) }' >&2
	else
		set_val tcp1_cpu_cores ""
		set_val tcp1_tunnel_cores ""
	fi
	set_val tcp1_cores_per_gbps "$(awk -v c="${VAL[$COL,tcp1_cpu_cores]}" \
		-v g="${VAL[$COL,tcp1_gbps]}" 'BEGIN { if (c + 0 > 0 && g + 0 > 0) printf "%.2f", c / g }')"

	iperf "$COL.tcp4" "$dst" -O 1 -P 4
	set_val tcp4_gbps "$(jget "$WORK/$COL.tcp4.json" \
		'"%.3f" % (j["end"]["sum_received"]["bits_per_second"] / 1e9)')"

	udp "$dst" "$UDP_LEN"
	udp "$dst" "$UDP_FIT"
	[ "$FAILS" -eq 0 ] && STATE[$COL]=ok
	[ "$FAILS" -eq 0 ]
}

# udp DST LEN: full-speed UDP in LEN-byte datagrams; received Gb/s, and
# loss from the packets sent and the bytes received. No omitted first
# second here: UDP has no slow start, and iperf3 would count the sent
# and the received packets over different windows.
udp() {
	local run=$COL.udp$2 r
	iperf "$run" "$1" -u -l "$2" -b 0
	r=$(jget "$WORK/$run.json" '"%.3f %.1f" % (
		j["end"]["sum_received"]["bits_per_second"] / 1e9,
		100.0 * (1 - j["end"]["sum_received"]["bytes"] / '"$2"' /
			     j["end"]["sum_sent"]["packets"]))')
	set_val "udp${2}_gbps" "${r% *}"
	set_val "udp${2}_loss_pct" "${r#* }"
}

# --- the contenders ---------------------------------------------------------

hub() { TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/a tunctl_in "$A" "$@"; }
cloud() { TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/b tunctl_in "$B" "$@"; }

# tunctl_conf NAME ADDR PEER PEER_ADDR SIDE [ENDPOINT]: one node's config,
# tunnels 1 tcp/5201, 2 udp/5201 and 3 icmp, A the client of all three.
tunctl_conf() {
	local me=$1 them=$3 side=$5 ep=${6:+"\"endpoint\": \"$6:51820\", "}
	cat <<EOF
{ "node": { "name": "$me", "listen_port": 51820,
	    "overlay": { "interface": "tunctl0", "address": "$2/24" } },
  "peers": { "$them": { $ep"overlay": "$4" } },
  "tunnels": [
    { "id": 1, "type": "regular", "peer": "$them", "side": "$side",
      "protocol": "tcp", "port": $PORT, "private_key_file": "$WORK/t1.$me.key",
      "peer_public_key": "$(cat "$WORK/t1.$them.pub")" },
    { "id": 2, "type": "regular", "peer": "$them", "side": "$side",
      "protocol": "udp", "port": $PORT, "private_key_file": "$WORK/t2.$me.key",
      "peer_public_key": "$(cat "$WORK/t2.$them.pub")" },
    { "id": 3, "type": "regular", "peer": "$them", "side": "$side",
      "protocol": "icmp", "private_key_file": "$WORK/t3.$me.key",
      "peer_public_key": "$(cat "$WORK/t3.$them.pub")" } ] }
EOF
}

tunctl_up() {
	local t n
	for t in 1 2 3; do
		for n in a b; do
			"$TUNCTL" genkey >"$WORK/t$t.$n.key" &&
				"$TUNCTL" pubkey <"$WORK/t$t.$n.key" >"$WORK/t$t.$n.pub" ||
				return 1
		done
	done
	tunctl_conf a 100.64.1.1 b 100.64.1.2 client "$UB" >"$WORK/a.json"
	tunctl_conf b 100.64.1.2 a 100.64.1.1 server >"$WORK/b.json"
	if ! cloud attach "$BDEV" --xdp-mode "$1" --config "$WORK/b.json" >"$WORK/attach.b" 2>&1 ||
	   ! hub attach "$ADEV" --xdp-mode "$1" --config "$WORK/a.json" >"$WORK/attach.a" 2>&1; then
		cat "$WORK"/attach.? >&2
		return 1
	fi
	TUNNEL_COMM=tunctl
}

tunctl_down() {
	hub detach "$ADEV" >/dev/null 2>&1
	cloud detach "$BDEV" >/dev/null 2>&1
	TUNNEL_COMM=
}

# wg_dev NS DEV ADDR KEY PEER_PUB PEER_UNDERLAY PEER_ADDR
wg_dev() {
	ip netns exec "$1" timeout 10 wireguard-go "$2" >>"$WORK/wg.log" 2>&1 &&
		ip netns exec "$1" timeout 10 wg set "$2" listen-port 51821 \
			private-key "$4" peer "$(cat "$5")" endpoint "$6:51821" \
			allowed-ips "$7/32" &&
		ip -n "$1" addr add "$3/24" dev "$2" &&
		ip -n "$1" link set "$2" mtu "$OVL_MTU" up
}

wggo_up() {
	local n
	for n in a b; do
		wg genkey >"$WORK/wg.$n.key" && wg pubkey <"$WORK/wg.$n.key" >"$WORK/wg.$n.pub" ||
			return 1
	done
	if ! wg_dev "$A" "$WGA" 100.64.2.1 "$WORK/wg.a.key" "$WORK/wg.b.pub" "$UB" 100.64.2.2 ||
	   ! wg_dev "$B" "$WGB" 100.64.2.2 "$WORK/wg.b.key" "$WORK/wg.a.pub" "$UA" 100.64.2.1; then
		grep -v '[│┌└]' "$WORK/wg.log" >&2
		return 1
	fi
	TUNNEL_COMM=wireguard-go
}

# stop_comm: end the tunnel processes (TERM: wireguard-go then removes
# its socket, nebula its device) and wait until they are gone.
stop_comm() {
	local p
	for p in $(ip netns pids "$A") $(ip netns pids "$B"); do
		[ "$(cat /proc/"$p"/comm 2>/dev/null)" = "$TUNNEL_COMM" ] && kill "$p"
	done
	for _ in $(seq 30); do
		[ "$(tunnel_ticks)" = 0 ] && break
		sleep 0.1
	done
	TUNNEL_COMM=
}

# nebula_conf NAME PEER_ADDR PEER_UNDERLAY DEV: no lighthouse, the peer
# from static_host_map; no punching or relays; let everything through
# (the veth and tunctl columns filter nothing either).
nebula_conf() {
	cat <<EOF
pki:
  ca: $WORK/nb/ca.crt
  cert: $WORK/nb/$1.crt
  key: $WORK/nb/$1.key
static_host_map:
  "$2": ["$3:4242"]
lighthouse:
  am_lighthouse: false
  hosts: []
listen:
  host: 0.0.0.0
  port: 4242
punchy:
  punch: false
relay:
  am_relay: false
  use_relays: false
tun:
  disabled: false
  dev: $4
  mtu: $OVL_MTU
logging:
  level: warning
firewall:
  outbound:
    - port: any
      proto: any
      host: any
  inbound:
    - port: any
      proto: any
      host: any
EOF
}

nebula_up() {
	mkdir -p "$WORK/nb"
	timeout 10 nebula-cert ca -name tunctl-bench \
		-out-crt "$WORK/nb/ca.crt" -out-key "$WORK/nb/ca.key" &&
		timeout 10 nebula-cert sign -ca-crt "$WORK/nb/ca.crt" -ca-key "$WORK/nb/ca.key" \
			-name a -ip 100.64.3.1/24 -out-crt "$WORK/nb/a.crt" -out-key "$WORK/nb/a.key" &&
		timeout 10 nebula-cert sign -ca-crt "$WORK/nb/ca.crt" -ca-key "$WORK/nb/ca.key" \
			-name b -ip 100.64.3.2/24 -out-crt "$WORK/nb/b.crt" -out-key "$WORK/nb/b.key" ||
		return 1
	nebula_conf a 100.64.3.2 "$UB" "$NBA" >"$WORK/nb/a.yml"
	nebula_conf b 100.64.3.1 "$UA" "$NBB" >"$WORK/nb/b.yml"
	TUNNEL_COMM=nebula
	ip netns exec "$A" nebula -config "$WORK/nb/a.yml" >"$WORK/nb/a.log" 2>&1 &
	ip netns exec "$B" nebula -config "$WORK/nb/b.yml" >"$WORK/nb/b.log" 2>&1 &
	# Up once both devices have their address.
	for _ in $(seq 50); do
		ip -n "$A" -o addr show dev "$NBA" 2>/dev/null | grep -q 100.64.3.1 &&
			ip -n "$B" -o addr show dev "$NBB" 2>/dev/null | grep -q 100.64.3.2 &&
			return 0
		sleep 0.1
	done
	cat "$WORK"/nb/?.log >&2
	return 1
}

# --- the run ----------------------------------------------------------------

echo "tunnels between two namespaces over one veth, ${SECS} s per iperf3 run (TCP: +1 s omitted), $(nproc) CPUs"
echo "  $("$TUNCTL" version 2>&1)"

# 1. tunctl, retried once: the binary may have been caught mid-rebuild.
# tunctl twice: its default datapath (XDP on the veth, which turns off
# the peer's GSO: every datagram crosses as an skb of its own) and the tc
# one (--xdp-mode tc: batches cross whole and are judged per datagram).
for COL in tunctl tctc; do
	mode=native
	[ "$COL" = tctc ] && mode=tc
	for try in 1 2; do
		if tunctl_up "$mode"; then
			m=$(ip -n "$A" -o link show tunctl0 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
			[ -n "$m" ] && OVL_MTU=$m
			UDP_FIT=$((OVL_MTU - 28))
			measure 100.64.1.2 && { tunctl_down; break; }
			hub tunnel list >&2
		fi
		tunctl_down
		echo "  tunctl ($mode): attempt $try failed" >&2
		sleep 1
	done
done
UDP_FIT=${UDP_FIT:-$((OVL_MTU - 28))}
echo "  overlay MTU $OVL_MTU for all tunnels; UDP in $UDP_LEN and $UDP_FIT-byte datagrams"

# 2. The bare veth (tunctl detached: traffic flows as before).
COL=veth
TUNNEL_COMM=
measure "$UB"

# 3. wireguard-go.
COL=wggo
if command -v wireguard-go >/dev/null && command -v wg >/dev/null; then
	echo "  $(wireguard-go --version | head -1)"
	if wggo_up; then
		measure 100.64.2.2
	else
		STATE[$COL]=failed
	fi
	stop_comm
	rm -f /var/run/wireguard/"$WGA".sock /var/run/wireguard/"$WGB".sock
else
	STATE[$COL]="not installed"
fi

# 4. nebula.
COL=nebula
if command -v nebula >/dev/null && command -v nebula-cert >/dev/null; then
	echo "  nebula $(nebula -version | sed 's/Version: //')"
	if nebula_up; then
		measure 100.64.3.2
	else
		STATE[$COL]=failed
	fi
	stop_comm
else
	STATE[$COL]="not installed"
fi

# --- the report -------------------------------------------------------------

METRICS=(tcp1_gbps tcp4_gbps "udp${UDP_LEN}_gbps" "udp${UDP_LEN}_loss_pct"
	"udp${UDP_FIT}_gbps" "udp${UDP_FIT}_loss_pct" rtt_ms rtt_busy_ms
	tcp1_cpu_cores tcp1_tunnel_cores tcp1_cores_per_gbps)
declare -A LABEL=(
	[tcp1_gbps]="TCP 1 stream Gb/s (+)"
	[tcp4_gbps]="TCP 4 streams Gb/s (+)"
	["udp${UDP_LEN}_gbps"]="UDP $UDP_LEN B rx Gb/s (+)"
	["udp${UDP_LEN}_loss_pct"]="UDP $UDP_LEN B loss % (-)"
	["udp${UDP_FIT}_gbps"]="UDP $UDP_FIT B rx Gb/s (+)"
	["udp${UDP_FIT}_loss_pct"]="UDP $UDP_FIT B loss % (-)"
	[rtt_ms]="ping RTT, 100/s, ms (-)"
	[rtt_busy_ms]="ping RTT, 2000/s, ms (-)"
	[tcp1_cpu_cores]="TCP 1: cores busy (-)"
	[tcp1_tunnel_cores]="TCP 1: tunnel cores (-)"
	[tcp1_cores_per_gbps]="TCP 1: cores per Gb/s (-)"
)

# cell COL METRIC: the figure, or why there is none.
cell() {
	case ${STATE[$1]:-failed} in
	"not installed") echo "not installed" ;;
	*) echo "${VAL[$1,$2]:-failed}" ;;
	esac
}

# ratio X Y: X / Y, or "-" when either is no number or Y is 0.
ratio() {
	awk -v x="$1" -v y="$2" 'BEGIN {
		if (x ~ /^[0-9.]+$/ && y ~ /^[0-9.]+$/ && y + 0 > 0) printf "%.2f", x / y
		else print "-"
	}'
}

echo
echo "(+) higher is better, (-) lower is better"
echo "tunctl: the default XDP datapath; tunctl-tc: attach --xdp-mode tc"
printf '%-27s %9s %9s %9s %9s %9s %7s %7s %7s %7s\n' metric veth tunctl \
	tunctl-tc wg-go nebula xdp/wg tc/wg xdp/veth tc/veth
for m in "${METRICS[@]}"; do
	printf '%-27s %9s %9s %9s %9s %9s %7s %7s %7s %7s\n' "${LABEL[$m]}" \
		"$(cell veth "$m")" "$(cell tunctl "$m")" "$(cell tctc "$m")" \
		"$(cell wggo "$m")" "$(cell nebula "$m")" \
		"$(ratio "$(cell tunctl "$m")" "$(cell wggo "$m")")" \
		"$(ratio "$(cell tctc "$m")" "$(cell wggo "$m")")" \
		"$(ratio "$(cell tunctl "$m")" "$(cell veth "$m")")" \
		"$(ratio "$(cell tctc "$m")" "$(cell veth "$m")")"
done

# minus X Y: X - Y, or "-".
minus() {
	awk -v x="$1" -v y="$2" 'BEGIN {
		if (x ~ /^[0-9.]+$/ && y ~ /^[0-9.]+$/) printf "%.3f", x - y
		else print "-"
	}'
}

echo
echo "targets (issue #7), this run:"
for c in tunctl tctc; do
	name=tunctl
	[ "$c" = tctc ] && name="tunctl --xdp-mode tc"
	printf '  %-52s %-10s %s\n' \
		"TCP 1 stream, $name / wireguard-go" \
		"$(ratio "$(cell $c tcp1_gbps)" "$(cell wggo tcp1_gbps)")" ">= 5" \
		"TCP 1 stream, $name / plain veth" \
		"$(ratio "$(cell $c tcp1_gbps)" "$(cell veth tcp1_gbps)")" ">= 0.25" \
		"added RTT over plain veth, 100/s, $name (ms)" \
		"$(minus "$(cell $c rtt_ms)" "$(cell veth rtt_ms)")" "<= 0.1" \
		"added RTT over plain veth, 2000/s, $name (ms)" \
		"$(minus "$(cell $c rtt_busy_ms)" "$(cell veth rtt_busy_ms)")" "<= 0.1"
	echo "bench: ${c}_added_rtt_ms $(minus "$(cell $c rtt_ms)" "$(cell veth rtt_ms)")"
	echo "bench: ${c}_added_rtt_busy_ms $(minus "$(cell $c rtt_busy_ms)" "$(cell veth rtt_busy_ms)")"
done
echo "  (wireguard-go's added RTT: $(minus "$(cell wggo rtt_ms)" "$(cell veth rtt_ms)") ms at 100/s," \
	"$(minus "$(cell wggo rtt_busy_ms)" "$(cell veth rtt_busy_ms)") ms at 2000/s)"

echo
for m in "${METRICS[@]}"; do
	for c in "${COLS[@]}"; do
		v=$(cell "$c" "$m")
		echo "bench: ${c}_$m ${v// /-}"
	done
	for c in tunctl tctc; do
		echo "bench: ${c}_over_wggo_$m $(ratio "$(cell $c "$m")" "$(cell wggo "$m")")"
		echo "bench: ${c}_over_veth_$m $(ratio "$(cell $c "$m")" "$(cell veth "$m")")"
	done
done
exit 0
