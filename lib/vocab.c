/* vocab.c - the vocabulary: the default set, a lab's declarations, and every use checked. */
#include "vocab.h"
#include "inventory.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The default set: every class, trait, plane and role seeds 000-002 and the shipped labs need
 * (docs/inventory.md, "Vocabulary", lists the same words; t2400 checks the two agree). */
static const struct {
	unsigned char kind;
	const char *word, *meaning;
} defaults[] = {
	{VOS_VOCAB_CLASS, "router", "routes requests to backends (an LLM router such as LiteLLM)"},
	{VOS_VOCAB_CLASS, "ui", "a user interface people use (a chat UI, a dashboard)"},
	{VOS_VOCAB_CLASS, "database", "a database server (PostgreSQL)"},
	{VOS_VOCAB_CLASS, "cache", "an in-memory cache or session store (Redis)"},
	{VOS_VOCAB_CLASS, "inference", "serves model inference (vLLM, MLX, OpenVINO, Ollama)"},
	{VOS_VOCAB_CLASS, "llm", "a large language model runtime"},
	{VOS_VOCAB_CLASS, "embedding", "computes embeddings for search or RAG"},
	{VOS_VOCAB_CLASS, "compute", "a general compute or batch workload"},
	{VOS_VOCAB_CLASS, "storage", "file or block storage (NFS, SMB)"},
	{VOS_VOCAB_CLASS, "backup", "backs data up"},
	{VOS_VOCAB_CLASS, "media", "media management or streaming (the *arr stack, Jellyfin)"},
	{VOS_VOCAB_CLASS, "proxy", "a reverse proxy or gateway (Traefik, an MCP gateway)"},
	{VOS_VOCAB_CLASS, "identity", "identity and single sign-on (Authentik)"},
	{VOS_VOCAB_CLASS, "search", "search (SearxNG)"},
	{VOS_VOCAB_CLASS, "rag", "a retrieval-augmented generation pipeline (Haystack)"},
	{VOS_VOCAB_CLASS, "docs", "documentation (Wiki.js)"},
	{VOS_VOCAB_CLASS, "git", "a git server (Gitea)"},
	{VOS_VOCAB_CLASS, "network", "network infrastructure (firewall, DHCP, DNS)"},
	{VOS_VOCAB_CLASS, "firewall", "a firewall or router appliance (OPNsense)"},
	{VOS_VOCAB_CLASS, "dns", "name resolution (Unbound)"},
	{VOS_VOCAB_CLASS, "dhcp", "address assignment"},
	{VOS_VOCAB_CLASS, "monitoring", "monitoring, metrics or alerting (Prometheus, node_exporter)"},
	{VOS_VOCAB_CLASS, "automation", "home or workflow automation (Home Assistant)"},
	{VOS_VOCAB_TRAIT, "ai", "an AI workload (seed 002's AI services policy applies)"},
	{VOS_VOCAB_TRAIT, "heavy-compute", "needs heavy compute (never on the router)"},
	{VOS_VOCAB_TRAIT, "gpu-inference", "runs inference on a GPU"},
	{VOS_VOCAB_TRAIT, "stateful", "keeps state that must not be lost"},
	{VOS_VOCAB_TRAIT, "stateless", "keeps no state: may be rebuilt at any time"},
	{VOS_VOCAB_TRAIT, "container", "runs in a container"},
	{VOS_VOCAB_TRAIT, "containers", "(host) runs containers"},
	{VOS_VOCAB_TRAIT, "gpu", "(host) has a GPU"},
	{VOS_VOCAB_TRAIT, "compute", "(host) offers compute for others"},
	{VOS_VOCAB_TRAIT, "apple-silicon", "(host) an Apple Silicon machine"},
	{VOS_VOCAB_TRAIT, "storage", "(host) holds the authoritative storage"},
	{VOS_VOCAB_TRAIT, "databases", "(host) holds the databases"},
	{VOS_VOCAB_TRAIT, "media", "(host) holds the media"},
	{VOS_VOCAB_TRAIT, "routing", "(host) routes traffic or requests"},
	{VOS_VOCAB_TRAIT, "orchestration", "(host) orchestrates other services"},
	{VOS_VOCAB_TRAIT, "firewall", "(host) a firewall"},
	{VOS_VOCAB_TRAIT, "automation", "(host) runs home automation"},
	{VOS_VOCAB_TRAIT, "monitoring", "collects or exports metrics"},
	{VOS_VOCAB_PLANE, "control", "orchestration and routing (seed 000's Control Plane)"},
	{VOS_VOCAB_PLANE, "data", "databases and storage (the Data Plane)"},
	{VOS_VOCAB_PLANE, "compute", "inference, containers and media (the Compute Plane)"},
	{VOS_VOCAB_PLANE, "infrastructure", "the network: firewall, DHCP, DNS"},
	{VOS_VOCAB_PLANE, "home", "home automation"},
	{VOS_VOCAB_ROLE, "Databases", "holds the databases"},
	{VOS_VOCAB_ROLE, "Storage", "holds the storage"},
	{VOS_VOCAB_ROLE, "GPU Inference", "runs GPU inference"},
	{VOS_VOCAB_ROLE, "Containers", "runs stateless containers"},
	{VOS_VOCAB_ROLE, "Media", "media only"},
	{VOS_VOCAB_ROLE, "Apple Silicon", "an Apple Silicon machine (MLX)"},
	{VOS_VOCAB_ROLE, "AI Compute", "AI compute and execution (seed 002's Prometheus)"},
	{VOS_VOCAB_ROLE, "Routing", "routes, never computes heavy loads"},
	{VOS_VOCAB_ROLE, "Infrastructure", "the network's own machine"},
	{VOS_VOCAB_ROLE, "Home Automation", "home automation"},
};

