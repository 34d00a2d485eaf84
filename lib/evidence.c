/* evidence.c - what a service's launch line says, checked against what the inventory declares.
 *
 * launch.exec is read as words (split at blanks, quotes around a word dropped): the ports it names
 * (`--port 4000`, `--port=4000`, `-p 8080:80`, `--listen :4000`, `--bind 0.0.0.0:9000`,
 * `OLLAMA_HOST=0.0.0.0:11434`, `APP_PORT=4000`) and the addresses it binds (`--host 0.0.0.0`, the
 * host part of those). See docs/rules.md, "Evidence from the launch line".
 */
#include "check.h"
#include "rules.h"

#include <stdlib.h>
#include <string.h>

static bool all_digits(const char *s, size_t n)
{
	size_t i;
	if (!n || n > 5)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static void add_port(struct vos_launch_facts *lf, const char *s, size_t n)
{
	int v;
	if (!all_digits(s, n))
		return;
	v = atoi(s);
	if (v >= 1 && v <= 65535 && lf->nports < VOS_ARRAY_SIZE(lf->ports))
		lf->ports[lf->nports++] = v;
}

/* An address that means every interface: 0.0.0.0, ::, [::], *, or nothing (":4000"). */
static const char *all_interfaces(const char *s, size_t n)
{
	if (n == 0 || (n == 1 && s[0] == '*'))
		return "0.0.0.0";
	if (n == 7 && !memcmp(s, "0.0.0.0", 7))
		return "0.0.0.0";
	if ((n == 2 && !memcmp(s, "::", 2)) || (n == 4 && !memcmp(s, "[::]", 4)))
		return "::";
	return NULL;
}

static void add_bind(struct vos_launch_facts *lf, const char *s, size_t n)
{
	const char *all = all_interfaces(s, n);
	if (all && !lf->bind_all)
		lf->bind_all = all;
}

/* "HOST:PORT", ":PORT", "[::]:PORT", "PORT" or "HOST" */
static void add_hostport(struct vos_launch_facts *lf, const char *s, size_t n)
{
	const char *colon = NULL;
	size_t i;
	for (i = n; i > 0; i--)
		if (s[i - 1] == ':') {
			colon = s + i - 1;
			break;
		}
	if (colon && all_digits(colon + 1, (size_t)(s + n - colon - 1))) {
		add_port(lf, colon + 1, (size_t)(s + n - colon - 1));
		add_bind(lf, s, (size_t)(colon - s));
	} else if (all_digits(s, n)) {
		add_port(lf, s, n);
	} else {
		add_bind(lf, s, n);
	}
}

/* docker's "-p [IP:]HOSTPORT:CONTAINERPORT": the host side */
static void add_publish(struct vos_launch_facts *lf, const char *s, size_t n)
{
	const char *c1 = memchr(s, ':', n), *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(s + n - c1 - 1)) : NULL;
	if (!c1)
		add_port(lf, s, n);
	else if (!c2)
		add_port(lf, s, (size_t)(c1 - s));
	else {
		add_port(lf, c1 + 1, (size_t)(c2 - c1 - 1));
		add_bind(lf, s, (size_t)(c1 - s));
	}
}

static bool name_ends(const char *name, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && !memcmp(name + n - k, suffix, k);
}

void vos_launch_facts_read(struct vos_launch_facts *lf, const char *exec)
{
	const char *p = exec, *prev = NULL;
	size_t prevlen = 0;
	memset(lf, 0, sizeof(*lf));
	while (p && *p) {
		const char *w, *eq;
		size_t n;
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\\')
			p++;
		if (!*p)
			break;
		w = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		n = (size_t)(p - w);
		while (n && (w[0] == '"' || w[0] == '\'')) /* Environment="OLLAMA_HOST=..." */
			w++, n--;
		while (n && (w[n - 1] == '"' || w[n - 1] == '\''))
			n--;
		if (prev) { /* the value of the option before */
			if (prevlen == 6 && !memcmp(prev, "--port", 6))
				add_port(lf, w, n);
			else if (prevlen == 2 && !memcmp(prev, "-p", 2))
				add_publish(lf, w, n);
			else if ((prevlen == 8 && !memcmp(prev, "--listen", 8)) ||
			         (prevlen == 6 && !memcmp(prev, "--bind", 6)))
				add_hostport(lf, w, n);
			else if (prevlen == 6 && !memcmp(prev, "--host", 6))
				add_bind(lf, w, n);
			prev = NULL;
		}
		if (n >= 2 && w[0] == '-' && !(eq = memchr(w, '=', n))) {
			prev = w;
			prevlen = n;
			continue;
		}
		eq = memchr(w, '=', n);
		if (!eq)
			continue;
		{
			const char *name = w, *val = eq + 1;
			size_t nl = (size_t)(eq - w), vl = (size_t)(w + n - val);
			if (nl == 6 && !memcmp(name, "--port", 6))
				add_port(lf, val, vl);
			else if ((nl == 8 && !memcmp(name, "--listen", 8)) || (nl == 6 && !memcmp(name, "--bind", 6)))
				add_hostport(lf, val, vl);
			else if (nl == 6 && !memcmp(name, "--host", 6))
				add_bind(lf, val, vl);
			else if (name[0] != '-' && (name_ends(name, nl, "HOST") || name_ends(name, nl, "ADDR") ||
			                            name_ends(name, nl, "LISTEN") || name_ends(name, nl, "BIND")))
				add_hostport(lf, val, vl);
			else if (name[0] != '-' && name_ends(name, nl, "PORT"))
				add_port(lf, val, vl);
		}
	}
}

