/* pcap: capture files of link type 252 (WIRESHARK_UPPER_PDU), one record a chunk. */
#include "config.h"

#include "core/io/pcap.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "core/base/sysio.h"
#include "core/io/node.h"
#include "core/io/pcapng.h"

/* The file header (nanosecond timestamps) and the link type. */
#define PCAP_MAGIC_NS 0xa1b23c4du
#define LINKTYPE_WIRESHARK_UPPER_PDU 252u

/* Exported-PDU tags: type and length big-endian, then the value. */
#define TAG_END 0
#define TAG_DISSECTOR_NAME 12
#define TAG_DISSECTOR_TABLE 14
#define TAG_IPV4_SRC 20
#define TAG_IPV4_DST 21
#define TAG_PORT_TYPE 24
#define TAG_SRC_PORT 25
#define TAG_DST_PORT 26
#define TAG_TABLE_VALUE 32 /* the value to look up in the table named just before */
#define PORT_TYPE_TCP 2u
#define PORT_TYPE_UDP 3u

#define SERVER_IP 0x7f000002u   /* 127.0.0.2 */
#define SERVER_PORT 80u

struct pcap_writer {
	pthread_mutex_t lock;
	int fd;
	bool broken;             /* a write failed: nothing more is written */
	uint64_t records;
	off_t good;              /* the file's length after the last whole record */
	char name[PCAP_DISSECTOR_MAX + 1];
	size_t name_len;
	bool table; /* NAME is a dissector table, looked up with VALUE */
	uint32_t value;
	uint32_t server_port;
	uint32_t port_type;
	char *path;       /* as created, with its device and inode: removed only if */
	struct stat made; /* the path still names this file (pcap_discard) */
	bool ng;          /* pcapng (the name ends in .pcapng) */
	char **ifaces;    /* pcapng: the interfaces described so far, by name */
	size_t nifaces;
};

static void be16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void be32(unsigned char *p, uint32_t v)
{
	be16(p, (uint16_t)(v >> 16));
	be16(p + 2, (uint16_t)v);
}

/* One tag at P; returns the bytes it took. */
static size_t tag(unsigned char *p, uint16_t type, const void *value, uint16_t len)
{
	be16(p, type);
	be16(p + 2, len);
	if (len)
		memcpy(p + 4, value, len);
	return 4u + len;
}

static size_t tag32(unsigned char *p, uint16_t type, uint32_t v)
{
	unsigned char b[4];
	be32(b, v);
	return tag(p, type, b, 4);
}

static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || n > PCAP_DISSECTOR_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* Write all of IOV (N pieces, TOTAL bytes) or fail; EINTR and short writes continue (a record
 * in one call: sysio_write_all for one buffer). */
