/* test_util.c - buffers, arena, map, files, UTF-8, addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "lockfile.h"

static void test_buf(void **state)
{
	struct vos_buf b = VOS_BUF_INIT;
	char *s;
	size_t len;
	(void)state;
	vos_buf_adds(&b, "abc");
	vos_buf_addc(&b, '-');
	vos_buf_addf(&b, "%d/%s", 42, "x");
	assert_string_equal(b.ptr, "abc-42/x");
	for (int i = 0; i < 10000; i++)
		vos_buf_addc(&b, 'z');
	assert_int_equal(b.len, 8 + 10000);
	s = vos_buf_detach(&b, &len);
	assert_int_equal(len, 10008);
	assert_null(b.ptr);
	free(s);
}

static void test_arena(void **state)
{
	struct vos_arena a;
	char *big;
	(void)state;
	vos_arena_init(&a);
	for (int i = 0; i < 5000; i++) {
		char *s = vos_arena_sprintf(&a, "item-%d", i);
		assert_string_equal(s, vos_arena_sprintf(&a, "item-%d", i));
	}
	big = vos_arena_alloc(&a, 1 << 20);
	big[(1 << 20) - 1] = 'x';
	assert_int_equal(((uintptr_t)vos_arena_alloc(&a, 3)) % 8, 0);
	vos_arena_release(&a);
}

static void test_map(void **state)
{
	struct vos_map m;
	char keys[2000][16];
	(void)state;
	vos_map_init(&m, false);
	for (int i = 0; i < 2000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%d", i);
		assert_null(vos_map_put(&m, keys[i], (void *)(uintptr_t)(i + 1)));
	}
	for (int i = 0; i < 2000; i++)
		assert_int_equal((uintptr_t)vos_map_get(&m, keys[i]), i + 1);
	assert_null(vos_map_get(&m, "K1"));
	assert_int_equal((uintptr_t)vos_map_put(&m, "k5", (void *)7), 6);
	vos_map_release(&m);
	vos_map_init(&m, true);
	vos_map_put(&m, "Open WebUI", (void *)1);
	assert_int_equal((uintptr_t)vos_map_get(&m, "open webui"), 1);
	assert_int_equal((uintptr_t)vos_map_get(&m, "OPEN WEBUI"), 1);
	assert_null(vos_map_get(&m, "open webu"));
	/* ASCII letters fold, nothing else: '@' and '`' are 'A' - 1 and 'a' - 1, '[' is 'Z' + 1 */
	vos_map_put(&m, "Z[@", (void *)2);
	assert_int_equal((uintptr_t)vos_map_get(&m, "z[@"), 2);
	assert_null(vos_map_get(&m, "z{@"));
	assert_null(vos_map_get(&m, "z[`"));
	vos_map_put(&m, "caf\xc3\xa9", (void *)3); /* UTF-8: bytes >= 0x80 are not folded */
	assert_int_equal((uintptr_t)vos_map_get(&m, "CAF\xc3\xa9"), 3);
	assert_null(vos_map_get(&m, "CAF\xc3\x89"));
	for (int i = 0; i < 200; i++) { /* past a few rehashes: hash and compare agree */
		char *k = malloc(16);
		snprintf(k, 16, "Host-%03d", i);
		vos_map_put(&m, k, (void *)(uintptr_t)(100 + i));
	}
	for (int i = 0; i < 200; i++) {
		char k[16];
		snprintf(k, sizeof(k), "hOST-%03d", i);
		assert_int_equal((uintptr_t)vos_map_get(&m, k), 100 + i);
	}
	for (size_t i = 0; i < m.cap; i++)
		if (m.keys[i] && !strncmp(m.keys[i], "Host-", 5))
			free((char *)m.keys[i]);
	vos_map_release(&m);
}

