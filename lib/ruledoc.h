/* ruledoc.h - what every built-in finding id means (lib/ruledoc.c): the one table `vosctl explain`,
 * SARIF's rules[] and docs/rules.md's sections ("#ID" anchors) follow. */
#ifndef VOS_RULEDOC_H
#define VOS_RULEDOC_H

#include "util.h"

struct vos_ruledoc {
	const char *id;
	const char *severity; /* "error", "warning", "note" (what it usually is) */
	const char *summary;  /* what it checks: one sentence */
	const char *page;     /* the page text it enforces, or NULL */
	const char *why;      /* why it matters */
	const char *fix;      /* how to fix a typical finding */
};

/* The built-in ids, sorted by id; *n is set to their count. */
const struct vos_ruledoc *vos_ruledocs(size_t *n);
/* The entry of id, or NULL. */
const struct vos_ruledoc *vos_ruledoc_find(const char *id);
struct vos_inventory;
/* The built-in id or rule of inv (may be NULL) closest to id, for "did you mean" (vos_suggest), or
 * NULL. Borrowed. */
const char *vos_ruledoc_suggest(const char *id, const struct vos_inventory *inv);
/* Appends the docs anchor of a built-in id: "docs/rules.md#port-clash". */
void vos_ruledoc_anchor(struct vos_buf *b, const char *id);

#endif
