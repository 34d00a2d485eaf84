/* test_config.c - vosctl.yaml: defaults, every key, located errors, upward lookup, ".." rejected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "config.h"

static const char full[] =
	"page: inventory/services.md\n"
	"inventory: inventory\n"
	"render:\n"
	"  services: out/services.md\n"
	"  inventory_page: inventory/service-inventory.md\n"
	"  status: inventory/status.md\n"
	"  status_file: state/last.json\n"
	"publish:\n"
	"  remote: https://git.example.lan/homelab/wiki.git\n"
	"  branch: wiki\n"
	"  pages:\n"
	"    services: vos/services.md\n"
	"    inventory: vos/service-inventory.md\n"
	"    status: vos/status.md\n"
	"  token_env: VOSCTL_WIKI_TOKEN\n"
	"  user_env: VOSCTL_WIKI_USER\n"
	"  author: {name: vosctl, email: vosctl@localhost}\n"
	"probe:\n"
	"  timeout_ms: 500\n"
	"  concurrency: 8\n";

static void test_full(void **state)
{
	struct vos_config c;
	struct vos_diags d;
	VOS_UNUSED(state);
	vos_diags_init(&d);
	assert_int_equal(vos_config_parse(&c, "/lab/vosctl.yaml", "/lab", full, strlen(full), &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(c.file, "/lab/vosctl.yaml");
	assert_string_equal(c.base_dir, "/lab");
	assert_string_equal(c.page, "/lab/inventory/services.md");
	assert_string_equal(c.inventory, "/lab/inventory");
	assert_string_equal(c.render_services, "/lab/out/services.md");
	assert_string_equal(c.render_inventory, "/lab/inventory/service-inventory.md");
	assert_string_equal(c.render_status, "/lab/inventory/status.md");
	assert_string_equal(c.status_file, "/lab/state/last.json");
	assert_string_equal(c.remote, "https://git.example.lan/homelab/wiki.git");
	assert_string_equal(c.branch, "wiki");
	assert_string_equal(c.remote_services, "vos/services.md");
	assert_string_equal(c.remote_inventory, "vos/service-inventory.md");
	assert_string_equal(c.remote_status, "vos/status.md");
	assert_string_equal(c.token_env, "VOSCTL_WIKI_TOKEN");
	assert_string_equal(c.user_env, "VOSCTL_WIKI_USER");
	assert_string_equal(c.author_name, "vosctl");
	assert_string_equal(c.author_email, "vosctl@localhost");
	assert_int_equal(c.probe_timeout_ms, 500);
	assert_int_equal(c.probe_concurrency, 8);
	vos_config_release(&c);
	vos_diags_release(&d);
}

static void test_defaults(void **state)
{
	struct vos_config c;
	struct vos_diags d;
	const char *text = "page: services.md\n";
	VOS_UNUSED(state);
	vos_diags_init(&d);
	assert_int_equal(vos_config_parse(&c, "vosctl.yaml", ".", text, strlen(text), &d), 0);
	assert_string_equal(c.page, "services.md");
	assert_null(c.inventory);
	assert_string_equal(c.render_services, "services.md"); /* default: page */
	assert_null(c.render_inventory);
	assert_null(c.render_status);
	assert_string_equal(c.status_file, ".vosctl/last-probe.json");
	assert_null(c.remote);
	assert_string_equal(c.branch, "main");
	assert_string_equal(c.token_env, "VOSCTL_TOKEN");
	assert_string_equal(c.user_env, "VOSCTL_GIT_USER");
	assert_null(c.author_name);
	assert_int_equal(c.probe_timeout_ms, 2000);
	assert_int_equal(c.probe_concurrency, 1024);
	vos_config_release(&c);
	vos_diags_release(&d);
}

static void expect(struct vos_diags *d, size_t i, unsigned line, unsigned col, const char *needle)
{
	assert_true(i < d->n);
	assert_string_equal(d->items[i].rule, "config");
	assert_string_equal(d->items[i].file, "vosctl.yaml");
	if (d->items[i].line != line || d->items[i].col != col || !strstr(d->items[i].message, needle))
		fail_msg("diag %zu is %u:%u %s, expected %u:%u ...%s", i, d->items[i].line, d->items[i].col,
		         d->items[i].message, line, col, needle);
}

