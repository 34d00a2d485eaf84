/* fuzz_entry.h - the entry points the fuzz targets (tests/fuzz/fuzz_*.c) and the regression replay
 * (tests/unit/test_fuzz_regress.c) share, so that a kept reproducer goes through exactly the code
 * the fuzzer ran. Each function parses untrusted bytes, releases everything (a leak is a bug) and
 * returns the parser's result (0 or a negative enum vos_error); it never crashes, whatever the input.
 */
#ifndef VOS_FUZZ_ENTRY_H
#define VOS_FUZZ_ENTRY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "diag.h"
#include "model.h"
#include "rules.h"
#include "util.h"

/* The services page parser. */
static inline int vos_fuzz_page(const uint8_t *data, size_t size)
{
	struct vos_page page;
	struct vos_diags diags;
	int err;
	vos_diags_init(&diags);
	err = vos_page_parse(&page, "fuzz.md", (const char *)data, size, &diags);
	vos_page_release(&page);
	vos_diags_release(&diags);
	return err;
}

/* The inventory loader: one buffer as one inventory file, then the cross-reference checks. */
static inline int vos_fuzz_inventory(const uint8_t *data, size_t size)
{
	struct vos_inventory inv;
	struct vos_diags diags;
	int err, ferr;
	vos_diags_init(&diags);
	vos_inventory_init(&inv);
	err = vos_inventory_load_buffer(&inv, "fuzz.yaml", (const char *)data, size, &diags);
	ferr = vos_inventory_finish(&inv, &diags);
	vos_inventory_release(&inv);
	vos_diags_release(&diags);
	return err < 0 ? err : ferr;
}

/* The configuration loader (vosctl.yaml text; nothing is read from disk). */
static inline int vos_fuzz_config(const uint8_t *data, size_t size)
{
	struct vos_config cfg;
	struct vos_diags diags;
	int err;
	vos_diags_init(&diags);
	err = vos_config_parse(&cfg, "vosctl.yaml", "/nonexistent/base", (const char *)data, size, &diags);
	vos_config_release(&cfg);
	vos_diags_release(&diags);
	return err;
}

/* Where the rules input splits: the first line that is exactly "----" (page above, YAML below). */
static inline size_t vos_fuzz_split(const char *s, size_t size, size_t *rest_out)
{
	size_t i = 0;
	while (i < size) {
		const char *nl = memchr(s + i, '\n', size - i);
		size_t end = nl ? (size_t)(nl - s) : size;
		size_t n = end - i;
		if (n > 0 && s[end - 1] == '\r')
			n--;
		if (n == 4 && memcmp(s + i, "----", 4) == 0) {
			*rest_out = nl ? end + 1 : size;
			return i;
		}
		i = nl ? end + 1 : size;
	}
	*rest_out = size;
	return size;
}

/* The rule engine on a loaded model: page + "----" line + inventory YAML. Like the commands, the
 * model is built only when both inputs parsed. */
static inline int vos_fuzz_rules(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct vos_page page;
	struct vos_inventory inv;
	struct vos_model model;
	struct vos_diags diags;
	size_t rest, plen = vos_fuzz_split(s, size, &rest);
	int perr, ierr;
	vos_diags_init(&diags);
	vos_inventory_init(&inv);
	perr = vos_page_parse(&page, "fuzz.md", s, plen, &diags);
	ierr = vos_inventory_load_buffer(&inv, "fuzz.yaml", s + rest, size - rest, &diags);
	if (ierr == 0)
		ierr = vos_inventory_finish(&inv, &diags);
	if (perr == 0 && ierr == 0) {
		vos_model_build(&model, &page, &inv, &diags);
		vos_check_integrity(&model, &diags);
		vos_rules_check(&model, &diags);
		vos_model_release(&model);
	}
	vos_page_release(&page);
	vos_inventory_release(&inv);
	vos_diags_release(&diags);
	return perr < 0 ? perr : ierr;
}

/* A canonical dump of everything a page parse yields (the model and the diagnostics, locations
 * included), so that two parses can be compared byte for byte. */
static inline void vos_fuzz_loc(struct vos_buf *b, const struct vos_loc *l)
{
	vos_buf_addf(b, " @%u:%u", l->line, l->col);
}

static inline void vos_fuzz_str(struct vos_buf *b, const char *k, const char *v)
{
	vos_buf_addf(b, " %s=", k);
	if (v) {
		vos_buf_addc(b, '"');
		vos_buf_adds(b, v);
		vos_buf_addc(b, '"');
	} else {
		vos_buf_adds(b, "NULL");
	}
}

