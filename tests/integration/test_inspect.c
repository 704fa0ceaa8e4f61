/* test_inspect: inspect and sockets over real nodes in a private temporary directory. */
#include "config.h"

#define _XOPEN_SOURCE_EXTENDED 1
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/acl.h>
#include <unistd.h>

#include <cmocka.h>

#include "../skip.h"

#include "core/cmd/app.h"
#include "core/cmd/cmd.h"
#include "core/system/inspect.h"
#include "core/system/sockets.h"
#include "harness.h"

/* Each test works inside its own private directory, which other users may search, so that
 * their verdicts hinge on what each test puts inside. */
static int setup(void **state)
{
	if (rec_setup(state) < 0)
		return -1;
	rec_enter(*state, 0755);
	return 0;
}

/* The formatted line of the first event since the run holding NEEDLE, or NULL. */
static const char *find(const struct rec *r, const char *needle)
{
	long i = rec_find_text(r, needle);
	return i < 0 ? NULL : rec_line(r, (size_t)i);
}

static const char *must_find(const struct rec *r, const char *needle)
{
	return rec_line(r, (size_t)rec_must_find_text(r, needle));
}

/* The error event since the run holding NEEDLE (its kind says it is an error, not the words). */
static const struct event *must_find_error(const struct rec *r, const char *needle)
{
	const struct event *ev = &r->ev[rec_must_find_text(r, needle)];
	assert_int_equal(ev->kind, EV_ERROR);
	return ev;
}

/* A socket bound at PATH (relative to the test's directory), listening when LISTEN, with MODE.
 * Non-blocking, so a test can take every queued connection and stop at EAGAIN. */
static int bound_socket(const char *path, bool listen_too, mode_t mode)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	assert_true(strlen(path) < sizeof(sun.sun_path));
	strcpy(sun.sun_path, path);
	unlink(path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(chmod(path, mode), 0);
	if (listen_too)
		assert_int_equal(listen(fd, 8), 0);
	return fd;
}

static void test_listening(void **state)
{
	struct rec *r = *state;
	int fd = bound_socket("live.sock", true, 0755);
	struct stat sst;
	assert_int_equal(fstat(fd, &sst), 0);
	assert_int_equal(rec_run_marked(r, "inspect live.sock"), CMD_OK);
	must_find(r, "type: socket");
	must_find(r, "mode: srwxr-xr-x (0755)");
	char want[128];
	snprintf(want, sizeof(want), "listening: yes, pid %ld (", (long)getpid());
	must_find(r, want);
	must_find(r, "this udscope process");
	snprintf(want, sizeof(want), "socket: stream, listening, inode %lu,",
		 (unsigned long)sst.st_ino);
	must_find(r, want);
	snprintf(want, sizeof(want), "path: live.sock (%s/live.sock)", r->dir);
	must_find(r, want);
	must_find(r, "sun_path: 9 of 107 bytes");
	assert_null(find(r, "stale"));
	/* sock_diag answered: no connection was made. */
	must_find(r, "queue: 0 of 8 connections waiting to be accepted");
	must_find(r, "method: sock_diag (no connection made)");
	assert_int_equal(accept4(fd, NULL, NULL, SOCK_NONBLOCK), -1);
	assert_int_equal(errno, EAGAIN);
	close(fd);
	unlink("live.sock");
}

static void test_stale(void **state)
{
	struct rec *r = *state;
	close(bound_socket("stale.sock", false, 0755));
	assert_int_equal(rec_run_marked(r, "inspect ./stale.sock"), CMD_OK);
	must_find(r, "type: socket");
	must_find(r, "stale: nothing listens (connect: Connection refused (ECONNREFUSED))");
	assert_null(find(r, "listening: yes"));
	struct uds_addr a;
	char why[128];
	assert_int_equal(addr_parse("stale.sock", 10, &a, why, sizeof(why)), 0);
	struct inspect_probe p;
	inspect_probe(&a, &p);
	assert_int_equal(p.live, INSPECT_STALE);
	assert_int_equal(p.err, ECONNREFUSED);
	unlink("stale.sock");
}

static void test_regular_file(void **state)
{
	struct rec *r = *state;
	int fd = open("plain", O_CREAT | O_WRONLY | O_CLOEXEC, 0640);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(chmod("plain", 0640), 0);
	assert_int_equal(rec_run_marked(r, "inspect plain"), CMD_OK);
	must_find(r, "type: regular file (not a socket)");
	must_find(r, "mode: -rw-r----- (0640)");
	must_find(r, "is a regular file, not a socket");
	assert_null(find(r, "listening"));
	assert_null(find(r, "stale"));
	unlink("plain");
}

