#!/bin/sh
# t7200-hook-leak: the page-leak tripwire in the wiki repository's pre-commit hook, through git
# itself and through Debian's pre-commit: what is STAGED is checked (the index blob, not the work
# tree), the services page and every other staged page; the finding is located and never shows the
# value.
. "$(dirname "$0")/../lib.sh"

export HOME="$TRASH/home" PRE_COMMIT_HOME="$TRASH/pre-commit-cache" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
PATH="$(dirname "$VOSCTL"):$PATH"
export PATH

. "$SRC/tests/integration/wiki.sh"

head_of() { git -C "$1" rev-parse HEAD; }

test_expect_success 'setup: a wiki with render.redact: [addresses], its page redacted and committed, the hook installed' '
	setup_wiki wiki &&
	cd wiki &&
	printf "render:\n  redact: [addresses]\n" >>vosctl.yaml && git add vosctl.yaml &&
	test_expect_code 1 vosctl validate --staged >../out 2>&1 &&
	test_grep "\[page-leak\] an address of the inventory" ../out &&
	VOSCTL_NOW=2026-11-23T18:30:00.000Z vosctl render --write >../out 2>&1 &&
	test_no_grep "127\.0\.10\." vos/services.md &&
	git add -A && git commit -q -m "redacted" &&
	vosctl validate --staged >../out 2>&1 &&
	test_grep "^0 errors, 0 warnings" ../out &&
	vosctl hook install 2>../err &&
	test -x .git/hooks/pre-commit
'

test_expect_success 'an inventory address planted in the staged page blocks git commit, located' '
	cd wiki &&
	before=$(head_of .) &&
	sed -i -E "0,/^\| Open WebUI( +)\| <LAN_IP> \|/s//| Open WebUI\1| 127.0.10.1 |/" vos/services.md &&
	line=$(grep -n "^| Open WebUI .*127\.0\.10\.1" vos/services.md | cut -d: -f1) &&
	test -n "$line" &&
	git add vos/services.md &&
	test_must_fail git commit -q -m "leak" >../out 2>&1 &&
	test_grep "^vos/services.md:$line:16: error: \[page-leak\] an address of the inventory is on the page" ../out &&
	test_no_grep "page-leak.*127\.0\.10\.1" ../out &&
	test "$(head_of .)" = "$before" &&
	git checkout -q HEAD -- vos/services.md
'

test_expect_success 'the staged blob is what counts: a clean staged page passes with a leak in the work tree' '
	cd wiki &&
	printf "\nA note added by a test.\n" >>vos/services.md && git add vos/services.md &&
	printf "token ghp_T7200abcdefghijklmnopqrstuvwxyz012\n" >>vos/services.md &&
	git commit -q -m "a note" >../out 2>&1 &&
	git show HEAD:vos/services.md >../committed &&
	test_no_grep "ghp_" ../committed &&
	git checkout -q HEAD -- vos/services.md
'

test_expect_success 'a token in another staged page blocks the commit too, and is not shown' '
	cd wiki &&
	before=$(head_of .) &&
	mkdir -p notes && printf "# Deploy\n\nuse AKIAT7200EXAMPLEKEY1 for the bucket\n" >notes/deploy.md &&
	git add notes/deploy.md &&
	test_must_fail git commit -q -m "notes" >../out 2>&1 &&
	test_grep "^notes/deploy.md:3:5: error: \[page-leak\] an AWS access key id" ../out &&
	test_no_grep "T7200EXAMPLEKEY1" ../out &&
	test "$(head_of .)" = "$before" &&
	git rm -q --cached notes/deploy.md && rm -r notes
'

if command -v pre-commit >/dev/null 2>&1; then
	test_expect_success 'pre-commit try-repo blocks a staged page with a private key' '
		setup_hooks_repo hooks &&
		cd wiki &&
		printf "\n-----BEGIN EC PRIVATE KEY-----\n" >>vos/services.md && git add vos/services.md &&
		line=$(wc -l <vos/services.md) &&
		test_must_fail pre-commit try-repo "$TRASH/hooks" vosctl-validate >../out 2>&1 &&
		test_grep "Failed" ../out &&
		test_grep "vos/services.md:$line:1: error: \[page-leak\] a private key" ../out &&
		git reset -q -- vos/services.md && git checkout -q -- vos/services.md
	'
fi

test_done
