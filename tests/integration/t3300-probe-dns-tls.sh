#!/bin/sh
# vosctl probe's DNS checks (a dnsmasq this test starts: up over udp and tcp, a wrong answer,
# NXDOMAIN, a closed port), https certificate expiry (certificates made here, -days 5 and -days
# 400, trusted through probe.cacert) and request headers whose secret comes from the environment
# (a listener records what it was sent; no output carries the secret).
# lib.sh runs this in a private network namespace and exports VOSCTL_PROBE_SCOPE=127.0.0.0/8,::1/128.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/tools/probe-lab.sh"

DNS_PORT=25353
SECRET=s3cr3t-Zq8vW2-not-for-output

# jtrue FILE EXPR : the python expression on the JSON document (d, r as in jget) is true
jtrue() { test "$(jget "$1" "$2")" = True; }

# mkcert NAME DAYS : a self-signed certificate for 127.0.33.1 valid DAYS days
mkcert() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TRASH/$1.key" -out "$TRASH/$1.pem" -days "$2" \
		-subj "/CN=vosctl-$1" -addext "subjectAltName=IP:127.0.33.1" >/dev/null 2>&1
}

# write_lab DIR CONFIG_LINE "NAME|IP"... : a lab whose page lists the given services
write_lab() {
	dir=$1 extra=$2 && shift 2 &&
	mkdir -p "$dir/inventory" &&
	cat >"$dir/vosctl.yaml" <<-EOF &&
	page: services.md
	inventory: inventory
	probe:
	  cacert: ca.pem
	$extra
	EOF
	{
		printf -- "---\ntitle: DNS Lab\n---\n\n# DNS Lab\n\n## Control Plane (hal)\n\n"
		printf "| Service | IP | Purpose |\n|---------|-----|---------|\n"
		for row in "$@"; do
			printf "| %s | %s | Test |\n" "${row%%|*}" "${row#*|}"
		done
	} >"$dir/services.md"
}

# one_host_inventory DIR : the VLAN and host hal of an inventory whose services follow (appended)
one_host_inventory() {
	cat >"$1/inventory/lab.yaml" <<-\EOF
	vlans:
	  - {name: lab, cidr: 127.0.33.0/24}
	hosts:
	  - {name: hal, plane: control, address: 127.0.33.1}
	services:
	EOF
}

test_expect_success 'setup: dnsmasq with lab names, https listeners (5 and 400 days), a recording http listener' '
	printf "127.0.33.1 hal.lan\n::1 hal.lan\n127.0.33.7 nas.lan\n" >hosts.txt &&
	start_dnsmasq dns lan "$TRASH/hosts.txt" 127.0.33.1 $DNS_PORT &&
	printf "127.0.33.7 nas.lan\n" >hosts2.txt &&
	start_dnsmasq dns2 lan "$TRASH/hosts2.txt" 127.0.33.2 $DNS_PORT &&
	mkcert soon 5 && mkcert later 400 && cat soon.pem later.pem >ca.pem &&
	cp soon.pem cert.pem && cp soon.key key.pem &&
	start_listeners soon https:127.0.33.1:24431 &&
	cp later.pem cert.pem && cp later.key key.pem &&
	start_listeners later https:127.0.33.1:24432 &&
	start_listeners rec --record "$TRASH/requests.txt" http200:127.0.33.1:24080 &&
	write_lab dns "" &&
	cat >dns/services.md <<-\EOF &&
	---
	title: DNS Lab
	---

	# DNS Lab

	## Control Plane (hal)

	| Service | IP | Purpose |
	|---------|-----|---------|
	| DNS (Unbound) | 127.0.33.1 | Resolver |

	## Data Plane

	### pi (Filter)

	| Service | IP | Purpose |
	|---------|-----|---------|
	| Pi-hole | 127.0.33.2 | Wrong answers |

	### off (Gone)

	| Service | IP | Purpose |
	|---------|-----|---------|
	| Off | 127.0.33.3 | Nothing listens |
	EOF
	cat >dns/inventory/lab.yaml <<-EOF
	vlans:
	  - {name: lab, cidr: 127.0.33.0/24}
	hosts:
	  - {name: hal, plane: control, address: 127.0.33.1}
	  - {name: pi, plane: data, address: 127.0.33.2}
	  - {name: off, plane: data, address: 127.0.33.3}
	services:
	  - id: unbound
	    name: DNS (Unbound)
	    host: hal
	    class: network
	    ports:
	      - {port: $DNS_PORT, proto: udp, check: dns, query: hal.lan, expect_address: 127.0.33.1}
	      - {port: $DNS_PORT, proto: tcp, check: dns, query: hal.lan, expect_address: ["127.0.33.1", "::1"]}
	  - id: pihole
	    name: Pi-hole
	    host: pi
	    class: network
	    ports:
	      - {port: $DNS_PORT, proto: udp, check: dns, query: nas.lan, expect_address: 127.0.33.8}
	      - {port: $DNS_PORT, proto: tcp, check: dns, query: nowhere.lan}
	  - id: off
	    name: Off
	    host: off
	    class: network
	    ports:
	      - {port: $DNS_PORT, proto: udp, check: dns, query: hal.lan}
	      - {port: $DNS_PORT, proto: tcp, check: dns, query: hal.lan}
	EOF
