#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Regular tunnels end to end, with real clients.
#
#   netns hub-PID (client side)            netns cloud-PID (server side)
#   +-----------------------------+        +------------------------------+
#   | tunctl0 100.64.0.1/10       |        | tunctl0 100.64.0.2/10        |
#   | a0 198.18.0.1/24  ----------|--veth--|--------- b0 198.18.0.2/24    |
#   | tunnel 10 tcp/8883 client   |        | tunnel 10 server: nc :8883   |
#   | tunnel 11 udp/5683 client   |        | tunnel 11 server: nc -u :5683|
#   +-----------------------------+        | also listening: :8884, :22   |
#                                          +------------------------------+
#
# Through the tunnels: the TCP and UDP services work; the port next door
# does not; the services are unreachable over the underlay directly; the
# wire carries only tunnel packets and never the plaintext; a disabled
# tunnel stops at once while its neighbour goes on; a wrong key gets
# nowhere; replayed packets achieve nothing; a client that changes address
# keeps its tunnel; a killed daemon takes its plaintext path with it; a
# reload that adds and removes tunnels leaves an open connection through
# an unchanged one alone.

. "$(dirname "$0")/lib.sh"

HUB=hub-$TAG
CLOUD=cloud-$TAG
PORT=51820
umask 077

setup() {
	two_hosts "$HUB" a0 198.18.0.1/24 "$CLOUD" b0 198.18.0.2/24
	for k in hub10 hub11 cloud10 cloud11 stranger; do
		"$TUNCTL" genkey >"$WORK/$k.key"
		"$TUNCTL" pubkey <"$WORK/$k.key" >"$WORK/$k.pub"
	done
}

# hub_config FILE [PEER10_PUB]: the client side's config.
hub_config() {
	local p10=${2:-$(cat "$WORK/cloud10.pub")}
	cat >"$1" <<JSON
{ "node": { "name": "hub", "listen_port": $PORT,
            "overlay": { "interface": "tunctl0", "address": "100.64.0.1/10" } },
  "peers": { "cloud": { "endpoint": "198.18.0.2:$PORT", "overlay": "100.64.0.2" } },
  "tunnels": [
    { "id": 10, "type": "regular", "peer": "cloud", "side": "client",
      "protocol": "tcp", "port": 8883, "private_key_file": "$WORK/hub10.key",
      "peer_public_key": "$p10" },
    { "id": 11, "type": "regular", "peer": "cloud", "side": "client",
      "protocol": "udp", "port": 5683, "private_key_file": "$WORK/hub11.key",
      "peer_public_key": "$(cat "$WORK/cloud11.pub")" } ] }
JSON
}

cloud_config() {
	cat >"$1" <<JSON
{ "node": { "name": "cloud", "listen_port": $PORT,
            "overlay": { "interface": "tunctl0", "address": "100.64.0.2/10" } },
  "peers": { "hub": { "overlay": "100.64.0.1" } },
  "tunnels": [
    { "id": 10, "type": "regular", "peer": "hub", "side": "server",
      "protocol": "tcp", "port": 8883, "private_key_file": "$WORK/cloud10.key",
      "peer_public_key": "$(cat "$WORK/hub10.pub")" },
    { "id": 11, "type": "regular", "peer": "hub", "side": "server",
      "protocol": "udp", "port": 5683, "private_key_file": "$WORK/cloud11.key",
      "peer_public_key": "$(cat "$WORK/hub11.pub")" } ] }
JSON
}

# Each node has its own pin root: one namespace, one pin root.
hub() { TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/hub tunctl_in "$HUB" "$@"; }
cloud() { TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/cloud tunctl_in "$CLOUD" "$@"; }

tunnel_field() { # tunnel_field NODE ID FIELD
	json_get "$($1 tunnel list -j)" \
		"[t['$3'] for t in j['tunnels'] if t['id'] == $2][0]"
}

wait_active() { # wait_active NODE ID: up to 5 s
	for _ in $(seq 50); do
		[ "$(tunnel_field "$1" "$2" state 2>/dev/null)" = active ] && return 0
		sleep 0.1
	done
	return 1
}

# tcp_to / udp_to ADDR PORT MARK: from the hub to a listener on the cloud
# (listening on all addresses).
tcp_to() { tcp_sends "$HUB" "$CLOUD" "$@"; }
udp_to() { udp_sends "$HUB" "$CLOUD" "$@"; }

