/* test_render.c - the reconciled services page, generated pages, unified diff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git.h"
#include "probe.h"
#include "render.h"
#include "render_plan.h"

#define NOW "2026-11-23T18:30:00.000Z"
#define LATER "2026-11-24T08:00:00.000Z"

struct lab {
	struct vos_page page;
	struct vos_inventory inv;
	struct vos_model model;
	struct vos_diags d;
};

static void dump(const struct vos_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "# %s:%u:%u: %s [%s] %s\n", d->items[i].file ? d->items[i].file : "-",
		        d->items[i].line, d->items[i].col, vos_severity_name(d->items[i].severity),
		        d->items[i].rule, d->items[i].message);
}

static void lab_build(struct lab *l, const char *page, size_t len, const char *inv)
{
	memset(l, 0, sizeof(*l));
	vos_diags_init(&l->d);
	if (vos_page_parse(&l->page, "services.md", page, len, &l->d) != 0) {
		dump(&l->d);
		fail_msg("page did not parse");
	}
	vos_inventory_init(&l->inv);
	if (inv && vos_inventory_load_buffer(&l->inv, "inventory/lab.yaml", inv, strlen(inv), &l->d) != 0) {
		dump(&l->d);
		fail_msg("inventory did not load");
	}
	if (vos_inventory_finish(&l->inv, &l->d) != 0) {
		dump(&l->d);
		fail_msg("inventory did not finish");
	}
	vos_model_build(&l->model, &l->page, &l->inv, &l->d);
}

static void lab_release(struct lab *l)
{
	vos_model_release(&l->model);
	vos_page_release(&l->page);
	vos_inventory_release(&l->inv);
	vos_diags_release(&l->d);
}

static char *slurp(const char *path, size_t *len)
{
	char *s = NULL;
	struct vos_err err = VOS_ERR_INIT;
	if (vos_file_read(&s, len, path, VOS_MAX_PAGE_BYTES, &err) != 0) {
		fprintf(stderr, "# %s\n", err.msg ? err.msg : path);
		vos_err_clear(&err);
		return NULL;
	}
	return s;
}

static char *render(struct lab *l, bool *changed, size_t *len, struct vos_render_stats *st, bool prune)
{
	char *out = NULL;
	struct vos_render_opts o = {prune};
	vos_render_services_ex(&out, len, changed, st, &l->page, &l->model, NOW, &o);
	assert_non_null(out);
	assert_int_equal(strlen(out), *len);
	return out;
}

/* The rows of two pages are the same placements. */
static void assert_same_rows(const struct vos_page *a, const struct vos_page *b)
{
	assert_int_equal(a->nrows, b->nrows);
	assert_int_equal(a->ntables, b->ntables);
	for (size_t i = 0; i < a->nrows; i++) {
		assert_string_equal(a->rows[i].service, b->rows[i].service);
		assert_string_equal(a->rows[i].address, b->rows[i].address);
		assert_string_equal(a->rows[i].purpose, b->rows[i].purpose);
		assert_int_equal(a->rows[i].ncells, b->rows[i].ncells);
		assert_int_equal(a->rows[i].host, b->rows[i].host);
	}
}

/* render(render(page)) == render(page), and parsing the output gives the same rows. */
static void check_idempotent(struct lab *l, const char *out, size_t len, const char *inv_yaml,
                             const char *inv_dir)
{
	struct lab l2;
	char *out2;
	size_t len2;
	bool changed;
	memset(&l2, 0, sizeof(l2));
	vos_diags_init(&l2.d);
	assert_int_equal(vos_page_parse(&l2.page, "services.md", out, len, &l2.d), 0);
	vos_inventory_init(&l2.inv);
	if (inv_dir)
		assert_int_equal(vos_inventory_load(&l2.inv, inv_dir, &l2.d), 0);
	else {
		if (inv_yaml)
			assert_int_equal(vos_inventory_load_buffer(&l2.inv, "inventory/lab.yaml", inv_yaml,
			                                           strlen(inv_yaml), &l2.d), 0);
		assert_int_equal(vos_inventory_finish(&l2.inv, &l2.d), 0);
	}
	vos_model_build(&l2.model, &l2.page, &l2.inv, &l2.d);
	vos_render_services(&out2, &len2, &changed, &l2.page, &l2.model, LATER);
	assert_false(changed);
	assert_int_equal(len2, len);
	assert_memory_equal(out2, out, len);
	assert_int_equal(l2.model.nservices, l->model.nservices);
	free(out2);
	lab_release(&l2);
}

/* Every line that is not a table row nor the date line, in order. */
static char *non_table(const char *s)
{
	struct vos_buf b = VOS_BUF_INIT;
	const char *e;
	for (; *s; s = e + 1) {
		e = strchr(s, '\n');
		if (!e)
			e = s + strlen(s);
		if (*s != '|' && strncmp(s, "date:", 5))
			vos_buf_add(&b, s, (size_t)(e - s + (*e ? 1 : 0)));
		if (!*e)
			break;
	}
	return vos_buf_detach(&b, NULL);
}

