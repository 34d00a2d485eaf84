/* test_addr.c - address forms, CIDR networks of both families, scopes (lib/addr.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "addr.h"

static void test_classify(void **state)
{
	struct vos_ip ip;
	char buf[64];
	(void)state;
	assert_int_equal(vos_addr_classify("192.168.1.70", &ip), VOS_ADDR_IPV4);
	assert_string_equal(vos_ip_format(&ip, buf, sizeof(buf)), "192.168.1.70");
	assert_int_equal(vos_addr_classify("2001:db8::10", &ip), VOS_ADDR_IPV6);
	assert_string_equal(vos_ip_format(&ip, buf, sizeof(buf)), "2001:db8::10");
	assert_int_equal(vos_addr_classify("::1", &ip), VOS_ADDR_IPV6);
	/* an IPv4-mapped IPv6 address is the IPv4 address */
	assert_int_equal(vos_addr_classify("::ffff:192.0.2.7", &ip), VOS_ADDR_IPV4);
	assert_int_equal(ip.family, AF_INET);
	assert_string_equal(vos_ip_format(&ip, buf, sizeof(buf)), "192.0.2.7");
	assert_int_equal(vos_addr_classify("dietpi.lan", NULL), VOS_ADDR_NAME);
	assert_int_equal(vos_addr_classify("deep-thought", NULL), VOS_ADDR_NAME);
	assert_int_equal(vos_addr_classify("hal.home.arpa.", NULL), VOS_ADDR_NAME);
	assert_int_equal(vos_addr_classify("_sip.lab", NULL), VOS_ADDR_NAME);
	/* the malformed ones the issue names, and their neighbours */
	assert_int_equal(vos_addr_classify("192.168.10.300", NULL), VOS_ADDR_INVALID);
	assert_int_equal(vos_addr_classify("skynet.lan:4000", NULL), VOS_ADDR_INVALID);
	assert_int_equal(vos_addr_classify("10.1", NULL), VOS_ADDR_INVALID);
	assert_int_equal(vos_addr_classify("-bad.lan", NULL), VOS_ADDR_INVALID);
	assert_int_equal(vos_addr_classify("a..b", NULL), VOS_ADDR_INVALID);
	assert_int_equal(vos_addr_classify("", NULL), VOS_ADDR_INVALID);
	assert_int_equal(vos_addr_classify("<LAN_IP>", NULL), VOS_ADDR_INVALID);
	assert_int_equal(vos_addr_classify("192.168.1.0/24", NULL), VOS_ADDR_INVALID);
	{
		char big[300];
		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_int_equal(vos_addr_classify(big, NULL), VOS_ADDR_INVALID);
		memset(big, 'a', 64);
		big[64] = '\0';
		assert_int_equal(vos_addr_classify(big, NULL), VOS_ADDR_INVALID); /* label > 63 */
		big[63] = '\0';
		assert_int_equal(vos_addr_classify(big, NULL), VOS_ADDR_NAME);
	}
}

static void test_invalid_reason(void **state)
{
	(void)state;
	assert_null(vos_addr_invalid_reason("192.168.1.70"));
	assert_null(vos_addr_invalid_reason("dietpi.lan"));
	assert_string_equal(vos_addr_invalid_reason("192.168.10.300"), "an IPv4 octet is at most 255");
	assert_string_equal(vos_addr_invalid_reason("10.1.2"), "an IPv4 address has four octets");
	assert_string_equal(vos_addr_invalid_reason("skynet.lan:4000"),
	                    "not an IPv6 address (a port goes in ports:, not in the address)");
	assert_string_equal(vos_addr_invalid_reason("fe80::zz"), "not an IPv6 address");
	assert_string_equal(vos_addr_invalid_reason("bad name"), "a host name has only letters, digits, '-' and '_'");
}

