#!/bin/sh
# t6500-tutorial: docs/tutorial.md run as a test. tests/tools/mdsh.py extracts its steps; each file
# block is written, each ```sh block runs (sh -e) in the directory and environment the previous
# blocks left, must exit as the tutorial says, and must print the lines of the ```text block under it.
# The test starts the tutorial's web server (python3 -m http.server, loopback, bounded) and a
# loopback git server standing in for Gitea, and points the tutorial's Gitea URL at it.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/integration/gitserver.sh"

TUTORIAL=${TUTORIAL:-$SRC/docs/tutorial.md}
MDSH=$SRC/tests/tools/mdsh.py
GITEA_URL=https://gitea.example.lan/homelab/wiki.git
STEPS=$TRASH/steps
STATE=$TRASH/state
LAB=$TRASH/user
LISTEN_SECONDS=120
listener_pid=

mkdir -p "$STATE" "$LAB" "$TRASH/home" "$TRASH/www"
export HOME="$TRASH/home" GIT_CONFIG_NOSYSTEM=1 XDG_CACHE_HOME="$TRASH/cache"
export GIT_AUTHOR_NAME='Tutorial Reader' GIT_AUTHOR_EMAIL=reader@example.invalid
export GIT_COMMITTER_NAME='Tutorial Reader' GIT_COMMITTER_EMAIL=reader@example.invalid
PATH=$(dirname "$VOSCTL"):$PATH
export PATH

GITSERVER_USER=alice
GITSERVER_TOKEN=tok-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
export GITSERVER_USER GITSERVER_TOKEN
gitserver_start "$GITSERVER_USER" "$GITSERVER_TOKEN" >/dev/null 2>&1 || { echo "Bail out! no git server"; exit 1; }
gitserver_new_repo wiki

listener_stop() {
	[ -n "$listener_pid" ] || return 0
	kill "$listener_pid" 2>/dev/null
	i=0
	while kill -0 "$listener_pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill -9 "$listener_pid" 2>/dev/null
	listener_pid=
}
# gitserver_trap is true only in the shell that owns the servers (not in subshells inheriting it)
trap 'gitserver_trap && listener_stop' EXIT
trap 'gitserver_trap && listener_stop; exit 130' INT TERM

# The tutorial's web server, as it says (python3 -m http.server --bind 127.0.77.1 8080), on
# 127.0.77.1 or, when that port is taken (a parallel run), on another 127.0.N.1: the tutorial's
# addresses are then rewritten to 127.0.N.
octet=
for o in 77 $(seq 100 4 196); do
	timeout "$LISTEN_SECONDS" python3 -m http.server --bind "127.0.$o.1" 8080 --directory "$TRASH/www" \
		>"$TRASH/listener.log" 2>&1 </dev/null &
	listener_pid=$!
	i=0
	while [ $i -lt 50 ] && kill -0 "$listener_pid" 2>/dev/null; do
		[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.$o.1:8080/")" = 200 ] && { octet=$o; break; }
		sleep 0.1; i=$((i + 1))
	done
	[ -n "$octet" ] && break
	listener_stop
done
[ -n "$octet" ] || { echo "Bail out! no port for the tutorial's web server"; exit 1; }

test_expect_success 'the tutorial extracts into steps' '
	python3 "$MDSH" extract --sub "$GITEA_URL=$(gitserver_url wiki)" --sub "127.0.77.=127.0.$octet." \
		"$TUTORIAL" "$STEPS" &&
	test -s "$STEPS/steps" &&
	test "$(grep -c " sh " "$STEPS/steps")" -ge 15 &&
	test "$(grep -c " file " "$STEPS/steps")" -ge 4 &&
	test "$(grep -c " skip " "$STEPS/steps")" -le 3
'

# the environment the blocks start with: the test's, less the token (the tutorial's reader exports
# it in a skipped block; here it is inherited from this shell and never written to the state file)
echo "$LAB" >"$STATE/cwd"
export VOSCTL_GIT_USER=$GITSERVER_USER
: >"$STATE/env"
VOSCTL_TOKEN=$GITSERVER_TOKEN
export VOSCTL_TOKEN

