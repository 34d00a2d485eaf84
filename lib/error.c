/* error.c - the error record (contract in error.h). */
#include <stdlib.h>

#include "error.h"
#include "util.h"

void vos_err_init(struct vos_err *err)
{
	err->code = VOS_OK;
	err->msg = NULL;
}

void vos_err_clear(struct vos_err *err)
{
	if (!err)
		return;
	free(err->msg);
	vos_err_init(err);
}

int vos_err_take(struct vos_err *err, enum vos_error code, char *msg)
{
	if (!err) {
		free(msg);
		return code;
	}
	free(err->msg);
	err->code = code;
	err->msg = msg;
	return code;
}

int vos_err_set(struct vos_err *err, enum vos_error code, const char *fmt, ...)
{
	va_list ap;
	if (!err)
		return code;
	va_start(ap, fmt);
	vos_err_take(err, code, vos_vasprintf(fmt, ap));
	va_end(ap);
	return code;
}

const char *vos_err_msg(const struct vos_err *err, const char *fallback)
{
	return err && err->msg ? err->msg : fallback;
}
