/* sockets: the system's Unix domain sockets, from sock_diag netlink or /proc/net/unix. */
#include "config.h"

#include "core/system/sockets.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
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

#include "core/base/addr.h"
#include "core/base/socktype.h"
#include "core/base/sysio.h"

/* The flag /proc/net/unix shows on a listening socket (__SO_ACCEPTCON). */
#define SOCKETS_ACCEPTCON 0x10000u
/* The kernel's dev_t keeps 20 bits of minor (MINORBITS). */
#define SOCKETS_KDEV_MINORBITS 20

static int list_push(struct sockets_list *l, size_t *cap, const struct sockets_entry *e)
{
	if (l->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		struct sockets_entry *nv = realloc(l->v, ncap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		l->v = nv;
		*cap = ncap;
	}
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

static void diag_entry(const struct nlmsghdr *h, struct sockets_entry *e)
{
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	memset(e, 0, sizeof(*e));
	e->ino = m->udiag_ino;
	e->type = m->udiag_type;
	e->state = m->udiag_state;
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*m));
	for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		const void *p = RTA_DATA(a);
		size_t plen = RTA_PAYLOAD(a);
		switch (a->rta_type) {
		case UNIX_DIAG_NAME:
			diag_name(e, p, plen);
			break;
		case UNIX_DIAG_VFS:
			if (plen >= sizeof(struct unix_diag_vfs)) {
				struct unix_diag_vfs v;
				memcpy(&v, p, sizeof(v));
				e->has_vfs = true;
				e->vfs_ino = v.udiag_vfs_ino;
				e->vfs_major = v.udiag_vfs_dev >> SOCKETS_KDEV_MINORBITS;
				e->vfs_minor = v.udiag_vfs_dev & ((1u << SOCKETS_KDEV_MINORBITS) - 1);
			}
			break;
		case UNIX_DIAG_PEER:
			if (plen >= sizeof(uint32_t)) {
				memcpy(&e->peer_ino, p, sizeof(uint32_t));
				e->has_peer = e->peer_ino != 0;
			}
			break;
		case UNIX_DIAG_RQLEN:
			if (plen >= sizeof(struct unix_diag_rqlen)) {
				struct unix_diag_rqlen q;
				memcpy(&q, p, sizeof(q));
				e->has_queues = true;
				e->rqueue = q.udiag_rqueue;
				e->wqueue = q.udiag_wqueue;
			}
			break;
		case UNIX_DIAG_ICONS:
			e->pending = (uint32_t)(plen / sizeof(uint32_t));
			break;
		case UNIX_DIAG_UID:
			if (plen >= sizeof(uint32_t)) {
				uint32_t u;
				memcpy(&u, p, sizeof(u));
				e->has_uid = true;
				e->uid = (uid_t)u;
			}
			break;
		default:
			break;
		}
	}
}

/* Ask sock_diag on FD for every AF_UNIX socket with all it can tell. Returns 0 or -errno. */
static int diag_request(int fd)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} msg;
	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_len = sizeof(msg);
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.nlh.nlmsg_seq = 1;
	msg.req.sdiag_family = AF_UNIX;
	msg.req.udiag_states = ~0u;
	msg.req.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_VFS | UDIAG_SHOW_PEER |
			     UDIAG_SHOW_ICONS | UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID;
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
	int r = diag_request(fd);
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

/* Ask sock_diag on FD about the one socket INO (no dump): its peer only. 0 or -errno. */
static int diag_request_exact(int fd, uint32_t ino)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} msg;
	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_len = sizeof(msg);
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST;
	msg.nlh.nlmsg_seq = 1;
	msg.req.sdiag_family = AF_UNIX;
	msg.req.udiag_states = ~0u;
	msg.req.udiag_ino = ino;
	msg.req.udiag_show = UDIAG_SHOW_PEER;
	msg.req.udiag_cookie[0] = msg.req.udiag_cookie[1] = INET_DIAG_NOCOOKIE;
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	ssize_t sent;
	do
		sent = sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *)&nl, sizeof(nl));
	while (sent < 0 && errno == EINTR);
	return sent < 0 ? -errno : 0;
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
	int r = diag_request_exact(fd, ino);
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

