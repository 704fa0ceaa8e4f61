/* prompt: the readline prompt, driven through readline's callback interface and drawn by curses. */
#include "config.h"

#include "ui/console/prompt.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "core/cmd/cmd.h"
#include "ui/draw/text.h"

#define PROMPT_HISTORY_MAX 1000
/* Bytes waiting for readline; the console feeds at most what one read() returned. */
#define PROMPT_QUEUE 4096
#define PROMPT_CANDIDATES 64

static struct {
	struct prompt_hooks hooks;
	char *prompt;
	unsigned char queue[PROMPT_QUEUE];
	size_t qhead, qlen;
	bool dirty;
	bool history_ok;
	char history[4096];
	FILE *devnull;
	/* Completion: the candidates the generator walks. */
	const char *cand[PROMPT_CANDIDATES];
	size_t ncand, next;
} P;

/* readline reads its bytes from here, never from the terminal. */
static int getc_hook(FILE *f)
{
	if (P.qlen == 0)
		return EOF;
	int c = P.queue[P.qhead];
	P.qhead = (P.qhead + 1) % PROMPT_QUEUE;
	P.qlen--;
	return c;
}

static int input_available_hook(void)
{
	return P.qlen > 0;
}

/* readline never draws: it only says the line changed, and the console paints it. */
static void redisplay_hook(void)
{
	P.dirty = true;
}

static void line_handler(char *line)
{
	if (line && *line) {
		HIST_ENTRY *last = history_length ? history_get(history_base + history_length - 1)
						  : NULL;
		if (!last || strcmp(last->line, line) != 0)
			add_history(line);
	}
	P.hooks.line(P.hooks.ctx, line);
	free(line);
	P.dirty = true;
}

/* ---- completion, generated from the command table ---- */

static void cand_add(const char *s)
{
	for (size_t i = 0; i < P.ncand; i++)
		if (strcmp(P.cand[i], s) == 0)
			return;
	if (P.ncand < PROMPT_CANDIDATES)
		P.cand[P.ncand++] = s;
}

static char *cand_next(const char *text, int state)
{
	if (state == 0)
		P.next = 0;
	size_t tl = strlen(text);
	while (P.next < P.ncand) {
		const char *c = P.cand[P.next++];
		if (strncmp(c, text, tl) == 0)
			return strdup(c);
	}
	return NULL;
}

/* First words of every command ("server", "client", ...). */
static void cand_first_words(void)
{
	static char firsts[PROMPT_CANDIDATES][32];
	size_t n;
	const struct cmd_entry *const *t = cmd_table(&n);
	for (size_t i = 0; i < n && i < PROMPT_CANDIDATES; i++) {
		size_t l = strcspn(t[i]->name, " ");
		if (l >= sizeof(firsts[i]))
			l = sizeof(firsts[i]) - 1;
		memcpy(firsts[i], t[i]->name, l);
		firsts[i][l] = '\0';
		cand_add(firsts[i]);
	}
}

/* Second words of the commands whose first word is FIRST ("start", "stop", ...). */
static void cand_second_words(const char *first, size_t fl)
{
	size_t n;
	const struct cmd_entry *const *t = cmd_table(&n);
	for (size_t i = 0; i < n; i++)
		if (strncmp(t[i]->name, first, fl) == 0 && t[i]->name[fl] == ' ')
			cand_add(t[i]->name + fl + 1);
}

/* "--chunk", "--type", ... for E. */
static void cand_options(const struct cmd_entry *e)
{
	static char opts[CMD_MAX_OPTS][40];
	for (int i = 0; i < CMD_MAX_OPTS && e->opts[i].name; i++) {
		snprintf(opts[i], sizeof(opts[i]), "--%s", e->opts[i].name);
		cand_add(opts[i]);
	}
}

/* The choices of O, as "stream" or, when typed in one word with the option, "--type=stream". */
static void cand_choices(const struct cmd_opt *o, bool with_name)
{
	static char vals[PROMPT_CANDIDATES][64];
	size_t n = 0;
	for (const char *const *c = o->choices; *c && n < PROMPT_CANDIDATES; c++, n++) {
		if (!with_name) {
			cand_add(*c);
			continue;
		}
		snprintf(vals[n], sizeof(vals[n]), "--%s=%s", o->name, *c);
		cand_add(vals[n]);
	}
}

static void hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void hint(const char *fmt, ...)
{
	char buf[CMD_SYNOPSIS_MAX + 16];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	P.hooks.matches(P.hooks.ctx, buf);
}

