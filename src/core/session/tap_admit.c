/* tap_admit: the stream tap takes each client, decides whose identity its upstream
 * connection carries (tap_ident.h), and connects it through to the target. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/base/sysio.h"
#include "core/io/node.h"
#include "core/session/tap_int.h"

/* ---- connections ---- */

void tap_admit_drop(struct tap *t, size_t i)
{
	struct tap_conn *c = t->conns[i];
	for (int s = CLI; s <= SRV; s++) {
		sysio_close(&c->fd[s]);
		ancil_close(&c->dir[s].anc);
		tap_pidwatch_close(&c->dir[s].watch);
		free(c->dir[s].buf);
	}
	free(c);
	t->conns[i] = t->conns[--t->nconns];
	atomic_fetch_sub(&t->ls.stats.clients, 1);
	t->accept_paused = false;
}

/* Room for one more connection and its two pollfds. Returns 0 or -ENOMEM. */
int tap_admit_grow(struct tap *t)
{
	if (t->nconns < t->capconns)
		return 0;
	size_t ncap = t->capconns ? t->capconns * 2 : 16;
	struct tap_conn **nc = realloc(t->conns, ncap * sizeof(*nc));
	if (!nc)
		return -ENOMEM;
	t->conns = nc;
	struct pollfd *np = realloc(t->pfds, (2 + 2 * ncap) * sizeof(*np));
	if (!np)
		return -ENOMEM;
	t->pfds = np;
	t->capconns = ncap;
	return 0;
}

/* What the connection line calls side S's process (CRED, from SO_PEERCRED), into OUT: its
 * name; when the process that listened is gone (a daemon that forked and exited), the live
 * process that holds the target's listening socket now, found once and kept while it
 * lives. */
static const char *peer_label(struct tap *t, int s, const struct peer_cred *cred, char *out,
			      size_t len)
{
	if (cred->comm[0] || s != SRV || t->target.abstract) {
		snprintf(out, len, "%s", cred->comm[0] ? cred->comm : "process gone");
		return out;
	}
	char now[sizeof(t->holder_comm)];
	if (!t->holder || sysio_proc_comm(t->holder, now, sizeof(now)) < 0 ||
	    strcmp(now, t->holder_comm) != 0) {
		struct node_probe np;
		bool found = node_probe(&t->target, &np) == 0 && np.pid > 0 && np.comm[0];
		t->holder = found ? np.pid : 0;
		snprintf(t->holder_comm, sizeof(t->holder_comm), "%s", found ? np.comm : "");
	}
	if (t->holder)
		snprintf(out, len, "process gone; the listening socket is held by pid %ld (%s)",
			 (long)t->holder, t->holder_comm);
	else
		snprintf(out, len, "process gone");
	return out;
}

/* The connection line for one side: who it is, as SO_PEERCRED says. */
static void say_peer(struct tap *t, struct tap_conn *c, int s)
{
	uint32_t id = c->id;
	enum event_dir side = s == CLI ? DIR_C2S : DIR_S2C;
	struct peer_cred cred;
	sysio_peer_cred(c->fd[s], &cred);
	c->peer[s] = cred;
	if (t->pass_creds && cred.ok) {
		c->dir[s].has_as = true;
		c->dir[s].as = (struct ucred){ cred.pid, cred.uid, cred.gid };
	}
	struct event *ev = tap_next_event(t, EV_ACCEPT, id);
	ev->dir = (uint8_t)side;
	if (!cred.ok) {
		event_textf(ev, "%s: unknown peer (SO_PEERCRED failed)",
			    side == DIR_C2S ? "client" : "server");
		return;
	}
	ev->has_cred = true;
	ev->as_client = s == SRV && c->as_client;
	ev->pid = cred.pid;
	ev->uid = cred.uid;
	ev->gid = cred.gid;
	char label[128];
	event_textf(ev, "%s", peer_label(t, s, &cred, label, sizeof(label)));
}

/* Connect C's non-blocking upstream socket to the target, as the client when it is to be.
 * Returns 0, -EAGAIN while the target's backlog is full (a Unix socket never completes
 * later: try again, as the same client), or -errno; *STEP names the call that failed. */
