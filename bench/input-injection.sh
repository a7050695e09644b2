#!/usr/bin/env bash
# Answers "does the input gate find the sample portal's SQL injection, at what cost, next to
# sqlmap, and does either raise a false alarm on the hardened portal?": takes launchgate and
# launchgate-portal from a Release build (it builds nothing), then RUNS times, in turns, each tool
# against a fresh portal started with `--flaw sql-injection` and against a fresh hardened one (no
# flaw), on a free loopback port, with a fixed seed password (`--seed-records 50`, deterministic
# data):
#   launchgate  `launchgate audit -c CONFIG --only input --format json`: the demo's config
#               (src/app/cmd_demo.cpp, demo_config_yaml: alice/bob/carol/dave, api.openapi,
#               public, admin_only) with max_rps 1000; read-only (no --allow-writes). It logs in,
#               harvests, and probes every parameter of every operation it may (the four input
#               checks). Detected = input.injection fails on GET /api/search, parameter q.
#   sqlmap      `sqlmap -u URL/api/search?q=zz -p q --batch --ignore-stdin --cookie session=...
#               --level L --risk 1 --technique=BEUT --flush-session --timeout 10 --retries 0`:
#               one parameter of one endpoint, with alice's session cookie (logged in with curl
#               before the clock starts; the cookie is never printed), once per level in
#               --sqlmap-levels (default "1 2": 1 is sqlmap's default; 2 is the first level whose
#               boundaries include `%'` ... `AND 'x%'='x`, the one that closes a LIKE '%...%'
#               string). Detected = sqlmap reports an injection point; its answers to its own
#               prompts are --batch's defaults.
# Wall, CPU (user + sys) and peak RSS come from /usr/bin/time; requests are counted the same way
# for both tools, from the portal's access log on stderr (one line per answered request; the
# fresh portal sees only the tool's traffic — for sqlmap, not the curl login). Every tool run is
# bounded by `timeout` (TOOL_TIMEOUT, default 300 s); a timed-out run is reported as such.
#
# usage: bench/input-injection.sh [--runs N] [--sqlmap-runs N] [--sqlmap-levels "L..."]
#                                 [--max-rps R] [--no-sqlmap]
#   BUILD=DIR  a Release build dir holding bin/launchgate and bin/launchgate-portal
#              (default build-bench-sec)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-${BUILD_DIR:-$root/build-bench-sec}}
runs=5 sqlmap_runs='' sqlmap_levels="1 2" max_rps=1000 with_sqlmap=1
tool_timeout=${TOOL_TIMEOUT:-300}
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --sqlmap-runs) sqlmap_runs=$2; shift 2 ;;
    --sqlmap-levels) sqlmap_levels=$2; shift 2 ;;
    --max-rps) max_rps=$2; shift 2 ;;
    --no-sqlmap) with_sqlmap=0; shift ;;
    *) echo "usage: $0 [--runs N] [--sqlmap-runs N] [--sqlmap-levels 'L...'] [--max-rps R]" \
      "[--no-sqlmap]" >&2; exit 2 ;;
  esac
done
sqlmap_runs=${sqlmap_runs:-$runs}

lg=$build/bin/launchgate
portal=$build/bin/launchgate-portal
if [[ ! -x $lg || ! -x $portal ]]; then
  cat >&2 <<EOF
$0: no launchgate and launchgate-portal in $build/bin. Build them in Release first
(LG_WERROR off: GCC 12 at -O3 reports a false -Wrestrict, GCC bug 105329), or set BUILD=DIR:
  cmake -S $root -B $build -G Ninja -DCMAKE_BUILD_TYPE=Release -DLG_TESTS=OFF -DLG_WERROR=OFF
  nice ninja -C $build launchgate launchgate-portal
EOF
  exit 2
fi
if [[ $with_sqlmap == 1 ]] && ! command -v sqlmap >/dev/null; then
  echo "$0: sqlmap is not installed (bash scripts/deps.sh, or --no-sqlmap)" >&2
  exit 2
fi

