/* probe.h - live checks of declared ports (inside the lab's probe scope), findings, saved results.
 *
 * The engine takes a plain array of targets and fills one result per target. Plain TCP checks use
 * non-blocking connect + epoll; http/https go through libcurl's multi interface; both run in one
 * loop, up to a concurrency cap that never exceeds what RLIMIT_NOFILE allows.
 *
 * Network safety: only addresses inside the probe scope (vos_probe_options.scope: by default the
 * lab's VLAN CIDRs, see vos_probe_scope_build) are ever connected to. vos_probe_plan resolves host
 * names (DNS only, through c-ares) and decides each target; the engine checks every address again
 * right before connect() (its own sockets and curl's). A target outside the scope is never connected
 * to: it gets state "skipped" with the reason.
 */
#ifndef VOS_PROBE_H
#define VOS_PROBE_H

#include "addr.h"
#include "model.h"

enum vos_probe_state {
	VOS_PROBE_UP = 0,
	VOS_PROBE_DOWN = 1,    /* refused, reset */
	VOS_PROBE_TIMEOUT = 2,
	VOS_PROBE_ERROR = 3,   /* TLS, status/body mismatch... */
	VOS_PROBE_SKIPPED = 4, /* not connected to: outside the probe scope, no or an invalid address,
	                        * an unresolvable name ("unresolvable name 'x' (why)") */
};
#define VOS_PROBE__NSTATES (VOS_PROBE_SKIPPED + 1)

/* What vos_probe_plan decided for a target. */
enum vos_probe_decision {
	VOS_PLAN_PROBE = 0,    /* in scope (the engine checks the address again) */
	VOS_PLAN_NO_ADDRESS,   /* skipped: no address known */
	VOS_PLAN_INVALID,      /* skipped: the address is neither a literal nor a host name */
	VOS_PLAN_NO_SCOPE,     /* skipped: the lab declares no VLAN and no probe.scope */
	VOS_PLAN_OUTSIDE,      /* skipped: the address (ip) is outside the probe scope */
	VOS_PLAN_NAME_OUTSIDE, /* skipped: the name resolves to ip, outside the probe scope */
	VOS_PLAN_UNRESOLVED,   /* skipped: the name does not resolve (why) */
	VOS_PLAN_PENDING,      /* a name not asked yet (vos_probe_plan with defer_names): vos_probe_run
	                        * resolves it while it probes the others, and decides it as the plan would */
};

/* One thing to check. Strings are borrowed (from the model, or the caller). */
struct vos_probe_target {
	const char *service;   /* service id, or NULL (scan) */
	const char *host;      /* host name, or NULL */
	const char *address;   /* as written: IPv4 or IPv6 literal, or a DNS name */
	int port;
	enum vos_check_kind check; /* TCP, HTTP, HTTPS or DNS */
	bool udp;              /* dns: over UDP (else TCP) */
	const char *path;      /* http(s): path, NULL for "/" */
	int status_min, status_max; /* http(s): expected status range (0, 0: 200-399) */
	const char *body;      /* http(s): required body substring, or NULL */
	const struct vos_header *headers; size_t nheaders; /* http(s): request headers (inventory.h) */
	const char *query;     /* dns: the name to ask for */
	char *const *expect;   /* dns: addresses the answer must hold (nexpect of them), or none */
	size_t nexpect;
	/* set by vos_probe_plan (a literal address needs no plan) */
	int decision;          /* enum vos_probe_decision */
	bool has_ip;
	struct vos_ip ip;      /* the address to connect to (or the one outside the scope) */
	const char *why;       /* VOS_PLAN_UNRESOLVED: what the resolver said (static) */
};

/* One outcome. service/host/address are borrowed from the target (or from the vos_probe_results
 * they were loaded into); detail is allocated and freed by vos_probe_result_release_array. */
struct vos_probe_result {
	const char *service, *host, *address;
	int port;
	enum vos_check_kind check;
	enum vos_probe_state state;
	double latency_ms;
	int status;            /* HTTP status, 0 when none */
	char *detail;          /* why, or NULL ("" in output) */
	bool probed;           /* false when nothing was sent (skipped, or the name did not resolve) */
	bool udp;              /* dns: asked over UDP */
	const char *query;     /* dns: the name asked for (borrowed like service), or NULL */
	long long cert_expiry; /* https: the earliest notAfter of the peer's chain (unix seconds), 0: none */
};

/* An open port that no service declares (vosctl probe --scan). Strings borrowed. */
struct vos_probe_open {
	const char *host, *address;
	int port;
};

