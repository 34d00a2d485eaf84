/* model.h - the merged model every command works on (lib/model.c).
 *
 * Data flows one way: the services page (struct vos_page, page.h) and the inventory
 * (struct vos_inventory, inventory.h) are parsed independently, then merged into one
 * struct vos_model, which the checks (check.h, rules.h), probe, render and the formatters read. Every value keeps the location it came from.
 *
 * Ownership: a vos_page owns everything under it (its arena); so does a vos_inventory. The model
 * borrows from both: free the model first, then page and inventory.
 */
#ifndef VOS_MODEL_H
#define VOS_MODEL_H

#include "inventory.h"
#include "page.h"

struct vos_mhost {
	const char *name;
	const struct vos_host *inv;            /* NULL if the inventory does not know it */
	const struct vos_page_host *page;      /* NULL if the page does not name it */
	const char *plane;                     /* inventory plane, else the page's plane name */
	const struct vos_vlan *vlan;           /* NULL if none/unknown */
	size_t *services; size_t nservices, services_alloc; /* indexes into model->services */
};

struct vos_mservice {
	const char *id;                        /* inventory id, or the page name when only on the page */
	const char *name;                      /* display name */
	const struct vos_service *inv;         /* NULL when only the page lists it */
	const struct vos_page_row *row;        /* NULL when the page does not list it */
	int host;                              /* index into model->hosts, -1 if unplaced */
	/* Addresses, computed once by vos_model_build (docs/inventory.md, "Addresses"); each may be NULL */
	const char *inv_address;               /* the inventory's: the service's own `address`, else its
	                                          inventory host's, else the host it is placed on */
	const char *address;                   /* effective: the page row's (unless a placeholder),
	                                          else inv_address */
	const char **port_address;             /* per inv->ports[i]: the port's own `address`, else
	                                          `address` (NULL when the service has no ports) */
	const char *purpose;                   /* the authoritative side's purpose (vos_model_authority),
	                                          else the other side's */
};

struct vos_model {
	struct vos_arena arena;                /* the ids the model makes ("NAME@HOST") */
	const struct vos_page *page;           /* borrowed */
	const struct vos_inventory *inv;       /* borrowed */
	struct vos_mhost *hosts; size_t nhosts, hosts_alloc;
	struct vos_mservice *services; size_t nservices, services_alloc;
	struct vos_map host_by_name;           /* name -> struct vos_mhost* index+1 (cast) */
	struct vos_map service_by_id;          /* id -> index+1 (only the page's services when
	                                          inv_ids is set) */
	const struct vos_map *inv_ids;         /* the inventory's service_by_id, borrowed when it
	                                          holds every inventory id once, or NULL */
	struct vos_map service_by_name;        /* display name (nocase) -> index+1 */
	const char **port_addresses;           /* storage of every service's port_address */
	struct vos_map vlan_by_name;           /* name -> const struct vos_vlan* */
	bool inventory_authority;              /* cells both sides carry follow the inventory */
};

/* lib/model.c: merge page and inventory. Reports page/inventory disagreements as findings
 * (rules "page-unlisted", "inventory-missing", "host-page-only", "host-inventory-only",
 * "address-mismatch", "placement-mismatch"), each citing both locations where there are two.
 * Cannot fail (out of memory aborts). */
void vos_model_build(struct vos_model *out, const struct vos_page *page,
                     const struct vos_inventory *inv, struct vos_diags *findings);
void vos_model_release(struct vos_model *m);
/* Which side wins for a value both the page and the inventory carry (the purpose): the page unless
 * inventory is set (vosctl.yaml render.authority). Sets each service's purpose from that side and
 * reports every difference as a "purpose-drift" warning at the page cell, naming the side render
 * follows. The placement is always the page's. Cannot fail. */
void vos_model_authority(struct vos_model *m, bool inventory, struct vos_diags *findings);
/* A host by name (vos_name_eq). */
struct vos_mhost *vos_model_host(const struct vos_model *m, const char *name);
struct vos_mservice *vos_model_service(const struct vos_model *m, const char *id);
/* The service's host (or NULL). */
struct vos_mhost *vos_model_service_host(const struct vos_model *m, const struct vos_mservice *s);

#endif