/* A socket inode some process holds on some descriptor. */
struct holder {
	uint32_t ino;
	struct sockets_proc p;
};

static int holder_cmp(const void *a, const void *b)
{
	const struct holder *x = a, *y = b;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	if (x->p.pid != y->p.pid)
		return x->p.pid < y->p.pid ? -1 : 1;
	return (x->p.fd > y->p.fd) - (x->p.fd < y->p.fd);
}

/* Room for one more holder. */
static int holder_room(struct holder **hv, size_t hn, size_t *hcap)
{
	if (hn < *hcap)
		return 0;
	size_t ncap = *hcap ? *hcap * 2 : 256;
	struct holder *nv = realloc(*hv, ncap * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	*hv = nv;
	*hcap = ncap;
	return 0;
}

/* Who PID is, read once per process that holds a socket: a listing at 20,000 sockets made
 * 20,000 opens of /proc/PID/comm (and as many getpid calls) when each row read its own. */
static void proc_identity(pid_t pid, pid_t self, struct sockets_proc *out)
{
	out->pid = pid;
	out->has_comm = true;
	out->self = pid == self;
	int r = sysio_proc_comm(pid, out->comm, sizeof(out->comm));
	out->comm_err = r < 0 ? -r : 0;
	if (r < 0)
		out->comm[0] = '\0';
	/* A name that fills the field may go on (a kernel thread's can): read whole later. */
	if (strlen(out->comm) == sizeof(out->comm) - 1)
		out->has_comm = false;
}

/* Read /proc/PID/fd of one process, adding its socket descriptors. */
static int scan_pid(int procfd, const char *pidname, struct holder **hv, size_t *hn, size_t *hcap)
{
	char rel[NAME_MAX + 8];
	snprintf(rel, sizeof(rel), "%s/fd", pidname);
	int dfd = openat(procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	DIR *d = fdopendir(dfd);
	if (!d) {
		int e = errno;
		close(dfd);
		return -e;
	}
	pid_t pid = (pid_t)strtol(pidname, NULL, 10);
	struct sockets_proc who = { .pid = pid };
	bool looked = false;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		char target[64];
		ssize_t n = readlinkat(dfd, de->d_name, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		unsigned long ino;
		if (sscanf(target, "socket:[%lu]", &ino) != 1)
			continue;
		if (holder_room(hv, *hn, hcap) < 0) {
			closedir(d);
			return -ENOMEM;
		}
		if (!looked)
			proc_identity(pid, getpid(), &who);
		looked = true;
		who.fd = atoi(de->d_name);
		(*hv)[(*hn)++] = (struct holder){ (uint32_t)ino, who };
	}
	closedir(d);
	return 0;
}

struct sockets_scan {
	int procfd;
	int *pids;                /* every process /proc listed at the start */
	size_t npids, next;
	struct holder *hv;        /* what the processes scanned so far hold */
	size_t hn, hcap;
	size_t scanned, unreadable;
	int err;                  /* the first unreadable process's errno */
	bool oom;
};

/* The process numbers in /proc, read at once (a few getdents calls). */
static int list_pids(struct sockets_scan *s)
{
	int dfd = dup(s->procfd);
	DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	if (!d) {
		int e = errno;
		if (dfd >= 0)
			close(dfd);
		return -e;
	}
	size_t cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (s->npids == cap) {
			int *nv = realloc(s->pids, (cap = cap ? cap * 2 : 512) * sizeof(*nv));
			if (!nv) {
				closedir(d);
				return -ENOMEM;
			}
			s->pids = nv;
		}
		s->pids[s->npids++] = atoi(de->d_name);
	}
	closedir(d);
	return 0;
}

int sockets_scan_new(struct sockets_scan **out)
{
	struct sockets_scan *s = calloc(1, sizeof(*s));
	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = s->procfd < 0 ? -errno : list_pids(s);
	if (r < 0) {
		sockets_scan_free(s);
		return r;
	}
	*out = s;
	return 0;
}

bool sockets_scan_step(struct sockets_scan *s, size_t max)
{
	for (; max && s->next < s->npids && !s->oom; max--) {
		char name[24];
		snprintf(name, sizeof(name), "%d", s->pids[s->next++]);
		int r = scan_pid(s->procfd, name, &s->hv, &s->hn, &s->hcap);
		if (r == 0) {
			s->scanned++;
		} else if (r == -ENOMEM) {
			s->oom = true;   /* what was found so far is attached */
		} else if (r != -ENOENT) {
			/* ENOENT: the process ended while we looked; anything else hides it. */
			if (!s->unreadable)
				s->err = -r;
			s->unreadable++;
		}
	}
	return s->next < s->npids && !s->oom;
}

void sockets_scan_progress(const struct sockets_scan *s, size_t *done, size_t *total)
{
	*done = s->next;
	*total = s->npids;
}

/* Each entry's holders: the lower bound of its inode in the sorted holders, then the run. */
static void attach_holders(struct sockets_list *l, const struct holder *hv, size_t hn)
{
	for (size_t i = 0; i < l->n; i++) {
		struct sockets_entry *e = &l->v[i];
		size_t lo = 0, hi = hn;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (hv[mid].ino < e->ino)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t j = lo; j < hn && hv[j].ino == e->ino; j++) {
			if (e->nprocs < SOCKETS_PROCS_MAX)
				e->procs[e->nprocs] = hv[j].p;
			e->nprocs++;
		}
	}
}

