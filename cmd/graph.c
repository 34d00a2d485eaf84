/* graph.c - vosctl graph (not built yet). */
#include "cmd.h"

int cmd_graph(struct vos_ctx *ctx, int argc, const char **argv)
{
	struct vos_opt opts[] = {OPT_END()};
	int n = vos_parse_options(ctx, argc, argv, opts);
	if (n < 0)
		return n == -2 ? 0 : EXIT_USAGE;
	vos_error("'graph' is not implemented yet");
	return EXIT_USAGE;
}
