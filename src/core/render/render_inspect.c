/* render_inspect: an inspect report as text lines (the node, the walk, the verdict, the proof,
 * create; liveness in render_inspect_live.c, fixes in render_inspect_fix.c, the helpers
 * they share in render_inspect_words.c). */
#include "config.h"

#include "core/render/render_inspect_words.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "core/base/event.h"
#include "core/system/inspect_report.h"
#include "core/io/node.h"
#include "core/render/render.h"

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
static const char *perm_text(const struct render_out *o, const struct inspect_perm *p, char *buf,
			     size_t len)
{
	char mode[INSPECT_MODE_STR], u[RENDER_SHOW_NAME], g[RENDER_SHOW_NAME];
	inspect_mode_string(p->mode, mode);
	snprintf(buf, len, "%s %s %s", mode, render_owner_word(o->r, false, p->uid, u, sizeof(u)),
		 render_owner_word(o->r, true, p->gid, g, sizeof(g)));
	return buf;
}

/* "nobody is in the other class", with the group that put them in the group class. */
static void class_text(const struct render_out *o, const struct inspect_blocker *b,
		       const struct inspect_perm *p, char *buf, size_t len)
{
	const struct inspect_identity *id = o->r->id;
	char sh[RENDER_SHOW_NAME], who[RENDER_SHOW_NAME + 16], g[RENDER_SHOW_NAME];
	if (id->name[0])
		snprintf(who, sizeof(who), "%s", render_show(id->name, sh, sizeof(sh)));
	else
		snprintf(who, sizeof(who), "uid %lu", (unsigned long)id->uid);
	if (b->entry >= 0) {
		char d[RENDER_SHOW_NAME * 2 + 32];
		snprintf(buf, len, "%s is in the group class (%s)", who,
			 render_acl_decision(o->r, p, b->entry, b->mask, d, sizeof(d)));
	} else if (b->cls == INSPECT_GROUP)
		snprintf(buf, len, "%s is in the group class (%s group %s)", who,
			 b->supplementary ? "supplementary" : "primary",
			 render_owner_word(o->r, true, p->gid, g, sizeof(g)));
	else
		snprintf(buf, len, "%s is in the %s class", who, inspect_class_name(b->cls));
}

/* LEAD, then "search (x) permission missing on /tmp/d (drwx------ root root): nobody is in
 * the other class", with the deciding class's rwx in the mode marked when MARK. */
