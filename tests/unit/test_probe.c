/* test_probe.c - the probe engine against listeners this test opens on 127.0.0.1. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"
#include "lockfile.h"

#include "loopback.h"

/* ------------------------------------------------------------------ helpers */


static int closed_port(void)
{
	int port, fd = listen_on(&port, 1);
	close(fd);
	return port;
}

static size_t count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	size_t n = 0;
	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A tiny HTTP server thread: fds[0] answers 200 "hello probe", fds[1] answers 500. */
struct http_srv {
	int fds[2];
	int stop_pipe[2];
	pthread_t th;
};

static void *http_main(void *arg)
{
	struct http_srv *s = arg;
	for (;;) {
		struct pollfd p[3] = {{s->fds[0], POLLIN, 0}, {s->fds[1], POLLIN, 0}, {s->stop_pipe[0], POLLIN, 0}};
		int k;
		if (poll(p, 3, 5000) <= 0 || p[2].revents)
			break;
		for (k = 0; k < 2; k++) {
			char buf[2048];
			const char *resp = k == 0
			    ? "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nConnection: close\r\n\r\nhello probe"
			    : "HTTP/1.1 500 Oops\r\nContent-Length: 4\r\nConnection: close\r\n\r\nfail";
			int c;
			if (!p[k].revents)
				continue;
			c = accept(s->fds[k], NULL, NULL);
			if (c < 0)
				continue;
			if (read(c, buf, sizeof(buf)) > 0 && write(c, resp, strlen(resp)) < 0)
				perror("write");
			close(c);
		}
	}
	return NULL;
}

static void http_start(struct http_srv *s, int *port200, int *port500)
{
	s->fds[0] = listen_on(port200, 64);
	s->fds[1] = listen_on(port500, 64);
	assert_int_equal(pipe(s->stop_pipe), 0);
	assert_int_equal(pthread_create(&s->th, NULL, http_main, s), 0);
}

static void http_stop(struct http_srv *s)
{
	assert_int_equal(write(s->stop_pipe[1], "x", 1), 1);
	pthread_join(s->th, NULL);
	close(s->fds[0]);
	close(s->fds[1]);
	close(s->stop_pipe[0]);
	close(s->stop_pipe[1]);
}

static struct vos_probe_target tcp_target(const char *addr, int port)
{
	struct vos_probe_target t;
	memset(&t, 0, sizeof(t));
	t.service = "svc";
	t.host = "h";
	t.address = addr;
	t.port = port;
	t.check = VOS_CHECK_TCP;
	return t;
}


/* A listener whose accept queue is full (listen(0), never accepted): a further connect() cannot
 * complete inside the call (the SYN is dropped until a place frees up), so the probe takes the
 * asynchronous path: EINPROGRESS, epoll, then SO_ERROR. The queued client sockets go to fill[]. */
struct full_listener {
	int lfd, port;
	int fill[8];
	int nfill;
};

static void full_listener_open(struct full_listener *fl)
{
	struct sockaddr_in sin;
	int k;
	memset(fl, 0, sizeof(*fl));
	fl->lfd = listen_on(&fl->port, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)fl->port);
	for (k = 0; k < (int)VOS_ARRAY_SIZE(fl->fill); k++) {
		int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		struct pollfd p;
		assert_true(c >= 0);
		if (connect(c, (struct sockaddr *)&sin, sizeof(sin)) < 0)
			assert_int_equal(errno, EINPROGRESS);
		p.fd = c;
		p.events = POLLOUT;
		p.revents = 0;
		if (poll(&p, 1, 200) == 1) {
			fl->fill[fl->nfill++] = c; /* queued: the backlog has room for it */
			continue;
		}
		close(c); /* this one did not complete: the queue is full */
		assert_true(fl->nfill >= 1);
		return;
	}
	fail_msg("the listener's backlog never filled");
}

static void full_listener_close(struct full_listener *fl)
{
	int k;
	for (k = 0; k < fl->nfill; k++)
		close(fl->fill[k]);
	if (fl->lfd >= 0)
		close(fl->lfd);
	fl->lfd = -1;
}

/* run by the progress callback once: frees a place in the queue (accept) or closes the listener */
struct progress_action {
	struct full_listener *fl;
	bool accept_one, close_listener, done;
	int accepted;
	size_t calls;
};

static void progress_act(size_t done, size_t total, void *payload)
{
	struct progress_action *a = payload;
	VOS_UNUSED(done);
	VOS_UNUSED(total);
	a->calls++;
	if (a->done)
		return;
	a->done = true;
	if (a->accept_one)
		a->accepted = accept(a->fl->lfd, NULL, NULL);
	if (a->close_listener) {
		close(a->fl->lfd);
		a->fl->lfd = -1;
	}
}

/* ------------------------------------------------------------------ tests */

static void test_tcp_up_and_down(void **state)
{
	int open_port, lfd = listen_on(&open_port, 16);
	struct vos_probe_target t[2];
	struct vos_probe_result r[2];
	struct vos_err err = VOS_ERR_INIT;
	double t0, t1;
	VOS_UNUSED(state);
	t[0] = tcp_target("127.0.0.1", open_port);
	t[1] = tcp_target("127.0.0.1", closed_port());
	t0 = now_s();
	assert_int_equal(vos_probe_run(r, t, 2, NULL, &err), 0);
	t1 = now_s();
	assert_int_equal(r[0].state, VOS_PROBE_UP);
	assert_true(r[0].probed);
	assert_int_equal(r[1].state, VOS_PROBE_DOWN);
	assert_string_equal(r[1].detail, "connection refused");
	assert_string_equal(r[1].service, "svc");
	assert_int_equal(r[1].port, t[1].port);
	/* the latency is measured inside the run: never negative, never longer than the run itself */
	assert_true(r[0].latency_ms >= 0 && r[0].latency_ms <= (t1 - t0) * 1000.0);
	assert_true(r[1].latency_ms >= 0 && r[1].latency_ms <= (t1 - t0) * 1000.0);
	vos_probe_result_release_array(r, 2);
	close(lfd);
}

