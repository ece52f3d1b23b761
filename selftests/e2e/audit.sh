#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tunctl audit: the listening sockets of a namespace and the tunnel that
# exposes each, checked against listeners we start ourselves.
#
#   netns edge-PID (client side)           netns srv-PID (server side)
#   +-----------------------------+        +--------------------------------+
#   | tunctl0 100.64.0.1/10       |        | tunctl0 100.64.0.2/10          |
#   | a0 198.18.0.1/24  ----------|--veth--|---------- b0 198.18.0.2/24     |
#   | tunnel 10 tcp/8080 client   |        | tunnel 10 tcp/8080  nc :8080   |
#   |   nc :8080 (not exposed:    |        | tunnel 11 udp/5353  nc -u :5353|
#   |   a client carries out)     |        | tunnel 12 tcp/8081  nc b0:8081 |
#   +-----------------------------+        | tunnel 13 tcp/8082  nc ovl:8082|
#                                          | no tunnel:          nc :2222   |
#                                          | loopback:   nc 127.0.0.1:9999  |
#                                          +--------------------------------+
#
# 8080, 5353 (wildcard) and 8082 (the overlay address) are exposed; 8081
# listens on the underlay address, which no tunnel delivers to; 2222 has no
# tunnel; 9999 is local only; UDP 51820 is tunctl's own. Disabling tunnel
# 10 keeps it listed, flagged. Without an attached device every listener
# is a candidate.

. "$(dirname "$0")/lib.sh"

EDGE=edge-$TAG
SRV=srv-$TAG
PORT=51820
umask 077

setup() {
	two_hosts "$EDGE" a0 198.18.0.1/24 "$SRV" b0 198.18.0.2/24
	for k in edge10 srv10 srv11 srv12 srv13; do
		"$TUNCTL" genkey >"$WORK/$k.key"
		"$TUNCTL" pubkey <"$WORK/$k.key" >"$WORK/$k.pub"
	done
}

# server_tunnel ID PROTO PORT: one server-side tunnel to the edge.
server_tunnel() {
	cat <<JSON
    { "id": $1, "type": "regular", "peer": "edge", "side": "server",
      "protocol": "$2", "port": $3, "private_key_file": "$WORK/srv$1.key",
      "peer_public_key": "$(cat "$WORK/edge10.pub")" }
JSON
}

srv_config() {
	cat >"$1" <<JSON
{ "node": { "name": "srv", "listen_port": $PORT,
            "overlay": { "interface": "tunctl0", "address": "100.64.0.2/10" } },
  "peers": { "edge": { "overlay": "100.64.0.1" } },
  "tunnels": [
$(server_tunnel 10 tcp 8080),
$(server_tunnel 11 udp 5353),
$(server_tunnel 12 tcp 8081),
$(server_tunnel 13 tcp 8082) ] }
JSON
}

edge_config() {
	cat >"$1" <<JSON
{ "node": { "name": "edge", "listen_port": $PORT,
            "overlay": { "interface": "tunctl0", "address": "100.64.0.1/10" } },
  "peers": { "srv": { "endpoint": "198.18.0.2:$PORT", "overlay": "100.64.0.2" } },
  "tunnels": [
    { "id": 10, "type": "regular", "peer": "srv", "side": "client",
      "protocol": "tcp", "port": 8080, "private_key_file": "$WORK/edge10.key",
      "peer_public_key": "$(cat "$WORK/srv10.pub")" } ] }
JSON
}

srv() { TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/srv tunctl_in "$SRV" "$@"; }
edge() { TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/edge tunctl_in "$EDGE" "$@"; }

# listen NS t|u PORT [ADDR]: a listener that stays until cleanup.
listen() {
	local ns=$1 kind=$2 port=$3 addr=${4:-}
	if [ "$kind" = u ]; then
		nsx "$ns" timeout 120 nc -u -l $addr "$port" >/dev/null 2>&1 &
	else
		nsx "$ns" timeout 120 nc -k -l $addr "$port" >/dev/null 2>&1 &
	fi
	wait_listen "$ns" "$kind" "$port"
}

# field JSON PROTO PORT EXPR: EXPR on the one listener "l" with proto and
# port (and "none" if there is not exactly one).
field() {
	json_get "$1" "(lambda m: (lambda l: $4)(m[0]) if len(m) == 1 else 'none')([l for l in j['listeners'] if l['proto'] == '$2' and l['port'] == $3])"
}

setup
srv_config "$WORK/srv.json"
edge_config "$WORK/edge.json"

# --- before any attach: nothing is exposed ----------------------------------
check "a listener on 2222 before attach" listen "$SRV" t 2222
out=$(srv audit -j)
check_eq "no device: 2222 is a candidate" "none []" \
	"$(field "$out" tcp 2222 "l['status'] + ' ' + str(l['exposed_by'])")"
