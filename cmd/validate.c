/* validate.c - vosctl validate: the page and the inventory, checked against the rules. */
#include "cli.h"
#include "check.h"
#include "leak.h"
#include "rules.h"
#include "probe.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* --probe: live results become findings (a service down; a dependency down under up services;
 * every target that was not probed, and a run with nothing to probe: no false green) */
static int validate_probe(struct cli_ctx *ctx, int timeout_ms)
{
	struct vos_probe_target *targets = NULL;
	struct vos_probe_result *res;
	struct vos_probe_options po;
	struct vos_probe_filter filter;
	struct vos_scope scope;
	bool declared;
	size_t n = 0;
	struct vos_err oerr = VOS_ERR_INIT;
	int rc;
	memset(&filter, 0, sizeof(filter));
	{
		struct vos_diags d; /* what makes probing impossible (a header's variable not set) */
		vos_diags_init(&d);
		if (vos_probe_targets_from_model(&targets, &n, &ctx->lab.model, &filter, &d) < 0) {
			cli_print_diags_text(stderr, &d, ctx->color_err);
			vos_diags_release(&d);
			return CLI_EXIT_USAGE;
		}
		vos_diags_release(&d);
	}
	vos_probe_options_init(&po);
	if (timeout_ms > 0)
		po.timeout_ms = timeout_ms;
	else if (ctx->lab.config.probe_timeout_ms > 0)
		po.timeout_ms = ctx->lab.config.probe_timeout_ms;
	if (ctx->lab.config.probe_concurrency > 0)
		po.concurrency = ctx->lab.config.probe_concurrency;
	rc = vos_probe_plan_lab(&scope, &declared, targets, n, &ctx->lab, NULL, 0,
	                        getenv("VOSCTL_PROBE_SCOPE"), po.timeout_ms, &oerr);
	if (rc < 0) {
		cli_error("%s", vos_err_msg(&oerr, "unable to plan the probe"));
		vos_err_clear(&oerr);
		free(targets);
		vos_scope_release(&scope);
		return rc == VOS_EINPUT ? CLI_EXIT_USAGE : CLI_EXIT_OPFAIL;
	}
	po.scope = &scope;
	po.cacert = ctx->lab.config.probe_cacert;
	res = vos_calloc(n ? n : 1, sizeof(*res));
	rc = vos_probe_run(res, targets, n, &po, &oerr);
	vos_scope_release(&scope);
	if (rc < 0) {
		cli_error("probe failed: %s", vos_err_msg(&oerr, "unknown error"));
		vos_err_clear(&oerr);
		free(res);
		free(targets);
		return CLI_EXIT_OPFAIL;
	}
	vos_probe_findings(&ctx->lab.model, res, n, &ctx->diags);
	vos_probe_cert_findings(&ctx->lab.model, res, n, ctx->lab.config.probe_tls_expiry_days,
	                        (long long)time(NULL), &ctx->diags);
	vos_probe_result_release_array(res, n);
	free(res);
	free(targets);
	return 0;
}

/* The leak tripwire on the page validate read and, with --staged, on every other staged page:
 * nothing render.redact hides and no credential (the hook runs this). 0 or an exit code. */
static int validate_leaks(struct cli_ctx *ctx, bool staged)
{
	struct vos_redact rd;
	struct vos_source ix;
	struct vos_err oerr = VOS_ERR_INIT;
	char cwd[PATH_MAX];
	int rc = 0;
	vos_redact_build(&rd, &ctx->lab.config, &ctx->lab.inv);
	vos_leak_scan(&rd, ctx->lab.page.file, ctx->lab.page.text, ctx->lab.page.len, &ctx->diags);
	if (staged) {
		/* no false green: pages that could not be checked fail the run */
		if (!getcwd(cwd, sizeof(cwd)))
			rc = vos_err_set(&oerr, VOS_EIO, "cannot get the current directory");
		else if ((rc = vos_source_open_index(&ix, cwd, &oerr)) == 0) {
			rc = vos_leak_scan_changed(&rd, &ix, ctx->lab.page.file, &ctx->diags, &oerr);
			vos_source_release(&ix);
		}
		if (rc < 0) {
			cli_error("--staged: the staged pages were not checked for leaks: %s",
			          vos_err_msg(&oerr, "unable to read the index"));
			rc = CLI_EXIT_OPFAIL;
		}
	}
	vos_err_clear(&oerr);
	vos_redact_release(&rd);
	return rc;
}

int cli_cmd_validate(struct cli_ctx *ctx, int argc, const char **argv)
{
	const char *format = "text";
	int strict = 0, quiet = 0, probe = 0, timeout_ms = 0, staged = 0, fmt, rc, n;
	struct cli_opt opts[] = {
		CLI_OPT_STRING(0, "format", &format, "FMT", "text (default), json, github, junit or sarif"),
		CLI_OPT_FLAG(0, "strict", &strict, "treat warnings as errors"),
		CLI_OPT_FLAG('q', "quiet", &quiet, "print findings only, no summary line"),
		CLI_OPT_FLAG(0, "staged", &staged, "validate what is staged in the git index, not the work tree"),
		CLI_OPT_FLAG(0, "probe", &probe, "also probe every declared port and report what is down"),
		CLI_OPT_INT(0, "timeout", &timeout_ms, "MS", "with --probe: per-target timeout (default 2000)"),
		CLI_OPT_END(),
	};
	n = cli_parse_options(ctx, argc, argv, opts);
	if (n < 0)
		return n == -2 ? 0 : CLI_EXIT_USAGE;
	if (timeout_ms && !probe) {
		cli_error("--timeout needs --probe");
		return CLI_EXIT_USAGE;
	}
	fmt = cli_findings_format_parse(format);
	if (fmt < 0) {
		cli_error("unknown format '%s' (text, json, github, junit or sarif)", format);
		return CLI_EXIT_USAGE;
	}
	rc = staged ? cli_ctx_load_staged(ctx) : cli_ctx_load(ctx);
	if (rc) {
		/* input errors were printed as text on stderr; machine formats get them on stdout too */
		if (fmt != CLI_FMT_TEXT && ctx->diags.n)
			cli_print_findings(stdout, fmt, &ctx->diags, false, "vosctl validate");
		return rc;
	}
	vos_check_model(&ctx->lab.model, &ctx->diags);
	if ((rc = validate_leaks(ctx, staged != 0)) != 0)
		return rc;
	if (probe && (rc = validate_probe(ctx, timeout_ms)) != 0)
		return rc;
	if (strict)
		vos_diags_promote_warnings(&ctx->diags);
	vos_diags_sort(&ctx->diags);
	cli_print_findings(stdout, fmt, &ctx->diags, ctx->color, "vosctl validate");
	if (fmt == CLI_FMT_TEXT && !quiet)
		printf("%zu error%s, %zu warning%s (%zu services on %zu hosts, %zu rules)\n",
		       ctx->diags.errors, ctx->diags.errors == 1 ? "" : "s",
		       ctx->diags.warnings, ctx->diags.warnings == 1 ? "" : "s",
		       ctx->lab.model.nservices, ctx->lab.model.nhosts, ctx->lab.inv.nrules);
	return ctx->diags.errors ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAN;
}
