/* test_lockfile.c - writes through PATH.lock (lib/lockfile.c): an existing lock, the mode at
 * creation, a file changed since it was read, a symbolic link, and removal on SIGINT/SIGTERM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lockfile.h"

struct fx {
	char dir[64];
	char *path, *lock;
};

static int setup(void **state)
{
	struct fx *f = vos_calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/vos-lock-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	f->path = vos_asprintf("%s/page.md", f->dir);
	f->lock = vos_asprintf("%s/page.md.lock", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char *other = vos_asprintf("%s/other.md", f->dir);
	unlink(f->path);
	unlink(f->lock);
	unlink(other);
	rmdir(f->dir);
	free(other);
	free(f->path);
	free(f->lock);
	free(f);
	return 0;
}

static void put(const char *path, const char *text)
{
	struct vos_err err = VOS_ERR_INIT;
	assert_int_equal(vos_file_write(path, text, strlen(text), 0, NULL, &err), 0);
}

static void assert_content(const char *path, const char *want)
{
	char *text = NULL;
	struct vos_err err = VOS_ERR_INIT;
	size_t len;
	assert_int_equal(vos_file_read(&text, &len, path, 1u << 20, &err), 0);
	assert_string_equal(text, want);
	free(text);
}

/* an existing PATH.lock: nothing written, the lock (someone else's) left alone, and named */
static void test_existing_lock(void **state)
{
	struct fx *f = *state;
	struct vos_err err = VOS_ERR_INIT;
	put(f->path, "mine\n");
	put(f->lock, "held by another vosctl\n");
	assert_int_equal(vos_file_write(f->path, "new\n", 4, 0, NULL, &err), VOS_EIO);
	assert_non_null(strstr(err.msg, f->lock));
	assert_non_null(strstr(err.msg, "another vosctl process seems to be"));
	assert_non_null(strstr(err.msg, "remove"));
	vos_err_clear(&err);
	assert_content(f->path, "mine\n");
	assert_content(f->lock, "held by another vosctl\n");
}

/* the lock has its final mode from its creation, whatever the umask; a replaced file's mode is kept */
static void test_mode_at_creation(void **state)
{
	struct fx *f = *state;
	struct vos_lockfile lk;
	struct stat st;
	struct vos_err err = VOS_ERR_INIT;
	mode_t old = umask(077);
	assert_int_equal(vos_lockfile_hold(&lk, f->path, 0755, &err), 0);
	assert_int_equal(stat(f->lock, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755); /* before any byte is written */
	assert_int_equal(st.st_size, 0);
	assert_int_equal(vos_lockfile_write(&lk, "#!/bin/sh\n", 10, &err), 0);
	assert_int_equal(vos_lockfile_commit(&lk, NULL, &err), 0);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(access(f->lock, F_OK), -1);
	/* mode 0: the replaced file's mode, not the umask's */
	assert_int_equal(chmod(f->path, 0640), 0);
	put(f->path, "again\n");
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	unlink(f->path);
	put(f->path, "new file\n");
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	umask(old);
}

/* a file saved by someone else after it was read is never overwritten */
static void test_changed_since_read(void **state)
{
	struct fx *f = *state;
	struct vos_write_expect was = {"as read\n", 8}, missing = {NULL, 0};
	struct vos_err err = VOS_ERR_INIT;
	put(f->path, "as read\n");
	assert_int_equal(vos_file_write(f->path, "rendered\n", 9, 0, &was, &err), 0);
	assert_content(f->path, "rendered\n");
	/* the user's edit, same length and longer */
	put(f->path, "as READ\n");
	assert_int_equal(vos_file_write(f->path, "rendered\n", 9, 0, &was, &err), VOS_EIO);
	assert_non_null(strstr(err.msg, "changed since vosctl read it"));
	assert_non_null(strstr(err.msg, f->path));
	vos_err_clear(&err);
	assert_content(f->path, "as READ\n");
	assert_int_equal(access(f->lock, F_OK), -1);
	put(f->path, "as read\nand more\n");
	assert_int_equal(vos_file_write(f->path, "rendered\n", 9, 0, &was, &err), VOS_EIO);
	vos_err_clear(&err);
	assert_content(f->path, "as read\nand more\n");
	/* expected missing, but created meanwhile */
	assert_int_equal(vos_file_write(f->path, "rendered\n", 9, 0, &missing, &err), VOS_EIO);
	assert_non_null(strstr(err.msg, "created since vosctl looked"));
	vos_err_clear(&err);
	assert_content(f->path, "as read\nand more\n");
	/* expected, but removed meanwhile */
	unlink(f->path);
	assert_int_equal(vos_file_write(f->path, "rendered\n", 9, 0, &was, &err), VOS_EIO);
	vos_err_clear(&err);
	assert_int_equal(access(f->path, F_OK), -1);
	assert_int_equal(vos_file_write(f->path, "rendered\n", 9, 0, &missing, &err), 0);
	assert_content(f->path, "rendered\n");
}

/* a symbolic link is refused: the link and its target stay as they were */
static void test_symlink_refused(void **state)
{
	struct fx *f = *state;
	char *other = vos_asprintf("%s/other.md", f->dir);
	struct vos_err err = VOS_ERR_INIT;
	struct stat st;
	put(other, "target\n");
	assert_int_equal(symlink("other.md", f->path), 0);
	assert_int_equal(vos_file_write(f->path, "new\n", 4, 0, NULL, &err), VOS_EIO);
	assert_non_null(strstr(err.msg, "symbolic link"));
	assert_non_null(strstr(err.msg, "other.md"));
	vos_err_clear(&err);
	assert_int_equal(lstat(f->path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_content(other, "target\n");
	assert_int_equal(access(f->lock, F_OK), -1);
	free(other);
}

/* a signal while the lock is held removes it, then kills as the signal does */
static void killed_while_holding(struct fx *f, int sig)
{
	int status;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct vos_lockfile lk;
		struct vos_err err = VOS_ERR_INIT;
		if (vos_lockfile_hold(&lk, f->path, 0, &err) < 0 || vos_lockfile_write(&lk, "half", 4, &err) < 0)
			_exit(10);
		if (access(f->lock, F_OK) < 0)
			_exit(11);
		raise(sig);
		_exit(12); /* not reached */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), sig);
	assert_int_equal(access(f->lock, F_OK), -1);
	assert_content(f->path, "kept\n");
}

static void test_signal_removes_lock(void **state)
{
	struct fx *f = *state;
	put(f->path, "kept\n");
	killed_while_holding(f, SIGTERM);
	killed_while_holding(f, SIGINT);
	killed_while_holding(f, SIGHUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_existing_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode_at_creation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_since_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_removes_lock, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
