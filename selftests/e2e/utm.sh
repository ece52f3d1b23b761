#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The UTM role end to end: the cloud node judges what its tunnels carry,
# after decryption, with real clients and servers. Allowed sessions work;
# each violation is blocked, never reaches the server (its own log, or a
# capture on the far side, must not see it) and is logged to the EVE log;
# IPS rules alert and drop, and swap under traffic without a loss.
#
#   netns uhub-PID (client)        netns ucloud-PID (server, UTM)         netns uplc-PID
#   +----------------------+       +------------------------------+       +---------------+
#   | tunctl0 100.64.0.1   |       | tunctl0 100.64.0.2           |       | e0            |
#   | ua0 198.18.0.1 ------|-veth--|- ub0 198.18.0.2    lan0 .1 --|-veth--| 192.168.50.20 |
#   | curl, mosquitto_pub, |       | 1 http/8080   python http    |       | Modbus :502   |
#   | modbus.py, dig,      |       | 2 mqtt/1883   mosquitto      |       | (a PLC)       |
#   | coap-client          |       | 3 modbus/502  external->PLC  |       +---------------+
#   +----------------------+       | 4 dns/53 udp  dnsmasq        |
#                                  | 5 coap/5683   coap-server    |
#                                  | 6 udp/9001    no L7, IPS     |
#                                  +------------------------------+

. "$(dirname "$0")/lib.sh"

HUB=uhub-$TAG
CLOUD=ucloud-$TAG
PLC=uplc-$TAG
PORT=51820
DATA=$TOP/selftests/e2e/data
EVE=$WORK/eve.json
umask 077

hub() { TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/hub tunctl_in "$HUB" "$@"; }
cloud() { TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/cloud tunctl_in "$CLOUD" "$@"; }
# eve_count JQ-LIKE: lines of the EVE log matching a python predicate on e.
eve_count() {
	python3 - "$EVE" "$1" <<'EOF'
import json, sys
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    if eval(sys.argv[2], {"e": e}):
        n += 1
print(n)
EOF
}

two_hosts "$HUB" ua0 198.18.0.1/24 "$CLOUD" ub0 198.18.0.2/24
ns_add "$PLC"
ip link add lan0 netns "$CLOUD" type veth peer name e0 netns "$PLC"
nsx "$CLOUD" ip addr add 192.168.50.1/24 dev lan0
nsx "$PLC" ip addr add 192.168.50.20/24 dev e0
nsx "$CLOUD" ip link set lan0 up
nsx "$PLC" ip link set e0 up
nsx "$PLC" ip route add default via 192.168.50.1
for k in hub cloud; do
	"$TUNCTL" genkey >"$WORK/$k.key"
	"$TUNCTL" pubkey <"$WORK/$k.key" >"$WORK/$k.pub"
done

# The IPS rules: two alerts, two drops (rules.2 adds a third drop).
cat >"$WORK/rules" <<'EOF'
# utm.sh: what the IPS must find
alert http any any -> any any (msg:"status page probed"; flow:to_server; http.uri; content:"/public/status"; sid:1001; rev:2;)
drop tcp any any -> any 8080 (msg:"shell in a request"; content:"/bin/sh"; sid:1002;)
drop dns any any -> any any (msg:"query for a known-bad name"; dns.query; content:"bad"; nocase; sid:1003;)
alert udp any any -> any 9001 (msg:"marker datagram"; content:"MARK"; depth:4; sid:1004;)
EOF

