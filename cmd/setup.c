/* setup.c - what every command shares before it runs: the context, the colour decisions, -C DIR
 * and the one lab load (lib's vos_lab_load) from the work tree or the git index. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cli_ctx_init(struct cli_ctx *ctx, const struct cli_command *cmd)
{
	const char *nc = getenv("NO_COLOR");
	bool nocolor = nc && *nc;
	memset(ctx, 0, sizeof(*ctx));
	ctx->cmd = cmd;
	ctx->color = !nocolor && isatty(1);
	ctx->color_err = !nocolor && isatty(2);
	vos_diags_init(&ctx->diags);
}

int cli_exit_code(int err)
{
	switch (err) {
	case VOS_OK: return CLI_EXIT_CLEAN;
	case VOS_EINPUT: case VOS_ENOTFOUND: return CLI_EXIT_USAGE;
	default: return CLI_EXIT_OPFAIL;
	}
}

static void print_input_errors(struct cli_ctx *ctx)
{
	vos_diags_sort(&ctx->diags);
	fflush(stdout);
	cli_print_diags_text(stderr, &ctx->diags, ctx->color_err);
}

/* -C DIR, then the working directory into cwd; 0 or an exit code (the error already said) */
static int enter_dir(struct cli_ctx *ctx, char *cwd, size_t n)
{
	if (ctx->common.chdir && chdir(ctx->common.chdir) < 0) {
		cli_error("cannot change to '%s': %s", ctx->common.chdir, strerror(errno));
		return CLI_EXIT_USAGE;
	}
	if (!getcwd(cwd, n)) {
		cli_error("cannot get the current directory: %s", strerror(errno));
		return CLI_EXIT_OPFAIL;
	}
	return 0;
}

/* The one load every command makes (lib/lab.c), from src (NULL: the work tree); prints what
 * went wrong and returns an exit code. */
static int ctx_load_from(struct cli_ctx *ctx, const char *cwd, const struct vos_source *src)
{
	struct vos_lab_request rq;
	struct vos_err oerr = VOS_ERR_INIT;
	int err;
	memset(&rq, 0, sizeof(rq));
	rq.parts = ctx->cmd->flags & CLI_NEEDS_MODEL       ? VOS_LAB_MODEL
	           : ctx->cmd->flags & CLI_NEEDS_INVENTORY ? VOS_LAB_CONFIG | VOS_LAB_INVENTORY
	                                                   : VOS_LAB_CONFIG;
	rq.cwd = cwd;
	rq.config_file = ctx->common.config;
	rq.page = ctx->common.page;
	rq.inventory = ctx->common.inventory;
	rq.config_src = rq.page_src = rq.inv_src = src;
	rq.check_links = src != NULL; /* links of staged pages to pages the index lacks: warnings */
	err = vos_lab_load(&ctx->lab, &rq, &ctx->diags, &oerr);
	if (ctx->lab.have_notices && ctx->lab.notices.n) {
		fflush(stdout);
		cli_print_diags_text(stderr, &ctx->lab.notices, ctx->color_err);
	}
	if (ctx->lab.warning)
		cli_warning("--staged: %s", ctx->lab.warning);
	if (err < 0) {
		if (oerr.msg)
			cli_error("%s", oerr.msg);
		else
			print_input_errors(ctx);
		vos_err_clear(&oerr);
		return cli_exit_code(err);
	}
	return 0;
}

int cli_ctx_load(struct cli_ctx *ctx)
{
	char cwd[PATH_MAX];
	int rc;
	if ((rc = enter_dir(ctx, cwd, sizeof(cwd))) != 0)
		return rc;
	if (!(ctx->cmd->flags & (CLI_NEEDS_CONFIG | CLI_NEEDS_MODEL)))
		return 0;
	return ctx_load_from(ctx, cwd, NULL);
}

int cli_ctx_load_staged(struct cli_ctx *ctx)
{
	char cwd[PATH_MAX];
	struct vos_source ix;
	struct vos_err oerr = VOS_ERR_INIT;
	int err, rc;
	if ((rc = enter_dir(ctx, cwd, sizeof(cwd))) != 0)
		return rc;
	if ((err = vos_source_open_index(&ix, cwd, &oerr)) < 0) {
		cli_error("--staged: %s", vos_err_msg(&oerr, "unable to open the repository"));
		vos_err_clear(&oerr);
		return cli_exit_code(err);
	}
	rc = ctx_load_from(ctx, cwd, &ix);
	vos_source_release(&ix);
	return rc;
}

void cli_ctx_release(struct cli_ctx *ctx)
{
	vos_lab_release(&ctx->lab);
	vos_diags_release(&ctx->diags);
}

int cli_read_current(const char *path, size_t max, char **text, size_t *len)
{
	struct stat st;
	struct vos_err oerr = VOS_ERR_INIT;
	int err;
	*text = NULL;
	*len = 0;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		cli_error("unable to read '%s': %s", path, strerror(errno));
		return CLI_EXIT_OPFAIL;
	}
	if (!S_ISREG(st.st_mode)) {
		cli_error("'%s' is not a regular file", path);
		return CLI_EXIT_USAGE;
	}
	err = vos_file_read(text, len, path, max, &oerr);
	if (err < 0) {
		cli_error("%s", vos_err_msg(&oerr, "unable to read a file"));
		vos_err_clear(&oerr);
		*text = NULL;
		return cli_exit_code(err);
	}
	return 0;
}
