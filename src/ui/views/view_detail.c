/* view_detail: the chunk kind: one chunk in full from the capture store (a hex dump 16 bytes a
 * row with offsets, then its text, then tshark's dissection when its session decodes), and
 * every byte its connection received, joined as text. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/bytes.h"
#include "core/base/capture.h"
#include "core/base/event.h"
#include "core/render/render_event.h"
#include "core/base/words.h"
#include "ui/draw/hexdump.h"
#include "ui/draw/pane.h"
#include "ui/draw/sheet.h"

/* The joined text stops here: a view, not a download. */
#define DETAIL_JOIN_MAX (256u << 10)

/* LEN bytes as text lines: split at each newline, everything else escaped by doc_add. */
static void text_lines(struct doc *d, const uint8_t *b, size_t len, bool utf8)
{
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || b[i] == '\n') {
			if (i > start || i < len)
				doc_add(d, (const char *)b + start, i - start, utf8, DOC_PLAIN,
					0, 0);
			start = i + 1;
		}
	}
}

/* The chunk's bytes into a buffer the caller frees; NULL with *ERR set (-ENOENT: evicted). */
static uint8_t *chunk_bytes(struct capture *cap, const struct event *ev, size_t *len, int *err)
{
	*err = -ENOENT;
	if (!cap || !ev->capture)
		return NULL;
	uint8_t *b = malloc(ev->nbytes ? ev->nbytes : 1);
	if (!b) {
		*err = -ENOMEM;
		return NULL;
	}
	ssize_t n = capture_read(cap, ev->capture, ev->capture_off, b, ev->nbytes);
	if (n < 0) {
		*err = (int)n;
		free(b);
		return NULL;
	}
	*len = (size_t)n;
	return b;
}

static void hex_rows(struct doc *d, const uint8_t *b, size_t n, bool utf8)
{
	char row[HEXDUMP_ROW_MAX];
	doc_addf(d, utf8, DOC_HEADING, "Hex (offset, 16 bytes, text)");
	for (size_t r = 0; r < hexdump_rows(n); r++) {
		size_t len = hexdump_row(b, n, r, row, sizeof(row));
		doc_add(d, row, len, utf8, DOC_PLAIN, 0, 0);
	}
}

/* Every chunk the same connection received that the ring still holds, oldest first. */
static void joined(struct doc *d, struct capture *cap, const struct event *ev,
		   const struct pane *ring, bool utf8)
{
	uint8_t *all = malloc(DETAIL_JOIN_MAX);
	size_t len = 0, chunks = 0, lost = 0;
	if (!all)
		return;
	for (size_t back = ring->count; back-- > 0;) {
		const struct event *e = &pane_get(ring, back)->ev;
		if (e->kind != EV_RECV || e->source != ev->source || e->session != ev->session ||
		    e->conn != ev->conn || e->nbytes == 0)
			continue;
		ssize_t n = e->capture ? capture_read(cap, e->capture, e->capture_off, all + len,
						      DETAIL_JOIN_MAX - len) : -ENOENT;
		if (n < 0) {
			lost++;
			continue;
		}
		len += (size_t)n;
		chunks++;
		if (len == DETAIL_JOIN_MAX)
			break;
	}
	doc_addf(d, utf8, DOC_PLAIN, "%s", "");
	char amount[WORDS_AMOUNT_SIZE];
	doc_addf(d, utf8, DOC_HEADING, "Everything this connection received, joined: %s%s",
		 words_amount(len, chunks, "chunk", amount, sizeof(amount)),
		 lost ? " (some chunks were evicted)" : "");
	text_lines(d, all, len, utf8);
	free(all);
}

/* tshark's full dissection of the chunk (-V), or where it stands; its text escaped. */
static void dissection(struct doc *d, const struct detail_dissection *dd, bool utf8)
{
	if (!dd || dd->state == DETAIL_NONE)
		return;
	doc_addf(d, utf8, DOC_PLAIN, "%s", "");
	doc_addf(d, utf8, DOC_HEADING, "Dissection (tshark -V)");
	if (dd->state == DETAIL_RUNNING)
		doc_addf(d, utf8, DOC_PLAIN, "%s", "dissecting... (tshark takes a second or two)");
	else if (dd->state == DETAIL_FAILED)
		doc_addf(d, utf8, DOC_ERROR, "dissect: %s",
			 dd->err == -ENOENT      ? "tshark not found (apt-get install tshark)"
			 : dd->err == -ETIMEDOUT ? "tshark did not finish in time"
						 : strerror(-dd->err));
	else if (dd->text)
		text_lines(d, (const uint8_t *)dd->text, strlen(dd->text), utf8);
}

int detail_build(struct sheet *s, struct capture *cap, const struct event *ev,
		 const struct pane *ring, bool utf8, const struct detail_dissection *dd)
{
	struct doc *d = &s->doc;
	char who[64], words[EVENT_LINE_MAX];
	doc_clear(d);
	render_event_label(ev, who, sizeof(who));
	render_event_words(ev, 0, words, sizeof(words));
	snprintf(s->title, sizeof(s->title), "Chunk: %s %s %" PRIu64 " bytes (Esc closes)", who,
		 ev->kind == EV_RECV ? "received" : "sent", ev->nbytes);
	doc_addf(d, utf8, DOC_PLAIN, "%s: %s", who, words);
	if (ev->nbytes == 0) {
		doc_addf(d, utf8, DOC_PLAIN, "%s", ev->kind == EV_RECV
			 ? "No bytes: the peer closed its end (the end of the stream)."
			 : "No bytes.");
		return 0;
	}
	size_t n = 0;
	int err;
	uint8_t *b = chunk_bytes(cap, ev, &n, &err);
	if (!b) {
		doc_addf(d, utf8, DOC_ERROR, "%s", err == -ENOENT
			 ? "The chunk's bytes were evicted from the capture store (--capture-mb "
			   "keeps more), or never stored: only the preview above is left."
			 : "Out of memory reading the chunk.");
		return err;
	}
	doc_addf(d, utf8, DOC_PLAIN, "%zu bytes, capture id %" PRIu64 "", n, ev->capture);
	doc_addf(d, utf8, DOC_PLAIN, "%s", "");
	hex_rows(d, b, n, utf8);
	doc_addf(d, utf8, DOC_PLAIN, "%s", "");
	doc_addf(d, utf8, DOC_HEADING, "Text");
	text_lines(d, b, n, utf8);
	free(b);
	dissection(d, dd, utf8);
	if (ev->kind == EV_RECV && ring)
		joined(d, cap, ev, ring, utf8);
	return 0;
}

const struct sheet_kind detail_kind = {
	.name = "detail",
	.draw = doc_sheet_draw,
	.step = doc_sheet_scroll,
	.page = doc_sheet_page,
	.find = doc_sheet_find,
};