/* A positional argument of C: file names for a PATH, else the usage as a hint. */
static char **complete_arg(const struct cmd_context *c, const char *text, int start)
{
	if (c->arg == CMD_ARG_PATH) {
		/* '@name' is an abstract socket: no file names to offer. A word that started
		 * before readline's (an open quote with a blank in it) is not a file name here. */
		if (text[0] == '@' || c->word_start != (size_t)start)
			return NULL;
		rl_filename_completion_desired = 1;
		return rl_completion_matches(text, rl_filename_completion_function);
	}
	char syn[CMD_SYNOPSIS_MAX];
	cmd_synopsis(c->entry, syn, sizeof(syn));
	hint("usage: %s", syn);
	return NULL;
}

/* What the command table expects at the cursor (cmd_complete_context) decides the list. */
static char **complete(const char *text, int start, int end)
{
	/* Never fall back to readline's own file name completion for every word. */
	rl_attempted_completion_over = 1;
	P.ncand = 0;
	struct cmd_context c;
	const struct cmd_entry *e;
	switch (cmd_complete_context(rl_line_buffer, (size_t)end, &c)) {
	case CMD_EXPECT_COMMAND:
		if (c.group[0])
			cand_second_words(c.group, strlen(c.group));
		else
			cand_first_words();
		break;
	case CMD_EXPECT_OPTION:
		cand_options(c.entry);
		break;
	case CMD_EXPECT_VALUE:
		if (c.opt->type != CMD_OPT_CHOICE) {
			hint("--%s wants %s", c.opt->name, c.opt->metavar);
			return NULL;
		}
		cand_choices(c.opt, c.value_off > 0);
		break;
	case CMD_EXPECT_ARG:
		return complete_arg(&c, text, start);
	case CMD_EXPECT_NOTHING:
		e = c.entry;
		if (e && c.argno >= e->max_args && e->opts[0].name)
			hint("%s takes no more arguments; options start with --%s", e->name,
			     e->opts[0].name);
		else if (e && c.argno >= e->max_args)
			hint("%s takes no more arguments", e->name);
		return NULL;
	}
	return rl_completion_matches(text, cand_next);
}

/* readline found several matches: show them in the console, never on the raw terminal. */
static void display_matches(char **matches, int num, int max_len)
{
	char buf[1024];
	size_t w = 0;
	int shown = 0;
	for (int i = 1; i <= num; i++) {
		const char *m = matches[i];
		const char *slash = strrchr(m, '/');
		/* File names show their last part, as a shell does. */
		if (slash && slash[1])
			m = slash + 1;
		int n = snprintf(buf + w, sizeof(buf) - w, "%s%s", shown ? "  " : "", m);
		if (n < 0 || (size_t)n >= sizeof(buf) - w - 24)
			break;
		w += (size_t)n;
		shown++;
	}
	if (shown < num)
		snprintf(buf + w, sizeof(buf) - w, "  (+%d more)", num - shown);
	P.hooks.matches(P.hooks.ctx, buf);
	P.dirty = true;
}

/* ---- history file ---- */

int prompt_history_path(char *buf, size_t len)
{
	const char *state = getenv("XDG_STATE_HOME");
	int n;
	/* The XDG spec says relative paths there are invalid and must be ignored. */
	if (state && state[0] == '/') {
		n = snprintf(buf, len, "%s/udscope/history", state);
	} else {
		const char *home = getenv("HOME");
		if (!home || home[0] != '/') {
			struct passwd *pw = getpwuid(getuid());
			home = pw ? pw->pw_dir : NULL;
		}
		if (!home)
			return -ENOENT;
		n = snprintf(buf, len, "%s/.local/state/udscope/history", home);
	}
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* mkdir -p the directories above PATH's last component, new ones 0700. */
static int make_parents(const char *path, char *why, size_t whylen)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
				int e = errno;
				snprintf(why, whylen, "history: mkdir %s: %s", dir, strerror(e));
				return -e;
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}