# Fixed and local: the seed users' password for every portal of this run.
password=bench-input-injection-password
work=$(mktemp -d)
portal_pid=
stop_portal() {
  if [[ -n $portal_pid ]]; then
    kill -TERM "$portal_pid" 2>/dev/null || true
    timeout 10 tail --pid="$portal_pid" -f /dev/null 2>/dev/null || kill -KILL "$portal_pid" 2>/dev/null || true
    wait "$portal_pid" 2>/dev/null || true
    portal_pid=
  fi
}
cleanup() {
  stop_portal
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_portal NAME [FLAG...]: a fresh portal (in-memory database, 50 records per org); sets
# $url and $portal_log.
start_portal() {
  local name=$1
  shift
  portal_log=$work/$name.portal.stderr
  PORTAL_SEED_PASSWORD=$password "$portal" --seed-records 50 "$@" \
    >"$work/$name.portal.stdout" 2>"$portal_log" &
  portal_pid=$!
  url=
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^listening on //p' "$work/$name.portal.stdout")
    [[ -n $url ]] && break
    sleep 0.1
  done
  [[ -n $url ]] || { echo "portal did not start:" >&2; cat "$portal_log" >&2; exit 1; }
}

# Access-log lines (`METHOD PATH STATUS 1.2ms`; ` 414 0.0ms` with no method or path for a request
# line too long to parse) in the portal's stderr so far, once the count stops moving (the line is
# written just after the answer is sent).
count_requests() {
  local n prev=-1
  for _ in $(seq 1 50); do
    n=$(grep -v '^error: ' "$portal_log" | grep -c -E '(^| )[0-9]{3} [0-9]+\.[0-9]+ms$' || true)
    [[ $n == "$prev" ]] && break
    prev=$n
    sleep 0.1
  done
  echo "$n"
}

config=$work/launchgate.yaml
{
  cat <<'EOF'
# The demo's configuration (src/app/cmd_demo.cpp, demo_config_yaml) with max_rps raised.
target:
  base_url: ${LG_BENCH_URL}
EOF
  echo "  max_rps: $max_rps"
  echo "accounts:"
  for a in alice:acme:admin bob:acme:staff carol:globex:staff dave:globex:admin; do
    IFS=: read -r name org role <<<"$a"
    cat <<EOF
  - name: $name
    org: $org
    role: $role
    email: $name@$org.test
    login:
      method: POST
      path: /api/login
      json: {email: $name@$org.test, password: "\${LG_BENCH_PASSWORD}"}
EOF
  done
  cat <<'EOF'
api:
  openapi: /openapi.json
  public: ["/api/health", "/openapi.json", "POST /api/login", "POST /api/password-reset",
           "POST /api/password-reset/confirm", "POST /api/invites/accept"]
  admin_only: ["/api/admin/**"]
auth:
  logout: {method: POST, path: /api/logout}
pages: [/, /records]
EOF
} >"$config"

# One timed tool run: "TOOL TARGET RC WALL CPU RSS_KB REQUESTS DETECTED EXTRA" into $work/results.
record() { echo "$*" >>"$work/results"; }
timed() {
  local out=$1 rc=0
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" timeout "$tool_timeout" "$@" \
    <"/dev/null" >"$out" 2>"$out.stderr" || rc=$?
  read -r wall user sys rss < <(grep -v '^Command ' "$work/time")
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
  return $rc
}

run_launchgate() { # target (flawed|hardened), portal flags...
  local target=$1 rc=0 verdict
  shift
  start_portal "lg-$target-$run" "$@"
  LG_BENCH_URL=$url LG_BENCH_PASSWORD=$password \
    timed "$work/lg-$target-$run.json" "$lg" audit -c "$config" --only input --format json || rc=$?
  local requests
  requests=$(count_requests)
  stop_portal
  # rc 1 is not_ready (a failed check), 4 incomplete: both normal; 124 is the timeout.
  verdict=$(python3 - "$work/lg-$target-$run.json" <<'EOF'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception as e:
    print("no-report", "-", "-", "-"); sys.exit()
inj = next((c for c in r["checks"] if c["id"] == "input.injection"), {})
hit = any(f.get("evidence", {}).get("path") == "/api/search"
          and f.get("evidence", {}).get("parameter") == "q" for f in inj.get("findings", []))
techniques = sorted({f.get("evidence", {}).get("technique", "?") for f in inj.get("findings", [])})
others = ",".join(f"{c['id'].split('.', 1)[1]}={c['status']}" for c in r["checks"]
                  if c["id"] != "input.injection")
own = "+".join(f"{k}:{v}" for k, v in sorted(r.get("requests", {}).items())) or "-"
print("yes" if hit else "no", f"injection={inj.get('status', '?')}/{len(inj.get('findings', []))}"
      f"[{'+'.join(techniques)}]", others, f"reported={own}")
EOF
)
  record launchgate "$target" "$rc" "$wall" "$cpu" "$rss" "$requests" "$verdict"
}

run_sqlmap() { # level, target (flawed|hardened), portal flags...
  local level=$1 target=$2 rc=0 cookie before requests detected types own out
  shift 2
  out=$work/sqlmap-l$level-$target-$run.txt
  start_portal "sqlmap-l$level-$target-$run" "$@"
  cookie=$(curl -sS --noproxy '*' --max-time 10 -o /dev/null -D - -X POST "$url/api/login" \
    -H 'Content-Type: application/json' \
    -d "{\"email\":\"alice@acme.test\",\"password\":\"$password\"}" |
    sed -n 's/^[Ss]et-[Cc]ookie: session=\([^;]*\);.*/\1/p' | head -n 1)
  [[ -n $cookie ]] || { echo "login as alice failed" >&2; exit 1; }
  before=$(count_requests)
  # --ignore-stdin: with a stdin that is not a terminal sqlmap would also read targets from it
  # (multiple-targets mode, which answers its prompts differently).
  TERM=dumb timed "$out" sqlmap -u "$url/api/search?q=zz" -p q --batch --ignore-stdin \
    --cookie "session=$cookie" --level "$level" --risk 1 --technique=BEUT --flush-session \
    --disable-coloring --timeout 10 --retries 0 --output-dir="$work/sqlmap-out-l$level-$target-$run" ||
    rc=$?
  requests=$(($(count_requests) - before))
  stop_portal
  detected=no
  grep -q 'sqlmap identified the following injection point' "$out" && detected=yes
  # sqlmap's own count, printed with the injection point (up to then: fingerprinting follows).
  own=$(sed -n 's/.*injection point(s) with a total of \([0-9]*\) HTTP.*/\1/p' "$out")
  types=$(sed -n 's/^ *Type: //p' "$out" | tr ' ' '-' | paste -sd+ -)
  record "sqlmap-l$level" "$target" "$rc" "$wall" "$cpu" "$rss" "$requests" "$detected" \
    "types=${types:--}" "reported=${own:--}"
}

cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores ($cpu_model), $(uname -sr)," \
  "$("$lg" --version 2>/dev/null | head -n 1)," \
  "sqlmap $( ((with_sqlmap)) && sqlmap --version 2>/dev/null | head -n 1 || echo -)," \
  "$runs launchgate runs, $((with_sqlmap ? sqlmap_runs : 0)) sqlmap runs, max_rps $max_rps"
: >"$work/results"
for run in $(seq 1 "$runs"); do
  lines=$(wc -l <"$work/results")
  run_launchgate flawed --flaw sql-injection
  run_launchgate hardened
  if [[ $with_sqlmap == 1 && $run -le $sqlmap_runs ]]; then
    for level in $sqlmap_levels; do
      run_sqlmap "$level" flawed --flaw sql-injection
      run_sqlmap "$level" hardened
    done
  fi
  echo "## run $run"
  tail -n +$((lines + 1)) "$work/results"
done

# The last flawed run's findings in short, and what sqlmap printed about the injection point.
echo "## launchgate input.injection findings (last flawed run)"
python3 - "$work/lg-flawed-$runs.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
for c in r["checks"]:
    print(f"{c['id']}: {c['status']} ({c.get('reason', '')})")
    if c["id"] == "input.injection":
        for f in c.get("findings", []):
            print("  -", f["message"])
EOF
if [[ $with_sqlmap == 1 ]]; then
  for level in $sqlmap_levels; do
    echo "## sqlmap --level $level (last flawed run)"
    grep -E '(appears to be|does not seem to be|do not appear to be) .*injectable|back-end DBMS:' \
      "$work/sqlmap-l$level-flawed-$sqlmap_runs.txt" | grep -v -i cookie | sed 's/^\[[0-9:]*\] //' ||
      true
  done
fi

echo "## results (median; requests = portal access-log lines)"
python3 - "$work/results" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    tool, target, rc, wall, cpu, rss, req, detected, *extra = line.split()
    rows.setdefault((tool, target), []).append(
        (int(rc), float(wall), float(cpu), int(rss), int(req), detected))
print("| tool | portal | runs | wall s | CPU s | requests | injection reported | peak RSS MB | timeouts |")
print("|---|---|---|---|---|---|---|---|---|")
for tool in sorted({t for t, _ in rows}, key=lambda t: (t != "launchgate", t)):
    for target in ["flawed", "hardened"]:
        r = rows.get((tool, target))
        if not r:
            continue
        med = lambda i: statistics.median(x[i] for x in r)
        det = sorted({x[5] for x in r})
        print(f"| {tool} | {target} | {len(r)} | {med(1):.2f} | {med(2):.2f} | {med(4):.0f} "
              f"({min(x[4] for x in r)}–{max(x[4] for x in r)}) | {'/'.join(det)} | "
              f"{med(3) / 1024:.0f} | {sum(1 for x in r if x[0] == 124)} |")
EOF
