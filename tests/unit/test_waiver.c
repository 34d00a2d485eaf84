/* test_waiver.c - waivers (lib/waiver.c: inventory and inline, matching, expiry, unused), inline
 * waiver parsing (lib/page.c), fingerprints (lib/diag.c), baselines (lib/baseline.c), dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "check.h"
#include "model.h"
#include "rules.h"
#include "waiver.h"

struct lab {
	struct vos_page page;
	struct vos_inventory inv;
	struct vos_model model;
	struct vos_diags d;
};

/* Open WebUI and LiteLLM both declare 4000 on skynet: one port-clash, about open-webui. */
static const char PAGE[] =
	"# Lab\n"
	"\n"
	"## Control Plane (skynet)\n"
	"\n"
	"| Service | IP | Purpose |\n"
	"|---------|----|---------|\n"
	"| LiteLLM | 127.0.10.1 | LLM router |\n"
	"%s"
	"| Open WebUI | 127.0.10.1 | Chat |\n";

static const char INV[] =
	"vlans:\n"
	"  - {name: servers, cidr: 127.0.10.0/24}\n"
	"hosts:\n"
	"  - {name: skynet, plane: control, address: 127.0.10.1, vlan: servers}\n"
	"services:\n"
	"  - {id: litellm, name: LiteLLM, host: skynet, class: router, ports: [{port: 4000}]}\n"
	"  - {id: open-webui, name: Open WebUI, host: skynet, class: ui, ports: [{port: 4000}]}\n"
	"%s";

static void lab_build(struct lab *l, const char *comment, const char *waivers)
{
	char *page = vos_asprintf(PAGE, comment ? comment : "");
	char *inv = vos_asprintf(INV, waivers ? waivers : "");
	memset(l, 0, sizeof(*l));
	vos_diags_init(&l->d);
	assert_int_equal(vos_page_parse(&l->page, "services.md", page, strlen(page), &l->d), 0);
	vos_inventory_init(&l->inv);
	assert_int_equal(vos_inventory_load_buffer(&l->inv, "inventory/lab.yaml", inv, strlen(inv), &l->d), 0);
	assert_int_equal(vos_inventory_finish(&l->inv, &l->d), 0);
	vos_model_build(&l->model, &l->page, &l->inv, &l->d);
	vos_check_integrity(&l->model, &l->d);
	free(page);
	free(inv);
}

static void lab_release(struct lab *l)
{
	vos_model_release(&l->model);
	vos_page_release(&l->page);
	vos_inventory_release(&l->inv);
	vos_diags_release(&l->d);
}

static const struct vos_diag *find(const struct lab *l, const char *rule)
{
	for (size_t i = 0; i < l->d.n; i++)
		if (!strcmp(l->d.items[i].rule, rule))
			return &l->d.items[i];
	return NULL;
}

static void test_dates(void **state)
{
	int ymd = 0;
	(void)state;
	assert_int_equal(vos_date_parse("2027-03-01", &ymd), 0);
	assert_int_equal(ymd, 20270301);
	assert_int_equal(vos_date_parse("2028-02-29", &ymd), 0); /* leap year */
	assert_int_equal(vos_date_parse("2027-02-29", &ymd), -1);
	assert_int_equal(vos_date_parse("2100-02-29", &ymd), -1);
	assert_int_equal(vos_date_parse("2000-02-29", &ymd), 0);
	assert_int_equal(vos_date_parse("2027-04-31", &ymd), -1);
	assert_int_equal(vos_date_parse("2027-13-01", &ymd), -1);
	assert_int_equal(vos_date_parse("2027-1-01", &ymd), -1);
	assert_int_equal(vos_date_parse("2027-01-01x", &ymd), -1);
	assert_int_equal(vos_date_parse("", &ymd), -1);
	assert_int_equal(vos_date_parse(NULL, &ymd), -1);
}

