/* sockets: the system's Unix domain sockets, from sock_diag netlink or /proc/net/unix, and
 * whether a path answers a connect. The holders are read in sockets_procs.c, the list is
 * ordered and looked up in sockets_index.c. */
#include "config.h"

#include "core/system/sockets.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "core/base/grow.h"
#include "core/base/addr.h"
#include "core/base/socktype.h"
#include "core/base/sysio.h"

/* The flag /proc/net/unix shows on a listening socket (__SO_ACCEPTCON). */
#define SOCKETS_ACCEPTCON 0x10000u
/* The kernel's dev_t keeps 20 bits of minor (MINORBITS). */
#define SOCKETS_KDEV_MINORBITS 20

static int list_push(struct sockets_list *l, size_t *cap, const struct sockets_entry *e)
{
	struct sockets_entry *nv = grow_room(l->v, cap, l->n, sizeof(*nv), 256);
	if (!nv)
		return -ENOMEM;
	l->v = nv;
	l->v[l->n++] = *e;
	return 0;
}

static void diag_name(struct sockets_entry *e, const uint8_t *p, size_t n)
{
	if (n > SOCKETS_NAME_MAX)
		n = SOCKETS_NAME_MAX;
	if (n == 0)
		return;
	if (p[0] == '\0') {
		/* Abstract: the length, not a terminator, ends the name. */
		e->abstract = true;
		e->name_len = n - 1;
		memcpy(e->name, p + 1, n - 1);
	} else {
		/* A path name comes with its NUL. */
		e->name_len = strnlen((const char *)p, n);
		memcpy(e->name, p, e->name_len);
	}
}

/* An attribute's payload P (PLEN bytes) into OUT when it holds all N bytes of it. */
static bool attr_copy(const void *p, size_t plen, void *out, size_t n)
{
	if (plen < n)
		return false;
	memcpy(out, p, n);
	return true;
}

static void diag_entry(const struct nlmsghdr *h, struct sockets_entry *e)
{
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	memset(e, 0, sizeof(*e));
	e->ino = m->udiag_ino;
	e->type = m->udiag_type;
	e->state = m->udiag_state;
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*m));
	struct unix_diag_vfs vfs;
	struct unix_diag_rqlen q;
	uint32_t u;
	for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		const void *p = RTA_DATA(a);
		size_t plen = RTA_PAYLOAD(a);
		switch (a->rta_type) {
		case UNIX_DIAG_NAME:
			diag_name(e, p, plen);
			break;
		case UNIX_DIAG_VFS:
			if (attr_copy(p, plen, &vfs, sizeof(vfs))) {
				e->has_vfs = true;
				e->vfs_ino = vfs.udiag_vfs_ino;
				e->vfs_major = vfs.udiag_vfs_dev >> SOCKETS_KDEV_MINORBITS;
				e->vfs_minor = vfs.udiag_vfs_dev & ((1u << SOCKETS_KDEV_MINORBITS) - 1);
			}
			break;
		case UNIX_DIAG_PEER:
			e->has_peer = attr_copy(p, plen, &e->peer_ino, sizeof(e->peer_ino)) &&
				      e->peer_ino != 0;
			break;
		case UNIX_DIAG_RQLEN:
			if ((e->has_queues = attr_copy(p, plen, &q, sizeof(q)))) {
				e->rqueue = q.udiag_rqueue;
				e->wqueue = q.udiag_wqueue;
			}
			break;
		case UNIX_DIAG_ICONS:
			e->pending = (uint32_t)(plen / sizeof(uint32_t));
			break;
		case UNIX_DIAG_UID:
			if ((e->has_uid = attr_copy(p, plen, &u, sizeof(u))))
				e->uid = (uid_t)u;
			break;
		default:
			break;
		}
	}
}

/* Send sock_diag on FD one AF_UNIX request: a dump of every socket with all it can tell
 * (INO 0), or the one socket INO with its peer only (no cookie). Returns 0 or -errno. */
static int diag_send(int fd, uint32_t ino)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} msg;
	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_len = sizeof(msg);
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | (ino ? 0 : NLM_F_DUMP);
	msg.nlh.nlmsg_seq = 1;
	msg.req.sdiag_family = AF_UNIX;
	msg.req.udiag_states = ~0u;
	msg.req.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_VFS | UDIAG_SHOW_PEER |
			     UDIAG_SHOW_ICONS | UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID;
	if (ino) {
		msg.req.udiag_ino = ino;
		msg.req.udiag_show = UDIAG_SHOW_PEER;
		msg.req.udiag_cookie[0] = msg.req.udiag_cookie[1] = INET_DIAG_NOCOOKIE;
	}
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	ssize_t sent;
	do
		sent = sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *)&nl, sizeof(nl));
	while (sent < 0 && errno == EINTR);
	return sent < 0 ? -errno : 0;
}

/* The sockets in one read of N bytes of sock_diag replies, each handed to FN(CTX, entry),
 * which returns 0 to go on, 1 to stop there (found) or -errno. Returns 1 at the end of a dump
 * or when FN stopped, 0 for more, or -errno (the kernel's answer, or FN's). */
static int diag_walk(const void *buf, ssize_t n,
		     int (*fn)(void *ctx, const struct sockets_entry *e), void *ctx)
{
	int left = (int)n;
	for (const struct nlmsghdr *h = buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *ne = NLMSG_DATA(h);
			return ne->error ? ne->error : -EPROTO;
		}
		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
		    h->nlmsg_len < NLMSG_LENGTH(sizeof(struct unix_diag_msg)))
			continue;
		struct sockets_entry e;
		diag_entry(h, &e);
		int r = fn(ctx, &e);
		if (r != 0)
			return r;
	}
	return 0;
}

