#!/bin/sh
# t6200-help-man-completion: --help, help COMMAND, --version, the man page and the bash/zsh
# completions; every command of the command table and every option each command's --help lists
# appears in the man page and in both completions, so they never drift.
. "$(dirname "$0")/../lib.sh"

MAN=$SRC/docs/vosctl.1
BASHCOMP=$SRC/docs/completion/vosctl.bash
ZSHCOMP=$SRC/docs/completion/_vosctl

# the command table of cmd/main.c: {"name", cli_cmd_fn, ...}
sed -n 's/^[[:space:]]*{"\([a-z-]*\)", cli_cmd_[a-z_]*,.*/\1/p' "$SRC/cmd/main.c" >commands

test_expect_success 'the command table lists the nine commands' '
	test $(wc -l <commands) -ge 9 &&
	for c in validate show probe render publish hook graph help version; do
		grep -qx "$c" commands || { echo "missing $c" >&2; return 1; }
	done
'

# ---- help and version

test_expect_success 'vosctl --help and vosctl help list every command and exit 0' '
	vosctl --help >h1 &&
	vosctl help >h2 &&
	test_cmp h1 h2 &&
	test_grep "^usage: vosctl" h1 &&
	while read c; do
		grep -q "^    $c " h1 || { echo "no $c in --help" >&2; return 1; }
	done <commands
'

test_expect_success 'vosctl --version, -V and vosctl version print the version, exit 0' '
	vosctl --version >v1 && vosctl -V >v2 && vosctl version >v3 &&
	echo "vosctl $(cat "$SRC/VERSION")" >expect &&
	test_cmp expect v1 && test_cmp expect v2 && test_cmp expect v3
'

test_expect_success 'vosctl help validate and vosctl validate --help print the same usage, exit 0' '
	vosctl help validate >a &&
	vosctl validate --help >b &&
	test_cmp a b &&
	test_grep "^usage: vosctl validate" a &&
	test_grep "\-\-format FMT" a &&
	test_grep "\-h, \-\-help" a
'

test_expect_success 'every command: help COMMAND = COMMAND --help, exit 0, starts with its usage line' '
	while read c; do
		vosctl help "$c" >a || { echo "help $c failed" >&2; return 1; }
		vosctl "$c" --help >b || { echo "$c --help failed" >&2; return 1; }
		test_cmp a b || return 1
		head -n 1 a | grep -q "^usage: vosctl $c" || { echo "bad usage line for $c" >&2; cat a >&2; return 1; }
	done <commands
'

test_expect_success 'help for an unknown command: exit 2 and a message' '
	test_expect_code 2 vosctl help frobnicate 2>err &&
	test_grep "frobnicate" err &&
	test_expect_code 2 vosctl frobnicate 2>err &&
	test_grep "not a vosctl command" err
'

test_expect_success 'an unknown option: exit 2 and the usage line on stderr' '
	test_expect_code 2 vosctl validate --no-such-option >out 2>err &&
	test_grep "unknown option" err &&
	test_grep "usage: vosctl validate" err
'

# the long and short options of each command, from its own --help
while read c; do
	vosctl "$c" --help | grep -o -E "^ +(-[A-Za-z], )?--[a-z][a-z-]*" | sed -E "s/^ +//; s/, / /" |
		tr " " "\n" | sed "/^$/d" | sort -u >"opts-$c"
done <commands

test_expect_success 'each command has options in its --help (parsed)' '
	test_grep "^--format$" opts-validate &&
	test_grep "^--output$" opts-graph &&
	test_grep "^-o$" opts-graph &&
	test_grep "^--help$" opts-version
'

# ---- man page

test_expect_success 'man page: no roff warnings (groff -man -ww -z)' '
	groff -man -ww -z "$MAN" >out 2>&1 &&
	test_line_count 0 out
'

test_expect_success 'man page: man -l renders it with every section' '
	MANWIDTH=100 man -l "$MAN" 2>err | col -b >man.txt &&
	test_line_count 0 err &&
	for s in NAME SYNOPSIS DESCRIPTION COMMANDS CONFIGURATION "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
		grep -q "^$s$" man.txt || { echo "no section $s" >&2; return 1; }
	done
'

test_expect_success 'man page: every command of the command table has its subsection' '
	while read c; do
		grep -q "^   vosctl $c\b" man.txt || { echo "no subsection for $c" >&2; return 1; }
	done <commands
'

test_expect_success 'man page: every option of every command is documented' '
	while read c; do
		while read o; do
			grep -q -e "$o\b" man.txt || { echo "man page lacks $c $o" >&2; return 1; }
		done <"opts-$c"
	done <commands
'

