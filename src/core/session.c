/* session: what a command starts that runs on its own (a server, a client, an interactive
 * connection, the pair demo), behind one interface, kept in one list with an id each. */
#include "config.h"

#include "core/session.h"

#include <stdlib.h>
#include <string.h>

struct session *session_add(struct session_list *l, const struct session_ops *ops, void *impl)
{
	struct session *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->id = ++l->next_id;
	s->ops = ops;
	s->impl = impl;
	struct session **tail = &l->head;
	while (*tail)
		tail = &(*tail)->next;
	*tail = s;
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
