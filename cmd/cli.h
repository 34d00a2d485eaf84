/* cli.h - the CLI layer (cmd/): the command table (main.c), the option parser (options.c), the
 * shared setup (setup.c), messages and formatters (output.c), and one file per command. Every name
 * defined here carries the cli_ prefix; lib's names keep vos_. */
#ifndef CLI_H
#define CLI_H

#include <stdio.h>

#include "lab.h"
#include "probe.h"

/* Exit codes: the contract with scripts and CI. */
enum cli_exit {
	CLI_EXIT_CLEAN = 0,
	CLI_EXIT_FINDINGS = 1,
	CLI_EXIT_USAGE = 2, /* usage error or unusable input */
	CLI_EXIT_OPFAIL = 3,  /* operational failure: network, auth, git, write errors */
};

/* ---- options (options.c: table driven, prints its own usage) */
enum cli_opt_type {
	CLI_OPT_TYPE_END = 0,
	CLI_OPT_TYPE_FLAG,     /* int *: set to 1 */
	CLI_OPT_TYPE_STRING,   /* const char **: last wins */
	CLI_OPT_TYPE_INT,      /* int *: decimal, range checked by the command */
	CLI_OPT_TYPE_LIST,     /* struct cli_strlist *: repeatable */
	CLI_OPT_TYPE_GROUP,    /* a heading in the usage text */
};

struct cli_strlist {
	const char **items;
	size_t n, alloc;
};
void cli_strlist_add(struct cli_strlist *l, const char *s);
void cli_strlist_release(struct cli_strlist *l);

struct cli_opt {
	enum cli_opt_type type;
	char short_name;      /* 0 for none */
	const char *long_name;
	void *value;
	const char *argname;  /* "FILE" */
	const char *help;
};

#define CLI_OPT_FLAG(s, l, v, h) {CLI_OPT_TYPE_FLAG, (s), (l), (v), NULL, (h)}
#define CLI_OPT_STRING(s, l, v, a, h) {CLI_OPT_TYPE_STRING, (s), (l), (v), (a), (h)}
#define CLI_OPT_INT(s, l, v, a, h) {CLI_OPT_TYPE_INT, (s), (l), (v), (a), (h)}
#define CLI_OPT_LIST(s, l, v, a, h) {CLI_OPT_TYPE_LIST, (s), (l), (v), (a), (h)}
#define CLI_OPT_GROUP(h) {CLI_OPT_TYPE_GROUP, 0, NULL, NULL, NULL, (h)}
#define CLI_OPT_END() {CLI_OPT_TYPE_END, 0, NULL, NULL, NULL, NULL}

/* ---- the command table (main.c): `vosctl help` and dispatch read the same table */
enum cli_needs {
	CLI_NEEDS_CONFIG = 1 << 0,    /* load vosctl.yaml */
	CLI_NEEDS_MODEL = 1 << 1,     /* load page + inventory and build the model */
	CLI_NEEDS_INVENTORY = 1 << 2, /* with CLI_NEEDS_CONFIG: load the inventory too (publish) */
};

struct cli_ctx;
struct cli_command {
	const char *name;
	int (*fn)(struct cli_ctx *ctx, int argc, const char **argv);
	int flags;           /* enum cli_needs, or-ed */
	const char *usage;   /* "vosctl validate [options]" */
	const char *summary; /* one line for --help */
	int max_args;        /* non-option arguments it takes; more is a usage error */
};

extern const struct cli_command cli_commands[];
const struct cli_command *cli_command_find(const char *name);

/* ---- the shared setup (setup.c) */

/* The options every lab-loading command takes (filled by cli_parse_options when the command
 * has CLI_NEEDS_MODEL or CLI_NEEDS_CONFIG; -c and -C also before the command name). */
struct cli_common_opts {
	const char *config;     /* -c FILE */
	const char *chdir;      /* -C DIR */
	const char *page;       /* --page FILE */
	const char *inventory;  /* --inventory DIR */
};

/* Everything a command gets. */
struct cli_ctx {
	const struct cli_command *cmd;
	struct cli_common_opts common;
	struct vos_lab lab;       /* configuration, page, inventory and model (lib/lab.h) */
	struct vos_diags diags;   /* input errors and findings, in one list */
	bool color;               /* stdout is a TTY and NO_COLOR is unset */
	bool color_err;           /* the same for stderr */
};

/* Sets ctx up for cmd (no allocation): empty lab and diagnostics, and the colour decisions. */
void cli_ctx_init(struct cli_ctx *ctx, const struct cli_command *cmd);
/* Loads ctx->lab (vos_lab_load) from the work tree as the command's flags ask: the configuration,
 * the inventory, or the page and the inventory merged into the model. Input errors go to
 * ctx->diags and are printed as text on stderr. Returns an exit code: 0 when the lab is usable,
 * CLI_EXIT_USAGE when input was unusable, CLI_EXIT_OPFAIL when a file could not be read. */
int cli_ctx_load(struct cli_ctx *ctx);
/* The same from what is staged in the git repository around the cwd (validate --staged): the
 * config (staged, else the work tree's), the page and the inventory's YAML from the index, named by
 * repository-relative paths; adds "wiki-link-broken" warnings for links of changed staged pages. */
