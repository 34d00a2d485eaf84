/* config.c - vosctl.yaml (docs/configuration.md). */
#include "config.h"
#include "addr.h"
#include "yaml.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

struct cparse {
	struct vos_config *cfg;
	struct vos_diags *diags;
	const char *file;
};

static struct vos_diag *cerr(struct cparse *p, const struct vos_ynode *n, const char *fmt, ...)
	VOS_PRINTF(3, 4);
static struct vos_diag *cerr(struct cparse *p, const struct vos_ynode *n, const char *fmt, ...)
{
	struct vos_loc loc = vos_ynode_loc(n, p->file);
	struct vos_diag *d;
	va_list ap;
	va_start(ap, fmt);
	d = vos_diags_vadd(p->diags, VOS_SEV_ERROR, &loc, "config", fmt, ap);
	va_end(ap);
	return d;
}

/* Checks that m is a mapping with only allowed keys. */
static bool check_map(struct cparse *p, const struct vos_ynode *m, const char *what,
                      const char *const *allowed)
{
	static const struct vos_ymap_style style = {"config", "config", true};
	return vos_ymap_check(m, allowed, NULL, what, &style, p->file, p->diags);
}

/* A string (non-null scalar) or NULL; reports wrong types. */
static const struct vos_ynode *str_node(struct cparse *p, const struct vos_ynode *m, const char *key)
{
	const struct vos_ynode *v = vos_ymap_get(m, key);
	if (!v || vos_yscalar_is_null(v))
		return NULL;
	if (v->kind != VOS_YNODE_SCALAR) {
		cerr(p, v, "'%s' must be a string, not %s", key, vos_ynode_kind_phrase(v));
		return NULL;
	}
	if (!v->u.s.len) {
		cerr(p, v, "'%s' must not be empty", key);
		return NULL;
	}
	return v;
}

static char *get_str(struct cparse *p, const struct vos_ynode *m, const char *key, const char *def)
{
	const struct vos_ynode *v = str_node(p, m, key);
	if (v)
		return vos_arena_strndup(&p->cfg->arena, v->u.s.str, v->u.s.len);
	return def ? vos_arena_strdup(&p->cfg->arena, def) : NULL;
}

/* True when path has a ".." component. */
static bool has_dotdot(const char *s)
{
	while (*s) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return true;
		if (!e)
			break;
		s = e + 1;
	}
	return false;
}

/* A path relative to the config file's directory, joined with base_dir. With confined set, the
 * path must be relative and contain no ".." (render outputs). */
static char *get_path(struct cparse *p, const struct vos_ynode *m, const char *key, bool confined)
{
	const struct vos_ynode *v = str_node(p, m, key);
	char *joined, *r;
	if (!v)
		return NULL;
	if (confined && (v->u.s.str[0] == '/' || has_dotdot(v->u.s.str))) {
		cerr(p, v, "'%s' must be a relative path without '..', not '%s'", key, v->u.s.str);
		return NULL;
	}
	joined = vos_path_join(p->cfg->base_dir, v->u.s.str);
	r = vos_arena_strdup(&p->cfg->arena, joined);
	free(joined);
	return r;
}

/* NULL when a page path is one Wiki.js's git storage imports as a page, else why not: its paths
 * hold no space, no backslash, no "//" (checked as written) and no dot but the one of ".md"
 * (checked once "." components, ours to drop, are gone). */
static const char *wikijs_path_problem(const char *path, bool normalised)
{
	size_t n = strlen(path);
	if (!normalised) {
		if (strstr(path, "//"))
			return "holds '//'";
		if (strchr(path, '\\'))
			return "holds a backslash";
		if (strpbrk(path, " \t"))
			return "holds a space";
		return NULL;
	}
	if (n < 4 || strcmp(path + n - 3, ".md"))
		return "does not end in '.md': Wiki.js imports it as an asset";
	if (strchr(path, '.') != path + n - 3)
		return "holds a dot before '.md'";
	return NULL;
}

/* A path inside the wiki repository: relative, no "..", not joined; kept without "." and empty
 * components ("./vos//a.md" is "vos/a.md"), so that two spellings of one file compare equal. */