static void test_cidr(void **state)
{
	struct vos_cidr c;
	struct vos_ip ip;
	const char *why = NULL;
	char buf[80];
	(void)state;
	assert_int_equal(vos_cidr_parse_any(&c, "192.168.10.7/24", &why), 0);
	assert_string_equal(vos_cidr_format(&c, buf, sizeof(buf)), "192.168.10.0/24");
	vos_addr_classify("192.168.10.250", &ip);
	assert_true(vos_cidr_contains(&c, &ip));
	vos_addr_classify("192.168.11.1", &ip);
	assert_false(vos_cidr_contains(&c, &ip));
	vos_addr_classify("::ffff:192.168.10.9", &ip);
	assert_true(vos_cidr_contains(&c, &ip));
	vos_addr_classify("2001:db8::1", &ip);
	assert_false(vos_cidr_contains(&c, &ip)); /* another family */

	assert_int_equal(vos_cidr_parse_any(&c, "2001:db8::/32", &why), 0);
	assert_true(vos_cidr_contains(&c, &ip));
	vos_addr_classify("2001:db9::1", &ip);
	assert_false(vos_cidr_contains(&c, &ip));
	assert_int_equal(vos_cidr_parse_any(&c, "2001:db8:0:1::/61", &why), 0);
	assert_string_equal(vos_cidr_format(&c, buf, sizeof(buf)), "2001:db8::/61");

	assert_int_equal(vos_cidr_parse_any(&c, "127.0.0.1", &why), 0);
	assert_int_equal(c.prefix, 32);
	assert_int_equal(vos_cidr_parse_any(&c, "::1", &why), 0);
	assert_int_equal(c.prefix, 128);
	assert_int_equal(vos_cidr_parse_any(&c, "0.0.0.0/0", &why), 0);
	vos_addr_classify("203.0.113.5", &ip);
	assert_true(vos_cidr_contains(&c, &ip));
	assert_int_equal(vos_cidr_parse_any(&c, "::ffff:192.0.2.0/120", &why), 0);
	assert_string_equal(vos_cidr_format(&c, buf, sizeof(buf)), "192.0.2.0/24");

	assert_int_equal(vos_cidr_parse_any(&c, "192.168.1.0/33", &why), -1);
	assert_string_equal(why, "an IPv4 prefix is 0..32");
	assert_int_equal(vos_cidr_parse_any(&c, "2001:db8::/129", &why), -1);
	assert_string_equal(why, "an IPv6 prefix is 0..128");
	assert_int_equal(vos_cidr_parse_any(&c, "192.168.1.0/", &why), -1);
	assert_int_equal(vos_cidr_parse_any(&c, "lan/24", &why), -1);
	assert_int_equal(vos_cidr_parse_any(&c, "", &why), -1);
	assert_int_equal(vos_cidr_parse_any(&c, "192.168.1.0/24x", &why), -1);
}

static void test_scope(void **state)
{
	struct vos_scope lab, env;
	struct vos_ip ip;
	const char *bad = NULL, *why = NULL;
	size_t badlen = 0;
	(void)state;
	vos_scope_init(&lab);
	vos_scope_init(&env);
	assert_int_equal(vos_scope_add_list(&lab, "192.168.10.0/24, 192.168.20.0/24 2001:db8::/32", &bad, &badlen, &why), 0);
	assert_int_equal(lab.n, 3);
	vos_addr_classify("192.168.20.5", &ip);
	assert_true(vos_scope_contains(&lab, &ip));
	vos_addr_classify("192.0.2.1", &ip);
	assert_false(vos_scope_contains(&lab, &ip));

	/* narrowing: only what both contain; a wider network in the narrowing set never widens */
	assert_int_equal(vos_scope_add_list(&env, "192.168.10.128/25,10.0.0.0/8,0.0.0.0/0", NULL, NULL, NULL), 0);
	vos_scope_narrow(&lab, &env);
	vos_addr_classify("192.168.10.200", &ip);
	assert_true(vos_scope_contains(&lab, &ip));
	vos_addr_classify("192.168.10.5", &ip);
	assert_true(vos_scope_contains(&lab, &ip)); /* 0.0.0.0/0 keeps all of the lab's IPv4 */
	vos_addr_classify("10.1.1.1", &ip);
	assert_false(vos_scope_contains(&lab, &ip)); /* never widened */
	vos_addr_classify("2001:db8::1", &ip);
	assert_false(vos_scope_contains(&lab, &ip)); /* no IPv6 in the narrowing set */
	vos_scope_release(&env);

	vos_scope_init(&env);
	assert_int_equal(vos_scope_add_list(&env, "127.0.0.0/8,::1/128", NULL, NULL, NULL), 0);
	vos_scope_narrow(&lab, &env);
	assert_int_equal(lab.n, 0);
	vos_addr_classify("127.0.0.1", &ip);
	assert_false(vos_scope_contains(&lab, &ip));
	vos_scope_release(&env);

	assert_int_equal(vos_scope_add_list(&lab, "127.0.0.0/8,bogus/8,::1", &bad, &badlen, &why), -1);
	assert_int_equal(badlen, 7);
	assert_memory_equal(bad, "bogus/8", 7);
	assert_non_null(why);
	assert_int_equal(lab.n, 1);
	vos_scope_release(&lab);
}

/* vos_addr_same: one address written two ways is the same; equal texts are the same (the fast path
 * must agree with the key comparison) */
static void test_same(void **state)
{
	(void)state;
	assert_true(vos_addr_same("127.0.10.5", "127.0.10.5"));
	assert_false(vos_addr_same("127.0.10.5", "127.0.10.6"));
	assert_true(vos_addr_same("::1", "0:0:0:0:0:0:0:1"));
	assert_true(vos_addr_same("Nas.Lan.", "nas.lan"));
	assert_true(vos_addr_same("nas.lan", "nas.lan"));
	assert_false(vos_addr_same("nas.lan", "nas2.lan"));
	assert_true(vos_addr_same(NULL, NULL));
	assert_false(vos_addr_same("127.0.0.1", NULL));
	assert_false(vos_addr_same(NULL, "127.0.0.1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_invalid_reason),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_same),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