# config FILE SIDE: both sides' tunnels; the cloud adds the L7 policies.
config() {
	python3 - "$1" "$2" "$WORK" <<'EOF'
import json, sys
out, side, work = sys.argv[1:4]
me, other = ("cloud", "hub") if side == "server" else ("hub", "cloud")
addr = "100.64.0.2/10" if side == "server" else "100.64.0.1/10"
peer = {"overlay": "100.64.0.1" if side == "server" else "100.64.0.2"}
if side == "client":
    peer["endpoint"] = "198.18.0.2:51820"
l7 = {
    1: {"protocol": "http", "methods": ["GET", "HEAD"], "paths": ["/public"]},
    2: {"protocol": "mqtt", "packet_types": ["PUBLISH", "SUBSCRIBE"],
        "topics": ["sensors/#"]},
    3: {"protocol": "modbus", "function_codes": [3, 4], "unit_ids": [1]},
    4: {"protocol": "dns", "names": ["example.internal"]},
    5: {"protocol": "coap", "methods": ["GET"], "paths": ["/time"]},
}
kinds = {1: ("tcp", 8080), 2: ("tcp", 1883), 3: ("tcp", 502), 4: ("udp", 53),
         5: ("udp", 5683), 6: ("udp", 9001)}
tunnels = []
for i, (proto, port) in kinds.items():
    t = {"id": i, "type": "external" if i == 3 else "regular", "peer": other,
         "side": side, "protocol": proto, "port": port,
         "private_key_file": "%s/%s.key" % (work, me),
         "peer_public_key": open("%s/%s.pub" % (work, other)).read().strip()}
    if i == 3:
        t["target"] = "192.168.50.20"
    if side == "server" and i in l7:
        t["l7"] = l7[i]
    tunnels.append(t)
conf = {"node": {"name": me, "listen_port": 51820,
                 "overlay": {"interface": "tunctl0", "address": addr}},
        "peers": {other: peer}, "tunnels": tunnels}
if side == "server":
    conf["utm"] = {"rules": work + "/rules", "eve_log": work + "/eve.json"}
json.dump(conf, open(out, "w"), indent=1)
EOF
}

config "$WORK/hub.json" client
config "$WORK/cloud.json" server

# --- the config: what an L7 policy may be ------------------------------------
bad_config() { # NAME PYTHON-EDIT EXPECTED-IN-ERROR
	python3 - "$WORK/cloud.json" "$WORK/bad.json" "$2" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
t = {x["id"]: x for x in c["tunnels"]}
exec(sys.argv[3])
json.dump(c, open(sys.argv[2], "w"), indent=1)
EOF
	"$TUNCTL" check-config "$WORK/bad.json" >"$WORK/bad.out" 2>&1
	check_eq "check-config refuses $1 (exit 2)" 2 $?
	check "check-config names it: $3" grep -q -- "$3" "$WORK/bad.out"
}
bad_config "mqtt over udp" 't[6]["l7"] = {"protocol": "mqtt"}' "mqtt cannot run over this tunnel's protocol (udp)"
bad_config "an unknown l7 key" 't[1]["l7"]["verbs"] = ["GET"]' "tunnels.0.l7.verbs: unknown key"
bad_config "a lower-case method" 't[1]["l7"]["methods"] = ["get"]' "tunnels.0.l7.methods.0: expected an HTTP method"
bad_config "reset for udp" 't[4]["l7"]["on_violation"] = "reset"' "\"reset\" is for TCP"
printf 'alert tcp any any -> any any (msg:"x"; sid:1;)\nalert tcp any any -> any any (msg:"y"; sid:1;)\n' >"$WORK/dup.rules"
bad_config "a rule file with an error" "c['utm']['rules'] = '$WORK/dup.rules'" "dup.rules:2:"
check "check-config takes the good one" "$TUNCTL" check-config "$WORK/cloud.json"

check "cloud: attach with the UTM" cloud attach ub0 --config "$WORK/cloud.json"
check "hub: attach" hub attach ua0 --config "$WORK/hub.json"

# --- the services -------------------------------------------------------------
mkdir -p "$WORK/www/public" "$WORK/www/admin"
echo "hello from public" >"$WORK/www/public/index.html"
echo "status ok" >"$WORK/www/public/status"
echo "the admin secret" >"$WORK/www/admin/secret"
nsx "$CLOUD" python3 -u -m http.server 8080 --bind 100.64.0.2 \
	--directory "$WORK/www" >"$WORK/http.log" 2>&1 &