void sockets_scan_attach(struct sockets_scan *s, struct sockets_list *l)
{
	if (s->hn)
		qsort(s->hv, s->hn, sizeof(*s->hv), holder_cmp);
	attach_holders(l, s->hv, s->hn);
	l->procs_scanned += s->scanned;
	if (s->unreadable && !l->procs_unreadable)
		l->procs_err = s->err;
	l->procs_unreadable += s->unreadable;
}

void sockets_scan_free(struct sockets_scan *s)
{
	if (!s)
		return;
	if (s->procfd >= 0)
		close(s->procfd);
	free(s->pids);
	free(s->hv);
	free(s);
}

static void *scan_all(void *arg)
{
	while (sockets_scan_step(arg, SIZE_MAX))
		;
	return NULL;
}

/* The second half of A's processes as a scan of its own (its pids borrowed from A's), or
 * NULL when A is small or memory is short. */
static struct sockets_scan *split_scan(struct sockets_scan *a)
{
	if (a->npids < 64)
		return NULL;
	struct sockets_scan *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->procfd = dup(a->procfd);
	if (b->procfd < 0) {
		free(b);
		return NULL;
	}
	size_t half = a->npids / 2;
	b->pids = a->pids + half;
	b->npids = a->npids - half;
	a->npids = half;
	return b;
}

/* Add what B found to A, and free B. */
static void merge_scan(struct sockets_scan *a, struct sockets_scan *b)
{
	struct holder *hv = b->hn ? realloc(a->hv, (a->hn + b->hn) * sizeof(*hv)) : NULL;
	if (hv) {
		memcpy(hv + a->hn, b->hv, b->hn * sizeof(*hv));
		a->hv = hv;
		a->hn += b->hn;
		a->hcap = a->hn;
	} else if (b->hn) {
		/* B's holders are lost: its processes count as unreadable (ENOMEM). */
		if (!a->unreadable)
			a->err = ENOMEM;
		a->unreadable += b->scanned;
		b->scanned = 0;
	}
	a->scanned += b->scanned;
	if (b->unreadable && !a->unreadable)
		a->err = b->err;
	a->unreadable += b->unreadable;
	b->pids = NULL;   /* A's */
	sockets_scan_free(b);
}