'

test_expect_success 'dns: up over udp and tcp, a wrong answer, NXDOMAIN, a closed port (udp and tcp)' '
	test_expect_code 1 vosctl -C dns probe --format json --no-save --timeout 1500 >dns.json &&
	python3 - dns.json <<-\EOF
	import json, sys
	d = json.load(open(sys.argv[1]))
	got = [(x["port"], x["proto"], x["query"], x["state"], x["detail"]) for x in d["results"]]
	want = [
	    (25353, "udp", "hal.lan", "up", ""),
	    (25353, "tcp", "hal.lan", "up", ""),
	    (25353, "udp", "nas.lan", "error", "wrong answer for '\''nas.lan'\'': expected 127.0.33.8 got 127.0.33.7"),
	    (25353, "tcp", "nowhere.lan", "error", "NXDOMAIN for '\''nowhere.lan'\''"),
	    (25353, "udp", "hal.lan", "down", "connection refused"),
	    (25353, "tcp", "hal.lan", "down", "connection refused"),
	]
	assert got == want, got
	assert all(x["check"] == "dns" for x in d["results"])
	assert d["summary"] == {"up": 2, "down": 2, "timeout": 0, "error": 2, "skipped": 0}, d["summary"]
	EOF
'

test_expect_success 'dns: the table shows the transport, prom passes promtool, the results file reads back' '
	test_expect_code 1 vosctl -C dns probe --timeout 1500 >dns.txt &&
	test_grep "unbound  25353/udp  dns    up " dns.txt &&
	test_grep "pihole   25353/tcp  dns    error .*NXDOMAIN for .nowhere.lan." dns.txt &&
	test_grep "^6 targets: 2 up, 2 down, 0 timeout, 2 error, 0 skipped$" dns.txt &&
	test_expect_code 1 vosctl -C dns probe --format prom --no-save --timeout 1500 >dns.prom &&
	promtool check metrics <dns.prom &&
	test_grep "^vosctl_probe_success{service=\"unbound\",host=\"hal\",address=\"127.0.33.1\",port=\"25353\",check=\"dns\",proto=\"udp\",query=\"hal.lan\"} 1$" dns.prom &&
	test_grep "proto=\"tcp\",query=\"nowhere.lan\"} 0$" dns.prom &&
	cat >>dns/vosctl.yaml <<-\EOF &&
	render:
	  status: status.md
	EOF
	vosctl -C dns render --with-status --write &&
	test_grep "^| Off  *| off  *| down  *|.*| 25353/udp dns down, 25353/tcp dns down  *| 25353/udp dns: connection refused; 25353/tcp dns: connection refused  *|$" dns/status.md &&
	test_grep "^| DNS (Unbound) | hal  *| up  *|.*| 25353/udp dns up, 25353/tcp dns up  *|" dns/status.md
'

