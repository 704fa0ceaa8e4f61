/* render_inspect_json: an inspect report as one JSON object's members (the schema
 * doc/udscope.1 documents under JSON OUTPUT). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "core/base/event.h"
#include "core/system/inspect_report.h"
#include "core/base/json.h"
#include "core/io/node.h"
#include "core/render/render.h"
#include "core/render/render_inspect_words.h"

void render_holders_json(const struct sockets_holders *h, struct json *j, const char *key)
{
	json_open_array(j, key);
	for (size_t i = 0; i < h->kept; i++) {
		json_open(j, NULL);
		json_int(j, "pid", h->v[i].pid);
		json_int(j, "fd", h->v[i].fd);
		if (h->v[i].comm_err)
			json_null(j, "comm");
		else
			json_cstr(j, "comm", h->v[i].comm);
		json_bool(j, "self", h->v[i].self);
		json_close(j);
	}
	json_close_array(j);
	json_uint(j, "holders_total", h->n);
}

static void json_err(struct json *j, const char *key, int err)
{
	if (err)
		json_cstr(j, key, event_errno_name(err));
	else
		json_null(j, key);
}

static void json_mode(struct json *j, mode_t mode)
{
	char m[INSPECT_MODE_STR], oct[8];
	inspect_mode_string(mode, m);
	snprintf(oct, sizeof(oct), "%04o", (unsigned)(mode & 07777));
	json_cstr(j, "mode", oct);
	json_cstr(j, "mode_string", m);
}

/* uid, user, gid, group: the names "" as null. */
static void json_owner(const struct inspect_report *r, struct json *j, uid_t uid, gid_t gid)
{
	const char *u = inspect_report_name(r, false, uid), *g = inspect_report_name(r, true, gid);
	json_uint(j, "uid", uid);
	json_cstr(j, "user", u[0] ? u : NULL);
	json_uint(j, "gid", gid);
	json_cstr(j, "group", g[0] ? g : NULL);
}

static void node_json(const struct inspect_report *r, struct json *j)
{
	const struct inspect_node *n = r->node;
	json_open(j, "node");
	json_err(j, "error", n->err);
	if (!n->err) {
		char dev[32];
		json_cstr(j, "type", node_type_name(n->st.st_mode));
		json_mode(j, n->st.st_mode);
		json_owner(r, j, n->st.st_uid, n->st.st_gid);
		json_uint(j, "inode", n->st.st_ino);
		snprintf(dev, sizeof(dev), "%u:%u", major(n->st.st_dev), minor(n->st.st_dev));
		json_cstr(j, "device", dev);
		json_uint(j, "links", n->st.st_nlink);
		json_bool(j, "acl", n->acl);
		json_cstr(j, "link", n->link);
		if (S_ISLNK(n->st.st_mode) && !n->target_err)
			json_cstr(j, "target_type", node_type_name(n->target_st.st_mode));
		else
			json_null(j, "target_type");
	}
	json_close(j);
	json_open(j, "sun_path");
	json_uint(j, "length", strlen(r->path));
	json_uint(j, "limit", ADDR_PATH_MAX);
	json_bool(j, "fits", r->fits);
	json_close(j);
}

static const char *const live_names[] = {
	[INSPECT_LISTENING] = "listening",
	[INSPECT_BACKLOG_FULL] = "backlog_full",
	[INSPECT_DGRAM_BOUND] = "dgram_bound",
	[INSPECT_BOUND_IDLE] = "bound_idle",
	[INSPECT_STALE] = "stale",
	[INSPECT_UNKNOWN] = "unknown",
};
static const char *const method_names[] = {
	[INSPECT_BY_CONNECT] = "connect",
	[INSPECT_BY_DIAG] = "sock_diag",
	[INSPECT_BY_LIST] = "proc_net_unix",
};

static void conns_json(const struct inspect_report *r, struct json *j)
{
	if (!r->entry || r->entry->state != SOCKETS_LISTEN) {
		json_null(j, "connections");
		return;
	}
	json_open(j, "connections");
	json_uint(j, "established", r->nconns);
	json_open_array(j, "clients");
	for (size_t i = 0; i < r->nconns && i < INSPECT_CONNS_MAX; i++) {
		const struct inspect_conn *c = &r->conns[i];
		json_open(j, NULL);
		json_uint(j, "inode", c->ino);
		if (c->has_peer)
			json_uint(j, "peer", c->peer_ino);
		else
			json_null(j, "peer");
		render_holders_json(&c->client, j, "holders");
		json_close(j);
	}
	json_close_array(j);
	json_close(j);
}