static void test_errors(void **state)
{
	struct vos_config c;
	struct vos_diags d;
	const char *text =
		"page: [a, b]\n"                        /* 1 */
		"pages: x\n"                            /* 2 */
		"render:\n"
		"  services: ../outside.md\n"           /* 4 */
		"  status: /etc/status.md\n"            /* 5 */
		"  inventory_page: a/../../b.md\n"      /* 6 */
		"publish:\n"
		"  pages: {services: ../x.md, status: ok/status.md, wiki: y}\n" /* 8 */
		"  token_env: 'my token'\n"             /* 9 */
		"  author: vosctl\n"                    /* 10 */
		"probe:\n"
		"  timeout_ms: fast\n"                  /* 12 */
		"  concurrency: 0\n";                   /* 13 */
	VOS_UNUSED(state);
	vos_diags_init(&d);
	assert_int_equal(vos_config_parse(&c, "vosctl.yaml", ".", text, strlen(text), &d), VOS_EINPUT);
	vos_diags_sort(&d);
	expect(&d, 0, 1, 7, "'page' must be a string, not a list");
	expect(&d, 1, 2, 1, "unknown key 'pages' in the configuration (allowed: page, inventory, render, publish, probe, secrets)");
	expect(&d, 2, 4, 13, "'services' must be a relative path without '..', not '../outside.md'");
	expect(&d, 3, 5, 11, "'status' must be a relative path without '..'");
	expect(&d, 4, 6, 19, "'inventory_page' must be a relative path without '..'");
	expect(&d, 5, 8, 21, "'services' must be a relative path without '..'");
	expect(&d, 6, 8, 52, "unknown key 'wiki' in pages");
	expect(&d, 7, 9, 14, "'token_env' must name an environment variable");
	expect(&d, 8, 10, 11, "'author' must be a mapping, not a string");
	expect(&d, 9, 12, 15, "'timeout_ms' must be an integer, not a string");
	expect(&d, 10, 13, 16, "'concurrency' must be between 1 and 65536, not 0");
	assert_int_equal(d.n, 11);
	assert_string_equal(c.remote_status, "ok/status.md");
	vos_config_release(&c);
	vos_diags_release(&d);
}

/* token_env/user_env may only name VOSCTL_* variables: a planted vosctl.yaml cannot send another
 * secret of the environment to its own remote */
static void test_env_names(void **state)
{
	struct vos_config c;
	struct vos_diags d;
	const char *text =
		"publish:\n"
		"  token_env: AWS_SECRET_ACCESS_KEY\n" /* 2 */
		"  user_env: VOSCTL_\n";              /* 3 */
	VOS_UNUSED(state);
	vos_diags_init(&d);
	assert_int_equal(vos_config_parse(&c, "vosctl.yaml", ".", text, strlen(text), &d), VOS_EINPUT);
	vos_diags_sort(&d);
	expect(&d, 0, 2, 14, "'token_env' must name a VOSCTL_* variable, not 'AWS_SECRET_ACCESS_KEY'");
	expect(&d, 1, 3, 13, "'user_env' must name a VOSCTL_* variable, not 'VOSCTL_'");
	assert_int_equal(d.n, 2);
	assert_string_equal(c.token_env, "VOSCTL_TOKEN");
	vos_config_release(&c);
	vos_diags_release(&d);
}

static void test_yaml_error(void **state)
{
	struct vos_config c;
	struct vos_diags d;
	const char *text = "page: a\npage: b\n";
	VOS_UNUSED(state);
	vos_diags_init(&d);
	assert_int_equal(vos_config_parse(&c, "vosctl.yaml", ".", text, strlen(text), &d), VOS_EINPUT);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].rule, "yaml-duplicate-key");
	assert_int_equal(d.items[0].line, 2);
	vos_config_release(&c);
	vos_diags_release(&d);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char tmpdir[PATH_MAX];

static int setup_tmp(void **state)
{
	char *sub;
	VOS_UNUSED(state);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vos-test-config-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	sub = vos_asprintf("%s/a", tmpdir);
	mkdir(sub, 0700);
	free(sub);
	sub = vos_asprintf("%s/a/b", tmpdir);
	mkdir(sub, 0700);
	free(sub);
	return 0;
}

static int teardown_tmp(void **state)
{
	char *p;
	VOS_UNUSED(state);
	p = vos_asprintf("%s/vosctl.yaml", tmpdir); unlink(p); free(p);
	p = vos_asprintf("%s/a/b", tmpdir); rmdir(p); free(p);
	p = vos_asprintf("%s/a", tmpdir); rmdir(p); free(p);
	rmdir(tmpdir);
	return 0;
}

