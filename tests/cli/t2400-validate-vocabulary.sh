#!/bin/sh
# t2400: the vocabulary (issue 13, item 1): every class, trait, plane and role the inventory uses is
# declared (the default set, or the lab's `vocabulary:`); a misspelling is a located error with a
# "did you mean"; a rule naming a host, VLAN or service that does not exist is a located error in
# the rules file and blames nothing else; `show --vocabulary` lists every word and its users.
. "$(dirname "$0")/../lib.sh"

# a fresh copy of the example lab in lab/
fresh() {
	rm -rf lab && mkdir lab && cp "$SRC/vosctl.yaml" lab/ && cp -r "$SRC/inventory" lab/
}

test_expect_success 'the example lab uses only declared words' '
	fresh &&
	test_expect_code 0 vosctl -C lab validate >out 2>err &&
	test_no_grep "unknown-word" err
'

test_expect_success 'traits: [heavy-compte] is a located error with a did you mean (was clean)' '
	fresh &&
	grep -n "traits: \[ai, heavy-compute, gpu-inference\]" lab/inventory/services-compute.yaml | head -1 | cut -d: -f1 >line &&
	l=$(cat line) && test -n "$l" &&
	sed -i "${l}s/heavy-compute/heavy-compte/" lab/inventory/services-compute.yaml &&
	test_expect_code 2 vosctl -C lab validate >out 2>err &&
	test_grep "^inventory/services-compute.yaml:$l:18: error: \[unknown-word\] unknown trait .heavy-compte.: did you mean .heavy-compute.?" err
'

test_expect_success 'class: cahce is a located error with a did you mean (was clean)' '
	fresh &&
	sed -i "s/class: cache$/class: cahce/" lab/inventory/services-data.yaml &&
	l=$(grep -n "class: cahce" lab/inventory/services-data.yaml | cut -d: -f1) && test -n "$l" &&
	test_expect_code 2 vosctl -C lab validate >out 2>err &&
	test_grep "^inventory/services-data.yaml:$l:12: error: \[unknown-word\] unknown class .cahce.: did you mean .cache.?" err
'

test_expect_success 'a misspelled plane, role or host trait is located too' '
	fresh &&
	sed -i "0,/plane: control/s//plane: contorl/" lab/inventory/network.yaml &&
	test_expect_code 2 vosctl -C lab validate >out 2>err &&
	test_grep "network.yaml:[0-9]*:[0-9]*: error: \[unknown-word\] unknown plane .contorl.: did you mean .control.?" err &&
	fresh &&
	sed -i "0,/role: GPU Inference/s//role: GPU Inferense/" lab/inventory/network.yaml &&
	test_expect_code 2 vosctl -C lab validate >out 2>err &&
	test_grep "error: \[unknown-word\] unknown role .GPU Inferense.: did you mean .GPU Inference.?" err
'

test_expect_success 'a misspelled word in a rule selector or argument is located in the rules file' '
	fresh &&
	sed -i "s/select: {traits: \[gpu-inference\]}/select: {traits: [gpu-inferense]}/" lab/inventory/rules.yaml &&
	sed -i "s/classes: \[media\]/classes: [meda]/" lab/inventory/rules.yaml &&
	test_expect_code 2 vosctl -C lab validate >out 2>err &&
	test_grep "^inventory/rules.yaml:[0-9]*:[0-9]*: error: \[unknown-word\] unknown trait .gpu-inferense.: did you mean .gpu-inference.?" err &&
	test_grep "^inventory/rules.yaml:[0-9]*:[0-9]*: error: \[unknown-word\] unknown class .meda.: did you mean .media.?" err
'

test_expect_success 'hosts: [wastson] in a rule: a located error in the rules file, nothing blames the page' '
	fresh &&
	sed -i "s/hosts: \[watson\]/hosts: [wastson]/" lab/inventory/rules.yaml &&
	l=$(grep -n "hosts: \[wastson\]" lab/inventory/rules.yaml | cut -d: -f1) && test -n "$l" &&
	test_expect_code 1 vosctl -C lab validate >out 2>err &&
	test_grep "^inventory/rules.yaml:$l:13: error: \[rule-unknown-ref\] rule .watson-gpu-inference. names host .wastson., which neither the page nor the inventory knows: did you mean .watson.?" out &&
	test_no_grep "^inventory/services.md:.*error" out &&
	test_no_grep "\[watson-gpu-inference\]" out
'

test_expect_success 'a rule naming a VLAN or a service that does not exist is located the same way' '
	fresh &&
	cat >>lab/inventory/rules.yaml <<-\YAML &&
	  - id: ai-not-on-guest
	    page_text: watson handles all GPU inference
	    text: no AI service on the guest network
	    assert: not-exposed-on-vlans
	    select: {services: [olama]}
	    vlans: [guest]
	YAML
	test_expect_code 1 vosctl -C lab validate >out 2>err &&
	test_grep "^inventory/rules.yaml:[0-9]*:[0-9]*: error: \[rule-unknown-ref\] rule .ai-not-on-guest. names service .olama., which is no service of the lab: did you mean .ollama.?" out &&
	test_grep "^inventory/rules.yaml:[0-9]*:[0-9]*: error: \[rule-unknown-ref\] rule .ai-not-on-guest. names VLAN .guest., which the inventory does not define" out
