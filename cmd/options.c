/* options.c - the table-driven option parser: the command's options plus the common ones of the
 * commands that load a lab; the usage text is printed from the same tables. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

void cli_strlist_add(struct cli_strlist *l, const char *s)
{
	*VOS_PUSH(l->items, l->n, l->alloc) = s;
}

void cli_strlist_release(struct cli_strlist *l)
{
	free(l->items);
	memset(l, 0, sizeof(*l));
}

static const struct cli_opt *common_opts(struct cli_ctx *ctx)
{
	static struct cli_opt opts[9];
	struct cli_opt o[] = {
		CLI_OPT_GROUP("where the lab is"),
		CLI_OPT_STRING('c', "config", &ctx->common.config, "FILE", "use this vosctl.yaml"),
		CLI_OPT_STRING('C', "directory", &ctx->common.chdir, "DIR", "run as if started in DIR"),
		CLI_OPT_STRING(0, "page", &ctx->common.page, "FILE", "the services page (overrides vosctl.yaml)"),
		CLI_OPT_STRING(0, "inventory", &ctx->common.inventory, "DIR", "the inventory directory (overrides vosctl.yaml)"),
		CLI_OPT_END(),
	};
	memcpy(opts, o, sizeof(o));
	return opts;
}

static void usage_opts(const struct cli_opt *o, FILE *f)
{
	for (; o && o->type != CLI_OPT_TYPE_END; o++) {
		char left[64];
		int n = 0;
		if (o->type == CLI_OPT_TYPE_GROUP) {
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

void cli_usage(const struct cli_ctx *ctx, const struct cli_opt *opts, FILE *f)
{
	fprintf(f, "usage: %s\n", ctx->cmd->usage);
	fprintf(f, "\n%s\n", ctx->cmd->summary);
	usage_opts(opts, f);
	if (ctx->cmd->flags & (CLI_NEEDS_MODEL | CLI_NEEDS_CONFIG))
		usage_opts(common_opts((struct cli_ctx *)ctx), f);
	fprintf(f, "\n    %-28s %s\n", "-h, --help", "show this help");
}

static const struct cli_opt *find_opt(const struct cli_opt *o, char s, const char *l, size_t llen)
{
	for (; o && o->type != CLI_OPT_TYPE_END; o++) {
		if (o->type == CLI_OPT_TYPE_GROUP)
			continue;
		if (s && o->short_name == s)
			return o;
		if (l && o->long_name && strlen(o->long_name) == llen && !strncmp(o->long_name, l, llen))
			return o;
	}
	return NULL;
}

static int set_opt(const struct cli_opt *o, const char *arg, const char *spelled)
{
	switch (o->type) {
	case CLI_OPT_TYPE_FLAG:
		*(int *)o->value = 1;
		return 0;
	case CLI_OPT_TYPE_STRING:
		*(const char **)o->value = arg;
		return 0;
	case CLI_OPT_TYPE_LIST:
		cli_strlist_add(o->value, arg);
		return 0;
	case CLI_OPT_TYPE_INT: {
		char *end;
		long v;
		errno = 0;
		v = strtol(arg, &end, 10);
		if (!*arg || *end || errno || v < INT_MIN || v > INT_MAX) {
			cli_error("option '%s' expects a number, not '%s'", spelled, arg);
			return -1;
		}
		*(int *)o->value = (int)v;
		return 0;
	}
	case CLI_OPT_TYPE_END:
	case CLI_OPT_TYPE_GROUP:
		break;
	}
	return -1;
}

int cli_parse_options(struct cli_ctx *ctx, int argc, const char **argv, const struct cli_opt *opts)
{
	const struct cli_opt *common = NULL;
	int i, nargs = 0;
	bool dashdash = false;
	if (ctx->cmd->flags & (CLI_NEEDS_MODEL | CLI_NEEDS_CONFIG))
		common = common_opts(ctx);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct cli_opt *o;
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
			cli_usage(ctx, opts, stdout);
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
				cli_error("unknown option '%s'", spelled);
				fprintf(stderr, "usage: %s (see 'vosctl %s --help')\n", ctx->cmd->usage, ctx->cmd->name);
				return -1;
			}
			if (o->type == CLI_OPT_TYPE_FLAG) {
				if (eq) {
					cli_error("option '%s' takes no value", spelled);
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
				cli_error("option '%s' requires a value", spelled);
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
				cli_error("unknown option '%s'", spelled);
				fprintf(stderr, "usage: %s (see 'vosctl %s --help')\n", ctx->cmd->usage, ctx->cmd->name);
				return -1;
			}
			if (o->type == CLI_OPT_TYPE_FLAG) {
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
				cli_error("option '%s' requires a value", spelled);
				return -1;
			}
			break;
		}
	}
	argv[nargs] = NULL;
	if (nargs > ctx->cmd->max_args) {
		cli_error("unexpected argument '%s'", argv[ctx->cmd->max_args]);
		fprintf(stderr, "usage: %s (see 'vosctl %s --help')\n", ctx->cmd->usage, ctx->cmd->name);
		return -1;
	}
	return nargs;
}
