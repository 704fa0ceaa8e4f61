#!/bin/sh
# tapcmd-fds.sh: SCM_RIGHTS through `tap`: a file descriptor a python3 client passes arrives
# at the python3 server (which reads the file through it), the chunk's line names the file,
# and udscope keeps none of the descriptors it passed on.
set -u
NAME=tapcmd-fds
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
. "$S/tapcmd-lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all 6 "python3 not installed (apt-get install python3)"
echo "1..6"

tap_up
fds_before=$(ls "/proc/$upid/fd" | wc -l)
scenario fds
wait_for grep -q "^tap #1: connection closed" "$D/out"
fds_after=$(ls "/proc/$upid/fd" | wc -l)
finish
check "the server reads the client's file through the fd passed through the tap" \
	grep -qx ok "$D/py"
check "the chunk's line counts the fd, and a line says what it is" sh -c "
	grep -qxF \"tap #1: client->server 1 byte b'F' with 1 fd\" '$D/out' &&
	grep -qE '^tap #1: fd [0-9]+ came with it: $D/passed.txt \\(regular file, read-only\\), passed on to the server$' '$D/out'"
check "udscope holds no passed fd afterwards ($fds_before before, $fds_after after)" \
	sh -c "[ $fds_before -eq $fds_after ]"

# A crowd: 100 clients at once, 1000 one after another, 10000 descriptors passed; udscope's
# descriptors are as many afterwards as before.
tap_up --capture-mb 0
fds_before=$(ls "/proc/$upid/fd" | wc -l)
scenario crowd
wait_for grep -q "^tap #1101: connection closed" "$D/out"
fds_after=$(ls "/proc/$upid/fd" | wc -l)
finish
check "100 concurrent clients, 1000 in a row and 10000 passed fds, every byte checked" \
	grep -qx ok "$D/py"
check "fd count flat after 1101 connections and 10000 fds ($fds_before before, $fds_after after)" \
	sh -c "[ $fds_before -eq $fds_after ] && [ \$(grep -c 'connection closed' '$D/out') -eq 1101 ]"

# As root the tap sends each chunk with its sender's credentials: a server reading
# SCM_CREDENTIALS sees the client's pid, while SO_PEERCRED still names udscope.
if [ "$(id -u)" != 0 ]; then
	n=$((n + 1)); echo "ok $n # SKIP not root: only root may send another process's credentials"
else
	tap_up
	scenario creds
	finish
	check "as root, SCM_CREDENTIALS carry the client's pid (SO_PEERCRED: udscope's, $upid)" sh -c "
		grep -qx ok '$D/py' && [ \"\$(sed -n 's/^peercred_pid //p' '$D/facts')\" = $upid ] &&
		grep -qF 'as root, each chunk carries its sender' '$D/out'"
fi
