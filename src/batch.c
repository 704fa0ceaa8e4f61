/* batch: the headless front end: commands from -e and stdin, one event a line on stdout. */
#include "config.h"

#include "batch.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cmd/app.h"
#include "core/base/capture.h"
#include "core/cmd/cmd.h"
#include "core/base/evlog.h"
#include "core/render/render.h"
#include "core/base/savefile.h"
#include "core/base/sysio.h"
#include "core/render/render_event.h"

/* A command line longer than this is refused, not grown without bound. */
#define BATCH_LINE_MAX (1u << 20)
#define BATCH_BUS_EVENTS 4096
/* After a drain that delivered events, the bus is left alone this long: a busy session's
 * events gather and come in one drain and one write of stdout, instead of waking this thread
 * (a context switch the sessions' sockets pay for) for every few. A drain of a quarter of the
 * ring or more is not followed by a pause, so producers seldom wait on the lossless bus. */
#define BATCH_DRAIN_MS 1
#define BATCH_DRAIN_FULL (BATCH_BUS_EVENTS / 4)

struct batch {
	const struct batch_opts *o;
	struct app app;
	uint64_t base_ns;
	uint64_t written;     /* events written so far: the JSON seq of the last one */
	int sigfd;
	bool failed;
	bool signalled;
	bool out_broken;      /* a write to stdout failed: said once, nothing more written */
	char *full;           /* --bytes full: a line and its whole chunk */
	int report_source;    /* the report being printed: its lines' label ("inspect: ") */
	size_t fullcap;
	uint64_t quiet_until; /* the bus is not polled before (monotonic ns; BATCH_DRAIN_MS) */
	struct evlog kept;    /* the newest events, for save --json and log ID */
};

/* Standard output cannot take our lines: say so once, fail, and stop (as a pipe's writer
 * that got SIGPIPE would), since every further line would be lost too. */
static void out_failed(struct batch *b, int err)
{
	if (b->out_broken)
		return;
	if (err == 0)
		err = EIO;
	b->out_broken = true;
	b->failed = true;
	b->app.quit = true;
	__fpurge(stdout);   /* what is still buffered cannot be written; not at exit either */
	fprintf(stderr, "udscope: write standard output: %s (%s)\n", strerror(err),
		event_errno_name(err));
}

static void out_line(struct batch *b, const char *line)
{
	if (b->out_broken)
		return;
	errno = 0;
	if (fputs(line, stdout) == EOF || putchar('\n') == EOF)
		out_failed(b, errno);
}

/* LEN bytes of LINE and a newline (what render returned: no strlen). Only this thread writes
 * standard output, so without stdio's lock (two atomics a line, in a watch's flood). */
static void out_mem(struct batch *b, const char *line, size_t len)
{
	if (b->out_broken)
		return;
	errno = 0;
	if (fwrite_unlocked(line, 1, len, stdout) != len || putc_unlocked('\n', stdout) == EOF)
		out_failed(b, errno);
}

static void out_flush(struct batch *b)
{
	if (b->out_broken)
		return;
	errno = 0;
	if (fflush(stdout) == EOF)
		out_failed(b, errno);
}

/* --bytes full: the whole chunk of a RECV or SEND event from the capture store, into a
 * buffer that grows as needed (with room for the line around it). Returns false when the
 * event has no whole chunk (a preview is all there is, or it was evicted meanwhile). */
static bool whole_chunk(struct batch *b, const struct event *ev, size_t *n)
{
	if (!b->o->full_bytes || !ev->capture || ev->nbytes <= ev->preview_len ||
	    (ev->kind != EV_RECV && ev->kind != EV_SEND))
		return false;
	/* What the store kept of the chunk: all of it, or (a watch's call longer than --snap)
	 * its first bytes. */
	ssize_t kept = capture_len(b->app.capture, ev->capture);
	if (kept <= (ssize_t)ev->capture_off)
		return false;
	size_t need = (size_t)kept - ev->capture_off;
	if (need > ev->nbytes)
		need = (size_t)ev->nbytes;
	if (need <= ev->preview_len)
		return false;
	size_t room = EVENT_JSON_MAX + EVENT_LINE_MAX + 4 * need;
	if (room > b->fullcap) {
		char *nb = realloc(b->full, room);
		if (!nb)
			return false;
		b->full = nb;
		b->fullcap = room;
	}
	/* The chunk's bytes sit at the end of the buffer (which may be larger than this chunk
	 * needs: it grew for an earlier one); the line is written before them. */
	char *data = b->full + b->fullcap - need;
	ssize_t got = capture_read(b->app.capture, ev->capture, ev->capture_off, data, need);
	*n = need;
	return got == (ssize_t)need;
}

