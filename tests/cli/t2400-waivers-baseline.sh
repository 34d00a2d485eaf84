#!/bin/sh
# t2400: waivers (the inventory's waivers: and inline page comments), baselines (--baseline,
# --write-baseline, --accept-new), --fail-level and vosctl explain, on copies of the port-clash and
# address-mismatch labs (tests/tools/labs.sh). "Today" is VOSCTL_TODAY.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/tools/labs.sh"

VOSCTL_TODAY=2027-01-01
export VOSCTL_TODAY

# a fresh copy of a findings lab: lab DIR KIND
lab() { rm -rf "$1" && cp -r "$LABS/findings/$2" "$1"; }

# the port-clash lab's Dashboard row gets a comment row above it: inline DIR UNTIL REASON
inline() {
	python3 - "$1/services.md" "$2" "$3" <<-\PY
	import sys
	p, until, reason = sys.argv[1:]
	s = open(p).read()
	row = "| Dashboard | 127.0.10.1 | Dashboards |"
	assert row in s
	s = s.replace(row, "| <!-- vosctl: allow port-clash until %s: %s --> |\n%s" % (until, reason, row))
	open(p, "w").write(s)
	PY
}

test_expect_success 'without a waiver the port clash fails the run' '
	lab pc port-clash &&
	test_expect_code 1 vosctl -C pc validate >out &&
	test_grep "error: \[port-clash\]" out &&
	test_grep "^1 error, 0 warnings (" out &&
	test_grep "^explain: vosctl explain port-clash (docs/rules.md#port-clash)$" out
'

test_expect_success 'inline waiver: the row is waived, counted apart, exit 0' '
	lab iw port-clash && inline iw 2027-06-30 "moves to 4001 in the next window" &&
	vosctl -C iw validate >out &&
	test_grep "^inventory/services.yaml:29:9: waived: \[port-clash\] .*(moves to 4001 in the next window; until 2027-06-30; inline waiver at services.md:20:" out &&
	test_grep "^0 errors, 0 warnings, 1 waived (" out &&
	test_no_grep "error:" out
'

test_expect_success 'inline waiver: the comment row is no service row, and render keeps it as it is' '
	vosctl -C iw show --format json >show.json &&
	python3 -c "import json; d=json.load(open(\"show.json\")); s=json.dumps(d); assert \"vosctl:\" not in s, s" &&
	vosctl -C iw render --write >/dev/null 2>&1 &&
	test_grep "^| <!-- vosctl: allow port-clash until 2027-06-30: moves to 4001 in the next window --> |$" iw/services.md &&
	vosctl -C iw validate >out &&
	test_grep "1 waived" out
'

test_expect_success 'inline waiver: JSON "waived" with reason, expiry and the waiver location' '
	vosctl -C iw validate --format json >out.json &&
	python3 - out.json <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["ok"] is True and d["findings"] == [], d["findings"]
	(w,) = d["waived"]
	assert w["rule"] == "port-clash" and w["service"] and w["port"] == "4000/tcp", w
	wv = w["waiver"]
	assert wv["reason"] == "moves to 4001 in the next window" and wv["expires"] == "2027-06-30", wv
	assert wv["kind"] == "inline" and wv["file"] == "services.md" and wv["line"] == 20, wv
	assert d["summary"]["waived"] == 1 and d["summary"]["errors"] == 0, d["summary"]
	PY
'

test_expect_success 'inline waiver: SARIF suppressions (inSource) with the justification' '
	vosctl -C iw validate --format sarif >out.sarif &&
	python3 - out.sarif <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	(r,) = d["runs"][0]["results"]
	(s,) = r["suppressions"]
	assert s["kind"] == "inSource" and s["justification"] == "moves to 4001 in the next window", s
	assert s["location"]["physicalLocation"]["region"]["startLine"] == 20, s
	assert "baselineState" not in r, r
	PY
'