cat >"$WORK/mosquitto.conf" <<EOF
listener 1883 100.64.0.2
allow_anonymous true
persistence false
EOF
nsx "$CLOUD" mosquitto -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.log" 2>&1 &
nsx "$PLC" python3 -u "$DATA/modbus.py" server 192.168.50.20 502 "$WORK/plc.log" \
	>"$WORK/plc.err" 2>&1 &
nsx "$CLOUD" dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces \
	--listen-address=100.64.0.2 --address=/example.internal/10.1.2.3 \
	--address=/elsewhere.test/10.6.6.6 --log-queries \
	--log-facility="$WORK/dns.log" --pid-file= --user=root --group=root \
	2>"$WORK/dnsmasq.err" &
nsx "$CLOUD" coap-server-notls -A 100.64.0.2 -p 5683 >"$WORK/coap.log" 2>&1 &
wait_listen "$CLOUD" t 8080
wait_listen "$CLOUD" t 1883
wait_listen "$PLC" t 502
wait_listen "$CLOUD" u 53
wait_listen "$CLOUD" u 5683

# Let each tunnel's handshake finish before the first request.
for _ in $(seq 50); do
	[ "$(hub -j tunnel list | python3 -c 'import json,sys; print(sum(t["state"] == "active" for t in json.load(sys.stdin)["tunnels"]))')" = 6 ] && break
	sleep 0.1
done

# --- HTTP ---------------------------------------------------------------------
H=http://100.64.0.2:8080
check_eq "http: GET of an allowed path" "hello from public" \
	"$(nsx "$HUB" curl -s -m 5 $H/public/index.html)"
check_eq "http: HEAD is allowed too" 200 \
	"$(nsx "$HUB" curl -s -m 5 -I -o /dev/null -w '%{http_code}' $H/public/index.html)"
nsx "$HUB" curl -s -m 5 -X DELETE $H/public/index.html >/dev/null 2>&1
check_eq "http: DELETE is reset (curl: 56, connection reset)" 56 $?
nsx "$HUB" curl -s -m 5 $H/admin/secret >"$WORK/admin.out" 2>&1
check_eq "http: a path outside /public is reset" 56 $?
nsx "$HUB" curl -s -m 5 --path-as-is $H/public/../admin/secret >/dev/null 2>&1
check_eq "http: /public/../admin is refused (dot segments are)" 56 $?
nsx "$HUB" curl -s -m 5 $H/public%2F..%2Fadmin/secret >/dev/null 2>&1
check_eq "http: and so is an encoded one" 56 $?
nsx "$HUB" curl -s -m 5 $H/publicity >/dev/null 2>&1
check_eq "http: /publicity is not under /public" 56 $?
# A request sent in pieces: its path arrives across segments.
nsx "$HUB" python3 - <<'EOF' >"$WORK/split.out" 2>&1
import socket, time
s = socket.create_connection(("100.64.0.2", 8080), timeout=5)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for part in (b"GET /adm", b"in/secret HT", b"TP/1.1\r\nHost: x\r\n", b"\r\n"):
    s.sendall(part)
    time.sleep(0.2)
try:
    print(s.recv(100) or b"closed")
except ConnectionResetError:
    print("reset")
EOF
check_eq "http: a path split across segments is still judged" reset "$(cat "$WORK/split.out")"
check "http: the server saw the allowed requests" grep -q '"GET /public/index.html' "$WORK/http.log"
check_not "http: the server never saw DELETE" grep -q DELETE "$WORK/http.log"
check_not "http: the server never saw /admin" grep -q admin "$WORK/http.log"
check_eq "http: the admin secret never left" "" "$(grep -o 'the admin secret' "$WORK/admin.out")"
check_eq "eve: a drop per blocked http session (6)" 6 \
	"$(eve_count 'e["event_type"] == "drop" and e["tunnel_id"] == 1')"
