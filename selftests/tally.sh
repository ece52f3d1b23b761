# SPDX-License-Identifier: GPL-2.0-only
# Sourced by run-all.sh (the host) and vm/guest-run.sh (the 6.1 guest):
# runs Check binaries and e2e scripts, adding up their summary lines.
# The caller prints "PREFIX: $passed passed, $failed failed, $skipped skipped".

passed=0 failed=0 skipped=0 broken=()

# The e2e test scripts: every selftests/e2e/*.sh but the sourced helpers.
e2e_scripts() {
	local t
	for t in selftests/e2e/*.sh; do
		case $(basename "$t") in
		lib.sh|world.sh|run.sh) ;;
		*) echo "$t" ;;
		esac
	done
}
# Scripts that run a second time on the tc datapath (--xdp-mode tc, through
# lib.sh's TUNCTL_TEST_XDP_MODE). Host only: it needs tcx (6.6+).
e2e_tc_scripts() {
	echo selftests/e2e/tunnel.sh selftests/e2e/internet.sh
}

# run_tc_script SCRIPT: SCRIPT with every attach in tc mode.
run_tc_script() {
	echo "== $1 (--xdp-mode tc)"
	TUNCTL_TEST_XDP_MODE=tc run_script "$1"
}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# A Check binary: its "NN%: Checks: N, Failures: F, Errors: E" line.
run_check() {
	echo "== $1"
	"$2" 2>&1 | tee "$log"
	local rc=${PIPESTATUS[0]} line n f e
	line=$(grep -E '^[0-9]+%: Checks: ' "$log" | tail -1)
	if [ -z "$line" ]; then
		failed=$((failed + 1)); broken+=("$1 (no result)"); return
	fi
	n=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
	f=$(sed -E 's/.*Failures: ([0-9]+).*/\1/' <<<"$line")
	e=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$line")
	passed=$((passed + n - f - e)); failed=$((failed + f + e))
	# A crash after the summary line still fails the run.
	[ $((f + e)) -eq 0 ] && [ "$rc" -eq 0 ] || broken+=("$1 (exit $rc)")
}

# An e2e script: its "NAME: N passed, N failed" line.
run_script() {
	echo "== $1"
	bash "$1" 2>&1 | tee "$log"
	local rc=${PIPESTATUS[0]} line
	line=$(grep -E ': [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -1)
	if [ -z "$line" ]; then
		failed=$((failed + 1)); broken+=("$1 (no result, exit $rc)"); return
	fi
	passed=$((passed + $(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")))
	failed=$((failed + $(sed -E 's/.* ([0-9]+) failed,.*/\1/' <<<"$line")))
	skipped=$((skipped + $(sed -E 's/.* ([0-9]+) skipped$/\1/' <<<"$line")))
	[ "$rc" -eq 0 ] || broken+=("$1")
}

