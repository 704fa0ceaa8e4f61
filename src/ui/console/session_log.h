/* session_log: `log ID` in the console: one session's lines over the whole screen, live.
 * Main thread only. */
#ifndef UDSCOPE_UI_SESSION_LOG_H
#define UDSCOPE_UI_SESSION_LOG_H

#include <stdint.h>

struct console;
struct pane_line;

struct sheet;
/* `log ID`: a sheet of session ID's lines the console holds, live, into *OUT (allocated;
 * the caller pushes it, owned). Returns 0, -ENOENT (no line of it is held) or -ENOMEM. */
int session_log_sheet(struct console *c, uint32_t id, struct sheet **out);
/* A new line L of a pane: an open log of its session gets it too, sharing its text. */
void session_log_feed(struct console *c, const struct pane_line *l);

#endif
