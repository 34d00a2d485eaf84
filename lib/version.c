/* version.c - the one place that knows the version (VERSION, through the generated version.h). */
#include "util.h"
#include "version.h"

const char *vos_version(void)
{
	return VOS_VERSION;
}
