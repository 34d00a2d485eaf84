/* probe.c - the probe engine: non-blocking TCP connects on epoll, http(s) through curl multi,
 * one loop, a descriptor-aware concurrency cap, per-target and overall deadlines.
 * Only addresses inside the probe scope are ever connected to (checked here before connect(), and
 * again in curl's open-socket hook); a host name is connected to only at the address its plan
 * resolved (curl is told it with CURLOPT_RESOLVE and never resolves anything itself). */
#include "probe.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BODY_MAX (1u << 20)      /* bytes of a body kept for the substring check */
#define FD_RESERVE 24            /* descriptors left for everything else (stdio, curl's own, files) */
#define HTTP_GRACE_S 0.5         /* curl times its transfers out itself; ours is a backstop */
#define HTTP_FD_COST 2           /* a curl transfer may hold more than its socket */
#define MAX_THREADS 4            /* engines, each on its own thread (the caller's is the first) */
#define CHUNK 64                 /* targets an engine claims at a time */
#define THREAD_MIN (4 * CHUNK)   /* fewer targets run on one engine */
#define WAKE_BATCH (CHUNK / 2)   /* targets decided between two wakeups of the engines */
#define WAKE_TAG UINT64_MAX      /* the epoll data of the resolver's eventfd (a slot's is its index) */

void vos_probe_options_init(struct vos_probe_options *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = 2000;
	o->deadline_ms = 0;
	o->concurrency = 4096;
}

const char *vos_probe_state_name(enum vos_probe_state state)
{
	static const char *const names[] = {"up", "down", "timeout", "error", "skipped"};
	return state >= 0 && state < VOS_PROBE__NSTATES ? names[state] : "error";
}

const char *vos_probe_check_name(enum vos_check_kind check)
{
	switch (check) {
	case VOS_CHECK_TCP: return "tcp";
	case VOS_CHECK_HTTP: return "http";
	case VOS_CHECK_HTTPS: return "https";
	case VOS_CHECK_DNS: return "dns";
	case VOS_CHECK_NONE: break;
	}
	return "none";
}

void vos_probe_result_release_array(struct vos_probe_result *res, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(res[i].detail);
		res[i].detail = NULL;
	}
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t count_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	size_t n = 0;
	if (!d)
		return 64;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

size_t vos_probe_effective_concurrency(int requested)
{
	struct rlimit rl;
	size_t want = requested > 0 ? (size_t)requested : 4096, avail;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return want;
	avail = (size_t)rl.rlim_cur;
	{
		size_t used = count_open_fds() + FD_RESERVE;
		avail = avail > used ? avail - used : 1;
	}
	return want < avail ? want : avail;
}

/* ------------------------------------------------------------------ the engine */

struct slot {
	size_t idx;                  /* target index */
	int fd;                      /* tcp: the socket, else -1 */
	int family;                  /* tcp: its address family */
	bool reuse;                  /* tcp: settled inside start_one, never in the epoll set: the
	                              * socket may serve the next target (see spare_put) */
	CURL *easy;                  /* http(s), else NULL */
	double start;
	struct vos_buf body;
	size_t body_seen;
	bool keep_body;
	char errbuf[CURL_ERROR_SIZE];
	char *url;
	struct curl_slist *resolve;  /* a name's CURLOPT_RESOLVE entry, or NULL */
	struct curl_slist *headers;  /* the target's request headers (values may be secrets), or NULL */
};

/* What the engines of one run share: targets are claimed CHUNK at a time, in order, so each
 * result is written by exactly one engine. */
struct shared {
	atomic_size_t next;          /* the first unclaimed target */
	atomic_size_t done;          /* results filled, all engines */
	double deadline;             /* of the whole run (now_s clock) */
	int eph_lo, eph_hi;          /* the local (ephemeral) port range: see self_connected */
	/* targets [0, ready) are decided; beyond, a name is still being resolved (see resolver):
	 * nothing there is started until ready passes it */
	atomic_size_t ready;
	int evfd;                    /* an eventfd written each time ready moves, in every engine's
	                              * epoll set (edge-triggered: each write wakes them all), or -1 */
};

struct engine {
	struct shared *sh;
	const struct vos_probe_target *t;
	struct vos_probe_result *r;
	size_t n;
	const struct vos_probe_options *opts;
	int epfd;
	CURLM *multi;
	struct slot *slots;
	size_t nslots;
	size_t *free_slots, nfree;
	size_t *slot_of;             /* target -> slot + 1 while in flight */
	/* targets in start order, tcp and http apart (deadlines are in that order too) */
	size_t *order, head, nstarted;
	size_t *horder, hhead, nhstarted;
	size_t next, end;            /* the claimed targets not started yet: [next, end) */
	bool exhausted;              /* nothing left to claim */
	size_t units, cap;           /* descriptor units in flight, and the cap */
	size_t nhttp;
	double timeout_s;
	const struct vos_scope *scope;
	int spare[2];                /* an unconnected tcp socket per family (IPv4, IPv6), or -1 */
};

static void finish(struct engine *e, size_t idx, enum vos_probe_state state, int status, double now,
                   char *detail)
{
	struct vos_probe_result *r = &e->r[idx];
	r->state = state;
	r->status = status;
	r->latency_ms = now > 0 ? (now - (e->slot_of[idx] ? e->slots[e->slot_of[idx] - 1].start : now)) * 1000.0 : 0;
	if (r->latency_ms < 0)
		r->latency_ms = 0;
	free(r->detail);
	r->detail = detail;
	atomic_fetch_add_explicit(&e->sh->done, 1, memory_order_relaxed);
}

/* A socket whose connect failed with ECONNREFUSED, or that connect(AF_UNSPEC) disconnected, is
 * back in TCP_CLOSE and unconnected: Linux lets it connect again, which saves a socket() and a
 * close() per port (a scan is mostly refused ports). Kept only when it was never in the epoll set. */
static int *spare_of(struct engine *e, int family)
{
	return &e->spare[family == AF_INET6];
}

