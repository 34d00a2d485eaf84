/* test_diag.c - the diagnostics list, and the error record beside it (error.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "lockfile.h"

static void test_add_sort(void **state)
{
	struct vos_diags d;
	struct vos_loc a = {"b.yaml", 3, 5}, b = {"a.md", 10, 1}, c = {"a.md", 2, 7};
	struct vos_diag *x;
	(void)state;
	vos_diags_init(&d);
	x = vos_diags_add(&d, VOS_SEV_ERROR, &a, "port-clash", "port %d clashes", 80);
	vos_diag_set_subject(x, "traefik", "mothership");
	vos_diag_set_related(x, &c);
	vos_diags_add(&d, VOS_SEV_WARNING, &b, "rule-unenforced", "w");
	vos_diags_add(&d, VOS_SEV_ERROR, &c, "x", "first");
	vos_diags_add(&d, VOS_SEV_ERROR, &c, "y", "second, same place");
	vos_diags_add(&d, VOS_SEV_NOTE, NULL, "z", "no location");
	assert_int_equal(d.errors, 3);
	assert_int_equal(d.warnings, 1);
	vos_diags_sort(&d);
	assert_null(d.items[0].file); /* no file sorts first */
	assert_string_equal(d.items[1].message, "first");
	assert_string_equal(d.items[2].message, "second, same place"); /* stable */
	assert_string_equal(d.items[3].file, "a.md");
	assert_int_equal(d.items[3].line, 10);
	assert_string_equal(d.items[4].message, "port 80 clashes");
	assert_string_equal(d.items[4].service, "traefik");
	assert_string_equal(d.items[4].rel_file, "a.md");
	vos_diags_promote_warnings(&d);
	assert_int_equal(d.errors, 4);
	assert_int_equal(d.warnings, 0);
	assert_int_equal(d.items[3].severity, VOS_SEV_ERROR);
	vos_diags_release(&d);
}

static void test_move_and_cap(void **state)
{
	struct vos_diags a, b;
	(void)state;
	vos_diags_init(&a);
	vos_diags_init(&b);
	vos_diags_add(&a, VOS_SEV_ERROR, NULL, "r", "one");
	vos_diags_add(&b, VOS_SEV_WARNING, NULL, "r", "two");
	vos_diags_move(&a, &b);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.warnings, 1);
	assert_int_equal(b.n, 0);
	for (size_t i = 0; i < VOS_DIAGS_MAX + 5; i++)
		vos_diags_add(&b, VOS_SEV_ERROR, NULL, "r", "many");
	assert_int_equal(b.n, VOS_DIAGS_MAX);
	assert_int_equal(b.dropped, 5);
	assert_int_equal(b.errors, VOS_DIAGS_MAX + 5);
	assert_null(vos_diags_add(&b, VOS_SEV_ERROR, NULL, "r", "full"));
	vos_diag_set_subject(NULL, "x", "y"); /* NULL-safe */
	vos_diags_release(&a);
	vos_diags_release(&b);
	assert_string_equal(vos_severity_name(VOS_SEV_WARNING), "warning");
}

/* The record: set returns the code, the last error wins (the earlier message is freed: SAN and
 * valgrind see a leak otherwise), clear makes it reusable, and a NULL record is accepted. */