/* vos_map_reserve: the capacity n puts reach, at once; the puts then never rehash; never shrinks */
static void test_map_reserve(void **state)
{
	struct vos_map grown, reserved;
	char keys[1000][8];
	size_t i;
	(void)state;
	vos_map_init(&grown, false);
	vos_map_init(&reserved, false);
	for (i = 0; i < 1000; i++)
		snprintf(keys[i], sizeof(keys[i]), "k%zu", i);
	for (i = 0; i < 1000; i++)
		vos_map_put(&grown, keys[i], (void *)(uintptr_t)(i + 1));
	vos_map_reserve(&reserved, 1000);
	assert_int_equal(reserved.cap, grown.cap);
	for (i = 0; i < 1000; i++) {
		const char **before = reserved.keys;
		vos_map_put(&reserved, keys[i], (void *)(uintptr_t)(i + 1));
		assert_ptr_equal(reserved.keys, before); /* no rehash */
	}
	for (i = 0; i < 1000; i++)
		assert_int_equal((uintptr_t)vos_map_get(&reserved, keys[i]), i + 1);
	vos_map_reserve(&reserved, 10); /* never shrinks, keeps the keys */
	assert_int_equal(reserved.cap, grown.cap);
	assert_int_equal((uintptr_t)vos_map_get(&reserved, "k999"), 1000);
	vos_map_reserve(&reserved, 5000); /* grows with its keys */
	assert_true(reserved.cap > grown.cap);
	assert_int_equal(reserved.n, 1000);
	assert_int_equal((uintptr_t)vos_map_get(&reserved, "k0"), 1);
	vos_map_release(&grown);
	vos_map_release(&reserved);
}

/* Maps that index arrays: VOS_MAP_SLOT gives back index + 1, 0 for an absent key (index 0 is not). */
static void test_map_index(void **state)
{
	struct vos_map m;
	(void)state;
	vos_map_init(&m, false);
	vos_map_put(&m, "first", VOS_MAP_INDEX(0));
	vos_map_put(&m, "third", VOS_MAP_INDEX(2));
	assert_int_equal(VOS_MAP_SLOT(vos_map_get(&m, "first")), 1);
	assert_int_equal(VOS_MAP_SLOT(vos_map_get(&m, "third")), 3);
	assert_int_equal(VOS_MAP_SLOT(vos_map_get(&m, "second")), 0);
	vos_map_release(&m);
}

/* The one case-insensitive substring test (page headings, rules citing page text). */
static void test_contains_nocase(void **state)
{
	(void)state;
	assert_true(vos_contains_nocase("Placement Rules", "rule"));
	assert_true(vos_contains_nocase("RULES", "rule"));
	assert_true(vos_contains_nocase("skynet routes, never computes", "Never Computes"));
	assert_false(vos_contains_nocase("Placement", "rule"));
	assert_false(vos_contains_nocase("rul", "rule"));
	assert_true(vos_contains_nocase("anything", ""));
	assert_true(vos_contains_nocase("", ""));
	assert_false(vos_contains_nocase("", "x"));
}

static void test_utf8(void **state)
{
	size_t bad = 99;
	(void)state;
	assert_true(vos_utf8_valid("plain", 5, &bad));
	assert_true(vos_utf8_valid("caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80", 14, &bad));
	assert_false(vos_utf8_valid("ab\xff", 3, &bad));
	assert_int_equal(bad, 2);
	assert_false(vos_utf8_valid("ab\xc3", 3, &bad)); /* truncated */
	assert_int_equal(bad, 2);
	assert_false(vos_utf8_valid("\xc0\xaf", 2, &bad)); /* overlong */
	assert_false(vos_utf8_valid("\xed\xa0\x80", 3, &bad)); /* surrogate */
	assert_int_equal(bad, 0);
}

