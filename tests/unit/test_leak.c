/* test_leak.c - render.redact (lib/leak.c): the inventory's addresses in every spelling, home
 * directories, secret locations and values written as placeholders; the page-leak tripwire located
 * at line:col, never showing the value; credential shapes; what must not be found; the Wiki.js
 * front matter scalar read back by our YAML parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "inventory.h"
#include "leak.h"
#include "page_edit.h"
#include "yaml.h"

static const char inv_yaml[] =
	"vlans:\n"
	"  - {name: servers, cidr: 192.0.2.0/24}\n"
	"  - {name: v6, cidr: '2001:db8:10::/64'}\n"
	"hosts:\n"
	"  - {name: skynet, address: 192.0.2.10, vlan: servers}\n"
	"  - {name: watson, address: '2001:db8:10::7', vlan: v6}\n"
	"  - {name: nas, address: nas.lan.example}\n"
	"services:\n"
	"  - id: web\n    name: Web\n    class: ui\n"
	"    host: skynet\n"
	"    address: 192.0.2.11\n"
	"    ports: [{port: 80, address: '2001:db8:10:0:0:0:0:99'}]\n"
	"    secrets: [/etc/web/secret.env]\n";

struct fx {
	struct vos_config cfg;
	struct vos_inventory inv;
	struct vos_redact rd;
	struct vos_diags d;
};

static void fx_setup(struct fx *f, const char *redact)
{
	char *conf = vos_asprintf("render:\n  redact: %s\nsecrets: [TEST_LEAK_SECRET]\n", redact);
	vos_diags_init(&f->d);
	assert_int_equal(vos_config_parse(&f->cfg, "vosctl.yaml", ".", conf, strlen(conf), &f->d), 0);
	free(conf);
	vos_inventory_init(&f->inv);
	vos_inventory_load_buffer(&f->inv, "inv.yaml", inv_yaml, strlen(inv_yaml), &f->d);
	vos_inventory_finish(&f->inv, &f->d);
	for (size_t i = 0; i < f->d.n; i++)
		fprintf(stderr, "# %u:%u %s\n", f->d.items[i].line, f->d.items[i].col, f->d.items[i].message);
	assert_int_equal(f->d.errors, 0);
	setenv("TEST_LEAK_SECRET", "s3cr3t-value-42", 1);
	setenv("VOSCTL_TOKEN", "tok-9f8e7d6c5b", 1);
	vos_redact_build(&f->rd, &f->cfg, &f->inv);
}

static void fx_release(struct fx *f)
{
	vos_redact_release(&f->rd);
	vos_inventory_release(&f->inv);
	vos_config_release(&f->cfg);
	vos_diags_release(&f->d);
	unsetenv("TEST_LEAK_SECRET");
	unsetenv("VOSCTL_TOKEN");
}

static char *apply(const struct vos_redact *rd, const char *text)
{
	struct vos_buf b = VOS_BUF_INIT;
	vos_redact_apply(&b, rd, text, strlen(text));
	return b.ptr ? vos_buf_detach(&b, NULL) : vos_strdup("");
}

static void expect_apply(const struct vos_redact *rd, const char *in, const char *want)
{
	char *got = apply(rd, in);
	if (strcmp(got, want))
		fail_msg("redacting '%s' gave '%s', expected '%s'", in, got, want);
	free(got);
}

static void test_addresses_every_spelling(void **state)
{
	struct fx f;
	(void)state;
	fx_setup(&f, "[addresses]");
	expect_apply(&f.rd, "at 192.0.2.10.", "at <LAN_IP>.");
	expect_apply(&f.rd, "| 192.0.2.11 |", "| <LAN_IP> |");
	expect_apply(&f.rd, "http://192.0.2.10:8080/x", "http://<LAN_IP>:8080/x");
	expect_apply(&f.rd, "net 192.0.2.0/24", "net <LAN_IP>/24");
	/* IPv6: compressed, expanded, upper case, zero-padded, in brackets, IPv4-mapped */
	expect_apply(&f.rd, "2001:db8:10::7", "<LAN_IP>");
	expect_apply(&f.rd, "2001:0DB8:0010:0000:0000:0000:0000:0007", "<LAN_IP>");
	expect_apply(&f.rd, "[2001:db8:10::99]:80", "[<LAN_IP>]:80");
	expect_apply(&f.rd, "::ffff:192.0.2.10", "<LAN_IP>");
	expect_apply(&f.rd, "`nas.lan.example`", "`<LAN_IP>`");
	/* not the inventory's, or not an address at all: unchanged */
	expect_apply(&f.rd, "192.0.2.12 2001:db8:10::8 192.0.2.100", "192.0.2.12 2001:db8:10::8 192.0.2.100");
	expect_apply(&f.rd, "v0.29.0 2026-11-23T18:30:00.000Z dead:beef", "v0.29.0 2026-11-23T18:30:00.000Z dead:beef");
	expect_apply(&f.rd, "x192.0.2.10 192.0.2.10x", "x192.0.2.10 192.0.2.10x");
	expect_apply(&f.rd, "mynas.lan.example nas.lan.examples", "mynas.lan.example nas.lan.examples");
	expect_apply(&f.rd, "<LAN_IP> skynet", "<LAN_IP> skynet");
	/* paths are not redacted without `paths` */
	expect_apply(&f.rd, "/home/bob/x", "/home/bob/x");
	fx_release(&f);
}

