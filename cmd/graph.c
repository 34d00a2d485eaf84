/* graph.c - vosctl graph: hosts as clusters, services inside, dependencies as edges, findings
 * highlighted; Graphviz DOT (default) or Mermaid (for a wiki page). */
#include "cli.h"
#include "check.h"
#include "lockfile.h"
#include "rules.h"

#include <stdlib.h>
#include <string.h>

enum { GRAPH_DOT = 0, GRAPH_MERMAID = 1 };

/* What the findings say about one service or host. */
struct mark {
	struct vos_buf rules; /* "rule-a, rule-b" (each rule once) */
	bool hit;
};

struct graph {
	const struct vos_model *m;
	struct mark *svc;          /* per model service */
	struct mark *host;         /* per model host (findings about the host itself) */
	int *scc;                  /* per service: strongly connected component id */
	bool *in_cycle;            /* per service: its component has a cycle */
	char **sid, **hid;         /* mermaid ids, sanitized and unique */
	struct vos_map used_ids;   /* keys live in ids */
	struct vos_arena ids;
	struct vos_buf out;
};

static void mark_add(struct mark *k, const char *rule)
{
	const char *p = k->rules.ptr;
	size_t n = strlen(rule);
	k->hit = true;
	/* skip a rule id already listed */
	while (p && *p) {
		const char *e = strstr(p, ", ");
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && !strncmp(p, rule, n))
			return;
		p = e ? e + 2 : NULL;
	}
	if (k->rules.len)
		vos_buf_adds(&k->rules, ", ");
	vos_buf_adds(&k->rules, rule);
}

static long service_index(const struct vos_model *m, const char *id)
{
	struct vos_mservice *s = id ? vos_model_service(m, id) : NULL;
	return s ? (long)(s - m->services) : -1;
}

static long host_index(const struct vos_model *m, const char *name)
{
	struct vos_mhost *h = name ? vos_model_host(m, name) : NULL;
	return h ? (long)(h - m->hosts) : -1;
}

static void collect_findings(struct graph *g, const struct vos_diags *d)
{
	size_t i;
	for (i = 0; i < d->n; i++) {
		const struct vos_diag *x = &d->items[i];
		long k;
		if (x->severity == VOS_SEV_NOTE || !x->rule)
			continue;
		if ((k = service_index(g->m, x->service)) >= 0)
			mark_add(&g->svc[k], x->rule);
		else if ((k = host_index(g->m, x->host)) >= 0)
			mark_add(&g->host[k], x->rule);
	}
}

/* ---- dependency cycles: Tarjan's algorithm, iterative (a deep chain must not overflow the stack) */

static long dep_target(const struct vos_model *m, size_t s, size_t j)
{
	const struct vos_service *v = m->services[s].inv;
	return v && j < v->ndepends_on ? service_index(m, v->depends_on[j].s) : -1;
}

static size_t dep_count(const struct vos_model *m, size_t s)
{
	const struct vos_service *v = m->services[s].inv;
	return v ? v->ndepends_on : 0;
}