static void test_fingerprint(void **state)
{
	struct vos_diags d;
	struct vos_loc a = {"a.yaml", 3, 5}, b = {"b.md", 40, 1};
	struct vos_buf f1 = VOS_BUF_INIT, f2 = VOS_BUF_INIT, f3 = VOS_BUF_INIT;
	struct vos_diag *x, *y, *z;
	(void)state;
	vos_diags_init(&d);
	x = vos_diags_add(&d, VOS_SEV_ERROR, &a, "port-clash", "one message");
	vos_diag_set_subject(x, "dashboard", "alpha");
	vos_diag_set_ids(x, "4000/tcp", "router");
	/* elsewhere, another message, the two sides named the other way round: the same finding */
	y = vos_diags_add(&d, VOS_SEV_ERROR, &b, "port-clash", "another message");
	vos_diag_set_subject(y, "router", "alpha");
	vos_diag_set_ids(y, "4000/tcp", "dashboard");
	z = vos_diags_add(&d, VOS_SEV_ERROR, &a, "port-clash", "one message");
	vos_diag_set_subject(z, "dashboard", "alpha");
	vos_diag_set_ids(z, "4001/tcp", "router");
	vos_diag_fingerprint(&f1, &d.items[0]);
	vos_diag_fingerprint(&f2, &d.items[1]);
	vos_diag_fingerprint(&f3, &d.items[2]);
	assert_string_equal(f1.ptr, f2.ptr);
	assert_string_not_equal(f1.ptr, f3.ptr);
	assert_null(strstr(f1.ptr, "message"));
	assert_null(strstr(f1.ptr, "a.yaml"));
	vos_buf_release(&f1);
	vos_buf_release(&f2);
	vos_buf_release(&f3);
	vos_diags_release(&d);
}

static void test_inventory_waivers(void **state)
{
	static const char *const match[] = {
		"waivers:\n  - {rule: port-clash, service: open-webui, reason: r, owner: bob, expires: 2027-03-01}\n",
		"waivers:\n  - {rule: port-clash, host: SKYNET, reason: r, expires: 2027-03-01}\n",
		"waivers:\n  - {rule: port-clash, select: {classes: [ui]}, reason: r, expires: 2027-03-01}\n",
	};
	static const char *const nomatch[] = {
		"waivers:\n  - {rule: port-clash, service: litellm, reason: r, expires: 2027-03-01}\n",
		"waivers:\n  - {rule: depends-cycle, service: open-webui, reason: r, expires: 2027-03-01}\n",
		"waivers:\n  - {rule: port-clash, select: {classes: [database]}, reason: r, expires: 2027-03-01}\n",
	};
	struct lab l;
	const struct vos_diag *x;
	size_t i;
	(void)state;
	for (i = 0; i < VOS_ARRAY_SIZE(match); i++) {
		lab_build(&l, NULL, match[i]);
		assert_int_equal(l.d.errors, 1);
		vos_waivers_apply(&l.model, 20270101, &l.d);
		assert_int_equal(l.d.errors, 0);
		assert_int_equal(l.d.warnings, 0);
		assert_int_equal(l.d.waived, 1);
		x = find(&l, "port-clash");
		assert_non_null(x);
		assert_non_null(x->waiver);
		assert_false(vos_diag_counts(x));
		assert_string_equal(x->waiver->reason, "r");
		assert_string_equal(x->waiver->expires, "2027-03-01");
		assert_false(x->waiver->in_page);
		assert_string_equal(x->waiver->file, "inventory/lab.yaml");
		assert_int_equal(x->waiver->line, 9);
		if (i == 0)
			assert_string_equal(x->waiver->owner, "bob");
		lab_release(&l);
	}
	for (i = 0; i < VOS_ARRAY_SIZE(nomatch); i++) {
		lab_build(&l, NULL, nomatch[i]);
		vos_waivers_apply(&l.model, 20270101, &l.d);
		assert_int_equal(l.d.errors, 1);
		assert_int_equal(l.d.warnings, 1);
		assert_null(find(&l, "port-clash")->waiver);
		x = find(&l, "waiver-unused");
		assert_non_null(x);
		assert_int_equal(x->line, 9);
		lab_release(&l);
	}
	/* the last day still waives; the day after, the waiver is an error and waives nothing */
	lab_build(&l, NULL, match[0]);
	vos_waivers_apply(&l.model, 20270301, &l.d);
	assert_int_equal(l.d.waived, 1);
	lab_release(&l);
	lab_build(&l, NULL, match[0]);
	vos_waivers_apply(&l.model, 20270302, &l.d);
	assert_int_equal(l.d.waived, 0);
	assert_int_equal(l.d.errors, 2);
	x = find(&l, "waiver-expired");
	assert_non_null(x);
	assert_string_equal(x->file, "inventory/lab.yaml");
	assert_int_equal(x->line, 9);
	assert_null(find(&l, "waiver-unused"));
	lab_release(&l);
}

