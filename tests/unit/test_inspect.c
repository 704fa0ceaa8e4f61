/* test_inspect: mode strings, permission verdicts and socket-table parsing, from tables. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../tmpdir.h"

#include "core/cmd/app.h"
#include "core/cmd/cmd.h"
#include "core/system/inspect.h"
#include "core/system/inspect_effect.h"
#include "core/system/inspect_report.h"
#include "core/io/node.h"
#include "core/system/sockets.h"

static void test_mode_strings(void **state)
{
	static const struct {
		mode_t mode;
		const char *want;
	} cases[] = {
		{ S_IFSOCK | 0755, "srwxr-xr-x" },
		{ S_IFSOCK | 0750, "srwxr-x---" },
		{ S_IFSOCK | 0700, "srwx------" },
		{ S_IFSOCK | 0777, "srwxrwxrwx" },
		{ S_IFSOCK | 0000, "s---------" },
		{ S_IFREG | 0644, "-rw-r--r--" },
		{ S_IFDIR | 0755, "drwxr-xr-x" },
		{ S_IFLNK | 0777, "lrwxrwxrwx" },
		{ S_IFIFO | 0600, "prw-------" },
		{ S_IFCHR | 0620, "crw--w----" },
		{ S_IFBLK | 0660, "brw-rw----" },
		{ 0 | 0644, "?rw-r--r--" },
		/* setuid: s over x, S without x */
		{ S_IFREG | 04755, "-rwsr-xr-x" },
		{ S_IFREG | 04644, "-rwSr--r--" },
		/* setgid */
		{ S_IFDIR | 02750, "drwxr-s---" },
		{ S_IFDIR | 02740, "drwxr-S---" },
		/* sticky: t over x, T without x */
		{ S_IFDIR | 01777, "drwxrwxrwt" },
		{ S_IFDIR | 01776, "drwxrwxrwT" },
		/* all three at once */
		{ S_IFSOCK | 07777, "srwsrwsrwt" },
		{ S_IFSOCK | 07000, "s--S--S--T" },
		/* single bits land in their own columns */
		{ S_IFREG | 0400, "-r--------" },
		{ S_IFREG | 0020, "-----w----" },
		{ S_IFREG | 0001, "---------x" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[INSPECT_MODE_STR];
		memset(buf, 'Z', sizeof(buf));
		inspect_mode_string(cases[i].mode, buf);
		assert_string_equal(buf, cases[i].want);
	}
}

static void test_type_names(void **state)
{
	assert_string_equal(node_type_name(S_IFSOCK), "socket");
	assert_string_equal(node_type_name(S_IFREG), "regular file");
	assert_string_equal(node_type_name(S_IFDIR), "directory");
	assert_string_equal(node_type_name(S_IFLNK), "symbolic link");
	assert_string_equal(node_type_name(S_IFIFO), "fifo");
	assert_string_equal(node_type_name(S_IFCHR), "character device");
	assert_string_equal(node_type_name(S_IFBLK), "block device");
	assert_string_equal(node_type_name(0), "unknown type");
}

/* A walk of one or two directories and a socket, and who tries it. */
struct verdict_case {
	const char *what;
	uid_t uid;
	gid_t gid;
	gid_t groups[3];
	size_t ngroups;
	struct inspect_perm steps[3];
	size_t n;
	bool allowed, by_mode;
	size_t fail;
	unsigned missing;
	enum inspect_class cls;
	bool supplementary;
};

#define DIR_X(mode, u, g) { "/d", S_IFDIR | (mode), (u), (g), INSPECT_NEED_X, false }
#define SOCK_W(mode, u, g) { "/d/s", S_IFSOCK | (mode), (u), (g), INSPECT_NEED_W, false }

