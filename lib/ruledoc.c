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
	{"page-duplicate", "error", "a service is listed twice on the page", PAGE_RULE,
	 "one service runs in one place; two rows contradict each other.", "remove one of the rows"},
	{"page-no-tables", "warning", "the page has no services table (a table with a Service column)", PAGE_RULE,
	 "without a table the page places nothing, and every service is unlisted.",
	 "check that the page is the services page and its tables have a 'Service' column"},
	{"page-read", "error", "the services page could not be read", NULL,
	 "an unreadable page is unusable input, never a pass.", "check page: in vosctl.yaml (or --page)"},
	{"page-size", "error", "the page is larger than vosctl's limit", NULL,
	 "a bound keeps a runaway file from exhausting memory.", "split the page, or check that it is the right file"},
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
	{"probe-dependency-down", "error", "a probed port is down while services that depend on it are up", NULL,
	 "the services above it are up but broken: their users see errors, not an outage.",
	 "bring the dependency up (vosctl probe shows each port's state and detail)"},
	{"probe-down", "error", "a declared port did not answer the probe (down, timeout or a bad status)", NULL,
	 "a declared service that does not answer is an outage, or a stale entry.",
	 "start the service, or fix its declared port or check"},
	{"probe-not-probed", "error", "a declared port was not probed (out of the probe scope, unresolvable)", NULL,
	 "no false green: a check that could not run is a finding, never a pass.",
	 "widen probe.scope in vosctl.yaml, fix the name's DNS, or declare the port's check: none"},
	{"probe-nothing", "error", "a probe run had nothing to probe", NULL,
	 "a run that probed nothing proves nothing.", "declare ports with a check, and a probe scope that holds them"},
	{"probe-select", "error", "a probe filter (--host, --service, --class) names nothing in the model", NULL,
	 "a filter that matches nothing would probe nothing and report green.", "fix the name given"},
	{"rule-mismatch", "warning", "a rule implements a page rule about a host it never names", NULL,
	 "the page rule and the machine rule are about different things: one of them drifted.",
	 "name the page rule's host in the machine rule, or fix page_rule"},
	{"rule-unenforced", "warning", "a numbered page rule has no machine rule that implements it", NULL,
	 "a rule nobody checks is a wish: the page promises what nothing enforces.",
	 "add a rule to inventory/rules.yaml with page_rule: N (or page_text)"},
	{"rule-unstated", "warning", "a machine rule is not stated on the page (its page_rule or page_text is missing there)",
	 NULL, "a check the page does not state surprises the people who read the page.",
	 "state the rule on the page, or fix the rule's page_rule/page_text"},
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
