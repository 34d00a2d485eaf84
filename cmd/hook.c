/* hook.c - vosctl hook install | uninstall: the wiki repository's pre-commit and pre-merge-commit
 * hooks, which run `vosctl validate --staged` so that a bad services page or inventory never reaches
 * a commit (git runs pre-merge-commit, not pre-commit, for a merge that succeeds on its own: two
 * branches that each pass can merge into a lab with a dependency cycle).
 *
 * An existing hook that vosctl did not write is never overwritten silently: without --chain or
 * --force the install refuses; --chain keeps it as NAME.vosctl-chained and runs it first;
 * --force keeps it as NAME.vosctl-saved and does not run it. Uninstall removes only our
 * hooks and puts the kept ones back. */
#include "cli.h"
#include "leak.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git_index.h"
#include "lab.h"
#include "lockfile.h"

#define HOOK_MARKER "# installed by vosctl hook"
static const char *const hook_names[] = {"pre-commit", "pre-merge-commit"};
#define CHAINED_SUFFIX ".vosctl-chained"
#define SAVED_SUFFIX ".vosctl-saved"

enum hook_kind { HOOK_NONE = 0, HOOK_OURS, HOOK_FOREIGN };

/* What is at path: nothing, our hook (the marker line near the top), or someone else's. */
static int hook_kind(const char *path)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int kind = HOOK_FOREIGN;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? HOOK_NONE : HOOK_FOREIGN;
	if (!S_ISREG(st.st_mode))
		return HOOK_FOREIGN;
	if (vos_file_read(&buf, &len, path, 1024 * 1024, NULL) == 0) {
		const char *m = strstr(buf, "\n" HOOK_MARKER "\n");
		/* the marker on the second line, right after the shebang */
		if (m && !memchr(buf, '\n', (size_t)(m - buf)))
			kind = HOOK_OURS;
	}
	free(buf);
	return kind;
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* Appends s single-quoted for sh. */
static void add_sh_quoted(struct vos_buf *b, const char *s)
{
	vos_buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			vos_buf_adds(b, "'\\''");
		else
			vos_buf_addc(b, *s);
	}
	vos_buf_addc(b, '\'');
}

/* The absolute path of the running vosctl, or NULL (caller frees). */
static char *self_path(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n <= 0 || (size_t)n >= sizeof(buf) - 1)
		return NULL;
	buf[n] = '\0';
	if (buf[0] != '/' || vos_ends_with(buf, " (deleted)"))
		return NULL;
	return vos_strdup(buf);
}

static char *hook_script(const char *name, bool strict)
{
	struct vos_buf b = VOS_BUF_INIT;
	char *self = self_path();
	vos_buf_adds(&b, "#!/bin/sh\n" HOOK_MARKER "\n");
	vos_buf_adds(&b, "# Refuses a commit whose staged services page or inventory has errors.\n"
	                 "# 'vosctl hook uninstall' removes this hook and restores the one it replaced.\n");
	vos_buf_addf(&b, "chained=\"${0%%/*}/%s" CHAINED_SUFFIX "\"\n"
	                 "if [ -x \"$chained\" ]; then\n"
	                 "\t\"$chained\" \"$@\" || exit $?\n"
	                 "fi\n", name);
	vos_buf_adds(&b, "vosctl=");
	add_sh_quoted(&b, self ? self : "vosctl");
	vos_buf_adds(&b, "\n[ -x \"$vosctl\" ] || vosctl=vosctl\n");
	vos_buf_addf(&b, "exec \"$vosctl\" hook run%s\n", strict ? " --strict" : "");
	free(self);
	return vos_buf_detach(&b, NULL);
}

/* Opens the repository around the cwd and finds its hooks directory. */
static int find_hooks_dir(char **out)
{
	struct vos_git_index *ix = NULL;
	struct vos_err oerr = VOS_ERR_INIT;
	int err = vos_git_index_open(&ix, NULL, &oerr);
	*out = NULL;
	if (err == 0)
		err = vos_git_hooks_dir(out, ix, &oerr);
	vos_git_index_free(ix);
	if (err < 0) {
		cli_error("%s", vos_err_msg(&oerr, "unable to open the repository"));
		vos_err_clear(&oerr);
		return err == VOS_ENOTFOUND ? CLI_EXIT_USAGE : CLI_EXIT_OPFAIL;
	}
	return 0;
}

static int do_rename(const char *from, const char *to)
{
	if (rename(from, to) < 0) {
		cli_error("unable to rename '%s' to '%s': %s", from, to, strerror(errno));
		return CLI_EXIT_OPFAIL;
	}
	return 0;
}

