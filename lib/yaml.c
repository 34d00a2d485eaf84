/* yaml.c - YAML text -> located node tree (the only file that includes libyaml). */
#include "yaml.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <jansson.h>
#include <yaml.h>

#define MERGE_KEY "<<"
#define SMALL_MAP 16 /* maps up to this many pairs are checked for duplicates linearly */

/* An anchored node with its memoized expanded weight and height. */
struct anchor {
	struct vos_ynode *node;
	uint64_t weight;
	unsigned height;
	bool open; /* still being built: an alias to it would be recursive */
};

/* A container under construction; its children so far are builder.kids[base..nkids). */
struct frame {
	struct vos_ynode *node;
	size_t base;
	uint64_t weight;   /* expanded nodes below this one */
	unsigned height;   /* expanded height below this one */
	struct anchor *anchor; /* non-NULL when this node is anchored */
};

struct builder {
	struct vos_ydoc *doc;
	struct vos_diags *diags;
	const char *buf;
	size_t len;
	struct frame *stack;
	size_t depth, alloc;
	struct vos_ynode **kids; /* the children of every open container, innermost last */
	size_t nkids, kids_alloc;
	/* scratch reused by every finish_map (never re-entered): the keys seen, the merged pairs */
	struct vos_ynode **seen, **merged;
	size_t seen_alloc, merged_alloc;
	size_t docs_alloc;
	struct vos_map anchors; /* name -> struct anchor* (names live in the arena) */
	unsigned line_off;      /* buf's line 1 is the file's line line_off + 1 */
	int error;
};

/* A location; line is a line of the file (node lines already are). */
static struct vos_loc loc_at(const struct builder *b, unsigned line, unsigned col)
{
	struct vos_loc l = {b->doc->file, line, col};
	return l;
}

/* The file location of a libyaml mark (zero-based, relative to buf). */
static struct vos_loc mark_loc(const struct builder *b, const yaml_mark_t *m)
{
	return loc_at(b, (unsigned)m->line + 1 + b->line_off, (unsigned)m->column + 1);
}

/* Line and column (1-based; column in characters) of a byte offset. */
static void offset_to_linecol(const char *buf, size_t len, size_t off, unsigned *line, unsigned *col)
{
	size_t i, bol = 0;
	unsigned ln = 1, c = 1;
	if (off > len)
		off = len;
	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			ln++;
			bol = i + 1;
		}
	}
	for (i = bol; i < off; i++)
		if (((unsigned char)buf[i] & 0xc0) != 0x80)
			c++;
	*line = ln;
	*col = c;
}

/* Start of line `line` (1-based) in buf, or NULL. */
static const char *line_start(const char *buf, size_t len, unsigned line, size_t *line_len)
{
	size_t i = 0;
	unsigned ln = 1;
	while (ln < line && i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		if (!nl)
			return NULL;
		i = (size_t)(nl - buf) + 1;
		ln++;
	}
	if (ln != line || i > len)
		return NULL;
	{
		const char *nl = memchr(buf + i, '\n', len - i);
		*line_len = nl ? (size_t)(nl - (buf + i)) : len - i;
	}
	return buf + i;
}

