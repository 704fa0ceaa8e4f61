#!/bin/sh
# capture.sh: whole chunks from the capture store: --bytes full in lines and JSON, the store
# turned off, a chunk larger than the store, a smaller chunk after a larger one, and the
# options' bad values.
set -u
NAME=capture
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"

command -v python3 >/dev/null 2>&1 || skip_all 9 "python3 not installed (apt-get install python3)"
echo "1..9"

# A 300-byte message with every byte value that is not printable among letters.
python3 -c 'import sys
msg = bytes((65 + i % 26) if i % 7 else (i % 256) for i in range(300))
sys.stdout.write("client %s/s \"%s\" --chunk 4096\nserver stop\n" % (sys.argv[1], "".join("\\x%02x" % b for b in msg)))
open(sys.argv[1] + "/want.repr", "w").write(repr(msg))
open(sys.argv[1] + "/want.hex", "w").write(msg.hex())' "$D" >"$D/in"
run() { "$U" -b "$@" -e "server start $D/s --chunk 1000" <"$D/in" >"$D/out" 2>"$D/err"; }

# 1-2: lines show each chunk whole.
run --bytes full
rc=$?
want=$(cat "$D/want.repr")
check "--bytes full: the server's line holds all 300 bytes" \
	grep -qxF "server #1: received 300 bytes $want" "$D/out"
check "and the client's echo line too, exit 0" \
	sh -c "[ $rc -eq 0 ] && grep -qxF \"client: received 300 bytes \$(cat '$D/want.repr')\" '$D/out'"

# 3: JSON carries the whole chunk, not truncated.
run --bytes full --json
check "--bytes full --json: data is the whole chunk, truncated false" python3 -c '
import json, sys
want = open(sys.argv[1] + "/want.hex").read()
recv = [e for e in map(json.loads, open(sys.argv[1] + "/out")) if e["kind"] == "recv" and e["bytes"] == 300]
assert len(recv) == 2, recv
for e in recv:
    assert e["data"] == want and e["truncated"] is False, e
' "$D"

# 4: without the store the preview is all there is, and the line says what is missing.
run --bytes full --capture-mb 0
check "--capture-mb 0: a 128-byte preview and the count of the rest" \
	grep -qE "^server #1: received 300 bytes b'.*'\.\.\. \(\+172 more\)$" "$D/out"

# 5: a small store still holds recent chunks whole.
run --bytes full --capture-mb 1
check "--capture-mb 1: lines still whole" grep -qxF "server #1: received 300 bytes $want" "$D/out"

# 6: a chunk after a larger one is shown whole too (the buffer grown for the first is
# reused for the second).
"$U" -b --bytes full -e "server start $D/g --chunk 4096" \
	-e "client $D/g $(printf 'a%.0s' $(seq 1 3000))" -e "client $D/g $(printf 'b%.0s' $(seq 1 200))" \
	-e "server stop" </dev/null >"$D/out" 2>"$D/err"
check "--bytes full: a 200-byte chunk after a 3000-byte one" \
	grep -qxF "server #2: received 200 bytes b'$(printf 'b%.0s' $(seq 1 200))'" "$D/out"

# 7-9: bad values are usage errors (exit 2) with one line naming the option.
"$U" -b --bytes all </dev/null >"$D/out" 2>"$D/err"
check "--bytes all: exit 2" sh -c "[ $? -eq 2 ] && grep -qF -- \"--bytes takes full or preview, not 'all'\" '$D/err'"
"$U" -b --capture-mb -1 </dev/null >"$D/out" 2>"$D/err"
check "--capture-mb -1: exit 2" sh -c "[ $? -eq 2 ] && grep -qF -- '--capture-mb takes a number of MiB' '$D/err'"
"$U" --bytes full </dev/null >"$D/out" 2>"$D/err"
check "--bytes without -b: exit 2" sh -c "[ $? -eq 2 ] && grep -qF -- '--bytes is for batch mode' '$D/err'"
