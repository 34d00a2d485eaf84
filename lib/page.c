/* page.c - the services page: Wiki.js front matter + Markdown -> struct vos_page.
 *
 * The only module (with render) that includes cmark-gfm. The page is checked (size, NUL bytes,
 * UTF-8), the front matter block is cut off and parsed with vos_yaml_parse, the rest is parsed by
 * cmark-gfm with the GFM table extension, and one walk over the tree collects headings, tables,
 * list items and links into page->arena. The cmark tree is freed before returning.
 *
 * Locations: lines are lines of the original file (front matter included; "\n", "\r\n" and a lone
 * "\r" end a line, as in CommonMark). Columns are 1-based byte columns; a UTF-8 BOM is not part of
 * line 1 (an editor does not show it).
 */
#include "page.h"
#include "source.h"
#include "yaml.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

/* Parse state, alive during one vos_page_parse. */
struct list_state {
	bool ordered;
	int next;                 /* number of the next item as written */
};

struct pctx {
	struct vos_page *page;
	struct vos_diags *diags;
	unsigned line_off;        /* body line 1 is file line line_off + 1 */
	size_t *lines;            /* start offset of every file line */
	size_t nlines, lines_alloc;
	struct vos_buf buf;       /* scratch */
	struct list_state *lists; /* open lists, innermost last */
	size_t nlists, lists_alloc;
	bool in_rules;            /* the last heading contains "rule" */
	struct vos_map host_by_name, plane_by_name;
	char *empty;              /* a shared "" in the arena */
	int prose_line, prose_col;/* inside prose cmark-gfm split off above a table: where it starts */
	int errors;
	cmark_node *last_table;   /* the last services table's node in this chunk, or NULL */
	cmark_node *last_stray;   /* the last paragraph of stray rows after it, or NULL */
	size_t chunk;             /* split the body into pieces of about this size (PAGE_CHUNK) */
	size_t pending_waivers;   /* page->waivers from here on wait for the table's next row */
};

/* ------------------------------------------------------------------ helpers */

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\v' || ch == '\f';
}

static char lower(char ch)
{
	return (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
}

static bool ends_with_nocase(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix), i;
	if (lx > ls)
		return false;
	for (i = 0; i < lx; i++)
		if (lower(s[ls - lx + i]) != lower(suffix[i]))
			return false;
	return true;
}

/* Copies s[0..n) trimmed into the arena. */
static char *arena_trimmed(struct pctx *c, const char *s, size_t n)
{
	while (n && is_blank(*s)) {
		s++;
		n--;
	}
	while (n && is_blank(s[n - 1]))
		n--;
	if (!n)
		return c->empty;
	return vos_arena_strndup(&c->page->arena, s, n);
}

/* Line number (1-based, file) of a byte offset: binary search in the line index. */
static unsigned line_of_offset(const struct pctx *c, size_t off)
{
	size_t lo = 0, hi = c->nlines;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return (unsigned)lo + 1;
}

static struct vos_loc loc_of_offset(const struct pctx *c, size_t off)
{
	struct vos_loc loc;
	size_t start;
	loc.file = c->page->file;
	loc.line = line_of_offset(c, off);
	start = c->lines[loc.line - 1];
	if (loc.line == 1 && c->page->bom && off >= 3)
		start += 3;
	loc.col = (unsigned)(off - start) + 1;
	return loc;
}

/* The text of file line `line` (1-based) without its line ending (and without a BOM). */
static const char *line_span(const struct pctx *c, unsigned line, size_t *len)
{
	const char *text = c->page->text;
	size_t s, e;
	if (line == 0 || line > c->nlines) {
		*len = 0;
		return "";
	}
	s = c->lines[line - 1];
	e = line < c->nlines ? c->lines[line] : c->page->len;
	if (line == 1 && c->page->bom)
		s += 3;
	if (e > s && text[e - 1] == '\n')
		e--;
	if (e > s && text[e - 1] == '\r')
		e--;
	*len = e - s;
	return text + s;
}

static void build_line_index(struct pctx *c)
{
	const char *t = c->page->text;
	size_t n = c->page->len, i;
	*(size_t *)VOS_PUSH(c->lines, c->nlines, c->lines_alloc) = 0;
	for (i = 0; i < n; i++) {
		if (t[i] == '\n' || (t[i] == '\r' && (i + 1 >= n || t[i + 1] != '\n'))) {
			if (i + 1 < n)
				*(size_t *)VOS_PUSH(c->lines, c->nlines, c->lines_alloc) = i + 1;
		}
	}
}

static void page_init(struct vos_page *page, const char *file)
{
	memset(page, 0, sizeof(*page));
	vos_arena_init(&page->arena);
	page->file = vos_arena_strdup(&page->arena, file ? file : "<page>");
	page->fm.published = -1;
}

/* Line and column of a node's start as cmark-gfm gives them, on the body's lines (0: unknown).
 * The paragraph cmark-gfm splits off above a table (prose lines directly above the header row)
 * has no position, and its inlines count lines and columns from 0: it starts where the table does. */
static void node_pos(const struct pctx *c, cmark_node *n, int *line, int *col)
{
	*line = cmark_node_get_start_line(n);
	*col = cmark_node_get_start_column(n);
	if (c->prose_line) {
		*col += *line == 0 ? c->prose_col : 1;
		*line += c->prose_line;
	}
}

static struct vos_loc node_loc(const struct pctx *c, cmark_node *n)
{
	struct vos_loc loc;
	int line, col;
	node_pos(c, n, &line, &col);
	loc.file = c->page->file;
	loc.line = line > 0 ? (unsigned)line + c->line_off : 0;
	loc.col = col > 0 ? (unsigned)col : 1;
	return loc;
}

static bool type_is(cmark_node *n, const char *name)
{
	const char *t = cmark_node_get_type_string(n);
	return t && strcmp(t, name) == 0;
}

/* The node after n in a pre-order walk of root's descendants, or NULL at the end. Iterative: no
 * recursion on deep nesting. */
static cmark_node *preorder_next(cmark_node *n, cmark_node *root)
{
	cmark_node *child = cmark_node_first_child(n);
	if (child)
		return child;
	while (n != root && !cmark_node_next(n))
		n = cmark_node_parent(n);
	return n == root ? NULL : cmark_node_next(n);
}

/* The text after "vosctl:" when lit is an HTML comment addressed to vosctl ("<!-- vosctl: ... -->"),
 * else NULL. */
static const char *vosctl_comment(const char *lit)
{
	if (!lit || strncmp(lit, "<!--", 4))
		return NULL;
	lit += 4;
	while (is_blank(*lit))
		lit++;
	return strncmp(lit, "vosctl:", 7) ? NULL : lit + 7;
}

/* Appends the plain text of root's inline descendants: text and code keep their content, links
 * and emphasis their text, breaks become a space; a vosctl comment is not text. Iterative: no
 * recursion on deep nesting. */
