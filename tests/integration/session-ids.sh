#!/bin/sh
# session-ids.sh: the commands that take a session id (map, diagram, log) check it in one
# place before they run: N or #N, and a word that is not one is refused in one line naming
# the command and the word, the same for each; a good id reaches the command.
set -u
NAME=session-ids
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
echo "1..6"
W=${UDSCOPE_TEST_WAIT:-20}
# run ARGS...: udscope in batch mode, bounded; sets rc
run() { timeout -k 5 "$W" "$U" -b "$@" </dev/null >"$D/out" 2>"$D/err"; rc=$?; }

for cmd in map diagram log; do
	run -e "$cmd x7"
	check "$cmd x7: refused in the one form (rc $rc)" sh -c "[ $rc -eq 1 ] &&
		grep -qxF 'udscope: $cmd x7: not a session id (sessions lists them)' '$D/err'"
done
run -e "map #0"
check "map #0: 0 is no session id either" \
	grep -qxF 'udscope: map #0: not a session id (sessions lists them)' "$D/err"
run -e "log #42"
check "log #42: a good id reaches the command (no line of it is held)" \
	grep -qxF 'udscope: log #42: no line of this session is held (sessions lists them)' "$D/err"
run -e "map #7"
check "map #7: a good id with no conversation: one line, no errno text (a refusal of udscope's own)" \
	grep -qxF 'udscope: map #7: no such conversation seen (sessions lists them)' "$D/err"
