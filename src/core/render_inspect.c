/* render_inspect: an inspect report as text lines; the describing helpers the
 * sockets and JSON renderers share. */
#include "config.h"

#include "core/render_inspect.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "core/event.h"
#include "core/inspect_report.h"
#include "core/node.h"
#include "core/render.h"

#define SHOW_PATH RENDER_SHOW_PATH
#define SHOW_NAME RENDER_SHOW_NAME

/* --- shared helpers --- */

const char *render_errtxt(int err, char *buf, size_t len)
{
	snprintf(buf, len, "%s (%s)", strerror(err), event_errno_name(err));
	return buf;
}

const char *render_show(const char *s, char *buf, size_t len)
{
	return inspect_show(s, strlen(s), buf, len);
}

const char *render_holders(const struct sockets_holders *h, char *buf, size_t len)
{
	size_t w = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < h->kept && w < len; i++) {
		const struct sockets_holder *p = &h->v[i];
		char sh[SHOW_NAME], et[96];
		int n;
		if (!p->comm_err)
			n = snprintf(buf + w, len - w, "%spid %ld (%s) fd %d%s", i ? ", " : "",
				     (long)p->pid, render_show(p->comm, sh, sizeof(sh)), p->fd,
				     p->self ? ", this udscope process" : "");
		else
			n = snprintf(buf + w, len - w, "%spid %ld (name unreadable: %s) fd %d",
				     i ? ", " : "", (long)p->pid,
				     render_errtxt(p->comm_err, et, sizeof(et)), p->fd);
		if (n < 0)
			break;
		w += (size_t)n;
	}
	if (h->n > h->kept && w < len)
		snprintf(buf + w, len - w, " and %zu more", h->n - h->kept);
	return buf;
}

/* --- words --- */

/* The text lines' sink, with the report for names. */
struct out {
	const struct inspect_report *r;
	render_line_fn fn;
	void *ctx;
};

#define say(o, ...) render_linef((o)->fn, (o)->ctx, 0, __VA_ARGS__)

const char *inspect_report_name(const struct inspect_report *r, bool group, unsigned long id)
{
	for (size_t i = 0; i < r->nnames; i++)
		if (r->names[i].group == group && r->names[i].id == id)
			return r->names[i].name;
	return "";
}

/* "root (0)", or just "1234" when the id has no name. */
static const char *id_text(const struct out *o, bool group, unsigned long id, char *buf, size_t len)
{
	char sh[SHOW_NAME];
	const char *name = inspect_report_name(o->r, group, id);
	if (name[0])
		snprintf(buf, len, "%s (%lu)", render_show(name, sh, sizeof(sh)), id);
	else
		snprintf(buf, len, "%lu", id);
	return buf;
}

/* A bare name for columns: "root", or the number. */
static const char *owner_word(const struct inspect_report *r, bool group, unsigned long id,
			      char *buf, size_t len)
{
	const char *name = inspect_report_name(r, group, id);
	if (name[0])
		render_show(name, buf, len);
	else
		snprintf(buf, len, "%lu", id);
	return buf;
}

/* "nobody (65534)" for the user a verdict is about; "uid N" without a name. */
static const char *who_text(const struct inspect_identity *id, char *buf, size_t len)
{
	char sh[SHOW_NAME];
	if (id->name[0])
		snprintf(buf, len, "%s (%lu)", render_show(id->name, sh, sizeof(sh)),
			 (unsigned long)id->uid);
	else
		snprintf(buf, len, "uid %lu", (unsigned long)id->uid);
	return buf;
}

