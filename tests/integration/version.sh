#!/bin/sh
# version.sh: --version says the version git-version.sh computes for this tree (git describe
# in a checkout, the release in a tarball), the ncurses and readline it runs with, and the
# configure options in config.h; git-version.sh itself, on a throwaway repository.
set -u
NAME=version
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
SRC=${UDSCOPE_SRCDIR:-.}
BUILD=$(dirname "$(dirname "$UDSCOPE")")
echo "1..8"

release=$(sed -n 's/^AC_INIT(\[udscope\], \[\([^]]*\)\].*/\1/p' "$SRC/configure.ac")
"$U" --version >"$D/out" 2>"$D/err"
rc=$?
want=$(sh "$SRC/src/git-version.sh" "$SRC" "$release")
check "--version exits 0 with four lines" sh -c "[ $rc -eq 0 ] && [ \$(wc -l <'$D/out') -eq 4 ]"
check "line 1 is this tree's version ($want)" sh -c "head -n 1 '$D/out' | grep -qxF 'udscope $want'"
check "line 2: the ncurses it runs with" sh -c "sed -n 2p '$D/out' | grep -qxE 'ncurses [0-9]+[.][0-9]+[.0-9]*'"
check "line 3: the readline it runs with" sh -c "sed -n 3p '$D/out' | grep -qxE 'readline [0-9]+[.][0-9]+'"
opts=$(sed -n 's/^#define UD_BUILD_OPTIONS "\(.*\)"$/\1/p' "$BUILD/config.h")
check "line 4: the configure options ($opts)" \
	sh -c "[ -n '$opts' ] && sed -n 4p '$D/out' | grep -qxF 'build: $opts'"

# git-version.sh on a repository of its own: no tag, a tag, a commit after it, a change.
if ! command -v git >/dev/null 2>&1; then
	for t in 6 7 8; do echo "ok $t # SKIP git not installed (apt-get install git)"; done
	exit 0
fi
R="$D/repo"
g() { git -C "$R" -c user.name=t -c user.email=t@example.invalid "$@" >/dev/null 2>&1; }
mkdir "$R" && git init -q "$R" && echo a >"$R/f" && g add f && g commit -qm one
h1=$(git -C "$R" rev-parse --short HEAD)
check "no tag: RELEASE-gHASH, and no .git: RELEASE" sh -c "
	[ \"\$(sh '$SRC/src/git-version.sh' '$R' 9.9.9)\" = 9.9.9-g$h1 ] &&
	[ \"\$(sh '$SRC/src/git-version.sh' '$D' 9.9.9)\" = 9.9.9 ]"
g tag v1.2.3
echo b >"$R/f" && g commit -qam two
h2=$(git -C "$R" rev-parse --short HEAD)
check "a commit after tag v1.2.3: 1.2.3-1-gHASH" \
	sh -c "[ \"\$(sh '$SRC/src/git-version.sh' '$R' 9.9.9)\" = 1.2.3-1-g$h2 ]"
echo c >"$R/f"
check "a changed tree: -dirty" \
	sh -c "[ \"\$(sh '$SRC/src/git-version.sh' '$R' 9.9.9)\" = 1.2.3-1-g$h2-dirty ]"
