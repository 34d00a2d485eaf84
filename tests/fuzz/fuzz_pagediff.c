/* fuzz_pagediff.c - libFuzzer target, differential: the services page parsed whole and in pieces
 * (lib/page.c splits a large body at headings) must agree on the model and the diagnostics; any
 * difference aborts, with both dumps on stderr. */
#include <stdlib.h>

#include "fuzz_entry.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	VOS_UNUSED(argc);
	VOS_UNUSED(argv);
	vos_page_prepare();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (vos_fuzz_page_diff(data, size) > 0)
		abort();
	return 0;
}
