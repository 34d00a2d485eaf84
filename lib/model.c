/* model.c - one model from the services page and the inventory.
 *
 * The page decides what runs where ("If it's not here, it doesn't exist"): a service's host is the
 * page's. Every disagreement between the two sides is a finding that cites both locations.
 */
#include "model.h"
#include "addr.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct vos_mhost *vos_model_host(const struct vos_model *m, const char *name)
{
	size_t i = VOS_MAP_SLOT(vos_map_get(&m->host_by_name, name));
	return i ? &m->hosts[i - 1] : NULL;
}

/* index + 1 of the service of that id, 0 if none: the inventory's map when the model borrows it
 * (the inventory's services are the model's first ones, in order), else the model's own */
static size_t service_slot(const struct vos_model *m, const char *id)
{
	size_t i;
	if (m->inv_ids && (i = VOS_MAP_SLOT(vos_map_get(m->inv_ids, id))))
		return i;
	if ((i = VOS_MAP_SLOT(vos_map_get(&m->service_by_id, id))))
		return i;
	/* the declared id of a service on several hosts names its first instance (depends_on: [id]);
	 * the inventory's services are the model's first ones, in order */
	return m->inv ? VOS_MAP_SLOT(vos_map_get(&m->inv->base_by_id, id)) : 0;
}

struct vos_mservice *vos_model_service(const struct vos_model *m, const char *id)
{
	size_t i = service_slot(m, id);
	return i ? &m->services[i - 1] : NULL;
}

struct vos_mhost *vos_model_service_host(const struct vos_model *m, const struct vos_mservice *s)
{
	return s->host >= 0 ? &m->hosts[s->host] : NULL;
}

static int host_add(struct vos_model *m, const char *name)
{
	size_t i = VOS_MAP_SLOT(vos_map_get(&m->host_by_name, name));
	struct vos_mhost *h;
	if (i)
		return (int)(i - 1);
	h = VOS_PUSH(m->hosts, m->nhosts, m->hosts_alloc);
	h->name = name;
	vos_map_put(&m->host_by_name, name, VOS_MAP_INDEX(m->nhosts - 1));
	return (int)(m->nhosts - 1);
}

/* "Control Plane" -> "control"; "Infrastructure" -> "infrastructure" */
static void plane_key(char *out, size_t outlen, const char *s)
{
	size_t n = 0;
	if (!s) {
		out[0] = '\0';
		return;
	}
	for (; *s && n + 1 < outlen; s++)
		out[n++] = (char)tolower((unsigned char)*s);
	out[n] = '\0';
	while (n && out[n - 1] == ' ')
		out[--n] = '\0';
	if (n > 6 && !strcmp(out + n - 6, " plane"))
		out[n - 6] = '\0';
	else if (n > 5 && !strcmp(out + n - 5, "plane"))
		out[n - 5] = '\0';
	n = strlen(out);
	while (n && (out[n - 1] == ' ' || out[n - 1] == '-'))
		out[--n] = '\0';
}

/* The inventory's address of a service (see model.h) and where it is written. */
static const char *inventory_address(const struct vos_model *m, const struct vos_mservice *s,
                                     const struct vos_loc **loc_out)
{
	const struct vos_service *sv = s->inv;
	const struct vos_host *h = NULL;
	*loc_out = NULL;
	if (!sv)
		return NULL;
	if (sv->address) {
		*loc_out = &sv->addr_loc;
		return sv->address;
	}
	if (sv->host)
		h = vos_inventory_host(m->inv, sv->host);
	if ((!h || !h->address) && s->host >= 0)
		h = m->hosts[s->host].inv;
	if (!h || !h->address)
		return NULL;
	*loc_out = &h->addr_loc;
	return h->address;
}

