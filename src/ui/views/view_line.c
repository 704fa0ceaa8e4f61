/* view_line: a log line's text, the way a log sheet shows it (the time, whose line, the arrow,
 * then the event's words from render_event), made once and kept with the line (struct
 * pane_text): a redraw, a scroll, a resize, a search or a save use it again. F2 words it anew
 * (the words change); the Conversation's label or another time base makes only its head again.
 * Main thread only. */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/event.h"
#include "core/render/render_event.h"
#include "ui/draw/pane.h"
#include "ui/draw/text.h"
#include "ui/views/view.h"

/* Room for any line: render's longest words and the head. */
#define LINE_MAX_ (EVENT_LINE_MAX + 128)

/* How a head is made: whose line it is in front (the Conversation), and UTF-8 arrows. */
#define KEY_MADE 1u
#define KEY_LABEL 2u
#define KEY_UTF8 4u

/* The time, whose line it is, and the direction arrow. */
static size_t head(const struct view *v, const struct event *ev, bool label, char *out, size_t len)
{
	uint64_t t = ev->time_ns > v->base_ns ? ev->time_ns - v->base_ns : 0;
	uint64_t ms = t / 1000000u;
	int n = snprintf(out, len, "%4" PRIu64 ".%03" PRIu64 " ", ms / 1000u, ms % 1000u);
	size_t hl = n < 0 ? 0 : (size_t)n;
	char who[48] = "";
	if (label) {
		render_event_label(ev, who, sizeof(who));
		n = snprintf(out + hl, len - hl, "%-9s ", who); /* a space before the arrow */
	} else if (ev->show_session && ev->session) {
		/* Another session of its kind shares the pane: say whose line it is. */
		n = snprintf(out + hl, len - hl, "[%" PRIu32 "]%s", ev->session,
			     ev->conn ? "" : " ");
	} else {
		n = 0;
	}
	hl += n < 0 ? 0 : (size_t)n;
	if (!label && ev->conn)
		n = snprintf(out + hl, len - hl, "#%-2" PRIu32 " ", ev->conn);
	else if (!label && ev->actor && ev->source != SRC_PAIR_PARENT &&
		 ev->source != SRC_PAIR_CHILD)
		n = snprintf(out + hl, len - hl, "%ld ", (long)ev->actor);
	else
		n = 0; /* the pair's pids are in its title: its columns are narrow */
	hl += n < 0 ? 0 : (size_t)n;
	/* A tap's chunk points the way it went (client on the left, as in its diagram). */
	bool chunk = ev->kind == EV_RECV || ev->kind == EV_SEND;
	bool left = chunk && ev->dir != DIR_NONE ? ev->dir == DIR_S2C : ev->kind == EV_RECV;
	const char *arrow = !chunk ? (v->utf8 ? "  " : "   ")
			    : left ? (v->utf8 ? "\u2190 " : "<- ")
				   : (v->utf8 ? "\u2192 " : "-> ");
	n = snprintf(out + hl, len - hl, "%s", arrow);
	hl += n < 0 ? 0 : (size_t)n;
	return hl < len ? hl : len - 1;
}

/* Keep LINE (N bytes, the first HL its head) as T's text, made with FLAGS, KEY and BASE_NS;
 * false without memory (T keeps what it had). */
static bool keep(struct pane_text *t, const char *line, size_t n, size_t hl, int indent,
		 unsigned flags, unsigned key, uint64_t base_ns)
{
	char *s = realloc(t->s, n + 1);
	if (!s)
		return false;
	memcpy(s, line, n);
	s[n] = '\0';
	t->s = s;
	t->len = n;
	t->head = hl;
	t->indent = indent;
	t->flags = flags;
	t->key = key;
	t->base_ns = base_ns;
	return true;
}

/* "  12.345 -- 3 lines skipped (...) --": a skipped line has no words of render's. */
static size_t skipped_line(const struct view *v, const struct pane_line *pl, char *out, size_t len)
{
	const struct event *ev = &pl->ev;
	uint64_t t = ev->time_ns > v->base_ns ? ev->time_ns - v->base_ns : 0;
	uint64_t ms = t / 1000000u;
	int n = snprintf(out, len,
			 "%4" PRIu64 ".%03" PRIu64 " -- %s (the console fell behind; "
			 "totals stay exact) --",
			 ms / 1000u, ms % 1000u, ev->text);
	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

/* Make PL's line into LINE: its head for KEY and, when WORDS is NULL, its words anew (else
 * the WN bytes of WORDS, made before). Returns the length; *HL the head's, *INDENT. */
static size_t make(const struct view *v, const struct pane_line *pl, unsigned key,
		   const char *words, size_t wn, char *line, size_t *hl, int *indent)
{
	if (pl->skipped) {
		*hl = 0;
		*indent = 9;
		return skipped_line(v, pl, line, LINE_MAX_);
	}
	*hl = key & KEY_MADE ? head(v, &pl->ev, key & KEY_LABEL, line, LINE_MAX_) : 0;
	*indent = text_width(line, *hl);
	if (!words)
		return *hl + render_event_words(&pl->ev, v->hex ? EVENT_FMT_HEX : 0, line + *hl,
						LINE_MAX_ - *hl);
	wn = wn < LINE_MAX_ - 1 - *hl ? wn : LINE_MAX_ - 1 - *hl;
	memcpy(line + *hl, words, wn);
	line[*hl + wn] = '\0';
	return *hl + wn;
}

/* T holds PL's line for V with KEY: made now if it does not (or its words are F2's other
 * form). Returns T's text, or LINE (made there) when there was no memory to keep it. */
static const char *ensure(const struct view *v, const struct pane_line *pl, struct pane_text *t,
			  unsigned key, char *line, size_t *len, int *indent)
{
	unsigned flags = v->hex ? EVENT_FMT_HEX : 0;
	bool words = t && t->s && t->flags == flags;
	if (words && t->key == key && t->base_ns == v->base_ns) {
		*len = t->len;
		*indent = t->indent;
		return t->s;
	}
	size_t hl;
	*len = make(v, pl, key, words ? t->s + t->head : NULL, words ? t->len - t->head : 0, line,
		    &hl, indent);
	if (t && keep(t, line, *len, hl, *indent, flags, key, v->base_ns))
		return t->s;
	return line;
}

const char *view_log_text(const struct view *v, const struct pane_line *pl, bool label, size_t *len,
			  int *indent)
{
	static char line[LINE_MAX_]; /* main thread only: a line made but not kept */
	unsigned key = KEY_MADE | (label ? KEY_LABEL : 0) | (v->utf8 ? KEY_UTF8 : 0);
	return ensure(v, pl, pane_text_of(pl), key, line, len, indent);
}

const char *view_log_words(const struct pane_line *pl, unsigned flags, size_t *len)
{
	static char line[EVENT_LINE_MAX];
	struct pane_text *t = pl->skipped ? NULL : pane_text_of(pl);
	if (t && t->s && t->flags == flags) {
		*len = t->len - t->head;
		return t->s + t->head;
	}
	*len = render_event_words(&pl->ev, flags, line, sizeof(line));
	/* Nothing kept yet: keep the words (a log view makes its head later, not them). */
	if (t && !t->s && keep(t, line, *len, 0, 0, flags, 0, 0))
		return t->s;
	return line;
}
