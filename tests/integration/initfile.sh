#!/bin/sh
# initfile.sh: the init file runs before the -e lines in batch mode, from $XDG_CONFIG_HOME or
# ~/.config; -n skips it; its errors name the file and line; `set` changes the default chunk
# size and the capture budget for real, and --capture-mb on the command line wins.
set -u
NAME=initfile
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
echo "1..11"

X="$D/config"
mkdir -p "$X/udscope"
cat >"$X/udscope/init" <<EOF2
# started by the init file
set chunk 4096
server start $D/s
EOF2
XDG_CONFIG_HOME=$X "$U" -b -e 'server status' -e 'server stop' </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "an init file that starts a server: exit 0" [ $rc -eq 0 ]
check "the server it started runs before -e, with the chunk size it set" \
	grep -qE "^server: #1 listening on $D/s \\(chunk 4096, " "$D/out"

XDG_CONFIG_HOME=$X "$U" -n -b -e 'server status' -e 'set chunk' </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "-n skips it: no server runs" sh -c "[ $rc -eq 0 ] && grep -qxF 'server: not running' '$D/out'"
check "-n: the chunk size is the default" grep -qE '^chunk +16 ' "$D/out"

printf 'set mouse off\n\nset colors purple\nset chunk 512\n' >"$X/udscope/init"
XDG_CONFIG_HOME=$X "$U" -b -e 'set' </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "an error on line 3 names the file and the line, and fails the run" \
	sh -c "[ $rc -eq 1 ] && grep -qxF \"udscope: $X/udscope/init:3: set colors: takes on or off, not 'purple'\" '$D/err' && [ \$(wc -l <'$D/err') -eq 1 ]"
check "the lines around it still ran (mouse off, chunk 512)" \
	sh -c "grep -qE '^mouse +off ' '$D/out' && grep -qE '^chunk +512 ' '$D/out'"

# Without XDG_CONFIG_HOME (or with a relative one): ~/.config/udscope/init.
mkdir -p "$D/home/.config/udscope"
echo 'set chunk 100' >"$D/home/.config/udscope/init"
env -u XDG_CONFIG_HOME HOME="$D/home" "$U" -b -e 'set chunk' </dev/null >"$D/out" 2>"$D/err"
check "no XDG_CONFIG_HOME: ~/.config/udscope/init runs" grep -qE '^chunk +100 ' "$D/out"
XDG_CONFIG_HOME=rel HOME="$D/home" "$U" -b -e 'set chunk' </dev/null >"$D/out" 2>"$D/err"
check "a relative XDG_CONFIG_HOME is ignored (XDG rules): ~/.config" grep -qE '^chunk +100 ' "$D/out"

# A directory with a quote, a blank and a backslash in its name still works.
Q="$D/it's a \\dir"
mkdir -p "$Q/udscope"
echo 'set capture-mb 8' >"$Q/udscope/init"
XDG_CONFIG_HOME=$Q "$U" -b -e 'set capture-mb' </dev/null >"$D/out" 2>"$D/err"
check "an odd directory name is quoted whole; set capture-mb 8 makes an 8 MiB store" \
	grep -qE '^capture-mb +8 ' "$D/out"
XDG_CONFIG_HOME=$Q "$U" --capture-mb 3 -b -e 'set capture-mb' </dev/null >"$D/out" 2>"$D/err"
check "--capture-mb 3 wins over the init file" grep -qE '^capture-mb +3 ' "$D/out"

# Once chunks are kept, the store cannot be swapped (their ids would point elsewhere).
"$U" -n -b -e "server start $D/t" -e "client $D/t hello" -e 'server stop' -e 'set capture-mb 1' \
	</dev/null \
	>"$D/out" 2>"$D/err"
rc=$?
check "set capture-mb once chunks are kept: refused in one line (EBUSY), exit 1" \
	sh -c "[ $rc -eq 1 ] && grep -qxF 'udscope: set capture-mb: a session ran or chunks are kept already (set it in the init file or with --capture-mb): Device or resource busy (EBUSY)' '$D/err'"