test_expect_success 'dns: validate --probe reports the failing checks at the service' '
	test_expect_code 1 vosctl -C dns validate --probe --timeout 1500 >val.txt &&
	test_grep "^inventory/lab.yaml:15:5: error: \[probe-down\] .pihole. fails its check (127.0.33.2:25353: wrong answer for .nas.lan.: expected 127.0.33.8 got 127.0.33.7)$" val.txt &&
	test_grep "^inventory/lab.yaml:22:5: error: \[probe-down\] .off. is down (127.0.33.3:25353: connection refused)$" val.txt &&
	test_no_grep "unbound" val.txt &&
	test_grep "^2 errors, 0 warnings" val.txt
'

test_expect_success 'dns: the scope applies to the DNS server: outside it nothing is sent' '
	write_lab far "" "DNS (Unbound)|192.0.2.53" &&
	one_host_inventory far &&
	sed -i "s/address: 127.0.33.1/address: 192.0.2.53/" far/inventory/lab.yaml &&
	cat >>far/inventory/lab.yaml <<-\EOF &&
	  - {id: unbound, name: DNS (Unbound), host: hal, class: network, ports: [{port: 53, proto: udp, check: dns, query: hal.lan}]}
	EOF
	test_expect_code 1 strace -f -qq -e trace=connect,sendto,sendmsg -o trace.txt \
		"$VOSCTL" -C far probe --format json --no-save >far.json &&
	test "$(jget far.json "r[\"unbound:53\"][\"state\"]")" = skipped &&
	test "$(jget far.json "r[\"unbound:53\"][\"detail\"]")" = "address 192.0.2.53 is outside the probe scope" &&
	test_no_grep "192\.0\.2\." trace.txt
'

test_expect_success 'dns: a check without query and a bad expected address are located errors' '
	write_lab bad "" "DNS (Unbound)|127.0.33.1" &&
	one_host_inventory bad &&
	cat >>bad/inventory/lab.yaml <<-\EOF &&
	  - id: unbound
	    name: DNS (Unbound)
	    host: hal
	    class: network
	    ports:
	      - {port: 53, proto: udp, check: dns}
	      - {port: 53, check: dns, query: hal.lan, expect_address: [127.0.33.1, 127.0.33.300]}
	      - {port: 54, check: tcp, query: hal.lan}
	EOF
	test_expect_code 2 vosctl -C bad validate 2>err &&
	test_grep "^inventory/lab.yaml:11:39: error: \[inventory-missing-key\] a dns check needs .query." err &&
	test_grep "^inventory/lab.yaml:12:77: error: \[inventory-value\] invalid expected address .127.0.33.300." err &&
	test_grep "^inventory/lab.yaml:13:39: error: \[inventory-value\] .query. is only for check: dns" err
'

write_tls_lab() {
	write_lab "$1" "$2" "Vault|127.0.33.1" &&
	one_host_inventory "$1" &&
	cat >>"$1/inventory/lab.yaml" <<-\EOF
	  - id: vault
	    name: Vault
	    host: hal
	    class: identity
	    ports:
	      - {port: 24431, check: https}
	      - {port: 24432, check: https}
	EOF
	cp ca.pem "$1/ca.pem"
}

test_expect_success 'tls: the earliest expiry in json (unix seconds and ISO date), days left in the table' '
	write_tls_lab tls "" &&
	test_expect_code 0 vosctl -C tls probe --format json --no-save >tls.json &&
	python3 - tls.json soon.pem later.pem <<-\EOF
	import json, subprocess, sys, time, calendar
	d = json.load(open(sys.argv[1]))
	def not_after(pem):
	    out = subprocess.run(["openssl", "x509", "-noout", "-enddate", "-in", pem], capture_output=True, text=True).stdout
	    return calendar.timegm(time.strptime(out.strip().split("=", 1)[1], "%b %d %H:%M:%S %Y GMT"))
	r = {x["port"]: x for x in d["results"]}
	assert r[24431]["state"] == "up" and r[24432]["state"] == "up", r
	assert r[24431]["cert_expiry"] == not_after(sys.argv[2]), (r[24431], not_after(sys.argv[2]))
	assert r[24432]["cert_expiry"] == not_after(sys.argv[3])
	assert r[24431]["cert_expiry_date"] == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(r[24431]["cert_expiry"]))
	EOF
	test_expect_code 0 vosctl -C tls probe >tls.txt &&
	test_grep "24431  https  up .*200, certificate expires in [45] days (" tls.txt &&
	test_grep "24432  https  up .*200, certificate expires in \(399\|400\) days (" tls.txt
