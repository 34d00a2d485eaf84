/* git_index.c - what is staged in a local wiki repository, read through libgit2 (see git_index.h). */
#include "git_index.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>
#include <git2/sys/repository.h>

#include "source.h"

struct vos_git_index {
	git_repository *repo;
	git_index *index;
	char *workdir; /* no trailing slash, or NULL when bare */
	char *gitdir;  /* no trailing slash */
};

/* libgit2's last error as a message (caller frees). */
static char *git_errmsg(const char *what, const char *subject)
{
	const git_error *e = git_error_last();
	const char *why = e && e->message ? e->message : "unknown error";
	if (subject)
		return vos_asprintf("%s '%s': %s", what, subject, why);
	return vos_asprintf("%s: %s", what, why);
}

static char *strip_slash(const char *s)
{
	size_t n = strlen(s);
	while (n > 1 && s[n - 1] == '/')
		n--;
	return vos_strndup(s, n);
}

/* libgit2 1.5's GIT_REPOSITORY_OPEN_FROM_ENV refuses GIT_WORK_TREE ("unimplemented"), which git
 * sets for `git --work-tree=DIR commit` and exports to the hooks it runs. Opened as git does: the
 * git directory is $GIT_DIR, else found from start_dir upward (within GIT_CEILING_DIRECTORIES);
 * the work tree is $GIT_WORK_TREE and the index $GIT_INDEX_FILE when set (both relative to the
 * cwd, as git passes them). */
