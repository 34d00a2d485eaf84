/* test_git.c - lib/git.c: URL redaction, cache naming, and the fetch/read/commit/push cycle against
 * a local bare repository (libgit2's local transport), including a rejected push. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>

#include <cmocka.h>
#include <ftw.h>

#include "git.h"
#include "loopback.h"

static char tmpdir[256];

static int setup(void **state)
{
	VOS_UNUSED(state);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vos-test-git-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	VOS_UNUSED(sb);
	VOS_UNUSED(flag);
	VOS_UNUSED(ftw);
	return remove(path);
}

static void rm_rf(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int teardown(void **state)
{
	VOS_UNUSED(state);
	rm_rf(tmpdir);
	return 0;
}

static void test_redact(void **state)
{
	char *r;
	VOS_UNUSED(state);
	r = vos_git_url_redact("https://bob:s3cret@git.example.org/wiki.git");
	assert_string_equal(r, "https://git.example.org/wiki.git");
	free(r);
	r = vos_git_url_redact("http://tok@127.0.0.1:8080/a/b.git");
	assert_string_equal(r, "http://127.0.0.1:8080/a/b.git");
	free(r);
	r = vos_git_url_redact("http://127.0.0.1:8080/a@b.git");
	assert_string_equal(r, "http://127.0.0.1:8080/a@b.git");
	free(r);
	r = vos_git_url_redact("/srv/git/wiki.git");
	assert_string_equal(r, "/srv/git/wiki.git");
	free(r);
	/* a percent-encoded password holding @ : / % # goes as a whole */
	r = vos_git_url_redact("http://user:a%40b%3Ac%2Fd%25e%23f@127.0.0.1:8080/wiki.git");
	assert_string_equal(r, "http://127.0.0.1:8080/wiki.git");
	free(r);
	r = vos_git_url_redact("ssh://git@git.example.org/wiki.git");
	assert_string_equal(r, "ssh://git.example.org/wiki.git");
	free(r);
	/* unencoded '/' or '#' in the password: no URL, so nothing to show or name a cache after */
	assert_null(vos_git_url_redact("http://user:se/cret@127.0.0.1:8080/wiki.git"));
	assert_null(vos_git_url_redact("http://user:se#cret@127.0.0.1:8080/wiki.git"));
	assert_null(vos_git_cache_name("http://user:se/cret@127.0.0.1:8080/wiki.git"));
}

/* A URL that does not parse is refused before anything is created, and the message holds no part of
 * the password (it used to be echoed, and a cache directory "user_se_cret_..." was made). */
