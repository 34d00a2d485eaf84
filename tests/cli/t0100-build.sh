#!/bin/sh
# t0100-build: the build is honest, as git's Makefile is: plain `make` only builds (never installs),
# VERSION and headers are real prerequisites, CPPFLAGS/LDFLAGS pass through, -Werror only for
# developers (check, CI), -pthread and each library once, and a missing library is named.
# Works on a copy of the sources in the trash directory (the project's own build is not touched).
. "$(dirname "$0")/../lib.sh"

if [ "${SAN:-}" = 1 ] || [ "${VALGRIND:-}" = 1 ]; then
	test_skip "the build checks run once, in the plain suite"
	test_done
	exit 0
fi

test_expect_success 'setup: a copy of the sources' '
	mkdir src &&
	cp -R "$SRC/lib" "$SRC/cmd" "$SRC/Makefile" "$SRC/VERSION" src/ &&
	mkdir -p src/tests && cp "$SRC/tests/deps.sh" src/tests/
'

test_expect_success 'plain make only builds: no install step, no -Werror' '
	make -n -C src >plan 2>&1 &&
	test_no_grep "deps.sh" plan &&
	test_no_grep "apt-get" plan &&
	test_grep "^cc .*-c -o build/lib/page.o lib/page.c" plan &&
	test_no_grep "Werror" plan &&
	make -n -C src DEVELOPER=1 >dev 2>&1 &&
	test_grep "^cc .*-Werror.*-c -o build/lib/page.o" dev
'

test_expect_success 'a new compiler warning fails only a developer build' '
	mkdir warn && cp -R src/lib src/cmd src/Makefile src/VERSION warn/ && mkdir warn/tests &&
	cp src/tests/deps.sh warn/tests/ &&
	printf "#include \"util.h\"\nint vos_zz_warn(int x);\nint vos_zz_warn(int x) { int unused; return x; }\n" >warn/lib/zz_warn.c &&
	make -s -C warn -j2 >out 2>&1 &&
	test -x warn/build/vosctl &&
	test_grep "unused variable" out &&
	rm -rf warn/build &&
	test_must_fail make -s -C warn -j2 DEVELOPER=1 >out2 2>&1 &&
	test_grep "error: unused variable" out2
'

test_expect_success 'the link line: -pthread, no -lpthread, every library once, LDFLAGS passed' '
	make -s -C src -j2 >/dev/null 2>&1 &&
	rm src/build/vosctl &&
	make -C src LDFLAGS=-Wl,-z,now >link 2>&1 &&
	line=$(grep -- "-o build/vosctl" link) &&
	case "$line" in *-Wl,-z,now*) ;; *) echo "no LDFLAGS: $line"; false ;; esac &&
	case "$line" in *-pthread*) ;; *) echo "no -pthread: $line"; false ;; esac &&
	case "$line" in *-lpthread*) echo "-lpthread: $line"; false ;; esac &&
	dups=$(printf "%s\n" $line | grep "^-l" | sort | uniq -d) &&
	test -z "$dups" || { echo "linked twice: $dups"; false; }
'

test_expect_success 'CPPFLAGS and CFLAGS reach every compile, and changing them rebuilds' '
	make -C src CPPFLAGS=-DVOS_T0100_MARK CFLAGS="-O1 -g" >flags 2>&1 &&
	test_grep "^cc .*-DVOS_T0100_MARK.*-O1 -g.*-c -o build/lib/page.o" flags &&
	test $(grep -c "^cc .*-DVOS_T0100_MARK.* -c -o " flags) -ge 20 &&
	make -C src CPPFLAGS=-DVOS_T0100_MARK CFLAGS="-O1 -g" >again 2>&1 &&
	test_no_grep "^cc " again
'

test_expect_success 'changing VERSION rebuilds what embeds it, and only that' '
	make -s -C src >/dev/null 2>&1 &&
	echo 9.8.7 >src/VERSION &&
	make -C src >ver 2>&1 &&
	test "$(grep -c "^cc .* -c -o " ver)" = 1 &&
	test_grep "-c -o build/lib/version.o lib/version.c" ver &&
	test "$(src/build/vosctl --version)" = "vosctl 9.8.7"
'

test_expect_success 'header dependencies come from the compiler: a header rebuilds its includers only' '
	make -s -C src >/dev/null 2>&1 &&
	touch src/lib/git_index.h &&
	make -C src >hdr 2>&1 &&
	grep -o -- "-c -o [^ ]*" hdr | sort >rebuilt &&
	printf "%s\n" "-c -o build/cmd/hook.o" "-c -o build/lib/git_index.o" "-c -o build/lib/source.o" >want &&
	test_cmp want rebuilt
'

test_expect_success 'a library pkg-config cannot find is named (any distribution)' '
	test_must_fail make -s -C src PKGS="yaml-0.1 vosctl-no-such-lib jansson" >miss 2>&1 &&
	test_grep "pkg-config cannot find: vosctl-no-such-lib$" miss
'

test_expect_success 'without dpkg, deps.sh says so and lets the build go on' '
	mkdir nodpkg && for c in sh grep id; do ln -s "$(command -v $c)" nodpkg/$c; done &&
	PATH=$TRASH/nodpkg sh src/tests/deps.sh build libyaml-dev >out 2>&1 &&
	test_grep "no dpkg here" out
'

test_done
