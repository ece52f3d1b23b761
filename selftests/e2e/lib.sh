# SPDX-License-Identifier: GPL-2.0-only
# Shared helpers for the end-to-end tests: throwaway namespaces with unique
# names, a private bpffs pin root and run dir, cleanup on any exit, and a
# tally that ends with the "N passed, N failed" line.
#
# Only what a test creates is touched: namespaces named after its PID, the
# veths inside them, its own pin root. The machine's interfaces never are.

set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TUNCTL=${TUNCTL:-$TOP/ctl/tunctl}
TAG=${TAG:-t$$}
WORK=$(mktemp -d "/tmp/tunctl-e2e-$TAG.XXXXXX")
export TUNCTL_PIN_ROOT=/sys/fs/bpf/tunctl-test-$TAG
export TUNCTL_RUN_DIR=$WORK/run
NETNSES=()
PASSED=0
FAILED=0
SKIPPED=0

mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

cleanup() {
	local ns pidf
	for pidf in "$TUNCTL_RUN_DIR"/*.pid; do
		[ -f "$pidf" ] && kill "$(cat "$pidf")" 2>/dev/null
	done
	jobs -p | xargs -r kill 2>/dev/null
	for ns in "${NETNSES[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	# Links die with their devices; what is left are our pinned maps.
	rm -rf "$TUNCTL_PIN_ROOT" "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ns NAME: create a namespace with lo up, remembered for cleanup.
ns_add() {
	ip netns add "$1"
	NETNSES+=("$1")
	ip -n "$1" link set lo up
}

# two_hosts NS_A DEV_A ADDR_A NS_B DEV_B ADDR_B: two new namespaces joined
# by a veth pair, addressed (IPv4 with prefix) and up.
two_hosts() {
	ns_add "$1"
	ns_add "$4"
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4"
	nsx "$1" ip addr add "$3" dev "$2"
	nsx "$4" ip addr add "$6" dev "$5"
	nsx "$1" ip link set "$2" up
	nsx "$4" ip link set "$5" up
}

# nsx NS CMD...: run a plain tool in NS.
nsx() {
	local ns=$1; shift
	ip netns exec "$ns" "$@"
}

# tunctl_in NS ARGS...: run tunctl in NS. nsenter keeps /sys (and with it
# bpffs) as it is, where `ip netns exec` would remount it.
# TUNCTL_TEST_XDP_MODE=tc (tc_mode.sh) gives every attach that names no
# mode that one, so a whole script runs on the tc datapath.
tunctl_in() {
	local ns=$1; shift
	if [ "${1:-}" = attach ] && [ -n "${TUNCTL_TEST_XDP_MODE:-}" ] &&
	   [[ " $* " != *" --xdp-mode "* ]]; then
		shift
		set -- attach --xdp-mode "$TUNCTL_TEST_XDP_MODE" "$@"
	fi
	nsenter --net=/run/netns/"$ns" "$TUNCTL" "$@"
}

# xdp_id NS DEV: the id of the XDP program on DEV, 0 for none.
xdp_id() {
	nsx "$1" ip -j link show "$2" | python3 -c \
		'import json,sys; print(json.load(sys.stdin)[0].get("xdp",{}).get("prog",{}).get("id",0))'
}

pass() {
	PASSED=$((PASSED + 1))
	printf 'ok   %s\n' "$1"
}

fail() {
	FAILED=$((FAILED + 1))
	printf 'FAIL %s\n' "$1"
}

# skip DESC WHY: a check this machine cannot make; never counted as passed.
skip() {
	SKIPPED=$((SKIPPED + 1))
	printf 'skip %s: %s\n' "$1" "$2"
}

# check DESC CMD...: the command must succeed.
check() {
	local desc=$1; shift
	if "$@" >"$WORK/last.out" 2>&1; then
		pass "$desc"
	else
		fail "$desc"
		sed 's/^/     | /' "$WORK/last.out" | head -20
	fi
}

# check_not DESC CMD...: the command must fail.
check_not() {
	local desc=$1; shift
	if "$@" >"$WORK/last.out" 2>&1; then
		fail "$desc (it succeeded)"
		sed 's/^/     | /' "$WORK/last.out" | head -20
	else
		pass "$desc"
	fi
}

# check_eq DESC WANT GOT
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1: want '$2', got '$3'"
	fi
}

# Captures, several at once if need be. cap_start NAME NS DEV records
# everything on DEV (immediate mode: nothing waits in a kernel buffer
# that a stop would lose); cap_stop NAME ends it; cap_count NAME FILTER
# prints how many recorded packets match FILTER ("" for all), or
# "capture-unreadable", which no assertion on a count accepts.
cap_start() {
	rm -f "$WORK/$1.pcap" "$WORK/$1.err"
	ip netns exec "$2" tcpdump --immediate-mode -i "$3" -nn -U \
		-w "$WORK/$1.pcap" 2>"$WORK/$1.err" &
	eval "CAP_$1=$!"
	for _ in $(seq 50); do
		grep -q listening "$WORK/$1.err" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "tcpdump did not start" >&2
	return 1
}

cap_stop() {
	local pid
	sleep 0.3
	eval "pid=\$CAP_$1"
	kill -INT "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

cap_count() {
	if tcpdump -nn -r "$WORK/$1.pcap" ${2:+"$2"} >"$WORK/$1.txt" 2>/dev/null; then
		wc -l <"$WORK/$1.txt"
	else
		echo capture-unreadable
	fi
}

# capture_start NS DEV FILTER / capture_stop: one capture into
# $WORK/cap.pcap; capture_stop prints how many packets matched FILTER,
# capture_total (after it) how many were recorded at all.
capture_start() {
	CAP_FILTER=$3
	cap_start cap "$1" "$2"
}

capture_stop() {
	cap_stop cap
	cap_count cap "$CAP_FILTER"
}

capture_total() {
	cap_count cap ""
}

# wait_listen NS t|u PORT: until a socket listens there (at most 3 s; a
# slow machine, such as the TCG guest of make vmtest, needs more than a
# fixed pause).
wait_listen() {
	for _ in $(seq 30); do
		nsx "$1" ss -"$2"ln "sport = :$3" 2>/dev/null | grep -q ":$3 " && return 0
		sleep 0.1
	done
	return 1
}

# eventually CMD...: CMD succeeds within 5 s (polled every 0.1 s), for
# what a daemon does a moment after the packet or signal that causes it.
eventually() {
	for _ in $(seq 50); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	"$@"
}

# settled WANT CMD...: CMD's output once it reads WANT (within 5 s), or
# its last output: check_eq DESC WANT "$(settled WANT CMD...)" then
# fails with what it read. An exact count stays exact: the poll only
# stops early at WANT, and whatever comes later is not waited for.
settled() {
	local want=$1 got; shift
	for _ in $(seq 50); do
		got=$("$@" 2>/dev/null)
		[ "$got" = "$want" ] && break
		sleep 0.1
	done
	echo "$got"
}

# tcp_sends FROM TO ADDR PORT MARK: a line sent with nc from namespace
# FROM to ADDR:PORT arrives at a listener on PORT in namespace TO.
tcp_sends() {
	local out=$WORK/tcp.$4.$5 fam=-4
	case $3 in *:*) fam=-6 ;; esac
	rm -f "$out"
	# ip netns exec execs timeout in place, so $! is what marker_arrives
	# stops (through a shell function it would be a subshell).
	ip netns exec "$2" timeout 10 nc $fam -l "$4" >"$out" 2>/dev/null &
	local l=$!
	wait_listen "$2" t "$4"
	echo "$5" | nsx "$1" timeout 3 nc -N -w 2 "$3" "$4" 2>/dev/null
	marker_arrives "$out" "$5" $l
}

# udp_sends FROM TO ADDR PORT MARK: the same with one UDP datagram.
udp_sends() {
	local out=$WORK/udp.$4.$5
	rm -f "$out"
	ip netns exec "$2" timeout 10 nc -u -l "$4" >"$out" 2>/dev/null &
	local l=$!
	wait_listen "$2" u "$4"
	echo "$5" | nsx "$1" timeout 1 nc -u -w 1 "$3" "$4" 2>/dev/null
	marker_arrives "$out" "$5" $l
}

# marker_arrives FILE MARK PID: the listener PID writes MARK to FILE
# within 1.5 s of the sender's end; then it is stopped. A listener that
# times itself out had to fit its own start, the sender's and delivery
# through two daemons into one fixed window, which a loaded machine or
# the 6.1 guest could miss; this waits for what matters, and a check
# that nothing arrives still waits as long as before.
marker_arrives() {
	local rc=1
	for _ in $(seq 15); do
		grep -q "$2" "$1" 2>/dev/null && { rc=0; break; }
		sleep 0.1
	done
	kill "$3" 2>/dev/null
	wait "$3" 2>/dev/null
	return $rc
}

# json_get JSON_TEXT PYTHON_EXPR: evaluate an expression on parsed JSON "j".
json_get() {
	python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}

summary() {
	echo "$(basename "$0"): $PASSED passed, $FAILED failed, $SKIPPED skipped"
	[ "$FAILED" -eq 0 ]
}
