#!/bin/sh
# socktypes.sh: seqpacket and datagram servers and clients against peers nobody here wrote
# (python3's socket module, socat): exact truncation figures, kept boundaries, sender
# addresses and credentials, descriptors passed both ways, and the node rules for every type.
set -u
NAME=socktypes
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
P="$S/dgram_peer.py"

command -v python3 >/dev/null 2>&1 || skip_all 26 "python3 not installed (apt-get install python3)"
echo "1..26"

srv=""
serve() { # serve NAME TYPE [OPTS]: a udscope batch server in the background
	"$U" -b -e "server start $D/$1 --type $2 ${3:-}" </dev/null >"$D/srv.out" 2>"$D/srv.err" &
	srv=$!
	wait_for test -S "$D/$1"
}
unserve() { kill -TERM "$srv" 2>/dev/null; wait "$srv" 2>/dev/null; srv=""; }
has() { grep -qF -- "$1" "$D/srv.out"; }

# 1-3: seqpacket: python3 sends three messages, three come in; the walkthrough's message cut.
serve q seqpacket
python3 "$P" three "$D/q" >"$D/out" 2>"$D/err"
check "seqpacket: python3's three messages echoed whole" [ "$(tr '\n' ' ' <"$D/out")" = "5 14 1 " ]
wait_for has "received 1 byte b'3'"
check "seqpacket: three sends, three messages" sh -c "grep -c ': received ' '$D/srv.out' | grep -qx 3"
printf 'seqpacket file\n' >"$D/file.txt"
python3 "$P" sendfds "$D/q" "$D/file.txt" >"$D/out" 2>"$D/err"
check "seqpacket: socket.send_fds in, socket.recv_fds back, the file read through it" \
	[ "$(cat "$D/out")" = "fd via send_fds 1 seqpacket file" ]
"$U" -b -e "client $D/q --type seqpacket" </dev/null >"$D/out" 2>"$D/err"
wait_for has "received 16 of 41 bytes (message truncated: 25 bytes discarded) b'This is the mess'"
check "seqpacket: 16 of 41 bytes, 25 discarded (MSG_TRUNC)" \
	has "received 16 of 41 bytes (message truncated: 25 bytes discarded) b'This is the mess'"
unserve

# 4-9: datagrams to a udscope server: sender, credentials, unbound, empty, gone, truncation.
serve d dgram
python3 "$P" fdfile "$D/d" /etc/hostname >"$D/out" 2>"$D/err"
check "python3 passes a file, reads it back through the fd that came with the echo" \
	[ "$(cat "$D/out")" = "here is a file 1 $(head -c 100 /etc/hostname | tr -d '\n')" ]
pypid=$(python3 "$P" creds "$D/d")
# Wait for the whole line: a server's output goes to the file in blocks, so a line may be
# there in part for a moment.
creds_line="b'with creds' from an unbound sender (pid $pypid (python3) uid $(id -u) gid $(id -g))"
wait_for has "$creds_line"
check "SCM_CREDENTIALS shown: pid, name" has "$creds_line"
check "an unbound sender gets no reply, said" has "sender is unbound: no reply possible"
kill -STOP "$srv"   # so the sender is surely gone before the server reads its datagram
python3 "$P" gone "$D/d"
kill -CONT "$srv"
wait_for has "b'bye'"
wait_for has "(the sender is gone)"
check "a sender gone before the echo: said, server goes on" has "(the sender is gone)"
"$U" -b -e "client $D/d 'ab' --type dgram --chunk 1" </dev/null >"$D/out" 2>"$D/err"
check "client --chunk 1 cuts the 2-byte echo: 1 of 2 bytes" \
	grep -qF "client: received 1 of 2 bytes (message truncated: 1 byte discarded) b'a'" "$D/out"
python3 -c "import socket; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.sendto(b'', '$D/d')"
wait_for has "received an empty message"
check "a zero-length datagram is a message" has "received an empty message b'' from an unbound sender"

# 10-12: descriptors of every kind: a FIFO with no writer (must not block), a directory, a socket.
mkfifo "$D/fifo"
"$U" -b -e "client $D/d hi --type dgram --fd $D/fifo --fd $D --fd $D/d" </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "FIFO, directory and socket passed: echo back with 3 fds, exit 0" \
	sh -c "[ $rc -eq 0 ] && grep -qF \"client: received 2 bytes b'hi' with 3 fds\" '$D/out'"
check "each received fd described: FIFO read-only, directory, socket path-only" sh -c "
	grep -qF '(FIFO, read-only); closed' '$D/out' && grep -qF '(directory, read-only); closed' '$D/out' &&
	grep -qF '(socket, path only); closed' '$D/out'"
check "the server says them too and passes them back" has "(FIFO, read-only); passed back with the echo"

# 13: the fd-leak check: 10,000 messages with 3 fds each, every 10th with 20 (cut by the
# kernel: MSG_CTRUNC); the server's descriptor count is the same before and after.
before=$(ls /proc/"$srv"/fd | wc -l)
python3 "$P" leak "$D/d" 10000 >"$D/out" 2>"$D/err"
after=$(ls /proc/"$srv"/fd | wc -l)
check "10,000 messages with fds (1,000 cut): fd count $before before, $after after" \
	sh -c "[ \"\$(cat '$D/out')\" = 'ok 10000' ] && [ $before -eq $after ]"
check "the cut ones are said (MSG_CTRUNC)" \
	sh -c "grep -c 'control data truncated' '$D/srv.out' | grep -qx 1000"