/* Frees a header list, wiping each entry first: a value may be a secret from the environment. */
static void free_headers(struct curl_slist *h)
{
	struct curl_slist *x;
	for (x = h; x; x = x->next)
		explicit_bzero(x->data, strlen(x->data));
	curl_slist_free_all(h);
}

/* The request headers of t as curl wants them ("Name: value", "Name;" for an empty value), the
 * {env: VAR} values read now. NULL with *missing set to the variable's name when one is unset
 * (vos_probe_targets_from_model reports that before anything runs). */
static struct curl_slist *make_headers(const struct vos_probe_target *t, const char **missing)
{
	struct curl_slist *list = NULL;
	size_t i;
	*missing = NULL;
	for (i = 0; i < t->nheaders; i++) {
		const struct vos_header *h = &t->headers[i];
		const char *v = h->env ? getenv(h->env) : h->value;
		struct curl_slist *next;
		char *line;
		if (!v) {
			*missing = h->env;
			free_headers(list);
			return NULL;
		}
		line = *v ? vos_asprintf("%s: %s", h->name, v) : vos_asprintf("%s;", h->name);
		next = curl_slist_append(list, line);
		explicit_bzero(line, strlen(line));
		free(line);
		if (!next)
			vos_die_oom();
		list = next;
	}
	return list;
}

static void release_slot(struct engine *e, size_t s)
{
	struct slot *sl = &e->slots[s];
	if (sl->fd >= 0) {
		int *spare = spare_of(e, sl->family);
		if (sl->reuse && *spare < 0)
			*spare = sl->fd;
		else
			close(sl->fd); /* also leaves the epoll set: the descriptor is never duplicated */
		sl->fd = -1;
		e->units -= 1;
	}
	if (sl->easy) {
		curl_multi_remove_handle(e->multi, sl->easy);
		curl_easy_cleanup(sl->easy);
		sl->easy = NULL;
		e->units -= HTTP_FD_COST;
		e->nhttp--;
	}
	vos_buf_release(&sl->body);
	free(sl->url);
	sl->url = NULL;
	curl_slist_free_all(sl->resolve);
	sl->resolve = NULL;
	free_headers(sl->headers);
	sl->headers = NULL;
	e->slot_of[sl->idx] = 0;
	e->free_slots[e->nfree++] = s;
}

/* A connect to a port of the machine's own address in the local port range can be given that very
 * port as its source and connect to itself (TCP simultaneous open): "up" where nothing listens. */
static bool self_connected(const struct engine *e, int fd, int port)
{
	struct sockaddr_storage me, peer;
	socklen_t ml = sizeof(me), pl = sizeof(peer);
	struct vos_ip a, b;
	if (port < e->sh->eph_lo || port > e->sh->eph_hi)
		return false;
	if (getsockname(fd, (struct sockaddr *)&me, &ml) < 0 || getpeername(fd, (struct sockaddr *)&peer, &pl) < 0 ||
	    vos_ip_from_sockaddr(&a, (struct sockaddr *)&me) < 0 || vos_ip_from_sockaddr(&b, (struct sockaddr *)&peer) < 0)
		return false;
	return vos_ip_equal(&a, &b) &&
	       (me.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)(void *)&me)->sin6_port
	                                 : ((struct sockaddr_in *)(void *)&me)->sin_port) == htons((uint16_t)port);
}

static void read_port_range(struct shared *sh)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");
	sh->eph_lo = 1; /* unknown: check every port */
	sh->eph_hi = 65535;
	if (f) {
		int lo, hi;
		if (fscanf(f, "%d %d", &lo, &hi) == 2 && lo > 0 && hi >= lo) {
			sh->eph_lo = lo;
			sh->eph_hi = hi;
		}
		fclose(f);
	}
}