int prompt_init(const char *prompt, const struct prompt_hooks *hooks, char *why, size_t whylen)
{
	memset(&P, 0, sizeof(P));
	P.hooks = *hooks;
	P.prompt = strdup(prompt);
	why[0] = '\0';
	/* Whatever readline might still print (a bell, a list) goes nowhere, not behind curses. */
	P.devnull = fopen("/dev/null", "w");
	if (P.devnull)
		rl_outstream = P.devnull;
	rl_readline_name = "udscope";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;   /* else it exports LINES/COLUMNS and curses believes them */
	rl_prep_term_function = NULL;    /* curses owns the terminal modes */
	rl_deprep_term_function = NULL;
	rl_getc_function = getc_hook;
	rl_input_available_hook = input_available_hook;
	rl_redisplay_function = redisplay_hook;
	rl_attempted_completion_function = complete;
	rl_completion_display_matches_hook = display_matches;
	rl_basic_word_break_characters = " \t\n";
	rl_completer_word_break_characters = " \t\n";
	rl_variable_bind("bell-style", "none");
	rl_variable_bind("show-all-if-ambiguous", "on");
	rl_variable_bind("enable-bracketed-paste", "off");
	using_history();
	stifle_history(PROMPT_HISTORY_MAX);
	int r = prompt_history_path(P.history, sizeof(P.history));
	if (r < 0) {
		snprintf(why, whylen, "history: cannot find a home directory: %s", strerror(-r));
	} else if ((r = make_parents(P.history, why, whylen)) == 0) {
		P.history_ok = true;
		int e = read_history(P.history);
		if (e && e != ENOENT) {
			snprintf(why, whylen, "history: read %s: %s", P.history, strerror(e));
			r = -e;
		}
	}
	rl_callback_handler_install(P.prompt, line_handler);
	/* 8-bit input as it is, whatever the locale: under LANG=C readline's defaults turn a byte
	 * of 0x80 and above into Meta plus a key, so "é.sock" could not be typed. Bound after
	 * the first install, which initializes readline (and would reset them by locale). */
	rl_variable_bind("input-meta", "on");
	rl_variable_bind("convert-meta", "off");
	rl_variable_bind("output-meta", "on");
	P.dirty = true;
	return r;
}

int prompt_close(char *why, size_t whylen)
{
	int r = 0;
	why[0] = '\0';
	rl_callback_handler_remove();
	if (P.history_ok) {
		int e = write_history(P.history);
		if (e) {
			snprintf(why, whylen, "history: write %s: %s", P.history, strerror(e));
			r = -e;
		}
	}
	clear_history();
	free(P.prompt);
	P.prompt = NULL;
	rl_outstream = NULL;
	if (P.devnull)
		fclose(P.devnull);
	P.devnull = NULL;
	return r;
}

void prompt_feed(const char *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (P.qlen == PROMPT_QUEUE)
			break;
		P.queue[(P.qhead + P.qlen) % PROMPT_QUEUE] = (unsigned char)bytes[i];
		P.qlen++;
	}
	/* A key sequence arrives whole, so readline never waits on a prefix. */
	while (P.qlen > 0 && P.prompt)
		rl_callback_read_char();
}

bool prompt_empty(void)
{
	return rl_end == 0;
}

void prompt_clear(void)
{
	/* Leave any search or numeric argument in progress, then start a fresh line. */
	rl_callback_sigcleanup();
	rl_free_line_state();
	rl_replace_line("", 1);
	rl_point = rl_mark = 0;
	using_history();
	rl_callback_handler_remove();
	rl_callback_handler_install(P.prompt, line_handler);
	P.dirty = true;
}

bool prompt_dirty(void)
{
	return P.dirty;
}

void prompt_resize(int rows, int cols)
{
	rl_set_screen_size(rows, cols);
}

size_t prompt_render(int width, bool utf8, char *out, size_t outsz, int *cursor)
{
	P.dirty = false;
	const char *pr = rl_display_prompt ? rl_display_prompt : "";
	size_t pl = strlen(pr);
	size_t point = rl_point < 0 ? 0 : (size_t)rl_point;
	size_t end = rl_end < 0 ? 0 : (size_t)rl_end;
	if (point > end)
		point = end;
	/* Sanitized: the line may hold control bytes typed with Ctrl-V. */
	size_t cap = TEXT_SANITIZE_SIZE(pl + end);
	char *pre = malloc(cap), *post = malloc(TEXT_SANITIZE_SIZE(end) + 1);
	if (!pre || !post) {
		free(pre);
		free(post);
		*cursor = 0;
		out[0] = '\0';
		return 0;
	}
	size_t a = text_sanitize(pr, pl, utf8, pre, cap);
	a += text_sanitize(rl_line_buffer, point, utf8, pre + a, cap - a);
	size_t b = text_sanitize(rl_line_buffer + point, end - point, utf8, post,
				 TEXT_SANITIZE_SIZE(end) + 1);
	int col = text_width(pre, a);
	/* Scroll horizontally so the cursor stays visible, with some context to its left. */
	size_t skip = 0;
	if (width > 1 && col > width - 1) {
		int drop = col - (width - 1) + width / 3, w;
		int dropped = 0;
		while (skip < a && dropped < drop) {
			skip += text_char(pre + skip, a - skip, &w);
			dropped += w;
		}
		col -= dropped;
	}
	size_t o = 0;
	int room = width;
	size_t n = text_fit(pre + skip, a - skip, room);
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out + o, pre + skip, n);
	o += n;
	room -= text_width(pre + skip, n);
	n = text_fit(post, b, room);
	if (o + n >= outsz)
		n = outsz - 1 - o;
	memcpy(out + o, post, n);
	o += n;
	out[o] = '\0';
	free(pre);
	free(post);
	*cursor = col;
	return o;
}
