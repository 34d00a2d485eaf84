#!/bin/sh
# t4100: render's pages: --stdout, rows added/pruned, the generated inventory page, the status page.
. "$(dirname "$0")/../lib.sh"
export VOSCTL_NOW=2026-11-23T18:30:00.000Z

setup_lab() {
	rm -rf lab && mkdir lab && cp "$SRC/vosctl.yaml" lab/ && cp -r "$SRC/inventory" lab/ &&
	rm -f lab/inventory/service-inventory.md lab/inventory/status.md && rm -rf lab/.vosctl
}

test_expect_success 'render --stdout prints the reconciled services page, writes nothing' '
	setup_lab && cp lab/inventory/services.md orig.md &&
	test_expect_code 0 vosctl -C lab render --stdout >out.md 2>err &&
	head -n 1 out.md >first && printf -- "---\n" >expect && test_cmp expect first &&
	test_grep "^| Service  *| IP  *| Purpose  *|$" out.md &&
	test_grep "^|-*|-*|-*|$" out.md &&
	cmp orig.md lab/inventory/services.md
'

test_expect_success 'every table row of the output has the same width as its header' '
	awk "/^\\|/ { if (!w) w = length(\$0); else if (length(\$0) != w) { print; bad = 1 } } !/^\\|/ { w = 0 }
	     END { exit bad }" out.md
'

test_expect_success 'an inventory service the page lacks is added to its host table' '
	setup_lab &&
	printf "services:\n  - id: newsvc\n    name: New Service\n    host: skynet\n    class: search\n    purpose: Something new\n" >lab/inventory/zz-new.yaml &&
	vosctl -C lab render --write >out 2>err &&
	sed -n "/^## Control Plane (skynet)/,/^## /p" lab/inventory/services.md >skynet &&
	grep "^|" skynet | tail -n 1 >last &&
	test_grep "^| New Service  *| 127\.0\.10\.1  *| Something new  *|$" last &&
	test_expect_code 0 vosctl -C lab render --check >out
'

test_expect_success 'a row the inventory does not describe stays, and goes with --prune' '
	sed -i "s/^| Haystack .*/&\n| Ghost | <LAN_IP> | Nothing |/" lab/inventory/services.md &&
	test_grep "^| Ghost" lab/inventory/services.md &&
	vosctl -C lab render --write --allow-findings >out 2>err &&
	test_grep "^| Ghost  *| <LAN_IP> *| Nothing  *|$" lab/inventory/services.md &&
	vosctl -C lab render --prune >out 2>err &&
	test_grep "1 row removed" out &&
	vosctl -C lab render --write --prune >out 2>err &&
	test_no_grep "Ghost" lab/inventory/services.md &&
	test_grep "^| Haystack" lab/inventory/services.md
'

test_expect_success 'the generated inventory page: Wiki.js front matter, one section per service' '
	setup_lab &&
	vosctl -C lab render --write >out 2>err &&
	f=lab/inventory/service-inventory.md &&
	sed -n "2,8p" $f | cut -d: -f1 >keys &&
	printf "title\ndescription\npublished\ndate\ntags\neditor\ndateCreated\n" >expect &&
	test_cmp expect keys &&
	test_grep "^# Service Inventory$" $f &&
	test_grep "^## LiteLLM (litellm)$" $f &&
	sed -n "/^## LiteLLM (litellm)$/,/^## /p" $f >litellm &&
	for b in Purpose Host Ports Launch "Restart policy" Logs Dependencies "Data/secret locations"; do
		test_grep "^- $b: " litellm || return 1
	done &&
	test_grep "^- Restart policy: .Restart=always., .RestartSec=2.$" litellm &&
	n=$(grep -c "^## " $f) && test "$n" -ge 10
'

test_expect_success 'the inventory page keeps dateCreated; its date moves only when content changes' '
	f=lab/inventory/service-inventory.md && cp $f inv1.md &&
	VOSCTL_NOW=2027-01-01T00:00:00.000Z vosctl -C lab render --write >out 2>err &&
	cmp inv1.md $f &&
	sed -i "s/purpose: LLM router\/proxy/purpose: LLM gateway/" lab/inventory/services-control.yaml &&
	sed -i "s/| LLM router\/proxy /| LLM gateway       /" lab/inventory/services.md &&
	VOSCTL_NOW=2027-01-01T00:00:00.000Z vosctl -C lab render --write >out 2>err &&
	test_grep "^date: 2027-01-01T00:00:00.000Z$" $f &&
	test_grep "^dateCreated: 2026-11-23T18:30:00.000Z$" $f &&
	test_grep "^- Purpose: LLM gateway$" $f
'