static void batch_emit(void *ctx, struct event *ev)
{
	struct batch *b = ctx;
	char small[EVENT_JSON_MAX > EVENT_LINE_MAX ? EVENT_JSON_MAX : EVENT_LINE_MAX];
	size_t n;
	bool full = whole_chunk(b, ev, &n);
	char *line = full ? b->full : small;
	size_t len = full ? b->fullcap - n : sizeof(small);
	const char *data = full ? b->full + b->fullcap - n : NULL;
	/* seq: the event's place in the run (--json prints it; save --json keeps it). */
	ev->seq = ++b->written;
	evlog_push(&b->kept, ev);
	if (b->o->json) {
		/* seq is the event's place in this output (set above): the bus numbers only
		 * what session threads publish, and main-thread events can come out between. */
		size_t w = full ? render_event_json_full(ev, data, n, b->base_ns, line, len)
				: render_event_json(ev, b->base_ns, line, len);
		out_mem(b, line, w);
	}
	if (ev->kind == EV_ERROR) {
		/* Every failure counts, also one a session thread reports after its command
		 * returned. Errors name the operation themselves; keep stdout ahead of them. */
		b->failed = true;
		out_flush(b);
		render_event_words(ev, 0, small, sizeof(small));
		fprintf(stderr, "udscope: %s\n", small);
		return;
	}
	if (b->o->json)
		return;
	unsigned flags = b->o->timestamps ? EVENT_FMT_TIME : 0;
	size_t w = full ? render_event_line_full(ev, data, n, flags, b->base_ns, line, len)
			: render_event_line(ev, flags, b->base_ns, line, len);
	out_mem(b, line, w);
}

/* A report's text lines, as they are (a line may hold any byte but NUL: render made it). */
static void report_line(void *ctx, const struct render_line *l)
{
	struct batch *b = ctx;
	if (b->out_broken)
		return;
	char t[32] = "";
	if (b->o->timestamps)
		render_event_time(event_now_ns(), b->base_ns, t, sizeof(t));
	/* Labelled as the kind's events were before reports: "inspect: ". */
	const char *label = b->report_source == SRC_SYSTEM
				    ? ""
				    : event_source_name((enum event_source)b->report_source);
	errno = 0;
	if (fputs(t, stdout) == EOF || fputs(label, stdout) == EOF ||
	    (label[0] && fputs(": ", stdout) == EOF) ||
	    fwrite(l->text, 1, l->len, stdout) != l->len || putchar('\n') == EOF)
		out_failed(b, errno);
}

/* A report: its lines, or with --json one object numbered in the same sequence as the
 * events ({"seq":N,"report":...}). */
static void batch_report(void *ctx, const struct report *r)
{
	struct batch *b = ctx;
	if (!b->o->json) {
		b->report_source = render_kind_source(r->kind);
		render_text(r, report_line, b);
		return;
	}
	size_t len;
	char *obj = render_json(r, &len);
	if (!obj) {
		app_error(&b->app, ENOMEM, "%s: out of memory", render_kind_name(r->kind));
		return;
	}
	if (!b->out_broken) {
		errno = 0;
		if (printf("{\"seq\":%" PRIu64 ",%s\n", ++b->written, obj + 1) < 0)
			out_failed(b, errno);
	}
	free(obj);
}

static void pump(struct batch *b, int timeout_ms)
{
	size_t got = app_pump(&b->app, timeout_ms);
	b->quiet_until = got && got < BATCH_DRAIN_FULL
				 ? event_now_ns() + BATCH_DRAIN_MS * (uint64_t)1000000
				 : 0;
	app_reap(&b->app);
	out_flush(b);
}

/* The bus's fd for poll, or -1 while it is left alone; TIMEOUT_MS (-1: none) is cut to the
 * end of that pause. */
static int bus_poll_fd(const struct batch *b, int *timeout_ms)
{
	uint64_t now = event_now_ns();
	if (now >= b->quiet_until)
		return bus_fd(b->app.bus);
	int left = (int)((b->quiet_until - now + 999999) / 1000000);
	if (*timeout_ms < 0 || left < *timeout_ms)
		*timeout_ms = left;
	return -1;
}

