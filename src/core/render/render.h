/* render: reports (report.h) as text lines and as JSON, for the front ends that show them so.
 *
 * Batch prints these lines and objects; the console lays reports out in views of its own and
 * uses these where a plain list of lines is what it shows. Pure functions of the report. */
#ifndef UDSCOPE_RENDER_H
#define UDSCOPE_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/render/render_line.h"
#include "core/render/report.h"

/* Every line of R, in order. */
void render_text(const struct report *r, render_line_fn fn, void *ctx);
/* R as one JSON object (no newline), {"report":"help",...}: the schema doc/udscope.1 documents.
 * Returns a string the caller frees, or NULL when memory ran out. */
char *render_json(const struct report *r, size_t *len);

/* The name of a report kind in JSON: "help", "inspect", ... */
const char *render_kind_name(enum report_kind kind);
/* The source (enum event_source) a kind's lines are said under: "inspect: " in batch. */
int render_kind_source(enum report_kind kind);


/* Each kind's lines and JSON members (render_KIND.c). */
struct json;
struct dmap;
struct seqdiag;
void render_inspect_text(const struct inspect_report *r, render_line_fn fn, void *ctx);
void render_inspect_json(const struct inspect_report *r, struct json *j);
void render_sockets_text(const struct sockets_report *r, render_line_fn fn, void *ctx);
void render_sockets_json(const struct sockets_report *r, struct json *j);
void render_sessions_text(const struct sessions_report *r, render_line_fn fn, void *ctx);
void render_sessions_json(const struct sessions_report *r, struct json *j);
void render_map_text(const struct map_report *r, render_line_fn fn, void *ctx);
void render_map_json(const struct map_report *r, struct json *j);
/* The whole map as lines: a title, the ruler, the sender's row, the receiver's row, and a
 * line for each side counting its calls (and their smallest and largest). SENDER and
 * RECEIVER name the sides ("client sent", "server received"); WIDTH is the room for a
 * line. */
void render_map_dmap(const struct dmap *m, const char *sender, const char *receiver, int width,
		     render_line_fn fn, void *ctx);

/* Every line of the diagram D for WIDTH columns (at least SEQDIAG_MIN_WIDTH is used). */
void render_diagram_lines(const struct seqdiag *d, int width, render_line_fn fn, void *ctx);
void render_diagram_text(const struct diagram_report *r, render_line_fn fn, void *ctx);
void render_diagram_json(const struct diagram_report *r, struct json *j);

#endif
