/* socktype: the one table of socket type names (stream, seqpacket, dgram) and their SOCK_* values. */
#ifndef UDSCOPE_SOCKTYPE_H
#define UDSCOPE_SOCKTYPE_H

/* "stream", "seqpacket", "dgram", then NULL: the choices of every --type option. */
extern const char *const socktype_names[];

/* The name above for SOCK_STREAM, SOCK_SEQPACKET or SOCK_DGRAM; NULL for any other type. */
const char *socktype_name(int type);
/* "SOCK_STREAM", "SOCK_SEQPACKET", "SOCK_DGRAM"; NULL for any other type. */
const char *socktype_macro(int type);
/* The SOCK_* value for a name above, or -1. */
int socktype_parse(const char *name);

#endif
