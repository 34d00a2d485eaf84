/* test_lab.c - lib/source.c (the work tree and the index as sources) and lib/lab.c (one load of
 * configuration, page, inventory and model, whatever the source). */
#define _XOPEN_SOURCE 700 /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <errno.h>
#include <ftw.h>

#include "lab.h"
#include "tmptree.h"

static const char PAGE[] =
	"# Lab\n\n## Control Plane (skynet)\n\n"
	"| Service | IP | Purpose |\n|---|---|---|\n"
	"| LiteLLM | <LAN_IP> | router |\n";
static const char HOSTS[] = "hosts:\n  - {name: skynet, plane: control, address: 127.0.10.1}\n";
static const char SERVICES[] = "services:\n  - {id: litellm, name: LiteLLM, class: router}\n";

/* a lab in tmpdir: vosctl.yaml, vos/services.md, inventory/{hosts,services}.yaml */
static void make_lab(void)
{
	put("vosctl.yaml", "page: vos/services.md\ninventory: inventory\n");
	put("vos/services.md", PAGE);
	put("inventory/hosts.yaml", HOSTS);
	put("inventory/services.yml", SERVICES);
}

static size_t count_rule(const struct vos_diags *d, const char *rule)
{
	size_t i, n = 0;
	for (i = 0; i < d->n; i++)
		n += !strcmp(d->items[i].rule, rule);
	return n;
}

/* A request for the whole lab from cwd, every part from src (NULL: the work tree). */
static void request(struct vos_lab_request *rq, const char *cwd, const struct vos_source *src)
{
	memset(rq, 0, sizeof(*rq));
	rq->parts = VOS_LAB_MODEL;
	rq->cwd = cwd;
	rq->config_src = rq->page_src = rq->inv_src = src;
}

static const char *message_of(const struct vos_diags *d, const char *rule)
{
	size_t i;
	for (i = 0; i < d->n; i++)
		if (!strcmp(d->items[i].rule, rule))
			return d->items[i].message;
	fail_msg("no diagnostic '%s'", rule);
	return NULL;
}

static void test_worktree_source(void **state)
{
	static const char *const yaml[] = {".yaml", ".yml", NULL};
	struct vos_source wt;
	char **list = NULL, *buf = NULL, *dir, *file;
	struct vos_err err = VOS_ERR_INIT;
	size_t n = 0, len = 0;
	int why = 0;
	VOS_UNUSED(state);
	make_lab();
	put("inventory/.hidden.yaml", "x: 1\n");
	put("inventory/notes.txt", "x\n");
	put("inventory/dir.yaml/inner.yaml", "x: 1\n");
	vos_source_worktree(&wt);
	dir = vos_path_join(tmpdir, "inventory");
	/* sorted, suffix-filtered, hidden names and directories skipped, paths joined to dir */
	assert_int_equal(wt.list(&wt, dir, yaml, &list, &n, &why), 0);
	assert_int_equal(n, 2);
	assert_true(vos_ends_with(list[0], "inventory/hosts.yaml"));
	assert_true(vos_ends_with(list[1], "inventory/services.yml"));
	assert_null(list[2]);
	vos_strv_free(list);
	/* a file is not a directory; a missing one says so */
	file = vos_path_join(tmpdir, "vosctl.yaml");
	assert_int_equal(wt.list(&wt, file, yaml, &list, &n, &why), VOS_EINPUT);
	assert_int_equal(why, ENOTDIR);
	vos_strv_free(list);
	free(file);
	file = vos_path_join(tmpdir, "nowhere");
	assert_int_equal(wt.list(&wt, file, yaml, &list, &n, &why), VOS_EINPUT);
	assert_int_equal(why, ENOENT);
	vos_strv_free(list);
	assert_false(wt.exists(&wt, file));
	assert_int_equal(wt.read(&wt, file, 100, &buf, &len, &err), VOS_ENOTFOUND);
	assert_non_null(strstr(err.msg, "nowhere"));
	vos_err_clear(&err);
	free(file);
	/* a path of the work tree is the path as given */
	file = vos_source_path(&wt, "../x/y.md");
	assert_string_equal(file, "../x/y.md");
	free(file);
	free(dir);
	vos_source_release(&wt);
}

