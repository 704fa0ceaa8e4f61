#!/bin/sh
# console-storm: a storm of window-size changes while traffic flows; afterwards the console
# still draws the right layout, echoes every byte exactly, takes commands and quits cleanly.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

start_shell 120 40
start_console
ok $? "the console starts"
type_line "server start ./s --chunk 64"
wait_for "Server ./s listening"
ok $? "server running"

# Traffic for the whole storm: walkthrough clients one after another, in the background.
( i=0; while [ $i -lt 200 ] && [ ! -e "$DIR/stop" ]; do
	(cd "$DIR" && timeout -k 5 60 "$UDSCOPE" --batch -e 'client ./s "storm traffic, storm traffic, storm traffic"' \
		>/dev/null 2>>"$DIR/client.err") || echo "client $i failed" >>"$DIR/client.err"
	i=$((i + 1)); done; touch "$DIR/done" ) &
# 60 resizes in quick succession, through tiny and back: each one a SIGWINCH.
for i in $(seq 1 10); do
	for size in "50 12" "200 60" "60 16" "90 20" "59 15" "140 45"; do
		set -- $size
		$TMUX_CMD resize-window -x "$1" -y "$2"
	done
done
touch "$DIR/stop"
$TMUX_CMD resize-window -x 120 -y 40
i=0; while [ ! -e "$DIR/done" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
[ -e "$DIR/done" ] && [ ! -s "$DIR/client.err" ]
ok $? "every client got its exact echo during the storm"
wait_for "Server ./s listening | 0 clients"
ok $? "the layout is back at 120x40 (the Server pane's long title)"
screen | grep -q "terminal too small"
[ $? -ne 0 ]
ok $? "no stale 'too small' line"
type_line "server status"
wait_for "listening on ./s (chunk 64"
ok $? "the prompt still takes commands"
type_line "quit"
wait_for "EXITED-0"
ok $? "quit exits 0"
[ ! -e "$DIR/s" ]
ok $? "quit removed the node"
finish
