/* session_log: `log ID` in the console: one session's lines over the whole screen, live.
 * Main thread only. */
#ifndef UDSCOPE_UI_SESSION_LOG_H
#define UDSCOPE_UI_SESSION_LOG_H

struct console;
struct event;

/* Set the app's log hook (app_front) to the console's. */
void session_log_hooks(struct console *c);
/* A new event: an open log of its session gets it too. */
void session_log_feed(struct console *c, const struct event *ev);

#endif