check_eq "eve: the DELETE's reason names the method" 1 \
	"$(eve_count '"method DELETE" in e.get("drop", {}).get("reason", "")')"

# --- IPS on HTTP ----------------------------------------------------------------
check_eq "ips: an alert rule lets the request through" "status ok" \
	"$(nsx "$HUB" curl -s -m 5 $H/public/status)"
check_eq "ips: and logs its alert (sid 1001, rev 2)" 1 \
	"$(eve_count 'e["event_type"] == "alert" and e["alert"]["signature_id"] == 1001 and e["alert"]["rev"] == 2 and e["alert"]["action"] == "allowed"')"
check_not "ips: a drop rule blocks the request" \
	nsx "$HUB" curl -s -m 3 -o /dev/null -H "X-Cmd: /bin/sh -c id" $H/public/index.html
check_eq "ips: the drop is logged blocked (sid 1002)" 1 \
	"$(eve_count 'e["event_type"] == "alert" and e["alert"]["signature_id"] == 1002 and e["alert"]["action"] == "blocked"')"
check_not "ips: the server never saw it" grep -q 'X-Cmd\|/bin/sh' "$WORK/http.log"
check "eve: every line carries the 5-tuple" test "$(eve_count '"src_ip" in e and "dest_port" in e and "proto" in e and "timestamp" in e')" = \
	"$(wc -l <"$EVE")"

# --- MQTT ---------------------------------------------------------------------
nsx "$CLOUD" timeout 8 mosquitto_sub -h 100.64.0.2 -t '#' -v >"$WORK/mqtt.seen" 2>&1 &
# Publish once it is connected (its SUBSCRIBE follows at once): a fixed
# pause raced it on a loaded machine.
sub_connected() {
	nsx "$CLOUD" ss -tnH state established '( dport = :1883 )' | grep -q .
}
eventually sub_connected
sleep 0.3
check "mqtt: publish to sensors/temp" \
	nsx "$HUB" mosquitto_pub -h 100.64.0.2 -t sensors/temp -m 21.5
check_not "mqtt: publish to cmd/reboot is refused" \
	nsx "$HUB" timeout 5 mosquitto_pub -h 100.64.0.2 -t cmd/reboot -m now -q 1
nsx "$HUB" timeout 4 mosquitto_sub -h 100.64.0.2 -t 'sensors/+' -C 1 -v >"$WORK/mqtt.sub" 2>&1 &
sub=$!
# Not retained: published until the subscriber, which goes through the
# tunnel and the UTM, has it and leaves (-C 1).
for _ in $(seq 12); do
	sleep 0.3
	nsx "$CLOUD" mosquitto_pub -h 100.64.0.2 -t sensors/hum -m 40
	kill -0 $sub 2>/dev/null || break
done
wait $sub
check_eq "mqtt: a subscription inside sensors/# gets its message" "sensors/hum 40" "$(cat "$WORK/mqtt.sub")"
nsx "$HUB" timeout 3 mosquitto_sub -h 100.64.0.2 -t '#' -C 1 >/dev/null 2>&1
check_not "mqtt: a subscription to # is refused" test $? -eq 0
sleep 2.5
check "mqtt: the broker's subscriber saw sensors/temp" grep -q 'sensors/temp 21.5' "$WORK/mqtt.seen"
check_not "mqtt: and never cmd/reboot" grep -q cmd/reboot "$WORK/mqtt.seen"
check "eve: the publish and the subscribe are logged" test \
	"$(eve_count 'e["event_type"] == "drop" and e["tunnel_id"] == 2 and "reason" in e["drop"]')" -ge 2
check_eq "eve: one of them for the topic cmd/reboot" 1 \
	"$(eve_count 'e["event_type"] == "drop" and e["tunnel_id"] == 2 and "topic cmd/reboot" in e["drop"]["reason"]')"
