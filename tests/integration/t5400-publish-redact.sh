#!/bin/sh
# t5400: publish under render.redact against the real smart-HTTP git server on 127.0.0.1: the
# pushed pages hold none of the inventory's addresses or home directories, the publish token is
# never written into a page, and a page with a planted credential is refused (exit 1, located,
# the credential not shown, the remote unchanged).
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/integration/gitserver.sh"

GITSERVER_USER=publisher
GITSERVER_TOKEN=tok-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
export GITSERVER_USER GITSERVER_TOKEN

gitserver_start "$GITSERVER_USER" "$GITSERVER_TOKEN" >/dev/null 2>&1 || { echo "Bail out! no git server"; exit 1; }
gitserver_new_repo wiki

remote_head() { gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1; }

test_expect_success 'setup: the example lab with render.redact: [addresses, paths]' '
	publish_lab "$TRASH/lab" &&
	sed -i "s#^  status_file: .vosctl/last-probe.json#&\n  redact: [addresses, paths]#" lab/vosctl.yaml &&
	test_grep "^  redact: \[addresses, paths\]$" lab/vosctl.yaml &&
	grep -Eho "(address|cidr): *[0-9.]+" lab/inventory/*.yaml | sed "s/^[a-z]*: *//" | sort -u >addrs &&
	test $(wc -l <addrs) -ge 10
'

test_expect_success 'the published pages hold none of the inventory addresses and no home directory' '
	vosctl_publish lab >out 2>err &&
	test_grep "^published [0-9a-f]* to " out &&
	gitcli clone -q "$(gitserver_url wiki)" c1 &&
	for f in c1/vos/services.md c1/vos/service-inventory.md; do
		test -f $f &&
		while read a; do
			test_no_grep -F "$a" $f || return 1
		done <addrs &&
		test_no_grep "/home/" $f || return 1
	done &&
	test_grep "^| Haystack  *| <LAN_IP>  *|" c1/vos/services.md &&
	test_grep "^| Open WebUI  *| <LAN_IP>  *|" c1/vos/services.md &&
	no_token_anywhere out err
'

test_expect_success 'the publish token in the inventory is never pushed: written as <REDACTED_SECRET>' '
	sed -i "0,/notes: /s//notes: token $GITSERVER_TOKEN here; /" lab/inventory/services-control.yaml &&
	grep -q -F "$GITSERVER_TOKEN" lab/inventory/services-control.yaml &&
	vosctl_publish lab >out 2>err &&
	gitcli -C c1 pull -q &&
	test_grep "^- Notes: token <REDACTED_SECRET> here; " c1/vos/service-inventory.md &&
	no_token_anywhere out err c1/vos/services.md c1/vos/service-inventory.md &&
	git -C c1 log -p --all --format= >all && no_token_anywhere all
'

test_expect_success 'a token planted on the wiki page is refused: exit 1, located, not shown, nothing pushed' '
	tok=glpat-T5400abcdefghij0123456789 &&
	printf "\nDeploy with %s please.\n" "$tok" >>c1/vos/services.md &&
	git -C c1 add vos/services.md && gitcli -C c1 commit -q -m "a note" && gitcli -C c1 push -q origin main &&
	line=$(grep -n "^Deploy with glpat-" c1/vos/services.md | cut -d: -f1) &&
	sed -i "s/the user unit was removed\$/the user unit was removed; and more/" lab/inventory/services-control.yaml &&
	before=$(remote_head) &&
	test_expect_code 1 vosctl_publish lab >out 2>err &&
	test_grep "^vos/services.md:$line:13: error: \[page-leak\] a GitLab token (.glpat-\.\.\..) is on the page" err &&
	test_grep "not published" err &&
	test_no_grep -F "$tok" out err &&
	test "$(remote_head)" = "$before" &&
	no_token_anywhere out err
'

test_expect_success 'once the page is mended, publish goes through again' '
	sed -i "/^Deploy with glpat-/d" c1/vos/services.md &&
	git -C c1 add vos/services.md && gitcli -C c1 commit -q -m "no token" && gitcli -C c1 push -q origin main &&
	vosctl_publish lab >out 2>err &&
	test_grep "^published " out &&
	gitcli -C c1 pull -q &&
	test_grep "the user unit was removed; and more" c1/vos/service-inventory.md
'

test_done
