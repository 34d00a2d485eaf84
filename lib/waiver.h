/* waiver.h - waivers applied to a run's findings (lib/waiver.c, docs/waivers.md). */
#ifndef VOS_WAIVER_H
#define VOS_WAIVER_H

#include "model.h"

/* Applies the inventory's waivers and the page's inline waivers to findings (all of them from the
 * checks of model m): a finding a waiver matches (its rule, and its service, host, selector or page
 * row) is marked waived (d->waiver) and no longer counted. A waiver that expired before today
 * (YYYYMMDD) waives nothing and is a "waiver-expired" error at the waiver; one that matches nothing
 * is a "waiver-unused" warning. */
void vos_waivers_apply(const struct vos_model *m, int today, struct vos_diags *findings);
/* The same with today's date (the clock, or $VOSCTL_TODAY): what publish, render --write and probe
 * accept is what validate accepts. A $VOSCTL_TODAY that is not a date applies none (validate
 * reports it as unusable input). */
void vos_waivers_apply_today(const struct vos_model *m, struct vos_diags *findings);

#endif
