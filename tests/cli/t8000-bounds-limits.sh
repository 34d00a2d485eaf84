#!/bin/sh
# t8000: resource bounds (docs/limits.md). Oversized page and inventory files, alias bombs, deep
# nesting, a 100k-row table and 1 MB lines each give exit 2 with a clear message or complete, under
# `timeout 60`, within a stated peak RSS (measured with /usr/bin/time), never a crash.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/tools/labs.sh"

# peak RSS bounds in KiB; ASan/UBSan (SAN=1) builds need several times more (shadow memory, quarantine)
if [ "${SAN:-}" = 1 ]; then mult=4; else mult=1; fi
RSS_SMALL=$((256 * 1024 * mult)) # everything but the big model cases
RSS_BIG=$((512 * 1024 * mult))   # 100k-row table, 140k aliased services
TIME=/usr/bin/time

# run EXPECTED_EXIT RSS_BOUND_KIB vosctl-args... : output in out/err, measurements in rss/secs
run() {
	want=$1 bound=$2; shift 2
	timeout 60 "$TIME" -f '%M %e' -o time.out "$VOSCTL" "$@" >out 2>err
	rc=$?
	if [ "$rc" = 124 ]; then echo "timed out (60 s): $*"; return 1; fi
	rss=$(tail -n 1 time.out | cut -d' ' -f1) secs=$(tail -n 1 time.out | cut -d' ' -f2)
	# /usr/bin/time reports the child's exit as its own
	if [ "$rc" -ge 125 ]; then echo "crashed ($rc): $*"; tail -n 20 err; return 1; fi
	if [ "$rc" != "$want" ]; then echo "exit $rc, wanted $want: $*"; head -c 2000 err; return 1; fi
	echo "peak RSS ${rss} KiB, ${secs} s (bound ${bound} KiB)"
	if [ -n "${VALGRIND_RUN:-}" ]; then return 0; fi
	test "$rss" -le "$bound" || { echo "peak RSS $rss KiB over $bound KiB"; return 1; }
}
[ "${VALGRIND:-}" = 1 ] && VALGRIND_RUN=1 # valgrind's own memory is not ours to bound

lab() { # lab DIR: a copy of the minimal lab
	rm -rf "$1" && mkdir -p "$1" && cp -r "$LABS/labs/minimal/." "$1/"
}

test_expect_success 'a page over 64 MiB (sparse) is refused with exit 2 and names the limit' '
	lab big-page &&
	truncate -s $((64 * 1024 * 1024 + 1)) big-page/services.md &&
	run 2 "$RSS_SMALL" -C big-page validate &&
	test_grep "services\.md.*larger than the limit of 67108864 bytes" err
'

test_expect_success 'an inventory file over 64 MiB (sparse) is refused with exit 2' '
	lab big-inv &&
	truncate -s $((64 * 1024 * 1024 + 1)) big-inv/inventory/zz.yaml &&
	run 2 "$RSS_SMALL" -C big-inv validate &&
	test_grep "inventory/zz\.yaml.*larger than the limit of 67108864 bytes" err
'

# nine levels of nine: 9^9 = 387 million strings if expanded
laughs() { # laughs KEY: a billion-laughs document whose last key KEY takes the bomb
	printf "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	prev=a
	for k in b c d e f g h i; do
		printf "%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n" $k $k $prev $prev $prev $prev $prev $prev $prev $prev $prev
		prev=$k
	done
	printf "%s: *i\n" "$1"
}

test_expect_success 'billion laughs in an inventory file: exit 2, located yaml-alias error, fast' '
	lab laughs-inv &&
	laughs services >laughs-inv/inventory/zz-bomb.yaml &&
	run 2 "$RSS_SMALL" -C laughs-inv validate &&
	test_grep "^inventory/zz-bomb\.yaml:[0-9]*:[0-9]*: error: \[yaml-alias\] aliases expand to more than 4000000 nodes" err &&
	awk -v s="$secs" "BEGIN { exit !(s < 5) }"
'

test_expect_success 'billion laughs in vosctl.yaml: exit 2, yaml-alias error' '
	lab laughs-cfg &&
	laughs page >laughs-cfg/vosctl.yaml &&
	run 2 "$RSS_SMALL" -C laughs-cfg validate &&
	test_grep "vosctl\.yaml:[0-9]*:[0-9]*: error: \[yaml-alias\]" err
'

test_expect_success 'billion laughs in the page front matter: exit 2, yaml-alias error' '
	lab laughs-page &&
	{ echo ---; laughs title; echo ---; sed -n "/^# /,\$p" "$LABS/labs/minimal/services.md"; } >laughs-page/services.md &&
	run 2 "$RSS_SMALL" -C laughs-page validate &&
	test_grep "services\.md:[0-9]*:[0-9]*: error: \[yaml-alias\]" err
'

test_expect_success '140k aliases of one service (3.4M nodes, under the expansion limit) complete in bounds' '
	if [ -n "${VALGRIND_RUN:-}" ]; then echo "skipped under valgrind"; exit 0; fi
	lab many-aliases &&
	python3 -c "
