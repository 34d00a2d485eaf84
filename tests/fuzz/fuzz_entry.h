/* fuzz_entry.h - the entry points the fuzz targets (tests/fuzz/fuzz_*.c) and the regression replay
 * (tests/unit/test_fuzz_regress.c) share, so that a kept reproducer goes through exactly the code
 * the fuzzer ran. Each function parses untrusted bytes, releases everything (a leak is a bug) and
 * returns the parser's result (0 or a negative enum vos_error); it never crashes, whatever the input.
 */
#ifndef VOS_FUZZ_ENTRY_H
#define VOS_FUZZ_ENTRY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "diag.h"
#include "model.h"
#include "util.h"

/* The services page parser. */
static inline int vos_fuzz_page(const uint8_t *data, size_t size)
{
	struct vos_page page;
	struct vos_diags diags;
	int err;
	vos_diags_init(&diags);
	err = vos_page_parse(&page, "fuzz.md", (const char *)data, size, &diags);
	vos_page_release(&page);
	vos_diags_release(&diags);
	return err;
}

/* The inventory loader: one buffer as one inventory file, then the cross-reference checks. */
static inline int vos_fuzz_inventory(const uint8_t *data, size_t size)
{
	struct vos_inventory inv;
	struct vos_diags diags;
	int err, ferr;
	vos_diags_init(&diags);
	vos_inventory_init(&inv);
	err = vos_inventory_load_buffer(&inv, "fuzz.yaml", (const char *)data, size, &diags);
	ferr = vos_inventory_finish(&inv, &diags);
	vos_inventory_release(&inv);
	vos_diags_release(&diags);
	return err < 0 ? err : ferr;
}

/* The configuration loader (vosctl.yaml text; nothing is read from disk). */
static inline int vos_fuzz_config(const uint8_t *data, size_t size)
{
	struct vos_config cfg;
	struct vos_diags diags;
	int err;
	vos_diags_init(&diags);
	err = vos_config_parse(&cfg, "vosctl.yaml", "/nonexistent/base", (const char *)data, size, &diags);
	vos_config_release(&cfg);
	vos_diags_release(&diags);
	return err;
}

/* Where the rules input splits: the first line that is exactly "----" (page above, YAML below). */
static inline size_t vos_fuzz_split(const char *s, size_t size, size_t *rest_out)
{
	size_t i = 0;
	while (i < size) {
		const char *nl = memchr(s + i, '\n', size - i);
		size_t end = nl ? (size_t)(nl - s) : size;
		size_t n = end - i;
		if (n > 0 && s[end - 1] == '\r')
			n--;
		if (n == 4 && memcmp(s + i, "----", 4) == 0) {
			*rest_out = nl ? end + 1 : size;
			return i;
		}
		i = nl ? end + 1 : size;
	}
	*rest_out = size;
	return size;
}

/* The rule engine on a loaded model: page + "----" line + inventory YAML. Like the commands, the
 * model is built only when both inputs parsed. */
static inline int vos_fuzz_rules(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct vos_page page;
	struct vos_inventory inv;
	struct vos_model model;
	struct vos_diags diags;
	size_t rest, plen = vos_fuzz_split(s, size, &rest);
	int perr, ierr, err = 0;
	vos_diags_init(&diags);
	vos_inventory_init(&inv);
	perr = vos_page_parse(&page, "fuzz.md", s, plen, &diags);
	ierr = vos_inventory_load_buffer(&inv, "fuzz.yaml", s + rest, size - rest, &diags);
	if (ierr == 0)
		ierr = vos_inventory_finish(&inv, &diags);
	if (perr == 0 && ierr == 0) {
		err = vos_model_build(&model, &page, &inv, &diags);
		if (err == 0) {
			vos_check_integrity(&model, &diags);
			vos_rules_check(&model, &diags);
		}
		vos_model_release(&model);
	}
	vos_page_release(&page);
	vos_inventory_release(&inv);
	vos_diags_release(&diags);
	return perr < 0 ? perr : ierr < 0 ? ierr : err;
}

#endif
