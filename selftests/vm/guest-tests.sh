#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Runs inside the 6.1 guest (busybox sh; /bin/tunctl by path, since busybox
# has a tunctl applet of its own): the datapath table tests, then
# default deny between two namespaces with egress through tc clsact.
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }
check() { d=$1; shift; if "$@" >/tmp/out 2>&1; then ok "$d"; else bad "$d"; tail -5 /tmp/out; fi; }
check_not() { d=$1; shift; if "$@" >/tmp/out 2>&1; then bad "$d (it succeeded)"; else ok "$d"; fi; }

# 1. The BPF programs through BPF_PROG_TEST_RUN on this kernel.
TUNCTL_BPF_OBJ=/tests/datapath.bpf.o CK_FORK=no /bin/datapath_tests >/tmp/dp.out 2>&1
sed -n '/Checks:/p;/:F:/p;/:E:/p' /tmp/dp.out | head -20
if grep -q '^100%: Checks: ' /tmp/dp.out; then ok "datapath table tests"; else bad "datapath table tests"; fi

# 2. Default deny between two namespaces.
export TUNCTL_PIN_ROOT=/sys/fs/bpf/tunctl TUNCTL_RUN_DIR=/run/tunctl
netip netns add dut && netip netns add peer
netip link add a0 netns dut type veth peer name b0 netns peer
netip -n dut addr add 198.18.0.1/24 dev a0
netip -n peer addr add 198.18.0.2/24 dev b0
netip -n dut link set a0 up
netip -n peer link set b0 up
netip -n dut link set lo up
sleep 1
check "before attach: ping dut -> peer" netip netns exec dut ping -c 1 -W 2 198.18.0.2
check "attach (6.1: no tcx, tc clsact instead)" nsenter --net=/run/netns/dut /bin/tunctl attach a0
check "status says tc-clsact" sh -c "nsenter --net=/run/netns/dut /bin/tunctl status a0 -j | grep -q tc-clsact"
check_not "attached: ping dut -> peer" netip netns exec dut ping -c 1 -W 2 198.18.0.2
check_not "attached: ping peer -> dut" netip netns exec peer ping -c 1 -W 2 198.18.0.1
check "egress drops counted" sh -c "nsenter --net=/run/netns/dut /bin/tunctl status a0 | grep -q 'egress   drop  no-tunnel'"
check "ingress drops counted" sh -c "nsenter --net=/run/netns/dut /bin/tunctl status a0 | grep -q 'ingress  drop  no-tunnel'"
check "detach" nsenter --net=/run/netns/dut /bin/tunctl detach a0
check "after detach: ping dut -> peer" netip netns exec dut ping -c 1 -W 2 198.18.0.2
# 3. A regular tunnel, client dut -> server peer, tcp/8883.
T=/bin/tunctl
umask 077
mkdir -p /tmp/k
for k in c s; do $T genkey >/tmp/k/$k; $T pubkey </tmp/k/$k >/tmp/k/$k.pub; done
cat >/tmp/k/server.json <<JSON
{ "node": { "listen_port": 51820, "overlay": { "interface": "tunctl0", "address": "100.64.0.2/10" } },
  "peers": { "c": { "overlay": "100.64.0.1" } },
  "tunnels": [ { "id": 10, "type": "regular", "peer": "c", "side": "server", "protocol": "tcp",
                 "port": 8883, "private_key_file": "/tmp/k/s", "peer_public_key": "$(cat /tmp/k/c.pub)" } ] }
JSON
cat >/tmp/k/client.json <<JSON
{ "node": { "listen_port": 51820, "overlay": { "interface": "tunctl0", "address": "100.64.0.1/10" } },
  "peers": { "s": { "endpoint": "198.18.0.2:51820", "overlay": "100.64.0.2" } },
  "tunnels": [ { "id": 10, "type": "regular", "peer": "s", "side": "client", "protocol": "tcp",
                 "port": 8883, "private_key_file": "/tmp/k/c", "peer_public_key": "$(cat /tmp/k/s.pub)" } ] }
JSON
check "server: attach with a tunnel" env TUNCTL_PIN_ROOT=/sys/fs/bpf/srv nsenter --net=/run/netns/peer $T attach b0 --config /tmp/k/server.json
check "client: attach with a tunnel" nsenter --net=/run/netns/dut $T attach a0 --config /tmp/k/client.json
sleep 2
check "the tunnel is active" sh -c "nsenter --net=/run/netns/dut $T tunnel list | grep -q active"
# sends LINE to ADDR PORT from dut; the peer listens on PORT
sends() {
	rm -f /tmp/got
	netip netns exec peer timeout 4 nc -l -p "$3" >/tmp/got 2>/dev/null &
	sleep 0.5
	echo "$1" | netip netns exec dut timeout 2 nc "$2" "$3" >/dev/null 2>&1
	sleep 0.5
	kill %1 2>/dev/null
	wait 2>/dev/null
	grep -q "$1" /tmp/got
}
check "tcp through the tunnel" sends tunnel-ok 100.64.0.2 8883
check_not "the next port through the overlay" sends next-door 100.64.0.2 8884
check_not "the service over the underlay directly" sends direct 198.18.0.2 8883
check "client: detach" nsenter --net=/run/netns/dut $T detach a0
check "server: detach" env TUNCTL_PIN_ROOT=/sys/fs/bpf/srv nsenter --net=/run/netns/peer $T detach b0
echo "vmtest: $passed passed, $failed failed, 0 skipped"
