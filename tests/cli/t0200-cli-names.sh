#!/bin/sh
# t0200: the layer of a name is visible from the name. What cmd/ (the CLI) defines for other files
# carries the cli_ prefix: the symbols its objects export (functions, the command table), and the
# types, macros and enum constants of its headers; lib's names keep vos_ (issue 11, item 6).
# The objects are the build's own (nm) of the sources in cmd/; the headers are read as text.
. "$(dirname "$0")/../lib.sh"

test_expect_success 'every symbol the objects of cmd/ define is cli_ (main aside)' '
	# the objects of the sources there are now (an old build directory may hold others)
	for c in "$SRC"/cmd/*.c; do
		o=$(basename "$c" .c).o &&
		nm --defined-only --extern-only "$SRC/${BUILD:-build}/cmd/$o" || return 1
	done >syms &&
	awk "NF == 3 { print \$3 }" syms >names &&
	test_grep "^cli_cmd_validate$" names &&
	test_grep "^cli_parse_options$" names &&
	# names with "__" are the compiler'"'"'s (ASan adds __odr_asan.NAME), reserved to C code
	grep -v -e "^cli_" -e "^main$" -e "^__" names >bad;
	test_line_count 0 bad
'

# the headers without their comments (the compiler's own reading: -fpreprocessed expands nothing)
test_expect_success 'setup: cmd/*.h without comments' '
	for h in "$SRC"/cmd/*.h; do
		${CC:-cc} -fpreprocessed -dD -E -P "$h" || return 1
	done >headers &&
	test_grep "^struct cli_ctx {" headers
'

test_expect_success 'every macro, struct and enum of cmd/*.h is cli_ or CLI_' '
	sed -n -e "s/^#[[:space:]]*define[[:space:]]\{1,\}\([A-Za-z_][A-Za-z0-9_]*\).*/\1/p" \
	       -e "s/^\(struct\|enum\) \([A-Za-z_][A-Za-z0-9_]*\) {.*/\2/p" headers >defs &&
	test_grep "^cli_ctx$" defs &&
	test_grep "^CLI_OPT_FLAG$" defs &&
	grep -v -e "^cli_" -e "^CLI_" defs >bad;
	test_line_count 0 bad
'

test_expect_success 'every upper-case name in cmd/*.h is CLI_ (its own), one of lib/*.h or C' '
	for h in "$SRC"/lib/*.h; do
		${CC:-cc} -fpreprocessed -dD -E -P "$h" || return 1
	done >lib-headers &&
	grep -o -E "\<[A-Z][A-Z0-9_]+\>" lib-headers | sort -u >lib-upper &&
	test_grep "^VOS_PRINTF$" lib-upper &&
	grep -o -E "\<[A-Z][A-Z0-9_]+\>" headers | sort -u >upper &&
	test_grep "^CLI_EXIT_USAGE$" upper &&
	test_grep "^CLI_FMT_SARIF$" upper &&
	comm -23 upper lib-upper | grep -v -e "^CLI_" -e "^FILE$" -e "^NULL$" >bad;
	test_line_count 0 bad
'

test_done