static void test_inventory_waiver_errors(void **state)
{
	static const char *const bad[] = {
		"waivers:\n  - {rule: port-clash, service: open-webui, expires: 2027-03-01}\n",            /* no reason */
		"waivers:\n  - {rule: port-clash, service: open-webui, reason: r, expires: 2027-3-1}\n",   /* bad date */
		"waivers:\n  - {rule: port-clash, service: open-webui, reason: r}\n",                      /* no expiry */
		"waivers:\n  - {rule: port-clash, reason: r, expires: 2027-03-01}\n",                      /* no target */
		"waivers:\n  - {rule: port-clash, service: a, host: b, reason: r, expires: 2027-03-01}\n", /* two */
		"waivers:\n  - {rule: port-clash, service: a, reason: r, expires: 2027-03-01, until: x}\n",
	};
	size_t i;
	(void)state;
	for (i = 0; i < VOS_ARRAY_SIZE(bad); i++) {
		struct vos_inventory inv;
		struct vos_diags d;
		char *text = vos_asprintf(INV, bad[i]);
		vos_diags_init(&d);
		vos_inventory_init(&inv);
		assert_int_equal(vos_inventory_load_buffer(&inv, "inv.yaml", text, strlen(text), &d), VOS_EINPUT);
		assert_true(d.errors >= 1);
		assert_int_equal(d.items[0].line, 9); /* located in the waiver */
		vos_inventory_release(&inv);
		vos_diags_release(&d);
		free(text);
	}
}

static void test_inline_waivers(void **state)
{
	struct lab l;
	const struct vos_diag *x;
	(void)state;
	/* a comment row: not a service row; it names the row after it */
	lab_build(&l, "| <!-- vosctl: allow port-clash until 2027-06-30: moving it --> |\n", NULL);
	assert_int_equal(l.page.nrows, 2);
	assert_string_equal(l.page.rows[1].service, "Open WebUI");
	assert_int_equal(l.page.nwaivers, 1);
	assert_string_equal(l.page.waivers[0].rule, "port-clash");
	assert_string_equal(l.page.waivers[0].until, "2027-06-30");
	assert_string_equal(l.page.waivers[0].reason, "moving it");
	assert_int_equal(l.page.waivers[0].row, 1);
	assert_int_equal(l.page.waivers[0].loc.line, 8);
	vos_waivers_apply(&l.model, 20270101, &l.d);
	assert_int_equal(l.d.errors, 0);
	x = find(&l, "port-clash");
	assert_non_null(x->waiver);
	assert_true(x->waiver->in_page);
	assert_int_equal(x->waiver->line, 8);
	lab_release(&l);
	/* a comment inside a cell of the row itself; not part of the cell's text */
	{
		static const char page[] =
			"## Control Plane (skynet)\n\n| Service | IP |\n|---|---|\n"
			"| Open WebUI <!-- vosctl: allow port-clash until 2027-06-30: in the row --> | 127.0.10.1 |\n";
		struct vos_page p;
		struct vos_diags d;
		vos_diags_init(&d);
		assert_int_equal(vos_page_parse(&p, "s.md", page, strlen(page), &d), 0);
		assert_int_equal(p.nrows, 1);
		assert_string_equal(p.rows[0].service, "Open WebUI");
		assert_int_equal(p.nwaivers, 1);
		assert_int_equal(p.waivers[0].row, 0);
		assert_string_equal(p.waivers[0].reason, "in the row");
		vos_page_release(&p);
		vos_diags_release(&d);
	}
	/* malformed ones are located warnings and make no waiver */
	{
		static const char *const bad[] = {
			"| <!-- vosctl: allow port-clash until 2027-06-31: bad day --> |\n",
			"| <!-- vosctl: allow port-clash until 2027-06-30: --> |\n",
			"| <!-- vosctl: allow port-clash 2027-06-30: no until --> |\n",
			"| <!-- vosctl: deny port-clash until 2027-06-30: what --> |\n",
		};
		for (size_t i = 0; i < VOS_ARRAY_SIZE(bad); i++) {
			lab_build(&l, bad[i], NULL);
			assert_int_equal(l.page.nwaivers, 0);
			assert_int_equal(l.page.nrows, 2);
			x = find(&l, "waiver-malformed");
			assert_non_null(x);
			assert_int_equal(x->severity, VOS_SEV_WARNING);
			assert_int_equal(x->line, 8);
			lab_release(&l);
		}
	}
	/* a comment row as the table's last row: unused */
	{
		static const char page[] =
			"## Control Plane (skynet)\n\n| Service | IP |\n|---|---|\n| LiteLLM | 127.0.10.1 |\n"
			"| <!-- vosctl: allow port-clash until 2027-06-30: nothing after --> |\n";
		struct vos_page p;
		struct vos_diags d;
		vos_diags_init(&d);
		assert_int_equal(vos_page_parse(&p, "s.md", page, strlen(page), &d), 0);
		assert_int_equal(p.nwaivers, 1);
		assert_int_equal(p.waivers[0].row, VOS_PAGE_NO_ROW);
		assert_int_equal(p.tables[0].last_line, 6);
		vos_page_release(&p);
		vos_diags_release(&d);
	}
}

