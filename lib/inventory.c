/* inventory.c - the YAML inventory directory -> struct vos_inventory (docs/inventory.md, docs/rules.md). */
#include "inventory.h"
#include "addr.h"
#include "source.h"
#include "yaml.h"

#include <dirent.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>

#define FIELDS_MAX 20 /* the most keys a mapping of the inventory may have (service_keys) */

/* The last conversion of one key's value: an alias or a merge key hands many mappings the same
 * node, which is then converted once (only when converting it reported nothing, so a bad shared
 * value is still reported at every use). */
struct memo {
	const struct vos_ynode *node;
	char *str;
	char **strs;
	struct vos_strloc *locs;
	size_t n;
};

/* A mapping's values by key, found in one pass over it (check_map): v[i] is the value of keys[i]. */
struct fields {
	const struct vos_ynode *m;
	const char *const *keys;
	const struct vos_ynode *v[FIELDS_MAX];
	struct memo *memo; /* per key, or NULL */
};

/* One file being converted: where diagnostics go and which arena strings live in. */
struct conv {
	struct vos_inventory *inv;
	struct vos_diags *diags;
	const char *file; /* owned by inv->arena */
	char *tcp, *slash; /* default strings, shared by every port of the file */
	struct memo service_memo[FIELDS_MAX];
	const struct vos_ynode *launch_node; /* the last launch converted without a diagnostic */
	struct vos_launch launch;
};

static size_t diag_count(const struct conv *c)
{
	return c->diags->errors + c->diags->warnings;
}

static const char *const assert_names[VOS_ASSERT__COUNT] = {
	"only-on-host",
	"host-holds-only-class",
	"never-trait-on-host",
	"not-exposed-on-vlans",
	"exposed-only-on-vlans",
	"admin-only-via-vlans",
	"only-on-vlans",
	"stateful-only-where-storage",
	"require",
	"forbid",
};

const char *vos_assert_kind_name(enum vos_assert_kind kind)
{
	if (kind < 0 || kind >= VOS_ASSERT__COUNT)
		return "unknown";
	return assert_names[kind];
}

enum vos_assert_kind vos_assert_kind_parse(const char *name)
{
	int i;
	if (!name)
		return VOS_ASSERT_UNKNOWN;
	for (i = 0; i < VOS_ASSERT__COUNT; i++)
		if (strcmp(assert_names[i], name) == 0)
			return (enum vos_assert_kind)i;
	return VOS_ASSERT_UNKNOWN;
}

void vos_port_describe(struct vos_buf *b, const struct vos_port *p)
{
	if (p->port_end > p->port)
		vos_buf_addf(b, "%d-%d", p->port, p->port_end);
	else
		vos_buf_addf(b, "%d", p->port);
	if (p->proto && strcmp(p->proto, "tcp"))
		vos_buf_addf(b, "/%s", p->proto);
}

/* ------------------------------------------------------------ helpers */

static struct vos_loc nloc(const struct conv *c, const struct vos_ynode *n)
{
	return vos_ynode_loc(n, c->file);
}

static struct vos_diag *report(struct conv *c, const struct vos_ynode *n, const char *rule,
                               const char *fmt, ...) VOS_PRINTF(4, 5);
static struct vos_diag *report(struct conv *c, const struct vos_ynode *n, const char *rule,
                               const char *fmt, ...)
{
	struct vos_loc loc = nloc(c, n);
	struct vos_diag *d;
	va_list ap;
	va_start(ap, fmt);
	d = vos_diags_vadd(c->diags, VOS_SEV_ERROR, &loc, rule, fmt, ap);
	va_end(ap);
	return d;
}

/* Reports keys of m that are not in allowed (NULL-terminated, at most FIELDS_MAX) and fills f with
 * the value of each allowed key. Returns false if m is not a map. */
static bool check_map(struct conv *c, const struct vos_ynode *m, const char *what,
                      const char *const *allowed, struct fields *f)
{
	static const struct vos_ymap_style style = {"inventory-type", "inventory-unknown-key", false};
	memset(f, 0, sizeof(*f));
	f->m = m;
	f->keys = allowed;
	return vos_ymap_check(m, allowed, f->v, what, &style, c->file, c->diags);
}

/* A string value (any non-null scalar), copied into the arena; NULL when absent, null or wrong. */
static char *get_str(struct conv *c, const struct fields *f, int k, struct vos_loc *loc)
{
	const struct vos_ynode *v = f->v[k];
	struct memo *memo = f->memo ? &f->memo[k] : NULL;
	char *s;
	if (!v || vos_yscalar_is_null(v))
		return NULL;
	if (v->kind != VOS_YNODE_SCALAR) {
		report(c, v, "inventory-type", "'%s' must be a string, not %s", f->keys[k], vos_ynode_kind_phrase(v));
		return NULL;
	}
	if (loc)
		*loc = nloc(c, v);
	if (memo && memo->node == v)
		return memo->str;
	s = vos_arena_strndup(&c->inv->arena, v->u.s.str, v->u.s.len);
	if (memo) {
		memo->node = v;
		memo->str = s;
	}
	return s;
}

/* A required string: reports a missing key at the mapping, as "KIND 'ID' has no 'KEY'" (or
 * "KIND has no 'KEY'" without an id). */
static char *need_str(struct conv *c, const struct fields *f, int k, const char *kind, const char *id,
                      struct vos_loc *loc)
{
	const struct vos_ynode *v = f->v[k];
	if (!v || vos_yscalar_is_null(v)) {
		if (id)
			report(c, v ? v : f->m, "inventory-missing-key", "%s '%s' has no '%s'", kind, id, f->keys[k]);
		else
			report(c, v ? v : f->m, "inventory-missing-key", "%s has no '%s'", kind, f->keys[k]);
		return NULL;
	}
	return get_str(c, f, k, loc);
}

static size_t strlist_of(struct conv *c, const struct vos_ynode *v, const char *key, char ***out,
                         struct vos_strloc **locs);

/* A list of strings (one string is a one-element list). Returns the count; *out in the arena. */
static size_t get_strlist(struct conv *c, const struct fields *f, int k, char ***out,
                          struct vos_strloc **locs)
{
	const struct vos_ynode *v = f->v[k];
	struct memo *memo = f->memo ? &f->memo[k] : NULL;
	size_t n, before;
	if (memo && v && memo->node == v) {
		if (out)
			*out = memo->strs;
		if (locs)
			*locs = memo->locs;
		return memo->n;
	}
	before = diag_count(c);
	n = strlist_of(c, v, f->keys[k], out, locs);
	if (memo && v && diag_count(c) == before) {
		memo->node = v;
		memo->strs = out ? *out : NULL;
		memo->locs = locs ? *locs : NULL;
		memo->n = n;
	}
	return n;
}

