#!/usr/bin/env bash
# Whole-pipeline benchmark: builds gen snapshots (5,000 providers; cached in
# bench/cache) of 1 M and 10 M orders in gen's own layout and of 10 M orders
# in two more layouts, runs `disclose build` under /usr/bin/time -v, runs
# the DuckDB yardstick (../shared/bench/duckdb-peer) on the same snapshot in
# the same run, and prints one table. The layouts: zstd (gen's own: one
# file a table, Zstandard, 1 Mi rows a row group), spark (as Spark and
# pyarrow write a warehouse table: Snappy, orders in 15 monthly hive
# folders orders/month=YYYY-MM/ of about 12 row groups each, money as
# FIXED_LEN_BYTE_ARRAY) and none (gen's own, uncompressed). Each size is
# run BENCH_ROUNDS times (default 3), the build and the yardstick in turn;
# the table gives medians (the ratios: the median of each round's ratio, the
# build against the yardstick run beside it; peak memory: the largest; per
# stage, seconds and the peak memory by the stage's end), and the line under
# it each round's load+evaluate ÷ query. Each round builds into a folder of
# its own, and the folders are removed only once every round is measured:
# ext4 skips inodes freed in the last minutes when it allocates new ones, so
# creating a site's files right after removing another's is several times
# slower than on a quiet file system. BENCH_100M=1 adds 100 M orders (about
# 3 GB of snapshot, made once).
# usage: bench/run.sh [ORDERS[:LAYOUT]...]
#   (default: 1000000 10000000 10000000:spark 10000000:none)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
if ((${#sizes[@]} == 0)); then
  sizes=(1000000 10000000 10000000:spark 10000000:none)
  if [ "${BENCH_100M:-}" = 1 ]; then sizes+=(100000000); fi
fi
peer=../shared/bench/duckdb-peer/run.sh
rounds=${BENCH_ROUNDS:-3}
mkdir -p bench/cache bench/cache/old
go build -o bench/cache/disclose ./cmd/disclose
for old in bench/cache/out-*; do if [ -e "$old" ]; then mv "$old" "bench/cache/old/${old##*/}.$$"; fi; done
rows=()
for s in "${sizes[@]}"; do
  o=${s%%:*} layout=zstd
  if [ "$s" != "$o" ]; then layout=${s#*:}; fi
  case $layout in
    zstd) snap=bench/cache/gen-5000-$o flags=() ;;
    # 15 months of orders, about 12 row groups each
    spark) snap=bench/cache/gen-5000-$o-spark flags=(--compression snappy --partition month --row-group-rows $((o / 15 / 12 + 1))) ;;
    none) snap=bench/cache/gen-5000-$o-none flags=(--compression none) ;;
    *) echo "bench/run.sh: unknown layout $layout (want zstd, spark or none)" >&2; exit 2 ;;
  esac
  n=$o-$layout
  if [ ! -f "$snap/snapshot.json" ]; then
    rm -rf "$snap"
    bench/cache/disclose gen --out "$snap" --seed 1 --providers 5000 --orders "$o" "${flags[@]}" >/dev/null
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
    mem = rep.get("peak_memory_mib", {})
    x = dict(load=t["load_evaluate"], downloads=t["downloads"], site=t["site"], wall=wall, rss=rss,
             mload=mem.get("load_evaluate", 0), mdownloads=mem.get("downloads", 0), msite=mem.get("site", 0),
             orders=rep["tables"]["orders"]["read"] / t["load_evaluate"])
    if os.path.exists(f"bench/cache/peer-{n}.r{r}.txt"):
        m = re.search(r"query_seconds ([\d.]+)", open(f"bench/cache/peer-{n}.r{r}.txt").read())
        if m:
            x["q"] = float(m.group(1))
            x["qs"], x["qmb"] = timev(f"bench/cache/peer-time-{n}.r{r}.txt")
            x["ratio"], x["total_ratio"] = x["load"] / x["q"], wall / x["qs"]
    return x

rounds = int(sys.argv[1])
print("| orders | layout | load+evaluate s / MiB | downloads s / MiB | site s / MiB | total s | peak MiB | pages/s | orders/s | yardstick query s | yardstick process s / MiB | load+evaluate ÷ query | total ÷ yardstick |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
notes = []
for n in sys.argv[2:]:
    pages = sum(1 for d, _, fs in os.walk(f"bench/cache/out-{n}.r1") for f in fs if f.endswith(".html"))
    rs = [round_of(n, r) for r in range(1, rounds + 1)]
    for x in rs:
        x["pages"] = pages / x["site"]
    med = lambda k: statistics.median(x[k] for x in rs) if all(k in x for x in rs) else None
    fmt = lambda x, d=2: "—" if x is None else f"{x:.{d}f}"
    o, layout = n.split("-")
    peak = lambda k: max(x[k] for x in rs)
    print(f"| {int(o):,} | {layout} | {med('load'):.2f} / {peak('mload'):.0f} | {med('downloads'):.2f} / {peak('mdownloads'):.0f} | "
          f"{med('site'):.2f} / {peak('msite'):.0f} | {med('wall'):.2f} | "
          f"{max(x['rss'] for x in rs):.0f} | {med('pages'):.0f} | {med('orders'):,.0f} | {fmt(med('q'))} | "
          f"{fmt(med('qs'))} / {fmt(med('qmb'), 0)} | {fmt(med('ratio'))} | {fmt(med('total_ratio'))} |")
    if med("ratio") is not None:
        notes.append(f"{int(o):,} {layout}: " + ", ".join(f"{x['ratio']:.2f}" for x in rs))
print()
load = open("/proc/loadavg").read().split()[:3]
print(f"Medians of {rounds} rounds (peak memory: the largest); load+evaluate ÷ query by round: " + "; ".join(notes) +
      f". Load average at the end: {' '.join(load)}.")
PY