/* Map socket inodes to the processes holding them, through every /proc/PID/fd: two threads
 * each read half the processes (the readlink per descriptor is nearly all the time). */
void sockets_attach_procs(struct sockets_list *l)
{
	struct sockets_scan *s;
	int r = sockets_scan_new(&s);
	if (r < 0) {
		l->procs_err = -r;
		return;
	}
	struct sockets_scan *b = split_scan(s);
	pthread_t t;
	bool threaded = b && pthread_create(&t, NULL, scan_all, b) == 0;
	scan_all(s);
	if (b) {
		if (threaded)
			pthread_join(t, NULL);
		else
			scan_all(b);
		merge_scan(s, b);
	}
	sockets_scan_attach(s, l);
	sockets_scan_free(s);
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

static void drop_index(struct sockets_list *l)
{
	free(l->by_ino);
	free(l->by_vfs);
	free(l->by_name);
	l->by_ino = l->by_vfs = l->by_name = NULL;
	l->indexed = l->nvfs = l->nname = 0;
}

void sockets_free(struct sockets_list *l)
{
	drop_index(l);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* The order of the names as sockets_name shows them ('@' before an abstract one), without
 * making them: the sort compares each pair many times. */
static int shown_name_cmp(const struct sockets_entry *x, const struct sockets_entry *y)
{
	const uint8_t *px = x->name, *py = y->name;
	size_t kx = x->name_len, ky = y->name_len;
	if (x->abstract != y->abstract) {
		/* '@' against the other's first byte (a path name has one: both are named). */
		uint8_t ox = x->abstract ? '@' : px[0], oy = y->abstract ? '@' : py[0];
		if (ox != oy)
			return ox < oy ? -1 : 1;
		/* Equal: the abstract name goes on from its first byte, the path from its
		 * second. */
		if (x->abstract)
			py++, ky--;
		else
			px++, kx--;
	}
	int c = memcmp(px, py, kx < ky ? kx : ky);
	if (c)
		return c;
	return (kx > ky) - (kx < ky);
}

static int entry_cmp(const void *a, const void *b)
{
	const struct sockets_entry *x = a, *y = b;
	bool lx = x->state == SOCKETS_LISTEN, ly = y->state == SOCKETS_LISTEN;
	if (lx != ly)
		return lx ? -1 : 1;
	bool nx = x->name_len > 0 || x->abstract, ny = y->name_len > 0 || y->abstract;
	if (nx != ny)
		return nx ? -1 : 1;
	if (nx) {
		int c = shown_name_cmp(x, y);
		if (c)
			return c;
	}
	return (x->ino > y->ino) - (x->ino < y->ino);
}

void sockets_sort(struct sockets_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), entry_cmp);
	if (l->by_ino)   /* the entries moved: an index there was is built again */
		sockets_index(l);
}

size_t sockets_name(const struct sockets_entry *e, char *buf, size_t len)
{
	size_t w = 0;
	if (len == 0)
		return 0;
	if (e->abstract && w < len - 1)
		buf[w++] = '@';
	size_t n = e->name_len < len - 1 - w ? e->name_len : len - 1 - w;
	memcpy(buf + w, e->name, n);
	w += n;
	buf[w] = '\0';
	return w;
}

bool sockets_matches(const struct sockets_entry *e, const char *filter)
{
	if (!filter || !*filter)
		return true;
	char name[SOCKETS_NAME_MAX + 2];
	size_t n = sockets_name(e, name, sizeof(name));
	return memmem(name, n, filter, strlen(filter)) != NULL;
}

bool sockets_held_by(const struct sockets_entry *e, pid_t pid)
{
	size_t n = e->nprocs < SOCKETS_PROCS_MAX ? e->nprocs : SOCKETS_PROCS_MAX;
	for (size_t i = 0; i < n; i++)
		if (e->procs[i].pid == pid)
			return true;
	return false;
}

