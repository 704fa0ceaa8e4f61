/* cmd_inspect: the "inspect" command: gathers a node's facts into an inspect_report. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/cmd/app.h"
#include "core/cmd/cmd.h"
#include "core/io/inplace.h"
#include "core/system/inspect.h"
#include "core/system/inspect_report.h"
#include "core/system/sockets.h"

/* --- names --- */

static void add_name(struct inspect_report *r, bool group, unsigned long id)
{
	if (id == (unsigned long)(uid_t)-1)
		return;
	for (size_t i = 0; i < r->nnames; i++)
		if (r->names[i].group == group && r->names[i].id == id)
			return;
	if (r->nnames == INSPECT_NAMES_MAX)
		return;
	struct inspect_name *n = &r->names[r->nnames++];
	n->group = group;
	n->id = id;
	if (group)
		inspect_group_name((gid_t)id, n->name, sizeof(n->name));
	else
		inspect_user_name((uid_t)id, n->name, sizeof(n->name));
}

/* The fixes' groups and users, and the ACL entries that decided. */
static void name_judgement(struct inspect_report *r, const struct inspect_judgement *j)
{
	for (size_t i = 0; i < j->nfixes; i++)
		for (size_t k = 0; k < j->fixes[i].n; k++) {
			const struct inspect_fix_step *s = &j->fixes[i].v[k];
			if (s->op == INSPECT_FIX_SETFACL && s->who == 'u')
				add_name(r, false, s->uid);
			else if (s->op != INSPECT_FIX_CHMOD)
				add_name(r, true, s->gid);
		}
	for (size_t i = 0; i < j->nperms; i++) {
		const struct inspect_acl *a = j->perms[i].acl;
		if (j->dec[i].entry < 0 || !a)
			continue;
		const struct inspect_acl_entry *e = &a->v[j->dec[i].entry];
		if (e->tag == INSPECT_ACL_USER || e->tag == INSPECT_ACL_GROUP)
			add_name(r, e->tag == INSPECT_ACL_GROUP, e->id);
	}
}

/* Look up every user and group the report mentions, so rendering reads no database. */
static void name_all(struct inspect_report *r)
{
	if (r->node && !r->node->err) {
		add_name(r, false, r->node->st.st_uid);
		add_name(r, true, r->node->st.st_gid);
	}
	for (size_t i = 0; r->walk && i < r->walk->n; i++) {
		add_name(r, false, r->walk->v[i].uid);
		add_name(r, true, r->walk->v[i].gid);
	}
	if (r->entry && r->entry->has_uid)
		add_name(r, false, r->entry->uid);
	name_judgement(r, &r->verdict);
}

/* --- liveness --- */

