/* lab.c - load a lab (configuration, page, inventory, model) from its sources, once (see lab.h). */
#include "lab.h"
#include "check.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

void vos_lab_init(struct vos_lab *lab)
{
	memset(lab, 0, sizeof(*lab));
}

void vos_lab_release(struct vos_lab *lab)
{
	if (lab->have_model)
		vos_model_release(&lab->model);
	if (lab->have_page)
		vos_page_release(&lab->page);
	if (lab->have_inv)
		vos_inventory_release(&lab->inv);
	if (lab->have_config)
		vos_config_release(&lab->config);
	if (lab->have_notices)
		vos_diags_release(&lab->notices);
	free(lab->warning);
	memset(lab, 0, sizeof(*lab));
}

/* ---------------------------------------------------------------- the configuration */

/* The nearest vosctl.yaml from cwd up to the top of src, in src or in the work tree beside it.
 * Returns its path in src (caller frees) and sets *in_src, or NULL when there is none. */
static char *find_config(const struct vos_source *src, const char *cwd, bool *in_src)
{
	char *dir = vos_source_path(src, cwd ? cwd : ".");
	while (dir) {
		char *rel = *dir ? vos_asprintf("%s/%s", dir, VOS_CONFIG_NAME) : vos_strdup(VOS_CONFIG_NAME);
		char *abs = vos_path_join(src->top, rel);
		bool here = src->exists(src, rel), in_tree = vos_is_file(abs);
		free(abs);
		if (here || in_tree) {
			*in_src = here;
			free(dir);
			return rel;
		}
		free(rel);
		if (!*dir)
			break;
		{
			char *slash = strrchr(dir, '/');
			if (slash)
				*slash = '\0';
			else
				dir[0] = '\0';
		}
	}
	free(dir);
	return NULL;
}

/* A source with its own namespace (the index) gives the configuration when it holds the nearest
 * one; otherwise (and always for the work tree) it is the work tree's. */
static int load_config(struct vos_lab *lab, const struct vos_lab_request *rq, struct vos_diags *diags)
{
	const struct vos_source *src = rq->config_src;
	char *rel = NULL;
	bool in_src = false;
	int err;
	lab->have_config = true;
	if (src && src->top) {
		if (rq->config_file) {
			rel = vos_source_path(src, rq->config_file);
			in_src = rel && src->exists(src, rel);
		} else {
			rel = find_config(src, rq->cwd, &in_src);
		}
	}
	if (in_src) {
		char *dir = vos_path_dirname(rel), *text = NULL;
		char *base = strcmp(dir, ".") ? vos_path_join(src->top, dir) : vos_strdup(src->top);
		size_t len = 0;
		err = vos_source_load(src, rel, VOS_MAX_YAML_BYTES, "config-read", &text, &len, diags);
		if (!err)
			err = vos_config_parse(&lab->config, rel, base, text, len, diags);
		free(text);
		free(dir);
		free(base);
	} else {
		err = vos_config_load(&lab->config, rq->config_file, rq->cwd, diags);
	}
	free(rel);
	return err;
}

/* path as a path of src, kept in the configuration's arena; NULL (with err) when outside. */
static const char *source_path(struct vos_lab *lab, const struct vos_source *src, const char *path,
                               struct vos_err *err)
{
	char *rel = vos_source_path(src, path);
	const char *kept;
	if (!rel) {
		vos_err_set(err, VOS_EINPUT, "'%s' is outside the repository '%s'", path, src->top ? src->top : "");
		return NULL;
	}
	kept = vos_arena_strdup(&lab->config.arena, *rel ? rel : ".");
	free(rel);
	return kept;
}

/* ---------------------------------------------------------------- page and inventory */

static int load_page(struct vos_lab *lab, const struct vos_source *src, const char *path,
                     struct vos_diags *diags)
{
	if (lab->have_page)
		vos_page_release(&lab->page);
	lab->have_page = true; /* the loader leaves the page releasable even when it fails */
	return vos_page_load_from(&lab->page, src, path, diags);
}

static void build_model(struct vos_lab *lab, struct vos_diags *findings)
{
	if (lab->have_model)
		vos_model_release(&lab->model);
	vos_model_build(&lab->model, &lab->page, &lab->inv, findings);
	vos_model_authority(&lab->model, lab->config.inventory_authority, findings);
	lab->have_model = true;
}

struct page_job {
	struct vos_lab *lab;
	const struct vos_source *src;
	const char *path;
	struct vos_diags diags;
	int err;
};

static void *page_job_run(void *arg)
{
	struct page_job *j = arg;
	j->err = load_page(j->lab, j->src, j->path, &j->diags);
	return NULL;
}

/* Both sides, every input error reported: they are independent until the merge, so with a
 * thread-safe source the page parses on a second thread while the inventory loads. */
