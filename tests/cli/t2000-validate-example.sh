#!/bin/sh
# t2000: the example labs validate clean; `show` prints them; the seed-001 "as run" lab breaks rule 1.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/tools/labs.sh"

test_expect_success 'example lab (repository root) validates clean' '
	test_expect_code 0 vosctl -C "$SRC" validate >out 2>err &&
	test_grep "0 errors" out &&
	test_no_grep "error:" out
'

test_expect_success 'example lab validates from a copy, found from a subdirectory' '
	mkdir -p lab && cp "$SRC/vosctl.yaml" lab/ && cp -r "$SRC/inventory" lab/ &&
	(cd lab/inventory && test_expect_code 0 "$VOSCTL" validate >../../out 2>&1) &&
	test_grep "0 errors" out
'

test_expect_success 'example lab has the six page rules, all enforced' '
	test_expect_code 0 vosctl -C "$SRC" validate --strict >out 2>&1 &&
	test_no_grep "rule-unenforced" out &&
	test_no_grep "rule-unstated" out
'

test_expect_success 'example lab: validate --format json parses and is ok' '
	test_expect_code 0 vosctl -C "$SRC" validate --format json >out.json 2>err &&
	python3 -m json.tool out.json >/dev/null &&
	python3 -c "import json,sys; d=json.load(open(\"out.json\")); sys.exit(0 if d[\"ok\"] and not [f for f in d[\"findings\"] if f[\"severity\"]==\"error\"] else 1)"
'

test_expect_success 'example lab: the page never uses a non-loopback address' '
	grep -o "[0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*" "$SRC/inventory/services.md" >addrs &&
	test -s addrs &&
	test_no_grep "^192\.168\." addrs &&
	! grep -v "^127\." addrs
'

test_expect_success 'example lab: inventory addresses are all loopback' '
	grep -h "address: \|cidr: " "$SRC"/inventory/*.yaml | grep -o "[0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*" >addrs &&
	test -s addrs &&
	! grep -v "^127\." addrs
'

test_expect_success 'example lab: show lists hosts and services' '
	test_expect_code 0 vosctl -C "$SRC" show >out 2>err &&
	test_grep "skynet" out &&
	test_grep "watson" out &&
	test_grep "dietpi" out &&
	test_grep "LiteLLM\|litellm" out &&
	test_grep "Home Assistant\|home-assistant" out
'

test_expect_success 'ai-lab (seed 002) validates clean' '
	test_expect_code 0 vosctl -C "$SRC/examples/ai-lab" validate >out 2>err &&
	test_grep "0 errors" out
'

test_expect_success 'ai-lab: rules cover all six page rules (strict clean)' '
	test_expect_code 0 vosctl -C "$SRC/examples/ai-lab" validate --strict >out 2>&1
'

test_expect_success 'ai-lab: show lists prometheus and atlas' '
	test_expect_code 0 vosctl -C "$SRC/examples/ai-lab" show >out 2>err &&
	test_grep "prometheus" out &&
	test_grep "atlas" out &&
	test_grep "ComfyUI\|comfyui" out
'

test_expect_success 'ai-lab: exposing Ollama to the USER VLAN is a finding' '
	cp -r "$SRC/examples/ai-lab" ai && 
	sed "/id: ollama/,/admin_via/ s/exposure: \[servers\]/exposure: [servers, user]/" \
		"$SRC/examples/ai-lab/inventory/services.yaml" >ai/inventory/services.yaml &&
	! cmp -s ai/inventory/services.yaml "$SRC/examples/ai-lab/inventory/services.yaml" &&
	test_expect_code 1 vosctl -C ai validate >out 2>&1 &&
	test_grep "\[ai-not-on-user-or-guest\]" out &&
	test_grep "services\.[a-z]*:[0-9]*:[0-9]*: error: \[ai-not-on-user-or-guest\].*Ollama" out
'

test_expect_success 'minimal lab validates clean' '
	test_expect_code 0 vosctl -C "$LABS/labs/minimal" validate --strict >out 2>&1 &&
	test_grep "0 errors, 0 warnings" out
'

SEED001="$SRC/examples/seed001-as-captured"

test_expect_success 'seed 001 as captured: validate prints exactly the documented findings' '
	test_expect_code 1 vosctl -C "$SEED001" validate >out 2>err &&
	test_cmp "$SEED001/expected-validate.txt" out
'

test_expect_success 'seed 001 as captured: inference on skynet breaks page rule 1' '
	test_expect_code 1 vosctl -C "$SEED001" validate >out 2>err &&
	test_grep "services.md:[0-9]*:[0-9]*: error: \[skynet-routes-only\].*Ollama" out &&
	test_grep "\[skynet-routes-only\].*OpenVINO LLM server" out
'

test_expect_success 'seed 001 as captured: watson rule names the strays too' '
	test_expect_code 1 vosctl -C "$SEED001" validate >out 2>err &&
	test_grep "\[watson-gpu-inference\].*MLX OpenAI servers.*studio" out
'

test_expect_success 'seed 001 as captured: the README documents every rule it breaks' '
	sed -n "s/.*error: \[\([a-z0-9-]*\)\].*/\1/p" "$SEED001/expected-validate.txt" | sort -u >rules &&
	test -s rules &&
	while read r; do test_grep "\`$r\`" "$SEED001/README.md" || return 1; done <rules
'

test_expect_success 'seed 001 as captured and the reconciled root lab differ only in placement' '
	test_expect_code 0 vosctl -C "$SRC" validate >out 2>&1 &&
	test_grep "0 errors, 0 warnings" out
'

test_done
