/* publish.h - render the wiki pages from the page at the remote head plus the inventory, commit what
 * changed on top of that head and push it (retrying on a moved remote). Prints nothing: the result
 * and the diagnostics go back to the caller (cmd/publish.c). See docs/publish.md. */
#ifndef VOS_PUBLISH_H
#define VOS_PUBLISH_H

#include "lab.h"

#define VOS_PUBLISH_MAX_ATTEMPTS 5

struct vos_publish_opts {
	const char *url;             /* remote URL (may hold credentials: never echoed) */
	const char *branch;          /* default "main" */
	const char *services_path;   /* services page in the repository, e.g. "vos/services.md" */
	const char *inventory_path;  /* generated inventory page in the repository, or NULL */
	const char *status_path;     /* status page in the repository, or NULL */
	/* the configuration and the inventory (loaded from the work tree); each attempt loads the page
	 * of the fetched head into it (vos_lab_load_page), or the lab's configured page (the work
	 * tree's) for a repository without one */
	struct vos_lab *lab;
	const char *results_json;    /* probe results for the status page, or NULL */
	size_t results_len;
	const char *results_file;    /* their file's name in messages, or NULL */
	const char *user, *token;    /* HTTP basic auth (token NULL: none) */
	const char *author_name, *author_email; /* NULL: git config, else "vosctl <vosctl@localhost>" */
	const char *cache_root;      /* NULL: $XDG_CACHE_HOME/vosctl */
	const char *now_iso;         /* NULL: vos_now_iso() */
	bool dry_run;                /* commit in the cache only, push nothing */
	bool prune;                  /* remove page rows no inventory entry describes (render --prune) */
	bool allow_findings;         /* publish even when what would be published has errors */
	long long status_max_age_s;  /* results older than this make no status page (0: 3600) */
	int max_attempts;            /* 0: VOS_PUBLISH_MAX_ATTEMPTS */
	/* called after the commit is built and before each push (tests use it to race) */
	void (*before_push)(int attempt, void *payload);
	void *payload;
};

struct vos_publish_file {
	char *path;
	bool created;                /* the repository had no such file */
	char *summary;               /* "2 addresses, 1 row added" or "" */
};

struct vos_publish_result {
	char *url;                   /* the remote without credentials */
	char *base;                  /* hex id of the remote head built on, NULL for an empty repository */
	char commit[41];             /* the commit made ("" when there was nothing to change) */
	bool pushed;
	bool blocked;                /* validation errors: nothing committed (see the diagnostics) */
	int attempts;                /* fetch/render/push rounds used */
	char *message;               /* the commit message, or NULL */
	struct vos_publish_file *files; size_t nfiles, files_alloc; /* what changed */
	struct vos_buf diff;         /* unified diff of every changed file (a dry run only) */
	char *notice;                /* something worth saying on stderr (cache moved aside), or NULL */
	char *status_notice;         /* why the status page was not published (stale results...), or NULL */
};

void vos_publish_result_init(struct vos_publish_result *r);
void vos_publish_result_release(struct vos_publish_result *r);

/* Runs one publish. Returns 0 (see out->commit, out->pushed, out->blocked), VOS_EINPUT (unusable page
 * or options; diagnostics or err say why), or VOS_EAUTH / VOS_ENET / VOS_EIO with err (never
 * contains the token). Findings of the rendered model go to diags. */
int vos_publish_run(struct vos_publish_result *out, const struct vos_publish_opts *opts,
                    struct vos_diags *diags, struct vos_err *err);

#endif
