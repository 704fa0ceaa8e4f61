/* node: a socket node on the filesystem: what is there, whether anything holds it, and
 * removal that survives the node being swapped between the check and the unlink. */
#include "config.h"

#include "core/io/node.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/system/sockets.h"
#include "core/base/sysio.h"

/* Each type with its article: node_kind_name gives it whole, node_type_name after the space. */
const char *node_kind_name(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFSOCK: return "a socket";
	case S_IFREG: return "a regular file";
	case S_IFDIR: return "a directory";
	case S_IFLNK: return "a symbolic link";
	case S_IFIFO: return "a fifo";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	default: return "an unknown type";
	}
}

const char *node_type_name(mode_t mode)
{
	return strchr(node_kind_name(mode), ' ') + 1;
}

/* A socket sock_diag says is bound to the node ST: fill the holder. Returns true if found. */
static bool find_bound(struct sockets_list *l, const struct stat *st, struct node_probe *out)
{
	const struct sockets_entry *hit = NULL;
	for (size_t i = 0; i < l->n; i++) {
		const struct sockets_entry *e = &l->v[i];
		if (!sockets_entry_is_node(e, st))
			continue;
		/* A listening one says the most; otherwise the first one bound. */
		if (!hit || (e->state == SOCKETS_LISTEN && hit->state != SOCKETS_LISTEN))
			hit = e;
	}
	if (!hit)
		return false;
	out->state = hit->state == SOCKETS_LISTEN ? NODE_LISTENING : NODE_BOUND;
	out->type = hit->type;
	/* Only now is it worth reading every process's descriptors, to name the holder. */
	sockets_attach_procs(l);
	if (hit->nprocs) {
		out->pid = hit->procs[0].pid;
		out->fd = hit->procs[0].fd;
		sysio_proc_comm(out->pid, out->comm, sizeof(out->comm));
	}
	return true;
}

/* What holds the socket node OUT->st says is there: sock_diag, then a connect to A. */
static void probe_socket(const struct uds_addr *a, struct node_probe *out)
{
	/* Ask the kernel first: a socket bound but not yet listening refuses connections just
	 * as a stale node does, and only sock_diag tells them apart. */
	struct sockets_list l;
	if (sockets_collect_bare(&l) == 0) {
		out->diag = l.source == SOCKETS_FROM_DIAG;
		bool found = out->diag && find_bound(&l, &out->st, out);
		sockets_free(&l);
		if (found)
			return;
	}
	/* A listener in another network namespace is not in our sock_diag: connect too. */
	int type, err = sockets_connect(a, &type);
	if (err == 0 || err == EAGAIN || err == EINPROGRESS) {
		out->state = NODE_LISTENING;   /* or a datagram socket bound there: live either way */
		out->type = type;
	}
	else if (err == ECONNREFUSED)
		out->state = NODE_STALE;
	else {
		out->state = NODE_UNKNOWN;
		out->err = err;
	}
}

/* A stat that failed with ERRNO: ABSENT for ENOENT (returns 0), else UNKNOWN (-errno). */
static int probe_failed(struct node_probe *out)
{
	out->err = errno;
	out->state = errno == ENOENT ? NODE_ABSENT : NODE_UNKNOWN;
	return errno == ENOENT ? 0 : -out->err;
}

int node_probe(const struct uds_addr *addr, struct node_probe *out)
{
	memset(out, 0, sizeof(*out));
	if (lstat(addr->text, &out->st) < 0)
		return probe_failed(out);
	if (!S_ISSOCK(out->st.st_mode))
		out->state = NODE_NOT_SOCKET;
	else
		probe_socket(addr, out);
	return 0;
}

