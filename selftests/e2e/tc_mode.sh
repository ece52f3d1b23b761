#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The tc datapath (attach --xdp-mode tc): the ingress program on a tcx
# link instead of XDP, for underlays such as a veth where XDP costs more
# than it saves. run-all.sh also runs tunnel.sh and internet.sh on it
# whole; this script checks what is its own.
#
#   netns dut-PID                            netns peer-PID
#   +-----------------------------+  veth    +-----------------------------+
#   | a0 198.18.0.1/24            |----------| b0 198.18.0.2/24            |
#   | tunnel 10 tcp/8883 client   |          | tunnel 10 server            |
#   +-----------------------------+          +-----------------------------+
#
# Both ends run tc mode, so the veth keeps its offloads and a bulk
# transfer crosses in GSO batches: the server must judge and pass them
# whole (bytes per counted packet far above the MTU), drop a forged batch
# as one, refuse relays, and fail closed like the XDP datapath.

. "$(dirname "$0")/lib.sh"

DUT=dut-$TAG
PEER=peer-$TAG
PORT=51820
umask 077

dut() { TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/dut tunctl_in "$DUT" "$@"; }
peer() { TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/peer tunctl_in "$PEER" "$@"; }

# conf FILE NAME ADDR SIDE OWN_KEY PEER_PUB [ENDPOINT] [RELAY]
conf() {
	local ep=${7:+"\"endpoint\": \"$7:$PORT\", "} relay=""
	[ -n "${8:-}" ] && relay=", \"relay\": [ { \"tunnel\": 99, \"between\": [ \"198.18.0.7:$PORT\", \"198.18.0.8:$PORT\" ] } ]"
	cat >"$1" <<JSON
{ "node": { "name": "$2", "listen_port": $PORT,
            "overlay": { "interface": "tunctl0", "address": "$3/24" } },
  "peers": { "other": { $ep"overlay": "$( [ "$3" = 100.64.9.1 ] && echo 100.64.9.2 || echo 100.64.9.1)" } },
  "tunnels": [
    { "id": 10, "type": "regular", "peer": "other", "side": "$4",
      "protocol": "tcp", "port": 8883, "private_key_file": "$5",
      "peer_public_key": "$(cat "$6")" } ]$relay }
JSON
}

counter() { # counter NODE DEV DIR REASON FIELD: packets or bytes
	json_get "$($1 status "$2" -j)" \
		"(lambda c: c['pass'].get('$4') or c['drop']['$4'])(j['devices'][0]['counters']['$3'])['$5']"
}

tunnel_state() {
	json_get "$(dut tunnel list -j)" "[t['state'] for t in j['tunnels'] if t['id'] == 10][0]"
}

wait_active() {
	for _ in $(seq 100); do
		[ "$(tunnel_state 2>/dev/null)" = active ] && return 0
		sleep 0.1
	done
	return 1
}

# ingress_prog NODE DEV: the name of the program on the pinned ingress link.
ingress_prog() {
	local id
	id=$(bpftool link show pinned "$TUNCTL_PIN_ROOT/$1/$2/link_ingress" -j 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["prog_id"])') || return 1
	bpftool prog show id "$id" -j | python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])'
}

# A forged batch from the peer's namespace: N datagrams of 100 bytes in
# one send with UDP_SEGMENT (so one GSO skb on the veth), from the port
# the tunnel uses, each a data message for a session that does not exist.
forge_batch() {
	nsx "$PEER" python3 - "$1" <<'PY'
import socket, sys
n = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('198.18.0.2', 40001))
s.setsockopt(socket.SOL_UDP, 103, 100)		# UDP_SEGMENT
msg = bytes([4, 0, 0, 10]) + b'\x99\x99\x99\x99' + b'\xa5' * 92
s.sendto(msg * n, ('198.18.0.1', 51820))
PY
}

