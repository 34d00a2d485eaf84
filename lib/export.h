/* export.h - the lab for the monitors and tools people already run (lib/export.c): Gatus endpoints,
 * Prometheus + blackbox_exporter (file_sd targets, the module file, a scrape-config snippet),
 * a Homepage services.yaml and an Ansible YAML inventory, each built from the model as a jansson
 * tree and written as JSON (jansson) or YAML (libyaml's emitter, vos_yaml_emit_json). Output is
 * deterministic: the same lab gives the same bytes. Prints nothing. See docs/export.md. */
#ifndef VOS_EXPORT_H
#define VOS_EXPORT_H

#include "model.h"

enum vos_export_format {
	VOS_EXPORT_GATUS = 0,
	VOS_EXPORT_PROMETHEUS,
	VOS_EXPORT_HOMEPAGE,
	VOS_EXPORT_ANSIBLE,
};

/* The format named name ("gatus", "prometheus", "homepage", "ansible"), or -1. */
int vos_export_format_parse(const char *name);

struct vos_export_options {
	int interval_ms;          /* Gatus interval, Prometheus scrape_interval (default 60000) */
	int timeout_ms;           /* each check's timeout (default 2000) */
	const char *exporter;     /* blackbox_exporter's HOST:PORT (default "127.0.0.1:9115") */
	const char *targets_path; /* the file_sd file the scrape config names (default "vosctl-targets.json") */
	const char *job;          /* the scrape job's name (default "vosctl-blackbox") */
	bool group_by_host;       /* Homepage: one group per host instead of per plane */
};
void vos_export_options_init(struct vos_export_options *o);

/* One generated file. */
struct vos_export_file {
	const char *part;  /* "targets", "modules", "scrape" (prometheus); the format's name otherwise */
	const char *name;  /* its file name in an --output directory ("vosctl-targets.json", ...) */
	char *data;        /* owned */
	size_t len;
};

struct vos_export {
	struct vos_export_file files[3];
	size_t nfiles;
	size_t targets;            /* checks exported (a port range is one check per port) */
	size_t skipped_unchecked;  /* declared ports not exported: check none or udp */
	size_t skipped_no_address; /* checks not exported: no usable address */
};

/* Builds format f of the model into out (release it, also on error). Every service with an
 * inventory entry contributes one check per declared tcp port (a range: one per port), as probe
 * makes them (vos_probe_targets_from_model); ports with check none or udp are not exported.
 * Returns 0, or VOS_EINPUT when a check cannot be written (a path curl refuses as a URL), VOS_EIO
 * when the YAML emitter fails; err says why. */
int vos_export_make(struct vos_export *out, enum vos_export_format f, const struct vos_model *m,
                    const struct vos_export_options *o, struct vos_err *err);
void vos_export_release(struct vos_export *x);
/* The file of a part ("targets"...), or NULL (borrowed). */
const struct vos_export_file *vos_export_part(const struct vos_export *x, const char *part);

/* "ab.c" -> "ab\.c": s as an RE2 regular expression matching itself (appended to b). */
void vos_export_regex_quote(struct vos_buf *b, const char *s);

#endif
