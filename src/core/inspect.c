/* inspect: a socket node's facts, the path walk to it, liveness, and who may connect. */
#include "config.h"

#include "core/inspect.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/node.h"
#include "core/sockets.h"
#include "core/sysio.h"

#define ACL_XATTR "system.posix_acl_access"

void inspect_mode_string(mode_t mode, char buf[INSPECT_MODE_STR])
{
	char t;
	switch (mode & S_IFMT) {
	case S_IFSOCK: t = 's'; break;
	case S_IFREG: t = '-'; break;
	case S_IFDIR: t = 'd'; break;
	case S_IFLNK: t = 'l'; break;
	case S_IFIFO: t = 'p'; break;
	case S_IFCHR: t = 'c'; break;
	case S_IFBLK: t = 'b'; break;
	default: t = '?'; break;
	}
	buf[0] = t;
	static const char rwx[] = "rwxrwxrwx";
	for (int i = 0; i < 9; i++)
		buf[1 + i] = (mode & (0400u >> i)) ? rwx[i] : '-';
	/* The special bits share the x column: lower case when x is set too. */
	if (mode & S_ISUID)
		buf[3] = (mode & S_IXUSR) ? 's' : 'S';
	if (mode & S_ISGID)
		buf[6] = (mode & S_IXGRP) ? 's' : 'S';
	if (mode & S_ISVTX)
		buf[9] = (mode & S_IXOTH) ? 't' : 'T';
	buf[10] = '\0';
}

const char *inspect_show(const void *s, size_t len, char *buf, size_t bufsz)
{
	bytes_escape(s, len, BYTES_ESC_REPR_IF_NEEDED, buf, bufsz);
	return buf;
}

/* The name of user (or group) ID from the passwd (group) database; "" when none. */
static void id_name(bool group, unsigned long id, char *buf, size_t len)
{
	char tmp[8192];
	const char *name = NULL;
	struct passwd pw, *pres = NULL;
	struct group gr, *gres = NULL;
	if (group && getgrgid_r((gid_t)id, &gr, tmp, sizeof(tmp), &gres) == 0 && gres)
		name = gres->gr_name;
	else if (!group && getpwuid_r((uid_t)id, &pw, tmp, sizeof(tmp), &pres) == 0 && pres)
		name = pres->pw_name;
	snprintf(buf, len, "%s", name ? name : "");
}

void inspect_user_name(uid_t uid, char *buf, size_t len)
{
	id_name(false, uid, buf, len);
}

void inspect_group_name(gid_t gid, char *buf, size_t len)
{
	id_name(true, gid, buf, len);
}

static bool has_acl(const char *path)
{
	/* Only presence matters: ENODATA and ENOTSUP both mean there is none. */
	return lgetxattr(path, ACL_XATTR, NULL, 0) > 0;
}

static char *read_link(const char *path, int *err)
{
	size_t cap = 256;
	for (;;) {
		char *buf = malloc(cap);
		if (!buf) {
			*err = ENOMEM;
			return NULL;
		}
		ssize_t n = readlink(path, buf, cap);
		if (n < 0) {
			*err = errno;
			free(buf);
			return NULL;
		}
		if ((size_t)n < cap) {
			buf[n] = '\0';
			*err = 0;
			return buf;
		}
		free(buf);
		if (cap >= (size_t)PATH_MAX * 4) {
			*err = ENAMETOOLONG;
			return NULL;
		}
		cap *= 2;
	}
}

void inspect_node(const char *path, struct inspect_node *out)
{
	memset(out, 0, sizeof(*out));
	if (lstat(path, &out->st) < 0) {
		out->err = errno;
		return;
	}
	out->acl = has_acl(path);
	if (S_ISLNK(out->st.st_mode)) {
		out->link = read_link(path, &out->link_err);
		if (stat(path, &out->target_st) < 0)
			out->target_err = errno;
	}
}

void inspect_node_free(struct inspect_node *n)
{
	free(n->link);
	n->link = NULL;
}

/* --- the walk --- */

static char *join(const char *dir, const char *name, size_t nlen)
{
	size_t dl = strlen(dir);
	bool slash = dl > 0 && dir[dl - 1] == '/';
	char *p = malloc(dl + (slash ? 0 : 1) + nlen + 1);
	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (!slash)
		p[dl++] = '/';
	memcpy(p + dl, name, nlen);
	p[dl + nlen] = '\0';
	return p;
}

