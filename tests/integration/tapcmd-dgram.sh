#!/bin/sh
# tapcmd-dgram.sh: the datagram tap (tap --type dgram) between python3 datagram clients and a
# python3 echo server: each sender gets exactly its own replies, boundaries kept (0, 1, 16 and
# 60000 bytes), totals, unbound senders, passed descriptors, credentials as root, a missing
# target, a target that stops reading, the pcap, JSON, bounded upstream sockets (2000
# senders twice, fd count flat), idle ones closed, and the tap in place.
set -u
NAME=tapcmd-dgram
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
. "$S/tapcmd-lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all 32 "python3 not installed (apt-get install python3)"
echo "1..32"
dg() { # dg SCENARIO [N]: tapdgram.py through the tap at $D/a to $D/s; its words in $D/py
	python3 "$S/tapdgram.py" "$1" "$D/a" "$D/s" "$D" ${2:+"$2"} >"$D/py" 2>&1
}
lines() { grep -c "$1" "$D/out"; }
# Sum and count of the datagram lines going WAY on upstream sockets matching CONN (a regex).
sum_way() { sed -n "s/^tap #$2: $1 \([0-9]*\) bytes* .*/\1/p" "$D/out" | awk '{s += $1} END {print s + 0}'; }
count_way() { grep -c "^tap #$2: $1 [0-9]* bytes* " "$D/out"; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }

# ---- one tap, one scenario after another ----
start_udscope
say "tap $D/a $D/s --type dgram --mode 0600 --idle 600 --pcap $D/cap.pcap"
wait_for test -S "$D/a"
check "the datagram tap is bound, its node made with mode 600" \
	sh -c "[ \"\$(stat -c %a '$D/a')\" = 600 ]"

