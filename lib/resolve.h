/* resolve.h - host names to addresses, all at once: A and AAAA queries for every name run
 * concurrently (c-ares), bounded by one deadline, through the system's resolver (resolv.conf and
 * /etc/hosts) or only through the lab's own DNS servers (probe.dns in vosctl.yaml).
 *
 * Nothing but DNS is sent: the addresses a name resolves to are not contacted (no address sorting,
 * which would connect a socket to each), so the caller can refuse the ones outside its scope.
 */
#ifndef VOS_RESOLVE_H
#define VOS_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"

enum vos_resolve_status {
	VOS_RESOLVE_PENDING = 0,
	VOS_RESOLVE_OK,       /* at least one address */
	VOS_RESOLVE_NOTFOUND, /* no such name, or no A/AAAA record */
	VOS_RESOLVE_TIMEOUT,  /* no answer before the deadline */
	VOS_RESOLVE_FAILED,   /* the server refused the query, a malformed answer, ... (detail says) */
	VOS_RESOLVE_REFUSED,  /* nothing answers at the server (connection refused, port unreachable) */
};

struct vos_resolve_name {
	const char *name;              /* in: a DNS name (vos_addr_classify() == VOS_ADDR_NAME) */
	/* in, optional: ask only this server ("ADDR:PORT"), exactly this name (no search domains),
	 * over TCP when tcp: a DNS check of one server, which then runs beside every other query */
	const char *server;
	bool tcp;
	struct vos_ip *addrs;          /* out: each address once, IPv4 before IPv6 */
	size_t naddrs;
	enum vos_resolve_status status;
	double elapsed_ms;             /* out: from sending the query to its outcome */
	bool nxdomain;                 /* NOTFOUND: the server said the name does not exist (NXDOMAIN),
	                                * else it exists without an A or AAAA record */
	char detail[96];               /* for anything but OK: what happened, for a finding */
};

struct vos_resolve_opts {
	/* "127.0.0.1:5353,[::1]:53" (ADDR[:PORT], IPv6 in brackets with a port), or NULL for the
	 * system's resolver */
	const char *servers;
	int timeout_ms;                /* the deadline for all names together */
	/* called once for each name as soon as its outcome is known (on the calling thread, inside
	 * vos_resolve), or NULL: lets a caller start on the names answered while others are asked */
	void (*done)(struct vos_resolve_name *q, void *payload);
	void *payload;
};

/* Resolves every name. Returns 0 (each name has its status), or -1 when the resolver could not be
 * set up at all (a bad server list: why says so, in whylen bytes). */
int vos_resolve(struct vos_resolve_name *names, size_t n, const struct vos_resolve_opts *opts,
                char *why, size_t whylen);

/* 0 when servers ("ADDR[:PORT],...") is a list vos_resolve accepts, else -1 with why: the check a
 * caller makes before anything is sent, when the names are resolved later. Sends nothing. */
int vos_resolve_check_servers(const char *servers, char *why, size_t whylen);

void vos_resolve_release(struct vos_resolve_name *names, size_t n);

#endif