static const struct verdict_case verdict_cases[] = {
	{ "owner with rwx", 1000, 1000, { 0 }, 0,
	  { DIR_X(0755, 0, 0), SOCK_W(0700, 1000, 1000) }, 2, true, true, 0, 0, 0, false },
	{ "owner without w, though group and other have it", 1000, 1000, { 0 }, 0,
	  { DIR_X(0755, 0, 0), SOCK_W(0577, 1000, 1000) }, 2, false, false, 1,
	  INSPECT_NEED_W, INSPECT_OWNER, false },
	{ "group through the primary gid", 1001, 50, { 0 }, 0,
	  { DIR_X(0755, 0, 0), SOCK_W(0770, 1000, 50) }, 2, true, true, 0, 0, 0, false },
	{ "group class without w", 1001, 50, { 0 }, 0,
	  { DIR_X(0755, 0, 0), SOCK_W(0757, 1000, 50) }, 2, false, false, 1,
	  INSPECT_NEED_W, INSPECT_GROUP, false },
	{ "group through a supplementary group", 1001, 100, { 20, 50, 60 }, 3,
	  { DIR_X(0755, 0, 0), SOCK_W(0760, 1000, 50) }, 2, true, true, 0, 0, 0, false },
	{ "supplementary group without w", 1001, 100, { 20, 50 }, 2,
	  { DIR_X(0755, 0, 0), SOCK_W(0750, 1000, 50) }, 2, false, false, 1,
	  INSPECT_NEED_W, INSPECT_GROUP, true },
	{ "other: the walkthrough's srwxr-xr-x root socket", 65534, 65534, { 65534 }, 1,
	  { DIR_X(0755, 0, 0), SOCK_W(0755, 0, 0) }, 2, false, false, 1,
	  INSPECT_NEED_W, INSPECT_OTHER, false },
	{ "other with w", 65534, 65534, { 65534 }, 1,
	  { DIR_X(0755, 0, 0), SOCK_W(0777, 0, 0) }, 2, true, true, 0, 0, 0, false },
	{ "other: a 0700 directory stops it before the socket", 65534, 65534, { 0 }, 0,
	  { DIR_X(0700, 0, 0), SOCK_W(0777, 0, 0) }, 2, false, false, 0,
	  INSPECT_NEED_X, INSPECT_OTHER, false },
	{ "other: r without x on a directory", 65534, 65534, { 0 }, 0,
	  { DIR_X(0744, 0, 0), SOCK_W(0777, 0, 0) }, 2, false, false, 0,
	  INSPECT_NEED_X, INSPECT_OTHER, false },
	{ "the first failing step decides", 65534, 65534, { 0 }, 0,
	  { DIR_X(0755, 0, 0), DIR_X(0750, 0, 0), SOCK_W(0700, 0, 0) }, 3, false, false, 1,
	  INSPECT_NEED_X, INSPECT_OTHER, false },
	{ "root: DAC override where the bits deny", 0, 0, { 0 }, 0,
	  { DIR_X(0700, 1000, 1000), SOCK_W(0000, 1000, 1000) }, 2, true, false, 0,
	  INSPECT_NEED_X, INSPECT_OTHER, false },
	{ "root as the owner, bits allow", 0, 0, { 0 }, 0,
	  { DIR_X(0755, 0, 0), SOCK_W(0755, 0, 0) }, 2, true, true, 0, 0, 0, false },
	{ "creating: write and search on the parent", 65534, 65534, { 0 }, 0,
	  { { "/d", S_IFDIR | 0755, 0, 0, INSPECT_NEED_W | INSPECT_NEED_X, false } }, 1,
	  false, false, 0, INSPECT_NEED_W, INSPECT_OTHER, false },
	{ "creating in a sticky world-writable directory", 65534, 65534, { 0 }, 0,
	  { { "/tmp", S_IFDIR | 01777, 0, 0, INSPECT_NEED_W | INSPECT_NEED_X, false } }, 1,
	  true, true, 0, 0, 0, false },
	{ "a uid without a known group", 4242, (gid_t)-1, { 0 }, 0,
	  { DIR_X(0755, 0, 0), SOCK_W(0770, 0, 0) }, 2, false, false, 1,
	  INSPECT_NEED_W, INSPECT_OTHER, false },
};

static void test_verdicts(void **state)
{
	for (size_t i = 0; i < sizeof(verdict_cases) / sizeof(verdict_cases[0]); i++) {
		const struct verdict_case *c = &verdict_cases[i];
		struct inspect_user u = { c->uid, c->gid, c->groups, c->ngroups };
		struct inspect_verdict v;
		inspect_verdict(&u, c->steps, c->n, &v);
		print_message("# %s\n", c->what);
		assert_int_equal(v.allowed, c->allowed);
		assert_int_equal(v.by_mode, c->by_mode);
		assert_int_equal(v.root, c->uid == 0);
		if (!c->by_mode) {
			assert_int_equal(v.fail, c->fail);
			assert_int_equal(v.missing, c->missing);
			assert_int_equal(v.cls, c->cls);
			assert_int_equal(v.supplementary, c->supplementary);
		}
		assert_false(v.blind);
	}
}

