/* render_fact: the words and JSON members of an event's fact (enum event_fact in
 * core/base/event.h), made from its typed fields. Used by render_event.c only; thread-safe. */
#ifndef UDSCOPE_RENDER_FACT_H
#define UDSCOPE_RENDER_FACT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/base/event.h"

/* EV's fact in words into BUF: paths and names escaped (bytes_escape), or as they are with RAW
 * (for JSON's text, which json_escape encodes). Returns the length (cut to fit). */
size_t render_fact_words(const struct event *ev, bool raw, char *buf, size_t len);
/* The fact's members that are names and numbers, each as ,"key":value, into BUF ("" for
 * FACT_NONE); the strings (path, detail, peer_comm) are the caller's to encode. */
void render_fact_json(const struct event *ev, char *buf, size_t len);
/* The JSON names of a fact and of a reason ("node-removed", "peer-closed"). */
const char *render_fact_name(unsigned fact);
const char *render_fact_reason(unsigned reason);
/* The detail after the path ("" when none). */
const char *render_fact_detail(const struct event *ev);
/* The target after them ("" when none). */
const char *render_fact_target(const struct event *ev);

#endif
