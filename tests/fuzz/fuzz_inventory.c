/* fuzz_inventory.c - libFuzzer target: the inventory loader (load_buffer + finish). */
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
	vos_fuzz_inventory(data, size);
	return 0;
}