/* The entry of L bound to the node (major:minor, ino), or by name from /proc/net/unix. */
static const struct sockets_entry *find_bound(const struct sockets_list *l, const struct stat *st,
					      const char *given, const char *abs)
{
	const struct sockets_entry *best = NULL;
	for (size_t i = 0; i < l->n; i++) {
		const struct sockets_entry *e = &l->v[i];
		size_t nl = e->name_len;
		bool match;
		if (l->source == SOCKETS_FROM_DIAG)
			match = sockets_entry_is_node(e, st);
		else
			match = !e->abstract && nl &&
				((nl == strlen(given) && !memcmp(e->name, given, nl)) ||
				 (nl == strlen(abs) && !memcmp(e->name, abs, nl)));
		/* A listening socket wins over one merely bound (accepted ones share its node). */
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

/* Connections in the order of their client ends' holders: process, then descriptor. */
static int conn_cmp(const void *pa, const void *pb)
{
	const struct inspect_conn *a = pa, *b = pb;
	if (!a->client.kept || !b->client.kept)
		return (int)!a->client.kept - (int)!b->client.kept;
	const struct sockets_holder *x = &a->client.v[0], *y = &b->client.v[0];
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

/* The listener's established connections and the processes holding their client ends. */
static void gather_conns(struct inspect_report *r, const struct sockets_list *l)
{
	const struct sockets_entry *e = r->entry;
	if (!e || e->state != SOCKETS_LISTEN)
		return;
	const struct sockets_entry *acc[INSPECT_CONNS_MAX];
	r->nconns = sockets_accepted(l, e, acc, INSPECT_CONNS_MAX);
	size_t kept = r->nconns < INSPECT_CONNS_MAX ? r->nconns : INSPECT_CONNS_MAX;
	for (size_t i = 0; i < kept; i++) {
		struct inspect_conn *c = &r->conns[i];
		c->ino = acc[i]->ino;
		c->has_peer = acc[i]->has_peer;
		c->peer_ino = acc[i]->peer_ino;
		const struct sockets_entry *p = c->has_peer ? sockets_find_ino(l, c->peer_ino)
							    : NULL;
		c->peer_found = p != NULL;
		if (p)
			sockets_describe_holders(p, &c->client);
	}
	qsort(r->conns, kept, sizeof(r->conns[0]), conn_cmp);
}

/* The list's facts into R, with E the socket bound there (NULL: none listed). */
static void gather_list(struct inspect_report *r, const struct sockets_list *l, int lerr,
			const struct sockets_entry *e)
{
	r->list_err = lerr;
	if (lerr)
		return;
	r->list_source = l->source;
	r->diag_err = l->diag_err;
	r->procs_unreadable = l->procs_unreadable;
	r->procs_err = l->procs_err;
	r->entry = e;
	if (e)
		sockets_describe_holders(e, &r->holders);
	gather_conns(r, l);
}

/* Liveness from the list, a connect only where the list cannot tell (A NULL: none can be
 * made); with PROBE a connect besides. */
static void gather_live(struct inspect_report *r, const struct uds_addr *a, bool probe)
{
	r->has_live = true;
	inspect_liveness(a, r->entry, !r->list_err && r->list_source == SOCKETS_FROM_DIAG,
			 &r->live);
	if (probe && a && r->live.method != INSPECT_BY_CONNECT) {
		inspect_probe(a, &r->probe);
		r->probed_too = true;
	}
}

/* --- verdicts and proof --- */

static void judge_denied(struct inspect_judgement *j, const struct inspect_user *u)
{
	j->reason = INSPECT_R_DENIED;
	j->nfixes = inspect_fixes(u, j->perms, &j->v, j->fixes, INSPECT_FIXES_MAX);
	for (size_t i = 0; i < j->nfixes; i++)
		inspect_fix_who(&j->fixes[i], u->uid, &j->who[i]);
}

/* What this process could not see along W: a lookup refused past a directory, or an ACL it
 * could not read. Everything after that point is unknown. */
static void judge_blind(struct inspect_judgement *j, const struct inspect_walk *w)
{
	if (j->v.blind) {
		const struct inspect_perm *p = &j->perms[j->v.blind_step];
		j->blind = j->blind_acl = true;
		j->blind_path = p->path;
		j->blind_err = p->acl->err;
		return;
	}
	if (!w->err || w->err == ENOENT || w->err == ENOTDIR || w->err == ELOOP)
		return;
	j->blind = true;
	j->blind_err = w->err;
	/* The directory looked in last: the lookup of its entry was refused. */
	j->blind_path = j->nperms ? j->perms[j->nperms - 1].path : w->v[w->n - 1].path;
}

/* Whether ID may connect along W: by the mode bits, root's override, or not at all. */
static void judge_connect(struct inspect_judgement *j, const struct inspect_identity *id,
			  const struct inspect_walk *w)
{
	struct inspect_user u;
	inspect_identity_user(id, &u);
	j->nperms = inspect_connect_perms(w, j->perms, INSPECT_PERMS_MAX);
	inspect_verdict(&u, j->perms, j->nperms, &j->v);
	for (size_t i = 0; i < j->nperms; i++)
		inspect_decide(&u, &j->perms[i], &j->dec[i]);
	judge_blind(j, w);
	const struct inspect_step *last = &w->v[w->n - 1];
	j->at = last;
	j->err = w->err;
	if (!j->v.allowed) {
		judge_denied(j, &u);
	} else if (w->err == ENOENT || w->err == ENOTDIR || w->err == ELOOP) {
		j->reason = INSPECT_R_MISSING;
	} else if (j->blind && !j->v.root) {
		j->reason = INSPECT_R_UNKNOWN;
		j->unknown = true;
		j->err = j->blind_err;
	} else if (w->err) {
		j->reason = INSPECT_R_UNKNOWN;
		j->unknown = true;
	} else if (!S_ISSOCK(last->mode)) {
		j->reason = INSPECT_R_NOT_SOCKET;
	} else {
		j->can = true;
		j->reason = !j->v.root     ? INSPECT_R_ALLOWED
			    : j->v.by_mode ? INSPECT_R_ROOT
					   : INSPECT_R_ROOT_OVERRIDE;
		const struct inspect_perm *s = &j->perms[j->nperms - 1];
		j->last_cls = inspect_class_of(&u, s->uid, s->gid, NULL);
	}
}

/* For a path that does not exist yet: may ID bind a socket there. */
static void judge_create(struct inspect_report *r, const struct inspect_walk *w)
{
	struct inspect_judgement *j = &r->create;
	r->has_create = true;
	j->at = &w->v[w->n - 1];
	j->err = w->err;
	if (!w->last_missing) {
		j->reason = INSPECT_R_MISSING;
		return;
	}
	struct inspect_user u;
	inspect_identity_user(r->id, &u);
	j->nperms = inspect_create_perms(w, j->perms, INSPECT_PERMS_MAX);
	inspect_verdict(&u, j->perms, j->nperms, &j->v);
	j->can = j->v.allowed;
	j->reason = j->v.allowed ? INSPECT_R_ALLOWED : INSPECT_R_DENIED;
	int e = inspect_umask(&r->umask);
	r->umask_err = e < 0 ? -e : 0;
}

/* Run connect as the judged user in a forked child, beside the verdict CAN. */
static void run_proof(struct inspect_report *r, const struct uds_addr *a, bool can)
{
	if (geteuid() != 0) {
		r->proof_state = INSPECT_PROOF_NOT_ROOT;
		return;
	}
	if (!r->id->has_gid) {
		r->proof_state = INSPECT_PROOF_NO_GROUP;
		return;
	}
	int e = inspect_prove(a, r->id, &r->proof);
	if (e < 0) {
		r->proof_state = INSPECT_PROOF_ERROR;
		r->proof_err = -e;
		return;
	}
	r->proof_state = INSPECT_PROOF_RAN;
	if (r->proof.failed)
		return;
	/* What is compared is the permission check, not whether something listens. */
	bool permitted = inspect_connect_permitted(r->proof.err);
	bool denied = r->proof.err == EACCES || r->proof.err == EPERM;
	r->proof_permitted = permitted;
	r->agree = permitted == can && denied != can ? INSPECT_AGREES
		   : !permitted && !denied           ? INSPECT_NOT_REACHED
						     : INSPECT_DISAGREES;
}

/* --- the command --- */

/* Hand R over; a proof that could not run is an error besides. With --check the outcome is
 * the verdict (the proof's, when it reached the permission checks). */
static int finish(struct app *app, struct inspect_report *r)
{
	name_all(r);
	app_report(app, &(struct report){ .kind = REPORT_INSPECT, .inspect = r });
	if (r->proof_state == INSPECT_PROOF_ERROR) {
		char who[INSPECT_NAME_MAX + 32];
		if (r->id->name[0])
			snprintf(who, sizeof(who), "%s", r->id->name);
		else
			snprintf(who, sizeof(who), "uid %lu", (unsigned long)r->id->uid);
		app_error(app, r->proof_err, "inspect: proof as %s", who);
	}
	if (!r->check)
		return CMD_OK;
	bool can = r->verdict.can;
	if (r->proof_state == INSPECT_PROOF_RAN && !r->proof.failed &&
	    r->agree != INSPECT_NOT_REACHED)
		can = r->proof_permitted;
	return can ? CMD_OK : CMD_FAIL;
}

/* TEXT is the LEN bytes of the word, "@" first; the name may hold NUL bytes. */
static int inspect_abstract(struct app *app, struct inspect_report *r, bool probe)
{
	struct uds_addr a;
	char why[256], sh[ADDR_SHOW_SIZE];
	if (addr_parse(r->path, r->path_len, &a, why, sizeof(why)) < 0) {
		app_error(app, 0, "inspect %s: %s", addr_show(r->path, r->path_len, sh, sizeof(sh)),
			  why);
		return CMD_FAIL;
	}
	r->abstract = true;
	r->addr = &a;
	struct sockets_list l;
	int lerr = -sockets_collect(&l);
	gather_list(r, &l, lerr, lerr ? NULL : find_abstract(&l, &a));
	gather_live(r, &a, probe);
	/* ss, lsof and /proc/net/unix print a path "@x" and the abstract name x alike. */
	struct stat st;
	if (!memchr(r->path, '\0', r->path_len) && lstat(r->path, &st) == 0) {
		r->literal_file = true;
		r->literal_mode = st.st_mode;
	}
	const struct inspect_probe *p = &r->live;
	r->verdict.reason = INSPECT_R_ABSTRACT;
	r->verdict.can = p->live == INSPECT_LISTENING || p->live == INSPECT_BACKLOG_FULL ||
			 p->live == INSPECT_DGRAM_BOUND ||
			 (p->live == INSPECT_UNKNOWN && inspect_connect_permitted(p->err));
	r->verdict.unknown = !r->verdict.can && p->live != INSPECT_STALE &&
			     p->live != INSPECT_BOUND_IDLE;
	if (r->as)
		run_proof(r, &a, true);
	int ret = finish(app, r);
	if (!lerr)
		sockets_free(&l);
	return ret;
}

/* The socket's liveness at the path; then the verdict and the proof. */
static void inspect_socket(struct inspect_report *r, bool probe)
{
	struct uds_addr addr;
	char why[256];
	bool parsed = r->fits && addr_parse(r->path, strlen(r->path), &addr, why, sizeof(why)) == 0;
	if (parsed || (r->entry && r->list_source == SOCKETS_FROM_DIAG && !r->list_err))
		gather_live(r, parsed ? &addr : NULL, probe);
	judge_connect(&r->verdict, r->id, r->walk);
	const struct inspect_judgement *j = &r->verdict;
	inspect_lasting(j->perms, j->nperms, j->fixes, j->nfixes, r->entry ? &r->holders : NULL,
			&r->lasting);
	if (r->as && parsed)
		run_proof(r, &addr, r->verdict.can);
}

/* The socket a path leads to (through symlinks or not), or NULL. */
static const struct stat *socket_node(const struct inspect_node *node)
{
	if (!node->err && S_ISSOCK(node->st.st_mode))
		return &node->st;
	if (!node->err && S_ISLNK(node->st.st_mode) && !node->target_err &&
	    S_ISSOCK(node->target_st.st_mode))
		return &node->target_st;
	return NULL;
}

static int inspect_path(struct app *app, struct inspect_report *r, bool probe)
{
	char sh[ADDR_SHOW_SIZE];
	struct inspect_walk w;
	int e = inspect_walk(r->path, &w);
	if (e < 0) {
		app_error(app, -e, "inspect %s: walk",
			  addr_show(r->path, r->path_len, sh, sizeof(sh)));
		return CMD_FAIL;
	}
	struct inspect_node node;
	inspect_node(r->path, &node);
	r->walk = &w;
	r->node = &node;
	r->fits = strlen(r->path) <= ADDR_PATH_MAX;
	const struct stat *sock = socket_node(&node);
	struct sockets_list l;
	int lerr = 0;
	if (sock) {
		r->is_socket = true;
		lerr = -sockets_collect(&l);
		gather_list(r, &l, lerr, lerr ? NULL : find_bound(&l, sock, r->path, w.abs));
		inspect_socket(r, probe);
	} else {
		judge_connect(&r->verdict, r->id, &w);
	}
	if (node.err == ENOENT)
		judge_create(r, &w);
	int ret = finish(app, r);
	if (sock && !lerr)
		sockets_free(&l);
	inspect_node_free(&node);
	inspect_walk_free(&w);
	return ret;
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
	char sh[ADDR_SHOW_SIZE];
	app_error(app, 0,
		  "inspect --as %s: no such user (neither a name in the passwd database "
		  "nor a uid)",
		  addr_show(as, strlen(as), sh, sizeof(sh)));
	return NULL;
}

/* An in-place tap's private directory left beside PATH (udscope and its guard both died):
 * one line naming it and the command that puts back what is the tap's. */
static void say_inplace_leftover(struct app *app, const char *path)
{
	char hint[2 * PATH_MAX + 200];
	if (path[0] != '@' && inplace_leftover_hint(path, hint, sizeof(hint)))
		app_info(app, SRC_INSPECT, "%s", hint);
}

static int inspect_run(struct app *app, const struct cmd_args *a)
{
	const char *path = a->argv[0];
	size_t plen = a->arglen[0];
	/* Refused as server start, client and connect refuse it; only a path too long for
	 * sun_path is still inspected (the report says it does not fit). */
	struct uds_addr addr;
	char why[256], sh[ADDR_SHOW_SIZE];
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
	struct inspect_report *r = calloc(1, sizeof(*r));
	if (!r) {
		app_error(app, ENOMEM, "inspect %s", addr_show(path, plen, sh, sizeof(sh)));
		return CMD_FAIL;
	}
	*r = (struct inspect_report){ .path = path,
				      .path_len = plen,
				      .self = &self,
				      .id = id,
				      .as = as != NULL,
				      .check = cmd_has(a, "check") };
	bool probe = cmd_has(a, "probe");
	int ret = path[0] == '@' ? inspect_abstract(app, r, probe) : inspect_path(app, r, probe);
	say_inplace_leftover(app, path);
	free(r);
	return ret;
}

const struct cmd_entry cmd_inspect_entry = {
	.name = "inspect",
	.usage = "PATH [--as USER] [--check] [--probe]",
	.help = "the node, who listens and is connected, whether USER may connect, and fixes",
	.min_args = 1, .max_args = 1,
	.args = { CMD_ARG_PATH },
	.opts = {
		{ "as", CMD_OPT_WORD, "USER", 0, 0, NULL },
		{ "check", CMD_OPT_FLAG, NULL, 0, 0, NULL },
		{ "probe", CMD_OPT_FLAG, NULL, 0, 0, NULL },
	},
	.run = inspect_run,
};