struct vos_probe_options {
	int timeout_ms;        /* per target, default 2000 */
	int deadline_ms;       /* the whole run, default 60000; unfinished targets become timeouts */
	int concurrency;       /* in-flight cap, default 4096 (further capped by RLIMIT_NOFILE) */
	int threads;           /* engines, each on its own thread, sharing the cap: 0 (default) one
	                        * per online CPU (at most 4, one for small runs), 1 the caller's only */
	/* the only addresses ever connected to; NULL: loopback only (127.0.0.0/8, ::1) */
	const struct vos_scope *scope;
	/* where the names of VOS_PLAN_PENDING targets are resolved ("ADDR[:PORT],...", probe.dns), or
	 * NULL for the system's resolver */
	const char *dns;
	const char *cacert;    /* PEM file to verify https with, or NULL */
	bool insecure;         /* https: skip verification */
	/* called at most every 100 ms while targets are outstanding, or NULL */
	void (*progress)(size_t done, size_t total, void *payload);
	void *payload;
};
void vos_probe_options_init(struct vos_probe_options *o);

/* Checks n targets; out must have room for n results (filled in target order). The names of
 * targets the plan left VOS_PLAN_PENDING are resolved here (through opts->dns, within
 * opts->timeout_ms and nine tenths of opts->deadline_ms) while the other targets are probed, each
 * target started once its name is decided (targets are started in order): the run's copy of the
 * targets holds those decisions, the caller's stay pending, and each outcome is in its result.
 * Returns 0 when every target has a result (whatever its state), or VOS_EIO when the engine could
 * not run at all (err says why). */
int vos_probe_run(struct vos_probe_result *out, const struct vos_probe_target *targets, size_t n,
                  const struct vos_probe_options *opts, struct vos_err *err);
/* "HTTP status 500, expected 200-399" when code is outside t's expected status range (allocated,
 * caller frees), else NULL: the one wording local probes and Prometheus's samples share. */
char *vos_probe_status_mismatch(const struct vos_probe_target *t, long code);
/* The DNS checks among n targets (lib/probe_dns.c, called by vos_probe_run before the other
 * checks): each one's query sent to its address and port over its transport through c-ares, all
 * at once within opts->timeout_ms, filling out[i] for each target i whose check is VOS_CHECK_DNS
 * (and nothing else). Returns how many it filled. */
size_t vos_probe_dns_run(struct vos_probe_result *out, const struct vos_probe_target *targets, size_t n,
                         const struct vos_probe_options *opts, const struct vos_scope *scope);
/* The engine's gate, shared by every kind of check: the address to connect to for t when the
 * plan and the scope allow it; else false, with *why (caller frees) and *state set. */
bool vos_probe_target_ip(const struct vos_probe_target *t, const struct vos_scope *scope,
                         struct vos_ip *ip, char **why, int *state);
/* Fills the identity of a result (service, host, address, port, check...) from its target. */
void vos_probe_result_from_target(struct vos_probe_result *r, const struct vos_probe_target *t);
/* Frees the details of n results (not the array). */
void vos_probe_result_release_array(struct vos_probe_result *res, size_t n);

/* ---- results from Prometheus (probe_prom.c): `vosctl validate --probe-from URL` */
struct vos_prom_options {
	const char *url;         /* the server's base URL (http or https); /api/v1/query is appended */
	const char *token;       /* bearer token, or NULL (never shown) */
	const char *user, *password; /* basic auth when both are set (never shown) */
	int timeout_ms;          /* each HTTP request, default 10000 */
	long long max_age_ms;    /* a sample older than this is no result, default 300000 (5m) */
};
void vos_prom_options_init(struct vos_prom_options *o);
/* The blackbox_exporter target of t, as `vosctl export prometheus` writes it into the file_sd file
 * and Prometheus's relabelling makes it the `instance` label: vos_probe_target_url without its
 * "tcp://", i.e. "ADDR:PORT" ("[v6]:PORT") for tcp, "http(s)://ADDR:PORT/PATH" for http(s).
 * Allocated (caller frees); NULL for a target without an address (or a path curl refuses). */
char *vos_probe_target_instance(const struct vos_probe_target *t);
/* Fills out[i] (room for n) for each target from the last probe_success, probe_http_status_code,
 * probe_duration_seconds (and probe_ssl_earliest_cert_expiry) samples Prometheus holds for it: the
 * series whose `service` label is the target's service and whose `instance` label is its
 * vos_probe_target_instance (compared as URLs: scheme, host, port and path). Several such series
 * (vantage points, jobs) make one result: up only when all fresh ones succeeded. A target with no
 * series, or only samples older than max_age_ms, is not probed (probed false, state skipped, the
 * detail says why), which vos_probe_findings reports as an error: no false green. Returns 0, or
 * VOS_ENET (unreachable), VOS_EAUTH (401/403), VOS_EIO (another HTTP error, not a Prometheus API
 * answer) with err set; VOS_EINPUT for a URL that does not parse. Messages never show the
 * credentials (nor user info in the URL). */
