/* init.h - a starting lab from what the user already has (lib/init.c): the services page (hosts
 * from its headings, services from its rows), optionally a directory of systemd unit files (ports,
 * restart policies, the command line) and a gethomepage services.yaml (ports, schemes, purposes).
 * What is guessed is marked "# guessed" in the files written; nothing existing is ever overwritten.
 */
#ifndef VOS_INIT_H
#define VOS_INIT_H

#include "error.h"
#include "page.h"

struct vos_init_opts {
	const char *page;     /* the services page (required) */
	const char *units;    /* a directory of systemd unit files, or NULL */
	const char *homepage; /* a gethomepage services.yaml, or NULL */
	const char *dir;      /* the lab's root, where vosctl.yaml goes (NULL: ".") */
};

/* One file init writes: its path (under dir) and its text. */
struct vos_init_file {
	char *path;
	char *text;
	size_t len;
};

struct vos_init {
	struct vos_arena arena;
	struct vos_init_file files[4]; /* vosctl.yaml, inventory/hosts.yaml, inventory/services.yaml,
	                                * inventory/rules.yaml */
	size_t nfiles;
	size_t nhosts, nservices, nrules, nguessed, nunits, nhomepage;
};

/* Builds the files in memory. Located problems in the inputs go to diags (errors make it return
 * VOS_EINPUT); unreadable files are VOS_EIO in err. Unit files or Homepage entries that match no
 * service of the page are warnings ("init-unmatched"). */
int vos_init_build(struct vos_init *out, const struct vos_init_opts *opts, struct vos_diags *diags,
                   struct vos_err *err);
/* Writes the files (directories created as needed). Refuses with VOS_EINPUT, before writing
 * anything, when any of them exists; each is then created with lib/lockfile.c's must-not-exist
 * expectation, so one that appears meanwhile is not overwritten either. */
int vos_init_write(const struct vos_init *in, struct vos_err *err);
void vos_init_release(struct vos_init *in);

/* The id a display name gets: lower case, [a-z0-9] kept, every other run of bytes one '-'
 * ("DNS (Unbound)" -> "dns-unbound"). In the arena; "service" when nothing is left. */
char *vos_init_slug(struct vos_arena *a, const char *name);

#endif