setup
hub_config "$WORK/hub.json"
cloud_config "$WORK/cloud.json"
check "cloud: attach with two server tunnels" cloud attach b0 --config "$WORK/cloud.json"
check "hub: attach with two client tunnels" hub attach a0 --config "$WORK/hub.json"
# The overlay is IPv4: with IPv6 on, the kernel would send router
# solicitations and MLD reports into it, dropped and counted as packets
# of no tunnel (which made the fragment counts below flaky).
check_eq "the overlay interface has no IPv6 address" "" \
	"$(nsx "$HUB" ip -6 -o addr show dev tunctl0)"
check "tunnel 10 comes up" wait_active hub 10
check "tunnel 11 comes up" wait_active hub 11

# --- traffic, and what the wire shows ---------------------------------------
capture_start "$CLOUD" b0 "not arp and not (icmp6 and ip6[40] >= 133 and ip6[40] <= 137)"
check "tcp through tunnel 10" tcp_to 100.64.0.2 8883 plain-secret-tcp
check "udp through tunnel 11" udp_to 100.64.0.2 5683 plain-secret-udp
check_not "the port next door (8884) is unreachable through the tunnel" \
	tcp_to 100.64.0.2 8884 next-door
check_not "ssh (22) is unreachable through the tunnel" tcp_to 100.64.0.2 22 ssh-probe
check_not "the service is unreachable over the underlay directly" \
	tcp_to 198.18.0.2 8883 direct-tcp
check_not "udp service over the underlay directly" udp_to 198.18.0.2 5683 direct-udp

# Datagrams larger than the overlay MTU leave the hub's kernel in
# fragments: the first is judged by its ports, the later ones pass on its
# word (ctl/policy.h frag_trail), and the far kernel reassembles.
# big_udp PORT: 3000 random bytes to PORT on the cloud; prints what
# arrived ("LEN SHA256", or "none"). The listener gives up by itself
# after 3 s; timeout is only a backstop, well past that and python's
# start on a loaded machine (at 4 s it once killed the listener before
# it could say "none").
big_udp() {
	head -c 3000 /dev/urandom >"$WORK/big.in"
	nsx "$CLOUD" timeout 10 python3 -c '
import hashlib, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.settimeout(3)
try:
    d = s.recv(65536)
    print(len(d), hashlib.sha256(d).hexdigest())
except socket.timeout:
    print("none")' "$1" >"$WORK/big.out" &
	local l=$!
	wait_listen "$CLOUD" u "$1"
	nsx "$HUB" python3 -c '
import socket, sys
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(
    open(sys.argv[2], "rb").read(), ("100.64.0.2", int(sys.argv[1])))' \
		"$1" "$WORK/big.in"
	wait $l
	cat "$WORK/big.out"
}
no_tunnel() { json_get "$(hub -j status a0)" "j['devices'][0]['overlay_no_tunnel']"; }
got=$(big_udp 5683)
check_eq "a 3000-byte datagram through tunnel 11, in fragments, arrives whole" \
	"3000 $(sha256sum <"$WORK/big.in" | cut -d' ' -f1)" "$got"
n0=$(no_tunnel)
got=$(big_udp 5684)
check_eq "a 3000-byte datagram to the port next door: nothing" none "$got"
check_eq "  all three of its fragments dropped at the hub" $((n0 + 3)) "$(no_tunnel)"
# A later fragment alone (no first one went before it) for tunnel 11's
# own flow: dropped at the hub, never encrypted.
n0=$(no_tunnel)
nsx "$HUB" python3 -c '
import socket, struct
src, dst = socket.inet_aton("100.64.0.1"), socket.inet_aton("100.64.0.2")
payload = b"x" * 200
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0x4242,
                 0x2000 | 185, 64, 17, 0, src, dst)
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.sendto(ip + payload, ("100.64.0.2", 0))'
check_eq "a lone later fragment for tunnel 11's port: dropped at the hub" \
	$((n0 + 1)) "$(settled $((n0 + 1)) no_tunnel)"

