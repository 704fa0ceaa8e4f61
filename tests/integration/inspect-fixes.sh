#!/bin/sh
# inspect-fixes.sh: the two-blocker directory (run/ 0750 root:root, socket 0660, a real
# listener): one verdict names both blockers, --check says 1, and each suggested fix (an ACL
# entry for nobody where the file system keeps ACLs, a group, the other class), applied to a
# scratch copy, lets a real connect as nobody through (and inspect agrees). Needs root.
set -u
NAME=inspect-fixes
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"

PLAN=13
command -v python3 >/dev/null 2>&1 || skip_all $PLAN "python3 not installed (apt-get install python3)"
[ "$(id -u)" -eq 0 ] || skip_all $PLAN "switching to nobody needs root"
command -v setpriv >/dev/null 2>&1 || skip_all $PLAN "setpriv not installed (apt-get install util-linux)"
command -v setfacl >/dev/null 2>&1 || skip_all $PLAN "setfacl not installed (apt-get install acl)"
id nobody >/dev/null 2>&1 || skip_all $PLAN "no user nobody"
# as NOBODY ARGS...: run as nobody with its own groups.
as() { setpriv --reuid=nobody --regid="$(id -g nobody)" --init-groups "$@"; }
# A python3 nobody may run (one under root's home is not).
NPY=""
for py in /usr/bin/python3 /usr/local/bin/python3 "$(command -v python3)"; do
	if [ -x "$py" ] && as "$py" -c pass </dev/null >/dev/null 2>&1; then NPY=$py; break; fi
done
[ -n "$NPY" ] || skip_all $PLAN "no python3 that nobody may run"
echo "1..$PLAN"
chmod 755 "$D"

# tree NAME: $D/NAME/svc/run/app.sock as in the issue, with a listener that holds connections.
tree() {
	mkdir -p "$D/$1/svc/run" && chmod 755 "$D/$1" "$D/$1/svc" && chmod 750 "$D/$1/svc/run" &&
		chown root:root "$D/$1/svc/run" && peer "$1/svc/run/app.sock" mute &&
		chmod 660 "$D/$1/svc/run/app.sock" && chown root:root "$D/$1/svc/run/app.sock"
}
# as_nobody PATH: a real connect as nobody (its own groups); exit 0 when it connected.
as_nobody() {
	as "$NPY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1])
except OSError as e:
    print("connect:", e)
    sys.exit(1)' "$1" </dev/null >"$D/out" 2>"$D/err"
}
# inspect NAME [OPTIONS]: inspect NAME's socket as nobody, lines in out, exit status in rc.
inspect() {
	p="$D/$1/svc/run/app.sock"; shift
	timeout "$((${UDSCOPE_TEST_WAIT:-20} * 3))" "$U" -b -e "inspect $p --as nobody $*" \
		</dev/null >"$D/out" 2>"$D/err"
	rc=$?
}

tree orig
SOCK="$D/orig/svc/run/app.sock"
as_nobody "$SOCK"; r=$?
check "before: a real connect as nobody is refused" [ $r -ne 0 ]

inspect orig
check "one verdict names the search bit on run/" grep -qF \
	"verdict for nobody (65534): cannot connect: search (x) permission missing on $D/orig/svc/run (drwxr-x--- root root)" "$D/out"
check "and the write bit on the socket, in the same verdict" grep -qF \
	"  also: write (w) permission missing on $SOCK (srw-rw---- root root)" "$D/out"
# ACLs: the per-user fix first (this file system keeps them when setfacl works here).
ACL=0
mkdir "$D/aclprobe" && setfacl -m u:nobody:x "$D/aclprobe" 2>/dev/null && ACL=1
LAST=2; [ $ACL -eq 1 ] && LAST=3
check "the narrowest fix first, the one for everybody said so" sh -c \
	"grep -q '^inspect: fix 1 (not run; narrowest; ' '$D/out' &&
	 grep -q '^inspect: fix $LAST (not run; widens access for everybody): chmod o+x ' '$D/out'"
check "nothing was changed by inspect (fixes are never run)" sh -c \
	"[ \"\$(stat -c %a '$D/orig/svc/run' '$SOCK' | tr '\n' ' ')\" = '750 660 ' ]"

inspect orig --check
check "--check: exit 1 when nobody cannot connect" [ $rc -eq 1 ]

# The fixes as JSON: one command line for each, and its scope.
timeout "$((${UDSCOPE_TEST_WAIT:-20} * 3))" "$U" -b --json -e "inspect $SOCK --as nobody" \
	</dev/null >"$D/json" 2>"$D/err"
python3 -c '
import json, sys
r = json.loads(open(sys.argv[1]).read())
for f in r["verdict"]["fixes"]:
    print(f["scope"], " && ".join(s["command"] for s in f["steps"]))' "$D/json" >"$D/fixes"
WANT="group everyone "; [ $ACL -eq 1 ] && WANT="user group everyone "
check "JSON: the fixes by an ACL entry (if kept here), by group, then for everyone" sh -c \
	"[ \"\$(cut -d' ' -f1 '$D/fixes' | tr '\n' ' ')\" = '$WANT' ]"

# Each fix applied to a scratch copy of its own: a real connect as nobody then succeeds.
k=0
while read -r scope cmd; do
	k=$((k + 1))
	tree "copy$k"
	sh -c "$(echo "$cmd" | sed "s|$D/orig/|$D/copy$k/|g")" </dev/null 2>"$D/err"
	as_nobody "$D/copy$k/svc/run/app.sock"; r=$?
	check "fix $k ($scope) applied to a copy: a real connect as nobody succeeds" [ $r -eq 0 ]
	inspect "copy$k" --check
	check "fix $k: inspect --check exits 0, can connect, and the proof agrees" sh -c \
		"[ $rc -eq 0 ] && grep -q 'verdict for nobody (65534): can connect' '$D/out' &&
		 grep -q 'proof: .*connected (stream): agrees with the verdict' '$D/out'"
done <"$D/fixes"
[ $k -eq $LAST ] || notok "$LAST fixes were read" "read $k"
# Without ACLs there is one fix fewer: its two checks are skipped.
[ $ACL -eq 1 ] || { ok "# SKIP no ACLs here"; ok "# SKIP no ACLs here"; }
stop_peers