static void build_hosts(struct vos_model *m, struct vos_diags *f)
{
	const struct vos_page *page = m->page;
	const struct vos_inventory *inv = m->inv;
	size_t i;

	for (i = 0; i < page->nhosts; i++) {
		int k = host_add(m, page->hosts[i].name);
		if (!m->hosts[k].page)
			m->hosts[k].page = &page->hosts[i];
	}
	for (i = 0; i < inv->nhosts; i++) {
		int k = host_add(m, inv->hosts[i].name);
		m->hosts[k].inv = &inv->hosts[i];
	}
	for (i = 0; i < m->nhosts; i++) {
		struct vos_mhost *h = &m->hosts[i];
		const char *page_plane = NULL;
		if (h->page && h->page->plane >= 0)
			page_plane = page->planes[h->page->plane].name;
		h->plane = h->inv && h->inv->plane ? h->inv->plane : page_plane;
		if (h->inv && h->inv->vlan) {
			size_t v = VOS_MAP_SLOT(vos_map_get(&m->vlan_by_name, h->inv->vlan));
			h->vlan = v ? &m->inv->vlans[v - 1] : NULL;
		}
		if (h->page && !h->inv) {
			struct vos_diag *d = vos_diags_add(f, VOS_SEV_ERROR, &h->page->loc, "host-page-only",
			        "host '%s' is on the page but not in the inventory", h->name);
			vos_diag_set_subject(d, NULL, h->name);
		} else if (h->inv && !h->page) {
			struct vos_diag *d = vos_diags_add(f, VOS_SEV_ERROR, &h->inv->loc, "host-inventory-only",
			        "host '%s' is in the inventory but the page does not name it", h->name);
			vos_diag_set_subject(d, NULL, h->name);
		} else if (h->inv && h->page && h->inv->plane && page_plane) {
			char a[64], b[64];
			plane_key(a, sizeof(a), h->inv->plane);
			plane_key(b, sizeof(b), page_plane);
			if (strcmp(a, b)) {
				struct vos_diag *d = vos_diags_add(f, VOS_SEV_ERROR, &h->page->loc, "plane-mismatch",
				        "host '%s' is under the page's heading '%s' (plane '%s') but in plane '%s' in "
				        "the inventory", h->name, page_plane, b, h->inv->plane);
				vos_diag_set_subject(d, NULL, h->name);
				vos_diag_set_related(d, &h->inv->loc);
			}
		}
		if (h->inv && h->page && h->inv->role && h->page->role && *h->page->role &&
		    !vos_strcaseeq(h->inv->role, h->page->role)) {
			struct vos_diag *d = vos_diags_add(f, VOS_SEV_WARNING, &h->page->loc, "role-mismatch",
			        "host '%s' is headed '%s (%s)' on the page but has role '%s' in the inventory",
			        h->name, h->name, h->page->role, h->inv->role);
			vos_diag_set_subject(d, NULL, h->name);
			vos_diag_set_related(d, &h->inv->loc);
		}
	}
}

static size_t service_add(struct vos_model *m, const char *id, const char *name)
{
	struct vos_mservice *s = VOS_PUSH(m->services, m->nservices, m->services_alloc);
	s->id = id;
	s->name = name;
	s->host = -1;
	return m->nservices - 1;
}

/* The service a page row names (index + 1, 0 if none): a service of that display name (`name`, else
 * the id; ASCII case-insensitive; same_name chains them in inventory order) that no row lists yet,
 * with on_host one the inventory puts on the row's host (vos_name_eq). */
static size_t row_candidate(const struct vos_model *m, const size_t *same_name, const char *name,
                            const char *host, bool on_host)
{
	size_t k;
	for (k = VOS_MAP_SLOT(vos_map_get(&m->service_by_name, name)); k; k = same_name[k - 1]) {
		const struct vos_mservice *s = &m->services[k - 1];
		if (s->row)
			continue;
		if (!on_host || (host && s->inv && s->inv->host && vos_name_eq(s->inv->host, host)))
			return k;
	}
	return 0;
}

static void place_row(struct vos_model *m, struct vos_mservice *s, const struct vos_page_row *row)
{
	s->row = row;
	if (row->host >= 0)
		s->host = host_add(m, m->page->hosts[row->host].name);
}