static void test_ipv4(void **state)
{
	uint32_t a, net, mask;
	(void)state;
	assert_int_equal(vos_ipv4_parse(&a, "127.0.10.1"), 0);
	assert_int_equal(a, 0x7f000a01);
	assert_true(vos_ipv4_is_loopback(a));
	assert_int_equal(vos_ipv4_parse(&a, "192.168.1.70"), 0);
	assert_false(vos_ipv4_is_loopback(a));
	assert_int_equal(vos_ipv4_parse(&a, "256.0.0.1"), -1);
	assert_int_equal(vos_ipv4_parse(&a, "1.2.3"), -1);
	assert_int_equal(vos_ipv4_parse(&a, "1.2.3.4x"), -1);
	assert_int_equal(vos_ipv4_parse(&a, "<LAN_IP>"), -1);
	assert_int_equal(vos_cidr_parse(&net, &mask, "127.0.10.0/24"), 0);
	assert_int_equal(net, 0x7f000a00);
	assert_int_equal(mask, 0xffffff00);
	assert_int_equal(vos_cidr_parse(&net, &mask, "10.0.0.0/33"), -1);
	assert_int_equal(vos_cidr_parse(&net, &mask, "10.0.0.0"), -1);
	assert_int_equal(vos_cidr_parse(&net, &mask, "0.0.0.0/0"), 0);
	assert_int_equal(mask, 0);
}

static void test_files(void **state)
{
	char dir[] = "/tmp/vos-util-XXXXXX", *path, *data = NULL;
	struct vos_err err = VOS_ERR_INIT;
	size_t len;
	(void)state;
	assert_non_null(mkdtemp(dir));
	path = vos_path_join(dir, "page.md");
	assert_int_equal(vos_file_write(path, "hello\n", 6, 0, NULL, &err), 0);
	assert_int_equal(vos_file_read(&data, &len, path, 100, &err), 0);
	assert_int_equal(len, 6);
	assert_string_equal(data, "hello\n");
	free(data);
	/* over the limit */
	assert_int_equal(vos_file_read(&data, &len, path, 3, &err), VOS_EINPUT);
	assert_non_null(strstr(err.msg, "larger than"));
	vos_err_clear(&err);
	/* a directory where a file is expected */
	assert_int_equal(vos_file_read(&data, &len, dir, 100, &err), VOS_EINPUT);
	assert_non_null(strstr(err.msg, "is a directory"));
	vos_err_clear(&err);
	/* missing */
	assert_int_equal(vos_file_read(&data, &len, "/nonexistent/x", 100, &err), VOS_ENOTFOUND);
	assert_non_null(strstr(err.msg, "unable to open '/nonexistent/x'"));
	vos_err_clear(&err);
	/* writing into a missing directory fails cleanly */
	assert_int_equal(vos_file_write("/nonexistent/dir/x", "a", 1, 0, NULL, &err), VOS_EIO);
	vos_err_clear(&err);
	unlink(path);
	rmdir(dir);
	free(path);
	path = vos_path_dirname("a/b/c");
	assert_string_equal(path, "a/b");
	free(path);
	path = vos_path_dirname("c");
	assert_string_equal(path, ".");
	free(path);
}

/* vos_path_resolve: links of the existing part resolved, the missing rest appended lexically */
static char *at(const char *dir, const char *rel)
{
	return vos_asprintf("%s/%s", dir, rel);
}