# inject N BAD: a UDP GSO batch of N 100-byte data datagrams for the
# DUT's live session of tunnel 10, from the peer's endpoint, put on b0
# with a virtio-net header (PACKET_VNET_HDR) past the peer's own egress
# filter (PACKET_QDISC_BYPASS). Datagram BAD (-1: none) names a session
# that does not exist. Their payloads are noise: the daemon must count
# each datagram that reaches it as not authentic.
inject() {
	local idx amac bmac
	idx=$(bpftool map dump pinned "$TUNCTL_PIN_ROOT/dut/a0/dp_sessions" -j |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["formatted"]["key"])')
	amac=$(nsx "$DUT" cat /sys/class/net/a0/address | tr -d :)
	bmac=$(nsx "$PEER" cat /sys/class/net/b0/address | tr -d :)
	nsx "$PEER" python3 - "$idx" "$1" "$2" "$amac" "$bmac" <<'PY'
import socket, struct, sys
idx, n, bad = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
eth = bytes.fromhex(sys.argv[4]) + bytes.fromhex(sys.argv[5]) + b'\x08\x00'
def dg(i):
    rcv = idx if i != bad else 0x99999999
    return bytes([4, 0, 0, 10]) + struct.pack('<I', rcv) + bytes([i]) * 92
payload = b''.join(dg(i) for i in range(n))
ulen = 8 + len(payload)
def fold(s):
    while s >> 16:
        s = (s >> 16) + (s & 0xffff)
    return s
ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + ulen, 1, 0x4000, 64, 17, 0,
                 socket.inet_aton('198.18.0.2'), socket.inet_aton('198.18.0.1'))
ip = ip[:10] + struct.pack('!H', ~fold(sum(struct.unpack('!10H', ip))) & 0xffff) + ip[12:]
ph = ip[12:20] + struct.pack('!BBH', 0, 17, ulen)
udp = struct.pack('!HHHH', 51820, 51820, ulen, fold(sum(struct.unpack('!6H', ph))))
# NEEDS_CSUM, GSO_UDP_L4, hdr_len 42, gso_size 100, csum_start 34, offset 6
vh = struct.pack('<BBHHHH', 1, 5, 42, 100, 34, 6)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.setsockopt(263, 15, 1)	# PACKET_VNET_HDR
s.setsockopt(263, 20, 1)	# PACKET_QDISC_BYPASS
s.bind(('b0', 0))
s.send(vh + eth + ip + udp + payload)
PY
	sleep 0.3
}

not_authentic() {
	json_get "$(dut tunnel list -j)" \
		"[t['drops']['not-authentic'] for t in j['tunnels'] if t['id'] == 10][0]"
}

# The relay flag in the DUT's dp_config.
relay_flag() {
	bpftool map dump pinned "$TUNCTL_PIN_ROOT/dut/a0/dp_config" -j |
		python3 -c 'import json,sys; print((json.load(sys.stdin)[0]["formatted"]["value"]["flags"] >> 3) & 1)'
}

# bulk MB: MB of noise from the DUT through the tunnel arrive intact.
bulk() {
	head -c $(($1 * 1048576)) /dev/urandom >"$WORK/bulk"
	nsx "$PEER" timeout 20 nc -l 8883 >"$WORK/bulk.out" 2>/dev/null &
	local l=$!
	wait_listen "$PEER" t 8883
	nsx "$DUT" timeout 15 nc -N -w 5 100.64.9.2 8883 <"$WORK/bulk" 2>/dev/null
	wait $l 2>/dev/null
	[ "$(sha256sum <"$WORK/bulk")" = "$(sha256sum <"$WORK/bulk.out")" ]
}

two_hosts "$DUT" a0 198.18.0.1/24 "$PEER" b0 198.18.0.2/24
for k in dut peer; do
	"$TUNCTL" genkey >"$WORK/$k.key"
	"$TUNCTL" pubkey <"$WORK/$k.key" >"$WORK/$k.pub"