static void test_symlink(void **state)
{
	struct rec *r = *state;
	int fd = bound_socket("target.sock", true, 0755);
	assert_int_equal(symlink("target.sock", "alias"), 0);
	assert_int_equal(symlink("nowhere", "dangling"), 0);
	assert_int_equal(rec_run_marked(r, "inspect alias"), CMD_OK);
	must_find(r, "type: symbolic link to target.sock (not a socket itself; connect follows it)");
	must_find(r, "target: socket");
	must_find(r, "mode: lrwxrwxrwx");
	must_find(r, "alias -> target.sock");
	must_find(r, "listening: yes");
	must_find(r, "can connect");
	/* The listener was not connected to. */
	assert_int_equal(accept4(fd, NULL, NULL, SOCK_NONBLOCK), -1);
	assert_int_equal(errno, EAGAIN);

	assert_int_equal(rec_run_marked(r, "inspect dangling"), CMD_OK);
	must_find(r, "type: symbolic link to nowhere");
	must_find(r, "target: dangling symlink: stat: No such file or directory (ENOENT)");
	must_find(r, "nowhere: lstat: No such file or directory (ENOENT)");
	must_find(r, "/nowhere does not exist (ENOENT)");
	assert_null(find(r, "listening"));
	close(fd);
	unlink("target.sock");
	unlink("alias");
	unlink("dangling");
}

static void test_missing(void **state)
{
	struct rec *r = *state;
	assert_int_equal(rec_run_marked(r, "inspect not-there.sock"), CMD_OK);
	must_find(r, "type: missing (lstat: No such file or directory (ENOENT))");
	must_find(r, "not-there.sock: lstat: No such file or directory (ENOENT)");
	must_find(r, "cannot connect:");
	must_find(r, "does not exist (ENOENT)");
	/* This process created the test's directory, so it may create a socket there. */
	char want[160];
	snprintf(want, sizeof(want), "can create a socket here: write and search on %s (drwxr-xr-x",
		 r->dir);
	must_find(r, want);
	must_find(r, "create: the node would get s");
	assert_int_equal(rec_run_marked(r, "inspect /nonexistent-udscope-dir/x/y"), CMD_OK);
	must_find(r, "type: missing");
	must_find(r, "create: not possible: the lookup stops at /nonexistent-udscope-dir");
}

static void test_walk(void **state)
{
	struct rec *r = *state;
	assert_int_equal(mkdir("wa", 0755), 0);
	assert_int_equal(mkdir("wa/b", 0755), 0);
	assert_int_equal(symlink("wa", "wl"), 0);
	int fd = bound_socket("wa/b/s", false, 0777);
	close(fd);
	/* wl -> wa, then .. goes to the test's directory physically, then wa/b/s. */
	struct inspect_walk w;
	assert_int_equal(inspect_walk("wl/../wa/b/s", &w), 0);
	assert_int_equal(w.err, 0);
	char want[128];
	snprintf(want, sizeof(want), "%s/wa/b/s", r->dir);
	assert_string_equal(w.v[w.n - 1].path, want);
	assert_true(S_ISSOCK(w.v[w.n - 1].mode));
	size_t links = 0;
	for (size_t i = 0; i < w.n; i++)
		if (w.v[i].link) {
			links++;
			assert_string_equal(w.v[i].link, "wa");
			/* The target is looked up inside the link (indented), then ".." outside. */
			assert_true(i + 2 < w.n);
			assert_string_equal(w.v[i + 1].name, "wa");
			assert_int_equal(w.v[i + 1].depth, 1);
			assert_string_equal(w.v[i + 2].name, "..");
			assert_int_equal(w.v[i + 2].depth, 0);
			assert_string_equal(w.v[i + 2].path, r->dir);
		}
	assert_int_equal(links, 1);
	struct inspect_perm perms[32];
	size_t n = inspect_connect_perms(&w, perms, 32);
	assert_true(n >= 4);
	assert_int_equal(perms[n - 1].need, INSPECT_NEED_W);
	assert_string_equal(perms[n - 1].path, want);
	for (size_t i = 0; i + 1 < n; i++) {
		assert_int_equal(perms[i].need, INSPECT_NEED_X);
		assert_true(S_ISDIR(perms[i].mode));
	}
	inspect_walk_free(&w);

	assert_int_equal(symlink("loop2", "loop1"), 0);
	assert_int_equal(symlink("loop1", "loop2"), 0);
	assert_int_equal(inspect_walk("loop1", &w), 0);
	assert_int_equal(w.err, ELOOP);
	inspect_walk_free(&w);

	assert_int_equal(inspect_walk("wa/b/s/deeper", &w), 0);
	assert_int_equal(w.err, ENOTDIR);
	assert_false(w.last_missing);
	inspect_walk_free(&w);

	assert_int_equal(inspect_walk("wa/b/new", &w), 0);
	assert_int_equal(w.err, ENOENT);
	assert_true(w.last_missing);
	n = inspect_create_perms(&w, perms, 32);
	assert_true(n >= 2);
	assert_int_equal(perms[n - 1].need, INSPECT_NEED_W | INSPECT_NEED_X);
	snprintf(want, sizeof(want), "%s/wa/b", r->dir);
	assert_string_equal(perms[n - 1].path, want);
	inspect_walk_free(&w);
	unlink("loop1");
	unlink("loop2");
	unlink("wa/b/s");
	unlink("wl");
	rmdir("wa/b");
	rmdir("wa");
}

