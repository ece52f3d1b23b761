#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make demo: tunctl in a small world of network namespaces, narrated, with
# real clients (see selftests/e2e/world.sh for the map):
#
#   an IoT hub, a cloud server with a camera on its LAN, an Internet
#   gateway, and an "Internet" host running a web server, a DNS resolver
#   (dnsmasq) and an NTP-style responder.
#
# Act 1: without tunctl the hub's traffic reaches the Internet in the
#        clear, with its own address. Default deny: nothing passes.
# Act 2: a regular tunnel to the cloud's web server; its neighbour port
#        stays out of reach; disable and enable.
# Act 3: the internet tunnel: the Internet sees only the gateway; with the
#        tunnel down, DNS leaks nothing.
# Act 4: the external tunnel to the camera, and only its port.
# Act 5: tunctl status and tunnel list.
#
# Every step checks what it shows; the demo exits non-zero if any step
# does not behave. Everything is removed at the end.

. "$(dirname "$0")/e2e/lib.sh"
. "$(dirname "$0")/e2e/world.sh"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

# What the hub puts on its wire beyond tunnel packets and ARP/ND.
hub_leak() {
	echo "ether src $(nsx "$HUB" cat /sys/class/net/h0/address) and not arp and not (udp and port $PORT) and not (icmp6 and ip6[40] >= 133 and ip6[40] <= 137)"
}

world_setup
check "the world is up (web, DNS, NTP on the Internet host)" world_services
mkdir -p "$WORK/cloudweb" "$WORK/camweb"
echo "hello from the cloud" >"$WORK/cloudweb/index.html"
echo "camera snapshot" >"$WORK/camweb/index.html"
nsx "$CLOUD" python3 -m http.server -d "$WORK/cloudweb" 8080 >/dev/null 2>&1 &
nsx "$CLOUD" python3 -m http.server -d "$WORK/cloudweb" 9090 >/dev/null 2>&1 &
nsx "$CAM" python3 -m http.server -d "$WORK/camweb" 554 >/dev/null 2>&1 &
nsx "$CAM" python3 -m http.server -d "$WORK/camweb" 80 >/dev/null 2>&1 &
sleep 1

get() { nsx "$HUB" curl -s -m 3 "$@"; }

say "Act 1. Without tunctl: the hub talks to the Internet in the clear"
show get http://203.0.113.10:8080/index.html
show tail -1 "$WORK/web.log"
check "the web server saw the hub's own address, 198.18.0.1" \
	grep -q '^198.18.0.1 ' "$WORK/web.log"
show nsx "$HUB" dig +short +time=2 +tries=1 @203.0.113.10 example.test
check "DNS answered, in the clear" dns "$HUB"

say "tunctl attach h0: default deny, no tunnels yet"
show hub attach h0
cap_start hubwire "$SW" sh0 || fail "capture"
check_not "web request" web "$HUB"
check_not "DNS query" dns "$HUB"
check_not "ping" ping_inet "$HUB"
check_not "ping -6" nsx "$HUB" ping -6 -c 1 -W 1 fd00::3
cap_stop hubwire
n=$(cap_count hubwire "$(hub_leak)")
echo "packets from the hub seen on the switch: $n"
check_eq "the switch saw nothing from the hub" 0 "$n"
show hub status h0
show hub detach h0

say "Act 2. Tunnels: each with its own key pair, one protocol and port"
gw_config "$WORK/gw.json"
cloud_config "$WORK/cloud.json"
hub_config "$WORK/hub.json"
show cat "$WORK/hub.json"
show gw attach g0 --config "$WORK/gw.json"
show gw attach wan0
show cloud attach c0 --config "$WORK/cloud.json"
show cloud attach lan0
show hub attach h0 --config "$WORK/hub.json"
check "the tunnels come up" wait_state hub 20 active
check "regular tunnel 10 is up" wait_state hub 10 active
show get http://100.64.0.2:8080/
check "the cloud's web server through tunnel 10" get -o /dev/null http://100.64.0.2:8080/
check_not "its neighbour on 9090, same host, through the overlay" \
	get -o /dev/null http://100.64.0.2:9090/
check_not "the web server over the underlay, around the tunnel" \
	get -o /dev/null http://198.18.0.2:8080/

say "Disable tunnel 10: blocked from the next packet on; enable: back"
show hub tunnel disable 10
check_not "web server with tunnel 10 disabled" get -o /dev/null http://100.64.0.2:8080/
check "the other tunnels go on (the internet tunnel)" web "$HUB"
show hub tunnel enable 10
check "web server with tunnel 10 enabled again" get -o /dev/null http://100.64.0.2:8080/

say "Act 3. The internet tunnel: the Internet sees the gateway, never the hub"
: >"$WORK/web.log"; : >"$WORK/dns.log"
show get http://203.0.113.10:8080/index.html
show tail -1 "$WORK/web.log"
check "the web server logged the gateway's address, 203.0.113.1" \
	grep -q '^203.0.113.1 ' "$WORK/web.log"
