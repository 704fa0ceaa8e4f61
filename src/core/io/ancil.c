/* ancil: ancillary data of Unix sockets: building and parsing SCM_RIGHTS and SCM_CREDENTIALS,
 * opening a path to pass, and describing and closing the descriptors that came with a message. */
#include "config.h"

#include "core/io/ancil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ancil_build(struct msghdr *msg, void *buf, size_t cap, const struct ancil *a)
{
	msg->msg_control = NULL;
	msg->msg_controllen = 0;
	size_t need = (a->nfds ? CMSG_SPACE(sizeof(int) * a->nfds) : 0) +
		      (a->has_cred ? CMSG_SPACE(sizeof(struct ucred)) : 0);
	if (need == 0)
		return 0;
	if (need > cap || a->nfds > ANCIL_FDS_MAX)
		return -EMSGSIZE;
	memset(buf, 0, need);
	msg->msg_control = buf;
	msg->msg_controllen = need;
	struct cmsghdr *cm = CMSG_FIRSTHDR(msg);
	if (a->nfds) {
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * a->nfds);
		memcpy(CMSG_DATA(cm), a->fds, sizeof(int) * a->nfds);
		cm = CMSG_NXTHDR(msg, cm);
	}
	if (a->has_cred) {
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_CREDENTIALS;
		cm->cmsg_len = CMSG_LEN(sizeof(struct ucred));
		memcpy(CMSG_DATA(cm), &a->cred, sizeof(struct ucred));
	}
	return (int)need;
}

/* Take the descriptors of one SCM_RIGHTS message (N of them at P). */
static void take_fds(struct ancil *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int fd;
		memcpy(&fd, p + i * sizeof(int), sizeof(int));
		if (out->nfds < ANCIL_FDS_MAX) {
			out->fds[out->nfds++] = fd;
		} else {
			close(fd);
			out->ctrunc = true;
		}
	}
}

void ancil_parse(const struct msghdr *msg, struct ancil *out)
{
	memset(out, 0, sizeof(*out));
	out->ctrunc = (msg->msg_flags & MSG_CTRUNC) != 0;
	if (!msg->msg_control || msg->msg_controllen < sizeof(struct cmsghdr))
		return;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR((struct msghdr *)msg); cm;
	     cm = CMSG_NXTHDR((struct msghdr *)msg, cm)) {
		size_t data = cm->cmsg_len > CMSG_LEN(0) ? cm->cmsg_len - CMSG_LEN(0) : 0;
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			take_fds(out, CMSG_DATA(cm), data / sizeof(int));
		} else if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS &&
			   data >= sizeof(struct ucred)) {
			out->has_cred = true;
			memcpy(&out->cred, CMSG_DATA(cm), sizeof(struct ucred));
		} else {
			out->other++;
		}
	}
}

void ancil_close(struct ancil *a)
{
	for (size_t i = 0; i < a->nfds; i++)
		close(a->fds[i]);
	a->nfds = 0;
}

void ancil_own_cred(struct ucred *out)
{
	out->pid = getpid();
	out->uid = getuid();
	out->gid = getgid();
}

static const char *type_of(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG: return "regular file";
	case S_IFDIR: return "directory";
	case S_IFIFO: return "FIFO";
	case S_IFSOCK: return "socket";
	case S_IFCHR: return "character device";
	case S_IFBLK: return "block device";
	case S_IFLNK: return "symbolic link";
	default: return "unknown type";
	}
}

static const char *mode_of(int flags)
{
	if (flags & O_PATH)
		return "path only";
	switch (flags & O_ACCMODE) {
	case O_RDONLY: return "read-only";
	case O_WRONLY: return "write-only";
	default: return "read-write";
	}
}

void ancil_describe_fd(int fd, struct ancil_fd_info *out)
{
	memset(out, 0, sizeof(*out));
	out->fd = fd;
	out->type = out->mode = "unknown";
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(proc, out->link, sizeof(out->link) - 1);
	out->link[n > 0 ? n : 0] = '\0';
	struct stat st;
	int flags = fcntl(fd, F_GETFL);
	if (fstat(fd, &st) < 0 || flags < 0) {
		out->err = errno;
		return;
	}
	out->type = type_of(st.st_mode);
	out->mode = mode_of(flags);
}

int ancil_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 && errno == ENXIO) {
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
			fd = open(path, O_PATH | O_CLOEXEC);
		else
			errno = ENXIO;
	}
	return fd < 0 ? -errno : fd;
}
