#!/bin/sh
# t9500: publish faults the cache and the remote must survive: SIGINT at the push barrier and at
# several moments of a run (the remote stays sound, the branch has the commit or not, the next run
# publishes), a corrupt cache (truncated object, garbage in HEAD, refs), lock files left behind
# (index.lock, packed-refs.lock, a branch ref lock, HEAD.lock), and a cache held by a live process.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/integration/gitserver.sh"

GITSERVER_USER=publisher
GITSERVER_TOKEN=tok-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
export GITSERVER_USER GITSERVER_TOKEN

gitserver_start "$GITSERVER_USER" "$GITSERVER_TOKEN" >/dev/null 2>&1 || { echo "Bail out! no git server"; exit 1; }
gitserver_new_repo wiki
publish_lab "$TRASH/lab"
REMOTE_GIT=$GITSERVER_ROOT/wiki.git
# vosctl with SIGINT at its default action (a non-interactive shell starts background commands with
# SIGINT ignored; a user's ^C is not). Under valgrind, the runs that are killed use the plain binary:
# a process killed mid-way has not freed its memory, and that is no leak.
SIGINT_BIN=$VOSCTL
[ "${VALGRIND:-}" = 1 ] && SIGINT_BIN=$SRC/${BUILD:-build}/vosctl
cat >"$TRASH/sigint-vosctl" <<EOF
#!/bin/sh
exec python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' "$SIGINT_BIN" "\$@"
EOF
chmod +x "$TRASH/sigint-vosctl"

# wait_for FILE : up to 60 s (valgrind is slow)
wait_for() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	test -s "$1"
}

remote_head() { git --git-dir="$REMOTE_GIT" rev-parse -q --verify refs/heads/main; }

# remote_sound OLD : git fsck is clean and main is OLD or a commit on top of OLD (nothing else)
remote_sound() {
	git --git-dir="$REMOTE_GIT" fsck --strict --no-progress >fsck.out 2>&1 || { cat fsck.out >&2; return 1; }
	now=$(remote_head)
	[ "$now" = "$1" ] && return 0
	[ "$(git --git-dir="$REMOTE_GIT" rev-parse "$now^")" = "$1" ] || { echo "main moved to $now, not on $1" >&2; return 1; }
}

# bump N : change one address in the lab so that the next publish has something to commit
# (the host that had 127.0.10.3: its current address is kept in $TRASH/bump.cur)
bump() {
	cur=$(cat "$TRASH/bump.cur" 2>/dev/null || echo 3)
	sed -i "s/address: 127\.0\.10\.$cur\$/address: 127.0.10.$1/" "$TRASH/lab/inventory/network.yaml" &&
	grep -q "address: 127.0.10.$1\$" "$TRASH/lab/inventory/network.yaml" &&
	echo "$1" >"$TRASH/bump.cur"
}

cache_dir() { ls -d "$TRASH"/cache/vosctl/127.0.0.1_* | grep -v 'broken\|\.lock$' | head -n 1; }

# publish_ok : the next publish lands the current lab (published or nothing to publish), remote sound
publish_ok() {
	before=$(remote_head)
	vosctl_publish lab >next.out 2>next.err || { cat next.err >&2; return 1; }
	grep -q "^published\|^nothing to publish" next.out || { cat next.out next.err >&2; return 1; }
	remote_sound "$before" &&
	no_token_anywhere next.out next.err
}

test_expect_success 'setup: a first publish' '
	vosctl_publish lab >out 2>err &&
	test_grep "^published" out &&
	test -n "$(remote_head)" &&
	test -d "$(cache_dir)"
'

test_expect_success 'SIGINT at the push barrier: nothing pushed, the next run publishes' '
	bump 61 &&
	before=$(remote_head) &&
	rm -f barrier.ready barrier.go || exit 1
	( VOSCTL=$TRASH/sigint-vosctl VOSCTL_TEST_PUSH_BARRIER=$TRASH/barrier vosctl_publish lab >int.out 2>int.err; echo $? >int.rc ) &
	wait_for barrier.ready &&
	pid=$(head -n 1 barrier.ready) &&
	test -n "$pid" &&
	kill -INT "$pid" &&
	wait &&
	test "$(cat int.rc)" != 0 &&
	test "$(remote_head)" = "$before" &&
	remote_sound "$before" &&
	no_token_anywhere int.out int.err &&
	publish_ok &&
	test_grep "^published" next.out &&
	git --git-dir="$REMOTE_GIT" show main:vos/services.md >page &&
	test_grep "127.0.10.61" page
'

test_expect_success 'the process holding the token is not dumpable and has no core limit' '
	bump 62 &&
	rm -f barrier.ready barrier.go || exit 1
	( VOSCTL_TEST_PUSH_BARRIER=$TRASH/barrier vosctl_publish lab >d.out 2>d.err; echo $? >d.rc ) &
	wait_for barrier.ready &&
	pid=$(head -n 1 barrier.ready) &&
	grep "^Max core file size" /proc/$pid/limits >limits;
	stat -c %U /proc/$pid/environ >owner 2>/dev/null;
	touch barrier.go &&
	wait &&
	test "$(cat d.rc)" = 0 &&
	test_grep "^Max core file size *0 *0 " limits
