/* lockfile.c - writes through PATH.lock, as git's lockfile.c and tempfile.c do (lockfile.h). */
#define _GNU_SOURCE
#include "lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ removal on a signal */

/* The lock files held, for the signal handler. Process-wide by nature (a signal is), like git's
 * tempfile list: slots of lock-free atomic pointers, so the handler never sees a half-made entry.
 * vosctl holds one lock at a time; a 65th at once is written all the same, only not cleaned up on
 * a signal. */
#define NSLOTS 64
static _Atomic(char *) slots[NSLOTS];
static const int lock_signals[] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction old_actions[VOS_ARRAY_SIZE(lock_signals)];
static atomic_flag installing = ATOMIC_FLAG_INIT;
static atomic_int installed;

static void on_signal(int sig)
{
	size_t i;
	int saved = errno;
	for (i = 0; i < NSLOTS; i++) {
		char *p = atomic_load(&slots[i]);
		if (p)
			unlink(p);
	}
	for (i = 0; i < VOS_ARRAY_SIZE(lock_signals); i++)
		if (lock_signals[i] == sig)
			sigaction(sig, &old_actions[i], NULL);
	errno = saved;
	raise(sig); /* delivered as before once this handler returns: the default kills the process */
}

static void install_handlers(void)
{
	size_t i;
	if (atomic_load(&installed) || atomic_flag_test_and_set(&installing))
		return;
	for (i = 0; i < VOS_ARRAY_SIZE(lock_signals); i++) {
		struct sigaction sa;
		if (sigaction(lock_signals[i], NULL, &old_actions[i]) < 0 ||
		    old_actions[i].sa_handler == SIG_IGN) /* ignored stays ignored (nohup) */
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(lock_signals[i], &sa, NULL);
	}
	atomic_store(&installed, 1);
}

static void lock_register(char *lock)
{
	size_t i;
	install_handlers();
	for (i = 0; i < NSLOTS; i++) {
		char *expected = NULL;
		if (atomic_compare_exchange_strong(&slots[i], &expected, lock))
			return;
	}
}

static void lock_unregister(char *lock)
{
	size_t i;
	for (i = 0; i < NSLOTS; i++) {
		char *expected = lock;
		if (atomic_compare_exchange_strong(&slots[i], &expected, NULL))
			return;
	}
}

/* ------------------------------------------------------------ the lock */

static int fail(struct vos_err *err, char *msg)
{
	return vos_err_take(err, VOS_EIO, msg);
}

int vos_lockfile_hold(struct vos_lockfile *lk, const char *path, unsigned mode, struct vos_err *err)
{
	struct stat st;
	int e;
	lk->path = NULL;
	lk->lock = vos_asprintf("%s.lock", path);
	lk->fd = -1;
	if (!mode)
		mode = lstat(path, &st) == 0 && S_ISREG(st.st_mode) ? (unsigned)(st.st_mode & 07777) : 0644;
	lk->fd = open(lk->lock, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, (mode_t)mode);
	if (lk->fd < 0) {
		char *msg;
		e = errno;
		if (e == EEXIST)
			msg = vos_asprintf("unable to create '%s': %s; another vosctl process seems to be "
			                   "writing '%s': if none is (one may have crashed), remove '%s' and "
			                   "try again", lk->lock, strerror(e), path, lk->lock);
		else
			msg = vos_asprintf("unable to create '%s': %s", lk->lock, strerror(e));
		free(lk->lock);
		lk->lock = NULL;
		return fail(err, msg);
	}
	lk->path = vos_strdup(path);
	lock_register(lk->lock);
	/* the final mode before any byte, whatever the umask: a hook is never briefly 0644 */
	if (fchmod(lk->fd, (mode_t)mode) < 0) {
		e = errno;
		vos_lockfile_rollback(lk);
		return fail(err, vos_asprintf("unable to set the mode of '%s.lock': %s", path, strerror(e)));
	}
	return 0;
}

