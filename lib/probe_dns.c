/* probe_dns.c - `check: dns`: a query for the port's `query` name sent to the target's address and
 * port (udp or tcp, as the port's proto) through lib/resolve.c's per-server channel, every check
 * at once under the per-target timeout. The server's address passes the same scope gate as any
 * target (vos_probe_target_ip) before anything is sent. */
#include "probe.h"
#include "resolve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* The addresses of an answer, "a, b" (allocated). */
static char *answer_text(const struct vos_resolve_name *q)
{
	struct vos_buf b = VOS_BUF_INIT;
	char ip[64];
	size_t i;
	for (i = 0; i < q->naddrs; i++)
		vos_buf_addf(&b, "%s%s", i ? ", " : "", vos_ip_format(&q->addrs[i], ip, sizeof(ip)));
	if (!q->naddrs)
		vos_buf_adds(&b, "nothing");
	return vos_buf_detach(&b, NULL);
}

/* Every expected address is in the answer; else "expected X got Y" (allocated) in *why. */
static bool answer_matches(const struct vos_probe_target *t, const struct vos_resolve_name *q, char **why)
{
	size_t i, k;
	for (i = 0; i < t->nexpect; i++) {
		struct vos_ip want;
		bool found = false;
		if (vos_addr_classify(t->expect[i], &want) == VOS_ADDR_NAME || !t->expect[i])
			continue; /* the inventory's validator refused it already */
		for (k = 0; k < q->naddrs && !found; k++)
			found = vos_ip_equal(&want, &q->addrs[k]);
		if (!found) {
			struct vos_buf b = VOS_BUF_INIT;
			char *got = answer_text(q);
			vos_buf_addf(&b, "wrong answer for '%s': expected ", t->query);
			for (k = 0; k < t->nexpect; k++)
				vos_buf_addf(&b, "%s%s", k ? ", " : "", t->expect[k]);
			vos_buf_addf(&b, " got %s", got);
			free(got);
			*why = vos_buf_detach(&b, NULL);
			return false;
		}
	}
	return true;
}

static void judge(struct vos_probe_result *r, const struct vos_probe_target *t,
                  const struct vos_resolve_name *q, int timeout_ms)
{
	char *why = NULL;
	switch (q->status) {
	case VOS_RESOLVE_OK:
		if (answer_matches(t, q, &why)) {
			r->state = VOS_PROBE_UP;
			r->detail = NULL;
		} else {
			r->state = VOS_PROBE_ERROR;
			r->detail = why;
		}
		return;
	case VOS_RESOLVE_NOTFOUND:
		r->state = VOS_PROBE_ERROR;
		r->detail = q->nxdomain ? vos_asprintf("NXDOMAIN for '%s'", t->query)
		                        : vos_asprintf("no A or AAAA record for '%s'", t->query);
		return;
	case VOS_RESOLVE_REFUSED:
		r->state = VOS_PROBE_DOWN;
		r->detail = vos_strdup("connection refused");
		return;
	case VOS_RESOLVE_PENDING:
	case VOS_RESOLVE_TIMEOUT:
		r->state = VOS_PROBE_TIMEOUT;
		r->detail = vos_asprintf("no answer within %d ms", timeout_ms);
		return;
	case VOS_RESOLVE_FAILED:
		break;
	}
	r->state = VOS_PROBE_ERROR;
	r->detail = vos_strdup(q->detail[0] ? q->detail : "DNS query failed");
}

size_t vos_probe_dns_run(struct vos_probe_result *out, const struct vos_probe_target *targets, size_t n,
                         const struct vos_probe_options *opts, const struct vos_scope *scope)
{
	struct vos_resolve_name *q = NULL;
	size_t *of = NULL, nq = 0, alloc = 0, done = 0, i;
	char (*servers)[80] = NULL;
	struct vos_resolve_opts ro;
	char why[160];

	for (i = 0; i < n; i++)
		if (targets[i].check == VOS_CHECK_DNS)
			alloc++;
	if (!alloc)
		return 0;
	q = vos_calloc(alloc, sizeof(*q));
	of = vos_calloc(alloc, sizeof(*of));
	servers = vos_calloc(alloc, sizeof(*servers));
	for (i = 0; i < n; i++) {
		const struct vos_probe_target *t = &targets[i];
		struct vos_probe_result *r = &out[i];
		struct vos_ip ip;
		char *reason = NULL, a[64];
		int state;
		if (t->check != VOS_CHECK_DNS)
			continue;
		done++;
		vos_probe_result_from_target(r, t);
		if (!vos_probe_target_ip(t, scope, &ip, &reason, &state)) {
			r->state = (enum vos_probe_state)state;
			r->detail = reason;
			continue;
		}
		if (t->port < 1 || t->port > 65535 || !t->query || !*t->query) {
			r->state = VOS_PROBE_ERROR;
			r->detail = t->query && *t->query ? vos_asprintf("invalid port %d", t->port)
			                                  : vos_strdup("no query name");
			continue;
		}
		vos_ip_format(&ip, a, sizeof(a));
		snprintf(servers[nq], sizeof(servers[nq]), ip.family == AF_INET6 ? "[%s]:%d" : "%s:%d", a, t->port);
		q[nq].name = t->query;
		q[nq].server = servers[nq];
		q[nq].tcp = !t->udp;
		of[nq++] = i;
		r->probed = true;
	}
	memset(&ro, 0, sizeof(ro));
	ro.timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : 2000;
	if (nq && vos_resolve(q, nq, &ro, why, sizeof(why)) < 0) {
		for (i = 0; i < nq; i++) {
			out[of[i]].state = VOS_PROBE_ERROR;
			out[of[i]].detail = vos_strdup(why);
		}
	} else {
		for (i = 0; i < nq; i++) {
			out[of[i]].latency_ms = q[i].elapsed_ms;
			judge(&out[of[i]], &targets[of[i]], &q[i], ro.timeout_ms);
		}
	}
	vos_resolve_release(q, nq);
	free(q);
	free(of);
	free(servers);
	return done;
}
