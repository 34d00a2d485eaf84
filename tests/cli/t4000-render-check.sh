#!/bin/sh
# t4000: render --check / --write on a copy of the example lab: diffs, atomic writes, idempotence,
# bytes outside the tables kept, CRLF pages, write failures.
. "$(dirname "$0")/../lib.sh"
export VOSCTL_NOW=2026-11-23T18:30:00.000Z

setup_lab() {
	rm -rf lab && mkdir lab && cp "$SRC/vosctl.yaml" lab/ && cp -r "$SRC/inventory" lab/ &&
	rm -f lab/inventory/service-inventory.md lab/inventory/status.md &&
	# the shipped page is already canonical: undo the column padding, as a hand-edited page has it
	sed -E -i "/^\|/ s/ {2,}\|/ |/g" lab/inventory/services.md
}

# everything but table rows and the date line
outside_tables() { grep -v -e "^|" -e "^date:" "$1"; }

# ends_in_table_row FILE: move the last host section (a table at its end) to the end of the page and
# drop the final newline, so that the page's last line is a table row without one
ends_in_table_row() {
	sed -n "/^## Home (dietpi)/,/^| Home Assistant/p" "$1" >home.part &&
	sed "/^## Home (dietpi)/,/^| Home Assistant/d" "$1" >rest.part &&
	test -s home.part && printf "%s" "$(cat rest.part home.part)" >"$1"
}

test_expect_success 'render (no option) summarises and writes nothing' '
	setup_lab && cp lab/inventory/services.md orig.md &&
	test_expect_code 0 vosctl -C lab render >out 2>err &&
	test_grep "services.md" out &&
	test_grep "service-inventory.md" out &&
	cmp orig.md lab/inventory/services.md &&
	test ! -e lab/inventory/service-inventory.md
'

test_expect_success 'render --write writes the pages, a second --write changes nothing' '
	setup_lab && cp lab/inventory/services.md orig.md &&
	test_expect_code 0 vosctl -C lab render --write >out 2>err &&
	test_grep "wrote .inventory/service-inventory.md" out &&
	test -s lab/inventory/service-inventory.md &&
	cp lab/inventory/services.md first.md && cp lab/inventory/service-inventory.md first-inv.md &&
	VOSCTL_NOW=2027-01-01T00:00:00.000Z vosctl -C lab render --write >out2 2>err2 &&
	test_grep "up to date" out2 &&
	cmp first.md lab/inventory/services.md &&
	cmp first-inv.md lab/inventory/service-inventory.md &&
	test_no_grep "2027-01-01" lab/inventory/services.md
'

test_expect_success 'no temporary files are left behind' '
	! ls -a lab/inventory | grep -q vosctl-
'

test_expect_success 'front matter, headings, prose, rules and links stay byte for byte' '
	outside_tables orig.md >expect && outside_tables first.md >actual &&
	test_cmp expect actual &&
	sed -n "1,/^---$/p" orig.md | sed 1d | grep -v "^date:" >fm-expect &&
	sed -n "1,/^---$/p" first.md | sed 1d | grep -v "^date:" >fm-actual &&
	test_cmp fm-expect fm-actual &&
	grep -q "^dateCreated: 2025-12-29T12:30:00.000Z$" first.md
'

test_expect_success 'the date moves to VOSCTL_NOW when the content changed (Wiki.js format)' '
	if cmp -s orig.md first.md; then echo "page did not change"; false; fi &&
	test_grep "^date: 2026-11-23T18:30:00.000Z$" first.md
'

test_expect_success 'render --check on a reconciled page exits 0 and prints nothing' '
	test_expect_code 0 vosctl -C lab render --check >out 2>err &&
	test_line_count 0 out
'

