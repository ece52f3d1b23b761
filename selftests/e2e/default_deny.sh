#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Default deny on the wire, end to end, with real clients.
#
#   netns dut-PID                         netns peer-PID
#   +--------------------------+          +--------------------------+
#   | a0 198.18.0.1/24         |  veth    | b0 198.18.0.2/24         |
#   |    2001:db8:18::1/64     |----------|    2001:db8:18::2/64     |
#   | tunctl attach a0         |          | listeners, tcpdump       |
#   +--------------------------+          +--------------------------+
#
# Before attach everything flows; after attach nothing does in either
# direction (proven at the far side: its listeners get nothing and its
# capture stays empty), while ARP and ND still resolve. Then: kill -9 of
# the daemon, double attach, detach, rollback and confirm, foreign XDP
# programs, the monitor, and the error paths.

. "$(dirname "$0")/lib.sh"

DUT=dut-$TAG
PEER=peer-$TAG
A4=198.18.0.1 B4=198.18.0.2 A6=2001:db8:18::1 B6=2001:db8:18::2

setup() {
	two_hosts "$DUT" a0 $A4/24 "$PEER" b0 $B4/24
	nsx "$DUT" ip addr add $A6/64 dev a0 nodad
	nsx "$PEER" ip addr add $B6/64 dev b0 nodad
	# Let the link come up before the first assertions.
	for _ in $(seq 30); do
		ping6 "$DUT" $B6 >/dev/null 2>&1 && ping4 "$DUT" $B4 >/dev/null 2>&1 && break
		sleep 0.1
	done
}

ping4() { nsx "$1" ping -c 1 -W 1 "$2"; }
ping6() { nsx "$1" ping -6 -c 1 -W 1 "$2"; }

# tcp_delivers / udp_delivers FROM TO ADDR PORT: a marker gets through.
tcp_delivers() { tcp_sends "$1" "$2" "$3" "$4" "marker-$4"; }
udp_delivers() { udp_sends "$1" "$2" "$3" "$4" "marker-$4"; }

# all_traffic_flows LABEL PORTBASE (fresh ports each round: no TIME_WAIT)
all_traffic_flows() {
	local p=$2
	check "$1: ping dut -> peer" ping4 "$DUT" $B4
	check "$1: ping peer -> dut" ping4 "$PEER" $A4
	check "$1: ping6 dut -> peer" ping6 "$DUT" $B6
	check "$1: ping6 peer -> dut" ping6 "$PEER" $A6
	check "$1: tcp dut -> peer" tcp_delivers "$DUT" "$PEER" $B4 $((p + 1))
	check "$1: tcp peer -> dut" tcp_delivers "$PEER" "$DUT" $A4 $((p + 2))
	check "$1: udp dut -> peer" udp_delivers "$DUT" "$PEER" $B4 $((p + 3))
	check "$1: udp peer -> dut" udp_delivers "$PEER" "$DUT" $A4 $((p + 4))
	check "$1: tcp over ipv6 dut -> peer" tcp_delivers "$DUT" "$PEER" $B6 $((p + 5))
}

# Anything from the DUT's MAC but ARP and ND, seen at the peer, is a leak:
# whatever its addresses (link-local, unspecified, tagged or not).
leak_filter() {
	local mac
	mac=$(nsx "$DUT" cat /sys/class/net/a0/address)
	echo "ether src $mac and not arp and not (icmp6 and ip6[40] >= 133 and ip6[40] <= 137)"
}