static void test_seed000(void **state)
{
	struct lab l;
	size_t len, olen;
	bool changed;
	struct vos_render_stats st;
	char *page = slurp("tests/fixtures/render/seed000.md", &len), *out, *a, *b;
	(void)state;
	assert_non_null(page);
	lab_build(&l, page, len, NULL);
	out = render(&l, &changed, &olen, &st, false);
	/* the tables were not canonical: realigned, so the date moves */
	assert_true(changed);
	assert_int_equal(st.tables, 7);
	assert_int_equal(st.addresses + st.added + st.removed, 0);
	assert_non_null(strstr(out, "\ndate: " NOW "\n"));
	assert_non_null(strstr(out, "\ndateCreated: 2025-12-29T12:30:00.000Z\n"));
	assert_non_null(strstr(out,
		"| Service    | IP       | Purpose           |\n"
		"|------------|----------|-------------------|\n"
		"| Open WebUI | <LAN_IP> | Chat interface    |\n"
		"| LiteLLM    | <LAN_IP> | LLM router/proxy  |\n"
		"| Haystack   | <LAN_IP> | RAG pipeline      |\n"
		"| SearxNG    | <LAN_IP> | Search aggregator |\n"
		"\n## Data Plane\n"));
	/* front matter (bar date), headings, prose, rules, links: byte for byte */
	a = non_table(page);
	b = non_table(out);
	assert_string_equal(a, b);
	check_idempotent(&l, out, olen, NULL, NULL);
	/* parsing what render wrote gives the same rows */
	{
		struct vos_page p2;
		struct vos_diags d;
		vos_diags_init(&d);
		assert_int_equal(vos_page_parse(&p2, "out.md", out, olen, &d), 0);
		assert_same_rows(&l.page, &p2);
		assert_int_equal(p2.nrules, l.page.nrules);
		assert_int_equal(p2.nlinks, l.page.nlinks);
		vos_page_release(&p2);
		vos_diags_release(&d);
	}
	free(a);
	free(b);
	free(out);
	free(page);
	lab_release(&l);
}

static const char PAGE[] =
	"---\n"
	"title: Lab\n"
	"date: 2025-01-01T00:00:00.000Z\n"
	"dateCreated: 2025-01-01T00:00:00.000Z\n"
	"---\n"
	"\n"
	"# Lab\n"
	"\n"
	"## Control Plane (skynet)\n"
	"\n"
	"| Service    | IP         | Purpose    |\n"
	"|------------|------------|------------|\n"
	"| LiteLLM    | 10.0.0.9   | LLM router |\n"
	"| Open WebUI | <LAN_IP>   | Chat       |\n"
	"| Ghost      | 127.0.10.1 | Gone       |\n"
	"\n"
	"Prose after the table.\n";

static const char INV[] =
	"hosts:\n"
	"  - {name: skynet, plane: control, address: 127.0.10.1}\n"
	"  - {name: watson, plane: compute, address: 127.0.10.3}\n"
	"services:\n"
	"  - id: litellm\n"
	"    name: LiteLLM\n"
	"    host: skynet\n"
	"    class: router\n"
	"    purpose: LLM router\n"
	"    ports: [{port: 4000, check: http, path: /health}]\n"
	"    launch: {kind: systemd, unit: /etc/systemd/system/litellm.service, scope: system,\n"
	"             restart: always, restart_sec: 2, exec: /usr/bin/litellm --port 4000}\n"
	"    logs: [journald]\n"
	"    config: [/etc/litellm/router.yaml]\n"
	"    depends_on: [vllm]\n"
	"  - id: open-webui\n"
	"    name: Open WebUI\n"
	"    host: skynet\n"
	"    class: ui\n"
	"    purpose: Chat\n"
	"    data: [/var/lib/open-webui]\n"
	"    secrets: [/etc/open-webui/secret_key]\n"
	"  - id: searxng\n"
	"    name: SearxNG\n"
	"    host: skynet\n"
	"    class: search\n"
	"    purpose: Search aggregator\n"
	"  - id: vllm\n"
	"    name: vLLM\n"
	"    host: watson\n"
	"    class: inference\n"
	"    purpose: LLM inference\n";