static const char *time_text(const struct timespec *ts, char *buf, size_t len)
{
	struct tm tm;
	time_t t = ts->tv_sec;
	if (!localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S %z", &tm))
		snprintf(buf, len, "%lld", (long long)t);
	return buf;
}

static const char *need_text(unsigned need)
{
	switch (need) {
	case INSPECT_NEED_X:
		return "search (x)";
	case INSPECT_NEED_W:
		return "write (w)";
	case INSPECT_NEED_R:
		return "read (r)";
	case INSPECT_NEED_W | INSPECT_NEED_X:
		return "write and search (wx)";
	default:
		return "access";
	}
}

/* "drwx------ root root" for a permission step. */
static const char *perm_text(const struct out *o, const struct inspect_perm *p, char *buf,
			     size_t len)
{
	char mode[INSPECT_MODE_STR], u[SHOW_NAME], g[SHOW_NAME];
	inspect_mode_string(p->mode, mode);
	snprintf(buf, len, "%s %s %s", mode, owner_word(o->r, false, p->uid, u, sizeof(u)),
		 owner_word(o->r, true, p->gid, g, sizeof(g)));
	return buf;
}

/* "nobody is in the other class", with the group that put them in the group class. */
static void class_text(const struct out *o, const struct inspect_blocker *b,
		       const struct inspect_perm *p, char *buf, size_t len)
{
	const struct inspect_identity *id = o->r->id;
	char sh[SHOW_NAME], who[SHOW_NAME + 16], g[SHOW_NAME];
	if (id->name[0])
		snprintf(who, sizeof(who), "%s", render_show(id->name, sh, sizeof(sh)));
	else
		snprintf(who, sizeof(who), "uid %lu", (unsigned long)id->uid);
	if (b->cls == INSPECT_GROUP)
		snprintf(buf, len, "%s is in the group class (%s group %s)", who,
			 b->supplementary ? "supplementary" : "primary",
			 owner_word(o->r, true, p->gid, g, sizeof(g)));
	else
		snprintf(buf, len, "%s is in the %s class", who, inspect_class_name(b->cls));
}

/* LEAD, then "search (x) permission missing on /tmp/d (drwx------ root root): nobody is in
 * the other class", with the deciding class's rwx in the mode marked when MARK. */
static void blocker_line(const struct out *o, const struct inspect_judgement *j,
			 const struct inspect_blocker *b, const char *lead, bool mark)
{
	const struct inspect_perm *p = &j->perms[b->step];
	char line[EVENT_TEXT_MAX], sh[SHOW_PATH], pt[SHOW_NAME * 2 + 16], ct[SHOW_NAME * 3];
	int n1 = snprintf(line, sizeof(line), "%s%s permission missing on %s (", lead,
			  need_text(b->missing), render_show(p->path, sh, sizeof(sh)));
	class_text(o, b, p, ct, sizeof(ct));
	if (n1 < 0 || (size_t)n1 >= sizeof(line))
		return;
	int n2 = snprintf(line + n1, sizeof(line) - (size_t)n1, "%s): %s",
			  perm_text(o, p, pt, sizeof(pt)), ct);
	size_t len = n2 < 0 ? (size_t)n1 : (size_t)n1 + (size_t)n2;
	if (len >= sizeof(line))
		len = sizeof(line) - 1;
	struct render_line l = { .text = line, .len = len, .flags = mark ? RENDER_ERROR : 0 };
	/* The type letter, then owner, group and other triplets: the user's class decided. */
	size_t off = (size_t)n1 + 1 + 3 * (size_t)b->cls;
	if (mark && off + 3 <= len) {
		l.mark_off = off;
		l.mark_len = 3;
	}
	o->fn(o->ctx, &l);
}

/* --- the node --- */

/* The node's type line; for a symlink also what it points to. */
static void node_type(const struct out *o, const struct inspect_node *node)
{
	char sh[SHOW_PATH], et[96];
	const struct stat *st = &node->st;
	if (S_ISSOCK(st->st_mode)) {
		say(o, "type: socket");
	} else if (S_ISLNK(st->st_mode)) {
		if (node->link)
			say(o,
			    "type: symbolic link to %s (not a socket itself; connect follows it)",
			    render_show(node->link, sh, sizeof(sh)));
		else
			say(o, "type: symbolic link (readlink: %s)",
			    render_errtxt(node->link_err, et, sizeof(et)));
		if (node->target_err)
			say(o, "target: %s: stat: %s",
			    node->target_err == ENOENT ? "dangling symlink" : "unreachable",
			    render_errtxt(node->target_err, et, sizeof(et)));
		else
			say(o, "target: %s%s", node_type_name(node->target_st.st_mode),
			    S_ISSOCK(node->target_st.st_mode) ? "" : " (not a socket)");
	} else {
		say(o, "type: %s (not a socket)", node_type_name(st->st_mode));
	}
	if (node->acl)
		say(o, "acl: a POSIX ACL (system.posix_acl_access) is set; the group bits above "
		       "are its mask");
}

static void node_stat(const struct out *o, const struct stat *st)
{
	char mode[INSPECT_MODE_STR], u[SHOW_NAME + 16], g[SHOW_NAME + 16], ct[64], mt[64];
	inspect_mode_string(st->st_mode, mode);
	say(o, "mode: %s (%04o)", mode, (unsigned)(st->st_mode & 07777));
	say(o, "owner: %s  group: %s", id_text(o, false, st->st_uid, u, sizeof(u)),
	    id_text(o, true, st->st_gid, g, sizeof(g)));
	say(o, "inode: %lu  device: %u:%u  links: %lu", (unsigned long)st->st_ino,
	    major(st->st_dev), minor(st->st_dev), (unsigned long)st->st_nlink);
	say(o, "changed: %s  modified: %s", time_text(&st->st_ctim, ct, sizeof(ct)),
	    time_text(&st->st_mtim, mt, sizeof(mt)));
}

/* path, type, stat and sun_path lines. */
static void node_text(const struct out *o)
{
	const struct inspect_report *r = o->r;
	char sh[SHOW_PATH], sh2[SHOW_PATH], et[96];
	if (strcmp(r->path, r->walk->abs) == 0)
		say(o, "path: %s", render_show(r->path, sh, sizeof(sh)));
	else
		say(o, "path: %s (%s)", render_show(r->path, sh, sizeof(sh)),
		    render_show(r->walk->abs, sh2, sizeof(sh2)));
	if (r->node->err) {
		say(o, "type: %s (lstat: %s)", r->node->err == ENOENT ? "missing" : "unknown",
		    render_errtxt(r->node->err, et, sizeof(et)));
	} else {
		node_type(o, r->node);
		node_stat(o, &r->node->st);
	}
	size_t len = strlen(r->path), alen = strlen(r->walk->abs);
	if (!r->fits)
		say(o,
		    "sun_path: %zu bytes do not fit (limit %zu): connect cannot use this path; "
		    "use a shorter relative one",
		    len, (size_t)ADDR_PATH_MAX);
	else
		say(o, "sun_path: %zu of %zu bytes%s", len, (size_t)ADDR_PATH_MAX,
		    alen == len             ? ""
		    : alen <= ADDR_PATH_MAX ? " (absolute path fits too)"
					    : " (the absolute path would not fit)");
}

/* --- liveness --- */

static void unreadable_text(const struct out *o)
{
	char et[96];
	if (o->r->procs_unreadable)
		say(o,
		    "note: %zu processes could not be read (%s): a socket they hold shows no "
		    "process",
		    o->r->procs_unreadable, render_errtxt(o->r->procs_err, et, sizeof(et)));
}

static void listener_text(const struct out *o)
{
	const struct sockets_entry *e = o->r->entry;
	char own[SHOW_NAME + 48] = "";
	if (e->has_uid) {
		char u[SHOW_NAME + 16];
		snprintf(own, sizeof(own), ", created by uid %s",
			 id_text(o, false, e->uid, u, sizeof(u)));
	}
	const char *st = sockets_state_name(e->state);
	say(o, "socket: %s, %s, inode %lu%s", sockets_type_name(e->type), st ? st : "state ?",
	    (unsigned long)e->ino, own);
	if (e->nprocs == 0) {
		say(o, "holders: no process found holding socket inode %lu", (unsigned long)e->ino);
		unreadable_text(o);
	}
}

/* How the liveness was learnt, and why a connect was needed when one was made. */
static void method_text(const struct out *o)
{
	const struct inspect_report *r = o->r;
	const struct inspect_probe *p = &r->live;
	char et[96], why[160];
	switch (p->method) {
	case INSPECT_BY_DIAG:
		say(o, "method: sock_diag (no connection made)");
		return;
	case INSPECT_BY_LIST:
		say(o,
		    "method: /proc/net/unix (sock_diag: %s); not probed: this udscope process "
		    "holds the socket",
		    render_errtxt(r->diag_err, et, sizeof(et)));
		return;
	case INSPECT_BY_CONNECT:
		break;
	}
	if (r->list_err)
		snprintf(why, sizeof(why), "listing sockets: %s",
			 render_errtxt(r->list_err, et, sizeof(et)));
	else if (r->list_source != SOCKETS_FROM_DIAG)
		snprintf(why, sizeof(why), "sock_diag: %s",
			 render_errtxt(r->diag_err, et, sizeof(et)));
	else
		snprintf(why, sizeof(why), "sock_diag lists no socket bound here");
	if (p->err == ENAMETOOLONG && !p->type)
		say(o, "method: none (%s, and the path does not fit sun_path for a connect)", why);
	else
		say(o,
		    "method: probe from inspect (this udscope): one connect, closed at once (%s; "
		    "a listener sees a connection without data)",
		    why);
}

/* --probe: the connect made besides the table's answer. */
static void probe_text(const struct out *o)
{
	const struct inspect_probe *p = &o->r->probe;
	char et[96];
	if (!o->r->probed_too)
		return;
	if (p->err == 0)
		say(o,
		    "probe from inspect (this udscope), as asked (--probe): one connect, "
		    "connected (%s) and closed at once",
		    sockets_type_name(p->type));
	else
		say(o, "probe from inspect (this udscope), as asked (--probe): one connect: %s",
		    render_errtxt(p->err, et, sizeof(et)));
}

/* Who holds the socket bound there, or why that is not known. */
static const char *who_holds(const struct out *o, char *who, size_t len)
{
	const struct inspect_report *r = o->r;
	char et[96];
	if (r->entry && r->entry->nprocs)
		render_holders(&r->holders, who, len);
	else if (r->list_err)
		snprintf(who, len, "process unknown (listing sockets: %s)",
			 render_errtxt(r->list_err, et, sizeof(et)));
	else if (r->entry)
		snprintf(who, len, "no process found holding it");
	else
		snprintf(who, len, "no matching socket in the system's list");
	return who;
}

/* The liveness line when the table or the connect could not say it listens. */
static void unknown_text(const struct out *o, const char *who)
{
	const struct inspect_report *r = o->r;
	const struct sockets_entry *e = r->entry;
	char et[96];
	render_errtxt(r->live.err, et, sizeof(et));
	if (e && e->state == SOCKETS_LISTEN)
		say(o, "listening: yes by the system's socket list, %s (this user's connect: %s)",
		    who, et);
	else if (!e && !r->list_err && r->list_source == SOCKETS_FROM_DIAG)
		/* sock_diag names the node of every bound socket of this network namespace:
		 * none bound here means stale (unless another namespace's). */
		say(o,
		    "stale: no socket of this network namespace is bound to the node (this "
		    "user's connect: %s)",
		    et);
	else
		say(o, "listening: unknown (connect: %s)%s", et,
		    e ? "" : "; no listener bound to it in the system's socket list");
}

static void live_line(const struct out *o, const char *who)
{
	const struct inspect_probe *p = &o->r->live;
	bool probed = p->method == INSPECT_BY_CONNECT;
	char et[96];
	switch (p->live) {
	case INSPECT_LISTENING:
		say(o, "listening: yes, %s", who);
		break;
	case INSPECT_BACKLOG_FULL:
		if (probed)
			say(o, "listening: yes, but its accept queue is full (connect: %s), %s",
			    render_errtxt(p->err, et, sizeof(et)), who);
		else
			say(o,
			    "listening: yes, but its accept queue is full (a connect now fails "
			    "with EAGAIN), %s",
			    who);
		break;
	case INSPECT_DGRAM_BOUND:
		say(o, "listening: a datagram socket is bound here%s, %s",
		    probed ? " (connect succeeded)" : "", who);
		break;
	case INSPECT_BOUND_IDLE:
		say(o,
		    "listening: no, a %s socket is bound here but does not listen (a connect "
		    "is refused with ECONNREFUSED), %s",
		    sockets_type_name(p->type), who);
		break;
	case INSPECT_STALE:
		say(o, "stale: nothing listens (connect: %s)",
		    render_errtxt(p->err, et, sizeof(et)));
		if (o->r->entry)
			say(o, "note: a socket is bound to this node but not listening: %s", who);
		break;
	case INSPECT_UNKNOWN:
		unknown_text(o, who);
		break;
	}
}

/* The descriptors PID holds among the client ends from connection K on, as ", 4, 5"
 * (the first, at K, is already written); marks them DONE. */
static size_t pid_fds(const struct inspect_report *r, size_t kept, size_t k, size_t h,
		      bool done[][SOCKETS_PROCS_MAX], char *buf, size_t len)
{
	pid_t pid = r->conns[k].client.v[h].pid;
	size_t w = 0;
	for (size_t i = k; i < kept; i++)
		for (size_t x = 0; x < r->conns[i].client.kept && w < len; x++) {
			const struct sockets_holder *o = &r->conns[i].client.v[x];
			if (done[i][x] || o->pid != pid)
				continue;
			done[i][x] = true;
			int n = snprintf(buf + w, len - w, ", %d", o->fd);
			w += n > 0 ? (size_t)n : 0;
		}
	return w;
}

/* "connections: 3 established: pid 4242 (python3) fd 3, 4, 5": the processes holding the
 * client ends, each once with its descriptors. */
static void conns_text(const struct out *o)
{
	const struct inspect_report *r = o->r;
	if (!r->entry || r->entry->state != SOCKETS_LISTEN)
		return;
	if (r->nconns == 0 || r->list_source != SOCKETS_FROM_DIAG) {
		say(o,
		    r->nconns ? "connections: %zu established (their client ends are unknown: "
				"/proc/net/unix lists no peers)"
			      : "connections: none established",
		    r->nconns);
		return;
	}
	char buf[EVENT_TEXT_MAX], sh[SHOW_NAME];
	size_t w = 0, unknown = 0,
	       kept = r->nconns < INSPECT_CONNS_MAX ? r->nconns : INSPECT_CONNS_MAX;
	bool done[INSPECT_CONNS_MAX][SOCKETS_PROCS_MAX] = { { false } };
	buf[0] = '\0';
	for (size_t i = 0; i < kept; i++) {
		const struct inspect_conn *c = &r->conns[i];
		unknown += !c->peer_found || c->client.kept == 0;
		for (size_t k = 0; k < c->client.kept && w < sizeof(buf); k++) {
			const struct sockets_holder *h = &c->client.v[k];
			if (done[i][k])
				continue;
			int n = snprintf(buf + w, sizeof(buf) - w, "%spid %ld (%s)%s fd %d",
					 w ? "; " : "", (long)h->pid,
					 h->comm_err ? "?" : render_show(h->comm, sh, sizeof(sh)),
					 h->self ? " this udscope process," : "", h->fd);
			w += n > 0 ? (size_t)n : 0;
			done[i][k] = true;
			if (w < sizeof(buf))
				w += pid_fds(r, kept, i, k, done, buf + w, sizeof(buf) - w);
		}
	}
	char tail[96] = "";
	if (unknown || r->nconns > kept)
		snprintf(tail, sizeof(tail), "%s%zu with no process found", w ? "; " : "",
			 unknown + (r->nconns - kept));
	say(o, "connections: %zu established: %s%s", r->nconns, buf, tail);
}

/* The liveness line, the queue, who is connected, and how this was learnt. */
static void liveness_text(const struct out *o)
{
	const struct inspect_report *r = o->r;
	char who[512];
	who_holds(o, who, sizeof(who));
	live_line(o, who);
	if (r->live.has_queue)
		say(o, "queue: %lu of %lu connections waiting to be accepted%s",
		    (unsigned long)r->live.queued, (unsigned long)r->live.backlog,
		    r->live.live == INSPECT_BACKLOG_FULL ? " (more than the backlog: full)" : "");
	conns_text(o);
	method_text(o);
	probe_text(o);
	if (r->entry)
		listener_text(o);
}

/* Liveness for a path: as found, or why not probed; then the source of the list. */
static void live_text(const struct out *o)
{
	const struct inspect_report *r = o->r;
	char et[96];
	if (!r->is_socket)
		return;
	if (r->has_live) {
		liveness_text(o);
	} else {
		say(o, "listening: not probed (the path does not fit sun_path)");
		if (r->entry)
			listener_text(o);
	}
	if (!r->list_err && r->list_source == SOCKETS_FROM_PROC_NET)
		say(o, "note: listener matched by name from /proc/net/unix (sock_diag: %s)",
		    render_errtxt(r->diag_err, et, sizeof(et)));
}

/* --- the walk --- */

static void step_text(const struct out *o, const struct inspect_walk *w, size_t i)
{
	const struct inspect_step *s = &w->v[i];
	int ind = 2 + 2 * (int)s->depth;
	char name[SHOW_NAME], et[96];
	render_show(s->name, name, sizeof(name));
	if (s->err) {
		say(o, "%*s%s: lstat: %s", ind, "", name, render_errtxt(s->err, et, sizeof(et)));
		return;
	}
	char mode[INSPECT_MODE_STR], u[SHOW_NAME], g[SHOW_NAME], tgt[SHOW_PATH + 8] = "";
	inspect_mode_string(s->mode, mode);
	if (s->link) {
		char lt[SHOW_PATH];
		snprintf(tgt, sizeof(tgt), " -> %s", render_show(s->link, lt, sizeof(lt)));
	}
	say(o, "%*s%s %-8s %-8s %s%s%s%s", ind, "", mode,
	    owner_word(o->r, false, s->uid, u, sizeof(u)),
	    owner_word(o->r, true, s->gid, g, sizeof(g)), name, tgt,
	    i == 0 && w->cwd ? " (the working directory: the lookup starts here)" : "",
	    s->acl ? " (has a POSIX ACL)" : "");
}

/* PATH as given; a relative one is walked from the working directory, shown first. */
static void walk_text(const struct out *o)
{
	const struct inspect_walk *w = o->r->walk;
	char sh[SHOW_PATH], sh2[SHOW_PATH], et[96];
	if (w->cwd)
		say(o,
		    "walk: %s, relative: the lookup starts at the working directory %s and never "
		    "looks at its parents",
		    render_show(o->r->path, sh, sizeof(sh)), render_show(w->cwd, sh2, sizeof(sh2)));
	else
		say(o, "walk: %s", render_show(w->abs, sh, sizeof(sh)));
	for (size_t i = 0; i < w->n; i++)
		step_text(o, w, i);
	if (w->err && (w->n == 0 || !w->v[w->n - 1].err))
		say(o, "walk stopped: %s", render_errtxt(w->err, et, sizeof(et)));
}

/* --- the verdict --- */

static void acl_text(const struct out *o, const struct inspect_judgement *j)
{
	char sh[SHOW_PATH];
	if (j->v.acl)
		say(o,
		    "acl: %s has a POSIX ACL (system.posix_acl_access): the verdict did not "
		    "evaluate it (its group bits are the ACL mask)",
		    render_show(j->perms[j->v.acl_step].path, sh, sizeof(sh)));
}

/* Every blocker: the first in the verdict line, the others on lines of their own. */
static void denied_text(const struct out *o, const struct inspect_judgement *j, const char *who)
{
	char lead[SHOW_NAME + 64];
	snprintf(lead, sizeof(lead), "verdict for %s: cannot connect: ", who);
	size_t nb = j->v.nblockers < INSPECT_BLOCKERS_MAX ? j->v.nblockers : INSPECT_BLOCKERS_MAX;
	for (size_t i = 0; i < nb; i++)
		blocker_line(o, j, &j->v.blockers[i], i ? "  also: " : lead, true);
	if (j->v.nblockers > nb)
		say(o, "  also: %zu more steps deny a permission", j->v.nblockers - nb);
}

static void verdict_text(const struct out *o)
{
	const struct inspect_report *r = o->r;
	const struct inspect_judgement *j = &r->verdict;
	char who[SHOW_NAME + 32], sh[SHOW_PATH], et[96], self[SHOW_NAME + 32];
	who_text(r->id, who, sizeof(who));
	acl_text(o, j);
	render_show(j->at ? j->at->path : "", sh, sizeof(sh));
	switch (j->reason) {
	case INSPECT_R_DENIED:
		denied_text(o, j, who);
		break;
	case INSPECT_R_MISSING:
		say(o, "verdict for %s: cannot connect: %s %s (%s)", who, sh,
		    j->err == ENOENT    ? "does not exist"
		    : j->err == ENOTDIR ? "is not a directory"
					: "has too many symbolic links",
		    event_errno_name(j->err));
		break;
	case INSPECT_R_UNKNOWN:
		say(o, "verdict for %s: unknown: %s could not look past %s (%s)", who,
		    who_text(r->self, self, sizeof(self)), sh,
		    render_errtxt(j->err, et, sizeof(et)));
		break;
	case INSPECT_R_NOT_SOCKET:
		say(o,
		    "verdict for %s: cannot connect: %s is a %s, not a socket (connect fails "
		    "with ECONNREFUSED)",
		    who, sh, node_type_name(j->at->mode));
		break;
	case INSPECT_R_ROOT_OVERRIDE: {
		char lead[SHOW_NAME * 2 + 160];
		snprintf(lead, sizeof(lead),
			 "verdict for %s: can connect: root's DAC override "
			 "(CAP_DAC_OVERRIDE) skips the mode bits, which alone would deny: ",
			 who);
		blocker_line(o, j, &j->v.blockers[0], lead, false);
		break;
	}
	case INSPECT_R_ROOT:
		say(o,
		    "verdict for %s: can connect: root's DAC override (CAP_DAC_OVERRIDE); the "
		    "mode bits allow it too",
		    who);
		break;
	case INSPECT_R_ALLOWED:
		say(o,
		    "verdict for %s: can connect: search (x) on all %zu directories%s, write (w) "
		    "on the socket as its %s class",
		    who, j->nperms - 1, r->walk->cwd ? " from the working directory" : "",
		    inspect_class_name(j->last_cls));
		break;
	case INSPECT_R_ABSTRACT:
		break;
	}
}

/* --- fixes --- */

/* A path as a shell word: as is when it is plain, else in single quotes (bytes outside
 * printable ASCII escaped, so such a word is shown, not runnable). */
static const char *shell_word(const char *s, char *buf, size_t len)
{
	if (s[0] && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			      "0123456789_./-+:,@%=") == strlen(s)) {
		render_show(s, buf, len);
		return buf;
	}
	size_t w = 0;
	char sh[SHOW_PATH];
	render_show(s, sh, sizeof(sh));
	if (len < 3)
		return "";
	buf[w++] = '\'';
	for (const char *p = sh; *p && w + 5 < len; p++) {
		if (*p == '\'') {
			memcpy(buf + w, "'\\''", 4);
			w += 4;
		} else {
			buf[w++] = *p;
		}
	}
	buf[w++] = '\'';
	buf[w] = '\0';
	return buf;
}

