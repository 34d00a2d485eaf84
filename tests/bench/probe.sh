#!/bin/sh
# tests/bench/probe.sh - vosctl probe against nmap -sT, side by side, on loopback listeners only
# (127.0.32.1-4). Prints one line per benchmark: "name: vosctl X s, nmap Y s, ratio Z".
# Environment: VOSCTL (the binary), SRC. Listeners live at most 120 s and are stopped on exit.
set -u
SRC=${SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
VOSCTL=${VOSCTL:-$SRC/build/vosctl}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vosctl-bench-probe.XXXXXX")
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

command -v nmap >/dev/null || { echo "probe bench: nmap missing (apt-get install nmap)" >&2; exit 2; }

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print('%.3f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }
ratio() { python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / max(float(sys.argv[2]), 1e-6)))" "$1" "$2"; }
# time1 CMD... : wall seconds of one run
time1() {
	t0=$(now); "$@" >/dev/null 2>&1; t1=$(now)
	elapsed "$t0" "$t1"
}
# verdict X LIMIT : "ok" or "MISSED" (ratios are reported; wall-clock noise on a loaded machine
# does not fail the run, wrong results and the hang bound do)
verdict() { python3 -c "import sys; print('ok' if float(sys.argv[1]) <= float(sys.argv[2]) else 'MISSED')" "$1" "$2"; }
min2() { python3 -c "import sys; print(min(sys.argv[1:], key=float))" "$@"; }
# side_by_side N -- VOSCTL_ARGS... -- NMAP_ARGS... : interleaved runs (the same machine load for
# both), the fastest of N each; sets v and n
side_by_side() {
	runs=$1; shift 2
	va=""; while [ "$1" != "--" ]; do va="$va $1"; shift; done; shift
	v=""; n=""
	i=0
	while [ $i -lt "$runs" ]; do
		a=$(time1 "$VOSCTL" $va); b=$(time1 nmap "$@")
		v=$(min2 $a ${v:-$a}); n=$(min2 $b ${n:-$b})
		i=$((i + 1))
	done
}

mkdir -p "$WORK/lab/inventory"
cd "$WORK/lab" || exit 2
printf 'page: services.md\ninventory: inventory\nprobe:\n  scope: [127.0.32.0/24]\n' >vosctl.yaml
cat >services.md <<'EOF'
# Bench Lab

## Data Plane

### b1 (Open)

| Service | IP | Purpose |
|---------|-----|---------|
| Open1000 | 127.0.32.1 | 1000 open ports |

### b2 (Hang)

| Service | IP | Purpose |
|---------|-----|---------|
| Hang200 | 127.0.32.2 | 200 hanging endpoints |

### b3 (Scan)

| Service | IP | Purpose |
|---------|-----|---------|
| Scanned | 127.0.32.3 | one declared port |

### b4 (Many)

| Service | IP | Purpose |
|---------|-----|---------|
| Many | 127.0.32.4 | 5000 targets |
EOF
cat >inventory/bench.yaml <<'EOF'
hosts:
  - {name: b1, plane: data, address: 127.0.32.1}
  - {name: b2, plane: data, address: 127.0.32.2}
  - {name: b3, plane: data, address: 127.0.32.3}
  - {name: b4, plane: data, address: 127.0.32.4}
services:
  - {id: open1000, name: Open1000, host: b1, class: bench, ports: [{port: "30000-30999"}]}
  - {id: hang200, name: Hang200, host: b2, class: bench, ports: [{port: "31000-31199", check: http}]}
  - {id: scanned, name: Scanned, host: b3, class: bench, ports: [{port: 32000}]}
  - {id: many, name: Many, host: b4, class: bench, ports: [{port: "40000-44999"}]}
EOF

python3 "$SRC/tests/tools/listen.py" --lifetime 120 --ready "$WORK/ready" \
	tcp:127.0.32.1:30000-30999 hang:127.0.32.2:31000-31199 tcp:127.0.32.3:32000-32001 \
	tcp:127.0.32.3:45678 tcp:127.0.32.4:40000-40999 >"$WORK/listen.log" 2>&1 &
PIDS="$PIDS $!"
i=0
while [ ! -f "$WORK/ready" ]; do
	i=$((i + 1))
	[ $i -gt 300 ] && { echo "probe bench: listeners did not start" >&2; cat "$WORK/listen.log" >&2; exit 2; }
	sleep 0.1
done

fail=0

# 1. 1,000 open loopback ports
"$VOSCTL" probe --host b1 --format json --no-save >open.json
up=$(python3 -c 'import json; d=json.load(open("open.json")); print(d["summary"]["up"])')
side_by_side 7 -- probe --host b1 --format json --no-save -- -sT -Pn -n -p 30000-30999 127.0.32.1
r=$(ratio "$v" "$n")
echo "open-1000: vosctl $v s, nmap $n s, ratio $r (target <= 1.0: $(verdict "$r" 1.0); up $up/1000)"
[ "$up" = 1000 ] || fail=1

# 2. 200 endpoints that accept and hang, --timeout 1000
t0=$(now)
"$VOSCTL" probe --host b2 --timeout 1000 --format json --no-save >hang.json
t1=$(now)
v=$(elapsed "$t0" "$t1")
to=$(python3 -c 'import json; d=json.load(open("hang.json")); print(d["summary"]["timeout"])')
n=$(time1 nmap -sT -Pn -n -p 31000-31199 127.0.32.2)
r=$(ratio "$v" "$n")
echo "hang-200-timeout-1000: vosctl $v s, nmap $n s, ratio $r (target <= 1.3 s: $(verdict "$v" 1.3); timeouts $to/200)"
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 1.3 else 1)" "$v" || fail=1
[ "$to" = 200 ] || fail=1

# 3. --scan 1-65535 of one loopback host
"$VOSCTL" probe --host b3 --scan 1-65535 --format json --no-save >scan.json
und=$(python3 -c 'import json; d=json.load(open("scan.json")); print(",".join(str(x["port"]) for x in d["undeclared"]))')
side_by_side 3 -- probe --host b3 --scan 1-65535 --format json --no-save -- -sT -Pn -n -p- 127.0.32.3
r=$(ratio "$v" "$n")
echo "scan-65535: vosctl $v s, nmap $n s, ratio $r (target <= 1.0: $(verdict "$r" 1.0); undeclared open: $und)"
case ",$und," in *,32001,*) ;; *) fail=1 ;; esac

# 4. 5,000 targets under ulimit -n 256 (1,000 open, 4,000 closed)
t0=$(now)
sh -c 'ulimit -n 256 && exec "$0" probe --host b4 --format json --no-save' "$VOSCTL" >many.json 2>many.err
rc=$?
t1=$(now)
v=$(elapsed "$t0" "$t1")
sum=$(python3 -c 'import json; d=json.load(open("many.json")); s=d["summary"]; print("up %d down %d timeout %d error %d" % (s["up"], s["down"], s["timeout"], s["error"]))')
emfile=$(grep -c -i "too many open files" many.json many.err | awk -F: '{s+=$2} END {print s+0}')
echo "fd-5000-ulimit-256: vosctl $v s, nmap - s, ratio - ($sum, exit $rc, EMFILE mentions $emfile)"
[ "$sum" = "up 1000 down 4000 timeout 0 error 0" ] && [ "$emfile" = 0 ] || fail=1

exit $fail
