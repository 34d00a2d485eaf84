/* validate.c - vosctl validate: the page and the inventory, checked against the rules. */
#include "cli.h"
#include "check.h"
#include "leak.h"
#include "rules.h"
#include "probe.h"
#include "baseline.h"
#include "lockfile.h"
#include "ruledoc.h"
#include "waiver.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* What --probe or --probe-from gave: the targets and their results (for the prom output). */
struct validate_probe {
	struct vos_probe_target *targets;
	struct vos_probe_result *results;
	size_t n;
};

static void validate_probe_release(struct validate_probe *vp)
{
	if (vp->results)
		vos_probe_result_release_array(vp->results, vp->n);
	free(vp->results);
	free(vp->targets);
	memset(vp, 0, sizeof(*vp));
}

/* The results of --probe-from URL: Prometheus's last samples of each target (lib/probe_prom.c),
 * with the credentials from the environment (never shown). */
static int results_from_prometheus(struct validate_probe *vp, const char *url, int timeout_ms,
                                   long long max_age_ms)
{
	struct vos_prom_options o;
	struct vos_err oerr = VOS_ERR_INIT;
	int err;
	vos_prom_options_init(&o);
	o.url = url;
	o.token = getenv("VOSCTL_PROMETHEUS_TOKEN");
	o.user = getenv("VOSCTL_PROMETHEUS_USER");
	o.password = getenv("VOSCTL_PROMETHEUS_PASSWORD");
	if (timeout_ms > 0)
		o.timeout_ms = timeout_ms;
	o.max_age_ms = max_age_ms;
	err = vos_probe_from_prometheus(vp->results, vp->targets, vp->n, &o, &oerr);
	if (err < 0) {
		cli_error("%s", vos_err_msg(&oerr, "unable to read the probe results from Prometheus"));
		vos_err_clear(&oerr);
		return cli_exit_code(err);
	}
	return 0;
}

/* The results of --probe: every declared port probed here, inside the lab's probe scope. */
static int results_from_probing(struct cli_ctx *ctx, struct validate_probe *vp, int timeout_ms)
{
	struct vos_probe_options po;
	struct vos_scope scope;
	bool declared;
	struct vos_err oerr = VOS_ERR_INIT;
	int rc;
	vos_probe_options_init(&po);
	if (timeout_ms > 0)
		po.timeout_ms = timeout_ms;
	else if (ctx->lab.config.probe_timeout_ms > 0)
		po.timeout_ms = ctx->lab.config.probe_timeout_ms;
	if (ctx->lab.config.probe_concurrency > 0)
		po.concurrency = ctx->lab.config.probe_concurrency;
	rc = vos_probe_plan_lab(&scope, &declared, vp->targets, vp->n, &ctx->lab, NULL, 0,
	                        getenv("VOSCTL_PROBE_SCOPE"), po.timeout_ms, true, &oerr);
	if (rc < 0) {
		cli_error("%s", vos_err_msg(&oerr, "unable to plan the probe"));
		vos_err_clear(&oerr);
		vos_scope_release(&scope);
		return rc == VOS_EINPUT ? CLI_EXIT_USAGE : CLI_EXIT_OPFAIL;
	}
	cli_probe_scope_warn(declared, &scope);
	po.scope = &scope;
	po.dns = ctx->lab.config.probe_dns; /* the names are resolved by the run, while it probes */
	po.cacert = ctx->lab.config.probe_cacert;
	cli_probe_raise_nofile();
	rc = vos_probe_run(vp->results, vp->targets, vp->n, &po, &oerr);
	vos_scope_release(&scope);
	if (rc < 0) {
		cli_error("probe failed: %s", vos_err_msg(&oerr, "unknown error"));
		vos_err_clear(&oerr);
		return CLI_EXIT_OPFAIL;
	}
	return 0;
}

/* --probe / --probe-from: results (probed here, or Prometheus's) become findings through the one
 * vos_probe_lab_findings (a service down; a dependency down under up
 * services; every target that was not probed or that Prometheus does not know, and a run with
 * nothing to probe: no false green; a certificate expiring or expired) */