# run_step N KIND ARG LINE
run_step() {
	cwd=$(cat "$STATE/cwd")
	case $2 in
	file)
		mkdir -p "$(dirname "$cwd/$3")" && cp "$STEPS/$1.body" "$cwd/$3"
		;;
	sh)
		(
			cd "$cwd" || exit 125
			. "$STATE/env"
			trap 'rc=$?; pwd >"$STATE/cwd"; export -p | grep -v -e "^export VOSCTL_TOKEN=" -e "^export GITSERVER_TOKEN=" >"$STATE/env"; exit $rc' EXIT
			set -e
			. "$STEPS/$1.body"
		) >"$STEPS/$1.out" 2>&1 </dev/null
		rc=$?
		if [ "$rc" != "$3" ]; then
			echo "docs/tutorial.md:$4: the block exited $rc, the tutorial says $3:" >&2
			sed 's/^/    /' "$STEPS/$1.body" >&2
			echo "  output:" >&2
			sed 's/^/    /' "$STEPS/$1.out" >&2
			return 1
		fi
		if ! python3 "$MDSH" match "$STEPS/$1.expect" "$STEPS/$1.out" >"$STEPS/$1.missing"; then
			echo "docs/tutorial.md:$4: the output lacks lines the tutorial shows:" >&2
			cat "$STEPS/$1.missing" >&2
			echo "  output:" >&2
			sed 's/^/    /' "$STEPS/$1.out" >&2
			return 1
		fi
		;;
	esac
}

if [ -s "$STEPS/steps" ]; then
	while read -r n kind arg line; do
		case $kind in
		skip) test_skip "docs/tutorial.md:$line: $(head -n 1 "$STEPS/$n.body")" ;;
		file) test_expect_success "docs/tutorial.md:$line: write $arg" "run_step $n $kind $arg $line" ;;
		*) test_expect_success "docs/tutorial.md:$line: $(head -n 1 "$STEPS/$n.body" | cut -c1-60 | tr -d "#") (exit $arg)" \
			"run_step $n $kind $arg $line" ;;
		esac
	done <"$STEPS/steps"
fi

test_expect_success 'the wiki repository holds the published pages, one commit, fsck clean' '
	gitcli clone -q "$(gitserver_url wiki)" wiki-clone &&
	test_grep "^| PostgreSQL | 127.0.$octet.2 | Main database |" wiki-clone/vos/services.md &&
	test_grep "^## PostgreSQL (postgres)" wiki-clone/vos/service-inventory.md &&
	test -f wiki-clone/vos/status.md &&
	test "$(head -n 1 wiki-clone/vos/services.md)" = "---" &&
	git -C wiki-clone log --format="%an <%ae>|%s" >log &&
	test_line_count 1 log &&
	test_grep "^vosctl <vosctl@localhost>|vosctl: add vos/services.md" log &&
	git -C "$GITSERVER_ROOT/wiki.git" fsck --strict
'

test_expect_success 'the lab repository kept the good commit only, and the hook is ours' '
	git -C "$LAB/homelab" log --format=%s >log &&
	echo "tiny lab: page, inventory, rules" >expect &&
	test_cmp expect log &&
	test_grep "installed by vosctl hook" "$LAB/homelab/.git/hooks/pre-commit"
'

test_expect_success 'the token appears in no output, no lab file and no cache file' '
	for f in "$STEPS"/*.out "$STATE/env"; do
		if grep -F -q -e "$GITSERVER_TOKEN" "$f"; then echo "token in $f" >&2; exit 1; fi
	done &&
	! grep -r -F -q -e "$GITSERVER_TOKEN" "$LAB" "$TRASH/cache"
'

test_expect_success 'the examples in docs/ci.md parse as YAML workflows' '
	for f in "$SRC"/docs/examples/*-actions.yml; do
		python3 -c "import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); assert d[\"jobs\"], sys.argv[1]; assert True in d or \"on\" in d, sys.argv[1]" "$f" || exit 1
	done &&
	ls "$SRC"/docs/examples/gitea-actions.yml "$SRC"/docs/examples/github-actions.yml
'

test_expect_success 'every docs link in the tutorial resolves' '
	grep -o "](\([a-z-]*\.md\))" "$TUTORIAL" | sed "s/^](//; s/)\$//" | sort -u >links &&
	test -s links &&
	while read -r l; do test -f "$SRC/docs/$l" || { echo "broken link $l" >&2; exit 1; }; done <links
'

listener_stop
test_done
