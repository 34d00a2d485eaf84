#!/bin/sh
# t4300: render.redact on the shipped example lab (seed 000's page with seed 001's services): the
# rendered pages hold none of the inventory's addresses, home directories, secret locations or
# secret values; the page's <LAN_IP> stays; the page-leak tripwire in validate and render --write,
# located, never showing the value; Wiki.js-safe front matter read back as YAML; page paths
# Wiki.js rejects are config errors.
. "$(dirname "$0")/../lib.sh"
export VOSCTL_NOW=2026-11-23T18:30:00.000Z
T4300_SECRET=t4300-Sup3rSecret-value
export T4300_SECRET

setup_lab() {
	rm -rf lab && mkdir lab && cp "$SRC/vosctl.yaml" lab/ && cp -r "$SRC/inventory" lab/ &&
	rm -f lab/inventory/status.md && rm -rf lab/.vosctl &&
	sed -i "s#^  status_file: .vosctl/last-probe.json#&\n  redact: [$1]#" lab/vosctl.yaml &&
	printf "secrets: [T4300_SECRET]\n" >>lab/vosctl.yaml &&
	test_grep "^  redact: \[$1\]$" lab/vosctl.yaml
}

# every address the inventory holds: hosts', services' and ports' addresses, the VLANs' networks
inventory_addresses() {
	grep -Eho "(address|cidr): *[\"']?[0-9A-Fa-f.:]+" lab/inventory/*.yaml |
		sed "s/^[a-z]*: *[\"']\{0,1\}//" | sort -u
}

test_expect_success 'setup: the example lab with render.redact: [addresses, paths, secrets]' '
	setup_lab "addresses, paths, secrets" &&
	inventory_addresses >addrs &&
	test $(wc -l <addrs) -ge 10 &&
	test_grep "^127\.0\.10\.1$" addrs &&
	test_grep "^127\.0\.10\.0$" addrs &&
	test_grep "^| Haystack  *| <LAN_IP>  *|" lab/inventory/services.md &&
	test_grep "^| Open WebUI  *| 127\.0\.10\.1  *|" lab/inventory/services.md
'

test_expect_success 'validate reports the page-leak of each address the page shows, located, without the address' '
	line=$(grep -n "^| Open WebUI " lab/inventory/services.md | cut -d: -f1) &&
	test_expect_code 1 vosctl -C lab validate >out 2>err &&
	test_grep "^inventory/services.md:$line:16: error: \[page-leak\] an address of the inventory is on the page" out &&
	test $(grep -c "\[page-leak\]" out) -eq $(grep -c "^| .* | 127\.0\." lab/inventory/services.md) &&
	test_no_grep "page-leak.*127\.0\." out
'

test_expect_success 'render --write: the rendered pages hold none of the inventory addresses' '
	test_expect_code 0 vosctl -C lab render --write >out 2>err &&
	test_grep "wrote .inventory/services.md." out &&
	test_grep "wrote .inventory/service-inventory.md." out &&
	for f in lab/inventory/services.md lab/inventory/service-inventory.md; do
		while read a; do
			test_no_grep -F "$a" "$f" || return 1
		done <addrs
	done &&
	test_grep "^| Open WebUI  *| <LAN_IP>  *| Chat interface  *|$" lab/inventory/services.md &&
	test_grep "^- Host: skynet (.<LAN_IP>.)$" lab/inventory/service-inventory.md
'

test_expect_success 'the placeholder the page already had stays: Haystack is still <LAN_IP>' '
	test_grep "^| Haystack  *| <LAN_IP>  *| RAG pipeline  *|$" lab/inventory/services.md
'

test_expect_success 'paths: no home directory, secret locations written as <SECRET_PATH>' '
	f=lab/inventory/service-inventory.md &&
	test_no_grep "/home/" $f &&
	test_no_grep "/Users/" $f &&
	test_grep "<HOME_DIR>/open-webui" $f &&
	test_grep "^- Data/secret locations: .<HOME_DIR>/\.open-webui., .<SECRET_PATH>. (secret)$" $f &&
	test_no_grep "/etc/authentik/\.env" $f
'

test_expect_success 'the redacted pages are what render makes: --check is clean, validate too' '
	test_expect_code 0 vosctl -C lab render --check >out 2>err &&
	test_expect_code 0 vosctl -C lab validate >out 2>err
'

test_expect_success 'an inventory service added to a table gets the placeholder, not its address' '
	printf "services:\n  - id: newsvc\n    name: New Service\n    host: skynet\n    class: search\n    purpose: Something new\n" >lab/inventory/zz-new.yaml &&
	test_expect_code 0 vosctl -C lab render --write >out 2>err &&
	test_grep "^| New Service  *| <LAN_IP>  *| Something new  *|$" lab/inventory/services.md &&
	rm lab/inventory/zz-new.yaml && vosctl -C lab render --write --prune >out 2>err
'

test_expect_success 'secrets: the value of a variable named in secrets: is written as <REDACTED_SECRET>' '
	sed -i "0,/notes: /s//notes: key $T4300_SECRET in /" lab/inventory/services-control.yaml &&
	test_grep "$T4300_SECRET" lab/inventory/services-control.yaml &&
	test_expect_code 0 vosctl -C lab render --write >out 2>err &&
	test_grep "^- Notes: key <REDACTED_SECRET> in " lab/inventory/service-inventory.md &&
	test_no_grep -r "$T4300_SECRET" lab/inventory/*.md out err
'

test_expect_success 'an IPv6 address of the inventory, written expanded on the page, is redacted too' '
	sed -i "0,/address: 127.0.10.5/s//address: \"2001:db8:10::5\"/" lab/inventory/network.yaml &&
	printf "\nThe NAS answers on 2001:0db8:0010:0000:0000:0000:0000:0005 and [2001:DB8:10::5]:443.\n" >>lab/inventory/services.md &&
	test_expect_code 1 vosctl -C lab validate >out 2>err &&
	test $(grep -c "\[page-leak\]" out) -eq 2 &&
	test_expect_code 0 vosctl -C lab render --write --allow-findings >out 2>err &&
	test_grep "^The NAS answers on <LAN_IP> and \[<LAN_IP>\]:443\.$" lab/inventory/services.md
'

test_expect_success 'render --write refuses a page holding a token: exit 1, located, nothing written, no token shown' '
	tok=ghp_T4300abcdefghijklmnopqrstuvwxyz0123 &&
	printf "\nA note: %s\n" "$tok" >>lab/inventory/services.md &&
	cp lab/inventory/services.md before.md && cp lab/inventory/service-inventory.md before-inv.md &&
	sed -i "s/the user unit was removed\$/the user unit was removed; and more/" lab/inventory/services-control.yaml &&
	line=$(grep -n "^A note: ghp_" lab/inventory/services.md | cut -d: -f1) &&
	test_expect_code 1 vosctl -C lab render --write >out 2>err &&
	test_grep "^inventory/services.md:$line:9: error: \[page-leak\] a GitHub token (.ghp_\.\.\..) is on the page" err &&
	test_grep "nothing written: 1 page-leak finding" err &&
	test_no_grep -F "$tok" out err &&
	cmp before.md lab/inventory/services.md && cmp before-inv.md lab/inventory/service-inventory.md &&
	test_expect_code 1 vosctl -C lab validate >out 2>err &&
	test_grep "^inventory/services.md:$line:9: error: \[page-leak\]" out &&
	# --stdout prints and --check diffs what --write would write: the same tripwire, nothing shown
	test_expect_code 1 vosctl -C lab render --stdout >out 2>err &&
	test ! -s out &&
	test_grep "^inventory/services.md:$line:9: error: \[page-leak\] a GitHub token" err &&
	test_grep "nothing printed: 1 page-leak finding" err &&
	test_expect_code 1 vosctl -C lab render --check >out 2>err &&
	test ! -s out &&
	test_grep "nothing printed: 1 page-leak finding" err &&
	test_no_grep -F "$tok" out err
'

test_expect_success 'credential shapes fire without render.redact: a private key, a password in a URL' '
	setup_lab "" &&
	printf "\n    -----BEGIN OPENSSH PRIVATE KEY-----\nclone https://bob:hunter22x@git.example.lan/wiki.git\n" >>lab/inventory/services.md &&
	test_expect_code 1 vosctl -C lab validate >out 2>err &&
	n=$(wc -l <lab/inventory/services.md) &&
	test_grep "^inventory/services.md:$((n - 1)):5: error: \[page-leak\] a private key" out &&
	test_grep "^inventory/services.md:$n:12: error: \[page-leak\] a password in a URL" out &&
	test_no_grep "hunter22x" out err &&
	test_expect_code 1 vosctl -C lab render --write >out 2>err &&
	test_expect_code 1 vosctl -C lab validate --format json >out.json 2>err &&
	test_grep "\"rule\": *\"page-leak\"" out.json
'

test_expect_success 'without render.redact the example lab renders its addresses as before' '
	setup_lab "" &&
	test_expect_code 0 vosctl -C lab validate >out 2>err &&
	vosctl -C lab render --write >out 2>err &&
	test_grep "^| Open WebUI  *| 127\.0\.10\.1  *|" lab/inventory/services.md
'

test_expect_success 'Wiki.js front matter: a title with ": " and "#" is quoted and reads back as YAML' '
	f=lab/inventory/service-inventory.md &&
	sed -i "s/^title: .*/title: Services: skynet #1/; s/^description: .*/description: '"'"'It'"'"''"'"'s generated'"'"'/" $f &&
	vosctl -C lab render --write >out 2>err &&
	sed -n 2,3p $f >fm &&
	printf "%s\n" "title: '"'"'Services: skynet #1'"'"'" "description: It'"'"'s generated" >expect &&
	test_cmp expect fm &&
	sed -n 2,8p $f | cut -d: -f1 >keys &&
	printf "title\ndescription\npublished\ndate\ntags\neditor\ndateCreated\n" >expect &&
	test_cmp expect keys &&
	awk "NR == 1 { next } /^---\$/ { exit } { print }" $f >fm.yaml &&
	python3 -c "import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
assert d[\"title\"] == \"Services: skynet #1\", d
assert d[\"description\"] == \"It'"'"'s generated\", d
assert isinstance(d[\"tags\"], str) and d[\"tags\"] == \"vos, services, inventory\", d
assert list(d) == [\"title\", \"description\", \"published\", \"date\", \"tags\", \"editor\", \"dateCreated\"], d
" fm.yaml &&
	test_expect_code 0 vosctl -C lab render --check >out
'

for bad in "vos/services.v2.md:a dot before" "vos//services.md:holds '//'" "vos/my services.md:a space" 'vos\\services.md:a backslash'; do
	path=${bad%%:*} why=${bad#*:}
	test_expect_success "publish.pages.services '$path' is a config error ($why), located in vosctl.yaml" '
		setup_lab "" &&
		sed -i "s#^    services: vos/services.md#    services: \x27$path\x27#" lab/vosctl.yaml &&
		line=$(grep -n "^    services: " lab/vosctl.yaml | cut -d: -f1) &&
		test_expect_code 2 vosctl -C lab validate >out 2>err &&
		test_grep "^vosctl.yaml:$line:15: error: \[config\] .services. is not a path Wiki.js accepts" err &&
		test_grep "$why" err
	'
done

test_expect_success 'a probe header value from the environment is a secret whatever render.redact says' '
	setup_lab "" &&
	sed -i "0,/check: http, path: \/health, status: 200, name: web}/s//check: http, path: \/health, status: 200, name: web, headers: {Authorization: {env: T4300_HDR}}}/" lab/inventory/services-control.yaml &&
	test_grep "T4300_HDR" lab/inventory/services-control.yaml &&
	printf "\nAsk for the key Bearer-t4300-header-value.\n" >>lab/inventory/services.md &&
	T4300_HDR=Bearer-t4300-header-value test_expect_code 1 vosctl -C lab validate >out 2>err &&
	test_grep "error: \[page-leak\] the value of \$T4300_HDR" out &&
	test_no_grep "t4300-header-value" out err &&
	test_expect_code 0 vosctl -C lab validate >out 2>err
'

test_expect_success 'the Prometheus credentials of --probe-from are secrets for the tripwire too' '
	setup_lab "" &&
	printf "\nThe metrics token is prom-t4300-secret-value.\n" >>lab/inventory/services.md &&
	VOSCTL_PROMETHEUS_TOKEN=prom-t4300-secret-value test_expect_code 1 vosctl -C lab validate >out 2>err &&
	test_grep "error: \[page-leak\] the value of \$VOSCTL_PROMETHEUS_TOKEN" out &&
	test_no_grep "t4300-secret-value" out err
'

test_done