/* PATH (absolute) as the walk looks it up: relative to the working directory while under
 * it, so that the working directory's parents need not be searchable, as for the kernel. */
static const char *lookup_path(const struct inspect_walk *w, const char *path)
{
	if (!w->cwd)
		return path;
	size_t cl = strlen(w->cwd);
	if (cl <= 1 || strncmp(path, w->cwd, cl) != 0)
		return path;
	if (path[cl] == '\0')
		return ".";
	return path[cl] == '/' ? path + cl + 1 : path;
}

static struct inspect_step *add_step(struct inspect_walk *w, const char *path, const char *name,
				     size_t nlen, unsigned depth)
{
	if (w->n == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 16;
		struct inspect_step *nv = realloc(w->v, ncap * sizeof(*nv));
		if (!nv)
			return NULL;
		w->v = nv;
		w->cap = ncap;
	}
	struct inspect_step *s = &w->v[w->n];
	memset(s, 0, sizeof(*s));
	s->path = strdup(path);
	s->name = strndup(name, nlen);
	if (!s->path || !s->name) {
		free(s->path);
		free(s->name);
		return NULL;
	}
	s->depth = depth;
	w->n++;
	struct stat st;
	const char *at = lookup_path(w, path);
	if (lstat(at, &st) < 0) {
		s->err = errno;
	} else {
		s->mode = st.st_mode;
		s->uid = st.st_uid;
		s->gid = st.st_gid;
		s->acl = has_acl(at);
	}
	return s;
}

/* The parent of an absolute, already resolved directory path ("/" stays "/"). */
static char *parent_of(const char *dir)
{
	char *p = strdup(dir);
	if (!p)
		return NULL;
	char *slash = strrchr(p, '/');
	if (slash == p)
		p[1] = '\0';
	else if (slash)
		*slash = '\0';
	return p;
}

static char *make_absolute(const char *path)
{
	if (path[0] == '/')
		return strdup(path);
	char *cwd = getcwd(NULL, 0);
	if (!cwd)
		return NULL;
	/* "./x" reads better as cwd/x; any later "." is left for the walk to skip. */
	while (path[0] == '.' && path[1] == '/') {
		path += 2;
		while (path[0] == '/')
			path++;
	}
	char *abs = join(cwd, path, strlen(path));
	free(cwd);
	return abs;
}

/* The walk's state between components. */
struct walker {
	struct inspect_walk *w;
	char *pending;           /* what is left to look up; a symlink puts its target in front */
	size_t pos;
	char *cur;               /* the directory reached so far */
	/* Remaining length at which each symlink's expansion is used up (for the depth). */
	size_t link_end[INSPECT_MAX_LINKS + 1];
	unsigned depth, links;
};

/* Step S (at NEXT, which this takes) is a symlink: its target takes its place in front of
 * REST. Returns 1 to go on, 0 when the walk ends there (w->err says why), or -ENOMEM. */
static int walk_link(struct walker *k, struct inspect_step *s, char *next, const char *rest)
{
	struct inspect_walk *w = k->w;
	int lerr;
	s->link = read_link(lookup_path(w, next), &lerr);
	free(next);
	if (!s->link) {
		w->err = lerr;
		return 0;
	}
	if (++k->links > INSPECT_MAX_LINKS) {
		w->err = ELOOP;
		return 0;
	}
	/* REST is empty or starts with its slash: the target takes the link's place. */
	size_t restlen = strlen(rest), tl = strlen(s->link);
	char *nt = malloc(tl + restlen + 1);
	if (!nt)
		return -ENOMEM;
	memcpy(nt, s->link, tl);
	memcpy(nt + tl, rest, restlen + 1);
	free(k->pending);
	k->pending = nt;
	k->pos = 0;
	k->link_end[k->depth++] = restlen;
	if (s->link[0] == '/') {
		free(k->cur);
		k->cur = strdup("/");
		if (!k->cur || !add_step(w, "/", "/", 1, k->depth))
			return -ENOMEM;
	}
	return 1;
}

