/* titles: pane titles and the server header's figures (totals, rates, connections). */
#include "config.h"

#include "ui/views/titles.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/session/server.h"
#include "core/session/session.h"

#define NS_PER_MS 1000000ull

/* Count a chunk of the followed client into cli_ev; its figures, when they are ahead of
 * the last snapshot, are the title's (the snapshot wins while the session lives). */
static void client_from_event(struct titles *t, const struct event *ev)
{
	struct stats_snapshot *e = &t->cli_ev;
	if (ev->kind == EV_RECV && ev->nbytes) {
		e->bytes_in += ev->nbytes;
		e->chunks_in++;
		e->hist_in[stats_bucket(ev->nbytes)]++;
	} else if (ev->kind == EV_SEND && ev->nbytes) {
		e->bytes_out += ev->nbytes;
		e->chunks_out++;
	} else {
		return;
	}
	if (e->bytes_in + e->bytes_out > t->cli_last.bytes_in + t->cli_last.bytes_out)
		t->cli_last = *e;
}

void titles_event(struct titles *t, const struct event *ev)
{
	/* A new session's first event: the title is its, even when it fails at once (the
	 * previous one's totals must not stay under its name). */
	if (ev->source == SRC_CLIENT && ev->session > t->cli_id) {
		t->cli_id = ev->session;
		memset(&t->cli_last, 0, sizeof(t->cli_last));
		memset(&t->cli_ev, 0, sizeof(t->cli_ev));
		snprintf(t->cli_path, sizeof(t->cli_path), "#%" PRIu32, ev->session);
		t->cli_seen = true;
	}
	if (ev->source == SRC_CLIENT && ev->session == t->cli_id)
		client_from_event(t, ev);
	if (ev->source == SRC_SERVER && ev->session > t->srv_id) {
		t->srv_id = ev->session;
		memset(&t->srv_last, 0, sizeof(t->srv_last));
		snprintf(t->srv_path, sizeof(t->srv_path), "#%" PRIu32, ev->session);
		t->srv_seen = true;
	}
	if (ev->source == SRC_PAIR_PARENT && ev->actor)
		t->pair_pid[0] = (long)ev->actor;
	if (ev->source == SRC_PAIR_CHILD && ev->actor)
		t->pair_pid[1] = (long)ev->actor;
}

/* Titles are cut to fit; vsnprintf says so by design. */
static void title_set(char *dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void title_set(char *dst, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dst, VIEW_TITLE_MAX, fmt, ap);
	va_end(ap);
}

static void rate_update(struct titles_rate *r, uint64_t bytes, uint64_t t)
{
	if (r->t_ns == 0 || bytes < r->bytes) {
		r->t_ns = t;
		r->bytes = bytes;
		r->per_s = 0;
		return;
	}
	uint64_t dt = t - r->t_ns;
	if (dt < 900 * NS_PER_MS)
		return;
	r->per_s = (uint64_t)((double)(bytes - r->bytes) * 1e9 / (double)dt);
	r->t_ns = t;
	r->bytes = bytes;
}

/* "41 B in 3 chunks": the one way titles say an amount. */
static void amount(char *buf, size_t len, uint64_t bytes, uint64_t chunks)
{
	char b[32];
	view_bytes(bytes, b, sizeof(b));
	snprintf(buf, len, "%s in %" PRIu64 " chunk%s", b, chunks, chunks == 1 ? "" : "s");
}

/* "received 41 B in 3 chunks | sent 41 B in 3 chunks | 0 B/s", and its brief form. */
static void figures(char *buf, char *brief, size_t len, const struct stats_snapshot *s,
		    uint64_t rate)
{
	char in[64], out[64], rt[32];
	amount(in, sizeof(in), s->bytes_in, s->chunks_in);
	amount(out, sizeof(out), s->bytes_out, s->chunks_out);
	view_bytes(rate, rt, sizeof(rt));
	snprintf(buf, len, "received %s | sent %s | %s/s", in, out, rt);
	snprintf(brief, len, "got %s", in);
}

/* The newest client-side session: an interactive connection or a one-shot client. */
static struct session *newest_client(const struct app *a)
{
	struct session *conn = app_newest(a, SESSION_CONN), *one = app_newest(a, SESSION_CLIENT);
	if (!conn)
		return one;
	return one && one->id > conn->id ? one : conn;
}

void titles_keep(struct titles *t, const struct app *a)
{
	struct session_info in;
	struct session *s = app_newest(a, SESSION_SERVER);
	/* A newer server that failed to start never joins the list: the one running keeps the
	 * title (a failed start with none running keeps it, named by its id). */
	bool gone = !session_by_id(&a->sessions, t->srv_id);
	if (s && (s->id >= t->srv_id || gone)) {
		t->srv_id = s->id;
		session_info(s, &in);
		t->srv_last = in.st;
		snprintf(t->srv_path, sizeof(t->srv_path), "%s", in.path);
		t->srv_seen = true;
	}
	if ((s = newest_client(a)) && s->id >= t->cli_id) {
		t->cli_id = s->id;
		session_info(s, &in);
		t->cli_last = in.st;
		snprintf(t->cli_path, sizeof(t->cli_path), "%s", in.path);
		t->cli_seen = true;
		t->cli_was_conn = in.kind == SESSION_CONN;
	}
}

