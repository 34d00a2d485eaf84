/* output.c - messages to the user, and one formatter per output format for diagnostics
 * (text, json, github, junit, sarif). */
#include "cli.h"
#include "lockfile.h"
#include "ruledoc.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <string.h>

/* ------------------------------------------------------------------ messages */

/* "vosctl: KIND: message" on stderr, after what stdout holds */
static void message(const char *kind, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "vosctl: %s: ", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	message("error", fmt, ap);
	va_end(ap);
}

void cli_warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	message("warning", fmt, ap);
	va_end(ap);
}

int cli_finish_output(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno;
		fprintf(stderr, "vosctl: error: unable to write output: %s\n",
		        e ? strerror(e) : "write error");
		return CLI_EXIT_OPFAIL;
	}
	return rc;
}

/* The waiver of a waived finding, for text: "reason; owner X; until DATE; waiver at FILE:L:C". */
static void waiver_phrase(struct vos_buf *b, const struct vos_diag_waiver *w)
{
	vos_buf_adds(b, w->reason);
	if (w->owner)
		vos_buf_addf(b, "; owner %s", w->owner);
	vos_buf_addf(b, "; until %s", w->expires);
	if (w->file)
		vos_buf_addf(b, "; %s at %s:%u:%u", w->in_page ? "inline waiver" : "waiver", w->file, w->line,
		             w->col ? w->col : 1);
}

void cli_print_diags_text(FILE *f, const struct vos_diags *d, bool color)
{
	struct vos_arena a; /* escaped copies of what has control characters (a page edit can) */
	size_t i, pass;
	vos_arena_init(&a);
	/* the findings that count and the fixed baseline entries, then the waived ones (a list of its
	 * own); the baseline's unchanged ones are not reported */
	for (pass = 0; pass < 2; pass++)
	for (i = 0; i < d->n; i++) {
		const struct vos_diag *x = &d->items[i];
		const char *sc = "", *reset = "", *bold = "", *kind = vos_severity_name(x->severity);
		struct vos_buf wb = VOS_BUF_INIT;
		if (x->baseline == VOS_BASELINE_UNCHANGED || (pass == 0) != !x->waiver)
			continue;
		if (x->waiver) {
			kind = "waived";
			vos_buf_adds(&wb, " (");
			waiver_phrase(&wb, x->waiver);
			vos_buf_addc(&wb, ')');
		}
		const char *file = vos_arena_escaped(&a, x->file), *rel_file = vos_arena_escaped(&a, x->rel_file);
		if (color) {
			sc = x->severity == VOS_SEV_ERROR ? "\033[1;31m"
			     : x->severity == VOS_SEV_WARNING ? "\033[1;35m" : "\033[1;36m";
			reset = "\033[0m";
			bold = "\033[1m";
		}
		if (file && x->line)
			fprintf(f, "%s%s:%u:%u:%s ", bold, file, x->line, x->col ? x->col : 1, reset);
		else if (file)
			fprintf(f, "%s%s:%s ", bold, file, reset);
		else
			fprintf(f, "vosctl: ");
		if (x->waiver && color)
			sc = "\033[1;32m";
		fprintf(f, "%s%s:%s [%s] %s%s\n", sc, kind, reset, vos_arena_escaped(&a, x->rule),
		        vos_arena_escaped(&a, x->message), wb.ptr ? vos_arena_escaped(&a, wb.ptr) : "");
		vos_buf_release(&wb);
		if (rel_file && x->rel_line)
			fprintf(f, "%s%s:%u:%u:%s %snote:%s see also\n", bold, rel_file, x->rel_line,
			        x->rel_col ? x->rel_col : 1, reset, color ? "\033[1;36m" : "", reset);
	}
	vos_arena_release(&a);
	if (d->dropped)
		fprintf(f, "vosctl: note: %zu more diagnostics not shown\n", d->dropped);
}

/* ------------------------------------------------------------------ findings */