/* A dump's reader: every socket into the list. */
struct dump_ctx {
	struct sockets_list *l;
	size_t *cap;
};

static int dump_push(void *ctx, const struct sockets_entry *e)
{
	struct dump_ctx *d = ctx;
	return list_push(d->l, d->cap, e);
}

/* One SOCK_DIAG_BY_FAMILY dump of every AF_UNIX socket. Returns 0 or -errno. */
static int diag_collect(struct sockets_list *l)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	int r = diag_send(fd, 0);
	/* Aligned for nlmsghdr; 32 KiB holds many replies per read. */
	static const size_t bufsz = 32768;
	uint32_t *buf = r < 0 ? NULL : malloc(bufsz);
	if (r == 0 && !buf)
		r = -ENOMEM;
	size_t cap = 0;
	while (r == 0) {
		ssize_t n = recv(fd, buf, bufsz, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			r = n < 0 ? -errno : -EPIPE;
		else
			r = diag_walk(buf, n, dump_push, &(struct dump_ctx){ l, &cap });
	}
	free(buf);
	close(fd);
	return r < 0 ? r : 0;
}

/* An exact request's reader: the one socket asked for, its peer's inode. */
struct exact_ctx {
	uint32_t ino, *peer;
	bool found;
};

static int exact_peer(void *ctx, const struct sockets_entry *e)
{
	struct exact_ctx *x = ctx;
	if (e->ino != x->ino)
		return 0;
	*x->peer = e->has_peer ? e->peer_ino : 0;
	x->found = true;
	return 1;
}

int sockets_peer_ino(uint32_t ino, uint32_t *peer)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	/* Aligned for nlmsghdr; one socket's reply with its peer is a few dozen bytes. */
	uint32_t buf[256];
	struct exact_ctx x = { ino, peer, false };
	int r = diag_send(fd, ino);
	while (r == 0) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			r = n < 0 ? -errno : -EPIPE;
		else
			r = diag_walk(buf, n, exact_peer, &x);
	}
	close(fd);
	return r < 0 ? r : x.found ? 0 : -ENOENT;
}

int sockets_parse_proc_net(const char *line, struct sockets_entry *out)
{
	memset(out, 0, sizeof(*out));
	unsigned long refcount, proto, flags, type, st, ino;
	int off = 0;
	/* "Num: RefCount Protocol Flags Type St Inode Path" (Num is a hashed pointer). */
	if (sscanf(line, "%*[0-9a-fA-F]: %lx %lx %lx %lx %lx %lu%n", &refcount, &proto, &flags,
		   &type, &st, &ino, &off) != 6)
		return -EINVAL;
	out->ino = (uint32_t)ino;
	out->type = (int)type;
	if (flags & SOCKETS_ACCEPTCON)
		out->state = SOCKETS_LISTEN;
	else if (st == 3)          /* SS_CONNECTED */
		out->state = SOCKETS_ESTABLISHED;
	else if (st == 2)          /* SS_CONNECTING */
		out->state = SOCKETS_SYN_SENT;
	else
		out->state = SOCKETS_CLOSE;
	const char *p = line + off;
	while (*p == ' ')
		p++;
	size_t n = strcspn(p, "\n");
	if (n == 0)
		return 0;
	/* The kernel prints an abstract name with '@' for its NUL bytes. */
	if (p[0] == '@') {
		out->abstract = true;
		p++;
		n--;
	}
	if (n > SOCKETS_NAME_MAX - 1)
		n = SOCKETS_NAME_MAX - 1;
	memcpy(out->name, p, n);
	out->name_len = n;
	return 0;
}

static int proc_net_collect(struct sockets_list *l)
{
	FILE *f = fopen("/proc/net/unix", "re");
	if (!f)
		return -errno;
	char line[512];
	size_t cap = 0;
	int err = 0;
	bool header = true;
	while (fgets(line, sizeof(line), f)) {
		if (header) {
			header = false;
			continue;
		}
		struct sockets_entry e;
		if (sockets_parse_proc_net(line, &e) < 0)
			continue;
		if ((err = list_push(l, &cap, &e)) < 0)
			break;
	}
	fclose(f);
	return err;
}

int sockets_collect(struct sockets_list *out)
{
	int r = sockets_collect_bare(out);
	if (r == 0) {
		sockets_attach_procs(out);
		sockets_index(out);
	}
	return r;
}

int sockets_collect_bare(struct sockets_list *out)
{
	memset(out, 0, sizeof(*out));
	int r = diag_collect(out);
	if (r < 0) {
		free(out->v);
		out->v = NULL;
		out->n = 0;
		out->diag_err = -r;
		out->source = SOCKETS_FROM_PROC_NET;
		r = proc_net_collect(out);
		if (r < 0) {
			sockets_free(out);
			return r;
		}
	}
	return 0;
}

void sockets_free(struct sockets_list *l)
{
	sockets_unindex(l);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static const int probe_types[] = { SOCK_STREAM, SOCK_SEQPACKET, SOCK_DGRAM };

/* Try each type in turn until one is not refused for its type. */
int sockets_connect(const struct uds_addr *a, int *type)
{
	int err = EPROTOTYPE;
	for (size_t i = 0; i < sizeof(probe_types) / sizeof(probe_types[0]); i++) {
		*type = probe_types[i];
		int fd = socket(AF_UNIX, probe_types[i] | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			return errno;
		int r = connect(fd, (const struct sockaddr *)&a->sun, a->len);
		err = r == 0 ? 0 : errno;
		close(fd);
		if (err != EPROTOTYPE)
			break;
	}
	return err;
}