static int open_with_work_tree(git_repository **out, const char *start_dir, const char *work_tree)
{
	const char *gitdir = getenv("GIT_DIR"), *index_file = getenv("GIT_INDEX_FILE");
	git_index *index = NULL;
	int error;
	if (gitdir && *gitdir)
		error = git_repository_open_ext(out, gitdir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	else
		error = git_repository_open_ext(out, start_dir ? start_dir : ".", 0,
		                                getenv("GIT_CEILING_DIRECTORIES"));
	if (error < 0)
		return error;
	if ((error = git_repository_set_workdir(*out, work_tree, 0)) < 0)
		goto fail;
	if (index_file && *index_file) {
		if ((error = git_index_open(&index, index_file)) < 0)
			goto fail;
		git_repository_set_index(*out, index);
		git_index_free(index); /* the repository holds its own reference */
	}
	return 0;
fail:
	git_repository_free(*out);
	*out = NULL;
	return error;
}

int vos_git_index_open(struct vos_git_index **out, const char *start_dir, struct vos_err *err)
{
	struct vos_git_index *ix;
	const char *work_tree = getenv("GIT_WORK_TREE");
	int error;
	*out = NULL;
	git_libgit2_init();
	ix = vos_calloc(1, sizeof(*ix));
	/* FROM_ENV: GIT_DIR, GIT_INDEX_FILE, GIT_OBJECT_DIRECTORY, GIT_CEILING_DIRECTORIES... as git
	 * sets them; GIT_WORK_TREE is ours to handle */
	if (work_tree && *work_tree)
		error = open_with_work_tree(&ix->repo, start_dir, work_tree);
	else
		error = git_repository_open_ext(&ix->repo, start_dir, GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	if (error < 0) {
		if (error == GIT_ENOTFOUND)
			vos_err_set(err, VOS_ENOTFOUND,
			            "not a git repository (or any parent up to the mount point): '%s'",
			            start_dir ? start_dir : ".");
		else
			vos_err_take(err, VOS_EIO,
			             git_errmsg("unable to open the repository at", start_dir ? start_dir : "."));
		vos_git_index_free(ix);
		return error == GIT_ENOTFOUND ? VOS_ENOTFOUND : VOS_EIO;
	}
	if (git_repository_index(&ix->index, ix->repo) < 0) {
		vos_err_take(err, VOS_EIO, git_errmsg("unable to read the index", NULL));
		vos_git_index_free(ix);
		return VOS_EIO;
	}
	if (git_repository_workdir(ix->repo))
		ix->workdir = strip_slash(git_repository_workdir(ix->repo));
	ix->gitdir = strip_slash(git_repository_path(ix->repo));
	*out = ix;
	return 0;
}

void vos_git_index_free(struct vos_git_index *ix)
{
	if (!ix)
		return;
	git_index_free(ix->index);
	git_repository_free(ix->repo);
	free(ix->workdir);
	free(ix->gitdir);
	free(ix);
	git_libgit2_shutdown();
}

const char *vos_git_index_workdir(const struct vos_git_index *ix)
{
	return ix->workdir;
}

const char *vos_git_index_gitdir(const struct vos_git_index *ix)
{
	return ix->gitdir;
}

/* A staged regular file or symlink entry (not a submodule), or NULL. Borrowed. */
static const git_index_entry *staged_entry(const struct vos_git_index *ix, const char *path)
{
	const git_index_entry *e = git_index_get_bypath(ix->index, path, 0);
	if (!e || e->mode == GIT_FILEMODE_COMMIT)
		return NULL;
	return e;
}

bool vos_git_index_has(const struct vos_git_index *ix, const char *path)
{
	return path && *path && staged_entry(ix, path) != NULL;
}

int vos_git_index_read(char **out, size_t *len_out, struct vos_git_index *ix, const char *path,
                       size_t max, struct vos_err *err)
{
	const git_index_entry *e;
	git_blob *blob = NULL;
	git_object_size_t size;
	char *buf;
	*out = NULL;
	if (len_out)
		*len_out = 0;
	if (!(e = staged_entry(ix, path))) {
		return vos_err_set(err, VOS_ENOTFOUND, "'%s' is not in the index", path);
	}
	if (git_blob_lookup(&blob, ix->repo, &e->id) < 0) {
		return vos_err_take(err, VOS_EIO, git_errmsg("unable to read the staged content of", path));
	}
	size = git_blob_rawsize(blob);
	if (size > (git_object_size_t)max) {
		git_blob_free(blob);
		return vos_err_set(err, VOS_EINPUT, "staged '%s' is too large (%llu bytes, the limit is %zu)",
		                   path, (unsigned long long)size, max);
	}
	buf = vos_malloc((size_t)size + 1);
	if (size)
		memcpy(buf, git_blob_rawcontent(blob), (size_t)size);
	buf[size] = '\0';
	git_blob_free(blob);
	*out = buf;
	if (len_out)
		*len_out = (size_t)size;
	return 0;
}

int vos_git_index_list(char ***out, size_t *n_out, const struct vos_git_index *ix, const char *dir,
                       const char *const *suffixes)
{
	char **list = NULL;
	size_t n = 0, alloc = 0, i, count, dlen;
	char *prefix;
	while (dir && dir[0] == '.' && dir[1] == '/')
		dir += 2;
	if (!dir || !strcmp(dir, "."))
		dir = "";
	prefix = *dir ? vos_asprintf("%s%s", dir, vos_ends_with(dir, "/") ? "" : "/") : vos_strdup("");
	dlen = strlen(prefix);
	count = git_index_entrycount(ix->index);
	for (i = 0; i < count; i++) {
		const git_index_entry *e = git_index_get_byindex(ix->index, i);
		if (!e || git_index_entry_stage(e) != 0 || e->mode == GIT_FILEMODE_COMMIT)
			continue;
		if (strncmp(e->path, prefix, dlen) != 0 || strchr(e->path + dlen, '/'))
			continue;
		if (vos_ends_with_any(e->path + dlen, suffixes))
			vos_strv_push(&list, &n, &alloc, e->path);
	}
	free(prefix);
	vos_strv_sort(&list, n, &alloc);
	*out = list;
	if (n_out)
		*n_out = n;
	return 0;
}

void vos_git_index_list_free(char **list)
{
	vos_strv_free(list);
}

int vos_git_index_changed(char ***out, size_t *n_out, struct vos_git_index *ix, const char *suffix,
                          bool deleted, struct vos_err *err)
{
	char **list = NULL;
	size_t n = 0, alloc = 0, i;
	git_object *head = NULL;
	git_tree *tree = NULL;
	git_diff *diff = NULL;
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	int error;
	*out = NULL;
	error = git_revparse_single(&head, ix->repo, "HEAD^{tree}");
	if (error == GIT_ENOTFOUND || error == GIT_EUNBORNBRANCH) {
		/* no commit yet: everything staged is new */
		size_t count = git_index_entrycount(ix->index);
		for (i = 0; i < count; i++) {
			const git_index_entry *e = git_index_get_byindex(ix->index, i);
			if (e && git_index_entry_stage(e) == 0 && e->mode != GIT_FILEMODE_COMMIT &&
			    (!suffix || vos_ends_with(e->path, suffix)))
				vos_strv_push(&list, &n, &alloc, e->path);
		}
		goto done;
	}
	if (error < 0 || (error = git_tree_lookup(&tree, ix->repo, git_object_id(head))) < 0) {
		vos_err_take(err, VOS_EIO, git_errmsg("unable to read HEAD", NULL));
		git_object_free(head);
		return VOS_EIO;
	}
	opts.flags = GIT_DIFF_SKIP_BINARY_CHECK;
	if (git_diff_tree_to_index(&diff, ix->repo, tree, ix->index, &opts) < 0) {
		vos_err_take(err, VOS_EIO, git_errmsg("unable to compare the index with HEAD", NULL));
		git_tree_free(tree);
		git_object_free(head);
		return VOS_EIO;
	}
	for (i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		if (d && deleted && d->old_file.path && d->old_file.mode != GIT_FILEMODE_COMMIT &&
		    (d->status == GIT_DELTA_DELETED ||
		     (d->new_file.path && strcmp(d->old_file.path, d->new_file.path))) &&
		    (!suffix || vos_ends_with(d->old_file.path, suffix)))
			vos_strv_push(&list, &n, &alloc, d->old_file.path);
		if (!d || d->status == GIT_DELTA_DELETED || !d->new_file.path)
			continue;
		if (d->new_file.mode == GIT_FILEMODE_COMMIT)
			continue;
		if (!suffix || vos_ends_with(d->new_file.path, suffix))
			vos_strv_push(&list, &n, &alloc, d->new_file.path);
	}
	git_diff_free(diff);
	git_tree_free(tree);
	git_object_free(head);
done:
	vos_strv_sort(&list, n, &alloc);
	*out = list;
	if (n_out)
		*n_out = n;
	return 0;
}

int vos_git_hooks_dir(char **out, struct vos_git_index *ix, struct vos_err *err)
{
	git_config *cfg = NULL;
	git_buf buf = GIT_BUF_INIT;
	int error;
	*out = NULL;
	if (git_repository_config_snapshot(&cfg, ix->repo) < 0) {
		return vos_err_take(err, VOS_EIO, git_errmsg("unable to read the repository's configuration", NULL));
	}
	error = git_config_get_path(&buf, cfg, "core.hooksPath");
	if (error == 0 && buf.ptr && *buf.ptr) {
		if (buf.ptr[0] == '/')
			*out = strip_slash(buf.ptr);
		else {
			char *j = vos_path_join(ix->workdir ? ix->workdir : ix->gitdir, buf.ptr);
			*out = strip_slash(j);
			free(j);
		}
	} else if (error < 0 && error != GIT_ENOTFOUND) {
		vos_err_take(err, VOS_EIO, git_errmsg("unable to read", "core.hooksPath"));
		git_buf_dispose(&buf);
		git_config_free(cfg);
		return VOS_EIO;
	} else {
		*out = vos_asprintf("%s/hooks", ix->gitdir);
	}
	git_buf_dispose(&buf);
	git_config_free(cfg);
	return 0;
}

/* Resolves "." and ".." and repeated slashes of an absolute path in place. */
static void normalize_abs(char *p)
{
	char *w = p, *r = p;
	while (*r) {
		char *seg;
		size_t len;
		while (*r == '/')
			r++;
		if (!*r)
			break;
		seg = r;
		while (*r && *r != '/')
			r++;
		len = (size_t)(r - seg);
		if (len == 1 && seg[0] == '.')
			continue;
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			while (w > p && *--w != '/')
				;
			continue;
		}
		*w++ = '/';
		memmove(w, seg, len);
		w += len;
	}
	if (w == p)
		*w++ = '/';
	*w = '\0';
}

char *vos_path_relative_to(const char *top, const char *cwd, const char *path)
{
	char *abs, *ntop, *res = NULL;
	size_t tl;
	if (!path || !top)
		return NULL;
	abs = path[0] == '/' ? vos_strdup(path) : vos_asprintf("%s/%s", cwd ? cwd : top, path);
	ntop = vos_strdup(top);
	normalize_abs(abs);
	normalize_abs(ntop);
	tl = strlen(ntop);
	if (!strcmp(ntop, "/"))
		res = vos_strdup(abs + 1);
	else if (!strcmp(abs, ntop))
		res = vos_strdup("");
	else if (!strncmp(abs, ntop, tl) && abs[tl] == '/')
		res = vos_strdup(abs + tl + 1);
	free(abs);
	free(ntop);
	return res;
}

char *vos_git_index_relpath(const struct vos_git_index *ix, const char *cwd, const char *path)
{
	if (!ix->workdir)
		return NULL;
	return vos_path_relative_to(ix->workdir, cwd, path);
}
