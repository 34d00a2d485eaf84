/* yaml.h - the only module that includes libyaml: YAML text -> a located, read-only node tree.
 *
 * Every node carries its 1-based line:col. Aliases resolve to the anchored node itself (shared,
 * never copied); the expanded size of the document is bounded (VOS_YAML_MAX_EXPANDED nodes) so
 * an alias bomb is an error, not an explosion. Merge keys ("<<: *base", YAML 1.1) are applied:
 * explicit keys win over merged ones. Duplicate keys in one mapping are located errors.
 * Tabs used for indentation and invalid UTF-8 are located errors.
 */
#ifndef VOS_YAML_H
#define VOS_YAML_H

#include "diag.h"

#define VOS_YAML_MAX_EXPANDED 4000000u /* nodes after alias expansion, per document */
#define VOS_YAML_MAX_DEPTH 256u        /* nesting depth */

enum vos_ynode_kind {
	VOS_YNODE_SCALAR = 0,
	VOS_YNODE_SEQ = 1,
	VOS_YNODE_MAP = 2,
};

enum vos_yscalar_style {
	VOS_YSTYLE_PLAIN = 0, /* may be a number/bool/null per the YAML 1.2 core schema */
	VOS_YSTYLE_QUOTED = 1, /* single/double quoted, literal or folded: always a string */
};

struct vos_ynode {
	unsigned char kind;   /* enum vos_ynode_kind */
	unsigned char style;  /* enum vos_yscalar_style (scalars) */
	unsigned line, col;   /* 1-based */
	unsigned n;           /* SEQ: items; MAP: pairs (a file is at most 64 MiB: 32 bits hold them,
	                       * and a node is then 32 bytes, not 40) */
	union {
		struct {
			char *str; /* NUL-terminated (may contain no NUL: such input is rejected) */
			size_t len;
		} s;
		struct vos_ynode **items; /* SEQ: n items; MAP: 2*n, key then value */
	} u;
};

/* A parsed file: one or more documents. Owns all nodes (arena). */
struct vos_ydoc {
	struct vos_arena arena;
	const char *file;        /* owned copy of the file name (in the arena) */
	struct vos_ynode **docs; /* roots; an empty document is an empty MAP? no: NULL root */
	size_t ndocs;
};

/* Parses buf (len bytes, need not be NUL-terminated), which is the text of file from its line
 * line_off + 1 on (0 for a whole file; a block cut out of a larger file, such as a page's front
 * matter, passes the number of lines before it): every node line and diagnostic is then a line of
 * file, no patching afterwards. On error returns VOS_EINPUT and appends located diagnostics (rule
 * "yaml-syntax", "yaml-duplicate-key", "yaml-alias", "yaml-depth", "utf8") to diags. */
int vos_yaml_parse(struct vos_ydoc *out, const char *file, unsigned line_off, const char *buf,
                   size_t len, struct vos_diags *diags);
void vos_ydoc_release(struct vos_ydoc *doc);

/* Helpers for consumers. */
static inline struct vos_ynode *vos_ymap_key(const struct vos_ynode *m, size_t i) { return m->u.items[2 * i]; }
static inline struct vos_ynode *vos_ymap_val(const struct vos_ynode *m, size_t i) { return m->u.items[2 * i + 1]; }
/* Value for a scalar key in a MAP, or NULL. */
struct vos_ynode *vos_ymap_get(const struct vos_ynode *m, const char *key);
/* A node's location as a vos_loc with the given file. */
struct vos_loc vos_ynode_loc(const struct vos_ynode *n, const char *file);
/* Core-schema readings of a plain scalar: return 0 and store, or -1 if not that type. */
int vos_yscalar_int(const struct vos_ynode *n, long long *out);
int vos_yscalar_bool(const struct vos_ynode *n, bool *out);
int vos_yscalar_double(const struct vos_ynode *n, double *out);
bool vos_yscalar_is_null(const struct vos_ynode *n);
const char *vos_ynode_kind_name(const struct vos_ynode *n); /* "string", "number", "boolean", "null", "list", "mapping" */
/* The same as a message says it: "a string", "a number", "a boolean", "null", "a list", "a mapping". */
const char *vos_ynode_kind_phrase(const struct vos_ynode *n);

/* How vos_ymap_check words its errors: the rule of a wrong type (not a mapping, a key that is not a
 * string) and of an unknown key, and whether `what` is quoted in the type messages. */
struct vos_ymap_style {
	const char *type_rule, *key_rule;
	bool quote_what;
};
/* Checks that m is a mapping whose keys are all in allowed (NULL-terminated), reporting each
 * problem as an error located in file: "WHAT must be a mapping, not a list", "keys of WHAT must be
 * strings, not ...", "unknown key 'k' in WHAT (allowed: a, b)". When vals is not NULL, vals[j] is set
 * to the value of allowed[j] (left as it is when m lacks that key). Returns false when m is not a
 * mapping (NULL m: false, nothing reported). */
bool vos_ymap_check(const struct vos_ynode *m, const char *const *allowed,
                    const struct vos_ynode **vals, const char *what, const struct vos_ymap_style *style,
                    const char *file, struct vos_diags *diags);

/* Writes doc (a jansson tree: objects in their insertion order, arrays, strings, numbers,
 * booleans, null) as one YAML document through libyaml's emitter, appended to out: block style,
 * arrays of integers in flow style, a string plain unless a YAML 1.1 or 1.2 reader could take it
 * for a number, boolean, null or date (then double-quoted). Returns 0, or VOS_EIO in err. */
struct json_t;
int vos_yaml_emit_json(struct vos_buf *out, const struct json_t *doc, struct vos_err *err);
/* The same document piece by piece, for one too big to hold as a single jansson tree (an export of
 * 100,000 services): start appends to out; open and close a mapping or a sequence (block style),
 * write a key, or a whole jansson value in the style above; end finishes the document and frees
 * the writer. The piece calls return 0, or VOS_EIO once anything failed (later calls then do
 * nothing); end returns 0 or VOS_EIO with err set (also for a NULL writer: start failed). */
struct vos_yaml_writer;
struct vos_yaml_writer *vos_yaml_writer_start(struct vos_buf *out);
int vos_yaml_writer_open(struct vos_yaml_writer *w, bool sequence);
int vos_yaml_writer_close(struct vos_yaml_writer *w, bool sequence);
int vos_yaml_writer_key(struct vos_yaml_writer *w, const char *key);
int vos_yaml_writer_value(struct vos_yaml_writer *w, const struct json_t *v);
int vos_yaml_writer_end(struct vos_yaml_writer *w, struct vos_err *err);

#endif
