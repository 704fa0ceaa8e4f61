/* table_fill: the typed rows of the sockets and sessions reports as tables (pure). */
#ifndef UDSCOPE_UI_TABLE_FILL_H
#define UDSCOPE_UI_TABLE_FILL_H

#include <stdbool.h>

struct report;
struct table;

/* The path column of the sockets table (Enter inspects it). */
#define TABLE_SOCKETS_PATH 6

/* R (REPORT_SOCKETS or REPORT_SESSIONS) as a new table; NULL for other kinds or ENOMEM. */
struct table *table_from_report(const struct report *r, bool utf8);

#endif
