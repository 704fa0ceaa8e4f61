#!/bin/sh
# facts.sh: the lines a script acts on carry typed members in --json (doc/udscope.1, JSON
# OUTPUT): a node removed, stale, replaced or left alone, with its path; a connection closed,
# with the reason, the peer and the totals; a sender that is unbound; a session stopped, with
# its totals; a client a tap refused, and why; a tap's side that finished sending or stopped
# reading, a message too big for its send buffer; a datagram tap's upstream sockets opened and
# closed, its target answering again, a reply it could not route, another user's datagram
# it dropped; a server's echo not delivered; a client connecting, bound, connected and
# closed; the pair demo's fork, its descriptors, the child's waiting, reply and descriptor
# read, a message cut to one recv, how long the exchange took, a child that ended without
# replying, and the child's exit. The text lines keep their words.
set -u
NAME=facts
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
command -v python3 >/dev/null 2>&1 || skip_all 40 "python3 not installed (apt-get install python3)"
echo "1..40"
W=${UDSCOPE_TEST_WAIT:-20}
has() { grep -F -- "$2" "$1" | grep -qF -- "$3"; }   # has FILE MEMBER MEMBER: on one line
has3() { grep -F -- "$2" "$1" | grep -F -- "$3" | grep -qF -- "$4"; }   # three on one line
# fed NAME: udscope -b --json in the background ($run), its lines in $D/NAME.out, reading the
# commands that say() writes until fed_end.
fed() {
	rm -f "$D/cmd" && mkfifo "$D/cmd"
	"$U" -b --json <"$D/cmd" >"$D/$1.out" 2>"$D/$1.err" &
	run=$!
	peers="$peers $run"
	exec 3>"$D/cmd"
}
say() { echo "$*" >&3; }
fed_end() { exec 3>&-; wait "$run"; }

# 1-4: a stream server: a one-shot client (its connection closed by the peer), an interactive
# one still open at stop, then the node removed.
timeout -k 5 "$W" "$U" -b --json -e "server start $D/s" -e "client $D/s hi" -e "connect $D/s" \
	-e "send x" -e "expect x" -e "server stop" </dev/null >"$D/s.out" 2>"$D/s.err"
check "connection closed by its peer: reason peer-closed, with the peer's pid and the totals" \
	has "$D/s.out" '"fact":"connection-closed","reason":"peer-closed"' '"peer_pid":'
check "a connection still open at stop: reason stopping" \
	has "$D/s.out" '"fact":"connection-closed","reason":"stopping"' '"bytes_in":1,"bytes_out":1'
check "server stopped: its totals typed" \
	has "$D/s.out" '"fact":"stopped"' '"connections":2,"bytes_in":3,"chunks_in":2,"bytes_out":3,"chunks_out":2'
check "the node removed, with its path" \
	has "$D/s.out" '"fact":"node-removed"' "\"path\":\"$D/s\""

# 5: a stale node (bound, never unlinked) is removed at start.
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$D/st"
timeout -k 5 "$W" "$U" -b --json -e "server start $D/st" -e "server stop" </dev/null \
	>"$D/st.out" 2>"$D/st.err"
check "a stale node removed at start, with its path" \
	has "$D/st.out" '"fact":"node-stale"' "\"path\":\"$D/st\""

# 6-7: the node replaced while the server runs: left alone at stop, and the text says why.
fed r
say "server start $D/r"
wait_for test -S "$D/r"
rm -f "$D/r"
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$D/r"
say "server stop"
fed_end
check "a replaced node is left alone: fact node-left, its path, why in detail" \
	has "$D/r.out" '"fact":"node-left"' "\"path\":\"$D/r\",\"detail\":"
check "its text line still says so" grep -qF "\"text\":\"left $D/r alone: it is no longer" "$D/r.out"
rm -f "$D/r"

# 8-9: a datagram server and a sender with no address: no reply possible.
timeout -k 5 "$W" "$U" -b --json -e "server start $D/g --type dgram" -e "wait 0.1" \
	</dev/null >"$D/g.out" 2>"$D/g.err" &
srv=$!
peers="$peers $srv"
wait_for test -S "$D/g"
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"x", sys.argv[1])' "$D/g"
wait "$srv"
check "an unbound sender: fact sender-unbound" grep -qF '"fact":"sender-unbound"' "$D/g.out"
check "a datagram server's stop: typed totals and echoes not delivered" \
	has "$D/g.out" '"fact":"stopped"' '"echoes_dropped":0'