static void test_server_own_socket(void **state)
{
	struct rec *r = *state;
	assert_int_equal(rec_run_marked(r, "server start own.sock"), CMD_OK);
	assert_int_equal(rec_run_marked(r, "inspect own.sock"), CMD_OK);
	char want[96];
	snprintf(want, sizeof(want), "listening: yes, pid %ld (", (long)getpid());
	must_find(r, want);
	must_find(r, "this udscope process");
	must_find(r, "socket: stream, listening");
	app_end(&r->app, app_newest(&r->app, SESSION_SERVER));
}

static void test_unprintable_path(void **state)
{
	struct rec *r = *state;
	close(bound_socket("odd\n\x1b" "name", false, 0755));
	assert_int_equal(rec_run_marked(r, "inspect \"odd\\n\\x1bname\""), CMD_OK);
	must_find(r, "path: b'odd\\n\\x1bname'");
	must_find(r, "b'odd\\n\\x1bname'");
	must_find(r, "stale: nothing listens");
	rec_assert_printable(r);
	unlink("odd\n\x1bname");
}

/* The first event since the run with a marked span (what the console emphasizes), or NULL. */
static const struct event *marked(const struct rec *r)
{
	for (size_t i = r->mark; i < r->n; i++)
		if (r->ev[i].mark_len)
			return &r->ev[i];
	return NULL;
}

/* --as nobody against one socket: the verdict line, and as root the child's proof. */
struct as_case {
	const char *dir;        /* NULL, or a directory to create with DIRMODE */
	mode_t dirmode;
	mode_t mode;
	bool nogroup;           /* give the socket to group 65534 (needs root) */
	bool can;
	const char *missing;    /* cannot: the permission named */
	const char *modestr;    /* cannot: the denying node's mode string */
};

static const struct as_case as_cases[] = {
	{ NULL, 0, 0700, false, false, "write (w)", "srwx------" },
	{ NULL, 0, 0750, false, false, "write (w)", "srwxr-x---" },
	{ NULL, 0, 0755, false, false, "write (w)", "srwxr-xr-x" },
	{ NULL, 0, 0777, false, true, NULL, NULL },
	{ NULL, 0, 0770, true, true, NULL, NULL },
	{ "priv", 0700, 0777, false, false, "search (x)", "drwx------" },
};