static void append_inline_text(struct vos_buf *b, cmark_node *root)
{
	cmark_node *n = cmark_node_first_child(root);
	while (n) {
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_HTML_INLINE:
			if (vosctl_comment(cmark_node_get_literal(n)))
				break;
			/* fall through */
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE: {
			const char *lit = cmark_node_get_literal(n);
			if (lit)
				vos_buf_adds(b, lit);
			break;
		}
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			vos_buf_addc(b, ' ');
			break;
		default:
			break;
		}
		n = preorder_next(n, root);
	}
}

/* Trimmed plain text of an inline container, in the arena. */
static char *inline_text(struct pctx *c, cmark_node *n)
{
	vos_buf_reset(&c->buf);
	append_inline_text(&c->buf, n);
	return arena_trimmed(c, c->buf.ptr ? c->buf.ptr : "", c->buf.len);
}

/* The first strong node among root's inline descendants, or NULL. */
static cmark_node *first_strong(cmark_node *root)
{
	cmark_node *n = cmark_node_first_child(root);
	while (n) {
		if (cmark_node_get_type(n) == CMARK_NODE_STRONG)
			return n;
		n = preorder_next(n, root);
	}
	return NULL;
}

static void error_at(struct pctx *c, const struct vos_loc *loc, const char *rule, const char *fmt, ...)
	VOS_PRINTF(4, 5);
static void error_at(struct pctx *c, const struct vos_loc *loc, const char *rule, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vos_diags_vadd(c->diags, VOS_SEV_ERROR, loc, rule, fmt, ap);
	va_end(ap);
	c->errors++;
}

static void warn_at(struct pctx *c, const struct vos_loc *loc, const char *rule, const char *fmt, ...)
	VOS_PRINTF(4, 5);
