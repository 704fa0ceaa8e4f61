#!/bin/sh
# batch.sh: the headless front end as scripts use it: lines, exit codes, JSON, signals, interop.
set -u
U=${UDSCOPE:?UDSCOPE must name the built binary}
D=$(mktemp -d /tmp/udscope-batch-XXXXXX)
trap 'rm -rf "$D"' EXIT
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
check() { # check NAME COMMAND...
	name=$1; shift
	if "$@"; then ok "$name"; else notok "$name" "$(cat "$D/err" 2>/dev/null | head -5)"; fi
}
wait_for() { # wait_for TEST-EXPRESSION... (5 s)
	i=0
	while [ $i -lt 100 ]; do "$@" && return 0; sleep 0.05; i=$((i + 1)); done
	return 1
}
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
serve() { # serve NAME OUT: a batch server on $D/NAME in the background ($pid), output to OUT
	"$U" -b -e "server start $D/$1" </dev/null >"$2" 2>&1 &
	pid=$!
	wait_for test -S "$D/$1"
}

# 1-2: the walkthrough, commands from standard input.
printf 'server start %s/s\nclient %s/s\nserver stop\n' "$D" "$D" | "$U" --batch >"$D/out" 2>"$D/err"
rc=$?
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
[ -n "$missing" ] && printf '# missing: %s\n' "$missing" && sed 's/^/# out: /' "$D/out"

# 3: connect error on stderr, exit 1.
"$U" -b -e "client $D/nope" </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "missing socket: exit 1" [ $rc -eq 1 ]
check "missing socket: one error line naming op, path, errno" \
	[ "$(cat "$D/err")" = "udscope: connect $D/nope: No such file or directory (ENOENT)" ]

# 5: usage error in a command: exit 1 with usage.
"$U" -b -e "server start" </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "command usage error: exit 1, usage shown" sh -c "[ $rc -eq 1 ] && grep -qF 'server start: missing argument (usage: server start PATH [--chunk N] [--backlog N] [--mode OCTAL])' '$D/err'"

# 6: option usage error: exit 2.
"$U" --bogus </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "unknown option: exit 2 with usage on stderr" sh -c "[ $rc -eq 2 ] && grep -q '^Usage: udscope' '$D/err' && [ ! -s '$D/out' ]"

# 7: --version and --help.
check "--version" sh -c "'$U' --version | grep -qx 'udscope [0-9.]*'"
check "--help lists --batch and --exec" sh -c "'$U' --help | grep -q -- '--exec CMD' && '$U' --help | grep -q -- '--batch'"

# 9: -t adds a time column.
"$U" -b -t -e help </dev/null >"$D/out" 2>"$D/err"
check "-t prefixes seconds.micros" grep -qE '^ +[0-9]+\.[0-9]{6} commands' "$D/out"

# 10: --json.
"$U" -b --json -e "server start $D/j" -e "client $D/j hi" -e "server stop" </dev/null >"$D/out" 2>"$D/err"
if command -v python3 >/dev/null 2>&1; then
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
	check "--json: recv line" grep -q '"kind":"recv","connection":1,"bytes":2,"data":"6869"' "$D/out"
fi

# After EOF batch keeps serving until SIGTERM, then removes the node.
serve k "$D/kout"
"$U" -b -e "client $D/k" </dev/null >"$D/out" 2>"$D/err"
check "server keeps serving after input ends" [ $? -eq 0 ]
kill -TERM $pid
wait $pid
rc=$?
check "SIGTERM stops it cleanly and removes the node" sh -c "[ $rc -eq 0 ] && [ ! -e '$D/k' ] && grep -q 'removed socket node' '$D/kout'"

# SIGINT and SIGHUP end a serving batch run as cleanly as SIGTERM does.
for sig in INT HUP; do
	serve "sig$sig" "$D/sout"
	kill -$sig $pid
	wait $pid
	rc=$?
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
	wait_for test -S "$D/mute"
	"$U" -b -e "client $D/mute" </dev/null >"$D/out" 2>"$D/err" &
	pid=$!
	wait_for grep -q "sending 41 bytes" "$D/out"
	kill -INT $pid
	wait $pid
	rc=$?
	kill $mute 2>/dev/null
	check "SIGINT ends a client stuck waiting for its echo (exit 1, short echo said)" \
		sh -c "[ $rc -eq 1 ] && grep -q 'short echo, received 0 of 41 bytes' '$D/err'"
else
	skip "python3 not installed"
fi

# Interop: a Python client against the udscope server, the walkthrough's way.
if command -v python3 >/dev/null 2>&1; then
	serve py "$D/pyout"
	python3 - "$D/py" >"$D/out" 2>"$D/err" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
msg = b"This is the message. It will be repeated."
s.sendall(msg)
got = b""
while len(got) < len(msg):
    got += s.recv(16)
s.close()
print("echo ok" if got == msg else "echo differs: %r" % got)
PY
	kill -TERM $pid; wait $pid
	check "python3 client against udscope server" sh -c "grep -qx 'echo ok' '$D/out' && grep -q 'connection from pid [0-9]* (python3)' '$D/pyout'"
else
	skip "python3 not installed"
fi

# Interop: socat as the client.
if command -v socat >/dev/null 2>&1; then
	serve so "$D/soout"
	printf 'via socat' | socat -t 2 - "UNIX-CONNECT:$D/so" >"$D/out" 2>"$D/err"
	kill -TERM $pid; wait $pid
	check "socat client gets its echo" sh -c "[ \"\$(cat '$D/out')\" = 'via socat' ] && grep -q \"received 9 bytes b'via socat'\" '$D/soout'"
else
	skip "socat not installed"
fi
# Hostile input lines: huge, with a NUL byte, with control bytes; later commands still run.
python3 -c 'import sys; sys.stdout.write("send " + "A" * (2 << 20) + "\n")' >"$D/in" 2>/dev/null ||
	{ printf 'send '; head -c 2097152 /dev/zero | tr '\0' 'A'; echo; } >"$D/in"
printf 'help quit\nse\000nd x\n"\033[2J\r"\nhelp quit\n' >>"$D/in"
"$U" -b <"$D/in" >"$D/out" 2>"$D/err"
rc=$?
check "a 2 MiB line is refused in one line, and input goes on" sh -c "[ $rc -eq 1 ] &&
	grep -qx 'udscope: input line longer than 1048576 bytes; ignored' '$D/err' &&
	[ \$(grep -c 'quit  *stop every session' '$D/out') -eq 2 ]"
check "a NUL byte in a line is an error" grep -qx 'udscope: input line holds a NUL byte; ignored' "$D/err"
check "control bytes in a command come back escaped" sh -c "grep -qF \"unknown command '\\\\x1b[2J\\\\x0d'\" '$D/err' &&
	! grep -q \"\$(printf '\\033')\" '$D/err' && [ \$(wc -l <'$D/err') -eq 3 ]"
echo "1..$n"
exit 0