static void check_as(struct rec *r, bool prove)
{
	struct passwd *nb = getpwnam("nobody");
	if (!nb || geteuid() == nb->pw_uid)
		UD_SKIP("needs a user nobody other than the tester");
	if (prove && geteuid() != 0)
		UD_SKIP("the proof connects as another user: needs root");
	char owner[64], group[64];
	inspect_user_name(geteuid(), owner, sizeof(owner));
	inspect_group_name(getegid(), group, sizeof(group));
	/* Ids without a name show as numbers. */
	if (!owner[0])
		snprintf(owner, sizeof(owner), "%lu", (unsigned long)geteuid());
	if (!group[0])
		snprintf(group, sizeof(group), "%lu", (unsigned long)getegid());
	for (size_t i = 0; i < sizeof(as_cases) / sizeof(as_cases[0]); i++) {
		const struct as_case *c = &as_cases[i];
		if (c->nogroup && geteuid() != 0)
			continue;
		char path[64], why[512];
		if (c->dir) {
			assert_int_equal(mkdir(c->dir, c->dirmode), 0);
			assert_int_equal(chmod(c->dir, c->dirmode), 0);
		}
		snprintf(path, sizeof(path), "%s%sas.sock", c->dir ? c->dir : "", c->dir ? "/" : "");
		int fd = bound_socket(path, true, c->mode);
		if (c->nogroup)
			assert_int_equal(chown(path, (uid_t)-1, 65534), 0);
		assert_int_equal(rec_run_marked(r, "inspect %s --as %s", path,
						i % 2 ? "65534" : "nobody"),
				 CMD_OK);
		if (c->can)
			snprintf(why, sizeof(why), "can connect: search (x) on all");
		else
			snprintf(why, sizeof(why), "cannot connect: %s permission missing on %s/%s "
				 "(%s %s %s): nobody is in the other class", c->missing, r->dir,
				 c->dir ? c->dir : "as.sock", c->modestr, owner, group);
		const char *v = must_find(r, "verdict for nobody (65534): ");
		if (!strstr(v, why))
			fail_msg("case %zu: verdict \"%s\" lacks \"%s\"", i, v, why);
		const struct event *m = marked(r);
		if (!c->can) {
			/* The other class's rwx bits decided: they are what the console marks,
			 * right after "(" and the owner's and group's bits of the mode string. */
			if (!m || m->mark_len != 3 || m->mark_off < 8 ||
			    m->text[m->mark_off - 8] != '(' ||
			    memcmp(m->text + m->mark_off - 7, c->modestr, 10) != 0)
				fail_msg("case %zu: no event marks the last 3 of \"(%s\"", i,
					 c->modestr);
		} else {
			assert_null(m);
		}
		if (c->nogroup)
			assert_non_null(strstr(v, "as its group class"));
		const char *p = must_find(r, "proof: ");
		if (prove) {
			if (!strstr(p, "agrees with the verdict"))
				fail_msg("case %zu: proof \"%s\" does not agree", i, p);
			if (c->can)
				assert_non_null(strstr(p, "connected (stream)"));
			else
				assert_non_null(strstr(p, "connect: Permission denied (EACCES)"));
			assert_non_null(strstr(p, "a forked child as nobody (65534) with gid 65534"));
		} else if (geteuid() != 0) {
			assert_non_null(strstr(p, "proof: not run"));
		}
		/* Take the connections the probe (and a permitted child) made. */
		int cfd;
		while ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK)) >= 0)
			close(cfd);
		close(fd);
		unlink(path);
		if (c->dir)
			rmdir(c->dir);
	}
}

static void test_as_nobody_verdicts(void **state)
{
	check_as(*state, false);
}

static void test_as_nobody_proven(void **state)
{
	check_as(*state, true);
}

/* A directory whose mode denies nobody but whose ACL lets nobody search it: the verdict
 * decides the ACL as the kernel does, the walk names the entry, and the root-only proof (a
 * real connect as nobody) agrees. */
static void test_acl(void **state)
{
	struct rec *r = *state;
	struct passwd *nb = getpwnam("nobody");
	if (!nb || geteuid() != 0)
		UD_SKIP("needs root and a user nobody");
	assert_int_equal(mkdir("acl", 0700), 0);
	acl_t acl = acl_from_text("user::rwx,user:nobody:--x,group::---,mask::--x,other::---");
	assert_non_null(acl);
	int set = acl_set_file("acl", ACL_TYPE_ACCESS, acl);
	int e = errno;
	acl_free(acl);
	if (set < 0) {
		rmdir("acl");
		UD_SKIP("this file system refuses POSIX ACLs (acl_set_file: %s)", strerror(e));
	}
	int fd = bound_socket("acl/s", true, 0777);
	assert_int_equal(rec_run_marked(r, "inspect acl/s --as nobody"), CMD_OK);
	must_find(r, "drwx--x--- root     root     acl (ACL user:nobody:--x decided for nobody)");
	must_find(r, "verdict for nobody (65534): can connect: search (x) on all");
	assert_null(find(r, "permission missing"));
	const char *p = must_find(r, "proof: ");
	assert_non_null(strstr(p, "connected (stream)"));
	assert_non_null(strstr(p, "agrees with the verdict"));
	int c;
	while ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK)) >= 0)
		close(c);
	close(fd);
	unlink("acl/s");
	rmdir("acl");
}