static void test_reconcile(void **state)
{
	struct lab l;
	size_t len;
	bool changed;
	struct vos_render_stats st;
	char *out;
	(void)state;
	lab_build(&l, PAGE, strlen(PAGE), INV);
	out = render(&l, &changed, &len, &st, false);
	assert_true(changed);
	/* the real address follows the inventory; the placeholder stays; Ghost stays (no --prune);
	 * SearxNG is added at the end of skynet's table; vLLM's host has no table: left out */
	assert_non_null(strstr(out,
		"| Service    | IP         | Purpose           |\n"
		"|------------|------------|-------------------|\n"
		"| LiteLLM    | 127.0.10.1 | LLM router        |\n"
		"| Open WebUI | <LAN_IP>   | Chat              |\n"
		"| Ghost      | 127.0.10.1 | Gone              |\n"
		"| SearxNG    | 127.0.10.1 | Search aggregator |\n"
		"\nProse after the table.\n"));
	assert_int_equal(st.addresses, 1);
	assert_int_equal(st.added, 1);
	assert_int_equal(st.removed, 0);
	assert_int_equal(st.unplaced, 1);
	assert_non_null(strstr(out, "date: " NOW "\n"));
	assert_non_null(strstr(out, "dateCreated: 2025-01-01T00:00:00.000Z\n"));
	check_idempotent(&l, out, len, INV, NULL);
	/* the inventory page from this model equals the one from the reconciled page's model */
	{
		struct lab l2;
		char *i1, *i2;
		size_t n1, n2;
		bool c1, c2;
		lab_build(&l2, out, len, INV);
		assert_int_equal(vos_render_inventory_page(&i1, &n1, &c1, &l.model, NULL, 0, NOW), 0);
		assert_int_equal(vos_render_inventory_page(&i2, &n2, &c2, &l2.model, NULL, 0, NOW), 0);
		assert_string_equal(i1, i2);
		free(i1);
		free(i2);
		lab_release(&l2);
	}
	free(out);

	/* --prune removes the row no inventory entry describes */
	out = render(&l, &changed, &len, &st, true);
	assert_int_equal(st.removed, 1);
	assert_null(strstr(out, "Ghost"));
	assert_non_null(strstr(out, "| SearxNG    | 127.0.10.1 | Search aggregator |\n\nProse"));
	free(out);
	lab_release(&l);
}

/* The render plan: the generated pages describe the reconciled page (a pruned row is gone from the
 * inventory page too, though the model render started from still lists it); on a page render leaves
 * as it is, the plan borrows the caller's model and nothing changes. */
static void test_plan(void **state)
{
	struct lab l, l2;
	struct vos_render_plan plan;
	struct vos_render_inputs in;
	struct vos_render_opts o = {true};
	struct vos_diags d;
	const struct vos_render_item *sp, *ip;
	char *pre, *svc, *inv;
	size_t npre, nsvc, ninv, i;
	bool ch;
	(void)state;
	lab_build(&l, PAGE, strlen(PAGE), INV);
	vos_diags_init(&d);
	memset(&in, 0, sizeof(in));
	in.services.path = "services.md";
	in.services.old = l.page.text;
	in.services.old_len = l.page.len;
	in.inventory.path = "inventory.md";
	vos_render_plan_make(&plan, &l.page, &l.model, &in, &o, NOW, &d);
	assert_int_equal(plan.n, 2);
	sp = vos_render_plan_item(&plan, VOS_RENDER_SERVICES);
	ip = vos_render_plan_item(&plan, VOS_RENDER_INVENTORY);
	assert_non_null(sp);
	assert_non_null(ip);
	assert_null(vos_render_plan_item(&plan, VOS_RENDER_STATUS));
	assert_true(sp->changed && ip->changed);
	assert_null(ip->old);
	assert_int_equal(sp->stats.removed, 1);
	assert_true(plan.rebuilt);
	assert_true(plan.model != &l.model);
	assert_int_equal(plan.rebuild_err, 0);
	assert_null(strstr(sp->data, "Ghost"));
	assert_null(strstr(ip->data, "Ghost"));
	assert_non_null(strstr(ip->data, "\n## SearxNG (searxng)\n"));
	/* what the pre-render model alone would have said */
	assert_int_equal(vos_render_inventory_page(&pre, &npre, &ch, &l.model, NULL, 0, NOW), 0);
	assert_non_null(strstr(pre, "\n## Ghost\n"));
	free(pre);
	svc = vos_strndup(sp->data, sp->len);
	nsvc = sp->len;
	inv = vos_strndup(ip->data, ip->len);
	ninv = ip->len;
	vos_render_plan_release(&plan);

	/* the reconciled page and its inventory page, planned again: a fixed point */
	lab_build(&l2, svc, nsvc, INV);
	in.services.old = l2.page.text;
	in.services.old_len = l2.page.len;
	in.inventory.old = inv;
	in.inventory.old_len = ninv;
	vos_render_plan_make(&plan, &l2.page, &l2.model, &in, &o, LATER, &d);
	assert_false(plan.rebuilt);
	assert_true(plan.model == &l2.model);
	for (i = 0; i < plan.n; i++)
		assert_false(plan.items[i].changed);
	vos_render_plan_release(&plan);
	vos_diags_release(&d);
	free(svc);
	free(inv);
	lab_release(&l2);
	lab_release(&l);
}

