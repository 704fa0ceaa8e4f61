#!/bin/sh
# script.sh: scripts keep their order: connect, send, expect, wait, disconnect and source
# against real peers (peer.py), and every failure makes the exit status 1.
set -u
NAME=script
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"

command -v python3 >/dev/null 2>&1 || skip_all 14 "python3 not installed (apt-get install python3)"
echo "1..14"

# 1-3: a conversation with an HTTP server over a Unix socket, checked as it goes.
peer web http
cat >"$D/get.ud" <<UD
# fetch / and check the answer
connect $D/web --chunk 4096
send "GET / HTTP/1.0\r\nHost: uds\r\n\r\n"
expect "HTTP/1.0 200 OK" --timeout 5
expect "hello from uds" --timeout 5
disconnect
UD
"$U" -b -e "source $D/get.ud" </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "a scripted HTTP conversation exits 0" [ $rc -eq 0 ]
check "both expects are said as found, in order" \
	sh -c "grep -n '^client: expect: found' '$D/out' | cut -d: -f4- | tr '\n' '|' | grep -qxF \" found b'HTTP/1.0 200 OK'| found b'hello from uds'|\""
check "nothing on stderr" [ ! -s "$D/err" ]

# 4-5: expect something that never comes: one clear line, exit 1, after the timeout.
"$U" -b -e "connect $D/web" -e 'send "GET / HTTP/1.0\r\n\r\n"' -e 'expect "HTTP/1.1 404" --timeout 2' \
	</dev/null >"$D/out" 2>"$D/err"
rc=$?
check "an expect that is not met: exit 1" [ $rc -eq 1 ]
check "one line naming what was expected and why it failed" \
	sh -c "[ \$(wc -l <'$D/err') -eq 1 ] && grep -qE \"^udscope: expect b'HTTP/1.1 404' on $D/web: (the connection closed before it came|not seen in time); [0-9]+ bytes received since the last match\" '$D/err'"

# 6: expect times out on a peer that stays silent.
peer mute mute
"$U" -b -e "connect $D/mute" -e 'expect "hi" --timeout 1' </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "expect against a silent peer times out: exit 1, ETIMEDOUT" \
	sh -c "[ $rc -eq 1 ] && grep -qF \"expect b'hi' on $D/mute: not seen in time; 0 bytes received since the last match: Connection timed out (ETIMEDOUT)\" '$D/err'"

# 7-8: source with an error on line 3 names the file and the line; later lines still run.
printf 'wait 0\nwait 0.1\nconnect %s/nothing-here\nwait 0\n' "$D" >"$D/bad.ud"
"$U" -b -e "source $D/bad.ud" -e 'help wait' </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "source: an error on line 3 fails the run (exit 1)" [ $rc -eq 1 ]
check "and names the file and line" \
	grep -qxF "udscope: $D/bad.ud:3: connect $D/nothing-here: No such file or directory (ENOENT)" "$D/err"

# 9: a missing file, and a file that sources itself, are refused with one line each.
printf 'source %s/loop.ud\n' "$D" >"$D/loop.ud"
"$U" -b -e "source $D/none.ud" -e "source $D/loop.ud" </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "source: a missing file and endless nesting are errors, exit 1" \
	sh -c "[ $rc -eq 1 ] && grep -qF 'udscope: source $D/none.ud: No such file or directory (ENOENT)' '$D/err' && grep -qF 'sourced files nest deeper than 16' '$D/err'"
"$U" -b -e "source $D" </dev/null >"$D/out" 2>"$D/err"
check "source: a directory is refused as one (EISDIR), exit 1" \
	sh -c "[ $? -eq 1 ] && grep -qxF 'udscope: source $D: Is a directory (EISDIR)' '$D/err'"

# 10-11: wait pauses the script, events keep flowing, bad values are refused.
start=$(date +%s%N)
"$U" -b -e 'wait 0.6' </dev/null >"$D/out" 2>"$D/err"
rc=$?
end=$(date +%s%N)
check "wait 0.6 returns after at least 0.6 s, exit 0" sh -c "[ $rc -eq 0 ] && [ $(( (end - start) / 1000000 )) -ge 600 ]"
"$U" -b -e 'wait soon' </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "wait with a word that is not a number: exit 1, one line" \
	sh -c "[ $rc -eq 1 ] && grep -qxF \"udscope: wait soon: not a number of seconds (0 to 86400)\" '$D/err'"

# 12: the order holds: a send's bytes are in the socket before the next line runs, so a
# server stopped right after has them (it serves what is ready before it stops).
"$U" -b -e "server start $D/s" -e "connect $D/s" -e 'send "x"' -e 'wait 0.2' -e 'server stop' \
	</dev/null >"$D/out" 2>"$D/err"
rc=$?
check "server start, connect, send, server stop: the server received the byte" \
	grep -qxF "server #1: received 1 byte b'x'" "$D/out"

# 13: SIGINT during a long wait ends it at once and fails the run.
# watching PID: udscope runs there and has SIGINT blocked for its signalfd (a signal sent
# earlier would reach the wrapper or a process not yet listening).
watching() {
	[ "$(cat /proc/$1/comm 2>/dev/null)" = udscope ] &&
		blk=$(sed -n 's/^SigBlk:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null) &&
		[ -n "$blk" ] && [ $(( 0x$blk & 2 )) -ne 0 ]
}
"$U" -b -e 'wait 30' </dev/null >"$D/out" 2>"$D/err" &
pid=$!
wait_for watching $pid
kill -INT $pid
i=0; while kill -0 $pid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
wait $pid
rc=$?
check "SIGINT ends a wait 30 at once (exit 1)" [ $rc -eq 1 ]
