/* test_probe_prom.c - results read from Prometheus (lib/probe_prom.c) against a fake query API this
 * test serves on 127.0.0.1: matching by service and instance, merging several series, stale and
 * unknown targets, auth headers, and each failure's error code and message. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe.h"

#include "loopback.h"

/* ------------------------------------------------------------------ a fake Prometheus */

struct fake_prom {
	int fd, port;
	int stop_pipe[2];
	pthread_t th;
	const char *status_line;  /* "200 OK" */
	const char *values;       /* the body for the probe_* query */
	const char *times;        /* the body for timestamp(...) */
	char last_request[8192];  /* the last request's head, as received */
	int requests;
};

static void *fake_main(void *arg)
{
	struct fake_prom *s = arg;
	for (;;) {
		struct pollfd p[2] = {{s->fd, POLLIN, 0}, {s->stop_pipe[0], POLLIN, 0}};
		char buf[8192], resp[65536];
		const char *body;
		ssize_t n, got = 0;
		int c;
		if (poll(p, 2, 5000) <= 0 || p[1].revents)
			break;
		if ((c = accept(s->fd, NULL, NULL)) < 0)
			continue;
		while (got < (ssize_t)sizeof(buf) - 1 && (n = read(c, buf + got, sizeof(buf) - 1 - (size_t)got)) > 0) {
			got += n;
			buf[got] = '\0';
			if (strstr(buf, "\r\n\r\n"))
				break;
		}
		buf[got > 0 ? got : 0] = '\0';
		memcpy(s->last_request, buf, sizeof(buf));
		s->requests++;
		body = strstr(buf, "timestamp") ? s->times : s->values;
		snprintf(resp, sizeof(resp), "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
		         "Connection: close\r\n\r\n%s", s->status_line, strlen(body), body);
		if (write(c, resp, strlen(resp)) < 0)
			perror("write");
		close(c);
	}
	return NULL;
}

static void fake_start(struct fake_prom *s, const char *status_line, const char *values, const char *times)
{
	memset(s, 0, sizeof(*s));
	s->fd = listen_on(&s->port, 16);
	s->status_line = status_line;
	s->values = values;
	s->times = times ? times : values;
	assert_int_equal(pipe(s->stop_pipe), 0);
	assert_int_equal(pthread_create(&s->th, NULL, fake_main, s), 0);
}

static void fake_stop(struct fake_prom *s)
{
	assert_int_equal(write(s->stop_pipe[1], "x", 1), 1);
	pthread_join(s->th, NULL);
	close(s->fd);
	close(s->stop_pipe[0]);
	close(s->stop_pipe[1]);
}

static struct vos_probe_target target(const char *svc, const char *addr, int port, enum vos_check_kind check,
                                      const char *path)
{
	struct vos_probe_target t;
	memset(&t, 0, sizeof(t));
	t.service = svc;
	t.host = "h";
	t.address = addr;
	t.port = port;
	t.check = check;
	t.path = path;
	return t;
}

/* one sample of the values query: name, service, instance, job, value */
#define V(name, svc, inst, job, val) \
	"{\"metric\":{\"__name__\":\"" name "\",\"instance\":\"" inst "\",\"job\":\"" job "\",\"service\":\"" svc \
	"\"},\"value\":[1700000000.5,\"" val "\"]}"
/* one sample of the timestamp query: service, instance, job, the sample's time */
#define T(svc, inst, job, ts) \
	"{\"metric\":{\"instance\":\"" inst "\",\"job\":\"" job "\",\"service\":\"" svc "\"},\"value\":[1700000000.5,\"" ts "\"]}"
#define VECTOR(...) "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" __VA_ARGS__ "]}}"