static void find_cycles(struct graph *g)
{
	const struct vos_model *m = g->m;
	size_t n = m->nservices, i, sp = 0, cp = 0, counter = 0;
	int ncomp = 0;
	size_t *index = vos_calloc(n + 1, sizeof(*index));   /* 0: unvisited, else dfs number */
	size_t *low = vos_calloc(n + 1, sizeof(*low));
	bool *on_stack = vos_calloc(n + 1, sizeof(*on_stack));
	size_t *stack = vos_calloc(n + 1, sizeof(*stack));
	size_t *call = vos_calloc(n + 1, sizeof(*call));      /* dfs call stack: node */
	size_t *next = vos_calloc(n + 1, sizeof(*next));      /* per node: next edge to look at */
	for (i = 0; i < n; i++)
		g->scc[i] = -1;
	for (i = 0; i < n; i++) {
		if (index[i])
			continue;
		call[cp++] = i;
		index[i] = low[i] = ++counter;
		stack[sp++] = i;
		on_stack[i] = true;
		while (cp) {
			size_t v = call[cp - 1];
			if (next[v] < dep_count(m, v)) {
				long w = dep_target(m, v, next[v]++);
				if (w < 0)
					continue;
				if (!index[w]) {
					index[w] = low[w] = ++counter;
					stack[sp++] = (size_t)w;
					on_stack[w] = true;
					call[cp++] = (size_t)w;
				} else if (on_stack[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			/* v is done */
			if (low[v] == index[v]) {
				size_t w, size = 0, first = sp;
				do {
					w = stack[--sp];
					on_stack[w] = false;
					g->scc[w] = ncomp;
					size++;
				} while (w != v);
				if (size > 1) {
					for (w = sp; w < first; w++)
						g->in_cycle[stack[w]] = true;
				}
				ncomp++;
			}
			cp--;
			if (cp) {
				size_t u = call[cp - 1];
				if (low[v] < low[u])
					low[u] = low[v];
			}
		}
	}
	/* a service that depends on itself is a cycle of one */
	for (i = 0; i < n; i++) {
		size_t j;
		for (j = 0; j < dep_count(m, i); j++)
			if (dep_target(m, i, j) == (long)i)
				g->in_cycle[i] = true;
	}
	free(index);
	free(low);
	free(on_stack);
	free(stack);
	free(call);
	free(next);
}

static bool edge_in_cycle(const struct graph *g, size_t a, long b)
{
	return b >= 0 && g->in_cycle[a] && g->scc[a] == g->scc[b];
}

/* ---- DOT */

static void dot_str(struct vos_buf *b, const char *s)
{
	vos_buf_addc(b, '"');
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			vos_buf_addc(b, '\\');
		if (*s == '\n')
			vos_buf_adds(b, "\\n");
		else if (*s != '\r')
			vos_buf_addc(b, *s);
	}
	vos_buf_addc(b, '"');
}

/* A two-part label "first\nsecond" (DOT's escaped newline between two escaped strings). */
static void dot_label2(struct vos_buf *b, const char *first, const char *second)
{
	struct vos_buf t = VOS_BUF_INIT;
	dot_str(&t, first);
	if (second) {
		struct vos_buf u = VOS_BUF_INIT;
		dot_str(&u, second);
		/* join: drop the closing quote of the first and the opening quote of the second */
		t.ptr[--t.len] = '\0';
		vos_buf_adds(&t, "\\n");
		vos_buf_adds(&t, u.ptr + 1);
		vos_buf_release(&u);
	}
	vos_buf_adds(b, t.ptr);
	vos_buf_release(&t);
}

static void dot_service(struct graph *g, size_t i, const char *indent)
{
	const struct vos_mservice *s = &g->m->services[i];
	struct vos_buf *b = &g->out;
	vos_buf_adds(b, indent);
	dot_str(b, s->id);
	vos_buf_adds(b, " [label=");
	dot_label2(b, s->name, s->inv && s->inv->class_ ? s->inv->class_ : NULL);
	if (g->svc[i].hit) {
		char *tip = vos_asprintf("findings: %s", g->svc[i].rules.ptr);
		vos_buf_adds(b, ", color=red, penwidth=2, fillcolor=\"#ffdddd\", tooltip=");
		dot_str(b, tip);
		free(tip);
	}
	if (!s->inv)
		vos_buf_adds(b, ", style=\"rounded,filled,dashed\"");
	vos_buf_adds(b, "];\n");
}

static void host_label(struct vos_buf *t, const struct vos_mhost *h)
{
	const char *addr = h->inv ? h->inv->address : NULL;
	vos_buf_adds(t, h->name);
	if (h->plane || addr) {
		vos_buf_adds(t, " (");
		if (h->plane)
			vos_buf_adds(t, h->plane);
		if (h->plane && addr)
			vos_buf_adds(t, ", ");
		if (addr)
			vos_buf_adds(t, addr);
		vos_buf_addc(t, ')');
	}
}

static void render_dot(struct graph *g)
{
	const struct vos_model *m = g->m;
	struct vos_buf *b = &g->out, t = VOS_BUF_INIT;
	struct vos_map unknown;
	size_t i, j;
	vos_map_init(&unknown, false);
	vos_buf_adds(b, "digraph vosctl {\n");
	vos_buf_adds(b, "  graph [rankdir=LR, fontname=\"Helvetica\", compound=true");
	if (m->inv && m->inv->lab_name) {
		vos_buf_adds(b, ", label=");
		dot_str(b, m->inv->lab_name);
		vos_buf_adds(b, ", labelloc=t");
	}
	vos_buf_adds(b, "];\n");
	vos_buf_adds(b, "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\"];\n");
	vos_buf_adds(b, "  edge [color=\"#555555\"];\n");
	for (i = 0; i < m->nhosts; i++) {
		const struct vos_mhost *h = &m->hosts[i];
		vos_buf_reset(&t);
		vos_buf_adds(&t, "cluster_");
		vos_buf_adds(&t, h->name);
		vos_buf_adds(b, "  subgraph ");
		dot_str(b, t.ptr);
		vos_buf_adds(b, " {\n    label=");
		vos_buf_reset(&t);
		host_label(&t, h);
		dot_str(b, t.ptr);
		vos_buf_adds(b, ";\n    style=rounded;\n");
		if (g->host[i].hit) {
			char *tip = vos_asprintf("findings: %s", g->host[i].rules.ptr);
			vos_buf_adds(b, "    color=red;\n    penwidth=2;\n    tooltip=");
			dot_str(b, tip);
			vos_buf_adds(b, ";\n");
			free(tip);
		} else {
			vos_buf_adds(b, "    color=\"#888888\";\n");
		}
		for (j = 0; j < h->nservices; j++)
			dot_service(g, h->services[j], "    ");
		if (!h->nservices) {
			/* graphviz draws no empty cluster: give it a placeholder */
			vos_buf_reset(&t);
			vos_buf_addf(&t, "%s (no services)", h->name);
			vos_buf_adds(b, "    ");
			dot_str(b, t.ptr);
			vos_buf_adds(b, " [label=\"(no services)\", shape=plaintext, style=\"\"];\n");
		}
		vos_buf_adds(b, "  }\n");
	}
	for (i = 0; i < m->nservices; i++)
		if (m->services[i].host < 0)
			dot_service(g, i, "  ");
	for (i = 0; i < m->nservices; i++) {
		const struct vos_service *v = m->services[i].inv;
		for (j = 0; v && j < v->ndepends_on; j++) {
			const char *to = v->depends_on[j].s;
			long k = service_index(m, to);
			if (k < 0 && !vos_map_get(&unknown, to)) {
				/* a dependency nobody declares: drawn, dashed and red */
				vos_map_put(&unknown, to, (void *)1);
				vos_buf_adds(b, "  ");
				dot_str(b, to);
				vos_buf_adds(b, " [label=");
				dot_label2(b, to, "(unknown)");
				vos_buf_adds(b, ", style=\"rounded,dashed\", color=red, penwidth=2, tooltip=\"findings: depends-unknown\"];\n");
			}
			vos_buf_adds(b, "  ");
			dot_str(b, m->services[i].id);
			vos_buf_adds(b, " -> ");
			dot_str(b, to);
			if (edge_in_cycle(g, i, k))
				vos_buf_adds(b, " [color=red, penwidth=2, tooltip=\"dependency cycle\"]");
			else if (k < 0)
				vos_buf_adds(b, " [color=red, style=dashed]");
			vos_buf_adds(b, ";\n");
		}
	}
	vos_buf_adds(b, "}\n");
	vos_map_release(&unknown);
	vos_buf_release(&t);
}

/* ---- Mermaid */

/* "prefix_" + s with every byte outside [A-Za-z0-9_] turned into '_', made unique. */
static char *mermaid_id(struct graph *g, const char *prefix, const char *s)
{
	struct vos_buf b = VOS_BUF_INIT;
	size_t base, n = 1;
	vos_buf_adds(&b, prefix);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
		vos_buf_addc(&b, ok ? (char)c : '_');
	}
	base = b.len;
	while (vos_map_get(&g->used_ids, b.ptr)) {
		b.len = base;
		b.ptr[base] = '\0';
		vos_buf_addf(&b, "_%zu", ++n);
	}
	{
		char *id = vos_arena_strdup(&g->ids, b.ptr);
		vos_map_put(&g->used_ids, id, (void *)1);
		vos_buf_release(&b);
		return id;
	}
}

/* Mermaid label text inside ["..."]: quotes and angle brackets as entity codes. */
static void mermaid_text(struct vos_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '"': vos_buf_adds(b, "#quot;"); break;
		case '<': vos_buf_adds(b, "#lt;"); break;
		case '>': vos_buf_adds(b, "#gt;"); break;
		case '#': vos_buf_adds(b, "#35;"); break;
		case '\n': case '\r': vos_buf_addc(b, ' '); break;
		default: vos_buf_addc(b, *s);
		}
	}
}

