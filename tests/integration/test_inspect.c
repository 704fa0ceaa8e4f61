/* test_inspect: inspect and sockets over real nodes in a private temporary directory. */
#include "config.h"

#define _XOPEN_SOURCE_EXTENDED 1
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/app.h"
#include "core/cmd.h"
#include "core/inspect.h"
#include "core/sockets.h"

static char tmpdir[64];
static char oldcwd[4096];

/* Every line the front end got, errors prefixed "error: ". */
struct capture {
	char **lines;
	size_t n, cap;
};

struct fixture {
	struct app app;
	struct capture cap;
};

static void capture_add(struct capture *c, const char *line)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->lines = realloc(c->lines, c->cap * sizeof(*c->lines));
		assert_non_null(c->lines);
	}
	c->lines[c->n] = strdup(line);
	assert_non_null(c->lines[c->n]);
	c->n++;
}

static void capture_emit(void *ctx, struct event *ev)
{
	struct capture *c = ctx;
	char line[EVENT_LINE_MAX];
	size_t off = 0;
	if (ev->kind == EV_ERROR)
		off = (size_t)snprintf(line, sizeof(line), "error: ");
	event_format(ev, 0, line + off, sizeof(line) - off);
	capture_add(c, line);
	/* A marked span (what the console emphasizes) is captured as a line of its own:
	 * "mark: [---] after [(drwx---]". */
	if (ev->mark_len) {
		size_t o = ev->mark_off, before = o < 8 ? o : 8;
		snprintf(line, sizeof(line), "mark: [%.*s] after [%.*s]", (int)ev->mark_len,
			 ev->text + o, (int)before, ev->text + o - before);
		capture_add(c, line);
	}
}

static void capture_clear(struct capture *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->lines[i]);
	c->n = 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	struct event_sink out = { capture_emit, &f->cap };
	if (app_init(&f->app, BUS_LOSSLESS, 4096, out) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	app_close(&f->app);
	capture_clear(&f->cap);
	free(f->cap.lines);
	free(f);
	return 0;
}