static const char values_doc[] = VECTOR(
	V("probe_success", "web", "http://127.0.0.1:8080/health", "bb", "1") ","
	V("probe_http_status_code", "web", "http://127.0.0.1:8080/health", "bb", "200") ","
	V("probe_duration_seconds", "web", "http://127.0.0.1:8080/health", "bb", "0.012") ","
	V("probe_success", "other", "http://127.0.0.1:8080/health", "bb", "0") ","
	V("probe_success", "db", "127.0.0.1:5432", "vantage-a", "1") ","
	V("probe_success", "db", "127.0.0.1:5432", "vantage-b", "0") ","
	V("probe_success", "api", "http://127.0.0.1:9000/", "bb", "0") ","
	V("probe_http_status_code", "api", "http://127.0.0.1:9000/", "bb", "500") ","
	V("probe_success", "old", "127.0.0.1:6000", "bb", "1") ","
	V("probe_success", "v6", "[::1]:53", "bb", "1") ","
	V("probe_success", "web80", "HTTP://127.0.0.1/", "bb", "1") ","
	V("probe_success", "tls", "https://127.0.0.1:8443/", "bb", "0") ","
	V("probe_http_status_code", "tls", "https://127.0.0.1:8443/", "bb", "0") ","
	V("probe_ssl_earliest_cert_expiry", "tls", "https://127.0.0.1:8443/", "bb", "1700500000"));
static const char times_doc[] = VECTOR(
	T("web", "http://127.0.0.1:8080/health", "bb", "1700000000") ","
	T("other", "http://127.0.0.1:8080/health", "bb", "1700000000") ","
	T("db", "127.0.0.1:5432", "vantage-a", "1700000000") ","
	T("db", "127.0.0.1:5432", "vantage-b", "1699999999.5") ","
	T("api", "http://127.0.0.1:9000/", "bb", "1700000000") ","
	T("old", "127.0.0.1:6000", "bb", "1699999400") ","
	T("v6", "[::1]:53", "bb", "1700000000") ","
	T("web80", "HTTP://127.0.0.1/", "bb", "1700000000") ","
	T("tls", "https://127.0.0.1:8443/", "bb", "1700000000"));