static void complete(struct engine *e, size_t s, enum vos_probe_state state, int status, double now,
                     char *detail)
{
	struct slot *sl = &e->slots[s];
	size_t idx = sl->idx;
	if (state == VOS_PROBE_UP && sl->fd >= 0 && self_connected(e, sl->fd, e->t[idx].port)) {
		struct linger lg = {1, 0};
		state = VOS_PROBE_DOWN;
		free(detail);
		detail = vos_strdup("connection refused (the connect reached its own socket: nothing listens)");
		sl->reuse = false; /* closed with a reset, never handed on still connected */
		setsockopt(sl->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	if (state == VOS_PROBE_UP && sl->fd >= 0) {
		/* reset instead of FIN: no TIME_WAIT pile-up when thousands of ports are checked.
		 * Disconnecting (AF_UNSPEC) sends the reset and keeps the socket for the next target. */
		struct sockaddr unspec;
		memset(&unspec, 0, sizeof(unspec));
		unspec.sa_family = AF_UNSPEC;
		if (!sl->reuse || connect(sl->fd, &unspec, sizeof(unspec)) < 0) {
			struct linger lg = {1, 0};
			sl->reuse = false;
			setsockopt(sl->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		}
	}
	finish(e, idx, state, status, now, detail);
	release_slot(e, s);
}

static int errno_state(int err)
{
	switch (err) {
	case ECONNREFUSED: case ECONNRESET: case ECONNABORTED: case EPIPE:
		return VOS_PROBE_DOWN;
	case ETIMEDOUT:
		return VOS_PROBE_TIMEOUT;
	default:
		return VOS_PROBE_ERROR;
	}
}

static char *errno_detail(int err)
{
	switch (err) {
	case ECONNREFUSED: return vos_strdup("connection refused");
	case ECONNRESET: return vos_strdup("connection reset");
	case ETIMEDOUT: return vos_strdup("connection timed out");
	default: return vos_asprintf("connect: %s", strerror(err));
	}
}

bool vos_probe_target_ip(const struct vos_probe_target *t, const struct vos_scope *scope,
                         struct vos_ip *ip, char **why, int *state)
{
	char buf[200];
	*state = VOS_PROBE_SKIPPED;
	if (t->decision != VOS_PLAN_PROBE) {
		*why = vos_strdup(vos_probe_decision_text(t, buf, sizeof(buf)));
		return false;
	}
	if (t->has_ip) {
		*ip = t->ip;
	} else {
		enum vos_addr_kind k = t->address ? vos_addr_classify(t->address, ip) : VOS_ADDR_INVALID;
		if (k == VOS_ADDR_NAME) {
			*why = vos_asprintf("host name '%s' was not resolved", t->address);
			return false;
		}
		if (k == VOS_ADDR_INVALID) {
			struct vos_probe_target x = *t;
			x.decision = t->address && *t->address ? VOS_PLAN_INVALID : VOS_PLAN_NO_ADDRESS;
			*why = vos_strdup(vos_probe_decision_text(&x, buf, sizeof(buf)));
			return false;
		}
	}
	if (!vos_scope_contains(scope, ip)) {
		char a[64];
		*why = vos_asprintf("address %s is outside the probe scope", vos_ip_format(ip, a, sizeof(a)));
		return false;
	}
	return true;
}

/* Fills a sockaddr for ip:port; returns its length. */
static socklen_t make_sockaddr(struct sockaddr_storage *ss, const struct vos_ip *ip, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (ip->family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)(void *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		memcpy(&sin6->sin6_addr, ip->b, 16);
		return sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)(void *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		memcpy(&sin->sin_addr, ip->b, 4);
		return sizeof(*sin);
	}
}

/* curl's last word before connect(): refuse anything outside the scope. */
static curl_socket_t open_socket_cb(void *payload, curlsocktype purpose, struct curl_sockaddr *a)
{
	const struct engine *e = payload;
	struct vos_ip ip;
	VOS_UNUSED(purpose);
	if ((a->family != AF_INET && a->family != AF_INET6) || vos_ip_from_sockaddr(&ip, &a->addr) < 0 ||
	    !vos_scope_contains(e->scope, &ip))
		return CURL_SOCKET_BAD;
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/* scheme://host:port/path through curl_url (host: a name, an IPv4 literal or a bracketed IPv6
 * literal); NULL when curl refuses. Ours to free with free(). */
static char *url_build(const char *scheme, const char *host, int port, const char *path)
{
	CURLU *u = curl_url();
	char portbuf[16], *url = NULL, *p, *copy = NULL;
	snprintf(portbuf, sizeof(portbuf), "%d", port);
	p = !path || !*path ? vos_strdup("/") : path[0] == '/' ? vos_strdup(path) : vos_asprintf("/%s", path);
	if (u && !curl_url_set(u, CURLUPART_SCHEME, scheme, 0) && !curl_url_set(u, CURLUPART_HOST, host, 0) &&
	    !curl_url_set(u, CURLUPART_PORT, portbuf, 0) &&
	    !curl_url_set(u, CURLUPART_URL, p, 0) && /* a path, with its query, relative to the rest */
	    !curl_url_get(u, CURLUPART_URL, &url, 0)) {
		copy = vos_strdup(url);
		curl_free(url);
	}
	free(p);
	if (u)
		curl_url_cleanup(u);
	return copy;
}

void vos_url_paths_init(struct vos_url_paths *c)
{
	vos_map_init(&c->by_path, false);
	vos_arena_init(&c->arena);
}

void vos_url_paths_release(struct vos_url_paths *c)
{
	vos_map_release(&c->by_path);
	vos_arena_release(&c->arena);
}

/* path as curl_url makes it part of a URL (its path and query), or NULL when curl refuses it:
 * cached, curl parses each distinct path once (at 100k services it was most of an export) */
static const char *url_path(struct vos_url_paths *c, const char *path)
{
	static const char base[] = "http://h:1";
	const char *key = path ? path : "/";
	const char *v = c ? vos_map_get(&c->by_path, key) : NULL;
	char *url, *p;
	if (v)
		return *v ? v : NULL; /* "": curl refused it */
	url = url_build("http", "h", 1, key);
	p = vos_arena_strdup(&c->arena, url && vos_starts_with(url, base) ? url + strlen(base) : "");
	free(url);
	vos_map_put(&c->by_path, vos_arena_strdup(&c->arena, key), p);
	return *p ? p : NULL;
}

char *vos_probe_target_url(const struct vos_probe_target *t, struct vos_url_paths *cache)
{
	struct vos_url_paths own;
	const char *scheme = t->check == VOS_CHECK_HTTPS ? "https" : "http", *path;
	bool v6;
	char *url;
	if (!t->address)
		return NULL;
	v6 = vos_addr_classify(t->address, NULL) == VOS_ADDR_IPV6;
	if (t->check == VOS_CHECK_TCP) /* no path: tcp://ADDR:PORT */
		return vos_asprintf(v6 ? "tcp://[%s]:%d" : "tcp://%s:%d", t->address, t->port);
	if (!cache)
		vos_url_paths_init(cache = &own);
	path = url_path(cache, t->path);
	url = !path ? NULL : v6 ? vos_asprintf("%s://[%s]:%d%s", scheme, t->address, t->port, path)
	                        : vos_asprintf("%s://%s:%d%s", scheme, t->address, t->port, path);
	if (cache == &own)
		vos_url_paths_release(&own);
	return url;
}

/* The URL of an http(s) target (url_build with the address connected to as the host: a name as
 * written, a literal as ip), and for a name the CURLOPT_RESOLVE entry pinning it to ip. NULL when
 * curl refuses. */
static char *http_url(const struct vos_probe_target *t, const char *path, const struct vos_ip *ip,
                      struct curl_slist **resolve)
{
	char host[300], ipbuf[64], *url;
	enum vos_addr_kind kind = vos_addr_classify(t->address, NULL);
	vos_ip_format(ip, ipbuf, sizeof(ipbuf));
	if (kind == VOS_ADDR_NAME)
		snprintf(host, sizeof(host), "%s", t->address);
	else if (ip->family == AF_INET6)
		snprintf(host, sizeof(host), "[%s]", ipbuf);
	else
		snprintf(host, sizeof(host), "%s", ipbuf);
	url = url_build(t->check == VOS_CHECK_HTTPS ? "https" : "http", host, t->port, path);
	if (url && kind == VOS_ADDR_NAME) {
		char *entry = ip->family == AF_INET6 ? vos_asprintf("%s:%d:[%s]", t->address, t->port, ipbuf)
		                                     : vos_asprintf("%s:%d:%s", t->address, t->port, ipbuf);
		*resolve = curl_slist_append(NULL, entry);
		free(entry);
	}
	return url;
}

static size_t write_cb(char *data, size_t size, size_t nmemb, void *payload)
{
	struct slot *sl = payload;
	size_t len = size * nmemb;
	sl->body_seen += len;
	if (sl->keep_body && sl->body.len < BODY_MAX) {
		size_t room = BODY_MAX - sl->body.len;
		vos_buf_add(&sl->body, data, len < room ? len : room);
	}
	return len;
}

/* An http(s) target that could not be started: its handle and what slot s holds so far are freed,
 * the slot goes back, and the target finishes as an error with detail. */
static void abandon_http(struct engine *e, size_t s, CURL *h, char *detail)
{
	curl_easy_cleanup(h); /* not in the slot yet: release_slot leaves the counts alone */
	finish(e, e->slots[s].idx, VOS_PROBE_ERROR, 0, 0, detail);
	release_slot(e, s);
}

/* Starts target idx; returns 0 when started or finished at once, 1 when it must wait for
 * descriptors (nothing was consumed). */
static int start_one(struct engine *e, size_t idx, double now)
{
	const struct vos_probe_target *t = &e->t[idx];
	struct vos_probe_result *r = &e->r[idx];
	struct vos_ip ip;
	struct slot *sl;
	size_t s;
	char *why = NULL;
	int state;

	vos_probe_result_from_target(r, t);
	if (!vos_probe_target_ip(t, e->scope, &ip, &why, &state)) {
		finish(e, idx, state, 0, 0, why);
		return 0;
	}
	if (t->port < 1 || t->port > 65535) {
		finish(e, idx, VOS_PROBE_ERROR, 0, 0, vos_asprintf("invalid port %d", t->port));
		return 0;
	}
	r->probed = true;
	s = e->free_slots[--e->nfree];
	sl = &e->slots[s];
	memset(sl, 0, sizeof(*sl));
	sl->idx = idx;
	sl->fd = -1;
	sl->start = now;
	e->slot_of[idx] = s + 1;

	if (t->check == VOS_CHECK_HTTP || t->check == VOS_CHECK_HTTPS) {
		const char *path = t->path && *t->path ? t->path : "/";
		CURL *h = curl_easy_init();
		long tmo = e->opts->timeout_ms;
		if (!h) {
			e->slot_of[idx] = 0;
			e->free_slots[e->nfree++] = s;
			finish(e, idx, VOS_PROBE_ERROR, 0, 0, vos_strdup("unable to create a curl handle"));
			return 0;
		}
		if (!(sl->url = http_url(t, path, &ip, &sl->resolve))) {
			abandon_http(e, s, h, vos_asprintf("unable to make a URL of '%s'", t->address));
			return 0;
		}
		if (t->nheaders) {
			const char *missing = NULL;
			if (!(sl->headers = make_headers(t, &missing))) {
				r->probed = false;
				abandon_http(e, s, h, vos_asprintf("environment variable '%s' (a header's value) is not set",
				                                   missing));
				return 0;
			}
			curl_easy_setopt(h, CURLOPT_HTTPHEADER, sl->headers);
		}
		if (t->check == VOS_CHECK_HTTPS)
			curl_easy_setopt(h, CURLOPT_CERTINFO, 1L);
		sl->keep_body = t->body && *t->body;
		curl_easy_setopt(h, CURLOPT_URL, sl->url);
		if (sl->resolve) /* a name: connect where the plan resolved it, never resolve again */
			curl_easy_setopt(h, CURLOPT_RESOLVE, sl->resolve);
		curl_easy_setopt(h, CURLOPT_PRIVATE, (void *)sl);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, (void *)sl);
		curl_easy_setopt(h, CURLOPT_ERRORBUFFER, sl->errbuf);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, tmo);
		curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, tmo);
		curl_easy_setopt(h, CURLOPT_PROXY, "");          /* never through a proxy */
		curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
		curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
		curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(h, CURLOPT_USERAGENT, "vosctl-probe");
		curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_socket_cb);
		curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, (void *)e);
		if (e->opts->insecure) {
			curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
			curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
		} else if (e->opts->cacert) {
			curl_easy_setopt(h, CURLOPT_CAINFO, e->opts->cacert);
		}
		if (curl_multi_add_handle(e->multi, h) != CURLM_OK) {
			abandon_http(e, s, h, vos_strdup("unable to start the transfer"));
			return 0;
		}
		sl->easy = h;
		e->units += HTTP_FD_COST;
		e->nhttp++;
		e->horder[e->nhstarted++] = idx;
		return 0;
	}

	{
		struct sockaddr_storage ss;
		socklen_t sslen = make_sockaddr(&ss, &ip, t->port);
		struct epoll_event ev;
		int *spare = spare_of(e, ip.family);
		int fd = *spare;
		if (fd >= 0)
			*spare = -1;
		else
			fd = socket(ip.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			int err = errno;
			e->slot_of[idx] = 0;
			e->free_slots[e->nfree++] = s;
			if ((err == EMFILE || err == ENFILE) && e->units > 0) {
				e->cap = e->units; /* fewer descriptors than we thought: wait for some */
				r->probed = false;
				return 1;
			}
			finish(e, idx, VOS_PROBE_ERROR, 0, 0, vos_asprintf("unable to create a socket: %s", strerror(err)));
			return 0;
		}
		sl->fd = fd;
		sl->family = ip.family;
		e->units += 1;
		e->order[e->nstarted++] = idx;
		if (connect(fd, (struct sockaddr *)&ss, sslen) == 0) {
			complete(e, s, VOS_PROBE_UP, 0, now_s(), NULL);
			return 0;
		}
		if (errno != EINPROGRESS) {
			int err = errno;
			complete(e, s, errno_state(err), 0, now_s(), errno_detail(err));
			return 0;
		}
		/* On loopback the handshake usually completes inside connect(): asking again tells at once
		 * (0: connected; the connect's error, which also leaves the socket unconnected; EALREADY:
		 * still under way, so wait for it) */
		if (connect(fd, (struct sockaddr *)&ss, sslen) == 0 || errno == EISCONN) {
			sl->reuse = true;
			complete(e, s, VOS_PROBE_UP, 0, now_s(), NULL);
			return 0;
		}
		if (errno != EALREADY && errno != EINPROGRESS) {
			int err = errno;
			sl->reuse = err == ECONNREFUSED;
			complete(e, s, errno_state(err), 0, now_s(), errno_detail(err));
			return 0;
		}
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLOUT;
		ev.data.u64 = s;
		if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			int err = errno;
			close(fd);
			sl->fd = -1;
			e->units -= 1;
			complete(e, s, VOS_PROBE_ERROR, 0, now_s(), vos_asprintf("epoll: %s", strerror(err)));
		}
		return 0;
	}
}