/* If line has a tab in its leading whitespace, returns its 1-based column, else 0. */
static unsigned leading_tab_col(const char *buf, size_t len, unsigned line)
{
	size_t n, i;
	const char *s = line_start(buf, len, line, &n);
	if (!s)
		return 0;
	for (i = 0; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
		if (s[i] == '\t')
			return (unsigned)i + 1;
	return 0;
}

static void report_parser_error(struct builder *b, const yaml_parser_t *p)
{
	unsigned line, col, l;
	struct vos_loc loc;
	const char *problem = p->problem ? p->problem : "unknown error";
	if (p->error == YAML_MEMORY_ERROR)
		vos_die_oom();
	if (p->error == YAML_READER_ERROR) {
		offset_to_linecol(b->buf, b->len, p->problem_offset, &line, &col);
	} else {
		line = (unsigned)p->problem_mark.line + 1;
		col = (unsigned)p->problem_mark.column + 1;
	}
	/* A tab in the indentation of the failing line (or a line between context and problem)
	 * is the usual cause: say so plainly. */
	if (p->error == YAML_SCANNER_ERROR || p->error == YAML_PARSER_ERROR) {
		unsigned first = p->context ? (unsigned)p->context_mark.line + 1 : line;
		if (first > line)
			first = line;
		for (l = line; l >= first && l > 0; l--) {
			unsigned tc = leading_tab_col(b->buf, b->len, l);
			if (tc) {
				loc = loc_at(b, l + b->line_off, tc);
				vos_diags_add(b->diags, VOS_SEV_ERROR, &loc, "yaml-syntax",
				              "tab characters must not be used for indentation");
				b->error = VOS_EINPUT;
				return;
			}
			if (line - l > 64)
				break;
		}
	}
	loc = loc_at(b, line + b->line_off, col);
	if (p->context)
		vos_diags_add(b->diags, VOS_SEV_ERROR, &loc, "yaml-syntax", "%s %s (started at line %u)",
		              problem, p->context, (unsigned)p->context_mark.line + 1 + b->line_off);
	else
		vos_diags_add(b->diags, VOS_SEV_ERROR, &loc, "yaml-syntax", "%s", problem);
	b->error = VOS_EINPUT;
}

static struct vos_ynode *new_node(struct builder *b, int kind, const yaml_mark_t *m)
{
	struct vos_ynode *n = vos_arena_alloc(&b->doc->arena, sizeof(*n));
	n->kind = (unsigned char)kind;
	n->line = (unsigned)m->line + 1 + b->line_off;
	n->col = (unsigned)m->column + 1;
	return n;
}

static void error_at(struct builder *b, const yaml_mark_t *m, const char *rule, const char *fmt,
                     const char *arg)
{
	struct vos_loc loc = mark_loc(b, m);
	vos_diags_add(b->diags, VOS_SEV_ERROR, &loc, rule, fmt, arg);
	b->error = VOS_EINPUT;
}

static struct anchor *register_anchor(struct builder *b, const yaml_char_t *name,
                                      struct vos_ynode *node, bool open)
{
	struct anchor *a = vos_arena_alloc(&b->doc->arena, sizeof(*a));
	char *key = vos_arena_strdup(&b->doc->arena, (const char *)name);
	a->node = node;
	a->open = open;
	a->weight = 1;
	a->height = 1;
	vos_map_put(&b->anchors, key, a);
	return a;
}

/* Adds a finished node (weight/height already expanded) to the current container or as a root. */
static int add_node(struct builder *b, struct vos_ynode *n, uint64_t weight, unsigned height,
                    const yaml_mark_t *m)
{
	struct frame *f;
	if (!b->depth) {
		/* a document root */
		if (n->kind == VOS_YNODE_SCALAR && n->style == VOS_YSTYLE_PLAIN && !n->u.s.len)
			n = NULL;
		VOS_GROW(b->doc->docs, b->docs_alloc, b->doc->ndocs + 1);
		b->doc->docs[b->doc->ndocs++] = n;
		return 0;
	}
	f = &b->stack[b->depth - 1];
	if (b->depth + height > VOS_YAML_MAX_DEPTH) {
		struct vos_loc loc = mark_loc(b, m);
		vos_diags_add(b->diags, VOS_SEV_ERROR, &loc, "yaml-depth",
		              "nesting deeper than %u levels", VOS_YAML_MAX_DEPTH);
		b->error = VOS_EINPUT;
		return -1;
	}
	f->weight += weight;
	if (height > f->height)
		f->height = height;
	if (f->weight > VOS_YAML_MAX_EXPANDED) {
		struct vos_loc loc = mark_loc(b, m);
		vos_diags_add(b->diags, VOS_SEV_ERROR, &loc, "yaml-alias",
		              "aliases expand to more than %u nodes", VOS_YAML_MAX_EXPANDED);
		b->error = VOS_EINPUT;
		return -1;
	}
	VOS_GROW(b->kids, b->kids_alloc, b->nkids + 1);
	b->kids[b->nkids++] = n;
	return 0;
}

static bool is_merge_key(const struct vos_ynode *k)
{
	return k && k->kind == VOS_YNODE_SCALAR && k->style == VOS_YSTYLE_PLAIN &&
	       k->u.s.len == 2 && memcmp(k->u.s.str, MERGE_KEY, 2) == 0;
}

static bool is_str_key(const struct vos_ynode *k)
{
	return k && k->kind == VOS_YNODE_SCALAR;
}

/* Key lookup set used while finishing a mapping: linear for small maps, hashed for large. */
struct keyset {
	struct vos_ynode **keys; /* linear mode: the keys (the builder's scratch) */
	size_t n, *alloc;
	struct vos_map map;
	bool hashed;
};

static struct vos_ynode *keyset_find(struct keyset *s, const struct vos_ynode *k)
{
	size_t i;
	if (s->hashed)
		return vos_map_get(&s->map, k->u.s.str);
	for (i = 0; i < s->n; i++)
		if (s->keys[i]->u.s.len == k->u.s.len && s->keys[i]->u.s.str[0] == k->u.s.str[0] &&
		    memcmp(s->keys[i]->u.s.str, k->u.s.str, k->u.s.len) == 0)
			return s->keys[i];
	return NULL;
}

static void keyset_add(struct keyset *s, struct vos_ynode *k)
{
	if (s->hashed) {
		vos_map_put(&s->map, k->u.s.str, k);
		return;
	}
	VOS_GROW(s->keys, *s->alloc, s->n + 1);
	s->keys[s->n++] = k;
}

/* Appends the pairs of src that are not yet in seen (merged keys never override). */
static void merge_from(struct vos_ynode ***out, size_t *n, size_t *alloc, struct keyset *seen,
                       const struct vos_ynode *src)
{
	size_t i;
	for (i = 0; i < src->n; i++) {
		struct vos_ynode *k = vos_ymap_key(src, i), *v = vos_ymap_val(src, i);
		if (is_str_key(k)) {
			if (keyset_find(seen, k))
				continue;
			keyset_add(seen, k);
		}
		VOS_GROW(*out, *alloc, *n + 2);
		(*out)[(*n)++] = k;
		(*out)[(*n)++] = v;
	}
}

/* Finishes a mapping: duplicate keys, merge keys. kids holds key, value, key, value... */
static void finish_map(struct builder *b, struct vos_ynode *node, struct vos_ynode **kids, size_t nkids)
{
	struct keyset seen = {0};
	struct vos_ynode **out = b->merged;
	size_t i, n = 0, npairs = nkids / 2;
	bool has_merge = false;
	seen.keys = b->seen;
	seen.alloc = &b->seen_alloc;
	seen.hashed = npairs > SMALL_MAP;
	if (seen.hashed)
		vos_map_init(&seen.map, false);
	/* explicit keys first: duplicates are errors */
	for (i = 0; i < npairs; i++) {
		struct vos_ynode *k = kids[2 * i], *first;
		if (is_merge_key(k)) {
			has_merge = true;
			continue;
		}
		if (!is_str_key(k))
			continue;
		if ((first = keyset_find(&seen, k))) {
			struct vos_loc loc = loc_at(b, k->line, k->col), rel = loc_at(b, first->line, first->col);
			struct vos_diag *d = vos_diags_add(b->diags, VOS_SEV_ERROR, &loc, "yaml-duplicate-key",
			                                   "duplicate key '%s' (first defined at line %u)",
			                                   k->u.s.str, first->line);
			vos_diag_set_related(d, &rel);
			b->error = VOS_EINPUT;
			continue;
		}
		keyset_add(&seen, k);
	}
	if (!has_merge) {
		node->u.items = vos_arena_alloc(&b->doc->arena, (nkids ? nkids : 1) * sizeof(*kids));
		if (nkids)
			memcpy(node->u.items, kids, nkids * sizeof(*kids));
		node->n = (unsigned)npairs;
		goto out;
	}
	/* merged pairs go where the "<<" key stands; explicit keys win, earlier sources win */
	for (i = 0; i < npairs; i++) {
		struct vos_ynode *k = kids[2 * i], *v = kids[2 * i + 1];
		if (!is_merge_key(k)) {
			VOS_GROW(out, b->merged_alloc, n + 2);
			out[n++] = k;
			out[n++] = v;
			continue;
		}
		if (v->kind == VOS_YNODE_MAP) {
			merge_from(&out, &n, &b->merged_alloc, &seen, v);
		} else if (v->kind == VOS_YNODE_SEQ) {
			size_t j;
			for (j = 0; j < v->n; j++) {
				if (v->u.items[j]->kind != VOS_YNODE_MAP) {
					struct vos_loc loc = loc_at(b, v->u.items[j]->line, v->u.items[j]->col);
					vos_diags_add(b->diags, VOS_SEV_ERROR, &loc, "yaml-syntax",
					              "merge key '<<' needs a mapping or a list of mappings");
					b->error = VOS_EINPUT;
					continue;
				}
				merge_from(&out, &n, &b->merged_alloc, &seen, v->u.items[j]);
			}
		} else {
			struct vos_loc loc = loc_at(b, v->line, v->col);
			vos_diags_add(b->diags, VOS_SEV_ERROR, &loc, "yaml-syntax",
			              "merge key '<<' needs a mapping or a list of mappings");
			b->error = VOS_EINPUT;
		}
	}
	node->u.items = vos_arena_alloc(&b->doc->arena, (n ? n : 1) * sizeof(*out));
	if (n)
		memcpy(node->u.items, out, n * sizeof(*out));
	node->n = (unsigned)(n / 2);
	b->merged = out;
out:
	b->seen = seen.keys;
	if (seen.hashed)
		vos_map_release(&seen.map);
}

static void push_frame(struct builder *b, struct vos_ynode *node, const yaml_char_t *anchor)
{
	struct frame *f;
	if (b->depth + 1 > b->alloc) {
		size_t na = b->alloc ? b->alloc * 2 : 16;
		b->stack = vos_realloc(b->stack, na * sizeof(*b->stack));
		b->alloc = na;
	}
	f = &b->stack[b->depth++];
	memset(f, 0, sizeof(*f));
	f->node = node;
	f->base = b->nkids;
	if (anchor)
		f->anchor = register_anchor(b, anchor, node, true);
}

static int handle_event(struct builder *b, yaml_event_t *ev)
{
	struct vos_ynode *n;
	struct anchor *a;
	switch (ev->type) {
	case YAML_SCALAR_EVENT: {
		const char *tag = (const char *)ev->data.scalar.tag;
		if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length)) {
			error_at(b, &ev->start_mark, "yaml-syntax", "%s", "NUL character in scalar");
			return -1;
		}
		n = new_node(b, VOS_YNODE_SCALAR, &ev->start_mark);
		n->u.s.str = vos_arena_strndup(&b->doc->arena, (const char *)ev->data.scalar.value,
		                               ev->data.scalar.length);
		n->u.s.len = ev->data.scalar.length;
		n->style = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? VOS_YSTYLE_PLAIN : VOS_YSTYLE_QUOTED;
		if (tag && (vos_streq(tag, "tag:yaml.org,2002:str") || vos_streq(tag, "!")))
			n->style = VOS_YSTYLE_QUOTED;
		if (ev->data.scalar.anchor)
			register_anchor(b, ev->data.scalar.anchor, n, false);
		return add_node(b, n, 1, 1, &ev->start_mark);
	}
	case YAML_ALIAS_EVENT:
		a = vos_map_get(&b->anchors, (const char *)ev->data.alias.anchor);
		if (!a) {
			error_at(b, &ev->start_mark, "yaml-alias", "unknown anchor '%s'",
			         (const char *)ev->data.alias.anchor);
			return -1;
		}
		if (a->open) {
			error_at(b, &ev->start_mark, "yaml-alias", "recursive alias '%s'",
			         (const char *)ev->data.alias.anchor);
			return -1;
		}
		return add_node(b, a->node, a->weight, a->height, &ev->start_mark);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
		if (b->depth + 1 > VOS_YAML_MAX_DEPTH) {
			struct vos_loc loc = mark_loc(b, &ev->start_mark);
			vos_diags_add(b->diags, VOS_SEV_ERROR, &loc, "yaml-depth",
			              "nesting deeper than %u levels", VOS_YAML_MAX_DEPTH);
			b->error = VOS_EINPUT;
			return -1;
		}
		n = new_node(b, seq ? VOS_YNODE_SEQ : VOS_YNODE_MAP, &ev->start_mark);
		push_frame(b, n, seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor);
		return 0;
	}
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT: {
		struct frame f = b->stack[--b->depth];
		yaml_mark_t m;
		uint64_t w = f.weight + 1;
		unsigned h = f.height + 1;
		struct vos_ynode **kids = b->kids ? b->kids + f.base : NULL; /* none yet: empty containers only */
		size_t nkids = b->nkids - f.base;
		if (f.node->kind == VOS_YNODE_MAP) {
			finish_map(b, f.node, kids, nkids);
		} else {
			f.node->n = (unsigned)nkids;
			f.node->u.items = vos_arena_alloc(&b->doc->arena, (nkids ? nkids : 1) * sizeof(*kids));
			if (nkids)
				memcpy(f.node->u.items, kids, nkids * sizeof(*kids));
		}
		b->nkids = f.base;
		if (f.anchor) {
			f.anchor->open = false;
			f.anchor->weight = w;
			f.anchor->height = h;
		}
		m.line = f.node->line - 1 - b->line_off;
		m.column = f.node->col - 1;
		m.index = 0;
		/* the node itself was already checked for depth when it was opened */
		if (b->depth) {
			struct frame *p = &b->stack[b->depth - 1];
			p->weight += w;
			if (h > p->height)
				p->height = h;
			if (p->weight > VOS_YAML_MAX_EXPANDED) {
				struct vos_loc loc = loc_at(b, f.node->line, f.node->col);
				vos_diags_add(b->diags, VOS_SEV_ERROR, &loc, "yaml-alias",
				              "aliases expand to more than %u nodes", VOS_YAML_MAX_EXPANDED);
				b->error = VOS_EINPUT;
				return -1;
			}
			VOS_GROW(b->kids, b->kids_alloc, b->nkids + 1);
			b->kids[b->nkids++] = f.node;
			return 0;
		}
		return add_node(b, f.node, w, h, &m);
	}
	case YAML_DOCUMENT_START_EVENT:
		/* anchors do not cross documents */
		vos_map_release(&b->anchors);
		vos_map_init(&b->anchors, false);
		return 0;
	default:
		return 0;
	}
}