check_not "and never the hub's" grep -q '^198.18.0.1 ' "$WORK/web.log"
show nsx "$HUB" dig +short +time=2 +tries=1 @203.0.113.10 example.test
check "DNS through the tunnel" dns "$HUB"
show grep -o 'query.*' "$WORK/dns.log"
check "the resolver saw the query from the gateway" \
	grep -q 'from 203.0.113.1$' "$WORK/dns.log"
check "NTP through the tunnel" ntp "$HUB"

say "The internet tunnel down: DNS fails, and nothing leaks"
show hub tunnel disable 20
: >"$WORK/dns.log"
cap_start hubwire "$SW" sh0 || fail "capture"
cap_start inetwire "$INET" i0 || fail "capture"
show nsx "$HUB" dig +short +time=2 +tries=1 @203.0.113.10 example.test
check_not "DNS with the tunnel down" dns "$HUB"
check_not "NTP with the tunnel down" ntp "$HUB"
check_not "web with the tunnel down" web "$HUB"
cap_stop hubwire
cap_stop inetwire
check_eq "the hub's wire: nothing but tunnel packets" 0 "$(cap_count hubwire "$(hub_leak)")"
check_eq "the Internet host saw nothing" 0 "$(cap_count inetwire ip)"
check_not "the resolver logged no query" grep -q example.test "$WORK/dns.log"
show hub tunnel enable 20
check "back up" web "$HUB"

say "Act 4. The external tunnel: the camera on the cloud's LAN, port 554 only"
show get http://192.168.50.10:554/
check "the camera through tunnel 30" get -o /dev/null http://192.168.50.10:554/
check_not "the camera's other port (80)" get -o /dev/null http://192.168.50.10:80/
nsx "$HUB" timeout 4 nc -l 8000 >"$WORK/hubsvc.out" 2>/dev/null &
wait_listen "$HUB" t 8000
check_not "the camera cannot open a connection to the hub" \
	sh -c "echo hi | ip netns exec $CAM timeout 2 nc -w 1 100.64.0.1 8000; grep -q hi $WORK/hubsvc.out"

say "Act 5. The UTM: the cloud judges what tunnel 10 carries, after decryption"
mkdir -p "$WORK/cloudweb/admin"
echo "the admin page" >"$WORK/cloudweb/admin/index.html"
echo 'drop http any any -> any any (msg:"shell in a request"; http.header; content:"/bin/sh"; sid:1001;)' \
	>"$WORK/demo.rules"
python3 - "$WORK/cloud.json" "$WORK" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
for t in c["tunnels"]:
    if t["id"] == 10:
        t["l7"] = {"protocol": "http", "methods": ["GET", "HEAD"], "paths": ["/index.html"]}
c["utm"] = {"rules": sys.argv[2] + "/demo.rules", "eve_log": sys.argv[2] + "/eve.json"}
json.dump(c, open(sys.argv[1] + ".utm", "w"), indent=1)
PY
show grep -A3 '"l7"' "$WORK/cloud.json.utm"
show cloud reload c0 --config "$WORK/cloud.json.utm"
check "GET /index.html passes" get -o /dev/null http://100.64.0.2:8080/index.html
show get -X DELETE http://100.64.0.2:8080/index.html
check_not "DELETE is reset" get -o /dev/null -X DELETE http://100.64.0.2:8080/index.html
check_not "the admin page is reset, even as /index.html/../admin/" \
	get -o /dev/null --path-as-is http://100.64.0.2:8080/index.html/../admin/
check_not "the IPS drops a request with /bin/sh in a header" \
	get -o /dev/null -H 'X-Cmd: /bin/sh' http://100.64.0.2:8080/index.html
show tail -1 "$WORK/eve.json"
# One line per event: what, where, why.
eve_lines() {
	python3 -c 'import json, sys
for e in map(json.loads, open(sys.argv[1])):
    print(e["event_type"], "tunnel", e["tunnel_id"], "%s:%s" % (e["src_ip"], e["src_port"]),
          "->", "%s:%s" % (e["dest_ip"], e["dest_port"]),
          e["drop"]["reason"] if "drop" in e else "sid %d %s" % (e["alert"]["signature_id"], e["alert"]["signature"]))' "$1"
}
show eve_lines "$WORK/eve.json"
check "the event log holds each of them (4)" test "$(wc -l <"$WORK/eve.json")" -eq 4
show cloud ips status c0
show cloud audit c0

say "Act 6. What tunctl shows"
show hub tunnel list
show hub status h0
show gw status wan0
check "the gateway's uplink counted replies to forwarded flows" \
	sh -c "TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/gw nsenter --net=/run/netns/$GW $TUNCTL status wan0 | grep -q 'forward-reply'"

say "Clean up"
show hub detach h0
show cloud detach c0
show cloud detach lan0
show gw detach g0
show gw detach wan0
check "after detach the hub reaches the Internet directly again" web "$HUB"

summary