static void listener_json(const struct inspect_report *r, struct json *j)
{
	const struct sockets_entry *e = r->entry;
	if (!e) {
		json_null(j, "listener");
		return;
	}
	json_open(j, "listener");
	json_uint(j, "inode", e->ino);
	json_cstr(j, "type", sockets_type_name(e->type));
	json_cstr(j, "state", sockets_state_name(e->state));
	if (e->has_uid)
		json_uint(j, "uid", e->uid);
	else
		json_null(j, "uid");
	render_holders_json(&r->holders, j, "holders");
	json_close(j);
}

static void live_json(const struct inspect_report *r, struct json *j)
{
	const struct inspect_probe *p = &r->live;
	if (!r->has_live) {
		json_null(j, "liveness");
	} else {
		json_open(j, "liveness");
		json_cstr(j, "state", live_names[p->live]);
		json_cstr(j, "method",
			  p->method == INSPECT_BY_CONNECT && p->err == ENAMETOOLONG && !p->type
				  ? "none"
				  : method_names[p->method]);
		json_cstr(j, "type", p->type ? sockets_type_name(p->type) : NULL);
		json_err(j, "error", p->err);
		if (p->has_queue) {
			json_uint(j, "queued", p->queued);
			json_uint(j, "backlog", p->backlog);
		}
		json_close(j);
	}
	if (r->probed_too) {
		json_open(j, "probe");
		json_err(j, "error", r->probe.err);
		json_cstr(j, "type", r->probe.type ? sockets_type_name(r->probe.type) : NULL);
		json_close(j);
	}
	/* The socket list is read for a socket or an abstract name only. */
	bool listed = r->is_socket || r->abstract;
	json_err(j, "list_error", r->list_err);
	json_cstr(j, "list_source",
		  r->list_err || !listed                ? NULL
		  : r->list_source == SOCKETS_FROM_DIAG ? "sock_diag"
							: "proc_net_unix");
	listener_json(r, j);
	conns_json(r, j);
}

/* "decided_by": the ACL entry that decided S's check for the user judged, or null. */
static void step_decided_json(const struct inspect_report *r, const struct inspect_step *s,
			      struct json *j)
{
	const struct inspect_judgement *v = &r->verdict;
	char d[RENDER_SHOW_NAME * 2 + 32];
	for (size_t k = 0; k < v->nperms; k++)
		if (v->perms[k].path == s->path && v->dec[k].entry >= 0) {
			json_cstr(j, "decided_by",
				  render_acl_decision(r, &v->perms[k], v->dec[k].entry,
						      v->dec[k].mask, d, sizeof(d)));
			return;
		}
	json_null(j, "decided_by");
}

static void walk_json(const struct inspect_report *r, struct json *j)
{
	const struct inspect_walk *w = r->walk;
	json_open(j, "walk");
	json_cstr(j, "cwd", w->cwd);
	json_err(j, "error", w->err);
	json_open_array(j, "steps");
	for (size_t i = 0; i < w->n; i++) {
		const struct inspect_step *s = &w->v[i];
		json_open(j, NULL);
		json_cstr(j, "path", s->path);
		json_cstr(j, "name", s->name);
		json_uint(j, "depth", s->depth);
		json_err(j, "error", s->err);
		if (!s->err) {
			json_mode(j, s->mode);
			json_owner(r, j, s->uid, s->gid);
			json_bool(j, "acl", s->acl);
			json_cstr(j, "link", s->link);
			step_decided_json(r, s, j);
		}
		json_close(j);
	}
	json_close_array(j);
	json_close(j);
}

static const char *const reason_names[] = {
	[INSPECT_R_ALLOWED] = "mode_bits",
	[INSPECT_R_ROOT] = "root",
	[INSPECT_R_ROOT_OVERRIDE] = "root_override",
	[INSPECT_R_DENIED] = "denied",
	[INSPECT_R_MISSING] = "missing",
	[INSPECT_R_UNKNOWN] = "unknown",
	[INSPECT_R_NOT_SOCKET] = "not_socket",
	[INSPECT_R_ABSTRACT] = "abstract",
};
static const char *const scope_names[] = {
	[INSPECT_SCOPE_USER] = "user",
	[INSPECT_SCOPE_GROUP] = "group",
	[INSPECT_SCOPE_EVERYONE] = "everyone",
};
static const char *const op_names[] = {
	[INSPECT_FIX_CHMOD] = "chmod",
	[INSPECT_FIX_CHGRP] = "chgrp",
	[INSPECT_FIX_JOIN] = "join",
	[INSPECT_FIX_SETFACL] = "setfacl",
};