# nothing_flows LABEL PORTBASE
nothing_flows() {
	local p=$2
	capture_start "$PEER" b0 "$(leak_filter)" || fail "$1: capture"
	check_not "$1: ping dut -> peer" ping4 "$DUT" $B4
	check_not "$1: ping6 dut -> peer" ping6 "$DUT" $B6
	check_not "$1: tcp dut -> peer (peer's listener gets nothing)" \
		tcp_delivers "$DUT" "$PEER" $B4 $((p + 1))
	check_not "$1: udp dut -> peer (peer's listener gets nothing)" \
		udp_delivers "$DUT" "$PEER" $B4 $((p + 2))
	check_not "$1: tcp over ipv6 dut -> peer" tcp_delivers "$DUT" "$PEER" $B6 $((p + 3))

	check_not "$1: ping peer -> dut" ping4 "$PEER" $A4
	check_not "$1: ping6 peer -> dut" ping6 "$PEER" $A6
	check_not "$1: tcp peer -> dut (dut's listener gets nothing)" \
		tcp_delivers "$PEER" "$DUT" $A4 $((p + 4))
	check_not "$1: udp peer -> dut (dut's listener gets nothing)" \
		udp_delivers "$PEER" "$DUT" $A4 $((p + 5))
	check_eq "$1: peer's capture saw nothing from the dut" 0 "$(capture_stop)"
	check "$1: (the capture recorded the peer's own packets)" \
		peer_attempts_recorded $((p + 4)) $((p + 5))
}

# peer_attempts_recorded TCPPORT UDPPORT: the capture holds each of the
# peer's own attempts (its pings, the SYN, the datagram), so it was
# working while it saw nothing from the dut. Each kind is looked for by
# name: a total would depend on how many SYNs a slow machine retries.
peer_attempts_recorded() {
	local f
	for f in "icmp[icmptype] = icmp-echo and dst host $A4" \
		"icmp6 and ip6[40] = 128 and dst host $A6" \
		"tcp dst port $1 and tcp[tcpflags] & tcp-syn != 0" \
		"udp dst port $2"; do
		[ "$(cap_count cap "$f")" -gt 0 ] 2>/dev/null || {
			echo "the capture lacks: $f"
			return 1
		}
	done
}

counter() { # counter DIR KIND REASON: packets from tunctl status -j
	json_get "$(tunctl_in "$DUT" status a0 -j)" \
		"j['devices'][0]['counters']['$1']['$2']['$3']['packets']"
}

neigh_resolves() { # neigh_resolves ADDR: peer learns the dut's MAC
	nsx "$PEER" ip neigh flush dev b0
	nsx "$PEER" ping -c 1 -W 1 "$1" >/dev/null 2>&1
	nsx "$PEER" ip neigh show "$1" dev b0 | grep -q lladdr
}

xdp_prog_id() { xdp_id "$DUT" a0; }

setup
all_traffic_flows "before attach" 7000

# --- attach -------------------------------------------------------------
check "attach a0" tunctl_in "$DUT" attach a0
# tcx since 6.6; before it (Debian 12's 6.1) the loader picks tc clsact.
kver=$(uname -r | cut -d. -f1-2)
if [ "$(printf '%s\n' 6.6 "$kver" | sort -V | head -1)" = 6.6 ]; then want=tcx; else want=tc-clsact; fi
check "on $(uname -r) the egress hook is $want" sh -c \
	"nsenter --net=/run/netns/$DUT $TUNCTL status a0 -j | grep -q '\"egress_hook\":\"$want\"'"
nothing_flows "attached" 7200
check "ARP still resolves" neigh_resolves $A4
check "IPv6 ND still resolves" neigh_resolves $A6
check "ingress no-tunnel drops counted" test "$(counter ingress drop no-tunnel)" -gt 0
check "egress no-tunnel drops counted" test "$(counter egress drop no-tunnel)" -gt 0
check "ARP passes counted" test "$(counter ingress pass arp)" -gt 0
check "ND passes counted" test "$(counter ingress pass ndp)" -gt 0
check "maps pinned with BTF (bpftool prints field names)" \
	sh -c "bpftool map dump pinned $TUNCTL_PIN_ROOT/a0/dp_config | grep -q rollback_deadline_ns"

