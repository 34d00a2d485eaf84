/* source.h - where a lab's files come from: the work tree, the git index (what is staged), or the
 * fetched head of the wiki repository. Every loader (lib/lab.c, the page and inventory loaders)
 * reads through one of these, so that each command's data takes the same path whatever its origin.
 *
 * Paths are the source's own: the work tree takes them as given (relative to the current
 * directory, or absolute); the index and the fetched head take repository-relative paths
 * ('/'-separated, no leading "./"). vos_source_path() maps a user's path into that namespace. */
#ifndef VOS_SOURCE_H
#define VOS_SOURCE_H

#include "diag.h"

struct vos_git;
struct vos_git_index;

struct vos_source {
	const char *name;   /* "the work tree", "the index", "the fetched head": for messages */
	const char *state;  /* what a present file is, for messages ("staged"), or NULL */
	char *top;          /* absolute directory repository-relative paths start at, or NULL */
	char *cwd;          /* absolute current directory (vos_source_path), or NULL */
	bool threadsafe;    /* read may run on another thread than the one that opened it */
	/* Reads path into *out (caller frees, NUL-terminated), at most max bytes (over that:
	 * VOS_EINPUT). VOS_ENOTFOUND when absent; err says why on any error. */
	int (*read)(const struct vos_source *src, const char *path, size_t max, char **out,
	            size_t *len, struct vos_err *err);
	/* Whether path is a file of the source. */
	bool (*exists)(const struct vos_source *src, const char *path);
	/* The files directly inside dir (not recursive) whose names end in one of suffixes (NULL-
	 * terminated; NULL: all), hidden names skipped, in name order, as paths of this source:
	 * *out is NULL-terminated (vos_strv_free). VOS_EINPUT when dir cannot be listed: *why is the
	 * errno (ENOTDIR for a file). */
	int (*list)(const struct vos_source *src, const char *dir, const char *const *suffixes,
	            char ***out, size_t *n, int *why);
	/* The files ending in suffix that differ from the last commit (the index only; else NULL). */
	int (*changed)(const struct vos_source *src, const char *suffix, char ***out, size_t *n,
	               struct vos_err *err);
	void *payload;      /* the index or the files in memory */
	bool owned;         /* payload is the source's (vos_source_open_index) */
};

/* The work tree: paths as given. */
void vos_source_worktree(struct vos_source *out);
/* What is staged in ix (borrowed: it must outlive the source); cwd is absolute. */
void vos_source_index(struct vos_source *out, struct vos_git_index *ix, const char *cwd);
/* Opens the repository around cwd (absolute; GIT_DIR and GIT_INDEX_FILE honoured) and its index as
 * a source that owns it. VOS_ENOTFOUND when there is no repository, VOS_EINPUT for a bare one,
 * VOS_EIO; err says why. */
int vos_source_open_index(struct vos_source *out, const char *cwd, struct vos_err *err);
/* Files already read (borrowed: they must outlive the source), the last with path NULL: publish
 * hands the pages it read from the fetched head to the loader this way, so that nothing is read
 * twice. name is for messages ("the fetched head"); nothing can be listed from it. */
struct vos_source_file {
	const char *path;
	const char *data;
	size_t len;
};
void vos_source_memory(struct vos_source *out, const char *name, struct vos_source_file *files);
void vos_source_release(struct vos_source *src);

/* path (as the user gave it, relative to the cwd) as a path of src (caller frees); NULL when it is
 * outside the source (a path outside the repository for the index). */
char *vos_source_path(const struct vos_source *src, const char *path);

/* Reads path from src as a loader does: a failure is an error diagnostic of rule `rule` located at
 * the file. Returns 0, VOS_EIO (an operational failure) or VOS_EINPUT. */
int vos_source_load(const struct vos_source *src, const char *path, size_t max, const char *rule,
                    char **out, size_t *len, struct vos_diags *diags);

/* Each file ending in suffix that src->changed lists (nothing for a source without the notion),
 * given to fn with payload in name order; fn returning < 0 stops the walk with that value.
 * 0, or an error in err when the files cannot be listed. */
int vos_source_each_changed(const struct vos_source *src, const char *suffix,
                            int (*fn)(const char *path, void *payload), void *payload,
                            struct vos_err *err);

/* Whether s ends in one of suffixes (NULL-terminated; NULL: any s). */
bool vos_ends_with_any(const char *s, const char *const *suffixes);

/* NULL-terminated lists of strings, as the list functions return them: push a copy of s; sort in
 * strcmp order (an empty list becomes a one-slot list holding NULL); free (NULL-safe). */
void vos_strv_push(char ***list, size_t *n, size_t *alloc, const char *s);
void vos_strv_sort(char ***list, size_t n, size_t *alloc);
void vos_strv_free(char **list);

#endif
