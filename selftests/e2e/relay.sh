#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Relays: tunnel packets forwarded in XDP by nodes that hold no keys.
#
#   one switch (sw-PID), four subnets, no routes between them:
#     A   198.18.1.1      client of tunnels 10, 11, 12
#     R1  198.18.1.10 + 198.18.3.10   relays 10 and 12: A <-> R2
#     R2  198.18.3.20 + 198.18.2.20   relays 10 and 12: R1 <-> B
#     R3  198.18.1.30 + 198.18.2.30   relays 11 and 12: A <-> B
#     B   198.18.2.2      server of tunnels 10, 11, 12
#
#   tunnel 10 tcp/8883  A -> R1 -> R2 -> B   (a chain of two)
#   tunnel 11 udp/5683  A -> R3 -> B         (one relay)
#   tunnel 12 tcp/9000  A via R3, else via R1 -> R2 (failover)
#
# A and B cannot reach each other; through the relays the services work,
# the relays' wires carry no plaintext, their UDP stacks receive nothing
# (all is done in XDP, counted per relay entry), what is not registered
# is dropped, and a live TCP connection survives the loss of its relay.

. "$(dirname "$0")/lib.sh"

A=a-$TAG B=b-$TAG R1=r1-$TAG R2=r2-$TAG R3=r3-$TAG SW=sw-$TAG X=x-$TAG
PORT=51820
umask 077

node() { local n=$1; shift; TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/$n tunctl_in "$n" "$@"; }

plug() { # NS DEV ADDR...: a port on the switch
	local ns=$1 dev=$2; shift 2
	ip link add "$dev" netns "$ns" type veth peer name "s-$dev" netns "$SW"
	for a in "$@"; do nsx "$ns" ip addr add "$a" dev "$dev"; done
	nsx "$ns" ip link set "$dev" up
	nsx "$SW" ip link set "s-$dev" master br0
	nsx "$SW" ip link set "s-$dev" up
	# A veth delivers XDP_TX frames only to a peer that runs XDP itself
	# (a NIC has no such condition): an XDP_PASS program on the switch.
	nsx "$SW" ip link set dev "s-$dev" xdpdrv obj "$WORK/pass.o" sec xdp
}

setup() {
	local n
	cat >"$WORK/pass.bpf.c" <<'C'
#include <linux/bpf.h>
__attribute__((section("xdp"), used)) int pass(struct xdp_md *c) { return XDP_PASS; }
char _l[] __attribute__((section("license"), used)) = "GPL";
C
	clang -O2 -target bpf -I/usr/include/x86_64-linux-gnu -c "$WORK/pass.bpf.c" -o "$WORK/pass.o"
	for n in "$A" "$B" "$R1" "$R2" "$R3" "$SW" "$X"; do ns_add "$n"; done
	nsx "$SW" ip link add br0 type bridge
	nsx "$SW" ip link set br0 up
	plug "$A" a0 198.18.1.1/24
	plug "$R1" r1 198.18.1.10/24 198.18.3.10/24
	plug "$R2" r2 198.18.3.20/24 198.18.2.20/24
	plug "$R3" r3 198.18.1.30/24 198.18.2.30/24
	plug "$B" b0 198.18.2.2/24
	plug "$X" x0 198.18.1.99/24	# a stranger on A's subnet, no tunctl
	for k in a10 b10 a11 b11 a12 b12; do
		"$TUNCTL" genkey >"$WORK/$k.key"
		"$TUNCTL" pubkey <"$WORK/$k.key" >"$WORK/$k.pub"
	done
}

pub() { cat "$WORK/$1.pub"; }

tun() { # ID SIDE PROTO PORT KEY PEERKEY PEER [EXTRA]
	echo "{ \"id\": $1, \"type\": \"regular\", \"peer\": \"$7\", \"side\": \"$2\",
	  \"protocol\": \"$3\", \"port\": $4, \"private_key_file\": \"$WORK/$5.key\",
	  \"peer_public_key\": \"$(pub "$6")\" ${8:-} }"
}

configs() {
	cat >"$WORK/a.json" <<JSON
{ "node": { "listen_port": $PORT, "overlay": { "interface": "tunctl0", "address": "100.64.0.1/10" } },
  "peers": { "b": { "overlay": "100.64.0.2", "via": [ "198.18.1.10:$PORT" ] } },
  "tunnels": [ $(tun 10 client tcp 8883 a10 b10 b),
               $(tun 11 client udp 5683 a11 b11 b ", \"via\": [ \"198.18.1.30:$PORT\" ]"),
               $(tun 12 client tcp 9000 a12 b12 b ", \"via\": [ \"198.18.1.30:$PORT\", \"198.18.1.10:$PORT\" ]") ] }
JSON
	cat >"$WORK/b.json" <<JSON
{ "node": { "listen_port": $PORT, "overlay": { "interface": "tunctl0", "address": "100.64.0.2/10" } },
  "peers": { "a": { "overlay": "100.64.0.1" } },
  "tunnels": [ $(tun 10 server tcp 8883 b10 a10 a), $(tun 11 server udp 5683 b11 a11 a),
               $(tun 12 server tcp 9000 b12 a12 a) ] }
JSON
	relay_config "$WORK/r1.json" "10 198.18.1.1 198.18.3.20" "12 198.18.1.1 198.18.3.20"
	relay_config "$WORK/r2.json" "10 198.18.3.10 198.18.2.2" "12 198.18.3.10 198.18.2.2"
	relay_config "$WORK/r3.json" "11 198.18.1.1 198.18.2.2" "12 198.18.1.1 198.18.2.2"
}

