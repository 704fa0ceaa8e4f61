/* render_map: the `map` report: both directions of a connection as delivery maps (dmap), the
 * sizes as sums ("16 + 16 + 9"), and what is not seen and why; and as JSON. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/teach/convo.h"
#include "core/teach/dmap.h"
#include "core/base/json.h"
#include "core/render/render.h"

#define MAP_WIDTH 80
/* Calls a sum line spells out; more are said as a count. */
#define SUM_MAX 12

/* "16 + 16 + 9", or "250 calls" when there are too many to read as a sum. */
static void sum(const struct dmap_side *s, char *buf, size_t len)
{
	size_t at = 0;
	buf[0] = '\0';
	if (s->n > SUM_MAX) {
		snprintf(buf, len, "%zu calls", s->n);
		return;
	}
	for (size_t i = 0; i < s->n && at < len; i++) {
		uint64_t n = s->ends[i] - (i ? s->ends[i - 1] : 0);
		int w = snprintf(buf + at, len - at, "%s%" PRIu64, i ? " + " : "", n);
		if (w < 0)
			return;
		at += (size_t)w;
	}
}

/* "client sent: 3 calls, 9 to 16 bytes", or what is not known. */
static void side_summary(const struct dmap_side *s, const char *name, render_line_fn fn,
			 void *ctx)
{
	if (!s->known) {
		render_linef(fn, ctx, 0, "%s: not seen; only the other side's calls are known",
			     name);
		return;
	}
	uint64_t lo = UINT64_MAX, hi = 0;
	for (size_t i = 0; i < s->n; i++) {
		uint64_t len = s->ends[i] - (i ? s->ends[i - 1] : 0);
		lo = len < lo ? len : lo;
		hi = len > hi ? len : hi;
	}
	if (s->n == 0)
		render_linef(fn, ctx, 0, "%s: no calls yet", name);
	else if (lo == hi)
		render_linef(fn, ctx, 0, "%s: %zu call%s of %" PRIu64 " byte%s", name, s->n,
			     s->n == 1 ? "" : "s", lo, lo == 1 ? "" : "s");
	else
		render_linef(fn, ctx, 0, "%s: %zu calls, %" PRIu64 " to %" PRIu64 " bytes", name,
			     s->n, lo, hi);
}

/* One direction's map under a heading, its rows and a summary line a side. */
void render_map_dmap(const struct dmap *m, const char *sender, const char *receiver, int width,
		     render_line_fn fn, void *ctx)
{
	uint64_t ts = dmap_total(&m->sent), tr = dmap_total(&m->received);
	uint64_t total = ts > tr ? ts : tr;
	int lw = (int)strlen(sender) > (int)strlen(receiver) ? (int)strlen(sender)
		: (int)strlen(receiver);
	lw = (lw < 6 ? 6 : lw) + 1;
	int cols = dmap_columns(total, width - lw);
	if (cols > DMAP_COLS_MAX)
		cols = DMAP_COLS_MAX;
	render_linef(fn, ctx, RENDER_HEADING, "delivery map: %" PRIu64 " byte%s", total,
		     total == 1 ? "" : "s");
	if (cols <= 0) {
		render_linef(fn, ctx, 0, "nothing has passed yet");
		return;
	}
	char row[DMAP_COLS_MAX + 1];
	dmap_ruler(total, cols, row);
	render_linef(fn, ctx, 0, "%-*s%s", lw, "offset", row);
	enum dmap_style a = dmap_row(&m->sent, total, cols, row);
	render_linef(fn, ctx, 0, "%-*s%s", lw, sender, row);
	enum dmap_style b = dmap_row(&m->received, total, cols, row);
	render_linef(fn, ctx, 0, "%-*s%s", lw, receiver, row);
	side_summary(&m->sent, sender, fn, ctx);
	side_summary(&m->received, receiver, fn, ctx);
	if (a == DMAP_DENSITY || b == DMAP_DENSITY)
		render_linef(fn, ctx, 0, "(too many calls to draw one by one: a digit counts the "
			     "calls that end in its stretch of bytes, + is 10 or more, = none)");
}

static void direction_text(const struct map_report *r, int k, render_line_fn fn, void *ctx)
{
	const struct dmap *m = k ? r->back : r->fwd;
	const char *from = k ? r->server : r->client, *to = k ? r->client : r->server;
	if (!m)
		return;
	char sender[96], receiver[96];
	const char *cw = r->client_role ? r->client_role : "client";
	const char *sw = r->server_role ? r->server_role : "server";
	snprintf(sender, sizeof(sender), "%s sent", k ? sw : cw);
	snprintf(receiver, sizeof(receiver), "%s received", k ? cw : sw);
	render_linef(fn, ctx, RENDER_HEADING, "%s to %s%s", from, to,
		     k ? " (the echo)" : "");
	render_map_dmap(m, sender, receiver, r->width > 0 ? r->width : MAP_WIDTH, fn, ctx);
	if (m->sent.known && m->received.known && m->sent.n && m->received.n) {
		char a[160], b[160];
		sum(&m->sent, a, sizeof(a));
		sum(&m->received, b, sizeof(b));
		render_linef(fn, ctx, 0, "%s %s; %s %s", sender, a, receiver, b);
	}
	if (r->cut_msgs[k])
		render_linef(fn, ctx, RENDER_ERROR, "%s: %" PRIu64 " message%s cut to the receive "
			     "size, %" PRIu64 " byte%s discarded (MSG_TRUNC)", receiver,
			     r->cut_msgs[k], r->cut_msgs[k] == 1 ? "" : "s", r->cut_bytes[k],
			     r->cut_bytes[k] == 1 ? "" : "s");
}

void render_map_text(const struct map_report *r, render_line_fn fn, void *ctx)
{
	render_linef(fn, ctx, RENDER_HEADING, "connection: %s and %s (%s)", r->client, r->server,
		     r->messages ? "messages: each call is one message" : "a byte stream");
	direction_text(r, 0, fn, ctx);
	direction_text(r, 1, fn, ctx);
	if (r->unknown)
		render_linef(fn, ctx, 0, "not seen: %s", r->unknown);
	if (r->more_calls)
		render_linef(fn, ctx, 0, "%" PRIu64 " more calls came after the first %u of a kind "
			     "and are counted, not drawn", r->more_calls, CONVO_CALLS_MAX);
}

static void side_json(struct json *j, const char *key, const struct dmap_side *s)
{
	json_open(j, key);
	json_bool(j, "known", s->known);
	json_open_array(j, "calls");
	for (size_t i = 0; i < s->n; i++)
		json_uint(j, NULL, s->ends[i] - (i ? s->ends[i - 1] : 0));
	json_close_array(j);
	json_close(j);
}

void render_map_json(const struct map_report *r, struct json *j)
{
	json_cstr(j, "client", r->client);
	json_cstr(j, "server", r->server);
	json_bool(j, "messages", r->messages);
	json_cstr(j, "unknown", r->unknown);
	json_uint(j, "more_calls", r->more_calls);
	json_open_array(j, "directions");
	for (int k = 0; k < 2; k++) {
		const struct dmap *m = k ? r->back : r->fwd;
		if (!m)
			continue;
		json_open(j, NULL);
		json_cstr(j, "from", k ? "server" : "client");
		json_cstr(j, "to", k ? "client" : "server");
		side_json(j, "sent", &m->sent);
		side_json(j, "received", &m->received);
		json_uint(j, "cut_messages", r->cut_msgs[k]);
		json_uint(j, "cut_bytes", r->cut_bytes[k]);
		json_close(j);
	}
	json_close_array(j);
}
