/* model.h - the data every command works on.
 *
 * Data flows one way: the services page (struct vos_page, lib/page.c) and the inventory
 * (struct vos_inventory, lib/inventory.c) are parsed independently, then merged into one
 * struct vos_model (lib/model.c), which the checks (lib/check.c, lib/rules.c), probe, render
 * and the formatters read. Every value keeps the location it came from.
 *
 * Ownership: a vos_page owns everything under it (its arena); so does a vos_inventory. The model
 * borrows from both: free the model first, then page and inventory.
 */
#ifndef VOS_MODEL_H
#define VOS_MODEL_H

#include "diag.h"

/* ------------------------------------------------------------------ the page */

/* Wiki.js front matter ("---" YAML block at the very top). All strings NULL when absent. */
struct vos_frontmatter {
	bool present;
	char *title, *description, *date, *tags, *editor, *date_created;
	int published;            /* 1, 0, or -1 when absent */
	unsigned first_line;      /* line of the opening "---" (1, or 2 after... never: BOM is not a line) */
	unsigned last_line;       /* line of the closing "---" */
	struct vos_loc loc;
};

/* One table column as the header row names it. */
struct vos_page_column {
	char *name;               /* header text, trimmed */
	int role;                 /* enum vos_column_role */
};

enum vos_column_role {
	VOS_COL_EXTRA = 0,   /* kept, not interpreted */
	VOS_COL_SERVICE = 1, /* "Service", "Name" */
	VOS_COL_ADDRESS = 2, /* "IP", "Address", "Host IP" */
	VOS_COL_PURPOSE = 3, /* "Purpose", "Description", "Role" */
	VOS_COL_PORT = 4,    /* "Port", "Ports" */
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

/* An H2 or H3 heading. */
struct vos_page_section {
	int level;            /* 2 or 3 */
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

/* A host named in a heading: "## Control Plane (skynet)" or "### watson (GPU Inference)". */
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
	int kind;             /* enum vos_link_kind */
	char *target;         /* "vos/README", "/homelab/network" (as written) */
	struct vos_loc loc;
};

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
};

/* ------------------------------------------------------------- the inventory */

struct vos_vlan {
	char *name;           /* "servers" (ids are lowercase as written) */
	char *cidr;           /* "127.0.10.0/24" */
	uint32_t net, mask;   /* host byte order */
	int vlan_id;          /* 802.1Q id or -1 */
	char *description;
	struct vos_loc loc;
	struct vos_loc cidr_loc;
};

struct vos_host {
	char *name;
	char *plane;          /* "control", "data", "compute", "infrastructure"... or NULL */
	char *address;        /* IPv4 or NULL */
	uint32_t addr;        /* parsed address, valid when has_addr */
	bool has_addr;
	char *vlan;           /* VLAN name or NULL */
	char **traits; size_t ntraits;  /* gpu, storage, routing, containers... */
	char *role;           /* free text, e.g. "GPU Inference" */
	char *description;
	struct vos_loc loc;
	struct vos_loc addr_loc, vlan_loc;
};

enum vos_check_kind {
	VOS_CHECK_TCP = 0,
	VOS_CHECK_HTTP = 1,
	VOS_CHECK_HTTPS = 2,
	VOS_CHECK_NONE = 3,   /* declared but not probed (e.g. udp) */
};

struct vos_port {
	int port;             /* first port */
	int port_end;         /* last port of a range (== port for one port) */
	char *proto;          /* "tcp" (default) or "udp" */
	int check;            /* enum vos_check_kind */
	char *path;           /* http(s): path, default "/" */
	int status_min, status_max; /* expected status range, default 200..399 */
	char *body;           /* http(s): expected body substring or NULL */
	char *name;           /* optional label, e.g. "api" */
	char *address;        /* overrides the service/host address, or NULL */
	struct vos_loc loc;
};