# 14: a flood from 50 senders, 200 each: every datagram counted (senders block, none lost).
n0=$(grep -c ': received ' "$D/srv.out")
python3 "$P" flood "$D/d" 50 200 >"$D/out"
wait_for sh -c "[ \$(grep -c ': received ' '$D/srv.out') -ge $((n0 + 10000)) ]"
check "flood: 10000 datagrams from 50 senders, exactly 10000 received lines" \
	sh -c "[ \$(grep -c ': received ' '$D/srv.out') -eq $((n0 + 10000)) ]"

# 15: socat sends a datagram (UNIX-SENDTO).
if command -v socat >/dev/null 2>&1; then
	printf 'from socat' | socat - "UNIX-SENDTO:$D/d" 2>"$D/err"
	wait_for has "b'from socat'"
	check "socat UNIX-SENDTO reaches the dgram server" has "received 10 bytes b'from socat'"
else
	ok "# SKIP socat not installed (apt-get install socat)"
fi
unserve

# 16-17: udscope's clients against python3 servers of both types.
python3 "$P" echo-dgram "$D/pd" & peers="$peers $!"
wait_for test -S "$D/pd"
"$U" -b -e "client $D/pd 'to python' --type dgram --timeout 5" </dev/null >"$D/out" 2>"$D/err"
check "dgram client: python3 echoes to the autobound name, exit 0" \
	sh -c "[ $? -eq 0 ] && grep -qF \"client: received 9 bytes b'to python'\" '$D/out' && grep -q 'bound to @' '$D/out'"
python3 "$P" echo-seq "$D/pq" & peers="$peers $!"
wait_for test -S "$D/pq"
"$U" -b -e "connect $D/pq --type seqpacket" -e "send one" -e "send two" -e "expect two" \
	-e disconnect </dev/null >"$D/out" 2>"$D/err"
check "seqpacket connection: two sends, two messages back" sh -c "
	grep -qF \"client: received 3 bytes b'one'\" '$D/out' && grep -qF \"client: received 3 bytes b'two'\" '$D/out'"

# 18: socat as the seqpacket client (socktype=5).
if command -v socat >/dev/null 2>&1; then
	serve q2 seqpacket
	printf 'socat seq' | socat -t 1 - "UNIX-CONNECT:$D/q2,socktype=5" >"$D/out" 2>"$D/err"
	check "socat seqpacket client gets its echo" [ "$(cat "$D/out")" = "socat seq" ]
	unserve
else
	ok "# SKIP socat not installed (apt-get install socat)"
fi

# 19: socat as the datagram server (UNIX-RECVFROM), udscope --bind PATH sends to it.
if command -v socat >/dev/null 2>&1; then
	socat -u "UNIX-RECVFROM:$D/sd" "OPEN:$D/socat.got,creat" & peers="$peers $!"
	wait_for test -S "$D/sd"
	"$U" -b -e "client $D/sd 'to socat' --type dgram --bind $D/mine --timeout 1" </dev/null >"$D/out" 2>"$D/err"
	wait_for sh -c "[ \"\$(cat '$D/socat.got' 2>/dev/null)\" = 'to socat' ]"
	check "socat UNIX-RECVFROM receives udscope's datagram; --bind node removed after" \
		sh -c "[ \"\$(cat '$D/socat.got')\" = 'to socat' ] && grep -q 'bound to $D/mine' '$D/out' && [ ! -e '$D/mine' ]"
else
	ok "# SKIP socat not installed (apt-get install socat)"
fi
stop_peers

# 20-22: node safety for datagram and seqpacket nodes: live ones refused, stale ones replaced,
# anything else untouched.
python3 -c "
import socket, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind('$D/live'); time.sleep(20)" & peers="$peers $!"
wait_for test -S "$D/live"
"$U" -b -e "server start $D/live --type dgram" -e quit </dev/null >"$D/out" 2>"$D/err"
check "a live datagram socket's node is refused and left" \
	sh -c "[ $? -eq 1 ] && test -S '$D/live' && grep -q 'a datagram socket is bound there and receiving; left untouched (held by pid [0-9]* (python3)' '$D/err'"
stop_peers
python3 -c "
import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); s.bind('$D/stale')"
"$U" -b -e "server start $D/stale --type seqpacket" -e "server stop" </dev/null >"$D/out" 2>"$D/err"
check "a stale node is removed for a seqpacket server" grep -qF "removed stale socket node $D/stale" "$D/out"
: >"$D/file"
"$U" -b -e "server start $D/file --type dgram" -e quit </dev/null >"$D/out" 2>"$D/err"
check "a regular file is never removed for a dgram server" \
	sh -c "[ $? -eq 1 ] && test -f '$D/file' && grep -q 'is a regular file, not a socket' '$D/err'"

# 24: a tool-level refusal carries no unrelated errno text.
"$U" -b -e "send hi --fd /etc/hostname" </dev/null >"$D/out" 2>"$D/err"
check "send with no connection: one line, no errno text" \
	[ "$(cat "$D/err")" = "udscope: send: no connection is running (connect PATH first)" ]

# 25: lines and JSON say the type (stream lines stay the walkthrough's).
"$U" -b --json -e "server start $D/t --type dgram" -e "client $D/t x --type dgram" -e quit \
	</dev/null >"$D/out" 2>"$D/err"
check "JSON: socket_type on the listen and connecting lines" sh -c "
	grep -q '\"kind\":\"listen\".*\"socket_type\":\"dgram\"' '$D/out' &&
	grep -q '\"text\":\"connecting to $D/t\",\"socket_type\":\"dgram\"' '$D/out'"