# A checksum to finish somewhere the kernel's stack never puts it: the
# daemon would write it after the policy judged the packet, over the
# port or an address. inject_syn OFFSET SPORT: a TCP SYN for tunnel 10
# (to :8883) sent into tunctl0 with a virtio-net header asking for its
# checksum at OFFSET from the TCP header (16 is TCP's own field).
inject_syn() {
	nsx "$HUB" python3 - "$1" "$2" <<'PY'
import socket, struct, sys
off, sport = int(sys.argv[1]), int(sys.argv[2])
src, dst = socket.inet_aton("100.64.0.1"), socket.inet_aton("100.64.0.2")
def fold(s):
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 1, 0x4000, 64, 6, 0, src, dst)
ip = ip[:10] + struct.pack("!H", ~fold(sum(struct.unpack("!10H", ip))) & 0xffff) + ip[12:]
pseudo = fold(sum(struct.unpack("!4H", src + dst)) + 6 + 20)
tcp = struct.pack("!HHIIBBHHH", sport, 8883, 1, 0, 0x50, 0x02, 65535, pseudo, 0)
vnet = struct.pack("<BBHHHH", 1, 0, 0, 0, 20, off)	# NEEDS_CSUM at 20 + off
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.setsockopt(263, 15, 1)	# SOL_PACKET, PACKET_VNET_HDR
s.sendto(vnet + ip + tcp, ("tunctl0", 0x0800))
PY
}
policy10() {
	tunnel_field hub 10 drops |
		python3 -c 'import sys,ast; print(ast.literal_eval(sys.stdin.read())["policy"])'
}
cap_start inj "$CLOUD" tunctl0
p0=$(policy10)
inject_syn 2 40101	# the checksum over the destination port
inject_syn 16 40102	# where TCP's is: a control that must arrive
# The control went second: once it is in the capture, the first one had
# its chance.
SYN_40102="tcp port 40102 and tcp[tcpflags] == tcp-syn"
syn_seen() { [ "$(cap_count inj "$SYN_40102")" = 1 ]; }
eventually syn_seen
cap_stop inj
check_eq "NEEDS_CSUM over the port: dropped at the hub, counted as policy" \
	$((p0 + 1)) "$(settled $((p0 + 1)) policy10)"
check_eq "  and nothing of it reached the cloud" 0 "$(cap_count inj "tcp port 40101")"
check_eq "NEEDS_CSUM where TCP's is: the SYN reached the cloud" 1 \
	"$(cap_count inj "$SYN_40102")"
capture_stop >/dev/null
# Everything but ARP and ND: what the capture was asked to watch.
tcpdump -nn -r "$WORK/cap.pcap" "$CAP_FILTER" 2>/dev/null >"$WORK/wire.txt"
check "the capture saw the tunnel traffic" grep -q "198.18.0.1.$PORT > 198.18.0.2.$PORT: UDP" "$WORK/wire.txt"
check_eq "the wire carried only tunnel packets" 0 \
	"$(grep -vc "198.18.0.[12].$PORT > 198.18.0.[12].$PORT: UDP" "$WORK/wire.txt")"
check_not "the plaintext never crossed the wire" grep -aq "plain-secret" "$WORK/cap.pcap"
check "the server side counted the inner drops" test \
	"$(tunnel_field cloud 10 drops | python3 -c 'import sys,ast; print(ast.literal_eval(sys.stdin.read())["policy"])')" -eq 0

# --- the server side answers, it never opens a flow to the client ------------
# From the tunnel's own port, so only the flow rule can stop it.
server_opens() { # server_opens tcp|udp LISTEN_PORT SRC_PORT
	local out=$WORK/open.$1.$2
	if [ "$1" = tcp ]; then
		nsx "$HUB" timeout 3 nc -l "$2" >"$out" 2>/dev/null &
	else
		nsx "$HUB" timeout 3 nc -u -l "$2" >"$out" 2>/dev/null &
	fi
	local l=$!
	wait_listen "$HUB" "${1:0:1}" "$2"
	nsx "$CLOUD" timeout 2 python3 -c "
import socket, sys
kind = socket.SOCK_STREAM if '$1' == 'tcp' else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET, kind)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('100.64.0.2', $3)); s.settimeout(1.5)
try:
    s.connect(('100.64.0.1', $2)); s.send(b'server-opened\n')
except OSError:
    pass
" 2>/dev/null
	wait $l 2>/dev/null
	grep -q server-opened "$out"
}
check_not "the server cannot open a TCP connection to the client" server_opens tcp 2222 8883
check_not "the server cannot send UDP to a port the client did not use" server_opens udp 4444 5683

