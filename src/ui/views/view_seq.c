/* view_seq: the sequence kind: the client and the server as two lifelines (core/teach/seqdiag.h),
 * each chunk sent an arrow labelled with its size and bytes, each chunk received and each
 * step a note on its side, in time order; laid out again when the width or the events change.
 * A tap's connection the same way: each chunk it passed on an arrow from its sender. */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "core/base/bytes.h"
#include "core/base/event.h"
#include "core/render/render.h"
#include "core/teach/seqdiag.h"
#include "core/render/render_event.h"
#include "ui/draw/sheet.h"
#include "ui/views/view.h"

/* The newest events a diagram shows: a flood would make it a wall. */
#define SEQ_EVENTS_MAX 400

/* " PROTO INFO" of decoded summary SUM into BUF, printable ASCII only (tshark's words are
 * peer-derived); "" without one. */
static void summary(const struct event *sum, char *buf, size_t len)
{
	buf[0] = '\0';
	if (!sum)
		return;
	snprintf(buf, len, " %s %s", sum->proto, sum->text);
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
}

/* A tap's line as one item: a chunk it passed on is an arrow from the side that sent it (the
 * client on the left) carrying its decoded summary SUM (NULL: none), anything else a note
 * on the side it is about. */
static int tap_item(struct seqdiag *d, const struct pane_line *pl, const struct event *sum)
{
	const struct event *ev = &pl->ev;
	char label[EVENT_LINE_MAX], repr[BYTES_REPR_SIZE_EV], said[EVENT_TEXT_MAX + 32];
	enum seq_side side = ev->dir == DIR_S2C ? SEQ_RIGHT : SEQ_LEFT;
	if (ev->kind == EV_RECV && ev->dir != DIR_NONE) {
		bytes_repr(ev->preview, ev->preview_len, repr, sizeof(repr));
		summary(sum, said, sizeof(said));
		snprintf(label, sizeof(label), "%" PRIu64 " B%s %s%s", ev->nbytes, said, repr,
			 ev->preview_len < ev->nbytes ? "..." : "");
		return seqdiag_add(d, SEQ_ARROW, side, ev->time_ns, label);
	}
	size_t n;
	return seqdiag_add(d, SEQ_NOTE, side, ev->time_ns, view_log_words(pl, 0, &n));
}

/* An event as one item: a chunk sent is an arrow, anything else a note on its side. */
static int item(struct seqdiag *d, const struct pane_line *pl, const struct event *sum)
{
	const struct event *ev = &pl->ev;
	char label[EVENT_LINE_MAX], repr[BYTES_REPR_SIZE_EV];
	if (ev->source == SRC_TAP || ev->source == SRC_WATCH)
		return tap_item(d, pl, sum);
	enum seq_side side = ev->source == SRC_CLIENT ? SEQ_LEFT : SEQ_RIGHT;
	if (ev->kind == EV_SEND || ev->kind == EV_RECV) {
		bytes_repr(ev->preview, ev->preview_len, repr, sizeof(repr));
		bool more = ev->preview_len && ev->preview_len < ev->nbytes;
		if (ev->kind == EV_RECV && ev->nbytes == 0)
			snprintf(label, sizeof(label), "got end of stream");
		else
			snprintf(label, sizeof(label), "%s%" PRIu64 " B %s%s",
				 ev->kind == EV_RECV ? "got " : "", ev->nbytes,
				 ev->preview_len ? repr : "(the chunk received, echoed)",
				 more ? "..." : "");
		return seqdiag_add(d, ev->kind == EV_SEND ? SEQ_ARROW : SEQ_NOTE, side,
				   ev->time_ns, label);
	}
	size_t n; /* the words the log shows, escaped by render once and kept */
	return seqdiag_add(d, SEQ_NOTE, side, ev->time_ns, view_log_words(pl, 0, &n));
}

static void add_line(void *ctx, const struct render_line *l)
{
	struct doc *doc = ctx;
	doc_add(doc, l->text, l->len, false, DOC_PLAIN, 0, 0);
}

/* The decoded summary of chunk EV among the BACK newer lines of S, or NULL. */
static const struct event *summary_of(struct sheet *s, const struct event *ev, size_t back)
{
	if (ev->kind != EV_RECV || !ev->chunk_no)
		return NULL;
	while (back-- > 0) {
		const struct event *e = &log_line_at(s, back)->ev;
		if (e->decoded && e->session == ev->session && e->chunk_no == ev->chunk_no)
			return e;
	}
	return NULL;
}

/* Lay the diagram out again for WIDTH from the rings' newest SEQ_EVENTS_MAX events. */
static void build(struct sheet *s, int width)
{
	struct seqdiag d;
	size_t n = log_count(s);
	doc_clear(&s->doc);
	if (seqdiag_init(&d, "client", "server") < 0)
		return;
	for (size_t back = n > SEQ_EVENTS_MAX ? SEQ_EVENTS_MAX : n; back-- > 0;) {
		const struct pane_line *pl = log_line_at(s, back);
		/* A tap's diagram: the lines of its one connection. */
		if (pl->skipped || (s->session && pl->ev.session != s->session) ||
		    (s->conn && pl->ev.conn != s->conn))
			continue;
		if (pl->ev.decoded)
			continue; /* on its chunk's arrow */
		if (item(&d, pl, summary_of(s, &pl->ev, back)) < 0)
			break;
	}
	render_diagram_lines(&d, width, add_line, &s->doc);
	seqdiag_free(&d);
	s->width = width;
}

static void seq_draw(struct sheet *s, struct view *v, struct layout_rect r)
{
	uint64_t appended = s->ring[0]->appended + (s->ring[1] ? s->ring[1]->appended : 0);
	if (appended != s->pos.seen || r.w != s->width) {
		bool at_end = s->pos.follow;
		s->pos.seen = appended;
		build(s, r.w);
		if (at_end)
			s->top = (long)s->doc.n;   /* the draw pulls it back to the last page */
	}
	doc_sheet_draw(s, v, r);
}

static void seq_step(struct sheet *s, long n)
{
	doc_sheet_scroll(s, n);
	/* At the last page it follows new events again. */
	s->pos.follow = n == INT32_MIN || (n < 0 && s->top + s->shown >= (long)s->doc.n);
}

const struct sheet_kind seq_kind = {
	.name = "diagram",
	.draw = seq_draw,
	.step = seq_step,
	.find = doc_sheet_find,
};
