/* script: the queue of command lines a front end runs, keeping a script in order: a line that
 * starts something (a client, a send, a wait) finishes before the next line runs. */
#include "config.h"

#include "core/cmd/script.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cmd/app.h"
#include "core/cmd/cmd.h"

static void line_free(struct script_line *l)
{
	free(l->text);
	free(l->origin);
}

/* Make room for ADD more lines at the end, first moving the queue back to the front. */
static int reserve(struct script *s, size_t add)
{
	if (s->head) {
		memmove(s->v, s->v + s->head, (s->n - s->head) * sizeof(*s->v));
		s->n -= s->head;
		s->head = 0;
	}
	if (s->n + add <= s->cap)
		return 0;
	size_t ncap = s->cap ? s->cap : 16;
	while (ncap < s->n + add)
		ncap *= 2;
	struct script_line *nv = realloc(s->v, ncap * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	s->v = nv;
	s->cap = ncap;
	return 0;
}

static int line_init(struct script_line *l, const char *text, size_t len, const char *origin,
		     unsigned lineno, unsigned depth)
{
	l->text = strndup(text, len);
	l->origin = origin ? strdup(origin) : NULL;
	l->lineno = lineno;
	l->depth = depth;
	if (!l->text || (origin && !l->origin)) {
		line_free(l);
		return -ENOMEM;
	}
	return 0;
}

int script_push(struct app *app, const char *line, const char *origin, unsigned lineno)
{
	struct script *s = &app->script;
	app->close_script = script_free;   /* the lines queued are freed by app_close */
	if (reserve(s, 1) < 0 || line_init(&s->v[s->n], line, strlen(line), origin, lineno, 0) < 0) {
		app_error(app, ENOMEM, "queue a command line");
		return -ENOMEM;
	}
	s->n++;
	return 0;
}

/* What a file that is not a regular file is, for the line refusing it. */
static const char *file_kind(mode_t mode)
{
	return S_ISDIR(mode)    ? "a directory"
	       : S_ISFIFO(mode) ? "a FIFO"
	       : S_ISCHR(mode)  ? "a character device"
	       : S_ISBLK(mode)  ? "a block device"
	       : S_ISSOCK(mode) ? "a socket"
				: "not a file";
}

/* Open FILE for reading without waiting on it (a FIFO's open would block) and keep it only
 * when it is a regular file of at most SCRIPT_FILE_MAX bytes. Returns the descriptor, or
 * -errno after one error line. */
static int open_file(struct app *app, const char *file)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		int err = errno;
		app_error(app, err, "source %s", file);
		return -err;
	}
	struct stat st;
	int r = fstat(fd, &st) < 0 ? -errno : 0;
	if (r < 0) {
		app_error(app, -r, "source %s", file);
	} else if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		app_error(app, EISDIR, "source %s", file);
	} else if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		app_error(app, EINVAL, "source %s: not a regular file (%s)", file,
			  file_kind(st.st_mode));
	} else if (st.st_size > SCRIPT_FILE_MAX) {
		r = -EFBIG;
		app_error(app, EFBIG,
			  "source %s: larger than %d MiB, the most a command file may "
			  "hold",
			  file, SCRIPT_FILE_MAX >> 20);
	}
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/* Read FD to its end into a new *BUF (NUL-terminated), but no more than MAX bytes. Returns
 * the bytes read or -errno (*BUF freed). */
static ssize_t read_upto(int fd, char **buf, size_t max)
{
	size_t cap = 0, len = 0;
	for (;;) {
		if (cap - len < 4096 && cap < max + 1) {
			size_t ncap = cap ? cap * 2 : 8192;
			char *nb = realloc(*buf, ncap < max + 1 ? ncap : max + 1);
			if (!nb)
				break;
			*buf = nb;
			cap = ncap < max + 1 ? ncap : max + 1;
		}
		ssize_t n = len < max ? read(fd, *buf + len, cap - 1 - len) : 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				return (ssize_t)len;
			break;
		}
		len += (size_t)n;
	}
	int err = errno ? errno : ENOMEM;
	free(*buf);
	*buf = NULL;
	return -err;
}

/* The lines of FILE, read whole (a file that grows past the bound while it is read is
 * refused too). Returns 0 or -errno after one error line. */
