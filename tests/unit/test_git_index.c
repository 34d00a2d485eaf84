/* test_git_index.c - lib/git_index.c: path and link helpers, and a real repository made with the git
 * CLI: staged content (not the work tree), GIT_INDEX_FILE, listings, changes against HEAD, hooks
 * directory, broken wiki links (lib/lab.c over the index source). */
#define _XOPEN_SOURCE 700 /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <ftw.h>

#include "check.h"
#include "git_index.h"
#include "lab.h"
#include "tmptree.h"

static void test_relpath(void **state)
{
	char *r;
	VOS_UNUSED(state);
	r = vos_path_relative_to("/w/repo", "/w/repo", "vos/services.md");
	assert_string_equal(r, "vos/services.md");
	free(r);
	r = vos_path_relative_to("/w/repo", "/w/repo/vos", "../inventory/./a.yaml");
	assert_string_equal(r, "inventory/a.yaml");
	free(r);
	r = vos_path_relative_to("/w/repo/", "/elsewhere", "/w/repo//vos/x.md");
	assert_string_equal(r, "vos/x.md");
	free(r);
	r = vos_path_relative_to("/w/repo", "/w/repo/vos", "..");
	assert_string_equal(r, "");
	free(r);
	assert_null(vos_path_relative_to("/w/repo", "/w/repo", "../other/x.md"));
	assert_null(vos_path_relative_to("/w/repo", "/w", "repo2/x.md"));
}

static void test_link_path(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"vos/README", "vos/README"},
		{"/homelab/network/ip-plan", "homelab/network/ip-plan"},
		{"/vos/a#section", "vos/a"},
		{"/vos/a?x=1", "vos/a"},
		{"vos/a|shown text", "vos/a"},
		{"/vos/with%20space/", "vos/with space"},
		{"https://example.org/x", NULL},
		{"mailto:a@b", NULL},
		{"//host/x", NULL},
		{"#only-anchor", NULL},
		{"/", NULL},
		{"", NULL},
	};
	size_t i;
	VOS_UNUSED(state);
	for (i = 0; i < VOS_ARRAY_SIZE(cases); i++) {
		char *r = vos_wiki_link_path(cases[i].in);
		if (cases[i].out)
			assert_string_equal(r, cases[i].out);
		else
			assert_null(r);
		free(r);
	}
}

static void test_not_a_repository(void **state)
{
	struct vos_git_index *ix = NULL;
	struct vos_err err = VOS_ERR_INIT;
	VOS_UNUSED(state);
	setenv("GIT_CEILING_DIRECTORIES", "/tmp", 1);
	assert_int_equal(vos_git_index_open(&ix, tmpdir, &err), VOS_ENOTFOUND);
	unsetenv("GIT_CEILING_DIRECTORIES");
	assert_null(ix);
	assert_non_null(strstr(err.msg, "not a git repository"));
	vos_err_clear(&err);
}

static void make_repo(void)
{
	sh("cd '%s' && git init -q -b main . && git config user.name t && git config user.email t@x", tmpdir);
	sh("mkdir -p '%s/inventory/sub' '%s/vos'", tmpdir, tmpdir);
	put("inventory/b.yaml", "hosts: []\n");
	put("inventory/a.yml", "vlans: []\n");
	put("inventory/notes.txt", "x\n");
	put("inventory/sub/deep.yaml", "services: []\n");
	put("vos/services.md", "# Services\n\nstaged text\n");
	put("vos/other.md", "# Other\n");
	sh("cd '%s' && git add -A && git commit -q -m initial", tmpdir);
}

static void test_staged_content(void **state)
{
	struct vos_git_index *ix = NULL;
	char *buf = NULL, **list = NULL, *hooks = NULL;
	struct vos_err err = VOS_ERR_INIT;
	size_t len = 0, n = 0;
	static const char *const yaml[] = {".yaml", ".yml", NULL};
	VOS_UNUSED(state);
	make_repo();
	/* staged: "staged v2"; work tree: "unstaged v3" */
	put("vos/services.md", "# Services\n\nstaged v2\n");
	sh("cd '%s' && git add vos/services.md", tmpdir);
	put("vos/services.md", "# Services\n\nunstaged v3\n");
	put("vos/untracked.md", "# new\n");

	assert_int_equal(vos_git_index_open(&ix, tmpdir, &err), 0);
	assert_non_null(vos_git_index_workdir(ix));
	assert_true(vos_ends_with(vos_git_index_gitdir(ix), "/.git"));
	assert_int_equal(vos_git_index_read(&buf, &len, ix, "vos/services.md", 1 << 20, &err), 0);
	assert_string_equal(buf, "# Services\n\nstaged v2\n");
	assert_int_equal(len, strlen(buf));
	free(buf);
	/* size limit */
	assert_int_equal(vos_git_index_read(&buf, &len, ix, "vos/services.md", 4, &err), VOS_EINPUT);
	assert_null(buf);
	vos_err_clear(&err);
	/* untracked: not in the index */
	assert_false(vos_git_index_has(ix, "vos/untracked.md"));
	assert_int_equal(vos_git_index_read(&buf, &len, ix, "vos/untracked.md", 1 << 20, &err),
	                 VOS_ENOTFOUND);
	assert_int_equal(err.code, VOS_ENOTFOUND);
	assert_non_null(strstr(err.msg, "'vos/untracked.md' is not in the index"));
	vos_err_clear(&err);
	/* no record: the same failures, nothing to fill (was a NULL dereference) */
	assert_int_equal(vos_git_index_read(&buf, &len, ix, "vos/untracked.md", 1 << 20, NULL),
	                 VOS_ENOTFOUND);
	assert_int_equal(vos_git_index_read(&buf, &len, ix, "vos/services.md", 4, NULL), VOS_EINPUT);
	assert_null(buf);
	assert_true(vos_git_index_has(ix, "vos/other.md"));

	/* listing: direct children only, YAML only, name order */
	assert_int_equal(vos_git_index_list(&list, &n, ix, "inventory", yaml), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0], "inventory/a.yml");
	assert_string_equal(list[1], "inventory/b.yaml");
	assert_null(list[2]);
	vos_git_index_list_free(list);
	assert_int_equal(vos_git_index_list(&list, &n, ix, "./inventory/", NULL), 0);
	assert_int_equal(n, 3);
	vos_git_index_list_free(list);
	assert_int_equal(vos_git_index_list(&list, &n, ix, "nowhere", yaml), 0);
	assert_int_equal(n, 0);
	assert_null(list[0]);
	vos_git_index_list_free(list);

	/* changed against HEAD: the staged page only */
	assert_int_equal(vos_git_index_changed(&list, &n, ix, ".md", false, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0], "vos/services.md");
	vos_git_index_list_free(list);

	/* hooks directory: .git/hooks, then core.hooksPath relative to the work tree */
	assert_int_equal(vos_git_hooks_dir(&hooks, ix, &err), 0);
	assert_true(vos_ends_with(hooks, "/.git/hooks"));
	free(hooks);
	vos_git_index_free(ix);
	sh("cd '%s' && git config core.hooksPath my-hooks", tmpdir);
	assert_int_equal(vos_git_index_open(&ix, tmpdir, &err), 0);
	assert_int_equal(vos_git_hooks_dir(&hooks, ix, &err), 0);
	assert_true(vos_ends_with(hooks, "/my-hooks"));
	assert_true(vos_starts_with(hooks, vos_git_index_workdir(ix)));
	free(hooks);
	vos_git_index_free(ix);
}

