/* render_fact_pair: the pair demo's facts in words and JSON members (render_fact.c asks). */
#ifndef UDSCOPE_RENDER_FACT_PAIR_H
#define UDSCOPE_RENDER_FACT_PAIR_H

#include <stdbool.h>

#include "core/base/event.h"
#include "core/render/render_put.h"

/* EV's words into O when its fact is the pair demo's; false (nothing put) otherwise. */
bool render_fact_pair_words(struct render_put *o, const struct event *ev);
/* The members of a pair demo's fact, each as ,"key":value, into O. */
void render_fact_pair_json(struct render_put *o, const struct event *ev);

#endif