static void test_as_unknown_user(void **state)
{
	struct rec *r = *state;
	assert_int_equal(rec_run_marked(r, "inspect x --as no-such-user-udscope"), CMD_FAIL);
	must_find_error(r, "inspect --as no-such-user-udscope: no such user");
}

static void test_abstract(void **state)
{
	struct rec *r = *state;
	char name[64];
	snprintf(name, sizeof(name), "udscope-inspect-%ld", (long)getpid());
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	memcpy(sun.sun_path + 1, name, strlen(name));
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, len), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(rec_run_marked(r, "inspect @%s", name), CMD_OK);
	must_find(r, "no file system permissions apply");
	char want[96];
	snprintf(want, sizeof(want), "listening: yes, pid %ld (", (long)getpid());
	must_find(r, want);
	must_find(r, "queue: 0 of 4 connections waiting to be accepted");
	assert_int_equal(accept4(fd, NULL, NULL, SOCK_NONBLOCK), -1);
	assert_int_equal(errno, EAGAIN);
	assert_null(find(r, "literally named"));
	/* A file named like the abstract name: the same text in ss and /proc/net/unix. */
	char file[80];
	snprintf(file, sizeof(file), "@%s", name);
	int ffd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	assert_true(ffd >= 0);
	close(ffd);
	assert_int_equal(rec_run_marked(r, "inspect @%s", name), CMD_OK);
	must_find(r, "literally named");
	unlink(file);
	close(fd);
	assert_int_equal(rec_run_marked(r, "inspect @%s", name), CMD_OK);
	must_find(r, "nothing is bound to this name");
}

static void test_sockets_lists(void **state)
{
	struct rec *r = *state;
	int fd = bound_socket("listed.sock", true, 0755);
	struct stat sst;
	assert_int_equal(fstat(fd, &sst), 0);
	assert_int_equal(rec_run_marked(r, "sockets listed.sock"), CMD_OK);
	char path[128], ino[32], pid[48];
	snprintf(path, sizeof(path), "  listed.sock  ");
	snprintf(ino, sizeof(ino), " %lu ", (unsigned long)sst.st_ino);
	snprintf(pid, sizeof(pid), "pid %ld (", (long)getpid());
	const char *row = must_find(r, "listed.sock  pid");
	assert_non_null(strstr(row, "listening"));
	assert_non_null(strstr(row, "stream"));
	assert_non_null(strstr(row, ino));
	assert_non_null(strstr(row, pid));
	must_find(r, "sockets: 1 of ");
	/* The same socket is found through the core call too. */
	struct sockets_list l;
	assert_int_equal(sockets_collect(&l), 0);
	bool seen = false;
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].ino == sst.st_ino) {
			seen = true;
			assert_int_equal(l.v[i].state, SOCKETS_LISTEN);
			assert_true(l.v[i].nprocs >= 1);
			assert_int_equal(l.v[i].procs[0].pid, getpid());
			assert_int_equal(l.v[i].procs[0].fd, fd);
			if (l.source == SOCKETS_FROM_DIAG) {
				assert_true(l.v[i].has_vfs);
				struct stat nst;
				assert_int_equal(stat("listed.sock", &nst), 0);
				assert_int_equal(l.v[i].vfs_ino, nst.st_ino);
			}
		}
	assert_true(seen);
	sockets_free(&l);
	close(fd);
	unlink("listed.sock");

	/* An abstract name holding control bytes is listed escaped. */
	char raw[64];
	int n = snprintf(raw, sizeof(raw), "udscope-ctl-\x01\x1b-%ld", (long)getpid());
	int afd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(afd >= 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	memcpy(sun.sun_path + 1, raw, (size_t)n);
	assert_int_equal(bind(afd, (struct sockaddr *)&sun,
			      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n)), 0);
	assert_int_equal(rec_run_marked(r, "sockets udscope-ctl-"), CMD_OK);
	const char *arow = must_find(r, "b'@udscope-ctl-\\x01\\x1b-");
	assert_non_null(strstr(arow, "dgram"));
	rec_assert_printable(r);
	close(afd);
}

