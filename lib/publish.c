/* publish.c - fetch, render from the remote page plus the inventory, validate, commit, push, retry. */
#include "publish.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "git.h"
#include "render.h"

void vos_publish_result_init(struct vos_publish_result *r)
{
	memset(r, 0, sizeof(*r));
	vos_buf_init(&r->diff);
}

static void clear_files(struct vos_publish_result *r)
{
	size_t i;
	for (i = 0; i < r->nfiles; i++) {
		free(r->files[i].path);
		free(r->files[i].summary);
	}
	r->nfiles = 0;
}

void vos_publish_result_release(struct vos_publish_result *r)
{
	clear_files(r);
	free(r->files);
	free(r->url);
	free(r->base);
	free(r->message);
	free(r->notice);
	vos_buf_release(&r->diff);
	memset(r, 0, sizeof(*r));
}

/* One file render produced. */
struct planned {
	const char *path;
	char *old;        /* text at the head, NULL when absent */
	size_t old_len;
	char *data;       /* the rendered text */
	size_t len;
	char *summary;
};

static void plan_release(struct planned *p, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(p[i].old);
		free(p[i].data);
		free(p[i].summary);
	}
}

static void add_count(struct vos_buf *b, size_t n, const char *one, const char *many)
{
	if (!n)
		return;
	if (b->len)
		vos_buf_adds(b, ", ");
	vos_buf_addf(b, "%zu %s", n, n == 1 ? one : many);
}

static char *stats_summary(const struct vos_render_stats *st)
{
	struct vos_buf b = VOS_BUF_INIT;
	add_count(&b, st->addresses, "address", "addresses");
	add_count(&b, st->added, "row added", "rows added");
	add_count(&b, st->removed, "row removed", "rows removed");
	if (!b.len)
		add_count(&b, st->tables, "table realigned", "tables realigned");
	if (!b.len)
		vos_buf_adds(&b, "");
	return vos_buf_detach(&b, NULL);
}

/* Validates the rendered services page with the inventory: what would be published must be clean. */
static int validate_rendered(const char *file, const char *text, size_t len,
                             const struct vos_inventory *inv, struct vos_diags *diags)
{
	struct vos_page page;
	struct vos_model m;
	int err;
	memset(&page, 0, sizeof(page));
	err = vos_page_parse(&page, file, text, len, diags);
	if (err < 0) {
		vos_page_release(&page);
		return err;
	}
	err = vos_model_build(&m, &page, inv, diags);
	if (err == 0) {
		vos_check_integrity(&m, diags);
		vos_rules_check(&m, diags);
	}
	vos_model_release(&m);
	vos_page_release(&page);
	return err < 0 ? err : 0;
}

/* Reads path at the head into p->old (absent: NULL). */
static int read_old(struct planned *p, struct vos_git *g, char **errmsg)
{
	int err = vos_git_read(&p->old, &p->old_len, g, p->path, errmsg);
	if (err == VOS_ENOTFOUND) {
		p->old = NULL;
		p->old_len = 0;
		return 0;
	}
	return err;
}

/* Renders every configured page from the head (or the local page when the repository has none).
 * Fills plan[0..*nplan); returns 0, VOS_EINPUT (unusable page: diagnostics), or a git error. */
