#!/bin/sh
# console-pair: the Pair view (issue 26): each `pair` run's parent and child lines side by side
# in time order, a second run below the first; Home in the zoomed view shows no blank rows.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

# row TEXT [N]: the screen line number of the Nth (1) line holding TEXT, or 999.
row() {
	r=$(screen | grep -nF -- "$1" | sed -n "${2:-1}p" | cut -d: -f1)
	echo "${r:-999}"
}
# aligned: the second run starts below the first run's last lines on both sides, and each
# run's child begins no higher than its parent's first line.
aligned() {
	[ "$(row 'exited with status 0' 1)" -lt "$(row 'socketpair(AF_UNIX' 2)" ] &&
		[ "$(row 'exchange took' 1)" -lt "$(row 'waiting for' 2)" ] &&
		[ "$(row 'socketpair(AF_UNIX' 1)" -le "$(row 'waiting for' 1)" ] &&
		[ "$(row 'socketpair(AF_UNIX' 2)" -le "$(row 'waiting for' 2)" ]
}
# newest_aligned: below the newest run's first line only its own child's exit shows (no line
# of an older run beside it).
newest_aligned() {
	first=$(screen | grep -nF 'socketpair(AF_UNIX' | tail -n 1 | cut -d: -f1)
	[ -n "$first" ] &&
		[ "$(screen | sed -n "$first,\$p" | grep -cF 'exited with status 0')" -eq 1 ]
}
# two_runs: run `pair` twice, the second after the first has finished.
two_runs() {
	type_line "pair"
	wait_for "exchange took"
	type_line "pair"
	eventually '[ "$(screen | grep -c "exchange took")" -ge 2 ]'
}

start_shell 120 40
start_console -n
two_runs
eventually aligned
ok $? "120x40: two pair runs, each run's parent and child side by side, the second below"
type_line "quit"
wait_for "EXITED-0"

new_server
start_shell 80 24
start_console -n
two_runs
eventually newest_aligned
ok $? "80x24: the newest run's lines aligned, its parent and child side by side"
keys F5
wait_for "zoomed:"
keys Home
eventually "screen | sed -n 2p | grep -q 'socketpair(AF_UNIX'"
ok $? "80x24 zoomed, Home: the first run's first line at the top"
eventually "! screen | sed -n '2,21p' | grep -qE '^│ +│ +│\$'"
ok $? "80x24 zoomed, Home: no blank rows"
keys Escape
type_line "quit"
wait_for "EXITED-0"
finish