static void test_unparsable_url(void **state)
{
	const char *urls[] = {"http://user:alpha/bravo@127.0.0.1:9/wiki.git",
	                      "http://user:alpha@bravo:charlie/delta%echo#foxtrot@127.0.0.1:9/wiki.git",
	                      "http://user:alpha#bravo@127.0.0.1:9/wiki.git"};
	const char *parts[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot"};
	size_t i, j;
	VOS_UNUSED(state);
	for (i = 0; i < VOS_ARRAY_SIZE(urls); i++) {
		struct vos_git *g = NULL;
		struct vos_git_opts o = {0};
		char *notice = NULL, *root = vos_asprintf("%s/unparsable", tmpdir);
		struct vos_err err = VOS_ERR_INIT;
		struct stat st;
		o.url = urls[i];
		o.cache_root = root;
		assert_int_equal(vos_git_open(&g, &o, &notice, &err), VOS_EINPUT);
		assert_null(g);
		assert_non_null(err.msg);
		assert_true(vos_starts_with(err.msg, "invalid remote URL ("));
		for (j = 0; j < VOS_ARRAY_SIZE(parts); j++)
			if (strstr(err.msg, parts[j]))
				fail_msg("'%s' in: %s", parts[j], err.msg);
		assert_int_not_equal(stat(root, &st), 0);
		assert_null(vos_git_cache_path(&o));
		vos_err_clear(&err);
		free(notice);
		free(root);
	}
}

static void test_cache_name(void **state)
{
	char *a, *b, *c;
	VOS_UNUSED(state);
	a = vos_git_cache_name("https://bob:s3cret@git.example.org/wiki.git");
	b = vos_git_cache_name("https://git.example.org/wiki.git");
	c = vos_git_cache_name("https://git.example.org/other.git");
	/* credentials change neither the name nor show up in it */
	assert_string_equal(a, b);
	assert_null(strstr(a, "s3cret"));
	assert_true(vos_starts_with(a, "git.example.org_wiki.git-"));
	assert_string_not_equal(b, c);
	assert_null(strchr(a, '/'));
	free(a);
	free(b);
	free(c);
}

static void test_bad_branch(void **state)
{
	struct vos_git *g = NULL;
	struct vos_git_opts o = {0};
	char *notice = NULL;
	struct vos_err err = VOS_ERR_INIT;
	char root[300];
	VOS_UNUSED(state);
	snprintf(root, sizeof(root), "%s/badbranch", tmpdir);
	o.url = "/nonexistent/repo.git";
	o.branch = "a..b";
	o.cache_root = root;
	assert_int_equal(vos_git_open(&g, &o, &notice, &err), VOS_EINPUT);
	assert_null(g);
	assert_non_null(err.msg);
	assert_non_null(strstr(err.msg, "'a..b'"));
	vos_err_clear(&err);
	free(notice);
}

/* Creates an empty bare repository to serve as the remote; returns its path (caller frees). */
static char *make_remote(void)
{
	struct vos_git *g = NULL;
	struct vos_git_opts o = {0};
	char *notice = NULL, *root = vos_asprintf("%s/remotes", tmpdir), *path;
	struct vos_err err = VOS_ERR_INIT;
	o.url = "seed-remote";
	o.cache_root = root;
	assert_int_equal(vos_git_open(&g, &o, &notice, &err), 0);
	vos_git_free(g);
	path = vos_git_cache_path(&o);
	free(root);
	return path;
}

static struct vos_git *client_on(const char *url, const char *name, const char *branch)
{
	struct vos_git *g = NULL;
	struct vos_git_opts o = {0};
	char *notice = NULL, *root = vos_asprintf("%s/%s", tmpdir, name);
	struct vos_err err = VOS_ERR_INIT;
	o.url = url;
	o.branch = branch;
	o.cache_root = root;
	if (vos_git_open(&g, &o, &notice, &err) != 0)
		fail_msg("open: %s", err.msg ? err.msg : "?");
	free(root);
	free(notice);
	return g;
}

static struct vos_git *client(const char *url, const char *name)
{
	return client_on(url, name, "main");
}

static void test_cycle(void **state)
{
	char *remote, *text = NULL;
	struct vos_err err = VOS_ERR_INIT;
	struct vos_git *a, *b;
	char id_a[41], id_b[41], id_a2[41];
	size_t len;
	struct vos_git_file f1 = {"vos/services.md", "one\n", 4};
	struct vos_git_file f2 = {"vos/services.md", "two\n", 4};
	struct vos_git_file f3 = {"vos/inventory.md", "inv\n", 4};
	VOS_UNUSED(state);

	remote = make_remote();
	a = client(remote, "cache-a");
	b = client(remote, "cache-b");

	/* empty repository: no head, nothing to read */
	assert_int_equal(vos_git_fetch(a, &err), 0);
	assert_null(vos_git_head(a));
	assert_int_equal(vos_git_read(&text, &len, a, "vos/services.md", &err), VOS_ENOTFOUND);

	/* first commit (no parent) and push */
	assert_int_equal(vos_git_commit(id_a, a, &f1, 1, "T", "t@example.org", "first\n", &err), 0);
	assert_int_equal(strlen(id_a), 40);
	if (vos_git_push(a, id_a, &err) != 0)
		fail_msg("push: %s", err.msg);

	/* b sees it */
	assert_int_equal(vos_git_fetch(b, &err), 0);
	assert_non_null(vos_git_head(b));
	assert_string_equal(vos_git_head(b), id_a);
	assert_int_equal(vos_git_read(&text, &len, b, "vos/services.md", &err), 0);
	assert_int_equal(len, 4);
	assert_string_equal(text, "one\n");
	free(text);

	/* b pushes an update on top */
	assert_int_equal(vos_git_commit(id_b, b, &f2, 1, "T", "t@example.org", "second\n", &err), 0);
	assert_int_equal(vos_git_push(b, id_b, &err), 0);

	/* a, still on the old head, is rejected (never forced) */
	assert_int_equal(vos_git_commit(id_a2, a, &f3, 1, "T", "t@example.org", "third\n", &err), 0);
	assert_int_equal(vos_git_push(a, id_a2, &err), VOS_EREJECTED);
	assert_non_null(err.msg);
	vos_err_clear(&err);

	/* after a fetch a builds on b's commit and both changes land */
	assert_int_equal(vos_git_fetch(a, &err), 0);
	assert_string_equal(vos_git_head(a), id_b);
	assert_int_equal(vos_git_commit(id_a2, a, &f3, 1, "T", "t@example.org", "third\n", &err), 0);
	assert_int_equal(vos_git_push(a, id_a2, &err), 0);
	assert_int_equal(vos_git_fetch(b, &err), 0);
	assert_string_equal(vos_git_head(b), id_a2);
	assert_int_equal(vos_git_read(&text, &len, b, "vos/services.md", &err), 0);
	assert_string_equal(text, "two\n");
	free(text);
	assert_int_equal(vos_git_read(&text, &len, b, "vos/inventory.md", &err), 0);
	assert_string_equal(text, "inv\n");
	free(text);

	vos_git_free(a);
	vos_git_free(b);
	free(remote);
	vos_err_clear(&err);
}

/* A branch the remote lacks is refused, naming the branches it has, unless the repository is empty
 * (a typo in --branch used to start a parentless second history there). */
static void test_missing_branch(void **state)
{
	struct vos_git *seed, *typo, *fresh;
	char *remote, *empty, *root = vos_asprintf("%s/remotes-mb", tmpdir);
	struct vos_err err = VOS_ERR_INIT;
	char id[41];
	struct vos_git_file f = {"vos/services.md", "one\n", 4};
	struct vos_git_opts o = {0};
	VOS_UNUSED(state);

	/* an empty repository: any branch may be created */
	o.url = "empty-remote";
	o.cache_root = root;
	{
		struct vos_git *g = NULL;
		char *notice = NULL;
		assert_int_equal(vos_git_open(&g, &o, &notice, &err), 0);
		vos_git_free(g);
		free(notice);
	}
	empty = vos_git_cache_path(&o);
	fresh = client_on(empty, "mb-fresh", "wiki");
	assert_int_equal(vos_git_fetch(fresh, &err), 0);
	assert_null(vos_git_head(fresh));
	assert_int_equal(vos_git_commit(id, fresh, &f, 1, "T", "t@example.org", "first\n", &err), 0);
	assert_int_equal(vos_git_push(fresh, id, &err), 0);
	vos_git_free(fresh);

	/* a repository with history on main: "mian" is refused */
	remote = make_remote();
	seed = client(remote, "mb-seed");
	assert_int_equal(vos_git_fetch(seed, &err), 0);
	assert_int_equal(vos_git_commit(id, seed, &f, 1, "T", "t@example.org", "first\n", &err), 0);
	if (vos_git_push(seed, id, &err) != 0)
		fail_msg("seed: %s", err.msg);
	vos_git_free(seed);
	typo = client_on(remote, "mb-typo", "mian");
	assert_int_equal(vos_git_fetch(typo, &err), VOS_EINPUT);
	assert_null(vos_git_head(typo));
	assert_non_null(err.msg);
	assert_non_null(strstr(err.msg, "has no branch 'mian' (it has 'main')"));
	vos_git_free(typo);

	vos_err_clear(&err);
	free(empty);
	free(remote);
	free(root);
}

static void test_corrupt_cache(void **state)
{
	struct vos_git *g = NULL;
	struct vos_git_opts o = {0};
	char *notice = NULL, *path;
	struct vos_err err = VOS_ERR_INIT;
	char root[300];
	VOS_UNUSED(state);
	snprintf(root, sizeof(root), "%s/corrupt", tmpdir);
	o.url = "http://127.0.0.1:9/never-contacted.git";
	o.cache_root = root;
	path = vos_git_cache_path(&o);
	/* a directory that is no repository at all */
	assert_int_equal(mkdir(root, 0700), 0);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(vos_git_open(&g, &o, &notice, &err), 0);
	assert_non_null(g);
	assert_non_null(notice);
	assert_non_null(strstr(notice, "moved it to"));
	vos_git_free(g);
	free(notice);
	free(path);
	vos_err_clear(&err);
}

static void test_token_not_in_errors(void **state)
{
	struct vos_git *g = NULL;
	struct vos_git_opts o = {0};
	char *notice = NULL;
	struct vos_err err = VOS_ERR_INIT;
	char root[300];
	int rc;
	VOS_UNUSED(state);
	snprintf(root, sizeof(root), "%s/tok", tmpdir);
	/* port 9 on loopback: nothing listens, the connection is refused */
	o.url = "http://someone:pa55word@127.0.0.1:9/wiki.git";
	o.token = "t0ken-VALUE";
	o.cache_root = root;
	assert_int_equal(vos_git_open(&g, &o, &notice, &err), 0);
	rc = vos_git_fetch(g, &err);
	assert_true(rc == VOS_ENET || rc == VOS_EIO);
	assert_non_null(err.msg);
	assert_null(strstr(err.msg, "pa55word"));
	assert_null(strstr(err.msg, "t0ken-VALUE"));
	assert_non_null(strstr(err.msg, "http://127.0.0.1:9/wiki.git"));
	vos_git_free(g);
	vos_err_clear(&err);
	free(notice);
}


/* A server that looks at the other end of the connection it accepts: the client is this process,
 * so its socket is one of our descriptors (the one whose local address is the peer's). Records
 * whether that socket has TCP_NODELAY, then answers 404. */
struct nodelay_srv {
	int lfd, port;
	int found, nodelay; /* the client's socket was found / had TCP_NODELAY */
	pthread_t th;
};

static void *nodelay_main(void *arg)
{
	struct nodelay_srv *s = arg;
	struct sockaddr_in peer, mine;
	socklen_t plen = sizeof(peer);
	const char *resp = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
	struct pollfd p = {s->lfd, POLLIN, 0};
	char req[4096];
	int c, fd;
	if (poll(&p, 1, 10000) <= 0 || (c = accept(s->lfd, (struct sockaddr *)&peer, &plen)) < 0)
		return NULL;
	for (fd = 0; fd < 1024; fd++) {
		socklen_t mlen = sizeof(mine), olen = sizeof(int);
		int v = 0;
		if (fd == c || fd == s->lfd || getsockname(fd, (struct sockaddr *)&mine, &mlen) < 0 ||
		    mine.sin_family != AF_INET || mine.sin_port != peer.sin_port)
			continue;
		s->found = 1;
		if (getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &olen) == 0)
			s->nodelay = v != 0;
	}
	if (read(c, req, sizeof(req)) < 0 || write(c, resp, strlen(resp)) < 0)
		perror("nodelay server");
	close(c);
	return NULL;
}