/* Whether the bus wants a pump after a poll that watched it as P: it spoke, or it was left
 * alone (bus_poll_fd) and that pause is over. */
static bool bus_ready(const struct batch *b, const struct pollfd *p)
{
	return p->revents || (p->fd < 0 && event_now_ns() >= b->quiet_until);
}

static bool check_signal(struct batch *b)
{
	if (sysio_signal_next(b->sigfd)) {
		b->signalled = true;
		return true;
	}
	return false;
}

/* Run the queued lines in order, each one's session or wait finished before the next,
 * consuming events meanwhile. A signal stops what is pending and drops the rest, so Ctrl-C
 * always gets the terminal back. */
static void drive(struct batch *b)
{
	while (!script_step(&b->app) && !b->app.quit) {
		int timeout = 50;
		struct pollfd p[2] = {
			{ .fd = bus_poll_fd(b, &timeout), .events = POLLIN },
			{ .fd = b->sigfd, .events = POLLIN },
		};
		if (poll(p, 2, timeout) < 0 && errno != EINTR)
			break;
		if ((p[1].revents & POLLIN) && check_signal(b))
			script_abort(&b->app);
		if (p[0].fd < 0 && event_now_ns() < b->quiet_until)
			continue;
		pump(b, 0);
	}
	pump(b, 0);
}

static void run_line(struct batch *b, const char *line)
{
	if (script_push(&b->app, line, NULL, 0) == 0)
		drive(b);
	else
		b->failed = true;
}

static void refuse_nul(struct batch *b)
{
	app_error(&b->app, 0, "input line holds a NUL byte; ignored");
	b->failed = true;
}

/* Standard input's bytes not yet run as lines. */
struct inbuf {
	char *buf;
	size_t cap, len;
	bool skipping;           /* inside an over-long line, dropped up to its end */
};

/* Run every whole line in IN, keep the rest; an over-long line is refused once. */
static void run_lines(struct batch *b, struct inbuf *in)
{
	char *start = in->buf, *nl;
	while (!b->app.quit && !b->signalled &&
	       (nl = memchr(start, '\n', in->len - (size_t)(start - in->buf)))) {
		*nl = '\0';
		if (in->skipping)
			in->skipping = false;
		else if (memchr(start, '\0', (size_t)(nl - start)))
			refuse_nul(b);
		else
			run_line(b, start);
		start = nl + 1;
	}
	in->len -= (size_t)(start - in->buf);
	memmove(in->buf, start, in->len);
	if (in->len > BATCH_LINE_MAX) {
		if (!in->skipping) {
			app_error(&b->app, 0, "input line longer than %u bytes; ignored",
				  BATCH_LINE_MAX);
			b->failed = true;
		}
		in->skipping = true;
		in->len = 0;
	}
}

/* Read what standard input has. Returns false at its end (the last, unterminated line
 * run), or when memory ran out. */
static bool read_more(struct batch *b, struct inbuf *in)
{
	if (in->cap - in->len < 4096) {
		char *nb = realloc(in->buf, in->cap * 2);
		if (!nb)
			return false;
		in->buf = nb;
		in->cap *= 2;
	}
	ssize_t n = read(STDIN_FILENO, in->buf + in->len, in->cap - in->len - 1);
	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0) {
		if (in->len && !in->skipping) {
			in->buf[in->len] = '\0';
			run_line(b, in->buf);
		}
		return false;
	}
	in->len += (size_t)n;
	run_lines(b, in);
	return true;
}

/* Read commands from standard input until EOF, quit or a signal. */
static void read_stdin(struct batch *b)
{
	struct inbuf in = { malloc(4096), 4096, 0, false };
	if (!in.buf)
		return;
	while (!b->app.quit && !b->signalled) {
		int timeout = -1;
		struct pollfd p[3] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = bus_poll_fd(b, &timeout), .events = POLLIN },
			{ .fd = b->sigfd, .events = POLLIN },
		};
		if (poll(p, 3, timeout) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[2].revents && check_signal(b))
			break;
		if (bus_ready(b, &p[1]))
			pump(b, 0);
		if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) && !read_more(b, &in))
			break;
	}
	free(in.buf);
}

