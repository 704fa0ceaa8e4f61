/* view: paints the console's frame: pane boxes and titles, the sheet each shows (or the one
 * full-screen sheet), the server header, the message line and the prompt. */
#include "config.h"

#include "ui/views/view.h"

#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/base/event.h"
#include "ui/draw/paint.h"
#include "ui/draw/text.h"

void view_init(struct view *v, bool color, bool utf8)
{
	v->color = color && has_colors();
	v->utf8 = utf8;
	if (v->color && !v->color_started) {
		start_color();
		use_default_colors();
		v->color_started = true;
	}
	paint_init(palette_choose(v->color, has_colors(), COLORS), utf8);
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

void view_sizes_add(struct view_sizes *s, uint64_t n)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->size[i] == n) {
			s->count[i]++;
			return;
		}
	if (s->n == VIEW_SIZES_MAX) {
		s->many = true;
		return;
	}
	/* Largest first, as the bars read. */
	unsigned i = s->n++;
	while (i > 0 && s->size[i - 1] < n) {
		s->size[i] = s->size[i - 1];
		s->count[i] = s->count[i - 1];
		i--;
	}
	s->size[i] = n;
	s->count[i] = 1;
}

bool view_sizes_text(const struct view_sizes *s, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	if (s->many)
		return false;
	for (unsigned i = 0; i < s->n && o < len; i++) {
		int n = snprintf(buf + o, len - o, "%s%" PRIu64 " B x%" PRIu64, i ? "  " : "",
				 s->size[i], s->count[i]);
		o += n < 0 ? 0 : (size_t)n;
	}
	return true;
}

/* ---- the server header: connections and chunk sizes ---- */

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
		attron(paint_look(warn ? LOOK_WARN : LOOK_PLAIN));
		paint_put_raw(top + used, x, buf, w, v->utf8);
		attroff(paint_look(warn ? LOOK_WARN : LOOK_PLAIN));
		used++;
	}
	if (v->conns_total > v->nconns && used < budget) {
		snprintf(buf, sizeof(buf), "+%zu more connections", v->conns_total - v->nconns);
		paint_put_raw(top + used, x, buf, w, v->utf8);
		used++;
	}
	return used;
}

/* The histogram's rows: exact sizes while there are few, else power-of-two buckets. */
struct hist_rows {
	char label[STATS_BUCKETS][24];
	uint64_t count[STATS_BUCKETS];
	unsigned n;
	uint64_t max;
};

/* HIST NULL: a side without buckets, shown only while its sizes are exact. */
static void hist_rows(const uint64_t *hist, const struct view_sizes *sz, struct hist_rows *h)
{
	h->n = 0;
	h->max = 0;
	if (!sz->many) {
		for (unsigned i = 0; i < sz->n; i++) {
			snprintf(h->label[h->n], sizeof(h->label[0]), "%" PRIu64 " B", sz->size[i]);
			h->count[h->n++] = sz->count[i];
		}
	} else if (hist) {
		for (unsigned i = STATS_BUCKETS; i-- > 0;)
			if (hist[i]) {
				bucket_label(i, h->label[h->n], sizeof(h->label[0]));
				h->count[h->n++] = hist[i];
			}
	}
	for (unsigned i = 0; i < h->n; i++)
		if (h->count[i] > h->max)
			h->max = h->count[i];
}

static void paint_bars(const struct view *v, int top, int x, int w, const struct hist_rows *h)
{
	char buf[64];
	int barw = w - 22;
	for (unsigned k = 0; k < h->n; k++) {
		snprintf(buf, sizeof(buf), "%11s ", h->label[k]);
		paint_put_raw(top + (int)k, x, buf, w, v->utf8);
		uint64_t bar = (h->count[k] * (uint64_t)barw + h->max - 1) / h->max;
		int len = barw > 0 ? (int)bar : 0;
		attron(paint_look(LOOK_BAR));
		for (int b = 0; b < len; b++) {
			if (v->utf8)
				mvaddstr(top + (int)k, x + 12 + b, "\u2588");
			else
				mvaddch(top + (int)k, x + 12 + b, '#');
		}
		attroff(paint_look(LOOK_BAR));
		snprintf(buf, sizeof(buf), " %" PRIu64, h->count[k]);
		paint_put_raw(top + (int)k, x + 12 + len, buf, w - 12 - len, v->utf8);
	}
}

/* "WHO chunk sizes: 16 B x2  9 B x1" on one line. */
static void hist_line(const struct hist_rows *h, const char *who, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s", who);
	for (unsigned k = 0; k < h->n && n > 0 && (size_t)n < len; k++)
		n += snprintf(buf + n, len - (size_t)n, "%s%s x%" PRIu64, k ? "  " : " ",
			      h->label[k], h->count[k]);
}