static void warn_at(struct pctx *c, const struct vos_loc *loc, const char *rule, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vos_diags_vadd(c->diags, VOS_SEV_WARNING, loc, rule, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------- front matter */

static char *fm_string(struct pctx *c, const struct vos_ynode *key, const struct vos_ynode *val)
{
	if (!val || vos_yscalar_is_null(val))
		return c->empty;
	if (val->kind == VOS_YNODE_SCALAR)
		return vos_arena_strndup(&c->page->arena, val->u.s.str, val->u.s.len);
	{
		struct vos_loc loc = {c->page->file, val->line, val->col};
		error_at(c, &loc, "front-matter", "front matter key '%s' must be a string, not a %s",
		         key->u.s.str, vos_ynode_kind_name(val));
	}
	return NULL;
}

static void fm_fields(struct pctx *c, const struct vos_ynode *root)
{
	struct vos_frontmatter *fm = &c->page->fm;
	size_t i;
	if (!root)
		return;
	if (root->kind != VOS_YNODE_MAP) {
		struct vos_loc loc = {c->page->file, root->line, root->col};
		error_at(c, &loc, "front-matter", "front matter must be a mapping, not a %s",
		         vos_ynode_kind_name(root));
		return;
	}
	for (i = 0; i < root->n; i++) {
		const struct vos_ynode *k = vos_ymap_key(root, i), *v = vos_ymap_val(root, i);
		const char *key;
		if (k->kind != VOS_YNODE_SCALAR)
			continue;
		key = k->u.s.str;
		if (strcmp(key, "title") == 0)
			fm->title = fm_string(c, k, v);
		else if (strcmp(key, "description") == 0)
			fm->description = fm_string(c, k, v);
		else if (strcmp(key, "date") == 0)
			fm->date = fm_string(c, k, v);
		else if (strcmp(key, "editor") == 0)
			fm->editor = fm_string(c, k, v);
		else if (strcmp(key, "dateCreated") == 0)
			fm->date_created = fm_string(c, k, v);
		else if (strcmp(key, "published") == 0 || strcmp(key, "isPublished") == 0) {
			bool b;
			if (v && vos_yscalar_bool(v, &b) == 0)
				fm->published = b;
			else if (v && v->kind == VOS_YNODE_SCALAR && vos_strcaseeq(v->u.s.str, "true"))
				fm->published = 1;
			else if (v && v->kind == VOS_YNODE_SCALAR && vos_strcaseeq(v->u.s.str, "false"))
				fm->published = 0;
			else {
				struct vos_loc loc = {c->page->file, v ? v->line : k->line,
				                      v ? v->col : k->col};
				error_at(c, &loc, "front-matter",
				         "front matter key '%s' must be true or false", key);
			}
		} else if (strcmp(key, "tags") == 0) {
			if (v && v->kind == VOS_YNODE_SEQ) {
				size_t j;
				vos_buf_reset(&c->buf);
				for (j = 0; j < v->n; j++) {
					const struct vos_ynode *it = v->u.items[j];
					if (it->kind != VOS_YNODE_SCALAR) {
						struct vos_loc loc = {c->page->file, it->line, it->col};
						error_at(c, &loc, "front-matter", "front matter 'tags' items must be strings");
						continue;
					}
					if (c->buf.len)
						vos_buf_adds(&c->buf, ", ");
					vos_buf_add(&c->buf, it->u.s.str, it->u.s.len);
				}
				fm->tags = vos_arena_strndup(&c->page->arena, c->buf.ptr ? c->buf.ptr : "",
				                             c->buf.len);
			} else
				fm->tags = fm_string(c, k, v);
		}
		/* other keys are kept out of the struct, not errors */
	}
}

/* Finds and parses the front matter; returns the offset where the Markdown body starts. */
static size_t parse_front_matter(struct pctx *c)
{
	struct vos_page *page = c->page;
	const char *t = page->text;
	size_t start = page->bom ? 3 : 0, p, ys, ye;
	unsigned line, closing = 0;
	struct vos_ydoc yd;
	int rc;

	if (page->len - start < 3 || memcmp(t + start, "---", 3) != 0)
		return start;
	for (p = start + 3; p < page->len && (t[p] == ' ' || t[p] == '\t'); p++)
		;
	if (p < page->len && t[p] != '\n' && t[p] != '\r')
		return start; /* "---x": not a front matter fence */
	for (line = 2; line <= c->nlines; line++) {
		size_t n;
		const char *s = line_span(c, line, &n);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n == 3 && memcmp(s, "---", 3) == 0) {
			closing = line;
			break;
		}
	}
	page->fm.present = true;
	page->fm.first_line = 1;
	page->fm.loc.file = page->file;
	page->fm.loc.line = 1;
	page->fm.loc.col = 1;
	if (!closing) {
		error_at(c, &page->fm.loc, "front-matter", "front matter has no closing '---' line");
		page->fm.last_line = (unsigned)c->nlines;
		c->line_off = (unsigned)c->nlines;
		return page->len;
	}
	page->fm.last_line = closing;
	ys = c->nlines >= 2 ? c->lines[1] : page->len;
	ye = c->lines[closing - 1];

	/* the YAML starts on the page's line first_line + 1: its nodes and diagnostics carry lines of
	 * the page */
	rc = vos_yaml_parse(&yd, page->file, page->fm.first_line, t + ys, ye - ys, c->diags);
	if (rc < 0)
		c->errors++;
	else
		fm_fields(c, yd.ndocs ? yd.docs[0] : NULL);
	vos_ydoc_release(&yd);

	c->line_off = closing;
	return closing < c->nlines ? c->lines[closing] : page->len;
}

/* ------------------------------------------------------------------- tables */

static enum vos_column_role column_role(const char *name)
{
	static const struct {
		const char *name;
		enum vos_column_role role;
	} names[] = {
		{"service", VOS_COL_SERVICE},    {"services", VOS_COL_SERVICE},
		{"name", VOS_COL_SERVICE},       {"service name", VOS_COL_SERVICE},
		{"ip", VOS_COL_ADDRESS},         {"address", VOS_COL_ADDRESS},
		{"ip address", VOS_COL_ADDRESS}, {"host ip", VOS_COL_ADDRESS},
		{"purpose", VOS_COL_PURPOSE},    {"description", VOS_COL_PURPOSE},
		{"role", VOS_COL_PURPOSE},       {"port", VOS_COL_PORT},
		{"ports", VOS_COL_PORT},
	};
	size_t i;
	for (i = 0; i < VOS_ARRAY_SIZE(names); i++)
		if (vos_strcaseeq(name, names[i].name))
			return names[i].role;
	return VOS_COL_EXTRA;
}

static bool is_placeholder(const char *s)
{
	size_t n = strlen(s);
	if (!n || strcmp(s, "-") == 0 || strcmp(s, "\xe2\x80\x94") == 0 || strcmp(s, "\xe2\x80\x93") == 0 ||
	    vos_strcaseeq(s, "tbd") || vos_strcaseeq(s, "n/a") || vos_strcaseeq(s, "?"))
		return true;
	return n >= 2 && s[0] == '<' && s[n - 1] == '>';
}

/* Source columns of one cell on its line: trimmed [*col, *end), see struct vos_page_row. */
static void cell_columns(const char *ls, size_t ll, int sc, int ec, unsigned shift, unsigned *col,
                         unsigned *end)
{
	size_t s, e, e0;
	if (sc <= 0) {
		*col = *end = 0;
		return;
	}
	s = (size_t)sc + shift;          /* first byte after the pipe */
	e0 = e = ec >= sc ? (size_t)ec + shift : s - 1; /* last byte before the next pipe */
	if (e > ll)
		e0 = e = ll;
	if (s > ll + 1)
		s = ll + 1;
	while (s <= e && is_blank(ls[s - 1]))
		s++;
	while (e >= s && is_blank(ls[e - 1]))
		e--;
	if (s > e) { /* empty cell: just after "| " */
		size_t p = (size_t)sc + shift;
		if (p <= ll && is_blank(ls[p - 1]) && p <= e0)
			p++;
		if (p > ll + 1)
			p = ll + 1;
		*col = *end = (unsigned)p;
		return;
	}
	*col = (unsigned)s;
	*end = (unsigned)e + 1;
}

/* A located warning about a vosctl comment (a malformed one waives nothing). */
static void waiver_warning(struct pctx *c, const struct vos_loc *loc, const char *fmt, ...) VOS_PRINTF(3, 4);
static void waiver_warning(struct pctx *c, const struct vos_loc *loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vos_diags_vadd(c->diags, VOS_SEV_WARNING, loc, "waiver-malformed", fmt, ap);
	va_end(ap);
}

/* Parses "allow RULE-ID until YYYY-MM-DD: reason -->" (what follows "vosctl:") into a waiver for
 * row; a malformed comment is a located warning. */
static void add_inline_waiver(struct pctx *c, const char *text, const struct vos_loc *loc, size_t row)
{
	static const char usage[] = "expected '<!-- vosctl: allow RULE-ID until YYYY-MM-DD: reason -->'";
	const char *p = text, *rule, *date, *reason, *end;
	size_t rl;
	int ymd;
	struct vos_page_waiver *w;
	while (is_blank(*p))
		p++;
	if (strncmp(p, "allow", 5) || !is_blank(p[5])) {
		waiver_warning(c, loc, "unknown vosctl comment (%s)", usage);
		return;
	}
	for (p += 5; is_blank(*p); p++)
		;
	rule = p;
	while (*p && !is_blank(*p))
		p++;
	rl = (size_t)(p - rule);
	while (is_blank(*p))
		p++;
	if (!rl || strncmp(p, "until", 5) || !is_blank(p[5])) {
		waiver_warning(c, loc, "malformed vosctl waiver (%s)", usage);
		return;
	}
	for (p += 5; is_blank(*p); p++)
		;
	date = p;
	if (strlen(p) < 11 || p[10] != ':') {
		waiver_warning(c, loc, "malformed vosctl waiver: no date before ':' (%s)", usage);
		return;
	}
	{
		char d[11];
		memcpy(d, date, 10);
		d[10] = '\0';
		if (vos_date_parse(d, &ymd) < 0) {
			waiver_warning(c, loc, "invalid date '%s' in vosctl waiver (expected YYYY-MM-DD)", d);
			return;
		}
	}
	reason = date + 11;
	while (is_blank(*reason))
		reason++;
	end = strstr(reason, "-->");
	if (!end)
		end = reason + strlen(reason);
	while (end > reason && is_blank(end[-1]))
		end--;
	if (end == reason) {
		waiver_warning(c, loc, "vosctl waiver for '%.*s' has no reason (%s)", (int)rl, rule, usage);
		return;
	}
	w = VOS_PUSH(c->page->waivers, c->page->nwaivers, c->page->waivers_alloc);
	w->rule = vos_arena_strndup(&c->page->arena, rule, rl);
	w->until = vos_arena_strndup(&c->page->arena, date, 10);
	w->until_ymd = ymd;
	w->reason = vos_arena_strndup(&c->page->arena, reason, (size_t)(end - reason));
	w->row = row;
	w->loc = *loc;
}

/* The vosctl comments of a row's cells become waivers for row (VOS_PAGE_NO_ROW: pending, for the
 * table's next row). Returns whether the row holds nothing else (a comment row). */
static bool row_waivers(struct pctx *c, cmark_node *row, unsigned line, size_t idx)
{
	cmark_node *cell, *n;
	bool any = false, other = false;
	for (cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell))
		for (n = cmark_node_first_child(cell); n; n = preorder_next(n, cell)) {
			const char *lit = cmark_node_get_literal(n);
			const char *v = cmark_node_get_type(n) == CMARK_NODE_HTML_INLINE ? vosctl_comment(lit) : NULL;
			if (v) {
				struct vos_loc loc = {c->page->file, line, 1};
				int col = cmark_node_get_start_column(cell);
				loc.col = col > 0 ? (unsigned)col : 1;
				add_inline_waiver(c, v, &loc, idx);
				any = true;
			} else if (cmark_node_get_type(n) != CMARK_NODE_TEXT || (lit && lit[strspn(lit, " \t")])) {
				other = true;
			}
		}
	return any && !other;
}