static void test_baseline(void **state)
{
	struct lab l;
	struct vos_baseline b;
	struct vos_diags bd;
	char *text, *again;
	size_t len;
	(void)state;
	lab_build(&l, NULL, NULL);
	text = vos_baseline_text(&l.d, &len);
	assert_non_null(strstr(text, "\"port-clash\""));
	assert_null(strstr(text, "\"line\""));
	vos_diags_init(&bd);
	assert_int_equal(vos_baseline_parse(&b, "base.json", text, len, &bd), 0);
	assert_int_equal(b.n, 1);
	assert_int_equal(vos_baseline_apply(&b, &l.d), 0);
	assert_int_equal(l.d.errors, 0);
	assert_int_equal(l.d.unchanged, 1);
	assert_int_equal(find(&l, "port-clash")->baseline, VOS_BASELINE_UNCHANGED);
	/* the baseline of a run with a known finding is the same text */
	again = vos_baseline_text(&l.d, NULL);
	assert_string_equal(text, again);
	free(again);
	vos_baseline_release(&b);
	lab_release(&l);

	/* a lab without the clash: the entry is fixed (a note), nothing fails */
	{
		struct vos_diags d;
		vos_diags_init(&d);
		assert_int_equal(vos_baseline_parse(&b, "base.json", text, len, &bd), 0);
		assert_int_equal(vos_baseline_apply(&b, &d), 0);
		assert_int_equal(d.n, 1);
		assert_int_equal(d.fixed, 1);
		assert_int_equal(d.errors, 0);
		assert_int_equal(d.items[0].severity, VOS_SEV_NOTE);
		assert_int_equal(d.items[0].baseline, VOS_BASELINE_ABSENT);
		assert_string_equal(d.items[0].port, "4000/tcp");
		vos_baseline_release(&b);
		vos_diags_release(&d);
	}
	/* an empty baseline: the finding is new */
	lab_build(&l, NULL, NULL);
	{
		static const char empty[] = "{\"version\": 1, \"findings\": []}";
		assert_int_equal(vos_baseline_parse(&b, "base.json", empty, strlen(empty), &bd), 0);
	}
	assert_int_equal(vos_baseline_apply(&b, &l.d), 1);
	assert_int_equal(l.d.errors, 1);
	assert_int_equal(find(&l, "port-clash")->baseline, VOS_BASELINE_NEW);
	vos_baseline_release(&b);
	lab_release(&l);
	/* not a baseline: located errors */
	assert_int_equal(vos_baseline_parse(&b, "base.json", "{\"findings\": []}", 16, &bd), VOS_EINPUT);
	vos_baseline_release(&b);
	assert_int_equal(vos_baseline_parse(&b, "base.json", "[1,", 3, &bd), VOS_EINPUT);
	vos_baseline_release(&b);
	assert_int_equal(bd.errors, 2);
	assert_string_equal(bd.items[1].rule, "baseline");
	assert_int_equal(bd.items[1].line, 1);
	vos_diags_release(&bd);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_inventory_waivers),
		cmocka_unit_test(test_inventory_waiver_errors),
		cmocka_unit_test(test_inline_waivers),
		cmocka_unit_test(test_baseline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