static int paint_server_head(const struct view *v, int top, int x, int h, int w)
{
	int budget = h / 2, used = paint_conns(v, top, x, w, budget);
	struct hist_rows hr;
	hist_rows(v->hist, &v->sizes[0], &hr);
	if (hr.n == 0 || used >= budget)
		return used;
	char buf[256];
	if ((int)hr.n + 1 > budget - used) {
		/* No room for bars: the histogram folds into one line. */
		hist_line(&hr, "chunk sizes received:", buf, sizeof(buf));
		paint_put_raw(top + used, x, buf, w, v->utf8);
		return used + 1;
	}
	attron(A_BOLD);
	paint_put_raw(top + used, x, "chunk sizes received (bytes: chunks)", w, v->utf8);
	attroff(A_BOLD);
	used++;
	paint_bars(v, top + used, x, w, &hr);
	return used + (int)hr.n;
}

/* The client's, and the Conversation's (both sides), chunk sizes folded into a line. */
static int paint_sizes_line(const struct view *v, int top, int x, int w, bool server)
{
	char a[128] = "", b[128] = "", line[300];
	struct hist_rows hr;
	if (server) {
		hist_rows(v->hist, &v->sizes[0], &hr);
		if (hr.n)
			hist_line(&hr, "server got", a, sizeof(a));
	}
	hist_rows(NULL, &v->sizes[1], &hr);
	if (hr.n)
		hist_line(&hr, server ? "client got" : "chunk sizes received:", b, sizeof(b));
	if (!a[0] && !b[0])
		return 0;
	snprintf(line, sizeof(line), "%s%s%s", a, a[0] && b[0] ? "  |  " : "", b);
	paint_put_raw(top, x, line, w, v->utf8);
	return 1;
}

/* ---- panes and the full-screen sheet ---- */

static void paint_box(struct layout_rect r, bool focus, const char *title, bool utf8)
{
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
	/* Whole words only (text_words): a title too long loses its last words, never half of
	 * one. The focused pane's title in reverse video: visible without colour. */
	char safe[TEXT_SANITIZE_SIZE(VIEW_TITLE_MAX)], t[sizeof(safe) + 2];
	size_t n = text_sanitize(title, strnlen(title, VIEW_TITLE_MAX), utf8, safe, sizeof(safe));
	n = text_words(safe, n, r.w - 6);
	if (!n)
		return;
	int tn = snprintf(t, sizeof(t), " %.*s ", (int)n, safe);
	attron(focus ? paint_look(LOOK_FOCUS) : A_BOLD);
	paint_put(r.y, r.x + 2, t, (size_t)tn, r.w - 4);
	attroff(focus ? paint_look(LOOK_FOCUS) : A_BOLD);
}

/* Rows inside a Client or Conversation pane from which its folded sizes line (and its rule)
 * shows: below, the lines themselves keep those two rows (at 80x24 under the sessions table,
 * the walkthrough's send, its six chunk lines and the replies at once). */
#define VIEW_SIZES_ROWS 16

/* The header rows above a pane's lines; returns the rows used (a rule included). */
static int paint_head(struct view *v, enum layout_pane p, int top, int x, int h, int w)
{
	int used = 0;
	if (p == LAYOUT_SERVER)
		used = paint_server_head(v, top, x, h, w);
	else if (p == LAYOUT_CLIENT || p == LAYOUT_TALK)
		used = h >= VIEW_SIZES_ROWS ? paint_sizes_line(v, top, x, w, p == LAYOUT_TALK) : 0;
	if (used && used < h) {
		mvhline(top + used, x, ACS_HLINE, w);
		used++;
	}
	return used;
}

static void paint_pane(struct view *v, enum layout_pane p)
{
	struct layout_rect r = v->layout.pane[p];
	struct sheet *s = &v->slot[p];
	if (r.h < 3 || r.w < 4)
		return;
	/* The longest title that fits: with every figure, the brief ones, none. */
	const char *title = v->title[p];
	if ((int)strlen(title) + 2 > r.w - 4 && v->title_short[p][0])
		title = v->title_short[p];
	if ((int)strlen(title) + 2 > r.w - 4 && v->title_tiny[p][0])
		title = v->title_tiny[p];
	paint_box(r, v->focus == p, title, v->utf8);
	int top = r.y + 1, x = r.x + 1, h = r.h - 2, w = r.w - 2;
	int used = paint_head(v, p, top, x, h, w);
	if (p == LAYOUT_SERVER)
		v->head_rows = used;
	if (h - used > 0)
		s->kind->draw(s, v, (struct layout_rect){ top + used, x, h - used, w });
	if (s->type == SHEET_LOG && !s->pos.follow && s->pos.back) {
		char m[64];
		int n = snprintf(m, sizeof(m), " %zu newer lines below (End follows) ",
				 s->pos.back);
		if (n > 0 && n < r.w - 4)
			paint_put(r.y + r.h - 1, r.x + r.w - 2 - n, m, (size_t)n, n);
	}
}

static void paint_full(struct view *v, struct sheet *s)
{
	struct layout_rect r = v->layout.area;
	/* A zoomed pane keeps its pane's title. */
	bool slot = s >= v->slot && s < v->slot + LAYOUT_PANES;
	paint_box(r, true, slot ? v->title[s - v->slot] : s->title, v->utf8);
	s->kind->draw(s, v, (struct layout_rect){ r.y + 1, r.x + 1, r.h - 2, r.w - 2 });
}

