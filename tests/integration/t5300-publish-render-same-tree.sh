#!/bin/sh
# One render plan: `vosctl render --write` into a clone of the wiki repository followed by a plain
# `git commit` gives the very tree `vosctl publish` pushes for the same lab, options and time:
# services page (an address moved, a row added, a page-only row pruned), the generated inventory
# page and the status page.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/integration/gitserver.sh"

GITSERVER_USER=publisher
GITSERVER_TOKEN=tok-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
export GITSERVER_USER GITSERVER_TOKEN

gitserver_start "$GITSERVER_USER" "$GITSERVER_TOKEN" >/dev/null 2>&1 || { echo "Bail out! no git server"; exit 1; }
gitserver_new_repo wiki
publish_lab "$TRASH/lab"
NOW=2027-03-04T05:06:07.000Z

# rlab DIR : a lab whose pages are the files of the wiki clone DIR/wc (render writes into it),
# with lab's inventory and probe results
rlab() {
	rm -rf "$1/inventory" "$1/.vosctl" && mkdir -p "$1" &&
	cp -R lab/inventory "$1/inventory" && cp -R lab/.vosctl "$1/.vosctl" &&
	cat >"$1/vosctl.yaml" <<-\YAML
	page: wc/vos/services.md
	inventory: inventory
	render:
	  services: wc/vos/services.md
	  inventory_page: wc/vos/service-inventory.md
	  status: wc/vos/status.md
	  status_file: .vosctl/last-probe.json
	YAML
}

# same_tree DIR : commits what render wrote in DIR/wc and compares its tree with the remote head's
same_tree() {
	git -C "$1/wc" add -A vos &&
	git -C "$1/wc" -c user.name=t -c user.email=t@localhost commit -q -m "render --write" &&
	gitcli -C "$1/wc" fetch -q origin &&
	git -C "$1/wc" rev-parse "HEAD^{tree}" >rendered &&
	git -C "$1/wc" rev-parse "origin/main^{tree}" >published &&
	test_cmp rendered published
}

test_expect_success 'setup: the wiki holds the lab, a wiki edit adds a row no inventory entry describes' '
	vosctl_publish lab >out 2>err &&
	gitcli clone -q "$(gitserver_url wiki)" edit &&
	sed -i "s/^| SearxNG .*|\$/&\n| Portainer | 127.0.10.1 | Containers |/" edit/vos/services.md &&
	test_grep "^| Portainer " edit/vos/services.md &&
	git -C edit -c user.name=w -c user.email=w@localhost commit -q -am "wiki: a row by hand" &&
	gitcli -C edit push -q origin HEAD:main &&
	cat >>lab/inventory/services-control.yaml <<-\YAML &&

	  - id: grafana
	    name: Grafana
	    host: skynet
	    class: ui
	    purpose: Dashboards
	    ports:
	      - {port: 3001, check: tcp}
	YAML
	sed -i "s/address: 127.0.10.3\$/address: 127.0.10.33/" lab/inventory/network.yaml &&
	mkdir -p lab/.vosctl &&
	cat >lab/.vosctl/last-probe.json <<-\JSON
	{"time": "2027-03-04T05:00:00.000Z", "results": [
	 {"service": "litellm", "host": "skynet", "address": "127.0.10.1", "port": 4000, "check": "http",
	  "state": "up", "latency_ms": 3.25, "status": 200, "detail": ""},
	 {"service": "grafana", "host": "skynet", "address": "127.0.10.1", "port": 3001, "check": "tcp",
	  "state": "down", "latency_ms": 0.1, "status": null, "detail": "connection refused"}]}
	JSON
'

