/* test_inventory.c - the inventory loader: good files, defaults, ranges, every error kind located. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include "model.h"


static char *fixture(const char *name)
{
	const char *src = getenv("SRC");
	return vos_asprintf("%s/tests/fixtures/inventory/%s", src && *src ? src : ".", name);
}

struct fx {
	struct vos_inventory inv;
	struct vos_diags diags;
	int rc;
};

/* Loads one buffer as file "inv.yaml", then finish. */
static struct fx *load(const char *text)
{
	struct fx *f = vos_calloc(1, sizeof(*f));
	int rc;
	vos_diags_init(&f->diags);
	vos_inventory_init(&f->inv);
	f->rc = vos_inventory_load_buffer(&f->inv, "inv.yaml", text, strlen(text), &f->diags);
	rc = vos_inventory_finish(&f->inv, &f->diags);
	if (!f->rc)
		f->rc = rc;
	return f;
}

static void done(struct fx *f)
{
	vos_inventory_release(&f->inv);
	vos_diags_release(&f->diags);
	free(f);
}

/* Asserts a diagnostic with rule at line:col whose message contains needle exists. */
static void expect_diag(struct fx *f, const char *rule, unsigned line, unsigned col, const char *needle)
{
	size_t i;
	for (i = 0; i < f->diags.n; i++) {
		struct vos_diag *d = &f->diags.items[i];
		if (strcmp(d->rule, rule) == 0 && d->line == line && d->col == col &&
		    (!needle || strstr(d->message, needle)))
			return;
	}
	for (i = 0; i < f->diags.n; i++)
		print_message("# have %s:%u:%u %s: %s\n", f->diags.items[i].file, f->diags.items[i].line,
		              f->diags.items[i].col, f->diags.items[i].rule, f->diags.items[i].message);
	fail_msg("no %s diagnostic at %u:%u containing '%s'", rule, line, col, needle ? needle : "");
}

