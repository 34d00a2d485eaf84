/* loopback.h - for unit tests that need a TCP listener: listen_on() binds 127.0.0.1 on a free port
 * (*port_out) with the given accept backlog. Include after <cmocka.h> and the socket headers. */
#ifndef VOS_TEST_LOOPBACK_H
#define VOS_TEST_LOOPBACK_H

static inline int listen_on(int *port_out, int backlog)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, backlog), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port_out = ntohs(sin.sin_port);
	return fd;
}

#endif
