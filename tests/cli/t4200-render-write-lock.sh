#!/bin/sh
# t4200: render --write writes as git's lockfile.c does (lib/lockfile.c, docs/render.md): PATH.lock
# with O_CREAT|O_EXCL (an existing lock is another vosctl: exit 3, naming it, nothing written), a
# page that is a symbolic link is refused (exit 3, the link and its target unchanged), and a page
# saved by the user after render read it is never overwritten (exit 3, the user's version kept).
. "$(dirname "$0")/../lib.sh"
export VOSCTL_NOW=2026-11-23T18:30:00.000Z

# a lab where render --write changes the services page (a row to add) and creates the inventory page
setup_lab() {
	rm -rf lab && mkdir lab && cp "$SRC/vosctl.yaml" lab/ && cp -r "$SRC/inventory" lab/ &&
	rm -f lab/inventory/service-inventory.md lab/inventory/status.md && rm -rf lab/.vosctl &&
	printf "services:\n  - id: newsvc\n    name: New Service\n    host: skynet\n    class: search\n    purpose: Something new\n" >lab/inventory/zz-new.yaml &&
	mkdir -p lab/.vosctl &&
	printf "{\"time\": \"2026-11-23T18:29:00.000Z\", \"results\": [{\"service\": \"litellm\", \"host\": \"skynet\", \"address\": \"127.0.10.1\", \"port\": 4000, \"check\": \"tcp\", \"state\": \"up\", \"latency_ms\": 1, \"status\": null, \"detail\": \"\"}], \"summary\": {\"up\": 1, \"down\": 0, \"timeout\": 0, \"error\": 0}}\n" >results.json
}

test_expect_success 'an existing services.md.lock: exit 3 naming it, nothing written, the lock kept' '
	setup_lab && cp lab/inventory/services.md orig.md &&
	echo "another vosctl" >lab/inventory/services.md.lock &&
	test_expect_code 3 vosctl -C lab render --write >out 2>err &&
	test_grep "services.md.lock" err &&
	test_grep "another vosctl process seems to be" err &&
	test_grep "remove .*services.md.lock" err &&
	cmp orig.md lab/inventory/services.md &&
	test "$(cat lab/inventory/services.md.lock)" = "another vosctl" &&
	rm lab/inventory/services.md.lock &&
	test_expect_code 0 vosctl -C lab render --write >out 2>err &&
	test_grep "^| New Service " lab/inventory/services.md &&
	test ! -e lab/inventory/services.md.lock && test ! -e lab/inventory/service-inventory.md.lock
'

test_expect_success 'a services page that is a symbolic link is refused: the link and its target stay' '
	setup_lab &&
	mv lab/inventory/services.md lab/inventory/real-services.md &&
	ln -s real-services.md lab/inventory/services.md &&
	cp lab/inventory/real-services.md orig.md &&
	test_expect_code 3 vosctl -C lab render --write >out 2>err &&
	test_grep "services.md.*symbolic link" err &&
	test -L lab/inventory/services.md &&
	test "$(readlink lab/inventory/services.md)" = real-services.md &&
	cmp orig.md lab/inventory/real-services.md &&
	test ! -e lab/inventory/services.md.lock &&
	test_expect_code 1 vosctl -C lab render --check >out 2>err
'

# runs render --write --with-status with the results file a FIFO: render has read the pages when it
# opens the FIFO, and waits for the results; "$1" runs then, before the results are written
render_racing() {
	rm -f lab/.vosctl/last-probe.json rc && mkfifo lab/.vosctl/last-probe.json || return 1
	{ vosctl -C lab render --write --with-status >out 2>err; echo $? >rc; } &
	timeout 30 sh -c "exec 3>lab/.vosctl/last-probe.json && $1 && cat results.json >&3"
	ok=$?
	[ $ok = 0 ] || timeout 5 sh -c ": >lab/.vosctl/last-probe.json" # never left blocked in open()
	wait
	rm -f lab/.vosctl/last-probe.json
	test $ok = 0
}

test_expect_success 'the services page saved by the user after render read it: exit 3, the edit kept' '
	setup_lab &&
	render_racing "echo \"a line the user saved\" >>lab/inventory/services.md" &&
	test "$(cat rc)" = 3 &&
	test_grep "changed since vosctl read it" err &&
	test_grep "inventory/services.md" err &&
	test_grep "^a line the user saved$" lab/inventory/services.md &&
	test_no_grep "^| New Service " lab/inventory/services.md &&
	test ! -e lab/inventory/services.md.lock
'

test_expect_success 'a generated page created by someone else after render looked: exit 3, kept' '
	setup_lab &&
	vosctl -C lab render --write >out 2>err && rm lab/inventory/service-inventory.md &&
	render_racing "echo \"hand-written\" >lab/inventory/service-inventory.md" &&
	test "$(cat rc)" = 3 &&
	test_grep "service-inventory.md.*created since vosctl looked" err &&
	test "$(cat lab/inventory/service-inventory.md)" = hand-written &&
	test ! -e lab/inventory/status.md
'

test_done