static int render_all(struct planned *plan, size_t *nplan, struct vos_git *g,
                      const struct vos_publish_opts *o, const char *now, struct vos_diags *diags,
                      char **errmsg)
{
	struct vos_page page;
	struct vos_model m;
	struct vos_render_stats st;
	struct planned *sp = &plan[0];
	const char *src;
	size_t srclen;
	const char *srcname;
	bool changed = false;
	int err;

	*nplan = 0;
	memset(&page, 0, sizeof(page));
	memset(&st, 0, sizeof(st));
	sp->path = o->services_path;
	if ((err = read_old(sp, g, errmsg)) < 0)
		return err;
	*nplan = 1;
	if (sp->old) {
		src = sp->old;
		srclen = sp->old_len;
		srcname = o->services_path;
	} else if (o->local_page) {
		src = o->local_page;
		srclen = o->local_page_len;
		srcname = o->local_page_file ? o->local_page_file : "services page";
	} else {
		*errmsg = vos_asprintf("the repository has no '%s' and there is no local page to put there",
		                       o->services_path);
		return VOS_EINPUT;
	}
	if ((err = vos_page_parse(&page, srcname, src, srclen, diags)) < 0) {
		vos_page_release(&page);
		return VOS_EINPUT;
	}
	/* the model's findings before render are what render reconciles: not reported here (the
	 * rendered result is validated afterwards) */
	{
		struct vos_diags scratch;
		vos_diags_init(&scratch);
		err = vos_model_build(&m, &page, o->inv, &scratch);
		vos_diags_release(&scratch);
	}
	if (err < 0) {
		vos_page_release(&page);
		return VOS_EINPUT;
	}
	err = vos_render_services_ex(&sp->data, &sp->len, &changed, &st, &page, &m, now, NULL);
	if (err == 0) {
		sp->summary = stats_summary(&st);
		if (o->inventory_path) {
			struct planned *ip = &plan[(*nplan)++];
			ip->path = o->inventory_path;
			if ((err = read_old(ip, g, errmsg)) == 0)
				err = vos_render_inventory_page(&ip->data, &ip->len, &changed, &m, ip->old,
				                                ip->old_len, now);
		}
	}
	if (err == 0 && o->status_path && o->results_json) {
		struct planned *tp = &plan[(*nplan)++];
		tp->path = o->status_path;
		if ((err = read_old(tp, g, errmsg)) == 0)
			err = vos_render_status_page(&tp->data, &tp->len, &changed, &m, o->results_json,
			                             o->results_len, tp->old, tp->old_len, now, diags);
	}
	vos_model_release(&m);
	vos_page_release(&page);
	if (err < 0 && !*errmsg)
		*errmsg = vos_strdup("unable to render the pages");
	return err;
}

static bool differs(const struct planned *p)
{
	return !p->old || p->old_len != p->len || memcmp(p->old, p->data, p->len) != 0;
}

static char *make_message(const struct vos_publish_result *r)
{
	struct vos_buf b = VOS_BUF_INIT;
	size_t i;
	vos_buf_adds(&b, "vosctl: ");
	for (i = 0; i < r->nfiles; i++) {
		const struct vos_publish_file *f = &r->files[i];
		if (i)
			vos_buf_adds(&b, i + 1 == r->nfiles ? " and " : ", ");
		vos_buf_addf(&b, "%s %s", i == 0 ? (f->created ? "add" : "update") :
		                          (f->created ? "add" : "update"), f->path);
		if (f->summary && *f->summary)
			vos_buf_addf(&b, " (%s)", f->summary);
	}
	vos_buf_addf(&b, "\n\nRendered from the inventory by vosctl %s", vos_version());
	if (r->base)
		vos_buf_addf(&b, " on %.12s", r->base);
	vos_buf_adds(&b, ".\n");
	return vos_buf_detach(&b, NULL);
}

