/* demo: the guided tour: its steps, running their command lines, holding their sessions'
 * lines until the step ends, and leaving nothing behind. */
#include "config.h"

#include "core/cmd/demo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cmd/app.h"
#include "core/session/client.h"
#include "core/cmd/cmd.h"
#include "core/cmd/demo_coalesce.h"

/* Lines held during a step; more are counted and said. */
#define DEMO_HELD_MAX 512
/* Sessions the tour may start over its whole run. */
#define DEMO_SESSIONS_MAX 32
/* How long a step waits for a server's line before it gives up. */
#define DEMO_WAIT_MS 10000

struct demo {
	char dir[PATH_MAX];        /* the private directory made for the socket, "" when none */
	char path[PATH_MAX + 16];  /* the socket */
	unsigned next;             /* the step demo_step runs next */
	uint32_t server, conn;     /* the tour's server and its newest connection (ids) */
	uint32_t ids[DEMO_SESSIONS_MAX];   /* sessions the tour started */
	size_t nids;
	struct event_sink front;   /* the front end's sink, while the tour holds lines */
	bool holding, passing;
	struct event *held;
	size_t nheld;
	uint64_t dropped;
};

struct demo_def {
	const char *title;
	const char *say;           /* the narration: one or two sentences (@P: the socket) */
	int (*run)(struct app *app, struct demo *d);
};

/* ---- holding lines until a step ends ---- */

static void hold_emit(void *ctx, struct event *ev)
{
	struct demo *d = ctx;
	if (d->passing) {
		sink_emit(&d->front, ev);
	} else if (d->nheld < DEMO_HELD_MAX) {
		d->held[d->nheld++] = *ev;
	} else {
		d->dropped++;
	}
}

static void hold(struct app *app, struct demo *d)
{
	if (d->holding)
		return;
	d->front = app->front;
	app->front = (struct event_sink){ hold_emit, d, NULL };
	d->holding = true;
}

/* Hand the held lines on, udscope's own first, then each session's in the order it said
 * them, sessions by id. */
static void release(struct app *app, struct demo *d)
{
	if (!d->holding)
		return;
	app->front = d->front;
	d->holding = false;
	uint32_t last = 0;
	for (bool first = true;; first = false) {
		uint32_t id = UINT32_MAX;
		for (size_t i = 0; i < d->nheld; i++) {
			uint32_t s = d->held[i].session;
			if ((first ? s >= last : s > last) && s < id)
				id = s;
		}
		if (id == UINT32_MAX)
			break;
		for (size_t i = 0; i < d->nheld; i++)
			if (d->held[i].session == id)
				sink_emit(&app->front, &d->held[i]);
		last = id;
	}
	d->nheld = 0;
	if (d->dropped)
		app_error(app, 0, "demo: %llu lines were not kept (more than %u in one step)",
			  (unsigned long long)d->dropped, DEMO_HELD_MAX);
	d->dropped = 0;
}