relay_config() { # FILE "TUNNEL ADDR_A ADDR_B"...
	local f=$1 sep="" r; shift
	{
		echo "{ \"node\": { \"listen_port\": $PORT }, \"relay\": ["
		for r in "$@"; do
			set -- $r
			echo "$sep { \"tunnel\": $1, \"between\": [ \"$2:$PORT\", \"$3:$PORT\" ] }"
			sep=,
		done
		echo "] }"
	} >"$f"
}

counter() { # NS DEV DIR VERDICT REASON
	json_get "$(node "$1" status "$2" -j)" \
		"j['devices'][0]['counters']['$3']['$4']['$5']['packets']"
}

udp_in() { # NS: UDP datagrams its stack received
	nsx "$1" awk '/^Udp:/ { if (h) { print $2; exit } h = 1 }' /proc/net/snmp
}

wait_state() { # ID STATE
	for _ in $(seq 80); do
		[ "$(json_get "$(node "$A" tunnel list -j)" \
			"[t['state'] for t in j['tunnels'] if t['id'] == $1][0]")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

setup
configs
check_not "A cannot reach B: no route" nsx "$A" ping -c 1 -W 1 198.18.2.2
check "check-config accepts the relay and via configs" sh -c \
	"$TUNCTL check-config $WORK/r1.json && $TUNCTL check-config $WORK/a.json"
for r in "$R1:r1" "$R2:r2" "$R3:r3"; do
	check "relay ${r%%:*}: attach" node "${r%%:*}" attach "${r##*:}" --config "$WORK/${r##*:}.json"
done
check "B: attach" node "$B" attach b0 --config "$WORK/b.json"
check "A: attach" node "$A" attach a0 --config "$WORK/a.json"
udp0_r1=$(udp_in "$R1") udp0_r2=$(udp_in "$R2") udp0_r3=$(udp_in "$R3")

cap_start r1wire "$SW" s-r1 || fail "capture"
cap_start r2wire "$SW" s-r2 || fail "capture"
check "tunnel 10 up through a chain of two relays" wait_state 10 active
check "tunnel 11 up through one relay" wait_state 11 active
check "tcp through R1 -> R2 (tunnel 10)" tcp_sends "$A" "$B" 100.64.0.2 8883 chain-secret
check "udp through R3 (tunnel 11)" udp_sends "$A" "$B" 100.64.0.2 5683 relay-secret
check_not "the port next door, through the chain" tcp_sends "$A" "$B" 100.64.0.2 8884 next-door
cap_stop r1wire
cap_stop r2wire
check "R1's wire carried tunnel packets" test "$(cap_count r1wire "udp port $PORT")" -gt 4
check "R2's wire carried tunnel packets" test "$(cap_count r2wire "udp port $PORT")" -gt 4
check_not "no plaintext on R1's wire" sh -c "tcpdump -r $WORK/r1wire.pcap -A 2>/dev/null | grep -q chain-secret"
check_not "no plaintext on R2's wire" sh -c "tcpdump -r $WORK/r2wire.pcap -A 2>/dev/null | grep -q chain-secret"
check_eq "R1's wire: nothing to or from R1 but tunnel packets" 0 \
	"$(cap_count r1wire "(ip host 198.18.1.10 or ip host 198.18.3.10) and not (udp port $PORT)")"

for r in "$R1:r1:$udp0_r1" "$R2:r2:$udp0_r2" "$R3:r3:$udp0_r3"; do
	IFS=: read -r ns dev udp0 <<<"$r"
	check "$dev: relayed in XDP (pass relay counted)" test "$(counter "$ns" "$dev" ingress pass relay)" -gt 0
	check_eq "$dev: its UDP stack received nothing" "$udp0" "$(udp_in "$ns")"
	check_eq "$dev: nothing went up as tunnel data" 0 "$(counter "$ns" "$dev" ingress pass tunnel-data)"
done
check "R1: per-relay counters in status" json_get "$(node "$R1" status r1 -j)" \
	"[r for r in j['devices'][0]['relay'] if r['tunnel'] == 10 and r['from'] == '198.18.1.1:$PORT' and r['packets'] > 0] or sys.exit(1)"
check "R1: status text shows the relayed path" sh -c \
	"TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/$R1 nsenter --net=/run/netns/$R1 $TUNCTL status r1 | grep -q 'relay tunnel 10: 198.18.1.1:$PORT -> 198.18.3.20:$PORT'"
check "A: tunnel list shows the relayed path" sh -c \
	"TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/$A nsenter --net=/run/netns/$A $TUNCTL tunnel list | grep -q 'path: via relay 198.18.1.10:$PORT'"

# What is not registered stays denied on a relay.
before=$(counter "$R1" r1 ingress drop tunnel-unknown)
nsx "$X" python3 -c '
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.18.1.99", 51820))
# Initiation and data for tunnel 10, but from a host R1 relays nothing for.
s.sendto(bytes([1, 0, 0, 0]) + struct.pack(">I", 10) + bytes(128), ("198.18.1.10", 51820))
s.sendto(bytes([4, 0, 0, 10]) + bytes(28), ("198.18.1.10", 51820))
# An initiation for tunnel 99, which R1 relays for nobody.
s.sendto(bytes([1, 0, 0, 0]) + struct.pack(">I", 99) + bytes(128), ("198.18.1.10", 51820))'
unknown_r1() { echo $(( $(counter "$R1" r1 ingress drop tunnel-unknown) - before )); }
check_eq "R1: what it relays for nobody, or not from this sender, is dropped" \
	3 "$(settled 3 unknown_r1)"
check_not "R1: a plain ping from the stranger is dropped" nsx "$X" ping -c 1 -W 1 198.18.1.10
check_not "R1: plain traffic to it is dropped" nsx "$A" ping -c 1 -W 1 198.18.1.10

# --- failover with a live TCP connection -----------------------------------
check "tunnel 12 up" wait_state 12 active
check "tunnel 12 runs via R3, its first relay" json_get "$(node "$A" tunnel list -j)" \
	"[t for t in j['tunnels'] if t['id'] == 12 and t['via_active'] == 0] or sys.exit(1)"
f0=$(json_get "$(node "$A" tunnel list -j)" "[t['failovers'] for t in j['tunnels'] if t['id'] == 12][0]")
cat >"$WORK/ticker.py" <<'PY'
import socket, sys, time
s = socket.create_connection(("100.64.0.2", 9000), timeout=10)
for i in range(100):
    s.sendall(b"tick %d\n" % i)
    time.sleep(0.1)
s.close()
PY
cat >"$WORK/sink.py" <<'PY'
import socket, sys, time
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("0.0.0.0", 9000))
l.listen(1)
c, _ = l.accept()
out, times, buf = open(sys.argv[1], "w"), open(sys.argv[2], "w"), b""
while True:
    d = c.recv(4096)
    if not d:
        break
    buf += d
    while b"\n" in buf:
        line, buf = buf.split(b"\n", 1)
        out.write(line.decode() + "\n")
        times.write("%.3f\n" % time.monotonic())
PY
nsx "$B" timeout 25 python3 "$WORK/sink.py" "$WORK/ticks.out" "$WORK/ticks.t" &
L=$!
wait_listen "$B" t 9000
nsx "$A" timeout 25 python3 "$WORK/ticker.py" &
T=$!
sleep 2
check "R3 stops relaying (detached) mid-connection" node "$R3" detach r3
wait $T; tr=$?
wait $L 2>/dev/null
check_eq "the ticker finished without error" 0 "$tr"
check_eq "all 100 lines arrived, in order, over one TCP connection" \
	"$(seq 0 99 | sed 's/^/tick /')" "$(cat "$WORK/ticks.out")"
check "A moved to its next relay, once" json_get "$(node "$A" tunnel list -j)" \
	"[t for t in j['tunnels'] if t['id'] == 12 and t['via_active'] == 1 and t['failovers'] == $f0 + 1] or sys.exit(1)"
gap=$(awk 'NR > 1 { g = $1 - p; if (g > m) m = g } { p = $1 } END { printf "%.1f", m }' "$WORK/ticks.t")
echo "     longest pause in the ticks (the failover): ${gap} s"
check "the failover took less than 8 s (3 s to notice, then TCP's retransmit)" \
	awk -v g="$gap" 'BEGIN { exit !(g < 8) }'
check "R1 relayed tunnel 12 after the failover" json_get "$(node "$R1" status r1 -j)" \
	"[r for r in j['devices'][0]['relay'] if r['tunnel'] == 12 and r['packets'] > 0] or sys.exit(1)"

for n in "$A:a0" "$B:b0" "$R1:r1" "$R2:r2"; do
	node "${n%%:*}" detach "${n##*:}" >/dev/null 2>&1
done
summary
