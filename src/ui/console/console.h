/* console: the full-screen front end's main loop: terminal, bus and signals in one poll. */
#ifndef UDSCOPE_UI_CONSOLE_H
#define UDSCOPE_UI_CONSOLE_H

#include <stdbool.h>

/* Frames are painted at most this often; a flood of events costs frames, not events. */
#define CONSOLE_FRAME_MS 33
/* Titles (rates, queue depths) are refreshed this often while a session runs. */
#define CONSOLE_TICK_MS 1000
/* How often a pending script line (wait, expect, disconnect) is looked at. */
#define CONSOLE_SCRIPT_MS 20
#define CONSOLE_BUS_EVENTS 8192

/* Run the full-screen console; EXEC holds the -e commands, run in order; NO_MOUSE leaves
 * the terminal's mouse alone. Returns the exit status. main's entry into the console: this
 * header stays free of curses. */
int console_run(char **exec, int nexec, bool no_color, bool no_mouse);

#endif
