/* rules.h - the inventory's placement rules evaluated on the model (lib/rules.c). */
#ifndef VOS_RULES_H
#define VOS_RULES_H

#include "model.h"

/* Evaluate the inventory's rules on the model, and the page/rules drift checks
 * ("rule-unenforced": a page rule no machine rule implements; "rule-unstated": a machine rule
 * the page does not state). */
void vos_rules_check(const struct vos_model *m, struct vos_diags *findings);
bool vos_selector_matches(const struct vos_model *m, const struct vos_selector *sel,
                          const struct vos_mservice *s);

#endif