/* Issue 10 item 5: an abstract name may hold a NUL byte, and the kernel gets all of it. */
static void test_nul_in_abstract_name(void **state)
{
	struct rec *r = *state;
	char name[64], want[256];
	size_t n = (size_t)snprintf(name, sizeof(name), "udscope-nul-%ld", (long)getpid());
	assert_int_equal(rec_run_marked(r, "server start \"@%s\\x00bar\"", name), CMD_OK);
	snprintf(want, sizeof(want), "starting up on @%s\\x00bar", name);
	if (rec_wait_line(r, r->mark, want) < 0)
		fail_msg("no \"%s\"", want);
	rec_assert_printable(r);
	/* sock_diag (or /proc/net/unix, which prints the NUL as '@') has the whole name and
	 * nothing under the name cut at the NUL. */
	struct sockets_list l;
	assert_int_equal(sockets_collect(&l), 0);
	char full[80];
	memcpy(full, name, n);
	memcpy(full + n, l.source == SOCKETS_FROM_DIAG ? "\0bar" : "@bar", 4);
	bool whole = false, cut = false;
	for (size_t i = 0; i < l.n; i++) {
		const struct sockets_entry *e = &l.v[i];
		if (!e->abstract || e->state != SOCKETS_LISTEN)
			continue;
		whole |= e->name_len == n + 4 && memcmp(e->name, full, n + 4) == 0 &&
			 e->nprocs >= 1 && e->procs[0].pid == getpid();
		cut |= e->name_len == n && memcmp(e->name, name, n) == 0;
	}
	sockets_free(&l);
	assert_true(whole);
	assert_false(cut);

	assert_int_equal(rec_run_marked(r, "client \"@%s\\x00bar\" hello", name), CMD_OK);
	snprintf(want, sizeof(want), "connected to @%s\\x00bar", name);
	must_find(r, want);
	must_find(r, "received 5 bytes b'hello'");
	/* The name cut at the NUL is another name, and nothing is bound to it. */
	assert_int_equal(rec_run_marked(r, "client @%s hello", name), CMD_FAIL);
	snprintf(want, sizeof(want), "connect @%s: ", name);
	assert_int_equal(must_find_error(r, want)->err, ECONNREFUSED);

	assert_int_equal(rec_run_marked(r, "connect \"@%s\\x00bar\"", name), CMD_OK);
	snprintf(want, sizeof(want), "connected to @%s\\x00bar", name);
	if (rec_wait_line(r, r->mark, want) < 0)
		fail_msg("no \"%s\"", want);
	assert_int_equal(rec_run_marked(r, "disconnect"), CMD_OK);

	assert_int_equal(rec_run_marked(r, "inspect \"@%s\\x00bar\"", name), CMD_OK);
	snprintf(want, sizeof(want), "name: @%s\\x00bar (abstract namespace, %zu of 107 bytes)",
		 name, n + 4);
	must_find(r, want);
	snprintf(want, sizeof(want), "listening: yes, pid %ld (", (long)getpid());
	must_find(r, want);
	rec_assert_printable(r);
	app_end(&r->app, app_newest(&r->app, SESSION_SERVER));
}

/* Issue 10 item 5: a NUL byte in a filesystem path is refused alike by every command. */
static void test_nul_in_path_refused(void **state)
{
	struct rec *r = *state;
	static const char *const ops[] = { "server start", "client", "connect", "inspect" };
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		assert_int_equal(rec_run_marked(r, "%s \"./nul\\x00b\"", ops[i]), CMD_FAIL);
		char want[160];
		snprintf(want, sizeof(want), "%s ./nul\\x00b: a filesystem path cannot hold "
			 "a NUL byte", ops[i]);
		must_find_error(r, want);
		rec_assert_printable(r);
		/* Nothing was made at the path cut at the NUL. */
		struct stat st;
		assert_int_equal(lstat("nul", &st), -1);
		assert_int_equal(errno, ENOENT);
	}
	assert_null(app_server(&r->app));
	assert_null(app_conn(&r->app));
}

/* Issue 10 item 6: a relative path is looked up from the cwd, whose parents are not
 * checked: d/priv is 0700, but nobody may still connect to ./s.sock from d/priv/pub. */
