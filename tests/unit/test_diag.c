/* test_diag.c - the diagnostics list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "diag.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_sort),
		cmocka_unit_test(test_move_and_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
