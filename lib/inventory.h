/* inventory.h - the YAML inventory (lib/inventory.c): VLANs, hosts, services with their ports and
 * launch, and the placement rules as data, each value with the location it came from.
 *
 * Ownership: a vos_inventory owns everything under it (its arena). See docs/inventory.md.
 */
#ifndef VOS_INVENTORY_H
#define VOS_INVENTORY_H

#include "diag.h"

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
	VOS_CHECK_DNS = 4,    /* a DNS query for `query` sent to the port (udp or tcp as its proto) */
};

/* One request header of an http(s) check: a literal value, or the name of the environment
 * variable that holds it (a secret: read at probe time, never printed). */
struct vos_header {
	char *name;           /* an RFC 7230 token */
	char *value;          /* the literal value, or NULL when env is set */
	char *env;            /* {env: VAR}: the variable's name, or NULL */
	struct vos_loc loc;   /* the value (where a missing variable is reported) */
};

struct vos_port {
	int port;             /* first port */
	int port_end;         /* last port of a range (== port for one port) */
	char *proto;          /* "tcp" (default) or "udp" */
	enum vos_check_kind check;
	char *path;           /* http(s): path, default "/" */
	int status_min, status_max; /* expected status range, default 200..399 */
	char *body;           /* http(s): expected body substring or NULL */
	char *name;           /* optional label, e.g. "api" */
	char *address;        /* overrides the service/host address, or NULL */
	char *query;          /* dns: the name to ask for */
	char **expect_address; size_t nexpect_address; /* dns: addresses the answer must hold, or none */
	struct vos_header *headers; size_t nheaders; /* http(s): request headers, in the order written */
	struct vos_loc loc;
};

struct vos_launch {
	char *kind;           /* "systemd", "launchd", "script", "container", "package" or NULL */
	char *unit;           /* unit file / plist path / script */
	char *scope;          /* "system" or "user" (systemd) or NULL */
	char *restart;        /* "always", "on-failure", "no"... or NULL */
	double restart_sec;   /* RestartSec, -1 when unset */
	char *exec;           /* ExecStart line or NULL */
	struct vos_loc loc;   /* the exec value when there is one (its findings point there), else the
	                         launch mapping */
};

struct vos_strloc {       /* a string with its location (list items, depends_on...) */
	char *s;
	struct vos_loc loc;
};

struct vos_service {
	char *id;             /* "litellm" - unique; an instance of a service on several hosts
	                       * (`hosts: [a, b]`) is "ID@HOST" */
	char *base_id;        /* the id as declared ("node-exporter"); == id for a one-host service */
	char *name;           /* display name as on the page: "LiteLLM" */
	char *host;           /* host name as the inventory says, or NULL (the page decides); an
	                       * instance's own host */
	char *class_;         /* router, ui, database, cache, inference, storage, media, proxy, ... */
	char **traits; size_t ntraits;  /* heavy-compute, gpu-inference, stateful, ai, ... */
	char *purpose;
	char *address;        /* service address override or NULL (else the host's) */
	struct vos_port *ports; size_t nports;
	struct vos_launch launch;
	struct vos_strloc *logs; size_t nlogs;
	struct vos_strloc *data; size_t ndata;       /* data locations */
	struct vos_strloc *secrets; size_t nsecrets; /* secret locations (paths, never values) */
	struct vos_strloc *config; size_t nconfig;   /* config/dependency files */
	struct vos_strloc *depends_on; size_t ndepends_on; /* service ids */
	struct vos_strloc *exposure; size_t nexposure;     /* VLAN names it is reachable from */
	struct vos_strloc *admin_via; size_t nadmin_via;   /* VLAN names admin access comes from */
	bool has_launch;      /* (next to immutable and the instance counts: one word for all four) */
	bool immutable;       /* "must not be modified" */
	uint16_t instance, ninstances; /* instance `instance` of ninstances (0 of 1 usually) */
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
	VOS_ASSERT_UNKNOWN = -1,              /* not an assertion vosctl knows (reported at load) */
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
};
#define VOS_ASSERT__COUNT (VOS_ASSERT_FORBID + 1)

struct vos_rule {
	char *id;
	char *text;                /* the prose it enforces */
	int page_rule;             /* number of the page rule it implements, or 0 */
	char *page_text;           /* or: a statement on the page it cites (substring), or NULL */
	char *help;                /* how to fix a finding (vosctl explain), or NULL */
	enum vos_assert_kind assert_kind;
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

/* A waiver (`waivers:`): findings of `rule` about what it names are accepted, with a reason, until
 * `expires` (lib/waiver.c applies it; docs/waivers.md). */
struct vos_waiver {
	char *rule;                /* a rule id (built-in or the lab's) */
	char *service;             /* what it applies to: a service id, */
	char *host;                /* a host name, */
	struct vos_selector select;/* or a selector (select.empty when there is none) */
	bool has_select;
	char *reason, *owner;      /* reason is required; owner may be NULL */
	char *expires;             /* "YYYY-MM-DD" as written */
	int expires_ymd;           /* YYYYMMDD; 0 when missing or invalid (reported) */
	struct vos_loc loc;        /* the waiver's mapping */
	struct vos_loc expires_loc;
};

struct vos_inventory {
	struct vos_arena arena;
	char *dir;                  /* the directory loaded */
	const char **files; size_t nfiles, files_alloc; /* files read, in order (in the arena) */
	struct vos_vlan *vlans; size_t nvlans, vlans_alloc;
	struct vos_host *hosts; size_t nhosts, hosts_alloc;
	struct vos_service *services; size_t nservices, services_alloc;
	struct vos_rule *rules; size_t nrules, rules_alloc;
	struct vos_waiver *waivers; size_t nwaivers, waivers_alloc;
	char *lab_name;             /* optional "lab: name" */
	/* O(1) lookups, built by vos_inventory_finish: name/id -> index + 1 (cast to void *) */
	struct vos_map vlan_by_name, host_by_name, service_by_id, rule_by_id;
	struct vos_map base_by_id; /* a several-host service's declared id -> index + 1 of its first instance */
};

/* Load every *.yaml / *.yml file of dir (sorted by name, not recursive).
 * Returns 0, or VOS_EINPUT with located diagnostics (all of them, not only the first). */
int vos_inventory_load(struct vos_inventory *out, const char *dir, struct vos_diags *diags);
struct vos_source;
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
/* Appends "4000", "8100-8109" or "53/udp" (the protocol only when it is not tcp). */
void vos_port_describe(struct vos_buf *b, const struct vos_port *p);
/* The name of an assertion as the inventory writes it ("only_on_host"...). */
const char *vos_assert_kind_name(enum vos_assert_kind kind);
/* The assertion named name, VOS_ASSERT_UNKNOWN if there is none. */
enum vos_assert_kind vos_assert_kind_parse(const char *name);

#endif
