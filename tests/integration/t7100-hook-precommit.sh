#!/bin/sh
# t7100-hook-precommit: the project's .pre-commit-hooks.yaml through Debian's pre-commit
# (`pre-commit try-repo` on a local path; language: system needs no network).
. "$(dirname "$0")/../lib.sh"

# pre-commit's cache and git's configuration stay in the trash directory
export HOME="$TRASH/home" PRE_COMMIT_HOME="$TRASH/pre-commit-cache" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
# the hooks' entry is `vosctl` on PATH: the binary under test
PATH="$(dirname "$VOSCTL"):$PATH"
export PATH

if ! command -v pre-commit >/dev/null 2>&1; then
	test_skip "pre-commit is not installed (apt-get install pre-commit)"
	test_done
	exit 0
fi

. "$SRC/tests/integration/wiki.sh"

test_expect_success 'setup: a hooks repository holding only .pre-commit-hooks.yaml, and a wiki' '
	setup_hooks_repo hooks &&
	setup_wiki wiki &&
	env vosctl version >v && test_grep "^vosctl " v
'

test_expect_success 'pre-commit try-repo blocks a bad staged page with the located message' '
	cd wiki &&
	line=$(grep -n -E "^\| vLLM +\|" vos/services.md | cut -d: -f1) &&
	bad_page vos/services.md >tmp && mv tmp vos/services.md && git add vos/services.md &&
	test_must_fail pre-commit try-repo "$TRASH/hooks" vosctl-validate >out 2>&1 &&
	test_grep "Failed" out &&
	col=$(bad_page_col vos/services.md) &&
	test_grep "vos/services.md:$line:$col: error: \[address-mismatch\]" out &&
	git reset -q -- vos/services.md && git checkout -q -- vos/services.md
'

test_expect_success 'pre-commit try-repo passes a good staged page' '
	cd wiki &&
	printf "\nA note added by a test.\n" >>vos/services.md && git add vos/services.md &&
	pre-commit try-repo "$TRASH/hooks" vosctl-validate >out 2>&1 &&
	test_grep "Passed" out
'

test_expect_success 'pre-commit try-repo passes a good staged page with a bad unstaged edit' '
	cd wiki &&
	bad_page vos/services.md >tmp && mv tmp vos/services.md &&
	pre-commit try-repo "$TRASH/hooks" vosctl-validate >out 2>&1 &&
	test_grep "Passed" out &&
	test_grep "^| vLLM *| 127.0.0.254 |" vos/services.md &&
	git checkout -q -- vos/services.md
'

test_expect_success 'the strict hook blocks a staged broken wiki link the plain one lets pass' '
	cd wiki &&
	printf "\n- [[vos/no-such-page]]\n" >>vos/services.md && git add vos/services.md &&
	pre-commit try-repo --verbose "$TRASH/hooks" vosctl-validate >out 2>&1 &&
	test_grep "Passed" out &&
	test_grep "warning: \[wiki-link-broken\]" out &&
	test_must_fail pre-commit try-repo "$TRASH/hooks" vosctl-validate-strict >out 2>&1 &&
	test_grep "error: \[wiki-link-broken\] link to missing page .vos/no-such-page." out &&
	git reset -q -- vos/services.md && git checkout -q -- vos/services.md
'

test_expect_success 'the hooks are skipped when no page or YAML file is staged' '
	cd wiki &&
	echo data >notes.txt && git add notes.txt &&
	pre-commit try-repo "$TRASH/hooks" vosctl-validate >out 2>&1 &&
	test_grep "Skipped" out
'

test_done
