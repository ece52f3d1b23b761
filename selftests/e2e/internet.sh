#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Internet and external tunnels end to end, with real clients.
#
#                 sw-PID: bridge br0 (the underlay, 198.18.0.0/24)
#        +-----------------+------------------+
#   hub-PID h0 .1     gw-PID g0 .3       cloud-PID c0 .2
#   tunnel 20 internet  | wan0 203.0.113.1   | lan0 192.168.50.1
#   tunnel 30 tcp/554   |                    |----- cam-PID  192.168.50.10
#   tunnel 31 udp/5683  |                    |      (tcp 554, tcp 80)
#   l0 192.0.2.1 (LAN,  |                    `----- cam2-PID 192.168.50.11
#    not attached)      |                           (udp 5683)
#    `-- prn-PID        inet-PID i0 203.0.113.10: web :8080, dnsmasq :53,
#        192.0.2.9          NTP-style responder :123
#
# Without tunctl the hub reaches the Internet through the gateway in the
# clear, with its own address (checked first: the leak exists). With it:
# the Internet sees only the gateway's address; nothing leaves the hub's
# wire but tunnel packets, whether the tunnel is up, disabled, its
# gateway gone, its keys wrong or the hub's daemon killed; the gateway's
# uplink and the server's LAN stay default deny but for replies to
# forwarded flows; the camera gets only its tunnel's port and can open
# nothing itself; two external tunnels are disabled one at a time.

. "$(dirname "$0")/lib.sh"

HUB=hub-$TAG GW=gw-$TAG CLOUD=cloud-$TAG SW=sw-$TAG INET=inet-$TAG
CAM=cam-$TAG CAM2=cam2-$TAG PRN=prn-$TAG LSW=lsw-$TAG
PORT=51820
umask 077

hub() { TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/hub tunctl_in "$HUB" "$@"; }
gw() { TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/gw tunctl_in "$GW" "$@"; }
cloud() { TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/cloud tunctl_in "$CLOUD" "$@"; }

# link NS_A DEV_A ADDR_A NS_B DEV_B ADDR_B (either address may be "")
link() {
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4"
	[ -n "$3" ] && nsx "$1" ip addr add "$3" dev "$2"
	[ -n "$6" ] && nsx "$4" ip addr add "$6" dev "$5"
	nsx "$1" ip link set "$2" up
	nsx "$4" ip link set "$5" up
}

setup() {
	local n
	for n in "$HUB" "$GW" "$CLOUD" "$SW" "$INET" "$CAM" "$CAM2" "$PRN" "$LSW"; do
		ns_add "$n"
	done
	nsx "$SW" ip link add br0 type bridge
	nsx "$SW" ip link set br0 up
	link "$HUB" h0 198.18.0.1/24 "$SW" sh0 ""
	link "$CLOUD" c0 198.18.0.2/24 "$SW" sc0 ""
	link "$GW" g0 198.18.0.3/24 "$SW" sg0 ""
	for n in sh0 sc0 sg0; do nsx "$SW" ip link set "$n" master br0; done
	link "$GW" wan0 203.0.113.1/24 "$INET" i0 203.0.113.10/24
	# The server's LAN: one segment, a switch, two cameras.
	nsx "$LSW" ip link add br0 type bridge
	nsx "$LSW" ip link set br0 up
	link "$CLOUD" lan0 192.168.50.1/24 "$LSW" l0 ""
	link "$CAM" e0 192.168.50.10/24 "$LSW" l1 ""
	link "$CAM2" e0 192.168.50.11/24 "$LSW" l2 ""
	for n in l0 l1 l2; do nsx "$LSW" ip link set "$n" master br0; done
	link "$HUB" l0 192.0.2.1/24 "$PRN" p0 192.0.2.9/24
	# A world where, without tunctl, everything would flow in the clear.
	nsx "$HUB" ip route add default via 198.18.0.3
	nsx "$HUB" ip addr add fd00::1/64 dev h0 nodad
	nsx "$GW" ip addr add fd00::3/64 dev g0 nodad
	nsx "$GW" sysctl -qw net.ipv4.ip_forward=1
	nsx "$INET" ip route add 198.18.0.0/24 via 203.0.113.1
	for k in hub20 gw20 hub30 cloud30 hub31 cloud31 stranger; do
		"$TUNCTL" genkey >"$WORK/$k.key"
		"$TUNCTL" pubkey <"$WORK/$k.key" >"$WORK/$k.pub"
	done
}

