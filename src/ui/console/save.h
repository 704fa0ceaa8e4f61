/* save: the console's `save` (the focused view as text, a session's events as JSON lines) and
 * the session lines `log ID` shows. Main thread only. */
#ifndef UDSCOPE_UI_SAVE_H
#define UDSCOPE_UI_SAVE_H

#include <stddef.h>
#include <stdint.h>

struct console;
struct pane_line;
struct view;

/* Set the app's save hook (app_front) to the console's. */
void save_hooks(struct console *c);
/* Every line of session ID (0: of every session) the panes' rings hold, oldest first: *OUT
 * (allocated, the caller frees it; NULL on ENOMEM) points into the rings. Returns how many. */
size_t save_session_lines(const struct view *v, uint32_t id, const struct pane_line ***out);

#endif