done
conf "$WORK/dut.json" dut 100.64.9.1 client "$WORK/dut.key" "$WORK/peer.pub" 198.18.0.2
conf "$WORK/peer.json" peer 100.64.9.2 server "$WORK/peer.key" "$WORK/dut.pub"
conf "$WORK/dut-relay.json" dut 100.64.9.1 client "$WORK/dut.key" "$WORK/peer.pub" 198.18.0.2 relay

# Before 6.6 (the 6.1 guest of make vmtest) there is no tcx: attach says
# so and changes nothing, and the rest cannot run.
if ! dut attach a0 --xdp-mode tc >/dev/null 2>"$WORK/tcx.err"; then
	check "without tcx, attach --xdp-mode tc says why" \
		grep -q "needs tcx (Linux 6.6 or later)" "$WORK/tcx.err"
	check_not "... and pins nothing" test -e "$TUNCTL_PIN_ROOT/dut/a0"
	skip "the tc datapath" "this kernel ($(uname -r)) has no tcx"
	summary
	exit
fi
dut detach a0 >/dev/null

# --- relays are XDP's: refused, nothing changed ----------------------------
check_not "attach --xdp-mode tc with a relay is refused" \
	dut attach a0 --xdp-mode tc --config "$WORK/dut-relay.json"
dut attach a0 --xdp-mode tc --config "$WORK/dut-relay.json" >/dev/null 2>"$WORK/relay.err"
check_eq "... with exit code 2" 2 "$?"
check "... saying why" grep -q "relays forward in XDP" "$WORK/relay.err"
check_not "... and nothing is pinned" test -e "$TUNCTL_PIN_ROOT/dut/a0"
check_eq "... nor attached" 0 "$(xdp_id "$DUT" a0)"
check_not "attach --xdp-mode bogus is refused" dut attach a0 --xdp-mode bogus

# --- no tunnels: default deny, from the far side ----------------------------
check "attach --xdp-mode tc without a config" dut attach a0 --xdp-mode tc
check_eq "status says tc" tc \
	"$(json_get "$(dut status a0 -j)" "j['devices'][0]['xdp_mode']")"
check "status's line says ingress tc" sh -c \
	"TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/dut nsenter --net=/run/netns/$DUT $TUNCTL status a0 | grep -q 'attached, ingress tc, egress'"
check_eq "the ingress link holds the tc program" tunctl_ingress_tc \
	"$(ingress_prog dut a0)"
check_eq "no XDP program on the device" 0 "$(xdp_id "$DUT" a0)"
check_not "a ping to the device is dropped" \
	nsx "$PEER" ping -c 2 -W 1 -i 0.2 198.18.0.1
check_not "udp to a listener on the device gets nowhere" \
	udp_sends "$PEER" "$DUT" 198.18.0.1 7001 plain-udp
check_not "tcp from the device gets nowhere" \
	tcp_sends "$DUT" "$PEER" 198.18.0.2 7002 plain-tcp
check "the ingress drops were counted" \
	test "$(counter dut a0 ingress no-tunnel packets)" -gt 0
check "detach" dut detach a0
check "after detach, ping works again" nsx "$PEER" ping -c 1 -W 2 198.18.0.1

# --- a tunnel, on tc at both ends -------------------------------------------
check "dut: attach --xdp-mode tc with a client tunnel" \
	dut attach a0 --xdp-mode tc --config "$WORK/dut.json"
# Before the peer attaches: its own egress would drop what it forges.
# A forged batch of 20 datagrams: dropped whole, counted once.
U0=$(counter dut a0 ingress tunnel-unknown packets)
V0=$(counter dut a0 ingress tunnel-unknown bytes)
check "a forged batch of 20 datagrams is sent" forge_batch 20
sleep 0.3
check_eq "... and dropped as one, an unknown session" $((U0 + 1)) \
	"$(counter dut a0 ingress tunnel-unknown packets)"