/* Look up the next component. Returns 1 to go on, 0 when the walk is over, or -ENOMEM. */
static int walk_one(struct walker *k)
{
	struct inspect_walk *w = k->w;
	while (k->pending[k->pos] == '/')
		k->pos++;
	while (k->depth > 0 && strlen(k->pending + k->pos) <= k->link_end[k->depth - 1])
		k->depth--;
	if (!k->pending[k->pos])
		return 0;
	const char *comp = k->pending + k->pos;
	size_t clen = strcspn(comp, "/");
	k->pos += clen;
	const char *rest = k->pending + k->pos;
	if (clen == 1 && comp[0] == '.')
		return 1;
	char *next = clen == 2 && comp[0] == '.' && comp[1] == '.' ? parent_of(k->cur)
		: join(k->cur, comp, clen);
	if (!next)
		return -ENOMEM;
	struct inspect_step *s = add_step(w, next, comp, clen, k->depth);
	if (!s) {
		free(next);
		return -ENOMEM;
	}
	bool more = rest[strspn(rest, "/")] != '\0';
	if (s->err) {
		w->err = s->err;
		w->last_missing = s->err == ENOENT && !more;
		free(next);
		return 0;
	}
	if (S_ISLNK(s->mode))
		return walk_link(k, s, next, rest);
	if (S_ISDIR(s->mode)) {
		free(k->cur);
		k->cur = next;
		return 1;
	}
	free(next);
	/* Only a directory can be looked in (a trailing slash asks for one too). */
	if (*rest)
		w->err = ENOTDIR;
	return 0;
}

int inspect_walk(const char *path, struct inspect_walk *w)
{
	memset(w, 0, sizeof(*w));
	w->abs = make_absolute(path);
	if (!w->abs)
		return -errno;
	if (path[0] != '/' && !(w->cwd = getcwd(NULL, 0))) {
		int e = errno;
		inspect_walk_free(w);
		return -e;
	}
	struct walker k = { .w = w, .pending = strdup(path), .cur = strdup(w->cwd ? w->cwd : "/") };
	int r = -ENOMEM;
	if (k.pending && k.cur && add_step(w, k.cur, k.cur, strlen(k.cur), 0))
		while ((r = walk_one(&k)) > 0)
			;
	free(k.pending);
	free(k.cur);
	if (r < 0)
		inspect_walk_free(w);
	return r < 0 ? r : 0;
}

void inspect_walk_free(struct inspect_walk *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->v[i].path);
		free(w->v[i].name);
		free(w->v[i].link);
	}
	free(w->v);
	free(w->abs);
	free(w->cwd);
	memset(w, 0, sizeof(*w));
}

/* --- permissions --- */

static size_t put_perm(struct inspect_perm *out, size_t n, size_t max,
		       const struct inspect_step *s, unsigned need)
{
	if (n < max)
		out[n] = (struct inspect_perm){ s->path, s->mode, s->uid, s->gid, need, s->acl };
	return n + 1;
}

size_t inspect_connect_perms(const struct inspect_walk *w, struct inspect_perm *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < w->n; i++) {
		const struct inspect_step *s = &w->v[i];
		if (s->err)
			break;
		bool last = i + 1 == w->n;
		if (last && w->err == 0 && S_ISSOCK(s->mode))
			n = put_perm(out, n, max, s, INSPECT_NEED_W);
		else if (!last && S_ISDIR(s->mode))
			n = put_perm(out, n, max, s, INSPECT_NEED_X);
	}
	return n < max ? n : max;
}

size_t inspect_create_perms(const struct inspect_walk *w, struct inspect_perm *out, size_t max)
{
	if (!w->last_missing || w->n < 2)
		return 0;
	size_t parent = w->n;
	for (size_t i = w->n - 1; i-- > 0;)
		if (S_ISDIR(w->v[i].mode)) {
			parent = i;
			break;
		}
	size_t n = 0;
	for (size_t i = 0; i + 1 < w->n; i++)
		if (S_ISDIR(w->v[i].mode))
			n = put_perm(out, n, max, &w->v[i],
				     i == parent ? INSPECT_NEED_W | INSPECT_NEED_X : INSPECT_NEED_X);
	return n < max ? n : max;
}

enum inspect_class inspect_class_of(const struct inspect_user *u, uid_t uid, gid_t gid,
				    bool *supplementary)
{
	if (supplementary)
		*supplementary = false;
	if (u->uid == uid)
		return INSPECT_OWNER;
	if (u->gid == gid)
		return INSPECT_GROUP;
	for (size_t i = 0; i < u->ngroups; i++)
		if (u->groups[i] == gid) {
			if (supplementary)
				*supplementary = true;
			return INSPECT_GROUP;
		}
	return INSPECT_OTHER;
}