test_expect_success 'an address change in the inventory: --check exits 1 with a diff' '
	sed -i "s/address: 127.0.10.1$/address: 127.0.10.9/" lab/inventory/network.yaml &&
	grep -q "127.0.10.9" lab/inventory/network.yaml &&
	test_expect_code 1 vosctl -C lab render --check >diff 2>err &&
	test_grep "^--- inventory/services.md" diff &&
	test_grep "^+++ inventory/services.md" diff &&
	test_grep "^@@ -" diff &&
	test_grep "^-| LiteLLM  *| 127\.0\.10\.1 " diff &&
	test_grep "^+| LiteLLM  *| 127\.0\.10\.9 " diff &&
	test_grep "^| Haystack" lab/inventory/services.md &&
	test_grep "differ" err
'

test_expect_success 'the diff applies with patch and gives what --write writes' '
	cp lab/inventory/services.md patched.md &&
	sed -n "/^--- inventory\/services.md/,/^--- inventory\/service-inventory.md/p" diff |
		sed "/^--- inventory\/service-inventory.md/,\$d" >services.diff &&
	patch -s patched.md services.diff &&
	VOSCTL_NOW=2026-11-23T18:30:00.000Z vosctl -C lab render --stdout >want.md &&
	cmp want.md patched.md
'

test_expect_success 'placeholders stay placeholders' '
	grep "^| Haystack" lab/inventory/services.md >before &&
	vosctl -C lab render --write >out &&
	grep "^| Haystack" lab/inventory/services.md >after &&
	test_grep "<LAN_IP>" after && test_cmp before after
'

test_expect_success '--write fixed it: --check exits 0, a second --write changes nothing' '
	test_grep "^| LiteLLM  *| 127\.0\.10\.9 " lab/inventory/services.md &&
	test_expect_code 0 vosctl -C lab render --check >out 2>err &&
	cp lab/inventory/services.md w1.md &&
	vosctl -C lab render --write >out &&
	cmp w1.md lab/inventory/services.md
'

test_expect_success 'a CRLF page stays CRLF and reconciles' '
	setup_lab &&
	sed -i "s/\$/\r/" lab/inventory/services.md &&
	total=$(wc -l <lab/inventory/services.md) &&
	test_expect_code 0 vosctl -C lab render --write >out 2>err &&
	crlf=$(grep -c "$(printf "\r")\$" lab/inventory/services.md) &&
	test "$crlf" = "$total" &&
	test_expect_code 0 vosctl -C lab render --check >out &&
	tr -d "\r" <lab/inventory/services.md >lf.md &&
	test_grep "^| LiteLLM  *| 127\.0\.10\.1  *| LLM router/proxy  *|$" lf.md
'

test_expect_success 'a write failure (read-only directory) exits 3 and leaves the page intact' '
	setup_lab && cp lab/inventory/services.md orig.md &&
	chmod a-w lab/inventory &&
	if touch lab/inventory/.probe 2>/dev/null; then
		rm -f lab/inventory/.probe
		# root ignores the mode: make the directory immutable instead
		chattr +i lab/inventory || { chmod u+w lab/inventory; echo "cannot make a read-only directory"; false; }
		immutable=1
	fi
	vosctl -C lab render --write >out 2>err; rc=$?
	[ -n "${immutable:-}" ] && chattr -i lab/inventory
	chmod u+w lab/inventory
	test "$rc" = 3 &&
	test_grep "unable to" err &&
	cmp orig.md lab/inventory/services.md &&
	! ls -a lab/inventory | grep -q vosctl-
'

test_expect_success 'render --check and --write together is a usage error' '
	test_expect_code 2 vosctl -C lab render --check --write >out 2>err &&
	test_grep "cannot be combined" err
'

