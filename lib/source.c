/* source.c - the work tree, the git index and the fetched head as sources of a lab (see source.h). */
#include "source.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "git.h"
#include "git_index.h"

/* ---------------------------------------------------------------- lists */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void vos_strv_push(char ***list, size_t *n, size_t *alloc, const char *s)
{
	VOS_GROW(*list, *alloc, *n + 2);
	(*list)[(*n)++] = vos_strdup(s);
	(*list)[*n] = NULL;
}

void vos_strv_sort(char ***list, size_t n, size_t *alloc)
{
	if (!*list) {
		VOS_GROW(*list, *alloc, 1);
		(*list)[0] = NULL;
	}
	qsort(*list, n, sizeof(**list), cmp_str);
}

void vos_strv_free(char **list)
{
	char **p;
	if (!list)
		return;
	for (p = list; *p; p++)
		free(*p);
	free(list);
}

bool vos_ends_with_any(const char *name, const char *const *suffixes)
{
	if (!suffixes)
		return true;
	for (; *suffixes; suffixes++)
		if (vos_ends_with(name, *suffixes))
			return true;
	return false;
}

int vos_source_each_changed(const struct vos_source *src, const char *suffix,
                            int (*fn)(const char *path, void *payload), void *payload,
                            struct vos_err *err)
{
	char **files = NULL;
	size_t n = 0, i;
	int rc;
	if (!src->changed)
		return 0;
	if ((rc = src->changed(src, suffix, &files, &n, err)) < 0)
		return rc;
	for (i = 0; i < n && rc >= 0; i++)
		rc = fn(files[i], payload);
	vos_strv_free(files);
	return rc < 0 ? rc : 0;
}

/* ---------------------------------------------------------------- the work tree */

static int wt_read(const struct vos_source *src, const char *path, size_t max, char **out,
                   size_t *len, struct vos_err *err)
{
	VOS_UNUSED(src);
	return vos_file_read(out, len, path, max, err);
}

static bool wt_exists(const struct vos_source *src, const char *path)
{
	VOS_UNUSED(src);
	return vos_is_file(path);
}

static int wt_list(const struct vos_source *src, const char *dir, const char *const *suffixes,
                   char ***out, size_t *n_out, int *why)
{
	char **list = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	struct stat st = {0};
	DIR *d;
	VOS_UNUSED(src);
	*out = NULL;
	*n_out = 0;
	*why = 0;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		*why = !st.st_mode ? errno : ENOTDIR;
		return VOS_EINPUT;
	}
	if (!(d = opendir(dir))) {
		*why = errno;
		return VOS_EINPUT;
	}
	while ((de = readdir(d))) {
		char *path;
		if (de->d_name[0] == '.' || !vos_ends_with_any(de->d_name, suffixes))
			continue;
		path = vos_path_join(dir, de->d_name);
		if (!vos_is_dir(path)) /* a directory named x.yaml is not a file of it */
			vos_strv_push(&list, &n, &alloc, path);
		free(path);
	}
	closedir(d);
	vos_strv_sort(&list, n, &alloc);
	*out = list;
	*n_out = n;
	return 0;
}

typedef int read_fn(const struct vos_source *, const char *, size_t, char **, size_t *,
                    struct vos_err *);
typedef bool exists_fn(const struct vos_source *, const char *);
typedef int list_fn(const struct vos_source *, const char *, const char *const *, char ***, size_t *,
                    int *);

static void source_init(struct vos_source *out, const char *name, read_fn *rd, exists_fn *ex,
                        list_fn *ls, void *payload)
{
	memset(out, 0, sizeof(*out));
	out->name = name;
	out->read = rd;
	out->exists = ex;
	out->list = ls;
	out->payload = payload;
}

void vos_source_worktree(struct vos_source *out)
{
	source_init(out, "the work tree", wt_read, wt_exists, wt_list, NULL);
	out->threadsafe = true;
}

/* ---------------------------------------------------------------- the index */

static int ix_read(const struct vos_source *src, const char *path, size_t max, char **out,
                   size_t *len, struct vos_err *err)
{
	int rc = vos_git_index_read(out, len, src->payload, path, max, err);
	if (rc == VOS_ENOTFOUND)
		vos_err_set(err, rc, "'%s' is not staged (git add it)", path);
	return rc;
}

