/* render.h - the reconciled wiki pages: the services page (edited in place: page_edit.c), the
 * generated inventory and status pages (pages.c). Commands do not call these one by one: the render
 * plan (render_plan.h) decides which pages are made from what. See docs/render.md. */
#ifndef VOS_RENDER_H
#define VOS_RENDER_H

#include "model.h"

/* Reconciled services page: the page's original text edited in place by line ranges (only table rows
 * that differ change; rows added/removed; the table's columns aligned canonically). Front matter
 * bytes stay except `date`, which is set to now_iso (Wiki.js format, "2026-11-23T18:30:00.000Z") only
 * when the content changed. *out is the caller's to free; *changed tells whether it differs.
 * Cannot fail (out of memory aborts). */
void vos_render_services(char **out, size_t *outlen, bool *changed, const struct vos_page *page,
                         const struct vos_model *m, const char *now_iso);

/* Generated service inventory page (seed 001's form, with Wiki.js front matter). existing (may be NULL)
 * is the current text of that page: its dateCreated is kept and date only moves when content changes.
 * In all three, now_iso NULL means vos_now_iso(). */
int vos_render_inventory_page(char **out, size_t *outlen, bool *changed, const struct vos_model *m,
                              const char *existing, size_t existing_len, const char *now_iso);

struct vos_probe_results;

/* Status page from probe results (vos_probe_results_load / _parse: the one reader of the file
 * `vosctl probe` saves). existing as for the inventory page. */
int vos_render_status_page(char **out, size_t *outlen, bool *changed, const struct vos_model *m,
                           const struct vos_probe_results *results, const char *existing,
                           size_t existing_len, const char *now_iso);

/* ---- extensions (compatible additions to the contract above) */

struct vos_redact;

/* Options of vos_render_services_ex; zeroed means vos_render_services' behaviour. */
struct vos_render_opts {
	bool prune;  /* remove page rows whose service no inventory entry describes */
	/* render.redact (lib/leak.h), or NULL: what no page may show is written as its placeholder,
	 * and a row added to a table gets the address placeholder */
	const struct vos_redact *redact;
};

/* What vos_render_services_ex changed. */
struct vos_render_stats {
	size_t addresses;  /* address cells set from the inventory */
	size_t purposes;   /* purpose cells set from the inventory (render.authority: inventory) */
	size_t added;      /* rows added for inventory services the page lacks */
	size_t removed;    /* rows removed (prune) */
	size_t unplaced;   /* inventory services not added: their host has no table on the page */
	size_t tables;     /* tables whose text changed (realigned or edited) */
	size_t redacted;   /* values render.redact hides, written as their placeholder */
};

/* vos_render_services with options (opts may be NULL) and statistics (stats_out may be NULL). */
void vos_render_services_ex(char **out, size_t *outlen, bool *changed,
                            struct vos_render_stats *stats_out, const struct vos_page *page,
                            const struct vos_model *m, const char *now_iso,
                            const struct vos_render_opts *opts);

/* The generated pages with options (opts may be NULL: as above); only opts->redact applies. */
int vos_render_inventory_page_ex(char **out, size_t *outlen, bool *changed, const struct vos_model *m,
                                 const char *existing, size_t existing_len, const char *now_iso,
                                 const struct vos_render_opts *opts);
int vos_render_status_page_ex(char **out, size_t *outlen, bool *changed, const struct vos_model *m,
                              const struct vos_probe_results *results, const char *existing,
                              size_t existing_len, const char *now_iso, const struct vos_render_opts *opts);

/* Display width of UTF-8 text as render counts it (code points). */
size_t vos_render_width(const char *s, size_t len);

#endif