/* KEY: {"users": [...], "users_total": N}. */
static void users_json(const struct inspect_users *l, struct json *j, const char *key)
{
	json_open(j, key);
	json_open_array(j, "users");
	for (size_t i = 0; i < l->n && i < INSPECT_USERS_MAX; i++)
		json_cstr(j, NULL, l->v[i]);
	json_close_array(j);
	json_uint(j, "users_total", l->n);
	json_close(j);
}

static void fixes_json(const struct inspect_report *r, const struct inspect_judgement *v,
		       struct json *j)
{
	char b[4], cmd[RENDER_SHOW_PATH + 128];
	json_open_array(j, "fixes");
	for (size_t i = 0; i < v->nfixes; i++) {
		const struct inspect_fix *f = &v->fixes[i];
		const struct inspect_fix_who *who = &v->who[i];
		json_open(j, NULL);
		json_cstr(j, "scope", scope_names[f->scope]);
		json_bool(j, "complete", !f->cut && !v->blind);
		json_bool(j, "everyone_gains", who->everyone);
		users_json(&who->gains, j, "gains");
		users_json(&who->loses, j, "loses");
		json_open_array(j, "steps");
		for (size_t k = 0; k < f->n; k++) {
			const struct inspect_fix_step *s = &f->v[k];
			json_open(j, NULL);
			json_cstr(j, "op", op_names[s->op]);
			json_cstr(j, "path", s->op == INSPECT_FIX_JOIN ? NULL : s->path);
			if (s->op == INSPECT_FIX_CHMOD || s->op == INSPECT_FIX_SETFACL) {
				json_str(j, "class", &s->who, 1);
				json_cstr(j, "bits", render_bits(s->bits, b));
			}
			if (s->op == INSPECT_FIX_SETFACL && s->who == 'u')
				json_uint(j, "uid", s->uid);
			else
				json_uint(j, "gid", s->gid);
			if (s->op == INSPECT_FIX_SETFACL || s->op == INSPECT_FIX_CHMOD)
				json_cstr(j, "mask_widens",
					  s->widens ? render_bits(s->widens, b) : NULL);
			render_fix_command(r, s, cmd, sizeof(cmd));
			json_cstr(j, "command", cmd);
			json_close(j);
		}
		json_close_array(j);
		json_close(j);
	}
	json_close_array(j);
}

/* A verdict (or create's) as KEY, left open for the caller to add to and close. */
static void judgement_json(const struct inspect_report *r, const struct inspect_judgement *v,
			   const char *key, struct json *j)
{
	char b[4], m[INSPECT_MODE_STR];
	json_open(j, key);
	json_cstr(j, "user", r->id->name[0] ? r->id->name : NULL);
	json_uint(j, "uid", r->id->uid);
	json_bool(j, "can", v->can);
	json_bool(j, "unknown", v->unknown);
	json_cstr(j, "reason", reason_names[v->reason]);
	json_err(j, "error",
		 v->reason == INSPECT_R_MISSING || v->reason == INSPECT_R_UNKNOWN ? v->err : 0);
	json_open_array(j, "blockers");
	size_t nb = v->v.nblockers < INSPECT_BLOCKERS_MAX ? v->v.nblockers : INSPECT_BLOCKERS_MAX;
	for (size_t i = 0; v->reason != INSPECT_R_ABSTRACT && i < nb; i++) {
		const struct inspect_blocker *bl = &v->v.blockers[i];
		const struct inspect_perm *p = &v->perms[bl->step];
		json_open(j, NULL);
		json_cstr(j, "path", p->path);
		json_cstr(j, "missing", render_bits(bl->missing, b));
		json_cstr(j, "class", inspect_class_name(bl->cls));
		json_bool(j, "supplementary", bl->supplementary);
		inspect_mode_string(p->mode, m);
		json_cstr(j, "mode_string", m);
		char d[RENDER_SHOW_NAME * 2 + 32];
		json_cstr(j, "decided_by",
			  bl->entry >= 0
				  ? render_acl_decision(r, p, bl->entry, bl->mask, d, sizeof(d))
				  : NULL);
		json_close(j);
	}
	json_close_array(j);
	if (v->blind) {
		json_open(j, "blind");
		json_cstr(j, "path", v->blind_path);
		json_err(j, "error", v->blind_err);
		json_bool(j, "acl", v->blind_acl);
		json_uint(j, "as_uid", r->self->uid);
		json_close(j);
	} else {
		json_null(j, "blind");
	}
	fixes_json(r, v, j);
}