void vos_probe_result_from_target(struct vos_probe_result *r, const struct vos_probe_target *t)
{
	r->service = t->service;
	r->host = t->host;
	r->address = t->address;
	r->port = t->port;
	r->check = t->check;
	r->udp = t->udp;
	r->query = t->query;
	r->status = 0;
	r->probed = false;
}

static void tcp_event(struct engine *e, size_t s, double now)
{
	struct slot *sl = &e->slots[s];
	int err = 0;
	socklen_t len = sizeof(err);
	if (sl->fd < 0)
		return;
	if (getsockopt(sl->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (!err)
		complete(e, s, VOS_PROBE_UP, 0, now, NULL);
	else
		complete(e, s, errno_state(err), 0, now, errno_detail(err));
}

static bool contains(const char *hay, size_t len, const char *needle)
{
	size_t nl = strlen(needle), i;
	if (nl > len)
		return false;
	for (i = 0; i + nl <= len; i++)
		if (hay[i] == needle[0] && !memcmp(hay + i, needle, nl))
			return true;
	return false;
}

/* The expected status range of a target: 0,0 means 200-399; a lone minimum is one status. */
static void status_range(const struct vos_probe_target *t, int *lo, int *hi)
{
	*lo = t->status_min;
	*hi = t->status_max;
	if (!*lo && !*hi) {
		*lo = 200;
		*hi = 399;
	}
	if (!*hi)
		*hi = *lo;
}

char *vos_probe_status_mismatch(const struct vos_probe_target *t, long code)
{
	int lo, hi;
	status_range(t, &lo, &hi);
	if (code >= lo && code <= hi)
		return NULL;
	return lo == hi ? vos_asprintf("HTTP status %ld, expected %d", code, lo)
	                : vos_asprintf("HTTP status %ld, expected %d-%d", code, lo, hi);
}

/* "Jan  2 03:04:05 2027 GMT" (OpenSSL's ASN1_TIME_print, which libcurl's certinfo uses) -> unix
 * seconds; 0 when it is not that. */
static long long parse_cert_time(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm tmv;
	char mon[4];
	const char *m;
	memset(&tmv, 0, sizeof(tmv));
	if (sscanf(s, " %3s %d %d:%d:%d %d", mon, &tmv.tm_mday, &tmv.tm_hour, &tmv.tm_min, &tmv.tm_sec,
	           &tmv.tm_year) != 6 || strlen(mon) != 3 || !(m = strstr(months, mon)) || (m - months) % 3)
		return 0;
	tmv.tm_mon = (int)(m - months) / 3;
	tmv.tm_year -= 1900;
	return (long long)timegm(&tmv);
}

/* The earliest "Expire date" across the peer's chain (CURLOPT_CERTINFO), 0 when none is known. */
static long long earliest_cert_expiry(CURL *h)
{
	struct curl_certinfo *ci = NULL;
	long long best = 0;
	int i;
	if (curl_easy_getinfo(h, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci)
		return 0;
	for (i = 0; i < ci->num_of_certs; i++) {
		struct curl_slist *x;
		for (x = ci->certinfo[i]; x; x = x->next) {
			long long t;
			if (!vos_starts_with(x->data, "Expire date:"))
				continue;
			t = parse_cert_time(x->data + strlen("Expire date:"));
			if (t > 0 && (!best || t < best))
				best = t;
		}
	}
	return best;
}

static void http_done(struct engine *e, CURL *h, CURLcode rc, double now)
{
	struct slot *sl = NULL;
	const struct vos_probe_target *t;
	long code = 0, oserr = 0;
	size_t s;
	curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&sl);
	if (!sl)
		return;
	s = (size_t)(sl - e->slots);
	t = &e->t[sl->idx];
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &oserr);
	if (t->check == VOS_CHECK_HTTPS)
		e->r[sl->idx].cert_expiry = earliest_cert_expiry(h);
	if (rc == CURLE_OK) {
		char *mismatch = vos_probe_status_mismatch(t, code);
		if (mismatch) {
			complete(e, s, VOS_PROBE_ERROR, (int)code, now, mismatch);
			return;
		}
		if (t->body && *t->body) {
			vos_buf_addc(&sl->body, '\0');
			if (!contains(sl->body.ptr, sl->body.len - 1, t->body)) {
				complete(e, s, VOS_PROBE_ERROR, (int)code, now,
				         vos_asprintf("body does not contain '%s'", t->body));
				return;
			}
		}
		complete(e, s, VOS_PROBE_UP, (int)code, now, NULL);
		return;
	}
	{
		const char *why = sl->errbuf[0] ? sl->errbuf : curl_easy_strerror(rc);
		enum vos_probe_state state = VOS_PROBE_ERROR;
		char *detail;
		if (rc == CURLE_OPERATION_TIMEDOUT)
			state = VOS_PROBE_TIMEOUT;
		else if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR)
			state = oserr == ECONNREFUSED || oserr == ECONNRESET || oserr == EPIPE ? VOS_PROBE_DOWN
			        : oserr == ETIMEDOUT ? VOS_PROBE_TIMEOUT : VOS_PROBE_ERROR;
		if (state == VOS_PROBE_DOWN)
			detail = errno_detail((int)oserr);
		else if (state == VOS_PROBE_TIMEOUT)
			detail = vos_asprintf("no answer within %d ms", e->opts->timeout_ms);
		else
			detail = vos_asprintf("%s", why);
		complete(e, s, state, (int)code, now, detail);
	}
}