test_expect_success 'inline waiver: JUnit skipped with the reason (xmllint)' '
	vosctl -C iw validate --format junit >out.xml &&
	xmllint --noout out.xml &&
	test "$(xmllint --xpath "count(//failure)" out.xml)" = 0 &&
	xmllint --xpath "string(//testcase/skipped/@message)" out.xml >msg &&
	test_grep "^waived: moves to 4001 in the next window; until 2027-06-30" msg
'

test_expect_success 'inline waiver: github annotations say waived, as a notice' '
	vosctl -C iw validate --format github >out &&
	test_grep "^::notice .*title=port-clash::.*(waived: moves to 4001" out &&
	test_no_grep "^::error" out
'

test_expect_success 'expired inline waiver: waiver-expired at the comment, the finding counts again' '
	lab ew port-clash && inline ew 2026-12-31 "was due last year" &&
	test_expect_code 1 vosctl -C ew validate >out &&
	test_grep "^services.md:20:[0-9]*: error: \[waiver-expired\] waiver of .port-clash. .*expired on 2026-12-31" out &&
	test_grep "error: \[port-clash\]" out &&
	test_grep "^2 errors, 0 warnings, 0 waived" out &&
	VOSCTL_TODAY=2026-12-31 vosctl -C ew validate >out &&
	test_grep "1 waived" out
'

test_expect_success 'malformed vosctl comments are located warnings and waive nothing' '
	lab mw port-clash && inline mw 2027-13-01 "bad month" &&
	test_expect_code 1 vosctl -C mw validate >out &&
	test_grep "^services.md:20:[0-9]*: warning: \[waiver-malformed\] invalid date .2027-13-01." out &&
	test_grep "error: \[port-clash\]" out &&
	lab mr port-clash && inline mr 2027-06-30 "" &&
	test_expect_code 1 vosctl -C mr validate >out &&
	test_grep "warning: \[waiver-malformed\] vosctl waiver for .port-clash. has no reason" out &&
	lab mb port-clash &&
	printf "\n<!-- vosctl: allow port-clash until 2027-06-30: a block of its own -->\n" >>mb/services.md &&
	test_expect_code 1 vosctl -C mb validate >out &&
	test_grep "warning: \[waiver-malformed\] a vosctl comment on a line of its own ends the table" out
'

test_expect_success 'inventory waiver: service, reason, owner, expires; waived in text and JSON' '
	lab vw port-clash &&
	cat >vw/inventory/waivers.yaml <<-\EOF &&
	waivers:
	  - rule: port-clash
	    service: dashboard
	    reason: the dashboard moves to 4001 with the upgrade
	    owner: alice
	    expires: 2027-03-01
	EOF
	vosctl -C vw validate >out &&
	test_grep "waived: \[port-clash\] .*(the dashboard moves to 4001 with the upgrade; owner alice; until 2027-03-01; waiver at inventory/waivers.yaml:2:5)" out &&
	vosctl -C vw validate --format sarif >out.sarif &&
	python3 -c "import json; r=json.load(open(\"out.sarif\"))[\"runs\"][0][\"results\"][0]; s=r[\"suppressions\"][0]; assert s[\"kind\"]==\"external\" and s[\"justification\"].startswith(\"the dashboard\"), s" &&
	vosctl -C vw validate --format json >out.json &&
	python3 -c "import json; w=json.load(open(\"out.json\"))[\"waived\"][0][\"waiver\"]; assert w[\"owner\"]==\"alice\" and w[\"kind\"]==\"inventory\" and w[\"line\"]==2, w"
'

test_expect_success 'inventory waiver by host and by selector' '
	lab hw port-clash &&
	printf "waivers:\n  - {rule: port-clash, host: ALPHA, reason: lab host, expires: 2027-03-01}\n" >hw/inventory/waivers.yaml &&
	vosctl -C hw validate >out && test_grep "1 waived" out &&
	printf "waivers:\n  - {rule: port-clash, select: {classes: [ui]}, reason: all dashboards, expires: 2027-03-01}\n" >hw/inventory/waivers.yaml &&
	vosctl -C hw validate >out && test_grep "1 waived" out &&
	printf "waivers:\n  - {rule: port-clash, select: {classes: [database]}, reason: no match, expires: 2027-03-01}\n" >hw/inventory/waivers.yaml &&
	test_expect_code 1 vosctl -C hw validate >out && test_grep "error: \[port-clash\]" out
'

test_expect_success 'expired inventory waiver: waiver-expired located at the waiver' '
	lab xw port-clash &&
	printf "waivers:\n  - rule: port-clash\n    service: dashboard\n    reason: temporary\n    expires: 2026-06-01\n" >xw/inventory/waivers.yaml &&
	test_expect_code 1 vosctl -C xw validate >out &&
	test_grep "^inventory/waivers.yaml:2:5: error: \[waiver-expired\] waiver of .port-clash. for service .dashboard. expired on 2026-06-01 (reason: temporary)" out &&
	test_grep "error: \[port-clash\]" out
'

test_expect_success 'unused waiver: a warning at the waiver (an error under --strict, a failure at --fail-level warning)' '
	lab uw port-clash &&
	printf "waivers:\n  - rule: port-clash\n    service: dashboard\n    reason: r\n    expires: 2027-06-01\n  - rule: depends-cycle\n    service: router\n    reason: never was one\n    expires: 2027-06-01\n" >uw/inventory/waivers.yaml &&
	vosctl -C uw validate >out &&
	test_grep "^inventory/waivers.yaml:6:5: warning: \[waiver-unused\] waiver of .depends-cycle. for service .router. matches no finding" out &&
	test_grep "^0 errors, 1 warning, 1 waived" out &&
	test_expect_code 1 vosctl -C uw validate --strict >out &&
	test_grep "error: \[waiver-unused\]" out &&
	test_expect_code 1 vosctl -C uw validate --fail-level warning >out &&
	sed -i "s/rule: depends-cycle/rule: port-clsh/" uw/inventory/waivers.yaml &&
	vosctl -C uw validate >out &&
	test_grep "warning: \[waiver-unused\] waiver of .port-clsh. for service .router. (no check or rule is named .port-clsh.; did you mean .port-clash.?) matches no finding" out &&
	vosctl -C pc validate --fail-level none >out &&
	test_grep "error: \[port-clash\]" out &&
	test_expect_code 2 vosctl -C pc validate --fail-level fatal 2>err &&
	test_grep "unknown fail level" err
'

test_expect_success 'a waiver without a reason, or with a bad date, is an inventory error (exit 2)' '
	lab nr port-clash &&
	printf "waivers:\n  - rule: port-clash\n    service: dashboard\n    expires: 2027-02-30\n" >nr/inventory/waivers.yaml &&
	test_expect_code 2 vosctl -C nr validate >out 2>err &&
	test_grep "^inventory/waivers.yaml:2:5: error: \[inventory-missing-key\] waiver for .port-clash. has no .reason." err &&
	test_grep "^inventory/waivers.yaml:4:14: error: \[inventory-value\] invalid date .2027-02-30." err &&
	printf "waivers:\n  - {rule: port-clash, reason: r, expires: 2027-01-02}\n" >nr/inventory/waivers.yaml &&
	test_expect_code 2 vosctl -C nr validate >out 2>err &&
	test_grep "names nothing to apply to" err &&
	VOSCTL_TODAY=tomorrow test_expect_code 2 vosctl -C pc validate 2>err &&
	test_grep "VOSCTL_TODAY is not a date" err
'

test_expect_success '--write-baseline: sorted, stable JSON; --baseline then reports nothing known' '
	lab bl port-clash &&
	vosctl -C bl validate --write-baseline base.json >out &&
	test_grep "wrote baseline .base.json.: 1 finding (0 new, 0 fixed)" out &&
	python3 -c "import json; d=json.load(open(\"bl/base.json\")); assert d[\"version\"]==1 and [f[\"rule\"] for f in d[\"findings\"]]==[\"port-clash\"], d; assert not any(\"line\" in f or \"message\" in f for f in d[\"findings\"])" &&
	cp bl/base.json base1.json &&
	vosctl -C bl validate --write-baseline base.json >/dev/null &&
	test_cmp base1.json bl/base.json &&
	vosctl -C bl validate --baseline base.json >out &&
	test_no_grep "port-clash" out &&
	test_grep "^0 errors, 0 warnings, 1 in the baseline, 0 fixed" out
'

test_expect_success 'baseline: SARIF baselineState unchanged, then new for a new finding' '
	vosctl -C bl validate --baseline base.json --format sarif >out.sarif &&
	python3 -c "import json; r=json.load(open(\"out.sarif\"))[\"runs\"][0][\"results\"]; assert [x[\"baselineState\"] for x in r]==[\"unchanged\"], r" &&
	printf "  - {id: extra, name: Extra, host: alpha, class: ui, purpose: More, ports: [{port: 4000}], exposure: [servers]}\n" >>bl/inventory/services.yaml &&
	sed -i "s/^| Dashboard | 127.0.10.1 | Dashboards |$/&\n| Extra | 127.0.10.1 | More |/" bl/services.md &&
	test_expect_code 1 vosctl -C bl validate --baseline base.json --format sarif >out.sarif
	python3 - out.sarif <<-\PY
	import json, sys
	r = json.load(open(sys.argv[1]))["runs"][0]["results"]
	states = sorted((x["ruleId"], x["baselineState"]) for x in r)
	assert ("port-clash", "unchanged") in states and ("port-clash", "new") in states, states
	PY
'

test_expect_success 'writing over a baseline that would gain findings needs --accept-new' '
	test_expect_code 1 vosctl -C bl validate --write-baseline base.json >out 2>err &&
	test_grep "not in baseline .base.json.: --accept-new writes" err &&
	test_grep "error: \[port-clash\]" out &&
	test_cmp base1.json bl/base.json &&
	vosctl -C bl validate --write-baseline base.json --accept-new >out &&
	test_grep "new" out &&
	! test_cmp base1.json bl/base.json 2>/dev/null &&
	vosctl -C bl validate --baseline base.json >out &&
	test_grep "^0 errors, 0 warnings, [1-9][0-9]* in the baseline" out
'

test_expect_success 'a stale baseline entry is reported as fixed (a note, not a failure)' '
	lab st port-clash &&
	vosctl -C st validate --write-baseline base.json >/dev/null &&
	sed -i "s|port: 4000, check: http, path: /}|port: 4001, check: http, path: /}|" st/inventory/services.yaml &&
	vosctl -C st validate --baseline base.json >out &&
	test_grep "^vosctl: note: \[port-clash\] fixed: " out &&
	test_grep "^0 errors, 0 warnings, 0 in the baseline, 1 fixed" out &&
	vosctl -C st validate --baseline base.json --format json >out.json &&
	python3 -c "import json; d=json.load(open(\"out.json\")); assert [f[\"rule\"] for f in d[\"fixed\"]]==[\"port-clash\"] and d[\"summary\"][\"fixed\"]==1 and d[\"ok\"], d" &&
	vosctl -C st validate --baseline base.json --format sarif >out.sarif &&
	python3 -c "import json; r=json.load(open(\"out.sarif\"))[\"runs\"][0][\"results\"]; assert [(x[\"ruleId\"], x[\"baselineState\"], x[\"level\"]) for x in r]==[(\"port-clash\",\"absent\",\"note\")], r" &&
	vosctl -C st validate --write-baseline base.json >out &&
	test_grep "0 findings (0 new, 1 fixed)" out
'

test_expect_success 'a moved row keeps its baseline match (fingerprints hold no line)' '
	lab mv address-mismatch &&
	test_expect_code 1 vosctl -C mv validate >out &&
	test_grep "error: \[address-mismatch\]" out &&
	vosctl -C mv validate --write-baseline base.json >/dev/null &&
	python3 - mv/services.md <<-\PY
	import sys
	p = sys.argv[1]
	s = open(p).read()
	i = s.index("## Control Plane")
	s = s[:i] + "Some prose.\n\nMore prose.\n\n" + s[i:]
	open(p, "w").write(s)
	PY
	test_expect_code 1 vosctl -C mv validate >out &&
	test_grep "error: \[address-mismatch\]" out &&
	vosctl -C mv validate --baseline base.json >out &&
	test_grep "1 in the baseline, 0 fixed" out
'

test_expect_success 'a bad baseline file is located unusable input (exit 2)' '
	printf "{\"version\": 1, \"findings\": [\n  {\"rule\": 1}\n]}\n" >pc/bad.json &&
	test_expect_code 2 vosctl -C pc validate --baseline bad.json >out 2>err &&
	test_grep "^bad.json: error: \[baseline\] finding 1 of the baseline" err &&
	printf "{oops" >pc/bad.json &&
	test_expect_code 2 vosctl -C pc validate --baseline bad.json 2>err &&
	test_grep "^bad.json:1:[0-9]*: error: \[baseline\]" err &&
	test_expect_code 2 vosctl -C pc validate --baseline missing.json 2>err &&
	test_expect_code 2 vosctl -C pc validate --baseline a --write-baseline b 2>err &&
	test_expect_code 2 vosctl -C pc validate --accept-new 2>err
'

test_expect_success 'SARIF rules carry helpUri to the rule docs anchor' '
	vosctl -C pc validate --format sarif >out.sarif
	python3 -c "import json; r=json.load(open(\"out.sarif\"))[\"runs\"][0][\"tool\"][\"driver\"][\"rules\"][0]; assert r[\"helpUri\"].endswith(\"/docs/rules.md#port-clash\"), r"
'

test_expect_success 'explain: a built-in check, a lab rule with help, the list, did you mean' '
	vosctl explain port-clash >out &&
	test_grep "^checks: .*same port" out &&
	test_grep "^why: " out && test_grep "^fix: " out &&
	test_grep "^docs: *docs/rules.md#port-clash$" out &&
	lab ex port-clash &&
	sed -i "s/^    page_rule: 1$/    page_rule: 1\n    help: move the heavy service to beta/" ex/inventory/rules.yaml &&
	vosctl -C ex explain alpha-routes-only >out &&
	test_grep "^checks: *alpha routes, never computes heavy loads" out &&
	test_grep "^page: *rule 1: .*alpha.* routes, never computes heavy loads" out &&
	test_grep "^fix: *move the heavy service to beta" out &&
	vosctl -C ex explain >out &&
	test_grep "^    port-clash " out && test_grep "^    alpha-routes-only " out &&
	test_expect_code 2 vosctl -C ex explain port-clsh 2>err &&
	test_grep "unknown rule .port-clsh.; did you mean .port-clash.?" err &&
	test_expect_code 2 vosctl -C ex explain alpha-route-only 2>err &&
	test_grep "did you mean .alpha-routes-only.?" err
'

test_expect_success 'the schema agrees: a waiver with a reason passes, one without fails' '
	python3 - "$SRC/schema/inventory.schema.json" vw/inventory/waivers.yaml nr/inventory/waivers.yaml <<-\PY
	import json, sys, yaml, jsonschema
	v = jsonschema.Draft7Validator(json.load(open(sys.argv[1])))
	good = yaml.safe_load(open(sys.argv[2]))
	assert not list(v.iter_errors(json.loads(json.dumps(good, default=str)))), list(v.iter_errors(good))
	bad = {"waivers": [{"rule": "port-clash", "service": "dashboard", "expires": "2027-03-01"}]}
	assert list(v.iter_errors(bad))
	none = {"waivers": [{"rule": "port-clash", "reason": "r", "expires": "2027-03-01"}]}
	assert list(v.iter_errors(none))
	PY
'

test_done