/* Without a scope the engine connects to loopback only; what is outside is skipped, with its reason */
static void test_refuses_outside_scope(void **state)
{
	struct vos_probe_target t[4];
	struct vos_probe_result r[4];
	struct vos_scope sc;
	struct vos_probe_options o;
	size_t i;
	VOS_UNUSED(state);
	t[0] = tcp_target("192.168.1.70", 4000);
	t[1] = tcp_target("localhost", 80);     /* a name that was not planned (resolved) is refused */
	t[2] = tcp_target(NULL, 80);
	t[2].check = VOS_CHECK_HTTP;
	t[3] = tcp_target("2001:db8::1", 80);
	assert_int_equal(vos_probe_run(r, t, 4, NULL, NULL), 0);
	assert_int_equal(r[0].state, VOS_PROBE_SKIPPED);
	assert_string_equal(r[0].detail, "address 192.168.1.70 is outside the probe scope");
	assert_int_equal(r[1].state, VOS_PROBE_SKIPPED);
	assert_string_equal(r[1].detail, "host name 'localhost' was not resolved");
	assert_int_equal(r[2].state, VOS_PROBE_SKIPPED);
	assert_string_equal(r[2].detail, "no address known");
	assert_string_equal(r[3].detail, "address 2001:db8::1 is outside the probe scope");
	for (i = 0; i < 4; i++) { /* nothing was started, so nothing was waited for */
		assert_false(r[i].probed);
		assert_true(r[i].latency_ms == 0);
	}
	vos_probe_result_release_array(r, 4);

	/* a plan that says "probe" is checked again against the engine's scope */
	vos_scope_init(&sc);
	assert_int_equal(vos_scope_add_list(&sc, "198.51.100.0/24", NULL, NULL, NULL), 0);
	vos_probe_options_init(&o);
	o.scope = &sc;
	t[0] = tcp_target("127.0.0.1", 1);
	assert_int_equal(vos_probe_run(r, t, 1, &o, NULL), 0);
	assert_int_equal(r[0].state, VOS_PROBE_SKIPPED);
	assert_string_equal(r[0].detail, "address 127.0.0.1 is outside the probe scope");
	vos_probe_result_release_array(r, 1);
	vos_scope_release(&sc);
}

/* The scope of a 192.168.x lab (and 2001:db8::/32), its narrowing, and the plan's decisions:
 * nothing here is ever connected to (the documentation ranges are never contacted) */
static void test_scope_and_plan_decisions(void **state)
{
	struct vos_inventory inv;
	struct vos_vlan vl[2];
	struct vos_scope sc;
	struct vos_probe_target t[7];
	const char *cli[2];
	struct vos_err err = VOS_ERR_INIT;
	char *txt, buf[200];
	bool declared;
	VOS_UNUSED(state);
	memset(&inv, 0, sizeof(inv));
	memset(vl, 0, sizeof(vl));
	vl[0].cidr = (char *)"192.168.10.0/24";
	vl[1].cidr = (char *)"2001:db8:10::/48";
	inv.vlans = vl;
	inv.nvlans = 2;

	/* default: the union of the VLANs */
	assert_int_equal(vos_probe_scope_build(&sc, &declared, &inv, NULL, false, NULL, 0, NULL, &err), 0);
	assert_true(declared);
	txt = vos_probe_scope_text(&sc);
	assert_string_equal(txt, "192.168.10.0/24, 2001:db8:10::/48");
	free(txt);
	t[0] = tcp_target("192.168.10.5", 22);
	t[1] = tcp_target("192.168.11.5", 22);
	t[2] = tcp_target("2001:db8:10::5", 22);
	t[3] = tcp_target("192.168.10.300", 22);
	t[4] = tcp_target(NULL, 22);
	t[5] = tcp_target("skynet.lan:4000", 22);
	t[6] = tcp_target("::ffff:192.168.11.5", 22); /* IPv4 in IPv6 clothing is still outside */
	assert_int_equal(vos_probe_plan(t, 7, &sc, declared, NULL, 500, false, &err), 0);
	assert_int_equal(t[0].decision, VOS_PLAN_PROBE);
	assert_true(t[0].has_ip);
	assert_int_equal(t[1].decision, VOS_PLAN_OUTSIDE);
	assert_string_equal(vos_probe_decision_text(&t[1], buf, sizeof(buf)),
	                    "address 192.168.11.5 is outside the probe scope");
	assert_int_equal(t[2].decision, VOS_PLAN_PROBE);
	assert_int_equal(t[3].decision, VOS_PLAN_INVALID);
	assert_non_null(strstr(vos_probe_decision_text(&t[3], buf, sizeof(buf)), "invalid address '192.168.10.300'"));
	assert_int_equal(t[4].decision, VOS_PLAN_NO_ADDRESS);
	assert_int_equal(t[5].decision, VOS_PLAN_INVALID);
	assert_int_equal(t[6].decision, VOS_PLAN_OUTSIDE);
	vos_scope_release(&sc);

	/* --scope narrows (twice: the intersection), the environment narrows further */
	cli[0] = "192.168.10.0/28,2001:db8::/32";
	cli[1] = "192.168.0.0/16";
	assert_int_equal(vos_probe_scope_build(&sc, &declared, &inv, NULL, false, cli, 2, "192.168.10.0/29", &err), 0);
	txt = vos_probe_scope_text(&sc);
	assert_string_equal(txt, "192.168.10.0/29");
	free(txt);
	vos_scope_release(&sc);
	/* the environment can never widen it */
	assert_int_equal(vos_probe_scope_build(&sc, &declared, &inv, NULL, false, NULL, 0, "0.0.0.0/0,::/0", &err), 0);
	txt = vos_probe_scope_text(&sc);
	assert_string_equal(txt, "192.168.10.0/24, 2001:db8:10::/48");
	free(txt);
	vos_scope_release(&sc);
	/* probe.scope replaces the VLANs */
	assert_int_equal(vos_probe_scope_build(&sc, &declared, &inv, "192.0.2.0/24", true, NULL, 0, NULL, &err), 0);
	assert_false(vos_scope_contains(&sc, &t[0].ip));
	vos_scope_release(&sc);
	/* a bad --scope or environment entry is an input error that names it */
	cli[0] = "192.168.10.0/33";
	assert_int_equal(vos_probe_scope_build(&sc, &declared, &inv, NULL, false, cli, 1, NULL, &err), VOS_EINPUT);
	assert_non_null(strstr(err.msg, "--scope: invalid network '192.168.10.0/33'"));
	vos_err_clear(&err);
	vos_scope_release(&sc);
	assert_int_equal(vos_probe_scope_build(&sc, &declared, &inv, NULL, false, NULL, 0, "lan", &err), VOS_EINPUT);
	assert_non_null(strstr(err.msg, "VOSCTL_PROBE_SCOPE: invalid network 'lan'"));
	vos_err_clear(&err);
	vos_scope_release(&sc);

	/* no VLAN, no probe.scope: nothing is in scope, and the reason says why */
	inv.nvlans = 0;
	assert_int_equal(vos_probe_scope_build(&sc, &declared, &inv, NULL, false, NULL, 0, NULL, &err), 0);
	assert_false(declared);
	t[0] = tcp_target("192.168.10.5", 22);
	assert_int_equal(vos_probe_plan(t, 1, &sc, declared, NULL, 500, false, &err), 0);
	assert_int_equal(t[0].decision, VOS_PLAN_NO_SCOPE);
	assert_string_equal(vos_probe_decision_text(&t[0], buf, sizeof(buf)),
	                    "no probe scope: the lab declares no VLAN and no probe.scope");
	vos_scope_release(&sc);
}