static void test_good_dir(void **state)
{
	struct vos_inventory inv;
	struct vos_diags diags;
	char *dir = fixture("good");
	const struct vos_service *s;
	const struct vos_host *h;
	const struct vos_vlan *v;
	size_t i;
	VOS_UNUSED(state);
	vos_diags_init(&diags);
	assert_int_equal(vos_inventory_load(&inv, dir, &diags), 0);
	for (i = 0; i < diags.n; i++)
		print_message("# %u:%u %s\n", diags.items[i].line, diags.items[i].col, diags.items[i].message);
	assert_int_equal(diags.n, 0);
	assert_int_equal(inv.nfiles, 3); /* .hidden.yaml and notes.txt skipped */
	assert_true(vos_ends_with(inv.files[0], "00-network.yaml"));
	assert_true(vos_ends_with(inv.files[1], "10-services.yml"));
	assert_true(vos_ends_with(inv.files[2], "20-rules.yaml"));
	assert_string_equal(inv.lab_name, "testlab");
	assert_int_equal(inv.nvlans, 2);
	assert_int_equal(inv.nhosts, 2);
	assert_int_equal(inv.nservices, 2);
	assert_int_equal(inv.nrules, 3);

	v = vos_inventory_vlan(&inv, "servers");
	assert_non_null(v);
	assert_int_equal(v->vlan_id, 10);
	assert_int_equal(v->net, 0x7f000a00u);
	assert_int_equal(v->mask, 0xffffff00u);
	assert_int_equal(v->loc.line, 4);
	assert_int_equal(v->cidr_loc.line, 4);
	assert_int_equal(v->cidr_loc.col, 27);
	assert_int_equal(vos_inventory_vlan(&inv, "mgmt")->vlan_id, -1);
	assert_null(vos_inventory_vlan(&inv, "nope"));

	h = vos_inventory_host(&inv, "deep-thought");
	assert_non_null(h);
	assert_true(h->has_addr);
	assert_int_equal(h->addr, 0x7f000a02u);
	assert_int_equal(h->ntraits, 1); /* one string is a one-element list */
	assert_string_equal(h->traits[0], "storage");
	assert_string_equal(h->role, "Databases");
	assert_int_equal(h->addr_loc.line, 15);
	assert_int_equal(h->addr_loc.col, 14);
	assert_true(vos_ends_with(h->loc.file, "00-network.yaml"));

	s = vos_inventory_service(&inv, "litellm");
	assert_non_null(s);
	assert_int_equal(s->loc.line, 2);
	assert_int_equal(s->loc.col, 5);
	assert_true(vos_ends_with(s->loc.file, "10-services.yml"));
	assert_string_equal(s->name, "LiteLLM");
	assert_int_equal(s->name_loc.line, 3);
	assert_string_equal(s->class_, "router");
	assert_int_equal(s->nports, 4);
	assert_int_equal(s->ports[0].port, 4000);
	assert_int_equal(s->ports[0].port_end, 4000);
	assert_int_equal(s->ports[0].check, VOS_CHECK_HTTP);
	assert_string_equal(s->ports[0].path, "/health");
	assert_int_equal(s->ports[0].status_min, 200);
	assert_int_equal(s->ports[0].status_max, 200);
	/* range and defaults */
	assert_int_equal(s->ports[1].port, 8100);
	assert_int_equal(s->ports[1].port_end, 8109);
	assert_string_equal(s->ports[1].proto, "tcp");
	assert_int_equal(s->ports[1].check, VOS_CHECK_TCP);
	assert_string_equal(s->ports[1].path, "/");
	assert_int_equal(s->ports[1].status_min, 200);
	assert_int_equal(s->ports[1].status_max, 399);
	assert_null(s->ports[1].body);
	assert_string_equal(s->ports[1].name, "workers");
	/* udp: declared, not probed */
	assert_string_equal(s->ports[2].proto, "udp");
	assert_int_equal(s->ports[2].check, VOS_CHECK_NONE);
	/* merge key: explicit keys win */
	assert_int_equal(s->ports[3].port, 4001);
	assert_int_equal(s->ports[3].check, VOS_CHECK_HTTP);
	assert_string_equal(s->ports[3].path, "/health");
	assert_int_equal(s->ports[3].status_min, 200);
	assert_int_equal(s->ports[3].status_max, 299);
	assert_true(s->has_launch);
	assert_string_equal(s->launch.kind, "systemd");
	assert_true(s->launch.restart_sec == 2.0);
	assert_int_equal(s->ndepends_on, 1);
	assert_string_equal(s->depends_on[0].s, "postgres");
	assert_int_equal(s->depends_on[0].loc.line, 22);
	assert_int_equal(s->depends_on[0].loc.col, 17);
	assert_int_equal(s->nexposure, 1);
	assert_int_equal(s->nadmin_via, 1);
	assert_false(s->immutable);

	s = vos_inventory_service(&inv, "postgres");
	assert_non_null(s);
	assert_true(s->immutable);
	assert_int_equal(s->nports, 1);
	assert_int_equal(s->ports[0].port, 5432);
	assert_false(s->has_launch);
	assert_true(s->launch.restart_sec == -1.0);
	assert_null(vos_inventory_service(&inv, "nope"));

	assert_int_equal(inv.rules[0].assert_kind, VOS_ASSERT_NEVER_TRAIT_ON_HOST);
	assert_int_equal(inv.rules[0].page_rule, 1);
	assert_int_equal(inv.rules[0].ntraits, 2);
	assert_int_equal(inv.rules[0].severity, VOS_SEV_ERROR);
	assert_true(inv.rules[0].select.empty);
	assert_int_equal(inv.rules[1].assert_kind, VOS_ASSERT_STATEFUL_ONLY_WHERE_STORAGE);
	assert_int_equal(inv.rules[1].severity, VOS_SEV_WARNING);
	assert_non_null(inv.rules[1].page_text);
	assert_int_equal(inv.rules[2].assert_kind, VOS_ASSERT_FORBID);
	assert_false(inv.rules[2].select.empty);
	assert_int_equal(inv.rules[2].select.ntraits, 1);
	assert_false(inv.rules[2].require.empty);
	assert_int_equal(inv.rules[2].require.nvlans, 1);
	assert_string_equal(inv.rules[2].require.vlans[0], "mgmt");

	vos_inventory_release(&inv);
	vos_diags_release(&diags);
	free(dir);
}

static void test_duplicate_ids_across_files(void **state)
{
	struct vos_inventory inv;
	struct vos_diags diags;
	char *dir = fixture("dup");
	struct vos_diag *d;
	VOS_UNUSED(state);
	vos_diags_init(&diags);
	assert_int_equal(vos_inventory_load(&inv, dir, &diags), VOS_EINPUT);
	assert_int_equal(diags.n, 1);
	d = &diags.items[0];
	assert_string_equal(d->rule, "inventory-duplicate-id");
	assert_true(vos_ends_with(d->file, "dup/b.yaml"));
	assert_int_equal(d->line, 7);
	assert_int_equal(d->col, 5);
	assert_non_null(strstr(d->message, "duplicate service id 'web'"));
	assert_true(vos_ends_with(d->rel_file, "dup/a.yaml"));
	assert_int_equal(d->rel_line, 4);
	assert_int_equal(d->rel_col, 5);
	/* the first one wins the lookup */
	assert_string_equal(vos_inventory_service(&inv, "web")->name, "Web");
	assert_non_null(vos_inventory_host(&inv, "watson"));
	vos_inventory_release(&inv);
	vos_diags_release(&diags);
	free(dir);
}