/* The Server pane: its title and its header (live connections, chunk-size histogram). */
static void refresh_server(struct titles *t, const struct app *a, struct view *v, uint64_t now)
{
	char fig[256], brief[256];
	const char *state;
	struct session *srv = app_newest(a, SESSION_SERVER);
	size_t nsrv = session_count(&a->sessions, SESSION_SERVER, NULL, NULL);
	char more[32] = "";
	if (nsrv > 1)
		snprintf(more, sizeof(more), " (+%zu more)", nsrv - 1);
	if (srv) {
		state = "listening";
		struct server_conn_info all[64];
		size_t n = app_server_conns(a, srv->id, all, 64);
		v->conns_total = n;
		v->nconns = n < VIEW_CONNS_MAX ? n : VIEW_CONNS_MAX;
		memcpy(v->conns, all, v->nconns * sizeof(all[0]));
	} else {
		state = t->srv_seen ? "stopped" : "not running";
		v->nconns = v->conns_total = 0;
	}
	memcpy(v->hist, t->srv_last.hist_in, sizeof(v->hist));
	rate_update(&t->rate[0], t->srv_last.bytes_in + t->srv_last.bytes_out, now);
	if (t->srv_seen) {
		uint32_t n = srv ? t->srv_last.clients : 0;
		figures(fig, brief, sizeof(fig), &t->srv_last, srv ? t->rate[0].per_s : 0);
		title_set(v->title[LAYOUT_SERVER], "Server %s %s%s | %" PRIu32 " client%s | %s",
			  t->srv_path, state, more, n, n == 1 ? "" : "s", fig);
		title_set(v->title_short[LAYOUT_SERVER], "Server %s %s%s, %" PRIu32 " client%s, %s",
			  t->srv_path, state, more, n, n == 1 ? "" : "s", brief);
		title_set(t->srv_brief, "Server %s %s, %" PRIu32 " client%s", t->srv_path, state, n,
			  n == 1 ? "" : "s");
		title_set(v->title_tiny[LAYOUT_SERVER], "%s", t->srv_brief);
	} else {
		title_set(v->title[LAYOUT_SERVER], "Server: %s", state);
		title_set(t->srv_brief, "Server: %s", state);
	}
}

static const char *refresh_client(struct titles *t, const struct app *a, struct view *v,
				  uint64_t now)
{
	char fig[256], brief[256];
	const char *state;
	struct session *cl = newest_client(a);
	if (cl) {
		state = cl->ops->finished(cl->impl) ? "closed" : "connected";
	} else {
		state = t->cli_seen ? "closed" : "idle";
	}
	rate_update(&t->rate[1], t->cli_last.bytes_in + t->cli_last.bytes_out, now);
	if (t->cli_seen) {
		figures(fig, brief, sizeof(fig), &t->cli_last, cl ? t->rate[1].per_s : 0);
		title_set(v->title[LAYOUT_CLIENT], "Client %s %s%s | %s",
			  t->cli_path, state, t->cli_was_conn ? " (interactive)" : "", fig);
		title_set(v->title_short[LAYOUT_CLIENT], "Client %s %s, %s", t->cli_path, state,
			  brief);
		title_set(t->cli_brief, "Client %s %s, %s", t->cli_path, state, brief);
		title_set(v->title_tiny[LAYOUT_CLIENT], "Client %s %s", t->cli_path, state);
	} else {
		title_set(v->title[LAYOUT_CLIENT], "Client: %s", state);
		title_set(t->cli_brief, "Client: %s", state);
	}
	return state;
}

bool titles_refresh(struct titles *t, const struct app *a, struct view *v)
{
	char old[LAYOUT_PANES][VIEW_TITLE_MAX];
	memcpy(old, v->title, sizeof(old));
	memset(v->title_short, 0, sizeof(v->title_short));
	memset(v->title_tiny, 0, sizeof(v->title_tiny));
	struct server_conn_info oldc[VIEW_CONNS_MAX];
	size_t oldn = v->nconns;
	memcpy(oldc, v->conns, sizeof(oldc));
	uint64_t now = event_now_ns();

	titles_keep(t, a);
	refresh_server(t, a, v, now);
	const char *cstate = refresh_client(t, a, v, now);
	if (t->pair_pid[0] || t->pair_pid[1])
		title_set(v->title[LAYOUT_PAIR], "Pair: parent %ld (left) | child %ld (right)",
			  t->pair_pid[0], t->pair_pid[1]);
	else
		title_set(v->title[LAYOUT_PAIR], "Pair: parent (left) | child (right)");
	title_set(v->title[LAYOUT_TAP], "Tap: what passed between the client and the server");
	title_set(v->title[LAYOUT_TALK], "%s | %s", t->srv_brief, t->cli_brief);
	title_set(v->title_short[LAYOUT_TALK], "%s | Client %s", t->srv_brief, cstate);
	title_set(v->title[LAYOUT_REPORT], "%s", v->slot[LAYOUT_REPORT].title);
	return memcmp(old, v->title, sizeof(old)) != 0 || oldn != v->nconns ||
	       memcmp(oldc, v->conns, sizeof(oldc)) != 0;
}
