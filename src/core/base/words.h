/* words: split a command line into words with shell-like quotes and C-like escapes. */
#ifndef UDSCOPE_WORDS_H
#define UDSCOPE_WORDS_H

#include <stddef.h>

struct words {
	int count;
	char **v;        /* each NUL-terminated; may also hold NUL bytes (\x00): see len */
	size_t *len;
};

/* Split LINE. Double quotes take \n \t \r \\ \" \' \0 \xNN escapes; single quotes take none;
 * outside quotes a backslash escapes the next character. Returns 0, or -1 with a one-line
 * reason in ERR (unterminated quote, bad escape). OUT is empty (not allocated) on error. */
int words_split(const char *line, struct words *out, char *err, size_t errlen);
/* Split LINE as words_split does, but for the word being typed at its end (completion): a
 * quote or escape the line ends inside closes the last word instead of failing. *LAST_START
 * gets where the last word starts in LINE, or strlen(LINE) when LINE is empty or ends in a
 * blank (a new word is about to start). Other errors are words_split's. */
int words_split_open(const char *line, struct words *out, size_t *last_start, char *err,
		     size_t errlen);
void words_free(struct words *w);

/* Copy up to MAX bytes of WORD (LEN bytes) for an error message: bytes outside 0x20..0x7e
 * become \xNN, and a longer word ends in "...". Returns OUT. */
const char *words_show(const char *word, size_t len, size_t max, char *out, size_t outsz);

/* "B bytes in N UNITs", one of each in the singular ("1 byte in 1 chunk"): the one way a line
 * says an amount. UNIT: "chunk", "datagram". Returns OUT (WORDS_AMOUNT_SIZE). */
#define WORDS_AMOUNT_SIZE 64
const char *words_amount(unsigned long long bytes, unsigned long long n, const char *unit,
			 char *out, size_t outsz);

#endif
