#!/bin/sh
# batch.sh: the headless front end as scripts use it: lines, exit codes, JSON, signals, interop.
set -u
U=${UDSCOPE:?UDSCOPE must name the built binary}
D=$(mktemp -d "${TMPDIR:-/tmp}/udscope-batch-XXXXXX")
. "${UDSCOPE_SRCDIR:-.}/tests/integration/bound.sh"   # U: the binary with an alarm
trap 'rm -rf "$D"' EXIT
n=0
failed=0
# Every udscope run and every wait has a deadline: W seconds with the command still running
# (UDSCOPE_TEST_WAIT, 20 unless set). It only turns a hang into a failure that says what was
# missing; nothing here measures speed. The runner (tests/run-with-deadline.sh) adds an outer
# limit for the whole script.
W=${UDSCOPE_TEST_WAIT:-20}
hung=""
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for l in "$@"; do [ -n "$l" ] && printf '%s\n' "$l" | sed 's/^/# /'; done; }
check() { # check NAME COMMAND...
	name=$1; shift
	if "$@"; then ok "$name"; else notok "$name" "$hung" "$(cat "$D/err" 2>/dev/null | head -5)"; fi
}
# step TEXT: tell the runner what runs now (named if the script hangs there).
step() { [ -n "${UDSCOPE_TEST_NOW:-}" ] && printf 'batch.sh: %s\n' "$*" >"$UDSCOPE_TEST_NOW"; return 0; }
# bounded COMMAND...: run it with the deadline. Still running after W s, it gets SIGINT (a
# batch client then says what it was missing, e.g. "short echo, received 38 of 41 bytes"),
# and SIGKILL 5 s later. Sets rc, and hung to a line saying so (empty when it finished).
bounded() {
	timeout -s INT -k 5 "$W" "$@"
	rc=$?
	hung=""
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		hung="did not finish within $W s (stopped with SIGINT); its stderr:"
	fi
	return $rc
}
# stop PID SIGNAL: signal a background udscope and wait for it (W s, then SIGKILL); sets rc.
stop() {
	hung=""
	kill -"$2" "$1" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt $((W * 20)) ]; do sleep 0.05; i=$((i + 1)); done
	kill -0 "$1" 2>/dev/null && { echo "# pid $1 still running $W s after SIG$2: killed"; kill -KILL "$1"; }
	wait "$1"
	rc=$?
}
wait_for() { # wait_for TEST-EXPRESSION... (5 s)
	i=0
	while [ $i -lt 100 ]; do "$@" && return 0; sleep 0.05; i=$((i + 1)); done
	return 1
}
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
serve() { # serve NAME OUT: a batch server on $D/NAME in the background ($pid), output to OUT
	step "serve $1"
	"$U" -b -e "server start $D/$1" </dev/null >"$2" 2>&1 &
	pid=$!
	wait_for test -S "$D/$1"
}

# 1-2: the walkthrough, commands from standard input.
step "walkthrough from stdin"
printf 'server start %s/s\nclient %s/s\nserver stop\n' "$D" "$D" >"$D/in"
bounded "$U" --batch <"$D/in" >"$D/out" 2>"$D/err"
check "walkthrough from stdin exits 0" [ $rc -eq 0 ]
want="server: starting up on $D/s
server #1: received 16 bytes b'This is the mess'
server #1: sent 16 bytes back to the client
server #1: received 16 bytes b'age. It will be '
server #1: received 9 bytes b'repeated.'
server #1: received 0 bytes b''
client: sending 41 bytes b'This is the message. It will be repeated.'
client: received 16 bytes b'This is the mess'
client: received 16 bytes b'age. It will be '
client: received 9 bytes b'repeated.'
client: closing socket
server: removed socket node $D/s"
missing=$(printf '%s\n' "$want" | while IFS= read -r l; do grep -qxF "$l" "$D/out" || echo "$l"; done)
check "walkthrough lines present" [ -z "$missing" ]
[ -n "$missing" ] && printf '%s\n' "$missing" | sed 's/^/# missing: /' && sed 's/^/# out: /' "$D/out"

# 3: connect error on stderr, exit 1.
step "connect error"
bounded "$U" -b -e "client $D/nope" </dev/null >"$D/out" 2>"$D/err"
check "missing socket: exit 1" [ $rc -eq 1 ]
check "missing socket: one error line naming op, path, errno" \
	[ "$(cat "$D/err")" = "udscope: connect $D/nope: No such file or directory (ENOENT)" ]

# 5: usage error in a command: exit 1 with usage.
step "usage errors"
bounded "$U" -b -e "server start" </dev/null >"$D/out" 2>"$D/err"
check "command usage error: exit 1, usage shown" sh -c "[ $rc -eq 1 ] && grep -qF 'server start: missing argument (usage: server start PATH [--type stream|seqpacket|dgram] [--chunk N] [--backlog N] [--mode OCTAL])' '$D/err'"

