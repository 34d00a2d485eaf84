#!/bin/sh
# deps.sh KIND PKG... - make sure the Debian packages are installed.
# As root: installs the missing ones with apt-get. Otherwise: names them and fails.
kind=$1; shift
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing missing $kind packages:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null 2>&1 || apt-get update
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 ||
		apt-get install -y --no-install-recommends $missing || {
		echo "deps: apt-get install failed for:$missing" >&2; exit 1; }
	exit 0
fi
echo "deps: missing Debian packages for $kind:$missing" >&2
echo "deps: run as root: apt-get install$missing" >&2
exit 1
