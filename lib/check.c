/* check.c - built-in integrity checks on the merged model. */
#include "check.h"
#include "addr.h"
#include "rules.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- port clashes */

struct port_use {
	int lo, hi;
	const char *proto;
	const char *address; /* the port's effective address (model.h) */
	const struct vos_mservice *svc;
	const struct vos_port *port;
};

static int port_use_cmp(const void *a, const void *b)
{
	const struct port_use *x = a, *y = b;
	int c = strcmp(x->proto, y->proto);
	if (c)
		return c;
	c = strcmp(x->address ? x->address : "", y->address ? y->address : "");
	if (c)
		return c;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

static void check_ports(const struct vos_model *m, struct vos_diags *f)
{
	struct port_use *uses = NULL;
	size_t nuses = 0, alloc = 0, h, i, j;
	for (h = 0; h < m->nhosts; h++) {
		const struct vos_mhost *host = &m->hosts[h];
		nuses = 0;
		for (i = 0; i < host->nservices; i++) {
			const struct vos_mservice *s = &m->services[host->services[i]];
			if (!s->inv)
				continue;
			for (j = 0; j < s->inv->nports; j++) {
				const struct vos_port *p = &s->inv->ports[j];
				struct port_use *u = VOS_PUSH(uses, nuses, alloc);
				u->lo = p->port;
				u->hi = p->port_end > p->port ? p->port_end : p->port;
				u->proto = p->proto ? p->proto : "tcp";
				/* services listening on different addresses of one host do not clash */
				u->address = s->port_address[j];
				u->svc = s;
				u->port = p;
			}
		}
		if (nuses < 2)
			continue;
		qsort(uses, nuses, sizeof(*uses), port_use_cmp);
		/* sweep: keep the use reaching furthest right among the current group */
		{
			size_t far = 0;
			for (i = 1; i < nuses; i++) {
				struct port_use *a = &uses[far], *b = &uses[i];
				if (strcmp(a->proto, b->proto) || !vos_streq(a->address, b->address)) {
					far = i;
					continue;
				}
				if (b->lo <= a->hi) {
					struct vos_diag *d;
					int port = b->lo;
					d = vos_diags_add(f, VOS_SEV_ERROR, &b->port->loc, "port-clash",
					        "port %d/%s on host '%s' is declared by both '%s' and '%s'",
					        port, b->proto, host->name, a->svc->id, b->svc->id);
					char pid[32];
					vos_diag_set_subject(d, b->svc->id, host->name);
					snprintf(pid, sizeof(pid), "%d/%s", port, b->proto);
					vos_diag_set_ids(d, pid, a->svc->id);
					vos_diag_set_related(d, &a->port->loc);
				}
				if (b->hi > a->hi)
					far = i;
			}
		}
	}
	free(uses);
}

/* ---------------------------------------------------------------- dependencies */

static void check_depends(const struct vos_model *m, struct vos_diags *f)
{
	size_t i, j, n = m->nservices;
	unsigned char *color;
	size_t *stack_svc, *stack_edge;

	for (i = 0; i < n; i++) {
		const struct vos_service *sv = m->services[i].inv;
		if (!sv)
			continue;
		for (j = 0; j < sv->ndepends_on; j++) {
			const struct vos_strloc *dep = &sv->depends_on[j];
			struct vos_mservice *t = vos_model_service(m, dep->s);
			if (!t || !t->inv) {
				struct vos_diag *d = vos_diags_add(f, VOS_SEV_ERROR, &dep->loc, "depends-unknown",
				        "service '%s' depends on '%s', which names no service", sv->id, dep->s);
				vos_diag_set_subject(d, sv->id, NULL);
				vos_diag_set_ids(d, NULL, dep->s);
			} else if (t == &m->services[i]) {
				struct vos_diag *d = vos_diags_add(f, VOS_SEV_ERROR, &dep->loc, "depends-cycle",
				        "service '%s' depends on itself", sv->id);
				vos_diag_set_subject(d, sv->id, NULL);
			}
		}
	}

	/* iterative DFS: 0 white, 1 on stack, 2 done; a back edge closes a cycle */
	color = vos_calloc(n ? n : 1, 1);
	stack_svc = vos_malloc((n ? n : 1) * sizeof(size_t));
	stack_edge = vos_malloc((n ? n : 1) * sizeof(size_t));
	for (i = 0; i < n; i++) {
		size_t sp = 0;
		if (color[i] || !m->services[i].inv)
			continue;
		stack_svc[sp] = i;
		stack_edge[sp] = 0;
		sp++;
		color[i] = 1;
		while (sp) {
			size_t u = stack_svc[sp - 1];
			const struct vos_service *sv = m->services[u].inv;
			if (stack_edge[sp - 1] < sv->ndepends_on) {
				const struct vos_strloc *dep = &sv->depends_on[stack_edge[sp - 1]++];
				struct vos_mservice *t = vos_model_service(m, dep->s);
				size_t v;
				if (!t || !t->inv)
					continue;
				v = (size_t)(t - m->services);
				if (v == u)
					continue; /* self-dependency reported above */
				if (color[v] == 1) {
					/* the cycle is v -> ... -> u -> v */
					struct vos_buf b = VOS_BUF_INIT;
					struct vos_diag *d;
					size_t k = sp;
					while (k > 0 && stack_svc[k - 1] != v)
						k--;
					for (; k > 0 && k <= sp; k++)
						vos_buf_addf(&b, "%s -> ", m->services[stack_svc[k - 1]].id);
					vos_buf_adds(&b, m->services[v].id);
					d = vos_diags_add(f, VOS_SEV_ERROR, &dep->loc, "depends-cycle",
					                  "dependency cycle: %s", b.ptr);
					vos_diag_set_subject(d, sv->id, NULL);
					vos_diag_set_ids(d, NULL, b.ptr);
					vos_buf_release(&b);
				} else if (color[v] == 0) {
					color[v] = 1;
					stack_svc[sp] = v;
					stack_edge[sp] = 0;
					sp++;
				}
			} else {
				color[u] = 2;
				sp--;
			}
		}
	}
	free(color);
	free(stack_svc);
	free(stack_edge);
}

/* ---------------------------------------------------------------- addresses and VLANs */

static void check_vlan_names(const struct vos_model *m, const struct vos_strloc *v, size_t n,
                             const char *what, const char *svc, struct vos_diags *f)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (!vos_map_get(&m->vlan_by_name, v[i].s)) {
			struct vos_diag *d = vos_diags_add(f, VOS_SEV_ERROR, &v[i].loc, "vlan-unknown",
			        "service '%s' names VLAN '%s' in %s, which the inventory does not define",
			        svc, v[i].s, what);
			vos_diag_set_subject(d, svc, NULL);
			vos_diag_set_ids(d, NULL, v[i].s);
		}
	}
}

