/* render_plan.h - the one render plan `vosctl render` and `vosctl publish` both call, so that they
 * cannot disagree: which pages are made (services page, generated inventory page, status page),
 * from what, with which date, and what changed.
 *
 * The services page is reconciled first (page_edit.c); the generated pages (pages.c) then describe
 * the reconciled page, as the next run will read it: when render changed the page's text (rows added
 * or pruned, addresses set), the page is parsed again and the model rebuilt from it. The caller
 * reads the pages' current bytes (from the disk, or from the wiki repository's head) and writes or
 * commits the result; the plan does no I/O. See docs/render.md. */
#ifndef VOS_RENDER_PLAN_H
#define VOS_RENDER_PLAN_H

#include "render.h"

enum vos_render_kind {
	VOS_RENDER_SERVICES = 0,
	VOS_RENDER_INVENTORY = 1,
	VOS_RENDER_STATUS = 2,
	VOS_RENDER__NKINDS
};

/* A page to make: where it goes and what is there now. */
struct vos_render_target {
	const char *path;    /* NULL: this page is not made */
	const char *old;     /* its current bytes (borrowed), NULL when it does not exist yet */
	size_t old_len;
};

struct vos_render_inputs {
	struct vos_render_target services;  /* path required */
	struct vos_render_target inventory;
	struct vos_render_target status;    /* needs results */
	const struct vos_probe_results *results;
};

/* One page the plan made. */
struct vos_render_item {
	enum vos_render_kind kind;
	const char *what;         /* "services page", "inventory page", "status page" */
	const char *path;         /* borrowed from the inputs */
	const char *old;          /* borrowed from the inputs; NULL when the page does not exist */
	size_t old_len;
	char *data;               /* what render would write (owned) */
	size_t len;
	bool changed;             /* data differs from old, or the page does not exist */
	struct vos_render_stats stats; /* the services page's edits (zero for the others) */
};

struct vos_render_plan {
	struct vos_render_item items[VOS_RENDER__NKINDS]; /* services first, in kind order */
	size_t n;
	/* the reconciled page and model the generated pages describe (borrowed): the input ones when
	 * render left the page's text and name as they were, else rebuilt from the rendered text */
	const struct vos_page *page;
	const struct vos_model *model;
	bool rebuilt;
	int rebuild_err;          /* < 0: the rendered page did not parse (diagnostics say why) */
	struct vos_page own_page;
	struct vos_model own_model;
};

void vos_render_plan_init(struct vos_render_plan *p);
/* Makes every page in inputs from page + model (the page as it is at its target, or a page to put
 * there) with opts (NULL: defaults). now_iso (NULL: vos_now_iso()) is the date a changed page gets.
 * The rendered services page's parse and model findings, when it is rebuilt, go to diags (the
 * reconciled page is named inputs->services.path in them). */
void vos_render_plan_make(struct vos_render_plan *p, const struct vos_page *page,
                          const struct vos_model *model, const struct vos_render_inputs *in,
                          const struct vos_render_opts *opts, const char *now_iso,
                          struct vos_diags *diags);
void vos_render_plan_release(struct vos_render_plan *p);

/* The item of a kind, or NULL when the plan did not make that page (borrowed). */
const struct vos_render_item *vos_render_plan_item(const struct vos_render_plan *p,
                                                   enum vos_render_kind kind);

#endif