static void test_every_file_reported(void **state)
{
	struct vos_inventory inv;
	struct vos_diags diags;
	char *dir = fixture("badfiles");
	VOS_UNUSED(state);
	vos_diags_init(&diags);
	assert_int_equal(vos_inventory_load(&inv, dir, &diags), VOS_EINPUT);
	assert_int_equal(diags.n, 2);
	assert_string_equal(diags.items[0].rule, "inventory-type");
	assert_int_equal(diags.items[0].line, 6);
	assert_int_equal(diags.items[0].col, 15);
	assert_string_equal(diags.items[0].message,
	                    "'port' must be an integer or a range like \"8100-8109\", not a list");
	assert_string_equal(diags.items[1].rule, "inventory-unknown-key");
	assert_true(vos_ends_with(diags.items[1].file, "badfiles/b.yaml"));
	assert_int_equal(diags.items[1].line, 3);
	assert_int_equal(diags.items[1].col, 5);
	assert_non_null(strstr(diags.items[1].message, "unknown key 'adress' in host (allowed: name, plane, address"));
	vos_inventory_release(&inv);
	vos_diags_release(&diags);
	free(dir);
}

static void test_missing_dir(void **state)
{
	struct vos_inventory inv;
	struct vos_diags diags;
	char *file = fixture("good/00-network.yaml");
	VOS_UNUSED(state);
	vos_diags_init(&diags);
	assert_int_equal(vos_inventory_load(&inv, "/nonexistent/inv", &diags), VOS_EINPUT);
	assert_int_equal(diags.n, 1);
	assert_string_equal(diags.items[0].file, "/nonexistent/inv");
	assert_int_equal(diags.items[0].line, 0);
	assert_non_null(strstr(diags.items[0].message, "No such file or directory"));
	vos_inventory_release(&inv);
	vos_diags_release(&diags);
	vos_diags_init(&diags);
	assert_int_equal(vos_inventory_load(&inv, file, &diags), VOS_EINPUT);
	assert_int_equal(diags.n, 1);
	assert_non_null(strstr(diags.items[0].message, "is a file, not an inventory directory"));
	vos_inventory_release(&inv);
	vos_diags_release(&diags);
	free(file);
}

static void test_yaml_errors_pass_through(void **state)
{
	struct fx *f = load("hosts:\n  - name: a\n    name: b\n");
	VOS_UNUSED(state);
	assert_int_equal(f->rc, VOS_EINPUT);
	expect_diag(f, "yaml-duplicate-key", 3, 5, "'name'");
	done(f);
	f = load("hosts:\n\t- name: a\n");
	expect_diag(f, "yaml-syntax", 2, 1, "tab characters");
	done(f);
}

static void test_value_errors(void **state)
{
	struct fx *f = load("vlans:\n"
	                    "  - {name: a, cidr: 10.0.0.0/33, id: 5000}\n"   /* 2 */
	                    "hosts:\n"
	                    "  - {name: h, address: 127.0.0.300}\n"           /* 4 */
	                    "services:\n"
	                    "  - id: Bad_Id\n"                                /* 6 */
	                    "    name: X\n"
	                    "    class: ui\n"
	                    "    ports:\n"
	                    "      - {port: 0}\n"                             /* 10 */
	                    "      - {port: \"9000-8000\"}\n"                 /* 11 */
	                    "      - {port: 70000}\n"                         /* 12 */
	                    "      - {port: 80, proto: sctp, check: ping}\n"  /* 13 */
	                    "      - {port: 80, status: 700}\n"               /* 14 */
	                    "      - {port: 80, status: \"299-200\"}\n"       /* 15 */
	                    "      - {port: abc}\n"                           /* 16 */
	                    "rules:\n"
	                    "  - {id: r1, text: t, assert: sometimes}\n"      /* 18 */
	                    "  - {id: r2, text: t, assert: frobnicate, severity: fatal}\n" /* 19 */);
	VOS_UNUSED(state);
	assert_int_equal(f->rc, VOS_EINPUT);
	expect_diag(f, "inventory-value", 2, 21, "invalid CIDR '10.0.0.0/33'");
	expect_diag(f, "inventory-value", 2, 38, "VLAN id 5000");
	expect_diag(f, "inventory-value", 4, 24, "invalid address '127.0.0.300'");
	expect_diag(f, "inventory-value", 6, 9, "invalid service id 'Bad_Id'");
	expect_diag(f, "inventory-value", 10, 16, "port 0 is out of range 1-65535");
	expect_diag(f, "inventory-value", 11, 16, "reversed");
	expect_diag(f, "inventory-value", 12, 16, "port 70000");
	expect_diag(f, "inventory-value", 13, 27, "unknown proto 'sctp'");
	expect_diag(f, "inventory-value", 13, 40, "unknown check 'ping'");
	expect_diag(f, "inventory-value", 14, 28, "status 700 is out of range 100-599");
	expect_diag(f, "inventory-value", 15, 28, "reversed");
	expect_diag(f, "inventory-type", 16, 16, "not 'abc'");
	expect_diag(f, "inventory-value", 18, 31, "unknown assert kind 'sometimes'");
	expect_diag(f, "inventory-value", 19, 53, "unknown severity 'fatal'");
	assert_int_equal(f->diags.n, 15);
	done(f);
}

