/* sockets: the system's Unix domain sockets, from sock_diag netlink or /proc/net/unix. */
#include "config.h"

#include "core/sockets.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "core/socktype.h"
#include "core/sysio.h"

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

/* Take the replies in one read of N bytes. Returns 1 at the end of the dump, 0 for more,
 * or -errno. */
static int diag_replies(struct sockets_list *l, size_t *cap, const void *buf, ssize_t n)
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
		int err = list_push(l, cap, &e);
		if (err < 0)
			return err;
	}
	return 0;
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
			r = diag_replies(l, &cap, buf, n);
	}
	free(buf);
	close(fd);
	return r < 0 ? r : 0;
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
	pid_t pid;
	int fd;
};

static int holder_cmp(const void *a, const void *b)
{
	const struct holder *x = a, *y = b;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
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
		if (*hn == *hcap) {
			size_t ncap = *hcap ? *hcap * 2 : 256;
			struct holder *nv = realloc(*hv, ncap * sizeof(*nv));
			if (!nv) {
				closedir(d);
				return -ENOMEM;
			}
			*hv = nv;
			*hcap = ncap;
		}
		(*hv)[(*hn)++] = (struct holder){ (uint32_t)ino, pid, atoi(de->d_name) };
	}
	closedir(d);
	return 0;
}

/* Map socket inodes to the processes holding them, through every /proc/PID/fd. */
void sockets_attach_procs(struct sockets_list *l)
{
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0) {
		l->procs_err = errno;
		return;
	}
	DIR *d = fdopendir(procfd);
	if (!d) {
		l->procs_err = errno;
		close(procfd);
		return;
	}
	struct holder *hv = NULL;
	size_t hn = 0, hcap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		int r = scan_pid(procfd, de->d_name, &hv, &hn, &hcap);
		if (r == 0) {
			l->procs_scanned++;
		} else if (r == -ENOMEM) {
			break;
		} else if (r != -ENOENT) {
			/* ENOENT: the process ended while we looked; anything else hides it. */
			if (!l->procs_unreadable)
				l->procs_err = -r;
			l->procs_unreadable++;
		}
	}
	closedir(d);
	if (hn)
		qsort(hv, hn, sizeof(*hv), holder_cmp);
	for (size_t i = 0; i < l->n; i++) {
		struct sockets_entry *e = &l->v[i];
		/* Lower bound of e->ino in the sorted holders. */
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
				e->procs[e->nprocs] = (struct sockets_proc){ hv[j].pid, hv[j].fd };
			e->nprocs++;
		}
	}
	free(hv);
}

int sockets_collect(struct sockets_list *out)
{
	int r = sockets_collect_bare(out);
	if (r == 0)
		sockets_attach_procs(out);
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
	free(l->v);
	l->v = NULL;
	l->n = 0;
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
		char bx[SOCKETS_NAME_MAX + 1], by[SOCKETS_NAME_MAX + 1];
		size_t kx = sockets_name(x, bx, sizeof(bx)), ky = sockets_name(y, by, sizeof(by));
		int c = memcmp(bx, by, kx < ky ? kx : ky);
		if (c)
			return c;
		if (kx != ky)
			return kx < ky ? -1 : 1;
	}
	return (x->ino > y->ino) - (x->ino < y->ino);
}

void sockets_sort(struct sockets_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), entry_cmp);
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

const struct sockets_entry *sockets_find_ino(const struct sockets_list *l, uint32_t ino)
{
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

size_t sockets_accepted(const struct sockets_list *l, const struct sockets_entry *listener,
			const struct sockets_entry **out, size_t max)
{
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
	pid_t self = getpid();
	for (size_t i = 0; i < out->kept; i++) {
		struct sockets_holder *h = &out->v[i];
		h->pid = e->procs[i].pid;
		h->fd = e->procs[i].fd;
		h->self = h->pid == self;
		int r = sysio_proc_comm(h->pid, h->comm, sizeof(h->comm));
		if (r < 0) {
			h->comm_err = -r;
			h->comm[0] = '\0';
		}
	}
}
