#!/bin/sh
# console-small: the smaller items of issue 26 on the screen at 80x24: "1 byte", the zoom's
# status line whole and gone after Esc, a space between a long label and its arrow.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

start_shell 80 24
start_console -n
type_line "server start ./a.sock"
wait_for "waiting for a connection"
type_line "connect ./a.sock"
wait_for "connected to ./a.sock"
type_line 'send "x"'
wait_for "received 1 byte b'x'"
ok $? "80x24: one byte is '1 byte'"

keys F5
wait_for "zoomed: Up/Down select, Enter opens, / finds, Esc back"
ok $? "80x24: the zoom's status line shows whole"
keys Escape
wait_gone "zoomed:"
ok $? "80x24: and goes with the zoom (Esc)"

# A second server shares the pane: its lines are labelled server[N] #C, then a space, then
# the arrow.
type_line "server start ./b.sock"
wait_for "starting up on ./b.sock"
type_line "connect ./b.sock"
type_line 'send "y" --id 4'
wait_for "received 1 byte b'y'"
eventually "screen | grep -qE 'server\[[0-9]+\] #[0-9]+ +← received 1 byte'"
ok $? "80x24: a long label keeps a space before its arrow"
type_line "quit"
wait_for "EXITED-0"
ok $? "quit"
finish
