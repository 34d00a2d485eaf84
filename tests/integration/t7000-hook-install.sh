#!/bin/sh
# t7000-hook-install: `vosctl hook install` in a wiki repository; the hook runs
# `vosctl validate --staged`, which reads the index (GIT_INDEX_FILE as git sets it), not the work tree.
. "$(dirname "$0")/../lib.sh"

export HOME="$TRASH/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"

. "$SRC/tests/integration/wiki.sh"

head_of() { git -C "$1" rev-parse HEAD; }

test_expect_success 'setup: a wiki repository with the example lab validates clean' '
	setup_wiki wiki &&
	cd wiki &&
	vosctl validate --staged >out 2>&1 &&
	test_grep "^0 errors, 0 warnings" out
'

test_expect_success 'hook install writes an executable pre-commit hook running hook run' '
	cd wiki &&
	vosctl hook install 2>err &&
	test_grep "installed" err &&
	test -x .git/hooks/pre-commit &&
	sed -n 2p .git/hooks/pre-commit >marker &&
	echo "# installed by vosctl hook" >expect &&
	test_cmp expect marker &&
	test_grep "hook run\$" .git/hooks/pre-commit &&
	{ test_grep "^vosctl=.$VOSCTL.\$" .git/hooks/pre-commit ||
	  { test "${VALGRIND:-}" = 1 && test_grep "^vosctl=.$SRC/$BUILD/vosctl.\$" .git/hooks/pre-commit; }; }
'

test_expect_success 'hook install again updates our own hook' '
	cd wiki &&
	vosctl hook install 2>err &&
	test_grep "updated" err &&
	test -x .git/hooks/pre-commit
'

test_expect_success 'a bad staged page blocks git commit with the located message' '
	cd wiki &&
	before=$(head_of .) &&
	line=$(grep -n -E "^\| vLLM +\|" vos/services.md | cut -d: -f1) &&
	bad_page vos/services.md >tmp && mv tmp vos/services.md &&
	git add vos/services.md &&
	test_must_fail git commit -q -m "bad page" >out 2>&1 &&
	col=$(bad_page_col vos/services.md) &&
	test_grep "^vos/services.md:$line:$col: error: \[address-mismatch\]" out &&
	test "$(head_of .)" = "$before" &&
	git checkout -q HEAD -- vos/services.md
'

test_expect_success 'a good staged page commits' '
	cd wiki &&
	before=$(head_of .) &&
	printf "\nA note added by a test.\n" >>vos/services.md &&
	git add vos/services.md &&
	git commit -q -m "good page" >out 2>&1 &&
	test "$(head_of .)" != "$before" &&
	git show HEAD:vos/services.md | test_grep "A note added by a test" -
'

test_expect_success 'a good staged page with a bad unstaged edit commits the staged page' '
	cd wiki &&
	before=$(head_of .) &&
	printf "\nA second note.\n" >>vos/services.md &&
	git add vos/services.md &&
	bad_page vos/services.md >tmp && mv tmp vos/services.md &&
	git commit -q -m "good staged, bad unstaged" >out 2>&1 &&
	test "$(head_of .)" != "$before" &&
	git show HEAD:vos/services.md >committed &&
	test_grep "^| vLLM *| 127.0.0.254 |" vos/services.md &&
	test_no_grep "127.0.0.254" committed
'

test_expect_success 'git commit PATH validates the temporary index git passes in GIT_INDEX_FILE' '
	cd wiki &&
	before=$(head_of .) &&
	test_must_fail git commit -q -m "bad via pathspec" vos/services.md >out 2>&1 &&
	test_grep "error: \[address-mismatch\]" out &&
	test "$(head_of .)" = "$before" &&
	test_must_fail git commit -q -a -m "bad via -a" >out 2>&1 &&
	test "$(head_of .)" = "$before" &&
	git checkout -q HEAD -- vos/services.md
'

