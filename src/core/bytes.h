/* bytes: render peer bytes safely, as Python's repr() of bytes, as hex, or as a JSON string. */
#ifndef UDSCOPE_BYTES_H
#define UDSCOPE_BYTES_H

#include <stddef.h>

/* Worst case of bytes_repr for LEN input bytes, with the NUL. */
#define BYTES_REPR_SIZE(len) (4 * (len) + 4)

/* Write b'...' (Python repr rules, quote choice included) for DATA into OUT.
 * Every output byte is in 0x20..0x7e. Returns the length the full rendering needs;
 * when OUTSZ is too small the output is cut at a whole escape and still NUL-terminated. */
size_t bytes_repr(const void *data, size_t len, char *out, size_t outsz);

/* Write "hh hh hh ...  |ascii|" for up to 16 bytes of DATA; returns the length written. */
size_t bytes_hexline(const void *data, size_t len, char *out, size_t outsz);

/* Write DATA as the inside of a JSON string (bytes >= 0x80 map to \u00XX, as Latin-1). */
size_t bytes_json(const void *data, size_t len, char *out, size_t outsz);

#endif
