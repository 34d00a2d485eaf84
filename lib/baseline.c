/* baseline.c - known findings in a file (baseline.h, docs/waivers.md). */
#include "baseline.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void vos_baseline_init(struct vos_baseline *b)
{
	memset(b, 0, sizeof(*b));
	vos_map_init(&b->by_fp, false);
}

void vos_baseline_release(struct vos_baseline *b)
{
	size_t i;
	for (i = 0; i < b->n; i++) {
		struct vos_baseline_entry *e = &b->items[i];
		free(e->rule);
		free(e->service);
		free(e->host);
		free(e->port);
		free(e->subject);
		free(e->fingerprint);
	}
	free(b->items);
	vos_map_release(&b->by_fp);
	memset(b, 0, sizeof(*b));
}

static const char *const fields[] = {"rule", "service", "host", "port", "subject"};

static char **entry_field(struct vos_baseline_entry *e, size_t i)
{
	char **f[5];
	f[0] = &e->rule, f[1] = &e->service, f[2] = &e->host, f[3] = &e->port, f[4] = &e->subject;
	return f[i];
}

static void baseline_error(struct vos_diags *diags, const char *file, int line, int col, const char *msg,
                           size_t item)
{
	struct vos_loc loc = {file, line > 0 ? (unsigned)line : 0, col > 0 ? (unsigned)col : 0};
	if (item)
		vos_diags_add(diags, VOS_SEV_ERROR, &loc, "baseline", "finding %zu of the baseline: %s", item, msg);
	else
		vos_diags_add(diags, VOS_SEV_ERROR, &loc, "baseline", "%s", msg);
}

int vos_baseline_parse(struct vos_baseline *out, const char *file, const char *text, size_t len,
                       struct vos_diags *diags)
{
	json_error_t jerr;
	json_t *root, *arr;
	size_t i, k;
	vos_baseline_init(out);
	root = json_loadb(text ? text : "", len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		baseline_error(diags, file, jerr.line, jerr.column, jerr.text, 0);
		return VOS_EINPUT;
	}
	arr = json_object_get(root, "findings");
	if (!json_is_object(root) || !json_is_integer(json_object_get(root, "version")) ||
	    json_integer_value(json_object_get(root, "version")) != 1 || !json_is_array(arr)) {
		baseline_error(diags, file, 1, 1, "not a vosctl baseline (expected {\"version\": 1, \"findings\": [...]})", 0);
		json_decref(root);
		return VOS_EINPUT;
	}
	for (i = 0; i < json_array_size(arr); i++) {
		json_t *o = json_array_get(arr, i);
		struct vos_baseline_entry *e;
		struct vos_buf fp = VOS_BUF_INIT;
		struct vos_diag d;
		if (!json_is_object(o) || !json_is_string(json_object_get(o, "rule"))) {
			baseline_error(diags, file, 0, 0, "expected an object with a \"rule\" string", i + 1);
			json_decref(root);
			return VOS_EINPUT;
		}
		e = VOS_PUSH(out->items, out->n, out->alloc);
		memset(e, 0, sizeof(*e));
		for (k = 0; k < VOS_ARRAY_SIZE(fields); k++) {
			const char *v = json_string_value(json_object_get(o, fields[k]));
			*entry_field(e, k) = v ? vos_strdup(v) : NULL;
		}
		memset(&d, 0, sizeof(d));
		d.rule = e->rule, d.service = e->service, d.host = e->host, d.port = e->port, d.subject = e->subject;
		vos_diag_fingerprint(&fp, &d);
		e->fingerprint = vos_buf_detach(&fp, NULL);
	}
	json_decref(root);
	for (i = out->n; i > 0; i--) /* the first entry of each fingerprint */
		vos_map_put(&out->by_fp, out->items[i - 1].fingerprint, VOS_MAP_INDEX(i - 1));
	return 0;
}

size_t vos_baseline_apply(struct vos_baseline *b, struct vos_diags *findings)
{
	struct vos_buf fp = VOS_BUF_INIT;
	size_t i, j, n = findings->n, nnew = 0;
	for (i = 0; i < n; i++) {
		struct vos_diag *d = &findings->items[i];
		void *v;
		if (!vos_diag_counts(d))
			continue;
		vos_buf_reset(&fp);
		vos_diag_fingerprint(&fp, d);
		v = vos_map_get(&b->by_fp, fp.ptr ? fp.ptr : "");
		d->baseline = VOS_BASELINE_NEW;
		if (v) {
			/* entries with one fingerprint match as many findings as there are entries */
			for (j = VOS_MAP_SLOT(v) - 1; j < b->n; j++)
				if (!b->items[j].matched && !strcmp(b->items[j].fingerprint, fp.ptr)) {
					b->items[j].matched = true;
					d->baseline = VOS_BASELINE_UNCHANGED;
					vos_diags_uncount(findings, d);
					break;
				}
		}
		if (d->baseline == VOS_BASELINE_NEW)
			nnew++;
	}
	vos_buf_release(&fp);
	for (j = 0; j < b->n; j++) {
		struct vos_baseline_entry *e = &b->items[j];
		struct vos_diag *d;
		if (e->matched)
			continue;
		d = vos_diags_add(findings, VOS_SEV_NOTE, NULL, e->rule, "fixed: the baseline's finding of '%s'%s%s%s%s "
		                  "is no longer found (write the baseline again to drop it)", e->rule,
		                  e->service ? " about service '" : "", e->service ? e->service : "",
		                  e->service ? "'" : "", !e->service && e->host ? " about a host" : "");
		if (!d)
			continue;
		vos_diag_set_subject(d, e->service, e->host);
		vos_diag_set_ids(d, e->port, e->subject);
		d->baseline = VOS_BASELINE_ABSENT;
		findings->fixed++;
	}
	return nnew;
}

struct keyed {
	char *fp;
	const struct vos_diag *d;
};

static int keyed_cmp(const void *a, const void *b)
{
	return strcmp(((const struct keyed *)a)->fp, ((const struct keyed *)b)->fp);
}

char *vos_baseline_text(const struct vos_diags *findings, size_t *len)
{
	struct keyed *v = vos_calloc(findings->n + 1, sizeof(*v));
	json_t *root = json_object(), *arr = json_array();
	size_t i, n = 0, k;
	char *text, *res;
	for (i = 0; i < findings->n; i++) {
		const struct vos_diag *d = &findings->items[i];
		struct vos_buf fp = VOS_BUF_INIT;
		if (d->waiver || d->baseline == VOS_BASELINE_ABSENT)
			continue;
		vos_diag_fingerprint(&fp, d);
		v[n].fp = vos_buf_detach(&fp, NULL);
		v[n].d = d;
		n++;
	}
	qsort(v, n, sizeof(*v), keyed_cmp);
	for (i = 0; i < n; i++) {
		const struct vos_diag *d = v[i].d;
		const char *vals[5];
		json_t *o = json_object();
		vals[0] = d->rule, vals[1] = d->service, vals[2] = d->host, vals[3] = d->port, vals[4] = d->subject;
		for (k = 0; k < VOS_ARRAY_SIZE(fields); k++)
			if (vals[k]) {
				json_t *s = json_string(vals[k]);
				json_object_set_new(o, fields[k], s ? s : json_string("?"));
			}
		json_array_append_new(arr, o);
		free(v[i].fp);
	}
	free(v);
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "tool", json_string("vosctl"));
	json_object_set_new(root, "findings", arr);
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		vos_die_oom();
	res = vos_asprintf("%s\n", text);
	free(text);
	if (len)
		*len = strlen(res);
	return res;
}