# --- replay: resend what was captured ----------------------------------------
# Every UDP payload the hub sent, again, from the hub's address and port.
cat >"$WORK/replay.py" <<'PY'
import socket, struct, sys
data = open(sys.argv[1], 'rb').read()
off, sent = 24, 0
while off + 16 <= len(data):
    incl = struct.unpack('<I', data[off + 8:off + 12])[0]
    pkt = data[off + 16:off + 16 + incl]
    off += 16 + incl
    if len(pkt) < 42 or pkt[12:14] != b'\x08\x00' or pkt[23] != 17:
        continue
    ihl = (pkt[14] & 15) * 4
    ip = pkt[14:]
    if ip[12:16] != socket.inet_aton('198.18.0.1'):
        continue
    # Captured on a veth, the UDP checksum is only the partial one that
    # offload would have completed: send it as "no checksum" instead.
    ip = ip[:ihl + 6] + b'\0\0' + ip[ihl + 8:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    try:
        s.sendto(ip, ('198.18.0.2', 0))
    except OSError as e:
        # On the tc datapath a capture on the veth holds GSO batches:
        # several datagrams under one IP header, over the MTU.
        print('replay: %d bytes: %s' % (len(ip), e), file=sys.stderr)
        continue
    sent += 1
print(sent)
PY
REPLAYS_BEFORE=$(tunnel_field cloud 10 drops | python3 -c 'import sys,ast; print(ast.literal_eval(sys.stdin.read())["replay"])')
nsx "$CLOUD" timeout 3 nc -l 8883 >"$WORK/replayed.out" 2>/dev/null &
L=$!
wait_listen "$CLOUD" t 8883
SENT=$(nsx "$HUB" python3 "$WORK/replay.py" "$WORK/cap.pcap" 2>"$WORK/replay.err")
wait $L 2>/dev/null
check "replay: packets were resent ($SENT)" test "$SENT" -gt 3
check_not "replay: the server's listener got nothing" grep -q "plain-secret" "$WORK/replayed.out"
check "replay: the server counted them as replays" test \
	"$(tunnel_field cloud 10 drops | python3 -c 'import sys,ast; print(ast.literal_eval(sys.stdin.read())["replay"])')" -gt "$REPLAYS_BEFORE"

# --- a handshake flood does not stop established tunnels ------------------------
# Bogus initiations for tunnel 10, as fast as a raw socket goes, for 4 s
# (at most 200,000), from the hub's address and port.
cat >"$WORK/flood.py" <<'PY'
import os, socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
src, dst = socket.inet_aton('198.18.0.1'), socket.inet_aton('198.18.0.2')
end, n = time.time() + 4, 0
while time.time() < end and n < 200000:
    payload = b'\x01\0\0\0' + struct.pack('>I', 10) + os.urandom(128)
    udp = struct.pack('>HHHH', 51820, 51820, 8 + len(payload), 0) + payload
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), n & 0xffff, 0,
                     64, 17, 0, src, dst)
    s.sendto(ip + udp, ('198.18.0.2', 0))
    n += 1
print(n)
PY
nsx "$HUB" python3 "$WORK/flood.py" >"$WORK/flood.n" &
F=$!
sleep 0.5
check "during the flood: tcp through tunnel 10" tcp_to 100.64.0.2 8883 flood-tcp
check "during the flood: udp through tunnel 11" udp_to 100.64.0.2 5683 flood-udp
wait $F
check "the flood was sent ($(cat "$WORK/flood.n") initiations)" test "$(cat "$WORK/flood.n")" -gt 10000
check "the cloud's XDP held most of it back (tunnel-handshake-rate)" sh -c \
	"TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/cloud nsenter --net=/run/netns/$CLOUD $TUNCTL status b0 -j | python3 -c 'import json,sys; j=json.load(sys.stdin); sys.exit(0 if j[\"devices\"][0][\"counters\"][\"ingress\"][\"drop\"][\"tunnel-handshake-rate\"][\"packets\"] > 5000 else 1)'"
check "the daemon rejected the rest unverified (no DH)" test \
	"$(tunnel_field cloud 10 drops | python3 -c 'import sys,ast; print(ast.literal_eval(sys.stdin.read())["handshake-rejected"])')" -gt 0
check_eq "tunnel 10 still on its first session" 1 "$(tunnel_field cloud 10 handshakes)"

