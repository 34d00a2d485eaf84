/* lockfile.h - every file vosctl writes is written as git's lockfile.c writes one: PATH.lock is
 * created with O_CREAT|O_EXCL and its final mode, filled, fsynced and renamed over PATH. A lock
 * that exists is another vosctl at work (or one that crashed): nothing is written. The lock files
 * held are removed on SIGINT, SIGTERM and SIGHUP (then the signal is raised again). A PATH that is
 * a symbolic link is refused (the rename would replace the link with a file; vosctl does not write
 * through links). With an expectation, PATH must still hold what was read (a user's edit saved
 * meanwhile is never overwritten). Errors are VOS_EIO (exit 3), recorded in err (error.h).
 * See docs/security.md. */
#ifndef VOS_LOCKFILE_H
#define VOS_LOCKFILE_H

#include "util.h"

/* One PATH.lock being written. */
struct vos_lockfile {
	char *path;  /* the file it replaces */
	char *lock;  /* path + ".lock" (registered for removal on a signal) */
	int fd;      /* -1 once closed */
};

/* What PATH must hold when the lock is committed: what was read, or nothing (missing). */
struct vos_write_expect {
	const char *data; /* NULL: PATH must not exist */
	size_t len;
};

/* Creates path.lock with mode (0: the mode of the file it replaces, else 0644), set exactly
 * (fchmod, not the umask) before any byte is written. lk is the caller's; release it with
 * vos_lockfile_commit or vos_lockfile_rollback. */
int vos_lockfile_hold(struct vos_lockfile *lk, const char *path, unsigned mode, struct vos_err *err);
int vos_lockfile_write(struct vos_lockfile *lk, const void *data, size_t len, struct vos_err *err);
/* fsync and close the lock, check path (not a link; with expect non-NULL, still what was read),
 * rename the lock over it and fsync its directory. On an error the lock is removed and path is
 * left as it was. */
int vos_lockfile_commit(struct vos_lockfile *lk, const struct vos_write_expect *expect, struct vos_err *err);
/* Removes the lock (when held) and releases lk. Safe to call twice. */
void vos_lockfile_rollback(struct vos_lockfile *lk);

/* The whole write in one call: hold, write, commit. */
int vos_file_write(const char *path, const void *data, size_t len, unsigned mode,
                   const struct vos_write_expect *expect, struct vos_err *err);

#endif