/* One hook's paths: the hook, and where a foreign one is kept. */
struct hook_paths {
	char *hook, *chained, *saved;
	int kind;
};

static void paths_init(struct hook_paths *h, const char *dir, const char *name)
{
	h->hook = vos_asprintf("%s/%s", dir, name);
	h->chained = vos_asprintf("%s%s", h->hook, CHAINED_SUFFIX);
	h->saved = vos_asprintf("%s%s", h->hook, SAVED_SUFFIX);
	h->kind = hook_kind(h->hook);
}

static void paths_release(struct hook_paths *h, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(h[i].hook);
		free(h[i].chained);
		free(h[i].saved);
	}
}

/* Writes our hook at h->hook, keeping a foreign one as kept (or NULL). Returns an exit code. */
static int install_one(const struct hook_paths *h, const char *name, const char *kept, bool chain,
                       bool strict)
{
	char *script = hook_script(name, strict);
	struct vos_err oerr = VOS_ERR_INIT;
	struct vos_lockfile lk;
	int rc = 0;
	/* HOOK.lock is 0755 from its creation, filled and synced before the foreign hook moves aside */
	if (vos_lockfile_hold(&lk, h->hook, 0755, &oerr) < 0 ||
	    vos_lockfile_write(&lk, script, strlen(script), &oerr) < 0) {
		cli_error("%s", oerr.msg);
		rc = CLI_EXIT_OPFAIL;
	} else if (kept && (rc = do_rename(h->hook, kept)) != 0) {
		vos_lockfile_rollback(&lk);
	} else if (vos_lockfile_commit(&lk, NULL, &oerr) < 0) {
		cli_error("%s", oerr.msg);
		if (kept)
			rename(kept, h->hook); /* put the user's hook back */
		rc = CLI_EXIT_OPFAIL;
	} else if (h->kind == HOOK_OURS) {
		fprintf(stderr, "vosctl: updated '%s'\n", h->hook);
	} else {
		fprintf(stderr, "vosctl: installed '%s'%s%s%s\n", h->hook,
		        kept ? (chain ? " (it runs the previous hook first, kept as '" : " (the previous hook is kept as '") : "",
		        kept ? kept : "", kept ? "')" : "");
	}
	free(script);
	vos_err_clear(&oerr);
	return rc;
}

static int hook_install(const char *dir, bool chain, bool force, bool strict)
{
	struct hook_paths h[VOS_ARRAY_SIZE(hook_names)];
	const char *kept[VOS_ARRAY_SIZE(hook_names)];
	size_t i;
	int rc = 0;

	/* every hook is checked before any is written: a refusal changes nothing */
	for (i = 0; i < VOS_ARRAY_SIZE(hook_names); i++) {
		paths_init(&h[i], dir, hook_names[i]);
		kept[i] = NULL;
		if (h[i].kind != HOOK_FOREIGN)
			continue;
		if (!chain && !force) {
			cli_error("'%s' exists and was not installed by vosctl: use --chain to run it before "
			          "vosctl, or --force to set it aside (as %s%s)", h[i].hook, hook_names[i], SAVED_SUFFIX);
			rc = CLI_EXIT_USAGE;
			continue;
		}
		kept[i] = chain ? h[i].chained : h[i].saved;
		if (exists(kept[i])) {
			cli_error("'%s' exists and so does '%s': move one of them away first", h[i].hook, kept[i]);
			rc = CLI_EXIT_USAGE;
		}
	}
	if (rc)
		goto out;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		cli_error("unable to create '%s': %s", dir, strerror(errno));
		rc = CLI_EXIT_OPFAIL;
		goto out;
	}
	for (i = 0; i < VOS_ARRAY_SIZE(hook_names) && !rc; i++)
		rc = install_one(&h[i], hook_names[i], kept[i], chain, strict);
out:
	paths_release(h, VOS_ARRAY_SIZE(hook_names));
	return rc;
}

