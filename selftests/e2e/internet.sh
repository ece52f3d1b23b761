#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Internet and external tunnels end to end, with real clients, in the
# world of world.sh (hub, gateway, cloud server, Internet host, cameras).
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
. "$(dirname "$0")/world.sh"

# What the hub may put on its wire: tunnel UDP and link-level necessities.
hub_leak() {
	echo "ether src $(nsx "$HUB" cat /sys/class/net/h0/address) and not arp and not (udp and port $PORT) and not (icmp6 and ip6[40] >= 133 and ip6[40] <= 137)"
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
	# Controls: a packet of the Internet host's own on its capture, and
	# a frame the switch floods (a local experimental ethertype) on the
	# hub's: neither capture may be empty because it saw nothing at all.
	nsx "$INET" ping -c 1 -W 1 203.0.113.1 >/dev/null 2>&1
	nsx "$SW" python3 -c '
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("br0", 0))
s.send(b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x88\xb5" + b"control" * 8)'
	cap_stop hubwire
	cap_stop inetwire
	check_eq "$1: the hub's wire carried nothing but tunnel packets" 0 "$(cap_count hubwire "$(hub_leak)")"
	check "$1: (the capture at the hub's wire works: the switch's control frame seen)" \
		test "$(cap_count hubwire "ether proto 0x88b5")" -gt 0
	check_eq "$1: the Internet saw nothing" 0 \
		"$(cap_count inetwire "ip and not src host 203.0.113.10")"
	check "$1: (the Internet-side capture works: the host's own ping seen)" \
		test "$(cap_count inetwire "icmp and src host 203.0.113.10")" -gt 0
	check_not "$1: the resolver logged no query" grep -q example.test "$WORK/dns.log"
}

world_setup
check "services up" world_services

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
wait_listen "$GW" t 2222
check_not "through the tunnel, the gateway's own services are out of reach" \
	sh -c "echo own | ip netns exec $HUB timeout 2 nc -w 1 198.18.0.3 2222; echo own2 | ip netns exec $HUB timeout 2 nc -w 1 203.0.113.1 2222; grep -q own $WORK/gwsvc.out"

# --- the gateway's uplink stays default deny -------------------------------
check "uplink: forwarded packets counted out" test "$(counter gw wan0 egress pass forward-out)" -gt 0
check "uplink: their replies counted in" test "$(counter gw wan0 ingress pass forward-reply)" -gt 0
nsx "$GW" timeout 4 nc -l 2223 >"$WORK/gwwan.out" 2>/dev/null &
wait_listen "$GW" t 2223
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
wait_listen "$HUB" t 8000
wait_listen "$CLOUD" t 2200
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
