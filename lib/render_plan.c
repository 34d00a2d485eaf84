/* render_plan.c - the one render plan (see render_plan.h). */
#include "render_plan.h"

#include <stdlib.h>
#include <string.h>

void vos_render_plan_init(struct vos_render_plan *p)
{
	memset(p, 0, sizeof(*p));
}

void vos_render_plan_release(struct vos_render_plan *p)
{
	size_t i;
	for (i = 0; i < p->n; i++)
		free(p->items[i].data);
	if (p->rebuilt) {
		vos_model_release(&p->own_model);
		vos_page_release(&p->own_page);
	}
	memset(p, 0, sizeof(*p));
}

static struct vos_render_item *add_item(struct vos_render_plan *p, enum vos_render_kind kind,
                                        const char *what, const struct vos_render_target *t)
{
	struct vos_render_item *it = &p->items[p->n++];
	it->kind = kind;
	it->what = what;
	it->path = t->path;
	it->old = t->old;
	it->old_len = t->old_len;
	return it;
}

static void set_changed(struct vos_render_item *it)
{
	it->changed = !it->old || it->len != it->old_len || memcmp(it->data, it->old, it->len) != 0;
}

/* The reconciled page and model: rebuilt from the rendered text unless render left the page's
 * text and name alone. A rendered page that does not parse leaves the input ones. */
static void reconcile(struct vos_render_plan *p, const struct vos_render_item *sp,
                      const struct vos_page *page, const struct vos_model *model,
                      struct vos_diags *diags)
{
	p->page = page;
	p->model = model;
	if (sp->len == page->len && !memcmp(sp->data, page->text, page->len) &&
	    vos_streq(sp->path, page->file))
		return;
	p->rebuild_err = vos_page_parse(&p->own_page, sp->path, sp->data, sp->len, diags);
	if (p->rebuild_err < 0) {
		vos_page_release(&p->own_page);
		return;
	}
	vos_model_build(&p->own_model, &p->own_page, model->inv, diags);
	vos_model_authority(&p->own_model, model->inventory_authority, diags);
	p->page = &p->own_page;
	p->model = &p->own_model;
	p->rebuilt = true;
}

void vos_render_plan_make(struct vos_render_plan *p, const struct vos_page *page,
                          const struct vos_model *model, const struct vos_render_inputs *in,
                          const struct vos_render_opts *opts, const char *now_iso,
                          struct vos_diags *diags)
{
	struct vos_render_item *it;
	char *now_alloc = NULL;
	bool ch;

	vos_render_plan_init(p);
	if (!now_iso)
		now_iso = now_alloc = vos_now_iso();

	it = add_item(p, VOS_RENDER_SERVICES, "services page", &in->services);
	vos_render_services_ex(&it->data, &it->len, &ch, &it->stats, page, model, now_iso, opts);
	set_changed(it);
	reconcile(p, it, page, model, diags);

	if (in->inventory.path) {
		it = add_item(p, VOS_RENDER_INVENTORY, "inventory page", &in->inventory);
		vos_render_inventory_page_ex(&it->data, &it->len, &ch, p->model, it->old, it->old_len, now_iso,
		                             opts);
		set_changed(it);
	}
	if (in->status.path && in->results) {
		it = add_item(p, VOS_RENDER_STATUS, "status page", &in->status);
		vos_render_status_page_ex(&it->data, &it->len, &ch, p->model, in->results, it->old,
		                          it->old_len, now_iso, opts);
		set_changed(it);
	}
	free(now_alloc);
}

const struct vos_render_item *vos_render_plan_item(const struct vos_render_plan *p,
                                                   enum vos_render_kind kind)
{
	size_t i;
	for (i = 0; i < p->n; i++)
		if (p->items[i].kind == kind)
			return &p->items[i];
	return NULL;
}
