#!/bin/sh
# Ten publishers with different changes at once, each with its own cache (ten machines): each lands
# or fails cleanly (exit 3 with a message), the remote history holds every landed change, nothing is
# force-pushed, and `git fsck` is clean.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/integration/gitserver.sh"

GITSERVER_USER=publisher
GITSERVER_TOKEN=tok-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
export GITSERVER_USER GITSERVER_TOKEN
N=10

gitserver_start "$GITSERVER_USER" "$GITSERVER_TOKEN" >/dev/null 2>&1 || { echo "Bail out! no git server"; exit 1; }
gitserver_new_repo wiki

test_expect_success 'setup: ten labs, each publishing its own page' '
	publish_lab lab0 &&
	i=1 &&
	while [ $i -le $N ]; do
		cp -R lab0 lab$i &&
		sed -i "s|services: vos/services.md|services: team$i/services.md|; s|inventory: vos/service-inventory.md|inventory: team$i/service-inventory.md|" lab$i/vosctl.yaml &&
		grep -q "team$i/services.md" lab$i/vosctl.yaml &&
		sed -i "s/address: 127.0.10.3\$/address: 127.0.10.$((100 + i))/" lab$i/inventory/network.yaml || exit 1
		i=$((i + 1))
	done
'

test_expect_success 'ten publishers at once: each lands or fails cleanly' '
	i=1 &&
	while [ $i -le $N ]; do
		( XDG_CACHE_HOME=$TRASH/cache$i vosctl_publish lab$i >out$i 2>err$i; echo $? >rc$i ) &
		pids="${pids-} $!"
		i=$((i + 1))
	done &&
	wait $pids &&
	landed=0 && i=1 &&
	while [ $i -le $N ]; do
		rc=$(cat rc$i) &&
		case $rc in
		0) landed=$((landed + 1)); grep -q "^published" out$i || exit 1 ;;
		3) grep -q "^vosctl: error: " err$i || exit 1 ;;
		*) echo "publisher $i exited $rc" >&2; cat err$i >&2; exit 1 ;;
		esac
		no_token_anywhere out$i err$i || exit 1
		i=$((i + 1))
	done &&
	echo "$landed landed" >landed &&
	test $landed -ge 1
'

test_expect_success 'the remote history holds every landed change' '
	gitcli clone -q "$(gitserver_url wiki)" c &&
	i=1 &&
	while [ $i -le $N ]; do
		if [ "$(cat rc$i)" = 0 ]; then
			test -f c/team$i/services.md &&
			grep -q "127.0.10.$((100 + i))" c/team$i/services.md &&
			id=$(sed -n "s/^published \([0-9a-f]*\) .*/\1/p" out$i) &&
			git -C c merge-base --is-ancestor "$id" HEAD || exit 1
		else
			test ! -f c/team$i/services.md || exit 1
		fi
		i=$((i + 1))
	done &&
	git -C c rev-list HEAD >commits &&
	test_line_count "$(sed "s/ landed//" landed)" commits &&
	git -C c rev-list --merges HEAD >merges &&
	test_line_count 0 merges
'

test_expect_success 'git fsck is clean' '
	git --git-dir="$GITSERVER_ROOT/wiki.git" fsck --strict >fsck 2>&1
'

gitserver_stop
test_done
