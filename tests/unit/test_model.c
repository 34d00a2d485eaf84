/* test_model.c - merging page + inventory, integrity checks and the rules engine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "model.h"
#include "rules.h"

struct lab {
	struct vos_page page;
	struct vos_inventory inv;
	struct vos_model model;
	struct vos_diags d;
};

static const char PAGE_HEAD[] =
	"---\n"
	"title: Lab\n"
	"---\n"
	"\n"
	"# Lab\n"
	"\n"
	"## Control Plane (skynet)\n"
	"\n"
	"| Service | IP | Purpose |\n"
	"|---------|----|---------|\n"
	"| LiteLLM | 127.0.10.1 | LLM router |\n"
	"| Open WebUI | <LAN_IP> | Chat |\n"
	"\n"
	"## Compute Plane\n"
	"\n"
	"### watson (GPU Inference)\n"
	"\n"
	"| Service | IP | Purpose |\n"
	"|---------|----|---------|\n"
	"| vLLM | 127.0.10.3 | inference |\n"
	"\n"
	"## Placement Rules\n"
	"\n"
	"1. **skynet** routes, never computes heavy loads\n"
	"2. **watson** handles all GPU inference\n";

static const char INV_BASE[] =
	"vlans:\n"
	"  - {name: servers, cidr: 127.0.10.0/24}\n"
	"hosts:\n"
	"  - {name: skynet, plane: control, address: 127.0.10.1, vlan: servers}\n"
	"  - {name: watson, plane: compute, address: 127.0.10.3, vlan: servers, traits: [gpu]}\n"
	"services:\n"
	"  - id: litellm\n"
	"    name: LiteLLM\n"
	"    class: router\n"
	"    ports: [{port: 4000, check: http}]\n"
	"    depends_on: [vllm]\n"
	"  - id: open-webui\n"
	"    name: Open WebUI\n"
	"    class: ui\n"
	"    ports: [{port: 3000}]\n"
	"    depends_on: [litellm]\n"
	"  - id: vllm\n"
	"    name: vLLM\n"
	"    class: inference\n"
	"    traits: [heavy-compute, gpu-inference]\n"
	"    ports: [{port: 8000}]\n"
	"rules:\n"
	"  - id: skynet-routes\n"
	"    page_rule: 1\n"
	"    text: skynet routes, never computes heavy loads\n"
	"    assert: never-trait-on-host\n"
	"    hosts: [skynet]\n"
	"    traits: [heavy-compute]\n"
	"  - id: watson-gpu\n"
	"    page_rule: 2\n"
	"    text: watson handles all GPU inference\n"
	"    assert: only-on-host\n"
	"    select: {traits: [gpu-inference]}\n"
	"    hosts: [watson]\n";

static void dump(const struct vos_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "# %s:%u:%u: %s [%s] %s\n", d->items[i].file ? d->items[i].file : "-",
		        d->items[i].line, d->items[i].col, vos_severity_name(d->items[i].severity),
		        d->items[i].rule, d->items[i].message);
}

/* Builds page + inventory (+ extra YAML appended as a second file) and runs every check. */
static void lab_build(struct lab *l, const char *page, const char *inv, const char *extra)
{
	memset(l, 0, sizeof(*l));
	vos_diags_init(&l->d);
	assert_int_equal(vos_page_parse(&l->page, "services.md", page, strlen(page), &l->d), 0);
	vos_inventory_init(&l->inv);
	assert_int_equal(vos_inventory_load_buffer(&l->inv, "inventory/lab.yaml", inv, strlen(inv), &l->d), 0);
	if (extra)
		assert_int_equal(vos_inventory_load_buffer(&l->inv, "inventory/extra.yaml", extra, strlen(extra), &l->d), 0);
	if (vos_inventory_finish(&l->inv, &l->d) != 0) {
		dump(&l->d);
		fail_msg("inventory did not load");
	}
	vos_model_build(&l->model, &l->page, &l->inv, &l->d);
	vos_check_integrity(&l->model, &l->d);
	vos_rules_check(&l->model, &l->d);
}

