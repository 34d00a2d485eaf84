/* render.c - the reconciled services page (edited in place by line ranges), the generated
 * inventory page, the status page, and a unified diff. See docs/render.md.
 *
 * The services page is never re-rendered through a Markdown renderer: its original bytes are
 * copied, and only the lines of services tables are rebuilt (plus the front matter `date` line
 * when something else changed). */
#define _GNU_SOURCE
#include "render.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------ lines */

struct line {
	const char *p;   /* content, without the terminator */
	size_t len;
	const char *eol; /* the terminator in the text ("\n", "\r\n", "\r"); for a last line without
	                  * one, the end of the text (eollen 0): always in the text, so that
	                  * l->eol + l->eollen - x is an offset for any x in it */
	size_t eollen;
};

struct lines {
	struct line *items;
	size_t n, alloc;
};

/* Splits text into lines the way cmark counts them (\n, \r\n and a lone \r end a line). */
static void lines_split(struct lines *out, const char *text, size_t len)
{
	size_t i = 0, start = 0;
	while (i < len) {
		if (text[i] == '\n' || text[i] == '\r') {
			struct line *l = VOS_PUSH(out->items, out->n, out->alloc);
			l->p = text + start;
			l->len = i - start;
			l->eol = text + i;
			l->eollen = (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n') ? 2 : 1;
			i += l->eollen;
			start = i;
			continue;
		}
		i++;
	}
	if (start < len) {
		struct line *l = VOS_PUSH(out->items, out->n, out->alloc);
		l->p = text + start;
		l->len = len - start;
		l->eol = text + len;
		l->eollen = 0;
	}
}

static void lines_release(struct lines *l)
{
	free(l->items);
	memset(l, 0, sizeof(*l));
}

static bool has_bom(const char *t, size_t len)
{
	return len >= 3 && (unsigned char)t[0] == 0xEF && (unsigned char)t[1] == 0xBB &&
	       (unsigned char)t[2] == 0xBF;
}

size_t vos_render_width(const char *s, size_t len)
{
	size_t i, w = 0;
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			w++;
	return w;
}

/* ------------------------------------------------------------------ cells */

struct cell {
	const char *p;
	size_t len;
};

struct cells {
	struct cell *items;
	size_t n, alloc;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void trim(const char **p, size_t *len)
{
	while (*len && is_blank(**p))
		(*p)++, (*len)--;
	while (*len && is_blank((*p)[*len - 1]))
		(*len)--;
}

/* Splits a table row into its cells' source text (trimmed), as cmark-gfm's table extension does:
 * on every pipe not escaped by a backslash (code spans do not protect a pipe in GFM). An optional
 * leading and trailing pipe delimit the row. */
static void split_row(struct cells *out, const char *p, size_t len)
{
	size_t i, start;
	bool trailing_pipe = false;
	out->n = 0;
	trim(&p, &len);
	if (len && p[0] == '|')
		p++, len--;
	start = 0;
	for (i = 0; i < len; i++) {
		if (p[i] == '\\' && i + 1 < len) {
			i++;
			continue;
		}
		if (p[i] == '|') {
			struct cell *c = VOS_PUSH(out->items, out->n, out->alloc);
			c->p = p + start;
			c->len = i - start;
			trim(&c->p, &c->len);
			start = i + 1;
			if (i + 1 == len)
				trailing_pipe = true;
		}
	}
	if (!trailing_pipe && (start < len || out->n == 0)) {
		struct cell *c = VOS_PUSH(out->items, out->n, out->alloc);
		c->p = p + start;
		c->len = len - start;
		trim(&c->p, &c->len);
	}
}

/* Escapes plain text for a table cell: Markdown punctuation gets a backslash so that the page
 * parser reads back exactly this text; line breaks become spaces. */
static void add_cell_text(struct vos_buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t') {
			vos_buf_addc(b, ' ');
			continue;
		}
		if (strchr("\\`*_[]<>|&~", *s))
			vos_buf_addc(b, '\\');
		vos_buf_addc(b, *s);
	}
}

/* ------------------------------------------------------------------ the model side */

/* For each page row, the model service that lists it (or NULL). Caller frees. */
static const struct vos_mservice **services_by_row(const struct vos_model *m, const struct vos_page *page)
{
	const struct vos_mservice **v = vos_calloc(page->nrows + 1, sizeof(*v));
	size_t i;
	for (i = 0; i < m->nservices; i++) {
		const struct vos_page_row *r = m->services[i].row;
		if (r && r >= page->rows && r < page->rows + page->nrows && !v[r - page->rows])
			v[r - page->rows] = &m->services[i];
	}
	return v;
}

/* The host a services table sits under, or NULL. */
static const char *table_host(const struct vos_page *page, const struct vos_page_table *t)
{
	if (t->section >= 0 && (size_t)t->section < page->nsections) {
		int h = page->sections[t->section].host;
		if (h >= 0 && (size_t)h < page->nhosts)
			return page->hosts[h].name;
	}
	if (t->nrows && t->first_row < page->nrows) {
		int h = page->rows[t->first_row].host;
		if (h >= 0 && (size_t)h < page->nhosts)
			return page->hosts[h].name;
	}
	return NULL;
}

/* Host name (vos_name_eq) -> index + 1 of the last services table under that host. */
static void host_tables(struct vos_map *out, const struct vos_page *page)
{
	size_t ti;
	vos_map_init(out, VOS_NAMES_NOCASE);
	for (ti = 0; ti < page->ntables; ti++) {
		const char *h = table_host(page, &page->tables[ti]);
		if (h)
			vos_map_put(out, h, (void *)(uintptr_t)(ti + 1));
	}
}

/* The page table an inventory service the page lacks is added to: the last table of its
 * inventory host. (size_t)-1 when none. */
static size_t table_for(const struct vos_map *tables, const struct vos_mservice *s)
{
	void *v;
	if (!s->inv || s->row || !s->inv->host)
		return (size_t)-1;
	v = vos_map_get(tables, s->inv->host);
	return v ? (size_t)(uintptr_t)v - 1 : (size_t)-1;
}

static void add_code(struct vos_buf *b, const char *s);
static void add_text(struct vos_buf *b, const char *s);

static void add_ports(struct vos_buf *b, const struct vos_service *s, bool markdown_cell)
{
	size_t i;
	for (i = 0; i < s->nports; i++) {
		const struct vos_port *p = &s->ports[i];
		if (i)
			vos_buf_adds(b, ", ");
		vos_port_describe(b, p);
		if (!markdown_cell) {
			bool paren = p->name || p->check == VOS_CHECK_HTTP || p->check == VOS_CHECK_HTTPS ||
			             p->check == VOS_CHECK_NONE;
			if (p->address) {
				vos_buf_adds(b, " on ");
				add_code(b, p->address);
			}
			if (paren)
				vos_buf_adds(b, " (");
			if (p->name) {
				add_text(b, p->name);
				if (p->check != VOS_CHECK_TCP)
					vos_buf_adds(b, ", ");
			}
			if (p->check == VOS_CHECK_HTTP || p->check == VOS_CHECK_HTTPS) {
				vos_buf_adds(b, p->check == VOS_CHECK_HTTP ? "http " : "https ");
				add_code(b, p->path ? p->path : "/");
			} else if (p->check == VOS_CHECK_NONE) {
				vos_buf_adds(b, "not probed");
			}
			if (paren)
				vos_buf_addc(b, ')');
		}
	}
}

