#!/bin/sh
# t1100: which vosctl.yaml is trusted (docs/configuration.md, as git answers CVE-2022-24765): the
# upward search stops below $VOSCTL_CEILING_DIRECTORIES and $HOME (a ceiling itself is not searched)
# and at a file-system boundary (unless VOSCTL_DISCOVERY_ACROSS_FILESYSTEM=1); a file owned by
# someone else is ignored with a warning naming it (-c FILE trusts it); token_env/user_env may only
# name VOSCTL_* variables.
. "$(dirname "$0")/../lib.sh"
unset VOSCTL_DISCOVERY_ACROSS_FILESYSTEM
# the search must not climb out of the trash into the project's own vosctl.yaml
VOSCTL_CEILING_DIRECTORIES=$(dirname "$TRASH")
export VOSCTL_CEILING_DIRECTORIES
export HOME="$TRASH/home"
mkdir -p "$HOME"

test_expect_success 'setup: a lab; validate from its inventory directory finds ../vosctl.yaml' '
	mkdir lab && cp "$SRC/vosctl.yaml" lab/ && cp -r "$SRC/inventory" lab/ &&
	(cd lab/inventory && vosctl validate >../../out 2>&1) &&
	test_grep "^0 errors, 0 warnings" out
'

test_expect_success 'VOSCTL_CEILING_DIRECTORIES: the search never moves into the ceiling' '
	(cd lab/inventory && VOSCTL_CEILING_DIRECTORIES="/nonexistent:relative:$TRASH/lab" \
		test_expect_code 2 vosctl validate >../../out 2>err) &&
	test_grep "none found here or above" lab/inventory/err &&
	(cd lab && VOSCTL_CEILING_DIRECTORIES="$TRASH/lab" vosctl validate >../out 2>&1) &&
	test_grep "^0 errors, 0 warnings" out
'

test_expect_success '$HOME is a ceiling: ~/vosctl.yaml is not read from below it' '
	(cd lab/inventory && HOME="$TRASH/lab" test_expect_code 2 vosctl validate >../../out 2>err) &&
	test_grep "none found here or above" lab/inventory/err &&
	(cd lab && HOME="$TRASH/lab" vosctl validate >../out 2>&1) &&
	test_grep "^0 errors, 0 warnings" out
'

if [ "$(id -u)" = 0 ] && unshare -m sh -c "mkdir -p '$TRASH/probe' && mount -t tmpfs tmpfs '$TRASH/probe'" 2>/dev/null; then
	test_expect_success 'a file-system boundary stops the search, unless VOSCTL_DISCOVERY_ACROSS_FILESYSTEM=1' '
		mkdir -p lab/mnt &&
		unshare -m sh -c "mount -t tmpfs tmpfs lab/mnt && cp -r lab/inventory lab/mnt/ && cd lab/mnt/inventory &&
			{ \"$VOSCTL\" validate >\"$TRASH/out1\" 2>&1; echo \$? >\"$TRASH/rc1\"; } &&
			VOSCTL_DISCOVERY_ACROSS_FILESYSTEM=1 \"$VOSCTL\" validate >\"$TRASH/out2\" 2>&1" &&
		test "$(cat rc1)" = 2 && test_grep "none found here or above" out1 &&
		test_grep "^0 errors, 0 warnings" out2
	'
else
	test_skip "a file-system boundary: needs root and mount namespaces"
fi

if [ "$(id -u)" = 0 ]; then
	test_expect_success 'a vosctl.yaml owned by someone else is ignored with a warning naming it' '
		chown 65534:65534 lab/vosctl.yaml &&
		(cd lab/inventory && test_expect_code 2 vosctl validate >out 2>err) &&
		test_grep "^\.\./vosctl\.yaml: warning: \[config\] ignoring .\.\./vosctl\.yaml.: it is owned by uid 65534, not by you (uid 0) or root; to trust it, name it: vosctl -c" lab/inventory/err &&
		test_grep "none found here or above" lab/inventory/err
	'
	test_expect_success '... and trusted when named with -c' '
		(cd lab/inventory && vosctl -c ../vosctl.yaml validate >out 2>err) &&
		test_grep "^0 errors, 0 warnings" lab/inventory/out &&
		test_no_grep "ignoring" lab/inventory/err &&
		chown 0:0 lab/vosctl.yaml
	'
else
	test_skip "ownership: needs root to chown a file to another user"
fi

test_expect_success 'token_env naming another variable ($AWS_SECRET_ACCESS_KEY): located error, exit 2' '
	sed "s/token_env: VOSCTL_TOKEN/token_env: AWS_SECRET_ACCESS_KEY/" "$SRC/vosctl.yaml" >lab/vosctl.yaml &&
	AWS_SECRET_ACCESS_KEY=not-for-the-wiki test_expect_code 2 vosctl -C lab validate >out 2>err &&
	line=$(grep -n "token_env:" lab/vosctl.yaml | cut -d: -f1) &&
	test_grep "^vosctl.yaml:$line:14: error: \[config\] .token_env. must name a VOSCTL_\* variable, not .AWS_SECRET_ACCESS_KEY." err &&
	test_no_grep "not-for-the-wiki" err &&
	sed "s/user_env: VOSCTL_GIT_USER/user_env: USER/" "$SRC/vosctl.yaml" >lab/vosctl.yaml &&
	test_expect_code 2 vosctl -C lab validate >out 2>err &&
	test_grep "user_env. must name a VOSCTL_\* variable, not .USER." err
'

test_done