const char *inspect_class_name(enum inspect_class c)
{
	switch (c) {
	case INSPECT_OWNER: return "owner";
	case INSPECT_GROUP: return "group";
	default: return "other";
	}
}

void inspect_verdict(const struct inspect_user *u, const struct inspect_perm *steps, size_t n,
		     struct inspect_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->root = u->uid == 0;
	v->by_mode = true;
	for (size_t i = 0; i < n; i++) {
		const struct inspect_perm *p = &steps[i];
		bool supp;
		enum inspect_class c = inspect_class_of(u, p->uid, p->gid, &supp);
		/* Only the user's own class counts, even when another class has more bits. */
		unsigned shift = c == INSPECT_OWNER ? 6 : c == INSPECT_GROUP ? 3 : 0;
		unsigned have = ((unsigned)p->mode >> shift) & 7u;
		/* Past the first denial the kernel looks no further: an ACL there is moot. */
		if (p->acl && !v->acl && v->by_mode) {
			v->acl = true;
			v->acl_step = i;
		}
		unsigned missing = p->need & ~have;
		if (!missing)
			continue;
		if (v->by_mode) {
			v->by_mode = false;
			v->fail = i;
			v->missing = missing;
			v->cls = c;
			v->supplementary = supp;
		}
		if (v->nblockers < INSPECT_BLOCKERS_MAX)
			v->blockers[v->nblockers] = (struct inspect_blocker){ i, missing, c, supp };
		v->nblockers++;
	}
	v->allowed = v->by_mode || v->root;
}

/* --- identities --- */

void inspect_identity_self(struct inspect_identity *id)
{
	memset(id, 0, sizeof(*id));
	id->uid = geteuid();
	id->gid = getegid();
	id->has_gid = true;
	inspect_user_name(id->uid, id->name, sizeof(id->name));
	int n = getgroups(0, NULL);
	if (n > 0) {
		gid_t *g = calloc((size_t)n, sizeof(*g));
		if (g && (n = getgroups(n, g)) > 0) {
			size_t k = (size_t)n < INSPECT_GROUPS_MAX ? (size_t)n : INSPECT_GROUPS_MAX;
			memcpy(id->groups, g, k * sizeof(*g));
			id->ngroups = k;
			id->groups_cut = (size_t)n > k;
		}
		free(g);
	}
}

int inspect_identity_lookup(const char *who, struct inspect_identity *id)
{
	memset(id, 0, sizeof(*id));
	struct passwd pw, *res = NULL;
	char tmp[4096];
	unsigned long num;
	if (getpwnam_r(who, &pw, tmp, sizeof(tmp), &res) != 0 || !res) {
		if (sysio_parse_ulong(who, 10, 0, (uid_t)-2, &num) < 0)
			return -ENOENT;
		res = NULL;
		if (getpwuid_r((uid_t)num, &pw, tmp, sizeof(tmp), &res) != 0 || !res) {
			/* A uid with no passwd entry: no primary group, no groups to list. */
			id->uid = (uid_t)num;
			id->gid = (gid_t)-1;
			return 0;
		}
	}
	id->uid = res->pw_uid;
	id->gid = res->pw_gid;
	id->has_gid = true;
	snprintf(id->name, sizeof(id->name), "%s", res->pw_name);
	int ng = INSPECT_GROUPS_MAX;
	if (getgrouplist(res->pw_name, res->pw_gid, id->groups, &ng) < 0) {
		id->groups_cut = true;
		ng = INSPECT_GROUPS_MAX;
	}
	id->ngroups = (size_t)ng;
	return 0;
}

void inspect_identity_user(const struct inspect_identity *id, struct inspect_user *u)
{
	u->uid = id->uid;
	u->gid = id->has_gid ? id->gid : (gid_t)-1;
	u->groups = id->groups;
	u->ngroups = id->ngroups;
}

/* --- liveness and proof --- */

void inspect_probe(const struct uds_addr *a, struct inspect_probe *out)
{
	memset(out, 0, sizeof(*out));
	int err = node_connect(a, &out->type);
	out->err = err;
	if (err == 0)
		out->live = out->type == SOCK_DGRAM ? INSPECT_DGRAM_BOUND : INSPECT_LISTENING;
	else if (err == EAGAIN)
		out->live = INSPECT_BACKLOG_FULL;
	else if (err == ECONNREFUSED)
		out->live = INSPECT_STALE;
	else
		out->live = INSPECT_UNKNOWN;
}

