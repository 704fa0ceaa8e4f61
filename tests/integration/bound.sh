# bound.sh: sourced by the shell tests once D exists: every udscope run a test starts ends.
# U becomes a wrapper that sets an alarm and execs the binary in the same process (its pid,
# name, signals and /proc entries are the binary's, so `kill -STOP`, /proc/PID/fd and "pid N
# (udscope)" work as before). A run that would wait for ever (a `server start` that wrongly
# succeeds with no quit after it) dies of SIGALRM after UDSCOPE_TEST_RUN seconds (two fifths
# of UDSCOPE_TEST_TIMEOUT: 120 by default; 0: no alarm), exit status 142, and the check after
# it fails by its assertion while the script goes on. UDSCOPE still names the binary itself.
UDSCOPE_BIN=${UDSCOPE:?UDSCOPE must name the built binary}
mkdir -p "$D/.bound"
cat >"$D/.bound/udscope" <<END_OF_WRAPPER
#!/bin/sh
# Written by tests/integration/bound.sh: the binary, with an alarm (see there).
run=\${UDSCOPE_TEST_RUN:-\$(( \${UDSCOPE_TEST_TIMEOUT:-300} * 2 / 5 ))}
exec perl -MPOSIX -e '
	sigprocmask(SIG_UNBLOCK, POSIX::SigSet->new(SIGALRM));
	\$SIG{ALRM} = "DEFAULT";
	alarm shift;
	exec { \$ARGV[0] } @ARGV or die "bound.sh: exec \$ARGV[0]: \$!\n";' "\$run" '$UDSCOPE_BIN' "\$@"
END_OF_WRAPPER
chmod +x "$D/.bound/udscope"
U="$D/.bound/udscope"