static void test_unchanged_keeps_date(void **state)
{
	static const char page[] =
		"---\ntitle: X\ndate: 2025-01-01T00:00:00.000Z\n---\n\n## Control Plane (skynet)\n\n"
		"| Service | IP       | Purpose    |\n"
		"|---------|----------|------------|\n"
		"| LiteLLM | <LAN_IP> | LLM router |\n";
	struct lab l;
	size_t len;
	bool changed;
	struct vos_render_stats st;
	char *out;
	(void)state;
	lab_build(&l, page, strlen(page), NULL);
	out = render(&l, &changed, &len, &st, false);
	assert_false(changed);
	assert_string_equal(out, page);
	assert_int_equal(st.tables, 0);
	free(out);
	lab_release(&l);
}

static void test_crlf_bom_markup(void **state)
{
	static const char page[] =
		"\xEF\xBB\xBF---\r\ntitle: X\r\ndate: 2025-01-01T00:00:00.000Z\r\n---\r\n\r\n"
		"## Control Plane (skynet)\r\n\r\n"
		"| Service | IP | Purpose | Notes |\r\n"
		"|:--|--:|:-:|---|\r\n"
		"| [LiteLLM](/svc/litellm) | `10.0.0.9` | Router \\| proxy | `a` **b** |\r\n"
		"| Open WebUI | <LAN_IP> | Chat | é |\r\n"
		"\r\ntext\r\n";
	static const char want[] =
		"\xEF\xBB\xBF---\r\ntitle: X\r\ndate: " NOW "\r\n---\r\n\r\n"
		"## Control Plane (skynet)\r\n\r\n"
		"| Service                 | IP         | Purpose           | Notes     |\r\n"
		"|:------------------------|-----------:|:-----------------:|-----------|\r\n"
		"| [LiteLLM](/svc/litellm) | 127.0.10.1 | Router \\| proxy   | `a` **b** |\r\n"
		"| Open WebUI              | <LAN_IP>   | Chat              | é         |\r\n"
		"| SearxNG                 | 127.0.10.1 | Search aggregator |           |\r\n"
		"\r\ntext\r\n";
	struct lab l;
	size_t len;
	bool changed;
	struct vos_render_stats st;
	char *out;
	(void)state;
	lab_build(&l, page, strlen(page), INV);
	assert_true(l.page.crlf);
	out = render(&l, &changed, &len, &st, false);
	assert_true(changed);
	assert_string_equal(out, want);
	check_idempotent(&l, out, len, INV, NULL);
	free(out);
	lab_release(&l);
}

/* Prose directly above a table (a bold lead-in, two lines of it): render rewrites the table's own
 * lines only, the prose stays, and the result is a fixed point. */
static void test_prose_above_table(void **state)
{
	static const char page[] =
		"## Control Plane (skynet)\n"
		"**Stateless containers only.**\n"
		"Second line of prose.\n"
		"| Service | IP | Purpose |\n"
		"|---|---|---|\n"
		"| LiteLLM | 10.0.0.9 | LLM router |\n"
		"\n"
		"## Compute Plane\n"
		"### watson (GPU)\n"
		"Nothing here yet.\n"
		"| Service | IP | Purpose |\n"
		"|---|---|---|\n";
	static const char want[] =
		"## Control Plane (skynet)\n"
		"**Stateless containers only.**\n"
		"Second line of prose.\n"
		"| Service    | IP         | Purpose           |\n"
		"|------------|------------|-------------------|\n"
		"| LiteLLM    | 127.0.10.1 | LLM router        |\n"
		"| Open WebUI | 127.0.10.1 | Chat              |\n"
		"| SearxNG    | 127.0.10.1 | Search aggregator |\n"
		"\n"
		"## Compute Plane\n"
		"### watson (GPU)\n"
		"Nothing here yet.\n"
		"| Service | IP         | Purpose       |\n"
		"|---------|------------|---------------|\n"
		"| vLLM    | 127.0.10.3 | LLM inference |\n";
	struct lab l;
	size_t len;
	bool changed;
	struct vos_render_stats st;
	char *out;
	(void)state;
	lab_build(&l, page, strlen(page), INV);
	out = render(&l, &changed, &len, &st, false);
	assert_true(changed);
	assert_string_equal(out, want);
	assert_int_equal(st.addresses, 1);
	assert_int_equal(st.added, 3);
	assert_int_equal(st.unplaced, 0);
	check_idempotent(&l, out, len, INV, NULL);
	free(out);
	lab_release(&l);
}

