/* cmd_ancil: what the --fd PATH (repeatable), --creds and --bind options of client, connect
 * and send turn into: descriptors opened to pass, credentials, a local address. */
#ifndef UDSCOPE_CMD_ANCIL_H
#define UDSCOPE_CMD_ANCIL_H

#include <stdbool.h>

#include "core/ancil.h"

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

#endif
