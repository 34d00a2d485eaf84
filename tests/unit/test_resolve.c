/* test_resolve.c - lib/resolve.c against a real DNS server: dnsmasq on a loopback port this test
 * obtained, answering from its own hosts file (the suite runs unit tests in a private network
 * namespace as root, so nothing else exists; every address here is only data). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"
#include "resolve.h"

#define MANY 1000               /* names n0000.lab ... in the hosts file */

static pid_t dns_pid = -1;
static char servers[64];
static char dir[] = "/tmp/vosctl-resolve-XXXXXX";
static int silent_fd = -1;      /* a UDP socket that never answers */
static char silent_server[64];

static int free_udp_port(int *keep_fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		return -1;
	if (keep_fd)
		*keep_fd = fd;
	else
		close(fd);
	return ntohs(a.sin_port);
}

static int start_dnsmasq(void **state)
{
	char hosts[128], portopt[32], hostsopt[160];
	FILE *f;
	int port, i;
	(void)state;
	if (access("/usr/sbin/dnsmasq", X_OK) != 0)
		return 0; /* the tests skip */
	if (!mkdtemp(dir))
		return -1;
	chmod(dir, 0755);
	snprintf(hosts, sizeof(hosts), "%s/hosts", dir);
	f = fopen(hosts, "w");
	if (!f)
		return -1;
	fputs("127.0.31.1 alpha.lab\n::1 alpha.lab\n127.0.31.2 beta.lab\n127.0.31.2 beta.lab\n127.0.0.1 ns.lab\n"
	      "192.0.2.5 outside.lab\n::ffff:192.0.2.6 mapped.lab\n", f);
	for (i = 0; i < MANY; i++) /* n0000.lab 127.0.40.0 ... n0999.lab 127.0.43.231 */
		fprintf(f, "127.0.%d.%d n%04d.lab\n", 40 + i / 256, i % 256, i);
	fclose(f);
	port = free_udp_port(NULL);
	if (port < 0)
		return -1;
	snprintf(servers, sizeof(servers), "127.0.0.1:%d", port);
	snprintf(portopt, sizeof(portopt), "--port=%d", port);
	snprintf(hostsopt, sizeof(hostsopt), "--addn-hosts=%s", hosts);
	dns_pid = fork();
	if (dns_pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlives this test, whatever becomes of it */
		execl("/usr/sbin/dnsmasq", "dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts",
		      "-C", "/dev/null", "--pid-file=", "--user=root", "--local=/lab/", hostsopt,
		      "--listen-address=127.0.0.1", "--bind-interfaces", portopt, "--log-facility=-",
		      "--quiet-dhcp", (char *)NULL);
		_exit(127);
	}
	/* wait until it answers */
	for (i = 0; i < 50; i++) {
		struct vos_resolve_name q = {.name = "alpha.lab"};
		struct vos_resolve_opts o = {servers, 200};
		char why[128];
		if (vos_resolve(&q, 1, &o, why, sizeof(why)) == 0 && q.status == VOS_RESOLVE_OK) {
			vos_resolve_release(&q, 1);
			break;
		}
		vos_resolve_release(&q, 1);
		usleep(100000);
	}
	port = free_udp_port(&silent_fd);
	snprintf(silent_server, sizeof(silent_server), "127.0.0.1:%d", port);
	return 0;
}