static void lab_release(struct lab *l)
{
	vos_model_release(&l->model);
	vos_page_release(&l->page);
	vos_inventory_release(&l->inv);
	vos_diags_release(&l->d);
}

static size_t count_rule(const struct lab *l, const char *rule)
{
	size_t n = 0;
	for (size_t i = 0; i < l->d.n; i++)
		if (!strcmp(l->d.items[i].rule, rule))
			n++;
	return n;
}

static const struct vos_diag *find_rule(const struct lab *l, const char *rule)
{
	for (size_t i = 0; i < l->d.n; i++)
		if (!strcmp(l->d.items[i].rule, rule))
			return &l->d.items[i];
	dump(&l->d);
	fail_msg("no finding '%s'", rule);
	return NULL;
}

static char *cat(const char *a, const char *b)
{
	char *s = malloc(strlen(a) + strlen(b) + 1);
	strcpy(s, a);
	strcat(s, b);
	return s;
}

static void test_clean(void **state)
{
	struct lab l;
	(void)state;
	lab_build(&l, PAGE_HEAD, INV_BASE, NULL);
	if (l.d.n)
		dump(&l.d);
	assert_int_equal(l.d.n, 0);
	assert_int_equal(l.model.nservices, 3);
	assert_int_equal(l.model.nhosts, 2);
	{
		struct vos_mservice *s = vos_model_service(&l.model, "open-webui");
		assert_non_null(s);
		assert_non_null(s->row);
		assert_string_equal(vos_model_service_host(&l.model, s)->name, "skynet");
		/* placeholder on the page: the address comes from the inventory host */
		assert_string_equal(s->address, "127.0.10.1");
		assert_string_equal(s->purpose, "Chat");
	}
	lab_release(&l);
}

static void test_page_inventory_disagreements(void **state)
{
	struct lab l;
	const char *page =
		"## Control Plane (skynet)\n\n"
		"| Service | IP | Purpose |\n|---|---|---|\n"
		"| LiteLLM | 127.0.10.9 | router |\n"   /* line 5: address differs */
		"| Ghost | <LAN_IP> | nobody knows |\n" /* line 6: no inventory entry */
		"| Open WebUI | <LAN_IP> | chat |\n"
		"\n## Data Plane\n\n### deep-thought (Databases)\n\n"
		"| Service | IP | Purpose |\n|---|---|---|\n"
		"| vLLM | <LAN_IP> | misplaced |\n";
	const char *inv =
		"hosts:\n"
		"  - {name: skynet, address: 127.0.10.1}\n"
		"  - {name: watson, address: 127.0.10.3}\n"
		"services:\n"
		"  - {id: litellm, name: LiteLLM, class: router}\n"
		"  - {id: open-webui, name: Open WebUI, class: ui}\n"
		"  - {id: vllm, name: vLLM, class: inference, host: watson}\n"
		"  - {id: unlisted, name: Unlisted, class: ui}\n";
	const struct vos_diag *d;
	(void)state;
	lab_build(&l, page, inv, NULL);
	d = find_rule(&l, "address-mismatch");
	assert_int_equal(d->line, 5);
	assert_non_null(strstr(d->message, "127.0.10.9"));
	assert_non_null(strstr(d->message, "127.0.10.1"));
	assert_non_null(d->rel_file); /* cites the inventory too */
	d = find_rule(&l, "inventory-missing");
	assert_int_equal(d->line, 6);
	assert_non_null(strstr(d->message, "Ghost"));
	d = find_rule(&l, "page-unlisted");
	assert_string_equal(d->file, "inventory/lab.yaml");
	assert_string_equal(d->service, "unlisted");
	d = find_rule(&l, "placement-mismatch");
	assert_non_null(strstr(d->message, "deep-thought"));
	assert_non_null(strstr(d->message, "watson"));
	assert_string_equal(d->rel_file, "inventory/lab.yaml");
	assert_int_equal(count_rule(&l, "host-page-only"), 1);      /* deep-thought */
	assert_int_equal(count_rule(&l, "host-inventory-only"), 1); /* watson */
	/* the page decides: vLLM is on deep-thought */
	assert_string_equal(vos_model_service_host(&l.model, vos_model_service(&l.model, "vllm"))->name,
	                    "deep-thought");
	lab_release(&l);
}

