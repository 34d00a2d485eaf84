/* probe.c - vosctl probe: check every declared port inside the lab's probe scope, optionally scan
 * for undeclared open ports, print table / json / prom, save the results for render --with-status;
 * --plan prints what would be probed and connects to nothing. */
#include "cli.h"
#include "probe.h"
#include "check.h"
#include "waiver.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

struct probe_cmd {
	struct cli_ctx *ctx;
	struct vos_probe_target *targets;   /* declared targets, then scan targets */
	size_t ntargets, ndeclared;
	struct vos_probe_result *results;
	struct vos_probe_open *undeclared;
	size_t nundeclared, undeclared_alloc;
	bool scanned;
	bool progress_shown;
	struct vos_scope scope;
	bool scope_declared;
	size_t scan_refused;                /* hosts --scan did not scan (out of scope, ...) */
};

static void progress_cb(size_t done, size_t total, void *payload)
{
	struct probe_cmd *pc = payload;
	if (done < total) {
		fprintf(stderr, "\rprobing: %zu/%zu done", done, total);
		pc->progress_shown = true;
	} else if (pc->progress_shown) {
		fputs("\r\033[K", stderr);
		pc->progress_shown = false;
	}
	fflush(stderr);
}

/* ------------------------------------------------------------------ output */

static const char *state_color(int state)
{
	switch (state) {
	case VOS_PROBE_UP: return "\033[32m";
	case VOS_PROBE_DOWN: return "\033[31m";
	case VOS_PROBE_TIMEOUT: return "\033[33m";
	default: return "\033[35m";
	}
}

static void fmt_latency(char *buf, size_t len, const struct vos_probe_result *r)
{
	if (!r->probed)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f ms", r->latency_ms);
}

/* "22", or for a DNS check its transport: "53/udp", "53/tcp" (a server answers both) */
static void fmt_port(char *buf, size_t len, const struct vos_probe_result *r)
{
	if (r->check == VOS_CHECK_DNS)
		snprintf(buf, len, r->udp ? "%d/udp" : "%d/tcp", r->port);
	else
		snprintf(buf, len, "%d", r->port);
}

/* The detail column: the detail, then for https the certificate's days left. Allocated. */
static char *fmt_detail(const struct vos_probe_result *r)
{
	struct vos_buf b = VOS_BUF_INIT;
	if (r->status > 0)
		vos_buf_addf(&b, "%d", r->status);
	if (r->detail)
		vos_buf_addf(&b, "%s%s", b.len ? ", " : "", r->detail);
	if (r->cert_expiry > 0) {
		char iso[32];
		long long left = vos_probe_cert_days_left(r->cert_expiry, (long long)time(NULL));
		vos_time_iso(r->cert_expiry, iso, sizeof(iso));
		if (left < 0)
			vos_buf_addf(&b, "%scertificate expired %lld day%s ago (%s)", b.len ? ", " : "", -left,
			             left == -1 ? "" : "s", iso);
		else
			vos_buf_addf(&b, "%scertificate expires in %lld day%s (%s)", b.len ? ", " : "", left,
			             left == 1 ? "" : "s", iso);
	}
	return vos_buf_detach(&b, NULL);
}

static size_t host_rank(const struct vos_model *m, const char *host)
{
	struct vos_mhost *h = host ? vos_model_host(m, host) : NULL;
	return h ? (size_t)(h - m->hosts) : m->nhosts;
}