static void test_path_resolve(void **state)
{
	char tmp[] = "/tmp/vos-resolve-XXXXXX", real[4096], *p, *r, *want, *lab;
	struct vos_err err = VOS_ERR_INIT;
	const char *rm[] = {"lab/dangling", "lab/gen", "lab", "else"};
	size_t i;
	(void)state;
	assert_non_null(mkdtemp(tmp));
	assert_non_null(realpath(tmp, real));
	lab = at(real, "lab");
	want = at(real, "else");
	assert_int_equal(mkdir(lab, 0755), 0);
	assert_int_equal(mkdir(want, 0755), 0);
	p = at(real, "lab/gen");
	assert_int_equal(symlink(want, p), 0);
	free(p);
	free(want);
	/* through the link, into a file that does not exist yet (tmp itself may be a link) */
	p = at(tmp, "lab/./gen//new/../x.md");
	want = at(real, "else/x.md");
	r = vos_path_resolve(p, &err);
	assert_non_null(r);
	assert_string_equal(r, want);
	assert_false(vos_path_within(r, lab));
	free(r);
	free(want);
	free(p);
	/* a missing tail under a real directory, ".." climbing back above it */
	p = at(tmp, "lab/a/b/../../../lab/c");
	want = at(real, "lab/c");
	r = vos_path_resolve(p, &err);
	assert_non_null(r);
	assert_string_equal(r, want);
	/* within: the root itself and below it, not a sibling that shares its prefix */
	assert_true(vos_path_within(r, lab));
	assert_true(vos_path_within(lab, lab));
	assert_true(vos_path_within(r, "/"));
	free(r);
	free(want);
	free(p);
	want = at(real, "lab2/c");
	assert_false(vos_path_within(want, lab));
	free(want);
	/* a dangling link is an error, not a guess */
	p = at(real, "lab/dangling");
	assert_int_equal(symlink("nowhere", p), 0);
	free(p);
	p = at(real, "lab/dangling/x.md");
	assert_null(vos_path_resolve(p, &err));
	assert_non_null(strstr(err.msg, "unable to resolve"));
	vos_err_clear(&err);
	free(p);
	for (i = 0; i < VOS_ARRAY_SIZE(rm); i++) {
		p = at(real, rm[i]);
		if (unlink(p) < 0)
			rmdir(p);
		free(p);
	}
	rmdir(real);
	free(lab);
}

/* control characters escaped as git's quote_path does; clean text comes back as it is */
static void test_escaped(void **state)
{
	struct vos_buf b = VOS_BUF_INIT;
	struct vos_arena a;
	const char *clean = "caf\xc3\xa9 | 127.0.0.1";
	(void)state;
	vos_buf_add_escaped(&b, "a\033]0;t\a\b\t\n\r\x7f\xc2\x9b" "2J\xc2\xa0z");
	assert_string_equal(b.ptr, "a\\033]0;t\\a\\b\\t\\n\\r\\177\\302\\2332J\xc2\xa0z");
	vos_buf_release(&b);
	vos_arena_init(&a);
	assert_ptr_equal(vos_arena_escaped(&a, clean), clean);
	assert_string_equal(vos_arena_escaped(&a, "x\033y"), "x\\033y");
	assert_null(vos_arena_escaped(&a, NULL));
	vos_arena_release(&a);
}

/* two users of the library each own their random source: one's draws never shift the other's */
static void test_rng(void **state)
{
	struct vos_rng a, b, c;
	uint64_t seq[8], x;
	size_t i;
	int r1, r2;
	(void)state;
	vos_rng_seed(&a, 42);
	for (i = 0; i < 8; i++)
		seq[i] = vos_rng_next(&a);
	srand(7);
	r1 = rand();
	vos_rng_seed(&a, 42);
	vos_rng_seed(&b, 43);
	srand(7);
	for (i = 0; i < 8; i++) {
		assert_int_equal(vos_rng_next(&a), seq[i]); /* b's draws in between change nothing */
		assert_true(vos_rng_next(&b) != seq[i]);
	}
	r2 = rand();
	assert_int_equal(r1, r2); /* and the process's rand() sequence is not touched */
	vos_rng_seed(&c, 0);      /* seeded from getrandom: in range, and not stuck */
	x = vos_rng_next(&c);
	assert_true(vos_rng_next(&c) != x);
	for (i = 0; i < 1000; i++)
		assert_true(vos_rng_below(&c, 200) < 200);
	assert_int_equal(vos_rng_below(&c, 0), 0);
}

