#!/usr/bin/env bash
# Answers "is p95 under 50 ms at 100 requests/s for list, read, save and search?" for the sample
# portal: builds launchgate-portal and portal-load in Release (standalone bench build, nothing
# from src/), starts the portal on a free loopback port, logs in as alice, then runs portal-load
# (open loop, fixed arrival schedule) RUNS times. With --wrk it also runs plain wrk per action
# (closed loop, -t2 -c4 -d20s --latency, bench/portal-mix.lua) for comparison.
#
# usage: bench/portal-load.sh [--runs N] [--seconds S] [--rate R] [--seed-records N] [--wrk]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
runs=3 seconds=20 rate=100 seed=50 with_wrk=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --seed-records) seed=$2; shift 2 ;;
    --wrk) with_wrk=1; shift ;;
    *) echo "usage: $0 [--runs N] [--seconds S] [--rate R] [--seed-records N] [--wrk]" >&2; exit 2 ;;
  esac
done

cmake -S "$root/bench" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build" launchgate-portal portal-load >/dev/null

work=$(mktemp -d)
portal_pid=
cleanup() {
  if [[ -n $portal_pid ]]; then
    kill -TERM "$portal_pid" 2>/dev/null || true
    wait "$portal_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$build/testbed/launchgate-portal" --seed-records "$seed" >"$work/stdout" 2>"$work/stderr" &
portal_pid=$!
url=
for _ in $(seq 1 100); do
  url=$(sed -n 's/^listening on //p' "$work/stdout")
  [[ -n $url ]] && break
  sleep 0.1
done
[[ -n $url ]] || { echo "portal did not start:" >&2; cat "$work/stderr" >&2; exit 1; }

password=${PORTAL_SEED_PASSWORD:-portal-demo-password}
PORTAL_TOKEN=$(curl -sS --noproxy '*' -X POST "$url/api/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"alice@acme.test\",\"password\":\"$password\"}" |
  sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
[[ -n $PORTAL_TOKEN ]] || { echo "login as alice failed" >&2; exit 1; }
export PORTAL_TOKEN

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(uname -sr), portal $url, seed $seed records/org"
status=0
for run in $(seq 1 "$runs"); do
  echo "## run $run"
  "$build/portal-load" --url "$url" --rate "$rate" --seconds "$seconds" || status=1
done

if [[ $with_wrk == 1 ]]; then
  for action in list read save search; do
    echo "## wrk closed loop: $action"
    wrk -t2 -c4 -d"${seconds}s" --latency -s "$root/bench/portal-mix.lua" "$url" -- "$action" |
      sed -n '/Latency Distribution/,/Requests\/sec/p'
  done
fi
exit $status