int vos_yaml_parse(struct vos_ydoc *out, const char *file, unsigned line_off, const char *buf,
                   size_t len, struct vos_diags *diags)
{
	struct builder b;
	yaml_parser_t parser;
	size_t bad;
	const char *nul;
	bool done = false;

	memset(out, 0, sizeof(*out));
	vos_arena_init(&out->arena);
	out->file = vos_arena_strdup(&out->arena, file ? file : "<input>");
	memset(&b, 0, sizeof(b));
	b.doc = out;
	b.diags = diags;
	b.buf = buf;
	b.len = len;
	b.line_off = line_off;

	if (len > VOS_MAX_YAML_BYTES) {
		struct vos_loc loc = {out->file, 0, 0};
		vos_diags_add(diags, VOS_SEV_ERROR, &loc, "yaml-syntax", "file is larger than %u bytes",
		              VOS_MAX_YAML_BYTES);
		return VOS_EINPUT;
	}
	if (!vos_utf8_valid(buf, len, &bad)) {
		struct vos_loc loc = {out->file, 0, 0};
		offset_to_linecol(buf, len, bad, &loc.line, &loc.col);
		loc.line += line_off;
		vos_diags_add(diags, VOS_SEV_ERROR, &loc, "utf8", "invalid UTF-8 byte 0x%02x",
		              (unsigned)(unsigned char)buf[bad]);
		return VOS_EINPUT;
	}
	if ((nul = memchr(buf, '\0', len))) {
		struct vos_loc loc = {out->file, 0, 0};
		offset_to_linecol(buf, len, (size_t)(nul - buf), &loc.line, &loc.col);
		loc.line += line_off;
		vos_diags_add(diags, VOS_SEV_ERROR, &loc, "yaml-syntax", "NUL byte in input");
		return VOS_EINPUT;
	}

	if (!yaml_parser_initialize(&parser))
		vos_die_oom();
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	vos_map_init(&b.anchors, false);
	while (!done) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			report_parser_error(&b, &parser);
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT)
			done = true;
		if (handle_event(&b, &ev) < 0)
			done = true;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	free(b.stack);
	free(b.kids);
	free(b.seen);
	free(b.merged);
	vos_map_release(&b.anchors);
	if (b.error) {
		free(out->docs);
		out->docs = NULL;
		out->ndocs = 0;
		return b.error;
	}
	return 0;
}

