/* validate.c - vosctl validate: the page and the inventory, checked against the rules. */
#include "cmd.h"

#include <string.h>

int cmd_validate(struct vos_ctx *ctx, int argc, const char **argv)
{
	const char *format = "text";
	int strict = 0, quiet = 0, fmt, rc, n;
	struct vos_opt opts[] = {
		OPT_STRING(0, "format", &format, "FMT", "text (default), json, github, junit or sarif"),
		OPT_FLAG(0, "strict", &strict, "treat warnings as errors"),
		OPT_FLAG('q', "quiet", &quiet, "print findings only, no summary line"),
		OPT_END(),
	};
	n = vos_parse_options(ctx, argc, argv, opts);
	if (n < 0)
		return n == -2 ? 0 : EXIT_USAGE;
	if (n > 0) {
		vos_error("unexpected argument '%s'", argv[0]);
		return EXIT_USAGE;
	}
	fmt = vos_findings_format_parse(format);
	if (fmt < 0) {
		vos_error("unknown format '%s' (text, json, github, junit or sarif)", format);
		return EXIT_USAGE;
	}
	rc = vos_ctx_load(ctx);
	if (rc) {
		/* input errors were printed as text on stderr; machine formats get them on stdout too */
		if (fmt != VOS_FMT_TEXT && ctx->diags.n)
			vos_print_findings(stdout, fmt, &ctx->diags, false, "vosctl validate");
		return rc;
	}
	vos_check_integrity(&ctx->model, &ctx->diags);
	vos_rules_check(&ctx->model, &ctx->diags);
	if (strict)
		vos_diags_promote_warnings(&ctx->diags);
	vos_diags_sort(&ctx->diags);
	vos_print_findings(stdout, fmt, &ctx->diags, ctx->color, "vosctl validate");
	if (fmt == VOS_FMT_TEXT && !quiet)
		printf("%zu error%s, %zu warning%s (%zu services on %zu hosts, %zu rules)\n",
		       ctx->diags.errors, ctx->diags.errors == 1 ? "" : "s",
		       ctx->diags.warnings, ctx->diags.warnings == 1 ? "" : "s",
		       ctx->model.nservices, ctx->model.nhosts, ctx->inv.nrules);
	return ctx->diags.errors ? EXIT_FINDINGS : EXIT_CLEAN;
}
