/* rules.c - placement rules written as data, evaluated on the model.
 *
 * A rule selects services (struct vos_selector) and asserts something about each (enum
 * vos_assert_kind). The assertion kinds are the language; no rule is C code. The names of the
 * kinds live with the loader (lib/inventory.c).
 */
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool in_list(char *const *list, size_t n, const char *s)
{
	size_t i;
	if (!s)
		return false;
	for (i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

/* A host name in a list of host names (vos_name_eq). */
static bool in_hosts(char *const *list, size_t n, const char *host)
{
	size_t i;
	for (i = 0; host && i < n; i++)
		if (vos_name_eq(list[i], host))
			return true;
	return false;
}

/* A list of names with O(1) membership once it is long (a rule may name hundreds of hosts, and it
 * is asked once per service). */
#define NAMESET_LINEAR 8
struct nameset {
	char *const *list;
	size_t n;
	bool hosts;         /* host names: compared with vos_name_eq; else exactly */
	struct vos_map map; /* name -> the set itself, when n > NAMESET_LINEAR */
};

static void nameset_init(struct nameset *ns, char *const *list, size_t n, bool hosts)
{
	size_t i;
	ns->list = list;
	ns->n = n;
	ns->hosts = hosts;
	vos_map_init(&ns->map, hosts ? VOS_NAMES_NOCASE : false);
	if (n > NAMESET_LINEAR)
		for (i = 0; i < n; i++)
			vos_map_put(&ns->map, list[i], ns);
}

static bool nameset_has(const struct nameset *ns, const char *s)
{
	if (ns->n > NAMESET_LINEAR)
		return s && vos_map_get(&ns->map, s) != NULL;
	return ns->hosts ? in_hosts(ns->list, ns->n, s) : in_list(ns->list, ns->n, s);
}

static void nameset_release(struct nameset *ns)
{
	vos_map_release(&ns->map);
}

/* A selector with its long lists hashed. */
struct selset {
	const struct vos_selector *sel;
	struct nameset hosts, services;
};

static void selset_init(struct selset *ss, const struct vos_selector *sel)
{
	ss->sel = sel;
	nameset_init(&ss->hosts, sel->hosts, sel->nhosts, true);
	nameset_init(&ss->services, sel->services, sel->nservices, false);
}

static void selset_release(struct selset *ss)
{
	nameset_release(&ss->hosts);
	nameset_release(&ss->services);
}

static bool any_in_list(char *const *list, size_t n, char *const *vals, size_t nvals)
{
	size_t i;
	for (i = 0; i < nvals; i++)
		if (in_list(list, n, vals[i]))
			return true;
	return false;
}

static const char *first_in_list(char *const *list, size_t n, char *const *vals, size_t nvals)
{
	size_t i;
	for (i = 0; i < nvals; i++)
		if (in_list(list, n, vals[i]))
			return vals[i];
	return NULL;
}

/* The first of v that is in list (inside true) or not in it (inside false), or NULL. */
static const struct vos_strloc *strloc_first(char *const *list, size_t n, const struct vos_strloc *v,
                                             size_t nv, bool inside)
{
	size_t i;
	for (i = 0; i < nv; i++)
		if (in_list(list, n, v[i].s) == inside)
			return &v[i];
	return NULL;
}

/* "Control Plane" matches "control", "control plane", "Control Plane" */
static bool plane_matches(const char *want, const char *have)
{
	size_t n;
	if (!want || !have)
		return false;
	if (!strcasecmp(want, have))
		return true;
	n = strlen(want);
	return !strncasecmp(want, have, n) && !strcasecmp(have + n, " plane");
}

static const struct vos_host *svc_host_inv(const struct vos_model *m, const struct vos_mservice *s)
{
	const struct vos_mhost *h = vos_model_service_host(m, s);
	return h ? h->inv : NULL;
}

static bool selset_matches(const struct vos_model *m, const struct selset *ss,
                           const struct vos_mservice *s)
{
	const struct vos_selector *sel = ss->sel;
	const struct vos_mhost *h = vos_model_service_host(m, s);
	const struct vos_host *hi = h ? h->inv : NULL;
	if (sel->nhosts && !(h && nameset_has(&ss->hosts, h->name)))
		return false;
	if (sel->nplanes) {
		size_t i;
		bool ok = false;
		for (i = 0; h && i < sel->nplanes && !ok; i++)
			ok = plane_matches(sel->planes[i], h->plane);
		if (!ok)
			return false;
	}
	if (sel->nclasses && !(s->inv && in_list(sel->classes, sel->nclasses, s->inv->class_)))
		return false;
	if (sel->ntraits && !(s->inv && any_in_list(sel->traits, sel->ntraits, s->inv->traits, s->inv->ntraits)))
		return false;
	if (sel->nhost_traits && !(hi && any_in_list(sel->host_traits, sel->nhost_traits, hi->traits, hi->ntraits)))
		return false;
	if (sel->nvlans && !(hi && in_list(sel->vlans, sel->nvlans, hi->vlan)))
		return false;
	if (sel->nservices && !nameset_has(&ss->services, s->id) &&
	    !(s->inv && s->inv->ninstances > 1 && nameset_has(&ss->services, s->inv->base_id)))
		return false;
	return true;
}

bool vos_selector_matches(const struct vos_model *m, const struct vos_selector *sel,
                          const struct vos_mservice *s)
{
	struct selset ss;
	bool ok;
	selset_init(&ss, sel);
	ok = selset_matches(m, &ss, s);
	selset_release(&ss);
	return ok;
}

static void join(struct vos_buf *b, char *const *list, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		vos_buf_addf(b, "%s'%s'", i ? (i + 1 == n ? " or " : ", ") : "", list[i]);
}

/* Reports a violation at the page row (what people edit), citing the inventory entry. */
static void violation(struct vos_diags *f, const struct vos_rule *r, const struct vos_model *m,
                      const struct vos_mservice *s, const struct vos_loc *at, const char *why)
{
	const struct vos_mhost *h = vos_model_service_host(m, s);
	const struct vos_loc *loc = at ? at : s->row ? &s->row->loc : s->inv ? &s->inv->loc : &r->loc;
	struct vos_diag *d = vos_diags_add(f, r->severity, loc, r->id, "'%s' on '%s' breaks \"%s\": %s",
	                                   s->name, h ? h->name : "(no host)", r->text ? r->text : r->id, why);
	vos_diag_set_subject(d, s->inv ? s->inv->id : s->id, h ? h->name : NULL);
	if (s->inv && loc != &s->inv->loc)
		vos_diag_set_related(d, &s->inv->loc);
}

static void eval_rule(const struct vos_model *m, const struct vos_rule *r, struct vos_diags *f)
{
	size_t i;
	struct vos_buf why = VOS_BUF_INIT;
	struct selset select, require;
	struct nameset hosts;
	selset_init(&select, &r->select);
	selset_init(&require, &r->require);
	nameset_init(&hosts, r->hosts, r->nhosts, true);
	for (i = 0; i < m->nservices; i++) {
		const struct vos_mservice *s = &m->services[i];
		const struct vos_mhost *h = vos_model_service_host(m, s);
		const struct vos_service *sv = s->inv;
		const struct vos_host *hi = svc_host_inv(m, s);
		const struct vos_strloc *hit = NULL;
		const char *t;
		if (!r->select.empty && !selset_matches(m, &select, s))
			continue;
		vos_buf_reset(&why);
		switch (r->assert_kind) {
		case VOS_ASSERT_ONLY_ON_HOST:
			if (!h || !nameset_has(&hosts, h->name)) {
				vos_buf_adds(&why, "it may only run on ");
				join(&why, r->hosts, r->nhosts);
			}
			break;
		case VOS_ASSERT_HOST_HOLDS_ONLY_CLASS:
			if (h && nameset_has(&hosts, h->name) &&
			    !(sv && in_list(r->classes, r->nclasses, sv->class_))) {
				vos_buf_addf(&why, "its class is '%s', the host holds only ",
				             sv && sv->class_ ? sv->class_ : "unknown");
				join(&why, r->classes, r->nclasses);
			}
			break;
		case VOS_ASSERT_NEVER_TRAIT_ON_HOST:
			if (h && sv && nameset_has(&hosts, h->name) &&
			    (t = first_in_list(r->traits, r->ntraits, sv->traits, sv->ntraits)))
				vos_buf_addf(&why, "it has trait '%s', never allowed on '%s'", t, h->name);
			break;
		case VOS_ASSERT_NOT_EXPOSED_ON_VLANS:
			if (sv && (hit = strloc_first(r->vlans, r->nvlans, sv->exposure, sv->nexposure, true)))
				vos_buf_addf(&why, "it is exposed on VLAN '%s'", hit->s);
			break;
		case VOS_ASSERT_EXPOSED_ONLY_ON_VLANS:
		case VOS_ASSERT_ADMIN_ONLY_VIA_VLANS: {
			bool admin = r->assert_kind == VOS_ASSERT_ADMIN_ONLY_VIA_VLANS;
			if (sv && (hit = strloc_first(r->vlans, r->nvlans, admin ? sv->admin_via : sv->exposure,
			                              admin ? sv->nadmin_via : sv->nexposure, false))) {
				vos_buf_addf(&why, admin ? "administrative access comes via VLAN '%s', allowed only "
				                         : "it is exposed on VLAN '%s', allowed only ", hit->s);
				join(&why, r->vlans, r->nvlans);
			}
			break;
		}
		case VOS_ASSERT_ONLY_ON_VLANS:
			if (!hi || !in_list(r->vlans, r->nvlans, hi->vlan)) {
				vos_buf_addf(&why, "its host is on VLAN '%s', allowed only ",
				             hi && hi->vlan ? hi->vlan : "(none)");
				join(&why, r->vlans, r->nvlans);
			}
			break;
		case VOS_ASSERT_STATEFUL_ONLY_WHERE_STORAGE: {
			if (sv && in_list(sv->traits, sv->ntraits, "stateful") &&
			    !(hi && in_list(hi->traits, hi->ntraits, "storage")))
				vos_buf_addf(&why, "it is stateful but host '%s' has no trait 'storage'",
				             h ? h->name : "(none)");
			break;
		}
		case VOS_ASSERT_REQUIRE:
			if (!selset_matches(m, &require, s))
				vos_buf_adds(&why, "it does not meet the rule's requirement");
			break;
		case VOS_ASSERT_FORBID:
			if (selset_matches(m, &require, s))
				vos_buf_adds(&why, "it matches what the rule forbids");
			break;
		case VOS_ASSERT_UNKNOWN:
			break;
		}
		if (why.len)
			violation(f, r, m, s, hit && !s->row ? &hit->loc : NULL, why.ptr);
	}
	vos_buf_release(&why);
	selset_release(&select);
	selset_release(&require);
	nameset_release(&hosts);
}

/* ---------------------------------------------------------------- page/rules drift */

static bool rule_names_host(const struct vos_rule *r, const char *host)
{
	return in_hosts(r->hosts, r->nhosts, host) || in_hosts(r->select.hosts, r->select.nhosts, host) ||
	       in_hosts(r->require.hosts, r->require.nhosts, host);
}

static void check_drift(const struct vos_model *m, struct vos_diags *f)
{
	const struct vos_page *page = m->page;
	const struct vos_inventory *inv = m->inv;
	bool *enforced = vos_calloc(page->nrules + 1, sizeof(bool));
	size_t i, j;

	for (i = 0; i < inv->nrules; i++) {
		const struct vos_rule *r = &inv->rules[i];
		bool stated = false;
		if (r->page_rule) {
			for (j = 0; j < page->nrules; j++) {
				const struct vos_page_rule *pr = &page->rules[j];
				if (pr->number != r->page_rule)
					continue;
				stated = true;
				enforced[j] = true;
				/* the page rule's subject host should be one the machine rule names */
				if (pr->subject && vos_model_host(m, pr->subject) && !rule_names_host(r, pr->subject)) {
					struct vos_diag *d = vos_diags_add(f, VOS_SEV_WARNING, &r->loc, "rule-mismatch",
					        "rule '%s' implements page rule %d about '%s' but never names host '%s'",
					        r->id, pr->number, pr->subject, pr->subject);
					vos_diag_set_ids(d, NULL, r->id);
					vos_diag_set_related(d, &pr->loc);
				}
			}
			if (!stated)
				vos_diag_set_ids(vos_diags_add(f, VOS_SEV_WARNING, &r->loc, "rule-unstated",
				                 "rule '%s' implements page rule %d, but the page has no rule %d",
				                 r->id, r->page_rule, r->page_rule), NULL, r->id);
		}
		if (r->page_text) {
			bool found = false;
			for (j = 0; j < page->nstatements && !found; j++)
				found = vos_contains_nocase(page->statements[j].text, r->page_text);
			for (j = 0; j < page->nrules; j++)
				if (vos_contains_nocase(page->rules[j].text, r->page_text)) {
					found = true;
					enforced[j] = true;
				}
			if (!found)
				vos_diag_set_ids(vos_diags_add(f, VOS_SEV_WARNING, &r->loc, "rule-unstated",
				                 "rule '%s' cites \"%s\", which no list item on the page states",
				                 r->id, r->page_text), NULL, r->id);
		}
		if (!r->page_rule && !r->page_text)
			vos_diag_set_ids(vos_diags_add(f, VOS_SEV_WARNING, &r->loc, "rule-unstated",
			                 "rule '%s' is not stated on the page (give it page_rule or page_text)", r->id),
			                 NULL, r->id);
	}
	for (j = 0; j < page->nrules; j++)
		if (!enforced[j]) {
			char id[32];
			snprintf(id, sizeof(id), "page-rule-%d", page->rules[j].number);
			vos_diag_set_ids(vos_diags_add(f, VOS_SEV_WARNING, &page->rules[j].loc, "rule-unenforced",
			                 "page rule %d (\"%s\") has no machine rule that enforces it",
			                 page->rules[j].number, page->rules[j].text), NULL, id);
		}
	free(enforced);
}

void vos_rules_check(const struct vos_model *m, struct vos_diags *findings)
{
	size_t i;
	for (i = 0; i < m->inv->nrules; i++)
		eval_rule(m, &m->inv->rules[i], findings);
	check_drift(m, findings);
}