const char *sockets_type_name(int type)
{
	const char *name = socktype_name(type);
	return name ? name : "?";
}

const char *sockets_state_name(int state)
{
	switch (state) {
	case SOCKETS_LISTEN: return "listening";
	case SOCKETS_ESTABLISHED: return "connected";
	case SOCKETS_SYN_SENT: return "connecting";
	case SOCKETS_CLOSE: return "unconnected";
	default: return NULL;
	}
}

/* ---- the indexes: pointers into v, each ordered by a key, ties in list order ---- */

static int ptr_order(const struct sockets_entry *x, const struct sockets_entry *y)
{
	return (x > y) - (x < y);
}

/* The node a listener and the connections it accepted share. */
static int vfs_key(const struct sockets_entry *x, const struct sockets_entry *y)
{
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->vfs_major != y->vfs_major)
		return x->vfs_major < y->vfs_major ? -1 : 1;
	if (x->vfs_minor != y->vfs_minor)
		return x->vfs_minor < y->vfs_minor ? -1 : 1;
	return (x->vfs_ino > y->vfs_ino) - (x->vfs_ino < y->vfs_ino);
}

/* The name they share when there is no node (abstract names, /proc/net/unix). */
static int name_key(const struct sockets_entry *x, const struct sockets_entry *y)
{
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->abstract != y->abstract)
		return x->abstract ? 1 : -1;
	if (x->name_len != y->name_len)
		return x->name_len < y->name_len ? -1 : 1;
	return memcmp(x->name, y->name, x->name_len);
}

/* by_ino is a hash table (open addressing, a power of two at least twice n): built in one
 * pass, where sorting 20,000 entries was a tenth of the listing. */
static size_t ino_slot(uint32_t ino, size_t mask)
{
	return (size_t)((ino * 2654435761u) ^ (ino >> 15)) & mask;
}

static size_t ino_slots(size_t n)
{
	size_t slots = 16;
	while (slots < 2 * n)
		slots <<= 1;
	return slots;
}

static int by_vfs_cmp(const void *a, const void *b)
{
	const struct sockets_entry *x = *(const struct sockets_entry *const *)a;
	const struct sockets_entry *y = *(const struct sockets_entry *const *)b;
	int c = vfs_key(x, y);
	return c ? c : ptr_order(x, y);
}

static int by_name_cmp(const void *a, const void *b)
{
	const struct sockets_entry *x = *(const struct sockets_entry *const *)a;
	const struct sockets_entry *y = *(const struct sockets_entry *const *)b;
	int c = name_key(x, y);
	return c ? c : ptr_order(x, y);
}

void sockets_index(struct sockets_list *l)
{
	drop_index(l);
	if (l->n == 0)
		return;
	size_t slots = ino_slots(l->n);
	l->by_ino = calloc(slots, sizeof(*l->by_ino));
	l->by_vfs = malloc(l->n * sizeof(*l->by_vfs));
	l->by_name = malloc(l->n * sizeof(*l->by_name));
	if (!l->by_ino || !l->by_vfs || !l->by_name) {
		drop_index(l);   /* the lookups walk the list instead */
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct sockets_entry *e = &l->v[i];
		/* Probing from its slot: a repeated inode (never, from the kernel) lands after
		 * the first. */
		size_t k = ino_slot(e->ino, slots - 1);
		while (l->by_ino[k])
			k = (k + 1) & (slots - 1);
		l->by_ino[k] = e;
		if (e->state == SOCKETS_ESTABLISHED && e->has_vfs)
			l->by_vfs[l->nvfs++] = e;
		if (e->state == SOCKETS_ESTABLISHED && e->name_len)
			l->by_name[l->nname++] = e;
	}
	qsort(l->by_vfs, l->nvfs, sizeof(*l->by_vfs), by_vfs_cmp);
	qsort(l->by_name, l->nname, sizeof(*l->by_name), by_name_cmp);
	l->indexed = l->n;
}