# 10-12: a tap: one client through it, closed by both sides, then the tap stopped.
timeout -k 5 "$W" "$U" -b -e "server start $D/b" -e "wait 5" </dev/null >"$D/b.out" 2>&1 &
srv=$!
peers="$peers $srv"
wait_for test -S "$D/b"
fed t
say "tap $D/f $D/b"
wait_for test -S "$D/f"
timeout -k 5 "$W" "$U" -b -e "client $D/f hello" </dev/null >/dev/null 2>&1
wait_for grep -qF '"kind":"close"' "$D/t.out"   # closed before the stop, not by it
say "tap stop"
fed_end
check "tap: connection closed, both sides closed, bytes each way" \
	has "$D/t.out" '"fact":"connection-closed","reason":"both-closed"' '"bytes_c2s":5,"bytes_s2c":5'
check "tap: stopped with its totals" has "$D/t.out" '"fact":"stopped"' '"connections":1'
check "tap: its node removed" has "$D/t.out" '"fact":"node-removed"' "\"path\":\"$D/f\""

# 13: a datagram tap and a sender with no address: the sender's pid, typed.
timeout -k 5 "$W" "$U" -b --json -e "server start $D/gb --type dgram" \
	-e "tap $D/gf $D/gb --type dgram" -e "wait 0.2" </dev/null >"$D/gt.out" 2>"$D/gt.err" &
tp=$!
peers="$peers $tp"
wait_for test -S "$D/gf"
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"x", sys.argv[1])' "$D/gf"
wait "$tp"
check "a datagram tap's unbound sender: fact sender-unbound with its pid" \
	has "$D/gt.out" '"source":"tap"' '"fact":"sender-unbound","peer_pid":'

# 14-15, 28: a tap run as nobody refuses root's client: the reason and both identities typed;
# a datagram tap refuses root's sender (checked last).
if [ "$(id -u)" != 0 ]; then
	skip "not root: only root may run the tap as nobody"
	skip "not root: only root may run the tap as nobody"
	late_skip="not root: only root may run the tap as nobody"
elif ! command -v setpriv >/dev/null 2>&1 || ! id nobody >/dev/null 2>&1; then
	skip "setpriv or the user nobody missing (apt-get install util-linux)"
	skip "setpriv or the user nobody missing (apt-get install util-linux)"
	late_skip="setpriv or the user nobody missing (apt-get install util-linux)"
else
	NU=$(id -u nobody)
	chmod 711 "$D"   # nobody reaches its own directory in it
	mkdir "$D/n" && chown nobody "$D/n"
	rm -f "$D/cmd" && mkfifo -m 644 "$D/cmd"
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		timeout -k 5 "$W" "$U" -b --json <"$D/cmd" >"$D/n.out" 2>"$D/n.err" &
	run=$!
	peers="$peers $run"
	exec 3>"$D/cmd"
	echo "tap $D/n/a $D/b --mode 0777" >&3
	wait_for test -S "$D/n/a"
	timeout -k 5 "$W" "$U" -b -e "client $D/n/a hi" </dev/null >/dev/null 2>&1
	wait_for grep -qF 'refused the client' "$D/n.out"
	echo "tap $D/n/g $D/gb --type dgram --mode 0777" >&3
	wait_for test -S "$D/n/g"
	python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[2]); s.sendto(b"x", sys.argv[1])' "$D/n/g" "$D/rs"
	wait_for grep -qF 'refused sender' "$D/n.out"
	# 30 (checked last): nobody's unbound sender opens the shared upstream socket as nobody,
	# then root's unbound datagram comes the same way: another user's, dropped.
	echo "server start $D/n/gs --type dgram" >&3
	echo "tap $D/n/u $D/n/gs --type dgram --mode 0777" >&3
	wait_for test -S "$D/n/u"
	as_nobody() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$@"; }
	npy=   # a python3 nobody may run (root's may be under its home)
	for p in "$(command -v python3)" /usr/bin/python3; do
		as_nobody "$p" -c '' 2>/dev/null && npy=$p && break
	done
	unbound_to() { "$@" -c 'import socket,sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"x", sys.argv[1])' "$D/n/u"; }
	if [ -n "$npy" ]; then
		unbound_to as_nobody "$npy"
		unbound_to python3
		wait_for grep -qF 'came through sender' "$D/n.out"
	else
		nobody_skip="no python3 the user nobody may run (apt-get install python3)"
	fi
	echo "quit" >&3
	exec 3>&-
	wait "$run"
	check "refused: reason other-user, the client's uid 0 and udscope's uid $NU" \
		has "$D/n.out" '"fact":"refused","reason":"other-user"' "\"uid\":0,\"gid\":0"
	check "refused: udscope's own uid and the tap's path typed" \
		has "$D/n.out" "\"own_uid\":$NU" "\"path\":\"$D/n/a\""
	late_skip=
fi
nobody_skip=${late_skip:-${nobody_skip:-}}
# 16-19: the client's lines of the first run: connecting, connected (the server's pid), closed
# by itself (one-shot) and by the server (interactive, at its stop).
check "client connecting: fact connecting with the path" \
	has "$D/s.out" '"fact":"connecting"' "\"path\":\"$D/s\""
