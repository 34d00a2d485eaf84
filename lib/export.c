/* export.c - the model as Gatus endpoints, Prometheus + blackbox_exporter files, a Homepage
 * services.yaml and an Ansible inventory (export.h). Each document is a jansson tree built in the
 * model's order (deterministic), then dumped as JSON or emitted as YAML (vos_yaml_emit_json). The
 * checks are probe's own targets (vos_probe_targets_from_model), so what is exported is what
 * `vosctl probe` would check. */
#include "export.h"
#include "probe.h"
#include "yaml.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void vos_export_options_init(struct vos_export_options *o)
{
	memset(o, 0, sizeof(*o));
	o->interval_ms = 60000;
	o->timeout_ms = 2000;
	o->exporter = "127.0.0.1:9115";
	o->targets_path = "vosctl-targets.json";
	o->job = "vosctl-blackbox";
}

static const char *const format_names[] = {"gatus", "prometheus", "homepage", "ansible", NULL};

int vos_export_format_parse(const char *name)
{
	int i;
	for (i = 0; name && format_names[i]; i++)
		if (!strcmp(name, format_names[i]))
			return i;
	return -1;
}

/* ------------------------------------------------------------------ checks */

/* One exported check: a probe target with its service, host, plane, URL and blackbox module. */
struct xcheck {
	const struct vos_probe_target *t;
	const struct vos_mservice *s;
	const char *plane;   /* the host's plane, or NULL */
	char *url;           /* tcp://ADDR:PORT or http(s)://ADDR:PORT/PATH */
	const char *address; /* blackbox's target: ADDR:PORT ([v6]:PORT) for tcp, the URL for http(s)
	                        (inside url) */
	const char *module;  /* the blackbox module's name (in xlab's modules) */
	size_t module_index; /* into xlab's modules, in order of first use */
};

struct xlab {
	const struct vos_model *m;
	const struct vos_export_options *o;
	struct vos_probe_target *targets;
	size_t ntargets;
	struct xcheck *checks;
	size_t n, alloc;
	/* the distinct modules, in order of first use (a check names one by pointer) */
	char **modules;
	size_t *module_first;          /* the check that first used each (an index into checks) */
	size_t nmodules, modules_alloc, first_alloc;
	struct vos_map module_by_name; /* name -> index + 1 */
	struct vos_url_paths paths;    /* each path's URL part, parsed once by curl */
};

/* FNV-1a: a body's module name stays the same whatever else the lab declares. */
static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void module_name(struct vos_buf *b, const struct vos_probe_target *t)
{
	int lo = t->status_min ? t->status_min : 200, hi = t->status_max ? t->status_max : 399;
	if (t->check == VOS_CHECK_TCP) {
		vos_buf_adds(b, "tcp_connect");
		return;
	}
	vos_buf_adds(b, t->check == VOS_CHECK_HTTPS ? "https_" : "http_");
	if (lo == hi)
		vos_buf_addf(b, "%d", lo);
	else
		vos_buf_addf(b, "%d-%d", lo, hi);
	if (t->body)
		vos_buf_addf(b, "_body_%08x", (unsigned)fnv1a(t->body));
}

static bool same_check(const struct vos_probe_target *a, const struct vos_probe_target *b)
{
	return a->check == b->check && a->status_min == b->status_min && a->status_max == b->status_max &&
	       vos_streq(a->body, b->body);
}

/* The check's module: the previous check's when it checks the same way (the common case), else
 * the one of that name, else a new one. */
static void module_assign(struct xlab *x, struct xcheck *c, const struct xcheck *prev, struct vos_buf *b)
{
	void *v;
	size_t k;
	if (prev && same_check(prev->t, c->t)) {
		c->module = prev->module;
		c->module_index = prev->module_index;
		return;
	}
	vos_buf_reset(b);
	module_name(b, c->t);
	if ((v = vos_map_get(&x->module_by_name, b->ptr))) {
		k = (size_t)(uintptr_t)v - 1;
	} else {
		k = x->nmodules;
		*(char **)VOS_PUSH(x->modules, x->nmodules, x->modules_alloc) = vos_strdup(b->ptr);
		x->module_first = vos_grow(x->module_first, &x->first_alloc, k + 1, sizeof(*x->module_first));
		x->module_first[k] = (size_t)(c - x->checks);
		vos_map_put(&x->module_by_name, x->modules[k], (void *)(uintptr_t)(k + 1));
	}
	c->module = x->modules[k];
	c->module_index = k;
}

