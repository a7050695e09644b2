#!/usr/bin/env bash
# Answers "does `launchgate perf --url` report the latencies a server really gave?" with
# lg-latency-server (bench/latency_server.cpp: the tests' LatencyServer, a thread per keep-alive
# connection, with a deterministic schedule), a fresh server for every run:
#   known   every request held 10 ms, every 10th (server-wide request number) 300 ms instead: the
#           truth is p50 10 ms and p95 300 ms (exactly 10% of answers are slow; p90 sits on the
#           edge and is not judged). Runs: launchgate closed (-c10, as fast as answers come),
#           launchgate open (--rate 100 -c50: every connection has 500 ms between its requests,
#           so none waits behind a slow answer and latency from the due time is the server's
#           hold), and wrk2 the same way (-R100 -c50) for reference. Goal: launchgate's p95
#           within 5% of 300 ms, p50 near 10 ms.
#   stall   every request held 1 ms, but from 0.5 s after start, every 2 s, no answer leaves for
#           200 ms (those due inside leave at the window's end). At a constant 200 requests/s on
#           10 connections for 20 s measured, 10% of requests fall into a stall and wait on
#           average half of it: p95 ≈ 100 ms and p99 ≈ 180 ms when latency is counted from when a
#           request was due (coordinated omission corrected). Runs: launchgate --rate 200 -c10,
#           wrk2 -R200 -c10 (its first ~10 s calibrate and are not recorded, so it runs 10 s
#           longer), and for contrast hey (-c10 -q20: 20/s per worker, closed loop, latency from
#           when a request was sent) and autocannon (-c10 -R200, which corrects coordinated
#           omission its own way and reports p97.5, not p95). Goal: launchgate's p95 within 10%
#           and p99 within 5% of wrk2's.
# The tools run in turns (launchgate, wrk2, hey, autocannon, launchgate, ...) RUNS times; the
# medians are printed, with the 1-minute load average of each run (the machine is shared).
#
# usage: bench/perf-accuracy.sh [--runs N] [--only known|stall]
#   BUILD=DIR   a Release build dir holding bin/launchgate (default build-bench/lg); the script
#               builds its lg-latency-server target there
#   WRK2=PATH   the wrk2 binary (not packaged in Debian: build it from its public source with
#               `make`; it bundles LuaJIT and needs libssl-dev and zlib1g-dev); skipped if absent
#   hey:        apt-get install -y hey (Debian; bench only)
#   autocannon: npm install --no-save autocannon in a scratch dir, AUTOCANNON=path/to/bin (or in
#               bench/, git-ignored: bench/node_modules/.bin/autocannon is found by itself)
#   KEEP=1      keep the scratch dir (every tool's output, runs.tsv)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build-bench/lg}
runs=5 only=
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--only known|stall]" >&2; exit 2 ;;
  esac
done
[[ -d $build ]] && build=$(cd "$build" && pwd)
lg=$build/bin/launchgate
server=$build/bin/lg-latency-server
[[ -x $lg ]] || { echo "no $lg: cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=Release -DLG_TESTS=OFF -DLG_WERROR=OFF && ninja -C $build launchgate" >&2; exit 2; }
cmake --build "$build" --target lg-latency-server >/dev/null
wrk2=${WRK2:-$(command -v wrk2 || true)}
[[ -n $wrk2 && -x $wrk2 ]] || { echo "note: wrk2 skipped (set WRK2=path/to/wrk2's wrk)" >&2; wrk2=; }
have_hey=1
command -v hey >/dev/null || { echo "note: hey skipped (apt-get install -y hey)" >&2; have_hey=0; }
autocannon=${AUTOCANNON:-$(command -v autocannon || true)}
[[ -z $autocannon && -x $root/bench/node_modules/.bin/autocannon ]] &&
  autocannon=$root/bench/node_modules/.bin/autocannon
[[ -n $autocannon ]] || echo "note: autocannon skipped (npm install --no-save autocannon, AUTOCANNON=...)" >&2

work=$(mktemp -d /tmp/lg-bench-accuracy-XXXXXX)
server_pid=
stop_server() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
cleanup() {
  stop_server
  [[ -n ${KEEP:-} ]] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

url=
start_server() { # schedule options...
  stop_server
  "$server" "$@" >"$work/server.out" 2>&1 &
  server_pid=$!
  url=
  for _ in $(seq 100); do
    url=$(sed -n 's/^listening on //p' "$work/server.out")
    [[ -n $url ]] && return 0
    sleep 0.05
  done
  echo "lg-latency-server did not start" >&2; exit 1
}

# Each parser prints "p50 p95 p99 max rps" in ms ("-" where the tool has no such figure).
parse_lg() {
  jq -r '.checks[0].measurements[0] | "\(.p50_ms) \(.p95_ms) \(.p99_ms) \(.max_ms) \(.rps)"' "$1"
}
parse_wrk2() { # the 50/99/100% lines of the summary; p95 from the detailed spectrum
  awk '
    /^ *50\.000% / {p50 = $2} /^ *99\.000% / {p99 = $2} /^ *100\.000% / {max = $2}
    /Detailed Percentile spectrum/ {spec = 1; next}
    spec && $2 ~ /^[0-9.]+$/ && $2 + 0 >= 0.95 && p95 == "" {p95 = $1 "ms"}
    /^#\[Mean/ {spec = 0}
    /^Requests\/sec:/ {rps = $2}
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0;
                     if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v }
    END {printf "%.1f %.1f %.1f %.1f %.1f\n", ms(p50), ms(p95), ms(p99), ms(max), rps}' "$1"
}
parse_hey() { # seconds in its "Latency distribution" and "Slowest"
  awk '/ 50% in / {p50 = $3 * 1000} / 95% in / {p95 = $3 * 1000} / 99% in / {p99 = $3 * 1000}
       /Slowest:/ {max = $2 * 1000} /Requests\/sec:/ {rps = $2}
       END {printf "%.1f %.1f %.1f %.1f %.1f\n", p50, p95, p99, max, rps}' "$1"
}
parse_autocannon() { # no p95 in its JSON: p97.5 is printed in that column, marked
  jq -r '.latency | "\(.p50) p97.5=\(.p97_5) \(.p99) \(.max)"' "$1" |
    tr '\n' ' '
  jq -r '.requests.average' "$1"
}

