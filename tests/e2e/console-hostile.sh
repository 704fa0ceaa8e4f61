#!/bin/sh
# console-hostile: a peer's escape sequences, C1 bytes, CR, NUL and 0xff show escaped; the
# terminal's title and contents stay ours; what render escaped is shown as it is, not escaped
# again.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

start_shell 160 40
title_before=$($TMUX_CMD display -p '#{pane_title}')
start_console
ok $? "the console starts"
type_line "server start ./s"
wait_for "Server ./s listening"
ok $? "server running"

(cd "$DIR" && timeout -k 5 60 "$UDSCOPE" --batch -e 'client ./s "\x1b]0;pwned\x07\x1b[2J\x9b\r\x00\xff"' >/dev/null 2>&1)
wait_for "received 2 bytes b'\\x00\\xff'"
ok $? "NUL and 0xff show as \\x00 \\xff"
wait_for "received 16 bytes b'\\x1b]0;pwned\\x07\\x1b[2J\\x9b\\r'"
ok $? "ESC, BEL, CSI, C1 and CR show escaped"
[ "$($TMUX_CMD display -p '#{pane_title}')" = "$title_before" ]
ok $? "the terminal's title did not change"
eventually 'screen | grep -qF "starting up on ./s"'
ok $? "the screen was not cleared"

# Escaped once, in render: ESC shows as \x1b and a backslash the peer sent as \\ (repr's
# rule), never escaped a second time on its way to the screen (\\x1b).
(cd "$DIR" && timeout -k 5 60 "$UDSCOPE" --batch -e 'client ./s "\x1b[1m\\x41"' >/dev/null 2>&1)
wait_for "received 8 bytes b'\\x1b[1m\\\\x41'"
ok $? "a chunk with ESC and a backslash shows escaped exactly once"
! screen | grep -qF -e '\\x1b' -e '\\\\x41'
ok $? "nothing on the screen is escaped twice"

# The same bytes typed at the prompt (Ctrl-V ESC) reach the screen escaped too.
keys -l "send "
keys C-v Escape
keys -l "]0;typed"
keys C-v C-g
wait_for "udscope> send \\x1b]0;typed\\x07"
ok $? "control bytes typed at the prompt show escaped"
keys Enter
wait_for "send: no connection"
ok $? "and the command's error shows in the status bar"
[ "$($TMUX_CMD display -p '#{pane_title}')" = "$title_before" ]
ok $? "the title is still unchanged"

type_line "quit"
wait_for "EXITED-0"
ok $? "quit"
finish