# --- monitor -------------------------------------------------------------
tunctl_in "$DUT" monitor a0 -j --count 50 >"$WORK/mon.out" 2>&1 &
MON=$!
# A probe until the monitor shows it (up to 10): events flow only once
# the monitor has switched them on, which a slow machine takes a while to.
mon_saw() {
	grep -q '"direction":"ingress","reason":"no-tunnel".*"protocol":"udp","src":"198.18.0.2","dst":"198.18.0.1".*"dport":7777' "$WORK/mon.out"
}
for _ in $(seq 10); do
	sleep 0.3
	nsx "$PEER" sh -c "echo x | nc -u -w 1 $A4 7777" 2>/dev/null
	sleep 0.2
	mon_saw && break
done
kill $MON 2>/dev/null; wait $MON 2>/dev/null
check "monitor shows the dropped UDP packet" mon_saw

# --- fail closed ---------------------------------------------------------
PID=$(cat "$TUNCTL_RUN_DIR/a0.pid")
check "daemon running" kill -0 "$PID"
kill -9 "$PID"
sleep 0.2
nothing_flows "after kill -9 of the daemon" 7300
check "status reports the daemon gone" sh -c \
	"$TUNCTL status a0 -j | grep -q '\"daemon_pid\":null'"

# --- attach twice -------------------------------------------------------
ID1=$(xdp_prog_id)
check "second attach succeeds" tunctl_in "$DUT" attach a0
check_eq "second attach keeps the same XDP program" "$ID1" "$(xdp_prog_id)"
check "second attach restarted the daemon" sh -c \
	"$TUNCTL status a0 -j | grep -q '\"daemon_pid\":[0-9]'"

# --- detach -------------------------------------------------------------
check "detach a0" tunctl_in "$DUT" detach a0
all_traffic_flows "after detach" 7100
check_eq "no XDP program left" 0 "$(xdp_prog_id)"
check_not "bpftool net show: nothing of tunctl" sh -c \
	"nsenter --net=/run/netns/$DUT bpftool net show | grep -q tunctl"
check_not "bpftool link show: no tunctl links" sh -c \
	"nsenter --net=/run/netns/$DUT bpftool link show | grep -q tunctl_"
check_not "pin directory gone" test -e "$TUNCTL_PIN_ROOT/a0"
check_not "daemon gone (its pid file removed)" test -e "$TUNCTL_RUN_DIR/a0.pid"

# --- egress through tc clsact, as on kernels without tcx (before 6.6) ------
check "attach with the clsact egress hook" env TUNCTL_EGRESS_HOOK=clsact \
	nsenter --net=/run/netns/"$DUT" "$TUNCTL" attach a0
check "status says tc-clsact" sh -c \
	"nsenter --net=/run/netns/$DUT $TUNCTL status a0 -j | grep -q '\"egress_hook\":\"tc-clsact\"'"
check "tc shows our egress filter" sh -c \
	"ip netns exec $DUT tc filter show dev a0 egress | grep -q tunctl_egress"
capture_start "$PEER" b0 "$(leak_filter)" || fail "clsact capture"
check_not "clsact: udp dut -> peer is dropped" udp_delivers "$DUT" "$PEER" $B4 7401
udp_delivers "$PEER" "$DUT" $A4 7403 # on the capture too, as a control
check_eq "clsact: peer's capture saw nothing" 0 "$(capture_stop)"
check "clsact: (the capture recorded the peer's own packet)" test "$(capture_total)" -gt 0
check "detach" tunctl_in "$DUT" detach a0
check_not "our egress filter is gone" sh -c \
	"ip netns exec $DUT tc filter show dev a0 egress | grep -q tunctl_egress"
check "clsact: udp dut -> peer flows after detach" udp_delivers "$DUT" "$PEER" $B4 7402

# --- config: local switches ---------------------------------------------
echo '{ "local": { "arp": false, "ndp": false } }' >"$WORK/noarp.json"
check "attach" tunctl_in "$DUT" attach a0
check "ARP resolves with the defaults" neigh_resolves $A4
check "attach again with arp and ndp off applies the config" \
	tunctl_in "$DUT" attach a0 --config "$WORK/noarp.json"
