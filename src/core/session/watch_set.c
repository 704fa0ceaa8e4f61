/* watch_set: which sockets a watch target names, from sock_diag (sockets.h). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "core/session/watch.h"
#include "core/system/sockets.h"

/* Whether E is bound to ADDR (the same path, or the same abstract name). */
static bool named(const struct sockets_entry *e, const struct uds_addr *addr)
{
	const char *name = addr->abstract ? addr->sun.sun_path + 1 : addr->sun.sun_path;
	return e->abstract == addr->abstract && e->name_len == addr->name_len &&
	       memcmp(e->name, name, addr->name_len) == 0;
}

/* Put E (the server's end when SERVER) into OUT at *N if there is room; count it anyway. */
static void put(struct watch_found *out, size_t max, size_t *n, const struct sockets_entry *e,
		bool server)
{
	if (*n < max)
		out[*n] = (struct watch_found){ e->ino, e->has_peer ? e->peer_ino : 0, server,
						e->state == SOCKETS_LISTEN, e->type };
	(*n)++;
}

/* A listener's established connections, or a bound datagram socket. A path is matched by
 * the node it names now (its device and inode: a relative path, or one through a link, finds
 * the socket sock_diag reports under its bound name); by the name when there is no such
 * socket node (removed while the socket stays bound), and an abstract name by its bytes. */
static void by_path(const struct sockets_list *l, const struct watch_target *t,
		    struct watch_found *out, size_t max, size_t *n)
{
	struct stat st;
	bool node = !t->addr.abstract && stat(t->addr.sun.sun_path, &st) == 0 && S_ISSOCK(st.st_mode);
	for (size_t i = 0; i < l->n; i++) {
		const struct sockets_entry *e = &l->v[i];
		if (!(node ? sockets_entry_is_node(e, &st) : named(e, &t->addr)) ||
		    (t->type && e->type != t->type))
			continue;
		if (e->state == SOCKETS_LISTEN) {
			put(out, max, n, e, true);
			const struct sockets_entry *acc[1024];
			size_t k = sockets_accepted(l, e, acc, 1024);
			for (size_t j = 0; j < k && j < 1024; j++)
				put(out, max, n, acc[j], true);
		} else if (e->type == SOCK_DGRAM && !e->has_peer) {
			/* What anyone sends to it is seen as it receives it (senders connected to
			 * it included: their sends are not watched, so nothing shows twice). */
			put(out, max, n, e, true);
		}
	}
}

ssize_t watch_resolve(const struct watch_target *t, struct watch_found *out, size_t max)
{
	struct sockets_list l;
	int r = t->kind == WATCH_TARGET_PID ? sockets_collect(&l) : sockets_collect_bare(&l);
	if (r < 0)
		return r;
	size_t n = 0;
	if (t->kind == WATCH_TARGET_PATH) {
		by_path(&l, t, out, max, &n);
	} else if (t->kind == WATCH_TARGET_INODE) {
		const struct sockets_entry *e = sockets_find_ino(&l, t->ino);
		if (e)
			put(out, max, &n, e, true);
	} else {
		for (size_t i = 0; i < l.n; i++) {
			const struct sockets_entry *e = &l.v[i];
			if (e->state != SOCKETS_LISTEN && sockets_held_by(e, t->pid) &&
			    (!t->type || e->type == t->type))
				put(out, max, &n, e, true);
		}
	}
	sockets_free(&l);
	return (ssize_t)n;
}
