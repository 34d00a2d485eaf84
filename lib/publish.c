/* publish.c - fetch, render from the remote page plus the inventory (the render plan `vosctl render`
 * uses), validate, commit, push, retry. */
#include "publish.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "git.h"
#include "leak.h"
#include "probe.h"
#include "render_plan.h"
#include "rules.h"
#include "waiver.h"

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
	free(r->status_notice);
	vos_buf_release(&r->diff);
	memset(r, 0, sizeof(*r));
}

/* One round's render: the page at the head (or the local page) with the inventory, through the
 * render plan render uses too. */
struct round {
	char *old[VOS_RENDER__NKINDS]; /* the pages at the head (NULL: absent) */
	size_t old_len[VOS_RENDER__NKINDS];
	struct vos_source_file head_page[2]; /* old[VOS_RENDER_SERVICES] as a source, and the end */
	struct vos_render_plan plan; /* may borrow the lab's page and model (reloaded each round) */
};

static void round_release(struct round *r)
{
	size_t i;
	vos_render_plan_release(&r->plan);
	for (i = 0; i < VOS_RENDER__NKINDS; i++)
		free(r->old[i]);
	memset(r, 0, sizeof(*r));
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
	add_count(&b, st->redacted, "value redacted", "values redacted");
	if (!b.len)
		add_count(&b, st->tables, "table realigned", "tables realigned");
	if (!b.len)
		vos_buf_adds(&b, "");
	return vos_buf_detach(&b, NULL);
}

/* Reads path at the head into r->old[kind] (absent: NULL). */
static int read_old(struct round *r, enum vos_render_kind kind, struct vos_git *g, const char *path,
                    struct vos_err *errp)
{
	int err = vos_git_read(&r->old[kind], &r->old_len[kind], g, path, errp);
	if (err == VOS_ENOTFOUND) {
		r->old[kind] = NULL;
		r->old_len[kind] = 0;
		return 0;
	}
	return err;
}

/* Renders every configured page from the head (or the local page when the repository has none) and
 * validates what would be published: the findings of the reconciled page (parsed and merged with
 * the inventory once, by the plan, when render changed it), integrity checks and rules. Returns 0,
 * VOS_EINPUT (unusable page: diagnostics), or a git error. */
/* The findings that cite the repository's page (the fetched one, or the one that would be pushed)
 * say so: "remote page vos/services.md:12:3", so that nobody looks for line 12 in a local file. */
static void cite_remote(struct vos_diags *d, const char *path)
{
	size_t i;
	for (i = 0; path && i < d->n; i++) {
		struct vos_diag *x = &d->items[i];
		if (x->file && !strcmp(x->file, path)) {
			free(x->file);
			x->file = vos_asprintf("remote page %s", path);
		}
		if (x->rel_file && !strcmp(x->rel_file, path)) {
			free(x->rel_file);
			x->rel_file = vos_asprintf("remote page %s", path);
		}
	}
}

