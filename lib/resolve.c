/* resolve.c - concurrent A/AAAA resolution with one deadline, through c-ares (see resolve.h). */
#include "resolve.h"

#include <ares.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "util.h"

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

static void on_addrinfo(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
	struct vos_resolve_name *q = arg;
	(void)timeouts;
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
		snprintf(q->detail, sizeof(q->detail), "name not found");
	} else if (status == ARES_ETIMEOUT || status == ARES_ECANCELLED || status == ARES_EDESTRUCTION) {
		q->status = VOS_RESOLVE_TIMEOUT;
		snprintf(q->detail, sizeof(q->detail), "no DNS answer in time");
	} else {
		q->status = VOS_RESOLVE_FAILED;
		snprintf(q->detail, sizeof(q->detail), "DNS: %s", ares_strerror(status));
	}
	if (res)
		ares_freeaddrinfo(res);
}

static size_t count_pending(const struct vos_resolve_name *names, size_t n)
{
	size_t i, k = 0;
	for (i = 0; i < n; i++)
		k += names[i].status == VOS_RESOLVE_PENDING;
	return k;
}

/* one round of the event loop: wait for the channel's sockets (at most wait_ms), process them */
static void step(ares_channel ch, int wait_ms)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	struct pollfd pfd[ARES_GETSOCK_MAXNUM];
	struct timeval max = {wait_ms / 1000, (wait_ms % 1000) * 1000}, tv, *tvp;
	/* ares.h's ARES_GETSOCK_WRITABLE shifts a signed 1 by up to 31 bits: test the bits unsigned */
	unsigned bits = (unsigned)ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
	int i, np = 0, ms, rc;
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
		pfd[np].revents = 0;
		np++;
	}
	tvp = ares_timeout(ch, &max, &tv);
	ms = (int)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000);
	rc = poll(pfd, (nfds_t)np, ms);
	if (rc <= 0) {
		ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD); /* timeouts and retries */
		return;
	}
	for (i = 0; i < np; i++) {
		ares_socket_t r = pfd[i].revents & (POLLIN | POLLERR | POLLHUP) ? pfd[i].fd : ARES_SOCKET_BAD;
		ares_socket_t w = pfd[i].revents & POLLOUT ? pfd[i].fd : ARES_SOCKET_BAD;
		if (r != ARES_SOCKET_BAD || w != ARES_SOCKET_BAD)
			ares_process_fd(ch, r, w);
	}
}

int vos_resolve(struct vos_resolve_name *names, size_t n, const struct vos_resolve_opts *opts,
                char *why, size_t whylen)
{
	struct ares_options ao;
	struct ares_addrinfo_hints hints;
	ares_channel ch;
	int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES, rc, timeout = opts && opts->timeout_ms > 0 ? opts->timeout_ms : 2000;
	long long deadline;
	char lookups[] = "b";
	size_t i;

	for (i = 0; i < n; i++) {
		names[i].addrs = NULL;
		names[i].naddrs = 0;
		names[i].status = VOS_RESOLVE_PENDING;
		names[i].detail[0] = '\0';
	}
	if (!n)
		return 0;
	if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
		snprintf(why, whylen, "cannot start the resolver: %s", ares_strerror(rc));
		return -1;
	}
	memset(&ao, 0, sizeof(ao));
	/* two tries inside the deadline (c-ares doubles the wait for the second) */
	ao.timeout = timeout / 3 > 50 ? timeout / 3 : 50;
	ao.tries = 2;
	if (opts && opts->servers) {
		ao.lookups = lookups; /* the lab's DNS only: not /etc/hosts */
		mask |= ARES_OPT_LOOKUPS;
	}
	if ((rc = ares_init_options(&ch, &ao, mask)) != ARES_SUCCESS) {
		snprintf(why, whylen, "cannot start the resolver: %s", ares_strerror(rc));
		ares_library_cleanup();
		return -1;
	}
	if (opts && opts->servers && (rc = ares_set_servers_ports_csv(ch, opts->servers)) != ARES_SUCCESS) {
		snprintf(why, whylen, "bad DNS server list '%s': %s", opts->servers, ares_strerror(rc));
		ares_destroy(ch);
		ares_library_cleanup();
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_flags = ARES_AI_NOSORT; /* sorting would connect a socket to every answer */
	for (i = 0; i < n; i++)
		ares_getaddrinfo(ch, names[i].name, NULL, &hints, on_addrinfo, &names[i]);
	deadline = now_ms() + timeout;
	while (count_pending(names, n)) {
		long long left = deadline - now_ms();
		if (left <= 0) {
			ares_cancel(ch); /* every pending callback runs now, as ECANCELLED */
			break;
		}
		step(ch, (int)left);
	}
	ares_destroy(ch);
	ares_library_cleanup();
	for (i = 0; i < n; i++)
		if (names[i].status == VOS_RESOLVE_PENDING) {
			names[i].status = VOS_RESOLVE_TIMEOUT;
			snprintf(names[i].detail, sizeof(names[i].detail), "no DNS answer in time");
		}
	return 0;
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
