/* probe_model.c - probe targets from the model, port lists, findings, results as JSON. */
#include "probe.h"
#include "lab.h"
#include "lockfile.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ targets */

static bool in_list(const char **list, size_t n, const char *s, bool nocase)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (nocase ? vos_strcaseeq(list[i], s) : vos_streq(list[i], s))
			return true;
	return false;
}

static bool selected(const struct vos_model *m, const struct vos_mservice *s,
                     const struct vos_probe_filter *f)
{
	if (!f)
		return true;
	if (f->nhosts) {
		if (s->host < 0 || !in_list(f->hosts, f->nhosts, m->hosts[s->host].name, VOS_NAMES_NOCASE))
			return false;
	}
	if (f->nservices) {
		if (!in_list(f->services, f->nservices, s->id, false) &&
		    !(s->inv && in_list(f->services, f->nservices, s->inv->base_id, false)) &&
		    !in_list(f->services, f->nservices, s->name, VOS_NAMES_NOCASE))
			return false;
	}
	if (f->nclasses) {
		if (!s->inv || !in_list(f->classes, f->nclasses, s->inv->class_, true))
			return false;
	}
	return true;
}

int vos_probe_targets_from_model(struct vos_probe_target **out, size_t *n_out,
                                 const struct vos_model *m, const struct vos_probe_filter *f,
                                 struct vos_diags *diags)
{
	struct vos_probe_target *t = NULL;
	size_t n = 0, alloc = 0, i, j;
	int err = 0;

	*out = NULL;
	*n_out = 0;
	if (f) {
		for (i = 0; i < f->nhosts; i++)
			if (!vos_model_host(m, f->hosts[i])) {
				vos_diags_add(diags, VOS_SEV_ERROR, NULL, "probe-select", "unknown host '%s'", f->hosts[i]);
				err = VOS_EINPUT;
			}
		for (i = 0; i < f->nservices; i++) {
			bool found = vos_model_service(m, f->services[i]) != NULL;
			for (j = 0; !found && j < m->nservices; j++)
				found = vos_name_eq(m->services[j].name, f->services[i]);
			if (!found) {
				vos_diags_add(diags, VOS_SEV_ERROR, NULL, "probe-select", "unknown service '%s'",
				              f->services[i]);
				err = VOS_EINPUT;
			}
		}
		for (i = 0; i < f->nclasses; i++) {
			bool found = false;
			for (j = 0; !found && j < m->nservices; j++)
				found = m->services[j].inv && m->services[j].inv->class_ &&
				        vos_strcaseeq(m->services[j].inv->class_, f->classes[i]);
			if (!found) {
				vos_diags_add(diags, VOS_SEV_ERROR, NULL, "probe-select",
				              "unknown class '%s' (no service has it)", f->classes[i]);
				err = VOS_EINPUT;
			}
		}
		if (err)
			return err;
	}
	for (i = 0; i < m->nservices; i++) {
		const struct vos_mservice *s = &m->services[i];
		const char *host = s->host >= 0 ? m->hosts[s->host].name : NULL;
		if (!s->inv || !selected(m, s, f))
			continue;
		for (j = 0; j < s->inv->nports; j++) {
			const struct vos_port *p = &s->inv->ports[j];
			int port, last = p->port_end >= p->port ? p->port_end : p->port;
			bool udp = p->proto && vos_strcaseeq(p->proto, "udp");
			/* udp is probed only by a dns check */
			size_t k;
			if (p->check == VOS_CHECK_NONE || (udp && p->check != VOS_CHECK_DNS))
				continue;
			/* a header's secret comes from the environment: a missing one is a located error that
			 * names the variable (its value is never printed anywhere) */
			for (k = 0; k < p->nheaders; k++)
				if (p->headers[k].env && !getenv(p->headers[k].env) && diags) {
					vos_diags_add(diags, VOS_SEV_ERROR, &p->headers[k].loc, "probe-header-env",
					              "header '%s' of '%s' port %d: environment variable '%s' is not set",
					              p->headers[k].name, s->id, p->port, p->headers[k].env);
					err = VOS_EINPUT;
				}
			for (port = p->port; port <= last; port++) {
				struct vos_probe_target *x = VOS_PUSH(t, n, alloc);
				x->service = s->id;
				x->host = host;
				x->address = s->port_address[j];
				x->port = port;
				x->check = p->check;
				x->path = p->path;
				x->status_min = p->status_min;
				x->status_max = p->status_max;
				x->body = p->body;
				x->udp = udp;
				x->headers = p->headers;
				x->nheaders = p->nheaders;
				x->query = p->query;
				x->expect = p->expect_address;
				x->nexpect = p->nexpect_address;
			}
		}
	}
	if (err) {
		free(t);
		return err;
	}
	*out = t;
	*n_out = n;
	return 0;
}