const char *render_bits(unsigned bits, char buf[4])
{
	size_t w = 0;
	if (bits & INSPECT_NEED_R)
		buf[w++] = 'r';
	if (bits & INSPECT_NEED_W)
		buf[w++] = 'w';
	if (bits & INSPECT_NEED_X)
		buf[w++] = 'x';
	buf[w] = '\0';
	return buf;
}

int render_fix_command(const struct inspect_report *r, const struct inspect_fix_step *s, char *buf,
		       size_t len)
{
	char p[SHOW_PATH + 64], g[SHOW_NAME], u[SHOW_NAME + 16], b[4];
	switch (s->op) {
	case INSPECT_FIX_CHMOD:
		return snprintf(buf, len, "chmod %c+%s %s", s->who, render_bits(s->bits, b),
				shell_word(s->path, p, sizeof(p)));
	case INSPECT_FIX_CHGRP:
		return snprintf(buf, len, "chgrp %s %s", owner_word(r, true, s->gid, g, sizeof(g)),
				shell_word(s->path, p, sizeof(p)));
	case INSPECT_FIX_JOIN:
		if (r->id->name[0])
			shell_word(r->id->name, u, sizeof(u));
		else
			snprintf(u, sizeof(u), "'#%lu'", (unsigned long)r->id->uid);
		return snprintf(buf, len, "usermod -aG %s %s",
				owner_word(r, true, s->gid, g, sizeof(g)), u);
	}
	return 0;
}

