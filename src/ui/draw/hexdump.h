/* hexdump: bytes as rows of 16 with their offset, hex and text columns (pure). */
#ifndef UDSCOPE_UI_HEXDUMP_H
#define UDSCOPE_UI_HEXDUMP_H

#include <stddef.h>
#include <stdint.h>

#define HEXDUMP_PER_ROW 16
/* A row: "00000010  61 67 65 2e 20 49 74 20  77 69 6c 6c 20 62 65 20  |age. It will be |" */
#define HEXDUMP_ROW_MAX 80

/* Row ROW of the N bytes at DATA into OUT (OUTSZ >= HEXDUMP_ROW_MAX): the offset in hex,
 * 16 bytes in hex in two groups of 8, then the same bytes as text with every byte outside
 * 0x20..0x7e shown as '.'. A short last row keeps the text column where the others have
 * it. Returns the row's length, 0 past the last row. */
size_t hexdump_row(const uint8_t *data, size_t n, size_t row, char *out, size_t outsz);
/* Rows N bytes take (at least 1: an empty chunk is one row saying so). */
size_t hexdump_rows(size_t n);

#endif
