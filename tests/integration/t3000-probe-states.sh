#!/bin/sh
# vosctl probe against listeners on 127.0.31.0/24: states, formats, selection, exit codes, saving.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/tools/probe-lab.sh"

test_expect_success 'setup: lab and loopback listeners' '
	write_probe_lab && start_probe_lab
'

timing_test 'json: every state with its detail, exit 1' '
	test_expect_code 1 vosctl -C lab probe --format json --timeout 1500 >out.json &&
	test "$(jget out.json "r[\"webui:23000\"][\"state\"], r[\"webui:23000\"][\"status\"]")" = "('"'"'up'"'"', 200)" &&
	test "$(jget out.json "r[\"gateway:24000\"][\"state\"]")" = down &&
	test "$(jget out.json "r[\"gateway:24000\"][\"detail\"]")" = "connection refused" &&
	test "$(jget out.json "r[\"search:28888\"][\"state\"]")" = up &&
	test "$(jget out.json "r[\"api:25000\"][\"state\"], r[\"api:25000\"][\"status\"]")" = "('"'"'error'"'"', 500)" &&
	test "$(jget out.json "r[\"api:25000\"][\"detail\"]")" = "HTTP status 500, expected 200-399" &&
	test "$(jget out.json "r[\"slow:26000\"][\"state\"]")" = timeout &&
	test "$(jget out.json "r[\"cache:26379\"][\"state\"]")" = down &&
	test "$(jget out.json "r[\"vault:28443\"][\"state\"]")" = error &&
	test "$(jget out.json "[r[\"mlx:%d\" % p][\"state\"] for p in (28100, 28101, 28102)]")" = "['"'"'up'"'"', '"'"'up'"'"', '"'"'up'"'"']" &&
	test "$(jget out.json "len(d[\"results\"])")" = 11 &&
	test "$(jget out.json "d[\"summary\"]")" = "{'"'"'up'"'"': 5, '"'"'down'"'"': 2, '"'"'timeout'"'"': 1, '"'"'error'"'"': 2, '"'"'skipped'"'"': 1}"
'

test_expect_success 'an address outside the probe scope is skipped, never connected to' '
	test "$(jget out.json "r[\"remote:22\"][\"state\"]")" = skipped &&
	test "$(jget out.json "r[\"remote:22\"][\"detail\"]")" = "address 192.168.1.70 is outside the probe scope" &&
	test "$(jget out.json "r[\"remote:22\"][\"latency_ms\"]")" = 0.0
'

timing_test 'latency is measured; the timeout bounds the hanging target' '
	lat=$(jget out.json "r[\"slow:26000\"][\"latency_ms\"]") &&
	python3 -c "import sys; v=float(sys.argv[1]); sys.exit(0 if 1400 <= v <= 4000 else 1)" "$lat" &&
	python3 -c "import sys; v=float(sys.argv[1]); sys.exit(0 if v > 0 else 1)" "$(jget out.json "r[\"webui:23000\"][\"latency_ms\"]")"
'

test_expect_success 'https: a self-signed certificate is an error unless --insecure or --cacert' '
	test "$(jget out.json "\"certificate\" in r[\"vault:28443\"][\"detail\"] or \"SSL\" in r[\"vault:28443\"][\"detail\"]")" = True &&
	test_expect_code 0 vosctl -C lab probe --service vault --insecure --format json --no-save >ins.json &&
	test "$(jget ins.json "r[\"vault:28443\"][\"state\"], r[\"vault:28443\"][\"status\"]")" = "('"'"'up'"'"', 200)" &&
	test_expect_code 0 vosctl -C lab probe --service vault --cacert "$TRASH/cert.pem" --format json --no-save >ca.json &&
	test "$(jget ca.json "r[\"vault:28443\"][\"state\"]")" = up
'

test_expect_success 'selection: --host, --service, --class (repeatable), exit 0 when all up' '
	test_expect_code 0 vosctl -C lab probe --host alpha --service webui --format json --no-save >sel.json &&
	test "$(jget sel.json "sorted(r)")" = "['"'"'webui:23000'"'"']" &&
	test_expect_code 0 vosctl -C lab probe --class inference --class search --format json --no-save >cls.json &&
	test "$(jget cls.json "sorted(r)")" = "['"'"'mlx:28100'"'"', '"'"'mlx:28101'"'"', '"'"'mlx:28102'"'"', '"'"'search:28888'"'"']" &&
	test_expect_code 1 vosctl -C lab probe --host beta --format json --no-save --timeout 1500 >beta.json &&
	test "$(jget beta.json "sorted(set(x[\"host\"] for x in d[\"results\"]))")" = "['"'"'beta'"'"']"
'

timing_test 'table: grouped by host, aligned, summary line, no colour when piped' '
	test_expect_code 1 vosctl -C lab probe --timeout 1500 --no-save >table.txt 2>err.txt &&
	test_grep "^alpha (127.0.31.1)$" table.txt &&
	test_grep "^beta (127.0.31.2)$" table.txt &&
	test_grep "^  SERVICE  *PORT  *CHECK  *STATE  *LATENCY  *DETAIL$" table.txt &&
	test_grep "^  gateway  *24000  http   down .*connection refused$" table.txt &&
	test_grep "^  api  *25000  http   error .*500, HTTP status 500" table.txt &&
	test_grep "^11 targets: 5 up, 2 down, 1 timeout, 2 error, 1 skipped$" table.txt &&
	test_no_grep "$(printf "\033")" table.txt &&
	test_no_grep "probing:" err.txt &&
	awk "/^  [a-z]/ { print index(\$0, \"PORT\") ? \"\" : substr(\$0, 1, 2) }" table.txt >/dev/null
'

timing_test 'on a TTY: colour, and a live progress line while targets are outstanding' '
	command -v script >/dev/null || { echo "script(1) missing (bsdutils)"; exit 1; } &&
	script -qec "env -u NO_COLOR \"$VOSCTL\" -C lab probe --no-save --timeout 1500" /dev/null >tty.txt;
	test_grep "probing: [0-9]*/11 done" tty.txt &&
	test_grep "$(printf "\033")\[32mup" tty.txt &&
	test_grep "^11 targets: 5 up" tty.txt
'

timing_test 'prom: blackbox_exporter names, labels service/host/address/port/check(/path)' '
	test_expect_code 1 vosctl -C lab probe --format prom --timeout 1500 --no-save >out.prom &&
	test_grep "^vosctl_probe_success{service=\"webui\",host=\"alpha\",address=\"127.0.31.1\",port=\"23000\",check=\"http\",path=\"/health\"} 1$" out.prom &&
	test_grep "^vosctl_probe_success{service=\"gateway\",host=\"alpha\",address=\"127.0.31.1\",port=\"24000\",check=\"http\",path=\"/health/liveliness\"} 0$" out.prom &&
	test_grep "^vosctl_probe_http_status_code{service=\"api\",host=\"beta\",address=\"127.0.31.2\",port=\"25000\",check=\"http\",path=\"/\"} 500$" out.prom &&
	test_grep "^vosctl_probe_success{service=\"search\",host=\"alpha\",address=\"127.0.31.1\",port=\"28888\",check=\"tcp\"} 1$" out.prom &&
	test_grep "^vosctl_probe_duration_seconds{service=\"search\".*} 0\.[0-9]*$" out.prom &&
	test_grep "^# TYPE vosctl_probe_success gauge$" out.prom &&
	test_no_grep "http_status_code{service=\"search\"" out.prom
'

# issue 10, item 11: two samples of one metric with the same label set make Prometheus reject the scrape
test_expect_success 'prom: one port declared with several checks (and one twice): no two samples share a label set' '
	rm -rf dup && cp -R lab dup &&
	sed -i "s#ports: \[{port: 24000, check: http, path: /health/liveliness, status: 200}\]#ports: [{port: 24000, check: http, path: /health/liveliness, status: 200}, {port: 24000, check: tcp}, {port: 24000, check: http, path: /other}, {port: 24000, check: tcp}]#" dup/inventory/*.yaml &&
	grep -q "port: 24000, check: tcp" dup/inventory/*.yaml &&
	test_expect_code 1 vosctl -C dup probe --service gateway --format prom --timeout 1500 --no-save >dup.prom &&
	grep "^vosctl_probe_success{" dup.prom >success &&
	test_line_count 4 success &&
	grep -v "^#" dup.prom | sed "s/ [^ ]*\$//" | sort | uniq -d >dups &&
	test_line_count 0 dups &&
	test_grep "^vosctl_probe_success{service=\"gateway\",.*,port=\"24000\",check=\"tcp\"} 0$" dup.prom &&
	test_grep "^vosctl_probe_success{service=\"gateway\",.*,port=\"24000\",check=\"tcp\",decl=\"2\"} 0$" dup.prom &&
	test_grep "^vosctl_probe_success{service=\"gateway\",.*,check=\"http\",path=\"/other\"} 0$" dup.prom
'

timing_test 'prom: state labels, the lab'"'"'s findings counted, promtool check metrics accepts it' '
	test_expect_code 1 vosctl -C lab probe --format prom --timeout 1500 --no-save >all.prom &&
	promtool check metrics <all.prom &&
	test_grep "^vosctl_probe_state{service=\"slow\",.*,state=\"timeout\"} 1$" all.prom &&
	test_grep "^vosctl_probe_state{service=\"slow\",.*,state=\"up\"} 0$" all.prom &&
	test "$(grep -c "^vosctl_probe_state{service=\"webui\"" all.prom)" = 5 &&
	test_grep "^vosctl_findings{rule=\"probe-dependency-down\",severity=\"error\"} 1$" all.prom &&
	test_grep "^vosctl_findings{rule=\"probe-not-probed\",severity=\"error\"} 1$" all.prom &&
	test_grep "^vosctl_probe_skipped{service=\"remote\",.*,reason=\"address 192.168.1.70 is outside the probe scope\"} 1$" all.prom
'

test_expect_success 'prom: HELP and TYPE are the same on every run, with samples or without' '
	grep "^#" all.prom >head.all &&
	test_expect_code 0 vosctl -C lab probe --format prom --service search --no-save >one.prom &&
	grep "^#" one.prom >head.one && test_cmp head.all head.one &&
	vosctl -C lab validate --format prom >val.prom &&
	promtool check metrics <val.prom &&
	grep "^#" val.prom >head.val && test_cmp head.all head.val &&
	test_no_grep "^vosctl_probe" val.prom &&
	test "$(grep -c "^# TYPE .* gauge$" val.prom)" = 8 &&
	test_no_grep " [0-9]* [0-9]\{10,\}$" all.prom
'

test_expect_success 'prom --output: written atomically in place of the old file, no lock left, mode 0644' '
	mkdir -p textfile && echo "old" >textfile/vosctl.prom &&
	test_expect_code 0 vosctl -C lab probe --format prom --service search --no-save --output "$TRASH/textfile/vosctl.prom" >out 2>err &&
	test_line_count 0 out && test_line_count 0 err &&
	test_grep "^vosctl_probe_success{service=\"search\",.*} 1$" textfile/vosctl.prom &&
	test_no_grep "^old" textfile/vosctl.prom &&
	ls -A textfile >list && echo vosctl.prom >want && test_cmp want list &&
	test "$(stat -c %a textfile/vosctl.prom)" = 644 &&
	promtool check metrics <textfile/vosctl.prom
'

test_expect_success 'prom --output: a name without .prom is warned about; an unwritable place is exit 3; --output needs prom' '
	test_expect_code 0 vosctl -C lab probe --format prom --service search --no-save --output "$TRASH/textfile/x.txt" 2>err &&
	test_grep "warning: .*x.txt. does not end in .prom" err &&
	test -s textfile/x.txt &&
	test_expect_code 3 vosctl -C lab probe --format prom --service search --no-save --output "$TRASH/no/such/dir/v.prom" 2>err &&
	test_grep "error: " err &&
	test_expect_code 2 vosctl -C lab probe --format json --output "$TRASH/textfile/v.prom" 2>err &&
	test_grep "\-\-output needs \-\-format prom" err &&
	test_expect_code 2 vosctl -C lab validate --output "$TRASH/textfile/v.prom" 2>err &&
	test_grep "\-\-output needs \-\-format prom" err &&
	ls -A textfile >list && printf "%s\n" vosctl.prom x.txt >want && test_cmp want list
'

timing_test 'results are saved to .vosctl/last-probe.json; --no-save leaves it alone' '
	rm -rf lab/.vosctl &&
	test_expect_code 1 vosctl -C lab probe --timeout 1500 >/dev/null &&
	test -f lab/.vosctl/last-probe.json &&
	test "$(jget lab/.vosctl/last-probe.json "r[\"api:25000\"][\"status\"]")" = 500 &&
	rm -rf lab/.vosctl &&
	test_expect_code 1 vosctl -C lab probe --timeout 1500 --no-save >/dev/null &&
	test ! -e lab/.vosctl
'

test_expect_success 'usage and input errors exit 2' '
	test_expect_code 2 vosctl -C lab probe --format xml 2>err &&
	test_grep "unknown format" err &&
	test_expect_code 2 vosctl -C lab probe --host nosuch 2>err &&
	test_grep "unknown host .nosuch." err &&
	test_expect_code 2 vosctl -C lab probe --service nosuch 2>err &&
	test_expect_code 2 vosctl -C lab probe --scan 0-99999 2>err &&
	test_grep "invalid port list" err &&
	test_expect_code 2 vosctl -C lab probe --cacert /nonexistent.pem 2>err &&
	test_expect_code 2 vosctl -C lab probe stray 2>err
'

timing_test 'validate --probe: one finding at the dependency, none at the dependent' '
	test_must_fail vosctl -C lab validate --probe --timeout 1500 >val.txt 2>&1 &&
	test_grep "probe-dependency-down.*.gateway. is down.*while .webui., which depends on it, is up" val.txt &&
	test_no_grep "probe-.*.webui. is" val.txt &&
	test_grep "probe-down.*.cache. is down" val.txt &&
	test_no_grep "probe-down.*.remote." val.txt &&
	test_grep "lab.yaml:50:5: error: \[probe-not-probed\] .remote. port 22 was not probed (skipped): address 192.168.1.70 is outside the probe scope$" val.txt
'

# 200 hanging endpoints under a soft descriptor limit of 100: probe raises it to the hard limit, so
# they all wait at once (one --timeout, about 1 s), not 100 descriptors at a time (seven rounds)
if [ "$(ulimit -H -n)" = unlimited ] || [ "$(ulimit -H -n)" -ge 1024 ]; then
timing_test 'the soft descriptor limit is raised to the hard one: 200 hanging targets in one timeout' '
	start_listeners hang200 hang:127.0.31.5:27000-27199 &&
	mkdir -p many/inventory &&
	printf "page: services.md\ninventory: inventory\nprobe:\n  scope: [127.0.31.0/24]\n" >many/vosctl.yaml &&
	printf "# Many\n\n## Data Plane\n\n### h5 (Hang)\n\n| Service | IP | Purpose |\n|---|---|---|\n| Hang | 127.0.31.5 | hangs |\n" >many/services.md &&
	printf "hosts:\n  - {name: h5, plane: data, address: 127.0.31.5}\nvocabulary: {classes: {bench: a benchmark target}}\nservices:\n  - {id: hang, name: Hang, host: h5, class: bench, ports: [{port: \"27000-27199\", check: http}]}\n" >many/inventory/lab.yaml &&
	t0=$(date +%s.%N) &&
	(ulimit -S -n 100 && exec "$VOSCTL" -C many probe --timeout 1000 --format json --no-save) >many.json; test $? = 1 &&
	t1=$(date +%s.%N) &&
	test "$(jget many.json "d[\"summary\"][\"timeout\"]")" = 200 &&
	python3 -c "import sys; t=float(sys.argv[2])-float(sys.argv[1]); sys.exit(0 if t < 3.5 else 1)" "$t0" "$t1"
'
fi

test_done
