#!/bin/sh
# facts.sh: the lines a script acts on carry typed members in --json (doc/udscope.1, JSON
# OUTPUT): a node removed, stale, replaced or left alone, with its path; a connection closed,
# with the reason, the peer and the totals; a sender that is unbound; a session stopped, with
# its totals; a client a tap refused, and why. The text lines keep their words.
set -u
NAME=facts
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
command -v python3 >/dev/null 2>&1 || skip_all 15 "python3 not installed (apt-get install python3)"
echo "1..15"
W=${UDSCOPE_TEST_WAIT:-20}
has() { grep -F -- "$2" "$1" | grep -qF -- "$3"; }   # has FILE MEMBER MEMBER: on one line

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
mkfifo "$D/cmd"
"$U" -b --json <"$D/cmd" >"$D/r.out" 2>"$D/r.err" &
run=$!
peers="$peers $run"
exec 3>"$D/cmd"
echo "server start $D/r" >&3
wait_for test -S "$D/r"
rm -f "$D/r"
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$D/r"
echo "server stop" >&3
exec 3>&-
wait "$run"
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
rm -f "$D/cmd" && mkfifo "$D/cmd"
"$U" -b --json <"$D/cmd" >"$D/t.out" 2>"$D/t.err" &
run=$!
peers="$peers $run"
exec 3>"$D/cmd"
echo "tap $D/f $D/b" >&3
wait_for test -S "$D/f"
timeout -k 5 "$W" "$U" -b -e "client $D/f hello" </dev/null >/dev/null 2>&1
wait_for grep -qF '"kind":"close"' "$D/t.out"   # closed before the stop, not by it
echo "tap stop" >&3
exec 3>&-
wait "$run"
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

# 14-15: a tap run as nobody refuses root's client: the reason and both identities typed.
if [ "$(id -u)" != 0 ]; then
	skip "not root: only root may run the tap as nobody"
	skip "not root: only root may run the tap as nobody"
elif ! command -v setpriv >/dev/null 2>&1 || ! id nobody >/dev/null 2>&1; then
	skip "setpriv or the user nobody missing (apt-get install util-linux)"
	skip "setpriv or the user nobody missing (apt-get install util-linux)"
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
	echo "tap stop" >&3
	exec 3>&-
	wait "$run"
	check "refused: reason other-user, the client's uid 0 and udscope's uid $NU" \
		has "$D/n.out" '"fact":"refused","reason":"other-user"' "\"uid\":0,\"gid\":0"
	check "refused: udscope's own uid and the tap's path typed" \
		has "$D/n.out" "\"own_uid\":$NU" "\"path\":\"$D/n/a\""
fi
stop_peers