static int write_all(int fd, struct iovec *iov, int n, size_t total)
{
	size_t done = 0;
	while (done < total) {
		ssize_t w = writev(fd, iov, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (w == 0)
			return -EIO;
		done += (size_t)w;
		/* Skip what went out. */
		while (n && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

void pcap_header(unsigned char h[PCAP_HEADER_LEN])
{
	/* Host byte order: the magic number tells a reader which one. */
	uint32_t magic = PCAP_MAGIC_NS, zone = 0, sigfigs = 0, snap = PCAP_SNAPLEN;
	uint32_t link = LINKTYPE_WIRESHARK_UPPER_PDU;
	uint16_t major = 2, minor = 4;
	memcpy(h, &magic, 4);
	memcpy(h + 4, &major, 2);
	memcpy(h + 6, &minor, 2);
	memcpy(h + 8, &zone, 4);
	memcpy(h + 12, &sigfigs, 4);
	memcpy(h + 16, &snap, 4);
	memcpy(h + 20, &link, 4);
}

/* The file's header, classic pcap or pcapng's section header; its length, or -errno. */
static int write_header(int fd, bool ng)
{
	unsigned char b[PCAPNG_SHB_LEN > PCAP_HEADER_LEN ? PCAPNG_SHB_LEN : PCAP_HEADER_LEN];
	size_t n = ng ? PCAPNG_SHB_LEN : PCAP_HEADER_LEN;
	if (ng)
		pcapng_shb(b);
	else
		pcap_header(b);
	int r = sysio_write_all(fd, b, n);
	return r < 0 ? r : (int)n;
}

/* A writer for DISSECTOR with the defaults, no file yet; NULL with *ERR -EINVAL (the name) or
 * -ENOMEM. */
static struct pcap_writer *writer_new(const char *dissector, int *err)
{
	size_t nl = strlen(dissector);
	if (!name_ok(dissector, nl)) {
		*err = -EINVAL;
		return NULL;
	}
	struct pcap_writer *w = calloc(1, sizeof(*w));
	if (!w) {
		*err = -ENOMEM;
		return NULL;
	}
	memcpy(w->name, dissector, nl);
	w->name_len = nl;
	w->server_port = SERVER_PORT;
	w->port_type = PORT_TYPE_TCP;
	w->fd = -1;
	pthread_mutex_init(&w->lock, NULL);
	return w;
}

int pcap_open_fd(struct pcap_writer **out, int fd, const char *dissector)
{
	int r;
	*out = writer_new(dissector, &r);
	if (!*out)
		return r;
	r = write_header(fd, false);
	if (r < 0) {
		pthread_mutex_destroy(&(*out)->lock);
		free(*out);
		*out = NULL;
		return r;
	}
	(*out)->fd = fd;
	(*out)->good = r;
	return 0;
}

int pcap_open(struct pcap_writer **out, const char *path, const char *dissector)
{
	int r;
	struct pcap_writer *w = writer_new(dissector, &r);
	*out = NULL;
	if (!w)
		return r;
	/* Other people's traffic: readable by the owner alone. */
	w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (w->fd < 0) {
		r = -errno;
		pcap_close(w);
		return r;
	}
	r = fstat(w->fd, &w->made) < 0 ? -errno : 0;
	if (r == 0 && !(w->path = strdup(path)))
		r = -ENOMEM;
	w->ng = pcapng_wanted(path);
	if (r == 0)
		r = write_header(w->fd, w->ng);
	if (r < 0) {
		pcap_discard(w);
		return r;
	}
	w->good = r;
	*out = w;
	return 0;
}

/* The tags of a record on connection CONN in direction DIR, into T; returns their length. */
static size_t make_tags(const struct pcap_writer *w, uint32_t conn, enum pcap_dir dir,
			unsigned char *t)
{
	/* The name padded with NULs to a multiple of 4 (readers drop the NULs). */
	char name[PCAP_DISSECTOR_MAX + 4] = { 0 };
	memcpy(name, w->name, w->name_len);
	uint16_t padded = (uint16_t)((w->name_len + 3) & ~(size_t)3);
	size_t k = tag(t, w->table ? TAG_DISSECTOR_TABLE : TAG_DISSECTOR_NAME, name, padded);
	if (w->table)
		k += tag32(t + k, TAG_TABLE_VALUE, w->value);
	uint32_t cip = 0x7f000000u | (conn & 0xffffffu);
	if ((conn & 0xffffffu) == 2 || (conn & 0xffffffu) == 0)
		cip |= 0x00ff0000u;   /* never the server's 127.0.0.2 */
	uint32_t cport = 1024u + conn % 60000u;
	bool up = dir == PCAP_TO_SERVER;
	k += tag32(t + k, TAG_IPV4_SRC, up ? cip : SERVER_IP);
	k += tag32(t + k, TAG_IPV4_DST, up ? SERVER_IP : cip);
	k += tag32(t + k, TAG_PORT_TYPE, w->port_type);
	k += tag32(t + k, TAG_SRC_PORT, up ? cport : w->server_port);
	k += tag32(t + k, TAG_DST_PORT, up ? w->server_port : cport);
	k += tag(t + k, TAG_END, NULL, 0);
	return k;
}

size_t pcap_one_record(unsigned char *buf, size_t len, const char *dissector, const void *data,
		       size_t n)
{
	int err;
	struct pcap_writer *w = writer_new(dissector, &err);
	if (!w)
		return 0;
	unsigned char tags[PCAP_TAGS_MAX];
	size_t tl = make_tags(w, 1, PCAP_TO_SERVER, tags);
	pcap_close(w);
	size_t need = PCAP_HEADER_LEN + 16 + tl + n;
	if (need > len || tl + n > PCAP_SNAPLEN)
		return 0;
	pcap_header(buf);
	uint32_t rec[4] = { 0, 0, (uint32_t)(tl + n), (uint32_t)(tl + n) };
	memcpy(buf + PCAP_HEADER_LEN, rec, sizeof(rec));
	memcpy(buf + PCAP_HEADER_LEN + 16, tags, tl);
	if (n)
		memcpy(buf + PCAP_HEADER_LEN + 16 + tl, data, n);
	return need;
}

int pcap_write(struct pcap_writer *w, uint32_t conn, enum pcap_dir dir, const void *data,
	       size_t n)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return pcap_write_cut(w, conn, dir, data, n, n,
			      (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

static int write_record(struct pcap_writer *w, int iface, uint32_t conn, enum pcap_dir dir,
			const void *data, size_t n, size_t len, uint64_t time_ns,
			const char *comment);

/* Describe interface NAME (under W's lock): its number, or -errno. */
static int add_iface(struct pcap_writer *w, const char *name)
{
	char **ni = realloc(w->ifaces, (w->nifaces + 1) * sizeof(*ni));
	if (!ni)
		return -ENOMEM;
	w->ifaces = ni;
	if (!(ni[w->nifaces] = strdup(name)))
		return -ENOMEM;
	unsigned char b[PCAPNG_IDB_MAX];
	size_t len = pcapng_idb(b, LINKTYPE_WIRESHARK_UPPER_PDU, PCAP_SNAPLEN, name);
	int r = w->broken ? -EIO : sysio_write_all(w->fd, b, len);
	if (r < 0) {
		free(ni[w->nifaces]);
		return r;
	}
	w->good += (off_t)len;
	return (int)w->nifaces++;
}

int pcap_iface(struct pcap_writer *w, const char *name)
{
	if (!w->ng)
		return 0;
	pthread_mutex_lock(&w->lock);
	int r = -1;
	for (size_t i = 0; i < w->nifaces && r < 0; i++)
		if (strcmp(w->ifaces[i], name) == 0)
			r = (int)i;
	if (r < 0)
		r = add_iface(w, name);
	pthread_mutex_unlock(&w->lock);
	return r;
}

/* One pcapng record (under W's lock): the tags TL long and KEEP bytes of N, stamped TIME_NS. */
static int write_epb(struct pcap_writer *w, int iface, const unsigned char *tags, size_t tl,
		     const void *data, size_t keep, size_t n, uint64_t time_ns, const char *comment,
		     size_t *total)
{
	if (w->nifaces == 0 && add_iface(w, "udscope") < 0)
		return -EIO;
	if (iface < 0 || (size_t)iface >= w->nifaces)
		iface = 0;
	unsigned char head[PCAPNG_EPB_HEAD], tail[PCAPNG_EPB_TAIL_MAX];
	uint32_t orig = (uint32_t)(n > UINT32_MAX - tl ? UINT32_MAX : tl + n);
	size_t t = pcapng_epb(head, tail, (uint32_t)iface, time_ns, (uint32_t)(tl + keep), orig,
			      comment);
	struct iovec iov[4] = { { head, sizeof(head) }, { (void *)tags, tl }, { (void *)data, keep },
				{ tail, t } };
	if (!keep) {
		iov[2] = iov[3];
	}
	*total = sizeof(head) + tl + keep + t;
	return write_all(w->fd, iov, keep ? 4 : 3, *total);
}

int pcap_write_cut(struct pcap_writer *w, uint32_t conn, enum pcap_dir dir, const void *data,
		   size_t n, size_t len, uint64_t time_ns)
{
	return write_record(w, 0, conn, dir, data, n, len, time_ns, NULL);
}

bool pcap_is_ng(const struct pcap_writer *w)
{
	return w->ng;
}

int pcap_write_noted(struct pcap_writer *w, int iface, uint32_t conn, enum pcap_dir dir,
		     const void *data, size_t n, const char *comment)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return write_record(w, iface, conn, dir, data, n, n,
			    (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec, comment);
}

/* Who sent a record and who got it, for its comment: a name's bytes made printable. */
static void who(char *buf, size_t len, pid_t pid, const char *comm, uid_t uid)
{
	if (!pid) {
		snprintf(buf, len, "unknown");
		return;
	}
	char c[33];
	size_t k = 0;
	for (; comm && comm[k] && k < sizeof(c) - 1; k++)
		c[k] = comm[k] >= 0x20 && comm[k] <= 0x7e ? comm[k] : '?';
	c[k] = '\0';
	snprintf(buf, len, "pid %ld (%s) uid %lu", (long)pid, k ? c : "?", (unsigned long)uid);
}

void pcap_who_comment(char *buf, size_t len, pid_t from_pid, const char *from_comm,
		      uid_t from_uid, pid_t to_pid, const char *to_comm, uid_t to_uid)
{
	char a[80], b[80];
	who(a, sizeof(a), from_pid, from_comm, from_uid);
	who(b, sizeof(b), to_pid, to_comm, to_uid);
	snprintf(buf, len, "from %s to %s", a, b);
}

/* One record in the file's format; 0 or -errno (the file then ends at the last whole one). */
static int write_record(struct pcap_writer *w, int iface, uint32_t conn, enum pcap_dir dir,
			const void *data, size_t n, size_t len, uint64_t time_ns,
			const char *comment)
{
	unsigned char tags[PCAP_TAGS_MAX];
	size_t tl = make_tags(w, conn, dir, tags);
	size_t keep = n;
	if (keep > PCAP_SNAPLEN - tl)
		keep = PCAP_SNAPLEN - tl;
	uint32_t rec[4] = { (uint32_t)(time_ns / 1000000000u), (uint32_t)(time_ns % 1000000000u),
			    (uint32_t)(tl + keep),
			    (uint32_t)(len > UINT32_MAX - tl ? UINT32_MAX : tl + len) };
	struct iovec iov[3] = { { rec, sizeof(rec) }, { tags, tl }, { (void *)data, keep } };
	pthread_mutex_lock(&w->lock);
	size_t total = sizeof(rec) + tl + keep;
	int r = w->broken ? -EIO
	      : w->ng	  ? write_epb(w, iface, tags, tl, data, keep, len, time_ns, comment, &total)
			  : write_all(w->fd, iov, keep ? 3 : 2, total);
	if (r == 0) {
		w->records++;
		w->good += (off_t)total;
	} else if (!w->broken) {
		/* Cut off the part of the record that made it, so readers see whole records. */
		w->broken = true;
		if (ftruncate(w->fd, w->good) < 0) {
			/* Nothing more to do: readers report the last record as cut short. */
		}
	}
	pthread_mutex_unlock(&w->lock);
	return r;
}

uint64_t pcap_records(const struct pcap_writer *w)
{
	pthread_mutex_lock((pthread_mutex_t *)&w->lock);
	uint64_t n = w->records;
	pthread_mutex_unlock((pthread_mutex_t *)&w->lock);
	return n;
}

int pcap_use_table(struct pcap_writer *w, const char *table, uint32_t value)
{
	size_t nl = strlen(table);
	if (!name_ok(table, nl))
		return -EINVAL;
	pthread_mutex_lock(&w->lock);
	memcpy(w->name, table, nl + 1);
	w->name_len = nl;
	w->table = true;
	w->value = value;
	bool tcp = strcmp(table, "tcp.port") == 0, udp = strcmp(table, "udp.port") == 0;
	if (tcp || udp) {
		w->server_port = value;
		w->port_type = udp ? PORT_TYPE_UDP : PORT_TYPE_TCP;
	}
	pthread_mutex_unlock(&w->lock);
	return 0;
}

int pcap_close(struct pcap_writer *w)
{
	if (!w)
		return 0;
	int r = w->fd >= 0 && close(w->fd) < 0 ? -errno : 0;
	pthread_mutex_destroy(&w->lock);
	for (size_t i = 0; i < w->nifaces; i++)
		free(w->ifaces[i]);
	free(w->ifaces);
	free(w->path);
	free(w);
	return r;
}

int pcap_discard(struct pcap_writer *w)
{
	if (!w)
		return 0;
	char why[160];
	int r = w->path ? node_remove(w->path, &w->made, why, sizeof(why)) : 0;
	int c = pcap_close(w);
	return r < 0 ? r : c;
}