/* ------------------------------------------------------------------ port lists */

int vos_probe_parse_ports(int **out, size_t *n_out, const char *spec, struct vos_err *errp)
{
	unsigned char *seen = vos_calloc(65536, 1);
	const char *p = spec;
	size_t n = 0, i;
	int *ports;

	*out = NULL;
	*n_out = 0;
	if (!spec || !*spec)
		goto bad;
	while (*p) {
		long a, b;
		char *end;
		if (*p < '0' || *p > '9')
			goto bad;
		errno = 0;
		a = strtol(p, &end, 10);
		b = a;
		p = end;
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9')
				goto bad;
			b = strtol(p, &end, 10);
			p = end;
		}
		if (errno || a < 1 || b > 65535 || a > b)
			goto bad;
		for (; a <= b; a++)
			seen[a] = 1;
		if (*p == ',') {
			p++;
			if (!*p)
				goto bad;
		} else if (*p) {
			goto bad;
		}
	}
	for (i = 1; i < 65536; i++)
		n += seen[i];
	ports = vos_malloc((n ? n : 1) * sizeof(*ports));
	n = 0;
	for (i = 1; i < 65536; i++)
		if (seen[i])
			ports[n++] = (int)i;
	free(seen);
	*out = ports;
	*n_out = n;
	return 0;
bad:
	free(seen);
	vos_err_set(errp, VOS_EINPUT, "invalid port list '%s' (expected e.g. 1-1024,8080)", spec ? spec : "");
	return VOS_EINPUT;
}

/* ------------------------------------------------------------------ findings */

/* Per service: 0 unknown (not probed), 1 up, 2 not up. */
static int *service_states(const struct vos_model *m, const struct vos_probe_result *res, size_t n)
{
	int *st = vos_calloc(m->nservices ? m->nservices : 1, sizeof(*st));
	size_t i;
	for (i = 0; i < n; i++) {
		struct vos_mservice *s;
		if (!res[i].service || !res[i].probed)
			continue;
		s = vos_model_service(m, res[i].service);
		if (!s)
			continue;
		{
			size_t k = (size_t)(s - m->services);
			if (res[i].state != VOS_PROBE_UP)
				st[k] = 2;
			else if (st[k] == 0)
				st[k] = 1;
		}
	}
	return st;
}

/* The first not-up result of a service (for the message). */
static const struct vos_probe_result *first_failure(const struct vos_probe_result *res, size_t n,
                                                    const char *id)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (res[i].probed && res[i].state != VOS_PROBE_UP && vos_streq(res[i].service, id))
			return &res[i];
	return NULL;
}

/* Marks in reach[] every service that s depends on, transitively, breadth first (cycle-safe):
 * via[d] is the service through which d was first reached, so that following via[] back from d
 * to s gives the shortest dependency chain s -> ... -> d. */
static void reach_deps(const struct vos_model *m, size_t s, unsigned char *reach, size_t *queue,
                       size_t *via)
{
	size_t head = 0, tail = 0, k;
	queue[tail++] = s;
	while (head < tail) {
		size_t xi = queue[head++];
		const struct vos_mservice *x = &m->services[xi];
		if (!x->inv)
			continue;
		for (k = 0; k < x->inv->ndepends_on; k++) {
			struct vos_mservice *d = vos_model_service(m, x->inv->depends_on[k].s);
			size_t di;
			if (!d)
				continue;
			di = (size_t)(d - m->services);
			if (reach[di] || di == s)
				continue;
			reach[di] = 1;
			via[di] = xi;
			queue[tail++] = di;
		}
	}
}

