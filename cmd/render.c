/* render.c - vosctl render: the reconciled services page, the generated inventory page and (with
 * --with-status) the status page; --check diffs them against the disk, --write writes them
 * atomically. The pages come from the render plan (lib/render_plan.c), as publish's do; this file
 * reads the pages' current text and the probe results, and prints or writes. */
#include "cli.h"
#include "waiver.h"
#include "check.h"
#include "git.h"
#include "leak.h"
#include "probe.h"
#include "render_plan.h"
#include "lockfile.h"

#include <stdlib.h>
#include <string.h>

/* A page's current text on disk (old_owned: read here). */
struct current {
	const char *path;
	char *text;        /* NULL when the file does not exist */
	size_t len;
	bool owned;
};

/* Reads a page's current text; a missing file is not an error. Returns an exit code. */
static int read_current(struct current *c)
{
	int rc = cli_read_current(c->path, VOS_MAX_PAGE_BYTES, &c->text, &c->len);
	c->owned = c->text != NULL;
	return rc;
}

/* The unified diff of an item against its current text (labels: the path, /dev/null when new). */
static void item_diff(struct vos_buf *d, const struct vos_render_item *it)
{
	vos_diff_unified(d, it->old ? it->path : "/dev/null", it->old ? it->old : "", it->old_len,
	                 it->path, it->data, it->len);
}

static void count_diff(const struct vos_render_item *it, size_t *plus, size_t *minus)
{
	struct vos_buf d = VOS_BUF_INIT;
	const char *s, *e;
	*plus = *minus = 0;
	if (vos_diff_unified(&d, "a", it->old ? it->old : "", it->old_len, "b", it->data, it->len) <= 0)
		return;
	for (s = d.ptr; s && *s; s = e + 1) {
		e = strchr(s, '\n');
		if (!e)
			break;
		if (!strncmp(s, "--- ", 4) || !strncmp(s, "+++ ", 4))
			continue;
		if (*s == '+')
			(*plus)++;
		else if (*s == '-')
			(*minus)++;
	}
	vos_buf_release(&d);
}

static void print_summary(const struct vos_render_item *it)
{
	const struct vos_render_stats *st = &it->stats;
	size_t plus, minus;
	if (!it->changed) {
		printf("'%s' is up to date\n", it->path);
		return;
	}
	count_diff(it, &plus, &minus);
	printf("would %s '%s' (%s, +%zu -%zu lines", it->old ? "update" : "create", it->path, it->what,
	       plus, minus);
	if (st->addresses)
		printf(", %zu address%s set", st->addresses, st->addresses == 1 ? "" : "es");
	if (st->added)
		printf(", %zu row%s added", st->added, st->added == 1 ? "" : "s");
	if (st->removed)
		printf(", %zu row%s removed", st->removed, st->removed == 1 ? "" : "s");
	if (st->tables)
		printf(", %zu table%s rewritten", st->tables, st->tables == 1 ? "" : "s");
	if (st->redacted)
		printf(", %zu redacted", st->redacted);
	printf(")\n");
}

/* The leak tripwire before anything is written: every page of the plan must be free of what
 * render.redact hides and of credentials. Prints the findings; 0 or CLI_EXIT_FINDINGS. */
static int refuse_leaks(struct cli_ctx *ctx, const struct vos_render_plan *plan,
                        const struct vos_redact *rd, const char *what)
{
	struct vos_diags leaks;
	size_t n;
	vos_diags_init(&leaks);
	n = vos_leak_scan_plan(rd, plan, &leaks);
	if (n) {
		vos_diags_sort(&leaks);
		fflush(stdout);
		cli_print_diags_text(stderr, &leaks, ctx->color_err);
		cli_error("nothing %s: %zu page-leak finding%s in the rendered pages (see above)", what, n,
		          n == 1 ? "" : "s");
	}
	vos_diags_release(&leaks);
	return n ? CLI_EXIT_FINDINGS : 0;
}

/* What --write would write must validate: the findings validate would report on the result (the
 * reconciled page's own, in after, when render changed the page; else the loaded lab's) plus the
 * check pipeline on the plan's model. With errors, they are printed and the write refused (exit 1)
 * unless allow. Returns 0 or the exit code. */
static int render_validate(struct cli_ctx *ctx, const struct vos_render_plan *plan,
                           struct vos_diags *after, bool allow)
{
	struct vos_diags found;
	int rc = 0;
	vos_diags_init(&found);
	vos_diags_move(&found, plan->rebuilt ? after : &ctx->diags);
	vos_check_model(plan->model, &found);
	vos_waivers_apply_today(plan->model, &found); /* what validate accepts, render writes */
	if (found.errors) {
		vos_diags_sort(&found);
		fflush(stdout);
		cli_print_diags_text(stderr, &found, ctx->color_err);
		if (!allow) {
			cli_error("not written: the rendered pages have %zu error%s (see above); "
			          "--allow-findings writes them anyway", found.errors,
			          found.errors == 1 ? "" : "s");
			rc = CLI_EXIT_FINDINGS;
		}
	}
	vos_diags_release(&found);
	return rc;
}

