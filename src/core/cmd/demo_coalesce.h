/* demo_coalesce: the tour's step showing three sends read as one recv, on a socketpair of its
 * own so that every write is queued before the read (deterministic, no thread). */
#ifndef UDSCOPE_DEMO_COALESCE_H
#define UDSCOPE_DEMO_COALESCE_H

struct app;

/* Write three pieces on one end of a stream socketpair, read the other end once, say each
 * call and show the delivery map. Returns 0, or -1 after an error line. Main thread. */
int demo_coalesce(struct app *app);

#endif
