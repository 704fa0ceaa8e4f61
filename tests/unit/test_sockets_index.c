/* test_sockets_index: the lookup indexes give what a walk of the list gives, in list order. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "core/system/sockets.h"

#define N 600

/* A made-up system: listeners on nodes and on abstract names, the connections each accepted
 * (interleaved with others), their client ends, a few closed sockets on the same nodes. */
static struct sockets_entry *make_list(size_t *n)
{
	struct sockets_entry *v = calloc(N, sizeof(*v));
	assert_non_null(v);
	for (size_t i = 0; i < N; i++) {
		struct sockets_entry *e = &v[i];
		e->ino = (uint32_t)(100000 - i * 7);
		e->type = i % 3 == 0 ? SOCK_SEQPACKET : SOCK_STREAM;
		unsigned node = (unsigned)(i % 17);
		e->state = SOCKETS_ESTABLISHED;
		if (i < 17)
			e->state = SOCKETS_LISTEN;
		else if (i % 11 == 0)
			e->state = SOCKETS_CLOSE;
		if (node % 2 && i % 5 != 1) {
			/* a path socket: bound to node NODE (the client ends have no node) */
			e->has_vfs = true;
			e->vfs_ino = 500 + node;
			e->vfs_major = 8;
			e->vfs_minor = node % 4 == 1 ? 1 : 2;
			e->name_len =
				(size_t)snprintf((char *)e->name, sizeof(e->name), "/s/%u", node);
		} else if (i % 5 != 1) {
			e->abstract = true;
			e->name_len =
				(size_t)snprintf((char *)e->name, sizeof(e->name), "a%u", node);
		}
		e->has_peer = i % 5 == 1;
		e->peer_ino = (uint32_t)(100000 - (i + 1) * 7);
	}
	*n = N;
	return v;
}

static void test_find_ino(void **state)
{
	struct sockets_list l = { 0 };
	l.v = make_list(&l.n);
	sockets_index(&l);
	assert_non_null(l.by_ino);
	for (size_t i = 0; i < l.n; i++)
		assert_ptr_equal(sockets_find_ino(&l, l.v[i].ino), &l.v[i]);
	assert_null(sockets_find_ino(&l, 3));
	assert_null(sockets_find_ino(&l, 100001));
	sockets_free(&l);
}

/* The same answers, in the same order, with the index and with a walk of the list. */
static void test_accepted_matches_walk(void **state)
{
	struct sockets_list l = { 0 };
	l.v = make_list(&l.n);
	sockets_sort(&l);      /* no index yet: none is made */
	assert_null(l.by_ino);
	const struct sockets_entry *walk[N], *fast[N];
	size_t walked[N];
	for (size_t i = 0; i < l.n; i++)
		walked[i] = sockets_accepted(&l, &l.v[i], walk, N);
	sockets_index(&l);
	size_t total = 0;
	for (size_t i = 0; i < l.n; i++) {
		size_t w = sockets_accepted(&l, &l.v[i], walk, N);   /* indexed now */
		assert_int_equal(w, walked[i]);
		l.indexed = 0;   /* the index no longer trusted: a walk */
		size_t f = sockets_accepted(&l, &l.v[i], fast, N);
		l.indexed = l.n;
		assert_int_equal(f, w);
		for (size_t k = 0; k < w; k++)
			assert_ptr_equal(fast[k], walk[k]);
		if (l.v[i].state == SOCKETS_LISTEN)
			total += w;
	}
	assert_true(total > 100);   /* the made-up system has accepted connections */
	/* Kept at most MAX, counted all. */
	assert_int_equal(sockets_accepted(&l, &l.v[0], fast, 1), walked[0]);
	sockets_sort(&l);            /* the entries move: the index follows */
	for (size_t i = 0; i < l.n; i++)
		assert_ptr_equal(sockets_find_ino(&l, l.v[i].ino), &l.v[i]);
	sockets_free(&l);
}

static struct sockets_entry named(uint32_t ino, bool abstract, const char *name)
{
	struct sockets_entry e = { .ino = ino, .abstract = abstract, .state = SOCKETS_CLOSE };
	e.name_len = strlen(name);
	memcpy(e.name, name, e.name_len);
	return e;
}

/* Names sort as shown, '@' of an abstract name included, against paths that start with '@'. */
static void test_sort_by_shown_name(void **state)
{
	struct sockets_entry v[] = {
		named(1, false, "A"),  named(2, true, "b"),    named(3, false, "@b"),
		named(4, true, ""),    named(5, false, "?"),   named(6, true, "a"),
		named(7, false, "@a"), named(8, true, "a!"), named(9, false, "@"),
		named(10, true, "\x7f"),
	};
	struct sockets_list l = { .v = v, .n = sizeof(v) / sizeof(v[0]) };
	sockets_sort(&l);
	/* Shown: "?" "@" "@" "@a" "@a" "@a!" "@b" "@b" "@" DEL, "A"; equal ones by inode. */
	static const uint32_t want[] = { 5, 4, 9, 6, 7, 8, 2, 3, 10, 1 };
	for (size_t i = 0; i < l.n; i++)
		assert_int_equal(v[i].ino, want[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_ino),
		cmocka_unit_test(test_accepted_matches_walk),
		cmocka_unit_test(test_sort_by_shown_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