/* The message line's right part (where the focus is, the keys that matter there) in RIGHT;
 * returns its width, 0 when it does not fit in half the line. */
static int status_right(const struct view *v, char *right, size_t size)
{
	int w = v->layout.status.w;
	char skipped[48] = "";
	if (v->dropped)
		snprintf(skipped, sizeof(skipped), "%" PRIu64 " lines skipped  ", v->dropped);
	const char *where = v->nfull ? v->full[v->nfull - 1]->kind->name
				     : layout_pane_name(v->focus);
	/* The keys that matter most where the focus is; fewer when the line is short. */
	const char *hints[] = { v->nfull ? "Esc back  / find  F10 quit"
					 : "F1 help  F5 zoom  F10 quit",
				v->nfull ? "Esc back" : "F1 help", "" };
	/* The message comes first: the hints give way until it fits (an error keeps its path's
	 * tail and its errno text whole where it can). */
	char safe[TEXT_SANITIZE_SIZE(sizeof(v->status))];
	size_t sn = text_sanitize(v->status, strlen(v->status), v->utf8, safe, sizeof(safe));
	int msg = text_width(safe, sn), rn = 0;
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		rn = snprintf(right, size, "%s[%s]  %s ", skipped, where, hints[i]);
		if (rn > 0 && rn < w / 2 && (msg <= w - rn - 2 || !hints[i][0]))
			break;
	}
	return rn > 0 && rn < w / 2 ? rn : 0;
}

int view_status_room(const struct view *v)
{
	char right[160];
	return v->layout.status.w - status_right(v, right, sizeof(right)) - 2;
}

static void paint_status(const struct view *v)
{
	struct layout_rect r = v->layout.status;
	char right[160];
	int rw = status_right(v, right, sizeof(right));
	attron(A_REVERSE);
	mvhline(r.y, 0, ' ', r.w);
	if (rw)
		paint_put(r.y, r.w - rw, right, (size_t)rw, rw);
	attroff(A_REVERSE);
	/* A message longer than its room ends in an ellipsis; an error keeps its end (the errno
	 * text) and loses its middle. Whole in F4, and in the Report pane when it was a
	 * command's result (frame_result_end). */
	char safe[TEXT_SANITIZE_SIZE(sizeof(v->status))], shown[sizeof(safe) + 4];
	size_t n = text_sanitize(v->status, strlen(v->status), v->utf8, safe, sizeof(safe));
	n = text_clip(safe, n, r.w - rw - 2, v->utf8, v->status_error, shown, sizeof(shown));
	attron(A_REVERSE | (v->status_error ? paint_look(LOOK_ERROR) : A_NORMAL));
	paint_put(r.y, 1, shown, n, r.w - rw - 2);
	attroff(A_REVERSE | (v->status_error ? paint_look(LOOK_ERROR) : A_NORMAL));
}

void view_draw_prompt(struct view *v)
{
	char line[1024];
	int cursor = 0;
	if (v->layout.too_small) {
		/* Keep readline's state current; the line shows again when the terminal grows. */
		if (v->prompt_line)
			v->prompt_line(v->layout.cols, v->utf8, line, sizeof(line), &cursor);
		char msg[96];
		size_t n = layout_too_small_text(&v->layout, msg, sizeof(msg));
		int c = (int)n < v->layout.cols ? (int)n : v->layout.cols - 1;
		move(0, c > 0 ? c : 0);
		return;
	}
	struct layout_rect r = v->layout.prompt;
	move(r.y, 0);
	clrtoeol();
	if (v->searching) {
		char s[96];
		snprintf(s, sizeof(s), "%s%s", v->filtering ? "filter (Enter ends): " : "/",
			 v->search);
		paint_put_raw(r.y, 0, s, r.w, v->utf8);
		int cx = text_width(s, strlen(s));
		move(r.y, cx < r.w ? cx : r.w - 1);
		return;
	}
	size_t n = v->prompt_line ? v->prompt_line(r.w, v->utf8, line, sizeof(line), &cursor) : 0;
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
		paint_put(0, 0, msg, n, v->layout.cols);
		attroff(A_BOLD);
		view_draw_prompt(v);
		return;
	}
	if (v->nfull)
		paint_full(v, v->full[v->nfull - 1]);
	else if (v->welcome_on)
		paint_full(v, &v->welcome);
	else
		for (int p = 0; p < LAYOUT_PANES; p++)
			if (v->layout.shown & LAYOUT_BIT(p))
				paint_pane(v, (enum layout_pane)p);
	paint_status(v);
	view_draw_prompt(v);
}

struct sheet *view_active(struct view *v)
{
	return v->nfull ? v->full[v->nfull - 1] : &v->slot[v->focus];
}

int view_page_lines(const struct view *v)
{
	int h = v->nfull ? v->layout.area.h - 2 : v->layout.pane[v->focus].h - 2;
	if (!v->nfull && v->focus == LAYOUT_SERVER)
		h -= v->head_rows;
	return h > 1 ? h : 1;
}
