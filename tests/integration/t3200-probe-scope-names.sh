#!/bin/sh
# vosctl probe's scope on a real-looking lab (documentation ranges 192.0.2.0/24, 198.51.100.0/24,
# 2001:db8::/32): every decision made and nothing connected to (strace); then the same lab shape
# on 127.x, ::1 and host names served by a dnsmasq this test starts, probed end to end.
# lib.sh runs this in a private network namespace and exports VOSCTL_PROBE_SCOPE=127.0.0.0/8,::1/128.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/tools/probe-lab.sh"

DNS_PORT=25353

# jtrue FILE EXPR : the python expression on the JSON document (d, r as in jget) is true
jtrue() { test "$(jget "$1" "$2")" = True; }

# traced CODE ARGS... : vosctl ARGS under strace (connect() calls into trace.txt), exits CODE
traced() {
	code=$1; shift
	test_expect_code "$code" strace -f -qq -e trace=connect -o "$TRASH/trace.txt" "$VOSCTL" "$@"
}

# no connect() to anything but loopback in trace.txt
no_outside_connect() {
	test -f "$TRASH/trace.txt" &&
	test_no_grep "192\.0\.2\.\|198\.51\.100\.\|2001:db8" "$TRASH/trace.txt"
}

write_doc_lab() {
	mkdir -p "$1/inventory" &&
	cat >"$1/vosctl.yaml" <<-'EOF' &&
	page: services.md
	inventory: inventory
	EOF
	cat >"$1/services.md" <<-'EOF' &&
	---
	title: Home Lab
	---

	# Home Lab

	## Control Plane (dietpi)

	| Service | IP | Purpose |
	|---------|-----|---------|
	| Pi-hole | 192.0.2.10 | DNS filter |

	## Data Plane

	### nas (Storage)

	| Service | IP | Purpose |
	|---------|-----|---------|
	| Files | 2001:db8:1::10 | Shares |

	### cloud (Remote)

	| Service | IP | Purpose |
	|---------|-----|---------|
	| VPS | 198.51.100.7 | Not ours |

	### far (Elsewhere)

	| Service | IP | Purpose |
	|---------|-----|---------|
	| Mirror | 2001:db8:2::7 | Not ours |
	EOF
	cat >"$1/inventory/lab.yaml" <<-'EOF'
	vlans:
	  - {name: servers, cidr: 192.0.2.0/24}
	  - {name: storage, cidr: "2001:db8:1::/48"}
	hosts:
	  - {name: dietpi, plane: control, address: 192.0.2.10, vlan: servers}
	  - {name: nas, plane: data, address: "2001:db8:1::10", vlan: storage}
	  - {name: cloud, plane: data, address: 198.51.100.7}
	  - {name: far, plane: data, address: "2001:db8:2::7"}
	services:
	  - {id: pihole, name: Pi-hole, host: dietpi, class: network, ports: [{port: 80, check: http}, {port: 53}]}
	  - {id: files, name: Files, host: nas, class: storage, ports: [{port: 445}]}
	  - {id: vps, name: VPS, host: cloud, class: proxy, ports: [{port: 443, check: https}]}
	  - {id: mirror, name: Mirror, host: far, class: storage, ports: [{port: 873}]}
	EOF
}

test_expect_success 'setup: a lab on 192.0.2.x and 2001:db8:: (documentation ranges)' '
	write_doc_lab doc &&
	vosctl -C doc validate >val.txt
'

test_expect_success '--plan: the VLANs are the scope; every target, its address, the decision; nothing sent' '
	env -u VOSCTL_PROBE_SCOPE strace -f -qq -e trace=connect,sendto,sendmsg -o trace.txt \
		"$VOSCTL" -C doc probe --plan >plan.txt; test $? = 1 &&
	test_grep "^scope: 192.0.2.0/24, 2001:db8:1::/48$" plan.txt &&
	test_grep "^pihole dietpi 192.0.2.10:80 http -> 192.0.2.10: probe$" plan.txt &&
	test_grep "^files nas 2001:db8:1::10:445 tcp -> 2001:db8:1::10: probe$" plan.txt &&
	test_grep "^vps cloud 198.51.100.7:443 https -> 198.51.100.7: skip, address 198.51.100.7 is outside the probe scope$" plan.txt &&
	test_grep "^mirror far 2001:db8:2::7:873 tcp -> 2001:db8:2::7: skip, address 2001:db8:2::7 is outside the probe scope$" plan.txt &&
	test_grep "^5 targets: 3 to probe, 2 not$" plan.txt &&
	test_no_grep "connect(\|sendto(\|sendmsg(" trace.txt &&
	env -u VOSCTL_PROBE_SCOPE "$VOSCTL" -C doc probe --plan --format json >plan.json; test $? = 1 &&
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"scope\"] == [\"192.0.2.0/24\", \"2001:db8:1::/48\"]; assert [t[\"decision\"] for t in d[\"targets\"]] == [\"probe\", \"probe\", \"probe\", \"skip\", \"skip\"], d" plan.json
'

