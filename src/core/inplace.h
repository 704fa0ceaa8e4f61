/* inplace: stepping in front of a live socket node (tap --in-place) and always putting it back.
 *
 * inplace_take renames the live node at PATH to a hidden name in the same directory
 * (".NAME.udscope-tap"), so the caller can listen at PATH and forward to the hidden name.
 * A guard process started with it holds a pipe to this process: when udscope ends in any
 * way without inplace_restore (SIGKILL, a crash), the guard reads EOF and renames the node
 * back over the tap's. inplace_restore does the same at once and dismisses the guard.
 *
 * Between the rename and the caller's bind, a client connecting to PATH gets ENOENT; while
 * the guard restores, one gets the original server or ECONNREFUSED from the tap's dead
 * node, never a missing node (rename replaces atomically). Main thread only. */
#ifndef UDSCOPE_INPLACE_H
#define UDSCOPE_INPLACE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

struct inplace {
	char *path;            /* the node the clients know */
	char *hidden;          /* where the real node waits */
	struct stat orig;      /* the real node as it was: owner, group, mode, inode */
	pid_t guard;           /* the guard process, 0 once dismissed */
	int guard_fd;          /* this end of the guard's pipe, -1 once dismissed */
};

/* The hidden name for PATH: "DIR/.NAME.udscope-tap". Returns a string to free, or NULL. */
char *inplace_hidden_name(const char *path);

/* Move the live socket node at PATH aside and start the guard. Refuses (-EEXIST) when a
 * hidden node from an earlier tap exists, -ENOTSOCK when PATH is not a socket node, and
 * passes on other errors of rename; WHY (WHYLEN bytes) then says what was found. */
int inplace_take(struct inplace *ip, const char *path, char *why, size_t whylen);
/* After the caller bound its listener at PATH: give it the real node's owner, group and
 * mode. Returns 0 or -errno. */
int inplace_adopt_owner(const struct inplace *ip);
/* Put the real node back at PATH (over the tap's node) and dismiss the guard. Returns 0 or
 * -errno (the guard then stays, and restores when this process ends). */
int inplace_restore(struct inplace *ip);
/* tap --restore PATH: put a hidden node left by an earlier tap back at PATH. -ENOENT when
 * there is none; -ENOTSOCK when the hidden name is not a socket. */
int inplace_repair(const char *path);

#endif
