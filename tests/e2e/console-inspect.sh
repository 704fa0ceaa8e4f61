#!/bin/sh
# console-inspect: inspect's lines land in the Report pane (titled with the command), and the
# mode bits that decide the verdict are drawn emphasized (reverse video) there.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

if ! getent passwd nobody >/dev/null 2>&1; then
	echo "1..0 # SKIP no user nobody"
	exit 0
fi
start_shell 160 40
start_console
ok $? "the console starts"
# The test directory itself must let nobody search it, so that priv is what stops them.
chmod 711 "$DIR"
mkdir "$DIR/priv" && chmod 700 "$DIR/priv"
type_line "server start priv/s --mode 777"
wait_for "Server priv/s listening"
ok $? "server running in a 0700 directory"
type_line "inspect priv/s --as nobody"
wait_for "verdict for nobody (65534): cannot connect"
ok $? "the verdict shows in the Report pane"
eventually 'screen | grep -qF "Report: inspect priv/s --as nobody"'
ok $? "the Report pane is titled with the command"
# capture-pane -e keeps attributes: the other class's three bits come out in reverse video
# (SGR 7), right after "(drwx".
$TMUX_CMD capture-pane -p -e | grep -a 'priv (drwx' | grep -aq "(drwx---$(printf '\033')\[[0-9;]*7m---"
ok $? "the deciding rwx bits are emphasized"
eventually 'screen | grep -q "walk: "'
ok $? "the path walk is there too"
type_line "quit"
wait_for "EXITED-0"
ok $? "quit"
finish
