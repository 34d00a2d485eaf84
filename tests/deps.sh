#!/bin/sh
# deps.sh KIND PKG... - make sure the Debian packages are installed.
# As root: installs the missing ones with apt-get (waiting up to 120 s for another apt or dpkg to let
# go of its lock). Otherwise: names them and fails. Without dpkg (another distribution) it cannot
# check packages: it says so and lets the build go on (`make` then names any library pkg-config lacks).
kind=$1; shift
if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps: no dpkg here: not checking the Debian packages for $kind ($*)" >&2
	exit 0
fi
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing missing $kind packages:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	lock="-o DPkg::Lock::Timeout=120"
	# shellcheck disable=SC2086
	apt-get $lock update -qq >/dev/null 2>&1 || apt-get $lock update
	# shellcheck disable=SC2086
	apt-get $lock install -y -qq --no-install-recommends $missing >/dev/null 2>&1 ||
		apt-get $lock install -y --no-install-recommends $missing || {
		echo "deps: apt-get install failed for:$missing" >&2; exit 1; }
	exit 0
fi
echo "deps: missing Debian packages for $kind:$missing" >&2
echo "deps: run as root: apt-get install$missing" >&2
exit 1