static void check_addresses(const struct vos_model *m, struct vos_diags *f)
{
	struct vos_map seen;
	struct vos_arena keys;
	size_t i;
	vos_map_init(&seen, false);
	vos_arena_init(&keys);
	for (i = 0; i < m->nhosts; i++) {
		const struct vos_mhost *h = &m->hosts[i];
		const struct vos_host *hi = h->inv;
		size_t slot;
		struct vos_ip ip;
		struct vos_cidr net;
		enum vos_addr_kind kind;
		char key[256];
		const char *k;
		if (!hi)
			continue;
		if (hi->vlan && !h->vlan) {
			struct vos_diag *d = vos_diags_add(f, VOS_SEV_ERROR, &hi->vlan_loc, "vlan-unknown",
			        "host '%s' is on VLAN '%s', which the inventory does not define", h->name, hi->vlan);
			vos_diag_set_subject(d, NULL, h->name);
			vos_diag_set_ids(d, NULL, hi->vlan);
		}
		if (!hi->address)
			continue;
		kind = vos_addr_classify(hi->address, &ip);
		if (kind == VOS_ADDR_INVALID)
			continue; /* the inventory reported it */
		/* a literal must be in its VLAN; a name cannot be checked without resolving it */
		if ((kind == VOS_ADDR_IPV4 || kind == VOS_ADDR_IPV6) && h->vlan && h->vlan->cidr &&
		    vos_cidr_parse_any(&net, h->vlan->cidr, NULL) == 0 && !vos_cidr_contains(&net, &ip)) {
			struct vos_diag *d = vos_diags_add(f, VOS_SEV_ERROR, &hi->addr_loc, "address-outside-vlan",
			        "host '%s' has address %s, outside VLAN '%s' (%s)", h->name, hi->address,
			        h->vlan->name, h->vlan->cidr);
			vos_diag_set_subject(d, NULL, h->name);
			vos_diag_set_related(d, &h->vlan->cidr_loc);
		}
		/* one spelling per address (the map borrows its keys: they live in keys) */
		k = vos_arena_strdup(&keys, vos_addr_key(hi->address, key, sizeof(key)));
		slot = VOS_MAP_SLOT(vos_map_put(&seen, k, VOS_MAP_INDEX(i)));
		if (slot) {
			const struct vos_host *prev = m->hosts[slot - 1].inv;
			struct vos_diag *d = vos_diags_add(f, VOS_SEV_ERROR, &hi->addr_loc, "address-shared",
			        "address %s is on two hosts: '%s' and '%s'", hi->address, prev->name, h->name);
			vos_diag_set_subject(d, NULL, h->name);
			vos_diag_set_ids(d, NULL, prev->name);
			vos_diag_set_related(d, &prev->addr_loc);
			vos_map_put(&seen, k, VOS_MAP_INDEX(slot - 1));
		}
	}
	vos_map_release(&seen);
	vos_arena_release(&keys);

	for (i = 0; i < m->nservices; i++) {
		const struct vos_mservice *s = &m->services[i];
		if (!s->inv)
			continue;
		check_vlan_names(m, s->inv->exposure, s->inv->nexposure, "exposure", s->id, f);
		check_vlan_names(m, s->inv->admin_via, s->inv->nadmin_via, "admin_via", s->id, f);
		if (s->inv->host && !vos_model_host(m, s->inv->host)) {
			struct vos_diag *d = vos_diags_add(f, VOS_SEV_ERROR, &s->inv->host_loc, "host-unknown",
			        "service '%s' names host '%s', which neither the page nor the inventory knows",
			        s->id, s->inv->host);
			vos_diag_set_subject(d, s->id, s->inv->host);
		}
	}
}