static bool ix_exists(const struct vos_source *src, const char *path)
{
	return vos_git_index_has(src->payload, path);
}

static int ix_list(const struct vos_source *src, const char *dir, const char *const *suffixes,
                   char ***out, size_t *n, int *why)
{
	*why = 0;
	return vos_git_index_list(out, n, src->payload, dir, suffixes);
}

static int ix_changed(const struct vos_source *src, const char *suffix, char ***out, size_t *n,
                      struct vos_err *err)
{
	return vos_git_index_changed(out, n, src->payload, suffix, err);
}

void vos_source_index(struct vos_source *out, struct vos_git_index *ix, const char *cwd)
{
	source_init(out, "the index", ix_read, ix_exists, ix_list, ix);
	out->state = "staged";
	out->top = vos_git_index_workdir(ix) ? vos_strdup(vos_git_index_workdir(ix)) : NULL;
	out->cwd = cwd ? vos_strdup(cwd) : NULL;
	out->changed = ix_changed;
}

/* ---------------------------------------------------------------- files in memory */

static const struct vos_source_file *mem_find(const struct vos_source *src, const char *path)
{
	const struct vos_source_file *f;
	for (f = src->payload; f->path; f++)
		if (!strcmp(f->path, path))
			return f;
	return NULL;
}

static int mem_read(const struct vos_source *src, const char *path, size_t max, char **out,
                    size_t *len, struct vos_err *err)
{
	const struct vos_source_file *f = mem_find(src, path);
	*out = NULL;
	*len = 0;
	if (!f) {
		return vos_err_set(err, VOS_ENOTFOUND, "%s has no '%s'", src->name, path);
	}
	if (f->len > max) {
		return vos_err_set(err, VOS_EINPUT, "'%s' is larger than the limit of %zu bytes", path, max);
	}
	*out = vos_malloc(f->len + 1);
	memcpy(*out, f->data, f->len);
	(*out)[f->len] = '\0';
	*len = f->len;
	return 0;
}

static bool mem_exists(const struct vos_source *src, const char *path)
{
	return mem_find(src, path) != NULL;
}

static int mem_list(const struct vos_source *src, const char *dir, const char *const *suffixes,
                    char ***out, size_t *n, int *why)
{
	VOS_UNUSED(src);
	VOS_UNUSED(dir);
	VOS_UNUSED(suffixes);
	*out = NULL;
	*n = 0;
	*why = ENOTSUP;
	return VOS_EINPUT;
}

void vos_source_memory(struct vos_source *out, const char *name, struct vos_source_file *files)
{
	source_init(out, name, mem_read, mem_exists, mem_list, files);
	out->threadsafe = true;
}

int vos_source_open_index(struct vos_source *out, const char *cwd, struct vos_err *err)
{
	struct vos_git_index *ix = NULL;
	int rc = vos_git_index_open(&ix, cwd, err);
	memset(out, 0, sizeof(*out));
	if (rc < 0)
		return rc;
	if (!vos_git_index_workdir(ix)) {
		vos_err_set(err, VOS_EINPUT, "'%s' is a bare repository: there is no index to validate",
		            vos_git_index_gitdir(ix));
		vos_git_index_free(ix);
		return VOS_EINPUT;
	}
	vos_source_index(out, ix, cwd);
	out->owned = true;
	return 0;
}

void vos_source_release(struct vos_source *src)
{
	if (!src)
		return;
	if (src->owned)
		vos_git_index_free(src->payload);
	free(src->top);
	free(src->cwd);
	memset(src, 0, sizeof(*src));
}

char *vos_source_path(const struct vos_source *src, const char *path)
{
	if (!path)
		return NULL;
	if (!src->top)
		return vos_strdup(path);
	return vos_path_relative_to(src->top, src->cwd, path);
}

int vos_source_load(const struct vos_source *src, const char *path, size_t max, const char *rule,
                    char **out, size_t *len, struct vos_diags *diags)
{
	struct vos_err e = VOS_ERR_INIT;
	int rc = src->read(src, path, max, out, len, &e);
	if (rc < 0) {
		struct vos_loc loc = {path, 0, 0};
		vos_diags_add(diags, VOS_SEV_ERROR, &loc, rule, "%s", vos_err_msg(&e, "unable to read"));
		vos_err_clear(&e);
		return rc == VOS_EIO ? VOS_EIO : VOS_EINPUT;
	}
	return 0;
}