/* Nagle's algorithm holds a POST's body (written after its headers) until the server's delayed
 * ACK, 40 ms per request: the connection to an http remote has TCP_NODELAY. */
static void test_http_nodelay(void **state)
{
	struct nodelay_srv srv;
	struct vos_git *g = NULL;
	struct vos_git_opts o = {0};
	char *notice = NULL, url[128], root[300];
	struct vos_err err = VOS_ERR_INIT;
	VOS_UNUSED(state);
	memset(&srv, 0, sizeof(srv));
	srv.lfd = listen_on(&srv.port, 16);
	assert_int_equal(pthread_create(&srv.th, NULL, nodelay_main, &srv), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/wiki.git", srv.port);
	snprintf(root, sizeof(root), "%s/nodelay", tmpdir);
	o.url = url;
	o.cache_root = root;
	assert_int_equal(vos_git_open(&g, &o, &notice, &err), 0);
	assert_true(vos_git_fetch(g, &err) < 0); /* the 404 */
	pthread_join(srv.th, NULL);
	assert_int_equal(srv.found, 1);
	assert_int_equal(srv.nodelay, 1);
	vos_git_free(g);
	vos_err_clear(&err);
	free(notice);
	close(srv.lfd);
}

/* A smart-HTTP impostor on 127.0.0.1: asks for credentials (401), then answers the request that
 * carries them with a Content-Type made of the token, which libgit2 quotes in its error message
 * ("invalid content-type: '...'"): the message path must scrub the token out. */
struct echo_srv {
	int lfd, port, stop[2];
	int authorized; /* requests that carried an Authorization header */
	pthread_t th;
	const char *token;
};

static void *echo_main(void *arg)
{
	struct echo_srv *s = arg;
	for (;;) {
		struct pollfd p[2] = {{s->lfd, POLLIN, 0}, {s->stop[0], POLLIN, 0}};
		char req[8192], resp[512];
		size_t len = 0;
		ssize_t n;
		int c;
		if (poll(p, 2, 10000) <= 0 || p[1].revents)
			break;
		c = accept(s->lfd, NULL, NULL);
		if (c < 0)
			continue;
		while (len < sizeof(req) - 1 && (n = read(c, req + len, sizeof(req) - 1 - len)) > 0) {
			len += (size_t)n;
			req[len] = '\0';
			if (strstr(req, "\r\n\r\n"))
				break;
		}
		req[len] = '\0';
		if (strstr(req, "\nAuthorization:") || strstr(req, "\nauthorization:")) {
			s->authorized++;
			snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK\r\nContent-Type: text/x-%s\r\n"
			         "Content-Length: 0\r\nConnection: close\r\n\r\n", s->token);
		} else {
			snprintf(resp, sizeof(resp), "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic "
			         "realm=\"wiki\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
		}
		if (write(c, resp, strlen(resp)) < 0)
			perror("write");
		close(c);
	}
	return NULL;
}

static void test_token_scrubbed_from_libgit2_message(void **state)
{
	struct echo_srv srv;
	struct vos_git *g = NULL;
	struct vos_git_opts o = {0};
	char *notice = NULL, url[128], root[300];
	struct vos_err err = VOS_ERR_INIT;
	int rc;
	VOS_UNUSED(state);
	memset(&srv, 0, sizeof(srv));
	srv.token = "t0ken-VALUE";
	srv.lfd = listen_on(&srv.port, 16);
	assert_int_equal(pipe(srv.stop), 0);
	assert_int_equal(pthread_create(&srv.th, NULL, echo_main, &srv), 0);

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/wiki.git", srv.port);
	snprintf(root, sizeof(root), "%s/scrub", tmpdir);
	o.url = url;
	o.token = srv.token;
	o.cache_root = root;
	assert_int_equal(vos_git_open(&g, &o, &notice, &err), 0);
	rc = vos_git_fetch(g, &err);
	assert_int_equal(write(srv.stop[1], "x", 1), 1);
	pthread_join(srv.th, NULL);
	assert_int_equal(srv.authorized, 1); /* the token was sent, and came back in the answer */
	assert_true(rc == VOS_ENET || rc == VOS_EIO);
	assert_non_null(err.msg);
	assert_null(strstr(err.msg, "t0ken-VALUE"));
	assert_non_null(strstr(err.msg, "invalid content-type: 'text/x-<redacted>'"));
	assert_non_null(strstr(err.msg, url));
	vos_git_free(g);
	vos_err_clear(&err);
	free(notice);
	close(srv.lfd);
	close(srv.stop[0]);
	close(srv.stop[1]);
}

static void test_default_author(void **state)
{
	char *n = NULL, *e = NULL;
	VOS_UNUSED(state);
	/* with HOME pointing at an empty directory there is no configuration at all */
	setenv("HOME", tmpdir, 1);
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	vos_git_default_author(&n, &e);
	assert_null(n);
	assert_null(e);
	{
		char *cfg = vos_asprintf("%s/.gitconfig", tmpdir);
		FILE *f = fopen(cfg, "w");
		assert_non_null(f);
		fputs("[user]\n\tname = Ada Lovelace\n\temail = ada@example.org\n", f);
		fclose(f);
		free(cfg);
	}
	vos_git_default_author(&n, &e);
	assert_non_null(n);
	assert_string_equal(n, "Ada Lovelace");
	assert_string_equal(e, "ada@example.org");
	free(n);
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_cache_name),
		cmocka_unit_test(test_unparsable_url),
		cmocka_unit_test(test_bad_branch),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_missing_branch),
		cmocka_unit_test(test_corrupt_cache),
		cmocka_unit_test(test_token_not_in_errors),
		cmocka_unit_test(test_token_scrubbed_from_libgit2_message),
		cmocka_unit_test(test_http_nodelay),
		cmocka_unit_test(test_default_author),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
