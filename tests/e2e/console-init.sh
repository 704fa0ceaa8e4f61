#!/bin/sh
# console-init: the console runs ~/.config/udscope/init at start (a server it starts is there
# when the prompt comes, and an error names the file and line); -n skips it; `set` at the
# prompt lists the settings the init file changed.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

mkdir -p "$DIR/home/.config/udscope"
printf 'set chunk 4096\n# a comment\nset colors purple\nserver start %s/init_sock\n' "$DIR" \
	>"$DIR/home/.config/udscope/init"
start_shell 120 40
start_console
wait_for "Server $DIR/init_sock listening" 10
ok $? "the init file's server start ran at start"
# Wider than the message line: whole in the Report pane, wrapped at a word.
wait_for "udscope/init:3: set" 5 && screen | grep -qF "colors: takes on or off, not 'purple'"
ok $? "its error on line 3 names the file and the line"
type_line "set chunk"
wait_for "chunk      4096" 5
ok $? "set at the prompt shows what the init file set (chunk 4096)"
type_line "quit"
wait_for "EXITED-0" 10
ok $? "quit exits 0"

type_line "clear"
start_console -n
type_line "set chunk"
wait_for "chunk      16" 5
ok $? "-n: the init file did not run (chunk 16)"
! screen | grep -qF "init_sock"
ok $? "-n: no server was started"
type_line "quit"
wait_for "EXITED-0" 10
ok $? "quit exits 0"
finish
