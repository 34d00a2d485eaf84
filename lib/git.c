/* git.c - the wiki repository through libgit2 (the only file that includes <git2.h>); the remote URL
 * is split with libcurl's URL API (curl_url). */
#include "git.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <curl/curl.h>
#include <git2.h>
#include <git2/sys/stream.h>

#define FETCHED_PREFIX "refs/vosctl/fetched/"
#define PUBLISH_PREFIX "refs/vosctl/publish/"
#define LOCK_WAIT_MS 60000

struct vos_git {
	git_repository *repo;
	char *url;          /* without user info: what messages and the cache name show */
	char *remote;       /* what libgit2 sees (url, or for ssh:// url with the user name) */
	char *branch;
	char *user, *token; /* credentials (token may be NULL) */
	char *path;         /* the cache clone */
	int lock_fd;
	bool have_head;
	git_oid head;
	char head_hex[GIT_OID_HEXSZ + 1];
	/* per operation */
	int cred_attempts;
	bool auth_failed;
	char *push_status;  /* server-side rejection reason */
};

static int lib_inits;

static void lib_init(void)
{
	if (lib_inits++ == 0)
		git_libgit2_init();
}

static void lib_shutdown(void)
{
	if (lib_inits > 0 && --lib_inits == 0)
		git_libgit2_shutdown();
}

/* ------------------------------------------------------------------ URLs */

/* A remote URL, parsed once with libcurl's URL API. */
struct remote_url {
	char *shown;  /* without any user info: messages, the cache name; what libgit2 gets for http(s) */
	char *remote; /* what libgit2 gets: shown, or (ssh:// etc.) with the user name but no password */
	char *user;   /* percent-decoded, NULL when absent */
	char *pass;   /* percent-decoded, NULL when absent */
};