static char *get_repo_path(struct cparse *p, const struct vos_ynode *m, const char *key)
{
	const struct vos_ynode *v = str_node(p, m, key);
	struct vos_buf b = VOS_BUF_INIT;
	const char *s, *why;
	char *r;
	if (!v)
		return NULL;
	if (v->u.s.str[0] == '/' || has_dotdot(v->u.s.str)) {
		cerr(p, v, "'%s' must be a relative path without '..', not '%s'", key, v->u.s.str);
		return NULL;
	}
	if ((why = wikijs_path_problem(v->u.s.str, false))) {
		cerr(p, v, "'%s' is not a path Wiki.js accepts ('%s' %s)", key, v->u.s.str, why);
		return NULL;
	}
	for (s = v->u.s.str; *s;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n && !(n == 1 && *s == '.')) {
			if (b.len)
				vos_buf_addc(&b, '/');
			vos_buf_add(&b, s, n);
		}
		s += n + (e ? 1 : 0);
	}
	if (!b.len || v->u.s.str[v->u.s.len - 1] == '/') {
		cerr(p, v, "'%s' must name a file in the repository, not '%s'", key, v->u.s.str);
		vos_buf_release(&b);
		return NULL;
	}
	if ((why = wikijs_path_problem(b.ptr, true))) {
		cerr(p, v, "'%s' is not a path Wiki.js accepts ('%s' %s)", key, v->u.s.str, why);
		vos_buf_release(&b);
		return NULL;
	}
	r = vos_arena_strdup(&p->cfg->arena, b.ptr);
	vos_buf_release(&b);
	return r;
}

/* A duration: seconds as an integer, or a string "90s", "30m", "1h", "2d"; at most 366 days. */
/* A duration in seconds: a plain number of seconds, or Prometheus's syntax (vos_duration_parse:
 * "90s", "30m", "1h30m", "2d"), at least 1 s and at most 366 days. */
static void get_duration(struct cparse *p, const struct vos_ynode *m, const char *key, long long *out)
{
	const struct vos_ynode *v = vos_ymap_get(m, key);
	long long n = 0, ms = 0;
	const char *s;
	char *end;
	if (!v || vos_yscalar_is_null(v))
		return;
	if (v->kind != VOS_YNODE_SCALAR)
		goto bad;
	s = v->u.s.str;
	if (*s < '0' || *s > '9')
		goto bad;
	n = strtoll(s, &end, 10);
	if (*end) {
		if (vos_duration_parse(&ms, s) < 0 || ms % 1000)
			goto bad;
		n = ms / 1000;
	}
	if (n < 1 || n > 366LL * 86400)
		goto bad;
	*out = n;
	return;
bad:
	cerr(p, v, "'%s' must be a duration (seconds, or a number with s, m, h or d: '1h', '1h30m'), at most 366 days",
	     key);
}

static void get_posint(struct cparse *p, const struct vos_ynode *m, const char *key, long long max,
                       int *out)
{
	const struct vos_ynode *v = vos_ymap_get(m, key);
	long long i;
	if (!v || vos_yscalar_is_null(v))
		return;
	if (vos_yscalar_int(v, &i) < 0) {
		cerr(p, v, "'%s' must be an integer, not %s", key, vos_ynode_kind_phrase(v));
		return;
	}
	if (i < 1 || i > max) {
		cerr(p, v, "'%s' must be between 1 and %lld, not %lld", key, max, i);
		return;
	}
	*out = (int)i;
}

static void get_bool(struct cparse *p, const struct vos_ynode *m, const char *key, bool *out)
{
	const struct vos_ynode *v = vos_ymap_get(m, key);
	if (!v || vos_yscalar_is_null(v))
		return;
	if (vos_yscalar_bool(v, out) < 0)
		cerr(p, v, "'%s' must be a boolean (true or false), not %s", key, vos_ynode_kind_phrase(v));
}

/* An environment variable name: [A-Za-z_][A-Za-z0-9_]* */
static bool env_name_ok(const char *s)
{
	const char *c;
	for (c = s; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || *c == '_' ||
		      (c != s && *c >= '0' && *c <= '9')))
			return false;
	return *s != '\0';
}