static int stop_dnsmasq(void **state)
{
	char path[160];
	(void)state;
	if (dns_pid > 0) {
		kill(dns_pid, SIGTERM);
		waitpid(dns_pid, NULL, 0);
	}
	if (silent_fd >= 0)
		close(silent_fd);
	snprintf(path, sizeof(path), "%s/hosts", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}

#define NEED_DNS()                                                            \
	do {                                                                      \
		if (dns_pid <= 0)                                                     \
			skip();                                                           \
	} while (0)

static void test_resolves_both_families(void **state)
{
	struct vos_resolve_name q[3] = {{.name = "alpha.lab"}, {.name = "beta.lab"}, {.name = "outside.lab"}};
	struct vos_resolve_opts o = {servers, 2000};
	char why[128], buf[64];
	(void)state;
	NEED_DNS();
	assert_int_equal(vos_resolve(q, 3, &o, why, sizeof(why)), 0);
	assert_int_equal(q[0].status, VOS_RESOLVE_OK);
	assert_int_equal(q[0].naddrs, 2);
	assert_string_equal(vos_ip_format(&q[0].addrs[0], buf, sizeof(buf)), "127.0.31.1");
	assert_string_equal(vos_ip_format(&q[0].addrs[1], buf, sizeof(buf)), "::1");
	assert_int_equal(q[1].status, VOS_RESOLVE_OK);
	assert_int_equal(q[1].naddrs, 1); /* one address once, however often the answer has it */
	/* an answer outside any scope is returned as data (the caller refuses it); never contacted */
	assert_int_equal(q[2].status, VOS_RESOLVE_OK);
	assert_string_equal(vos_ip_format(&q[2].addrs[0], buf, sizeof(buf)), "192.0.2.5");
	vos_resolve_release(q, 3);
}

static void test_mapped_answer_is_ipv4(void **state)
{
	struct vos_resolve_name q = {.name = "mapped.lab"};
	struct vos_resolve_opts o = {servers, 2000};
	char why[128], buf[64];
	size_t i;
	int v4 = 0;
	(void)state;
	NEED_DNS();
	assert_int_equal(vos_resolve(&q, 1, &o, why, sizeof(why)), 0);
	assert_int_equal(q.status, VOS_RESOLVE_OK);
	for (i = 0; i < q.naddrs; i++)
		if (!strcmp(vos_ip_format(&q.addrs[i], buf, sizeof(buf)), "192.0.2.6"))
			v4++;
	assert_int_equal(v4, 1);
	vos_resolve_release(&q, 1);
}

static void test_not_found(void **state)
{
	struct vos_resolve_name q = {.name = "nosuch.lab"};
	struct vos_resolve_opts o = {servers, 2000};
	char why[128];
	(void)state;
	NEED_DNS();
	assert_int_equal(vos_resolve(&q, 1, &o, why, sizeof(why)), 0);
	assert_int_equal(q.status, VOS_RESOLVE_NOTFOUND);
	assert_int_equal(q.naddrs, 0);
	assert_string_equal(q.detail, "name not found");
	assert_true(q.nxdomain); /* --local=/lab/: the server says the name does not exist */
}

/* A DNS check's query: one server, udp and tcp; nothing listening is "refused", not a timeout */
static void test_server_query_and_refused(void **state)
{
	struct vos_resolve_name q[4];
	struct vos_resolve_opts o = {NULL, 2000};
	char why[128], closed[64];
	int port = free_udp_port(NULL);
	(void)state;
	NEED_DNS();
	snprintf(closed, sizeof(closed), "127.0.0.1:%d", port);
	memset(q, 0, sizeof(q));
	q[0] = (struct vos_resolve_name){.name = "beta.lab", .server = servers, .tcp = false};
	q[1] = (struct vos_resolve_name){.name = "beta.lab", .server = servers, .tcp = true};
	q[2] = (struct vos_resolve_name){.name = "beta.lab", .server = closed, .tcp = false};
	q[3] = (struct vos_resolve_name){.name = "beta.lab", .server = closed, .tcp = true};
	assert_int_equal(vos_resolve(q, 4, &o, why, sizeof(why)), 0);
	assert_int_equal(q[0].status, VOS_RESOLVE_OK);
	assert_int_equal(q[1].status, VOS_RESOLVE_OK);
	assert_int_equal(q[2].status, VOS_RESOLVE_REFUSED);
	assert_int_equal(q[3].status, VOS_RESOLVE_REFUSED);
	assert_string_equal(q[3].detail, "connection refused");
	assert_true(q[0].elapsed_ms >= 0 && q[0].elapsed_ms < 2000);
	vos_resolve_release(q, 4);
}

static void test_deadline(void **state)
{
	/* a server that never answers: every name ends as a timeout, inside the one deadline */
	struct vos_resolve_name q[20];
	struct vos_resolve_opts o = {silent_server, 300};
	char why[128];
	size_t i;
	(void)state;
	NEED_DNS();
	memset(q, 0, sizeof(q));
	for (i = 0; i < 20; i++)
		q[i].name = i % 2 ? "alpha.lab" : "beta.lab";
	assert_int_equal(vos_resolve(q, 20, &o, why, sizeof(why)), 0);
	for (i = 0; i < 20; i++) {
		assert_int_equal(q[i].status, VOS_RESOLVE_TIMEOUT);
		assert_string_equal(q[i].detail, "no DNS answer in time");
	}
	vos_resolve_release(q, 20);
}

static void test_server_checks_beside_names(void **state)
{
	/* DNS checks of one server each (UDP and TCP: dnsmasq answers both) run beside plain names, and
	 * a check of a server that never answers times out alone */
	struct vos_resolve_name q[4] = {{.name = "alpha.lab"},
	                                {.name = "beta.lab", .server = servers},
	                                {.name = "beta.lab", .server = servers, .tcp = true},
	                                {.name = "beta.lab", .server = silent_server}};
	struct vos_resolve_opts o = {servers, 1000};
	char why[128], buf[64];
	(void)state;
	NEED_DNS();
	assert_int_equal(vos_resolve(q, 4, &o, why, sizeof(why)), 0);
	assert_int_equal(q[0].status, VOS_RESOLVE_OK);
	assert_int_equal(q[1].status, VOS_RESOLVE_OK);
	assert_string_equal(vos_ip_format(&q[1].addrs[0], buf, sizeof(buf)), "127.0.31.2");
	assert_int_equal(q[2].status, VOS_RESOLVE_OK);
	assert_string_equal(vos_ip_format(&q[2].addrs[0], buf, sizeof(buf)), "127.0.31.2");
	assert_int_equal(q[3].status, VOS_RESOLVE_TIMEOUT);
	vos_resolve_release(q, 4);
}

/* 1,000 names through one server, each its A and AAAA query: every one answered, none lost (sent
 * all at once they overflowed dnsmasq's socket: a third of them ran out of time) */
static void test_many_names_through_one_server(void **state)
{
	struct vos_resolve_name *q = calloc(MANY, sizeof(*q));
	char (*names)[16] = calloc(MANY, sizeof(*names));
	struct vos_resolve_opts o = {servers, 2000};
	char why[128], buf[64], want[64];
	int i;
	(void)state;
	NEED_DNS();
	for (i = 0; i < MANY; i++) {
		snprintf(names[i], sizeof(names[i]), "n%04d.lab", i);
		q[i].name = names[i];
	}
	assert_int_equal(vos_resolve(q, MANY, &o, why, sizeof(why)), 0);
	for (i = 0; i < MANY; i++) {
		if (q[i].status != VOS_RESOLVE_OK)
			fail_msg("%s: %s", q[i].name, q[i].detail);
		assert_int_equal(q[i].naddrs, 1);
		snprintf(want, sizeof(want), "127.0.%d.%d", 40 + i / 256, i % 256);
		assert_string_equal(vos_ip_format(&q[i].addrs[0], buf, sizeof(buf)), want);
	}
	vos_resolve_release(q, MANY);
	free(q);
	free(names);
}

/* More checks of a server that never answers than one channel holds in flight: they time out,
 * and the names through the lab's server beside them (their own channel) are all answered */
static void test_silent_server_holds_up_only_its_own(void **state)
{
	enum { SILENT = 150, NAMES = 300 };
	struct vos_resolve_name q[SILENT + NAMES];
	char names[NAMES][16];
	struct vos_resolve_opts o = {servers, 1000};
	char why[128];
	int i;
	(void)state;
	NEED_DNS();
	memset(q, 0, sizeof(q));
	for (i = 0; i < SILENT; i++) {
		q[i].name = "alpha.lab";
		q[i].server = silent_server;
	}
	for (i = 0; i < NAMES; i++) {
		snprintf(names[i], sizeof(names[i]), "n%04d.lab", i);
		q[SILENT + i].name = names[i];
	}
	assert_int_equal(vos_resolve(q, SILENT + NAMES, &o, why, sizeof(why)), 0);
	for (i = 0; i < SILENT; i++)
		assert_int_equal(q[i].status, VOS_RESOLVE_TIMEOUT);
	for (i = SILENT; i < SILENT + NAMES; i++)
		if (q[i].status != VOS_RESOLVE_OK)
			fail_msg("%s: %s", q[i].name, q[i].detail);
	vos_resolve_release(q, SILENT + NAMES);
}

static void test_bad_server_list(void **state)
{
	struct vos_resolve_name q = {.name = "alpha.lab"};
	struct vos_resolve_opts o = {"not a server,,", 200};
	char why[128] = "";
	(void)state;
	assert_int_equal(vos_resolve(&q, 1, &o, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "bad DNS server list"));
	assert_int_equal(vos_resolve(&q, 0, &o, why, sizeof(why)), 0); /* nothing to resolve */
}

/* The done callback: once per name, as soon as its outcome is known, a name that times out too */
struct seen {
	struct vos_resolve_name *q;
	int calls[3];
	bool pending_seen;
};

static void count_done(struct vos_resolve_name *q, void *payload)
{
	struct seen *s = payload;
	s->calls[q - s->q]++;
	if (q->status == VOS_RESOLVE_PENDING)
		s->pending_seen = true;
}

static void test_done_once_per_name(void **state)
{
	struct vos_resolve_name q[3] = {{.name = "alpha.lab"}, {.name = "nosuch.lab"},
	                                {.name = "beta.lab", .server = silent_server}};
	struct vos_resolve_opts o = {servers, 300, count_done, NULL};
	struct seen s = {q, {0, 0, 0}, false};
	char why[128];
	(void)state;
	NEED_DNS();
	o.payload = &s;
	assert_int_equal(vos_resolve(q, 3, &o, why, sizeof(why)), 0);
	assert_int_equal(s.calls[0], 1);
	assert_int_equal(s.calls[1], 1);
	assert_int_equal(s.calls[2], 1);
	assert_false(s.pending_seen);
	assert_int_equal(q[2].status, VOS_RESOLVE_TIMEOUT);
	vos_resolve_release(q, 3);
	assert_int_equal(vos_resolve_check_servers(servers, why, sizeof(why)), 0);
	assert_int_equal(vos_resolve_check_servers("not a server,,", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "bad DNS server list"));
}

static struct vos_probe_target name_target(const char *address, int port)
{
	struct vos_probe_target t;
	memset(&t, 0, sizeof(t));
	t.service = "svc";
	t.address = address;
	t.port = port;
	t.check = VOS_CHECK_TCP;
	return t;
}

/* A loopback listener on addr (IPv4), its port returned (the descriptor in *fd) */
static int listen_on(const char *addr, int *fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	inet_pton(AF_INET, addr, &a.sin_addr);
	*fd = socket(AF_INET, SOCK_STREAM, 0);
	if (*fd < 0 || bind(*fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(*fd, 16) < 0 ||
	    getsockname(*fd, (struct sockaddr *)&a, &len) < 0)
		return -1;
	return ntohs(a.sin_port);
}

/* The scope list and the probe options of the run tests: names through this test's dnsmasq */
static void run_setup(struct vos_scope *sc, const char *scope, struct vos_probe_options *o)
{
	vos_scope_init(sc);
	assert_int_equal(vos_scope_add_list(sc, scope, NULL, NULL, NULL), 0);
	vos_probe_options_init(o);
	o->scope = sc;
	o->dns = servers;
	o->timeout_ms = 2000;
}

/* The plan leaves names pending; the run resolves them while it probes the literal addresses and
 * decides each as the plan would: in scope (probed), pointing outside (refused, never contacted),
 * unresolvable (skipped). The caller's targets stay pending; the results say what happened. */
static void test_run_resolves_pending_names(void **state)
{
	struct vos_probe_target t[4];
	struct vos_probe_result r[4];
	struct vos_probe_options o;
	struct vos_scope sc;
	struct vos_err err = VOS_ERR_INIT;
	int lfd = -1, port;
	(void)state;
	NEED_DNS();
	port = listen_on("127.0.31.1", &lfd);
	assert_true(port > 0);
	run_setup(&sc, "127.0.0.0/8,::1/128", &o);
	t[0] = name_target("alpha.lab", port);   /* 127.0.31.1 and ::1: both in scope */
	t[1] = name_target("outside.lab", port); /* 192.0.2.5 */
	t[2] = name_target("nosuch.lab", port);
	t[3] = name_target("127.0.31.1", port);
	assert_int_equal(vos_probe_plan(t, 4, &sc, true, servers, 2000, true, &err), 0);
	assert_int_equal(t[0].decision, VOS_PLAN_PENDING);
	assert_int_equal(t[1].decision, VOS_PLAN_PENDING);
	assert_int_equal(t[2].decision, VOS_PLAN_PENDING);
	assert_int_equal(t[3].decision, VOS_PLAN_PROBE);
	assert_int_equal(vos_probe_run(r, t, 4, &o, &err), 0);
	assert_int_equal(r[0].state, VOS_PROBE_UP);
	assert_true(r[0].probed);
	assert_int_equal(r[1].state, VOS_PROBE_SKIPPED);
	assert_false(r[1].probed);
	assert_non_null(strstr(r[1].detail, "'outside.lab' resolves to 192.0.2.5, outside the probe scope"));
	assert_int_equal(r[2].state, VOS_PROBE_SKIPPED);
	assert_non_null(strstr(r[2].detail, "unresolvable name 'nosuch.lab' (name not found)"));
	assert_int_equal(r[3].state, VOS_PROBE_UP);
	assert_int_equal(t[0].decision, VOS_PLAN_PENDING); /* the run decided its own copy */
	vos_probe_result_release_array(r, 4);
	close(lfd);

	/* deferred or not, a server list the resolver refuses fails the plan before anything is sent */
	t[0] = name_target("alpha.lab", port);
	assert_int_equal(vos_probe_plan(t, 1, &sc, true, "not a server,,", 2000, true, &err), VOS_EIO);
	assert_non_null(strstr(err.msg, "bad DNS server list"));
	vos_err_clear(&err);
	vos_scope_release(&sc);
}

/* A DNS check of a server given by name: the DNS checks run before everything else, so the names
 * are decided first (on the caller's thread), and the check asks the server its name resolved to */
static void test_run_dns_check_of_a_named_server(void **state)
{
	struct vos_probe_target t[2];
	struct vos_probe_result r[2];
	struct vos_probe_options o;
	struct vos_scope sc;
	struct vos_err err = VOS_ERR_INIT;
	const char *colon = strrchr(servers, ':');
	(void)state;
	NEED_DNS();
	run_setup(&sc, "127.0.0.0/8", &o);
	t[0] = name_target("ns.lab", atoi(colon + 1));
	t[0].check = VOS_CHECK_DNS;
	t[0].udp = true;
	t[0].query = "beta.lab";
	t[1] = name_target("alpha.lab", 9); /* 127.0.31.1 and ::1: ::1 is outside this scope */
	assert_int_equal(vos_probe_plan(t, 2, &sc, true, servers, 2000, true, &err), 0);
	assert_int_equal(t[0].decision, VOS_PLAN_PENDING);
	assert_int_equal(vos_probe_run(r, t, 2, &o, &err), 0);
	if (r[0].state != VOS_PROBE_UP)
		fail_msg("dns check: %s (%s)", vos_probe_state_name(r[0].state), r[0].detail ? r[0].detail : "");
	assert_int_equal(r[1].state, VOS_PROBE_SKIPPED);
	assert_non_null(strstr(r[1].detail, "'alpha.lab' resolves to ::1, outside the probe scope"));
	vos_probe_result_release_array(r, 2);
	vos_scope_release(&sc);
}

/* The run's deadline bounds the names too: a DNS server that never answers and a deadline
 * shorter than the per-target timeout end the run at the deadline, and the target says why */
static void test_run_deadline_bounds_names(void **state)
{
	struct vos_probe_target t[1];
	struct vos_probe_result r[1];
	struct vos_probe_options o;
	struct vos_scope sc;
	struct vos_err err = VOS_ERR_INIT;
	struct timespec a, b;
	double took;
	(void)state;
	NEED_DNS();
	run_setup(&sc, "127.0.0.0/8", &o);
	o.dns = silent_server;
	o.deadline_ms = 300;
	t[0] = name_target("alpha.lab", 9);
	assert_int_equal(vos_probe_plan(t, 1, &sc, true, silent_server, 2000, true, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(vos_probe_run(r, t, 1, &o, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	took = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	if (took > 1.0)
		fail_msg("the run took %.2f s past its 0.3 s deadline", took);
	assert_int_not_equal(r[0].state, VOS_PROBE_UP);
	assert_false(r[0].probed);
	/* decided before the deadline as a rule; on a slow machine (the sanitizer build) the deadline
	 * may come first, which the detail says */
	if (!strstr(r[0].detail, "no DNS answer in time") &&
	    !strstr(r[0].detail, "not started before the overall deadline"))
		fail_msg("detail: %s", r[0].detail);
	vos_probe_result_release_array(r, 1);
	vos_scope_release(&sc);
}

/* 1,000 pending names among literal addresses, on several engines: every target waits for its own
 * name and no longer (a refused port, nothing listens), each connected at the address its name has */
static void test_run_many_pending_names(void **state)
{
	enum { N = MANY + MANY / 4 };
	struct vos_probe_target *t = calloc(N, sizeof(*t));
	struct vos_probe_result *r = calloc(N, sizeof(*r));
	char (*names)[16] = calloc(MANY, sizeof(*names));
	struct vos_probe_options o;
	struct vos_scope sc;
	struct vos_err err = VOS_ERR_INIT;
	int i, k = 0, named = 0;
	(void)state;
	NEED_DNS();
	run_setup(&sc, "127.0.0.0/8", &o);
	for (i = 0; i < MANY; i++) {
		snprintf(names[i], sizeof(names[i]), "n%04d.lab", i);
		t[k++] = name_target(names[i], 9);
		if (i % 4 == 3)
			t[k++] = name_target("127.0.39.1", 9);
	}
	assert_int_equal(k, N);
	assert_int_equal(vos_probe_plan(t, N, &sc, true, servers, 2000, true, &err), 0);
	o.threads = 2;
	assert_int_equal(vos_probe_run(r, t, N, &o, &err), 0);
	for (i = 0; i < N; i++) {
		if (r[i].state != VOS_PROBE_DOWN || !r[i].probed)
			fail_msg("%s: %s (%s)", t[i].address, vos_probe_state_name(r[i].state), r[i].detail ? r[i].detail : "");
		assert_string_equal(r[i].address, t[i].address);
		named += t[i].decision == VOS_PLAN_PENDING;
	}
	assert_int_equal(named, MANY);
	vos_probe_result_release_array(r, N);
	vos_scope_release(&sc);
	free(t);
	free(r);
	free(names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolves_both_families),
		cmocka_unit_test(test_mapped_answer_is_ipv4),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_server_query_and_refused),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_server_checks_beside_names),
		cmocka_unit_test(test_many_names_through_one_server),
		cmocka_unit_test(test_silent_server_holds_up_only_its_own),
		cmocka_unit_test(test_bad_server_list),
		cmocka_unit_test(test_done_once_per_name),
		cmocka_unit_test(test_run_resolves_pending_names),
		cmocka_unit_test(test_run_many_pending_names),
		cmocka_unit_test(test_run_dns_check_of_a_named_server),
		cmocka_unit_test(test_run_deadline_bounds_names),
	};
	return cmocka_run_group_tests(tests, start_dnsmasq, stop_dnsmasq);
}