check_not "ARP does not resolve when switched off" neigh_resolves $A4
check_not "ND does not resolve when switched off" neigh_resolves $A6
check "arp-disabled drops counted" test "$(counter ingress drop arp-disabled)" -gt 0
check "detach" tunctl_in "$DUT" detach a0
check "attach with arp off from the start" tunctl_in "$DUT" attach a0 --config "$WORK/noarp.json"
check_not "ARP does not resolve" neigh_resolves $A4
check "detach" tunctl_in "$DUT" detach a0

# --- rollback -----------------------------------------------------------
# Windows of 4 s: the 6.1 guest's emulation takes a second or more for
# a ping or a tunctl run, and with 2 s a confirm once came too late.
check "attach --rollback 4" tunctl_in "$DUT" attach a0 --rollback 4
check_not "blocked during the rollback window" ping4 "$PEER" $A4
sleep 5
check "rollback fired: traffic flows" ping4 "$PEER" $A4
check_not "rollback fired: pins removed" test -e "$TUNCTL_PIN_ROOT/a0"
check "rollback logged" grep -q "rollback: attach not confirmed" "$TUNCTL_RUN_DIR/a0.log"

check "attach --rollback 4 again" tunctl_in "$DUT" attach a0 --rollback 4
check "confirm" tunctl_in "$DUT" confirm a0
sleep 5
check_not "confirmed: still blocked after the deadline" ping4 "$PEER" $A4
check "confirmed: still attached" test -e "$TUNCTL_PIN_ROOT/a0/link_ingress"
check "detach" tunctl_in "$DUT" detach a0

# --- rollback expired while no daemon was there ---------------------------
check "attach --rollback 1" tunctl_in "$DUT" attach a0 --rollback 1
kill -9 "$(cat "$TUNCTL_RUN_DIR/a0.pid")"
sleep 1.5
check "expired rollback: the datapath lets everything through" ping4 "$PEER" $A4
check "attach again replaces the expired datapath" tunctl_in "$DUT" attach a0
sleep 0.5
check_not "and blocks again (no leftover rollback)" ping4 "$PEER" $A4
check "detach" tunctl_in "$DUT" detach a0

# --- VLAN: a tag kept in skb metadata is still a tag ----------------------
if nsx "$DUT" ip link add link a0 name a0.100 type vlan id 100 2>/dev/null; then
	nsx "$DUT" ip addr add 198.19.100.1/24 dev a0.100
	nsx "$DUT" ip link set a0.100 up
	check "attach" tunctl_in "$DUT" attach a0
	capture_start "$PEER" b0 "vlan" || fail "vlan capture"
	nsx "$DUT" ping -c 2 -W 1 198.19.100.2 >/dev/null 2>&1
	check_eq "no tagged frame (not even ARP) leaves a0" 0 "$(capture_stop)"
	check "vlan drops counted on egress" test "$(counter egress drop vlan)" -gt 0
	check "detach" tunctl_in "$DUT" detach a0
	nsx "$DUT" ip link del a0.100
else
	skip "tagged frames from a VLAN sub-interface are dropped" \
		"this kernel has no 802.1Q support"
fi

# --- foreign XDP program -------------------------------------------------
cat >"$WORK/pass.bpf.c" <<'C'
#include <linux/bpf.h>
__attribute__((section("xdp"), used)) int pass(struct xdp_md *c) { return XDP_PASS; }
char _l[] __attribute__((section("license"), used)) = "GPL";
C
clang -O2 -target bpf -I/usr/include/x86_64-linux-gnu -c "$WORK/pass.bpf.c" -o "$WORK/pass.o"
nsx "$DUT" ip link set dev a0 xdpdrv obj "$WORK/pass.o" sec xdp
FOREIGN=$(xdp_prog_id)
check_not "attach refuses to replace a foreign XDP program" tunctl_in "$DUT" attach a0
check_eq "foreign program untouched" "$FOREIGN" "$(xdp_prog_id)"
check_not "refused attach left no pins" test -e "$TUNCTL_PIN_ROOT/a0"
check "attach --force replaces it" tunctl_in "$DUT" attach a0 --force
check_not "forced: blocked" ping4 "$PEER" $A4
check "detach" tunctl_in "$DUT" detach a0

