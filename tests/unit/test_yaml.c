/* test_yaml.c - the YAML layer: tree, locations, aliases, merge keys, limits, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include "yaml.h"

struct fx {
	struct vos_ydoc doc;
	struct vos_diags diags;
	int rc;
};

static struct fx *parse(const char *text)
{
	struct fx *f = vos_calloc(1, sizeof(*f));
	vos_diags_init(&f->diags);
	f->rc = vos_yaml_parse(&f->doc, "t.yaml", 0, text, strlen(text), &f->diags);
	return f;
}

static struct fx *parse_len(const char *text, size_t len)
{
	struct fx *f = vos_calloc(1, sizeof(*f));
	vos_diags_init(&f->diags);
	f->rc = vos_yaml_parse(&f->doc, "t.yaml", 0, text, len, &f->diags);
	return f;
}

static void done(struct fx *f)
{
	vos_ydoc_release(&f->doc);
	vos_diags_release(&f->diags);
	free(f);
}

/* Asserts exactly one diagnostic with this rule at line:col, whose message contains needle. */
static void expect_one(struct fx *f, const char *rule, unsigned line, unsigned col, const char *needle)
{
	assert_int_equal(f->rc, VOS_EINPUT);
	assert_int_equal(f->diags.n, 1);
	assert_string_equal(f->diags.items[0].rule, rule);
	assert_string_equal(f->diags.items[0].file, "t.yaml");
	assert_int_equal(f->diags.items[0].line, line);
	assert_int_equal(f->diags.items[0].col, col);
	if (needle && !strstr(f->diags.items[0].message, needle))
		fail_msg("message '%s' lacks '%s'", f->diags.items[0].message, needle);
}

static void test_basic_tree(void **state)
{
	struct fx *f = parse("# comment\nname: skynet\nlist:\n  - a\n  - 'b'\nmap: {x: 1, y: [2, 3]}\n");
	struct vos_ynode *root, *list, *map, *y;
	VOS_UNUSED(state);
	assert_int_equal(f->rc, 0);
	assert_int_equal(f->diags.n, 0);
	assert_int_equal(f->doc.ndocs, 1);
	root = f->doc.docs[0];
	assert_non_null(root);
	assert_int_equal(root->kind, VOS_YNODE_MAP);
	assert_int_equal(root->n, 3);
	assert_int_equal(root->line, 2);
	assert_int_equal(root->col, 1);
	assert_string_equal(vos_ymap_get(root, "name")->u.s.str, "skynet");
	assert_int_equal(vos_ymap_get(root, "name")->line, 2);
	assert_int_equal(vos_ymap_get(root, "name")->col, 7);
	list = vos_ymap_get(root, "list");
	assert_int_equal(list->kind, VOS_YNODE_SEQ);
	assert_int_equal(list->n, 2);
	assert_int_equal(list->u.items[1]->line, 5);
	assert_int_equal(list->u.items[1]->col, 5);
	assert_int_equal(list->u.items[1]->style, VOS_YSTYLE_QUOTED);
	assert_int_equal(list->u.items[0]->style, VOS_YSTYLE_PLAIN);
	map = vos_ymap_get(root, "map");
	assert_int_equal(map->kind, VOS_YNODE_MAP);
	y = vos_ymap_get(map, "y");
	assert_int_equal(y->kind, VOS_YNODE_SEQ);
	assert_int_equal(y->n, 2);
	assert_int_equal(y->line, 6);
	assert_int_equal(y->col, 16);
	assert_null(vos_ymap_get(root, "nope"));
	assert_string_equal(vos_ynode_kind_name(root), "mapping");
	assert_string_equal(vos_ynode_kind_name(list), "list");
	done(f);
}

