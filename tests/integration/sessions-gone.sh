#!/bin/sh
# sessions-gone.sh: `sessions` still lists the clients that finished (map names them), as
# finished, in the order the sessions began, in text and JSON (issue 26).
set -u
NAME=sessions-gone
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
command -v python3 >/dev/null 2>&1 || skip_all 3 "python3 not installed (apt-get install python3)"
echo "1..3"
W=${UDSCOPE_TEST_WAIT:-20}
timeout -k 5 "$W" "$U" -b -e "server start $D/s.sock" -e "client $D/s.sock hi" \
	-e "client $D/s.sock yo" -e map -e sessions -e quit </dev/null >"$D/out" 2>"$D/err"
check "map names client #3" grep -q "client #3" "$D/out"
check "sessions lists the finished clients #2 and #3 after the server #1" sh -c "
	grep -n '^#[0-9]' '$D/out' | cut -d' ' -f1,2 | tr '\n' ' ' |
		grep -qE '^[0-9]+:#1 server [0-9]+:#2 client [0-9]+:#3 client \$'"
timeout -k 5 "$W" "$U" -b --json -e "server start $D/j.sock" -e "client $D/j.sock hi" \
	-e sessions -e quit </dev/null >"$D/json" 2>"$D/err"
check "JSON: the finished client is a row, finished true" python3 -c "
import json, sys
rows = [json.loads(l) for l in open('$D/json') if '\"report\":\"sessions\"' in l][0]['sessions']
sys.exit(0 if [(r['id'], r['kind'], r['finished']) for r in rows] ==
         [(1, 'server', False), (2, 'client', True)] else 1)"