'

test_expect_success 'tls: --insecure (no CA) still records the expiry' '
	rm tls/ca.pem && sed -i "/cacert/d" tls/vosctl.yaml &&
	test_expect_code 1 vosctl -C tls probe --format json --no-save >noca.json &&
	test "$(jget noca.json "r[\"vault:24431\"][\"state\"]")" = error &&
	test_expect_code 0 vosctl -C tls probe --insecure --format json --no-save >ins.json &&
	test "$(jget ins.json "r[\"vault:24431\"][\"cert_expiry\"]")" = "$(jget tls.json "r[\"vault:24431\"][\"cert_expiry\"]")" &&
	cp ca.pem tls/ca.pem && write_lab tls "" "Vault|127.0.33.1"
'

test_expect_success 'tls: prom carries vosctl_probe_ssl_earliest_cert_expiry; promtool accepts it' '
	test_expect_code 0 vosctl -C tls probe --format prom --no-save >tls.prom &&
	promtool check metrics <tls.prom &&
	test_grep "^# TYPE vosctl_probe_ssl_earliest_cert_expiry gauge$" tls.prom &&
	exp=$(jget tls.json "r[\"vault:24431\"][\"cert_expiry\"]") &&
	test_grep "^vosctl_probe_ssl_earliest_cert_expiry{service=\"vault\",host=\"hal\",address=\"127.0.33.1\",port=\"24431\",check=\"https\",path=\"/\"} $exp$" tls.prom
'

test_expect_success 'tls: validate --probe warns of the 5-day certificate at its port (exit 1 with --strict), the 400-day one is clean' '
	vosctl -C tls validate --probe >val.txt &&
	test_grep "^inventory/lab.yaml:11:9: warning: \[probe-cert-expiring\] .vault. port 24431: the certificate expires in [45] days (.*; probe.tls_expiry_days is 14)$" val.txt &&
	test_no_grep "24432" val.txt &&
	test_grep "^0 errors, 1 warning" val.txt &&
	test_expect_code 1 vosctl -C tls validate --probe --strict >/dev/null &&
	vosctl -C tls validate --probe --format sarif >val.sarif &&
	python3 -c "import json,sys; r=json.load(open(sys.argv[1]))[\"runs\"][0][\"results\"]; assert [(x[\"ruleId\"], x[\"level\"]) for x in r] == [(\"probe-cert-expiring\", \"warning\")], r" val.sarif &&
	write_tls_lab clean "" &&
	sed -i "/24431/d" clean/inventory/lab.yaml &&
	test_expect_code 0 vosctl -C clean validate --probe >clean.txt &&
	test_grep "^0 errors, 0 warnings" clean.txt
'

test_expect_success 'tls: probe.tls_expiry_days moves the threshold and is validated' '
	write_tls_lab days "  tls_expiry_days: 3" &&
	test_expect_code 0 vosctl -C days validate --probe >days.txt &&
	test_grep "^0 errors, 0 warnings" days.txt &&
	write_tls_lab zero "  tls_expiry_days: 0" &&
	test_expect_code 2 vosctl -C zero validate 2>err &&
	test_grep "^vosctl.yaml:5:20: error: \[config\] .tls_expiry_days. must be between 1 and 3650, not 0" err
'

write_header_lab() {
	write_lab "$1" "" "API|127.0.33.1" &&
	one_host_inventory "$1" &&
	cat >>"$1/inventory/lab.yaml" <<-\EOF
	  - id: api
	    name: API
	    host: hal
	    class: proxy
	    ports:
	      - port: 24080
	        check: http
	        path: /health
	        headers:
	          Authorization: {env: VOSCTL_TEST_API_TOKEN}
	          X-Lab: homelab
	EOF
}

