/* render.h - the reconciled wiki pages: services page (edited in place), generated inventory page,
 * status page, and a unified diff for `render --check`. See docs/render.md. */
#ifndef VOS_RENDER_H
#define VOS_RENDER_H

#include "model.h"

/* Reconciled services page: the page's original text edited in place by line ranges (only table rows
 * that differ change; rows added/removed; the table's columns aligned canonically). Front matter
 * bytes stay except `date`, which is set to now_iso (Wiki.js format, "2026-11-23T18:30:00.000Z") only
 * when the content changed. *out is the caller's to free; *changed tells whether it differs. */
int vos_render_services(char **out, size_t *outlen, bool *changed, const struct vos_page *page,
                        const struct vos_model *m, const char *now_iso);

/* Generated service inventory page (seed 001's form, with Wiki.js front matter). existing (may be NULL)
 * is the current text of that page: its dateCreated is kept and date only moves when content changes. */
int vos_render_inventory_page(char **out, size_t *outlen, bool *changed, const struct vos_model *m,
                              const char *existing, size_t existing_len, const char *now_iso);

/* Status page from probe results JSON text (the format `vosctl probe --format json` prints). */
int vos_render_status_page(char **out, size_t *outlen, bool *changed, const struct vos_model *m,
                           const char *results_json, size_t results_len,
                           const char *existing, size_t existing_len, const char *now_iso,
                           struct vos_diags *diags);

/* Unified diff (diff -u style, 3 lines of context) of a and b into out; returns 1 if they differ. */
int vos_diff_unified(struct vos_buf *out, const char *a_label, const char *a, size_t alen,
                     const char *b_label, const char *b, size_t blen);

/* Wiki.js date for now (or $VOSCTL_NOW if set, for reproducible tests). Caller frees. */
char *vos_render_now(void);

/* ---- extensions (compatible additions to the contract above) */

/* Options of vos_render_services_ex; zeroed means vos_render_services' behaviour. */
struct vos_render_opts {
	bool prune;  /* remove page rows whose service no inventory entry describes */
};

/* What vos_render_services_ex changed. */
struct vos_render_stats {
	size_t addresses;  /* address cells set from the inventory */
	size_t added;      /* rows added for inventory services the page lacks */
	size_t removed;    /* rows removed (prune) */
	size_t unplaced;   /* inventory services not added: their host has no table on the page */
	size_t tables;     /* tables whose text changed (realigned or edited) */
};

/* vos_render_services with options (opts may be NULL) and statistics (stats_out may be NULL). */
int vos_render_services_ex(char **out, size_t *outlen, bool *changed,
                           struct vos_render_stats *stats_out, const struct vos_page *page,
                           const struct vos_model *m, const char *now_iso,
                           const struct vos_render_opts *opts);

/* Display width of UTF-8 text as render counts it (code points). */
size_t vos_render_width(const char *s, size_t len);

#endif