static void test_load_worktree(void **state)
{
	struct vos_lab_request rq;
	struct vos_lab lab;
	struct vos_diags d;
	struct vos_err err = VOS_ERR_INIT;
	VOS_UNUSED(state);
	make_lab();
	request(&rq, tmpdir, NULL);
	vos_lab_init(&lab);
	vos_diags_init(&d);
	/* a success leaves the caller's record as it was (it used to be reset to NULL, leaking what
	 * it held) */
	vos_err_set(&err, VOS_EIO, "an earlier error");
	assert_int_equal(vos_lab_load(&lab, &rq, &d, &err), 0);
	assert_int_equal(err.code, VOS_EIO);
	assert_string_equal(err.msg, "an earlier error");
	vos_err_clear(&err);
	assert_int_equal(d.errors, 0);
	assert_true(lab.have_model);
	assert_int_equal(lab.model.nservices, 1);
	assert_int_equal(lab.inv.nfiles, 2);
	assert_string_equal(lab.model.services[0].address, "127.0.10.1");
	assert_true(vos_ends_with(lab.page.file, "vos/services.md"));
	vos_lab_release(&lab);
	vos_diags_release(&d);

	/* only the configuration and the inventory (publish): no page is read */
	put("vos/services.md", "\xff not utf-8\n");
	rq.parts = VOS_LAB_CONFIG | VOS_LAB_INVENTORY;
	vos_diags_init(&d);
	assert_int_equal(vos_lab_load(&lab, &rq, &d, &err), 0);
	assert_true(lab.have_inv);
	assert_false(lab.have_page);
	assert_false(lab.have_model);
	assert_int_equal(lab.inv.nhosts, 1);

	/* the publish round: the page from a source, the model rebuilt with the lab's inventory */
	{
		struct vos_source wt;
		struct vos_diags f;
		char *path = vos_path_join(tmpdir, "other.md");
		put("other.md", PAGE);
		vos_source_worktree(&wt);
		vos_diags_init(&f);
		assert_int_equal(vos_lab_load_page(&lab, &wt, path, &d, &f), 0);
		assert_true(lab.have_model);
		assert_int_equal(lab.model.nservices, 1);
		assert_non_null(lab.model.services[0].row);
		assert_int_equal(f.errors, 0);
		/* a second round replaces the first */
		assert_int_equal(vos_lab_load_page(&lab, &wt, path, &d, &f), 0);
		assert_int_equal(lab.page.nrows, 1);
		vos_diags_release(&f);
		free(path);
	}
	vos_lab_release(&lab);
	vos_diags_release(&d);

	/* the errors */
	rq.parts = VOS_LAB_MODEL;
	vos_diags_init(&d);
	put("vosctl.yaml", "inventory: inventory\n");
	/* nothing located to say: a message */
	assert_int_equal(vos_lab_load(&lab, &rq, &d, &err), VOS_EINPUT);
	assert_non_null(strstr(err.msg, "no services page given"));
	assert_non_null(strstr(err.msg, "--page FILE"));
	vos_err_clear(&err);
	vos_lab_release(&lab);
	/* --inventory overrides the config's: every input error of both sides is reported */
	rq.page = "vos/missing.md";
	rq.inventory = "vosctl.yaml";
	assert_int_equal(chdir(tmpdir), 0);
	assert_int_equal(vos_lab_load(&lab, &rq, &d, &err), VOS_EINPUT);
	assert_null(err.msg);
	assert_int_equal(count_rule(&d, "page-read"), 1);
	assert_int_equal(count_rule(&d, "inventory-dir"), 1);
	assert_false(lab.have_model);
	vos_lab_release(&lab);
	vos_diags_release(&d);
}

static void test_load_index(void **state)
{
	struct vos_lab_request rq;
	struct vos_source ix;
	struct vos_lab lab;
	struct vos_diags d;
	char *sub, *rel;
	struct vos_err err = VOS_ERR_INIT;
	VOS_UNUSED(state);
	make_lab();
	sh("cd '%s' && git init -q -b main . && git add -A", tmpdir);
	/* the work tree differs from what is staged: the lab is the staged one */
	put("inventory/services.yml", "services:\n  - {id: litellm, name: LiteLLM, class: router}\n"
	                              "  - {id: extra, name: Extra, class: ui}\n");
	put("inventory/new.yaml", "services: []\n"); /* not staged: not read */
	put("vos/services.md", "# broken\n\xff\n");
	put("vos/links.md", "# Links\n\n- [[vos/services]]\n- [[vos/gone]]\n");
	sh("cd '%s' && git add vos/links.md", tmpdir);
	sub = vos_path_join(tmpdir, "vos");
	assert_int_equal(vos_source_open_index(&ix, sub, &err), 0);
	rel = vos_source_path(&ix, "../inventory");
	assert_string_equal(rel, "inventory");
	free(rel);
	assert_null(vos_source_path(&ix, "/elsewhere/x.md"));
	request(&rq, sub, &ix); /* the staged vosctl.yaml is found above the cwd */
	rq.check_links = true;
	vos_lab_init(&lab);
	vos_diags_init(&d);
	assert_int_equal(vos_lab_load(&lab, &rq, &d, &err), 0);
	assert_null(err.msg);
	assert_string_equal(lab.config.file, "vosctl.yaml");
	assert_string_equal(lab.page.file, "vos/services.md"); /* repository-relative, as git names it */
	assert_string_equal(lab.inv.dir, "inventory");
	assert_int_equal(lab.inv.nfiles, 2);
	assert_int_equal(lab.model.nservices, 1);
	assert_int_equal(d.errors, 0);
	assert_int_equal(count_rule(&d, "wiki-link-broken"), 1); /* vos/gone; vos/services is staged */
	assert_null(lab.warning);
	vos_lab_release(&lab);
	vos_diags_release(&d);

	/* a page that is not staged is a located input error */
	rq.page = "links2.md";
	vos_diags_init(&d);
	assert_int_equal(vos_lab_load(&lab, &rq, &d, &err), VOS_EINPUT);
	assert_int_equal(count_rule(&d, "page-read"), 1);
	assert_non_null(strstr(message_of(&d, "page-read"), "'vos/links2.md' is not staged"));
	vos_lab_release(&lab);
	vos_diags_release(&d);
	/* and a path outside the repository a message */
	rq.page = "/elsewhere/x.md";
	vos_diags_init(&d);
	assert_int_equal(vos_lab_load(&lab, &rq, &d, &err), VOS_EINPUT);
	assert_non_null(strstr(err.msg, "is outside the repository"));
	vos_err_clear(&err);
	vos_lab_release(&lab);
	vos_diags_release(&d);
	vos_source_release(&ix);
	free(sub);
}

