#!/bin/sh
# console-wrapcut: a wrapped line cut by a pane's edge says so (what a newcomer sees at 80x24):
# walking the walkthrough at 80x24, the client's "sending 41 bytes" line (two rows) may have
# its second row above the Server pane's top edge; its one shown row then ends with "…"
# ("..." in LANG=C). Whether it is cut depends on which came first, the client's send or the
# server's "connection from": a console whose line fits whole is checked for no marker and
# the walk is made again in a new one, until the cut is seen.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

# pane_rows SHOT [TITLE]: the text rows of the pane titled TITLE (Server) in SHOT, without the
# borders (LANG=C draws them with ASCII letters).
pane_rows() {
	printf '%s\n' "$1" | awk -v t="${2:-Server}" '
		$0 ~ "^(┌─|lq) " t { on = 1; next }
		on && /^(└|m)/ { exit }
		on { sub(/^(│|x)/, ""); sub(/ *(│|x)$/, ""); print }'
}

# look MARK: one screen, judged. Sets SEEN to "cut" (the top row is the client's send and the
# next row another line's: it must end with MARK, and no other row may) or "whole" (the
# send's two rows show, the walk is over: no row has MARK); false while the screen shows
# neither, or is wrong.
look() {
	shot=$(screen)
	rows=$(pane_rows "$shot")
	top=$(printf '%s\n' "$rows" | sed -n 1p)
	second=$(printf '%s\n' "$rows" | sed -n 2p)
	SEEN=
	case "$top" in
	*"sending 41 bytes"*) ;;
	*) return 1 ;;
	esac
	if printf '%s\n' "$second" | grep -qE '^ +[0-9]+\.[0-9]{3} '; then
		SEEN=cut
		case "$top" in
		*"$1") ;;
		*) return 1 ;;
		esac
		# The other lines fit whole: none has the marker.
		! printf '%s\n' "$rows" | tail -n +2 | grep -qF -- "$1"
		return
	fi
	printf '%s\n' "$rows" | tail -n 1 | grep -qF "waiting for a connection" || return 1
	printf '%s\n' "$second" | grep -qF "repeated.'" || return 1
	SEEN=whole
	! printf '%s\n' "$rows" | grep -qF -- "$1"
}

# walk_until_cut MARK: the walkthrough's three commands at 80x24 in new consoles (at most 20)
# until the cut shows; ok or not ok for what was seen.
walk_until_cut() {
	wholes=0
	try=0
	while [ $try -lt 20 ]; do
		try=$((try + 1))
		new_server
		start_shell 80 24
		start_console -n
		type_line "server start ./uds_socket"
		wait_for "waiting for a connection"
		type_line "sessions"
		wait_for "Report: sessions"
		type_line "client ./uds_socket"
		eventually "look '$1'"
		rc=$?
		[ $rc -eq 0 ] || printf '%s\n' "$shot" | sed 's/^/#   last screen: /'
		type_line "quit"
		wait_for "EXITED-0"
		if [ $rc -ne 0 ] || [ "$SEEN" = cut ]; then
			break
		fi
		wholes=$((wholes + 1))
	done
	echo "# $wholes walk(s) with the send whole (no marker), then: ${SEEN:-neither}"
	[ $rc -eq 0 ] && [ "$SEEN" = cut ]
}

# tops_first: in each of the Pair pane's columns the top row is a line's first (its time), or
# blank: a line cut by the top edge shows its first rows there too, not its tail.
tops_first() {
	rows=$(pane_rows "$(screen)" Pair)
	[ -n "$rows" ] || return 1
	printf '%s\n' "$rows" | awk -F'│' '
		{ for (c = 1; c <= 2; c++) if (!seen[c] && $c ~ /[^ ]/) {
			seen[c] = 1
			if ($c !~ /^ +[0-9]+\.[0-9][0-9][0-9] /) bad = 1 } }
		END { exit bad || !seen[1] }'
}

# The pair's columns at 80x17 to 80x22 under the sessions table: whatever height cuts its
# lines, each column starts with a line's first row.
start_shell 80 24
start_console -n
type_line "pair"
wait_for "exited with status 0"
type_line "sessions"
wait_for "Report: sessions"
bad=""
for h in 17 18 19 20 21 22; do
	$TMUX_CMD resize-window -x 80 -y $h
	eventually "screen | grep -q 'Pair: parent' && [ \$(screen | wc -l) -eq $h ] && tops_first" 5 ||
		bad="$bad $h"
done
[ -z "$bad" ] || { echo "# heights where a column starts mid-line:$bad"; screen | sed 's/^/#   /'; }
[ -z "$bad" ]
ok $? "80x17..80x22: each of the pair's columns starts with a line's first row"
type_line "quit"
wait_for "EXITED-0"

walk_until_cut "…"
ok $? "80x24: the cut 'sending 41 bytes' row at the pane's top ends with …; whole, it has none"
CONSOLE_LANG=C
walk_until_cut "..."
ok $? "80x24, LANG=C: the cut row ends with ...; whole, it has none"
finish
