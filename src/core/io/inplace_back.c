/* inplace_back: putting an in-place tap's node back, on descriptors only: what udscope does
 * when the tap stops (inplace.c) and what the guard does when udscope died (inplace_guard.c).
 * System calls only, no allocation: the guard runs it in a child forked from threads. */
#include "config.h"

#include "core/io/inplace_back.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/io/node.h"
#include "core/system/sockets.h"

/* Same device, inode and file type. */
bool inplace_same_node(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       (a->st_mode & S_IFMT) == (b->st_mode & S_IFMT);
}

/* Whether something is bound to the real node: a connect through its descriptor. */
static bool orig_live(const struct inplace_fds *f)
{
	int type, err = sockets_connect(f->via, &type);
	return err == 0 || err == EAGAIN || err == EINPROGRESS || err == EACCES;
}

/* Whether the node at PATH is live: a connect through a descriptor of it (never a link). */
static bool path_live(const struct inplace_fds *f)
{
	int fd = openat(f->dfd, f->base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct uds_addr a;
	node_fd_addr(fd, &a);
	int type, err = sockets_connect(&a, &type);
	close(fd);
	return err != ECONNREFUSED;
}

/* Classify what is at PATH (ST, or absent) for RES. */
static void classify(const struct inplace_fds *f, const struct stat *st, bool present,
		     struct inplace_result *res)
{
	if (!present)
		res->path_was = INPLACE_ABSENT;
	else if (f->has_tap && inplace_same_node(st, f->tapnode) && (!f->tap_dead || !path_live(f)))
		res->path_was = INPLACE_OURS;
	else if (S_ISSOCK(st->st_mode))
		res->path_was = INPLACE_NEW_NODE;
	else
		res->path_was = INPLACE_OTHER;
	res->path_mode = present ? st->st_mode : 0;
}

/* PATH does not hold the tap's node: leave it; the real node goes back only to an empty
 * PATH while something is bound to it, and is removed only when nothing is. */
static int settle_orig(const struct inplace_fds *f, struct inplace_result *res)
{
	bool live = orig_live(f);
	if (live && res->path_was == INPLACE_ABSENT &&
	    renameat2(f->pdfd, INPLACE_ORIG_NAME, f->dfd, f->base, RENAME_NOREPLACE) == 0) {
		res->orig = INPLACE_PUT_BACK;
		return 0;
	}
	struct stat st;
	if (!live && fstatat(f->pdfd, INPLACE_ORIG_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    inplace_same_node(&st, f->orig) && unlinkat(f->pdfd, INPLACE_ORIG_NAME, 0) == 0) {
		res->orig = INPLACE_REMOVED;
		return 0;
	}
	res->orig = INPLACE_KEPT;
	return 0;
}

/* udscope may die at any point of the swap: the real node found in the tap's place in the
 * private directory moves to its own name there, and the tap's node, never swapped in, goes. */
static void tidy_private_dir(const struct inplace_fds *f)
{
	struct stat st;
	if (fstatat(f->pdfd, INPLACE_TAP_NAME, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (inplace_same_node(&st, f->orig))
		renameat2(f->pdfd, INPLACE_TAP_NAME, f->pdfd, INPLACE_ORIG_NAME, RENAME_NOREPLACE);
	else if (f->has_tap && inplace_same_node(&st, f->tapnode))
		unlinkat(f->pdfd, INPLACE_TAP_NAME, 0);
}

int inplace_put_back(const struct inplace_fds *f, struct inplace_result *res)
{
	memset(res, 0, sizeof(*res));
	tidy_private_dir(f);
	struct stat st, got;
	bool present = fstatat(f->dfd, f->base, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (!present && errno != ENOENT)
		return -errno;
	classify(f, &st, present, res);
	if (res->path_was != INPLACE_OURS)
		return settle_orig(f, res);
	/* Exchange, then check what came out: a node bound at PATH since the fstatat above is
	 * never taken for ours. */
	if (renameat2(f->dfd, f->base, f->pdfd, INPLACE_ORIG_NAME, RENAME_EXCHANGE) < 0)
		return -errno;
	if (fstatat(f->pdfd, INPLACE_ORIG_NAME, &got, AT_SYMLINK_NOFOLLOW) == 0 &&
	    inplace_same_node(&got, f->tapnode)) {
		unlinkat(f->pdfd, INPLACE_ORIG_NAME, 0);
		res->orig = INPLACE_PUT_BACK;
		return 0;
	}
	if (renameat2(f->dfd, f->base, f->pdfd, INPLACE_ORIG_NAME, RENAME_EXCHANGE) < 0)
		return -errno;
	present = fstatat(f->dfd, f->base, &st, AT_SYMLINK_NOFOLLOW) == 0;
	classify(f, &st, present, res);
	return settle_orig(f, res);
}

void inplace_drop_dir(int dfd, const char *hbase, int pdfd, const char *record,
		      struct inplace_result *res)
{
	struct stat at, own;
	if (record[0])
		unlinkat(pdfd, record, 0);
	res->dir = INPLACE_DIR_KEPT;
	if (fstatat(dfd, hbase, &at, AT_SYMLINK_NOFOLLOW) < 0)
		res->dir = INPLACE_DIR_MOVED;
	else if (fstat(pdfd, &own) < 0 || !inplace_same_node(&at, &own))
		res->dir = INPLACE_DIR_REPLACED;
	else if (unlinkat(dfd, hbase, AT_REMOVEDIR) == 0)
		res->dir = INPLACE_DIR_REMOVED;
	res->dir_mode = at.st_mode;
}

/* The descriptors and identities put_back needs, from IP. */
void inplace_fds_of(const struct inplace *ip, struct inplace_fds *f)
{
	*f = (struct inplace_fds){ .dfd = ip->dfd, .base = ip->base, .pdfd = ip->pdfd,
				   .orig = &ip->orig, .tapnode = &ip->tapnode,
				   .has_tap = ip->tapnode.st_ino != 0, .via = &ip->via };
}