pub() { cat "$WORK/$1.pub"; }

hub_config() { # FILE [GW20_PUB]
	cat >"$1" <<JSON
{ "node": { "name": "hub", "listen_port": $PORT,
            "overlay": { "interface": "tunctl0", "address": "100.64.0.1/10" } },
  "local": { "networks": [ "192.0.2.0/24" ] },
  "peers": { "gw": { "endpoint": "198.18.0.3:$PORT", "overlay": "100.64.0.3" },
             "cloud": { "endpoint": "198.18.0.2:$PORT", "overlay": "100.64.0.2" } },
  "tunnels": [
    { "id": 20, "type": "internet", "peer": "gw", "side": "client",
      "private_key_file": "$WORK/hub20.key", "peer_public_key": "${2:-$(pub gw20)}" },
    { "id": 30, "type": "external", "peer": "cloud", "side": "client",
      "target": "192.168.50.10", "protocol": "tcp", "port": 554,
      "private_key_file": "$WORK/hub30.key", "peer_public_key": "$(pub cloud30)" },
    { "id": 31, "type": "external", "peer": "cloud", "side": "client",
      "target": "192.168.50.11", "protocol": "udp", "port": 5683,
      "private_key_file": "$WORK/hub31.key", "peer_public_key": "$(pub cloud31)" } ] }
JSON
}

gw_config() {
	cat >"$1" <<JSON
{ "node": { "name": "gw", "listen_port": $PORT,
            "overlay": { "interface": "tunctl0", "address": "100.64.0.3/10" } },
  "peers": { "hub": { "overlay": "100.64.0.1" } },
  "tunnels": [
    { "id": 20, "type": "internet", "peer": "hub", "side": "server",
      "private_key_file": "$WORK/gw20.key", "peer_public_key": "$(pub hub20)" } ] }
JSON
}

cloud_config() {
	cat >"$1" <<JSON
{ "node": { "name": "cloud", "listen_port": $PORT,
            "overlay": { "interface": "tunctl0", "address": "100.64.0.2/10" } },
  "peers": { "hub": { "overlay": "100.64.0.1" } },
  "tunnels": [
    { "id": 30, "type": "external", "peer": "hub", "side": "server",
      "target": "192.168.50.10", "protocol": "tcp", "port": 554,
      "private_key_file": "$WORK/cloud30.key", "peer_public_key": "$(pub hub30)" },
    { "id": 31, "type": "external", "peer": "hub", "side": "server",
      "target": "192.168.50.11", "protocol": "udp", "port": 5683,
      "private_key_file": "$WORK/cloud31.key", "peer_public_key": "$(pub hub31)" } ] }
JSON
}

# --- the Internet's services ----------------------------------------------
start_services() {
	nsx "$INET" python3 -u -m http.server 8080 --bind 203.0.113.10 \
		--directory "$WORK" >>"$WORK/web.log" 2>&1 &
	nsx "$PRN" python3 -u -m http.server 8080 --bind 192.0.2.9 \
		--directory "$WORK" >>"$WORK/prn.log" 2>&1 &
	nsx "$INET" dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces \
		--listen-address=203.0.113.10 --address=/example.test/203.0.113.80 \
		--log-queries --log-facility="$WORK/dns.log" --pid-file= \
		--user=root --group=root 2>"$WORK/dnsmasq.err" &
	cat >"$WORK/ntpd.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.10", 123))
log = open(sys.argv[1], "a", buffering=1)
while True:
    d, a = s.recvfrom(512)
    log.write(a[0] + "\n")
    # mode 4 (server), stratum 1: enough for the client below
    s.sendto(bytes([0x24, 1, 0, 0]) + bytes(44), a)
PY
	nsx "$INET" python3 "$WORK/ntpd.py" "$WORK/ntp.log" &
	echo hello-from-the-internet >"$WORK/index.html"
	touch "$WORK/ntp.log" "$WORK/dns.log"
	for _ in $(seq 50); do
		nsx "$INET" ss -ltnu | grep -q ':53 ' &&
			nsx "$INET" ss -ltn | grep -q ':8080 ' && return 0
		sleep 0.1
	done
	return 1
}

