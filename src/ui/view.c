/* view: paints the console's frame (panes, titles, histogram, status bar, prompt) with curses. */
#include "config.h"

#include "ui/view.h"

#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/bytes.h"
#include "core/event.h"
#include "ui/prompt.h"
#include "ui/text.h"

enum look {
	LOOK_PLAIN,
	LOOK_RECV,
	LOOK_SEND,
	LOOK_ERROR,
	LOOK_QUIET,      /* waits, closes, ends: the frame around the bytes */
	LOOK_SKIP,
	LOOK_BAR,
	LOOK_WARN,       /* a queue filling up */
	LOOK_FOCUS,
	LOOK__COUNT
};

static attr_t looks[LOOK__COUNT];

void view_init(struct view *v, bool color, bool utf8)
{
	v->color = color && has_colors();
	v->utf8 = utf8;
	/* Monochrome keeps every distinction the colours make: arrows tell the direction,
	 * bold marks errors, reverse marks focus. */
	looks[LOOK_PLAIN] = A_NORMAL;
	looks[LOOK_RECV] = A_NORMAL;
	looks[LOOK_SEND] = A_NORMAL;
	looks[LOOK_ERROR] = A_BOLD;
	looks[LOOK_QUIET] = A_DIM;
	looks[LOOK_SKIP] = A_BOLD;
	looks[LOOK_BAR] = A_NORMAL;
	looks[LOOK_WARN] = A_BOLD;
	looks[LOOK_FOCUS] = A_REVERSE | A_BOLD;
	if (!v->color)
		return;
	start_color();
	use_default_colors();
	init_pair(1, COLOR_GREEN, -1);
	init_pair(2, COLOR_CYAN, -1);
	init_pair(3, COLOR_RED, -1);
	init_pair(4, COLOR_YELLOW, -1);
	init_pair(5, COLOR_MAGENTA, -1);
	looks[LOOK_RECV] = COLOR_PAIR(1);
	looks[LOOK_SEND] = COLOR_PAIR(2);
	looks[LOOK_ERROR] = COLOR_PAIR(3) | A_BOLD;
	looks[LOOK_SKIP] = COLOR_PAIR(4) | A_BOLD;
	looks[LOOK_WARN] = COLOR_PAIR(4) | A_BOLD;
	looks[LOOK_BAR] = COLOR_PAIR(5);
}

void view_bytes(uint64_t n, char *buf, size_t len)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	if (n < 10000) {
		snprintf(buf, len, "%" PRIu64 " B", n);
		return;
	}
	double d = (double)n / 1024.0;
	unsigned u = 0;
	while (d >= 1024.0 && u < 3) {
		d /= 1024.0;
		u++;
	}
	snprintf(buf, len, "%.1f %s", d, unit[u]);
}

/* Put sanitized S at (Y, X), at most COLS columns. */
static void put(int y, int x, const char *s, size_t len, int cols)
{
	if (cols <= 0)
		return;
	size_t n = text_fit(s, len, cols);
	mvaddnstr(y, x, s, (int)n);
}

/* Sanitize then put: for text that did not come from a renderer of ours. */
static void put_raw(int y, int x, const char *s, int cols, bool utf8)
{
	char safe[TEXT_SANITIZE_SIZE(VIEW_STATUS_MAX)];
	size_t n = text_sanitize(s, strnlen(s, VIEW_STATUS_MAX), utf8, safe, sizeof(safe));
	put(y, x, safe, n, cols);
}

/* A span of a rendered line to emphasize. */
struct mark {
	size_t start, len;
};

