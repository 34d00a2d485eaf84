#!/bin/sh
# t2900: one program on several hosts (node_exporter on every machine): `hosts: [a, b]` in the
# inventory or the same name under several host tables of the page; each instance is placed,
# checked against the rules, planned for probing and rendered on its own host, with its own id.
. "$(dirname "$0")/../lib.sh"

write_lab() {
	mkdir -p "$1/inventory" &&
	printf 'page: services.md\ninventory: inventory\n' >"$1/vosctl.yaml" &&
	cat >"$1/services.md" <<-\EOF &&
	# Lab

	## Control Plane (alpha)

	| Service | IP | Purpose |
	|---------|-----|---------|
	| Router | 127.0.10.1 | Routes |
	| Node Exporter | 127.0.10.1 | Host metrics |

	## Compute Plane

	### beta (GPU Inference)

	| Service | IP | Purpose |
	|---------|-----|---------|
	| Engine | 127.0.10.2 | Inference |
	| Node Exporter | 127.0.10.2 | Host metrics |
	EOF
	cat >"$1/inventory/lab.yaml" <<-\EOF
	lab: mh
	vlans:
	  - {name: lan, cidr: 127.0.10.0/24}
	hosts:
	  - {name: alpha, plane: control, address: 127.0.10.1, vlan: lan}
	  - {name: beta, plane: compute, address: 127.0.10.2, vlan: lan}
	services:
	  - {id: router, name: Router, host: alpha, class: router, ports: [{port: 4000}]}
	  - id: engine
	    name: Engine
	    host: beta
	    class: inference
	    ports: [{port: 8000}]
	    depends_on: [node-exporter]
	  - id: node-exporter
	    name: Node Exporter
	    hosts: [alpha, beta]
	    class: monitoring
	    traits: [exporter]
	    ports: [{port: 9100, check: http, path: /metrics}]
	EOF
}

test_expect_success 'a service on two hosts: both rows match their instance, the lab is clean' '
	write_lab lab &&
	test_expect_code 0 vosctl -C lab validate >out 2>&1 &&
	test_grep "0 errors, 0 warnings" out &&
	test_no_grep "page-duplicate" out
'

test_expect_success 'each instance has its own id in JSON, and says what it is an instance of' '
	vosctl -C lab show --format json >show.json &&
	python3 - show.json <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	ids = [s["id"] for s in d["services"]]
	assert len(ids) == len(set(ids)), ids
	ne = {s["id"]: s for s in d["services"] if s["name"] == "Node Exporter"}
	assert sorted(ne) == ["node-exporter@alpha", "node-exporter@beta"], ne
	assert ne["node-exporter@alpha"]["host"] == "alpha" and ne["node-exporter@beta"]["host"] == "beta"
	assert all(s["instance_of"] == "node-exporter" for s in ne.values())
	assert "instance_of" not in [s for s in d["services"] if s["id"] == "router"][0]
	PY
'

test_expect_success 'probe plans each instance on its own host (nothing sent)' '
	vosctl -C lab probe --plan >plan 2>&1 &&
	test_grep "^node-exporter@alpha alpha 127.0.10.1:9100 http" plan &&
	test_grep "^node-exporter@beta beta 127.0.10.2:9100 http" plan &&
	vosctl -C lab probe --plan --service node-exporter >plan 2>&1 &&
	test_grep "2 targets" plan &&
	vosctl -C lab probe --plan --service node-exporter@beta >plan 2>&1 &&
	test_grep "1 targets\|1 target" plan
'

test_expect_success 'a rule sees each instance on its own host' '
	cp -r lab ruled &&
	cat >ruled/inventory/rules.yaml <<-\EOF &&
	rules:
	  - id: no-exporter-on-compute
	    page_text: Host metrics
	    text: compute hosts export no metrics
	    assert: never-trait-on-host
	    hosts: [beta]
	    traits: [exporter]
	EOF
	test_expect_code 1 vosctl -C ruled validate >out 2>&1 &&
	test_grep "error: \[no-exporter-on-compute\] .Node Exporter. on .beta." out &&
	test_no_grep "no-exporter-on-compute.*alpha" out &&
	test_expect_code 1 vosctl -C ruled validate --format json >out.json &&
	python3 -c "import json; f=[x for x in json.load(open(\"out.json\"))[\"findings\"] if x[\"rule\"]==\"no-exporter-on-compute\"]; assert len(f)==1 and f[0][\"service\"]==\"node-exporter@beta\", f"
'