static void test_edit_distance(void **state)
{
	static const char *const words[] = {"cache", "heavy-compute", "watson", "gpu", "compute", "Cache"};
	(void)state;
	assert_int_equal(vos_edit_distance("cahce", "cache", 5), 1);       /* a transposition */
	assert_int_equal(vos_edit_distance("heavy-compte", "heavy-compute", 5), 1);
	assert_int_equal(vos_edit_distance("wastson", "watson", 5), 1);
	assert_int_equal(vos_edit_distance("GPU", "gpu", 5), 0);           /* case is ignored */
	assert_int_equal(vos_edit_distance("kitten", "sitting", 5), 3);
	assert_int_equal(vos_edit_distance("", "abc", 5), 3);
	assert_int_equal(vos_edit_distance(NULL, "ab", 5), 2);
	assert_int_equal(vos_edit_distance("abcdefgh", "zzzzzzzz", 2), 3); /* stops past max */
	assert_int_equal(vos_edit_distance("a", "abcdef", 2), 3);
	assert_string_equal(vos_suggest("cahce", words, 6), "cache");
	assert_string_equal(vos_suggest("heavy-compte", words, 6), "heavy-compute");
	assert_string_equal(vos_suggest("wastson", words, 6), "watson");
	assert_string_equal(vos_suggest("GPU", words, 6), "gpu");
	assert_string_equal(vos_suggest("cache", words, 6), "Cache");     /* never itself */
	assert_null(vos_suggest("zebra", words, 6));
	assert_null(vos_suggest("gp", words, 6));                         /* too short for an edit */
	assert_null(vos_suggest("", words, 6));
	assert_null(vos_suggest("x", NULL, 0));
}

/* durations as Prometheus writes them (validate --max-age) */
static void test_duration(void **state)
{
	long long ms = -1;
	char buf[64];
	static const char *const bad[] = {"", "5", "m", "5x", "1m1h", "5m5m", "1.5m", "-1s", "5 m", "99999999999999999999d", NULL};
	size_t i;
	(void)state;
	assert_int_equal(vos_duration_parse(&ms, "5m"), 0);
	assert_int_equal(ms, 300000);
	assert_int_equal(vos_duration_parse(&ms, "1ms"), 0);
	assert_int_equal(ms, 1);
	assert_int_equal(vos_duration_parse(&ms, "1h30m"), 0);
	assert_int_equal(ms, 5400000);
	assert_int_equal(vos_duration_parse(&ms, "2w1d3s250ms"), 0);
	assert_int_equal(ms, 15LL * 86400000 + 3250);
	assert_int_equal(vos_duration_parse(&ms, "0s"), 0);
	assert_int_equal(ms, 0);
	for (i = 0; bad[i]; i++) {
		ms = 42;
		assert_int_equal(vos_duration_parse(&ms, bad[i]), VOS_EINPUT);
		assert_int_equal(ms, 42);
	}
	assert_string_equal(vos_duration_format(300000, buf, sizeof(buf)), "5m");
	assert_string_equal(vos_duration_format(5400000, buf, sizeof(buf)), "1h30m");
	assert_string_equal(vos_duration_format(423250, buf, sizeof(buf)), "7m3s250ms");
	assert_string_equal(vos_duration_format(0, buf, sizeof(buf)), "0s");
	/* what format writes, parse reads back */
	assert_int_equal(vos_duration_parse(&ms, vos_duration_format(15LL * 86400000 + 3250, buf, sizeof(buf))), 0);
	assert_int_equal(ms, 15LL * 86400000 + 3250);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf),  cmocka_unit_test(test_arena), cmocka_unit_test(test_map),
		cmocka_unit_test(test_map_reserve), cmocka_unit_test(test_map_index), cmocka_unit_test(test_contains_nocase),
		cmocka_unit_test(test_utf8), cmocka_unit_test(test_ipv4),  cmocka_unit_test(test_files),
		cmocka_unit_test(test_path_resolve), cmocka_unit_test(test_escaped),
		cmocka_unit_test(test_rng), cmocka_unit_test(test_edit_distance),
		cmocka_unit_test(test_duration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
