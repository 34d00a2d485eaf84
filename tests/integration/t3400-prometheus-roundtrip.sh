#!/bin/sh
# t3400-prometheus-roundtrip: the real Prometheus and blackbox_exporter (Debian's packages) probe a lab
# of loopback listeners (up, down, a 500, one hanging) every second, fed by `vosctl export
# prometheus`; `validate --probe-from` then gives the same findings as `validate --probe`; a target
# Prometheus does not know, a stale sample, a wrong URL and bad credentials are findings or exit 3,
# never a pass; the token never shows; every prom output passes `promtool check metrics`. Servers listen on 127.0.0.1 ports the test obtained, inside
# the test's own network namespace, and are stopped at the end.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/tools/probe-lab.sh"

# a free loopback port (bound once by the kernel's choice, then released)
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_bg NAME CMD... : a server in the background, its pid stopped with the listeners'
start_bg() {
	name=$1; shift
	"$@" >"$TRASH/$name.log" 2>&1 &
	echo $! >>"$PIDS_FILE"
}

# wait_http URL : until it answers (at most 20 s)
wait_http() {
	i=0
	until curl -fsS -o /dev/null "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 200 ] && { echo "no answer from $1" >&2; return 1; }
		sleep 0.1
	done
}

PROM_PORT=$(free_port)
BB_PORT=$(free_port)
PROM=http://127.0.0.1:$PROM_PORT
SECRET=tok-3f9c2a71-do-not-print

# the lab: probe-lab.sh's, without what is not on loopback or needs its own CA (gamma's https
# vault, delta's 192.168.1.70): every target is then on 127.0.31.0/24, its VLAN, and Prometheus's
# blackbox_exporter may reach each of them as local probing does
write_lab() {
	write_probe_lab && python3 - lab <<-'EOF'
	import re, sys
	d = sys.argv[1]
	page = open(d + "/services.md").read()
	page = page[:page.index("### gamma")].rstrip("\n") + "\n"
	open(d + "/services.md", "w").write(page)
	inv = open(d + "/inventory/lab.yaml").read()
	inv = re.sub(r"  - \{name: (gamma|delta),.*\n", "", inv)
	inv = inv[:inv.index("  - id: vault")]
	open(d + "/inventory/lab.yaml", "w").write(inv)
	EOF
}

# The three files of `vosctl export prometheus` (file_sd targets labelled service, host, plane,
# module; blackbox_exporter's modules; the scrape job with the multi-target relabelling, probing every
# second), and a prometheus.yml that is the scrape job under a global section, next to the targets.
write_prometheus_files() {
	vosctl -C lab export prometheus --output "$TRASH/prom" --exporter 127.0.0.1:$BB_PORT \
		--interval 1 --timeout 1500 >export.out &&
	{ printf "global:\n  evaluation_interval: 1s\n"; cat prom/prometheus-scrape.yml; } >prom/prometheus.yml
}

# findings without what only the live run knows (messages carry latencies, errno texts, job names)
findings() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for f in sorted((x["rule"], x["severity"], x["file"] or "", x["line"], x["column"], x["service"] or "", x["host"] or "") for x in d["findings"]): print(*f)' "$1"
}

test_expect_success 'setup: lab, listeners, vosctl export prometheus accepted by promtool and blackbox_exporter' '
	write_lab && write_prometheus_files &&
	test_no_grep "192.168\|127.0.31.3\|vault" lab/inventory/lab.yaml &&
	start_probe_lab &&
	test_grep "\"service\": \"webui\"" prom/vosctl-targets.json &&
	test_grep "replacement: .127.0.0.1:$BB_PORT." prom/prometheus-scrape.yml &&
	promtool check config prom/prometheus.yml &&
	prometheus-blackbox-exporter --config.check --config.file=prom/blackbox.yml
'

test_expect_success 'blackbox_exporter and Prometheus start on loopback, scrape every second' '
	start_bg blackbox prometheus-blackbox-exporter --config.file="$TRASH/prom/blackbox.yml" \
		--web.listen-address=127.0.0.1:$BB_PORT &&
	start_bg prometheus prometheus --config.file="$TRASH/prom/prometheus.yml" \
		--storage.tsdb.path="$TRASH/tsdb" --web.listen-address=127.0.0.1:$PROM_PORT &&
	wait_http http://127.0.0.1:$BB_PORT/ &&
	wait_http $PROM/-/ready
'

test_expect_success 'within 20 s Prometheus holds a probe_success sample of each of the 9 targets' '
	i=0 &&
	until curl -fsS "$PROM/api/v1/query" --data-urlencode "query=count(probe_success{service!=\"\"})" >count.json &&
		python3 -c "import json,sys; r=json.load(open(\"count.json\"))[\"data\"][\"result\"]; sys.exit(0 if r and r[0][\"value\"][1] == \"9\" else 1)"; do
		i=$((i + 1)); [ $i -gt 200 ] && { cat count.json prometheus.log >&2; false; }; sleep 0.1
	done &&
	sleep 2