static void test_paths_and_secrets(void **state)
{
	struct fx f;
	(void)state;
	fx_setup(&f, "[paths, secrets]");
	expect_apply(&f.rd, "`/home/bob/.config/x` /Users/alice ~/bin ~carol/src", "`<HOME_DIR>/.config/x` <HOME_DIR> <HOME_DIR>/bin <HOME_DIR>/src");
	expect_apply(&f.rd, "/srv/home/bob a~/b", "/srv/home/bob a~/b");
	expect_apply(&f.rd, "`/etc/web/secret.env` (secret)", "`<SECRET_PATH>` (secret)");
	expect_apply(&f.rd, "key=s3cr3t-value-42;", "key=<REDACTED_SECRET>;");
	expect_apply(&f.rd, "t tok-9f8e7d6c5b", "t <REDACTED_SECRET>");
	/* addresses are not, without `addresses` */
	expect_apply(&f.rd, "192.0.2.10", "192.0.2.10");
	fx_release(&f);
}

static void test_token_always(void **state)
{
	struct fx f;
	(void)state;
	fx_setup(&f, "[]");
	/* the publish token is redacted and found without render.redact; TEST_LEAK_SECRET is not */
	expect_apply(&f.rd, "tok-9f8e7d6c5b s3cr3t-value-42", "<REDACTED_SECRET> s3cr3t-value-42");
	fx_release(&f);
}

static void test_scan_located_never_the_value(void **state)
{
	struct fx f;
	const char *page =
		"---\ntitle: x\n---\n"                                                   /* 1-3 */
		"| a | 192.0.2.10 |\n"                                                  /* 4: col 7 */
		"ok <LAN_IP> line\r\n"                                                  /* 5 */
		"token ghp_0123456789abcdefghijABCDEFGHIJklmn here\n"                   /* 6: col 7 */
		"clone https://bob:hunter2x@git.example.lan/wiki.git\n"                 /* 7: col 12 */
		"-----BEGIN RSA PRIVATE KEY-----\n"                                     /* 8: col 1 */
		"aws AKIAABCDEFGHIJKLMNOP, gitlab glpat-abcdefghij0123456789, slack xoxb-1234567890-abc\n" /* 9 */
		"secret s3cr3t-value-42 and `/etc/web/secret.env` at /home/bob\n";      /* 10 */
	size_t i, n;
	(void)state;
	fx_setup(&f, "[addresses, paths, secrets]");
	n = vos_leak_scan(&f.rd, "p.md", page, strlen(page), &f.d);
	for (i = 0; i < f.d.n; i++)
		fprintf(stderr, "# %u:%u %s\n", f.d.items[i].line, f.d.items[i].col, f.d.items[i].message);
	assert_int_equal(n, 10);
	assert_int_equal(f.d.errors, 10);
	{
		static const unsigned want[][2] = {{4, 7}, {6, 7}, {7, 12}, {8, 1}, {9, 5}, {9, 34}, {9, 68},
		                                   {10, 8}, {10, 29}, {10, 53}};
		for (i = 0; i < n; i++) {
			assert_string_equal(f.d.items[i].rule, "page-leak");
			assert_string_equal(f.d.items[i].file, "p.md");
			if (f.d.items[i].line != want[i][0] || f.d.items[i].col != want[i][1])
				fail_msg("finding %zu at %u:%u, expected %u:%u", i, f.d.items[i].line, f.d.items[i].col,
				         want[i][0], want[i][1]);
			/* no finding shows a value */
			assert_null(strstr(f.d.items[i].message, "192.0.2"));
			assert_null(strstr(f.d.items[i].message, "0123456789"));
			assert_null(strstr(f.d.items[i].message, "hunter2x"));
			assert_null(strstr(f.d.items[i].message, "s3cr3t"));
			assert_null(strstr(f.d.items[i].message, "bob"));
		}
	}
	assert_non_null(strstr(f.d.items[1].message, "a GitHub token ('ghp_...')"));
	assert_non_null(strstr(f.d.items[7].message, "the value of $TEST_LEAK_SECRET"));
	fx_release(&f);
}