static void do_row(struct pctx *c, size_t ti, cmark_node *row)
{
	struct vos_page *page = c->page;
	struct vos_page_table *t = &page->tables[ti];
	struct vos_page_row *r;
	cmark_node *cell = cmark_node_first_child(row);
	const char *ls;
	size_t ll, i, w0 = page->nwaivers;
	unsigned shift = 0;
	int rc = cmark_node_get_start_column(row);
	unsigned line = (unsigned)cmark_node_get_start_line(row) + c->line_off;

	if (row_waivers(c, row, line, page->nrows)) {
		/* a row of comments only: its waivers wait for the next row; not a service row */
		for (i = w0; i < page->nwaivers; i++)
			page->waivers[i].row = VOS_PAGE_NO_ROW;
		t->last_line = line;
		return;
	}
	for (i = c->pending_waivers; i < w0; i++)
		if (page->waivers[i].row == VOS_PAGE_NO_ROW)
			page->waivers[i].row = page->nrows;
	c->pending_waivers = page->nwaivers;
	r = VOS_PUSH(page->rows, page->nrows, page->rows_alloc);
	r->loc.file = page->file;
	r->loc.line = (unsigned)cmark_node_get_start_line(row) + c->line_off;
	r->loc.col = 1;
	r->table = (int)ti;
	r->host = r->plane = -1;
	/* cmark-gfm reports a body row's cells relative to the row text without its indentation:
	 * count that indentation on the source line */
	ls = line_span(c, r->loc.line, &ll);
	if (rc > 0)
		while ((size_t)rc - 1 + shift < ll && (ls[rc - 1 + shift] == ' ' || ls[rc - 1 + shift] == '\t'))
			shift++;

	r->ncells = t->ncols;
	r->cells = vos_arena_alloc(&page->arena, t->ncols * sizeof(*r->cells));
	r->cell_cols = vos_arena_alloc(&page->arena, t->ncols * sizeof(*r->cell_cols));
	r->cell_ends = vos_arena_alloc(&page->arena, t->ncols * sizeof(*r->cell_ends));
	r->service = r->address = r->purpose = c->empty;
	r->addr_loc = r->loc;
	for (i = 0; i < t->ncols; i++) {
		if (cell) {
			r->cells[i] = inline_text(c, cell);
			cell_columns(ls, ll, cmark_node_get_start_column(cell), cmark_node_get_end_column(cell),
			             shift, &r->cell_cols[i], &r->cell_ends[i]);
			cell = cmark_node_next(cell);
		} else
			r->cells[i] = c->empty;
		switch (t->cols[i].role) {
		case VOS_COL_SERVICE:
			r->service = r->cells[i];
			break;
		case VOS_COL_ADDRESS:
			r->address = r->cells[i];
			if (r->cell_cols[i])
				r->addr_loc.col = r->cell_cols[i];
			break;
		case VOS_COL_PURPOSE:
			r->purpose = r->cells[i];
			break;
		case VOS_COL_EXTRA:
		case VOS_COL_PORT:
			break;
		}
	}
	r->address_placeholder = is_placeholder(r->address);
	t->last_line = r->loc.line;
}

static void do_table(struct pctx *c, cmark_node *table)
{
	struct vos_page *page = c->page;
	cmark_node *hdr = cmark_node_first_child(table), *cell, *row;
	struct vos_page_table *t;
	size_t ncols = 0, i, ti;
	bool seen[5] = {false};
	int service = -1, delim;

	if (!hdr || !type_is(hdr, "table_header"))
		return;
	for (cell = cmark_node_first_child(hdr); cell; cell = cmark_node_next(cell))
		ncols++;
	/* the header decides: a services table has a service column */
	for (cell = cmark_node_first_child(hdr), i = 0; cell; cell = cmark_node_next(cell), i++) {
		char *name = inline_text(c, cell);
		if (column_role(name) == VOS_COL_SERVICE) {
			service = (int)i;
			break;
		}
	}
	if (service < 0)
		return;

	ti = page->ntables;
	t = VOS_PUSH(page->tables, page->ntables, page->tables_alloc);
	t->ncols = ncols;
	t->cols = vos_arena_alloc(&page->arena, ncols * sizeof(*t->cols));
	for (cell = cmark_node_first_child(hdr), i = 0; cell; cell = cmark_node_next(cell), i++) {
		enum vos_column_role role;
		t->cols[i].name = inline_text(c, cell);
		role = column_role(t->cols[i].name);
		if (role != VOS_COL_EXTRA && seen[role])
			role = VOS_COL_EXTRA; /* the first column of a role wins */
		seen[role] = true;
		t->cols[i].role = role;
	}
	/* cmark-gfm gives the table (and its header row) the start line of the paragraph the header
	 * row ended: prose lines directly above the table are not its lines. The header row is the one
	 * line above the delimiter row, which is the line above the first body row, or the table's
	 * last line when it has no body rows. */
	for (row = cmark_node_next(hdr); row && !type_is(row, "table_row"); row = cmark_node_next(row))
		;
	delim = row ? cmark_node_get_start_line(row) - 1 : cmark_node_get_end_line(table);
	t->first_line = delim > 1 ? (unsigned)delim - 1 + c->line_off : 0;
	t->last_line = delim > 1 ? (unsigned)delim + c->line_off : 0;
	t->first_row = page->nrows;
	t->section = page->nsections ? (int)page->nsections - 1 : -1;
	c->pending_waivers = page->nwaivers; /* a comment row waives only within its table */
	for (; row; row = cmark_node_next(row))
		if (type_is(row, "table_row"))
			do_row(c, ti, row);
	c->pending_waivers = page->nwaivers;
	page->tables[ti].nrows = page->nrows - page->tables[ti].first_row;
	c->last_table = table;
	c->last_stray = NULL;
}

/* A paragraph right after a services table (or after such a paragraph) whose every line starts
 * with a pipe: table rows a blank line cut off (GFM ends a table at a blank line). Their cells are read by
 * cmark-gfm itself, from the table's header and delimiter rows followed by these lines; each becomes
 * a stray row, and the paragraph a "page-table-break" warning. */
