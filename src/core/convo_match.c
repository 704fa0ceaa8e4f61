/* convo_match: a server connection's peer inode (sock_diag) against our clients' sockets. */
#include "config.h"

#include "core/convo_match.h"

#include <stdbool.h>
#include <sys/types.h>

#include "core/app.h"
#include "core/client.h"
#include "core/server.h"
#include "core/sockets.h"

/* The session among clients and connections whose socket is INO, or 0. */
static uint32_t client_with_ino(const struct app *app, uint32_t ino)
{
	for (struct session *s = app->sessions.head; s; s = s->next) {
		ino_t own;
		if (s->ops->kind != SESSION_CLIENT && s->ops->kind != SESSION_CONN)
			continue;
		if (client_socket_ino(s->impl, &own) == 0 && own == ino)
			return s->id;
	}
	return 0;
}

/* Whether any client or connection session is there to match (else no sock_diag dump: raw
 * connections from this process, as the tests make by the thousand, cost nothing). */
static bool any_client(const struct app *app)
{
	for (struct session *s = app->sessions.head; s; s = s->next)
		if (s->ops->kind == SESSION_CLIENT || s->ops->kind == SESSION_CONN)
			return true;
	return false;
}

uint32_t convo_match_accept(void *ctx, uint32_t server_session, uint32_t conn)
{
	struct app *app = ctx;
	if (!any_client(app))
		return 0;
	struct session *s = session_by_id(&app->sessions, server_session);
	ino_t ino;
	if (!s || s->ops->kind != SESSION_SERVER || server_conn_ino(s->impl, conn, &ino) < 0)
		return 0;
	struct sockets_list l;
	if (sockets_collect_bare(&l) < 0)
		return 0;
	const struct sockets_entry *e = sockets_find_ino(&l, (uint32_t)ino);
	/* /proc/net/unix (no sock_diag) has no peers: then nothing is matched. */
	uint32_t found = e && e->has_peer && e->peer_ino ? client_with_ino(app, e->peer_ino) : 0;
	sockets_free(&l);
	return found;
}
