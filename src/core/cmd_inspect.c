/* cmd_inspect: the "inspect" and "sockets" commands, the inspector's facts as lines. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "core/app.h"
#include "core/cmd.h"
#include "core/inspect.h"
#include "core/node.h"
#include "core/sockets.h"
#include "core/sysio.h"

/* Room for a shown path: every byte escaped at worst. */
#define SHOW_PATH 512
#define SHOW_NAME 160
/* Permission checks kept for one verdict (a walk through many symlinks can need more). */
#define PERMS_MAX 256

/* "Connection refused (ECONNREFUSED)" */
static const char *errtxt(int err, char *buf, size_t len)
{
	snprintf(buf, len, "%s (%s)", strerror(err), event_errno_name(err));
	return buf;
}

static const char *show(const char *s, char *buf, size_t len)
{
	return inspect_show(s, strlen(s), buf, len);
}

/* "root (0)", or just "1234" when the id has no name (NAME is "" then). */
static const char *id_text(const char *name, unsigned long id, char *buf, size_t len)
{
	char sh[SHOW_NAME];
	if (name[0])
		snprintf(buf, len, "%s (%lu)", show(name, sh, sizeof(sh)), id);
	else
		snprintf(buf, len, "%lu", id);
	return buf;
}

static const char *user_text(uid_t uid, char *buf, size_t len)
{
	char name[INSPECT_NAME_MAX];
	inspect_user_name(uid, name, sizeof(name));
	return id_text(name, (unsigned long)uid, buf, len);
}

static const char *group_text(gid_t gid, char *buf, size_t len)
{
	char name[INSPECT_NAME_MAX];
	inspect_group_name(gid, name, sizeof(name));
	return id_text(name, (unsigned long)gid, buf, len);
}

/* A bare name for columns: "root", or the number. */
static const char *owner_word(uid_t uid, bool group, char *buf, size_t len)
{
	char name[INSPECT_NAME_MAX];
	if (group)
		inspect_group_name((gid_t)uid, name, sizeof(name));
	else
		inspect_user_name(uid, name, sizeof(name));
	if (name[0])
		show(name, buf, len);
	else
		snprintf(buf, len, "%lu", (unsigned long)uid);
	return buf;
}

/* "nobody (65534)" for the user a verdict is about. */
static const char *identity_text(const struct inspect_identity *id, char *buf, size_t len)
{
	char sh[SHOW_NAME];
	if (id->name[0])
		snprintf(buf, len, "%s (%lu)", show(id->name, sh, sizeof(sh)), (unsigned long)id->uid);
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
	case INSPECT_NEED_X: return "search (x)";
	case INSPECT_NEED_W: return "write (w)";
	case INSPECT_NEED_R: return "read (r)";
	case INSPECT_NEED_W | INSPECT_NEED_X: return "write and search (wx)";
	default: return "access";
	}
}

/* "drwx------ root root" for a permission step. */
static const char *perm_text(const struct inspect_perm *p, char *buf, size_t len)
{
	char mode[INSPECT_MODE_STR], u[SHOW_NAME], g[SHOW_NAME];
	inspect_mode_string(p->mode, mode);
	snprintf(buf, len, "%s %s %s", mode, owner_word(p->uid, false, u, sizeof(u)),
		 owner_word((uid_t)p->gid, true, g, sizeof(g)));
	return buf;
}

/* "pid 1234 (udscope) fd 5" for each holder; notes when one is this very process. */
static const char *holders_text(const struct sockets_entry *e, char *buf, size_t len)
{
	size_t w = 0;
	buf[0] = '\0';
	size_t shown = e->nprocs < SOCKETS_PROCS_MAX ? e->nprocs : SOCKETS_PROCS_MAX;
	for (size_t i = 0; i < shown && w < len; i++) {
		const struct sockets_proc *p = &e->procs[i];
		char comm[64], sh[SHOW_NAME], et[96];
		int r = sysio_proc_comm(p->pid, comm, sizeof(comm));
		int n;
		if (r == 0)
			n = snprintf(buf + w, len - w, "%spid %ld (%s) fd %d%s", i ? ", " : "",
				     (long)p->pid, show(comm, sh, sizeof(sh)), p->fd,
				     p->pid == getpid() ? ", this udscope process" : "");
		else
			n = snprintf(buf + w, len - w, "%spid %ld (name unreadable: %s) fd %d",
				     i ? ", " : "", (long)p->pid, errtxt(-r, et, sizeof(et)), p->fd);
		if (n < 0)
			break;
		w += (size_t)n;
	}
	if (e->nprocs > shown && w < len)
		snprintf(buf + w, len - w, " and %zu more", e->nprocs - shown);
	return buf;
}

/* Say why a listener's process may be missing from the list. */
static void report_unreadable(struct app *app, const struct sockets_list *l)
{
	char et[96];
	if (l->procs_unreadable)
		app_info(app, SRC_INSPECT, "note: %zu processes could not be read (%s): a socket "
			 "they hold shows no process", l->procs_unreadable,
			 errtxt(l->procs_err, et, sizeof(et)));
}

