/* demo_coalesce: three writes on a socketpair, then one read of them all, as a delivery map. */
#include "config.h"

#include "core/cmd/demo_coalesce.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/cmd/app.h"
#include "core/base/bytes.h"
#include "core/teach/dmap.h"
#include "core/base/sysio.h"

#define COALESCE_READ 4096

static const char *const pieces[] = { "one ", "two ", "three" };

/* "sent 4 bytes b'one '": a call as the tour says it. */
static void say_call(struct app *app, const char *verb, const void *data, size_t n)
{
	char repr[BYTES_REPR_SIZE(64)];
	bytes_repr(data, n < 64 ? n : 64, repr, sizeof(repr));
	app_info(app, SRC_SYSTEM, "demo: %s %zu bytes %s", verb, n, repr);
}

/* The three writes, then the one read, into M. Returns 0 or -errno (said). */
static int write_then_read(struct app *app, int fds[2], struct dmap *m)
{
	for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		size_t n = strlen(pieces[i]);
		int r = sysio_send_all(fds[0], pieces[i], n);
		if (r < 0) {
			app_error(app, -r, "demo: send on the socketpair");
			return r;
		}
		say_call(app, "the writer sent", pieces[i], n);
		if (dmap_add(&m->sent, n) < 0)
			return -ENOMEM;
	}
	char buf[COALESCE_READ];
	ssize_t got = recv(fds[1], buf, sizeof(buf), MSG_DONTWAIT);
	if (got < 0) {
		int e = errno;
		app_error(app, e, "demo: recv on the socketpair");
		return -e;
	}
	app_info(app, SRC_SYSTEM, "demo: the reader asked for up to %d bytes, once", COALESCE_READ);
	say_call(app, "the reader received", buf, (size_t)got);
	return dmap_add(&m->received, (uint64_t)got);
}

int demo_coalesce(struct app *app)
{
	int fds[2];
	app_info(app, SRC_SYSTEM, "demo: socketpair(AF_UNIX, SOCK_STREAM)");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
		app_error(app, errno, "demo: socketpair(AF_UNIX, SOCK_STREAM)");
		return -1;
	}
	struct dmap m = { 0 };
	int r = write_then_read(app, fds, &m);
	close(fds[0]);
	close(fds[1]);
	if (r == -ENOMEM)
		app_error(app, ENOMEM, "demo: the delivery map");
	if (r == 0) {
		struct map_report mr = { .client = "one end", .server = "the other end",
					  .client_role = "writer", .server_role = "reader",
					  .fwd = &m };
		app_report(app, &(struct report){ .kind = REPORT_MAP, .map = &mr });
	}
	dmap_free(&m);
	return r < 0 ? -1 : 0;
}