void vos_ydoc_release(struct vos_ydoc *doc)
{
	if (!doc)
		return;
	free(doc->docs);
	vos_arena_release(&doc->arena);
	memset(doc, 0, sizeof(*doc));
}

struct vos_ynode *vos_ymap_get(const struct vos_ynode *m, const char *key)
{
	size_t i, klen;
	if (!m || m->kind != VOS_YNODE_MAP || !key)
		return NULL;
	klen = strlen(key);
	for (i = 0; i < m->n; i++) {
		const struct vos_ynode *k = vos_ymap_key(m, i);
		if (k->kind == VOS_YNODE_SCALAR && k->u.s.len == klen && memcmp(k->u.s.str, key, klen) == 0)
			return vos_ymap_val(m, i);
	}
	return NULL;
}

struct vos_loc vos_ynode_loc(const struct vos_ynode *n, const char *file)
{
	struct vos_loc l = {file, n ? n->line : 0, n ? n->col : 0};
	return l;
}

static bool plain_scalar(const struct vos_ynode *n)
{
	return n && n->kind == VOS_YNODE_SCALAR && n->style == VOS_YSTYLE_PLAIN;
}

int vos_yscalar_int(const struct vos_ynode *n, long long *out)
{
	const char *s;
	char *end;
	long long v;
	unsigned long long u;
	if (!plain_scalar(n) || !n->u.s.len)
		return -1;
	s = n->u.s.str;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
		int base = s[1] == 'x' ? 16 : 8;
		const char *p;
		if (!s[2])
			return -1;
		for (p = s + 2; *p; p++) {
			bool ok = base == 16 ? ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
			                        (*p >= 'A' && *p <= 'F'))
			                     : (*p >= '0' && *p <= '7');
			if (!ok)
				return -1;
		}
		errno = 0;
		u = strtoull(s + 2, &end, base);
		if (errno || *end || u > (unsigned long long)LLONG_MAX)
			return -1;
		*out = (long long)u;
		return 0;
	}
	{
		const char *p = s;
		if (*p == '-' || *p == '+')
			p++;
		if (!*p)
			return -1;
		for (; *p; p++)
			if (*p < '0' || *p > '9')
				return -1;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int vos_yscalar_bool(const struct vos_ynode *n, bool *out)
{
	const char *s;
	if (!plain_scalar(n))
		return -1;
	s = n->u.s.str;
	if (vos_streq(s, "true") || vos_streq(s, "True") || vos_streq(s, "TRUE")) {
		*out = true;
		return 0;
	}
	if (vos_streq(s, "false") || vos_streq(s, "False") || vos_streq(s, "FALSE")) {
		*out = false;
		return 0;
	}
	return -1;
}

static bool is_float_syntax(const char *s)
{
	const char *p = s;
	bool digits = false;
	if (*p == '-' || *p == '+')
		p++;
	if (vos_streq(p, ".inf") || vos_streq(p, ".Inf") || vos_streq(p, ".INF"))
		return true;
	if (p == s && (vos_streq(p, ".nan") || vos_streq(p, ".NaN") || vos_streq(p, ".NAN")))
		return true;
	while (*p >= '0' && *p <= '9') {
		p++;
		digits = true;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			p++;
			digits = true;
		}
	}
	if (!digits)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

int vos_yscalar_double(const struct vos_ynode *n, double *out)
{
	const char *s, *p;
	if (!plain_scalar(n) || !n->u.s.len)
		return -1;
	s = n->u.s.str;
	{
		long long i;
		if (vos_yscalar_int(n, &i) == 0) {
			*out = (double)i;
			return 0;
		}
	}
	if (!is_float_syntax(s))
		return -1;
	p = s;
	if (*p == '-' || *p == '+')
		p++;
	if (*p == '.' && (p[1] == 'i' || p[1] == 'I')) {
		*out = *s == '-' ? -HUGE_VAL : HUGE_VAL;
		return 0;
	}
	if (*p == '.' && (p[1] == 'n' || p[1] == 'N')) {
		*out = NAN;
		return 0;
	}
	*out = strtod(s, NULL);
	return 0;
}

bool vos_yscalar_is_null(const struct vos_ynode *n)
{
	const char *s;
	if (!n)
		return true;
	if (!plain_scalar(n))
		return false;
	s = n->u.s.str;
	if (!n->u.s.len)
		return true;
	if (n->u.s.len > 4 || (s[0] != '~' && s[0] != 'n' && s[0] != 'N'))
		return false;
	return vos_streq(s, "~") || vos_streq(s, "null") || vos_streq(s, "Null") || vos_streq(s, "NULL");
}

const char *vos_ynode_kind_name(const struct vos_ynode *n)
{
	bool bv;
	double d;
	if (!n || vos_yscalar_is_null(n))
		return "null";
	if (n->kind == VOS_YNODE_SEQ)
		return "list";
	if (n->kind == VOS_YNODE_MAP)
		return "mapping";
	if (vos_yscalar_bool(n, &bv) == 0)
		return "boolean";
	if (vos_yscalar_double(n, &d) == 0)
		return "number";
	return "string";
}

const char *vos_ynode_kind_phrase(const struct vos_ynode *n)
{
	const char *k = vos_ynode_kind_name(n);
	if (!strcmp(k, "null"))
		return "null";
	if (!strcmp(k, "list"))
		return "a list";
	if (!strcmp(k, "mapping"))
		return "a mapping";
	if (!strcmp(k, "number"))
		return "a number";
	if (!strcmp(k, "boolean"))
		return "a boolean";
	return "a string";
}

static void ymap_error(struct vos_diags *diags, const char *file, const struct vos_ynode *n,
                       const char *rule, const char *fmt, ...) VOS_PRINTF(5, 6);
static void ymap_error(struct vos_diags *diags, const char *file, const struct vos_ynode *n,
                       const char *rule, const char *fmt, ...)
{
	struct vos_loc loc = vos_ynode_loc(n, file);
	va_list ap;
	va_start(ap, fmt);
	vos_diags_vadd(diags, VOS_SEV_ERROR, &loc, rule, fmt, ap);
	va_end(ap);
}

bool vos_ymap_check(const struct vos_ynode *m, const char *const *allowed,
                    const struct vos_ynode **vals, const char *what, const struct vos_ymap_style *style,
                    const char *file, struct vos_diags *diags)
{
	const char *q = style->quote_what ? "'" : "";
	size_t i, j;
	if (!m || m->kind != VOS_YNODE_MAP) {
		if (m)
			ymap_error(diags, file, m, style->type_rule, "%s%s%s must be a mapping, not %s", q, what, q,
			           vos_ynode_kind_phrase(m));
		return false;
	}
	for (i = 0; i < m->n; i++) {
		const struct vos_ynode *k = vos_ymap_key(m, i);
		bool ok = false;
		if (k->kind != VOS_YNODE_SCALAR) {
			ymap_error(diags, file, k, style->type_rule, "keys of %s%s%s must be strings, not %s", q, what,
			           q, vos_ynode_kind_phrase(k));
			continue;
		}
		for (j = 0; allowed[j]; j++)
			if (allowed[j][0] == k->u.s.str[0] && strcmp(allowed[j], k->u.s.str) == 0) {
				ok = true;
				if (vals)
					vals[j] = vos_ymap_val(m, i);
				break;
			}
		if (!ok) {
			struct vos_buf b = VOS_BUF_INIT;
			for (j = 0; allowed[j]; j++)
				vos_buf_addf(&b, "%s%s", j ? ", " : "", allowed[j]);
			ymap_error(diags, file, k, style->key_rule, "unknown key '%s' in %s (allowed: %s)", k->u.s.str,
			           what, b.ptr);
			vos_buf_release(&b);
		}
	}
	return true;
}

/* ------------------------------------------------------------------ emitting */

/* A string a YAML 1.1 or 1.2 reader (PyYAML, Go's yaml, js-yaml) could take for something other
 * than a string when written plain: empty, null/bool words, anything number-, date- or
 * time-like. Such strings are double-quoted; libyaml itself quotes what cannot be plain at all. */
static bool yemit_needs_quotes(const char *s)
{
	static const char *const words[] = {"null", "Null", "NULL", "~", "true", "True", "TRUE", "false",
	                                    "False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO", "on",
	                                    "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N", NULL};
	const char *p;
	size_t i;
	if (!*s)
		return true;
	for (i = 0; words[i]; i++)
		if (!strcmp(s, words[i]))
			return true;
	if (s[0] == '.' && (vos_strcaseeq(s, ".inf") || vos_strcaseeq(s, ".nan")))
		return true;
	if ((s[0] == '-' || s[0] == '+') && vos_strcaseeq(s + 1, ".inf"))
		return true;
	if (!(s[0] >= '0' && s[0] <= '9') && s[0] != '-' && s[0] != '+' && s[0] != '.')
		return false;
	for (p = s; *p; p++)
		if (!strchr("0123456789abcdefABCDEFxXoO.:_+-", *p))
			return false;
	return true; /* 12, 0x1f, 1e3, 1:20, 2026-01-02, 127.0.0.1 (harmless to quote) */
}

static int yemit_write(void *data, unsigned char *buffer, size_t size)
{
	vos_buf_add(data, buffer, size);
	return 1;
}

static int yemit_scalar(yaml_emitter_t *e, const char *s, bool quote_ok)
{
	yaml_event_t ev;
	yaml_scalar_style_t style = quote_ok && yemit_needs_quotes(s) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
	                                                              : YAML_ANY_SCALAR_STYLE;
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1, style))
		return -1;
	return yaml_emitter_emit(e, &ev) ? 0 : -1;
}

