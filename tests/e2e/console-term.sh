#!/bin/sh
# console-term: terminals that cannot address the cursor are refused with one line that
# suggests --batch (and nothing drawn); a capable one still starts; with LANG=C, bytes 0x80
# and above typed at the prompt reach the command intact.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

start_shell 100 30
# Everything the pane receives, byte for byte, to look for escape sequences.
$TMUX_CMD pipe-pane -O "cat >>'$DIR/pane.raw'"

for term in dumb unknown-xyz ''; do
	: >"$DIR/pane.raw"
	# "EX""ITED" so that the typed command line itself does not match.
	type_line "TERM=$term '$UDSCOPE' 2>err-$term.txt; echo \"EX\"\"ITED-$term-\$?\""
	wait_for "EXITED-$term-" 10
	ok $? "TERM=$term: udscope returns at once"
	eventually 'screen | grep -q "EXITED-$term-1"'
	ok $? "TERM=$term: exit status 1, as for any console that cannot start"
	[ "$(wc -l <"$DIR/err-$term.txt")" -eq 1 ] &&
		grep -q "^udscope: .*terminal type '$term'.*udscope --batch" "$DIR/err-$term.txt"
	ok $? "TERM=$term: one line on stderr naming TERM and suggesting --batch"
	sed 's/^/# err: /' "$DIR/err-$term.txt"
	sleep 0.2   # let pipe-pane catch up with what the pane has shown
	! grep -q "$(printf '\033')" "$DIR/pane.raw" && ! grep -q 'udscope>' "$DIR/pane.raw"
	ok $? "TERM=$term: nothing drawn, no escape sequence reached the terminal"
	# If it did start, leave it, so that the next case starts from the shell.
	screen | grep -q "EXITED-$term-" || { type_line quit; wait_for "EXITED-$term-" 5; }
done
$TMUX_CMD pipe-pane

# A terminal that can address the cursor still gets the console.
type_line "TERM=xterm-256color '$UDSCOPE'; echo \"EX\"\"ITED-xterm-\$?\""
wait_for 'udscope>' 20
ok $? "TERM=xterm-256color: the console starts"
type_line "quit"
wait_for "EXITED-xterm-0"
ok $? "TERM=xterm-256color: quit exits 0"

# LANG=C: readline must take 8-bit bytes as they are (input-meta on, convert-meta off).
type_line "LANG=C LC_ALL=C '$UDSCOPE'; echo \"EX\"\"ITED-C-\$?\""
wait_for 'udscope>' 20
ok $? "LANG=C: the console starts"
type_line "inspect ./é.sock"
# The console escapes bytes outside printable ASCII; both UTF-8 bytes of é must be there.
wait_for 'xc3\xa9.sock' 10
ok $? "LANG=C: the typed bytes 0xc3 0xa9 reach the command (shown escaped)"
screen | grep -a 'sock' | head -n 3 | sed 's/^/# /'
type_line "quit"
wait_for "EXITED-C-0"
ok $? "LANG=C: quit exits 0"
finish