test_expect_success '--with-status without probe results: clear error, exit 2' '
	setup_lab &&
	test_expect_code 2 vosctl -C lab render --with-status >out 2>err &&
	test_grep "last-probe.json" err &&
	test_grep "vosctl probe" err &&
	test ! -e lab/inventory/status.md
'

test_expect_success '--with-status renders the status page from the last probe' '
	mkdir -p lab/.vosctl &&
	cat >lab/.vosctl/last-probe.json <<-\JSON &&
	{"time": "2026-11-23T18:00:00.000Z", "results": [
	 {"service": "litellm", "host": "skynet", "address": "127.0.10.1", "port": 4000, "check": "http",
	  "state": "up", "latency_ms": 3.25, "status": 200, "detail": ""},
	 {"service": "postgresql", "host": "deep-thought", "address": "127.0.10.2", "port": 5432, "check": "tcp",
	  "state": "down", "latency_ms": 0.1, "status": null, "detail": "connection refused"}],
	 "summary": {"up": 1, "down": 1, "timeout": 0, "error": 0}}
	JSON
	test_expect_code 0 vosctl -C lab render --with-status --write >out 2>err &&
	test_grep "status.md" out &&
	f=lab/inventory/status.md &&
	test_grep "^title: Service Status$" $f &&
	test_grep "^Targets: 1 up, 1 down, 0 timeout, 0 error, 0 skipped$" $f &&
	test_grep "^| LiteLLM  *| skynet  *| up  *| 3.2 ms  *|" $f &&
	test_grep "connection refused" $f &&
	test_expect_code 0 vosctl -C lab render --with-status --check >out 2>err
'

test_expect_success '--with-status with broken results is an input error' '
	printf "{\"results\": [" >lab/.vosctl/last-probe.json &&
	test_expect_code 2 vosctl -C lab render --with-status >out 2>err &&
	test_grep "probe results" err
'

# issue 13: a purpose that differs between page and inventory was neither reported nor reconciled
test_expect_success 'purpose drift: a warning at the page cell, an error under --strict' '
	setup_lab &&
	sed -i "s/^    purpose: Chat interface$/    purpose: Web chat front end/" lab/inventory/services-control.yaml &&
	test_expect_code 0 vosctl -C lab validate >out 2>err &&
	test_grep "^inventory/services.md:21:29: warning: \[purpose-drift\] service .open-webui. has purpose .Chat interface. on the page but .Web chat front end. in the inventory; the page is authoritative" out &&
	test_grep "^inventory/services-control.yaml:3:5: note: see also" out &&
	test_expect_code 1 vosctl -C lab validate --strict >out 2>err &&
	test_grep "error: \[purpose-drift\]" out
'

test_expect_success 'purpose drift, the page authoritative: render keeps the cell, the inventory page follows the page' '
	cp lab/inventory/services.md before.md &&
	vosctl -C lab render --write >out 2>err &&
	cmp before.md lab/inventory/services.md &&
	grep -A1 "^## Open WebUI (open-webui)$" lab/inventory/service-inventory.md >svc &&
	test_grep "^- Purpose: Chat interface$" svc
'

test_expect_success 'purpose drift, render.authority: inventory: render rewrites the page cell' '
	sed -i "s/^render:$/render:\n  authority: inventory/" lab/vosctl.yaml &&
	test_grep "^  authority: inventory$" lab/vosctl.yaml &&
	test_expect_code 0 vosctl -C lab validate >out 2>err &&
	test_grep "warning: \[purpose-drift\].*the inventory is authoritative (render.authority): render rewrites the page.s cell" out &&
	vosctl -C lab render --write >out 2>err &&
	test_grep "^| Open WebUI  *| 127\.0\.10\.1 *| Web chat front end *|$" lab/inventory/services.md &&
	grep -A1 "^## Open WebUI (open-webui)$" lab/inventory/service-inventory.md >svc &&
	test_grep "^- Purpose: Web chat front end$" svc &&
	vosctl -C lab validate >out 2>err &&
	test_no_grep "purpose-drift" out &&
	test_expect_code 0 vosctl -C lab render --check >out
'

test_expect_success 'render.authority takes page or inventory only' '
	setup_lab &&
	sed -i "s/^render:$/render:\n  authority: wiki/" lab/vosctl.yaml &&
	test_expect_code 2 vosctl -C lab validate >out 2>err &&
	cat out err >all &&
	test_grep "vosctl.yaml:[0-9]*:[0-9]*: error: .*.authority. must be .page. or .inventory., not .wiki." all
'