dg three
check "3 senders interleaved: each gets exactly its own replies, in order" grep -qx ok "$D/py"
cp "$D/facts" "$D/facts.three"
dg unbound
check "an unbound sender's datagrams reach the server" grep -qx ok "$D/py"
upid_unbound=$(fact unbound_pid)
dg fds
check "a passed file goes to the server and comes back with the reply" grep -qx ok "$D/py"
if [ "$(id -u)" = 0 ]; then
	dg creds
	check "as root the server reads the client's pid in SCM_CREDENTIALS" sh -c "
		grep -qx ok '$D/py' && [ \"$(fact server_saw)\" = \"$(fact client_pid)\" ] &&
		[ \"$(fact server_saw)\" != $upid ]"
else
	skip "not root: credentials of another process cannot be sent"
fi

# The two `missing` senders live on until `back` has its echo: the tap has then taken their
# datagrams (they came first), each checked as from a live sender. One that had exited
# would make tap status and sessions say "N datagrams with udscope's pid (their sender had
# exited)": under load the tap took them after the sender's exit (checks 15-16 failed).
rm -f "$D/s" "$D/lost.go"
python3 "$S/tapdgram.py" missing "$D/a" "$D/s" "$D" >"$D/py.1" 2>&1 &
miss1=$!
peers="$peers $miss1"
wait_for grep -q "for sender $D/lost" "$D/err"
python3 "$S/tapdgram.py" missing "$D/a" "$D/s" "$D" >"$D/py.2" 2>&1 &
miss2=$!
peers="$peers $miss2"
wait_for sh -c "[ \$(grep -c \"client->server 5 bytes b'lost[0-2]' from $D/lost \" '$D/out') -eq 6 ]"
dg back
check "a missing target: the tap lives on and the same sender is served once it is back" \
	grep -qx ok "$D/py"
touch "$D/lost.go"
wait "$miss1" "$miss2"
peers=""
dg full 2000
check "a target that stops reading: 2000 datagrams wait and then arrive in order, none lost" \
	grep -qx ok "$D/py"
say "tap status"
say "sessions"
wait_for grep -q "^#1 tap dgram" "$D/out"
say "tap stop"
finish
mv "$D/facts.three" "$D/facts"

check "one line per datagram, the empty one and the 60000-byte ones too, with the sender" sh -c "
	grep -qE \"^tap #1: client->server 0 bytes b'' from $D/c1 \\(pid [0-9]+ \\(python3\\) uid $(id -u) gid $(id -g)\\)\$\" '$D/out' &&
	grep -qF \"tap #3: server->client 0 bytes b'' to $D/c3 (pid \" '$D/out' &&
	[ \$(grep -c '^tap #[123]: client->server 60000 bytes .* from $D/c[123] (pid ' '$D/out') -eq 3 ] &&
	[ \$(grep -c '^tap #[123]: server->client 60000 bytes .* to $D/c[123] (pid ' '$D/out') -eq 3 ]"
up=$(sum_way "client->server" "[123]"); upn=$(count_way "client->server" "[123]")
down=$(sum_way "server->client" "[123]"); downn=$(count_way "server->client" "[123]")
check "the lines add up to what the senders sent, each way ($(fact bytes) bytes in $(fact datagrams))" \
	sh -c "[ $up -eq $(fact bytes) ] && [ $upn -eq $(fact datagrams) ] &&
	       [ $down -eq $(fact bytes) ] && [ $downn -eq $(fact datagrams) ]"
check "each upstream socket opens with a line naming its sender" sh -c "
	grep -qE '^tap #1: upstream socket @[0-9a-f]+ opened for sender $D/c1, to $D/s\$' '$D/out' &&
	grep -qE '^tap #4: upstream socket @[0-9a-f]+ opened for every unbound sender \\(shared\\), to $D/s\$' '$D/out'"
check "unbound: said once for its pid, each reply dropped with a line" sh -c "
	[ \$(grep -c '^tap #4: sender pid $upid_unbound is unbound: replies cannot be routed back\$' '$D/out') -eq 1 ] &&
	grep -qF \"tap #4: client->server 12 bytes b'from nowhere' from an unbound sender (pid $upid_unbound (python3)\" '$D/out' &&
	grep -qxF 'tap #4: reply dropped: the sender is unbound (2 replies dropped so far)' '$D/out'"
check "the passed descriptor is shown both ways" sh -c "
	grep -qE '^tap #5: fd [0-9]+ came with it: $D/passed.txt \\(regular file, read-only\\), passed on to the server\$' '$D/out' &&
	grep -qE '^tap #5: fd [0-9]+ came with it: $D/passed.txt \\(regular file, read-only\\), passed on to the client\$' '$D/out'"
check "a missing target: one error line for the sender (6 datagrams dropped), then it answers again" sh -c "
	[ \$(grep -c . '$D/err') -eq 1 ] &&
	grep -qxF 'udscope: tap: connect $D/s for sender $D/lost (its datagrams are dropped until the target answers): No such file or directory (ENOENT)' '$D/err' &&
	grep -qE '^tap #[0-9]+: the target $D/s answers again for sender $D/lost \\(6 datagrams dropped meanwhile\\)\$' '$D/out' &&
	[ $rc -eq 1 ]"
check "a target that stops reading: nothing dropped, every datagram a line" sh -c "
	[ \$(grep -c \"^tap #[0-9]*: client->server 100 bytes b.* from $D/flood \" '$D/out') -eq 2000 ] &&
	grep -qE '^tap #[0-9]+: upstream socket closed \\(client->server 200000 bytes in 2000 datagrams, server->client 200000 bytes in 2000 datagrams\\): tap stopping$' '$D/out'"
all_up=$(sum_way "client->server" "[0-9]*"); all_upn=$(count_way "client->server" "[0-9]*")
all_down=$(sum_way "server->client" "[0-9]*"); all_downn=$(count_way "server->client" "[0-9]*")
opened=$(lines "^tap #[0-9]*: upstream socket @[0-9a-f]* opened")
check "tap status: the type, upstream sockets now and ever, and the totals" grep -qxF \
	"tap: #1 $D/a (dgram), tapping to $D/s: $opened upstream sockets now, $opened opened; client->server $all_up bytes in $all_upn datagrams, server->client $all_down bytes in $all_downn datagrams" "$D/out"
check "sessions: the type and the upstream sockets" grep -qF \
	"#1 tap dgram $D/a tapping to $D/s, $opened upstream sockets; in $all_up bytes/$all_upn chunks" "$D/out"
# What the two said, and what the lines add up to (for a failure of the two checks above).
echo "# tap status said: $(grep '^tap: #1 ' "$D/out")"
echo "# sessions said: $(grep '^#1 tap dgram' "$D/out")"
echo "# the lines add up to: $opened upstream sockets; $all_up bytes in $all_upn datagrams up, $all_down in $all_downn down"
check "tap stop closes each upstream socket with its totals and removes the node" sh -c "
	[ ! -e '$D/a' ] && grep -qxF 'tap: removed socket node $D/a' '$D/out' &&
	grep -qxF 'tap #1: upstream socket closed (client->server 60029 bytes in 7 datagrams, server->client 60029 bytes in 7 datagrams): tap stopping' '$D/out' &&
	grep -qxF 'tap: stopped after $opened upstream sockets: client->server $all_up bytes in $all_upn datagrams, server->client $all_down bytes in $all_downn datagrams' '$D/out'"
records=$(python3 -c "
import struct, sys
d = open(sys.argv[1], 'rb').read()
assert struct.unpack('<I', d[:4])[0] == 0xa1b23c4d and struct.unpack('<I', d[20:24])[0] == 252
off, n = 24, 0
while off + 16 <= len(d):
    off += 16 + struct.unpack('<I', d[off + 8:off + 12])[0]
    n += 1
print(n if off == len(d) else -1)" "$D/cap.pcap" 2>&1)
check "the pcap (link type 252) holds one record per datagram each way ($records)" \
	sh -c "[ '$records' = $((all_upn + all_downn)) ]"
if command -v tshark >/dev/null 2>&1; then
	frames=$(HOME=$D tshark -n -r "$D/cap.pcap" 2>/dev/null | wc -l)
	check "tshark reads every record ($frames)" sh -c "[ $frames -eq $records ]"
else
	skip "tshark not installed (apt-get install tshark)"
fi

# ---- bounded: 2000 distinct senders twice through at most 100 upstream sockets ----
rm -f "$D/out"
start_udscope
say "tap $D/a $D/s --type dgram --upstreams 100"
wait_for test -S "$D/a"
dg many 10
fds_before=$(ls "/proc/$upid/fd" | wc -l)
dg many 2000
check "2000 distinct senders, each its own echo" grep -qx ok "$D/py"
fds_mid=$(ls "/proc/$upid/fd" | wc -l)
dg many 2000
fds_after=$(ls "/proc/$upid/fd" | wc -l)
check "2000 more: fd count flat ($fds_before, $fds_mid, $fds_after), at most 100 upstream sockets" \
	sh -c "[ $fds_mid -eq $fds_after ] && [ $fds_after -le $((fds_before + 100)) ]"
wait_for sh -c "[ \$(grep -c 'evicted' '$D/out') -ge 3910 ]"
check "every upstream socket past 100 evicts the longest idle one, with a line" sh -c "
	[ \$(grep -c '^tap #[0-9]*: upstream socket closed (client->server [0-9]* bytes in 1 datagram, server->client [0-9]* bytes in 1 datagram): evicted: 100 upstream sockets open, this one idle longest\$' '$D/out') -eq 3910 ]"
finish
check "exit status 0, nothing on stderr" sh -c "[ $rc -eq 0 ] && [ ! -s '$D/err' ]"

# ---- idle upstream sockets close ----
start_udscope
say "tap $D/a $D/s --type dgram --idle 1"
wait_for test -S "$D/a"
dg three
wait_for sh -c "[ \$(grep -c '^tap #[123]: upstream socket closed .*: idle for 1 s$' '$D/out') -eq 3 ]"
check "idle upstream sockets close after --idle seconds, with a line each" \
	grep -qxF "tap #3: upstream socket closed (client->server 60029 bytes in 7 datagrams, server->client 60029 bytes in 7 datagrams): idle for 1 s" "$D/out"
say "tap status"
wait_for grep -q "^tap: #1 " "$D/out"
finish
check "and tap status counts none open" grep -qF "tap: #1 $D/a (dgram), tapping to $D/s: 0 upstream sockets now, 3 opened;" "$D/out"

# ---- JSON ----
start_udscope --json
say "tap $D/a $D/s --type dgram"
wait_for test -S "$D/a"
dg three
dg unbound
finish
check "JSON: a datagram with its direction, sender, length and credentials" grep -qE \
	"\"source\":\"tap\",\"kind\":\"recv\",\"session\":1,\"connection\":1,\"direction\":\"client->server\",\"bytes\":60000,.*\"text\":\"$D/c1\",\"pid\":[0-9]+,\"uid\":[0-9]+,\"gid\":[0-9]+,\"message\":true,\"msg_len\":60000,\"discarded\":0,\"peer_kind\":\"path\",\"cred_source\":\"SCM_CREDENTIALS\",\"comm\":\"python3\"" "$D/out"
check "JSON: a reply to a sender, and an unbound sender" sh -c "
	grep -q '\"direction\":\"server->client\",\"bytes\":1,.*\"text\":\"$D/c2\",.*\"peer_kind\":\"path\"' '$D/out' &&
	grep -q '\"direction\":\"client->server\",\"bytes\":12,.*\"peer_kind\":\"unbound\"' '$D/out'"

# ---- in place, in front of a live datagram server ----
python3 "$S/dgram_peer.py" echo-dgram "$D/svc" &
peers="$peers $!"
wait_for test -S "$D/svc"
chmod 640 "$D/svc"
before=$(stat -c %i "$D/svc")
"$U" -b -e "tap $D/svc --in-place" </dev/null >"$D/out" 2>"$D/err"
check "in place without --type dgram: refused with a line saying what the server is" sh -c "
	grep -qxF 'udscope: tap $D/svc --in-place: the server there is a dgram socket (add --type dgram)' '$D/err' &&
	[ \"\$(stat -c %i '$D/svc')\" = '$before' ]"
talk() { python3 -c "
import socket, sys
c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
c.bind(sys.argv[2]); c.settimeout(10)
c.sendto(b'in place', sys.argv[1]); print(c.recv(100).decode())" "$D/svc" "$D/$1"; }
start_udscope
say "tap $D/svc --in-place --type dgram"
wait_for sh -c "[ \"\$(stat -c %i '$D/svc')\" != '$before' ]"   # swapped in: the tap listens at svc
said=$(talk t1)
check "in place: a sender still reaches the server, through the tap, same mode" sh -c "
	[ '$said' = 'in place' ] && [ \"\$(stat -c %i '$D/svc')\" != '$before' ] &&
	[ \"\$(stat -c %a '$D/svc')\" = 640 ]"
wait_for grep -q "server->client 8 bytes b'in place' to $D/t1" "$D/out"
finish
check "in place: the datagrams were shown, and at quit the node is back" sh -c "
	grep -q \"client->server 8 bytes b'in place' from $D/t1\" '$D/out' &&
	[ \"\$(stat -c %i '$D/svc')\" = '$before' ] && [ ! -e '$D/.svc.udscope-tap' ]"
"$U" -b -e "tap $D/svc --in-place --type dgram" </dev/null >"$D/out" 2>&1 &
tpid=$!
wait_for sh -c "[ \"\$(stat -c %i '$D/svc')\" != '$before' ]"   # swapped in: the tap listens at svc
kill -KILL $tpid
wait $tpid 2>/dev/null
# The guard puts the node back, then removes its private directory.
wait_for sh -c "[ \"\$(stat -c %i '$D/svc')\" = '$before' ] && [ ! -e '$D/.svc.udscope-tap' ]"
check "in place: after SIGKILL the guard puts the datagram server's node back" sh -c "
	[ \"\$(stat -c %i '$D/svc')\" = '$before' ] && [ ! -e '$D/.svc.udscope-tap' ]"
said=$(talk t2)
check "and senders reach the server directly" sh -c "[ '$said' = 'in place' ]"
stop_peers
