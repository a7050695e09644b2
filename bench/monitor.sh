#!/usr/bin/env bash
# Answers two questions about `launchgate monitor` (issue: "1,000 checks a minute against a local
# server cost under 5% of one core; RSS after a simulated week no larger than after an hour"):
#
# 1. CPU: 17 HTTP checks every second (1,020 checks a minute) against nginx on loopback, each
#    judged by `status == 200 && latency < 800ms && body contains ok`, every run recorded in
#    SQLite, with the status page listening. launchgate runs `monitor --duration S` under
#    /usr/bin/time: user + system CPU over wall time is its share of one core, startup included.
#    Beside it, the anchor: Prometheus' blackbox_exporter (Debian's prometheus-blackbox-exporter)
#    asked for the same 1,020 probes a minute (its http_2xx module, 17 probes each second sent by
#    curl from this script); its CPU is read from /proc/PID/stat over the same window (the
#    driver's curls are not counted). blackbox_exporter keeps no history and sends no alerts:
#    it is the cost of the probes alone. Peak RSS of both.
# 2. Memory over a simulated week: lg-monitor-soak (bench/monitor_soak.cpp) runs the monitor's
#    engine with 10 checks every 60 s against the same nginx on a clock that jumps to each due
#    time (a week of runs, 100,800 requests, takes as long as the requests do) and prints VmRSS
#    after the first simulated hour and after each day.
#
# usage: bench/monitor.sh [--runs N] [--seconds S] [--days D]
#   BUILD=DIR  a Release build dir holding bin/launchgate and bin/lg-monitor-soak (default
#              build-bench/lg): cmake -S . -B build-bench/lg -G Ninja -DCMAKE_BUILD_TYPE=Release
#              -DLG_TESTS=OFF && ninja -C build-bench/lg launchgate lg-monitor-soak
#   KEEP=1     keep the scratch dir
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build-bench/lg}
runs=3 seconds=60 days=7
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --days) days=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -d $build ]] && build=$(cd "$build" && pwd)
lg=$build/bin/launchgate soak=$build/bin/lg-monitor-soak
for b in "$lg" "$soak"; do
  [[ -x $b ]] || { echo "no $b: see the usage at the top of $0" >&2; exit 2; }
done
command -v nginx >/dev/null || { echo "nginx is needed: apt-get install -y nginx" >&2; exit 2; }
bbe=$(command -v prometheus-blackbox-exporter || true)
[[ -n $bbe ]] || echo "note: blackbox_exporter skipped (apt-get install -y prometheus-blackbox-exporter)" >&2

work=$(mktemp -d /tmp/lg-bench-monitor-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  [[ -n ${KEEP:-} ]] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# nginx: one worker, a 3-byte page ("ok\n").
port=$(free_port)
mkdir -p "$work/www" "$work/tmp"
echo ok > "$work/www/index.html"
chmod 755 "$work" "$work/www" && chmod 644 "$work/www/index.html"
cat > "$work/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/tmp/body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;
  server { listen 127.0.0.1:$port; root $work/www; }
}
EOF
nginx -p "$work" -c "$work/nginx.conf" 2>"$work/nginx.stderr" &
pids+=($!)
url=http://127.0.0.1:$port
for _ in $(seq 100); do curl -sf --noproxy '*' "$url/" >/dev/null && break; sleep 0.05; done

# The monitor's config: 17 checks a second.
{
  echo "target: {base_url: \"$url\"}"
  echo "monitor:"
  echo "  interval: 1s"
  echo "  checks:"
  for i in $(seq 17); do
    echo "    - {name: c$i, url: \"/?check=$i\", expect: \"status == 200 && latency < 800ms && body contains ok\"}"
  done
  echo "  store: monitor.db"
} > "$work/launchgate.yaml"

# blackbox_exporter's config: one module.
cat > "$work/blackbox.yml" <<EOF
modules:
  http_2xx:
    prober: http
    timeout: 5s
    http: {valid_status_codes: [200], fail_if_body_not_matches_regexp: ["ok"]}
EOF

clk=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1 /proc/loadavg), launchgate $("$lg" --version 2>/dev/null | head -1), $([[ -n $bbe ]] && "$bbe" --version 2>&1 | head -1)"
printf 'run\ttool\tchecks_per_min\tcpu_s\twall_s\tcore_pct\tpeak_rss_mib\n'
for r in $(seq "$runs"); do
  # launchgate monitor
  rm -f "$work"/monitor.db*
  lp=$(free_port)
  /usr/bin/time -f '%U %S %e %M' -o "$work/time.txt" \
    "$lg" monitor -c "$work/launchgate.yaml" --listen "127.0.0.1:$lp" --duration "$seconds" \
    >"$work/monitor.out" 2>"$work/monitor.err"
  read -r u s e m < "$work/time.txt"
  n=$(python3 -c "import sqlite3; print(sqlite3.connect('$work/monitor.db').execute('select count(*) from results').fetchone()[0])" 2>/dev/null || echo 0)
  awk -v r="$r" -v u="$u" -v s="$s" -v e="$e" -v m="$m" -v n="$n" 'BEGIN {
    printf "%d\tlaunchgate\t%.0f\t%.2f\t%.1f\t%.2f\t%.1f\n", r, n / e * 60, u + s, e, (u + s) / e * 100, m / 1024 }'

  # blackbox_exporter, driven at the same rate
  if [[ -n $bbe ]]; then
    bp=$(free_port)
    "$bbe" --config.file="$work/blackbox.yml" --web.listen-address="127.0.0.1:$bp" \
      >"$work/bbe.log" 2>&1 &
    bpid=$!
    pids+=($bpid)
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$bp/" >/dev/null && break; sleep 0.05; done
    t0=$(cpu_ticks "$bpid") start=$(date +%s.%N) sent=0
    end=$(python3 -c "print($start + $seconds)")
    next=$start
    curls=()
    while python3 -c "import sys; sys.exit(0 if $next < $end else 1)"; do
      for i in $(seq 17); do
        curl -s -o /dev/null "http://127.0.0.1:$bp/probe?module=http_2xx&target=$url/%3Fcheck%3D$i" &
        curls+=($!)
      done
      sent=$((sent + 17))
      next=$(python3 -c "print($next + 1)")
      sleep "$(python3 -c "import time; print(max(0, $next - time.time()))")"
    done
    wait "${curls[@]}" 2>/dev/null || true
    stop=$(date +%s.%N)
    t1=$(cpu_ticks "$bpid") m=$(hwm_kib "$bpid")
    kill "$bpid"; wait "$bpid" 2>/dev/null || true
    awk -v r="$r" -v t0="$t0" -v t1="$t1" -v clk="$clk" -v a="$start" -v b="$stop" -v m="$m" -v n="$sent" 'BEGIN {
      c = (t1 - t0) / clk; e = b - a
      printf "%d\tblackbox_exporter\t%.0f\t%.2f\t%.1f\t%.2f\t%.1f\n", r, n / e * 60, c, e, c / e * 100, m / 1024 }'
  fi
done

echo
echo "# memory over $days simulated days (10 checks every 60 s)"
"$soak" "$url" "$work/soak.db" --checks 10 --days "$days" 2>"$work/soak.err"
cat "$work/soak.err"
