/* dissect: tshark's full dissection of the chunk the detail sheet shows, made by a worker
 * thread (decode_job) while the sheet says "dissecting..."; main thread. */
#ifndef UDSCOPE_UI_DISSECT_H
#define UDSCOPE_UI_DISSECT_H

#include "core/base/event.h"
#include "ui/draw/sheet.h"

struct console;

/* Start dissecting chunk EV for sheet S when its session decodes (a job that was running
 * is forgotten). Returns where it stands: DETAIL_NONE, DETAIL_RUNNING or DETAIL_FAILED. */
struct detail_dissection console_dissect_start(struct console *c, struct sheet *s,
					       const struct event *ev);
/* The running job's descriptor (readable when done), or -1. */
int console_dissect_fd(const struct console *c);
/* How a finished dissection goes into its sheet (the frame's detail builder, passed in so
 * that this file does not call the frame back). */
typedef void dissect_rebuild_fn(struct console *c, struct sheet *s, const struct event *ev,
				const struct detail_dissection *dd);
/* The job finished: its text goes into the sheet through REBUILD if that is still open. */
void console_dissect_done(struct console *c, dissect_rebuild_fn *rebuild);
/* Forget the running job (its thread ends on its own, within its deadline). */
void console_dissect_drop(struct console *c);

#endif
