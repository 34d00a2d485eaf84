/* addr.c - address forms, CIDR networks of both families and probe scopes (see addr.h). */
#include "addr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util.h"

static const uint8_t v4mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* an IPv4-mapped IPv6 address becomes the IPv4 address it maps */
static void ip_unmap(struct vos_ip *ip)
{
	if (ip->family == AF_INET6 && !memcmp(ip->b, v4mapped_prefix, 12)) {
		memmove(ip->b, ip->b + 12, 4);
		memset(ip->b + 4, 0, 12);
		ip->family = AF_INET;
	}
}

static int ip_parse(struct vos_ip *ip, const char *s)
{
	struct vos_ip tmp;
	memset(&tmp, 0, sizeof(tmp));
	if (inet_pton(AF_INET, s, tmp.b) == 1)
		tmp.family = AF_INET;
	else if (inet_pton(AF_INET6, s, tmp.b) == 1)
		tmp.family = AF_INET6;
	else
		return -1;
	ip_unmap(&tmp);
	if (ip)
		*ip = tmp;
	return 0;
}

static bool all_digits(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return n > 0;
}

/* NULL when s is a well-formed host name, else why not */
static const char *name_problem(const char *s)
{
	size_t len = strlen(s), start = 0, i;
	if (len && s[len - 1] == '.')
		len--; /* the root label */
	if (!len)
		return "empty";
	if (len > 253)
		return "a host name is at most 253 bytes";
	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '.') {
			unsigned char c = (unsigned char)s[i];
			if (c == ':')
				return "a ':' belongs only in an IPv6 address (a port goes in ports:, not here)";
			if (c == '/')
				return "a '/' belongs in a CIDR, not in an address";
			if (!isalnum(c) && c != '-' && c != '_')
				return "a host name has only letters, digits, '-' and '_'";
			continue;
		}
		if (i == start)
			return "a host name has no empty label";
		if (i - start > 63)
			return "a host name label is at most 63 bytes";
		if (s[start] == '-' || s[i - 1] == '-')
			return "a host name label neither starts nor ends with '-'";
		if (i == len && all_digits(s + start, i - start))
			return NULL; /* decided by the caller: numeric last label */
		start = i + 1;
	}
	return NULL;
}

/* a name whose last label is all digits ("192.168.10.300", "10.1") was meant as an IPv4 literal */
static bool numeric_tail(const char *s)
{
	size_t len = strlen(s);
	size_t start;
	if (len && s[len - 1] == '.')
		len--;
	start = len;
	while (start > 0 && s[start - 1] != '.')
		start--;
	return all_digits(s + start, len - start);
}

enum vos_addr_kind vos_addr_classify(const char *s, struct vos_ip *ip)
{
	struct vos_ip tmp;
	if (!s || !*s)
		return VOS_ADDR_INVALID;
	if (ip_parse(&tmp, s) == 0) {
		if (ip)
			*ip = tmp;
		return tmp.family == AF_INET ? VOS_ADDR_IPV4 : VOS_ADDR_IPV6;
	}
	if (name_problem(s) || numeric_tail(s))
		return VOS_ADDR_INVALID;
	return VOS_ADDR_NAME;
}

const char *vos_addr_invalid_reason(const char *s)
{
	const char *why;
	if (!s || !*s)
		return "empty";
	if (vos_addr_classify(s, NULL) != VOS_ADDR_INVALID)
		return NULL;
	if (strchr(s, ':'))
		return strchr(s, '.') && !strchr(s, '[')
		           ? "not an IPv6 address (a port goes in ports:, not in the address)"
		           : "not an IPv6 address";
	if (numeric_tail(s)) {
		const char *p = s;
		int parts = 0;
		while (*p) {
			char *end;
			unsigned long v = strtoul(p, &end, 10);
			if (end == p)
				break;
			parts++;
			if (v > 255)
				return "an IPv4 octet is at most 255";
			p = *end == '.' ? end + 1 : end;
			if (*end != '.')
				break;
		}
		return parts != 4 ? "an IPv4 address has four octets" : "not an IPv4 address";
	}
	why = name_problem(s);
	return why ? why : "not an address";
}

int vos_ip_from_sockaddr(struct vos_ip *ip, const void *sa)
{
	const struct sockaddr *s = sa;
	memset(ip, 0, sizeof(*ip));
	if (s->sa_family == AF_INET) {
		const struct sockaddr_in *in = sa;
		ip->family = AF_INET;
		memcpy(ip->b, &in->sin_addr, 4);
	} else if (s->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = sa;
		ip->family = AF_INET6;
		memcpy(ip->b, &in6->sin6_addr, 16);
		ip_unmap(ip);
	} else {
		return -1;
	}
	return 0;
}

const char *vos_ip_format(const struct vos_ip *ip, char *buf, size_t n)
{
	if (!inet_ntop(ip->family, ip->b, buf, (socklen_t)n))
		snprintf(buf, n, "?");
	return buf;
}

static size_t ip_len(const struct vos_ip *ip)
{
	return ip->family == AF_INET ? 4 : 16;
}

const char *vos_addr_key(const char *s, char *buf, size_t n)
{
	struct vos_ip ip;
	enum vos_addr_kind k = vos_addr_classify(s, &ip);
	size_t i, len;
	if (k == VOS_ADDR_IPV4 || k == VOS_ADDR_IPV6)
		return vos_ip_format(&ip, buf, n);
	len = strlen(s);
	if (k == VOS_ADDR_NAME && len && s[len - 1] == '.')
		len--;
	for (i = 0; i < len && i + 1 < n; i++)
		buf[i] = k == VOS_ADDR_NAME ? (char)tolower((unsigned char)s[i]) : s[i];
	if (n)
		buf[i] = '\0';
	return buf;
}