/* The first of IX[0..N) whose KEY is not below K's. */
static size_t lower_bound(const struct sockets_entry *const *ix, size_t n,
			  const struct sockets_entry *k,
			  int (*key)(const struct sockets_entry *, const struct sockets_entry *))
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (key(ix[mid], k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool is_indexed(const struct sockets_list *l)
{
	return l->by_ino && l->indexed == l->n;
}

const struct sockets_entry *sockets_find_ino(const struct sockets_list *l, uint32_t ino)
{
	if (is_indexed(l)) {
		size_t mask = ino_slots(l->n) - 1;
		for (size_t k = ino_slot(ino, mask); l->by_ino[k]; k = (k + 1) & mask)
			if (l->by_ino[k]->ino == ino)
				return l->by_ino[k];
		return NULL;
	}
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].ino == ino)
			return &l->v[i];
	return NULL;
}

/* E was accepted by L: an established socket of L's type on L's node (or name). */
static bool accepted_by(const struct sockets_entry *e, const struct sockets_entry *l)
{
	if (e == l || e->state != SOCKETS_ESTABLISHED || e->type != l->type)
		return false;
	if (l->has_vfs)
		return e->has_vfs && e->vfs_ino == l->vfs_ino && e->vfs_major == l->vfs_major &&
		       e->vfs_minor == l->vfs_minor;
	return l->name_len && e->abstract == l->abstract && e->name_len == l->name_len &&
	       !memcmp(e->name, l->name, l->name_len);
}

/* sockets_accepted through an index: the run of entries sharing the listener's key. */
static size_t accepted_indexed(const struct sockets_list *l, const struct sockets_entry *listener,
			       const struct sockets_entry **out, size_t max)
{
	bool vfs = listener->has_vfs;
	const struct sockets_entry *const *ix = vfs ? l->by_vfs : l->by_name;
	size_t len = vfs ? l->nvfs : l->nname, n = 0;
	int (*key)(const struct sockets_entry *, const struct sockets_entry *) =
		vfs ? vfs_key : name_key;
	for (size_t i = lower_bound(ix, len, listener, key);
	     i < len && key(ix[i], listener) == 0; i++)
		if (accepted_by(ix[i], listener)) {
			if (n < max)
				out[n] = ix[i];
			n++;
		}
	return n;
}

size_t sockets_accepted(const struct sockets_list *l, const struct sockets_entry *listener,
			const struct sockets_entry **out, size_t max)
{
	if (is_indexed(l))   /* (accepted_by: a listener without node or name has none) */
		return listener->has_vfs || listener->name_len
		       ? accepted_indexed(l, listener, out, max) : 0;
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (accepted_by(&l->v[i], listener)) {
			if (n < max)
				out[n] = &l->v[i];
			n++;
		}
	return n;
}

void sockets_describe_holders(const struct sockets_entry *e, struct sockets_holders *out)
{
	memset(out, 0, sizeof(*out));
	out->n = e->nprocs;
	out->kept = e->nprocs < SOCKETS_PROCS_MAX ? e->nprocs : SOCKETS_PROCS_MAX;
	pid_t self = 0;
	for (size_t i = 0; i < out->kept; i++) {
		struct sockets_holder *h = &out->v[i];
		const struct sockets_proc *p = &e->procs[i];
		h->pid = p->pid;
		h->fd = p->fd;
		if (p->has_comm) {
			h->self = p->self;
			h->comm_err = p->comm_err;
			snprintf(h->comm, sizeof(h->comm), "%s", p->comm);
			continue;
		}
		if (!self)
			self = getpid();
		h->self = h->pid == self;
		int r = sysio_proc_comm(h->pid, h->comm, sizeof(h->comm));
		if (r < 0) {
			h->comm_err = -r;
			h->comm[0] = '\0';
		}
	}
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