/* An environment variable name, VOSCTL_* (sent to the remote) */
static char *get_env_name(struct cparse *p, const struct vos_ynode *m, const char *key, const char *def)
{
	const struct vos_ynode *v = str_node(p, m, key);
	if (!v)
		return vos_arena_strdup(&p->cfg->arena, def);
	if (!env_name_ok(v->u.s.str)) {
		cerr(p, v, "'%s' must name an environment variable, not '%s'", key, v->u.s.str);
		return vos_arena_strdup(&p->cfg->arena, def);
	}
	/* a vosctl.yaml someone else wrote must not send $AWS_SECRET_ACCESS_KEY to its own remote */
	if (!vos_starts_with(v->u.s.str, "VOSCTL_") || !v->u.s.str[7]) {
		cerr(p, v, "'%s' must name a VOSCTL_* variable, not '%s' (vosctl sends it to the remote)",
		     key, v->u.s.str);
		return vos_arena_strdup(&p->cfg->arena, def);
	}
	return vos_arena_strndup(&p->cfg->arena, v->u.s.str, v->u.s.len);
}

/* One file vosctl reads or writes, for the checks below: the key that names it (its value's node,
 * or sec's when it comes from a default) and the path. */
struct target {
	const char *key;
	const struct vos_ynode *node;
	const char *path;
	bool confined;  /* written, and meant to be inside the lab: must really be there */
	char *real;     /* resolved, or NULL */
};

/* A located error at t's key, or at the start of the file for a default. */
static struct vos_diag *terr(struct cparse *p, const struct target *t, const char *fmt, ...)
	VOS_PRINTF(3, 4);
static struct vos_diag *terr(struct cparse *p, const struct target *t, const char *fmt, ...)
{
	struct vos_loc loc = {p->file, 0, 0};
	struct vos_diag *d;
	va_list ap;
	if (t->node)
		loc = vos_ynode_loc(t->node, p->file);
	va_start(ap, fmt);
	d = vos_diags_vadd(p->diags, VOS_SEV_ERROR, &loc, "config", fmt, ap);
	va_end(ap);
	return d;
}

/* Write targets must be distinct files (after ".", ".." and symbolic links), none of them the page
 * (but the services page's own target), and a target inside the lab must not leave it through a
 * symbolic link (a wiki clone can carry "gen -> /elsewhere"). t[0] is the page, t[1] the services
 * page's target; both may be the same file. */
static void check_targets(struct cparse *p, struct target *t, size_t n)
{
	char *root;
	struct vos_err err = VOS_ERR_INIT;
	size_t i, j;
	if (!(root = vos_path_resolve(p->cfg->base_dir, &err))) {
		struct vos_loc loc = {p->file, 0, 0};
		vos_diags_add(p->diags, VOS_SEV_ERROR, &loc, "config", "%s", err.msg);
		vos_err_clear(&err);
		return;
	}
	for (i = 0; i < n; i++) {
		char *dir, *rdir;
		if (!t[i].path)
			continue;
		if (!(t[i].real = vos_path_resolve(t[i].path, &err))) {
			terr(p, &t[i], "'%s': %s", t[i].key, err.msg);
			vos_err_clear(&err);
			continue;
		}
		if (!t[i].confined)
			continue;
		dir = vos_path_dirname(t[i].path);
		rdir = vos_path_resolve(dir, &err);
		if (rdir && !vos_path_within(rdir, root))
			terr(p, &t[i], "'%s' ('%s') leads outside the lab through a symbolic link: its directory is '%s', not under '%s'",
			     t[i].key, t[i].path, rdir, root);
		vos_err_clear(&err);
		free(rdir);
		free(dir);
	}
	for (j = 1; j < n; j++)
		for (i = 0; i < j; i++) {
			struct vos_diag *d;
			if (i == 0 && j == 1)
				continue;
			if (!t[i].real || !t[j].real || strcmp(t[i].real, t[j].real))
				continue;
			d = terr(p, &t[j], "'%s' is the same file as '%s' ('%s'): one would overwrite the other",
			         t[j].key, t[i].key, t[j].path);
			if (t[i].node) {
				struct vos_loc rel = vos_ynode_loc(t[i].node, p->file);
				vos_diag_set_related(d, &rel);
			}
			break;
		}
	for (i = 0; i < n; i++)
		free(t[i].real);
	free(root);
}

/* The same for paths inside the wiki repository (already normalised by get_repo_path). */
static void check_repo_targets(struct cparse *p, const struct vos_ynode *pages)
{
	static const char *const keys[] = {"services", "inventory", "status"};
	const char *paths[3];
	size_t i, j;
	paths[0] = p->cfg->remote_services;
	paths[1] = p->cfg->remote_inventory;
	paths[2] = p->cfg->remote_status;
	for (j = 1; j < 3; j++)
		for (i = 0; i < j; i++) {
			struct target t = {keys[j], vos_ymap_get(pages, keys[j]), paths[j], false, NULL};
			struct vos_diag *d;
			if (!paths[i] || !paths[j] || strcmp(paths[i], paths[j]))
				continue;
			d = terr(p, &t, "'%s' is the same file as '%s' ('%s'): one would overwrite the other",
			         keys[j], keys[i], paths[j]);
			{
				struct vos_loc rel = vos_ynode_loc(vos_ymap_get(pages, keys[i]), p->file);
				vos_diag_set_related(d, &rel);
			}
			break;
		}
}

