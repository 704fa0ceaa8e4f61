#!/bin/sh
# batch-async.sh: an error a session's thread reports after its command returned still makes a
# batch run fail: a connection whose peer closes with our byte unread (ECONNRESET on the next
# recv) ends the run with status 1, though every command succeeded.
set -u
NAME=batch-async
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
command -v python3 >/dev/null 2>&1 || skip_all 3 "python3 not installed (apt-get install python3)"
echo "1..3"

python3 -c '
import select, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
s.settimeout(20)
c, _ = s.accept()
select.select([c], [], [], 20)   # the byte is here: close with it unread (a reset)
c.close()
' "$D/r" &
peers="$peers $!"
wait_for test -S "$D/r"
mkfifo "$D/in"
"$U" -b <"$D/in" >"$D/out" 2>"$D/err" &
pid=$!
peers="$peers $pid"
exec 3>"$D/in"
printf 'connect %s\nsend x\n' "$D/r" >&3
wait_for grep -q 'Connection reset by peer (ECONNRESET)' "$D/err"
got=$?
printf 'sessions\nquit\n' >&3
exec 3>&-
wait $pid
rc=$?
check "the connection's thread reports the reset" [ $got -eq 0 ]
check "every command succeeded (no usage or command error)" \
	sh -c "[ \$(grep -c '^udscope: ' '$D/err') -eq 1 ]"
check "the thread's error makes the exit status 1 (got $rc)" [ $rc -eq 1 ]