static void blocker_line(const struct render_out *o, const struct inspect_judgement *j,
			 const struct inspect_blocker *b, const char *lead, bool mark)
{
	const struct inspect_perm *p = &j->perms[b->step];
	char line[EVENT_TEXT_MAX], sh[RENDER_SHOW_PATH], pt[RENDER_SHOW_NAME * 2 + 16],
		ct[RENDER_SHOW_NAME * 3];
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
static void node_type(const struct render_out *o, const struct inspect_node *node)
{
	char sh[RENDER_SHOW_PATH], et[96];
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

static void node_stat(const struct render_out *o, const struct stat *st)
{
	char mode[INSPECT_MODE_STR], u[RENDER_SHOW_NAME + 16], g[RENDER_SHOW_NAME + 16], ct[64],
		mt[64];
	inspect_mode_string(st->st_mode, mode);
	say(o, "mode: %s (%04o)", mode, (unsigned)(st->st_mode & 07777));
	say(o, "owner: %s  group: %s", render_id_text(o, false, st->st_uid, u, sizeof(u)),
	    render_id_text(o, true, st->st_gid, g, sizeof(g)));
	say(o, "inode: %lu  device: %u:%u  links: %lu", (unsigned long)st->st_ino,
	    major(st->st_dev), minor(st->st_dev), (unsigned long)st->st_nlink);
	say(o, "changed: %s  modified: %s", time_text(&st->st_ctim, ct, sizeof(ct)),
	    time_text(&st->st_mtim, mt, sizeof(mt)));
}

/* path, type, stat and sun_path lines. */
static void node_text(const struct render_out *o)
{
	const struct inspect_report *r = o->r;
	char sh[RENDER_SHOW_PATH], sh2[RENDER_SHOW_PATH], et[96];
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

/* --- the walk --- */

/* " (ACL user:nobody:--x decided for nobody)" when an ACL entry decided S's check for the
 * user judged, " (has a POSIX ACL)" when S has one that did not. */
static void step_acl_text(const struct render_out *o, const struct inspect_step *s, char *buf,
			  size_t len)
{
	const struct inspect_judgement *j = &o->r->verdict;
	buf[0] = '\0';
	for (size_t k = 0; k < j->nperms; k++)
		if (j->perms[k].path == s->path && j->dec[k].entry >= 0) {
			char d[RENDER_SHOW_NAME * 2 + 32], who[RENDER_SHOW_NAME + 16];
			const struct inspect_identity *id = o->r->id;
			if (id->name[0])
				render_show(id->name, who, sizeof(who));
			else
				snprintf(who, sizeof(who), "uid %lu", (unsigned long)id->uid);
			snprintf(buf, len, " (%s decided for %s)",
				 render_acl_decision(o->r, &j->perms[k], j->dec[k].entry,
						     j->dec[k].mask, d, sizeof(d)),
				 who);
			return;
		}
	if (s->acl)
		snprintf(buf, len, " (has a POSIX ACL)");
	else if (s->acls.err)
		snprintf(buf, len, " (its ACL could not be read: %s)",
			 event_errno_name(s->acls.err));
}

static void step_text(const struct render_out *o, const struct inspect_walk *w, size_t i)
{
	const struct inspect_step *s = &w->v[i];
	int ind = 2 + 2 * (int)s->depth;
	char name[RENDER_SHOW_NAME], et[96];
	render_show(s->name, name, sizeof(name));
	if (s->err) {
		say(o, "%*s%s: lstat: %s", ind, "", name, render_errtxt(s->err, et, sizeof(et)));
		return;
	}
	char mode[INSPECT_MODE_STR], u[RENDER_SHOW_NAME], g[RENDER_SHOW_NAME],
		tgt[RENDER_SHOW_PATH + 8] = "", acl[RENDER_SHOW_NAME * 3];
	inspect_mode_string(s->mode, mode);
	step_acl_text(o, s, acl, sizeof(acl));
	if (s->link) {
		char lt[RENDER_SHOW_PATH];
		snprintf(tgt, sizeof(tgt), " -> %s", render_show(s->link, lt, sizeof(lt)));
	}
	say(o, "%*s%s %-8s %-8s %s%s%s%s", ind, "", mode,
	    render_owner_word(o->r, false, s->uid, u, sizeof(u)),
	    render_owner_word(o->r, true, s->gid, g, sizeof(g)), name, tgt,
	    i == 0 && w->cwd ? " (the working directory: the lookup starts here)" : "", acl);
}

/* PATH as given; a relative one is walked from the working directory, shown first. */
static void walk_text(const struct render_out *o)
{
	const struct inspect_walk *w = o->r->walk;
	char sh[RENDER_SHOW_PATH], sh2[RENDER_SHOW_PATH], et[96];
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

/* LEAD "cannot see past DIR as nobody (65534): what lies beyond is unknown (...)" and TAIL,
 * then what to do: run again with privileges and --as USER. */
static void blind_text(const struct render_out *o, const struct inspect_judgement *j,
		       const char *lead, const char *tail)
{
	const struct inspect_report *r = o->r;
	char sh[RENDER_SHOW_PATH], self[RENDER_SHOW_NAME + 32], et[96], as[RENDER_SHOW_NAME + 16];
	if (r->id->name[0])
		render_show(r->id->name, as, sizeof(as));
	else
		snprintf(as, sizeof(as), "%lu", (unsigned long)r->id->uid);
	say(o,
	    "%scannot see past %s as %s: what lies beyond is unknown (%s: %s)%s; run again with "
	    "privileges and --as %s",
	    lead, render_show(j->blind_path, sh, sizeof(sh)),
	    render_who_text(r->self, self, sizeof(self)),
	    j->blind_acl ? "reading its ACL" : "looking up its entries",
	    render_errtxt(j->blind_err, et, sizeof(et)), tail, as);
}

/* Every blocker: the first in the verdict line, the others on lines of their own. */
static void denied_text(const struct render_out *o, const struct inspect_judgement *j,
			const char *who)
{
	char lead[RENDER_SHOW_NAME + 64];
	snprintf(lead, sizeof(lead), "verdict for %s: cannot connect: ", who);
	size_t nb = j->v.nblockers < INSPECT_BLOCKERS_MAX ? j->v.nblockers : INSPECT_BLOCKERS_MAX;
	for (size_t i = 0; i < nb; i++)
		blocker_line(o, j, &j->v.blockers[i], i ? "  also: " : lead, true);
	if (j->v.nblockers > nb)
		say(o, "  also: %zu more steps deny a permission", j->v.nblockers - nb);
	if (j->blind)
		blind_text(o, j, "  ", ", so more may deny and the fixes below may not be enough");
}

/* An allowed verdict: every search bit, and what granted the write bit (an ACL entry or
 * the owner, group or other class). */
static void allowed_text(const struct render_out *o, const struct inspect_judgement *j,
			 const char *who)
{
	const struct inspect_report *r = o->r;
	const struct inspect_decision *d = &j->dec[j->nperms - 1];
	char by[RENDER_SHOW_NAME * 2 + 48], dt[RENDER_SHOW_NAME * 2 + 32];
	if (d->entry >= 0)
		snprintf(by, sizeof(by), "by %s",
			 render_acl_decision(r, &j->perms[j->nperms - 1], d->entry, d->mask, dt,
					     sizeof(dt)));
	else
		snprintf(by, sizeof(by), "as its %s class", inspect_class_name(j->last_cls));
	say(o,
	    "verdict for %s: can connect: search (x) on all %zu directories%s, write (w) "
	    "on the socket %s",
	    who, j->nperms - 1, r->walk->cwd ? " from the working directory" : "", by);
}

static void verdict_text(const struct render_out *o)
{
	const struct inspect_report *r = o->r;
	const struct inspect_judgement *j = &r->verdict;
	char who[RENDER_SHOW_NAME + 32], sh[RENDER_SHOW_PATH], et[96], self[RENDER_SHOW_NAME + 32];
	render_who_text(r->id, who, sizeof(who));
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
	case INSPECT_R_UNKNOWN: {
		char lead[RENDER_SHOW_NAME + 64];
		snprintf(lead, sizeof(lead), "verdict for %s: unknown: ", who);
		if (j->blind)
			blind_text(o, j, lead, "");
		else
			say(o, "%s%s could not look past %s (%s)", lead,
			    render_who_text(r->self, self, sizeof(self)), sh,
			    render_errtxt(j->err, et, sizeof(et)));
		break;
	}
	case INSPECT_R_NOT_SOCKET:
		say(o,
		    "verdict for %s: cannot connect: %s is a %s, not a socket (connect fails "
		    "with ECONNREFUSED)",
		    who, sh, node_type_name(j->at->mode));
		break;
	case INSPECT_R_ROOT_OVERRIDE: {
		char lead[RENDER_SHOW_NAME * 2 + 160];
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
		allowed_text(o, j, who);
		break;
	case INSPECT_R_ABSTRACT:
		break;
	}
}

/* --- proof and create --- */

static void proof_text(const struct render_out *o)
{
	const struct inspect_report *r = o->r;
	const struct inspect_identity *id = r->id;
	char who[RENDER_SHOW_NAME + 32], et[96], as[RENDER_SHOW_NAME + 160], groups[96] = "";
	render_who_text(id, who, sizeof(who));
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
			: "DISAGREES with the verdict (a security module or the mount decided)";
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
static void create_text(const struct render_out *o)
{
	const struct inspect_report *r = o->r;
	const struct inspect_judgement *j = &r->create;
	char who[RENDER_SHOW_NAME + 32], sh[RENDER_SHOW_PATH], pt[RENDER_SHOW_NAME * 2 + 16],
		et[96];
	if (!r->has_create)
		return;
	render_who_text(r->id, who, sizeof(who));
	if (!r->walk->last_missing) {
		say(o, "create: not possible: the lookup stops at %s (%s)",
		    render_show(j->at->path, sh, sizeof(sh)),
		    render_errtxt(j->err, et, sizeof(et)));
		return;
	}
	if (j->nperms == 0)
		return;
	const struct inspect_perm *parent = &j->perms[j->nperms - 1];
	char lead[RENDER_SHOW_NAME * 2 + 64];
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

static void abstract_text(const struct render_out *o)
{
	const struct inspect_report *r = o->r;
	const struct inspect_probe *p = &r->live;
	char sh[RENDER_SHOW_PATH], et[96], who[RENDER_SHOW_NAME + 32];
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
		render_inspect_method_text(o);
		render_inspect_probe_text(o);
	} else {
		render_inspect_liveness_text(o);
	}
	if (r->literal_file) {
		inspect_show(r->path, r->path_len, sh, sizeof(sh));
		say(o,
		    "note: a %s literally named %s exists in the current directory; ss, lsof and "
		    "/proc/net/unix print both the same way: inspect ./%s for the file",
		    node_type_name(r->literal_mode), sh, sh);
	}
	render_who_text(r->id, who, sizeof(who));
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
	struct render_out o = { r, fn, ctx };
	if (r->abstract) {
		abstract_text(&o);
		return;
	}
	node_text(&o);
	render_inspect_live_text(&o);
	walk_text(&o);
	verdict_text(&o);
	render_inspect_fixes(&o, &r->verdict);
	proof_text(&o);
	create_text(&o);
}
