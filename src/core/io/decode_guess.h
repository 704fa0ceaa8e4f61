/* decode_guess: the protocols udscope knows to decode, and the one a socket's name suggests.
 * Pure; thread-safe. */
#ifndef UDSCOPE_DECODE_GUESS_H
#define UDSCOPE_DECODE_GUESS_H

#include <stddef.h>

struct decode_proto {
	const char *label;     /* "PostgreSQL" */
	const char *dissector; /* tshark's name: "pgsql" */
	const char *note;      /* what to know, or "" */
};

/* The protocols, in help's order; N gets their count. */
const struct decode_proto *decode_protos(size_t *n);
/* The protocol a socket path's last name suggests (".s.PGSQL.5432": pgsql), or NULL. */
const struct decode_proto *decode_guess(const char *path);

#endif