static void test_git_index_file(void **state)
{
	struct vos_git_index *ix = NULL;
	char *buf = NULL, *alt;
	struct vos_err err = VOS_ERR_INIT;
	size_t len = 0;
	VOS_UNUSED(state);
	make_repo();
	/* an alternate index (as git commit passes to hooks) holding other content */
	alt = vos_path_join(tmpdir, ".git/alt-index");
	put("vos/services.md", "# Services\n\nin the alternate index\n");
	sh("cd '%s' && cp .git/index .git/alt-index && GIT_INDEX_FILE=.git/alt-index git add vos/services.md",
	   tmpdir);
	put("vos/services.md", "# Services\n\nwork tree\n");
	setenv("GIT_INDEX_FILE", alt, 1);
	assert_int_equal(vos_git_index_open(&ix, tmpdir, &err), 0);
	assert_int_equal(vos_git_index_read(&buf, &len, ix, "vos/services.md", 1 << 20, &err), 0);
	assert_string_equal(buf, "# Services\n\nin the alternate index\n");
	free(buf);
	vos_git_index_free(ix);
	unsetenv("GIT_INDEX_FILE");
	/* without it: .git/index, still the committed text */
	assert_int_equal(vos_git_index_open(&ix, tmpdir, &err), 0);
	assert_int_equal(vos_git_index_read(&buf, &len, ix, "vos/services.md", 1 << 20, &err), 0);
	assert_string_equal(buf, "# Services\n\nstaged text\n");
	free(buf);
	vos_git_index_free(ix);
	free(alt);
}

static void test_links(void **state)
{
	struct vos_git_index *ix = NULL;
	struct vos_source src;
	struct vos_diags d;
	struct vos_err err = VOS_ERR_INIT;
	VOS_UNUSED(state);
	make_repo();
	put("vos/services.md", "# Services\n\n"
	                       "- [[vos/other]]\n"            /* exists as vos/other.md */
	                       "- [[vos/missing]]\n"          /* line 4: broken */
	                       "- [x](/en/vos/other#top)\n"   /* a locale prefix: fine */
	                       "- [y](/homelab/gone)\n"       /* line 6: broken */
	                       "- [z](https://example.org)\n" /* external: ignored */);
	sh("cd '%s' && git add vos/services.md", tmpdir);
	vos_diags_init(&d);
	assert_int_equal(vos_git_index_open(&ix, tmpdir, &err), 0);
	vos_source_index(&src, ix, tmpdir);
	assert_int_equal(vos_lab_check_links(&src, VOS_SEV_WARNING, &d, &err), 0);
	vos_diags_sort(&d);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.warnings, 2);
	assert_string_equal(d.items[0].file, "vos/services.md");
	assert_int_equal(d.items[0].line, 4);
	assert_string_equal(d.items[0].rule, "wiki-link-broken");
	assert_non_null(strstr(d.items[0].message, "'vos/missing'"));
	assert_int_equal(d.items[1].line, 6);
	assert_non_null(strstr(d.items[1].message, "'/homelab/gone'"));
	vos_diags_release(&d);
	/* as errors; and an unchanged page (vos/other.md) is not checked */
	vos_diags_init(&d);
	assert_int_equal(vos_lab_check_links(&src, VOS_SEV_ERROR, &d, &err), 0);
	assert_int_equal(d.errors, 2);
	vos_diags_release(&d);
	vos_source_release(&src);
	vos_git_index_free(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relpath),
		cmocka_unit_test(test_link_path),
		cmocka_unit_test_setup_teardown(test_not_a_repository, tmptree_setup, tmptree_teardown),
		cmocka_unit_test_setup_teardown(test_staged_content, tmptree_setup, tmptree_teardown),
		cmocka_unit_test_setup_teardown(test_git_index_file, tmptree_setup, tmptree_teardown),
		cmocka_unit_test_setup_teardown(test_links, tmptree_setup, tmptree_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