test_expect_success '--scope and VOSCTL_PROBE_SCOPE narrow the scope and can never widen it' '
	env -u VOSCTL_PROBE_SCOPE "$VOSCTL" -C doc probe --plan --scope 192.0.2.0/28 >p1.txt; test $? = 1 &&
	test_grep "^scope: 192.0.2.0/28$" p1.txt &&
	test_grep "^files .*: skip, address 2001:db8:1::10 is outside the probe scope$" p1.txt &&
	VOSCTL_PROBE_SCOPE=0.0.0.0/0,::/0 "$VOSCTL" -C doc probe --plan >p2.txt; test $? = 1 &&
	test_grep "^scope: 192.0.2.0/24, 2001:db8:1::/48$" p2.txt &&
	test_grep "^vps .*: skip, address 198.51.100.7 is outside the probe scope$" p2.txt &&
	VOSCTL_PROBE_SCOPE=192.0.2.8/29 "$VOSCTL" -C doc probe --plan --scope 192.0.2.0/24 >p3.txt; test $? = 1 &&
	test_grep "^scope: 192.0.2.8/29$" p3.txt
'

test_expect_success 'probe.scope in vosctl.yaml replaces the VLANs; a bad entry is a located error' '
	cp -R doc cfg &&
	printf "probe:\n  scope: [198.51.100.0/24]\n" >>cfg/vosctl.yaml &&
	env -u VOSCTL_PROBE_SCOPE "$VOSCTL" -C cfg probe --plan >p4.txt; test $? = 1 &&
	test_grep "^scope: 198.51.100.0/24$" p4.txt &&
	test_grep "^vps .*: probe$" p4.txt &&
	test_grep "^pihole .*: skip" p4.txt &&
	printf "page: services.md\ninventory: inventory\nprobe:\n  scope: [192.0.2.0/24, 10.0.0.0/33]\n" >cfg/vosctl.yaml &&
	test_expect_code 2 vosctl -C cfg probe --plan 2>err &&
	test_grep "vosctl.yaml:4:25: error: .*invalid network .10.0.0.0/33. in .scope." err
'

test_expect_success 'probe under the test guard: every target skipped with its reason, no connect(), exit 1' '
	traced 1 -C doc probe --format json --no-save >out.json &&
	no_outside_connect &&
	test "$(jget out.json "d[\"summary\"]")" = "{'"'"'up'"'"': 0, '"'"'down'"'"': 0, '"'"'timeout'"'"': 0, '"'"'error'"'"': 0, '"'"'skipped'"'"': 5}" &&
	test "$(jget out.json "r[\"pihole:80\"][\"detail\"]")" = "address 192.0.2.10 is outside the probe scope" &&
	test "$(jget out.json "r[\"files:445\"][\"detail\"]")" = "address 2001:db8:1::10 is outside the probe scope" &&
	traced 1 -C doc probe --no-save >out.txt &&
	no_outside_connect &&
	test_grep "^  files  *445  *tcp  *skipped  *-  *address 2001:db8:1::10 is outside the probe scope$" out.txt &&
	test_grep "^5 targets: 0 up, 0 down, 0 timeout, 0 error, 5 skipped$" out.txt &&
	traced 1 -C doc probe --format prom --no-save >out.prom &&
	no_outside_connect &&
	test_grep "^vosctl_probe_success{service=\"vps\",host=\"cloud\",address=\"198.51.100.7\",port=\"443\",check=\"https\",path=\"/\"} 0$" out.prom &&
	test_grep "^vosctl_probe_skipped{service=\"vps\",host=\"cloud\",address=\"198.51.100.7\",port=\"443\",check=\"https\",path=\"/\",reason=\"address 198.51.100.7 is outside the probe scope\"} 1$" out.prom
'

