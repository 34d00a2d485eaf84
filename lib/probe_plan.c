/* probe_plan.c - the probe scope of a lab, and the decision for every target before anything is
 * sent: host names resolved (DNS only), every address checked against the scope (see probe.h). */
#include "probe.h"
#include "lab.h"
#include "resolve.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Adds a list to s; VOS_EINPUT with a message naming where the list came from. */
static int add_list(struct vos_scope *s, const char *list, const char *what, struct vos_err *errp)
{
	const char *bad = NULL, *why = NULL;
	size_t badlen = 0;
	if (vos_scope_add_list(s, list, &bad, &badlen, &why) == 0)
		return 0;
	return vos_err_set(errp, VOS_EINPUT, "%s: invalid network '%.*s' (%s)", what, (int)badlen,
	                   bad ? bad : "", why ? why : "expected a CIDR such as 192.168.1.0/24");
}

int vos_probe_scope_build(struct vos_scope *out, bool *declared, const struct vos_inventory *inv,
                          const char *cfg_scope, bool cfg_scope_set, const char *const *cli,
                          size_t ncli, const char *env, struct vos_err *errp)
{
	size_t i;
	int err;
	vos_scope_init(out);
	*declared = cfg_scope_set;
	if (cfg_scope_set) {
		/* vosctl.yaml was checked when it was loaded */
		if (cfg_scope && (err = add_list(out, cfg_scope, "probe.scope", errp)) < 0)
			return err;
	} else {
		for (i = 0; inv && i < inv->nvlans; i++) {
			struct vos_cidr c;
			const char *why;
			if (inv->vlans[i].cidr && vos_cidr_parse_any(&c, inv->vlans[i].cidr, &why) == 0) {
				vos_scope_add(out, &c);
				*declared = true;
			}
		}
	}
	for (i = 0; i < ncli; i++) {
		struct vos_scope by;
		vos_scope_init(&by);
		if ((err = add_list(&by, cli[i], "--scope", errp)) < 0) {
			vos_scope_release(&by);
			return err;
		}
		vos_scope_narrow(out, &by);
		vos_scope_release(&by);
	}
	if (env) { /* set but empty narrows to nothing: the variable can only take away */
		struct vos_scope by;
		vos_scope_init(&by);
		if ((err = add_list(&by, env, "VOSCTL_PROBE_SCOPE", errp)) < 0) {
			vos_scope_release(&by);
			return err;
		}
		vos_scope_narrow(out, &by);
		vos_scope_release(&by);
	}
	return 0;
}

char *vos_probe_scope_text(const struct vos_scope *s)
{
	struct vos_buf b = VOS_BUF_INIT;
	size_t i;
	char buf[64];
	for (i = 0; i < s->n; i++)
		vos_buf_addf(&b, "%s%s", i ? ", " : "", vos_cidr_format(&s->nets[i], buf, sizeof(buf)));
	if (!s->n)
		vos_buf_adds(&b, "(nothing)");
	return vos_buf_detach(&b, NULL);
}

const char *vos_probe_decision_text(const struct vos_probe_target *t, char *buf, size_t n)
{
	char ip[64] = "?";
	if (t->has_ip)
		vos_ip_format(&t->ip, ip, sizeof(ip));
	switch (t->decision) {
	case VOS_PLAN_NO_ADDRESS:
		snprintf(buf, n, "no address known");
		break;
	case VOS_PLAN_INVALID:
		snprintf(buf, n, "invalid address '%s' (%s)", t->address ? t->address : "",
		         vos_addr_invalid_reason(t->address ? t->address : ""));
		break;
	case VOS_PLAN_NO_SCOPE:
		snprintf(buf, n, "no probe scope: the lab declares no VLAN and no probe.scope");
		break;
	case VOS_PLAN_OUTSIDE:
		snprintf(buf, n, "address %s is outside the probe scope", ip);
		break;
	case VOS_PLAN_NAME_OUTSIDE:
		snprintf(buf, n, "'%s' resolves to %s, outside the probe scope", t->address ? t->address : "", ip);
		break;
	case VOS_PLAN_PENDING:
		snprintf(buf, n, "'%s' is not resolved yet", t->address ? t->address : "");
		break;
	case VOS_PLAN_UNRESOLVED:
		snprintf(buf, n, "unresolvable name '%s' (%s)", t->address ? t->address : "", t->why ? t->why : "no address");
		break;
	default:
		if (n)
			buf[0] = '\0';
	}
	return buf;
}

static const char *resolve_why(enum vos_resolve_status st)
{
	switch (st) {
	case VOS_RESOLVE_NOTFOUND: return "name not found";
	case VOS_RESOLVE_TIMEOUT: return "no DNS answer in time";
	default: return "DNS lookup failed";
	}
}

