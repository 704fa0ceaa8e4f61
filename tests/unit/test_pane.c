/* test_pane: the scrollback ring: order, wrap-around, fixed memory, skips; a reader's place in it
 * (scroll, follow, selection) as new lines come. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ui/draw/pane.h"

static void push_n(struct pane *p, uint32_t from, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct event ev;
		event_init(&ev, SRC_SERVER, EV_RECV);
		ev.conn = from + i;
		event_set_bytes(&ev, "abcdefgh", 8);
		pane_push(p, &ev);
	}
}

static uint32_t conn_at(const struct pane *p, size_t back)
{
	const struct pane_line *l = pane_get(p, back);
	assert_non_null(l);
	return l->ev.conn;
}

static void test_order_and_wrap(void **state)
{
	struct pane p;
	assert_int_equal(pane_init(&p, 8), 0);
	struct pane_line *ring = p.ring;
	assert_null(pane_get(&p, 0));
	push_n(&p, 1, 5);
	assert_int_equal(p.count, 5);
	assert_int_equal(conn_at(&p, 0), 5);
	assert_int_equal(conn_at(&p, 4), 1);
	assert_null(pane_get(&p, 5));
	/* 30 more through a ring of 8: the newest 8 stay, oldest first out. */
	push_n(&p, 6, 30);
	assert_int_equal(p.count, 8);
	assert_int_equal(p.appended, 35);
	for (size_t b = 0; b < 8; b++)
		assert_int_equal(conn_at(&p, b), 35 - b);
	assert_null(pane_get(&p, 8));
	/* Fixed memory: the ring was never reallocated. */
	assert_ptr_equal(p.ring, ring);
	assert_int_equal(p.cap, 8);
	const struct pane_line *l = pane_get(&p, 0);
	assert_int_equal(l->ev.nbytes, 8);
	assert_int_equal(l->ev.preview_len, 8);
	assert_memory_equal(l->ev.preview, "abcdefgh", 8);
	pane_free(&p);
}

static void test_push_clears_dropped(void **state)
{
	struct pane p;
	assert_int_equal(pane_init(&p, 4), 0);
	struct event ev;
	event_init(&ev, SRC_CLIENT, EV_INFO);
	ev.dropped = 7;
	pane_push(&p, &ev);
	assert_int_equal(pane_get(&p, 0)->ev.dropped, 0);
	pane_free(&p);
}

/* A reader's place in the pane: as a log sheet keeps it between draws. */
static void look(struct pane_pos *pos, const struct pane *p)
{
	pane_pos_keep(pos, p->appended, p->count);
}

static void test_follow_and_scroll(void **state)
{
	struct pane p;
	struct pane_pos pos = { .follow = true, .sel = -1 };
	assert_int_equal(pane_init(&p, 100), 0);
	push_n(&p, 1, 50);
	look(&pos, &p);
	assert_true(pos.follow);
	assert_int_equal(pos.back, 0);
	pane_pos_step(&pos, 10, p.count);
	assert_false(pos.follow);
	assert_int_equal(pos.back, 10);
	assert_int_equal(conn_at(&p, pos.back), 40);
	/* New lines while scrolled back: the view stays on the same line. */
	push_n(&p, 51, 5);
	look(&pos, &p);
	assert_int_equal(pos.back, 15);
	assert_int_equal(conn_at(&p, pos.back), 40);
	/* At most to the oldest line (a draw pulls it back to fill the rows). */
	pane_pos_step(&pos, 1000, p.count);
	assert_int_equal(conn_at(&p, pos.back), 1);
	/* Scrolling back down to the newest follows again. */
	pane_pos_step(&pos, -1000, p.count);
	assert_true(pos.follow);
	assert_int_equal(pos.back, 0);
	pane_pos_step(&pos, INT32_MAX, p.count);
	assert_false(pos.follow);
	assert_int_equal(conn_at(&p, pos.back), 1);
	pane_pos_step(&pos, INT32_MIN, p.count);
	assert_true(pos.follow);
	/* Following: new lines keep the view at the newest; a selection moves with its line. */
	pos.sel = 2;
	push_n(&p, 56, 3);
	look(&pos, &p);
	assert_int_equal(pos.back, 0);
	assert_int_equal(pos.sel, 5);
	assert_int_equal(conn_at(&p, (size_t)pos.sel), 53);
	pane_free(&p);
}

