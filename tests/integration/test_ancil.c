/* test_ancil: ancillary data on real socketpairs: descriptors and credentials built, parsed,
 * described and closed; a control buffer too small cuts (MSG_CTRUNC) without leaking; the
 * event words for messages, truncation and descriptors. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../tmpdir.h"

#include "core/io/ancil.h"
#include "core/base/event.h"
#include "core/io/msgio.h"
#include "core/render/render_event.h"

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* 10,000 messages with 3 descriptors each; every third read with room for one only. */
static void test_no_leak_with_cut_control(void **state)
{
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	int f = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int before = count_fds();
	size_t cut = 0, got = 0;
	for (int i = 0; i < 10000; i++) {
		struct ancil out = { .nfds = 3, .fds = { f, f, f } };
		assert_int_equal(msgio_send(sv[0], "abcd", 4, &out, NULL, 0), 4);
		struct msgio_in in;
		char buf[2];
		size_t control = i % 3 == 0 ? CMSG_SPACE(sizeof(int)) : 0;
		assert_int_equal(msgio_recv(sv[1], buf, sizeof(buf), true, control, &in), 2);
		assert_int_equal(in.msg_len, 4);
		cut += in.anc.ctrunc;
		got += in.anc.nfds;
		ancil_close(&in.anc);
	}
	assert_int_equal(cut, 3334);
	/* What fits a cut buffer: its space past the header, in whole descriptors (2 on 64-bit
	 * machines, where CMSG_SPACE rounds 4 bytes up to 8). */
	size_t fit = (CMSG_SPACE(sizeof(int)) - CMSG_LEN(0)) / sizeof(int);
	assert_int_equal(got, 3334 * fit + 6666 * 3);
	assert_int_equal(count_fds(), before);
	close(f);
	close(sv[0]);
	close(sv[1]);
}

static void test_describe_kinds(void **state)
{
	char dir[96];
	snprintf(dir, sizeof(dir), "%s/udscope-ancil-XXXXXX", test_tmpdir());
	assert_non_null(mkdtemp(dir));
	char fifo[256];
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	int a = ancil_open(fifo);   /* no writer: must not block */
	int b = ancil_open(dir);
	assert_true(a >= 0 && b >= 0);
	struct ancil_fd_info fi;
	ancil_describe_fd(a, &fi);
	assert_string_equal(fi.type, "FIFO");
	assert_string_equal(fi.mode, "read-only");
	assert_string_equal(fi.link, fifo);
	ancil_describe_fd(b, &fi);
	assert_string_equal(fi.type, "directory");
	assert_int_equal(ancil_open("/nonexistent/x"), -ENOENT);
	close(a);
	close(b);
	unlink(fifo);
	rmdir(dir);
}

static void test_credentials_round_trip(void **state)
{
	int sv[2], one = 1;
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	assert_int_equal(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)), 0);
	struct ancil out = { .has_cred = true };
	ancil_own_cred(&out.cred);
	assert_int_equal(msgio_send(sv[0], "x", 1, &out, NULL, 0), 1);
	struct msgio_in in;
	char buf[8];
	assert_int_equal(msgio_recv(sv[1], buf, sizeof(buf), true, 0, &in), 1);
	assert_true(in.anc.has_cred);
	assert_int_equal(in.anc.cred.pid, getpid());
	struct event ev;
	event_init(&ev, SRC_SERVER, EV_RECV);
	event_set_bytes(&ev, buf, 1);
	msgio_describe(&ev, &in, true, true);
	char line[EVENT_LINE_MAX];
	render_event_words(&ev, 0, line, sizeof(line));
	char want[160];
	snprintf(want, sizeof(want), "received 1 byte b'x' from an unbound sender (pid %ld (",
		 (long)getpid());
	assert_non_null(strstr(line, want));
	close(sv[0]);
	close(sv[1]);
}

static void test_truncation_words_and_json(void **state)
{
	struct event ev;
	event_init(&ev, SRC_SERVER, EV_RECV);
	event_set_bytes(&ev, "This is the mess", 16);
	ev.message = true;
	ev.msg_len = 41;
	char line[EVENT_LINE_MAX];
	render_event_words(&ev, 0, line, sizeof(line));
	assert_string_equal(line, "received 16 of 41 bytes (message truncated: 25 bytes discarded) "
			    "b'This is the mess'");
	char json[EVENT_JSON_MAX];
	render_event_json(&ev, 0, json, sizeof(json));
	assert_non_null(strstr(json, "\"message\":true,\"msg_len\":41,\"discarded\":25"));
	/* A stream chunk reads as it always did. */
	ev.message = false;
	render_event_words(&ev, 0, line, sizeof(line));
	assert_string_equal(line, "received 16 bytes b'This is the mess'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_leak_with_cut_control),
		cmocka_unit_test(test_describe_kinds),
		cmocka_unit_test(test_credentials_round_trip),
		cmocka_unit_test(test_truncation_words_and_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
