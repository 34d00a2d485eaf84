#!/bin/sh
# t2800: vosctl init turns an existing services page (seed 000 verbatim), systemd units (seed 001's)
# and a Homepage services.yaml into a starting lab that validates; it never overwrites a file.
. "$(dirname "$0")/../lib.sh"

SEED000="$SRC/tests/fixtures/seeds/000-services.md"

write_units() {
	mkdir -p "$1" &&
	cat >"$1/litellm-orch.service" <<-'EOF' &&
	[Unit]
	Description=LiteLLM orchestrator

	[Service]
	ExecStart=/home/christopherbailey/.local/bin/uv run litellm --config /home/christopherbailey/litellm-orch/config/router.yaml --host 0.0.0.0 --port 4000
	Restart=always
	RestartSec=2
	EOF
	cat >"$1/open-webui.service" <<-'EOF' &&
	[Service]
	ExecStart=/home/christopherbailey/open-webui/.venv/bin/open-webui serve --host 0.0.0.0 --port 3000
	Restart=always
	RestartSec=3
	EOF
	cat >"$1/searxng.service" <<-'EOF' &&
	[Service]
	Environment="SEARXNG_PORT=8888" "OTHER=x y"
	ExecStart=-/opt/searxng/searxng-run
	Restart=on-failure
	EOF
	cat >"$1/ollama.service" <<-'EOF'
	[Service]
	ExecStart=/usr/local/bin/ollama serve
	Environment="OLLAMA_HOST=0.0.0.0:11434"
	Restart=always
	EOF
}

test_expect_success 'init: seed 000 verbatim becomes a lab that validates (warnings allowed)' '
	mkdir lab0 && cp "$SEED000" lab0/services.md &&
	(cd lab0 && vosctl init services.md >../out 2>../err) &&
	test_grep "wrote vosctl.yaml" out &&
	test_grep "7 hosts, 24 services" out &&
	test -f lab0/inventory/hosts.yaml && test -f lab0/inventory/services.yaml &&
	test -f lab0/inventory/rules.yaml &&
	test_expect_code 0 vosctl -C lab0 validate >val 2>&1 &&
	test_grep "0 errors, 6 warnings (24 services on 7 hosts" val &&
	test "$(grep -c "rule-unenforced" val)" = 6
'

test_expect_success 'init: hosts come from the headings, with their planes and roles' '
	python3 - lab0/inventory/hosts.yaml <<-\PY
	import sys, yaml
	d = yaml.safe_load(open(sys.argv[1]))
	h = {x["name"]: x for x in d["hosts"]}
	assert sorted(h) == sorted(["skynet", "deep-thought", "alexandria", "watson", "mothership",
	                            "napster", "hal"]), h
	assert h["skynet"]["plane"] == "control", h["skynet"]
	assert h["hal"]["plane"] == "infrastructure", h["hal"]
	assert h["watson"]["plane"] == "compute" and h["watson"]["role"] == "GPU Inference", h["watson"]
	assert all("address" not in x for x in d["hosts"]), "placeholders are not addresses"
	PY
'

test_expect_success 'init: every row becomes a service with a guessed class, marked as guessed' '
	python3 - lab0/inventory/services.yaml <<-\PY &&
	import sys, yaml
	d = yaml.safe_load(open(sys.argv[1]))
	s = {x["name"]: x for x in d["services"]}
	assert len(s) == 24, len(s)
	want = {"PostgreSQL": "database", "Redis": "cache", "vLLM": "inference", "Traefik": "proxy",
	        "Jellyfin": "media", "NFS": "storage", "OPNsense": "network", "DNS (Unbound)": "network",
	        "LiteLLM": "router", "Open WebUI": "ui", "Gitea": "git", "Wiki.js": "docs",
	        "Authentik": "identity"}
	for n, c in want.items():
	    assert s[n]["class"] == c, (n, s[n]["class"])
	assert s["DNS (Unbound)"]["id"] == "dns-unbound"
	assert s["vLLM"]["host"] == "watson" and s["Redis"]["purpose"] == "Cache/sessions"
	assert "heavy-compute" in s["vLLM"]["traits"]
	PY
	test "$(grep -c "class: .*# guessed" lab0/inventory/services.yaml)" = 24
'

test_expect_success 'init: one commented rule skeleton per page rule, unenforced until filled in' '
	test "$(grep -c "^  #   page_rule: " lab0/inventory/rules.yaml)" = 6 &&
	test_grep "text: \"skynet routes, never computes heavy loads\"" lab0/inventory/rules.yaml &&
	test_grep "rules: \[\]" lab0/inventory/rules.yaml &&
	vosctl -C lab0 validate >val 2>&1 &&
	test "$(grep -c "rule-unenforced" val)" = 6
'

test_expect_success 'init: an uncommented skeleton is a working rule' '
	cp -r lab0 lab0r &&
	sed -e "s/^rules: \[\]/rules:/" -e "s/^  # /  /" -e "s/^  #   /    /" lab0/inventory/rules.yaml >lab0r/inventory/rules.yaml &&
	test_expect_code 0 vosctl -C lab0r validate >val 2>&1 &&
	test_grep "(24 services on 7 hosts, 6 rules)" val &&
	test_no_grep "rule-unenforced" val
