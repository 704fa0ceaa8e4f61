#!/bin/sh
# console-cuts: nothing is cut where it matters (issue 26): pane titles lose whole words, never
# half of one; `help tap` shows its whole usage; the message line keeps the path, the errno
# text and the hint (--force) of an error; at 80x24.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

# titles_whole: no pane title on the screen ends inside a word (a letter right at the border).
titles_whole() {
	! screen | grep -E '^┌─ .*[^ ─]─+┐' | grep -qE '[A-Za-z0-9.]─+┐$'
}

# wait_true SECONDS CMD...: poll until CMD succeeds, or fail.
wait_true() {
	deadline=$(( $(date +%s) + $1 ))
	shift
	while :; do
		"$@" && return 0
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

long="$DIR/a-directory-with-a-rather-long-name-for-the-title/and-another-level"
mkdir -p "$long"
start_shell 80 24
start_console -n
type_line "server start $long/s.sock"
wait_for "waiting for a connection"
type_line "client $long/s.sock"
wait_for "repeated."
type_line "sockets s.sock"
wait_for "Report: sockets"
wait_true 10 titles_whole
ok $? "80x24: the sockets table's title is cut between words"
wait_true 10 sh -c "$TMUX_CMD capture-pane -p | grep -qE '│listening .*level/s\.sock .*\(udscope\)'"
ok $? "80x24: the listener's row keeps its state, its path's tail and its process"
$TMUX_CMD resize-window -x 120 -y 40
wait_true 10 sh -c "$TMUX_CMD capture-pane -p | grep -qE '│listening .*level/s\.sock .*\(udscope\)'"
ok $? "120x40: the same"
$TMUX_CMD resize-window -x 80 -y 24
type_line "inspect $long/s.sock --as nobody"
wait_for "Report: inspect"
wait_true 10 titles_whole
ok $? "80x24: inspect's title is cut between words"

type_line "help tap"
wait_for "--dissector"
ok $? "80x24: help tap shows the whole usage (--dissector)"
keys Escape
wait_gone "--dissector"

: >"$DIR/kept.txt"
type_line "save ./kept.txt"
wait_for "(--force replaces it): File exists (EEXIST)"
ok $? "80x24: save over a file says File exists and that --force replaces it"
wait_for "kept.txt"
ok $? "the message names the file"

type_line "quit"
wait_for "EXITED-0"
ok $? "quit"
finish