static void print_table(struct probe_cmd *pc)
{
	struct cli_ctx *ctx = pc->ctx;
	const struct vos_model *m = &ctx->lab.model;
	size_t n = pc->ndeclared, i, h, w_svc = 7, w_port = 4, w_check = 5, w_state = 5, w_lat = 7;
	size_t counts[VOS_PROBE__NSTATES] = {0};
	bool color = ctx->color;
	char lat[32];
	struct vos_arena a; /* escaped copies of what has control characters */
#define Q(s) vos_arena_escaped(&a, (s))
	vos_arena_init(&a);

	for (i = 0; i < n; i++) {
		const struct vos_probe_result *r = &pc->results[i];
		size_t l = r->service ? strlen(r->service) : 1;
		char portbuf[16];
		if (l > w_svc) w_svc = l;
		fmt_port(portbuf, sizeof(portbuf), r);
		if (strlen(portbuf) > w_port) w_port = strlen(portbuf);
		if (strlen(vos_probe_state_name(r->state)) > w_state) w_state = strlen(vos_probe_state_name(r->state));
		fmt_latency(lat, sizeof(lat), r);
		if (strlen(lat) > w_lat) w_lat = strlen(lat);
		counts[r->state]++;
	}
	/* grouped by host, in the model's host order; unplaced last */
	for (h = 0; h <= m->nhosts; h++) {
		bool header = false;
		for (i = 0; i < n; i++) {
			const struct vos_probe_result *r = &pc->results[i];
			char portbuf[16], *detail;
			if (host_rank(m, r->host) != h)
				continue;
			if (!header) {
				const char *addr = h < m->nhosts && m->hosts[h].inv ? m->hosts[h].inv->address : NULL;
				if (h < m->nhosts)
					printf("%s%s%s%s%s%s\n", color ? "\033[1m" : "", Q(m->hosts[h].name),
					       addr ? " (" : "", addr ? Q(addr) : "", addr ? ")" : "", color ? "\033[0m" : "");
				else
					printf("%s(unplaced)%s\n", color ? "\033[1m" : "", color ? "\033[0m" : "");
				printf("  %-*s  %-*s  %-*s  %-*s  %-*s  %s\n", (int)w_svc, "SERVICE", (int)w_port, "PORT",
				       (int)w_check, "CHECK", (int)w_state, "STATE", (int)w_lat, "LATENCY", "DETAIL");
				header = true;
			}
			fmt_latency(lat, sizeof(lat), r);
			fmt_port(portbuf, sizeof(portbuf), r);
			detail = fmt_detail(r);
			printf("  %-*s  %-*s  %-*s  %s%-*s%s  %*s  %s\n", (int)w_svc, r->service ? Q(r->service) : "-",
			       (int)w_port, portbuf, (int)w_check, vos_probe_check_name(r->check),
			       color ? state_color(r->state) : "", (int)w_state, vos_probe_state_name(r->state),
			       color ? "\033[0m" : "", (int)w_lat, lat, Q(detail));
			free(detail);
		}
		if (header)
			putchar('\n');
	}
	if (pc->scanned) {
		if (pc->nundeclared) {
			printf("%sundeclared open ports%s\n", color ? "\033[1m" : "", color ? "\033[0m" : "");
			for (i = 0; i < pc->nundeclared; i++)
				printf("  %s %s:%d\n", pc->undeclared[i].host ? Q(pc->undeclared[i].host) : "-",
				       Q(pc->undeclared[i].address), pc->undeclared[i].port);
			putchar('\n');
		} else {
			printf("no undeclared open ports\n\n");
		}
	}
	printf("%zu target%s: %zu up, %zu down, %zu timeout, %zu error, %zu skipped", n, n == 1 ? "" : "s",
	       counts[VOS_PROBE_UP], counts[VOS_PROBE_DOWN], counts[VOS_PROBE_TIMEOUT], counts[VOS_PROBE_ERROR],
	       counts[VOS_PROBE_SKIPPED]);
	if (pc->scanned)
		printf(", %zu undeclared open", pc->nundeclared);
	if (pc->scan_refused)
		printf(", %zu host%s not scanned", pc->scan_refused, pc->scan_refused == 1 ? "" : "s");
	putchar('\n');
#undef Q
	vos_arena_release(&a);
}

/* prom: the one prom formatter (output.c) with the results and validate's findings (the lab's
 * integrity and placement rules, what the results make of them, certificates; waivers applied) */
static int print_prom(struct probe_cmd *pc, const char *output)
{
	struct cli_ctx *ctx = pc->ctx;
	struct cli_prom_doc doc;
	struct vos_diags findings;
	int rc;
	vos_diags_init(&findings);
	vos_check_model(&ctx->lab.model, &findings);
	vos_probe_lab_findings(&ctx->lab, pc->results, pc->ndeclared, (long long)time(NULL), &findings);
	vos_waivers_apply_today(&ctx->lab.model, &findings); /* as validate: a waived one does not count */
	memset(&doc, 0, sizeof(doc));
	doc.targets = pc->targets;
	doc.results = pc->results;
	doc.n = pc->ndeclared;
	doc.undeclared = pc->undeclared;
	doc.nundeclared = pc->nundeclared;
	doc.findings = &findings;
	rc = cli_prom_output(&doc, output);
	vos_diags_release(&findings);
	return rc;
}