/* An ACL of ENTRIES (tag, id, perm) for a node. */
static void make_acl(struct inspect_acl *a, const struct inspect_acl_entry *v, size_t n)
{
	memset(a, 0, sizeof(*a));
	a->supported = true;
	memcpy(a->v, v, n * sizeof(*v));
	a->n = n;
	a->extended = n > 3;
}

#define E(tag, id, perm)                        \
	{                                       \
		INSPECT_ACL_##tag, (id), (perm) \
	}

/* The kernel's order: named users before groups, group entries masked, a matching group
 * that lacks the bits denies even when other has them. */
static void test_verdict_acl(void **state)
{
	struct inspect_acl dir, sock;
	const struct inspect_acl_entry d[] = { E(USER_OBJ, 0, 7), E(USER, 65534, 1),
					       E(GROUP_OBJ, 0, 5), E(MASK, 0, 5), E(OTHER, 0, 0) };
	const struct inspect_acl_entry s6[] = { E(USER_OBJ, 0, 6), E(USER, 65534, 6),
						E(GROUP_OBJ, 0, 6), E(MASK, 0, 4), E(OTHER, 0, 2) };
	make_acl(&dir, d, 5);
	make_acl(&sock, s6, 5);
	struct inspect_perm steps[] = {
		{ "/a", S_IFDIR | 0750, 0, 0, INSPECT_NEED_X, &dir },
		{ "/a/s", S_IFSOCK | 0642, 0, 0, INSPECT_NEED_W, &sock },
	};
	gid_t g[] = { 65534 };
	struct inspect_user u = { 65534, 65534, g, 1 };
	struct inspect_verdict v;
	inspect_verdict(&u, steps, 2, &v);
	/* user:nobody:--x lets nobody search /a; on the socket rw- is masked to r--. */
	assert_false(v.allowed);
	assert_int_equal(v.fail, 1);
	assert_int_equal(v.nblockers, 1);
	assert_int_equal(v.blockers[0].entry, 1);
	assert_int_equal(v.blockers[0].mask, 3);
	assert_int_equal(v.blockers[0].cls, INSPECT_GROUP);
	/* Its fixes: nobody's entry gets w (the mask, recomputed, grows by w), or g+w (the
	 * mask again): both say the mask widens, for every other entry of the ACL. */
	struct inspect_fix f[INSPECT_FIXES_MAX];
	assert_int_equal(inspect_fixes(&u, steps, &v, f, INSPECT_FIXES_MAX), 2);
	assert_int_equal(f[0].v[0].op, INSPECT_FIX_SETFACL);
	assert_int_equal(f[0].v[0].bits, INSPECT_NEED_R | INSPECT_NEED_W);
	assert_int_equal(f[0].v[0].widens, INSPECT_NEED_W);
	assert_int_equal(f[1].v[0].op, INSPECT_FIX_CHMOD);
	assert_int_equal(f[1].v[0].who, 'g');
	assert_int_equal(f[1].v[0].widens, INSPECT_NEED_W);
	/* The named entry decides, though other has w. */
	struct inspect_decision dd;
	inspect_decide(&u, &steps[1], &dd);
	assert_int_equal(dd.have, INSPECT_NEED_R);
	/* A user named nowhere but in the owning group, whose entry lacks w: denied, not
	 * judged as other. */
	struct inspect_user w = { 1000, 0, NULL, 0 };
	inspect_decide(&w, &steps[1], &dd);
	assert_int_equal(dd.cls, INSPECT_GROUP);
	assert_int_equal(dd.entry, 2);
	assert_false(dd.have & INSPECT_NEED_W);
	/* Anyone else: other's w. */
	struct inspect_user x = { 1000, 1000, NULL, 0 };
	inspect_decide(&x, &steps[1], &dd);
	assert_int_equal(dd.cls, INSPECT_OTHER);
	assert_int_equal(dd.entry, -1);
	assert_int_equal(dd.have, INSPECT_NEED_W);
	/* The mask widened: nobody may connect. */
	sock.v[3].perm = 6;
	inspect_verdict(&u, steps, 2, &v);
	assert_true(v.allowed);
	/* An ACL that could not be read makes the verdict blind there. */
	sock.err = EACCES;
	inspect_verdict(&u, steps, 2, &v);
	assert_true(v.blind);
	assert_int_equal(v.blind_step, 1);
}

