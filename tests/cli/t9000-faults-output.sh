#!/bin/sh
# t9000: write failures. Every command that prints, with stdout on /dev/full or closed, exits 3 with
# "unable to write output" (a full disk must not look like success), also when a large output fails
# part of the way; render --write / graph --output / probe's status file into a full filesystem (a
# small tmpfs in a private mount namespace) exit 3, keep the original file and leave no temp file.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/tools/labs.sh"

cp -R "$SRC/inventory" inventory && cp "$SRC/vosctl.yaml" vosctl.yaml
# an inventory change, so that render --check prints a diff and render --write has pages to write
sed -i "s/address: 127.0.10.3\$/address: 127.0.10.33/" inventory/network.yaml
grep -q "address: 127.0.10.33\$" inventory/network.yaml || { echo "Bail out! lab not changed"; exit 1; }
FINDINGS=$LABS/findings/port-clash

# out_fails CMD... : with stdout on /dev/full: exit 3 and the message on stderr
out_fails() {
	test_expect_code 3 "$@" >/dev/full 2>full.err &&
	test_grep "^vosctl: error: unable to write output: No space left on device" full.err
}

# closed_fails CMD... : with stdout closed: exit 3 (no crash) and the message on stderr
# (not under valgrind: its own log file would take the closed descriptor)
closed_test() {
	if [ "${VALGRIND:-}" = 1 ]; then test_skip "$1 (valgrind takes the closed descriptor)"; else test_expect_success "$@"; fi
}
closed_fails() {
	test_expect_code 3 "$@" >&- 2>closed.err &&
	test_grep "^vosctl: error: unable to write output" closed.err
}

for c in "validate" "validate --format json" "validate --format junit" \
         "validate --format sarif" "show" "show --format json" "render --stdout" "render --check" \
         "graph" "graph --format mermaid" "probe --no-save --timeout 300" \
         "probe --no-save --timeout 300 --format json" "probe --no-save --timeout 300 --format prom" \
         "version" "help" "help validate" "validate --help"; do
	test_expect_success "/dev/full: vosctl $c exits 3" "out_fails vosctl $c"
	closed_test "stdout closed: vosctl $c exits 3" "closed_fails vosctl $c"
done

test_expect_success 'findings in every format to /dev/full: exit 3, not 1' '
	for f in text json github junit sarif; do
		out_fails vosctl -C "$FINDINGS" validate --format $f || return 1
	done
'

test_expect_success 'an unknown option with stdout on /dev/full still is a usage error' '
	test_expect_code 2 vosctl validate --no-such-option >/dev/full 2>err &&
	test_grep "unknown option" err
'

# a lab big enough that every output is far larger than stdio's buffer
python3 "$SRC/tests/bench/genlab.py" 3000 big >/dev/null

test_expect_success 'large outputs (hundreds of KB) to /dev/full: exit 3' '
	for c in "show" "show --format json" "graph" "graph --format mermaid" "render --stdout"; do
		vosctl -C big $c >big.out 2>/dev/null && test $(wc -c <big.out) -gt 100000 &&
		out_fails vosctl -C big $c || return 1
	done
'

closed_test 'large outputs with stdout closed: exit 3, no crash' '
	closed_fails vosctl -C big show --format json &&
	closed_fails vosctl -C big render --stdout
'

# --- a full filesystem: a tmpfs in a private mount namespace (gone when the command ends)
mkdir -p mnt
have_tmpfs=
if unshare -m sh -c "mount -t tmpfs -o size=64k tmpfs '$TRASH/mnt' && test -w '$TRASH/mnt'" 2>/dev/null; then
	have_tmpfs=1
fi

# in_tmpfs SIZE_KB SCRIPT : runs SCRIPT (sh) in a fresh tmpfs of SIZE_KB mounted on $TRASH/mnt
in_tmpfs() {
	unshare -m sh -c "mount -t tmpfs -o size=$1k tmpfs '$TRASH/mnt' && cd '$TRASH/mnt' && $2"
}

# fill KB : fills the filesystem of the cwd but KB kilobytes
export VOSCTL
cat >fill.sh <<'EOF'
# fill KB: leave about KB kilobytes free on the cwd's filesystem
fill() {
	head -c $((4 * 1024 * 1024)) /dev/zero >.filler 2>/dev/null
	free=$(( $(stat -f -c '%a * %S' . ) ))
	want=$(( $1 * 1024 ))
	size=$(stat -c %s .filler)
	if [ "$want" -gt 0 ]; then truncate -s $((size - want)) .filler; fi
	return 0
}
EOF