static const char *const formats[] = {"text", "json", "github", "junit", "sarif", NULL};

int cli_findings_format_parse(const char *name)
{
	int i;
	for (i = 0; formats[i]; i++)
		if (!strcmp(formats[i], name))
			return i;
	return -1;
}

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* json_string rejects invalid UTF-8; our inputs are validated, but be safe */
static json_t *jstr(const char *s)
{
	json_t *j = json_string(s ? s : "");
	return j ? j : json_stringn("?", 1);
}

json_t *cli_diag_to_json(const struct vos_diag *x)
{
	json_t *o = json_object();
	json_object_set_new(o, "severity", json_string(vos_severity_name(x->severity)));
	json_object_set_new(o, "rule", jstr(x->rule));
	json_object_set_new(o, "message", jstr(x->message));
	json_object_set_new(o, "file", x->file ? jstr(x->file) : json_null());
	json_object_set_new(o, "line", json_integer(x->line));
	json_object_set_new(o, "column", json_integer(x->col));
	json_object_set_new(o, "service", jstr_or_null(x->service));
	json_object_set_new(o, "host", jstr_or_null(x->host));
	if (x->port)
		json_object_set_new(o, "port", jstr(x->port));
	if (x->subject)
		json_object_set_new(o, "subject", jstr(x->subject));
	if (x->rel_file) {
		json_t *r = json_object();
		json_object_set_new(r, "file", jstr(x->rel_file));
		json_object_set_new(r, "line", json_integer(x->rel_line));
		json_object_set_new(r, "column", json_integer(x->rel_col));
		json_object_set_new(o, "related", r);
	}
	if (x->waiver) {
		json_t *w = json_object();
		json_object_set_new(w, "reason", jstr(x->waiver->reason));
		json_object_set_new(w, "owner", jstr_or_null(x->waiver->owner));
		json_object_set_new(w, "expires", jstr(x->waiver->expires));
		json_object_set_new(w, "kind", json_string(x->waiver->in_page ? "inline" : "inventory"));
		json_object_set_new(w, "file", jstr_or_null(x->waiver->file));
		json_object_set_new(w, "line", json_integer(x->waiver->line));
		json_object_set_new(w, "column", json_integer(x->waiver->col));
		json_object_set_new(o, "waiver", w);
	}
	return o;
}

int cli_json_dump(FILE *f, json_t *j)
{
	int r = json_dumpf(j, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII * 0);
	fputc('\n', f);
	return r;
}

static void print_json(FILE *f, const struct vos_diags *d)
{
	json_t *root = json_object(), *arr = json_array(), *sum = json_object(), *waived = json_array();
	json_t *fixed = json_array();
	size_t i;
	for (i = 0; i < d->n; i++) {
		const struct vos_diag *x = &d->items[i];
		if (x->baseline == VOS_BASELINE_UNCHANGED)
			continue;
		json_array_append_new(x->waiver ? waived : x->baseline == VOS_BASELINE_ABSENT ? fixed : arr,
		                      cli_diag_to_json(x));
	}
	json_object_set_new(root, "ok", json_boolean(d->errors == 0));
	json_object_set_new(root, "findings", arr);
	json_object_set_new(root, "waived", waived);
	json_object_set_new(root, "fixed", fixed);
	json_object_set_new(sum, "errors", json_integer((json_int_t)d->errors));
	json_object_set_new(sum, "warnings", json_integer((json_int_t)d->warnings));
	json_object_set_new(sum, "waived", json_integer((json_int_t)d->waived));
	json_object_set_new(sum, "unchanged", json_integer((json_int_t)d->unchanged));
	json_object_set_new(sum, "fixed", json_integer((json_int_t)d->fixed));
	json_object_set_new(root, "summary", sum);
	cli_json_dump(f, root);
	json_decref(root);
}