test_expect_success '--scan obeys the scope: hosts outside it are not scanned, no connect()' '
	traced 1 -C doc probe --scan 1-1024 --format json --no-save >scan.json 2>err &&
	no_outside_connect &&
	test_grep "not scanning .dietpi.: address 192.0.2.10 is outside the probe scope" err &&
	test_grep "not scanning .far.: address 2001:db8:2::7 is outside the probe scope" err &&
	test "$(jget scan.json "d[\"undeclared\"]")" = "[]"
'

test_expect_success 'validate --probe cannot pass when nothing was probed (each target an error)' '
	traced 1 -C doc validate --probe >val.txt &&
	no_outside_connect &&
	test "$(grep -c "error: \[probe-not-probed\]" val.txt)" = 5 &&
	test_grep "inventory/lab.yaml:12:5: error: \[probe-not-probed\] .vps. port 443 was not probed (skipped): address 198.51.100.7 is outside the probe scope$" val.txt &&
	test_grep "^5 errors, 0 warnings" val.txt
'

test_expect_success 'a lab with no VLAN and no probe.scope probes nothing and says why' '
	cp -R doc novlan &&
	sed -i "/^vlans:/,/^hosts:/{/^hosts:/!d}; s/, vlan: [a-z]*//" novlan/inventory/lab.yaml &&
	test_no_grep vlan novlan/inventory/lab.yaml &&
	env -u VOSCTL_PROBE_SCOPE strace -f -qq -e trace=connect -o trace.txt "$VOSCTL" -C novlan probe --no-save >out.txt 2>err; test $? = 1 &&
	no_outside_connect &&
	test_grep "warning: nothing is probed: the lab declares no VLAN and no probe.scope" err &&
	test_grep "skipped .*no probe scope: the lab declares no VLAN and no probe.scope$" out.txt &&
	env -u VOSCTL_PROBE_SCOPE "$VOSCTL" -C novlan validate --probe >val.txt 2>&1; test $? = 1 &&
	test_grep "probe-not-probed.*no probe scope" val.txt
'

test_expect_success 'usage errors exit 2: bad --scope, bad VOSCTL_PROBE_SCOPE, unknown --class, validate --timeout alone' '
	test_expect_code 2 vosctl -C doc probe --scope 192.0.2.0/33 2>err &&
	test_grep "error: --scope: invalid network .192.0.2.0/33." err &&
	VOSCTL_PROBE_SCOPE=lan test_expect_code 2 vosctl -C doc probe --plan 2>err &&
	test_grep "error: VOSCTL_PROBE_SCOPE: invalid network .lan." err &&
	test_expect_code 2 vosctl -C doc probe --class nosuch 2>err &&
	test_grep "unknown class .nosuch." err &&
	test_expect_code 2 vosctl -C doc validate --timeout 100 2>err &&
	test_grep "error: --timeout needs --probe" err
'

# ---- the same lab shape on loopback: 127.0.32.x, ::1 and names through the test's DNS server

