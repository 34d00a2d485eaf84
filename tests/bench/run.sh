#!/bin/sh
# tests/bench/run.sh - the validate benchmark (`make bench`).
# Two lab shapes: genlab.py (one anchor-free file per 5,000 services, 25 services a host) and
# genshape.py (hosts of 40 services, 8 files, launch/logs through anchors and aliases, merge keys,
# dependency lists, placeholders in 30% of the rows). For each shape and 1k, 10k and 100k services:
# generate the lab, time `vosctl validate` against the floor (a bare libyaml event parse + cmark-gfm
# table parse of the same files) side by side, median of 3 runs of each, wall and CPU (user+sys)
# time, peak RSS from /usr/bin/time against the input's size. Prints one line per figure and the
# targets, then runs tests/bench/probe.sh and tests/bench/publish.sh when they exist.
# Environment: VOSCTL, FLOOR (binaries), BUILD, BENCH_SIZES (default "1000 10000 100000"),
#              BENCH_SHAPES (default "genlab genshape"), BENCH_RUNS (default 3),
#              BENCH_DIR (scratch, default $BUILD/bench).
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
VOSCTL=${VOSCTL:-$SRC/$BUILD/vosctl}
FLOOR=${FLOOR:-$SRC/$BUILD/floor}
SIZES=${BENCH_SIZES:-1000 10000 100000}
SHAPES=${BENCH_SHAPES:-genlab genshape}
RUNS=${BENCH_RUNS:-3}
DIR=${BENCH_DIR:-$SRC/$BUILD/bench}
TIME=/usr/bin/time
fail=0

for b in "$VOSCTL" "$FLOOR"; do
	[ -x "$b" ] || { echo "bench: missing $b (run make bench)" >&2; exit 2; }
done
[ -x "$TIME" ] || { echo "bench: $TIME not found (apt-get install time)" >&2; exit 2; }
mkdir -p "$DIR" || exit 2

label() { # 1000 -> 1k
	case $1 in *000) echo "$(( $1 / 1000 ))k" ;; *) echo "$1" ;; esac
}

# measure NAME CMD... : runs CMD $RUNS times; sets med_s (median wall seconds), med_cpu (median
# user+sys seconds: steadier on a busy machine), max_kb (peak RSS), rc
measure() {
	name=$1; shift
	: >"$DIR/$name.times"; : >"$DIR/$name.cpu"
	max_kb=0; rc=0
	i=0
	while [ $i -lt "$RUNS" ]; do
		$TIME -f "%e %M %U %S" -o "$DIR/$name.t" "$@" >"$DIR/$name.out" 2>"$DIR/$name.err"
		r=$?
		[ $r -ne 0 ] && rc=$r
		# /usr/bin/time prefixes "Command exited with non-zero status N" on failure
		last=$(tail -n 1 "$DIR/$name.t")
		secs=$(echo "$last" | awk '{print $1}'); kb=$(echo "$last" | awk '{print $2}')
		echo "$last" | awk '{printf "%.2f\n", $3 + $4}' >>"$DIR/$name.cpu"
		echo "$secs" >>"$DIR/$name.times"
		[ "$kb" -gt "$max_kb" ] && max_kb=$kb
		i=$((i + 1))
	done
	med_s=$(sort -n "$DIR/$name.times" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	med_cpu=$(sort -n "$DIR/$name.cpu" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) b = 0.005; printf "%.2f", a / b }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }

