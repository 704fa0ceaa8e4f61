/* hexdump: bytes as rows of 16 with their offset, hex and text columns (pure). */
#include "config.h"

#include "ui/draw/hexdump.h"

#include <stdio.h>
#include <string.h>

size_t hexdump_rows(size_t n)
{
	return n ? (n + HEXDUMP_PER_ROW - 1) / HEXDUMP_PER_ROW : 1;
}

size_t hexdump_row(const uint8_t *data, size_t n, size_t row, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t off = row * HEXDUMP_PER_ROW;
	if (outsz < HEXDUMP_ROW_MAX || (off >= n && !(n == 0 && row == 0)))
		return 0;
	int w = snprintf(out, outsz, "%08zx ", off);
	size_t p = w > 0 ? (size_t)w : 0;
	for (size_t i = 0; i < HEXDUMP_PER_ROW; i++) {
		if (i % 8 == 0)
			out[p++] = ' ';
		if (off + i < n) {
			out[p++] = hex[data[off + i] >> 4];
			out[p++] = hex[data[off + i] & 15];
		} else {
			out[p++] = ' ';
			out[p++] = ' ';
		}
		out[p++] = ' ';
	}
	out[p++] = ' ';
	out[p++] = '|';
	for (size_t i = 0; i < HEXDUMP_PER_ROW && off + i < n; i++) {
		uint8_t b = data[off + i];
		out[p++] = b >= 0x20 && b <= 0x7e ? (char)b : '.';
	}
	out[p++] = '|';
	out[p] = '\0';
	return p;
}
