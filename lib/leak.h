/* leak.h - what the pages vosctl writes must not show, and the tripwire that looks for it.
 *
 * A redaction set (struct vos_redact) is built once from the configuration (render.redact,
 * render.placeholder, secrets) and the inventory: the inventory's addresses (IPv4 and IPv6, matched
 * as addresses whatever their spelling, and dotted host names written in address fields), home
 * directories and the inventory's secret file locations, and the values of the secret environment
 * variables (the publish token's always). render writes each as its placeholder
 * (vos_redact_apply); the tripwire (vos_leak_scan, finding `page-leak`, error, at line:col) fires
 * on any of them, and on anything shaped like a credential (a PEM private key, GitHub, GitLab,
 * Slack and AWS key shapes, a password in a URL), in a page about to be written, committed or
 * published. A finding names the kind and the place, never the value. See docs/security.md. */
#ifndef VOS_LEAK_H
#define VOS_LEAK_H

#include "addr.h"
#include "config.h"

struct vos_inventory;
struct vos_source;

#define VOS_REDACT_HOME_TEXT "<HOME_DIR>"
#define VOS_REDACT_SECRET_PATH_TEXT "<SECRET_PATH>"
#define VOS_REDACT_SECRET_TEXT "<REDACTED_SECRET>"

/* A literal string no page may show, and what render writes instead. */
struct vos_redact_lit {
	const char *s;
	size_t len;
	const char *what;     /* "a secret file location", "the value of $NAME" (no value in it) */
	const char *repl;
	bool word;            /* matched only as a whole word (a host name) */
	bool show_prefix;     /* a finding may show its first characters (a path, never a value) */
};

struct vos_redact {
	struct vos_arena arena;
	unsigned what;                  /* enum vos_config_redact */
	const char *placeholder;        /* for addresses ("<LAN_IP>") */
	struct vos_ip *ips; size_t nips, ips_alloc;
	struct vos_redact_lit *lits; size_t nlits, lits_alloc; /* longest first */
};

void vos_redact_init(struct vos_redact *r);
/* The set of a lab: cfg's render.redact over inv (may be NULL), the secrets' values read from the
 * environment now (the publish token's, cfg->token_env, always). */
void vos_redact_build(struct vos_redact *r, const struct vos_config *cfg, const struct vos_inventory *inv);
void vos_redact_release(struct vos_redact *r);

/* Appends text to out with every redacted value written as its placeholder; returns whether
 * anything was replaced. Credential shapes are not rewritten (the tripwire refuses them). */
bool vos_redact_apply(struct vos_buf *out, const struct vos_redact *r, const char *text, size_t len);

/* The tripwire: one `page-leak` error in diags, located in file at its line and column, for every
 * redacted value and every credential shape in text (r may be NULL: credential shapes only).
 * Returns how many. */
size_t vos_leak_scan(const struct vos_redact *r, const char *file, const char *text, size_t len,
                     struct vos_diags *diags);

struct vos_render_plan;

/* The same over every page of a render plan, changed or not (a page about to be written or
 * published): the number of findings. */
size_t vos_leak_scan_plan(const struct vos_redact *r, const struct vos_render_plan *plan,
                          struct vos_diags *diags);

/* The same over every page src->changed lists (what is staged) other than skip (already scanned):
 * 0, or an error in err when they cannot be listed or read. */
int vos_leak_scan_changed(const struct vos_redact *r, const struct vos_source *src, const char *skip,
                          struct vos_diags *diags, struct vos_err *err);

#endif
