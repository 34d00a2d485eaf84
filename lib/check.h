/* check.h - the built-in integrity checks of the model and the page's link check (lib/check.c). */
#ifndef VOS_CHECK_H
#define VOS_CHECK_H

#include "model.h"

/* Built-in integrity checks ("port-clash", "depends-unknown", "depends-cycle",
 * "address-outside-vlan", "address-shared"). */
void vos_check_integrity(const struct vos_model *m, struct vos_diags *findings);
/* The check pipeline validate runs on a model: vos_check_integrity, then the placement rules
 * (vos_rules_check). The one copy validate, graph, render --write and publish call. */
void vos_check_model(const struct vos_model *m, struct vos_diags *findings);
/* Evidence from how services are launched (lib/evidence.c): a port launch.exec names that no
 * declared port covers ("launch-port-mismatch"), and a service bound to every interface (0.0.0.0,
 * ::) on a host whose VLAN a not-exposed-on-vlans rule selecting it forbids ("bind-exposed"). Part
 * of vos_check_model. */
void vos_check_evidence(const struct vos_model *m, struct vos_diags *findings);
/* What a launch line says (an ExecStart, or NAME=VALUE assignments), read word by word as
 * vos_check_evidence reads launch.exec: the ports it names (--port N, --port=N, -p [IP:]HOST:CTR,
 * --listen/--bind HOST:PORT, *_PORT=N, *_HOST/_ADDR/_LISTEN/_BIND=HOST:PORT) and whether it binds
 * every interface. vosctl init reads unit files with it, so what init writes is what validate
 * checks. */
struct vos_launch_facts {
	int ports[16];
	size_t nports;
	const char *bind_all;     /* the all-interfaces address it binds ("0.0.0.0", "::"), or NULL */
};
void vos_launch_facts_read(struct vos_launch_facts *lf, const char *line);
/* Checks the links of a page: a link to a page that exists(path, payload) knows under neither
 * "<path>.md" nor "<path>" (nor, for a leading locale segment like "en/", the same without it) is a
 * "wiki-link-broken" diagnostic of severity sev located at the link. External links are skipped. */
void vos_check_links(const struct vos_page *page, bool (*exists)(const char *path, const void *payload),
                     const void *payload, enum vos_severity sev, struct vos_diags *diags);
/* The repository path a wiki link points at: "/vos/README#x" -> "vos/README"; NULL for external
 * (scheme://, mailto:, //host), empty or anchor-only links. Caller frees. */
char *vos_wiki_link_path(const char *target);

#endif