/* Service ids: the model borrows the inventory's id map when it indexes every id once; it finds
 * page-only services by their page name either way, and builds its own map for an inventory not
 * finished or with a duplicate id (then the last service of an id wins, as it always did). */
static void test_service_ids(void **state)
{
	struct lab l;
	struct vos_model m;
	struct vos_inventory inv;
	struct vos_diags d;
	const char *page =
		"## Control Plane (skynet)\n\n"
		"| Service | IP | Purpose |\n|---|---|---|\n"
		"| LiteLLM | 127.0.10.1 | router |\n"
		"| Ghost | <LAN_IP> | nobody knows |\n";
	const char *yaml =
		"hosts:\n"
		"  - {name: skynet, address: 127.0.10.1}\n"
		"services:\n"
		"  - {id: litellm, name: LiteLLM, class: router}\n"
		"  - {id: unlisted, name: Unlisted, class: ui}\n";
	const char *dup =
		"services:\n"
		"  - {id: twin, name: First, class: ui}\n"
		"  - {id: twin, name: Second, class: ui}\n";
	struct vos_mservice *s;
	(void)state;
	lab_build(&l, page, yaml, NULL);
	assert_ptr_equal(l.model.inv_ids, &l.inv.service_by_id); /* borrowed, not a twin */
	assert_int_equal(l.model.service_by_id.n, 1);             /* only Ghost */
	s = vos_model_service(&l.model, "litellm");
	assert_non_null(s);
	assert_ptr_equal(s->inv, vos_inventory_service(&l.inv, "litellm"));
	s = vos_model_service(&l.model, "unlisted");
	assert_non_null(s);
	assert_string_equal(s->inv->id, "unlisted");
	s = vos_model_service(&l.model, "Ghost");
	assert_non_null(s);
	assert_null(s->inv);
	assert_null(vos_model_service(&l.model, "nobody"));
	lab_release(&l);

	/* an inventory loaded but not finished (no id map yet): the model indexes the ids itself */
	vos_diags_init(&d);
	memset(&l.page, 0, sizeof(l.page));
	assert_int_equal(vos_page_parse(&l.page, "services.md", page, strlen(page), &d), 0);
	vos_inventory_init(&inv);
	assert_int_equal(vos_inventory_load_buffer(&inv, "inventory/lab.yaml", yaml, strlen(yaml), &d), 0);
	vos_model_build(&m, &l.page, &inv, &d);
	assert_null(m.inv_ids);
	s = vos_model_service(&m, "unlisted");
	assert_non_null(s);
	assert_string_equal(s->inv->id, "unlisted");
	assert_non_null(vos_model_service(&m, "Ghost"));
	vos_model_release(&m);
	vos_inventory_release(&inv);

	/* a duplicate id: the inventory's map holds the first, the model's own the last */
	vos_inventory_init(&inv);
	assert_int_equal(vos_inventory_load_buffer(&inv, "inventory/lab.yaml", dup, strlen(dup), &d), 0);
	assert_int_not_equal(vos_inventory_finish(&inv, &d), 0);
	vos_model_build(&m, &l.page, &inv, &d);
	assert_null(m.inv_ids);
	s = vos_model_service(&m, "twin");
	assert_non_null(s);
	assert_string_equal(s->inv->name, "Second");
	vos_model_release(&m);
	vos_inventory_release(&inv);
	vos_page_release(&l.page);
	vos_diags_release(&d);
}

