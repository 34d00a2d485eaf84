/* test_page.c - the services page parser: seeds, table shapes, locations, bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

static char *fixture_path(const char *rel)
{
	const char *src = getenv("SRC");
	return vos_asprintf("%s/tests/fixtures/%s", src && *src ? src : ".", rel);
}

static char *read_fixture(const char *rel, size_t *len)
{
	char *path = fixture_path(rel), *buf = NULL;
	struct vos_err err = VOS_ERR_INIT;
	int rc = vos_file_read(&buf, len, path, VOS_MAX_PAGE_BYTES, &err);
	if (rc < 0)
		fail_msg("%s", err.msg);
	free(path);
	return buf;
}

/* Parses a fixture; asserts it parses cleanly. */
static void load_ok(struct vos_page *page, const char *rel)
{
	struct vos_diags d;
	char *path = fixture_path(rel);
	int rc;
	vos_diags_init(&d);
	rc = vos_page_load(page, path, &d);
	if (rc != 0 || d.n)
		fail_msg("%s: rc %d, %zu diagnostics, first: %u:%u %s", rel, rc, d.n,
		         d.n ? d.items[0].line : 0, d.n ? d.items[0].col : 0, d.n ? d.items[0].message : "");
	vos_diags_release(&d);
	free(path);
}

static int parse_str(struct vos_page *page, const char *text, size_t len, struct vos_diags *d)
{
	return vos_page_parse(page, "test.md", text, len, d);
}

/* 1-based byte column of needle on line `line` of text. */
static unsigned col_of(const char *text, unsigned line, const char *needle)
{
	const char *p = text, *nl, *hit;
	unsigned l;
	for (l = 1; l < line; l++) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	nl = strchr(p, '\n');
	hit = strstr(p, needle);
	assert_non_null(hit);
	if (nl)
		assert_true(hit < nl);
	return (unsigned)(hit - p) + 1;
}

static const char *host_name(const struct vos_page *p, int i)
{
	return i >= 0 ? p->hosts[i].name : "(none)";
}

static const char *plane_name(const struct vos_page *p, int i)
{
	return i >= 0 ? p->planes[i].name : "(none)";
}

/* ------------------------------------------------------------- seed 000 */

static void check_seed000(const struct vos_page *p, const char *text)
{
	static const unsigned lines[24] = {21, 22, 23, 24, 32, 33, 34, 35, 41, 42, 50, 56,
	                                   57, 58, 64, 65, 66, 67, 68, 69, 70, 76, 77, 78};
	static const char *row_host[24] = {
		"skynet", "skynet", "skynet", "skynet", "deep-thought", "deep-thought", "deep-thought",
		"deep-thought", "alexandria", "alexandria", "watson", "mothership", "mothership",
		"mothership", "napster", "napster", "napster", "napster", "napster", "napster", "napster",
		"hal", "hal", "hal"};
	static const char *hosts[] = {"skynet", "deep-thought", "alexandria", "watson",
	                              "mothership", "napster", "hal"};
	static const char *subjects[] = {"skynet", "watson", "mothership", "deep-thought", "napster",
	                                 "alexandria"};
	size_t i;

	assert_true(p->fm.present);
	assert_string_equal(p->fm.title, "VOS Services");
	assert_string_equal(p->fm.description, "Authoritative service assignments - what runs where");
	assert_int_equal(p->fm.published, 1);
	assert_string_equal(p->fm.date, "2025-12-29T12:30:00.000Z");
	assert_string_equal(p->fm.tags, "vos, services, authoritative");
	assert_string_equal(p->fm.editor, "markdown");
	assert_string_equal(p->fm.date_created, "2025-12-29T12:30:00.000Z");
	assert_int_equal(p->fm.first_line, 1);
	assert_int_equal(p->fm.last_line, 9);
	assert_string_equal(p->title, "VOS Services");

	assert_int_equal(p->nplanes, 4);
	assert_string_equal(p->planes[0].name, "Control Plane");
	assert_int_equal(p->planes[0].loc.line, 15);
	assert_string_equal(p->planes[1].name, "Data Plane");
	assert_string_equal(p->planes[2].name, "Compute Plane");
	assert_string_equal(p->planes[3].name, "Infrastructure");

	assert_int_equal(p->nhosts, VOS_ARRAY_SIZE(hosts));
	for (i = 0; i < VOS_ARRAY_SIZE(hosts); i++)
		assert_string_equal(p->hosts[i].name, hosts[i]);
	assert_null(p->hosts[0].role);
	assert_string_equal(plane_name(p, p->hosts[0].plane), "Control Plane");
	assert_string_equal(p->hosts[1].role, "Databases");
	assert_string_equal(plane_name(p, p->hosts[1].plane), "Data Plane");
	assert_string_equal(p->hosts[3].role, "GPU Inference");
	assert_int_equal(p->hosts[3].loc.line, 46);
	assert_string_equal(plane_name(p, p->hosts[3].plane), "Compute Plane");
	assert_null(p->hosts[6].role);
	assert_string_equal(plane_name(p, p->hosts[6].plane), "Infrastructure");

	assert_int_equal(p->nsections, 11);
	assert_string_equal(p->sections[0].title, "Control Plane (skynet)");
	assert_string_equal(p->sections[0].name, "Control Plane");
	assert_string_equal(p->sections[0].paren, "skynet");
	assert_int_equal(p->sections[9].level, 2);
	assert_string_equal(p->sections[9].title, "Placement Rules");
	assert_int_equal(p->sections[9].plane, -1);
	assert_string_equal(p->sections[10].title, "Related");
	assert_int_equal(p->sections[10].plane, -1);

	assert_int_equal(p->ntables, 7);
	assert_int_equal(p->tables[0].first_line, 19);
	assert_int_equal(p->tables[0].last_line, 24);
	assert_int_equal(p->tables[0].ncols, 3);
	assert_int_equal(p->tables[0].cols[0].role, VOS_COL_SERVICE);
	assert_int_equal(p->tables[0].cols[1].role, VOS_COL_ADDRESS);
	assert_int_equal(p->tables[0].cols[2].role, VOS_COL_PURPOSE);
	assert_int_equal(p->tables[6].first_row, 21);
	assert_int_equal(p->tables[6].nrows, 3);

	assert_int_equal(p->nrows, 24);
	for (i = 0; i < 24; i++) {
		const struct vos_page_row *r = &p->rows[i];
		assert_int_equal(r->loc.line, lines[i]);
		assert_int_equal(r->loc.col, 1);
		assert_string_equal(r->address, "<LAN_IP>");
		assert_true(r->address_placeholder);
		assert_int_equal(r->addr_loc.line, lines[i]);
		assert_int_equal(r->addr_loc.col, col_of(text, lines[i], "<LAN_IP>"));
		assert_int_equal(r->ncells, 3);
		assert_string_equal(host_name(p, r->host), row_host[i]);
		assert_string_equal(r->loc.file, p->file);
	}
	assert_string_equal(p->rows[0].service, "Open WebUI");
	assert_string_equal(p->rows[0].purpose, "Chat interface");
	assert_int_equal(p->rows[0].addr_loc.col, 16);
	assert_int_equal(p->rows[0].cell_cols[0], 3);
	assert_int_equal(p->rows[0].cell_ends[0], 13);
	assert_int_equal(p->rows[0].cell_cols[1], 16);
	assert_int_equal(p->rows[0].cell_ends[1], 24);
	assert_string_equal(plane_name(p, p->rows[0].plane), "Control Plane");
	assert_string_equal(p->rows[23].service, "DNS (Unbound)");
	assert_string_equal(p->rows[23].purpose, "Local resolution");
	assert_string_equal(plane_name(p, p->rows[23].plane), "Infrastructure");
	assert_string_equal(plane_name(p, p->rows[10].plane), "Compute Plane");
	assert_string_equal(p->rows[10].service, "vLLM");

	assert_int_equal(p->nrules, 6);
	for (i = 0; i < 6; i++) {
		assert_int_equal(p->rules[i].number, (int)i + 1);
		assert_string_equal(p->rules[i].subject, subjects[i]);
		assert_int_equal(p->rules[i].loc.line, 82 + i);
	}
	assert_string_equal(p->rules[0].text, "skynet routes, never computes heavy loads");
	assert_string_equal(p->rules[5].text, "alexandria is storage-only");

	assert_int_equal(p->nlinks, 3);
	assert_int_equal(p->links[0].kind, VOS_LINK_WIKI);
	assert_string_equal(p->links[0].target, "vos/README");
	assert_int_equal(p->links[0].loc.line, 91);
	assert_int_equal(p->links[0].loc.col, 3);
	assert_string_equal(p->links[1].target, "vos/authority");
	assert_string_equal(p->links[2].target, "homelab/network/ip-plan");
	assert_int_equal(p->links[2].loc.line, 93);

	assert_int_equal(p->nstatements, 9);
	assert_string_equal(p->statements[6].text, "[[vos/README]]");
}

