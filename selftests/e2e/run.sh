#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make e2e: every end-to-end script, with one closing line of totals.
set -u
cd "$(dirname "$0")/../.."
. selftests/tally.sh
for t in $(e2e_scripts); do
	run_script "$t"
done
for t in $(e2e_tc_scripts); do
	run_tc_script "$t"
done
[ ${#broken[@]} -eq 0 ] || echo "failing: ${broken[*]}"
echo "e2e: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ ${#broken[@]} -eq 0 ]