import sys
sys.stdout.write(\"services: [&s {id: x, name: X, host: alpha, class: router, traits: [a,b,c,d,e,f,g,h], ports: [{port: 1}, {port: 2}]}\" + \", *s\" * 140000 + \"]\\n\")
" >many-aliases/inventory/zz.yaml &&
	run 2 "$RSS_BIG" -C many-aliases validate &&
	test_grep "error: \[inventory-duplicate-id\] duplicate service id .x." err &&
	test_grep "more diagnostics not shown" err
'

test_expect_success '300-deep flow nesting in YAML: exit 2, yaml-depth error' '
	lab deep-flow &&
	python3 -c "print(\"services: \" + \"[\" * 300 + \"]\" * 300)" >deep-flow/inventory/zz.yaml &&
	run 2 "$RSS_SMALL" -C deep-flow validate &&
	test_grep "^inventory/zz\.yaml:1:[0-9]*: error: \[yaml-depth\] nesting deeper than 256 levels" err
'

test_expect_success '300-deep block nesting in YAML: exit 2, yaml-depth error' '
	lab deep-block &&
	python3 -c "
print(\"services:\")
for i in range(300): print(\"  \" * (i + 1) + \"- a:\")
" >deep-block/inventory/zz.yaml &&
	run 2 "$RSS_SMALL" -C deep-block validate &&
	test_grep "^inventory/zz\.yaml:[0-9]*:[0-9]*: error: \[yaml-depth\]" err
'

test_expect_success '300-deep block quotes and lists on the page complete' '
	lab deep-page &&
	python3 -c "
print(\"> \" * 300 + \"quoted\")
print()
for i in range(300): print(\"  \" * i + \"- item\")
" >>deep-page/services.md &&
	run 0 "$RSS_SMALL" -C deep-page validate
'

test_expect_success 'a 100k-row table completes (exit 1: findings) within 60 s and the RSS bound' '
	if [ -n "${VALGRIND_RUN:-}" ]; then echo "skipped under valgrind"; exit 0; fi
	lab rows &&
	python3 -c "
import sys
src = open(\"rows/services.md\").read()
anchor = \"| Router | 127.0.10.1 | Routes requests |\\n\"
assert anchor in src
rows = \"\".join(\"| svc%d | 127.1.%d.%d | purpose %d |\\n\" % (i, (i >> 8) & 255, i & 255, i) for i in range(100000))
open(\"rows/services.md\", \"w\").write(src.replace(anchor, anchor + rows))
" &&
	run 1 "$RSS_BIG" -C rows validate &&
	test $(grep -c "error: \[inventory-missing\] service .svc[0-9]*. is on the page" out) = 100000 &&
	test_grep "^services\.md:100019:1: error: \[inventory-missing\] service .svc99999." out
'

test_expect_success 'a 1 MB line on the page (paragraph and table cell) completes' '
	lab line-page &&
	python3 -c "
src = open(\"line-page/services.md\").read()
line = \"x\" * (1024 * 1024)
src = src.replace(\"A small lab.\\n\", \"A small lab. \" + line + \"\\n\")
src = src.replace(\"| Routes requests |\", \"| Routes requests \" + line + \" |\")
open(\"line-page/services.md\", \"w\").write(src)
" &&
	test $(wc -L <line-page/services.md) -gt 1048576 &&
	run 0 "$RSS_SMALL" -C line-page validate
'

test_expect_success 'a 1 MB line in YAML (a quoted scalar, a flow list) completes' '
	lab line-yaml &&
	python3 -c "
p = \"line-yaml/inventory/services.yaml\"
src = open(p).read()
src = src.replace(\"    purpose: Routes requests\\n\", \"    purpose: Routes requests\\n    notes: \\\"\" + \"n\" * (1024 * 1024) + \"\\\"\\n\", 1)
src += \"  - {id: zz, name: ZZ, host: alpha, class: router, traits: [\" + \", \".join(\"t%d\" % i for i in range(120000)) + \"]}\\n\"
open(p, \"w\").write(src)
open(\"line-yaml/inventory/zz-vocabulary.yaml\", \"w\").write(\"vocabulary: {traits: {\" + \", \".join(\"t%d: a trait\" % i for i in range(120000)) + \"}}\\n\")
" &&
	test $(wc -L <line-yaml/inventory/services.yaml) -gt 1048576 &&
	run 1 "$RSS_SMALL" -C line-yaml validate &&
	test_grep "service .zz. (ZZ) is in the inventory but not on the page" out
'

test_expect_success 'a 1 MB line without a final newline at the end of the page completes' '
	lab line-eof &&
	python3 -c "
import sys
sys.stdout.write(\"y\" * (1024 * 1024 + 7))
" >>line-eof/services.md &&
	run 0 "$RSS_SMALL" -C line-eof validate
'

test_expect_success '30k hosts and 30k services in one dependency cycle on one port complete' '
	if [ -n "${VALGRIND_RUN:-}" ]; then echo "skipped under valgrind"; exit 0; fi
	lab wide-inv &&
	python3 -c "
N = 30000
s = \"hosts:\\n\" + \"\".join(\"  - {name: hh%d, plane: data, address: 127.0.%d.%d}\\n\" % (i, (i >> 8) & 255, i & 255) for i in range(N))
s += \"services:\\n\" + \"\".join(\"  - {id: ss%d, name: SS%d, host: hh0, class: router, ports: [{port: 80}], depends_on: [ss%d]}\\n\" % (i, i, (i + 1) % N) for i in range(N))
open(\"wide-inv/inventory/zz.yaml\", \"w\").write(s)
" &&
	run 1 "$RSS_BIG" -C wide-inv validate &&
	test_grep "error: \[depends-cycle\]" out &&
	test_grep "error: \[port-clash\]" out &&
	test $(grep -c "error: \[host-inventory-only\]" out) = 30000
'

test_done
