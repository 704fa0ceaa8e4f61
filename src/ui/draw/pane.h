/* pane: one source's scrollback, a fixed-size ring of event lines (a log sheet shows it). */
#ifndef UDSCOPE_UI_PANE_H
#define UDSCOPE_UI_PANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/event.h"

/* Lines each pane keeps; older lines are overwritten. */
#define PANE_LINES_DEFAULT 2048

/* A line's text as a log shows it (ui/views/view_line.c makes it): the head (time, whose line,
 * the arrow) then the event's words, made once from the event and kept with the line, so a
 * redraw, a scroll, a resize or a search uses it again instead of wording the event anew.
 * Shared by the lines that hold the same event (a `log ID` view and the pane it is fed from);
 * freed with the last of them. Main thread only. */
struct pane_text {
	unsigned refs;
	unsigned flags;   /* the render flags the words were made with (F2: EVENT_FMT_HEX) */
	unsigned key;     /* how the head was made (view_line.c's; 0: no head yet) */
	uint64_t base_ns; /* ... and since which moment its time counts */
	int indent;       /* columns before the words (where wrapped rows start) */
	size_t head, len; /* bytes of the head; of the whole text */
	char *s;          /* NULL: nothing made yet */
};

/* A line keeps its event, and its text once shown: F2 (hex/text) words old lines again. */
struct pane_line {
	struct event ev;
	uint64_t skipped;       /* > 0: this line says "N lines skipped" */
	struct pane_text *text; /* NULL until it is shown or shared (pane_text_of) */
};

struct pane {
	struct pane_line *ring;   /* allocated once by pane_init: memory stays fixed */
	size_t cap;
	size_t head;              /* the slot the next line goes to */
	size_t count;             /* lines held, <= cap */
	uint64_t appended;        /* lines ever pushed, markers included: a sheet scrolled back
				   * moves with it to keep its place */
};

int pane_init(struct pane *p, size_t cap);
void pane_free(struct pane *p);
void pane_clear(struct pane *p);

/* Append a copy of EV (its dropped count is cleared: pane_skip says that). */
void pane_push(struct pane *p, const struct event *ev);
/* Append a copy of line L of another pane, sharing its text: what one shows, the other shows
 * without wording it again. False when there was no memory for the text (the copy is made, to
 * be worded on its own). */
bool pane_push_line(struct pane *p, const struct pane_line *l);
/* L's text holder, made empty when it has none (a line's text is a cache: a const line gets
 * one too); NULL without memory. */
struct pane_text *pane_text_of(const struct pane_line *l);
/* Say that N lines were skipped; consecutive reports merge into one line. */
void pane_skip(struct pane *p, uint64_t n, uint64_t time_ns);

/* Where a reader is in a log of lines, newest at the bottom: BACK lines between the newest
 * and the bottom line shown; FOLLOW: new lines keep the view at the newest; SEL: a selected
 * line, counted back from the newest (-1: none); SEEN: lines ever appended at the last look. */
struct pane_pos {
	size_t back;
	bool follow;
	long sel;
	uint64_t seen;
};

/* New lines came (APPENDED ever, COUNT held now): a reader scrolled back keeps looking at the
 * same lines, and the selection stays on its line (gone: -1). */
void pane_pos_keep(struct pane_pos *p, uint64_t appended, size_t count);
/* Move N lines towards the older (negative: the newer) in COUNT lines; INT32_MAX: to the
 * oldest, INT32_MIN: back to the newest, following. Reaching the newest follows again. */
void pane_pos_step(struct pane_pos *p, long n, size_t count);

/* The line BACK positions before the newest (0 = newest), or NULL past the oldest. */
const struct pane_line *pane_get(const struct pane *p, size_t back);

#endif