struct vos_launch {
	char *kind;           /* "systemd", "launchd", "script", "container", "package" or NULL */
	char *unit;           /* unit file / plist path / script */
	char *scope;          /* "system" or "user" (systemd) or NULL */
	char *restart;        /* "always", "on-failure", "no"... or NULL */
	double restart_sec;   /* RestartSec, -1 when unset */
	char *exec;           /* ExecStart line or NULL */
	struct vos_loc loc;
};

struct vos_strloc {       /* a string with its location (list items, depends_on...) */
	char *s;
	struct vos_loc loc;
};

struct vos_service {
	char *id;             /* "litellm" - unique */
	char *name;           /* display name as on the page: "LiteLLM" */
	char *host;           /* host name as the inventory says, or NULL (the page decides) */
	char *class_;         /* router, ui, database, cache, inference, storage, media, proxy, ... */
	char **traits; size_t ntraits;  /* heavy-compute, gpu-inference, stateful, ai, ... */
	char *purpose;
	char *address;        /* service address override or NULL (else the host's) */
	struct vos_port *ports; size_t nports;
	struct vos_launch launch;
	bool has_launch;
	struct vos_strloc *logs; size_t nlogs;
	struct vos_strloc *data; size_t ndata;       /* data locations */
	struct vos_strloc *secrets; size_t nsecrets; /* secret locations (paths, never values) */
	struct vos_strloc *config; size_t nconfig;   /* config/dependency files */
	struct vos_strloc *depends_on; size_t ndepends_on; /* service ids */
	struct vos_strloc *exposure; size_t nexposure;     /* VLAN names it is reachable from */
	struct vos_strloc *admin_via; size_t nadmin_via;   /* VLAN names admin access comes from */
	bool immutable;       /* "must not be modified" */
	char *owner_repo;
	char *notes;
	struct vos_loc loc;       /* the service's mapping (its "id:" key) */
	struct vos_loc name_loc, host_loc, addr_loc, class_loc;
};

/* ---- rules as data */

/* A selector: every non-empty field must match (AND); values inside a field are OR. */
struct vos_selector {
	char **hosts; size_t nhosts;
	char **planes; size_t nplanes;
	char **classes; size_t nclasses;
	char **traits; size_t ntraits;       /* service has any of these traits */
	char **host_traits; size_t nhost_traits; /* the service's host has any of these traits */
	char **vlans; size_t nvlans;         /* the service's host is on one of these VLANs */
	char **services; size_t nservices;   /* service ids */
	bool empty;                          /* no field set: matches every service */
};

enum vos_assert_kind {
	VOS_ASSERT_ONLY_ON_HOST = 0,          /* selected services must be on one of `hosts` */
	VOS_ASSERT_HOST_HOLDS_ONLY_CLASS,     /* services on `hosts` must have a class in `classes` */
	VOS_ASSERT_NEVER_TRAIT_ON_HOST,       /* services on `hosts` must have none of `traits` */
	VOS_ASSERT_NOT_EXPOSED_ON_VLANS,      /* selected services' exposure excludes `vlans` */
	VOS_ASSERT_EXPOSED_ONLY_ON_VLANS,     /* selected services' exposure is within `vlans` */
	VOS_ASSERT_ADMIN_ONLY_VIA_VLANS,      /* selected services' admin_via is within `vlans` */
	VOS_ASSERT_ONLY_ON_VLANS,             /* selected services' host is on one of `vlans` */
	VOS_ASSERT_STATEFUL_ONLY_WHERE_STORAGE, /* selected stateful services must be on hosts with trait storage */
	VOS_ASSERT_REQUIRE,                   /* selected services must match `require` selector */
	VOS_ASSERT_FORBID,                    /* selected services must not match `forbid` selector */
	VOS_ASSERT__COUNT
};