static void test_seed000(void **state)
{
	struct vos_page p;
	size_t len;
	char *text = read_fixture("seeds/000-services.md", &len);
	(void)state;
	load_ok(&p, "seeds/000-services.md");
	assert_int_equal(p.len, len);
	assert_memory_equal(p.text, text, len);
	assert_false(p.bom);
	assert_false(p.crlf);
	check_seed000(&p, text);
	vos_page_release(&p);
	free(text);
}

/* CRLF line endings: the same page, the same lines and text. */
static void test_crlf(void **state)
{
	struct vos_page p;
	struct vos_diags d;
	struct vos_buf b = VOS_BUF_INIT;
	size_t len, i;
	char *text = read_fixture("seeds/000-services.md", &len);
	(void)state;
	for (i = 0; i < len; i++) {
		if (text[i] == '\n')
			vos_buf_addc(&b, '\r');
		vos_buf_addc(&b, text[i]);
	}
	vos_diags_init(&d);
	assert_int_equal(parse_str(&p, b.ptr, b.len, &d), 0);
	assert_int_equal(d.n, 0);
	assert_true(p.crlf);
	assert_int_equal(p.len, b.len);
	assert_memory_equal(p.text, b.ptr, b.len);
	check_seed000(&p, text);
	vos_page_release(&p);
	vos_diags_release(&d);
	vos_buf_release(&b);
	free(text);
}

/* A UTF-8 BOM is stripped for parsing; page->text keeps it. */
static void test_bom(void **state)
{
	struct vos_page p;
	struct vos_diags d;
	struct vos_buf b = VOS_BUF_INIT;
	size_t len;
	char *text = read_fixture("seeds/000-services.md", &len);
	static const char nofm[] = "\xef\xbb\xbf# Title\n\n## Data Plane\n\n| Service | IP |\n|--|--|\n| a | 127.0.0.1 |\n";
	(void)state;
	vos_buf_adds(&b, "\xef\xbb\xbf");
	vos_buf_add(&b, text, len);
	vos_diags_init(&d);
	assert_int_equal(parse_str(&p, b.ptr, b.len, &d), 0);
	assert_int_equal(d.n, 0);
	assert_true(p.bom);
	assert_int_equal(p.len, len + 3);
	assert_memory_equal(p.text, b.ptr, b.len);
	check_seed000(&p, text);
	vos_page_release(&p);

	/* a BOM without front matter: the H1 on line 1 is still the title */
	assert_int_equal(parse_str(&p, nofm, strlen(nofm), &d), 0);
	assert_true(p.bom);
	assert_false(p.fm.present);
	assert_string_equal(p.title, "Title");
	assert_int_equal(p.nrows, 1);
	assert_int_equal(p.rows[0].loc.line, 7);
	assert_int_equal(p.rows[0].addr_loc.col, 7);
	vos_page_release(&p);
	vos_diags_release(&d);
	vos_buf_release(&b);
	free(text);
}

/* ------------------------------------------------------------- seed 002 */

