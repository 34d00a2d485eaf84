/* test_fuzz_regress.c - replays every kept fuzz reproducer (every file of tests/fuzz/regress/<target>/)
 * through the entry points the libFuzzer targets use (tests/fuzz/fuzz_entry.h), so that a crash, hang or leak the
 * fuzzer once found stays fixed in the normal suite (ASan/valgrind see the leaks). Each replay must
 * return 0 or a negative enum vos_error within a time bound; some inputs also pin the exact result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <dirent.h>
#include <cmocka.h>

#include "../fuzz/fuzz_entry.h"

#define REPLAY_MAX_SECONDS 10.0 /* libFuzzer's -timeout; every kept input takes far less */

typedef int (*entry_fn)(const uint8_t *data, size_t size);

/* Inputs whose result is known: name -> expected return value. */
static const struct {
	const char *target, *name;
	int want;
} expected[] = {
	{"inventory", "billion-laughs.yaml", VOS_EINPUT},
	{"inventory", "nesting-300.yaml", VOS_EINPUT},
	{"config", "billion-laughs.yaml", VOS_EINPUT},
	{"rules", "minimal-lab", 0},
};

static const char *src_dir(void)
{
	const char *s = getenv("SRC");
	return s && *s ? s : ".";
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every file of tests/fuzz/<where>/<target>/ (where: regress or corpus); returns how many. */
static size_t replay_in(const char *where, const char *target, entry_fn fn)
{
	char *dir = vos_asprintf("%s/tests/fuzz/%s/%s", src_dir(), where, target);
	char **names = NULL;
	size_t n = 0, alloc = 0, i, j;
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		fail_msg("unable to open '%s'", dir);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		*VOS_PUSH(names, n, alloc) = vos_strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		char *path = vos_path_join(dir, names[i]), *buf = NULL;
		struct vos_err err = VOS_ERR_INIT;
		size_t len = 0;
		double t0, dt;
		int rc;
		if (vos_file_read(&buf, &len, path, VOS_MAX_PAGE_BYTES, &err) < 0)
			fail_msg("%s", err.msg);
		t0 = now();
		rc = fn((const uint8_t *)buf, len);
		dt = now() - t0;
		print_message("# %s/%s: %zu bytes, rc %d, %.3f s\n", target, names[i], len, rc, dt);
		assert_true(rc <= 0 && rc >= VOS_ENET);
		if (dt > REPLAY_MAX_SECONDS)
			fail_msg("%s/%s took %.1f s", target, names[i], dt);
		for (j = 0; j < VOS_ARRAY_SIZE(expected); j++)
			if (strcmp(expected[j].target, target) == 0 && strcmp(expected[j].name, names[i]) == 0)
				assert_int_equal(rc, expected[j].want);
		free(buf);
		free(path);
		free(names[i]);
	}
	free(names);
	free(dir);
	return n;
}

static size_t replay(const char *target, entry_fn fn)
{
	return replay_in("regress", target, fn);
}

static void test_page(void **state)
{
	VOS_UNUSED(state);
	assert_true(replay("page", vos_fuzz_page) >= 1);
}

/* The differential target's check over the kept page reproducers and the whole page seed corpus:
 * parsed whole and in pieces, every page gives the same model and diagnostics. */
static void test_page_diff(void **state)
{
	VOS_UNUSED(state);
	assert_true(replay("page", vos_fuzz_page_diff) >= 1);
	assert_true(replay_in("corpus", "page", vos_fuzz_page_diff) >= 10);
}

static void test_inventory(void **state)
{
	VOS_UNUSED(state);
	assert_true(replay("inventory", vos_fuzz_inventory) >= 1);
}

static void test_config(void **state)
{
	VOS_UNUSED(state);
	assert_true(replay("config", vos_fuzz_config) >= 1);
}

static void test_rules(void **state)
{
	VOS_UNUSED(state);
	assert_true(replay("rules", vos_fuzz_rules) >= 1);
}

/* The rules target splits at the first line that is exactly "----" (CRLF too). */
static void test_split(void **state)
{
	size_t rest, at;
	VOS_UNUSED(state);
	at = vos_fuzz_split("a\n----\nb", 8, &rest);
	assert_int_equal(at, 2);
	assert_int_equal(rest, 7);
	at = vos_fuzz_split("-----\n----\r\nx", 13, &rest);
	assert_int_equal(at, 6);
	assert_int_equal(rest, 12);
	at = vos_fuzz_split("no split", 8, &rest);
	assert_int_equal(at, 8);
	assert_int_equal(rest, 8);
	at = vos_fuzz_split("x\n----", 6, &rest);
	assert_int_equal(at, 2);
	assert_int_equal(rest, 6);
}

/* Every entry point copes with empty input and a lone NUL byte. */
static void test_empty(void **state)
{
	static const uint8_t nul[1] = {0};
	VOS_UNUSED(state);
	assert_true(vos_fuzz_page(nul, 0) <= 0);
	assert_true(vos_fuzz_page(nul, 1) <= 0);
	assert_true(vos_fuzz_inventory(nul, 0) <= 0);
	assert_int_equal(vos_fuzz_inventory(nul, 1), VOS_EINPUT);
	assert_true(vos_fuzz_config(nul, 0) <= 0);
	assert_int_equal(vos_fuzz_config(nul, 1), VOS_EINPUT);
	assert_true(vos_fuzz_rules(nul, 0) <= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_page_diff),
		cmocka_unit_test(test_inventory),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_rules),
	};
	vos_page_prepare();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
