/* decode_full: tshark's whole dissection (-V) of one chunk, on demand, with a deadline. */
#include "config.h"

#include "core/io/decode.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/io/pcap_check.h"

/* The bytes of one chunk that go to tshark -V (fits in a pipe with the headers). */
#define FULL_KEEP (56 * 1024)

/* The capture of one record of N bytes into a malloc'd *OUT (*LEN bytes), written as a
 * decoder's stream would be (the same tags). Returns 0 or -errno. */
static int one_record(const char *name, const struct pcap_plan *plan, uint32_t conn,
		      enum pcap_dir dir, const void *data, size_t n, void **out, size_t *len)
{
	int fd = memfd_create("udscope-dissect", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	int keep_fd = dup(fd);
	struct pcap_writer *w = NULL;
	int r = keep_fd < 0 ? -errno : pcap_open_fd(&w, fd, name);
	if (r < 0)
		close(fd);
	if (r == 0 && plan && plan->how == PCAP_BY_TABLE)
		r = pcap_use_table(w, plan->table, plan->value);
	if (r == 0)
		r = pcap_write_cut(w, conn, dir, data, n < FULL_KEEP ? n : FULL_KEEP, n, 0);
	if (w)
		pcap_close(w);
	struct stat st;
	if (r == 0 && fstat(keep_fd, &st) < 0)
		r = -errno;
	if (r == 0 && !(*out = malloc((size_t)st.st_size)))
		r = -ENOMEM;
	if (r == 0 && pread(keep_fd, *out, (size_t)st.st_size, 0) != st.st_size) {
		free(*out);
		r = -EIO;
	}
	*len = r == 0 ? (size_t)st.st_size : 0;
	if (keep_fd >= 0)
		close(keep_fd);
	return r;
}

/* One chunk through tshark -V, its dissector named NAME and called as PLAN says. */
int decode_dissect_as(const char *name, const struct pcap_plan *plan, uint32_t conn,
		      enum pcap_dir dir, const void *data, size_t n, int timeout_ms, char **out)
{
	*out = NULL;
	void *cap = NULL;
	size_t len;
	int r = one_record(name, plan, conn, dir, data, n, &cap, &len);
	if (r < 0)
		return r;
	const char *args[] = { "-n", "-r", "-", "-V", NULL };
	r = pcap_check_run(args, cap, len, timeout_ms, out);
	free(cap);
	return r;
}

/* One chunk through tshark -V, as D's records call the dissector. */
int decode_dissect(const struct decoder *d, uint32_t conn, enum pcap_dir dir, const void *data,
		   size_t n, int timeout_ms, char **out)
{
	return decode_dissect_as(decode_name(d), decode_plan(d), conn, dir, data, n, timeout_ms,
				 out);
}