static void do_stray_rows(struct pctx *c, cmark_node *para)
{
	struct vos_page *page = c->page;
	cmark_node *prev = cmark_node_previous(para), *doc, *n;
	cmark_parser *parser;
	cmark_syntax_extension *ext;
	const struct vos_page_table *t;
	struct vos_buf text = VOS_BUF_INIT;
	int sl = cmark_node_get_start_line(para), el = cmark_node_get_end_line(para), l;
	size_t ti, nrows = 0, i, service = (size_t)-1;
	const char *ls;
	size_t ll;

	if (!prev || sl <= 0 || el < sl || !c->page->ntables || (prev != c->last_table && prev != c->last_stray))
		return;
	ti = page->ntables - 1;
	t = &page->tables[ti];
	if (t->first_line < 1)
		return;
	for (l = sl; l <= el; l++) {
		size_t k = 0;
		ls = line_span(c, (unsigned)l + c->line_off, &ll);
		while (k < ll && k < 3 && ls[k] == ' ')
			k++;
		if (k >= ll || ls[k] != '|')
			return; /* prose (even with a pipe in it): rows people write start with one */
	}
	for (i = 0; i < t->ncols; i++)
		if (t->cols[i].role == VOS_COL_SERVICE)
			service = i;
	for (l = 0; l < 2; l++) {
		ls = line_span(c, t->first_line + (unsigned)l, &ll);
		vos_buf_add(&text, ls, ll);
		vos_buf_addc(&text, '\n');
	}
	for (l = sl; l <= el; l++) {
		ls = line_span(c, (unsigned)l + c->line_off, &ll);
		vos_buf_add(&text, ls, ll);
		vos_buf_addc(&text, '\n');
	}
	parser = cmark_parser_new(CMARK_OPT_DEFAULT);
	if (!parser)
		vos_die_oom();
	if ((ext = cmark_find_syntax_extension("table")) != NULL)
		cmark_parser_attach_syntax_extension(parser, ext);
	cmark_parser_feed(parser, text.ptr, text.len);
	doc = cmark_parser_finish(parser);
	if (!doc)
		vos_die_oom();
	n = cmark_node_first_child(doc);
	if (n && type_is(n, "table")) {
		cmark_node *row, *cell;
		for (row = cmark_node_first_child(n); row; row = cmark_node_next(row)) {
			struct vos_page_stray *st;
			int rl = cmark_node_get_start_line(row);
			if (!type_is(row, "table_row") || rl < 3)
				continue;
			st = VOS_PUSH(page->strays, page->nstrays, page->strays_alloc);
			st->table = (int)ti;
			st->loc.file = page->file;
			st->loc.line = (unsigned)(sl + rl - 3) + c->line_off;
			st->loc.col = 1;
			st->service = c->empty;
			for (cell = cmark_node_first_child(row), i = 0; cell; cell = cmark_node_next(cell), i++)
				if (i == service)
					st->service = inline_text(c, cell);
			nrows++;
		}
	}
	cmark_node_free(doc);
	cmark_parser_free(parser);
	vos_buf_release(&text);
	if (nrows) {
		struct vos_loc loc = {page->file, (unsigned)sl + c->line_off, 1};
		warn_at(c, &loc, "page-table-break",
		        "this looks like table rows, but a blank line ended the table at line %u: %zu row%s "
		        "from here on %s not read as services (remove the blank line to keep %s in the table)",
		        t->last_line + 1, nrows, nrows == 1 ? "" : "s", nrows == 1 ? "is" : "are",
		        nrows == 1 ? "it" : "them");
		c->last_stray = para;
	}
}

/* ------------------------------------------------------- headings and lists */

static void do_heading(struct pctx *c, cmark_node *n)
{
	struct vos_page *page = c->page;
	int level = cmark_node_get_heading_level(n);
	char *text = inline_text(c, n);
	struct vos_page_section *s;
	char *open, *close;

	c->in_rules = vos_contains_nocase(text, "rule");
	if (level == 1) {
		if (!page->title)
			page->title = text;
		return;
	}
	if (level < 2 || level > 6)
		return;
	s = VOS_PUSH(page->sections, page->nsections, page->sections_alloc);
	s->level = level;
	s->title = text;
	s->name = text;
	s->host = s->plane = -1;
	s->loc = node_loc(c, n);
	open = strchr(text, '(');
	close = strrchr(text, ')');
	if (open && open > text && close && close > open) {
		s->name = arena_trimmed(c, text, (size_t)(open - text));
		s->paren = arena_trimmed(c, open + 1, (size_t)(close - open - 1));
		if (!*s->paren)
			s->paren = NULL;
	}
}

/* Plain text of a list item: its paragraphs, not its nested lists. Sets *strong to the first
 * bold text. */
static char *item_text(struct pctx *c, cmark_node *item, cmark_node **strong)
{
	cmark_node *b;
	*strong = NULL;
	vos_buf_reset(&c->buf);
	for (b = cmark_node_first_child(item); b; b = cmark_node_next(b)) {
		cmark_node_type ty = cmark_node_get_type(b);
		if (ty != CMARK_NODE_PARAGRAPH && ty != CMARK_NODE_HEADING)
			continue;
		if (c->buf.len)
			vos_buf_addc(&c->buf, ' ');
		append_inline_text(&c->buf, b);
		if (!*strong)
			*strong = first_strong(b);
	}
	return arena_trimmed(c, c->buf.ptr ? c->buf.ptr : "", c->buf.len);
}

static void do_item(struct pctx *c, cmark_node *item)
{
	struct vos_page *page = c->page;
	struct vos_page_statement *st;
	struct list_state *ls = c->nlists ? &c->lists[c->nlists - 1] : NULL;
	cmark_node *strong;
	char *text = item_text(c, item, &strong);
	int number = ls ? ls->next++ : 0;

	st = VOS_PUSH(page->statements, page->nstatements, page->statements_alloc);
	st->text = text;
	st->loc = node_loc(c, item);
	if (ls && ls->ordered && c->nlists == 1 && c->in_rules) {
		struct vos_page_rule *r = VOS_PUSH(page->rules, page->nrules, page->rules_alloc);
		r->number = number;
		r->text = text;
		r->subject = strong ? inline_text(c, strong) : NULL;
		if (r->subject && !*r->subject)
			r->subject = NULL;
		r->loc = st->loc;
	}
}

/* -------------------------------------------------------------------- links */

static void add_link(struct pctx *c, enum vos_link_kind kind, const char *target, size_t n,
                     struct vos_loc loc)
{
	struct vos_page_link *l = VOS_PUSH(c->page->links, c->page->nlinks, c->page->links_alloc);
	l->kind = kind;
	l->target = arena_trimmed(c, target, n);
	l->loc = loc;
}

struct seg {
	size_t off;               /* offset of this text node in the run */
	unsigned line, col;
};

/* Finds [[target]] in a run of adjacent text nodes (code spans are not text nodes). */
static void scan_wikilinks(struct pctx *c, cmark_node *first, cmark_node *fallback)
{
	struct seg segs_small[8], *segs = segs_small;
	size_t nsegs = 0, segs_alloc = 0, i;
	const char *s, *p;
	cmark_node *n;

	vos_buf_reset(&c->buf);
	for (n = first; n && cmark_node_get_type(n) == CMARK_NODE_TEXT; n = cmark_node_next(n)) {
		const char *lit = cmark_node_get_literal(n);
		struct seg sg;
		int line, col;
		node_pos(c, n, &line, &col);
		sg.off = c->buf.len;
		sg.line = line > 0 ? (unsigned)line : 0;
		sg.col = col > 0 ? (unsigned)col : 0;
		if (nsegs < VOS_ARRAY_SIZE(segs_small) && segs == segs_small)
			segs[nsegs++] = sg;
		else {
			if (segs == segs_small) {
				segs = NULL;
				VOS_GROW(segs, segs_alloc, nsegs + 1);
				memcpy(segs, segs_small, sizeof(segs_small));
			}
			*VOS_PUSH(segs, nsegs, segs_alloc) = sg;
		}
		vos_buf_adds(&c->buf, lit ? lit : "");
	}
	s = c->buf.ptr ? c->buf.ptr : "";
	p = s;
	while ((p = strstr(p, "[[")) != NULL) {
		const char *q = strstr(p + 2, "]]");
		size_t off = (size_t)(p - s);
		struct vos_loc loc;
		if (!q)
			break;
		if (memchr(p + 2, '\n', (size_t)(q - p - 2)) || q == p + 2) {
			p += 2;
			continue;
		}
		for (i = nsegs; i > 1 && segs[i - 1].off > off; i--)
			;
		loc.file = c->page->file;
		if (nsegs && segs[i - 1].line) {
			loc.line = segs[i - 1].line + c->line_off;
			loc.col = segs[i - 1].col ? segs[i - 1].col + (unsigned)(off - segs[i - 1].off) : 1;
		} else
			loc = node_loc(c, fallback);
		add_link(c, VOS_LINK_WIKI, p + 2, (size_t)(q - p - 2), loc);
		p = q + 2;
	}
	if (segs != segs_small)
		free(segs);
}