/* ACL fixes come first where the file system keeps ACLs, and name the user alone. */
static void test_fixes_acl_first(void **state)
{
	struct inspect_acl dir, sock;
	const struct inspect_acl_entry d[] = { E(USER_OBJ, 0, 7), E(GROUP_OBJ, 0, 5),
					       E(OTHER, 0, 0) };
	const struct inspect_acl_entry s6[] = { E(USER_OBJ, 0, 6), E(GROUP_OBJ, 0, 6),
						E(OTHER, 0, 0) };
	make_acl(&dir, d, 3);
	make_acl(&sock, s6, 3);
	struct inspect_perm steps[] = {
		{ "/srv/run", S_IFDIR | 0750, 0, 0, INSPECT_NEED_X, &dir },
		{ "/srv/run/app.sock", S_IFSOCK | 0660, 0, 0, INSPECT_NEED_W, &sock },
	};
	struct inspect_user u = { 65534, 65534, NULL, 0 };
	struct inspect_verdict v;
	struct inspect_fix f[INSPECT_FIXES_MAX];
	inspect_verdict(&u, steps, 2, &v);
	assert_int_equal(inspect_fixes(&u, steps, &v, f, INSPECT_FIXES_MAX), 3);
	assert_int_equal(f[0].scope, INSPECT_SCOPE_USER);
	assert_int_equal(f[0].n, 2);
	assert_int_equal(f[0].v[0].op, INSPECT_FIX_SETFACL);
	assert_int_equal(f[0].v[0].who, 'u');
	assert_int_equal(f[0].v[0].uid, 65534);
	assert_int_equal(f[0].v[0].bits, INSPECT_NEED_X);
	assert_int_equal(f[0].v[1].bits, INSPECT_NEED_W);
	assert_int_equal(f[1].scope, INSPECT_SCOPE_GROUP);
	assert_int_equal(f[2].scope, INSPECT_SCOPE_EVERYONE);
	/* A file system without ACLs: no ACL fix. */
	sock.supported = false;
	assert_int_equal(inspect_fixes(&u, steps, &v, f, INSPECT_FIXES_MAX), 2);
	assert_int_equal(f[0].scope, INSPECT_SCOPE_GROUP);
}

/* The unit systemd listens on a path with, from systemctl list-sockets' lines. */
static void test_unit_from_list(void **state)
{
	const char *text = "/run/dbus/system_bus_socket dbus.socket dbus.service\n"
			   "/run/app/app.sock           app.socket  app.service\n"
			   "/run/app/app.sock.old       old.socket  old.service\n";
	char unit[64];
	assert_true(inspect_unit_from_list(text, "/run/app/app.sock", unit, sizeof(unit)));
	assert_string_equal(unit, "app.socket");
	assert_true(
		inspect_unit_from_list(text, "/run/dbus/system_bus_socket", unit, sizeof(unit)));
	assert_string_equal(unit, "dbus.socket");
	assert_false(inspect_unit_from_list(text, "/run/app", unit, sizeof(unit)));
	assert_false(inspect_unit_from_list("", "/run/app/app.sock", unit, sizeof(unit)));
}

static void test_class_of(void **state)
{
	gid_t g[] = { 7, 9 };
	struct inspect_user u = { 10, 5, g, 2 };
	bool supp = true;
	assert_int_equal(inspect_class_of(&u, 10, 9, &supp), INSPECT_OWNER);
	assert_false(supp);
	assert_int_equal(inspect_class_of(&u, 11, 5, &supp), INSPECT_GROUP);
	assert_false(supp);
	assert_int_equal(inspect_class_of(&u, 11, 9, &supp), INSPECT_GROUP);
	assert_true(supp);
	assert_int_equal(inspect_class_of(&u, 11, 8, &supp), INSPECT_OTHER);
	assert_string_equal(inspect_class_name(INSPECT_OWNER), "owner");
	assert_string_equal(inspect_class_name(INSPECT_GROUP), "group");
	assert_string_equal(inspect_class_name(INSPECT_OTHER), "other");
}

static void test_show(void **state)
{
	char buf[64];
	assert_string_equal(inspect_show("./uds_socket", 12, buf, sizeof(buf)), "./uds_socket");
	/* A terminal escape in a name never passes through raw. */
	assert_string_equal(inspect_show("a\x1b[2Jb", 6, buf, sizeof(buf)), "b'a\\x1b[2Jb'");
	assert_string_equal(inspect_show("x\ny", 3, buf, sizeof(buf)), "b'x\\ny'");
	assert_string_equal(inspect_show("\xc3\xa9", 2, buf, sizeof(buf)), "b'\\xc3\\xa9'");
	assert_string_equal(inspect_show("a\0b", 3, buf, sizeof(buf)), "b'a\\x00b'");
	char small[4];
	assert_string_equal(inspect_show("abcdef", 6, small, sizeof(small)), "abc");
}