static const char *const kind_names[VOS_VOCAB__COUNT] = {"class", "trait", "plane", "role"};
static const char *const kind_plurals[VOS_VOCAB__COUNT] = {"classes", "traits", "planes", "roles"};

const char *vos_vocab_kind_name(enum vos_vocab_kind kind)
{
	return (unsigned)kind < VOS_VOCAB__COUNT ? kind_names[kind] : "word";
}

const char *vos_vocab_kind_plural(enum vos_vocab_kind kind)
{
	return (unsigned)kind < VOS_VOCAB__COUNT ? kind_plurals[kind] : "words";
}

void vos_vocab_init(struct vos_vocab *v)
{
	size_t i;
	memset(v, 0, sizeof(*v));
	v->defaults = true;
	/* planes and roles ignore case, as the page's headings write them; classes and traits are
	 * compared exactly by the rules, so they are declared exactly */
	for (i = 0; i < VOS_VOCAB__COUNT; i++)
		vos_map_init(&v->by_word[i], i == VOS_VOCAB_PLANE || i == VOS_VOCAB_ROLE);
}

/* The default set goes in on first use, so that an initialised vocabulary owns no memory yet
 * (vos_inventory_init may be called again on it, as vos_inventory_load does). */
static void ensure(struct vos_vocab *v)
{
	size_t i;
	if (v->words)
		return;
	v->words_alloc = sizeof(defaults) / sizeof(defaults[0]) + 16;
	v->words = vos_calloc(v->words_alloc, sizeof(*v->words));
	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		struct vos_vocab_word *w = &v->words[v->nwords];
		w->word = defaults[i].word;
		w->meaning = defaults[i].meaning;
		w->kind = defaults[i].kind;
		vos_map_put(&v->by_word[w->kind], w->word, VOS_MAP_INDEX(v->nwords));
		v->nwords++;
	}
	v->ndefaults = v->nwords;
}

void vos_vocab_release(struct vos_vocab *v)
{
	size_t i;
	if (!v)
		return;
	for (i = 0; i < VOS_VOCAB__COUNT; i++)
		vos_map_release(&v->by_word[i]);
	free(v->words);
	free(v->pending);
	memset(v, 0, sizeof(*v));
}

/* The plane "Control Plane" is the plane "control": the stem of a word ending in " plane". */
static size_t plane_stem(const char *word)
{
	size_t n = strlen(word);
	if (n > 6 && !strcasecmp(word + n - 6, " plane"))
		return n - 6;
	return n;
}

