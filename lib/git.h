/* git.h - the wiki repository through libgit2: a bare cache clone, fetch, read a page at the fetched
 * head, build a commit without a working tree or index, push without force; and unified diffs of two
 * texts (render --check, publish --dry-run).
 *
 * Only lib/git.c includes <git2.h>. The remote URL is parsed once (libcurl's URL API): its user
 * name and password are percent-decoded and used as the credential, and every message and the cache
 * directory name are built from the URL without them. Credentials never reach the disk: the cache
 * clone has no configured remote, and error messages are scrubbed of the token. */
#ifndef VOS_GIT_H
#define VOS_GIT_H

#include "util.h"

struct vos_git_opts {
	const char *url;        /* http(s)://, ssh://, file path; may hold user:pass@, percent-encoded
	                           (never echoed) */
	const char *branch;     /* default "main" */
	const char *user;       /* basic-auth user name with token, or NULL (then the URL's, else "vosctl") */
	const char *token;      /* basic-auth password, or NULL (then the URL's user and password) */
	const char *token_env;  /* for messages only: the variable the token comes from, or NULL */
	const char *cache_root; /* directory holding cache clones; NULL: $XDG_CACHE_HOME/vosctl or
	                           ~/.cache/vosctl */
};

struct vos_git;

/* Opens (or creates) the cache clone for opts->url and locks it against other vosctl processes
 * (waiting up to 60 s). A cache that cannot be opened is moved aside and created afresh: *notice
 * (caller frees, may stay NULL) then says so. On error err says why: VOS_EINPUT for a URL that
 * does not parse (nothing is created) or a bad branch name. Messages never hold the token. A token
 * that would go to an http:// (not https://) remote is said in *notice too (a warning). */
int vos_git_open(struct vos_git **out, const struct vos_git_opts *opts, char **notice, struct vos_err *err);
void vos_git_free(struct vos_git *g);
const char *vos_git_url(const struct vos_git *g); /* the URL without user info, borrowed */

/* Fetches the branch into a private ref. Afterwards vos_git_head() is the fetched head, or NULL
 * when the remote is an empty repository (no branch at all). A remote that has branches but not
 * this one is VOS_EINPUT, and err names the branches it has. Errors: VOS_EAUTH, VOS_ENET,
 * VOS_EIO. */
int vos_git_fetch(struct vos_git *g, struct vos_err *err);
const char *vos_git_head(const struct vos_git *g); /* hex id, borrowed; NULL when none */

/* Reads path at the fetched head into *out (caller frees, NUL-terminated).
 * VOS_ENOTFOUND when there is no head or no such file (err->msg NULL: the caller words it). */
int vos_git_read(char **out, size_t *len_out, struct vos_git *g, const char *path, struct vos_err *err);

struct vos_git_file {
	const char *path;       /* in the repository, e.g. "vos/services.md" */
	const char *data;
	size_t len;
};

/* Builds a commit whose tree is the fetched head's tree with files replaced/added (no working tree,
 * no index) and whose parent is the fetched head (none for an empty repository). The author and
 * committer are name <email> now. Writes the 40-hex id into out. */
int vos_git_commit(char out[41], struct vos_git *g, const struct vos_git_file *files, size_t nfiles,
                   const char *name, const char *email, const char *message, struct vos_err *err);

/* Pushes commit to the branch (never forced). VOS_EREJECTED when the remote moved;
 * VOS_EAUTH, VOS_ENET, VOS_EIO otherwise. */
int vos_git_push(struct vos_git *g, const char *commit_hex, struct vos_err *err);

/* The URL without user info (caller frees): what may be printed or stored. NULL when it does not
 * parse. */
char *vos_git_url_redact(const char *url);
/* The cache directory name for a URL: "<host-path, sanitized>-<16 hex of a hash>", both of the URL
 * without user info (caller frees); NULL when it does not parse. */
char *vos_git_cache_name(const char *url);
/* Author from git's configuration (user.name, user.email) or NULL each (caller frees both). */
void vos_git_default_author(char **name_out, char **email_out);
/* Where the cache clone for opts lives (caller frees); NULL when the URL does not parse. */
char *vos_git_cache_path(const struct vos_git_opts *opts);

/* A unified diff of two texts (diff -u's headers "--- a_label" / "+++ b_label", 3 lines of context,
 * libgit2's hunks) appended to out. Returns 1 when they differ, 0 when not (out untouched), VOS_EIO
 * when libgit2 failed. */
int vos_diff_unified(struct vos_buf *out, const char *a_label, const char *a, size_t alen,
                     const char *b_label, const char *b, size_t blen);

#endif
