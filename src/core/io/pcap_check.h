/* pcap_check: how the installed tshark can decode the records of a capture for a dissector
 * name, found by asking tshark itself: by the port table (for a dissector that tells the
 * client from the server by port), by name, by another table, or not at all (then the
 * nearest name that works).
 *
 * Runs tshark as a child (posix_spawn, its output read with a deadline, killed when the
 * deadline passes); blocking for up to the deadline; thread-safe. */
#ifndef UDSCOPE_PCAP_CHECK_H
#define UDSCOPE_PCAP_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/io/pcap.h"

enum pcap_how {
	PCAP_BY_TABLE, /* call TABLE with VALUE (tcp.port 5432 for pgsql) */
	PCAP_BY_NAME,  /* call the dissector by its name */
	PCAP_UNSURE,   /* a protocol tshark knows, in no table, that a test record naming it
			* did not reach (it may want other bytes): by name */
	PCAP_CANNOT,   /* tshark knows no way to call it; NEAREST may name one that works */
};

struct pcap_plan {
	enum pcap_how how;
	char table[PCAP_DISSECTOR_MAX + 1];
	uint32_t value;
	char nearest[PCAP_DISSECTOR_MAX + 1]; /* PCAP_CANNOT: a name that works, or "" */
};

/* Ask the tshark found in PATH how to call dissector NAME, within TIMEOUT_MS milliseconds
 * per run (up to three runs). Returns 0 with PLAN filled, -ENOENT (no tshark), -ETIMEDOUT,
 * or another -errno. */
int pcap_check(const char *name, struct pcap_plan *plan, int timeout_ms);
/* Run the tshark in PATH with ARGS (NULL-terminated, at most 10), the LEN bytes of IN (at
 * most 60 KiB: they must fit in a pipe) on its stdin, its output into *OUT (malloc'd); it
 * is killed when TIMEOUT_MS pass. Returns 0, -ENOENT (no tshark), -ETIMEDOUT or -errno. */
int pcap_check_run(const char *const args[], const void *in, size_t len, int timeout_ms,
		   char **out);
/* `tshark -G decodes` of the tshark in PATH into *OUT (malloc'd), within TIMEOUT_MS.
 * Returns 0, -ENOENT (no tshark), -ETIMEDOUT or another -errno. */
int pcap_check_decodes_of_tshark(char **out, int timeout_ms);
/* From `tshark -G decodes` (DECODES: "TABLE\tVALUE\tDISSECTOR" lines): whether a table with
 * numeric values calls NAME; if so PLAN gets PCAP_BY_TABLE with the table (tcp.port first,
 * then udp.port, then any other) and its smallest value. */
bool pcap_check_decodes(const char *name, const char *decodes, struct pcap_plan *plan);
/* From `tshark -G protocols` (PROTOCOLS: "FULL NAME\tSHORT NAME\tFILTER NAME" lines): the
 * filter name of a protocol whose names hold NAME (any case) and that DECODES calls, into
 * PLAN->nearest ("" when none). */
void pcap_check_nearest(const char *name, const char *decodes, const char *protocols,
			struct pcap_plan *plan);

#endif