static void test_results_from_samples(void **state)
{
	struct fake_prom s;
	struct vos_probe_target t[8];
	struct vos_probe_result r[8];
	struct vos_prom_options o;
	struct vos_err err = VOS_ERR_INIT;
	char url[64];
	(void)state;
	fake_start(&s, "200 OK", values_doc, times_doc);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", s.port);
	t[0] = target("web", "127.0.0.1", 8080, VOS_CHECK_HTTP, "/health");
	t[1] = target("db", "127.0.0.1", 5432, VOS_CHECK_TCP, NULL);
	t[2] = target("api", "127.0.0.1", 9000, VOS_CHECK_HTTP, NULL);
	t[3] = target("old", "127.0.0.1", 6000, VOS_CHECK_TCP, NULL);
	t[4] = target("ghost", "127.0.0.1", 7000, VOS_CHECK_TCP, NULL);
	t[5] = target("v6", "::1", 53, VOS_CHECK_TCP, NULL);
	t[6] = target("web80", "127.0.0.1", 80, VOS_CHECK_HTTP, "/");
	t[7] = target("tls", "127.0.0.1", 8443, VOS_CHECK_HTTPS, NULL);
	vos_prom_options_init(&o);
	o.url = url;
	assert_int_equal(vos_probe_from_prometheus(r, t, 8, &o, &err), 0);
	assert_int_equal(s.requests, 2);
	/* up, with what Prometheus measured; "other" has the same instance but another service */
	assert_int_equal(r[0].state, VOS_PROBE_UP);
	assert_true(r[0].probed);
	assert_int_equal(r[0].status, 200);
	assert_true(r[0].latency_ms > 11.9 && r[0].latency_ms < 12.1);
	assert_string_equal(r[0].service, "web");
	/* two vantage points, one failed: down */
	assert_int_equal(r[1].state, VOS_PROBE_DOWN);
	assert_string_equal(r[1].detail, "probe_success 0 in 1 of 2 Prometheus series");
	/* the status outside the declared range: the local probe's wording */
	assert_int_equal(r[2].state, VOS_PROBE_ERROR);
	assert_int_equal(r[2].status, 500);
	assert_string_equal(r[2].detail, "HTTP status 500, expected 200-399");
	/* a sample 10 minutes old: no result */
	assert_int_equal(r[3].state, VOS_PROBE_SKIPPED);
	assert_false(r[3].probed);
	assert_string_equal(r[3].detail, "its last sample in Prometheus is 10m500ms old, older than --max-age 5m");
	/* unknown to Prometheus */
	assert_int_equal(r[4].state, VOS_PROBE_SKIPPED);
	assert_false(r[4].probed);
	assert_string_equal(r[4].detail, "Prometheus has no probe_success{service=\"ghost\", instance=\"127.0.0.1:7000\"}");
	/* IPv6 in brackets; an instance in upper case without its default port */
	assert_int_equal(r[5].state, VOS_PROBE_UP);
	assert_int_equal(r[6].state, VOS_PROBE_UP);
	assert_int_equal(r[7].state, VOS_PROBE_DOWN);
	assert_string_equal(r[7].detail, "probe_success 0 in Prometheus, job bb");
	/* the certificate's expiry reaches the result (for probe-cert-expiring / -expired) */
	assert_int_equal(r[7].cert_expiry, 1700500000LL);
	assert_int_equal(r[0].cert_expiry, 0);
	vos_probe_result_release_array(r, 8);

	/* a longer --max-age makes the old sample count */
	o.max_age_ms = 3600000;
	assert_int_equal(vos_probe_from_prometheus(r, t, 8, &o, &err), 0);
	assert_int_equal(r[3].state, VOS_PROBE_UP);
	vos_probe_result_release_array(r, 8);
	/* no credentials configured: no Authorization header */
	assert_null(strstr(s.last_request, "Authorization"));
	assert_non_null(strstr(s.last_request, "GET /api/v1/query?query="));
	fake_stop(&s);
	vos_err_clear(&err);
}

static void test_auth_headers_and_prefix(void **state)
{
	struct fake_prom s;
	struct vos_probe_target t = target("web", "127.0.0.1", 8080, VOS_CHECK_HTTP, "/health");
	struct vos_probe_result r;
	struct vos_prom_options o;
	char url[80];
	(void)state;
	fake_start(&s, "200 OK", values_doc, times_doc);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/prometheus/", s.port);
	vos_prom_options_init(&o);
	o.url = url;
	o.token = "tok-123";
	assert_int_equal(vos_probe_from_prometheus(&r, &t, 1, &o, NULL), 0);
	vos_probe_result_release_array(&r, 1);
	assert_non_null(strstr(s.last_request, "Authorization: Bearer tok-123\r\n"));
	assert_non_null(strstr(s.last_request, "GET /prometheus/api/v1/query?query=timestamp"));
	o.token = NULL;
	o.user = "me";
	o.password = "pw";
	assert_int_equal(vos_probe_from_prometheus(&r, &t, 1, &o, NULL), 0);
	vos_probe_result_release_array(&r, 1);
	assert_non_null(strstr(s.last_request, "Authorization: Basic bWU6cHc=\r\n")); /* me:pw */
	fake_stop(&s);
}

