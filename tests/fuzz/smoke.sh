#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# smoke.sh DIR SECONDS TARGET...
# Runs each libFuzzer target DIR/TARGET for SECONDS on its corpus
# DIR/corpus/TARGET (kept between runs), crash artifacts in
# DIR/artifacts/TARGET/, and prints "PASS fuzz-NAME" (NAME: TARGET less its
# "fuzz_") after a comment line with the number of executions, "FAIL
# fuzz-NAME: why" with the reproducer, or "SKIP" when the target could not
# be built. Exits 1 if any target failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/result.sh"

dir=$1 secs=$2
shift 2
for t in "$@"; do
	bin=$dir/$t
	name=fuzz-${t#fuzz_}
	if [ ! -x "$bin" ]; then
		skip "$name" "$bin not built (no clang with libFuzzer)"
		continue
	fi
	corpus=$dir/corpus/$t
	art=$dir/artifacts/$t
	log=$dir/$t.log
	mkdir -p "$corpus" "$art"
	# Several jobs would be faster, but one keeps the time bound exact.
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$art/" "$corpus" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(sed -n 's/^#[0-9]*.*DONE.* cov: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		echo "# $name: ${runs:-?} executions in ${secs}s, cov ${cov:-?}, corpus $(ls "$corpus" | wc -l) inputs"
		pass "$name"
	else
		crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		why=$(grep -m 1 -E 'got|steps|rejected|returned|ERROR|runtime error' "$log")
		fail "$name" "exit $rc: ${why:-see $log}; reproduce: $bin ${crash:-} (log $log)"
	fi
done
tests_done