static void test_scrolled_view_survives_overwrite(void **state)
{
	struct pane p;
	struct pane_pos pos = { .follow = true, .sel = -1 };
	assert_int_equal(pane_init(&p, 10), 0);
	push_n(&p, 1, 10);
	look(&pos, &p);
	pane_pos_step(&pos, INT32_MAX, p.count);
	pos.sel = 9;
	assert_int_equal(pos.back, 9);
	/* The line looked at is overwritten: the view stays on the oldest line kept, and the
	 * selection, whose line is gone, ends. */
	push_n(&p, 11, 4);
	look(&pos, &p);
	assert_int_equal(pos.back, 9);
	assert_int_equal(conn_at(&p, pos.back), 5);
	assert_int_equal(pos.sel, -1);
	pane_free(&p);
}

static void test_skips_merge(void **state)
{
	struct pane p;
	assert_int_equal(pane_init(&p, 10), 0);
	push_n(&p, 1, 2);
	pane_skip(&p, 0, 0);
	assert_int_equal(p.count, 2);
	pane_skip(&p, 40, 123);
	pane_skip(&p, 2, 456);
	assert_int_equal(p.count, 3);
	const struct pane_line *l = pane_get(&p, 0);
	assert_int_equal(l->skipped, 42);
	assert_string_equal(l->ev.text, "42 lines skipped");
	push_n(&p, 3, 1);
	pane_skip(&p, 5, 789);
	assert_int_equal(p.count, 5);
	assert_int_equal(pane_get(&p, 0)->skipped, 5);
	assert_int_equal(pane_get(&p, 1)->skipped, 0);
	assert_int_equal(pane_get(&p, 2)->skipped, 42);
	pane_free(&p);
}

static void test_empty_pane(void **state)
{
	struct pane p;
	assert_int_equal(pane_init(&p, 0), -EINVAL);
	assert_int_equal(pane_init(&p, 3), 0);
	struct pane_pos pos = { .follow = true, .sel = -1 };
	pane_pos_step(&pos, 5, p.count);
	assert_true(pos.follow);
	pane_pos_step(&pos, INT32_MAX, p.count);
	assert_int_equal(pos.back, 0);
	push_n(&p, 1, 2);
	pane_clear(&p);
	assert_null(pane_get(&p, 0));
	pane_free(&p);
}

/* A line's kept text goes with the line: an overwritten or cleared line lets go of it, and a
 * line shared with another pane keeps it until the last holder goes (memory stays bounded by
 * the rings). */
static void test_text_goes_with_line(void **state)
{
	struct pane a, b;
	assert_int_equal(pane_init(&a, 4), 0);
	assert_int_equal(pane_init(&b, 4), 0);
	push_n(&a, 1, 4);
	struct pane_text *t = pane_text_of(pane_get(&a, 0));
	assert_non_null(t);
	assert_ptr_equal(pane_text_of(pane_get(&a, 0)), t); /* made once */
	t->s = strdup("kept");
	t->len = 4;
	assert_true(pane_push_line(&b, pane_get(&a, 0)));
	assert_ptr_equal(pane_get(&b, 0)->text, t);
	assert_int_equal(t->refs, 2);
	assert_int_equal(pane_get(&b, 0)->ev.conn, 4);
	/* A's lines go round: its slots hold no text; B's copy keeps it. */
	for (size_t i = 0; i < 4; i++)
		(void)pane_text_of(pane_get(&a, i));
	push_n(&a, 10, 4);
	for (size_t i = 0; i < 4; i++)
		assert_null(pane_get(&a, i)->text);
	assert_int_equal(t->refs, 1);
	assert_string_equal(pane_get(&b, 0)->text->s, "kept");
	/* A skip line that grows lets go of its text (its words changed). */
	pane_skip(&b, 2, 0);
	(void)pane_text_of(pane_get(&b, 0));
	pane_skip(&b, 3, 0);
	assert_null(pane_get(&b, 0)->text);
	pane_clear(&b);
	for (size_t i = 0; i < b.cap; i++)
		assert_null(b.ring[i].text);
	pane_free(&a);
	pane_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_wrap),
		cmocka_unit_test(test_push_clears_dropped),
		cmocka_unit_test(test_follow_and_scroll),
		cmocka_unit_test(test_scrolled_view_survives_overwrite),
		cmocka_unit_test(test_skips_merge),
		cmocka_unit_test(test_empty_pane),
		cmocka_unit_test(test_text_goes_with_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
