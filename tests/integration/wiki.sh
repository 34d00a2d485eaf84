# tests/integration/wiki.sh - a wiki repository holding the example lab, for the hook tests.
# Sourced after tests/lib.sh.

# setup_wiki DIR: vosctl.yaml, vos/services.md, inventory/*.yaml, a stub page for every page the
# services page links to, all committed.
setup_wiki() {
	mkdir -p "$1/vos" "$1/inventory" &&
	cp "$SRC"/inventory/*.yaml "$1/inventory/" &&
	cp "$SRC/inventory/services.md" "$1/vos/services.md" &&
	printf 'page: vos/services.md\ninventory: inventory\n' >"$1/vosctl.yaml" &&
	{ grep -o '\[\[[^]]*\]\]' "$1/vos/services.md" | sed 's/^\[\[//; s/\]\]$//; s/|.*//'
	  grep -o '](/[^)#? ]*' "$1/vos/services.md" | sed 's/^](\///'; } | sort -u |
	while read -r p; do
		mkdir -p "$1/$(dirname "$p")" && printf '# %s\n' "$p" >"$1/$p.md" || exit 1
	done &&
	(cd "$1" && git init -q -b main && git config user.name Test &&
	 git config user.email test@example.invalid && git add -A && git commit -q -m initial)
}

# setup_hooks_repo DIR: a repository holding only the project's .pre-commit-hooks.yaml, for
# `pre-commit try-repo DIR`.
setup_hooks_repo() {
	mkdir "$1" && cp "$SRC/.pre-commit-hooks.yaml" "$1/" &&
	(cd "$1" && git init -q -b main && git config user.name Test &&
	 git config user.email test@example.invalid && git add .pre-commit-hooks.yaml &&
	 git commit -q -m hooks)
}

# bad_page FILE: the services page with vLLM's address changed to one the inventory does not give it.
bad_page() {
	sed -E 's/^\| vLLM( +)\| [^|]* \|/| vLLM\1| 127.0.0.254 |/' "$1"
}

# bad_page_col FILE: the column of that address on the vLLM row (where the finding points).
bad_page_col() {
	grep -E "^\| vLLM +\|" "$1" | awk '{print index($0, "127.0.0.254")}'
}