check "client connected: the path and the server's pid and name" \
	has "$D/s.out" '"fact":"connected"' "\"path\":\"$D/s\",\"peer_comm\":\"udscope\""
check "a one-shot client closes its socket: reason finished, its totals" \
	has "$D/s.out" '"fact":"connection-closed","reason":"finished"' '"bytes_in":2,"bytes_out":2'
check "an interactive client whose server stopped: reason peer-closed" \
	has "$D/s.out" '"source":"client"' '"fact":"connection-closed","reason":"peer-closed"'

# 20: the tap of 10-12: the client finished sending first, the other way still open.
check "tap: half-closed, the client's side, the other way still open" \
	has "$D/t.out" '"side":"client"' '"fact":"half-closed","other_way_open":true'

# 21-23: the datagram tap of 13: its shared upstream socket opened for the unbound senders and
# closed at stop with its totals; the server's echo to it could not be routed back.
check "upstream socket opened: its name, every unbound sender, the target" \
	has "$D/gt.out" '"fact":"upstream-opened"' "\"peer_kind\":\"unbound\",\"fact\":\"upstream-opened\",\"detail\":\"@"
check "upstream socket closed at stop: reason stopping, typed totals" \
	has "$D/gt.out" '"fact":"upstream-closed","reason":"stopping"' '"bytes_c2s":1,"chunks_c2s":1'
check "the echo to the unbound sender dropped: fact reply-dropped, counted" \
	has "$D/gt.out" '"fact":"reply-dropped"' '"replies_dropped":1'

# 24: a datagram client bound to a path of its own.
timeout -k 5 "$W" "$U" -b --json -e "server start $D/gc --type dgram" \
	-e "client $D/gc hi --type dgram --bind $D/mine" -e "server stop" </dev/null \
	>"$D/gc.out" 2>"$D/gc.err"
check "a datagram client: fact bound with its path" \
	has "$D/gc.out" '"fact":"bound"' "\"path\":\"$D/mine\""

# 25: a sender connected to another socket cannot take the server's echo (EPERM).
timeout -k 5 "$W" "$U" -b --json -e "server start $D/ge --type dgram" -e "wait 5" \
	</dev/null >"$D/ge.out" 2>"$D/ge.err" &
srv=$!
peers="$peers $srv"
wait_for test -S "$D/ge"
# The sender stays (connected elsewhere) until the server has said so, or the deadline.
python3 -c '
import socket, sys, time
o = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); o.bind(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[3]); s.connect(sys.argv[2])
s.sendto(b"x", sys.argv[1])
end = time.monotonic() + float(sys.argv[5])
while time.monotonic() < end and b"not delivered" not in open(sys.argv[4], "rb").read():
    time.sleep(0.05)' "$D/ge" "$D/other" "$D/snd" "$D/ge.out" "$W"
kill "$srv"; wait "$srv"
check "an echo not delivered: fact echo-lost, the errno and the sender's path" \
	has "$D/ge.out" '"fact":"echo-lost","cause_errno":"EPERM"' "\"path\":\"$D/snd\""

# 26: the tap's target missing, then there: it answers again, with what was dropped.
fed ta
say "tap $D/tf $D/tb --type dgram"
wait_for test -S "$D/tf"
send_from() { python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[2]); s.sendto(b"x", sys.argv[1])
s.close()' "$D/tf" "$D/$1"; }
send_from ts1
wait_for grep -qF '"errno"' "$D/ta.out"
say "server start $D/tb --type dgram"
wait_for test -S "$D/tb"
rm -f "$D/ts1"; send_from ts1
wait_for grep -qF 'answers again' "$D/ta.out"
say "quit"
fed_end
check "the target answers again: fact target-answers, the target, the sender, 1 dropped" \
	has "$D/ta.out" '"fact":"target-answers","dropped_meanwhile":1' "\"path\":\"$D/ts1\",\"target\":\"$D/tb\""
check "the target missing: fact target-down, the call, the sender, the target" \
	has "$D/ta.out" '"fact":"target-down"' "\"path\":\"$D/ts1\",\"detail\":\"connect\",\"target\":\"$D/tb\""

# 27: a server that stops reading while the client still sends, through a tap.
fed sr
say "tap $D/sa $D/ss"
wait_for test -S "$D/sa"
python3 "$S/tapdata.py" stopread "$D/sa" "$D/ss" "$D" >"$D/sr.py" 2>&1
say "quit"
fed_end
check "the server stopped reading: fact stopped-reading, the client's side, the errno, what was dropped" \
	has "$D/sr.out" '"side":"client"' '"fact":"stopped-reading","cause_errno":"EPIPE","unsent":'

