/* dissect: the detail sheet's dissection, run off the main thread and put in when done. */
#include "config.h"

#include "ui/console/dissect.h"

#include <errno.h>
#include <stdlib.h>

#include "core/base/capture.h"
#include "core/io/decode_job.h"
#include "core/session/session.h"
#include "core/session/tap.h"
#ifdef HAVE_WATCH
#include "core/session/watch.h"
#endif
#include "ui/console/console_impl.h"

/* tshark -V of one record: it starts in a second or two; a loaded machine gets more. */
#define DISSECT_TIMEOUT_MS 20000

/* The decoder of EV's session (a tap or a watch), or NULL when it does not decode. */
static struct decoder *chunk_decoder(struct console *c, const struct event *ev)
{
	struct session *s = session_by_id(&c->app.sessions, ev->session);
	if (s && ev->source == SRC_TAP && s->ops == &tap_session_ops)
		return tap_decoder(s->impl);
#ifdef HAVE_WATCH
	if (s && ev->source == SRC_WATCH && s->ops == &watch_session_ops)
		return watch_decoder(s->impl);
#endif
	return NULL;
}

struct detail_dissection console_dissect_start(struct console *c, struct sheet *s,
					       const struct event *ev)
{
	struct detail_dissection dd = { .state = DETAIL_NONE };
	console_dissect_drop(c);
	struct decoder *d = chunk_decoder(c, ev);
	if (!d || !ev->capture || !ev->nbytes)
		return dd;
	uint8_t *b = malloc(ev->nbytes);
	ssize_t n = b ? capture_read(c->app.capture, ev->capture, ev->capture_off, b, ev->nbytes)
		      : -ENOMEM;
	int r = n < 0 ? (int)n
		      : decode_job_start(&c->dissect, d, ev->conn,
					 ev->dir == DIR_C2S ? PCAP_TO_SERVER : PCAP_TO_CLIENT, b,
					 (size_t)n, DISSECT_TIMEOUT_MS);
	free(b);
	if (n == -ENOENT)
		return dd; /* evicted: the sheet says so already */
	if (r < 0) {
		dd.state = DETAIL_FAILED;
		dd.err = r;
		return dd;
	}
	c->dissect_sheet = s;
	c->dissect_ev = *ev;
	dd.state = DETAIL_RUNNING;
	return dd;
}

int console_dissect_fd(const struct console *c)
{
	return c->dissect ? decode_job_fd(c->dissect) : -1;
}

/* True when S is one of the full-screen sheets open now. */
static bool sheet_open(const struct console *c, const struct sheet *s)
{
	for (int i = 0; i < c->v.nfull; i++)
		if (c->v.full[i] == s)
			return true;
	return false;
}

void console_dissect_done(struct console *c, dissect_rebuild_fn *rebuild)
{
	int r;
	char *text = NULL;
	if (!c->dissect || !decode_job_take(c->dissect, &r, &text))
		return;
	if (sheet_open(c, c->dissect_sheet)) {
		struct detail_dissection dd = { .state = r < 0 ? DETAIL_FAILED : DETAIL_DONE,
						.err = r,
						.text = text };
		rebuild(c, c->dissect_sheet, &c->dissect_ev, &dd);
		c->dirty = true;
	}
	free(text);
	console_dissect_drop(c);
}

void console_dissect_drop(struct console *c)
{
	decode_job_drop(c->dissect);
	c->dissect = NULL;
	c->dissect_sheet = NULL;
}