/* check: dns takes query and expect_address (a string or a list of addresses); headers on an
 * http(s) port are a map of RFC 7230 token -> string or {env: VAR}; everything else is located */
static void test_dns_and_headers(void **state)
{
	struct fx *f = load("services:\n"
	                    "  - id: unbound\n"
	                    "    name: DNS\n"
	                    "    class: network\n"
	                    "    ports:\n"
	                    "      - {port: 53, proto: udp, check: dns, query: hal.lan, expect_address: 192.168.1.2}\n" /* 6 */
	                    "      - {port: 53, check: dns, query: hal.lan, expect_address: [\"::1\", 10.0.0.1]}\n"    /* 7 */
	                    "      - {port: 80, check: http, headers: {Authorization: {env: API_TOKEN}, X-Lab: home, X-E: \"\"}}\n" /* 8 */
	                    "  - id: bad\n"
	                    "    name: Bad\n"
	                    "    class: network\n"
	                    "    ports:\n"
	                    "      - {port: 53, proto: udp, check: dns}\n"                                  /* 13 */
	                    "      - {port: 53, check: dns, query: 10.0.0.1, expect_address: [hal.lan]}\n"   /* 14 */
	                    "      - {port: 80, check: tcp, query: a.lan, headers: {A: b}}\n"               /* 15 */
	                    "      - {port: 81, check: http, headers: {\"A B\": x, C: {env: 1X}, D: {file: x}}}\n" /* 16 */
	                    "      - {port: 82, check: http, headers: {A: x, a: y, B: [1], C: \"x\\r\\ny\"}}\n" /* 17 */
	                    "      - {port: 83, check: http, headers: [A]}\n"                               /* 18 */);
	const struct vos_service *s;
	VOS_UNUSED(state);
	assert_int_equal(f->rc, VOS_EINPUT);
	s = vos_inventory_service(&f->inv, "unbound");
	assert_non_null(s);
	assert_int_equal(s->ports[0].check, VOS_CHECK_DNS);
	assert_string_equal(s->ports[0].proto, "udp");
	assert_string_equal(s->ports[0].query, "hal.lan");
	assert_int_equal(s->ports[0].nexpect_address, 1);
	assert_string_equal(s->ports[0].expect_address[0], "192.168.1.2");
	assert_int_equal(s->ports[1].check, VOS_CHECK_DNS);
	assert_string_equal(s->ports[1].proto, "tcp");
	assert_int_equal(s->ports[1].nexpect_address, 2);
	assert_string_equal(s->ports[1].expect_address[1], "10.0.0.1");
	assert_int_equal(s->ports[2].nheaders, 3);
	assert_string_equal(s->ports[2].headers[0].name, "Authorization");
	assert_string_equal(s->ports[2].headers[0].env, "API_TOKEN");
	assert_null(s->ports[2].headers[0].value);
	assert_int_equal(s->ports[2].headers[0].loc.line, 8);
	assert_string_equal(s->ports[2].headers[1].value, "home");
	assert_null(s->ports[2].headers[1].env);
	assert_string_equal(s->ports[2].headers[2].value, "");
	expect_diag(f, "inventory-missing-key", 13, 39, "a dns check needs 'query'");
	expect_diag(f, "inventory-value", 14, 39, "invalid query '10.0.0.1'");
	expect_diag(f, "inventory-value", 14, 66, "invalid expected address 'hal.lan'");
	expect_diag(f, "inventory-value", 15, 39, "'query' is only for check: dns");
	expect_diag(f, "inventory-value", 15, 55, "'headers' is only for check: http or https");
	expect_diag(f, "inventory-value", 16, 43, "invalid header name 'A B'");
	expect_diag(f, "inventory-value", 16, 62, "header 'C': 'env' must name an environment variable");
	expect_diag(f, "inventory-unknown-key", 16, 71, "unknown key 'file'");
	expect_diag(f, "inventory-value", 17, 49, "header 'a' is given twice");
	expect_diag(f, "inventory-type", 17, 58, "header 'B' must be a string or {env: VAR}, not a list");
	expect_diag(f, "inventory-value", 17, 66, "header 'C': the value must not contain a line break");
	expect_diag(f, "inventory-type", 18, 42, "'headers' must be a mapping");
	expect_diag(f, "inventory-value", 16, 70, "header 'D': 'env' must name");
	assert_int_equal(f->diags.n, 13);
	done(f);
}