/* Input is over but a server still runs: serve until SIGINT, SIGTERM or SIGHUP. */
static void serve_until_signal(struct batch *b)
{
	while ((app_newest(&b->app, SESSION_SERVER) || app_newest(&b->app, SESSION_TAP) ||
		app_newest(&b->app, SESSION_WATCH)) &&
	       !b->signalled && !b->app.quit) {
		int timeout = -1;
		struct pollfd p[2] = {
			{ .fd = bus_poll_fd(b, &timeout), .events = POLLIN },
			{ .fd = b->sigfd, .events = POLLIN },
		};
		if (poll(p, 2, timeout) < 0 && errno != EINTR)
			break;
		if (p[1].revents && check_signal(b))
			break;
		if (bus_ready(b, &p[0]))
			pump(b, 0);
	}
}

/* ---- save and log: batch has no views; it keeps the run's newest events for them ---- */

static int batch_save(void *ctx, struct savefile *f, bool json, char *what, size_t whatlen,
		      char *why, size_t whylen)
{
	struct batch *b = ctx;
	(void)json;   /* the text form is refused before (save_no_text) */
	(void)why;
	(void)whylen;
	size_t n = b->kept.count;
	for (size_t i = 0; i < n; i++)
		render_event_save_json(f, evlog_at(&b->kept, i), b->app.capture, b->base_ns);
	int w = snprintf(what, whatlen, "%zu event%s of the run as JSON lines", n,
			 n == 1 ? "" : "s");
	if (b->kept.dropped && w > 0 && (size_t)w < whatlen)
		snprintf(what + w, whatlen - (size_t)w, " (the %" PRIu64 " before them are no "
			 "longer kept)", b->kept.dropped);
	return 0;
}

/* log ID: the session's lines kept so far, as the run printed them. */
static int batch_log(void *ctx, uint32_t id)
{
	struct batch *b = ctx;
	char line[EVENT_JSON_MAX > EVENT_LINE_MAX ? EVENT_JSON_MAX : EVENT_LINE_MAX];
	size_t n = b->kept.count, found = 0;
	unsigned flags = b->o->timestamps ? EVENT_FMT_TIME : 0;
	for (size_t i = 0; i < n; i++) {
		const struct event *ev = evlog_at(&b->kept, i);
		if (ev->session != id)
			continue;
		if (b->o->json)
			render_event_json(ev, b->base_ns, line, sizeof(line));
		else
			render_event_line(ev, flags, b->base_ns, line, sizeof(line));
		out_line(b, line);
		found++;
	}
	return found ? 0 : -ENOENT;
}

static void batch_hooks(struct batch *b)
{
	evlog_init(&b->kept, EVLOG_CAP_DEFAULT);
	b->app.hooks = (struct app_front){
		.save = batch_save,
		.save_no_text = "batch has no views to save as text; save FILE --json writes "
				"the run's events",
		.log = batch_log,
		.ctx = b,
	};
}

/* Standard output's buffer when it is not a terminal: a flood of lines goes out 64 KiB a write
 * instead of 4 KiB (a terminal keeps its line buffering). */
static char out_buf[64 << 10];

int batch_run(const struct batch_opts *o)
{
	struct batch b = { .o = o, .sigfd = -1 };
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
	b.base_ns = event_now_ns();
	/* Before any thread starts, so every thread inherits the mask. */
	b.sigfd = sysio_signals_block(0);
	if (b.sigfd < 0) {
		fprintf(stderr, "udscope: signalfd: %s\n", strerror(-b.sigfd));
		return 1;
	}
	struct event_sink out = { batch_emit, &b };
	if (app_init(&b.app, BUS_LOSSLESS, BATCH_BUS_EVENTS, out) < 0) {
		fprintf(stderr, "udscope: out of memory\n");
		close(b.sigfd);
		return 1;
	}
	b.app.ordered = true;
	b.app.reports = (struct report_sink){ batch_report, &b };
	batch_hooks(&b);
	for (int i = 0; i < o->nexec && !b.app.quit && !b.signalled; i++)
		run_line(&b, o->exec[i]);
	if (!b.app.quit && !b.signalled)
		read_stdin(&b);
	if (!b.app.quit && !b.signalled)
		serve_until_signal(&b);
	if (b.app.script.failures)
		b.failed = true;
	app_close(&b.app);
	out_flush(&b);
	free(b.full);
	evlog_free(&b.kept);
	close(b.sigfd);
	return b.failed ? 1 : 0;
}
