/* baseline.h - known findings in a file (validate --baseline / --write-baseline, lib/baseline.c).
 *
 * A baseline is JSON: {"version": 1, "findings": [{"rule", "service", "host", "port", "subject"}]},
 * sorted by fingerprint (struct vos_diag: rule + the ids a finding is about, never a line or the
 * message, so a moved row keeps its match). See docs/waivers.md. */
#ifndef VOS_BASELINE_H
#define VOS_BASELINE_H

#include "diag.h"
#include "error.h"

struct vos_baseline_entry {
	char *rule, *service, *host, *port, *subject; /* owned; NULL when absent */
	char *fingerprint;                            /* owned */
	bool matched;
};

struct vos_baseline {
	struct vos_baseline_entry *items;
	size_t n, alloc;
	struct vos_map by_fp; /* fingerprint -> index + 1 of its first entry */
};

void vos_baseline_init(struct vos_baseline *b);
void vos_baseline_release(struct vos_baseline *b);
/* Parses a baseline's text. Returns 0, or VOS_EINPUT with a located "baseline" error in diags. */
int vos_baseline_parse(struct vos_baseline *out, const char *file, const char *text, size_t len,
                       struct vos_diags *diags);
/* Marks every counted finding as VOS_BASELINE_UNCHANGED (one entry each, uncounted) or
 * VOS_BASELINE_NEW, and adds a note (VOS_BASELINE_ABSENT, counted in fixed) for every entry no
 * finding matched. Returns the number of new findings. */
size_t vos_baseline_apply(struct vos_baseline *b, struct vos_diags *findings);
/* The baseline of findings (every one that counts or is unchanged; not waived ones, not fixed
 * entries) as JSON text, sorted and stable; caller frees. */
char *vos_baseline_text(const struct vos_diags *findings, size_t *len);

#endif