/* An address is an IPv4 literal, an IPv6 literal or a DNS name; a VLAN may be IPv6; anything else
 * is a located "invalid address" */
static void test_address_forms(void **state)
{
	struct fx *f = load("vlans:\n"
	                    "  - {name: v6, cidr: \"2001:db8:10::/48\"}\n"      /* 2 */
	                    "  - {name: bad, cidr: 2001:db8::/129}\n"         /* 3 */
	                    "hosts:\n"
	                    "  - {name: a, address: dietpi.lan}\n"           /* 5 */
	                    "  - {name: b, address: \"2001:db8:10::5\"}\n"    /* 6 */
	                    "  - {name: c, address: 192.168.10.300}\n"       /* 7 */
	                    "  - {name: d, address: \"skynet.lan:4000\"}\n"   /* 8 */
	                    "  - {name: e, address: 192.168.10.5}\n");       /* 9 */
	VOS_UNUSED(state);
	assert_int_equal(f->rc, VOS_EINPUT);
	expect_diag(f, "inventory-value", 3, 23, "invalid CIDR '2001:db8::/129'");
	expect_diag(f, "inventory-value", 7, 24, "invalid address '192.168.10.300' (an IPv4 octet is at most 255)");
	expect_diag(f, "inventory-value", 8, 24, "invalid address 'skynet.lan:4000'");
	assert_int_equal(f->diags.n, 3);
	done(f);
}

static void test_missing_and_type_errors(void **state)
{
	struct fx *f = load("services:\n"
	                    "  - id: a\n"                 /* 2: no name, no class */
	                    "    traits: {x: 1}\n"        /* 3 */
	                    "    immutable: maybe\n"      /* 4 */
	                    "    launch: {restart_sec: soon}\n" /* 5 */
	                    "  - name: N\n"               /* 6: no id */
	                    "    class: ui\n"
	                    "    ports: 80\n"             /* 8 */
	                    "hosts: {name: x}\n"          /* 9 */
	                    "vlans:\n"
	                    "  - {name: v}\n"             /* 11: no cidr */
	                    "  - {name: w, cidr: 1.2.3.0/24, id: \"7\"}\n" /* 12 */
	                    "zones: []\n");               /* 13 */
	VOS_UNUSED(state);
	assert_int_equal(f->rc, VOS_EINPUT);
	expect_diag(f, "inventory-missing-key", 2, 5, "service 'a' has no 'name'");
	expect_diag(f, "inventory-missing-key", 2, 5, "service 'a' has no 'class'");
	expect_diag(f, "inventory-type", 3, 13, "'traits' must be a list of strings, not a mapping");
	expect_diag(f, "inventory-type", 4, 16, "'immutable' must be a boolean, not a string");
	expect_diag(f, "inventory-type", 5, 27, "'restart_sec' must be a number");
	expect_diag(f, "inventory-missing-key", 6, 5, "service has no 'id'");
	expect_diag(f, "inventory-type", 8, 12, "'ports' must be a list of ports, not a number");
	expect_diag(f, "inventory-type", 9, 8, "'hosts' must be a list of hosts, not a mapping");
	expect_diag(f, "inventory-missing-key", 11, 5, "VLAN has no 'cidr'");
	expect_diag(f, "inventory-type", 12, 37, "'id' must be an integer, not a string");
	expect_diag(f, "inventory-unknown-key", 13, 1, "unknown key 'zones' in the inventory (allowed: lab, vlans, hosts, services, rules, waivers)");
	assert_int_equal(f->diags.n, 11);
	done(f);
}