static void test_err_record(void **state)
{
	struct vos_err e = VOS_ERR_INIT, f;
	char *m;
	(void)state;
	assert_int_equal(e.code, VOS_OK);
	assert_null(e.msg);
	assert_string_equal(vos_err_msg(&e, "fallback"), "fallback");
	assert_string_equal(vos_err_msg(NULL, "fallback"), "fallback");
	assert_int_equal(vos_err_set(&e, VOS_EIO, "unable to open '%s'", "x"), VOS_EIO);
	assert_int_equal(e.code, VOS_EIO);
	assert_string_equal(e.msg, "unable to open 'x'");
	assert_string_equal(vos_err_msg(&e, "fallback"), "unable to open 'x'");
	/* the last wins, and may quote the first */
	assert_int_equal(vos_err_set(&e, VOS_ENET, "%s (gave up)", e.msg), VOS_ENET);
	assert_int_equal(e.code, VOS_ENET);
	assert_string_equal(e.msg, "unable to open 'x' (gave up)");
	m = vos_strdup("taken");
	assert_int_equal(vos_err_take(&e, VOS_EREJECTED, m), VOS_EREJECTED);
	assert_ptr_equal(e.msg, m);
	assert_int_equal(e.code, VOS_EREJECTED);
	/* a failure whose details are elsewhere (diagnostics): the code, no message */
	assert_int_equal(vos_err_take(&e, VOS_EINPUT, NULL), VOS_EINPUT);
	assert_int_equal(e.code, VOS_EINPUT);
	assert_null(e.msg);
	vos_err_clear(&e);
	assert_int_equal(e.code, VOS_OK);
	assert_null(e.msg);
	vos_err_clear(&e); /* twice is harmless */
	vos_err_clear(NULL);
	/* no record: nothing recorded, the code still returned, a taken message freed */
	assert_int_equal(vos_err_set(NULL, VOS_EIO, "x %d", 1), VOS_EIO);
	assert_int_equal(vos_err_take(NULL, VOS_EAUTH, vos_strdup("y")), VOS_EAUTH);
	vos_err_init(&f);
	assert_int_equal(f.code, VOS_OK);
	assert_null(f.msg);
	/* the codes are distinct and negative */
	assert_true(VOS_EREJECTED < 0 && VOS_EREJECTED != VOS_EIO && VOS_EREJECTED != VOS_ENET &&
	            VOS_EREJECTED != VOS_EAUTH && VOS_EREJECTED != VOS_ENOTFOUND &&
	            VOS_EREJECTED != VOS_EINPUT && VOS_EREJECTED != VOS_ERROR);
}

/* Functions follow the contract: a failure returns the code and records it (code = the value
 * returned, a message); a success leaves the record as it was; a NULL record is accepted. */
static void test_err_contract(void **state)
{
	char dir[] = "/tmp/vos-err-XXXXXX", *path, *data = NULL;
	struct vos_err e = VOS_ERR_INIT;
	size_t len = 0;
	int rc;
	(void)state;
	assert_non_null(mkdtemp(dir));
	path = vos_path_join(dir, "f");

	rc = vos_file_read(&data, &len, path, 100, &e);
	assert_int_equal(rc, VOS_ENOTFOUND);
	assert_int_equal(e.code, rc);
	assert_non_null(strstr(e.msg, "unable to open"));
	/* a success leaves what the record holds */
	assert_int_equal(vos_file_write(path, "abc", 3, 0, NULL, &e), 0);
	assert_int_equal(vos_file_read(&data, &len, path, 100, &e), 0);
	assert_int_equal(e.code, VOS_ENOTFOUND);
	assert_non_null(strstr(e.msg, "unable to open"));
	free(data);
	data = NULL;
	/* the next failure replaces it */
	rc = vos_file_read(&data, &len, path, 2, &e);
	assert_int_equal(rc, VOS_EINPUT);
	assert_int_equal(e.code, VOS_EINPUT);
	assert_non_null(strstr(e.msg, "larger than the limit"));
	rc = vos_file_read(&data, &len, dir, 100, &e);
	assert_int_equal(e.code, rc);
	assert_non_null(strstr(e.msg, "is a directory"));
	/* a lockfile failure: VOS_EIO, recorded */
	{
		char *lock = vos_asprintf("%s.lock", path);
		struct vos_lockfile lk;
		FILE *fp = fopen(lock, "w");
		assert_non_null(fp);
		fclose(fp);
		assert_int_equal(vos_lockfile_hold(&lk, path, 0, &e), VOS_EIO);
		assert_int_equal(e.code, VOS_EIO);
		assert_non_null(strstr(e.msg, "another vosctl process"));
		/* and without a record: the same failure, nothing to fill */
		assert_int_equal(vos_file_write(path, "x", 1, 0, NULL, NULL), VOS_EIO);
		unlink(lock);
		free(lock);
	}
	assert_int_equal(vos_file_read(&data, &len, "/nonexistent/x", 100, NULL), VOS_ENOTFOUND);
	/* a path that does not resolve (a looping link), with and without a record */
	{
		char *loop = vos_path_join(dir, "loop"), *below = vos_path_join(loop, "x");
		assert_int_equal(symlink("loop", loop), 0);
		assert_null(vos_path_resolve(below, NULL));
		assert_null(vos_path_resolve(below, &e));
		assert_int_equal(e.code, VOS_EIO);
		assert_non_null(strstr(e.msg, "unable to resolve"));
		unlink(loop);
		free(below);
		free(loop);
	}
	vos_err_clear(&e);
	unlink(path);
	rmdir(dir);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_sort),
		cmocka_unit_test(test_move_and_cap),
		cmocka_unit_test(test_err_record),
		cmocka_unit_test(test_err_contract),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
