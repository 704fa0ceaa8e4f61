/* cmd_start: what the commands that start sessions share: --type, --fd PATH (repeatable),
 * --creds and --bind turned into values, and committing (or discarding) what they start. */
#ifndef UDSCOPE_CMD_START_H
#define UDSCOPE_CMD_START_H

#include <stdbool.h>

#include "core/base/socktype.h"
#include "core/io/ancil.h"
#include "core/session/server.h"

struct app;
struct cmd_args;
struct uds_addr;

/* Open every --fd PATH of A and add --creds into OUT. On failure one error line starting with
 * OP names the path and the errno text, nothing stays open, and false is returned. */
bool cmd_ancil(struct app *app, const struct cmd_args *a, const char *op, struct ancil *out);

/* --type as a SOCK_* value (stream when not given). */
int cmd_socktype(const struct cmd_args *a);

/* --bind PATH into OUT: NULL when not given or (after one error line) when it is not an
 * address; *OK says which. Only a datagram socket may be bound. */
const struct uds_addr *cmd_bind(struct app *app, const struct cmd_args *a, const char *op,
				int type, struct uds_addr *out, bool *ok);

/* The options the readers here take, as the command tables declare them (each once, here). */
/* clang-format off */
#define CMD_OPT_TYPE { "type", CMD_OPT_CHOICE, "TYPE", 0, 0, socktype_names }
#define CMD_OPT_CHUNK { "chunk", CMD_OPT_UINT, "N", 1, SERVER_CHUNK_MAX, NULL }
#define CMD_OPT_BIND { "bind", CMD_OPT_WORD, "PATH", 0, 0, NULL }
#define CMD_OPT_FD { "fd", CMD_OPT_WORD, "PATH", 0, 0, NULL, true }
#define CMD_OPT_CREDS { "creds", CMD_OPT_FLAG, NULL, 0, 0, NULL }
#define CMD_OPT_PCAP { "pcap", CMD_OPT_WORD, "FILE", 0, 0, NULL }
#define CMD_OPT_DISSECTOR { "dissector", CMD_OPT_WORD, "NAME", 0, 0, NULL }
/* clang-format on */

/* The receive size a session of TYPE starts with: --chunk N, else `set chunk`'s, else 16 for
 * a stream or seqpacket socket and 0 (each datagram whole) for a datagram socket. */
unsigned cmd_chunk(const struct app *app, const struct cmd_args *a, int type);

/* A receive size argument (1..SERVER_CHUNK_MAX), as `server chunk` and `chunk` declare it. */
#define CMD_CHUNK_RANGE { 1, SERVER_CHUNK_MAX, "a receive size", "bytes" }
/* What starts a connection, said when a command needs one and none is open. */
#define CMD_CONNECT_FIRST "connect PATH first"

/* Say that session ID (of SRC) now receives at most N bytes a recv, and what it did before:
 * WAS bytes, or 0 for each datagram whole (`server chunk`, `chunk`). */
void cmd_say_chunk(struct app *app, int src, unsigned id, unsigned n, unsigned was);

struct pcap_writer;
/* --pcap FILE [--dissector NAME] into *OUT (NULL when not given): 0, or -1 after one error
 * line starting with KIND and WHAT ("tap ./s", "watch ./s"). */
int cmd_open_pcap(struct app *app, const struct cmd_args *a, const char *kind, const char *what,
		  struct pcap_writer **out);

struct session;
/* After a session's start function returned R for S: on success commit S running as IMPL
 * and, with WAIT, make the line wait for it to finish (CMD_PENDING, else CMD_OK); on
 * failure discard S (CMD_FAIL). */
int cmd_started(struct app *app, struct session *s, void *impl, int r, bool wait);

/* `KIND stop [PATH|ID]`: stop the entry's target (cmd_resolve found it) and wait for it. */
int cmd_stop_target(struct app *app, const struct cmd_args *a);
/* `KIND status [PATH|ID]`: LINE for the entry's target, or, when none was named, for each
 * session of KIND (NONE, said from SOURCE, when there is none). */
int cmd_status_each(struct app *app, const struct cmd_args *a, int kind,
		    void (*line)(struct app *app, const struct session *s), int source,
		    const char *none);

#endif