static int group_setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/udscope-inspect-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	/* Other users must be able to search it, so their verdicts hinge on what each test
	 * puts inside. */
	if (chmod(tmpdir, 0755) < 0)
		return -1;
	if (!getcwd(oldcwd, sizeof(oldcwd)) || chdir(tmpdir) < 0)
		return -1;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int group_teardown(void **state)
{
	if (chdir(oldcwd) < 0)
		return -1;
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Run LINE through the command table; returns the CMD_* code. Lines land in f->cap. */
static int run(struct fixture *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run(struct fixture *f, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	capture_clear(&f->cap);
	/* Through the script runner, as batch runs a line: what it started has finished. */
	unsigned before = f->app.script.failures;
	f->app.ordered = true;
	int r = CMD_FAIL;
	if (script_push(&f->app, line, NULL, 0) == 0) {
		while (!script_step(&f->app))
			app_pump(&f->app, 50);
		r = f->app.script.failures == before ? CMD_OK : CMD_FAIL;
	}
	app_pump(&f->app, 0);
	for (size_t i = 0; i < f->cap.n; i++)
		print_message("#   %s\n", f->cap.lines[i]);
	return r;
}

/* The first captured line containing NEEDLE, or NULL. */
static const char *find(const struct fixture *f, const char *needle)
{
	for (size_t i = 0; i < f->cap.n; i++)
		if (strstr(f->cap.lines[i], needle))
			return f->cap.lines[i];
	return NULL;
}

static const char *must_find(const struct fixture *f, const char *needle)
{
	const char *l = find(f, needle);
	if (!l)
		fail_msg("no line contains \"%s\"", needle);
	return l;
}

static void no_raw_bytes(const struct fixture *f)
{
	for (size_t i = 0; i < f->cap.n; i++)
		for (const unsigned char *p = (const unsigned char *)f->cap.lines[i]; *p; p++)
			if (*p < 0x20 || *p > 0x7e)
				fail_msg("raw byte 0x%02x in \"%s\"", *p, f->cap.lines[i]);
}

/* A socket bound at PATH (relative to tmpdir), listening when LISTEN, with MODE.
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
	struct fixture *f = *state;
	int fd = bound_socket("live.sock", true, 0755);
	struct stat sst;
	assert_int_equal(fstat(fd, &sst), 0);
	assert_int_equal(run(f, "inspect live.sock"), CMD_OK);
	must_find(f, "type: socket");
	must_find(f, "mode: srwxr-xr-x (0755)");
	char want[128];
	snprintf(want, sizeof(want), "listening: yes, pid %ld (", (long)getpid());
	must_find(f, want);
	must_find(f, "this udscope process");
	snprintf(want, sizeof(want), "socket: stream, listening, inode %lu,",
		 (unsigned long)sst.st_ino);
	must_find(f, want);
	snprintf(want, sizeof(want), "path: live.sock (%s/live.sock)", tmpdir);
	must_find(f, want);
	must_find(f, "sun_path: 9 of 107 bytes");
	assert_null(find(f, "stale"));
	/* sock_diag answered: no connection was made. */
	must_find(f, "queue: 0 of 8 connections waiting to be accepted");
	must_find(f, "method: sock_diag (no connection made)");
	assert_int_equal(accept4(fd, NULL, NULL, SOCK_NONBLOCK), -1);
	assert_int_equal(errno, EAGAIN);
	close(fd);
	unlink("live.sock");
}

static void test_stale(void **state)
{
	struct fixture *f = *state;
	close(bound_socket("stale.sock", false, 0755));
	assert_int_equal(run(f, "inspect ./stale.sock"), CMD_OK);
	must_find(f, "type: socket");
	must_find(f, "stale: nothing listens (connect: Connection refused (ECONNREFUSED))");
	assert_null(find(f, "listening: yes"));
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
	struct fixture *f = *state;
	int fd = open("plain", O_CREAT | O_WRONLY | O_CLOEXEC, 0640);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(chmod("plain", 0640), 0);
	assert_int_equal(run(f, "inspect plain"), CMD_OK);
	must_find(f, "type: regular file (not a socket)");
	must_find(f, "mode: -rw-r----- (0640)");
	must_find(f, "is a regular file, not a socket");
	assert_null(find(f, "listening"));
	assert_null(find(f, "stale"));
	unlink("plain");
}

static void test_symlink(void **state)
{
	struct fixture *f = *state;
	int fd = bound_socket("target.sock", true, 0755);
	assert_int_equal(symlink("target.sock", "alias"), 0);
	assert_int_equal(symlink("nowhere", "dangling"), 0);
	assert_int_equal(run(f, "inspect alias"), CMD_OK);
	must_find(f, "type: symbolic link to target.sock (not a socket itself; connect follows it)");
	must_find(f, "target: socket");
	must_find(f, "mode: lrwxrwxrwx");
	must_find(f, "alias -> target.sock");
	must_find(f, "listening: yes");
	must_find(f, "can connect");
	/* The listener was not connected to. */
	assert_int_equal(accept4(fd, NULL, NULL, SOCK_NONBLOCK), -1);
	assert_int_equal(errno, EAGAIN);

	assert_int_equal(run(f, "inspect dangling"), CMD_OK);
	must_find(f, "type: symbolic link to nowhere");
	must_find(f, "target: dangling symlink: stat: No such file or directory (ENOENT)");
	must_find(f, "nowhere: lstat: No such file or directory (ENOENT)");
	must_find(f, "/nowhere does not exist (ENOENT)");
	assert_null(find(f, "listening"));
	close(fd);
	unlink("target.sock");
	unlink("alias");
	unlink("dangling");
}

static void test_missing(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(run(f, "inspect not-there.sock"), CMD_OK);
	must_find(f, "type: missing (lstat: No such file or directory (ENOENT))");
	must_find(f, "not-there.sock: lstat: No such file or directory (ENOENT)");
	must_find(f, "cannot connect:");
	must_find(f, "does not exist (ENOENT)");
	/* This process created tmpdir, so it may create a socket there. */
	char want[160];
	snprintf(want, sizeof(want), "can create a socket here: write and search on %s (drwxr-xr-x",
		 tmpdir);
	must_find(f, want);
	must_find(f, "create: the node would get s");
	assert_int_equal(run(f, "inspect /nonexistent-udscope-dir/x/y"), CMD_OK);
	must_find(f, "type: missing");
	must_find(f, "create: not possible: the lookup stops at /nonexistent-udscope-dir");
}

static void test_walk(void **state)
{
	assert_int_equal(mkdir("wa", 0755), 0);
	assert_int_equal(mkdir("wa/b", 0755), 0);
	assert_int_equal(symlink("wa", "wl"), 0);
	int fd = bound_socket("wa/b/s", false, 0777);
	close(fd);
	/* wl -> wa, then .. goes to tmpdir physically, then wa/b/s. */
	struct inspect_walk w;
	assert_int_equal(inspect_walk("wl/../wa/b/s", &w), 0);
	assert_int_equal(w.err, 0);
	char want[128];
	snprintf(want, sizeof(want), "%s/wa/b/s", tmpdir);
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
			assert_string_equal(w.v[i + 2].path, tmpdir);
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
	snprintf(want, sizeof(want), "%s/wa/b", tmpdir);
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
	struct fixture *f = *state;
	assert_int_equal(run(f, "server start own.sock"), CMD_OK);
	assert_int_equal(run(f, "inspect own.sock"), CMD_OK);
	char want[96];
	snprintf(want, sizeof(want), "listening: yes, pid %ld (", (long)getpid());
	must_find(f, want);
	must_find(f, "this udscope process");
	must_find(f, "socket: stream, listening");
	app_end(&f->app, app_newest(&f->app, SESSION_SERVER));
}

static void test_unprintable_path(void **state)
{
	struct fixture *f = *state;
	close(bound_socket("odd\n\x1b" "name", false, 0755));
	assert_int_equal(run(f, "inspect \"odd\\n\\x1bname\""), CMD_OK);
	must_find(f, "path: b'odd\\n\\x1bname'");
	must_find(f, "b'odd\\n\\x1bname'");
	must_find(f, "stale: nothing listens");
	no_raw_bytes(f);
	unlink("odd\n\x1bname");
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

static void check_as(struct fixture *f, bool prove)
{
	struct passwd *nb = getpwnam("nobody");
	if (!nb || geteuid() == nb->pw_uid)
		skip();
	if (prove && geteuid() != 0)
		skip();
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
		assert_int_equal(run(f, "inspect %s --as %s", path, i % 2 ? "65534" : "nobody"),
				 CMD_OK);
		if (c->can)
			snprintf(why, sizeof(why), "can connect: search (x) on all");
		else
			snprintf(why, sizeof(why), "cannot connect: %s permission missing on %s/%s "
				 "(%s %s %s): nobody is in the other class", c->missing, tmpdir,
				 c->dir ? c->dir : "as.sock", c->modestr, owner, group);
		const char *v = must_find(f, "verdict for nobody (65534): ");
		if (!strstr(v, why))
			fail_msg("case %zu: verdict \"%s\" lacks \"%s\"", i, v, why);
		if (!c->can) {
			/* The other class's rwx bits decided: they are what the console marks. */
			char want[64];
			snprintf(want, sizeof(want), "mark: [%.3s] after [(%.7s]", c->modestr + 7,
				 c->modestr);
			const char *m = must_find(f, "mark: ");
			if (strcmp(m, want) != 0)
				fail_msg("case %zu: \"%s\" is not \"%s\"", i, m, want);
		} else {
			assert_null(find(f, "mark: "));
		}
		if (c->nogroup)
			assert_non_null(strstr(v, "as its group class"));
		const char *p = must_find(f, "proof: ");
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

/* A POSIX ACL entry: tag, permission bits, id (little endian on disk and in the xattr). */
static void acl_entry(uint8_t *p, uint16_t tag, uint16_t perm, uint32_t id)
{
	p[0] = (uint8_t)tag;
	p[1] = (uint8_t)(tag >> 8);
	p[2] = (uint8_t)perm;
	p[3] = (uint8_t)(perm >> 8);
	for (int i = 0; i < 4; i++)
		p[4 + i] = (uint8_t)(id >> (8 * i));
}

/* A directory whose mode denies nobody but whose ACL lets nobody search it: the verdict
 * says it did not evaluate the ACL, and the root-only proof shows the kernel did. */
static void test_acl(void **state)
{
	struct fixture *f = *state;
	struct passwd *nb = getpwnam("nobody");
	if (!nb || geteuid() != 0)
		skip();
	assert_int_equal(mkdir("acl", 0700), 0);
	/* version 2; user::rwx, user:nobody:--x, group::---, mask::--x, other::--- */
	uint8_t blob[4 + 5 * 8] = { 2, 0, 0, 0 };
	acl_entry(blob + 4, 0x01, 7, UINT32_MAX);
	acl_entry(blob + 12, 0x02, 1, (uint32_t)nb->pw_uid);
	acl_entry(blob + 20, 0x04, 0, UINT32_MAX);
	acl_entry(blob + 28, 0x10, 1, UINT32_MAX);
	acl_entry(blob + 36, 0x20, 0, UINT32_MAX);
	if (setxattr("acl", "system.posix_acl_access", blob, sizeof(blob), 0) < 0) {
		rmdir("acl");
		skip();
	}
	int fd = bound_socket("acl/s", true, 0777);
	assert_int_equal(run(f, "inspect acl/s --as nobody"), CMD_OK);
	char want[256];
	snprintf(want, sizeof(want), "acl: %s/acl has a POSIX ACL (system.posix_acl_access): the "
		 "verdict did not evaluate it", tmpdir);
	must_find(f, want);
	must_find(f, "drwx--x--- root     root     acl (has a POSIX ACL)");
	snprintf(want, sizeof(want), "cannot connect: search (x) permission missing on %s/acl",
		 tmpdir);
	must_find(f, want);
	const char *p = must_find(f, "proof: ");
	assert_non_null(strstr(p, "connected (stream)"));
	assert_non_null(strstr(p, "DISAGREES with the verdict"));
	int c;
	while ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK)) >= 0)
		close(c);
	close(fd);
	unlink("acl/s");
	rmdir("acl");
}