static void build_services(struct vos_model *m, struct vos_diags *f)
{
	const struct vos_page *page = m->page;
	const struct vos_inventory *inv = m->inv;
	size_t i, n_inv = inv->nservices, nports = 0;
	const char **ports;
	/* services of one display name, chained: index + 1 of the next one, 0 at the end */
	size_t *same_name = vos_calloc(n_inv + page->nrows + 1, sizeof(*same_name));
	bool *placed = vos_calloc(page->nrows + 1, sizeof(*placed));

	/* the inventory indexes every service id once (no duplicate, no id missing): borrow its map
	 * (the model's services start with the inventory's, in order) instead of building a twin */
	if (!m->nservices && inv->service_by_id.n == n_inv)
		m->inv_ids = &inv->service_by_id;
	vos_map_reserve(&m->service_by_name, n_inv);
	if (!m->inv_ids)
		vos_map_reserve(&m->service_by_id, n_inv);
	/* room for the inventory's services exactly (rows the inventory lacks grow it as usual) */
	if (m->services_alloc < m->nservices + n_inv) {
		m->services_alloc = m->nservices + n_inv;
		m->services = vos_realloc(m->services, m->services_alloc * sizeof(*m->services));
	}
	for (i = 0; i < n_inv; i++) {
		const struct vos_service *sv = &inv->services[i];
		size_t k = service_add(m, sv->id, sv->name ? sv->name : sv->id), j;
		m->services[k].inv = sv;
		if (!m->inv_ids)
			vos_map_put(&m->service_by_id, sv->id, VOS_MAP_INDEX(k));
		j = VOS_MAP_SLOT(vos_map_get(&m->service_by_name, m->services[k].name));
		if (!j) {
			vos_map_put(&m->service_by_name, m->services[k].name, VOS_MAP_INDEX(k));
			continue;
		}
		while (same_name[j - 1])
			j = same_name[j - 1];
		same_name[j - 1] = k + 1;
	}

	/* a row goes to the service of its name on its host first (two services may share a display
	 * name on different hosts), then to one of that name elsewhere, then to the id it names */
	for (i = 0; i < page->nrows; i++) {
		const struct vos_page_row *row = &page->rows[i];
		size_t k;
		if (!row->service || !*row->service || row->host < 0)
			continue;
		k = row_candidate(m, same_name, row->service, page->hosts[row->host].name, true);
		if (k) {
			place_row(m, &m->services[k - 1], row);
			placed[i] = true;
		}
	}
	for (i = 0; i < page->nrows; i++) {
		const struct vos_page_row *row = &page->rows[i];
		size_t k, named;
		if (placed[i] || !row->service || !*row->service)
			continue;
		named = VOS_MAP_SLOT(vos_map_get(&m->service_by_name, row->service));
		k = row_candidate(m, same_name, row->service, NULL, false);
		if (!k && !named) {
			k = service_slot(m, row->service);
			named = k;
			if (k && m->services[k - 1].row)
				k = 0;
		}
		if (!k && named) {
			const struct vos_mservice *o = &m->services[named - 1];
			const char *here = row->host >= 0 ? page->hosts[row->host].name : NULL;
			const char *there = o->row && o->row->host >= 0 ? page->hosts[o->row->host].name : NULL;
			struct vos_diag *d;
			if (here && there && !vos_name_eq(here, there) && !o->inv) {
				/* one program on several hosts that only the page knows: an instance per host */
				k = service_add(m, vos_arena_sprintf(&m->arena, "%s@%s", row->service, here),
				                row->service) + 1;
				vos_map_put(&m->service_by_id, m->services[k - 1].id, VOS_MAP_INDEX(k - 1));
				d = vos_diags_add(f, VOS_SEV_ERROR, &row->loc, "inventory-missing",
				        "service '%s' is on the page but no inventory entry describes it", row->service);
				vos_diag_set_subject(d, NULL, here);
				place_row(m, &m->services[k - 1], row);
				continue;
			}
			if (here && there && !vos_name_eq(here, there)) {
				d = vos_diags_add(f, VOS_SEV_ERROR, &row->loc, "placement-mismatch",
				        "service '%s' is listed on '%s' too, but the inventory places it on '%s' only "
				        "(give it `hosts: [...]` to run it on several hosts)", row->service, here, there);
				vos_diag_set_subject(d, o->id, here);
				vos_diag_set_related(d, o->inv->host_loc.file ? &o->inv->host_loc : &o->inv->loc);
				continue;
			}
			d = vos_diags_add(f, VOS_SEV_ERROR, &row->loc, "page-duplicate",
			        "service '%s' is listed twice on the page under '%s'", row->service,
			        here ? here : "no host");
			vos_diag_set_subject(d, o->id, NULL);
			vos_diag_set_related(d, &o->row->loc);
			continue;
		}
		if (!k) {
			struct vos_diag *d;
			k = service_add(m, row->service, row->service) + 1;
			/* only-on-page services are still findable by their page name */
			if (!service_slot(m, row->service))
				vos_map_put(&m->service_by_id, row->service, VOS_MAP_INDEX(k - 1));
			vos_map_put(&m->service_by_name, row->service, VOS_MAP_INDEX(k - 1));
			d = vos_diags_add(f, VOS_SEV_ERROR, &row->loc, "inventory-missing",
			        "service '%s' is on the page but no inventory entry describes it", row->service);
			vos_diag_set_subject(d, row->service, row->host >= 0 ? page->hosts[row->host].name : NULL);
		}
		place_row(m, &m->services[k - 1], row);
	}
	free(same_name);
	free(placed);
	for (i = 0; i < n_inv; i++)
		nports += inv->services[i].nports;
	ports = m->port_addresses = vos_calloc(nports + 1, sizeof(*ports));

	for (i = 0; i < m->nservices; i++) {
		struct vos_mservice *s = &m->services[i];
		const struct vos_service *sv = s->inv;
		const struct vos_loc *inv_addr_loc = NULL;
		const char *inv_addr;
		size_t j;
		const char *page_host = s->row && s->row->host >= 0 ? page->hosts[s->row->host].name : NULL;

		s->purpose = s->row && s->row->purpose && *s->row->purpose ? s->row->purpose
		             : sv ? sv->purpose : NULL;
		if (!sv)
			goto address;
		if (!s->row) {
			struct vos_diag *d = vos_diags_add(f, VOS_SEV_ERROR, &sv->loc, "page-unlisted",
			        "service '%s' (%s) is in the inventory but not on the page; if it's not there, it doesn't exist",
			        sv->id, s->name);
			vos_diag_set_subject(d, sv->id, sv->host);
			{	/* a row a blank line cut off the table names it: the page-table-break warning */
				const struct vos_page_stray *st = vos_page_stray_named(page, s->name);
				if (st || (st = vos_page_stray_named(page, sv->id)) != NULL)
					vos_diag_set_related(d, &st->loc);
			}
			if (sv->host)
				s->host = host_add(m, sv->host);
		} else if (sv->host && page_host && !vos_name_eq(sv->host, page_host)) {
			struct vos_diag *d = vos_diags_add(f, VOS_SEV_ERROR, &s->row->loc, "placement-mismatch",
			        "service '%s' is on '%s' on the page but on '%s' in the inventory",
			        sv->id, page_host, sv->host);
			vos_diag_set_subject(d, sv->id, page_host);
			vos_diag_set_related(d, sv->host_loc.file ? &sv->host_loc : &sv->loc);
		} else if (sv->host && !page_host) {
			s->host = host_add(m, sv->host);
		}
	address:
		inv_addr = s->inv_address = inventory_address(m, s, &inv_addr_loc);
		if (s->row && !s->row->address_placeholder && s->row->address && *s->row->address &&
		    vos_addr_classify(s->row->address, NULL) == VOS_ADDR_INVALID) {
			/* not an address at all: say so where it is written, not as a mismatch */
			struct vos_diag *d = vos_diags_add(f, VOS_SEV_ERROR, &s->row->addr_loc, "address-invalid",
			        "invalid address '%s' for service '%s' (%s)", s->row->address, s->id,
			        vos_addr_invalid_reason(s->row->address));
			vos_diag_set_subject(d, sv ? sv->id : NULL, s->host >= 0 ? m->hosts[s->host].name : NULL);
			s->address = inv_addr;
		} else if (s->row && !s->row->address_placeholder && s->row->address && *s->row->address) {
			s->address = s->row->address;
			if (inv_addr && !vos_addr_same(inv_addr, s->row->address)) {
				struct vos_diag *d = vos_diags_add(f, VOS_SEV_ERROR, &s->row->addr_loc, "address-mismatch",
				        "service '%s' has address %s on the page but %s in the inventory",
				        s->id, s->row->address, inv_addr);
				vos_diag_set_subject(d, sv ? sv->id : NULL, s->host >= 0 ? m->hosts[s->host].name : NULL);
				if (inv_addr_loc)
					vos_diag_set_related(d, inv_addr_loc);
			}
		} else {
			s->address = inv_addr;
		}
		if (sv && sv->nports) {
			s->port_address = ports;
			ports += sv->nports;
			for (j = 0; j < sv->nports; j++)
				s->port_address[j] = sv->ports[j].address ? sv->ports[j].address : s->address;
		}
		if (s->host >= 0) {
			struct vos_mhost *h = &m->hosts[s->host];
			*VOS_PUSH(h->services, h->nservices, h->services_alloc) = i;
		}
	}
}