static void wipe_free(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

static void remote_url_release(struct remote_url *u)
{
	free(u->shown);
	free(u->remote);
	free(u->user);
	wipe_free(u->pass);
	memset(u, 0, sizeof(*u));
}

/* One part of h into *out (caller frees; NULL when the URL has none). */
static CURLUcode url_part(char **out, CURLU *h, CURLUPart what, unsigned int flags)
{
	char *s = NULL;
	CURLUcode rc = curl_url_get(h, what, &s, flags);
	*out = NULL;
	if (rc == CURLUE_NO_USER || rc == CURLUE_NO_PASSWORD)
		return CURLUE_OK;
	if (rc == CURLUE_OK) {
		*out = vos_strdup(s);
		memset(s, 0, strlen(s));
	}
	curl_free(s);
	return rc;
}

/* Splits url into out (release with remote_url_release). A path or an scp-like "host:path" is taken
 * as it is. A URL that does not parse is VOS_EINPUT; the message shows it only when it cannot hold
 * user info (no '@'). */
static int remote_url_parse(struct remote_url *out, const char *url, struct vos_err *errp)
{
	CURLU *h;
	CURLUcode rc;
	char *scheme = NULL;

	memset(out, 0, sizeof(*out));
	if (!strstr(url, "://")) {
		out->shown = vos_strdup(url);
		out->remote = vos_strdup(url);
		return 0;
	}
	if (!(h = curl_url()))
		vos_die_oom();
	rc = curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
	if (!rc)
		rc = url_part(&out->user, h, CURLUPART_USER, CURLU_URLDECODE);
	if (!rc)
		rc = url_part(&out->pass, h, CURLUPART_PASSWORD, CURLU_URLDECODE);
	if (!rc)
		rc = curl_url_set(h, CURLUPART_PASSWORD, NULL, 0);
	if (!rc)
		rc = url_part(&scheme, h, CURLUPART_SCHEME, 0);
	/* http(s) credentials go through the credential callback; ssh needs the user name in the URL */
	if (!rc && strcmp(scheme, "http") && strcmp(scheme, "https"))
		rc = url_part(&out->remote, h, CURLUPART_URL, 0);
	if (!rc)
		rc = curl_url_set(h, CURLUPART_USER, NULL, 0);
	if (!rc)
		rc = url_part(&out->shown, h, CURLUPART_URL, 0);
	if (!rc && !out->remote)
		out->remote = vos_strdup(out->shown);
	free(scheme);
	curl_url_cleanup(h);
	if (rc) {
		char *why = vos_strdup(curl_url_strerror(rc));
		if (*why >= 'A' && *why <= 'Z')
			*why = (char)(*why - 'A' + 'a');
		remote_url_release(out);
		if (strchr(url, '@'))
			vos_err_set(errp, VOS_EINPUT, "invalid remote URL (%s); not shown, as it may hold a password: "
			            "percent-encode '@', ':', '/', '%%' and '#' in a user name or password", why);
		else
			vos_err_set(errp, VOS_EINPUT, "invalid remote URL '%s': %s", url, why);
		free(why);
		return VOS_EINPUT;
	}
	return 0;
}

char *vos_git_url_redact(const char *url)
{
	struct remote_url u;
	char *shown;
	if (remote_url_parse(&u, url, NULL) < 0)
		return NULL;
	shown = u.shown;
	u.shown = NULL;
	remote_url_release(&u);
	return shown;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

/* The cache directory name for a URL without user info. */
static char *cache_name_of(const char *shown)
{
	char *name;
	const char *p = strstr(shown, "://");
	char san[41];
	size_t n = 0;
	p = p ? p + 3 : shown;
	for (; *p && n < sizeof(san) - 1; p++) {
		unsigned char c = (unsigned char)*p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		          c == '.' || c == '-';
		if (!ok && n && san[n - 1] == '_')
			continue;
		san[n++] = ok ? (char)c : '_';
	}
	while (n && (san[n - 1] == '_' || san[n - 1] == '.'))
		n--;
	san[n] = '\0';
	name = vos_asprintf("%s-%016llx", n ? san : "repo", (unsigned long long)fnv1a(shown));
	return name;
}

char *vos_git_cache_name(const char *url)
{
	char *shown = vos_git_url_redact(url), *name;
	if (!shown)
		return NULL;
	name = cache_name_of(shown);
	free(shown);
	return name;
}

static char *cache_root(const struct vos_git_opts *opts)
{
	const char *x;
	if (opts->cache_root && *opts->cache_root)
		return vos_strdup(opts->cache_root);
	x = getenv("XDG_CACHE_HOME");
	if (x && *x == '/')
		return vos_path_join(x, "vosctl");
	x = getenv("HOME");
	return vos_asprintf("%s/.cache/vosctl", x && *x ? x : ".");
}

char *vos_git_cache_path(const struct vos_git_opts *opts)
{
	char *root, *name = vos_git_cache_name(opts->url), *p;
	if (!name)
		return NULL;
	root = cache_root(opts);
	p = vos_path_join(root, name);
	free(root);
	free(name);
	return p;
}

/* ------------------------------------------------------------------ messages */

/* Replaces every occurrence of needle in *s with repl. */
static void replace_all(char **s, const char *needle, const char *repl)
{
	struct vos_buf b = VOS_BUF_INIT;
	const char *p = *s, *q;
	size_t nl;
	if (!needle || !*needle || !strstr(*s, needle))
		return;
	nl = strlen(needle);
	while ((q = strstr(p, needle))) {
		vos_buf_add(&b, p, (size_t)(q - p));
		vos_buf_adds(&b, repl);
		p = q + nl;
	}
	vos_buf_adds(&b, p);
	free(*s);
	*s = vos_buf_detach(&b, NULL);
}

/* Builds "<what>: <libgit2 message>" with credentials scrubbed out. */
static char *git_msg(const struct vos_git *g, const char *what)
{
	const git_error *e = git_error_last();
	char *m;
	if (e && e->message && *e->message) {
		size_t l = strlen(e->message);
		while (l && (e->message[l - 1] == '\n' || e->message[l - 1] == '.'))
			l--;
		m = vos_asprintf("%s: %.*s", what, (int)l, e->message);
	} else {
		m = vos_strdup(what);
	}
	if (g) {
		if (g->remote && strcmp(g->remote, g->url))
			replace_all(&m, g->remote, g->url);
		replace_all(&m, g->token, "<redacted>");
	}
	return m;
}

/* Maps a libgit2 failure of a network operation to our codes and a message. */
static int net_error(struct vos_git *g, int gerr, const char *doing, struct vos_err *errp)
{
	const git_error *e = git_error_last();
	int klass = e ? e->klass : 0, code;
	char *what;
	if (g->auth_failed || gerr == GIT_EAUTH ||
	    (e && e->message && (strstr(e->message, "401") || strstr(e->message, "authentication")))) {
		vos_err_set(errp, VOS_EAUTH, "authentication failed for '%s'", g->url);
		return VOS_EAUTH;
	}
	code = klass == GIT_ERROR_NET || klass == GIT_ERROR_HTTP || klass == GIT_ERROR_SSH ||
	       klass == GIT_ERROR_SSL || klass == GIT_ERROR_OS ? VOS_ENET : VOS_EIO;
	what = vos_asprintf("unable to %s '%s'", doing, g->url);
	vos_err_take(errp, code, git_msg(g, what));
	free(what);
	return code;
}

/* While vosctl talks to the remote, SIGPIPE is ignored: a server that goes away mid-push makes a
 * write fail with EPIPE (an error, exit 3) instead of killing the process without a word. The old
 * disposition comes back afterwards: stdout keeps its SIGPIPE (`vosctl show | head`). */
static void sigpipe_ignore(struct sigaction *old)
{
	struct sigaction ign;
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, old);
}

static void sigpipe_restore(const struct sigaction *old)
{
	sigaction(SIGPIPE, old, NULL);
}

/* ------------------------------------------------------------------ the socket stream */

/* libgit2 1.5's own socket stream leaves Nagle's algorithm on, and its HTTP client writes a POST's
 * headers and its body in separate writes before it waits for the answer: the body then waits in
 * the kernel for the server's delayed ACK (40 ms on Linux), once per POST (the fetch and the push:
 * most of a publish's wall time on a near server). This is libgit2's plain socket stream (its
 * address loop and messages; every failure is of class NET) with TCP_NODELAY, as curl (and so
 * git's HTTP transport) sets it. It is
 * registered only while vosctl talks to an http(s) remote (see net_enter): the ssh transport hands
 * the socket of libgit2's own stream to libssh2 and must keep that one. A TLS stream wraps it. */
struct nd_stream {
	git_stream parent;
	char *host, *port;
	int fd;
};

/* A network error for libgit2 to report (class NET: a transport failure, never the cache's). */
static void VOS_PRINTF(1, 2) nd_error(const char *fmt, ...)
{
	va_list ap;
	char *m;
	va_start(ap, fmt);
	m = vos_vasprintf(fmt, ap);
	va_end(ap);
	git_error_set_str(GIT_ERROR_NET, m);
	free(m);
}

static int nd_connect(git_stream *stream)
{
	struct nd_stream *st = (struct nd_stream *)stream;
	struct addrinfo hints, *info = NULL, *p;
	int rc, fd = -1, saved = 0, one = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_family = AF_UNSPEC;
	if ((rc = getaddrinfo(st->host, st->port, &hints, &info)) != 0) {
		nd_error("failed to resolve address for %s: %s", st->host, gai_strerror(rc));
		return -1;
	}
	for (p = info; p; p = p->ai_next) {
		if ((fd = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC, p->ai_protocol)) < 0) {
			saved = errno;
			continue;
		}
		if (p->ai_family == AF_INET || p->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)); /* only a hint */
		if (connect(fd, p->ai_addr, p->ai_addrlen) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(info);
	if (fd < 0) {
		nd_error("failed to connect to %s: %s", st->host, strerror(saved ? saved : ECONNREFUSED));
		return -1;
	}
	st->fd = fd;
	return 0;
}

static ssize_t nd_write(git_stream *stream, const char *data, size_t len, int flags)
{
	struct nd_stream *st = (struct nd_stream *)stream;
	ssize_t n;
	VOS_UNUSED(flags);
	while ((n = send(st->fd, data, len, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	if (n < 0)
		nd_error("error sending data to socket: %s", strerror(errno));
	return n;
}

static ssize_t nd_read(git_stream *stream, void *data, size_t len)
{
	struct nd_stream *st = (struct nd_stream *)stream;
	ssize_t n;
	while ((n = recv(st->fd, data, len, 0)) < 0 && errno == EINTR)
		;
	if (n < 0)
		nd_error("error receiving data from socket: %s", strerror(errno));
	return n;
}

static int nd_close(git_stream *stream)
{
	struct nd_stream *st = (struct nd_stream *)stream;
	int rc = st->fd >= 0 ? close(st->fd) : 0;
	st->fd = -1;
	return rc;
}

static void nd_free(git_stream *stream)
{
	struct nd_stream *st = (struct nd_stream *)stream;
	if (st->fd >= 0)
		close(st->fd);
	free(st->host);
	free(st->port);
	free(st);
}

static int nd_new(git_stream **out, const char *host, const char *port)
{
	struct nd_stream *st = vos_calloc(1, sizeof(*st));
	st->parent.version = GIT_STREAM_VERSION;
	st->parent.connect = nd_connect;
	st->parent.read = nd_read;
	st->parent.write = nd_write;
	st->parent.close = nd_close;
	st->parent.free = nd_free;
	st->host = vos_strdup(host);
	st->port = vos_strdup(port ? port : "80");
	st->fd = -1;
	*out = &st->parent;
	return 0;
}

/* Around every talk to the remote: SIGPIPE ignored (above) and, for http(s), the stream above. */
static bool net_enter(const struct vos_git *g, struct sigaction *old)
{
	bool http = vos_starts_with(g->remote, "http://") || vos_starts_with(g->remote, "https://");
	sigpipe_ignore(old);
	if (http) {
		git_stream_registration reg;
		memset(&reg, 0, sizeof(reg));
		reg.version = GIT_STREAM_VERSION;
		reg.init = nd_new;
		http = git_stream_register(GIT_STREAM_STANDARD, &reg) == 0;
	}
	return http;
}

static void net_leave(bool registered, const struct sigaction *old)
{
	if (registered)
		git_stream_register(GIT_STREAM_STANDARD, NULL);
	sigpipe_restore(old);
}

/* ------------------------------------------------------------------ callbacks */

static int cred_cb(git_credential **out, const char *url, const char *user_from_url,
                   unsigned int allowed, void *payload)
{
	struct vos_git *g = payload;
	VOS_UNUSED(url);
	/* a second call means the first answer was refused: give up at once (else the HTTP
	 * transport replays up to 15 times and ends with a generic error) */
	if (g->cred_attempts++ > 0) {
		g->auth_failed = true;
		git_error_set_str(GIT_ERROR_NET, "authentication failed");
		return GIT_EAUTH;
	}
	if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
		if (!g->token) {
			g->auth_failed = true;
			git_error_set_str(GIT_ERROR_NET, "authentication required");
			return GIT_EAUTH;
		}
		return git_credential_userpass_plaintext_new(out, g->user ? g->user : "vosctl", g->token);
	}
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		return git_credential_ssh_key_from_agent(out, user_from_url ? user_from_url :
		                                         g->user ? g->user : "git");
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, user_from_url ? user_from_url : "git");
	return GIT_PASSTHROUGH;
}

static int push_ref_cb(const char *refname, const char *status, void *payload)
{
	struct vos_git *g = payload;
	VOS_UNUSED(refname);
	if (status) {
		free(g->push_status);
		g->push_status = vos_strdup(status);
	}
	return 0;
}

static void init_callbacks(struct vos_git *g, git_remote_callbacks *cb)
{
	git_remote_init_callbacks(cb, GIT_REMOTE_CALLBACKS_VERSION);
	cb->credentials = cred_cb;
	cb->push_update_reference = push_ref_cb;
	cb->payload = g;
	g->cred_attempts = 0;
	g->auth_failed = false;
}

/* ------------------------------------------------------------------ the cache */

static int lock_cache(int *out_fd, const char *lockpath, struct vos_err *errp)
{
	int fd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	int waited = 0;
	if (fd < 0) {
		vos_err_set(errp, VOS_EIO, "unable to open '%s': %s", lockpath, strerror(errno));
		return VOS_EIO;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		struct timespec ts = {0, 50 * 1000000L};
		if (errno != EWOULDBLOCK && errno != EINTR) {
			vos_err_set(errp, VOS_EIO, "unable to lock '%s': %s", lockpath, strerror(errno));
			close(fd);
			return VOS_EIO;
		}
		if (waited >= LOCK_WAIT_MS) {
			vos_err_set(errp, VOS_EIO, "cache '%s' is locked by another vosctl", lockpath);
			close(fd);
			return VOS_EIO;
		}
		nanosleep(&ts, NULL);
		waited += 50;
	}
	*out_fd = fd;
	return 0;
}


/* Lock files a crashed vosctl may have left (we hold the cache lock: nobody else is inside). */
static void remove_stale_locks(const struct vos_git *g)
{
	const char *fixed[] = {"index.lock", "config.lock", "packed-refs.lock", "HEAD.lock"};
	size_t i;
	for (i = 0; i < VOS_ARRAY_SIZE(fixed); i++) {
		char *p = vos_path_join(g->path, fixed[i]);
		unlink(p);
		free(p);
	}
	{
		char *p = vos_asprintf("%s/" FETCHED_PREFIX "%s.lock", g->path, g->branch);
		unlink(p);
		free(p);
		p = vos_asprintf("%s/" PUBLISH_PREFIX "%s.lock", g->path, g->branch);
		unlink(p);
		free(p);
	}
}

/* Moves a broken cache aside; returns the new name (caller frees) or NULL. */
static char *move_aside(const char *path)
{
	char *aside = vos_asprintf("%s.broken-%ld-%ld", path, (long)time(NULL), (long)getpid());
	if (rename(path, aside) < 0) {
		free(aside);
		return NULL;
	}
	return aside;
}

static int open_or_init(struct vos_git *g, char **notice, struct vos_err *errp)
{
	int err;
	if (vos_is_dir(g->path)) {
		err = git_repository_open_bare(&g->repo, g->path);
		if (!err)
			return 0;
		{
			char *aside = move_aside(g->path);
			char *why = git_msg(g, "unable to open the cache");
			if (!aside) {
				vos_err_set(errp, VOS_EIO, "%s; unable to move '%s' aside", why, g->path);
				free(why);
				return VOS_EIO;
			}
			if (notice) {
				free(*notice);
				*notice = vos_asprintf("%s; moved it to '%s' and cloning afresh", why, aside);
			}
			free(why);
			free(aside);
		}
	}
	if (vos_mkdir_p(g->path, 0700) < 0) {
		vos_err_set(errp, VOS_EIO, "unable to create '%s': %s", g->path, strerror(errno));
		return VOS_EIO;
	}
	err = git_repository_init(&g->repo, g->path, 1);
	if (err < 0) {
		vos_err_take(errp, VOS_EIO, git_msg(g, "unable to create the cache"));
		return VOS_EIO;
	}
	return 0;
}

int vos_git_open(struct vos_git **out, const struct vos_git_opts *opts, char **notice, struct vos_err *errp)
{
	struct vos_git *g;
	struct remote_url u;
	const char *user = opts->user && *opts->user ? opts->user : NULL;
	char *root, *lockpath, *name;
	int err, valid = 0;

	*out = NULL;
	if ((err = remote_url_parse(&u, opts->url, errp)) < 0)
		return err;
	lib_init();
	g = vos_calloc(1, sizeof(*g));
	g->lock_fd = -1;
	g->url = u.shown;
	g->remote = u.remote;
	g->branch = vos_strdup(opts->branch && *opts->branch ? opts->branch : "main");
	if (opts->token && *opts->token) {
		g->token = vos_strdup(opts->token);
	} else if (u.pass) {
		/* the URL's password goes with the URL's user name */
		g->token = u.pass;
		u.pass = NULL;
		user = u.user;
	}
	g->user = vos_strdup(user ? user : u.user ? u.user : "vosctl");
	u.shown = u.remote = NULL;
	remote_url_release(&u);
	{
		char *ref = vos_asprintf("refs/heads/%s", g->branch);
		if (git_reference_name_is_valid(&valid, ref) < 0)
			valid = 0;
		free(ref);
	}
	if (!valid) {
		vos_err_set(errp, VOS_EINPUT, "'%s' is not a valid branch name", g->branch);
		vos_git_free(g);
		return VOS_EINPUT;
	}
	root = cache_root(opts);
	name = cache_name_of(g->url);
	g->path = vos_path_join(root, name);
	lockpath = vos_asprintf("%s.lock", g->path);
	free(name);
	if (vos_mkdir_p(root, 0700) < 0) {
		vos_err_set(errp, VOS_EIO, "unable to create '%s': %s", root, strerror(errno));
		err = VOS_EIO;
	} else {
		err = lock_cache(&g->lock_fd, lockpath, errp);
	}
	free(root);
	free(lockpath);
	if (!err)
		err = open_or_init(g, notice, errp);
	if (err) {
		vos_git_free(g);
		return err;
	}
	remove_stale_locks(g);
	*out = g;
	return 0;
}

void vos_git_free(struct vos_git *g)
{
	if (!g)
		return;
	git_repository_free(g->repo);
	if (g->lock_fd >= 0)
		close(g->lock_fd); /* releases the flock */
	wipe_free(g->token);
	free(g->url);
	free(g->remote);
	free(g->branch);
	free(g->user);
	free(g->path);
	free(g->push_status);
	free(g);
	lib_shutdown();
}

const char *vos_git_url(const struct vos_git *g)
{
	return g->url;
}

const char *vos_git_head(const struct vos_git *g)
{
	return g->have_head ? g->head_hex : NULL;
}

/* An in-memory remote for the URL. url.*.insteadOf is not applied: libgit2 1.5 leaks a PCRE2 match
 * block for every config entry that regex does not match, and the URL is taken as given anyway. */
static int remote_new(git_remote **out, struct vos_git *g)
{
	git_remote_create_options o;
	git_remote_create_options_init(&o, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	o.repository = g->repo;
	o.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	return git_remote_create_with_opts(out, g->remote, &o);
}

/* ------------------------------------------------------------------ fetch */

#define BRANCHES_SHOWN 10

/* The remote lacks g->branch: fine for an empty repository (the push creates it), else VOS_EINPUT
 * naming the branches it has (a typo in --branch must not start a second, parentless history) and
 * the remote's default branch (git_remote_default_branch, connected remote): Wiki.js's git storage
 * defaults to 'master', vosctl to 'main'. */
static int missing_branch(struct vos_git *g, git_remote *remote, const git_remote_head **heads,
                          size_t nheads, struct vos_err *errp)
{
	struct vos_buf have = VOS_BUF_INIT;
	git_buf def = GIT_BUF_INIT;
	size_t i, n = 0;
	for (i = 0; i < nheads; i++) {
		if (!vos_starts_with(heads[i]->name, "refs/heads/"))
			continue;
		if (n++ < BRANCHES_SHOWN)
			vos_buf_addf(&have, "%s'%s'", have.len ? ", " : "", heads[i]->name + strlen("refs/heads/"));
	}
	if (!n)
		return 0;
	if (n > BRANCHES_SHOWN)
		vos_buf_addf(&have, " and %zu more", n - BRANCHES_SHOWN);
	if (git_remote_default_branch(&def, remote) == 0 && def.ptr &&
	    vos_starts_with(def.ptr, "refs/heads/"))
		vos_err_set(errp, VOS_EINPUT, "the remote '%s' has no branch '%s' (it has %s): check --branch or "
		            "publish.branch; the remote's default branch is '%s', not '%s' (Wiki.js's git "
		            "storage defaults to 'master', vosctl to 'main')", g->url, g->branch, have.ptr,
		            def.ptr + strlen("refs/heads/"), g->branch);
	else
		vos_err_set(errp, VOS_EINPUT, "the remote '%s' has no branch '%s' (it has %s): check --branch or "
		            "publish.branch", g->url, g->branch, have.ptr);
	git_buf_dispose(&def);
	vos_buf_release(&have);
	return VOS_EINPUT;
}

static int fetch_once(struct vos_git *g, struct vos_err *errp, bool *local_failure)
{
	git_remote *remote = NULL;
	git_remote_callbacks cb;
	git_proxy_options proxy;
	const git_remote_head **heads;
	size_t nheads, i;
	char *want = vos_asprintf("refs/heads/%s", g->branch);
	char *fetched = vos_asprintf(FETCHED_PREFIX "%s", g->branch);
	char *spec = vos_asprintf("+%s:%s", want, fetched);
	char *specs[1];
	git_strarray refspecs;
	const git_oid *found = NULL;
	int err, rc = 0;

	*local_failure = false;
	specs[0] = spec;
	refspecs.strings = specs;
	refspecs.count = 1;
	init_callbacks(g, &cb);
	git_proxy_options_init(&proxy, GIT_PROXY_OPTIONS_VERSION);

	if ((err = remote_new(&remote, g)) < 0) {
		vos_err_take(errp, VOS_EINPUT, git_msg(g, "invalid remote URL"));
		rc = VOS_EINPUT;
		goto out;
	}
	if ((err = git_remote_connect(remote, GIT_DIRECTION_FETCH, &cb, &proxy, NULL)) < 0) {
		rc = net_error(g, err, "fetch from", errp);
		goto out;
	}
	if ((err = git_remote_ls(&heads, &nheads, remote)) < 0) {
		rc = net_error(g, err, "fetch from", errp);
		goto out;
	}
	for (i = 0; i < nheads; i++)
		if (!strcmp(heads[i]->name, want))
			found = &heads[i]->oid;
	if (!found && (rc = missing_branch(g, remote, heads, nheads, errp)) < 0)
		goto out;
	if (!found) {
		git_reference *ref = NULL;
		g->have_head = false;
		if (git_reference_lookup(&ref, g->repo, fetched) == 0) {
			git_reference_delete(ref);
			git_reference_free(ref);
		}
		goto out;
	}
	{
		git_oid oid;
		git_fetch_options fo;
		git_reference *ref = NULL;
		git_oid_cpy(&oid, found);
		git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
		fo.callbacks = cb;
		fo.update_fetchhead = 0;
		fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
		{
			git_odb *odb = NULL;
			bool have = false;
			if (git_repository_odb(&odb, g->repo) == 0) {
				have = git_odb_exists(odb, &oid);
				git_odb_free(odb);
			}
			if (!have && (err = git_remote_download(remote, &refspecs, &fo)) < 0) {
				const git_error *e = git_error_last();
				int klass = e ? e->klass : 0;
				rc = net_error(g, err, "fetch from", errp);
				if (rc == VOS_EIO && klass != GIT_ERROR_NET && klass != GIT_ERROR_HTTP)
					*local_failure = true;
				goto out;
			}
		}
		if ((err = git_reference_create(&ref, g->repo, fetched, &oid, 1, "vosctl: fetch")) < 0) {
			vos_err_take(errp, VOS_EIO, git_msg(g, "unable to update the cache"));
			*local_failure = true;
			rc = VOS_EIO;
			goto out;
		}
		git_reference_free(ref);
		git_oid_cpy(&g->head, &oid);
		git_oid_tostr(g->head_hex, sizeof(g->head_hex), &oid);
		g->have_head = true;
	}
out:
	if (remote) {
		git_remote_disconnect(remote);
		git_remote_free(remote);
	}
	free(want);
	free(fetched);
	free(spec);
	return rc;
}

int vos_git_fetch(struct vos_git *g, struct vos_err *errp)
{
	bool local_failure = false;
	struct sigaction old;
	bool registered = net_enter(g, &old);
	int rc;
	rc = fetch_once(g, errp, &local_failure);
	if (rc && local_failure) {
		/* the cache is unusable (corrupt objects, stale lock): move it aside, clone afresh */
		char *aside;
		git_repository_free(g->repo);
		g->repo = NULL;
		aside = move_aside(g->path);
		if (!aside)
			goto out;
		free(aside);
		if (vos_mkdir_p(g->path, 0700) < 0 || git_repository_init(&g->repo, g->path, 1) < 0) {
			vos_err_set(errp, VOS_EIO, "unable to recreate the cache '%s'", g->path);
			rc = VOS_EIO;
			goto out;
		}
		rc = fetch_once(g, errp, &local_failure);
	}
out:
	net_leave(registered, &old);
	return rc;
}

/* ------------------------------------------------------------------ read */

int vos_git_read(char **out, size_t *len_out, struct vos_git *g, const char *path, struct vos_err *errp)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	int err, rc = 0;

	*out = NULL;
	if (len_out)
		*len_out = 0;
	if (!g->have_head)
		return vos_err_take(errp, VOS_ENOTFOUND, NULL);
	if ((err = git_commit_lookup(&commit, g->repo, &g->head)) < 0 ||
	    (err = git_commit_tree(&tree, commit)) < 0) {
		vos_err_take(errp, VOS_EIO, git_msg(g, "unable to read the fetched head"));
		rc = VOS_EIO;
		goto out;
	}
	if ((err = git_tree_entry_bypath(&entry, tree, path)) < 0) {
		rc = err == GIT_ENOTFOUND ? VOS_ENOTFOUND : VOS_EIO;
		vos_err_take(errp, rc, rc == VOS_EIO ? git_msg(g, "unable to read the fetched head") : NULL);
		goto out;
	}
	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
		vos_err_set(errp, VOS_EINPUT, "'%s' is not a file in the repository", path);
		rc = VOS_EINPUT;
		goto out;
	}
	if ((err = git_blob_lookup(&blob, g->repo, git_tree_entry_id(entry))) < 0) {
		vos_err_take(errp, VOS_EIO, git_msg(g, "unable to read the fetched head"));
		rc = VOS_EIO;
		goto out;
	}
	{
		size_t n = (size_t)git_blob_rawsize(blob);
		if (n > VOS_MAX_PAGE_BYTES) {
			vos_err_set(errp, VOS_EINPUT, "'%s' is too large", path);
			rc = VOS_EINPUT;
			goto out;
		}
		*out = vos_malloc(n + 1);
		memcpy(*out, git_blob_rawcontent(blob), n);
		(*out)[n] = '\0';
		if (len_out)
			*len_out = n;
	}
out:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	return rc;
}

/* ------------------------------------------------------------------ commit */

int vos_git_commit(char out[41], struct vos_git *g, const struct vos_git_file *files, size_t nfiles,
                   const char *name, const char *email, const char *message, struct vos_err *errp)
{
	git_commit *parent = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_signature *sig = NULL;
	git_tree_update *ups = NULL;
	git_reference *ref = NULL;
	git_oid tree_id, commit_id;
	char *refname = vos_asprintf(PUBLISH_PREFIX "%s", g->branch);
	size_t i;
	int err, rc = 0;

	out[0] = '\0';
	if (g->have_head) {
		if ((err = git_commit_lookup(&parent, g->repo, &g->head)) < 0 ||
		    (err = git_commit_tree(&base, parent)) < 0)
			goto fail;
	} else {
		git_treebuilder *tb = NULL;
		git_oid empty;
		if ((err = git_treebuilder_new(&tb, g->repo, NULL)) < 0)
			goto fail;
		err = git_treebuilder_write(&empty, tb);
		git_treebuilder_free(tb);
		if (err < 0 || (err = git_tree_lookup(&base, g->repo, &empty)) < 0)
			goto fail;
	}
	ups = vos_calloc(nfiles ? nfiles : 1, sizeof(*ups));
	for (i = 0; i < nfiles; i++) {
		if ((err = git_blob_create_from_buffer(&ups[i].id, g->repo, files[i].data, files[i].len)) < 0)
			goto fail;
		ups[i].action = GIT_TREE_UPDATE_UPSERT;
		ups[i].filemode = GIT_FILEMODE_BLOB;
		ups[i].path = files[i].path;
	}
	if ((err = git_tree_create_updated(&tree_id, g->repo, base, nfiles, ups)) < 0 ||
	    (err = git_tree_lookup(&tree, g->repo, &tree_id)) < 0)
		goto fail;
	if ((err = git_signature_now(&sig, name, email)) < 0)
		goto fail;
	{
		const git_commit *parents[1];
		parents[0] = parent;
		if ((err = git_commit_create(&commit_id, g->repo, NULL, sig, sig, NULL, message, tree,
		                             parent ? 1 : 0, parents)) < 0)
			goto fail;
	}
	if ((err = git_reference_create(&ref, g->repo, refname, &commit_id, 1, "vosctl: commit")) < 0)
		goto fail;
	git_oid_tostr(out, 41, &commit_id);
	goto out;
fail:
	vos_err_take(errp, VOS_EIO, git_msg(g, "unable to create the commit"));
	rc = VOS_EIO;
out:
	git_reference_free(ref);
	git_signature_free(sig);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(parent);
	free(ups);
	free(refname);
	return rc;
}

/* ------------------------------------------------------------------ push */

int vos_git_push(struct vos_git *g, const char *commit_hex, struct vos_err *errp)
{
	git_remote *remote = NULL;
	git_push_options po;
	git_reference *ref = NULL;
	git_oid oid;
	char *refname = vos_asprintf(PUBLISH_PREFIX "%s", g->branch);
	/* no leading '+': never forced */
	char *spec = vos_asprintf("%s:refs/heads/%s", refname, g->branch);
	char *specs[1];
	git_strarray refspecs;
	struct sigaction old;
	bool ignoring = false, registered = false;
	int err, rc = 0;

	specs[0] = spec;
	refspecs.strings = specs;
	refspecs.count = 1;
	if (git_oid_fromstr(&oid, commit_hex) < 0 ||
	    git_reference_create(&ref, g->repo, refname, &oid, 1, "vosctl: push") < 0) {
		vos_err_take(errp, VOS_EIO, git_msg(g, "unable to prepare the push"));
		rc = VOS_EIO;
		goto out;
	}
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	init_callbacks(g, &po.callbacks);
	free(g->push_status);
	g->push_status = NULL;
	if ((err = remote_new(&remote, g)) < 0) {
		vos_err_take(errp, VOS_EINPUT, git_msg(g, "invalid remote URL"));
		rc = VOS_EINPUT;
		goto out;
	}
	registered = net_enter(g, &old);
	ignoring = true;
	err = git_remote_push(remote, &refspecs, &po);
	if (err == GIT_ENONFASTFORWARD) {
		vos_err_set(errp, VOS_EREJECTED, "push to '%s' rejected: the remote branch '%s' moved",
		            g->url, g->branch);
		rc = VOS_EREJECTED;
		goto out;
	}
	if (err < 0) {
		rc = net_error(g, err, "push to", errp);
		goto out;
	}
	if (g->push_status) {
		char *m = vos_asprintf("push to '%s' rejected: %s", g->url, g->push_status);
		replace_all(&m, g->token, "<redacted>");
		vos_err_take(errp, VOS_EREJECTED, m);
		rc = VOS_EREJECTED;
		goto out;
	}
out:
	if (remote) {
		git_remote_disconnect(remote);
		git_remote_free(remote);
	}
	if (ignoring)
		net_leave(registered, &old);
	git_reference_free(ref);
	free(refname);
	free(spec);
	return rc;
}

/* ------------------------------------------------------------------ author */

void vos_git_default_author(char **name_out, char **email_out)
{
	git_config *cfg = NULL, *snap = NULL;
	const char *v;
	*name_out = *email_out = NULL;
	lib_init();
	if (git_config_open_default(&cfg) == 0 && git_config_snapshot(&snap, cfg) == 0) {
		if (git_config_get_string(&v, snap, "user.name") == 0 && *v)
			*name_out = vos_strdup(v);
		if (git_config_get_string(&v, snap, "user.email") == 0 && *v)
			*email_out = vos_strdup(v);
	}
	git_config_free(snap);
	git_config_free(cfg);
	lib_shutdown();
}

/* ------------------------------------------------------------------ diffs */

static void diff_range(struct vos_buf *out, int start, int count)
{
	if (count == 1)
		vos_buf_addf(out, "%d", start);
	else
		vos_buf_addf(out, "%d,%d", start, count);
}

int vos_diff_unified(struct vos_buf *out, const char *a_label, const char *a, size_t alen,
                     const char *b_label, const char *b, size_t blen)
{
	git_diff_options o;
	git_patch *patch = NULL;
	size_t h, nh;

	if (alen == blen && (alen == 0 || !memcmp(a, b, alen)))
		return 0;
	lib_init();
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.flags |= GIT_DIFF_FORCE_TEXT; /* a page with a NUL byte is still diffed line by line */
	o.context_lines = 3;
	if (git_patch_from_buffers(&patch, a ? a : "", alen, NULL, b ? b : "", blen, NULL, &o) < 0) {
		lib_shutdown();
		return VOS_EIO;
	}
	/* libgit2's hunks and lines; the headers are diff -u's (no "diff --git", no index line, no
	 * function context after the hunk range) */
	vos_buf_addf(out, "--- %s\n+++ %s\n", a_label, b_label);
	nh = git_patch_num_hunks(patch);
	for (h = 0; h < nh; h++) {
		const git_diff_hunk *hunk;
		size_t l, nl;
		if (git_patch_get_hunk(&hunk, &nl, patch, h) < 0)
			break;
		vos_buf_adds(out, "@@ -");
		diff_range(out, hunk->old_start, hunk->old_lines);
		vos_buf_adds(out, " +");
		diff_range(out, hunk->new_start, hunk->new_lines);
		vos_buf_adds(out, " @@\n");
		for (l = 0; l < nl; l++) {
			const git_diff_line *line;
			if (git_patch_get_line_in_hunk(&line, patch, h, l) < 0)
				break;
			switch (line->origin) {
			case GIT_DIFF_LINE_CONTEXT:
			case GIT_DIFF_LINE_ADDITION:
			case GIT_DIFF_LINE_DELETION:
				vos_buf_addc(out, line->origin);
				vos_buf_add(out, line->content, line->content_len);
				if (!line->content_len || line->content[line->content_len - 1] != '\n')
					vos_buf_addc(out, '\n');
				break;
			case GIT_DIFF_LINE_CONTEXT_EOFNL:
			case GIT_DIFF_LINE_ADD_EOFNL:
			case GIT_DIFF_LINE_DEL_EOFNL:
				vos_buf_adds(out, "\\ No newline at end of file\n");
				break;
			default:
				break;
			}
		}
	}
	git_patch_free(patch);
	lib_shutdown();
	return 1;
}
