#!/usr/bin/env python3
"""sidebyside.py - wall time of two commands, run interleaved (the same machine load for both).

usage: sidebyside.py RUNS -- CMD_A... -- CMD_B...

Runs A then B, RUNS times, output discarded; prints "MEDIAN_A MEDIAN_B MIN_A MIN_B" in seconds.
An exit status other than 0 or 1 (1: findings) of either command fails (exit 2).
"""
import statistics
import subprocess
import sys
import time


def run(cmd):
    t0 = time.perf_counter()
    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    t = time.perf_counter() - t0
    if rc not in (0, 1):
        sys.exit("sidebyside: %s exited %d" % (" ".join(cmd), rc))
    return t


def main():
    runs = int(sys.argv[1])
    rest = sys.argv[3:]
    k = rest.index("--")
    a, b = rest[:k], rest[k + 1:]
    ta, tb = [], []
    for _ in range(runs):
        ta.append(run(a))
        tb.append(run(b))
    print("%.4f %.4f %.4f %.4f" % (statistics.median(ta), statistics.median(tb), min(ta), min(tb)))


if __name__ == "__main__":
    main()
