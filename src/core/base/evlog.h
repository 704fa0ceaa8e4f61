/* evlog: the newest events a front end without panes (batch) keeps, so that `save --json`
 * and `log ID` can give them back: at most CAP events, each kept in as few bytes as it uses
 * (the header up to its last field that is set, the text and the preview) in a ring that grows
 * as it fills. Not thread-safe: the front end's thread only. */
#ifndef UDSCOPE_EVLOG_H
#define UDSCOPE_EVLOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/event.h"

/* Events batch keeps. */
#define EVLOG_CAP_DEFAULT 8192

struct evlog {
	unsigned char *ring;      /* the records, each whole, one after another (evlog.c) */
	size_t size, max;         /* bytes allocated; at most: CAP events at their largest */
	size_t *starts;           /* where each held record starts, oldest at [first] */
	size_t cap, first;        /* events held at most; the oldest's slot in starts */
	size_t head;              /* where the next record goes */
	size_t count;             /* events held */
	uint64_t dropped;         /* older events let go to make room */
	struct event at;          /* the event evlog_at gave last */
};

void evlog_init(struct evlog *l, size_t cap);
void evlog_free(struct evlog *l);
/* Keep a copy of EV (the oldest goes when full; on ENOMEM the oldest go too, or EV). */
void evlog_push(struct evlog *l, const struct event *ev);
/* Event I of those held, oldest first (I < count), made whole again in L: valid until the next
 * evlog_at, evlog_push or evlog_free. */
const struct event *evlog_at(struct evlog *l, size_t i);

#endif