test_expect_success 'a bad staged inventory file blocks the commit, located in the YAML' '
	cd wiki &&
	before=$(head_of .) &&
	printf "vlans: [unclosed\n" >>inventory/network.yaml &&
	git add inventory/network.yaml &&
	test_must_fail git commit -q -m "bad yaml" >out 2>&1 &&
	test_grep "^inventory/network.yaml:[0-9]*:[0-9]*: error:" out &&
	test "$(head_of .)" = "$before" &&
	git reset -q -- inventory/network.yaml && git checkout -q -- inventory/network.yaml
'

test_expect_success 'validate --staged reads the staged vosctl.yaml, not the edited work tree one' '
	cd wiki &&
	cp vosctl.yaml saved.yaml &&
	printf "page: vos/nowhere.md\ninventory: nowhere\n" >vosctl.yaml &&
	vosctl validate --staged >out 2>&1 &&
	test_grep "^0 errors" out &&
	mv saved.yaml vosctl.yaml
'

test_expect_success 'validate --staged from a subdirectory names repository-relative paths' '
	cd wiki &&
	bad_page vos/services.md >tmp && mv tmp vos/services.md && git add vos/services.md &&
	(cd vos && test_expect_code 1 vosctl validate --staged >../out 2>&1) &&
	test_grep "^vos/services.md:[0-9]*:[0-9]*: error: \[address-mismatch\]" out &&
	git reset -q -- vos/services.md && git checkout -q -- vos/services.md
'

test_expect_success 'a staged page linking to a missing page warns, and still commits' '
	cd wiki &&
	before=$(head_of .) &&
	printf "\n- [[vos/no-such-page]]\n- [gone](/homelab/gone#x)\n- [ok](https://example.org/x)\n" >>vos/index.md &&
	git add vos/index.md &&
	vosctl validate --staged >out 2>&1 &&
	test_grep "^vos/index.md:2:3: warning: \[wiki-link-broken\] link to missing page .vos/no-such-page." out &&
	test_grep "^vos/index.md:3:3: warning: \[wiki-link-broken\] link to missing page ./homelab/gone#x." out &&
	test_no_grep "example.org" out &&
	git commit -q -m "page with broken links" >out 2>&1 &&
	test "$(head_of .)" != "$before" &&
	test_grep "wiki-link-broken" out
'

test_expect_success 'links are checked against the index: a link to a staged new page is fine' '
	cd wiki &&
	printf "\n- [[vos/new-page]]\n" >>vos/services.md &&
	echo "# new" >vos/new-page.md &&
	git add vos/services.md vos/new-page.md &&
	vosctl validate --staged >out 2>&1 &&
	test_no_grep "new-page" out &&
	git rm -q --cached vos/new-page.md &&
	vosctl validate --staged >out 2>&1 &&
	test_grep "warning: \[wiki-link-broken\] link to missing page .vos/new-page." out &&
	git reset -q -- vos/services.md && git checkout -q -- vos/services.md && rm vos/new-page.md
'

test_expect_success 'hook install --strict makes a broken link block the commit' '
	cd wiki &&
	vosctl hook install --strict 2>err &&
	test_grep "hook run --strict\$" .git/hooks/pre-commit &&
	before=$(head_of .) &&
	printf "\n- [[vos/still-missing]]\n" >>vos/services.md &&
	git add vos/services.md &&
	test_must_fail git commit -q -m "broken link, strict" >out 2>&1 &&
	test_grep "^vos/services.md:[0-9]*:3: error: \[wiki-link-broken\]" out &&
	test "$(head_of .)" = "$before" &&
	git reset -q -- vos/services.md && git checkout -q -- vos/services.md &&
	vosctl hook install 2>err
'

# issue 10, item 10: git runs pre-merge-commit, not pre-commit, for a merge that succeeds on its own
test_expect_success 'hook install writes pre-merge-commit too, the same script for its own name' '
	cd wiki &&
	vosctl hook install 2>err &&
	test -x .git/hooks/pre-merge-commit &&
	sed -n 2p .git/hooks/pre-merge-commit >marker &&
	echo "# installed by vosctl hook" >expect &&
	test_cmp expect marker &&
	test_grep "hook run\$" .git/hooks/pre-merge-commit &&
	test_grep "/pre-merge-commit.vosctl-chained\"\$" .git/hooks/pre-merge-commit