static void test_as_unknown_user(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(run(f, "inspect x --as no-such-user-udscope"), CMD_FAIL);
	must_find(f, "error: inspect --as no-such-user-udscope: no such user");
}

static void test_abstract(void **state)
{
	struct fixture *f = *state;
	char name[64];
	snprintf(name, sizeof(name), "udscope-inspect-%ld", (long)getpid());
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	memcpy(sun.sun_path + 1, name, strlen(name));
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, len), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(run(f, "inspect @%s", name), CMD_OK);
	must_find(f, "no file system permissions apply");
	char want[96];
	snprintf(want, sizeof(want), "listening: yes, pid %ld (", (long)getpid());
	must_find(f, want);
	must_find(f, "queue: 0 of 4 connections waiting to be accepted");
	assert_int_equal(accept4(fd, NULL, NULL, SOCK_NONBLOCK), -1);
	assert_int_equal(errno, EAGAIN);
	assert_null(find(f, "literally named"));
	/* A file named like the abstract name: the same text in ss and /proc/net/unix. */
	char file[80];
	snprintf(file, sizeof(file), "@%s", name);
	int ffd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	assert_true(ffd >= 0);
	close(ffd);
	assert_int_equal(run(f, "inspect @%s", name), CMD_OK);
	must_find(f, "literally named");
	unlink(file);
	close(fd);
	assert_int_equal(run(f, "inspect @%s", name), CMD_OK);
	must_find(f, "nothing is bound to this name");
}

