/* test_init.c - lib/init.c: ids from names, the page read into hosts and services, ports and
 * restart policies from unit files, and the never-overwrite rule. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <ftw.h>

#include "init.h"
#include "tmptree.h"

static void test_slug(void **state)
{
	struct vos_arena a;
	VOS_UNUSED(state);
	vos_arena_init(&a);
	assert_string_equal(vos_init_slug(&a, "DNS (Unbound)"), "dns-unbound");
	assert_string_equal(vos_init_slug(&a, "Wiki.js"), "wiki-js");
	assert_string_equal(vos_init_slug(&a, "  Open   WebUI "), "open-webui");
	assert_string_equal(vos_init_slug(&a, "qBittorrent"), "qbittorrent");
	assert_string_equal(vos_init_slug(&a, "((()))"), "service");
	assert_string_equal(vos_init_slug(&a, "Caf\xc3\xa9 2"), "caf-2");
	vos_arena_release(&a);
}

static const char page[] =
	"# Lab\n\n"
	"## Control Plane (skynet)\n\n"
	"| Service | IP | Purpose |\n|---|---|---|\n"
	"| LiteLLM | 192.0.2.5 | LLM router/proxy |\n"
	"| Open WebUI | 192.0.2.5 | Chat interface |\n\n"
	"## Data Plane\n\n### deep-thought (Databases)\n\n"
	"| Service | IP | Purpose |\n|---|---|---|\n"
	"| Redis | <LAN_IP> | Cache/sessions |\n"
	"| Mystery | <LAN_IP> | |\n"
	"| Redis | <LAN_IP> | second row, same name |\n\n"
	"## Placement Rules\n\n1. **deep-thought** owns all databases\n";

static const char *file_text(const struct vos_init *in, const char *suffix)
{
	size_t i;
	for (i = 0; i < in->nfiles; i++)
		if (vos_ends_with(in->files[i].path, suffix))
			return in->files[i].text;
	fail_msg("no file %s", suffix);
	return NULL;
}

static void test_build_from_page(void **state)
{
	struct vos_init in;
	struct vos_diags d;
	struct vos_err err = VOS_ERR_INIT;
	struct vos_init_opts o = {0};
	char *pp;
	const char *hosts, *svcs, *rules;
	VOS_UNUSED(state);
	put("p/services.md", page);
	put("units/litellm-orch.service", "[Unit]\nExecStart=/bin/false --port 1\n[Service]\n"
	    "ExecStart=@/usr/bin/uv run litellm --host 0.0.0.0 --port=4000\nRestart=always\nRestartSec=5s\n");
	pp = vos_path_join(tmpdir, "p/services.md");
	o.page = pp;
	o.units = vos_path_join(tmpdir, "units");
	o.dir = tmpdir;
	vos_diags_init(&d);
	assert_int_equal(vos_init_build(&in, &o, &d, &err), 0);
	assert_int_equal(in.nfiles, 4);
	assert_int_equal(in.nhosts, 2);
	assert_int_equal(in.nservices, 5);
	assert_int_equal(in.nunits, 1);
	assert_string_equal(file_text(&in, "vosctl.yaml"),
	                    "# vosctl.yaml - written by `vosctl init` from the services page (see "
	                    "docs/configuration.md).\npage: p/services.md\ninventory: inventory\n");
	hosts = file_text(&in, "hosts.yaml");
	/* every row under skynet shows 192.0.2.5: the host's address */
	assert_non_null(strstr(hosts, "  - name: skynet\n    plane: control\n    address: \"192.0.2.5\"\n"));
	assert_non_null(strstr(hosts, "  - name: deep-thought\n    plane: data\n    role: Databases\n"
	                              "    # address: the page does not show it\n"));
	svcs = file_text(&in, "services.yaml");
	assert_non_null(strstr(svcs, "  - id: litellm\n    name: LiteLLM\n    host: skynet\n"
	                             "    class: router   # guessed\n"));
	/* the [Unit] section's ExecStart is not the service's; the [Service] one's --port=4000 is */
	assert_non_null(strstr(svcs, "      - {port: 4000, check: tcp}   # from unit litellm-orch.service\n"));
	assert_null(strstr(svcs, "port: 1,"));
	assert_non_null(strstr(svcs, "      restart: always\n      restart_sec: 5\n"
	                             "      exec: \"/usr/bin/uv run litellm --host 0.0.0.0 --port=4000\"\n"));
	assert_non_null(strstr(svcs, "  - id: redis\n    name: Redis\n    host: deep-thought\n    class: cache"));
	/* the role is the last hint: Mystery sits on a Databases host */
	assert_non_null(strstr(svcs, "  - id: mystery\n    name: Mystery\n    host: deep-thought\n"
	                             "    class: database   # guessed\n"));
	assert_non_null(strstr(svcs, "  - id: redis-2\n"));
	rules = file_text(&in, "rules.yaml");
	assert_non_null(strstr(rules, "rules: []\n  # - id: deep-thought-owns-all-databases\n"
	                              "  #   page_rule: 1\n"));
	assert_non_null(strstr(rules, "  #   select: {classes: [database, cache]}\n  #   hosts: [deep-thought]\n"));
	assert_int_equal(d.errors, 0);
	vos_init_release(&in);
	vos_diags_release(&d);
	free(pp);
	free((char *)o.units);
}

static void test_never_overwrites(void **state)
{
	struct vos_init in;
	struct vos_diags d;
	struct vos_err err = VOS_ERR_INIT;
	struct vos_init_opts o = {0};
	char *pp, *rules, *text = NULL;
	size_t len;
	VOS_UNUSED(state);
	put("services.md", page);
	put("inventory/rules.yaml", "mine\n");
	pp = vos_path_join(tmpdir, "services.md");
	rules = vos_path_join(tmpdir, "inventory/rules.yaml");
	o.page = pp;
	o.dir = tmpdir;
	vos_diags_init(&d);
	assert_int_equal(vos_init_build(&in, &o, &d, &err), 0);
	assert_int_equal(vos_init_write(&in, &err), VOS_EINPUT);
	assert_non_null(strstr(err.msg, "already exists"));
	assert_int_equal(vos_file_read(&text, &len, rules, 100, NULL), 0);
	assert_string_equal(text, "mine\n");
	free(text);
	assert_false(vos_is_file(in.files[0].path)); /* nothing written at all */
	assert_int_equal(unlink(rules), 0);
	vos_err_clear(&err);
	assert_int_equal(vos_init_write(&in, &err), 0);
	assert_true(vos_is_file(in.files[0].path));
	vos_init_release(&in);
	vos_diags_release(&d);
	free(pp);
	free(rules);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slug),
		cmocka_unit_test_setup_teardown(test_build_from_page, tmptree_setup, tmptree_teardown),
		cmocka_unit_test_setup_teardown(test_never_overwrites, tmptree_setup, tmptree_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