static void report_listener(struct app *app, const struct sockets_list *l,
			    const struct sockets_entry *e)
{
	char own[SHOW_NAME + 24] = "";
	if (e->has_uid) {
		char u[SHOW_NAME];
		snprintf(own, sizeof(own), ", created by uid %s", user_text(e->uid, u, sizeof(u)));
	}
	const char *st = sockets_state_name(e->state);
	app_info(app, SRC_INSPECT, "socket: %s, %s, inode %lu%s", sockets_type_name(e->type),
		 st ? st : "state ?", (unsigned long)e->ino, own);
	if (e->nprocs == 0) {
		app_info(app, SRC_INSPECT, "holders: no process found holding socket inode %lu",
			 (unsigned long)e->ino);
		report_unreadable(app, l);
	}
}

/* The first entry of L bound to the node (major:minor, ino), or by name from /proc/net/unix. */
static const struct sockets_entry *find_bound(const struct sockets_list *l, const struct stat *st,
					      const char *given, const char *abs)
{
	const struct sockets_entry *best = NULL;
	for (size_t i = 0; i < l->n; i++) {
		const struct sockets_entry *e = &l->v[i];
		bool match;
		if (l->source == SOCKETS_FROM_DIAG)
			match = e->has_vfs && e->vfs_ino == st->st_ino &&
				e->vfs_major == major(st->st_dev) && e->vfs_minor == minor(st->st_dev);
		else
			match = !e->abstract && e->name_len &&
				((e->name_len == strlen(given) && !memcmp(e->name, given, e->name_len)) ||
				 (e->name_len == strlen(abs) && !memcmp(e->name, abs, e->name_len)));
		/* A listening socket wins over one merely bound (by name there may be both). */
		if (match && (!best || e->state == SOCKETS_LISTEN))
			best = e;
	}
	return best;
}

static const struct sockets_entry *find_abstract(const struct sockets_list *l,
						 const struct uds_addr *a)
{
	const struct sockets_entry *best = NULL;
	for (size_t i = 0; i < l->n; i++) {
		const struct sockets_entry *e = &l->v[i];
		if (e->abstract && e->name_len == a->name_len &&
		    !memcmp(e->name, a->sun.sun_path + 1, a->name_len) &&
		    (!best || e->state == SOCKETS_LISTEN))
			best = e;
	}
	return best;
}

/* How the liveness was learnt, and why a connect was needed when one was made. */
static void report_method(struct app *app, const struct inspect_probe *p,
			  const struct sockets_list *l, int lerr)
{
	char et[96], why[160];
	switch (p->method) {
	case INSPECT_BY_DIAG:
		app_info(app, SRC_INSPECT, "method: sock_diag (no connection made)");
		return;
	case INSPECT_BY_LIST:
		app_info(app, SRC_INSPECT, "method: /proc/net/unix (sock_diag: %s); not probed: "
			 "this udscope process holds the socket",
			 errtxt(l->diag_err, et, sizeof(et)));
		return;
	case INSPECT_BY_CONNECT:
		break;
	}
	if (lerr)
		snprintf(why, sizeof(why), "listing sockets: %s", errtxt(lerr, et, sizeof(et)));
	else if (l->source != SOCKETS_FROM_DIAG)
		snprintf(why, sizeof(why), "sock_diag: %s", errtxt(l->diag_err, et, sizeof(et)));
	else
		snprintf(why, sizeof(why), "sock_diag lists no socket bound here");
	if (p->err == ENAMETOOLONG && !p->type)
		app_info(app, SRC_INSPECT, "method: none (%s, and the path does not fit sun_path "
			 "for a connect)", why);
	else
		app_info(app, SRC_INSPECT, "method: one connect, closed at once (%s; a listener "
			 "sees a connection without data)", why);
}

/* The liveness line: what sock_diag says of the socket bound there or what a connect found,
 * with who holds it; then the accept queue and how this was learnt. */