/* The groups a fix widens access to ("adm, nogroup"), and the group a chgrp takes nodes
 * from ((gid_t)-1: none). Returns whether a step joins a group. */
static bool fix_groups(const struct out *o, const struct inspect_fix *f, char *buf, size_t len,
		       gid_t *lost)
{
	size_t w = 0;
	bool join = false;
	buf[0] = '\0';
	*lost = (gid_t)-1;
	for (size_t i = 0; i < f->n && w < len; i++) {
		const struct inspect_fix_step *s = &f->v[i];
		join |= s->op == INSPECT_FIX_JOIN;
		if (s->op == INSPECT_FIX_CHGRP)
			*lost = s->old_gid;
		if (s->op != INSPECT_FIX_CHGRP && !(s->op == INSPECT_FIX_CHMOD && s->who == 'g'))
			continue;
		char g[SHOW_NAME];
		owner_word(o->r, true, s->gid, g, sizeof(g));
		if (strstr(buf, g))
			continue;
		int n = snprintf(buf + w, len - w, "%s%s", w ? ", " : "", g);
		w += n > 0 ? (size_t)n : 0;
	}
	return join;
}

/* Who else gains access: "widens access for everybody" and the like. */
static void scope_text(const struct out *o, const struct inspect_fix *f, char *buf, size_t len)
{
	char groups[SHOW_NAME * 2], lg[SHOW_NAME];
	gid_t lost;
	bool join = fix_groups(o, f, groups, sizeof(groups), &lost);
	const char *also = join ? "; joining a group grants all its access" : "";
	if (f->scope == INSPECT_SCOPE_EVERYONE)
		snprintf(buf, len, "widens access for everybody%s", also);
	else if (f->scope == INSPECT_SCOPE_USER)
		snprintf(buf, len, "no one else gains access%s", also);
	else if (lost != (gid_t)-1)
		snprintf(buf, len, "group %s gains access, group %s loses it%s", groups,
			 owner_word(o->r, true, lost, lg, sizeof(lg)), also);
	else
		snprintf(buf, len, "group %s gains access%s", groups, also);
}