/* ------------------------------------------------------------------ services page */

struct trow {
	struct cell *cells;
	size_t n;
};

struct ttable {
	struct trow *rows;   /* header first, then body rows (the delimiter is not a row) */
	size_t n, alloc;
};

static struct cell arena_cell(struct vos_arena *a, const char *p, size_t len)
{
	struct cell c;
	c.p = vos_arena_strndup(a, p, len);
	c.len = len;
	return c;
}

static struct trow row_from_line(struct vos_arena *a, struct cells *tmp, const struct line *l)
{
	struct trow r;
	size_t i;
	split_row(tmp, l->p, l->len);
	r.n = tmp->n;
	r.cells = vos_arena_alloc(a, (tmp->n ? tmp->n : 1) * sizeof(*r.cells));
	for (i = 0; i < tmp->n; i++)
		r.cells[i] = tmp->items[i];
	return r;
}

/* Writes the table canonically into b: header, delimiter (alignment kept), body rows. */
static void table_write(struct vos_buf *b, const struct ttable *t, const char *align, size_t ncols,
                        const char *indent, size_t indentlen, const char *eol, const char *last_eol)
{
	size_t *w = vos_calloc(ncols + 1, sizeof(*w));
	size_t r, c, k;
	for (c = 0; c < ncols; c++)
		w[c] = 3;
	for (r = 0; r < t->n; r++)
		for (c = 0; c < ncols && c < t->rows[r].n; c++) {
			size_t cw = vos_render_width(t->rows[r].cells[c].p, t->rows[r].cells[c].len);
			if (cw > w[c])
				w[c] = cw;
		}
	for (r = 0; r < t->n; r++) {
		const struct trow *row = &t->rows[r];
		vos_buf_add(b, indent, indentlen);
		vos_buf_addc(b, '|');
		for (c = 0; c < ncols || c < row->n; c++) {
			const struct cell *cell = c < row->n ? &row->cells[c] : NULL;
			size_t cw = cell ? vos_render_width(cell->p, cell->len) : 0;
			vos_buf_addc(b, ' ');
			if (cell)
				vos_buf_add(b, cell->p, cell->len);
			if (c < ncols)
				for (k = cw; k < w[c]; k++)
					vos_buf_addc(b, ' ');
			vos_buf_adds(b, " |");
		}
		vos_buf_adds(b, r + 1 == t->n ? last_eol : eol);
		if (r == 0) {
			vos_buf_add(b, indent, indentlen);
			vos_buf_addc(b, '|');
			for (c = 0; c < ncols; c++) {
				bool left = align[c] == 'l' || align[c] == 'c';
				bool right = align[c] == 'r' || align[c] == 'c';
				size_t dashes = w[c] + 2 - (left ? 1 : 0) - (right ? 1 : 0);
				if (left)
					vos_buf_addc(b, ':');
				for (k = 0; k < dashes; k++)
					vos_buf_addc(b, '-');
				if (right)
					vos_buf_addc(b, ':');
				vos_buf_addc(b, '|');
			}
			vos_buf_adds(b, t->n == 1 ? last_eol : eol);
		}
	}
	free(w);
}

/* Sets (or inserts) the front matter's date line to now_iso; appends the result to b. */
static void frontmatter_write(struct vos_buf *b, const struct lines *L, unsigned first, unsigned last,
                              const char *now_iso, const char *page_eol)
{
	unsigned i;
	bool done = false;
	for (i = first; i <= last; i++) {
		const struct line *l = &L->items[i - 1];
		if (!done && i > first && i < last && l->len >= 5 && !memcmp(l->p, "date:", 5)) {
			size_t k = 5, vs;
			char q = 0;
			while (k < l->len && is_blank(l->p[k]))
				k++;
			vos_buf_add(b, l->p, k == 5 ? 5 : k);
			if (k == 5)
				vos_buf_addc(b, ' ');
			vs = k;
			if (vs < l->len && (l->p[vs] == '"' || l->p[vs] == '\''))
				q = l->p[vs];
			if (q)
				vos_buf_addc(b, q);
			vos_buf_adds(b, now_iso);
			if (q)
				vos_buf_addc(b, q);
			vos_buf_add(b, l->eol, l->eollen);
			done = true;
			continue;
		}
		if (!done && i > first &&
		    (i == last || (l->len >= 5 && (!memcmp(l->p, "tags:", 5) ||
		                                   (l->len >= 7 && !memcmp(l->p, "editor:", 7)) ||
		                                   (l->len >= 12 && !memcmp(l->p, "dateCreated:", 12)))))) {
			/* no date line before this one: Wiki.js puts date before tags/editor/dateCreated */
			bool later = false;
			unsigned j;
			for (j = i; j < last; j++)
				if (L->items[j - 1].len >= 5 && !memcmp(L->items[j - 1].p, "date:", 5))
					later = true;
			if (!later) {
				vos_buf_addf(b, "date: %s%s", now_iso, page_eol);
				done = true;
			}
		}
		vos_buf_add(b, l->p, l->len);
		vos_buf_add(b, l->eol, l->eollen);
	}
}