'

test_expect_success 'two branches that each pass cannot merge into a dependency cycle' '
	cd wiki &&
	main=$(head_of .) &&
	git checkout -q -b pg-needs-redis &&
	sed -i "/purpose: Primary database/a\\    depends_on: [redis]" inventory/services-data.yaml &&
	git commit -q -a -m "postgresql needs redis" &&
	git checkout -q -b redis-needs-pg "$main" &&
	sed -i "/purpose: Cache\/sessions/a\\    depends_on: [postgresql]" inventory/services-data.yaml &&
	git commit -q -a -m "redis needs postgresql" &&
	ours=$(head_of .) &&
	{ test_must_fail git merge -q --no-edit pg-needs-redis >out 2>&1; refused=$?; } &&
	after=$(head_of .) &&
	# back to main whatever happened, so that a failure here does not cascade
	{ git merge --abort 2>/dev/null; git checkout -q -f main && git branch -q -D pg-needs-redis redis-needs-pg; } &&
	test "$refused" = 0 &&
	test_grep "error: \[depends-cycle\] dependency cycle: " out &&
	test "$after" = "$ours" &&
	test "$(head_of .)" = "$main"
'

test_expect_success 'uninstall removes both hooks' '
	cd wiki &&
	vosctl hook uninstall 2>err &&
	test ! -e .git/hooks/pre-commit && test ! -e .git/hooks/pre-merge-commit &&
	test_grep "removed .*/pre-merge-commit" err &&
	vosctl hook install 2>err
'

# GIT_WORK_TREE (git --work-tree=DIR, or exported), which libgit2 does not implement for hooks
test_expect_success 'GIT_DIR + GIT_WORK_TREE: hook install works, and the hook blocks only bad commits' '
	setup_wiki sep && mv sep/.git sep.git &&
	(
		export GIT_DIR="$TRASH/sep.git" GIT_WORK_TREE="$TRASH/sep" &&
		cd sep &&
		vosctl hook install 2>err &&
		test -x "$TRASH/sep.git/hooks/pre-commit" && test -x "$TRASH/sep.git/hooks/pre-merge-commit" &&
		before=$(git rev-parse HEAD) &&
		printf "\nA note.\n" >>vos/services.md && git add vos/services.md &&
		git commit -q -m "good" >out 2>&1 &&
		test "$(git rev-parse HEAD^)" = "$before" &&
		before=$(git rev-parse HEAD) &&
		bad_page vos/services.md >tmp && mv tmp vos/services.md && git add vos/services.md &&
		test_must_fail git commit -q -m "bad" >out 2>&1 &&
		test_grep "^vos/services.md:[0-9]*:[0-9]*: error: \[address-mismatch\]" out &&
		test "$(git rev-parse HEAD)" = "$before"
	) &&
	(
		# the same with --git-dir/--work-tree from outside the work tree, and git commit -a
		bad_page sep/vos/services.md >/dev/null &&
		before=$(git --git-dir=sep.git rev-parse HEAD) &&
		test_must_fail git --git-dir=sep.git --work-tree=sep commit -q -a -m "bad, -a" >out 2>&1 &&
		test_grep "error: \[address-mismatch\]" out &&
		test "$(git --git-dir=sep.git rev-parse HEAD)" = "$before"
	)
'

test_expect_success 'a foreign hook is never overwritten: install refuses with exit 2' '
	cd wiki &&
	vosctl hook uninstall 2>err &&
	test ! -e .git/hooks/pre-commit &&
	printf "#!/bin/sh\necho foreign >>\"%s/foreign.log\"\nexit \${FOREIGN_RC:-0}\n" "$TRASH" >.git/hooks/pre-commit &&
	chmod +x .git/hooks/pre-commit && cp .git/hooks/pre-commit foreign.orig &&
	test_expect_code 2 vosctl hook install 2>err &&
	test_grep "not installed by vosctl: use --chain" err &&
	test_cmp foreign.orig .git/hooks/pre-commit &&
	test_expect_code 2 vosctl hook uninstall 2>err &&
	test_grep "not installed by vosctl: not removing it" err &&
	test_cmp foreign.orig .git/hooks/pre-commit
