#!/bin/sh
# batch-save: `save FILE --json` in batch writes the run's events so far as JSON lines (the same
# objects --json prints), refuses an existing file without --force and the text form (batch has
# no views), leaves no temporary file; `log ID` prints one session's lines again.
NAME=batch-save
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
cd "$D" || exit 1

"$U" --batch -e 'server start ./s' -e 'client ./s' -e 'save run.json --json' \
	-e 'log 2' -e 'quit' >"$D/out" 2>"$D/err"
check "save --json and log exit 0" [ $? -eq 0 ]
check "it says what it wrote" \
	grep -q "^save run.json: wrote [0-9]* events of the run as JSON lines$" "$D/out"
if ! command -v python3 >/dev/null 2>&1; then
	skip "python3 not installed (apt-get install python3)"
else
python3 - "$D/run.json" >"$D/py" 2>&1 <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
seqs = [e["seq"] for e in evs]
assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs), seqs
assert {e["session"] for e in evs} == {1, 2}, evs
recv = [e for e in evs if e["source"] == "client" and e["kind"] == "recv"]
assert [e["bytes"] for e in recv] == [16, 16, 9], recv
PY
check "every line parses; both sessions; the client's three chunks, in order" [ $? -eq 0 ]
fi
[ "$(ls -A "$D" | grep -c '^\.run')" -eq 0 ]
check "no temporary file is left" [ $? -eq 0 ]
# log 2: the client's lines printed again (each twice: live, then by log), the server's not.
count() { grep -cxF "$1" "$D/out"; }
check "log 2 prints the client's lines again" \
	[ "$(count "client: received 9 bytes b'repeated.'")" -eq 2 ]
check "and only the client's" [ "$(count "server #1: received 9 bytes b'repeated.'")" -eq 1 ]

"$U" --batch -e 'save run.json --json' >"$D/out" 2>"$D/err"
check "an existing file is refused (exit 1)" [ $? -eq 1 ]
check "with one line naming it and EEXIST" \
	grep -qx "udscope: save run.json (--force replaces it): File exists (EEXIST)" "$D/err"
"$U" --batch -e 'save run.json --json --force' >"$D/out" 2>"$D/err"
check "--force replaces it" [ $? -eq 0 ]
"$U" --batch -e 'save view.txt' >"$D/out" 2>"$D/err"
why="batch has no views to save as text; save FILE --json writes the run's events"
check "the text form is refused in batch" grep -qF "save view.txt: $why" "$D/err"
check "and no file is made" [ ! -e "$D/view.txt" ]
"$U" --batch -e 'save nodir/x.json --json' >"$D/out" 2>"$D/err"
check "a missing directory: the error names the path and the errno" \
	grep -q "save nodir/x.json: create: No such file or directory (ENOENT)" "$D/err"
"$U" --batch -e 'log 7' >"$D/out" 2>"$D/err"
check "log of an unknown session says so" grep -q "log #7: no line of this session is held" "$D/err"
echo "1..$n"
