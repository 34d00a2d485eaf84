/* diag.h - the one diagnostic type every command reports through. */
#ifndef VOS_DIAG_H
#define VOS_DIAG_H

#include "util.h"

/* A location in a source file; line and col are 1-based, 0 means unknown.
 * file is borrowed (owned by whatever parsed the file). */
struct vos_loc {
	const char *file;
	unsigned line;
	unsigned col;
};

enum vos_severity {
	VOS_SEV_ERROR = 0,
	VOS_SEV_WARNING = 1,
	VOS_SEV_NOTE = 2,
};

/* Where a finding stands against a baseline file (validate --baseline). */
enum vos_baseline_state {
	VOS_BASELINE_NONE = 0,  /* no baseline given */
	VOS_BASELINE_NEW,       /* not in the baseline: reported */
	VOS_BASELINE_UNCHANGED, /* in the baseline: known, not reported, not counted */
	VOS_BASELINE_ABSENT,    /* a baseline entry no longer found ("fixed"): a note, not counted */
};

/* The waiver that accepted a finding (lib/waiver.c); every string is owned. */
struct vos_diag_waiver {
	char *reason, *owner, *expires; /* owner may be NULL; expires "YYYY-MM-DD" */
	char *file;                     /* where the waiver is written */
	unsigned line, col;
	bool in_page;                   /* an inline comment on the page (else the inventory's waivers:) */
};

/* One finding or input error. All strings are owned by the diagnostic. */
struct vos_diag {
	enum vos_severity severity;
	char *file;     /* may be NULL */
	unsigned line, col;
	char *rule;     /* rule id, e.g. "yaml-syntax", "page-unlisted", "skynet-routes" */
	char *message;  /* git style: lowercase, no full stop, subject quoted */
	char *service;  /* service id or NULL */
	char *host;     /* host name or NULL */
	char *port;     /* the port it is about ("8080/tcp") or NULL */
	char *subject;  /* any other id it is about (the other service of a clash, a rule id, a VLAN) */
	/* fingerprint: rule + service + host + port + subject (vos_diag_fingerprint), never a location */
	struct vos_diag_waiver *waiver;  /* set when a waiver accepted it (not counted), else NULL */
	enum vos_baseline_state baseline;
	/* the other side of a two-sided finding (e.g. the inventory entry for a page row) */
	char *rel_file;
	unsigned rel_line, rel_col;
};

#define VOS_DIAGS_MAX 100000 /* past this, further diagnostics are counted, not stored */

struct vos_diags {
	struct vos_diag *items;
	size_t n, alloc;
	size_t dropped;  /* diagnostics past VOS_DIAGS_MAX */
	size_t errors;   /* counts include dropped ones */
	size_t warnings;
	/* findings that are listed but do not count: waived, in the baseline (unchanged), and
	 * baseline entries no longer found (fixed) */
	size_t waived, unchanged, fixed;
};

void vos_diags_init(struct vos_diags *d);
void vos_diags_release(struct vos_diags *d);

/* Adds a diagnostic; loc may be NULL. Returns it (borrowed) so that callers can set
 * service/host/related location, or NULL when the list is full. */
struct vos_diag *vos_diags_add(struct vos_diags *d, enum vos_severity sev,
                               const struct vos_loc *loc, const char *rule,
                               const char *fmt, ...) VOS_PRINTF(5, 6);
struct vos_diag *vos_diags_vadd(struct vos_diags *d, enum vos_severity sev,
                                const struct vos_loc *loc, const char *rule,
                                const char *fmt, va_list ap);
/* Convenience setters on a diagnostic returned by vos_diags_add (NULL-safe on d). */
void vos_diag_set_subject(struct vos_diag *d, const char *service, const char *host);
void vos_diag_set_related(struct vos_diag *d, const struct vos_loc *rel);
/* Sets the port and the other id a finding is about (NULL leaves one as it is). */
void vos_diag_set_ids(struct vos_diag *d, const char *port, const char *subject);
/* The finding's fingerprint: its rule and the ids it is about, never a line or the message (the
 * service and the other id in order, so a two-sided finding matches whichever side it names). */
void vos_diag_fingerprint(struct vos_buf *out, const struct vos_diag *d);
/* Counts: a finding that is not waived and not a known (unchanged) or fixed baseline entry. */
bool vos_diag_counts(const struct vos_diag *d);
/* Takes x (an item of d that counts) out of d's error/warning counts, into waived/unchanged as
 * x->waiver and x->baseline say; call after setting one of them. */
void vos_diags_uncount(struct vos_diags *d, struct vos_diag *x);

/* Sorts by file, line, column, then insertion order (stable). */
void vos_diags_sort(struct vos_diags *d);
/* Turns every warning into an error (--strict). */
void vos_diags_promote_warnings(struct vos_diags *d);
/* Moves all diagnostics of src onto the end of dst; src is left empty. */
void vos_diags_move(struct vos_diags *dst, struct vos_diags *src);

const char *vos_severity_name(enum vos_severity s); /* "error", "warning", "note" */

#endif
