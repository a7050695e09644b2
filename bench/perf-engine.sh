#!/usr/bin/env bash
# Answers "how many requests per second does launchgate's load engine (`launchgate perf --url`,
# closed model) drive, and how many per CPU-second of its own, next to wrk, hey and autocannon?"
# (the issue's goal: at least 0.9x wrk's throughput and 0.8x its requests per CPU-second).
# Takes launchgate from a Release build (it builds nothing) and starts nginx on a free loopback
# port serving a 64-byte static file (worker_processes 1, so the server holds one core and the
# load generator the other; access_log off; stub_status on /status). After a 2 s warm-up of
# nginx (wrk), for each setting (-t1 -c10 and -t1 -c100 by default) RUNS rounds, each running
# every tool once for SECONDS s in turns (launchgate, wrk, hey, autocannon, launchgate, ...) so
# every tool sees the same noise:
#   launchgate  `launchgate perf --url URL -t T -c C -d S --format json` (no --rate: as fast as
#               answers come; the requests per second are its report's measured rps)
#   wrk         `wrk -t T -c C -d Ss URL` (Requests/sec)
#   hey         `GOMAXPROCS=T hey -c C -z Ss URL` (Requests/sec; hey has no thread option: its
#               goroutines run on T OS threads)
#   autocannon  `autocannon -c C -d S --json URL` (requests.average; one Node.js thread, so only
#               at T=1)
# Requests per CPU-second are the requests nginx counted (stub_status, before and after the run)
# over the load generator's own user + system CPU (/usr/bin/time -f '%U %S': the child alone,
# never the server), startup included for every tool alike. Each run also records the 1-minute
# load average (the machine is shared). Prints per-tool medians and the ratios to wrk (paired:
# each tool's figure over wrk's in the same round, then the median over rounds).
#
# usage: bench/perf-engine.sh [--runs N] [--seconds S] [--settings "T:C T:C"] [--tools "a b"]
#   BUILD=DIR  a Release build dir holding bin/launchgate (default build-bench/lg)
#   KEEP=1     keep the scratch dir (every tool's output, runs.tsv); RUNS_TSV=FILE copies runs.tsv
#   hey:        apt-get install -y hey (Debian; bench only)
#   autocannon: npm install --no-save autocannon in a scratch dir, AUTOCANNON=path/to/bin (or in
#               bench/, git-ignored: bench/node_modules/.bin/autocannon is found by itself)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build-bench/lg}
runs=5 seconds=5 settings="1:10 1:100" tools="launchgate wrk hey autocannon"
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --settings) settings=$2; shift 2 ;;
    --tools) tools=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--seconds S] [--settings 'T:C ...'] [--tools '...']" >&2; exit 2 ;;
  esac
done
[[ -d $build ]] && build=$(cd "$build" && pwd)
lg=$build/bin/launchgate
[[ -x $lg ]] || { echo "no $lg: cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=Release -DLG_TESTS=OFF -DLG_WERROR=OFF && ninja -C $build launchgate" >&2; exit 2; }
command -v nginx >/dev/null || { echo "nginx is needed: apt-get install -y nginx" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is needed (the reference): apt-get install -y wrk" >&2; exit 2; }
autocannon=${AUTOCANNON:-$(command -v autocannon || true)}
[[ -z $autocannon && -x $root/bench/node_modules/.bin/autocannon ]] &&
  autocannon=$root/bench/node_modules/.bin/autocannon
selected=()
for t in $tools; do
  case $t in
    hey) command -v hey >/dev/null || { echo "note: hey skipped (apt-get install -y hey)" >&2; continue; } ;;
    autocannon) [[ -n $autocannon ]] || {
        echo "note: autocannon skipped (npm install --no-save autocannon in a scratch dir, then AUTOCANNON=DIR/node_modules/.bin/autocannon)" >&2
        continue; } ;;
  esac
  selected+=("$t")
done

work=$(mktemp -d /tmp/lg-bench-perf-XXXXXX)
nginx_pid=
cleanup() {
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null || true
  [[ -n $nginx_pid ]] && wait "$nginx_pid" 2>/dev/null || true
  [[ -n ${KEEP:-} ]] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
mkdir -p "$work/www" "$work/tmp"
head -c 63 /dev/zero | tr '\0' 'x' > "$work/www/index.html"
echo >> "$work/www/index.html"
chmod 755 "$work" "$work/www" && chmod 644 "$work/www/index.html" # nginx's worker is not root
cat > "$work/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/tmp/body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$port;
    root $work/www;
    location = /status { stub_status; }
  }
}
EOF
nginx -p "$work" -c "$work/nginx.conf" 2>"$work/nginx.stderr" &
nginx_pid=$!
for _ in $(seq 100); do
  curl -sf --noproxy '*' "http://127.0.0.1:$port/index.html" >/dev/null && break
  sleep 0.05