/* ------------------------------------------------------------ planes, hosts */

static int add_plane(struct pctx *c, char *name, struct vos_loc loc)
{
	struct vos_page *page = c->page;
	struct vos_page_plane *p;
	void *v = vos_map_get(&c->plane_by_name, name);
	if (v)
		return (int)(VOS_MAP_SLOT(v) - 1);
	p = VOS_PUSH(page->planes, page->nplanes, page->planes_alloc);
	p->name = name;
	p->loc = loc;
	vos_map_put(&c->plane_by_name, p->name, VOS_MAP_INDEX(page->nplanes - 1));
	return (int)page->nplanes - 1;
}

static int add_host(struct pctx *c, char *name, char *role, int plane, struct vos_loc loc)
{
	struct vos_page *page = c->page;
	struct vos_page_host *h;
	void *v = vos_map_get(&c->host_by_name, name);
	if (v)
		return (int)(VOS_MAP_SLOT(v) - 1);
	h = VOS_PUSH(page->hosts, page->nhosts, page->hosts_alloc);
	h->name = name;
	h->role = role;
	h->plane = plane;
	h->loc = loc;
	vos_map_put(&c->host_by_name, h->name, VOS_MAP_INDEX(page->nhosts - 1));
	return (int)page->nhosts - 1;
}

static bool hostname_like(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

static bool never_plane(const char *name)
{
	return vos_contains_nocase(name, "rule") || vos_strcaseeq(name, "related") ||
	       vos_starts_with(name, "Related");
}

enum { HAS_TABLE = 1, HAS_PAREN_SUB = 2, OWN_TABLE = 4, HINTED = 8 };

/* "Infrastructure - hal", "deep-thought: Databases": the heading's two parts around the first
 * " - ", " – ", " — " or ": " (the forms people write instead of parentheses). */
static bool split_separator(const char *text, size_t *left_len, const char **right)
{
	static const char *const seps[] = {" - ", " \xe2\x80\x93 ", " \xe2\x80\x94 ", ": "};
	const char *best = NULL;
	size_t i, best_len = 0;
	for (i = 0; i < VOS_ARRAY_SIZE(seps); i++) {
		const char *p = strstr(text, seps[i]);
		if (p && p > text && (!best || p < best)) {
			best = p;
			best_len = strlen(seps[i]);
		}
	}
	if (!best || !best[best_len])
		return false;
	*left_len = (size_t)(best - text);
	*right = best + best_len;
	return true;
}

/* A heading over a services table that names no host although it reads like "plane - host"
 * (level 2) or "host - role" (deeper): say what was understood and how to write it. */
static bool hint_heading(struct pctx *c, const struct vos_page_section *s, int placed_on)
{
	const char *right, *on = placed_on >= 0 ? c->page->hosts[placed_on].name : NULL;
	size_t left_len;
	char hashes[7];
	char *left, *host, *other;

	if (s->paren || !split_separator(s->title, &left_len, &right))
		return false;
	left = arena_trimmed(c, s->title, left_len);
	host = s->level == 2 ? arena_trimmed(c, right, strlen(right)) : left;
	other = s->level == 2 ? left : arena_trimmed(c, right, strlen(right));
	if (!hostname_like(host) || !*other)
		return false;
	memset(hashes, '#', sizeof(hashes));
	hashes[s->level] = '\0';
	warn_at(c, &s->loc, "page-heading-host",
	        "heading '%s' does not name a host: the rows under it are placed on %s%s%s; "
	        "write '%s %s (%s)' to place them on '%s'", s->title, on ? "'" : "", on ? on : "no host",
	        on ? "'" : "", hashes, s->level == 2 ? other : host, s->level == 2 ? host : other, host);
	return true;
}

/* Decides planes and hosts once every heading and table is known, then places the rows. */
static void resolve(struct pctx *c)
{
	struct vos_page *page = c->page;
	size_t ns = page->nsections, i, j;
	int *h2_of = NULL, *host_at = NULL, cur = -1, run_host = -1, run_sec = -1;
	unsigned char *flags = NULL;

	if (!ns)
		goto tables;
	h2_of = vos_calloc(ns, sizeof(*h2_of));
	host_at = vos_calloc(ns, sizeof(*host_at));
	flags = vos_calloc(ns, 1);
	for (i = 0; i < ns; i++) {
		if (page->sections[i].level == 2)
			cur = (int)i;
		h2_of[i] = cur;
		if (page->sections[i].level >= 3 && page->sections[i].paren && cur >= 0)
			flags[cur] |= HAS_PAREN_SUB;
	}
	for (i = 0; i < page->ntables; i++) {
		int s = page->tables[i].section;
		if (s >= 0)
			flags[s] |= OWN_TABLE;
		if (s >= 0 && h2_of[s] >= 0)
			flags[h2_of[s]] |= HAS_TABLE;
	}
	for (i = 0; i < ns; i++) {
		struct vos_page_section *s = &page->sections[i];
		if (s->level == 2) {
			bool plane = !never_plane(s->name) &&
			             (ends_with_nocase(s->name, " plane") || vos_strcaseeq(s->name, "plane") ||
			              s->paren || flags[i]);
			if (plane) {
				s->plane = add_plane(c, s->name, s->loc);
				if (s->paren)
					s->host = add_host(c, s->paren, NULL, s->plane, s->loc);
			}
			run_host = s->host;
			run_sec = s->host >= 0 ? (int)i : -1;
		} else {
			/* a level-3 heading names a host; a deeper one does when a services table sits
			 * directly under it (docs/page-format.md) */
			s->plane = h2_of[i] >= 0 ? page->sections[h2_of[i]].plane : -1;
			if (s->plane >= 0 && *s->name && (s->paren || hostname_like(s->name)) &&
			    (s->level == 3 || (flags[i] & OWN_TABLE)))
				s->host = add_host(c, s->name, s->paren, s->plane, s->loc);
			if (s->host >= 0 && s->level > 3 && run_sec >= 0 && page->sections[run_sec].level < s->level &&
			    s->host != page->sections[run_sec].host)
				warn_at(c, &s->loc, "page-heading-level",
				        "heading '%s' (level %d) is read as host '%s', although it sits below the "
				        "level-%d heading of host '%s' (line %u): give host headings one level",
				        s->title, s->level, page->hosts[s->host].name, page->sections[run_sec].level,
				        page->hosts[page->sections[run_sec].host].name, page->sections[run_sec].loc.line);
			if (s->host >= 0) {
				run_host = s->host;
				run_sec = (int)i;
			}
		}
		host_at[i] = run_host;
		if ((flags[i] & OWN_TABLE) && s->host < 0 && hint_heading(c, s, run_host))
			flags[i] |= HINTED;
	}
	for (i = 0; i < page->ntables; i++) {
		const struct vos_page_table *t = &page->tables[i];
		int host = t->section >= 0 ? host_at[t->section] : -1;
		int plane = t->section >= 0 ? page->sections[t->section].plane : -1;
		for (j = t->first_row; j < t->first_row + t->nrows; j++) {
			page->rows[j].host = host;
			page->rows[j].plane = plane;
		}
	}
tables:
	/* a table whose rows the page places on no host (the inventory alone does), on a page that
	 * names hosts elsewhere: a heading that was meant to name one */
	for (i = 0; page->nhosts && i < page->ntables; i++) {
		const struct vos_page_table *t = &page->tables[i];
		const struct vos_page_section *s = t->section >= 0 ? &page->sections[t->section] : NULL;
		struct vos_loc loc = {page->file, t->first_line, 1};
		if (!t->nrows || page->rows[t->first_row].host >= 0)
			continue;
		if (s && (flags[t->section] & HINTED))
			continue; /* hint_heading said how to write it */
		warn_at(c, &loc, "page-table-no-host",
		        "this services table is under no host heading (%s%s%s): its rows are placed on no "
		        "host; put it under '## Plane (host)' or '### host'",
		        s ? "'" : "", s ? s->title : "none", s ? "'" : "");
	}
	free(h2_of);
	free(host_at);
	free(flags);
}

/* --------------------------------------------------------------- the walk */

static void walk(struct pctx *c, cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type ty = cmark_node_get_type(n);
		if (ev == CMARK_EVENT_EXIT) {
			if (ty == CMARK_NODE_LIST && c->nlists)
				c->nlists--;
			if (ty == CMARK_NODE_PARAGRAPH)
				c->prose_line = c->prose_col = 0;
			continue;
		}
		switch (ty) {
		case CMARK_NODE_PARAGRAPH:
			if (cmark_node_get_start_line(n) > 0)
				do_stray_rows(c, n);
			if (cmark_node_get_start_line(n) == 0 && cmark_node_next(n) &&
			    type_is(cmark_node_next(n), "table")) {
				c->prose_line = cmark_node_get_start_line(cmark_node_next(n));
				c->prose_col = cmark_node_get_start_column(cmark_node_next(n));
			}
			break;
		case CMARK_NODE_HEADING:
			do_heading(c, n);
			break;
		case CMARK_NODE_LIST: {
			struct list_state *ls = VOS_PUSH(c->lists, c->nlists, c->lists_alloc);
			ls->ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
			ls->next = ls->ordered ? cmark_node_get_list_start(n) : 0;
			break;
		}
		case CMARK_NODE_ITEM:
			do_item(c, n);
			break;
		case CMARK_NODE_HTML_BLOCK:
			if (vosctl_comment(cmark_node_get_literal(n))) {
				struct vos_loc loc = node_loc(c, n);
				waiver_warning(c, &loc, "a vosctl comment on a line of its own ends the table and waives "
				               "nothing: put it in a row of its own, '| <!-- vosctl: allow ... --> |'");
			}
			break;
		case CMARK_NODE_TEXT: {
			cmark_node *prev = cmark_node_previous(n);
			if (prev && cmark_node_get_type(prev) == CMARK_NODE_TEXT)
				break; /* scanned with the run it belongs to */
			if (cmark_node_next(n) && cmark_node_get_type(cmark_node_next(n)) == CMARK_NODE_TEXT)
				scan_wikilinks(c, n, cmark_node_parent(n));
			else {
				const char *lit = cmark_node_get_literal(n);
				if (lit && strstr(lit, "[["))
					scan_wikilinks(c, n, cmark_node_parent(n));
			}
			break;
		}
		case CMARK_NODE_LINK: {
			const char *url = cmark_node_get_url(n);
			if (url && url[0] == '/' && url[1] != '/')
				add_link(c, VOS_LINK_MARKDOWN, url, strlen(url), node_loc(c, n));
			break;
		}
		default:
			if (type_is(n, "table"))
				do_table(c, n);
			break;
		}
	}
	cmark_iter_free(it);
}