/* Whether the verdict's fixes on the socket node last, and where the lasting one belongs. */
static void lasting_json(const struct inspect_report *r, struct json *j)
{
	const struct inspect_lasting *l = &r->lasting;
	if (!l->node_fix) {
		json_null(j, "lasting");
		return;
	}
	char um[8], cmd[RENDER_SHOW_PATH * 2];
	json_open(j, "lasting");
	json_bool(j, "node_fix_lost", true);
	json_bool(j, "socket_activated", l->activated);
	if (l->has_server)
		json_int(j, "server_pid", l->pid);
	else
		json_null(j, "server_pid");
	snprintf(um, sizeof(um), "%04o", (unsigned)l->umask);
	json_cstr(j, "server_umask", l->has_server && !l->umask_err ? um : NULL);
	json_cstr(j, "unit", l->unit[0] ? l->unit : NULL);
	json_open_array(j, "commands");
	if (!l->activated) {
		render_lasting_command(r, cmd, sizeof(cmd));
		json_cstr(j, NULL, cmd);
	}
	json_close_array(j);
	json_open_array(j, "unit_settings");
	if (l->activated) {
		json_cstr(j, NULL, "SocketMode=");
		json_cstr(j, NULL, "SocketUser=");
		json_cstr(j, NULL, "SocketGroup=");
	}
	json_close_array(j);
	json_close(j);
}

static void proof_json(const struct inspect_report *r, struct json *j)
{
	static const char *const states[] = {
		[INSPECT_PROOF_NOT_ROOT] = "not_root",
		[INSPECT_PROOF_NO_GROUP] = "no_group",
		[INSPECT_PROOF_ERROR] = "error",
		[INSPECT_PROOF_RAN] = "ran",
	};
	static const char *const agree[] = {
		[INSPECT_AGREES] = "agrees",
		[INSPECT_NOT_REACHED] = "not_reached",
		[INSPECT_DISAGREES] = "disagrees",
	};
	if (r->proof_state == INSPECT_PROOF_NONE) {
		json_null(j, "proof");
		return;
	}
	json_open(j, "proof");
	json_cstr(j, "state", states[r->proof_state]);
	if (r->proof_state == INSPECT_PROOF_RAN) {
		json_cstr(j, "failed_call", r->proof.failed);
		json_err(j, "error", r->proof.err);
		json_bool(j, "connected", !r->proof.failed && r->proof.err == 0);
		json_bool(j, "permission_checks_passed", r->proof_permitted);
		json_cstr(j, "verdict", r->proof.failed ? NULL : agree[r->agree]);
	} else {
		json_err(j, "error", r->proof_state == INSPECT_PROOF_ERROR ? r->proof_err : 0);
	}
	json_close(j);
}

static void create_json(const struct inspect_report *r, struct json *j)
{
	if (!r->has_create) {
		json_null(j, "create");
		return;
	}
	judgement_json(r, &r->create, "create", j);
	if (!r->umask_err && r->walk->last_missing && r->create.nperms) {
		char um[8];
		snprintf(um, sizeof(um), "%04o", (unsigned)r->umask);
		json_cstr(j, "umask", um);
	} else {
		json_null(j, "umask");
	}
	json_close(j);
}

void render_inspect_json(const struct inspect_report *r, struct json *j)
{
	json_str(j, "path", r->path, r->path_len);
	json_bool(j, "abstract", r->abstract);
	json_bool(j, "check", r->check);
	if (r->abstract) {
		json_null(j, "node");
		live_json(r, j);
		json_null(j, "walk");
	} else {
		json_cstr(j, "absolute", r->walk->abs);
		node_json(r, j);
		live_json(r, j);
		walk_json(r, j);
	}
	judgement_json(r, &r->verdict, "verdict", j);
	lasting_json(r, j);
	json_close(j);
	proof_json(r, j);
	create_json(r, j);
}