text=$(srv audit)
check "no device: the text says no tunnels are configured" \
	grep -q "no tunnels configured" <<<"$text"

check "srv: attach with four server tunnels" srv attach b0 --config "$WORK/srv.json"
check "edge: attach with one client tunnel" edge attach a0 --config "$WORK/edge.json"

check "listener tcp 8080 (wildcard)" listen "$SRV" t 8080
check "listener udp 5353 (wildcard)" listen "$SRV" u 5353
check "listener tcp 8081 on the underlay address" listen "$SRV" t 8081 198.18.0.2
check "listener tcp 8082 on the overlay address" listen "$SRV" t 8082 100.64.0.2
check "listener tcp 127.0.0.1:9999" listen "$SRV" t 9999 127.0.0.1
check "listener tcp 8080 on the client side" listen "$EDGE" t 8080

out=$(srv audit -j)
check "audit -j is JSON with listeners" json_get "$out" "j['listeners'][0]['port']"
check_eq "tcp 8080: exposed by tunnel 10" "tunnel [10] 0.0.0.0" \
	"$(field "$out" tcp 8080 "l['status'] + ' ' + str(l['exposed_by']) + ' ' + l['address']")"
check_eq "tcp 8080: owner is nc" "nc" \
	"$(field "$out" tcp 8080 "l['process'][:2] if l['pid'] else 'no pid'")"
check_eq "udp 5353: exposed by tunnel 11" "tunnel [11]" \
	"$(field "$out" udp 5353 "l['status'] + ' ' + str(l['exposed_by'])")"
check_eq "tcp 8082 on the overlay address: exposed by tunnel 13" \
	"tunnel [13] 100.64.0.2" \
	"$(field "$out" tcp 8082 "l['status'] + ' ' + str(l['exposed_by']) + ' ' + l['address']")"
check_eq "tcp 8081 on the underlay address: not exposed" "none [] True" \
	"$(field "$out" tcp 8081 "l['status'] + ' ' + str(l['exposed_by']) + ' ' + str('another' in l['note'])")"
check_eq "tcp 2222: a candidate to switch off" "none [] True" \
	"$(field "$out" tcp 2222 "l['status'] + ' ' + str(l['exposed_by']) + ' ' + str('candidate' in l['note'])")"
check_eq "tcp 9999 on loopback: local only" "local 127.0.0.1" \
	"$(field "$out" tcp 9999 "l['status'] + ' ' + l['address']")"
check_eq "udp $PORT: tunctl's underlay" "underlay tunctl" \
	"$(field "$out" udp $PORT "l['status'] + ' ' + str(l['process'])")"
check_eq "audit b0 gives the same" "tunnel [10]" \
	"$(field "$(srv audit b0 -j)" tcp 8080 "l['status'] + ' ' + str(l['exposed_by'])")"

eout=$(edge audit -j)
check_eq "client side: its 8080 is exposed by nothing" "none []" \
	"$(field "$eout" tcp 8080 "l['status'] + ' ' + str(l['exposed_by'])")"

text=$(srv audit)
check "text: a header" grep -qE '^PROTO +ADDR +PORT +PROCESS +EXPOSED-BY' <<<"$text"
check "text: 8080 row" grep -qE '^tcp +0\.0\.0\.0 +8080 +nc[^ ]* \([0-9]+\) +tunnel 10$' <<<"$text"
check "text: 5353 row" grep -qE '^udp +0\.0\.0\.0 +5353 .* tunnel 11$' <<<"$text"
check "text: 2222 row" grep -qE '^tcp +0\.0\.0\.0 +2222 .* none \(candidate to switch off\)$' <<<"$text"
check "text: 9999 row" grep -qE '^tcp +127\.0\.0\.1 +9999 .* local only$' <<<"$text"
check "text: underlay row" grep -qE "^udp +[0-9.:]+ +$PORT +tunctl \([0-9]+\) +tunctl \(underlay\)$" <<<"$text"
check_not "text: no 'no tunnels configured' with a node" \
	grep -q "no tunnels configured" <<<"$text"

check "disable tunnel 10" srv tunnel disable 10
out=$(srv audit -j)
check_eq "tcp 8080: still listed, flagged disabled" "tunnel [10] [10] True" \
	"$(field "$out" tcp 8080 "l['status'] + ' ' + str(l['exposed_by']) + ' ' + str(l['disabled_tunnels']) + ' ' + str('disabled' in l['note'])")"
check "text: 8080 (disabled)" grep -qE '^tcp +0\.0\.0\.0 +8080 .* tunnel 10 \(disabled\)$' <<<"$(srv audit)"

check_not "audit of a device not attached fails" srv audit nosuchdev
check_not "audit with two devices is a usage error" srv audit b0 a0

summary
