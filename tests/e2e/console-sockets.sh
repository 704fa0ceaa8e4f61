#!/bin/sh
# console-sockets: the sockets table over a few hundred sockets held by other processes: the
# rows come, then each row's process, read by a worker while the console stays at the prompt.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

KIDS=8
PER_KID=40

# KIDS processes named "sockkid", each listening on PER_KID named sockets; each says it is
# ready in a file, and ends when its parent (this script's holder) does.
cat >"$DIR/holder.py" <<'PY'
import os, signal, socket, sys, time
kids, per, where = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
pids = []
def end(sig, frame):
    # Take the kids along and wait for them: nothing of the test outlives it.
    for p in pids:
        os.kill(p, signal.SIGKILL)
    for p in pids:
        os.waitpid(p, 0)
    os._exit(0)
signal.signal(signal.SIGTERM, end)
for k in range(kids):
    pid = os.fork()
    if pid:
        pids.append(pid)
    else:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        with open("/proc/self/comm", "w") as f:
            f.write("sockkid")
        held = []
        for j in range(per):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind("%s/kid-%d-%02d" % (where, k, j))
            s.listen(1)
            held.append(s)
        open("%s/ready-%d" % (where, k), "w").close()
        parent = os.getppid()
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(0)
while True:
    time.sleep(1)
PY
python3 "$DIR/holder.py" "$KIDS" "$PER_KID" "$DIR" &
holder=$!
trap 'kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null; cleanup' EXIT

deadline=$(( $(date +%s) + 20 ))
while [ "$(ls "$DIR" | grep -c '^ready-')" -lt "$KIDS" ] && [ "$(date +%s)" -lt "$deadline" ]; do
	sleep 0.05
done
[ "$(ls "$DIR" | grep -c '^ready-')" -eq "$KIDS" ]
ok $? "$KIDS processes hold $((KIDS * PER_KID)) listening sockets"

start_shell 120 30
start_console
ok $? "the console starts"

# This test's own sockets: another run of it may hold kid- sockets of its own meanwhile.
type_line "sockets ${DIR##*/}/kid-"
wait_for "Report: sockets ${DIR##*/}/kid- ($((KIDS * PER_KID)) rows, "
ok $? "the table shows every row"
wait_for "(sockkid)" && wait_gone "processes:" && wait_gone "..."
ok $? "then each row's process, read by the worker (the title's progress gone)"
rows=$(screen | grep -c "listening  *stream .*/kid-[0-9]-[0-9][0-9] .*(sockkid)")
[ "$rows" -ge 5 ]
ok $? "the rows shown name their process ($rows rows)"

keys -l "typed while it refreshes"
wait_for "udscope> typed while it refreshes"
ok $? "typing echoes while the table refreshes"
keys C-u
type_line "quit"
wait_for "EXITED-0"
ok $? "quit joins the listing's worker: a clean exit"
finish
