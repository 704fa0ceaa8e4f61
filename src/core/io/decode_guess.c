/* decode_guess: the protocols udscope knows to decode, and a guess from a socket's name. */
#include "config.h"

#include "core/io/decode_guess.h"

#include <fnmatch.h>
#include <string.h>

static const struct decode_proto protos[] = {
	{ "HTTP/1.x", "http", "docker.sock, the Docker API" },
	{ "HTTP/2 and gRPC", "http2",
	  "containerd, the CRI: decodes only from the connection's "
	  "start (tshark needs the preface)" },
	{ "PostgreSQL", "pgsql", "" },
	{ "MySQL/MariaDB", "mysql", "" },
	{ "Redis (RESP)", "resp", "" },
	{ "memcached", "memcache", "" },
	{ "D-Bus", "dbus", "" },
	{ "syslog", "syslog", "a datagram socket such as /dev/log" },
};

/* Socket names and the dissector each suggests (fnmatch patterns on the last name). */
static const struct {
	const char *pattern, *dissector;
} names[] = {
	{ ".s.PGSQL.*", "pgsql" },         { "mysqld.sock", "mysql" },
	{ "mysql.sock", "mysql" },         { "redis*.sock", "resp" },
	{ "memcached*.sock", "memcache" }, { "bus", "dbus" },
	{ "system_bus_socket", "dbus" },   { "docker.sock", "http" },
	{ "containerd.sock", "http2" },    { "log", "syslog" },
};

const struct decode_proto *decode_protos(size_t *n)
{
	*n = sizeof(protos) / sizeof(protos[0]);
	return protos;
}

/* The protocol of DISSECTOR in the table. */
static const struct decode_proto *by_dissector(const char *dissector)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strcmp(protos[i].dissector, dissector) == 0)
			return &protos[i];
	return NULL;
}

const struct decode_proto *decode_guess(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (fnmatch(names[i].pattern, base, 0) == 0)
			return by_dissector(names[i].dissector);
	return NULL;
}