int vos_probe_from_prometheus(struct vos_probe_result *out, const struct vos_probe_target *t, size_t n,
                              const struct vos_prom_options *o, struct vos_err *err);

/* The probe scope of a lab: `probe.scope` of vosctl.yaml (cfg_scope, a comma-separated list; used
 * when cfg_scope_set, even if empty) or else the union of the lab's VLAN CIDRs; then narrowed by
 * each --scope list (cli, ncli) and by the VOSCTL_PROBE_SCOPE list (env, NULL when unset; set but
 * empty narrows it to nothing), which can never widen it. *declared is false when the lab declares no scope at all (no VLAN, no
 * probe.scope). Returns 0, or VOS_EINPUT with err set for a bad --scope or
 * VOSCTL_PROBE_SCOPE entry. */
int vos_probe_scope_build(struct vos_scope *out, bool *declared, const struct vos_inventory *inv,
                          const char *cfg_scope, bool cfg_scope_set, const char *const *cli,
                          size_t ncli, const char *env, struct vos_err *err);
/* "192.168.1.0/24, 2001:db8::/32" or "(nothing)": allocated, caller frees. */
char *vos_probe_scope_text(const struct vos_scope *s);

/* Decides every target: resolves the host names among the addresses (A and AAAA, concurrently,
 * within timeout_ms, through dns ("ADDR[:PORT],...") or the system's resolver when NULL), then
 * checks every address against the scope: a name is probed only when each address it resolves
 * to is in scope. Fills decision, ip and why. declared: as from vos_probe_scope_build. With
 * defer_names, names are not asked: their targets are left VOS_PLAN_PENDING for vos_probe_run
 * (the server list is checked all the same). Returns 0, or VOS_EIO when the resolver could not be
 * set up (err says why). Sends only DNS. */
int vos_probe_plan(struct vos_probe_target *t, size_t n, const struct vos_scope *scope,
                   bool declared, const char *dns, int timeout_ms, bool defer_names, struct vos_err *err);
/* Resolves the names of the targets left VOS_PLAN_PENDING and decides each of them, as
 * vos_probe_plan does; ready(i, payload), when not NULL, is called once for each of them as soon as
 * it is decided (on this thread). On VOS_EIO (a resolver that cannot be set up, err) every pending
 * target is decided unresolved all the same. */
int vos_probe_plan_pending(struct vos_probe_target *t, size_t n, const struct vos_scope *scope,
                           const char *dns, int timeout_ms, void (*ready)(size_t i, void *payload),
                           void *payload, struct vos_err *err);
/* Both for a lab: its scope (probe.scope, else its VLANs; narrowed by cli and env, as above) into
 * *scope (caller releases, also on error), then the plan of the n targets through probe.dns.
 * VOS_EINPUT for a bad --scope/env entry, VOS_EIO when the resolver could not be set up. */
struct vos_lab;
int vos_probe_plan_lab(struct vos_scope *scope, bool *declared, struct vos_probe_target *t, size_t n,
                       const struct vos_lab *lab, const char *const *cli, size_t ncli,
                       const char *env, int timeout_ms, bool defer_names, struct vos_err *err);
/* Why a target is skipped (or does not resolve), into buf; "" for VOS_PLAN_PROBE. */
const char *vos_probe_decision_text(const struct vos_probe_target *t, char *buf, size_t n);

/* The in-flight cap the engine would use for this request (RLIMIT_NOFILE-aware). */
size_t vos_probe_effective_concurrency(int requested);

/* Which services to probe: each list is OR'ed, lists are AND'ed; empty lists select all. */
struct vos_probe_filter {
	const char **hosts; size_t nhosts;
	const char **services; size_t nservices;
	const char **classes; size_t nclasses;
};

/* Builds one target per declared tcp port of every selected service (a port range is one target
 * per port; udp and check "none" are skipped). *out (caller frees with free()) borrows its strings
 * from the model. An unknown --host/--service name is VOS_EINPUT with a diagnostic. */
int vos_probe_targets_from_model(struct vos_probe_target **out, size_t *n_out,
                                 const struct vos_model *m, const struct vos_probe_filter *filter,
                                 struct vos_diags *diags);

