/* session: what a command starts that runs on its own (a server, a client, an interactive
 * connection, the pair demo), behind one interface, kept in one list with an id each. */
#include "config.h"

#include "core/session/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/socktype.h"
#include "core/session/chunkreq.h"

static void stamp_emit(void *ctx, struct event *ev)
{
	const struct session_stamp *st = ctx;
	ev->session = st->id;
	ev->show_session = st->show;
	sink_emit(&st->inner, ev);
}

static void stamp_emit_many(void *ctx, struct event *ev, size_t n)
{
	const struct session_stamp *st = ctx;
	for (size_t i = 0; i < n; i++) {
		ev[i].session = st->id;
		ev[i].show_session = st->show;
	}
	sink_emit_many(&st->inner, ev, n);
}

static struct event_sink stamp_sink(struct session_stamp *st, const struct event_sink *inner,
				    uint32_t id, bool show)
{
	*st = (struct session_stamp){ *inner, id, show };
	return (struct event_sink){ stamp_emit, st, stamp_emit_many };
}

struct session *session_new(struct session_list *l, const struct session_ops *ops,
			    const struct event_sink *now, const struct event_sink *later, bool show)
{
	struct session *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->id = ++l->next_id;
	s->ops = ops;
	if (now)
		s->now = stamp_sink(&s->now_stamp, now, s->id, show);
	if (later)
		s->later = stamp_sink(&s->later_stamp, later, s->id, show);
	return s;
}

void session_link(struct session_list *l, struct session *s, void *impl)
{
	s->impl = impl;
	struct session **tail = &l->head;
	while (*tail)
		tail = &(*tail)->next;
	*tail = s;
}

struct session *session_add(struct session_list *l, const struct session_ops *ops, void *impl)
{
	struct session *s = session_new(l, ops, NULL, NULL, false);
	if (s)
		session_link(l, s, impl);
	return s;
}

void session_unlink(struct session_list *l, struct session *s)
{
	for (struct session **p = &l->head; *p; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			free(s);
			return;
		}
	}
}

struct session *session_by_id(const struct session_list *l, uint32_t id)
{
	for (struct session *s = l->head; s; s = s->next)
		if (s->id == id)
			return s;
	return NULL;
}

struct session *session_by_impl(const struct session_list *l, const void *impl)
{
	for (struct session *s = l->head; s; s = s->next)
		if (s->impl == impl)
			return s;
	return NULL;
}

size_t session_count(const struct session_list *l, enum session_kind kind, const char *path,
		     struct session **newest)
{
	size_t n = 0;
	if (newest)
		*newest = NULL;
	for (struct session *s = l->head; s; s = s->next) {
		if (kind != SESSION__KINDS && s->ops->kind != kind)
			continue;
		if (path) {
			struct session_info in;
			session_info(s, &in);
			if (strcmp(in.path, path) != 0)
				continue;
		}
		n++;
		if (newest)
			*newest = s;
	}
	return n;
}

void session_info(const struct session *s, struct session_info *out)
{
	memset(out, 0, sizeof(*out));
	out->id = s->id;
	out->kind = s->ops->kind;
	out->kind_name = s->ops->name;
	out->finished = s->ops->finished(s->impl);
	out->status = out->finished ? s->ops->status(s->impl) : 0;
	out->state = out->finished ? (out->status ? "failed" : "finished") : "running";
	s->ops->info(s->impl, out);
}

void session_info_fill(struct session_info *out, const char *path, int type, const char *running,
		       const char *stopped, const struct stats *st, bool clients)
{
	snprintf(out->path, sizeof(out->path), "%s", path);
	out->type = socktype_name(type);
	if (!out->finished && running)
		out->state = running;
	else if (out->finished && stopped)
		out->state = stopped;
	out->has_stats = true;
	stats_snapshot(st, &out->st);
	if (clients)
		out->clients = out->finished ? 0 : out->st.clients;
}

/* The size asked for last, or the session's own while none was. */
static unsigned chunk_asked(const struct chunkreq *r)
{
	unsigned want = atomic_load((atomic_uint *)&r->asked);
	return want ? want : *r->size;
}

/* Asked through the kind's chunkreq, taken up by its thread at its next recv. */
unsigned session_set_chunk(struct session *s, unsigned n)
{
	struct chunkreq *r = s->ops->chunkreq ? s->ops->chunkreq(s->impl) : NULL;
	if (!r)
		return 0;
	unsigned was = chunk_asked(r);
	atomic_store(&r->asked, n);
	return was;
}

/* What session_set_chunk asked for last, or the size it runs with. */
unsigned session_chunk(const struct session *s)
{
	const struct chunkreq *r = s->ops->chunkreq ? s->ops->chunkreq(s->impl) : NULL;
	return r ? chunk_asked(r) : 0;
}

/* 0: one that could not start never became a session. */
int session_status_started(const void *impl)
{
	(void)impl;
	return 0;
}

int session_thread_start(pthread_t *t, bool *started, void *(*fn)(void *), void *arg,
			 const struct event_sink *now, enum event_source src, const char *op,
			 const char *path)
{
	int r = pthread_create(t, NULL, fn, arg);
	if (r != 0) {
		event_emit_error(now, src, 0, r, "%s %s: pthread_create", op, path);
		return -r;
	}
	*started = true;
	return 0;
}
