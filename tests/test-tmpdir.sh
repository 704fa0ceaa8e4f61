#!/bin/sh
# test-tmpdir.sh BUILDDIR: print the temporary directory make check gives the tests of the build
# in BUILDDIR, making it when it is missing. Each test's TMPDIR and TMUX_TMPDIR point at it, so
# tests/after-check.sh can say what a run left behind, and two builds' runs never meet.
#
# The name is fixed per build (/tmp/ud-NNNNNN, from a checksum of BUILDDIR; short, as the e2e
# tests read paths off an 80-column screen), so it is made like /tmp (mode 1777: tests that
# run a peer as another user write there too) and used only when it is a real directory of
# this user's; otherwise /tmp, and a line on stderr says why.
set -u
base=/tmp
sum=$(printf '%s' "${1:?usage: $0 BUILDDIR}" | cksum | cut -d' ' -f1)
dir=$base/ud-$(printf %06d $((sum % 1000000)))
mkdir -m 1777 "$dir" 2>/dev/null && chmod 1777 "$dir"   # mkdir's mode passes the umask
if [ -d "$dir" ] && [ ! -L "$dir" ] && [ -O "$dir" ]; then
	echo "$dir"
else
	echo "test-tmpdir.sh: $dir is not a directory of this user's: the tests use $base" >&2
	echo "$base"
fi