# --- XDP modes, and a failure half-way through attach --------------------
# A bridge has no native XDP: auto mode falls back to generic with a
# notice; forcing native fails after egress is already attached, and
# that must be undone.
nsx "$DUT" ip link add br0 type bridge
nsx "$DUT" ip addr add 198.19.5.1/24 dev br0
nsx "$DUT" ip link set br0 up
# What leaves br0 is seen by a capture on br0 itself (taps run after tc
# egress): a broadcast ping needs no ARP, so its echo requests show
# whether an egress program is dropping them.
br0_egress_icmp() {
	capture_start "$DUT" br0 "icmp" || { echo capture-failed; return; }
	nsx "$DUT" ping -b -c 2 -i 0.2 -W 1 198.19.5.255 >/dev/null 2>&1
	capture_stop
}
check_eq "br0 sends before attach" 2 "$(br0_egress_icmp)"
# Auto mode takes tc where the kernel has tcx (6.6+), generic XDP before.
br0_mode() {
	nsenter --net=/run/netns/"$DUT" "$TUNCTL" status br0 -j |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["devices"][0]["xdp_mode"])'
}
IFS=. read -r KMAJ KMIN _ <<<"$(uname -r)"
if [ "$KMAJ" -gt 6 ] || { [ "$KMAJ" -eq 6 ] && [ "${KMIN%%[!0-9]*}" -ge 6 ]; }; then
	AUTO_MODE=tc AUTO_MSG="using tc ingress"
else
	AUTO_MODE=generic AUTO_MSG="using generic mode"
fi
tunctl_in "$DUT" attach br0 >"$WORK/br.out" 2>&1
check "auto mode falls back to $AUTO_MODE ($(uname -r))" grep -q "$AUTO_MSG" "$WORK/br.out"
check_eq "status says $AUTO_MODE" "$AUTO_MODE" "$(br0_mode)"
check_eq "attached: br0's egress drops it" 0 "$(br0_egress_icmp)"
check "detach br0" tunctl_in "$DUT" detach br0
check "attach br0 --xdp-mode generic" tunctl_in "$DUT" attach br0 --xdp-mode generic
check_eq "status says generic" generic "$(br0_mode)"
check_eq "generic: br0's egress drops it" 0 "$(br0_egress_icmp)"
check "detach br0 again" tunctl_in "$DUT" detach br0
# Relays forward in XDP: with one in the config, auto mode stays on XDP.
cat >"$WORK/br-relay.json" <<JSON
{ "node": { "listen_port": 51820 },
  "relay": [ { "tunnel": 9, "between": [ "198.19.5.7:51820", "198.19.5.8:51820" ] } ] }
JSON
check "attach br0 with a relay (auto mode)" tunctl_in "$DUT" attach br0 --config "$WORK/br-relay.json"
check_eq "a relaying node falls back to generic XDP, not tc" generic "$(br0_mode)"
check "detach br0 once more" tunctl_in "$DUT" detach br0
check_not "attach br0 --xdp-mode native fails" tunctl_in "$DUT" attach br0 --xdp-mode native
check_eq "the failed attach undid its egress program" 2 "$(br0_egress_icmp)"
check_not "the failed attach left no pins" test -e "$TUNCTL_PIN_ROOT/br0"
check_eq "the failed attach left no XDP program" 0 "$(xdp_id "$DUT" br0)"
nsx "$DUT" ip link del br0

