/* probe.h - live checks of declared ports (loopback only), findings, saved results.
 *
 * The engine takes a plain array of targets and fills one result per target. Plain TCP checks use
 * non-blocking connect + epoll; http/https go through libcurl's multi interface; both run in one
 * loop, up to a concurrency cap that never exceeds what RLIMIT_NOFILE allows.
 *
 * Network safety: only 127.0.0.0/8 is ever connected to. A target with any other address (or a
 * name, or no address at all) is not connected to: it gets state "error" with the detail
 * "refusing to probe non-loopback address X". There is no way to lift this.
 */
#ifndef VOS_PROBE_H
#define VOS_PROBE_H

#include "model.h"

enum vos_probe_state {
	VOS_PROBE_UP = 0,
	VOS_PROBE_DOWN = 1,    /* refused, reset */
	VOS_PROBE_TIMEOUT = 2,
	VOS_PROBE_ERROR = 3,   /* TLS, status/body mismatch, refused to probe... */
};
#define VOS_PROBE__NSTATES (VOS_PROBE_ERROR + 1)

/* One thing to check. Strings are borrowed (from the model, or the caller). */
struct vos_probe_target {
	const char *service;   /* service id, or NULL (scan) */
	const char *host;      /* host name, or NULL */
	const char *address;   /* IPv4 literal; anything outside 127.0.0.0/8 is refused */
	int port;
	enum vos_check_kind check; /* TCP, HTTP or HTTPS */
	const char *path;      /* http(s): path, NULL for "/" */
	int status_min, status_max; /* http(s): expected status range (0, 0: 200-399) */
	const char *body;      /* http(s): required body substring, or NULL */
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
	bool probed;           /* false when the target was refused (non-loopback, no address) */
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
	const char *cacert;    /* PEM file to verify https with, or NULL */
	bool insecure;         /* https: skip verification */
	/* called at most every 100 ms while targets are outstanding, or NULL */
	void (*progress)(size_t done, size_t total, void *payload);
	void *payload;
};
void vos_probe_options_init(struct vos_probe_options *o);

/* Checks n targets; out must have room for n results (filled in target order).
 * Returns 0 when every target has a result (whatever its state), or VOS_EIO when the engine
 * could not run at all (err says why). */
int vos_probe_run(struct vos_probe_result *out, const struct vos_probe_target *targets, size_t n,
                  const struct vos_probe_options *opts, struct vos_err *err);
/* Frees the details of n results (not the array). */
void vos_probe_result_release_array(struct vos_probe_result *res, size_t n);

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

/* Parses a port list "1-1024,3000-9999,8080" into a sorted, duplicate-free array (caller frees).
 * Returns VOS_EINPUT with err on a bad list. */
int vos_probe_parse_ports(int **out, size_t *n_out, const char *spec, struct vos_err *err);

/* Findings for `vosctl validate --probe`: "probe-down" (a declared service is not up, at the
 * service's inventory location) and "probe-dependency-down" (a down service that up services
 * depend on, transitively: reported once, at the dependency, naming the dependents). */
void vos_probe_findings(const struct vos_model *m, const struct vos_probe_result *res, size_t n,
                        struct vos_diags *findings);

const char *vos_probe_state_name(enum vos_probe_state state); /* "up", "down", "timeout", "error" */
const char *vos_probe_check_name(enum vos_check_kind check); /* "tcp", "http", "https", "none" */

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

#endif