static int render_all(struct round *r, struct vos_git *g, const struct vos_publish_opts *o,
                      const struct vos_probe_results *results, const struct vos_redact *rd,
                      const char *now, struct vos_diags *diags, struct vos_err *errp)
{
	struct vos_lab *lab = o->lab;
	struct vos_render_inputs in;
	struct vos_render_opts ropts;
	struct vos_diags before, after;
	struct vos_source head, local;
	const struct vos_source *src = &head;
	const char *path = o->services_path;
	int err;

	memset(&in, 0, sizeof(in));
	memset(&ropts, 0, sizeof(ropts));
	vos_source_worktree(&local);
	if ((err = read_old(r, VOS_RENDER_SERVICES, g, o->services_path, errp)) < 0)
		return err;
	if (!r->old[VOS_RENDER_SERVICES]) {
		if (!lab->config.page || !local.exists(&local, lab->config.page)) {
			return vos_err_set(errp, VOS_EINPUT, "the repository has no '%s' and there is no local "
			                   "page to put there", o->services_path);
		}
		src = &local;
		path = lab->config.page;
	} else {
		/* the page is parsed from what was read for the diff: the head is read once */
		r->head_page[0].path = o->services_path;
		r->head_page[0].data = r->old[VOS_RENDER_SERVICES];
		r->head_page[0].len = r->old_len[VOS_RENDER_SERVICES];
		vos_source_memory(&head, "the fetched head", r->head_page);
	}
	if (o->inventory_path && (err = read_old(r, VOS_RENDER_INVENTORY, g, o->inventory_path, errp)) < 0)
		return err;
	if (o->status_path && results &&
	    (err = read_old(r, VOS_RENDER_STATUS, g, o->status_path, errp)) < 0)
		return err;

	/* the findings of the page as it is are what render reconciles: they count only when render
	 * leaves the page as it is (then they are the published page's) */
	vos_diags_init(&before);
	vos_diags_init(&after);
	/* the page from the head (or the local one) with the lab's inventory: its input errors and the
	 * merge's findings both wait in before */
	if ((err = vos_lab_load_page(lab, src, path, &before, &before)) < 0) {
		if (src == &head)
			cite_remote(&before, o->services_path);
		vos_diags_move(diags, &before);
		vos_diags_release(&before);
		return err;
	}

	in.services.path = o->services_path;
	in.services.old = r->old[VOS_RENDER_SERVICES];
	in.services.old_len = r->old_len[VOS_RENDER_SERVICES];
	in.inventory.path = o->inventory_path;
	in.inventory.old = r->old[VOS_RENDER_INVENTORY];
	in.inventory.old_len = r->old_len[VOS_RENDER_INVENTORY];
	in.status.path = results ? o->status_path : NULL;
	in.status.old = r->old[VOS_RENDER_STATUS];
	in.status.old_len = r->old_len[VOS_RENDER_STATUS];
	in.results = results;
	ropts.prune = o->prune;
	ropts.redact = rd;
	vos_render_plan_make(&r->plan, &lab->page, &lab->model, &in, &ropts, now, &after);

	{
		struct vos_diags found;
		vos_diags_init(&found);
		vos_diags_move(&found, r->plan.rebuilt || r->plan.rebuild_err < 0 ? &after : &before);
		vos_diags_release(&before);
		vos_diags_release(&after);
		if (r->plan.rebuild_err >= 0)
			vos_check_model(r->plan.model, &found);
		/* the page checked is the repository's (as fetched, or as it would be pushed) unless it
		 * came from the local work tree and render left it as it is */
		if (src == &head || r->plan.rebuilt)
			cite_remote(&found, o->services_path);
		vos_diags_move(diags, &found);
		vos_diags_release(&found);
	}
	if (r->plan.rebuild_err < 0)
		return VOS_EINPUT;
	vos_waivers_apply_today(r->plan.model, diags); /* what validate accepts, publish accepts */
	return 0;
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
                    struct vos_diags *diags, struct vos_err *errp)
{
	struct vos_git_opts go;
	struct vos_git *g = NULL;
	char *now = NULL, *gname = NULL, *gemail = NULL;
	const char *aname, *aemail;
	int max = o->max_attempts > 0 ? o->max_attempts : VOS_PUBLISH_MAX_ATTEMPTS;
	struct vos_probe_results results;
	bool have_results = false;
	int err = 0, attempt;
	struct vos_rng rng;
	struct vos_redact rd;
	struct vos_err rerr = VOS_ERR_INIT; /* this round's error: each round starts clean */

	vos_probe_results_init(&results);
	vos_redact_init(&rd);
	if (!o->url || !*o->url)
		return vos_err_set(errp, VOS_EINPUT,
		                   "no remote given: set publish.remote in vosctl.yaml or use --remote URL");
	if (!o->services_path || !*o->services_path)
		return vos_err_set(errp, VOS_EINPUT,
		                   "no page path given: set publish.pages.services in vosctl.yaml");
	if (o->status_path && o->results_json) {
		if (vos_probe_results_parse(&results, o->results_file ? o->results_file : "probe results",
		                            o->results_json, o->results_len, &rerr) < 0) {
			vos_err_set(errp, VOS_EINPUT, "unable to read probe results: %s", vos_err_msg(&rerr, "unknown error"));
			vos_err_clear(&rerr);
			return VOS_EINPUT;
		}
		have_results = true;
	}
	memset(&go, 0, sizeof(go));
	go.url = o->url;
	go.branch = o->branch;
	go.user = o->user;
	go.token = o->token;
	go.token_env = o->token_env;
	go.cache_root = o->cache_root;
	if ((err = vos_git_open(&g, &go, &out->notice, errp)) < 0) {
		vos_probe_results_release(&results);
		return err;
	}
	vos_redact_release(&rd);
	vos_redact_build(&rd, &o->lab->config, &o->lab->inv);
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
	now = o->now_iso ? vos_strdup(o->now_iso) : vos_now_iso();
	if (have_results && vos_probe_results_fresh(&results, now, o->status_max_age_s > 0 ? o->status_max_age_s
	                                                           : 3600, &rerr) < 0) {
		/* the other pages are still published; the status page only from fresh results */
		out->status_notice = vos_asprintf("status page not published: %s", vos_err_msg(&rerr, "unusable probe results"));
		vos_err_clear(&rerr);
		have_results = false;
	}
	vos_rng_seed(&rng, 0); /* this run's own source: the process's rand() state is not ours */