/* "fix 1 (not run; narrowest; group nogroup gains access, ...): chgrp ... && chmod ...":
 * a suggestion, which udscope never runs itself. */
static void fix_text(const struct out *o, const struct inspect_fix *f, size_t k, size_t n)
{
	char cmds[EVENT_TEXT_MAX], scope[SHOW_NAME * 2 + 96];
	size_t w = 0;
	cmds[0] = '\0';
	for (size_t i = 0; i < f->n && w < sizeof(cmds); i++) {
		const struct inspect_fix_step *s = &f->v[i], *prev = i ? &f->v[i - 1] : NULL;
		int a;
		if (prev && s->op == INSPECT_FIX_CHGRP && prev->op == INSPECT_FIX_CHGRP &&
		    s->gid == prev->gid) {
			/* One chgrp for every node that goes to the same group. */
			char p[SHOW_PATH + 64];
			a = snprintf(cmds + w, sizeof(cmds) - w, " %s",
				     shell_word(s->path, p, sizeof(p)));
		} else {
			a = i ? snprintf(cmds + w, sizeof(cmds) - w, " && ") : 0;
			w += a > 0 ? (size_t)a : 0;
			a = w < sizeof(cmds)
				    ? render_fix_command(o->r, s, cmds + w, sizeof(cmds) - w)
				    : 0;
		}
		w += a > 0 ? (size_t)a : 0;
	}
	scope_text(o, f, scope, sizeof(scope));
	say(o, "fix %zu (not run; %s%s%s): %s", k + 1, k == 0 && n > 1 ? "narrowest; " : "", scope,
	    f->cut ? "; more blockers than shown need the same" : "", cmds);
}

