#!/usr/bin/env bash
# Answers "how fast does the secrets gate read a real repository's whole history, each blob once,
# and does its memory stay flat as the history grows?": builds launchgate in Release, takes a full
# mirror of a public repository (default: trufflesecurity/trufflehog, ~0.8 GB of blobs, cloned
# once into the cache; or --repo PATH to a local clone, read only), then times, RUNS times each, in
# turns:
#   floor       `git cat-file --batch-all-objects --batch --unordered > /dev/null`: git reading
#               every object, the stream launchgate scans; nothing can be faster this way
#   launchgate  `launchgate secrets REPO --history --format json`: end to end, the history scan
#               plus provenance (commit, date, path) of every blob with a secret, plus the tree
#               scan of REPO itself (a bare mirror: a few small files and the binary pack)
#   probe       bench/secrets_probe.cpp: scan_history alone, to read what the report does not
#               carry: when the blob scan ends (before provenance; wall, and CPU with git's) and
#               the time to the first finding
# and once: the "replay" approach of log-based scanners, `git log -p --all | rg -i -F -c -f
# KEYWORDS` (every commit's patch, searched for the rules' keywords only). With --big REPO, one
# more run of floor and launchgate on a larger history (peak RSS as the history grows).
# Blob bytes and counts come from `git cat-file --batch-check`; per core = divided by nproc.
#
# usage: bench/secrets-history.sh [--runs N] [--repo URL|PATH] [--big URL|PATH] [--no-replay]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-bench-sec}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/launchgate-bench
runs=5 repo=https://github.com/trufflesecurity/trufflehog big= replay=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --repo) repo=$2; shift 2 ;;
    --big) big=$2; shift 2 ;;
    --no-replay) replay=0; shift ;;
    *) echo "usage: $0 [--runs N] [--repo URL|PATH] [--big URL|PATH] [--no-replay]" >&2; exit 2 ;;
  esac
done

# Release build, as in bench/secrets-tree.sh (LG_WERROR off: a GCC 12 -O3 false positive).
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLG_TESTS=OFF \
  -DLG_WERROR="${LG_WERROR:-OFF}" >/dev/null
nice ninja -C "$build" launchgate >/dev/null
lg=$build/bin/launchgate
probe=$build/secrets-probe
nice g++ -std=c++20 -O2 -I"$root/src" -I"$build/src" "$root/bench/secrets_probe.cpp" -o "$probe" \
  "$build/src/liblg_secrets.a" "$build/src/liblg_core.a" "$build/src/liblg_util.a" \
  -lhs -lre2 -ltomlplusplus -lgit2 -lz -lfmt -lcrypto -pthread

# A URL is mirrored once into the cache; a local repository is read where it is.
resolve() {
  if [[ -d $1 ]]; then
    git -C "$1" rev-parse --git-dir >/dev/null && (cd "$1" && pwd)
    return
  fi
  local into
  into=$cache/history/$(basename "${1%.git}").git
  [[ -d $into ]] || git clone --quiet --mirror "$1" "$into"
  echo "$into"
}
repo=$(resolve "$repo")
[[ -n $big ]] && big=$(resolve "$big")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$lg" secrets --explain-rules | sed -n 's/^    keywords: //p' | sed 's/; entropy >= .*//' |
  tr ',' '\n' | sed 's/^ *//; s/ *$//' | grep -v '^$' | LC_ALL=C sort -u >"$work/keywords"

describe() { # blobs, blob bytes, commits, pack size, HEAD of a repository
  git -C "$1" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
    awk '$1 == "blob" {n++; s += $2} END {printf "%d %.0f ", n, s}'
  printf '%s %s %s\n' "$(git -C "$1" rev-list --all | wc -l)" \
    "$(git -C "$1" count-objects -v | awk '/size-pack/ {print $2 * 1024}')" \
    "$(git -C "$1" rev-parse HEAD)"
}

timed() { # tool label, output file, command...: appends "label wall user sys maxrss_kb"
  local label=$1 out=$2
  shift 2
  /usr/bin/time -f "$label %e %U %S %M" -a -o "$work/times" "$@" >"$out" 2>>"$work/stderr" || true
}
run_floor() {
  timed "$1-floor" /dev/null git -C "$2" cat-file --batch-all-objects --batch --unordered
}
run_lg() { timed "$1-launchgate" "$work/$1-lg.json" "$lg" secrets "$2" --history --format json; }
run_probe() { "$probe" history "$2" | sed "s/^/$1 /" >>"$work/probe"; }

