# tests/lib.sh - a small git-style test library emitting TAP.
# Use:  . "$(dirname "$0")/../lib.sh"; test_expect_success 'title' 'commands'; ...; test_done
# Environment: VOSCTL (the binary), SRC (the source tree), TRASH (a fresh scratch dir, the cwd).
set -u
# Every test runs in a private network namespace of its own (as root: unshare -n, then loopback up):
# only loopback exists there, so no test can reach another machine whatever a bug sends, and two
# suites running at once on one machine never collide on a port. Not root (or no namespaces): the
# test runs as it is, and still only ever contacts loopback.
if [ -z "${VOSCTL_TEST_NETNS:-}" ] && [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null &&
	command -v ip >/dev/null 2>&1; then
	VOSCTL_TEST_NETNS=1
	export VOSCTL_TEST_NETNS
	exec unshare -n sh -c 'ip link set lo up && exec sh "$0"' "$0"
fi
SRC=${SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
VOSCTL=${VOSCTL:-$SRC/build/vosctl}
FIXTURES=$SRC/tests/fixtures
SHARED=${SHARED:-$SRC/../shared}
test_name=$(basename "$0" .sh)
TRASH=${TRASH_ROOT:-$SRC/${BUILD:-build}/trash}/$test_name
rm -rf "$TRASH" && mkdir -p "$TRASH" && cd "$TRASH" || exit 1
export SRC VOSCTL FIXTURES TRASH NO_COLOR=1
# repository discovery (git and libgit2) must never climb out of the trash into the project's own repo
GIT_CEILING_DIRECTORIES=$(dirname "$TRASH")
# nor may vosctl's search for vosctl.yaml find the project's own (tests that test the ceiling set
# their own)
VOSCTL_CEILING_DIRECTORIES=$GIT_CEILING_DIRECTORIES
export GIT_CEILING_DIRECTORIES VOSCTL_CEILING_DIRECTORIES
unset VOSCTL_TOKEN VOSCTL_GIT_USER GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE
# a second guard besides the namespace: vosctl probe never connects outside loopback in a test,
# whatever a lab's scope says (the variable narrows the scope, never widens it)
VOSCTL_PROBE_SCOPE=127.0.0.0/8,::1/128
export VOSCTL_PROBE_SCOPE
test_count=0
test_failed=0
test_cleanups=""

vosctl() { "$VOSCTL" "$@"; }

say_fail() { printf '%s\n' "$@" | sed 's/^/# /' >&2; }

test_expect_success() {
	test_count=$((test_count + 1))
	if (eval "$2") >"$TRASH/.out" 2>&1; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TRASH/.out" | tail -n 40
		printf '#   in: %s\n' "$2" | head -n 20
	fi
}

# test_expect_code CODE cmd... : the command exits with exactly CODE (never a crash)
test_expect_code() {
	want=$1; shift
	"$@"; got=$?
	if [ "$got" != "$want" ]; then
		echo "test_expect_code: '$*' exited $got, wanted $want" >&2
		return 1
	fi
	return 0
}

# test_must_fail cmd... : fails with an ordinary exit code (1..125), not a signal
test_must_fail() {
	"$@"; got=$?
	if [ "$got" = 0 ]; then echo "test_must_fail: '$*' succeeded" >&2; return 1; fi
	if [ "$got" -gt 125 ]; then echo "test_must_fail: '$*' died with $got" >&2; return 1; fi
	return 0
}

test_cmp() {
	diff -u "$1" "$2" >&2
}

# test_grep PATTERN FILE : like grep -q, but shows the file on failure
test_grep() {
	if ! grep -q -e "$1" "$2"; then
		echo "test_grep: no '$1' in $2:" >&2
		head -n 30 "$2" >&2
		return 1
	fi
}

test_no_grep() {
	if grep -q -e "$1" "$2"; then
		echo "test_no_grep: found '$1' in $2:" >&2
		grep -n -e "$1" "$2" | head -n 10 >&2
		return 1
	fi
}

test_line_count() {
	n=$(wc -l <"$2")
	if [ "$n" != "$1" ]; then echo "test_line_count: $2 has $n lines, wanted $1" >&2; cat "$2" >&2; return 1; fi
}

test_when_finished() { test_cleanups="$1; $test_cleanups"; }

test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count # skip $1"
}

test_done() {
	[ -n "$test_cleanups" ] && eval "$test_cleanups" >/dev/null 2>&1
	echo "1..$test_count"
	[ "$test_failed" = 0 ]
}