/* One display name on two hosts (a merge key copies `name`): each host's row is its own service. */
static void test_same_name_two_hosts(void **state)
{
	struct lab l;
	const char *page =
		"## Control Plane (skynet)\n\n"
		"| Service | IP | Purpose |\n|---|---|---|\n"
		"| Node Exporter | <LAN_IP> | metrics |\n"
		"\n## Compute Plane\n\n### watson (GPU Inference)\n\n"
		"| Service | IP | Purpose |\n|---|---|---|\n"
		"| Node Exporter | <LAN_IP> | metrics |\n";
	const char *inv =
		"hosts:\n"
		"  - {name: skynet, address: 127.0.10.1}\n"
		"  - {name: watson, address: 127.0.10.3}\n"
		"services:\n"
		"  - &exp {id: exp-watson, name: Node Exporter, class: monitoring, host: watson}\n"
		"  - {<<: *exp, id: exp-skynet, host: skynet}\n";
	struct vos_mservice *s;
	(void)state;
	lab_build(&l, page, inv, NULL);
	if (l.d.n)
		dump(&l.d);
	assert_int_equal(count_rule(&l, "page-duplicate"), 0);
	assert_int_equal(count_rule(&l, "page-unlisted"), 0);
	assert_int_equal(count_rule(&l, "placement-mismatch"), 0);
	assert_int_equal(l.model.nservices, 2);
	s = vos_model_service(&l.model, "exp-skynet");
	assert_non_null(s->row);
	assert_int_equal(s->row->loc.line, 5);
	assert_string_equal(s->address, "127.0.10.1");
	s = vos_model_service(&l.model, "exp-watson");
	assert_non_null(s->row);
	assert_int_equal(s->row->loc.line, 13);
	assert_string_equal(s->address, "127.0.10.3");
	lab_release(&l);
}

static void test_integrity(void **state)
{
	struct lab l;
	const char *extra =
		"vlans:\n"
		"  - {name: storage, cidr: 127.0.20.0/24}\n"
		"services:\n"
		"  - id: clash\n"
		"    name: Clash\n"
		"    class: ui\n"
		"    host: skynet\n"
		"    ports: [{port: 3990-4010}]\n"
		"    depends_on: [nothing-here, loop-b]\n"
		"  - {id: loop-b, name: Loop B, class: ui, host: skynet, depends_on: [loop-c]}\n"
		"  - {id: loop-c, name: Loop C, class: ui, host: skynet, depends_on: [loop-b]}\n";
	char *page = cat(PAGE_HEAD, "");
	char *inv = malloc(strlen(INV_BASE) + 200);
	(void)state;
	/* watson moves outside its VLAN and onto skynet's address */
	strcpy(inv, INV_BASE);
	{
		char *p = strstr(inv, "address: 127.0.10.3, vlan: servers");
		memcpy(p, "address: 127.0.10.1, vlan: servers", 34);
	}
	lab_build(&l, page, inv, extra);
	assert_int_equal(count_rule(&l, "port-clash"), 1);
	assert_non_null(strstr(find_rule(&l, "port-clash")->message, "4000"));
	assert_int_equal(count_rule(&l, "depends-unknown"), 1);
	assert_non_null(strstr(find_rule(&l, "depends-unknown")->message, "nothing-here"));
	assert_int_equal(count_rule(&l, "depends-cycle"), 1);
	assert_non_null(strstr(find_rule(&l, "depends-cycle")->message, "loop-b -> loop-c -> loop-b"));
	assert_int_equal(count_rule(&l, "address-shared"), 1);
	lab_release(&l);
	free(inv);

	inv = cat(INV_BASE, "");
	memcpy(strstr(inv, "127.0.10.3, vlan"), "127.0.99.3", 10);
	lab_build(&l, page, inv, NULL);
	assert_int_equal(count_rule(&l, "address-outside-vlan"), 1);
	assert_non_null(find_rule(&l, "address-outside-vlan")->rel_file);
	lab_release(&l);
	free(inv);
	free(page);
}