static void parse_chunk(struct pctx *c, const char *body, size_t len)
{
	cmark_syntax_extension *table;
	cmark_parser *parser;
	cmark_node *doc;

	cmark_gfm_core_extensions_ensure_registered();
	parser = cmark_parser_new(CMARK_OPT_DEFAULT);
	if (!parser)
		vos_die_oom();
	table = cmark_find_syntax_extension("table");
	if (table)
		cmark_parser_attach_syntax_extension(parser, table);
	cmark_parser_feed(parser, body, len);
	doc = cmark_parser_finish(parser);
	if (!doc)
		vos_die_oom();
	walk(c, doc);
	c->last_table = c->last_stray = NULL;
	cmark_node_free(doc);
	cmark_parser_free(parser);
}

/* The body is fed to cmark-gfm in pieces that end where an ATX heading (levels 1-3) starts, once a
 * piece has reached PAGE_CHUNK bytes: cmark's tree costs ~40 bytes per byte of table, and a heading
 * closes every open block (paragraph, list, table, block quote), so each piece parses as it would in
 * the whole document. Splitting is skipped when it could change the meaning: link reference or
 * footnote definitions (document-wide), raw HTML blocks, lone CR line endings, and fences indented 1-3
 * spaces (they may sit in a list item, which closes them). Fenced code is tracked so a "#" line
 * inside a fence is never a split point. */
#ifndef VOS_PAGE_CHUNK
#define VOS_PAGE_CHUNK (256u * 1024u) /* the fuzz build sets it tiny, so fuzzing exercises splitting */
#endif
#define PAGE_CHUNK ((size_t)VOS_PAGE_CHUNK)

static bool strstr_bounded(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);
	for (; p + n <= end; p++)
		if (!memcmp(p, needle, n))
			return true;
	return false;
}

static size_t indent_of(const char *p, const char *end)
{
	size_t n = 0;
	while (p + n < end && p[n] == ' ' && n < 4)
		n++;
	return n;
}

static bool splitting_is_safe(const char *body, size_t len)
{
	const char *p = body, *end = body + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *cr = memchr(p, '\r', (size_t)(eol - p));
		size_t ind = indent_of(p, eol);
		if (cr && cr + 1 != eol)
			return false; /* a CR that is not part of CRLF */
		/* an indented fence may belong to a list item, where cmark closes it when the item ends
		 * and the fence tracking below would not: such a page is parsed whole */
		if (ind >= 1 && ind < 4 && p + ind + 3 <= eol && (p[ind] == '`' || p[ind] == '~') &&
		    p[ind + 1] == p[ind] && p[ind + 2] == p[ind])
			return false;
		if (ind < 4 && p + ind < eol && (p[ind] == '<' || (p[ind] == '[' && memchr(p, ']', (size_t)(eol - p)) &&
		                                                    strstr_bounded(p + ind, eol, "]:"))))
			return false;
		p = nl ? nl + 1 : end;
	}
	return true;
}

