/* render.c - vosctl render: the reconciled services page, the generated inventory page and (with
 * --with-status) the status page; --check diffs them against the disk, --write writes them
 * atomically. All the work is in lib/render.c. */
#include "cmd.h"
#include "render.h"
#include "lockfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct out_page {
	const char *what;  /* "services page" */
	const char *path;
	char *old;         /* current text on disk ("" when missing) */
	size_t oldlen;
	bool exists;
	bool old_owned;
	char *text;        /* what render would write */
	size_t len;
	bool differs;
	struct vos_render_stats st;
	bool has_stats;
};

/* Reads a page's current text; a missing file is not an error. Returns an exit code. */
static int read_current(struct out_page *p)
{
	struct stat st;
	char *errmsg = NULL;
	int err;
	static char empty[1];
	p->old = empty;
	p->oldlen = 0;
	if (stat(p->path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		vos_error("unable to read '%s': %s", p->path, strerror(errno));
		return EXIT_OPFAIL;
	}
	if (!S_ISREG(st.st_mode)) {
		vos_error("'%s' is not a regular file", p->path);
		return EXIT_USAGE;
	}
	err = vos_file_read(&p->old, &p->oldlen, p->path, VOS_MAX_PAGE_BYTES, &errmsg);
	if (err < 0) {
		vos_error("%s", errmsg ? errmsg : "unable to read a page");
		free(errmsg);
		p->old = empty;
		return vos_exit_code(err);
	}
	p->exists = true;
	p->old_owned = true;
	return 0;
}

static void count_diff(const struct out_page *p, size_t *plus, size_t *minus)
{
	struct vos_buf d = VOS_BUF_INIT;
	const char *s, *e;
	*plus = *minus = 0;
	if (!vos_diff_unified(&d, "a", p->old, p->oldlen, "b", p->text, p->len))
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

static void print_summary(const struct out_page *p)
{
	size_t plus, minus;
	if (!p->differs) {
		printf("'%s' is up to date\n", p->path);
		return;
	}
	count_diff(p, &plus, &minus);
	printf("would %s '%s' (%s, +%zu -%zu lines", p->exists ? "update" : "create", p->path, p->what,
	       plus, minus);
	if (p->has_stats) {
		if (p->st.addresses)
			printf(", %zu address%s set", p->st.addresses, p->st.addresses == 1 ? "" : "es");
		if (p->st.added)
			printf(", %zu row%s added", p->st.added, p->st.added == 1 ? "" : "s");
		if (p->st.removed)
			printf(", %zu row%s removed", p->st.removed, p->st.removed == 1 ? "" : "s");
		if (p->st.tables)
			printf(", %zu table%s rewritten", p->st.tables, p->st.tables == 1 ? "" : "s");
	}
	printf(")\n");
}

int cmd_render(struct vos_ctx *ctx, int argc, const char **argv)
{
	int check = 0, write = 0, to_stdout = 0, with_status = 0, prune = 0, quiet = 0;
	struct vos_opt opts[] = {
		OPT_FLAG(0, "check", &check, "exit 1 and print a diff when the pages on disk differ"),
		OPT_FLAG(0, "write", &write, "write the pages that changed (atomically)"),
		OPT_FLAG(0, "stdout", &to_stdout, "print the reconciled services page"),
		OPT_FLAG(0, "with-status", &with_status, "also render the status page from the last probe"),
		OPT_FLAG(0, "prune", &prune, "remove page rows no inventory entry describes"),
		OPT_FLAG('q', "quiet", &quiet, "print nothing but errors (and diffs with --check)"),
		OPT_END(),
	};
	struct out_page pages[3];
	struct vos_render_opts ropts;
	size_t np = 0, i, ndiff = 0;
	struct vos_page page2;
	struct vos_model model2;
	struct vos_diags d2;
	const struct vos_model *gm = &ctx->model;
	bool have2 = false;
	char *now = NULL;
	int n, rc = 0, err;

	memset(pages, 0, sizeof(pages));
	memset(&ropts, 0, sizeof(ropts));
	n = vos_parse_options(ctx, argc, argv, opts);
	if (n < 0)
		return n == -2 ? 0 : EXIT_USAGE;
	if (check + write + to_stdout > 1) {
		vos_error("--check, --write and --stdout cannot be combined");
		return EXIT_USAGE;
	}
	if ((rc = vos_ctx_load(ctx)) != 0)
		return rc;
	ropts.prune = prune != 0;
	now = vos_render_now();

	/* a. the services page */
	pages[np].what = "services page";
	pages[np].path = ctx->config.render_services ? ctx->config.render_services : ctx->config.page;
	if (vos_streq(pages[np].path, ctx->config.page)) {
		pages[np].old = ctx->page.text;
		pages[np].oldlen = ctx->page.len;
		pages[np].exists = true;
	} else if ((rc = read_current(&pages[np])) != 0) {
		goto out;
	}
	vos_render_services_ex(&pages[np].text, &pages[np].len, &pages[np].differs, &pages[np].st,
	                       &ctx->page, &ctx->model, now, &ropts);
	pages[np].has_stats = true;
	np++;
	/* the generated pages follow the reconciled page (rows added or pruned): rebuild the model
	 * from what render wrote, as the next run will see it */
	if (pages[0].len != ctx->page.len || memcmp(pages[0].text, ctx->page.text, ctx->page.len)) {
		vos_diags_init(&d2);
		if (vos_page_parse(&page2, ctx->config.page, pages[0].text, pages[0].len, &d2) == 0) {
			if (vos_model_build(&model2, &page2, &ctx->inv, &d2) == 0) {
				gm = &model2;
				have2 = true;
			} else {
				vos_page_release(&page2);
			}
		}
		vos_diags_release(&d2);
	}

	/* b. the generated inventory page */
	if (ctx->config.render_inventory && !to_stdout) {
		bool ch;
		pages[np].what = "inventory page";
		pages[np].path = ctx->config.render_inventory;
		if ((rc = read_current(&pages[np])) != 0)
			goto out_np;
		vos_render_inventory_page(&pages[np].text, &pages[np].len, &ch, gm,
		                          pages[np].exists ? pages[np].old : NULL, pages[np].oldlen, now);
		np++;
	}

	/* c. the status page */
	if (with_status && !to_stdout) {
		char *json = NULL, *errmsg = NULL;
		size_t jlen = 0;
		bool ch;
		if (!ctx->config.render_status) {
			vos_error("no status page to render: set render.status in %s",
			          ctx->config.file ? ctx->config.file : VOS_CONFIG_NAME);
			rc = EXIT_USAGE;
			goto out;
		}
		if (!ctx->config.status_file ||
		    vos_file_read(&json, &jlen, ctx->config.status_file, VOS_MAX_PAGE_BYTES, &errmsg) < 0) {
			vos_error("no probe results: %s (run 'vosctl probe' first)",
			          errmsg ? errmsg : "no status_file configured");
			free(errmsg);
			rc = EXIT_USAGE;
			goto out;
		}
		pages[np].what = "status page";
		pages[np].path = ctx->config.render_status;
		if ((rc = read_current(&pages[np])) != 0) {
			free(json);
			goto out_np;
		}
		err = vos_render_status_page(&pages[np].text, &pages[np].len, &ch, gm, json, jlen,
		                             pages[np].exists ? pages[np].old : NULL, pages[np].oldlen, now,
		                             &ctx->diags);
		free(json);
		if (err < 0) {
			size_t k;
			for (k = 0; k < ctx->diags.n; k++)
				if (!strcmp(ctx->diags.items[k].rule, "probe-results")) {
					free(ctx->diags.items[k].file);
					ctx->diags.items[k].file = vos_strdup(ctx->config.status_file);
					vos_error("%s: %s", ctx->config.status_file, ctx->diags.items[k].message);
				}
			rc = EXIT_USAGE;
			goto out_np;
		}
		np++;
	}

	for (i = 0; i < np; i++) {
		struct out_page *p = &pages[i];
		p->differs = !p->exists || p->len != p->oldlen || memcmp(p->text, p->old, p->len) != 0;
		if (p->differs)
			ndiff++;
	}

	if (to_stdout) {
		if (fwrite(pages[0].text, 1, pages[0].len, stdout) != pages[0].len)
			rc = EXIT_OPFAIL;
		goto out;
	}
	if (check) {
		for (i = 0; i < np; i++) {
			struct vos_buf d = VOS_BUF_INIT;
			if (!pages[i].differs)
				continue;
			vos_diff_unified(&d, pages[i].exists ? pages[i].path : "/dev/null", pages[i].old,
			                 pages[i].oldlen, pages[i].path, pages[i].text, pages[i].len);
			fwrite(d.ptr, 1, d.len, stdout);
			vos_buf_release(&d);
		}
		if (ndiff && !quiet) {
			fflush(stdout);
			fprintf(stderr, "vosctl: %zu page%s differ%s from what render would write; run 'vosctl render --write'\n",
			        ndiff, ndiff == 1 ? "" : "s", ndiff == 1 ? "s" : "");
		}
		rc = ndiff ? EXIT_FINDINGS : EXIT_CLEAN;
		goto out;
	}
	if (write) {
		size_t written = 0;
		for (i = 0; i < np; i++) {
			char *errmsg = NULL;
			/* the page must still be what was read: an edit saved meanwhile is kept */
			struct vos_write_expect was = {pages[i].exists ? pages[i].old : NULL, pages[i].oldlen};
			if (!pages[i].differs)
				continue;
			if (vos_file_write(pages[i].path, pages[i].text, pages[i].len, 0, &was, &errmsg) < 0) {
				vos_error("%s", errmsg ? errmsg : "unable to write a page");
				free(errmsg);
				rc = EXIT_OPFAIL;
				goto out;
			}
			written++;
			if (!quiet)
				printf("wrote '%s'\n", pages[i].path);
		}
		if (!quiet && !written)
			printf("all %zu page%s up to date\n", np, np == 1 ? "" : "s");
		goto out;
	}
	if (!quiet) {
		for (i = 0; i < np; i++)
			print_summary(&pages[i]);
		if (pages[0].st.unplaced)
			printf("note: %zu inventory service%s not added: no table on the page for %s host\n",
			       pages[0].st.unplaced, pages[0].st.unplaced == 1 ? "" : "s",
			       pages[0].st.unplaced == 1 ? "its" : "their");
	}
	goto out;

out_np:
	np++; /* free the page that failed half-way too */
out:
	for (i = 0; i < np && i < VOS_ARRAY_SIZE(pages); i++) {
		if (pages[i].old_owned)
			free(pages[i].old);
		free(pages[i].text);
	}
	if (have2) {
		vos_model_release(&model2);
		vos_page_release(&page2);
	}
	free(now);
	return rc;
}
