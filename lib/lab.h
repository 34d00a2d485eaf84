/* lab.h - one lab: the configuration, the services page, the inventory and the model merged from
 * them, loaded together from sources (lib/source.h). Every command loads through vos_lab_load():
 * validate, show, probe, render and graph from the work tree, `validate --staged` from the index,
 * publish its configuration and inventory from the work tree and its page from the fetched head
 * (vos_lab_load_page, once per attempt). Prints nothing. */
#ifndef VOS_LAB_H
#define VOS_LAB_H

#include "config.h"
#include "model.h"
#include "source.h"

/* What a lab holds; the model borrows page and inventory, all are released together. */
struct vos_lab {
	struct vos_config config;
	struct vos_page page;
	struct vos_inventory inv;
	struct vos_model model;
	bool have_config, have_page, have_inv, have_model;
	char *warning; /* something worth saying on stderr ("links not checked: ..."), or NULL */
	/* what the configuration search noticed (a vosctl.yaml ignored for its owner): for stderr,
	 * never findings of the lab */
	struct vos_diags notices;
	bool have_notices;
};

enum vos_lab_parts {
	VOS_LAB_CONFIG = 1 << 0,    /* vosctl.yaml (always loaded) */
	VOS_LAB_INVENTORY = 1 << 1, /* the inventory directory */
	VOS_LAB_MODEL = 1 << 2,     /* the page, the inventory and the model merged from them */
};

struct vos_lab_request {
	unsigned parts;                      /* enum vos_lab_parts */
	const char *cwd;                     /* absolute: where the configuration search starts */
	const char *config_file;             /* -c FILE, or NULL: the nearest vosctl.yaml from cwd up */
	const char *page, *inventory;        /* --page FILE, --inventory DIR (override the config's) */
	/* where each part is read (NULL: the work tree). A configuration source other than the work
	 * tree gives the file when it holds it (nearer than the work tree's), else the work tree's. */
	const struct vos_source *config_src, *page_src, *inv_src;
	bool check_links;                    /* links of the pages page_src->changed lists: warnings */
};

void vos_lab_init(struct vos_lab *lab);
void vos_lab_release(struct vos_lab *lab);

/* Loads what rq asks for, reporting every input error, not only the first: 0 when the lab is
 * usable; VOS_EINPUT with located diagnostics in diags (err->msg NULL), or (nothing located to
 * say: no page given, a path outside the source) with err->msg saying why; VOS_EIO when a file
 * could not be read (diagnostics too). Findings of the merge (page vs inventory) go to diags too. */
int vos_lab_load(struct vos_lab *lab, const struct vos_lab_request *rq, struct vos_diags *diags,
                 struct vos_err *err);

/* (Re)loads the page from path of src and rebuilds the model with the lab's inventory: input
 * errors go to diags, the merge's findings to findings. 0 or VOS_EINPUT / VOS_EIO. */
int vos_lab_load_page(struct vos_lab *lab, const struct vos_source *src, const char *path,
                      struct vos_diags *diags, struct vos_diags *findings);

/* Checks the links of every page src->changed lists (*.md that differ from the last commit), with
 * src->exists saying which pages there are (vos_check_links). Pages that do not parse are skipped.
 * 0, or an error in err when the changed pages cannot be listed. */
int vos_lab_check_links(const struct vos_source *src, enum vos_severity sev, struct vos_diags *diags,
                        struct vos_err *err);

#endif
