#!/bin/sh
# tests/run.sh - runs the unit tests (cmocka, TAP) and the shell tests, prints "N passed, N failed".
# Environment: BUILD, VOSCTL, VALGRIND=1 (run everything under valgrind), TESTS (a glob filter).
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
cd "$SRC" || exit 2
export SRC BUILD
VOSCTL=${VOSCTL:-$SRC/$BUILD/vosctl}
LOG=$SRC/$BUILD/test-logs
rm -rf "$LOG"; mkdir -p "$LOG"
export CMOCKA_MESSAGE_OUTPUT=TAP
VG=""
if [ "${VALGRIND:-}" = 1 ]; then
	# every report also goes to a log file per process: a test that ignores an exit code (or expects
	# a failure) cannot hide it; reports from inside the libraries are in tests/valgrind.supp
	mkdir -p "$LOG/valgrind"
	VG="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --track-fds=no --suppressions=$SRC/tests/valgrind.supp --log-file=$LOG/valgrind/%p.log"
	# shell tests run the binary through a wrapper that adds valgrind
	mkdir -p "$SRC/$BUILD/vg"
	printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$VG" "$VOSCTL" >"$SRC/$BUILD/vg/vosctl"
	chmod +x "$SRC/$BUILD/vg/vosctl"
	VOSCTL=$SRC/$BUILD/vg/vosctl
fi
export VOSCTL
# Every process a test starts inherits this marker: the last check finds leftovers by it (no ps).
run_marker="vosctl-tests-$$-$(date +%s%N)"
VOSCTL_TEST_RUN=$run_marker
export VOSCTL_TEST_RUN
# unit tests get a private network namespace too (the shell tests make their own in tests/lib.sh)
in_netns() {
	if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null && command -v ip >/dev/null 2>&1; then
		unshare -n sh -c 'ip link set lo up && exec "$@"' sh "$@"
	else
		"$@"
	fi
}
filter=${TESTS:-*}
passed=0; failed=0; failed_files=""

count() { # count FILE -> adds to passed/failed
	p=$(grep -c '^ok ' "$1"); f=$(grep -c '^not ok ' "$1")
	passed=$((passed + p)); failed=$((failed + f))
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	case "$name" in $filter) ;; *) continue ;; esac
	in_netns $VG "$t" >"$LOG/$name.log" 2>&1; rc=$?
	count "$LOG/$name.log"
	if [ $rc != 0 ] && ! grep -q '^not ok ' "$LOG/$name.log"; then
		failed=$((failed + 1)); echo "not ok - $name exited $rc" >>"$LOG/$name.log"
	fi
	if [ $rc != 0 ]; then failed_files="$failed_files $name"; fi
	printf '%-40s %s\n' "$name" "$(grep -c '^ok ' "$LOG/$name.log") ok, $(grep -c '^not ok ' "$LOG/$name.log") not ok"
done

for t in tests/cli/t*.sh tests/integration/t*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	case "$name" in $filter) ;; *) continue ;; esac
	start=$(date +%s)
	timeout 600 sh "$t" >"$LOG/$name.log" 2>&1; rc=$?
	count "$LOG/$name.log"
	if [ $rc != 0 ] && ! grep -q '^not ok ' "$LOG/$name.log"; then
		failed=$((failed + 1)); echo "not ok - $name exited $rc" >>"$LOG/$name.log"
	fi
	if [ $rc != 0 ]; then failed_files="$failed_files $name"; fi
	printf '%-40s %s (%ss)\n' "$name" "$(grep -c '^ok ' "$LOG/$name.log") ok, $(grep -c '^not ok ' "$LOG/$name.log") not ok" "$(( $(date +%s) - start ))"
done

if [ "${VALGRIND:-}" = 1 ]; then
	# a non-empty valgrind log is an error or a leak, whichever test it came from
	for f in "$LOG"/valgrind/*.log; do
		[ -s "$f" ] || continue
		failed=$((failed + 1))
		case "$failed_files" in *" valgrind"*) ;; *) failed_files="$failed_files valgrind" ;; esac
		echo "not ok - valgrind: $(basename "$f")" >>"$LOG/valgrind.log"
		head -n 40 "$f" >>"$LOG/valgrind.log"
	done
fi

# Nothing a test started may outlive the suite: wait up to 10 s for stragglers, then name and stop them.
unset VOSCTL_TEST_RUN
leftovers() {
	for p in /proc/[0-9]*; do
		grep -qzx "VOSCTL_TEST_RUN=$run_marker" "$p/environ" 2>/dev/null && echo "${p#/proc/}"
	done
}
i=0
while [ -n "$(leftovers)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
left=$(leftovers)
if [ -n "$left" ]; then
	: >"$LOG/leftovers.log"
	for p in $left; do
		failed=$((failed + 1))
		echo "not ok - process $p outlived the suite: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" >>"$LOG/leftovers.log"
	done
	for p in $left; do kill -KILL "$p" 2>/dev/null; done
	failed_files="$failed_files leftovers"
else
	passed=$((passed + 1))
fi
printf '%-40s %s\n' "leftover processes" "$(echo $left | wc -w)"

for f in $failed_files; do
	echo "---- $f"
	grep -A40 '^not ok' "$LOG/$f.log" | head -n 80
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