static int yemit_node(yaml_emitter_t *e, const json_t *j, unsigned depth)
{
	yaml_event_t ev;
	char num[64];
	if (depth > VOS_YAML_MAX_DEPTH)
		return -1;
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *v;
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE) ||
		    !yaml_emitter_emit(e, &ev))
			return -1;
		json_object_foreach((json_t *)j, key, v)
			if (yemit_scalar(e, key, true) < 0 || yemit_node(e, v, depth + 1) < 0)
				return -1;
		if (!yaml_mapping_end_event_initialize(&ev) || !yaml_emitter_emit(e, &ev))
			return -1;
		return 0;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *v;
		bool flow = json_array_size(j) > 0;
		json_array_foreach((json_t *)j, i, v)
			if (!json_is_integer(v))
				flow = false;
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		                                          flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE) ||
		    !yaml_emitter_emit(e, &ev))
			return -1;
		json_array_foreach((json_t *)j, i, v)
			if (yemit_node(e, v, depth + 1) < 0)
				return -1;
		if (!yaml_sequence_end_event_initialize(&ev) || !yaml_emitter_emit(e, &ev))
			return -1;
		return 0;
	}
	case JSON_STRING:
		return yemit_scalar(e, json_string_value(j), true);
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(j));
		return yemit_scalar(e, num, false);
	case JSON_REAL:
		snprintf(num, sizeof(num), "%.17g", json_real_value(j));
		return yemit_scalar(e, num, false);
	case JSON_TRUE:
		return yemit_scalar(e, "true", false);
	case JSON_FALSE:
		return yemit_scalar(e, "false", false);
	case JSON_NULL:
		return yemit_scalar(e, "null", false);
	}
	return -1;
}