static void fixes_text(const struct out *o, const struct inspect_judgement *j)
{
	for (size_t i = 0; i < j->nfixes; i++)
		fix_text(o, &j->fixes[i], i, j->nfixes);
}

/* --- proof and create --- */

static void proof_text(const struct out *o)
{
	const struct inspect_report *r = o->r;
	const struct inspect_identity *id = r->id;
	char who[SHOW_NAME + 32], et[96], as[SHOW_NAME + 160], groups[96] = "";
	who_text(id, who, sizeof(who));
	switch (r->proof_state) {
	case INSPECT_PROOF_NONE:
	case INSPECT_PROOF_ERROR: /* said as an error by the command */
		return;
	case INSPECT_PROOF_NOT_ROOT:
		say(o, "proof: not run (switching to %s needs root)", who);
		return;
	case INSPECT_PROOF_NO_GROUP:
		say(o, "proof: not run (%s has no passwd entry, so no group to switch to)", who);
		return;
	case INSPECT_PROOF_RAN:
		break;
	}
	size_t gw = 0;
	for (size_t i = 0; i < id->ngroups && i < 4 && gw < sizeof(groups); i++) {
		int k = snprintf(groups + gw, sizeof(groups) - gw, "%s%lu", i ? "," : "",
				 (unsigned long)id->groups[i]);
		gw += k > 0 ? (size_t)k : 0;
	}
	if (id->ngroups > 4 && gw < sizeof(groups))
		snprintf(groups + gw, sizeof(groups) - gw, ",... (%zu)", id->ngroups);
	snprintf(as, sizeof(as), "a forked child as %s with gid %lu and groups %s", who,
		 (unsigned long)id->gid, id->ngroups ? groups : "(none)");
	const struct inspect_proof *pr = &r->proof;
	if (pr->failed) {
		say(o, "proof: %s could not switch: %s: %s", as, pr->failed,
		    render_errtxt(pr->err, et, sizeof(et)));
		return;
	}
	bool denied = pr->err == EACCES || pr->err == EPERM;
	const char *agree =
		r->agree == INSPECT_AGREES ? "agrees with the verdict"
		: r->agree == INSPECT_NOT_REACHED
			? "the permission checks were not reached"
			: "DISAGREES with the verdict (an ACL, a security module or the mount "
			  "decided)";
	if (pr->err == 0)
		say(o, "proof: %s connected (%s): %s", as, sockets_type_name(pr->type), agree);
	else
		say(o, "proof: %s got connect: %s%s: %s", as,
		    render_errtxt(pr->err, et, sizeof(et)),
		    r->proof_permitted ? ", so the permission checks passed"
		    : denied           ? ""
				       : ", so the socket was not reached",
		    agree);
}