check "eve: the subscription to # names its filter" test \
	"$(eve_count 'e["event_type"] == "drop" and e["tunnel_id"] == 2 and "filter # not" in e["drop"]["reason"]')" -ge 1

# --- Modbus, through the external tunnel to the PLC ---------------------------
mb() { nsx "$HUB" python3 "$DATA/modbus.py" client 192.168.50.20 502 "$@"; }
check_eq "modbus: read holding registers (fc 3) from the PLC" "ok 3 0400000000" "$(mb 1 3 0 2)"
check_eq "modbus: read input registers (fc 4)" "ok 4 020000" "$(mb 1 4 0 1)"
check_eq "modbus: write single register (fc 6) is reset" reset "$(mb 1 6 0 99)"
check_eq "modbus: unit 2 is not allowed" reset "$(mb 2 3 0 1)"
check_eq "modbus: the register was never written" "ok 3 020000" "$(mb 1 3 0 1)"
check_eq "modbus: the PLC saw only reads from unit 1" "1 3,1 4,1 3" \
	"$(paste -sd, "$WORK/plc.log")"
check_eq "eve: both modbus violations logged, with the PLC as destination" 2 \
	"$(eve_count 'e["event_type"] == "drop" and e["tunnel_id"] == 3 and e["dest_ip"] == "192.168.50.20"')"
check_eq "eve: the write's reason names function 6" 1 \
	"$(eve_count '"function 6 not allowed" in e.get("drop", {}).get("reason", "")')"

# --- DNS ----------------------------------------------------------------------
check_eq "dns: an allowed name resolves" 10.1.2.3 \
	"$(nsx "$HUB" dig +short +time=2 +tries=1 @100.64.0.2 www.example.internal)"
nsx "$HUB" dig +short +time=2 +tries=1 @100.64.0.2 elsewhere.test >"$WORK/dig.out" 2>&1
check_not "dns: a name outside the list gets no answer" grep -q 10.6.6.6 "$WORK/dig.out"
nsx "$HUB" dig +short +time=2 +tries=1 @100.64.0.2 bad.example.internal >"$WORK/dig2.out" 2>&1
check_not "dns: the IPS drops a bad name inside the list" grep -q 10.1.2.3 "$WORK/dig2.out"
check "dns: the server saw the allowed query" grep -q 'www.example.internal' "$WORK/dns.log"
check_not "dns: and neither of the others" grep -q 'elsewhere.test\|bad.example' "$WORK/dns.log"
check_eq "eve: the IPS drop names sid 1003" 1 \
	"$(eve_count 'e["event_type"] == "alert" and e["alert"]["signature_id"] == 1003')"

# --- CoAP ---------------------------------------------------------------------
coap() { nsx "$HUB" timeout 5 coap-client-notls -B 3 "$@" 2>&1; }
check "coap: GET /time answers" test -n "$(coap -m get coap://100.64.0.2/time)"
cap_start coap "$CLOUD" tunctl0
coap -m put -e 1 coap://100.64.0.2/time >/dev/null
coap -m get coap://100.64.0.2/async >/dev/null
sleep 0.5
cap_stop coap
check_eq "coap: PUT and a path off the list never reach the server" 0 \
	"$(cap_count coap 'udp port 5683')"
# Each datagram is judged (and logged) alone: the client's retries too.
check "eve: the PUT is logged, naming its method" test \
	"$(eve_count 'e["event_type"] == "drop" and e["tunnel_id"] == 5 and "method PUT" in e["drop"]["reason"]')" -ge 1
check "eve: and the path off the list, naming it" test \
	"$(eve_count 'e["event_type"] == "drop" and e["tunnel_id"] == 5 and "path /async" in e["drop"]["reason"]')" -ge 1