static void xlab_release(struct xlab *x)
{
	size_t i;
	for (i = 0; i < x->n; i++) {
		free(x->checks[i].url);
	}
	for (i = 0; i < x->nmodules; i++)
		free(x->modules[i]);
	free(x->modules);
	free(x->module_first);
	vos_map_release(&x->module_by_name);
	vos_url_paths_release(&x->paths);
	free(x->checks);
	free(x->targets);
}

static int xlab_build(struct xlab *x, struct vos_export *out, const struct vos_model *m,
                      const struct vos_export_options *o, struct vos_err *err)
{
	struct vos_buf name = VOS_BUF_INIT;
	size_t i, j, si = 0;
	memset(x, 0, sizeof(*x));
	x->m = m;
	x->o = o;
	vos_map_init(&x->module_by_name, false);
	vos_url_paths_init(&x->paths);
	/* no filter: this cannot fail */
	vos_probe_targets_from_model(&x->targets, &x->ntargets, m, NULL, NULL);
	for (i = 0; i < m->nservices; i++) {
		const struct vos_service *s = m->services[i].inv;
		for (j = 0; s && j < s->nports; j++)
			if (s->ports[j].check == VOS_CHECK_NONE ||
			    (s->ports[j].proto && !vos_strcaseeq(s->ports[j].proto, "tcp")))
				out->skipped_unchecked++;
	}
	for (i = 0; i < x->ntargets; i++) {
		const struct vos_probe_target *t = &x->targets[i];
		struct xcheck *c;
		char *url;
		if (!t->address || vos_addr_classify(t->address, NULL) == VOS_ADDR_INVALID) {
			out->skipped_no_address++;
			continue;
		}
		if (!(url = vos_probe_target_url(t, &x->paths))) {
			vos_buf_release(&name);
			return vos_err_set(err, VOS_EINPUT, "service '%s', port %d: path '%s' does not make a URL",
			                   t->service, t->port, t->path ? t->path : "/");
		}
		c = VOS_PUSH(x->checks, x->n, x->alloc);
		memset(c, 0, sizeof(*c));
		c->t = t;
		/* the targets come in the model's service order, each naming its service by its id */
		while (si < m->nservices && m->services[si].id != t->service)
			si++;
		c->s = si < m->nservices ? &m->services[si] : vos_model_service(m, t->service);
		{
			const struct vos_mhost *h = c->s ? vos_model_service_host(m, c->s) : NULL;
			c->plane = h ? h->plane : NULL;
		}
		c->url = url;
		c->address = t->check == VOS_CHECK_TCP ? url + strlen("tcp://") : url;
		module_assign(x, c, x->n > 1 ? &x->checks[x->n - 2] : NULL, &name);
	}
	vos_buf_release(&name);
	out->targets = x->n;
	return 0;
}

/* ------------------------------------------------------------------ small helpers */

static char *duration(int ms)
{
	if (ms % 3600000 == 0)
		return vos_asprintf("%dh", ms / 3600000);
	if (ms % 60000 == 0)
		return vos_asprintf("%dm", ms / 60000);
	if (ms % 1000 == 0)
		return vos_asprintf("%ds", ms / 1000);
	return vos_asprintf("%dms", ms);
}

static void set_duration(json_t *o, const char *key, int ms)
{
	char *d = duration(ms);
	json_object_set_new(o, key, json_string(d));
	free(d);
}

/* A string of the model: the page and the inventory are UTF-8 (both loaders reject anything
 * else), so jansson need not check it again (a tenth of a large export) */
static json_t *jstr(const char *s)
{
	return json_stringn_nocheck(s ? s : "", s ? strlen(s) : 0);
}

void vos_export_regex_quote(struct vos_buf *b, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\.+*?()|[]{}^$", *s))
			vos_buf_addc(b, '\\');
		vos_buf_addc(b, *s);
	}
}

static int json_to_buf(const char *buffer, size_t size, void *data)
{
	vos_buf_add(data, buffer, size);
	return 0;
}

