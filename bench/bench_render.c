/* bench_render: the console's redraw of a full log pane: a ring of PANE_LINES_DEFAULT chunk
 * events (half of them binary), drawn again and again with curses into a terminal that writes
 * to /dev/null (wnoutrefresh only: what udscope does, not the terminal's speed). Prints the
 * median CPU time per redraw (this process's: a shared machine's load counts less) and the events worded per redraw (render_event_made), following the
 * newest lines, scrolled back to the oldest, and the Conversation (two rings merged); and what
 * wording the 36 lines a redraw shows costs alone. */
#include "config.h"

#include <curses.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/render/render_event.h"
#include "ui/draw/pane.h"
#include "ui/draw/sheet.h"
#include "ui/views/view.h"

#define ROWS 60
#define WIDTH 200
#define REDRAWS 400
#define ROUNDS_MAX 25

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A full ring of SRC's chunks, 100 bytes each, odd ones binary. */
static void fill(struct pane *p, enum event_source src, uint64_t t0)
{
	unsigned char bytes[100];
	for (size_t i = 0; i < p->cap; i++) {
		struct event ev;
		for (size_t j = 0; j < sizeof(bytes); j++)
			bytes[j] = i % 2 ? (unsigned char)(i * 7 + j * 13) : (unsigned char)('a' + j % 26);
		event_init(&ev, src, i % 3 ? EV_RECV : EV_SEND);
		ev.session = 1;
		ev.conn = 1 + (uint32_t)(i % 4);
		ev.seq = i;
		ev.time_ns = t0 + (uint64_t)i * 1000000u;
		ev.nbytes = sizeof(bytes);
		event_set_bytes(&ev, bytes, sizeof(bytes));
		pane_push(p, &ev);
	}
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Median microseconds per redraw of S over ROUNDS rounds; *MADE: events worded a redraw. */
static double run(struct sheet *s, struct view *v, int rounds, bool back, double *made)
{
	double per[ROUNDS_MAX];
	uint64_t m0 = render_event_made();
	for (int r = 0; r < rounds; r++) {
		double t0 = now_s();
		for (int k = 0; k < REDRAWS; k++) {
			if (back)
				s->kind->step(s, INT32_MAX);
			werase(stdscr);
			s->kind->draw(s, v, (struct layout_rect){ 0, 0, ROWS, WIDTH });
			wnoutrefresh(stdscr);
		}
		per[r] = (now_s() - t0) / REDRAWS * 1e6;
	}
	*made = (double)(render_event_made() - m0) / ((double)rounds * REDRAWS);
	qsort(per, (size_t)rounds, sizeof(per[0]), cmp);
	return per[rounds / 2];
}

/* Median CPU microseconds to word the NEWEST lines of P once (render_event_words, as a redraw
 * did for each line it showed before lines kept their text): what keeping it saves a redraw. */
static double wording(const struct pane *p, size_t newest, int rounds)
{
	double per[ROUNDS_MAX];
	char buf[EVENT_LINE_MAX];
	for (int r = 0; r < rounds; r++) {
		double t0 = now_s();
		for (int k = 0; k < REDRAWS; k++)
			for (size_t b = 0; b < newest; b++)
				render_event_words(&pane_get(p, b)->ev, 0, buf, sizeof(buf));
		per[r] = (now_s() - t0) / REDRAWS * 1e6;
	}
	qsort(per, (size_t)rounds, sizeof(per[0]), cmp);
	return per[rounds / 2];
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	rounds = rounds < 1 ? 1 : rounds > ROUNDS_MAX ? ROUNDS_MAX : rounds;
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr = out && in ? newterm("xterm", out, in) : NULL;
	if (!scr) {
		fprintf(stderr, "bench_render: no terminfo for xterm (apt-get install ncurses-base)\n");
		return 77;
	}
	resizeterm(ROWS, WIDTH);
	struct view v;
	memset(&v, 0, sizeof(v));
	view_init(&v, false, false);
	struct pane srv, cli;
	if (pane_init(&srv, PANE_LINES_DEFAULT) < 0 || pane_init(&cli, PANE_LINES_DEFAULT) < 0)
		return 1;
	fill(&srv, SRC_SERVER, 1000000000u);
	fill(&cli, SRC_CLIENT, 1000500000u);
	struct sheet one, talk;
	sheet_init(&one, SHEET_LOG, "server");
	one.ring[0] = &srv;
	sheet_init(&talk, SHEET_LOG, "conversation");
	talk.ring[0] = &srv;
	talk.ring[1] = &cli;
	printf("redraw of a %dx%d log pane, %zu lines a ring   CPU us/redraw   worded/redraw\n",
	       ROWS, WIDTH, srv.cap);
	double made, us = run(&one, &v, rounds, false, &made);
	printf("  following the newest               %14.1f   %13.1f\n", us, made);
	us = run(&one, &v, rounds, true, &made);
	printf("  scrolled back to the oldest        %14.1f   %13.1f\n", us, made);
	us = run(&talk, &v, rounds, false, &made);
	printf("  Conversation (two rings merged)    %14.1f   %13.1f\n", us, made);
	printf("  wording 36 lines once (no drawing) %14.1f\n", wording(&srv, 36, rounds));
	sheet_free(&one);
	sheet_free(&talk);
	pane_free(&srv);
	pane_free(&cli);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	return 0;
}
