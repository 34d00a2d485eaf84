/* init.c - vosctl init: a starting lab from an existing services page (see init.h).
 *
 * The page is read with the page parser every command uses (lib/page.c): hosts come from the
 * headings that name one, services from the rows of their tables, in page order. Unit files add
 * what systemd knows (ExecStart, Restart=, RestartSec=, Environment=); a Homepage services.yaml
 * adds ports and schemes from its hrefs. The class of each service is guessed from its name, its
 * purpose and its host's role, and every guess is marked "# guessed" where it is written. Page
 * rules become commented rule skeletons: unenforced (validate warns "rule-unenforced") until the
 * user fills them in.
 */
#include "init.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "lockfile.h"
#include "yaml.h"

#define UNIT_MAX_BYTES (1024u * 1024u)
#define MAX_UNITS 4096
#define MAX_PORTS 16

/* One port found for a service, and where it came from. */
struct iport {
	long port;
	enum { IP_TCP, IP_HTTP, IP_HTTPS } check;
	const char *path; /* http(s): the href's path */
	const char *from; /* "unit open-webui.service", "homepage" */
};

/* What init knows about one service. */
struct isvc {
	const char *id, *name, *host, *purpose, *address;
	const char *class_;
	bool class_guessed;
	const char *const *traits; /* guessed with the class */
	struct iport ports[MAX_PORTS];
	size_t nports;
	/* from a unit file */
	const char *unit, *scope, *restart, *exec;
	long restart_sec;
	char **env;
	size_t nenv, env_alloc;
	bool matched_unit;
};

struct ihost {
	const char *name, *plane, *role;
	const char *address; /* every row on the host showed this one address */
	bool mixed;          /* rows showed different addresses */
};

struct ictx {
	struct vos_arena *a;
	const struct vos_init_opts *o;
	struct vos_diags *diags;
	struct vos_err *err;
	struct vos_page page;
	struct ihost *hosts;
	size_t nhosts, hosts_alloc;
	struct isvc *svcs;
	size_t nsvcs, svcs_alloc;
	struct vos_map ids;
	size_t nunits, nhomepage;
};

char *vos_init_slug(struct vos_arena *a, const char *name)
{
	size_t n = strlen(name), i, o = 0;
	char *s = vos_arena_alloc(a, n + 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (isalnum(c) && c < 0x80)
			s[o++] = (char)tolower(c);
		else if (o && s[o - 1] != '-')
			s[o++] = '-';
	}
	while (o && s[o - 1] == '-')
		o--;
	s[o] = 0;
	return o ? s : vos_arena_strdup(a, "service");
}

/* ---- guessing a class */

struct guess {
	const char *word;
	const char *class_;
};

/* Looked for in the service's name first (the most telling), then in its purpose. */
static const struct guess name_guesses[] = {
	{"postgres", "database"}, {"mysql", "database"}, {"mariadb", "database"}, {"mongo", "database"},
	{"influx", "database"}, {"clickhouse", "database"}, {"sqlite", "database"},
	{"redis", "cache"}, {"valkey", "cache"}, {"memcache", "cache"},
	{"vllm", "inference"}, {"ollama", "inference"}, {"mlx", "inference"}, {"openvino", "inference"},
	{"llama", "inference"}, {"tgi", "inference"}, {"triton", "inference"},
	{"litellm", "router"},
	{"traefik", "proxy"}, {"nginx", "proxy"}, {"caddy", "proxy"}, {"haproxy", "proxy"}, {"mcp", "proxy"},
	{"authentik", "identity"}, {"keycloak", "identity"}, {"authelia", "identity"}, {"sso", "identity"},
	{"radarr", "media"}, {"sonarr", "media"}, {"lidarr", "media"}, {"prowlarr", "media"},
	{"readarr", "media"}, {"bazarr", "media"}, {"qbittorrent", "media"}, {"transmission", "media"},
	{"sabnzbd", "media"}, {"nzbget", "media"}, {"jellyfin", "media"}, {"plex", "media"}, {"emby", "media"},
	{"webui", "ui"}, {"web ui", "ui"},
	{"haystack", "rag"}, {"searx", "search"},
	{"wiki", "docs"}, {"bookstack", "docs"}, {"gitea", "git"}, {"forgejo", "git"}, {"gitlab", "git"},
	{"nfs", "storage"}, {"smb", "storage"}, {"samba", "storage"}, {"minio", "storage"},
	{"truenas", "storage"},
	{"opnsense", "network"}, {"pfsense", "network"}, {"dhcp", "network"}, {"dns", "network"},
	{"unbound", "network"}, {"pi-hole", "network"}, {"pihole", "network"}, {"adguard", "network"},
	{"home assistant", "automation"}, {"homeassistant", "automation"}, {"node-red", "automation"},
};