void vos_check_integrity(const struct vos_model *m, struct vos_diags *findings)
{
	check_ports(m, findings);
	check_depends(m, findings);
	check_addresses(m, findings);
}

void vos_check_model(const struct vos_model *m, struct vos_diags *findings)
{
	vos_check_integrity(m, findings);
	vos_rules_check(m, findings);
	vos_check_evidence(m, findings);
}

/* ---------------------------------------------------------------- wiki links */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

char *vos_wiki_link_path(const char *target)
{
	const char *s = target, *e;
	struct vos_buf b = VOS_BUF_INIT;
	char *res;
	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	/* external: a scheme ("https:", "mailto:") or a network path ("//host") */
	for (e = s; isalnum((unsigned char)*e) || *e == '+' || *e == '-' || *e == '.'; e++)
		;
	if ((*e == ':' && e > s && isalpha((unsigned char)*s)) || (s[0] == '/' && s[1] == '/'))
		return NULL;
	e = s + strcspn(s, "#?|");
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	while (s < e && *s == '/')
		s++;
	while (e > s && e[-1] == '/')
		e--;
	for (; s < e; s++) {
		int hi, lo;
		if (*s == '%' && e - s >= 3 && (hi = hexval(s[1])) >= 0 && (lo = hexval(s[2])) >= 0) {
			vos_buf_addc(&b, (char)(hi * 16 + lo));
			s += 2;
		} else {
			vos_buf_addc(&b, *s);
		}
	}
	if (!b.len) {
		vos_buf_release(&b);
		return NULL;
	}
	res = vos_buf_detach(&b, NULL);
	return res;
}

/* A leading locale segment: "en/", "pt-br/", "zh-Hans/"? (two letters, optional "-xx..."). */
static const char *skip_locale(const char *p)
{
	const char *s = p;
	if (!isalpha((unsigned char)s[0]) || !isalpha((unsigned char)s[1]))
		return NULL;
	s += 2;
	if (*s == '-') {
		s++;
		while (isalpha((unsigned char)*s))
			s++;
	}
	return *s == '/' && s[1] ? s + 1 : NULL;
}

/* A page the link may name: "<path>.md" or "<path>". */
static bool page_exists(const char *path, bool (*exists)(const char *path, const void *payload),
                        const void *payload)
{
	char *md = vos_asprintf("%s.md", path);
	bool ok = exists(md, payload) || exists(path, payload);
	free(md);
	return ok;
}

void vos_check_links(const struct vos_page *page, bool (*exists)(const char *path, const void *payload),
                     const void *payload, enum vos_severity sev, struct vos_diags *diags)
{
	size_t j;
	for (j = 0; j < page->nlinks; j++) {
		const struct vos_page_link *l = &page->links[j];
		char *path = vos_wiki_link_path(l->target);
		const char *rest;
		struct vos_loc loc = l->loc;
		if (!path)
			continue;
		if (!page_exists(path, exists, payload) &&
		    !((rest = skip_locale(path)) && page_exists(rest, exists, payload))) {
			if (!loc.file)
				loc.file = page->file;
			vos_diag_set_ids(vos_diags_add(diags, sev, &loc, "wiki-link-broken", "link to missing page '%s'",
			                               l->target), NULL, path);
		}
		free(path);
	}
}