'

test_expect_success 'a lab declares its own words (in any inventory file) and uses them' '
	fresh &&
	sed -i "s/class: cache$/class: kv-store/" lab/inventory/services-data.yaml &&
	sed -i "s/classes: \[database, cache\]/classes: [database, kv-store]/" lab/inventory/rules.yaml &&
	cat >lab/inventory/vocabulary.yaml <<-\YAML &&
	vocabulary:
	  classes:
	    kv-store: a key-value store the lab owns
	  roles:
	    Build Farm: builds things
	YAML
	test_expect_code 0 vosctl -C lab validate >out 2>err &&
	vosctl -C lab show --vocabulary >voc 2>err &&
	test_grep "^  kv-store  *lab  *a key-value store the lab owns" voc &&
	test_grep "declared at inventory/vocabulary.yaml:3:5" voc &&
	test_grep "used by service .redis. (inventory/services-data.yaml" voc &&
	test_grep "used by rule .deep-thought-databases." voc &&
	test_grep "^  cache  *default" voc
'

test_expect_success 'show --vocabulary --format json: every word, its meaning, source and users' '
	fresh &&
	vosctl -C lab show --vocabulary --format json >voc.json 2>err &&
	python3 - voc.json <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["defaults"] is True
	words = {(w["kind"], w["word"]): w for w in d["words"]}
	for w in d["words"]:
	    assert w["meaning"] and w["source"] in ("default", "lab"), w
	# what the three seeds need
	for k, w in [("class", "router"), ("class", "compute"), ("class", "storage"), ("class", "database"),
	             ("class", "cache"), ("class", "llm"), ("class", "embedding"), ("class", "proxy"),
	             ("class", "monitoring"), ("class", "dns"), ("class", "inference"), ("class", "media"),
	             ("trait", "heavy-compute"), ("trait", "gpu-inference"), ("trait", "stateful"),
	             ("trait", "ai"), ("trait", "gpu"), ("plane", "control"), ("plane", "data"),
	             ("plane", "compute"), ("plane", "infrastructure"), ("role", "Databases"),
	             ("role", "GPU Inference"), ("role", "Containers"), ("role", "Media"), ("role", "Storage"),
	             ("role", "AI Compute")]:
	    assert (k, w) in words, (k, w)
	users = words[("class", "cache")]["used_by"]
	assert [u["id"] for u in users if u["what"] == "service"] == ["redis"], users
	assert all(u["file"] and u["line"] > 0 for u in users), users
	PY
'

test_expect_success 'vocabulary: {defaults: false} replaces the default set' '
	fresh &&
	printf "vocabulary:\n  defaults: false\n  classes: {router: routes}\n" >lab/inventory/vocabulary.yaml &&
	test_expect_code 2 vosctl -C lab validate >out 2>err &&
	test_grep "error: \[unknown-word\] unknown class .database.: declare it under .vocabulary: classes:. with its meaning (the lab.s vocabulary has .defaults: false.)" err &&
	test_no_grep "unknown class .router." err
'

test_expect_success 'a word declared twice, or without its meaning, is an error' '
	fresh &&
	printf "vocabulary:\n  classes: {kv: a store}\n" >lab/inventory/vocabulary.yaml &&
	printf "vocabulary:\n  classes:\n    kv: again\n    blob:\n" >lab/inventory/vocabulary2.yaml &&
	test_expect_code 2 vosctl -C lab validate >out 2>err &&
	test_grep "^inventory/vocabulary2.yaml:3:5: error: \[inventory-duplicate-id\] class .kv. is declared twice in the vocabulary" err &&
	test_grep "^inventory/vocabulary2.yaml:4:5: error: \[inventory-value\] class .blob. needs its one-line meaning" err
'

test_expect_success 'docs/inventory.md lists the default set exactly' '
	vosctl -C "$SRC" show --vocabulary --format json >voc.json 2>err &&
	python3 - voc.json "$SRC/docs/inventory.md" <<-\PY
	import json, re, sys
	d = json.load(open(sys.argv[1]))
	built = sorted((w["kind"], w["word"]) for w in d["words"] if w["source"] == "default")
	doc = open(sys.argv[2]).read()
	sec = doc.split("### The default vocabulary", 1)[1].split("\n## ", 1)[0]
	listed = sorted((m.group(1), m.group(2)) for m in re.finditer(r"^\| (class|trait|plane|role) \| `([^`]+)` \|", sec, re.M))
	assert built == listed, (set(built) ^ set(listed))
	PY
'

test_done
