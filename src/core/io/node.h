/* node: a socket node on the filesystem: what is there, whether anything holds it, and
 * removal that survives the node being swapped between the check and the unlink. */
#ifndef UDSCOPE_NODE_H
#define UDSCOPE_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "core/base/addr.h"

enum node_state {
	NODE_ABSENT,        /* nothing at the path */
	NODE_NOT_SOCKET,    /* a file, directory, symlink...: never ours to remove */
	NODE_LISTENING,     /* a socket is listening on it (connect succeeded, or sock_diag) */
	NODE_BOUND,         /* a socket is bound to it but not listening (sock_diag) */
	NODE_STALE,         /* no socket holds it: connect is refused and sock_diag has none */
	NODE_UNKNOWN,       /* could not tell (err says why) */
};

struct node_probe {
	enum node_state state;
	struct stat st;     /* lstat of the node, unless ABSENT */
	int err;            /* UNKNOWN, or lstat's failure: a positive errno */
	pid_t pid;          /* a process holding the bound socket, 0 when not known */
	int fd;             /* its descriptor there */
	char comm[32];      /* its name, "" when not known */
	bool diag;          /* sock_diag answered (BOUND and the holder need it) */
	int type;           /* LISTENING, BOUND: the live socket's SOCK_* type, 0 when not known */
};

/* What is at ADDR's path (a filesystem address). Never follows a symlink; connects only to
 * a socket no sock_diag entry claims, and closes at once. Returns 0, or -errno when lstat
 * failed for another reason than ENOENT (out->err says so too). */
int node_probe(const struct uds_addr *addr, struct node_probe *out);

/* The same for the entry BASE of the directory DFD, through descriptors only: the entry is
 * opened O_PATH without following a link and its connect goes to "/proc/self/fd/N", so a
 * name swapped between the look and the connect is never reached. For a path another user
 * can change. */
int node_probe_at(int dfd, const char *base, struct node_probe *out);

/* "/proc/self/fd/FD" as an address: a connect to it reaches the socket node FD (opened
 * O_PATH) refers to, whatever its name is now. Async-signal-safe. */
void node_fd_addr(int fd, struct uds_addr *a);

/* "socket", "regular file", "directory", ... for what lstat saw. */
const char *node_type_name(mode_t mode);
/* The same with its article ("a regular file", "an unknown type"). */
const char *node_kind_name(mode_t mode);

/* Remove PATH only while it is still the node EXPECT describes (same device, inode and file
 * type). The node is renamed aside to a private name in its directory, checked there, and
 * unlinked; anything else found is put back (renameat2 RENAME_NOREPLACE). Returns 0 when
 * removed, -ENOENT when nothing was there, -ESTALE when something else is at PATH (left in
 * place; WHY says what, and where it is if it could not be put back), or another -errno. */
int node_remove(const char *path, const struct stat *expect, char *why, size_t whylen);

/* Is the node at PATH the one the bound socket FD was given? sock_diag says which node the
 * kernel bound it to, so a node swapped right after bind() is never taken for ours. Fills
 * OUT (lstat) and returns 0 when it is, -ESTALE when something else is there, or -errno.
 * Without sock_diag, a socket at PATH is taken as ours (*VERIFIED is then false). */
int node_bound_here(int fd, const char *path, struct stat *out, bool *verified);

/* Make room for a new listening node at ADDR's path: nothing there is fine, a stale socket
 * node is removed (node_remove; *REMOVED set), anything else is left alone. Returns 0, or
 * -errno with WHY saying what is there ("exists and is a regular file, not a socket; left
 * untouched", "a server is already listening there; left untouched (held by pid 12 (x) fd
 * 3)"), for the caller to put after its operation and path. Abstract names: nothing to do. */
int node_claim(const struct uds_addr *addr, bool *removed, char *why, size_t whylen);

/* bind(FD, ADDR) with the node created with permission bits MODE (-1: the umask's), by
 * setting the umask around the bind under one process-wide lock (never chmod afterwards).
 * Returns 0 or -errno. */
int node_bind(int fd, const struct uds_addr *addr, int mode);

#endif