static int try_connect(const struct tap *t, struct tap_conn *c, const char **step)
{
	const struct sockaddr *sa = (const struct sockaddr *)&t->target.sun;
	*step = "connect";
	if (c->as_client)
		return tap_ident_connect(c->fd[SRV], sa, t->target.len, &c->who, &t->self, step);
	int r;
	do
		r = connect(c->fd[SRV], sa, t->target.len);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

/* The target could not be reached: drop what the client sent (so closing is an EOF for it,
 * not a reset) and close it, with one error line. */
static void refuse_client(struct tap *t, int fd, uint32_t id, int err, const char *step)
{
	event_emit_error(&t->qsink, SRC_TAP, id, err, "tap %s: closed the client: %s %s%s",
			 t->listen.text, step, t->target.text,
			 err == EAGAIN             ? " (its backlog "
						     "stayed full for 2 s)"
			 : strcmp(step, "connect") ? " (to connect as the "
						     "client)"
						   : "");
	char sink[4096];
	for (int i = 0; i < 256 && recv(fd, sink, sizeof(sink), MSG_DONTWAIT) > 0; i++)
		;
	close(fd);
}

/* Connection I could not be connected through (ERR): close the client, and it. */
static void give_up(struct tap *t, size_t i, int err, const char *step)
{
	struct tap_conn *c = t->conns[i];
	refuse_client(t, c->fd[CLI], c->id, err, step);
	c->fd[CLI] = -1;
	tap_admit_drop(t, i);
}

/* Ask for TAP_SNDBUF on FD. A refusal only costs speed (the default stays), so it is not
 * reported. */
static void deepen(int fd)
{
	int v = TAP_SNDBUF;
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
}

/* As root, have each chunk that FD receives carry its own sender's credentials
 * (SO_PASSCRED), so that they go on with it: the process that sends may not be the one that
 * connected. A refusal leaves the connection's credentials (SO_PEERCRED) in use. */
static void pass_creds_in(const struct tap *t, int fd)
{
	int one = 1;
	if (t->pass_creds)
		(void)setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
}

/* C's upstream connection is made: its replies carry the server's credentials each, and its
 * line says who answered. (Set after connect: before, SO_PASSCRED would autobind it.) */
static void connected(struct tap *t, struct tap_conn *c)
{
	pass_creds_in(t, c->fd[SRV]);
	say_peer(t, c, SRV);
}

/* Decide whose identity C's upstream connection carries: the client's when udscope may
 * switch to it, udscope's when lent or the same user; else refuse the client with a line
 * (and close its socket). Returns whether C goes on. */
static bool admit(struct tap *t, struct tap_conn *c)
{
	int r = tap_ident_of_peer(c->fd[CLI], &c->who);
	if (t->opts.lend_identity ||
	    (r == 0 && !t->can_switch && tap_ident_same_user(&c->who, &t->self))) {
		pass_creds_in(t, c->fd[CLI]);
		return true;
	}
	if (r == 0 && t->can_switch) {
		c->as_client = true;
		pass_creds_in(t, c->fd[CLI]);
		return true;
	}
	struct event *ev = tap_next_event(t, EV_ERROR, c->id);
	event_set_path(ev, FACT_REFUSED, t->listen.text, strlen(t->listen.text), NULL);
	ev->reason = r < 0 ? REASON_IDENTITY_UNKNOWN : REASON_OTHER_USER;
	ev->err = r < 0 ? -r : 0;
	if (r == 0) {
		ev->has_cred = true; /* the client's identity, as it would have gone on */
		ev->uid = c->who.uid;
		ev->gid = c->who.gid;
		ev->own_uid = t->self.uid;
		ev->own_gid = t->self.gid;
	}
	close(c->fd[CLI]);
	return false;
}

bool tap_admit_accept(struct tap *t)
{
	if (tap_admit_grow(t) < 0) {
		event_emit_error(&t->qsink, SRC_TAP, 0, ENOMEM, "tap: accept %s", t->listen.text);
		return false;
	}
	int fd = accept4(t->ls.lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EINTR || errno == ECONNABORTED)
			return true;
		if (errno == EAGAIN)
			return false;
		/* Out of descriptors or memory the client stays queued: stop polling the
		 * listener until a connection ends (or a second passes), else poll spins. */
		if (!t->accept_paused)
			event_emit_error(&t->qsink, SRC_TAP, 0, errno, "tap: accept %s (pausing "
					 "accepts until a connection ends)", t->listen.text);
		t->accept_paused = true;
		return false;
	}
	uint32_t id = ++t->ls.next_id;
	atomic_fetch_add(&t->ls.stats.accepted, 1);
	struct tap_conn *c = calloc(1, sizeof(*c));
	char *b0 = malloc(TAP_BUF), *b1 = malloc(TAP_BUF);
	if (!c || !b0 || !b1) {
		free(c), free(b0), free(b1);
		refuse_client(t, fd, id, ENOMEM, "connect");
		t->accept_paused = true;
		return false;
	}
	*c = (struct tap_conn){ .id = id, .fd = { fd, -1 } };
	tap_pidwatch_init(&c->dir[CLI].watch);
	tap_pidwatch_init(&c->dir[SRV].watch);
	c->dir[CLI].buf = b0;
	c->dir[SRV].buf = b1;
	c->dir[CLI].cap = c->dir[SRV].cap = TAP_BUF;
	t->conns[t->nconns++] = c;
	atomic_fetch_add(&t->ls.stats.clients, 1);
	say_peer(t, c, CLI);
	if (!admit(t, c)) {
		c->fd[CLI] = -1; /* closed by admit */
		tap_admit_drop(t, t->nconns - 1);
		return true;
	}
	deepen(fd);
	c->fd[SRV] = socket(AF_UNIX, t->opts.type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd[SRV] >= 0)
		deepen(c->fd[SRV]);
	const char *step = "socket";
	int r = c->fd[SRV] < 0 ? -errno : try_connect(t, c, &step);
	if (r == 0)
		connected(t, c);
	else if (r == -EAGAIN)
		c->connect_until_ns = event_now_ns() + TAP_CONNECT_WAIT_NS;
	else
		give_up(t, t->nconns - 1, -r, step);
	return true;
}

bool tap_admit_retry(struct tap *t)
{
	bool waiting = false;
	uint64_t now = event_now_ns();
	for (size_t i = t->nconns; i-- > 0;) {
		struct tap_conn *c = t->conns[i];
		if (!c->connect_until_ns)
			continue;
		const char *step;
		int r = try_connect(t, c, &step);
		if (r == 0) {
			c->connect_until_ns = 0;
			connected(t, c);
		} else if (r == -EAGAIN && now < c->connect_until_ns) {
			waiting = true;
		} else {
			give_up(t, i, -r, step);
		}
	}
	return waiting;
}

/* ---- forwarding ---- */

