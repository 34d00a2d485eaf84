#!/bin/sh
# vosctl probe --scan (undeclared open ports) and agreement with nmap -sT -Pn -n, loopback only.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/tools/probe-lab.sh"

test_expect_success 'setup: lab and loopback listeners' '
	write_probe_lab && start_probe_lab
'

test_expect_success '--scan reports open ports no service declares, exit 1' '
	test_expect_code 1 vosctl -C lab probe --host alpha --scan 21000-21100,23000,28888 --format json --no-save >scan.json &&
	test "$(jget scan.json "d[\"undeclared\"]")" = "[{'"'"'host'"'"': '"'"'alpha'"'"', '"'"'address'"'"': '"'"'127.0.31.1'"'"', '"'"'port'"'"': 21077}]" &&
	test "$(jget scan.json "sorted(r)")" = "['"'"'gateway:24000'"'"', '"'"'search:28888'"'"', '"'"'webui:23000'"'"']"
'

test_expect_success '--scan in table and prom formats' '
	test_expect_code 1 vosctl -C lab probe --service search --scan 21000-21100 --no-save >scan.txt &&
	test_grep "^undeclared open ports$" scan.txt &&
	test_grep "^  alpha 127.0.31.1:21077$" scan.txt &&
	test_grep ", 1 undeclared open$" scan.txt &&
	test_expect_code 1 vosctl -C lab probe --service search --scan 21000-21100 --format prom --no-save >scan.prom &&
	test_grep "^vosctl_probe_undeclared_open{host=\"alpha\",address=\"127.0.31.1\",port=\"21077\"} 1$" scan.prom
'

test_expect_success '--scan with nothing undeclared exits 0 (when every target is up)' '
	test_expect_code 0 vosctl -C lab probe --service search --scan 28800-28900 --format json --no-save >clean.json &&
	test "$(jget clean.json "d[\"undeclared\"]")" = "[]"
'

test_expect_success '--scan never touches a host outside the probe scope' '
	test_expect_code 1 vosctl -C lab probe --host delta --scan 1-100 --format json --no-save >delta.json 2>err &&
	test_grep "not scanning .delta.: address 192.168.1.70 is outside the probe scope" err &&
	test "$(jget delta.json "d[\"undeclared\"]")" = "[]"
'

test_expect_success 'up/down agrees with nmap -sT -Pn -n on the same ports' '
	command -v nmap >/dev/null || { echo "nmap missing (apt-get install nmap)"; exit 1; } &&
	ports=21070-21080,26370-26390,28095-28110,28880-28890 &&
	test_expect_code 1 vosctl -C lab probe --host alpha --host beta --scan $ports --format json --no-save >v.json &&
	nmap -sT -Pn -n -p $ports -oG - 127.0.31.1 127.0.31.2 >nmap.txt &&
	python3 - v.json nmap.txt <<-\EOF
	import json, re, sys
	d = json.load(open(sys.argv[1]))
	ours = set()
	for x in d["results"]:
	    if x["check"] == "tcp" and x["state"] == "up":
	        ours.add((x["address"], x["port"]))
	for x in d["undeclared"]:
	    ours.add((x["address"], x["port"]))
	tcp_declared = {(x["address"], x["port"]) for x in d["results"] if x["check"] == "tcp"}
	theirs = set()
	for line in open(sys.argv[2]):
	    m = re.match(r"Host: (\S+) .*Ports: (.*)", line)
	    if not m:
	        continue
	    for p in m.group(2).split(","):
	        f = p.strip().split("/")
	        if f[1] == "open":
	            theirs.add((m.group(1), int(f[0])))
	rng = [range(21070, 21081), range(26370, 26391), range(28095, 28111), range(28880, 28891)]
	inrange = lambda p: any(p in r for r in rng)
	ours = {x for x in ours if inrange(x[1])}
	print("vosctl:", sorted(ours)); print("nmap:  ", sorted(theirs))
	assert len(theirs) >= 5, "nmap saw too little"
	assert ours == theirs, "disagreement: %s" % (ours ^ theirs)
	# every declared tcp port nmap calls closed is down for vosctl
	for x in d["results"]:
	    if (x["address"], x["port"]) in tcp_declared and inrange(x["port"]):
	        assert (x["state"] == "up") == ((x["address"], x["port"]) in theirs), x
	EOF
'

test_done
