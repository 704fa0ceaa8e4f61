#!/bin/sh
# set-decode: `set decode NAME` is the dissector of taps started without --decode; `set
# decode off` turns it off again; a bad name is refused in one line.
U="${UDSCOPE:-src/udscope}"
B="${UDSCOPE_SRCDIR:-.}/tests/integration/bound.sh"
[ -x "$U" ] || U=./src/udscope
echo "1..4"
n=0
check() { n=$((n + 1)); d="$1"; shift; if "$@"; then echo "ok $n - $d"; else echo "not ok $n - $d"; fi; }
D=$(mktemp -d "${TMPDIR:-/tmp}/set-decode.XXXXXX")
trap 'rm -rf "$D"' EXIT
timeout -k 5 60 "$U" -b -e "set decode http" -e "set" -e quit </dev/null >"$D/out" 2>"$D/err"
check "set decode http is shown by set" grep -q "decode.*http" "$D/out"
timeout -k 5 60 "$U" -b -e "set decode http" -e "set decode off" -e "set" -e quit \
	</dev/null >"$D/out" 2>"$D/err"
check "set decode off turns it off" grep -q "decode.*off" "$D/out"
timeout -k 5 60 "$U" -b -e 'set decode "b\x1bad name"' -e quit </dev/null >"$D/out" 2>"$D/err"
check "a bad name is refused in one line" sh -c "[ \$(grep -c 'set decode' '$D/err') -eq 1 ]"
if ! command -v tshark >/dev/null 2>&1; then
	echo "ok 4 # SKIP tshark not installed (apt-get install tshark)"
	exit 0
fi
timeout -k 5 60 "$U" -b -e "set decode http" -e "tap $D/front $D/web" -e "tap status" \
	-e quit </dev/null >"$D/out" 2>"$D/err"
check "a tap started without --decode decodes with the setting" grep -q "decoding http" "$D/out"
