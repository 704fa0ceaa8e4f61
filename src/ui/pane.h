/* pane: one pane's scrollback, a fixed-size ring of event lines, with scroll and follow. */
#ifndef UDSCOPE_UI_PANE_H
#define UDSCOPE_UI_PANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"

/* Lines each pane keeps; older lines are overwritten. */
#define PANE_LINES_DEFAULT 2048

/* A line keeps its event, not its rendering, so F2 (hex/text) re-renders old lines too. */
struct pane_line {
	struct event ev;
	uint64_t skipped;   /* > 0: this line says "N lines skipped" */
};

struct pane {
	struct pane_line *ring;   /* allocated once by pane_init: memory stays fixed */
	size_t cap;
	size_t head;              /* the slot the next line goes to */
	size_t count;             /* lines held, <= cap */
	uint64_t appended;        /* lines ever pushed, markers included */
	size_t scroll;            /* lines between the newest and the bottom line shown */
	bool follow;              /* new lines keep the view at the newest */
	bool focus;
};

int pane_init(struct pane *p, size_t cap);
void pane_free(struct pane *p);
void pane_clear(struct pane *p);

/* Append a copy of EV (its dropped count is cleared: pane_skip says that). */
void pane_push(struct pane *p, const struct event *ev);
/* Say that N lines were skipped; consecutive reports merge into one line. */
void pane_skip(struct pane *p, uint64_t n, uint64_t time_ns);

/* The line BACK positions before the newest (0 = newest), or NULL past the oldest. */
const struct pane_line *pane_get(const struct pane *p, size_t back);

/* Scroll towards older lines by N (negative: newer), with ROWS lines on screen: the oldest
 * line stops at the top, not the bottom. Reaching the newest resumes follow. */
void pane_scroll(struct pane *p, long n, size_t rows);
void pane_scroll_oldest(struct pane *p, size_t rows);
/* Back to the newest line, following again. */
void pane_follow(struct pane *p);

#endif