static void test_seed002(void **state)
{
	struct vos_page p;
	size_t i;
	bool found = false;
	(void)state;
	load_ok(&p, "seeds/002-ai-services.md");
	assert_false(p.fm.present);
	assert_int_equal(p.fm.published, -1);
	assert_null(p.fm.title);
	assert_string_equal(p.title, "AI Services \xe2\x80\x94 Compute & Inference");
	assert_int_equal(p.ntables, 0);
	assert_int_equal(p.nrows, 0);
	assert_int_equal(p.nplanes, 0);
	assert_int_equal(p.nhosts, 0);
	assert_int_equal(p.nrules, 0);
	assert_int_equal(p.nlinks, 3);
	assert_string_equal(p.links[0].target, "services/comfyui");
	assert_string_equal(p.links[1].target, "services/ollama");
	assert_string_equal(p.links[2].target, "services/openwebui");
	assert_int_equal(p.links[0].kind, VOS_LINK_WIKI);
	assert_int_equal(p.links[2].loc.col, 3);
	assert_int_equal(p.links[2].loc.line, p.links[0].loc.line + 2);
	assert_int_equal(p.nstatements, 41);
	for (i = 0; i < p.nstatements; i++)
		if (vos_streq(p.statements[i].text, "No AI service is exposed directly to USER or GUEST VLANs"))
			found = true;
	assert_true(found);
	assert_string_equal(p.statements[4].text, "Prometheus \xe2\x80\x94 AI compute and execution");
	vos_page_release(&p);
}

/* Seed 001 is an inventory page, not a services page: it parses, without tables. */
static void test_seed001(void **state)
{
	struct vos_page p;
	(void)state;
	load_ok(&p, "seeds/001-inventory.md");
	assert_string_equal(p.title, "03-SERVICE_INVENTORY");
	assert_int_equal(p.nrows, 0);
	assert_true(p.nstatements > 30);
	vos_page_release(&p);
}

/* ------------------------------------------------------- table variants */

static void test_columns(void **state)
{
	struct vos_page p;
	size_t len;
	char *text = read_fixture("page/columns.md", &len);
	const struct vos_page_row *r;
	const struct vos_page_table *t;
	(void)state;
	load_ok(&p, "page/columns.md");

	/* front matter: tags as a YAML list, unknown keys ignored */
	assert_string_equal(p.fm.title, "Columns");
	assert_string_equal(p.fm.tags, "vos, services");
	assert_int_equal(p.fm.published, 0);
	assert_null(p.fm.description);
	assert_int_equal(p.fm.last_line, 8);

	assert_int_equal(p.nsections, 4);
	assert_int_equal(p.nplanes, 2);
	assert_string_equal(p.planes[0].name, "Compute Plane");
	assert_string_equal(p.planes[1].name, "Inline Markup");
	assert_int_equal(p.nhosts, 2);
	assert_string_equal(p.hosts[0].name, "watson");
	assert_string_equal(p.hosts[1].name, "mothership");
	assert_int_equal(p.sections[2].host, -1); /* "notes and things" is not a host */
	assert_int_equal(p.sections[2].plane, 0);

	/* the header-less "Host | Address" table and the fenced one are not services tables */
	assert_int_equal(p.ntables, 4);

	/* columns in another order, extra columns kept */
	t = &p.tables[0];
	assert_int_equal(t->ncols, 5);
	assert_int_equal(t->cols[0].role, VOS_COL_PURPOSE);
	assert_int_equal(t->cols[1].role, VOS_COL_PORT);
	assert_int_equal(t->cols[2].role, VOS_COL_EXTRA);
	assert_string_equal(t->cols[2].name, "Notes");
	assert_int_equal(t->cols[3].role, VOS_COL_ADDRESS);
	assert_int_equal(t->cols[4].role, VOS_COL_SERVICE);
	assert_string_equal(t->cols[4].name, "Service name");
	assert_int_equal(t->first_line, 16);
	assert_int_equal(t->last_line, 19);
	assert_int_equal(t->nrows, 2);
	r = &p.rows[0];
	assert_string_equal(r->service, "vLLM");
	assert_string_equal(r->address, "127.0.0.5");
	assert_false(r->address_placeholder);
	assert_string_equal(r->purpose, "LLM inference");
	assert_int_equal(r->ncells, 5);
	assert_string_equal(r->cells[1], "8000");
	assert_string_equal(r->cells[2], "fast");
	assert_int_equal(r->loc.line, 18);
	assert_int_equal(r->addr_loc.line, 18);
	assert_int_equal(r->addr_loc.col, 33);
	assert_int_equal(r->cell_ends[3], 42);
	assert_string_equal(host_name(&p, r->host), "watson");
	assert_string_equal(plane_name(&p, r->plane), "Compute Plane");
	r = &p.rows[1];
	assert_string_equal(r->service, "Embed server");
	assert_string_equal(r->address, "TBD");
	assert_true(r->address_placeholder);
	assert_string_equal(r->cells[1], "8001, 8002");
	assert_string_equal(r->cells[2], "");
	assert_int_equal(r->cell_cols[2], 29); /* empty cell: just after "| " */
	assert_int_equal(r->cell_ends[2], 29);

	/* short rows are padded, long rows cut to the header */
	t = &p.tables[1];
	assert_int_equal(t->nrows, 2);
	r = &p.rows[t->first_row];
	assert_string_equal(r->service, "Short row");
	assert_string_equal(r->purpose, "");
	assert_string_equal(r->address, "");
	assert_true(r->address_placeholder);
	assert_int_equal(r->cell_cols[1], 0);
	r = &p.rows[t->first_row + 1];
	assert_int_equal(r->ncells, 2);
	assert_string_equal(r->purpose, "with extra");
	assert_string_equal(host_name(&p, r->host), "watson");

	/* under a heading that names no host: the nearest preceding host heading of the section */
	t = &p.tables[2];
	r = &p.rows[t->first_row];
	assert_string_equal(r->service, "Orphan");
	assert_true(r->address_placeholder);
	assert_int_equal(t->section, 2);
	assert_string_equal(host_name(&p, r->host), "watson");

	/* inline markup stripped: code, links, emphasis, escaped pipes */
	t = &p.tables[3];
	assert_int_equal(t->nrows, 3);
	assert_int_equal(t->cols[1].role, VOS_COL_ADDRESS);
	assert_string_equal(t->cols[1].name, "IP");
	r = &p.rows[t->first_row];
	assert_string_equal(r->service, "Traefik");
	assert_string_equal(r->address, "127.0.0.9");
	assert_int_equal(r->addr_loc.col, col_of(text, 38, "[127.0.0.9]"));
	assert_string_equal(r->purpose, "a | b");
	assert_string_equal(r->cells[3], "see docs and [[vos/traefik]]");
	assert_string_equal(host_name(&p, r->host), "mothership");
	assert_string_equal(plane_name(&p, r->plane), "Inline Markup");
	r = &p.rows[t->first_row + 1];
	assert_string_equal(r->service, "Authentik");
	assert_string_equal(r->address, "<LAN_IP>");
	assert_true(r->address_placeholder);
	assert_string_equal(r->purpose, "Identity / ~~SSO~~");
	assert_string_equal(r->cells[3], "[[not/a/link]]");
	r = &p.rows[t->first_row + 2];
	assert_string_equal(r->service, "Spaced");
	assert_string_equal(r->address, "n/a");
	assert_true(r->address_placeholder);
	assert_int_equal(r->cell_cols[0], col_of(text, 40, "Spaced"));
	assert_int_equal(r->cell_ends[0], col_of(text, 40, "Spaced") + 6);

	/* links: markdown internal + wikilink in a cell; none from code spans or fences */
	assert_int_equal(p.nlinks, 2);
	assert_int_equal(p.links[0].kind, VOS_LINK_MARKDOWN);
	assert_string_equal(p.links[0].target, "/homelab/traefik");
	assert_int_equal(p.links[0].loc.line, 38);
	assert_int_equal(p.links[0].loc.col, col_of(text, 38, "[docs]"));
	assert_int_equal(p.links[1].kind, VOS_LINK_WIKI);
	assert_string_equal(p.links[1].target, "vos/traefik");
	assert_int_equal(p.links[1].loc.line, 38);
	assert_int_equal(p.links[1].loc.col, col_of(text, 38, "[[vos/traefik"));
	vos_page_release(&p);
	free(text);
}

