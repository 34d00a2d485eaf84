/* leak.c - redaction (render.redact) and the `page-leak` tripwire (see leak.h). One matcher
 * (match_at) decides what a redacted value is at a place in a text: render replaces it, the
 * tripwire reports it, so that the two can never disagree. */
#include "leak.h"
#include "inventory.h"
#include "render_plan.h"
#include "source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vos_redact_init(struct vos_redact *r)
{
	memset(r, 0, sizeof(*r));
	vos_arena_init(&r->arena);
	r->placeholder = VOS_DEFAULT_PLACEHOLDER;
}

void vos_redact_release(struct vos_redact *r)
{
	if (!r)
		return;
	free(r->ips);
	free(r->lits);
	vos_arena_release(&r->arena);
	memset(r, 0, sizeof(*r));
}

/* ---------------------------------------------------------------- building the set */

static void add_ip(struct vos_redact *r, const struct vos_ip *ip)
{
	size_t i;
	for (i = 0; i < r->nips; i++)
		if (vos_ip_equal(&r->ips[i], ip))
			return;
	*VOS_PUSH(r->ips, r->nips, r->ips_alloc) = *ip;
}

static void add_lit(struct vos_redact *r, const char *s, const char *what, const char *repl, bool word,
                    bool show_prefix)
{
	struct vos_redact_lit *l;
	size_t i, n = strlen(s);
	for (i = 0; i < r->nlits; i++)
		if (r->lits[i].len == n && !memcmp(r->lits[i].s, s, n))
			return;
	l = VOS_PUSH(r->lits, r->nlits, r->lits_alloc);
	l->s = vos_arena_strdup(&r->arena, s);
	l->len = n;
	l->what = what;
	l->repl = repl;
	l->word = word;
	l->show_prefix = show_prefix;
}

/* An address field's value: a literal joins the addresses; a dotted name (nas.lan) is redacted as
 * a word (a single label is a host name, which the page is about: never redacted). */
static void add_address(struct vos_redact *r, const char *s)
{
	struct vos_ip ip;
	if (!s || !*s)
		return;
	switch (vos_addr_classify(s, &ip)) {
	case VOS_ADDR_IPV4:
	case VOS_ADDR_IPV6:
		add_ip(r, &ip);
		break;
	case VOS_ADDR_NAME:
		if (strchr(s, '.') && s[strlen(s) - 1] != '.')
			add_lit(r, s, "an address of the inventory", r->placeholder, true, true);
		break;
	default:
		break;
	}
}

static void add_secret_env(struct vos_redact *r, const char *name)
{
	const char *v = name ? getenv(name) : NULL;
	/* shorter values would match ordinary words: docs/security.md says so */
	if (!v || strlen(v) < 6)
		return;
	add_lit(r, v, vos_arena_sprintf(&r->arena, "the value of $%s", name), VOS_REDACT_SECRET_TEXT, false,
	        false);
}

static int cmp_lit(const void *a, const void *b)
{
	const struct vos_redact_lit *x = a, *y = b;
	return x->len < y->len ? 1 : x->len > y->len ? -1 : 0;
}

void vos_redact_build(struct vos_redact *r, const struct vos_config *cfg, const struct vos_inventory *inv)
{
	size_t i, j;
	vos_redact_init(r);
	r->what = cfg ? cfg->redact : 0;
	if (cfg && cfg->placeholder)
		r->placeholder = vos_arena_strdup(&r->arena, cfg->placeholder);
	/* the publish token is a credential whatever render.redact says */
	add_secret_env(r, "VOSCTL_TOKEN");
	/* and so are the credentials validate --probe-from sends to Prometheus */
	add_secret_env(r, "VOSCTL_PROMETHEUS_TOKEN");
	add_secret_env(r, "VOSCTL_PROMETHEUS_PASSWORD");
	if (cfg)
		add_secret_env(r, cfg->token_env);
	/* so are the values of the probes' request headers taken from the environment */
	for (i = 0; inv && i < inv->nservices; i++)
		for (j = 0; j < inv->services[i].nports; j++) {
			const struct vos_port *p = &inv->services[i].ports[j];
			size_t h;
			for (h = 0; h < p->nheaders; h++)
				if (p->headers[h].env)
					add_secret_env(r, p->headers[h].env);
		}
	if (cfg && (r->what & VOS_REDACT_SECRETS))
		for (i = 0; i < cfg->nsecrets; i++)
			add_secret_env(r, cfg->secrets[i]);
	if (inv && (r->what & VOS_REDACT_ADDRESSES)) {
		for (i = 0; i < inv->nvlans; i++) {
			struct vos_cidr c;
			const char *why;
			if (inv->vlans[i].cidr && vos_cidr_parse_any(&c, inv->vlans[i].cidr, &why) == 0)
				add_ip(r, &c.net);
		}
		for (i = 0; i < inv->nhosts; i++)
			add_address(r, inv->hosts[i].address);
		for (i = 0; i < inv->nservices; i++) {
			const struct vos_service *s = &inv->services[i];
			add_address(r, s->address);
			for (j = 0; j < s->nports; j++)
				add_address(r, s->ports[j].address);
		}
	}
	if (inv && (r->what & VOS_REDACT_PATHS))
		for (i = 0; i < inv->nservices; i++)
			for (j = 0; j < inv->services[i].nsecrets; j++)
				if (strlen(inv->services[i].secrets[j].s) >= 4)
					add_lit(r, inv->services[i].secrets[j].s, "a secret file location of the inventory",
					        VOS_REDACT_SECRET_PATH_TEXT, false, true);
	if (r->nlits > 1)
		qsort(r->lits, r->nlits, sizeof(*r->lits), cmp_lit);
}

