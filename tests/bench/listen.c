/* listen.c - the probe benchmarks' loopback listeners: tests/tools/listen.py's tcp and hang kinds,
 * in C, on one thread and one epoll set.
 *
 * Usage: listen [--lifetime S] [--ready FILE] SPEC...
 * SPEC is KIND:ADDRESS:PORT[-LAST], KIND tcp (accept, close when the client does) or hang (accept,
 * never answer, close when the client does), ADDRESS an IPv4 address in 127.0.0.0/8 or [::1].
 * Writes FILE (--ready) once every listener is bound; exits after --lifetime seconds (default 60)
 * or on SIGTERM.
 *
 * Why not listen.py: its asyncio server spends some 60 us of Python per accepted connection. During
 * the 1,000-port benchmark it kept more than one of the machine's two cores busy (68 % of all CPU
 * samples), so vosctl's second engine and the DNS server had no core left: the benchmark measured
 * the listener. A lab's services run on other machines; here they cost a few microseconds each.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_LISTENERS 70000

/* epoll data: a listening socket is tagged with the top bit, a connection is its bare descriptor */
#define LISTENER_BIT (1ull << 63)

_Noreturn static void die(const char *what, const char *arg)
{
	fprintf(stderr, "listen: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
	exit(2);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bind_one(int ep, const char *addr, int port, int *count)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct epoll_event ev;
	int one = 1, fd, family;
	memset(&ss, 0, sizeof(ss));
	if (!strcmp(addr, "::1")) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		family = AF_INET6;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)port);
		s6->sin6_addr = in6addr_loopback;
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		family = AF_INET;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((unsigned short)port);
		if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1 || (ntohl(s4->sin_addr.s_addr) >> 24) != 127)
			die("refusing a non-loopback address", addr);
		len = sizeof(*s4);
	}
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 1024) < 0) {
		char buf[100];
		snprintf(buf, sizeof(buf), "%s port %d: %s", addr, port, strerror(errno));
		die("bind", buf);
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = LISTENER_BIT | (unsigned)fd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		die("epoll_ctl", strerror(errno));
	++*count;
	return fd;
}

static void add_spec(int ep, const char *spec, int *count)
{
	char buf[200], *addr, *ports, *dash;
	int first, last, p;
	if (strlen(spec) >= sizeof(buf))
		die("spec too long", spec);
	strcpy(buf, spec);
	if (strncmp(buf, "tcp:", 4) && strncmp(buf, "hang:", 5))
		die("unknown kind (this listener serves tcp and hang)", spec);
	addr = strchr(buf, ':') + 1;
	ports = strrchr(buf, ':');
	if (ports < addr)
		die("expected KIND:ADDRESS:PORTS", spec);
	*ports++ = '\0';
	if (*addr == '[') {
		addr++;
		if (addr[strlen(addr) - 1] == ']')
			addr[strlen(addr) - 1] = '\0';
	}
	first = last = atoi(ports);
	if ((dash = strchr(ports, '-')))
		last = atoi(dash + 1);
	if (first < 1 || last > 65535 || last < first)
		die("bad port range", spec);
	for (p = first; p <= last; p++) {
		if (*count >= MAX_LISTENERS)
			die("too many listeners", NULL);
		bind_one(ep, addr, p, count);
	}
}

int main(int argc, char **argv)
{
	const char *ready = NULL;
	double lifetime = 60, end;
	struct epoll_event evs[256];
	struct rlimit rl;
	int ep, i, count = 0;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1", strerror(errno));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--lifetime") && i + 1 < argc)
			lifetime = atof(argv[++i]);
		else if (!strcmp(argv[i], "--ready") && i + 1 < argc)
			ready = argv[++i];
		else if (argv[i][0] == '-')
			die("unknown option", argv[i]);
		else
			add_spec(ep, argv[i], &count);
	}
	if (!count)
		die("usage: listen [--lifetime S] [--ready FILE] SPEC...", NULL);
	if (ready) {
		char tmp[4096];
		FILE *f;
		snprintf(tmp, sizeof(tmp), "%s.tmp", ready);
		if (!(f = fopen(tmp, "w")) || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) || rename(tmp, ready))
			die("cannot write the ready file", ready);
	}
	end = now_s() + lifetime;
	for (;;) {
		double left = end - now_s();
		int n, k;
		if (left <= 0)
			break;
		/* never asleep inside epoll_wait: a connection does not wake this process (a wakeup per
		 * connect costs the connecting side an inter-processor interrupt on another core); what
		 * arrived is taken in batches, a millisecond apart, and the kernel's backlog holds it */
		n = epoll_wait(ep, evs, (int)(sizeof(evs) / sizeof(evs[0])), 0);
		if (n < 0 && errno != EINTR)
			die("epoll_wait", strerror(errno));
		if (n < (int)(sizeof(evs) / sizeof(evs[0]))) {
			struct timespec ms = {0, 1000000};
			nanosleep(&ms, NULL);
		}
		for (k = 0; k < n; k++) {
			unsigned long long d = evs[k].data.u64;
			int fd = (int)(d & 0x7fffffff);
			if (d & LISTENER_BIT) {
				int c;
				while ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
					struct epoll_event ev;
					memset(&ev, 0, sizeof(ev));
					ev.events = EPOLLIN | EPOLLRDHUP;
					ev.data.u64 = (unsigned)c;
					if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev) < 0)
						close(c);
				}
			} else {
				/* a connection: drain it; gone (EOF, reset) closes it, and nothing is ever sent */
				char buf[4096];
				ssize_t r;
				while ((r = read(fd, buf, sizeof(buf))) > 0)
					;
				if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR) || (evs[k].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
					close(fd);
			}
		}
	}
	return 0;
}