/* Expires the front of one start-ordered queue: whatever started before it is done or older. */
static void expire_queue(struct engine *e, const size_t *order, size_t *head, size_t nstarted,
                         double limit, double now)
{
	while (*head < nstarted) {
		size_t idx = order[*head];
		size_t s1 = e->slot_of[idx];
		if (!s1) {
			(*head)++;
			continue;
		}
		if (now < e->slots[s1 - 1].start + limit)
			break;
		complete(e, s1 - 1, VOS_PROBE_TIMEOUT, 0, now,
		         vos_asprintf("no answer within %d ms", e->opts->timeout_ms));
		(*head)++;
	}
}

static void expire(struct engine *e, double now)
{
	expire_queue(e, e->order, &e->head, e->nstarted, e->timeout_s, now);
	/* curl times its transfers out itself; this is a backstop */
	expire_queue(e, e->horder, &e->hhead, e->nhstarted, e->timeout_s + HTTP_GRACE_S, now);
}

static double next_expiry(const struct engine *e, double wake)
{
	size_t s1;
	if (e->head < e->nstarted && (s1 = e->slot_of[e->order[e->head]]) &&
	    e->slots[s1 - 1].start + e->timeout_s < wake)
		wake = e->slots[s1 - 1].start + e->timeout_s;
	if (e->hhead < e->nhstarted && (s1 = e->slot_of[e->horder[e->hhead]]) &&
	    e->slots[s1 - 1].start + e->timeout_s + HTTP_GRACE_S < wake)
		wake = e->slots[s1 - 1].start + e->timeout_s + HTTP_GRACE_S;
	return wake;
}

