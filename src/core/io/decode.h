/* decode: what a session's chunks mean, said by Wireshark's dissectors. One tshark child per
 * decoding session reads the chunks as the live pcap stream core/io/pcap.c writes (link type
 * 252, the same tags) and prints one summary line a record, which comes back as an event.
 *
 * Any session that makes chunk events can use it (a tap now, a watch later): call
 * decode_offer for each chunk as it is published (it never blocks: a full queue or a flood
 * skips the chunk for decoding, counted, never for forwarding or capture), decode_release
 * once the chunk events are handed to the bus (so a summary never comes before its chunk),
 * and decode_stop when the session ends.
 *
 * Threads: a writer feeds tshark from the bounded queue, a reader turns tshark's lines into
 * events (EV_INFO with decoded set, chunk_no naming the chunk; those of one read at once,
 * through emit_many where the sink has it) on the sink given, which must be safe from any
 * thread (the bus). decode_offer and decode_release come from one thread at a time (the
 * session's); decode_stats from any; decode_start and decode_stop from a thread that
 * outlives the decoder (the main thread): tshark gets PR_SET_PDEATHSIG, which
 * follows the thread that started it, so it also ends when udscope dies. */
#ifndef UDSCOPE_DECODE_H
#define UDSCOPE_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/event.h"
#include "core/io/pcap.h"
#include "core/io/pcap_check.h"

struct decoder;

/* Chunks waiting for tshark at most; a chunk's first bytes that go to tshark at most (the
 * record says its whole length: a summary rarely needs more). */
#define DECODE_QUEUE 256
#define DECODE_KEEP (16 * 1024)
/* A flood is sampled: chunks go to tshark at DECODE_RATE a second at most, after a burst of
 * DECODE_BURST; the rest are skipped for decoding (counted as sampled out). A conversation
 * at a human's or a program's usual pace is decoded whole; a flood's cost for the relay and
 * for tshark stays bounded. */
#define DECODE_RATE 2000
#define DECODE_BURST DECODE_QUEUE

struct decode_stats {
	uint64_t offered; /* chunks offered */
	uint64_t skipped; /* ... not decoded: sampled out, or the queue was full (tshark fell
			   * behind) */
	uint64_t sampled; /* ... of those, sampled out: the traffic ran above DECODE_RATE */
	uint64_t decoded; /* summaries that came back */
	int exit_status;  /* tshark's wait status once it ended, else -1 */
};

/* The tshark in PATH (its full path into BUF): 0, or -ENOENT when there is none. */
int decode_find_tshark(char *buf, size_t len);

/* Start tshark for dissector NAME, called as PLAN says (NULL, or not PCAP_BY_TABLE: by
 * name). Summaries go to OUT as events of SOURCE. Returns 0, -ENOENT (no tshark), -EINVAL
 * (the name) or another -errno. */
int decode_start(struct decoder **out, const char *name, const struct pcap_plan *plan,
		 enum event_source source, const struct event_sink *sink);
/* Queue the N bytes of a chunk that went DIR on connection CONN; never blocks. In a flood
 * (above DECODE_RATE) or when the queue is full, the chunk is skipped for decoding and
 * counted, nothing else. Returns the chunk's number (1, 2, ...: for chunk_no), also when it
 * is skipped. */
uint64_t decode_offer(struct decoder *d, uint32_t conn, enum pcap_dir dir, const void *data,
		      size_t n);
/* The chunks offered so far have been published: they may go to tshark now. */
void decode_release(struct decoder *d);
void decode_stats(struct decoder *d, struct decode_stats *out);
/* "decoding (tshark, http): 12 of 14 chunks decoded, 2 skipped for decoding (tshark fell
 * behind)", or "(2 sampled out: the traffic ran above 2000 chunks a second[; N while tshark
 * fell behind])", into BUF; returns its length. */
size_t decode_describe(struct decoder *d, char *buf, size_t len);
/* The dissector name given to decode_start, and how the records call it. */
const char *decode_name(const struct decoder *d);
const struct pcap_plan *decode_plan(const struct decoder *d);
/* tshark's whole dissection (tshark -V) of one chunk of N bytes that went DIR on connection
 * CONN, as D's records call the dissector, into *OUT (malloc'd text, tshark's words: escape
 * it before showing it), within TIMEOUT_MS (tshark is killed then). For the chunk detail
 * view; blocking: call it off the main thread or with a short bound (tshark takes a second
 * or more to start). Any thread. Returns 0, -ENOENT (no tshark), -ETIMEDOUT or -errno. */
int decode_dissect(const struct decoder *d, uint32_t conn, enum pcap_dir dir, const void *data,
		   size_t n, int timeout_ms, char **out);
/* The same with the dissector's NAME and PLAN given (copies of a decoder's, for a worker
 * that must not hold the decoder: it may stop meanwhile). */
int decode_dissect_as(const char *name, const struct pcap_plan *plan, uint32_t conn,
		      enum pcap_dir dir, const void *data, size_t n, int timeout_ms, char **out);
/* Stop feeding tshark, let it print what it has for up to a second, end it (SIGKILL) if it
 * has not ended, wait for it and for both threads, and free D. NULL: nothing. */
void decode_stop(struct decoder *d);

#endif