static const char *const top_keys[] = {"page", "inventory", "render", "publish", "probe", "secrets", "hook",
                                       NULL};
static const char *const hook_keys[] = {"always", NULL};
static const char *const render_keys[] = {"services", "inventory_page", "status", "status_file", "redact",
                                          "placeholder", "authority", "status_max_age", NULL};
static const char *const publish_keys[] = {"remote", "branch", "pages", "token_env", "user_env", "author", NULL};
static const char *const pages_keys[] = {"services", "inventory", "status", NULL};
static const char *const author_keys[] = {"name", "email", NULL};
static const char *const probe_keys[] = {"timeout_ms", "concurrency", "scope", "dns", "tls_expiry_days",
                                         "cacert", NULL};

/* NULL when s is a DNS server "ADDR[:PORT]" (an IPv6 address with a port in brackets), else why not */
static const char *dns_server_problem(const char *s)
{
	char host[64];
	const char *port = NULL, *end;
	struct vos_ip ip;
	size_t n;
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end)
			return "a '[' without its ']'";
		n = (size_t)(end - s - 1);
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return "expected ADDR[:PORT]";
		s++;
	} else {
		end = strchr(s, ':');
		n = end && !strchr(end + 1, ':') ? (size_t)(end - s) : strlen(s); /* bare IPv6: no port */
		if (end && !strchr(end + 1, ':'))
			port = end + 1;
	}
	if (n >= sizeof(host))
		return "not an IP address";
	memcpy(host, s, n);
	host[n] = '\0';
	if (vos_addr_classify(host, &ip) != VOS_ADDR_IPV4 && vos_addr_classify(host, &ip) != VOS_ADDR_IPV6)
		return "not an IP address (a DNS server is given by its address)";
	if (port) {
		char *e;
		long v = strtol(port, &e, 10);
		if (!*port || *e || v < 1 || v > 65535)
			return "the port is not 1-65535";
	}
	return NULL;
}

/* A list of networks (scope) or DNS servers (dns), joined with ","; *set when the key is there. */
static char *get_addr_list(struct cparse *p, const struct vos_ynode *m, const char *key, bool dns, bool *set)
{
	const struct vos_ynode *v = vos_ymap_get(m, key);
	struct vos_buf b = VOS_BUF_INIT;
	size_t i;
	char *r;
	if (!v || vos_yscalar_is_null(v))
		return NULL;
	if (v->kind != VOS_YNODE_SEQ) {
		cerr(p, v, "'%s' must be a list, not %s", key, vos_ynode_kind_phrase(v));
		return NULL;
	}
	for (i = 0; i < v->n; i++) {
		const struct vos_ynode *it = v->u.items[i];
		const char *why = NULL;
		struct vos_cidr c;
		if (it->kind != VOS_YNODE_SCALAR || vos_yscalar_is_null(it)) {
			cerr(p, it, "items of '%s' must be strings, not %s", key, vos_ynode_kind_phrase(it));
			continue;
		}
		if (dns ? (why = dns_server_problem(it->u.s.str)) != NULL
		        : vos_cidr_parse_any(&c, it->u.s.str, &why) < 0) {
			cerr(p, it, dns ? "invalid DNS server '%s' in '%s' (%s)" : "invalid network '%s' in '%s' (%s)",
			     it->u.s.str, key, why);
			continue;
		}
		vos_buf_addf(&b, "%s%s", b.len ? "," : "", it->u.s.str);
	}
	if (set)
		*set = true;
	r = vos_arena_strdup(&p->cfg->arena, b.ptr ? b.ptr : "");
	vos_buf_release(&b);
	return r;
}