/* ------------------------------------------------------------------ scan */

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Adds scan targets (tcp, service NULL) for each selected host's ports no service declares there;
 * a host whose address is outside the scope (or does not resolve) is not scanned: a warning, and
 * counted in scan_refused. Returns VOS_EIO when the resolver could not be set up. */
static int add_scan_targets(struct probe_cmd *pc, const int *ports, size_t nports,
                            const struct vos_probe_filter *f, const struct vos_probe_target *all,
                            size_t nall, size_t *alloc, int timeout_ms, struct vos_err *errp)
{
	const struct vos_model *m = &pc->ctx->lab.model;
	struct vos_probe_target *hp = vos_calloc(m->nhosts ? m->nhosts : 1, sizeof(*hp));
	size_t h, i, k;
	int err;
	/* each host's address, decided like any target (names resolved, the scope applied) */
	for (h = 0; h < m->nhosts; h++)
		hp[h].address = m->hosts[h].inv ? m->hosts[h].inv->address : NULL;
	if ((err = vos_probe_plan(hp, m->nhosts, &pc->scope, pc->scope_declared, pc->ctx->lab.config.probe_dns,
	                          timeout_ms, false, errp)) < 0) {
		free(hp);
		return err;
	}
	for (h = 0; h < m->nhosts; h++) {
		const struct vos_mhost *mh = &m->hosts[h];
		const char *addr = hp[h].address;
		int *declared = NULL;
		size_t nd = 0, nda = 0;
		bool sel = !f->nhosts && !f->nservices && !f->nclasses;
		char why[200];
		if (!addr)
			continue;
		for (i = 0; i < f->nhosts && !sel; i++)
			sel = vos_streq(f->hosts[i], mh->name);
		/* --service/--class select the hosts of the services they select */
		for (i = 0; i < pc->ndeclared && !sel && !f->nhosts; i++)
			sel = vos_streq(pc->targets[i].host, mh->name);
		if (!sel)
			continue;
		if (hp[h].decision != VOS_PLAN_PROBE) {
			cli_warning("not scanning '%s': %s", mh->name, vos_probe_decision_text(&hp[h], why, sizeof(why)));
			pc->scan_refused++;
			continue;
		}
		/* every port any service declares at this address, selected or not */
		for (i = 0; i < nall; i++)
			if (vos_streq(all[i].address, addr))
				*VOS_PUSH(declared, nd, nda) = all[i].port;
		qsort(declared, nd, sizeof(*declared), cmp_int);
		for (k = 0; k < nports; k++) {
			struct vos_probe_target *t;
			if (nd && bsearch(&ports[k], declared, nd, sizeof(*declared), cmp_int))
				continue;
			t = VOS_PUSH(pc->targets, pc->ntargets, *alloc);
			t->host = mh->name;
			t->address = addr;
			t->port = ports[k];
			t->check = VOS_CHECK_TCP;
			t->decision = VOS_PLAN_PROBE;
			t->has_ip = true;
			t->ip = hp[h].ip;
		}
		free(declared);
	}
	free(hp);
	return 0;
}

/* ------------------------------------------------------------------ --plan */

static const char *decision_word(const struct vos_probe_target *t)
{
	return t->decision == VOS_PLAN_PROBE ? "probe" : "skip";
}