'

timing_test 'validate --probe-from gives the findings validate --probe gives' '
	test_expect_code 1 vosctl -C lab validate --probe --timeout 1500 --format json >local.json &&
	test_expect_code 1 vosctl -C lab validate --probe-from "$PROM" --format json >remote.json &&
	findings local.json >local.txt && findings remote.json >remote.txt &&
	test_cmp local.txt remote.txt &&
	test_grep "^probe-dependency-down error .*lab.yaml [0-9]* [0-9]* gateway alpha$" remote.txt &&
	test_grep "^probe-down error .* api beta$" remote.txt &&
	test_grep "^probe-down error .* slow beta$" remote.txt &&
	test_grep "^probe-down error .* cache beta$" remote.txt &&
	test_line_count 4 remote.txt &&
	test_grep "HTTP status 500, expected 200-399" remote.json
'

test_expect_success 'a target Prometheus does not know is an error, never a pass' '
	rm -rf extra && cp -R lab extra &&
	cat >>extra/inventory/lab.yaml <<-\EOF &&
	  - id: ghost
	    name: Ghost
	    host: beta
	    class: cache
	    ports: [{port: 27000}]
	EOF
	printf "| Ghost | 127.0.31.2 | Nobody scrapes it |\n" >>extra/services.md &&
	test_expect_code 1 vosctl -C extra validate --probe-from "$PROM" --format json >ghost.json &&
	findings ghost.json >ghost.txt &&
	test_grep "^probe-not-probed error .* ghost beta$" ghost.txt &&
	test_no_grep "page-unlisted" ghost.txt &&
	test_grep "Prometheus has no probe_success{service=..ghost.., instance=..127.0.31.2:27000..}" ghost.json
'

test_expect_success 'all up but one unknown target: still exit 1' '
	rm -rf up && mkdir -p up/inventory && cp lab/vosctl.yaml up/ &&
	sed -n "1,/^| Search /p" lab/services.md | sed "/Gateway/d" >up/services.md &&
	printf "| Ghost | 127.0.31.1 | Nobody scrapes it |\n" >>up/services.md &&
	cat >up/inventory/lab.yaml <<-\EOF &&
	vlans:
	  - {name: lab, cidr: 127.0.31.0/24}
	hosts:
	  - {name: alpha, plane: control, address: 127.0.31.1}
	services:
	  - {id: webui, name: Web UI, host: alpha, class: ui, ports: [{port: 23000, check: http, path: /health, body: ok}]}
	  - {id: search, name: Search, host: alpha, class: search, ports: [{port: 28888}]}
	  - {id: ghost, name: Ghost, host: alpha, class: cache, ports: [{port: 27001}]}
	EOF
	test_expect_code 1 vosctl -C up validate --probe-from "$PROM" >up.txt &&
	test_grep "error: \[probe-not-probed\] .ghost. port 27001 was not probed" up.txt &&
	test_grep "^1 error, 0 warnings" up.txt &&
	sed -i "/ghost/d; /Ghost/d" up/inventory/lab.yaml up/services.md &&
	test_expect_code 0 vosctl -C up validate --probe-from "$PROM" >clean.txt &&
	test_grep "^0 errors, 0 warnings" clean.txt
'

test_expect_success '--max-age 1ms: every sample is stale, each target an error' '
	test_expect_code 1 vosctl -C lab validate --probe-from "$PROM" --max-age 1ms --format json >stale.json &&
	findings stale.json >stale.txt &&
	test "$(grep -c "^probe-not-probed error" stale.txt)" = 9 &&
	test_grep "older than --max-age 1ms" stale.json &&
	test_no_grep "^probe-down" stale.txt
'

test_expect_success '--max-age: durations are checked, exit 2 for a bad one' '
	test_expect_code 2 vosctl -C lab validate --probe-from "$PROM" --max-age 5 2>err &&
	test_grep "invalid --max-age .5." err &&
	test_expect_code 2 vosctl -C lab validate --max-age 5m 2>err &&
	test_grep "\-\-max-age needs \-\-probe-from" err &&
	test_expect_code 2 vosctl -C lab validate --probe --probe-from "$PROM" 2>err &&
	test_expect_code 1 vosctl -C lab validate --probe-from "$PROM" --max-age 1h30m >/dev/null
'

