/* inspect: a socket node's facts and the path walk to it (who may connect: inspect_perm.c;
 * liveness and proof: inspect_probe.c; fixes: inspect_fix.c). */
#include "config.h"

#include "core/system/inspect.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/grow.h"

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

/* PATH's node without following a symlink: its stat and, unless it is a symlink, its ACL
 * (read through the same descriptor, so both are of one node). Returns 0 or an errno. */
static int look(const char *path, struct stat *st, struct inspect_acl *acl)
{
	memset(acl, 0, sizeof(*acl));
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno;
	int e = fstat(fd, st) < 0 ? errno : 0;
	if (!e && !S_ISLNK(st->st_mode))
		inspect_acl_read(fd, path, acl);
	close(fd);
	return e;
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
	struct inspect_acl acl;
	out->err = look(path, &out->st, &acl);
	if (out->err)
		return;
	out->acl = acl.extended;
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
	struct inspect_step *nv = grow_room(w->v, &w->cap, w->n, sizeof(*nv), 16);
	if (!nv)
		return NULL;
	w->v = nv;
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
	s->err = look(lookup_path(w, path), &st, &s->acls);
	if (!s->err) {
		s->mode = st.st_mode;
		s->uid = st.st_uid;
		s->gid = st.st_gid;
		s->acl = s->acls.extended;
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