static const struct guess purpose_guesses[] = {
	{"database", "database"}, {"cache", "cache"}, {"inference", "inference"}, {"router", "router"},
	{"proxy", "proxy"}, {"identity", "identity"}, {"movies", "media"}, {"media", "media"},
	{"music", "media"}, {"tv", "media"}, {"torrent", "media"}, {"usenet", "media"},
	{"storage", "storage"}, {"shares", "storage"}, {"search", "search"}, {"rag", "rag"},
	{"documentation", "docs"}, {"git", "git"}, {"firewall", "network"}, {"resolution", "network"},
	{"chat", "ui"}, {"interface", "ui"}, {"automation", "automation"},
};

/* A host heading's role ("deep-thought (Databases)") as the last hint. */
static const struct guess role_guesses[] = {
	{"database", "database"}, {"storage", "storage"}, {"media", "media"}, {"inference", "inference"},
	{"gpu", "inference"},
};

static const char *guess_in(const struct guess *g, size_t n, const char *text)
{
	size_t i;
	if (!text)
		return NULL;
	for (i = 0; i < n; i++)
		if (vos_contains_nocase(text, g[i].word))
			return g[i].class_;
	return NULL;
}

static const char *const traits_inference[] = {"ai", "heavy-compute", "gpu-inference", NULL};
static const char *const traits_stateful[] = {"stateful", NULL};
static const char *const traits_ai[] = {"ai", NULL};

static void guess_class(struct isvc *s, const char *role)
{
	const char *c = guess_in(name_guesses, VOS_ARRAY_SIZE(name_guesses), s->name);
	if (!c)
		c = guess_in(purpose_guesses, VOS_ARRAY_SIZE(purpose_guesses), s->purpose);
	if (!c)
		c = guess_in(role_guesses, VOS_ARRAY_SIZE(role_guesses), role);
	s->class_ = c ? c : "app";
	s->class_guessed = true;
	if (!strcmp(s->class_, "inference"))
		s->traits = traits_inference;
	else if (!strcmp(s->class_, "database") || !strcmp(s->class_, "cache") ||
	         !strcmp(s->class_, "storage") || !strcmp(s->class_, "media"))
		s->traits = traits_stateful;
	else if (!strcmp(s->class_, "router") || !strcmp(s->class_, "rag") || !strcmp(s->class_, "ui"))
		s->traits = traits_ai;
}

/* "Control Plane" -> "control", as the model compares planes (lib/model.c). */
static const char *plane_word(struct vos_arena *a, const char *name)
{
	char *s = vos_init_slug(a, name);
	size_t n = strlen(s);
	if (n > 6 && !strcmp(s + n - 6, "-plane"))
		s[n - 6] = 0;
	return s;
}

/* ---- ports from a command line or an environment */

static bool parse_port(const char *s, long *out)
{
	char *end;
	long v;
	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || v < 1 || v > 65535 || (*end && *end != '/' && !isspace((unsigned char)*end)))
		return false;
	*out = v;
	return true;
}

static void add_port(struct isvc *s, long port, int check, const char *path, const char *from)
{
	size_t i;
	for (i = 0; i < s->nports; i++)
		if (s->ports[i].port == port) {
			if (check > (int)s->ports[i].check) { /* a homepage href knows the scheme */
				s->ports[i].check = check;
				s->ports[i].path = path;
			}
			return;
		}
	if (s->nports == MAX_PORTS)
		return;
	s->ports[s->nports].port = port;
	s->ports[s->nports].check = check;
	s->ports[s->nports].path = path;
	s->ports[s->nports].from = from;
	s->nports++;
}

/* Splits an Environment= value into its assignments, honouring "..." and '...' (systemd's own
 * quoting, simplified: "OTHER=x y" is one). Tokens are in the arena. */
