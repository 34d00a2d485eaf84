#!/bin/sh
# t2200: unusable input (bad/* built by tests/tools/labs.sh) exits 2 with a located message on stderr, never a crash;
# plus a generated 10 MB garbage page (fixed seed) and missing files.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/tools/labs.sh"

n=0
for dir in "$LABS"/bad/*/; do
	dir=${dir%/}
	name=$(basename "$dir")
	[ -f "$dir/expect" ] || continue
	n=$((n + 1))
	export dir name

	test_expect_success "$name: exit 2, stderr matches expect" '
		vosctl -C "$dir" validate >out 2>err
		rc=$?
		if [ "$rc" -ge 128 ]; then echo "crashed with $rc"; cat err; exit 1; fi
		test "$rc" = 2 || { echo "exit $rc, wanted 2"; cat out err; exit 1; } &&
		if ! grep -E -q -e "$(cat "$dir/expect")" err; then
			echo "stderr does not match: $(cat "$dir/expect")"; cat err; exit 1
		fi
	'
done

test_expect_success "found $n bad-input fixtures" 'test "$n" -ge 13'

# stopped by the expansion bound (4M nodes), not by expanding its 10^9: the message says so
test_expect_success 'the alias bomb is stopped at the expansion bound' '
	test_expect_code 2 timeout 60 "$VOSCTL" -C "$LABS/bad/alias-bomb" validate >out 2>err &&
	test_grep "^inventory/bomb\.yaml:7:20: error: \[yaml-alias\] aliases expand to more than 4000000 nodes$" err
'

test_expect_success 'a 10 MB garbage page (fixed seed) is rejected, not a crash' '
	mkdir -p big/inventory &&
	cp "$LABS/labs/minimal/inventory/"*.yaml big/inventory/ &&
	printf "page: services.md\ninventory: inventory\n" >big/vosctl.yaml &&
	python3 -c "
import random, sys
r = random.Random(1)
sys.stdout.buffer.write(r.randbytes(10 * 1024 * 1024))
" >big/services.md &&
	test $(wc -c <big/services.md) = 10485760 &&
	vosctl -C big validate >out 2>err
	rc=$?
	test "$rc" = 2 || { echo "exit $rc"; head -c 2000 err; exit 1; } &&
	grep -E -q "services\.md:[0-9]+:[0-9]+: error:" err
'

test_expect_success 'a 10 MB garbage page of printable text is not a crash' '
	mkdir -p big2/inventory &&
	cp "$LABS/labs/minimal/inventory/"*.yaml big2/inventory/ &&
	printf "page: services.md\ninventory: inventory\n" >big2/vosctl.yaml &&
	python3 -c "
import random, sys
r = random.Random(2)
alphabet = b\"|-# *_[]()<>\`abcdefghij0123456789\\n\"
table = bytes(alphabet[i % len(alphabet)] for i in range(256))
sys.stdout.buffer.write(r.randbytes(10 * 1024 * 1024).translate(table))
" >big2/services.md &&
	vosctl -C big2 validate >out 2>err
	rc=$?
	test "$rc" -lt 128 || { echo "crashed: $rc"; exit 1; } &&
	test "$rc" != 0
'

test_expect_success 'a missing page is a located error, exit 2' '
	mkdir -p nopage/inventory &&
	cp "$LABS/labs/minimal/inventory/"*.yaml nopage/inventory/ &&
	printf "page: services.md\ninventory: inventory\n" >nopage/vosctl.yaml &&
	test_expect_code 2 vosctl -C nopage validate >out 2>err &&
	test_grep "services.md" err
'

test_expect_success 'a missing -c config file exits 2' '
	test_expect_code 2 vosctl -c does-not-exist.yaml validate >out 2>err &&
	test_grep "does-not-exist.yaml" err
'

test_expect_success 'an empty inventory file and an empty page are not crashes' '
	mkdir -p empty/inventory && : >empty/inventory/empty.yaml && : >empty/services.md &&
	printf "page: services.md\ninventory: inventory\n" >empty/vosctl.yaml &&
	vosctl -C empty validate >out 2>err
	rc=$?
	test "$rc" -lt 128
'

# a dashboard reading the textfile sees unusable input too: the input errors counted, exit still 2
test_expect_success 'validate --format prom on unusable input: exit 2, the errors as vosctl_findings' '
	test_expect_code 2 vosctl -C "$LABS/bad/duplicate-id" validate --format prom >bad.prom 2>err &&
	test_grep "^vosctl_findings{rule=\"inventory-duplicate-id\",severity=\"error\"} 1$" bad.prom &&
	test_grep "^# TYPE vosctl_probe_success gauge$" bad.prom &&
	test_grep "inventory-duplicate-id" err &&
	promtool check metrics <bad.prom &&
	test_expect_code 2 vosctl -C "$LABS/bad/duplicate-id" validate --format prom --output "$TRASH/bad2.prom" >out &&
	test_line_count 0 out &&
	test_cmp bad.prom bad2.prom
'

test_done