static void test_rules(void **state)
{
	struct vos_page p;
	(void)state;
	load_ok(&p, "page/rules.md");
	assert_false(p.fm.present);
	assert_int_equal(p.nplanes, 1);
	assert_string_equal(p.planes[0].name, "Data Plane");
	assert_int_equal(p.nhosts, 1);
	assert_string_equal(p.hosts[0].name, "deep-thought");
	assert_null(p.hosts[0].role);
	assert_int_equal(p.nrows, 1);
	assert_string_equal(host_name(&p, p.rows[0].host), "deep-thought");
	assert_int_equal(p.rows[0].loc.line, 9);

	assert_int_equal(p.nrules, 3);
	assert_int_equal(p.rules[0].number, 3);
	assert_string_equal(p.rules[0].subject, "first");
	assert_string_equal(p.rules[0].text, "first rule starts at three");
	assert_int_equal(p.rules[0].loc.line, 13);
	assert_int_equal(p.rules[1].number, 4);
	assert_null(p.rules[1].subject);
	assert_string_equal(p.rules[1].text, "second has no bold subject");
	assert_int_equal(p.rules[2].number, 5);
	assert_string_equal(p.rules[2].subject, "third");
	assert_string_equal(p.rules[2].text, "third spans two lines");
	assert_int_equal(p.rules[2].loc.line, 16);

	assert_int_equal(p.nstatements, 6);
	assert_string_equal(p.statements[2].text, "nested ordered item is not a rule");
	assert_int_equal(p.statements[2].loc.line, 15);
	assert_string_equal(p.statements[4].text, "a bullet [[bullet/link]] in the rules section is a statement");
	assert_int_equal(p.nlinks, 1);
	assert_string_equal(p.links[0].target, "bullet/link");
	assert_int_equal(p.links[0].loc.line, 19);
	assert_int_equal(p.links[0].loc.col, 12);
	vos_page_release(&p);
}

/* Body rows indented 1-3 spaces: cmark-gfm reports their cells without the indentation. */
static void test_indented_rows(void **state)
{
	static const char text[] = "## Data Plane (db)\n\n| Service | IP |\n|---|---|\n  | a | 127.0.0.1 |\n"
	                           "\n> | Service | IP |\n> |---|---|\n> | b | 127.0.0.2 |\n";
	struct vos_page p;
	struct vos_diags d;
	(void)state;
	vos_diags_init(&d);
	assert_int_equal(parse_str(&p, text, strlen(text), &d), 0);
	assert_int_equal(p.nrows, 2);
	assert_int_equal(p.rows[0].addr_loc.line, 5);
	assert_int_equal(p.rows[0].addr_loc.col, col_of(text, 5, "127"));
	assert_int_equal(p.rows[0].cell_cols[0], col_of(text, 5, "a |"));
	assert_int_equal(p.rows[1].addr_loc.line, 9);
	assert_int_equal(p.rows[1].addr_loc.col, col_of(text, 9, "127"));
	assert_string_equal(host_name(&p, p.rows[1].host), "db");
	vos_page_release(&p);
	vos_diags_release(&d);
}

static void test_no_front_matter(void **state)
{
	static const char text[] = "# Plain\n\n## Storage (nas)\n\n| Service | Address |\n|---|---|\n| NFS | 127.0.0.3 |\n\n- see [net](/homelab/network) and [ext](https://example.invalid/x) and [[a/b]]\n";
	struct vos_page p;
	struct vos_diags d;
	(void)state;
	vos_diags_init(&d);
	assert_int_equal(parse_str(&p, text, strlen(text), &d), 0);
	assert_int_equal(d.n, 0);
	assert_false(p.fm.present);
	assert_null(p.fm.title);
	assert_int_equal(p.fm.published, -1);
	assert_string_equal(p.title, "Plain");
	assert_int_equal(p.nplanes, 1);
	assert_string_equal(p.planes[0].name, "Storage");
	assert_string_equal(p.hosts[0].name, "nas");
	assert_int_equal(p.nrows, 1);
	assert_int_equal(p.rows[0].loc.line, 7);
	assert_string_equal(p.rows[0].address, "127.0.0.3");
	assert_int_equal(p.nlinks, 2);
	assert_int_equal(p.links[0].kind, VOS_LINK_MARKDOWN);
	assert_string_equal(p.links[0].target, "/homelab/network");
	assert_int_equal(p.links[0].loc.line, 9);
	assert_int_equal(p.links[0].loc.col, 7);
	assert_int_equal(p.links[1].kind, VOS_LINK_WIKI);
	assert_string_equal(p.links[1].target, "a/b");
	vos_page_release(&p);
	vos_diags_release(&d);
}