static size_t split_words(struct vos_arena *a, const char *line, const char **words, size_t max)
{
	size_t n = 0;
	const char *p = line;
	while (*p && n < max) {
		struct vos_buf b;
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		vos_buf_init(&b);
		while (*p && !isspace((unsigned char)*p)) {
			if (*p == '"' || *p == '\'') {
				char q = *p++;
				while (*p && *p != q)
					vos_buf_addc(&b, *p++);
				if (*p)
					p++;
			} else {
				vos_buf_addc(&b, *p++);
			}
		}
		words[n++] = vos_arena_strdup(a, b.ptr ? b.ptr : "");
		vos_buf_release(&b);
	}
	return n;
}

/* The ports a command line or an Environment assignment names, read as validate's evidence check
 * reads launch.exec (lib/evidence.c), so that the ports init declares are those validate will
 * find on the line. */
static void ports_from_line(struct isvc *s, const char *line, const char *from)
{
	struct vos_launch_facts lf;
	size_t i;
	vos_launch_facts_read(&lf, line);
	for (i = 0; i < lf.nports; i++)
		add_port(s, lf.ports[i], IP_TCP, NULL, from);
}

/* ---- systemd unit files */

/* "litellm-orch.service" and "LiteLLM": the unit's stem and the service's id, letters and digits
 * only, are equal or one begins with the other ("litellmorch" / "litellm"). */
static bool unit_matches(struct vos_arena *a, const char *stem, const struct isvc *s)
{
	const char *x = vos_init_slug(a, stem), *y = s->id;
	char bx[256], by[256];
	size_t i, o;
	for (i = o = 0; x[i] && o + 1 < sizeof(bx); i++)
		if (x[i] != '-')
			bx[o++] = x[i];
	bx[o] = 0;
	for (i = o = 0; y[i] && o + 1 < sizeof(by); i++)
		if (y[i] != '-')
			by[o++] = y[i];
	by[o] = 0;
	if (!bx[0] || !by[0])
		return false;
	return vos_starts_with(bx, by) || vos_starts_with(by, bx);
}

/* Environment="A=1" "B=2" / Environment=A=1 B=2 */
static void unit_env(struct ictx *c, struct isvc *s, const char *val, const char *from)
{
	const char *w[64];
	size_t n = split_words(c->a, val, w, VOS_ARRAY_SIZE(w)), i;
	for (i = 0; i < n; i++) {
		if (!strchr(w[i], '='))
			continue;
		*VOS_PUSH(s->env, s->nenv, s->env_alloc) = (char *)w[i];
		ports_from_line(s, w[i], from);
	}
}

