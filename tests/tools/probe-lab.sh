# probe-lab.sh - sourced by tests/integration/t3*-probe-*.sh: writes a small lab into the trash dir and starts its
# loopback listeners (127.0.31.1 alpha, 127.0.31.2 beta, 127.0.31.3 gamma), stopped on exit.
# Nothing outside 127.0.0.0/8 is ever listened on or connected to; 192.168.1.70 only appears as
# an address vosctl must refuse (it is outside the lab's one VLAN, its probe scope).

LISTEN="$SRC/tests/tools/listen.py"
PIDS_FILE="$TRASH/.listener-pids"
: >"$PIDS_FILE"

# Stops every listener this test started (by pid; they also exit by themselves after 60 s).
probe_lab_cleanup() {
	[ -f "$PIDS_FILE" ] || return 0
	for p in $(cat "$PIDS_FILE"); do kill "$p" 2>/dev/null; done
	for p in $(cat "$PIDS_FILE"); do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	done
	: >"$PIDS_FILE"
}
trap probe_lab_cleanup EXIT
trap 'probe_lab_cleanup; exit 1' HUP INT PIPE TERM

# Tests whose answers depend on replies arriving within a timeout (--timeout 1500): under valgrind
# (make check VALGRIND=1) a loopback answer can take seconds, so there their commands run (valgrind
# still checks them) but their asserts are skipped.
timing_test() {
	if [ "${VALGRIND:-}" = 1 ]; then
		(eval "$2") >"$TRASH/.out" 2>&1
		test_skip "$1 (timing: asserts skipped under valgrind)"
	else
		test_expect_success "$@"
	fi
}

# start_listeners NAME SPEC... : starts listen.py (at most 60 s) and waits until it is bound
start_listeners() {
	name=$1; shift
	rm -f "$TRASH/$name.ready"
	python3 "$LISTEN" --lifetime 60 --ready "$TRASH/$name.ready" --cert "$TRASH/cert.pem" --key "$TRASH/key.pem" "$@" \
		>"$TRASH/$name.log" 2>&1 &
	echo $! >>"$PIDS_FILE"
	i=0
	while [ ! -f "$TRASH/$name.ready" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then echo "listeners '$name' did not start" >&2; cat "$TRASH/$name.log" >&2; return 1; fi
		sleep 0.1
	done
}

# start_dnsmasq NAME DOMAIN HOSTS ADDR PORT : a dnsmasq answering DOMAIN's names from the hosts file
# HOSTS only (no upstream, no /etc/hosts: a name it does not hold is NXDOMAIN), on ADDR:PORT,
# stopped on exit like the listeners; its log is NAME.log
start_dnsmasq() {
	dnsmasq --keep-in-foreground --no-resolv --no-hosts -C /dev/null --pid-file= --user=root \
		--local="/$2/" --addn-hosts="$3" --listen-address="$4" --bind-interfaces \
		--port="$5" >"$TRASH/$1.log" 2>&1 &
	echo $! >>"$PIDS_FILE"
}

write_probe_lab() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TRASH/key.pem" -out "$TRASH/cert.pem" -days 2 \
		-subj "/CN=vosctl-test" -addext "subjectAltName=IP:127.0.31.3" >/dev/null 2>&1 || return 1
	mkdir -p lab/inventory
	cat >lab/vosctl.yaml <<-'EOF'
	page: services.md
	inventory: inventory
	EOF
	cat >lab/services.md <<-'EOF'
	---
	title: Probe Lab
	description: A lab for probe tests
	published: true
	date: 2025-12-29T12:30:00.000Z
	tags: vos, test
	editor: markdown
	dateCreated: 2025-12-29T12:30:00.000Z
	---

	# Probe Lab

	## Control Plane (alpha)

	| Service | IP | Purpose |
	|---------|-----|---------|
	| Web UI | 127.0.31.1 | Chat interface |
	| Gateway | 127.0.31.1 | LLM router |
	| Search | 127.0.31.1 | Search |

	## Data Plane

	### beta (Databases)

	| Service | IP | Purpose |
	|---------|-----|---------|
	| API | 127.0.31.2 | Broken API |
	| Slow | 127.0.31.2 | Never answers |
	| Cache | 127.0.31.2 | Cache |
	| MLX | 127.0.31.2 | Inference range |

	### gamma (Secure)

	| Service | IP | Purpose |
	|---------|-----|---------|
	| Vault | 127.0.31.3 | TLS service |

	### delta (Remote)

	| Service | IP | Purpose |
	|---------|-----|---------|
	| Remote | 192.168.1.70 | Not ours to probe |
	EOF
	cat >lab/inventory/lab.yaml <<-'EOF'
	vlans:
	  - {name: lab, cidr: 127.0.31.0/24}
	hosts:
	  - {name: alpha, plane: control, address: 127.0.31.1}
	  - {name: beta, plane: data, address: 127.0.31.2}
	  - {name: gamma, plane: data, address: 127.0.31.3}
	  - {name: delta, plane: data, address: 192.168.1.70}
	services:
	  - id: webui
	    name: Web UI
	    host: alpha
	    class: ui
	    ports: [{port: 23000, check: http, path: /health, body: ok}]
	    depends_on: [gateway]
	  - id: gateway
	    name: Gateway
	    host: alpha
	    class: router
	    ports: [{port: 24000, check: http, path: /health/liveliness, status: 200}]
	  - id: search
	    name: Search
	    host: alpha
	    class: search
	    ports: [{port: 28888}]
	  - id: api
	    name: API
	    host: beta
	    class: proxy
	    ports: [{port: 25000, check: http}]
	  - id: slow
	    name: Slow
	    host: beta
	    class: proxy
	    ports: [{port: 26000, check: http}]
	  - id: cache
	    name: Cache
	    host: beta
	    class: cache
	    ports: [{port: 26379}, {port: 26380, proto: udp}]
	  - id: mlx
	    name: MLX
	    host: beta
	    class: inference
	    ports: [{port: "28100-28102"}]
	  - id: vault
	    name: Vault
	    host: gamma
	    class: identity
	    ports: [{port: 28443, check: https}]
	  - id: remote
	    name: Remote
	    host: delta
	    class: network
	    ports: [{port: 22}]
	EOF
}

start_probe_lab() {
	start_listeners lab \
		http200:127.0.31.1:23000 tcp:127.0.31.1:28888 tcp:127.0.31.1:21077 \
		http500:127.0.31.2:25000 hang:127.0.31.2:26000 tcp:127.0.31.2:28100-28102 \
		https:127.0.31.3:28443
}

# jget FILE EXPR : evaluates a python expression on the JSON document d
jget() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r={x["service"]+":"+str(x["port"]): x for x in d["results"]}; print(eval(sys.argv[2]))' "$1" "$2"
}