static void report_liveness(struct app *app, const struct inspect_probe *p,
			    const struct sockets_list *l, int lerr, const struct sockets_entry *e)
{
	char et[96], who[512] = "";
	bool probed = p->method == INSPECT_BY_CONNECT;
	if (e && e->nprocs)
		holders_text(e, who, sizeof(who));
	else if (lerr)
		snprintf(who, sizeof(who), "process unknown (listing sockets: %s)",
			 errtxt(lerr, et, sizeof(et)));
	else if (e)
		snprintf(who, sizeof(who), "no process found holding it");
	else
		snprintf(who, sizeof(who), "no matching socket in the system's list");
	switch (p->live) {
	case INSPECT_LISTENING:
		app_info(app, SRC_INSPECT, "listening: yes, %s", who);
		break;
	case INSPECT_BACKLOG_FULL:
		if (probed)
			app_info(app, SRC_INSPECT, "listening: yes, but its accept queue is full "
				 "(connect: %s), %s", errtxt(p->err, et, sizeof(et)), who);
		else
			app_info(app, SRC_INSPECT, "listening: yes, but its accept queue is full "
				 "(a connect now fails with EAGAIN), %s", who);
		break;
	case INSPECT_DGRAM_BOUND:
		app_info(app, SRC_INSPECT, "listening: a datagram socket is bound here%s, %s",
			 probed ? " (connect succeeded)" : "", who);
		break;
	case INSPECT_BOUND_IDLE:
		app_info(app, SRC_INSPECT, "listening: no, a %s socket is bound here but does not "
			 "listen (a connect is refused with ECONNREFUSED), %s",
			 sockets_type_name(p->type), who);
		break;
	case INSPECT_STALE:
		app_info(app, SRC_INSPECT, "stale: nothing listens (connect: %s)",
			 errtxt(p->err, et, sizeof(et)));
		if (e)
			app_info(app, SRC_INSPECT, "note: a socket is bound to this node but not "
				 "listening: %s", who);
		break;
	case INSPECT_UNKNOWN:
		if (e && e->state == SOCKETS_LISTEN)
			app_info(app, SRC_INSPECT, "listening: yes by the system's socket list, %s "
				 "(this user's connect: %s)", who, errtxt(p->err, et, sizeof(et)));
		else if (!e && !lerr && l->source == SOCKETS_FROM_DIAG)
			/* sock_diag names the node of every bound socket of this network
			 * namespace: none bound here means stale (unless another namespace's). */
			app_info(app, SRC_INSPECT, "stale: no socket of this network namespace is "
				 "bound to the node (this user's connect: %s)",
				 errtxt(p->err, et, sizeof(et)));
		else
			app_info(app, SRC_INSPECT, "listening: unknown (connect: %s)%s",
				 errtxt(p->err, et, sizeof(et)),
				 e ? "" : "; no listener bound to it in the system's socket list");
		break;
	}
	if (p->has_queue)
		app_info(app, SRC_INSPECT, "queue: %lu of %lu connections waiting to be accepted%s",
			 (unsigned long)p->queued, (unsigned long)p->backlog,
			 p->live == INSPECT_BACKLOG_FULL ? " (more than the backlog: full)" : "");
	report_method(app, p, l, lerr);
	if (e)
		report_listener(app, l, e);
}

/* PATH as given; a relative one is walked from the working directory, shown first. */
static void report_walk(struct app *app, const char *path, const struct inspect_walk *w)
{
	char sh[SHOW_PATH], sh2[SHOW_PATH], et[96];
	if (w->cwd)
		app_info(app, SRC_INSPECT, "walk: %s, relative: the lookup starts at the working "
			 "directory %s and never looks at its parents", show(path, sh, sizeof(sh)),
			 show(w->cwd, sh2, sizeof(sh2)));
	else
		app_info(app, SRC_INSPECT, "walk: %s", show(w->abs, sh, sizeof(sh)));
	for (size_t i = 0; i < w->n; i++) {
		const struct inspect_step *s = &w->v[i];
		int ind = 2 + 2 * (int)s->depth;
		char name[SHOW_NAME];
		show(s->name, name, sizeof(name));
		if (s->err) {
			app_info(app, SRC_INSPECT, "%*s%s: lstat: %s", ind, "", name,
				 errtxt(s->err, et, sizeof(et)));
			continue;
		}
		char mode[INSPECT_MODE_STR], u[SHOW_NAME], g[SHOW_NAME], tgt[SHOW_PATH] = "";
		inspect_mode_string(s->mode, mode);
		if (s->link) {
			char lt[SHOW_PATH];
			snprintf(tgt, sizeof(tgt), " -> %s", show(s->link, lt, sizeof(lt)));
		}
		app_info(app, SRC_INSPECT, "%*s%s %-8s %-8s %s%s%s%s", ind, "", mode,
			 owner_word(s->uid, false, u, sizeof(u)),
			 owner_word((uid_t)s->gid, true, g, sizeof(g)), name, tgt,
			 i == 0 && w->cwd ? " (the working directory: the lookup starts here)" : "",
			 s->acl ? " (has a POSIX ACL)" : "");
	}
	if (w->err && (w->n == 0 || !w->v[w->n - 1].err))
		app_info(app, SRC_INSPECT, "walk stopped: %s", errtxt(w->err, et, sizeof(et)));
}

/* "nobody is in the other class", with the group that put them in the group class. */
static void class_text(const struct inspect_identity *id, const struct inspect_verdict *v,
		       const struct inspect_perm *p, char *buf, size_t len)
{
	char sh[SHOW_NAME], who[SHOW_NAME + 16], g[SHOW_NAME];
	if (id->name[0])
		snprintf(who, sizeof(who), "%s", show(id->name, sh, sizeof(sh)));
	else
		snprintf(who, sizeof(who), "uid %lu", (unsigned long)id->uid);
	if (v->cls == INSPECT_GROUP)
		snprintf(buf, len, "%s is in the group class (%s group %s)", who,
			 v->supplementary ? "supplementary" : "primary",
			 owner_word((uid_t)p->gid, true, g, sizeof(g)));
	else
		snprintf(buf, len, "%s is in the %s class", who, inspect_class_name(v->cls));
}