/* For a path that does not exist yet: may the user bind a socket there, with which mode. */
static void create_text(const struct out *o)
{
	const struct inspect_report *r = o->r;
	const struct inspect_judgement *j = &r->create;
	char who[SHOW_NAME + 32], sh[SHOW_PATH], pt[SHOW_NAME * 2 + 16], et[96];
	if (!r->has_create)
		return;
	who_text(r->id, who, sizeof(who));
	if (!r->walk->last_missing) {
		say(o, "create: not possible: the lookup stops at %s (%s)",
		    render_show(j->at->path, sh, sizeof(sh)),
		    render_errtxt(j->err, et, sizeof(et)));
		return;
	}
	if (j->nperms == 0)
		return;
	acl_text(o, j);
	const struct inspect_perm *parent = &j->perms[j->nperms - 1];
	char lead[SHOW_NAME * 2 + 64];
	snprintf(lead, sizeof(lead), "create: %s cannot create a socket here: ", who);
	if (!j->can)
		blocker_line(o, j, &j->v.blockers[0], lead, false);
	else
		say(o, "create: %s can create a socket here: write and search on %s (%s)%s", who,
		    render_show(parent->path, sh, sizeof(sh)), perm_text(o, parent, pt, sizeof(pt)),
		    j->v.by_mode ? "" : " by root's DAC override");
	if (r->umask_err) {
		say(o, "create: umask unknown (%s)", render_errtxt(r->umask_err, et, sizeof(et)));
		return;
	}
	char mode[INSPECT_MODE_STR];
	mode_t m = (mode_t)(0777 & ~r->umask);
	inspect_mode_string(S_IFSOCK | m, mode);
	say(o, "create: the node would get %s (%04o) under this process's umask %04o", mode,
	    (unsigned)m, (unsigned)r->umask);
}

