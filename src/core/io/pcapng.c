/* pcapng: the section header, interface description and enhanced packet blocks. */
#include "config.h"

#include "core/io/pcapng.h"

#include <string.h>

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 1u
#define BT_EPB 6u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define OPT_END 0
#define OPT_COMMENT 1
#define IF_NAME 2
#define IF_TSRESOL 9

static void put16(unsigned char *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* LEN rounded up to a multiple of 4. */
static size_t pad4(size_t len)
{
	return (len + 3) & ~(size_t)3;
}

/* An option CODE of LEN bytes at P, padded; returns the bytes it took. */
static size_t option(unsigned char *p, uint16_t code, const void *v, size_t len)
{
	put16(p, code);
	put16(p + 2, (uint16_t)len);
	memset(p + 4, 0, pad4(len));
	if (len)
		memcpy(p + 4, v, len);
	return 4 + pad4(len);
}

void pcapng_shb(unsigned char *b)
{
	put32(b, BT_SHB);
	put32(b + 4, PCAPNG_SHB_LEN);
	put32(b + 8, BYTE_ORDER_MAGIC);
	put16(b + 12, 1);
	put16(b + 14, 0);
	put32(b + 16, 0xffffffffu); /* section length: not given */
	put32(b + 20, 0xffffffffu);
	put32(b + 24, PCAPNG_SHB_LEN);
}

size_t pcapng_idb(unsigned char *b, uint16_t linktype, uint32_t snaplen, const char *name)
{
	put32(b, BT_IDB);
	put16(b + 8, linktype);
	put16(b + 10, 0);
	put32(b + 12, snaplen);
	size_t k = 16, nl = strnlen(name, PCAPNG_NAME_MAX);
	if (nl)
		k += option(b + k, IF_NAME, name, nl);
	unsigned char ns = 9; /* 10^-9 s */
	k += option(b + k, IF_TSRESOL, &ns, 1);
	k += option(b + k, OPT_END, NULL, 0);
	k += 4;
	put32(b + 4, (uint32_t)k);
	put32(b + k - 4, (uint32_t)k);
	return k;
}

size_t pcapng_epb(unsigned char *head, unsigned char *tail, uint32_t iface, uint64_t time_ns,
		  uint32_t caplen, uint32_t origlen, const char *comment)
{
	size_t t = pad4(caplen) - caplen;
	memset(tail, 0, t);
	size_t cl = comment ? strnlen(comment, PCAPNG_COMMENT_MAX) : 0;
	if (cl) {
		t += option(tail + t, OPT_COMMENT, comment, cl);
		t += option(tail + t, OPT_END, NULL, 0);
	}
	uint32_t total = (uint32_t)(PCAPNG_EPB_HEAD + caplen + t + 4);
	put32(tail + t, total);
	t += 4;
	put32(head, BT_EPB);
	put32(head + 4, total);
	put32(head + 8, iface);
	put32(head + 12, (uint32_t)(time_ns >> 32));
	put32(head + 16, (uint32_t)time_ns);
	put32(head + 20, caplen);
	put32(head + 24, origlen);
	return t;
}

int pcapng_wanted(const char *path)
{
	size_t n = strlen(path);
	return n >= 7 && strcmp(path + n - 7, ".pcapng") == 0;
}
