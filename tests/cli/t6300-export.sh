#!/bin/sh
# t6300: vosctl export. Each format passes its upstream checker where Debian packages one
# (promtool check config for the scrape config and the file_sd targets it names,
# prometheus-blackbox-exporter --config.check for the module file), else a JSON Schema written from
# its documentation (tests/schemas/: Gatus, Homepage, Ansible); --check exits 1 with a diff on drift
# and 0 when equal; --output replaces files atomically and leaves no temp file; write failures exit 3.
. "$(dirname "$0")/../lib.sh"

SCHEMAS=$SRC/tests/schemas
schema() { python3 "$SRC/tests/tools/yaml-schema.py" "$SCHEMAS/$1.schema.json" "$2"; }

cp -R "$SRC/inventory" lab-inventory && mkdir lab && mv lab-inventory lab/inventory &&
	cp "$SRC/vosctl.yaml" lab/ || { echo "Bail out! no lab"; exit 1; }

test_expect_success 'prometheus --output DIR writes the three files' '
	test_expect_code 0 vosctl -C lab export prometheus --output "$TRASH/prom" >out 2>err &&
	test_grep "wrote .*vosctl-targets.json" out &&
	test_grep "wrote .*blackbox.yml" out &&
	test_grep "wrote .*prometheus-scrape.yml" out &&
	test_grep "2 declared ports not exported: check none or udp" err &&
	test -s prom/vosctl-targets.json && test -s prom/blackbox.yml && test -s prom/prometheus-scrape.yml
'

test_expect_success 'promtool check config accepts a prometheus.yml with the scrape config and its targets' '
	{ printf "global:\n  scrape_interval: 15s\n" && cat prom/prometheus-scrape.yml; } >prom/prometheus.yml &&
	promtool check config prom/prometheus.yml >pt.out 2>&1 &&
	test_grep "SUCCESS" pt.out &&
	# the file_sd file is checked too: a broken one fails
	mkdir bad && cp prom/prometheus.yml bad/ && echo "[{\"targets\": 1}]" >bad/vosctl-targets.json &&
	test_must_fail promtool check config bad/prometheus.yml >bad.out 2>&1
'

test_expect_success 'blackbox_exporter --config.check accepts the module file (and not a broken one)' '
	prometheus-blackbox-exporter --config.check --config.file=prom/blackbox.yml >bb.out 2>&1 &&
	test_grep "Config file is ok" bb.out &&
	sed "s/follow_redirects:/follow_redirectz:/" prom/blackbox.yml >bad/blackbox.yml &&
	test_must_fail prometheus-blackbox-exporter --config.check --config.file=bad/blackbox.yml >bb2.out 2>&1
'

test_expect_success 'targets carry service, host, plane and module; http targets are URLs, tcp ADDR:PORT' '
	python3 -c "
