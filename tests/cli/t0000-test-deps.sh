#!/bin/sh
# t0000-test-deps: every program the shell tests, the benchmarks, the fuzz runner and CI call comes from
# a Debian package that the Makefile's lists install (or from an Essential/required one, which every
# Debian has), so `make check` on a fresh machine never depends on something installed by hand.
. "$(dirname "$0")/../lib.sh"

scripts() {
	for f in "$SRC"/tests/lib.sh "$SRC"/tests/run.sh "$SRC"/tests/deps.sh "$SRC"/tests/cli/*.sh \
		"$SRC"/tests/integration/*.sh "$SRC"/tests/tools/*.sh "$SRC"/tests/bench/*.sh \
		"$SRC"/tests/fuzz/*.sh "$SRC"/.ci/run "$SRC"/docs/tutorial.md; do
		[ -f "$f" ] && echo "$f"
	done
}

if ! command -v dpkg-query >/dev/null 2>&1; then
	test_skip "no dpkg: the package lists are Debian's"
	test_done
	exit 0
fi

test_expect_success 'every external command the tests call is installed by the Makefile' '
	make -s -C "$SRC" print-deps >lists &&
	test_grep "^test: " lists &&
	allow=$(sed "s/^[a-z]*: //" lists | tr "\n" " ") &&
	{ python3 "$SRC/tests/tools/test-commands.py" "$allow" $(scripts) >cmds ||
		{ grep -v "^ok " cmds; false; }; } &&
	test_grep "^ok nginx nginx$" cmds &&
	test_grep "^ok strace strace$" cmds &&
	test_grep "^ok /usr/bin/time time$" cmds
'

test_expect_success 'the check fails for a program no listed package brings' '
	allow=$(sed "s/^[a-z]*: //" lists | tr "\n" " ") &&
	cat >t9999-example.sh <<-\EOS &&
	. ./lib.sh
	test_expect_success "x" "
		vosctl-no-such-program --version &&
		out=\$(curl -s http://127.0.0.1:1/) &&
		TIME=/usr/bin/time
	"
	EOS
	test_expect_code 1 python3 "$SRC/tests/tools/test-commands.py" "$allow" t9999-example.sh >out &&
	test_grep "^MISSING vosctl-no-such-program: not installed" out &&
	test_grep "^ok curl curl$" out &&
	test_expect_code 1 python3 "$SRC/tests/tools/test-commands.py" "build-essential" t9999-example.sh >out2 &&
	test_grep "^MISSING curl: /usr/bin/curl is in package curl" out2 &&
	test_grep "^MISSING /usr/bin/time: /usr/bin/time is in package time" out2
'

test_done
