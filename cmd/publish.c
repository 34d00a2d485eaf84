/* publish.c - vosctl publish: render the pages from the wiki repository's head plus the inventory,
 * commit what changed and push it. The work is lib/publish.c's; this file parses options and prints. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "publish.h"

/* Test hook: with VOSCTL_TEST_PUSH_BARRIER=PATH, before the first push create PATH.ready and wait
 * (at most 60 s) for PATH.go, so that a test can move the remote or stop the server right then. */
static void push_barrier(int attempt, void *payload)
{
	const char *base = payload;
	char *ready, *go;
	int fd, i;
	if (attempt != 1 || !base || !*base)
		return;
	ready = vos_asprintf("%s.ready", base);
	go = vos_asprintf("%s.go", base);
	fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		char pid[32]; /* the test signals or inspects this process */
		int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
		if (write(fd, pid, (size_t)n) != n)
			pid[0] = '\0';
		close(fd);
	}
	for (i = 0; i < 600 && access(go, F_OK) != 0; i++) {
		struct timespec ts = {0, 100 * 1000000L};
		nanosleep(&ts, NULL);
	}
	free(ready);
	free(go);
}

static char *read_optional(const char *path, size_t *len)
{
	char *text = NULL;
	struct vos_err oerr = VOS_ERR_INIT;
	*len = 0;
	if (!path || !vos_is_file(path))
		return NULL;
	if (vos_file_read(&text, len, path, VOS_MAX_PAGE_BYTES, &oerr) < 0) {
		cli_warning("%s", oerr.msg);
		vos_err_clear(&oerr);
		return NULL;
	}
	return text;
}

static void print_summary(const struct vos_publish_result *r, const char *branch)
{
	const char *nl = r->message ? strchr(r->message, '\n') : NULL;
	int sublen = r->message ? (nl ? (int)(nl - r->message) : (int)strlen(r->message)) : 0;
	printf("published %.12s to %s (%s): %.*s\n", r->commit, r->url, branch, sublen,
	       r->message ? r->message : "");
}

int cli_cmd_publish(struct cli_ctx *ctx, int argc, const char **argv)
{
	const char *remote = NULL, *branch = NULL, *cache = NULL;
	int dry_run = 0, prune = 0, allow_findings = 0;
	struct cli_opt opts[] = {
		CLI_OPT_STRING(0, "remote", &remote, "URL", "the wiki repository (overrides vosctl.yaml)"),
		CLI_OPT_STRING(0, "branch", &branch, "BRANCH", "the branch to publish to (default: main)"),
		CLI_OPT_FLAG('n', "dry-run", &dry_run, "print the diff and the commit; push nothing"),
		CLI_OPT_STRING(0, "cache-dir", &cache, "DIR", "where cache clones live (default: $XDG_CACHE_HOME/vosctl)"),
		CLI_OPT_FLAG(0, "prune", &prune, "remove page rows no inventory entry describes (as render --prune)"),
		CLI_OPT_FLAG(0, "allow-findings", &allow_findings, "publish even when the published pages have errors"),
		CLI_OPT_END(),
	};
	struct vos_publish_opts po;
	struct vos_publish_result res;
	char *results = NULL;
	struct vos_err oerr = VOS_ERR_INIT;
	size_t results_len = 0;
	const char *tok_env, *user_env, *v;
	int n, rc, err;

	n = cli_parse_options(ctx, argc, argv, opts);
	if (n < 0)
		return n == -2 ? 0 : CLI_EXIT_USAGE;
	if (n > 0) {
		cli_error("unexpected argument '%s'", argv[0]);
		return CLI_EXIT_USAGE;
	}
	if ((rc = cli_ctx_load(ctx)) != 0) /* the configuration and the inventory */
		return rc;
	if (ctx->lab.config.remote_status)
		results = read_optional(ctx->lab.config.status_file, &results_len);

	memset(&po, 0, sizeof(po));
	po.url = remote ? remote : ctx->lab.config.remote;
	po.branch = branch ? branch : ctx->lab.config.branch ? ctx->lab.config.branch : "main";
	po.services_path = ctx->lab.config.remote_services;
	po.inventory_path = ctx->lab.config.remote_inventory;
	po.status_path = ctx->lab.config.remote_status;
	po.lab = &ctx->lab;
	po.results_json = results;
	po.results_len = results_len;
	po.results_file = ctx->lab.config.status_file;
	tok_env = ctx->lab.config.token_env ? ctx->lab.config.token_env : "VOSCTL_TOKEN";
	user_env = ctx->lab.config.user_env ? ctx->lab.config.user_env : "VOSCTL_GIT_USER";
	v = getenv(tok_env);
	po.token = v && *v ? v : NULL;
	if (po.token) {
		/* the token is in this process's memory from here on: no core file, no ptrace or
		 * /proc/PID/mem|environ for other users of the machine */
		struct rlimit nocore = {0, 0};
		setrlimit(RLIMIT_CORE, &nocore);
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	}
	v = getenv(user_env);
	po.user = v && *v ? v : NULL; /* then the URL's user name, else "vosctl" */
	po.author_name = ctx->lab.config.author_name;
	po.author_email = ctx->lab.config.author_email;
	po.cache_root = cache;
	po.dry_run = dry_run != 0;
	po.prune = prune != 0;
	po.allow_findings = allow_findings != 0;
	po.status_max_age_s = ctx->lab.config.status_max_age_s;
	po.before_push = push_barrier;
	po.payload = (void *)getenv("VOSCTL_TEST_PUSH_BARRIER");

	vos_publish_result_init(&res);
	err = vos_publish_run(&res, &po, &ctx->diags, &oerr);
	if (res.notice)
		cli_warning("%s", res.notice);
	if (res.status_notice)
		cli_warning("%s", res.status_notice);
	if (ctx->diags.n) {
		vos_diags_sort(&ctx->diags);
		cli_print_diags_text(stderr, &ctx->diags, ctx->color_err);
	}
	if (err < 0) {
		if (oerr.msg)
			cli_error("%s", oerr.msg);
		rc = cli_exit_code(err);
	} else if (res.blocked) {
		cli_error("not published: the rendered pages have %zu error%s (see above)",
		          ctx->diags.errors, ctx->diags.errors == 1 ? "" : "s");
		rc = CLI_EXIT_FINDINGS;
	} else if (!res.nfiles) {
		printf("nothing to publish: '%s' (%s) is up to date\n", res.url, po.branch);
		rc = CLI_EXIT_CLEAN;
	} else if (po.dry_run) {
		fwrite(res.diff.ptr ? res.diff.ptr : "", 1, res.diff.len, stdout);
		printf("\nwould commit %s on %s to '%s' (%s), not pushed:\n\n", res.commit,
		       res.base ? res.base : "an empty repository", res.url, po.branch);
		for (const char *p = res.message; p && *p;) {
			const char *e = strchr(p, '\n');
			int l = e ? (int)(e - p) : (int)strlen(p);
			printf(l ? "    %.*s\n" : "%.*s\n", l, p);
			p = e ? e + 1 : p + l;
		}
		rc = CLI_EXIT_CLEAN;
	} else {
		if (res.attempts > 1)
			fprintf(stderr, "vosctl: note: the remote moved during the publish; landed on attempt %d\n",
			        res.attempts);
		print_summary(&res, po.branch);
		rc = CLI_EXIT_CLEAN;
	}
	vos_publish_result_release(&res);
	vos_err_clear(&oerr);
	free(results);
	return rc;
}