/* GitHub workflow commands: data escapes %, CR, LF; properties also : and ,. Control characters
 * are escaped first (as in text output): a CI log renders terminal sequences too. */
static void gh_escape(FILE *f, const char *str, bool property)
{
	struct vos_buf b = VOS_BUF_INIT;
	const char *s;
	vos_buf_add_escaped(&b, str ? str : "");
	for (s = b.ptr; s && *s; s++) {
		switch (*s) {
		case '%': fputs("%25", f); break;
		case ':': fputs(property ? "%3A" : ":", f); break;
		case ',': fputs(property ? "%2C" : ",", f); break;
		default: fputc(*s, f);
		}
	}
	vos_buf_release(&b);
}

static void print_github(FILE *f, const struct vos_diags *d)
{
	size_t i;
	for (i = 0; i < d->n; i++) {
		const struct vos_diag *x = &d->items[i];
		const char *cmd = x->waiver ? "notice" : x->severity == VOS_SEV_ERROR ? "error"
		                  : x->severity == VOS_SEV_WARNING ? "warning" : "notice";
		if (x->baseline == VOS_BASELINE_UNCHANGED)
			continue;
		fprintf(f, "::%s ", cmd);
		if (x->file) {
			fputs("file=", f);
			gh_escape(f, x->file, true);
			if (x->line)
				fprintf(f, ",line=%u,col=%u", x->line, x->col ? x->col : 1);
			fputc(',', f);
		}
		fputs("title=", f);
		gh_escape(f, x->rule, true);
		fputs("::", f);
		gh_escape(f, x->message, false);
		if (x->waiver) {
			struct vos_buf wb = VOS_BUF_INIT;
			vos_buf_adds(&wb, " (waived: ");
			waiver_phrase(&wb, x->waiver);
			vos_buf_addc(&wb, ')');
			gh_escape(f, wb.ptr, false);
			vos_buf_release(&wb);
		}
		fputc('\n', f);
	}
}

/* XML 1.0 cannot carry most C0 controls, not even as character references (a JUnit reader rejects
 * the whole report), nor U+FFFE and U+FFFF: controls are escaped as in text output ("\\033"),
 * the two non-characters become U+FFFD. */
static void xml_escape(FILE *f, const char *str)
{
	struct vos_buf b = VOS_BUF_INIT;
	const char *s;
	vos_buf_add_escaped(&b, str ? str : "");
	for (s = b.ptr; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			if ((unsigned char)s[0] == 0xef && (unsigned char)s[1] == 0xbf &&
			    ((unsigned char)s[2] == 0xbe || (unsigned char)s[2] == 0xbf)) {
				fputs("\xef\xbf\xbd", f);
				s += 2;
			} else {
				fputc(*s, f);
			}
		}
	}
	vos_buf_release(&b);
}

