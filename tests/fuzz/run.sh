#!/bin/sh
# run.sh TARGET... - runs each libFuzzer target FUZZ_SECONDS seconds (default 60) from the committed
# seed corpus (tests/fuzz/corpus/<target>, copied into FUZZ_BUILD/corpus/<target>, where the corpus
# grows between runs) with its dictionary. Fails when any target finds a crash, a hang (10 s), a leak
# or an out-of-memory (2 GiB); the reproducer is in FUZZ_BUILD/artifacts/<target>/: keep it under
# tests/fuzz/regress/<target>/ once fixed (tests/unit/test_fuzz_regress.c replays them).
# Extra libFuzzer options: FUZZ_ARGS (e.g. FUZZ_ARGS=-runs=10000000).
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
cd "$SRC" || exit 2
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_ARGS=${FUZZ_ARGS:-}
failed=""
for t in "$@"; do
	case $t in
	page | pagediff | rules) max_len=65536 ;;
	inventory) max_len=32768 ;;
	*) max_len=8192 ;;
	esac
	corpus=$FUZZ_BUILD/corpus/$t
	art=$FUZZ_BUILD/artifacts/$t
	mkdir -p "$corpus" "$art"
	cp -n tests/fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null
	for r in tests/fuzz/regress/"$t"/*; do [ -f "$r" ] && cp -n "$r" "$corpus"/; done
	log=$FUZZ_BUILD/fuzz_$t.log
	echo "fuzz: $t: ${FUZZ_SECONDS}s (log $log)"
	# shellcheck disable=SC2086
	"$FUZZ_BUILD/fuzz_$t" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -timeout=10 \
		-max_len=$max_len -dict=tests/fuzz/"$t".dict -artifact_prefix="$art/" -print_final_stats=1 \
		$FUZZ_ARGS "$corpus" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	if [ $rc != 0 ]; then
		failed="$failed $t"
		echo "fuzz: $t: FAILED (exit $rc) after ${runs:-?} runs, $cov"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)|artifact' "$log" | head -n 10
	else
		echo "fuzz: $t: ok, ${runs:-?} runs, $cov"
	fi
done
[ -z "$failed" ] || { echo "fuzz: failed:$failed"; exit 1; }
