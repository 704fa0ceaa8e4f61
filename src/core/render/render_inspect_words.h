/* render_inspect_words: the describing helpers the inspect and sockets renderers share (errno
 * text, escaped names, a socket's holders, a fix as a command; render_inspect_words.c),
 * between render_inspect.c (text), render_inspect_json.c and render_sockets.c. Pure
 * functions of their arguments. */
#ifndef UDSCOPE_RENDER_INSPECT_WORDS_H
#define UDSCOPE_RENDER_INSPECT_WORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/system/sockets.h"

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
struct inspect_identity;
struct inspect_judgement;
/* One fix step as a shell command: "chmod o+x /tmp/svc/run", "chgrp nogroup PATH",
 * "usermod -aG adm nobody" (names from R). Returns the length snprintf gave. */
int render_fix_command(const struct inspect_report *r, const struct inspect_fix_step *s,
		       char *buf, size_t len);
/* The lasting fix of R's socket node: "setfacl -d -m u:nobody:w DIR". Returns the length
 * snprintf gave. */
int render_lasting_command(const struct inspect_report *r, char *buf, size_t len);
struct inspect_perm;
/* "ACL user:nobody:rw-" for the entry ENTRY of P's ACL that decided, with " masked by
 * mask::r--" when MASK (-1: none) takes a bit P needs. Returns BUF. */
const char *render_acl_decision(const struct inspect_report *r, const struct inspect_perm *p,
				int entry, int mask, char *buf, size_t len);
/* S as one shell word: as is when plain, else in single quotes. Returns BUF. */
const char *render_shell_word(const char *s, char *buf, size_t len);
/* INSPECT_NEED_* bits as "rwx" letters. Returns BUF. */
const char *render_bits(unsigned bits, char buf[4]);

/* --- within the inspect renderers (render_inspect*.c) --- */

#include "core/render/render.h"

/* The text lines' sink, with the report for names. */
struct render_out {
	const struct inspect_report *r;
	render_line_fn fn;
	void *ctx;
};

#define say(o, ...) render_linef((o)->fn, (o)->ctx, 0, __VA_ARGS__)

/* "root (0)", or just "1234" when the id has no name. */
const char *render_id_text(const struct render_out *o, bool group, unsigned long id, char *buf,
			   size_t len);
/* A bare name for columns: "root", or the number. */
const char *render_owner_word(const struct inspect_report *r, bool group, unsigned long id,
			      char *buf, size_t len);
/* "nobody (65534)" for the user a verdict is about; "uid N" without a name. */
const char *render_who_text(const struct inspect_identity *id, char *buf, size_t len);

/* The liveness lines of a path (render_inspect_live_text) or of an abstract name (the
 * others, in the order it shows them). */
void render_inspect_live_text(const struct render_out *o);
void render_inspect_liveness_text(const struct render_out *o);
void render_inspect_method_text(const struct render_out *o);
void render_inspect_probe_text(const struct render_out *o);
/* One line per fix of J. */
void render_inspect_fixes(const struct render_out *o, const struct inspect_judgement *j);

#endif
