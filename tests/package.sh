#!/bin/sh
# package.sh: build the Debian package from this checkout's HEAD (or this tree, out of a
# tarball), check it with lintian, install it, run the walkthrough from /usr/bin/udscope in
# batch mode, render its manual page, check the completion and docs are there, and remove it.
# Run by hand or by .ci/run, as root (it installs); never by make check. It says why and
# exits 0 when dpkg-buildpackage or root is missing. --nocheck: skip make check in the build
# (DEB_BUILD_OPTIONS=nocheck), when the caller has just run it.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
[ "${1:-}" = --nocheck ] && export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-} nocheck"
if ! command -v dpkg-buildpackage >/dev/null 2>&1; then
	echo "package.sh: SKIP: dpkg-buildpackage not installed (apt-get install dpkg-dev debhelper)"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "package.sh: SKIP: installing the package needs root"
	exit 0
fi
work=$(mktemp -d /tmp/udscope-package-XXXXXX)
installed=""
cleanup() {
	[ -n "$installed" ] && dpkg --purge udscope >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "package.sh: FAIL: $*"; exit 1; }

# The committed tree (git describe then names the build), or the files as they are.
if [ -e "$src/.git" ] && command -v git >/dev/null 2>&1; then
	git clone -q "$src" "$work/udscope"
	git -C "$work/udscope" checkout -q "$(git -C "$src" rev-parse HEAD)"
else
	mkdir "$work/udscope" && (cd "$src" && tar cf - --exclude=./.git .) | tar xf - -C "$work/udscope"
fi

start=$(date +%s)
(cd "$work/udscope" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 ||
	{ tail -n 60 "$work/build.log"; fail "dpkg-buildpackage -us -uc -b"; }
echo "package.sh: dpkg-buildpackage took $(($(date +%s) - start)) s"
deb=$(ls "$work"/udscope_*.deb)
echo "package.sh: $(basename "$deb") holds:"
dpkg-deb -c "$deb" | awk '{ print "  " $6 }'

if command -v lintian >/dev/null 2>&1; then
	lrc=0
	lintian -I --fail-on error "$deb" >"$work/lintian" 2>&1 || lrc=$?
	grep -v 'running with root privileges' "$work/lintian" | sed 's/^/  lintian: /' || true
	[ $lrc -eq 0 ] || fail "lintian reports errors"
	echo "package.sh: lintian: no errors"
else
	echo "package.sh: lintian not installed: not run"
fi

# Extract it first: the man page is rendered from the package's own copy (an image may keep
# dpkg from installing /usr/share/man).
dpkg-deb -x "$deb" "$work/x"
man -l "$work/x/usr/share/man/man1/udscope.1.gz" 2>"$work/man.err" | grep -q 'udscope' ||
	{ cat "$work/man.err"; fail "man udscope does not render"; }
[ ! -s "$work/man.err" ] || { cat "$work/man.err"; fail "man udscope warns"; }
echo "package.sh: man page renders"

installed=1
if command -v apt-get >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >"$work/apt.log" 2>&1 ||
		{ cat "$work/apt.log"; fail "apt-get install $deb"; }
else
	dpkg -i "$deb" >/dev/null || fail "dpkg -i $deb"
fi
for f in /usr/bin/udscope /usr/share/bash-completion/completions/udscope \
	/usr/share/doc/udscope/copyright; do
	[ -e "$f" ] || fail "$f is not installed"
done
ls /usr/share/doc/udscope/README* /usr/share/doc/udscope/bench.md* >/dev/null ||
	fail "README and bench.md are not in /usr/share/doc/udscope"
bash -c '. /usr/share/bash-completion/completions/udscope && complete -p udscope' >/dev/null ||
	fail "the bash completion does not load"
/usr/bin/udscope --version | head -n 1

# The walkthrough, from the installed binary, headless.
sock="$work/uds_socket"
/usr/bin/udscope -n --batch -e "server start $sock" -e "client $sock" -e 'server stop' \
	</dev/null >"$work/out" 2>&1 || { cat "$work/out"; fail "the walkthrough failed"; }
grep -qxF "client: received 9 bytes b'repeated.'" "$work/out" ||
	{ cat "$work/out"; fail "the walkthrough's echo is missing"; }
echo "package.sh: walkthrough from /usr/bin/udscope passed"

dpkg --purge udscope >/dev/null || fail "dpkg --purge udscope"
installed=""
[ ! -e /usr/bin/udscope ] && [ ! -e /usr/share/bash-completion/completions/udscope ] ||
	fail "files left after removing the package"
echo "package.sh: removed; nothing left"
echo "package.sh: all passed"
