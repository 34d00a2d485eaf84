/* probe_prom.c - probe results read from Prometheus (blackbox_exporter's probe_* samples) instead of
 * probing: `vosctl validate --probe-from URL`. libcurl (one easy handle, two instant queries) and
 * jansson; the results go to the same vos_probe_findings as local probing does (probe.h). */
#include "probe.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define PROM_MAX_ANSWER (512u << 20) /* an answer past this is refused (100k targets: ~150 MiB) */

/* the series vosctl reads; each carries the service and instance labels of the exported target */
#define PROM_METRICS "probe_success|probe_http_status_code|probe_duration_seconds|probe_ssl_earliest_cert_expiry"
static const char query_values[] = "{__name__=~\"" PROM_METRICS "\",service!=\"\"}";
static const char query_times[] = "timestamp(probe_success{service!=\"\"})";

void vos_prom_options_init(struct vos_prom_options *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = 10000;
	o->max_age_ms = 300000;
}

/* ------------------------------------------------------------------ instance labels */

static char *url_get(CURLU *u, CURLUPart what, unsigned flags)
{
	char *s = NULL, *out;
	if (curl_url_get(u, what, &s, flags) != CURLUE_OK)
		return NULL;
	out = vos_strdup(s);
	curl_free(s);
	return out;
}

/* The comparison key of an instance label (or of a target's instance): "scheme host port path?query"
 * with the host in lower case and the port explicit; a "host:port" without a scheme is tcp. NULL when
 * it does not parse as such. */
