/* page.h - the services page as written (lib/page.c): its front matter, headings, planes, hosts,
 * services tables, rules, statements and links, each with the location it came from.
 *
 * Ownership: a vos_page owns everything under it (its arena).
 */
#ifndef VOS_PAGE_H
#define VOS_PAGE_H

#include "diag.h"

/* Wiki.js front matter ("---" YAML block at the very top). All strings NULL when absent. */
struct vos_frontmatter {
	bool present;
	char *title, *description, *date, *tags, *editor, *date_created;
	int published;            /* 1, 0, or -1 when absent */
	unsigned first_line;      /* line of the opening "---" (1, or 2 after... never: BOM is not a line) */
	unsigned last_line;       /* line of the closing "---" */
	struct vos_loc loc;
};

enum vos_column_role {
	VOS_COL_EXTRA = 0,   /* kept, not interpreted */
	VOS_COL_SERVICE = 1, /* "Service", "Name" */
	VOS_COL_ADDRESS = 2, /* "IP", "Address", "Host IP" */
	VOS_COL_PURPOSE = 3, /* "Purpose", "Description", "Role" */
	VOS_COL_PORT = 4,    /* "Port", "Ports" */
};

/* One table column as the header row names it. */
struct vos_page_column {
	char *name;               /* header text, trimmed */
	enum vos_column_role role;
};

/* A services table: recognised by a header row that has a service column. */
struct vos_page_table {
	struct vos_page_column *cols;
	size_t ncols;
	/* lines of the original file: the header row .. the last body row (the delimiter row when there
	 * is none); prose directly above the header is not part of the table. The delimiter row is
	 * first_line + 1, and each body row is the one line page->rows[i].loc.line. */
	unsigned first_line, last_line;
	size_t first_row, nrows;        /* index range into page->rows */
	int section;                    /* index into page->sections of the heading it sits under, -1 */
};

/* One body row of a services table: a placement. */
struct vos_page_row {
	char *service;        /* cell text of the service column, inline markup stripped, trimmed */
	char *address;        /* address cell text ("" when absent) */
	char *purpose;        /* purpose cell text ("" when absent) */
	char **cells;         /* every cell's plain text, in column order (ncells == table's ncols) */
	size_t ncells;
	/* per cell, 1-based byte columns on the row's line of the cell's source, trimmed:
	 * [cell_cols[i], cell_ends[i]) (an empty cell: cell_cols == cell_ends, just after "| ");
	 * both 0 when the row has no such cell (a short row) */
	unsigned *cell_cols, *cell_ends;
	bool address_placeholder; /* address looks like <LAN_IP>, TBD, "-", empty: not a real address */
	int host;             /* index into page->hosts, or -1 when the table has no host heading */
	int plane;            /* index into page->planes, or -1 */
	int table;            /* index into page->tables */
	struct vos_loc loc;       /* the row's line, column 1 */
	struct vos_loc addr_loc;  /* the address cell */
};

/* A heading of level 2 to 6 (docs/page-format.md). */
struct vos_page_section {
	int level;            /* 2 .. 6 */
	char *title;          /* full heading text, e.g. "Control Plane (skynet)" */
	char *name;           /* text before the parenthesis, trimmed: "Control Plane" */
	char *paren;          /* text in parentheses or NULL: "skynet" */
	int host;             /* index into page->hosts if this heading names a host, else -1 */
	int plane;            /* the plane in force here (index into page->planes), or -1 */
	struct vos_loc loc;
};

/* A plane: an H2 heading whose name ends in "Plane" ("Control Plane", "Data Plane") or any H2
 * that holds host headings/tables (e.g. "Infrastructure (hal)"). */
struct vos_page_plane {
	char *name;           /* "Control Plane", "Infrastructure" */
	struct vos_loc loc;
};

/* A host named in a heading: "## Control Plane (skynet)", "### watson (GPU Inference)", or a deeper
 * heading over a services table ("#### napster"). */
struct vos_page_host {
	char *name;           /* "skynet", "watson" */
	char *role;           /* "GPU Inference", or NULL when the parenthesis held the host */
	int plane;            /* index into page->planes or -1 */
	struct vos_loc loc;
};