static void test_sockets_lists(void **state)
{
	struct fixture *f = *state;
	int fd = bound_socket("listed.sock", true, 0755);
	struct stat sst;
	assert_int_equal(fstat(fd, &sst), 0);
	assert_int_equal(run(f, "sockets listed.sock"), CMD_OK);
	char path[128], ino[32], pid[48];
	snprintf(path, sizeof(path), "  listed.sock  ");
	snprintf(ino, sizeof(ino), " %lu ", (unsigned long)sst.st_ino);
	snprintf(pid, sizeof(pid), "pid %ld (", (long)getpid());
	const char *row = must_find(f, "listed.sock  pid");
	assert_non_null(strstr(row, "listening"));
	assert_non_null(strstr(row, "stream"));
	assert_non_null(strstr(row, ino));
	assert_non_null(strstr(row, pid));
	must_find(f, "sockets: 1 of ");
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
	assert_int_equal(run(f, "sockets udscope-ctl-"), CMD_OK);
	const char *arow = must_find(f, "b'@udscope-ctl-\\x01\\x1b-");
	assert_non_null(strstr(arow, "dgram"));
	no_raw_bytes(f);
	close(afd);
}

/* Pump the app until a captured line contains NEEDLE (5 s at most). */
static const char *pump_until(struct fixture *f, const char *needle)
{
	for (int i = 0; i < 500; i++) {
		const char *l = find(f, needle);
		if (l)
			return l;
		app_pump(&f->app, 10);
	}
	return find(f, needle);
}