/* One pane line as text, how it should look, and what of it to emphasize (MARK may be NULL). */
static size_t render_line(const struct view *v, const struct pane_line *pl, char *out,
			  size_t outsz, enum look *look, struct mark *mark)
{
	const struct event *ev = &pl->ev;
	size_t w = 0;
	int n;
	*look = LOOK_PLAIN;
	if (mark)
		*mark = (struct mark){ 0, 0 };
	uint64_t t = ev->time_ns > v->base_ns ? ev->time_ns - v->base_ns : 0;
	uint64_t ms = t / 1000000u;
	if (pl->skipped) {
		*look = LOOK_SKIP;
		n = snprintf(out, outsz, "%4" PRIu64 ".%03" PRIu64 " -- %s (the console fell behind;"
			     " totals stay exact) --", ms / 1000u, ms % 1000u, ev->text);
		return n < 0 ? 0 : (size_t)n < outsz ? (size_t)n : outsz - 1;
	}
	/* Help and inspector text reads better without a clock in front. */
	bool clock = !(ev->kind == EV_INFO &&
		       (ev->source == SRC_SYSTEM || ev->source == SRC_INSPECT));
	const char *arrow = v->utf8 ? "  " : "   ";
	switch (ev->kind) {
	case EV_RECV:
		arrow = v->utf8 ? "\u2190 " : "<- ";
		*look = LOOK_RECV;
		break;
	case EV_SEND:
		arrow = v->utf8 ? "\u2192 " : "-> ";
		*look = LOOK_SEND;
		break;
	case EV_ERROR:
		*look = LOOK_ERROR;
		break;
	case EV_WAIT:
	case EV_CLOSE:
	case EV_DONE:
		*look = ev->err ? LOOK_ERROR : LOOK_QUIET;
		break;
	default:
		break;
	}
	char head[64] = "";
	size_t hl = 0;
	if (clock) {
		n = snprintf(head, sizeof(head), "%4" PRIu64 ".%03" PRIu64 " ", ms / 1000u,
			     ms % 1000u);
		hl = n < 0 ? 0 : (size_t)n;
		if (ev->show_session && ev->session) {
			/* Another session of its kind shares the pane: say whose line it is. */
			n = snprintf(head + hl, sizeof(head) - hl, "[%" PRIu32 "]", ev->session);
			hl += n < 0 ? 0 : (size_t)n;
		}
		if (ev->conn)
			n = snprintf(head + hl, sizeof(head) - hl, "#%-2" PRIu32 " ", ev->conn);
		else if (ev->show_session && ev->session)
			n = snprintf(head + hl, sizeof(head) - hl, " ");
		else if (ev->actor && ev->source != SRC_PAIR_PARENT && ev->source != SRC_PAIR_CHILD)
			n = snprintf(head + hl, sizeof(head) - hl, "%ld ", (long)ev->actor);
		else
			n = 0;   /* the pair's pids are in its title: its columns are narrow */
		hl += n < 0 ? 0 : (size_t)n;
		n = snprintf(head + hl, sizeof(head) - hl, "%s", arrow);
		hl += n < 0 ? 0 : (size_t)n;
	}
	if (hl >= outsz)
		hl = outsz - 1;
	memcpy(out, head, hl);
	w = hl;
	char words[EVENT_LINE_MAX];
	size_t wl = event_format(ev, v->hex ? EVENT_FMT_HEX : 0, words, sizeof(words));
	w += text_sanitize(words, wl, v->utf8, out + w, outsz - w);
	/* The mark counts bytes of ev->text; it holds only where the text came through as is. */
	size_t mstart = hl + ev->mark_off;
	if (mark && ev->mark_len && ev->kind == EV_INFO && !ev->dropped &&
	    mstart + ev->mark_len <= w &&
	    memcmp(out + mstart, ev->text + ev->mark_off, ev->mark_len) == 0)
		*mark = (struct mark){ mstart, ev->mark_len };
	return w;
}

/* Paint a text line over ROWS rows of COLS columns, bottom-aligned at row BOTTOM, clipped
 * above TOP. Returns the row above what it painted. */
static int paint_wrapped(const char *s, size_t len, int top, int bottom, int x, int cols,
			 attr_t a, struct mark m)
{
	int width = text_width(s, len);
	int rows = width ? (width + cols - 1) / cols : 1;
	int first = bottom - rows + 1;
	size_t off = 0;
	size_t m_end = m.start + m.len;
	attron(a);
	for (int r = 0; r < rows; r++) {
		size_t n = text_fit(s + off, len - off, cols);
		if (n == 0 && off < len)
			n = 1;   /* a character wider than the column: never loop */
		if (first + r >= top) {
			move(first + r, x);
			/* Up to three pieces: before the mark, the mark, after it. */
			size_t p = off, end = off + n;
			while (p < end) {
				bool in = m.len && p >= m.start && p < m_end;
				size_t stop = in ? (m_end < end ? m_end : end)
					: (m.len && p < m.start && m.start < end ? m.start : end);
				if (in)
					attron(A_REVERSE | A_BOLD);
				addnstr(s + p, (int)(stop - p));
				if (in)
					attroff(A_REVERSE | A_BOLD);
				p = stop;
			}
		}
		off += n;
	}
	attroff(a);
	return first - 1;
}

