#!/usr/bin/env bash
# Answers "does perf.lcp report the Largest Contentful Paint that Lighthouse's unthrottled desktop
# mode reports, within 10% or 50 ms, and in how much of its time per page?" (the issue's goal).
# Takes launchgate and launchgate-portal from builds (it builds nothing) and serves three pages on
# free loopback ports, each started once for the whole run:
#   login   the sample portal's `/` (the sign-in page: small, its LCP a text paragraph)
#   slow    the same page from a second portal with `--flaw slow-page` (the paragraph, the LCP
#           element, appears only once /notice.js arrives, which the server holds for 3 s)
#   image   nginx serving a static page whose LCP element is an 800x450 PNG hero image of ~300 KB,
#           generated at run time into the scratch dir (incompressible rows set its size)
# Then RUNS rounds; in each, for every page, the tools run in turns (launchgate, Lighthouse):
#   launchgate  `launchgate audit -c CONFIG --only perf --format json`, CONFIG holding only
#               target.base_url and `pages: ["/"]` (no accounts: perf.api-latency skips and
#               perf.lcp loads the page without a session): one cold warm-up visit, then the median
#               of 3 visits with the cache kept (measurements lcp_ms, lcp_cold_ms, fcp_ms,
#               ttfb_ms, element)
#   lighthouse  `lighthouse URL --preset=desktop --throttling-method=provided
#               --screenEmulation.disabled --only-audits=largest-contentful-paint,...
#               --output=json` with Chromium started by Lighthouse (`--headless=new --no-sandbox
#               --disable-gpu --window-size=1350,940`: the window launchgate uses, since screen
#               emulation is off); one cold visit per run (Lighthouse clears the cache), read from
#               audits["largest-contentful-paint"].numericValue
# Each run's wall clock (process start to exit, Chromium's start included for both) and the
# 1-minute load average are recorded. Prints, per page, the median over rounds of launchgate's
# lcp_ms (and lcp_cold_ms) and Lighthouse's LCP, the difference, whether it is within the goal,
# and the seconds per page: one launchgate audit (4 visits) against the 3 Lighthouse runs its
# median needs.
#
# usage: bench/perf-lcp.sh [--runs N] [--pages "login slow image"] [--no-lighthouse]
#   BUILD=DIR        a Release build dir holding bin/launchgate (default build-bench/lg)
#   PORTAL=FILE      launchgate-portal (default BUILD/bin/launchgate-portal); it must know
#                    --flaw slow-page
#   LIGHTHOUSE=FILE  Lighthouse's cli/index.js (default /tmp/lgb-lh/node_modules/lighthouse/
#                    cli/index.js, else bench/node_modules/lighthouse/cli/index.js); to install:
#                    mkdir -p /tmp/lgb-lh && cd /tmp/lgb-lh && npm install --no-save lighthouse@12.2.3
#   CHROME_PATH=FILE the Chromium Lighthouse starts (default /usr/bin/chromium)
#   KEEP=1           keep the scratch dir (every report, runs.tsv); RUNS_TSV=FILE copies runs.tsv
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build-bench/lg}
runs=3 pages="login slow image" with_lh=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --pages) pages=$2; shift 2 ;;
    --no-lighthouse) with_lh=0; shift ;;
    *) echo "usage: $0 [--runs N] [--pages 'login slow image'] [--no-lighthouse]" >&2; exit 2 ;;
  esac
done
[[ -d $build ]] && build=$(cd "$build" && pwd)
lg=$build/bin/launchgate
portal=${PORTAL:-$build/bin/launchgate-portal}
[[ -x $lg ]] || { echo "no $lg: cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=Release -DLG_TESTS=OFF -DLG_WERROR=OFF && ninja -C $build launchgate launchgate-portal" >&2; exit 2; }
[[ -x $portal ]] || { echo "no $portal: ninja -C $build launchgate-portal, or PORTAL=path" >&2; exit 2; }
grep -q 'slow-page' "$portal" || { echo "$portal predates --flaw slow-page: rebuild it" >&2; exit 2; }
chrome=${CHROME_PATH:-/usr/bin/chromium}
[[ -x $chrome ]] || { echo "no Chromium at $chrome: apt-get install -y chromium" >&2; exit 2; }
for p in $pages; do
  case $p in
    login | slow) ;;
    image) command -v nginx >/dev/null || { echo "nginx is needed for the image page: apt-get install -y nginx" >&2; exit 2; } ;;
    *) echo "unknown page '$p' (login, slow, image)" >&2; exit 2 ;;
  esac