/* Appends "Open WebUI → LiteLLM → MLX": the chain from s to d that reach_deps found. */
static void add_chain(struct vos_buf *b, const struct vos_model *m, size_t s, size_t d, const size_t *via,
                      size_t *tmp)
{
	size_t n = 0, x = d;
	while (x != s && n < m->nservices) {
		tmp[n++] = x;
		x = via[x];
	}
	vos_buf_adds(b, m->services[s].name ? m->services[s].name : m->services[s].id);
	while (n) {
		const struct vos_mservice *x = &m->services[tmp[--n]];
		vos_buf_addf(b, " \u2192 %s", x->name ? x->name : x->id);
	}
}

/* Whether s lists d among its own depends_on. */
static bool depends_directly(const struct vos_model *m, size_t s, size_t d)
{
	const struct vos_service *x = m->services[s].inv;
	size_t k;
	for (k = 0; x && k < x->ndepends_on; k++)
		if (vos_model_service(m, x->depends_on[k].s) == &m->services[d])
			return true;
	return false;
}

static const char *state_phrase(const struct vos_probe_result *r)
{
	switch (r ? r->state : VOS_PROBE_DOWN) {
	case VOS_PROBE_TIMEOUT: return "does not answer";
	case VOS_PROBE_ERROR: return "fails its check";
	case VOS_PROBE_SKIPPED: return "was not probed";
	case VOS_PROBE_UP:
	case VOS_PROBE_DOWN: break;
	}
	return "is down";
}

static void service_loc(struct vos_loc *loc, const struct vos_mservice *s)
{
	memset(loc, 0, sizeof(*loc));
	if (s->inv)
		*loc = s->inv->loc;
	else if (s->row)
		*loc = s->row->loc;
}

void vos_probe_findings(const struct vos_model *m, const struct vos_probe_result *res, size_t n,
                        struct vos_diags *findings)
{
	size_t ns = m->nservices, i, j;
	int *st = service_states(m, res, n);
	/* dependents[d] lists the up services that reach down service d */
	unsigned char *reach = vos_calloc(ns ? ns : 1, 1);
	size_t *stack = vos_calloc(ns + 1, sizeof(*stack));
	size_t *via = vos_calloc(ns + 1, sizeof(*via)), *tmp = vos_calloc(ns + 1, sizeof(*tmp));
	struct vos_buf *names = vos_calloc(ns ? ns : 1, sizeof(*names));
	size_t *ndeps = vos_calloc(ns ? ns : 1, sizeof(*ndeps));