# --- disable one tunnel, the other goes on ----------------------------------------
check "disable tunnel 10 (on the hub)" hub tunnel disable 10
check_eq "tunnel 10 shows disabled" disabled "$(tunnel_field hub 10 state)"
check_not "tcp through disabled tunnel 10" tcp_to 100.64.0.2 8883 while-disabled
check "udp through tunnel 11 still works" udp_to 100.64.0.2 5683 neighbour-ok
check "enable tunnel 10" hub tunnel enable 10
check "tcp through tunnel 10 again" tcp_to 100.64.0.2 8883 enabled-again
check "disable tunnel 10 on the server side" cloud tunnel disable 10
check_not "tcp through tunnel 10 disabled at the server" tcp_to 100.64.0.2 8883 server-disabled
check "the server's datapath dropped it (tunnel-disabled)" sh -c \
	"TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/cloud nsenter --net=/run/netns/$CLOUD $TUNCTL status b0 -j | python3 -c 'import json,sys; j=json.load(sys.stdin); sys.exit(0 if j[\"devices\"][0][\"counters\"][\"ingress\"][\"drop\"][\"tunnel-disabled\"][\"packets\"] > 0 else 1)'"
check "enable it again" cloud tunnel enable 10
check "tcp through tunnel 10 after enabling at the server" tcp_to 100.64.0.2 8883 server-enabled
check_not "disable of an unknown tunnel fails" hub tunnel disable 99

# --- roaming: the client changes its underlay address -------------------------
nsx "$HUB" ip addr del 198.18.0.1/24 dev a0
nsx "$HUB" ip addr add 198.18.0.3/24 dev a0
check "after the client moved, udp through tunnel 11" udp_to 100.64.0.2 5683 roamed
check_eq "the server follows the client's new endpoint" "198.18.0.3:$PORT" \
	"$(tunnel_field cloud 11 endpoint)"
nsx "$HUB" ip addr del 198.18.0.3/24 dev a0
nsx "$HUB" ip addr add 198.18.0.1/24 dev a0

# --- the daemon dies: the plaintext path dies with it ------------------------
kill -9 "$(cat "$TUNCTL_RUN_DIR/a0.pid")"
overlay_gone() { ! nsx "$HUB" ip link show tunctl0; }
check "hub daemon killed: the overlay interface is gone" eventually overlay_gone
check_not "hub daemon killed: nothing reaches the service" tcp_to 100.64.0.2 8883 after-kill
check "attach again brings the tunnels back" hub attach a0
check "tunnel 10 is up again" wait_active hub 10
check "tcp through tunnel 10 after the restart" tcp_to 100.64.0.2 8883 restarted

# --- reload: an open connection through an unchanged tunnel survives --------
# New configs: tunnel 10 unchanged, tunnel 11 gone, tunnel 12 (udp/5684) new.
"$TUNCTL" genkey >"$WORK/hub12.key"; "$TUNCTL" pubkey <"$WORK/hub12.key" >"$WORK/hub12.pub"
"$TUNCTL" genkey >"$WORK/cloud12.key"; "$TUNCTL" pubkey <"$WORK/cloud12.key" >"$WORK/cloud12.pub"
python3 - "$WORK" <<'PY'
import json, sys
w = sys.argv[1]
for side, other in (('hub', 'cloud'), ('cloud', 'hub')):
    c = json.load(open(f'{w}/{side}.json'))
    t12 = dict(c['tunnels'][1], id=12, port=5684,
               private_key_file=f'{w}/{side}12.key',
               peer_public_key=open(f'{w}/{other}12.pub').read().strip())
    c['tunnels'] = [c['tunnels'][0], t12]
    json.dump(c, open(f'{w}/{side}2.json', 'w'))
PY
cat >"$WORK/ticker.py" <<'PY'
import socket, sys, time
s = socket.create_connection(('100.64.0.2', 8883), timeout=5)
for i in range(60):
    s.sendall(b'tick-%d\n' % i)
    time.sleep(0.1)
s.close()
PY
nsx "$CLOUD" timeout 12 nc -l 8883 >"$WORK/ticks.out" 2>/dev/null &
L=$!
wait_listen "$CLOUD" t 8883
nsx "$HUB" timeout 12 python3 "$WORK/ticker.py" &
T=$!
sleep 1.5
check "reload the cloud (tunnel 11 out, 12 in)" cloud reload b0 --config "$WORK/cloud2.json"
check "reload the hub" hub reload a0 --config "$WORK/hub2.json"
wait $T; wait $L 2>/dev/null
check "the connection opened before the reload carried on to the end" \
	grep -qx "tick-59" "$WORK/ticks.out"