/* ---------------------------------------------------------------- the matcher */

enum hit_kind { HIT_NONE = 0, HIT_ADDRESS, HIT_HOME, HIT_LIT, HIT_CREDENTIAL };

struct hit {
	enum hit_kind kind;
	size_t len;          /* bytes matched from the position */
	const char *what;    /* for findings */
	const char *repl;    /* for render (NULL: not rewritten) */
	size_t show;         /* bytes of the match a finding may show */
};

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_word(char c)
{
	return is_alnum(c) || c == '_';
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The address at t[0..n) (a run of hex digits, ':' and '.'), if the run or its start is one of
 * the set: its length. "127.0.10.1:8080" and "127.0.10.1." give the address before the ':' or
 * the full stop. */
static size_t address_len(const struct vos_redact *r, const char *t, size_t n)
{
	char buf[64];
	size_t tries[3], ntries = 0, k, i;
	const char *colon;
	while (n && (t[n - 1] == '.' || (t[n - 1] == ':' && !(n >= 2 && t[n - 2] == ':'))))
		n--;
	if (!n || n >= sizeof(buf))
		return 0;
	tries[ntries++] = n;
	colon = memchr(t, ':', n);
	if (colon && memchr(t, '.', (size_t)(colon - t)))
		tries[ntries++] = (size_t)(colon - t); /* an IPv4 address and its port */
	for (k = 0; k < ntries; k++) {
		struct vos_ip ip;
		enum vos_addr_kind kind;
		memcpy(buf, t, tries[k]);
		buf[tries[k]] = '\0';
		kind = vos_addr_classify(buf, &ip);
		if (kind != VOS_ADDR_IPV4 && kind != VOS_ADDR_IPV6)
			continue;
		for (i = 0; i < r->nips; i++)
			if (vos_ip_equal(&r->ips[i], &ip))
				return tries[k];
	}
	return 0;
}

/* A home directory at t (after a boundary): /home/USER, /Users/USER, ~ or ~USER before a '/'. */
static size_t home_len(const char *t, size_t n)
{
	static const char *const roots[] = {"/home/", "/Users/"};
	size_t i, k;
	for (k = 0; k < VOS_ARRAY_SIZE(roots); k++) {
		size_t rl = strlen(roots[k]);
		if (n > rl && !memcmp(t, roots[k], rl)) {
			for (i = rl; i < n && (is_word(t[i]) || t[i] == '.' || t[i] == '-'); i++)
				;
			if (i > rl)
				return i;
		}
	}
	if (n >= 2 && t[0] == '~') {
		for (i = 1; i < n && (is_word(t[i]) || t[i] == '.' || t[i] == '-'); i++)
			;
		if (i < n && t[i] == '/')
			return i;
	}
	return 0;
}

static size_t span(const char *t, size_t n, size_t from, const char *extra)
{
	size_t i = from;
	while (i < n && (is_alnum(t[i]) || (extra && t[i] && strchr(extra, t[i]))))
		i++;
	return i - from;
}

/* A password that is not one: a placeholder (<TOKEN>, ${TOKEN}, $TOKEN, ***). */
static bool fake_password(const char *p, size_t n)
{
	size_t i;
	if (n && (p[0] == '<' || p[0] == '$'))
		return true;
	for (i = 0; i < n && (p[i] == '*' || p[i] == 'x' || p[i] == 'X'); i++)
		;
	return i == n;
}

/* Something shaped like a credential at t (after a boundary), or 0. */
static size_t credential_len(const char *t, size_t n, const char **what, size_t *show)
{
	static const struct {
		const char *prefix;
		const char *extra; /* characters of the rest besides letters and digits */
		size_t min, max;   /* length of the rest */
		const char *what;
	} tokens[] = {
		{"ghp_", "_", 20, 255, "a GitHub token"},      {"gho_", "_", 20, 255, "a GitHub token"},
		{"ghu_", "_", 20, 255, "a GitHub token"},      {"ghs_", "_", 20, 255, "a GitHub token"},
		{"ghr_", "_", 20, 255, "a GitHub token"},      {"github_pat_", "_", 20, 255, "a GitHub token"},
		{"glpat-", "_-", 20, 255, "a GitLab token"},   {"xoxb-", "-", 10, 255, "a Slack token"},
		{"xoxp-", "-", 10, 255, "a Slack token"},      {"xoxa-", "-", 10, 255, "a Slack token"},
		{"AKIA", NULL, 16, 16, "an AWS access key id"}, {"ASIA", NULL, 16, 16, "an AWS access key id"},
	};
	size_t k, i;
	if (n >= 11 && !memcmp(t, "-----BEGIN ", 11)) {
		for (i = 11; i < n && i < 64 && ((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= '0' && t[i] <= '9') || t[i] == ' '); i++)
			;
		if (i >= 11 + 11 && !memcmp(t + i - 11, "PRIVATE KEY", 11) && i + 5 <= n &&
		    !memcmp(t + i, "-----", 5)) {
			*what = "a private key";
			*show = 11;
			return i + 5;
		}
	}
	for (k = 0; k < VOS_ARRAY_SIZE(tokens); k++) {
		size_t pl = strlen(tokens[k].prefix), rest;
		if (n < pl || memcmp(t, tokens[k].prefix, pl))
			continue;
		rest = span(t, n, pl, tokens[k].extra);
		if (rest < tokens[k].min || rest > tokens[k].max)
			continue;
		if (!tokens[k].extra) { /* AWS: upper case and digits only */
			for (i = pl; i < pl + rest; i++)
				if (t[i] >= 'a' && t[i] <= 'z')
					break;
			if (i < pl + rest)
				continue;
		}
		*what = tokens[k].what;
		*show = pl;
		return pl + rest;
	}
	/* scheme://user:password@ */
	if (n >= 3 && !memcmp(t, "://", 3)) {
		size_t u = 3, c, a;
		while (u < n && !is_space(t[u]) && !strchr("/@:?#`'\"<>", t[u]))
			u++;
		if (u > 3 && u < n && t[u] == ':') {
			for (c = u + 1; c < n && !is_space(t[c]) && !strchr("/@?#`'\"", t[c]); c++)
				;
			a = c;
			if (a < n && t[a] == '@' && a > u + 1 && !fake_password(t + u + 1, a - u - 1)) {
				*what = "a password in a URL (user:password@)";
				*show = 0;
				return a + 1;
			}
		}
	}
	return 0;
}

/* What is at t + i (text t[0..n)), given the character before it. */
static void match_at(struct hit *h, const struct vos_redact *r, const char *t, size_t n, size_t i)
{
	char prev = i ? t[i - 1] : ' ';
	size_t k, m;
	memset(h, 0, sizeof(*h));
	if (r) {
		for (k = 0; k < r->nlits; k++) {
			const struct vos_redact_lit *l = &r->lits[k];
			if (l->s[0] != t[i] || n - i < l->len || memcmp(t + i, l->s, l->len))
				continue;
			if (l->word && (is_word(prev) || prev == '.' || prev == '-' ||
			                (i + l->len < n && (is_word(t[i + l->len]) || t[i + l->len] == '-'))))
				continue;
			h->kind = HIT_LIT;
			h->len = l->len;
			h->what = l->what;
			h->repl = l->repl;
			h->show = l->show_prefix ? (l->len >= 12 ? 4 : l->len >= 6 ? 2 : 0) : 0;
			return;
		}
		if ((r->what & VOS_REDACT_PATHS) && !is_word(prev) && prev != '.' && prev != '/' &&
		    prev != '-' && prev != '~' && (m = home_len(t + i, n - i))) {
			h->kind = HIT_HOME;
			h->len = m;
			h->what = "a home directory";
			h->repl = VOS_REDACT_HOME_TEXT;
			h->show = t[i] == '~' ? 1 : 2;
			return;
		}
		if ((r->what & VOS_REDACT_ADDRESSES) && r->nips && (is_hex(t[i]) || t[i] == ':') &&
		    !is_word(prev) && prev != '.' && prev != ':' && prev != '-') {
			size_t e = i;
			while (e < n && (is_hex(t[e]) || t[e] == ':' || t[e] == '.'))
				e++;
			if ((e == n || !is_word(t[e])) && (m = address_len(r, t + i, e - i))) {
				h->kind = HIT_ADDRESS;
				h->len = m;
				h->what = "an address of the inventory";
				h->repl = r->placeholder;
				h->show = 0;
				return;
			}
		}
	}
	if ((!is_alnum(prev) || t[i] == ':') && (m = credential_len(t + i, n - i, &h->what, &h->show))) {
		h->kind = HIT_CREDENTIAL;
		h->len = m;
		h->repl = NULL;
	}
}

/* How far to move when nothing matched at i: past a whole word or address-like run, so that
 * nothing is found in the middle of one ("x127.0.10.1", "AKIA" inside a longer word). */
static size_t skip_len(const char *t, size_t n, size_t i)
{
	size_t e = i;
	if (!is_alnum(t[i]))
		return 1;
	while (e < n && (is_word(t[e]) || t[e] == '.'))
		e++;
	return e > i ? e - i : 1;
}

bool vos_redact_apply(struct vos_buf *out, const struct vos_redact *r, const char *text, size_t len)
{
	size_t i = 0;
	bool any = false;
	while (i < len) {
		struct hit h;
		match_at(&h, r, text, len, i);
		if (h.kind != HIT_NONE && h.repl) {
			vos_buf_adds(out, h.repl);
			i += h.len;
			any = true;
			continue;
		}
		if (h.kind != HIT_NONE) {
			vos_buf_add(out, text + i, h.len);
			i += h.len;
			continue;
		}
		{
			size_t s = skip_len(text, len, i);
			vos_buf_add(out, text + i, s);
			i += s;
		}
	}
	return any;
}

size_t vos_leak_scan(const struct vos_redact *r, const char *file, const char *text, size_t len,
                     struct vos_diags *diags)
{
	size_t i = 0, found = 0, line_start = 0;
	unsigned line = 1;
	while (i < len) {
		struct hit h;
		if (text[i] == '\n' || text[i] == '\r') {
			if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
				i++;
			i++;
			line++;
			line_start = i;
			continue;
		}
		match_at(&h, r, text, len, i);
		if (h.kind != HIT_NONE) {
			struct vos_loc loc = {file, line, (unsigned)(i - line_start + 1)};
			const char *why = h.kind == HIT_CREDENTIAL
			                      ? "no page may hold a credential: remove it, and revoke it if it was ever pushed"
			                      : "render.redact hides it: write the placeholder, or run 'vosctl render --write'";
			if (h.show)
				vos_diags_add(diags, VOS_SEV_ERROR, &loc, "page-leak", "%s ('%.*s...') is on the page: %s",
				              h.what, (int)h.show, text + i, why);
			else
				vos_diags_add(diags, VOS_SEV_ERROR, &loc, "page-leak", "%s is on the page: %s", h.what, why);
			found++;
			i += h.len;
			continue;
		}
		i += skip_len(text, len, i);
	}
	return found;
}

size_t vos_leak_scan_plan(const struct vos_redact *r, const struct vos_render_plan *plan,
                          struct vos_diags *diags)
{
	size_t i, n = 0;
	for (i = 0; i < plan->n; i++)
		n += vos_leak_scan(r, plan->items[i].path, plan->items[i].data, plan->items[i].len, diags);
	return n;
}

struct leak_walk {
	const struct vos_redact *r;
	const struct vos_source *src;
	const char *skip;
	struct vos_diags *diags;
	struct vos_err *err;
};

static int scan_page(const char *path, void *payload)
{
	struct leak_walk *w = payload;
	char *text = NULL;
	size_t len = 0;
	int rc;
	if (vos_streq(path, w->skip))
		return 0;
	rc = w->src->read(w->src, path, VOS_MAX_PAGE_BYTES, &text, &len, w->err);
	if (rc == VOS_ENOTFOUND) /* staged for removal */
		return 0;
	if (rc == 0)
		vos_leak_scan(w->r, path, text, len, w->diags);
	free(text);
	return rc;
}

int vos_leak_scan_changed(const struct vos_redact *r, const struct vos_source *src, const char *skip,
                          struct vos_diags *diags, struct vos_err *err)
{
	struct leak_walk w = {r, src, skip, diags, err};
	return vos_source_each_changed(src, ".md", scan_page, &w, err);
}
