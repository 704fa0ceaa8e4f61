#!/bin/sh
# console-signals: SIGTERM and SIGHUP stop everything cleanly; a crash (SIGABRT) still gives the
# terminal back.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

start_shell 100 30
type_line "ulimit -c 0"
start_console
type_line "server start ./s"
wait_for "Server ./s listening"
ok $? "server running"
kill -TERM "$(console_pid)"
wait_for "EXITED-0"
ok $? "SIGTERM: the console leaves with status 0"
[ ! -e "$DIR/s" ]
ok $? "SIGTERM: the node was removed"
cmp -s "$DIR/before.stty" "$DIR/after.stty"
ok $? "SIGTERM: the terminal modes are restored"

start_console
type_line "server start ./s"
wait_for "Server ./s listening"
kill -HUP "$(console_pid)"
wait_for "EXITED-0"
ok $? "SIGHUP: the console leaves with status 0"
[ ! -e "$DIR/s" ]
ok $? "SIGHUP: the node was removed"

start_console
kill -ABRT "$(console_pid)"
wait_for "EXITED-134"
ok $? "SIGABRT: the console dies of the signal"
cmp -s "$DIR/before.stty" "$DIR/after.stty"
ok $? "SIGABRT: the terminal modes are restored anyway"
type_line 'echo still-$((40+2))'
wait_for "still-42"
ok $? "the shell is usable after the crash"
finish