/* The reason the mode bits deny: "search (x) permission missing on /tmp/d (drwx------ ...)". */
static void denial_text(const struct inspect_identity *id, const struct inspect_verdict *v,
			const struct inspect_perm *perms, char *buf, size_t len)
{
	const struct inspect_perm *p = &perms[v->fail];
	char sh[SHOW_PATH], pt[SHOW_NAME * 2 + 16], ct[SHOW_NAME * 3];
	class_text(id, v, p, ct, sizeof(ct));
	/* A line longer than an event holds is cut there anyway. */
	if (snprintf(buf, len, "%s permission missing on %s (%s): %s", need_text(v->missing),
		     show(p->path, sh, sizeof(sh)), perm_text(p, pt, sizeof(pt)), ct) < 0)
		buf[0] = '\0';
}

static void report_acl(struct app *app, const struct inspect_verdict *v,
		       const struct inspect_perm *perms)
{
	char sh[SHOW_PATH];
	if (v->acl)
		app_info(app, SRC_INSPECT, "acl: %s has a POSIX ACL (system.posix_acl_access): the "
			 "verdict did not evaluate it (its group bits are the ACL mask)",
			 show(perms[v->acl_step].path, sh, sizeof(sh)));
}

/* Judge connect for ID: true when the mode bits (or root) allow it. */
static bool report_verdict(struct app *app, const struct inspect_identity *id,
			   const struct inspect_walk *w, const char *self_name)
{
	struct inspect_perm perms[PERMS_MAX];
	char who[SHOW_NAME + 32], why[EVENT_TEXT_MAX], sh[SHOW_PATH], et[96];
	identity_text(id, who, sizeof(who));
	size_t n = inspect_connect_perms(w, perms, PERMS_MAX);
	struct inspect_user u;
	inspect_identity_user(id, &u);
	struct inspect_verdict v;
	inspect_verdict(&u, perms, n, &v);
	report_acl(app, &v, perms);
	if (!v.allowed) {
		denial_text(id, &v, perms, why, sizeof(why));
		char line[sizeof(who) + sizeof(why) + 32];
		snprintf(line, sizeof(line), "verdict for %s: cannot connect: %s", who, why);
		/* Mark the rwx triplet of the class that decided, in "(drwx------ owner group)". */
		char mode[INSPECT_MODE_STR];
		inspect_mode_string(perms[v.fail].mode, mode);
		char paren[INSPECT_MODE_STR + 2];
		snprintf(paren, sizeof(paren), "(%s", mode);
		const char *at = strstr(line, paren);
		size_t off = 0, mlen = 0;
		if (at) {
			off = (size_t)(at - line) + 2 + 3 * (size_t)(v.cls == INSPECT_OWNER ? 0
				: v.cls == INSPECT_GROUP ? 1 : 2);
			mlen = 3;
		}
		app_info_mark(app, SRC_INSPECT, off, mlen, "%s", line);
		return false;
	}
	const struct inspect_step *last = &w->v[w->n - 1];
	if (w->err == ENOENT || w->err == ENOTDIR || w->err == ELOOP) {
		const char *what = w->err == ENOENT ? "does not exist"
			: w->err == ENOTDIR ? "is not a directory" : "has too many symbolic links";
		app_info(app, SRC_INSPECT, "verdict for %s: cannot connect: %s %s (%s)", who,
			 show(last->path, sh, sizeof(sh)), what, event_errno_name(w->err));
		return false;
	}
	if (w->err) {
		app_info(app, SRC_INSPECT, "verdict for %s: unknown: %s could not look past %s "
			 "(%s)", who, self_name, show(last->path, sh, sizeof(sh)),
			 errtxt(w->err, et, sizeof(et)));
		return false;
	}
	if (!S_ISSOCK(last->mode)) {
		app_info(app, SRC_INSPECT, "verdict for %s: cannot connect: %s is a %s, not a socket "
			 "(connect fails with ECONNREFUSED)", who, show(last->path, sh, sizeof(sh)),
			 node_type_name(last->mode));
		return false;
	}
	if (v.root && !v.by_mode) {
		denial_text(id, &v, perms, why, sizeof(why));
		app_info(app, SRC_INSPECT, "verdict for %s: can connect: root's DAC override "
			 "(CAP_DAC_OVERRIDE) skips the mode bits, which alone would deny: %s", who, why);
	} else if (v.root) {
		app_info(app, SRC_INSPECT, "verdict for %s: can connect: root's DAC override "
			 "(CAP_DAC_OVERRIDE); the mode bits allow it too", who);
	} else {
		bool supp;
		enum inspect_class c = inspect_class_of(&u, perms[n - 1].uid, perms[n - 1].gid,
							&supp);
		app_info(app, SRC_INSPECT, "verdict for %s: can connect: search (x) on all %zu "
			 "directories%s, write (w) on the socket as its %s class", who, n - 1,
			 w->cwd ? " from the working directory" : "", inspect_class_name(c));
	}
	return true;
}