static void test_relative_walk_from_cwd(void **state)
{
	struct rec *r = *state;
	struct passwd *nb = getpwnam("nobody");
	if (!nb || geteuid() != 0)
		UD_SKIP("needs root and a user nobody");
	assert_int_equal(mkdir("d", 0755), 0);
	assert_int_equal(mkdir("d/priv", 0700), 0);
	assert_int_equal(mkdir("d/priv/pub", 0777), 0);
	assert_int_equal(mkdir("d/priv/pub/sub", 0700), 0);
	assert_int_equal(chmod("d", 0755), 0);
	assert_int_equal(chmod("d/priv", 0700), 0);
	assert_int_equal(chmod("d/priv/pub", 0777), 0);
	assert_int_equal(chmod("d/priv/pub/sub", 0700), 0);
	int fd = bound_socket("d/priv/pub/s.sock", true, 0777);
	int fd2 = bound_socket("d/priv/pub/sub/s.sock", true, 0777);
	char pub[128], want[256];
	snprintf(pub, sizeof(pub), "%s/d/priv/pub", r->dir);

	/* Back to the test's directory before any assert: a failed one must not leave later
	 * tests there. */
	assert_int_equal(chdir("d/priv/pub"), 0);
	int st = rec_run_marked(r, "inspect ./s.sock --as nobody");
	assert_int_equal(chdir(r->dir), 0);
	assert_int_equal(st, CMD_OK);
	must_find(r, "verdict for nobody (65534): can connect: search (x) on all 1 directories");
	snprintf(want, sizeof(want), "walk: ./s.sock, relative: the lookup starts at the working "
		 "directory %s", pub);
	must_find(r, want);
	snprintf(want, sizeof(want), "%s (the working directory: the lookup starts here)", pub);
	const char *start = must_find(r, want);
	assert_non_null(strstr(start, "drwxrwxrwx"));
	/* d/priv is not on the way. */
	assert_null(find(r, "drwx------"));
	assert_null(find(r, "permission missing"));
	must_find(r, "verdict for nobody (65534): can connect: search (x) on all 1 directories");
	const char *p = must_find(r, "proof: ");
	assert_non_null(strstr(p, "connected (stream)"));
	assert_non_null(strstr(p, "agrees with the verdict"));

	/* A relative path whose own directory denies is still denied, there. */
	assert_int_equal(chdir("d/priv/pub"), 0);
	st = rec_run_marked(r, "inspect sub/s.sock --as nobody");
	assert_int_equal(chdir(r->dir), 0);
	assert_int_equal(st, CMD_OK);
	snprintf(want, sizeof(want), "verdict for nobody (65534): cannot connect: search (x) "
		 "permission missing on %s/sub (drwx------ ", pub);
	must_find(r, want);
	p = must_find(r, "proof: ");
	assert_non_null(strstr(p, "connect: Permission denied (EACCES)"));
	assert_non_null(strstr(p, "agrees with the verdict"));

	/* An absolute symlink met on the way restarts at /, and then d/priv does deny. */
	snprintf(want, sizeof(want), "%s/s.sock", pub);
	assert_int_equal(symlink(want, "d/priv/pub/abs"), 0);
	assert_int_equal(chdir("d/priv/pub"), 0);
	st = rec_run_marked(r, "inspect abs --as nobody");
	assert_int_equal(chdir(r->dir), 0);
	unlink("d/priv/pub/abs");
	assert_int_equal(st, CMD_OK);
	snprintf(want, sizeof(want), "verdict for nobody (65534): cannot connect: search (x) "
		 "permission missing on %s/d/priv (drwx------ ", r->dir);
	must_find(r, want);
	p = must_find(r, "proof: ");
	assert_non_null(strstr(p, "connect: Permission denied (EACCES)"));
	assert_non_null(strstr(p, "agrees with the verdict"));

	/* The working directory itself is searched (path_resolution(7)): at 0700 it denies. */
	assert_int_equal(chmod("d/priv/pub", 0700), 0);
	assert_int_equal(chdir("d/priv/pub"), 0);
	st = rec_run_marked(r, "inspect s.sock --as nobody");
	assert_int_equal(chdir(r->dir), 0);
	assert_int_equal(st, CMD_OK);
	snprintf(want, sizeof(want), "verdict for nobody (65534): cannot connect: search (x) "
		 "permission missing on %s (drwx------ ", pub);
	must_find(r, want);
	p = must_find(r, "proof: ");
	assert_non_null(strstr(p, "connect: Permission denied (EACCES)"));
	assert_non_null(strstr(p, "agrees with the verdict"));

	int c;
	while ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK)) >= 0)
		close(c);
	close(fd);
	close(fd2);
	unlink("d/priv/pub/sub/s.sock");
	unlink("d/priv/pub/s.sock");
	rmdir("d/priv/pub/sub");
	rmdir("d/priv/pub");
	rmdir("d/priv");
	rmdir("d");
}

