#!/usr/bin/env bash
# Answers "how fast is the secrets gate on a working tree, next to ripgrep and secretlint, and does
# it find every planted secret?": builds launchgate in Release, generates (once, cached) a ~200 MB
# corpus of source-like text from /usr/include and /usr/share/doc with seeded planted secrets and a
# few negative files (bench/secrets-corpus.py), then times, RUNS times each, in turns:
#   launchgate  `launchgate secrets CORPUS --format json` (every core; compiled rules from the cache)
#   rg-keywords `rg --no-unicode -i -F -c --no-ignore --hidden -f KEYWORDS CORPUS`: the rules'
#               keywords as fixed strings, case-insensitive, counting matching lines per file;
#               what a keyword prefilter alone costs (no regex, no secret extracted)
#   secretlint  secretlint 12 with @secretlint/secretlint-rule-preset-recommend over the whole
#               corpus in PARTS invocations, each on every PARTS-th file (one invocation over all
#               ~10,000 files was stopped unfinished after 27 minutes: its time grows faster than
#               the file count), SL_RUNS times (default 3: a run takes minutes)
# and once each: launchgate with LAUNCHGATE_NO_CACHE=1 (the rules compiled, as on a first run),
# rg with the rules' regexes (`rg -U -c -f REGEXES`; -U as many regexes match newlines), and the
# first stage alone (bench/secrets_probe.cpp: hs_scan over the corpus in memory, one thread).
# launchgate and rg run once untimed first and then in turns, so both read a warm page cache;
# secretlint's runs come last.
#
# usage: bench/secrets-tree.sh [--runs N] [--mb MB] [--secrets N] [--secretlint-parts K]
#                              [--secretlint-runs N] [--no-secretlint] [--no-rg-regex]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-bench-sec}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/launchgate-bench
runs=5 mb=200 secrets=50 parts=10 sl_runs=3 with_secretlint=1 with_rg_regex=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --mb) mb=$2; shift 2 ;;
    --secrets) secrets=$2; shift 2 ;;
    --secretlint-parts) parts=$2; shift 2 ;;
    --secretlint-runs) sl_runs=$2; shift 2 ;;
    --no-secretlint) with_secretlint=0; shift ;;
    --no-rg-regex) with_rg_regex=0; shift ;;
    *) echo "usage: $0 [--runs N] [--mb MB] [--secrets N] [--secretlint-parts K]" \
      "[--secretlint-runs N] [--no-secretlint] [--no-rg-regex]" >&2; exit 2 ;;
  esac
done

# Release build. LG_WERROR is off here only because GCC 12 at -O3 reports a false -Wrestrict in
# std::string's operator+ (GCC bug 105329) in src/core/guard.cpp; dev builds keep -Werror.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLG_TESTS=OFF \
  -DLG_WERROR="${LG_WERROR:-OFF}" >/dev/null
nice ninja -C "$build" launchgate >/dev/null
lg=$build/bin/launchgate
probe=$build/secrets-probe
nice g++ -std=c++20 -O2 -I"$root/src" -I"$build/src" "$root/bench/secrets_probe.cpp" -o "$probe" \
  "$build/src/liblg_secrets.a" "$build/src/liblg_core.a" "$build/src/liblg_util.a" \
  -lhs -lre2 -ltomlplusplus -lgit2 -lz -lfmt -lcrypto -pthread

# The corpus, made once per (size, secrets) and kept in the cache.
data=$cache/tree-${mb}mb-${secrets}s
if [[ ! -f $data/manifest.sha256 ]]; then
  python3 "$root/bench/secrets-corpus.py" "$data" --mb "$mb" --secrets "$secrets"
fi
corpus=$data/corpus
bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
files=$(find "$corpus" -type f | wc -l)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$lg" secrets --explain-rules | sed -n 's/^    keywords: //p' | sed 's/; entropy >= .*//' |
  tr ',' '\n' | sed 's/^ *//; s/ *$//' | grep -v '^$' | LC_ALL=C sort -u >"$work/keywords"
python3 - "$root/rules/secrets/launchgate.toml" >"$work/regexes" <<'EOF'
import sys, tomllib
for r in tomllib.load(open(sys.argv[1], "rb"))["rules"]:
    print(r["regex"])
EOF

# secretlint, once, under the cache (never in the repository).
sl_dir=$cache/secretlint
if [[ $with_secretlint == 1 && ! -x $sl_dir/node_modules/.bin/secretlint ]]; then
  mkdir -p "$sl_dir"
  npm install --prefix "$sl_dir" --no-audit --no-fund secretlint \
    @secretlint/secretlint-rule-preset-recommend >/dev/null
fi
if [[ $with_secretlint == 1 ]]; then
  echo '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}' >"$work/secretlintrc.json"
  # The corpus in `parts` parts (file i, in sorted order, to part i mod parts), hard-linked (or
  # copied) into a directory each; secretlint runs over them one after the other.
  sl_parts=$work/sl-parts
  python3 - "$corpus" "$sl_parts" "$parts" <<'EOF'