# 6: option usage error: exit 2.
bounded "$U" --bogus </dev/null >"$D/out" 2>"$D/err"
check "unknown option: exit 2 with usage on stderr" sh -c "[ $rc -eq 2 ] && grep -q '^Usage: udscope' '$D/err' && [ ! -s '$D/out' ]"

# 7: --version and --help.
check "--version: the version, then the libraries" sh -c "timeout $W '$U' --version >'$D/out' && head -n 1 '$D/out' | grep -qxE 'udscope [0-9]+[.][0-9]+[.][0-9]+(-[0-9]+)?(-g[0-9a-f]+)?(-dirty)?' && grep -qE '^ncurses [0-9]' '$D/out' && grep -qE '^readline [0-9]' '$D/out'"
check "--help lists --batch and --exec" sh -c "timeout $W '$U' --help | grep -q -- '--exec CMD' && timeout $W '$U' --help | grep -q -- '--batch'"

# 9: -t adds a time column.
bounded "$U" -b -t -e help </dev/null >"$D/out" 2>"$D/err"
check "-t prefixes seconds.micros" grep -qE '^ +[0-9]+\.[0-9]{6} commands' "$D/out"

# 10: --json.
step "--json"
bounded "$U" -b --json -e "server start $D/j" -e "client $D/j hi" -e "server stop" </dev/null >"$D/out" 2>"$D/err"
if [ -n "$hung" ]; then
	notok "--json: the run ends (exit 0)" "$hung" "$(head -5 "$D/err")"
elif command -v python3 >/dev/null 2>&1; then
	check "--json: every line is JSON, recv events carry bytes and data" python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
recv = [e for e in ev if e["source"] == "server" and e["kind"] == "recv"]
assert [e["bytes"] for e in recv] == [2, 0], recv
assert bytes.fromhex(recv[0]["data"]) == b"hi" and recv[0]["connection"] == 1
acc = [e for e in ev if e["kind"] == "accept" and e["source"] == "server"][0]
assert acc["pid"] > 0 and "uid" in acc
' "$D/out"
else
	check "--json: recv line" grep -q '"kind":"recv","session":1,"connection":1,"bytes":2,"data":"6869"' "$D/out"
fi

# After EOF batch keeps serving until SIGTERM, then removes the node.
serve k "$D/kout"
bounded "$U" -b -e "client $D/k" </dev/null >"$D/out" 2>"$D/err"
check "server keeps serving after input ends" [ $rc -eq 0 ]
stop $pid TERM
check "SIGTERM stops it cleanly and removes the node" sh -c "[ $rc -eq 0 ] && [ ! -e '$D/k' ] && grep -q 'removed socket node' '$D/kout'"

# A tap keeps a batch run going after its input ends too, and through it a client reaches
# the server behind it.
serve behind "$D/bout"
step "tap keeps serving"
"$U" -b -e "tap $D/front $D/behind" </dev/null >"$D/tout" 2>&1 &
tpid=$!
wait_for test -S "$D/front"
bounded "$U" -b -e "client $D/front" </dev/null >"$D/out" 2>"$D/err"
check "a tap keeps serving after input ends" sh -c "[ $rc -eq 0 ] && kill -0 $tpid && grep -qF \"received 9 bytes b'repeated.'\" '$D/out'"
stop $tpid TERM
check "SIGTERM stops the tap cleanly and removes its node" sh -c "[ $rc -eq 0 ] && [ ! -e '$D/front' ]"
stop $pid TERM

# SIGINT and SIGHUP end a serving batch run as cleanly as SIGTERM does.
for sig in INT HUP; do
	serve "sig$sig" "$D/sout"
	stop $pid $sig
	check "SIG$sig stops a serving batch run: exit 0, node removed" \
		sh -c "[ $rc -eq 0 ] && [ ! -e '$D/sig$sig' ] && grep -q 'removed socket node' '$D/sout'"
done

# A client stuck on a server that never answers: SIGINT ends the wait, says so, exits 1.
if command -v python3 >/dev/null 2>&1; then
	python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept()
time.sleep(30)
' "$D/mute" &
	mute=$!
	step "SIGINT ends a stuck client"
	wait_for test -S "$D/mute"
	# A fresh file: an earlier test's "sending 41 bytes" in $D/out would let the SIGINT go
	# before udscope runs, while the shell still ignores it for a background job (lost).
	rm -f "$D/out"
	"$U" -b -e "client $D/mute" </dev/null >"$D/out" 2>"$D/err" &
	pid=$!
	wait_for grep -q "sending 41 bytes" "$D/out"
	stop $pid INT
	kill $mute 2>/dev/null
	check "SIGINT ends a client stuck waiting for its echo (exit 1, short echo said)" \
		sh -c "[ $rc -eq 1 ] && grep -q 'short echo, received 0 of 41 bytes' '$D/err'"
else
	skip "python3 not installed (apt-get install python3)"
fi

