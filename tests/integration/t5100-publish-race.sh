#!/bin/sh
# vosctl publish when the world moves: someone pushes between our fetch and our push (the retry
# lands both), the server stops mid-push (clear error, the next run works with the same cache),
# and a broken cache is moved aside.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/integration/gitserver.sh"

GITSERVER_USER=publisher
GITSERVER_TOKEN=tok-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
export GITSERVER_USER GITSERVER_TOKEN

gitserver_start "$GITSERVER_USER" "$GITSERVER_TOKEN" >/dev/null 2>&1 || { echo "Bail out! no git server"; exit 1; }
gitserver_new_repo wiki
publish_lab "$TRASH/lab"

# wait_for FILE : up to 30 s
wait_for() {
	i=0
	while [ ! -e "$1" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	test -e "$1"
}

test_expect_success 'setup: a first publish and a clone' '
	vosctl_publish lab >out 2>err &&
	gitcli clone -q "$(gitserver_url wiki)" c1 &&
	test -f c1/vos/services.md
'

test_expect_success 'a commit pushed by someone else between fetch and push: the retry lands both' '
	sed -i "s/address: 127.0.10.3\$/address: 127.0.10.44/" lab/inventory/network.yaml &&
	rm -f barrier.ready barrier.go || exit 1
	( VOSCTL_TEST_PUSH_BARRIER=$TRASH/barrier vosctl_publish lab >race.out 2>race.err; echo $? >race.rc ) &
	bg=$!
	wait_for barrier.ready &&
	mkdir -p c1/homelab && echo "# Network" >c1/homelab/network.md &&
	git -C c1 add homelab/network.md &&
	gitcli -C c1 commit -q -m "someone: add the network page" &&
	gitcli -C c1 push -q origin HEAD:main &&
	touch barrier.go &&
	wait $bg &&
	test "$(cat race.rc)" = 0 &&
	test_grep "landed on attempt 2" race.err &&
	gitcli -C c1 pull -q &&
	test -f c1/homelab/network.md &&
	test_grep "127.0.10.44" c1/vos/services.md &&
	git -C c1 log --format=%s >log &&
	test_grep "^someone: add the network page" log &&
	test_grep "^vosctl: update vos/services.md" log &&
	test "$(git -C c1 log -1 --format=%s)" != "someone: add the network page" &&
	git -C c1 rev-list --merges HEAD >merges &&
	test_line_count 0 merges &&
	no_token_anywhere race.out race.err
'

test_expect_success 'the server stopped mid-push: exit 3 with a clear error' '
	before=$(gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1) &&
	sed -i "s/address: 127.0.10.44\$/address: 127.0.10.45/" lab/inventory/network.yaml &&
	rm -f barrier.ready barrier.go || exit 1
	( VOSCTL_TEST_PUSH_BARRIER=$TRASH/barrier vosctl_publish lab >stop.out 2>stop.err; echo $? >stop.rc ) &
	bg=$!
	wait_for barrier.ready &&
	gitserver_pause &&
	touch barrier.go &&
	wait $bg &&
	test "$(cat stop.rc)" = 3 &&
	test_grep "^vosctl: error: unable to push to .http://127.0.0.1:$GITSERVER_PORT/wiki.git.: " stop.err &&
	no_token_anywhere stop.out stop.err &&
	gitserver_resume &&
	after=$(gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1) &&
	test "$before" = "$after"
'

test_expect_success 'the next run works with the same cache' '
	vosctl_publish lab >out 2>err &&
	test_grep "^published" out &&
	gitcli -C c1 pull -q &&
	test_grep "127.0.10.45" c1/vos/services.md
'

test_expect_success 'the server down at fetch time: exit 3, unable to fetch' '
	gitserver_pause &&
	test_expect_code 3 vosctl_publish lab >out 2>err;
	rc=$?;
	gitserver_resume;
	test $rc = 0 &&
	test_grep "^vosctl: error: unable to fetch from .http://127.0.0.1:$GITSERVER_PORT/wiki.git." err
'

test_expect_success 'a broken cache is moved aside (said on stderr) and cloned afresh' '
	d=$(ls -d cache/vosctl/127.0.0.1_*-* | grep -v "broken\|\.lock\$") &&
	rm -rf "$d/objects" "$d/HEAD" &&
	sed -i "s/address: 127.0.10.45\$/address: 127.0.10.46/" lab/inventory/network.yaml &&
	vosctl_publish lab >out 2>err &&
	test_grep "moved it to" err &&
	test_grep "^published" out &&
	ls -d cache/vosctl/*.broken-* >broken &&
	test_line_count 1 broken &&
	gitcli -C c1 pull -q &&
	test_grep "127.0.10.46" c1/vos/services.md
'

test_expect_success 'a stale lock file in the cache does not stop a publish' '
	d=$(ls -d cache/vosctl/127.0.0.1_*-* | grep -v "broken\|\.lock\$") &&
	mkdir -p "$d/refs/vosctl/fetched" &&
	: >"$d/refs/vosctl/fetched/main.lock" &&
	sed -i "s/address: 127.0.10.46\$/address: 127.0.10.47/" lab/inventory/network.yaml &&
	vosctl_publish lab >out 2>err &&
	test_grep "^published" out
'

test_expect_success 'the remote repository is sound (git fsck)' '
	git --git-dir="$GITSERVER_ROOT/wiki.git" fsck --strict >fsck 2>&1
'

gitserver_stop
test_done
