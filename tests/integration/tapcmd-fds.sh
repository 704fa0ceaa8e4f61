#!/bin/sh
# tapcmd-fds.sh: SCM_RIGHTS through `tap`: a file descriptor a python3 client passes arrives
# at the python3 server (which reads the file through it), the chunk's line names the file,
# and udscope keeps none of the descriptors it passed on.
set -u
NAME=tapcmd-fds
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
. "$S/tapcmd-lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all 3 "python3 not installed"
echo "1..3"

start_udscope
say "tap $D/a $D/s"
wait_for test -S "$D/a"
fds_before=$(ls "/proc/$upid/fd" | wc -l)
scenario fds
wait_for grep -q "^tap #1: connection closed" "$D/out"
fds_after=$(ls "/proc/$upid/fd" | wc -l)
finish
check "the server reads the client's file through the fd passed through the tap" \
	grep -qx ok "$D/py"
check "the chunk's line shows the fd passed with it" \
	grep -qxF "tap #1: client->server 1 bytes b'F' passing 1 fd: $D/passed.txt" "$D/out"
check "udscope holds no passed fd afterwards ($fds_before before, $fds_after after)" \
	sh -c "[ $fds_before -eq $fds_after ]"
