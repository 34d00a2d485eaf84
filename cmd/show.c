/* show.c - vosctl show: the merged model, as text or JSON. */
#include "cli.h"
#include "probe.h"

#include <jansson.h>
#include <string.h>

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *str_array(char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *model_json(const struct vos_model *m)
{
	json_t *root = json_object(), *hosts = json_array(), *services = json_array(), *rules = json_array();
	size_t i, j;
	for (i = 0; i < m->nhosts; i++) {
		const struct vos_mhost *h = &m->hosts[i];
		json_t *o = json_object(), *sv = json_array();
		json_object_set_new(o, "name", json_string(h->name));
		json_object_set_new(o, "plane", jstr_or_null(h->plane));
		json_object_set_new(o, "address", jstr_or_null(h->inv ? h->inv->address : NULL));
		json_object_set_new(o, "vlan", jstr_or_null(h->inv ? h->inv->vlan : NULL));
		json_object_set_new(o, "traits", h->inv ? str_array(h->inv->traits, h->inv->ntraits) : json_array());
		for (j = 0; j < h->nservices; j++)
			json_array_append_new(sv, json_string(m->services[h->services[j]].id));
		json_object_set_new(o, "services", sv);
		json_array_append_new(hosts, o);
	}
	for (i = 0; i < m->nservices; i++) {
		const struct vos_mservice *s = &m->services[i];
		const struct vos_service *v = s->inv;
		const struct vos_mhost *h = vos_model_service_host(m, s);
		json_t *o = json_object(), *ports = json_array(), *deps = json_array();
		json_object_set_new(o, "id", json_string(s->id));
		if (v && v->ninstances > 1)
			json_object_set_new(o, "instance_of", json_string(v->base_id));
		json_object_set_new(o, "name", json_string(s->name));
		json_object_set_new(o, "host", jstr_or_null(h ? h->name : NULL));
		json_object_set_new(o, "class", jstr_or_null(v ? v->class_ : NULL));
		json_object_set_new(o, "traits", v ? str_array(v->traits, v->ntraits) : json_array());
		json_object_set_new(o, "address", jstr_or_null(s->address));
		for (j = 0; v && j < v->nports; j++) {
			const struct vos_port *p = &v->ports[j];
			json_t *po = json_object();
			json_object_set_new(po, "port", json_integer(p->port));
			if (p->port_end > p->port)
				json_object_set_new(po, "port_end", json_integer(p->port_end));
			json_object_set_new(po, "proto", json_string(p->proto ? p->proto : "tcp"));
			json_object_set_new(po, "check", json_string(vos_probe_check_name(p->check)));
			if (p->check == VOS_CHECK_HTTP || p->check == VOS_CHECK_HTTPS)
				json_object_set_new(po, "path", json_string(p->path ? p->path : "/"));
			json_array_append_new(ports, po);
		}
		json_object_set_new(o, "ports", ports);
		for (j = 0; v && j < v->ndepends_on; j++)
			json_array_append_new(deps, json_string(v->depends_on[j].s));
		json_object_set_new(o, "depends_on", deps);
		json_object_set_new(o, "purpose", jstr_or_null(s->purpose));
		json_object_set_new(o, "on_page", json_boolean(s->row != NULL));
		json_object_set_new(o, "in_inventory", json_boolean(v != NULL));
		if (v && v->immutable)
			json_object_set_new(o, "immutable", json_true());
		json_array_append_new(services, o);
	}
	for (i = 0; i < m->inv->nrules; i++) {
		const struct vos_rule *r = &m->inv->rules[i];
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string(r->id));
		json_object_set_new(o, "text", jstr_or_null(r->text));
		json_object_set_new(o, "assert", json_string(vos_assert_kind_name(r->assert_kind)));
		if (r->page_rule)
			json_object_set_new(o, "page_rule", json_integer(r->page_rule));
		json_array_append_new(rules, o);
	}
	json_object_set_new(root, "hosts", hosts);
	json_object_set_new(root, "services", services);
	json_object_set_new(root, "rules", rules);
	return root;
}