/* Run connect as ID in a forked child and set its outcome beside the computed one. */
static void report_proof(struct app *app, const struct uds_addr *a,
			 const struct inspect_identity *id, bool verdict_allows)
{
	char who[SHOW_NAME + 32], et[96];
	identity_text(id, who, sizeof(who));
	if (geteuid() != 0) {
		app_info(app, SRC_INSPECT, "proof: not run (switching to %s needs root)", who);
		return;
	}
	if (!id->has_gid) {
		app_info(app, SRC_INSPECT, "proof: not run (%s has no passwd entry, so no group "
			 "to switch to)", who);
		return;
	}
	struct inspect_proof pr;
	int r = inspect_prove(a, id, &pr);
	if (r < 0) {
		app_error(app, -r, "inspect: proof as %s", who);
		return;
	}
	char as[SHOW_NAME + 160], groups[96] = "";
	size_t gw = 0;
	for (size_t i = 0; i < id->ngroups && i < 4 && gw < sizeof(groups); i++) {
		int k = snprintf(groups + gw, sizeof(groups) - gw, "%s%lu", i ? "," : "",
				 (unsigned long)id->groups[i]);
		if (k < 0)
			break;
		gw += (size_t)k;
	}
	if (id->ngroups > 4 && gw < sizeof(groups))
		snprintf(groups + gw, sizeof(groups) - gw, ",... (%zu)", id->ngroups);
	snprintf(as, sizeof(as), "a forked child as %s with gid %lu and groups %s", who,
		 (unsigned long)id->gid, id->ngroups ? groups : "(none)");
	if (pr.failed) {
		app_info(app, SRC_INSPECT, "proof: %s could not switch: %s: %s", as, pr.failed,
			 errtxt(pr.err, et, sizeof(et)));
		return;
	}
	/* What is compared is the permission check, not whether something listens. */
	bool permitted = inspect_connect_permitted(pr.err);
	bool denied = pr.err == EACCES || pr.err == EPERM;
	const char *agree = permitted == verdict_allows && denied != verdict_allows
		? "agrees with the verdict"
		: !permitted && !denied ? "the permission checks were not reached"
		: "DISAGREES with the verdict (an ACL, a security module or the mount decided)";
	if (pr.err == 0)
		app_info(app, SRC_INSPECT, "proof: %s connected (%s): %s", as,
			 sockets_type_name(pr.type), agree);
	else
		app_info(app, SRC_INSPECT, "proof: %s got connect: %s%s: %s", as,
			 errtxt(pr.err, et, sizeof(et)),
			 permitted ? ", so the permission checks passed"
			 : denied ? "" : ", so the socket was not reached", agree);
}

/* For a path that does not exist yet: may ID bind a socket there, and with which mode. */
static void report_create(struct app *app, const struct inspect_identity *id,
			  const struct inspect_walk *w)
{
	struct inspect_perm perms[PERMS_MAX];
	char who[SHOW_NAME + 32], why[EVENT_TEXT_MAX], sh[SHOW_PATH], pt[SHOW_NAME * 2 + 16];
	char et[96];
	identity_text(id, who, sizeof(who));
	if (!w->last_missing) {
		app_info(app, SRC_INSPECT, "create: not possible: the lookup stops at %s (%s)",
			 show(w->v[w->n - 1].path, sh, sizeof(sh)), errtxt(w->err, et, sizeof(et)));
		return;
	}
	size_t n = inspect_create_perms(w, perms, PERMS_MAX);
	if (n == 0)
		return;
	struct inspect_user u;
	inspect_identity_user(id, &u);
	struct inspect_verdict v;
	inspect_verdict(&u, perms, n, &v);
	report_acl(app, &v, perms);
	const struct inspect_perm *parent = &perms[n - 1];
	if (!v.allowed) {
		denial_text(id, &v, perms, why, sizeof(why));
		app_info(app, SRC_INSPECT, "create: %s cannot create a socket here: %s", who, why);
	} else {
		app_info(app, SRC_INSPECT, "create: %s can create a socket here: write and search "
			 "on %s (%s)%s", who, show(parent->path, sh, sizeof(sh)),
			 perm_text(parent, pt, sizeof(pt)),
			 v.by_mode ? "" : " by root's DAC override");
	}
	mode_t um;
	int r = inspect_umask(&um);
	if (r < 0) {
		app_info(app, SRC_INSPECT, "create: umask unknown (%s)", errtxt(-r, et, sizeof(et)));
		return;
	}
	char mode[INSPECT_MODE_STR];
	mode_t m = (mode_t)(0777 & ~um);
	inspect_mode_string(S_IFSOCK | m, mode);
	app_info(app, SRC_INSPECT, "create: the node would get %s (%04o) under this process's "
		 "umask %04o", mode, (unsigned)m, (unsigned)um);
}