done
lighthouse=
if [[ $with_lh == 1 ]]; then
  for f in "${LIGHTHOUSE:-}" /tmp/lgb-lh/node_modules/lighthouse/cli/index.js \
    "$root/bench/node_modules/lighthouse/cli/index.js"; do
    [[ -n $f && -f $f ]] && { lighthouse=$f; break; }
  done
  if [[ -z $lighthouse ]] || ! command -v node >/dev/null; then
    echo "note: Lighthouse skipped (needs node and: mkdir -p /tmp/lgb-lh && cd /tmp/lgb-lh &&" \
      "npm install --no-save lighthouse@12.2.3; or LIGHTHOUSE=path/to/cli/index.js)" >&2
    lighthouse=
  fi
fi

work=$(mktemp -d /tmp/lg-bench-lcp-XXXXXX)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [[ -n ${KEEP:-} ]] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

# Starts a portal (extra flags in "$@") and sets `url` to its base URL.
start_portal() {
  local name=$1 u=
  shift
  "$portal" --port 0 "$@" >"$work/$name.stdout" 2>"$work/$name.stderr" &
  pids+=($!)
  for _ in $(seq 1 200); do
    u=$(sed -n 's/^listening on //p' "$work/$name.stdout")
    [[ -n $u ]] && break
    sleep 0.1
  done
  [[ -n $u ]] || { echo "portal $name did not start:" >&2; cat "$work/$name.stderr" >&2; exit 1; }
  url=$u
}

# The image page: nginx (one worker, like perf-engine.sh) over a generated page and PNG.
start_image_site() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  mkdir -p "$work/www" "$work/tmp"
  python3 - "$work/www/hero.png" <<'EOF'
import random, struct, sys, zlib
w, h, kb = 800, 450, 300
rng = random.Random(7)
noisy = kb * 1024 // (3 * w)  # rows of incompressible noise set the file's size
raw = bytearray()
for y in range(h):
    raw.append(0)  # filter type: none
    raw += rng.randbytes(3 * w) if y < noisy else bytes((40, 90 + y // 4, 160)) * w
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
with open(sys.argv[1], "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(raw), 6)) + chunk(b"IEND", b""))
EOF
  cat >"$work/www/index.html" <<'EOF'
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hero</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;margin:2rem}img{display:block}</style></head>
<body><h1>Quarterly report</h1>
<p>A short line of text above the hero image.</p>
<img src="/hero.png" width="800" height="450" alt="hero">
</body></html>
EOF
  chmod 755 "$work" "$work/www" && chmod 644 "$work/www/"* # nginx's worker is not root
  cat >"$work/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  include /etc/nginx/mime.types;
  client_body_temp_path $work/tmp/body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    root $work/www;
  }
}
EOF
  nginx -p "$work" -c "$work/nginx.conf" 2>"$work/nginx.stderr" &
  pids+=($!)
  url=http://127.0.0.1:$port
  for _ in $(seq 1 100); do
    curl -sf --noproxy '*' "$url/" >/dev/null && break
    sleep 0.05
  done
  curl -sf --noproxy '*' "$url/hero.png" >/dev/null ||
    { echo "nginx does not serve $url:" >&2; cat "$work/nginx-error.log" >&2; exit 1; }
}

declare -A base
for p in $pages; do
  case $p in
    login) start_portal login ;;
    slow) start_portal slow --flaw slow-page ;;
    image) start_image_site ;;
  esac
  base[$p]=$url
  printf 'target:\n  base_url: %s\npages: ["/"]\n' "$url" >"$work/$p.yaml"
done

now() { date +%s.%N; }

# Appends one row to runs.tsv: page tool run lcp_ms fcp_ms ttfb_ms wall_s load1 cold_ms element,
# the metrics read by the jq filter $5 from the report $4 (empty when it has none).
record() {
  local p=$1 tool=$2 r=$3 out=$4 filter=$5 t0=$6 t1=$7 wall load1
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
  load1=$(cut -d' ' -f1 /proc/loadavg)
  jq -r --arg p "$p" --arg tool "$tool" --arg r "$r" --arg wall "$wall" --arg load1 "$load1" \
    "$filter"' | [$p, $tool, $r, .lcp, .fcp, .ttfb, $wall, $load1, .cold, .element]
      | map(. // "" | tostring) | @tsv' "$out" >>"$work/runs.tsv" 2>/dev/null ||
    printf '%s\t%s\t%s\t\t\t\t%s\t%s\t\t\n' "$p" "$tool" "$r" "$wall" "$load1" >>"$work/runs.tsv"
}

# One launchgate audit: a cold warm-up and 3 measured visits of the page.
run_launchgate() {
  local p=$1 r=$2 out=$work/lg-$1-$2.json t0 t1
  t0=$(now)
  "$lg" audit -c "$work/$p.yaml" --only perf --format json >"$out" 2>"$out.err" || true
  t1=$(now)
  record "$p" launchgate "$r" "$out" '[.checks[] | select(.id == "perf.lcp") | .measurements[0]]
    | first // {} | {lcp: .lcp_ms, fcp: .fcp_ms, ttfb: .ttfb_ms, cold: .lcp_cold_ms,
      element: .element}' "$t0" "$t1"
}