/* A page whose table has no service column: no services table. A "---" line later on is a
 * thematic break, not front matter. */
static void test_no_service_column(void **state)
{
	static const char text[] = "# T\n\n---\n\n## Data Plane\n\n| Host | IP | Purpose |\n|---|---|---|\n| x | 127.0.0.1 | y |\n";
	struct vos_page p;
	struct vos_diags d;
	(void)state;
	vos_diags_init(&d);
	assert_int_equal(parse_str(&p, text, strlen(text), &d), 0);
	assert_false(p.fm.present);
	assert_int_equal(p.ntables, 0);
	assert_int_equal(p.nrows, 0);
	assert_int_equal(p.nplanes, 1); /* "... Plane" still names a plane */
	vos_page_release(&p);
	vos_diags_release(&d);
}

/* ------------------------------------------------------------ bad input */

static void expect_one_error(struct vos_page *p, const char *text, size_t len, const char *rule,
                             unsigned line, unsigned col)
{
	struct vos_diags d;
	vos_diags_init(&d);
	assert_int_equal(parse_str(p, text, len, &d), VOS_EINPUT);
	if (d.n < 1)
		fail_msg("no diagnostic");
	assert_int_equal(d.items[0].severity, VOS_SEV_ERROR);
	assert_string_equal(d.items[0].rule, rule);
	assert_string_equal(d.items[0].file, "test.md");
	if (d.items[0].line != line || d.items[0].col != col)
		fail_msg("%s at %u:%u, wanted %u:%u: %s", rule, d.items[0].line, d.items[0].col, line, col,
		         d.items[0].message);
	vos_diags_release(&d);
	vos_page_release(p);
}

static void test_invalid_utf8(void **state)
{
	static const char t1[] = "---\ntitle: x\n---\n# T\n\nabc \xff def\n";
	static const char t2[] = "# T\n\n| Service | IP |\n|--|--|\n| caf\xc3 | x |\n";
	static const char t3[] = "\xef\xbb\xbf# T \xc0\xaf\n";
	struct vos_page p;
	(void)state;
	expect_one_error(&p, t1, strlen(t1), "utf8", 6, 5);
	expect_one_error(&p, t2, strlen(t2), "utf8", 5, 6);
	expect_one_error(&p, t3, strlen(t3), "utf8", 1, 5); /* the BOM is not a column */
}

static void test_nul_byte(void **state)
{
	static const char t[] = "# T\nab\0c\n";
	struct vos_page p;
	(void)state;
	expect_one_error(&p, t, sizeof(t) - 1, "utf8", 2, 3);
}

static void test_bad_front_matter(void **state)
{
	static const char t1[] = "---\ntitle: ok\n  bad: indent\n---\n# T\n";
	static const char t2[] = "---\ntitle: a\ndescription: b\ntitle: c\n---\n";
	static const char t3[] = "---\ntitle: [a, b]\n---\n";
	static const char t4[] = "---\ntitle: never closed\n\n# T\n";
	static const char t5[] = "---\r\ntitle: a\r\npublished: maybe\r\n---\r\n# T\r\n";
	struct vos_page p;
	struct vos_diags d;
	(void)state;
	expect_one_error(&p, t1, strlen(t1), "yaml-syntax", 3, 6);
	expect_one_error(&p, t2, strlen(t2), "yaml-duplicate-key", 4, 1);
	expect_one_error(&p, t3, strlen(t3), "front-matter", 2, 8);
	expect_one_error(&p, t4, strlen(t4), "front-matter", 1, 1);
	expect_one_error(&p, t5, strlen(t5), "front-matter", 3, 12);

	/* on error the page is left empty, and releasing it again is harmless */
	vos_diags_init(&d);
	assert_int_equal(parse_str(&p, t1, strlen(t1), &d), VOS_EINPUT);
	assert_null(p.title);
	assert_null(p.text);
	assert_int_equal(p.nrows, 0);
	assert_int_equal(p.nsections, 0);
	vos_page_release(&p);
	vos_page_release(&p);
	vos_diags_release(&d);

	/* the YAML parser is told where the front matter starts: the lines its messages name are lines
	 * of the page too, not of the YAML block */
	vos_diags_init(&d);
	assert_int_equal(parse_str(&p, t2, strlen(t2), &d), VOS_EINPUT);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].message, "duplicate key 'title' (first defined at line 2)");
	assert_int_equal(d.items[0].rel_line, 2);
	vos_page_release(&p);
	vos_diags_release(&d);
}

static void test_front_matter_variants(void **state)
{
	static const char t1[] = "---\n---\n# Empty\n";
	static const char t2[] = "---   \ntitle: 'quoted: yes'\nisPublished: true\ntags: single\ndescription:\n---\n";
	static const char t3[] = "---\r\ntitle: crlf\r\n---\r\n\r\n| Service | IP |\r\n|--|--|\r\n| a | b |\r\n";
	struct vos_page p;
	struct vos_diags d;
	(void)state;
	vos_diags_init(&d);
	assert_int_equal(parse_str(&p, t1, strlen(t1), &d), 0);
	assert_true(p.fm.present);
	assert_int_equal(p.fm.last_line, 2);
	assert_null(p.fm.title);
	assert_string_equal(p.title, "Empty");
	vos_page_release(&p);
	assert_int_equal(parse_str(&p, t2, strlen(t2), &d), 0);
	assert_string_equal(p.fm.title, "quoted: yes");
	assert_int_equal(p.fm.published, 1);
	assert_string_equal(p.fm.tags, "single");
	assert_string_equal(p.fm.description, "");
	assert_null(p.title);
	vos_page_release(&p);
	assert_int_equal(parse_str(&p, t3, strlen(t3), &d), 0);
	assert_string_equal(p.fm.title, "crlf");
	assert_true(p.crlf);
	assert_int_equal(p.nrows, 1);
	assert_int_equal(p.rows[0].loc.line, 7);
	assert_int_equal(p.rows[0].host, -1);
	assert_int_equal(p.tables[0].section, -1);
	assert_int_equal(d.n, 0);
	vos_page_release(&p);
	vos_diags_release(&d);
}