static void report_stat(struct app *app, const struct stat *st)
{
	char mode[INSPECT_MODE_STR], u[SHOW_NAME + 16], g[SHOW_NAME + 16], ct[64], mt[64];
	inspect_mode_string(st->st_mode, mode);
	app_info(app, SRC_INSPECT, "mode: %s (%04o)", mode, (unsigned)(st->st_mode & 07777));
	app_info(app, SRC_INSPECT, "owner: %s  group: %s", user_text(st->st_uid, u, sizeof(u)),
		 group_text(st->st_gid, g, sizeof(g)));
	app_info(app, SRC_INSPECT, "inode: %lu  device: %u:%u  links: %lu",
		 (unsigned long)st->st_ino, major(st->st_dev), minor(st->st_dev),
		 (unsigned long)st->st_nlink);
	app_info(app, SRC_INSPECT, "changed: %s  modified: %s", time_text(&st->st_ctim, ct, sizeof(ct)),
		 time_text(&st->st_mtim, mt, sizeof(mt)));
}

/* TEXT is the LEN bytes of the word, "@" first; the name may hold NUL bytes. */
static int inspect_abstract(struct app *app, const char *text, size_t len,
			    const struct inspect_identity *id, bool as)
{
	struct uds_addr a;
	char why[256], sh[SHOW_PATH], et[96];
	if (addr_parse(text, len, &a, why, sizeof(why)) < 0) {
		app_error(app, 0, "inspect %s: %s", addr_show(text, len, sh, sizeof(sh)), why);
		return CMD_FAIL;
	}
	app_info(app, SRC_INSPECT, "name: %s (abstract namespace, %zu of %zu bytes)",
		 a.text, a.name_len, (size_t)ADDR_PATH_MAX);
	app_info(app, SRC_INSPECT, "type: abstract socket name: no file system node, so no file "
		 "system permissions apply (the server may still check SO_PEERCRED)");
	struct sockets_list l;
	int lerr = -sockets_collect(&l);
	const struct sockets_entry *e = lerr ? NULL : find_abstract(&l, &a);
	struct inspect_probe p;
	inspect_liveness(&a, e, !lerr && l.source == SOCKETS_FROM_DIAG, &p);
	if (p.live == INSPECT_STALE) {
		if (p.method == INSPECT_BY_CONNECT)
			app_info(app, SRC_INSPECT, "listening: no, nothing is bound to this name "
				 "(connect: %s)", errtxt(p.err, et, sizeof(et)));
		else
			app_info(app, SRC_INSPECT, "listening: no, nothing is bound to this name "
				 "(sock_diag lists none in this network namespace)");
		report_method(app, &p, &l, lerr);
	} else {
		report_liveness(app, &p, &l, lerr, e);
	}
	/* ss, lsof and /proc/net/unix print a path "@x" and the abstract name x alike (a name
	 * holding a NUL byte cannot be a file's). */
	struct stat st;
	if (!memchr(text, '\0', len) && lstat(text, &st) == 0) {
		show(text, sh, sizeof(sh));
		app_info(app, SRC_INSPECT, "note: a %s literally named %s exists in the current "
			 "directory; ss, lsof and /proc/net/unix print both the same way: inspect "
			 "./%s for the file", node_type_name(st.st_mode), sh, sh);
	}
	char who[SHOW_NAME + 32];
	identity_text(id, who, sizeof(who));
	bool can = p.live == INSPECT_LISTENING || p.live == INSPECT_BACKLOG_FULL ||
		   p.live == INSPECT_DGRAM_BOUND ||
		   (p.live == INSPECT_UNKNOWN && inspect_connect_permitted(p.err));
	if (can)
		app_info(app, SRC_INSPECT, "verdict for %s: can connect: no file system permission "
			 "check applies to an abstract name", who);
	else if (p.live == INSPECT_STALE || p.live == INSPECT_BOUND_IDLE)
		app_info(app, SRC_INSPECT, "verdict for %s: cannot connect: nothing %s this name",
			 who, p.live == INSPECT_STALE ? "is bound to" : "listens on");
	else
		app_info(app, SRC_INSPECT, "verdict for %s: unknown (connect: %s)", who,
			 errtxt(p.err, et, sizeof(et)));
	if (as)
		report_proof(app, &a, id, true);
	if (!lerr)
		sockets_free(&l);
	return CMD_OK;
}

/* The node's type line; for a symlink also what it points to. */
static void report_type(struct app *app, const struct inspect_node *node)
{
	char sh[SHOW_PATH], et[96];
	const struct stat *st = &node->st;
	if (S_ISSOCK(st->st_mode)) {
		app_info(app, SRC_INSPECT, "type: socket");
	} else if (S_ISLNK(st->st_mode)) {
		if (node->link)
			app_info(app, SRC_INSPECT, "type: symbolic link to %s (not a socket itself; "
				 "connect follows it)", show(node->link, sh, sizeof(sh)));
		else
			app_info(app, SRC_INSPECT, "type: symbolic link (readlink: %s)",
				 errtxt(node->link_err, et, sizeof(et)));
		if (node->target_err)
			app_info(app, SRC_INSPECT, "target: %s: stat: %s",
				 node->target_err == ENOENT ? "dangling symlink" : "unreachable",
				 errtxt(node->target_err, et, sizeof(et)));
		else
			app_info(app, SRC_INSPECT, "target: %s%s", node_type_name(node->target_st.st_mode),
				 S_ISSOCK(node->target_st.st_mode) ? "" : " (not a socket)");
	} else {
		app_info(app, SRC_INSPECT, "type: %s (not a socket)", node_type_name(st->st_mode));
	}
	if (node->acl)
		app_info(app, SRC_INSPECT, "acl: a POSIX ACL (system.posix_acl_access) is set; the "
			 "group bits above are its mask");
}