# issue 13: render --write wrote rows that break placement rules into the authoritative page, exit 0
test_expect_success 'render --write refuses a page that breaks a placement rule (exit 1, findings printed)' '
	setup_lab &&
	printf "services:\n  - id: bigmodel\n    name: Big Model\n    host: skynet\n    class: search\n    traits: [heavy-compute]\n    purpose: Too heavy\n" >lab/inventory/zz-heavy.yaml &&
	cp lab/inventory/services.md before.md &&
	test_expect_code 1 vosctl -C lab render --write >out 2>err &&
	cmp before.md lab/inventory/services.md &&
	test_grep "^inventory/services.md:[0-9]*:1: error: \[skynet-routes-only\].*Big Model" err &&
	test_grep "not written: the rendered pages have 1 error (see above); --allow-findings writes them anyway" err &&
	test_no_grep "^wrote" out
'

test_expect_success 'render --write --allow-findings writes it, the findings still printed' '
	test_expect_code 0 vosctl -C lab render --write --allow-findings >out 2>err &&
	test_grep "^| Big Model  *|" lab/inventory/services.md &&
	test_grep "error: \[skynet-routes-only\]" err &&
	test_grep "^wrote .inventory/services.md.$" out
'

test_expect_success 'render --write writes a clean result without a word about findings' '
	setup_lab &&
	printf "services:\n  - id: newsvc\n    name: New Service\n    host: skynet\n    class: search\n    purpose: Something new\n" >lab/inventory/zz-new.yaml &&
	test_expect_code 0 vosctl -C lab render --write >out 2>err &&
	test_grep "^| New Service" lab/inventory/services.md &&
	test_no_grep "error" err
'

# issue 13: publish pushed a status page whose rows are only refusals or stale results
status_results() { # TIME STATE [DETAIL]
	mkdir -p lab/.vosctl &&
	printf "{\"time\": \"%s\", \"results\": [{\"service\": \"litellm\", \"host\": \"skynet\", \"address\": \"127.0.10.1\", \"port\": 4000, \"check\": \"tcp\", \"state\": \"%s\", \"latency_ms\": 1, \"status\": null, \"detail\": \"%s\"}], \"summary\": {}}\n" \
		"$1" "$2" "${3-}" >lab/.vosctl/last-probe.json
}

test_expect_success '--with-status refuses results older than render.status_max_age (default 1h)' '
	setup_lab &&
	status_results 2026-11-23T17:29:59.000Z up &&
	test_expect_code 2 vosctl -C lab render --with-status --write >out 2>err &&
	test_grep "no status page: the probe results are from 2026-11-23T17:29:59.000Z, older than render.status_max_age (3600s): run .vosctl probe. again" err &&
	test ! -e lab/inventory/status.md &&
	status_results 2026-11-23T17:30:00.000Z up &&
	vosctl -C lab render --with-status --write >out 2>err &&
	test -f lab/inventory/status.md
'

test_expect_success 'render.status_max_age: 2h takes results of 90 minutes' '
	setup_lab &&
	status_results 2026-11-23T17:00:00.000Z up &&
	test_expect_code 2 vosctl -C lab render --with-status >out 2>err &&
	sed -i "s/^render:$/render:\n  status_max_age: 2h/" lab/vosctl.yaml &&
	vosctl -C lab render --with-status >out 2>err &&
	test_grep "status page" out
'

test_expect_success '--with-status refuses results that only refused (all skipped)' '
	setup_lab &&
	status_results 2026-11-23T18:29:00.000Z skipped "outside the probe scope" &&
	test_expect_code 2 vosctl -C lab render --with-status --write >out 2>err &&
	test_grep "no status page: the probe results probed nothing (1 target, all skipped or unresolved)" err &&
	test ! -e lab/inventory/status.md
'

test_expect_success '--with-status refuses results that record no time' '
	setup_lab &&
	status_results "" up &&
	test_expect_code 2 vosctl -C lab render --with-status >out 2>err &&
	test_grep "no status page: the probe results record no time" err
'

test_expect_success 'render.status_max_age takes seconds or Prometheus durations (1h30m, 1w)' '
	for good in 90 90s 1h30m 1w; do
		setup_lab &&
		sed -i "s/^render:$/render:\n  status_max_age: $good/" lab/vosctl.yaml &&
		vosctl -C lab validate >out 2>err || return 1
	done
'

test_expect_success 'render.status_max_age must be a duration' '
	for bad in 0 -1 5x 1500ms soon "[1]" 400d 60w; do
		setup_lab &&
		sed -i "s/^render:$/render:\n  status_max_age: $bad/" lab/vosctl.yaml &&
		test_expect_code 2 vosctl -C lab validate >out 2>err &&
		cat out err >all &&
		test_grep "vosctl.yaml:6:19: error: .*.status_max_age. must be a duration" all || return 1
	done
'

test_done
