/* cmd_start: what the commands that start sessions share: --type, --fd PATH (repeatable),
 * --creds and --bind turned into values, and committing (or discarding) what they start. */
#include "config.h"

#include "core/cmd/cmd_start.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/base/addr.h"
#include "core/cmd/app.h"
#include "core/cmd/cmd.h"
#include "core/base/socktype.h"
#include "core/io/pcap.h"

bool cmd_ancil(struct app *app, const struct cmd_args *a, const char *op, struct ancil *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < a->nmany; i++) {
		int fd = ancil_open(a->many[i]);
		if (fd < 0) {
			app_error(app, -fd, "%s: open %s (to pass with --fd)", op, a->many[i]);
			ancil_close(out);
			return false;
		}
		out->fds[out->nfds++] = fd;
	}
	if (cmd_has(a, "creds")) {
		out->has_cred = true;
		ancil_own_cred(&out->cred);
	}
	return true;
}

int cmd_socktype(const struct cmd_args *a)
{
	return socktype_parse(cmd_str(a, "type", "stream"));
}

unsigned cmd_chunk(const struct app *app, const struct cmd_args *a, int type)
{
	/* A datagram cut is lost for good (a stream's rest is read next): cut only if asked. */
	if (type == SOCK_DGRAM && !app->settings.chunk && !cmd_has(a, "chunk"))
		return 0;
	return (unsigned)cmd_num(a, "chunk", settings_chunk(&app->settings));
}

int cmd_started(struct app *app, struct session *s, void *impl, int r, bool wait)
{
	if (r < 0) {
		app_discard(app, s);
		return CMD_FAIL;
	}
	app_commit(app, s, impl);
	if (!wait)
		return CMD_OK;
	app_wait_session(app, s);
	return CMD_PENDING;
}

const struct uds_addr *cmd_bind(struct app *app, const struct cmd_args *a, const char *op,
				int type, struct uds_addr *out, bool *ok)
{
	*ok = true;
	if (!cmd_has(a, "bind"))
		return NULL;
	const char *w = cmd_str(a, "bind", "");
	char why[256];
	if (type != SOCK_DGRAM) {
		app_error(app, 0, "%s: --bind applies to --type dgram only (a connection's replies "
			  "come back on it)", op);
		*ok = false;
		return NULL;
	}
	if (addr_parse(w, strlen(w), out, why, sizeof(why)) < 0) {
		app_error(app, 0, "%s: --bind %s", op, why);
		*ok = false;
		return NULL;
	}
	return out;
}

int cmd_stop_target(struct app *app, const struct cmd_args *a)
{
	app_end(app, a->session);
	return CMD_OK;
}

int cmd_status_each(struct app *app, const struct cmd_args *a, int kind,
		    void (*line)(struct app *app, const struct session *s), int source,
		    const char *none)
{
	if (a->session) {
		line(app, a->session);
		return CMD_OK;
	}
	size_t n = 0;
	for (struct session *s = app->sessions.head; s; s = s->next)
		if (s->ops->kind == (enum session_kind)kind) {
			line(app, s);
			n++;
		}
	if (!n)
		app_info(app, (enum event_source)source, "%s", none);
	return CMD_OK;
}

void cmd_say_chunk(struct app *app, int src, unsigned id, unsigned n, unsigned was)
{
	char before[32] = "each datagram whole";
	if (was)
		snprintf(before, sizeof(before), "%u", was);
	app_info(app, (enum event_source)src,
		 "#%u now receives at most %u bytes a recv (was %s), from its next recv on", id, n,
		 before);
}

int cmd_open_pcap(struct app *app, const struct cmd_args *a, const char *kind, const char *what,
		  struct pcap_writer **out)
{
	*out = NULL;
	if (!cmd_has(a, "pcap")) {
		if (!cmd_has(a, "dissector"))
			return 0;
		app_error(app, 0, "%s %s: --dissector goes with --pcap FILE", kind, what);
		return -1;
	}
	const char *file = cmd_str(a, "pcap", NULL), *dis = cmd_str(a, "dissector", "data");
	int r = pcap_open(out, file, dis);
	if (r == -EINVAL)
		app_error(app, 0, "%s %s: --dissector '%.64s': a Wireshark dissector name is "
			  "letters, digits, '.', '_' and '-' (http, data, ...)", kind, what, dis);
	else if (r == -EEXIST)
		app_error(app, EEXIST, "%s %s: --pcap %s: the file exists (a capture is never "
			  "written over)", kind, what, file);
	else if (r < 0)
		app_error(app, -r, "%s %s: --pcap %s: create", kind, what, file);
	return r < 0 ? -1 : 0;
}