struct vos_yaml_writer {
	yaml_emitter_t e;
	struct vos_buf *out;
	bool ok;
};

struct vos_yaml_writer *vos_yaml_writer_start(struct vos_buf *out)
{
	struct vos_yaml_writer *w = vos_calloc(1, sizeof(*w));
	yaml_event_t ev;
	w->out = out;
	if (!yaml_emitter_initialize(&w->e)) {
		free(w);
		return NULL;
	}
	yaml_emitter_set_output(&w->e, yemit_write, out);
	yaml_emitter_set_unicode(&w->e, 1);
	yaml_emitter_set_width(&w->e, -1); /* never fold a long scalar */
	yaml_emitter_set_indent(&w->e, 2);
	w->ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) && yaml_emitter_emit(&w->e, &ev) &&
	        yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) && yaml_emitter_emit(&w->e, &ev);
	return w;
}

int vos_yaml_writer_open(struct vos_yaml_writer *w, bool sequence)
{
	yaml_event_t ev;
	if (w->ok)
		w->ok = (sequence ? yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE)
		                  : yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE)) &&
		        yaml_emitter_emit(&w->e, &ev);
	return w->ok ? 0 : VOS_EIO;
}

int vos_yaml_writer_close(struct vos_yaml_writer *w, bool sequence)
{
	yaml_event_t ev;
	if (w->ok)
		w->ok = (sequence ? yaml_sequence_end_event_initialize(&ev) : yaml_mapping_end_event_initialize(&ev)) &&
		        yaml_emitter_emit(&w->e, &ev);
	return w->ok ? 0 : VOS_EIO;
}

