/* test_grow: the shared array growth (grow_room) and the cut printf (fmt_vcut). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/base/fmt.h"
#include "core/base/grow.h"

/* Room is made only when the next element would not fit, doubling from FIRST. */
static void test_grow_doubles(void **state)
{
	(void)state;
	int *v = NULL;
	size_t cap = 0;
	for (size_t n = 0; n < 100; n++) {
		int *nv = grow_room(v, &cap, n, sizeof(*v), 4);
		assert_non_null(nv);
		v = nv;
		v[n] = (int)n;
		assert_true(cap > n);
	}
	assert_int_equal(cap, 128);
	for (size_t n = 0; n < 100; n++)
		assert_int_equal(v[n], (int)n);
	assert_ptr_equal(grow_room(v, &cap, 100, sizeof(*v), 4), v);   /* room left: as is */
	free(v);
}

/* A size that cannot be counted leaves the array and its capacity alone. */
static void test_grow_overflow(void **state)
{
	(void)state;
	char *v = malloc(8);
	size_t cap = SIZE_MAX / 2 + 1;
	assert_null(grow_room(v, &cap, cap, 1, 8));
	assert_int_equal(cap, SIZE_MAX / 2 + 1);
	free(v);
}

static size_t cut(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t n = fmt_vcut(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* What fits is kept whole; a longer text is cut to the buffer, its length told. */
static void test_fmt_cut(void **state)
{
	(void)state;
	char buf[8];
	assert_int_equal(cut(buf, sizeof(buf), "%s-%d", "ab", 7), 4);
	assert_string_equal(buf, "ab-7");
	assert_int_equal(cut(buf, sizeof(buf), "%s", "0123456789"), 7);
	assert_string_equal(buf, "0123456");
	assert_int_equal(cut(buf, sizeof(buf), "%s", ""), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grow_doubles),
		cmocka_unit_test(test_grow_overflow),
		cmocka_unit_test(test_fmt_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
