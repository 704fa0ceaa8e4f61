#!/bin/sh
# client-delivery.sh: what a script sends is delivered or the run fails; the one-shot client
# accepts only its own bytes back and gives up when told. Peers are real processes (peer.py).
set -u
NAME=delivery
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"

command -v python3 >/dev/null 2>&1 || skip_all 14 "python3 not installed (apt-get install python3)"
echo "1..14"

# 1-2: connect, send, disconnect: the bytes reach the peer before the socket closes.
peer rec record "$D/rec.bin"
"$U" -b -e "connect $D/rec" -e 'send hello' -e 'disconnect' </dev/null >"$D/out" 2>"$D/err"
rc=$?
wait_for sh -c "[ \"\$(cat '$D/rec.bin' 2>/dev/null)\" = hello ]"
check "send then disconnect delivers the bytes" [ "$(cat "$D/rec.bin" 2>/dev/null)" = hello ]
check "and exits 0 with a sending line" sh -c "[ $rc -eq 0 ] && grep -qx \"client: sending 5 bytes b'hello'\" '$D/out'"

# 3: send then end of input (no disconnect): delivered too.
: >"$D/rec.bin"
"$U" -b -e "connect $D/rec" -e 'send bye' </dev/null >"$D/out" 2>"$D/err"
rc=$?
wait_for sh -c "[ \"\$(cat '$D/rec.bin' 2>/dev/null)\" = bye ]"
check "send then end of input delivers the bytes, exit 0" \
	sh -c "[ $rc -eq 0 ] && [ \"\$(cat '$D/rec.bin')\" = bye ]"

# 4: 200 rounds in one run: every byte of every round arrives, in order.
: >"$D/rec.bin"
i=0
while [ $i -lt 200 ]; do
	printf 'connect %s/rec\nsend "m%03d,"\ndisconnect\n' "$D" $i
	i=$((i + 1))
done >"$D/in"
"$U" -b <"$D/in" >"$D/out" 2>"$D/err"
rc=$?
python3 -c 'import sys; sys.stdout.write("".join("m%03d," % i for i in range(200)))' >"$D/want"
wait_for cmp -s "$D/want" "$D/rec.bin"
check "200 connect/send/disconnect rounds deliver all 1000 bytes in order, exit 0" \
	sh -c "[ $rc -eq 0 ] && cmp -s '$D/want' '$D/rec.bin'"
stop_peers

# 5-6: a peer that never reads: disconnect waits a bounded time, says what was not sent, fails.
peer mute mute
python3 -c 'import sys; sys.stdout.write("send " + "z" * 900000 + " --timeout 1\ndisconnect --timeout 1\n")' >"$D/in"
"$U" -b -e "connect $D/mute" <"$D/in" >"$D/out" 2>"$D/err"
rc=$?
check "a peer that never reads: disconnect fails with exit 1" [ $rc -eq 1 ]
check "and names the bytes not sent" \
	grep -qE "^udscope: disconnect $D/mute: [0-9]+ of 900000 bytes not sent after 1 s \(the peer is not reading\)" "$D/err"
stop_peers

# 7-8: an echo longer than the message is a mismatch, even when its first bytes agree.
peer ans answer 68656c6c6f5858   # "helloXX"
"$U" -b -e "client $D/ans hello" </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "an echo with extra bytes fails the client (exit 1)" [ $rc -eq 1 ]
check "and says where it differs" grep -qF "client $D/ans: the echo differs at byte 5 (it is longer than the 5 bytes sent)" "$D/err"
stop_peers

# 9-10: an echo of other bytes, longer than the message, is a mismatch at byte 0.
peer ans2 answer 58585858585858  # "XXXXXXX"
"$U" -b -e "client $D/ans2 hello" </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "a different, longer reply fails the client (exit 1)" [ $rc -eq 1 ]
check "and says the echo differs at byte 0" grep -qF "client $D/ans2: the echo differs at byte 0" "$D/err"
stop_peers

# 11-12: --timeout: a server that accepts and never answers.
peer mute2 mute
"$U" -b -e "client $D/mute2 hello --timeout 1" </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "client --timeout 1 against a mute server: exit 1" [ $rc -eq 1 ]
check "with one line saying what came back" \
	grep -qxF "udscope: client $D/mute2: no complete echo after 1 s: received 0 of 5 bytes: Connection timed out (ETIMEDOUT)" "$D/err"
stop_peers

# 13-14: a peer that closes at once: whatever send could not deliver is an error, exit 1.
peer slam slam
python3 -c 'import sys; sys.stdout.write("send " + "w" * 900000 + "\n")' >"$D/in"
"$U" -b -e "connect $D/slam" <"$D/in" >"$D/out" 2>"$D/err"
rc=$?
check "a peer that closes at once: exit 1" [ $rc -eq 1 ]
check "and an error line says the send failed" grep -qE "^udscope: send( $D/slam)?[: ]" "$D/err"
stop_peers