static inline void vos_fuzz_page_dump(struct vos_buf *b, int err, const struct vos_page *p,
                                      const struct vos_diags *d)
{
	size_t i, j;
	vos_buf_addf(b, "rc %d bom %d crlf %d", err, p->bom, p->crlf);
	vos_fuzz_str(b, "title", p->title);
	vos_buf_addf(b, "\nfm %d %d %u %u", p->fm.present, p->fm.published, p->fm.first_line, p->fm.last_line);
	vos_fuzz_str(b, "title", p->fm.title);
	vos_fuzz_str(b, "description", p->fm.description);
	vos_fuzz_str(b, "date", p->fm.date);
	vos_fuzz_str(b, "tags", p->fm.tags);
	vos_fuzz_str(b, "editor", p->fm.editor);
	vos_fuzz_str(b, "created", p->fm.date_created);
	for (i = 0; i < p->nsections; i++) {
		const struct vos_page_section *s = &p->sections[i];
		vos_buf_addf(b, "\nsection %d host %d plane %d", s->level, s->host, s->plane);
		vos_fuzz_str(b, "title", s->title);
		vos_fuzz_str(b, "name", s->name);
		vos_fuzz_str(b, "paren", s->paren);
		vos_fuzz_loc(b, &s->loc);
	}
	for (i = 0; i < p->nplanes; i++) {
		vos_buf_adds(b, "\nplane");
		vos_fuzz_str(b, "name", p->planes[i].name);
		vos_fuzz_loc(b, &p->planes[i].loc);
	}
	for (i = 0; i < p->nhosts; i++) {
		const struct vos_page_host *h = &p->hosts[i];
		vos_buf_addf(b, "\nhost plane %d", h->plane);
		vos_fuzz_str(b, "name", h->name);
		vos_fuzz_str(b, "role", h->role);
		vos_fuzz_loc(b, &h->loc);
	}
	for (i = 0; i < p->ntables; i++) {
		const struct vos_page_table *t = &p->tables[i];
		vos_buf_addf(b, "\ntable lines %u-%u rows %zu+%zu section %d cols", t->first_line, t->last_line,
		             t->first_row, t->nrows, t->section);
		for (j = 0; j < t->ncols; j++)
			vos_buf_addf(b, " %d:\"%s\"", t->cols[j].role, t->cols[j].name ? t->cols[j].name : "");
	}
	for (i = 0; i < p->nrows; i++) {
		const struct vos_page_row *r = &p->rows[i];
		vos_buf_addf(b, "\nrow host %d plane %d table %d placeholder %d", r->host, r->plane, r->table,
		             r->address_placeholder);
		vos_fuzz_str(b, "service", r->service);
		vos_fuzz_str(b, "address", r->address);
		vos_fuzz_str(b, "purpose", r->purpose);
		vos_fuzz_loc(b, &r->loc);
		vos_fuzz_loc(b, &r->addr_loc);
		for (j = 0; j < r->ncells; j++) {
			vos_fuzz_str(b, "cell", r->cells[j]);
			vos_buf_addf(b, "[%u,%u)", r->cell_cols[j], r->cell_ends[j]);
		}
	}
	for (i = 0; i < p->nrules; i++) {
		vos_buf_addf(b, "\nrule %d", p->rules[i].number);
		vos_fuzz_str(b, "text", p->rules[i].text);
		vos_fuzz_str(b, "subject", p->rules[i].subject);
		vos_fuzz_loc(b, &p->rules[i].loc);
	}
	for (i = 0; i < p->nstatements; i++) {
		vos_buf_adds(b, "\nstatement");
		vos_fuzz_str(b, "text", p->statements[i].text);
		vos_fuzz_loc(b, &p->statements[i].loc);
	}
	for (i = 0; i < p->nlinks; i++) {
		vos_buf_addf(b, "\nlink %d", p->links[i].kind);
		vos_fuzz_str(b, "target", p->links[i].target);
		vos_fuzz_loc(b, &p->links[i].loc);
	}
	for (i = 0; i < d->n; i++) {
		const struct vos_diag *g = &d->items[i];
		vos_buf_addf(b, "\ndiag %d %u:%u", (int)g->severity, g->line, g->col);
		vos_fuzz_str(b, "rule", g->rule);
		vos_fuzz_str(b, "message", g->message);
		vos_fuzz_str(b, "service", g->service);
		vos_fuzz_str(b, "host", g->host);
		vos_buf_addf(b, " rel %u:%u", g->rel_line, g->rel_col);
	}
	vos_buf_addf(b, "\ndiags %zu errors %zu warnings %zu\n", d->n, d->errors, d->warnings);
}

static inline int vos_fuzz_page_parse_dump(struct vos_buf *b, const uint8_t *data, size_t size, size_t chunk)
{
	struct vos_page page;
	struct vos_diags diags;
	int err;
	vos_diags_init(&diags);
	err = vos_page_parse_chunked(&page, "fuzz.md", (const char *)data, size, chunk, &diags);
	vos_fuzz_page_dump(b, err, &page, &diags);
	vos_page_release(&page);
	vos_diags_release(&diags);
	return err;
}

/* The differential page target: the page parsed whole, and split at every heading it may be split
 * at (pieces of 1 and of 64 bytes at least), must give the same model and the same diagnostics.
 * Returns the whole parse's result when all agree, 1 (after printing the two dumps to stderr) when
 * they differ. */
static inline int vos_fuzz_page_diff(const uint8_t *data, size_t size)
{
	static const size_t chunks[] = {1, 64};
	struct vos_buf whole = VOS_BUF_INIT, part = VOS_BUF_INIT;
	size_t i;
	int err = vos_fuzz_page_parse_dump(&whole, data, size, SIZE_MAX), rc = err;
	for (i = 0; i < VOS_ARRAY_SIZE(chunks) && rc <= 0; i++) {
		vos_buf_reset(&part);
		vos_fuzz_page_parse_dump(&part, data, size, chunks[i]);
		if (part.len != whole.len || memcmp(part.ptr, whole.ptr, whole.len)) {
			fprintf(stderr, "page parses differ (whole, then in pieces of %zu bytes):\n%.*s----\n%.*s",
			        chunks[i], (int)whole.len, whole.ptr, (int)part.len, part.ptr);
			rc = 1;
		}
	}
	vos_buf_release(&whole);
	vos_buf_release(&part);
	return rc;
}

#endif