test_expect_success 'setup: dnsmasq with the lab names, listeners on 127.0.32.x and ::1' '
	cat >hosts.txt <<-\EOF &&
	127.0.32.11 alpha.lab
	::1 six.lab
	192.0.2.66 evil.lab
	127.0.32.12 mixed.lab
	2001:db8::66 mixed.lab
	EOF
	start_dnsmasq dns lab "$TRASH/hosts.txt" 127.0.0.1 $DNS_PORT &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TRASH/key.pem" -out "$TRASH/cert.pem" -days 2 \
		-subj "/CN=alpha.lab" -addext "subjectAltName=DNS:alpha.lab" >/dev/null 2>&1 &&
	start_listeners loop tcp:127.0.32.10:22 "http200:[::1]:23080" http200:127.0.32.11:23081 \
		https:127.0.32.11:23443 "tcp:[::1]:23022" &&
	mkdir -p loop/inventory &&
	cat >loop/vosctl.yaml <<-EOF &&
	page: services.md
	inventory: inventory
	probe:
	  dns: ["127.0.0.1:$DNS_PORT"]
	EOF
	cat >loop/services.md <<-\EOF &&
	---
	title: Loop Lab
	---

	# Loop Lab

	## Control Plane (dietpi)

	| Service | IP | Purpose |
	|---------|-----|---------|
	| SSH | 127.0.32.10 | Shell |

	## Data Plane

	### nas (Storage)

	| Service | IP | Purpose |
	|---------|-----|---------|
	| Files | ::1 | Shares |

	### alpha (Named)

	| Service | IP | Purpose |
	|---------|-----|---------|
	| Web | alpha.lab | By name |
	| Six | six.lab | By name, IPv6 |
	| Evil | evil.lab | Resolves outside |
	| Mixed | mixed.lab | Half outside |
	| Gone | missing.lab | No such name |
	EOF
	cat >loop/inventory/lab.yaml <<-\EOF
	vlans:
	  - {name: servers, cidr: 127.0.32.0/24}
	  - {name: storage, cidr: "::1/128"}
	hosts:
	  - {name: dietpi, plane: control, address: 127.0.32.10, vlan: servers}
	  - {name: nas, plane: data, address: "::1", vlan: storage}
	  - {name: alpha, plane: data, address: alpha.lab}
	services:
	  - {id: ssh, name: SSH, host: dietpi, class: network, ports: [{port: 22}]}
	  - {id: files, name: Files, host: nas, class: storage, ports: [{port: 23080, check: http}]}
	  - {id: web, name: Web, host: alpha, class: ui, ports: [{port: 23081, check: http}, {port: 23443, check: https}]}
	  - {id: six, name: Six, host: alpha, class: ui, address: six.lab, ports: [{port: 23022}]}
	  - {id: evil, name: Evil, host: alpha, class: ui, address: evil.lab, ports: [{port: 80}]}
	  - {id: mixed, name: Mixed, host: alpha, class: ui, address: mixed.lab, ports: [{port: 80}]}
	  - {id: gone, name: Gone, host: alpha, class: ui, address: missing.lab, ports: [{port: 80}]}
	EOF
	i=0 &&
	until "$VOSCTL" -C loop probe --plan 2>/dev/null | grep -q "alpha.lab:23081 http -> 127"; do
		i=$((i + 1)); [ $i -lt 50 ] || { cat dns.log; exit 1; }; sleep 0.1
	done
'

test_expect_success 'loopback lab: 127.x, ::1 and names (A and AAAA through probe.dns) probed end to end' '
	traced 1 -C loop probe --format json --no-save --cacert "$TRASH/cert.pem" --timeout 3000 >loop.json &&
	no_outside_connect &&
	test_grep "127\.0\.32\.10" trace.txt &&
	test_grep "::1" trace.txt &&
	test "$(jget loop.json "r[\"ssh:22\"][\"state\"]")" = up &&
	test "$(jget loop.json "r[\"files:23080\"][\"state\"], r[\"files:23080\"][\"status\"]")" = "('"'"'up'"'"', 200)" &&
	test "$(jget loop.json "r[\"web:23081\"][\"state\"]")" = up &&
	test "$(jget loop.json "r[\"web:23443\"][\"state\"]")" = up &&
	test "$(jget loop.json "r[\"six:23022\"][\"state\"]")" = up &&
	jtrue loop.json "r[\"evil:80\"][\"state\"] == \"skipped\"" &&
	test "$(jget loop.json "r[\"evil:80\"][\"detail\"]")" = "'"'"'evil.lab'"'"' resolves to 192.0.2.66, outside the probe scope" &&
	test "$(jget loop.json "r[\"mixed:80\"][\"detail\"]")" = "'"'"'mixed.lab'"'"' resolves to 2001:db8::66, outside the probe scope" &&
	jtrue loop.json "r[\"gone:80\"][\"state\"] == \"error\"" &&
	test "$(jget loop.json "r[\"gone:80\"][\"detail\"]")" = "cannot resolve '"'"'missing.lab'"'"': name not found"
'

test_expect_success 'loopback lab: --plan shows the resolved addresses; validate --probe reports the unprobed' '
	"$VOSCTL" -C loop probe --plan >plan.txt; test $? = 1 &&
	test_grep "^web alpha alpha.lab:23081 http -> 127.0.32.11: probe$" plan.txt &&
	test_grep "^six alpha six.lab:23022 tcp -> ::1: probe$" plan.txt &&
	test_grep "^gone alpha missing.lab:80 tcp -> -: error, cannot resolve .missing.lab.: name not found$" plan.txt &&
	test_expect_code 1 vosctl -C loop validate --probe --timeout 3000 >val.txt &&
	test_grep "probe-not-probed.*.evil. port 80 was not probed (skipped)" val.txt &&
	test_grep "probe-not-probed.*.gone. port 80 was not probed (error): cannot resolve" val.txt &&
	test_no_grep "probe-down.*.ssh.\|probe-down.*.files.\|probe-down.*.six." val.txt
'

test_done
