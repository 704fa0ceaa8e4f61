/* prompt: the readline prompt, driven through readline's callback interface and drawn by curses. */
#ifndef UDSCOPE_UI_PROMPT_H
#define UDSCOPE_UI_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

struct prompt_hooks {
	/* A line was entered (LINE owned by the callee's caller: copy it), or NULL on Ctrl-D
	 * on an empty line. */
	void (*line)(void *ctx, const char *line);
	/* Completion candidates or a hint to show ("start  status  stop"); plain text that
	 * may hold anything typed: the callee sanitizes it. */
	void (*matches)(void *ctx, const char *text);
	void *ctx;
};

/* Set readline up for life inside curses and load the history. Returns 0, or -errno with a
 * reason in WHY when history cannot be kept (the prompt works anyway). */
int prompt_init(const char *prompt, const struct prompt_hooks *hooks, char *why, size_t whylen);
/* Save the history and let go of readline. Returns 0 or -errno with a reason in WHY. */
int prompt_close(char *why, size_t whylen);

/* Hand typed bytes to readline, which edits the line and may call hooks->line. */
void prompt_feed(const char *bytes, size_t len);
/* True when the line being edited is empty. */
bool prompt_empty(void);
/* Drop the line being edited (Ctrl-C), as a shell does. */
void prompt_clear(void);
/* True once readline asked for a redisplay since the last prompt_render. */
bool prompt_dirty(void);
void prompt_resize(int rows, int cols);

/* The line as the screen shows it: sanitized prompt + line, scrolled so the cursor fits in
 * WIDTH columns. Writes at most OUTSZ bytes into OUT, and the cursor column to *CURSOR. */
size_t prompt_render(int width, bool utf8, char *out, size_t outsz, int *cursor);

/* Where the history lives; returns 0 or -errno. */
int prompt_history_path(char *buf, size_t len);

#endif
