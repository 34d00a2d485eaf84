/* error.h - the one error record for operational failures (and unusable arguments that have no
 * location); located problems in input files are vos_diags (diag.h) instead.
 *
 * The contract every lib function that takes a `struct vos_err *err` follows:
 * - on failure it returns a negative enum vos_error and, when err is non-NULL, records it in *err:
 *   err->code is the value returned and err->msg (owned by the record) says why in git's style
 *   ("unable to open 'x': No such file or directory"). err->msg is NULL only where the function
 *   documents it (the details went to its vos_diags, or a VOS_ENOTFOUND the caller words);
 * - on success it leaves *err untouched;
 * - the last error wins: recording into a record that already holds one replaces it (the earlier
 *   message is freed), so a function may record a first cause and then a better one;
 * - the record belongs to the caller, which starts it with VOS_ERR_INIT (or vos_err_init) and frees
 *   it with vos_err_clear (which also makes it reusable).
 */
#ifndef VOS_ERROR_H
#define VOS_ERROR_H

#include <stdarg.h>

#if defined(__GNUC__)
#define VOS_ERR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define VOS_ERR_PRINTF(f, a)
#endif

/* Error codes every lib function returns (0 ok, negative error). */
enum vos_error {
	VOS_OK = 0,
	VOS_ERROR = -1,   /* generic / internal */
	VOS_EINPUT = -2,  /* unusable input: details are in the diagnostics or the record */
	VOS_EIO = -3,     /* operational: file system, network, git, auth */
	VOS_ENOTFOUND = -4,
	VOS_EAUTH = -5,   /* operational: authentication refused */
	VOS_ENET = -6,    /* operational: network */
	VOS_EREJECTED = -7, /* operational: a push was refused because the remote branch moved
	                     * (non-fast-forward, noticed by libgit2 before sending or reported by
	                     * the server): fetch again, rebuild, retry */
};

struct vos_err {
	enum vos_error code; /* VOS_OK while nothing is recorded */
	char *msg;           /* owned; NULL when there is no message */
};

#define VOS_ERR_INIT {VOS_OK, NULL}
void vos_err_init(struct vos_err *err);
/* Frees the message and resets the record to VOS_ERR_INIT. NULL-safe. */
void vos_err_clear(struct vos_err *err);
/* Records code with a formatted message (replacing what err held) and returns code, so that a
 * failure reads `return vos_err_set(err, VOS_EIO, "unable to open '%s'", path);`. err may be NULL
 * (nothing recorded). */
int vos_err_set(struct vos_err *err, enum vos_error code, const char *fmt, ...) VOS_ERR_PRINTF(3, 4);
/* The same with a message already allocated: takes msg (frees it when err is NULL); msg may be NULL
 * (a failure whose details are in diagnostics). Returns code. */
int vos_err_take(struct vos_err *err, enum vos_error code, char *msg);
/* err->msg, or fallback when there is none (borrowed). */
const char *vos_err_msg(const struct vos_err *err, const char *fallback);

#endif