static void test_inventory_page(void **state)
{
	struct lab l, l2;
	char *out, *out2, *out3, *inv2;
	size_t len, len2, len3;
	bool changed;
	const char *p;
	(void)state;
	lab_build(&l, PAGE, strlen(PAGE), INV);
	assert_int_equal(vos_render_inventory_page(&out, &len, &changed, &l.model, NULL, 0, NOW), 0);
	if (getenv("RENDER_DEBUG"))
		fputs(out, stderr);
	assert_true(changed);
	assert_true(vos_starts_with(out, "---\ntitle: Service Inventory\ndescription: "));
	/* Wiki.js front matter order */
	p = strstr(out, "\npublished: true\ndate: " NOW "\ntags: ");
	assert_non_null(p);
	assert_non_null(strstr(p, "\neditor: markdown\ndateCreated: " NOW "\n---\n\n# Service Inventory\n"));
	assert_non_null(strstr(out,
		"## LiteLLM (litellm)\n"
		"- Purpose: LLM router\n"
		"- Host: skynet (`127.0.10.1`)\n"
		"- Ports: 4000 (http `/health`)\n"
		"- Launch: systemd unit `/etc/systemd/system/litellm.service` (system)\n"
		"- Restart policy: `Restart=always`, `RestartSec=2`\n"
		"- Logs: journald\n"
		"- Dependencies: vLLM (`vllm`), `/etc/litellm/router.yaml`\n"
		"- Data/secret locations: none declared\n"
		"- Evidence:\n  ```\n  ExecStart=/usr/bin/litellm --port 4000\n  ```\n"));
	assert_non_null(strstr(out, "- Data/secret locations: `/var/lib/open-webui`, `/etc/open-webui/secret_key` (secret)\n"));
	/* page order, then inventory order; page-only services are marked */
	assert_true(strstr(out, "## LiteLLM") < strstr(out, "## Open WebUI"));
	assert_true(strstr(out, "## Open WebUI") < strstr(out, "## Ghost"));
	assert_true(strstr(out, "## Ghost") < strstr(out, "## SearxNG"));
	assert_true(strstr(out, "## SearxNG") < strstr(out, "## vLLM"));
	assert_non_null(strstr(out, "## Ghost\n- Purpose: Gone\n- Host: skynet (`127.0.10.1`)\n- Inventory: none"));

	/* re-rendered against itself: unchanged, same bytes */
	assert_int_equal(vos_render_inventory_page(&out2, &len2, &changed, &l.model, out, len, LATER), 0);
	assert_false(changed);
	assert_int_equal(len2, len);
	assert_memory_equal(out, out2, len);

	/* the inventory changes (and is authoritative for the purpose, render.authority: inventory;
	 * with the page authoritative the page's purpose stays): date moves, dateCreated stays */
	inv2 = vos_strdup(INV);
	memcpy(strstr(inv2, "purpose: Chat\n"), "purpose: Talk\n", 14);
	lab_build(&l2, PAGE, strlen(PAGE), inv2);
	assert_int_equal(vos_render_inventory_page(&out3, &len3, &changed, &l2.model, out, len, LATER), 0);
	assert_false(changed);
	free(out3);
	vos_model_authority(&l2.model, true, &l2.d);
	assert_int_equal(vos_render_inventory_page(&out3, &len3, &changed, &l2.model, out, len, LATER), 0);
	assert_true(changed);
	assert_non_null(strstr(out3, "\ndate: " LATER "\n"));
	assert_non_null(strstr(out3, "\ndateCreated: " NOW "\n"));
	assert_non_null(strstr(out3, "- Purpose: Talk\n"));
	free(out);
	free(out2);
	free(out3);
	free(inv2);
	lab_release(&l);
	lab_release(&l2);
}