/* Addresses are computed once, in the model: a port's own, else its service's effective address
 * (the page row's unless a placeholder, else the inventory's: the service's, else its host's). */
static void test_addresses(void **state)
{
	struct lab l;
	const char *page =
		"## Control Plane (skynet)\n\n"
		"| Service | IP | Purpose |\n|---|---|---|\n"
		"| Alpha | <LAN_IP> | a |\n"
		"| Beta | <LAN_IP> | b |\n"
		"| Gamma | 127.0.10.7 | c |\n";
	const char *inv =
		"hosts:\n"
		"  - {name: skynet, address: 127.0.10.1}\n"
		"services:\n"
		"  - {id: alpha, name: Alpha, class: ui, ports: [{port: 80}, {port: 81, address: 127.0.10.9}]}\n"
		"  - {id: beta, name: Beta, class: ui, address: 127.0.10.1, ports: [{port: 80}]}\n"
		"  - {id: gamma, name: Gamma, class: ui, address: 127.0.10.7, ports: [{port: 80}]}\n";
	struct vos_mservice *s;
	(void)state;
	lab_build(&l, page, inv, NULL);
	s = vos_model_service(&l.model, "alpha");
	assert_string_equal(s->inv_address, "127.0.10.1");
	assert_string_equal(s->address, "127.0.10.1");
	assert_string_equal(s->port_address[0], "127.0.10.1");
	assert_string_equal(s->port_address[1], "127.0.10.9");
	s = vos_model_service(&l.model, "gamma");
	assert_string_equal(s->port_address[0], "127.0.10.7");
	/* beta's own address is skynet's: it listens where alpha does, so port 80 clashes (the
	 * clash check once compared beta's override with alpha's "no override" and saw none) */
	assert_int_equal(count_rule(&l, "port-clash"), 1);
	assert_non_null(strstr(find_rule(&l, "port-clash")->message, "'alpha' and 'beta'"));
	lab_release(&l);
}

/* The three forms of an address on the page and in the checks: IPv6 spelled two ways is one address,
 * a name compares ignoring case, a malformed page address is "address-invalid" (not a mismatch),
 * an IPv6 host outside its IPv6 VLAN is "address-outside-vlan", one address in two spellings on
 * two hosts is "address-shared" */
static void test_address_forms(void **state)
{
	struct lab l;
	const char *page =
		"## Control Plane (skynet)\n\n"
		"| Service | IP | Purpose |\n|---|---|---|\n"
		"| Alpha | 2001:DB8:10:0::1 | a |\n"
		"| Beta | DietPi.LAN | b |\n"
		"| Gamma | 192.168.10.300 | c |\n"
		"| Delta | skynet.lan:4000 | d |\n";
	const char *inv =
		"vlans:\n"
		"  - {name: v6, cidr: \"2001:db8:10::/48\"}\n"
		"hosts:\n"
		"  - {name: skynet, address: \"2001:db8:10::1\", vlan: v6}\n"
		"  - {name: far, address: \"2001:db8:99::1\", vlan: v6}\n"
		"  - {name: twin, address: \"2001:db8:10:0:0::1\"}\n"
		"services:\n"
		"  - {id: alpha, name: Alpha, class: ui, ports: [{port: 80}]}\n"
		"  - {id: beta, name: Beta, class: ui, address: dietpi.lan, ports: [{port: 81}]}\n"
		"  - {id: gamma, name: Gamma, class: ui, address: 192.168.10.3, ports: [{port: 82}]}\n"
		"  - {id: delta, name: Delta, class: ui, address: 192.168.10.4, ports: [{port: 83}]}\n";
	const struct vos_diag *d;
	size_t i;
	(void)state;
	lab_build(&l, page, inv, NULL);
	assert_int_equal(count_rule(&l, "address-mismatch"), 0);
	assert_int_equal(count_rule(&l, "address-invalid"), 2);
	for (i = 0; i < l.d.n; i++)
		if (!strcmp(l.d.items[i].rule, "address-invalid"))
			assert_true(l.d.items[i].line == 7 || l.d.items[i].line == 8); /* the page rows */
	d = find_rule(&l, "address-invalid");
	assert_non_null(strstr(d->message, "invalid address '192.168.10.300' for service 'gamma'"));
	assert_int_equal(count_rule(&l, "address-outside-vlan"), 1);
	assert_non_null(strstr(find_rule(&l, "address-outside-vlan")->message, "host 'far' has address 2001:db8:99::1"));
	assert_int_equal(count_rule(&l, "address-shared"), 1);
	assert_non_null(strstr(find_rule(&l, "address-shared")->message, "'skynet' and 'twin'"));
	lab_release(&l);
}