static void test_empty_and_multi_docs(void **state)
{
	struct fx *f = parse("# only a comment\n");
	VOS_UNUSED(state);
	assert_int_equal(f->rc, 0);
	assert_int_equal(f->doc.ndocs, 0);
	done(f);
	f = parse("---\na: 1\n---\n---\n- x\n");
	assert_int_equal(f->rc, 0);
	assert_int_equal(f->doc.ndocs, 3);
	assert_non_null(f->doc.docs[0]);
	assert_null(f->doc.docs[1]);
	assert_int_equal(f->doc.docs[2]->kind, VOS_YNODE_SEQ);
	done(f);
}

/* Empty containers before any other node (nothing on the children stack yet): an empty tree, no
 * undefined behaviour (found by the inventory fuzz target under UBSan). */
static void test_empty_containers_first(void **state)
{
	struct fx *f = parse("[[[]]]\n");
	VOS_UNUSED(state);
	assert_int_equal(f->rc, 0);
	assert_int_equal(f->doc.ndocs, 1);
	assert_int_equal(f->doc.docs[0]->kind, VOS_YNODE_SEQ);
	assert_int_equal(f->doc.docs[0]->n, 1);
	assert_int_equal(f->doc.docs[0]->u.items[0]->u.items[0]->n, 0);
	done(f);
	f = parse("{}\n");
	assert_int_equal(f->rc, 0);
	assert_int_equal(f->doc.docs[0]->kind, VOS_YNODE_MAP);
	assert_int_equal(f->doc.docs[0]->n, 0);
	done(f);
}

static void test_aliases_shared(void **state)
{
	struct fx *f = parse("base: &b {port: 80}\nother: *b\n");
	struct vos_ynode *root;
	VOS_UNUSED(state);
	assert_int_equal(f->rc, 0);
	root = f->doc.docs[0];
	assert_ptr_equal(vos_ymap_get(root, "base"), vos_ymap_get(root, "other"));
	done(f);
}

static void test_unknown_and_recursive_alias(void **state)
{
	struct fx *f = parse("a: 1\nb: *nope\n");
	VOS_UNUSED(state);
	expect_one(f, "yaml-alias", 2, 4, "unknown anchor 'nope'");
	done(f);
	f = parse("a: &x\n  b: *x\n");
	expect_one(f, "yaml-alias", 2, 6, "recursive alias 'x'");
	done(f);
}

static void test_merge_keys(void **state)
{
	struct fx *f = parse("base: &base\n  proto: tcp\n  check: http\n"
	                     "extra: &extra {path: /x, check: tcp}\n"
	                     "svc:\n  <<: [*base, *extra]\n  check: https\n  port: 1\n"
	                     "one:\n  <<: *base\n");
	struct vos_ynode *svc, *one;
	VOS_UNUSED(state);
	assert_int_equal(f->rc, 0);
	assert_int_equal(f->diags.n, 0);
	svc = vos_ymap_get(f->doc.docs[0], "svc");
	assert_int_equal(svc->n, 4); /* proto, path, check, port */
	assert_string_equal(vos_ymap_get(svc, "check")->u.s.str, "https");
	assert_string_equal(vos_ymap_get(svc, "proto")->u.s.str, "tcp");
	assert_string_equal(vos_ymap_get(svc, "path")->u.s.str, "/x");
	assert_null(vos_ymap_get(svc, "<<"));
	one = vos_ymap_get(f->doc.docs[0], "one");
	assert_int_equal(one->n, 2);
	assert_string_equal(vos_ymap_get(one, "check")->u.s.str, "http");
	done(f);
	/* first source wins among merged maps */
	f = parse("a: &a {k: 1}\nb: &b {k: 2}\nc: {<<: [*a, *b]}\n");
	assert_int_equal(f->rc, 0);
	assert_string_equal(vos_ymap_get(vos_ymap_get(f->doc.docs[0], "c"), "k")->u.s.str, "1");
	done(f);
	/* a quoted "<<" is an ordinary key */
	f = parse("c: {'<<': 1}\n");
	assert_int_equal(f->rc, 0);
	assert_non_null(vos_ymap_get(vos_ymap_get(f->doc.docs[0], "c"), "<<"));
	done(f);
	f = parse("c:\n  <<: 5\n");
	expect_one(f, "yaml-syntax", 2, 7, "merge key");
	done(f);
}