static void drain_curl(struct engine *e, double now)
{
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(e->multi, &left)))
		if (msg->msg == CURLMSG_DONE)
			http_done(e, msg->easy_handle, msg->data.result, now);
}

/* Claims the next CHUNK targets; false when none is left. */
static bool claim(struct engine *e)
{
	size_t c;
	if (e->exhausted)
		return false;
	c = atomic_fetch_add_explicit(&e->sh->next, CHUNK, memory_order_relaxed);
	if (c >= e->n) {
		e->exhausted = true;
		return false;
	}
	e->next = c;
	e->end = c + CHUNK < e->n ? c + CHUNK : e->n;
	return true;
}

/* Fills the result of a target that was never started. */
static void not_started(struct engine *e, size_t idx, const char *why)
{
	struct vos_probe_result *r = &e->r[idx];
	vos_probe_result_from_target(r, &e->t[idx]);
	finish(e, idx, VOS_PROBE_TIMEOUT, 0, 0, vos_strdup(why));
}

/* Sets up an engine with room for cap descriptor units; VOS_EIO (err) when it cannot. */
static int engine_init(struct engine *e, struct shared *sh, const struct vos_probe_target *targets,
                       struct vos_probe_result *out, size_t n, const struct vos_probe_options *opts,
                       const struct vos_scope *scope, size_t cap, bool any_http, struct vos_err *errp)
{
	size_t i;
	memset(e, 0, sizeof(*e));
	e->sh = sh;
	e->t = targets;
	e->r = out;
	e->n = n;
	e->opts = opts;
	e->scope = scope;
	e->epfd = -1;
	e->spare[0] = e->spare[1] = -1;
	e->timeout_s = (opts->timeout_ms > 0 ? opts->timeout_ms : 2000) / 1000.0;
	e->cap = cap < HTTP_FD_COST ? HTTP_FD_COST : cap;
	e->nslots = e->cap < n ? e->cap : n;
	e->slots = vos_calloc(e->nslots, sizeof(*e->slots));
	e->free_slots = vos_calloc(e->nslots, sizeof(*e->free_slots));
	for (i = 0; i < e->nslots; i++) {
		e->slots[i].fd = -1;
		e->free_slots[e->nfree++] = e->nslots - 1 - i;
	}
	e->slot_of = vos_calloc(n, sizeof(*e->slot_of));
	e->order = vos_calloc(n, sizeof(*e->order));
	e->horder = vos_calloc(n, sizeof(*e->horder));
	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (e->epfd < 0)
		return vos_err_set(errp, VOS_EIO, "unable to create an epoll instance: %s", strerror(errno));
	if (sh->evfd >= 0) {
		struct epoll_event ev;
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN | EPOLLET;
		ev.data.u64 = WAKE_TAG;
		if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, sh->evfd, &ev) < 0)
			return vos_err_set(errp, VOS_EIO, "epoll: %s", strerror(errno));
	}
	if (any_http && !(e->multi = curl_multi_init()))
		return vos_err_set(errp, VOS_EIO, "unable to create a curl multi handle");
	return 0;
}

/* Runs an engine until nothing is left to claim and nothing is in flight, or the run's deadline;
 * then whatever is still in flight or claimed and not started times out. progress (the first
 * engine only) sees the count of all engines. Returns 0 or VOS_EIO (err). */
