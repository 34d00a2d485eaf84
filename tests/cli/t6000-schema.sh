#!/bin/sh
# t6000-schema: schema/inventory.schema.json and vosctl agree on the shape of inventory files.
# Every good inventory passes the schema; every fixture vosctl rejects for its shape (unknown keys,
# wrong types, missing keys) fails both vosctl (exit 2) and the schema. YAML-level problems (tabs,
# duplicate keys, aliases, invalid UTF-8, syntax) and cross-file problems (duplicate ids) are not
# schema questions and are not listed here.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/tools/labs.sh"

SCHEMA=$SRC/schema/inventory.schema.json

# Shape errors among tests/fixtures/bad/* (lab directories: vosctl -C DIR validate exits 2).
SHAPE_LABS="unknown-key wrong-type-name wrong-type-port"
# Directories of tests/fixtures/inventory/ whose every file is a shape error ("dup" is not: duplicate
# ids across files are not a question a per-file schema can answer).
SHAPE_INV_DIRS="badfiles"

# check.py FILE... : converts each YAML file to JSON the way libyaml/vosctl read it (YAML 1.2 core
# schema: only true/false are booleans, no sexagesimal numbers, no timestamps; merge keys expanded)
# and validates it; prints "PASS file" or "FAIL file: reason" per file, exits 0.
cat >check.py <<'EOF'
import json, re, sys
import yaml
import jsonschema

class CoreLoader(yaml.SafeLoader):
    pass

# YAML 1.2 core schema resolvers (PyYAML implements YAML 1.1: "no", "on", 1:20, 2024-01-01 differ)
CoreLoader.yaml_implicit_resolvers = {}
def resolver(tag, regexp, first):
    CoreLoader.add_implicit_resolver(tag, re.compile(regexp, re.X), list(first))
resolver('tag:yaml.org,2002:bool', r'^(?:true|True|TRUE|false|False|FALSE)$', 'tTfF')
resolver('tag:yaml.org,2002:int', r'^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$', '-+0123456789')
resolver('tag:yaml.org,2002:float',
         r'^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$',
         '-+0123456789.')
resolver('tag:yaml.org,2002:null', r'^(?:~|null|Null|NULL|)$', ['~', 'n', 'N', ''])
resolver('tag:yaml.org,2002:merge', r'^(?:<<)$', '<')

def construct_int(loader, node):
    v = loader.construct_scalar(node)
    if v.startswith('0o'):
        return int(v[2:], 8)
    if v.startswith('0x'):
        return int(v[2:], 16)
    return int(v, 10)
CoreLoader.add_constructor('tag:yaml.org,2002:int', construct_int)

schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)
for path in sys.argv[2:]:
    with open(path, 'rb') as f:
        data = yaml.load(f, Loader=CoreLoader)
    if data is None:
        data = {}
    data = json.loads(json.dumps(data))  # exactly what a JSON validator sees
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        print("FAIL %s: %s: %s" % (path, "/".join(str(p) for p in e.path), e.message))
    else:
        print("PASS %s" % path)
EOF

check() { python3 check.py "$SCHEMA" "$@"; }

test_expect_success 'the schema is valid JSON Schema (draft 7)' '
	python3 -c "import json,sys,jsonschema; jsonschema.Draft7Validator.check_schema(json.load(open(sys.argv[1])))" "$SCHEMA"
'