check_eq "no tick was lost" 60 "$(grep -c '^tick-' "$WORK/ticks.out")"
check_eq "tunnel 10 kept its session (one handshake)" 1 "$(tunnel_field hub 10 handshakes)"
check "tunnel 12 comes up" wait_active hub 12
check "udp through the new tunnel 12" udp_to 100.64.0.2 5684 new-tunnel
check_not "udp through the removed tunnel 11" udp_to 100.64.0.2 5683 removed-tunnel
check_not "tunnel 11 is gone from the list" sh -c \
	"TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/hub nsenter --net=/run/netns/$HUB $TUNCTL tunnel list | grep -q '^11 '"
echo '{ "tunnels": [ { "id": 1 } ] }' >"$WORK/bad-reload.json"
check_not "reload with a bad config fails" hub reload a0 --config "$WORK/bad-reload.json"
check "and changes nothing (tunnel 12 still works)" udp_to 100.64.0.2 5684 still-there
sed 's/"listen_port": 51820/"listen_port": 51821/' "$WORK/hub2.json" >"$WORK/hub-port.json"
check_not "reload refuses a new listen port" hub reload a0 --config "$WORK/hub-port.json"

# --- rekey: new session keys on the timer, traffic goes on ---------------------------
# Timers scaled by 40 (rekey after 3 s, sessions refused after 4.5 s):
# a stream of UDP through tunnel 12 for 8 s must see new handshakes and
# lose nothing but what the rekey moment may cost.
check "hub: detach" hub detach a0
check "cloud: detach" cloud detach b0
export TUNCTL_TIMER_SCALE=40
check "cloud: attach with fast timers" cloud attach b0 --config "$WORK/cloud2.json"
check "hub: attach with fast timers" hub attach a0 --config "$WORK/hub2.json"
unset TUNCTL_TIMER_SCALE
check "tunnel 12 comes up" wait_active hub 12
# Backstops of 30 s: the 8 s stream and its start must fit in them in the
# 6.1 guest too (the listener is killed as soon as the stream ends).
nsx "$CLOUD" timeout 30 nc -u -l 5684 >"$WORK/rekey.out" 2>/dev/null &
L=$!
wait_listen "$CLOUD" u 5684
nsx "$HUB" timeout 30 python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(80):
    s.sendto(b"rekey-%d\n" % i, ("100.64.0.2", 5684))
    time.sleep(0.1)
'
sleep 0.5; kill $L 2>/dev/null; wait $L 2>/dev/null
HS=$(tunnel_field hub 12 handshakes)
check "the client rekeyed on the timer ($HS handshakes in 8 s)" test "$HS" -ge 2
check "the stream kept flowing across rekeys ($(grep -c rekey- "$WORK/rekey.out") of 80)" \
	test "$(grep -c rekey- "$WORK/rekey.out")" -ge 76
check "the last datagram arrived" grep -q "rekey-79" "$WORK/rekey.out"
check "hub: detach" hub detach a0
check "cloud: back to the first config" cloud detach b0
check "cloud: attach" cloud attach b0 --config "$WORK/cloud.json"
check "hub: attach" hub attach a0 --config "$WORK/hub.json"

# --- a wrong key gets nowhere --------------------------------------------------------
check "hub: detach" hub detach a0
hub_config "$WORK/hub-wrong.json" "$(cat "$WORK/stranger.pub")"
check "hub: attach with the wrong server key for tunnel 10" \
	hub attach a0 --config "$WORK/hub-wrong.json"
sleep 1
check_not "wrong key: tunnel 10 never comes up" wait_active hub 10
check_not "wrong key: no traffic" tcp_to 100.64.0.2 8883 wrong-key
check "wrong key: tunnel 11 (right keys) still works" udp_to 100.64.0.2 5683 right-key
check "wrong key: the server rejected the handshakes" test \
	"$(tunnel_field cloud 10 drops | python3 -c 'import sys,ast; print(ast.literal_eval(sys.stdin.read())["handshake-rejected"])')" -gt 0

check "hub: detach" hub detach a0
check "cloud: detach" cloud detach b0
check_not "cloud: the overlay interface is gone" nsx "$CLOUD" ip link show tunctl0

summary
