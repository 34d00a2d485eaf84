#!/bin/sh
# t6100-graph: vosctl graph --format dot|mermaid (hosts as clusters, services inside, dependencies as
# edges, findings highlighted).
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/tools/labs.sh"

have_dot() { command -v dot >/dev/null 2>&1; }

test_expect_success 'dot (default) on the example lab: a cluster per host, a node per service' '
	vosctl -C "$SRC" graph >g.dot &&
	test_grep "^digraph vosctl {" g.dot &&
	test_grep "subgraph \"cluster_skynet\" {" g.dot &&
	test_grep "label=\"skynet (control, 127.0.10.1)\";" g.dot &&
	test_grep "subgraph \"cluster_watson\" {" g.dot &&
	test_grep "\"litellm\" \[label=\"LiteLLM\\\\nrouter\"" g.dot &&
	test_grep "^}$" g.dot
'

test_expect_success 'dot: depends_on become edges' '
	test_grep "\"open-webui\" -> \"litellm\";" g.dot &&
	test_grep "\"litellm\" -> \"ollama\";" g.dot
'

test_expect_success 'dot: every host of vosctl show is a cluster, every service a node' '
	vosctl -C "$SRC" show --format json >model.json &&
	python3 -c "
import json, sys
m = json.load(open(\"model.json\")); g = open(\"g.dot\").read()
for h in m[\"hosts\"]:
    assert \"subgraph \\\"cluster_%s\\\" {\" % h[\"name\"] in g, h[\"name\"]
for s in m[\"services\"]:
    assert \"\\\"%s\\\" [label=\" % s[\"id\"] in g, s[\"id\"]
"
'

if have_dot; then
	test_expect_success 'dot output parses with graphviz (dot -Tsvg)' '
		dot -Tsvg g.dot >g.svg 2>dot.err &&
		test_grep "<svg" g.svg &&
		test_line_count 0 dot.err
	'
else
	test_skip 'graphviz is not installed (dot -Tsvg)'
fi

test_expect_success 'the example lab is clean: nothing highlighted' '
	test_no_grep "color=red" g.dot
'

test_expect_success 'mermaid: flowchart, subgraphs, nodes and edges' '
	vosctl -C "$SRC" graph --format mermaid >g.mmd &&
	head -n 1 g.mmd >first && echo "flowchart LR" >expect && test_cmp expect first &&
	test_grep "^  subgraph host_skynet \[\"skynet (control, 127.0.10.1)\"\]$" g.mmd &&
	test_grep "^  subgraph host_deep_thought \[" g.mmd &&
	test_grep "^    svc_open_webui\[\"Open WebUI<br/>ui\"\]$" g.mmd &&
	test_grep "^  svc_open_webui --> svc_litellm$" g.mmd &&
	test_grep "^  classDef violation fill:#fdd,stroke:#c00" g.mmd &&
	test_no_grep "^  class .* violation$" g.mmd
'

test_expect_success 'mermaid: subgraph and end balance, ids are [A-Za-z0-9_]' '
	test $(grep -c "^ *subgraph " g.mmd) = $(grep -c "^ *end$" g.mmd) &&
	grep "\[\"" g.mmd | grep -v "^ *subgraph " | sed -E "s/^ +//; s/\[\".*//" >ids &&
	test -s ids &&
	test_no_grep "[^A-Za-z0-9_]" ids &&
	sort ids | uniq -d >dups && test_line_count 0 dups
'

# A lab with violations: a rule broken, a dependency cycle, an unknown dependency, and names that need
# escaping.
mkdir -p lab/inventory
cat >lab/vosctl.yaml <<'EOF'
page: services.md
inventory: inventory
EOF
cat >lab/services.md <<'EOF'
# Services

## Control Plane (alpha)

| Service | IP | Purpose |
|---|---|---|
| Router "R1" | 127.0.10.1 | Routes requests |
| Engine | 127.0.10.1 | Inference on the wrong host |

## Compute Plane (beta)

| Service | IP | Purpose |
|---|---|---|
| Cache.v2 | 127.0.10.2 | Cache |

## Placement Rules

1. **alpha** routes, never computes heavy loads
EOF
cat >lab/inventory/lab.yaml <<'EOF'
lab: test "lab"
vlans:
  - {name: servers, cidr: 127.0.10.0/24}
hosts:
  - {name: alpha, plane: control, address: 127.0.10.1, vlan: servers}
  - {name: beta, plane: compute, address: 127.0.10.2, vlan: servers}
services:
  - {id: router, name: 'Router "R1"', host: alpha, class: router, depends_on: [engine, ghost]}
  - {id: engine, name: Engine, host: alpha, class: inference, traits: [heavy-compute], depends_on: [cache.v2]}
  - {id: cache.v2, name: Cache.v2, host: beta, class: cache, depends_on: [router]}
rules:
  - id: alpha-routes-only
    page_rule: 1
    text: alpha routes, never computes heavy loads
    assert: never-trait-on-host
    hosts: [alpha]
    traits: [heavy-compute]
EOF

test_expect_success 'the violation lab has findings (validate exits 1)' '
	test_expect_code 1 vosctl -C lab validate >v.out &&
	test_grep "alpha-routes-only" v.out &&
	test_grep "depends-cycle" v.out
'

test_expect_success 'dot: the violating service is red with its rule ids as tooltip' '
	vosctl -C lab graph --format dot >v.dot &&
	grep "^    \"engine\" \[" v.dot >engine &&
	test_grep "color=red, penwidth=2" engine &&
	test_grep "tooltip=\"findings: .*alpha-routes-only" engine
'

test_expect_success 'dot: cycle edges are red, the unknown dependency is drawn dashed' '
	test_grep "^  \"router\" -> \"engine\" \[color=red, penwidth=2" v.dot &&
	test_grep "^  \"engine\" -> \"cache.v2\" \[color=red, penwidth=2" v.dot &&
	test_grep "^  \"cache.v2\" -> \"router\" \[color=red, penwidth=2" v.dot &&
	test_grep "^  \"ghost\" \[label=\"ghost\\\\n(unknown)\", style=\"rounded,dashed\"" v.dot &&
	test_grep "^  \"router\" -> \"ghost\" \[color=red, style=dashed\]" v.dot
'

test_expect_success 'dot: quotes are escaped' '
	test_grep "label=\"Router \\\\\"R1\\\\\"\\\\nrouter\"" v.dot &&
	test_grep "label=\"test \\\\\"lab\\\\\"\"" v.dot
'

if have_dot; then
	test_expect_success 'dot: the violation lab parses with graphviz' '
		dot -Tsvg v.dot >v.svg 2>dot.err && test_grep "<svg" v.svg && test_line_count 0 dot.err
	'
else
	test_skip 'graphviz is not installed (dot -Tsvg)'
fi

test_expect_success 'mermaid: violations classed, cycle edges styled, ids sanitized, quotes escaped' '
	vosctl -C lab graph --format mermaid >v.mmd &&
	test_grep "^  class svc_engine violation$" v.mmd &&
	test_grep "^    svc_cache_v2\[\"Cache.v2<br/>cache\"\]$" v.mmd &&
	test_grep "^    svc_router\[\"Router #quot;R1#quot;<br/>router\"\]$" v.mmd &&
	test_grep "^  svc_engine --> svc_cache_v2$" v.mmd &&
	test_grep "^  unknown_ghost\[\"ghost (unknown)\"\]$" v.mmd &&
	test_grep "^  class unknown_ghost violation$" v.mmd &&
	test $(grep -c "^  linkStyle [0-9]* stroke:#c00" v.mmd) = 4
'

test_expect_success '--output writes the file atomically and prints nothing' '
	vosctl -C lab graph --format mermaid --output "$TRASH/out.mmd" >stdout &&
	test_line_count 0 stdout &&
	test_cmp v.mmd out.mmd &&
	ls -a "$TRASH" >files && test_no_grep "out.mmd\..*tmp\|\.tmp" files
'

test_expect_success '--output to a missing directory fails with exit 3 and a message' '
	test_expect_code 3 vosctl -C lab graph --output "$TRASH/no/such/dir/g.dot" 2>err &&
	test_grep "vosctl: error:" err
'

test_expect_success 'an unknown format is a usage error' '
	test_expect_code 2 vosctl -C lab graph --format png 2>err &&
	test_grep "unknown format .png." err
'

test_expect_success 'unusable input: exit 2, nothing on stdout' '
	test_expect_code 2 vosctl -C "$LABS/bad/unknown-key" graph >out 2>err &&
	test_line_count 0 out &&
	test_grep "inventory-unknown-key" err
'

test_expect_success 'graph --help prints usage with both formats' '
	vosctl graph --help >help &&
	test_grep "^usage: vosctl graph" help &&
	test_grep "dot" help && test_grep "mermaid" help && test_grep "\-\-output" help
'

test_done