	for (i = 0; i < ns; i++) {
		if (st[i] != 1)
			continue;
		memset(reach, 0, ns);
		reach_deps(m, i, reach, stack, via);
		for (j = 0; j < ns; j++) {
			if (!reach[j] || st[j] != 2 || j == i)
				continue;
			if (ndeps[j])
				vos_buf_adds(&names[j], ", ");
			vos_buf_addf(&names[j], "'%s'", m->services[i].id);
			/* through other services: name the chain, not a direct dependency there is not */
			if (!depends_directly(m, i, j)) {
				vos_buf_adds(&names[j], " (");
				add_chain(&names[j], m, i, j, via, tmp);
				vos_buf_addc(&names[j], ')');
			}
			ndeps[j]++;
		}
	}
	for (i = 0; i < ns; i++) {
		const struct vos_mservice *s = &m->services[i];
		const struct vos_probe_result *r;
		struct vos_loc loc;
		struct vos_diag *d;
		char where[96];
		if (st[i] != 2)
			continue;
		r = first_failure(res, n, s->id);
		snprintf(where, sizeof(where), "%s:%d", r && r->address ? r->address : "?", r ? r->port : 0);
		service_loc(&loc, s);
		if (ndeps[i])
			d = vos_diags_add(findings, VOS_SEV_ERROR, &loc, "probe-dependency-down",
			                  "'%s' %s (%s%s%s) while %s, which depend%s on it, %s up", s->id,
			                  state_phrase(r), where,
			                  r && r->detail ? ": " : "", r && r->detail ? r->detail : "",
			                  names[i].ptr, ndeps[i] == 1 ? "s" : "", ndeps[i] == 1 ? "is" : "are");
		else
			d = vos_diags_add(findings, VOS_SEV_ERROR, &loc, "probe-down", "'%s' %s (%s%s%s)", s->id,
			                  state_phrase(r), where,
			                  r && r->detail ? ": " : "", r && r->detail ? r->detail : "");
		vos_diag_set_subject(d, s->id, s->host >= 0 ? m->hosts[s->host].name : NULL);
	}
	/* no false green: whatever was not probed is an error, and so is a run with nothing to probe */
	for (i = 0; i < n; i++) {
		const struct vos_mservice *s;
		struct vos_loc loc;
		struct vos_diag *d;
		if (res[i].probed)
			continue;
		s = res[i].service ? vos_model_service(m, res[i].service) : NULL;
		memset(&loc, 0, sizeof(loc));
		if (s)
			service_loc(&loc, s);
		d = vos_diags_add(findings, VOS_SEV_ERROR, s ? &loc : NULL, "probe-not-probed",
		                  "'%s' port %d was not probed (%s): %s", res[i].service ? res[i].service : "-",
		                  res[i].port, vos_probe_state_name(res[i].state),
		                  res[i].detail ? res[i].detail : "no reason recorded");
		vos_diag_set_subject(d, res[i].service, res[i].host);
		{
			char pid[32];
			snprintf(pid, sizeof(pid), "%d", res[i].port);
			vos_diag_set_ids(d, pid, NULL);
		}
	}
	if (!n)
		vos_diags_add(findings, VOS_SEV_ERROR, NULL, "probe-nothing",
		              "nothing was probed: no service declares a port with a check");
	for (i = 0; i < ns; i++)
		vos_buf_release(&names[i]);
	free(names);
	free(ndeps);
	free(stack);
	free(via);
	free(tmp);
	free(reach);
	free(st);
}

long long vos_probe_cert_days_left(long long expiry, long long now)
{
	long long d = expiry - now;
	return d >= 0 ? d / 86400 : -((-d + 86399) / 86400);
}

/* The inventory port of service s that declares port (first match), or NULL. */
static const struct vos_port *port_of(const struct vos_mservice *s, int port, enum vos_check_kind check)
{
	size_t j;
	for (j = 0; s && s->inv && j < s->inv->nports; j++) {
		const struct vos_port *p = &s->inv->ports[j];
		if (p->check == check && port >= p->port && port <= (p->port_end > p->port ? p->port_end : p->port))
			return p;
	}
	return NULL;
}

void vos_probe_cert_findings(const struct vos_model *m, const struct vos_probe_result *res, size_t n,
                             int days, long long now, struct vos_diags *findings)
{
	size_t i;
	for (i = 0; i < n; i++) {
		const struct vos_probe_result *r = &res[i];
		const struct vos_mservice *s;
		const struct vos_port *p;
		struct vos_loc loc;
		struct vos_diag *d;
		long long left;
		char iso[32];
		if (r->check != VOS_CHECK_HTTPS || r->cert_expiry <= 0)
			continue;
		left = vos_probe_cert_days_left(r->cert_expiry, now);
		if (r->cert_expiry > now && left >= days)
			continue;
		s = r->service ? vos_model_service(m, r->service) : NULL;
		p = port_of(s, r->port, r->check);
		memset(&loc, 0, sizeof(loc));
		if (p)
			loc = p->loc;
		else if (s)
			service_loc(&loc, s);
		vos_time_iso(r->cert_expiry, iso, sizeof(iso));
		if (r->cert_expiry <= now)
			d = vos_diags_add(findings, VOS_SEV_ERROR, p || s ? &loc : NULL, "probe-cert-expired",
			                  "'%s' port %d: the certificate expired on %s", r->service ? r->service : "-",
			                  r->port, iso);
		else
			d = vos_diags_add(findings, VOS_SEV_WARNING, p || s ? &loc : NULL, "probe-cert-expiring",
			                  "'%s' port %d: the certificate expires in %lld day%s (%s; probe.tls_expiry_days "
			                  "is %d)", r->service ? r->service : "-", r->port, left, left == 1 ? "" : "s", iso,
			                  days);
		vos_diag_set_subject(d, r->service, r->host);
	}
}