static void test_proc_net_rows(void **state)
{
	struct sockets_entry e;
	assert_int_equal(sockets_parse_proc_net("0000000000000000: 00000002 00000000 00010000 0001 "
						"01 8309 /tmp/zz.sock\n", &e), 0);
	assert_int_equal(e.ino, 8309);
	assert_int_equal(e.type, SOCK_STREAM);
	assert_int_equal(e.state, SOCKETS_LISTEN);
	assert_false(e.abstract);
	assert_int_equal(e.name_len, strlen("/tmp/zz.sock"));
	assert_memory_equal(e.name, "/tmp/zz.sock", e.name_len);

	assert_int_equal(sockets_parse_proc_net("00000000abcdef01: 00000003 00000000 00000000 0001 "
						"03  1579\n", &e), 0);
	assert_int_equal(e.state, SOCKETS_ESTABLISHED);
	assert_int_equal(e.name_len, 0);
	assert_int_equal(e.ino, 1579);

	assert_int_equal(sockets_parse_proc_net("ffff: 00000002 00000000 00000000 0002 01 77 "
						"@udscope-x\n", &e), 0);
	assert_int_equal(e.type, SOCK_DGRAM);
	assert_int_equal(e.state, SOCKETS_CLOSE);
	assert_true(e.abstract);
	char name[SOCKETS_NAME_MAX + 2];
	assert_int_equal(sockets_name(&e, name, sizeof(name)), strlen("@udscope-x"));
	assert_string_equal(name, "@udscope-x");
	assert_true(sockets_matches(&e, "scope"));
	assert_true(sockets_matches(&e, ""));
	assert_false(sockets_matches(&e, "zz"));

	assert_int_equal(sockets_parse_proc_net("0000: 00000002 00000000 00000000 0005 02 99\n",
						&e), 0);
	assert_int_equal(e.type, SOCK_SEQPACKET);
	assert_int_equal(e.state, SOCKETS_SYN_SENT);

	assert_int_equal(sockets_parse_proc_net("Num RefCount Protocol Flags Type St Inode Path\n",
						&e), -EINVAL);
	assert_int_equal(sockets_parse_proc_net("", &e), -EINVAL);
}

static void test_names_and_sort(void **state)
{
	assert_string_equal(sockets_type_name(SOCK_STREAM), "stream");
	assert_string_equal(sockets_type_name(SOCK_DGRAM), "dgram");
	assert_string_equal(sockets_type_name(SOCK_SEQPACKET), "seqpacket");
	assert_string_equal(sockets_state_name(SOCKETS_LISTEN), "listening");
	assert_string_equal(sockets_state_name(SOCKETS_ESTABLISHED), "connected");
	assert_null(sockets_state_name(99));

	struct sockets_entry v[4];
	memset(v, 0, sizeof(v));
	v[0] = (struct sockets_entry){ .ino = 4, .state = SOCKETS_ESTABLISHED };
	v[1] = (struct sockets_entry){ .ino = 3, .state = SOCKETS_CLOSE, .name_len = 1,
				       .name = "b" };
	v[2] = (struct sockets_entry){ .ino = 2, .state = SOCKETS_LISTEN, .name_len = 1,
				       .name = "z" };
	v[3] = (struct sockets_entry){ .ino = 1, .state = SOCKETS_LISTEN, .name_len = 1,
				       .name = "a" };
	struct sockets_list l = { .v = v, .n = 4 };
	sockets_sort(&l);
	/* Listening first (by name), then named, then unnamed. */
	assert_int_equal(v[0].ino, 1);
	assert_int_equal(v[1].ino, 2);
	assert_int_equal(v[2].ino, 3);
	assert_int_equal(v[3].ino, 4);
}