test_expect_success 'prose directly above a table stays prose; render changes only the table' '
	setup_lab &&
	sed -i "/^AI orchestration/{n;s/^\$/**Stateless containers only.**\nSecond line of prose./}" \
		lab/inventory/services.md &&
	sed -i "s/address: 127.0.10.3\$/address: 127.0.10.33/" lab/inventory/network.yaml &&
	grep -A3 "^AI orchestration" lab/inventory/services.md >expect &&
	test_line_count 4 expect && test_grep "^| Service " expect &&
	cp lab/inventory/services.md orig.md &&
	test_expect_code 0 vosctl -C lab render --write >out 2>err &&
	grep -A3 "^AI orchestration" lab/inventory/services.md >actual &&
	sed -i "4s/  *|/ |/g" actual && test_cmp expect actual &&
	outside_tables orig.md >expect && outside_tables lab/inventory/services.md >actual &&
	test_cmp expect actual &&
	test "$(grep -c "^| Service " orig.md)" = "$(grep -c "^| Service " lab/inventory/services.md)" &&
	test "$(grep -c "^|-" orig.md)" = "$(grep -c "^|-" lab/inventory/services.md)" &&
	test_grep "^| vLLM  *| 127\.0\.10\.33 " lab/inventory/services.md &&
	test_expect_code 0 vosctl -C lab render --check >out 2>err
'

test_expect_success 'a page ending in a table row without a newline reaches a fixed point' '
	setup_lab && ends_in_table_row lab/inventory/services.md &&
	test "$(tail -c 1 lab/inventory/services.md)" = "|" &&
	test_expect_code 0 vosctl -C lab render --write >out 2>err &&
	test "$(tail -c 1 lab/inventory/services.md)" = "|" &&
	tail -n 1 lab/inventory/services.md >last &&
	test_grep "^| Home Assistant *| 127\.0\.40\.1 *| Home automation *|\$" last &&
	test_expect_code 0 vosctl -C lab render --check >out 2>err &&
	test_line_count 0 out &&
	cp lab/inventory/services.md w1.md &&
	VOSCTL_NOW=2027-01-01T00:00:00.000Z vosctl -C lab render --write >out 2>err &&
	test_grep "up to date" out &&
	cmp w1.md lab/inventory/services.md
'

test_expect_success 'one display name on two hosts (a merge key copies it): rows added once' '
	setup_lab &&
	cat >lab/inventory/zz-exporters.yaml <<-\EOF &&
	services:
	  - &exporter
	    id: node-exporter-skynet
	    name: Node Exporter
	    host: skynet
	    class: monitoring
	    purpose: Host metrics
	  - <<: *exporter
	    id: node-exporter-watson
	    host: watson
	EOF
	test_expect_code 0 vosctl -C lab render --write >out 2>err &&
	test "$(grep -c "^| Node Exporter " lab/inventory/services.md)" = 2 &&
	cp lab/inventory/services.md w1.md &&
	test_expect_code 0 vosctl -C lab render --check >out 2>err &&
	VOSCTL_NOW=2027-01-01T00:00:00.000Z vosctl -C lab render --write >out 2>err &&
	test_grep "up to date" out &&
	cmp w1.md lab/inventory/services.md &&
	vosctl -C lab validate >out 2>err &&
	test_no_grep "page-duplicate" err
'

test_expect_success 'one display name twice on one host is an inventory error at both' '
	cat >>lab/inventory/zz-exporters.yaml <<-\EOF &&
	  - <<: *exporter
	    id: node-exporter-again
	EOF
	cp lab/inventory/services.md w1.md &&
	test_expect_code 2 vosctl -C lab validate >out 2>err &&
	test_grep "^inventory/zz-exporters.yaml:11:5: error: \[inventory-duplicate-name\] services .node-exporter-skynet. and .node-exporter-again. are both named .Node Exporter. on host .skynet." err &&
	test_grep "^inventory/zz-exporters.yaml:2:5: note: see also" err &&
	test_expect_code 2 vosctl -C lab render --write >out 2>err &&
	test_grep "inventory-duplicate-name" err &&
	cmp w1.md lab/inventory/services.md
'

test_expect_success 'a model with input errors exits 2' '
	setup_lab && printf "services: [\n" >lab/inventory/zz-broken.yaml &&
	test_expect_code 2 vosctl -C lab render --check >out 2>err &&
	test_grep "zz-broken.yaml" err
'

test_done