int vos_render_services_ex(char **out, size_t *outlen, bool *changed,
                           struct vos_render_stats *stats_out, const struct vos_page *page,
                           const struct vos_model *m, const char *now_iso,
                           const struct vos_render_opts *opts)
{
	struct vos_arena a;
	struct lines L = {NULL, 0, 0};
	struct cells tmp = {NULL, 0, 0};
	struct vos_buf body = VOS_BUF_INIT, res = VOS_BUF_INIT;
	struct vos_render_stats st;
	struct vos_map tables;
	const struct vos_mservice **by_row;
	struct vos_buf **table_text;   /* per page table: its rebuilt block, or NULL to keep it */
	size_t **adds;                 /* per page table: model service indexes to append */
	size_t *nadds, *adds_alloc;
	const char *text = page->text, *page_eol;
	size_t len = page->len, i, ti;
	bool bom = has_bom(page->text, page->len), content_changed = false;
	char *now_alloc = NULL;
	unsigned ln;

	memset(&st, 0, sizeof(st));
	if (!now_iso)
		now_iso = now_alloc = vos_render_now();
	vos_arena_init(&a);
	if (bom)
		text += 3, len -= 3;
	lines_split(&L, text, len);
	page_eol = page->crlf ? "\r\n" : "\n";
	by_row = services_by_row(m, page);
	table_text = vos_calloc(page->ntables + 1, sizeof(*table_text));
	adds = vos_calloc(page->ntables + 1, sizeof(*adds));
	nadds = vos_calloc(page->ntables + 1, sizeof(*nadds));
	adds_alloc = vos_calloc(page->ntables + 1, sizeof(*adds_alloc));

	/* inventory services the page does not list go to the (last) table of their host */
	host_tables(&tables, page);
	for (i = 0; i < m->nservices; i++) {
		const struct vos_mservice *s = &m->services[i];
		size_t best;
		if (!s->inv || s->row)
			continue;
		best = table_for(&tables, s);
		if (best == (size_t)-1) {
			st.unplaced++;
			continue;
		}
		*VOS_PUSH(adds[best], nadds[best], adds_alloc[best]) = i;
	}

	for (ti = 0; ti < page->ntables; ti++) {
		const struct vos_page_table *t = &page->tables[ti];
		struct ttable tt = {NULL, 0, 0};
		struct trow hdr;
		char *align;
		size_t ncols, c, addr_col = (size_t)-1, r;
		const char *indent;
		size_t indentlen = 0;
		const struct line *hl;
		size_t *row_at;  /* line - first_line - 2 -> page row index + 1 */
		size_t nbody;
		const char *first_placeholder = NULL;
		bool all_placeholder = true;

		if (t->first_line < 1 || t->last_line < t->first_line + 1 || t->last_line > L.n)
			continue;
		hl = &L.items[t->first_line - 1];
		indent = hl->p;
		while (indentlen < hl->len && is_blank(hl->p[indentlen]))
			indentlen++;
		if (indentlen > 3 || (indentlen < hl->len && hl->p[indentlen] == '>'))
			continue; /* not a plain top-level table: leave it as written */
		hdr = row_from_line(&a, &tmp, hl);
		ncols = hdr.n;
		*VOS_PUSH(tt.rows, tt.n, tt.alloc) = hdr;
		/* alignment from the delimiter row */
		align = vos_arena_alloc(&a, ncols + 1);
		split_row(&tmp, L.items[t->first_line].p, L.items[t->first_line].len);
		for (c = 0; c < ncols; c++) {
			const struct cell *d = c < tmp.n ? &tmp.items[c] : NULL;
			bool l = d && d->len && d->p[0] == ':';
			bool rr = d && d->len && d->p[d->len - 1] == ':';
			align[c] = l && rr ? 'c' : l ? 'l' : rr ? 'r' : '-';
			if (c < t->ncols && t->cols[c].role == VOS_COL_ADDRESS && addr_col == (size_t)-1)
				addr_col = c;
		}
		nbody = t->last_line - t->first_line - 1;
		row_at = vos_calloc(nbody + 1, sizeof(*row_at));
		for (r = t->first_row; r < t->first_row + t->nrows && r < page->nrows; r++) {
			unsigned rl = page->rows[r].loc.line;
			if (rl >= t->first_line + 2 && rl <= t->last_line)
				row_at[rl - t->first_line - 2] = r + 1;
		}
		for (ln = t->first_line + 2; ln <= t->last_line; ln++) {
			size_t ri = row_at[ln - t->first_line - 2];
			const struct vos_page_row *pr = ri ? &page->rows[ri - 1] : NULL;
			const struct vos_mservice *s = ri ? by_row[ri - 1] : NULL;
			struct trow row = row_from_line(&a, &tmp, &L.items[ln - 1]);
			if (pr && addr_col < row.n) {
				if (pr->address_placeholder) {
					if (!first_placeholder)
						first_placeholder = vos_arena_strndup(&a, row.cells[addr_col].p,
						                                      row.cells[addr_col].len);
				} else {
					all_placeholder = false;
				}
			}
			if (pr && s && !s->inv && opts && opts->prune) {
				st.removed++;
				continue;
			}
			if (pr && s && addr_col < row.n && !pr->address_placeholder && pr->address &&
			    *pr->address) {
				const char *ia = s->inv_address;
				if (ia && strcmp(ia, pr->address)) {
					row.cells[addr_col] = arena_cell(&a, ia, strlen(ia));
					st.addresses++;
				}
			}
			*VOS_PUSH(tt.rows, tt.n, tt.alloc) = row;
		}
		free(row_at);
		for (i = 0; i < nadds[ti]; i++) {
			const struct vos_mservice *s = &m->services[adds[ti][i]];
			struct trow row;
			row.n = ncols;
			row.cells = vos_arena_alloc(&a, (ncols ? ncols : 1) * sizeof(*row.cells));
			for (c = 0; c < ncols; c++) {
				int role = c < t->ncols ? t->cols[c].role : VOS_COL_EXTRA;
				struct vos_buf cb = VOS_BUF_INIT;
				char *str;
				size_t sl;
				if (role == VOS_COL_SERVICE) {
					add_cell_text(&cb, s->inv->name ? s->inv->name : s->id);
				} else if (role == VOS_COL_ADDRESS) {
					const char *ia = s->inv_address;
					if (first_placeholder && all_placeholder)
						vos_buf_adds(&cb, first_placeholder);
					else
						add_cell_text(&cb, ia ? ia : "");
				} else if (role == VOS_COL_PURPOSE) {
					add_cell_text(&cb, s->inv->purpose ? s->inv->purpose : "");
				} else if (role == VOS_COL_PORT) {
					struct vos_buf pb = VOS_BUF_INIT;
					add_ports(&pb, s->inv, true);
					add_cell_text(&cb, pb.ptr ? pb.ptr : "");
					vos_buf_release(&pb);
				}
				str = vos_buf_detach(&cb, &sl);
				row.cells[c] = arena_cell(&a, str, sl);
				free(str);
			}
			*VOS_PUSH(tt.rows, tt.n, tt.alloc) = row;
			st.added++;
		}
		{
			const struct line *ll = &L.items[t->last_line - 1];
			struct vos_buf *tb = vos_calloc(1, sizeof(*tb));
			const char *eol = vos_arena_strndup(&a, hl->eol, hl->eollen);
			const char *last_eol = ll->eollen ? vos_arena_strndup(&a, ll->eol, ll->eollen) : "";
			size_t olen = (size_t)(ll->eol + ll->eollen - hl->p);
			if (!*eol)
				eol = page_eol;
			table_write(tb, &tt, align, ncols, indent, indentlen, eol, last_eol);
			if (tb->len != olen || memcmp(tb->ptr, hl->p, olen)) {
				table_text[ti] = tb;
				st.tables++;
				content_changed = true;
			} else {
				vos_buf_release(tb);
				free(tb);
			}
		}
		free(tt.rows);
	}

	/* assemble: every line verbatim except rebuilt tables */
	for (ln = 1; ln <= L.n;) {
		const struct line *l = &L.items[ln - 1];
		for (ti = 0; ti < page->ntables; ti++)
			if (table_text[ti] && page->tables[ti].first_line == ln)
				break;
		if (ti < page->ntables) {
			vos_buf_add(&body, table_text[ti]->ptr, table_text[ti]->len);
			ln = page->tables[ti].last_line + 1;
			continue;
		}
		vos_buf_add(&body, l->p, l->len);
		vos_buf_add(&body, l->eol, l->eollen);
		ln++;
	}

	if (bom)
		vos_buf_add(&res, page->text, 3);
	if (content_changed && page->fm.present && page->fm.first_line >= 1 &&
	    page->fm.last_line > page->fm.first_line && page->fm.last_line <= L.n) {
		/* body holds the same front matter lines: rewrite them with the new date */
		const char *fm_end = L.items[page->fm.last_line - 1].eol + L.items[page->fm.last_line - 1].eollen;
		size_t fmlen = (size_t)(fm_end - text);
		frontmatter_write(&res, &L, page->fm.first_line, page->fm.last_line, now_iso, page_eol);
		vos_buf_add(&res, body.ptr + fmlen, body.len - fmlen);
	} else if (body.len) {
		vos_buf_add(&res, body.ptr, body.len);
	}

	*changed = res.len != page->len || memcmp(res.ptr ? res.ptr : "", page->text, page->len) != 0;
	*out = vos_buf_detach(&res, outlen);
	if (stats_out)
		*stats_out = st;

	for (ti = 0; ti < page->ntables; ti++) {
		if (table_text[ti]) {
			vos_buf_release(table_text[ti]);
			free(table_text[ti]);
		}
		free(adds[ti]);
	}
	vos_map_release(&tables);
	free(table_text);
	free(adds);
	free(nadds);
	free(adds_alloc);
	free(by_row);
	free(tmp.items);
	vos_buf_release(&body);
	lines_release(&L);
	vos_arena_release(&a);
	free(now_alloc);
	return 0;
}