/* Liveness from the system's list: which entries answer without a connect. */
static void test_liveness_without_connect(void **state)
{
	struct inspect_probe p;
	struct sockets_entry e = { .ino = 7, .type = SOCK_STREAM, .state = SOCKETS_LISTEN,
				   .has_queues = true, .rqueue = 1, .wqueue = 1 };
	/* No address at all: any connect would crash, so none is made. */
	inspect_liveness(NULL, &e, true, &p);
	assert_int_equal(p.method, INSPECT_BY_DIAG);
	assert_int_equal(p.live, INSPECT_LISTENING);
	assert_true(p.has_queue);
	assert_int_equal(p.queued, 1);
	assert_int_equal(p.backlog, 1);
	/* The kernel refuses once more than the backlog wait. */
	e.rqueue = 2;
	inspect_liveness(NULL, &e, true, &p);
	assert_int_equal(p.live, INSPECT_BACKLOG_FULL);
	e.state = SOCKETS_CLOSE;
	e.has_queues = false;
	inspect_liveness(NULL, &e, true, &p);
	assert_int_equal(p.live, INSPECT_BOUND_IDLE);
	assert_int_equal(p.err, ECONNREFUSED);
	e.type = SOCK_DGRAM;
	inspect_liveness(NULL, &e, true, &p);
	assert_int_equal(p.live, INSPECT_DGRAM_BOUND);
	/* From /proc/net/unix, a socket this process holds is not connected to either. */
	e = (struct sockets_entry){ .ino = 8, .type = SOCK_STREAM, .state = SOCKETS_LISTEN,
				    .nprocs = 1, .procs = { { getpid(), 3 } } };
	inspect_liveness(NULL, &e, false, &p);
	assert_int_equal(p.method, INSPECT_BY_LIST);
	assert_int_equal(p.live, INSPECT_LISTENING);
	assert_false(p.has_queue);
	/* Nothing listed and no address to connect to: unknown, said why. */
	inspect_liveness(NULL, NULL, false, &p);
	assert_int_equal(p.method, INSPECT_BY_CONNECT);
	assert_int_equal(p.live, INSPECT_UNKNOWN);
	assert_int_equal(p.err, ENAMETOOLONG);
}

/* What sock_diag cannot tell is asked with a connect; an abstract name sock_diag does not
 * list is unbound (abstract names belong to this network namespace). */
static void test_liveness_falls_back(void **state)
{
	char name[64], err[128];
	int n = snprintf(name, sizeof(name), "@udscope-unit-%ld-unbound", (long)getpid());
	struct uds_addr a;
	assert_int_equal(addr_parse(name, (size_t)n, &a, err, sizeof(err)), 0);
	struct inspect_probe p;
	inspect_liveness(&a, NULL, true, &p);
	assert_int_equal(p.method, INSPECT_BY_DIAG);
	assert_int_equal(p.live, INSPECT_STALE);
	inspect_liveness(&a, NULL, false, &p);
	assert_int_equal(p.method, INSPECT_BY_CONNECT);
	assert_int_equal(p.live, INSPECT_STALE);
	assert_int_equal(p.err, ECONNREFUSED);
	/* Another process's listener from /proc/net/unix: only a connect can tell more. */
	struct sockets_entry e = { .ino = 9, .type = SOCK_STREAM, .state = SOCKETS_LISTEN,
				   .nprocs = 1, .procs = { { 1, 3 } } };
	inspect_liveness(&a, &e, false, &p);
	assert_int_equal(p.method, INSPECT_BY_CONNECT);
	assert_int_equal(p.err, ECONNREFUSED);
}

/* Every step the mode bits deny is a blocker, in path order; the first is also fail's. */
static void test_every_blocker(void **state)
{
	struct inspect_perm steps[] = {
		{ "/srv", S_IFDIR | 0755, 0, 0, INSPECT_NEED_X, false },
		{ "/srv/run", S_IFDIR | 0750, 0, 0, INSPECT_NEED_X, false },
		{ "/srv/run/app.sock", S_IFSOCK | 0660, 0, 0, INSPECT_NEED_W, false },
	};
	gid_t g[] = { 65534 };
	struct inspect_user u = { 65534, 65534, g, 1 };
	struct inspect_verdict v;
	inspect_verdict(&u, steps, 3, &v);
	assert_false(v.allowed);
	assert_int_equal(v.fail, 1);
	assert_int_equal(v.nblockers, 2);
	assert_int_equal(v.blockers[0].step, 1);
	assert_int_equal(v.blockers[0].missing, INSPECT_NEED_X);
	assert_int_equal(v.blockers[0].cls, INSPECT_OTHER);
	assert_int_equal(v.blockers[1].step, 2);
	assert_int_equal(v.blockers[1].missing, INSPECT_NEED_W);
	/* Allowed: no blockers. */
	steps[1].mode = S_IFDIR | 0751;
	steps[2].mode = S_IFSOCK | 0662;
	inspect_verdict(&u, steps, 3, &v);
	assert_true(v.allowed);
	assert_int_equal(v.nblockers, 0);
}

