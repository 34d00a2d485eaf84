#!/bin/sh
# t2600: evidence from how a service is launched (seed 001's ExecStart lines, seed 002's VLAN rule):
# a port launch.exec names that no declared port covers is launch-port-mismatch at the exec line; a
# service bound to every interface on a host of a VLAN it must not be exposed on is bind-exposed.
. "$(dirname "$0")/../lib.sh"

setup_ai() {
	rm -rf lab && cp -R "$SRC/examples/ai-lab" lab
}
setup_seed() {
	rm -rf lab && mkdir lab && cp "$SRC/vosctl.yaml" lab/ && cp -r "$SRC/inventory" lab/
}

test_expect_success 'the example labs have no evidence findings' '
	setup_seed && vosctl -C lab validate >out 2>err &&
	test_no_grep "launch-port-mismatch\|bind-exposed" out &&
	setup_ai && vosctl -C lab validate >out 2>err &&
	test_no_grep "launch-port-mismatch\|bind-exposed" out
'

test_expect_success 'seed 001 as run: --port 9000 in launch.exec but port 9001 declared' '
	setup_seed &&
	line=$(grep -n "exec: .*uvicorn main:app --host 0.0.0.0 --port 9000" lab/inventory/services-compute.yaml | cut -d: -f1) &&
	test -n "$line" &&
	sed -i "0,/{port: 9000/s//{port: 9001/" lab/inventory/services-compute.yaml &&
	test "$(grep -n "{port: 9001" lab/inventory/services-compute.yaml | cut -d: -f1)" -lt "$line" &&
	test_expect_code 1 vosctl -C lab validate >out 2>err &&
	test_grep "^inventory/services-compute.yaml:$line:[0-9]*: error: \[launch-port-mismatch\] service .[a-z-]*. is launched on port 9000 (launch.exec) but declares port 9001" out
'

test_expect_success 'OLLAMA_HOST=ADDR:11435 in launch.exec differs from the declared 11434' '
	setup_ai &&
	sed -i "s#exec: /usr/local/bin/ollama serve#exec: OLLAMA_HOST=127.0.60.10:11435 /usr/local/bin/ollama serve#" lab/inventory/services.yaml &&
	test_expect_code 1 vosctl -C lab validate >out 2>err &&
	test_grep "^inventory/services.yaml:32:13: error: \[launch-port-mismatch\] service .ollama. is launched on port 11435 (launch.exec) but declares port 11434" out &&
	test_grep "^inventory/services.yaml:25:9: note: see also" out
'

for form in "--port=4000" "-p 4000:8080" "--listen :4000" "--bind 127.0.60.10:4000" "APP_PORT=4000"; do
	export form
	test_expect_success "launch.exec '$form' names port 4000" '
		setup_ai &&
		sed -i "s#exec: /usr/local/bin/ollama serve#exec: /usr/local/bin/ollama serve $form#" lab/inventory/services.yaml &&
		test_expect_code 1 vosctl -C lab validate >out 2>err &&
		test_grep "error: \[launch-port-mismatch\] service .ollama. is launched on port 4000" out
	'
done

test_expect_success 'a launch.exec naming the declared port is no finding' '
	setup_ai &&
	sed -i "s#exec: /usr/local/bin/ollama serve#exec: OLLAMA_HOST=127.0.60.10:11434 /usr/local/bin/ollama serve --port 11434#" lab/inventory/services.yaml &&
	vosctl -C lab validate >out 2>err &&
	test_no_grep "launch-port-mismatch" out
'

test_expect_success 'seed 002: an AI service bound to 0.0.0.0 on a USER VLAN host is bind-exposed' '
	setup_ai &&
	sed -i "0,/vlan: servers/s//vlan: user/" lab/inventory/network.yaml &&
	sed -i "s/address: 127.0.60.10$/address: 127.0.61.10/" lab/inventory/network.yaml &&
	sed -i "s#exec: /usr/local/bin/ollama serve#exec: OLLAMA_HOST=0.0.0.0:11434 /usr/local/bin/ollama serve#" lab/inventory/services.yaml &&
	test_expect_code 1 vosctl -C lab validate >out 2>err &&
	test_grep "^inventory/services.yaml:32:13: error: \[bind-exposed\] service .ollama. binds 0.0.0.0 (launch.exec) on host .prometheus., which is on VLAN .user.: every address of the host serves it, and rule .ai-not-on-user-or-guest. says it must not be exposed on .user." out &&
	test_grep "inventory/rules.yaml:10:5: note: see also" out
'

test_expect_success 'bound to one address, or on a SERVERS host: no bind-exposed' '
	setup_ai &&
	sed -i "s#exec: /usr/local/bin/ollama serve#exec: OLLAMA_HOST=0.0.0.0:11434 /usr/local/bin/ollama serve#" lab/inventory/services.yaml &&
	vosctl -C lab validate >out 2>err &&
	test_no_grep "bind-exposed" out &&
	sed -i "0,/vlan: servers/s//vlan: user/" lab/inventory/network.yaml &&
	sed -i "s/address: 127.0.60.10$/address: 127.0.61.10/" lab/inventory/network.yaml &&
	sed -i "s#OLLAMA_HOST=0.0.0.0:11434#OLLAMA_HOST=127.0.61.10:11434#" lab/inventory/services.yaml &&
	vosctl -C lab validate >out 2>err
	test_no_grep "bind-exposed" out
'

test_expect_success '--host :: is every interface too' '
	setup_ai &&
	sed -i "0,/vlan: servers/s//vlan: guest/" lab/inventory/network.yaml &&
	sed -i "s/address: 127.0.60.10$/address: 127.0.62.10/" lab/inventory/network.yaml &&
	sed -i "s#exec: /usr/local/bin/ollama serve#exec: \"/usr/local/bin/ollama serve --host ::\"#" lab/inventory/services.yaml &&
	test_expect_code 1 vosctl -C lab validate >out 2>err &&
	test_grep "error: \[bind-exposed\] service .ollama. binds :: (launch.exec) on host .prometheus., which is on VLAN .guest." out
'

test_done
