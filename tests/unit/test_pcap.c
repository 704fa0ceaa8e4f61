/* test_pcap: capture files of link type 252: header, records, tags read back byte by byte,
 * refusal to overwrite, and (when tshark is installed) Wireshark's own reading of an HTTP
 * exchange. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../skip.h"
#include "../tmpdir.h"

#include "core/io/pcap.h"
#include "core/io/pcap_check.h"

struct tmp {
	char dir[64];
	char path[96];
};

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));
	snprintf(t->dir, sizeof(t->dir), "%s/udscope-pcap-XXXXXX", test_tmpdir());
	if (!t || !mkdtemp(t->dir))
		return -1;
	snprintf(t->path, sizeof(t->path), "%s/cap.pcap", t->dir);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;
	unlink(t->path);
	rmdir(t->dir);
	free(t);
	return 0;
}

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static unsigned char buf[1 << 20];
	*n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return buf;
}

static uint32_t u32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint16_t tbe16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t tbe32(const unsigned char *p)
{
	return (uint32_t)tbe16(p) << 16 | tbe16(p + 2);
}

/* The value of tag TYPE in the tags at P (LEN bytes before the payload), or NULL. */
static const unsigned char *find_tag(const unsigned char *p, size_t *payload_at, uint16_t type,
				     uint16_t *len)
{
	const unsigned char *found = NULL;
	size_t k = 0;
	for (;;) {
		uint16_t ty = tbe16(p + k), l = tbe16(p + k + 2);
		if (ty == type) {
			found = p + k + 4;
			*len = l;
		}
		k += 4u + l;
		if (ty == 0)
			break;
	}
	*payload_at = k;
	return found;
}

static void test_header_and_records(void **state)
{
	struct tmp *t = *state;
	struct pcap_writer *w;
	assert_int_equal(pcap_open(&w, t->path, "http"), 0);
	assert_int_equal(pcap_write(w, 3, PCAP_TO_SERVER, "GET", 3), 0);
	assert_int_equal(pcap_write(w, 3, PCAP_TO_CLIENT, "", 0), 0);
	assert_int_equal(pcap_records(w), 2);
	assert_int_equal(pcap_close(w), 0);

	size_t n;
	unsigned char *b = slurp(t->path, &n);
	assert_true(n > 24);
	assert_int_equal(u32(b), 0xa1b23c4du);
	assert_int_equal(u32(b + 20), 252);
	/* Record 1: the tags, then the 3 bytes. */
	const unsigned char *r = b + 24;
	uint32_t incl = u32(r + 8), orig = u32(r + 12);
	assert_int_equal(incl, orig);
	size_t at;
	uint16_t len;
	const unsigned char *v = find_tag(r + 16, &at, 12, &len);
	assert_non_null(v);
	assert_int_equal(len, 4);
	assert_memory_equal(v, "http", 4);
	assert_int_equal(incl, at + 3);
	assert_memory_equal(r + 16 + at, "GET", 3);
	v = find_tag(r + 16, &at, 20, &len);
	assert_int_equal(tbe32(v), 0x7f000003u);          /* client 127.0.0.3 sends */
	v = find_tag(r + 16, &at, 21, &len);
	assert_int_equal(tbe32(v), 0x7f000002u);
	v = find_tag(r + 16, &at, 25, &len);
	assert_int_equal(tbe32(v), 1024 + 3);
	v = find_tag(r + 16, &at, 26, &len);
	assert_int_equal(tbe32(v), 80);
	/* Record 2 goes the other way and carries no bytes; nothing follows it. */
	const unsigned char *r2 = r + 16 + incl;
	v = find_tag(r2 + 16, &at, 20, &len);
	assert_int_equal(tbe32(v), 0x7f000002u);
	assert_int_equal(u32(r2 + 8), at);
	assert_int_equal((size_t)(r2 + 16 + at - b), n);
}

static void test_refuses_existing_file_and_bad_names(void **state)
{
	struct tmp *t = *state;
	FILE *f = fopen(t->path, "w");
	fputs("keep me", f);
	fclose(f);
	struct pcap_writer *w;
	assert_int_equal(pcap_open(&w, t->path, "data"), -EEXIST);
	size_t n;
	unsigned char *b = slurp(t->path, &n);
	assert_int_equal(n, 7);
	assert_memory_equal(b, "keep me", 7);
	unlink(t->path);
	assert_int_equal(pcap_open(&w, t->path, "ht tp"), -EINVAL);
	assert_int_equal(pcap_open(&w, t->path, ""), -EINVAL);
	assert_int_equal(access(t->path, F_OK), -1);
}