int vos_lockfile_write(struct vos_lockfile *lk, const void *data, size_t len, struct vos_err *err)
{
	const char *p = data;
	while (len) {
		ssize_t w = write(lk->fd, p, len);
		if (w < 0) {
			int e = errno;
			char *msg;
			if (e == EINTR)
				continue;
			msg = vos_asprintf("unable to write '%s': %s", lk->path, strerror(e));
			vos_lockfile_rollback(lk);
			return fail(err, msg);
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* NULL when path is as expected, else why not (caller frees). */
static char *changed(const char *path, const struct vos_write_expect *expect)
{
	struct stat st;
	char *now = NULL, *msg;
	struct vos_err rerr = VOS_ERR_INIT;
	size_t len = 0;
	int rc;
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT && (!expect || !expect->data))
			return NULL;
		if (errno == ENOENT)
			return vos_asprintf("not writing '%s': it was removed since vosctl read it (by "
			                    "someone else meanwhile?); run the command again", path);
		return vos_asprintf("unable to check '%s': %s", path, strerror(errno));
	}
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		return vos_asprintf("not writing '%s': it is a symbolic link (to '%s'), and vosctl does not "
		                    "write through links: name the file itself in vosctl.yaml", path, target);
	}
	if (!S_ISREG(st.st_mode))
		return vos_asprintf("not writing '%s': it is not a regular file", path);
	if (!expect)
		return NULL;
	if (!expect->data)
		return vos_asprintf("not overwriting '%s': it was created since vosctl looked (by someone "
		                    "else meanwhile?); run the command again", path);
	rc = vos_file_read(&now, &len, path, expect->len, &rerr);
	if (rc == 0 && len == expect->len && !memcmp(now, expect->data, len)) {
		free(now);
		return NULL;
	}
	free(now);
	if (rc < 0 && rc != VOS_EINPUT) { /* over expect->len is a change, anything else an error */
		msg = rerr.msg;
		rerr.msg = NULL;
		return msg;
	}
	vos_err_clear(&rerr);
	return vos_asprintf("not overwriting '%s': it changed since vosctl read it (an edit saved "
	                    "meanwhile?); your version is kept: run the command again", path);
}

int vos_lockfile_commit(struct vos_lockfile *lk, const struct vos_write_expect *expect, struct vos_err *err)
{
	char *dir, *msg;
	int dfd, e;
	if (fsync(lk->fd) < 0) {
		e = errno;
		msg = vos_asprintf("unable to write '%s': %s", lk->path, strerror(e));
		goto fail;
	}
	e = close(lk->fd);
	lk->fd = -1;
	if (e < 0) {
		msg = vos_asprintf("unable to write '%s': %s", lk->path, strerror(errno));
		goto fail;
	}
	if ((msg = changed(lk->path, expect)))
		goto fail;
	if (rename(lk->lock, lk->path) < 0) {
		msg = vos_asprintf("unable to rename '%s' to '%s': %s", lk->lock, lk->path, strerror(errno));
		goto fail;
	}
	lock_unregister(lk->lock);
	dir = vos_path_dirname(lk->path);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* the rename is durable only once the directory is: a failure there is reported (EINVAL: a
	 * file system that cannot sync directories) */
	msg = NULL;
	if (dfd < 0 || (fsync(dfd) < 0 && errno != EINVAL))
		msg = vos_asprintf("wrote '%s', but unable to sync '%s': %s", lk->path, dir, strerror(errno));
	if (dfd >= 0)
		close(dfd);
	free(dir);
	free(lk->lock);
	free(lk->path);
	lk->lock = lk->path = NULL;
	return msg ? fail(err, msg) : 0;
fail:
	vos_lockfile_rollback(lk);
	return fail(err, msg);
}

void vos_lockfile_rollback(struct vos_lockfile *lk)
{
	if (lk->fd >= 0)
		close(lk->fd);
	lk->fd = -1;
	if (lk->lock) {
		unlink(lk->lock);
		lock_unregister(lk->lock);
	}
	free(lk->lock);
	free(lk->path);
	lk->lock = lk->path = NULL;
}

int vos_file_write(const char *path, const void *data, size_t len, unsigned mode,
                   const struct vos_write_expect *expect, struct vos_err *err)
{
	struct vos_lockfile lk;
	int rc;
	if ((rc = vos_lockfile_hold(&lk, path, mode, err)) < 0 ||
	    (rc = vos_lockfile_write(&lk, data, len, err)) < 0)
		return rc;
	return vos_lockfile_commit(&lk, expect, err);
}