struct vos_rule {
	char *id;
	char *text;                /* the prose it enforces */
	int page_rule;             /* number of the page rule it implements, or 0 */
	char *page_text;           /* or: a statement on the page it cites (substring), or NULL */
	int assert_kind;           /* enum vos_assert_kind */
	enum vos_severity severity;/* default error */
	struct vos_selector select;/* which services the rule looks at (empty: all) */
	/* arguments of the assertion */
	char **hosts; size_t nhosts;
	char **classes; size_t nclasses;
	char **traits; size_t ntraits;
	char **vlans; size_t nvlans;
	struct vos_selector require; /* the `require:` selector (REQUIRE) or the `forbid:` selector (FORBID) */
	struct vos_loc loc;
};

struct vos_inventory {
	struct vos_arena arena;
	char *dir;                  /* the directory loaded */
	char **files; size_t nfiles, files_alloc; /* files read, in order */
	struct vos_vlan *vlans; size_t nvlans, vlans_alloc;
	struct vos_host *hosts; size_t nhosts, hosts_alloc;
	struct vos_service *services; size_t nservices, services_alloc;
	struct vos_rule *rules; size_t nrules, rules_alloc;
	char *lab_name;             /* optional "lab: name" */
	/* O(1) lookups, built by vos_inventory_finish: name/id -> index + 1 (cast to void *) */
	struct vos_map vlan_by_name, host_by_name, service_by_id, rule_by_id;
};

/* -------------------------------------------------------------- the model */

struct vos_mhost {
	const char *name;
	const struct vos_host *inv;            /* NULL if the inventory does not know it */
	const struct vos_page_host *page;      /* NULL if the page does not name it */
	const char *plane;                     /* inventory plane, else the page's plane name */
	const struct vos_vlan *vlan;           /* NULL if none/unknown */
	size_t *services; size_t nservices, services_alloc; /* indexes into model->services */
};

struct vos_mservice {
	const char *id;                        /* inventory id, or the page name when only on the page */
	const char *name;                      /* display name */
	const struct vos_service *inv;         /* NULL when only the page lists it */
	const struct vos_page_row *row;        /* NULL when the page does not list it */
	int host;                              /* index into model->hosts, -1 if unplaced */
	/* Addresses, computed once by vos_model_build (docs/inventory.md, "Addresses"); each may be NULL */
	const char *inv_address;               /* the inventory's: the service's own `address`, else its
	                                          inventory host's, else the host it is placed on */
	const char *address;                   /* effective: the page row's (unless a placeholder),
	                                          else inv_address */
	const char **port_address;             /* per inv->ports[i]: the port's own `address`, else
	                                          `address` (NULL when the service has no ports) */
	const char *purpose;                   /* page purpose, else inventory purpose */
};

struct vos_model {
	const struct vos_page *page;           /* borrowed */
	const struct vos_inventory *inv;       /* borrowed */
	struct vos_mhost *hosts; size_t nhosts, hosts_alloc;
	struct vos_mservice *services; size_t nservices, services_alloc;
	struct vos_map host_by_name;           /* name -> struct vos_mhost* index+1 (cast) */
	struct vos_map service_by_id;          /* id -> index+1 */
	struct vos_map service_by_name;        /* display name (nocase) -> index+1 */
	const char **port_addresses;           /* storage of every service's port_address */
	struct vos_map vlan_by_name;           /* name -> const struct vos_vlan* */
};

/* Host names and service display names are the same on the page and in the inventory when they
 * are equal ignoring ASCII case (as DNS compares host names): every module compares them with
 * this, and maps keyed by them are made with vos_map_init(map, VOS_NAMES_NOCASE). Service ids,
 * VLAN names and rule ids are exact. */
#define VOS_NAMES_NOCASE true
bool vos_name_eq(const char *a, const char *b); /* NULL-safe */

/* lib/page.c: parse the services page (text need not be NUL-terminated; it is copied).
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
/* Sets up the Markdown library's global state; call once before parsing pages on several threads. */
void vos_page_prepare(void);

