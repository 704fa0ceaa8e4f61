/* frame: what the console's frame shows: events into rings, a command's result into the message
 * line or the Report pane, reports and chunks into full-screen sheets, and which panes the
 * layout gets for the terminal's size. Main thread only. */
#ifndef UDSCOPE_UI_FRAME_H
#define UDSCOPE_UI_FRAME_H

#include <stdbool.h>

struct console;
struct event;

/* The rings, the sheets and the welcome; -1 when memory is short. */
int frame_init(struct console *c);
void frame_free(struct console *c);
/* Take reports from the commands (app->reports). */
void frame_reports(struct console *c);
/* An event from the bus or a command. */
void frame_event(struct console *c, const struct event *ev);
/* Around a typed line: its own lines are its result, shown when it ends (LINE names it). */
void frame_result_begin(struct console *c, const char *line);
void frame_result_end(struct console *c, const char *line);
/* Whether a live table (sockets, sessions) shows; refresh it (its command run again, quietly,
 * its sort, selection and place kept). */
bool frame_live(const struct console *c);
void frame_refresh(struct console *c);
/* The sockets listing's worker has news (its fd was readable): the live sockets table is
 * refreshed (progress, or the holders it found); with no such table, the scan is stopped. */
void frame_sockets_news(struct console *c);
/* Focus the next (STEP 1) or previous (-1) pane shown. */
void frame_focus_step(struct console *c, int step);

#endif
