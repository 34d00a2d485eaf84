/* init.c - vosctl init: write a starting lab (vosctl.yaml, inventory/) from an existing services
 * page, and optionally systemd unit files and a Homepage services.yaml (lib/init.c). */
#include "cli.h"

#include <string.h>

#include "init.h"

int cli_cmd_init(struct cli_ctx *ctx, int argc, const char **argv)
{
	const char *units = NULL, *homepage = NULL, *dir = ".";
	int dry = 0, n, rc;
	struct vos_init_opts o;
	struct vos_init in;
	struct vos_err err = VOS_ERR_INIT;
	size_t i;
	struct cli_opt opts[] = {
		CLI_OPT_STRING(0, "units", &units, "DIR", "read systemd unit files (*.service) from DIR"),
		CLI_OPT_STRING(0, "homepage", &homepage, "FILE", "read a gethomepage services.yaml"),
		CLI_OPT_STRING(0, "dir", &dir, "DIR", "write the lab under DIR (default: the current directory)"),
		CLI_OPT_FLAG('n', "dry-run", &dry, "print the files instead of writing them"),
		CLI_OPT_END(),
	};
	n = cli_parse_options(ctx, argc, argv, opts);
	if (n < 0)
		return n == -2 ? 0 : CLI_EXIT_USAGE;
	if (n != 1) {
		cli_error("missing the services page to start from");
		fprintf(stderr, "usage: %s\n", ctx->cmd->usage);
		return CLI_EXIT_USAGE;
	}
	memset(&o, 0, sizeof(o));
	o.page = argv[0];
	o.units = units;
	o.homepage = homepage;
	o.dir = dir;
	rc = vos_init_build(&in, &o, &ctx->diags, &err);
	cli_print_diags_text(stderr, &ctx->diags, ctx->color_err);
	if (rc < 0) {
		if (err.msg)
			cli_error("%s", err.msg);
		vos_err_clear(&err);
		vos_init_release(&in);
		return cli_exit_code(rc);
	}
	if (dry) {
		for (i = 0; i < in.nfiles; i++)
			printf("==> %s <==\n%s", in.files[i].path, in.files[i].text);
	} else if ((rc = vos_init_write(&in, &err)) < 0) {
		cli_error("%s", vos_err_msg(&err, "unable to write the lab"));
		vos_err_clear(&err);
		vos_init_release(&in);
		return cli_exit_code(rc);
	} else {
		for (i = 0; i < in.nfiles; i++)
			printf("wrote %s\n", in.files[i].path);
		printf("%zu hosts, %zu services (classes guessed: check the lines marked '# guessed'), "
		       "%zu rule skeletons", in.nhosts, in.nservices, in.nrules);
		if (units)
			printf(", %zu unit files used", in.nunits);
		if (homepage)
			printf(", %zu Homepage entries used", in.nhomepage);
		printf("\nnext: add addresses and VLANs, fill in the rules, then run `vosctl validate`%s%s\n",
		       strcmp(dir, ".") ? " -C " : "", strcmp(dir, ".") ? dir : "");
	}
	vos_init_release(&in);
	return cli_finish_output(CLI_EXIT_CLEAN);
}