int vos_render_services(char **out, size_t *outlen, bool *changed, const struct vos_page *page,
                        const struct vos_model *m, const char *now_iso)
{
	return vos_render_services_ex(out, outlen, changed, NULL, page, m, now_iso, NULL);
}

/* ------------------------------------------------------------------ generated pages */

/* Reads `key:` from the front matter of an existing page (trimmed, quotes dropped). Caller frees. */
static char *frontmatter_value(const char *text, size_t len, const char *key)
{
	struct lines L = {NULL, 0, 0};
	size_t i, klen = strlen(key);
	char *v = NULL;
	if (!text)
		return NULL;
	if (has_bom(text, len))
		text += 3, len -= 3;
	lines_split(&L, text, len);
	if (L.n && L.items[0].len == 3 && !memcmp(L.items[0].p, "---", 3)) {
		for (i = 1; i < L.n; i++) {
			const struct line *l = &L.items[i];
			if (l->len == 3 && !memcmp(l->p, "---", 3))
				break;
			if (l->len > klen && !memcmp(l->p, key, klen) && l->p[klen] == ':') {
				const char *p = l->p + klen + 1;
				size_t n = l->len - klen - 1;
				trim(&p, &n);
				if (n >= 2 && (p[0] == '"' || p[0] == '\'') && p[n - 1] == p[0])
					p++, n -= 2;
				v = vos_strndup(p, n);
				break;
			}
		}
	}
	lines_release(&L);
	return v;
}

static void add_frontmatter(struct vos_buf *b, const char *title, const char *description,
                            const char *tags, const char *date, const char *created)
{
	vos_buf_addf(b, "---\ntitle: %s\ndescription: %s\npublished: true\ndate: %s\ntags: %s\n"
	                "editor: markdown\ndateCreated: %s\n---\n\n",
	             title, description, date, tags, created);
}

/* Inline code span for any text (a longer fence when the text holds backticks). */
static void add_code(struct vos_buf *b, const char *s)
{
	size_t run = 0, best = 0, n, k;
	const char *p;
	for (p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	n = best + 1;
	for (k = 0; k < n; k++)
		vos_buf_addc(b, '`');
	if (best || s[0] == ' ')
		vos_buf_addc(b, ' ');
	for (p = s; *p; p++)
		vos_buf_addc(b, *p == '\n' || *p == '\r' ? ' ' : *p);
	if (best || (*s && s[strlen(s) - 1] == ' '))
		vos_buf_addc(b, ' ');
	for (k = 0; k < n; k++)
		vos_buf_addc(b, '`');
}

/* Prose on one line. */
static void add_text(struct vos_buf *b, const char *s)
{
	for (; s && *s; s++)
		vos_buf_addc(b, *s == '\n' || *s == '\r' ? ' ' : *s);
}

static void add_code_list(struct vos_buf *b, const struct vos_strloc *v, size_t n, const char *suffix,
                          bool *first)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (!*first)
			vos_buf_adds(b, ", ");
		*first = false;
		add_code(b, v[i].s);
		if (suffix)
			vos_buf_adds(b, suffix);
	}
}

/* Service order of the generated pages: page rows in page order, then the inventory's services
 * in inventory order, then anything else the model holds. Returns indexes into m->services. */
static size_t *service_order(const struct vos_model *m, size_t *n_out)
{
	size_t *order = vos_calloc(m->nservices + 1, sizeof(*order));
	bool *seen = vos_calloc(m->nservices + 1, sizeof(*seen));
	size_t n = 0, i;
	if (m->page) {
		/* the order of the reconciled page: each table's rows, then the rows render adds to it */
		const struct vos_page *pg = m->page;
		const struct vos_mservice **by_row = services_by_row(m, pg);
		struct vos_map tables;
		/* services added to each table, bucketed in model order: start[t]..start[t+1) of list */
		size_t *tbl = vos_calloc(m->nservices + 1, sizeof(*tbl)), ti, r;
		size_t *start = vos_calloc(pg->ntables + 2, sizeof(*start));
		size_t *list = vos_calloc(m->nservices + 1, sizeof(*list));
		host_tables(&tables, pg);
		for (i = 0; i < m->nservices; i++) {
			tbl[i] = table_for(&tables, &m->services[i]);
			if (tbl[i] != (size_t)-1)
				start[tbl[i] + 1]++;
		}
		for (ti = 0; ti < pg->ntables; ti++)
			start[ti + 1] += start[ti];
		{
			size_t *fill = vos_calloc(pg->ntables + 1, sizeof(*fill));
			for (i = 0; i < m->nservices; i++)
				if (tbl[i] != (size_t)-1)
					list[start[tbl[i]] + fill[tbl[i]]++] = i;
			free(fill);
		}
		for (ti = 0; ti <= pg->ntables; ti++) {
			const struct vos_page_table *t = ti < pg->ntables ? &pg->tables[ti] : NULL;
			size_t r0 = t ? t->first_row : 0, r1 = t ? t->first_row + t->nrows : pg->nrows, q;
			for (r = r0; r < r1 && r < pg->nrows; r++) {
				if (by_row[r] && !seen[by_row[r] - m->services]) {
					seen[by_row[r] - m->services] = true;
					order[n++] = (size_t)(by_row[r] - m->services);
				}
			}
			for (q = t ? start[ti] : 0; t && q < start[ti + 1]; q++) {
				if (!seen[list[q]]) {
					seen[list[q]] = true;
					order[n++] = list[q];
				}
			}
		}
		vos_map_release(&tables);
		free(list);
		free(start);
		free(tbl);
		free(by_row);
	}
	if (m->inv && m->inv->nservices) {
		/* inventory order: model index of each inventory service (+1, 0 when none) */
		size_t *pos = vos_calloc(m->inv->nservices, sizeof(*pos));
		for (i = 0; i < m->nservices; i++) {
			const struct vos_service *v = m->services[i].inv;
			if (v && v >= m->inv->services && v < m->inv->services + m->inv->nservices &&
			    !pos[v - m->inv->services])
				pos[v - m->inv->services] = i + 1;
		}
		for (i = 0; i < m->inv->nservices; i++) {
			if (pos[i] && !seen[pos[i] - 1]) {
				seen[pos[i] - 1] = true;
				order[n++] = pos[i] - 1;
			}
		}
		free(pos);
	}
	for (i = 0; i < m->nservices; i++)
		if (!seen[i])
			order[n++] = i;
	free(seen);
	*n_out = n;
	return order;
}