import json, sys
groups = json.load(open(\"prom/vosctl-targets.json\"))
mods = set()
for g in groups:
    l = g[\"labels\"]
    assert set(l) <= {\"service\", \"host\", \"plane\", \"module\"}, l
    assert l[\"service\"] and l[\"module\"], l
    mods.add(l[\"module\"])
    for t in g[\"targets\"]:
        assert t.startswith(\"http\") == l[\"module\"].startswith(\"http\"), (t, l)
print(len(groups), sorted(mods))
" >labels.out &&
	test_grep "tcp_connect" labels.out &&
	test_grep "http_200-399" labels.out &&
	grep -q "\"module\": \"tcp_connect\"" prom/vosctl-targets.json &&
	grep -q "replacement: \"127.0.0.1:9115\"" prom/prometheus-scrape.yml
'

test_expect_success '--exporter, --interval, --timeout, --targets-path and --job reach the files' '
	vosctl -C lab export prometheus --part scrape --exporter 127.0.0.1:19115 --interval 1 \
		--timeout 500 --targets-path /etc/prometheus/vosctl.json --job site-b >scrape.yml 2>/dev/null &&
	test_grep "job_name: site-b" scrape.yml &&
	test_grep "replacement: \"127.0.0.1:19115\"" scrape.yml &&
	test_grep "scrape_interval: 1s" scrape.yml &&
	test_grep "scrape_timeout: 1s" scrape.yml &&
	test_grep "/etc/prometheus/vosctl.json" scrape.yml &&
	vosctl -C lab export prometheus --part modules --timeout 500 >mods.yml 2>/dev/null &&
	test_grep "timeout: 500ms" mods.yml
'

test_expect_success 'stdout is what --output writes, byte for byte (every part)' '
	for p in targets modules scrape; do
		vosctl -C lab export prometheus --part $p >part.$p 2>/dev/null || return 1
	done &&
	cmp part.targets prom/vosctl-targets.json &&
	cmp part.modules prom/blackbox.yml &&
	cmp part.scrape prom/prometheus-scrape.yml
'

for f in gatus homepage ansible; do
	test_expect_success "$f: validates against tests/schemas/$f.schema.json" "
		vosctl -C lab export $f -q >$f.yaml &&
		test -s $f.yaml &&
		schema $f $f.yaml >$f.schema.out &&
		test_grep '^ok ' $f.schema.out
	"
done

test_expect_success 'the schemas are not vacuous: a broken file of each fails' '
	sed "s/\\[STATUS\\]/STATUS/" gatus.yaml >gatus-bad.yaml &&
	test_expect_code 1 schema gatus gatus-bad.yaml >o1 &&
	test_grep "conditions" o1 &&
	sed "s/href: http/href: htp/" homepage.yaml >homepage-bad.yaml &&
	test_expect_code 1 schema homepage homepage-bad.yaml >o2 &&
	sed "s/plane_control:/plane-control:/" ansible.yaml >ansible-bad.yaml &&
	test_expect_code 1 schema ansible ansible-bad.yaml >o3
'

test_expect_success 'gatus: every endpoint key (group + name, as Gatus folds it) is unique' '
	python3 -c "
import yaml, re
eps = yaml.safe_load(open(\"gatus.yaml\"))[\"endpoints\"]
keys = [re.sub(r\"[ /_,.#+&]\", \"-\", (e.get(\"group\", \"\") + \"_\" + e[\"name\"]).lower()) for e in eps]
assert len(keys) == len(set(keys)), keys
assert any(\"[CONNECTED] == true\" in e[\"conditions\"] for e in eps)
assert any(\"[STATUS] == 200\" in e[\"conditions\"] for e in eps)
assert any(c.startswith(\"[BODY] == pat(*\") for e in eps for c in e[\"conditions\"])
print(len(eps))
" >n.out
'

test_expect_success 'homepage --group-by host: one group per host' '
	vosctl -C lab export homepage --group-by host -q >hp-host.yaml &&
	schema homepage hp-host.yaml >/dev/null &&
	test_grep "^- skynet:" hp-host.yaml &&
	test_no_grep "^- control:" hp-host.yaml
'

test_expect_success '--check: equal exits 0 and prints nothing' '
	vosctl -C lab export gatus -q --output "$TRASH/deployed.yaml" &&
	test_expect_code 0 vosctl -C lab export gatus --check --output "$TRASH/deployed.yaml" >out 2>err &&
	test ! -s out &&
	test_expect_code 0 vosctl -C lab export prometheus --check -q --output "$TRASH/prom" >out &&
	test ! -s out
'

test_expect_success '--check: drift exits 1 with a unified diff, and writes nothing' '
	cp deployed.yaml before.yaml &&
	sed -i "s/^  interval: 1m$/  interval: 5m/" deployed.yaml &&
	cp deployed.yaml drifted.yaml &&
	test_expect_code 1 vosctl -C lab export gatus --check --output "$TRASH/deployed.yaml" >diff 2>err &&
	test_grep "^--- .*deployed.yaml" diff &&
	test_grep "^+++ .*deployed.yaml" diff &&
	test_grep "^-  interval: 5m" diff &&
	test_grep "^+  interval: 1m" diff &&
	test_grep "1 file differs" err &&
	cmp drifted.yaml deployed.yaml
'

test_expect_success '--check: a missing file is drift (diff from /dev/null); prometheus names the file' '
	test_expect_code 1 vosctl -C lab export ansible --check -q --output "$TRASH/nope.yaml" >diff2 &&
	test_grep "^--- /dev/null" diff2 &&
	rm prom/blackbox.yml &&
	test_expect_code 1 vosctl -C lab export prometheus --check -q --output "$TRASH/prom" >diff3 &&
	test_grep "^+++ .*prom/blackbox.yml" diff3 &&
	test_no_grep "vosctl-targets.json" diff3 &&
	test ! -e prom/blackbox.yml
'

test_expect_success '--check follows the inventory: a changed port is drift' '
	vosctl -C lab export prometheus -q --output "$TRASH/prom" &&
	cp -R lab lab2 &&
	sed -i "s/port: 4000/port: 4999/" lab2/inventory/services-control.yaml &&
	grep -q "port: 4999" lab2/inventory/services-control.yaml &&
	test_expect_code 1 vosctl -C lab2 export prometheus --check -q --output "$TRASH/prom" >diff4 &&
	test_grep "^+.*:4999" diff4
'

test_expect_success '--output replaces the file atomically and leaves no temp file' '
	ino1=$(stat -c %i deployed.yaml) &&
	vosctl -C lab export gatus --output "$TRASH/deployed.yaml" >out &&
	test_grep "wrote" out &&
	ino2=$(stat -c %i deployed.yaml) &&
	test "$ino1" != "$ino2" &&
	cmp before.yaml deployed.yaml &&
	vosctl -C lab export gatus --output "$TRASH/deployed.yaml" >out2 &&
	test_grep "up to date" out2 &&
	test "$(stat -c %i deployed.yaml)" = "$ino2" &&
	! ls -a . prom | grep -e "\\.lock\$" -e "vosctl-.*tmp"
'

test_expect_success 'an unwritable destination exits 3 and writes nothing' '
	echo file >afile &&
	test_expect_code 3 vosctl -C lab export gatus --output "$TRASH/afile/gatus.yaml" >out 2>err &&
	test_grep "error:" err &&
	test_expect_code 3 vosctl -C lab export prometheus --output "$TRASH/afile" >out 2>err &&
	test_grep "unable to create" err &&
	test "$(cat afile)" = file &&
	mkdir ro &&
	if unshare -m sh -c "mount -t tmpfs -o ro tmpfs \"$TRASH/ro\"" 2>/dev/null; then
		unshare -m sh -c "mount -t tmpfs -o ro tmpfs \"$TRASH/ro\" &&
			\"$VOSCTL\" -C lab export ansible --output \"$TRASH/ro/inv.yaml\" >ro.out 2>ro.err; echo \$? >ro.rc" &&
		test "$(cat ro.rc)" = 3 &&
		test_grep "error:" ro.err
	fi &&
	test ! -e ro/inv.yaml
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 vosctl -C lab export 2>e1 &&
	test_grep "needs a format" e1 &&
	test_expect_code 2 vosctl -C lab export nagios 2>e2 &&
	test_grep "unknown export format .nagios." e2 &&
	test_expect_code 2 vosctl -C lab export prometheus 2>e3 &&
	test_grep "three files" e3 &&
	test_expect_code 2 vosctl -C lab export gatus --check 2>e4 &&
	test_grep "needs --output" e4 &&
	test_expect_code 2 vosctl -C lab export gatus --part targets 2>e5 &&
	test_expect_code 2 vosctl -C lab export prometheus --part nope 2>e6 &&
	test_expect_code 2 vosctl -C lab export homepage --group-by vlan 2>e7 &&
	test_expect_code 2 vosctl -C lab export prometheus --part scrape --exporter http://x/ 2>e8 &&
	test_expect_code 2 vosctl -C lab export gatus extra 2>e9
'

test_expect_success 'bad input: located error, exit 2, nothing written' '
	cp -R lab badlab &&
	printf "services:\n  - id: [\n" >badlab/inventory/zz-broken.yaml &&
	test_expect_code 2 vosctl -C badlab export gatus --output "$TRASH/bad.yaml" >out 2>err &&
	test_grep "zz-broken.yaml:[0-9]*:[0-9]*: error:" err &&
	test ! -e bad.yaml
'

test_done
