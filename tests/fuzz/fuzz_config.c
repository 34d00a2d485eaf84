/* fuzz_config.c - libFuzzer target: the configuration loader (vos_config_parse). */
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
	vos_fuzz_config(data, size);
	return 0;
}
