#!/bin/sh
# save-limits.sh: a save that the file size limit cuts short (RLIMIT_FSIZE, SIGXFSZ ignored:
# write says EFBIG) fails: exit 1, one line naming the file and EFBIG, no file left in place
# and no temporary file either. A truncated save must never look like a good one.
set -u
NAME=save-limits
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
echo "1..4"
cd "$D" || exit 1

msg=$(i=0; while [ $i -lt 40 ]; do printf 'chunk%05d;' $i; i=$((i + 1)); done)
# The limit only for udscope (ulimit -f 8: 4 KiB in dash's 512-byte blocks, 8 KiB in bash's);
# its output goes through a pipe, which no file size limit touches.
{
	(ulimit -f 8 && trap '' XFSZ && exec "$U" --batch -e 'server start ./s' \
		-e "client ./s $msg" -e 'save run.json --json' -e quit </dev/null)
	echo $? >"$D/rc"
} 2>&1 | cat >"$D/out"
rc=$(cat "$D/rc")
check "a save cut short by the file size limit: exit 1 (got $rc)" [ "$rc" -eq 1 ]
check "one line names the file and EFBIG" grep -q "save run.json: .*File too large (EFBIG)" "$D/out"
check "no file is left in place" [ ! -e "$D/run.json" ]
check "no temporary file is left" [ "$(ls -A "$D" | grep -c '^\.run')" -eq 0 ]