void node_fd_addr(int fd, struct uds_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->sun.sun_family = AF_UNIX;
	char *p = a->sun.sun_path;
	memcpy(p, "/proc/self/fd/", 14);
	int n = 14, digits = 1;
	for (int v = fd; v >= 10; v /= 10)
		digits++;
	for (int i = digits - 1, v = fd; i >= 0; i--, v /= 10)
		p[n + i] = (char)('0' + v % 10);
	n += digits;
	memcpy(a->text, p, (size_t)n + 1);
	a->name_len = (size_t)n;
	a->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)n + 1);
}

int node_probe_at(int dfd, const char *base, struct node_probe *out)
{
	memset(out, 0, sizeof(*out));
	int fd = openat(dfd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &out->st) < 0) {
		int r = probe_failed(out);
		if (fd >= 0)
			close(fd);
		return r;
	}
	if (!S_ISSOCK(out->st.st_mode))
		out->state = NODE_NOT_SOCKET;
	else {
		struct uds_addr a;
		node_fd_addr(fd, &a);
		probe_socket(&a, out);
	}
	close(fd);
	return 0;
}

static bool same_node(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       (a->st_mode & S_IFMT) == (b->st_mode & S_IFMT);
}

/* Split PATH into its directory DIR (opened O_PATH) and last component BASE (each PATH_MAX
 * bytes). Returns the directory's fd or -errno. */
static int open_parent(const char *path, char *dir, char *base, size_t baselen)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		snprintf(dir, PATH_MAX, ".");
		snprintf(base, baselen, "%s", path);
	} else {
		size_t dl = slash == path ? 1 : (size_t)(slash - path);
		if (dl >= PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(dir, path, dl);
		dir[dl] = '\0';
		snprintf(base, baselen, "%s", slash + 1);
	}
	if (!base[0])
		return -EISDIR;
	int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return dfd < 0 ? -errno : dfd;
}

/* Without renameat2 (an old kernel, or a filesystem without RENAME_NOREPLACE): check again
 * just before the unlink. The window is then as small as two system calls. */
static int remove_checked(int dfd, const char *base, const struct stat *expect, char *why,
			  size_t whylen)
{
	struct stat st;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (!same_node(&st, expect)) {
		snprintf(why, whylen, "it is now %s, not the socket that was checked",
			 node_kind_name(st.st_mode));
		return -ESTALE;
	}
	return unlinkat(dfd, base, 0) < 0 ? -errno : 0;
}

int node_remove(const char *path, const struct stat *expect, char *why, size_t whylen)
{
	char dir[PATH_MAX], base[PATH_MAX], aside[64];
	if (whylen)
		why[0] = '\0';
	int dfd = open_parent(path, dir, base, sizeof(base));
	if (dfd < 0)
		return dfd;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(aside, sizeof(aside), ".udscope-rm.%ld.%lx", (long)getpid(),
		 (unsigned long)ts.tv_nsec ^ (unsigned long)(uintptr_t)&ts);
	int r;
	if (renameat2(dfd, base, dfd, aside, RENAME_NOREPLACE) < 0) {
		r = errno;
		if (r == EINVAL || r == ENOSYS)
			r = -remove_checked(dfd, base, expect, why, whylen);
		close(dfd);
		return -r;
	}
	/* Whatever was at PATH is now at ASIDE, where nobody else looks: check it there. */
	struct stat st;
	if (fstatat(dfd, aside, &st, AT_SYMLINK_NOFOLLOW) == 0 && same_node(&st, expect)) {
		r = unlinkat(dfd, aside, 0) < 0 ? -errno : 0;
		close(dfd);
		return r;
	}
	const char *kind = node_kind_name(st.st_mode);
	if (renameat2(dfd, aside, dfd, base, RENAME_NOREPLACE) == 0)
		snprintf(why, whylen, "it is now %s, not the socket that was checked; left in place",
			 kind);
	else
		snprintf(why, whylen, "it is now %s, not the socket that was checked, and something "
			 "new took its place meanwhile: it was kept as %s/%s", kind, dir, aside);
	close(dfd);
	return -ESTALE;
}