'

test_expect_success 'install --chain runs the foreign hook first, then vosctl' '
	cd wiki &&
	vosctl hook install --chain 2>err &&
	test_cmp foreign.orig .git/hooks/pre-commit.vosctl-chained &&
	test_grep "installed by vosctl hook" .git/hooks/pre-commit &&
	rm -f "$TRASH/foreign.log" &&
	printf "\nA chained note.\n" >>vos/services.md && git add vos/services.md &&
	git commit -q -m "chained ok" >out 2>&1 &&
	test_grep foreign "$TRASH/foreign.log" &&
	before=$(head_of .) &&
	printf "\nAnother note.\n" >>vos/services.md && git add vos/services.md &&
	test_must_fail env FOREIGN_RC=7 git commit -q -m "foreign refuses" >out 2>&1 &&
	test "$(head_of .)" = "$before" &&
	bad_page vos/services.md >tmp && mv tmp vos/services.md && git add vos/services.md &&
	test_must_fail git commit -q -m "vosctl refuses" >out 2>&1 &&
	test_grep "error: \[address-mismatch\]" out &&
	test "$(head_of .)" = "$before" &&
	git reset -q -- vos/services.md && git checkout -q -- vos/services.md
'

test_expect_success 'uninstall removes our hook and restores the chained one exactly' '
	cd wiki &&
	vosctl hook uninstall 2>err &&
	test_grep "restored" err &&
	test_cmp foreign.orig .git/hooks/pre-commit &&
	test -x .git/hooks/pre-commit &&
	test ! -e .git/hooks/pre-commit.vosctl-chained
'

test_expect_success 'install --force sets the foreign hook aside; uninstall puts it back' '
	cd wiki &&
	vosctl hook install --force 2>err &&
	test_cmp foreign.orig .git/hooks/pre-commit.vosctl-saved &&
	rm -f "$TRASH/foreign.log" &&
	printf "\nA forced note.\n" >>vos/services.md && git add vos/services.md &&
	git commit -q -m "forced ok" >out 2>&1 &&
	test ! -e "$TRASH/foreign.log" &&
	vosctl hook uninstall 2>err &&
	test_cmp foreign.orig .git/hooks/pre-commit &&
	test ! -e .git/hooks/pre-commit.vosctl-saved &&
	test_expect_code 2 vosctl hook install --chain --force 2>err &&
	test_grep "cannot be used together" err &&
	rm .git/hooks/pre-commit
'

test_expect_success 'install --force with a pre-commit.lock held: exit 3 naming it, the foreign hook stays' '
	cd wiki &&
	cp foreign.orig .git/hooks/pre-commit && chmod 755 .git/hooks/pre-commit &&
	: >.git/hooks/pre-commit.lock &&
	test_expect_code 3 vosctl hook install --force 2>err &&
	test_grep "pre-commit.lock" err &&
	test_grep "another vosctl process seems to be" err &&
	test_cmp foreign.orig .git/hooks/pre-commit &&
	test ! -e .git/hooks/pre-commit.vosctl-saved &&
	test -e .git/hooks/pre-commit.lock &&
	rm .git/hooks/pre-commit.lock .git/hooks/pre-commit
'

test_expect_success 'under umask 077 the installed hook is 0755, and no lock is left' '
	cd wiki &&
	(umask 077 && vosctl hook install 2>err) &&
	test "$(stat -c %a .git/hooks/pre-commit)" = 755 &&
	test "$(stat -c %a .git/hooks/pre-merge-commit)" = 755 &&
	test ! -e .git/hooks/pre-commit.lock &&
	vosctl hook uninstall 2>err