/* Host names ignore ASCII case, on the page, in the inventory and in rules, as render always
 * matched them: "### Watson" on the page is the inventory's host "watson". */
static void test_host_names_ignore_case(void **state)
{
	struct lab l;
	const char *page =
		"## Compute Plane\n\n### Watson (GPU Inference)\n\n"
		"| Service | IP | Purpose |\n|---|---|---|\n"
		"| vLLM | <LAN_IP> | inference |\n"
		"\n## Placement Rules\n\n1. **WATSON** handles all GPU inference\n";
	const char *inv =
		"hosts:\n"
		"  - {name: watson, plane: compute, address: 127.0.10.3}\n"
		"services:\n"
		"  - {id: vllm, name: vLLM, class: inference, host: WatSon, traits: [gpu-inference]}\n"
		"rules:\n"
		"  - {id: watson-gpu, page_rule: 1, text: watson handles all GPU inference,\n"
		"     assert: only-on-host, select: {traits: [gpu-inference]}, hosts: [watson]}\n";
	struct vos_mservice *s;
	(void)state;
	lab_build(&l, page, inv, NULL);
	if (l.d.n)
		dump(&l.d);
	assert_int_equal(l.d.n, 0); /* no host-page-only, host-inventory-only, placement-mismatch */
	assert_int_equal(l.model.nhosts, 1);
	s = vos_model_service(&l.model, "vllm");
	assert_non_null(s->row);
	assert_ptr_equal(vos_model_service_host(&l.model, s), vos_model_host(&l.model, "WATSON"));
	assert_string_equal(s->address, "127.0.10.3");
	assert_true(vos_name_eq("Watson", "watson"));
	assert_false(vos_name_eq("watson", "watson2"));
	lab_release(&l);
}