# Interop: a Python client against the udscope server, the walkthrough's way.
if command -v python3 >/dev/null 2>&1; then
	serve py "$D/pyout"
	# The client's own deadline comes first, so that it can say what it was missing.
	bounded python3 - "$D/py" $((W > 2 ? W / 2 : 1)) >"$D/out" 2>"$D/err" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(float(sys.argv[2]))   # every operation: a deadline, never a hang
s.connect(sys.argv[1])
msg = b"This is the message. It will be repeated."
s.sendall(msg)
got = b""
then = "the whole echo"
try:
    while len(got) < len(msg):
        b = s.recv(16)
        if not b:
            then = "end of stream"
            break
        got += b
except socket.timeout:
    then = "nothing for %s s" % sys.argv[2]
s.close()
if got == msg:
    print("echo ok")
else:
    print("echo: %d of %d bytes, then %s: %r" % (len(got), len(msg), then, got), file=sys.stderr)
PY
	stop $pid TERM
	check "python3 client against udscope server" sh -c "grep -qx 'echo ok' '$D/out' && grep -q 'connection from pid [0-9]* (python3)' '$D/pyout'"
else
	skip "python3 not installed (apt-get install python3)"
fi

# Interop: socat as the client.
if command -v socat >/dev/null 2>&1; then
	serve so "$D/soout"
	# socat waits 2 s after its input ends for the rest of the echo, then gives up.
	printf 'via socat' >"$D/in"
	bounded socat -t 2 - "UNIX-CONNECT:$D/so" <"$D/in" >"$D/out" 2>"$D/err"
	[ "$(cat "$D/out")" = 'via socat' ] ||
		echo "echo: $(wc -c <"$D/out") of 9 bytes: '$(cat "$D/out")'" >>"$D/err"
	stop $pid TERM
	check "socat client gets its echo" sh -c "[ \"\$(cat '$D/out')\" = 'via socat' ] && grep -q \"received 9 bytes b'via socat'\" '$D/soout'"
else
	skip "socat not installed (apt-get install socat)"
fi
# Hostile input lines: huge, with a NUL byte, with control bytes; later commands still run.
python3 -c 'import sys; sys.stdout.write("send " + "A" * (2 << 20) + "\n")' >"$D/in" 2>/dev/null ||
	{ printf 'send '; head -c 2097152 /dev/zero | tr '\0' 'A'; echo; } >"$D/in"
printf 'help quit\nse\000nd x\n"\033[2J\r"\nhelp quit\n' >>"$D/in"
step "hostile input lines"
bounded "$U" -b <"$D/in" >"$D/out" 2>"$D/err"
check "a 2 MiB line is refused in one line, and input goes on" sh -c "[ $rc -eq 1 ] &&
	grep -qx 'udscope: input line longer than 1048576 bytes; ignored' '$D/err' &&
	[ \$(grep -c 'quit  *stop every session' '$D/out') -eq 2 ]"
check "a NUL byte in a line is an error" grep -qx 'udscope: input line holds a NUL byte; ignored' "$D/err"
check "control bytes in a command come back escaped" sh -c "grep -qF \"unknown command '\\\\x1b[2J\\\\x0d'\" '$D/err' &&
	! grep -q \"\$(printf '\\033')\" '$D/err' && [ \$(wc -l <'$D/err') -eq 3 ]"
# A flood of 16-byte chunks through a batch server: its drains of the bus are paced, and still
# every chunk has its line (the bus is lossless), the totals exact, the echo byte for byte.
if command -v python3 >/dev/null 2>&1; then
	serve flood "$D/floodout"
	step "a flood through a batch server"
	bounded python3 - "$D/flood" 20000 >"$D/err" 2>&1 <<'PY'
import socket, sys, threading
path, n = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
want = b"".join(b"%015d\n" % i for i in range(n))
def write():
    for i in range(0, len(want), 16):
        s.sendall(want[i:i + 16])
t = threading.Thread(target=write)
t.start()
got = bytearray()
while len(got) < len(want):
    b = s.recv(65536)
    if not b:
        break
    got += b
t.join()
if bytes(got) != want:
    i = next((k for k in range(min(len(got), len(want))) if got[k] != want[k]), len(got))
    print("echo: %d of %d bytes, first difference at byte %d" % (len(got), len(want), i))
    sys.exit(1)
PY
	flood_rc=$rc
	stop $pid INT
	check "a flood's echo comes back byte for byte" [ "$flood_rc" -eq 0 ]
	check "every chunk of the flood has its lines: 320000 bytes received, 320000 sent" sh -c "
		[ \"\$(sed -n 's/^server #1: received \\([0-9]*\\) bytes* .*/\\1/p' '$D/floodout' |
			awk '{t += \$1} END {print t}')\" = 320000 ] &&
		[ \"\$(sed -n 's/^server #1: sent \\([0-9]*\\) bytes* .*/\\1/p' '$D/floodout' |
			awk '{t += \$1} END {print t}')\" = 320000 ]"
else
	skip "python3 not installed (apt-get install python3)"
	skip "python3 not installed (apt-get install python3)"
fi
echo "1..$n"
exit 0