static void test_rule_arguments(void **state)
{
	struct fx *f = load("rules:\n"
	                    "  - id: a\n"
	                    "    text: t\n"
	                    "    assert: only-on-host\n"      /* 4: needs hosts */
	                    "  - id: b\n"
	                    "    text: t\n"
	                    "    assert: host-holds-only-class\n" /* 7: needs classes */
	                    "    hosts: [x]\n"
	                    "  - id: c\n"
	                    "    assert: require\n"          /* 10: needs require; no text (9) */
	                    "  - id: d\n"
	                    "    text: t\n"
	                    "    assert: not-exposed-on-vlans\n" /* 13 */
	                    "    vlans: [dmz]\n"
	                    "    select: {hosts: [x], colours: [red]}\n" /* 15 */
	                    "  - id: a\n"                         /* 16: duplicate */
	                    "    text: t\n"
	                    "    assert: require\n"
	                    "    require: {classes: [db]}\n");
	VOS_UNUSED(state);
	assert_int_equal(f->rc, VOS_EINPUT);
	expect_diag(f, "inventory-missing-key", 4, 13, "assert 'only-on-host' needs 'hosts'");
	expect_diag(f, "inventory-missing-key", 7, 13, "needs 'classes'");
	expect_diag(f, "inventory-missing-key", 9, 5, "rule 'c' has no 'text'");
	expect_diag(f, "inventory-missing-key", 10, 13, "assert 'require' needs 'require'");
	expect_diag(f, "inventory-unknown-key", 15, 26, "unknown key 'colours' in select");
	expect_diag(f, "inventory-duplicate-id", 16, 5, "duplicate rule id 'a'");
	assert_int_equal(f->diags.items[f->diags.n - 1].rel_line, 2);
	assert_int_equal(f->diags.n, 6);
	assert_int_equal(f->inv.rules[4].assert_kind, VOS_ASSERT_REQUIRE);
	assert_int_equal(f->inv.rules[4].require.nclasses, 1);
	done(f);
}

static void test_duplicate_names(void **state)
{
	struct fx *f = load("vlans:\n  - {name: a, cidr: 1.0.0.0/8}\n  - {name: a, cidr: 2.0.0.0/8}\n"
	                    "hosts:\n  - {name: h}\n  - {name: h}\n");
	VOS_UNUSED(state);
	expect_diag(f, "inventory-duplicate-id", 3, 5, "duplicate VLAN name 'a'");
	expect_diag(f, "inventory-duplicate-id", 6, 5, "duplicate host name 'h'");
	assert_int_equal(f->diags.items[0].rel_line, 2);
	assert_int_equal(f->diags.n, 2);
	done(f);
}

/* Two services with one display name (ASCII case-insensitive) on one host, here inherited through a
 * merge key: an error at the second, citing the first. On different hosts: fine. */
static void test_duplicate_display_names(void **state)
{
	struct fx *f = load("hosts:\n  - {name: skynet}\n  - {name: watson}\n"   /* 1-3 */
	                    "services:\n"                                        /* 4 */
	                    "  - &exp\n"                                         /* 5 */
	                    "    id: exp-skynet\n"
	                    "    name: Node Exporter\n"
	                    "    class: monitoring\n"
	                    "    host: skynet\n"
	                    "  - <<: *exp\n"                                     /* 10 */
	                    "    id: exp-watson\n"
	                    "    host: watson\n"
	                    "  - <<: *exp\n"                                     /* 13 */
	                    "    id: exp-again\n"
	                    "  - {id: redis, name: Redis, class: cache, host: watson}\n"  /* 15 */
	                    "  - {id: cache, name: REDIS, class: cache, host: watson}\n"); /* 16 */
	VOS_UNUSED(state);
	assert_int_equal(f->rc, VOS_EINPUT);
	expect_diag(f, "inventory-duplicate-name", 13, 5,
	            "services 'exp-skynet' and 'exp-again' are both named 'Node Exporter' on host 'skynet'");
	assert_int_equal(f->diags.items[0].rel_line, 5);
	expect_diag(f, "inventory-duplicate-name", 16, 5, "'redis' and 'cache' are both named 'REDIS'");
	assert_int_equal(f->diags.items[1].rel_line, 15);
	assert_int_equal(f->diags.n, 2);
	done(f);
}

/* A display name the page's Service column could not show as it is (render would add its row on
 * every run): empty, a blank at either end, a line break or a tab. Inner blanks are fine. */