/* Issue 10 item 5: an abstract name may hold a NUL byte, and the kernel gets all of it. */
static void test_nul_in_abstract_name(void **state)
{
	struct fixture *f = *state;
	char name[64], want[256];
	size_t n = (size_t)snprintf(name, sizeof(name), "udscope-nul-%ld", (long)getpid());
	assert_int_equal(run(f, "server start \"@%s\\x00bar\"", name), CMD_OK);
	snprintf(want, sizeof(want), "starting up on @%s\\x00bar", name);
	if (!pump_until(f, want))
		fail_msg("no \"%s\"", want);
	no_raw_bytes(f);
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

	assert_int_equal(run(f, "client \"@%s\\x00bar\" hello", name), CMD_OK);
	snprintf(want, sizeof(want), "connected to @%s\\x00bar", name);
	must_find(f, want);
	must_find(f, "received 5 bytes b'hello'");
	/* The name cut at the NUL is another name, and nothing is bound to it. */
	assert_int_equal(run(f, "client @%s hello", name), CMD_FAIL);
	snprintf(want, sizeof(want), "error: connect @%s: Connection refused (ECONNREFUSED)", name);
	must_find(f, want);

	assert_int_equal(run(f, "connect \"@%s\\x00bar\"", name), CMD_OK);
	snprintf(want, sizeof(want), "connected to @%s\\x00bar", name);
	if (!pump_until(f, want))
		fail_msg("no \"%s\"", want);
	assert_int_equal(run(f, "disconnect"), CMD_OK);

	assert_int_equal(run(f, "inspect \"@%s\\x00bar\"", name), CMD_OK);
	snprintf(want, sizeof(want), "name: @%s\\x00bar (abstract namespace, %zu of 107 bytes)",
		 name, n + 4);
	must_find(f, want);
	snprintf(want, sizeof(want), "listening: yes, pid %ld (", (long)getpid());
	must_find(f, want);
	no_raw_bytes(f);
	app_end(&f->app, app_newest(&f->app, SESSION_SERVER));
}

/* Issue 10 item 5: a NUL byte in a filesystem path is refused alike by every command. */
static void test_nul_in_path_refused(void **state)
{
	struct fixture *f = *state;
	static const char *const ops[] = { "server start", "client", "connect", "inspect" };
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		assert_int_equal(run(f, "%s \"./nul\\x00b\"", ops[i]), CMD_FAIL);
		char want[160];
		snprintf(want, sizeof(want), "error: %s ./nul\\x00b: a filesystem path cannot hold "
			 "a NUL byte", ops[i]);
		must_find(f, want);
		no_raw_bytes(f);
		/* Nothing was made at the path cut at the NUL. */
		struct stat st;
		assert_int_equal(lstat("nul", &st), -1);
		assert_int_equal(errno, ENOENT);
	}
	assert_null(app_server(&f->app));
	assert_null(app_conn(&f->app));
}

/* Issue 10 item 6: a relative path is looked up from the cwd, whose parents are not
 * checked: d/priv is 0700, but nobody may still connect to ./s.sock from d/priv/pub. */