static void test_too_large(void **state)
{
	static const char t[] = "# T\n";
	struct vos_page p;
	struct vos_diags d;
	(void)state;
	vos_diags_init(&d);
	/* the size is checked before a byte is read */
	assert_int_equal(parse_str(&p, t, (size_t)VOS_MAX_PAGE_BYTES + 1, &d), VOS_EINPUT);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].file, "test.md");
	assert_non_null(strstr(d.items[0].message, "larger than"));
	vos_page_release(&p);
	vos_diags_release(&d);
}

static void test_missing_file(void **state)
{
	struct vos_page p;
	struct vos_diags d;
	char *path = fixture_path("page/no-such-page.md");
	(void)state;
	vos_diags_init(&d);
	assert_int_equal(vos_page_load(&p, path, &d), VOS_EINPUT);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].file, path);
	assert_int_equal(d.items[0].line, 0);
	assert_non_null(strstr(d.items[0].message, "unable to open"));
	assert_non_null(strstr(d.items[0].message, "no-such-page.md"));
	assert_int_equal(p.nrows, 0);
	vos_page_release(&p);
	vos_diags_release(&d);
	free(path);
}

static void test_directory(void **state)
{
	struct vos_page p;
	struct vos_diags d;
	char *path = fixture_path("page");
	(void)state;
	vos_diags_init(&d);
	assert_int_equal(vos_page_load(&p, path, &d), VOS_EINPUT);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].file, path);
	assert_int_equal(d.items[0].line, 0);
	assert_non_null(strstr(d.items[0].message, "directory"));
	vos_page_release(&p);
	vos_diags_release(&d);
	free(path);
}

/* Prose directly above a table (no blank line): cmark-gfm reports the paragraph's first line as the
 * table's; the table is only its own lines, and links in that prose keep their lines. */
static void test_prose_above_table(void **state)
{
	static const char page[] =
		"---\ntitle: X\n---\n"                          /* 1-3 */
		"## Control Plane (skynet)\n"                    /* 4 */
		"**Stateless containers only.**\n"               /* 5 */
		"See [[vos/network]] and [net](/homelab/net).\n" /* 6 */
		"| Service | IP | Purpose |\n"                    /* 7 */
		"|---|---|---|\n"                                /* 8 */
		"| LiteLLM | <LAN_IP> | Router |\n"               /* 9 */
		"| SearxNG | <LAN_IP> | Search |\n"               /* 10 */
		"\n"
		"### watson (GPU)\n"                             /* 12 */
		"Lead-in.\n"                                     /* 13 */
		"| Service | IP |\n"                             /* 14 */
		"|---|---|\n"                                    /* 15 */
		"\nAfter.\n";
	struct vos_page p;
	struct vos_diags d;
	(void)state;
	vos_diags_init(&d);
	assert_int_equal(parse_str(&p, page, strlen(page), &d), 0);
	assert_int_equal(p.ntables, 2);
	assert_int_equal(p.tables[0].ncols, 3);
	assert_string_equal(p.tables[0].cols[0].name, "Service");
	assert_int_equal(p.tables[0].first_line, 7);
	assert_int_equal(p.tables[0].last_line, 10);
	assert_int_equal(p.tables[0].nrows, 2);
	assert_int_equal(p.rows[0].loc.line, 9);
	assert_int_equal(p.rows[1].loc.line, 10);
	assert_string_equal(p.rows[0].service, "LiteLLM");
	/* a table without body rows ends at its delimiter row */
	assert_int_equal(p.tables[1].first_line, 14);
	assert_int_equal(p.tables[1].last_line, 15);
	assert_int_equal(p.tables[1].nrows, 0);
	/* the prose's links: their own line and column */
	assert_int_equal(p.nlinks, 2);
	assert_string_equal(p.links[0].target, "vos/network");
	assert_int_equal(p.links[0].loc.line, 6);
	assert_int_equal(p.links[0].loc.col, col_of(page, 6, "[[vos"));
	assert_string_equal(p.links[1].target, "/homelab/net");
	assert_int_equal(p.links[1].loc.line, 6);
	assert_int_equal(p.links[1].loc.col, col_of(page, 6, "[net]"));
	assert_int_equal(d.n, 0);
	vos_page_release(&p);
	vos_diags_release(&d);
}

/* Many rows: every one found, lines exact at the end (the parse is linear). */
static void test_many_rows(void **state)
{
	struct vos_buf b = VOS_BUF_INIT;
	struct vos_page p;
	struct vos_diags d;
	size_t i, n = 20000;
	(void)state;
	vos_buf_adds(&b, "---\ntitle: big\n---\n# Big\n\n## Data Plane (big)\n\n| Service | IP | Purpose |\n|---|---|---|\n");
	for (i = 0; i < n; i++)
		vos_buf_addf(&b, "| svc-%zu | 127.0.%zu.%zu | row %zu |\n", i, (i / 250) % 256, i % 250 + 1, i);
	vos_diags_init(&d);
	assert_int_equal(parse_str(&p, b.ptr, b.len, &d), 0);
	assert_int_equal(p.nrows, n);
	assert_int_equal(p.rows[n - 1].loc.line, 10 + n - 1);
	assert_string_equal(p.rows[n - 1].service, "svc-19999");
	assert_string_equal(p.rows[n - 1].address, "127.0.79.250");
	assert_int_equal(p.rows[n - 1].host, 0);
	assert_int_equal(p.tables[0].last_line, 10 + n - 1);
	vos_page_release(&p);
	vos_diags_release(&d);
	vos_buf_release(&b);
}

/* Mutated seed pages (Markdown punctuation, line breaks, invalid bytes): never a crash, and every
 * location stays on the page: row lines inside the file, cell columns inside their line. */
