/* test_log_cache: a log pane words each event once: N events drawn through many redraws, a
 * resize, a scroll to the oldest, a search and a switch between the Conversation and its own
 * pane are rendered N times (render_event_made counts), and the screen shows the same text
 * as render_event_words makes. Draws with curses into a terminal that writes to /dev/null. */
#include "config.h"

#include <curses.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "../skip.h"

#include "core/render/render_event.h"
#include "ui/draw/pane.h"
#include "ui/draw/sheet.h"
#include "ui/views/view.h"

#define ROWS 30
#define COLS_WIDE 100

static SCREEN *scr;
static FILE *out, *in;

static int setup(void **state)
{
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	scr = out && in ? newterm("xterm", out, in) : NULL;
	if (scr)
		resizeterm(ROWS, COLS_WIDE);
	return 0;
}

static int teardown(void **state)
{
	if (scr) {
		endwin();
		delscreen(scr);
	}
	if (out)
		fclose(out);
	if (in)
		fclose(in);
	return 0;
}

/* N chunk events of SRC into P, each with its own bytes, 1 ms apart. */
static void push_chunks(struct pane *p, enum event_source src, uint32_t n, uint64_t t0)
{
	for (uint32_t i = 0; i < n; i++) {
		struct event ev;
		char bytes[64];
		int len = snprintf(bytes, sizeof(bytes), "chunk %u of a peer\x01\xff", i);
		event_init(&ev, src, i % 2 ? EV_SEND : EV_RECV);
		ev.session = 1;
		ev.conn = 1;
		ev.seq = t0 + i;
		ev.time_ns = t0 + (uint64_t)i * 1000000u;
		ev.nbytes = (uint64_t)len;
		event_set_bytes(&ev, bytes, (size_t)len);
		pane_push(p, &ev);
	}
}

static void draw(struct sheet *s, struct view *v, int h, int w)
{
	werase(stdscr); /* as view_draw does: wrapped rows leave their indent unpainted */
	s->kind->draw(s, v, (struct layout_rect){ 0, 0, h, w });
}

/* A view as the console starts one (no colour, ASCII arrows). */
static void view_start(struct view *v)
{
	memset(v, 0, sizeof(*v));
	view_init(v, false, false);
}

/* A log sheet titled TITLE over ring A (and B merged in, the Conversation; NULL: none). */
static void log_sheet(struct sheet *s, const char *title, struct pane *a, struct pane *b)
{
	sheet_init(s, SHEET_LOG, title);
	s->ring[0] = a;
	s->ring[1] = b;
}

/* Row Y of the screen as text, trailing blanks cut. */
static void row_text(int y, char *buf, int len)
{
	mvinnstr(y, 0, buf, len - 1);
	for (int n = (int)strlen(buf); n > 0 && buf[n - 1] == ' '; n--)
		buf[n - 1] = '\0';
}

static void test_once_per_event(void **state)
{
	if (!scr)
		UD_SKIP("no terminfo for xterm (apt-get install ncurses-base)");
	struct view v;
	view_start(&v);
	const uint32_t N = 60, K = 10; /* events; redraws */
	struct pane p;
	assert_int_equal(pane_init(&p, PANE_LINES_DEFAULT), 0);
	push_chunks(&p, SRC_SERVER, N, 1000000000u);
	struct sheet s;
	log_sheet(&s, "server", &p, NULL);
	uint64_t before = render_event_made();
	for (uint32_t k = 0; k < K; k++)
		draw(&s, &v, ROWS, COLS_WIDE);
	uint64_t shown = render_event_made() - before;
	assert_true(shown >= ROWS / 2); /* the lines on screen were worded */
	assert_true(shown <= ROWS);     /* ... once each, not once a redraw */
	/* A resize re-wraps what was made; a narrower pane shows no line it did not. */
	draw(&s, &v, ROWS, 40);
	draw(&s, &v, ROWS - 10, 60);
	assert_int_equal(render_event_made() - before, shown);
	/* Scrolled to the oldest and back, a search over every line: each event once. */
	s.kind->step(&s, INT32_MAX);
	for (uint32_t k = 0; k < K; k++)
		draw(&s, &v, ROWS, COLS_WIDE);
	s.kind->step(&s, INT32_MIN);
	assert_false(s.kind->find(&s, &v, "no such words", -1));
	draw(&s, &v, ROWS, COLS_WIDE);
	assert_int_equal(render_event_made() - before, N);
	/* What shows is render's words: the newest line ends with them. */
	char words[EVENT_LINE_MAX], row[COLS_WIDE + 1];
	size_t n = render_event_words(&pane_get(&p, 0)->ev, 0, words, sizeof(words));
	row_text(ROWS - 1, row, sizeof(row));
	assert_true(strlen(row) > n);
	assert_string_equal(row + strlen(row) - n, words);
	sheet_free(&s);
	pane_free(&p);
}

/* The Conversation (two rings merged, each line labelled) and the same lines in their own
 * panes when the screen narrows: the words are made once for both. */
