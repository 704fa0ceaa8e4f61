/* test_addr: socket address parsing at and around the sun_path limit, and abstract names. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/addr.h"

static char *path_of(size_t n, char *buf)
{
	memset(buf, 'a', n);
	buf[0] = '/';
	buf[n] = '\0';
	return buf;
}

static void test_limit_is_107(void **state)
{
	assert_int_equal(ADDR_PATH_MAX, 107);
}

static void test_path_107_fits(void **state)
{
	char p[200], err[256];
	struct uds_addr a;
	assert_int_equal(addr_parse(path_of(107, p), &a, err, sizeof(err)), 0);
	assert_false(a.abstract);
	assert_int_equal(a.name_len, 107);
	assert_int_equal(a.len, offsetof(struct sockaddr_un, sun_path) + 108);
	assert_memory_equal(a.sun.sun_path, p, 107);
	assert_int_equal(a.sun.sun_path[107], '\0');
	assert_string_equal(a.text, p);
}

static void test_path_108_and_109_refused(void **state)
{
	char p[200], err[256];
	struct uds_addr a;
	assert_int_equal(addr_parse(path_of(108, p), &a, err, sizeof(err)), -ENAMETOOLONG);
	assert_non_null(strstr(err, "108 bytes"));
	assert_non_null(strstr(err, "107"));
	assert_non_null(strstr(err, "@abstract"));
	assert_int_equal(addr_parse(path_of(109, p), &a, err, sizeof(err)), -ENAMETOOLONG);
	assert_non_null(strstr(err, "109 bytes"));
}

static void test_relative_path(void **state)
{
	char err[256];
	struct uds_addr a;
	assert_int_equal(addr_parse("./uds_socket", &a, err, sizeof(err)), 0);
	assert_string_equal(a.sun.sun_path, "./uds_socket");
	assert_int_equal(a.len, offsetof(struct sockaddr_un, sun_path) + 13);
	assert_int_equal(a.sun.sun_family, AF_UNIX);
}

static void test_abstract(void **state)
{
	char err[256];
	struct uds_addr a;
	assert_int_equal(addr_parse("@demo", &a, err, sizeof(err)), 0);
	assert_true(a.abstract);
	assert_int_equal(a.sun.sun_path[0], '\0');
	assert_memory_equal(a.sun.sun_path + 1, "demo", 4);
	/* The length ends an abstract name: no trailing NUL is counted. */
	assert_int_equal(a.len, offsetof(struct sockaddr_un, sun_path) + 5);
	assert_string_equal(a.text, "@demo");
}

static void test_abstract_limits(void **state)
{
	char p[200], err[256];
	struct uds_addr a;
	p[0] = '@';
	memset(p + 1, 'x', 107);
	p[108] = '\0';
	assert_int_equal(addr_parse(p, &a, err, sizeof(err)), 0);
	assert_int_equal(a.len, sizeof(struct sockaddr_un));
	p[108] = 'x';
	p[109] = '\0';
	assert_int_equal(addr_parse(p, &a, err, sizeof(err)), -ENAMETOOLONG);
	assert_non_null(strstr(err, "abstract"));
}

static void test_empty(void **state)
{
	char err[256];
	struct uds_addr a;
	assert_int_equal(addr_parse("", &a, err, sizeof(err)), -EINVAL);
	assert_int_equal(addr_parse("@", &a, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "empty"));
}

static void test_from_sockaddr_roundtrip(void **state)
{
	char err[256];
	struct uds_addr a, b;
	assert_int_equal(addr_parse("@abc", &a, err, sizeof(err)), 0);
	addr_from_sockaddr(&a.sun, a.len, &b);
	assert_true(b.abstract);
	assert_string_equal(b.text, "@abc");
	assert_int_equal(addr_parse("/tmp/x.sock", &a, err, sizeof(err)), 0);
	addr_from_sockaddr(&a.sun, a.len, &b);
	assert_false(b.abstract);
	assert_string_equal(b.text, "/tmp/x.sock");
	/* An unnamed socket (socketpair, unbound client) has only the family. */
	addr_from_sockaddr(&a.sun, sizeof(sa_family_t), &b);
	assert_string_equal(b.text, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_is_107),
		cmocka_unit_test(test_path_107_fits),
		cmocka_unit_test(test_path_108_and_109_refused),
		cmocka_unit_test(test_relative_path),
		cmocka_unit_test(test_abstract),
		cmocka_unit_test(test_abstract_limits),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_from_sockaddr_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