static void test_lookup_upward(void **state)
{
	struct vos_config c;
	struct vos_diags d;
	char *cfg = vos_asprintf("%s/vosctl.yaml", tmpdir);
	char *sub = vos_asprintf("%s/a/b", tmpdir);
	char *want;
	char old[PATH_MAX];
	VOS_UNUSED(state);
	vos_diags_init(&d);
	/* nothing found: defaults, no error */
	assert_int_equal(vos_config_load(&c, NULL, sub, &d), 0);
	assert_null(c.file);
	assert_null(c.page);
	assert_int_equal(c.probe_concurrency, 1024);
	vos_config_release(&c);

	write_file(cfg, "page: inventory/services.md\ninventory: inventory\n");
	/* from an absolute start directory elsewhere: absolute paths */
	assert_int_equal(vos_config_load(&c, NULL, sub, &d), 0);
	assert_int_equal(d.n, 0);
	assert_non_null(c.file);
	assert_true(vos_ends_with(c.file, "/vosctl.yaml"));
	want = vos_asprintf("/inventory/services.md");
	assert_true(vos_ends_with(c.page, want));
	assert_true(c.page[0] == '/');
	assert_true(vos_is_file(c.file));
	free(want);
	vos_config_release(&c);

	/* started in the working directory: paths relative to it */
	assert_non_null(getcwd(old, sizeof(old)));
	assert_int_equal(chdir(sub), 0);
	assert_int_equal(vos_config_load(&c, NULL, ".", &d), 0);
	assert_string_equal(c.file, "../../vosctl.yaml");
	assert_string_equal(c.base_dir, "../..");
	assert_string_equal(c.page, "../../inventory/services.md");
	assert_string_equal(c.inventory, "../../inventory");
	assert_string_equal(c.status_file, "../../.vosctl/last-probe.json");
	vos_config_release(&c);
	assert_int_equal(chdir(tmpdir), 0);
	assert_int_equal(vos_config_load(&c, NULL, ".", &d), 0);
	assert_string_equal(c.file, "vosctl.yaml");
	assert_string_equal(c.page, "inventory/services.md");
	vos_config_release(&c);
	assert_int_equal(chdir(old), 0);

	/* explicit -c FILE: relative to its directory */
	assert_int_equal(vos_config_load(&c, cfg, "/", &d), 0);
	assert_string_equal(c.file, cfg);
	assert_string_equal(c.base_dir, tmpdir);
	vos_config_release(&c);
	assert_int_equal(d.n, 0);

	/* explicit file missing: located error */
	assert_int_equal(vos_config_load(&c, "/nonexistent/vosctl.yaml", ".", &d), VOS_EINPUT);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].file, "/nonexistent/vosctl.yaml");
	assert_non_null(strstr(d.items[0].message, "No such file or directory"));
	vos_config_release(&c);
	vos_diags_release(&d);
	free(cfg);
	free(sub);
}

/* the upward search stops at a ceiling ($VOSCTL_CEILING_DIRECTORIES, $HOME: not searched itself)
 * and ignores a file someone else owns, with a warning naming it; -c FILE is trusted */
static void test_lookup_trust(void **state)
{
	struct vos_config c;
	struct vos_diags d;
	char *cfg = vos_asprintf("%s/vosctl.yaml", tmpdir);
	char *a = vos_asprintf("%s/a", tmpdir), *sub = vos_asprintf("%s/a/b", tmpdir);
	char *ceil = vos_asprintf("/nonexistent:relative:%s", a);
	const char *home = getenv("HOME");
	char *home_saved = home ? vos_strdup(home) : NULL;
	VOS_UNUSED(state);
	vos_diags_init(&d);
	write_file(cfg, "page: inventory/services.md\n");
	unsetenv("VOSCTL_CEILING_DIRECTORIES");
	setenv("HOME", "/nonexistent", 1);
	assert_int_equal(vos_config_load(&c, NULL, sub, &d), 0);
	assert_non_null(c.file);
	vos_config_release(&c);
	/* a ceiling: never moved into, so tmpdir above it is not reached either */
	setenv("VOSCTL_CEILING_DIRECTORIES", ceil, 1);
	assert_int_equal(vos_config_load(&c, NULL, sub, &d), 0);
	assert_null(c.file);
	vos_config_release(&c);
	/* the ceiling itself is not searched: a vosctl.yaml in it is not found from below */
	setenv("VOSCTL_CEILING_DIRECTORIES", tmpdir, 1);
	assert_int_equal(vos_config_load(&c, NULL, sub, &d), 0);
	assert_null(c.file);
	vos_config_release(&c);
	/* ... but the start directory always is, ceiling or not */
	assert_int_equal(vos_config_load(&c, NULL, tmpdir, &d), 0);
	assert_non_null(c.file);
	vos_config_release(&c);
	unsetenv("VOSCTL_CEILING_DIRECTORIES");
	/* $HOME is a ceiling too */
	setenv("HOME", tmpdir, 1);
	assert_int_equal(vos_config_load(&c, NULL, sub, &d), 0);
	assert_null(c.file);
	vos_config_release(&c);
	setenv("HOME", "/nonexistent", 1);
	assert_int_equal(d.n, 0);
	/* owned by someone else (nobody): ignored with a warning naming it; -c FILE trusts it */
	if (geteuid() == 0) {
		assert_int_equal(chown(cfg, 65534, 65534), 0);
		assert_int_equal(vos_config_load(&c, NULL, sub, &d), 0);
		assert_null(c.file);
		assert_null(c.page);
		assert_int_equal(d.n, 1);
		assert_int_equal(d.errors, 0);
		assert_int_equal(d.items[0].severity, VOS_SEV_WARNING);
		assert_string_equal(d.items[0].file, cfg);
		assert_non_null(strstr(d.items[0].message, "it is owned by uid 65534, not by you (uid 0)"));
		assert_non_null(strstr(d.items[0].message, "vosctl -c"));
		vos_config_release(&c);
		assert_int_equal(vos_config_load(&c, cfg, ".", &d), 0);
		assert_non_null(c.page);
		assert_int_equal(d.n, 1);
		vos_config_release(&c);
	}
	if (home_saved)
		setenv("HOME", home_saved, 1);
	else
		unsetenv("HOME");
	vos_diags_release(&d);
	free(home_saved);
	free(ceil);
	free(cfg);
	free(a);
	free(sub);
}

