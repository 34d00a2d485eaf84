#!/bin/sh
# vosctl publish against a real smart-HTTP git server on 127.0.0.1 (nginx + fcgiwrap +
# git-http-backend, basic auth): first publish, no-op, update, edits kept, dry run, wrong token,
# validation errors, a --branch the remote lacks. Results are read back with the git CLI.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/integration/gitserver.sh"

GITSERVER_USER=publisher
GITSERVER_TOKEN=tok-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
export GITSERVER_USER GITSERVER_TOKEN

gitserver_start "$GITSERVER_USER" "$GITSERVER_TOKEN" >/dev/null 2>&1 || { echo "Bail out! no git server"; exit 1; }
gitserver_new_repo wiki

test_expect_success 'the git server listens on loopback and wants credentials' '
	case "$GITSERVER_URL" in http://127.0.0.1:*) ;; *) false ;; esac &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "$(gitserver_url wiki)/info/refs?service=git-upload-pack")" = 401 &&
	gitcli ls-remote "$(gitserver_url wiki)" >refs &&
	test_line_count 0 refs
'
publish_lab "$TRASH/lab"

test_expect_success 'first publish into an empty repository puts the rendered local page' '
	vosctl_publish lab >out 2>err &&
	test_grep "^published [0-9a-f]* to http://127.0.0.1:$GITSERVER_PORT/wiki.git (main): vosctl: add vos/services.md" out &&
	gitcli clone -q "$(gitserver_url wiki)" c1 &&
	test -f c1/vos/services.md &&
	test -f c1/vos/service-inventory.md &&
	git -C c1 log --format="%an <%ae>|%s" >log &&
	test_line_count 1 log &&
	test_grep "^vosctl <vosctl@localhost>|vosctl: add vos/services.md" log &&
	test_grep "^# VOS Services" c1/vos/services.md &&
	no_token_anywhere out err
'

test_expect_success 'publishing again changes nothing: no commit, exit 0' '
	before=$(gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1) &&
	vosctl_publish lab >out 2>err &&
	test_grep "^nothing to publish" out &&
	after=$(gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1) &&
	test "$before" = "$after" &&
	no_token_anywhere out err
'

test_expect_success 'an inventory change is published as an update of the row' '
	sed -i "s/address: 127.0.10.3\$/address: 127.0.10.33/" lab/inventory/network.yaml &&
	grep -q "127.0.10.33" lab/inventory/network.yaml &&
	vosctl_publish lab >out 2>err &&
	test_grep "vosctl: update vos/services.md (4 addresses)" out &&
	gitcli -C c1 pull -q &&
	git -C c1 log --format=%s >log &&
	test_line_count 2 log &&
	test_grep "127.0.10.33" c1/vos/services.md &&
	git -C c1 show --format= HEAD -- vos/services.md >diff &&
	test_grep "^+| vLLM .*127.0.10.33" diff &&
	test_grep "^-| vLLM " diff &&
	no_token_anywhere out err
'

test_expect_success 'what people wrote in the wiki is kept; only derived rows change' '
	sed -i "s/^Authoritative service placement.*/Edited in Wiki.js by someone: keep me./" c1/vos/services.md &&
	git -C c1 add vos/services.md &&
	gitcli -C c1 commit -q -m "wiki: edit intro" &&
	gitcli -C c1 push -q origin HEAD:main &&
	sed -i "s/address: 127.0.10.33\$/address: 127.0.10.34/" lab/inventory/network.yaml &&
	vosctl_publish lab >out 2>err &&
	gitcli -C c1 pull -q &&
	test_grep "^Edited in Wiki.js by someone: keep me.\$" c1/vos/services.md &&
	test_grep "127.0.10.34" c1/vos/services.md &&
	git -C c1 log --format=%s >log &&
	test_line_count 4 log &&
	git -C c1 show --stat --format= HEAD >stat &&
	test_grep "vos/services.md" stat
'

