#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make demo: default deny on the wire, narrated, with real clients.
#
#   netns hub-PID (IoT hub)              netns cloud-PID
#   +-------------------------+          +--------------------------+
#   | hub0 198.18.0.1/24      |  veth    | cloud0 198.18.0.2/24     |
#   | tunctl attach hub0      |----------| web servers :8080, :9090 |
#   | tunctl0 100.64.0.1      |          | tunctl0 100.64.0.2       |
#   +-------------------------+          +--------------------------+
#
# Act 1: default deny. Act 2: a regular tunnel to the cloud's web server on
# 8080 (its neighbour on 9090 stays out of reach), disabled and enabled.
#
# Every step checks what it shows; the demo exits non-zero if any step
# does not behave.

. "$(dirname "$0")/e2e/lib.sh"

HUB=hub-$TAG
CLOUD=cloud-$TAG

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
hub_tunctl() { tunctl_in "$HUB" "$@"; }
web_ok() { nsx "$HUB" curl -s -m 2 -o /dev/null http://198.18.0.2:8080/; }

two_hosts "$HUB" hub0 198.18.0.1/24 "$CLOUD" cloud0 198.18.0.2/24
mkdir -p "$WORK/www" && echo "hello from the cloud" >"$WORK/www/index.html"
nsx "$CLOUD" python3 -m http.server -d "$WORK/www" 8080 >/dev/null 2>&1 &
nsx "$CLOUD" python3 -m http.server -d "$WORK/www" 9090 >/dev/null 2>&1 &
sleep 1

say "Before attach: the hub reaches the cloud's web server, and pings work"
show nsx "$HUB" curl -s -m 2 http://198.18.0.2:8080/
check "web request before attach" web_ok
check "ping before attach" nsx "$HUB" ping -c 1 -W 1 198.18.0.2

say "tunctl attach hub0: default deny, no tunnels defined"
show hub_tunctl attach hub0
check "attach" hub_tunctl status hub0

say "Now nothing passes, either way. The cloud's capture proves it."
capture_start "$CLOUD" cloud0 "ip and src host 198.18.0.1"
check_not "web request after attach" web_ok
check_not "ping hub -> cloud" nsx "$HUB" ping -c 1 -W 1 198.18.0.2
check_not "ping cloud -> hub" nsx "$CLOUD" ping -c 1 -W 1 198.18.0.1
n=$(capture_stop)
echo "packets from the hub seen on the cloud's wire: $n"
check_eq "cloud saw nothing from the hub" 0 "$n"

say "ARP still resolves (a link-level necessity, switchable in the config)"
nsx "$CLOUD" ip neigh flush dev cloud0
nsx "$CLOUD" ping -c 1 -W 1 198.18.0.1 >/dev/null 2>&1
show nsx "$CLOUD" ip neigh show dev cloud0
check "cloud resolved the hub's MAC" sh -c \
	"ip netns exec $CLOUD ip neigh show 198.18.0.1 dev cloud0 | grep -q lladdr"

say "What was dropped, and why (tunctl monitor, rate-limited in BPF)"
hub_tunctl monitor hub0 --count 3 >"$WORK/mon" 2>&1 &
mon=$!
sleep 0.3
nsx "$CLOUD" ping -c 3 -i 0.2 -W 1 198.18.0.1 >/dev/null 2>&1
sleep 0.5; kill $mon 2>/dev/null; wait $mon 2>/dev/null
cat "$WORK/mon"
check "monitor printed drop events" grep -q "drop no-tunnel" "$WORK/mon"

say "tunctl status"
show hub_tunctl status hub0

say "Fail closed: kill -9 the daemon, the block stays"
kill -9 "$(cat "$TUNCTL_RUN_DIR/hub0.pid")"
check_not "web request with the daemon dead" web_ok

say "tunctl detach hub0: traffic flows as before"
show hub_tunctl detach hub0
check "web request after detach" web_ok

say "attach --rollback 3: an operator who locks themselves out gets back in"
show hub_tunctl attach hub0 --rollback 3
check_not "blocked right after attach" web_ok
sleep 3.5
check "rolled back by itself" web_ok

check "rollback: the hub is detached again" sh -c "! test -e $TUNCTL_PIN_ROOT/hub0"

say "Act 2: a regular tunnel, hub (client) -> cloud (server), tcp/8080 only"
umask 077
for k in hub cloud; do
	"$TUNCTL" genkey >"$WORK/$k.key"
	"$TUNCTL" pubkey <"$WORK/$k.key" >"$WORK/$k.pub"
done
cat >"$WORK/hub.json" <<JSON
{ "node": { "name": "hub", "listen_port": 51820,
            "overlay": { "interface": "tunctl0", "address": "100.64.0.1/10" } },
  "peers": { "cloud": { "endpoint": "198.18.0.2:51820", "overlay": "100.64.0.2" } },
  "tunnels": [ { "id": 10, "type": "regular", "peer": "cloud", "side": "client",
                 "protocol": "tcp", "port": 8080, "private_key_file": "$WORK/hub.key",
                 "peer_public_key": "$(cat "$WORK/cloud.pub")" } ] }
JSON
cat >"$WORK/cloud.json" <<JSON
{ "node": { "name": "cloud", "listen_port": 51820,
            "overlay": { "interface": "tunctl0", "address": "100.64.0.2/10" } },
  "peers": { "hub": { "overlay": "100.64.0.1" } },
  "tunnels": [ { "id": 10, "type": "regular", "peer": "hub", "side": "server",
                 "protocol": "tcp", "port": 8080, "private_key_file": "$WORK/cloud.key",
                 "peer_public_key": "$(cat "$WORK/hub.pub")" } ] }
JSON
show cat "$WORK/hub.json"
cloud_tunctl() { TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/cloud tunctl_in "$CLOUD" "$@"; }
show cloud_tunctl attach cloud0 --config "$WORK/cloud.json"
show hub_tunctl attach hub0 --config "$WORK/hub.json"
for _ in $(seq 50); do
	hub_tunctl tunnel list | grep -q active && break
	sleep 0.1
done
show hub_tunctl tunnel list
tunnel_web() { nsx "$HUB" curl -s -m 2 -o /dev/null "http://100.64.0.2:$1/"; }
show nsx "$HUB" curl -s -m 2 http://100.64.0.2:8080/
check "the web server through the tunnel" tunnel_web 8080
check_not "its neighbour on 9090, same host, through the overlay" tunnel_web 9090
check_not "the web server over the underlay, around the tunnel" web_ok

say "Disable the tunnel: blocked from the next packet on; enable: back"
show hub_tunctl tunnel disable 10
check_not "web server with the tunnel disabled" tunnel_web 8080
show hub_tunctl tunnel enable 10
check "web server with the tunnel enabled again" tunnel_web 8080
show hub_tunctl status hub0

say "Clean up"
show hub_tunctl detach hub0
show cloud_tunctl detach cloud0
check "after detach the underlay path works again" web_ok

summary