/* render.redact: a list of addresses, paths, secrets. */
static void get_redact(struct cparse *p, const struct vos_ynode *m)
{
	static const struct {
		const char *name;
		unsigned bit;
	} kinds[] = {{"addresses", VOS_REDACT_ADDRESSES}, {"paths", VOS_REDACT_PATHS},
	             {"secrets", VOS_REDACT_SECRETS}};
	const struct vos_ynode *v = vos_ymap_get(m, "redact");
	size_t i, k;
	if (!v || vos_yscalar_is_null(v))
		return;
	if (v->kind != VOS_YNODE_SEQ) {
		cerr(p, v, "'redact' must be a list (addresses, paths, secrets), not %s", vos_ynode_kind_phrase(v));
		return;
	}
	for (i = 0; i < v->n; i++) {
		const struct vos_ynode *it = v->u.items[i];
		for (k = 0; k < VOS_ARRAY_SIZE(kinds); k++)
			if (it->kind == VOS_YNODE_SCALAR && !strcmp(it->u.s.str, kinds[k].name))
				break;
		if (k == VOS_ARRAY_SIZE(kinds)) {
			if (it->kind == VOS_YNODE_SCALAR)
				cerr(p, it, "unknown item '%s' in 'redact' (addresses, paths or secrets)", it->u.s.str);
			else
				cerr(p, it, "items of 'redact' must be strings, not %s", vos_ynode_kind_phrase(it));
			continue;
		}
		p->cfg->redact |= kinds[k].bit;
	}
}

/* render.placeholder: "<NAME>" that Markdown reads as text, not as an HTML tag (an underscore in
 * it, or no letter first), and that the page parser takes for a placeholder. */
static void get_placeholder(struct cparse *p, const struct vos_ynode *m)
{
	const struct vos_ynode *v = str_node(p, m, "placeholder");
	const char *s;
	size_t n;
	bool ok, under = false;
	if (!v)
		return;
	s = v->u.s.str;
	n = v->u.s.len;
	ok = n >= 3 && s[0] == '<' && s[n - 1] == '>';
	for (size_t i = 1; ok && i + 1 < n; i++) {
		char c = s[i];
		under |= c == '_';
		ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
	}
	if (ok && !under && ((s[1] >= 'A' && s[1] <= 'Z') || (s[1] >= 'a' && s[1] <= 'z')))
		ok = false; /* <LANIP> is an HTML tag to Markdown: the cell would look empty */
	if (!ok) {
		cerr(p, v, "'placeholder' must be written '<NAME_WITH_UNDERSCORE>' (letters, digits, '_', '-'; "
		     "an underscore, so that Markdown shows it), not '%s'", s);
		return;
	}
	p->cfg->placeholder = vos_arena_strndup(&p->cfg->arena, s, n);
}

/* secrets: [VAR, ...]: the environment variables whose values no page may hold. Only their names
 * are in the file; vosctl reads the values to look for them, never sends them anywhere. */
static void get_secrets(struct cparse *p, const struct vos_ynode *root)
{
	const struct vos_ynode *v = vos_ymap_get(root, "secrets");
	size_t i;
	if (!v || vos_yscalar_is_null(v))
		return;
	if (v->kind != VOS_YNODE_SEQ) {
		cerr(p, v, "'secrets' must be a list of environment variable names, not %s", vos_ynode_kind_phrase(v));
		return;
	}
	p->cfg->secrets = vos_arena_alloc(&p->cfg->arena, (v->n + 1) * sizeof(*p->cfg->secrets));
	for (i = 0; i < v->n; i++) {
		const struct vos_ynode *it = v->u.items[i];
		if (it->kind != VOS_YNODE_SCALAR || vos_yscalar_is_null(it)) {
			cerr(p, it, "items of 'secrets' must be strings, not %s", vos_ynode_kind_phrase(it));
			continue;
		}
		if (!env_name_ok(it->u.s.str)) {
			cerr(p, it, "'secrets' must name environment variables, not '%s'", it->u.s.str);
			continue;
		}
		p->cfg->secrets[p->cfg->nsecrets++] = vos_arena_strndup(&p->cfg->arena, it->u.s.str, it->u.s.len);
	}
}

static void set_defaults(struct vos_config *cfg, const char *base_dir)
{
	char *sf;
	cfg->base_dir = vos_arena_strdup(&cfg->arena, base_dir ? base_dir : ".");
	sf = vos_path_join(cfg->base_dir, ".vosctl/last-probe.json");
	cfg->status_file = vos_arena_strdup(&cfg->arena, sf);
	free(sf);
	cfg->branch = vos_arena_strdup(&cfg->arena, "main");
	cfg->token_env = vos_arena_strdup(&cfg->arena, "VOSCTL_TOKEN");
	cfg->user_env = vos_arena_strdup(&cfg->arena, "VOSCTL_GIT_USER");
	cfg->placeholder = vos_arena_strdup(&cfg->arena, VOS_DEFAULT_PLACEHOLDER);
	cfg->probe_timeout_ms = 2000;
	cfg->status_max_age_s = 3600;
	cfg->probe_concurrency = 1024;
	cfg->probe_tls_expiry_days = 14;
}

