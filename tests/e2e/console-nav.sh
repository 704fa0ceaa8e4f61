#!/bin/sh
# console-nav: visible focus, the mouse (SGR reports written to the pane: a click focuses, the
# wheel scrolls), --no-mouse, Ctrl-Z and fg, search in a zoomed log, and a failed client's title.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

ESC=$(printf '\033')
sgr() {   # sgr BUTTON X Y: a press and a release at column X, row Y (1-based)
	keys -l "$ESC[<$1;$2;$3M"
	[ "$1" -lt 64 ] && keys -l "$ESC[<$1;$2;$3m"
}
mouse_flag() { $TMUX_CMD display -p '#{mouse_sgr_flag}'; }
wait_mouse() {   # wait_mouse 0|1: poll the pane's SGR mouse mode until it is that
	deadline=$(( $(date +%s) + 10 ))
	while [ "$(mouse_flag)" != "$1" ] && [ "$(date +%s)" -lt "$deadline" ]; do
		sleep 0.05
	done
	[ "$(mouse_flag)" = "$1" ]
}

start_shell 120 40
# In a subshell: Ctrl-Z stops the job, and EXITED is said only when the console really ends.
type_line "( '$UDSCOPE'; echo EXITED-\$? )"
wait_for 'udscope>' 20
ok $? "the console starts at 120x40"
[ "$(mouse_flag)" = 1 ]
ok $? "the console asks the terminal for SGR mouse reports"
type_line "server start ./s --chunk 4"
wait_for "Server ./s listening"
type_line "client ./s"
wait_for "Client ./s closed"
ok $? "server and client panes"

# The focused pane's title is drawn in reverse video (SGR 7), the other's not.
$TMUX_CMD capture-pane -p -e | grep -a "Server ./s" | grep -aq "$ESC\[[0-9;]*7m Server ./s"
ok $? "the focused pane's title is in reverse video"
client_row=$(screen | grep -n "^┌─ Client" | cut -d: -f1)
sgr 0 10 $((client_row + 2))
wait_for "[Client]"
ok $? "a click in the Client pane focuses it"
$TMUX_CMD capture-pane -p -e | grep -a "Client ./s" | grep -aq "$ESC\[[0-9;]*7m Client ./s"
ok $? "and its title is now the one in reverse video"
sgr 0 10 3
wait_for "[Server]"
ok $? "a click in the Server pane focuses it back"

# Enough lines that the Server pane scrolls: 40 chunks of 4 bytes.
msg=$(i=0; while [ $i -lt 40 ]; do printf 'w%03d' $i; i=$((i + 1)); done)
(cd "$DIR" && timeout -k 5 60 "$UDSCOPE" --batch -e "client ./s $msg" >/dev/null 2>&1)
wait_for "received 4 bytes b'w039'"
sgr 64 10 10
wait_for "newer lines below (End follows)"
ok $? "the wheel up over the Server pane scrolls it back"
sgr 65 10 10
sgr 65 10 10
wait_gone "newer lines below"
ok $? "the wheel down scrolls it forward to the newest again"

# A click on a table's row selects it; Enter (zoomed) inspects it.
type_line "sockets ./s"
wait_for "Report: sockets ./s ("
# At 120 columns a table is a row of its own across the screen: click near its right edge.
eventually 'screen | grep -q "^┌─ Report: sockets"'
ok $? "the table is a row across the screen"
row=$(screen | grep -n "│listen.* stream .* \./s " | head -n 1 | cut -d: -f1)
[ -n "$row" ] || row=3
sgr 0 110 "$row"
keys F5
wait_for "[table]"
keys Enter
wait_for "Report: inspect \"./s\""
ok $? "a click selects a table's row; Enter inspects that socket"
keys Tab

# Zoom and search a log: / n N.
keys F5
wait_for "[log]"
keys -l "/w03"
keys Enter
wait_for "/w03  (n next, N previous)"
ok $? "/ in a zoomed log finds a line"
keys n
wait_for "/w03  (n next"
ok $? "n goes to the next"
keys N
wait_for "/w03  (n next"
ok $? "N to the previous"
keys -l "/nowhere-to-be-found"
keys Enter
wait_for "not found: nowhere-to-be-found"
ok $? "a search that finds nothing says so"
keys F5
wait_gone "[log]"

# Ctrl-Z gives the shell back; fg brings the screen back as it was.
keys C-z
wait_for '$ ' 10
wait_gone "udscope>"
ok $? "Ctrl-Z suspends the console: the shell's prompt, the screen given back"
[ "$(mouse_flag)" = 0 ]
ok $? "and the mouse reports are off while it is stopped"
type_line "fg"
wait_for "udscope>" && wait_for "Server ./s listening"
ok $? "fg restores the screen"
[ "$(mouse_flag)" = 1 ]
ok $? "and the mouse reports are back on"
type_line "server status"
wait_for "listening on ./s (chunk 4"
ok $? "the console takes commands after fg"

# set mouse off / on at the prompt: at once.
type_line "set mouse off"
wait_mouse 0
ok $? "set mouse off: the mouse reports stop at once"
type_line "set mouse on"
wait_mouse 1
ok $? "set mouse on: back"

# A failed client: the Client title is its, not the previous session's totals.
type_line "client ./nope"
wait_for "connect ./nope: No such file or directory"
wait_for "Client #"
eventually 'screen | grep "^┌─ Client" | grep -q "received 0 B in 0 chunks\|got 0 B in 0 chunks"'
ok $? "after a failed client the Client title no longer shows the previous totals"
# A server that fails at bind beside a running one: the running one keeps the Server title.
type_line "server start ./nodir/x.sock"
wait_for "bind ./nodir/x.sock: No such file or directory"
sleep 0.3
eventually 'screen | grep "^┌─ Server" | grep -q "Server ./s listening"'
ok $? "a server that failed at bind beside a running one: the running one keeps the title"

type_line "quit"
wait_for "EXITED-0"
ok $? "quit"
[ "$(mouse_flag)" = 0 ]
ok $? "quit turns the mouse reports off"

keys C-l
start_console --no-mouse
[ "$(mouse_flag)" = 0 ]
ok $? "--no-mouse: the terminal's mouse is left alone"
type_line "quit"
wait_for "EXITED-0"
finish