static void test_scan_clean(void **state)
{
	struct fx f;
	const char *page =
		"| Haystack | <LAN_IP> | RAG |\n"
		"https://git.example.lan/wiki.git https://user@host/x https://u:<TOKEN>@h/ https://u:${TOKEN}@h/\n"
		"ghp_short AKIAshort xoxb-1 midwordghp_0123456789abcdefghijABCD\n"
		"-----BEGIN PUBLIC KEY----- -----BEGIN CERTIFICATE-----\n"
		"date: 2026-11-23T18:30:00.000Z version 0.29.0.gfm.6 192.0.2.200 /home\n";
	(void)state;
	fx_setup(&f, "[addresses, paths, secrets]");
	vos_leak_scan(&f.rd, "p.md", page, strlen(page), &f.d);
	for (size_t i = 0; i < f.d.n; i++)
		fprintf(stderr, "# %u:%u %s\n", f.d.items[i].line, f.d.items[i].col, f.d.items[i].message);
	assert_int_equal(f.d.n, 0);
	/* no set at all: credential shapes only */
	{
		const char *t = "192.0.2.10 /home/bob ghp_0123456789abcdefghijABCD";
		assert_int_equal(vos_leak_scan(NULL, "p.md", t, strlen(t), &f.d), 1);
	}
	fx_release(&f);
}

/* a value the front matter writer quotes must read back as itself through our YAML parser */
static void test_frontmatter_scalar(void **state)
{
	static const char *const values[] = {
		"Services: skynet", "Service Inventory", "#1 page", "a # comment?", "'quoted'", "\"double\"",
		"It's here", "true", "2026", "- dash", " lead", "trail:", "vos, services, inventory", "",
		"[list]", "{map}", "a: b: c", "@at", "% pct", "null",
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct vos_buf b = VOS_BUF_INIT;
		struct vos_ydoc doc;
		struct vos_diags d;
		const struct vos_ynode *v;
		char *back;
		vos_diags_init(&d);
		vos_buf_adds(&b, "title: ");
		vos_edit_frontmatter_scalar(&b, values[i]);
		vos_buf_adds(&b, "\n");
		assert_int_equal(vos_yaml_parse(&doc, "fm", 0, b.ptr, b.len, &d), 0);
		assert_int_equal(d.errors, 0);
		v = vos_ymap_get(doc.docs[0], "title");
		assert_non_null(v);
		assert_int_equal(v->kind, VOS_YNODE_SCALAR);
		if (strcmp(v->u.s.str, values[i]))
			fail_msg("'%s' was written %s and read back as '%s'", values[i], b.ptr, v->u.s.str);
		/* and our own front matter reader gives it back too */
		{
			char *page = vos_asprintf("---\n%s---\n", b.ptr);
			back = vos_edit_frontmatter_value(page, strlen(page), "title");
			assert_non_null(back);
			assert_string_equal(back, values[i]);
			free(back);
			free(page);
		}
		vos_ydoc_release(&doc);
		vos_diags_release(&d);
		vos_buf_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses_every_spelling),
		cmocka_unit_test(test_paths_and_secrets),
		cmocka_unit_test(test_token_always),
		cmocka_unit_test(test_scan_located_never_the_value),
		cmocka_unit_test(test_scan_clean),
		cmocka_unit_test(test_frontmatter_scalar),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