done
url=http://127.0.0.1:$port/index.html
curl -sf --noproxy '*' "$url" >/dev/null || { echo "nginx does not serve $url:" >&2; cat "$work/error.log" >&2; exit 1; }
served() { curl -sf --noproxy '*' "http://127.0.0.1:$port/status" | sed -n 3p | awk '{print $3}'; }

wrk -t1 -c10 -d2s "$url" >/dev/null # warm nginx and the page cache

# One run: tool, threads, connections, run number; appends a row to runs.tsv:
# setting tool run rps requests cpu_s load1 errors
one() {
  local tool=$1 t=$2 c=$3 r=$4 out=$work/out-$1-$2-$3-$4.txt
  local before after rps errors=0
  before=$(served)
  case $tool in
    launchgate) /usr/bin/time -f '%U %S' -o "$work/time" "$lg" perf --url "$url" -t "$t" -c "$c" \
        -d "$seconds" --format json >"$out" 2>"$out.err" || true
      rps=$(jq '[.checks[0].measurements[0].rps] | first // 0' "$out")
      errors=$(jq '[.checks[0].measurements[0].errors] | first // 0' "$out") ;;
    wrk) /usr/bin/time -f '%U %S' -o "$work/time" wrk -t "$t" -c "$c" -d "${seconds}s" "$url" \
        >"$out" 2>&1
      rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
      errors=$(awk '/Non-2xx|Socket errors/ {n += $NF} END {print n + 0}' "$out") ;;
    hey) GOMAXPROCS=$t /usr/bin/time -f '%U %S' -o "$work/time" hey -c "$c" -z "${seconds}s" \
        "$url" >"$out" 2>&1
      rps=$(awk '/Requests\/sec:/ {print $2}' "$out")
      errors=$(awk '/^  \[[0-9]+\]/ && $1 != "[200]" {n += $2} /Error distribution/ {e = 1} END {print n + e}' "$out") ;;
    autocannon) /usr/bin/time -f '%U %S' -o "$work/time" "$autocannon" -c "$c" -d "$seconds" \
        --json "$url" >"$out" 2>/dev/null
      rps=$(jq '.requests.average' "$out")
      errors=$(jq '.non2xx + .errors + .timeouts' "$out") ;;
  esac
  after=$(served)
  local cpu load1
  cpu=$(tail -1 "$work/time" | awk '{print $1 + $2}')
  load1=$(cut -d' ' -f1 /proc/loadavg)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "t$t-c$c" "$tool" "$r" "${rps:-0}" \
    $((after - before - 1)) "$cpu" "$load1" "${errors:-?}" >> "$work/runs.tsv"
}

: > "$work/runs.tsv"
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(uname -sr), nginx $(nginx -v 2>&1 | sed 's|.*/||'), worker_processes 1"
echo "# load averages at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for setting in $settings; do
  t=${setting%%:*} c=${setting##*:}
  for r in $(seq "$runs"); do
    for tool in "${selected[@]}"; do
      [[ $tool == autocannon && $t != 1 ]] && continue
      one "$tool" "$t" "$c" "$r"
    done
  done
done
echo "# load averages at end: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ -n ${RUNS_TSV:-} ]] && cp "$work/runs.tsv" "$RUNS_TSV"

python3 - "$work/runs.tsv" <<'EOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by, errors = {}, {}
for setting, tool, run, rps, reqs, cpu, load1, errs in rows:
    eff = int(reqs) / float(cpu) if float(cpu) > 0 else 0.0
    by.setdefault(setting, {}).setdefault(tool, {})[run] = (float(rps), eff, float(load1))
    if errs != "0":
        errors.setdefault((setting, tool), []).append(errs)
med = statistics.median
# Ratios to wrk are paired: tool / wrk within the same round (same noise), then the median.
print("| setting | tool | runs | rps median | req/CPU-s median | rps / wrk | req/CPU-s / wrk "
      "| load1 min–max |")
print("|---|---|---|---|---|---|---|---|")
for setting, tools in by.items():
    ref = tools.get("wrk", {})
    for tool, runs in tools.items():
        xs = list(runs.values())
        def ratio(i):
            rs = [x[i] / ref[r][i] for r, x in runs.items() if r in ref and ref[r][i] > 0]
            return f"{med(rs):.2f} ({min(rs):.2f}–{max(rs):.2f})" if rs else "–"
        loads = [x[2] for x in xs]
        print(f"| {setting} | {tool} | {len(xs)} | {med(x[0] for x in xs):,.0f} "
              f"| {med(x[1] for x in xs):,.0f} | {ratio(0)} | {ratio(1)} "
              f"| {min(loads):.2f}–{max(loads):.2f} |")
print("(ratios: median over rounds of tool / wrk in the same round, min–max in brackets)")
for (setting, tool), errs in errors.items():
    print(f"WARNING: {setting} {tool}: errors or non-2xx answers in runs: {', '.join(errs)}")
EOF
