/* pane: one source's scrollback, a fixed-size ring of event lines (a log sheet shows it). */
#include "config.h"

#include "ui/draw/pane.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pane_init(struct pane *p, size_t cap)
{
	memset(p, 0, sizeof(*p));
	if (cap == 0)
		return -EINVAL;
	p->ring = calloc(cap, sizeof(*p->ring));
	if (!p->ring)
		return -ENOMEM;
	p->cap = cap;
	return 0;
}

/* Let go of L's text: freed with the last line that holds it. */
static void text_drop(struct pane_line *l)
{
	struct pane_text *t = l->text;
	l->text = NULL;
	if (t && --t->refs == 0) {
		free(t->s);
		free(t);
	}
}

static void drop_all(struct pane *p)
{
	for (size_t i = 0; i < p->cap; i++)
		text_drop(&p->ring[i]);
}

void pane_free(struct pane *p)
{
	if (p->ring)
		drop_all(p);
	free(p->ring);
	p->ring = NULL;
	p->cap = p->count = p->head = 0;
}

void pane_clear(struct pane *p)
{
	drop_all(p);
	p->count = p->head = 0;
}

static struct pane_line *append(struct pane *p)
{
	struct pane_line *l = &p->ring[p->head];
	text_drop(l); /* the oldest line goes, and its text with it */
	p->head = (p->head + 1) % p->cap;
	if (p->count < p->cap)
		p->count++;
	p->appended++;
	return l;
}

void pane_push(struct pane *p, const struct event *ev)
{
	struct pane_line *l = append(p);
	event_copy(&l->ev, ev);
	l->ev.dropped = 0;
	l->skipped = 0;
}

struct pane_text *pane_text_of(const struct pane_line *l)
{
	struct pane_line *own = (struct pane_line *)l; /* only the cache is written */
	if (!own->text) {
		own->text = calloc(1, sizeof(*own->text));
		if (own->text)
			own->text->refs = 1;
	}
	return own->text;
}

bool pane_push_line(struct pane *p, const struct pane_line *l)
{
	struct pane_text *t = pane_text_of(l);
	struct pane_line *to = append(p);
	event_copy(&to->ev, &l->ev);
	to->skipped = l->skipped;
	to->text = t;
	if (t)
		t->refs++;
	return t != NULL;
}

void pane_skip(struct pane *p, uint64_t n, uint64_t time_ns)
{
	if (n == 0)
		return;
	if (p->count) {
		struct pane_line *last = &p->ring[(p->head + p->cap - 1) % p->cap];
		if (last->skipped) {
			last->skipped += n;
			text_drop(last); /* its words change */
			snprintf(last->ev.text, sizeof(last->ev.text), "%llu lines skipped",
				 (unsigned long long)last->skipped);
			return;
		}
	}
	struct pane_line *l = append(p);
	event_init(&l->ev, SRC_SYSTEM, EV_INFO);
	l->ev.time_ns = time_ns;
	l->skipped = n;
	snprintf(l->ev.text, sizeof(l->ev.text), "%llu lines skipped", (unsigned long long)n);
}

const struct pane_line *pane_get(const struct pane *p, size_t back)
{
	if (back >= p->count)
		return NULL;
	return &p->ring[(p->head + p->cap - 1 - back) % p->cap];
}

void pane_pos_keep(struct pane_pos *p, uint64_t appended, size_t count)
{
	uint64_t grew = appended - p->seen;
	p->seen = appended;
	if (grew == 0)
		return;
	if (p->sel >= 0)
		p->sel = (uint64_t)p->sel + grew < count ? p->sel + (long)grew : -1;
	if (p->follow)
		return;
	p->back = p->back + grew < count ? p->back + (size_t)grew : (count ? count - 1 : 0);
}

void pane_pos_step(struct pane_pos *p, long n, size_t count)
{
	if (n == INT32_MIN || (n < 0 && (size_t)-n >= p->back)) {
		p->back = 0;
		p->follow = true;
		return;
	}
	if (n == INT32_MAX || p->back + (size_t)n >= count)
		p->back = count ? count - 1 : 0;   /* a draw pulls it back to fill the view */
	else
		p->back = (size_t)((long)p->back + n);
	p->follow = p->back == 0;
}