/* A line of the tour's own, said at once even while lines are held. */
static void say(struct app *app, struct demo *d, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(struct app *app, struct demo *d, const char *fmt, ...)
{
	char buf[EVENT_TEXT_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	d->passing = true;
	app_info(app, SRC_SYSTEM, "%s", buf);
	d->passing = false;
}

/* ---- running command lines ---- */

static int run(struct app *app, struct demo *d, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int run(struct app *app, struct demo *d, const char *fmt, ...)
{
	char line[PATH_MAX + 128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	say(app, d, "$ %s", line);
	uint32_t before = app->sessions.next_id;
	int r = cmd_run_line(app, line);
	for (uint32_t id = before + 1; id <= app->sessions.next_id; id++)
		if (d->nids < DEMO_SESSIONS_MAX && session_by_id(&app->sessions, id))
			d->ids[d->nids++] = id;
	if (r == CMD_PENDING) {
		struct app_wait w = app->wait;
		int st = app_wait_for(app, &w);
		if (w.done)
			w.done(app, w.session, st);
		app_release_wait(app);
		r = st ? CMD_FAIL : CMD_OK;
	}
	return r == CMD_FAIL ? -1 : 0;
}

/* Wait until server SESSION has said KIND since line FROM of the held ones. */
static int wait_for(struct app *app, struct demo *d, uint32_t session, enum event_kind kind,
		    size_t from)
{
	uint64_t until = event_now_ns() + (uint64_t)DEMO_WAIT_MS * 1000000u;
	for (;;) {
		for (size_t i = from; i < d->nheld; i++)
			if (d->held[i].session == session && d->held[i].kind == kind)
				return 0;
		if (event_now_ns() >= until)
			break;
		app_pump(app, 50);
	}
	app_error(app, ETIMEDOUT, "demo: server #%u did not say %s within %d s", session,
		  event_kind_name(kind), DEMO_WAIT_MS / 1000);
	return -1;
}

static uint32_t newest(const struct app *app, enum session_kind kind)
{
	struct session *s = app_newest(app, kind);
	return s ? s->id : 0;
}

/* ---- the steps ---- */

static int step_server(struct app *app, struct demo *d)
{
	size_t from = d->nheld;
	/* --chunk 16 whatever `set chunk` chose: the tour's figures depend on it. */
	if (run(app, d, "server start %s --chunk 16 --mode 755", d->path) < 0)
		return -1;
	d->server = newest(app, SESSION_SERVER);
	return wait_for(app, d, d->server, EV_WAIT, from);
}

/* Connect with OPTS, send the walkthrough's message, wait until the connection received
 * UNTIL, disconnect. Every command names the tour's sessions, not whichever runs. */
static int exchange(struct app *app, struct demo *d, const char *opts, const char *until)
{
	if (run(app, d, "connect %s %s", d->path, opts) < 0)
		return -1;
	d->conn = newest(app, SESSION_CONN);
	if (run(app, d, "send \"%s\" --id %u", CLIENT_DEFAULT_MESSAGE, d->conn) < 0 ||
	    run(app, d, "expect \"%s\" --id %u", until, d->conn) < 0)
		return -1;
	return run(app, d, "disconnect %u", d->conn);
}

/* The stream exchange, then the server's word that it waits again (its last line). */
static int echo_all(struct app *app, struct demo *d, const char *opts)
{
	size_t from = d->nheld;
	if (exchange(app, d, opts, "repeated.") < 0)
		return -1;
	return wait_for(app, d, d->server, EV_WAIT, from);
}

static int step_message(struct app *app, struct demo *d)
{
	return echo_all(app, d, "--chunk 16");
}

static int step_map(struct app *app, struct demo *d)
{
	return run(app, d, "map %u", d->conn);
}

static int step_chunk(struct app *app, struct demo *d)
{
	if (run(app, d, "server chunk 4 %u", d->server) < 0 || echo_all(app, d, "--chunk 4") < 0)
		return -1;
	release(app, d);
	return run(app, d, "map %u", d->conn);
}

/* The message over TYPE: one message, cut by the server's 16-byte recv. Stopping the server
 * at the end brings all its lines in. */
static int cut_message(struct app *app, struct demo *d, const char *type)
{
	char opts[32];
	snprintf(opts, sizeof(opts), "--type %s --chunk 16", type);
	if (run(app, d, "server start %s %s", d->path, opts) < 0)
		return -1;
	d->server = newest(app, SESSION_SERVER);
	if (exchange(app, d, opts, "This is the mess") < 0)
		return -1;
	return run(app, d, "server stop %u", d->server);
}

static int step_seqpacket(struct app *app, struct demo *d)
{
	if (run(app, d, "server stop %u", d->server) < 0)
		return -1;
	return cut_message(app, d, "seqpacket");
}

static int step_dgram(struct app *app, struct demo *d)
{
	return cut_message(app, d, "dgram");
}

static int step_inspect(struct app *app, struct demo *d)
{
	if (step_server(app, d) < 0)
		return -1;
	release(app, d);
	return run(app, d, "inspect %s --as nobody", d->path);
}

static int step_pair(struct app *app, struct demo *d)
{
	if (run(app, d, "pair") < 0)
		return -1;
	release(app, d);
	return run(app, d, "diagram %u", newest(app, SESSION_PAIR));
}

/* Nothing runs in a thread here: its lines and its map come out in the order said. */
static int coalesce(struct app *app, struct demo *d)
{
	release(app, d);
	return demo_coalesce(app);
}

static const struct demo_def steps[] = {
	{ "server", "An echo server starts at @P. Like the walkthrough's, it reads each "
	  "connection 16 bytes a recv and sends every chunk straight back.", step_server },
	{ "message", "A client connects and sends the walkthrough's 41-byte message in one send. "
	  "The server's recv asks for at most 16 bytes, so the message arrives in pieces.",
	  step_message },
	{ "map", "The delivery map puts both directions on one ruler: one send of bytes 0-40, "
	  "read as 0-15, 16-31 and 32-40, that is 16 + 16 + 9; the echo comes back the same way.",
	  step_map },
	{ "chunk", "The receive size can change while the server runs: at 4 bytes a recv the same "
	  "message arrives as eleven pieces, 10 x 4 + 1.", step_chunk },
	{ "seqpacket", "Over SOCK_SEQPACKET each send is one message, and a recv takes one message "
	  "whole or cut: the 16-byte recv keeps 16 bytes, learns the real length (MSG_TRUNC) "
	  "and the rest is discarded.", step_seqpacket },
	{ "dgram", "SOCK_DGRAM keeps message boundaries too, without a connection: the datagram is "
	  "cut the same way, and the echo goes back to the sender's address.", step_dgram },
	{ "coalesce", "A byte stream keeps no boundaries: three quick sends can arrive as one recv. "
	  "udscope writes three times on a socketpair before the other end reads once.",
	  coalesce },
	{ "inspect", "The socket is a file: its owner and mode bits decide who may connect. The "
	  "server made @P with mode 755, and connecting needs write permission.", step_inspect },
	{ "pair", "socketpair() and fork(): the parent sends ping, the child answers pong and "
	  "exits. The sequence diagram shows who sent what, and when.", step_pair },
};

#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

/* ---- beginning, stepping, leaving ---- */

/* The private directory (mkdtemp's 0700, ours) searchable by all (0711, still not listable):
 * the inspect step asks why nobody cannot connect, and the answer is to be the socket's mode
 * bits, not the tour's own directory. By descriptor, not following a link. */
static void open_dir_to_search(struct app *app, const char *dir)
{
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int e = fd < 0 || fstat(fd, &st) < 0 ? errno
		: st.st_uid != geteuid()     ? EPERM
		: fchmod(fd, 0711) < 0       ? errno
					     : 0;
	if (e)
		app_info(app, SRC_SYSTEM, "demo: chmod 0711 %s: %s (%s): the inspect step will name it",
			 dir, strerror(e), event_errno_name(e));
	if (fd >= 0)
		close(fd);
}

/* ./uds_socket when the current directory is writable and has nothing there; else a private
 * directory. Returns 0 or -errno (said). */
static int choose_place(struct app *app, struct demo *d)
{
	struct stat st;
	if (access(".", W_OK | X_OK) == 0 && lstat(DEMO_PATH, &st) < 0 && errno == ENOENT) {
		snprintf(d->path, sizeof(d->path), "%s", DEMO_PATH);
		return 0;
	}
	const char *tmp = getenv("TMPDIR");
	/* mkdtemp's template: it replaces the six X with a unique name. */
	snprintf(d->dir, sizeof(d->dir), "%s/udscope-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(d->dir)) {
		int e = errno;
		app_error(app, e, "demo: mkdtemp %s", d->dir);
		d->dir[0] = '\0';
		return -e;
	}
	open_dir_to_search(app, d->dir);
	snprintf(d->path, sizeof(d->path), "%s/uds_socket", d->dir);
	app_info(app, SRC_SYSTEM, "demo: %s %s, so the tour's socket is %s", DEMO_PATH,
		 access(".", W_OK | X_OK) == 0 ? "exists already" : "cannot be made here",
		 d->path);
	return 0;
}

int demo_begin(struct app *app)
{
	if (app->demo) {
		app_error(app, 0, "demo: the tour is running already (demo next, demo stop)");
		return -EBUSY;
	}
	struct demo *d = calloc(1, sizeof(*d));
	if (d)
		d->held = malloc(DEMO_HELD_MAX * sizeof(*d->held));
	if (!d || !d->held) {
		free(d);
		app_error(app, ENOMEM, "demo");
		return -ENOMEM;
	}
	int r = choose_place(app, d);
	if (r < 0) {
		free(d->held);
		free(d);
		return r;
	}
	app->demo = d;
	app->close_tour = demo_leave;
	return 0;
}

bool demo_running(const struct app *app)
{
	return app->demo != NULL;
}

bool demo_peek(const struct app *app, struct demo_step_info *info)
{
	const struct demo *d = app->demo;
	if (!d || d->next >= NSTEPS)
		return false;
	*info = (struct demo_step_info){ d->next + 1, (unsigned)NSTEPS, steps[d->next].title };
	return true;
}

/* The narration with @P replaced by the socket's path. */
static void narrate(const struct demo *d, const char *tmpl, char *buf, size_t len)
{
	const char *at = strstr(tmpl, "@P");
	int n = at ? snprintf(buf, len, "%.*s%s%s", (int)(at - tmpl), tmpl, d->path, at + 2)
		   : snprintf(buf, len, "%s", tmpl);
	if (n < 0 || (size_t)n >= len)
		buf[len - 1] = '\0';   /* cut: a path that long is said whole elsewhere */
}

int demo_step(struct app *app, struct demo_step_info *info)
{
	struct demo *d = app->demo;
	if (!d)
		return -EINVAL;
	struct demo_step_info in;
	if (!demo_peek(app, &in)) {
		demo_leave(app);
		return 0;
	}
	if (info)
		*info = in;
	const struct demo_def *st = &steps[d->next++];
	char text[EVENT_TEXT_MAX];
	narrate(d, st->say, text, sizeof(text));
	app_info(app, SRC_SYSTEM, "demo %u/%u (%s): %s", in.index, in.count, in.title, text);
	hold(app, d);
	int r = st->run(app, d);
	release(app, d);
	if (r < 0) {
		app_error(app, 0, "demo: step %u (%s) failed; leaving the tour", in.index, in.title);
		demo_leave(app);
		return -1;
	}
	return 1;
}

void demo_leave(struct app *app)
{
	struct demo *d = app->demo;
	if (!d)
		return;
	release(app, d);
	app->demo = NULL;   /* what follows runs as after the tour */
	for (size_t i = d->nids; i-- > 0;) {
		struct session *s = session_by_id(&app->sessions, d->ids[i]);
		if (s)
			app_end(app, s);
	}
	if (d->dir[0]) {
		/* The server removed its node; anything else left is not ours to delete. */
		if (rmdir(d->dir) < 0)
			app_error(app, errno, "demo: rmdir %s", d->dir);
	}
	struct stat st;
	if (lstat(d->path, &st) == 0)
		app_info(app, SRC_SYSTEM, "demo: the tour is over; what it started is stopped (%s "
			 "is still there: it was not the tour's to remove)", d->path);
	else
		app_info(app, SRC_SYSTEM, "demo: the tour is over; what it started is stopped and "
			 "%s is gone", d->path);
	free(d->held);
	free(d);
}