static void init_config(struct vos_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	vos_arena_init(&cfg->arena);
}

static void parse_root(struct cparse *p, const struct vos_ynode *root)
{
	struct vos_config *cfg = p->cfg;
	const struct vos_ynode *sec;
	if (!check_map(p, root, "the configuration", top_keys))
		return;
	cfg->page = get_path(p, root, "page", false);
	cfg->inventory = get_path(p, root, "inventory", false);
	sec = vos_ymap_get(root, "render");
	if (sec && !vos_yscalar_is_null(sec) && check_map(p, sec, "render", render_keys)) {
		char *sf;
		cfg->render_services = get_path(p, sec, "services", true);
		cfg->render_inventory = get_path(p, sec, "inventory_page", true);
		cfg->render_status = get_path(p, sec, "status", true);
		if ((sf = get_path(p, sec, "status_file", true))) /* probe writes there: confined too */
			cfg->status_file = sf;
		get_redact(p, sec);
		get_placeholder(p, sec);
		{
			const struct vos_ynode *a = str_node(p, sec, "authority");
			if (a && !strcmp(a->u.s.str, "inventory"))
				cfg->inventory_authority = true;
			else if (a && strcmp(a->u.s.str, "page"))
				cerr(p, a, "'authority' must be 'page' or 'inventory', not '%s'", a->u.s.str);
		}
		get_duration(p, sec, "status_max_age", &cfg->status_max_age_s);
	}
	get_secrets(p, root);
	if (!cfg->render_services)
		cfg->render_services = cfg->page;
	{
		const struct vos_ynode *page = vos_ymap_get(root, "page");
		const struct vos_ynode *r = sec && sec->kind == VOS_YNODE_MAP ? sec : NULL;
		/* a page given as a relative path without ".." is in the lab: so is render's copy of it */
		bool page_in = page && page->kind == VOS_YNODE_SCALAR && page->u.s.str[0] != '/' &&
		               !has_dotdot(page->u.s.str);
		struct target t[5] = {
			{"page", page, cfg->page, false, NULL},
			{"services", r ? vos_ymap_get(r, "services") : NULL, cfg->render_services, true, NULL},
			{"inventory_page", r ? vos_ymap_get(r, "inventory_page") : NULL, cfg->render_inventory, true, NULL},
			{"status", r ? vos_ymap_get(r, "status") : NULL, cfg->render_status, true, NULL},
			{"status_file", r ? vos_ymap_get(r, "status_file") : NULL, cfg->status_file, true, NULL},
		};
		if (!t[1].node) {
			t[1].key = "page";
			t[1].node = page;
			t[1].confined = page_in;
		}
		check_targets(p, t, VOS_ARRAY_SIZE(t));
	}
	sec = vos_ymap_get(root, "publish");
	if (sec && !vos_yscalar_is_null(sec) && check_map(p, sec, "publish", publish_keys)) {
		const struct vos_ynode *sub;
		cfg->remote = get_str(p, sec, "remote", NULL);
		cfg->branch = get_str(p, sec, "branch", "main");
		cfg->token_env = get_env_name(p, sec, "token_env", "VOSCTL_TOKEN");
		cfg->user_env = get_env_name(p, sec, "user_env", "VOSCTL_GIT_USER");
		sub = vos_ymap_get(sec, "pages");
		if (sub && !vos_yscalar_is_null(sub) && check_map(p, sub, "pages", pages_keys)) {
			cfg->remote_services = get_repo_path(p, sub, "services");
			cfg->remote_inventory = get_repo_path(p, sub, "inventory");
			cfg->remote_status = get_repo_path(p, sub, "status");
			check_repo_targets(p, sub);
		}
		sub = vos_ymap_get(sec, "author");
		if (sub && !vos_yscalar_is_null(sub) && check_map(p, sub, "author", author_keys)) {
			cfg->author_name = get_str(p, sub, "name", NULL);
			cfg->author_email = get_str(p, sub, "email", NULL);
		}
	}
	sec = vos_ymap_get(root, "probe");
	if (sec && !vos_yscalar_is_null(sec) && check_map(p, sec, "probe", probe_keys)) {
		get_posint(p, sec, "timeout_ms", 600000, &cfg->probe_timeout_ms);
		get_posint(p, sec, "concurrency", 65536, &cfg->probe_concurrency);
		cfg->probe_scope = get_addr_list(p, sec, "scope", false, &cfg->probe_scope_set);
		cfg->probe_dns = get_addr_list(p, sec, "dns", true, NULL);
		get_posint(p, sec, "tls_expiry_days", 3650, &cfg->probe_tls_expiry_days);
		cfg->probe_cacert = get_path(p, sec, "cacert", false);
		if (cfg->probe_dns && !*cfg->probe_dns)
			cfg->probe_dns = NULL;
	}
	sec = vos_ymap_get(root, "hook");
	if (sec && !vos_yscalar_is_null(sec) && check_map(p, sec, "hook", hook_keys))
		get_bool(p, sec, "always", &cfg->hook_always);
}

