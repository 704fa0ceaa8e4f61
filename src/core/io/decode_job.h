/* decode_job: tshark's full dissection of one chunk in a short-lived worker thread, with a
 * descriptor that becomes readable when the text is ready (for the console's poll loop). */
#ifndef UDSCOPE_DECODE_JOB_H
#define UDSCOPE_DECODE_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/io/decode.h"

struct decode_job;

/* Start dissecting the N bytes at DATA (copied) that went DIR on connection CONN, as D's
 * records call the dissector (its name and plan are copied: D may stop meanwhile), within
 * TIMEOUT_MS. Returns 0 or -errno. */
int decode_job_start(struct decode_job **out, const struct decoder *d, uint32_t conn,
		     enum pcap_dir dir, const void *data, size_t n, int timeout_ms);
/* Readable once the job has finished. */
int decode_job_fd(const struct decode_job *j);
/* True once finished: *R is decode_dissect's result and *TEXT its text (the caller's to
 * free; NULL when none), taken once. False while tshark still runs. */
bool decode_job_take(struct decode_job *j, int *r, char **text);
/* Forget J: freed now when it has finished, else by its thread when it ends. NULL: nothing. */
void decode_job_drop(struct decode_job *j);

#endif