import os, shutil, sys
corpus, into, parts = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = sorted(os.path.relpath(os.path.join(d, n), corpus)
               for d, _, names in os.walk(corpus) for n in names)
for i, f in enumerate(files, 1):
    dst = os.path.join(into, str(i % parts), f)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    try:
        os.link(os.path.join(corpus, f), dst)
    except OSError:
        shutil.copyfile(os.path.join(corpus, f), dst)
EOF
  cat >"$work/secretlint-parts" <<EOF
for part in "$sl_parts"/*; do
  "$sl_dir/node_modules/.bin/secretlint" --secretlintrc "$work/secretlintrc.json" \\
    --format unix "\$part/**/*" || true
done
EOF
fi

# One timed command: appends "tool wall user sys maxrss_kb" to $work/times.
timed() {
  local tool=$1 out=$2
  shift 2
  /usr/bin/time -f "$tool %e %U %S %M" -a -o "$work/times" "$@" >"$out" 2>"$work/$tool.stderr" ||
    true # launchgate exits 1 when it finds secrets, rg 1 when it finds nothing
}
run_lg() { timed launchgate "$work/lg.json" "$lg" secrets "$corpus" --format json; }
run_rg() {
  timed rg-keywords "$work/rg.txt" rg --no-unicode -i -F -c --no-ignore --hidden \
    -f "$work/keywords" "$corpus"
}
run_sl() { (cd "$work" && timed secretlint "$work/sl.txt" bash "$work/secretlint-parts"); }

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(uname -sr), corpus $files files," \
  "$bytes bytes ($(cut -c1-16 "$data/manifest.sha256")), $runs runs"
# Warm-up: the page cache and the compiled-rules cache.
find "$corpus" -type f -print0 | xargs -0 cat >/dev/null
run_lg
run_rg
: >"$work/times"
timed launchgate-no-cache "$work/lg-cold.json" env LAUNCHGATE_NO_CACHE=1 "$lg" secrets "$corpus" -q
for _ in $(seq 1 "$runs"); do
  run_lg
  run_rg
done
if [[ $with_secretlint == 1 ]]; then # after the others: its minutes of node leave caches cold
  for _ in $(seq 1 "$sl_runs"); do run_sl; done
fi
if [[ $with_rg_regex == 1 ]]; then
  timed rg-regexes "$work/rg-re.txt" rg -U --no-unicode -c --no-ignore --hidden \
    -f "$work/regexes" "$corpus"
fi

echo "## recall (launchgate JSON against the planted list)"
python3 "$root/bench/secrets-recall.py" "$work/lg.json" "$data/planted.tsv" "$data/negatives.tsv" ||
  true
echo "## first stage alone (one thread, corpus in memory)"
"$probe" stage1 "$corpus" >"$work/probe"
grep -E '^(hs_expressions|stage1_mb_per_s_per_core|stage1_reports)' "$work/probe"
echo "matcher_mb_per_s_per_core (both stages; cold, then warm) $(awk '/^matcher_mb/ {printf "%s ", $2}' "$work/probe")"

if [[ $with_secretlint == 1 ]]; then
  # secretlint's own recall: its findings at a planted place, and in the negative files.
  sed -E "s|^$sl_parts/[0-9]+/|corpus/|" "$work/sl.txt" >"$work/sl-at"
  sl_found=$(cut -f1,2 "$data/planted.tsv" | while IFS=$'\t' read -r p l; do
    if grep -q -F "$p:$l:" "$work/sl-at"; then echo x; fi
  done | wc -l)
  sl_neg=$(cut -f1 "$data/negatives.tsv" | grep -c -F -f - "$work/sl-at" || true)
  echo "## secretlint ($parts invocations): $(wc -l <"$work/sl-at") findings; planted found" \
    "$sl_found/$(wc -l <"$data/planted.tsv"); in the negative files: $sl_neg"
fi
rg_lines=$(awk -F: '{s += $NF} END {print s + 0}' "$work/rg.txt")
echo "## rg-keywords: $(wc -l <"$work/keywords") keywords, $rg_lines matching lines"

echo "## results (median; MB/s = corpus bytes / wall)"
python3 - "$work/times" "$bytes" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    if line.startswith("Command "):  # time's note on a non-zero exit status
        continue
    tool, wall, user, sys_, rss = line.split()
    rows.setdefault(tool, []).append((float(wall), float(user) + float(sys_), int(rss)))
corpus = int(sys.argv[2])
print("| tool | runs | wall s | CPU s | MB/s | peak RSS MB |")
print("|---|---|---|---|---|---|")
for tool in ["launchgate", "launchgate-no-cache", "rg-keywords", "rg-regexes", "secretlint"]:
    if tool not in rows:
        continue
    r = rows[tool]
    wall = statistics.median(x[0] for x in r)
    cpu = statistics.median(x[1] for x in r)
    rss = statistics.median(x[2] for x in r) / 1024
    print(f"| {tool} | {len(r)} | {wall:.2f} | {cpu:.2f} | {corpus / wall / 1e6:.0f} | {rss:.0f} |")
EOF
