# console-lib.sh: drive the real console inside a private tmux server (sourced by console-*.sh).
# Each test gets its own tmux socket, temporary directory, HOME and XDG_STATE_HOME.

set -u

if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux not installed (apt-get install tmux)"
	exit 0
fi
: "${UDSCOPE:?UDSCOPE must name the udscope binary}"

DIR=$(mktemp -d "${TMPDIR:-/tmp}/e2e.XXXXXX")
SOCK="udscope-e2e-$$"
TMUX_CMD="tmux -L $SOCK -f /dev/null"
NTEST=0
FAILED=0
mkdir -p "$DIR/home"

# tmux 3.3 leaves its socket behind when its server is killed: remove it too.
TMUX_SOCKET="${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
NSERVER=0
cleanup() {
	$TMUX_CMD kill-server >/dev/null 2>&1
	rm -f "$TMUX_SOCKET"
	rm -rf "$DIR"
}

# new_server: end this test's tmux server and use a new one, under a socket name of its own,
# from here on. A server that is still shutting down is never asked for a new session (on a
# busy machine the new shell went into the dying server, and the next screen was empty).
new_server() {
	$TMUX_CMD kill-server >/dev/null 2>&1
	rm -f "$TMUX_SOCKET"
	NSERVER=$((NSERVER + 1))
	SOCK="udscope-e2e-$$-$NSERVER"
	TMUX_CMD="tmux -L $SOCK -f /dev/null"
	TMUX_SOCKET="${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() {   # ok STATUS DESCRIPTION: one TAP line
	NTEST=$((NTEST + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $NTEST - $2"
	else
		echo "not ok $NTEST - $2"
		FAILED=1
		echo "# screen at failure:"
		$TMUX_CMD capture-pane -p 2>/dev/null | sed 's/^/#   /'
	fi
	# For the test runner: named if the script hangs after this.
	[ -n "${UDSCOPE_TEST_NOW:-}" ] &&
		printf '%s: after test %s (%s)\n' "${0##*/}" "$NTEST" "$2" >"$UDSCOPE_TEST_NOW"
	return 0
}

# A shell in a COLSxROWS window, in $DIR, with a private environment. A shell that does not
# come is said in a comment (the checks that follow fail with the screen they saw).
start_shell() {
	$TMUX_CMD new-session -d -x "$1" -y "$2" \
		"cd '$DIR' && exec env -i PATH='$PATH' HOME='$DIR/home' XDG_STATE_HOME='$DIR/state' \
		TERM=screen LANG=${CONSOLE_LANG:-C.UTF-8} PS1='$ ' ${CONSOLE_ENV:-} sh" ||
		echo "# start_shell: tmux new-session failed"
	# The prompt is "$ "; capture-pane drops a line's trailing blanks, so look for a line
	# that is a lone "$".
	deadline=$(( $(date +%s) + 20 ))
	until screen | grep -qx '[$] *'; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			echo "# start_shell: no shell prompt after 20 s"
			break
		fi
		sleep 0.05
	done
}

keys() { $TMUX_CMD send-keys "$@"; }
type_line() { $TMUX_CMD send-keys -l "$1"; $TMUX_CMD send-keys Enter; }
screen() { $TMUX_CMD capture-pane -p; }
prompt_line() { screen | grep '^udscope>' | tail -n 1; }

# wait_for TEXT [SECONDS]: poll the screen until TEXT shows (fixed string), or fail.
wait_for() {
	deadline=$(( $(date +%s) + ${2:-15} ))
	while :; do
		if screen | grep -qF -- "$1"; then
			return 0
		fi
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

# eventually CODE [SECONDS]: run the shell code CODE (a check that reads the screen) until it
# succeeds, or fail after SECONDS (15). Every check of what the screen shows goes through it or
# wait_for: on a busy machine the screen may lag the event that the test waited for.
eventually() {
	deadline=$(( $(date +%s) + ${2:-15} ))
	while :; do
		eval "$1" && return 0
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

# wait_all SECONDS TEXT...: poll until the screen shows every TEXT at once, or fail.
wait_all() {
	deadline=$(( $(date +%s) + $1 ))
	shift
	while :; do
		shot=$(screen)
		all=0
		for t in "$@"; do
			printf '%s\n' "$shot" | grep -qF -- "$t" || { all=1; break; }
		done
		[ $all -eq 0 ] && return 0
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

# wait_gone TEXT [SECONDS]: poll until TEXT no longer shows.
wait_gone() {
	deadline=$(( $(date +%s) + ${2:-15} ))
	while :; do
		if ! screen | grep -qF -- "$1"; then
			return 0
		fi
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

# Start the console from the shell, remembering the terminal modes first. After it exits
# the shell records the modes again and prints EXITED-<status>.
start_console() {
	# The modes are saved before EXITED shows, so a test that saw it compares the new ones.
	type_line "echo \$\$ > shell.pid; stty -g > before.stty; '$UDSCOPE' $*; rc=\$?; stty -g > after.stty; echo EXITED-\$rc"
	wait_for 'udscope>' 30 || { echo "# start_console: no udscope> prompt after 30 s"; return 1; }
}

# The console's pid: the child of the pane's shell (other tests may run consoles too).
console_pid() {
	pgrep -P "$(cat "$DIR/shell.pid")" | head -n 1
}

finish() {
	echo "1..$NTEST"
	exit $FAILED
}