static void inventory_body(struct vos_buf *b, const struct vos_model *m)
{
	size_t n, k, *order = service_order(m, &n);
	vos_buf_adds(b, "# Service Inventory\n\n");
	vos_buf_adds(b, "Generated by vosctl from the inventory; edit the inventory, not this page.\n");
	for (k = 0; k < n; k++) {
		const struct vos_mservice *s = &m->services[order[k]];
		const struct vos_service *v = s->inv;
		const char *hostname = s->host >= 0 && (size_t)s->host < m->nhosts ? m->hosts[s->host].name : NULL;
		bool first;
		vos_buf_adds(b, "\n## ");
		add_text(b, s->name ? s->name : s->id);
		if (v && s->name && strcmp(s->name, s->id))
			vos_buf_addf(b, " (%s)", s->id);
		vos_buf_adds(b, "\n- Purpose: ");
		add_text(b, v && v->purpose && *v->purpose ? v->purpose : s->purpose && *s->purpose ? s->purpose : "not declared");
		vos_buf_adds(b, "\n- Host: ");
		if (hostname) {
			const char *addr = s->inv_address ? s->inv_address : s->address;
			add_text(b, hostname);
			if (addr && *addr) {
				vos_buf_adds(b, " (");
				add_code(b, addr);
				vos_buf_adds(b, ")");
			}
			if (v && v->host && !vos_name_eq(v->host, hostname)) {
				vos_buf_adds(b, "; the inventory says ");
				add_text(b, v->host);
			}
		} else if (v && v->host) {
			add_text(b, v->host);
		} else {
			vos_buf_adds(b, "not placed");
		}
		if (!v) {
			vos_buf_adds(b, "\n- Inventory: none (listed on the services page only)\n");
			continue;
		}
		vos_buf_adds(b, "\n- Ports: ");
		if (v->nports)
			add_ports(b, v, false);
		else
			vos_buf_adds(b, "none declared");
		if (v->owner_repo) {
			vos_buf_adds(b, "\n- Owner repo: ");
			add_code(b, v->owner_repo);
		}
		vos_buf_adds(b, "\n- Launch: ");
		if (v->has_launch && (v->launch.kind || v->launch.unit)) {
			const struct vos_launch *l = &v->launch;
			if (l->scope && !strcmp(l->scope, "user") && l->kind)
				vos_buf_adds(b, "user ");
			if (l->kind)
				add_text(b, l->kind);
			if (l->kind && !strcmp(l->kind, "systemd"))
				vos_buf_adds(b, " unit");
			if (l->unit) {
				vos_buf_adds(b, l->kind ? " " : "");
				add_code(b, l->unit);
			}
			if (l->scope && strcmp(l->scope, "user"))
				vos_buf_addf(b, " (%s)", l->scope);
		} else {
			vos_buf_adds(b, "not declared");
		}
		vos_buf_adds(b, "\n- Restart policy: ");
		if (v->has_launch && v->launch.restart) {
			struct vos_buf t = VOS_BUF_INIT;
			vos_buf_addf(&t, "Restart=%s", v->launch.restart);
			add_code(b, t.ptr);
			if (v->launch.restart_sec >= 0) {
				vos_buf_reset(&t);
				vos_buf_addf(&t, "RestartSec=%g", v->launch.restart_sec);
				vos_buf_adds(b, ", ");
				add_code(b, t.ptr);
			}
			vos_buf_release(&t);
		} else {
			vos_buf_adds(b, "not declared");
		}
		vos_buf_adds(b, "\n- Logs: ");
		first = true;
		{
			size_t i;
			for (i = 0; i < v->nlogs; i++) {
				if (!first)
					vos_buf_adds(b, ", ");
				first = false;
				if (strchr(v->logs[i].s, '/'))
					add_code(b, v->logs[i].s);
				else
					add_text(b, v->logs[i].s);
			}
		}
		if (first)
			vos_buf_adds(b, "not declared");
		vos_buf_adds(b, "\n- Dependencies: ");
		first = true;
		{
			size_t i;
			for (i = 0; i < v->ndepends_on; i++) {
				const struct vos_mservice *d = vos_model_service(m, v->depends_on[i].s);
				if (!first)
					vos_buf_adds(b, ", ");
				first = false;
				if (d && d->name && strcmp(d->name, v->depends_on[i].s)) {
					add_text(b, d->name);
					vos_buf_adds(b, " (");
					add_code(b, v->depends_on[i].s);
					vos_buf_adds(b, ")");
				} else {
					add_code(b, v->depends_on[i].s);
				}
			}
		}
		add_code_list(b, v->config, v->nconfig, NULL, &first);
		if (first)
			vos_buf_adds(b, "none declared");
		vos_buf_adds(b, "\n- Data/secret locations: ");
		first = true;
		add_code_list(b, v->data, v->ndata, NULL, &first);
		add_code_list(b, v->secrets, v->nsecrets, " (secret)", &first);
		if (first)
			vos_buf_adds(b, "none declared");
		if (v->immutable)
			vos_buf_adds(b, "\n- Immutable: must not be modified");
		if (v->notes) {
			vos_buf_adds(b, "\n- Notes: ");
			add_text(b, v->notes);
		}
		if (v->has_launch && v->launch.exec) {
			size_t run = 0, best = 0, f;
			const char *p;
			for (p = v->launch.exec; *p; p++) {
				run = *p == '`' ? run + 1 : 0;
				if (run > best)
					best = run;
			}
			vos_buf_adds(b, "\n- Evidence:\n  ");
			for (f = 0; f < (best >= 3 ? best + 1 : 3); f++)
				vos_buf_addc(b, '`');
			vos_buf_adds(b, "\n  ExecStart=");
			add_text(b, v->launch.exec);
			vos_buf_adds(b, "\n  ");
			for (f = 0; f < (best >= 3 ? best + 1 : 3); f++)
				vos_buf_addc(b, '`');
		}
		vos_buf_addc(b, '\n');
	}
	free(order);
}