/* ------------------------------------------------------------------ JSON */

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int dump_to_buf(const char *chunk, size_t len, void *payload)
{
	vos_buf_add(payload, chunk, len);
	return 0;
}

char *vos_probe_results_json(const struct vos_probe_result *res, size_t n,
                             const struct vos_probe_open *und, size_t nund, bool scanned)
{
	json_t *root = json_object(), *arr = json_array(), *sum = json_object();
	size_t counts[VOS_PROBE__NSTATES] = {0}, i;
	char *out;
	for (i = 0; i < n; i++) {
		const struct vos_probe_result *r = &res[i];
		json_t *o = json_object();
		json_object_set_new_nocheck(o, "service", str_or_null(r->service));
		json_object_set_new_nocheck(o, "host", str_or_null(r->host));
		json_object_set_new_nocheck(o, "address", str_or_null(r->address));
		json_object_set_new_nocheck(o, "port", json_integer(r->port));
		json_object_set_new_nocheck(o, "check", json_string_nocheck(vos_probe_check_name(r->check)));
		json_object_set_new_nocheck(o, "state", json_string_nocheck(vos_probe_state_name(r->state)));
		json_object_set_new_nocheck(o, "latency_ms", json_real((double)(long long)(r->latency_ms * 1000.0 + 0.5) / 1000.0));
		json_object_set_new_nocheck(o, "status", r->status > 0 ? json_integer(r->status) : json_null());
		json_object_set_new_nocheck(o, "detail", json_string(r->detail ? r->detail : ""));
		if (r->check == VOS_CHECK_DNS) {
			json_object_set_new_nocheck(o, "proto", json_string(r->udp ? "udp" : "tcp"));
			json_object_set_new_nocheck(o, "query", str_or_null(r->query));
		}
		if (r->cert_expiry > 0) {
			char iso[32];
			json_object_set_new_nocheck(o, "cert_expiry", json_integer((json_int_t)r->cert_expiry));
			json_object_set_new_nocheck(o, "cert_expiry_date", json_string(vos_time_iso(r->cert_expiry, iso, sizeof(iso))));
		}
		json_array_append_new(arr, o);
		if (r->state >= 0 && r->state < VOS_PROBE__NSTATES)
			counts[r->state]++;
	}
	{
		char *now = vos_now_iso();
		json_object_set_new_nocheck(root, "time", json_string(now));
		free(now);
	}
	json_object_set_new_nocheck(root, "results", arr);
	for (i = 0; i < VOS_PROBE__NSTATES; i++)
		json_object_set_new(sum, vos_probe_state_name((enum vos_probe_state)i), json_integer((json_int_t)counts[i]));
	json_object_set_new_nocheck(root, "summary", sum);
	if (scanned) {
		json_t *u = json_array();
		for (i = 0; i < nund; i++) {
			json_t *o = json_object();
			json_object_set_new_nocheck(o, "host", str_or_null(und[i].host));
			json_object_set_new_nocheck(o, "address", str_or_null(und[i].address));
			json_object_set_new_nocheck(o, "port", json_integer(und[i].port));
			json_array_append_new(u, o);
		}
		json_object_set_new_nocheck(root, "undeclared", u);
	}
	/* straight into one buffer, the newline added there (no copy of the document) */
	{
		struct vos_buf b = VOS_BUF_INIT;
		if (json_dump_callback(root, dump_to_buf, &b, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) < 0)
			vos_die_oom();
		json_decref(root);
		vos_buf_addc(&b, '\n');
		out = vos_buf_detach(&b, NULL);
	}
	return out;
}