static void backoff(int attempt, struct vos_rng *rng)
{
	/* 100..300 ms times the attempt, jittered so that racing publishers spread out */
	long ms = 100L * attempt + (long)vos_rng_below(rng, 200u) * attempt;
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

int vos_publish_run(struct vos_publish_result *out, const struct vos_publish_opts *o,
                    struct vos_diags *diags, char **errmsg)
{
	struct vos_git_opts go;
	struct vos_git *g = NULL;
	char *now = NULL, *gname = NULL, *gemail = NULL;
	const char *aname, *aemail;
	int max = o->max_attempts > 0 ? o->max_attempts : VOS_PUBLISH_MAX_ATTEMPTS;
	int err = 0, attempt;
	struct vos_rng rng;

	*errmsg = NULL;
	if (!o->url || !*o->url) {
		*errmsg = vos_strdup("no remote given: set publish.remote in vosctl.yaml or use --remote URL");
		return VOS_EINPUT;
	}
	if (!o->services_path || !*o->services_path) {
		*errmsg = vos_strdup("no page path given: set publish.pages.services in vosctl.yaml");
		return VOS_EINPUT;
	}
	memset(&go, 0, sizeof(go));
	go.url = o->url;
	go.branch = o->branch;
	go.user = o->user;
	go.token = o->token;
	go.cache_root = o->cache_root;
	if ((err = vos_git_open(&g, &go, &out->notice, errmsg)) < 0)
		return err;
	out->url = vos_strdup(vos_git_url(g));

	aname = o->author_name;
	aemail = o->author_email;
	if (!aname || !aemail) {
		vos_git_default_author(&gname, &gemail);
		if (!aname)
			aname = gname ? gname : "vosctl";
		if (!aemail)
			aemail = gemail ? gemail : "vosctl@localhost";
	}
	now = o->now_iso ? vos_strdup(o->now_iso) : vos_render_now();
	vos_rng_seed(&rng, 0); /* this run's own source: the process's rand() state is not ours */

	for (attempt = 1; attempt <= max; attempt++) {
		struct planned plan[3];
		struct vos_diags found;
		size_t nplan = 0, i;
		struct vos_git_file files[3];
		size_t nfiles = 0;

		out->attempts = attempt;
		memset(plan, 0, sizeof(plan));
		vos_diags_init(&found);
		clear_files(out);
		vos_buf_reset(&out->diff);
		free(out->message);
		out->message = NULL;
		free(out->base);
		out->base = NULL;
		free(*errmsg);
		*errmsg = NULL;

		if ((err = vos_git_fetch(g, errmsg)) < 0)
			goto round_done;
		if (vos_git_head(g))
			out->base = vos_strdup(vos_git_head(g));
		if ((err = render_all(plan, &nplan, g, o, now, &found, errmsg)) < 0)
			goto round_done;
		/* what would be published must validate */
		if ((err = validate_rendered(o->services_path, plan[0].data, plan[0].len, o->inv, &found)) < 0)
			goto round_done;
		if (found.errors) {
			out->blocked = true;
			goto round_done;
		}
		for (i = 0; i < nplan; i++) {
			struct vos_publish_file *f;
			if (!differs(&plan[i]))
				continue;
			f = VOS_PUSH(out->files, out->nfiles, out->files_alloc);
			f->path = vos_strdup(plan[i].path);
			f->created = plan[i].old == NULL;
			f->summary = vos_strdup(plan[i].summary ? plan[i].summary : "");
			files[nfiles].path = plan[i].path;
			files[nfiles].data = plan[i].data;
			files[nfiles].len = plan[i].len;
			nfiles++;
			{
				char *a = vos_asprintf("a/%s", plan[i].path), *b = vos_asprintf("b/%s", plan[i].path);
				vos_diff_unified(&out->diff, plan[i].old ? a : "/dev/null",
				                 plan[i].old ? plan[i].old : "", plan[i].old_len, b,
				                 plan[i].data, plan[i].len);
				free(a);
				free(b);
			}
		}
		if (!nfiles)
			goto round_done; /* nothing to change: no commit */
		out->message = make_message(out);
		if ((err = vos_git_commit(out->commit, g, files, nfiles, aname, aemail, out->message,
		                          errmsg)) < 0)
			goto round_done;
		if (o->dry_run)
			goto round_done;
		if (o->before_push)
			o->before_push(attempt, o->payload);
		err = vos_git_push(g, out->commit, errmsg);
		if (err == 0)
			out->pushed = true;
round_done:
		plan_release(plan, nplan);
		if (err != VOS_GIT_EREJECTED || attempt == max) {
			vos_diags_move(diags, &found);
			vos_diags_release(&found);
			break;
		}
		vos_diags_release(&found);
		out->commit[0] = '\0';
		backoff(attempt, &rng);
	}
	if (err == VOS_GIT_EREJECTED) {
		char *m = vos_asprintf("%s (gave up after %d attempts)", *errmsg ? *errmsg : "push rejected",
		                       out->attempts);
		free(*errmsg);
		*errmsg = m;
		out->commit[0] = '\0';
		err = VOS_EIO;
	}
	free(now);
	free(gname);
	free(gemail);
	vos_git_free(g);
	return err;
}
