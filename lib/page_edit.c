/* page_edit.c - the services page editor: the page's original text edited in place by line ranges
 * (only the lines of services tables are rebuilt, plus the front matter `date` line when something
 * else changed; the page is never re-rendered through a Markdown renderer), and the Markdown text
 * pieces the generated pages (pages.c) share with it. See docs/render.md. */
#include "page_edit.h"
#include "leak.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
void vos_edit_cell_text(struct vos_buf *b, const char *s)
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
const struct vos_mservice **vos_edit_services_by_row(const struct vos_model *m, const struct vos_page *page)
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
void vos_edit_host_tables(struct vos_map *out, const struct vos_page *page)
{
	size_t ti;
	vos_map_init(out, VOS_NAMES_NOCASE);
	for (ti = 0; ti < page->ntables; ti++) {
		const char *h = table_host(page, &page->tables[ti]);
		if (h)
			vos_map_put(out, h, VOS_MAP_INDEX(ti));
	}
}

/* The page table an inventory service the page lacks is added to: the last table of its
 * inventory host. (size_t)-1 when none. */
size_t vos_edit_table_for(const struct vos_map *tables, const struct vos_mservice *s)
{
	void *v;
	if (!s->inv || s->row || !s->inv->host)
		return (size_t)-1;
	v = vos_map_get(tables, s->inv->host);
	return v ? VOS_MAP_SLOT(v) - 1 : (size_t)-1;
}