/* Builds a generated page with front matter, keeping dateCreated, and moving date only when the
 * content changed. body is the page after the front matter. */
static int finish_generated(char **out, size_t *outlen, bool *changed, const char *title,
                            const char *description, const char *tags, const struct vos_buf *body,
                            const char *existing, size_t existing_len, const char *now_iso)
{
	char *created = frontmatter_value(existing, existing_len, "dateCreated");
	char *date = frontmatter_value(existing, existing_len, "date");
	char *now_alloc = NULL;
	struct vos_buf b = VOS_BUF_INIT;
	if (!now_iso)
		now_iso = now_alloc = vos_render_now();
	add_frontmatter(&b, title, description, tags, date ? date : now_iso, created ? created : now_iso);
	vos_buf_add(&b, body->ptr ? body->ptr : "", body->len);
	*changed = !existing || b.len != existing_len || memcmp(b.ptr, existing, existing_len);
	if (*changed && date && strcmp(date, now_iso)) {
		vos_buf_reset(&b);
		add_frontmatter(&b, title, description, tags, now_iso, created ? created : now_iso);
		vos_buf_add(&b, body->ptr ? body->ptr : "", body->len);
	}
	*out = vos_buf_detach(&b, outlen);
	free(created);
	free(date);
	free(now_alloc);
	return 0;
}

int vos_render_inventory_page(char **out, size_t *outlen, bool *changed, const struct vos_model *m,
                              const char *existing, size_t existing_len, const char *now_iso)
{
	struct vos_buf body = VOS_BUF_INIT;
	int err;
	inventory_body(&body, m);
	err = finish_generated(out, outlen, changed, "Service Inventory",
	                       "Generated by vosctl from the inventory - do not edit by hand",
	                       "vos, services, inventory", &body, existing, existing_len, now_iso);
	vos_buf_release(&body);
	return err;
}

/* ------------------------------------------------------------------ status page */

struct target {
	const char *service, *host, *address, *check, *state, *detail;
	long long port;
	double latency;
	bool has_latency;
	bool used;
};

static int state_rank(const char *s)
{
	if (!s || !strcmp(s, "up"))
		return 0;
	if (!strcmp(s, "down"))
		return 1;
	if (!strcmp(s, "timeout"))
		return 2;
	return 3; /* error, or anything unknown */
}

static void status_row(struct vos_buf *b, const char *name, const struct target *t,
                       const size_t *idx, size_t nidx)
{
	size_t i;
	int worst = 0;
	const char *worst_state = "up";
	double lat = 0;
	bool has_lat = false, first = true;
	for (i = 0; i < nidx; i++) {
		const struct target *x = &t[idx[i]];
		if (state_rank(x->state) > worst) {
			worst = state_rank(x->state);
			worst_state = x->state ? x->state : "error";
		}
		if (x->has_latency && (!has_lat || x->latency > lat))
			lat = x->latency, has_lat = true;
	}
	vos_buf_adds(b, "| ");
	add_cell_text(b, name);
	vos_buf_adds(b, " | ");
	add_cell_text(b, t[idx[0]].host ? t[idx[0]].host : "");
	vos_buf_adds(b, " | ");
	add_cell_text(b, worst_state);
	vos_buf_adds(b, " | ");
	if (has_lat)
		vos_buf_addf(b, "%.1f ms", lat);
	vos_buf_adds(b, " | ");
	for (i = 0; i < nidx; i++) {
		const struct target *x = &t[idx[i]];
		char tmp[64];
		if (!first)
			vos_buf_adds(b, ", ");
		first = false;
		snprintf(tmp, sizeof(tmp), "%lld", x->port);
		vos_buf_adds(b, tmp);
		if (x->check && strcmp(x->check, "tcp")) {
			vos_buf_addc(b, '/');
			add_cell_text(b, x->check);
		}
		vos_buf_addc(b, ' ');
		add_cell_text(b, x->state ? x->state : "error");
	}
	vos_buf_adds(b, " | ");
	first = true;
	for (i = 0; i < nidx; i++) {
		const struct target *x = &t[idx[i]];
		if (state_rank(x->state) == 0 || !x->detail || !*x->detail)
			continue;
		if (!first)
			vos_buf_adds(b, "; ");
		first = false;
		vos_buf_addf(b, "%lld: ", x->port);
		add_cell_text(b, x->detail);
	}
	vos_buf_adds(b, " |\n");
}

int vos_render_status_page(char **out, size_t *outlen, bool *changed, const struct vos_model *m,
                           const char *results_json, size_t results_len,
                           const char *existing, size_t existing_len, const char *now_iso,
                           struct vos_diags *diags)
{
	json_error_t jerr;
	json_t *root, *results, *summary, *tm = NULL;
	struct target *t = NULL;
	size_t nt = 0, nt_alloc = 0, i, k, n, *order, *idx;
	struct vos_buf body = VOS_BUF_INIT, table = VOS_BUF_INIT;
	static const char *const time_keys[] = {"time", "timestamp", "finished", "started", "date"};
	long long counts[4] = {0, 0, 0, 0};
	int err;

	*out = NULL;
	*outlen = 0;
	*changed = false;
	root = json_loadb(results_json ? results_json : "", results_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		vos_diags_add(diags, VOS_SEV_ERROR, NULL, "probe-results",
		              "unable to read probe results: line %d: %s", jerr.line, jerr.text);
		return VOS_EINPUT;
	}
	results = json_object_get(root, "results");
	if (!json_is_object(root) || !json_is_array(results)) {
		vos_diags_add(diags, VOS_SEV_ERROR, NULL, "probe-results",
		              "unable to read probe results: no 'results' list");
		json_decref(root);
		return VOS_EINPUT;
	}
	for (i = 0; i < json_array_size(results); i++) {
		json_t *r = json_array_get(results, i), *v;
		struct target *x;
		if (!json_is_object(r)) {
			vos_diags_add(diags, VOS_SEV_ERROR, NULL, "probe-results",
			              "unable to read probe results: result %zu is not an object", i + 1);
			free(t);
			json_decref(root);
			return VOS_EINPUT;
		}
		if (!json_is_string(json_object_get(r, "service")))
			continue; /* a target no service declares */
		x = VOS_PUSH(t, nt, nt_alloc);
		x->service = json_string_value(json_object_get(r, "service"));
		x->host = json_string_value(json_object_get(r, "host"));
		x->address = json_string_value(json_object_get(r, "address"));
		x->check = json_string_value(json_object_get(r, "check"));
		x->state = json_string_value(json_object_get(r, "state"));
		x->detail = json_string_value(json_object_get(r, "detail"));
		x->port = json_integer_value(json_object_get(r, "port"));
		v = json_object_get(r, "latency_ms");
		if (json_is_number(v)) {
			x->latency = json_number_value(v);
			x->has_latency = true;
		}
		counts[state_rank(x->state)]++;
	}
	for (i = 0; i < VOS_ARRAY_SIZE(time_keys) && !json_is_string(tm); i++)
		tm = json_object_get(root, time_keys[i]);
	summary = json_object_get(root, "summary");
	if (json_is_object(summary)) {
		counts[0] = json_integer_value(json_object_get(summary, "up"));
		counts[1] = json_integer_value(json_object_get(summary, "down"));
		counts[2] = json_integer_value(json_object_get(summary, "timeout"));
		counts[3] = json_integer_value(json_object_get(summary, "error"));
	}

