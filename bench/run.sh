#!/usr/bin/env bash
# Whole-pipeline benchmark: builds gen snapshots of 1 M and 10 M orders
# (5,000 providers; cached in bench/cache), runs `disclose build` under
# /usr/bin/time -v, runs the DuckDB yardstick (../shared/bench/duckdb-peer)
# on the same snapshot in the same run, and prints one table. Each size is
# run BENCH_ROUNDS times (default 3), the build and the yardstick in turn;
# the table gives medians (the ratios: the median of each round's ratio, the
# build against the yardstick run beside it; peak memory: the largest), and
# the line under it each round's load+evaluate ÷ query. Each round builds
# into a folder of its own, and the folders are removed only once every
# round is measured: ext4 skips inodes freed in the last minutes when it
# allocates new ones, so creating a site's files right after removing
# another's is several times slower than on a quiet file system.
# usage: bench/run.sh [ORDERS...]   (default: 1000000 10000000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
((${#sizes[@]})) || sizes=(1000000 10000000)
peer=../shared/bench/duckdb-peer/run.sh
rounds=${BENCH_ROUNDS:-3}
mkdir -p bench/cache bench/cache/old
go build -o bench/cache/disclose ./cmd/disclose
for old in bench/cache/out-*; do if [ -e "$old" ]; then mv "$old" "bench/cache/old/${old##*/}.$$"; fi; done
rows=()
for n in "${sizes[@]}"; do
  snap=bench/cache/gen-5000-$n
  if [ ! -f "$snap/snapshot.json" ]; then
    rm -rf "$snap"
    bench/cache/disclose gen --out "$snap" --seed 1 --providers 5000 --orders "$n" >/dev/null
  fi
  rm -f bench/cache/*-"$n".r*.*
  for r in $(seq "$rounds"); do
    out=bench/cache/out-$n.r$r
    /usr/bin/time -v bench/cache/disclose build --snapshot "$snap" --out "$out" --quarantine bench/cache/q-$n.csv \
      --report bench/cache/report-$n.r$r.json --max-reject 5% --quiet --jobs 2 2> bench/cache/time-$n.r$r.txt
    if [ -f "$peer" ]; then
      /usr/bin/time -v bash "$peer" "$snap" > bench/cache/peer-$n.r$r.txt 2> bench/cache/peer-time-$n.r$r.txt
    fi
  done
  rows+=("$n")
done
trap 'rm -rf bench/cache/old' EXIT
/usr/bin/python3 - "$rounds" "${rows[@]}" <<'PY'
import json, os, re, statistics, sys

def timev(path):
    t = open(path).read()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", t)
    secs = int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    return secs, rss

def round_of(n, r):
    rep = json.load(open(f"bench/cache/report-{n}.r{r}.json"))
    t = rep["timings"]
    wall, rss = timev(f"bench/cache/time-{n}.r{r}.txt")
    x = dict(load=t["load_evaluate"], downloads=t["downloads"], site=t["site"], wall=wall, rss=rss,
             orders=rep["tables"]["orders"]["read"] / t["load_evaluate"])
    if os.path.exists(f"bench/cache/peer-{n}.r{r}.txt"):
        m = re.search(r"query_seconds ([\d.]+)", open(f"bench/cache/peer-{n}.r{r}.txt").read())
        if m:
            x["q"] = float(m.group(1))
            x["qs"], x["qmb"] = timev(f"bench/cache/peer-time-{n}.r{r}.txt")
            x["ratio"], x["total_ratio"] = x["load"] / x["q"], wall / x["qs"]
    return x

rounds = int(sys.argv[1])
print("| orders | load+evaluate s | downloads s | site s | total s | peak MB | pages/s | orders/s | yardstick query s | yardstick process s / MB | load+evaluate ÷ query | total ÷ yardstick |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
notes = []
for n in sys.argv[2:]:
    pages = sum(1 for d, _, fs in os.walk(f"bench/cache/out-{n}.r1") for f in fs if f.endswith(".html"))
    rs = [round_of(n, r) for r in range(1, rounds + 1)]
    for x in rs:
        x["pages"] = pages / x["site"]
    med = lambda k: statistics.median(x[k] for x in rs) if all(k in x for x in rs) else None
    fmt = lambda x, d=2: "—" if x is None else f"{x:.{d}f}"
    print(f"| {int(n):,} | {med('load'):.2f} | {med('downloads'):.2f} | {med('site'):.2f} | {med('wall'):.2f} | "
          f"{max(x['rss'] for x in rs):.0f} | {med('pages'):.0f} | {med('orders'):,.0f} | {fmt(med('q'))} | "
          f"{fmt(med('qs'))} / {fmt(med('qmb'), 0)} | {fmt(med('ratio'))} | {fmt(med('total_ratio'))} |")
    if med("ratio") is not None:
        notes.append(f"{int(n):,}: " + ", ".join(f"{x['ratio']:.2f}" for x in rs))
print()
print(f"Medians of {rounds} rounds (peak memory: the largest); load+evaluate ÷ query by round: " + "; ".join(notes) + ".")
PY
