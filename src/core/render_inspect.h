/* render_inspect: the describing helpers the inspect and sockets renderers share (errno
 * text, escaped names, a socket's holders, a fix as a command), between render_inspect.c
 * (text), render_inspect_json.c and render_sockets.c. Pure functions of their arguments. */
#ifndef UDSCOPE_RENDER_INSPECT_H
#define UDSCOPE_RENDER_INSPECT_H

#include <stddef.h>

#include "core/sockets.h"

struct json;

/* Room for a shown path (every byte escaped at worst) and a shown name. */
#define RENDER_SHOW_PATH 512
#define RENDER_SHOW_NAME 160

/* "Connection refused (ECONNREFUSED)". Returns BUF. */
const char *render_errtxt(int err, char *buf, size_t len);
/* S (a C string) escaped as bytes_escape does for names: as is when printable. */
const char *render_show(const char *s, char *buf, size_t len);
/* "pid 1234 (udscope) fd 5, this udscope process, pid 99 (name unreadable: ...) fd 3" and
 * " and N more" past the kept ones. Returns BUF ("" when none). */
const char *render_holders(const struct sockets_holders *h, char *buf, size_t len);
/* [{"pid":..,"fd":..,"comm":..,"self":..}, ...] as member KEY. */
void render_holders_json(const struct sockets_holders *h, struct json *j, const char *key);

struct inspect_report;
struct inspect_fix_step;
/* One fix step as a shell command: "chmod o+x /tmp/svc/run", "chgrp nogroup PATH",
 * "usermod -aG adm nobody" (names from R). Returns the length snprintf gave. */
int render_fix_command(const struct inspect_report *r, const struct inspect_fix_step *s,
		       char *buf, size_t len);
/* INSPECT_NEED_* bits as "rwx" letters. Returns BUF. */
const char *render_bits(unsigned bits, char buf[4]);

#endif