int vos_probe_results_save(const char *path, const struct vos_probe_result *res, size_t n,
                           const struct vos_probe_open *und, size_t nund, bool scanned,
                           struct vos_err *errp)
{
	char *json = vos_probe_results_json(res, n, und, nund, scanned);
	char *dir = vos_path_dirname(path);
	int err;
	if (!vos_is_dir(dir) && vos_mkdir_p(dir, 0777) < 0) {
		vos_err_set(errp, VOS_EIO, "unable to create '%s': %s", dir, strerror(errno));
		free(dir);
		free(json);
		return VOS_EIO;
	}
	free(dir);
	err = vos_file_write(path, json, strlen(json), 0, NULL, errp);
	free(json);
	return err;
}

void vos_probe_results_init(struct vos_probe_results *r)
{
	memset(r, 0, sizeof(*r));
	vos_arena_init(&r->arena);
}

void vos_probe_results_release(struct vos_probe_results *r)
{
	vos_probe_result_release_array(r->items, r->n);
	free(r->items);
	free(r->undeclared);
	vos_arena_release(&r->arena);
	memset(r, 0, sizeof(*r));
}

static int parse_enum(const char *s, const char *const *names, int count)
{
	int i;
	for (i = 0; s && i < count; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

static const char *arena_str(struct vos_arena *a, json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? vos_arena_strdup(a, s) : NULL;
}

int vos_probe_results_load(struct vos_probe_results *out, const char *path, struct vos_err *errp)
{
	char *text = NULL;
	size_t len = 0;
	int err;

	vos_probe_results_init(out);
	if (access(path, F_OK) != 0 || vos_is_dir(path)) { /* a pipe is read like a file */
		vos_err_set(errp, VOS_ENOTFOUND, "no probe results at '%s' (run 'vosctl probe' first)", path);
		return VOS_ENOTFOUND;
	}
	if ((err = vos_file_read(&text, &len, path, VOS_MAX_YAML_BYTES, errp)) < 0)
		return err;
	err = vos_probe_results_parse(out, path, text, len, errp);
	free(text);
	return err;
}

int vos_probe_results_fresh(const struct vos_probe_results *r, const char *now_iso, long long max_age_s,
                            struct vos_err *errp)
{
	long long then = vos_iso_time_parse(r->time), now = vos_iso_time_parse(now_iso);
	size_t i, probed = 0;
	if (then < 0)
		return vos_err_set(errp, VOS_EINPUT, "the probe results record no time%s%s%s: run 'vosctl probe' again",
		                   r->time ? " ('" : "", r->time ? r->time : "", r->time ? "' is not one)" : "");
	if (now >= 0 && now - then > max_age_s)
		return vos_err_set(errp, VOS_EINPUT, "the probe results are from %s, older than "
		                   "render.status_max_age (%llds): run 'vosctl probe' again", r->time, max_age_s);
	for (i = 0; i < r->n; i++)
		if (r->items[i].probed)
			probed++;
	if (!probed)
		return vos_err_set(errp, VOS_EINPUT, "the probe results probed nothing (%zu target%s, all "
		                   "skipped or unresolved): a status page of refusals alone says nothing; check "
		                   "the probe scope ('vosctl probe --plan')", r->n, r->n == 1 ? "" : "s");
	return 0;
}

int vos_probe_results_parse(struct vos_probe_results *out, const char *name, const char *text,
                            size_t len, struct vos_err *errp)
{
	static const char *const states[] = {"up", "down", "timeout", "error", "skipped"};
	static const char *const checks[] = {"tcp", "http", "https", "none", "dns"}; /* enum order */
	static const char *const time_keys[] = {"time", "timestamp", "finished", "started", "date"};
	size_t i;
	json_t *root = NULL, *arr, *und;
	json_error_t jerr;

	vos_probe_results_init(out);
	root = json_loadb(text ? text : "", len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		vos_err_set(errp, VOS_EINPUT, "'%s' is not JSON (line %d: %s)", name, jerr.line, jerr.text);
		return VOS_EINPUT;
	}
	arr = json_object_get(root, "results");
	if (!json_is_array(arr)) {
		vos_err_set(errp, VOS_EINPUT, "'%s' has no \"results\" array", name);
		json_decref(root);
		return VOS_EINPUT;
	}
	for (i = 0; i < VOS_ARRAY_SIZE(time_keys) && !out->time; i++)
		out->time = arena_str(&out->arena, root, time_keys[i]);
	for (i = 0; i < json_array_size(arr); i++) {
		json_t *o = json_array_get(arr, i), *lat;
		struct vos_probe_result *r;
		const char *detail;
		int state, check;
		if (!json_is_object(o))
			goto bad;
		state = parse_enum(json_string_value(json_object_get(o, "state")), states, VOS_PROBE__NSTATES);
		check = parse_enum(json_string_value(json_object_get(o, "check")), checks, (int)VOS_ARRAY_SIZE(checks));
		if (state < 0 || check < 0 || !json_is_integer(json_object_get(o, "port")))
			goto bad;
		r = VOS_PUSH(out->items, out->n, out->alloc);
		r->service = arena_str(&out->arena, o, "service");
		r->host = arena_str(&out->arena, o, "host");
		r->address = arena_str(&out->arena, o, "address");
		r->port = (int)json_integer_value(json_object_get(o, "port"));
		r->check = (enum vos_check_kind)check;
		r->state = (enum vos_probe_state)state;
		lat = json_object_get(o, "latency_ms");
		r->latency_ms = json_is_number(lat) ? json_number_value(lat) : -1;
		r->status = json_is_integer(json_object_get(o, "status"))
		                ? (int)json_integer_value(json_object_get(o, "status")) : 0;
		r->udp = vos_streq(json_string_value(json_object_get(o, "proto")), "udp");
		r->query = arena_str(&out->arena, o, "query");
		if (json_is_integer(json_object_get(o, "cert_expiry")) &&
		    json_integer_value(json_object_get(o, "cert_expiry")) > 0)
			r->cert_expiry = (long long)json_integer_value(json_object_get(o, "cert_expiry"));
		detail = json_string_value(json_object_get(o, "detail"));
		r->detail = detail && *detail ? vos_strdup(detail) : NULL;
		/* files from before unresolvable names were skipped said "error" */
		r->probed = state != VOS_PROBE_SKIPPED &&
		            !(state == VOS_PROBE_ERROR && detail && (vos_starts_with(detail, "refusing to probe") ||
		                                                     vos_starts_with(detail, "cannot resolve")));
		out->summary[state]++;
	}
	und = json_object_get(root, "undeclared");
	for (i = 0; json_is_array(und) && i < json_array_size(und); i++) {
		json_t *o = json_array_get(und, i);
		struct vos_probe_open *u;
		if (!json_is_object(o) || !json_is_integer(json_object_get(o, "port")))
			goto bad;
		u = VOS_PUSH(out->undeclared, out->nundeclared, out->undeclared_alloc);
		u->host = arena_str(&out->arena, o, "host");
		u->address = arena_str(&out->arena, o, "address");
		u->port = (int)json_integer_value(json_object_get(o, "port"));
	}
	json_decref(root);
	return 0;
bad:
	vos_err_set(errp, VOS_EINPUT, "'%s': result %zu is malformed", name, i + 1);
	json_decref(root);
	vos_probe_results_release(out);
	vos_probe_results_init(out);
	return VOS_EINPUT;
}

void vos_probe_lab_findings(const struct vos_lab *lab, const struct vos_probe_result *res, size_t n,
                            long long now, struct vos_diags *findings)
{
	vos_probe_findings(&lab->model, res, n, findings);
	vos_probe_cert_findings(&lab->model, res, n, lab->config.probe_tls_expiry_days, now, findings);
}