'

test_expect_success 'install honours core.hooksPath' '
	cd wiki &&
	git config core.hooksPath githooks &&
	vosctl hook install 2>err &&
	test -x githooks/pre-commit &&
	test ! -e .git/hooks/pre-commit &&
	before=$(head_of .) &&
	bad_page vos/services.md >tmp && mv tmp vos/services.md && git add vos/services.md &&
	test_must_fail git commit -q -m "bad, hooksPath" >out 2>&1 &&
	test "$(head_of .)" = "$before" &&
	git reset -q -- vos/services.md && git checkout -q -- vos/services.md &&
	vosctl hook uninstall 2>err &&
	test ! -e githooks/pre-commit &&
	git config --unset core.hooksPath
'

test_expect_success 'outside a repository: validate --staged and hook install exit 2' '
	mkdir -p norepo && cd norepo &&
	test_expect_code 2 env GIT_CEILING_DIRECTORIES="$TRASH" "$VOSCTL" validate --staged 2>err &&
	test_grep "not a git repository" err &&
	test_expect_code 2 env GIT_CEILING_DIRECTORIES="$TRASH" "$VOSCTL" hook install 2>err &&
	test_grep "not a git repository" err &&
	test_expect_code 2 vosctl hook frobnicate 2>err &&
	test_grep "unknown hook action" err
'

# Latency of the hook on the example wiki: 20 runs with a staged page, the median wall time, and
# the CPU time per run (user + system of the hook and everything it runs, from the shell's `times`).
# The wall-time bound (50 ms) is asserted when the machine is not overloaded (load average below
# the number of CPUs); the CPU bound always.
test_expect_success 'hook latency on the example wiki (median of 20 runs)' '
	cd wiki &&
	vosctl hook install 2>err &&
	printf "\nA latency note.\n" >>vos/services.md && git add vos/services.md &&
	: >"$TRASH/times" &&
	(
		i=0
		while [ $i -lt 20 ]; do
			s=$(date +%s%N)
			.git/hooks/pre-commit >/dev/null 2>&1 || exit 1
			e=$(date +%s%N)
			echo $(( (e - s) / 1000 )) >>"$TRASH/times"
			i=$((i + 1))
		done
		times >"$TRASH/cpu.all" # not in a pipeline: that would be a subshell without children
		sed -n 2p "$TRASH/cpu.all" >"$TRASH/cpu"
	) &&
	a=$(sort -n "$TRASH/times" | sed -n 10p) && b=$(sort -n "$TRASH/times" | sed -n 11p) &&
	us=$(( (a + b) / 2 )) &&
	cpu_us=$(awk "{ split(\$1, u, \"m\"); split(\$2, s, \"m\");
		printf \"%d\", ((u[1] * 60 + u[2]) + (s[1] * 60 + s[2])) * 1000000 / 20 }" "$TRASH/cpu") &&
	load=$(cut -d" " -f1 /proc/loadavg) && ncpu=$(nproc) &&
	printf "%d.%d %d.%d %s %s\n" $((us / 1000)) $(( (us % 1000) / 100 )) \
		$((cpu_us / 1000)) $(( (cpu_us % 1000) / 100 )) "$load" "$ncpu" >"$TRASH/latency" &&
	limit=50000 &&
	if [ -n "${SAN:-}" ] && [ "${SAN:-}" != 0 ]; then limit=2000000; fi &&
	if [ "${VALGRIND:-}" = 1 ]; then limit=60000000; fi &&
	test "$cpu_us" -le "$limit" &&
	if [ "${load%%.*}" -lt "$ncpu" ]; then test "$us" -le "$limit"; fi
'
if [ -f "$TRASH/latency" ]; then
	read -r wall cpu load ncpu <"$TRASH/latency"
	echo "# hook latency: $wall ms (median wall of 20 runs of .git/hooks/pre-commit)"
	echo "# hook cpu: $cpu ms per run (load average $load on $ncpu CPUs)"
fi

test_done
