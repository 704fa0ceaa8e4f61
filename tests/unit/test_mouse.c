/* test_mouse: SGR mouse reports: a click, the wheel both ways, releases and others ignored,
 * and what is no report (a key's escape sequence, a cut or malformed one) refused. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ui/console/mouse.h"

static size_t parse(const char *s, struct mouse_event *m)
{
	return mouse_parse(s, strlen(s), m);
}

static void test_reports(void **state)
{
	struct mouse_event m;
	assert_int_equal(parse("[<0;12;5M", &m), 9);
	assert_int_equal(m.what, MOUSE_CLICK);
	assert_int_equal(m.x, 11);
	assert_int_equal(m.y, 4);
	assert_int_equal(parse("[<64;1;1M", &m), 9);
	assert_int_equal(m.what, MOUSE_WHEEL_UP);
	assert_int_equal(parse("[<65;200;60M", &m), 12);
	assert_int_equal(m.what, MOUSE_WHEEL_DOWN);
	assert_int_equal(m.x, 199);
	assert_int_equal(m.y, 59);
	/* A release, the right button, motion: read, and nothing to do. */
	assert_int_equal(parse("[<0;12;5m", &m), 9);
	assert_int_equal(m.what, MOUSE_OTHER);
	assert_int_equal(parse("[<2;3;4M", &m), 8);
	assert_int_equal(m.what, MOUSE_OTHER);
	/* Only the report's bytes count: what follows is another key's. */
	assert_int_equal(parse("[<0;1;1Mabc", &m), 8);
}

static void test_not_reports(void **state)
{
	struct mouse_event m;
	assert_int_equal(parse("[A", &m), 0);          /* Up */
	assert_int_equal(parse("[15~", &m), 0);        /* F5 */
	assert_int_equal(parse("[<0;110;M", &m), 0);   /* no row */
	assert_int_equal(parse("[<0;12", &m), 0);      /* cut short */
	assert_int_equal(parse("[<123456;1;1M", &m), 0);   /* more digits than a report has */
	assert_int_equal(parse("", &m), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reports),
		cmocka_unit_test(test_not_reports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
