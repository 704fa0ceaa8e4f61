#!/bin/sh
# console-answers: a report opens with its answer on screen (issue 26): inspect's verdict and
# fixes, each tour step's closing line, at 80x24 without F5, End or Tab.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

start_shell 80 24
start_console -n
type_line "server start ./a.sock --mode 755"
wait_for "waiting for a connection"
if id nobody >/dev/null 2>&1; then
	type_line "inspect ./a.sock --as nobody"
	wait_all 15 "verdict for nobody" "fix 1" "fix 2"
	ok $? "80x24: inspect --as nobody opens on its verdict and fixes"
	keys PPage
	wait_for "path: ./a.sock"
	ok $? "the walk above it is a key away (PgUp)"
else
	echo "ok 1 # SKIP no user nobody"
	echo "ok 2 # SKIP no user nobody"
	NTEST=2
fi
type_line "server stop"
wait_for "removed socket node"

# The tour: each step's closing line shows as the step ends.
type_line "demo"
n=1
while [ $n -le 8 ]; do
	wait_for "runs step $((n + 1))/9" 30
	ok $? "80x24: tour step $n/9 shows its closing line"
	keys Enter
	n=$((n + 1))
done
wait_for "demo: the tour is over" 30
ok $? "80x24: tour step 9/9 shows its closing line"
type_line "quit"
wait_for "EXITED-0"
ok $? "quit"
finish