static void read_unit(struct ictx *c, const char *path, const char *fname, struct isvc *s)
{
	char *text = NULL, *line, *save = NULL;
	size_t len;
	struct vos_err e = VOS_ERR_INIT;
	bool in_service = false;
	const char *from = vos_arena_sprintf(c->a, "unit %s", fname);
	if (vos_file_read(&text, &len, path, UNIT_MAX_BYTES, &e) < 0) {
		struct vos_loc loc = {path, 0, 0};
		vos_diags_add(c->diags, VOS_SEV_WARNING, &loc, "init-unit", "%s", vos_err_msg(&e, "unreadable"));
		vos_err_clear(&e);
		return;
	}
	s->unit = vos_arena_strdup(c->a, path);
	s->scope = strstr(path, "systemd/user") ? "user" : "system";
	s->matched_unit = true;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq, *k, *v;
		size_t l = strlen(line);
		while (l && isspace((unsigned char)line[l - 1]))
			line[--l] = 0;
		while (isspace((unsigned char)*line))
			line++;
		if (!*line || *line == '#' || *line == ';')
			continue;
		if (*line == '[') {
			in_service = !strcmp(line, "[Service]");
			continue;
		}
		if (!in_service || !(eq = strchr(line, '=')))
			continue;
		*eq = 0;
		k = line;
		v = eq + 1;
		l = strlen(k);
		while (l && isspace((unsigned char)k[l - 1]))
			k[--l] = 0;
		while (isspace((unsigned char)*v))
			v++;
		if (!strcmp(k, "ExecStart")) {
			while (*v == '-' || *v == '@' || *v == '+' || *v == '!' || *v == ':')
				v++; /* systemd's prefixes */
			s->exec = vos_arena_strdup(c->a, v);
			ports_from_line(s, s->exec, from);
		} else if (!strcmp(k, "Restart")) {
			s->restart = vos_arena_strdup(c->a, v);
		} else if (!strcmp(k, "RestartSec")) {
			char *end;
			long sec = strtol(v, &end, 10);
			if (end != v && (!*end || !strcmp(end, "s")) && sec >= 0)
				s->restart_sec = sec;
		} else if (!strcmp(k, "Environment")) {
			unit_env(c, s, v, from);
		}
	}
	free(text);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static int read_units(struct ictx *c)
{
	DIR *d = opendir(c->o->units);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, alloc = 0, i, j;
	if (!d)
		return vos_err_set(c->err, VOS_EIO, "unable to open directory '%s': %s", c->o->units, strerror(errno));
	while ((de = readdir(d)) && n < MAX_UNITS)
		if (vos_ends_with(de->d_name, ".service") && de->d_name[0] != '.')
			*VOS_PUSH(names, n, alloc) = vos_arena_strdup(c->a, de->d_name);
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str); /* readdir's order is the file system's */
	for (i = 0; i < n; i++) {
		char *stem = vos_arena_strndup(c->a, names[i], strlen(names[i]) - strlen(".service"));
		char *path = vos_path_join(c->o->units, names[i]);
		struct isvc *s = NULL;
		for (j = 0; j < c->nsvcs && !s; j++)
			if (!c->svcs[j].matched_unit && unit_matches(c->a, stem, &c->svcs[j]))
				s = &c->svcs[j];
		if (s) {
			read_unit(c, path, names[i], s);
			c->nunits++;
		} else {
			struct vos_loc loc = {vos_arena_strdup(c->a, path), 0, 0};
			vos_diags_add(c->diags, VOS_SEV_WARNING, &loc, "init-unmatched",
			              "unit '%s' matches no service on the page (add the service to the page, "
			              "then its details by hand)", names[i]);
		}
		free(path);
	}
	free(names);
	return 0;
}

/* ---- a Homepage services.yaml: [{Group: [{Name: {href, description, ...}}]}] */

static struct isvc *svc_by_name(struct ictx *c, const char *name)
{
	size_t i;
	for (i = 0; i < c->nsvcs; i++)
		if (vos_name_eq(c->svcs[i].name, name))
			return &c->svcs[i];
	return NULL;
}

static void homepage_entry(struct ictx *c, const char *file, const struct vos_ynode *key,
                           const struct vos_ynode *val)
{
	struct isvc *s = svc_by_name(c, key->u.s.str);
	const struct vos_ynode *href, *desc;
	struct vos_loc loc = vos_ynode_loc(key, file);
	if (!s) {
		vos_diags_add(c->diags, VOS_SEV_WARNING, &loc, "init-unmatched",
		              "Homepage service '%s' is not on the page (the page is what init starts from)",
		              key->u.s.str);
		return;
	}
	c->nhomepage++;
	if (val->kind != VOS_YNODE_MAP)
		return;
	desc = vos_ymap_get(val, "description");
	if (desc && desc->kind == VOS_YNODE_SCALAR && (!s->purpose || !*s->purpose))
		s->purpose = desc->u.s.str;
	href = vos_ymap_get(val, "href");
	if (href && href->kind == VOS_YNODE_SCALAR) {
		const char *h = href->u.s.str, *rest;
		int check = vos_starts_with(h, "https://") ? IP_HTTPS : vos_starts_with(h, "http://") ? IP_HTTP : -1;
		long port = check == IP_HTTPS ? 443 : 80;
		const char *path = "/";
		if (check < 0)
			return;
		rest = strstr(h, "://") + 3;
		{
			size_t hl = strcspn(rest, "/?#");
			const char *auth = vos_arena_strndup(c->a, rest, hl);
			const char *colon = strrchr(auth, ':');
			if (colon && !strchr(colon, ']') && !parse_port(colon + 1, &port))
				return;
			if (rest[hl] == '/') {
				size_t pl = strcspn(rest + hl, "?#");
				path = vos_arena_strndup(c->a, rest + hl, pl);
			}
		}
		add_port(s, port, check, path, "homepage");
	}
}