static struct vos_vocab_word *find(const struct vos_vocab *v, enum vos_vocab_kind kind, const char *word)
{
	void *slot;
	if (!word || (unsigned)kind >= VOS_VOCAB__COUNT)
		return NULL;
	if (kind == VOS_VOCAB_PLANE) {
		size_t n = plane_stem(word);
		if (word[n]) {
			char *stem = vos_strndup(word, n);
			slot = vos_map_get(&v->by_word[kind], stem);
			free(stem);
			return slot ? &v->words[VOS_MAP_SLOT(slot) - 1] : NULL;
		}
	}
	slot = vos_map_get(&v->by_word[kind], word);
	return slot ? &v->words[VOS_MAP_SLOT(slot) - 1] : NULL;
}

bool vos_vocab_active(const struct vos_vocab *v, const struct vos_vocab_word *w)
{
	return w && (w->lab || v->defaults);
}

const struct vos_vocab_word *vos_vocab_lookup(const struct vos_vocab *v, enum vos_vocab_kind kind,
                                              const char *word)
{
	const struct vos_vocab_word *w = find(v, kind, word);
	return vos_vocab_active(v, w) ? w : NULL;
}

void vos_vocab_declare(struct vos_vocab *v, enum vos_vocab_kind kind, const char *word,
                       const char *meaning, const struct vos_loc *loc, struct vos_diags *diags)
{
	struct vos_vocab_word *w;
	ensure(v);
	w = find(v, kind, word);
	if (w && w->lab) {
		struct vos_diag *d = vos_diags_add(diags, VOS_SEV_ERROR, loc, "inventory-duplicate-id",
		                                   "%s '%s' is declared twice in the vocabulary",
		                                   vos_vocab_kind_name(kind), word);
		vos_diag_set_related(d, &w->loc);
		return;
	}
	if (!w) {
		w = VOS_PUSH(v->words, v->nwords, v->words_alloc);
		memset(w, 0, sizeof(*w));
		w->word = word;
		w->kind = (unsigned char)kind;
		vos_map_put(&v->by_word[kind], word, VOS_MAP_INDEX(v->nwords - 1));
	}
	w->meaning = meaning;
	w->lab = true;
	w->loc = *loc;
}

void vos_vocab_use(struct vos_vocab *v, struct vos_arena *arena, enum vos_vocab_kind kind,
                   const char *word, const struct vos_loc *loc)
{
	struct vos_vocab_word *w;
	struct vos_vocab_use *u;
	ensure(v);
	w = find(v, kind, word);
	if (w) {
		if (!w->used) {
			w->used = true;
			w->first_use = *loc;
		}
		return;
	}
	/* a node shared through an alias is read once per use, at one location: keep it once */
	if (v->npending) {
		u = &v->pending[v->npending - 1];
		if (u->kind == kind && u->loc.line == loc->line && u->loc.col == loc->col &&
		    u->loc.file == loc->file)
			return;
	}
	u = VOS_PUSH(v->pending, v->npending, v->pending_alloc);
	u->word = vos_arena_strdup(arena, word);
	u->kind = (unsigned char)kind;
	u->loc = *loc;
}

/* Past this many unknown words, no "did you mean" is looked for (each costs a pass over the
 * declared words of its kind). */
#define SUGGEST_MAX 200

/* The declared words in force, by kind, for "did you mean" (made once, on the first unknown use). */
struct cands {
	const char **words[VOS_VOCAB__COUNT];
	size_t n[VOS_VOCAB__COUNT];
	size_t reported;
	bool made;
};

static void report_unknown(const struct vos_vocab *v, struct cands *c, enum vos_vocab_kind kind,
                           const char *word, const struct vos_loc *loc, struct vos_diags *diags)
{
	const char *best = NULL;
	size_t i;
	if (!c->made) {
		c->made = true;
		for (i = 0; i < VOS_VOCAB__COUNT; i++)
			c->words[i] = vos_malloc((v->nwords ? v->nwords : 1) * sizeof(char *));
		for (i = 0; i < v->nwords; i++)
			if (vos_vocab_active(v, &v->words[i]))
				c->words[v->words[i].kind][c->n[v->words[i].kind]++] = v->words[i].word;
	}
	if (c->reported++ < SUGGEST_MAX)
		best = vos_suggest(word, c->words[kind], c->n[kind]);
	if (best)
		vos_diags_add(diags, VOS_SEV_ERROR, loc, "unknown-word",
		              "unknown %s '%s': did you mean '%s'? (or declare it under 'vocabulary: %s:')",
		              vos_vocab_kind_name(kind), word, best, vos_vocab_kind_plural(kind));
	else
		vos_diags_add(diags, VOS_SEV_ERROR, loc, "unknown-word",
		              "unknown %s '%s': declare it under 'vocabulary: %s:' with its meaning%s",
		              vos_vocab_kind_name(kind), word, vos_vocab_kind_plural(kind),
		              v->defaults ? "" : " (the lab's vocabulary has 'defaults: false')");
}