static char *instance_key(const char *instance)
{
	CURLU *u = curl_url();
	char *in = strstr(instance, "://") ? vos_strdup(instance) : vos_asprintf("tcp://%s", instance);
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *query = NULL, *key = NULL, *c;
	if (!u)
		vos_die_oom();
	if (curl_url_set(u, CURLUPART_URL, in, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	    (scheme = url_get(u, CURLUPART_SCHEME, 0)) && (host = url_get(u, CURLUPART_HOST, 0)) &&
	    (port = url_get(u, CURLUPART_PORT, CURLU_DEFAULT_PORT))) {
		path = url_get(u, CURLUPART_PATH, 0);
		query = url_get(u, CURLUPART_QUERY, 0);
		for (c = host; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		for (c = scheme; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		key = vos_asprintf("%s %s %s %s%s%s", scheme, host, port,
		                   !strcmp(scheme, "tcp") ? "" : path && *path ? path : "/",
		                   query ? "?" : "", query ? query : "");
	}
	free(scheme);
	free(host);
	free(port);
	free(path);
	free(query);
	free(in);
	curl_url_cleanup(u);
	return key;
}

char *vos_probe_target_instance(const struct vos_probe_target *t)
{
	char *url = vos_probe_target_url(t, NULL), *inst;
	if (!url || !vos_starts_with(url, "tcp://"))
		return url;
	inst = vos_strdup(url + strlen("tcp://"));
	free(url);
	return inst;
}

/* ------------------------------------------------------------------ HTTP */

struct prom_client {
	CURL *h;
	char *base;     /* the URL as given */
	char *shown;    /* the URL without user info, for messages */
	struct vos_buf body;
	bool too_big, global;
	char errbuf[CURL_ERROR_SIZE];
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *payload)
{
	struct prom_client *c = payload;
	size_t len = size * nmemb;
	if (c->body.len + len > PROM_MAX_ANSWER) {
		c->too_big = true;
		return 0;
	}
	vos_buf_add(&c->body, data, len);
	return len;
}

/* The URL without its user name and password (what messages show). */
static char *shown_url(const char *url)
{
	CURLU *u = curl_url();
	char *s = NULL;
	if (!u)
		vos_die_oom();
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK) {
		curl_url_set(u, CURLUPART_USER, NULL, 0);
		curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
		s = url_get(u, CURLUPART_URL, 0);
	}
	curl_url_cleanup(u);
	return s;
}

/* base + "/api/v1/query?query=<q>" (a path prefix in base is kept). Caller frees. */
static char *query_url(const char *base, const char *q)
{
	CURLU *u = curl_url();
	char *path = NULL, *p, *url = NULL, *param = vos_asprintf("query=%s", q);
	if (!u)
		vos_die_oom();
	if (curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK && (path = url_get(u, CURLUPART_PATH, 0))) {
		size_t len = strlen(path);
		while (len && path[len - 1] == '/')
			path[--len] = '\0';
		p = vos_asprintf("%s/api/v1/query", path);
		if (curl_url_set(u, CURLUPART_PATH, p, 0) == CURLUE_OK &&
		    curl_url_set(u, CURLUPART_QUERY, NULL, 0) == CURLUE_OK &&
		    curl_url_set(u, CURLUPART_QUERY, param, CURLU_APPENDQUERY | CURLU_URLENCODE) == CURLUE_OK)
			url = url_get(u, CURLUPART_URL, 0);
		free(p);
	}
	free(path);
	free(param);
	curl_url_cleanup(u);
	return url;
}

static int client_open(struct prom_client *c, const struct vos_prom_options *o, struct vos_err *errp)
{
	CURLU *u;
	char *scheme = NULL;
	int ok;
	memset(c, 0, sizeof(*c));
	if (!o->url || !*o->url)
		return vos_err_set(errp, VOS_EINPUT, "--probe-from needs the URL of a Prometheus server");
	u = curl_url();
	if (!u)
		vos_die_oom();
	ok = curl_url_set(u, CURLUPART_URL, o->url, 0) == CURLUE_OK && (scheme = url_get(u, CURLUPART_SCHEME, 0)) &&
	     (!strcmp(scheme, "http") || !strcmp(scheme, "https"));
	free(scheme);
	curl_url_cleanup(u);
	if (!ok)
		return vos_err_set(errp, VOS_EINPUT, "'%s' is not an http(s) URL of a Prometheus server",
		                   strchr(o->url, '@') ? "(a URL with user info)" : o->url);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return vos_err_set(errp, VOS_EIO, "unable to set up libcurl");
	c->global = true;
	if (!(c->h = curl_easy_init()))
		return vos_err_set(errp, VOS_EIO, "unable to set up libcurl");
	c->base = vos_strdup(o->url);
	c->shown = shown_url(o->url);
	if (!c->shown)
		c->shown = vos_strdup("(the Prometheus URL)");
	curl_easy_setopt(c->h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->h, CURLOPT_TIMEOUT_MS, (long)(o->timeout_ms > 0 ? o->timeout_ms : 10000));
	curl_easy_setopt(c->h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c->h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c->h, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->h, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(c->h, CURLOPT_USERAGENT, "vosctl");
	if (o->token && *o->token) {
		curl_easy_setopt(c->h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
		curl_easy_setopt(c->h, CURLOPT_XOAUTH2_BEARER, o->token);
	} else if (o->user && *o->user && o->password) {
		curl_easy_setopt(c->h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c->h, CURLOPT_USERNAME, o->user);
		curl_easy_setopt(c->h, CURLOPT_PASSWORD, o->password);
	}
	return 0;
}

static void client_close(struct prom_client *c)
{
	if (c->h)
		curl_easy_cleanup(c->h);
	free(c->base);
	free(c->shown);
	vos_buf_release(&c->body);
	if (c->global)
		curl_global_cleanup();
	memset(c, 0, sizeof(*c));
}

/* A server-supplied text for a message: at most 200 bytes, control characters escaped. */
static char *server_text(const char *s)
{
	struct vos_buf b = VOS_BUF_INIT;
	char *cut = vos_strndup(s ? s : "", s ? strnlen(s, 200) : 0); /* vos_strndup copies n bytes */
	vos_buf_add_escaped(&b, cut);
	free(cut);
	if (!b.ptr)
		vos_buf_adds(&b, "");
	return vos_buf_detach(&b, NULL);
}

/* Runs instant query q; *out is data.result (a JSON array, the caller decrefs) and *eval_time the
 * evaluation time Prometheus answered with (seconds; 0 when the vector is empty). */
static int client_query(json_t **out, struct prom_client *c, const char *q, struct vos_err *errp)
{
	char *url = query_url(c->base, q);
	CURLcode rc;
	long code = 0;
	json_t *root, *data, *res;
	json_error_t jerr;
	const char *status, *rtype;
	*out = NULL;
	if (!url)
		return vos_err_set(errp, VOS_EINPUT, "unable to make a query URL from '%s'", c->shown);
	vos_buf_reset(&c->body);
	c->errbuf[0] = '\0';
	c->too_big = false;
	curl_easy_setopt(c->h, CURLOPT_URL, url);
	rc = curl_easy_perform(c->h);
	free(url);
	if (c->too_big)
		return vos_err_set(errp, VOS_EIO, "the answer of Prometheus at '%s' is larger than %u MiB",
		                   c->shown, PROM_MAX_ANSWER >> 20);
	if (rc != CURLE_OK)
		return vos_err_set(errp, VOS_ENET, "unable to query Prometheus at '%s': %s", c->shown,
		                   c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc));
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &code);
	root = c->body.len ? json_loadb(c->body.ptr, c->body.len, 0, &jerr) : NULL;
	status = json_string_value(json_object_get(root, "status"));
	if (code < 200 || code > 299 || (status && strcmp(status, "success"))) {
		char *why = server_text(json_string_value(json_object_get(root, "error")));
		int e = code == 401 || code == 403 ? VOS_EAUTH : VOS_EIO;
		vos_err_set(errp, e, "Prometheus at '%s' answered HTTP %ld%s%s%s", c->shown, code,
		            *why ? " (" : "", why, *why ? ")" : "");
		free(why);
		json_decref(root);
		return e;
	}
	data = json_object_get(root, "data");
	rtype = json_string_value(json_object_get(data, "resultType"));
	res = json_object_get(data, "result");
	if (!root || !status || !rtype || strcmp(rtype, "vector") || !json_is_array(res)) {
		json_decref(root);
		return vos_err_set(errp, VOS_EIO, "the answer of '%s' is not a Prometheus query API answer "
		                   "(expected JSON with status \"success\" and a vector)", c->shown);
	}
	*out = json_incref(res);
	json_decref(root);
	return 0;
}

/* ------------------------------------------------------------------ samples -> results */

/* What the series of one target (one key) say, merged. */
struct prom_target {
	int fresh, stale;       /* probe_success series seen, by age */
	int failed;             /* fresh ones with probe_success 0 */
	long long newest_ms;    /* the newest probe_success sample (ms since the epoch), 0 none */
	double duration_s;      /* the largest probe_duration_seconds */
	long status;            /* probe_http_status_code of a failed series (else of any) */
	double cert_expiry;     /* the earliest probe_ssl_earliest_cert_expiry, 0 none */
	const char *job;        /* borrowed from the JSON answer */
};

static bool sample(json_t *item, double *ts, double *v)
{
	json_t *val = json_object_get(item, "value");
	const char *s = json_string_value(json_array_get(val, 1));
	char *end;
	if (!json_is_array(val) || !s || !json_is_number(json_array_get(val, 0)))
		return false;
	*ts = json_number_value(json_array_get(val, 0));
	*v = strtod(s, &end);
	return end != s && !*end;
}

/* Key of a series (service label + instance key), or NULL. Caller frees. */
static char *series_key(json_t *metric)
{
	const char *svc = json_string_value(json_object_get(metric, "service"));
	const char *inst = json_string_value(json_object_get(metric, "instance"));
	char *ik, *key;
	if (!svc || !inst || !(ik = instance_key(inst)))
		return NULL;
	key = vos_asprintf("%s\x1f%s", svc, ik);
	free(ik);
	return key;
}

int vos_probe_from_prometheus(struct vos_probe_result *out, const struct vos_probe_target *t, size_t n,
                              const struct vos_prom_options *o, struct vos_err *errp)
{
	struct prom_client c;
	json_t *values = NULL, *times = NULL, *item;
	struct vos_map by_key, by_labels; /* key -> target slot; a series' label text -> its sample time */
	struct prom_target *pt = NULL;
	char **keys = vos_calloc(n ? n : 1, sizeof(*keys));
	struct vos_arena a;
	double now = 0;
	size_t i, idx;
	int err;
	char agebuf[64], maxbuf[64];

	vos_map_init(&by_key, false);
	vos_map_init(&by_labels, false);
	vos_arena_init(&a);
	if ((err = client_open(&c, o, errp)) < 0 || (err = client_query(&values, &c, query_values, errp)) < 0 ||
	    (err = client_query(&times, &c, query_times, errp)) < 0)
		goto out;

	/* targets by key (several targets may share one: the same port declared twice) */
	pt = vos_calloc(n ? n : 1, sizeof(*pt));
	vos_map_reserve(&by_key, n);
	for (i = 0; i < n; i++) {
		char *inst = vos_probe_target_instance(&t[i]), *ik = inst ? instance_key(inst) : NULL;
		if (ik && t[i].service)
			keys[i] = vos_asprintf("%s\x1f%s", t[i].service, ik);
		if (keys[i] && !vos_map_get(&by_key, keys[i]))
			vos_map_put(&by_key, keys[i], VOS_MAP_INDEX(i));
		free(inst);
		free(ik);
	}
	/* sample times of probe_success, by the series' labels (timestamp() drops only __name__) */
	json_array_foreach(times, idx, item) {
		double ts, v;
		char *labels;
		if (!sample(item, &ts, &v))
			continue;
		if (ts > now)
			now = ts; /* the evaluation time: the server's clock, not ours */
		labels = json_dumps(json_object_get(item, "metric"), JSON_COMPACT | JSON_SORT_KEYS);
		if (!labels)
			continue;
		vos_map_put(&by_labels, vos_arena_strdup(&a, labels), vos_arena_sprintf(&a, "%.3f", v));
		free(labels);
	}
	json_array_foreach(values, idx, item) {
		json_t *metric = json_object_get(item, "metric"), *copy;
		const char *name = json_string_value(json_object_get(metric, "__name__"));
		char *key, *labels;
		struct prom_target *p;
		const char *when;
		double ts, v;
		size_t slot;
		if (!name || !sample(item, &ts, &v) || !(key = series_key(metric)))
			continue;
		slot = VOS_MAP_SLOT(vos_map_get(&by_key, key));
		free(key);
		if (!slot)
			continue; /* a target of another lab, or of a port no longer declared */
		p = &pt[slot - 1];
		if (ts > now)
			now = ts;
		if (!strcmp(name, "probe_duration_seconds")) {
			if (v > p->duration_s)
				p->duration_s = v;
		} else if (!strcmp(name, "probe_http_status_code")) {
			if ((long)v > p->status)
				p->status = (long)v;
		} else if (!strcmp(name, "probe_ssl_earliest_cert_expiry")) {
			if (v > 0 && (!p->cert_expiry || v < p->cert_expiry))
				p->cert_expiry = v;
		} else if (!strcmp(name, "probe_success")) {
			long long at;
			copy = json_deep_copy(metric);
			json_object_del(copy, "__name__");
			labels = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
			json_decref(copy);
			when = labels ? vos_map_get(&by_labels, labels) : NULL;
			free(labels);
			at = when ? (long long)(strtod(when, NULL) * 1000.0) : 0;
			if (at > p->newest_ms)
				p->newest_ms = at;
			if (!p->job)
				p->job = json_string_value(json_object_get(metric, "job"));
			if (!at || (long long)(now * 1000.0) - at > o->max_age_ms) {
				p->stale++;
				continue;
			}
			p->fresh++;
			if (v != 1.0)
				p->failed++;
		}
	}

	for (i = 0; i < n; i++) {
		struct vos_probe_result *r = &out[i];
		size_t slot = keys[i] ? VOS_MAP_SLOT(vos_map_get(&by_key, keys[i])) : 0;
		const struct prom_target *p = slot ? &pt[slot - 1] : NULL;
		memset(r, 0, sizeof(*r));
		vos_probe_result_from_target(r, &t[i]);
		if (!p || (!p->fresh && !p->stale)) {
			char *inst = vos_probe_target_instance(&t[i]);
			r->state = VOS_PROBE_SKIPPED;
			r->detail = vos_asprintf("Prometheus has no probe_success{service=\"%s\", instance=\"%s\"}",
			                         t[i].service ? t[i].service : "", inst ? inst : "");
			free(inst);
			continue;
		}
		if (!p->fresh) {
			r->state = VOS_PROBE_SKIPPED;
			r->detail = vos_asprintf("its last sample in Prometheus is %s old, older than --max-age %s",
			                         vos_duration_format((long long)(now * 1000.0) - p->newest_ms, agebuf,
			                                             sizeof(agebuf)),
			                         vos_duration_format(o->max_age_ms, maxbuf, sizeof(maxbuf)));
			continue;
		}
		r->probed = true;
		r->latency_ms = p->duration_s * 1000.0;
		r->status = (int)p->status;
		r->cert_expiry = (long long)p->cert_expiry; /* for probe-cert-expiring / -expired */
		if (!p->failed) {
			r->state = VOS_PROBE_UP;
			continue;
		}
		r->state = VOS_PROBE_DOWN;
		if ((r->check == VOS_CHECK_HTTP || r->check == VOS_CHECK_HTTPS) && p->status > 0 &&
		    (r->detail = vos_probe_status_mismatch(&t[i], p->status)))
			r->state = VOS_PROBE_ERROR;
		else if (p->fresh == 1)
			r->detail = vos_asprintf("probe_success 0 in Prometheus%s%s", p->job ? ", job " : "",
			                         p->job ? p->job : "");
		else
			r->detail = vos_asprintf("probe_success 0 in %d of %d Prometheus series", p->failed, p->fresh);
	}
	err = 0;
out:
	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	free(pt);
	json_decref(values);
	json_decref(times);
	vos_map_release(&by_key);
	vos_map_release(&by_labels);
	vos_arena_release(&a);
	client_close(&c);
	return err;
}
