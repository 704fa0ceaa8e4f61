/* pcap: a capture file of the chunks that pass between two Unix socket peers, readable by
 * Wireshark and tshark without plugins.
 *
 * libpcap has no link type for AF_UNIX, so each chunk is written as link type 252
 * (WIRESHARK_UPPER_PDU): a few tags in front of the bytes name the dissector to call (for
 * example "http", or "data"; or a dissector table and a value, pcap_use_table) and give each
 * connection made-up IPv4 addresses and TCP ports (client 127.C.C.C, C the connection number
 * in 24 bits, 127.255.0.2 for connection 2 whose address would be the server's, port 1024 +
 * C % 60000; server 127.0.0.2 port 80, or the table's value for a port table), so a reader
 * can tell the connections and the directions apart.
 *
 * Each record is written with one call as soon as it is known, so the file is valid after
 * every record: a crash loses at most the record being written. Thread-safe: several
 * forwarding threads may write to one writer. */
#ifndef UDSCOPE_PCAP_H
#define UDSCOPE_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pcap_writer;

enum pcap_dir {
	PCAP_TO_SERVER,      /* the client sent it */
	PCAP_TO_CLIENT,      /* the server sent it */
};

/* The longest dissector name (Wireshark's registered names are short: "http", "data"). */
#define PCAP_DISSECTOR_MAX 63
/* The bytes of one record kept (a longer chunk is cut; the record says its whole length). */
#define PCAP_SNAPLEN 262144u

/* The classic file header: nanosecond timestamps in host byte order, version 2.4, PCAP_SNAPLEN,
 * link type 252. */
#define PCAP_HEADER_LEN 24
void pcap_header(unsigned char h[PCAP_HEADER_LEN]);
/* A whole classic capture in BUF (LEN bytes of room): the header and one record of the N bytes
 * of DATA for DISSECTOR (tagged as pcap_write tags connection 1's to the server), stamped 0:
 * what a reader is asked about (pcap_check). Returns its length, 0 when it does not fit or the
 * name is not one pcap_open takes. */
size_t pcap_one_record(unsigned char *buf, size_t len, const char *dissector, const void *data,
		       size_t n);
/* A record's tags at most: the name padded to 4 bytes (or a table's name and value), two
 * addresses, port type and two ports, the end. */
#define PCAP_TAGS_MAX (4 + PCAP_DISSECTOR_MAX + 4 + 8 + 2 * 8 + 3 * 8 + 4)
/* The room pcap_one_record needs at most for N bytes. */
#define PCAP_ONE_RECORD_MAX(n) (PCAP_HEADER_LEN + 16 + PCAP_TAGS_MAX + (n))

/* Create PATH with mode 0600 (it must not exist yet: a capture is never written over) and
 * write the file header: pcapng when PATH ends in ".pcapng" (core/io/pcapng.h: an
 * interface per socket path, pcap_iface, and a comment per record, pcap_write_noted), else
 * classic pcap. DISSECTOR: the Wireshark dissector for every record, letters, digits, '.', '_'
 * and '-' only. Returns 0, -EEXIST, -EINVAL (the name) or another -errno. */
int pcap_open(struct pcap_writer **out, const char *path, const char *dissector);
/* The same, written to FD (a pipe to a reader such as tshark) instead of a new file; the
 * writer owns FD and closes it in pcap_close. Returns 0, -EINVAL (the name) or -errno. */
int pcap_open_fd(struct pcap_writer **out, int fd, const char *dissector);
/* One record of N bytes that went in direction DIR on connection CONN, stamped now
 * (CLOCK_REALTIME, nanoseconds). Returns 0 or -errno (the file is then left as it was
 * after the last whole record). */
int pcap_write(struct pcap_writer *w, uint32_t conn, enum pcap_dir dir, const void *data,
	       size_t n);
/* The same for a record whose first N of LEN bytes are kept (N <= LEN), stamped TIME_NS
 * (CLOCK_REALTIME). */
int pcap_write_cut(struct pcap_writer *w, uint32_t conn, enum pcap_dir dir, const void *data,
		   size_t n, size_t len, uint64_t time_ns);
/* pcapng: the number of the interface named NAME (a socket path), its description written
 * the first time; classic pcap: 0. Returns the number or -errno. */
int pcap_iface(struct pcap_writer *w, const char *name);
/* pcap_write on interface IFACE (pcap_iface's) with COMMENT (pcapng: the record's comment,
 * NULL or "" for none; classic pcap: both ignored). */
int pcap_write_noted(struct pcap_writer *w, int iface, uint32_t conn, enum pcap_dir dir,
		     const void *data, size_t n, const char *comment);
/* Whether W writes pcapng (records carry comments), not classic pcap. */
bool pcap_is_ng(const struct pcap_writer *w);
/* "from pid 12 (curl) uid 1000 to pid 34 (nginx) uid 33" into BUF: a record's comment; a
 * side whose PID is 0 is "unknown". Bytes of a name outside 0x20-0x7e become '?'. */
void pcap_who_comment(char *buf, size_t len, pid_t from_pid, const char *from_comm,
		      uid_t from_uid, pid_t to_pid, const char *to_comm, uid_t to_uid);
/* Records written so far. */
uint64_t pcap_records(const struct pcap_writer *w);
/* Have every record call dissector table TABLE (a name as for DISSECTOR) with VALUE instead
 * of a dissector by name: for a dissector that tells the client from the server by port
 * ("tcp.port" 5432 for pgsql), which a call by name never sets. With "tcp.port" or
 * "udp.port" the server's made-up port is VALUE. Returns 0 or -EINVAL (the name). */
int pcap_use_table(struct pcap_writer *w, const char *table, uint32_t value);
/* Close the file. Returns 0 or -errno (close failed). */
int pcap_close(struct pcap_writer *w);
/* Close the file and remove it, if its path still names the file pcap_open created (device
 * and inode, as node_remove checks them; anything else there is left alone): for a capture
 * that never began, such as a tap that failed to start. Returns 0 or -errno. */
int pcap_discard(struct pcap_writer *w);

#endif