/* --- abstract names --- */

static void abstract_text(const struct out *o)
{
	const struct inspect_report *r = o->r;
	const struct inspect_probe *p = &r->live;
	char sh[SHOW_PATH], et[96], who[SHOW_NAME + 32];
	say(o, "name: %s (abstract namespace, %zu of %zu bytes)", r->addr->text, r->addr->name_len,
	    (size_t)ADDR_PATH_MAX);
	say(o, "type: abstract socket name: no file system node, so no file system permissions "
	       "apply (the server may still check SO_PEERCRED)");
	if (p->live == INSPECT_STALE) {
		if (p->method == INSPECT_BY_CONNECT)
			say(o, "listening: no, nothing is bound to this name (connect: %s)",
			    render_errtxt(p->err, et, sizeof(et)));
		else
			say(o, "listening: no, nothing is bound to this name (sock_diag lists none "
			       "in this network namespace)");
		method_text(o);
		probe_text(o);
	} else {
		liveness_text(o);
	}
	if (r->literal_file) {
		inspect_show(r->path, r->path_len, sh, sizeof(sh));
		say(o,
		    "note: a %s literally named %s exists in the current directory; ss, lsof and "
		    "/proc/net/unix print both the same way: inspect ./%s for the file",
		    node_type_name(r->literal_mode), sh, sh);
	}
	who_text(r->id, who, sizeof(who));
	if (r->verdict.can)
		say(o,
		    "verdict for %s: can connect: no file system permission check applies to an "
		    "abstract name",
		    who);
	else if (!r->verdict.unknown)
		say(o, "verdict for %s: cannot connect: nothing %s this name", who,
		    p->live == INSPECT_STALE ? "is bound to" : "listens on");
	else
		say(o, "verdict for %s: unknown (connect: %s)", who,
		    render_errtxt(p->err, et, sizeof(et)));
	proof_text(o);
}

void render_inspect_text(const struct inspect_report *r, render_line_fn fn, void *ctx)
{
	struct out o = { r, fn, ctx };
	if (r->abstract) {
		abstract_text(&o);
		return;
	}
	node_text(&o);
	live_text(&o);
	walk_text(&o);
	verdict_text(&o);
	fixes_text(&o, &r->verdict);
	proof_text(&o);
	create_text(&o);
}