static int read_homepage(struct ictx *c)
{
	char *text = NULL;
	size_t len, i, j, k;
	struct vos_ydoc doc;
	const struct vos_ynode *root;
	const char *file = c->o->homepage;
	int rc = vos_file_read(&text, &len, file, VOS_MAX_YAML_BYTES, c->err);
	if (rc < 0)
		return rc == VOS_ENOTFOUND ? vos_err_set(c->err, VOS_EIO, "%s", vos_err_msg(c->err, "unreadable")) : rc;
	rc = vos_yaml_parse(&doc, file, 0, text, len, c->diags);
	free(text);
	if (rc < 0) {
		vos_ydoc_release(&doc); /* what it had parsed before the error */
		return rc;
	}
	root = doc.ndocs ? doc.docs[0] : NULL;
	if (!root || root->kind != VOS_YNODE_SEQ) {
		struct vos_loc loc = root ? vos_ynode_loc(root, file) : (struct vos_loc){file, 1, 1};
		vos_diags_add(c->diags, VOS_SEV_ERROR, &loc, "init-homepage",
		              "a Homepage services.yaml is a list of groups (- Group: [services])");
		vos_ydoc_release(&doc);
		return VOS_EINPUT;
	}
	for (i = 0; i < root->n; i++) {
		const struct vos_ynode *g = root->u.items[i];
		if (g->kind != VOS_YNODE_MAP)
			continue;
		for (j = 0; j < g->n; j++) {
			const struct vos_ynode *list = vos_ymap_val(g, j);
			if (list->kind != VOS_YNODE_SEQ)
				continue;
			for (k = 0; k < list->n; k++) {
				const struct vos_ynode *e = list->u.items[k];
				if (e->kind == VOS_YNODE_MAP && e->n == 1 && vos_ymap_key(e, 0)->kind == VOS_YNODE_SCALAR)
					homepage_entry(c, doc.file, vos_ymap_key(e, 0), vos_ymap_val(e, 0));
			}
		}
	}
	/* the strings kept point into doc: copy them out before releasing it */
	for (i = 0; i < c->nsvcs; i++)
		if (c->svcs[i].purpose)
			c->svcs[i].purpose = vos_arena_strdup(c->a, c->svcs[i].purpose);
	vos_ydoc_release(&doc);
	return 0;
}

/* ---- writing YAML */

/* A scalar as YAML reads it back as the same string: plain when it is only [A-Za-z0-9._/-] and
 * cannot be read as anything but a string, else double-quoted with escapes. */
static void yscalar(struct vos_buf *b, const char *s)
{
	static const char *const words[] = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"};
	const char *p;
	bool plain = *s && !isdigit((unsigned char)*s) && *s != '-' && *s != '.';
	size_t i;
	for (p = s; plain && *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._/-", *p))
			plain = false;
	for (i = 0; plain && i < VOS_ARRAY_SIZE(words); i++)
		if (vos_strcaseeq(s, words[i]))
			plain = false;
	if (plain) {
		vos_buf_adds(b, s);
		return;
	}
	vos_buf_addc(b, '"');
	for (p = s; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == '"' || ch == '\\') {
			vos_buf_addc(b, '\\');
			vos_buf_addc(b, (char)ch);
		} else if (ch < 0x20 || ch == 0x7f) {
			vos_buf_addf(b, "\\x%02x", ch);
		} else {
			vos_buf_addc(b, (char)ch);
		}
	}
	vos_buf_addc(b, '"');
}

static void ykey(struct vos_buf *b, const char *indent, const char *key, const char *val)
{
	if (!val)
		return;
	vos_buf_addf(b, "%s%s: ", indent, key);
	yscalar(b, val);
	vos_buf_addc(b, '\n');
}

static void add_file(struct vos_init *out, const char *dir, const char *name, struct vos_buf *b)
{
	struct vos_init_file *f = &out->files[out->nfiles++];
	char *p = vos_path_join(dir, name);
	f->path = vos_arena_strdup(&out->arena, p);
	free(p);
	f->text = vos_arena_strndup(&out->arena, b->ptr ? b->ptr : "", b->len);
	f->len = b->len;
	vos_buf_reset(b);
}

static const char *check_word(int check)
{
	return check == IP_HTTPS ? "https" : check == IP_HTTP ? "http" : "tcp";
}