/* The line saying whether PATH fits sun_path (ABS: its absolute form). Returns whether it
 * does. */
static bool report_sun_path(struct app *app, const char *path, const char *abs)
{
	size_t len = strlen(path), alen = strlen(abs);
	if (len > ADDR_PATH_MAX) {
		app_info(app, SRC_INSPECT, "sun_path: %zu bytes do not fit (limit %zu): connect "
			 "cannot use this path; use a shorter relative one", len, (size_t)ADDR_PATH_MAX);
		return false;
	}
	app_info(app, SRC_INSPECT, "sun_path: %zu of %zu bytes%s", len, (size_t)ADDR_PATH_MAX,
		 alen == len ? "" : alen <= ADDR_PATH_MAX ? " (absolute path fits too)"
		 : " (the absolute path would not fit)");
	return true;
}

/* Whether something listens on the socket at PATH (its node ST), and who holds it. */
static void report_live(struct app *app, const char *path, const char *abs,
			const struct stat *st, bool fits)
{
	char why[256], et[96];
	struct uds_addr addr;
	struct sockets_list l;
	int lerr = -sockets_collect(&l);
	const struct sockets_entry *e = lerr ? NULL : find_bound(&l, st, path, abs);
	bool diag = !lerr && l.source == SOCKETS_FROM_DIAG;
	bool parsed = fits && addr_parse(path, strlen(path), &addr, why, sizeof(why)) == 0;
	if (parsed || (e && diag)) {
		struct inspect_probe p;
		inspect_liveness(parsed ? &addr : NULL, e, diag, &p);
		report_liveness(app, &p, &l, lerr, e);
	} else {
		app_info(app, SRC_INSPECT, "listening: not probed (the path does not fit sun_path)");
		if (e)
			report_listener(app, &l, e);
	}
	if (!lerr && l.source == SOCKETS_FROM_PROC_NET)
		app_info(app, SRC_INSPECT, "note: listener matched by name from /proc/net/unix "
			 "(sock_diag: %s)", errtxt(l.diag_err, et, sizeof(et)));
	if (!lerr)
		sockets_free(&l);
}

/* The identity the verdict is for: this process, or --as AS (into OTHER). NULL after an
 * error line when AS names nobody. */
static const struct inspect_identity *identity_for(struct app *app, const char *as,
						   const struct inspect_identity *self,
						   struct inspect_identity *other)
{
	if (!as)
		return self;
	if (inspect_identity_lookup(as, other) == 0)
		return other;
	char sh[SHOW_PATH];
	app_error(app, 0, "inspect --as %s: no such user (neither a name in the passwd database "
		  "nor a uid)", show(as, sh, sizeof(sh)));
	return NULL;
}

static int inspect_run(struct app *app, const struct cmd_args *a)
{
	const char *path = a->argv[0];
	size_t plen = a->arglen[0];
	char sh[SHOW_PATH], sh2[SHOW_PATH], et[96];
	/* Refused as server start, client and connect refuse it; only a path too long for
	 * sun_path is still inspected (the report says it does not fit). */
	struct uds_addr addr;
	char why[256];
	if (addr_parse(path, plen, &addr, why, sizeof(why)) == -EINVAL) {
		app_error(app, 0, "inspect %s: %s", addr_show(path, plen, sh, sizeof(sh)), why);
		return CMD_FAIL;
	}
	struct inspect_identity self, other;
	inspect_identity_self(&self);
	const char *as = cmd_str(a, "as", NULL);
	const struct inspect_identity *id = identity_for(app, as, &self, &other);
	if (!id)
		return CMD_FAIL;
	if (path[0] == '@')
		return inspect_abstract(app, path, plen, id, as != NULL);

	struct inspect_walk w;
	int r = inspect_walk(path, &w);
	if (r < 0) {
		app_error(app, -r, "inspect %s: walk", show(path, sh, sizeof(sh)));
		return CMD_FAIL;
	}
	struct inspect_node node;
	inspect_node(path, &node);
	if (strcmp(path, w.abs) == 0)
		app_info(app, SRC_INSPECT, "path: %s", show(path, sh, sizeof(sh)));
	else
		app_info(app, SRC_INSPECT, "path: %s (%s)", show(path, sh, sizeof(sh)),
			 show(w.abs, sh2, sizeof(sh2)));
	if (node.err) {
		app_info(app, SRC_INSPECT, "type: %s (lstat: %s)",
			 node.err == ENOENT ? "missing" : "unknown", errtxt(node.err, et, sizeof(et)));
	} else {
		report_type(app, &node);
		report_stat(app, &node.st);
	}
	bool fits = report_sun_path(app, path, w.abs);

	/* Liveness only means something for a socket (reached through symlinks or not). */
	const struct stat *sock = NULL;
	if (!node.err && S_ISSOCK(node.st.st_mode))
		sock = &node.st;
	else if (!node.err && S_ISLNK(node.st.st_mode) && !node.target_err &&
		 S_ISSOCK(node.target_st.st_mode))
		sock = &node.target_st;
	if (sock)
		report_live(app, path, w.abs, sock, fits);

	report_walk(app, path, &w);
	char self_text[SHOW_NAME + 32];
	identity_text(&self, self_text, sizeof(self_text));
	bool can = report_verdict(app, id, &w, self_text);
	if (as && fits && sock && addr_parse(path, strlen(path), &addr, why, sizeof(why)) == 0)
		report_proof(app, &addr, id, can);
	if (node.err == ENOENT)
		report_create(app, id, &w);
	inspect_node_free(&node);
	inspect_walk_free(&w);
	return CMD_OK;
}

