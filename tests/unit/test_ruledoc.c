/* test_ruledoc.c - lib/ruledoc.c explains every built-in finding id: each id a source of lib/ passes
 * to a diagnostic call has an entry (the sources are scanned), the table is sorted (it is searched)
 * and complete, and docs/rules.md has a section (an anchor) for each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruledoc.h"

static char *src_path(const char *rel)
{
	const char *src = getenv("SRC");
	return vos_asprintf("%s/%s", src && *src ? src : ".", rel);
}

static char *slurp(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	struct vos_err err = VOS_ERR_INIT;
	if (vos_file_read(&text, &len, path, 16u << 20, &err) < 0)
		fail_msg("cannot read %s: %s", path, vos_err_msg(&err, "?"));
	return text;
}

/* a finding id: [a-z][a-z0-9]*(-[a-z0-9]+)* */
static bool id_like(const char *s, size_t n)
{
	size_t i;
	if (!n || !(s[0] >= 'a' && s[0] <= 'z') || s[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* The calls that take a finding id as their first string literal argument. */
static const char *const calls[] = {"vos_diags_add(", "vos_diags_vadd(", "report(", "error_at(",
                                    "vos_source_load(", NULL};

/* Adds to ids (one per line, "\n"-separated) every id in the line's diagnostic calls. */
static void scan_line(struct vos_buf *ids, const char *line, size_t len, const char *file, unsigned ln)
{
	struct vos_buf l = VOS_BUF_INIT;
	const char *p, *q;
	size_t i;
	vos_buf_add(&l, line, len);
	if (!l.ptr) {
		vos_buf_release(&l);
		return;
	}
	for (p = l.ptr; *p == ' ' || *p == '\t'; p++)
		;
	if (*p == '*' || (p[0] == '/' && (p[1] == '*' || p[1] == '/'))) {
		vos_buf_release(&l);
		return;
	}
	if (strstr(l.ptr, "vos_ymap_style style = {")) { /* {type_rule, key_rule, ...} */
		for (p = strchr(l.ptr, '{'); p && (p = strchr(p, '"')); p = q + 1) {
			q = strchr(p + 1, '"');
			if (!q)
				break;
			if (id_like(p + 1, (size_t)(q - p - 1)))
				vos_buf_addf(ids, "%.*s %s:%u\n", (int)(q - p - 1), p + 1, file, ln);
		}
	}
	for (i = 0; calls[i]; i++)
		for (p = l.ptr; (p = strstr(p, calls[i])) != NULL; p += strlen(calls[i])) {
			const char *a, *b;
			if (p > l.ptr && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
				continue; /* another function whose name ends the same */
			a = strchr(p, '"');
			if (!a || !(b = strchr(a + 1, '"')))
				continue;
			if (id_like(a + 1, (size_t)(b - a - 1)))
				vos_buf_addf(ids, "%.*s %s:%u\n", (int)(b - a - 1), a + 1, file, ln);
		}
	vos_buf_release(&l);
}

static void test_every_emitted_id_is_explained(void **state)
{
	char *dir = src_path("lib");
	DIR *d = opendir(dir);
	struct dirent *e;
	struct vos_buf ids = VOS_BUF_INIT;
	size_t found = 0, missing = 0;
	char *p, *nl;
	(void)state;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char *path, *text;
		const char *s, *end;
		unsigned ln = 1;
		if (!vos_ends_with(e->d_name, ".c"))
			continue;
		path = vos_asprintf("%s/%s", dir, e->d_name);
		text = slurp(path);
		for (s = text; *s; s = *end ? end + 1 : end, ln++) {
			end = strchr(s, '\n');
			if (!end)
				end = s + strlen(s);
			scan_line(&ids, s, (size_t)(end - s), e->d_name, ln);
		}
		free(text);
		free(path);
	}
	closedir(d);
	free(dir);
	for (p = ids.ptr; p && *p; p = nl + 1) {
		char *sp = strchr(p, ' ');
		nl = strchr(p, '\n');
		*sp = '\0';
		found++;
		if (!vos_ruledoc_find(p)) {
			fprintf(stderr, "# %s (%.*s) has no entry in lib/ruledoc.c\n", p, (int)(nl - sp - 1), sp + 1);
			missing++;
		}
	}
	vos_buf_release(&ids);
	assert_int_equal(missing, 0);
	assert_true(found >= 60); /* the scan found the calls (66 when written) */
}

static void test_table(void **state)
{
	size_t n, i;
	const struct vos_ruledoc *docs = vos_ruledocs(&n);
	(void)state;
	assert_true(n >= 45);
	for (i = 0; i < n; i++) {
		assert_true(id_like(docs[i].id, strlen(docs[i].id)));
		if (i)
			assert_true(strcmp(docs[i - 1].id, docs[i].id) < 0); /* sorted, unique: bsearch */
		assert_true(docs[i].summary && *docs[i].summary);
		assert_true(docs[i].why && *docs[i].why);
		assert_true(docs[i].fix && *docs[i].fix);
		assert_true(!strcmp(docs[i].severity, "error") || !strcmp(docs[i].severity, "warning") ||
		            !strcmp(docs[i].severity, "note"));
		assert_ptr_equal(vos_ruledoc_find(docs[i].id), &docs[i]);
	}
	assert_null(vos_ruledoc_find("no-such-check"));
	assert_null(vos_ruledoc_find(NULL));
}

static void test_docs_anchors(void **state)
{
	char *path = src_path("docs/rules.md"), *text = slurp(path);
	size_t n, i;
	const struct vos_ruledoc *docs = vos_ruledocs(&n);
	(void)state;
	for (i = 0; i < n; i++) {
		char *h = vos_asprintf("\n### %s\n", docs[i].id);
		struct vos_buf a = VOS_BUF_INIT;
		if (!strstr(text, h))
			fail_msg("docs/rules.md has no section '### %s' (anchor #%s)", docs[i].id, docs[i].id);
		vos_ruledoc_anchor(&a, docs[i].id);
		assert_true(vos_starts_with(a.ptr, "docs/rules.md#"));
		assert_string_equal(a.ptr + strlen("docs/rules.md#"), docs[i].id);
		vos_buf_release(&a);
		free(h);
	}
	free(text);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_emitted_id_is_explained),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_docs_anchors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