test_expect_success 'a rule selecting the declared id selects every instance' '
	cp -r lab sel &&
	cat >sel/inventory/rules.yaml <<-\EOF &&
	rules:
	  - id: exporters-only-on-alpha
	    page_text: Host metrics
	    text: exporters run on alpha
	    assert: only-on-host
	    select: {services: [node-exporter]}
	    hosts: [alpha]
	EOF
	test_expect_code 1 vosctl -C sel validate >out 2>&1 &&
	test "$(grep -c "error: \[exporters-only-on-alpha\]" out)" = 1 &&
	test_grep "exporters-only-on-alpha.*beta" out
'

test_expect_success 'depends_on the declared id resolves (no depends-unknown)' '
	vosctl -C lab validate >out 2>&1 &&
	test_no_grep "depends-unknown" out
'

test_expect_success 'an instance the page does not list is page-unlisted, and render adds its row on its host' '
	cp -r lab missing &&
	python3 - missing/services.md <<-\PY &&
	import sys
	p = sys.argv[1]; s = open(p).read()
	s = s.replace("| Engine | 127.0.10.2 | Inference |\n| Node Exporter | 127.0.10.2 | Host metrics |\n",
	              "| Engine | 127.0.10.2 | Inference |\n")
	open(p, "w").write(s)
	PY
	test_expect_code 1 vosctl -C missing validate >out 2>&1 &&
	test_grep "\[page-unlisted\] service .node-exporter@beta. (Node Exporter)" out &&
	test_no_grep "node-exporter@alpha" out &&
	test_expect_code 0 vosctl -C missing render --write >out 2>&1 &&
	python3 - missing/services.md <<-\PY &&
	import sys
	s = open(sys.argv[1]).read()
	beta = s[s.index("### beta"):]
	assert "Node Exporter" in beta, beta
	assert s.count("Node Exporter") == 2, s
	PY
	test_expect_code 0 vosctl -C missing validate >out 2>&1
'

test_expect_success 'a one-host service listed under a second host says how to run it on both' '
	cp -r lab extra &&
	sed -i "s/^| Engine | 127.0.10.2 | Inference |$/&\n| Router | 127.0.10.2 | Routes |/" extra/services.md &&
	test_expect_code 1 vosctl -C extra validate >out 2>&1 &&
	test_grep "error: \[placement-mismatch\] service .Router. is listed on .beta. too, but the inventory places it on .alpha. only (give it .hosts: \[...\]. to run it on several hosts)" out &&
	test_no_grep "page-duplicate" out
'

test_expect_success 'the same name twice under one host is still page-duplicate' '
	cp -r lab dup &&
	sed -i "s/^| Router | 127.0.10.1 | Routes |$/&\n| Router | 127.0.10.1 | Routes again |/" dup/services.md &&
	test_expect_code 1 vosctl -C dup validate >out 2>&1 &&
	test_grep "\[page-duplicate\] service .Router. is listed twice on the page under .alpha." out
'

test_expect_success 'a page-only program under two hosts: one instance per host, each inventory-missing' '
	cp -r lab pageonly &&
	sed -i "s/Node Exporter/Promtail/" pageonly/services.md &&
	test_expect_code 1 vosctl -C pageonly validate >out 2>&1 &&
	test "$(grep -c "\[inventory-missing\] service .Promtail." out)" = 2 &&
	test_no_grep "page-duplicate" out
'

test_expect_success 'hosts: errors are located' '
	cp -r lab bad &&
	sed -i "s/    hosts: \[alpha, beta\]/    host: alpha\n    hosts: [alpha, beta]/" bad/inventory/lab.yaml &&
	test_expect_code 2 vosctl -C bad validate >out 2>&1 &&
	test_grep "lab.yaml:[0-9]*:[0-9]*: error: .*both .host. and .hosts." out &&
	cp -r lab bad2 &&
	sed -i "s/    hosts: \[alpha, beta\]/    hosts: [alpha, Alpha]/" bad2/inventory/lab.yaml &&
	test_expect_code 2 vosctl -C bad2 validate >out 2>&1 &&
	test_grep "lab.yaml:[0-9]*:[0-9]*: error: .*host .Alpha. is listed twice" out &&
	cp -r lab bad3 &&
	sed -i "s/    hosts: \[alpha, beta\]/    hosts: []/" bad3/inventory/lab.yaml &&
	test_expect_code 2 vosctl -C bad3 validate >out 2>&1 &&
	test_grep "hosts.* is empty" out
'

test_expect_success 'an id clash between a declared id and an instance is an error' '
	cp -r lab clash &&
	cat >>clash/inventory/lab.yaml <<-\EOF &&
	  - {id: node-exporter@alpha, name: Other, host: alpha, class: monitoring}
	EOF
	test_expect_code 2 vosctl -C clash validate >out 2>&1 &&
	test_grep "inventory-duplicate-id" out
'

test_done
