#!/usr/bin/env bash
# The site at marketplace scale: builds gen snapshots of 5,000 and 50,000
# providers (and 100,000 with BENCH_SITE_100K=1), with 1 M orders and, at
# 50,000 providers, 10 M as well, each under /usr/bin/time -v, and prints
# one table: time per stage, peak memory, pages per second, the site's
# files and bytes, its largest page and script, the bytes the first search
# fetches in Chromium, and a second night (as-of one day later, the first
# night's site live) with the files it uploads and the time it took. Per
# stage: seconds and the peak memory by the stage's end (a high-water mark).
# Snapshots are cached in bench/cache (gen-P-O); outputs are removed at the
# end (see bench/run.sh for why not before).
# usage: bench/site.sh [PROVIDERS:ORDERS...]   (default: 5000:1000000 50000:1000000 50000:10000000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
if ((${#sizes[@]} == 0)); then
  sizes=(5000:1000000 50000:1000000 50000:10000000)
  if [ "${BENCH_SITE_100K:-}" = 1 ]; then sizes+=(100000:1000000); fi
fi
mkdir -p bench/cache
go build -o bench/cache/disclose ./cmd/disclose
go test -c -o bench/cache/disclose.test ./cmd/disclose
work=$(mktemp -d bench/cache/site.XXXXXX)
trap 'rm -rf "$work"' EXIT
# A step that fails says which, with what the build wrote (its stderr is
# kept beside its timings, in $work, which the exit removes).
trap 'echo "bench/site.sh: line $LINENO failed: $BASH_COMMAND" >&2; tail -n 5 "$work"/r*/time.txt 2>/dev/null >&2' ERR
rows=()
for s in "${sizes[@]}"; do
  p=${s%%:*} o=${s##*:}
  snap=bench/cache/gen-$p-$o
  if [ ! -f "$snap/snapshot.json" ]; then
    rm -rf "$snap"
    bench/cache/disclose gen --out "$snap" --seed 1 --providers "$p" --orders "$o" >/dev/null
  fi
  out=$work/out-$p-$o state=$work/state-$p-$o
  for n in 1 2; do
    asof=2025-06-30 extra=(--new-ledger)
    if [ "$n" = 2 ]; then asof=2025-07-01 extra=(); fi
    mkdir -p "$work/r$n-$p-$o"
    /usr/bin/time -v bench/cache/disclose build --snapshot "$snap" --out "$out" --state "$state" --as-of "$asof" \
      --quarantine "$work/q.csv" --report "$work/r$n-$p-$o/report.json" --max-reject 5% --quiet --jobs 2 "${extra[@]}" \
      2> "$work/r$n-$p-$o/time.txt"
    if [ "$n" = 1 ]; then
      # The first search, in Chromium, on the first night's site.
      (cd cmd/disclose && ../../bench/cache/disclose.test -test.run '^TestFirstSearch$' -search-site "$(realpath "../../$out")") \
        > "$work/r1-$p-$o/search.txt" 2>&1 || true
      find "$out" -type f -name '*.html' -printf '%s %P\n' | sort -n | tail -1 > "$work/r1-$p-$o/largest.txt"
      find "$out" -type f \( -name '*.js' -o -name '*.css' \) -printf '%s %P\n' | sort -n | tail -1 > "$work/r1-$p-$o/asset.txt"
      find "$out" -type f -name '*.html' | wc -l > "$work/r1-$p-$o/pages.txt"
    fi
  done
  rows+=("$p-$o")
done
/usr/bin/python3 - "$work" "${rows[@]}" <<'PY'
import json, re, sys
work, rows = sys.argv[1], sys.argv[2:]

def timev(path):
    t = open(path).read()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", t)
    cpu = re.search(r"Percent of CPU this job got: (\d+)", t).group(1)
    return int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3)), rss, cpu

print("| providers | orders | load+evaluate s / MiB | downloads s / MiB | site s / MiB | total s (CPU share) | peak MiB | pages | pages/s | files | MB | largest page KB | largest script KB | first search KB (files) | night 2: files uploaded | night 2: site s | night 2: old tree removed s |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    p, o = r.split("-")
    rep = json.load(open(f"{work}/r1-{r}/report.json"))
    t = rep["timings"]
    wall, rss, cpu = timev(f"{work}/r1-{r}/time.txt")
    pages = int(open(f"{work}/r1-{r}/pages.txt").read())
    d1 = json.load(open(f"{work}/r1-{r}/deploy.json"))
    d2 = json.load(open(f"{work}/r2-{r}/deploy.json"))
    t2 = json.load(open(f"{work}/r2-{r}/report.json"))["timings"]
    largest = int(open(f"{work}/r1-{r}/largest.txt").read().split()[0])
    asset = int(open(f"{work}/r1-{r}/asset.txt").read().split()[0])
    m = re.search(r"first search .*?; (\d+) files, (\d+) bytes", open(f"{work}/r1-{r}/search.txt").read())
    search = f"{int(m.group(2)) / 1024:.0f} ({m.group(1)})" if m else "—"
    changed = len(d2["added"]) + len(d2["changed"])
    mem = rep.get("peak_memory_mib", {})
    st = lambda k: f"{t[k]:.1f} / {mem[k]:.0f}" if k in mem else f"{t[k]:.1f}"
    print(f"| {int(p):,} | {int(o):,} | {st('load_evaluate')} | {st('downloads')} | {st('site')} | {wall:.1f} ({cpu} %) | {rss:.0f} | {pages:,} | "
          f"{pages / t['site']:,.0f} | {d1['files']:,} | {d1['bytes'] / 1e6:,.0f} | {largest / 1024:.0f} | {asset / 1024:.0f} | {search} | "
          f"{changed:,} of {d2['files']:,} ({len(d2['removed'])} removed) | {t2['site']:.2f} | {t2.get('cleanup', 0):.2f} |")
PY