static void test_rules(void **state)
{
	struct lab l;
	const char *page =
		"## Control Plane (skynet)\n\n"
		"| Service | IP | Purpose |\n|---|---|---|\n"
		"| LiteLLM | <LAN_IP> | router |\n"
		"| Ollama | <LAN_IP> | inference on the router |\n" /* line 6 */
		"\n## Compute Plane\n\n### watson (GPU)\n\n"
		"| Service | IP | Purpose |\n|---|---|---|\n"
		"| vLLM | <LAN_IP> | inference |\n"
		"\n## Placement Rules\n\n"
		"1. **skynet** routes, never computes heavy loads\n"
		"2. **watson** handles all GPU inference\n"
		"3. **watson** runs only inference\n"
		"\n- No AI service is exposed directly to USER or GUEST VLANs\n";
	const char *inv =
		"vlans: [{name: servers, cidr: 127.0.10.0/24}, {name: user, cidr: 127.0.62.0/24},\n"
		"        {name: guest, cidr: 127.0.63.0/24}, {name: mgmt, cidr: 127.0.1.0/24}]\n"
		"hosts:\n"
		"  - {name: skynet, address: 127.0.10.1, vlan: servers}\n"
		"  - {name: watson, address: 127.0.10.3, vlan: servers, traits: [gpu]}\n"
		"services:\n"
		"  - {id: litellm, name: LiteLLM, class: router, exposure: [servers]}\n"
		"  - {id: ollama, name: Ollama, class: inference, traits: [heavy-compute, gpu-inference, ai],\n"
		"     exposure: [servers, user], admin_via: [user]}\n"
		"  - {id: vllm, name: vLLM, class: inference, traits: [heavy-compute, gpu-inference, stateful]}\n"
		"rules:\n"
		"  - {id: skynet-routes, page_rule: 1, text: skynet routes, assert: never-trait-on-host,\n"
		"     hosts: [skynet], traits: [heavy-compute]}\n"
		"  - {id: watson-gpu, page_rule: 2, text: watson handles all GPU inference, assert: only-on-host,\n"
		"     select: {traits: [gpu-inference]}, hosts: [watson]}\n"
		"  - {id: no-user, page_text: 'exposed directly to USER or GUEST', text: not on user,\n"
		"     assert: not-exposed-on-vlans, select: {traits: [ai]}, vlans: [user, guest]}\n"
		"  - {id: admin-mgmt, page_text: 'exposed directly', text: admin via mgmt,\n"
		"     assert: admin-only-via-vlans, vlans: [mgmt]}\n"
		"  - {id: storage-only, page_text: nowhere on the page, text: stateful on storage,\n"
		"     assert: stateful-only-where-storage}\n"
		"  - {id: skynet-class, page_rule: 9, text: skynet holds routers, assert: host-holds-only-class,\n"
		"     hosts: [skynet], classes: [router, ui]}\n"
		"  - {id: watson-require, text: watson runs only inference, page_rule: 3, assert: require,\n"
		"     select: {hosts: [watson]}, require: {classes: [inference]}}\n"
		"  - {id: no-gpu-on-skynet, text: forbid, assert: forbid, select: {hosts: [skynet]},\n"
		"     forbid: {traits: [gpu-inference]}}\n";
	const struct vos_diag *d;
	(void)state;
	lab_build(&l, page, inv, NULL);
	d = find_rule(&l, "skynet-routes");
	assert_int_equal(d->line, 6);
	assert_string_equal(d->service, "ollama");
	assert_string_equal(d->host, "skynet");
	assert_non_null(strstr(d->message, "heavy-compute"));
	assert_int_equal(count_rule(&l, "skynet-routes"), 1);
	assert_int_equal(count_rule(&l, "watson-gpu"), 1);        /* ollama, not vllm */
	assert_int_equal(count_rule(&l, "no-user"), 1);
	assert_int_equal(count_rule(&l, "admin-mgmt"), 1);
	assert_int_equal(count_rule(&l, "storage-only"), 1);      /* vllm is stateful, watson no storage */
	assert_int_equal(count_rule(&l, "skynet-class"), 1);      /* ollama is inference */
	assert_int_equal(count_rule(&l, "watson-require"), 0);
	assert_int_equal(count_rule(&l, "no-gpu-on-skynet"), 1);
	/* drift: storage-only cites absent text, skynet-class a missing page rule 9,
	 * no-gpu-on-skynet states nothing; every page rule is enforced */
	assert_int_equal(count_rule(&l, "rule-unstated"), 3);
	assert_int_equal(count_rule(&l, "rule-unenforced"), 0);
	assert_int_equal(find_rule(&l, "rule-unstated")->severity, VOS_SEV_WARNING);
	lab_release(&l);
}