static int engine_run(struct engine *e, bool progress, struct vos_err *errp)
{
	const struct vos_probe_options *opts = e->opts;
	struct epoll_event evs[512];
	double last_progress = 0;
	size_t i, ready;
	int err = 0;

	for (;;) {
		double now = now_s(), wake;
		int wait_ms, nev, k;

		if (now >= e->sh->deadline)
			break;
		/* top up the pool, with targets whose names are decided */
		ready = atomic_load_explicit(&e->sh->ready, memory_order_acquire);
		while (e->nfree > 0 && (e->next < e->end || claim(e))) {
			const struct vos_probe_target *t = &e->t[e->next];
			size_t cost;
			if (e->next >= ready && (ready = atomic_load_explicit(&e->sh->ready, memory_order_acquire)) <= e->next)
				break; /* woken through evfd when it is decided */
			cost = t->check == VOS_CHECK_HTTP || t->check == VOS_CHECK_HTTPS ? HTTP_FD_COST : 1;
			if (t->check == VOS_CHECK_DNS) { /* done before the engines */
				e->next++;
				continue;
			}
			if (e->units + cost > e->cap && e->units > 0)
				break;
			if (start_one(e, e->next, now) != 0)
				break;
			e->next++;
		}
		expire(e, now);
		if (e->nfree == e->nslots && e->next >= e->end && !claim(e))
			break; /* nothing in flight, nothing left */

		/* sleep until an event, the next expiry, the run deadline or the next progress tick */
		wake = next_expiry(e, e->sh->deadline);
		if (progress && now + 0.1 < wake)
			wake = now + 0.1;
		wait_ms = (int)((wake - now) * 1000.0 + 0.999);
		if (wait_ms < 0)
			wait_ms = 0;
		if (e->nhttp > 0) {
			struct curl_waitfd extra;
			extra.fd = e->epfd;
			extra.events = CURL_WAIT_POLLIN;
			extra.revents = 0;
			curl_multi_poll(e->multi, &extra, 1, wait_ms, NULL);
			wait_ms = 0;
		}
		do {
			nev = epoll_wait(e->epfd, evs, (int)VOS_ARRAY_SIZE(evs), wait_ms);
			if (nev < 0 && errno != EINTR) {
				err = vos_err_set(errp, VOS_EIO, "epoll_wait: %s", strerror(errno));
				goto out;
			}
			now = now_s();
			for (k = 0; k < nev; k++)
				if (evs[k].data.u64 != WAKE_TAG) /* the resolver's: the loop looks at ready again */
					tcp_event(e, (size_t)evs[k].data.u64, now);
			wait_ms = 0;
		} while (nev == (int)VOS_ARRAY_SIZE(evs));
		if (e->nhttp > 0) {
			int running;
			curl_multi_perform(e->multi, &running);
			drain_curl(e, now_s());
		}
		if (progress && now - last_progress >= 0.1) {
			last_progress = now;
			opts->progress(atomic_load(&e->sh->done), e->n, opts->payload);
		}
	}

out:
	/* whatever is still in flight or claimed and not started ran out of time (or the engine failed) */
	{
		double now = now_s();
		for (i = 0; i < e->nslots; i++)
			if (e->slots[i].fd >= 0 || e->slots[i].easy)
				complete(e, i, VOS_PROBE_TIMEOUT, 0, now, vos_strdup("overall deadline reached"));
		ready = atomic_load_explicit(&e->sh->ready, memory_order_acquire);
		for (; e->next < e->end; e->next++)
			if (e->t[e->next].check != VOS_CHECK_DNS) /* done before the engines */
				not_started(e, e->next, e->next >= ready
				            ? "not started before the overall deadline (its name, or one before it, "
				              "was still being resolved)"
				            : "not started before the overall deadline");
	}
	return err;
}

static void engine_release(struct engine *e)
{
	size_t i;
	if (e->multi)
		curl_multi_cleanup(e->multi);
	if (e->epfd >= 0)
		close(e->epfd);
	for (i = 0; i < VOS_ARRAY_SIZE(e->spare); i++)
		if (e->spare[i] >= 0)
			close(e->spare[i]);
	free(e->slots);
	free(e->free_slots);
	free(e->slot_of);
	free(e->order);
	free(e->horder);
}

struct engine_job {
	struct engine e;
	struct vos_err err;
	int rc;
	pthread_t th;
	bool started;
};

static void *engine_thread(void *payload)
{
	struct engine_job *j = payload;
	j->rc = engine_run(&j->e, false, &j->err);
	return NULL;
}

/* The names of the targets the plan left pending, resolved on their own thread while the engines
 * probe the others (vos_probe_plan_pending): each target decided marks itself, and ready moves up
 * to the first target still undecided, which wakes the engines waiting there. */
struct resolver {
	struct shared *sh;
	struct vos_probe_target *t;  /* the run's copy of the targets */
	size_t n;
	unsigned char *decided;      /* per target */
	size_t mark;                 /* the first undecided target */
	size_t woken;                /* mark when the engines were last woken */
	const struct vos_scope *scope;
	const char *dns;
	int timeout_ms;
	pthread_t th;
	bool started;
};

static void wake_engines(struct shared *sh)
{
	uint64_t one = 1;
	if (sh->evfd >= 0 && write(sh->evfd, &one, sizeof(one)) < 0) {
		/* only when the counter would overflow, which takes 2^64 writes */
	}
}

static void resolver_ready(size_t i, void *payload)
{
	struct resolver *rv = payload;
	rv->decided[i] = 1;
	if (i != rv->mark)
		return;
	while (rv->mark < rv->n && rv->decided[rv->mark])
		rv->mark++;
	atomic_store_explicit(&rv->sh->ready, rv->mark, memory_order_release);
	/* the engines are woken a batch at a time: a wakeup per name cost more CPU than the names */
	if (rv->mark - rv->woken >= WAKE_BATCH) {
		rv->woken = rv->mark;
		wake_engines(rv->sh);
	}
}

static void resolver_run(struct resolver *rv)
{
	/* a resolver that cannot be set up decides every pending target unresolved: its results say so */
	vos_probe_plan_pending(rv->t, rv->n, rv->scope, rv->dns, rv->timeout_ms, resolver_ready, rv, NULL);
	/* every pending target is decided now */
	atomic_store_explicit(&rv->sh->ready, rv->n, memory_order_release);
	wake_engines(rv->sh);
}

static void *resolver_thread(void *payload)
{
	resolver_run(payload);
	return NULL;
}

/* How many engines: one per online CPU up to MAX_THREADS (threads, when positive, asks), and one
 * when there are too few targets to share. On loopback a connect is the kernel's work on the
 * calling CPU, so a second engine on a second core nearly halves a scan. */
static size_t engine_count(size_t n, int threads)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = threads > 0 ? (size_t)threads : cpus > 0 ? (size_t)cpus : 1;
	if (want > MAX_THREADS)
		want = MAX_THREADS;
	if (n < THREAD_MIN)
		want = 1;
	return want ? want : 1;
}

