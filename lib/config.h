/* config.h - vosctl.yaml: where the page and the inventory are, render targets, publishing. */
#ifndef VOS_CONFIG_H
#define VOS_CONFIG_H

#include "diag.h"

#define VOS_CONFIG_NAME "vosctl.yaml"

/* What render.redact lists (docs/security.md, "Redaction"). */
enum vos_config_redact {
	VOS_REDACT_ADDRESSES = 1 << 0,
	VOS_REDACT_PATHS = 1 << 1,
	VOS_REDACT_SECRETS = 1 << 2,
};

#define VOS_DEFAULT_PLACEHOLDER "<LAN_IP>"

struct vos_config {
	struct vos_arena arena;
	char *file;            /* path of the config file, or NULL when none was found */
	char *base_dir;        /* directory paths are relative to (the config's dir, or cwd) */
	/* every path below is already joined with base_dir (or as given on the command line) */
	char *page;            /* services page */
	char *inventory;       /* inventory directory */
	/* render */
	char *render_services;  /* where render writes the services page (default: page) */
	char *render_inventory; /* generated inventory page, or NULL */
	char *render_status;    /* status page, or NULL */
	char *status_file;      /* last probe results (JSON), default .vosctl/last-probe.json */
	unsigned redact;        /* render.redact: enum vos_config_redact bits */
	char *placeholder;      /* render.placeholder, default "<LAN_IP>" */
	char **secrets;         /* secrets: names of environment variables whose values are secret */
	size_t nsecrets;
	long long status_max_age_s; /* render.status_max_age: a status page only from results this
	                               young (seconds; default 3600) */
	bool inventory_authority; /* render.authority: inventory (a cell both sides carry follows the
	                             inventory); default page (docs/page-format.md, "Drift") */
	/* publish */
	char *remote;          /* URL or NULL */
	char *branch;          /* default "main" */
	char *remote_services; /* path of the services page in the wiki repo, e.g. "vos/services.md" */
	char *remote_inventory;/* path of the generated inventory page in the repo, or NULL */
	char *remote_status;   /* path of the status page in the repo, or NULL */
	char *token_env;       /* default "VOSCTL_TOKEN" */
	char *user_env;        /* default "VOSCTL_GIT_USER" */
	char *author_name, *author_email; /* or NULL */
	/* probe */
	int probe_timeout_ms;  /* default 2000 */
	int probe_concurrency; /* default 1024 */
	char *probe_scope;     /* probe.scope networks joined with ",", or NULL */
	bool probe_scope_set;  /* probe.scope is there (even empty): it replaces the VLANs' CIDRs */
	char *probe_dns;       /* probe.dns servers ("ADDR[:PORT],..."), or NULL: the system's resolver */
	int probe_tls_expiry_days; /* a certificate expiring within this many days is a warning (default 14) */
	char *probe_cacert;    /* probe.cacert: the CA bundle https is verified with (joined to the
	                        * configuration's directory), or NULL: the system's */
	struct vos_loc loc;
};

/* Finds vosctl.yaml: explicit path if given, else from start_dir upward. When none exists,
 * fills defaults relative to start_dir (page NULL, inventory NULL) and returns 0.
 * Returns VOS_EINPUT with diagnostics for a bad file. */
int vos_config_load(struct vos_config *out, const char *explicit_path, const char *start_dir,
                    struct vos_diags *diags);
/* Parses config text (for tests/fuzzing); base_dir is what relative paths join to. */
int vos_config_parse(struct vos_config *out, const char *file, const char *base_dir,
                     const char *buf, size_t len, struct vos_diags *diags);
void vos_config_release(struct vos_config *cfg);

#endif
