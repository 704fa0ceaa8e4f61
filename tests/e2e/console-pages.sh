#!/bin/sh
# console-pages: PgUp and PgDn move exactly one page: the last line of one page sits right
# above the first line of the next, nothing skipped and nothing shown twice, in a pane and in
# a zoomed (F5) one. Every log line is placed by its chunk label: "received 4 bytes b'qN'" is
# line 2N of the exchange, the "sent 4 bytes back" after it line 2N+1.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

start_shell 160 30
start_console
type_line "server start ./s --chunk 4"
wait_for "Server ./s listening"
msg=$(i=0; while [ $i -lt 200 ]; do printf 'q%03d' $i; i=$((i + 1)); done)
(cd "$DIR" && timeout -k 5 60 "$UDSCOPE" --batch -e "client ./s $msg" >/dev/null 2>&1)
wait_for "b'q199'"
ok $? "200 chunks of 4 bytes fill the Server pane"

# span: "FIRST LAST" of the exchange lines the screen shows (empty when a row is not one).
span() {
	screen | awk '
		/#1  (←|→) / { rows++ }
		/#1  ← received 4 bytes b.q[0-9][0-9][0-9]./ && first == "" {
			match($0, /q[0-9][0-9][0-9]/)
			first = 2 * (substr($0, RSTART + 1, 3) + 0) - (rows - 1)
		}
		END { if (first != "" && rows > 2) print first, first + rows - 1 }'
}
# page KEY OLD: press KEY, wait for the span to change from OLD; prints the new span.
page() {
	keys "$1"
	deadline=$(( $(date +%s) + 15 ))
	while s=$(span) && [ "$s" = "$2" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
	span
}
# contiguous UPPER LOWER: the page above ends right before the page below starts.
contiguous() { [ -n "$1" ] && [ -n "$2" ] && [ $(( ${1#* } + 1 )) -eq "${2% *}" ]; }

for where in pane zoomed; do
	if [ $where = zoomed ]; then
		keys End
		wait_gone "newer lines below"
		keys F5
		wait_for "Esc back"
	fi
	s0=$(span)
	s1=$(page PPage "$s0")
	s2=$(page PPage "$s1")
	s3=$(page PPage "$s2")
	contiguous "$s2" "$s1"
	ok $? "$where: after two PgUp, the page ends right above where the first one began ($s2 then $s1)"
	contiguous "$s3" "$s2"
	ok $? "$where: and a third PgUp again ($s3 then $s2)"
	s4=$(page NPage "$s3")
	[ "$s4" = "$s2" ]
	ok $? "$where: PgDn shows the page before it again ($s4, was $s2)"
	s5=$(page NPage "$s4")
	[ "$s5" = "$s1" ]
	ok $? "$where: and once more ($s5, was $s1)"
done
finish