static void test_status_page(void **state)
{
	static const char json[] =
		"{\"results\": ["
		"{\"service\": \"litellm\", \"host\": \"skynet\", \"address\": \"127.0.10.1\", \"port\": 4000,"
		" \"check\": \"http\", \"state\": \"up\", \"latency_ms\": 12.5, \"status\": 200, \"detail\": \"\"},"
		"{\"service\": \"vllm\", \"host\": \"watson\", \"address\": \"127.0.10.3\", \"port\": 8000,"
		" \"check\": \"tcp\", \"state\": \"down\", \"latency_ms\": 0.2, \"status\": null,"
		" \"detail\": \"connection refused\"},"
		"{\"service\": \"vllm\", \"host\": \"watson\", \"address\": \"127.0.10.3\", \"port\": 8001,"
		" \"check\": \"tcp\", \"state\": \"up\", \"latency_ms\": 0.4, \"status\": null, \"detail\": \"\"}],"
		" \"summary\": {\"up\": 2, \"down\": 1, \"timeout\": 0, \"error\": 0}}";
	struct lab l;
	struct vos_probe_results res;
	char *out = NULL, *out2 = NULL;
	struct vos_err err = VOS_ERR_INIT;
	size_t len, len2;
	bool changed;
	(void)state;
	lab_build(&l, PAGE, strlen(PAGE), INV);
	assert_int_equal(vos_probe_results_parse(&res, "last-probe.json", json, strlen(json), &err), 0);
	assert_int_equal(vos_render_status_page(&out, &len, &changed, &l.model, &res, NULL, 0, NOW), 0);
	if (getenv("RENDER_DEBUG"))
		fputs(out, stderr);
	assert_true(changed);
	assert_true(vos_starts_with(out, "---\ntitle: Service Status\n"));
	assert_non_null(strstr(out, "Targets: 2 up, 1 down, 0 timeout, 0 error, 0 skipped\n"));
	assert_non_null(strstr(out, "| LiteLLM | skynet | up    | 12.5 ms | 4000/http up       |                          |\n"));
	assert_non_null(strstr(out, "| vLLM    | watson | down  | 0.4 ms  | 8000 down, 8001 up | 8000: connection refused |\n"));
	assert_int_equal(vos_render_status_page(&out2, &len2, &changed, &l.model, &res, out, len, LATER), 0);
	assert_false(changed);
	assert_string_equal(out, out2);
	free(out);
	free(out2);
	vos_probe_results_release(&res);
	/* unusable results are refused by the one reader, before any page is made */
	assert_int_equal(vos_probe_results_parse(&res, "last-probe.json", "{\"results\": [", 13, &err),
	                 VOS_EINPUT);
	assert_non_null(err.msg);
	assert_non_null(strstr(err.msg, "'last-probe.json' is not JSON"));
	assert_int_equal(res.n, 0);
	vos_err_clear(&err);
	vos_probe_results_release(&res);
	lab_release(&l);
}

static void diff_is(const char *a, const char *b, const char *want)
{
	struct vos_buf out = VOS_BUF_INIT;
	int r = vos_diff_unified(&out, "a", a, strlen(a), "b", b, strlen(b));
	assert_int_equal(r, want ? 1 : 0);
	assert_string_equal(out.ptr ? out.ptr : "", want ? want : "");
	vos_buf_release(&out);
}