static void emit_service(struct vos_buf *b, const struct isvc *s)
{
	size_t i;
	vos_buf_addf(b, "  - id: %s\n", s->id);
	ykey(b, "    ", "name", s->name);
	ykey(b, "    ", "host", s->host);
	vos_buf_adds(b, "    class: ");
	yscalar(b, s->class_);
	vos_buf_adds(b, s->class_guessed ? "   # guessed\n" : "\n");
	if (s->traits) {
		vos_buf_adds(b, "    traits: [");
		for (i = 0; s->traits[i]; i++)
			vos_buf_addf(b, "%s%s", i ? ", " : "", s->traits[i]);
		vos_buf_adds(b, "]   # guessed\n");
	}
	if (s->purpose && *s->purpose)
		ykey(b, "    ", "purpose", s->purpose);
	ykey(b, "    ", "address", s->address);
	if (s->nports) {
		vos_buf_adds(b, "    ports:\n");
		for (i = 0; i < s->nports; i++) {
			const struct iport *p = &s->ports[i];
			vos_buf_addf(b, "      - {port: %ld, check: %s", p->port, check_word((int)p->check));
			if (p->path) {
				vos_buf_adds(b, ", path: ");
				yscalar(b, p->path);
			}
			vos_buf_addf(b, "}   # from %s\n", p->from);
		}
	}
	if (s->matched_unit) {
		vos_buf_adds(b, "    launch:\n      kind: systemd\n");
		ykey(b, "      ", "unit", s->unit);
		ykey(b, "      ", "scope", s->scope);
		ykey(b, "      ", "restart", s->restart);
		if (s->restart_sec >= 0)
			vos_buf_addf(b, "      restart_sec: %ld\n", s->restart_sec);
		ykey(b, "      ", "exec", s->exec);
		if (s->nenv) {
			/* the unit's Environment= lines, kept as notes: they are evidence, not settings */
			struct vos_buf n;
			vos_buf_init(&n);
			for (i = 0; i < s->nenv; i++)
				vos_buf_addf(&n, "%sEnvironment=%s", i ? "; " : "", s->env[i]);
			ykey(b, "    ", "notes", n.ptr);
			vos_buf_release(&n);
		}
	}
	vos_buf_addc(b, '\n');
}

/* What a page rule's words suggest (commented out: the user decides). */
static void emit_rule_skeleton(struct vos_buf *b, struct vos_arena *a, const struct vos_page_rule *r)
{
	const char *subject = r->subject ? r->subject : "HOST";
	const char *t = r->text;
	vos_buf_addf(b, "  # - id: %s\n", vos_init_slug(a, t));
	vos_buf_addf(b, "  #   page_rule: %d\n", r->number);
	vos_buf_adds(b, "  #   text: ");
	yscalar(b, t);
	vos_buf_addc(b, '\n');
	if (vos_contains_nocase(t, "never") && vos_contains_nocase(t, "heavy")) {
		vos_buf_addf(b, "  #   assert: never-trait-on-host   # guessed\n  #   hosts: [%s]\n"
		             "  #   traits: [heavy-compute]\n", subject);
	} else if (vos_contains_nocase(t, "stateless")) {
		vos_buf_addf(b, "  #   assert: never-trait-on-host   # guessed\n  #   hosts: [%s]\n"
		             "  #   traits: [stateful]\n", subject);
	} else if (vos_contains_nocase(t, "-only") || vos_contains_nocase(t, " only")) {
		const char *c = guess_in(purpose_guesses, VOS_ARRAY_SIZE(purpose_guesses), t);
		vos_buf_addf(b, "  #   assert: host-holds-only-class   # guessed\n  #   hosts: [%s]\n"
		             "  #   classes: [%s]\n", subject, c ? c : "CLASS");
	} else if (vos_contains_nocase(t, " all ")) {
		const char *c = guess_in(purpose_guesses, VOS_ARRAY_SIZE(purpose_guesses), t);
		vos_buf_addf(b, "  #   assert: only-on-host   # guessed\n");
		if (c && !strcmp(c, "inference"))
			vos_buf_adds(b, "  #   select: {traits: [gpu-inference]}\n");
		else if (c && !strcmp(c, "database"))
			vos_buf_adds(b, "  #   select: {classes: [database, cache]}\n");
		else
			vos_buf_addf(b, "  #   select: {classes: [%s]}\n", c ? c : "CLASS");
		vos_buf_addf(b, "  #   hosts: [%s]\n", subject);
	} else {
		vos_buf_adds(b, "  #   assert: ASSERTION   # see docs/rules.md\n");
	}
	vos_buf_adds(b, "\n");
}