/* Every declared target, its resolved address and the decision; returns how many are not probed. */
static size_t print_plan(struct probe_cmd *pc, bool json)
{
	struct vos_arena a;
	size_t i, nskip = 0;
	char *scope = vos_probe_scope_text(&pc->scope);
	json_t *root = json ? json_object() : NULL, *arr = json ? json_array() : NULL, *sc = NULL;
#define Q(s) vos_arena_escaped(&a, (s))
	vos_arena_init(&a);
	if (json) {
		char buf[64];
		sc = json_array();
		for (i = 0; i < pc->scope.n; i++)
			json_array_append_new(sc, json_string(vos_cidr_format(&pc->scope.nets[i], buf, sizeof(buf))));
		json_object_set_new(root, "scope", sc);
		json_object_set_new(root, "scope_declared", json_boolean(pc->scope_declared));
	} else {
		printf("scope: %s\n", scope);
	}
	for (i = 0; i < pc->ndeclared; i++) {
		const struct vos_probe_target *t = &pc->targets[i];
		char ip[64] = "-", why[200];
		if (t->has_ip)
			vos_ip_format(&t->ip, ip, sizeof(ip));
		vos_probe_decision_text(t, why, sizeof(why));
		nskip += t->decision != VOS_PLAN_PROBE;
		if (json) {
			json_t *o = json_object();
			json_object_set_new(o, "service", t->service ? json_string(t->service) : json_null());
			json_object_set_new(o, "host", t->host ? json_string(t->host) : json_null());
			json_object_set_new(o, "address", t->address ? json_string(t->address) : json_null());
			json_object_set_new(o, "port", json_integer(t->port));
			json_object_set_new(o, "check", json_string(vos_probe_check_name(t->check)));
			json_object_set_new(o, "resolved", t->has_ip ? json_string(ip) : json_null());
			json_object_set_new(o, "decision", json_string(decision_word(t)));
			json_object_set_new(o, "reason", json_string(why));
			json_array_append_new(arr, o);
		} else {
			printf("%s %s %s:%d %s -> %s: %s%s%s\n", t->service ? Q(t->service) : "-",
			       t->host ? Q(t->host) : "-", t->address ? Q(t->address) : "-", t->port,
			       vos_probe_check_name(t->check), ip, decision_word(t), *why ? ", " : "", Q(why));
		}
	}
	if (json) {
		char *dump;
		json_object_set_new(root, "targets", arr);
		dump = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (!dump)
			vos_die_oom();
		printf("%s\n", dump);
		free(dump);
		json_decref(root);
	} else {
		printf("%zu target%s: %zu to probe, %zu not\n", pc->ndeclared, pc->ndeclared == 1 ? "" : "s",
		       pc->ndeclared - nskip, nskip);
	}
#undef Q
	vos_arena_release(&a);
	free(scope);
	return nskip;
}

/* ------------------------------------------------------------------ the command */

void cli_probe_raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl); /* best effort: the engine sizes itself to what it gets */
	}
}

void cli_probe_scope_warn(bool declared, const struct vos_scope *scope)
{
	const char *env = getenv("VOSCTL_PROBE_SCOPE");
	if (!declared)
		cli_warning("nothing is probed: the lab declares no VLAN and no probe.scope (see docs/security.md)");
	else if (!scope->n && env && !env[strspn(env, ", \t")])
		cli_warning("nothing is probed: VOSCTL_PROBE_SCOPE is set but empty (it only narrows the scope; "
		            "unset it to probe the lab's)");
	else if (!scope->n)
		cli_warning("nothing is probed: the probe scope is empty after --scope and VOSCTL_PROBE_SCOPE");
}

/* Whether every diagnostic is a header whose environment variable is not set */
static bool only_header_env(const struct vos_diags *d)
{
	size_t i;
	for (i = 0; i < d->n; i++)
		if (!d->items[i].rule || strcmp(d->items[i].rule, "probe-header-env"))
			return false;
	return d->n > 0 && !d->dropped;
}

