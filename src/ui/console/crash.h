/* crash: give the terminal back when a fatal signal (SIGSEGV, SIGABRT, ...) ends the console. */
#ifndef UDSCOPE_UI_CRASH_H
#define UDSCOPE_UI_CRASH_H

/* Save the terminal's modes as the shell left them. Call before curses changes them. */
void crash_save_tty(void);
/* Prepare the reset string from the terminal's capabilities (curses must know the terminal),
 * with EXTRA (the mouse modes off) in front, and install the handler for the fatal signals.
 * Main thread. */
void crash_arm(const char *extra);
/* The fatal signals back to their default action, once curses gave the terminal back. */
void crash_disarm(void);

#endif
