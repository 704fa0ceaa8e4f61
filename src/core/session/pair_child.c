/* pair_child: the pair demo's forked child. From fork to _exit it makes only
 * async-signal-safe calls (the parent is multithreaded): it receives, replies and reports
 * what happened as records on a pipe, formatting nothing; the parent's thread words them. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/base/sysio.h"
#include "core/io/ancil.h"
#include "core/session/pair_int.h"

/* Write the record in REC (header filled here, N payload bytes already after it). */
static void child_record(int fd, uint8_t *rec, uint8_t tag, uint32_t a, uint32_t b, size_t n)
{
	rec[0] = tag;
	pair_put32(rec + 1, a);
	pair_put32(rec + 5, b);
	pair_put32(rec + 9, (uint32_t)n);
	/* A failure means the parent is gone: nobody to tell. */
	(void)sysio_all(sysio_write, fd, rec, REC_HDR + n);
}

/* Take the descriptors of the control data in MSG (async-signal-safe: pointer arithmetic,
 * read, close, write): read up to PAIR_FD_READ bytes from each, report them, close it. */
static void child_fds(struct msghdr *msg, int report, uint8_t *rec)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			ssize_t got;
			do
				got = read(fd, rec + REC_HDR, PAIR_FD_READ);
			while (got < 0 && errno == EINTR);
			uint32_t err = got < 0 ? (uint32_t)errno : 0;
			child_record(report, rec, REC_FD, (uint32_t)fd, err, got > 0 ? (size_t)got : 0);
			close(fd);
		}
	}
}

/* One recv of the message (with room for passed descriptors); its length or -1. */
static ssize_t child_recv(int sock, bool stream, int report, uint8_t *rec)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} cbuf;
	struct iovec iov = { rec + REC_HDR, PAIR_RECV_SIZE };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.buf,
			      .msg_controllen = sizeof(cbuf.buf) };
	ssize_t n;
	do
		n = recvmsg(sock, &msg, stream ? 0 : MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		size_t kept = (size_t)n < PAIR_RECV_SIZE ? (size_t)n : PAIR_RECV_SIZE;
		child_record(report, rec, REC_RECEIVED, (uint32_t)n, 0, kept);
		child_fds(&msg, report, rec);   /* after: the record above used REC */
	}
	return n;
}

/* REC is the pair's buffer of REC_MAX bytes, made before the fork: the child allocates nothing. */
void pair_child_main(const struct pair *p, int sock, int report, uint8_t *rec)
{
	child_record(report, rec, REC_WAITING, (uint32_t)sock, 0, 0);
	if (p->fail == FAIL_EXIT3)
		_exit(CHILD_FORCED);
	bool stream = p->type == SOCK_STREAM;
	size_t got = 0;
	/* A stream has no boundaries: read until the whole message is in. Seqpacket and dgram
	 * hand over one message per recv; MSG_TRUNC makes recv tell its real length. */
	while (got < p->len) {
		ssize_t n = child_recv(sock, stream, report, rec);
		if (n < 0) {
			child_record(report, rec, REC_ERROR, OP_RECV, (uint32_t)errno, 0);
			_exit(CHILD_RECV_FAILED);
		}
		if (n == 0) {
			child_record(report, rec, REC_EOF, (uint32_t)got, 0, 0);
			_exit(CHILD_RECV_FAILED);
		}
		got += (size_t)n;
		if (!stream)
			break;
	}
	if (p->fail == FAIL_HANG) {
		/* Never reply; leave only when the parent's end goes away or SIGKILL comes. */
		for (;;) {
			ssize_t n = read(sock, rec, 1);
			if (n == 0 || (n < 0 && errno != EINTR))
				_exit(CHILD_PEER_GONE);
		}
	}
	child_record(report, rec, REC_REPLYING, (uint32_t)p->rlen, (uint32_t)sock, 0);
	int r = sysio_all(sysio_send, sock, p->reply, p->rlen);
	if (r < 0) {
		child_record(report, rec, REC_ERROR, OP_SEND, (uint32_t)-r, 0);
		_exit(CHILD_SEND_FAILED);
	}
	close(sock);
	close(report);
	_exit(CHILD_OK);
}