static void test_conversation_and_panes(void **state)
{
	if (!scr)
		UD_SKIP("no terminfo for xterm (apt-get install ncurses-base)");
	struct view v;
	view_start(&v);
	const uint32_t N = 8; /* events a side */
	struct pane srv, cli;
	assert_int_equal(pane_init(&srv, 64), 0);
	assert_int_equal(pane_init(&cli, 64), 0);
	push_chunks(&srv, SRC_SERVER, N, 1000000000u);
	push_chunks(&cli, SRC_CLIENT, N, 1000500000u);
	struct sheet talk, one, two;
	log_sheet(&talk, "conversation", &srv, &cli);
	log_sheet(&one, "server", &srv, NULL);
	log_sheet(&two, "client", &cli, NULL);
	uint64_t before = render_event_made();
	for (int k = 0; k < 5; k++) {
		draw(&talk, &v, ROWS, COLS_WIDE);
		draw(&one, &v, ROWS / 2, 50);
		draw(&two, &v, ROWS / 2, 50);
	}
	assert_int_equal(render_event_made() - before, 2 * N);
	/* F2: chunks as hex; each line is worded again, once. */
	v.hex = true;
	for (int k = 0; k < 5; k++)
		draw(&talk, &v, ROWS, COLS_WIDE);
	assert_int_equal(render_event_made() - before, 4 * N);
	char words[EVENT_LINE_MAX], row[COLS_WIDE + 1];
	size_t n = render_event_words(&pane_get(&cli, 0)->ev, EVENT_FMT_HEX, words, sizeof(words));
	row_text(ROWS - 1, row, sizeof(row));
	const char *tail = row + strspn(row, " ");
	assert_true(n > 0 && strlen(tail) > 4);
	assert_non_null(strstr(words, tail)); /* the newest line's last row: its words' tail */
	sheet_free(&talk);
	sheet_free(&one);
	sheet_free(&two);
	pane_free(&srv);
	pane_free(&cli);
}

/* The pair's two columns (parent left, child right) are laid out from the same words. */
static void test_pair_columns(void **state)
{
	if (!scr)
		UD_SKIP("no terminfo for xterm (apt-get install ncurses-base)");
	struct view v;
	view_start(&v);
	const uint32_t N = 12; /* events, half of each side */
	struct pane p;
	assert_int_equal(pane_init(&p, 64), 0);
	push_chunks(&p, SRC_PAIR_PARENT, N / 2, 1000000000u);
	push_chunks(&p, SRC_PAIR_CHILD, N / 2, 1000100000u);
	struct sheet s;
	log_sheet(&s, "pair", &p, NULL);
	s.split = true;
	uint64_t before = render_event_made();
	for (int k = 0; k < 5; k++)
		draw(&s, &v, ROWS, COLS_WIDE);
	draw(&s, &v, ROWS, 60);
	s.kind->step(&s, INT32_MAX);
	draw(&s, &v, 8, 60);
	assert_int_equal(render_event_made() - before, N);
	sheet_free(&s);
	pane_free(&p);
}

/* `log ID` shares the pane's lines and their text: opened after the pane showed them, and fed
 * live, it words nothing again. */
static void test_session_log_shares(void **state)
{
	if (!scr)
		UD_SKIP("no terminfo for xterm (apt-get install ncurses-base)");
	struct view v;
	view_start(&v);
	const uint32_t N = 10; /* events before the log opens */
	struct pane p, own;
	assert_int_equal(pane_init(&p, 64), 0);
	assert_int_equal(pane_init(&own, 64), 0);
	push_chunks(&p, SRC_SERVER, N, 1000000000u);
	struct sheet pane, log;
	log_sheet(&pane, "server", &p, NULL);
	log_sheet(&log, "log of #1", &own, NULL);
	uint64_t before = render_event_made();
	draw(&pane, &v, ROWS, COLS_WIDE);
	for (size_t back = p.count; back-- > 0;)
		assert_true(pane_push_line(&own, pane_get(&p, back)));
	/* Fed live: a new line goes to both before either shows it. */
	push_chunks(&p, SRC_SERVER, 1, 2000000000u);
	assert_true(pane_push_line(&own, pane_get(&p, 0)));
	for (int k = 0; k < 5; k++)
		draw(&log, &v, ROWS, COLS_WIDE);
	draw(&pane, &v, ROWS, COLS_WIDE);
	assert_int_equal(render_event_made() - before, N + 1);
	/* The log outlives the pane's lines: a cleared pane leaves the log its text. */
	pane_clear(&p);
	size_t n;
	int indent;
	const char *line = view_log_text(&v, pane_get(&own, 0), false, &n, &indent);
	char words[EVENT_LINE_MAX];
	size_t wn = render_event_words(&pane_get(&own, 0)->ev, 0, words, sizeof(words));
	assert_true(n > wn);
	assert_memory_equal(line + n - wn, words, wn);
	sheet_free(&pane);
	sheet_free(&log);
	pane_free(&p);
	pane_free(&own);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_once_per_event),
		cmocka_unit_test(test_conversation_and_panes),
		cmocka_unit_test(test_pair_columns),
		cmocka_unit_test(test_session_log_shares),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
