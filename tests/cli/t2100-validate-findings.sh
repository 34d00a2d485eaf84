#!/bin/sh
# t2100: one small lab per finding kind (findings/* built by tests/tools/labs.sh): each reports its rule id, at a
# location, with the expected exit code; warning-only kinds fail under --strict; JSON carries the rule.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/tools/labs.sh"

n=0
for dir in "$LABS"/findings/*/; do
	dir=${dir%/}
	kind=$(basename "$dir")
	[ -f "$dir/expect" ] || continue
	n=$((n + 1))
	rule=$(cat "$dir/expect")
	want=$(cat "$dir/expect-exit" 2>/dev/null || echo 1)
	export dir kind rule want

	test_expect_success "$kind: exit $want and [$rule] at a location" '
		test_expect_code "$want" vosctl -C "$dir" validate >out 2>err &&
		test_grep "\[$rule\]" out &&
		test_grep "^[^ ]*:[0-9][0-9]*:[0-9][0-9]*: \(error\|warning\): \[$rule\]" out
	'

	if [ "$want" = 0 ]; then
		test_expect_success "$kind: a warning, an error under --strict" '
			vosctl -C "$dir" validate >out 2>err
			test_grep "warning: \[$rule\]" out &&
			test_expect_code 1 vosctl -C "$dir" validate --strict >out 2>err &&
			test_grep "error: \[$rule\]" out
		'
	else
		test_expect_success "$kind: reported as an error" '
			vosctl -C "$dir" validate >out 2>err
			test_grep "error: \[$rule\]" out
		'
	fi

	test_expect_success "$kind: --format json parses, has the rule and no other" '
		vosctl -C "$dir" validate --format json >out.json 2>err
		rc=$? && test "$rc" = "$want" &&
		python3 -m json.tool out.json >/dev/null &&
		python3 - "$rule" out.json <<-\PY
		import json, sys
		rule, path = sys.argv[1], sys.argv[2]
		d = json.load(open(path))
		hits = [f for f in d["findings"] if f["rule"] == rule]
		assert hits, "no finding with rule %s in %s" % (rule, [f["rule"] for f in d["findings"]])
		assert all(f["file"] and f["line"] > 0 and f["column"] > 0 for f in hits), hits
		others = sorted(set(f["rule"] for f in d["findings"]) - {rule})
		assert not others, "other findings than %s: %s" % (rule, others)
		PY
	'
done

test_expect_success 'every finding kind of the spec has a fixture' '
	for k in page-unlisted inventory-missing host-page-only host-inventory-only address-mismatch \
		placement-mismatch port-clash depends-unknown depends-cycle address-outside-vlan \
		address-shared rule-unenforced rule-unstated \
		assert-only-on-host assert-host-holds-only-class assert-never-trait-on-host \
		assert-not-exposed-on-vlans assert-exposed-only-on-vlans assert-admin-only-via-vlans \
		assert-only-on-vlans assert-stateful-only-where-storage assert-require assert-forbid; do
		test -f "$LABS/findings/$k/expect" || { echo "missing fixture $k"; exit 1; }
	done
'

test_expect_success "found $n fixtures" 'test "$n" -ge 23'

test_done
