/* pane: one pane's scrollback, a fixed-size ring of event lines, with scroll and follow. */
#include "config.h"

#include "ui/pane.h"

#include <errno.h>
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
	p->follow = true;
	return 0;
}

void pane_free(struct pane *p)
{
	free(p->ring);
	p->ring = NULL;
	p->cap = p->count = p->head = 0;
}

void pane_clear(struct pane *p)
{
	p->count = p->head = 0;
	p->scroll = 0;
	p->follow = true;
}

static struct pane_line *append(struct pane *p)
{
	struct pane_line *l = &p->ring[p->head];
	p->head = (p->head + 1) % p->cap;
	if (p->count < p->cap)
		p->count++;
	p->appended++;
	/* A reader scrolled back keeps looking at the same line while new ones arrive. */
	if (!p->follow && p->scroll + 1 < p->count)
		p->scroll++;
	return l;
}

void pane_push(struct pane *p, const struct event *ev)
{
	struct pane_line *l = append(p);
	/* Only the part of the preview in use is copied: a flood costs less. */
	memcpy(&l->ev, ev, offsetof(struct event, preview));
	memcpy(l->ev.preview, ev->preview,
	       ev->preview_len <= EVENT_PREVIEW_MAX ? ev->preview_len : EVENT_PREVIEW_MAX);
	if (l->ev.preview_len > EVENT_PREVIEW_MAX)
		l->ev.preview_len = EVENT_PREVIEW_MAX;
	l->ev.dropped = 0;
	l->skipped = 0;
}

void pane_skip(struct pane *p, uint64_t n, uint64_t time_ns)
{
	if (n == 0)
		return;
	if (p->count) {
		struct pane_line *last = &p->ring[(p->head + p->cap - 1) % p->cap];
		if (last->skipped) {
			last->skipped += n;
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

static size_t scroll_max(const struct pane *p, size_t rows)
{
	if (rows == 0)
		rows = 1;
	return p->count > rows ? p->count - rows : 0;
}

void pane_scroll(struct pane *p, long n, size_t rows)
{
	long s = (long)p->scroll + n;
	if (s <= 0) {
		pane_follow(p);
		return;
	}
	if ((size_t)s > scroll_max(p, rows))
		s = (long)scroll_max(p, rows);
	p->scroll = (size_t)s;
	p->follow = p->scroll == 0;
}

void pane_scroll_oldest(struct pane *p, size_t rows)
{
	p->scroll = scroll_max(p, rows);
	p->follow = p->scroll == 0;
}

void pane_follow(struct pane *p)
{
	p->scroll = 0;
	p->follow = true;
}
