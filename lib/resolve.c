/* resolve.c - concurrent A/AAAA resolution with one deadline, through c-ares (see resolve.h). */
#include "resolve.h"

#include <ares.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "util.h"

/* Names in flight at once on one channel (each an A and an AAAA query). All of them at once
 * overflows a DNS server's socket buffer (1,000 names through dnsmasq lost a third of the queries,
 * which then waited for c-ares's retry). Measured through dnsmasq on Debian's default 208 KiB
 * receive buffer, 40 runs of 1,000 names each, idle and beside two busy loops: a window of 128
 * names lost queries in every run (each then waited a third of the timeout), 96 and 64 never did,
 * and 64 took 42 ms where 32 took 46 (the server drains a bigger batch per wakeup). 64 names are
 * 128 datagrams: half of what that buffer holds.
 * Each channel has its own, so a server that never answers holds up only its own checks. */
#define WINDOW 64

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double now_ms_exact(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void add_addr(struct vos_resolve_name *q, size_t *alloc, const struct vos_ip *ip)
{
	size_t i;
	for (i = 0; i < q->naddrs; i++)
		if (vos_ip_equal(&q->addrs[i], ip))
			return;
	VOS_GROW(q->addrs, *alloc, q->naddrs + 1);
	q->addrs[q->naddrs++] = *ip;
}

/* one channel per distinct (server, transport): the default one and one per checked server */
struct chan {
	ares_channel ch;
	const char *server; /* NULL: the default (opts->servers or the system's) */
	bool tcp;
	size_t inflight;    /* names sent and not answered */
	size_t first, last; /* its names not sent yet: a list through query.next (SIZE_MAX: none) */
};

struct batch {
	const struct vos_resolve_opts *opts;
	struct chan *c;
	size_t n, alloc;
	size_t left;        /* names not answered */
};

struct query {          /* a name's callback argument */
	struct batch *b;
	struct vos_resolve_name *q;
	size_t chan;        /* index into b->c */
	size_t next;        /* the channel's next name to send, or SIZE_MAX */
};

static void on_addrinfo(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
	struct query *qq = arg;
	struct vos_resolve_name *q = qq->q;
	(void)timeouts;
	q->elapsed_ms = now_ms_exact() - q->elapsed_ms; /* it held the time the query was sent */
	qq->b->c[qq->chan].inflight--;
	qq->b->left--;
	if (status == ARES_SUCCESS && res) {
		size_t alloc = 0;
		int pass;
		struct ares_addrinfo_node *node;
		/* IPv4 first, then IPv6, each in the order the answers gave */
		for (pass = 0; pass < 2; pass++)
			for (node = res->nodes; node; node = node->ai_next) {
				struct vos_ip ip;
				if (!node->ai_addr || vos_ip_from_sockaddr(&ip, node->ai_addr) < 0)
					continue;
				if ((ip.family == AF_INET) == (pass == 0))
					add_addr(q, &alloc, &ip);
			}
		q->status = q->naddrs ? VOS_RESOLVE_OK : VOS_RESOLVE_NOTFOUND;
		if (!q->naddrs)
			snprintf(q->detail, sizeof(q->detail), "no A or AAAA record");
	} else if (status == ARES_ENOTFOUND || status == ARES_ENODATA || status == ARES_ENONAME) {
		q->status = VOS_RESOLVE_NOTFOUND;
		q->nxdomain = status != ARES_ENODATA;
		snprintf(q->detail, sizeof(q->detail), "name not found");
	} else if (status == ARES_ECONNREFUSED) {
		q->status = VOS_RESOLVE_REFUSED;
		snprintf(q->detail, sizeof(q->detail), "connection refused");
	} else if (status == ARES_ETIMEOUT || status == ARES_ECANCELLED || status == ARES_EDESTRUCTION) {
		q->status = VOS_RESOLVE_TIMEOUT;
		snprintf(q->detail, sizeof(q->detail), "no DNS answer in time");
	} else {
		q->status = VOS_RESOLVE_FAILED;
		snprintf(q->detail, sizeof(q->detail), "DNS: %s", ares_strerror(status));
	}
	if (res)
		ares_freeaddrinfo(res);
	if (qq->b->opts && qq->b->opts->done)
		qq->b->opts->done(q, qq->b->opts->payload);
}


/* Points ch at servers ("ADDR[:PORT],..."): 0, or -1 with why (the one wording of a bad list). */
static int set_servers(ares_channel ch, const char *servers, char *why, size_t whylen)
{
	int rc = ares_set_servers_ports_csv(ch, servers);
	if (rc == ARES_SUCCESS)
		return 0;
	snprintf(why, whylen, "bad DNS server list '%s': %s", servers, ares_strerror(rc));
	return -1;
}

/* The index of q's channel in b (made on first use), or -1 (why says so). */
static long chan_for(struct batch *b, const struct vos_resolve_name *q, const struct vos_resolve_opts *opts,
                     int timeout, char *why, size_t whylen)
{
	struct ares_options ao;
	int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS, rc;
	char lookups[] = "b";
	const char *servers = q->server ? q->server : opts ? opts->servers : NULL;
	size_t i;
	ares_channel ch;
	for (i = 0; i < b->n; i++)
		if (b->c[i].tcp == q->tcp && (b->c[i].server == q->server ||
		                              (b->c[i].server && q->server && !strcmp(b->c[i].server, q->server))))
			return (long)i;
	memset(&ao, 0, sizeof(ao));
	/* two tries inside the deadline (c-ares doubles the wait for the second) */
	ao.timeout = timeout / 3 > 50 ? timeout / 3 : 50;
	ao.tries = 2;
	ao.flags = (q->tcp ? ARES_FLAG_USEVC : 0) | (q->server ? ARES_FLAG_NOSEARCH : 0);
	if (servers) {
		ao.lookups = lookups; /* that DNS only: not /etc/hosts */
		mask |= ARES_OPT_LOOKUPS;
	}
	if ((rc = ares_init_options(&ch, &ao, mask)) != ARES_SUCCESS) {
		snprintf(why, whylen, "cannot start the resolver: %s", ares_strerror(rc));
		return -1;
	}
	if (servers && set_servers(ch, servers, why, whylen) < 0) {
		ares_destroy(ch);
		return -1;
	}
	VOS_GROW(b->c, b->alloc, b->n + 1);
	memset(&b->c[b->n], 0, sizeof(b->c[b->n]));
	b->c[b->n].ch = ch;
	b->c[b->n].server = q->server;
	b->c[b->n].tcp = q->tcp;
	b->c[b->n].first = b->c[b->n].last = SIZE_MAX;
	return (long)b->n++;
}

/* Sends the next names of every channel whose window has room. */
static void top_up(struct batch *b, struct query *qs, const struct ares_addrinfo_hints *hints)
{
	size_t k;
	for (k = 0; k < b->n; k++) {
		struct chan *c = &b->c[k];
		while (c->first != SIZE_MAX && c->inflight < WINDOW) {
			struct query *qq = &qs[c->first];
			c->first = qq->next;
			c->inflight++; /* before: the callback may run inside ares_getaddrinfo */
			qq->q->elapsed_ms = now_ms_exact(); /* the callback makes it the time taken */
			ares_getaddrinfo(c->ch, qq->q->name, NULL, hints, on_addrinfo, qq);
		}
	}
}

/* one round of the event loop over every channel: wait for their sockets (at most wait_ms), then
 * process what is ready (and each channel's timeouts) */
static void step(struct batch *b, int wait_ms)
{
	struct pollfd *pfd = vos_calloc(b->n * ARES_GETSOCK_MAXNUM, sizeof(*pfd));
	size_t *owner = vos_calloc(b->n * ARES_GETSOCK_MAXNUM, sizeof(*owner));
	struct timeval max = {wait_ms / 1000, (wait_ms % 1000) * 1000}, tv, *tvp;
	size_t np = 0, k, j;
	int ms = wait_ms, rc, i;
	for (k = 0; k < b->n; k++) {
		ares_socket_t socks[ARES_GETSOCK_MAXNUM];
		/* ares.h's ARES_GETSOCK_WRITABLE shifts a signed 1 by up to 31 bits: test the bits unsigned */
		unsigned bits = (unsigned)ares_getsock(b->c[k].ch, socks, ARES_GETSOCK_MAXNUM);
		for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
			short ev = 0;
			if ((bits >> i) & 1u)
				ev |= POLLIN;
			if ((bits >> (i + ARES_GETSOCK_MAXNUM)) & 1u)
				ev |= POLLOUT;
			if (!ev)
				continue;
			pfd[np].fd = socks[i];
			pfd[np].events = ev;
			owner[np++] = k;
		}
		tvp = ares_timeout(b->c[k].ch, &max, &tv);
		if (tvp) {
			int t = (int)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000);
			if (t < ms)
				ms = t;
		}
	}
	rc = poll(pfd, (nfds_t)np, ms);
	for (k = 0; k < b->n; k++) {
		bool any = false;
		for (j = 0; rc > 0 && j < np; j++) {
			ares_socket_t r, w;
			if (owner[j] != k)
				continue;
			r = pfd[j].revents & (POLLIN | POLLERR | POLLHUP) ? pfd[j].fd : ARES_SOCKET_BAD;
			w = pfd[j].revents & POLLOUT ? pfd[j].fd : ARES_SOCKET_BAD;
			if (r != ARES_SOCKET_BAD || w != ARES_SOCKET_BAD) {
				ares_process_fd(b->c[k].ch, r, w);
				any = true;
			}
		}
		if (!any)
			ares_process_fd(b->c[k].ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD); /* timeouts, retries */
	}
	free(pfd);
	free(owner);
}

