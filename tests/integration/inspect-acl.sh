#!/bin/sh
# inspect-acl.sh: POSIX ACLs decided in the kernel's order (a named user, a named group, a mask
# that takes a bit away, a default ACL on the directory, an ACL on the socket only), each
# verdict checked against a real connect as the user; as nobody itself, what it cannot see is
# said and no fix is complete; the first fix of the two-blocker case lets nobody in and nobody
# else; a fix on the socket node is lost when the service re-creates it, as the report said
# beforehand, and the lasting fix it named survives. Needs root, setfacl and setpriv.
set -u
NAME=inspect-acl
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"

PLAN=28
command -v python3 >/dev/null 2>&1 || skip_all $PLAN "python3 not installed (apt-get install python3)"
[ "$(id -u)" -eq 0 ] || skip_all $PLAN "switching to nobody needs root"
command -v setpriv >/dev/null 2>&1 || skip_all $PLAN "setpriv not installed (apt-get install util-linux)"
command -v setfacl >/dev/null 2>&1 || skip_all $PLAN "setfacl not installed (apt-get install acl)"
command -v timeout >/dev/null 2>&1 || skip_all $PLAN "timeout not installed (apt-get install coreutils)"
id nobody >/dev/null 2>&1 || skip_all $PLAN "no user nobody"
# OTHER: an unprivileged user that is neither nobody nor in nogroup.
OTHER=""
for u in games daemon; do
	if id "$u" >/dev/null 2>&1 && ! id -G "$u" | grep -qw 65534; then OTHER=$u; break; fi
done
[ -n "$OTHER" ] || skip_all $PLAN "no second unprivileged user (games or daemon)"
chmod 755 "$D"
mkdir "$D/probe" && setfacl -m u:nobody:x "$D/probe" 2>/dev/null ||
	skip_all $PLAN "this file system refuses POSIX ACLs (setfacl on $D)"
# as USER ARGS...: run as USER with its own groups.
as() { u=$1; shift; setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups "$@"; }
NPY=""
for py in /usr/bin/python3 /usr/local/bin/python3 "$(command -v python3)"; do
	if [ -x "$py" ] && as nobody "$py" -c pass </dev/null >/dev/null 2>&1; then NPY=$py; break; fi
done
[ -n "$NPY" ] || skip_all $PLAN "no python3 that nobody may run"
echo "1..$PLAN"
WAIT=${UDSCOPE_TEST_WAIT:-20}

# can USER PATH: a real connect as USER; exit 0 when it connected.
can() {
	as "$1" "$NPY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1])
except OSError as e:
    print("connect:", e)
    sys.exit(1)' "$2" </dev/null >"$D/conn" 2>&1
}
# insp PATH USER [udscope options]: inspect PATH --as USER, text in out (json with --json).
insp() {
	p=$1 u=$2; shift 2
	timeout "$((WAIT * 3))" "$U" -b "$@" -e "inspect $p --as $u" </dev/null >"$D/out" 2>"$D/err"
	rc=$?
}
# agrees USER: the verdict and the proof (a real connect as USER) agree, and the real connect
# made here matches both.
agrees() {
	grep -q "^inspect: proof: .*agrees with the verdict" "$D/out"
}
# dir NAME MODE: $D/NAME/run owned by root with MODE.
dir() { mkdir -p "$D/$1/run" && chown root:root "$D/$1/run" && chmod "$2" "$D/$1/run"; }
# sock NAME MODE: a listener at $D/NAME/run/app.sock (root's, MODE).
sock() {
	peer "$1/run/app.sock" mute && chown root:root "$D/$1/run/app.sock" &&
		chmod "$2" "$D/$1/run/app.sock"
}

# 1. A named-user entry grants: user:nobody:--x on the directory, user:nobody:rw- on the socket.
dir user 0750 && setfacl -m u:nobody:x "$D/user/run" && sock user 0660 &&
	setfacl -m u:nobody:rw "$D/user/run/app.sock"
can nobody "$D/user/run/app.sock"; r=$?
insp "$D/user/run/app.sock" nobody
check "named user: a real connect as nobody succeeds, the verdict says can connect" sh -c \
	"[ $r -eq 0 ] && grep -q '^inspect: verdict for nobody (65534): can connect' '$D/out'"
check "named user: the proof agrees" agrees
check "named user: the walk shows the deciding entry" grep -q \
	"^inspect:   drwxr-x--- root *root *run (ACL user:nobody:--x decided for nobody)" "$D/out"
check "named user: the verdict names the socket's deciding entry" grep -q \
	"write (w) on the socket by ACL user:nobody:rw-" "$D/out"