static int load_page_and_inventory(struct vos_lab *lab, const struct vos_source *psrc, const char *page,
                                   const struct vos_source *isrc, const char *inv, struct vos_diags *diags)
{
	struct page_job job = {lab, psrc, page, {0}, 0};
	pthread_t th;
	bool threaded = false;
	int err;
	vos_diags_init(&job.diags);
	if (page) {
		vos_page_prepare(); /* global cmark-gfm registration happens before any thread starts */
		threaded = psrc->threadsafe && isrc->threadsafe && inv &&
		           pthread_create(&th, NULL, page_job_run, &job) == 0;
		if (!threaded)
			page_job_run(&job);
	}
	err = vos_inventory_load_from(&lab->inv, isrc, inv, diags);
	lab->have_inv = true;
	if (threaded)
		pthread_join(th, NULL);
	vos_diags_move(diags, &job.diags);
	vos_diags_release(&job.diags);
	return job.err ? job.err : err;
}

int vos_lab_load(struct vos_lab *lab, const struct vos_lab_request *rq, struct vos_diags *diags,
                 struct vos_err *err)
{
	struct vos_source wt;
	const struct vos_source *psrc = rq->page_src ? rq->page_src : &wt;
	const struct vos_source *isrc = rq->inv_src ? rq->inv_src : &wt;
	bool need_page = rq->parts & VOS_LAB_MODEL, need_inv = rq->parts & (VOS_LAB_MODEL | VOS_LAB_INVENTORY);
	const char *page = NULL, *inv = NULL;
	struct vos_config *c = &lab->config;
	int rc;

	vos_source_worktree(&wt);
	/* what the configuration search says on success (an ignored vosctl.yaml) is a notice for
	 * stderr, not a finding of the lab */
	vos_diags_init(&lab->notices);
	lab->have_notices = true;
	if ((rc = load_config(lab, rq, &lab->notices)) < 0) {
		vos_diags_move(diags, &lab->notices);
		return vos_err_take(err, rc, NULL);
	}
	if (rq->page)
		c->page = vos_arena_strdup(&c->arena, rq->page);
	if (rq->inventory)
		c->inventory = vos_arena_strdup(&c->arena, rq->inventory);
	if ((need_page && !c->page) || (need_inv && !c->inventory)) {
		bool no_page = need_page && !c->page;
		return vos_err_set(err, VOS_EINPUT, "no %s given: add it to %s, or use %s",
		                   no_page ? "services page" : "inventory directory",
		                   c->file ? c->file : "a vosctl.yaml (none found here or above)",
		                   no_page ? "--page FILE" : "--inventory DIR");
	}
	if (!need_inv)
		return 0;
	if ((need_page && !(page = source_path(lab, psrc, c->page, err))) ||
	    !(inv = source_path(lab, isrc, c->inventory, err)))
		return VOS_EINPUT;
	rc = load_page_and_inventory(lab, psrc, page, isrc, inv, diags);
	if (rq->check_links && psrc->changed) {
		struct vos_err lerr = VOS_ERR_INIT;
		if (vos_lab_check_links(psrc, VOS_SEV_WARNING, diags, &lerr) < 0)
			lab->warning = vos_asprintf("links not checked: %s",
			                            vos_err_msg(&lerr, "unable to read the index"));
		vos_err_clear(&lerr);
	}
	if (rc < 0)
		return vos_err_take(err, rc, NULL);
	if (!need_page)
		return 0;
	build_model(lab, diags);
	return 0;
}

int vos_lab_load_page(struct vos_lab *lab, const struct vos_source *src, const char *path,
                      struct vos_diags *diags, struct vos_diags *findings)
{
	int err;
	if (lab->have_model)
		vos_model_release(&lab->model);
	lab->have_model = false;
	if ((err = load_page(lab, src, path, diags)) < 0)
		return err;
	build_model(lab, findings);
	return 0;
}

/* ---------------------------------------------------------------- links */

static bool source_has(const char *path, const void *payload)
{
	const struct vos_source *src = payload;
	return src->exists(src, path);
}

struct links_walk {
	const struct vos_source *src;
	enum vos_severity sev;
	struct vos_diags *diags;
};

static int check_page_links(const char *path, void *payload)
{
	struct links_walk *w = payload;
	struct vos_page page;
	struct vos_diags ignored;
	vos_diags_init(&ignored);
	/* a page that does not parse (or read) is not ours to judge here: skip its links */
	if (vos_page_load_from(&page, w->src, path, &ignored) == 0)
		vos_check_links(&page, source_has, w->src, w->sev, w->diags);
	vos_page_release(&page);
	vos_diags_release(&ignored);
	return 0;
}

int vos_lab_check_links(const struct vos_source *src, enum vos_severity sev, struct vos_diags *diags,
                        struct vos_err *err)
{
	struct links_walk w = {src, sev, diags};
	return vos_source_each_changed(src, ".md", check_page_links, &w, err);
}