/* Rows a pane line takes at COLS columns (the pair's lines take half the width). */
static int line_rows(const struct view *v, const struct pane_line *pl, int cols)
{
	char line[TEXT_SANITIZE_SIZE(EVENT_LINE_MAX) + 64];
	enum look look;
	size_t n = render_line(v, pl, line, sizeof(line), &look, NULL);
	int width = text_width(line, n);
	return width && cols > 0 ? (width + cols - 1) / cols : 1;
}

static void paint_body(struct view *v, enum layout_pane p, int top, int x, int h, int w)
{
	struct pane *pn = &v->panes[p];
	bool split = p == LAYOUT_PAIR && w >= 21;
	int cw = split ? (w - 1) / 2 : w;
	if (split)
		mvvline(top, x + cw, ACS_VLINE, h);
	/* Scrolled back to the start: the oldest line belongs at the top of a full pane, not
	 * at the bottom of an empty one. Wrapped lines make this a count of rows, not lines. */
	if (pn->scroll) {
		int acc = 0;
		size_t limit = 0;
		for (size_t back = pn->count; back-- > 0;) {
			const struct pane_line *pl = pane_get(pn, back);
			int cwid = split && pl->ev.source == SRC_PAIR_CHILD ? w - cw - 1 : cw;
			acc += line_rows(v, pl, cwid);
			if (acc >= h) {
				limit = back;
				break;
			}
		}
		if (acc < h)
			pane_follow(pn);   /* everything fits: nothing to scroll */
		else if (pn->scroll > limit)
			pn->scroll = limit;
	}
	int row = top + h - 1;
	char line[TEXT_SANITIZE_SIZE(EVENT_LINE_MAX) + 64];
	for (size_t back = pn->scroll; row >= top; back++) {
		const struct pane_line *pl = pane_get(pn, back);
		if (!pl)
			break;
		enum look look;
		struct mark mark;
		size_t n = render_line(v, pl, line, sizeof(line), &look, &mark);
		/* The pair demo: the parent's lines on the left, the child's on the right. */
		int cx = split && pl->ev.source == SRC_PAIR_CHILD ? x + cw + 1 : x;
		int cwid = split && pl->ev.source == SRC_PAIR_CHILD ? w - cw - 1 : cw;
		row = paint_wrapped(line, n, top, row, cx, cwid, looks[look], mark);
	}
}

static void bucket_label(unsigned i, char *buf, size_t len)
{
	uint64_t lo = i == 0 ? 0 : (uint64_t)1 << i, hi = ((uint64_t)1 << (i + 1)) - 1;
	if (lo < 1024)
		snprintf(buf, len, "%" PRIu64 "-%" PRIu64, lo, hi);
	else if (lo < (1u << 20))
		snprintf(buf, len, "%" PRIu64 "K-%" PRIu64 "K", lo >> 10, (hi + 1) >> 10);
	else
		snprintf(buf, len, "%" PRIu64 "M-%" PRIu64 "M", lo >> 20, (hi + 1) >> 20);
}

/* The server's live connections and chunk-size histogram; returns the rows used. */
/* One line per live connection, queue depths first (they move under backpressure), at most
 * BUDGET - 1 of them, then how many more. Returns the rows used. */