int vos_config_parse(struct vos_config *out, const char *file, const char *base_dir,
                     const char *buf, size_t len, struct vos_diags *diags)
{
	struct vos_ydoc doc;
	struct cparse p;
	size_t errors0 = diags->errors;
	int err;
	init_config(out);
	out->file = vos_arena_strdup(&out->arena, file ? file : VOS_CONFIG_NAME);
	out->loc.file = out->file;
	set_defaults(out, base_dir);
	p.cfg = out;
	p.diags = diags;
	p.file = out->file;
	err = vos_yaml_parse(&doc, out->file, 0, buf, len, diags);
	if (err == 0) {
		if (doc.ndocs > 1 && doc.docs[1]) {
			struct vos_loc loc = vos_ynode_loc(doc.docs[1], out->file);
			vos_diags_add(diags, VOS_SEV_ERROR, &loc, "config", "the configuration must be one YAML document");
		}
		if (doc.ndocs && doc.docs[0])
			parse_root(&p, doc.docs[0]);
	}
	vos_ydoc_release(&doc);
	if (err < 0)
		return err;
	return diags->errors > errors0 ? VOS_EINPUT : 0;
}

/* Reads and parses one config file; base_dir is its directory. A discovered file (not given with
 * -c) owned by someone else than the user or root is ignored with a warning: returns 1. */
static int load_file(struct vos_config *out, const char *path, const char *base_dir, bool discovered,
                     struct vos_diags *diags)
{
	char *buf = NULL;
	struct vos_err rerr = VOS_ERR_INIT;
	size_t len = 0;
	unsigned uid = 0;
	int err = vos_file_read_uid(&buf, &len, &uid, path, VOS_MAX_YAML_BYTES, &rerr);
	if (err < 0) {
		struct vos_loc loc;
		init_config(out);
		out->file = vos_arena_strdup(&out->arena, path);
		set_defaults(out, base_dir);
		loc.file = out->file;
		loc.line = loc.col = 0;
		vos_diags_add(diags, VOS_SEV_ERROR, &loc, "config", "%s", vos_err_msg(&rerr, "unable to read file"));
		vos_err_clear(&rerr);
		return VOS_EINPUT;
	}
	if (discovered && uid != (unsigned)geteuid() && uid != 0) {
		/* as git answers CVE-2022-24765: a file found by searching upward is trusted only when
		 * the user (or root) owns it; the owner was read from the descriptor the text came from */
		struct vos_loc loc = {path, 0, 0};
		vos_diags_add(diags, VOS_SEV_WARNING, &loc, "config",
		              "ignoring '%s': it is owned by uid %u, not by you (uid %u) or root; to trust it, "
		              "name it: vosctl -c '%s'", path, uid, (unsigned)geteuid(), path);
		free(buf);
		return 1;
	}
	err = vos_config_parse(out, path, base_dir, buf, len, diags);
	free(buf);
	return err;
}

/* The directories the upward search never moves into (git's GIT_CEILING_DIRECTORIES):
 * $VOSCTL_CEILING_DIRECTORIES (colon-separated absolute paths; others are ignored, as git does)
 * and $HOME, each resolved. Caller frees with free_list. */