static void test_display_name_values(void **state)
{
	struct fx *f = load("services:\n"
	                    "  - {id: a, name: \" Padded\", class: x}\n"    /* 2 */
	                    "  - {id: b, name: \"\", class: x}\n"           /* 3 */
	                    "  - {id: c, name: \"line\\nbreak\", class: x}\n" /* 4 */
	                    "  - {id: d, name: \"tab\\there\", class: x}\n"  /* 5 */
	                    "  - {id: e, name: \"trailing \", class: x}\n"  /* 6 */
	                    "  - {id: f, name: \"two  blanks inside\", class: x}\n"
	                    "  - {id: g, name: 42, class: x}\n");
	unsigned line;
	VOS_UNUSED(state);
	assert_int_equal(f->rc, VOS_EINPUT);
	for (line = 2; line <= 6; line++)
		expect_diag(f, "inventory-value", line, 19, "invalid display name for service");
	assert_int_equal(f->diags.n, 5);
	done(f);
}

static void test_assert_kind_names(void **state)
{
	int i;
	VOS_UNUSED(state);
	for (i = 0; i < VOS_ASSERT__COUNT; i++)
		assert_int_equal(vos_assert_kind_parse(vos_assert_kind_name(i)), i);
	assert_string_equal(vos_assert_kind_name(VOS_ASSERT_ONLY_ON_HOST), "only-on-host");
	assert_string_equal(vos_assert_kind_name(VOS_ASSERT_STATEFUL_ONLY_WHERE_STORAGE),
	                    "stateful-only-where-storage");
	assert_int_equal(vos_assert_kind_parse("nope"), -1);
	assert_int_equal(vos_assert_kind_parse(NULL), -1);
}

/* A launch, logs list or merged value that an alias or a merge key hands several services is
 * converted once: the services share its strings (a lab where every service aliases its host's
 * launch must not hold one copy per service), each with the right values and locations. */
static void test_aliases_converted_once(void **state)
{
	struct fx *f = load("services:\n"
	                    "  - &base\n"
	                    "    id: a\n"
	                    "    name: A\n"
	                    "    host: h1\n"
	                    "    class: ui\n"
	                    "    exposure: [servers]\n"
	                    "    launch: &l {kind: container, exec: /usr/bin/app --port 1}\n"
	                    "    logs: &g [journald, /var/log/app.log]\n"
	                    "  - <<: *base\n"
	                    "    id: b\n"
	                    "    name: B\n"
	                    "    launch: *l\n"
	                    "    logs: *g\n"
	                    "  - <<: *base\n"
	                    "    id: c\n"
	                    "    name: C\n"
	                    "    launch: {kind: container, exec: /usr/bin/app --port 1}\n");
	const struct vos_service *a, *b, *c;
	VOS_UNUSED(state);
	assert_int_equal(f->rc, 0);
	assert_int_equal(f->inv.nservices, 3);
	a = &f->inv.services[0];
	b = &f->inv.services[1];
	c = &f->inv.services[2];
	assert_string_equal(b->launch.exec, "/usr/bin/app --port 1");
	assert_ptr_equal(a->launch.exec, b->launch.exec);
	assert_int_equal(b->launch.loc.line, a->launch.loc.line);
	assert_true(b->has_launch);
	assert_int_equal(b->nlogs, 2);
	assert_ptr_equal(a->logs, b->logs);
	assert_string_equal(b->logs[1].s, "/var/log/app.log");
	assert_int_equal(b->logs[1].loc.line, 9);
	assert_ptr_equal(a->host, c->host);   /* merged from &base */
	assert_string_equal(c->host, "h1");
	assert_ptr_equal(a->exposure, c->exposure);
	assert_string_equal(c->exposure[0].s, "servers");
	/* a mapping of its own is its own */
	assert_string_equal(c->launch.exec, "/usr/bin/app --port 1");
	assert_ptr_not_equal(a->launch.exec, c->launch.exec);
	assert_int_equal(c->launch.loc.line, 18);
	assert_string_equal(c->id, "c");
	done(f);
}

