/* validate.c - vosctl validate: the page and the inventory, checked against the rules. */
#include "cli.h"
#include "check.h"
#include "rules.h"
#include "probe.h"

#include <stdlib.h>
#include <string.h>

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
	if (vos_probe_targets_from_model(&targets, &n, &ctx->lab.model, &filter, &ctx->diags) < 0)
		return CLI_EXIT_USAGE;
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
	cli_probe_scope_warn(declared, &scope);
	po.scope = &scope;
	res = vos_calloc(n ? n : 1, sizeof(*res));
	cli_probe_raise_nofile();
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
	vos_probe_result_release_array(res, n);
	free(res);
	free(targets);
	return 0;
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
	vos_check_integrity(&ctx->lab.model, &ctx->diags);
	vos_rules_check(&ctx->lab.model, &ctx->diags);
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