/* Rules naming many hosts or services (looked up through a hash past 8 names) decide as short ones. */
static void test_rules_long_lists(void **state)
{
	struct lab l;
	const char *page =
		"## Control Plane (skynet)\n\n"
		"| Service | IP | Purpose |\n|---|---|---|\n"
		"| LiteLLM | <LAN_IP> | router |\n"
		"| Ollama | <LAN_IP> | inference on the router |\n"
		"\n## Compute Plane\n\n### watson (GPU)\n\n"
		"| Service | IP | Purpose |\n|---|---|---|\n"
		"| vLLM | <LAN_IP> | inference |\n"
		"\n## Placement Rules\n\n"
		"1. **watson** handles all GPU inference\n"
		"2. **skynet** routes\n";
	const char *inv =
		"hosts: [{name: skynet}, {name: watson}, {name: h1}, {name: h2}, {name: h3}, {name: h4},\n"
		"        {name: h5}, {name: h6}, {name: h7}, {name: h8}, {name: h9}]\n"
		"services:\n"
		"  - {id: s1, name: S1, class: ui}\n  - {id: s2, name: S2, class: ui}\n  - {id: s3, name: S3, class: ui}\n"
		"  - {id: s4, name: S4, class: ui}\n  - {id: s5, name: S5, class: ui}\n  - {id: s6, name: S6, class: ui}\n"
		"  - {id: s7, name: S7, class: ui}\n  - {id: s8, name: S8, class: ui}\n  - {id: s9, name: S9, class: ui}\n"
		"  - {id: litellm, name: LiteLLM, class: router}\n"
		"  - {id: ollama, name: Ollama, class: inference, traits: [gpu-inference]}\n"
		"  - {id: vllm, name: vLLM, class: inference, traits: [gpu-inference]}\n"
		"rules:\n"
		"  - {id: gpu-hosts, page_rule: 1, text: watson handles all GPU inference, assert: only-on-host,\n"
		"     select: {traits: [gpu-inference]}, hosts: [h1, h2, h3, h4, h5, h6, h7, h8, h9, watson]}\n"
		"  - {id: skynet-routes, page_rule: 2, text: skynet routes, assert: host-holds-only-class,\n"
		"     hosts: [h1, h2, h3, h4, h5, h6, h7, h8, h9, skynet], classes: [router]}\n"
		"  - {id: picked, text: picked, page_rule: 2, assert: forbid,\n"
		"     select: {services: [s1, s2, s3, s4, s5, s6, s7, s8, s9, vllm, litellm]},\n"
		"     forbid: {hosts: [h1, h2, h3, h4, h5, h6, h7, h8, h9, watson]}}\n";
	const struct vos_diag *d;
	(void)state;
	lab_build(&l, page, inv, NULL);
	assert_int_equal(count_rule(&l, "gpu-hosts"), 1);
	assert_string_equal(find_rule(&l, "gpu-hosts")->service, "ollama");
	assert_int_equal(count_rule(&l, "skynet-routes"), 1);
	assert_string_equal(find_rule(&l, "skynet-routes")->service, "ollama");
	assert_int_equal(count_rule(&l, "picked"), 1);
	d = find_rule(&l, "picked");
	assert_string_equal(d->service, "vllm");
	lab_release(&l);
}

static void test_rule_unenforced(void **state)
{
	struct lab l;
	char *inv = cat(INV_BASE, "");
	const struct vos_diag *d;
	(void)state;
	*strstr(inv, "  - id: watson-gpu") = '\0'; /* drop the machine rule for page rule 2 */
	lab_build(&l, PAGE_HEAD, inv, NULL);
	assert_int_equal(count_rule(&l, "rule-unenforced"), 1);
	d = find_rule(&l, "rule-unenforced");
	assert_string_equal(d->file, "services.md");
	assert_int_equal(d->line, 25); /* "2. **watson** ..." */
	assert_int_equal(d->severity, VOS_SEV_WARNING);
	lab_release(&l);
	free(inv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_page_inventory_disagreements),
		cmocka_unit_test(test_service_ids),
		cmocka_unit_test(test_same_name_two_hosts),
		cmocka_unit_test(test_integrity),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_address_forms),
		cmocka_unit_test(test_host_names_ignore_case),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_rules_long_lists),
		cmocka_unit_test(test_rule_unenforced),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
