#!/bin/sh
# source-files.sh: `source` and the init file read only a regular file of at most 1 MiB: a
# FIFO (which would block the main thread with the signals it watches blocked), a character
# device like /dev/zero (which never ends) and an oversized file are each refused with one
# line naming the file and the reason, and the lines after them still run.
set -u
NAME=source-files
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
echo "1..8"
W=${UDSCOPE_TEST_WAIT:-20}
# run ARGS...: udscope in batch mode, bounded; sets rc (124: it hung)
run() { timeout -k 5 "$W" "$U" -b "$@" </dev/null >"$D/out" 2>"$D/err"; rc=$?; }

# 1-2: a FIFO nobody writes to: refused at once, not opened for a blocking read.
mkfifo "$D/fifo"
run -e "source $D/fifo" -e "set chunk"
check "source FIFO: refused, exit 1 (not a hang: rc $rc)" [ $rc -eq 1 ]
check "the line names the file and says it is a FIFO; the next line ran" sh -c "
	grep -qxF 'udscope: source $D/fifo: not a regular file (a FIFO): Invalid argument (EINVAL)' '$D/err' &&
	grep -qE '^chunk +16 ' '$D/out'"

# 3-4: /dev/zero never ends: refused by its type before a byte is read.
run -e "source /dev/zero" -e "set chunk"
check "source /dev/zero: refused, exit 1 (rc $rc)" [ $rc -eq 1 ]
check "the line says it is a character device" \
	grep -qxF 'udscope: source /dev/zero: not a regular file (a character device): Invalid argument (EINVAL)' "$D/err"

# 5-6: a regular file over the bound is refused, naming the bound; one at it is read.
head -c 1048577 /dev/zero | tr '\0' '#' >"$D/big"
run -e "source $D/big" -e "set chunk"
check "a file of 1 MiB + 1 byte: refused, exit 1 (rc $rc)" [ $rc -eq 1 ]
check "the line names the 1 MiB bound" grep -qxF \
	"udscope: source $D/big: larger than 1 MiB, the most a command file may hold: File too large (EFBIG)" "$D/err"

# 7-8: the init file as a FIFO: refused, the -e lines still run.
mkdir -p "$D/config/udscope"
mkfifo "$D/config/udscope/init"
XDG_CONFIG_HOME="$D/config" run -e "set chunk"
check "init file a FIFO: the -e lines run, the run ends (rc $rc)" sh -c "
	[ $rc -ne 124 ] && grep -qE '^chunk +16 ' '$D/out'"
check "the init file's line names it" \
	grep -qF "udscope: source $D/config/udscope/init: not a regular file (a FIFO)" "$D/err"
