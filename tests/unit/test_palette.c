/* test_palette: which palette a terminal gets (none with NO_COLOR or --no-color, eight colours,
 * the richer 256-colour one) and that every colour it names exists on that terminal. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ui/draw/palette.h"

static void test_choice(void **state)
{
	/* Not allowed (NO_COLOR, --no-color, set colors off): none, whatever the terminal. */
	assert_int_equal(palette_choose(false, true, 256), PALETTE_MONO);
	assert_int_equal(palette_choose(false, true, 8), PALETTE_MONO);
	/* A terminal without colours. */
	assert_int_equal(palette_choose(true, false, 256), PALETTE_MONO);
	assert_int_equal(palette_choose(true, true, 2), PALETTE_MONO);
	assert_int_equal(palette_choose(true, true, 8), PALETTE_8);
	assert_int_equal(palette_choose(true, true, 16), PALETTE_8);
	assert_int_equal(palette_choose(true, true, 88), PALETTE_8);
	assert_int_equal(palette_choose(true, true, 256), PALETTE_256);
	assert_int_equal(palette_choose(true, true, 16777216), PALETTE_256);
}

static void test_colors_exist(void **state)
{
	for (int s = 0; s < PAL__COUNT; s++) {
		assert_int_equal(palette_color(PALETTE_MONO, (enum palette_slot)s), -1);
		short c8 = palette_color(PALETTE_8, (enum palette_slot)s);
		short c256 = palette_color(PALETTE_256, (enum palette_slot)s);
		assert_true(c8 >= -1 && c8 < 8);
		assert_true(c256 >= 0 && c256 < 256);   /* the rich one colours every slot */
	}
	/* The chunks' two directions and errors never share a colour. */
	for (int k = PALETTE_8; k <= PALETTE_256; k++) {
		short recv = palette_color((enum palette_kind)k, PAL_RECV);
		short send = palette_color((enum palette_kind)k, PAL_SEND);
		short err = palette_color((enum palette_kind)k, PAL_ERROR);
		assert_true(recv != send && recv != err && send != err);
	}
	assert_int_equal(palette_color(PALETTE_256, PAL__COUNT), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choice),
		cmocka_unit_test(test_colors_exist),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
