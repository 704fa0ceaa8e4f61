/* keys: the console's key table (key, action, help) and the reading of typed keys. */
#ifndef UDSCOPE_UI_KEYS_H
#define UDSCOPE_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

struct console;

/* Handle the keys waiting on the terminal (a bounded number per call, so a paste cannot
 * starve the bus): the console's own keys act, the rest go to readline. Main thread. */
void keys_read(struct console *c);
/* Key I of the help's list (name and what it does); false past the last. */
bool keys_help_entry(size_t i, const char **name, const char **help);

#endif