static char **ceilings(size_t *n_out)
{
	const char *env = getenv("VOSCTL_CEILING_DIRECTORIES"), *home = getenv("HOME");
	char **v = NULL, real[PATH_MAX];
	size_t n = 0, alloc = 0;
	while (env && *env) {
		const char *e = strchr(env, ':');
		size_t len = e ? (size_t)(e - env) : strlen(env);
		char *one = vos_strndup(env, len);
		if (one[0] == '/' && realpath(one, real))
			*VOS_PUSH(v, n, alloc) = vos_strdup(real);
		free(one);
		env += len + (e ? 1 : 0);
	}
	if (home && home[0] == '/' && realpath(home, real))
		*VOS_PUSH(v, n, alloc) = vos_strdup(real);
	*n_out = n;
	return v;
}

static bool in_list(char **v, size_t n, const char *dir)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!strcmp(v[i], dir))
			return true;
	return false;
}

static void free_list(char **v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static bool env_true(const char *name)
{
	const char *v = getenv(name);
	return v && (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
	             !strcasecmp(v, "on"));
}

int vos_config_load(struct vos_config *out, const char *explicit_path, const char *start_dir,
                    struct vos_diags *diags)
{
	char abs_start[PATH_MAX], cwd[PATH_MAX], dir[PATH_MAX];
	unsigned up = 0;
	bool relative, across = env_true("VOSCTL_DISCOVERY_ACROSS_FILESYSTEM");
	char **ceil;
	size_t nceil;
	struct stat st;
	dev_t dev = 0;
	if (explicit_path) {
		char *base = vos_path_dirname(explicit_path);
		int err = load_file(out, explicit_path, base, false, diags);
		free(base);
		return err;
	}
	if (!start_dir)
		start_dir = ".";
	if (!realpath(start_dir, abs_start)) {
		struct vos_loc loc = {start_dir, 0, 0};
		init_config(out);
		set_defaults(out, start_dir);
		vos_diags_add(diags, VOS_SEV_ERROR, &loc, "config", "unable to open '%s': %s", start_dir,
		              strerror(errno));
		return VOS_EINPUT;
	}
	/* name what we find relative to the working directory when we started in it */
	relative = getcwd(cwd, sizeof(cwd)) && realpath(cwd, dir) && strcmp(dir, abs_start) == 0;
	snprintf(dir, sizeof(dir), "%s", abs_start);
	if (stat(dir, &st) == 0)
		dev = st.st_dev;
	ceil = ceilings(&nceil);
	/* the start directory is always searched; the search then moves up, but never into a ceiling
	 * (nor past one: a ceiling itself is not searched, as git does), nor, without
	 * VOSCTL_DISCOVERY_ACROSS_FILESYSTEM, onto another file system: see docs/configuration.md */
	for (;;) {
		char *cand = vos_path_join(dir, VOS_CONFIG_NAME);
		if (vos_is_file(cand)) {
			int err;
			if (relative) {
				struct vos_buf base = VOS_BUF_INIT, path = VOS_BUF_INIT;
				unsigned i;
				for (i = 0; i < up; i++)
					vos_buf_adds(&base, i ? "/.." : "..");
				if (!up)
					vos_buf_adds(&base, ".");
				if (up)
					vos_buf_addf(&path, "%s/%s", base.ptr, VOS_CONFIG_NAME);
				else
					vos_buf_adds(&path, VOS_CONFIG_NAME);
				err = load_file(out, path.ptr, base.ptr, true, diags);
				vos_buf_release(&base);
				vos_buf_release(&path);
			} else {
				err = load_file(out, cand, dir, true, diags);
			}
			free(cand);
			if (err != 1) {
				free_list(ceil, nceil);
				return err;
			}
		} else {
			free(cand);
		}
		if (strcmp(dir, "/") == 0 || in_list(ceil, nceil, dir))
			break;
		{
			char *slash = strrchr(dir, '/');
			if (!slash)
				break;
			if (slash == dir)
				slash[1] = '\0';
			else
				*slash = '\0';
		}
		if (in_list(ceil, nceil, dir))
			break;
		if (!across && (stat(dir, &st) < 0 || st.st_dev != dev))
			break;
		up++;
	}
	free_list(ceil, nceil);
	/* none found: defaults relative to start_dir */
	init_config(out);
	set_defaults(out, relative ? "." : start_dir);
	return 0;
}

void vos_config_release(struct vos_config *cfg)
{
	if (!cfg)
		return;
	vos_arena_release(&cfg->arena);
	memset(cfg, 0, sizeof(*cfg));
}
