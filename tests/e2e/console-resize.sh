#!/bin/sh
# console-resize: below 60x16 one clear line instead of garbage; back to panes when it grows.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

start_shell 100 30
start_console
ok $? "the console starts at 100x30"
type_line "server start ./s"
wait_for "Server ./s listening"
ok $? "server running"

$TMUX_CMD resize-window -x 50 -y 12
wait_for "terminal too small (50x12, need 60x16)"
ok $? "at 50x12 it says the terminal is too small"
eventually '[ "$(screen | grep -c .)" -eq 1 ]'
ok $? "and shows nothing else"

# Typing still works while small: the prompt reappears with it.
keys -l "server stat"
$TMUX_CMD resize-window -x 80 -y 24
wait_for "udscope> server stat"
ok $? "at 80x24 the panes and the line being typed come back"
eventually 'screen | grep -qF "Server ./s listening" && screen | grep -qF "[Conversation]"'
ok $? "at 80x24 the Conversation pane shows"
eventually '[ "$(screen | tail -n 1 | cut -c1-8)" = "udscope>" ]'
ok $? "the prompt is on the last line"

$TMUX_CMD resize-window -x 59 -y 40
wait_for "terminal too small (59x40, need 60x16)"
ok $? "59 columns is too narrow"
$TMUX_CMD resize-window -x 60 -y 16
wait_for "Server ./s listening"
ok $? "60x16 is enough"
$TMUX_CMD resize-window -x 140 -y 40
wait_for "Server ./s listening | 0 clients"
ok $? "back to a wide terminal (the Server pane's long title)"

keys C-u
type_line "quit"
wait_for "EXITED-0"
ok $? "quit"
[ ! -e "$DIR/s" ]
ok $? "node removed"
finish