/* Each distinct path's part of a URL as curl_url makes it (curl parses a path once). */
struct vos_url_paths {
	struct vos_map by_path; /* path -> its URL part, "" when curl refuses it (in arena) */
	struct vos_arena arena;
};
void vos_url_paths_init(struct vos_url_paths *c);
void vos_url_paths_release(struct vos_url_paths *c);
/* The URL a monitor checks a target at, from the address as written (a name stays a name, an IPv6
 * literal is bracketed): "tcp://ADDR:PORT" for tcp, "http(s)://ADDR:PORT" and the path as curl_url
 * makes it ("health" -> "/health", "/a/../b" -> "/b") for http(s). cache: the paths seen, or NULL.
 * Allocated (caller frees); NULL without an address or when curl refuses the path. */
char *vos_probe_target_url(const struct vos_probe_target *t, struct vos_url_paths *cache);

/* Parses a port list "1-1024,3000-9999,8080" into a sorted, duplicate-free array (caller frees).
 * Returns VOS_EINPUT with err on a bad list. */
int vos_probe_parse_ports(int **out, size_t *n_out, const char *spec, struct vos_err *err);

/* Findings for `vosctl validate --probe`: "probe-down" (a declared service is not up, at the
 * service's inventory location), "probe-dependency-down" (a down service that up services
 * depend on, transitively: reported once, at the dependency, naming the dependents),
 * "probe-not-probed" (an error for every target that was not probed: skipped, unresolvable) and
 * "probe-nothing" (an error when there was nothing to probe at all): no false green. */
void vos_probe_findings(const struct vos_model *m, const struct vos_probe_result *res, size_t n,
                        struct vos_diags *findings);

/* Findings for the https results' certificates (validate --probe): "probe-cert-expired" (an error)
 * when the earliest notAfter of the chain is past at now (unix seconds), "probe-cert-expiring" (a
 * warning) when it is within days days; each located at the port in the inventory. */
void vos_probe_cert_findings(const struct vos_model *m, const struct vos_probe_result *res, size_t n,
                             int days, long long now, struct vos_diags *findings);
/* Every probe finding of a lab's results, the one sequence validate --probe, --probe-from and probe
 * --format prom share: vos_probe_findings, then vos_probe_cert_findings with the lab's
 * probe.tls_expiry_days at now (unix seconds). */
void vos_probe_lab_findings(const struct vos_lab *lab, const struct vos_probe_result *res, size_t n,
                            long long now, struct vos_diags *findings);
/* Whole days from now to a certificate's expiry (unix seconds), rounded down; negative once past. */
long long vos_probe_cert_days_left(long long expiry, long long now);

const char *vos_probe_state_name(enum vos_probe_state state); /* "up", "down", "timeout", "error", "skipped" */
const char *vos_probe_check_name(enum vos_check_kind check); /* "tcp", "http", "https", "dns", "none" */

/* The JSON document (the format other tools read):
 * {"results": [...], "summary": {...}, "undeclared": [...]} (undeclared only when scanned is true).
 * Returns an allocated string (caller frees). */
char *vos_probe_results_json(const struct vos_probe_result *res, size_t n,
                             const struct vos_probe_open *undeclared, size_t nundeclared,
                             bool scanned);
/* Writes that document atomically to path, creating its directory if needed. */
int vos_probe_results_save(const char *path, const struct vos_probe_result *res, size_t n,
                           const struct vos_probe_open *undeclared, size_t nundeclared,
                           bool scanned, struct vos_err *err);

/* Results read back from a saved file (the status page). Everything is owned by the struct. A result's
 * latency_ms is negative when the file does not record one. */
struct vos_probe_results {
	struct vos_arena arena;
	const char *time;      /* when the probe ran ("time", else "timestamp", "finished"...), or NULL */
	struct vos_probe_result *items; size_t n, alloc;
	struct vos_probe_open *undeclared; size_t nundeclared, undeclared_alloc;
	size_t summary[VOS_PROBE__NSTATES];
};
void vos_probe_results_init(struct vos_probe_results *r);
/* Loads path; VOS_ENOTFOUND when it does not exist, VOS_EINPUT when it is not such a document. */
int vos_probe_results_load(struct vos_probe_results *out, const char *path, struct vos_err *err);
/* The same from text already read; name is the file's name in messages. VOS_EINPUT when the text is
 * not such a document (err says why). */
int vos_probe_results_parse(struct vos_probe_results *out, const char *name, const char *text,
                            size_t len, struct vos_err *err);
void vos_probe_results_release(struct vos_probe_results *r);
/* Whether results may make a status page at now_iso (vos_now_iso's form): 0 when they are at most
 * max_age_s seconds old and at least one target was probed; else VOS_EINPUT with why in err (no time
 * recorded, too old, or only skipped and unresolved targets: a page of refusals says nothing). */
int vos_probe_results_fresh(const struct vos_probe_results *r, const char *now_iso, long long max_age_s,
                            struct vos_err *err);

#endif