bool vos_addr_same(const char *a, const char *b)
{
	char x[256], y[256];
	if (!a || !b)
		return a == b;
	if (!strcmp(a, b)) /* the key is a function of the text: equal texts, equal keys */
		return true;
	return !strcmp(vos_addr_key(a, x, sizeof(x)), vos_addr_key(b, y, sizeof(y)));
}

bool vos_ip_equal(const struct vos_ip *a, const struct vos_ip *b)
{
	return a->family == b->family && !memcmp(a->b, b->b, ip_len(a));
}

/* the first prefix bits of a and b agree */
static bool prefix_match(const uint8_t *a, const uint8_t *b, int prefix)
{
	int full = prefix / 8, rest = prefix % 8;
	if (memcmp(a, b, (size_t)full))
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));
		if ((a[full] & mask) != (b[full] & mask))
			return false;
	}
	return true;
}

int vos_cidr_parse_any(struct vos_cidr *c, const char *s, const char **why)
{
	const char *slash = s ? strchr(s, '/') : NULL;
	char host[64];
	size_t hlen = slash ? (size_t)(slash - s) : (s ? strlen(s) : 0);
	int max, prefix, i;
	const char *dummy;
	if (!why)
		why = &dummy;
	memset(c, 0, sizeof(*c));
	if (!s || !hlen || hlen >= sizeof(host)) {
		*why = "not a network (ADDRESS/PREFIX)";
		return -1;
	}
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (ip_parse(&c->net, host) < 0) {
		*why = "not an IPv4 or IPv6 network address";
		return -1;
	}
	/* a mapped network is an IPv4 one: ::ffff:192.0.2.0/120 is 192.0.2.0/24 */
	max = c->net.family == AF_INET ? 32 : 128;
	if (!slash) {
		prefix = max;
	} else {
		char *end;
		long v;
		if (!isdigit((unsigned char)slash[1])) {
			*why = "the prefix length is not a number";
			return -1;
		}
		v = strtol(slash + 1, &end, 10);
		if (*end || v < 0 || v > (strchr(host, ':') ? 128 : 32)) {
			*why = strchr(host, ':') ? "an IPv6 prefix is 0..128" : "an IPv4 prefix is 0..32";
			return -1;
		}
		prefix = (int)v;
		if (strchr(host, ':') && c->net.family == AF_INET) {
			if (prefix < 96) {
				*why = "an IPv4-mapped prefix is 96..128";
				return -1;
			}
			prefix -= 96;
		}
	}
	c->prefix = prefix;
	for (i = prefix; i < max; i++)
		c->net.b[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
	return 0;
}

bool vos_cidr_contains(const struct vos_cidr *c, const struct vos_ip *ip)
{
	return c->net.family == ip->family && prefix_match(c->net.b, ip->b, c->prefix);
}

const char *vos_cidr_format(const struct vos_cidr *c, char *buf, size_t n)
{
	char ip[64];
	snprintf(buf, n, "%s/%d", vos_ip_format(&c->net, ip, sizeof(ip)), c->prefix);
	return buf;
}

void vos_scope_init(struct vos_scope *s)
{
	memset(s, 0, sizeof(*s));
}

void vos_scope_release(struct vos_scope *s)
{
	free(s->nets);
	memset(s, 0, sizeof(*s));
}

void vos_scope_add(struct vos_scope *s, const struct vos_cidr *c)
{
	size_t i;
	for (i = 0; i < s->n; i++)
		if (s->nets[i].prefix == c->prefix && vos_ip_equal(&s->nets[i].net, &c->net))
			return;
	VOS_GROW(s->nets, s->alloc, s->n + 1);
	s->nets[s->n++] = *c;
}

int vos_scope_add_list(struct vos_scope *s, const char *list, const char **bad, size_t *badlen,
                       const char **why)
{
	const char *p = list;
	while (p && *p) {
		size_t n;
		char item[80];
		struct vos_cidr c;
		p += strspn(p, ", \t");
		n = strcspn(p, ", \t");
		if (!n)
			break;
		if (n >= sizeof(item) || (memcpy(item, p, n), item[n] = '\0', vos_cidr_parse_any(&c, item, why) < 0)) {
			if (n >= sizeof(item) && why)
				*why = "too long for a network";
			if (bad)
				*bad = p;
			if (badlen)
				*badlen = n;
			return -1;
		}
		vos_scope_add(s, &c);
		p += n;
	}
	return 0;
}

bool vos_scope_contains(const struct vos_scope *s, const struct vos_ip *ip)
{
	size_t i;
	for (i = 0; i < s->n; i++)
		if (vos_cidr_contains(&s->nets[i], ip))
			return true;
	return false;
}

void vos_scope_narrow(struct vos_scope *s, const struct vos_scope *by)
{
	struct vos_scope out;
	size_t i, j;
	vos_scope_init(&out);
	for (i = 0; i < s->n; i++)
		for (j = 0; j < by->n; j++) {
			const struct vos_cidr *a = &s->nets[i], *b = &by->nets[j];
			if (a->net.family != b->net.family)
				continue;
			/* two networks either nest or are disjoint: the intersection is the smaller one */
			if (a->prefix >= b->prefix && vos_cidr_contains(b, &a->net))
				vos_scope_add(&out, a);
			else if (b->prefix > a->prefix && vos_cidr_contains(a, &b->net))
				vos_scope_add(&out, b);
		}
	free(s->nets);
	*s = out;
}