test_expect_success 'every file of the example lab passes the schema' '
	check "$SRC"/inventory/*.yaml >out &&
	cat out &&
	test_no_grep "^FAIL" out &&
	test $(grep -c "^PASS" out) -ge 3
'

test_expect_success 'every file of the ai-lab example passes the schema' '
	check "$SRC"/examples/ai-lab/inventory/*.yaml >out &&
	cat out &&
	test_no_grep "^FAIL" out &&
	test $(grep -c "^PASS" out) -ge 3
'

test_expect_success 'the good fixture labs pass the schema' '
	ls "$FIXTURES"/labs/*/inventory/*.yaml "$LABS"/labs/*/inventory/*.yaml "$LABS"/findings/*/inventory/*.yaml >files 2>/dev/null
	test -s files &&
	check $(cat files) >out &&
	test_no_grep "^FAIL" out
'

test_expect_success 'the good unit-test inventory fixtures pass the schema' '
	ls "$FIXTURES"/inventory/good/*.yaml "$FIXTURES"/inventory/good/*.yml >files 2>/dev/null
	test -s files &&
	check $(cat files) >out &&
	cat out &&
	test_no_grep "^FAIL" out
'

# The example in docs/inventory.md and docs/rules.md passes, too (docs are tested).
test_expect_success 'the examples in docs/inventory.md and docs/rules.md pass the schema' '
	for doc in inventory rules; do
		awk "/^\`\`\`yaml/{on=1; next} /^\`\`\`/{on=0} on" "$SRC/docs/$doc.md" >doc-$doc.yaml &&
		test -s doc-$doc.yaml || return 1
	done &&
	check doc-inventory.yaml doc-rules.yaml >out &&
	test_no_grep "^FAIL" out
'

for lab in $SHAPE_LABS; do
	test_expect_success "bad/$lab: vosctl rejects it (exit 2) and so does the schema" '
		dir="$LABS/bad/'"$lab"'" &&
		test -d "$dir" &&
		test_expect_code 2 vosctl -C "$dir" validate >out 2>err &&
		test_grep "inventory-" err &&
		check "$dir"/inventory/*.yaml >sch &&
		cat sch &&
		test_grep "^FAIL" sch
	'
done

# every file of the inventory unit tests' shape-error directories, one at a time
for f in $(for d in $SHAPE_INV_DIRS; do ls "$FIXTURES/inventory/$d"/*.y*ml; done 2>/dev/null); do
	test_expect_success "inventory/$(basename "$(dirname "$f")")/$(basename "$f"): vosctl exits 2 and the schema fails it" '
		f='"$f"' &&
		rm -rf lab && mkdir -p lab/inventory &&
		cp "$f" lab/inventory/x.yaml &&
		printf "# Lab\n" >lab/services.md &&
		test_expect_code 2 vosctl validate --page lab/services.md --inventory lab/inventory >out 2>err &&
		test_grep "inventory-type\|inventory-unknown-key\|inventory-missing-key" err &&
		check lab/inventory/x.yaml >sch && cat sch && test_grep "^FAIL" sch
	'
done

# Hand-written shape errors: each must fail both vosctl and the schema.
mkshape() { # name yaml
	mkdir -p "shape/$1" && printf '%s\n' "$2" >"shape/$1/inv.yaml"
}
mkshape unknown-top 'servers: []'
mkshape vlan-missing-cidr 'vlans: [{name: a}]'
mkshape host-unknown-key 'hosts: [{name: a, gpu: true}]'
mkshape service-missing-name 'services: [{id: a, class: ui}]'
mkshape service-traits-map 'services: [{id: a, name: A, class: ui, traits: {gpu: 1}}]'
mkshape port-list 'services: [{id: a, name: A, class: ui, ports: [{port: [1, 2]}]}]'
mkshape port-bool 'services: [{id: a, name: A, class: ui, ports: [{port: true}]}]'
mkshape launch-unknown 'services: [{id: a, name: A, class: ui, launch: {kind: systemd, user: x}}]'
mkshape immutable-string 'services: [{id: a, name: A, class: ui, immutable: [yes]}]'
mkshape rule-bad-assert 'rules: [{id: r, text: t, assert: only-on-moon, hosts: [a]}]'
mkshape rule-missing-text 'rules: [{id: r, assert: only-on-host, hosts: [a]}]'
mkshape rule-missing-hosts 'rules: [{id: r, text: t, assert: only-on-host}]'
mkshape selector-unknown 'rules: [{id: r, text: t, assert: only-on-host, hosts: [a], select: {host: [a]}}]'
mkshape check-unknown 'services: [{id: a, name: A, class: ui, ports: [{port: 80, check: ping}]}]'
mkshape top-is-list '- {id: a, name: A, class: ui}'
mkshape ports-map 'services: [{id: a, name: A, class: ui, ports: {port: 80}}]'
mkshape require-on-wrong-assert 'rules: [{id: r, text: t, assert: only-on-host, hosts: [a], require: {traits: [x]}}]'
mkshape forbid-missing 'rules: [{id: r, text: t, assert: forbid}]'
mkshape bad-service-id 'services: [{id: Open WebUI, name: A, class: ui}]'
mkshape list-of-maps 'hosts: [{name: a, traits: [{gpu: true}]}]'

for d in shape/*; do
	name=$(basename "$d")
	test_expect_success "shape error '$name': vosctl exits 2 and the schema fails it" '
		d='"$d"' &&
		printf "# Lab\n" >"$d/services.md" &&
		test_expect_code 2 vosctl validate --page "$d/services.md" --inventory "$d" >out 2>err &&
		test_grep "error" err &&
		check "$d/inv.yaml" >sch && cat sch && test_grep "^FAIL" sch
	'
done

# And the accepted spellings: a string for a list, a port range string, a status range.
mkdir ok
cat >ok/inv.yaml <<'EOF'
vlans:
  - {name: servers, cidr: 127.0.10.0/24, id: 10}
hosts:
  - {name: a, address: 127.0.10.1, vlan: servers, traits: gpu}
services:
  - id: s
    name: S
    class: inference
    traits: gpu-inference
    depends_on: t
    ports:
      - {port: "8100-8109", check: http, status: "200-299"}
      - {port: 53, proto: udp, check: none}
    launch: {kind: systemd, restart: no, restart_sec: 2.5}
  - {id: t, name: T, class: ui, ports: [{port: 80, status: 200}]}
  - id: u
    name: 2024
    class: ui
    host:
    ports: [5432, "8100-8101"]
    notes: 1.5
rules:
  - {id: r, text: t, assert: only-on-host, select: {traits: gpu-inference}, hosts: a, severity: warning}
  - {id: q, text: t, assert: stateful-only-where-storage}
EOF
test_expect_success 'accepted spellings pass both vosctl and the schema' '
	printf "# Lab\n" >ok/services.md &&
	vosctl validate --page ok/services.md --inventory ok >out 2>err
	rc=$?
	cat out err
	test $rc -le 1 &&
	test_no_grep "inventory-type\|inventory-unknown-key\|inventory-missing-key\|inventory-value" err &&
	test_no_grep "inventory-type\|inventory-unknown-key\|inventory-missing-key\|inventory-value" out &&
	check ok/inv.yaml >sch && cat sch && test_grep "^PASS" sch
'

test_expect_success 'docs/editors.md and docs/inventory.md show the yaml-language-server modeline' '
	test_grep "# yaml-language-server: \$schema=../schema/inventory.schema.json" "$SRC/docs/editors.md" &&
	test_grep "yaml-language-server: \$schema=../schema/inventory.schema.json" "$SRC/docs/inventory.md"
'

test_done