	vos_buf_adds(&body, "# Service Status\n\n");
	if (json_is_string(tm)) {
		vos_buf_adds(&body, "Last probe: ");
		add_text(&body, json_string_value(tm));
		vos_buf_adds(&body, "\n\n");
	} else {
		vos_buf_adds(&body, "Last probe: time not recorded in the results\n\n");
	}
	vos_buf_addf(&body, "Targets: %lld up, %lld down, %lld timeout, %lld error\n\n", counts[0],
	             counts[1], counts[2], counts[3]);

	/* one row per service, in the model's page/inventory order, then unknown services; the
	 * targets of one service are chained in result order (next[]) from a map by service id */
	order = service_order(m, &n);
	idx = vos_calloc(nt + 1, sizeof(*idx));
	{
		struct vos_map first;
		size_t *next = vos_calloc(nt + 1, sizeof(*next)), *last = vos_calloc(nt + 1, sizeof(*last));
		vos_map_init(&first, false);
		for (i = 0; i < nt; i++) {
			void *h = vos_map_get(&first, t[i].service);
			if (!h) {
				vos_map_put(&first, t[i].service, (void *)(uintptr_t)(i + 1));
				last[i] = i + 1;
			} else {
				size_t head = (size_t)(uintptr_t)h - 1;
				next[last[head] - 1] = i + 1;
				last[head] = i + 1;
			}
		}
		vos_buf_adds(&table, "| Service | Host | State | Latency | Ports | Detail |\n|---|---|---|---|---|---|\n");
		for (k = 0; k <= n; k++) {
			const struct vos_mservice *s = k < n ? &m->services[order[k]] : NULL;
			size_t j, ni = 0;
			void *h;
			if (s) {
				h = vos_map_get(&first, s->id);
				if (!h || t[(size_t)(uintptr_t)h - 1].used)
					continue;
				for (j = (size_t)(uintptr_t)h; j; j = next[j - 1])
					idx[ni++] = j - 1, t[j - 1].used = true;
				status_row(&table, s->name ? s->name : s->id, t, idx, ni);
				continue;
			}
			for (j = 0; j < nt; j++) {
				size_t q;
				if (t[j].used)
					continue;
				ni = 0;
				for (q = j + 1; q; q = next[q - 1])
					idx[ni++] = q - 1, t[q - 1].used = true;
				status_row(&table, t[j].service, t, idx, ni);
			}
		}
		vos_map_release(&first);
		free(next);
		free(last);
	}
	free(idx);
	free(order);
	/* align the table with the same code the services page uses */
	{
		struct lines L = {NULL, 0, 0};
		struct cells tmp = {NULL, 0, 0};
		struct ttable tt = {NULL, 0, 0};
		struct vos_arena a;
		char *align;
		vos_arena_init(&a);
		lines_split(&L, table.ptr, table.len);
		*VOS_PUSH(tt.rows, tt.n, tt.alloc) = row_from_line(&a, &tmp, &L.items[0]);
		for (i = 2; i < L.n; i++)
			*VOS_PUSH(tt.rows, tt.n, tt.alloc) = row_from_line(&a, &tmp, &L.items[i]);
		align = vos_arena_alloc(&a, tt.rows[0].n + 1);
		memset(align, '-', tt.rows[0].n);
		table_write(&body, &tt, align, tt.rows[0].n, "", 0, "\n", "\n");
		free(tt.rows);
		free(tmp.items);
		lines_release(&L);
		vos_arena_release(&a);
	}
	err = finish_generated(out, outlen, changed, "Service Status",
	                       "Last probe results, generated by vosctl - do not edit by hand",
	                       "vos, services, status", &body, existing, existing_len, now_iso);
	vos_buf_release(&table);
	vos_buf_release(&body);
	free(t);
	json_decref(root);
	return err;
}

/* ------------------------------------------------------------------ now */

char *vos_render_now(void)
{
	return vos_now_iso();
}

/* ------------------------------------------------------------------ unified diff */

struct dline {
	const char *p;
	size_t len;      /* without the terminator */
	bool noeol;      /* the file's last line, without a newline */
	uint64_t hash;
};

static void dlines(struct dline **out, size_t *n_out, const char *s, size_t len)
{
	size_t n = 0, alloc = 0, i = 0, start = 0;
	struct dline *v = NULL;
	while (i <= len) {
		if (i == len || s[i] == '\n') {
			struct dline *d;
			uint64_t h = 1469598103934665603ull;
			size_t k;
			if (i == len && start == len)
				break;
			d = VOS_PUSH(v, n, alloc);
			d->p = s + start;
			d->len = i - start;
			d->noeol = i == len;
			for (k = 0; k < d->len; k++)
				h = (h ^ (unsigned char)d->p[k]) * 1099511628211ull;
			d->hash = h ^ (d->noeol ? 1 : 0);
			start = i + 1;
		}
		i++;
	}
	*out = v;
	*n_out = n;
}

static bool dline_eq(const struct dline *x, const struct dline *y)
{
	return x->hash == y->hash && x->len == y->len && x->noeol == y->noeol &&
	       !memcmp(x->p, y->p, x->len);
}

enum { OP_EQ = 0, OP_DEL = 1, OP_INS = 2 };
struct dop {
	int op;
	size_t ai, bi; /* line index in a (EQ, DEL) and b (EQ, INS) */
};

#define DIFF_MAX_D 1500 /* past this many edits, the middle is shown as one replacement */

/* Myers' O(ND) diff of a[0..n) and b[0..m); appends the edit script to ops. Returns false when
 * the edit distance is over the bound. */