test_expect_success 'render --prune --write + git commit is the tree publish --prune pushes' '
	rlab r1 && gitcli clone -q "$(gitserver_url wiki)" r1/wc &&
	VOSCTL_NOW=$NOW vosctl -C r1 render --with-status --prune --write >out 2>err &&
	test_grep "wrote .wc/vos/services.md." out &&
	test_grep "wrote .wc/vos/status.md." out &&
	test_no_grep "Portainer" r1/wc/vos/services.md &&
	test_no_grep "Portainer" r1/wc/vos/service-inventory.md &&
	test_grep "^| Grafana " r1/wc/vos/services.md &&
	test_grep "^## Grafana" r1/wc/vos/service-inventory.md &&
	test_grep "^| Grafana .* down " r1/wc/vos/status.md &&
	VOSCTL_NOW=$NOW vosctl_publish lab --prune >out 2>err &&
	test_grep "^published [0-9a-f]* " out &&
	same_tree r1
'

test_expect_success 'a wiki edit later: render --write + git commit is again the tree publish pushes' '
	gitcli -C edit pull -q &&
	sed -i "s/^Authoritative service placement.*/Edited in Wiki.js: keep me./" edit/vos/services.md &&
	git -C edit -c user.name=w -c user.email=w@localhost commit -q -am "wiki: intro" &&
	gitcli -C edit push -q origin HEAD:main &&
	sed -i "s/address: 127.0.10.33\$/address: 127.0.10.34/" lab/inventory/network.yaml &&
	sed -i "s/purpose: Dashboards/purpose: Dashboards and alerts/" lab/inventory/services-control.yaml &&
	rlab r2 && gitcli clone -q "$(gitserver_url wiki)" r2/wc &&
	VOSCTL_NOW=$NOW vosctl -C r2 render --with-status --write >out 2>err &&
	test_grep "wrote .wc/vos/service-inventory.md." out &&
	test_grep "^Edited in Wiki.js: keep me.\$" r2/wc/vos/services.md &&
	VOSCTL_NOW=$NOW vosctl_publish lab >out 2>err &&
	test_grep "^published [0-9a-f]* " out &&
	same_tree r2
'

test_expect_success 'then both are up to date: render --check is clean and publish has nothing to do' '
	git -C r2/wc reset -q --hard origin/main &&
	VOSCTL_NOW=$NOW vosctl -C r2 render --with-status --check >out 2>err &&
	VOSCTL_NOW=$NOW vosctl_publish lab >out 2>err &&
	test_grep "^nothing to publish" out
'

# issue 13: publish pushed a status page from stale results or from refusals alone
test_expect_success 'publish with stale results: the status page is not published, and it says why' '
	before=$(gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1) &&
	sed -i "s/address: 127.0.10.34\$/address: 127.0.10.35/" lab/inventory/network.yaml &&
	VOSCTL_NOW=2027-03-04T06:00:01.000Z vosctl_publish lab >out 2>err &&
	test_grep "^vosctl: warning: status page not published: the probe results are from 2027-03-04T05:00:00.000Z, older than render.status_max_age (3600s)" err &&
	test_grep "^published [0-9a-f]* " out &&
	test_no_grep "status.md" out &&
	gitcli -C edit pull -q &&
	git -C edit diff --name-only "$before" HEAD >changed &&
	test_grep "vos/service-inventory.md" changed &&
	test_no_grep "vos/status.md" changed
'

test_expect_success 'publish with results that only refused: the status page is not published' '
	cat >lab/.vosctl/last-probe.json <<-\JSON &&
	{"time": "2027-03-04T05:59:00.000Z", "results": [
	 {"service": "litellm", "host": "skynet", "address": "127.0.10.1", "port": 4000, "check": "http",
	  "state": "skipped", "latency_ms": null, "status": null, "detail": "outside the probe scope"}]}
	JSON
	sed -i "s/address: 127.0.10.35\$/address: 127.0.10.36/" lab/inventory/network.yaml &&
	VOSCTL_NOW=2027-03-04T06:00:01.000Z vosctl_publish lab >out 2>err &&
	test_grep "^vosctl: warning: status page not published: the probe results probed nothing (1 target, all skipped or unresolved)" err &&
	test_grep "^published [0-9a-f]* " out &&
	test_no_grep "status.md" out
'

gitserver_stop
test_done