# --- ips reload: whole or not at all, and under traffic -------------------------
cp "$WORK/rules" "$WORK/rules.1"
echo 'drop http any any -> any any (msg:"index is off limits"; http.uri; content:"index.html"; sid:1005;)' >>"$WORK/rules"
check "ips reload: a new rule set" cloud ips reload ub0
nsx "$HUB" curl -s -m 5 $H/public/index.html >/dev/null 2>&1
check_not "ips reload: the new drop rule holds" test $? -eq 0
echo 'drop tcp any any -> any any (msg:"broken"; content:"x"; sid:1006; bogus:1;)' >>"$WORK/rules"
cloud ips reload ub0 >/dev/null 2>"$WORK/reload.err"
check_eq "ips reload: a file with an error is refused (exit 2)" 2 $?
check "ips reload: with its line and reason" grep -q "rules:7:.*bogus" "$WORK/reload.err"
nsx "$HUB" curl -s -m 5 $H/public/index.html >/dev/null 2>&1
check_not "ips reload: and the old set stays (sid 1005 still drops)" test $? -eq 0
check_eq "ips status: the set in force has 5 rules" 5 \
	"$(cloud -j ips status ub0 | python3 -c 'import json,sys; print(json.load(sys.stdin)["utm"][0]["rules"])')"

# Many rules, and a reload every 100 ms while 3,000 datagrams flow.
python3 - "$WORK/rules.1" "$WORK/rules" <<'EOF'
import random, sys
base = open(sys.argv[1]).read()
random.seed(7)
with open(sys.argv[2], "w") as f:
    f.write(base)
    for i in range(1000):
        pat = "".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(10))
        f.write('alert udp any any -> any any (msg:"r%d"; content:"%s"; sid:%d;)\n' % (i, pat, 20000 + i))
EOF
nsx "$CLOUD" timeout 20 python3 - >"$WORK/udp.count" <<'EOF' &
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("100.64.0.2", 9001))
s.settimeout(3)
n = 0
try:
    while True:
        s.recv(100)
        n += 1
except socket.timeout:
    pass
print(n)
EOF
rcv=$!
wait_listen "$CLOUD" u 9001
nsx "$HUB" python3 - <<'EOF' &
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3000):
    s.sendto(b"MARK" if i == 0 else b"data %d" % i, ("100.64.0.2", 9001))
    time.sleep(0.001)
EOF
snd=$!
reloads=0
while kill -0 $snd 2>/dev/null; do
	cloud ips reload ub0 >/dev/null 2>&1 && reloads=$((reloads + 1))
	sleep 0.1
done
wait $rcv
check "ips reload under traffic: at least 10 swaps of 1,004 rules ($reloads)" test "$reloads" -ge 10
check_eq "ips reload under traffic: every datagram arrived" 3000 "$(cat "$WORK/udp.count")"
check_eq "eve: the marker's alert, once" 1 \
	"$(eve_count 'e["event_type"] == "alert" and e["alert"]["signature_id"] == 1004')"

# --- the counters, and a reload of the config keeping the UTM ------------------
check "ips status: violations counted" test "$(cloud -j ips status ub0 | python3 -c 'import json,sys; print(json.load(sys.stdin)["utm"][0]["violations"])')" -ge 12
check "tunnel list: the cloud counts utm drops on tunnel 1" test \
	"$(cloud -j tunnel list | python3 -c 'import json,sys; print([t for t in json.load(sys.stdin)["tunnels"] if t["id"] == 1][0]["drops"]["utm"])')" -ge 6
python3 - "$WORK/cloud.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["utm"]["rules"] = sys.argv[1] + ".missing"
json.dump(c, open(sys.argv[1] + ".bad", "w"))
EOF
check_not "reload: a config whose rules are missing is refused" cloud reload ub0 --config "$WORK/cloud.json.bad"
check_eq "reload: and the 1,004 rules stay in force" 1004 \
	"$(cloud -j ips status ub0 | python3 -c 'import json,sys; print(json.load(sys.stdin)["utm"][0]["rules"])')"

check "hub: detach" hub detach ua0
check "cloud: detach" cloud detach ub0
summary