void vos_edit_ports(struct vos_buf *b, const struct vos_service *s, bool markdown_cell)
{
	size_t i;
	for (i = 0; i < s->nports; i++) {
		const struct vos_port *p = &s->ports[i];
		if (i)
			vos_buf_adds(b, ", ");
		vos_port_describe(b, p);
		if (!markdown_cell) {
			bool paren = p->name || p->check == VOS_CHECK_HTTP || p->check == VOS_CHECK_HTTPS ||
			             p->check == VOS_CHECK_NONE || p->check == VOS_CHECK_DNS;
			if (p->address) {
				vos_buf_adds(b, " on ");
				vos_edit_code(b, p->address);
			}
			if (paren)
				vos_buf_adds(b, " (");
			if (p->name) {
				vos_edit_text(b, p->name);
				if (p->check != VOS_CHECK_TCP)
					vos_buf_adds(b, ", ");
			}
			if (p->check == VOS_CHECK_HTTP || p->check == VOS_CHECK_HTTPS) {
				vos_buf_adds(b, p->check == VOS_CHECK_HTTP ? "http " : "https ");
				vos_edit_code(b, p->path ? p->path : "/");
			} else if (p->check == VOS_CHECK_DNS) {
				vos_buf_adds(b, "dns ");
				vos_edit_code(b, p->query ? p->query : "");
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
	const struct line *verbatim; /* a body line that is no page row (a vosctl comment row): kept as it is */
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
	r.verbatim = NULL;
	r.cells = vos_arena_alloc(a, (tmp->n ? tmp->n : 1) * sizeof(*r.cells));
	for (i = 0; i < tmp->n; i++)
		r.cells[i] = tmp->items[i];
	return r;
}

/* render.redact on every cell of a row (before the table is aligned); counts what it hid. */
static void redact_row(struct vos_arena *a, struct trow *row, const struct vos_redact *rd, size_t *count)
{
	size_t c;
	if (!rd)
		return;
	for (c = 0; c < row->n; c++) {
		struct vos_buf b = VOS_BUF_INIT;
		if (vos_redact_apply(&b, rd, row->cells[c].p, row->cells[c].len)) {
			row->cells[c] = arena_cell(a, b.ptr, b.len);
			(*count)++;
		}
		vos_buf_release(&b);
	}
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
		for (c = 0; !t->rows[r].verbatim && c < ncols && c < t->rows[r].n; c++) {
			size_t cw = vos_render_width(t->rows[r].cells[c].p, t->rows[r].cells[c].len);
			if (cw > w[c])
				w[c] = cw;
		}
	for (r = 0; r < t->n; r++) {
		const struct trow *row = &t->rows[r];
		if (row->verbatim) {
			vos_buf_add(b, row->verbatim->p, row->verbatim->len);
			vos_buf_adds(b, r + 1 == t->n ? last_eol : eol);
			continue;
		}
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

void vos_render_services_ex(char **out, size_t *outlen, bool *changed,
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
	const struct vos_redact *rd = opts && opts->redact && (opts->redact->what || opts->redact->nlits)
	                                  ? opts->redact : NULL;
	unsigned ln;

	memset(&st, 0, sizeof(st));
	if (!now_iso)
		now_iso = now_alloc = vos_now_iso();
	vos_arena_init(&a);
	if (bom)
		text += 3, len -= 3;
	lines_split(&L, text, len);
	page_eol = page->crlf ? "\r\n" : "\n";
	by_row = vos_edit_services_by_row(m, page);
	table_text = vos_calloc(page->ntables + 1, sizeof(*table_text));
	adds = vos_calloc(page->ntables + 1, sizeof(*adds));
	nadds = vos_calloc(page->ntables + 1, sizeof(*nadds));
	adds_alloc = vos_calloc(page->ntables + 1, sizeof(*adds_alloc));

	/* inventory services the page does not list go to the (last) table of their host */
	vos_edit_host_tables(&tables, page);
	for (i = 0; i < m->nservices; i++) {
		const struct vos_mservice *s = &m->services[i];
		size_t best;
		if (!s->inv || s->row)
			continue;
		/* a reader sees it on the page, in rows a blank line cut off the table: never a twin */
		if (vos_page_stray_named(page, s->name) || vos_page_stray_named(page, s->inv->id)) {
			st.unplaced++;
			continue;
		}
		best = vos_edit_table_for(&tables, s);
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
		size_t ncols, c, addr_col = (size_t)-1, purpose_col = (size_t)-1, r;
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
		redact_row(&a, &hdr, rd, &st.redacted);
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
			if (c < t->ncols && t->cols[c].role == VOS_COL_PURPOSE && purpose_col == (size_t)-1)
				purpose_col = c;
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
			if (!ri)
				row.verbatim = &L.items[ln - 1];
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
			/* the inventory is authoritative for what both sides carry: its purpose wins */
			if (pr && s && s->inv && m->inventory_authority && purpose_col < row.n && s->purpose &&
			    pr->purpose && *pr->purpose && strcmp(s->purpose, pr->purpose)) {
				struct vos_buf cb = VOS_BUF_INIT;
				vos_edit_cell_text(&cb, s->purpose);
				row.cells[purpose_col] = arena_cell(&a, cb.ptr ? cb.ptr : "", cb.len);
				vos_buf_release(&cb);
				st.purposes++;
			}
			if (pr && s && addr_col < row.n && !pr->address_placeholder && pr->address &&
			    *pr->address) {
				const char *ia = s->inv_address;
				if (ia && strcmp(ia, pr->address)) {
					row.cells[addr_col] = arena_cell(&a, ia, strlen(ia));
					st.addresses++;
				}
			}
			redact_row(&a, &row, rd, &st.redacted);
			*VOS_PUSH(tt.rows, tt.n, tt.alloc) = row;
		}
		free(row_at);
		for (i = 0; i < nadds[ti]; i++) {
			const struct vos_mservice *s = &m->services[adds[ti][i]];
			struct trow row;
			row.n = ncols;
			row.cells = vos_arena_alloc(&a, (ncols ? ncols : 1) * sizeof(*row.cells));
			for (c = 0; c < ncols; c++) {
				enum vos_column_role role = c < t->ncols ? t->cols[c].role : VOS_COL_EXTRA;
				struct vos_buf cb = VOS_BUF_INIT;
				char *str;
				size_t sl;
				if (role == VOS_COL_SERVICE) {
					vos_edit_cell_text(&cb, s->inv->name ? s->inv->name : s->id);
				} else if (role == VOS_COL_ADDRESS) {
					const char *ia = s->inv_address;
					if (first_placeholder && all_placeholder)
						vos_buf_adds(&cb, first_placeholder);
					else if (rd && (rd->what & VOS_REDACT_ADDRESSES))
						vos_buf_adds(&cb, rd->placeholder); /* placeholder text, unescaped */
					else
						vos_edit_cell_text(&cb, ia ? ia : "");
				} else if (role == VOS_COL_PURPOSE) {
					vos_edit_cell_text(&cb, s->inv->purpose ? s->inv->purpose : "");
				} else if (role == VOS_COL_PORT) {
					struct vos_buf pb = VOS_BUF_INIT;
					vos_edit_ports(&pb, s->inv, true);
					vos_edit_cell_text(&cb, pb.ptr ? pb.ptr : "");
					vos_buf_release(&pb);
				}
				str = vos_buf_detach(&cb, &sl);
				row.cells[c] = arena_cell(&a, str ? str : "", sl);
				free(str);
			}
			redact_row(&a, &row, rd, &st.redacted);
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
		/* a line outside the tables and the front matter: render.redact still applies */
		if (rd && !(page->fm.present && ln <= page->fm.last_line)) {
			struct vos_buf rl = VOS_BUF_INIT;
			if (vos_redact_apply(&rl, rd, l->p, l->len)) {
				st.redacted++;
				content_changed = true;
			}
			vos_buf_add(&body, rl.ptr ? rl.ptr : "", rl.len);
			vos_buf_release(&rl);
		} else {
			vos_buf_add(&body, l->p, l->len);
		}
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
}

void vos_render_services(char **out, size_t *outlen, bool *changed, const struct vos_page *page,
                         const struct vos_model *m, const char *now_iso)
{
	vos_render_services_ex(out, outlen, changed, NULL, page, m, now_iso, NULL);
}

/* Reads `key:` from the front matter of an existing page (trimmed, quotes dropped). Caller frees. */
char *vos_edit_frontmatter_value(const char *text, size_t len, const char *key)
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
				if (n >= 2 && (p[0] == '"' || p[0] == '\'') && p[n - 1] == p[0]) {
					/* unescape as YAML does: '' in single quotes, \" and \\ in double */
					struct vos_buf u = VOS_BUF_INIT;
					size_t k;
					for (k = 1; k + 1 < n; k++) {
						if (p[0] == '\'' && p[k] == '\'' && k + 2 < n && p[k + 1] == '\'')
							k++;
						else if (p[0] == '"' && p[k] == '\\' && k + 2 < n &&
						         (p[k + 1] == '"' || p[k + 1] == '\\'))
							k++;
						vos_buf_addc(&u, p[k]);
					}
					v = vos_buf_detach(&u, NULL);
					if (!v)
						v = vos_strdup("");
				} else {
					v = vos_strndup(p, n);
				}
				break;
			}
		}
	}
	lines_release(&L);
	return v;
}

void vos_edit_frontmatter_scalar(struct vos_buf *b, const char *s)
{
	static const char *const words[] = {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"};
	size_t n = s ? strlen(s) : 0, i;
	bool quote = n == 0 || strchr("-?:,[]{}#&*!|>'\"%@`", s[0]) || s[0] == ' ' || s[n - 1] == ' ' ||
	             s[n - 1] == ':' || strstr(s, ": ") || strchr(s, '#') || strchr(s, '\t');
	if (!quote) {
		char *e;
		for (i = 0; i < VOS_ARRAY_SIZE(words); i++)
			if (vos_strcaseeq(s, words[i]))
				quote = true;
		(void)strtod(s, &e);
		if (!*e)
			quote = true; /* a number */
		for (i = 0; i < n; i++)
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
				quote = true;
	}
	if (!quote) {
		vos_buf_adds(b, s);
		return;
	}
	vos_buf_addc(b, '\'');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\'')
			vos_buf_adds(b, "''");
		else if (c < 0x20 || c == 0x7f)
			vos_buf_addc(b, ' '); /* one line: a single-quoted scalar has no escapes */
		else
			vos_buf_addc(b, (char)c);
	}
	vos_buf_addc(b, '\'');
}

/* Inline code span for any text (a longer fence when the text holds backticks). */
void vos_edit_code(struct vos_buf *b, const char *s)
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
void vos_edit_text(struct vos_buf *b, const char *s)
{
	for (; s && *s; s++)
		vos_buf_addc(b, *s == '\n' || *s == '\r' ? ' ' : *s);
}

/* Aligns a table written as "| a | b |" lines (header, delimiter, body rows) the way the services
 * page's tables are aligned (no column alignment marks); appends it to b. */
void vos_edit_table_align(struct vos_buf *b, const char *table, size_t len)
{
	struct lines L = {NULL, 0, 0};
	struct cells tmp = {NULL, 0, 0};
	struct ttable tt = {NULL, 0, 0};
	struct vos_arena a;
	char *align;
	size_t i;
	vos_arena_init(&a);
	lines_split(&L, table, len);
	*VOS_PUSH(tt.rows, tt.n, tt.alloc) = row_from_line(&a, &tmp, &L.items[0]);
	for (i = 2; i < L.n; i++)
		*VOS_PUSH(tt.rows, tt.n, tt.alloc) = row_from_line(&a, &tmp, &L.items[i]);
	align = vos_arena_alloc(&a, tt.rows[0].n + 1);
	memset(align, '-', tt.rows[0].n);
	table_write(b, &tt, align, tt.rows[0].n, "", 0, "\n", "\n");
	free(tt.rows);
	free(tmp.items);
	lines_release(&L);
	vos_arena_release(&a);
}