/* render.redact, render.placeholder, secrets: and the publish.pages paths Wiki.js rejects */
static void test_redact_and_wikijs_paths(void **state)
{
	struct vos_config c;
	struct vos_diags d;
	const char *good = "render:\n  redact: [addresses, secrets]\n  placeholder: <REDACTED_IP>\n"
	                   "secrets: [GRAFANA_PASSWORD, ha_token]\n"
	                   "publish:\n  pages: {services: ./vos/services.md}\n";
	const char *bad =
		"render:\n"
		"  redact: [addresses, hosts]\n"                 /* 2 */
		"  placeholder: <LANIP>\n"                       /* 3 */
		"secrets: [OK_NAME, 'not a name']\n"             /* 4 */
		"publish:\n"
		"  pages:\n"
		"    services: vos/services.v2.md\n"             /* 7 */
		"    inventory: vos//inventory.md\n"             /* 8 */
		"    status: 'vos/my status.md'\n";              /* 9 */
	const char *bad2 = "publish:\n  pages: {services: 'vos\\\\a.md', inventory: vos/a.txt}\n";
	VOS_UNUSED(state);
	vos_diags_init(&d);
	assert_int_equal(vos_config_parse(&c, "vosctl.yaml", ".", good, strlen(good), &d), 0);
	assert_int_equal(c.redact, VOS_REDACT_ADDRESSES | VOS_REDACT_SECRETS);
	assert_string_equal(c.placeholder, "<REDACTED_IP>");
	assert_int_equal(c.nsecrets, 2);
	assert_string_equal(c.secrets[1], "ha_token");
	assert_string_equal(c.remote_services, "vos/services.md");
	vos_config_release(&c);
	assert_int_equal(vos_config_parse(&c, "vosctl.yaml", ".", "page: a.md\n", 11, &d), 0);
	assert_int_equal(c.redact, 0);
	assert_string_equal(c.placeholder, "<LAN_IP>");
	vos_config_release(&c);
	assert_int_equal(vos_config_parse(&c, "vosctl.yaml", ".", bad, strlen(bad), &d), VOS_EINPUT);
	vos_diags_sort(&d);
	expect(&d, 0, 2, 23, "unknown item 'hosts' in 'redact' (addresses, paths or secrets)");
	expect(&d, 1, 3, 16, "'placeholder' must be written '<NAME_WITH_UNDERSCORE>'");
	expect(&d, 2, 4, 20, "'secrets' must name environment variables, not 'not a name'");
	expect(&d, 3, 7, 15, "'services' is not a path Wiki.js accepts ('vos/services.v2.md' holds a dot before '.md')");
	expect(&d, 4, 8, 16, "'inventory' is not a path Wiki.js accepts ('vos//inventory.md' holds '//')");
	expect(&d, 5, 9, 13, "'status' is not a path Wiki.js accepts ('vos/my status.md' holds a space)");
	assert_int_equal(d.n, 6);
	vos_config_release(&c);
	vos_diags_release(&d);
	vos_diags_init(&d);
	assert_int_equal(vos_config_parse(&c, "vosctl.yaml", ".", bad2, strlen(bad2), &d), VOS_EINPUT);
	vos_diags_sort(&d);
	expect(&d, 0, 2, 21, "holds a backslash");
	expect(&d, 1, 2, 45, "does not end in '.md'");
	vos_config_release(&c);
	vos_diags_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_yaml_error),
		cmocka_unit_test(test_env_names),
		cmocka_unit_test(test_redact_and_wikijs_paths),
		cmocka_unit_test_setup_teardown(test_lookup_upward, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_lookup_trust, setup_tmp, teardown_tmp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
