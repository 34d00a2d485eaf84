/* cmd.h - the CLI: command table, option parsing, shared setup and output helpers. */
#ifndef VOS_CMD_H
#define VOS_CMD_H

#include <stdio.h>

#include "lab.h"

/* Exit codes: the contract with scripts and CI. */
enum {
	EXIT_CLEAN = 0,
	EXIT_FINDINGS = 1,
	EXIT_USAGE = 2, /* usage error or unusable input */
	EXIT_OPFAIL = 3,  /* operational failure: network, auth, git, write errors */
};

/* ---- options (table driven, prints its own usage) */
enum vos_opt_type {
	VOS_OPT_END = 0,
	VOS_OPT_FLAG,     /* int *: set to 1 */
	VOS_OPT_STRING,   /* const char **: last wins */
	VOS_OPT_INT,      /* int *: decimal, range checked by the command */
	VOS_OPT_LIST,     /* struct vos_strlist *: repeatable */
	VOS_OPT_GROUP,    /* a heading in the usage text */
};

struct vos_strlist {
	const char **items;
	size_t n, alloc;
};
void vos_strlist_add(struct vos_strlist *l, const char *s);
void vos_strlist_release(struct vos_strlist *l);

struct vos_opt {
	int type;
	char short_name;      /* 0 for none */
	const char *long_name;
	void *value;
	const char *argname;  /* "FILE" */
	const char *help;
};

#define OPT_FLAG(s, l, v, h) {VOS_OPT_FLAG, (s), (l), (v), NULL, (h)}
#define OPT_STRING(s, l, v, a, h) {VOS_OPT_STRING, (s), (l), (v), (a), (h)}
#define OPT_INT(s, l, v, a, h) {VOS_OPT_INT, (s), (l), (v), (a), (h)}
#define OPT_LIST(s, l, v, a, h) {VOS_OPT_LIST, (s), (l), (v), (a), (h)}
#define OPT_GROUP(h) {VOS_OPT_GROUP, 0, NULL, NULL, NULL, (h)}
#define OPT_END() {VOS_OPT_END, 0, NULL, NULL, NULL, NULL}

/* The options every model-loading command takes (filled by vos_parse_options when the command
 * has CMD_NEEDS_MODEL or CMD_NEEDS_CONFIG). */
struct vos_common_opts {
	const char *config;     /* -c FILE */
	const char *chdir;      /* -C DIR */
	const char *page;       /* --page FILE */
	const char *inventory;  /* --inventory DIR */
	const char *format;     /* --format FMT */
	int strict;             /* --strict */
	int help;
};

/* Everything a command gets. */
struct vos_ctx {
	const struct vos_command *cmd;
	struct vos_common_opts common;
	struct vos_lab lab;       /* configuration, page, inventory and model (lib/lab.h) */
	struct vos_diags diags;   /* input errors and findings, in one list */
	bool color;               /* stdout is a TTY and NO_COLOR is unset */
	bool color_err;           /* the same for stderr */
};

/* Parses argv against opts plus (for model commands) the common options. Returns the number of
 * non-option arguments left in argv (moved to the front; more than the command's max_args is a
 * usage error), or -1 after printing a usage error,
 * or -2 when --help was given (usage printed to stdout). */
int vos_parse_options(struct vos_ctx *ctx, int argc, const char **argv, const struct vos_opt *opts);
void vos_usage(const struct vos_ctx *ctx, const struct vos_opt *opts, FILE *f);

enum {
	CMD_NEEDS_CONFIG = 1 << 0, /* load vosctl.yaml */
	CMD_NEEDS_MODEL = 1 << 1,  /* load page + inventory and build the model */
	CMD_NEEDS_INVENTORY = 1 << 2, /* with CMD_NEEDS_CONFIG: load the inventory too (publish) */
};

struct vos_command {
	const char *name;
	int (*fn)(struct vos_ctx *ctx, int argc, const char **argv);
	int flags;
	const char *usage;   /* "vosctl validate [options]" */
	const char *summary; /* one line for --help */
	int max_args;        /* non-option arguments it takes; more is a usage error */
};

extern const struct vos_command vos_commands[];
const struct vos_command *vos_command_find(const char *name);

/* Loads ctx->lab (vos_lab_load) from the work tree as the command's flags ask: the configuration,
 * the inventory, or the page and the inventory merged into the model. Input errors go to
 * ctx->diags and are printed as text on stderr. Returns an exit code: 0 when the lab is usable,
 * EXIT_USAGE when input was unusable, EXIT_OPFAIL when a file could not be read. */
int vos_ctx_load(struct vos_ctx *ctx);
/* The same from what is staged in the git repository around the cwd (validate --staged): the
 * config (staged, else the work tree's), the page and the inventory's YAML from the index, named by
 * repository-relative paths; adds "wiki-link-broken" warnings for links of changed staged pages. */
int vos_ctx_load_staged(struct vos_ctx *ctx);
void vos_ctx_release(struct vos_ctx *ctx);

/* Prints diagnostics as text to f: "file:line:col: error: [rule] message". */
void vos_print_diags_text(FILE *f, const struct vos_diags *d, bool color);
/* Error message for the user: "vosctl: error: ..." on stderr. */
void vos_error(const char *fmt, ...) VOS_PRINTF(1, 2);
void vos_warning(const char *fmt, ...) VOS_PRINTF(1, 2);
/* Flushes stdout and reports a write error (a full disk must not look like success):
 * returns EXIT_OPFAIL on failure, else rc. */
int vos_finish_output(int rc);
/* Maps a lib error code to an exit code. */
int vos_exit_code(int err);

/* Output formats for findings (cmd/output.c). */
enum { VOS_FMT_TEXT = 0, VOS_FMT_JSON, VOS_FMT_GITHUB, VOS_FMT_JUNIT, VOS_FMT_SARIF };
int vos_findings_format_parse(const char *name); /* -1 if unknown */
void vos_print_findings(FILE *f, int format, const struct vos_diags *d, bool color, const char *suite);
struct json_t;
struct json_t *vos_diag_to_json(const struct vos_diag *x);
int vos_json_dump(FILE *f, struct json_t *j); /* indented, key order kept, newline */

/* Commands. */
int cmd_validate(struct vos_ctx *ctx, int argc, const char **argv);
int cmd_show(struct vos_ctx *ctx, int argc, const char **argv);
int cmd_probe(struct vos_ctx *ctx, int argc, const char **argv);
int cmd_render(struct vos_ctx *ctx, int argc, const char **argv);
int cmd_publish(struct vos_ctx *ctx, int argc, const char **argv);
int cmd_hook(struct vos_ctx *ctx, int argc, const char **argv);
int cmd_graph(struct vos_ctx *ctx, int argc, const char **argv);
int cmd_help(struct vos_ctx *ctx, int argc, const char **argv);
int cmd_version(struct vos_ctx *ctx, int argc, const char **argv);

#endif