static void test_mutations(void **state)
{
	static const char alphabet[] = "|||\\`*_[]-> #\n\n\r\t<>:0aZ\xff\xe2";
	struct vos_page p;
	struct vos_diags d;
	size_t len, i, k, ok = 0;
	char *text = read_fixture("seeds/000-services.md", &len);
	char *m = vos_malloc(len);
	uint32_t seed = 12345;
	(void)state;
	for (i = 0; i < 1500; i++) {
		memcpy(m, text, len);
		for (k = 0; k < 1 + i % 6; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t pos = (seed >> 8) % len;
			seed = seed * 1103515245u + 12345u;
			m[pos] = alphabet[(seed >> 8) % (sizeof(alphabet) - 1)];
		}
		vos_diags_init(&d);
		if (parse_str(&p, m, len, &d) == 0) {
			unsigned nlines = 1;
			size_t j, c;
			ok++;
			for (j = 0; j < len; j++)
				if (m[j] == '\n' || (m[j] == '\r' && (j + 1 >= len || m[j + 1] != '\n')))
					nlines++;
			for (j = 0; j < p.nrows; j++) {
				const struct vos_page_row *r = &p.rows[j];
				size_t at = 0, ll = 0;
				unsigned l = 1;
				assert_true(r->loc.line >= 1 && r->loc.line <= nlines);
				/* the row's line length (lines end at \n, \r\n or a lone \r) */
				for (at = 0; at < len && l < r->loc.line; at++)
					if (m[at] == '\n' || (m[at] == '\r' && (at + 1 >= len || m[at + 1] != '\n')))
						l++;
				while (at + ll < len && m[at + ll] != '\n' && m[at + ll] != '\r')
					ll++;
				for (c = 0; c < r->ncells; c++) {
					assert_true(r->cell_cols[c] <= r->cell_ends[c]);
					assert_true(r->cell_ends[c] <= ll + 1);
					assert_non_null(r->cells[c]);
				}
				assert_true(r->host >= -1 && r->host < (int)p.nhosts);
				assert_true(r->plane >= -1 && r->plane < (int)p.nplanes);
			}
			for (j = 0; j < p.nlinks; j++)
				assert_true(p.links[j].loc.line >= 1 && p.links[j].loc.line <= nlines);
		} else
			assert_true(d.errors > 0);
		vos_page_release(&p);
		vos_diags_release(&d);
	}
	assert_true(ok > 100);
	free(m);
	free(text);
}

/* A page over the chunk size is parsed section by section: the result must be the same as one
 * whole-document parse (forced here by a link reference definition, which disables splitting). */
static void build_sections(struct vos_buf *b, int nsec)
{
	vos_buf_adds(b, "---\ntitle: Big\n---\n\n# Big\n\n## Compute Plane\n\n");
	for (int i = 0; i < nsec; i++) {
		vos_buf_addf(b, "### host-%04d (Role)\n\n| Service | IP | Purpose |\n|---|---|---|\n", i);
		for (int r = 0; r < 5; r++)
			vos_buf_addf(b, "| Svc %04d-%d | 127.0.%d.%d | purpose with `code` and [link](/x) |\n", i, r,
			             i % 250, r + 1);
		if (i == 1500) /* a fence holding heading-like lines, across where a split would fall */
			vos_buf_adds(b, "\n```\n## not a heading\n### nor this\n```\n");
		vos_buf_adds(b, "\n");
	}
	vos_buf_adds(b, "## Placement Rules\n\n1. **host-0001** does things\n2. second\n");
}