/* each failure: its code, and a message that names the server without its credentials */
static void expect_failure(const char *status_line, const char *body, int code, const char *msg)
{
	struct fake_prom s;
	struct vos_probe_target t = target("web", "127.0.0.1", 8080, VOS_CHECK_HTTP, NULL);
	struct vos_probe_result r;
	struct vos_prom_options o;
	struct vos_err err = VOS_ERR_INIT;
	char url[80], want[300];
	fake_start(&s, status_line, body, NULL);
	snprintf(url, sizeof(url), "http://user:s3cret@127.0.0.1:%d/", s.port);
	vos_prom_options_init(&o);
	o.url = url;
	assert_int_equal(vos_probe_from_prometheus(&r, &t, 1, &o, &err), code);
	snprintf(want, sizeof(want), msg, s.port);
	assert_non_null(err.msg);
	if (!strstr(err.msg, want))
		fail_msg("'%s' lacks '%s'", err.msg, want);
	assert_null(strstr(err.msg, "s3cret"));
	vos_err_clear(&err);
	fake_stop(&s);
}

static void test_failures(void **state)
{
	struct vos_probe_target t = target("web", "127.0.0.1", 8080, VOS_CHECK_HTTP, NULL);
	struct vos_probe_result r;
	struct vos_prom_options o;
	struct vos_err err = VOS_ERR_INIT;
	int port, fd;
	char url[80];
	(void)state;
	expect_failure("200 OK", "<html>not prometheus</html>", VOS_EIO,
	               "the answer of 'http://127.0.0.1:%d/' is not a Prometheus query API answer");
	expect_failure("200 OK", "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}", VOS_EIO,
	               "the answer of 'http://127.0.0.1:%d/' is not a Prometheus query API answer");
	expect_failure("400 Bad Request", "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}",
	               VOS_EIO, "Prometheus at 'http://127.0.0.1:%d/' answered HTTP 400 (parse error)");
	expect_failure("401 Unauthorized", "Unauthorized", VOS_EAUTH, "Prometheus at 'http://127.0.0.1:%d/' answered HTTP 401");
	expect_failure("503 Service Unavailable", "{\"status\":\"error\",\"error\":\"\\u001b[31mno\"}", VOS_EIO,
	               "answered HTTP 503 (\\033[31mno)");

	/* nobody listening */
	fd = listen_on(&port, 1);
	close(fd);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	vos_prom_options_init(&o);
	o.url = url;
	assert_int_equal(vos_probe_from_prometheus(&r, &t, 1, &o, &err), VOS_ENET);
	assert_non_null(strstr(err.msg, "unable to query Prometheus at 'http://127.0.0.1:"));
	vos_err_clear(&err);
	/* not an http(s) URL: unusable input, and user info is not echoed */
	o.url = "ftp://127.0.0.1/";
	assert_int_equal(vos_probe_from_prometheus(&r, &t, 1, &o, &err), VOS_EINPUT);
	assert_non_null(strstr(err.msg, "is not an http(s) URL"));
	vos_err_clear(&err);
	o.url = "gopher://me:s3cret@127.0.0.1/";
	assert_int_equal(vos_probe_from_prometheus(&r, &t, 1, &o, &err), VOS_EINPUT);
	assert_null(strstr(err.msg, "s3cret"));
	vos_err_clear(&err);
}

static void test_instance(void **state)
{
	struct vos_probe_target t = target("s", "127.0.0.1", 80, VOS_CHECK_TCP, NULL);
	char *s;
	(void)state;
	assert_string_equal((s = vos_probe_target_instance(&t)), "127.0.0.1:80");
	free(s);
	t.address = "2001:db8::1";
	assert_string_equal((s = vos_probe_target_instance(&t)), "[2001:db8::1]:80");
	free(s);
	t.check = VOS_CHECK_HTTPS;
	t.path = "health?x=1";
	assert_string_equal((s = vos_probe_target_instance(&t)), "https://[2001:db8::1]:80/health?x=1");
	free(s);
	t.address = "nas.lan";
	t.check = VOS_CHECK_HTTP;
	t.path = NULL;
	assert_string_equal((s = vos_probe_target_instance(&t)), "http://nas.lan:80/");
	free(s);
	t.address = NULL;
	assert_null(vos_probe_target_instance(&t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_results_from_samples),
		cmocka_unit_test(test_auth_headers_and_prefix),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_instance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