	for (attempt = 1; attempt <= max; attempt++) {
		struct round r;
		struct vos_diags found;
		struct vos_git_file files[VOS_RENDER__NKINDS];
		size_t nfiles = 0, i;

		out->attempts = attempt;
		memset(&r, 0, sizeof(r));
		vos_diags_init(&found);
		clear_files(out);
		vos_buf_reset(&out->diff);
		free(out->message);
		out->message = NULL;
		free(out->base);
		out->base = NULL;
		vos_err_clear(&rerr);

		if ((err = vos_git_fetch(g, &rerr)) < 0)
			goto round_done;
		if (vos_git_head(g))
			out->base = vos_strdup(vos_git_head(g));
		/* what would be published must validate */
		if ((err = render_all(&r, g, o, have_results ? &results : NULL, &rd, now, &found, &rerr)) < 0)
			goto round_done;
		/* the leak tripwire: nothing that render.redact hides and no credential is pushed, whatever
		 * --allow-findings says (it lets placement findings through, never a leak) */
		{
			size_t leaks = vos_leak_scan_plan(&rd, &r.plan, &found);
			if (leaks || (found.errors && !o->allow_findings)) {
				out->blocked = true;
				goto round_done;
			}
		}
		for (i = 0; i < r.plan.n; i++) {
			const struct vos_render_item *it = &r.plan.items[i];
			struct vos_publish_file *f;
			char *a, *b;
			if (!it->changed)
				continue;
			f = VOS_PUSH(out->files, out->nfiles, out->files_alloc);
			f->path = vos_strdup(it->path);
			f->created = it->old == NULL;
			f->summary = it->kind == VOS_RENDER_SERVICES ? stats_summary(&it->stats) : vos_strdup("");
			files[nfiles].path = it->path;
			files[nfiles].data = it->data;
			files[nfiles].len = it->len;
			nfiles++;
			if (!o->dry_run)
				continue; /* only a dry run shows the diff */
			a = vos_asprintf("a/%s", it->path);
			b = vos_asprintf("b/%s", it->path);
			vos_diff_unified(&out->diff, it->old ? a : "/dev/null", it->old ? it->old : "",
			                 it->old_len, b, it->data, it->len);
			free(a);
			free(b);
		}
		if (!nfiles)
			goto round_done; /* nothing to change: no commit */
		out->message = make_message(out);
		if ((err = vos_git_commit(out->commit, g, files, nfiles, aname, aemail, out->message,
		                          &rerr)) < 0)
			goto round_done;
		if (o->dry_run)
			goto round_done;
		if (o->before_push)
			o->before_push(attempt, o->payload);
		err = vos_git_push(g, out->commit, &rerr);
		if (err == 0)
			out->pushed = true;
round_done:
		round_release(&r);
		if (err != VOS_EREJECTED || attempt == max) {
			vos_diags_move(diags, &found);
			vos_diags_release(&found);
			break;
		}
		vos_diags_release(&found);
		out->commit[0] = '\0';
		backoff(attempt, &rng);
	}
	if (err == VOS_EREJECTED) {
		vos_err_set(&rerr, VOS_EIO, "%s (gave up after %d attempts)",
		            vos_err_msg(&rerr, "push rejected"), out->attempts);
		out->commit[0] = '\0';
		err = VOS_EIO;
	}
	if (err < 0)
		vos_err_take(errp, err, rerr.msg);
	else
		vos_err_clear(&rerr);
	free(now);
	free(gname);
	free(gemail);
	vos_git_free(g);
	vos_probe_results_release(&results);
	vos_redact_release(&rd);
	return err;
}