static void test_chunked_equals_whole(void **state)
{
	struct vos_buf a = VOS_BUF_INIT, b = VOS_BUF_INIT;
	struct vos_page pa, pb;
	struct vos_diags d;
	(void)state;
	build_sections(&a, 3000);
	assert_true(a.len > 4 * 256 * 1024);
	vos_buf_add(&b, a.ptr, a.len);
	vos_buf_adds(&b, "\n[ref]: /somewhere\n");
	vos_diags_init(&d);
	assert_int_equal(vos_page_parse(&pa, "a.md", a.ptr, a.len, &d), 0);
	assert_int_equal(vos_page_parse(&pb, "b.md", b.ptr, b.len, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(pa.nrows, 15000);
	assert_int_equal(pa.nrows, pb.nrows);
	assert_int_equal(pa.nhosts, 3000);
	assert_int_equal(pa.nhosts, pb.nhosts);
	assert_int_equal(pa.nsections, pb.nsections);
	assert_int_equal(pa.ntables, pb.ntables);
	assert_int_equal(pa.nrules, 2);
	assert_int_equal(pa.nrules, pb.nrules);
	assert_string_equal(pa.rules[0].subject, "host-0001");
	assert_int_equal(pa.rules[1].loc.line, pb.rules[1].loc.line);
	for (size_t i = 0; i < pa.nrows; i++) {
		assert_string_equal(pa.rows[i].service, pb.rows[i].service);
		assert_string_equal(pa.rows[i].address, pb.rows[i].address);
		assert_string_equal(pa.rows[i].purpose, pb.rows[i].purpose);
		assert_int_equal(pa.rows[i].loc.line, pb.rows[i].loc.line);
		assert_int_equal(pa.rows[i].addr_loc.col, pb.rows[i].addr_loc.col);
		assert_int_equal(pa.rows[i].host, pb.rows[i].host);
	}
	/* the row line is the line it was written on: header 5 lines + 2 blank/plane lines */
	assert_int_equal(pa.rows[0].loc.line, 13);
	for (size_t i = 0; i < pa.nsections; i++)
		assert_null(strstr(pa.sections[i].title, "not a heading"));
	vos_page_release(&pa);
	vos_page_release(&pb);
	vos_diags_release(&d);
	vos_buf_release(&a);
	vos_buf_release(&b);
}

/* The one diagnostic of rule `rule` (fails when there is not exactly one). */
static const struct vos_diag *one_diag(const struct vos_diags *d, const char *rule)
{
	const struct vos_diag *hit = NULL;
	size_t i, n = 0;
	for (i = 0; i < d->n; i++)
		if (strcmp(d->items[i].rule, rule) == 0) {
			hit = &d->items[i];
			n++;
		}
	if (n != 1)
		fail_msg("%zu diagnostics [%s], wanted 1", n, rule);
	return hit;
}

/* issue 13: "#### napster" one level deeper than the other host headings was read as more rows of
 * the host above */
static void test_deep_host_heading(void **state)
{
	static const char t[] =
		"# S\n\n## Compute Plane\n\n### mothership (Containers)\n\n| Service | IP |\n|--|--|\n| Traefik | x |\n\n"
		"#### napster\n\n| Service | IP |\n|--|--|\n| Radarr | x |\n| Sonarr | x |\n\n"
		"#### Notes\n\nprose only\n\n##### More services\n\n| Service | IP |\n|--|--|\n| Lidarr | x |\n";
	struct vos_page p;
	struct vos_diags d;
	const struct vos_diag *w;
	(void)state;
	vos_diags_init(&d);
	assert_int_equal(parse_str(&p, t, strlen(t), &d), 0);
	assert_int_equal(p.nhosts, 2);
	assert_string_equal(p.hosts[1].name, "napster");
	assert_int_equal(p.nrows, 4);
	assert_string_equal(p.hosts[p.rows[0].host].name, "mothership");
	assert_string_equal(p.hosts[p.rows[1].host].name, "napster");
	assert_string_equal(p.hosts[p.rows[2].host].name, "napster");
	/* a deeper heading that is no host name keeps its rows on the host above */
	assert_string_equal(p.hosts[p.rows[3].host].name, "napster");
	w = one_diag(&d, "page-heading-level");
	assert_int_equal(w->severity, VOS_SEV_WARNING);
	assert_int_equal(w->line, 11);
	assert_int_equal(w->col, 1);
	assert_non_null(strstr(w->message, "host 'mothership' (line 5)"));
	assert_int_equal(d.n, 1);
	vos_page_release(&p);
	vos_diags_release(&d);
}

/* issue 13: "## Infrastructure - hal" said nothing about the "(hal)" form */
static void test_heading_separator_hint(void **state)
{
	static const char t[] =
		"# S\n\n## Data Plane\n\n### deep-thought (Databases)\n\n| Service | IP |\n|--|--|\n| Redis | x |\n\n"
		"### alexandria - Storage\n\n| Service | IP |\n|--|--|\n| NFS | x |\n\n"
		"## Infrastructure - hal\n\n| Service | IP |\n|--|--|\n| DHCP | x |\n\n"
		"## Other\n\n| Service | IP |\n|--|--|\n| Ghost | x |\n";
	struct vos_page p;
	struct vos_diags d;
	size_t i, nhint = 0;
	(void)state;
	vos_diags_init(&d);
	assert_int_equal(parse_str(&p, t, strlen(t), &d), 0);
	assert_int_equal(p.nhosts, 1);
	assert_int_equal(p.nrows, 4);
	assert_int_equal(p.rows[2].host, -1);
	for (i = 0; i < d.n; i++) {
		const struct vos_diag *w = &d.items[i];
		if (strcmp(w->rule, "page-heading-host"))
			continue;
		nhint++;
		assert_int_equal(w->severity, VOS_SEV_WARNING);
		if (w->line == 11)
			assert_string_equal(w->message, "heading 'alexandria - Storage' does not name a host: the rows "
			                    "under it are placed on 'deep-thought'; write '### alexandria (Storage)' to "
			                    "place them on 'alexandria'");
		else {
			assert_int_equal(w->line, 17);
			assert_string_equal(w->message, "heading 'Infrastructure - hal' does not name a host: the rows "
			                    "under it are placed on no host; write '## Infrastructure (hal)' to place "
			                    "them on 'hal'");
		}
	}
	assert_int_equal(nhint, 2);
	/* "## Other" has no separator: the general warning, at the table's header row */
	assert_int_equal(one_diag(&d, "page-table-no-host")->line, 25);
	assert_int_equal(d.n, 3);
	vos_page_release(&p);
	vos_diags_release(&d);
}

/* issue 13: rows after a blank line inside a table vanished (cmark-gfm reads them as a paragraph) */
static void test_table_break(void **state)
{
	static const char t[] =
		"# S\n\n## Control Plane (skynet)\n\n| No | Service | IP |\n|--|--|--|\n| 1 | Open WebUI | x |\n\n"
		"| 2 | LiteLLM | x |\n| 3 | `Haystack` |\n\n| 4 | SearxNG | x |\n\nProse | with a pipe\n\n"
		"a paragraph\n\n| 5 | Lost | x |\n";
	struct vos_page p;
	struct vos_diags d;
	size_t i, n = 0;
	(void)state;
	vos_diags_init(&d);
	assert_int_equal(parse_str(&p, t, strlen(t), &d), 0);
	assert_int_equal(p.nrows, 1);
	assert_int_equal(p.nstrays, 3);
	assert_string_equal(p.strays[0].service, "LiteLLM");
	assert_int_equal(p.strays[0].loc.line, 9);
	assert_string_equal(p.strays[1].service, "Haystack");
	assert_int_equal(p.strays[1].loc.line, 10);
	assert_string_equal(p.strays[2].service, "SearxNG");
	assert_int_equal(p.strays[2].loc.line, 12);
	/* prose with a pipe in it is prose, and a row after other blocks is not the table's */
	assert_ptr_equal(vos_page_stray_named(&p, "searxng"), &p.strays[2]);
	assert_null(vos_page_stray_named(&p, "Open WebUI"));
	assert_null(vos_page_stray_named(&p, "Lost"));
	for (i = 0; i < d.n; i++) {
		assert_string_equal(d.items[i].rule, "page-table-break");
		assert_int_equal(d.items[i].severity, VOS_SEV_WARNING);
		assert_non_null(strstr(d.items[i].message, "a blank line ended the table at line 8"));
		n++;
	}
	assert_int_equal(d.items[0].line, 9);
	assert_non_null(strstr(d.items[0].message, ": 2 rows from here on are not read"));
	assert_int_equal(n, 2);
	vos_page_release(&p);
	vos_diags_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed000),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_seed002),
		cmocka_unit_test(test_seed001),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_indented_rows),
		cmocka_unit_test(test_no_front_matter),
		cmocka_unit_test(test_no_service_column),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_bad_front_matter),
		cmocka_unit_test(test_front_matter_variants),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_prose_above_table),
		cmocka_unit_test(test_many_rows),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_chunked_equals_whole),
		cmocka_unit_test(test_deep_host_heading),
		cmocka_unit_test(test_heading_separator_hint),
		cmocka_unit_test(test_table_break),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