web() { nsx "$1" curl -s -m 4 http://203.0.113.10:8080/index.html | grep -q hello-from-the-internet; }
dns() { [ "$(nsx "$1" dig +time=2 +tries=1 +short @203.0.113.10 example.test A)" = 203.0.113.80 ]; }
ntp() {
	nsx "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
s.sendto(b"\x1b" + bytes(47), ("203.0.113.10", 123))
d, a = s.recvfrom(100)
sys.exit(0 if len(d) == 48 and d[0] & 7 == 4 else 1)'
}
ping_inet() { nsx "$1" ping -c 1 -W 2 203.0.113.10 >/dev/null; }

# What the hub may put on its wire: tunnel UDP and link-level necessities.
hub_leak() {
	echo "ether src $(nsx "$HUB" cat /sys/class/net/h0/address) and not arp and not (udp and port $PORT) and not (icmp6 and ip6[40] >= 133 and ip6[40] <= 137)"
}

wait_state() { # NODE ID STATE: up to 8 s
	for _ in $(seq 80); do
		[ "$(json_get "$($1 tunnel list -j)" \
			"[t['state'] for t in j['tunnels'] if t['id'] == $2][0]")" = "$3" ] &&
			return 0
		sleep 0.1
	done
	return 1
}

counter() { # NODE DEV DIR VERDICT REASON
	json_get "$($1 status "$2" -j)" \
		"j['devices'][0]['counters']['$3']['$4']['$5']['packets']"
}

# nothing_leaks LABEL: with the hub's internet tunnel not carrying
# traffic, DNS, NTP, HTTP, ping and IPv6 all fail, and the hub's wire
# (seen from the switch) and the Internet host see nothing of them.
nothing_leaks() {
	: >"$WORK/dns.log"
	cap_start hubwire "$SW" sh0 || fail "$1: capture"
	cap_start inetwire "$INET" i0 || fail "$1: capture"
	check_not "$1: dig gets no answer" dns "$HUB"
	check_not "$1: NTP query gets no answer" ntp "$HUB"
	check_not "$1: curl gets nothing" web "$HUB"
	check_not "$1: ping gets nothing" ping_inet "$HUB"
	check_not "$1: ping -6 gets nothing" nsx "$HUB" ping -6 -c 1 -W 2 fd00::3
	cap_stop hubwire
	cap_stop inetwire
	check_eq "$1: the hub's wire carried nothing but tunnel packets" 0 "$(cap_count hubwire "$(hub_leak)")"
	check "$1: (the capture at the hub's wire works: ARP, ND or tunnel packets seen)" \
		test "$(cap_count hubwire "")" -gt 0
	check_eq "$1: the Internet saw nothing" 0 "$(cap_count inetwire ip)"
	check_not "$1: the resolver logged no query" grep -q example.test "$WORK/dns.log"
}

setup
check "services up" start_services

# --- without tunctl: the leak we are here to close -----------------------
check "without tunctl: the hub reaches the web server" web "$HUB"
check "without tunctl: the web server sees the hub's own address" \
	grep -q '^198.18.0.1 ' "$WORK/web.log"

# --- attach everywhere ----------------------------------------------------
gw_config "$WORK/gw.json"
cloud_config "$WORK/cloud.json"
hub_config "$WORK/hub.json"
check "gateway: attach g0 with an internet tunnel" gw attach g0 --config "$WORK/gw.json"
check "gateway: attach its uplink wan0 (default deny)" gw attach wan0
check "server: attach c0 with two external tunnels" cloud attach c0 --config "$WORK/cloud.json"
check "server: attach its LAN lan0 (default deny)" cloud attach lan0
check "hub: attach h0 with internet and external tunnels" hub attach h0 --config "$WORK/hub.json"
check "internet tunnel active" wait_state hub 20 active

# --- the internet tunnel --------------------------------------------------
: >"$WORK/web.log"; : >"$WORK/dns.log"; : >"$WORK/ntp.log"
cap_start inetwire "$INET" i0 || fail "capture"
cap_start hubwire "$SW" sh0 || fail "capture"
check "curl through the internet tunnel" web "$HUB"
check "dig through the internet tunnel" dns "$HUB"
check "NTP query through the internet tunnel" ntp "$HUB"
check "ping through the internet tunnel" ping_inet "$HUB"
cap_stop inetwire
cap_stop hubwire
n=$(cap_count inetwire "ip host 203.0.113.1")
check "the Internet saw the gateway's address ($n packets)" test "$n" -gt 10
check_eq "the Internet saw no other address" 0 "$(cap_count inetwire "ip and not host 203.0.113.1")"
n=$(cap_count hubwire "udp port $PORT")
check "the hub's wire carried tunnel packets ($n)" test "$n" -gt 10
check_eq "the hub's wire carried nothing else" 0 "$(cap_count hubwire "$(hub_leak)")"
check_not "the hub's wire never carried the page in the clear" \
	sh -c "tcpdump -r $WORK/hubwire.pcap -A 2>/dev/null | grep -q hello-from-the-internet"
check "the web server logged the gateway's address" grep -q '^203.0.113.1 ' "$WORK/web.log"
check_not "the web server never logged the hub's" grep -qv '^203.0.113.1 ' "$WORK/web.log"
check "the resolver logged the query from the gateway" \
	grep -q 'query\[A\] example.test from 203.0.113.1$' "$WORK/dns.log"
check_eq "the NTP server saw only the gateway" 203.0.113.1 "$(sort -u "$WORK/ntp.log")"
check "hub: our table routes the Internet into the overlay" \
	sh -c "nsenter --net=/run/netns/$HUB ip route get 203.0.113.10 | grep -q 'dev tunctl0'"
check "hub: local.networks stay on their own route" \
	sh -c "nsenter --net=/run/netns/$HUB ip route get 192.0.2.9 | grep -q 'dev l0'"
printer() { nsx "$HUB" curl -s -m 3 http://192.0.2.9:8080/index.html | grep -q hello; }
check "hub: the printer on the local network is reached directly" printer
check "the printer saw the hub's LAN address" grep -q '^192.0.2.1 ' "$WORK/prn.log"

# The gateway's own services are not on the Internet tunnel's menu.
nsx "$GW" timeout 6 nc -l 2222 >"$WORK/gwsvc.out" 2>/dev/null &
sleep 0.2
check_not "through the tunnel, the gateway's own services are out of reach" \
	sh -c "echo own | ip netns exec $HUB timeout 2 nc -w 1 198.18.0.3 2222; echo own2 | ip netns exec $HUB timeout 2 nc -w 1 203.0.113.1 2222; grep -q own $WORK/gwsvc.out"

# --- the gateway's uplink stays default deny -------------------------------
check "uplink: forwarded packets counted out" test "$(counter gw wan0 egress pass forward-out)" -gt 0
check "uplink: their replies counted in" test "$(counter gw wan0 ingress pass forward-reply)" -gt 0
nsx "$GW" timeout 4 nc -l 2223 >"$WORK/gwwan.out" 2>/dev/null &
sleep 0.2
check_not "uplink: the Internet cannot reach the gateway's services" \
	sh -c "echo in | ip netns exec $INET timeout 2 nc -w 1 203.0.113.1 2223; grep -q in $WORK/gwwan.out"
check_not "uplink: the Internet cannot ping the gateway" nsx "$INET" ping -c 1 -W 1 203.0.113.1
before=$(counter gw wan0 ingress drop no-tunnel)
# Forged "replies" to ports the gateway never used.
nsx "$INET" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.10", 5353))
for p in range(40000, 40100):
    s.sendto(b"forged", ("203.0.113.1", p))'
sleep 0.3
check "uplink: 100 forged replies dropped as no-tunnel" \
	test "$(( $(counter gw wan0 ingress drop no-tunnel) - before ))" -ge 100
flows=$(bpftool map dump pinned "$TUNCTL_PIN_ROOT/gw/wan0/dp_flows" -j 2>/dev/null)
check "uplink: flow state holds only flows the gateway sent" json_get "$flows" \
	"all(bytes(int(b, 16) for b in e['key'][0:4]) == bytes([203,0,113,1]) for e in j) and len(j) > 0 or sys.exit(1)"

# --- the external tunnels ---------------------------------------------------
check "external tcp/554: the camera answers through its tunnel" \
	tcp_sends "$HUB" "$CAM" 192.168.50.10 554 rtsp-hello
cap_start camwire "$CAM" e0 || fail "capture"
check "external tcp/554 again" tcp_sends "$HUB" "$CAM" 192.168.50.10 554 rtsp-again
cap_stop camwire
check "the camera sees the server's LAN address" \
	test "$(cap_count camwire "tcp port 554 and src host 192.168.50.1")" -gt 0
check_eq "the camera never sees the hub's or the overlay's" 0 \
	"$(cap_count camwire "ip and not host 192.168.50.1")"
check_not "the camera's other port (tcp/80) is out of reach" \
	tcp_sends "$HUB" "$CAM" 192.168.50.10 80 not-for-you
check "that attempt was dropped and counted on the hub" \
	test "$(json_get "$(hub status h0 -j)" "j['devices'][0]['overlay_no_tunnel']")" -gt 0
check "external udp/5683 to the second camera" udp_sends "$HUB" "$CAM2" 192.168.50.11 5683 coap-hello
check_not "the second camera's tcp/554 is out of reach" \
	tcp_sends "$HUB" "$CAM2" 192.168.50.11 554 not-this-one

# The camera can only answer.
nsx "$HUB" timeout 4 nc -l 8000 >"$WORK/hubsvc.out" 2>/dev/null &
nsx "$CLOUD" timeout 4 nc -l 2200 >"$WORK/cloudsvc.out" 2>/dev/null &
sleep 0.2
check_not "the camera cannot open a connection into the overlay" \
	sh -c "echo cam | ip netns exec $CAM timeout 2 nc -w 1 100.64.0.1 8000; grep -q cam $WORK/hubsvc.out"
check_not "the camera cannot reach the server's own services" \
	sh -c "echo cam | ip netns exec $CAM timeout 2 nc -w 1 192.168.50.1 2200; grep -q cam $WORK/cloudsvc.out"
check "the server's LAN drops what the camera opens" \
	test "$(counter cloud lan0 ingress drop no-tunnel)" -gt 0

# One external tunnel disabled, the other goes on.
check "disable tunnel 31 on the hub" hub tunnel disable 31
check_not "tunnel 31 disabled: the second camera gets nothing" \
	udp_sends "$HUB" "$CAM2" 192.168.50.11 5683 while-disabled
check "tunnel 30 still carries the first camera" \
	tcp_sends "$HUB" "$CAM" 192.168.50.10 554 neighbour-ok
check "enable tunnel 31" hub tunnel enable 31
check "tunnel 31 back" udp_sends "$HUB" "$CAM2" 192.168.50.11 5683 back-again
check "disable tunnel 30 on the server side" cloud tunnel disable 30
check_not "tunnel 30 disabled at the server: the camera gets nothing" \
	tcp_sends "$HUB" "$CAM" 192.168.50.10 554 server-disabled
check "enable tunnel 30 on the server" cloud tunnel enable 30
check "tunnel list shows the kinds and the target" \
	sh -c "TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/hub nsenter --net=/run/netns/$HUB $TUNCTL tunnel list | grep -q 'internet' && TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/hub nsenter --net=/run/netns/$HUB $TUNCTL tunnel list | grep -q 'tcp/554 to 192.168.50.10'"

# --- nothing leaks when the internet tunnel is down ------------------------
check "disable the internet tunnel" hub tunnel disable 20
nothing_leaks "tunnel disabled"
check "enable it" hub tunnel enable 20
check "enabled again: curl works" web "$HUB"

check "gateway gone (its daemon stopped, g0 detached)" gw detach g0
nothing_leaks "gateway gone"
check "gateway back" gw attach g0 --config "$WORK/gw.json"

hub_config "$WORK/hub-wrong.json" "$(pub stranger)"
check "hub: reload with the wrong gateway key" hub reload h0 --config "$WORK/hub-wrong.json"
nothing_leaks "wrong key"
check "hub: reload with the right key" hub reload h0 --config "$WORK/hub.json"
check "right key: the tunnel comes back" wait_state hub 20 active
check "right key: curl works" web "$HUB"

kill -9 "$(cat "$TUNCTL_RUN_DIR/h0.pid")"
sleep 0.5
nothing_leaks "hub daemon killed"
check "gateway: detach all" sh -c "TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/gw nsenter --net=/run/netns/$GW $TUNCTL detach g0 && TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/gw nsenter --net=/run/netns/$GW $TUNCTL detach wan0"
check_not "gateway: its NAT table is gone" nsx "$GW" nft list table ip tunctl-g0
check "hub: detach" hub detach h0
check_not "hub: our rule is gone" sh -c "ip netns exec $HUB ip rule | grep -q 29813"
summary