static void test_diff(void **state)
{
	(void)state;
	diff_is("a\nb\nc\n", "a\nb\nc\n", NULL);
	diff_is("a\nb\nc\n", "a\nB\nc\n", "--- a\n+++ b\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
	diff_is("", "x\n", "--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n");
	diff_is("x\n", "x", "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+x\n\\ No newline at end of file\n");
	diff_is("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n",
	        "1\nX\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\nY\n16\n",
	        "--- a\n+++ b\n@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n"
	        "@@ -12,5 +12,5 @@\n 12\n 13\n 14\n-15\n+Y\n 16\n");
}

/* Applies a unified diff (as vos_diff_unified writes it) to a; returns the result. */
static char *apply(const char *a, const char *patch)
{
	struct vos_buf out = VOS_BUF_INIT;
	const char **al = NULL, *p, *e;
	size_t na = 0, alloc = 0, ai = 0;
	for (p = a; *p; p = e + 1) {
		e = strchr(p, '\n');
		*VOS_PUSH(al, na, alloc) = p;
		if (!e)
			break;
	}
	p = strstr(patch, "\n+++ ");
	p = strchr(p + 1, '\n') + 1;
	while (*p) {
		e = strchr(p, '\n');
		if (*p == '@') {
			unsigned long s = strtoul(p + 4, NULL, 10);
			size_t start = s ? s - 1 : 0;
			if (strstr(p, ",0 +") && strstr(p, ",0 +") < e)
				start = s;
			for (; ai < start; ai++)
				vos_buf_add(&out, al[ai], (size_t)(strchr(al[ai], '\n') - al[ai] + 1));
		} else if (*p == ' ' || *p == '-') {
			ai++;
			if (*p == ' ')
				vos_buf_add(&out, p + 1, (size_t)(e - p));
		} else if (*p == '+') {
			vos_buf_add(&out, p + 1, (size_t)(e - p));
		}
		p = e + 1;
	}
	for (; ai < na; ai++)
		vos_buf_adds(&out, al[ai]), ai = na;
	free(al);
	return vos_buf_detach(&out, NULL);
}

static void test_diff_random(void **state)
{
	unsigned seed = 12345;
	(void)state;
	for (int round = 0; round < 300; round++) {
		struct vos_buf a = VOS_BUF_INIT, b = VOS_BUF_INIT, d = VOS_BUF_INIT;
		int na = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 40;
		char *got;
		for (int i = 0; i < na; i++) {
			unsigned r = (seed = seed * 1103515245u + 12345u) >> 16;
			vos_buf_addf(&a, "l%u\n", r % 8);
			if (r % 5 == 0)
				vos_buf_addf(&b, "n%u\n", r % 3);
			else if (r % 7 != 0)
				vos_buf_addf(&b, "l%u\n", r % 8);
		}
		vos_diff_unified(&d, "a", a.ptr ? a.ptr : "", a.len, "b", b.ptr ? b.ptr : "", b.len);
		got = apply(a.ptr ? a.ptr : "", d.ptr ? d.ptr : "--- a\n+++ b\n");
		assert_string_equal(got, b.ptr ? b.ptr : "");
		free(got);
		vos_buf_release(&a);
		vos_buf_release(&b);
		vos_buf_release(&d);
	}
}

static void test_now(void **state)
{
	char *s;
	(void)state;
	setenv("VOSCTL_NOW", NOW, 1);
	s = vos_now_iso();
	assert_string_equal(s, NOW);
	free(s);
	unsetenv("VOSCTL_NOW");
	s = vos_now_iso();
	assert_int_equal(strlen(s), 24);
	assert_int_equal(s[10], 'T');
	assert_int_equal(s[19], '.');
	assert_int_equal(s[23], 'Z');
	free(s);
}

/* A page whose last line is a table row without a newline: rendered once, then a fixed point (the
 * row keeps having no newline; nothing moves the date again). */
static void test_no_final_newline(void **state)
{
	static const char page[] =
		"---\ntitle: X\ndate: 2025-01-01T00:00:00.000Z\n---\n\n## Control Plane (skynet)\n\n"
		"| Service | IP | Purpose |\n"
		"|---|---|---|\n"
		"| LiteLLM | 10.0.0.9 | LLM router |";
	static const char canonical[] =
		"## Control Plane (skynet)\n\n"
		"| Service | IP       | Purpose    |\n"
		"|---------|----------|------------|\n"
		"| LiteLLM | <LAN_IP> | LLM router |";
	struct lab l;
	size_t len;
	bool changed;
	struct vos_render_stats st;
	char *out;
	const char *tail = "| SearxNG    | 127.0.10.1 | Search aggregator |";
	(void)state;
	lab_build(&l, page, strlen(page), INV);
	out = render(&l, &changed, &len, &st, false);
	assert_true(changed);
	assert_true(len > strlen(tail));
	assert_string_equal(out + len - strlen(tail), tail);
	check_idempotent(&l, out, len, INV, NULL);
	free(out);
	lab_release(&l);

	/* already canonical: byte for byte, nothing changed */
	lab_build(&l, canonical, strlen(canonical), NULL);
	out = render(&l, &changed, &len, &st, false);
	assert_false(changed);
	assert_int_equal(st.tables, 0);
	assert_string_equal(out, canonical);
	free(out);
	lab_release(&l);
}

/* Render reaches a fixed point on every page that parses: mutated and truncated pages (Markdown
 * punctuation, line endings, no final newline) rendered twice give the same bytes. */
static void fixed_point_mutations(const char *page_path, const char *inv_dir, unsigned n)
{
	static const char alphabet[] = "|||\\`*_[]-> #\n\n\r\t<>:0aZ-";
	struct vos_inventory inv;
	struct vos_diags d;
	size_t len, i, k, ok = 0;
	char *text = slurp(page_path, &len), *m;
	uint32_t seed = 4242;
	assert_non_null(text);
	m = vos_malloc(len + 1);
	vos_diags_init(&d);
	vos_inventory_init(&inv);
	if (inv_dir)
		assert_int_equal(vos_inventory_load(&inv, inv_dir, &d), 0);
	else
		assert_int_equal(vos_inventory_finish(&inv, &d), 0);
	for (i = 0; i < n; i++) {
		struct vos_page p1, p2;
		struct vos_model m1, m2;
		char *out1, *out2;
		size_t len1, len2, mlen = len;
		bool changed;
		memcpy(m, text, len);
		for (k = 0; k < i % 5; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t pos = (seed >> 8) % len;
			seed = seed * 1103515245u + 12345u;
			m[pos] = alphabet[(seed >> 8) % (sizeof(alphabet) - 1)];
		}
		if (i % 3 == 0) { /* cut the page short: often inside or right after a table row */
			seed = seed * 1103515245u + 12345u;
			mlen = len / 2 + (seed >> 8) % (len / 2);
			while (mlen > 1 && (m[mlen - 1] == '\n' || m[mlen - 1] == '\r'))
				mlen--;
		}
		vos_diags_release(&d);
		vos_diags_init(&d);
		if (vos_page_parse(&p1, "services.md", m, mlen, &d) != 0)
			continue;
		ok++;
		vos_model_build(&m1, &p1, &inv, &d);
		vos_render_services(&out1, &len1, &changed, &p1, &m1, NOW);
		if (vos_page_parse(&p2, "services.md", out1, len1, &d) != 0) {
			dump(&d);
			fail_msg("mutation %zu: the rendered page does not parse", i);
		}
		vos_model_build(&m2, &p2, &inv, &d);
		vos_render_services(&out2, &len2, &changed, &p2, &m2, LATER);
		if (changed || len2 != len1 || memcmp(out1, out2, len1)) {
			fprintf(stderr, "# mutation %zu of %s: not a fixed point\n# --- input\n%.*s\n# --- once\n%s\n"
			        "# --- twice\n%s\n", i, page_path, (int)mlen, m, out1, out2);
			fail();
		}
		free(out1);
		free(out2);
		vos_model_release(&m2);
		vos_page_release(&p2);
		vos_model_release(&m1);
		vos_page_release(&p1);
	}
	assert_true(ok > n / 10);
	vos_inventory_release(&inv);
	vos_diags_release(&d);
	free(m);
	free(text);
}

static void test_fixed_point(void **state)
{
	(void)state;
	fixed_point_mutations("tests/fixtures/render/seed000.md", NULL, 600);
	if (vos_is_file("inventory/services.md") && vos_is_dir("inventory"))
		fixed_point_mutations("inventory/services.md", "inventory", 600);
}

/* One display name on two hosts (a merge key copies `name`), neither row on the page yet: render adds
 * one row to each host's table, once. */
static void test_same_name_two_hosts(void **state)
{
	static const char page[] =
		"## Control Plane (skynet)\n\n"
		"| Service | IP | Purpose |\n|---|---|---|\n"
		"| LiteLLM | <LAN_IP> | LLM router |\n"
		"\n## Compute Plane\n\n### watson (GPU)\n\n"
		"| Service | IP | Purpose |\n|---|---|---|\n"
		"| vLLM | <LAN_IP> | LLM inference |\n";
	static const char inv[] =
		"hosts:\n"
		"  - {name: skynet, address: 127.0.10.1}\n"
		"  - {name: watson, address: 127.0.10.3}\n"
		"services:\n"
		"  - {id: litellm, name: LiteLLM, host: skynet, class: router}\n"
		"  - {id: vllm, name: vLLM, host: watson, class: inference}\n"
		"  - &exp {id: exp-skynet, name: Node Exporter, host: skynet, class: monitoring, purpose: metrics}\n"
		"  - {<<: *exp, id: exp-watson, host: watson}\n";
	struct lab l;
	size_t len;
	bool changed;
	struct vos_render_stats st;
	char *out;
	const char *p;
	int n = 0;
	(void)state;
	lab_build(&l, page, strlen(page), inv);
	out = render(&l, &changed, &len, &st, false);
	assert_true(changed);
	assert_int_equal(st.added, 2);
	for (p = out; (p = strstr(p, "| Node Exporter |")) != NULL; p++)
		n++;
	assert_int_equal(n, 2);
	check_idempotent(&l, out, len, inv, NULL);
	free(out);
	lab_release(&l);
}

/* The example lab in inventory/: render is idempotent and keeps the rows. */
static void test_example_lab(void **state)
{
	struct lab l;
	char *out;
	size_t len;
	bool changed;
	struct vos_render_stats st;
	(void)state;
	if (!vos_is_file("inventory/services.md") || !vos_is_dir("inventory")) {
		skip();
		return;
	}
	memset(&l, 0, sizeof(l));
	vos_diags_init(&l.d);
	assert_int_equal(vos_page_load(&l.page, "inventory/services.md", &l.d), 0);
	vos_inventory_init(&l.inv);
	if (vos_inventory_load(&l.inv, "inventory", &l.d) != 0) {
		dump(&l.d);
		fail_msg("example inventory did not load");
	}
	vos_model_build(&l.model, &l.page, &l.inv, &l.d);
	out = render(&l, &changed, &len, &st, false);
	check_idempotent(&l, out, len, NULL, "inventory");
	{
		char *a = non_table(l.page.text), *b = non_table(out);
		/* render adds rows only inside tables: everything else is byte for byte */
		if (!changed)
			assert_string_equal(l.page.text, out);
		else
			assert_string_equal(a, b);
		free(a);
		free(b);
	}
	free(out);
	lab_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed000),
		cmocka_unit_test(test_reconcile),
		cmocka_unit_test(test_unchanged_keeps_date),
		cmocka_unit_test(test_crlf_bom_markup),
		cmocka_unit_test(test_prose_above_table),
		cmocka_unit_test(test_inventory_page),
		cmocka_unit_test(test_status_page),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_diff_random),
		cmocka_unit_test(test_now),
		cmocka_unit_test(test_example_lab),
		cmocka_unit_test(test_no_final_newline),
		cmocka_unit_test(test_fixed_point),
		cmocka_unit_test(test_same_name_two_hosts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