# 2. A named-group entry grants (nobody's primary group nogroup).
dir group 0750 && setfacl -m g:nogroup:x "$D/group/run" && sock group 0660 &&
	setfacl -m g:nogroup:w "$D/group/run/app.sock"
can nobody "$D/group/run/app.sock"; r=$?
insp "$D/group/run/app.sock" nobody
check "named group: a real connect as nobody succeeds, the verdict says can connect" sh -c \
	"[ $r -eq 0 ] && grep -q '^inspect: verdict for nobody (65534): can connect' '$D/out'"
check "named group: the proof agrees, the walk names group:nogroup" sh -c \
	"grep -q '^inspect: proof: .*agrees with the verdict' '$D/out' &&
	 grep -q 'run (ACL group:nogroup:--x decided for nobody)' '$D/out'"
can "$OTHER" "$D/group/run/app.sock"; r=$?
insp "$D/group/run/app.sock" "$OTHER"
check "named group: $OTHER (not in nogroup) cannot connect, and inspect says so" sh -c \
	"[ $r -ne 0 ] && grep -q '^inspect: verdict for $OTHER ([0-9]*): cannot connect' '$D/out' &&
	 grep -q '^inspect: proof: .*agrees with the verdict' '$D/out'"

# 3. The mask takes w from a named entry: user:nobody:rw- but mask::r--.
dir mask 0755 && sock mask 0600 && setfacl -m u:nobody:rw "$D/mask/run/app.sock" &&
	setfacl -m m::r "$D/mask/run/app.sock"
can nobody "$D/mask/run/app.sock"; r=$?
insp "$D/mask/run/app.sock" nobody
check "mask: a real connect as nobody is refused, the verdict says cannot connect" sh -c \
	"[ $r -ne 0 ] && grep -q '^inspect: verdict for nobody (65534): cannot connect: write (w) permission missing on $D/mask/run/app.sock' '$D/out'"
check "mask: the verdict names the entry and the mask that took the bit" grep -q \
	"nobody is in the group class (ACL user:nobody:rw- masked by mask::r--)" "$D/out"
check "mask: the proof agrees" agrees

# 4. A default ACL on the directory: the socket the service makes inherits nobody's entry (bind
# applies the service's umask first, and the mask keeps only what it leaves: 002 leaves w).
dir deflt 0750 && setfacl -m u:nobody:x "$D/deflt/run" &&
	setfacl -d -m u:nobody:rw "$D/deflt/run" && umask 002 && peer deflt/run/app.sock mute
umask 022
can nobody "$D/deflt/run/app.sock"; r=$?
insp "$D/deflt/run/app.sock" nobody
check "default ACL: a real connect as nobody succeeds, the verdict says can connect" sh -c \
	"[ $r -eq 0 ] && grep -q '^inspect: verdict for nobody (65534): can connect' '$D/out'"
check "default ACL: the proof agrees" agrees

# 5. An ACL on the socket only (0600 root's, user:nobody:-w-).
dir sockonly 0755 && sock sockonly 0600 && setfacl -m u:nobody:w "$D/sockonly/run/app.sock"
can nobody "$D/sockonly/run/app.sock"; r=$?
insp "$D/sockonly/run/app.sock" nobody
check "socket only: a real connect as nobody succeeds, the verdict agrees" sh -c \
	"[ $r -eq 0 ] && grep -q '^inspect: verdict for nobody (65534): can connect' '$D/out' &&
	 grep -q '^inspect: proof: .*agrees with the verdict' '$D/out'"
can "$OTHER" "$D/sockonly/run/app.sock"; r=$?
insp "$D/sockonly/run/app.sock" "$OTHER"
check "socket only: $OTHER cannot connect (other class), and the verdict agrees" sh -c \
	"[ $r -ne 0 ] && grep -q '^inspect: verdict for $OTHER ([0-9]*): cannot connect' '$D/out' &&
	 grep -q '^inspect: proof: .*agrees with the verdict' '$D/out'"

# 6. As nobody itself, without --as, in a 0750 directory it cannot search: it says what it
# cannot see, and no fix is complete.
cp "$U" "$D/udscope" && chmod 755 "$D/udscope"
dir blind 0750 && sock blind 0660
as nobody timeout "$((WAIT * 3))" "$D/udscope" -b -e "inspect $D/blind/run/app.sock" \
	</dev/null >"$D/out" 2>"$D/err"
check "as nobody: the verdict says it cannot see past the directory" grep -q \
	"cannot see past $D/blind/run as nobody (65534): what lies beyond is unknown" "$D/out"
check "as nobody: and says to run again with privileges and --as" grep -q \
	"run again with privileges and --as nobody" "$D/out"
