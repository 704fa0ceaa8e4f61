/* inplace: stepping in front of a live socket node on descriptors, and putting back only the
 * node that is provably ours. */
#include "config.h"

#include "core/io/inplace.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <acl/libacl.h>
#include <sys/acl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/io/inplace_back.h"
#include "core/io/inplace_guard.h"
#include "core/io/node.h"
#include "core/system/sockets.h"

#define RECORD_PREFIX "tap."
#define PATH_MAX_SHOWN 4200 /* a path and the words around it */

char *inplace_hidden_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = path + dl;
	size_t need = strlen(path) + 2 + sizeof(INPLACE_SUFFIX);
	char *h = malloc(need);
	if (h)
		snprintf(h, need, "%.*s.%s%s", (int)dl, path, base, INPLACE_SUFFIX);
	return h;
}

/* Close a descriptor if open, and mark it closed. */
static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void inplace_forget(struct inplace *ip)
{
	close_fd(&ip->dfd);
	close_fd(&ip->pdfd);
	close_fd(&ip->orig_fd);
	close_fd(&ip->tap_fd);
	free(ip->path);
	free(ip->hidden);
	free(ip->base);
	free(ip->hbase);
	ip->path = ip->hidden = ip->base = ip->hbase = NULL;
}

/* Fill IP's names for PATH and open its directory (O_PATH). Returns 0 or -errno. */
static int open_names(struct inplace *ip, const char *path)
{
	memset(ip, 0, sizeof(*ip));
	ip->dfd = ip->pdfd = ip->orig_fd = ip->tap_fd = ip->guard_fd = -1;
	const char *slash = strrchr(path, '/');
	ip->path = strdup(path);
	ip->hidden = inplace_hidden_name(path);
	ip->base = strdup(slash ? slash + 1 : path);
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (ip->hidden)
		ip->hbase = strdup(strrchr(ip->hidden, '/') ? strrchr(ip->hidden, '/') + 1
							    : ip->hidden);
	int r = 0;
	if (!ip->path || !ip->hidden || !ip->base || !ip->hbase || !dir)
		r = -ENOMEM;
	else if (!ip->base[0])
		r = -EISDIR;
	else if ((ip->dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		r = -errno;
	free(dir);
	return r;
}

/* The private directory at HBASE is one this user made and nobody else can change. */
static bool private_dir_ok(int pdfd)
{
	struct stat st;
	return fstat(pdfd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	       (st.st_mode & 077) == 0;
}

/* Make the private directory beside the node and open it. Returns 0 or -errno with WHY. */
static int make_private_dir(struct inplace *ip, char *why, size_t whylen)
{
	if (mkdirat(ip->dfd, ip->hbase, 0700) < 0) {
		int e = -errno;
		snprintf(why, whylen, "make the private directory %s", ip->hidden);
		return e;
	}
	ip->pdfd = openat(ip->dfd, ip->hbase, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (ip->pdfd < 0 || !private_dir_ok(ip->pdfd)) {
		/* Swapped between mkdir and open: not ours to remove. */
		snprintf(why, whylen,
			 "the private directory %s was replaced as it was made; "
			 "left untouched",
			 ip->hidden);
		close_fd(&ip->pdfd);
		return -EPERM;
	}
	return 0;
}

int inplace_take(struct inplace *ip, const char *path, char *why, size_t whylen)
{
	why[0] = '\0';
	int r = open_names(ip, path);
	if (r < 0) {
		snprintf(why, whylen, "open the directory of %s", path);
		inplace_forget(ip);
		return r;
	}
	ip->orig_fd = openat(ip->dfd, ip->base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (ip->orig_fd < 0 || fstat(ip->orig_fd, &ip->orig) < 0) {
		r = -errno;
		snprintf(why, whylen, "open %s", path);
	} else if (!S_ISSOCK(ip->orig.st_mode)) {
		snprintf(why, whylen, "it is %s, not a socket node",
			 node_kind_name(ip->orig.st_mode));
		r = -ENOTSOCK;
	} else if (inplace_leftover_hint(path, why, whylen)) {
		r = -EEXIST;
	} else {
		r = make_private_dir(ip, why, whylen);
	}
	if (r < 0) {
		inplace_forget(ip);
		return r;
	}
	node_fd_addr(ip->orig_fd, &ip->via);
	return 0;
}

/* Give the node NAME in the private directory the real node's ACL, if it has more than the
 * mode says. Returns 0 or -errno. */
static int copy_acl(const struct inplace *ip, const char *name)
{
	char from[48], to[48 + 16];
	snprintf(from, sizeof(from), "/proc/self/fd/%d", ip->orig_fd);
	snprintf(to, sizeof(to), "/proc/self/fd/%d/%s", ip->pdfd, name);
	acl_t acl = acl_get_file(from, ACL_TYPE_ACCESS);
	if (!acl)
		return errno == ENOTSUP || errno == ENOSYS ? 0 : -errno;
	int r = 0;
	if (acl_equiv_mode(acl, NULL) == 1 && acl_set_file(to, ACL_TYPE_ACCESS, acl) < 0)
		r = -errno;
	acl_free(acl);
	return r;
}

int inplace_make_node(struct inplace *ip, int fd, char *why, size_t whylen)
{
	why[0] = '\0';
	struct uds_addr at;
	char p[64], err[128];
	snprintf(p, sizeof(p), "/proc/self/fd/%d/" INPLACE_TAP_NAME, ip->pdfd);
	int r = addr_parse(p, strlen(p), &at, err, sizeof(err));
	if (r == 0 && (r = node_bind(fd, &at, (int)(ip->orig.st_mode & 0777))) < 0)
		snprintf(why, whylen, "bind in the private directory %s", ip->hidden);
	/* In the private directory nobody else can put a link in the node's place. */
	if (r == 0 && fchownat(ip->pdfd, INPLACE_TAP_NAME, ip->orig.st_uid, ip->orig.st_gid,
			       AT_SYMLINK_NOFOLLOW) < 0) {
		r = -errno;
		snprintf(why, whylen, "give the new node the real one's owner and group (chown)");
	}
	if (r == 0 && fchmodat(ip->pdfd, INPLACE_TAP_NAME, ip->orig.st_mode & 07777, 0) < 0) {
		r = -errno;
		snprintf(why, whylen, "give the new node the real one's mode (chmod)");
	}
	if (r == 0 && (r = copy_acl(ip, INPLACE_TAP_NAME)) < 0)
		snprintf(why, whylen, "give the new node the real one's ACL");
	/* Held until the end: while it is, no other node can get its inode number. */
	if (r == 0)
		ip->tap_fd = openat(ip->pdfd, INPLACE_TAP_NAME, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (r == 0 && (ip->tap_fd < 0 || fstat(ip->tap_fd, &ip->tapnode) < 0)) {
		r = -errno;
		snprintf(why, whylen, "open the new node");
	}
	if (r < 0)
		return r;
	/* Which node is the tap's, for tap --restore after udscope and its guard both died. */
	snprintf(ip->record, sizeof(ip->record), RECORD_PREFIX "%" PRIxMAX ".%" PRIuMAX,
		 (uintmax_t)ip->tapnode.st_dev, (uintmax_t)ip->tapnode.st_ino);
	int rfd = openat(ip->pdfd, ip->record, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (rfd >= 0)
		close(rfd);
	return 0;
}

int inplace_swap(struct inplace *ip, char *why, size_t whylen)
{
	why[0] = '\0';
	int r = inplace_guard_start(ip);
	if (r < 0) {
		snprintf(why, whylen, "start the guard process");
		return r;
	}
	if (renameat2(ip->dfd, ip->base, ip->pdfd, INPLACE_TAP_NAME, RENAME_EXCHANGE) < 0) {
		r = -errno;
		snprintf(why, whylen, "exchange the nodes (renameat2 RENAME_EXCHANGE)");
		return r;
	}
	struct stat st;
	if (fstatat(ip->pdfd, INPLACE_TAP_NAME, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !inplace_same_node(&st, &ip->orig)) {
		/* PATH changed since it was checked: give it back what was there. */
		renameat2(ip->dfd, ip->base, ip->pdfd, INPLACE_TAP_NAME, RENAME_EXCHANGE);
		snprintf(why, whylen, "the node changed while it was moved; put back as it was");
		return -ESTALE;
	}
	if (renameat(ip->pdfd, INPLACE_TAP_NAME, ip->pdfd, INPLACE_ORIG_NAME) < 0) {
		r = -errno;
		renameat2(ip->dfd, ip->base, ip->pdfd, INPLACE_TAP_NAME, RENAME_EXCHANGE);
		snprintf(why, whylen, "rename inside the private directory %s (the nodes were "
			 "exchanged back)", ip->hidden);
		return r;
	}
	ip->swapped = true;
	return 0;
}

/* The tap's node was made but never swapped in: remove it from the private directory. Only
 * this process writes there; but after a swap that was given back (tap_fd open), what is at
 * INPLACE_TAP_NAME is checked to be the tap's node first. */
static void remove_unswapped(const struct inplace *ip)
{
	struct stat st;
	if (ip->tap_fd < 0 || (fstatat(ip->pdfd, INPLACE_TAP_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			       inplace_same_node(&st, &ip->tapnode)))
		unlinkat(ip->pdfd, INPLACE_TAP_NAME, 0);
}

int inplace_restore(struct inplace *ip, struct inplace_result *res)
{
	memset(res, 0, sizeof(*res));
	if (!ip->path)
		return 0;
	int r = 0;
	if (ip->swapped) {
		struct inplace_fds f;
		inplace_fds_of(ip, &f);
		r = inplace_put_back(&f, res);
		if (r < 0) {
			res->said = INPLACE_SAID_NOT_PUT_BACK;
			return r; /* the guard stays: it tries again when udscope ends */
		}
	} else {
		remove_unswapped(ip);
	}
	inplace_drop_dir(ip->dfd, ip->hbase, ip->pdfd, ip->record, res);
	if (!inplace_guard_dismiss(ip))
		res->said = INPLACE_SAID_GUARD_SILENT;
	return 0;
}

/* The record "tap.DEV.INO" in the private directory: the tap node's identity. */
static bool read_record(int pdfd, struct stat *tap, char *name, size_t len)
{
	int fd = openat(pdfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	bool found = false;
	for (struct dirent *e; !found && (e = readdir(d));) {
		uintmax_t dev, ino;
		char tail;
		if (sscanf(e->d_name, RECORD_PREFIX "%jx.%ju%c", &dev, &ino, &tail) == 2) {
			tap->st_dev = (dev_t)dev;
			tap->st_ino = (ino_t)ino;
			tap->st_mode = S_IFSOCK;
			snprintf(name, len, "%.63s", e->d_name);
			found = true;
		}
	}
	closedir(d);
	return found;
}

/* udscope and its guard died during the swap: the real node may be at the tap's name in the
 * private directory (a socket there that the record does not name); give it its own name. */
static void tidy_after_crash(struct inplace *ip)
{
	struct stat st, tap;
	char rec[sizeof(ip->record)];
	bool known = read_record(ip->pdfd, &tap, rec, sizeof(rec));
	if (fstatat(ip->pdfd, INPLACE_TAP_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISSOCK(st.st_mode) &&
	    !(known && inplace_same_node(&st, &tap)))
		renameat2(ip->pdfd, INPLACE_TAP_NAME, ip->pdfd, INPLACE_ORIG_NAME, RENAME_NOREPLACE);
}

/* An older udscope left the real node itself at the hidden name: it goes back only to an
 * empty PATH (a rename inside one directory, never over anything). */
static int repair_old_layout(const struct inplace *ip, struct inplace_result *res)
{
	if (renameat2(ip->dfd, ip->hbase, ip->dfd, ip->base, RENAME_NOREPLACE) < 0)
		return -errno;
	res->path_was = INPLACE_ABSENT;
	res->orig = INPLACE_PUT_BACK;
	return 0;
}

/* Whether sock_diag (or a connect) finds a socket bound at IP's path, looked at through
 * its directory's descriptor (a link there is never followed). With udscope and its guard
 * both gone, nothing holds the tap's old node, so its inode number may have been given to
 * the node a restarted service bound since: that one is bound (perhaps not listening yet,
 * refusing connects as a dead node does), the tap's never is. */
static bool path_held(const struct inplace *ip)
{
	struct node_probe np;
	return node_probe_at(ip->dfd, ip->base, &np) == 0 &&
	       (np.state == NODE_LISTENING || np.state == NODE_BOUND);
}

int inplace_repair(const char *path, struct inplace_result *res)
{
	memset(res, 0, sizeof(*res));
	struct inplace ip;
	struct stat hs;
	int r = open_names(&ip, path);
	if (r == 0 && fstatat(ip.dfd, ip.hbase, &hs, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISSOCK(hs.st_mode)) {
		if ((r = repair_old_layout(&ip, res)) < 0)
			res->said = INPLACE_SAID_OLD_LAYOUT;
		inplace_forget(&ip);
		return r;
	}
	if (r == 0) {
		ip.pdfd = openat(ip.dfd, ip.hbase, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (ip.pdfd < 0)
			r = errno == ENOTDIR || errno == ELOOP ? -EPERM : -errno;
		else if (!private_dir_ok(ip.pdfd))
			r = -EPERM;
	}
	if (r == 0)
		tidy_after_crash(&ip);
	if (r == 0) {
		ip.orig_fd = openat(ip.pdfd, INPLACE_ORIG_NAME, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (ip.orig_fd < 0 || fstat(ip.orig_fd, &ip.orig) < 0 || !S_ISSOCK(ip.orig.st_mode))
			r = ip.orig_fd < 0 && errno != ENOENT ? -errno : -ENOENT;
	}
	if (r == 0) {
		node_fd_addr(ip.orig_fd, &ip.via);
		if (!read_record(ip.pdfd, &ip.tapnode, ip.record, sizeof(ip.record)) ||
		    path_held(&ip))
			ip.tapnode.st_ino = 0; /* unknown: only an empty PATH takes it back */
		struct inplace_fds f;
		inplace_fds_of(&ip, &f);
		if ((r = inplace_put_back(&f, res)) < 0)
			res->said = INPLACE_SAID_NOT_PUT_BACK;
	}
	if (r == 0)
		inplace_drop_dir(ip.dfd, ip.hbase, ip.pdfd, ip.record, res);
	inplace_forget(&ip);
	return r;
}

void inplace_event(struct event *ev, const struct inplace_result *res, const char *path,
		   const char *hidden)
{
	event_init(ev, SRC_TAP, EV_INFO);
	event_set_path(ev, FACT_INPLACE_RESTORED, path, strlen(path), NULL);
	event_set_target(ev, hidden ? hidden : "?");
	ev->found = (uint8_t)res->path_was;
	ev->found_mode = res->path_mode;
	ev->original = (uint8_t)res->orig;
	ev->private_dir = (uint8_t)res->dir;
	ev->dir_mode = res->dir_mode;
}

bool inplace_leftover_hint(const char *path, char *buf, size_t len)
{
	char *hidden = inplace_hidden_name(path);
	struct stat st;
	bool there = hidden && lstat(hidden, &st) == 0;
	if (there)
		snprintf(buf, len,
			 "%s from an earlier tap is still at %s (its server's node may "
			 "wait there): `tap %s --restore` puts back what is provably the tap's",
			 node_kind_name(st.st_mode), hidden, path);
	free(hidden);
	return there;
}