static int paint_conns(const struct view *v, int top, int x, int w, int budget)
{
	int used = 0;
	char buf[256], in[32], out[32];
	for (size_t i = 0; i < v->nconns && used < budget - 1; i++) {
		const struct server_conn_info *c = &v->conns[i];
		view_bytes(c->bytes_in, in, sizeof(in));
		view_bytes(c->bytes_out, out, sizeof(out));
		int n = snprintf(buf, sizeof(buf), "#%-2" PRIu32 " inq %d outq %d/%dK  pid %ld %s "
				 "uid %lu  in %s out %s", c->id, c->inq, c->outq, c->sndbuf / 1024,
				 c->has_cred ? (long)c->pid : 0L, c->comm[0] ? c->comm : "?",
				 (unsigned long)c->uid, in, out);
		if (c->pending && n > 0 && (size_t)n < sizeof(buf))
			snprintf(buf + n, sizeof(buf) - (size_t)n, "  held %zu", c->pending);
		/* Backpressure: the client is not taking its echo. */
		bool warn = c->pending > 0 || (c->sndbuf > 0 && c->outq * 2 > c->sndbuf);
		attron(looks[warn ? LOOK_WARN : LOOK_PLAIN]);
		put_raw(top + used, x, buf, w, v->utf8);
		attroff(looks[warn ? LOOK_WARN : LOOK_PLAIN]);
		used++;
	}
	if (v->conns_total > v->nconns && used < budget) {
		snprintf(buf, sizeof(buf), "+%zu more connections", v->conns_total - v->nconns);
		put_raw(top + used, x, buf, w, v->utf8);
		used++;
	}
	return used;
}

/* The chunk-size histogram's N buckets IDX (largest count MAX) as bars, one a row. */
static void paint_bars(const struct view *v, int top, int x, int w, const unsigned *idx,
		       unsigned n, uint64_t max)
{
	char buf[64], label[48];
	int barw = w - 22;
	for (unsigned k = 0; k < n; k++) {
		unsigned i = idx[k];
		bucket_label(i, label, sizeof(label));
		snprintf(buf, sizeof(buf), "%11s ", label);
		put_raw(top + (int)k, x, buf, w, v->utf8);
		int len = barw > 0 ? (int)((v->hist[i] * (uint64_t)barw + max - 1) / max) : 0;
		attron(looks[LOOK_BAR]);
		for (int b = 0; b < len; b++) {
			if (v->utf8)
				mvaddstr(top + (int)k, x + 12 + b, "\u2588");
			else
				mvaddch(top + (int)k, x + 12 + b, '#');
		}
		attroff(looks[LOOK_BAR]);
		snprintf(buf, sizeof(buf), " %" PRIu64, v->hist[i]);
		put_raw(top + (int)k, x + 12 + len, buf, w - 12 - len, v->utf8);
	}
}

static int paint_server_head(const struct view *v, int top, int x, int h, int w)
{
	int budget = h / 2, used = paint_conns(v, top, x, w, budget);
	unsigned idx[STATS_BUCKETS], nb = 0;
	uint64_t max = 0;
	for (unsigned i = 0; i < STATS_BUCKETS; i++)
		if (v->hist[i]) {
			idx[nb++] = i;
			if (v->hist[i] > max)
				max = v->hist[i];
		}
	if (nb == 0 || used >= budget)
		return used;
	if ((int)nb + 1 > budget - used) {
		/* No room for bars: one line of size:count pairs. */
		char buf[256], label[48];
		int n = snprintf(buf, sizeof(buf), "chunk sizes");
		for (unsigned k = 0; k < nb && n > 0 && (size_t)n < sizeof(buf); k++) {
			bucket_label(idx[k], label, sizeof(label));
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, "  %s:%" PRIu64, label,
				      v->hist[idx[k]]);
		}
		put_raw(top + used, x, buf, w, v->utf8);
		return used + 1;
	}
	attron(A_BOLD);
	put_raw(top + used, x, "chunk sizes received (bytes: chunks)", w, v->utf8);
	attroff(A_BOLD);
	used++;
	paint_bars(v, top + used, x, w, idx, nb, max);
	return used + (int)nb;
}