int cli_cmd_probe(struct cli_ctx *ctx, int argc, const char **argv)
{
	struct cli_strlist hosts = {0}, services = {0}, classes = {0}, scopes = {0};
	const char *scan = NULL, *cacert = NULL, *format = NULL, *output = NULL;
	int timeout = 0, concurrency = 0, deadline = 0, insecure = 0, no_save = 0, plan = 0;
	struct cli_opt opts[] = {
		CLI_OPT_GROUP("selection (repeatable; none means everything)"),
		CLI_OPT_LIST(0, "host", &hosts, "HOST", "probe the services of this host"),
		CLI_OPT_LIST(0, "service", &services, "ID", "probe this service"),
		CLI_OPT_LIST(0, "class", &classes, "CLASS", "probe services of this class"),
		CLI_OPT_GROUP("probing"),
		CLI_OPT_LIST(0, "scope", &scopes, "CIDR", "probe only inside these networks (repeatable; narrows the lab's scope)"),
		CLI_OPT_FLAG(0, "plan", &plan, "print every target, its address and the scope decision; connect to nothing"),
		CLI_OPT_INT(0, "timeout", &timeout, "MS", "per-target timeout (default 2000)"),
		CLI_OPT_INT(0, "deadline", &deadline, "MS", "overall deadline of the run (default 60000)"),
		CLI_OPT_INT(0, "concurrency", &concurrency, "N", "targets in flight at once (default 1024)"),
		CLI_OPT_STRING(0, "cacert", &cacert, "FILE", "verify https against this CA bundle"),
		CLI_OPT_FLAG(0, "insecure", &insecure, "https: do not verify the certificate"),
		CLI_OPT_STRING(0, "scan", &scan, "PORTS", "also report open ports no service declares (1-1024,8080)"),
		CLI_OPT_GROUP("output"),
		CLI_OPT_STRING(0, "format", &format, "FMT", "table (default), json or prom"),
		CLI_OPT_STRING(0, "output", &output, "FILE", "with --format prom: write a textfile-collector file atomically"),
		CLI_OPT_FLAG(0, "no-save", &no_save, "do not save the results to the status file"),
		CLI_OPT_END(),
	};
	struct probe_cmd pc;
	struct vos_probe_filter filter;
	struct vos_probe_target *declared = NULL, *all = NULL;
	struct vos_probe_options po;
	int *ports = NULL;
	size_t nports = 0, nall = 0, alloc, i;
	struct vos_err oerr = VOS_ERR_INIT;
	int rc, err, fmt;
	bool all_up = true;

	memset(&pc, 0, sizeof(pc));
	pc.ctx = ctx;
	vos_scope_init(&pc.scope);
	rc = cli_parse_options(ctx, argc, argv, opts);
	if (rc < 0) {
		rc = rc == -2 ? CLI_EXIT_CLEAN : CLI_EXIT_USAGE;
		goto out;
	}
	fmt = !format || !strcmp(format, "table") ? 0
	      : !strcmp(format, "json") ? 1 : !strcmp(format, "prom") ? 2 : -1;
	if (fmt < 0) {
		cli_error("unknown format '%s' (expected table, json or prom)", format);
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	if (timeout < 0 || concurrency < 0 || deadline < 0 || (insecure && cacert)) {
		cli_error(insecure && cacert ? "--insecure and --cacert cannot be used together"
		                             : "--timeout, --deadline and --concurrency must be positive");
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	if (output && fmt != 2) {
		cli_error("--output needs --format prom");
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	if (plan && fmt == 2) {
		cli_error("--plan prints table or json, not prom");
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	if (cacert && !vos_is_file(cacert)) {
		cli_error("unable to read CA bundle '%s'", cacert);
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	if (scan && vos_probe_parse_ports(&ports, &nports, scan, &oerr) < 0) {
		cli_error("%s", oerr.msg);
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	if ((rc = cli_ctx_load(ctx)) != 0)
		goto out;

	memset(&filter, 0, sizeof(filter));
	filter.hosts = hosts.items;
	filter.nhosts = hosts.n;
	filter.services = services.items;
	filter.nservices = services.n;
	filter.classes = classes.items;
	filter.nclasses = classes.n;
	{
		struct vos_diags d;
		vos_diags_init(&d);
		err = vos_probe_targets_from_model(&declared, &pc.ndeclared, &ctx->lab.model, &filter, &d);
		if (err < 0 && plan && only_header_env(&d)) {
			/* --plan sends nothing, so it needs no header's secret: what the probe would refuse
			 * is said as a warning, and the plan shown */
			for (i = 0; i < d.n; i++)
				d.items[i].severity = VOS_SEV_WARNING;
			cli_print_diags_text(stderr, &d, ctx->color_err);
			vos_diags_release(&d);
			vos_diags_init(&d);
			err = vos_probe_targets_from_model(&declared, &pc.ndeclared, &ctx->lab.model, &filter, NULL);
		}
		if (err < 0) {
			cli_print_diags_text(stderr, &d, ctx->color_err);
			vos_diags_release(&d);
			rc = CLI_EXIT_USAGE;
			goto out;
		}
		vos_diags_release(&d);
		if (scan && vos_probe_targets_from_model(&all, &nall, &ctx->lab.model, NULL, NULL) < 0) {
			rc = CLI_EXIT_USAGE;
			goto out;
		}
	}
	/* one array: declared targets first, then the scan's */
	pc.targets = declared;
	pc.ntargets = pc.ndeclared;
	alloc = pc.ndeclared;
	declared = NULL;
	vos_probe_options_init(&po);
	po.timeout_ms = timeout ? timeout : ctx->lab.config.probe_timeout_ms > 0 ? ctx->lab.config.probe_timeout_ms : 2000;
	/* the scope, and every declared target decided before anything is sent; names are resolved
	 * now for --plan, else by the run while it probes the addresses already decided */
	err = vos_probe_plan_lab(&pc.scope, &pc.scope_declared, pc.targets, pc.ndeclared, &ctx->lab,
	                         scopes.items, scopes.n, getenv("VOSCTL_PROBE_SCOPE"), po.timeout_ms, !plan,
	                         &oerr);
	if (err < 0) {
		cli_error("%s", vos_err_msg(&oerr, "unable to plan the probe"));
		rc = err == VOS_EINPUT ? CLI_EXIT_USAGE : CLI_EXIT_OPFAIL;
		goto out;
	}
	cli_probe_scope_warn(pc.scope_declared, &pc.scope);
	if (plan) {
		rc = print_plan(&pc, fmt == 1) ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAN;
		goto out;
	}
	if (scan) {
		pc.scanned = true;
		if ((err = add_scan_targets(&pc, ports, nports, &filter, all, nall, &alloc, po.timeout_ms, &oerr)) < 0) {
			cli_error("%s", vos_err_msg(&oerr, "unable to plan the scan"));
			rc = CLI_EXIT_OPFAIL;
			goto out;
		}
	}
	po.scope = &pc.scope;
	po.concurrency = concurrency ? concurrency
	                 : ctx->lab.config.probe_concurrency > 0 ? ctx->lab.config.probe_concurrency : 1024;
	if (scan && !concurrency && po.concurrency < 4096)
		po.concurrency = 4096;
	po.deadline_ms = deadline;
	po.dns = ctx->lab.config.probe_dns;
	po.cacert = cacert ? cacert : insecure ? NULL : ctx->lab.config.probe_cacert;
	po.insecure = insecure;
	if (fmt == 0 && isatty(2)) {
		po.progress = progress_cb;
		po.payload = &pc;
	}
	pc.results = vos_calloc(pc.ntargets ? pc.ntargets : 1, sizeof(*pc.results));
	cli_probe_raise_nofile();
	err = vos_probe_run(pc.results, pc.targets, pc.ntargets, &po, &oerr);
	if (err < 0) {
		cli_error("%s", vos_err_msg(&oerr, "probe failed"));
		rc = CLI_EXIT_OPFAIL;
		goto out;
	}
	for (i = pc.ndeclared; i < pc.ntargets; i++) {
		struct vos_probe_open *u;
		if (pc.results[i].state != VOS_PROBE_UP)
			continue;
		u = VOS_PUSH(pc.undeclared, pc.nundeclared, pc.undeclared_alloc);
		u->host = pc.results[i].host;
		u->address = pc.results[i].address;
		u->port = pc.results[i].port;
	}
	for (i = 0; i < pc.ndeclared; i++)
		if (pc.results[i].state != VOS_PROBE_UP)
			all_up = false;

	if (fmt == 1) {
		char *json = vos_probe_results_json(pc.results, pc.ndeclared, pc.undeclared, pc.nundeclared,
		                                    pc.scanned);
		fputs(json, stdout);
		free(json);
	} else if (fmt == 2) {
		rc = print_prom(&pc, output);
	} else {
		print_table(&pc);
	}
	if (rc == 0)
		rc = all_up && !pc.nundeclared && !pc.scan_refused ? CLI_EXIT_CLEAN : CLI_EXIT_FINDINGS;

	if (!no_save && ctx->lab.config.status_file) {
		if (vos_probe_results_save(ctx->lab.config.status_file, pc.results, pc.ndeclared, pc.undeclared,
		                           pc.nundeclared, pc.scanned, &oerr) < 0) {
			cli_error("%s", vos_err_msg(&oerr, "unable to save the probe results"));
			rc = CLI_EXIT_OPFAIL;
		}
	}

out:
	if (pc.results)
		vos_probe_result_release_array(pc.results, pc.ntargets);
	free(pc.results);
	free(pc.targets);
	free(pc.undeclared);
	free(declared);
	free(all);
	free(ports);
	vos_err_clear(&oerr);
	cli_strlist_release(&hosts);
	cli_strlist_release(&services);
	cli_strlist_release(&classes);
	cli_strlist_release(&scopes);
	vos_scope_release(&pc.scope);
	return rc;
}