static void print_junit(FILE *f, const struct vos_diags *d, const char *suite)
{
	size_t i, skipped = 0;
	for (i = 0; i < d->n; i++)
		skipped += !(d->items[i].severity == VOS_SEV_ERROR && vos_diag_counts(&d->items[i]));
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<testsuites name=\"vosctl\" tests=\"%zu\" failures=\"%zu\">\n", d->n ? d->n : 1, d->errors);
	fprintf(f, "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n",
	        suite, d->n ? d->n : 1, d->errors, skipped);
	if (!d->n)
		fprintf(f, "    <testcase classname=\"vosctl\" name=\"%s: no findings\"/>\n", suite);
	for (i = 0; i < d->n; i++) {
		const struct vos_diag *x = &d->items[i];
		fputs("    <testcase classname=\"", f);
		xml_escape(f, x->file ? x->file : "vosctl");
		fputs("\" name=\"[", f);
		xml_escape(f, x->rule);
		fprintf(f, "] %s:%u:%u\">\n", "", x->line, x->col);
		if (x->waiver) {
			struct vos_buf wb = VOS_BUF_INIT;
			vos_buf_adds(&wb, "waived: ");
			waiver_phrase(&wb, x->waiver);
			fputs("      <skipped message=\"", f);
			xml_escape(f, wb.ptr);
			fputs("\"/>\n", f);
			vos_buf_release(&wb);
		} else if (x->baseline == VOS_BASELINE_UNCHANGED || x->baseline == VOS_BASELINE_ABSENT) {
			fputs("      <skipped message=\"", f);
			fputs(x->baseline == VOS_BASELINE_UNCHANGED ? "in the baseline: " : "", f);
			xml_escape(f, x->message);
			fputs("\"/>\n", f);
		} else if (x->severity == VOS_SEV_ERROR) {
			fputs("      <failure type=\"", f);
			xml_escape(f, x->rule);
			fputs("\" message=\"", f);
			xml_escape(f, x->message);
			fputs("\">", f);
			xml_escape(f, x->file ? x->file : "");
			fprintf(f, ":%u:%u: error: [", x->line, x->col);
			xml_escape(f, x->rule);
			fputs("] ", f);
			xml_escape(f, x->message);
			fputs("</failure>\n", f);
		} else {
			fputs("      <skipped message=\"", f);
			xml_escape(f, x->message);
			fputs("\"/>\n", f);
		}
		fputs("    </testcase>\n", f);
	}
	fputs("  </testsuite>\n</testsuites>\n", f);
}

static json_t *sarif_location(const char *file, unsigned line, unsigned col)
{
	json_t *loc = json_object(), *phys = json_object(), *art = json_object();
	json_object_set_new(art, "uri", jstr(file));
	json_object_set_new(phys, "artifactLocation", art);
	if (line) {
		json_t *region = json_object();
		json_object_set_new(region, "startLine", json_integer(line));
		json_object_set_new(region, "startColumn", json_integer(col ? col : 1));
		json_object_set_new(phys, "region", region);
	}
	json_object_set_new(loc, "physicalLocation", phys);
	return loc;
}