# --- errors: one line, documented exit code, nothing changed -------------
expect() { # expect CODE PATTERN DESC CMD...: exit code and message
	local code=$1 pat=$2 desc=$3; shift 3
	"$@" >"$WORK/err.out" 2>&1
	local rc=$?
	if [ "$rc" = "$code" ] && grep -q -- "$pat" "$WORK/err.out"; then
		pass "$desc"
	else
		fail "$desc: exit $rc, output: $(head -3 "$WORK/err.out")"
	fi
}
expect 1 "tunctl: attach nosuch0: no such device" "attach to a missing device" \
	tunctl_in "$DUT" attach nosuch0
check_not "missing device: nothing pinned" test -e "$TUNCTL_PIN_ROOT/nosuch0"
expect 1 "tunctl: detach a0: not attached" "detach when not attached" \
	tunctl_in "$DUT" detach a0
expect 2 'tunctl: unknown command "frobnicate"' "unknown command" \
	tunctl_in "$DUT" frobnicate
expect 2 "tunctl: attach: unknown option --bogus" "unknown option" \
	tunctl_in "$DUT" attach a0 --bogus
expect 2 "usage: tunctl attach DEV" "unknown option prints that command's usage" \
	tunctl_in "$DUT" attach a0 --bogus
expect 2 "tunctl: attach: --rollback" "bad rollback value" \
	tunctl_in "$DUT" attach a0 --rollback 0
expect 1 "permission denied" "not root" \
	nsenter --net=/run/netns/"$DUT" setpriv --reuid=65534 --regid=65534 \
	--clear-groups --inh-caps=-all "$TUNCTL" attach a0
nsx "$DUT" ip tuntap add mode tun name tun0
expect 1 "tunctl: attach tun0: not an Ethernet device" "attach to an IP-only (tun) device" \
	tunctl_in "$DUT" attach tun0
check_not "tun device: nothing pinned" test -e "$TUNCTL_PIN_ROOT/tun0"
expect 2 "tunctl: attach: option --config needs a value" "option without its value" \
	tunctl_in "$DUT" attach a0 --config
expect 2 "No such file or directory" "missing config file is a config error" \
	tunctl_in "$DUT" attach a0 --config "$WORK/nonexistent.json"
mkdir -p "$WORK/notbpf"
expect 1 "not on a bpffs (mount one: mount -t bpf bpf DIR)" "pin root not on bpffs" \
	tunctl_in "$DUT" --pin-root "$WORK/notbpf/tunctl" attach a0
check_eq "no XDP program after the failed attaches" 0 "$(xdp_prog_id)"

echo '{ "local": { "arp": "maybe" } }' >"$WORK/bad.json"
check "attach for the bad-config test" tunctl_in "$DUT" attach a0
ID1=$(xdp_prog_id)
expect 2 "bad.json:1:14: local.arp: expected true or false" \
	"bad config on a second attach: error with its place" \
	tunctl_in "$DUT" attach a0 --config "$WORK/bad.json"
check_eq "bad config changed nothing" "$ID1" "$(xdp_prog_id)"
check "ARP still on after the rejected config" neigh_resolves $A4
check "detach" tunctl_in "$DUT" detach a0

# --- the device goes away under the datapath ------------------------------
check "attach" tunctl_in "$DUT" attach a0
nsx "$DUT" ip link del a0
check "status shows the datapath stale" sh -c \
	"nsenter --net=/run/netns/$DUT $TUNCTL status a0 -j | grep -q '\"attached\":false'"
ip link add a0 netns "$DUT" type veth peer name b0 netns "$PEER"
nsx "$DUT" ip link set a0 up
check "attach to the re-created device clears the stale pins" \
	tunctl_in "$DUT" attach a0
check "re-created device: attached" sh -c \
	"nsenter --net=/run/netns/$DUT $TUNCTL status a0 -j | grep -q '\"attached\":true'"
nsx "$DUT" ip link del a0
check "detach after the device is gone removes the pins" tunctl_in "$DUT" detach a0
check_not "pin directory gone" test -e "$TUNCTL_PIN_ROOT/a0"

summary
