/* test_addr: socket address parsing at and around the sun_path limit, and abstract names. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/base/addr.h"

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
	assert_int_equal(addr_parse(path_of(107, p), 107, &a, err, sizeof(err)), 0);
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
	assert_int_equal(addr_parse(path_of(108, p), 108, &a, err, sizeof(err)), -ENAMETOOLONG);
	assert_non_null(strstr(err, "108 bytes"));
	assert_non_null(strstr(err, "107"));
	assert_non_null(strstr(err, "@abstract"));
	assert_int_equal(addr_parse(path_of(109, p), 109, &a, err, sizeof(err)), -ENAMETOOLONG);
	assert_non_null(strstr(err, "109 bytes"));
}

static void test_relative_path(void **state)
{
	char err[256];
	struct uds_addr a;
	assert_int_equal(addr_parse("./uds_socket", 12, &a, err, sizeof(err)), 0);
	assert_string_equal(a.sun.sun_path, "./uds_socket");
	assert_int_equal(a.len, offsetof(struct sockaddr_un, sun_path) + 13);
	assert_int_equal(a.sun.sun_family, AF_UNIX);
}

static void test_abstract(void **state)
{
	char err[256];
	struct uds_addr a;
	assert_int_equal(addr_parse("@demo", strlen("@demo"), &a, err, sizeof(err)), 0);
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
	assert_int_equal(addr_parse(p, strlen(p), &a, err, sizeof(err)), 0);
	assert_int_equal(a.len, sizeof(struct sockaddr_un));
	p[108] = 'x';
	p[109] = '\0';
	assert_int_equal(addr_parse(p, strlen(p), &a, err, sizeof(err)), -ENAMETOOLONG);
	assert_non_null(strstr(err, "abstract"));
}

static void test_empty(void **state)
{
	char err[256];
	struct uds_addr a;
	assert_int_equal(addr_parse("", strlen(""), &a, err, sizeof(err)), -EINVAL);
	assert_int_equal(addr_parse("@", strlen("@"), &a, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "empty"));
}

static void test_from_sockaddr_roundtrip(void **state)
{
	char err[256];
	struct uds_addr a, b;
	assert_int_equal(addr_parse("@abc", strlen("@abc"), &a, err, sizeof(err)), 0);
	addr_from_sockaddr(&a.sun, a.len, &b);
	assert_true(b.abstract);
	assert_string_equal(b.text, "@abc");
	assert_int_equal(addr_parse("/tmp/x.sock", strlen("/tmp/x.sock"), &a, err, sizeof(err)), 0);
	addr_from_sockaddr(&a.sun, a.len, &b);
	assert_false(b.abstract);
	assert_string_equal(b.text, "/tmp/x.sock");
	/* An unnamed socket (socketpair, unbound client) has only the family. */
	addr_from_sockaddr(&a.sun, sizeof(sa_family_t), &b);
	assert_string_equal(b.text, "");
}

/* Issue 10 item 5: a NUL byte is part of an abstract name, and the length ends it. */
static void test_abstract_with_nul(void **state)
{
	char err[256];
	struct uds_addr a;
	static const char w[] = "@foo\0bar";
	assert_int_equal(addr_parse(w, sizeof(w) - 1, &a, err, sizeof(err)), 0);
	assert_true(a.abstract);
	assert_int_equal(a.name_len, 7);
	assert_int_equal(a.len, offsetof(struct sockaddr_un, sun_path) + 8);
	assert_memory_equal(a.sun.sun_path, "\0foo\0bar", 8);
	/* What people see holds no NUL and no raw byte. */
	assert_string_equal(a.text, "@foo\\x00bar");
	/* A name of NUL bytes only, at the limit. */
	char p[200];
	p[0] = '@';
	memset(p + 1, 0, 107);
	assert_int_equal(addr_parse(p, 108, &a, err, sizeof(err)), 0);
	assert_int_equal(a.name_len, 107);
	assert_int_equal(a.len, sizeof(struct sockaddr_un));
	/* Its display is cut to fit, visibly. */
	assert_true(strlen(a.text) < sizeof(a.text));
	assert_memory_equal(a.text, "@\\x00\\x00", 9);
	assert_string_equal(a.text + strlen(a.text) - 7, "\\x00...");
	/* 107 printable bytes fit whole. */
	memset(p + 1, 'y', 107);
	assert_int_equal(addr_parse(p, 108, &a, err, sizeof(err)), 0);
	assert_int_equal(strlen(a.text), 108);
	assert_null(strstr(a.text, "..."));
	assert_int_equal(addr_parse(p, 109, &a, err, sizeof(err)), -ENAMETOOLONG);
}

static void test_abstract_unprintable_text(void **state)
{
	char err[256];
	struct uds_addr a;
	assert_int_equal(addr_parse("@a\x01\xff\n", 5, &a, err, sizeof(err)), 0);
	assert_int_equal(a.name_len, 4);
	assert_memory_equal(a.sun.sun_path + 1, "a\x01\xff\n", 4);
	assert_string_equal(a.text, "@a\\x01\\xff\\x0a");
}

/* Issue 10 item 5: a NUL byte cannot be in a filesystem path: refused, never cut. */
static void test_path_with_nul_refused(void **state)
{
	char err[256];
	struct uds_addr a;
	assert_int_equal(addr_parse("./a\0b", 5, &a, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "a filesystem path cannot hold a NUL byte");
	assert_int_equal(addr_parse("x\0", 2, &a, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "a filesystem path cannot hold a NUL byte");
	/* A word that is only a NUL is not empty either. */
	assert_int_equal(addr_parse("\0", 1, &a, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "a filesystem path cannot hold a NUL byte");
}

static void test_show(void **state)
{
	char buf[ADDR_SHOW_SIZE];
	assert_string_equal(addr_show("./a\0b", 5, buf, sizeof(buf)), "./a\\x00b");
	assert_string_equal(addr_show("@x\x1b", 3, buf, sizeof(buf)), "@x\\x1b");
	/* A long word is cut with "...", never overflows. */
	char big[1000];
	memset(big, 0, sizeof(big));
	addr_show(big, sizeof(big), buf, sizeof(buf));
	assert_true(strlen(buf) < sizeof(buf));
	assert_non_null(strstr(buf, "..."));
}

static void test_from_sockaddr_keeps_nul(void **state)
{
	char err[256];
	struct uds_addr a, b;
	assert_int_equal(addr_parse("@foo\0bar", 8, &a, err, sizeof(err)), 0);
	addr_from_sockaddr(&a.sun, a.len, &b);
	assert_true(b.abstract);
	assert_int_equal(b.name_len, 7);
	assert_int_equal(b.len, a.len);
	assert_memory_equal(b.sun.sun_path, a.sun.sun_path, 8);
	assert_string_equal(b.text, "@foo\\x00bar");
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
		cmocka_unit_test(test_abstract_with_nul),
		cmocka_unit_test(test_abstract_unprintable_text),
		cmocka_unit_test(test_path_with_nul_refused),
		cmocka_unit_test(test_show),
		cmocka_unit_test(test_from_sockaddr_keeps_nul),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
