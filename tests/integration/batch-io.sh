#!/bin/sh
# batch-io.sh: batch mode's output as a consumer sees it: failed writes to stdout, closed
# standard descriptors, asynchronous errors in the exit status, and --json decoded by Python.
set -u
U=${UDSCOPE:?UDSCOPE must name the built binary}
D=$(mktemp -d "${TMPDIR:-/tmp}/udscope-batchio-XXXXXX")
. "${UDSCOPE_SRCDIR:-.}/tests/integration/bound.sh"   # U: the binary with an alarm
bg=""
trap 'for p in $bg; do kill "$p" 2>/dev/null; done; for p in $bg; do wait "$p" 2>/dev/null; done
	rm -rf "$D"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
show() { for f in "$@"; do [ -f "$f" ] && sed "s|^|# $(basename "$f"): |" "$f" | head -8; done; }
check() { # check NAME COMMAND...: on failure show the last run's out and err
	name=$1; shift
	if "$@"; then ok "$name"; else notok "$name"; show "$D/out" "$D/err"; fi
}
wait_for() { # wait_for COMMAND... (10 s)
	i=0
	while [ $i -lt 200 ]; do "$@" && return 0; sleep 0.05; i=$((i + 1)); done
	return 1
}
is() { [ "$(cat "$1")" = "$2" ]; }   # is FILE TEXT: FILE holds exactly TEXT (one line)
have_python=false
command -v python3 >/dev/null 2>&1 && python3 -c 'import json' 2>/dev/null && have_python=true

# --- Writes to standard output are checked, the final flush too; an error is said once.

"$U" -b -e help >/dev/full 2>"$D/err"
rc=$?
check "stdout on a full device: exit 1" [ $rc -eq 1 ]
check "stdout on a full device: one line naming the write and ENOSPC" \
	is "$D/err" "udscope: write standard output: No space left on device (ENOSPC)"

# A reader that stops after one line: more than a pipe's worth follows, so EPIPE is certain.
set --
i=0
while [ $i -lt 300 ]; do set -- "$@" -e help; i=$((i + 1)); done
{ "$U" -b "$@" 2>"$D/err"; echo $? >"$D/rc"; } | head -n 1 >"$D/out"
check "stdout to | head -1: exit 1" is "$D/rc" 1
check "stdout to | head -1: one line naming EPIPE" \
	is "$D/err" "udscope: write standard output: Broken pipe (EPIPE)"
check "stdout to | head -1: head got the first line" grep -q '^commands' "$D/out"
set --

"$U" --help >/dev/full 2>"$D/err"
rc=$?
check "--help on a full device: exit 1, ENOSPC said" sh -c "[ $rc -eq 1 ] && [ \"\$(cat '$D/err')\" = 'udscope: write standard output: No space left on device (ENOSPC)' ]"

# fd 1 closed: stdout must not land on whatever descriptor udscope opens next (the signalfd
# would make it EINVAL, a socket would carry our lines to a peer); the write fails with EBADF.
"$U" -b -e help >&- 2>"$D/err"
rc=$?
check "stdout closed: exit 1" [ $rc -eq 1 ]
check "stdout closed: one line naming EBADF" \
	is "$D/err" "udscope: write standard output: Bad file descriptor (EBADF)"
"$U" -b -e "server start $D/c1" -e "client $D/c1" -e "server stop" >&- 2>"$D/err"
rc=$?
check "stdout closed with sessions running: exit 1, EBADF, node removed" \
	sh -c "[ $rc -eq 1 ] && [ \"\$(cat '$D/err')\" = 'udscope: write standard output: Bad file descriptor (EBADF)' ] && [ ! -e '$D/c1' ]"

# fd 0 closed: no input, not a hang on whatever descriptor took number 0.
"$U" -b -e help <&- >"$D/out" 2>"$D/err" &
pid=$!
wait_for sh -c "! kill -0 $pid 2>/dev/null"
gone=$?
kill $pid 2>/dev/null
wait $pid
rc=$?
check "stdin closed: ends at once with exit 0 and the output" \
	sh -c "[ $gone -eq 0 ] && [ $rc -eq 0 ] && grep -q '^commands' '$D/out' && [ ! -s '$D/err' ]"

# fd 2 closed: errors have nowhere to go, but the status still says so and stdout is intact.
"$U" -b -e "client $D/nope" -e help 2>&- >"$D/out"
rc=$?
check "stderr closed: exit 1, stdout intact" sh -c "[ $rc -eq 1 ] && grep -q '^commands' '$D/out'"

# --- Every failure sets the exit status, also one a session thread reports later.

