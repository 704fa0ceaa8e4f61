/* ancil: ancillary data of Unix sockets: building and parsing SCM_RIGHTS and SCM_CREDENTIALS,
 * opening a path to pass, and describing and closing the descriptors that came with a message. */
#ifndef UDSCOPE_ANCIL_H
#define UDSCOPE_ANCIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

/* The most descriptors one message carries here, sent or received (the kernel's own limit,
 * SCM_MAX_FD, is 253). */
#define ANCIL_FDS_MAX 16
/* A control buffer with room for ANCIL_FDS_MAX descriptors and one set of credentials. */
#define ANCIL_SPACE (CMSG_SPACE(sizeof(int) * ANCIL_FDS_MAX) + CMSG_SPACE(sizeof(struct ucred)))

/* What rides beside one message: descriptors (owned by whoever holds the struct once they
 * were received) and credentials. */
struct ancil {
	int fds[ANCIL_FDS_MAX];
	size_t nfds;
	bool has_cred;
	struct ucred cred;
	bool ctrunc;          /* received: MSG_CTRUNC, the kernel cut the control data (and closed
			       * the descriptors that did not fit) */
	size_t other;         /* received: control messages of other kinds, skipped */
};

/* Lay A's descriptors and credentials into BUF (CAP bytes, aligned for struct cmsghdr: use
 * union ancil_buf) and point MSG's control at it (nothing when A is empty). Returns the
 * control length, or -EMSGSIZE when it does not fit. Descriptors stay the caller's. */
union ancil_buf {
	struct cmsghdr align;
	char buf[ANCIL_SPACE];
};
int ancil_build(struct msghdr *msg, void *buf, size_t cap, const struct ancil *a);

/* Read MSG's control data after recvmsg (MSG_CMSG_CLOEXEC recommended) into OUT. Every
 * descriptor found is taken (more than ANCIL_FDS_MAX are closed at once and counted as cut,
 * OUT->ctrunc). Call ancil_close when done with them. */
void ancil_parse(const struct msghdr *msg, struct ancil *out);
/* Close every received descriptor in A and forget them. */
void ancil_close(struct ancil *a);

/* This process's own credentials, for sending SCM_CREDENTIALS. */
void ancil_own_cred(struct ucred *out);

/* What a descriptor refers to. */
struct ancil_fd_info {
	int fd;
	char link[256];       /* the /proc/self/fd link: a path, "pipe:[N]", "socket:[N]", ... */
	const char *type;     /* "regular file", "directory", "FIFO", "socket", ... */
	const char *mode;     /* "read-only", "write-only", "read-write", "path only" */
	int err;              /* a positive errno when fstat or fcntl failed (type "unknown") */
};
/* Describe FD (its link is left raw: escape it before showing it). Never blocks. */
void ancil_describe_fd(int fd, struct ancil_fd_info *out);

/* Open PATH to pass it: read-only, never blocking (a FIFO with no writer opens at once),
 * never becoming the controlling terminal; a socket node, which cannot be opened, is passed
 * as an O_PATH descriptor. Returns the descriptor or -errno. */
int ancil_open(const char *path);

#endif