static int add_file(struct vos_export *out, const char *part, const char *name, json_t *doc,
                    bool yaml, const char *comment, struct vos_err *err)
{
	struct vos_export_file *f = &out->files[out->nfiles++];
	struct vos_buf b = VOS_BUF_INIT;
	f->part = part;
	f->name = name;
	if (yaml) {
		if (comment)
			vos_buf_addf(&b, "# %s\n", comment);
		if (vos_yaml_emit_json(&b, doc, err) < 0) {
			vos_buf_release(&b);
			json_decref(doc);
			return VOS_EIO;
		}
	} else {
		json_dump_callback(doc, json_to_buf, &b, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		vos_buf_addc(&b, '\n');
	}
	json_decref(doc);
	f->data = vos_buf_detach(&b, &f->len);
	return 0;
}

#define GENERATED "generated by vosctl export %s from the lab's inventory: edit the inventory, not this file"

/* A YAML file written piece by piece (vos_yaml_writer): the generated-by comment, then the
 * document. The big exports build one entry's tree at a time instead of the whole document's:
 * the 100,000-service lab's Gatus tree alone was 400 MB. */
static struct vos_yaml_writer *yaml_file_start(struct vos_buf *b, const char *what)
{
	char *comment = vos_asprintf(GENERATED, what);
	vos_buf_addf(b, "# %s\n", comment);
	free(comment);
	return vos_yaml_writer_start(b);
}

static int yaml_file_end(struct vos_export *out, const char *part, const char *name, struct vos_buf *b,
                         struct vos_yaml_writer *w, struct vos_err *err)
{
	struct vos_export_file *f;
	if (vos_yaml_writer_end(w, err) < 0) {
		vos_buf_release(b);
		return VOS_EIO;
	}
	f = &out->files[out->nfiles++];
	f->part = part;
	f->name = name;
	f->data = vos_buf_detach(b, &f->len);
	return 0;
}

/* ------------------------------------------------------------------ gatus */

/* Gatus's endpoint key: group and name lowercased, with ' ', '/', '_', ',', '.', '#', '+', '&'
 * as '-' (what its API does to them): names must stay distinct after it. */
static char *gatus_key(const char *name)
{
	char *k = vos_strdup(name), *p;
	for (p = k; *p; p++) {
		if (strchr(" /_,.#+&", *p))
			*p = '-';
		else if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	return k;
}

static int export_gatus(struct vos_export *out, const struct xlab *x, struct vos_err *err)
{
	struct vos_buf b = VOS_BUF_INIT;
	struct vos_yaml_writer *w = yaml_file_start(&b, "gatus");
	struct vos_map seen;
	char **keys = vos_calloc(x->n ? x->n : 1, sizeof(*keys));
	size_t i, per = 0;
	int rc;
	vos_map_init(&seen, false);
	if (w) { /* endpoints: one entry at a time */
		vos_yaml_writer_open(w, false);
		vos_yaml_writer_key(w, "endpoints");
		vos_yaml_writer_open(w, true);
	}
	for (i = 0; i < x->n; i++) {
		const struct xcheck *c = &x->checks[i];
		const struct vos_probe_target *t = c->t;
		json_t *ep = json_object(), *client = json_object(), *cond = json_array();
		const char *display = c->s && c->s->name ? c->s->name : t->service;
		struct vos_buf name = VOS_BUF_INIT;
		bool several;
		int n = 2;
		/* the service's checks are consecutive: name them by port when there is more than one */
		if (i == 0 || x->checks[i - 1].t->service != t->service) {
			size_t k;
			for (k = i; k < x->n && x->checks[k].t->service == t->service; k++)
				;
			per = k - i;
		}
		several = per > 1;
		vos_buf_adds(&name, display);
		if (several)
			vos_buf_addf(&name, " :%d", t->port);
		keys[i] = gatus_key(name.ptr);
		while (vos_map_get(&seen, keys[i])) { /* names that differ only in case or punctuation */
			free(keys[i]);
			vos_buf_reset(&name);
			vos_buf_adds(&name, display);
			if (several)
				vos_buf_addf(&name, " :%d", t->port);
			vos_buf_addf(&name, " #%d", n++);
			keys[i] = gatus_key(name.ptr);
		}
		vos_map_put(&seen, keys[i], (void *)1);
		json_object_set_new(ep, "name", jstr(name.ptr));
		vos_buf_release(&name);
		if (t->host)
			json_object_set_new(ep, "group", jstr(t->host));
		json_object_set_new(ep, "url", jstr(c->url));
		set_duration(ep, "interval", x->o->interval_ms);
		set_duration(client, "timeout", x->o->timeout_ms);
		if (t->check == VOS_CHECK_TCP) {
			json_array_append_new(cond, json_string("[CONNECTED] == true"));
		} else {
			int lo = t->status_min ? t->status_min : 200, hi = t->status_max ? t->status_max : 399;
			/* vosctl judges the first answer: a redirect is a status, not something to follow */
			json_object_set_new(client, "ignore-redirect", json_true());
			if (lo == hi) {
				json_array_append_new(cond, json_sprintf("[STATUS] == %d", lo));
			} else {
				json_array_append_new(cond, json_sprintf("[STATUS] >= %d", lo));
				json_array_append_new(cond, json_sprintf("[STATUS] <= %d", hi));
			}
			if (t->body) {
				char *pat = vos_asprintf("[BODY] == pat(*%s*)", t->body);
				json_array_append_new(cond, jstr(pat));
				free(pat);
			}
		}
		json_object_set_new(ep, "client", client);
		json_object_set_new(ep, "conditions", cond);
		if (w)
			vos_yaml_writer_value(w, ep);
		json_decref(ep);
	}
	if (w) {
		vos_yaml_writer_close(w, true);
		vos_yaml_writer_close(w, false);
	}
	rc = yaml_file_end(out, "gatus", "gatus.yaml", &b, w, err);
	for (i = 0; i < x->n; i++)
		free(keys[i]);
	free(keys);
	vos_map_release(&seen);
	return rc;
}

/* ------------------------------------------------------------------ prometheus */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_t *blackbox_module(const struct xcheck *c, int timeout_ms)
{
	const struct vos_probe_target *t = c->t;
	json_t *mod = json_object(), *http, *codes;
	int lo = t->status_min ? t->status_min : 200, hi = t->status_max ? t->status_max : 399, s;
	if (t->check == VOS_CHECK_TCP) {
		json_object_set_new(mod, "prober", json_string("tcp"));
		set_duration(mod, "timeout", timeout_ms);
		return mod;
	}
	json_object_set_new(mod, "prober", json_string("http"));
	set_duration(mod, "timeout", timeout_ms);
	http = json_object();
	codes = json_array();
	for (s = lo; s <= hi; s++) /* blackbox takes a list of codes, not a range */
		json_array_append_new(codes, json_integer(s));
	json_object_set_new(http, "valid_status_codes", codes);
	json_object_set_new(http, "method", json_string("GET"));
	/* vosctl judges the first answer: a redirect is a status, not something to follow */
	json_object_set_new(http, "follow_redirects", json_false());
	if (t->body) {
		struct vos_buf re = VOS_BUF_INIT;
		json_t *res = json_array();
		vos_export_regex_quote(&re, t->body);
		json_array_append_new(res, jstr(re.ptr));
		vos_buf_release(&re);
		json_object_set_new(http, "fail_if_body_not_matches_regexp", res);
	}
	if (t->check == VOS_CHECK_HTTPS) {
		json_t *tls = json_object();
		json_object_set_new(http, "fail_if_not_ssl", json_true());
		json_object_set_new(tls, "insecure_skip_verify", json_false());
		json_object_set_new(http, "tls_config", tls);
	}
	json_object_set_new(mod, "http", http);
	return mod;
}

static int export_prometheus(struct vos_export *out, const struct xlab *x, struct vos_err *err)
{
	json_t *modules = json_object(), *mroot = json_object();
	json_t *sroot = json_object(), *jobs = json_array(), *job = json_object(), *sd = json_object();
	json_t *files = json_array(), *sds = json_array(), *rel = json_array(), *r;
	json_t *g = json_object(), *targets = json_array(), *labels, *shapes[4];
	const char **names = vos_calloc(x->nmodules ? x->nmodules : 1, sizeof(*names));
	size_t i, ngroups = 0;
	struct vos_buf tb = VOS_BUF_INIT;
	struct vos_map index;
	char line[4096];
	char *comment;
	int rc, scrape_timeout;

	/* targets: one group per service and module (the labels are the group's). jansson has no
	 * streaming encoder, and a tree of every group costs ~2 KB a group (300 MB for the 100k-service
	 * lab): each group is encoded by jansson on its own (one object, refilled), one line each (a
	 * --check diff then names the groups that changed), and the array around them is "[", ",", "]" */
	json_object_set(g, "targets", targets);
	for (i = 0; i < 4; i++) { /* the keys in their order: service, host, plane, module */
		shapes[i] = json_object();
		json_object_set_new(shapes[i], "service", json_null());
		if (i & 1)
			json_object_set_new(shapes[i], "host", json_null());
		if (i & 2)
			json_object_set_new(shapes[i], "plane", json_null());
		json_object_set_new(shapes[i], "module", json_null());
	}
	json_object_set(g, "labels", shapes[0]);
	vos_buf_adds(&tb, "[");
	for (i = 0; i < x->n; i++) {
		const struct xcheck *c = &x->checks[i];
		size_t k;
		if (i > 0 && x->checks[i - 1].t->service == c->t->service &&
		    x->checks[i - 1].module_index == c->module_index)
			continue; /* added with the group's first check below */
		json_array_clear(targets);
		for (k = i; k < x->n && x->checks[k].t->service == c->t->service &&
		            x->checks[k].module_index == c->module_index; k++)
			json_array_append_new(targets, jstr(x->checks[k].address));
		/* one labels object per set of keys (host and plane may be missing), refilled in place */
		labels = shapes[(c->t->host ? 1 : 0) | (c->plane ? 2 : 0)];
		json_object_set_new_nocheck(labels, "service", jstr(c->t->service));
		if (c->t->host)
			json_object_set_new_nocheck(labels, "host", jstr(c->t->host));
		if (c->plane)
			json_object_set_new_nocheck(labels, "plane", jstr(c->plane));
		json_object_set_new_nocheck(labels, "module", jstr(c->module));
		json_object_set_nocheck(g, "labels", labels);
		vos_buf_adds(&tb, ngroups++ ? ",\n" : "\n");
		/* into a buffer of jansson's first (one copy, not a callback per token) */
		if ((k = json_dumpb(g, line, sizeof(line), JSON_PRESERVE_ORDER)) > 0 && k <= sizeof(line))
			vos_buf_add(&tb, line, k);
		else
			json_dump_callback(g, json_to_buf, &tb, JSON_PRESERVE_ORDER);
	}
	vos_buf_adds(&tb, ngroups ? "\n]\n" : "]\n");
	json_decref(targets);
	for (i = 0; i < 4; i++)
		json_decref(shapes[i]);
	json_decref(g);
	out->files[out->nfiles].part = "targets";
	out->files[out->nfiles].name = "vosctl-targets.json";
	out->files[out->nfiles].data = vos_buf_detach(&tb, &out->files[out->nfiles].len);
	out->nfiles++;

	/* modules, sorted by name */
	vos_map_init(&index, false);
	for (i = 0; i < x->nmodules; i++) {
		names[i] = x->modules[i];
		vos_map_put(&index, x->modules[i], (void *)(uintptr_t)(i + 1));
	}
	qsort(names, x->nmodules, sizeof(*names), cmp_str);
	for (i = 0; i < x->nmodules; i++) {
		size_t at = (size_t)(uintptr_t)vos_map_get(&index, names[i]) - 1;
		json_object_set_new(modules, names[i],
		                    blackbox_module(&x->checks[x->module_first[at]], x->o->timeout_ms));
	}
	vos_map_release(&index);
	json_object_set_new(mroot, "modules", modules);
	comment = vos_asprintf(GENERATED, "prometheus --part modules");
	rc = add_file(out, "modules", "blackbox.yml", mroot, true, comment, err);
	free(comment);

	/* the scrape job: blackbox_exporter's multi-target pattern */
	json_object_set_new(job, "job_name", jstr(x->o->job));
	json_object_set_new(job, "metrics_path", json_string("/probe"));
	set_duration(job, "scrape_interval", x->o->interval_ms);
	/* room for the module's timeout, never more than the interval (Prometheus refuses that) */
	scrape_timeout = x->o->timeout_ms + 1000;
	if (scrape_timeout > x->o->interval_ms)
		scrape_timeout = x->o->interval_ms;
	set_duration(job, "scrape_timeout", scrape_timeout);
	json_array_append_new(files, jstr(x->o->targets_path));
	json_object_set_new(sd, "files", files);
	json_array_append_new(sds, sd);
	json_object_set_new(job, "file_sd_configs", sds);
	r = json_pack("{s:[s],s:s}", "source_labels", "__address__", "target_label", "__param_target");
	json_array_append_new(rel, r);
	r = json_pack("{s:[s],s:s}", "source_labels", "module", "target_label", "__param_module");
	json_array_append_new(rel, r);
	r = json_pack("{s:[s],s:s}", "source_labels", "__param_target", "target_label", "instance");
	json_array_append_new(rel, r);
	r = json_pack("{s:s,s:s}", "target_label", "__address__", "replacement", x->o->exporter);
	json_array_append_new(rel, r);
	json_object_set_new(job, "relabel_configs", rel);
	json_array_append_new(jobs, job);
	json_object_set_new(sroot, "scrape_configs", jobs);
	comment = vos_asprintf(GENERATED, "prometheus --part scrape");
	if (rc == 0)
		rc = add_file(out, "scrape", "prometheus-scrape.yml", sroot, true, comment, err);
	else
		json_decref(sroot);
	free(comment);
	free(names);
	return rc;
}

/* ------------------------------------------------------------------ homepage */

static int export_homepage(struct vos_export *out, struct xlab *x, struct vos_err *err)
{
	const struct vos_model *m = x->m;
	const struct xcheck **web = vos_calloc(m->nservices + 1, sizeof(*web));
	/* at most a group per service */
	const char **gname = vos_calloc(m->nservices + 1, sizeof(*gname));
	size_t ng = 0, i, g, k = 0;
	size_t *first = vos_calloc(m->nservices + 1, sizeof(*first));
	size_t *last = vos_calloc(m->nservices + 1, sizeof(*last));
	size_t *next = vos_calloc(m->nservices + 1, sizeof(*next));
	struct vos_map gidx; /* group -> index + 1 */
	struct vos_buf b = VOS_BUF_INIT;
	struct vos_yaml_writer *w;
	/* each service's group (planes, or hosts; "unplaced"), groups in the order their first service
	 * appears, each a chain of its services in model order; and each service's first http(s) check
	 * (checks are in the model's service order) */
	vos_map_init(&gidx, false);
	for (i = 0; i < m->nservices; i++) {
		const struct vos_mservice *s = &m->services[i];
		const struct vos_mhost *h = vos_model_service_host(m, s);
		const char *group = !h ? "unplaced" : x->o->group_by_host ? h->name : h->plane ? h->plane : "unplaced";
		size_t j;
		void *at;
		while (k < x->n && x->checks[k].s && x->checks[k].s < s)
			k++;
		for (j = k; j < x->n && x->checks[j].s == s; j++)
			if (x->checks[j].t->check != VOS_CHECK_TCP) {
				web[i] = &x->checks[j];
				break;
			}
		if (!(at = vos_map_get(&gidx, group))) {
			gname[ng] = group;
			first[ng] = last[ng] = i + 1;
			vos_map_put(&gidx, group, (void *)(uintptr_t)++ng);
		} else {
			g = (size_t)(uintptr_t)at - 1;
			next[last[g] - 1] = i + 1;
			last[g] = i + 1;
		}
	}
	/* a list of one-key mappings, group -> its entries, each entry's tree made, written and freed */
	w = yaml_file_start(&b, "homepage");
	if (w)
		vos_yaml_writer_open(w, true);
	for (g = 0; w && g < ng; g++) {
		vos_yaml_writer_open(w, false);
		vos_yaml_writer_key(w, gname[g]);
		vos_yaml_writer_open(w, true);
		for (i = first[g]; i; i = next[i - 1]) {
			const struct vos_mservice *s = &m->services[i - 1];
			const struct xcheck *c = web[i - 1];
			json_t *entry = json_object(), *item = json_object();
			if (c) { /* the link: the service's root; the monitor: its check */
				struct vos_probe_target root = *c->t;
				char *href;
				root.path = "/";
				href = vos_probe_target_url(&root, &x->paths);
				json_object_set_new(entry, "href", jstr(href ? href : c->url));
				free(href);
			}
			if (s->purpose && *s->purpose)
				json_object_set_new(entry, "description", jstr(s->purpose));
			if (c)
				json_object_set_new(entry, "siteMonitor", jstr(c->url));
			json_object_set_new(item, s->name ? s->name : s->id, entry);
			vos_yaml_writer_value(w, item);
			json_decref(item);
		}
		vos_yaml_writer_close(w, true);
		vos_yaml_writer_close(w, false);
	}
	if (w)
		vos_yaml_writer_close(w, true);
	vos_map_release(&gidx);
	free(gname);
	free(first);
	free(last);
	free(next);
	free(web);
	return yaml_file_end(out, "homepage", "services.yaml", &b, w, err);
}

/* ------------------------------------------------------------------ ansible */

/* An Ansible group name: letters, digits and underscores (what it accepts without a warning). */
static char *ansible_group(const char *prefix, const char *name)
{
	char *g = vos_asprintf("%s_%s", prefix, name), *p;
	for (p = g; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
		else if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			*p = '_';
	}
	return g;
}

static void ansible_member(json_t *children, const char *group, const char *host)
{
	json_t *g = json_object_get(children, group), *hosts;
	if (!g) {
		g = json_object();
		json_object_set_new(g, "hosts", json_object());
		json_object_set_new(children, group, g);
	}
	hosts = json_object_get(g, "hosts");
	if (!json_object_get(hosts, host))
		json_object_set_new(hosts, host, json_null());
}

static int export_ansible(struct vos_export *out, const struct xlab *x, struct vos_err *err)
{
	const struct vos_model *m = x->m;
	json_t *root = json_object(), *all = json_object(), *hosts = json_object();
	json_t *planes = json_object(), *classes = json_object(), *children;
	char *comment = vos_asprintf(GENERATED, "ansible");
	const char *key;
	json_t *v;
	size_t i;
	int rc;
	for (i = 0; i < m->nhosts; i++) {
		const struct vos_mhost *h = &m->hosts[i];
		json_t *vars = json_object();
		if (h->inv && h->inv->address)
			json_object_set_new(vars, "ansible_host", jstr(h->inv->address));
		if (json_object_size(vars)) {
			json_object_set_new(hosts, h->name, vars);
		} else {
			json_decref(vars);
			json_object_set_new(hosts, h->name, json_null());
		}
		if (h->plane) {
			char *g = ansible_group("plane", h->plane);
			ansible_member(planes, g, h->name);
			free(g);
		}
	}
	for (i = 0; i < m->nservices; i++) {
		const struct vos_mservice *s = &m->services[i];
		const struct vos_mhost *h = vos_model_service_host(m, s);
		if (h && s->inv && s->inv->class_) {
			char *g = ansible_group("class", s->inv->class_);
			ansible_member(classes, g, h->name);
			free(g);
		}
	}
	/* the plane groups, then the class groups; a name both make is one group */
	children = planes;
	json_object_foreach(classes, key, v) {
		json_t *g = json_object_get(children, key);
		if (!g) {
			json_object_set(children, key, v);
		} else {
			const char *hk;
			json_t *hv;
			json_object_foreach(json_object_get(v, "hosts"), hk, hv)
				ansible_member(children, key, hk);
		}
	}
	json_decref(classes);
	json_object_set_new(all, "hosts", hosts);
	json_object_set_new(all, "children", children);
	json_object_set_new(root, "all", all);
	rc = add_file(out, "ansible", "inventory.yaml", root, true, comment, err);
	free(comment);
	return rc;
}

/* ------------------------------------------------------------------ entry points */

int vos_export_make(struct vos_export *out, enum vos_export_format f, const struct vos_model *m,
                    const struct vos_export_options *o, struct vos_err *err)
{
	struct vos_export_options defaults;
	struct xlab x;
	int rc;
	memset(out, 0, sizeof(*out));
	if (!o) {
		vos_export_options_init(&defaults);
		o = &defaults;
	}
	if ((rc = xlab_build(&x, out, m, o, err)) == 0) {
		switch (f) {
		case VOS_EXPORT_GATUS: rc = export_gatus(out, &x, err); break;
		case VOS_EXPORT_PROMETHEUS: rc = export_prometheus(out, &x, err); break;
		case VOS_EXPORT_HOMEPAGE: rc = export_homepage(out, &x, err); break;
		case VOS_EXPORT_ANSIBLE: rc = export_ansible(out, &x, err); break;
		default: rc = vos_err_set(err, VOS_EINPUT, "unknown export format %d", (int)f); break;
		}
	}
	xlab_release(&x);
	return rc;
}

void vos_export_release(struct vos_export *x)
{
	size_t i;
	for (i = 0; i < x->nfiles; i++)
		free(x->files[i].data);
	memset(x, 0, sizeof(*x));
}

const struct vos_export_file *vos_export_part(const struct vos_export *x, const char *part)
{
	size_t i;
	for (i = 0; i < x->nfiles; i++)
		if (!strcmp(x->files[i].part, part))
			return &x->files[i];
	return NULL;
}
