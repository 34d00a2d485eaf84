/* vosctl.c - main(): the command table, option parsing and the shared setup. */
#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct vos_command vos_commands[] = {
	{"validate", cmd_validate, CMD_NEEDS_MODEL, "vosctl validate [options]",
	 "check the services page and the inventory against the rules"},
	{"show", cmd_show, CMD_NEEDS_MODEL, "vosctl show [options]",
	 "print the merged model (hosts, services, rules)"},
	{"probe", cmd_probe, CMD_NEEDS_MODEL, "vosctl probe [options]",
	 "check every declared port of the lab at once"},
	{"render", cmd_render, CMD_NEEDS_MODEL, "vosctl render [--check | --write] [options]",
	 "write the reconciled wiki pages from the model"},
	{"publish", cmd_publish, CMD_NEEDS_CONFIG | CMD_NEEDS_INVENTORY, "vosctl publish [options]",
	 "commit the rendered pages to the wiki repository and push them"},
	{"hook", cmd_hook, 0, "vosctl hook (install | uninstall) [options]",
	 "install the wiki repository's pre-commit and pre-merge-commit hooks", 1},
	{"graph", cmd_graph, CMD_NEEDS_MODEL, "vosctl graph [--format dot|mermaid] [options]",
	 "draw hosts, services and dependencies"},
	{"help", cmd_help, 0, "vosctl help [COMMAND]", "show help for vosctl or a command", 1},
	{"version", cmd_version, 0, "vosctl version", "print the version"},
	{NULL, NULL, 0, NULL, NULL, 0},
};