test_expect_success 'man page: the environment and exit codes' '
	for v in VOSCTL_TOKEN VOSCTL_GIT_USER NO_COLOR XDG_CACHE_HOME; do
		grep -q "^       $v$" man.txt || { echo "no $v" >&2; return 1; }
	done &&
	for n in 0 1 2 3; do grep -q "^       $n  " man.txt || return 1; done
'

# ---- bash completion

# complete WORD... : runs _vosctl on the command line "vosctl WORD..." (the last word is the one being
# completed) in a fresh bash and prints the candidates, one a line
complete_bash() {
	bash --norc --noprofile -c '
		. "$1"; shift
		COMP_WORDS=(vosctl "$@"); COMP_CWORD=$#
		COMP_LINE="vosctl $*"; COMP_POINT=${#COMP_LINE}
		_vosctl; printf "%s\n" "${COMPREPLY[@]}"' bash "$BASHCOMP" "$@"
}

test_expect_success 'bash: the completion registers itself for vosctl' '
	bash --norc --noprofile -c ". \"$BASHCOMP\"; complete -p vosctl" >out &&
	test_grep "complete -F _vosctl vosctl" out
'

test_expect_success 'bash: every command of the command table completes' '
	complete_bash "" | sort >got &&
	sort commands >want &&
	test_cmp want got
'

test_expect_success 'bash: a prefix completes to its command' '
	complete_bash va >got && echo validate >want && test_cmp want got &&
	complete_bash gr >got && echo graph >want && test_cmp want got
'

test_expect_success 'bash: every option of every command completes' '
	while read c; do
		complete_bash "$c" - | sort >got
		while read o; do
			grep -qx -e "$o" got || { echo "bash completion lacks $c $o" >&2; return 1; }
		done <"opts-$c"
	done <commands
'

test_expect_success 'bash: option prefixes' '
	complete_bash validate --st >got && printf "%s\n" --staged --strict >want && sort got | test_cmp want - &&
	complete_bash graph --fo >got && echo --format >want && test_cmp want got
'

test_expect_success 'bash: --format values per command' '
	complete_bash validate --format "" >got && printf "%s\n" text json github junit sarif prom >want && test_cmp want got &&
	complete_bash graph --format "" >got && printf "%s\n" dot mermaid >want && test_cmp want got &&
	complete_bash probe --format "" >got && printf "%s\n" table json prom >want && test_cmp want got &&
	complete_bash show --format j >got && echo json >want && test_cmp want got &&
	complete_bash graph --format = m >got && echo mermaid >want && test_cmp want got
'

mkdir -p labdir/inventory labdir/other && : >labdir/vosctl.yaml && : >labdir/services.md
test_expect_success 'bash: files for -c/--page/--output, directories for -C/--inventory' '
	complete_bash validate --page labdir/s >got && echo labdir/services.md >want && test_cmp want got &&
	complete_bash -c labdir/v >got && echo labdir/vosctl.yaml >want && test_cmp want got &&
	complete_bash show --config labdir/v >got && echo labdir/vosctl.yaml >want && test_cmp want got &&
	complete_bash validate --inventory labdir/ | sort >got &&
	printf "%s\n" labdir/inventory labdir/other >want && test_cmp want got &&
	complete_bash -C labdir/o >got && echo labdir/other >want && test_cmp want got &&
	complete_bash graph -o labdir/se >got && echo labdir/services.md >want && test_cmp want got
'

test_expect_success 'bash: global options are skipped when finding the command' '
	complete_bash -C labdir "" | sort >got && sort commands >want && test_cmp want got &&
	complete_bash -C labdir graph --format "" >got && printf "%s\n" dot mermaid >want && test_cmp want got
'

test_expect_success 'bash: help completes commands, hook its actions' '
	complete_bash help "" | sort >got && sort commands >want && test_cmp want got &&
	complete_bash hook "" >got && printf "%s\n" install uninstall run >want && test_cmp want got
'

# issue 13, item 9: the lab's own names complete (through `vosctl show --ids KIND`)
test_expect_success 'bash: --host, --service and --class offer the lab'"'"'s hosts, service ids and classes' '
	PATH="$(dirname "$VOSCTL"):$PATH" complete_bash -C "$SRC" probe --host wat >got &&
	printf "watson\n" >want && test_cmp want got &&
	PATH="$(dirname "$VOSCTL"):$PATH" complete_bash -C "$SRC" probe --service lite >got &&
	printf "litellm\n" >want && test_cmp want got &&
	PATH="$(dirname "$VOSCTL"):$PATH" complete_bash -C "$SRC" probe --class cac >got &&
	printf "cache\n" >want && test_cmp want got &&
	PATH="$(dirname "$VOSCTL"):$PATH" complete_bash show --ids "" >got &&
	printf "%s\n" hosts services classes >want && test_cmp want got
'

test_expect_success 'show --ids: every host, every service id, the classes in force; a bad kind is exit 2' '
	vosctl -C "$SRC" show --ids hosts >hosts && test_grep "^deep-thought\$" hosts &&
	test $(wc -l <hosts) = $(vosctl -C "$SRC" show --format json | python3 -c "import json,sys; print(len(json.load(sys.stdin)[\"hosts\"]))") &&
	vosctl -C "$SRC" show --ids services >svc && test_grep "^open-webui\$" svc &&
	vosctl -C "$SRC" show --ids classes >cls && test_grep "^router\$" cls && test_grep "^monitoring\$" cls &&
	test_expect_code 2 vosctl -C "$SRC" show --ids vlans 2>err &&
	test_grep "unknown --ids kind .vlans." err
'

test_expect_success 'zsh: --host, --service and --class complete through show --ids' '
	test_grep "_vosctl_ids hosts" "$SRC/docs/completion/_vosctl" &&
	test_grep "_vosctl_ids services" "$SRC/docs/completion/_vosctl" &&
	test_grep "_vosctl_ids classes" "$SRC/docs/completion/_vosctl" &&
	test_grep "show --ids \$1" "$SRC/docs/completion/_vosctl"
'

# ---- zsh completion

if command -v zsh >/dev/null 2>&1; then
	# runs _vosctl with _arguments/_describe stubbed: prints what they were given
	cat >zstub.zsh <<'EOF'
_arguments() { print -r -- "ARGS: $*"; state=$ZSTATE; line=(${=ZLINE}); return 1 }
_describe() { print -rl -- "${(@P)${@[-1]}}" }
source "$1"
EOF
	test_expect_success 'zsh: the completion parses (zsh -n) and is a #compdef for vosctl' '
		zsh -n "$ZSHCOMP" &&
		head -n 1 "$ZSHCOMP" >first && echo "#compdef vosctl" >want && test_cmp want first
	'
	test_expect_success 'zsh: every command of the command table is described' '
		ZSTATE=command zsh -f zstub.zsh "$ZSHCOMP" | sed -n "s/^\([a-z-]*\):.*/\1/p" | sort >got &&
		sort commands >want && test_cmp want got
	'
	test_expect_success 'zsh: every option of every command is in its _arguments' '
		while read c; do
			ZSTATE=args ZLINE=$c zsh -f zstub.zsh "$ZSHCOMP" | tail -n 1 >args
			test_grep "^ARGS: " args || return 1
			while read o; do
				grep -q -e "[ )}*]$o[=+[]" args || { echo "zsh completion lacks $c $o" >&2; return 1; }
			done <"opts-$c"
		done <commands
	'
	test_expect_success 'zsh: --format values' '
		ZSTATE=args ZLINE=graph zsh -f zstub.zsh "$ZSHCOMP" | tail -n 1 >args &&
		test_grep "format:(dot mermaid)" args &&
		ZSTATE=args ZLINE=validate zsh -f zstub.zsh "$ZSHCOMP" | tail -n 1 >args &&
		test_grep "format:(text json github junit sarif prom)" args
	'
else
	test_skip 'zsh is not installed'
fi

# ---- install

test_expect_success 'make install PREFIX=/usr DESTDIR=...: binary, man page, completions' '
	make -s -C "$SRC" install BUILD="${BUILD:-build}" SAN="${SAN:-}" PREFIX=/usr DESTDIR="$TRASH/root" >make.out 2>&1 ||
		{ cat make.out; return 1; }
	test -x root/usr/bin/vosctl &&
	test -f root/usr/share/man/man1/vosctl.1 &&
	test -f root/usr/share/bash-completion/completions/vosctl &&
	test -f root/usr/share/zsh/site-functions/_vosctl &&
	cmp "$MAN" root/usr/share/man/man1/vosctl.1 &&
	cmp "$BASHCOMP" root/usr/share/bash-completion/completions/vosctl &&
	cmp "$ZSHCOMP" root/usr/share/zsh/site-functions/_vosctl &&
	root/usr/bin/vosctl --version >v && echo "vosctl $(cat "$SRC/VERSION")" >want && test_cmp want v &&
	MANWIDTH=80 man -l root/usr/share/man/man1/vosctl.1 2>/dev/null | col -b | grep -q "^NAME$"
'

test_expect_success 'make uninstall removes what install put there' '
	make -s -C "$SRC" uninstall BUILD="${BUILD:-build}" SAN="${SAN:-}" PREFIX=/usr DESTDIR="$TRASH/root" >make.out 2>&1 &&
	find root -type f >left &&
	test_line_count 0 left
'

test_done
