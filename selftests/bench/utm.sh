#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# What the IPS costs a tunnel: TCP through one regular tunnel (iperf3, one
# stream) with no UTM, with 1 IPS rule and with 1,000, in the same run.
# The rules are content rules on random 10-letter patterns that the
# traffic never holds: the cost measured is the scan (one Aho-Corasick
# pass per packet, whatever the number of rules), not the alerts.
#
#   netns bua-PID  ua0 198.18.0.1 --veth-- ub0 198.18.0.2  netns bub-PID
#   iperf3 -c 100.64.0.2 (tunnel 1, tcp/5201)          iperf3 -s, UTM here

. "$(dirname "$0")/../e2e/lib.sh"

A=bua-$TAG
B=bub-$TAG
SECS=${SECS:-5}
umask 077

command -v iperf3 >/dev/null || { echo "utm.sh: iperf3 not installed (make deps)" >&2; exit 1; }
hub() { TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/a tunctl_in "$A" "$@"; }
cloud() { TUNCTL_PIN_ROOT=$TUNCTL_PIN_ROOT/b tunctl_in "$B" "$@"; }

two_hosts "$A" ua0 198.18.0.1/24 "$B" ub0 198.18.0.2/24
for k in a b; do
	"$TUNCTL" genkey >"$WORK/$k.key"
	"$TUNCTL" pubkey <"$WORK/$k.key" >"$WORK/$k.pub"
done

# rules N: N content rules that never match this traffic.
rules() {
	python3 - "$1" "$WORK/rules.$1" <<'EOF'
import random, sys
n, out = int(sys.argv[1]), sys.argv[2]
random.seed(1)
with open(out, "w") as f:
    for i in range(n):
        pat = "".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(10))
        f.write('alert tcp any any -> any any (msg:"r%d"; content:"%s"; nocase; sid:%d;)\n' % (i, pat, i + 1))
EOF
}

# conf FILE SIDE [RULES]
conf() {
	python3 - "$@" "$WORK" <<'EOF'
import json, sys
out, side = sys.argv[1:3]
rules = sys.argv[3] if len(sys.argv) > 4 else None
work = sys.argv[-1]
me, other = ("b", "a") if side == "server" else ("a", "b")
peer = {"overlay": "100.64.0.1" if side == "server" else "100.64.0.2"}
if side == "client":
    peer["endpoint"] = "198.18.0.2:51820"
c = {"node": {"name": me, "listen_port": 51820, "overlay": {"interface": "tunctl0",
      "address": "100.64.0.2/10" if side == "server" else "100.64.0.1/10"}},
     "peers": {other: peer},
     "tunnels": [{"id": 1, "type": "regular", "peer": other, "side": side,
                  "protocol": "tcp", "port": 5201,
                  "private_key_file": "%s/%s.key" % (work, me),
                  "peer_public_key": open("%s/%s.pub" % (work, other)).read().strip()}]}
if rules:
    c["utm"] = {"rules": rules, "eve_log": work + "/eve.json"}
json.dump(c, open(out, "w"))
EOF
}

# run NAME [RULES]: Gb/s of one TCP stream through the tunnel.
run() {
	conf "$WORK/b.json" server ${2:+"$2"}
	conf "$WORK/a.json" client
	cloud attach ub0 --config "$WORK/b.json" || exit 1
	hub attach ua0 --config "$WORK/a.json" || exit 1
	nsx "$B" timeout $((SECS + 20)) iperf3 -s -1 -B 100.64.0.2 >/dev/null 2>&1 &
	wait_listen "$B" t 5201
	nsx "$A" timeout $((SECS + 15)) iperf3 -c 100.64.0.2 -t "$SECS" -O 1 -J \
		>"$WORK/$1.json" 2>/dev/null
	wait
	hub detach ua0
	cloud detach ub0
	python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e9))' \
		"$WORK/$1.json" 2>/dev/null || echo 0
}

rules 1
rules 1000
none=$(run none)
one=$(run one "$WORK/rules.1")
many=$(run many "$WORK/rules.1000")
ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print('%.2f' % (a / b) if b else 'n/a')" "$1" "$2"; }

echo "utm.sh: TCP, 1 stream, ${SECS} s each, through one tunnel"
printf '  %-22s %8s %12s\n' "IPS" "Gb/s" "vs no UTM"
printf '  %-22s %8s %12s\n' "none" "$none" "1.00"
printf '  %-22s %8s %12s\n' "1 rule" "$one" "$(ratio "$one" "$none")"
printf '  %-22s %8s %12s\n' "1,000 rules" "$many" "$(ratio "$many" "$none")"
printf '  %-22s %8s %12s\n' "1,000 vs 1 rule" "" "$(ratio "$many" "$one")"