static bool port_declared(const struct vos_service *sv, int port)
{
	size_t i;
	for (i = 0; i < sv->nports; i++)
		if (port >= sv->ports[i].port && port <= sv->ports[i].port_end)
			return true;
	return false;
}

static void bind_exposed(const struct vos_model *m, const struct vos_mservice *s, const char *addr,
                         const char *from, const struct vos_loc *loc, struct vos_diags *f)
{
	const struct vos_mhost *h = vos_model_service_host(m, s);
	const char *vlan = h && h->inv ? h->inv->vlan : NULL;
	size_t i, j;
	if (!vlan)
		return;
	for (i = 0; i < m->inv->nrules; i++) {
		const struct vos_rule *r = &m->inv->rules[i];
		struct vos_diag *d;
		if (r->assert_kind != VOS_ASSERT_NOT_EXPOSED_ON_VLANS || !vos_selector_matches(m, &r->select, s))
			continue;
		for (j = 0; j < r->nvlans && !vos_strcaseeq(r->vlans[j], vlan); j++)
			;
		if (j == r->nvlans)
			continue;
		d = vos_diags_add(f, r->severity == VOS_SEV_WARNING ? VOS_SEV_WARNING : VOS_SEV_ERROR, loc,
		                  "bind-exposed",
		                  "service '%s' binds %s (%s) on host '%s', which is on VLAN '%s': every address "
		                  "of the host serves it, and rule '%s' says it must not be exposed on '%s'; bind "
		                  "it to an address of an allowed VLAN", s->id, addr, from, h->name, vlan, r->id,
		                  vlan);
		vos_diag_set_subject(d, s->id, h->name);
		vos_diag_set_related(d, &r->loc);
		return;
	}
}

void vos_check_evidence(const struct vos_model *m, struct vos_diags *f)
{
	size_t i, j;
	for (i = 0; i < m->nservices; i++) {
		const struct vos_mservice *s = &m->services[i];
		const struct vos_service *sv = s->inv;
		struct vos_launch_facts lf;
		const char *declared = NULL;
		const struct vos_loc *declared_loc = NULL;
		if (!sv)
			continue;
		if (sv->address && all_interfaces(sv->address, strlen(sv->address))) {
			declared = sv->address;
			declared_loc = &sv->addr_loc;
		}
		for (j = 0; !declared && j < sv->nports; j++)
			if (sv->ports[j].address && all_interfaces(sv->ports[j].address, strlen(sv->ports[j].address))) {
				declared = sv->ports[j].address;
				declared_loc = &sv->ports[j].loc;
			}
		if (declared)
			bind_exposed(m, s, declared, "its declared address", declared_loc, f);
		if (!sv->launch.exec)
			continue;
		vos_launch_facts_read(&lf, sv->launch.exec);
		for (j = 0; sv->nports && j < lf.nports; j++) {
			struct vos_buf b = VOS_BUF_INIT;
			struct vos_diag *d;
			size_t k;
			bool seen = false;
			for (k = 0; k < j; k++)
				seen |= lf.ports[k] == lf.ports[j];
			if (seen || port_declared(sv, lf.ports[j]))
				continue;
			for (k = 0; k < sv->nports; k++) {
				if (k)
					vos_buf_adds(&b, ", ");
				vos_port_describe(&b, &sv->ports[k]);
			}
			d = vos_diags_add(f, VOS_SEV_ERROR, &sv->launch.loc, "launch-port-mismatch",
			                  "service '%s' is launched on port %d (launch.exec) but declares port%s %s",
			                  s->id, lf.ports[j], sv->nports == 1 ? "" : "s", b.ptr);
			vos_diag_set_subject(d, s->id, s->host >= 0 ? m->hosts[s->host].name : NULL);
			vos_diag_set_related(d, &sv->ports[0].loc);
			vos_buf_release(&b);
		}
		if (lf.bind_all && !declared)
			bind_exposed(m, s, lf.bind_all, "launch.exec", &sv->launch.loc, f);
	}
}