int node_bound_here(int fd, const char *path, struct stat *out, bool *verified)
{
	*verified = false;
	if (lstat(path, out) < 0)
		return -errno;
	if (!S_ISSOCK(out->st_mode))
		return -ESTALE;
	struct stat sst;
	if (fstat(fd, &sst) < 0)
		return -errno;
	struct sockets_list l;
	if (sockets_collect_bare(&l) < 0)
		return 0;
	int r = 0;
	if (l.source == SOCKETS_FROM_DIAG) {
		for (size_t i = 0; i < l.n; i++) {
			if (l.v[i].ino != (uint32_t)sst.st_ino)
				continue;
			*verified = true;
			r = sockets_entry_is_node(&l.v[i], out) ? 0 : -ESTALE;
			break;
		}
	}
	sockets_free(&l);
	return r;
}

/* node_claim's words for a node that is not ours to remove. */
static int claim_refused(const char *path, const struct node_probe *np, char *why, size_t len)
{
	char holder[96] = "";
	if (np->pid)
		snprintf(holder, sizeof(holder), " (held by pid %ld (%s) fd %d)", (long)np->pid,
			 np->comm[0] ? np->comm : "?", np->fd);
	char target[256] = "";
	switch (np->state) {
	case NODE_NOT_SOCKET:
		if (S_ISLNK(np->st.st_mode)) {
			ssize_t n = readlink(path, target, sizeof(target) - 1);
			target[n > 0 ? n : 0] = '\0';
			snprintf(why, len, "exists and is a symbolic link to '%s', not a socket; "
				 "left untouched", target);
		} else {
			snprintf(why, len, "exists and is %s, not a socket; left untouched",
				 node_kind_name(np->st.st_mode));
		}
		return -EEXIST;
	case NODE_LISTENING:
		snprintf(why, len, "a server is already listening there; left untouched%s", holder);
		return -EADDRINUSE;
	case NODE_BOUND:
		if (np->type == SOCK_DGRAM)
			snprintf(why, len, "a datagram socket is bound there and receiving; left "
				 "untouched%s", holder);
		else
			snprintf(why, len, "a socket is bound to this node but not listening yet; "
				 "left untouched%s", holder);
		return -EADDRINUSE;
	default:
		snprintf(why, len, "cannot tell whether the existing socket is live (left "
			 "untouched): connect");
		return -(np->err ? np->err : EIO);
	}
}

int node_claim(const struct uds_addr *addr, bool *removed, char *why, size_t whylen)
{
	*removed = false;
	if (whylen)
		why[0] = '\0';
	if (addr->abstract)
		return 0;
	struct node_probe np;
	if (node_probe(addr, &np) < 0) {
		snprintf(why, whylen, "lstat");
		return -np.err;
	}
	if (np.state == NODE_ABSENT)
		return 0;
	if (np.state != NODE_STALE)
		return claim_refused(addr->text, &np, why, whylen);
	int r = node_remove(addr->text, &np.st, why, whylen);
	if (r == -ESTALE)
		return r;   /* WHY: what the node became while it was checked */
	if (r < 0 && r != -ENOENT) {
		snprintf(why, whylen, "remove the stale node");
		return r;
	}
	*removed = r == 0;
	return 0;
}

/* umask is per process: only one thread may bracket a bind with it at a time. */
static pthread_mutex_t node_umask_lock = PTHREAD_MUTEX_INITIALIZER;

int node_bind(int fd, const struct uds_addr *addr, int mode)
{
	const struct sockaddr *sa = (const struct sockaddr *)&addr->sun;
	if (mode < 0 || addr->abstract)
		return bind(fd, sa, addr->len) < 0 ? -errno : 0;
	pthread_mutex_lock(&node_umask_lock);
	mode_t old = umask((mode_t)(~mode & 0777));
	int r = bind(fd, sa, addr->len) < 0 ? -errno : 0;
	umask(old);
	pthread_mutex_unlock(&node_umask_lock);
	return r;
}
