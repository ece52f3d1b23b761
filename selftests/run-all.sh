#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make check: unit tests, datapath table tests, fuzzing, every end-to-end
# script, then the VM tests on the 6.1 kernel; one closing line with the
# totals. Exit 1 if anything failed.
set -u
cd "$(dirname "$0")/.."

OUT=${OUT:-build}
export TUNCTL_BPF_OBJ=$OUT/bpf/datapath.bpf.o
. selftests/tally.sh

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
for t in $(e2e_scripts); do
	run_script "$t"
done
for t in $(e2e_tc_scripts); do
	run_tc_script "$t"
done

# Last: the same datapath on the 6.1 LTS kernel, in a VM.
run_script selftests/vm/vmtest.sh

[ ${#broken[@]} -eq 0 ] || echo "failing: ${broken[*]}"
echo "check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ ${#broken[@]} -eq 0 ]