test_expect_success '--dry-run prints the diff and the commit and pushes nothing' '
	before=$(gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1) &&
	sed -i "s/address: 127.0.10.34\$/address: 127.0.10.35/" lab/inventory/network.yaml &&
	vosctl_publish lab --dry-run >out 2>err &&
	test_grep "^--- a/vos/services.md" out &&
	test_grep "^+++ b/vos/services.md" out &&
	test_grep "^+.*127.0.10.35" out &&
	test_grep "^would commit [0-9a-f]\{40\} on $before" out &&
	test_grep "vosctl: update vos/services.md" out &&
	after=$(gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1) &&
	test "$before" = "$after"
'

test_expect_success 'a wrong token: exit 3, a clear message, the token nowhere' '
	before=$(gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1) &&
	PUBLISH_TOKEN=wrong-$GITSERVER_TOKEN-x &&
	export PUBLISH_TOKEN &&
	test_expect_code 3 vosctl_publish lab >out 2>err &&
	unset PUBLISH_TOKEN &&
	test_grep "^vosctl: error: authentication failed for .http://127.0.0.1:$GITSERVER_PORT/wiki.git.\$" err &&
	test_no_grep "wrong-" err &&
	test_no_grep "wrong-" out &&
	no_token_anywhere out err &&
	after=$(gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1) &&
	test "$before" = "$after"
'

test_expect_success 'no token at all: exit 3, authentication failed' '
	PUBLISH_TOKEN= &&
	export PUBLISH_TOKEN &&
	test_expect_code 3 vosctl_publish lab >out 2>err &&
	unset PUBLISH_TOKEN &&
	test_grep "authentication failed for" err
'

test_expect_success 'credentials in the URL are used but never echoed' '
	PUBLISH_URL=http://$GITSERVER_USER:$GITSERVER_TOKEN@127.0.0.1:$GITSERVER_PORT/wiki.git &&
	PUBLISH_TOKEN= &&
	export PUBLISH_URL PUBLISH_TOKEN &&
	vosctl_publish lab >out 2>err &&
	unset PUBLISH_URL PUBLISH_TOKEN &&
	test_grep "to http://127.0.0.1:$GITSERVER_PORT/wiki.git (main)" out &&
	no_token_anywhere out err
'

test_expect_success 'a model with validation errors is not published (exit 1, findings printed)' '
	before=$(gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1) &&
	cp -R lab bad &&
	sed -i "0,/host: deep-thought/s//host: watson/" bad/inventory/services-data.yaml &&
	test_expect_code 1 vosctl_publish bad >out 2>err &&
	test_grep "error: \[" err &&
	test_grep "not published" err &&
	after=$(gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1) &&
	test "$before" = "$after"
'

for same in vos/services.md ./vos/./services.md; do
	test_expect_success "publish.pages.inventory: $same (the services page): exit 2, the remote unchanged" '
		before=$(gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1) &&
		rm -rf same && cp -R lab same &&
		sed -i "s#inventory: vos/service-inventory.md#inventory: '"$same"'#" same/vosctl.yaml &&
		test_expect_code 2 vosctl_publish same >out 2>err &&
		test_grep "^vosctl.yaml:[0-9]*:[0-9]*: error: \[config\] .inventory. is the same file as .services." err &&
		after=$(gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1) &&
		test "$before" = "$after"
	'
done

test_expect_success 'the cache is a bare clone under XDG_CACHE_HOME with no credentials in it' '
	ls -d cache/vosctl/127.0.0.1_*-* | grep -v "\.lock\$" >dirs &&
	test_line_count 1 dirs &&
	d=$(cat dirs) &&
	test "$(git --git-dir="$d" rev-parse --is-bare-repository)" = true &&
	test_no_grep "url *=" "$d/config" &&
	no_token_anywhere out err
'

test_expect_success '--branch the remote lacks (a typo) on a remote with history: exit 2, its branches named, nothing pushed' '
	gitcli ls-remote "$(gitserver_url wiki)" >before &&
	test_expect_code 2 vosctl_publish lab --branch mian >out 2>err &&
	test_grep "^vosctl: error: the remote .http://127.0.0.1:$GITSERVER_PORT/wiki.git. has no branch .mian. (it has .main.): check --branch or publish.branch; the remote.s default branch is .main., not .mian." err &&
	test_line_count 0 out &&
	gitcli ls-remote "$(gitserver_url wiki)" >after &&
	test_cmp before after
