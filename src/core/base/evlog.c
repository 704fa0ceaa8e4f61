/* evlog: a bounded ring of the newest events, for a front end that keeps no panes. An event is
 * kept as a record of what it uses: a watch's 16-byte chunk takes about 150 bytes, not a whole
 * 984-byte struct event. Its copy into a cold ring was a third of udscope's own time in a
 * watch's flood of small calls: a record touches three cache lines instead of seven. */
#include "config.h"

#include "core/base/evlog.h"

#include <stdlib.h>
#include <string.h>

/* A record: these, then the header's first head_len bytes, the text, the preview. */
struct rec {
	uint16_t head_len, text_len, preview_len, pad;
};

#define HEADER offsetof(struct event, text)
#define ALIGN8(n) (((n) + 7) & ~(size_t)7)
#define REC_MAX ALIGN8(sizeof(struct rec) + HEADER + EVENT_TEXT_MAX + EVENT_PREVIEW_MAX)
#define RING_MIN ((size_t)64 << 10)

void evlog_init(struct evlog *l, size_t cap)
{
	memset(l, 0, offsetof(struct evlog, at));
	l->cap = cap;
	/* Two more than CAP: a record never wraps, so the end of the ring may lie unused. */
	l->max = (cap + 2) * REC_MAX;
}

void evlog_free(struct evlog *l)
{
	free(l->ring);
	free(l->starts);
	evlog_init(l, l->cap);
}

/* The header's bytes up to its last one that is not zero (the rest of it is zeros). */
static size_t header_used(const struct event *ev)
{
	const unsigned char *p = (const unsigned char *)ev;
	size_t n = HEADER;
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, p + n - 8, sizeof(w));
		if (w)
			break;
		n -= 8;
	}
	while (n && !p[n - 1])
		n--;
	return n;
}

/* Let the oldest go. */
static void drop_oldest(struct evlog *l)
{
	l->first = (l->first + 1) % l->cap;
	l->count--;
	l->dropped++;
	if (l->count == 0)
		l->head = 0;
}

/* Where N bytes go without overwriting a held record, or SIZE_MAX: after the newest, or at
 * the start when that is past the end and the oldest starts far enough in. */
static size_t place(const struct evlog *l, size_t n)
{
	if (l->count == 0)
		return n <= l->size ? 0 : SIZE_MAX;
	size_t tail = l->starts[l->first];
	if (tail < l->head) {
		if (l->head + n <= l->size)
			return l->head;
		return n <= tail ? 0 : SIZE_MAX;
	}
	return l->head + n <= tail ? l->head : SIZE_MAX;
}

/* A larger ring (up to MAX) with the held records laid out again from its start. */
static int grow(struct evlog *l)
{
	size_t size = l->size ? 2 * l->size : RING_MIN;
	if (size > l->max)
		size = l->max;
	if (!l->starts && !(l->starts = malloc(l->cap * sizeof(*l->starts))))
		return -1;
	unsigned char *r = malloc(size);
	if (!r)
		return -1;
	size_t w = 0;
	for (size_t i = 0; i < l->count; i++) {
		size_t k = (l->first + i) % l->cap, at = l->starts[k];
		const struct rec *h = (const struct rec *)(void *)(l->ring + at);
		size_t n = ALIGN8(sizeof(*h) + h->head_len + h->text_len + h->preview_len);
		memcpy(r + w, l->ring + at, n);
		l->starts[k] = w;
		w += n;
	}
	free(l->ring);
	l->ring = r;
	l->size = size;
	l->head = w;
	return 0;
}

void evlog_push(struct evlog *l, const struct event *ev)
{
	if (l->cap == 0)
		return;
	struct rec h = { (uint16_t)header_used(ev), (uint16_t)event_text_len(ev),
			 ev->preview_len < EVENT_PREVIEW_MAX ? ev->preview_len : EVENT_PREVIEW_MAX,
			 0 };
	size_t n = ALIGN8(sizeof(h) + h.head_len + h.text_len + h.preview_len), at;
	if (l->count == l->cap)
		drop_oldest(l);
	while ((at = place(l, n)) == SIZE_MAX) {
		if (l->size < l->max && grow(l) == 0)
			continue;
		if (l->count == 0)
			return; /* no memory even for this one */
		drop_oldest(l);
	}
	unsigned char *d = l->ring + at;
	memcpy(d, &h, sizeof(h));
	d += sizeof(h);
	memcpy(d, ev, h.head_len);
	memcpy(d + h.head_len, ev->text, h.text_len);
	memcpy(d + h.head_len + h.text_len, ev->preview, h.preview_len);
	l->starts[(l->first + l->count) % l->cap] = at;
	l->count++;
	l->head = at + n;
}

const struct event *evlog_at(struct evlog *l, size_t i)
{
	const unsigned char *s = l->ring + l->starts[(l->first + i) % l->cap];
	struct rec h;
	memcpy(&h, s, sizeof(h));
	s += sizeof(h);
	struct event *ev = &l->at;
	memcpy(ev, s, h.head_len);
	memset((unsigned char *)ev + h.head_len, 0, HEADER - h.head_len);
	memcpy(ev->text, s + h.head_len, h.text_len);
	ev->text[h.text_len] = '\0';
	memcpy(ev->preview, s + h.head_len + h.text_len, h.preview_len);
	ev->preview_len = h.preview_len;
	return ev;
}