static void test_duplicate_keys(void **state)
{
	struct fx *f = parse("name: a\nport: 1\nname: b\n");
	VOS_UNUSED(state);
	expect_one(f, "yaml-duplicate-key", 3, 1, "duplicate key 'name' (first defined at line 1)");
	assert_int_equal(f->diags.items[0].rel_line, 1);
	assert_int_equal(f->diags.items[0].rel_col, 1);
	done(f);
	/* a merged key duplicating an explicit one is not an error */
	f = parse("b: &b {x: 1}\nc:\n  <<: *b\n  x: 2\n");
	assert_int_equal(f->rc, 0);
	done(f);
	/* large map (hashed duplicate check) */
	{
		struct vos_buf b = VOS_BUF_INIT;
		int i;
		for (i = 0; i < 100; i++)
			vos_buf_addf(&b, "k%d: %d\n", i, i);
		vos_buf_adds(&b, "k42: again\n");
		f = parse(b.ptr);
		expect_one(f, "yaml-duplicate-key", 101, 1, "'k42' (first defined at line 43)");
		done(f);
		vos_buf_release(&b);
	}
}

static void test_billion_laughs(void **state)
{
	struct vos_buf b = VOS_BUF_INIT;
	int i, j;
	clock_t t0 = clock();
	struct fx *f;
	VOS_UNUSED(state);
	vos_buf_adds(&b, "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (i = 1; i < 30; i++) {
		vos_buf_addf(&b, "a%d: &a%d [", i, i);
		for (j = 0; j < 10; j++)
			vos_buf_addf(&b, "%s*a%d", j ? ", " : "", i - 1);
		vos_buf_adds(&b, "]\n");
	}
	f = parse(b.ptr);
	assert_int_equal(f->rc, VOS_EINPUT);
	assert_int_equal(f->diags.n, 1);
	assert_string_equal(f->diags.items[0].rule, "yaml-alias");
	assert_int_equal(f->diags.items[0].line, 7); /* a6 is the first past 4,000,000 */
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	done(f);
	vos_buf_release(&b);
}

static void test_deep_nesting(void **state)
{
	struct vos_buf b = VOS_BUF_INIT;
	unsigned i;
	struct fx *f;
	VOS_UNUSED(state);
	for (i = 0; i < VOS_YAML_MAX_DEPTH; i++)
		vos_buf_addc(&b, '[');
	for (i = 0; i < VOS_YAML_MAX_DEPTH; i++)
		vos_buf_addc(&b, ']');
	f = parse(b.ptr);
	assert_int_equal(f->rc, 0);
	done(f);
	vos_buf_reset(&b);
	for (i = 0; i < VOS_YAML_MAX_DEPTH + 1; i++)
		vos_buf_addc(&b, '[');
	for (i = 0; i < VOS_YAML_MAX_DEPTH + 1; i++)
		vos_buf_addc(&b, ']');
	f = parse(b.ptr);
	expect_one(f, "yaml-depth", 1, VOS_YAML_MAX_DEPTH + 1, "nesting deeper than 256");
	done(f);
	/* depth reached through an alias */
	vos_buf_reset(&b);
	vos_buf_adds(&b, "a: &d ");
	for (i = 0; i < 200; i++)
		vos_buf_addc(&b, '[');
	for (i = 0; i < 200; i++)
		vos_buf_addc(&b, ']');
	vos_buf_adds(&b, "\nb: ");
	for (i = 0; i < 100; i++)
		vos_buf_addc(&b, '[');
	vos_buf_adds(&b, "*d");
	for (i = 0; i < 100; i++)
		vos_buf_addc(&b, ']');
	vos_buf_adds(&b, "\n");
	f = parse(b.ptr);
	expect_one(f, "yaml-depth", 2, 104, NULL);
	done(f);
	vos_buf_release(&b);
}