void vos_vocab_finish(struct vos_vocab *v, struct vos_diags *diags)
{
	struct cands c;
	size_t i;
	ensure(v);
	memset(&c, 0, sizeof(c));
	for (i = 0; i < v->npending; i++) {
		const struct vos_vocab_use *u = &v->pending[i];
		struct vos_vocab_word *w = find(v, u->kind, u->word);
		if (vos_vocab_active(v, w)) {
			if (!w->used) {
				w->used = true;
				w->first_use = u->loc;
			}
			continue;
		}
		report_unknown(v, &c, u->kind, u->word, &u->loc, diags);
	}
	/* without the default set, a default word the lab uses but does not declare is unknown */
	if (!v->defaults)
		for (i = 0; i < v->ndefaults; i++)
			if (v->words[i].used && !v->words[i].lab)
				report_unknown(v, &c, v->words[i].kind, v->words[i].word, &v->words[i].first_use, diags);
	for (i = 0; i < VOS_VOCAB__COUNT; i++)
		free(c.words[i]);
}

/* ---------------------------------------------------------------- who uses a word */

struct users {
	struct vos_vocab_user *items;
	size_t n, alloc;
	const struct vos_vocab *v;
	const struct vos_vocab_word *w;
};

static bool names(const struct users *u, enum vos_vocab_kind kind, const char *word)
{
	return word && kind == u->w->kind && find(u->v, kind, word) == u->w;
}

static bool names_any(const struct users *u, enum vos_vocab_kind kind, char *const *list, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (names(u, kind, list[i]))
			return true;
	return false;
}

static bool selector_names(const struct users *u, const struct vos_selector *s)
{
	return names_any(u, VOS_VOCAB_PLANE, s->planes, s->nplanes) ||
	       names_any(u, VOS_VOCAB_CLASS, s->classes, s->nclasses) ||
	       names_any(u, VOS_VOCAB_TRAIT, s->traits, s->ntraits) ||
	       names_any(u, VOS_VOCAB_TRAIT, s->host_traits, s->nhost_traits);
}

static void add_user(struct users *u, const char *what, const char *id, const struct vos_loc *loc)
{
	struct vos_vocab_user *x = VOS_PUSH(u->items, u->n, u->alloc);
	x->what = what;
	x->id = id;
	x->loc = *loc;
}

void vos_vocab_users(struct vos_vocab_user **out, size_t *n, const struct vos_inventory *inv,
                     const struct vos_vocab_word *w)
{
	struct users u = {NULL, 0, 0, &inv->vocab, w};
	size_t i;
	for (i = 0; i < inv->nhosts; i++) {
		const struct vos_host *h = &inv->hosts[i];
		if (names(&u, VOS_VOCAB_PLANE, h->plane) || names(&u, VOS_VOCAB_ROLE, h->role) ||
		    names_any(&u, VOS_VOCAB_TRAIT, h->traits, h->ntraits))
			add_user(&u, "host", h->name, &h->loc);
	}
	for (i = 0; i < inv->nservices; i++) {
		const struct vos_service *s = &inv->services[i];
		if (names(&u, VOS_VOCAB_CLASS, s->class_) || names_any(&u, VOS_VOCAB_TRAIT, s->traits, s->ntraits))
			add_user(&u, "service", s->id, &s->loc);
	}
	for (i = 0; i < inv->nrules; i++) {
		const struct vos_rule *r = &inv->rules[i];
		if (names_any(&u, VOS_VOCAB_CLASS, r->classes, r->nclasses) ||
		    names_any(&u, VOS_VOCAB_TRAIT, r->traits, r->ntraits) || selector_names(&u, &r->select) ||
		    selector_names(&u, &r->require))
			add_user(&u, "rule", r->id, &r->loc);
	}
	*out = u.items;
	*n = u.n;
}