int vos_resolve(struct vos_resolve_name *names, size_t n, const struct vos_resolve_opts *opts,
                char *why, size_t whylen)
{
	struct ares_addrinfo_hints hints;
	struct batch b = {opts, NULL, 0, 0, 0};
	struct query *qs = NULL;
	int rc, timeout = opts && opts->timeout_ms > 0 ? opts->timeout_ms : 2000, ret = 0;
	long long deadline;
	size_t i;

	for (i = 0; i < n; i++) {
		names[i].addrs = NULL;
		names[i].naddrs = 0;
		names[i].status = VOS_RESOLVE_PENDING;
		names[i].nxdomain = false;
		names[i].detail[0] = '\0';
	}
	if (!n)
		return 0;
	if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
		snprintf(why, whylen, "cannot start the resolver: %s", ares_strerror(rc));
		return -1;
	}
	/* every channel first, so a bad server list fails before anything is sent; each name joins
	 * its channel's list, in order */
	qs = vos_calloc(n, sizeof(*qs));
	for (i = 0; i < n; i++) {
		long k = chan_for(&b, &names[i], opts, timeout, why, whylen);
		if (k < 0) {
			ret = -1;
			goto out;
		}
		qs[i].b = &b;
		qs[i].q = &names[i];
		qs[i].chan = (size_t)k;
		qs[i].next = SIZE_MAX;
		if (b.c[k].last == SIZE_MAX)
			b.c[k].first = i;
		else
			qs[b.c[k].last].next = i;
		b.c[k].last = i;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_flags = ARES_AI_NOSORT; /* sorting would connect a socket to every answer */
	b.left = n;
	deadline = now_ms() + timeout;
	for (;;) {
		long long left = deadline - now_ms();
		if (left > 0)
			top_up(&b, qs, &hints);
		if (!b.left)
			break;
		if (left <= 0) {
			for (i = 0; i < b.n; i++)
				ares_cancel(b.c[i].ch); /* every pending callback runs now, as ECANCELLED */
			break;
		}
		step(&b, (int)left);
	}
	for (i = 0; i < n; i++) /* never sent, or cancelled */
		if (names[i].status == VOS_RESOLVE_PENDING) {
			names[i].elapsed_ms = (double)timeout;
			names[i].status = VOS_RESOLVE_TIMEOUT;
			snprintf(names[i].detail, sizeof(names[i].detail), "no DNS answer in time");
			if (opts && opts->done)
				opts->done(&names[i], opts->payload);
		}
out:
	for (i = 0; i < b.n; i++)
		ares_destroy(b.c[i].ch);
	free(b.c);
	free(qs);
	ares_library_cleanup();
	return ret;
}

int vos_resolve_check_servers(const char *servers, char *why, size_t whylen)
{
	ares_channel ch;
	int rc;
	if (!servers || !*servers)
		return 0;
	if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
		snprintf(why, whylen, "cannot start the resolver: %s", ares_strerror(rc));
		return -1;
	}
	if ((rc = ares_init(&ch)) != ARES_SUCCESS) {
		snprintf(why, whylen, "cannot start the resolver: %s", ares_strerror(rc));
		ares_library_cleanup();
		return -1;
	}
	rc = set_servers(ch, servers, why, whylen);
	ares_destroy(ch);
	ares_library_cleanup();
	return rc;
}

void vos_resolve_release(struct vos_resolve_name *names, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(names[i].addrs);
		names[i].addrs = NULL;
		names[i].naddrs = 0;
	}
}
