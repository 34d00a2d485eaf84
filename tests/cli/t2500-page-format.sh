#!/bin/sh
# t2500: the page format (docs/page-format.md): what looks like a host section or a table row but is
# not read as one gets a located warning that says what was understood and how to write it.
. "$(dirname "$0")/../lib.sh"
export VOSCTL_NOW=2026-11-23T18:30:00.000Z

setup_lab() {
	rm -rf lab && mkdir lab && cp "$SRC/vosctl.yaml" lab/ && cp -r "$SRC/inventory" lab/ &&
	rm -f lab/inventory/service-inventory.md lab/inventory/status.md && rm -rf lab/.vosctl
}

test_expect_success 'the example page reads without a page-format warning' '
	setup_lab &&
	vosctl -C lab validate >out 2>err &&
	test_no_grep "page-heading\|page-table" out
'

test_expect_success 'a host heading one level deeper (#### napster) still names the host' '
	setup_lab &&
	sed -i "s/^### napster (Media)$/#### napster/" lab/inventory/services.md &&
	test_grep "^#### napster$" lab/inventory/services.md &&
	test_expect_code 0 vosctl -C lab validate >out 2>err &&
	test_no_grep "placement-mismatch\|port-clash\|mothership-stateless" out &&
	test_grep "^inventory/services.md:67:1: warning: \[page-heading-level\] heading .napster. (level 4) is read as host .napster." out &&
	test_grep "level-3 heading of host .mothership. (line 59)" out
'

test_expect_success '#### napster: show places its services on napster' '
	vosctl -C lab show --format json >show.json &&
	python3 - show.json <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	svcs = d["services"]
	on = sorted(s["id"] for s in svcs if s.get("host") == "napster")
	assert on == sorted(["radarr", "sonarr", "lidarr", "prowlarr", "qbittorrent", "sabnzbd", "jellyfin"]), on
	PY
'

test_expect_success '"## Infrastructure - hal" gets the (hal) form as a hint' '
	setup_lab &&
	sed -i "s/^## Infrastructure (hal)$/## Infrastructure - hal/" lab/inventory/services.md &&
	test_expect_code 1 vosctl -C lab validate >out 2>err &&
	test_grep "^inventory/services.md:79:1: warning: \[page-heading-host\] heading .Infrastructure - hal. does not name a host: the rows under it are placed on no host; write .## Infrastructure (hal). to place them on .hal.$" out &&
	test_grep "\[host-inventory-only\] host .hal." out
'

test_expect_success '"### alexandria: Storage" says its rows went to the host above' '
	setup_lab &&
	sed -i "s/^### alexandria (Storage)$/### alexandria: Storage/" lab/inventory/services.md &&
	test_expect_code 1 vosctl -C lab validate >out 2>err &&
	test_grep "warning: \[page-heading-host\] heading .alexandria: Storage. does not name a host: the rows under it are placed on .deep-thought.; write .### alexandria (Storage)." out
'

test_expect_success 'a table under a heading that names no host is a warning' '
	setup_lab &&
	sed -i "s/^## Infrastructure (hal)$/## Infrastructure/" lab/inventory/services.md &&
	test_expect_code 1 vosctl -C lab validate >out 2>err &&
	test_grep "^inventory/services.md:81:1: warning: \[page-table-no-host\] this services table is under no host heading (.Infrastructure.)" out
'

test_expect_success 'rows after a blank line inside a table: a located warning, not silence' '
	setup_lab &&
	sed -i "/^| Lidarr /a\\\\" lab/inventory/services.md &&
	sed -n 74p lab/inventory/services.md >blank && test_line_count 1 blank && ! grep . blank &&
	test_expect_code 1 vosctl -C lab validate >out 2>err &&
	test_grep "^inventory/services.md:75:1: warning: \[page-table-break\] this looks like table rows, but a blank line ended the table at line 74: 4 rows from here on are not read as services" out &&
	grep -A1 "\[page-unlisted\] service .prowlarr." out >unlisted &&
	test_grep "inventory/services.md:75:1: note: see also" unlisted
'

test_expect_success 'render does not append twins of the rows a blank line cut off' '
	vosctl -C lab render --stdout >out.md 2>err &&
	grep -c "^| Prowlarr " out.md >n && echo 1 >expect && test_cmp expect n &&
	grep -c "^| Jellyfin " out.md >n && test_cmp expect n
'

test_done
