#!/usr/bin/env bash
# The one place that names launchgate's Debian packages. Idempotent: installs only what is missing.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config clang clang-format clang-tidy libclang-rt-14-dev
  # libraries
  libcurl4-openssl-dev libssl-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev
  libsqlite3-dev libargon2-dev libcpp-httplib-dev libhyperscan-dev libre2-dev libtomlplusplus-dev
  libgit2-dev zlib1g-dev git libpsl-dev publicsuffix libc-ares-dev libboost-dev
  # tests
  libgtest-dev libgmock-dev python3-jsonschema swaks knot openssl chromium strace
  # benchmarks
  wrk hyperfine ripgrep sqlmap testssl.sh sslscan
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "deps: installing ${missing[*]}" >&2
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
