#!/usr/bin/env bash
# Whole-pipeline benchmark: builds gen snapshots of 1 M and 10 M orders
# (5,000 providers; cached in bench/cache), runs `disclose build` under
# /usr/bin/time -v, runs the DuckDB yardstick (../shared/bench/duckdb-peer)
# on the same snapshot in the same run, and prints one table.
# usage: bench/run.sh [ORDERS...]   (default: 1000000 10000000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
((${#sizes[@]})) || sizes=(1000000 10000000)
peer=../shared/bench/duckdb-peer/run.sh
mkdir -p bench/cache
go build -o bench/cache/disclose ./cmd/disclose
rows=()
for n in "${sizes[@]}"; do
  snap=bench/cache/gen-5000-$n
  if [ ! -f "$snap/snapshot.json" ]; then
    rm -rf "$snap"
    bench/cache/disclose gen --out "$snap" --seed 1 --providers 5000 --orders "$n" >/dev/null
  fi
  out=bench/cache/out-$n
  rm -rf "$out"
  /usr/bin/time -v bench/cache/disclose build --snapshot "$snap" --out "$out" --quarantine bench/cache/q-$n.csv \
    --report bench/cache/report-$n.json --max-reject 5% --quiet --jobs 2 2> bench/cache/time-$n.txt
  if [ -x "$peer" ] || [ -f "$peer" ]; then
    /usr/bin/time -v bash "$peer" "$snap" > bench/cache/peer-$n.txt 2> bench/cache/peer-time-$n.txt
  fi
  rows+=("$n")
done
/usr/bin/python3 - "${rows[@]}" <<'PY'
import json, os, re, sys

def timev(path):
    t = open(path).read()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", t)
    secs = int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    return secs, rss

print("| orders | load+evaluate s | downloads s | site s | total s | peak MB | pages/s | orders/s | yardstick query s | yardstick process s / MB | load+evaluate ÷ query | total ÷ yardstick |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for n in sys.argv[1:]:
    rep = json.load(open(f"bench/cache/report-{n}.json"))
    t = rep["timings"]
    wall, rss = timev(f"bench/cache/time-{n}.txt")
    pages = sum(1 for d, _, fs in os.walk(f"bench/cache/out-{n}") for f in fs if f.endswith(".html"))
    orders = rep["tables"]["orders"]["read"]
    q = qs = qmb = None
    if os.path.exists(f"bench/cache/peer-{n}.txt"):
        m = re.search(r"query_seconds ([\d.]+)", open(f"bench/cache/peer-{n}.txt").read())
        q = float(m.group(1)) if m else None
        qs, qmb = timev(f"bench/cache/peer-time-{n}.txt")
    fmt = lambda x, d=2: "—" if x is None else f"{x:.{d}f}"
    print(f"| {int(n):,} | {t['load_evaluate']:.2f} | {t['downloads']:.2f} | {t['site']:.2f} | {wall:.2f} | {rss:.0f} | "
          f"{pages / t['site']:.0f} | {orders / t['load_evaluate']:,.0f} | {fmt(q)} | {fmt(qs)} / {fmt(qmb, 0)} | "
          f"{fmt(t['load_evaluate'] / q if q else None)} | {fmt(wall / qs if qs else None)} |")
PY
