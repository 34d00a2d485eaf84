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
#include <unistd.h>

#include "resolve.h"

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
	fputs("127.0.31.1 alpha.lab\n::1 alpha.lab\n127.0.31.2 beta.lab\n127.0.31.2 beta.lab\n"
	      "192.0.2.5 outside.lab\n::ffff:192.0.2.6 mapped.lab\n", f);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolves_both_families),
		cmocka_unit_test(test_mapped_answer_is_ipv4),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_server_query_and_refused),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_server_checks_beside_names),
		cmocka_unit_test(test_bad_server_list),
	};
	return cmocka_run_group_tests(tests, start_dnsmasq, stop_dnsmasq);
}