static void assert_step(const struct inspect_fix_step *s, enum inspect_fix_op op,
			const char *path, char who, unsigned bits, gid_t gid)
{
	assert_int_equal(s->op, op);
	if (path)
		assert_string_equal(s->path, path);
	if (op == INSPECT_FIX_CHMOD) {
		assert_int_equal(s->who, who);
		assert_int_equal(s->bits, bits);
	} else {
		assert_int_equal(s->gid, gid);
	}
}

/* The verdict on STEPS for U, and its fixes (how many). */
static size_t fixes_for(const struct inspect_user *u, const struct inspect_perm *steps, size_t n,
			struct inspect_verdict *v, struct inspect_fix *f)
{
	inspect_verdict(u, steps, n, v);
	return inspect_fixes(u, steps, v, f, INSPECT_FIXES_MAX);
}

/* The two-blocker directory of root's: the user's primary group takes both nodes (their
 * group bits already suffice), or the other class gets the bits. */
static void test_fixes_root_group(void **state)
{
	struct inspect_perm steps[] = {
		{ "/srv/run", S_IFDIR | 0750, 0, 0, INSPECT_NEED_X, false },
		{ "/srv/run/app.sock", S_IFSOCK | 0640, 0, 0, INSPECT_NEED_W, false },
	};
	struct inspect_user u = { 65534, 65534, NULL, 0 };
	struct inspect_verdict v;
	struct inspect_fix f[INSPECT_FIXES_MAX];
	assert_int_equal(fixes_for(&u, steps, 2, &v, f), 2);
	assert_int_equal(f[0].scope, INSPECT_SCOPE_GROUP);
	assert_int_equal(f[0].n, 3);
	assert_step(&f[0].v[0], INSPECT_FIX_CHGRP, "/srv/run", 0, 0, 65534);
	assert_int_equal(f[0].v[0].old_gid, 0);
	assert_step(&f[0].v[1], INSPECT_FIX_CHGRP, "/srv/run/app.sock", 0, 0, 65534);
	/* 0640: the group has no w, so chgrp alone would not do. */
	assert_step(&f[0].v[2], INSPECT_FIX_CHMOD, "/srv/run/app.sock", 'g', INSPECT_NEED_W, 0);
	assert_int_equal(f[1].scope, INSPECT_SCOPE_EVERYONE);
	assert_int_equal(f[1].n, 2);
	assert_step(&f[1].v[0], INSPECT_FIX_CHMOD, "/srv/run", 'o', INSPECT_NEED_X, 0);
	assert_step(&f[1].v[1], INSPECT_FIX_CHMOD, "/srv/run/app.sock", 'o', INSPECT_NEED_W, 0);
	/* No primary group to use: only the fix for everybody is left. */
	u.gid = (gid_t)-1;
	assert_int_equal(inspect_fixes(&u, steps, &v, f, INSPECT_FIXES_MAX), 1);
	assert_int_equal(f[0].scope, INSPECT_SCOPE_EVERYONE);
}

/* A service group that has the bits: the user joins it, and nobody else gains anything;
 * the owner's own missing bit is its u+ in both fixes. */
static void test_fixes_join_and_owner(void **state)
{
	struct inspect_perm steps[] = {
		{ "/srv/run", S_IFDIR | 0750, 0, 50, INSPECT_NEED_X, false },
		{ "/srv/run/app.sock", S_IFSOCK | 0570, 1000, 50, INSPECT_NEED_W, false },
	};
	struct inspect_user u = { 1000, 1000, NULL, 0 };
	struct inspect_verdict v;
	struct inspect_fix f[INSPECT_FIXES_MAX];
	assert_int_equal(fixes_for(&u, steps, 2, &v, f), 2);
	assert_int_equal(v.nblockers, 2);
	assert_int_equal(f[0].scope, INSPECT_SCOPE_USER);
	assert_int_equal(f[0].n, 2);
	assert_step(&f[0].v[0], INSPECT_FIX_CHMOD, "/srv/run/app.sock", 'u', INSPECT_NEED_W, 0);
	assert_step(&f[0].v[1], INSPECT_FIX_JOIN, NULL, 0, 0, 50);
	assert_int_equal(f[1].scope, INSPECT_SCOPE_EVERYONE);
	assert_step(&f[1].v[0], INSPECT_FIX_CHMOD, "/srv/run", 'o', INSPECT_NEED_X, 0);
	assert_step(&f[1].v[1], INSPECT_FIX_CHMOD, "/srv/run/app.sock", 'u', INSPECT_NEED_W, 0);
}