static void mermaid_service(struct graph *g, size_t i, const char *indent)
{
	const struct vos_mservice *s = &g->m->services[i];
	struct vos_buf *b = &g->out;
	vos_buf_addf(b, "%s%s[\"", indent, g->sid[i]);
	mermaid_text(b, s->name);
	if (s->inv && s->inv->class_) {
		vos_buf_adds(b, "<br/>");
		mermaid_text(b, s->inv->class_);
	}
	vos_buf_adds(b, "\"]\n");
}

static void render_mermaid(struct graph *g)
{
	const struct vos_model *m = g->m;
	struct vos_buf *b = &g->out, t = VOS_BUF_INIT, cyc = VOS_BUF_INIT, viol = VOS_BUF_INIT;
	struct vos_map unknown;
	size_t i, j, nedges = 0;
	vos_map_init(&unknown, false);
	for (i = 0; i < m->nservices; i++)
		g->sid[i] = mermaid_id(g, "svc_", m->services[i].id);
	for (i = 0; i < m->nhosts; i++)
		g->hid[i] = mermaid_id(g, "host_", m->hosts[i].name);
	vos_buf_adds(b, "flowchart LR\n");
	for (i = 0; i < m->nhosts; i++) {
		const struct vos_mhost *h = &m->hosts[i];
		vos_buf_reset(&t);
		host_label(&t, h);
		vos_buf_addf(b, "  subgraph %s [\"", g->hid[i]);
		mermaid_text(b, t.ptr);
		vos_buf_adds(b, "\"]\n");
		for (j = 0; j < h->nservices; j++)
			mermaid_service(g, h->services[j], "    ");
		if (!h->nservices)
			vos_buf_addf(b, "    %s_none[\"(no services)\"]\n", g->hid[i]);
		vos_buf_adds(b, "  end\n");
		if (g->host[i].hit)
			vos_buf_addf(&viol, "  class %s violation\n", g->hid[i]);
	}
	for (i = 0; i < m->nservices; i++)
		if (m->services[i].host < 0)
			mermaid_service(g, i, "  ");
	for (i = 0; i < m->nservices; i++) {
		const struct vos_service *v = m->services[i].inv;
		for (j = 0; v && j < v->ndepends_on; j++) {
			const char *to = v->depends_on[j].s;
			long k = service_index(m, to);
			const char *toid;
			if (k >= 0) {
				toid = g->sid[k];
			} else {
				toid = vos_map_get(&unknown, to);
				if (!toid) {
					char *id = mermaid_id(g, "unknown_", to);
					vos_map_put(&unknown, to, id);
					toid = id;
					vos_buf_addf(b, "  %s[\"", id);
					mermaid_text(b, to);
					vos_buf_adds(b, " (unknown)\"]\n");
					vos_buf_addf(&viol, "  class %s violation\n", id);
				}
			}
			vos_buf_addf(b, "  %s --> %s\n", g->sid[i], toid);
			if (edge_in_cycle(g, i, k) || k < 0)
				vos_buf_addf(&cyc, "  linkStyle %zu stroke:#c00,stroke-width:2px\n", nedges);
			nedges++;
		}
	}
	for (i = 0; i < m->nservices; i++)
		if (g->svc[i].hit)
			vos_buf_addf(&viol, "  class %s violation\n", g->sid[i]);
	vos_buf_adds(b, "  classDef violation fill:#fdd,stroke:#c00,stroke-width:2px\n");
	if (viol.len)
		vos_buf_adds(b, viol.ptr);
	if (cyc.len)
		vos_buf_adds(b, cyc.ptr);
	/* the unknown-dependency ids live in g->ids */
	vos_map_release(&unknown);
	vos_buf_release(&t);
	vos_buf_release(&cyc);
	vos_buf_release(&viol);
}