# 28 (of 14-15): the datagram tap's refusal names the tap, the sender, both identities.
if [ -n "${late_skip:-}" ]; then skip "$late_skip"; else
	check "a datagram tap refused a sender: reason other-user, the tap's path, the sender's" \
		has "$D/n.out" '"fact":"refused","reason":"other-user"' "\"path\":\"$D/n/g\",\"detail\":\"$D/rs\""
fi

# 30 (of 14-15): another user's datagram on an upstream socket connected as nobody: dropped,
# both identities typed.
if [ -n "$nobody_skip" ]; then skip "$nobody_skip"; else
	check "another user's datagram dropped: fact datagram-dropped, reason other-user, both uids" \
		has3 "$D/n.out" '"fact":"datagram-dropped","reason":"other-user"' "\"uid\":0,\"gid\":0" \
		"\"upstream_uid\":$NU,\"upstream_gid\":$(id -g nobody)"
fi
# (A datagram whose sender's credentials may not be sent cannot be made from a test: the
# kernel puts credentials on every datagram to a socket with SO_PASSCRED, and root may send
# any. test_event checks that fact's words and fields.)

# 31: the pair demo's child exits: its status typed, the line's words as before.
timeout -k 5 "$W" "$U" -b --json -e "pair" </dev/null >"$D/p.out" 2>"$D/p.err"
check "the pair's child exited: fact exited with exit_status 0, the words kept" \
	has "$D/p.out" '"text":"exited with status 0"' '"fact":"exited","exit_status":0'

# 32-36: the pair demo's lines: the fork (type, child pid), the descriptors, the child's
# waiting and reply, the exchange's time; the text lines as before.
check "the pair's fork: fact forked, the type and the child's pid, the words kept" \
	has3 "$D/p.out" '"text":"socketpair(AF_UNIX, SOCK_STREAM) and fork: child ' \
	'"socket_type":"stream","fact":"forked","child_pid":' ', a recv returns whatever is queued"'
check "the pair's descriptors: fact pair-fds, the parent's and the child's" \
	has "$D/p.out" '"fact":"pair-fds","parent_fd":' ',"child_fd":'
check "the child waits: fact child-waiting with its descriptor" \
	has "$D/p.out" '"text":"in child, waiting for message on fd ' '"fact":"child-waiting","socket_fd":'
check "the child replies: fact child-replying, its descriptor and 4 bytes" \
	has3 "$D/p.out" '"text":"in child, sending reply (4 bytes) on fd ' '"fact":"child-replying"' \
	',"bytes":4'
check "the exchange's time: fact exchanged, took_ns" \
	has "$D/p.out" '"text":"exchange took ' '"fact":"exchanged","took_ns":'

# 37: a datagram longer than one recv: the child keeps 1024 of 3000 bytes, typed.
long=$(python3 -c 'print("a" * 3000)')
timeout -k 5 "$W" "$U" -b --json -e "pair $long ok --type dgram" </dev/null >"$D/pt.out" 2>"$D/pt.err"
check "a message cut to one recv: fact message, kept 1024 of real 3000, the words kept" \
	has3 "$D/pt.out" '"fact":"message","kept":1024,"real":3000' \
	'(1024 of 3000 bytes: one recv takes one message, the rest is discarded)' \
	'"text":"message from parent: b'"'aaa"

# 38: a descriptor passed with the message: the child reads it.
printf 'hello' >"$D/pf"
timeout -k 5 "$W" "$U" -b --json -e "pair --fd $D/pf" </dev/null >"$D/pf.out" 2>"$D/pf.err"
check "the child reads the descriptor passed: fact fd-received, its number, 5 bytes read" \
	has3 "$D/pf.out" '"text":"received fd ' '"fact":"fd-received","passed_fd":' ',"read_bytes":5'

# 39-40: a child that exits before replying, and one that never replies.
UDSCOPE_PAIR_CHILD_FAIL=exit3 timeout -k 5 "$W" "$U" -b --json -e "pair" </dev/null \
	>"$D/pe.out" 2>"$D/pe.err"
check "a child that exits before replying: fact pair-failed, the reason, its pid and status" \
	has3 "$D/pe.out" '"fact":"pair-failed","reason":"exited-before-reply","child_pid":' \
	',"exit_status":3' 'exited with status 3 before replying"'
UDSCOPE_PAIR_CHILD_FAIL=hang UDSCOPE_PAIR_TIMEOUT_MS=300 timeout -k 5 "$W" "$U" -b --json \
	-e "pair" </dev/null >"$D/ph.out" 2>"$D/ph.err"
check "a child killed after the timeout: fact pair-failed, reason no-reply, the timeout" \
	has3 "$D/ph.out" '"fact":"pair-failed","reason":"no-reply","child_pid":' \
	',"timeout_ms":300' 'killed after 300 ms without replying"'

stop_peers