check_eq "... its bytes all counted" 2042 \
	"$(( $(counter dut a0 ingress tunnel-unknown bytes) - V0 ))"

check "peer: attach --xdp-mode tc with a server tunnel" \
	peer attach b0 --xdp-mode tc --config "$WORK/peer.json"
check "the tunnel comes up" wait_active
check "tcp through the tunnel" tcp_sends "$DUT" "$PEER" 100.64.9.2 8883 secret-line

# 32 MB one way: the server's ingress sees it in batches.
P0=$(counter peer b0 ingress tunnel-data packets)
B0=$(counter peer b0 ingress tunnel-data bytes)
check "32 MB arrive intact" bulk 32
P1=$(counter peer b0 ingress tunnel-data packets)
B1=$(counter peer b0 ingress tunnel-data bytes)
check "... judged in batches (over 3000 bytes per counted skb: $(( (B1 - B0) / (P1 - P0 + 1) )))" \
	test $(( (B1 - B0) / (P1 - P0 + 1) )) -gt 3000

# Batches with the live session's heads reach the daemon, split by
# gso_size; one bad head inside keeps the whole batch from it.
N0=$(not_authentic)
D0=$(counter dut a0 ingress tunnel-data packets)
inject 10 -1
D1=$(counter dut a0 ingress tunnel-data packets)
# (A keepalive may land in the same window: once, not 10 times.)
check "a batch of 10 good heads passes, counted once ($((D1 - D0)))" \
	test $((D1 - D0)) -ge 1 -a $((D1 - D0)) -lt 10
check_eq "... and the daemon judges each of its 10 datagrams" $((N0 + 10)) \
	"$(settled $((N0 + 10)) not_authentic)"
U0=$(counter dut a0 ingress tunnel-unknown packets)
inject 10 6
check_eq "the same batch with datagram 6 for no session is dropped" \
	$((U0 + 1)) "$(counter dut a0 ingress tunnel-unknown packets)"
check_eq "... and none of it reaches the daemon" $((N0 + 10)) "$(not_authentic)"

# Relays cannot come in by reload or a second attach either: nothing
# changes (the relay flag would make the program drop every batch).
check_not "reload adding a relay is refused" dut reload a0 --config "$WORK/dut-relay.json"
dut attach a0 --config "$WORK/dut-relay.json" >/dev/null 2>"$WORK/again.err"
check_eq "a second attach with a relay is refused (exit 2)" 2 "$?"
check "... saying why" grep -q "relays forward in XDP" "$WORK/again.err"
dut attach a0 --xdp-mode native >/dev/null 2>"$WORK/again.err"
check_eq "a second attach asking for native XDP is refused (exit 2)" 2 "$?"
check "... saying why" grep -q "attached in tc mode; detach first" "$WORK/again.err"
check_eq "the relay flag is still off" 0 "$(relay_flag)"
check "4 MB still arrive intact" bulk 4

# Disable: at once, on tc as on XDP.
check "disable tunnel 10 on the server" peer tunnel disable 10
check_not "tcp through the disabled tunnel gets nowhere" \
	tcp_sends "$DUT" "$PEER" 100.64.9.2 8883 after-disable
check "enable it again" peer tunnel enable 10

# --- fail closed ------------------------------------------------------------
DPID=$(json_get "$(dut status a0 -j)" "j['devices'][0]['daemon_pid']")
check "the daemon is killed" kill -9 "$DPID"
sleep 0.3
check "the tc program stays when the daemon is killed" test "$(ingress_prog dut a0)" = tunctl_ingress_tc
check_not "a ping over the underlay is still dropped" \
	nsx "$PEER" ping -c 2 -W 1 -i 0.2 198.18.0.1
check "detach removes it" dut detach a0
check_eq "no ingress link pinned after detach" "" "$(ingress_prog dut a0 2>/dev/null)"
check "peer detach" peer detach b0

summary