int vos_probe_plan(struct vos_probe_target *t, size_t n, const struct vos_scope *scope,
                   bool declared, const char *dns, int timeout_ms, bool defer_names, struct vos_err *errp)
{
	size_t i, npending = 0;
	char why[160];

	for (i = 0; i < n; i++) {
		enum vos_addr_kind kind;
		t[i].has_ip = false;
		t[i].why = NULL;
		if (!t[i].address || !*t[i].address) {
			t[i].decision = VOS_PLAN_NO_ADDRESS;
			continue;
		}
		kind = vos_addr_classify(t[i].address, &t[i].ip);
		if (kind == VOS_ADDR_INVALID) {
			t[i].decision = VOS_PLAN_INVALID;
			continue;
		}
		if (!declared) {
			t[i].decision = VOS_PLAN_NO_SCOPE;
			continue;
		}
		if (kind != VOS_ADDR_NAME) {
			t[i].has_ip = true;
			t[i].decision = vos_scope_contains(scope, &t[i].ip) ? VOS_PLAN_PROBE : VOS_PLAN_OUTSIDE;
			continue;
		}
		t[i].decision = VOS_PLAN_PENDING;
		npending++;
	}
	if (!npending)
		return 0;
	if (!defer_names)
		return vos_probe_plan_pending(t, n, scope, dns, timeout_ms, NULL, NULL, errp);
	/* the names are asked later, while the run probes: a bad server list still fails now */
	if (vos_resolve_check_servers(dns && *dns ? dns : NULL, why, sizeof(why)) < 0)
		return vos_err_set(errp, VOS_EIO, "%s", why);
	return 0;
}

/* vos_probe_plan_pending's state: each distinct name, and the targets that use it */
struct pending {
	struct vos_probe_target *t;
	const struct vos_scope *scope;
	struct vos_resolve_name *names;
	size_t *first;          /* per name: its first target + 1 (0: none) */
	size_t *next;           /* per target: the next target of the same name + 1 */
	void (*ready)(size_t i, void *payload);
	void *payload;
};

/* A name's targets decided from its answers: probed only when every address is in scope. */
static void decide_name(struct pending *p, const struct vos_resolve_name *q)
{
	size_t j = (size_t)(q - p->names), i, k;
	for (i = p->first[j]; i; i = p->next[i - 1]) {
		struct vos_probe_target *t = &p->t[i - 1];
		if (q->status != VOS_RESOLVE_OK || !q->naddrs) {
			t->decision = VOS_PLAN_UNRESOLVED;
			t->why = resolve_why(q->status);
		} else {
			t->decision = VOS_PLAN_PROBE;
			t->has_ip = true;
			t->ip = q->addrs[0];
			for (k = 0; k < q->naddrs; k++)
				if (!vos_scope_contains(p->scope, &q->addrs[k])) {
					t->decision = VOS_PLAN_NAME_OUTSIDE;
					t->ip = q->addrs[k];
					break;
				}
		}
		if (p->ready)
			p->ready(i - 1, p->payload);
	}
}

static void on_name(struct vos_resolve_name *q, void *payload)
{
	decide_name(payload, q);
}

int vos_probe_plan_pending(struct vos_probe_target *t, size_t n, const struct vos_scope *scope,
                           const char *dns, int timeout_ms, void (*ready)(size_t i, void *payload),
                           void *payload, struct vos_err *errp)
{
	struct pending p;
	struct vos_resolve_opts ro;
	struct vos_map idx;   /* name (nocase) -> index + 1 into names */
	size_t nnames = 0, alloc = 0, i, *last = NULL;
	char why[160];
	int err = 0;

	memset(&p, 0, sizeof(p));
	p.t = t;
	p.scope = scope;
	p.ready = ready;
	p.payload = payload;
	p.next = vos_calloc(n ? n : 1, sizeof(*p.next));
	p.first = vos_calloc(n ? n : 1, sizeof(*p.first)); /* at most a name per target */
	last = vos_calloc(n ? n : 1, sizeof(*last));
	vos_map_init(&idx, true);
	for (i = 0; i < n; i++) {
		uintptr_t j;
		if (t[i].decision != VOS_PLAN_PENDING)
			continue;
		if (!(j = (uintptr_t)vos_map_get(&idx, t[i].address))) {
			struct vos_resolve_name *q = VOS_PUSH(p.names, nnames, alloc);
			memset(q, 0, sizeof(*q));
			q->name = t[i].address;
			vos_map_put(&idx, t[i].address, (void *)(uintptr_t)nnames);
			j = nnames;
		}
		/* the name's targets in order */
		if (!p.first[j - 1])
			p.first[j - 1] = i + 1;
		else
			p.next[last[j - 1] - 1] = i + 1;
		last[j - 1] = i + 1;
	}
	if (nnames) {
		memset(&ro, 0, sizeof(ro));
		ro.servers = dns && *dns ? dns : NULL;
		ro.timeout_ms = timeout_ms;
		ro.done = on_name;
		ro.payload = &p;
		if (vos_resolve(p.names, nnames, &ro, why, sizeof(why)) < 0) {
			err = vos_err_set(errp, VOS_EIO, "%s", why);
			for (i = 0; i < nnames; i++) { /* nothing was asked: every one of them is unresolved */
				p.names[i].status = VOS_RESOLVE_FAILED;
				decide_name(&p, &p.names[i]);
			}
		}
	}
	vos_resolve_release(p.names, nnames);
	free(p.names);
	free(p.first);
	free(p.next);
	free(last);
	vos_map_release(&idx);
	return err;
}

int vos_probe_plan_lab(struct vos_scope *scope, bool *declared, struct vos_probe_target *t, size_t n,
                       const struct vos_lab *lab, const char *const *cli, size_t ncli,
                       const char *env, int timeout_ms, bool defer_names, struct vos_err *errp)
{
	int err = vos_probe_scope_build(scope, declared, lab->have_inv ? &lab->inv : NULL,
	                                lab->config.probe_scope, lab->config.probe_scope_set, cli, ncli,
	                                env, errp);
	if (err < 0)
		return err;
	return vos_probe_plan(t, n, scope, *declared, lab->config.probe_dns, timeout_ms, defer_names, errp);
}
