/* crash: terminal restore on a fatal signal: the saved modes, the reset string, the handler. */
#include "config.h"

#include "ui/console/crash.h"

#include <curses.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

static const int crash_sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };

static char crash_reset[256];
static size_t crash_reset_len;
static struct termios crash_tio;
static bool crash_tio_ok;

static void on_fatal(int sig)
{
	/* Only async-signal-safe calls: put the terminal back, then die as we would have. */
	if (crash_reset_len) {
		ssize_t r = write(STDOUT_FILENO, crash_reset, crash_reset_len);
		(void)r;
	}
	if (crash_tio_ok)
		tcsetattr(STDIN_FILENO, TCSANOW, &crash_tio);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void crash_add_str(const char *s)
{
	size_t n = strlen(s);
	if (crash_reset_len + n < sizeof(crash_reset)) {
		memcpy(crash_reset + crash_reset_len, s, n);
		crash_reset_len += n;
	}
}

static void crash_add(const char *cap)
{
	const char *s = tigetstr(cap);
	if (s && s != (char *)-1)
		crash_add_str(s);
}

void crash_save_tty(void)
{
	if (tcgetattr(STDIN_FILENO, &crash_tio) == 0)
		crash_tio_ok = true;
}

void crash_arm(const char *extra)
{
	/* The terminal's own strings, prepared now: the handler may not call curses. */
	crash_add_str(extra);
	crash_add("sgr0");
	crash_add("cnorm");
	crash_add("rmkx");
	crash_add("rmcup");
	if (crash_reset_len + 2 < sizeof(crash_reset)) {
		crash_reset[crash_reset_len++] = '\r';
		crash_reset[crash_reset_len++] = '\n';
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(crash_sigs) / sizeof(crash_sigs[0]); i++)
		sigaction(crash_sigs[i], &sa, NULL);
}

void crash_disarm(void)
{
	for (size_t i = 0; i < sizeof(crash_sigs) / sizeof(crash_sigs[0]); i++)
		signal(crash_sigs[i], SIG_DFL);
}