int cli_cmd_render(struct cli_ctx *ctx, int argc, const char **argv)
{
	int check = 0, write = 0, to_stdout = 0, with_status = 0, prune = 0, quiet = 0, allow = 0;
	struct cli_opt opts[] = {
		CLI_OPT_FLAG(0, "check", &check, "exit 1 and print a diff when the pages on disk differ"),
		CLI_OPT_FLAG(0, "write", &write, "write the pages that changed (atomically)"),
		CLI_OPT_FLAG(0, "stdout", &to_stdout, "print the reconciled services page"),
		CLI_OPT_FLAG(0, "with-status", &with_status, "also render the status page from the last probe"),
		CLI_OPT_FLAG(0, "prune", &prune, "remove page rows no inventory entry describes"),
		CLI_OPT_FLAG(0, "allow-findings", &allow, "with --write: write even when the result has errors"),
		CLI_OPT_FLAG('q', "quiet", &quiet, "print nothing but errors (and diffs with --check)"),
		CLI_OPT_END(),
	};
	struct current cur[VOS_RENDER__NKINDS];
	struct vos_render_inputs in;
	struct vos_render_opts ropts;
	struct vos_render_plan plan;
	struct vos_probe_results results;
	struct vos_diags scratch;
	struct vos_redact rd;
	const struct vos_render_item *sp;
	size_t i, ndiff = 0;
	int n, rc = 0;

	memset(cur, 0, sizeof(cur));
	memset(&in, 0, sizeof(in));
	memset(&ropts, 0, sizeof(ropts));
	vos_render_plan_init(&plan);
	vos_diags_init(&scratch);
	vos_probe_results_init(&results);
	vos_redact_init(&rd);
	n = cli_parse_options(ctx, argc, argv, opts);
	if (n < 0)
		return n == -2 ? 0 : CLI_EXIT_USAGE;
	if (check + write + to_stdout > 1) {
		cli_error("--check, --write and --stdout cannot be combined");
		return CLI_EXIT_USAGE;
	}
	if ((rc = cli_ctx_load(ctx)) != 0)
		return rc;
	ropts.prune = prune != 0;
	vos_redact_release(&rd);
	vos_redact_build(&rd, &ctx->lab.config, &ctx->lab.inv);
	ropts.redact = &rd;

	/* the pages' current text: the services page (the page itself, or where render.services
	 * puts it), the generated inventory page, the status page */
	cur[VOS_RENDER_SERVICES].path = ctx->lab.config.render_services ? ctx->lab.config.render_services
	                                                            : ctx->lab.config.page;
	if (vos_streq(cur[VOS_RENDER_SERVICES].path, ctx->lab.config.page)) {
		cur[VOS_RENDER_SERVICES].text = ctx->lab.page.text;
		cur[VOS_RENDER_SERVICES].len = ctx->lab.page.len;
	} else if ((rc = read_current(&cur[VOS_RENDER_SERVICES])) != 0) {
		goto out;
	}
	if (ctx->lab.config.render_inventory && !to_stdout) {
		cur[VOS_RENDER_INVENTORY].path = ctx->lab.config.render_inventory;
		if ((rc = read_current(&cur[VOS_RENDER_INVENTORY])) != 0)
			goto out;
	}
	if (with_status && !to_stdout) {
		struct vos_err oerr = VOS_ERR_INIT;
		int err;
		if (!ctx->lab.config.render_status) {
			cli_error("no status page to render: set render.status in %s",
			          ctx->lab.config.file ? ctx->lab.config.file : VOS_CONFIG_NAME);
			rc = CLI_EXIT_USAGE;
			goto out;
		}
		if (!ctx->lab.config.status_file) {
			cli_error("no probe results: no status_file configured (run 'vosctl probe' first)");
			rc = CLI_EXIT_USAGE;
			goto out;
		}
		err = vos_probe_results_load(&results, ctx->lab.config.status_file, &oerr);
		if (err < 0) {
			if (err == VOS_ENOTFOUND)
				cli_error("%s", oerr.msg);
			else
				cli_error("unable to read probe results: %s", vos_err_msg(&oerr, "unknown error"));
			vos_err_clear(&oerr);
			rc = err == VOS_ENOTFOUND || err == VOS_EINPUT ? CLI_EXIT_USAGE : cli_exit_code(err);
			goto out;
		}
		{	/* a status page only from fresh results that probed something */
			char *now = vos_now_iso();
			err = vos_probe_results_fresh(&results, now, ctx->lab.config.status_max_age_s, &oerr);
			free(now);
			if (err < 0) {
				cli_error("no status page: %s", vos_err_msg(&oerr, "unusable probe results"));
				vos_err_clear(&oerr);
				rc = CLI_EXIT_USAGE;
				goto out;
			}
		}
		cur[VOS_RENDER_STATUS].path = ctx->lab.config.render_status;
		if ((rc = read_current(&cur[VOS_RENDER_STATUS])) != 0)
			goto out;
		in.results = &results;
	}
	in.services.path = cur[VOS_RENDER_SERVICES].path;
	in.services.old = cur[VOS_RENDER_SERVICES].text;
	in.services.old_len = cur[VOS_RENDER_SERVICES].len;
	in.inventory.path = cur[VOS_RENDER_INVENTORY].path;
	in.inventory.old = cur[VOS_RENDER_INVENTORY].text;
	in.inventory.old_len = cur[VOS_RENDER_INVENTORY].len;
	in.status.path = cur[VOS_RENDER_STATUS].path;
	in.status.old = cur[VOS_RENDER_STATUS].text;
	in.status.old_len = cur[VOS_RENDER_STATUS].len;

	/* the reconciled page's own findings are validate's to report, not render's: only --write
	 * looks at them, to refuse writing a broken page */
	vos_render_plan_make(&plan, &ctx->lab.page, &ctx->lab.model, &in, &ropts, NULL, &scratch);
	sp = vos_render_plan_item(&plan, VOS_RENDER_SERVICES);
	for (i = 0; i < plan.n; i++)
		if (plan.items[i].changed)
			ndiff++;

	/* a leak first, whatever the mode: what --stdout prints and --check diffs is what --write
	 * would write, and --allow-findings lets placement findings through, never a leak */
	if ((to_stdout || check) && (rc = refuse_leaks(ctx, &plan, &rd, "printed")) != 0)
		goto out;
	if (to_stdout) {
		if (fwrite(sp->data, 1, sp->len, stdout) != sp->len)
			rc = CLI_EXIT_OPFAIL;
		goto out;
	}
	if (check) {
		for (i = 0; i < plan.n; i++) {
			struct vos_buf d = VOS_BUF_INIT;
			if (!plan.items[i].changed)
				continue;
			item_diff(&d, &plan.items[i]);
			fwrite(d.ptr, 1, d.len, stdout);
			vos_buf_release(&d);
		}
		if (ndiff && !quiet) {
			fflush(stdout);
			fprintf(stderr, "vosctl: %zu page%s differ%s from what render would write; run 'vosctl render --write'\n",
			        ndiff, ndiff == 1 ? "" : "s", ndiff == 1 ? "s" : "");
		}
		rc = ndiff ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAN;
		goto out;
	}
	if (write && (rc = refuse_leaks(ctx, &plan, &rd, "written")) != 0)
		goto out;
	if (write && ndiff && (rc = render_validate(ctx, &plan, &scratch, allow != 0)) != 0)
		goto out;
	if (write) {
		size_t written = 0;
		for (i = 0; i < plan.n; i++) {
			const struct vos_render_item *it = &plan.items[i];
			struct vos_err oerr = VOS_ERR_INIT;
			/* the page must still be what was read: an edit saved meanwhile is kept */
			struct vos_write_expect was = {it->old, it->old_len};
			if (!it->changed)
				continue;
			if (vos_file_write(it->path, it->data, it->len, 0, &was, &oerr) < 0) {
				cli_error("%s", vos_err_msg(&oerr, "unable to write a page"));
				vos_err_clear(&oerr);
				rc = CLI_EXIT_OPFAIL;
				goto out;
			}
			written++;
			if (!quiet)
				printf("wrote '%s'\n", it->path);
		}
		if (!quiet && !written)
			printf("all %zu page%s up to date\n", plan.n, plan.n == 1 ? "" : "s");
		goto out;
	}
	if (!quiet) {
		for (i = 0; i < plan.n; i++)
			print_summary(&plan.items[i]);
		if (sp->stats.unplaced)
			printf("note: %zu inventory service%s not added: no table on the page for %s host\n",
			       sp->stats.unplaced, sp->stats.unplaced == 1 ? "" : "s",
			       sp->stats.unplaced == 1 ? "its" : "their");
	}

out:
	for (i = 0; i < VOS_ARRAY_SIZE(cur); i++)
		if (cur[i].owned)
			free(cur[i].text);
	vos_render_plan_release(&plan);
	vos_probe_results_release(&results);
	vos_redact_release(&rd);
	vos_diags_release(&scratch);
	return rc;
}