'

# SIGINT at several moments of a run (fetch, render, commit, push): whatever was hit, the remote is
# sound, main has the commit or not, and the next run publishes. Bounded: 6 runs.
n=70
for delay in 0.05 0.15 0.3 0.5 0.8 1.2; do
	n=$((n + 1))
	test_expect_success "SIGINT after ${delay}s of a publish: remote sound, next run publishes" "
		bump $n &&
		before=\$(remote_head) || exit 1
		( VOSCTL_TOKEN=\$GITSERVER_TOKEN VOSCTL_GIT_USER=\$GITSERVER_USER XDG_CACHE_HOME=\$TRASH/cache \
		  VOSCTL_NOW=2026-11-23T18:30:00.000Z exec \"\$TRASH/sigint-vosctl\" -C lab publish --remote \"\$(gitserver_url wiki)\" \
		  >sig.out 2>sig.err ) &
		pid=\$! &&
		sleep $delay &&
		kill -INT \$pid 2>/dev/null;
		wait \$pid;
		remote_sound \"\$before\" &&
		no_token_anywhere sig.out sig.err &&
		publish_ok &&
		git --git-dir=\"\$REMOTE_GIT\" show main:vos/services.md >page &&
		test_grep \"127.0.10.$n\" page
	"
done

test_expect_success 'a truncated object in the cache: recovered (moved aside) or a clear error, then published' '
	d=$(cache_dir) &&
	obj=$(find "$d/objects" -type f -path "*/objects/??/*" | head -n 1) &&
	if [ -z "$obj" ]; then
		git --git-dir="$d" unpack-objects -q <"$(ls "$d"/objects/pack/*.pack | head -n 1)" 2>/dev/null;
		obj=$(find "$d/objects/pack" -name "*.pack" | head -n 1)
	fi &&
	test -n "$obj" &&
	for o in $(find "$d/objects" -type f -path "*/objects/??/*") $(find "$d/objects/pack" -type f 2>/dev/null); do
		chmod u+w "$o" && truncate -s 10 "$o" || return 1
	done &&
	bump 81 &&
	vosctl_publish lab >out 2>err; rc=$?;
	if [ $rc != 0 ]; then
		test $rc = 3 && test_grep "^vosctl: error: " err && publish_ok
	else
		test_grep "^published" out
	fi &&
	no_token_anywhere out err &&
	git --git-dir="$REMOTE_GIT" show main:vos/services.md >page &&
	test_grep "127.0.10.81" page &&
	remote_sound "$(git --git-dir="$REMOTE_GIT" rev-parse main^)"
'

test_expect_success 'garbage in the cache HEAD: recovered or a clear error, then published' '
	d=$(cache_dir) &&
	printf "\001\002garbage\n" >"$d/HEAD" &&
	bump 82 &&
	vosctl_publish lab >out 2>err; rc=$?;
	if [ $rc != 0 ]; then
		test $rc = 3 && test_grep "^vosctl: error: " err && publish_ok
	else
		test_grep "^published" out
	fi &&
	git --git-dir="$REMOTE_GIT" show main:vos/services.md >page &&
	test_grep "127.0.10.82" page
'

test_expect_success 'garbage in a cache ref: recovered or a clear error, then published' '
	d=$(cache_dir) &&
	for r in $(find "$d/refs" -type f); do echo "not a sha" >"$r"; done &&
	bump 83 &&
	vosctl_publish lab >out 2>err; rc=$?;
	if [ $rc != 0 ]; then
		test $rc = 3 && test_grep "^vosctl: error: " err && publish_ok
	else
		test_grep "^published" out
	fi &&
	git --git-dir="$REMOTE_GIT" show main:vos/services.md >page &&
	test_grep "127.0.10.83" page
'

for lock in index.lock packed-refs.lock HEAD.lock config.lock refs/heads/main.lock; do
	n=$((n + 1))
	test_expect_success "a stale $lock left in the cache does not stop a publish" "
		d=\$(cache_dir) &&
		mkdir -p \"\$(dirname \"\$d/$lock\")\" &&
		echo stale >\"\$d/$lock\" &&
		bump $((n + 20)) &&
		publish_ok &&
		test_grep '^published' next.out &&
		git --git-dir=\"\$REMOTE_GIT\" show main:vos/services.md >page &&
		test_grep '127.0.10.$((n + 20))' page
	"
done

test_expect_success 'a cache held by a live vosctl: the publish waits for it, then publishes' '
	d=$(cache_dir) &&
	bump 99 || exit 1
	( flock -x "$d.lock" sleep 2 ) &
	sleep 0.5
	start=$(date +%s) &&
	publish_ok &&
	wait &&
	test_grep "^published" next.out &&
	test $(( $(date +%s) - start )) -ge 1
'

test_expect_success 'the remote repository is sound after all of it (git fsck --strict)' '
	git --git-dir="$REMOTE_GIT" fsck --strict >fsck 2>&1 &&
	git --git-dir="$REMOTE_GIT" rev-list --merges main >merges &&
	test_line_count 0 merges &&
	no_token_anywhere out err
'

gitserver_stop
test_done