/* The page path as vosctl.yaml names it: relative to dir when the page lies under it. */
static const char *page_ref(struct vos_arena *a, const char *page, const char *dir)
{
	struct vos_err e = VOS_ERR_INIT;
	char *rp = vos_path_resolve(page, &e), *rd = vos_path_resolve(dir, &e);
	const char *out = page;
	if (rp && rd) {
		size_t n = strlen(rd);
		if (!strcmp(rd, "/"))
			n = 0;
		if (!strncmp(rp, rd, n) && rp[n] == '/')
			out = vos_arena_strdup(a, rp + n + 1);
		else
			out = vos_arena_strdup(a, rp);
	}
	free(rp);
	free(rd);
	vos_err_clear(&e);
	return out;
}

static void build_files(struct ictx *c, struct vos_init *out)
{
	const char *dir = c->o->dir ? c->o->dir : ".";
	const struct vos_page *pg = &c->page;
	struct vos_buf b;
	size_t i;
	vos_buf_init(&b);

	vos_buf_addf(&b, "# vosctl.yaml - written by `vosctl init` from the services page "
	             "(see docs/configuration.md).\n");
	ykey(&b, "", "page", page_ref(c->a, c->o->page, dir));
	vos_buf_adds(&b, "inventory: inventory\n");
	add_file(out, dir, "vosctl.yaml", &b);

	vos_buf_adds(&b, "# hosts.yaml - written by `vosctl init`: one host per heading of the services page that\n"
	             "# names one. Add each host's address, and the lab's VLANs with their CIDRs (probe's scope\n"
	             "# is the union of the VLANs: without them probe has nothing it may touch).\n");
	ykey(&b, "", "lab", vos_init_slug(c->a, pg->title ? pg->title : "lab"));
	vos_buf_adds(&b, c->nhosts ? "\nhosts:\n" : "\nhosts: []\n");
	for (i = 0; i < c->nhosts; i++) {
		const struct ihost *h = &c->hosts[i];
		ykey(&b, "  - ", "name", h->name);
		ykey(&b, "    ", "plane", h->plane);
		ykey(&b, "    ", "role", h->role);
		if (h->address && !h->mixed)
			ykey(&b, "    ", "address", h->address);
		else
			vos_buf_adds(&b, "    # address: the page does not show it\n");
		vos_buf_addc(&b, '\n');
	}
	add_file(out, dir, "inventory/hosts.yaml", &b);

	vos_buf_adds(&b, "# services.yaml - written by `vosctl init`: one service per row of the services page.\n"
	             "# Classes and traits marked \"# guessed\" come from the names, purposes and host roles: check\n"
	             "# them, since the placement rules select services by them.\n");
	vos_buf_adds(&b, c->nsvcs ? "services:\n" : "services: []\n");
	for (i = 0; i < c->nsvcs; i++)
		emit_service(&b, &c->svcs[i]);
	add_file(out, dir, "inventory/services.yaml", &b);

	vos_buf_adds(&b, "# rules.yaml - written by `vosctl init`: one skeleton per numbered rule of the page.\n"
	             "# Each is unenforced (validate warns rule-unenforced) until you uncomment it and check its\n"
	             "# assertion (docs/rules.md lists them).\nrules: []\n");
	for (i = 0; i < pg->nrules; i++)
		emit_rule_skeleton(&b, c->a, &pg->rules[i]);
	add_file(out, dir, "inventory/rules.yaml", &b);
	vos_buf_release(&b);
}

/* ---- the page's hosts and rows */

