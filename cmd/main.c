/* main.c - main(): the global options, the command table and its dispatch; help and version. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

const struct cli_command cli_commands[] = {
	{"validate", cli_cmd_validate, CLI_NEEDS_MODEL, "vosctl validate [options]",
	 "check the services page and the inventory against the rules"},
	{"show", cli_cmd_show, CLI_NEEDS_MODEL, "vosctl show [options]",
	 "print the merged model (hosts, services, rules)"},
	{"probe", cli_cmd_probe, CLI_NEEDS_MODEL, "vosctl probe [options]",
	 "check every declared port of the lab at once"},
	{"render", cli_cmd_render, CLI_NEEDS_MODEL, "vosctl render [--check | --write] [options]",
	 "write the reconciled wiki pages from the model"},
	{"publish", cli_cmd_publish, CLI_NEEDS_CONFIG | CLI_NEEDS_INVENTORY, "vosctl publish [options]",
	 "commit the rendered pages to the wiki repository and push them"},
	{"hook", cli_cmd_hook, 0, "vosctl hook (install | uninstall) [options]",
	 "install the wiki repository's pre-commit and pre-merge-commit hooks", 1},
	{"export", cli_cmd_export, CLI_NEEDS_MODEL,
	 "vosctl export (gatus | prometheus | homepage | ansible) [--output PATH] [--check] [options]",
	 "write the lab as Gatus, Prometheus/blackbox, Homepage or Ansible configuration", 1},
	{"graph", cli_cmd_graph, CLI_NEEDS_MODEL, "vosctl graph [--format dot|mermaid] [options]",
	 "draw hosts, services and dependencies"},
	{"init", cli_cmd_init, 0, "vosctl init PAGE [--units DIR] [--homepage FILE] [--dir DIR]",
	 "write a starting lab (vosctl.yaml, inventory/) from an existing services page", 1},
	{"explain", cli_cmd_explain, CLI_NEEDS_MODEL, "vosctl explain [RULE-ID] [options]",
	 "explain a check: what it checks, the page text it enforces, why, how to fix", 1},
	{"help", cli_cmd_help, 0, "vosctl help [COMMAND]", "show help for vosctl or a command", 1},
	{"version", cli_cmd_version, 0, "vosctl version", "print the version"},
	{NULL, NULL, 0, NULL, NULL, 0},
};

const struct cli_command *cli_command_find(const char *name)
{
	const struct cli_command *c;
	for (c = cli_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* ------------------------------------------------------------------ help */

static void main_usage(FILE *f)
{
	const struct cli_command *c;
	fprintf(f, "usage: vosctl [-C DIR] [-c FILE] COMMAND [options]\n\n"
	           "Keeps a homelab honest: the wiki's services page and the YAML inventory become\n"
	           "one model, checked against placement rules, probed, and published back.\n\n"
	           "commands:\n");
	for (c = cli_commands; c->name; c++)
		fprintf(f, "    %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nexit codes: 0 clean, 1 findings, 2 usage error or unusable input, 3 operational failure\n"
	           "'vosctl help COMMAND' or 'vosctl COMMAND --help' describes a command.\n");
}

int cli_cmd_help(struct cli_ctx *ctx, int argc, const char **argv)
{
	struct cli_opt opts[] = {CLI_OPT_END()};
	int n = cli_parse_options(ctx, argc, argv, opts);
	if (n < 0)
		return n == -2 ? 0 : CLI_EXIT_USAGE;
	if (n == 0) {
		main_usage(stdout);
		return 0;
	}
	if (!cli_command_find(argv[0])) {
		cli_error("'%s' is not a vosctl command; see 'vosctl help'", argv[0]);
		return CLI_EXIT_USAGE;
	}
	{
		/* run the command with --help: its own table prints its usage */
		const char *sub[] = {argv[0], "--help", NULL};
		struct cli_ctx sctx;
		int rc;
		cli_ctx_init(&sctx, cli_command_find(argv[0]));
		rc = sctx.cmd->fn(&sctx, 2, sub);
		cli_ctx_release(&sctx);
		return rc;
	}
}

int cli_cmd_version(struct cli_ctx *ctx, int argc, const char **argv)
{
	struct cli_opt opts[] = {CLI_OPT_END()};
	int n = cli_parse_options(ctx, argc, argv, opts);
	if (n < 0)
		return n == -2 ? 0 : CLI_EXIT_USAGE;
	printf("vosctl %s\n", vos_version());
	return 0;
}

int main(int argc, const char **argv)
{
	struct cli_ctx ctx;
	const struct cli_command *cmd;
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
			return cli_finish_output(0);
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			main_usage(stdout);
			return cli_finish_output(0);
		}
		if ((!strcmp(a, "-C") || !strcmp(a, "-c")) && i + 1 < argc) {
			if (a[1] == 'C')
				dir = argv[i + 1];
			else
				cfg = argv[i + 1];
			i += 2;
			continue;
		}
		cli_error("unknown option '%s'", a);
		main_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (i >= argc) {
		main_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	cmd = cli_command_find(argv[i]);
	if (!cmd) {
		cli_error("'%s' is not a vosctl command; see 'vosctl help'", argv[i]);
		return CLI_EXIT_USAGE;
	}
	cli_ctx_init(&ctx, cmd);
	ctx.common.config = cfg;
	ctx.common.chdir = dir;
	rc = ctx.cmd->fn(&ctx, argc - i, argv + i);
	cli_ctx_release(&ctx);
	return cli_finish_output(rc);
}