/* Files already in memory as a source (publish's pages from the fetched head, read once): the
 * page loads from the bytes given, nothing else is there, and the size limit holds. */
static void test_memory_source(void **state)
{
	static const char OTHER[] =
		"# Lab\n\n## Control Plane (skynet)\n\n"
		"| Service | IP | Purpose |\n|---|---|---|\n"
		"| LiteLLM | <LAN_IP> | router |\n| Ghost | <LAN_IP> | ui |\n";
	struct vos_source_file files[] = {{"vos/services.md", OTHER, sizeof(OTHER) - 1}, {NULL, NULL, 0}};
	struct vos_lab_request rq;
	struct vos_source mem;
	struct vos_lab lab;
	struct vos_diags d, found;
	char **list = NULL, *buf = NULL;
	struct vos_err msg = VOS_ERR_INIT;
	size_t n = 0, len = 0;
	int why = 0;
	VOS_UNUSED(state);
	make_lab(); /* the work tree's page has one row: the model below comes from memory */
	vos_source_memory(&mem, "the fetched head", files);
	assert_true(mem.exists(&mem, "vos/services.md"));
	assert_false(mem.exists(&mem, "vos/other.md"));
	assert_int_equal(mem.read(&mem, "vos/other.md", 1000, &buf, &len, &msg), VOS_ENOTFOUND);
	assert_null(buf);
	assert_string_equal(msg.msg, "the fetched head has no 'vos/other.md'");
	vos_err_clear(&msg);
	assert_int_equal(mem.read(&mem, "vos/services.md", 10, &buf, &len, &msg), VOS_EINPUT);
	assert_non_null(strstr(msg.msg, "larger than the limit of 10 bytes"));
	vos_err_clear(&msg);
	assert_int_equal(mem.read(&mem, "vos/services.md", 1000, &buf, &len, &msg), 0);
	assert_int_equal(len, sizeof(OTHER) - 1);
	assert_memory_equal(buf, OTHER, len);
	assert_int_equal(buf[len], '\0');
	free(buf);
	assert_int_equal(mem.list(&mem, "vos", NULL, &list, &n, &why), VOS_EINPUT);
	assert_int_equal(why, ENOTSUP);

	request(&rq, tmpdir, NULL);
	vos_lab_init(&lab);
	vos_diags_init(&d);
	vos_diags_init(&found);
	assert_int_equal(vos_lab_load(&lab, &rq, &d, &msg), 0);
	assert_int_equal(lab.page.nrows, 1);
	assert_int_equal(vos_lab_load_page(&lab, &mem, "vos/services.md", &d, &found), 0);
	assert_string_equal(lab.page.file, "vos/services.md");
	assert_int_equal(lab.page.nrows, 2); /* the text in memory, not the work tree's file */
	assert_int_equal(d.errors, 0);
	vos_lab_release(&lab);
	vos_diags_release(&d);
	vos_diags_release(&found);
	vos_source_release(&mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_worktree_source, tmptree_setup, tmptree_teardown),
		cmocka_unit_test_setup_teardown(test_load_worktree, tmptree_setup, tmptree_teardown),
		cmocka_unit_test_setup_teardown(test_load_index, tmptree_setup, tmptree_teardown),
		cmocka_unit_test_setup_teardown(test_memory_source, tmptree_setup, tmptree_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