static void print_ports(struct vos_buf *b, const struct vos_service *v)
{
	size_t j;
	for (j = 0; v && j < v->nports; j++) {
		const struct vos_port *p = &v->ports[j];
		if (j)
			vos_buf_addc(b, ',');
		vos_port_describe(b, p);
		if ((!p->proto || !strcmp(p->proto, "tcp")) && p->check != VOS_CHECK_TCP)
			vos_buf_addf(b, "/%s", vos_probe_check_name(p->check));
	}
	if (!b->len)
		vos_buf_addc(b, '-');
}

static void print_text(const struct vos_model *m, bool color)
{
	const char *bold = color ? "\033[1m" : "", *dim = color ? "\033[2m" : "", *reset = color ? "\033[0m" : "";
	size_t i, j, unplaced = 0;
	struct vos_buf b = VOS_BUF_INIT;
	struct vos_arena a; /* escaped copies of what has control characters (a page edit can) */
#define Q(s) vos_arena_escaped(&a, (s))
	vos_arena_init(&a);
	for (i = 0; i < m->nhosts; i++) {
		const struct vos_mhost *h = &m->hosts[i];
		printf("%s%s%s", bold, Q(h->name), reset);
		printf("%s  %s plane", dim, h->plane ? Q(h->plane) : "no");
		if (h->inv && h->inv->address)
			printf(", %s", Q(h->inv->address));
		if (h->inv && h->inv->vlan)
			printf(", vlan %s", Q(h->inv->vlan));
		for (j = 0; h->inv && j < h->inv->ntraits; j++)
			printf("%s%s", j ? "," : ", traits ", Q(h->inv->traits[j]));
		printf("%s\n", reset);
		for (j = 0; j < h->nservices; j++) {
			const struct vos_mservice *s = &m->services[h->services[j]];
			vos_buf_reset(&b);
			print_ports(&b, s->inv);
			printf("  %-18s %-22s %-10s %-24s %s\n", Q(s->id), Q(s->name),
			       s->inv && s->inv->class_ ? Q(s->inv->class_) : "-", Q(b.ptr),
			       s->purpose ? Q(s->purpose) : "");
		}
	}
	for (i = 0; i < m->nservices; i++)
		if (m->services[i].host < 0) {
			if (!unplaced++)
				printf("%s(no host)%s\n", bold, reset);
			printf("  %-18s %s\n", Q(m->services[i].id), Q(m->services[i].name));
		}
	if (m->inv->nrules)
		printf("%srules%s\n", bold, reset);
	for (i = 0; i < m->inv->nrules; i++)
		printf("  %-28s %s\n", Q(m->inv->rules[i].id), m->inv->rules[i].text ? Q(m->inv->rules[i].text) : "");
#undef Q
	vos_arena_release(&a);
	vos_buf_release(&b);
}

int cli_cmd_show(struct cli_ctx *ctx, int argc, const char **argv)
{
	const char *format = "text";
	int n, rc;
	struct cli_opt opts[] = {
		CLI_OPT_STRING(0, "format", &format, "FMT", "text (default) or json"),
		CLI_OPT_END(),
	};
	n = cli_parse_options(ctx, argc, argv, opts);
	if (n < 0)
		return n == -2 ? 0 : CLI_EXIT_USAGE;
	if (strcmp(format, "text") && strcmp(format, "json")) {
		cli_error("unknown format '%s' (text or json)", format);
		return CLI_EXIT_USAGE;
	}
	rc = cli_ctx_load(ctx);
	if (rc)
		return rc;
	if (!strcmp(format, "json")) {
		json_t *j = model_json(&ctx->lab.model);
		cli_json_dump(stdout, j);
		json_decref(j);
	} else {
		print_text(&ctx->lab.model, ctx->color);
	}
	return CLI_EXIT_CLEAN;
}