static void test_long_chunk_cut_to_snaplen(void **state)
{
	struct tmp *t = *state;
	struct pcap_writer *w;
	size_t big = PCAP_SNAPLEN + 1000;
	char *data = calloc(1, big);
	assert_int_equal(pcap_open(&w, t->path, "data"), 0);
	assert_int_equal(pcap_write(w, 1, PCAP_TO_SERVER, data, big), 0);
	assert_int_equal(pcap_close(w), 0);
	free(data);
	size_t n;
	unsigned char *b = slurp(t->path, &n);
	uint32_t incl = u32(b + 24 + 8), orig = u32(b + 24 + 12);
	assert_int_equal(incl, PCAP_SNAPLEN);
	assert_true(orig > big);
	assert_int_equal(n, 24 + 16 + incl);
}

/* A capture made in memory (what pcap_check shows tshark) is a file pcap_open would write:
 * the same header, one record tagged as connection 1's to the server. */
static void test_one_record_in_memory(void **state)
{
	struct tmp *t = *state;
	unsigned char mem[PCAP_ONE_RECORD_MAX(4)];
	size_t n = pcap_one_record(mem, sizeof(mem), "json", "\r\n\r\n", 4);
	assert_true(n > 24 + 16 + 4);
	assert_true(n <= sizeof(mem));
	struct pcap_writer *w;
	assert_int_equal(pcap_open(&w, t->path, "json"), 0);
	assert_int_equal(pcap_write(w, 1, PCAP_TO_SERVER, "\r\n\r\n", 4), 0);
	assert_int_equal(pcap_close(w), 0);
	size_t fn;
	unsigned char *b = slurp(t->path, &fn);
	assert_int_equal(fn, n);
	assert_memory_equal(mem, b, 24);                  /* the header */
	assert_memory_equal(mem + 24 + 8, b + 24 + 8, 8); /* lengths; the stamp differs */
	assert_memory_equal(mem + 40, b + 40, n - 40);    /* tags and bytes */
	unsigned char h[PCAP_HEADER_LEN];
	pcap_header(h);
	assert_memory_equal(h, mem, sizeof(h));
	assert_int_equal(u32(mem + 24), 0); /* stamped 0 */
	/* No room, or a name pcap_open refuses: nothing. */
	assert_int_equal(pcap_one_record(mem, n - 1, "json", "\r\n\r\n", 4), 0);
	assert_int_equal(pcap_one_record(mem, sizeof(mem), "js on", "\r\n\r\n", 4), 0);
}

/* Wireshark's reading, when tshark is here: the request and the response dissected as HTTP,
 * and the two directions told apart by address. */
