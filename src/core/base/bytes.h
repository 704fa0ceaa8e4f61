/* bytes: the one escaper for every byte we show (peer bytes, user words, names), and hex lines. */
#ifndef UDSCOPE_BYTES_H
#define UDSCOPE_BYTES_H

#include <stddef.h>
#include <stdint.h>

/* Worst case of bytes_repr for LEN input bytes, with the NUL. */
#define BYTES_REPR_SIZE(len) (4 * (len) + 4)

/*
 * bytes_escape: only 0x20..0x7e ever pass raw; every other byte becomes \xNN (lowercase).
 * The output is cut at a whole escape (or character) when OUTSZ is short, and is always
 * NUL-terminated when OUTSZ > 0. The flags say what differs between the callers:
 *
 *   0                     plain: printable ASCII raw (backslash and quotes included), the
 *                         rest \xNN. event.c's put_safe (texts in event lines), words_show
 *                         (words in error messages, with BYTES_ESC_MORE), text_sanitize
 *                         without UTF-8 (console lines: backslashes pass so that a b'\x1b'
 *                         made earlier stays readable).
 *   BYTES_ESC_REPR        b'...' as Python's repr() of bytes: the quote Python picks, \t \n
 *                         \r \\ and that quote escaped by name, room kept for the closing
 *                         quote. bytes_repr (chunk previews, expect, the pair demo).
 *   BYTES_ESC_REPR_IF_NEEDED  as they are when every byte is printable ASCII, else as
 *                         BYTES_ESC_REPR. inspect_show (paths and names in reports).
 *   BYTES_ESC_UTF8        a well-formed UTF-8 sequence of a printable character one or two
 *                         columns wide (by the locale's wcwidth) passes too. text_sanitize
 *                         in a UTF-8 console.
 *   BYTES_ESC_MORE        the data went on past LEN: end with "..." when it fits.
 *                         words_show when the word is longer than its limit.
 *
 * Returns the length the whole rendering needs, without the NUL (as snprintf does).
 */
enum {
	BYTES_ESC_REPR = 1u << 0,
	BYTES_ESC_REPR_IF_NEEDED = 1u << 1,
	BYTES_ESC_UTF8 = 1u << 2,
	BYTES_ESC_MORE = 1u << 3,
};
size_t bytes_escape(const void *data, size_t len, unsigned flags, char *out, size_t outsz);

/* Write b'...' (Python repr rules, quote choice included) for DATA into OUT:
 * bytes_escape with BYTES_ESC_REPR. Returns the length the full rendering needs. */
size_t bytes_repr(const void *data, size_t len, char *out, size_t outsz);

/* Write "hh hh hh ...  |ascii|" for up to 16 bytes of DATA; returns the length written. */
size_t bytes_hexline(const void *data, size_t len, char *out, size_t outsz);

/* The well-formed UTF-8 sequence at S (no overlongs, surrogates or values past U+10FFFF):
 * its length (1 for ASCII) with its code point in *CP, or 0 when S starts none. */
size_t bytes_utf8(const void *s, size_t len, uint32_t *cp);
/* Columns code point CP takes on screen: 1 or 2, or 0 when it must be escaped (controls, C1
 * controls, combining marks, anything the locale cannot show). */
int bytes_cp_width(uint32_t cp);

#endif