static void print_sarif(FILE *f, const struct vos_diags *d)
{
	json_t *root = json_object(), *runs = json_array(), *run = json_object(), *tool = json_object();
	json_t *driver = json_object(), *rules = json_array(), *results = json_array();
	struct vos_map index;
	size_t i;
	vos_map_init(&index, false);
	json_object_set_new(root, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_set_new(root, "version", json_string("2.1.0"));
	json_object_set_new(driver, "name", json_string("vosctl"));
	json_object_set_new(driver, "version", json_string(vos_version()));
	json_object_set_new(driver, "informationUri", json_string(CLI_INFO_URI));
	for (i = 0; i < d->n; i++) {
		const struct vos_diag *x = &d->items[i];
		json_t *res = json_object(), *msg = json_object();
		size_t ri = (size_t)(uintptr_t)vos_map_get(&index, x->rule);
		if (!ri) {
			json_t *rule = json_object(), *sd = json_object();
			json_object_set_new(rule, "id", jstr(x->rule));
			json_object_set_new(sd, "text", jstr(x->rule));
			const struct vos_ruledoc *rd = vos_ruledoc_find(x->rule);
			if (rd) {
				struct vos_buf uri = VOS_BUF_INIT;
				vos_buf_adds(&uri, CLI_DOCS_BASE "/");
				vos_ruledoc_anchor(&uri, rd->id);
				json_object_set_new(sd, "text", jstr(rd->summary));
				json_object_set_new(rule, "helpUri", jstr(uri.ptr));
				vos_buf_release(&uri);
			}
			json_object_set_new(rule, "shortDescription", sd);
			json_array_append_new(rules, rule);
			ri = json_array_size(rules);
			vos_map_put(&index, x->rule, (void *)(uintptr_t)ri);
		}
		json_object_set_new(res, "ruleId", jstr(x->rule));
		json_object_set_new(res, "ruleIndex", json_integer((json_int_t)(ri - 1)));
		json_object_set_new(res, "level", json_string(x->severity == VOS_SEV_ERROR ? "error"
		                                              : x->severity == VOS_SEV_WARNING ? "warning" : "note"));
		json_object_set_new(msg, "text", jstr(x->message));
		json_object_set_new(res, "message", msg);
		if (x->waiver) {
			json_t *sup = json_array(), *so = json_object();
			json_object_set_new(so, "kind", json_string(x->waiver->in_page ? "inSource" : "external"));
			json_object_set_new(so, "status", json_string("accepted"));
			json_object_set_new(so, "justification", jstr(x->waiver->reason));
			if (x->waiver->file)
				json_object_set_new(so, "location", sarif_location(x->waiver->file, x->waiver->line,
				                                                    x->waiver->col));
			json_array_append_new(sup, so);
			json_object_set_new(res, "suppressions", sup);
		}
		if (x->baseline != VOS_BASELINE_NONE)
			json_object_set_new(res, "baselineState",
			                    json_string(x->baseline == VOS_BASELINE_NEW ? "new"
			                                : x->baseline == VOS_BASELINE_UNCHANGED ? "unchanged" : "absent"));
		if (x->file) {
			json_t *locs = json_array();
			json_array_append_new(locs, sarif_location(x->file, x->line, x->col));
			json_object_set_new(res, "locations", locs);
		}
		if (x->rel_file) {
			json_t *rel = json_array(), *l = sarif_location(x->rel_file, x->rel_line, x->rel_col);
			json_object_set_new(l, "id", json_integer(0));
			json_array_append_new(rel, l);
			json_object_set_new(res, "relatedLocations", rel);
		}
		json_array_append_new(results, res);
	}
	json_object_set_new(driver, "rules", rules);
	json_object_set_new(tool, "driver", driver);
	json_object_set_new(run, "tool", tool);
	json_object_set_new(run, "results", results);
	json_array_append_new(runs, run);
	json_object_set_new(root, "runs", runs);
	cli_json_dump(f, root);
	json_decref(root);
	vos_map_release(&index);
}

void cli_print_findings(FILE *f, enum cli_format format, const struct vos_diags *d, bool color, const char *suite)
{
	switch (format) {
	case CLI_FMT_JSON: print_json(f, d); break;
	case CLI_FMT_GITHUB: print_github(f, d); break;
	case CLI_FMT_JUNIT: print_junit(f, d, suite); break;
	case CLI_FMT_SARIF: print_sarif(f, d); break;
	default: cli_print_diags_text(f, d, color); break;
	}
}

/* ------------------------------------------------------------------ prom */

/* name="value" with the exposition format's escapes (backslash, double quote, line feed) */
static void prom_label(struct vos_buf *b, const char *name, const char *v, bool first)
{
	vos_buf_addf(b, "%s%s=\"", first ? "" : ",", name);
	for (; v && *v; v++) {
		if (*v == '\\' || *v == '"')
			vos_buf_addf(b, "\\%c", *v);
		else if (*v == '\n')
			vos_buf_adds(b, "\\n");
		else
			vos_buf_addc(b, *v);
	}
	vos_buf_addc(b, '"');
}

/* The label set of each declared target without its closing brace, distinct as Prometheus requires
 * of one metric's samples: service, host, address, port, the check kind and, for http(s), the path;
 * a declaration that repeats all of those gets decl="2", "3"... (in declaration order). Strings
 * live in a. */
static char **prom_label_sets(struct vos_arena *a, const struct vos_probe_target *targets,
                              const struct vos_probe_result *results, size_t n)
{
	char **sets = vos_arena_alloc(a, (n ? n : 1) * sizeof(*sets));
	struct vos_map seen;
	struct vos_buf b = VOS_BUF_INIT;
	size_t i;
	vos_map_init(&seen, false);
	for (i = 0; i < n; i++) {
		const struct vos_probe_result *r = &results[i];
		const struct vos_probe_target *t = &targets[i];
		char port[16];
		uintptr_t count;
		vos_buf_reset(&b);
		snprintf(port, sizeof(port), "%d", r->port);
		vos_buf_addc(&b, '{');
		prom_label(&b, "service", r->service, true);
		prom_label(&b, "host", r->host, false);
		prom_label(&b, "address", r->address, false);
		prom_label(&b, "port", port, false);
		prom_label(&b, "check", vos_probe_check_name(r->check), false);
		if (r->check == VOS_CHECK_HTTP || r->check == VOS_CHECK_HTTPS)
			prom_label(&b, "path", t->path ? t->path : "/", false);
		if (r->check == VOS_CHECK_DNS) {
			prom_label(&b, "proto", r->udp ? "udp" : "tcp", false);
			prom_label(&b, "query", r->query, false);
		}
		sets[i] = vos_arena_strndup(a, b.ptr, b.len);
		count = (uintptr_t)vos_map_get(&seen, sets[i]) + 1;
		vos_map_put(&seen, sets[i], (void *)count);
		if (count > 1) {
			char n[24];
			snprintf(n, sizeof(n), "%lu", (unsigned long)count);
			prom_label(&b, "decl", n, false);
		}
		sets[i] = vos_arena_strndup(a, b.ptr, b.len);
	}
	vos_map_release(&seen);
	vos_buf_release(&b);
	return sets;
}

static void prom_head(struct vos_buf *out, const char *name, const char *help)
{
	vos_buf_addf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

struct prom_count {
	const char *rule;
	enum vos_severity severity;
	size_t n;
};

static int prom_count_cmp(const void *a, const void *b)
{
	const struct prom_count *x = a, *y = b;
	int c = strcmp(x->rule, y->rule);
	return c ? c : (int)x->severity - (int)y->severity;
}

/* vosctl_findings{rule,severity}: how many findings of each rule and severity that count, sorted */
static void prom_findings(struct vos_buf *out, const struct vos_diags *d)
{
	struct prom_count *c = NULL;
	size_t nc = 0, alloc = 0, i, k;
	struct vos_buf b = VOS_BUF_INIT;
	for (i = 0; d && i < d->n; i++) {
		const struct vos_diag *x = &d->items[i];
		if (!vos_diag_counts(x)) /* waived, or known from the baseline */
			continue;
		for (k = 0; k < nc; k++)
			if (c[k].severity == x->severity && !strcmp(c[k].rule, x->rule))
				break;
		if (k == nc) {
			struct prom_count *p = VOS_PUSH(c, nc, alloc);
			p->rule = x->rule;
			p->severity = x->severity;
		}
		c[k].n++;
	}
	if (nc)
		qsort(c, nc, sizeof(*c), prom_count_cmp);
	for (k = 0; k < nc; k++) {
		vos_buf_reset(&b);
		prom_label(&b, "rule", c[k].rule, true);
		prom_label(&b, "severity", vos_severity_name(c[k].severity), false);
		vos_buf_addf(out, "vosctl_findings{%s} %zu\n", b.ptr, c[k].n);
	}
	vos_buf_release(&b);
	free(c);
}

void cli_prom_format(struct vos_buf *out, const struct cli_prom_doc *doc)
{
	size_t i, n = doc->results ? doc->n : 0;
	int s;
	struct vos_arena a;
	struct vos_buf b = VOS_BUF_INIT;
	char **labels;
	vos_arena_init(&a);
	labels = prom_label_sets(&a, doc->targets, doc->results, n);
	prom_head(out, "vosctl_probe_success", "Whether the probe succeeded (1 up, 0 otherwise).");
	for (i = 0; i < n; i++)
		vos_buf_addf(out, "vosctl_probe_success%s} %d\n", labels[i], doc->results[i].state == VOS_PROBE_UP);
	prom_head(out, "vosctl_probe_state", "The probe's outcome: 1 for its state (up, down, timeout, error, "
	          "skipped), 0 for the others.");
	for (i = 0; i < n; i++)
		for (s = 0; s < VOS_PROBE__NSTATES; s++)
			vos_buf_addf(out, "vosctl_probe_state%s,state=\"%s\"} %d\n", labels[i],
			             vos_probe_state_name((enum vos_probe_state)s), (int)doc->results[i].state == s);
	prom_head(out, "vosctl_probe_duration_seconds", "How long the probe took.");
	for (i = 0; i < n; i++)
		vos_buf_addf(out, "vosctl_probe_duration_seconds%s} %.6f\n", labels[i],
		             doc->results[i].latency_ms > 0 ? doc->results[i].latency_ms / 1000.0 : 0.0);
	prom_head(out, "vosctl_probe_http_status_code", "HTTP status code of the response (0 when none).");
	for (i = 0; i < n; i++)
		if (doc->results[i].check == VOS_CHECK_HTTP || doc->results[i].check == VOS_CHECK_HTTPS)
			vos_buf_addf(out, "vosctl_probe_http_status_code%s} %d\n", labels[i], doc->results[i].status);
	prom_head(out, "vosctl_probe_ssl_earliest_cert_expiry", "Earliest notAfter of the https peer's "
	          "certificate chain, in unix seconds (as blackbox_exporter's probe_ssl_earliest_cert_expiry).");
	for (i = 0; i < n; i++)
		if (doc->results[i].cert_expiry > 0)
			vos_buf_addf(out, "vosctl_probe_ssl_earliest_cert_expiry%s} %lld\n", labels[i],
			             doc->results[i].cert_expiry);
	prom_head(out, "vosctl_probe_skipped", "A target that was not probed (outside the probe scope, no "
	          "address, a name that does not resolve, unknown to Prometheus), with the reason.");
	for (i = 0; i < n; i++) {
		if (doc->results[i].probed)
			continue;
		vos_buf_reset(&b);
		prom_label(&b, "reason", doc->results[i].detail, true);
		vos_buf_addf(out, "vosctl_probe_skipped%s,%s} 1\n", labels[i], b.ptr);
	}
	prom_head(out, "vosctl_probe_undeclared_open", "An open port no service declares (probe --scan).");
	for (i = 0; i < doc->nundeclared; i++) {
		char port[16];
		snprintf(port, sizeof(port), "%d", doc->undeclared[i].port);
		vos_buf_reset(&b);
		prom_label(&b, "host", doc->undeclared[i].host, true);
		prom_label(&b, "address", doc->undeclared[i].address, false);
		prom_label(&b, "port", port, false);
		vos_buf_addf(out, "vosctl_probe_undeclared_open{%s} 1\n", b.ptr);
	}
	prom_head(out, "vosctl_findings", "Findings of vosctl validate (placement rules, integrity, probes), "
	          "per rule and severity.");
	prom_findings(out, doc->findings);
	vos_buf_release(&b);
	vos_arena_release(&a);
}

int cli_prom_output(const struct cli_prom_doc *doc, const char *path)
{
	struct vos_buf b = VOS_BUF_INIT;
	struct vos_err err = VOS_ERR_INIT;
	int rc = 0;
	cli_prom_format(&b, doc);
	if (!path) {
		fwrite(b.ptr, 1, b.len, stdout);
	} else {
		if (!vos_ends_with(path, ".prom"))
			cli_warning("'%s' does not end in .prom: node_exporter's textfile collector reads only *.prom files",
			            path);
		if (vos_file_write(path, b.ptr, b.len, 0, NULL, &err) < 0) {
			cli_error("%s", vos_err_msg(&err, "unable to write the metrics file"));
			rc = CLI_EXIT_OPFAIL;
		}
		vos_err_clear(&err);
	}
	vos_buf_release(&b);
	return rc;
}
