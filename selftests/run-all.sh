#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make check: unit tests, datapath table tests, fuzzing, every end-to-end
# script, then the VM tests on the 6.1 kernel; one closing line with the
# totals. Exit 1 if anything failed.
set -u
cd "$(dirname "$0")/.."

OUT=${OUT:-build}
export TUNCTL_BPF_OBJ=$OUT/bpf/datapath.bpf.o
passed=0 failed=0 skipped=0 broken=()
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

# Each fuzz target for a short while (make fuzz runs them longer).
run_fuzz() {
	echo "== fuzz (${FUZZ_SECONDS:-10}s per target)"
	if make -s fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-10}"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1)); broken+=(fuzz)
	fi
}

run_check unit "$OUT/selftests/unit_tests"
run_check datapath "$OUT/selftests/datapath_tests"
run_fuzz
for t in selftests/e2e/*.sh; do
	[ "$(basename "$t")" = lib.sh ] && continue
	run_script "$t"
done

# Last: the same datapath on the 6.1 LTS kernel, in a VM.
run_script selftests/vm/vmtest.sh

[ ${#broken[@]} -eq 0 ] || echo "failing: ${broken[*]}"
echo "check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ ${#broken[@]} -eq 0 ]
