# bash completion for vosctl                                    -*- shell-script -*-
# Install as /usr/share/bash-completion/completions/vosctl (make install does), or source it.
# Commands, options and --format values here must match `vosctl COMMAND --help`:
# tests/cli/t6200-help-man-completion.sh checks that they never drift.

_vosctl_commands="validate show probe render publish hook export graph init explain help version"
_vosctl_common="-c --config -C --directory --page --inventory -h --help"

# _vosctl_options COMMAND: the options of COMMAND
_vosctl_options()
{
	case $1 in
	validate) echo "--format --output --strict -q --quiet --staged --probe --probe-from --max-age --timeout --fail-level --baseline --write-baseline --accept-new $_vosctl_common" ;;
	explain) echo "$_vosctl_common" ;;
	show) echo "--format --vocabulary --ids $_vosctl_common" ;;
	probe) echo "--host --service --class --timeout --deadline --concurrency --scope --plan --cacert --insecure --scan --format --output --no-save $_vosctl_common" ;;
	render) echo "--check --write --stdout --with-status --prune --allow-findings -q --quiet $_vosctl_common" ;;
	publish) echo "--remote --branch -n --dry-run --cache-dir --prune --allow-findings $_vosctl_common" ;;
	hook) echo "--chain --force --strict -h --help" ;;
	graph) echo "--format -o --output $_vosctl_common" ;;
	init) echo "--units --homepage --dir -n --dry-run -h --help" ;;
	export) echo "-o --output --check --part --exporter --targets-path --job --group-by --interval --timeout -q --quiet $_vosctl_common" ;;
	help | version) echo "-h --help" ;;
	esac
}

# _vosctl_ids KIND: the lab's host names, service ids or classes (`vosctl show --ids KIND`, in the
# directory -C names when it was given), for --host, --service and --class
_vosctl_ids()
{
	local dir=() IFS=$'\n'
	[ -n "$_vosctl_dir" ] && dir=(-C "$_vosctl_dir")
	COMPREPLY=($(compgen -W "$(vosctl "${dir[@]}" show --ids "$1" 2>/dev/null)" -- "$2"))
}

# _vosctl_formats COMMAND: the values of COMMAND's --format
_vosctl_formats()
{
	case $1 in
	validate) echo "text json github junit sarif prom" ;;
	show) echo "text json" ;;
	probe) echo "table json prom" ;;
	graph) echo "dot mermaid" ;;
	esac
}

_vosctl_files()
{
	compopt -o filenames 2>/dev/null
	local IFS=$'\n'
	COMPREPLY=($(compgen -f -- "$1"))
}

_vosctl_dirs()
{
	compopt -o filenames 2>/dev/null
	local IFS=$'\n'
	COMPREPLY=($(compgen -d -- "$1"))
}

_vosctl()
{
	local cur prev cmd i
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# --opt=value: bash splits at "=" (COMP_WORDBREAKS)
	if [ "$cur" = "=" ]; then
		cur=
	elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -gt 1 ]; then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	fi
	case $cur in
	--*=*)
		prev=${cur%%=*}
		cur=${cur#*=}
		;;
	esac

	# the command: the first word that is not an option (global -C DIR and -c FILE take a value)
	cmd=
	_vosctl_dir=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-C) _vosctl_dir=${COMP_WORDS[i + 1]}; ((i++)) ;;
		-c) ((i++)) ;;
		-*) ;;
		=) ;;
		*)
			cmd=${COMP_WORDS[i]}
			break
			;;
		esac
	done

	# option values
	case $prev in
	-c | --config | --page | --cacert | -o | --output | --targets-path | --baseline | --write-baseline)
		_vosctl_files "$cur"
		return 0
		;;
	-C | --directory | --inventory | --cache-dir)
		_vosctl_dirs "$cur"
		return 0
		;;
	--format)
		COMPREPLY=($(compgen -W "$(_vosctl_formats "$cmd")" -- "$cur"))
		return 0
		;;
	--part)
		COMPREPLY=($(compgen -W "targets modules scrape" -- "$cur"))
		return 0
		;;
	--group-by)
		COMPREPLY=($(compgen -W "plane host" -- "$cur"))
		return 0
		;;
	--fail-level)
		COMPREPLY=($(compgen -W "error warning none" -- "$cur"))
		return 0
		;;
	--host)
		_vosctl_ids hosts "$cur"
		return 0
		;;
	--service)
		_vosctl_ids services "$cur"
		return 0
		;;
	--class)
		_vosctl_ids classes "$cur"
		return 0
		;;
	--ids)
		COMPREPLY=($(compgen -W "hosts services classes" -- "$cur"))
		return 0
		;;
	--timeout | --deadline | --concurrency | --scope | --scan | --remote | --branch | --exporter | --interval | --job | --probe-from | --max-age)
		# a value nobody can guess: offer nothing
		return 0
		;;
	esac

	if [ -z "$cmd" ]; then
		case $cur in
		-*) COMPREPLY=($(compgen -W "-C -c -V --version -h --help" -- "$cur")) ;;
		*) COMPREPLY=($(compgen -W "$_vosctl_commands" -- "$cur")) ;;
		esac
		return 0
	fi

	case $cur in
	-*)
		COMPREPLY=($(compgen -W "$(_vosctl_options "$cmd")" -- "$cur"))
		return 0
		;;
	esac
	case $cmd in
	help) COMPREPLY=($(compgen -W "$_vosctl_commands" -- "$cur")) ;;
	export) COMPREPLY=($(compgen -W "gatus prometheus homepage ansible" -- "$cur")) ;;
	hook) COMPREPLY=($(compgen -W "install uninstall run" -- "$cur")) ;;
	esac
	return 0
}

complete -F _vosctl vosctl