/* A bad value that several services share through an alias is still an error at each use. */
static void test_bad_shared_value_reported_each_time(void **state)
{
	struct fx *f = load("services:\n"
	                    "  - id: a\n"
	                    "    name: A\n"
	                    "    class: ui\n"
	                    "    launch: &l {kind: container, restart_sec: -1}\n"
	                    "    logs: &g [journald, [nested]]\n"
	                    "  - id: b\n"
	                    "    name: B\n"
	                    "    class: ui\n"
	                    "    launch: *l\n"
	                    "    logs: *g\n");
	size_t i, sec = 0, logs = 0;
	VOS_UNUSED(state);
	assert_int_equal(f->rc, VOS_EINPUT);
	for (i = 0; i < f->diags.n; i++) {
		if (strstr(f->diags.items[i].message, "restart_sec must not be negative"))
			sec++;
		if (strstr(f->diags.items[i].message, "items of 'logs' must be strings"))
			logs++;
	}
	assert_int_equal(sec, 2);
	assert_int_equal(logs, 2);
	done(f);
}

/* The services array holds room for the services loaded, not up to twice as many (at 100k services
 * the slack of doubling was 11 MB). */
static void test_services_array_exact(void **state)
{
	struct vos_buf b = VOS_BUF_INIT;
	struct fx *f;
	int i;
	VOS_UNUSED(state);
	vos_buf_adds(&b, "services:\n");
	for (i = 0; i < 1100; i++)
		vos_buf_addf(&b, "  - {id: s%d, name: S%d, class: ui}\n", i, i);
	f = load(b.ptr);
	assert_int_equal(f->rc, 0);
	assert_int_equal(f->inv.nservices, 1100);
	assert_int_equal(f->inv.services_alloc, 1100);
	done(f);
	vos_buf_release(&b);
}

/* Services as one inventory text: n flow mappings, ids s0..s<n-1>. */
static void services_text(struct vos_buf *b, int n)
{
	int i;
	vos_buf_reset(b);
	vos_buf_adds(b, "services:\n");
	for (i = 0; i < n; i++)
		vos_buf_addf(b, "  - {id: s%d, name: S%d, class: ui, ports: [%d]}\n", i, i, 1 + i % 65535);
}

/* CPU seconds to load n services (the best of runs), checking the result. */
static double load_cpu(int n, int runs)
{
	struct vos_buf b = VOS_BUF_INIT;
	double best = 0;
	int k;
	char last[32];
	services_text(&b, n);
	snprintf(last, sizeof(last), "s%d", n - 1);
	for (k = 0; k < runs; k++) {
		clock_t t0 = clock();
		struct fx *f = load(b.ptr);
		double dt = (double)(clock() - t0) / CLOCKS_PER_SEC;
		assert_int_equal(f->rc, 0);
		assert_int_equal(f->inv.nservices, (size_t)n);
		assert_non_null(vos_inventory_service(&f->inv, last));
		done(f);
		if (k == 0 || dt < best)
			best = dt;
	}
	vos_buf_release(&b);
	return best;
}

/* 100k services load in linear time (no quadratic lookups): five times the services cost far less
 * than 25 times the CPU time (a ratio of CPU times: neither load nor a sanitizer moves it much). */
static void test_many_services(void **state)
{
	double small, big;
	VOS_UNUSED(state);
	small = load_cpu(20000, 3);
	big = load_cpu(100000, 1);
	print_message("# 20000 services: %.3fs, 100000: %.3fs (x%.1f)\n", small, big, big / small);
	assert_true(big < 12.0 * small + 0.05);
}

/* A service is the inventory's bulk at scale (100k services: the array is a third of validate's
 * peak RSS): no padding hole between its fields (its two bools and two instance counts share one
 * word; base_id, for services on several hosts, took it from 360 to 368). */
static void test_service_size(void **state)
{
	(void)state;
	if (sizeof(void *) == 8)
		assert_true(sizeof(struct vos_service) <= 368);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_dir),
		cmocka_unit_test(test_dns_and_headers),
		cmocka_unit_test(test_service_size),
		cmocka_unit_test(test_duplicate_ids_across_files),
		cmocka_unit_test(test_every_file_reported),
		cmocka_unit_test(test_missing_dir),
		cmocka_unit_test(test_yaml_errors_pass_through),
		cmocka_unit_test(test_value_errors),
		cmocka_unit_test(test_address_forms),
		cmocka_unit_test(test_missing_and_type_errors),
		cmocka_unit_test(test_rule_arguments),
		cmocka_unit_test(test_duplicate_names),
		cmocka_unit_test(test_duplicate_display_names),
		cmocka_unit_test(test_display_name_values),
		cmocka_unit_test(test_assert_kind_names),
		cmocka_unit_test(test_many_services),
		cmocka_unit_test(test_aliases_converted_once),
		cmocka_unit_test(test_bad_shared_value_reported_each_time),
		cmocka_unit_test(test_services_array_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
