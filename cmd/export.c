/* export.c - vosctl export FORMAT: the lab for Gatus, Prometheus + blackbox_exporter, Homepage or
 * Ansible (lib/export.c makes the documents). Stdout by default; --output writes atomically
 * (vos_file_write), --check diffs against what is deployed (libgit2's unified diff, as render
 * --check) and exits 1 on drift. See docs/export.md. */
#include "cli.h"
#include "export.h"
#include "git.h"
#include "lockfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXPORT_MAX_BYTES (1024u * 1024u * 1024u) /* a deployed file read back for --check */

/* One file to write or compare: where, and its current text (NULL: missing). */
struct dest {
	const struct vos_export_file *f;
	char *path;
	char *old;
	size_t old_len;
};

static bool same(const struct dest *d)
{
	return d->old && d->old_len == d->f->len && !memcmp(d->old, d->f->data, d->f->len);
}

int cli_cmd_export(struct cli_ctx *ctx, int argc, const char **argv)
{
	const char *output = NULL, *part = NULL, *exporter = NULL, *targets_path = NULL, *group_by = NULL;
	const char *job = NULL;
	int check = 0, quiet = 0, interval_s = 0, timeout_ms = 0, n, fmt, rc = 0;
	struct cli_opt opts[] = {
		CLI_OPT_STRING('o', "output", &output, "PATH",
		               "write to PATH atomically (prometheus: a directory for its three files)"),
		CLI_OPT_FLAG(0, "check", &check, "exit 1 and print a diff when PATH differs from the export"),
		CLI_OPT_STRING(0, "part", &part, "PART", "prometheus: one file only: targets, modules or scrape"),
		CLI_OPT_STRING(0, "exporter", &exporter, "HOST:PORT",
		               "prometheus: blackbox_exporter's address (default 127.0.0.1:9115)"),
		CLI_OPT_STRING(0, "targets-path", &targets_path, "FILE",
		               "prometheus: the file_sd file the scrape config names (default vosctl-targets.json)"),
		CLI_OPT_STRING(0, "job", &job, "NAME", "prometheus: the scrape job's name (default vosctl-blackbox)"),
		CLI_OPT_STRING(0, "group-by", &group_by, "KEY", "homepage: plane (default) or host"),
		CLI_OPT_INT(0, "interval", &interval_s, "S", "gatus, prometheus: seconds between checks (default 60)"),
		CLI_OPT_INT(0, "timeout", &timeout_ms, "MS", "each check's timeout (default probe.timeout, else 2000)"),
		CLI_OPT_FLAG('q', "quiet", &quiet, "print nothing but errors (and diffs with --check)"),
		CLI_OPT_END(),
	};
	struct vos_export_options eo;
	struct vos_export x;
	struct vos_err oerr = VOS_ERR_INIT;
	struct dest dests[VOS_ARRAY_SIZE(x.files)];
	size_t nd = 0, i, ndiff = 0;

	memset(&x, 0, sizeof(x));
	memset(dests, 0, sizeof(dests));
	n = cli_parse_options(ctx, argc, argv, opts);
	if (n < 0)
		return n == -2 ? 0 : CLI_EXIT_USAGE;
	if (n < 1) {
		cli_error("export needs a format: gatus, prometheus, homepage or ansible");
		return CLI_EXIT_USAGE;
	}
	if ((fmt = vos_export_format_parse(argv[0])) < 0) {
		cli_error("unknown export format '%s' (gatus, prometheus, homepage or ansible)", argv[0]);
		return CLI_EXIT_USAGE;
	}
	vos_export_options_init(&eo);
	if (part && fmt != VOS_EXPORT_PROMETHEUS) {
		cli_error("--part is for the prometheus export only");
		return CLI_EXIT_USAGE;
	}
	if (part && strcmp(part, "targets") && strcmp(part, "modules") && strcmp(part, "scrape")) {
		cli_error("unknown part '%s' (targets, modules or scrape)", part);
		return CLI_EXIT_USAGE;
	}
	if (fmt == VOS_EXPORT_PROMETHEUS && !part && !output) {
		cli_error("the prometheus export is three files: give --output DIR, or --part targets|modules|scrape");
		return CLI_EXIT_USAGE;
	}
	if (check && !output) {
		cli_error("--check needs --output PATH (the deployed file to compare with)");
		return CLI_EXIT_USAGE;
	}
	if ((exporter || targets_path || job) && fmt != VOS_EXPORT_PROMETHEUS) {
		cli_error("--exporter, --targets-path and --job are for the prometheus export only");
		return CLI_EXIT_USAGE;
	}
	if (group_by) {
		if (fmt != VOS_EXPORT_HOMEPAGE) {
			cli_error("--group-by is for the homepage export only");
			return CLI_EXIT_USAGE;
		}
		if (strcmp(group_by, "plane") && strcmp(group_by, "host")) {
			cli_error("unknown --group-by '%s' (plane or host)", group_by);
			return CLI_EXIT_USAGE;
		}
		eo.group_by_host = !strcmp(group_by, "host");
	}
	if (interval_s < 0 || interval_s > 86400 || timeout_ms < 0 || timeout_ms > 3600000) {
		cli_error("--interval must be 1-86400 seconds and --timeout 1-3600000 ms");
		return CLI_EXIT_USAGE;
	}
	if (exporter && (!*exporter || strchr(exporter, '/') || !strchr(exporter, ':'))) {
		cli_error("--exporter takes HOST:PORT, not '%s'", exporter);
		return CLI_EXIT_USAGE;
	}
	if (targets_path && !*targets_path) {
		cli_error("--targets-path cannot be empty");
		return CLI_EXIT_USAGE;
	}
	if (job && !*job) {
		cli_error("--job cannot be empty");
		return CLI_EXIT_USAGE;
	}
	if ((rc = cli_ctx_load(ctx)) != 0)
		return rc;

	if (interval_s)
		eo.interval_ms = interval_s * 1000;
	if (timeout_ms)
		eo.timeout_ms = timeout_ms;
	else if (ctx->lab.config.probe_timeout_ms > 0)
		eo.timeout_ms = ctx->lab.config.probe_timeout_ms;
	if (exporter)
		eo.exporter = exporter;
	if (targets_path)
		eo.targets_path = targets_path;
	if (job)
		eo.job = job;
	if (vos_export_make(&x, (enum vos_export_format)fmt, &ctx->lab.model, &eo, &oerr) < 0) {
		cli_error("%s", vos_err_msg(&oerr, "unable to export"));
		rc = oerr.code == VOS_EINPUT ? CLI_EXIT_USAGE : CLI_EXIT_OPFAIL;
		vos_err_clear(&oerr);
		goto out;
	}
	if (!quiet) {
		if (x.skipped_unchecked)
			cli_warning("%zu declared port%s not exported: check none or udp", x.skipped_unchecked,
			            x.skipped_unchecked == 1 ? "" : "s");
		if (x.skipped_no_address)
			cli_warning("%zu check%s not exported: no usable address", x.skipped_no_address,
			            x.skipped_no_address == 1 ? "" : "s");
	}

	/* the files this run produces: one part, or all of them */
	for (i = 0; i < x.nfiles; i++) {
		if (part && strcmp(part, x.files[i].part))
			continue;
		dests[nd].f = &x.files[i];
		if (output)
			dests[nd].path = fmt == VOS_EXPORT_PROMETHEUS && !part ? vos_path_join(output, x.files[i].name)
			                                                     : vos_strdup(output);
		nd++;
	}
	if (!output) {
		for (i = 0; i < nd; i++)
			if (fwrite(dests[i].f->data, 1, dests[i].f->len, stdout) != dests[i].f->len)
				rc = CLI_EXIT_OPFAIL;
		goto out;
	}
	if (fmt == VOS_EXPORT_PROMETHEUS && !part && access(output, F_OK) == 0 && !vos_is_dir(output)) {
		cli_error("unable to create '%s': not a directory", output);
		rc = CLI_EXIT_OPFAIL;
		goto out;
	}
	for (i = 0; i < nd; i++)
		if ((rc = cli_read_current(dests[i].path, EXPORT_MAX_BYTES, &dests[i].old, &dests[i].old_len)) != 0)
			goto out;
	if (check) {
		for (i = 0; i < nd; i++) {
			struct vos_buf d = VOS_BUF_INIT;
			if (same(&dests[i]))
				continue;
			ndiff++;
			if (vos_diff_unified(&d, dests[i].old ? dests[i].path : "/dev/null", dests[i].old ? dests[i].old : "",
			                     dests[i].old_len, dests[i].path, dests[i].f->data, dests[i].f->len) < 0) {
				vos_buf_release(&d);
				cli_error("unable to diff '%s'", dests[i].path);
				rc = CLI_EXIT_OPFAIL;
				goto out;
			}
			fwrite(d.ptr, 1, d.len, stdout);
			vos_buf_release(&d);
		}
		if (ndiff && !quiet) {
			fflush(stdout);
			fprintf(stderr, "vosctl: %zu file%s differ%s from what export would write; run 'vosctl export %s --output %s'\n",
			        ndiff, ndiff == 1 ? "" : "s", ndiff == 1 ? "s" : "", argv[0], output);
		}
		rc = ndiff ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAN;
		goto out;
	}
	if (fmt == VOS_EXPORT_PROMETHEUS && !part && !vos_is_dir(output) && vos_mkdir_p(output, 0755) < 0) {
		cli_error("unable to create '%s': %s", output, strerror(errno));
		rc = CLI_EXIT_OPFAIL;
		goto out;
	}
	for (i = 0; i < nd; i++) {
		/* the file must still be what was read: a change made meanwhile is not overwritten */
		struct vos_write_expect was = {dests[i].old, dests[i].old_len};
		if (same(&dests[i])) {
			if (!quiet)
				printf("'%s' is up to date\n", dests[i].path);
			continue;
		}
		if (vos_file_write(dests[i].path, dests[i].f->data, dests[i].f->len, 0, &was, &oerr) < 0) {
			cli_error("%s", vos_err_msg(&oerr, "unable to write an export"));
			vos_err_clear(&oerr);
			rc = CLI_EXIT_OPFAIL;
			goto out;
		}
		if (!quiet)
			printf("wrote '%s' (%zu bytes)\n", dests[i].path, dests[i].f->len);
	}

out:
	for (i = 0; i < nd; i++) {
		free(dests[i].path);
		free(dests[i].old);
	}
	vos_export_release(&x);
	return rc;
}