static void graph_release(struct graph *g)
{
	size_t i;
	for (i = 0; i < g->m->nservices; i++)
		vos_buf_release(&g->svc[i].rules);
	for (i = 0; i < g->m->nhosts; i++)
		vos_buf_release(&g->host[i].rules);
	vos_map_release(&g->used_ids);
	vos_arena_release(&g->ids);
	free(g->svc);
	free(g->host);
	free(g->scc);
	free(g->in_cycle);
	free(g->sid);
	free(g->hid);
	vos_buf_release(&g->out);
}

int cli_cmd_graph(struct cli_ctx *ctx, int argc, const char **argv)
{
	const char *format = "dot", *output = NULL;
	struct graph g;
	int n, rc, fmt;
	struct cli_opt opts[] = {
		CLI_OPT_STRING(0, "format", &format, "FMT", "dot (default, Graphviz) or mermaid"),
		CLI_OPT_STRING('o', "output", &output, "FILE", "write the graph to FILE (atomically), not stdout"),
		CLI_OPT_END(),
	};
	n = cli_parse_options(ctx, argc, argv, opts);
	if (n < 0)
		return n == -2 ? 0 : CLI_EXIT_USAGE;
	if (!strcmp(format, "dot")) {
		fmt = GRAPH_DOT;
	} else if (!strcmp(format, "mermaid")) {
		fmt = GRAPH_MERMAID;
	} else {
		cli_error("unknown format '%s' (dot or mermaid)", format);
		return CLI_EXIT_USAGE;
	}
	rc = cli_ctx_load(ctx);
	if (rc)
		return rc;
	vos_check_model(&ctx->lab.model, &ctx->diags);

	memset(&g, 0, sizeof(g));
	g.m = &ctx->lab.model;
	g.svc = vos_calloc(g.m->nservices + 1, sizeof(*g.svc));
	g.host = vos_calloc(g.m->nhosts + 1, sizeof(*g.host));
	g.scc = vos_calloc(g.m->nservices + 1, sizeof(*g.scc));
	g.in_cycle = vos_calloc(g.m->nservices + 1, sizeof(*g.in_cycle));
	g.sid = vos_calloc(g.m->nservices + 1, sizeof(*g.sid));
	g.hid = vos_calloc(g.m->nhosts + 1, sizeof(*g.hid));
	vos_map_init(&g.used_ids, false);
	vos_arena_init(&g.ids);
	collect_findings(&g, &ctx->diags);
	find_cycles(&g);
	if (fmt == GRAPH_DOT)
		render_dot(&g);
	else
		render_mermaid(&g);

	rc = CLI_EXIT_CLEAN;
	if (output) {
		struct vos_err oerr = VOS_ERR_INIT;
		if (vos_file_write(output, g.out.ptr, g.out.len, 0, NULL, &oerr) < 0) {
			cli_error("%s", vos_err_msg(&oerr, "unable to write the graph"));
			rc = CLI_EXIT_OPFAIL;
		}
		vos_err_clear(&oerr);
	} else {
		fwrite(g.out.ptr, 1, g.out.len, stdout);
	}
	graph_release(&g);
	return rc;
}
