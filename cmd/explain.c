/* explain.c - vosctl explain [RULE-ID]: what a built-in check or a lab's own rule checks, the page
 * text it enforces, why it matters and how to fix a finding (lib/ruledoc.c for the built-in ones,
 * the inventory's rules for the lab's). */
#include "cli.h"
#include "ruledoc.h"

#include <stdlib.h>
#include <string.h>

static void print_builtin(const struct vos_ruledoc *d)
{
	struct vos_buf a = VOS_BUF_INIT;
	vos_ruledoc_anchor(&a, d->id);
	printf("%s (built-in check, %s)\n\n", d->id, d->severity);
	printf("checks:   %s\n", d->summary);
	printf("page:     %s\n", d->page ? d->page : "(no page text: an integrity check of the lab)");
	printf("why:      %s\n", d->why);
	printf("fix:      %s\n", d->fix);
	printf("docs:     %s\n", a.ptr);
	vos_buf_release(&a);
}

static void print_lab_rule(const struct vos_lab *lab, const struct vos_rule *r)
{
	const struct vos_page_rule *pr = NULL;
	size_t i;
	for (i = 0; r->page_rule && i < lab->page.nrules; i++)
		if (lab->page.rules[i].number == r->page_rule)
			pr = &lab->page.rules[i];
	printf("%s (the lab's rule, %s; %s:%u)\n\n", r->id, vos_severity_name(r->severity),
	       r->loc.file ? r->loc.file : "?", r->loc.line);
	printf("checks:   %s (assert %s)\n", r->text ? r->text : r->id, vos_assert_kind_name(r->assert_kind));
	if (pr)
		printf("page:     rule %d: %s\n", pr->number, pr->text);
	else if (r->page_rule)
		printf("page:     rule %d (the page has no such rule: rule-unstated)\n", r->page_rule);
	else if (r->page_text)
		printf("page:     \"%s\"\n", r->page_text);
	else
		printf("page:     (not stated on the page: rule-unstated)\n");
	printf("why:      the page states it; this rule is how the lab keeps the page true\n");
	printf("fix:      %s\n", r->help ? r->help
	       : "move the service to where the rule allows it, change what it is (class, traits, exposure), "
	         "or change the rule and the page together");
	printf("docs:     docs/rules.md (the rules language)\n");
}

int cli_cmd_explain(struct cli_ctx *ctx, int argc, const char **argv)
{
	struct cli_opt opts[] = {CLI_OPT_END()};
	const struct vos_ruledoc *docs, *d;
	const char *id, *hint;
	size_t n, i;
	int rc, na = cli_parse_options(ctx, argc, argv, opts);
	if (na < 0)
		return na == -2 ? 0 : CLI_EXIT_USAGE;
	docs = vos_ruledocs(&n);
	id = na ? argv[0] : NULL;
	if (id && (d = vos_ruledoc_find(id)) != NULL) {
		print_builtin(d);
		return 0;
	}
	rc = cli_ctx_load(ctx); /* the lab's own rules */
	if (!id) {
		printf("built-in checks:\n");
		for (i = 0; i < n; i++)
			printf("    %-24s %s\n", docs[i].id, docs[i].summary);
		if (rc) {
			cli_warning("the lab could not be loaded: its own rules are not listed");
			return 0;
		}
		printf("\nthe lab's rules:\n");
		for (i = 0; i < ctx->lab.inv.nrules; i++)
			printf("    %-24s %s\n", ctx->lab.inv.rules[i].id ? ctx->lab.inv.rules[i].id : "?",
			       ctx->lab.inv.rules[i].text ? ctx->lab.inv.rules[i].text : "");
		if (!ctx->lab.inv.nrules)
			printf("    (none)\n");
		printf("\n'vosctl explain RULE-ID' explains one\n");
		return 0;
	}
	for (i = 0; !rc && i < ctx->lab.inv.nrules; i++)
		if (vos_streq(ctx->lab.inv.rules[i].id, id)) {
			print_lab_rule(&ctx->lab, &ctx->lab.inv.rules[i]);
			return 0;
		}
	hint = vos_ruledoc_suggest(id, rc ? NULL : &ctx->lab.inv);
	if (hint)
		cli_error("unknown rule '%s'; did you mean '%s'? ('vosctl explain' lists them)", id, hint);
	else
		cli_error("unknown rule '%s' ('vosctl explain' lists them)%s", id,
		          rc ? "; the lab could not be loaded, so its own rules are not known" : "");
	return CLI_EXIT_USAGE;
}
