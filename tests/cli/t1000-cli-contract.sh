#!/bin/sh
# The CLI contract: output formats (text, json, github, junit, sarif), JSON keys other tools read,
# option parsing, configuration lookup and exit codes.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/tools/labs.sh"

F=$LABS/findings/port-clash

test_expect_success 'text: GNU-style finding, a related note, a summary; exit 1' '
	test_expect_code 1 vosctl -C "$F" validate >out 2>err &&
	cat >expect <<-\EOT &&
	inventory/services.yaml:29:9: error: [port-clash] port 4000/tcp on host '"'"'alpha'"'"' is declared by both '"'"'router'"'"' and '"'"'dashboard'"'"'
	inventory/services.yaml:9:9: note: see also
	1 error, 0 warnings (3 services on 2 hosts, 2 rules)
	explain: vosctl explain port-clash (docs/rules.md#port-clash)
	EOT
	test_cmp expect out &&
	test_line_count 0 err
'

test_expect_success 'text: no colour when stdout is not a terminal, and -q drops the summary' '
	test_expect_code 1 vosctl -C "$F" validate -q >out &&
	test_no_grep "$(printf "\033")" out &&
	test_line_count 2 out
'

test_expect_success 'json: the keys other tools read' '
	test_expect_code 1 vosctl -C "$F" validate --format json >out.json &&
	python3 - out.json <<-\EOT
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert set(d) >= {"ok", "findings", "summary"}, d.keys()
	assert d["ok"] is False
	assert d["summary"] == {"errors": 1, "warnings": 0, "waived": 0, "unchanged": 0, "fixed": 0}, d["summary"]
	assert d["waived"] == [] and d["fixed"] == [], d
	f = d["findings"][0]
	for k in ("severity", "rule", "message", "file", "line", "column", "service", "host"):
	    assert k in f, k
	assert f["severity"] == "error" and f["rule"] == "port-clash"
	assert isinstance(f["line"], int) and f["line"] == 29 and f["column"] == 9
	assert f["service"] == "dashboard" and f["host"] == "alpha"
	EOT
'

test_expect_success 'json: a clean lab is ok with no findings; exit 0' '
	vosctl -C "$SRC" validate --format json >clean.json &&
	python3 -c "import json,sys; d=json.load(open(\"clean.json\")); assert d[\"ok\"] is True and d[\"findings\"] == [] and d[\"summary\"] == {\"errors\": 0, \"warnings\": 0, \"waived\": 0, \"unchanged\": 0, \"fixed\": 0}"
'

test_expect_success 'github: one workflow command per finding, properties escaped' '
	test_expect_code 1 vosctl -C "$F" validate --format github >out &&
	test_line_count 1 out &&
	test_grep "^::error file=inventory/services.yaml,line=29,col=9,title=port-clash::port 4000/tcp" out
'

test_expect_success 'sarif: SARIF 2.1.0 with rule ids, levels and locations' '
	test_expect_code 1 vosctl -C "$F" validate --format sarif >out.sarif &&
	python3 - out.sarif <<-\EOT
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["version"] == "2.1.0"
	run = d["runs"][0]
	assert run["tool"]["driver"]["name"] == "vosctl"
	rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
	assert rules == ["port-clash"], rules
	r = run["results"][0]
	assert r["ruleId"] == "port-clash" and r["ruleIndex"] == 0 and r["level"] == "error"
	loc = r["locations"][0]["physicalLocation"]
	assert loc["artifactLocation"]["uri"] == "inventory/services.yaml"
	assert loc["region"] == {"startLine": 29, "startColumn": 9}
	assert r["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 9
	EOT
'

test_expect_success 'junit: well-formed XML, a failure per error' '
	test_expect_code 1 vosctl -C "$F" validate --format junit >out.xml &&
	python3 - out.xml <<-\EOT
	import sys, xml.etree.ElementTree as ET
	root = ET.parse(sys.argv[1]).getroot()
	assert root.tag == "testsuites"
	fails = root.findall(".//failure")
	assert len(fails) == 1 and fails[0].get("type") == "port-clash", [f.attrib for f in fails]
	assert "inventory/services.yaml:29:9" in fails[0].text
	EOT
'

test_expect_success 'junit and sarif on a clean lab' '
	vosctl -C "$SRC" validate --format junit >clean.xml &&
	python3 -c "import xml.etree.ElementTree as ET; r=ET.parse(\"clean.xml\").getroot(); assert not r.findall(\".//failure\")" &&
	vosctl -C "$SRC" validate --format sarif >clean.sarif &&
	python3 -c "import json; d=json.load(open(\"clean.sarif\")); assert d[\"runs\"][0][\"results\"] == []"
'

# control characters a wiki edit can put in a page row (issue 10, item 7): ESC (a title-setting OSC,
# clear screen, cursor up), BEL, BS. Text output shows them escaped as git does; JUnit stays XML 1.0.
mkdir ctl && cp -R "$SRC/inventory" ctl/inventory && cp "$SRC/vosctl.yaml" ctl/ &&
printf '/^| Haystack/a\\\n| Evil\033]0;pwned\007\b\b\033[2J | <LAN_IP> | Pur\033[1Apose |\n' >ctl.sed &&
sed -i -f ctl.sed ctl/inventory/services.md
ESCAPED='Evil\\033]0;pwned\\a\\b\\b\\033\[2J'
# no_ctrl FILE... : no C0 control but tab and newline, no DEL, in the files
no_ctrl() {
	for f in "$@"; do
		if LC_ALL=C grep -q "$(printf "[\001-\010\013-\037\177]")" "$f"; then
			echo "control characters in $f:" >&2; cat -v "$f" >&2; return 1
		fi
	done
}

test_expect_success 'a page row with ESC, BEL, BS: validate prints them escaped, never raw' '
	grep -q "$(printf "\033")" ctl/inventory/services.md &&
	test_expect_code 1 vosctl -C ctl validate >out 2>err &&
	no_ctrl out err &&
	test_grep "^inventory/services.md:[0-9]*:1: error: \[inventory-missing\] service .$ESCAPED. is on the page" out
'

test_expect_success 'the same row: show prints it escaped (name and purpose)' '
	vosctl -C ctl show >out 2>err &&
	no_ctrl out err &&
	test_grep "^  $ESCAPED  *$ESCAPED  *-  *-  *Pur\\\\033\[1Apose$" out
'

test_expect_success 'the same row: junit is XML 1.0 (no control character, not even as &#x..;)' '
	test_expect_code 1 vosctl -C ctl validate --format junit >ctl.xml &&
	no_ctrl ctl.xml &&
	test_no_grep "&#x" ctl.xml &&
	xmllint --noout ctl.xml &&
	python3 - ctl.xml <<-\EOT
	import sys, xml.etree.ElementTree as ET
	fails = ET.parse(sys.argv[1]).getroot().findall(".//failure")
	assert any("Evil\\033]0;pwned\\a\\b\\b\\033[2J" in f.get("message") for f in fails), [f.get("message") for f in fails]
	EOT
'

test_expect_success 'the same row: github annotations carry no raw control character either' '
	test_expect_code 1 vosctl -C ctl validate --format github >out &&
	no_ctrl out &&
	test_grep "service .$ESCAPED. is on the page" out
'

test_expect_success 'show --format json: the keys other tools read' '
	vosctl -C "$SRC" show --format json >show.json &&
	python3 - show.json <<-\EOT
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert set(d) >= {"hosts", "services", "rules"}
	h = {x["name"]: x for x in d["hosts"]}
	for k in ("name", "plane", "address", "vlan", "traits", "services"):
	    assert k in h["watson"], k
	assert "ollama" in h["watson"]["services"]
	s = {x["id"]: x for x in d["services"]}
	for k in ("id", "name", "host", "class", "traits", "ports", "depends_on", "purpose"):
	    assert k in s["litellm"], k
	assert s["litellm"]["host"] == "skynet"
	assert s["open-webui"]["depends_on"] == ["litellm"]
	p = s["litellm"]["ports"][0]
	assert p["port"] == 4000 and p["proto"] == "tcp" and p["check"] == "http"
	mlx = s["mlx"]["ports"][0]
	assert mlx["port"] == 8100 and mlx["port_end"] == 8109
	assert len(d["rules"]) >= 6 and all("id" in r and "text" in r for r in d["rules"])
	EOT
'

test_expect_success 'the shipped example: render --check finds nothing to change' '
	vosctl -C "$SRC" render --check >diff &&
	test_line_count 0 diff
'

test_expect_success 'options: -c FILE, -C DIR, --page and --inventory overrides' '
	cp -R "$F" lab &&
	vosctl -c lab/vosctl.yaml show --format json >a.json &&
	vosctl -C lab show --format json >b.json &&
	cmp a.json b.json &&
	mkdir -p lab/sub/deeper && (cd lab/sub/deeper && test_expect_code 1 vosctl validate -q >../../../c.out) &&
	test_grep "port-clash" c.out &&
	vosctl -C "$SRC" validate -q --page "$SRC/inventory/services.md" --inventory "$SRC/inventory" >d.out &&
	test_line_count 0 d.out
'

test_expect_success 'usage errors exit 2 with a clear message' '
	test_expect_code 2 vosctl validate --no-such-option 2>e1 &&
	test_grep "unknown option .--no-such-option." e1 &&
	test_expect_code 2 vosctl validate --format 2>e2 &&
	test_grep "requires a value" e2 &&
	test_expect_code 2 vosctl -C "$SRC" validate --format yaml 2>e3 &&
	test_grep "unknown format .yaml." e3 &&
	test_expect_code 2 vosctl no-such-command 2>e4 &&
	test_grep "not a vosctl command" e4 &&
	test_expect_code 2 vosctl 2>e5 &&
	test_grep "^usage: vosctl" e5 &&
	test_expect_code 2 vosctl validate extra-arg 2>e6 &&
	test_grep "unexpected argument" e6
'

test_expect_success 'no vosctl.yaml anywhere: exit 2 saying what is missing' '
	mkdir -p /tmp/vosctl-t1000-empty.$$ &&
	(cd /tmp/vosctl-t1000-empty.$$ && test_expect_code 2 vosctl validate 2>../vosctl-t1000-err.$$); rc=$?;
	mv /tmp/vosctl-t1000-err.$$ e7; rmdir /tmp/vosctl-t1000-empty.$$;
	test $rc = 0 && test_grep "no services page given" e7
'

test_expect_success 'input errors in json format still produce JSON on stdout, exit 2' '
	mkdir -p badlab/inventory &&
	printf "page: services.md\ninventory: inventory\n" >badlab/vosctl.yaml &&
	printf "# x\n" >badlab/services.md &&
	printf "hosts:\n  - name: a\n    colour: blue\n" >badlab/inventory/h.yaml &&
	test_expect_code 2 vosctl -C badlab validate --format json >bad.json 2>bad.err &&
	test_grep "inventory/h.yaml:3:5: error: \[inventory-unknown-key\]" bad.err &&
	python3 -c "import json; d=json.load(open(\"bad.json\")); assert d[\"ok\"] is False and d[\"findings\"][0][\"line\"] == 3"
'

test_done
