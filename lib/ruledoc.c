/* ruledoc.c - the built-in finding ids explained (ruledoc.h). Keep the table sorted by id; a unit
 * test (test_ruledoc) checks that every id lib/ emits is here and that docs/rules.md has its section. */
#include "ruledoc.h"
#include "inventory.h"

#include <stdlib.h>
#include <string.h>

#define PAGE_RULE "If it's not here, it doesn't exist"

static const struct vos_ruledoc docs[] = {
	{"address-invalid", "error", "an address in the page's IP column is not an IPv4 or IPv6 address or a host name",
	 NULL, "vosctl cannot compare, probe or render an address it cannot read.",
	 "write the address as 192.0.2.10, 2001:db8::10 or a DNS name, or a placeholder such as <LAN_IP>"},
	{"address-mismatch", "error", "a service's address on the page differs from its address in the inventory",
	 PAGE_RULE, "the page is the authority people read; a stale address sends them to the wrong machine.",
	 "correct the page's IP cell or the inventory's address (vosctl render --write takes the inventory's)"},
	{"address-outside-vlan", "error", "a host's address is outside the CIDR of the VLAN it is on", NULL,
	 "an address outside its VLAN is a typo or a host on the wrong network; the probe scope would skip it.",
	 "fix the host's address or its vlan, or the VLAN's cidr"},
	{"address-shared", "error", "two hosts of the inventory have the same address", NULL,
	 "one address answers for one machine: the second entry is a copy-paste or a stale host.",
	 "give each host its own address, or remove the stale host"},
	{"baseline", "error", "a baseline file (validate --baseline/--write-baseline) cannot be read as one", NULL,
	 "a baseline that cannot be read would hide nothing and report everything, or the reverse.",
	 "write it again with vosctl validate --write-baseline FILE"},
	{"bind-exposed", "error", "a service binds every interface (0.0.0.0 or ::) on a host attached to a VLAN a rule says it must not be exposed on",
	 NULL, "a wildcard bind answers on every network the host is on: the VLAN rule holds only on paper.",
	 "bind the service to the address of the VLAN it serves (--host ADDR), or move it to a host outside the forbidden VLAN"},
	{"config", "error", "vosctl.yaml has a syntax error, an unknown key or a bad value", NULL,
	 "the configuration says where the page and the inventory are: without it nothing can be checked.",
	 "fix the key named in the message (docs/configuration.md)"},
	{"config-read", "error", "vosctl.yaml could not be read", NULL,
	 "an unreadable configuration is unusable input, never a pass.", "check the file's path and permissions"},
	{"depends-cycle", "error", "services depend on each other in a cycle (or a service on itself)", NULL,
	 "a cycle cannot start from cold: after a power cut nothing in it comes up first.",
	 "break the cycle: remove the depends_on entry that is not a real start-up dependency"},
	{"depends-unknown", "error", "a depends_on entry names no service of the inventory", NULL,
	 "a dependency on nothing is a typo or a service that was removed; the dependency graph is wrong.",
	 "write the service's id as the inventory has it, or drop the entry"},
	{"front-matter", "error", "the page's Wiki.js front matter is not valid", NULL,
	 "Wiki.js imports a page with broken front matter as plain text, front matter included.",
	 "fix the YAML between the two '---' lines"},
	{"host-inventory-only", "error", "a host is in the inventory but the page does not name it", PAGE_RULE,
	 "the page decides what exists: a host it does not name does not exist.",
	 "add the host's heading and table to the page, or remove the host from the inventory"},
	{"host-page-only", "error", "a host is on the page but not in the inventory", PAGE_RULE,
	 "the inventory has the details (address, VLAN, traits) every check needs.",
	 "add the host to the inventory's hosts:"},
	{"host-unknown", "error", "a service names a host neither the page nor the inventory knows", NULL,
	 "the service would be placed nowhere.", "write the host's name as the inventory has it"},
	{"init-homepage", "error", "vosctl init was given a Homepage services.yaml that is not a list of groups",
	 NULL, "init reads Homepage's documented shape only: anything else would be guessed wrong.",
	 "give the services.yaml Homepage itself reads (- Group: [- Name: {href: ...}])"},
	{"init-no-host", "warning", "vosctl init found a services row under no host heading",
	 NULL, "a service must run somewhere: init cannot place a row the page does not place.",
	 "put the table under a heading that names its host (### NAME (Role) or ## Plane (NAME))"},
	{"init-unit", "warning", "vosctl init could not read a systemd unit file",
	 NULL, "an unreadable unit gives nothing; the service is written without its launch details.",
	 "check the file's permissions, or fill in launch: by hand"},
	{"init-unmatched", "warning", "a unit file or Homepage entry given to vosctl init matches no service of the page",
	 PAGE_RULE, "init starts from the page: a service only the unit or Homepage knows is not on the page, so it does not exist yet.",
	 "add the service to the page, run init again in an empty directory, or add its details by hand"},
	{"inventory-dir", "error", "the inventory directory cannot be opened or holds no file", NULL,
	 "no inventory, no checks: that is unusable input, never a pass.",
	 "check inventory: in vosctl.yaml (or --inventory)"},
	{"inventory-duplicate-id", "error", "two VLANs, hosts, services or rules of the inventory have one id", NULL,
	 "references by id would be ambiguous.", "rename or remove one of the two"},
	{"inventory-duplicate-name", "error", "two services on one host have one display name", NULL,
	 "the page names a service by its display name under its host: it could not tell them apart.",
	 "give one of them another name:"},
	{"inventory-missing", "error", "a service is on the page but no inventory entry describes it", PAGE_RULE,
	 "a service without an entry has no ports, launch or traits: no rule can check it.",
	 "add the service to the inventory (id, name, class, ports), or remove its row"},
	{"inventory-missing-key", "error", "an inventory mapping lacks a required key", NULL,
	 "an entry without its required keys cannot be checked.", "add the key named in the message (docs/inventory.md)"},
	{"inventory-read", "error", "an inventory file could not be read", NULL,
	 "an unreadable file is unusable input, never a pass.", "check the file's permissions"},
	{"inventory-type", "error", "an inventory value has the wrong type (a list where a string belongs...)", NULL,
	 "a value of the wrong type is dropped, and the check that needs it would be silently weaker.",
	 "write the value in the type docs/inventory.md gives"},
	{"inventory-unknown-key", "error", "an inventory mapping has a key vosctl does not know", NULL,
	 "an unknown key is usually a typo of a known one, whose value is then ignored.",
	 "fix the key's spelling or remove it"},
	{"inventory-value", "error", "an inventory value is invalid (an id's syntax, a range, a date, an assert kind)", NULL,
	 "an invalid value cannot be checked.", "fix the value as the message says"},
	{"launch-port-mismatch", "error", "a service's launch.exec names a port (--port, --listen, *_PORT=, *_HOST=ADDR:PORT) that none of its declared ports covers",
	 NULL, "the command line is the evidence of what listens: a declared port that differs is probed, rendered and clash-checked wrongly.",
	 "declare the port the command line uses, or fix the command line"},
	{"page-duplicate", "error", "a service is listed twice on the page", PAGE_RULE,
	 "one service runs in one place; two rows contradict each other.", "remove one of the rows"},
	{"page-heading-host", "warning", "a heading looks like it names a host (\"Infrastructure - hal\", \"alexandria: Storage\") but is not in the form the parser reads",
	 NULL, "the rows under it would belong to no host (or to the previous one): placement checks would be wrong.",
	 "write the host in parentheses: ## Infrastructure (hal), or ### alexandria (Storage)"},
	{"page-heading-level", "warning", "a host heading is deeper than the host heading above it (#### napster under ### mothership)",
	 NULL, "read as a sub-section, its rows would be counted as the other host's: bogus placement mismatches and port clashes.",
	 "give every host heading the same level (docs/page-format.md)"},
	{"page-leak", "error", "a page about to be written, committed or published holds a redacted value (an address, a home path, a secret) or something shaped like a credential",
	 NULL, "a wiki page is read by more people than the inventory: a token or a private address on it is leaked for good.",
	 "replace the value by its placeholder (render --write does it under render.redact), and rotate a credential that was exposed"},
	{"page-no-tables", "warning", "the page has no services table (a table with a Service column)", PAGE_RULE,
	 "without a table the page places nothing, and every service is unlisted.",
	 "check that the page is the services page and its tables have a 'Service' column"},
	{"page-read", "error", "the services page could not be read", NULL,
	 "an unreadable page is unusable input, never a pass.", "check page: in vosctl.yaml (or --page)"},
	{"page-size", "error", "the page is larger than vosctl's limit", NULL,
	 "a bound keeps a runaway file from exhausting memory.", "split the page, or check that it is the right file"},
	{"page-table-break", "warning", "rows after a blank line in a services table: Markdown ends the table at the blank line, so they are not rows",
	 NULL, "a reader sees them as rows, vosctl does not: the services would be 'not on the page' and render would add twins.",
	 "remove the blank line inside the table"},
	{"page-table-no-host", "warning", "a services table sits under no heading that names a host",
	 NULL, "its services are placed nowhere: no placement rule can check them.",
	 "put the table under a host heading (### NAME (Role)), or name the host in the section heading (## Plane (NAME))"},
	{"page-unlisted", "error", "a service is in the inventory but not on the page", PAGE_RULE,
	 "if it's not on the page, it doesn't exist: an unlisted service is one nobody knows about.",
	 "add its row to its host's table (vosctl render --write does), or remove it from the inventory"},
	{"placement-mismatch", "error", "a service is on one host on the page and on another in the inventory",
	 PAGE_RULE, "the page decides where a service runs; the inventory must agree.",
	 "move the row, or correct the service's host: in the inventory"},
	{"plane-mismatch", "error", "a host is in one plane on the page and another in the inventory", NULL,
	 "planes group hosts by role; rules select by plane.", "correct the host's plane: or its heading"},
	{"port-clash", "error", "two services on one host (and address) declare the same port and protocol", NULL,
	 "only one of them can listen: the other fails to start, or both answer at random after a restart.",
	 "move one service to another port, or give it its own address (a port's address:)"},
	{"probe-cert-expired", "error", "an https check's certificate has expired",
	 NULL, "clients refuse the service: it is down for everyone who verifies certificates.",
	 "renew the certificate (and check the renewal job)"},
	{"probe-cert-expiring", "warning", "an https check's certificate expires within probe.tls_expiry_days (default 14)",
	 NULL, "a certificate that expires unnoticed takes the service down on a fixed date.",
	 "renew it now, or fix the renewal job; set probe.tls_expiry_days to tune the warning"},
	{"probe-dependency-down", "error", "a probed port is down while services that depend on it are up", NULL,
	 "the services above it are up but broken: their users see errors, not an outage.",
	 "bring the dependency up (vosctl probe shows each port's state and detail)"},
	{"probe-down", "error", "a declared port did not answer the probe (down, timeout or a bad status)", NULL,
	 "a declared service that does not answer is an outage, or a stale entry.",
	 "start the service, or fix its declared port or check"},
	{"probe-header-env", "error", "an HTTP check's header takes its value from an environment variable that is not set",
	 NULL, "without the header the check would probe as someone else (no auth): a wrong answer, never a pass.",
	 "export the variable before probing (its value is never printed), or drop the header"},
	{"probe-not-probed", "error", "a declared port was not probed (out of the probe scope, unresolvable)", NULL,
	 "no false green: a check that could not run is a finding, never a pass.",
	 "widen probe.scope in vosctl.yaml, fix the name's DNS, or declare the port's check: none"},
	{"probe-nothing", "error", "a probe run had nothing to probe", NULL,
	 "a run that probed nothing proves nothing.", "declare ports with a check, and a probe scope that holds them"},
	{"probe-select", "error", "a probe filter (--host, --service, --class) names nothing in the model", NULL,
	 "a filter that matches nothing would probe nothing and report green.", "fix the name given"},
	{"purpose-drift", "warning", "a service's purpose differs between the page and the inventory",
	 NULL, "two sources that disagree mean one is stale; readers of the generated pages see the authoritative one only.",
	 "make them agree, or let render do it: render.authority says which side wins (page by default)"},
	{"role-mismatch", "warning", "a host's role on the page (in its heading's parentheses) differs from its role in the inventory", NULL,
	 "the heading is what readers of the wiki see: a stale one describes a machine that is not there any more.",
	 "correct the heading, or the host's role: in the inventory"},
	{"rule-mismatch", "warning", "a rule implements a page rule about a host it never names", NULL,
	 "the page rule and the machine rule are about different things: one of them drifted.",
	 "name the page rule's host in the machine rule, or fix page_rule"},
	{"rule-unenforced", "warning", "a numbered page rule has no machine rule that implements it", NULL,
	 "a rule nobody checks is a wish: the page promises what nothing enforces.",
	 "add a rule to inventory/rules.yaml with page_rule: N (or page_text)"},
	{"rule-unknown-ref", "error", "a rule names a host, VLAN or service that does not exist",
	 NULL, "a rule about nothing enforces nothing: a typo would switch it off silently.",
	 "write the name as the inventory has it (the message suggests the closest), or remove it from the rule"},
	{"rule-unstated", "warning", "a machine rule is not stated on the page (its page_rule or page_text is missing there)",
	 NULL, "a check the page does not state surprises the people who read the page.",
	 "state the rule on the page, or fix the rule's page_rule/page_text"},
	{"unknown-word", "error", "a class, trait, plane or role is used but not declared in the lab's vocabulary (or vosctl's default set)",
	 NULL, "a misspelled word (heavy-compte) silently switches off every rule that selects by the right one.",
	 "fix the spelling (the message suggests the closest word), or declare the word with its meaning under vocabulary:"},
	{"utf8", "error", "a file holds a NUL byte or invalid UTF-8", NULL,
	 "Wiki.js and git diffs mangle such bytes; vosctl reads UTF-8 only.", "save the file as UTF-8"},
	{"vlan-unknown", "error", "a host or service names a VLAN the inventory does not define", NULL,
	 "exposure and placement rules compare VLAN names: a typo escapes them.",
	 "write the VLAN's name as vlans: has it, or define the VLAN"},
	{"waiver-expired", "error", "a waiver's expires date (or an inline waiver's until date) has passed", NULL,
	 "a waiver is a decision with an end date: when it ends, the finding counts again.",
	 "fix the finding, or renew the waiver with a new date and reason"},
	{"waiver-malformed", "warning", "an HTML comment on the page addressed to vosctl is not a valid waiver", NULL,
	 "a malformed waiver waives nothing; the finding it was meant for still counts.",
	 "write it as '| <!-- vosctl: allow RULE-ID until YYYY-MM-DD: reason --> |' in the row before the one it waives"},
	{"waiver-unused", "warning", "a waiver matches no finding", NULL,
	 "a waiver that waives nothing would silently waive the next finding of its kind.",
	 "remove the waiver (the finding it was written for is gone)"},
	{"wiki-link-broken", "warning", "a link on the page points at a wiki page the repository does not have", NULL,
	 "a broken link on the authoritative page sends readers nowhere.", "fix the link's path or create the page"},
	{"yaml-alias", "error", "a YAML alias is undefined or expands past vosctl's bound", NULL,
	 "an alias bomb must not exhaust memory.", "define the anchor, or write the values out"},
	{"yaml-depth", "error", "YAML nests deeper than vosctl's bound", NULL,
	 "a bound keeps a hostile file from exhausting the stack.", "flatten the structure"},
	{"yaml-duplicate-key", "error", "a YAML mapping has a key twice", NULL,
	 "YAML keeps one of the two values: the other is lost without a word.", "remove or rename one of the keys"},
	{"yaml-syntax", "error", "a YAML file does not parse", NULL,
	 "a file that does not parse is unusable input, never a pass.", "fix the syntax at the position given"},
};

const struct vos_ruledoc *vos_ruledocs(size_t *n)
{
	*n = VOS_ARRAY_SIZE(docs);
	return docs;
}

static int doc_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct vos_ruledoc *)elem)->id);
}

const struct vos_ruledoc *vos_ruledoc_find(const char *id)
{
	if (!id)
		return NULL;
	return bsearch(id, docs, VOS_ARRAY_SIZE(docs), sizeof(docs[0]), doc_cmp);
}

const char *vos_ruledoc_suggest(const char *id, const struct vos_inventory *inv)
{
	size_t n = VOS_ARRAY_SIZE(docs), i, nc = 0;
	const char **cands = vos_calloc(n + (inv ? inv->nrules : 0) + 1, sizeof(*cands));
	const char *hint;
	for (i = 0; i < n; i++)
		cands[nc++] = docs[i].id;
	for (i = 0; inv && i < inv->nrules; i++)
		if (inv->rules[i].id)
			cands[nc++] = inv->rules[i].id;
	hint = vos_suggest(id, cands, nc);
	free(cands);
	return hint;
}

void vos_ruledoc_anchor(struct vos_buf *b, const char *id)
{
	vos_buf_addf(b, "docs/rules.md#%s", id);
}