const struct vos_command *vos_command_find(const char *name)
{
	const struct vos_command *c;
	for (c = vos_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* ------------------------------------------------------------------ messages */

void vos_error(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fputs("vosctl: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void vos_warning(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fputs("vosctl: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int vos_finish_output(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno;
		fprintf(stderr, "vosctl: error: unable to write output: %s\n",
		        e ? strerror(e) : "write error");
		return EXIT_OPFAIL;
	}
	return rc;
}

int vos_exit_code(int err)
{
	switch (err) {
	case VOS_OK: return EXIT_CLEAN;
	case VOS_EINPUT: case VOS_ENOTFOUND: return EXIT_USAGE;
	default: return EXIT_OPFAIL;
	}
}

void vos_print_diags_text(FILE *f, const struct vos_diags *d, bool color)
{
	struct vos_arena a; /* escaped copies of what has control characters (a page edit can) */
	size_t i;
	vos_arena_init(&a);
	for (i = 0; i < d->n; i++) {
		const struct vos_diag *x = &d->items[i];
		const char *sc = "", *reset = "", *bold = "";
		const char *file = vos_arena_escaped(&a, x->file), *rel_file = vos_arena_escaped(&a, x->rel_file);
		if (color) {
			sc = x->severity == VOS_SEV_ERROR ? "\033[1;31m"
			     : x->severity == VOS_SEV_WARNING ? "\033[1;35m" : "\033[1;36m";
			reset = "\033[0m";
			bold = "\033[1m";
		}
		if (file && x->line)
			fprintf(f, "%s%s:%u:%u:%s ", bold, file, x->line, x->col ? x->col : 1, reset);
		else if (file)
			fprintf(f, "%s%s:%s ", bold, file, reset);
		else
			fprintf(f, "vosctl: ");
		fprintf(f, "%s%s:%s [%s] %s\n", sc, vos_severity_name(x->severity), reset,
		        vos_arena_escaped(&a, x->rule), vos_arena_escaped(&a, x->message));
		if (rel_file && x->rel_line)
			fprintf(f, "%s%s:%u:%u:%s %snote:%s see also\n", bold, rel_file, x->rel_line,
			        x->rel_col ? x->rel_col : 1, reset, color ? "\033[1;36m" : "", reset);
	}
	vos_arena_release(&a);
	if (d->dropped)
		fprintf(f, "vosctl: note: %zu more diagnostics not shown\n", d->dropped);
}

/* ------------------------------------------------------------------ options */

void vos_strlist_add(struct vos_strlist *l, const char *s)
{
	*VOS_PUSH(l->items, l->n, l->alloc) = s;
}

void vos_strlist_release(struct vos_strlist *l)
{
	free(l->items);
	memset(l, 0, sizeof(*l));
}

static const struct vos_opt *common_opts(struct vos_ctx *ctx)
{
	static struct vos_opt opts[9];
	struct vos_opt o[] = {
		OPT_GROUP("where the lab is"),
		OPT_STRING('c', "config", &ctx->common.config, "FILE", "use this vosctl.yaml"),
		OPT_STRING('C', "directory", &ctx->common.chdir, "DIR", "run as if started in DIR"),
		OPT_STRING(0, "page", &ctx->common.page, "FILE", "the services page (overrides vosctl.yaml)"),
		OPT_STRING(0, "inventory", &ctx->common.inventory, "DIR", "the inventory directory (overrides vosctl.yaml)"),
		OPT_END(),
	};
	memcpy(opts, o, sizeof(o));
	return opts;
}

static void usage_opts(const struct vos_opt *o, FILE *f)
{
	for (; o && o->type != VOS_OPT_END; o++) {
		char left[64];
		int n = 0;
		if (o->type == VOS_OPT_GROUP) {
			fprintf(f, "\n%s:\n", o->help);
			continue;
		}
		if (o->short_name && o->long_name)
			n = snprintf(left, sizeof(left), "-%c, --%s", o->short_name, o->long_name);
		else if (o->short_name)
			n = snprintf(left, sizeof(left), "-%c", o->short_name);
		else
			n = snprintf(left, sizeof(left), "    --%s", o->long_name);
		if (o->argname && n > 0 && (size_t)n < sizeof(left))
			snprintf(left + n, sizeof(left) - (size_t)n, " %s", o->argname);
		fprintf(f, "    %-28s %s\n", left, o->help);
	}
}

void vos_usage(const struct vos_ctx *ctx, const struct vos_opt *opts, FILE *f)
{
	fprintf(f, "usage: %s\n", ctx->cmd->usage);
	fprintf(f, "\n%s\n", ctx->cmd->summary);
	usage_opts(opts, f);
	if (ctx->cmd->flags & (CMD_NEEDS_MODEL | CMD_NEEDS_CONFIG))
		usage_opts(common_opts((struct vos_ctx *)ctx), f);
	fprintf(f, "\n    %-28s %s\n", "-h, --help", "show this help");
}

static const struct vos_opt *find_opt(const struct vos_opt *o, char s, const char *l, size_t llen)
{
	for (; o && o->type != VOS_OPT_END; o++) {
		if (o->type == VOS_OPT_GROUP)
			continue;
		if (s && o->short_name == s)
			return o;
		if (l && o->long_name && strlen(o->long_name) == llen && !strncmp(o->long_name, l, llen))
			return o;
	}
	return NULL;
}

static int set_opt(const struct vos_opt *o, const char *arg, const char *spelled)
{
	switch (o->type) {
	case VOS_OPT_FLAG:
		*(int *)o->value = 1;
		return 0;
	case VOS_OPT_STRING:
		*(const char **)o->value = arg;
		return 0;
	case VOS_OPT_LIST:
		vos_strlist_add(o->value, arg);
		return 0;
	case VOS_OPT_INT: {
		char *end;
		long v;
		errno = 0;
		v = strtol(arg, &end, 10);
		if (!*arg || *end || errno || v < INT_MIN || v > INT_MAX) {
			vos_error("option '%s' expects a number, not '%s'", spelled, arg);
			return -1;
		}
		*(int *)o->value = (int)v;
		return 0;
	}
	}
	return -1;
}

int vos_parse_options(struct vos_ctx *ctx, int argc, const char **argv, const struct vos_opt *opts)
{
	const struct vos_opt *common = NULL;
	int i, nargs = 0;
	bool dashdash = false;
	if (ctx->cmd->flags & (CMD_NEEDS_MODEL | CMD_NEEDS_CONFIG))
		common = common_opts(ctx);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct vos_opt *o;
		char spelled[64];
		if (dashdash || a[0] != '-' || !a[1]) {
			argv[nargs++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			dashdash = true;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			vos_usage(ctx, opts, stdout);
			return -2;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			o = find_opt(opts, 0, name, len);
			if (!o)
				o = find_opt(common, 0, name, len);
			snprintf(spelled, sizeof(spelled), "--%.*s", (int)(len > 40 ? 40 : len), name);
			if (!o) {
				vos_error("unknown option '%s'", spelled);
				fprintf(stderr, "usage: %s (see 'vosctl %s --help')\n", ctx->cmd->usage, ctx->cmd->name);
				return -1;
			}
			if (o->type == VOS_OPT_FLAG) {
				if (eq) {
					vos_error("option '%s' takes no value", spelled);
					return -1;
				}
				set_opt(o, NULL, spelled);
				continue;
			}
			if (eq) {
				if (set_opt(o, eq + 1, spelled) < 0)
					return -1;
				continue;
			}
			if (i + 1 >= argc) {
				vos_error("option '%s' requires a value", spelled);
				return -1;
			}
			if (set_opt(o, argv[++i], spelled) < 0)
				return -1;
			continue;
		}
		/* short options, possibly bundled: -qv, -cFILE, -c FILE */
		for (const char *p = a + 1; *p; p++) {
			o = find_opt(opts, *p, NULL, 0);
			if (!o)
				o = find_opt(common, *p, NULL, 0);
			snprintf(spelled, sizeof(spelled), "-%c", *p);
			if (!o) {
				vos_error("unknown option '%s'", spelled);
				fprintf(stderr, "usage: %s (see 'vosctl %s --help')\n", ctx->cmd->usage, ctx->cmd->name);
				return -1;
			}
			if (o->type == VOS_OPT_FLAG) {
				set_opt(o, NULL, spelled);
				continue;
			}
			if (p[1]) {
				if (set_opt(o, p + 1, spelled) < 0)
					return -1;
			} else if (i + 1 < argc) {
				if (set_opt(o, argv[++i], spelled) < 0)
					return -1;
			} else {
				vos_error("option '%s' requires a value", spelled);
				return -1;
			}
			break;
		}
	}
	argv[nargs] = NULL;
	if (nargs > ctx->cmd->max_args) {
		vos_error("unexpected argument '%s'", argv[ctx->cmd->max_args]);
		fprintf(stderr, "usage: %s (see 'vosctl %s --help')\n", ctx->cmd->usage, ctx->cmd->name);
		return -1;
	}
	return nargs;
}

/* ------------------------------------------------------------------ setup */

static void print_input_errors(struct vos_ctx *ctx)
{
	vos_diags_sort(&ctx->diags);
	fflush(stdout);
	vos_print_diags_text(stderr, &ctx->diags, ctx->color_err);
}

/* -C DIR, then the working directory into cwd; 0 or an exit code (the error already said) */
static int enter_dir(struct vos_ctx *ctx, char *cwd, size_t n)
{
	if (ctx->common.chdir && chdir(ctx->common.chdir) < 0) {
		vos_error("cannot change to '%s': %s", ctx->common.chdir, strerror(errno));
		return EXIT_USAGE;
	}
	if (!getcwd(cwd, n)) {
		vos_error("cannot get the current directory: %s", strerror(errno));
		return EXIT_OPFAIL;
	}
	return 0;
}

/* The one load every command makes (lib/lab.c), from src (NULL: the work tree); prints what
 * went wrong and returns an exit code. */
static int ctx_load_from(struct vos_ctx *ctx, const char *cwd, const struct vos_source *src)
{
	struct vos_lab_request rq;
	char *msg = NULL;
	int err;
	memset(&rq, 0, sizeof(rq));
	rq.parts = ctx->cmd->flags & CMD_NEEDS_MODEL       ? VOS_LAB_MODEL
	           : ctx->cmd->flags & CMD_NEEDS_INVENTORY ? VOS_LAB_CONFIG | VOS_LAB_INVENTORY
	                                                   : VOS_LAB_CONFIG;
	rq.cwd = cwd;
	rq.config_file = ctx->common.config;
	rq.page = ctx->common.page;
	rq.inventory = ctx->common.inventory;
	rq.config_src = rq.page_src = rq.inv_src = src;
	rq.check_links = src != NULL; /* links of staged pages to pages the index lacks: warnings */
	err = vos_lab_load(&ctx->lab, &rq, &ctx->diags, &msg);
	if (ctx->lab.have_notices && ctx->lab.notices.n) {
		fflush(stdout);
		vos_print_diags_text(stderr, &ctx->lab.notices, ctx->color_err);
	}
	if (ctx->lab.warning)
		vos_warning("--staged: %s", ctx->lab.warning);
	if (err < 0) {
		if (msg)
			vos_error("%s", msg);
		else
			print_input_errors(ctx);
		free(msg);
		return vos_exit_code(err);
	}
	return 0;
}

int vos_ctx_load(struct vos_ctx *ctx)
{
	char cwd[PATH_MAX];
	int rc;
	if ((rc = enter_dir(ctx, cwd, sizeof(cwd))) != 0)
		return rc;
	if (!(ctx->cmd->flags & (CMD_NEEDS_CONFIG | CMD_NEEDS_MODEL)))
		return 0;
	return ctx_load_from(ctx, cwd, NULL);
}

int vos_ctx_load_staged(struct vos_ctx *ctx)
{
	char cwd[PATH_MAX];
	struct vos_source ix;
	char *msg = NULL;
	int err, rc;
	if ((rc = enter_dir(ctx, cwd, sizeof(cwd))) != 0)
		return rc;
	if ((err = vos_source_open_index(&ix, cwd, &msg)) < 0) {
		vos_error("--staged: %s", msg ? msg : "unable to open the repository");
		free(msg);
		return vos_exit_code(err);
	}
	rc = ctx_load_from(ctx, cwd, &ix);
	vos_source_release(&ix);
	return rc;
}

void vos_ctx_release(struct vos_ctx *ctx)
{
	vos_lab_release(&ctx->lab);
	vos_diags_release(&ctx->diags);
}

/* ------------------------------------------------------------------ help */

static void main_usage(FILE *f)
{
	const struct vos_command *c;
	fprintf(f, "usage: vosctl [-C DIR] [-c FILE] COMMAND [options]\n\n"
	           "Keeps a homelab honest: the wiki's services page and the YAML inventory become\n"
	           "one model, checked against placement rules, probed, and published back.\n\n"
	           "commands:\n");
	for (c = vos_commands; c->name; c++)
		fprintf(f, "    %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nexit codes: 0 clean, 1 findings, 2 usage error or unusable input, 3 operational failure\n"
	           "'vosctl help COMMAND' or 'vosctl COMMAND --help' describes a command.\n");
}

int cmd_help(struct vos_ctx *ctx, int argc, const char **argv)
{
	struct vos_opt opts[] = {OPT_END()};
	int n = vos_parse_options(ctx, argc, argv, opts);
	if (n < 0)
		return n == -2 ? 0 : EXIT_USAGE;
	if (n == 0) {
		main_usage(stdout);
		return 0;
	}
	if (!vos_command_find(argv[0])) {
		vos_error("'%s' is not a vosctl command; see 'vosctl help'", argv[0]);
		return EXIT_USAGE;
	}
	{
		/* run the command with --help: its own table prints its usage */
		const char *sub[] = {argv[0], "--help", NULL};
		struct vos_ctx sctx;
		int rc;
		memset(&sctx, 0, sizeof(sctx));
		sctx.cmd = vos_command_find(argv[0]);
		rc = sctx.cmd->fn(&sctx, 2, sub);
		vos_ctx_release(&sctx);
		return rc;
	}
}

int cmd_version(struct vos_ctx *ctx, int argc, const char **argv)
{
	struct vos_opt opts[] = {OPT_END()};
	int n = vos_parse_options(ctx, argc, argv, opts);
	if (n < 0)
		return n == -2 ? 0 : EXIT_USAGE;
	printf("vosctl %s\n", vos_version());
	return 0;
}

int main(int argc, const char **argv)
{
	struct vos_ctx ctx;
	const char *cfg = NULL, *dir = NULL;
	int i = 1, rc, fd;

	/* a closed stdin, stdout or stderr must not be taken by a file or socket opened later (output
	 * would land in it): hold each with /dev/null opened read-only, so that writes still fail */
	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int nfd = open("/dev/null", O_RDONLY);
			if (nfd > 2)
				close(nfd);
		}

	/* global options before the command: -C DIR, -c FILE, --version, --help */
	while (i < argc && argv[i][0] == '-') {
		const char *a = argv[i];
		if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
			printf("vosctl %s\n", vos_version());
			return vos_finish_output(0);
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			main_usage(stdout);
			return vos_finish_output(0);
		}
		if ((!strcmp(a, "-C") || !strcmp(a, "-c")) && i + 1 < argc) {
			if (a[1] == 'C')
				dir = argv[i + 1];
			else
				cfg = argv[i + 1];
			i += 2;
			continue;
		}
		vos_error("unknown option '%s'", a);
		main_usage(stderr);
		return EXIT_USAGE;
	}
	if (i >= argc) {
		main_usage(stderr);
		return EXIT_USAGE;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.cmd = vos_command_find(argv[i]);
	if (!ctx.cmd) {
		vos_error("'%s' is not a vosctl command; see 'vosctl help'", argv[i]);
		return EXIT_USAGE;
	}
	ctx.common.config = cfg;
	ctx.common.chdir = dir;
	{
		const char *nc = getenv("NO_COLOR");
		bool nocolor = nc && *nc;
		ctx.color = !nocolor && isatty(1);
		ctx.color_err = !nocolor && isatty(2);
	}
	vos_diags_init(&ctx.diags);
	rc = ctx.cmd->fn(&ctx, argc - i, argv + i);
	vos_ctx_release(&ctx);
	return vos_finish_output(rc);
}
