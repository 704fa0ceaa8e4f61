/* fullkeys: keys of a full-screen sheet (close, search, select), the search line, the mouse. */
#ifndef UDSCOPE_UI_FULLKEYS_H
#define UDSCOPE_UI_FULLKEYS_H

#include <stdbool.h>
#include <wchar.h>

struct console;
struct mouse_event;

/* A key while a sheet has the whole screen; false: the key table's (PgUp, F10, ...). */
bool full_key(struct console *c, wint_t wc, bool code);
/* A key while '/' edits a search: Enter searches, Esc gives up, Backspace deletes. */
void search_key(struct console *c, wint_t wc, bool code);
/* A click focuses the pane under it; the wheel scrolls what is under it. */
void mouse_act(struct console *c, const struct mouse_event *m);

#endif