'

test_expect_success '--branch into an empty repository creates that branch' '
	gitserver_new_repo fresh &&
	PUBLISH_URL=$(gitserver_url fresh) vosctl_publish lab --branch wiki >out 2>err &&
	test_grep "^published [0-9a-f]* to http://127.0.0.1:$GITSERVER_PORT/fresh.git (wiki): vosctl: add vos/services.md" out &&
	gitcli ls-remote --heads "$(gitserver_url fresh)" >heads &&
	test_line_count 1 heads &&
	test_grep "refs/heads/wiki\$" heads
'

test_expect_success 'a wiki edit puts prose directly above a table: publish keeps it and the table' '
	gitcli -C c1 pull -q &&
	sed -i "/^AI orchestration/{n;s/^\$/**Stateless containers only.**/}" c1/vos/services.md &&
	grep -A3 "^AI orchestration" c1/vos/services.md >expect &&
	test_grep "^\*\*Stateless containers only.\*\*\$" expect &&
	test_grep "^| Service " expect &&
	gitcli -C c1 commit -q -am "wiki: a lead-in above the skynet table" &&
	gitcli -C c1 push -q origin HEAD:main &&
	sed -i "s/address: 127.0.10.35\$/address: 127.0.10.36/" lab/inventory/network.yaml &&
	vosctl_publish lab >out 2>err &&
	test_grep "vosctl: update vos/services.md (4 addresses)" out &&
	gitcli -C c1 pull -q &&
	grep -A3 "^AI orchestration" c1/vos/services.md >actual &&
	test_cmp expect actual &&
	test_grep "^| vLLM  *| 127\.0\.10\.36 " c1/vos/services.md &&
	vosctl_publish lab >out 2>err &&
	test_grep "^nothing to publish" out
'

test_expect_success 'publish findings on that page point at its own rows' '
	cp -R lab bad2 &&
	sed -i "0,/host: skynet/s//host: watson/" bad2/inventory/services-control.yaml &&
	test_expect_code 1 vosctl_publish bad2 >out 2>err &&
	line=$(grep -n "^| Open WebUI " c1/vos/services.md | cut -d: -f1) &&
	test_grep "^vos/services.md:$line:1: error: \[placement-mismatch\] service .open-webui. is on .skynet." err &&
	test "$(grep -c "error: \\[" err)" = 1 &&
	test_grep "not published: the rendered pages have 1 error" err
'

test_expect_success 'a waived finding does not block publish; an expired waiver does (issue 15)' '
	before=$(gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1) &&
	printf "waivers:\n  - {rule: placement-mismatch, service: open-webui, reason: moving, expires: 2027-01-31}\n" \
		>bad2/inventory/waivers.yaml &&
	VOSCTL_TODAY=2027-01-01 vosctl_publish bad2 --dry-run >out 2>err &&
	test_grep "waived: \[placement-mismatch\] service .open-webui." err &&
	test_no_grep "not published" err &&
	VOSCTL_TODAY=2027-02-01 test_expect_code 1 vosctl_publish bad2 --dry-run >out 2>err &&
	test_grep "^bad2/inventory/waivers.yaml:2:5: error: \[waiver-expired\]\|^inventory/waivers.yaml:2:5: error: \[waiver-expired\]" err &&
	test_grep "not published: the rendered pages have 2 errors" err &&
	after=$(gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1) &&
	test "$before" = "$after"
'

test_expect_success 'a wiki page ending in a table row without a newline is up to date: no commit' '
	gitcli -C c1 pull -q &&
	sed -n "/^## Home (dietpi)/,/^| Home Assistant/p" c1/vos/services.md >home.part &&
	sed "/^## Home (dietpi)/,/^| Home Assistant/d" c1/vos/services.md >rest.part &&
	test -s home.part && printf "%s" "$(cat rest.part home.part)" >c1/vos/services.md &&
	test "$(tail -c 1 c1/vos/services.md)" = "|" &&
	gitcli -C c1 commit -q -am "wiki: the home section last, no final newline" &&
	gitcli -C c1 push -q origin HEAD:main &&
	before=$(gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1) &&
	vosctl_publish lab >out 2>err &&
	test_grep "^nothing to publish" out &&
	VOSCTL_NOW=2027-01-01T00:00:00.000Z vosctl_publish lab >out 2>err &&
	test_grep "^nothing to publish" out &&
	after=$(gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1) &&
	test "$before" = "$after"
'

# what a publish asks the server (nginx logs each request): the fetch finds the head it already
# has and downloads nothing; the push is one request; nothing to publish is one look at the refs
test_expect_success 'a publish asks the server only what it must: no download when nothing is new, one push' '
	log=$GITSERVER_DIR/access.log &&
	n0=$(wc -l <"$log") &&
	sed -i "s/address: 127.0.10.36\$/address: 127.0.10.37/" lab/inventory/network.yaml &&
	vosctl_publish lab >out 2>err &&
	test_grep "^published" out &&
	sed -n "$((n0 + 1)),\$p" "$log" >requests &&
	test "$(grep -c "POST /wiki.git/git-upload-pack" requests)" = 0 &&
	test "$(grep -c "POST /wiki.git/git-receive-pack HTTP/1.1\" 200" requests)" = 1 &&
	test "$(grep -c "GET /wiki.git/info/refs?service=git-upload-pack HTTP/1.1\" 200" requests)" = 1 &&
	test "$(grep -c "GET /wiki.git/info/refs?service=git-receive-pack HTTP/1.1\" 200" requests)" = 1 &&
	n1=$(wc -l <"$log") &&
	vosctl_publish lab >out 2>err &&
	test_grep "^nothing to publish" out &&
	sed -n "$((n1 + 1)),\$p" "$log" >requests &&
	test_no_grep "POST \|receive-pack" requests &&
	test "$(grep -c "GET /wiki.git/info/refs?service=git-upload-pack HTTP/1.1\" 200" requests)" = 1
