/* socktype: the one table of socket type names (stream, seqpacket, dgram) and their SOCK_* values. */
#include "config.h"

#include "core/base/socktype.h"

#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

static const struct {
	int type;
	const char *macro;
} types[] = {
	{ SOCK_STREAM, "SOCK_STREAM" },
	{ SOCK_SEQPACKET, "SOCK_SEQPACKET" },
	{ SOCK_DGRAM, "SOCK_DGRAM" },
};

/* In the order of types[]. */
const char *const socktype_names[] = { "stream", "seqpacket", "dgram", NULL };

#define NTYPES (sizeof(types) / sizeof(types[0]))

const char *socktype_name(int type)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (types[i].type == type)
			return socktype_names[i];
	return NULL;
}

const char *socktype_macro(int type)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (types[i].type == type)
			return types[i].macro;
	return NULL;
}

int socktype_parse(const char *name)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (strcmp(name, socktype_names[i]) == 0)
			return types[i].type;
	return -1;
}