static void test_tabs(void **state)
{
	struct fx *f = parse("a:\n\tb: 1\n");
	VOS_UNUSED(state);
	expect_one(f, "yaml-syntax", 2, 1, "tab characters must not be used for indentation");
	done(f);
	f = parse("hosts:\n  - name: x\n  \t plane: y\n");
	assert_int_equal(f->rc, VOS_EINPUT);
	assert_string_equal(f->diags.items[0].message, "tab characters must not be used for indentation");
	assert_int_equal(f->diags.items[0].line, 3);
	assert_int_equal(f->diags.items[0].col, 3);
	done(f);
	/* a tab after a key is a separator, not indentation */
	f = parse("a:\tb\n");
	assert_int_equal(f->rc, 0);
	done(f);
}

static void test_utf8_and_nul(void **state)
{
	struct fx *f = parse("a: ok\nb: caf\xc3\xa9 \xff\n");
	VOS_UNUSED(state);
	expect_one(f, "utf8", 2, 9, "0xff");
	done(f);
	f = parse_len("a: 1\nbb: x\0y\n", 12);
	expect_one(f, "yaml-syntax", 2, 6, "NUL");
	done(f);
	f = parse("a: \"x\\0y\"\n");
	expect_one(f, "yaml-syntax", 1, 4, "NUL");
	done(f);
}

static void test_syntax_errors(void **state)
{
	struct fx *f = parse("a: 1\nb: [1, 2\n");
	VOS_UNUSED(state);
	assert_int_equal(f->rc, VOS_EINPUT);
	assert_int_equal(f->diags.n, 1);
	assert_string_equal(f->diags.items[0].rule, "yaml-syntax");
	assert_int_equal(f->diags.items[0].line, 3);
	assert_non_null(strstr(f->diags.items[0].message, "flow sequence"));
	done(f);
	f = parse("a: 1\n b: 2\n");
	assert_int_equal(f->rc, VOS_EINPUT);
	assert_int_equal(f->diags.items[0].line, 2);
	assert_int_equal(f->diags.items[0].col, 3);
	assert_non_null(strstr(f->diags.items[0].message, "mapping values are not allowed"));
	done(f);
	f = parse("key: value\n- item\n");
	assert_int_equal(f->rc, VOS_EINPUT);
	assert_int_equal(f->diags.items[0].line, 2);
	assert_int_equal(f->diags.items[0].col, 1);
	assert_non_null(strstr(f->diags.items[0].message, "did not find expected key while parsing a block mapping"));
	done(f);
}

static struct vos_ynode *scalar(struct vos_ynode *n, const char *s, int style)
{
	n->kind = VOS_YNODE_SCALAR;
	n->style = (unsigned char)style;
	n->u.s.str = (char *)(uintptr_t)s;
	n->u.s.len = strlen(s);
	return n;
}

/* A block cut out of a larger file: every line (nodes, diagnostics, lines named in messages) is a
 * line of the file, given the number of lines before the block. */
