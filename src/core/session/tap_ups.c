/* tap_ups: the datagram tap's table of upstream sockets, one per sender address (hashed),
 * each autobound and connected to the target as its sender; the longest idle one makes room,
 * and idle ones are closed. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/base/sysio.h"
#include "core/io/msgio.h"
#include "core/session/tap_dgram_int.h"

/* EV to the relay's sink. */
static void emit(struct relay *r, struct event *ev)
{
	sink_emit(r->env->out, ev);
}

static size_t hash_of(const struct sockaddr_un *a, socklen_t len)
{
	const unsigned char *p = (const unsigned char *)a;
	uint32_t h = 2166136261u;
	for (socklen_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h % HASH_SIZE;
}

struct up *tap_ups_find(struct relay *r, const struct sockaddr_un *a, socklen_t len)
{
	if (len <= offsetof(struct sockaddr_un, sun_path))
		return r->unbound;
	for (struct up *u = r->hash[hash_of(a, len)]; u; u = u->hnext)
		if (u->addrlen == len && memcmp(&u->addr, a, len) == 0)
			return u;
	return NULL;
}

/* Close U and free it, after one line saying its totals and WHY (COUNT: the bound or the
 * idle seconds; ERR: what ran out). */
void tap_ups_close(struct relay *r, struct up *u, enum event_reason why, uint64_t count, int err)
{
	struct event ev;
	tap_dgram_line(&ev, EV_CLOSE, u->id);
	ev.fact = FACT_UPSTREAM_CLOSED;
	ev.reason = (uint8_t)why;
	ev.count = count;
	ev.cause_err = err;
	ev.socktype = SOCK_DGRAM;
	ev.bytes_in = u->bytes[CLI], ev.chunks_in = u->msgs[CLI];
	ev.bytes_out = u->bytes[SRV], ev.chunks_out = u->msgs[SRV];
	ev.unsent = u->dropped[CLI] + u->dropped[SRV] + (u->reply_held ? 1 : 0);
	emit(r, &ev);
	if (u == r->unbound) {
		r->unbound = NULL;
	} else {
		struct up **pp = &r->hash[hash_of(&u->addr, u->addrlen)];
		while (*pp != u)
			pp = &(*pp)->hnext;
		*pp = u->hnext;
	}
	r->ups[u->slot] = r->ups[--r->nups];
	r->ups[u->slot]->slot = u->slot;
	if (u->reply_held)
		r->replies_held--;
	ancil_close(&u->reply_anc);
	free(u->reply);
	close(u->fd);
	free(u);
	atomic_fetch_sub(&r->env->stats->clients, 1);
}

/* The upstream socket used longest ago, leaving out the one whose datagram is held. */
static struct up *up_oldest(struct relay *r)
{
	struct up *old = NULL;
	for (size_t i = 0; i < r->nups; i++)
		if (r->ups[i] != r->held && (!old || r->ups[i]->last_ns < old->last_ns))
			old = r->ups[i];
	return old;
}

/* Connect U to the target, as its sender when it is to be. Returns 0 or -errno. */
int tap_ups_connect(struct relay *r, struct up *u)
{
	const struct uds_addr *t = r->env->target;
	const struct sockaddr *sa = (const struct sockaddr *)&t->sun;
	const char *step;
	if (u->as_sender)
		return tap_ident_connect(u->fd, sa, t->len, &u->who, r->env->self, &step);
	int rc;
	do
		rc = connect(u->fd, sa, t->len);
	while (rc < 0 && errno == EINTR);
	return rc < 0 ? -errno : 0;
}

/* Whose identity U's connect carries, from the first datagram's credentials IN: the
 * sender's when udscope may switch, udscope's when lent or the same user; else U is refused
 * (one line) and its datagrams are dropped. */
static void up_identity(struct relay *r, struct up *u, const struct msgio_in *in)
{
	const struct tap_dgram_env *e = r->env;
	if (e->lend_identity)
		return;
	if (in->anc.has_cred)
		tap_ident_of_sender(in->anc.cred.pid, in->anc.cred.uid, in->anc.cred.gid, &u->who);
	if (in->anc.has_cred && e->can_switch) {
		u->as_sender = true;
		return;
	}
	if (in->anc.has_cred && tap_ident_same_user(&u->who, e->self))
		return;
	u->refused = true;
	struct event ev;
	tap_dgram_line(&ev, EV_ERROR, u->id);
	event_set_path(&ev, FACT_REFUSED, e->listen->text, strlen(e->listen->text), u->name);
	ev.reason = REASON_OTHER_USER;
	ev.socktype = SOCK_DGRAM;
	ev.has_cred = true; /* the sender's identity, as it would have gone on */
	ev.uid = u->who.uid;
	ev.gid = u->who.gid;
	ev.own_uid = e->self->uid;
	ev.own_gid = e->self->gid;
	emit(r, &ev);
}

/* A socket autobound (so the target can answer it) with SO_PASSCRED on. Returns the fd or
 * -errno. */
static int up_socket(void)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	int one = 1;
	sa_family_t fam = AF_UNIX;
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ||
	    bind(fd, (const struct sockaddr *)&fam, sizeof(fam)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/* The line that says an upstream socket opened: for whom, as what, to where. */
static void say_open(struct relay *r, struct up *u)
{
	struct sockaddr_un self;
	socklen_t len = sizeof(self);
	char me[sizeof(self.sun_path) * 4 + 2] = "?";
	if (getsockname(u->fd, (struct sockaddr *)&self, &len) == 0)
		msgio_sender(&self, len, me, sizeof(me));
	struct event ev;
	tap_dgram_line(&ev, EV_INFO, u->id);
	ev.dir = DIR_C2S;
	event_set_path(&ev, FACT_UPSTREAM_OPENED, u->name, strlen(u->name), me);
	event_set_target(&ev, r->env->target->text);
	ev.sender = (uint8_t)u->kind;
	emit(r, &ev);
}

/* Room for one more upstream socket in the list and the poll set. Returns 0 or -ENOMEM. */
static int grow(struct relay *r)
{
	if (r->nups < r->capups)
		return 0;
	size_t ncap = r->capups ? r->capups * 2 : 64;
	struct up **nu = realloc(r->ups, ncap * sizeof(*nu));
	if (!nu)
		return -ENOMEM;
	r->ups = nu;
	struct pollfd *np = realloc(r->pfds, (2 + ncap) * sizeof(*np));
	if (!np)
		return -ENOMEM;
	r->pfds = np;
	r->capups = ncap;
	return 0;
}

/* A new upstream socket for the sender at A (LEN 0: unbound), whose first datagram came
 * with IN, evicting the oldest when there are as many as allowed or descriptors ran out.
 * NULL after an error line. */
struct up *tap_ups_open(struct relay *r, const struct sockaddr_un *a, socklen_t len,
			  const struct msgio_in *in)
{
	if (grow(r) < 0) {
		event_emit_error(r->env->out, SRC_TAP, 0, ENOMEM, "tap %s: upstream socket",
				 r->env->listen->text);
		return NULL;
	}
	struct up *old = r->nups >= r->env->max_upstreams ? up_oldest(r) : NULL;
	if (old)
		tap_ups_close(r, old, REASON_EVICTED, r->env->max_upstreams, 0);
	struct up *u = calloc(1, sizeof(*u));
	int fd = u ? up_socket() : -ENOMEM;
	while ((fd == -EMFILE || fd == -ENFILE) && (old = up_oldest(r)) != NULL) {
		tap_ups_close(r, old, REASON_OUT_OF_FDS, 0, -fd);
		fd = up_socket();
	}
	if (fd < 0) {
		event_emit_error(r->env->out, SRC_TAP, 0, -fd,
				 "tap %s: upstream socket for a "
				 "sender (its datagram is dropped)",
				 r->env->listen->text);
		free(u);
		return NULL;
	}
	u->id = ++r->next_id;
	u->fd = fd;
	u->slot = r->nups;
	r->ups[r->nups++] = u;
	if (len > offsetof(struct sockaddr_un, sun_path)) {
		memcpy(&u->addr, a, len);
		u->addrlen = len;
		size_t h = hash_of(a, len);
		u->hnext = r->hash[h];
		r->hash[h] = u;
	} else {
		r->unbound = u;
	}
	u->kind = msgio_sender(&u->addr, u->addrlen, u->name, sizeof(u->name));
	atomic_fetch_add(&r->env->stats->clients, 1);
	atomic_fetch_add(&r->env->stats->accepted, 1);
	say_open(r, u);
	up_identity(r, u, in);
	int rc = u->refused ? 0 : tap_ups_connect(r, u);
	if (rc < 0) {
		u->target_err = -rc;
		tap_ups_target_down(r, u, "connect", -rc);
	}
	return u;
}

void tap_ups_target_down(struct relay *r, struct up *u, const char *call, int err)
{
	struct event ev;
	tap_dgram_line(&ev, EV_ERROR, u->id)->err = err;
	event_set_path(&ev, FACT_TARGET_DOWN, u->name, strlen(u->name), call);
	event_set_target(&ev, r->env->target->text);
	emit(r, &ev);
}

/* Close the upstream sockets idle longer than allowed: a reply its sender never took goes
 * with it (counted in its line); a datagram waiting for the target keeps its socket. */
void tap_ups_sweep(struct relay *r, uint64_t now)
{
	for (size_t i = r->nups; i-- > 0;) {
		struct up *u = r->ups[i];
		if (u != r->held && now - u->last_ns >= r->env->idle_ns)
			tap_ups_close(r, u, REASON_IDLE, r->env->idle_ns / 1000000000u, 0);
	}
}