as nobody timeout "$((WAIT * 3))" "$D/udscope" -b --json -e "inspect $D/blind/run/app.sock" \
	</dev/null >"$D/out" 2>"$D/err"
check "as nobody: JSON: fixes there are, none complete" python3 -c '
import json, sys
v = json.loads(open(sys.argv[1]).read())["verdict"]
assert v["fixes"], v
assert all(f["complete"] is False for f in v["fixes"]), v["fixes"]
assert v["blind"]["path"].endswith("/blind/run"), v' "$D/out"

# 7. The two-blocker case: the first fix lets nobody connect and no one else.
dir two 0750 && sock two 0660
insp "$D/two/run/app.sock" nobody
check "two blockers: the text says who gains with each fix" sh -c \
	"grep -q '^inspect: fix 1 (not run; narrowest; only nobody gains access' '$D/out' &&
	 grep -q '^inspect: fix 2 (not run; group nogroup gains access (.*sync.*); group root loses it' '$D/out' &&
	 grep -q '^inspect: fix 3 (not run; widens access for everybody' '$D/out'"
insp "$D/two/run/app.sock" nobody --json
python3 -c '
import json, sys
f = json.loads(open(sys.argv[1]).read())["verdict"]["fixes"]
print(f[0]["scope"], f[0]["complete"], " && ".join(s["command"] for s in f[0]["steps"]))
' "$D/out" >"$D/fix1"
check "two blockers: the first fix is for nobody alone (ACL entries), complete" sh -c \
	"grep -qx 'user True setfacl -m u:nobody:x $D/two/run && setfacl -m u:nobody:w $D/two/run/app.sock' '$D/fix1'"
sh -c "$(cut -d' ' -f3- "$D/fix1")" </dev/null >"$D/err" 2>&1
can nobody "$D/two/run/app.sock"; r=$?
check "two blockers: after the first fix a real connect as nobody succeeds" [ $r -eq 0 ]
can "$OTHER" "$D/two/run/app.sock"; r=$?
check "two blockers: and $OTHER still cannot connect" [ $r -ne 0 ]

# 8. A fix on the socket node does not last: the report says so before, and the lasting fix
# it names (a default ACL on the directory) survives the service's restart.
dir restart 0755 && sock restart 0660
insp "$D/restart/run/app.sock" nobody
check "restart: the report says a fix on the node is lost when its server re-creates it" grep -q \
	"^inspect: fix on the socket node does not last: .*re-creates it" "$D/out"
check "restart: and names the lasting fix on the directory" grep -qF \
	"setfacl -d -m u:nobody:w $D/restart/run" "$D/out"
cp "$D/out" "$D/restart.txt"
insp "$D/restart/run/app.sock" nobody --json
check "restart: JSON says the node fix is lost and where the lasting fix belongs" python3 -c '
import json, sys
l = json.loads(open(sys.argv[1]).read())["verdict"]["lasting"]
assert l["node_fix_lost"] is True and l["socket_activated"] is False, l
assert sys.argv[2] in l["commands"], l' "$D/out" "setfacl -d -m u:nobody:w $D/restart/run"
sh -c "$(sed -n 's/^inspect: fix 1 (not run; [^)]*): //p' "$D/restart.txt")" </dev/null \
	>"$D/err" 2>&1
can nobody "$D/restart/run/app.sock"; r=$?
check "restart: fix 1 on the node lets nobody connect" [ $r -eq 0 ]
# The service restarts: it removes its old node and binds a new one.
stop_peers
rm -f "$D/restart/run/app.sock"
peer restart/run/app.sock mute && chmod 660 "$D/restart/run/app.sock"
can nobody "$D/restart/run/app.sock"; r=$?
check "restart: the re-created node lost the fix: nobody is refused again" [ $r -ne 0 ]
setfacl -d -m u:nobody:w "$D/restart/run"
stop_peers
rm -f "$D/restart/run/app.sock"
umask 002
peer restart/run/app.sock mute
umask 022
can nobody "$D/restart/run/app.sock"; r=$?
check "restart: with the lasting fix (default ACL) the next node lets nobody in" [ $r -eq 0 ]
stop_peers

# 9. A listener whose descriptors came from systemd (LISTEN_FDS in its environment): the
# lasting fix is the .socket unit's.
dir activated 0755
export LISTEN_FDS=1
sock activated 0660
unset LISTEN_FDS
insp "$D/activated/run/app.sock" nobody
check "socket-activated: the lasting fix is the unit's SocketMode=, SocketUser=, SocketGroup=" \
	grep -q "^inspect: fix on the socket node does not last: it is socket-activated (its server (pid [0-9]* python3) got it from systemd), .*SocketMode=, SocketUser= and SocketGroup=" "$D/out"
stop_peers