/* A numbered rule in an ordered list under a heading containing "Rule" ("Placement Rules"). */
struct vos_page_rule {
	int number;           /* the list item number as written */
	char *text;           /* plain text, markup stripped: "skynet routes, never computes heavy loads" */
	char *subject;        /* the first bold/strong text, e.g. "skynet", or NULL */
	struct vos_loc loc;
};

/* A list item anywhere on the page (bullet or numbered): rules may cite these by text. */
struct vos_page_statement {
	char *text;           /* plain text */
	struct vos_loc loc;
};

enum vos_link_kind {
	VOS_LINK_WIKI = 0,     /* [[vos/README]] */
	VOS_LINK_MARKDOWN = 1, /* [text](/path) */
};

struct vos_page_link {
	enum vos_link_kind kind;
	char *target;         /* "vos/README", "/homelab/network" (as written) */
	struct vos_loc loc;
};

/* A line that looks like a row of a services table but is not one: a blank line ended the table
 * above it, and cmark-gfm read it as a paragraph of pipe-text (a "page-table-break" warning). */
struct vos_page_stray {
	char *service;        /* its service column's text, "" when it has none */
	int table;            /* index into page->tables of the table the blank line ended */
	struct vos_loc loc;   /* the line, column 1 */
};
/* An inline waiver: the HTML comment "<!-- vosctl: allow RULE-ID until YYYY-MM-DD: reason -->" in a
 * table row of its own just before a row (GFM ends a table at a line that is only an HTML block,
 * so the comment sits between pipes: "| <!-- vosctl: ... --> |"), or in a cell of the row itself.
 * It applies to that row's findings (lib/waiver.c). */
struct vos_page_waiver {
	char *rule, *until, *reason;
	int until_ymd;        /* YYYYMMDD */
	size_t row;           /* index into page->rows, or VOS_PAGE_NO_ROW when no row follows it */
	struct vos_loc loc;   /* the comment */
};
#define VOS_PAGE_NO_ROW ((size_t)-1)

struct vos_page {
	struct vos_arena arena;
	char *file;           /* path as given */
	char *text;           /* the original bytes, verbatim (BOM and CRLF included) */
	size_t len;
	bool bom, crlf;
	char *title;          /* the H1 text or NULL */
	struct vos_frontmatter fm;
	struct vos_page_section *sections; size_t nsections, sections_alloc;
	struct vos_page_plane *planes;     size_t nplanes, planes_alloc;
	struct vos_page_host *hosts;       size_t nhosts, hosts_alloc;
	struct vos_page_table *tables;     size_t ntables, tables_alloc;
	struct vos_page_row *rows;         size_t nrows, rows_alloc;
	struct vos_page_rule *rules;       size_t nrules, rules_alloc;
	struct vos_page_statement *statements; size_t nstatements, statements_alloc;
	struct vos_page_link *links;       size_t nlinks, links_alloc;
	struct vos_page_stray *strays;     size_t nstrays, strays_alloc;
	struct vos_page_waiver *waivers;   size_t nwaivers, waivers_alloc;
};

/* Parse the services page (text need not be NUL-terminated; it is copied).
 * Returns 0, or VOS_EINPUT with located diagnostics (invalid UTF-8, bad front matter...).
 * On error the page is left empty (already released; releasing it again is harmless). */
int vos_page_parse(struct vos_page *out, const char *file, const char *text, size_t len,
                   struct vos_diags *diags);
/* The same, splitting the body into pieces of about chunk bytes (0: the default); for the
 * differential fuzz target, which checks that every split parses as the whole page does. */
int vos_page_parse_chunked(struct vos_page *out, const char *file, const char *text, size_t len,
                           size_t chunk, struct vos_diags *diags);
/* Reads the file (size-limited) then parses it; a missing file is VOS_EINPUT with a diagnostic. */
int vos_page_load(struct vos_page *out, const char *path, struct vos_diags *diags);
/* The same from a source (lib/source.h): a file it does not have is a located "page-read" error. */
struct vos_source;
int vos_page_load_from(struct vos_page *out, const struct vos_source *src, const char *path,
                       struct vos_diags *diags);
void vos_page_release(struct vos_page *page);
/* The stray row (see struct vos_page_stray) naming service `name` (ASCII case-insensitive), or NULL. */
const struct vos_page_stray *vos_page_stray_named(const struct vos_page *page, const char *name);
/* Sets up the Markdown library's global state; call once before parsing pages on several threads. */
void vos_page_prepare(void);

#endif