test_expect_success 'a wrong URL, a server that is not Prometheus, a bad URL: exit 3 / 2 with a message' '
	port=$(free_port) &&
	test_expect_code 3 vosctl -C lab validate --probe-from http://127.0.0.1:$port >out 2>err &&
	test_grep "unable to query Prometheus at .http://127.0.0.1:$port/.: " err &&
	test_expect_code 3 vosctl -C lab validate --probe-from http://127.0.0.1:$BB_PORT/ 2>err &&
	test_grep "the answer of .http://127.0.0.1:$BB_PORT/. is not a Prometheus query API answer" err &&
	test_expect_code 3 vosctl -C lab validate --probe-from "$PROM/no/such/prefix" 2>err &&
	test_grep "Prometheus at .$PROM/no/such/prefix. answered HTTP 404" err &&
	test_expect_code 2 vosctl -C lab validate --probe-from ftp://127.0.0.1/ 2>err &&
	test_grep "is not an http(s) URL" err
'

test_expect_success 'the token (and URL user info) never appear in any output' '
	for f in json text github sarif junit prom; do
		test_expect_code 1 env VOSCTL_PROMETHEUS_TOKEN=$SECRET "$VOSCTL" -C lab validate --probe-from "$PROM" \
			--format $f >tok.$f 2>&1 || return 1
		test_no_grep "$SECRET" tok.$f || return 1
	done &&
	port=$(free_port) &&
	test_expect_code 3 env VOSCTL_PROMETHEUS_TOKEN=$SECRET "$VOSCTL" -C lab validate \
		--probe-from "http://me:$SECRET@127.0.0.1:$port/" >tok.err 2>&1 &&
	test_no_grep "$SECRET" tok.err &&
	test_grep "unable to query Prometheus at .http://127.0.0.1:$port/." tok.err
'

timing_test 'prom outputs of validate --probe-from and probe pass promtool check metrics' '
	test_expect_code 1 vosctl -C lab validate --probe-from "$PROM" --format prom >remote.prom &&
	promtool check metrics <remote.prom &&
	test_grep "^vosctl_findings{rule=\"probe-down\",severity=\"error\"} 3$" remote.prom &&
	test_grep "^vosctl_findings{rule=\"probe-dependency-down\",severity=\"error\"} 1$" remote.prom &&
	test_grep "^vosctl_probe_success{service=\"webui\",.*} 1$" remote.prom &&
	test_expect_code 1 vosctl -C lab validate --probe-from "$PROM" --format prom --output "$TRASH/remote2.prom" &&
	promtool check metrics <remote2.prom &&
	test_expect_code 1 vosctl -C lab probe --format prom --timeout 1500 --no-save --output "$TRASH/local.prom" &&
	promtool check metrics <local.prom &&
	test_grep "^vosctl_findings{rule=\"probe-down\",severity=\"error\"} 3$" local.prom
'

test_expect_success 'basic auth from VOSCTL_PROMETHEUS_USER/PASSWORD: wrong password exit 3, right one works' '
	hash=$(htpasswd -nbBC 5 vosctl "$SECRET" | cut -d: -f2) &&
	printf "basic_auth_users:\n  vosctl: %s\n" "$hash" >web.yml &&
	promtool check web-config web.yml &&
	port=$(free_port) &&
	start_bg prometheus-auth prometheus --config.file="$TRASH/prom/prometheus.yml" --web.config.file="$TRASH/web.yml" \
		--storage.tsdb.path="$TRASH/tsdb-auth" --web.listen-address=127.0.0.1:$port &&
	i=0 && until curl -s -o /dev/null -w "%{http_code}" http://127.0.0.1:$port/-/ready | grep -q 401; do
		i=$((i + 1)); [ $i -gt 200 ] && { cat prometheus-auth.log >&2; false; }; sleep 0.1
	done &&
	test_expect_code 3 env VOSCTL_PROMETHEUS_USER=vosctl VOSCTL_PROMETHEUS_PASSWORD=wrong \
		"$VOSCTL" -C lab validate --probe-from http://127.0.0.1:$port >out 2>err &&
	test_grep "answered HTTP 401" err &&
	test_expect_code 3 vosctl -C lab validate --probe-from http://127.0.0.1:$port 2>err &&
	test_grep "answered HTTP 401" err &&
	i=0 && while :; do
		env VOSCTL_PROMETHEUS_USER=vosctl VOSCTL_PROMETHEUS_PASSWORD=$SECRET \
			"$VOSCTL" -C lab validate --probe-from http://127.0.0.1:$port --format json >auth.json 2>err
		rc=$?
		[ $rc = 1 ] && [ "$(findings auth.json | grep -c "^probe-down")" = 3 ] && break
		i=$((i + 1)); [ $i -gt 100 ] && { echo "rc $rc" >&2; cat err auth.json >&2; return 1; }
		sleep 0.2
	done &&
	cat err auth.json >all && test_no_grep "$SECRET" all
'

test_expect_success 'every server is stopped' '
	probe_lab_cleanup &&
	test_expect_code 7 curl -s -o /dev/null $PROM/-/ready
'

test_done