echo "# validate benchmark: $(nproc) cores, runs=$RUNS (median), vosctl=$VOSCTL"
for shape in $SHAPES; do
gen=$SRC/tests/bench/$shape.py
[ -f "$gen" ] || { echo "bench: no generator $gen" >&2; exit 2; }
# the targets per shape: wall and CPU ratios at 10k and 100k, peak RSS per input byte at 100k
case $shape in
genlab) prefix=lab; tag=""; wall_max=1.5; wall_at=10000; cpu_max=""; rss_max=5 ;;
*) prefix=$shape; tag=" [$shape]"; wall_max=1.3; wall_at="10000 100000"; cpu_max=1.5; rss_max=4 ;;
esac
echo "# shape $shape.py"
stamp=$(cksum <"$gen")
prev_s=""; prev_n=""
for n in $SIZES; do
	l=$(label "$n")
	lab=$DIR/$prefix-$l
	# a lab is regenerated when its generator changed
	if [ ! -f "$lab/.done" ] || [ "$(cat "$lab/.done")" != "$stamp" ]; then
		rm -rf "$lab"
		python3 "$gen" "$n" "$lab" || { echo "bench: $shape.py failed" >&2; exit 2; }
		echo "$stamp" >"$lab/.done"
	fi
	bytes=$(cat "$lab/services.md" "$lab"/inventory/*.yaml | wc -c)

	measure "floor-$prefix-$l" "$FLOOR" "$lab/services.md" "$lab/inventory"
	floor_s=$med_s; floor_kb=$max_kb; floor_cpu=$med_cpu
	if [ $rc -ne 0 ]; then echo "bench: floor failed on $l$tag:"; head -n 5 "$DIR/floor-$prefix-$l.err"; fail=1; fi

	measure "vosctl-$prefix-$l" "$VOSCTL" -C "$lab" validate -q
	vos_s=$med_s; vos_kb=$max_kb; vos_cpu=$med_cpu
	if [ $rc -ne 0 ]; then
		echo "bench: vosctl validate exited $rc on $l$tag (the synthetic lab must validate clean):"
		head -n 5 "$DIR/vosctl-$prefix-$l.out" "$DIR/vosctl-$prefix-$l.err"
		fail=1
	fi

	r=$(ratio "$vos_s" "$floor_s")
	line="validate $l$tag: vosctl $vos_s s, floor $floor_s s, ratio $r"
	case " $wall_at " in *" $n "*)
		line="$line (target ≤ $wall_max)"
		le "$r" "$wall_max" || { line="$line MISSED"; fail=1; } ;;
	esac
	echo "$line"
	r=$(ratio "$vos_cpu" "$floor_cpu")
	line="cpu time $l$tag: vosctl $vos_cpu s, floor $floor_cpu s, ratio $r (user+sys; load $(cut -d" " -f1 /proc/loadavg))"
	if [ -n "$cpu_max" ] && [ "$n" -ge 10000 ]; then
		line="$line (target ≤ $cpu_max)"
		le "$r" "$cpu_max" || { line="$line MISSED"; fail=1; }
	fi
	echo "$line"

	rss_mb=$(awk -v k="$vos_kb" 'BEGIN { printf "%.1f", k / 1024 }')
	in_mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
	rr=$(awk -v k="$vos_kb" -v b="$bytes" 'BEGIN { printf "%.2f", k * 1024 / b }')
	line="peak RSS $l$tag: vosctl $rss_mb MiB, floor $(awk -v k="$floor_kb" 'BEGIN { printf "%.1f", k / 1024 }') MiB, input $in_mb MiB, ratio $rr"
	# the target is for large labs: at 1k the process's fixed ~10 MiB (libraries) dominates
	if [ "$n" -ge 100000 ]; then
		line="$line (target ≤ $rss_max)"
		le "$rr" "$rss_max" || { line="$line MISSED"; fail=1; }
	fi
	echo "$line"

	# export prometheus against validate of the same lab (issue 14: ≤ 1.2x, on CPU time: the
	# steadier figure on a shared machine, at 100k: at 10k both are a few 0.01 s ticks of
	# /usr/bin/time); the file_sd targets are the big part
	measure "export-$prefix-$l" "$VOSCTL" -C "$lab" export prometheus --part targets -q
	exp_s=$med_s; exp_cpu=$med_cpu; exp_kb=$max_kb
	if [ $rc -ne 0 ]; then
		echo "bench: vosctl export prometheus exited $rc on $l$tag:"; head -n 5 "$DIR/export-$prefix-$l.err"; fail=1
	fi
	exp_mb=$(awk -v b="$(wc -c <"$DIR/export-$prefix-$l.out")" 'BEGIN { printf "%.1f", b / 1048576 }')
	line="export prometheus $l$tag: $exp_s s, cpu $exp_cpu s, validate $vos_s s, cpu $vos_cpu s, ratio $(ratio "$exp_s" "$vos_s") wall, $(ratio "$exp_cpu" "$vos_cpu") cpu"
	if [ "$n" -ge 100000 ]; then
		line="$line (target cpu ≤ 1.2)"
		le "$(ratio "$exp_cpu" "$vos_cpu")" 1.2 || { line="$line MISSED"; fail=1; }
	fi
	echo "$line; targets file $exp_mb MiB, peak RSS $(awk -v k="$exp_kb" 'BEGIN { printf "%.1f", k / 1024 }') MiB"

	if [ "$prev_n" = 10000 ] && [ "$n" = 100000 ]; then
		g=$(ratio "$vos_s" "$prev_s")
		line="scaling 10k -> 100k$tag: vosctl $prev_s s -> $vos_s s, ratio $g (target ≤ 12)"
		le "$g" 12 || { line="$line MISSED"; fail=1; }
		echo "$line"
	fi
	prev_s=$vos_s; prev_n=$n
done
done

for extra in probe publish export; do
	if [ -f "$SRC/tests/bench/$extra.sh" ]; then
		echo "# tests/bench/$extra.sh"
		BUILD=$BUILD VOSCTL=$VOSCTL sh "$SRC/tests/bench/$extra.sh" || fail=1
	fi
done
[ "$fail" = 0 ] && echo "bench: all targets met" || echo "bench: some targets missed"
exit $fail