if [ -z "$have_tmpfs" ]; then
	test_skip 'full filesystem tests: cannot mount a tmpfs (not root, or no mount namespaces)'
else
test_expect_success 'mid-way failure: a 1.7 MB output into a 64 KB filesystem exits 3' '
	in_tmpfs 64 "{ \"$VOSCTL\" -C \"$TRASH/big\" show --format json >out 2>\"$TRASH/err\";
		echo \$? >\"$TRASH/rc\"; } && test \$(wc -c <out) -gt 4000" &&
	test "$(cat rc)" = 3 &&
	test_grep "^vosctl: error: unable to write output: No space left on device" err
'

test_expect_success 'render --write into a full filesystem: exit 3, the pages intact, no temp file' '
	in_tmpfs 256 "cp -R \"$TRASH/inventory\" \"$TRASH/vosctl.yaml\" . &&
		md5sum inventory/*.md >sums && ls -a inventory >before &&
		. \"$TRASH/fill.sh\" && fill 0 &&
		{ \"$VOSCTL\" render --write >\"$TRASH/out\" 2>\"$TRASH/err\"; test \$? = 3; } &&
		grep -q \"unable to write .inventory/services.md.: No space left on device\" \"$TRASH/err\" &&
		md5sum -c --quiet sums && ls -a inventory >\"$TRASH/after\" && cmp before \"$TRASH/after\"" &&
	test_no_grep vosctl- after
'

test_expect_success 'render --write with a little room left (the write fails part way): the same' '
	in_tmpfs 2048 "cp -R \"$TRASH/big/inventory\" \"$TRASH/big/services.md\" \"$TRASH/big/vosctl.yaml\" . &&
		sed -i \"0,/127\\.[0-9]*\\.[0-9]*\\.[0-9]*/s//127.99.99.99/\" services.md &&
		md5sum services.md >sums &&
		. \"$TRASH/fill.sh\" && fill 12 &&
		{ \"$VOSCTL\" render --write >\"$TRASH/out\" 2>\"$TRASH/err\"; test \$? = 3; } &&
		grep -q \"unable to write .services.md.: No space left on device\" \"$TRASH/err\" &&
		md5sum -c --quiet sums && ls -a . inventory >\"$TRASH/after\"" &&
	test_no_grep vosctl- after
'

test_expect_success 'graph --output into a full filesystem: exit 3, the old graph intact, no temp file' '
	in_tmpfs 512 "echo old-graph >g.dot && . \"$TRASH/fill.sh\" && fill 8 &&
		{ \"$VOSCTL\" -C \"$TRASH/big\" graph --output \"$TRASH/mnt/g.dot\" >\"$TRASH/out\" 2>\"$TRASH/err\"; test \$? = 3; } &&
		grep -q \"unable to write .*g.dot.*No space left on device\" \"$TRASH/err\" &&
		test \"\$(cat g.dot)\" = old-graph &&
		ls -a >\"$TRASH/after\"" &&
	test_no_grep vosctl- after
'

test_expect_success 'probe into a full filesystem: the results print, saving fails with exit 3' '
	in_tmpfs 256 "cp -R \"$TRASH/inventory\" \"$TRASH/vosctl.yaml\" . && mkdir .vosctl &&
		echo old >.vosctl/last-probe.json && . \"$TRASH/fill.sh\" && fill 0 &&
		{ \"$VOSCTL\" probe --timeout 300 >\"$TRASH/probe.out\" 2>\"$TRASH/err\"; test \$? = 3; } &&
		grep -q \"No space left on device\" \"$TRASH/err\" &&
		test \"\$(cat .vosctl/last-probe.json)\" = old &&
		test -z \"\$(ls -a .vosctl | grep vosctl-)\"" &&
	test_grep "vllm" probe.out
'
fi

closed_test 'render --write with stdout closed: the pages are written right, exit 3' '
	rm -rf w && mkdir w && cp -R inventory vosctl.yaml w/ &&
	test_expect_code 3 vosctl -C w render --write >&- 2>err &&
	vosctl -C w render --check >out 2>&1 &&
	test_no_grep "wrote" w/inventory/services.md
'

test_done
