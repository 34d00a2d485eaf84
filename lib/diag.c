/* diag.c - diagnostics list. */
#include "diag.h"

#include <stdlib.h>
#include <string.h>

void vos_diags_init(struct vos_diags *d)
{
	memset(d, 0, sizeof(*d));
}

static void diag_release(struct vos_diag *x)
{
	free(x->file);
	free(x->rule);
	free(x->message);
	free(x->service);
	free(x->host);
	free(x->port);
	free(x->subject);
	free(x->rel_file);
	if (x->waiver) {
		free(x->waiver->reason);
		free(x->waiver->owner);
		free(x->waiver->expires);
		free(x->waiver->file);
		free(x->waiver);
	}
}

void vos_diags_release(struct vos_diags *d)
{
	size_t i;
	for (i = 0; i < d->n; i++)
		diag_release(&d->items[i]);
	free(d->items);
	vos_diags_init(d);
}

struct vos_diag *vos_diags_vadd(struct vos_diags *d, enum vos_severity sev,
                                const struct vos_loc *loc, const char *rule,
                                const char *fmt, va_list ap)
{
	struct vos_diag *x;
	if (sev == VOS_SEV_ERROR)
		d->errors++;
	else if (sev == VOS_SEV_WARNING)
		d->warnings++;
	if (d->n >= VOS_DIAGS_MAX) {
		d->dropped++;
		return NULL;
	}
	x = VOS_PUSH(d->items, d->n, d->alloc);
	x->severity = sev;
	if (loc && loc->file)
		x->file = vos_strdup(loc->file);
	if (loc) {
		x->line = loc->line;
		x->col = loc->col;
	}
	x->rule = vos_strdup(rule ? rule : "error");
	x->message = vos_vasprintf(fmt, ap);
	return x;
}

struct vos_diag *vos_diags_add(struct vos_diags *d, enum vos_severity sev,
                               const struct vos_loc *loc, const char *rule,
                               const char *fmt, ...)
{
	struct vos_diag *x;
	va_list ap;
	va_start(ap, fmt);
	x = vos_diags_vadd(d, sev, loc, rule, fmt, ap);
	va_end(ap);
	return x;
}

/* *dst becomes a copy of src, unless src is NULL */
static void set_str(char **dst, const char *src)
{
	if (!src)
		return;
	free(*dst);
	*dst = vos_strdup(src);
}

void vos_diag_set_subject(struct vos_diag *d, const char *service, const char *host)
{
	if (!d)
		return;
	set_str(&d->service, service);
	set_str(&d->host, host);
}

void vos_diag_set_related(struct vos_diag *d, const struct vos_loc *rel)
{
	if (!d || !rel || !rel->file)
		return;
	free(d->rel_file);
	d->rel_file = vos_strdup(rel->file);
	d->rel_line = rel->line;
	d->rel_col = rel->col;
}

void vos_diag_set_ids(struct vos_diag *d, const char *port, const char *subject)
{
	if (!d)
		return;
	set_str(&d->port, port);
	set_str(&d->subject, subject);
}

void vos_diag_fingerprint(struct vos_buf *out, const struct vos_diag *d)
{
	/* fields joined by a unit separator (no id holds one), absent fields empty */
	const char *f[5];
	size_t i;
	f[0] = d->rule, f[1] = d->service, f[2] = d->host, f[3] = d->port, f[4] = d->subject;
	/* a two-sided finding (a clash of two services) is the same whichever side it names first */
	if (f[1] && f[4] && strcmp(f[1], f[4]) > 0)
		f[1] = d->subject, f[4] = d->service;
	for (i = 0; i < 5; i++) {
		if (i)
			vos_buf_addc(out, '\x1f');
		if (f[i])
			vos_buf_adds(out, f[i]);
	}
}

bool vos_diag_counts(const struct vos_diag *d)
{
	return !d->waiver && d->baseline != VOS_BASELINE_UNCHANGED && d->baseline != VOS_BASELINE_ABSENT;
}

void vos_diags_uncount(struct vos_diags *d, struct vos_diag *x)
{
	if (x->severity == VOS_SEV_ERROR && d->errors)
		d->errors--;
	else if (x->severity == VOS_SEV_WARNING && d->warnings)
		d->warnings--;
	if (x->waiver)
		d->waived++;
	else if (x->baseline == VOS_BASELINE_UNCHANGED)
		d->unchanged++;
}

static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	return strcmp(a, b);
}

/* merge sort keeps insertion order for equal keys */
static int diag_cmp(const struct vos_diag *a, const struct vos_diag *b)
{
	int c = cmp_str(a->file, b->file);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return 0;
}

static void msort(struct vos_diag *v, struct vos_diag *tmp, size_t n)
{
	size_t mid, i, j, k;
	if (n < 2)
		return;
	mid = n / 2;
	msort(v, tmp, mid);
	msort(v + mid, tmp, n - mid);
	i = 0, j = mid, k = 0;
	while (i < mid && j < n)
		tmp[k++] = diag_cmp(&v[j], &v[i]) < 0 ? v[j++] : v[i++];
	while (i < mid)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

void vos_diags_sort(struct vos_diags *d)
{
	struct vos_diag *tmp;
	if (d->n < 2)
		return;
	tmp = vos_malloc(d->n * sizeof(*tmp));
	msort(d->items, tmp, d->n);
	free(tmp);
}

void vos_diags_promote_warnings(struct vos_diags *d)
{
	size_t i;
	for (i = 0; i < d->n; i++)
		if (d->items[i].severity == VOS_SEV_WARNING && vos_diag_counts(&d->items[i]))
			d->items[i].severity = VOS_SEV_ERROR;
	d->errors += d->warnings;
	d->warnings = 0;
}

void vos_diags_move(struct vos_diags *dst, struct vos_diags *src)
{
	size_t i;
	for (i = 0; i < src->n; i++) {
		if (dst->n >= VOS_DIAGS_MAX) {
			dst->dropped++;
			diag_release(&src->items[i]);
			continue;
		}
		*VOS_PUSH(dst->items, dst->n, dst->alloc) = src->items[i];
	}
	dst->errors += src->errors;
	dst->warnings += src->warnings;
	dst->waived += src->waived;
	dst->unchanged += src->unchanged;
	dst->fixed += src->fixed;
	dst->dropped += src->dropped;
	free(src->items);
	vos_diags_init(src);
}

const char *vos_severity_name(enum vos_severity s)
{
	switch (s) {
	case VOS_SEV_ERROR: return "error";
	case VOS_SEV_WARNING: return "warning";
	case VOS_SEV_NOTE: break;
	}
	return "note";
}