int vos_yaml_writer_key(struct vos_yaml_writer *w, const char *key)
{
	if (w->ok)
		w->ok = yemit_scalar(&w->e, key, true) == 0;
	return w->ok ? 0 : VOS_EIO;
}

int vos_yaml_writer_value(struct vos_yaml_writer *w, const json_t *v)
{
	if (w->ok)
		w->ok = yemit_node(&w->e, v, 0) == 0;
	return w->ok ? 0 : VOS_EIO;
}

int vos_yaml_writer_end(struct vos_yaml_writer *w, struct vos_err *err)
{
	yaml_event_t ev;
	int rc = 0;
	if (!w)
		return vos_err_set(err, VOS_EIO, "unable to start the YAML emitter");
	if (w->ok)
		w->ok = yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&w->e, &ev) &&
		        yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&w->e, &ev) &&
		        yaml_emitter_flush(&w->e);
	if (!w->ok)
		rc = vos_err_set(err, VOS_EIO, "unable to emit YAML: %s",
		                 w->e.problem ? w->e.problem : "a value libyaml cannot write");
	else if (w->out->len && w->out->ptr[w->out->len - 1] != '\n') /* libyaml ends the last line without one */
		vos_buf_addc(w->out, '\n');
	yaml_emitter_delete(&w->e);
	free(w);
	return rc;
}

int vos_yaml_emit_json(struct vos_buf *out, const json_t *doc, struct vos_err *err)
{
	struct vos_yaml_writer *w = vos_yaml_writer_start(out);
	if (w)
		vos_yaml_writer_value(w, doc);
	return vos_yaml_writer_end(w, err);
}
