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

/* One finding or input error. All strings are owned by the diagnostic. */
struct vos_diag {
	enum vos_severity severity;
	char *file;     /* may be NULL */
	unsigned line, col;
	char *rule;     /* rule id, e.g. "yaml-syntax", "page-unlisted", "skynet-routes" */
	char *message;  /* git style: lowercase, no full stop, subject quoted */
	char *service;  /* service id or NULL */
	char *host;     /* host name or NULL */
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

/* Sorts by file, line, column, then insertion order (stable). */
void vos_diags_sort(struct vos_diags *d);
/* Turns every warning into an error (--strict). */
void vos_diags_promote_warnings(struct vos_diags *d);
/* Moves all diagnostics of src onto the end of dst; src is left empty. */
void vos_diags_move(struct vos_diags *dst, struct vos_diags *src);

const char *vos_severity_name(enum vos_severity s); /* "error", "warning", "note" */

#endif