static void from_page(struct ictx *c, struct vos_init *out)
{
	const struct vos_page *pg = &c->page;
	size_t i;
	for (i = 0; i < pg->nhosts; i++) {
		const struct vos_page_host *ph = &pg->hosts[i];
		struct ihost *h = VOS_PUSH(c->hosts, c->nhosts, c->hosts_alloc);
		h->name = ph->name;
		h->role = ph->role;
		h->plane = ph->plane >= 0 ? plane_word(c->a, pg->planes[ph->plane].name) : NULL;
	}
	for (i = 0; i < pg->nrows; i++) {
		const struct vos_page_row *r = &pg->rows[i];
		struct isvc *s;
		const char *id;
		if (r->host < 0) {
			vos_diags_add(c->diags, VOS_SEV_WARNING, &r->loc, "init-no-host",
			              "service '%s' sits under no host heading: init cannot place it "
			              "(a heading such as \"### NAME (Role)\" or \"## Plane (NAME)\" names its host)",
			              r->service);
			continue;
		}
		id = vos_init_slug(c->a, r->service);
		if (vos_map_get(&c->ids, id)) {
			unsigned k = 2;
			const char *base = id;
			do
				id = vos_arena_sprintf(c->a, "%s-%u", base, k++);
			while (vos_map_get(&c->ids, id));
		}
		vos_map_put(&c->ids, id, (void *)id);
		s = VOS_PUSH(c->svcs, c->nsvcs, c->svcs_alloc);
		s->id = id;
		s->name = r->service;
		s->host = pg->hosts[r->host].name;
		s->purpose = r->purpose;
		s->restart_sec = -1;
		if (!r->address_placeholder && r->address && *r->address) {
			struct ihost *h = &c->hosts[r->host];
			if (!h->address)
				h->address = r->address;
			else if (strcmp(h->address, r->address))
				h->mixed = true;
		}
		guess_class(s, pg->hosts[r->host].role);
		out->nguessed++;
	}
	/* rows whose host shows several addresses keep their own */
	for (i = 0; i < pg->nrows; i++) {
		const struct vos_page_row *r = &pg->rows[i];
		size_t j;
		if (r->host < 0 || !c->hosts[r->host].mixed || r->address_placeholder || !r->address || !*r->address)
			continue;
		for (j = 0; j < c->nsvcs; j++)
			if (c->svcs[j].name == r->service)
				c->svcs[j].address = r->address;
	}
}

int vos_init_build(struct vos_init *out, const struct vos_init_opts *opts, struct vos_diags *diags,
                   struct vos_err *err)
{
	struct ictx c;
	int rc = 0;
	memset(out, 0, sizeof(*out));
	vos_arena_init(&out->arena);
	memset(&c, 0, sizeof(c));
	c.a = &out->arena;
	c.o = opts;
	c.diags = diags;
	c.err = err;
	vos_map_init(&c.ids, false);
	if ((rc = vos_page_load(&c.page, opts->page, diags)) < 0)
		goto done;
	from_page(&c, out);
	if (opts->units && (rc = read_units(&c)) < 0)
		goto done;
	if (opts->homepage && (rc = read_homepage(&c)) < 0)
		goto done;
	build_files(&c, out);
	out->nhosts = c.nhosts;
	out->nservices = c.nsvcs;
	out->nrules = c.page.nrules;
	out->nunits = c.nunits;
	out->nhomepage = c.nhomepage;
done:
	{
		size_t i;
		for (i = 0; i < c.nsvcs; i++)
			free(c.svcs[i].env);
	}
	free(c.svcs);
	free(c.hosts);
	vos_map_release(&c.ids);
	vos_page_release(&c.page);
	return rc;
}

int vos_init_write(const struct vos_init *in, struct vos_err *err)
{
	size_t i;
	struct vos_write_expect absent = {NULL, 0};
	for (i = 0; i < in->nfiles; i++) {
		struct stat st;
		if (lstat(in->files[i].path, &st) == 0)
			return vos_err_set(err, VOS_EINPUT, "'%s' already exists; init never overwrites a file "
			                   "(start in an empty directory, or give --dir)", in->files[i].path);
	}
	for (i = 0; i < in->nfiles; i++) {
		char *d = vos_path_dirname(in->files[i].path);
		int rc = vos_mkdir_p(d, 0755);
		if (rc < 0) {
			rc = vos_err_set(err, VOS_EIO, "unable to create directory '%s': %s", d, strerror(errno));
			free(d);
			return rc;
		}
		free(d);
		rc = vos_file_write(in->files[i].path, in->files[i].text, in->files[i].len, 0644, &absent, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void vos_init_release(struct vos_init *in)
{
	vos_arena_release(&in->arena);
	memset(in, 0, sizeof(*in));
}
