#!/bin/sh
# t2300: the benchmark's synthetic lab generator (tests/bench/genlab.py) makes labs that validate clean,
# and breaking one placement in it is found.
. "$(dirname "$0")/../lib.sh"

test_expect_success 'genlab 300 validates clean, strict' '
	python3 "$SRC/tests/bench/genlab.py" 300 lab &&
	test -f lab/services.md && test -f lab/inventory/rules.yaml &&
	test_expect_code 0 vosctl -C lab validate --strict >out 2>err &&
	test_grep "0 errors, 0 warnings (300 services" out
'

test_expect_success 'genlab is deterministic' '
	python3 "$SRC/tests/bench/genlab.py" 300 lab2 &&
	diff -r lab lab2
'

test_expect_success 'genlab 12000 spans several inventory files and validates clean' '
	python3 "$SRC/tests/bench/genlab.py" 12000 big &&
	test $(ls big/inventory/services-*.yaml | wc -l) = 3 &&
	test_expect_code 0 vosctl -C big validate -q >out 2>err &&
	test_line_count 0 out
'

test_expect_success 'synthetic lab: an inventory host that disagrees with the page is found' '
	sed "0,/host: watson/ s//host: skynet/" lab/inventory/services-000.yaml >s.yaml &&
	! cmp -s s.yaml lab/inventory/services-000.yaml &&
	cp s.yaml lab/inventory/services-000.yaml &&
	test_expect_code 1 vosctl -C lab validate >out 2>err &&
	test_grep "\[placement-mismatch\]" out
'

test_done