static size_t strlist_of(struct conv *c, const struct vos_ynode *v, const char *key, char ***out,
                         struct vos_strloc **locs)
{
	size_t i, n = 0;
	if (out)
		*out = NULL;
	if (locs)
		*locs = NULL;
	if (!v || vos_yscalar_is_null(v))
		return 0;
	if (v->kind == VOS_YNODE_MAP) {
		report(c, v, "inventory-type", "'%s' must be a list of strings, not a mapping", key);
		return 0;
	}
	if (v->kind == VOS_YNODE_SCALAR) {
		if (out) {
			*out = vos_arena_alloc(&c->inv->arena, sizeof(char *));
			(*out)[0] = vos_arena_strndup(&c->inv->arena, v->u.s.str, v->u.s.len);
		}
		if (locs) {
			*locs = vos_arena_alloc(&c->inv->arena, sizeof(**locs));
			(*locs)[0].s = vos_arena_strndup(&c->inv->arena, v->u.s.str, v->u.s.len);
			(*locs)[0].loc = nloc(c, v);
		}
		return 1;
	}
	if (out)
		*out = vos_arena_alloc(&c->inv->arena, (v->n ? v->n : 1) * sizeof(char *));
	if (locs)
		*locs = vos_arena_alloc(&c->inv->arena, (v->n ? v->n : 1) * sizeof(**locs));
	for (i = 0; i < v->n; i++) {
		const struct vos_ynode *it = v->u.items[i];
		char *s;
		if (it->kind != VOS_YNODE_SCALAR || vos_yscalar_is_null(it)) {
			report(c, it, "inventory-type", "items of '%s' must be strings, not %s", key, vos_ynode_kind_phrase(it));
			continue;
		}
		s = vos_arena_strndup(&c->inv->arena, it->u.s.str, it->u.s.len);
		if (out)
			(*out)[n] = s;
		if (locs) {
			(*locs)[n].s = s;
			(*locs)[n].loc = nloc(c, it);
		}
		n++;
	}
	return n;
}

/* An integer value: 1 when present and valid, 0 when absent, -1 on error (reported). */
static int get_int(struct conv *c, const struct fields *f, int k, long long *out)
{
	const struct vos_ynode *v = f->v[k];
	if (!v || vos_yscalar_is_null(v))
		return 0;
	if (vos_yscalar_int(v, out) < 0) {
		report(c, v, "inventory-type", "'%s' must be an integer, not %s", f->keys[k], vos_ynode_kind_phrase(v));
		return -1;
	}
	return 1;
}

/* id syntax: [a-z0-9][a-z0-9._-]* */
static bool valid_id(const char *s)
{
	const char *p;
	if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return false;
	for (p = s + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return false;
	return true;
}

/* a name: non-empty, no whitespace or control characters */
static bool valid_name(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

/* A display name a table cell can hold as it is: not empty, no control character (a line break, a
 * tab), no blank at either end (the page parser trims a cell). */
static bool valid_display_name(const char *s)
{
	size_t n = s ? strlen(s) : 0, i;
	if (!n || s[0] == ' ' || s[n - 1] == ' ')
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
			return false;
	return true;
}

/* "N" or "N-M" with decimal digits; returns 0 and stores, or -1. */
static int parse_range(const char *s, long *lo, long *hi)
{
	char *end;
	long a, b;
	if (!(*s >= '0' && *s <= '9'))
		return -1;
	errno = 0;
	a = strtol(s, &end, 10);
	if (errno || end - s > 9)
		return -1;
	if (*end == '\0') {
		*lo = *hi = a;
		return 0;
	}
	if (*end != '-' || !(end[1] >= '0' && end[1] <= '9'))
		return -1;
	s = end + 1;
	b = strtol(s, &end, 10);
	if (errno || *end || end - s > 9)
		return -1;
	*lo = a;
	*hi = b;
	return 0;
}

/* An integer or range value: 1 ok, 0 absent, -1 error (reported). */
static int get_range(struct conv *c, const struct vos_ynode *v, const char *key, long min, long max,
                     long *lo, long *hi)
{
	long long i;
	if (!v || vos_yscalar_is_null(v))
		return 0;
	if (v->kind != VOS_YNODE_SCALAR) {
		report(c, v, "inventory-type", "'%s' must be an integer or a range like \"%s\", not %s", key,
		       strcmp(key, "port") == 0 ? "8100-8109" : "200-299", vos_ynode_kind_phrase(v));
		return -1;
	}
	if (vos_yscalar_int(v, &i) == 0) {
		if (i < min || i > max) {
			report(c, v, "inventory-value", "%s %lld is out of range %ld-%ld", key, i, min, max);
			return -1;
		}
		*lo = *hi = (long)i;
		return 1;
	}
	if (parse_range(v->u.s.str, lo, hi) < 0) {
		report(c, v, "inventory-type", "'%s' must be an integer or a range like \"%s\", not '%s'", key,
		       strcmp(key, "port") == 0 ? "8100-8109" : "200-299", v->u.s.str);
		return -1;
	}
	if (*lo < min || *lo > max || *hi < min || *hi > max) {
		report(c, v, "inventory-value", "%s range '%s' is out of range %ld-%ld", key, v->u.s.str, min, max);
		return -1;
	}
	if (*hi < *lo) {
		report(c, v, "inventory-value", "%s range '%s' is reversed", key, v->u.s.str);
		return -1;
	}
	return 1;
}

/* Checks an address value (an IPv4 or IPv6 literal, or a DNS name); reports at the value v. For
 * an IPv4 literal fills *addr and *has (when given). */
static void check_address(struct conv *c, const struct vos_ynode *v, const char *s, uint32_t *addr,
                          bool *has)
{
	struct vos_ip ip;
	enum vos_addr_kind k;
	if (!s)
		return;
	k = vos_addr_classify(s, &ip);
	if (k == VOS_ADDR_INVALID) {
		report(c, v, "inventory-value", "invalid address '%s' (%s)", s, vos_addr_invalid_reason(s));
		return;
	}
	if (k == VOS_ADDR_IPV4 && addr)
		*addr = (uint32_t)ip.b[0] << 24 | (uint32_t)ip.b[1] << 16 | (uint32_t)ip.b[2] << 8 | ip.b[3];
	if (k == VOS_ADDR_IPV4 && has)
		*has = true;
}

/* ------------------------------------------------------------ sections */

enum { VL_NAME, VL_CIDR, VL_ID, VL_DESCRIPTION };
static const char *const vlan_keys[] = {"name", "cidr", "id", "description", NULL};

static void conv_vlan(struct conv *c, const struct vos_ynode *m)
{
	struct vos_inventory *inv = c->inv;
	struct vos_vlan *v;
	struct fields f;
	long long id;
	if (!check_map(c, m, "VLAN", vlan_keys, &f))
		return;
	v = VOS_PUSH(inv->vlans, inv->nvlans, inv->vlans_alloc);
	v->loc = nloc(c, m);
	v->vlan_id = -1;
	v->name = need_str(c, &f, VL_NAME, "VLAN", NULL, NULL);
	if (v->name && !valid_name(v->name))
		report(c, f.v[VL_NAME], "inventory-value", "invalid VLAN name '%s'", v->name);
	v->cidr = need_str(c, &f, VL_CIDR, "VLAN", NULL, &v->cidr_loc);
	if (v->cidr) {
		struct vos_cidr any;
		const char *why = NULL;
		if (vos_cidr_parse_any(&any, v->cidr, &why) < 0 || !strchr(v->cidr, '/'))
			report(c, f.v[VL_CIDR], "inventory-value",
			       "invalid CIDR '%s' (%s; expected a.b.c.d/n or an IPv6 network such as 2001:db8::/64)",
			       v->cidr, why ? why : "no prefix length");
		else
			vos_cidr_parse(&v->net, &v->mask, v->cidr); /* IPv4: also as numbers (0 for IPv6) */
	}
	if (get_int(c, &f, VL_ID, &id) > 0) {
		if (id < 1 || id > 4094)
			report(c, f.v[VL_ID], "inventory-value", "VLAN id %lld is out of range 1-4094", id);
		else
			v->vlan_id = (int)id;
	}
	v->description = get_str(c, &f, VL_DESCRIPTION, NULL);
}

enum { H_NAME, H_PLANE, H_ADDRESS, H_VLAN, H_TRAITS, H_ROLE, H_DESCRIPTION };
static const char *const host_keys[] = {"name", "plane", "address", "vlan", "traits", "role",
                                        "description", NULL};

static void conv_host(struct conv *c, const struct vos_ynode *m)
{
	struct vos_inventory *inv = c->inv;
	struct vos_host *h;
	struct fields f;
	if (!check_map(c, m, "host", host_keys, &f))
		return;
	h = VOS_PUSH(inv->hosts, inv->nhosts, inv->hosts_alloc);
	h->loc = nloc(c, m);
	h->name = need_str(c, &f, H_NAME, "host", NULL, NULL);
	if (h->name && !valid_name(h->name))
		report(c, f.v[H_NAME], "inventory-value", "invalid host name '%s'", h->name);
	h->plane = get_str(c, &f, H_PLANE, NULL);
	h->address = get_str(c, &f, H_ADDRESS, &h->addr_loc);
	check_address(c, f.v[H_ADDRESS], h->address, &h->addr, &h->has_addr);
	h->vlan = get_str(c, &f, H_VLAN, &h->vlan_loc);
	h->ntraits = get_strlist(c, &f, H_TRAITS, &h->traits, NULL);
	h->role = get_str(c, &f, H_ROLE, NULL);
	h->description = get_str(c, &f, H_DESCRIPTION, NULL);
}

enum { P_PORT, P_PROTO, P_CHECK, P_PATH, P_STATUS, P_BODY, P_NAME, P_ADDRESS, P_QUERY, P_EXPECT,
       P_HEADERS };
static const char *const port_keys[] = {"port", "proto", "check", "path", "status", "body", "name",
                                        "address", "query", "expect_address", "headers", NULL};

/* An RFC 7230 token (a header field name): one or more of ALPHA DIGIT !#$%&'*+-.^_`|~ */
static bool valid_token(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr("!#$%&'*+-.^_`|~", *s)))
			return false;
	return true;
}