static void test_line_offset(void **state)
{
	static const char *bad[] = {
		"a: 1\nb: [x\n",                 /* syntax error with a context */
		"a: 1\na: 2\n",                  /* duplicate key */
		"a:\n\t- x\n",                  /* tab indentation */
		"a: *nope\n",                    /* unknown alias */
		"a: caf\xc3\n",                  /* invalid UTF-8 */
	};
	/* the line of the diagnostic and the line its message names (0: none), in the block */
	static const unsigned want[] = {3, 2, 2, 1, 1}, named[] = {2, 1, 0, 0, 0};
	struct vos_ydoc doc;
	struct vos_diags d;
	size_t i;
	VOS_UNUSED(state);
	vos_diags_init(&d);
	assert_int_equal(vos_yaml_parse(&doc, "p.md", 10, "k: v\nl:\n  - x\n", 14, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(doc.docs[0]->line, 11);
	assert_int_equal(vos_ymap_key(doc.docs[0], 1)->line, 12);
	assert_int_equal(vos_ymap_val(doc.docs[0], 1)->u.items[0]->line, 13);
	assert_int_equal(vos_ynode_loc(vos_ymap_val(doc.docs[0], 1), doc.file).line, 13);
	vos_ydoc_release(&doc);
	for (i = 0; i < VOS_ARRAY_SIZE(bad); i++) {
		assert_int_equal(vos_yaml_parse(&doc, "p.md", 10, bad[i], strlen(bad[i]), &d), VOS_EINPUT);
		assert_int_equal(d.n, 1);
		if (d.items[0].line != want[i] + 10)
			fail_msg("case %zu: line %u, wanted %u: %s", i, d.items[0].line, want[i] + 10,
			         d.items[0].message);
		if (named[i]) {
			char at[32];
			snprintf(at, sizeof(at), "line %u)", named[i] + 10);
			if (!strstr(d.items[0].message, at))
				fail_msg("case %zu: message lacks '%s': %s", i, at, d.items[0].message);
		}
		vos_ydoc_release(&doc);
		vos_diags_release(&d);
		vos_diags_init(&d);
	}
	vos_diags_release(&d);
}

static void test_scalars(void **state)
{
	struct vos_ynode n;
	long long i;
	bool bv;
	double d;
	VOS_UNUSED(state);
	memset(&n, 0, sizeof(n));
	assert_int_equal(vos_yscalar_int(scalar(&n, "42", 0), &i), 0);
	assert_int_equal(i, 42);
	assert_int_equal(vos_yscalar_int(scalar(&n, "-7", 0), &i), 0);
	assert_int_equal(i, -7);
	assert_int_equal(vos_yscalar_int(scalar(&n, "0x1F", 0), &i), 0);
	assert_int_equal(i, 31);
	assert_int_equal(vos_yscalar_int(scalar(&n, "0o17", 0), &i), 0);
	assert_int_equal(i, 15);
	assert_int_equal(vos_yscalar_int(scalar(&n, "42", 1), &i), -1);
	assert_int_equal(vos_yscalar_int(scalar(&n, "4.2", 0), &i), -1);
	assert_int_equal(vos_yscalar_int(scalar(&n, "0x", 0), &i), -1);
	assert_int_equal(vos_yscalar_int(scalar(&n, "99999999999999999999", 0), &i), -1);
	assert_int_equal(vos_yscalar_int(scalar(&n, "8100-8109", 0), &i), -1);
	assert_int_equal(vos_yscalar_bool(scalar(&n, "true", 0), &bv), 0);
	assert_true(bv);
	assert_int_equal(vos_yscalar_bool(scalar(&n, "FALSE", 0), &bv), 0);
	assert_false(bv);
	assert_int_equal(vos_yscalar_bool(scalar(&n, "yes", 0), &bv), -1);
	assert_int_equal(vos_yscalar_bool(scalar(&n, "true", 1), &bv), -1);
	assert_true(vos_yscalar_is_null(scalar(&n, "~", 0)));
	assert_true(vos_yscalar_is_null(scalar(&n, "null", 0)));
	assert_true(vos_yscalar_is_null(scalar(&n, "", 0)));
	assert_false(vos_yscalar_is_null(scalar(&n, "", 1)));
	assert_false(vos_yscalar_is_null(scalar(&n, "none", 0)));
	assert_int_equal(vos_yscalar_double(scalar(&n, "2.5", 0), &d), 0);
	assert_true(d == 2.5);
	assert_int_equal(vos_yscalar_double(scalar(&n, "1e3", 0), &d), 0);
	assert_true(d == 1000.0);
	assert_int_equal(vos_yscalar_double(scalar(&n, "3", 0), &d), 0);
	assert_true(d == 3.0);
	assert_int_equal(vos_yscalar_double(scalar(&n, "-.inf", 0), &d), 0);
	assert_true(d < -1e308);
	assert_int_equal(vos_yscalar_double(scalar(&n, ".nan", 0), &d), 0);
	assert_true(d != d);
	assert_int_equal(vos_yscalar_double(scalar(&n, "1.2.3", 0), &d), -1);
	assert_int_equal(vos_yscalar_double(scalar(&n, ".", 0), &d), -1);
	assert_string_equal(vos_ynode_kind_name(scalar(&n, "12", 0)), "number");
	assert_string_equal(vos_ynode_kind_name(scalar(&n, "12", 1)), "string");
	assert_string_equal(vos_ynode_kind_name(scalar(&n, "true", 0)), "boolean");
	assert_string_equal(vos_ynode_kind_name(scalar(&n, "~", 0)), "null");
	assert_string_equal(vos_ynode_kind_name(scalar(&n, "hello", 0)), "string");
}

static void test_str_tag(void **state)
{
	struct fx *f = parse("a: !!str 123\nb: 123\n");
	long long i;
	VOS_UNUSED(state);
	assert_int_equal(f->rc, 0);
	assert_int_equal(vos_yscalar_int(vos_ymap_get(f->doc.docs[0], "a"), &i), -1);
	assert_int_equal(vos_yscalar_int(vos_ymap_get(f->doc.docs[0], "b"), &i), 0);
	done(f);
}

/* vos_ymap_check: values by allowed key, and the three errors as each caller words them. */
static void test_ymap_check(void **state)
{
	static const char *const allowed[] = {"name", "port", NULL};
	static const struct vos_ymap_style quoted = {"config", "config", true};
	static const struct vos_ymap_style plain = {"inventory-type", "inventory-unknown-key", false};
	struct fx *f = parse("name: a\nport: 1\nzone: x\n[k]: 2\n");
	const struct vos_ynode *root, *vals[2] = {NULL, NULL};
	struct vos_diags d;
	(void)state;
	assert_int_equal(f->rc, 0);
	root = f->doc.docs[0];
	vos_diags_init(&d);
	assert_true(vos_ymap_check(root, allowed, vals, "host", &plain, "t.yaml", &d));
	assert_non_null(vals[0]);
	assert_string_equal(vals[0]->u.s.str, "a");
	assert_string_equal(vals[1]->u.s.str, "1");
	assert_int_equal(d.n, 2);
	assert_string_equal(d.items[0].rule, "inventory-unknown-key");
	assert_string_equal(d.items[0].message, "unknown key 'zone' in host (allowed: name, port)");
	assert_int_equal(d.items[0].line, 3);
	assert_string_equal(d.items[1].rule, "inventory-type");
	assert_string_equal(d.items[1].message, "keys of host must be strings, not a list");
	assert_int_equal(d.items[1].line, 4);
	vos_diags_release(&d);
	vos_diags_init(&d);
	assert_false(vos_ymap_check(vos_ymap_val(root, 0), allowed, NULL, "author", &quoted, "c.yaml", &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].rule, "config");
	assert_string_equal(d.items[0].message, "'author' must be a mapping, not a string");
	assert_string_equal(d.items[0].file, "c.yaml");
	assert_false(vos_ymap_check(NULL, allowed, NULL, "author", &quoted, "c.yaml", &d));
	assert_int_equal(d.n, 1);
	vos_diags_release(&d);
	done(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_tree),
		cmocka_unit_test(test_ymap_check),
		cmocka_unit_test(test_empty_and_multi_docs),
		cmocka_unit_test(test_empty_containers_first),
		cmocka_unit_test(test_aliases_shared),
		cmocka_unit_test(test_unknown_and_recursive_alias),
		cmocka_unit_test(test_merge_keys),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_tabs),
		cmocka_unit_test(test_utf8_and_nul),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_line_offset),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_str_tag),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