static int hook_uninstall(const char *dir)
{
	struct hook_paths h[VOS_ARRAY_SIZE(hook_names)];
	size_t i, ours = 0, foreign = 0;
	int rc = 0;

	for (i = 0; i < VOS_ARRAY_SIZE(hook_names); i++) {
		paths_init(&h[i], dir, hook_names[i]);
		ours += h[i].kind == HOOK_OURS;
		foreign += h[i].kind == HOOK_FOREIGN;
	}
	if (!ours) {
		for (i = 0; i < VOS_ARRAY_SIZE(hook_names); i++)
			if (h[i].kind == HOOK_FOREIGN)
				cli_error("'%s' was not installed by vosctl: not removing it", h[i].hook);
		if (!foreign)
			fprintf(stderr, "vosctl: no vosctl hook in '%s': nothing to remove\n", dir);
		rc = foreign ? CLI_EXIT_USAGE : 0;
		goto out;
	}
	for (i = 0; i < VOS_ARRAY_SIZE(hook_names) && !rc; i++) {
		const char *kept = exists(h[i].chained) ? h[i].chained : exists(h[i].saved) ? h[i].saved : NULL;
		if (h[i].kind == HOOK_FOREIGN)
			fprintf(stderr, "vosctl: left '%s' in place: it was not installed by vosctl\n", h[i].hook);
		if (h[i].kind != HOOK_OURS)
			continue;
		if (unlink(h[i].hook) < 0) {
			cli_error("unable to remove '%s': %s", h[i].hook, strerror(errno));
			rc = CLI_EXIT_OPFAIL;
			break;
		}
		if (kept && (rc = do_rename(kept, h[i].hook)) != 0)
			break;
		fprintf(stderr, "vosctl: removed '%s'%s%s%s\n", h[i].hook,
		        kept ? " and restored the hook it replaced ('" : "", kept ? kept : "", kept ? "')" : "");
	}
out:
	paths_release(h, VOS_ARRAY_SIZE(hook_names));
	return rc;
}

/* ---------------------------------------------------------------- hook run */

/* path (the configuration's: absolute, or already a path of the index) as a path of the index */
static char *index_path(const struct vos_source *ix, const char *path)
{
	if (!path)
		return NULL;
	if (path[0] != '/' && ix->exists(ix, path))
		return vos_strdup(path);
	return vos_source_path(ix, path);
}

/* The hook's scope: whether a commit that changes files (paths of the index, removed files
 * included) touches the lab: its services page, any *.yaml / *.yml directly in its inventory
 * directory (the rules are inventory files), or its vosctl.yaml. Another wiki page does not. */
static bool hook_touches_lab(const struct vos_config *c, const struct vos_source *ix, char *const *files,
                             size_t n)
{
	char *page = index_path(ix, c->page), *inv = index_path(ix, c->inventory), *conf = index_path(ix, c->file);
	bool hit = false;
	size_t i;
	for (i = 0; i < n && !hit; i++) {
		const char *f = files[i], *slash = strrchr(f, '/');
		size_t dlen = slash ? (size_t)(slash - f) : 0;
		if (vos_streq(f, page) || vos_streq(f, conf))
			hit = true;
		else if (inv && (vos_ends_with(f, ".yaml") || vos_ends_with(f, ".yml")))
			hit = !strcmp(inv, ".") ? !slash : strlen(inv) == dlen && !strncmp(f, inv, dlen);
	}
	free(page);
	free(inv);
	free(conf);
	return hit;
}

/* The leak tripwire on every staged page of a commit that touches no lab file: credential shapes
 * always, and what render.redact hides as far as the staged inventory loads (an inventory with
 * errors is not this commit's business: its addresses are then not known). 0 or an error. */
static int hook_leaks(const struct vos_source *ix, const struct vos_lab_request *rq0,
                      struct vos_diags *diags, struct vos_err *err)
{
	struct vos_lab lab;
	struct vos_lab_request rq = *rq0;
	struct vos_diags scratch;
	struct vos_err lerr = VOS_ERR_INIT;
	struct vos_redact rd;
	int rc;
	vos_lab_init(&lab);
	vos_diags_init(&scratch);
	rq.parts = VOS_LAB_CONFIG | VOS_LAB_INVENTORY;
	rq.inv_src = ix;
	(void)vos_lab_load(&lab, &rq, &scratch, &lerr);
	vos_err_clear(&lerr);
	vos_diags_release(&scratch);
	vos_redact_build(&rd, &lab.config, &lab.inv);
	rc = vos_leak_scan_changed(&rd, ix, NULL, diags, err);
	vos_redact_release(&rd);
	vos_lab_release(&lab);
	return rc;
}

/* What the installed hooks run: `validate --staged` when the commit touches the lab (or
 * hook.always is set), else only the links of the staged pages. */