'

test_expect_success 'publish --allow-findings publishes a model with errors, the findings printed' '
	before=$(gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1) &&
	test_expect_code 1 vosctl_publish bad >out 2>err &&
	test_grep "not published" err &&
	test_expect_code 0 vosctl_publish bad --allow-findings >out 2>err &&
	test_grep "error: \[placement-mismatch\]" err &&
	test_no_grep "not published" err &&
	test_grep "^published" out &&
	after=$(gitcli ls-remote "$(gitserver_url wiki)" refs/heads/main | cut -f1) &&
	test "$before" != "$after"
'

# issue 13: Wiki.js's git storage defaults to master, vosctl to main: the message says so
test_expect_success 'a remote whose default branch is master: the error names it' '
	git init -q --bare -b master "$GITSERVER_ROOT/wikijs.git" &&
	git -C "$GITSERVER_ROOT/wikijs.git" config http.receivepack true &&
	gitcli clone -q "$(gitserver_url wikijs)" wj 2>/dev/null &&
	echo "# Home" >wj/home.md && git -C wj add home.md &&
	git -C wj -c user.name=Wiki -c user.email=wiki@example.org commit -q -m "wiki.js" &&
	gitcli -C wj push -q origin master &&
	PUBLISH_URL=$(gitserver_url wikijs) && export PUBLISH_URL &&
	test_expect_code 2 vosctl_publish lab >out 2>err &&
	unset PUBLISH_URL &&
	test_grep "^vosctl: error: the remote .http://127.0.0.1:$GITSERVER_PORT/wikijs.git. has no branch .main. (it has .master.): check --branch or publish.branch; the remote.s default branch is .master., not .main. (Wiki.js.s git storage defaults to .master., vosctl to .main.)\$" err &&
	gitcli ls-remote "$(gitserver_url wikijs)" >refs &&
	test_no_grep "refs/heads/main" refs
'

test_expect_success 'the remote repository is sound (git fsck)' '
	git --git-dir="$GITSERVER_ROOT/wiki.git" fsck --strict >fsck 2>&1
'

gitserver_stop
test_done