int vos_probe_run(struct vos_probe_result *out, const struct vos_probe_target *targets, size_t n,
                  const struct vos_probe_options *opts, struct vos_err *errp)
{
	struct vos_probe_options defaults;
	struct vos_scope loopback;
	struct shared sh;
	struct engine_job jobs[MAX_THREADS];
	struct resolver rv;
	struct vos_probe_target *own = NULL; /* a copy of the targets when names are pending */
	const struct vos_scope *scope;
	bool any_http = false, curl_up = false, dns_pending = false;
	size_t i, nengines = 0, want, cap, first_pending = n;
	int err = 0;

	if (!opts) {
		vos_probe_options_init(&defaults);
		opts = &defaults;
	}
	memset(out, 0, n * sizeof(*out));
	if (!n)
		return 0;
	vos_scope_init(&loopback);
	if (opts->scope) {
		scope = opts->scope;
	} else {
		vos_scope_add_list(&loopback, "127.0.0.0/8,::1/128", NULL, NULL, NULL);
		scope = &loopback;
	}
	for (i = 0; i < n; i++) {
		if (targets[i].check == VOS_CHECK_HTTP || targets[i].check == VOS_CHECK_HTTPS)
			any_http = true;
		if (targets[i].decision == VOS_PLAN_PENDING) {
			if (first_pending == n)
				first_pending = i;
			dns_pending |= targets[i].check == VOS_CHECK_DNS;
		}
	}
	if (any_http) { /* once, before any thread: curl_global_init is not thread-safe */
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			vos_err_set(errp, VOS_EIO, "unable to initialise libcurl");
			vos_scope_release(&loopback);
			return VOS_EIO;
		}
		curl_up = true;
	}
	memset(&rv, 0, sizeof(rv));
	sh.evfd = -1;
	atomic_init(&sh.ready, first_pending);
	if (first_pending < n) {
		own = vos_malloc(n * sizeof(*own));
		memcpy(own, targets, n * sizeof(*own));
		targets = own;
		rv.sh = &sh;
		rv.t = own;
		rv.n = n;
		rv.mark = rv.woken = first_pending;
		rv.scope = scope;
		rv.dns = opts->dns;
		rv.timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 2000;
		if (opts->deadline_ms > 0) {
			/* the run ends at its deadline, resolving included: the names get nine tenths of it,
			 * so that what did not resolve is decided (and says so) before the engines stop */
			int budget = opts->deadline_ms - opts->deadline_ms / 10;
			if (budget < rv.timeout_ms)
				rv.timeout_ms = budget > 0 ? budget : 1;
		}
		rv.decided = vos_calloc(n, 1);
		for (i = 0; i < n; i++)
			rv.decided[i] = own[i].decision != VOS_PLAN_PENDING;
		/* the DNS checks run before everything else: a DNS server given by name is decided first */
		if (dns_pending) {
			resolver_run(&rv); /* ready is n now */
			first_pending = n;
		} else {
			sh.evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		}
	}

	atomic_init(&sh.next, 0);
	/* DNS checks first, all at once (lib/probe_dns.c), each within the per-target timeout; the
	 * engines skip them */
	atomic_init(&sh.done, vos_probe_dns_run(out, targets, n, opts, scope));
	read_port_range(&sh);
	{
		double t0 = now_s(), to = (opts->timeout_ms > 0 ? opts->timeout_ms : 2000) / 1000.0;
		double dl = opts->deadline_ms > 0 ? opts->deadline_ms / 1000.0 : 60.0;
		if (opts->deadline_ms <= 0 && dl < 2 * to)
			dl = 2 * to;
		sh.deadline = t0 + dl;
	}
	/* the descriptor cap is shared out among the engines */
	cap = vos_probe_effective_concurrency(opts->concurrency);
	want = engine_count(n, opts->threads);
	if (cap / want < CHUNK)
		want = cap / CHUNK ? cap / CHUNK : 1;
	for (i = 0; i < want; i++) {
		struct engine_job *j = &jobs[i];
		vos_err_init(&j->err);
		j->rc = 0;
		j->started = false;
		nengines++;
		if ((j->rc = engine_init(&j->e, &sh, targets, out, n, opts, scope, cap / want, any_http, &j->err)) < 0)
			break;
	}
	if (first_pending < n) { /* the names, beside the engines (on this thread first if it cannot) */
		if (jobs[nengines - 1].rc < 0 || sh.evfd < 0 ||
		    !(rv.started = pthread_create(&rv.th, NULL, resolver_thread, &rv) == 0))
			resolver_run(&rv);
	}
	if (jobs[nengines - 1].rc < 0) /* nothing runs; every target gets its result below */
		goto done;
	for (i = 1; i < nengines; i++)
		jobs[i].started = pthread_create(&jobs[i].th, NULL, engine_thread, &jobs[i]) == 0;
	/* an engine whose thread did not start is run here after the first: it only claims what is left */
	jobs[0].rc = engine_run(&jobs[0].e, opts->progress != NULL, &jobs[0].err);
	for (i = 1; i < nengines; i++) {
		if (jobs[i].started)
			pthread_join(jobs[i].th, NULL);
		else
			jobs[i].rc = engine_run(&jobs[i].e, false, &jobs[i].err);
	}
done:
	if (rv.started)
		pthread_join(rv.th, NULL);
	for (i = 0; i < nengines; i++)
		if (jobs[i].rc < 0 && !err) {
			err = jobs[i].rc;
			vos_err_take(errp, err, jobs[i].err.msg);
			jobs[i].err.msg = NULL;
		}
	/* never claimed: the run's deadline came first (or an engine failed) */
	{
		size_t c = atomic_load(&sh.next);
		for (i = c; i < n; i++)
			if (targets[i].check != VOS_CHECK_DNS) /* done before the engines */
				not_started(&jobs[0].e, i, "not started before the overall deadline");
	}
	if (opts->progress && !err)
		opts->progress(atomic_load(&sh.done), n, opts->payload);
	for (i = 0; i < nengines; i++) {
		engine_release(&jobs[i].e);
		vos_err_clear(&jobs[i].err);
	}
	if (curl_up)
		curl_global_cleanup();
	if (sh.evfd >= 0)
		close(sh.evfd);
	free(rv.decided);
	free(own);
	vos_scope_release(&loopback);
	return err;
}