static void paint_pane(struct view *v, enum layout_pane p)
{
	struct layout_rect r = v->layout.pane[p];
	const struct pane *pn = &v->panes[p];
	if (r.h < 3 || r.w < 4)
		return;
	bool focus = v->focus == p;
	if (focus)
		attron(A_BOLD);
	mvhline(r.y, r.x + 1, ACS_HLINE, r.w - 2);
	mvhline(r.y + r.h - 1, r.x + 1, ACS_HLINE, r.w - 2);
	mvvline(r.y + 1, r.x, ACS_VLINE, r.h - 2);
	mvvline(r.y + 1, r.x + r.w - 1, ACS_VLINE, r.h - 2);
	mvaddch(r.y, r.x, ACS_ULCORNER);
	mvaddch(r.y, r.x + r.w - 1, ACS_URCORNER);
	mvaddch(r.y + r.h - 1, r.x, ACS_LLCORNER);
	mvaddch(r.y + r.h - 1, r.x + r.w - 1, ACS_LRCORNER);
	if (focus)
		attroff(A_BOLD);
	char t[VIEW_TITLE_MAX + 4];
	const char *title = v->title[p];
	if ((int)strlen(title) + 2 > r.w - 4 && v->title_short[p][0])
		title = v->title_short[p];
	snprintf(t, sizeof(t), " %s ", title);
	attron(focus ? looks[LOOK_FOCUS] : A_BOLD);
	put_raw(r.y, r.x + 2, t, r.w - 4, v->utf8);
	attroff(focus ? looks[LOOK_FOCUS] : A_BOLD);
	if (!pn->follow && pn->scroll) {
		char s[64];
		int n = snprintf(s, sizeof(s), " %zu newer lines below (End follows) ", pn->scroll);
		if (n > 0 && n < r.w - 4)
			put(r.y + r.h - 1, r.x + r.w - 2 - n, s, (size_t)n, n);
	}
	int top = r.y + 1, x = r.x + 1, h = r.h - 2, w = r.w - 2;
	if (p == LAYOUT_SERVER) {
		int used = paint_server_head(v, top, x, h, w);
		if (used && used < h) {
			mvhline(top + used, x, ACS_HLINE, w);
			used++;
		}
		v->head_rows = used;
		top += used;
		h -= used;
	}
	if (h > 0)
		paint_body(v, p, top, x, h, w);
}

static void paint_status(const struct view *v)
{
	struct layout_rect r = v->layout.status;
	char right[160], skipped[48] = "";
	if (v->dropped)
		snprintf(skipped, sizeof(skipped), "%" PRIu64 " lines skipped  ", v->dropped);
	int rn = snprintf(right, sizeof(right), "%s[%s]  F1 help  F2 %s  F10 quit ", skipped,
			  layout_pane_name(v->focus), v->hex ? "text" : "hex");
	attron(A_REVERSE);
	mvhline(r.y, 0, ' ', r.w);
	int rw = rn > 0 && rn < r.w / 2 ? rn : 0;
	if (rw)
		put(r.y, r.w - rw, right, (size_t)rn, rw);
	attroff(A_REVERSE);
	attron(A_REVERSE | (v->status_error ? looks[LOOK_ERROR] : A_NORMAL));
	put_raw(r.y, 1, v->status, r.w - rw - 2, v->utf8);
	attroff(A_REVERSE | (v->status_error ? looks[LOOK_ERROR] : A_NORMAL));
}

void view_draw_prompt(struct view *v)
{
	char line[1024];
	int cursor = 0;
	if (v->layout.too_small) {
		/* Keep readline's state current; the line shows again when the terminal grows. */
		prompt_render(v->layout.cols, v->utf8, line, sizeof(line), &cursor);
		char msg[96];
		size_t n = layout_too_small_text(&v->layout, msg, sizeof(msg));
		int c = (int)n < v->layout.cols ? (int)n : v->layout.cols - 1;
		move(0, c > 0 ? c : 0);
		return;
	}
	struct layout_rect r = v->layout.prompt;
	size_t n = prompt_render(r.w, v->utf8, line, sizeof(line), &cursor);
	move(r.y, 0);
	clrtoeol();
	mvaddnstr(r.y, 0, line, (int)n);
	move(r.y, cursor < r.w ? cursor : r.w - 1);
}

void view_draw(struct view *v)
{
	erase();
	if (v->layout.too_small) {
		char msg[96];
		size_t n = layout_too_small_text(&v->layout, msg, sizeof(msg));
		attron(A_BOLD);
		put(0, 0, msg, n, v->layout.cols);
		attroff(A_BOLD);
		view_draw_prompt(v);
		return;
	}
	for (int p = 0; p < LAYOUT_PANES; p++)
		paint_pane(v, (enum layout_pane)p);
	paint_status(v);
	view_draw_prompt(v);
}

int view_page_lines(const struct view *v)
{
	int h = v->layout.pane[v->focus].h - 2;
	if (v->focus == LAYOUT_SERVER)
		h -= v->head_rows;
	return h > 1 ? h : 1;
}