test_expect_success 'headers: the env value is sent; it appears in no output, file or message' '
	write_header_lab hdr &&
	cat >>hdr/vosctl.yaml <<-\EOF &&
	render:
	  status: status.md
	EOF
	: >requests.txt &&
	VOSCTL_TEST_API_TOKEN="Bearer $SECRET" && export VOSCTL_TEST_API_TOKEN &&
	vosctl -C hdr probe >o1.txt 2>e1.txt &&
	test_grep "^Authorization: Bearer $SECRET" requests.txt &&
	test_grep "^X-Lab: homelab" requests.txt &&
	test_grep "^GET /health HTTP/1.1" requests.txt &&
	vosctl -C hdr probe --format json --no-save >o2.txt 2>e2.txt &&
	vosctl -C hdr probe --format prom --no-save >o3.txt 2>e3.txt &&
	vosctl -C hdr probe --plan >o4.txt 2>e4.txt &&
	vosctl -C hdr probe --plan --format json >o5.txt 2>e5.txt &&
	vosctl -C hdr validate --probe >o6.txt 2>e6.txt &&
	vosctl -C hdr validate --probe --format sarif >o7.txt 2>e7.txt &&
	vosctl -C hdr validate --probe --format junit >o8.txt 2>e8.txt &&
	vosctl -C hdr show --format json >o9.txt 2>e9.txt &&
	vosctl -C hdr render --with-status --write >o10.txt 2>e10.txt &&
	test "$(grep -c "^Authorization: Bearer $SECRET" requests.txt)" -ge 3 &&
	test_grep "api" o1.txt && test_grep "vosctl_probe_success" o3.txt &&
	test_no_grep "$SECRET" hdr/.vosctl/last-probe.json &&
	for f in o1.txt e1.txt o2.txt e2.txt o3.txt e3.txt o4.txt e4.txt o5.txt e5.txt o6.txt e6.txt \
		o7.txt e7.txt o8.txt e8.txt o9.txt e9.txt o10.txt e10.txt hdr/status.md; do
		test_no_grep "$SECRET" $f || return 1
	done
'

test_expect_success 'headers: a missing variable is a located error naming it (exit 2), never a value' '
	write_header_lab miss &&
	env -u VOSCTL_TEST_API_TOKEN "$VOSCTL" -C miss probe --no-save >out 2>err; test $? = 2 &&
	test_grep "^inventory/lab.yaml:15:26: error: \[probe-header-env\] header .Authorization. of .api. port 24080: environment variable .VOSCTL_TEST_API_TOKEN. is not set$" err &&
	env -u VOSCTL_TEST_API_TOKEN "$VOSCTL" -C miss validate --probe >out 2>err; test $? = 2 &&
	test_grep "environment variable .VOSCTL_TEST_API_TOKEN. is not set" err
'

test_expect_success 'headers: --plan sends nothing and needs no secret: the missing variable is a warning' '
	write_header_lab planmiss &&
	env -u VOSCTL_TEST_API_TOKEN "$VOSCTL" -C planmiss probe --plan >out 2>err &&
	test_grep "^inventory/lab.yaml:15:26: warning: \[probe-header-env\] header .Authorization. of .api. port 24080: environment variable .VOSCTL_TEST_API_TOKEN. is not set$" err &&
	test_grep "api.*24080.* -> 127.0.33.1: probe" out &&
	env -u VOSCTL_TEST_API_TOKEN "$VOSCTL" -C planmiss probe --plan --format json >out.json 2>err &&
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert any(t[\"port\"] == 24080 for t in d[\"targets\"]), d" out.json
'

test_expect_success 'headers: names are RFC 7230 tokens, values have no line break' '
	write_lab badh "" "API|127.0.33.1" &&
	one_host_inventory badh &&
	cat >>badh/inventory/lab.yaml <<-\EOF &&
	  - id: api
	    name: API
	    host: hal
	    class: proxy
	    ports:
	      - {port: 80, check: http, headers: {"X Bad": a, X-Env: {env: "9LIVES"}, X-NL: "a\nb"}}
	      - {port: 81, check: tcp, headers: {X-A: b}}
	EOF
	test_expect_code 2 vosctl -C badh validate 2>err &&
	test_grep "^inventory/lab.yaml:11:43: error: \[inventory-value\] invalid header name .X Bad." err &&
	test_grep "^inventory/lab.yaml:11:.*header .X-Env.: .env. must name an environment variable" err &&
	test_grep "^inventory/lab.yaml:11:.*header .X-NL.: the value must not contain a line break" err &&
	test_grep "^inventory/lab.yaml:12:.*.headers. is only for check: http or https" err
'

test_done
