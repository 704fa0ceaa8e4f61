#!/bin/sh
# git-version.sh: the version a build says it is: `git describe` of SRCDIR when it is a git
# checkout (a tag v1.2.3 gives 1.2.3, 1.2.3-4-gHASH after it; no tag gives RELEASE-gHASH; a
# changed tree adds -dirty), else RELEASE (a release tarball has no .git).
# Usage: git-version.sh SRCDIR RELEASE
srcdir=$1
release=$2
if [ -e "$srcdir/.git" ] && command -v git >/dev/null 2>&1 &&
	desc=$(git -C "$srcdir" describe --tags --dirty --always 2>/dev/null) && [ -n "$desc" ]; then
	case $desc in
	v[0-9]*) echo "${desc#v}" ;;
	[0-9]*.*) echo "$desc" ;;
	*) echo "$release-g$desc" ;;
	esac
else
	echo "$release"
fi