/* The pending connections on the listener bound to NODE, by sock_diag; -1 when unknown. */
static long diag_queue(const char *node)
{
	struct stat st;
	struct sockets_list l;
	if (stat(node, &st) < 0 || sockets_collect(&l) < 0)
		return -1;
	long q = -1;
	if (l.source == SOCKETS_FROM_DIAG)
		for (size_t i = 0; i < l.n; i++)
			if (l.v[i].has_vfs && l.v[i].vfs_ino == st.st_ino &&
			    l.v[i].state == SOCKETS_LISTEN && l.v[i].has_queues)
				q = (long)l.v[i].rqueue;
	sockets_free(&l);
	return q;
}

/* Issue 10: inspecting a listener leaves nothing in its accept queue (backlog 1 would fill). */
static void test_probe_leaves_no_connection(void **state)
{
	struct rec *r = *state;
	int fd = bound_socket("bl.sock", false, 0755);
	assert_int_equal(listen(fd, 1), 0);
	if (diag_queue("bl.sock") != 0)
		UD_SKIP("no sock_diag here: the connect probe is all there is");
	for (int i = 0; i < 3; i++) {
		assert_int_equal(rec_run_marked(r, "inspect bl.sock"), CMD_OK);
		assert_int_equal(diag_queue("bl.sock"), 0);
		assert_null(find(r, "full"));
		must_find(r, "listening: yes, pid");
		must_find(r, "queue: 0 of 1 connections waiting to be accepted");
		must_find(r, "method: sock_diag (no connection made)");
	}
	assert_int_equal(accept4(fd, NULL, NULL, SOCK_NONBLOCK), -1);
	assert_int_equal(errno, EAGAIN);
	/* A client that waits is counted, and still not added to. */
	int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX, .sun_path = "bl.sock" };
	assert_int_equal(connect(c, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(rec_run_marked(r, "inspect bl.sock"), CMD_OK);
	must_find(r, "queue: 1 of 1 connections waiting to be accepted");
	assert_int_equal(diag_queue("bl.sock"), 1);
	close(c);
	close(fd);
	unlink("bl.sock");

	/* A socket bound but not listening: said so, without a connect. */
	fd = bound_socket("nl.sock", false, 0755);
	assert_int_equal(rec_run_marked(r, "inspect nl.sock"), CMD_OK);
	must_find(r, "listening: no, a stream socket is bound here but does not listen");
	must_find(r, "method: sock_diag (no connection made)");
	close(fd);
	unlink("nl.sock");
}

/* Issue 10: udscope never probes its own listeners: the server sees no connection. */
static void test_probe_spares_own_server(void **state)
{
	struct rec *r = *state;
	assert_int_equal(rec_run_marked(r, "server start own1.sock --backlog 1"), CMD_OK);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(rec_run_marked(r, "inspect own1.sock"), CMD_OK);
		must_find(r, "listening: yes, pid");
		must_find(r, "this udscope process");
		assert_null(find(r, "full"));
	}
	for (int i = 0; i < 30; i++)
		app_pump(&r->app, 10);
	assert_null(find(r, "connection from"));
	assert_int_equal(rec_run_marked(r, "server status"), CMD_OK);
	must_find(r, "0 clients now, 0 accepted");
	app_end(&r->app, app_newest(&r->app, SESSION_SERVER));
}

#define inspect_test(f) cmocka_unit_test_prestate_setup_teardown(f, setup, rec_teardown, (void *)#f)

int main(void)
{
	/* Line by line, so that the log keeps the TAP lines and the failure messages (stderr) in
	 * order, and a test killed for hanging loses nothing it printed. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	const struct CMUnitTest tests[] = {
		inspect_test(test_listening),
		inspect_test(test_stale),
		inspect_test(test_regular_file),
		inspect_test(test_symlink),
		inspect_test(test_missing),
		inspect_test(test_walk),
		inspect_test(test_server_own_socket),
		inspect_test(test_unprintable_path),
		inspect_test(test_as_nobody_verdicts),
		inspect_test(test_as_nobody_proven),
		inspect_test(test_acl),
		inspect_test(test_as_unknown_user),
		inspect_test(test_abstract),
		inspect_test(test_sockets_lists),
		inspect_test(test_nul_in_abstract_name),
		inspect_test(test_nul_in_path_refused),
		inspect_test(test_relative_walk_from_cwd),
		inspect_test(test_probe_leaves_no_connection),
		inspect_test(test_probe_spares_own_server),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
