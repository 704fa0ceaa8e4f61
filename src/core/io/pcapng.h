/* pcapng: the blocks of a pcapng capture file (section header, interface description,
 * enhanced packet with a comment), built in memory in host byte order; core/io/pcap.c writes
 * them when a capture file's name ends in ".pcapng". Pure; thread-safe. */
#ifndef UDSCOPE_PCAPNG_H
#define UDSCOPE_PCAPNG_H

#include <stddef.h>
#include <stdint.h>

/* The longest interface name and record comment kept (longer ones are cut). */
#define PCAPNG_NAME_MAX 255
#define PCAPNG_COMMENT_MAX 255

/* The section header block into B (PCAPNG_SHB_LEN bytes). */
#define PCAPNG_SHB_LEN 28
void pcapng_shb(unsigned char *b);
/* An interface description block for LINKTYPE, SNAPLEN and interface NAME (if_name), with
 * nanosecond time stamps, into B (PCAPNG_IDB_MAX bytes). Returns its length. */
#define PCAPNG_IDB_MAX (16 + 4 + PCAPNG_NAME_MAX + 4 + 4 + 4 + 4 + 4)
size_t pcapng_idb(unsigned char *b, uint16_t linktype, uint32_t snaplen, const char *name);
/* The parts of an enhanced packet block around CAPLEN bytes of data (ORIGLEN in all) on
 * interface IFACE at TIME_NS: HEAD (PCAPNG_EPB_HEAD bytes) before the data, TAIL after it
 * (the data's padding, the COMMENT option when not NULL or "", the end, the length; up to
 * PCAPNG_EPB_TAIL_MAX bytes). Returns the tail's length. */
#define PCAPNG_EPB_HEAD 28
#define PCAPNG_EPB_TAIL_MAX (3 + 4 + PCAPNG_COMMENT_MAX + 3 + 4 + 4)
size_t pcapng_epb(unsigned char *head, unsigned char *tail, uint32_t iface, uint64_t time_ns,
		  uint32_t caplen, uint32_t origlen, const char *comment);
/* Whether PATH names a pcapng file (ends in ".pcapng"). */
int pcapng_wanted(const char *path);

#endif
