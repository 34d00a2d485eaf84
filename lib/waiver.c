/* waiver.c - waivers (the inventory's `waivers:` and the page's inline vosctl comments) applied to
 * the findings of a run (docs/waivers.md). */
#include "waiver.h"
#include "rules.h"
#include "ruledoc.h"

#include <stdlib.h>
#include <string.h>

/* One waiver of either kind, as the matcher sees it. */
struct wv {
	const char *rule, *reason, *owner, *expires;
	int expires_ymd;
	const struct vos_loc *loc;
	const struct vos_waiver *inv;       /* an inventory waiver, or */
	const struct vos_mservice *row_svc; /* the service of the row an inline waiver names */
	const struct vos_page_row *row;
	size_t used;
};

static const struct vos_mservice *finding_service(const struct vos_model *m, const struct vos_diag *d)
{
	return d->service ? vos_model_service(m, d->service) : NULL;
}

static bool matches(const struct vos_model *m, const struct wv *w, const struct vos_diag *d)
{
	const struct vos_mservice *s;
	if (!vos_streq(w->rule, d->rule))
		return false;
	if (w->row) {
		if (d->file && w->row->loc.file && !strcmp(d->file, w->row->loc.file) && d->line == w->row->loc.line)
			return true;
		return w->row_svc && vos_streq(d->service, w->row_svc->id);
	}
	if (w->inv->service)
		return vos_streq(d->service, w->inv->service);
	if (w->inv->host) {
		const struct vos_mhost *h;
		if (d->host)
			return vos_name_eq(d->host, w->inv->host);
		s = finding_service(m, d);
		h = s ? vos_model_service_host(m, s) : NULL;
		return h && vos_name_eq(h->name, w->inv->host);
	}
	if (w->inv->has_select) {
		s = finding_service(m, d);
		return s && vos_selector_matches(m, &w->inv->select, s);
	}
	return false;
}

static void describe(struct vos_buf *b, const struct wv *w)
{
	if (w->row)
		vos_buf_addf(b, "the row of '%s'", w->row->service);
	else if (w->inv->service)
		vos_buf_addf(b, "service '%s'", w->inv->service);
	else if (w->inv->host)
		vos_buf_addf(b, "host '%s'", w->inv->host);
	else
		vos_buf_adds(b, "its selector");
}

/* Appends why a waiver's rule can match nothing: no check has that id (and the closest that does). */
static void unknown_rule(struct vos_buf *b, const struct vos_inventory *inv, const char *rule)
{
	const char *hint = vos_ruledoc_suggest(rule, inv);
	vos_buf_addf(b, " (no check or rule is named '%s'", rule);
	if (hint)
		vos_buf_addf(b, "; did you mean '%s'?", hint);
	vos_buf_addc(b, ')');
}

static struct vos_diag_waiver *waiver_copy(const struct wv *w)
{
	struct vos_diag_waiver *x = vos_calloc(1, sizeof(*x));
	x->reason = vos_strdup(w->reason);
	x->owner = w->owner ? vos_strdup(w->owner) : NULL;
	x->expires = vos_strdup(w->expires);
	x->file = w->loc->file ? vos_strdup(w->loc->file) : NULL;
	x->line = w->loc->line;
	x->col = w->loc->col;
	x->in_page = w->row != NULL || !w->inv;
	return x;
}

void vos_waivers_apply(const struct vos_model *m, int today, struct vos_diags *findings)
{
	const struct vos_inventory *inv = m->inv;
	const struct vos_page *page = m->page;
	size_t nw = 0, i, j, n = findings->n;
	const struct vos_mservice **by_row = NULL;
	struct wv *ws;
	struct vos_buf b = VOS_BUF_INIT;

	ws = vos_calloc((inv ? inv->nwaivers : 0) + (page ? page->nwaivers : 0) + 1, sizeof(*ws));
	if (page && page->nwaivers) {
		by_row = vos_calloc(page->nrows + 1, sizeof(*by_row));
		for (i = 0; i < m->nservices; i++) {
			const struct vos_page_row *r = m->services[i].row;
			if (r && r >= page->rows && r < page->rows + page->nrows)
				by_row[r - page->rows] = &m->services[i];
		}
	}
	for (i = 0; inv && i < inv->nwaivers; i++) {
		const struct vos_waiver *w = &inv->waivers[i];
		if (!w->rule || !w->reason || !w->expires_ymd)
			continue; /* reported at load */
		ws[nw].rule = w->rule, ws[nw].reason = w->reason, ws[nw].owner = w->owner;
		ws[nw].expires = w->expires, ws[nw].expires_ymd = w->expires_ymd;
		ws[nw].loc = &w->loc, ws[nw].inv = w;
		nw++;
	}
	for (i = 0; page && i < page->nwaivers; i++) {
		const struct vos_page_waiver *w = &page->waivers[i];
		ws[nw].rule = w->rule, ws[nw].reason = w->reason, ws[nw].owner = NULL;
		ws[nw].expires = w->until, ws[nw].expires_ymd = w->until_ymd;
		ws[nw].loc = &w->loc;
		if (w->row != VOS_PAGE_NO_ROW && w->row < page->nrows) {
			ws[nw].row = &page->rows[w->row];
			ws[nw].row_svc = by_row[w->row];
		}
		nw++;
	}
	for (j = 0; j < nw; j++) {
		struct wv *w = &ws[j];
		if (w->expires_ymd < today) {
			/* an expired waiver waives nothing: the finding is back, and so is the decision */
			struct vos_diag *d;
			vos_buf_reset(&b);
			describe(&b, w);
			d = vos_diags_add(findings, VOS_SEV_ERROR, w->loc, "waiver-expired",
			                  "waiver of '%s' for %s expired on %s (reason: %s): fix the finding or "
			                  "renew the waiver", w->rule, b.ptr, w->expires, w->reason);
			vos_diag_set_ids(d, NULL, w->rule);
			w->used = 1; /* not also unused */
			continue;
		}
		if (!w->inv && !w->row)
			continue; /* a comment row with no row after it: unused, below */
		for (i = 0; i < n; i++) {
			struct vos_diag *d = &findings->items[i];
			if (!vos_diag_counts(d) || !matches(m, w, d))
				continue;
			d->waiver = waiver_copy(w);
			vos_diags_uncount(findings, d);
			w->used++;
		}
	}
	for (j = 0; j < nw; j++) {
		struct vos_diag *d;
		if (ws[j].used)
			continue;
		vos_buf_reset(&b);
		if (!ws[j].inv && !ws[j].row)
			vos_buf_adds(&b, "no row (it is the table's last row)");
		else
			describe(&b, &ws[j]);
		if (!vos_ruledoc_find(ws[j].rule) && !(inv && vos_map_get(&inv->rule_by_id, ws[j].rule)))
			unknown_rule(&b, inv, ws[j].rule);
		d = vos_diags_add(findings, VOS_SEV_WARNING, ws[j].loc, "waiver-unused",
		                  "waiver of '%s' for %s matches no finding: remove it", ws[j].rule, b.ptr);
		vos_diag_set_ids(d, NULL, ws[j].rule);
	}
	vos_buf_release(&b);
	free(by_row);
	free(ws);
}

void vos_waivers_apply_today(const struct vos_model *m, struct vos_diags *findings)
{
	int today;
	if (vos_date_today(&today) == 0)
		vos_waivers_apply(m, today, findings);
}