void inspect_liveness(const struct uds_addr *a, const struct sockets_entry *e, bool from_diag,
		      struct inspect_probe *out)
{
	memset(out, 0, sizeof(*out));
	bool own = e && sockets_held_by(e, getpid());
	if (e && (from_diag || own)) {
		out->method = from_diag ? INSPECT_BY_DIAG : INSPECT_BY_LIST;
		out->type = e->type;
		if (e->state == SOCKETS_LISTEN) {
			out->live = INSPECT_LISTENING;
			if (from_diag && e->has_queues) {
				out->has_queue = true;
				out->queued = e->rqueue;
				out->backlog = e->wqueue;
				/* The kernel refuses a connect once more than the backlog wait. */
				if (e->rqueue > e->wqueue)
					out->live = INSPECT_BACKLOG_FULL;
			}
		} else if (e->type == SOCK_DGRAM) {
			out->live = INSPECT_DGRAM_BOUND;
		} else {
			out->live = INSPECT_BOUND_IDLE;
			out->err = ECONNREFUSED;
		}
		return;
	}
	if (!e && from_diag && a && a->abstract) {
		out->method = INSPECT_BY_DIAG;
		out->live = INSPECT_STALE;
		out->err = ECONNREFUSED;
		return;
	}
	if (!a) {
		out->live = INSPECT_UNKNOWN;
		out->err = ENAMETOOLONG;
		return;
	}
	inspect_probe(a, out);
}

bool inspect_connect_permitted(int err)
{
	return err == 0 || err == EAGAIN || err == ECONNREFUSED || err == EPROTOTYPE;
}

enum { PROOF_CONNECT, PROOF_SETGROUPS, PROOF_SETRESGID, PROOF_SETRESUID };

struct proof_msg {
	int stage;
	int err;
	int type;
};

/* The child: switch to ID, connect once, report, _exit. Only async-signal-safe calls. */
static void __attribute__((noreturn)) prove_child(int wfd, const struct uds_addr *a,
						 const struct inspect_identity *id)
{
	struct proof_msg m = { PROOF_CONNECT, 0, SOCK_STREAM };
	/* Groups first: after setresuid the child may no longer change them. */
	if (setgroups(id->ngroups, id->groups) < 0)
		m = (struct proof_msg){ PROOF_SETGROUPS, errno, 0 };
	else if (setresgid(id->gid, id->gid, id->gid) < 0)
		m = (struct proof_msg){ PROOF_SETRESGID, errno, 0 };
	else if (setresuid(id->uid, id->uid, id->uid) < 0)
		m = (struct proof_msg){ PROOF_SETRESUID, errno, 0 };
	else
		m.err = node_connect(a, &m.type);
	ssize_t n;
	do
		n = write(wfd, &m, sizeof(m));
	while (n < 0 && errno == EINTR);
	_exit(n == (ssize_t)sizeof(m) ? 0 : 1);
}

int inspect_prove(const struct uds_addr *a, const struct inspect_identity *id,
		  struct inspect_proof *out)
{
	memset(out, 0, sizeof(*out));
	if (!id->has_gid)
		return -EINVAL;
	int p[2];
	int r = sysio_pipe(p, 0);
	if (r < 0)
		return r;
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return -e;
	}
	if (pid == 0) {
		close(p[0]);
		prove_child(p[1], a, id);
	}
	close(p[1]);
	struct proof_msg m;
	ssize_t n;
	do
		n = read(p[0], &m, sizeof(m));
	while (n < 0 && errno == EINTR);
	int rerr = n < 0 ? errno : EPIPE;
	close(p[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(m))
		return -rerr;
	static const char *const stage_names[] = {
		[PROOF_CONNECT] = NULL,
		[PROOF_SETGROUPS] = "setgroups",
		[PROOF_SETRESGID] = "setresgid",
		[PROOF_SETRESUID] = "setresuid",
	};
	out->failed = (unsigned)m.stage < sizeof(stage_names) / sizeof(stage_names[0])
		? stage_names[m.stage] : "child";
	out->err = m.err;
	out->type = m.type;
	return 0;
}

int inspect_umask(mode_t *out)
{
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return -errno;
	char line[256];
	int r = -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		unsigned m;
		if (sscanf(line, "Umask: %o", &m) == 1) {
			*out = (mode_t)(m & 0777);
			r = 0;
			break;
		}
	}
	fclose(f);
	return r;
}