static int read_file(struct app *app, const char *file, char **out, size_t *len)
{
	int fd = open_file(app, file);
	if (fd < 0)
		return fd;
	char *buf = NULL;
	ssize_t n = read_upto(fd, &buf, SCRIPT_FILE_MAX + 1);
	close(fd);
	if (n < 0 || n > SCRIPT_FILE_MAX) {
		int err = n < 0 ? (int)-n : EFBIG;
		if (n < 0)
			app_error(app, err, "source %s", file);
		else
			app_error(app, err,
				  "source %s: larger than %d MiB, the most a command "
				  "file may hold",
				  file, SCRIPT_FILE_MAX >> 20);
		free(buf);
		return -err;
	}
	buf[n] = '\0';
	*len = (size_t)n;
	*out = buf;
	return 0;
}

int script_insert_file(struct app *app, const char *file)
{
	struct script *s = &app->script;
	app->close_script = script_free;
	unsigned depth = s->depth + 1;
	if (depth > SCRIPT_DEPTH_MAX) {
		app_error(app, ELOOP, "source %s: sourced files nest deeper than %d", file,
			  SCRIPT_DEPTH_MAX);
		return -ELOOP;
	}
	char *buf = NULL;
	size_t len = 0;
	int r = read_file(app, file, &buf, &len);
	if (r < 0)
		return r;
	if (memchr(buf, '\0', len)) {
		app_error(app, EINVAL, "source %s: the file holds a NUL byte (not a command file)",
			  file);
		free(buf);
		return -EINVAL;
	}
	/* Count the lines, make room, move what is queued behind them, then fill them in. */
	size_t nl = 0;
	for (size_t i = 0; i < len; i++)
		nl += buf[i] == '\n';
	nl += len && buf[len - 1] != '\n';
	if (reserve(s, nl) < 0) {
		free(buf);
		app_error(app, ENOMEM, "source %s", file);
		return -ENOMEM;
	}
	memmove(s->v + nl, s->v, s->n * sizeof(*s->v));
	size_t k = 0;
	for (const char *p = buf; k < nl; k++) {
		const char *e = memchr(p, '\n', len - (size_t)(p - buf));
		size_t l = e ? (size_t)(e - p) : len - (size_t)(p - buf);
		if (l && p[l - 1] == '\r')
			l--;   /* a file written on another system */
		if (line_init(&s->v[k], p, l, file, (unsigned)k + 1, depth) < 0) {
			/* Keep the queue whole: drop the file's lines made so far, close the gap. */
			for (size_t j = 0; j < k; j++)
				line_free(&s->v[j]);
			memmove(s->v, s->v + nl, s->n * sizeof(*s->v));
			free(buf);
			app_error(app, ENOMEM, "source %s", file);
			return -ENOMEM;
		}
		p = e ? e + 1 : buf + len;
	}
	s->n += nl;
	free(buf);
	return 0;
}

/* The pending line's wait is over: let it say how it ended, count a failure, release it. */
static void settle(struct app *app)
{
	struct script *s = &app->script;
	struct app_wait w = app->wait;
	int status = w.status(w.session);
	if (w.done)
		w.done(app, w.session, status);
	if (status != 0)
		s->failures++;
	s->pending = false;
	s->aborting = false;
	app_release_wait(app);
}

static void run_next(struct app *app)
{
	struct script *s = &app->script;
	struct script_line l = s->v[s->head++];
	if (s->head == s->n)
		s->head = s->n = 0;
	if (l.origin)
		snprintf(app->where, sizeof(app->where), "%s:%u", l.origin, l.lineno);
	else
		app->where[0] = '\0';
	s->depth = l.depth;
	int r = cmd_run_line(app, l.text);
	line_free(&l);
	if (r == CMD_FAIL)
		s->failures++;
	if (r == CMD_PENDING) {
		/* Out of order front ends (the console) wait only for what is a wait by nature. */
		if (app->ordered || app->wait.always)
			s->pending = true;
		else
			app_release_wait(app);
	}
	app->where[0] = '\0';
}

bool script_step(struct app *app)
{
	struct script *s = &app->script;
	for (;;) {
		if (s->pending) {
			if (!app->wait.finished(app->wait.session))
				return false;
			settle(app);
		}
		if (app->quit || s->head == s->n)
			return !s->pending && s->head == s->n;
		run_next(app);
	}
}

bool script_idle(const struct app *app)
{
	return !app->script.pending && app->script.head == app->script.n;
}

size_t script_queued(const struct app *app)
{
	return app->script.n - app->script.head;
}

void script_abort(struct app *app)
{
	struct script *s = &app->script;
	for (size_t i = s->head; i < s->n; i++)
		line_free(&s->v[i]);
	s->head = s->n = 0;
	if (s->pending && !s->aborting && app->wait.stop) {
		s->aborting = true;
		app->wait.stop(app->wait.session);
	}
}

void script_free(struct app *app)
{
	struct script *s = &app->script;
	for (size_t i = s->head; i < s->n; i++)
		line_free(&s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}