: > "$work/runs.tsv"
record() { # test tool run file parser
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$("$5" "$4")" "$(cut -d' ' -f1 /proc/loadavg)" \
    >> "$work/runs.tsv"
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(uname -sr); load averages at start: $(cut -d' ' -f1-3 /proc/loadavg)"
known=(--delay-ms 10 --slow-every 10 --slow-ms 300)
stall=(--delay-ms 1 --stall-first-ms 500 --stall-ms 200 --stall-every-ms 2000)
for r in $(seq "$runs"); do
  if [[ $only != stall ]]; then
    start_server "${known[@]}"
    "$lg" perf --url "$url/" -c 10 -d 10 --warmup 1 --format json >"$work/k-lgc-$r.json" || true
    record known "launchgate closed -c10" "$r" "$work/k-lgc-$r.json" parse_lg
    start_server "${known[@]}"
    "$lg" perf --url "$url/" --rate 100 -c 50 -d 10 --warmup 1 --format json \
      >"$work/k-lgo-$r.json" || true
    record known "launchgate --rate 100 -c50" "$r" "$work/k-lgo-$r.json" parse_lg
    if [[ -n $wrk2 ]]; then
      start_server "${known[@]}"
      "$wrk2" -t1 -c50 -d21s -R100 --latency "$url/" >"$work/k-wrk2-$r.txt" 2>&1 || true
      record known "wrk2 -R100 -c50" "$r" "$work/k-wrk2-$r.txt" parse_wrk2
    fi
  fi
  if [[ $only != known ]]; then
    start_server "${stall[@]}"
    "$lg" perf --url "$url/" --rate 200 -c 10 -d 20 --warmup 1 --format json \
      >"$work/s-lg-$r.json" || true
    record stall "launchgate --rate 200 -c10" "$r" "$work/s-lg-$r.json" parse_lg
    if [[ -n $wrk2 ]]; then
      start_server "${stall[@]}"
      "$wrk2" -t1 -c10 -d31s -R200 --latency "$url/" >"$work/s-wrk2-$r.txt" 2>&1 || true
      record stall "wrk2 -R200 -c10" "$r" "$work/s-wrk2-$r.txt" parse_wrk2
    fi
    if ((have_hey)); then
      start_server "${stall[@]}"
      hey -c 10 -q 20 -z 20s "$url/" >"$work/s-hey-$r.txt" 2>&1 || true
      record stall "hey -c10 -q20 (closed)" "$r" "$work/s-hey-$r.txt" parse_hey
    fi
    if [[ -n $autocannon ]]; then
      start_server "${stall[@]}"
      "$autocannon" -c 10 -R 200 -d 20 --json "$url/" >"$work/s-ac-$r.json" 2>/dev/null || true
      record stall "autocannon -c10 -R200" "$r" "$work/s-ac-$r.json" parse_autocannon
    fi
  fi
done
stop_server
echo "# load averages at end: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ -n ${RUNS_TSV:-} ]] && cp "$work/runs.tsv" "$RUNS_TSV"

python3 - "$work/runs.tsv" <<'EOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by = {}
for test, tool, run, figures, load1 in rows:
    by.setdefault(test, {}).setdefault(tool, []).append((figures.split(), float(load1)))
def med(values):
    nums = []
    for v in values:
        tag = ""
        if "=" in v:
            tag, v = v.split("=")
        try:
            nums.append(float(v))
        except ValueError:
            pass
    if not nums:
        return "–", None
    m = statistics.median(nums)
    return (f"{m:.1f} ({tag})" if tag else f"{m:.1f}"), m
truth = {"known": {"p50": 10.0, "p95": 300.0}}
for test, tools in by.items():
    print(f"\n{test}: medians of {max(len(x) for x in tools.values())} runs, ms")
    print("| tool | p50 | p95 | p99 | max | rps | p95 vs ref | p99 vs ref | load1 min–max |")
    print("|---|---|---|---|---|---|---|---|---|")
    ref = next((xs for tool, xs in tools.items() if tool.startswith("wrk2")), None)
    ref95 = med(x[0][1] for x in ref)[1] if ref else None
    ref99 = med(x[0][2] for x in ref)[1] if ref else None
    if test == "known":
        ref95, ref99 = truth["known"]["p95"], None
    for tool, xs in tools.items():
        cols = [med(x[0][i] for x in xs) for i in range(5)]
        dev = lambda v, r: f"{(v / r - 1) * 100:+.1f}%" if v is not None and r else "–"
        loads = [x[1] for x in xs]
        print(f"| {tool} | " + " | ".join(c[0] for c in cols) +
              f" | {dev(cols[1][1], ref95)} | {dev(cols[2][1], ref99)} "
              f"| {min(loads):.2f}–{max(loads):.2f} |")
    if test == "known":
        print("(p95 vs ref: against the truth, 300 ms)")
    else:
        print("(vs ref: against wrk2's median; autocannon's p95 column is its p97.5)")
EOF
