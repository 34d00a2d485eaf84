/* tmptree.h - for unit tests that need files: a fresh directory per test (tmpdir, removed
 * afterwards, $HOME pointing at it and git's environment cleared), sh() to run the git CLI there,
 * put() to write a file under it. Include after <cmocka.h>, <ftw.h> and a lib header. */
#ifndef VOS_TEST_TMPTREE_H
#define VOS_TEST_TMPTREE_H

#include "lockfile.h"

static char tmpdir[256];

static inline int tmptree_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	VOS_UNUSED(sb);
	VOS_UNUSED(flag);
	VOS_UNUSED(ftw);
	return remove(path);
}

static inline void sh(const char *fmt, ...) VOS_PRINTF(1, 2);
static inline void sh(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	va_start(ap, fmt);
	cmd = vos_vasprintf(fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* Writes text to tmpdir/rel, making its directories. */
static inline void put(const char *rel, const char *text)
{
	char *path = vos_path_join(tmpdir, rel), *dir = vos_path_dirname(path);
	struct vos_err err = VOS_ERR_INIT;
	assert_int_equal(vos_mkdir_p(dir, 0755), 0);
	assert_int_equal(vos_file_write(path, text, strlen(text), 0, NULL, &err), 0);
	free(path);
	free(dir);
}

static inline int tmptree_setup(void **state)
{
	VOS_UNUSED(state);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_INDEX_FILE");
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vos-unit-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	setenv("HOME", tmpdir, 1);
	return 0;
}

static inline int tmptree_teardown(void **state)
{
	VOS_UNUSED(state);
	nftw(tmpdir, tmptree_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	unsetenv("GIT_INDEX_FILE");
	return chdir("/");
}

#endif
