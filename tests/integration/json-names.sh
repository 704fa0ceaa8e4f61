#!/bin/sh
# json-names.sh: every address, path and name in --json output is exact: UTF-8 text as it
# is, or text_hex with every byte. A datagram sender bound to "p\xff.sock" (a 0xff byte) and
# one bound to the 10 characters "p\xff.sock" must not read the same; neither may a passed
# descriptor's path or the client's own bound name.
set -u
NAME=json-names
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
PY="$S/dgram_whole.py"
command -v python3 >/dev/null 2>&1 || skip_all 11 "python3 not installed (apt-get install python3)"
echo "1..11"
W=${UDSCOPE_TEST_WAIT:-20}
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
recvs() { [ "$(grep -c '"kind":"recv"' "$D/srv.out")" -ge "$1" ]; }

"$U" -b --json -e "server start $D/j --type dgram" </dev/null >"$D/srv.out" 2>"$D/srv.err" &
srv=$!
peers="$peers $srv"
wait_for test -S "$D/j"

A=$(printf '%s/p\377.sock' "$D")     # a 0xff byte
B=$(printf '%s/p\\xff.sock' "$D")    # a backslash, x, f, f
F=$(printf '%s/f\377ile' "$D")
echo data >"$F"
timeout -k 5 "$W" python3 "$PY" from "$D/j" "$(hex "$A")" >"$D/out" 2>"$D/err"
timeout -k 5 "$W" python3 "$PY" from "$D/j" "$(hex "$B")" "$(hex "$F")" >>"$D/out" 2>>"$D/err"
wait_for recvs 2
python3 "$PY" texts recv <"$D/srv.out" >"$D/recv.hex"
python3 "$PY" texts send <"$D/srv.out" >"$D/send.hex"
python3 "$PY" texts info <"$D/srv.out" >"$D/info.hex"

check "sender bound to p<0xff>.sock: the received line's JSON holds its exact bytes" \
	[ "$(sed -n 1p "$D/recv.hex")" = "$(hex "$A")" ]
check "sender bound to the literal p\\xff.sock: its exact text, not the same as the first" \
	sh -c "[ \"\$(sed -n 2p '$D/recv.hex')\" = '$(hex "$B")' ] &&
		[ \"\$(sed -n 1p '$D/recv.hex')\" != \"\$(sed -n 2p '$D/recv.hex')\" ]"
check "the echo lines name the two senders exactly" \
	sh -c "grep -qx '$(hex "$A")' '$D/send.hex' && grep -qx '$(hex "$B")' '$D/send.hex'"
check "a passed descriptor's path is exact (f<0xff>ile)" grep -q "$(hex "$F")" "$D/info.hex"

# 5-6: the client's own bound name, and the text lines still escape it.
timeout -k 5 "$W" "$U" -b --json -e "client $D/j hi --type dgram --bind \"$D/c\\xffb\"" \
	</dev/null >"$D/out" 2>"$D/err"
python3 "$PY" texts info <"$D/out" >"$D/cinfo.hex"
check "client --bind c<0xff>b: 'bound to' names it exactly" \
	grep -q "$(hex "bound to $(printf '%s/c\377b' "$D")")" "$D/cinfo.hex"
timeout -k 5 "$W" "$U" -b -e "client $D/j hi --type dgram --bind \"$D/c\\xffb\"" \
	</dev/null >"$D/out" 2>"$D/err"
check "the text line shows it escaped once: c\\xffb" grep -qF "client: bound to $D/c\\xffb (replies" "$D/out"

# 7-11: abstract names, a NUL or a 0xff byte in them: the listen line, the client's
# connecting, connected and bound lines, and a datagram's sender, each exact in JSON.
N="ud-jn-$$"
texts() { python3 "$PY" texts "$1" <"$2"; }
nulname=$(printf '40%s00%s' "$(hex "$N")" "$(hex b)")        # @N\0b
bindhex=$(printf '00%s00%s' "$(hex "$N-c")" "$(hex d)")      # a sender bound to @N-c\0d
"$U" -b --json -e "server start \"@$N\\x00b\" --type dgram" </dev/null >"$D/abs.out" \
	2>"$D/abs.err" &
srv2=$!
peers="$peers $srv2"
wait_for grep -q '"kind":"wait"' "$D/abs.out"
timeout -k 5 "$W" python3 "$PY" from "hex:00${nulname#40}" "$bindhex" >"$D/out" 2>"$D/err"
wait_for grep -q '"kind":"recv"' "$D/abs.out"
timeout -k 5 "$W" "$U" -b --json -e "client \"@$N\\x00b\" hi --type dgram" </dev/null \
	>"$D/cabs.out" 2>"$D/cabs.err"
check "listen on an abstract name with a NUL: its exact bytes" \
	[ "$(texts listen "$D/abs.out")" = "$nulname" ]
check "the client's connecting and connected lines name it exactly" \
	sh -c "texts() { python3 '$PY' texts \"\$1\" <'$D/cabs.out'; }
		texts info | grep -qx '$(hex 'connecting to ')$nulname' &&
		texts info | grep -q '^$(hex 'connected to ')$nulname'"
check "a datagram's abstract sender with a NUL: the received line's exact bytes" \
	[ "$(texts recv "$D/abs.out" | head -1)" = "40${bindhex#00}" ]
timeout -k 5 "$W" "$U" -b --json -e "server start \"@$N\\xff\"" -e quit \
	</dev/null >"$D/ff.out" 2>"$D/ff.err"
check "listen on an abstract name with a 0xff byte: text_hex holds its exact bytes" \
	sh -c "[ \"\$(python3 '$PY' texts listen <'$D/ff.out')\" = '$(hex "@$N")ff' ] &&
		grep -q '\"text_hex\"' '$D/ff.out'"
timeout -k 5 "$W" "$U" -b -e "server start \"@$N-t\\x00b\"" -e quit </dev/null >"$D/abs.txt" 2>&1
check "the text line escapes the NUL once: @$N-t\\x00b" \
	grep -qF "server: starting up on @$N-t\\x00b" "$D/abs.txt"
