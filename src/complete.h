/* complete: `udscope --complete WORD...`, what the bash completion script asks: the
 * candidates for the last WORD of a udscope command line, from the option table and the
 * command table, so completion cannot drift from --help and `help`. */
#ifndef UDSCOPE_COMPLETE_H
#define UDSCOPE_COMPLETE_H

#include <getopt.h>
#include <stdio.h>

/*
 * WORDS are the command line's words after "udscope", up to and including the one being
 * completed (possibly empty; for a quoted -e argument, its text without the quote). Writes to
 * F one of:
 *   "words" then one candidate a line, each the whole replacement for the last word;
 *   "files" or "users" then one line holding the text before the name to complete (the last
 *   word's command line up to it): the script completes file or user names itself.
 * LONGOPTS is main's getopt table (ends at a NULL name); options it marks required_argument
 * take the next word; the one whose val is 'e' takes a command line; VALUES (ends at val 0) lists
 * the choices of others. Returns 0, or 1 when F could not be written.
 */
/* An option's values, for completion: VAL is the option's getopt val; CHOICES ends at NULL. */
struct complete_values {
	int val;
	const char *const *choices;
};

int complete_print(FILE *f, const struct option *longopts, const struct complete_values *values,
		   int nwords, char **words);

#endif
