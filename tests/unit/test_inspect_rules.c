/* test_inspect_rules: two of inspect's rules tested straight from a walk: connect needs only
 * write (w) on the socket and search (x) on each directory (never read), and a user in a
 * node's group class is fixed with exactly the group bits it lacks on each step (g+x on a
 * directory, g+w on the socket), no other class and no other bit. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "core/system/inspect.h"

/* A walk of three steps, as inspect_walk would leave it: /, /srv, /srv/app.sock. */
static void walk_of(struct inspect_walk *w, struct inspect_step v[3], mode_t dir, gid_t dgid,
		    mode_t sock, gid_t sgid)
{
	memset(v, 0, 3 * sizeof(*v));
	v[0] = (struct inspect_step){ .path = "/", .name = "/", .mode = S_IFDIR | 0755 };
	v[1] = (struct inspect_step){ .path = "/srv",
				      .name = "srv",
				      .mode = S_IFDIR | dir,
				      .gid = dgid };
	v[2] = (struct inspect_step){ .path = "/srv/app.sock",
				      .name = "app.sock",
				      .mode = S_IFSOCK | sock,
				      .gid = sgid };
	*w = (struct inspect_walk){ .abs = "/srv/app.sock", .v = v, .n = 3, .cap = 3 };
}

/* The verdict for U on the walk's connect checks; *N gets how many checks there are. */
static void judge(const struct inspect_user *u, const struct inspect_walk *w,
		  struct inspect_perm *p, size_t *n, struct inspect_verdict *v)
{
	*n = inspect_connect_perms(w, p, 8);
	inspect_verdict(u, p, *n, v);
}

static void test_socket_needs_write_only(void **state)
{
	(void)state;
	struct inspect_walk w;
	struct inspect_step s[3];
	struct inspect_perm p[8];
	struct inspect_verdict v;
	size_t n;
	struct inspect_user other = { 1000, 1000, NULL, 0 };
	walk_of(&w, s, 0711, 0, 0602, 0);
	judge(&other, &w, p, &n, &v);
	assert_int_equal(n, 3);
	assert_int_equal(p[0].need, INSPECT_NEED_X);
	assert_int_equal(p[1].need, INSPECT_NEED_X);
	assert_int_equal(p[2].need, INSPECT_NEED_W); /* the socket: w, not r */
	assert_true(v.allowed && v.by_mode);         /* o=w on the socket is enough */
	/* Read without write: denied at the socket, for the w bit alone. */
	walk_of(&w, s, 0711, 0, 0604, 0);
	judge(&other, &w, p, &n, &v);
	assert_false(v.allowed);
	assert_int_equal(v.fail, 2);
	assert_int_equal(v.missing, INSPECT_NEED_W);
	assert_int_equal(v.cls, INSPECT_OTHER);
	/* The owner with u=w only connects too. */
	walk_of(&w, s, 0711, 0, 0200, 0);
	s[2].uid = 1000;
	judge(&other, &w, p, &n, &v);
	assert_true(v.allowed && v.by_mode);
}

static void test_group_class_gets_group_bits(void **state)
{
	(void)state;
	struct inspect_walk w;
	struct inspect_step s[3];
	struct inspect_perm p[8];
	struct inspect_verdict v;
	struct inspect_fix f[INSPECT_FIXES_MAX];
	size_t n;
	gid_t groups[] = { 50 };
	struct inspect_user u = { 1000, 1000, groups, 1 };
	/* Group 50 on both; the group lacks x on /srv and w on the socket; other has them. */
	walk_of(&w, s, 0747, 50, 0646, 50);
	judge(&u, &w, p, &n, &v);
	assert_false(v.allowed);
	assert_int_equal(v.nblockers, 2);
	assert_int_equal(v.cls, INSPECT_GROUP);
	assert_true(v.supplementary);
	size_t nf = inspect_fixes(&u, p, &v, f, INSPECT_FIXES_MAX);
	assert_true(nf >= 1);
	assert_int_equal(f[0].scope, INSPECT_SCOPE_GROUP);
	assert_int_equal(f[0].n, 2);
	assert_int_equal(f[0].v[0].op, INSPECT_FIX_CHMOD);
	assert_string_equal(f[0].v[0].path, "/srv");
	assert_int_equal(f[0].v[0].who, 'g');
	assert_int_equal(f[0].v[0].bits, INSPECT_NEED_X);
	assert_int_equal(f[0].v[1].op, INSPECT_FIX_CHMOD);
	assert_string_equal(f[0].v[1].path, "/srv/app.sock");
	assert_int_equal(f[0].v[1].who, 'g');
	assert_int_equal(f[0].v[1].bits, INSPECT_NEED_W);
	/* No fix by the other class: its bits do not apply to a member of the group. */
	for (size_t i = 0; i < nf; i++)
		for (size_t k = 0; k < f[i].n; k++)
			assert_false(f[i].v[k].op == INSPECT_FIX_CHMOD && f[i].v[k].who == 'o');
}

/* In the other class on root's node: the user's primary group takes it (chgrp), and g+w
 * follows only where the node's group bits lack w, read from the group's three bits. */
static void test_chgrp_adds_missing_group_bits(void **state)
{
	(void)state;
	struct inspect_walk w;
	struct inspect_step s[3];
	struct inspect_perm p[8];
	struct inspect_verdict v;
	struct inspect_fix f[INSPECT_FIXES_MAX];
	size_t n;
	struct inspect_user u = { 1000, 1000, NULL, 0 };
	walk_of(&w, s, 0755, 0, 0604, 0); /* the owner's rw, the group's nothing */
	judge(&u, &w, p, &n, &v);
	assert_false(v.allowed);
	assert_true(inspect_fixes(&u, p, &v, f, INSPECT_FIXES_MAX) >= 1);
	assert_int_equal(f[0].scope, INSPECT_SCOPE_GROUP);
	assert_int_equal(f[0].n, 2);
	assert_int_equal(f[0].v[0].op, INSPECT_FIX_CHGRP);
	assert_int_equal(f[0].v[0].gid, 1000);
	assert_int_equal(f[0].v[1].op, INSPECT_FIX_CHMOD);
	assert_int_equal(f[0].v[1].who, 'g');
	assert_int_equal(f[0].v[1].bits, INSPECT_NEED_W);
	/* The group already has w (0624): the chgrp alone does it. */
	walk_of(&w, s, 0755, 0, 0624, 0);
	judge(&u, &w, p, &n, &v);
	assert_true(inspect_fixes(&u, p, &v, f, INSPECT_FIXES_MAX) >= 1);
	assert_int_equal(f[0].n, 1);
	assert_int_equal(f[0].v[0].op, INSPECT_FIX_CHGRP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socket_needs_write_only),
		cmocka_unit_test(test_group_class_gets_group_bits),
		cmocka_unit_test(test_chgrp_adds_missing_group_bits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