/* lib/inventory.c: load every *.yaml / *.yml file of dir (sorted by name, not recursive).
 * Returns 0, or VOS_EINPUT with located diagnostics (all of them, not only the first). */
int vos_inventory_load(struct vos_inventory *out, const char *dir, struct vos_diags *diags);
/* The same from a source: its files directly in dir, in name order; a source whose files have a
 * state (the index: "staged") must hold at least one. */
int vos_inventory_load_from(struct vos_inventory *out, const struct vos_source *src, const char *dir,
                            struct vos_diags *diags);
/* Loads one YAML text as if it were a file of the inventory (for tests and fuzzing). */
int vos_inventory_load_buffer(struct vos_inventory *inv, const char *file, const char *buf,
                              size_t len, struct vos_diags *diags);
void vos_inventory_init(struct vos_inventory *inv);
/* Cross-reference checks that need the whole inventory (duplicate ids across files, host
 * references, VLAN references); called by vos_inventory_load, and after load_buffer calls. */
int vos_inventory_finish(struct vos_inventory *inv, struct vos_diags *diags);
void vos_inventory_release(struct vos_inventory *inv);
const struct vos_service *vos_inventory_service(const struct vos_inventory *inv, const char *id);
const struct vos_host *vos_inventory_host(const struct vos_inventory *inv, const char *name);
const struct vos_vlan *vos_inventory_vlan(const struct vos_inventory *inv, const char *name);

/* lib/model.c: merge page and inventory. Reports page/inventory disagreements as findings
 * (rules "page-unlisted", "inventory-missing", "host-page-only", "host-inventory-only",
 * "address-mismatch", "placement-mismatch"), each citing both locations where there are two. */
int vos_model_build(struct vos_model *out, const struct vos_page *page,
                    const struct vos_inventory *inv, struct vos_diags *findings);
void vos_model_release(struct vos_model *m);
/* A host by name (vos_name_eq). */
struct vos_mhost *vos_model_host(const struct vos_model *m, const char *name);
struct vos_mservice *vos_model_service(const struct vos_model *m, const char *id);
/* Appends "4000", "8100-8109" or "53/udp" (the protocol only when it is not tcp). */
void vos_port_describe(struct vos_buf *b, const struct vos_port *p);
/* The service's host (or NULL). */
struct vos_mhost *vos_model_service_host(const struct vos_model *m, const struct vos_mservice *s);

/* lib/check.c: built-in integrity checks ("port-clash", "depends-unknown", "depends-cycle",
 * "address-outside-vlan", "address-shared"). */
int vos_check_integrity(const struct vos_model *m, struct vos_diags *findings);
/* Checks the links of a page: a link to a page that exists(path, payload) knows under neither
 * "<path>.md" nor "<path>" (nor, for a leading locale segment like "en/", the same without it) is a
 * "wiki-link-broken" diagnostic of severity sev located at the link. External links are skipped. */
void vos_check_links(const struct vos_page *page, bool (*exists)(const char *path, const void *payload),
                     const void *payload, enum vos_severity sev, struct vos_diags *diags);
/* The repository path a wiki link points at: "/vos/README#x" -> "vos/README"; NULL for external
 * (scheme://, mailto:, //host), empty or anchor-only links. Caller frees. */
char *vos_wiki_link_path(const char *target);

/* lib/rules.c: evaluate the inventory's rules on the model, and the page/rules drift checks
 * ("rule-unenforced": a page rule no machine rule implements; "rule-unstated": a machine rule
 * the page does not state). */
int vos_rules_check(const struct vos_model *m, struct vos_diags *findings);
const char *vos_assert_kind_name(int kind);
int vos_assert_kind_parse(const char *name); /* -1 if unknown */
bool vos_selector_matches(const struct vos_model *m, const struct vos_selector *sel,
                          const struct vos_mservice *s);

#endif