static void test_tshark_reads_http(void **state)
{
	struct tmp *t = *state;
	if (system("command -v tshark >/dev/null 2>&1") != 0) {
		UD_SKIP("tshark not installed (apt-get install tshark)");
		return;
	}
	struct pcap_writer *w;
	const char req[] = "GET /x HTTP/1.1\r\nHost: uds\r\n\r\n";
	const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
	assert_int_equal(pcap_open(&w, t->path, "http"), 0);
	assert_int_equal(pcap_write(w, 7, PCAP_TO_SERVER, req, sizeof(req) - 1), 0);
	assert_int_equal(pcap_write(w, 7, PCAP_TO_CLIENT, rsp, sizeof(rsp) - 1), 0);
	assert_int_equal(pcap_close(w), 0);
	char cmd[256], out[512] = "";
	snprintf(cmd, sizeof(cmd), "HOME=/tmp tshark -n -r '%s' -T fields -e ip.src -e "
		 "http.request.method -e http.response.code 2>/dev/null", t->path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t got = fread(out, 1, sizeof(out) - 1, p);
	pclose(p);
	out[got] = '\0';
	assert_string_equal(out, "127.0.0.7\tGET\t\n127.0.0.2\t\t200\n");
}

/* A capture that never began is removed, and only the file pcap_open made: another file
 * put at its path meanwhile stays. */
static void test_discard_removes_only_its_own(void **state)
{
	struct tmp *t = *state;
	struct pcap_writer *w;
	assert_int_equal(pcap_open(&w, t->path, "data"), 0);
	struct stat st;
	assert_int_equal(stat(t->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(pcap_discard(w), 0);
	assert_int_equal(access(t->path, F_OK), -1);

	char moved[128];
	snprintf(moved, sizeof(moved), "%s/moved.pcap", t->dir);
	assert_int_equal(pcap_open(&w, t->path, "data"), 0);
	assert_int_equal(rename(t->path, moved), 0);
	FILE *f = fopen(t->path, "w");
	fputs("someone else's", f);
	fclose(f);
	assert_int_not_equal(pcap_discard(w), 0);
	size_t n;
	unsigned char *b = slurp(t->path, &n);
	assert_int_equal(n, 14);
	assert_memory_equal(b, "someone else's", 14);
	assert_int_equal(access(moved, F_OK), 0);
	unlink(moved);
}

/* A dissector table instead of a name: tag 14 with the table, tag 32 with the value right
 * after it, and the value as the server's port. */
static void test_table_tags(void **state)
{
	struct tmp *t = *state;
	struct pcap_writer *w;
	assert_int_equal(pcap_open(&w, t->path, "pgsql"), 0);
	assert_int_equal(pcap_use_table(w, "tcp.port", 5432), 0);
	assert_int_equal(pcap_write(w, 1, PCAP_TO_SERVER, "Q", 1), 0);
	assert_int_equal(pcap_close(w), 0);
	size_t n;
	unsigned char *b = slurp(t->path, &n);
	const unsigned char *tags = b + 24 + 16;
	static const unsigned char want[] = { 0,   14,  0, 8,  't', 'c', 'p', '.', 'p',  'o',
					      'r', 't', 0, 32, 0,   4,   0,   0,   0x15, 0x38 };
	assert_memory_equal(tags, want, sizeof(want));
	/* source 127.0.0.1 port 1025, destination 127.0.0.2 port 5432 */
	static const unsigned char ports[] = { 0, 25, 0, 4, 0, 0, 0x04, 0x01,
					       0, 26, 0, 4, 0, 0, 0x15, 0x38 };
	assert_memory_equal(tags + sizeof(want) + 3 * 8, ports, sizeof(ports));
}

/* tshark -G decodes: the port table first, its smallest port; a string table or a range is
 * no way to call it; another numeric table when no port table has it. */
static void test_check_decodes(void **state)
{
	(void)state;
	static const char decodes[] = "sctp.port\t80\thttp\n"
				      "tcp.port\t8080\thttp\n"
				      "media_type\tapplication/json\tjson\n"
				      "tcp.port\t80\thttp\n"
				      "tcp.port\t5432\tpgsql\n"
				      "wtap_encap\t146\tdbus\n"
				      "udp.port\t11211\tmemcache\n"
				      "tcp.port\t11211\tmemcache\n";
	struct pcap_plan p = { .how = PCAP_CANNOT };
	assert_true(pcap_check_decodes("http", decodes, &p));
	assert_int_equal(p.how, PCAP_BY_TABLE);
	assert_string_equal(p.table, "tcp.port");
	assert_int_equal(p.value, 80);
	memset(&p, 0, sizeof(p));
	assert_true(pcap_check_decodes("memcache", decodes, &p));
	assert_string_equal(p.table, "tcp.port");
	assert_int_equal(p.value, 11211);
	memset(&p, 0, sizeof(p));
	assert_true(pcap_check_decodes("dbus", decodes, &p));
	assert_string_equal(p.table, "wtap_encap");
	assert_int_equal(p.value, 146);
	memset(&p, 0, sizeof(p));
	p.how = PCAP_CANNOT;
	assert_false(pcap_check_decodes("json", decodes, &p));
	assert_false(pcap_check_decodes("pgsq", decodes, &p));
	assert_int_equal(p.how, PCAP_CANNOT);
}

/* tshark -G protocols: a name in no table gets the filter name of a protocol whose names
 * hold it, preferring one in a port table. */
static void test_check_nearest(void **state)
{
	(void)state;
	static const char decodes[] = "tcp.port\t6379\tresp\ntcp.port\t5432\tpgsql\n";
	static const char protocols[] = "REdis Serialization Protocol\tRESP\tresp\n"
					"PostgreSQL\tPGSQL\tpgsql\n"
					"Hypertext Transfer Protocol\tHTTP\thttp\n";
	struct pcap_plan p = { .how = PCAP_CANNOT };
	pcap_check_nearest("redis", decodes, protocols, &p);
	assert_string_equal(p.nearest, "resp");
	pcap_check_nearest("postgres", decodes, protocols, &p);
	assert_string_equal(p.nearest, "pgsql");
	pcap_check_nearest("gopher", decodes, protocols, &p);
	assert_string_equal(p.nearest, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_header_and_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_existing_file_and_bad_names, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_long_chunk_cut_to_snaplen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tshark_reads_http, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discard_removes_only_its_own, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_tags, setup, teardown),
		cmocka_unit_test(test_check_decodes),
		cmocka_unit_test_setup_teardown(test_one_record_in_memory, setup, teardown),
		cmocka_unit_test(test_check_nearest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