# One Lighthouse run (one cold visit), its LCP element from the LCP-element audit.
run_lighthouse() {
  local p=$1 r=$2 out=$work/lh-$1-$2.json t0 t1
  t0=$(now)
  CHROME_PATH=$chrome node "$lighthouse" "${base[$p]}/" --preset=desktop \
    --throttling-method=provided --screenEmulation.disabled \
    --only-audits=largest-contentful-paint,first-contentful-paint,server-response-time,largest-contentful-paint-element \
    --output=json --output-path="$out" --quiet \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --window-size=1350,940" \
    2>"$out.err" || true
  t1=$(now)
  record "$p" lighthouse "$r" "$out" '.audits | {lcp: .["largest-contentful-paint"].numericValue,
    fcp: .["first-contentful-paint"].numericValue, ttfb: .["server-response-time"].numericValue,
    cold: null, element: (try .["largest-contentful-paint-element"].details.items[0].items[0]
      .node.selector)}' "$t0" "$t1"
  jq -r '.runWarnings[]?, (.runtimeError.message // empty)' "$out" 2>/dev/null |
    sed "s/^/note: lighthouse $p run $r: /" >&2 || true
}

: >"$work/runs.tsv"
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(uname -sr), $("$chrome" --version 2>/dev/null | head -1)," \
  "node $(node --version 2>/dev/null || echo -), lighthouse ${lighthouse:+$(node -p "require('$(dirname "$lighthouse")/../package.json').version")}"
echo "# pages: $(for p in $pages; do printf '%s=%s/ ' "$p" "${base[$p]}"; done)"
echo "# load averages at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$runs"); do
  for p in $pages; do
    run_launchgate "$p" "$r"
    [[ -n $lighthouse ]] && run_lighthouse "$p" "$r"
  done
done
echo "# load averages at end: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ -n ${RUNS_TSV:-} ]] && cp "$work/runs.tsv" "$RUNS_TSV"

python3 - "$work/runs.tsv" <<'EOF'
import statistics, sys
med = statistics.median
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by = {}
for page, tool, run, lcp, fcp, ttfb, wall, load1, cold, element in rows:
    by.setdefault(page, {}).setdefault(tool, []).append(
        dict(lcp=float(lcp) if lcp else None, fcp=float(fcp) if fcp else None,
             ttfb=float(ttfb) if ttfb else None, wall=float(wall), load1=float(load1),
             cold=float(cold) if cold else None, element=element))

def m(runs, key):
    xs = [r[key] for r in runs if r[key] is not None]
    return med(xs) if xs else None

def f(v, fmt="{:.0f}"):
    return "–" if v is None else fmt.format(v)

print("| page | launchgate LCP | Lighthouse LCP | difference | within goal | launchgate cold visit "
      "| cold − Lighthouse | launchgate s/page | Lighthouse s/page (3 runs) | load1 min–max |")
print("|---|---|---|---|---|---|---|---|---|---|")
for page, tools in by.items():
    lg, lh = tools.get("launchgate", []), tools.get("lighthouse", [])
    a, c, b = m(lg, "lcp"), m(lg, "cold"), m(lh, "lcp")
    diff = goal = cdiff = "–"
    if a is not None and b is not None:
        d = a - b
        diff = f"{d:+.0f} ms ({100 * d / b:+.1f}%)"
        goal = "yes" if abs(d) <= 50 or abs(d) <= 0.1 * b else "no"
    if c is not None and b is not None:
        cdiff = f"{c - b:+.0f} ms ({100 * (c - b) / b:+.1f}%)"
    loads = [r["load1"] for r in lg + lh]
    lh_s = m(lh, "wall")
    print(f"| {page} | {f(a)} | {f(b)} | {diff} | {goal} | {f(c)} | {cdiff} "
          f"| {f(m(lg, 'wall'), '{:.1f}')} "
          f"| {f(None if lh_s is None else 3 * lh_s, '{:.1f}')} "
          f"| {min(loads):.2f}–{max(loads):.2f} |")
print("(medians over runs, ms; launchgate's LCP is each run's median of 3 visits with the cache "
      "kept, its cold visit the warm-up with the cache cleared, as every Lighthouse visit is; goal: "
      "within 10% or 50 ms; Lighthouse s/page = 3 x its median run)")
print()
print("| page | tool | runs: LCP ms | FCP ms | TTFB ms | wall s | element |")
print("|---|---|---|---|---|---|---|")
for page, tools in by.items():
    for tool, rs in tools.items():
        els = sorted({r["element"] for r in rs if r["element"]})
        print(f"| {page} | {tool} | {' / '.join(f(r['lcp']) for r in rs)} "
              f"| {f(m(rs, 'fcp'))} | {f(m(rs, 'ttfb'), '{:.1f}')} "
              f"| {' / '.join(f(r['wall'], '{:.1f}') for r in rs)} | {', '.join(els) or '–'} |")
EOF
