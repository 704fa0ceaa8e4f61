/* keys: the console's key table (key, action, help) and the reading of typed keys. */
#ifndef UDSCOPE_UI_KEYS_H
#define UDSCOPE_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

struct console;
struct help_key;

/* The most keys help lists. */
#define KEYS_HELP_MAX 48

/* Handle the keys waiting on the terminal (a bounded number per call, so a paste cannot
 * starve the bus): the console's own keys act, the rest go to readline. Main thread. */
void keys_read(struct console *c);
/* The keys help lists (name and what each does), at most MAX into OUT; returns how many. The
 * console reads them once and hands them to the help view as data. */
size_t keys_help(struct help_key *out, size_t max);

#endif
