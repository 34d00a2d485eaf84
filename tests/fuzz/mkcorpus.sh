#!/bin/sh
# mkcorpus.sh [OUT] - builds the fuzz targets' seed corpus from the fixtures (tests/fixtures/**, the
# labs tests/fixtures/labs/genfixtures.py describes, inventory/**, examples/**) into OUT (default
# tests/fuzz/corpus), one directory per target, each file named by the SHA-1 of its content (as
# libFuzzer names what it finds):
#   page/      every Markdown page
#   inventory/ every inventory YAML file (not vosctl.yaml)
#   config/    every vosctl.yaml
#   rules/     per lab directory: its page, a "----" line, then its inventory files as YAML documents
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$SRC/tests/fuzz/corpus}
cd "$SRC"
mkdir -p "$OUT/page" "$OUT/inventory" "$OUT/config" "$OUT/rules"
tmp=$(mktemp)
labs=$(mktemp -d)
trap 'rm -f "$tmp"; rm -rf "$labs"' EXIT INT TERM
# the small labs are built from their description (as the shell tests do), not committed
python3 tests/fixtures/labs/genfixtures.py "$labs"

put() { # put TARGET FILE: copy under its hash name
	h=$(sha1sum <"$2" | cut -d' ' -f1)
	cp "$2" "$OUT/$1/$h"
}

roots="tests/fixtures $labs inventory examples"
find $roots -type f -name '*.md' | sort | while read -r f; do put page "$f"; done
find $roots -type f \( -name '*.yaml' -o -name '*.yml' \) ! -name vosctl.yaml | sort |
	while read -r f; do put inventory "$f"; done
find $roots -type f -name vosctl.yaml | sort | while read -r f; do put config "$f"; done

# labs: a directory holding a page (*.md) and an inventory (a directory of YAML files, or itself)
find $roots -type d | sort | while read -r d; do
	page=$(find "$d" -maxdepth 1 -type f -name '*.md' | sort | head -n 1)
	[ -n "$page" ] || continue
	if [ -d "$d/inventory" ]; then inv=$d/inventory; else inv=$d; fi
	yamls=$(find "$inv" -maxdepth 1 -type f \( -name '*.yaml' -o -name '*.yml' \) ! -name vosctl.yaml | sort)
	[ -n "$yamls" ] || continue
	{
		cat "$page"
		printf '\n----\n'
		first=1
		for y in $yamls; do
			[ $first = 1 ] || printf -- '---\n'
			first=0
			cat "$y"
			printf '\n'
		done
	} >"$tmp"
	put rules "$tmp"
done
for t in page inventory config rules; do
	echo "mkcorpus: $t: $(ls "$OUT/$t" | wc -l) files"
done
