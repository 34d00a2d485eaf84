#!/bin/sh
# t9500: publish faults the cache and the remote must survive: SIGINT at the push barrier and at
# several moments of a run (the remote stays sound, the branch has the commit or not, the next run
# publishes), a corrupt cache (truncated object, garbage in HEAD, refs), lock files left behind
# (index.lock, packed-refs.lock, a branch ref lock, HEAD.lock), a cache held by a live process, and a
# server that goes away in the middle of a push.
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

# cutoff.py REPO PORTFILE CUT: a smart-HTTP git server on 127.0.0.1 (no auth) that advertises the refs
# of REPO and goes away after CUT bytes of a push: FIN, then (0.2 s later) RST, so that the client's
# next write fails with EPIPE, which raises SIGPIPE unless it is ignored.
cat >"$TRASH/cutoff.py" <<'EOF'
import os, socket, struct, subprocess, sys, time
repo, portfile, cut = sys.argv[1], sys.argv[2], int(sys.argv[3])
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
srv.bind(("127.0.0.1", 0))
srv.listen(8)
srv.settimeout(120)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.getsockname()[1]))
os.rename(portfile + ".tmp", portfile)
def pkt(s):
    return b"%04x" % (len(s) + 4) + s
while True:
    c, _ = srv.accept()
    c.settimeout(60)
    head = b""
    while b"\r\n\r\n" not in head:
        d = c.recv(4096)
        if not d:
            break
        head += d
    method, path = head.split(b"\r\n", 1)[0].decode().split(" ")[:2]
    if method == "GET" and "service=git-" in path:
        svc = path.split("service=")[1].split("&")[0]
        adv = subprocess.run(["git", svc[4:], "--stateless-rpc", "--advertise-refs", repo],
                             capture_output=True, check=True).stdout
        body = pkt(b"# service=%s\n" % svc.encode()) + b"0000" + adv
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-%s-advertisement\r\n"
                  b"Cache-Control: no-cache\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                  % (svc.encode(), len(body)) + body)
        c.close()
    elif method == "POST" and path.endswith("/git-receive-pack"):
        got = len(head)
        while got < cut:
            d = c.recv(65536)
            if not d:
                break
            got += len(d)
        c.shutdown(socket.SHUT_WR)
        time.sleep(0.2)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.close()
        sys.exit(0)
    else:
        c.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        c.close()
EOF

test_expect_success 'the server goes away mid-push (an 8 MB page): exit 3 with a message, not SIGPIPE' '
	git init -q --bare -b main cut.git &&
	publish_lab "$TRASH/cutlab" &&
	{ echo; head -c 6000000 /dev/urandom | base64 -w 76; } >>cutlab/inventory/services.md &&
	for i in 1 2 3; do
		rm -f cut.port &&
		{ timeout 300 python3 "$TRASH/cutoff.py" cut.git cut.port 200000 & } &&
		srv=$! &&
		wait_for cut.port &&
		PUBLISH_URL=http://127.0.0.1:$(cat cut.port)/wiki.git test_expect_code 3 vosctl_publish cutlab >out 2>err;
		rc=$?; kill $srv 2>/dev/null; wait $srv;
		test $rc = 0 &&
		test_grep "^vosctl: error: unable to push to .http://127.0.0.1:$(cat cut.port)/wiki.git.: " err &&
		test_line_count 0 out &&
		git --git-dir=cut.git for-each-ref >refs &&
		test_line_count 0 refs || return 1
	done
'

# A remote that always rejects (a pre-receive hook that declines every push, counting its runs):
# each attempt fetches, rebuilds and pushes again, and after the last one publish gives up: exit 3,
# the rejection and the number of attempts in the message, nothing on the branch, no token shown.
test_expect_success 'a remote that always rejects: publish gives up after 5 attempts (exit 3)' '
	gitserver_new_repo rejecting &&
	hook=$GITSERVER_ROOT/rejecting.git/hooks/pre-receive &&
	printf "#!/bin/sh\necho run >>\"\$(dirname \"\$0\")/../rejects\"\necho \"no pushes here\" >&2\nexit 1\n" >"$hook" &&
	chmod +x "$hook" &&
	PUBLISH_URL=$(gitserver_url rejecting) test_expect_code 3 vosctl_publish lab >out 2>err &&
	cat err &&
	test_grep "^vosctl: error: push to .$(gitserver_url rejecting). rejected: .*(gave up after 5 attempts)$" err &&
	test_line_count 5 "$GITSERVER_ROOT/rejecting.git/rejects" &&
	git --git-dir="$GITSERVER_ROOT/rejecting.git" for-each-ref >refs &&
	test_line_count 0 refs &&
	test_no_grep "^published" out &&
	no_token_anywhere out err
'

test_expect_success 'the remote repository is sound after all of it (git fsck --strict)' '
	git --git-dir="$REMOTE_GIT" fsck --strict >fsck 2>&1 &&
	git --git-dir="$REMOTE_GIT" rev-list --merges main >merges &&
	test_line_count 0 merges &&
	no_token_anywhere out err
'

gitserver_stop
test_done