/* An environment variable's name: [A-Za-z_][A-Za-z0-9_]* */
static bool valid_env_name(const char *s)
{
	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* headers: {Name: value, Name: {env: VAR}, ...} of an http(s) port. A value is never quoted in a
 * message (it may be a secret pasted by mistake): only the header's name is. */
static void conv_headers(struct conv *c, const struct vos_ynode *v, struct vos_port *p)
{
	static const char *const env_keys[] = {"env", NULL};
	size_t i, j;
	if (!v || vos_yscalar_is_null(v))
		return;
	if (v->kind != VOS_YNODE_MAP) {
		report(c, v, "inventory-type", "'headers' must be a mapping of header name to value, not %s",
		       vos_ynode_kind_phrase(v));
		return;
	}
	p->headers = vos_arena_alloc(&c->inv->arena, (v->n ? v->n : 1) * sizeof(*p->headers));
	for (i = 0; i < v->n; i++) {
		const struct vos_ynode *k = vos_ymap_key(v, i), *val = vos_ymap_val(v, i);
		struct vos_header *h;
		if (k->kind != VOS_YNODE_SCALAR || !valid_token(k->u.s.str)) {
			report(c, k, "inventory-value", "invalid header name '%s' (an RFC 7230 token: letters, digits, "
			       "!#$%%&'*+-.^_`|~)", k->kind == VOS_YNODE_SCALAR ? k->u.s.str : "?");
			continue;
		}
		for (j = 0; j < p->nheaders; j++)
			if (vos_strcaseeq(p->headers[j].name, k->u.s.str))
				break;
		if (j < p->nheaders) {
			report(c, k, "inventory-value", "header '%s' is given twice", k->u.s.str);
			continue;
		}
		h = &p->headers[p->nheaders];
		memset(h, 0, sizeof(*h));
		h->name = vos_arena_strdup(&c->inv->arena, k->u.s.str);
		h->loc = nloc(c, val);
		if (val->kind == VOS_YNODE_MAP) {
			const struct vos_ynode *ev[2] = {NULL, NULL};
			static const struct vos_ymap_style style = {"inventory-type", "inventory-unknown-key", false};
			if (!vos_ymap_check(val, env_keys, ev, "header value", &style, c->file, c->diags))
				continue;
			if (!ev[0] || ev[0]->kind != VOS_YNODE_SCALAR || !valid_env_name(ev[0]->u.s.str)) {
				report(c, ev[0] ? ev[0] : val, "inventory-value",
				       "header '%s': 'env' must name an environment variable (letters, digits, _)", h->name);
				continue;
			}
			h->env = vos_arena_strdup(&c->inv->arena, ev[0]->u.s.str);
		} else if (val->kind == VOS_YNODE_SCALAR && !vos_yscalar_is_null(val)) {
			if (strpbrk(val->u.s.str, "\r\n")) {
				report(c, val, "inventory-value", "header '%s': the value must not contain a line break", h->name);
				continue;
			}
			h->value = vos_arena_strdup(&c->inv->arena, val->u.s.str);
		} else {
			report(c, val, "inventory-type", "header '%s' must be a string or {env: VAR}, not %s", h->name,
			       vos_ynode_kind_phrase(val));
			continue;
		}
		p->nheaders++;
	}
}

/* query and expect_address of a dns port (and that only a dns port has them) */
static void conv_dns(struct conv *c, const struct fields *f, const struct vos_ynode *m, struct vos_port *p)
{
	size_t i;
	p->query = get_str(c, f, P_QUERY, NULL);
	p->nexpect_address = get_strlist(c, f, P_EXPECT, &p->expect_address, NULL);
	if (p->check != VOS_CHECK_DNS) {
		if (f->v[P_QUERY])
			report(c, f->v[P_QUERY], "inventory-value", "'query' is only for check: dns");
		if (f->v[P_EXPECT])
			report(c, f->v[P_EXPECT], "inventory-value", "'expect_address' is only for check: dns");
		return;
	}
	if (!p->query)
		report(c, f->v[P_CHECK] ? f->v[P_CHECK] : m, "inventory-missing-key",
		       "a dns check needs 'query' (the name to ask for, e.g. query: hal.lan)");
	else if (vos_addr_classify(p->query, NULL) != VOS_ADDR_NAME)
		report(c, f->v[P_QUERY], "inventory-value", "invalid query '%s' (expected a DNS name such as hal.lan)",
		       p->query);
	for (i = 0; i < p->nexpect_address; i++) {
		enum vos_addr_kind k = vos_addr_classify(p->expect_address[i], NULL);
		if (k != VOS_ADDR_IPV4 && k != VOS_ADDR_IPV6)
			report(c, f->v[P_EXPECT]->kind == VOS_YNODE_SEQ ? f->v[P_EXPECT]->u.items[i] : f->v[P_EXPECT],
			       "inventory-value", "invalid expected address '%s' (expected an IPv4 or IPv6 address)",
			       p->expect_address[i]);
	}
}

static void conv_port(struct conv *c, const struct vos_ynode *m, struct vos_port *p)
{
	long lo, hi;
	char *check;
	const struct vos_ynode *pv;
	struct fields f;
	p->loc = nloc(c, m);
	p->proto = c->tcp;
	p->check = VOS_CHECK_TCP;
	p->path = c->slash;
	p->status_min = 200;
	p->status_max = 399;
	if (m->kind == VOS_YNODE_SCALAR) { /* shorthand: "- 4000" or "- 8100-8109" */
		if (get_range(c, m, "port", 1, 65535, &lo, &hi) > 0) {
			p->port = (int)lo;
			p->port_end = (int)hi;
		}
		return;
	}
	if (!check_map(c, m, "port", port_keys, &f))
		return;
	pv = f.v[P_PORT];
	if (!pv || vos_yscalar_is_null(pv))
		report(c, pv ? pv : m, "inventory-missing-key", "port has no 'port'");
	else if (get_range(c, pv, "port", 1, 65535, &lo, &hi) > 0) {
		p->port = (int)lo;
		p->port_end = (int)hi;
	}
	{
		char *proto = get_str(c, &f, P_PROTO, NULL);
		if (proto) {
			if (strcmp(proto, "tcp") && strcmp(proto, "udp"))
				report(c, f.v[P_PROTO], "inventory-value",
				       "unknown proto '%s' (allowed: tcp, udp)", proto);
			else
				p->proto = proto;
		}
	}
	check = get_str(c, &f, P_CHECK, NULL);
	if (check) {
		if (!strcmp(check, "tcp"))
			p->check = VOS_CHECK_TCP;
		else if (!strcmp(check, "http"))
			p->check = VOS_CHECK_HTTP;
		else if (!strcmp(check, "https"))
			p->check = VOS_CHECK_HTTPS;
		else if (!strcmp(check, "dns"))
			p->check = VOS_CHECK_DNS;
		else if (!strcmp(check, "none"))
			p->check = VOS_CHECK_NONE;
		else
			report(c, f.v[P_CHECK], "inventory-value",
			       "unknown check '%s' (allowed: tcp, http, https, dns, none)", check);
	} else if (strcmp(p->proto, "udp") == 0) {
		p->check = VOS_CHECK_NONE; /* udp ports are declared, not probed */
	}
	{
		char *path = get_str(c, &f, P_PATH, NULL);
		if (path)
			p->path = path;
	}
	if (get_range(c, f.v[P_STATUS], "status", 100, 599, &lo, &hi) > 0) {
		p->status_min = (int)lo;
		p->status_max = (int)hi;
	}
	p->body = get_str(c, &f, P_BODY, NULL);
	p->name = get_str(c, &f, P_NAME, NULL);
	p->address = get_str(c, &f, P_ADDRESS, NULL);
	check_address(c, f.v[P_ADDRESS], p->address, NULL, NULL);
	conv_dns(c, &f, m, p);
	if (f.v[P_HEADERS] && p->check != VOS_CHECK_HTTP && p->check != VOS_CHECK_HTTPS)
		report(c, f.v[P_HEADERS], "inventory-value", "'headers' is only for check: http or https");
	else
		conv_headers(c, f.v[P_HEADERS], p);
}

enum { L_KIND, L_UNIT, L_SCOPE, L_RESTART, L_RESTART_SEC, L_EXEC };
static const char *const launch_keys[] = {"kind", "unit", "scope", "restart", "restart_sec", "exec", NULL};

static void conv_launch(struct conv *c, const struct vos_ynode *m, struct vos_launch *l)
{
	const struct vos_ynode *rs;
	struct fields f;
	size_t before = diag_count(c);
	if (m == c->launch_node) { /* an alias of the launch converted last */
		*l = c->launch;
		return;
	}
	l->restart_sec = -1;
	l->loc = nloc(c, m);
	if (!check_map(c, m, "launch", launch_keys, &f))
		return;
	l->kind = get_str(c, &f, L_KIND, NULL);
	l->unit = get_str(c, &f, L_UNIT, NULL);
	l->scope = get_str(c, &f, L_SCOPE, NULL);
	l->restart = get_str(c, &f, L_RESTART, NULL);
	l->exec = get_str(c, &f, L_EXEC, NULL);
	if (f.v[L_EXEC])
		l->loc = nloc(c, f.v[L_EXEC]);
	rs = f.v[L_RESTART_SEC];
	if (rs && !vos_yscalar_is_null(rs)) {
		double d;
		if (vos_yscalar_double(rs, &d) < 0)
			report(c, rs, "inventory-type", "'restart_sec' must be a number, not %s", vos_ynode_kind_phrase(rs));
		else if (!(d >= 0))
			report(c, rs, "inventory-value", "restart_sec must not be negative");
		else
			l->restart_sec = d;
	}
	if (diag_count(c) == before) {
		c->launch_node = m;
		c->launch = *l;
	}
}

enum { S_ID, S_NAME, S_HOST, S_CLASS, S_TRAITS, S_PURPOSE, S_ADDRESS, S_PORTS, S_LAUNCH, S_LOGS,
       S_DATA, S_SECRETS, S_CONFIG, S_DEPENDS_ON, S_EXPOSURE, S_ADMIN_VIA, S_IMMUTABLE,
       S_OWNER_REPO, S_NOTES, S_HOSTS };
static const char *const service_keys[] = {
	"id", "name", "host", "class", "traits", "purpose", "address", "ports", "launch", "logs", "data",
	"secrets", "config", "depends_on", "exposure", "admin_via", "immutable", "owner_repo", "notes",
	"hosts", NULL};
_Static_assert(VOS_ARRAY_SIZE(service_keys) - 1 <= FIELDS_MAX, "FIELDS_MAX is too small");

/* `hosts: [a, b, ...]`: one program on several hosts. The service at index k becomes instance 0
 * on the first host and is copied for each further one (each copy shares the parsed values, which
 * are read-only); every instance's id is "ID@HOST" so that findings, probe results and JSON name
 * one instance. One host is the same as `host:`. */
static void conv_instances(struct conv *c, const struct fields *f, size_t k)
{
	struct vos_inventory *inv = c->inv;
	struct vos_strloc *hs = NULL;
	size_t n = get_strlist(c, f, S_HOSTS, NULL, &hs), i, j;
	struct vos_service base;
	if (f->v[S_HOST] && !vos_yscalar_is_null(f->v[S_HOST])) {
		report(c, f->v[S_HOSTS], "inventory-value",
		       "service '%s' has both 'host' and 'hosts' (give one: 'hosts' for several hosts)",
		       inv->services[k].id ? inv->services[k].id : "?");
		return;
	}
	if (!n) {
		report(c, f->v[S_HOSTS], "inventory-value", "'hosts' is empty (give at least one host)");
		return;
	}
	if (n > UINT16_MAX) {
		report(c, f->v[S_HOSTS], "inventory-value", "'hosts' lists %zu hosts (at most %u)", n,
		       (unsigned)UINT16_MAX);
		return;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (vos_name_eq(hs[i].s, hs[j].s)) {
				struct vos_loc loc = hs[i].loc;
				vos_diags_add(c->diags, VOS_SEV_ERROR, &loc, "inventory-value",
				              "host '%s' is listed twice in 'hosts'", hs[i].s);
				return;
			}
	base = inv->services[k];
	for (i = 0; i < n; i++) {
		struct vos_service *s = i ? VOS_PUSH(inv->services, inv->nservices, inv->services_alloc)
		                          : &inv->services[k];
		*s = base;
		s->host = hs[i].s;
		s->host_loc = hs[i].loc;
		s->instance = (uint16_t)i;
		s->ninstances = (uint16_t)n;
		if (n > 1 && base.id)
			s->id = vos_arena_sprintf(&inv->arena, "%s@%s", base.id, hs[i].s);
	}
}

static void conv_service(struct conv *c, const struct vos_ynode *m)
{
	struct vos_inventory *inv = c->inv;
	struct vos_service *s;
	const struct vos_ynode *v;
	struct fields f;
	if (!check_map(c, m, "service", service_keys, &f))
		return;
	f.memo = c->service_memo; /* the values merge keys and aliases share */
	s = VOS_PUSH(inv->services, inv->nservices, inv->services_alloc);
	s->loc = nloc(c, m);
	s->launch.restart_sec = -1;
	s->id = need_str(c, &f, S_ID, "service", NULL, NULL);
	if (s->id && !valid_id(s->id))
		report(c, f.v[S_ID], "inventory-value",
		       "invalid service id '%s' (expected [a-z0-9][a-z0-9._-]*)", s->id);
	s->name = need_str(c, &f, S_NAME, "service", s->id, &s->name_loc);
	if (s->name && !valid_display_name(s->name)) {
		if (s->id)
			report(c, f.v[S_NAME], "inventory-value",
			       "invalid display name for service '%s' (empty, a blank at either end, or a line "
			       "break or tab: the page's Service column could not show it)", s->id);
		else
			report(c, f.v[S_NAME], "inventory-value",
			       "invalid display name for service (empty, a blank at either end, or a line break "
			       "or tab: the page's Service column could not show it)");
	}
	s->class_ = need_str(c, &f, S_CLASS, "service", s->id, &s->class_loc);
	s->host = get_str(c, &f, S_HOST, &s->host_loc);
	s->ntraits = get_strlist(c, &f, S_TRAITS, &s->traits, NULL);
	s->purpose = get_str(c, &f, S_PURPOSE, NULL);
	s->address = get_str(c, &f, S_ADDRESS, &s->addr_loc);
	check_address(c, f.v[S_ADDRESS], s->address, NULL, NULL);
	v = f.v[S_PORTS];
	if (v && !vos_yscalar_is_null(v)) {
		if (v->kind == VOS_YNODE_SEQ) {
			size_t i;
			s->ports = vos_arena_alloc(&inv->arena, (v->n ? v->n : 1) * sizeof(*s->ports));
			for (i = 0; i < v->n; i++) {
				if (v->u.items[i]->kind == VOS_YNODE_SEQ) {
					report(c, v->u.items[i], "inventory-type",
					       "'port' must be an integer or a range like \"8100-8109\", not a list");
					continue;
				}
				conv_port(c, v->u.items[i], &s->ports[s->nports++]);
			}
		} else {
			report(c, v, "inventory-type", "'ports' must be a list of ports, not %s", vos_ynode_kind_phrase(v));
		}
	}
	v = f.v[S_LAUNCH];
	if (v && !vos_yscalar_is_null(v)) {
		conv_launch(c, v, &s->launch);
		s->has_launch = v->kind == VOS_YNODE_MAP;
	}
	s->nlogs = get_strlist(c, &f, S_LOGS, NULL, &s->logs);
	s->ndata = get_strlist(c, &f, S_DATA, NULL, &s->data);
	s->nsecrets = get_strlist(c, &f, S_SECRETS, NULL, &s->secrets);
	s->nconfig = get_strlist(c, &f, S_CONFIG, NULL, &s->config);
	s->ndepends_on = get_strlist(c, &f, S_DEPENDS_ON, NULL, &s->depends_on);
	s->nexposure = get_strlist(c, &f, S_EXPOSURE, NULL, &s->exposure);
	s->nadmin_via = get_strlist(c, &f, S_ADMIN_VIA, NULL, &s->admin_via);
	v = f.v[S_IMMUTABLE];
	if (v && !vos_yscalar_is_null(v) && vos_yscalar_bool(v, &s->immutable) < 0)
		report(c, v, "inventory-type", "'immutable' must be a boolean, not %s", vos_ynode_kind_phrase(v));
	s->owner_repo = get_str(c, &f, S_OWNER_REPO, NULL);
	s->notes = get_str(c, &f, S_NOTES, NULL);
	s->base_id = s->id;
	s->ninstances = 1;
	if (f.v[S_HOSTS] && !vos_yscalar_is_null(f.v[S_HOSTS]))
		conv_instances(c, &f, inv->nservices - 1);
}

enum { SEL_HOSTS, SEL_PLANES, SEL_CLASSES, SEL_TRAITS, SEL_HOST_TRAITS, SEL_VLANS, SEL_SERVICES };
static const char *const selector_keys[] = {"hosts", "planes", "classes", "traits", "host_traits",
                                            "vlans", "services", NULL};

static void conv_selector(struct conv *c, const struct vos_ynode *m, const char *what,
                          struct vos_selector *sel)
{
	struct fields f;
	sel->empty = true;
	if (!m || vos_yscalar_is_null(m))
		return;
	if (!check_map(c, m, what, selector_keys, &f))
		return;
	sel->nhosts = get_strlist(c, &f, SEL_HOSTS, &sel->hosts, NULL);
	sel->nplanes = get_strlist(c, &f, SEL_PLANES, &sel->planes, NULL);
	sel->nclasses = get_strlist(c, &f, SEL_CLASSES, &sel->classes, NULL);
	sel->ntraits = get_strlist(c, &f, SEL_TRAITS, &sel->traits, NULL);
	sel->nhost_traits = get_strlist(c, &f, SEL_HOST_TRAITS, &sel->host_traits, NULL);
	sel->nvlans = get_strlist(c, &f, SEL_VLANS, &sel->vlans, NULL);
	sel->nservices = get_strlist(c, &f, SEL_SERVICES, &sel->services, NULL);
	sel->empty = !(sel->nhosts || sel->nplanes || sel->nclasses || sel->ntraits || sel->nhost_traits ||
	               sel->nvlans || sel->nservices);
}

enum { R_ID, R_TEXT, R_PAGE_RULE, R_PAGE_TEXT, R_ASSERT, R_SELECT, R_HOSTS, R_CLASSES, R_TRAITS,
       R_VLANS, R_REQUIRE, R_FORBID, R_SEVERITY, R_HELP };
static const char *const rule_keys[] = {"id", "text", "page_rule", "page_text", "assert", "select",
                                        "hosts", "classes", "traits", "vlans", "require", "forbid",
                                        "severity", "help", NULL};

/* Reports a missing assertion argument. */
static void need_arg(struct conv *c, const struct fields *f, const char *assert_name, size_t n,
                     const char *arg)
{
	const struct vos_ynode *v = f->v[R_ASSERT];
	if (!n)
		report(c, v ? v : f->m, "inventory-missing-key", "assert '%s' needs '%s'", assert_name, arg);
}

static void conv_rule(struct conv *c, const struct vos_ynode *m)
{
	struct vos_inventory *inv = c->inv;
	struct vos_rule *r;
	char *kind, *sev;
	long long pr;
	const struct vos_ynode *req, *forbid;
	struct fields f;
	if (!check_map(c, m, "rule", rule_keys, &f))
		return;
	r = VOS_PUSH(inv->rules, inv->nrules, inv->rules_alloc);
	r->loc = nloc(c, m);
	r->assert_kind = -1;
	r->severity = VOS_SEV_ERROR;
	r->id = need_str(c, &f, R_ID, "rule", NULL, NULL);
	if (r->id && !valid_id(r->id))
		report(c, f.v[R_ID], "inventory-value",
		       "invalid rule id '%s' (expected [a-z0-9][a-z0-9._-]*)", r->id);
	r->text = need_str(c, &f, R_TEXT, "rule", r->id, NULL);
	if (get_int(c, &f, R_PAGE_RULE, &pr) > 0) {
		if (pr < 1 || pr > 100000)
			report(c, f.v[R_PAGE_RULE], "inventory-value", "page_rule %lld is out of range", pr);
		else
			r->page_rule = (int)pr;
	}
	r->page_text = get_str(c, &f, R_PAGE_TEXT, NULL);
	r->help = get_str(c, &f, R_HELP, NULL);
	sev = get_str(c, &f, R_SEVERITY, NULL);
	if (sev) {
		if (!strcmp(sev, "error"))
			r->severity = VOS_SEV_ERROR;
		else if (!strcmp(sev, "warning"))
			r->severity = VOS_SEV_WARNING;
		else
			report(c, f.v[R_SEVERITY], "inventory-value",
			       "unknown severity '%s' (allowed: error, warning)", sev);
	}
	conv_selector(c, f.v[R_SELECT], "select", &r->select);
	r->nhosts = get_strlist(c, &f, R_HOSTS, &r->hosts, NULL);
	r->nclasses = get_strlist(c, &f, R_CLASSES, &r->classes, NULL);
	r->ntraits = get_strlist(c, &f, R_TRAITS, &r->traits, NULL);
	r->nvlans = get_strlist(c, &f, R_VLANS, &r->vlans, NULL);
	req = f.v[R_REQUIRE];
	forbid = f.v[R_FORBID];
	r->require.empty = true;
	kind = need_str(c, &f, R_ASSERT, "rule", r->id, NULL);
	if (!kind)
		return;
	r->assert_kind = vos_assert_kind_parse(kind);
	switch (r->assert_kind) {
	case VOS_ASSERT_ONLY_ON_HOST:
		need_arg(c, &f, kind, r->nhosts, "hosts");
		break;
	case VOS_ASSERT_HOST_HOLDS_ONLY_CLASS:
		need_arg(c, &f, kind, r->nhosts, "hosts");
		need_arg(c, &f, kind, r->nclasses, "classes");
		break;
	case VOS_ASSERT_NEVER_TRAIT_ON_HOST:
		need_arg(c, &f, kind, r->nhosts, "hosts");
		need_arg(c, &f, kind, r->ntraits, "traits");
		break;
	case VOS_ASSERT_NOT_EXPOSED_ON_VLANS:
	case VOS_ASSERT_EXPOSED_ONLY_ON_VLANS:
	case VOS_ASSERT_ADMIN_ONLY_VIA_VLANS:
	case VOS_ASSERT_ONLY_ON_VLANS:
		need_arg(c, &f, kind, r->nvlans, "vlans");
		break;
	case VOS_ASSERT_STATEFUL_ONLY_WHERE_STORAGE:
		break;
	case VOS_ASSERT_REQUIRE:
	case VOS_ASSERT_FORBID: {
		bool is_req = r->assert_kind == VOS_ASSERT_REQUIRE;
		const struct vos_ynode *arg = is_req ? req : forbid, *other = is_req ? forbid : req;
		if (other)
			report(c, other, "inventory-value",
			       "'%s' is not used by assert '%s' (use '%s')", is_req ? "forbid" : "require", kind, kind);
		if (!arg || vos_yscalar_is_null(arg)) {
			need_arg(c, &f, kind, 0, kind);
			break;
		}
		conv_selector(c, arg, kind, &r->require);
		if (r->require.empty && arg->kind == VOS_YNODE_MAP)
			report(c, arg, "inventory-value", "'%s' selector must not be empty", kind);
		break;
	}
	case VOS_ASSERT_UNKNOWN: {
		struct vos_buf b = VOS_BUF_INIT;
		int i;
		for (i = 0; i < VOS_ASSERT__COUNT; i++)
			vos_buf_addf(&b, "%s%s", i ? ", " : "", assert_names[i]);
		report(c, f.v[R_ASSERT], "inventory-value", "unknown assert kind '%s' (allowed: %s)",
		       kind, b.ptr);
		vos_buf_release(&b);
		break;
	}
	}
	if (r->assert_kind != VOS_ASSERT_REQUIRE && r->assert_kind != VOS_ASSERT_FORBID &&
	    r->assert_kind != VOS_ASSERT_UNKNOWN) {
		if (req)
			report(c, req, "inventory-value", "'require' is only used by assert 'require'");
		if (forbid)
			report(c, forbid, "inventory-value", "'forbid' is only used by assert 'forbid'");
	}
}

enum { W_RULE, W_SERVICE, W_HOST, W_SELECT, W_REASON, W_OWNER, W_EXPIRES };
static const char *const waiver_keys[] = {"rule", "service", "host", "select", "reason", "owner",
                                          "expires", NULL};

static void conv_waiver(struct conv *c, const struct vos_ynode *m)
{
	struct vos_inventory *inv = c->inv;
	struct vos_waiver *w;
	struct fields f;
	int targets;
	if (!check_map(c, m, "waiver", waiver_keys, &f))
		return;
	w = VOS_PUSH(inv->waivers, inv->nwaivers, inv->waivers_alloc);
	w->loc = nloc(c, m);
	w->rule = need_str(c, &f, W_RULE, "waiver", NULL, NULL);
	if (w->rule && !valid_id(w->rule))
		report(c, f.v[W_RULE], "inventory-value",
		       "invalid rule id '%s' in waiver (expected [a-z0-9][a-z0-9._-]*)", w->rule);
	w->service = get_str(c, &f, W_SERVICE, NULL);
	w->host = get_str(c, &f, W_HOST, NULL);
	conv_selector(c, f.v[W_SELECT], "select", &w->select);
	w->has_select = !w->select.empty;
	if (f.v[W_SELECT] && f.v[W_SELECT]->kind == VOS_YNODE_MAP && w->select.empty)
		report(c, f.v[W_SELECT], "inventory-value", "a waiver's 'select' selector must not be empty");
	targets = !!w->service + !!w->host + w->has_select;
	if (!targets && !(f.v[W_SELECT] && f.v[W_SELECT]->kind == VOS_YNODE_MAP))
		report(c, m, "inventory-missing-key",
		       "waiver for '%s' names nothing to apply to (give it 'service', 'host' or 'select')",
		       w->rule ? w->rule : "?");
	else if (targets > 1)
		report(c, m, "inventory-value",
		       "waiver for '%s' names more than one of 'service', 'host' and 'select' (give one)",
		       w->rule ? w->rule : "?");
	w->reason = need_str(c, &f, W_REASON, "waiver for", w->rule ? w->rule : "?", NULL);
	if (w->reason && !*w->reason)
		report(c, f.v[W_REASON], "inventory-value", "a waiver's 'reason' must not be empty");
	w->owner = get_str(c, &f, W_OWNER, NULL);
	w->expires = need_str(c, &f, W_EXPIRES, "waiver for", w->rule ? w->rule : "?", &w->expires_loc);
	if (w->expires && vos_date_parse(w->expires, &w->expires_ymd) < 0) {
		w->expires_ymd = 0;
		report(c, f.v[W_EXPIRES], "inventory-value", "invalid date '%s' (expected YYYY-MM-DD)", w->expires);
	}
}

static void conv_list(struct conv *c, const struct fields *f, int k, const char *what,
                      void (*fn)(struct conv *, const struct vos_ynode *))
{
	const struct vos_ynode *v = f->v[k];
	size_t i;
	if (!v || vos_yscalar_is_null(v))
		return;
	if (v->kind != VOS_YNODE_SEQ) {
		report(c, v, "inventory-type", "'%s' must be a list of %s, not %s", f->keys[k], what,
		       vos_ynode_kind_phrase(v));
		return;
	}
	for (i = 0; i < v->n; i++)
		fn(c, v->u.items[i]);
}

enum { T_LAB, T_VLANS, T_HOSTS, T_SERVICES, T_RULES, T_WAIVERS };
static const char *const top_keys[] = {"lab", "vlans", "hosts", "services", "rules", "waivers", NULL};

static void conv_doc(struct conv *c, const struct vos_ynode *root)
{
	struct vos_inventory *inv = c->inv;
	const struct vos_ynode *sv;
	struct fields f;
	char *lab;
	if (!root)
		return;
	if (root->kind != VOS_YNODE_MAP) {
		report(c, root, "inventory-type", "an inventory file must be a mapping (lab, vlans, hosts, services, rules, waivers), not %s",
		       vos_ynode_kind_phrase(root));
		return;
	}
	check_map(c, root, "the inventory", top_keys, &f);
	lab = get_str(c, &f, T_LAB, NULL);
	if (lab)
		inv->lab_name = lab;
	conv_list(c, &f, T_VLANS, "VLANs", conv_vlan);
	conv_list(c, &f, T_HOSTS, "hosts", conv_host);
	/* services are the bulk of a large lab: room for exactly this file's, not twice as many */
	sv = f.v[T_SERVICES];
	if (sv && sv->kind == VOS_YNODE_SEQ && inv->nservices + sv->n > inv->services_alloc) {
		inv->services_alloc = inv->nservices + sv->n;
		inv->services = vos_realloc(inv->services, inv->services_alloc * sizeof(*inv->services));
	}
	conv_list(c, &f, T_SERVICES, "services", conv_service);
	conv_list(c, &f, T_RULES, "rules", conv_rule);
	conv_list(c, &f, T_WAIVERS, "waivers", conv_waiver);
}

/* ------------------------------------------------------------ public */

void vos_inventory_init(struct vos_inventory *inv)
{
	memset(inv, 0, sizeof(*inv));
	vos_arena_init(&inv->arena);
	vos_map_init(&inv->vlan_by_name, false);
	vos_map_init(&inv->host_by_name, VOS_NAMES_NOCASE);
	vos_map_init(&inv->service_by_id, false);
	vos_map_init(&inv->base_by_id, false);
	vos_map_init(&inv->rule_by_id, false);
}

void vos_inventory_release(struct vos_inventory *inv)
{
	if (!inv)
		return;
	free(inv->files);
	free(inv->vlans);
	free(inv->hosts);
	free(inv->services);
	free(inv->rules);
	free(inv->waivers);
	vos_map_release(&inv->vlan_by_name);
	vos_map_release(&inv->host_by_name);
	vos_map_release(&inv->service_by_id);
	vos_map_release(&inv->base_by_id);
	vos_map_release(&inv->rule_by_id);
	vos_arena_release(&inv->arena);
	memset(inv, 0, sizeof(*inv));
}

/* Loads one file's text; owned, when not NULL, is freed as soon as the text is parsed (the tree
 * holds copies of what it needs), so a large file and its tree are not both held while converting. */
static int load_text(struct vos_inventory *inv, const char *file, const char *buf, size_t len,
                     char *owned, struct vos_diags *diags)
{
	struct vos_ydoc doc;
	struct conv c;
	size_t errors0 = diags->errors, i;
	int err;
	memset(&c, 0, sizeof(c));
	c.inv = inv;
	c.diags = diags;
	c.file = vos_arena_strdup(&inv->arena, file ? file : "<input>");
	c.tcp = vos_arena_strdup(&inv->arena, "tcp");
	c.slash = vos_arena_strdup(&inv->arena, "/");
	*VOS_PUSH(inv->files, inv->nfiles, inv->files_alloc) = c.file;
	err = vos_yaml_parse(&doc, c.file, 0, buf, len, diags);
	free(owned);
	if (err == 0) {
		for (i = 0; i < doc.ndocs; i++)
			conv_doc(&c, doc.docs[i]);
	}
	vos_ydoc_release(&doc); /* keep memory lean: the tree is not needed any more */
	if (err < 0)
		return err;
	return diags->errors > errors0 ? VOS_EINPUT : 0;
}

int vos_inventory_load_buffer(struct vos_inventory *inv, const char *file, const char *buf,
                              size_t len, struct vos_diags *diags)
{
	return load_text(inv, file, buf, len, NULL, diags);
}

int vos_inventory_load_from(struct vos_inventory *out, const struct vos_source *src, const char *dir,
                            struct vos_diags *diags)
{
	static const char *const suffixes[] = {".yaml", ".yml", NULL};
	char **files = NULL;
	size_t n = 0, i;
	int err = 0, e, why = 0;
	vos_inventory_init(out);
	out->dir = vos_arena_strdup(&out->arena, dir);
	if (src->list(src, dir, suffixes, &files, &n, &why) < 0) {
		struct vos_loc loc = {out->dir, 0, 0};
		if (why == ENOTDIR)
			vos_diags_add(diags, VOS_SEV_ERROR, &loc, "inventory-dir",
			              "'%s' is a file, not an inventory directory", dir);
		else
			vos_diags_add(diags, VOS_SEV_ERROR, &loc, "inventory-dir",
			              "unable to open inventory directory '%s': %s", dir, strerror(why ? why : ENOENT));
		vos_strv_free(files);
		return VOS_EINPUT;
	}
	if (!n && src->state) {
		struct vos_loc loc = {out->dir, 0, 0};
		vos_diags_add(diags, VOS_SEV_ERROR, &loc, "inventory-dir", "no inventory file is %s in '%s'",
		              src->state, out->dir);
		err = VOS_EINPUT;
	}
	for (i = 0; i < n; i++) {
		const char *file = vos_arena_strdup(&out->arena, files[i]);
		char *buf = NULL;
		size_t len = 0;
		e = vos_source_load(src, file, VOS_MAX_YAML_BYTES, "inventory-read", &buf, &len, diags);
		if (!e) {
			e = load_text(out, file, buf, len, buf, diags);
			buf = NULL; /* freed by load_text as soon as it is parsed */
		}
		if (e < 0 && !err)
			err = e;
		free(buf);
	}
	vos_strv_free(files);
#ifdef __GLIBC__
	malloc_trim(0); /* the files' trees were freed: give their pages back (glibc keeps them otherwise) */
#endif
	e = vos_inventory_finish(out, diags);
	if (e < 0 && !err)
		err = e;
	return err;
}

int vos_inventory_load(struct vos_inventory *out, const char *dir, struct vos_diags *diags)
{
	struct vos_source wt;
	vos_source_worktree(&wt);
	return vos_inventory_load_from(out, &wt, dir, diags);
}


/* Puts name -> index into map; reports a duplicate citing the first one. */
static bool index_name(struct vos_map *map, const char *name, size_t i, const struct vos_loc *loc,
                       const struct vos_loc *(*loc_of)(const struct vos_inventory *, size_t),
                       const struct vos_inventory *inv, const char *what, struct vos_diags *diags)
{
	void *prev;
	if (!name)
		return true;
	prev = vos_map_get(map, name);
	if (prev) {
		size_t first = VOS_MAP_SLOT(prev) - 1;
		struct vos_diag *d = vos_diags_add(diags, VOS_SEV_ERROR, loc, "inventory-duplicate-id",
		                                   "duplicate %s '%s'", what, name);
		const struct vos_loc *rel = loc_of(inv, first);
		vos_diag_set_related(d, rel);
		return false;
	}
	vos_map_put(map, name, VOS_MAP_INDEX(i));
	return true;
}

static const struct vos_loc *vlan_loc(const struct vos_inventory *inv, size_t i) { return &inv->vlans[i].loc; }
static const struct vos_loc *host_loc(const struct vos_inventory *inv, size_t i) { return &inv->hosts[i].loc; }
static const struct vos_loc *service_loc(const struct vos_inventory *inv, size_t i) { return &inv->services[i].loc; }
static const struct vos_loc *rule_loc(const struct vos_inventory *inv, size_t i) { return &inv->rules[i].loc; }

/* Two services with one display name (`name`, else the id; ASCII case-insensitive) on one host: the
 * page names a service by its display name under its host's heading, so it could not tell them
 * apart (and render would add a row for the second on every run). */
static void check_display_names(const struct vos_inventory *inv, struct vos_diags *diags)
{
	struct vos_map seen;
	struct vos_arena keys;
	size_t i;
	vos_map_init(&seen, VOS_NAMES_NOCASE);
	vos_map_reserve(&seen, inv->nservices);
	vos_arena_init(&keys);
	for (i = 0; i < inv->nservices; i++) {
		const struct vos_service *s = &inv->services[i];
		const char *name = s->name ? s->name : s->id;
		size_t hl, nl;
		char *key;
		void *prev;
		if (!name || !s->host)
			continue;
		hl = strlen(s->host);
		nl = strlen(name);
		key = vos_arena_alloc(&keys, hl + nl + 2); /* "HOST\nNAME" */
		memcpy(key, s->host, hl);
		key[hl] = '\n';
		memcpy(key + hl + 1, name, nl + 1);
		prev = vos_map_get(&seen, key);
		if (prev) {
			const struct vos_service *first = &inv->services[VOS_MAP_SLOT(prev) - 1];
			struct vos_diag *d = vos_diags_add(diags, VOS_SEV_ERROR, &s->loc, "inventory-duplicate-name",
			        "services '%s' and '%s' are both named '%s' on host '%s': the page could not tell "
			        "them apart", first->id, s->id, name, s->host);
			vos_diag_set_related(d, &first->loc);
			continue;
		}
		vos_map_put(&seen, key, VOS_MAP_INDEX(i));
	}
	vos_map_release(&seen);
	vos_arena_release(&keys);
}

int vos_inventory_finish(struct vos_inventory *inv, struct vos_diags *diags)
{
	size_t i, errors0 = diags->errors;
	vos_map_release(&inv->vlan_by_name);
	vos_map_release(&inv->host_by_name);
	vos_map_release(&inv->service_by_id);
	vos_map_release(&inv->base_by_id);
	vos_map_release(&inv->rule_by_id);
	vos_map_init(&inv->vlan_by_name, false);
	vos_map_init(&inv->host_by_name, VOS_NAMES_NOCASE);
	vos_map_init(&inv->service_by_id, false);
	vos_map_init(&inv->base_by_id, false);
	vos_map_init(&inv->rule_by_id, false);
	vos_map_reserve(&inv->host_by_name, inv->nhosts);
	vos_map_reserve(&inv->service_by_id, inv->nservices);
	for (i = 0; i < inv->nvlans; i++)
		index_name(&inv->vlan_by_name, inv->vlans[i].name, i, &inv->vlans[i].loc, vlan_loc, inv,
		           "VLAN name", diags);
	for (i = 0; i < inv->nhosts; i++)
		index_name(&inv->host_by_name, inv->hosts[i].name, i, &inv->hosts[i].loc, host_loc, inv,
		           "host name", diags);
	for (i = 0; i < inv->nservices; i++)
		index_name(&inv->service_by_id, inv->services[i].id, i, &inv->services[i].loc, service_loc, inv,
		           "service id", diags);
	for (i = 0; i < inv->nrules; i++)
		index_name(&inv->rule_by_id, inv->rules[i].id, i, &inv->rules[i].loc, rule_loc, inv,
		           "rule id", diags);
	for (i = 0; i < inv->nservices; i++) {
		const struct vos_service *s = &inv->services[i];
		if (s->ninstances > 1 && s->instance == 0 && s->base_id) {
			if (vos_map_get(&inv->service_by_id, s->base_id)) {
				struct vos_diag *d = vos_diags_add(diags, VOS_SEV_ERROR, &s->loc, "inventory-duplicate-id",
				        "service id '%s' is declared twice (once for several hosts)", s->base_id);
				vos_diag_set_related(d, &inv->services[VOS_MAP_SLOT(vos_map_get(&inv->service_by_id, s->base_id)) - 1].loc);
			} else if (!vos_map_get(&inv->base_by_id, s->base_id)) {
				vos_map_put(&inv->base_by_id, s->base_id, VOS_MAP_INDEX(i));
			}
		}
	}
	check_display_names(inv, diags);
	return diags->errors > errors0 ? VOS_EINPUT : 0;
}

const struct vos_service *vos_inventory_service(const struct vos_inventory *inv, const char *id)
{
	void *v = inv ? vos_map_get(&inv->service_by_id, id) : NULL;
	if (!v && inv)
		v = vos_map_get(&inv->base_by_id, id); /* a several-host service: its first instance */
	return v ? &inv->services[VOS_MAP_SLOT(v) - 1] : NULL;
}

const struct vos_host *vos_inventory_host(const struct vos_inventory *inv, const char *name)
{
	void *v = inv ? vos_map_get(&inv->host_by_name, name) : NULL;
	return v ? &inv->hosts[VOS_MAP_SLOT(v) - 1] : NULL;
}

const struct vos_vlan *vos_inventory_vlan(const struct vos_inventory *inv, const char *name)
{
	void *v = inv ? vos_map_get(&inv->vlan_by_name, name) : NULL;
	return v ? &inv->vlans[VOS_MAP_SLOT(v) - 1] : NULL;
}