static int sockets_run(struct app *app, const struct cmd_args *a)
{
	const char *filter = a->argc ? a->argv[0] : "";
	char sh[SHOW_PATH], et[96];
	if (a->argc && a->arglen[0] != strlen(filter)) {
		app_error(app, EINVAL, "sockets: the filter holds a NUL byte");
		return CMD_FAIL;
	}
	struct sockets_list l;
	int r = sockets_collect(&l);
	if (r < 0) {
		app_error(app, -r, "sockets: /proc/net/unix");
		return CMD_FAIL;
	}
	sockets_sort(&l);
	size_t listening = 0, shown = 0;
	for (size_t i = 0; i < l.n; i++)
		listening += l.v[i].state == SOCKETS_LISTEN;
	if (l.source == SOCKETS_FROM_DIAG)
		app_info(app, SRC_INSPECT, "sockets: %zu Unix sockets (sock_diag), %zu listening",
			 l.n, listening);
	else
		app_info(app, SRC_INSPECT, "sockets: %zu Unix sockets (/proc/net/unix: sock_diag "
			 "failed with %s; no peer or queue facts), %zu listening", l.n,
			 errtxt(l.diag_err, et, sizeof(et)), listening);
	report_unreadable(app, &l);
	app_info(app, SRC_INSPECT, "%-11s %-9s %8s %8s %6s %6s  %s", "state", "type", "inode",
		 "peer", "recv-q", "send-q", "name  processes");
	for (size_t i = 0; i < l.n; i++) {
		const struct sockets_entry *e = &l.v[i];
		if (!sockets_matches(e, filter))
			continue;
		shown++;
		char name[SOCKETS_NAME_MAX + 2], peer[16] = "-", rq[16] = "-", sq[16] = "-";
		char st[16], who[512];
		size_t nl = sockets_name(e, name, sizeof(name));
		const char *sn = sockets_state_name(e->state);
		if (!sn) {
			snprintf(st, sizeof(st), "state %d", e->state);
			sn = st;
		}
		if (e->has_peer)
			snprintf(peer, sizeof(peer), "%lu", (unsigned long)e->peer_ino);
		if (e->has_queues) {
			snprintf(rq, sizeof(rq), "%lu", (unsigned long)e->rqueue);
			snprintf(sq, sizeof(sq), "%lu", (unsigned long)e->wqueue);
		}
		holders_text(e, who, sizeof(who));
		app_info(app, SRC_INSPECT, "%-11s %-9s %8lu %8s %6s %6s  %s  %s", sn,
			 sockets_type_name(e->type), (unsigned long)e->ino, peer, rq, sq,
			 nl ? inspect_show(name, nl, sh, sizeof(sh)) : "(unnamed)",
			 e->nprocs ? who : "-");
	}
	if (filter[0])
		app_info(app, SRC_INSPECT, "sockets: %zu of %zu match %s", shown, l.n,
			 show(filter, sh, sizeof(sh)));
	sockets_free(&l);
	return CMD_OK;
}

const struct cmd_entry cmd_inspect_entry = {
	.name = "inspect",
	.usage = "PATH [--as USER]",
	.help = "what the node is, whether anything listens, who, and whether USER may connect",
	.min_args = 1, .max_args = 1,
	.args = { CMD_ARG_PATH },
	.opts = {
		{ "as", CMD_OPT_WORD, "USER", 0, 0, NULL },
	},
	.run = inspect_run,
};

const struct cmd_entry cmd_sockets_entry = {
	.name = "sockets",
	.usage = "[FILTER]",
	.help = "the system's Unix sockets (like ss -xp); FILTER keeps names containing it",
	.min_args = 0, .max_args = 1,
	.args = { CMD_ARG_WORD },
	.run = sockets_run,
};