static int validate_probe(struct cli_ctx *ctx, struct validate_probe *vp, int timeout_ms, const char *from,
                          long long max_age_ms)
{
	struct vos_probe_filter filter;
	int rc;
	memset(&filter, 0, sizeof(filter));
	{
		struct vos_diags d; /* what makes probing impossible (a header's variable not set) */
		vos_diags_init(&d);
		if (vos_probe_targets_from_model(&vp->targets, &vp->n, &ctx->lab.model, &filter, &d) < 0) {
			cli_print_diags_text(stderr, &d, ctx->color_err);
			vos_diags_release(&d);
			return CLI_EXIT_USAGE;
		}
		vos_diags_release(&d);
	}
	vp->results = vos_calloc(vp->n ? vp->n : 1, sizeof(*vp->results));
	rc = from ? results_from_prometheus(vp, from, timeout_ms, max_age_ms)
	          : results_from_probing(ctx, vp, timeout_ms);
	if (rc)
		return rc;
	vos_probe_lab_findings(&ctx->lab, vp->results, vp->n, (long long)time(NULL), &ctx->diags);
	return 0;
}

/* --format prom: the findings (and the results, when probed) through the one prom formatter */
static int print_prom(struct cli_ctx *ctx, const struct validate_probe *vp, const char *output)
{
	struct cli_prom_doc doc;
	memset(&doc, 0, sizeof(doc));
	doc.targets = vp->targets;
	doc.results = vp->results;
	doc.n = vp->results ? vp->n : 0;
	doc.findings = &ctx->diags;
	return cli_prom_output(&doc, output);
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

#define BASELINE_MAX (64u * 1024u * 1024u)

/* After the summary line: where each rule of the counted findings is explained, once per rule (a
 * built-in check's docs anchor, or the lab rule's id for vosctl explain). */
static void print_explain_hints(const struct vos_diags *d)
{
	struct vos_map seen;
	size_t i;
	vos_map_init(&seen, false);
	for (i = 0; i < d->n; i++) {
		const struct vos_diag *x = &d->items[i];
		struct vos_buf a = VOS_BUF_INIT;
		if (!vos_diag_counts(x) || x->severity == VOS_SEV_NOTE || vos_map_get(&seen, x->rule))
			continue;
		vos_map_put(&seen, x->rule, (void *)x);
		if (vos_ruledoc_find(x->rule)) {
			vos_ruledoc_anchor(&a, x->rule);
			printf("explain: vosctl explain %s (%s)\n", x->rule, a.ptr);
		} else {
			printf("explain: vosctl explain %s (the lab's rule)\n", x->rule);
		}
		vos_buf_release(&a);
	}
	vos_map_release(&seen);
}

/* Reads and parses a baseline; a missing file is *missing when missing is non-NULL (else an
 * error). Returns an exit code. */
static int baseline_read(struct vos_baseline *b, const char *path, bool *missing, struct vos_diags *diags)
{
	struct vos_err err = VOS_ERR_INIT;
	char *text = NULL;
	size_t len = 0;
	int rc;
	vos_baseline_init(b);
	if (missing)
		*missing = false;
	if (missing && !vos_is_file(path) && access(path, F_OK) != 0) {
		*missing = true;
		return 0;
	}
	if (vos_file_read(&text, &len, path, BASELINE_MAX, &err) < 0) {
		cli_error("unable to read baseline: %s", vos_err_msg(&err, "read error"));
		vos_err_clear(&err);
		return CLI_EXIT_USAGE;
	}
	vos_baseline_release(b);
	rc = vos_baseline_parse(b, path, text, len, diags);
	free(text);
	return rc < 0 ? CLI_EXIT_USAGE : 0;
}

/* --write-baseline FILE: the findings of this run become the baseline; adding findings to an
 * existing baseline needs --accept-new. */
static int write_baseline(struct cli_ctx *ctx, const char *path, bool accept_new, bool quiet)
{
	struct vos_baseline old;
	struct vos_err err = VOS_ERR_INIT;
	bool missing;
	size_t nnew = 0, len, i;
	char *text;
	int rc = baseline_read(&old, path, &missing, &ctx->diags);
	if (rc) {
		cli_print_diags_text(stderr, &ctx->diags, ctx->color_err);
		vos_baseline_release(&old);
		return rc;
	}
	if (!missing)
		nnew = vos_baseline_apply(&old, &ctx->diags);
	vos_baseline_release(&old);
	vos_diags_sort(&ctx->diags);
	if (nnew && !accept_new) {
		for (i = 0; i < ctx->diags.n; i++) {
			const struct vos_diag *x = &ctx->diags.items[i];
			if (x->baseline == VOS_BASELINE_NEW) {
				struct vos_diags one = {.items = (struct vos_diag *)x, .n = 1, .alloc = 1};
				cli_print_diags_text(stdout, &one, ctx->color);
			}
		}
		cli_error("%zu finding%s not in baseline '%s': --accept-new writes %s into it", nnew,
		          nnew == 1 ? " is" : "s are", path, nnew == 1 ? "it" : "them");
		return CLI_EXIT_FINDINGS;
	}
	text = vos_baseline_text(&ctx->diags, &len);
	rc = vos_file_write(path, text, len, 0, NULL, &err);
	free(text);
	if (rc < 0) {
		cli_error("unable to write baseline: %s", vos_err_msg(&err, "write error"));
		vos_err_clear(&err);
		return CLI_EXIT_OPFAIL;
	}
	if (!quiet)
		printf("wrote baseline '%s': %zu finding%s (%zu new, %zu fixed)\n", path,
		       ctx->diags.errors + ctx->diags.warnings + ctx->diags.unchanged,
		       ctx->diags.errors + ctx->diags.warnings + ctx->diags.unchanged == 1 ? "" : "s", nnew,
		       ctx->diags.fixed);
	return CLI_EXIT_CLEAN;
}

int cli_cmd_validate(struct cli_ctx *ctx, int argc, const char **argv)
{
	const char *format = "text", *baseline = NULL, *write_bl = NULL, *fail_level = "error";
	const char *output = NULL, *from = NULL, *max_age = NULL;
	int strict = 0, quiet = 0, probe = 0, timeout_ms = 0, staged = 0, accept_new = 0, fmt, rc, n, today;
	long long max_age_ms = 300000;
	struct vos_baseline bl;
	struct validate_probe vp;
	bool fails, prom;
	struct cli_opt opts[] = {
		CLI_OPT_STRING(0, "format", &format, "FMT", "text (default), json, github, junit, sarif or prom"),
		CLI_OPT_STRING(0, "output", &output, "FILE", "with --format prom: write a textfile-collector file atomically"),
		CLI_OPT_FLAG(0, "strict", &strict, "treat warnings as errors"),
		CLI_OPT_FLAG('q', "quiet", &quiet, "print findings only, no summary line"),
		CLI_OPT_FLAG(0, "staged", &staged, "validate what is staged in the git index, not the work tree"),
		CLI_OPT_FLAG(0, "probe", &probe, "also probe every declared port and report what is down"),
		CLI_OPT_STRING(0, "probe-from", &from, "URL", "instead of probing, read the last probe results from Prometheus"),
		CLI_OPT_STRING(0, "max-age", &max_age, "DURATION", "with --probe-from: older samples are no result (default 5m)"),
		CLI_OPT_INT(0, "timeout", &timeout_ms, "MS", "with --probe: per-target timeout (default 2000); with --probe-from: per request (default 10000)"),
		CLI_OPT_STRING(0, "fail-level", &fail_level, "LEVEL",
		               "what fails the run: error (default), warning or none"),
		CLI_OPT_STRING(0, "baseline", &baseline, "FILE", "report only findings not in the baseline FILE"),
		CLI_OPT_STRING(0, "write-baseline", &write_bl, "FILE", "write this run's findings to FILE as the baseline"),
		CLI_OPT_FLAG(0, "accept-new", &accept_new, "with --write-baseline: let the baseline gain findings"),
		CLI_OPT_END(),
	};
	memset(&vp, 0, sizeof(vp));
	n = cli_parse_options(ctx, argc, argv, opts);
	if (n < 0)
		return n == -2 ? 0 : CLI_EXIT_USAGE;
	if (probe && from) {
		cli_error("--probe and --probe-from cannot be used together");
		return CLI_EXIT_USAGE;
	}
	if (timeout_ms && !probe && !from) {
		cli_error("--timeout needs --probe or --probe-from");
		return CLI_EXIT_USAGE;
	}
	if (timeout_ms < 0) {
		cli_error("--timeout must be positive");
		return CLI_EXIT_USAGE;
	}
	if (max_age && !from) {
		cli_error("--max-age needs --probe-from");
		return CLI_EXIT_USAGE;
	}
	if (max_age && (vos_duration_parse(&max_age_ms, max_age) < 0 || max_age_ms <= 0)) {
		cli_error("invalid --max-age '%s' (a duration such as 30s, 5m, 1h30m)", max_age);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(fail_level, "error") && strcmp(fail_level, "warning") && strcmp(fail_level, "none")) {
		cli_error("unknown fail level '%s' (error, warning or none)", fail_level);
		return CLI_EXIT_USAGE;
	}
	if (baseline && write_bl) {
		cli_error("--baseline and --write-baseline cannot be combined (writing compares with the file written)");
		return CLI_EXIT_USAGE;
	}
	if (accept_new && !write_bl) {
		cli_error("--accept-new needs --write-baseline");
		return CLI_EXIT_USAGE;
	}
	if (vos_date_today(&today) < 0) {
		cli_error("VOSCTL_TODAY is not a date (expected YYYY-MM-DD)");
		return CLI_EXIT_USAGE;
	}
	prom = !strcmp(format, "prom");
	fmt = prom ? CLI_FMT_TEXT : cli_findings_format_parse(format);
	if (fmt < 0) {
		cli_error("unknown format '%s' (text, json, github, junit, sarif or prom)", format);
		return CLI_EXIT_USAGE;
	}
	if (output && !prom) {
		cli_error("--output needs --format prom");
		return CLI_EXIT_USAGE;
	}
	if (prom && write_bl) {
		cli_error("--write-baseline prints no findings: it cannot be combined with --format prom");
		return CLI_EXIT_USAGE;
	}
	rc = staged ? cli_ctx_load_staged(ctx) : cli_ctx_load(ctx);
	if (rc) {
		/* input errors were printed as text on stderr; machine formats get them on stdout too */
		if (prom)
			print_prom(ctx, &vp, output);
		else if (fmt != CLI_FMT_TEXT && ctx->diags.n)
			cli_print_findings(stdout, fmt, &ctx->diags, false, "vosctl validate");
		return rc;
	}
	vos_check_model(&ctx->lab.model, &ctx->diags);
	if ((rc = validate_leaks(ctx, staged != 0)) != 0)
		return rc;
	if ((probe || from) && (rc = validate_probe(ctx, &vp, timeout_ms, from, max_age_ms)) != 0) {
		validate_probe_release(&vp);
		return rc;
	}
	vos_waivers_apply(&ctx->lab.model, today, &ctx->diags);
	if (strict) /* after the waivers: a waived finding does not count, a waiver-unused one does */
		vos_diags_promote_warnings(&ctx->diags);
	if (write_bl) {
		validate_probe_release(&vp);
		return write_baseline(ctx, write_bl, accept_new, quiet);
	}
	if (baseline) {
		if ((rc = baseline_read(&bl, baseline, NULL, &ctx->diags)) != 0) {
			cli_print_diags_text(stderr, &ctx->diags, ctx->color_err);
			vos_baseline_release(&bl);
			validate_probe_release(&vp);
			return rc;
		}
		vos_baseline_apply(&bl, &ctx->diags);
		vos_baseline_release(&bl);
	}
	vos_diags_sort(&ctx->diags);
	fails = !strcmp(fail_level, "warning") ? ctx->diags.errors + ctx->diags.warnings > 0
	        : !strcmp(fail_level, "none") ? false : ctx->diags.errors > 0;
	if (prom) {
		rc = print_prom(ctx, &vp, output);
		validate_probe_release(&vp);
		return rc ? rc : fails ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAN;
	}
	validate_probe_release(&vp);
	cli_print_findings(stdout, fmt, &ctx->diags, ctx->color, "vosctl validate");
	if (fmt == CLI_FMT_TEXT && !quiet) {
		printf("%zu error%s, %zu warning%s", ctx->diags.errors, ctx->diags.errors == 1 ? "" : "s",
		       ctx->diags.warnings, ctx->diags.warnings == 1 ? "" : "s");
		if (ctx->lab.inv.nwaivers || ctx->lab.page.nwaivers || ctx->diags.waived)
			printf(", %zu waived", ctx->diags.waived);
		if (baseline)
			printf(", %zu in the baseline, %zu fixed", ctx->diags.unchanged, ctx->diags.fixed);
		printf(" (%zu services on %zu hosts, %zu rules)\n", ctx->lab.model.nservices,
		       ctx->lab.model.nhosts, ctx->lab.inv.nrules);
		print_explain_hints(&ctx->diags);
	}
	return fails ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAN;
}