'

test_expect_success 'init: systemd units give ports, restart policies and the command line' '
	mkdir lab1 && cp "$SEED000" lab1/services.md && write_units units &&
	(cd lab1 && vosctl init services.md --units ../units >../out 2>../err) &&
	test_grep "3 unit files used" out &&
	test_grep "ollama.service.*matches no service on the page" err &&
	python3 - lab1/inventory/services.yaml <<-\PY &&
	import sys, yaml
	s = {x["id"]: x for x in yaml.safe_load(open(sys.argv[1]))["services"]}
	l = s["litellm"]
	assert [p["port"] for p in l["ports"]] == [4000], l
	assert l["launch"]["restart"] == "always" and l["launch"]["restart_sec"] == 2, l
	assert l["launch"]["unit"].endswith("litellm-orch.service") and "--port 4000" in l["launch"]["exec"]
	assert s["open-webui"]["ports"][0]["port"] == 3000
	x = s["searxng"]
	assert x["ports"][0]["port"] == 8888 and x["launch"]["restart"] == "on-failure", x
	assert x["launch"]["exec"] == "/opt/searxng/searxng-run", x
	assert "SEARXNG_PORT=8888" in x["notes"], x
	PY
	test_expect_code 0 vosctl -C lab1 validate >val 2>&1
'

test_expect_success 'init: a Homepage services.yaml gives schemes, ports and paths' '
	mkdir lab2 && cp "$SEED000" lab2/services.md &&
	cat >homepage.yaml <<-\EOF &&
	- Media:
	    - Jellyfin:
	        href: http://192.0.2.20:8096/web/
	        description: Movies and shows
	    - Radarr:
	        href: https://radarr.example
	- Monitoring:
	    - Grafana:
	        href: http://grafana.example:3000
	EOF
	vosctl init lab2/services.md --dir lab2 --homepage homepage.yaml >out 2>err &&
	test_grep "2 Homepage entries used" out &&
	test_grep "Grafana.*is not on the page" err &&
	test_grep "^page: services.md" lab2/vosctl.yaml &&
	python3 - lab2/inventory/services.yaml <<-\PY &&
	import sys, yaml
	s = {x["id"]: x for x in yaml.safe_load(open(sys.argv[1]))["services"]}
	assert s["jellyfin"]["ports"] == [{"port": 8096, "check": "http", "path": "/web/"}], s["jellyfin"]
	assert s["radarr"]["ports"] == [{"port": 443, "check": "https", "path": "/"}], s["radarr"]
	PY
	test_expect_code 0 vosctl -C lab2 validate >val 2>&1
'

test_expect_success 'init never overwrites a file, and writes nothing when one exists' '
	mkdir lab3 && cp "$SEED000" lab3/services.md &&
	mkdir lab3/inventory && echo "# mine" >lab3/inventory/rules.yaml &&
	(cd lab3 && test_expect_code 2 vosctl init services.md >../out 2>../err) &&
	test_grep "rules.yaml.*already exists; init never overwrites" err &&
	test "$(cat lab3/inventory/rules.yaml)" = "# mine" &&
	! test -e lab3/vosctl.yaml && ! test -e lab3/inventory/hosts.yaml &&
	(cd lab0 && test_expect_code 2 vosctl init services.md >../out 2>&1)
'

test_expect_success 'init: names with YAML specials are quoted so they read back as written' '
	mkdir lab4 &&
	cat >lab4/services.md <<-\EOF &&
	# Lab

	## Data Plane

	### box (Storage)

	| Service | IP | Purpose |
	|---------|-----|---------|
	| yes | <LAN_IP> | a: b # not a comment |
	| "Quoted" | <LAN_IP> | 123 |
	EOF
	(cd lab4 && vosctl init services.md >/dev/null 2>&1) &&
	python3 - lab4/inventory/services.yaml <<-\PY &&
	import sys, yaml
	s = yaml.safe_load(open(sys.argv[1]))["services"]
	assert s[0]["name"] == "yes" and s[0]["purpose"] == "a: b # not a comment", s[0]
	assert s[1]["name"] == "\"Quoted\"" and s[1]["purpose"] == "123", s[1]
	PY
	test_expect_code 0 vosctl -C lab4 validate >val 2>&1
'

test_expect_success 'init: usage and input errors' '
	test_expect_code 2 vosctl init >out 2>err &&
	test_grep "missing the services page" err &&
	test_expect_code 2 vosctl init missing.md >out 2>err &&
	test_grep "missing.md" err &&
	test_expect_code 3 vosctl init "$SEED000" --units no-such-dir --dir lab5 >out 2>err &&
	test_grep "no-such-dir" err &&
	! test -e lab5 &&
	echo "not: [a list" >bad.yaml &&
	test_expect_code 2 vosctl init "$SEED000" --homepage bad.yaml --dir lab5 >out 2>err &&
	test_grep "bad.yaml:" err
'

test_done
