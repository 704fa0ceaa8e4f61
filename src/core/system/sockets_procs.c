/* sockets_procs: which processes hold which Unix sockets: every /proc/PID/fd read (in two
 * threads, or step by step for a caller that shows progress) and matched to the list by
 * inode; and a socket's holders with their names. */
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
#include <unistd.h>

#include "core/base/sysio.h"

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

/* Each kept holder with its name: the scan's, else read from /proc/PID/comm now. */
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
