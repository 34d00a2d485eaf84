#!/bin/sh
# tests/bench/export.sh - Prometheus loading what `vosctl export prometheus` wrote for the synthetic
# lab (genshape.py, EXPORT_BENCH_N services, default 100000): the export's time and size, then
# Debian's prometheus, started in a private network namespace (only loopback; its scrapes go to a
# closed port on 127.0.0.1 every hour, so nothing is probed), and the time until its own metrics
# say the file_sd file's targets are discovered (prometheus_sd_discovered_targets) and in the
# scrape pool (prometheus_target_scrape_pool_targets), with its resident memory then.
# Environment: VOSCTL, SRC, BENCH_DIR (where run.sh keeps its labs), EXPORT_BENCH_N.
# Skips (exit 0) without prometheus, curl or a network namespace (not root).
set -u
SRC=${SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
VOSCTL=${VOSCTL:-$SRC/$BUILD/vosctl}
DIR=${BENCH_DIR:-$SRC/$BUILD/bench}
N=${EXPORT_BENCH_N:-100000}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vosctl-bench-export.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'exit 1' INT TERM

for p in prometheus curl python3 unshare; do
	command -v $p >/dev/null || { echo "export bench: skipped ($p missing)"; exit 0; }
done
unshare -n true 2>/dev/null || { echo "export bench: skipped (no network namespace: not root)"; exit 0; }

case $N in *000) lab=$DIR/genshape-$((N / 1000))k ;; *) lab=$DIR/genshape-$N ;; esac # run.sh's name
if [ ! -f "$lab/vosctl.yaml" ]; then
	mkdir -p "$DIR" && python3 "$SRC/tests/bench/genshape.py" "$N" "$lab" >/dev/null ||
		{ echo "export bench: genshape.py failed" >&2; exit 2; }
fi

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }

t0=$(now)
"$VOSCTL" -C "$lab" export prometheus -q --output "$WORK/prom" --exporter 127.0.0.1:1 --interval 3600 \
	--targets-path "$WORK/prom/vosctl-targets.json" || { echo "export bench: export failed" >&2; exit 1; }
t1=$(now)
count=$(python3 -c "import json, sys; print(sum(len(g['targets']) for g in json.load(open(sys.argv[1]))))" \
	"$WORK/prom/vosctl-targets.json")
bytes=$(wc -c <"$WORK/prom/vosctl-targets.json")
echo "export prometheus --output ($N services): $(elapsed "$t0" "$t1") s, $count targets, targets file $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MiB"

{ printf 'global:\n  scrape_interval: 1h\n' && cat "$WORK/prom/prometheus-scrape.yml"; } >"$WORK/prometheus.yml"
port=19090
# inside the namespace: start prometheus, poll its own /metrics until both counts reach $count
# (at most 300 s), print the seconds and its VmRSS, stop it
unshare -n sh -c '
	ip link set lo up 2>/dev/null
	work=$1; port=$2; count=$3
	prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
		--web.listen-address=127.0.0.1:$port --log.level=warn >"$work/prom.log" 2>&1 &
	pid=$!
	t0=$(date +%s.%N); sd=""; pool=""
	while :; do
		m=$(curl -s --max-time 5 "http://127.0.0.1:$port/metrics" || true)
		d=$(printf "%s\n" "$m" | awk "/^prometheus_sd_discovered_targets\\{.*vosctl-blackbox/ { print \$2 }")
		p=$(printf "%s\n" "$m" | awk "/^prometheus_target_scrape_pool_targets\\{.*vosctl-blackbox/ { print \$2 }")
		now=$(date +%s.%N)
		[ -z "$sd" ] && [ "${d:-0}" = "$count" ] && sd=$(python3 -c "import sys; print(\"%.2f\" % (float(sys.argv[2]) - float(sys.argv[1])))" "$t0" "$now")
		[ -z "$pool" ] && [ "${p:-0}" = "$count" ] && pool=$(python3 -c "import sys; print(\"%.2f\" % (float(sys.argv[2]) - float(sys.argv[1])))" "$t0" "$now")
		[ -n "$sd" ] && [ -n "$pool" ] && break
		if python3 -c "import sys; sys.exit(float(sys.argv[2]) - float(sys.argv[1]) < 300)" "$t0" "$now"; then
			echo "prometheus: not all $count targets after 300 s (discovered ${d:-?}, pool ${p:-?})"
			kill $pid; wait $pid 2>/dev/null; exit 1
		fi
		kill -0 $pid 2>/dev/null || { echo "prometheus exited:"; tail -n 5 "$work/prom.log"; exit 1; }
		sleep 0.2
	done
	rss=$(awk "/^VmRSS/ { printf \"%.0f\", \$2 / 1024 }" /proc/$pid/status)
	echo "prometheus $(prometheus --version 2>&1 | head -n 1 | cut -d" " -f3) loading it: discovered $count targets in $sd s, in the scrape pool in $pool s (from start, web API up included), RSS $rss MiB"
	kill $pid; wait $pid 2>/dev/null
	exit 0
' sh "$WORK" "$port" "$count"
