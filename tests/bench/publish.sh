#!/bin/sh
# tests/bench/publish.sh - publishing a one-page change: `vosctl publish` against the git CLI doing the
# same work (`git clone --depth 1`, edit, commit, push) on the same loopback smart-HTTP server
# (nginx + fcgiwrap + git-http-backend, basic auth), side by side in one run, median of BENCH_RUNS.
# Prints "publish: vosctl X s, git Y s, ratio Z" (target <= 0.7, issue 11), and the cold-cache figure.
# Environment: VOSCTL, SRC, BENCH_RUNS (default 5). The server lives under a temp dir and is stopped
# on exit (and by its watchdog after at most 300 s).
set -u
SRC=${SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
VOSCTL=${VOSCTL:-$SRC/build/vosctl}
RUNS=${BENCH_RUNS:-5}
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/vosctl-bench-publish.XXXXXX")
GITSERVER_MAX_SECONDS=300
export SRC VOSCTL TRASH
cd "$TRASH" || exit 2
. "$SRC/tests/integration/gitserver.sh"
trap 'gitserver_stop; rm -rf "$TRASH"' EXIT
trap 'exit 1' INT TERM

GITSERVER_USER=bench
GITSERVER_TOKEN=tok-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
export GITSERVER_USER GITSERVER_TOKEN
unset VOSCTL_NOW

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", b - a }'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) b = 0.001; printf "%.2f", a / b }'; }

gitserver_start "$GITSERVER_USER" "$GITSERVER_TOKEN" >/dev/null 2>&1 || { echo "publish bench: no git server" >&2; exit 2; }
gitserver_new_repo wiki
publish_lab "$TRASH/lab"
URL=$(gitserver_url wiki)

# seed the wiki (and vosctl's cache): the first publish
vosctl_publish lab >seed.out 2>seed.err || { echo "publish bench: seed publish failed" >&2; cat seed.err >&2; exit 2; }

: >vos.times; : >git.times
addr=3
i=0
fail=0
while [ $i -lt "$RUNS" ]; do
	# vosctl: one inventory change -> one row of vos/services.md (and the inventory page)
	new=$((200 + i))
	sed -i "s/address: 127.0.10.$addr\$/address: 127.0.10.$new/" lab/inventory/network.yaml
	addr=$new
	t0=$(now)
	vosctl_publish lab >v.out 2>v.err || { echo "publish bench: vosctl failed:" >&2; cat v.err >&2; fail=1; }
	t1=$(now)
	grep -q '^published' v.out || { echo "publish bench: vosctl published nothing" >&2; fail=1; }
	elapsed "$t0" "$t1" >>vos.times

	# the git CLI: shallow clone, a one-line edit of the same page, commit, push
	rm -rf g
	t0=$(now)
	gitcli clone -q --depth 1 "$URL" g &&
	sed -i "s/^Authoritative service placement.*/Authoritative service placement (edit $i)./" g/vos/services.md &&
	git -C g add vos/services.md &&
	gitcli -C g commit -q -m "edit $i" &&
	gitcli -C g push -q origin HEAD:main || { echo "publish bench: git CLI failed" >&2; fail=1; }
	t1=$(now)
	elapsed "$t0" "$t1" >>git.times
	i=$((i + 1))
done

v=$(median <vos.times)
g=$(median <git.times)
r=$(ratio "$v" "$g")
verdict=$(awk -v r="$r" 'BEGIN { print (r <= 0.7) ? "ok" : "MISSED" }')
echo "publish: vosctl $v s, git $g s, ratio $r (target <= 0.7: $verdict; median of $RUNS, warm cache)"

# cold cache: vosctl clones the whole (unshallow) history into a fresh cache first
sed -i "s/address: 127.0.10.$addr\$/address: 127.0.10.250/" lab/inventory/network.yaml
t0=$(now)
XDG_CACHE_HOME=$TRASH/cold vosctl_publish lab >c.out 2>c.err || { echo "publish bench: cold vosctl failed" >&2; cat c.err >&2; fail=1; }
t1=$(now)
c=$(elapsed "$t0" "$t1")
echo "publish-cold-cache: vosctl $c s, git $g s, ratio $(ratio "$c" "$g") (one run; $(git --git-dir="$GITSERVER_ROOT/wiki.git" rev-list --count main) commits in the wiki)"

if git --git-dir="$GITSERVER_ROOT/wiki.git" fsck --strict >/dev/null 2>&1; then :; else
	echo "publish bench: git fsck failed" >&2; fail=1
fi
[ "$verdict" = ok ] || fail=1
exit $fail