read -r blobs blob_bytes commits pack head < <(describe "$repo")
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(uname -sr), $runs runs"
echo "# repo $repo at ${head:0:12}: $commits commits, $blobs blobs, $blob_bytes blob bytes," \
  "pack $pack bytes"
: >"$work/times"
: >"$work/probe"
run_floor warm "$repo" # page cache, and the compiled rules into their cache
"$lg" secrets --explain-rules >/dev/null
: >"$work/times"
for _ in $(seq 1 "$runs"); do
  run_floor main "$repo"
  run_lg main "$repo"
  run_probe main "$repo"
done
if [[ $replay == 1 ]]; then
  timed main-replay "$work/replay.txt" bash -c \
    "git -C '$repo' log -p --all | rg --no-unicode -i -F -c -f '$work/keywords'"
  echo "## replay: $(cat "$work/replay.txt") matching lines in the patches"
fi
if [[ -n $big ]]; then
  read -r big_blobs big_bytes big_commits big_pack big_head < <(describe "$big")
  echo "# big $big at ${big_head:0:12}: $big_commits commits, $big_blobs blobs, $big_bytes" \
    "blob bytes, pack $big_pack bytes"
  run_floor warm "$big"
  run_floor big "$big"
  run_lg big "$big"
  run_probe big "$big"
fi

echo "## launchgate's own summary (secrets.history reason, first run's report)"
jq -r '.checks[] | select(.id == "secrets.history") | "\(.status): \(.findings | length) finding(s); \(.reason | .[0:300])"' \
  "$work/main-lg.json"

echo "## results (median of $runs; MB/s = blob bytes / wall; per core = / $(nproc))"
python3 - "$work/times" "$work/probe" "$(nproc)" "$blob_bytes" "$blobs" "${big_bytes:-0}" \
  "${big_blobs:-0}" <<'EOF'
import statistics, sys
times, probe, cores = sys.argv[1], sys.argv[2], int(sys.argv[3])
size = {"main": (int(sys.argv[4]), int(sys.argv[5])), "big": (int(sys.argv[6]), int(sys.argv[7]))}
rows = {}
for line in open(times):
    if line.startswith("Command "):  # time's note on a non-zero exit status
        continue
    label, wall, user, sys_, rss = line.split()
    rows.setdefault(label, []).append((float(wall), float(user) + float(sys_), int(rss) / 1024))
probes = {}
for line in open(probe):
    repo, key, value = line.split()
    probes.setdefault((repo, key), []).append(float(value))
med = statistics.median
print("| repo | what | runs | wall s | CPU s | blob MB/s | per core | blobs/s | first finding s | peak RSS MB |")
print("|---|---|---|---|---|---|---|---|---|---|")
for repo in ["main", "big"]:
    b, n = size[repo]
    lines = []
    for what in ["floor", "launchgate", "replay"]:
        r = rows.get(f"{repo}-{what}")
        if not r:
            continue
        wall = med(x[0] for x in r)
        lines.append((what, len(r), wall, med(x[1] for x in r), "", med(x[2] for x in r)))
    if (repo, "blobs_scanned_seconds") in probes:
        scanned = probes[(repo, "blobs_scanned_seconds")]
        cpu = med(probes[(repo, "blobs_scanned_cpu_seconds")])
        first = med(probes[(repo, "first_finding_seconds")])
        lines.append(("blob scan (probe)", len(scanned), med(scanned), cpu, f"{first:.2f}", None))
    for what, k, wall, cpu, first, rss in lines:
        cpu_s = f"{cpu:.2f}" if cpu is not None else "–"
        rss_s = f"{rss:.0f}" if rss is not None else "–"
        print(f"| {repo} | {what} | {k} | {wall:.2f} | {cpu_s} | {b / wall / 1e6:.0f} | "
              f"{b / wall / 1e6 / cores:.0f} | {n / wall:.0f} | {first or '–'} | {rss_s} |")
EOF
