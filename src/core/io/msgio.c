/* msgio: one recvmsg or sendmsg with what rides beside the bytes (message length, sender,
 * credentials, descriptors), and the events that say so. Used by every session kind. */
#include "config.h"

#include "core/io/msgio.h"

#include <errno.h>
#include <poll.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/bytes.h"
#include "core/base/sysio.h"

ssize_t msgio_recv(int fd, void *buf, size_t len, bool message, size_t control,
		   struct msgio_in *in)
{
	union ancil_buf cbuf;
	struct iovec iov = { buf, len };
	in->fromlen = 0;
	/* Only a message socket's sender is read (a datagram's): a stream's is the peer, known
	 * already, and the kernel's copy of it costs a few percent of a 16-byte echo. */
	struct msghdr msg = {
		.msg_name = message ? &in->from : NULL,
		.msg_namelen = message ? sizeof(in->from) : 0,
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf.buf,
		.msg_controllen = control && control < sizeof(cbuf) ? control : sizeof(cbuf),
	};
	int flags = MSG_DONTWAIT | MSG_CMSG_CLOEXEC | (message ? MSG_TRUNC : 0);
	ssize_t n;
	do
		n = recvmsg(fd, &msg, flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	in->fromlen = message ? msg.msg_namelen : 0;
	ancil_parse(&msg, &in->anc);
	in->msg_len = (size_t)n;
	in->n = (size_t)n < len ? (size_t)n : len;
	return (ssize_t)in->n;
}

ssize_t msgio_whole(int fd, char **buf, size_t *cap, size_t max)
{
	ssize_t n;
	do
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	size_t want = (size_t)n < max ? (size_t)n : max;
	if (want > *cap) {
		char *nb = realloc(*buf, want);
		if (!nb)
			return -ENOMEM;
		*buf = nb;
		*cap = want;
	}
	return (ssize_t)want;
}

ssize_t msgio_send(int fd, const void *buf, size_t len, const struct ancil *anc,
		   const struct sockaddr_un *to, socklen_t tolen)
{
	ssize_t n;
	if (!anc && !to) {
		/* Nothing rides beside the bytes: send(2) skips sendmsg's header and iovec copies
		 * (a tenth of a 16-byte echo's cost in the server's profile). */
		do
			n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		while (n < 0 && errno == EINTR);
		return n < 0 ? -errno : n;
	}
	union ancil_buf cbuf;
	struct iovec iov = { (void *)buf, len };
	struct msghdr msg = {
		.msg_name = (void *)to,
		.msg_namelen = to ? tolen : 0,
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	if (anc) {
		int r = ancil_build(&msg, cbuf.buf, sizeof(cbuf), anc);
		if (r < 0)
			return r;
	}
	do
		n = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

bool msgio_peer_closed(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDHUP };
	if (poll(&p, 1, 0) <= 0)
		return false;
	if (!(p.revents & (POLLRDHUP | POLLHUP)))
		return false;
	/* Closed, but an empty message may still wait before the end: it is read next. */
	int inq = 0;
	return ioctl(fd, SIOCINQ, &inq) < 0 || inq == 0;
}

int msgio_mark_messages(int fd)
{
	int one = 1;
	return setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ? -errno : 0;
}

bool msgio_seqpacket_end(ssize_t n, const struct msgio_in *in)
{
	return n == 0 && !in->anc.has_cred && !in->anc.nfds;
}

enum event_sender msgio_sender(const struct sockaddr_un *from, socklen_t fromlen, char *buf,
			       size_t len)
{
	size_t off = offsetof(struct sockaddr_un, sun_path);
	if (len)
		buf[0] = '\0';
	if (fromlen <= off)
		return SENDER_UNBOUND;
	size_t n = fromlen - off;
	/* The bytes as they are: a line escapes them once when shown, and JSON keeps them exact
	 * (text, or text_hex); escaped here, "p\xff" and a 0xff byte would read the same. */
	if (from->sun_path[0] == '\0') {
		snprintf(buf, len, "@");
		const char *name = from->sun_path + 1;
		if (len <= 1)
			return SENDER_ABSTRACT;
		if (memchr(name, '\0', n - 1)) /* a C string cannot hold it: escaped, as addr's */
			bytes_escape(name, n - 1, 0, buf + 1, len - 1);
		else
			snprintf(buf + 1, len - 1, "%.*s", (int)(n - 1), name);
		return SENDER_ABSTRACT;
	}
	snprintf(buf, len, "%.*s", (int)strnlen(from->sun_path, n), from->sun_path);
	return SENDER_PATH;
}

enum event_sender msgio_sender_text(struct event *ev, const struct sockaddr_un *from,
				    socklen_t fromlen)
{
	size_t off = offsetof(struct sockaddr_un, sun_path);
	ev->text[0] = '\0';
	ev->text_len = 0;
	if (fromlen <= off)
		return SENDER_UNBOUND;
	size_t n = fromlen - off;
	n = n < sizeof(from->sun_path) ? n : sizeof(from->sun_path);
	if (from->sun_path[0] == '\0') {
		event_text_name(ev, "@", from->sun_path + 1, n - 1, "");
		return SENDER_ABSTRACT;
	}
	event_text_name(ev, "", from->sun_path, strnlen(from->sun_path, n), "");
	return SENDER_PATH;
}

void msgio_describe(struct event *ev, const struct msgio_in *in, bool message, bool datagram)
{
	ev->message = message;
	ev->msg_len = in->msg_len;
	ev->nfds = (uint8_t)in->anc.nfds;
	ev->ctrunc = in->anc.ctrunc;
	if (in->anc.has_cred) {
		ev->has_cred = ev->cred_msg = true;
		ev->pid = in->anc.cred.pid;
		ev->uid = in->anc.cred.uid;
		ev->gid = in->anc.cred.gid;
		if (sysio_proc_comm(ev->pid, ev->comm, sizeof(ev->comm)) < 0)
			ev->comm[0] = '\0';
	}
	if (datagram)
		ev->sender = (uint8_t)msgio_sender_text(ev, &in->from, in->fromlen);
}

void msgio_say_fds(const struct event_sink *s, enum event_source src, uint32_t conn,
		   const struct ancil *anc, const char *verb)
{
	for (size_t i = 0; i < anc->nfds; i++) {
		struct ancil_fd_info fi;
		ancil_describe_fd(anc->fds[i], &fi);
		struct event ev;
		event_init(&ev, src, EV_INFO);
		ev.conn = conn;
		ev.has_fd = true;
		ev.fd = fi.fd;
		ev.fd_type = fi.type;
		ev.fd_mode = fi.mode;
		/* The link as it is: escaped once when shown, exact in JSON. */
		event_textf(&ev, "fd %d came with it: %s (%s, %s)%s", fi.fd,
			    fi.link[0] ? fi.link : "?", fi.type, fi.mode, verb);
		sink_emit(s, &ev);
	}
}