/* In the group class already: g+ is the one fix (o+ would not help that class). */
static void test_fixes_group_class(void **state)
{
	struct inspect_perm steps[] = {
		{ "/srv/app.sock", S_IFSOCK | 0747, 0, 50, INSPECT_NEED_W, false },
	};
	gid_t g[] = { 50 };
	struct inspect_user u = { 1000, 1000, g, 1 };
	struct inspect_verdict v;
	struct inspect_fix f[INSPECT_FIXES_MAX];
	assert_int_equal(fixes_for(&u, steps, 1, &v, f), 1);
	assert_int_equal(f[0].scope, INSPECT_SCOPE_GROUP);
	assert_int_equal(f[0].n, 1);
	assert_step(&f[0].v[0], INSPECT_FIX_CHMOD, "/srv/app.sock", 'g', INSPECT_NEED_W, 0);
	/* Root, or an allowed verdict: nothing to fix. */
	u.uid = 0;
	assert_int_equal(fixes_for(&u, steps, 1, &v, f), 0);
}

/* What the command hands its front end: the report's facts, copied while they live. */
static struct inspect_report seen;
static int seen_count;

static void keep_report(void *ctx, const struct report *r)
{
	(void)ctx;
	if (r->kind != REPORT_INSPECT)
		return;
	seen = *r->inspect;   /* scalars and inline arrays only are read afterwards */
	seen_count++;
}

static void ignore_event(void *ctx, struct event *ev)
{
	(void)ctx;
	(void)ev;
}

/* The inspect command's report, field by field: a file behind a 0700 directory, judged for
 * uid 65534 (other class there), and a missing node in it. No sockets: the facts only. */
static void test_inspect_report_fields(void **state)
{
	char dir[64], path[96], missing[96];
	snprintf(dir, sizeof(dir), "%s/udscope-unit-XXXXXX", test_tmpdir());
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/d", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(chmod(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/d/f", dir);
	snprintf(missing, sizeof(missing), "%s/d/new.sock", dir);
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	close(fd);
	struct app app;
	assert_int_equal(app_init(&app, BUS_LOSSLESS, 64, (struct event_sink){ ignore_event, NULL }),
			 0);
	app.reports = (struct report_sink){ keep_report, NULL };
	char line[160];
	snprintf(line, sizeof(line), "inspect %s --as 65534", path);
	assert_int_equal(cmd_run_line(&app, line), CMD_OK);
	assert_int_equal(seen_count, 1);
	assert_false(seen.is_socket);
	assert_false(seen.has_live);
	assert_int_equal(seen.verdict.reason, INSPECT_R_DENIED);
	assert_false(seen.verdict.can);
	assert_int_equal(seen.verdict.v.nblockers, 1);
	assert_int_equal(seen.verdict.v.blockers[0].missing, INSPECT_NEED_X);
	assert_int_equal(seen.verdict.v.blockers[0].cls, INSPECT_OTHER);
	assert_true(seen.verdict.nfixes >= 1);
	assert_int_equal(seen.verdict.fixes[seen.verdict.nfixes - 1].scope, INSPECT_SCOPE_EVERYONE);
	assert_false(seen.has_create);
	/* --check turns the verdict into the outcome. */
	snprintf(line, sizeof(line), "inspect %s --as 65534 --check", path);
	assert_int_equal(cmd_run_line(&app, line), CMD_FAIL);
	assert_true(seen.check);
	/* A node that is not there: whether it could be created, and by whom. */
	snprintf(line, sizeof(line), "inspect %s --as 65534", missing);
	assert_int_equal(cmd_run_line(&app, line), CMD_OK);
	assert_true(seen.has_create);
	assert_false(seen.create.can);
	assert_int_equal(seen.create.reason, INSPECT_R_DENIED);
	assert_int_equal(seen_count, 3);
	app_close(&app);
	unlink(path);
	snprintf(path, sizeof(path), "%s/d", dir);
	rmdir(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode_strings),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_verdict_acl),
		cmocka_unit_test(test_fixes_acl_first),
		cmocka_unit_test(test_unit_from_list),
		cmocka_unit_test(test_every_blocker),
		cmocka_unit_test(test_fixes_root_group),
		cmocka_unit_test(test_fixes_join_and_owner),
		cmocka_unit_test(test_fixes_group_class),
		cmocka_unit_test(test_inspect_report_fields),
		cmocka_unit_test(test_class_of),
		cmocka_unit_test(test_show),
		cmocka_unit_test(test_proc_net_rows),
		cmocka_unit_test(test_names_and_sort),
		cmocka_unit_test(test_liveness_without_connect),
		cmocka_unit_test(test_liveness_falls_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