static void parse_body(struct pctx *c, const char *body, size_t len)
{
	const char *p = body, *end = body + len, *chunk = body;
	unsigned base = c->line_off, line = 1, chunk_line = 1;
	char fence = 0;
	size_t fence_len = 0;

	if (len <= c->chunk || !splitting_is_safe(body, len)) {
		parse_chunk(c, body, len);
		return;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t ind = indent_of(p, eol), n = 0;
		const char *q = p + ind;
		if (ind < 4 && q < eol && (*q == '`' || *q == '~')) {
			while (q + n < eol && q[n] == *q)
				n++;
			if (n >= 3) {
				if (!fence) {
					/* a backtick fence's info string holds no backtick (CommonMark 4.5): "```a`"
					 * opens nothing, it is a paragraph with a code span */
					if (*q != '`' || !memchr(q + n, '`', (size_t)(eol - (q + n)))) {
						fence = *q;
						fence_len = n;
					}
				} else if (*q == fence && n >= fence_len) {
					const char *r = q + n;
					while (r < eol && (*r == ' ' || *r == '\t' || *r == '\r'))
						r++;
					if (r == eol)
						fence = 0;
				}
			}
		} else if (!fence && ind == 0 && q < eol && *q == '#' && p > chunk &&
		           (size_t)(p - chunk) >= c->chunk) {
			/* only an unindented heading: one indented 1-3 spaces may continue a list item
			 * ("- item\n  # heading" is a heading inside the item), and cutting there would end
			 * the item early */
			while (q + n < eol && q[n] == '#')
				n++;
			if (n <= 3 && (q + n == eol || q[n] == ' ' || q[n] == '\t' || q[n] == '\r')) {
				c->line_off = base + chunk_line - 1;
				parse_chunk(c, chunk, (size_t)(p - chunk));
				chunk = p;
				chunk_line = line;
			}
		}
		p = nl ? nl + 1 : end;
		line++;
	}
	c->line_off = base + chunk_line - 1;
	parse_chunk(c, chunk, (size_t)(end - chunk));
	c->line_off = base;
}

/* --------------------------------------------------------------- public */

void vos_page_prepare(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

int vos_page_parse(struct vos_page *out, const char *file, const char *text, size_t len,
                   struct vos_diags *diags)
{
	return vos_page_parse_chunked(out, file, text, len, 0, diags);
}

int vos_page_parse_chunked(struct vos_page *out, const char *file, const char *text, size_t len,
                           size_t chunk, struct vos_diags *diags)
{
	struct pctx c;
	struct vos_diags local;
	const char *nul, *nl;
	size_t bad, body;
	bool stop = false;

	page_init(out, file);
	vos_diags_init(&local);
	memset(&c, 0, sizeof(c));
	c.page = out;
	c.diags = diags ? diags : &local;
	c.chunk = chunk ? chunk : PAGE_CHUNK;
	vos_map_init(&c.host_by_name, VOS_NAMES_NOCASE);
	vos_map_init(&c.plane_by_name, false);
	c.empty = vos_arena_strdup(&out->arena, "");

	if (len > VOS_MAX_PAGE_BYTES) {
		struct vos_loc loc = {out->file, 0, 0};
		error_at(&c, &loc, "page-size", "page is larger than the limit of %u bytes (%zu bytes)",
		         VOS_MAX_PAGE_BYTES, len);
		goto out;
	}
	out->text = vos_arena_alloc(&out->arena, len + 1);
	if (len)
		memcpy(out->text, text, len);
	out->text[len] = '\0';
	out->len = len;
	out->bom = len >= 3 && memcmp(out->text, "\xef\xbb\xbf", 3) == 0;
	nl = memchr(out->text, '\n', len);
	out->crlf = nl && nl > out->text && nl[-1] == '\r';
	build_line_index(&c);

	if ((nul = memchr(out->text, '\0', len)) != NULL) {
		struct vos_loc loc = loc_of_offset(&c, (size_t)(nul - out->text));
		error_at(&c, &loc, "utf8", "NUL byte in page");
		stop = true;
	}
	if (!vos_utf8_valid(out->text, len, &bad)) {
		struct vos_loc loc = loc_of_offset(&c, bad);
		error_at(&c, &loc, "utf8", "invalid UTF-8 byte 0x%02x", (unsigned)(unsigned char)out->text[bad]);
		stop = true;
	}
	if (stop)
		goto out;

	body = parse_front_matter(&c);
	parse_body(&c, out->text + body, len - body);
	resolve(&c);
	/* a large page's rows are most of its memory: give back the slack of doubling (nothing points
	 * into the array yet; the model is built afterwards) */
	if (out->rows_alloc > out->nrows && out->nrows) {
		out->rows = vos_realloc(out->rows, out->nrows * sizeof(*out->rows));
		out->rows_alloc = out->nrows;
	}

out:
	free(c.lines);
	free(c.lists);
	vos_buf_release(&c.buf);
	vos_map_release(&c.host_by_name);
	vos_map_release(&c.plane_by_name);
	vos_diags_release(&local);
	if (c.errors) {
		/* nothing half-built leaks to a caller that only releases on success */
		vos_page_release(out);
		return VOS_EINPUT;
	}
	return 0;
}

int vos_page_load_from(struct vos_page *out, const struct vos_source *src, const char *path,
                       struct vos_diags *diags)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = vos_source_load(src, path, VOS_MAX_PAGE_BYTES, "page-read", &buf, &len, diags);
	if (rc < 0) {
		memset(out, 0, sizeof(*out)); /* empty, nothing to release */
		out->fm.published = -1;
		return rc;
	}
	rc = vos_page_parse(out, path, buf, len, diags);
	free(buf);
	return rc;
}

int vos_page_load(struct vos_page *out, const char *path, struct vos_diags *diags)
{
	struct vos_source wt;
	vos_source_worktree(&wt);
	return vos_page_load_from(out, &wt, path, diags);
}

const struct vos_page_stray *vos_page_stray_named(const struct vos_page *page, const char *name)
{
	size_t i;
	for (i = 0; name && *name && i < page->nstrays; i++)
		if (vos_strcaseeq(page->strays[i].service, name))
			return &page->strays[i];
	return NULL;
}

void vos_page_release(struct vos_page *page)
{
	if (!page)
		return;
	free(page->sections);
	free(page->planes);
	free(page->hosts);
	free(page->tables);
	free(page->rows);
	free(page->rules);
	free(page->statements);
	free(page->links);
	free(page->strays);
	free(page->waivers);
	vos_arena_release(&page->arena);
	memset(page, 0, sizeof(*page));
	page->fm.published = -1;
}
