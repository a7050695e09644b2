#!/usr/bin/env bash
# Answers "what is the sample portal's p95 per core action under the checklist's profile, a
# hundred users each acting once a second?" the way an audit measures it: perf.api-latency from
# `launchgate audit --only perf` (open model, 100 connections, 100 requests/s in all, 5 s warm-up,
# 30 s measured), RUNS times against a fresh Release portal each, signed in as alice.
#
# usage: bench/portal-perf.sh [--runs N] [--users N] [--duration S]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build-bench/lg}
runs=3 users=100 duration=30
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--users N] [--duration S]" >&2; exit 2 ;;
  esac
done

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build" launchgate launchgate-portal >/dev/null
lg=$build/bin/launchgate
portal=$build/bin/launchgate-portal

work=$(mktemp -d)
portal_pid=
stop_portal() {
  if [[ -n $portal_pid ]]; then
    kill -TERM "$portal_pid" 2>/dev/null || true
    wait "$portal_pid" 2>/dev/null || true
    portal_pid=
  fi
}
trap 'stop_portal; rm -rf "$work"' EXIT

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(uname -sr), $users users, 1 s think time, ${duration} s"
printf '%-4s %-13s %7s %7s %8s %8s %8s %8s %7s  %s\n' run action count rps p50_ms p95_ms p99_ms max_ms errors load1
for run in $(seq 1 "$runs"); do
  "$portal" --seed-records 50 >"$work/stdout" 2>"$work/stderr" &
  portal_pid=$!
  url=
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^listening on //p' "$work/stdout")
    [[ -n $url ]] && break
    sleep 0.1
  done
  [[ -n $url ]] || { echo "portal did not start:" >&2; cat "$work/stderr" >&2; exit 1; }
  cat >"$work/launchgate.yaml" <<YAML
target: {base_url: "$url", max_rps: 1000}
accounts:
  - name: alice
    org: acme
    role: admin
    login: {method: POST, path: /api/login, json: {email: alice@acme.test, password: "\${PORTAL_SEED_PASSWORD}"}}
actions:
  - {name: list_records, path: /api/records}
  - {name: read_record, path: /api/records/1}
  - {name: search, path: "/api/search?q=report"}
perf: {users: $users, think_time: 1s, duration: ${duration}s, warmup: 5s}
YAML
  PORTAL_SEED_PASSWORD=${PORTAL_SEED_PASSWORD:-portal-demo-password} \
    "$lg" audit -c "$work/launchgate.yaml" --only perf --format json >"$work/report.json" || true
  load1=$(cut -d' ' -f1 /proc/loadavg)
  python3 - "$work/report.json" "$run" "$load1" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
check = next(c for c in report["checks"] if c["id"] == "perf.api-latency")
if check["status"] == "error":
    print(f"{sys.argv[2]:<4} no verdict: {check.get('reason', '')}")
for m in check.get("measurements", []):
    print(f"{sys.argv[2]:<4} {m['action']:<13} {m['count']:>7} {m['rps']:>7} {m['p50_ms']:>8} "
          f"{m['p95_ms']:>8} {m['p99_ms']:>8} {m['max_ms']:>8} {m['errors']:>7}  {sys.argv[3]}")
PY
  stop_portal
done