if $have_python; then
	# A server that takes the connection and shuts its reading side (then says so in a file):
	# the client's next send fails with EPIPE inside the client thread, after the send
	# command has returned.
	python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept()
c.shutdown(socket.SHUT_RD)
open(sys.argv[1] + ".shut", "w").close()
time.sleep(30)
' "$D/shut" &
	py=$!
	bg="$bg $py"
	wait_for test -S "$D/shut"
	mkfifo "$D/in"
	"$U" -b <"$D/in" >"$D/out" 2>"$D/err" &
	pid=$!
	bg="$bg $pid"
	exec 3>"$D/in"
	printf 'connect %s\n' "$D/shut" >&3
	wait_for test -e "$D/shut.shut"
	printf 'send x\n' >&3
	wait_for grep -q 'Broken pipe' "$D/err"
	got=$?
	exec 3>&-
	wait $pid
	rc=$?
	kill $py 2>/dev/null
	check "an asynchronous send error is reported" [ $got -eq 0 ]
	check "an asynchronous send error makes the exit status 1" [ $rc -eq 1 ]
else
	skip "python3 not installed (apt-get install python3)"
	skip "python3 not installed (apt-get install python3)"
fi

# --- --json, read the way a consumer reads it.

if $have_python; then
	bad=$(printf 'bad\377\376x.sock')
	"$U" -b --json -e "server start $D/é.sock" -e "client $D/é.sock \"a\\x00\\xffz\"" \
		-e "client $D/é.sock \"$(printf '%0200d' 0)\"" -e "server stop" \
		-e "server start $D/$bad" -e "server stop" -e "client $D/nope" \
		</dev/null >"$D/out" 2>"$D/err"
	rc=$?
	check "--json run: exit 1 (the last client fails)" [ $rc -eq 1 ]
	python3 - "$D" "$D/out" >"$D/py" 2>&1 <<'PY'
import json, sys
d, path = sys.argv[1], sys.argv[2]
raw = open(path, "rb").read()
evs = [json.loads(l) for l in raw.decode("utf-8").splitlines()]
def text_bytes(e):
    return bytes.fromhex(e["text_hex"]) if "text_hex" in e else e["text"].encode("utf-8")
def check(name, cond):
    print(("ok " if cond else "FAIL ") + name)
seqs = [e["seq"] for e in evs]
check("seq strictly increasing", all(a < b for a, b in zip(seqs, seqs[1:])) and seqs[0] > 0)
# The run mixes main-thread events (listen, connecting) with bus events (accept, recv).
check("direct and bus events both present",
      any(e["kind"] == "listen" for e in evs) and any(e["kind"] == "accept" for e in evs))
listen = [e for e in evs if e["kind"] == "listen"]
check("é.sock round-trips", listen[0]["text"] == d + "/é.sock" and "text_hex" not in listen[0])
check("invalid bytes: text_hex holds them exactly",
      text_bytes(listen[1]) == (d + "/").encode() + b"bad\xff\xfex.sock")
check("invalid bytes: text is valid with U+FFFD", listen[1]["text"] == d + "/bad\ufffd\ufffdx.sock")
sends = [e for e in evs if e["source"] == "client" and e["kind"] == "send"]
check("data decodes to the bytes sent (0x00, 0xff)",
      bytes.fromhex(sends[0]["data"]) == b"a\x00\xffz" and sends[0]["bytes"] == 4
      and sends[0]["truncated"] is False)
recv = b"".join(bytes.fromhex(e["data"]) for e in evs
                if e["source"] == "server" and e["kind"] == "recv")
check("server chunks decode to both messages", recv == b"a\x00\xffz" + b"0" * 200)
check("a long send is a truncated preview", sends[1]["bytes"] == 200 and sends[1]["truncated"]
      is True and bytes.fromhex(sends[1]["data"]) == b"0" * 128)
errs = [e for e in evs if e["kind"] == "error"]
check("the error event names errno", errs and errs[-1]["errno"] == "ENOENT")
for e in evs:
    for k in ("seq", "time", "source", "kind"):
        if k not in e:
            check("every event has " + k, False)
PY
	check "--json decodes losslessly in Python" sh -c "! grep -v '^ok ' '$D/py'"
	grep -v '^ok ' "$D/py" | sed 's/^/# /'
	check "--json output is ASCII or UTF-8, never Latin-1 escapes" sh -c "! grep -q 'u00c3' '$D/out'"
else
	skip "python3 not installed (apt-get install python3)"
	skip "python3 not installed (apt-get install python3)"
	skip "python3 not installed (apt-get install python3)"
fi

echo "1..$n"