int cli_ctx_load_staged(struct cli_ctx *ctx);
void cli_ctx_release(struct cli_ctx *ctx);
/* Maps a lib error code to an exit code. */
int cli_exit_code(int err);
/* Reads the file a command compares with or replaces (render's pages, export's files), at most
 * max bytes: a missing file is no error (*text NULL). Returns an exit code, the message printed:
 * 0, CLI_EXIT_USAGE when it is not a regular file, CLI_EXIT_OPFAIL when it cannot be read. */
int cli_read_current(const char *path, size_t max, char **text, size_t *len);

/* ---- the option parser (options.c) */

/* Parses argv against opts plus (for lab-loading commands) the common options. Returns the number
 * of non-option arguments left in argv (moved to the front; more than the command's max_args is a
 * usage error), or -1 after printing a usage error,
 * or -2 when --help was given (usage printed to stdout). */
int cli_parse_options(struct cli_ctx *ctx, int argc, const char **argv, const struct cli_opt *opts);
void cli_usage(const struct cli_ctx *ctx, const struct cli_opt *opts, FILE *f);

/* ---- messages and formatters (output.c) */

/* Error message for the user: "vosctl: error: ..." on stderr. */
void cli_error(const char *fmt, ...) VOS_PRINTF(1, 2);
void cli_warning(const char *fmt, ...) VOS_PRINTF(1, 2);
/* Flushes stdout and reports a write error (a full disk must not look like success):
 * returns CLI_EXIT_OPFAIL on failure, else rc. */
int cli_finish_output(int rc);
/* Prints diagnostics as text to f: "file:line:col: error: [rule] message". */
void cli_print_diags_text(FILE *f, const struct vos_diags *d, bool color);

/* Where the project and its documents live (SARIF's informationUri and rules[].helpUri). */
#define CLI_INFO_URI "https://git.example.lan/homelab/vosctl"
#define CLI_DOCS_BASE CLI_INFO_URI "/src/branch/main"

/* Output formats for findings. */
enum cli_format { CLI_FMT_TEXT = 0, CLI_FMT_JSON, CLI_FMT_GITHUB, CLI_FMT_JUNIT, CLI_FMT_SARIF };
int cli_findings_format_parse(const char *name); /* an enum cli_format, or -1 if unknown */
void cli_print_findings(FILE *f, enum cli_format format, const struct vos_diags *d, bool color,
                        const char *suite);
struct json_t;
struct json_t *cli_diag_to_json(const struct vos_diag *x);
int cli_json_dump(FILE *f, struct json_t *j); /* indented, key order kept, newline */

/* The Prometheus text exposition format (node_exporter's textfile collector reads it): probe results
 * and findings in one document, made by the one prom formatter (output.c) that `probe --format prom`
 * and `validate --format prom` share. Every metric's HELP and TYPE lines are written on every run,
 * in the same order, samples or not; no timestamps. */
struct cli_prom_doc {
	const struct vos_probe_target *targets; /* the declared targets (for their path label) */
	const struct vos_probe_result *results; /* their results; NULL (n 0) when nothing was probed */
	size_t n;
	const struct vos_probe_open *undeclared; /* open ports no service declares (probe --scan) */
	size_t nundeclared;
	const struct vos_diags *findings;        /* counted per rule and severity; NULL: none */
};
void cli_prom_format(struct vos_buf *out, const struct cli_prom_doc *doc);
/* Prints doc on stdout, or with path writes it atomically (vos_file_write: PATH.lock in the same
 * directory, renamed over PATH) with a warning when path does not end in ".prom" (the collector
 * reads only *.prom). Returns 0, or CLI_EXIT_OPFAIL after a message when the write failed. */
int cli_prom_output(const struct cli_prom_doc *doc, const char *path);

/* ---- the commands, one file each (help and version: main.c) */
int cli_cmd_validate(struct cli_ctx *ctx, int argc, const char **argv);
int cli_cmd_show(struct cli_ctx *ctx, int argc, const char **argv);
int cli_cmd_probe(struct cli_ctx *ctx, int argc, const char **argv);
/* Warns when nothing can be probed (no scope declared, or narrowed to nothing), saying why. */
struct vos_scope;
void cli_probe_scope_warn(bool declared, const struct vos_scope *scope);
/* Raises the soft descriptor limit to the hard one: the probe's concurrency follows it. */
void cli_probe_raise_nofile(void);
int cli_cmd_render(struct cli_ctx *ctx, int argc, const char **argv);
int cli_cmd_publish(struct cli_ctx *ctx, int argc, const char **argv);
int cli_cmd_hook(struct cli_ctx *ctx, int argc, const char **argv);
int cli_cmd_graph(struct cli_ctx *ctx, int argc, const char **argv);
int cli_cmd_init(struct cli_ctx *ctx, int argc, const char **argv);
int cli_cmd_export(struct cli_ctx *ctx, int argc, const char **argv);
int cli_cmd_explain(struct cli_ctx *ctx, int argc, const char **argv);
int cli_cmd_help(struct cli_ctx *ctx, int argc, const char **argv);
int cli_cmd_version(struct cli_ctx *ctx, int argc, const char **argv);

#endif