/* Progress callback: were the two hanging listeners' clients connected at the same moment? Each
 * listener's connection is accepted once it arrives; a client is still there while reading its
 * socket (the request drained) would block rather than see the end of the stream. */
struct both_pending {
	int lfd[2], c[2];
	bool seen;
};

static bool client_alive(int c)
{
	char buf[512];
	ssize_t n;
	while ((n = recv(c, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		;
	return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

static void both_pending_cb(size_t done, size_t total, void *payload)
{
	struct both_pending *b = payload;
	int k;
	VOS_UNUSED(done);
	VOS_UNUSED(total);
	for (k = 0; k < 2; k++) {
		struct pollfd p = {b->lfd[k], POLLIN, 0};
		if (b->c[k] < 0 && poll(&p, 1, 0) == 1)
			b->c[k] = accept(b->lfd[k], NULL, NULL);
	}
	if (b->c[0] >= 0 && b->c[1] >= 0 && client_alive(b->c[0]) && client_alive(b->c[1]))
		b->seen = true;
}

static void test_http_states(void **state)
{
	struct http_srv srv;
	int p200, p500, hang_port, hang = listen_on(&hang_port, 16);
	int hang2_port, hang2 = listen_on(&hang2_port, 16);
	struct vos_probe_target t[6];
	struct vos_probe_result r[6];
	struct vos_probe_options o;
	struct both_pending both = {{hang, hang2}, {-1, -1}, false};
	VOS_UNUSED(state);
	http_start(&srv, &p200, &p500);
	t[0] = tcp_target("127.0.0.1", p200);
	t[0].check = VOS_CHECK_HTTP;
	t[0].path = "/health";
	t[1] = t[0];
	t[1].port = p500;
	t[2] = t[0];
	t[2].body = "not there";
	t[3] = t[0];
	t[3].port = hang_port;             /* accepts (backlog) and never answers */
	t[4] = t[0];
	t[4].port = p500;
	t[4].status_min = 500;
	t[4].status_max = 599;
	t[5] = t[3];
	t[5].port = hang2_port;
	vos_probe_options_init(&o);
	o.timeout_ms = 400;
	o.progress = both_pending_cb;
	o.payload = &both;
	assert_int_equal(vos_probe_run(r, t, 6, &o, NULL), 0);
	assert_true(both.seen); /* all at once, not one after the other */
	assert_int_equal(r[0].state, VOS_PROBE_UP);
	assert_int_equal(r[0].status, 200);
	assert_int_equal(r[1].state, VOS_PROBE_ERROR);
	assert_int_equal(r[1].status, 500);
	assert_string_equal(r[1].detail, "HTTP status 500, expected 200-399");
	assert_int_equal(r[2].state, VOS_PROBE_ERROR);
	assert_string_equal(r[2].detail, "body does not contain 'not there'");
	assert_int_equal(r[3].state, VOS_PROBE_TIMEOUT);
	assert_true(r[3].latency_ms >= 350);
	assert_int_equal(r[4].state, VOS_PROBE_UP);
	assert_int_equal(r[5].state, VOS_PROBE_TIMEOUT);
	vos_probe_result_release_array(r, 6);
	http_stop(&srv);
	close(hang);
	close(hang2);
	close(both.c[0]);
	close(both.c[1]);
}

static void test_many_under_small_cap_no_fd_leak(void **state)
{
	enum { N = 600 };
	int ports[4], lfds[4], k;
	struct vos_probe_target *t = calloc(N, sizeof(*t));
	struct vos_probe_result *r = calloc(N, sizeof(*r));
	struct vos_probe_options o;
	size_t before, i, up = 0;
	VOS_UNUSED(state);
	for (k = 0; k < 4; k++)
		lfds[k] = listen_on(&ports[k], 1024);
	for (i = 0; i < N; i++)
		t[i] = tcp_target("127.0.0.1", i % 2 ? ports[i % 4] : closed_port());
	vos_probe_options_init(&o);
	o.concurrency = 7; /* far fewer slots than targets */
	before = count_fds();
	assert_int_equal(vos_probe_run(r, t, N, &o, NULL), 0);
	assert_int_equal(count_fds(), before);
	for (i = 0; i < N; i++) {
		assert_int_equal(r[i].state, i % 2 ? VOS_PROBE_UP : VOS_PROBE_DOWN);
		up += r[i].state == VOS_PROBE_UP;
	}
	assert_int_equal(up, N / 2);
	vos_probe_result_release_array(r, N);
	free(t);
	free(r);
	for (k = 0; k < 4; k++)
		close(lfds[k]);
}

/* Probes one TCP target on a fresh full listener (fl) with a 10 s timeout while a's action runs
 * on the progress ticks (a's other fields are the caller's). */
static void run_full_listener(struct full_listener *fl, struct progress_action *a,
                              struct vos_probe_result *r)
{
	struct vos_probe_target t = tcp_target("127.0.0.1", 0);
	struct vos_probe_options o;
	full_listener_open(fl);
	t.port = fl->port;
	a->fl = fl;
	vos_probe_options_init(&o);
	o.timeout_ms = 10000;
	o.progress = progress_act;
	o.payload = a;
	assert_int_equal(vos_probe_run(r, &t, 1, &o, NULL), 0);
}

/* A connect that does not complete inside connect(): the target waits on epoll; once the listener
 * accepts a queued connection, the client's SYN retransmission (about 1 s later) gets in: up. */
static void test_tcp_async_connect_up(void **state)
{
	struct full_listener fl;
	struct progress_action a;
	struct vos_probe_result r;
	VOS_UNUSED(state);
	memset(&a, 0, sizeof(a));
	a.accept_one = true;
	run_full_listener(&fl, &a, &r);
	assert_true(a.accepted >= 0); /* the place was freed while the probe waited */
	assert_int_equal(r.state, VOS_PROBE_UP);
	assert_null(r.detail);
	assert_true(r.probed);
	/* it waited for the retransmission: the synchronous path would have been done before the
	 * first progress tick (a lower bound: load can only make it longer) */
	assert_true(r.latency_ms >= 500);
	if (a.accepted >= 0)
		close(a.accepted);
	full_listener_close(&fl);
}

/* The asynchronous connect fails later: the listener goes away while the SYN waits, and the
 * retransmission is refused (SO_ERROR after the epoll event). */
static void test_tcp_async_connect_refused(void **state)
{
	struct full_listener fl;
	struct progress_action a;
	struct vos_probe_result r;
	VOS_UNUSED(state);
	memset(&a, 0, sizeof(a));
	a.close_listener = true;
	run_full_listener(&fl, &a, &r);
	assert_true(a.done);
	assert_int_equal(r.state, VOS_PROBE_DOWN);
	assert_string_equal(r.detail, "connection refused");
	vos_probe_result_release_array(&r, 1);
	full_listener_close(&fl);
}

/* The per-target deadline: a connect that never completes is a timeout after timeout_ms, while a
 * reachable target of the same run is still up. */
static void test_tcp_per_target_timeout(void **state)
{
	struct full_listener fl;
	int open_port, lfd = listen_on(&open_port, 16);
	struct vos_probe_target t[2];
	struct vos_probe_result r[2];
	struct vos_probe_options o;
	VOS_UNUSED(state);
	full_listener_open(&fl);
	t[0] = tcp_target("127.0.0.1", fl.port);
	t[1] = tcp_target("127.0.0.1", open_port);
	vos_probe_options_init(&o);
	o.timeout_ms = 300;
	o.deadline_ms = 600000; /* far away: only the per-target limit can end the wait */
	assert_int_equal(vos_probe_run(r, t, 2, &o, NULL), 0);
	assert_int_equal(r[0].state, VOS_PROBE_TIMEOUT);
	assert_string_equal(r[0].detail, "no answer within 300 ms");
	assert_true(r[0].probed);
	assert_true(r[0].latency_ms >= 300); /* not before its time */
	assert_int_equal(r[1].state, VOS_PROBE_UP);
	vos_probe_result_release_array(r, 2);
	close(lfd);
	full_listener_close(&fl);
}

/* Only loopback exists here: the suite's private network namespace (its sysctls are its own). */
static bool in_private_netns(void)
{
	FILE *f = fopen("/proc/net/dev", "r");
	char line[256];
	int ifaces = 0, lo = 0;
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (strchr(line, ':')) {
			ifaces++;
			lo += strstr(line, "lo:") != NULL;
		}
	fclose(f);
	return ifaces == 1 && lo == 1 && getuid() == 0;
}

/* A closed port in the local port range can be given itself as the source port: the connect then
 * reaches its own socket (TCP simultaneous open) and succeeds where nothing listens. Forced here by
 * a local port range of that one port: the target is down, not up. */
static void test_self_connect_is_not_up(void **state)
{
	const char *range = "/proc/sys/net/ipv4/ip_local_port_range";
	char saved[64] = "";
	struct vos_probe_target t[2];
	struct vos_probe_result r[2];
	struct vos_probe_options o;
	int port = closed_port();
	FILE *f;
	VOS_UNUSED(state);
	if (!in_private_netns())
		skip(); /* never narrow the port range of a real machine */
	f = fopen(range, "r");
	assert_non_null(f);
	assert_non_null(fgets(saved, sizeof(saved), f));
	fclose(f);
	f = fopen(range, "w");
	assert_non_null(f);
	fprintf(f, "%d %d\n", port, port);
	assert_int_equal(fclose(f), 0);
	t[0] = tcp_target("127.0.0.1", port);
	t[1] = tcp_target("127.0.0.1", port); /* again, on the socket the first one left */
	vos_probe_options_init(&o);
	o.threads = 1;
	assert_int_equal(vos_probe_run(r, t, 2, &o, NULL), 0);
	f = fopen(range, "w");
	assert_non_null(f);
	fputs(saved, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(r[0].state, VOS_PROBE_DOWN);
	assert_non_null(strstr(r[0].detail, "reached its own socket"));
	assert_int_equal(r[1].state, VOS_PROBE_DOWN);
	vos_probe_result_release_array(r, 2);
}

/* Counts the results of a run ended by its overall deadline (every target on port, all timeouts):
 * in flight when it came (probed, at least min_ms old) or never started (unprobed). */
static void count_deadline_results(const struct vos_probe_result *r, size_t n, int port, double min_ms,
                                   size_t *inflight, size_t *unstarted)
{
	size_t i;
	*inflight = *unstarted = 0;
	for (i = 0; i < n; i++) {
		assert_int_equal(r[i].state, VOS_PROBE_TIMEOUT);
		assert_int_equal(r[i].port, port);
		assert_string_equal(r[i].service, "svc");
		assert_non_null(r[i].detail);
		if (!strcmp(r[i].detail, "overall deadline reached")) {
			assert_true(r[i].probed);
			assert_true(r[i].latency_ms >= min_ms);
			(*inflight)++;
		} else {
			assert_string_equal(r[i].detail, "not started before the overall deadline");
			assert_false(r[i].probed);
			(*unstarted)++;
		}
	}
}

/* The overall deadline: targets in flight end as "overall deadline reached", those never started
 * (concurrency 1 gives two slots) as "not started before the overall deadline", unprobed. */
static void test_overall_deadline(void **state)
{
	struct full_listener fl;
	struct vos_probe_target t[4];
	struct vos_probe_result r[4];
	struct vos_probe_options o;
	size_t i, inflight = 0, unstarted = 0;
	VOS_UNUSED(state);
	full_listener_open(&fl);
	for (i = 0; i < 4; i++)
		t[i] = tcp_target("127.0.0.1", fl.port);
	vos_probe_options_init(&o);
	o.timeout_ms = 600000;
	o.deadline_ms = 300;
	o.concurrency = 1;
	assert_int_equal(vos_probe_run(r, t, 4, &o, NULL), 0);
	count_deadline_results(r, 4, fl.port, 300, &inflight, &unstarted);
	assert_int_equal(inflight, 2);
	assert_int_equal(unstarted, 2);
	assert_string_equal(r[3].detail, "not started before the overall deadline");
	vos_probe_result_release_array(r, 4);
	full_listener_close(&fl);
}

/* A socket the engine settled inside start_one serves the next target (connect again after a
 * refusal, or after connect(AF_UNSPEC) reset an open one): each reused socket still tells up from
 * down, and one that goes on to the asynchronous path (a full listener, freed on the first
 * progress tick) is up, not "connection reset" left over from the reset before it. */
static void test_reused_sockets_keep_states_apart(void **state)
{
	struct full_listener fl;
	struct progress_action a;
	int open_port, lfd = listen_on(&open_port, 64), closed = closed_port();
	struct vos_probe_target t[6];
	struct vos_probe_result r[6];
	struct vos_probe_options o;
	size_t before, i;
	VOS_UNUSED(state);
	full_listener_open(&fl);
	before = count_fds();
	t[0] = tcp_target("127.0.0.1", closed);
	t[1] = tcp_target("127.0.0.1", open_port);
	t[2] = tcp_target("127.0.0.1", closed);
	t[3] = tcp_target("127.0.0.1", open_port);
	t[4] = tcp_target("127.0.0.1", fl.port);
	t[5] = tcp_target("127.0.0.1", closed);
	memset(&a, 0, sizeof(a));
	a.fl = &fl;
	a.accept_one = true;
	vos_probe_options_init(&o);
	o.threads = 1;
	o.timeout_ms = 10000;
	o.progress = progress_act;
	o.payload = &a;
	assert_int_equal(vos_probe_run(r, t, 6, &o, NULL), 0);
	assert_true(a.accepted >= 0);
	assert_int_equal(count_fds(), before + 1); /* a.accepted: the engine closed its spares */
	for (i = 0; i < 6; i++)
		assert_true(r[i].probed);
	assert_int_equal(r[0].state, VOS_PROBE_DOWN);
	assert_string_equal(r[0].detail, "connection refused");
	assert_int_equal(r[1].state, VOS_PROBE_UP);
	assert_int_equal(r[2].state, VOS_PROBE_DOWN);
	assert_string_equal(r[2].detail, "connection refused");
	assert_int_equal(r[3].state, VOS_PROBE_UP);
	assert_int_equal(r[4].state, VOS_PROBE_UP);
	assert_null(r[4].detail);
	assert_true(r[4].latency_ms >= 500); /* it did wait on epoll for the retransmission */
	assert_int_equal(r[5].state, VOS_PROBE_DOWN);
	close(a.accepted);
	full_listener_close(&fl);
	close(lfd);
	vos_probe_result_release_array(r, 6);
}

/* Several engines (threads) share one run: the same results, in target order, as one engine, and
 * no descriptor left behind. */
static void test_engines_on_threads_agree(void **state)
{
	enum { N = 3000 };
	int ports[3], lfds[3], closed[5], k;
	struct vos_probe_target *t = calloc(N, sizeof(*t));
	struct vos_probe_result *r1 = calloc(N, sizeof(*r1)), *r4 = calloc(N, sizeof(*r4));
	struct vos_probe_options o;
	size_t before, i, up = 0;
	VOS_UNUSED(state);
	for (k = 0; k < 3; k++)
		lfds[k] = listen_on(&ports[k], 4096);
	for (k = 0; k < 5; k++)
		closed[k] = closed_port();
	for (i = 0; i < N; i++)
		t[i] = tcp_target("127.0.0.1", i % 3 == 1 ? ports[i % 3] : closed[i % 5]);
	vos_probe_options_init(&o);
	before = count_fds();
	o.threads = 1;
	assert_int_equal(vos_probe_run(r1, t, N, &o, NULL), 0);
	o.threads = 4;
	assert_int_equal(vos_probe_run(r4, t, N, &o, NULL), 0);
	assert_int_equal(count_fds(), before);
	for (i = 0; i < N; i++) {
		enum vos_probe_state want = i % 3 == 1 ? VOS_PROBE_UP : VOS_PROBE_DOWN;
		assert_int_equal(r1[i].state, want);
		assert_int_equal(r4[i].state, want);
		assert_int_equal(r4[i].port, t[i].port);
		assert_ptr_equal(r4[i].service, t[i].service);
		assert_true(r4[i].probed);
		up += r4[i].state == VOS_PROBE_UP;
	}
	assert_int_equal(up, N / 3);
	vos_probe_result_release_array(r1, N);
	vos_probe_result_release_array(r4, N);
	free(t);
	free(r1);
	free(r4);
	for (k = 0; k < 3; k++)
		close(lfds[k]);
}

/* The overall deadline with two engines: each holds its share of the cap (64) in flight; what no
 * engine claimed in time is "not started", unprobed, and every target has its result. */
static void test_overall_deadline_two_engines(void **state)
{
	enum { N = 600 };
	struct full_listener fl;
	struct vos_probe_target *t = calloc(N, sizeof(*t));
	struct vos_probe_result *r = calloc(N, sizeof(*r));
	struct vos_probe_options o;
	size_t i, inflight = 0, unstarted = 0;
	VOS_UNUSED(state);
	full_listener_open(&fl);
	for (i = 0; i < N; i++)
		t[i] = tcp_target("127.0.0.1", fl.port);
	vos_probe_options_init(&o);
	o.timeout_ms = 600000;
	o.deadline_ms = 1000; /* room for the second thread to start, even on a loaded machine */
	o.concurrency = 128;
	o.threads = 2;
	assert_int_equal(vos_probe_run(r, t, N, &o, NULL), 0);
	/* a target the second engine started later is younger than the run when the deadline comes */
	count_deadline_results(r, N, fl.port, 0, &inflight, &unstarted);
	assert_int_equal(inflight, 128);
	assert_int_equal(unstarted, N - 128);
	vos_probe_result_release_array(r, N);
	free(t);
	free(r);
	full_listener_close(&fl);
}

/* The concurrency cap follows the descriptor limit: the soft RLIMIT_NOFILE less the open
 * descriptors and a reserve of 24; a request below that is kept as it is. */
static void test_effective_concurrency_follows_rlimit(void **state)
{
	struct rlimit saved, low;
	size_t open_now, got;
	VOS_UNUSED(state);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
	low = saved;
	low.rlim_cur = 200;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	open_now = count_fds();
	got = vos_probe_effective_concurrency(100000);
	assert_int_equal(got, 200 - 24 - open_now);
	assert_int_equal(vos_probe_effective_concurrency(5), 5);
	assert_int_equal(vos_probe_effective_concurrency(0), got); /* 0 asks for the default, 4096 */
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);
}

static void test_parse_ports(void **state)
{
	int *p = NULL;
	size_t n = 0;
	struct vos_err err = VOS_ERR_INIT;
	VOS_UNUSED(state);
	assert_int_equal(vos_probe_parse_ports(&p, &n, "22,1-3,3,8100-8109", &err), 0);
	assert_int_equal(n, 14);
	assert_int_equal(p[0], 1);
	assert_int_equal(p[3], 22);
	assert_int_equal(p[13], 8109);
	free(p);
	assert_int_equal(vos_probe_parse_ports(&p, &n, "1-65535", &err), 0);
	assert_int_equal(n, 65535);
	free(p);
	assert_int_equal(vos_probe_parse_ports(&p, &n, "0-10", &err), VOS_EINPUT);
	assert_non_null(err.msg);
	assert_non_null(strstr(err.msg, "invalid port list '0-10'"));
	vos_err_clear(&err);
	assert_int_equal(vos_probe_parse_ports(&p, &n, "10-5", &err), VOS_EINPUT);
	vos_err_clear(&err);
	assert_int_equal(vos_probe_parse_ports(&p, &n, "80,", &err), VOS_EINPUT);
	vos_err_clear(&err);
	assert_int_equal(vos_probe_parse_ports(&p, &n, "70000", &err), VOS_EINPUT);
	vos_err_clear(&err);
}

static void test_json_roundtrip(void **state)
{
	struct vos_probe_result r[2];
	struct vos_probe_open u = {"skynet", "127.0.10.1", 8080};
	struct vos_probe_results back;
	char path[] = "/tmp/vos-probe-json-XXXXXX";
	char *file, *json;
	struct vos_err err = VOS_ERR_INIT;
	VOS_UNUSED(state);
	assert_non_null(mkdtemp(path));
	file = vos_asprintf("%s/sub/dir/last.json", path);
	memset(r, 0, sizeof(r));
	r[0].service = "litellm"; r[0].host = "skynet"; r[0].address = "127.0.10.1"; r[0].port = 4000;
	r[0].check = VOS_CHECK_HTTP; r[0].state = VOS_PROBE_ERROR; r[0].status = 500; r[0].latency_ms = 1.25;
	r[0].detail = vos_strdup("HTTP status 500, expected 200-399"); r[0].probed = true;
	r[1].service = "x"; r[1].host = "h"; r[1].address = "10.0.0.1"; r[1].port = 1;
	r[1].state = VOS_PROBE_ERROR; r[1].detail = vos_strdup("refusing to probe non-loopback address 10.0.0.1");
	json = vos_probe_results_json(r, 2, &u, 1, true);
	assert_non_null(strstr(json, "\"summary\""));
	assert_non_null(strstr(json, "\"status\": null"));
	assert_non_null(strstr(json, "\"undeclared\""));
	free(json);
	assert_int_equal(vos_probe_results_save(file, r, 2, &u, 1, true, &err), 0);
	assert_int_equal(vos_probe_results_load(&back, file, &err), 0);
	assert_int_equal(back.n, 2);
	assert_string_equal(back.items[0].service, "litellm");
	assert_int_equal(back.items[0].status, 500);
	assert_int_equal(back.items[0].check, VOS_CHECK_HTTP);
	assert_true(back.items[0].latency_ms > 1.2 && back.items[0].latency_ms < 1.3);
	assert_true(back.items[0].probed);
	assert_false(back.items[1].probed);
	assert_int_equal(back.summary[VOS_PROBE_ERROR], 2);
	assert_int_equal(back.nundeclared, 1);
	assert_int_equal(back.undeclared[0].port, 8080);
	vos_probe_results_release(&back);
	/* not found, and garbage */
	assert_int_equal(vos_probe_results_load(&back, "/nonexistent/x.json", &err), VOS_ENOTFOUND);
	vos_err_clear(&err);
	assert_int_equal(vos_file_write(file, "{\"results\": 3}", 14, 0, NULL, NULL), 0);
	assert_int_equal(vos_probe_results_load(&back, file, &err), VOS_EINPUT);
	assert_non_null(strstr(err.msg, "no \"results\" array"));
	vos_err_clear(&err);
	vos_probe_results_release(&back);
	vos_probe_result_release_array(r, 2);
	remove(file);
	free(file);
	file = vos_asprintf("%s/sub/dir", path); remove(file); free(file);
	file = vos_asprintf("%s/sub", path); remove(file); free(file);
	remove(path);
}

/* The dns and certificate fields are written and read back by the one reader */
static void test_json_dns_and_cert_roundtrip(void **state)
{
	struct vos_probe_result r[2];
	struct vos_probe_results back;
	struct vos_err err = VOS_ERR_INIT;
	char *json;
	VOS_UNUSED(state);
	memset(r, 0, sizeof(r));
	r[0].service = "unbound"; r[0].host = "hal"; r[0].address = "127.0.0.1"; r[0].port = 53;
	r[0].check = VOS_CHECK_DNS; r[0].udp = true; r[0].query = "hal.lan"; r[0].state = VOS_PROBE_ERROR;
	r[0].detail = vos_strdup("NXDOMAIN for 'hal.lan'"); r[0].probed = true;
	r[1].service = "vault"; r[1].host = "hal"; r[1].address = "127.0.0.1"; r[1].port = 8443;
	r[1].check = VOS_CHECK_HTTPS; r[1].state = VOS_PROBE_UP; r[1].status = 200; r[1].probed = true;
	r[1].cert_expiry = 1800000000; /* 2027-01-15T08:00:00Z */
	json = vos_probe_results_json(r, 2, NULL, 0, false);
	assert_non_null(strstr(json, "\"check\": \"dns\""));
	assert_non_null(strstr(json, "\"proto\": \"udp\""));
	assert_non_null(strstr(json, "\"query\": \"hal.lan\""));
	assert_non_null(strstr(json, "\"cert_expiry\": 1800000000"));
	assert_non_null(strstr(json, "\"cert_expiry_date\": \"2027-01-15T08:00:00Z\""));
	assert_int_equal(vos_probe_results_parse(&back, "x.json", json, strlen(json), &err), 0);
	assert_int_equal(back.n, 2);
	assert_int_equal(back.items[0].check, VOS_CHECK_DNS);
	assert_true(back.items[0].udp);
	assert_string_equal(back.items[0].query, "hal.lan");
	assert_int_equal(back.items[0].cert_expiry, 0);
	assert_int_equal(back.items[1].check, VOS_CHECK_HTTPS);
	assert_false(back.items[1].udp);
	assert_null(back.items[1].query);
	assert_int_equal(back.items[1].cert_expiry, 1800000000);
	vos_probe_results_release(&back);
	free(json);
	vos_probe_result_release_array(r, 2);
}

/* A certificate inside probe.tls_expiry_days is a warning at its port, a past one an error; days
 * round down, and a result without expiry (or not https) says nothing */
static void test_cert_findings(void **state)
{
	struct vos_model m;
	struct vos_service inv;
	struct vos_port ports[3];
	struct vos_probe_result r[4];
	struct vos_diags d;
	const long long now = 1800000000;
	VOS_UNUSED(state);
	memset(&m, 0, sizeof(m));
	memset(&inv, 0, sizeof(inv));
	memset(ports, 0, sizeof(ports));
	vos_map_init(&m.service_by_id, false);
	vos_map_init(&m.host_by_name, false);
	m.services = calloc(1, sizeof(*m.services));
	m.nservices = 1;
	inv.id = (char *)"vault";
	inv.loc = (struct vos_loc){"inv.yaml", 3, 5};
	inv.ports = ports;
	inv.nports = 3;
	ports[0] = (struct vos_port){.port = 8443, .port_end = 8443, .check = VOS_CHECK_HTTPS, .loc = {"inv.yaml", 7, 9}};
	ports[1] = (struct vos_port){.port = 9443, .port_end = 9445, .check = VOS_CHECK_HTTPS, .loc = {"inv.yaml", 8, 9}};
	ports[2] = (struct vos_port){.port = 443, .port_end = 443, .check = VOS_CHECK_HTTPS, .loc = {"inv.yaml", 9, 9}};
	m.services[0].id = "vault";
	m.services[0].name = "Vault";
	m.services[0].inv = &inv;
	m.services[0].host = -1;
	vos_map_put(&m.service_by_id, "vault", (void *)(uintptr_t)1);
	memset(r, 0, sizeof(r));
	r[0] = (struct vos_probe_result){.service = "vault", .port = 8443, .check = VOS_CHECK_HTTPS,
	                                 .state = VOS_PROBE_UP, .probed = true, .cert_expiry = now + 5 * 86400 - 1};
	r[1] = (struct vos_probe_result){.service = "vault", .port = 9444, .check = VOS_CHECK_HTTPS,
	                                 .state = VOS_PROBE_UP, .probed = true, .cert_expiry = now - 1};
	r[2] = (struct vos_probe_result){.service = "vault", .port = 443, .check = VOS_CHECK_HTTPS,
	                                 .state = VOS_PROBE_UP, .probed = true, .cert_expiry = now + 14 * 86400};
	r[3] = (struct vos_probe_result){.service = "vault", .port = 443, .check = VOS_CHECK_HTTPS,
	                                 .state = VOS_PROBE_UP, .probed = true};
	assert_int_equal(vos_probe_cert_days_left(now + 5 * 86400 - 1, now), 4);
	assert_int_equal(vos_probe_cert_days_left(now - 1, now), -1);
	assert_int_equal(vos_probe_cert_days_left(now, now), 0);
	vos_diags_init(&d);
	vos_probe_cert_findings(&m, r, 4, 14, now, &d);
	assert_int_equal(d.n, 2); /* 14 days left is not "within 14 days" */
	assert_string_equal(d.items[0].rule, "probe-cert-expiring");
	assert_int_equal(d.items[0].severity, VOS_SEV_WARNING);
	assert_int_equal(d.items[0].line, 7);
	assert_int_equal(d.items[0].col, 9);
	assert_string_equal(d.items[0].message, "'vault' port 8443: the certificate expires in 4 days "
	                                        "(2027-01-20T07:59:59Z; probe.tls_expiry_days is 14)");
	assert_string_equal(d.items[1].rule, "probe-cert-expired");
	assert_int_equal(d.items[1].severity, VOS_SEV_ERROR);
	assert_int_equal(d.items[1].line, 8); /* 9444 is inside the range 9443-9445 */
	assert_string_equal(d.items[1].message, "'vault' port 9444: the certificate expired on 2027-01-15T07:59:59Z");
	vos_diags_release(&d);
	vos_diags_init(&d);
	vos_probe_cert_findings(&m, r, 4, 15, now, &d);
	assert_int_equal(d.n, 3);
	vos_diags_release(&d);
	vos_map_release(&m.service_by_id);
	vos_map_release(&m.host_by_name);
	free(m.services);
}

/* A hand-built model: webui -> litellm -> vllm; webui up, litellm down, vllm down; db down alone. */
static void test_findings_dependency(void **state)
{
	struct vos_model m;
	struct vos_service inv[4];
	struct vos_strloc dep_webui = {(char *)"litellm", {"inv.yaml", 9, 5}};
	struct vos_strloc dep_lite = {(char *)"vllm", {"inv.yaml", 19, 5}};
	struct vos_probe_result r[5];
	struct vos_diags d;
	const char *ids[4] = {"open-webui", "litellm", "vllm", "postgres"};
	size_t i;
	VOS_UNUSED(state);
	memset(&m, 0, sizeof(m));
	memset(inv, 0, sizeof(inv));
	vos_map_init(&m.service_by_id, false);
	vos_map_init(&m.host_by_name, false);
	m.services = calloc(4, sizeof(*m.services));
	m.nservices = 4;
	for (i = 0; i < 4; i++) {
		inv[i].id = (char *)ids[i];
		inv[i].loc.file = "inv.yaml";
		inv[i].loc.line = (unsigned)(i * 10 + 1);
		inv[i].loc.col = 5;
		m.services[i].id = ids[i];
		m.services[i].name = ids[i];
		m.services[i].inv = &inv[i];
		m.services[i].host = -1;
		vos_map_put(&m.service_by_id, ids[i], (void *)(uintptr_t)(i + 1));
	}
	inv[0].depends_on = &dep_webui; inv[0].ndepends_on = 1;
	inv[1].depends_on = &dep_lite; inv[1].ndepends_on = 1;
	memset(r, 0, sizeof(r));
	for (i = 0; i < 4; i++) {
		r[i].service = ids[i];
		r[i].address = "127.0.10.1";
		r[i].port = 4000 + (int)i;
		r[i].probed = true;
		r[i].state = i == 0 ? VOS_PROBE_UP : VOS_PROBE_DOWN;
		r[i].detail = i == 0 ? NULL : vos_strdup("connection refused");
	}
	/* a skipped (out of scope) target says nothing about its service's state, but is an error of
	 * its own: it was not probed (no false green) */
	r[4].service = "open-webui"; r[4].address = "192.168.1.70"; r[4].port = 1;
	r[4].state = VOS_PROBE_SKIPPED; r[4].probed = false;
	r[4].detail = vos_strdup("address 192.168.1.70 is outside the probe scope");
	vos_diags_init(&d);
	vos_probe_findings(&m, r, 5, &d);
	assert_int_equal(d.n, 4); /* litellm, vllm (at the dependencies), postgres; nothing at webui */
	assert_string_equal(d.items[3].rule, "probe-not-probed");
	assert_int_equal(d.items[3].severity, VOS_SEV_ERROR);
	assert_string_equal(d.items[3].message, "'open-webui' port 1 was not probed (skipped): address "
	                                        "192.168.1.70 is outside the probe scope");
	assert_string_equal(d.items[0].rule, "probe-dependency-down");
	assert_string_equal(d.items[0].service, "litellm");
	assert_int_equal(d.items[0].line, 11);
	assert_string_equal(d.items[0].message,
	                    "'litellm' is down (127.0.10.1:4001: connection refused) while 'open-webui', "
	                    "which depends on it, is up");
	assert_string_equal(d.items[1].rule, "probe-dependency-down");
	assert_string_equal(d.items[1].service, "vllm");
	/* open-webui reaches vllm only through litellm: the message names the chain (issue 13) */
	assert_string_equal(d.items[1].message,
	                    "'vllm' is down (127.0.10.1:4002: connection refused) while 'open-webui' "
	                    "(open-webui \u2192 litellm \u2192 vllm), which depends on it, is up");
	assert_string_equal(d.items[2].rule, "probe-down");
	assert_string_equal(d.items[2].message, "'postgres' is down (127.0.10.1:4003: connection refused)");
	assert_string_equal(d.items[2].file, "inv.yaml");
	vos_diags_release(&d);
	/* nothing to probe at all is an error too */
	vos_diags_init(&d);
	vos_probe_findings(&m, r, 0, &d);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].rule, "probe-nothing");
	vos_diags_release(&d);
	vos_probe_result_release_array(r, 5);
	vos_map_release(&m.service_by_id);
	vos_map_release(&m.host_by_name);
	free(m.services);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_up_and_down),
		cmocka_unit_test(test_refuses_outside_scope),
		cmocka_unit_test(test_scope_and_plan_decisions),
		cmocka_unit_test(test_http_states),
		cmocka_unit_test(test_many_under_small_cap_no_fd_leak),
		cmocka_unit_test(test_tcp_async_connect_up),
		cmocka_unit_test(test_tcp_async_connect_refused),
		cmocka_unit_test(test_tcp_per_target_timeout),
		cmocka_unit_test(test_overall_deadline),
		cmocka_unit_test(test_reused_sockets_keep_states_apart),
		cmocka_unit_test(test_self_connect_is_not_up),
		cmocka_unit_test(test_engines_on_threads_agree),
		cmocka_unit_test(test_overall_deadline_two_engines),
		cmocka_unit_test(test_effective_concurrency_follows_rlimit),
		cmocka_unit_test(test_parse_ports),
		cmocka_unit_test(test_json_roundtrip),
		cmocka_unit_test(test_json_dns_and_cert_roundtrip),
		cmocka_unit_test(test_cert_findings),
		cmocka_unit_test(test_findings_dependency),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
