/* addr.h - the three forms an address takes in a lab (IPv4 literal, IPv6 literal, DNS name), CIDR
 * networks of either family, and probe scopes (sets of networks that may only ever be narrowed).
 *
 * An IPv4-mapped IPv6 address (::ffff:192.0.2.1) is the IPv4 address it maps: a scope check can
 * never be passed by writing an outside IPv4 address in IPv6 clothing.
 */
#ifndef VOS_ADDR_H
#define VOS_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vos_addr_kind {
	VOS_ADDR_INVALID = 0, /* neither a literal nor a host name ("192.168.10.300", "skynet.lan:4000") */
	VOS_ADDR_IPV4,
	VOS_ADDR_IPV6,
	VOS_ADDR_NAME,        /* a DNS name: LDH labels (underscores allowed), at most 253 bytes */
};

/* An IP address of either family; b holds 4 (IPv4) or 16 (IPv6) bytes in network order. */
struct vos_ip {
	int family; /* AF_INET or AF_INET6 */
	uint8_t b[16];
};

/* Classifies s; for a literal fills *ip (may be NULL). A trailing dot on a name is allowed; a last
 * label of digits only is not a name (it is a mistyped IPv4 address). */
enum vos_addr_kind vos_addr_classify(const char *s, struct vos_ip *ip);

/* Why s is not an address, for a located "invalid address" message ("octet 300 is over 255"). */
const char *vos_addr_invalid_reason(const char *s);

/* From a struct sockaddr (AF_INET or AF_INET6); -1 for another family. */
int vos_ip_from_sockaddr(struct vos_ip *ip, const void *sockaddr);

/* Text form (inet_ntop) into buf (at least 46 bytes). */
const char *vos_ip_format(const struct vos_ip *ip, char *buf, size_t n);

bool vos_ip_equal(const struct vos_ip *a, const struct vos_ip *b);

/* Do a and b write the same address? Literals compare as addresses ("2001:DB8::1" is
 * "2001:db8:0::1", "::ffff:192.0.2.1" is "192.0.2.1"), names ignoring case and a trailing dot. */
bool vos_addr_same(const char *a, const char *b);

/* One spelling per address, for keys: a literal's text form, a name in lowercase without its
 * trailing dot. Into buf (at least 256 bytes). */
const char *vos_addr_key(const char *s, char *buf, size_t n);

struct vos_cidr {
	struct vos_ip net; /* host bits cleared */
	int prefix;        /* 0..32 or 0..128 */
};

/* "192.168.10.0/24", "2001:db8::/32", or a bare literal (a /32 or /128). Host bits are cleared.
 * Returns 0, or -1 with *why set to a static reason. */
int vos_cidr_parse_any(struct vos_cidr *c, const char *s, const char **why);

bool vos_cidr_contains(const struct vos_cidr *c, const struct vos_ip *ip);

/* Text form "net/prefix" into buf (at least 50 bytes). */
const char *vos_cidr_format(const struct vos_cidr *c, char *buf, size_t n);

/* A probe scope: an address is in scope when one of the networks contains it. */
struct vos_scope {
	struct vos_cidr *nets;
	size_t n, alloc;
};

void vos_scope_init(struct vos_scope *s);
void vos_scope_release(struct vos_scope *s);
void vos_scope_add(struct vos_scope *s, const struct vos_cidr *c);
/* Adds every network of a comma- or space-separated list; -1 at the first bad one (*bad points at
 * it within list, *why says why), the networks before it added. */
int vos_scope_add_list(struct vos_scope *s, const char *list, const char **bad, size_t *badlen,
                       const char **why);
bool vos_scope_contains(const struct vos_scope *s, const struct vos_ip *ip);
/* s becomes its intersection with by: an address is in the result only when both contain it. It
 * can only ever shrink (the environment's VOSCTL_PROBE_SCOPE narrows, never widens). */
void vos_scope_narrow(struct vos_scope *s, const struct vos_scope *by);

#endif