static bool myers(struct dop **ops, size_t *nops, size_t *opsalloc, const struct dline *a, size_t n,
                  const struct dline *b, size_t m, size_t aoff, size_t boff)
{
	long max = (long)(n + m), dmax = max < DIFF_MAX_D ? max : DIFF_MAX_D, d, k;
	long *v = vos_calloc((size_t)(2 * dmax + 3), sizeof(long));
	long **trace = vos_calloc((size_t)dmax + 2, sizeof(long *));
	long off = dmax + 1, found = -1;
	struct dop *rev = NULL;
	size_t nrev = 0, revalloc = 0;
	long x, y;

	for (d = 0; d <= dmax && found < 0; d++) {
		for (k = -d; k <= d; k += 2) {
			if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
				x = v[off + k + 1];
			else
				x = v[off + k - 1] + 1;
			y = x - k;
			while (x < (long)n && y < (long)m && dline_eq(&a[x], &b[y]))
				x++, y++;
			v[off + k] = x;
			if (x >= (long)n && y >= (long)m) {
				found = d;
				break;
			}
		}
		trace[d] = vos_malloc((size_t)(2 * d + 1) * sizeof(long));
		memcpy(trace[d], v + off - d, (size_t)(2 * d + 1) * sizeof(long));
	}
	if (found < 0) {
		for (d = 0; d <= dmax; d++)
			free(trace[d]);
		free(trace);
		free(v);
		return false;
	}
	x = (long)n;
	y = (long)m;
	for (d = found; d > 0; d--) {
		const long *pv = trace[d - 1]; /* index k + (d - 1) */
		long pk, px, py;
		k = x - y;
		if (k == -d || (k != d && pv[k - 1 + d - 1] < pv[k + 1 + d - 1]))
			pk = k + 1;
		else
			pk = k - 1;
		px = pv[pk + d - 1];
		py = px - pk;
		while (x > px && y > py) {
			struct dop *o = VOS_PUSH(rev, nrev, revalloc);
			o->op = OP_EQ, o->ai = aoff + (size_t)(x - 1), o->bi = boff + (size_t)(y - 1);
			x--, y--;
		}
		{
			struct dop *o = VOS_PUSH(rev, nrev, revalloc);
			if (pk == k + 1) { /* insertion of b[y-1] */
				o->op = OP_INS, o->bi = boff + (size_t)(y - 1);
				y--;
			} else {
				o->op = OP_DEL, o->ai = aoff + (size_t)(x - 1);
				x--;
			}
		}
	}
	while (x > 0 && y > 0) {
		struct dop *o = VOS_PUSH(rev, nrev, revalloc);
		o->op = OP_EQ, o->ai = aoff + (size_t)(x - 1), o->bi = boff + (size_t)(y - 1);
		x--, y--;
	}
	while (nrev)
		*VOS_PUSH(*ops, *nops, *opsalloc) = rev[--nrev];
	for (d = 0; d <= found; d++)
		free(trace[d]);
	free(trace);
	free(v);
	free(rev);
	return true;
}

static void range(struct vos_buf *out, size_t start, size_t count)
{
	if (count == 1)
		vos_buf_addf(out, "%zu", start + 1);
	else
		vos_buf_addf(out, "%zu,%zu", count ? start + 1 : start, count);
}

static void diff_line(struct vos_buf *out, char mark, const struct dline *l)
{
	vos_buf_addc(out, mark);
	vos_buf_add(out, l->p, l->len);
	vos_buf_addc(out, '\n');
	if (l->noeol)
		vos_buf_adds(out, "\\ No newline at end of file\n");
}

int vos_diff_unified(struct vos_buf *out, const char *a_label, const char *a, size_t alen,
                     const char *b_label, const char *b, size_t blen)
{
	struct dline *la, *lb;
	size_t na, nb, pre = 0, suf = 0, i, nops = 0, opsalloc = 0;
	struct dop *ops = NULL;
	const size_t ctx = 3;

	if (alen == blen && (alen == 0 || !memcmp(a, b, alen)))
		return 0;
	dlines(&la, &na, a ? a : "", alen);
	dlines(&lb, &nb, b ? b : "", blen);
	while (pre < na && pre < nb && dline_eq(&la[pre], &lb[pre]))
		pre++;
	while (suf < na - pre && suf < nb - pre && dline_eq(&la[na - 1 - suf], &lb[nb - 1 - suf]))
		suf++;
	for (i = 0; i < pre; i++) {
		struct dop *o = VOS_PUSH(ops, nops, opsalloc);
		o->op = OP_EQ, o->ai = i, o->bi = i;
	}
	if (!myers(&ops, &nops, &opsalloc, la + pre, na - pre - suf, lb + pre, nb - pre - suf, pre, pre)) {
		for (i = pre; i < na - suf; i++) {
			struct dop *o = VOS_PUSH(ops, nops, opsalloc);
			o->op = OP_DEL, o->ai = i;
		}
		for (i = pre; i < nb - suf; i++) {
			struct dop *o = VOS_PUSH(ops, nops, opsalloc);
			o->op = OP_INS, o->bi = i;
		}
	}
	for (i = 0; i < suf; i++) {
		struct dop *o = VOS_PUSH(ops, nops, opsalloc);
		o->op = OP_EQ, o->ai = na - suf + i, o->bi = nb - suf + i;
	}

	vos_buf_addf(out, "--- %s\n+++ %s\n", a_label, b_label);
	/* hunks: changes closer than 2*ctx equal lines share one */
	i = 0;
	{
	size_t at = 0, apos = 0, bpos = 0; /* apos/bpos: lines of a/b before ops[at] */
	while (i < nops) {
		size_t first, last, j, start, end, as, bs, ac = 0, bc = 0;
		while (i < nops && ops[i].op == OP_EQ)
			i++;
		if (i >= nops)
			break;
		first = i;
		last = i;
		for (j = i; j < nops; j++) {
			if (ops[j].op != OP_EQ) {
				last = j;
				continue;
			}
			if (j - last > 2 * ctx)
				break;
		}
		start = first > ctx ? first - ctx : 0;
		end = last + 1 + ctx < nops ? last + 1 + ctx : nops;
		/* positions of the hunk's first line in a and b */
		for (; at < start; at++) {
			if (ops[at].op != OP_INS)
				apos++;
			if (ops[at].op != OP_DEL)
				bpos++;
		}
		as = apos, bs = bpos;
		for (j = start; j < end; j++) {
			if (ops[j].op != OP_INS)
				ac++;
			if (ops[j].op != OP_DEL)
				bc++;
		}
		vos_buf_adds(out, "@@ -");
		range(out, as, ac);
		vos_buf_adds(out, " +");
		range(out, bs, bc);
		vos_buf_adds(out, " @@\n");
		for (j = start; j < end; j++) {
			if (ops[j].op == OP_EQ)
				diff_line(out, ' ', &la[ops[j].ai]);
			else if (ops[j].op == OP_DEL)
				diff_line(out, '-', &la[ops[j].ai]);
			else
				diff_line(out, '+', &lb[ops[j].bi]);
		}
		i = end;
	}
	}
	free(ops);
	free(la);
	free(lb);
	return 1;
}