static void test_relative_walk_from_cwd(void **state)
{
	struct fixture *f = *state;
	struct passwd *nb = getpwnam("nobody");
	if (!nb || geteuid() != 0)
		skip();
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
	snprintf(pub, sizeof(pub), "%s/d/priv/pub", tmpdir);

	/* Back to tmpdir before any assert: a failed one must not leave later tests there. */
	assert_int_equal(chdir("d/priv/pub"), 0);
	int r = run(f, "inspect ./s.sock --as nobody");
	assert_int_equal(chdir(tmpdir), 0);
	assert_int_equal(r, CMD_OK);
	must_find(f, "verdict for nobody (65534): can connect: search (x) on all 1 directories");
	snprintf(want, sizeof(want), "walk: ./s.sock, relative: the lookup starts at the working "
		 "directory %s", pub);
	must_find(f, want);
	snprintf(want, sizeof(want), "%s (the working directory: the lookup starts here)", pub);
	const char *start = must_find(f, want);
	assert_non_null(strstr(start, "drwxrwxrwx"));
	/* d/priv is not on the way. */
	assert_null(find(f, "drwx------"));
	assert_null(find(f, "permission missing"));
	must_find(f, "verdict for nobody (65534): can connect: search (x) on all 1 directories");
	const char *p = must_find(f, "proof: ");
	assert_non_null(strstr(p, "connected (stream)"));
	assert_non_null(strstr(p, "agrees with the verdict"));

	/* A relative path whose own directory denies is still denied, there. */
	assert_int_equal(chdir("d/priv/pub"), 0);
	r = run(f, "inspect sub/s.sock --as nobody");
	assert_int_equal(chdir(tmpdir), 0);
	assert_int_equal(r, CMD_OK);
	snprintf(want, sizeof(want), "verdict for nobody (65534): cannot connect: search (x) "
		 "permission missing on %s/sub (drwx------ ", pub);
	must_find(f, want);
	p = must_find(f, "proof: ");
	assert_non_null(strstr(p, "connect: Permission denied (EACCES)"));
	assert_non_null(strstr(p, "agrees with the verdict"));

	/* An absolute symlink met on the way restarts at /, and then d/priv does deny. */
	snprintf(want, sizeof(want), "%s/s.sock", pub);
	assert_int_equal(symlink(want, "d/priv/pub/abs"), 0);
	assert_int_equal(chdir("d/priv/pub"), 0);
	r = run(f, "inspect abs --as nobody");
	assert_int_equal(chdir(tmpdir), 0);
	unlink("d/priv/pub/abs");
	assert_int_equal(r, CMD_OK);
	snprintf(want, sizeof(want), "verdict for nobody (65534): cannot connect: search (x) "
		 "permission missing on %s/d/priv (drwx------ ", tmpdir);
	must_find(f, want);
	p = must_find(f, "proof: ");
	assert_non_null(strstr(p, "connect: Permission denied (EACCES)"));
	assert_non_null(strstr(p, "agrees with the verdict"));

	/* The working directory itself is searched (path_resolution(7)): at 0700 it denies. */
	assert_int_equal(chmod("d/priv/pub", 0700), 0);
	assert_int_equal(chdir("d/priv/pub"), 0);
	r = run(f, "inspect s.sock --as nobody");
	assert_int_equal(chdir(tmpdir), 0);
	assert_int_equal(r, CMD_OK);
	snprintf(want, sizeof(want), "verdict for nobody (65534): cannot connect: search (x) "
		 "permission missing on %s (drwx------ ", pub);
	must_find(f, want);
	p = must_find(f, "proof: ");
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
	struct fixture *f = *state;
	int fd = bound_socket("bl.sock", false, 0755);
	assert_int_equal(listen(fd, 1), 0);
	if (diag_queue("bl.sock") != 0)
		skip();   /* no sock_diag here: the connect probe is all there is */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(run(f, "inspect bl.sock"), CMD_OK);
		assert_int_equal(diag_queue("bl.sock"), 0);
		assert_null(find(f, "full"));
		must_find(f, "listening: yes, pid");
		must_find(f, "queue: 0 of 1 connections waiting to be accepted");
		must_find(f, "method: sock_diag (no connection made)");
	}
	assert_int_equal(accept4(fd, NULL, NULL, SOCK_NONBLOCK), -1);
	assert_int_equal(errno, EAGAIN);
	/* A client that waits is counted, and still not added to. */
	int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX, .sun_path = "bl.sock" };
	assert_int_equal(connect(c, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(run(f, "inspect bl.sock"), CMD_OK);
	must_find(f, "queue: 1 of 1 connections waiting to be accepted");
	assert_int_equal(diag_queue("bl.sock"), 1);
	close(c);
	close(fd);
	unlink("bl.sock");

	/* A socket bound but not listening: said so, without a connect. */
	fd = bound_socket("nl.sock", false, 0755);
	assert_int_equal(run(f, "inspect nl.sock"), CMD_OK);
	must_find(f, "listening: no, a stream socket is bound here but does not listen");
	must_find(f, "method: sock_diag (no connection made)");
	close(fd);
	unlink("nl.sock");
}

/* Issue 10: udscope never probes its own listeners: the server sees no connection. */
static void test_probe_spares_own_server(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(run(f, "server start own1.sock --backlog 1"), CMD_OK);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(run(f, "inspect own1.sock"), CMD_OK);
		must_find(f, "listening: yes, pid");
		must_find(f, "this udscope process");
		assert_null(find(f, "full"));
	}
	for (int i = 0; i < 30; i++)
		app_pump(&f->app, 10);
	assert_null(find(f, "connection from"));
	assert_int_equal(run(f, "server status"), CMD_OK);
	must_find(f, "0 clients now, 0 accepted");
	app_end(&f->app, app_newest(&f->app, SESSION_SERVER));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_listening, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_regular_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_own_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unprintable_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_as_nobody_verdicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_as_nobody_proven, setup, teardown),
		cmocka_unit_test_setup_teardown(test_acl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_as_unknown_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abstract, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sockets_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul_in_abstract_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul_in_path_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relative_walk_from_cwd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_leaves_no_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_spares_own_server, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
