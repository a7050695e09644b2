#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (CTest): once in a normal build
# with warnings as errors, once under AddressSanitizer + UndefinedBehaviorSanitizer.
# LG_SKIP_SANITIZE=1 runs only the first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
jobs=$(nproc)

cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/test -j "$jobs"
ctest --test-dir build/test -j "$jobs" --output-on-failure --timeout 300

if [[ "${LG_SKIP_SANITIZE:-0}" != 1 ]]; then
  cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DLG_SANITIZE=ON >/dev/null
  cmake --build build/asan -j "$jobs"
  ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest --test-dir build/asan -j "$jobs" --output-on-failure --timeout 600
fi
