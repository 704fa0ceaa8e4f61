/* render_event: the words, batch line and JSON object of an event, made from its fields. The
 * one place event text is made and escaped: its output is printable ASCII (peer and user bytes
 * escaped by bytes_escape/bytes_repr; JSON strings by json_escape), so a front end shows it as
 * it is and never cleans it again. Thread-safe (its one state is a relaxed counter of the events
 * worded, render_event_made). */
#ifndef UDSCOPE_RENDER_EVENT_H
#define UDSCOPE_RENDER_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/event.h"

#define EVENT_FMT_HEX 1u    /* bytes as hex + ASCII instead of b'...' */
#define EVENT_FMT_TIME 2u   /* line: a leading seconds.millis column (since BASE_NS) */

/* The words of an event, without the source: "received 16 bytes b'This is the mess'".
 * The panes and the batch lines both use this. Returns the length (output cut to fit). */
size_t render_event_words(const struct event *ev, unsigned flags, char *buf, size_t len);
/* The source label: "server #3", "client", "pair parent 1234". Empty for SRC_SYSTEM. */
size_t render_event_label(const struct event *ev, char *buf, size_t len);
/* The time column of EVENT_FMT_TIME: "   1.234567 " (seconds since BASE_NS). */
size_t render_event_time(uint64_t time_ns, uint64_t base_ns, char *buf, size_t len);
/* A whole batch line: [time ]label: words (no newline). */
size_t render_event_line(const struct event *ev, unsigned flags, uint64_t base_ns,
			 char *buf, size_t len);
/* One JSON object (no newline), the schema doc/udscope.1 documents: text as UTF-8 (with
 * text_hex holding the exact bytes when they are not UTF-8), data as hex. */
size_t render_event_json(const struct event *ev, uint64_t base_ns, char *buf, size_t len);
/* The same two with the chunk's bytes given whole (DATA, N: from the capture store) instead of
 * the preview. BUF needs EVENT_LINE_MAX + 4 * N (lines) or EVENT_JSON_MAX + 2 * N (JSON). */
size_t render_event_line_full(const struct event *ev, const void *data, size_t n,
			      unsigned flags, uint64_t base_ns, char *buf, size_t len);
size_t render_event_json_full(const struct event *ev, const void *data, size_t n,
			      uint64_t base_ns, char *buf, size_t len);

/* How many times an event's words were made (each words, line and JSON object counts one), by
 * every thread since the start: tests and benches count renders with it. */
uint64_t render_event_made(void);

struct capture;
struct savefile;
/* EV as one JSON line into F, the encoder batch --json uses (render_event_json): with the
 * chunk's whole bytes from CAP when it still holds them (NULL: the preview). A failure is kept
 * in F (savefile_commit reports it). */
void render_event_save_json(struct savefile *f, const struct event *ev, struct capture *cap,
			    uint64_t base_ns);

/* Big enough for any line render_event_line produces. */
#define EVENT_LINE_MAX (BYTES_REPR_SIZE_EV + EVENT_TEXT_MAX * 2 + 256)
#define BYTES_REPR_SIZE_EV (4 * EVENT_PREVIEW_MAX + 4)
/* Big enough for any object render_event_json produces: text at worst 6 bytes a byte plus
 * 2 for text_hex, data 2 a byte, and the fixed fields. */
#define EVENT_JSON_MAX (8 * EVENT_TEXT_MAX + 2 * EVENT_PREVIEW_MAX + 1024)

#endif