void vos_model_build(struct vos_model *out, const struct vos_page *page,
                     const struct vos_inventory *inv, struct vos_diags *findings)
{
	size_t i;
	memset(out, 0, sizeof(*out));
	vos_arena_init(&out->arena);
	out->page = page;
	out->inv = inv;
	vos_map_init(&out->host_by_name, VOS_NAMES_NOCASE);
	vos_map_init(&out->service_by_id, false);
	vos_map_init(&out->service_by_name, VOS_NAMES_NOCASE);
	vos_map_init(&out->vlan_by_name, false);
	for (i = 0; i < inv->nvlans; i++)
		vos_map_put(&out->vlan_by_name, inv->vlans[i].name, VOS_MAP_INDEX(i));
	build_hosts(out, findings);
	build_services(out, findings);
	if (page->ntables == 0) {
		struct vos_loc loc = {page->file, 1, 1};
		vos_diags_add(findings, VOS_SEV_WARNING, &loc, "page-no-tables",
		              "the page has no services table (a table with a 'Service' column)");
	}
}

/* The purpose cell's column of a row (1-based), or 1 when the table has none. */
static unsigned purpose_col(const struct vos_page *page, const struct vos_page_row *row)
{
	const struct vos_page_table *t = row->table >= 0 ? &page->tables[row->table] : NULL;
	size_t i;
	for (i = 0; t && i < t->ncols && i < row->ncells; i++)
		if (t->cols[i].role == VOS_COL_PURPOSE)
			return row->cell_cols[i] ? row->cell_cols[i] : 1;
	return 1;
}

