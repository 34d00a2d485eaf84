#!/bin/sh
# t2410: the wording a user tripped over (issue 13, item 9): a port declared twice by one service
# names the two places (not "'redis' and 'redis'"), a plane mismatch names the page's heading, and
# show never says "Control Plane plane".
. "$(dirname "$0")/../lib.sh"

fresh() {
	rm -rf lab && mkdir lab && cp "$SRC/vosctl.yaml" lab/ && cp -r "$SRC/inventory" lab/
}

test_expect_success 'a port declared twice by one service names both places, not the service twice' '
	fresh &&
	sed -i "s/      - {port: 6379, check: tcp}/      - {port: 6379, check: tcp}\n      - {port: 6379, name: again}/" lab/inventory/services-data.yaml &&
	first=$(grep -n "{port: 6379, check: tcp}" lab/inventory/services-data.yaml | cut -d: -f1) &&
	second=$((first + 1)) &&
	test_expect_code 1 vosctl -C lab validate >out 2>err &&
	test_grep "^inventory/services-data.yaml:$second:9: error: \[port-clash\] port 6379/tcp on host .deep-thought. is declared twice by .redis.: here and at inventory/services-data.yaml:$first:9\$" out &&
	test_no_grep "both .redis. and .redis." out
'

test_expect_success 'two services on one port still name both services' '
	fresh &&
	sed -i "0,/{port: 5432/s//{port: 6379/" lab/inventory/services-data.yaml &&
	test_expect_code 1 vosctl -C lab validate >out 2>err &&
	test_grep "error: \[port-clash\] port 6379/tcp on host .deep-thought. is declared by both .postgresql. and .redis." out
'

test_expect_success 'a plane mismatch names the page heading properly' '
	fresh &&
	sed -i "0,/plane: infrastructure/s//plane: control/" lab/inventory/network.yaml &&
	test_expect_code 1 vosctl -C lab validate >out 2>err &&
	test_grep "^inventory/services.md:[0-9]*:[0-9]*: error: \[plane-mismatch\] host .hal. is under the page.s heading .Infrastructure. (plane .infrastructure.) but in plane .control. in the inventory" out &&
	test_no_grep "is in the Infrastructure" out
'

test_expect_success 'a heading whose role the inventory contradicts is a warning at the heading (case and blanks aside)' '
	fresh &&
	line=$(grep -n "^### watson (GPU Inference)" lab/inventory/services.md | cut -d: -f1) &&
	sed -i "s/^### watson (GPU Inference)/### watson (CPU Inference)/; s/^### deep-thought (Databases)/### deep-thought ( databases )/" lab/inventory/services.md &&
	test_expect_code 0 vosctl -C lab validate >out 2>err &&
	test_grep "^inventory/services.md:$line:[0-9]*: warning: \[role-mismatch\] host .watson. is headed .watson (CPU Inference). on the page but has role .GPU Inference. in the inventory" out &&
	test_grep "1 warning" out &&
	test_no_grep "deep-thought" out &&
	test_expect_code 1 vosctl -C lab validate --strict >out 2>err
'

test_expect_success 'show: a host whose plane comes from the page heading is not "Control Plane plane"' '
	fresh &&
	sed -i "/^  - name: skynet/,/^$/{/    plane: control/d}" lab/inventory/network.yaml &&
	! grep -A2 "name: skynet" lab/inventory/network.yaml | grep -q "plane:" &&
	vosctl -C lab show >out 2>err &&
	test_grep "^skynet  Control Plane, 127.0.10.1" out &&
	test_no_grep "Plane plane" out &&
	test_grep "^deep-thought  data plane, " out
'

test_done
