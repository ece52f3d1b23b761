# SPDX-License-Identifier: GPL-2.0-only
# The small world of internet.sh and the demo, in network namespaces:
#
#                 sw-PID: bridge br0 (the underlay, 198.18.0.0/24)
#        +-----------------+------------------+
#   hub-PID h0 .1     gw-PID g0 .3       cloud-PID c0 .2
#   (IoT hub)           | wan0 203.0.113.1   | lan0 192.168.50.1
#   l0 192.0.2.1        |                    |  lsw-PID bridge
#    `-- prn-PID        |                    |-- cam-PID  192.168.50.10
#        192.0.2.9      |                    `-- cam2-PID 192.168.50.11
#        (a printer on  inet-PID i0 203.0.113.10: web :8080,
#        the hub's LAN)     dnsmasq :53, an NTP-style responder :123
#
# Tunnels (configs below): 10 regular tcp/8080 hub -> cloud; 20 internet
# hub -> gw; 30 external tcp/554 hub -> cloud -> cam; 31 external
# udp/5683 hub -> cloud -> cam2. Sourced after lib.sh.

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

world_setup() {
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
	for k in hub10 cloud10 hub20 gw20 hub30 cloud30 hub31 cloud31 stranger; do
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
    { "id": 10, "type": "regular", "peer": "cloud", "side": "client",
      "protocol": "tcp", "port": 8080,
      "private_key_file": "$WORK/hub10.key", "peer_public_key": "$(pub cloud10)" },
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
    { "id": 10, "type": "regular", "peer": "hub", "side": "server",
      "protocol": "tcp", "port": 8080,
      "private_key_file": "$WORK/cloud10.key", "peer_public_key": "$(pub hub10)" },
    { "id": 30, "type": "external", "peer": "hub", "side": "server",
      "target": "192.168.50.10", "protocol": "tcp", "port": 554,
      "private_key_file": "$WORK/cloud30.key", "peer_public_key": "$(pub hub30)" },
    { "id": 31, "type": "external", "peer": "hub", "side": "server",
      "target": "192.168.50.11", "protocol": "udp", "port": 5683,
      "private_key_file": "$WORK/cloud31.key", "peer_public_key": "$(pub hub31)" } ] }
JSON
}

# --- the Internet's services ----------------------------------------------
world_services() {
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


wait_state() { # NODE ID STATE: up to 8 s
	for _ in $(seq 80); do
		[ "$(json_get "$($1 tunnel list -j)" \
			"[t['state'] for t in j['tunnels'] if t['id'] == $2][0]")" = "$3" ] &&
			return 0
		sleep 0.1
	done
	return 1
}

