/* git_index.h - a local wiki repository's index (what is staged) through libgit2, for
 * `vosctl validate --staged` and `vosctl hook`.
 *
 * Only lib/git.c and lib/git_index.c include <git2.h>. The repository is opened the way git's own
 * tools find it (GIT_DIR, GIT_WORK_TREE, GIT_CEILING_DIRECTORIES, and GIT_INDEX_FILE, which git sets
 * for hooks: during `git commit` the staged state is a temporary index, not .git/index). */
#ifndef VOS_GIT_INDEX_H
#define VOS_GIT_INDEX_H

#include "diag.h"

struct vos_git_index;

/* Opens the repository containing start_dir (NULL: the current directory; GIT_DIR wins when set)
 * and reads its index. VOS_ENOTFOUND when there is no repository; err says why. */
int vos_git_index_open(struct vos_git_index **out, const char *start_dir, struct vos_err *err);
void vos_git_index_free(struct vos_git_index *ix);

/* The work tree's top directory, absolute, without a trailing slash (borrowed); NULL when bare. */
const char *vos_git_index_workdir(const struct vos_git_index *ix);
/* The repository's git directory, absolute, without a trailing slash (borrowed). */
const char *vos_git_index_gitdir(const struct vos_git_index *ix);

/* Whether path (repository-relative, '/'-separated) is in the index (stage 0). */
bool vos_git_index_has(const struct vos_git_index *ix, const char *path);

/* Reads the staged content of path into *out (caller frees, NUL-terminated), at most max bytes
 * (over that: VOS_EINPUT). VOS_ENOTFOUND when path is not staged. */
int vos_git_index_read(char **out, size_t *len_out, struct vos_git_index *ix, const char *path,
                       size_t max, struct vos_err *err);

/* Lists the staged files directly inside dir ("" for the top; not recursive) whose names end in
 * one of the suffixes (NULL-terminated list; NULL: every file), in name order. *out is a
 * NULL-terminated array of repository-relative paths (caller frees with vos_git_index_list_free,
 * which is vos_strv_free). */
int vos_git_index_list(char ***out, size_t *n_out, const struct vos_git_index *ix, const char *dir,
                       const char *const *suffixes);
void vos_git_index_list_free(char **list);

/* Lists the staged files that differ from HEAD (added, modified, renamed, copied, type changed;
 * every staged file when there is no commit yet) whose names end in suffix (NULL: any), in path
 * order; with deleted, the files the commit removes (and a rename's old path) too. */
int vos_git_index_changed(char ***out, size_t *n_out, struct vos_git_index *ix, const char *suffix,
                          bool deleted, struct vos_err *err);

/* The hooks directory: core.hooksPath when set (relative to the work tree top), else
 * <gitdir>/hooks. Caller frees. */
int vos_git_hooks_dir(char **out, struct vos_git_index *ix, struct vos_err *err);

/* Makes path (absolute, or relative to cwd) repository-relative: "." and ".." resolved, no
 * leading "./". cwd is absolute. Returns NULL when the path is outside the work tree. Caller frees. */
char *vos_git_index_relpath(const struct vos_git_index *ix, const char *cwd, const char *path);
/* The same on plain strings (for tests): top is the absolute work tree top. */
char *vos_path_relative_to(const char *top, const char *cwd, const char *path);

#endif