static int hook_run(struct cli_ctx *ctx, bool strict)
{
	char cwd[PATH_MAX];
	struct vos_source ix;
	struct vos_lab lab;
	struct vos_lab_request rq;
	struct vos_err oerr = VOS_ERR_INIT;
	char **files = NULL;
	size_t n = 0;
	bool touches;
	int err, rc;
	if ((rc = cli_ctx_load(ctx)) != 0) /* -C DIR */
		return rc;
	if (!getcwd(cwd, sizeof(cwd))) {
		cli_error("cannot get the current directory: %s", strerror(errno));
		return CLI_EXIT_OPFAIL;
	}
	if ((err = vos_source_open_index(&ix, cwd, &oerr)) < 0) {
		cli_error("hook run: %s", vos_err_msg(&oerr, "unable to open the repository"));
		vos_err_clear(&oerr);
		return cli_exit_code(err);
	}
	vos_lab_init(&lab);
	memset(&rq, 0, sizeof(rq));
	rq.parts = VOS_LAB_CONFIG;
	rq.cwd = cwd;
	rq.config_file = ctx->common.config;
	rq.config_src = &ix;
	if ((err = vos_lab_load(&lab, &rq, &ctx->diags, &oerr)) < 0 ||
	    (err = ix.changed(&ix, NULL, true, &files, &n, &oerr)) < 0) {
		if (oerr.msg)
			cli_error("hook run: %s", oerr.msg);
		cli_print_diags_text(stderr, &ctx->diags, ctx->color_err);
		vos_err_clear(&oerr);
		vos_lab_release(&lab);
		vos_source_release(&ix);
		return cli_exit_code(err);
	}
	touches = lab.config.hook_always || hook_touches_lab(&lab.config, &ix, files, n);
	vos_strv_free(files);
	vos_lab_release(&lab);
	if (touches) {
		const struct cli_command *v = cli_command_find("validate");
		const char *args[] = {"validate", "--staged", "--strict", NULL};
		struct cli_ctx vctx;
		vos_source_release(&ix);
		cli_ctx_init(&vctx, v);
		vctx.common = ctx->common;
		rc = v->fn(&vctx, strict ? 3 : 2, args);
		cli_ctx_release(&vctx);
		return rc;
	}
	/* another page: only its links (against what the index holds) and the leak tripwire */
	err = vos_lab_check_links(&ix, strict ? VOS_SEV_ERROR : VOS_SEV_WARNING, &ctx->diags, &oerr);
	if (err >= 0)
		err = hook_leaks(&ix, &rq, &ctx->diags, &oerr);
	vos_source_release(&ix);
	if (err < 0) {
		cli_error("hook run: staged pages not checked: %s", vos_err_msg(&oerr, "unable to read the index"));
		vos_err_clear(&oerr);
		return CLI_EXIT_OPFAIL;
	}
	vos_diags_sort(&ctx->diags);
	cli_print_findings(stdout, CLI_FMT_TEXT, &ctx->diags, ctx->color, "vosctl hook run");
	fprintf(stderr, "vosctl: the commit touches no file of the lab (its page, inventory or %s): "
	        "links and leaks checked, the lab not validated (hook.always: true validates every commit)\n",
	        VOS_CONFIG_NAME);
	return ctx->diags.errors ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAN;
}

int cli_cmd_hook(struct cli_ctx *ctx, int argc, const char **argv)
{
	int chain = 0, force = 0, strict = 0, n, rc;
	char *dir = NULL;
	struct cli_opt opts[] = {
		CLI_OPT_GROUP("install"),
		CLI_OPT_FLAG(0, "chain", &chain, "keep existing hooks and run them before vosctl"),
		CLI_OPT_FLAG(0, "force", &force, "set existing hooks aside (NAME.vosctl-saved)"),
		CLI_OPT_FLAG(0, "strict", &strict, "the hook treats warnings (e.g. broken wiki links) as errors"),
		CLI_OPT_END(),
	};
	n = cli_parse_options(ctx, argc, argv, opts);
	if (n < 0)
		return n == -2 ? 0 : CLI_EXIT_USAGE;
	if (n != 1 || (strcmp(argv[0], "install") && strcmp(argv[0], "uninstall") && strcmp(argv[0], "run"))) {
		if (n >= 1)
			cli_error("unknown hook action '%s' (install, uninstall or run)", argv[0]);
		else
			cli_error("missing hook action (install, uninstall or run)");
		fprintf(stderr, "usage: %s\n", ctx->cmd->usage);
		return CLI_EXIT_USAGE;
	}
	if (chain && force) {
		cli_error("--chain and --force cannot be used together");
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[0], "uninstall") && (chain || force || strict)) {
		cli_error("'hook uninstall' takes no options");
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[0], "run")) {
		if (chain || force) {
			cli_error("'hook run' takes only --strict");
			return CLI_EXIT_USAGE;
		}
		return hook_run(ctx, strict);
	}
	if ((rc = cli_ctx_load(ctx)) != 0) /* -C DIR */
		return rc;
	if ((rc = find_hooks_dir(&dir)) != 0)
		return rc;
	if (!strcmp(argv[0], "install"))
		rc = hook_install(dir, chain, force, strict);
	else
		rc = hook_uninstall(dir);
	free(dir);
	return rc;
}
