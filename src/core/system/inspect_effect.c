/* inspect_effect: who else gains or loses access with a suggested fix (the group database's
 * members and the users whose primary group it is), and whether a fix on the socket node
 * lasts (who holds the listener, socket activation, the server's umask). */
#include "config.h"

#include "core/system/inspect_effect.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* NAME into L unless it is there already (counted past the kept ones). */
static void add_user(struct inspect_users *l, const char *name)
{
	size_t kept = l->n < INSPECT_USERS_MAX ? l->n : INSPECT_USERS_MAX;
	for (size_t i = 0; i < kept; i++)
		if (strcmp(l->v[i], name) == 0)
			return;
	if (l->n < INSPECT_USERS_MAX)
		snprintf(l->v[l->n], sizeof(l->v[0]), "%s", name);
	l->n++;
}

/* The members of group GID and the users whose primary group it is, but JUDGED, into L. */
static void group_users(gid_t gid, uid_t judged, struct inspect_users *l)
{
	char judged_name[INSPECT_NAME_MAX], buf[16384];
	inspect_user_name(judged, judged_name, sizeof(judged_name));
	struct group gr, *g = NULL;
	if (getgrgid_r(gid, &gr, buf, sizeof(buf), &g) == 0 && g)
		for (char **m = g->gr_mem; *m; m++)
			if (strcmp(*m, judged_name) != 0)
				add_user(l, *m);
	struct passwd pw, *p;
	setpwent();
	while (getpwent_r(&pw, buf, sizeof(buf), &p) == 0 && p)
		if (p->pw_gid == gid && p->pw_uid != judged)
			add_user(l, p->pw_name);
	endpwent();
}

void inspect_fix_who(const struct inspect_fix *f, uid_t judged, struct inspect_fix_who *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < f->n; i++) {
		const struct inspect_fix_step *s = &f->v[i];
		switch (s->op) {
		case INSPECT_FIX_CHMOD:
			if (s->who == 'o')
				out->everyone = true;
			else if (s->who == 'g')
				group_users(s->gid, judged, &out->gains);
			break;
		case INSPECT_FIX_CHGRP:
			group_users(s->gid, judged, &out->gains);
			group_users(s->old_gid, judged, &out->loses);
			break;
		case INSPECT_FIX_SETFACL:
			if (s->who == 'g')
				group_users(s->gid, judged, &out->gains);
			break;
		case INSPECT_FIX_JOIN:
			break;
		}
	}
}

/* Whether a fix step touches PATH. */
static bool touches(const struct inspect_fix *f, const char *path)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].op != INSPECT_FIX_JOIN && f->v[i].path == path)
			return true;
	return false;
}

/* Whether process PID got descriptors from systemd: LISTEN_FDS in its environment. */
static bool from_systemd(pid_t pid)
{
	char path[64], buf[65536];
	snprintf(path, sizeof(path), "/proc/%ld/environ", (long)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	size_t n = 0;
	ssize_t r;
	while (n < sizeof(buf) - 1 &&
	       ((r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0 || (r < 0 && errno == EINTR)))
		n += r > 0 ? (size_t)r : 0;
	close(fd);
	buf[n] = '\0';
	for (char *p = buf; p < buf + n; p += strlen(p) + 1)
		if (strncmp(p, "LISTEN_FDS=", 11) == 0)
			return true;
	return false;
}

/* The umask of process PID, from its status. Returns 0 or an errno. */
static int umask_of(pid_t pid, mode_t *out)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return errno;
	int e = ENOENT;
	unsigned m;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Umask: %o", &m) == 1) {
			*out = (mode_t)(m & 0777);
			e = 0;
			break;
		}
	fclose(f);
	return e;
}

bool inspect_unit_from_list(const char *text, const char *path, char *unit, size_t len)
{
	size_t pl = strlen(path);
	for (const char *l = text; *l; l += strcspn(l, "\n"), l += *l == '\n') {
		/* "LISTEN UNIT ACTIVATES": the path, then the unit, separated by spaces. */
		const char *p = l + strspn(l, " ");
		if (strncmp(p, path, pl) != 0 || p[pl] != ' ')
			continue;
		const char *u = p + pl + strspn(p + pl, " ");
		size_t ul = strcspn(u, " \n");
		if (ul == 0 || ul >= len)
			continue;
		memcpy(unit, u, ul);
		unit[ul] = '\0';
		return true;
	}
	return false;
}

/* Read FD until EOF or the deadline (5 s), into BUF. */
static size_t read_until(int fd, char *buf, size_t cap)
{
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	size_t n = 0;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = 5000 - (now.tv_sec - t0.tv_sec) * 1000 -
			    (now.tv_nsec - t0.tv_nsec) / 1000000;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (left <= 0 || n + 1 >= cap || poll(&pfd, 1, (int)left) <= 0)
			break;
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	return n;
}

/* The .socket unit systemd listens on PATH with, from systemctl (only where systemd is the
 * init: /run/systemd/system exists). */
static void find_unit(const char *path, char *unit, size_t len)
{
	struct stat st;
	if (stat("/run/systemd/system", &st) < 0)
		return;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	char *argv[] = { "systemctl", "list-sockets", "--all", "--full", "--no-legend",
			 "--no-pager", NULL };
	pid_t pid;
	int e = posix_spawnp(&pid, "systemctl", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (e == 0) {
		size_t cap = 65536;
		char *out = malloc(cap);
		if (out)
			read_until(p[0], out, cap);
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		if (out)
			inspect_unit_from_list(out, path, unit, len);
		free(out);
	}
	close(p[0]);
}

void inspect_lasting(const struct inspect_perm *perms, size_t nperms,
		     const struct inspect_fix *fixes, size_t nfixes,
		     const struct sockets_holders *h, struct inspect_lasting *out)
{
	memset(out, 0, sizeof(*out));
	if (nperms < 2 || !S_ISSOCK(perms[nperms - 1].mode))
		return;
	out->node = perms[nperms - 1].path;
	out->dir = perms[nperms - 2].path;
	for (size_t i = 0; i < nfixes; i++)
		out->node_fix |= touches(&fixes[i], out->node);
	for (size_t i = 0; i < nfixes && !out->bits; i++)
		for (size_t k = 0; k < fixes[i].n; k++)
			if (fixes[i].v[k].path == out->node &&
			    fixes[i].v[k].op != INSPECT_FIX_CHGRP)
				out->bits = fixes[i].v[k].bits;
	if (!out->bits)
		out->bits = perms[nperms - 1].need;
	if (!h || h->kept == 0)
		return;
	/* systemd (pid 1) holds an activated socket beside the service it handed it to: the
	 * service is the server to name. */
	const struct sockets_holder *s = &h->v[0];
	for (size_t i = 0; i < h->kept; i++) {
		if (h->v[i].pid == 1 || from_systemd(h->v[i].pid))
			out->activated = true;
		if (h->v[i].pid != 1 && s->pid == 1)
			s = &h->v[i];
	}
	out->has_server = true;
	out->pid = s->pid;
	snprintf(out->comm, sizeof(out->comm), "%s", s->comm_err ? "" : s->comm);
	out->umask_err = umask_of(s->pid, &out->umask);
	if (out->activated)
		find_unit(out->node, out->unit, sizeof(out->unit));
}