void vos_model_authority(struct vos_model *m, bool inventory, struct vos_diags *findings)
{
	size_t i;
	m->inventory_authority = inventory;
	for (i = 0; i < m->nservices; i++) {
		struct vos_mservice *s = &m->services[i];
		const char *pp = s->row && s->row->purpose && *s->row->purpose ? s->row->purpose : NULL;
		const char *ip = s->inv && s->inv->purpose && *s->inv->purpose ? s->inv->purpose : NULL;
		struct vos_diag *d;
		struct vos_loc loc;
		s->purpose = inventory ? (ip ? ip : pp) : (pp ? pp : ip);
		if (!pp || !ip || !strcmp(pp, ip))
			continue;
		loc = s->row->loc;
		loc.col = purpose_col(m->page, s->row);
		d = vos_diags_add(findings, VOS_SEV_WARNING, &loc, "purpose-drift",
		        "service '%s' has purpose '%s' on the page but '%s' in the inventory; %s",
		        s->id, pp, ip, inventory ? "the inventory is authoritative (render.authority): "
		                                   "render rewrites the page's cell"
		                                 : "the page is authoritative: the generated pages follow "
		                                   "it (fix the inventory, or set render.authority: inventory)");
		vos_diag_set_subject(d, s->inv->id, s->host >= 0 ? m->hosts[s->host].name : NULL);
		vos_diag_set_related(d, &s->inv->loc);
	}
}

void vos_model_release(struct vos_model *m)
{
	size_t i;
	for (i = 0; i < m->nhosts; i++)
		free(m->hosts[i].services);
	free(m->hosts);
	free(m->services);
	free(m->port_addresses);
	vos_map_release(&m->host_by_name);
	vos_map_release(&m->service_by_id);
	vos_map_release(&m->service_by_name);
	vos_map_release(&m->vlan_by_name);
	vos_arena_release(&m->arena);
	memset(m, 0, sizeof(*m));
}
