/* hook.c - vosctl hook install | uninstall: the wiki repository's pre-commit hook, which runs
 * `vosctl validate --staged` so that a bad services page or inventory never reaches a commit.
 *
 * An existing hook that vosctl did not write is never overwritten silently: without --chain or
 * --force the install refuses; --chain keeps it as pre-commit.vosctl-chained and runs it first;
 * --force keeps it as pre-commit.vosctl-saved and does not run it. Uninstall removes only our
 * hook and puts the kept one back. */
#include "cmd.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git_index.h"

#define HOOK_MARKER "# installed by vosctl hook"
#define HOOK_NAME "pre-commit"
#define CHAINED_SUFFIX ".vosctl-chained"
#define SAVED_SUFFIX ".vosctl-saved"

enum hook_kind { HOOK_NONE = 0, HOOK_OURS, HOOK_FOREIGN };

/* What is at path: nothing, our hook (the marker line near the top), or someone else's. */
static int hook_kind(const char *path)
{
	struct stat st;
	char *buf = NULL, *msg = NULL;
	size_t len = 0;
	int kind = HOOK_FOREIGN;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? HOOK_NONE : HOOK_FOREIGN;
	if (!S_ISREG(st.st_mode))
		return HOOK_FOREIGN;
	if (vos_file_read(&buf, &len, path, 1024 * 1024, &msg) == 0) {
		const char *m = strstr(buf, "\n" HOOK_MARKER "\n");
		/* the marker on the second line, right after the shebang */
		if (m && !memchr(buf, '\n', (size_t)(m - buf)))
			kind = HOOK_OURS;
	}
	free(buf);
	free(msg);
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

static char *hook_script(bool strict)
{
	struct vos_buf b = VOS_BUF_INIT;
	char *self = self_path();
	vos_buf_adds(&b, "#!/bin/sh\n" HOOK_MARKER "\n");
	vos_buf_adds(&b, "# Refuses a commit whose staged services page or inventory has errors.\n"
	                 "# 'vosctl hook uninstall' removes this hook and restores the one it replaced.\n");
	vos_buf_adds(&b, "chained=\"${0%/*}/" HOOK_NAME CHAINED_SUFFIX "\"\n"
	                 "if [ -x \"$chained\" ]; then\n"
	                 "\t\"$chained\" \"$@\" || exit $?\n"
	                 "fi\n");
	vos_buf_adds(&b, "vosctl=");
	add_sh_quoted(&b, self ? self : "vosctl");
	vos_buf_adds(&b, "\n[ -x \"$vosctl\" ] || vosctl=vosctl\n");
	vos_buf_addf(&b, "exec \"$vosctl\" validate --staged%s\n", strict ? " --strict" : "");
	free(self);
	return vos_buf_detach(&b, NULL);
}

/* Opens the repository around the cwd and finds its hooks directory. */
static int find_hooks_dir(char **out)
{
	struct vos_git_index *ix = NULL;
	char *msg = NULL;
	int err = vos_git_index_open(&ix, NULL, &msg);
	*out = NULL;
	if (err == 0)
		err = vos_git_hooks_dir(out, ix, &msg);
	vos_git_index_free(ix);
	if (err < 0) {
		vos_error("%s", msg ? msg : "unable to open the repository");
		free(msg);
		return err == VOS_ENOTFOUND ? EXIT_USAGE : EXIT_OPFAIL;
	}
	return 0;
}

static int do_rename(const char *from, const char *to)
{
	if (rename(from, to) < 0) {
		vos_error("unable to rename '%s' to '%s': %s", from, to, strerror(errno));
		return EXIT_OPFAIL;
	}
	return 0;
}

static int hook_install(const char *dir, bool chain, bool force, bool strict)
{
	char *hook = vos_asprintf("%s/%s", dir, HOOK_NAME);
	char *chained = vos_asprintf("%s%s", hook, CHAINED_SUFFIX);
	char *saved = vos_asprintf("%s%s", hook, SAVED_SUFFIX);
	char *script = NULL, *msg = NULL;
	const char *kept = NULL;
	int kind = hook_kind(hook), rc = 0;

	if (kind == HOOK_FOREIGN) {
		if (!chain && !force) {
			vos_error("'%s' exists and was not installed by vosctl: use --chain to run it before "
			          "vosctl, or --force to set it aside (as %s%s)", hook, HOOK_NAME, SAVED_SUFFIX);
			rc = EXIT_USAGE;
			goto out;
		}
		kept = chain ? chained : saved;
		if (exists(kept)) {
			vos_error("'%s' exists and so does '%s': move one of them away first", hook, kept);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		vos_error("unable to create '%s': %s", dir, strerror(errno));
		rc = EXIT_OPFAIL;
		goto out;
	}
	if (kept && (rc = do_rename(hook, kept)) != 0)
		goto out;
	script = hook_script(strict);
	if (vos_file_write_atomic(hook, script, strlen(script), &msg) < 0 || chmod(hook, 0755) < 0) {
		vos_error("%s", msg ? msg : strerror(errno));
		if (kept)
			rename(kept, hook); /* put the user's hook back */
		rc = EXIT_OPFAIL;
		goto out;
	}
	if (kind == HOOK_OURS)
		fprintf(stderr, "vosctl: updated '%s'\n", hook);
	else
		fprintf(stderr, "vosctl: installed '%s'%s%s%s\n", hook,
		        kept ? (chain ? " (it runs the previous hook first, kept as '" : " (the previous hook is kept as '") : "",
		        kept ? kept : "", kept ? "')" : "");
out:
	free(hook);
	free(chained);
	free(saved);
	free(script);
	free(msg);
	return rc;
}

static int hook_uninstall(const char *dir)
{
	char *hook = vos_asprintf("%s/%s", dir, HOOK_NAME);
	char *chained = vos_asprintf("%s%s", hook, CHAINED_SUFFIX);
	char *saved = vos_asprintf("%s%s", hook, SAVED_SUFFIX);
	const char *kept = exists(chained) ? chained : exists(saved) ? saved : NULL;
	int kind = hook_kind(hook), rc = 0;

	if (kind == HOOK_NONE) {
		fprintf(stderr, "vosctl: no pre-commit hook in '%s': nothing to remove\n", dir);
		goto out;
	}
	if (kind == HOOK_FOREIGN) {
		vos_error("'%s' was not installed by vosctl: not removing it", hook);
		rc = EXIT_USAGE;
		goto out;
	}
	if (unlink(hook) < 0) {
		vos_error("unable to remove '%s': %s", hook, strerror(errno));
		rc = EXIT_OPFAIL;
		goto out;
	}
	if (kept && (rc = do_rename(kept, hook)) != 0)
		goto out;
	fprintf(stderr, "vosctl: removed '%s'%s%s%s\n", hook, kept ? " and restored the hook it replaced ('" : "",
	        kept ? kept : "", kept ? "')" : "");
out:
	free(hook);
	free(chained);
	free(saved);
	return rc;
}

int cmd_hook(struct vos_ctx *ctx, int argc, const char **argv)
{
	int chain = 0, force = 0, strict = 0, n, rc;
	char *dir = NULL;
	struct vos_opt opts[] = {
		OPT_GROUP("install"),
		OPT_FLAG(0, "chain", &chain, "keep an existing pre-commit hook and run it before vosctl"),
		OPT_FLAG(0, "force", &force, "set an existing pre-commit hook aside (pre-commit.vosctl-saved)"),
		OPT_FLAG(0, "strict", &strict, "the hook treats warnings (e.g. broken wiki links) as errors"),
		OPT_END(),
	};
	n = vos_parse_options(ctx, argc, argv, opts);
	if (n < 0)
		return n == -2 ? 0 : EXIT_USAGE;
	if (n != 1 || (strcmp(argv[0], "install") && strcmp(argv[0], "uninstall"))) {
		if (n >= 1)
			vos_error("unknown hook action '%s' (install or uninstall)", argv[0]);
		else
			vos_error("missing hook action (install or uninstall)");
		fprintf(stderr, "usage: %s\n", ctx->cmd->usage);
		return EXIT_USAGE;
	}
	if (chain && force) {
		vos_error("--chain and --force cannot be used together");
		return EXIT_USAGE;
	}
	if (!strcmp(argv[0], "uninstall") && (chain || force || strict)) {
		vos_error("'hook uninstall' takes no options");
		return EXIT_USAGE;
	}
	if ((rc = vos_ctx_load(ctx)) != 0) /* -C DIR */
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
